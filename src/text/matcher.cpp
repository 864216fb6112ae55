// TextAnalyzer: the pools compiled into two Hyperscan databases.
//
// Phrases go into a literal database. Each phrase is its words joined by
// single spaces after one leading space (" call you back"; a short one also
// ends with a space: " um "), and the text is scanned in its normal form
// (normalise.hpp: every run of white space and punctuation one space,
// letters lower-cased). A literal found there and followed by a space is
// exactly a phrase match on word boundaries in the text, and its span maps
// back to the text through the normal form's kept-byte index. Hyperscan
// reads the normal form's context hash (context_hash.hpp), where each byte
// stands for itself and the two before it in its word, and looks for eight
// of each literal's hashed bytes (across a word boundary where the literal
// has one); every hit is checked against the normal form itself. Literals
// compile in milliseconds, where the same phrases as regular expressions
// (\bw1[sep]+w2\b) take 1-2 ms each and scan ten times slower (docs/text.md
// has the measurements).
// Regular expression entries go into a second database, compiled with
// HS_FLAG_SOM_LEFTMOST (which reports where each match starts) and run over
// the text itself.
//
// Both databases are immutable once built and shared by every copy of the
// analyzer. Each thread keeps its own scratch space, cloned from a
// prototype the analyzer allocates for both databases, in a small
// thread-local cache keyed by the analyzer's unique id (hs_runtime.h: one
// scratch per thread, allocated once), and its own normal-form buffers.
#include <hs/hs.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <unordered_map>

#include "switchboard/error.hpp"
#include "switchboard/text.hpp"
#include "text/context_hash.hpp"
#include "text/matcher.hpp"
#include "text/normalise.hpp"
#include "text/phrase.hpp"
#include "text/utf8.hpp"

namespace switchboard {

struct TextAnalyzer::Impl {
    std::uint64_t id = 0;
    std::vector<PhrasePool> pools;
    std::size_t phrase_count = 0;
    // What a literal hit reads. Hyperscan id h stands for one or more
    // candidates (nearly always one): candidates[h] and the ones chained
    // from it by `next`. A candidate is a literal (" w1 w2", or " w1 " when
    // short, ending with the space after its last word) and the entries
    // with it (one per pool at most) in `entries`. A candidate fills one
    // cache line and holds its literal when it fits, so a hit reads one
    // line besides the text (a stress set's candidates do not fit in L1).
    struct alignas(64) Candidate {
        static constexpr std::size_t kInline = 43;
        std::uint32_t plain = 0;  // offset in plains, when the literal is over kInline bytes
        std::uint32_t entry = 0;  // first of its entries
        std::uint32_t next = 0;   // the next candidate with the same Hyperscan id, or 0
        std::uint32_t entry_count = 0;
        std::uint16_t length = 0;
        std::uint16_t suffix = 0;  // bytes of the literal after the part Hyperscan looks for
        bool padded = false;
        char bytes[kInline] = {};  // the literal, when it fits
        const char* literal(const std::string& plains) const noexcept {
            return length <= kInline ? bytes : plains.data() + plain;
        }
    };
    static_assert(sizeof(Candidate) == 64);
    std::vector<Candidate> candidates;
    std::string plains;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> entries;
    // Regex id -> (pool, entry).
    std::vector<std::pair<std::uint32_t, std::uint32_t>> regexes;
    hs_database_t* literal_db = nullptr;
    hs_database_t* regex_db = nullptr;
    hs_scratch_t* prototype = nullptr;
    std::size_t bytes = 0;
    std::size_t last_suffix = 0;  // the most bytes a literal goes on after the part Hyperscan looks for
    std::size_t longest = 0;      // the longest literal

    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() {
        hs_free_scratch(prototype);
        hs_free_database(literal_db);
        hs_free_database(regex_db);
    }
};

namespace {

std::atomic<std::uint64_t> next_id{1};

// The most bytes of a literal's hashed form that Hyperscan looks for: the
// width of its literal matcher's window (FDR reads eight bytes).
constexpr std::size_t kHyperscanLiteral = 8;

inline std::uint64_t load8(const char* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}

std::string in_pool(const std::string& name) { return " in pool " + text::quote(name); }

[[noreturn]] void hs_failure(const char* what, hs_error_t rc) {
    throw Error(ErrorCode::internal, std::string("Hyperscan failed to ") + what + " (error " + std::to_string(rc) +
                                         (rc == HS_NOMEM ? ", out of memory)" : ")"));
}

// The scratch space of the calling thread for one analyzer.
hs_scratch_t* thread_scratch(const TextAnalyzer::Impl& impl) {
    struct Cache {
        struct Slot {
            std::uint64_t id = 0;
            hs_scratch_t* scratch = nullptr;
            std::uint64_t used = 0;
        };
        std::array<Slot, 4> slots{};
        std::uint64_t tick = 0;
        ~Cache() {
            for (auto& s : slots) hs_free_scratch(s.scratch);
        }
    };
    thread_local Cache cache;
    Cache::Slot* victim = &cache.slots[0];
    for (auto& s : cache.slots) {
        if (s.id == impl.id) {
            s.used = ++cache.tick;
            return s.scratch;
        }
        if (s.used < victim->used) victim = &s;
    }
    hs_scratch_t* fresh = nullptr;
    if (hs_error_t rc = hs_clone_scratch(impl.prototype, &fresh); rc != HS_SUCCESS) hs_failure("allocate scratch", rc);
    hs_free_scratch(victim->scratch);
    *victim = {impl.id, fresh, ++cache.tick};
    return fresh;
}

struct ScanContext {
    const TextAnalyzer::Impl* impl = nullptr;
    const text::NormalText* normal = nullptr;
    std::vector<PhraseMatch>* out = nullptr;  // null: count only
    std::size_t count = 0;
    std::size_t max = 0;
    bool truncated = false;
    // The normal form's offset of the bytes being scanned, and the end of
    // the bytes whose hits were reported by the scan of the part before.
    std::size_t base = 0;
    std::size_t reported = 0;
    std::vector<std::size_t> last;  // per regex id: index of its last match in out, or npos

    bool add(std::uint32_t pool, std::uint32_t entry, std::size_t start, std::size_t end) {
        if (count >= max) {
            truncated = true;
            return false;
        }
        ++count;
        if (out) out->push_back({pool, entry, start, end});
        return true;
    }
};

// The start, in a literal's hashed form (plain bytes [1, n) of " w1 w2 ..."),
// of the kHyperscanLiteral bytes Hyperscan looks for: the window across the
// most word boundaries, and of those the one with the most letters on the
// shorter side of a boundary (a window across "broken router" tells more
// than the end of "router", which many phrases share), the later on a tie.
std::size_t window_start(const std::string& plain) {
    const std::size_t n = plain.size() - 1;
    std::size_t best = n - kHyperscanLiteral;
    int best_score = -1;
    for (std::size_t s = 0; s + kHyperscanLiteral <= n; ++s) {
        const char* w = plain.data() + 1 + s;  // plain bytes of the window
        int boundaries = 0, first = -1, last = -1;
        for (int k = 1; k + 1 < static_cast<int>(kHyperscanLiteral); ++k)
            if (w[k] == ' ') {
                ++boundaries;
                if (first < 0) first = k;
                last = k;
            }
        int balance = boundaries ? std::min(first, static_cast<int>(kHyperscanLiteral) - 1 - last) : 0;
        int score = boundaries * 16 + balance;
        if (score >= best_score) {
            best_score = score;
            best = s;
        }
    }
    return best;
}

// Whether a[0, n) and b[0, n) are the same bytes: eight at a time, where a
// library memcmp call would cost more than the comparison on phrases of a
// few words.
inline bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
    if (n >= 8) {
        for (std::size_t i = 0; i + 8 < n; i += 8)
            if (load8(a + i) != load8(b + i)) return false;
        return load8(a + n - 8) == load8(b + n - 8);  // the last eight, overlapping the loop's
    }
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i]) return false;
    return true;
}

int on_literal(unsigned int id, unsigned long long, unsigned long long to_part, unsigned int, void* ctx) {
    auto& c = *static_cast<ScanContext*>(ctx);
    const std::size_t to = c.base + to_part;
    if (to <= c.reported) return 0;
    const TextAnalyzer::Impl& impl = *c.impl;
    // The normal form from c.normal->origin on (the scan keeps the longest
    // literal's worth before each part's hits).
    const std::size_t origin = c.normal->origin;
    const char* window = c.normal->buffer.get();
    const std::size_t size = c.normal->size;
    for (std::uint32_t k = id;;) {
        const auto& cand = impl.candidates[k];
        // The hit is a candidate: the literal stands at [lit_end - length,
        // lit_end) of the normal form when its bytes are there, and ends on
        // a word boundary when a space follows its last word (the normal
        // form ends with one).
        const std::size_t length = cand.length;
        const std::size_t lit_end = to + cand.suffix;
        const bool found = lit_end >= origin + length && lit_end <= size &&
                           same_bytes(window + (lit_end - length - origin), cand.literal(impl.plains), length) &&
                           (cand.padded || (lit_end < size && window[lit_end - origin] == ' '));
        if (found) {
            std::size_t start = 0, end = 0;
            if (c.out) {
                // The words are [lit_end - length + 1, words_end) of the normal form.
                const std::size_t words_end = cand.padded ? lit_end - 1 : lit_end;
                start = c.normal->to_original(lit_end - length + 1);
                end = c.normal->to_original(words_end - 1) + 1;
            }
            for (std::uint32_t e = cand.entry; e < cand.entry + cand.entry_count; ++e)
                if (!c.add(impl.entries[e].first, impl.entries[e].second, start, end)) return 1;
        }
        if (cand.next == 0) return 0;
        k = cand.next;
    }
}

int on_regex(unsigned int id, unsigned long long from, unsigned long long to, unsigned int, void* ctx) {
    auto& c = *static_cast<ScanContext*>(ctx);
    // Hyperscan reports every end of a match; keep the longest from each start.
    std::size_t& last = c.last[id];
    if (last != std::string_view::npos && (*c.out)[last].start == from) {
        (*c.out)[last].end = to;
        return 0;
    }
    const auto& [pool, entry] = c.impl->regexes[id];
    if (!c.add(pool, entry, from, to)) return 1;
    last = c.out->size() - 1;
    return 0;
}

}  // namespace

TextAnalyzer::TextAnalyzer() : TextAnalyzer(default_phrase_pools()) {}

TextAnalyzer::TextAnalyzer(std::vector<PhrasePool> pools) {
    auto impl = std::make_shared<Impl>();
    impl->id = next_id.fetch_add(1);

    // Each distinct literal and the entries with it.
    struct Literal {
        std::string plain;
        std::vector<std::pair<std::uint32_t, std::uint32_t>> entries;
    };
    std::vector<Literal> literals;
    std::unordered_map<std::string, std::uint32_t> literal_ids;
    std::vector<std::string> regex_exprs;
    for (std::uint32_t pi = 0; pi < pools.size(); ++pi) {
        const PhrasePool& pool = pools[pi];
        bool ascii;
        if (pool.name.empty() || pool.name.size() > kMaxPoolNameBytes ||
            text::find_invalid_utf8(pool.name, ascii) != std::string_view::npos)
            throw Error(ErrorCode::invalid_argument,
                        "a pool name must be 1 to " + std::to_string(kMaxPoolNameBytes) + " bytes of UTF-8",
                        "pool");
        for (std::uint32_t pj = 0; pj < pi; ++pj)
            if (pools[pj].name == pool.name)
                throw Error(ErrorCode::invalid_argument, "two pools are named " + text::quote(pool.name), "pool");
        const std::string where = in_pool(pool.name);
        std::unordered_map<std::string, std::uint32_t> seen;  // literal -> entry
        for (std::uint32_t e = 0; e < pool.phrases.size(); ++e) {
            text::check_phrase(pool.phrases[e], where);
            auto p = text::compile_phrase(pool.phrases[e], pi, e);
            std::string lit = text::padded_literal(p.words);
            if (auto [it, fresh] = seen.emplace(lit, e); !fresh)
                throw Error(ErrorCode::invalid_argument,
                            "the phrase " + text::quote(pool.phrases[e]) + where + " has the same words as " +
                                text::quote(pool.phrases[it->second]),
                            "phrase");
            auto [lit_it, fresh_lit] = literal_ids.emplace(lit, static_cast<std::uint32_t>(literals.size()));
            if (fresh_lit) literals.push_back({lit, {}});
            literals[lit_it->second].entries.emplace_back(pi, e);
            ++impl->phrase_count;
        }
        for (std::uint32_t r = 0; r < pool.regexes.size(); ++r) {
            text::check_regex(pool.regexes[r], where);
            impl->regexes.emplace_back(pi, static_cast<std::uint32_t>(pool.phrases.size() + r));
            regex_exprs.push_back(pool.regexes[r]);
        }
    }

    if (!literals.empty()) {
        // One Hyperscan literal for each distinct hashed form, standing for
        // the literals with that form. A form is kHyperscanLiteral bytes of
        // a literal's hash at most, chosen by window_start(): the check on
        // each hit compares the whole literal anyway, and Hyperscan
        // confirms a longer literal in a second step, per candidate, that
        // costs more than the hits the shorter form adds. The bytes after
        // the window (its suffix) are where the literal goes on past the
        // end Hyperscan reports (docs/text.md).
        std::vector<std::string> forms;
        std::vector<std::vector<std::uint32_t>> groups;
        std::unordered_map<std::string, std::uint32_t> form_ids;
        std::vector<std::uint32_t> suffixes(literals.size(), 0);
        for (std::uint32_t li = 0; li < literals.size(); ++li) {
            std::string form = text::hashed_literal(literals[li].plain);
            if (form.size() > kHyperscanLiteral) {
                const std::size_t s0 = window_start(literals[li].plain);
                suffixes[li] = static_cast<std::uint32_t>(form.size() - kHyperscanLiteral - s0);
                form = form.substr(s0, kHyperscanLiteral);
            }
            auto [it, fresh] = form_ids.emplace(std::move(form), static_cast<std::uint32_t>(forms.size()));
            if (fresh) {
                forms.push_back(it->first);
                groups.emplace_back();
            }
            groups[it->second].push_back(li);
        }
        // Each group's first candidate at its Hyperscan id, the others after.
        impl->candidates.resize(groups.size());
        for (std::uint32_t id = 0; id < groups.size(); ++id) {
            std::uint32_t slot = id;
            for (std::uint32_t li : groups[id]) {
                if (li != groups[id].front()) {
                    impl->candidates[slot].next = static_cast<std::uint32_t>(impl->candidates.size());
                    slot = impl->candidates[slot].next;
                    impl->candidates.emplace_back();
                }
                const Literal& lit = literals[li];
                Impl::Candidate& cand = impl->candidates[slot];
                cand.length = static_cast<std::uint16_t>(lit.plain.size());
                if (lit.plain.size() <= Impl::Candidate::kInline) {
                    std::memcpy(cand.bytes, lit.plain.data(), lit.plain.size());
                } else {
                    cand.plain = static_cast<std::uint32_t>(impl->plains.size());
                    impl->plains += lit.plain;
                }
                cand.entry = static_cast<std::uint32_t>(impl->entries.size());
                cand.entry_count = static_cast<std::uint32_t>(lit.entries.size());
                cand.padded = lit.plain.back() == ' ';
                cand.suffix = static_cast<std::uint16_t>(suffixes[li]);
                impl->last_suffix = std::max<std::size_t>(impl->last_suffix, cand.suffix);
                impl->longest = std::max<std::size_t>(impl->longest, cand.length);
                impl->entries.insert(impl->entries.end(), lit.entries.begin(), lit.entries.end());
            }
        }
        std::vector<const char*> exprs;
        std::vector<std::size_t> lens;
        std::vector<unsigned> flags, ids;
        for (unsigned id = 0; id < forms.size(); ++id) {
            exprs.push_back(forms[id].data());
            lens.push_back(forms[id].size());
            flags.push_back(0);  // hashed bytes: compared exactly
            ids.push_back(id);
        }
        hs_compile_error_t* err = nullptr;
        if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(),
                                 static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr, &impl->literal_db,
                                 &err) != HS_SUCCESS) {
            std::string reason = err && err->message ? err->message : "unknown reason";
            hs_free_compile_error(err);
            throw Error(ErrorCode::invalid_argument, "the phrases cannot be compiled: " + reason, "phrase");
        }
    }
    if (!regex_exprs.empty()) {
        std::vector<const char*> exprs;
        std::vector<unsigned> flags, ids;
        for (unsigned i = 0; i < regex_exprs.size(); ++i) {
            exprs.push_back(regex_exprs[i].c_str());
            flags.push_back(text::regex_flags());
            ids.push_back(i);
        }
        hs_compile_error_t* err = nullptr;
        if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()),
                             HS_MODE_BLOCK, nullptr, &impl->regex_db, &err) != HS_SUCCESS) {
            std::string reason = err && err->message ? err->message : "unknown reason";
            int which = err ? err->expression : -1;
            hs_free_compile_error(err);
            if (which >= 0) {
                const auto& [pool, entry] = impl->regexes[which];
                throw Error(ErrorCode::invalid_argument,
                            "the regular expression " + text::quote(regex_exprs[which]) +
                                in_pool(pools[pool].name) + " cannot be compiled: " + reason,
                            "regex");
            }
            throw Error(ErrorCode::invalid_argument, "the regular expressions cannot be compiled together: " + reason,
                        "regex");
        }
    }
    for (hs_database_t* db : {impl->literal_db, impl->regex_db}) {
        if (!db) continue;
        std::size_t size = 0;
        hs_database_size(db, &size);
        impl->bytes += size;
        if (hs_error_t rc = hs_alloc_scratch(db, &impl->prototype); rc != HS_SUCCESS) hs_failure("allocate scratch", rc);
    }
    impl->pools = std::move(pools);
    impl_ = std::move(impl);
}

const std::vector<PhrasePool>& TextAnalyzer::pools() const noexcept { return impl_->pools; }
std::size_t TextAnalyzer::phrase_count() const noexcept { return impl_->phrase_count; }
std::size_t TextAnalyzer::regex_count() const noexcept { return impl_->regexes.size(); }
std::size_t TextAnalyzer::database_bytes() const noexcept { return impl_->bytes; }

const std::string& TextAnalyzer::entry_text(std::uint32_t pool, std::uint32_t entry) const {
    if (pool >= impl_->pools.size()) throw Error(ErrorCode::invalid_argument, "no such pool index", "pool");
    const auto& p = impl_->pools[pool];
    if (entry < p.phrases.size()) return p.phrases[entry];
    if (entry - p.phrases.size() < p.regexes.size()) return p.regexes[entry - p.phrases.size()];
    throw Error(ErrorCode::invalid_argument, "no such entry index in pool " + text::quote(p.name), "entry");
}

bool TextAnalyzer::is_regex(std::uint32_t pool, std::uint32_t entry) const {
    return pool < impl_->pools.size() && entry >= impl_->pools[pool].phrases.size();
}

std::vector<PhraseMatch> TextAnalyzer::scan(std::string_view s, std::size_t max_matches, bool* truncated) const {
    std::vector<PhraseMatch> out;
    std::size_t count;
    bool cut;
    text::scan_text(*impl_, s, false, &out, max_matches, count, cut);
    if (truncated) *truncated = cut;
    return out;
}

std::size_t TextAnalyzer::count(std::string_view s) const {
    std::size_t count;
    bool cut;
    text::scan_text(*impl_, s, false, nullptr, std::numeric_limits<std::size_t>::max(), count, cut);
    return count;
}

const TextAnalyzer& default_text_analyzer() {
    static const TextAnalyzer analyzer;
    return analyzer;
}

namespace text {

namespace {

// A long text is normalised and scanned this many bytes at a time (a
// multiple of 64): the part, its normal form and its hash stay in L2, and
// the buffers and the index hold one part's worth and a little more, which
// stays with the thread for the next text.
constexpr std::size_t kPart = std::size_t{64} << 10;

[[noreturn]] void throw_not_utf8(std::size_t bad) {
    throw Error(ErrorCode::invalid_argument,
                "the text is not valid UTF-8: the bytes at offset " + std::to_string(bad) +
                    " are not a UTF-8 character",
                "text");
}

}  // namespace

const hs_database_t* literal_database(const TextAnalyzer::Impl& impl) noexcept { return impl.literal_db; }

void require_utf8(std::string_view s) {
    bool ascii;
    if (std::size_t bad = find_invalid_utf8(s, ascii); bad != std::string_view::npos) throw_not_utf8(bad);
}

void scan_text(const TextAnalyzer::Impl& impl, std::string_view s, bool checked, std::vector<PhraseMatch>* out,
               std::size_t max, std::size_t& count, bool& truncated) {
    if (s.size() > 0xFFFFFFF0u) throw Error(ErrorCode::too_large, "the text is over 4 GiB; scan it in parts", "text");
    thread_local NormalText normal;
    ScanContext ctx;
    ctx.impl = &impl;
    ctx.normal = &normal;
    ctx.out = out;
    ctx.max = max;
    if (!impl.literal_db && !checked) require_utf8(s);
    if (impl.literal_db || impl.regex_db) {
        hs_scratch_t* scratch = thread_scratch(impl);
        if (impl.literal_db) {
            // The text a part at a time: each part's normal form is scanned
            // while it is still in the cache, which the check of each hit
            // reads. A part's scan starts early enough to take in a window
            // (the bytes Hyperscan looks for) that began in the part before
            // and reports the hits that end after the last part's; it stops
            // short of the normal form so far by the longest suffix and a
            // byte, since the check of a hit reads the rest of its literal
            // and the byte after it. After each scan the buffers drop all but
            // the longest literal's worth before the next scan's start, which
            // is what a check reads back, so the next part is built behind a
            // few hundred bytes. Building the normal form checks the UTF-8 on
            // the way.
            Normaliser normaliser(s, normal);
            std::size_t taken = 0;
            hs_error_t rc = HS_SUCCESS;
            do {
                taken = s.size() - taken > kPart ? taken + kPart : s.size();
                normaliser.advance(taken);
                if (std::size_t bad = normaliser.invalid(); bad != std::string_view::npos) throw_not_utf8(bad);
                const std::size_t end = taken == s.size() ? normal.size
                                        : normal.size > impl.last_suffix + 1 ? normal.size - 1 - impl.last_suffix
                                                                             : 0;
                if (end <= ctx.reported) continue;
                const std::size_t from = ctx.reported > kHyperscanLiteral ? ctx.reported - kHyperscanLiteral : 0;
                ctx.base = from;
                rc = hs_scan(impl.literal_db, normal.hashed.get() + (from - normal.origin),
                             static_cast<unsigned>(end - from), 0, scratch, on_literal, &ctx);
                ctx.reported = end;
                // Before the next part is built: the next scan starts a window
                // before `end`, and a check reads back a literal from there.
                if (end > kHyperscanLiteral + impl.longest) normaliser.slide(end - kHyperscanLiteral - impl.longest);
            } while (taken < s.size() && rc == HS_SUCCESS);
            if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) hs_failure("scan", rc);
        }
        if (impl.regex_db && !ctx.truncated) {
            std::vector<PhraseMatch> local;
            if (!out) ctx.out = &local;  // counting still merges a regex's ends
            ctx.last.assign(impl.regexes.size(), std::string_view::npos);
            hs_error_t rc = hs_scan(impl.regex_db, s.data(), static_cast<unsigned>(s.size()), 0, scratch, on_regex,
                                    &ctx);
            if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) hs_failure("scan", rc);
            ctx.out = out;
        }
    }
    if (out)
        std::sort(out->begin(), out->end(), [](const PhraseMatch& a, const PhraseMatch& b) {
            if (a.start != b.start) return a.start < b.start;
            if (a.end != b.end) return a.end < b.end;
            if (a.pool != b.pool) return a.pool < b.pool;
            return a.entry < b.entry;
        });
    count = ctx.count;
    truncated = ctx.truncated;
}

}  // namespace text

}  // namespace switchboard
