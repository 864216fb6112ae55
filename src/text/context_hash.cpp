// The context hash of the normal form (context_hash.hpp), 64 bytes at a time
// with AVX-512 VBMI (the last block under a mask), 16 with SSSE3, else byte
// by byte. The three positions are read with overlapping unaligned loads at i,
// i - 1 and i - 2, so the first two bytes (whose context lies before the
// start) take the scalar path.
#include "text/context_hash.hpp"

#include <algorithm>
#include <cstdint>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SB_CONTEXT_SIMD 1
#endif

namespace switchboard::text {

namespace {

// Fixed random bytes: the low- and high-nibble tables of T0, T1 and T2.
// Changing them changes no result, only which positions Hyperscan checks.
alignas(16) constexpr unsigned char kLow[3][16] = {
    {0x59, 0x8f, 0xb2, 0x2a, 0xac, 0x25, 0x02, 0x5c, 0x52, 0xb9, 0xb3, 0x57, 0x54, 0xba, 0xc9, 0xb3},
    {0x0c, 0x6f, 0x64, 0x59, 0x43, 0x86, 0xbd, 0xbf, 0xc4, 0xde, 0xeb, 0xdd, 0x87, 0x0a, 0x70, 0x7c},
    {0x9d, 0x62, 0x87, 0x03, 0xc9, 0xbf, 0xf4, 0x9d, 0xa0, 0x0f, 0xf3, 0x45, 0xd3, 0x41, 0xf3, 0x71}};
alignas(16) constexpr unsigned char kHigh[3][16] = {
    {0xb0, 0x3b, 0x7d, 0xd1, 0x27, 0xf0, 0x28, 0xa7, 0x4c, 0x2f, 0x76, 0x6b, 0xbd, 0x01, 0xb3, 0xdc},
    {0xef, 0xf1, 0xca, 0xf6, 0xec, 0x3b, 0xff, 0xb9, 0x26, 0xc8, 0x3c, 0xec, 0xaf, 0x9f, 0x31, 0x5c},
    {0xfb, 0x33, 0xb0, 0x20, 0xc2, 0x9b, 0x7e, 0x80, 0x0c, 0x14, 0x78, 0x57, 0xed, 0x3a, 0xf5, 0xfc}};

// T_k[c] = kLow[k][c & 15] ^ kHigh[k][(c >> 4) & 7]: bit 7 does not count,
// so each table is 128 entries, which AVX-512 VBMI looks up in one
// instruction (vpermi2b) and SSSE3 in two (pshufb on each nibble).
struct Tables {
    alignas(64) unsigned char t[3][128];
    Tables() {
        for (int k = 0; k < 3; ++k)
            for (unsigned c = 0; c < 128; ++c) t[k][c] = kLow[k][c & 15] ^ kHigh[k][c >> 4];
    }
};
const Tables kTables;

// Bytes [from, to) of the output, one at a time.
void hash_scalar(const unsigned char* p, std::size_t from, std::size_t to, char* out) {
    for (std::size_t i = from; i < to; ++i) {
        const unsigned char c1 = i >= 1 ? p[i - 1] : ' ';
        const unsigned char c2 = i >= 2 && c1 != ' ' ? p[i - 2] : ' ';
        out[i] = static_cast<char>(kTables.t[0][p[i] & 0x7F] ^ kTables.t[1][c1 & 0x7F] ^ kTables.t[2][c2 & 0x7F]);
    }
}

#ifdef SB_CONTEXT_SIMD
__attribute__((target("ssse3"))) inline __m128i lookup16(__m128i v, int k) {
    const __m128i lo = _mm_load_si128(reinterpret_cast<const __m128i*>(kLow[k]));
    const __m128i hi = _mm_load_si128(reinterpret_cast<const __m128i*>(kHigh[k]));
    return _mm_xor_si128(_mm_shuffle_epi8(lo, _mm_and_si128(v, _mm_set1_epi8(0x0F))),
                         _mm_shuffle_epi8(hi, _mm_and_si128(_mm_srli_epi16(v, 4), _mm_set1_epi8(0x07))));
}

// Bytes [from, to) (from >= 2) while 16 remain; returns where it stopped.
__attribute__((target("ssse3"))) std::size_t hash_ssse3(const unsigned char* p, std::size_t from, std::size_t to,
                                                        char* out) {
    const __m128i space = _mm_set1_epi8(' ');
    std::size_t i = from;
    for (; i + 16 <= to; i += 16) {
        const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
        const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i - 1));
        __m128i v2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i - 2));
        const __m128i after_space = _mm_cmpeq_epi8(v1, space);
        v2 = _mm_or_si128(_mm_and_si128(after_space, space), _mm_andnot_si128(after_space, v2));
        const __m128i t = _mm_xor_si128(_mm_xor_si128(lookup16(v0, 0), lookup16(v1, 1)), lookup16(v2, 2));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), t);
    }
    return i;
}

__attribute__((target("avx512f,avx512bw,avx512vbmi"))) inline __m512i lookup64(__m512i v, int k) {
    return _mm512_permutex2var_epi8(_mm512_load_si512(kTables.t[k]), v, _mm512_load_si512(kTables.t[k] + 64));
}

// Bytes [from, to) (from >= 2), the last block under a mask.
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) std::size_t hash_avx512(const unsigned char* p,
                                                                                 std::size_t from, std::size_t to,
                                                                                 char* out) {
    const __m512i space = _mm512_set1_epi8(' ');
    for (std::size_t i = from; i < to; i += 64) {
        const __mmask64 m = to - i >= 64 ? ~__mmask64{0} : (__mmask64{1} << (to - i)) - 1;
        const __m512i v0 = _mm512_maskz_loadu_epi8(m, p + i);
        const __m512i v1 = _mm512_maskz_loadu_epi8(m, p + i - 1);
        __m512i v2 = _mm512_maskz_loadu_epi8(m, p + i - 2);
        v2 = _mm512_mask_blend_epi8(_mm512_cmpeq_epi8_mask(v1, space), v2, space);
        const __m512i t = _mm512_xor_si512(_mm512_xor_si512(lookup64(v0, 0), lookup64(v1, 1)), lookup64(v2, 2));
        _mm512_mask_storeu_epi8(out + i, m, t);
    }
    return to;
}

bool have_ssse3() {
    static const bool yes = __builtin_cpu_supports("ssse3");
    return yes;
}

bool have_avx512() {
    static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                            __builtin_cpu_supports("avx512vbmi");
    return yes;
}
#endif

}  // namespace

void hash_context(std::string_view in, std::size_t from, char* out, int path) {
    const auto* p = reinterpret_cast<const unsigned char*>(in.data());
    const std::size_t n = in.size();
    if (from < 2) {
        hash_scalar(p, from, std::min<std::size_t>(2, n), out);
        from = std::min<std::size_t>(2, n);
    }
#ifdef SB_CONTEXT_SIMD
    // A few bytes (the normal form's last space) cost less one at a time.
    const bool few = n - from < 16;
    if (!few && (path == 0 || path == 3) && have_avx512()) from = hash_avx512(p, from, n, out);
    else if (!few && (path == 0 || path == 2) && have_ssse3()) from = hash_ssse3(p, from, n, out);
#else
    (void)path;
#endif
    hash_scalar(p, from, n, out);
}

const unsigned char* hash_table(int k) noexcept { return kTables.t[k]; }

std::string hashed_literal(std::string_view literal) {
    std::string out(literal.size(), '\0');
    hash_context(literal, 0, out.data(), 1);
    return out.substr(1);
}

}  // namespace switchboard::text
