// The organisations' phrase pools: the built-in defaults, what each
// organisation added or removed, and the compiled analyzer per organisation.
#include <mutex>
#include <unordered_map>

#include "accounts/internal.hpp"
#include "interactions/internal.hpp"
#include "switchboard/interactions.hpp"

namespace switchboard {

namespace detail {

bool same_name(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = char(x + 32);
        if (y >= 'A' && y <= 'Z') y = char(y + 32);
        if (x != y) return false;
    }
    return true;
}

}  // namespace detail

namespace {

// The organisation's entries: defaults minus the removed ones, then the
// added ones, grouped pool by pool.
std::vector<PoolEntry> effective_entries(const std::vector<store::PoolRow>& rows) {
    std::vector<std::string> order;
    std::unordered_map<std::string, std::vector<PoolEntry>> groups;
    auto removed = [&](const std::string& pool, const std::string& text) {
        for (const auto& r : rows)
            if (r.built_in && r.removed && r.pool == pool && r.text == text) return true;
        return false;
    };
    for (const auto& p : default_phrase_pools()) {
        order.push_back(p.name);
        auto& g = groups[p.name];
        for (const auto& t : p.phrases)
            if (!removed(p.name, t)) g.push_back({p.name, t, false, true});
        for (const auto& t : p.regexes)
            if (!removed(p.name, t)) g.push_back({p.name, t, true, true});
    }
    for (const auto& r : rows) {
        if (r.built_in) continue;
        auto it = groups.find(r.pool);
        if (it == groups.end()) {
            order.push_back(r.pool);
            it = groups.emplace(r.pool, std::vector<PoolEntry>{}).first;
        }
        it->second.push_back({r.pool, r.text, r.regex, false});
    }
    std::vector<PoolEntry> out;
    for (const auto& name : order)
        for (auto& e : groups[name]) out.push_back(std::move(e));
    return out;
}

std::vector<PhrasePool> to_pools(const std::vector<PoolEntry>& entries) {
    std::vector<PhrasePool> pools;
    for (const auto& e : entries) {
        if (pools.empty() || pools.back().name != e.pool) {
            bool found = false;
            for (auto& p : pools)
                if (p.name == e.pool) found = true;
            if (!found) pools.push_back({e.pool, {}, {}});
        }
        for (auto& p : pools)
            if (p.name == e.pool) (e.regex ? p.regexes : p.phrases).push_back(e.text);
    }
    return pools;
}

// Trims ASCII white space.
std::string trim(std::string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')) ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r')) --e;
    return std::string(s.substr(b, e - b));
}

// The pool's name as the organisation already spells it, or the name given.
std::string canonical_pool(const std::vector<PoolEntry>& entries, const std::string& name) {
    for (const auto& p : default_phrase_pools())
        if (detail::same_name(p.name, name)) return p.name;
    for (const auto& e : entries)
        if (detail::same_name(e.pool, name)) return e.pool;
    return name;
}

void check_pool_name(const std::string& name) {
    if (name.empty()) throw Error(ErrorCode::invalid_argument, "the pool name is empty", "pool");
    if (name.size() > kMaxPoolNameBytes)
        throw Error(ErrorCode::invalid_argument,
                    "the pool name is " + std::to_string(name.size()) + " bytes long; the longest accepted is " +
                        std::to_string(kMaxPoolNameBytes),
                    "pool");
}

}  // namespace

struct PhrasePools::Impl {
    Database& db;
    std::mutex change_mu;  // one edit at a time
    std::mutex compile_mu;
    std::mutex cache_mu;
    struct Cached {
        std::int64_t rev;
        TextAnalyzer analyzer;
    };
    std::unordered_map<std::int64_t, Cached> cache;

    explicit Impl(Database& d) : db(d) {}

    void remember(std::int64_t org_id, std::int64_t rev, const TextAnalyzer& analyzer) {
        std::lock_guard<std::mutex> lock(cache_mu);
        auto it = cache.find(org_id);
        if (it == cache.end()) cache.emplace(org_id, Cached{rev, analyzer});
        else if (rev >= it->second.rev) it->second = Cached{rev, analyzer};
    }

    std::optional<TextAnalyzer> cached(std::int64_t org_id, std::int64_t rev) {
        std::lock_guard<std::mutex> lock(cache_mu);
        auto it = cache.find(org_id);
        if (it != cache.end() && it->second.rev == rev) return it->second.analyzer;
        return std::nullopt;
    }
};

PhrasePools::PhrasePools(Database& db) : impl_(std::make_unique<Impl>(db)) {}
PhrasePools::~PhrasePools() = default;

std::vector<PoolEntry> PhrasePools::list(const Principal& who) {
    return detail::audited(impl_->db, who, "list_pools", "", [&] {
        detail::require_report_reader(who);
        return effective_entries(impl_->db.store().text().pool_rows(who.org_id));
    });
}

PoolEntry PhrasePools::add(const Principal& who, std::string_view pool_in, std::string_view text_in, bool regex) {
    const std::string pool_given = trim(pool_in);
    const std::string text = trim(text_in);
    const char* field = regex ? "regex" : "phrase";
    return detail::audited(impl_->db, who, "add_phrase", "pool " + pool_given.substr(0, 64), [&] {
        detail::require_role(who, {Role::admin});
        check_pool_name(pool_given);
        if (regex) validate_regex(text);
        else validate_phrase(text);
        auto& store = impl_->db.store().text();
        std::lock_guard<std::mutex> lock(impl_->change_mu);
        const auto rows = store.pool_rows(who.org_id);
        auto entries = effective_entries(rows);
        const std::string pool = canonical_pool(entries, pool_given);
        const auto words = regex ? std::vector<std::string>{} : phrase_words(text);
        for (const auto& e : entries) {
            if (e.pool != pool) continue;
            if (e.text == text || (!regex && !e.regex && phrase_words(e.text) == words))
                throw Error(ErrorCode::invalid_argument,
                            "the pool \"" + pool + "\" already has \"" + e.text + "\"", field);
        }
        const store::PoolRow* hidden = nullptr;
        for (const auto& r : rows)
            if (r.built_in && r.removed && r.pool == pool && r.text == text) hidden = &r;
        PoolEntry added{pool, text, regex, hidden != nullptr && hidden->regex == regex};
        // Compile the pools as they would be before storing anything: a
        // refusal leaves the stored pools and the analyzer in use as they were.
        std::vector<PoolEntry> candidate = entries;
        auto pos = candidate.end();
        for (auto it = candidate.begin(); it != candidate.end(); ++it)
            if (it->pool == pool) pos = it + 1;
        candidate.insert(pos, added);
        std::optional<TextAnalyzer> analyzer;
        try {
            analyzer.emplace(to_pools(candidate));
        } catch (const Error& e) {
            throw Error(ErrorCode::invalid_argument, e.what(), e.field().empty() ? field : e.field());
        }
        std::int64_t rev = 0;
        if (hidden) rev = store.delete_pool_row(who.org_id, pool, text);
        if (!added.built_in) rev = store.insert_pool_row(who.org_id, {pool, text, regex, false, false});
        impl_->remember(who.org_id, rev, *analyzer);
        return added;
    });
}

void PhrasePools::remove(const Principal& who, std::string_view pool_in, std::string_view text_in) {
    const std::string pool_given = trim(pool_in);
    const std::string text = trim(text_in);
    detail::audited(impl_->db, who, "remove_phrase", "pool " + pool_given.substr(0, 64), [&] {
        detail::require_role(who, {Role::admin});
        auto& store = impl_->db.store().text();
        std::lock_guard<std::mutex> lock(impl_->change_mu);
        auto entries = effective_entries(store.pool_rows(who.org_id));
        const std::string pool = canonical_pool(entries, pool_given);
        auto it = entries.begin();
        for (; it != entries.end(); ++it)
            if (it->pool == pool && it->text == text) break;
        if (it == entries.end())
            throw Error(ErrorCode::not_found, "the pool \"" + pool_given + "\" has no entry \"" + text + "\"",
                        "phrase");
        const PoolEntry gone = *it;
        entries.erase(it);
        TextAnalyzer analyzer(to_pools(entries));
        const std::int64_t rev = gone.built_in
                                     ? store.insert_pool_row(who.org_id, {gone.pool, gone.text, gone.regex, true, true})
                                     : store.delete_pool_row(who.org_id, gone.pool, gone.text);
        impl_->remember(who.org_id, rev, analyzer);
    });
}

void PhrasePools::reset(const Principal& who) {
    detail::audited(impl_->db, who, "reset_pools", "", [&] {
        detail::require_role(who, {Role::admin});
        std::lock_guard<std::mutex> lock(impl_->change_mu);
        const std::int64_t rev = impl_->db.store().text().delete_pool_rows(who.org_id);
        impl_->remember(who.org_id, rev, default_text_analyzer());
    });
}

TextAnalyzer PhrasePools::analyzer(std::int64_t org_id) {
    auto& store = impl_->db.store().text();
    const std::int64_t rev = store.pools_revision(org_id);
    if (auto a = impl_->cached(org_id, rev)) return *a;
    std::lock_guard<std::mutex> lock(impl_->compile_mu);
    if (auto a = impl_->cached(org_id, rev)) return *a;
    const auto rows = store.pool_rows(org_id);
    TextAnalyzer analyzer = rows.empty() ? default_text_analyzer() : TextAnalyzer(to_pools(effective_entries(rows)));
    impl_->remember(org_id, rev, analyzer);
    return analyzer;
}

}  // namespace switchboard
