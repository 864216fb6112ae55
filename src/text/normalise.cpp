// The normal form of a text for the phrase matcher (normalise.hpp), built 64
// bytes at a time: a mask of the separator bytes, the bytes to drop (a
// separator after a separator), separators rewritten to spaces, and the
// kept bytes packed together. On x86-64 with SSSE3 (which Hyperscan needs
// anyway) a chunk of ASCII is classified with SSE2 compares and packed 8
// bytes at a time with pshufb, or with AVX-512 VBMI2 where the CPU has it
// (vpcompressb packs all 64 at once); chunks holding other UTF-8
// characters, and other CPUs, take the scalar path, which decodes each
// character. All paths give the same bytes (the tests compare them).
#include "text/normalise.hpp"

#include <array>
#include <bit>
#include <cstring>

#include "text/context_hash.hpp"
#include "text/utf8.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SB_TEXT_SSSE3 1
#endif

namespace switchboard::text {

namespace {

std::array<bool, 128> make_ascii_sep() {
    std::array<bool, 128> t{};
    for (unsigned c = 0; c < 128; ++c) t[c] = is_separator(c);
    return t;
}
const std::array<bool, 128> kAsciiSep = make_ascii_sep();

using State = Normaliser::State;

// Separator mask of p[0, len) (len <= 64), decoding and checking characters.
std::uint64_t separators_scalar(std::string_view s, std::size_t i0, std::size_t len, State& st) {
    std::uint64_t sep = 0;
    std::size_t k = 0;
    for (; k < len && st.pending > 0; ++k, --st.pending)
        if (st.pending_sep) sep |= std::uint64_t{1} << k;
    while (k < len) {
        auto c = static_cast<unsigned char>(s[i0 + k]);
        if (c < 0x80) {
            if (kAsciiSep[c]) sep |= std::uint64_t{1} << k;
            ++k;
            continue;
        }
        char32_t cp;
        std::size_t clen = decode_valid(s, i0 + k, cp);
        if (clen == 0) {
            if (st.invalid == std::string_view::npos) st.invalid = i0 + k;
            clen = 1;  // carry on as if it were a separator; the caller refuses the text
            cp = ' ';
        }
        bool is_sep = is_separator(cp);
        for (std::size_t j = 0; j < clen; ++j) {
            if (k + j < len) {
                if (is_sep) sep |= std::uint64_t{1} << (k + j);
            } else {
                ++st.pending;
            }
        }
        st.pending_sep = is_sep;
        k += clen;
    }
    return sep;
}

// Writes the kept bytes of p[0, len) and returns the kept mask.
std::uint64_t emit_scalar(const char* p, std::size_t len, std::uint64_t sep, State& st, char* out, std::size_t& on) {
    std::uint64_t drop = sep & ((sep << 1) | st.carry);
    st.carry = (sep >> (len - 1)) & 1;
    std::uint64_t valid = len == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << len) - 1;
    for (std::size_t k = 0; k < len; ++k) {
        if (drop >> k & 1) continue;
        out[on++] = (sep >> k & 1) ? ' ' : ascii_lower(p[k]);
    }
    return ~drop & valid;
}

#ifdef SB_TEXT_SSSE3
// For each 8-bit keep mask, the pshufb control that packs the kept bytes,
// and how many they are (a table: the x86-64 baseline has no POPCNT, and
// std::popcount would be a library call).
struct ShuffleTable {
    alignas(16) std::array<std::uint64_t, 256> control;
    std::array<std::uint8_t, 256> count;
    ShuffleTable() {
        for (unsigned m = 0; m < 256; ++m) {
            count[m] = static_cast<std::uint8_t>(std::popcount(m));
            std::uint64_t c = 0x8080808080808080ULL;
            unsigned n = 0;
            for (unsigned b = 0; b < 8; ++b)
                if (m >> b & 1) {
                    c &= ~(std::uint64_t{0xFF} << (8 * n));
                    c |= std::uint64_t{b} << (8 * n);
                    ++n;
                }
            control[m] = c;
        }
    }
};
const ShuffleTable kShuffle;

// Each run_* takes the input bytes [from, to) (from a multiple of 64, to
// one or the end of s).
__attribute__((target("ssse3"))) void run_ssse3(std::string_view s, std::size_t from, std::size_t to,
                                                NormalText& out, State& st, char* o, std::size_t& on) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = to;
    const __m128i space = _mm_set1_epi8(' ');
    const __m128i case_bit = _mm_set1_epi8(0x20);
    std::size_t i = from;
    for (; i + 64 <= n; i += 64) {
        __m128i v[4];
        std::uint64_t high = 0, word = 0;
        for (int b = 0; b < 4; ++b) {
            v[b] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 16 * b));
            high |= static_cast<std::uint64_t>(_mm_movemask_epi8(v[b])) << (16 * b);
            __m128i l = _mm_or_si128(v[b], case_bit);
            __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(l, _mm_set1_epi8('a' - 1)),
                                          _mm_cmplt_epi8(l, _mm_set1_epi8('z' + 1)));
            __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v[b], _mm_set1_epi8('0' - 1)),
                                          _mm_cmplt_epi8(v[b], _mm_set1_epi8('9' + 1)));
            __m128i under = _mm_cmpeq_epi8(v[b], _mm_set1_epi8('_'));
            __m128i other = _mm_or_si128(digit, under);
            __m128i w = _mm_or_si128(alpha, other);
            word |= static_cast<std::uint64_t>(_mm_movemask_epi8(w)) << (16 * b);
            // Letters lower-cased, separators spaces.
            v[b] = _mm_or_si128(_mm_or_si128(_mm_and_si128(alpha, l), _mm_and_si128(other, v[b])),
                                _mm_andnot_si128(w, space));
        }
        std::uint64_t keep;
        const std::size_t before = on;
        if (high != 0 || st.pending > 0) {
            std::uint64_t sep = separators_scalar(s, i, 64, st);
            keep = emit_scalar(s.data() + i, 64, sep, st, o, on);
        } else {
            std::uint64_t sep = ~word;
            std::uint64_t drop = sep & ((sep << 1) | st.carry);
            st.carry = sep >> 63;
            keep = ~drop;
            for (int g = 0; g < 8; ++g) {
                unsigned m = static_cast<unsigned>(keep >> (8 * g)) & 0xFF;
                __m128i data = (g & 1) ? _mm_srli_si128(v[g >> 1], 8) : v[g >> 1];
                __m128i ctrl = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(&kShuffle.control[m]));
                _mm_storel_epi64(reinterpret_cast<__m128i*>(o + on), _mm_shuffle_epi8(data, ctrl));
                on += kShuffle.count[m];
            }
        }
        out.rank.push_back(st.kept);
        out.kept.push_back(keep);
        st.kept += static_cast<std::uint32_t>(on - before);
    }
    if (i < n) {
        const std::size_t before = on;
        std::uint64_t sep = separators_scalar(s, i, n - i, st);
        std::uint64_t keep = emit_scalar(s.data() + i, n - i, sep, st, o, on);
        out.rank.push_back(st.kept);
        out.kept.push_back(keep);
        st.kept += static_cast<std::uint32_t>(on - before);
    }
}

bool have_ssse3() {
    static const bool yes = __builtin_cpu_supports("ssse3");
    return yes;
}

// AVX-512 (BW, VBMI and VBMI2): each ASCII byte mapped to its normal-form
// byte by one 128-entry table lookup (vpermi2b), the separators found by
// comparing with a space, and the kept bytes packed with vpcompressb. The
// last block is loaded under a mask. The packed bytes are hashed
// (context_hash.hpp) while still in a register: the two output bytes before
// them come from a register holding the output's last bytes so far.
struct AsciiNormal {
    alignas(64) unsigned char t[128];
    AsciiNormal() {
        for (unsigned c = 0; c < 128; ++c) t[c] = kAsciiSep[c] ? ' ' : static_cast<unsigned char>(ascii_lower(char(c)));
    }
};
const AsciiNormal kAsciiNormal;

#define SB_AVX512_TARGET __attribute__((target("avx512f,avx512bw,avx512vbmi,avx512vbmi2,popcnt")))

struct Indexes {
    alignas(64) unsigned char back1[64], back2[64], iota[64];
    Indexes() {
        for (int j = 0; j < 64; ++j) {
            back1[j] = static_cast<unsigned char>(63 + j);
            back2[j] = static_cast<unsigned char>(62 + j);
            iota[j] = static_cast<unsigned char>(j);
        }
    }
};
const Indexes kIndexes;

// The constants of the AVX-512 loop, loaded once per run of ASCII blocks
// (the loop makes no call, so they stay in registers).
struct Avx512Constants {
    __m512i space, table_lo, table_hi, t0_lo, t0_hi, t1_lo, t1_hi, t2_lo, t2_hi;
    // Byte j of concat(tail, packed) (tail first) for j = 63 + i and 62 + i:
    // each packed byte's one and two bytes before; and 0..63.
    __m512i back1, back2, iota;
    SB_AVX512_TARGET Avx512Constants() {
        space = _mm512_set1_epi8(' ');
        table_lo = _mm512_load_si512(kAsciiNormal.t);
        table_hi = _mm512_load_si512(kAsciiNormal.t + 64);
        t0_lo = _mm512_load_si512(hash_table(0));
        t0_hi = _mm512_load_si512(hash_table(0) + 64);
        t1_lo = _mm512_load_si512(hash_table(1));
        t1_hi = _mm512_load_si512(hash_table(1) + 64);
        t2_lo = _mm512_load_si512(hash_table(2));
        t2_hi = _mm512_load_si512(hash_table(2) + 64);
        back1 = _mm512_load_si512(kIndexes.back1);
        back2 = _mm512_load_si512(kIndexes.back2);
        iota = _mm512_load_si512(kIndexes.iota);
    }
};

// Where the AVX-512 path is: the output so far, its last bytes (in bytes 62
// and 63 of `tail`) and the block vectors' next entries.
struct Avx512State {
    std::uint64_t carry;
    std::size_t on;
    std::uint32_t kept;
    __m512i tail;
    std::uint64_t* kept_out;
    std::uint32_t* rank_out;
};

// Hashes the `count` packed bytes just written at hashed[0, count):
// T0[c] ^ T1[c - 1] ^ T2[c - 2], the last a space after a space, the bytes
// before taken from `tail`, which then moves on by `count`.
SB_AVX512_TARGET inline __attribute__((always_inline)) void hash_packed(const Avx512Constants& k, __m512i packed,
                                                                       std::size_t count, __m512i& tail,
                                                                       char* hashed) {
    const __m512i c1 = _mm512_permutex2var_epi8(tail, k.back1, packed);
    __m512i c2 = _mm512_permutex2var_epi8(tail, k.back2, packed);
    c2 = _mm512_mask_blend_epi8(_mm512_cmpeq_epi8_mask(c1, k.space), c2, k.space);
    // vpermi2b reads the low seven bits of each index: a byte beyond ASCII
    // hashes as its low seven bits, as on the other paths.
    const __m512i h = _mm512_xor_si512(_mm512_xor_si512(_mm512_permutex2var_epi8(k.t0_lo, packed, k.t0_hi),
                                                        _mm512_permutex2var_epi8(k.t1_lo, c1, k.t1_hi)),
                                       _mm512_permutex2var_epi8(k.t2_lo, c2, k.t2_hi));
    _mm512_storeu_si512(hashed, h);
    tail = _mm512_permutex2var_epi8(tail, _mm512_add_epi8(k.iota, _mm512_set1_epi8(static_cast<char>(count))), packed);
}

// ASCII blocks from input byte i while they last; returns where it stopped:
// n, or a block with a byte beyond ASCII.
SB_AVX512_TARGET std::size_t avx512_ascii_blocks(const unsigned char* p, std::size_t i, std::size_t n, char* o,
                                                 char* hashed, Avx512State& r) {
    const Avx512Constants k;
    std::uint64_t carry = r.carry;
    std::size_t on = r.on;
    std::uint32_t kept = r.kept;
    __m512i tail = r.tail;
    std::uint64_t* kept_out = r.kept_out;
    std::uint32_t* rank_out = r.rank_out;
    for (; i < n; i += 64) {
        const std::size_t len = std::min<std::size_t>(64, n - i);
        const std::uint64_t valid = len == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << len) - 1;
        const __m512i v = _mm512_maskz_loadu_epi8(valid, p + i);
        if (_mm512_movepi8_mask(v) != 0) break;
        const __m512i normal = _mm512_permutex2var_epi8(k.table_lo, v, k.table_hi);
        const std::uint64_t sep = _mm512_cmpeq_epi8_mask(normal, k.space) & valid;
        const std::uint64_t drop = sep & ((sep << 1) | carry);
        carry = (sep >> (len - 1)) & 1;
        const std::uint64_t keep = ~drop & valid;
        const __m512i packed = _mm512_maskz_compress_epi8(keep, normal);
        _mm512_storeu_si512(o + on, packed);
        const auto count = static_cast<std::size_t>(_mm_popcnt_u64(keep));
        hash_packed(k, packed, count, tail, hashed + on);
        *rank_out++ = kept;
        *kept_out++ = keep;
        kept += static_cast<std::uint32_t>(count);
        on += count;
    }
    r = {carry, on, kept, tail, kept_out, rank_out};
    return i;
}

SB_AVX512_TARGET void run_avx512(std::string_view s, std::size_t from, std::size_t to, NormalText& out, State& st,
                                 char* o, std::size_t& on_io) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = to;
    // The block vectors are written through raw pointers.
    const std::size_t blocks = (n - from + 63) / 64;
    const std::size_t first_block = out.kept.size();
    out.kept.resize(first_block + blocks);
    out.rank.resize(first_block + blocks);
    // Hash what is written so far (the leading space at the start).
    char* hashed = out.hashed.get();
    const std::size_t on = on_io;
    if (st.hashed < on) hash_context(std::string_view(o, on), st.hashed, hashed, 3);
    Avx512State r{st.carry, on, st.kept, _mm512_set1_epi8(' '), out.kept.data() + first_block,
                  out.rank.data() + first_block};
    if (on >= 1) r.tail = _mm512_mask_set1_epi8(r.tail, __mmask64{1} << 63, o[on - 1]);
    if (on >= 2) r.tail = _mm512_mask_set1_epi8(r.tail, __mmask64{1} << 62, o[on - 2]);
    std::size_t i = from;
    while (i < n) {
        if (st.pending == 0) i = avx512_ascii_blocks(p, i, n, o, hashed, r);
        if (i >= n) break;
        // A block with bytes beyond ASCII (or the rest of a character begun
        // in the block before): decoded on the scalar path, then hashed.
        const std::size_t len = std::min<std::size_t>(64, n - i);
        const std::size_t before = r.on;
        st.carry = r.carry;
        const std::uint64_t sep = separators_scalar(s, i, len, st);
        const std::uint64_t keep = emit_scalar(s.data() + i, len, sep, st, o, r.on);
        r.carry = st.carry;
        const std::size_t count = r.on - before;
        const __m512i packed =
            _mm512_maskz_loadu_epi8(count == 64 ? ~__mmask64{0} : (__mmask64{1} << count) - 1, o + before);
        hash_packed(Avx512Constants(), packed, count, r.tail, hashed + before);
        *r.rank_out++ = r.kept;
        *r.kept_out++ = keep;
        r.kept += static_cast<std::uint32_t>(count);
        i += 64;
    }
    st.carry = r.carry;
    st.kept = r.kept;
    st.hashed = r.on;
    on_io = r.on;
}

bool have_avx512() {
    static const bool yes = __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi") &&
                            __builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("popcnt");
    return yes;
}
#endif

void run_scalar(std::string_view s, std::size_t from, std::size_t to, NormalText& out, State& st, char* o,
                std::size_t& on) {
    for (std::size_t i = from; i < to; i += 64) {
        std::size_t len = std::min<std::size_t>(64, to - i);
        const std::size_t before = on;
        std::uint64_t sep = separators_scalar(s, i, len, st);
        std::uint64_t keep = emit_scalar(s.data() + i, len, sep, st, o, on);
        out.rank.push_back(st.kept);
        out.kept.push_back(keep);
        st.kept += static_cast<std::uint32_t>(on - before);
    }
}

}  // namespace

void NormalText::reserve(std::size_t bytes, std::size_t keep) {
    if (bytes <= capacity) return;
    std::unique_ptr<char[]> b(new char[bytes]), h(new char[bytes]);
    if (keep) {
        std::memcpy(b.get(), buffer.get(), keep);
        std::memcpy(h.get(), hashed.get(), keep);
    }
    buffer = std::move(b);
    hashed = std::move(h);
    capacity = bytes;
}

namespace {

// The held index block that holds kept byte k: the last whose rank is <= k.
std::size_t block_of(const std::vector<std::uint32_t>& rank, std::uint32_t k) noexcept {
    std::size_t lo = 0, hi = rank.size();
    while (hi - lo > 1) {
        std::size_t mid = (lo + hi) / 2;
        if (rank[mid] <= k) lo = mid;
        else hi = mid;
    }
    return lo;
}

}  // namespace

std::size_t NormalText::to_original(std::size_t pos) const noexcept {
    const std::uint32_t k = static_cast<std::uint32_t>(pos - 1);  // index among the kept bytes
    const std::size_t b = block_of(rank, k);
    std::uint64_t bits = kept[b];
    for (std::uint32_t r = k - rank[b]; r > 0; --r) bits &= bits - 1;
    return 64 * (first_block + b) + static_cast<std::size_t>(std::countr_zero(bits));
}

// Room past the output of a step: its last space, and the 64-byte stores
// of the vector paths.
constexpr std::size_t kSlack = 2 + 64;

Normaliser::Normaliser(std::string_view s, NormalText& out, int path) : s_(s), out_(out), path_(path) {
    out.kept.clear();
    out.rank.clear();
    out.first_block = 0;
    out.reserve(kSlack);
    out.origin = 0;
    out.buffer[on_++] = ' ';
    out.size = on_;
}

void Normaliser::slide(std::size_t from) {
    if (from <= out_.origin) return;
    const std::size_t drop = from - out_.origin;
    on_ -= drop;
    std::memmove(out_.buffer.get(), out_.buffer.get() + drop, on_);
    std::memmove(out_.hashed.get(), out_.hashed.get() + drop, on_);
    state_.hashed -= drop;
    out_.origin = from;
    // The index from the block that holds the normal form's byte `from` on
    // (the leading space, byte 0, is in none).
    if (const std::size_t b = block_of(out_.rank, static_cast<std::uint32_t>(from - 1)); b > 0) {
        out_.kept.erase(out_.kept.begin(), out_.kept.begin() + static_cast<std::ptrdiff_t>(b));
        out_.rank.erase(out_.rank.begin(), out_.rank.begin() + static_cast<std::ptrdiff_t>(b));
        out_.first_block += b;
    }
}

void Normaliser::advance(std::size_t end) {
    if (finished_ || end < done_) return;
    // A step writes at most a byte for each byte it takes, and a last space.
    const std::size_t need = on_ + (end - done_) + kSlack;
    if (need > out_.capacity) out_.reserve(std::max(need, out_.capacity + out_.capacity / 2), on_);
    char* o = out_.buffer.get();
#ifdef SB_TEXT_SSSE3
    if ((path_ == 0 || path_ == 3) && have_avx512()) run_avx512(s_, done_, end, out_, state_, o, on_);
    else if ((path_ == 0 || path_ == 2) && have_ssse3()) run_ssse3(s_, done_, end, out_, state_, o, on_);
    else run_scalar(s_, done_, end, out_, state_, o, on_);
#else
    run_scalar(s_, done_, end, out_, state_, o, on_);
#endif
    done_ = end;
    if (end == s_.size()) {
        finished_ = true;
        if (o[on_ - 1] != ' ') o[on_++] = ' ';
    }
    out_.size = out_.origin + on_;
    if (state_.hashed < on_) hash_context(out_.text(), state_.hashed, out_.hashed.get(), path_);
    state_.hashed = on_;
}

std::size_t normalise(std::string_view s, NormalText& out, int path) {
    Normaliser n(s, out, path);
    n.advance(s.size());
    return n.invalid();
}

std::string padded_literal(const std::vector<std::string>& words) {
    std::string lit;
    for (const auto& w : words) lit += ' ' + w;
    if (lit.size() <= kShortLiteral) lit += ' ';
    return lit;
}

}  // namespace switchboard::text
