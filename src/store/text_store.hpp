// Internal: every SQL statement about the organisations' phrase pools and
// the text interactions (Ricket ids). The rules live in src/interactions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/interactions.hpp"
#include "switchboard/store.hpp"

namespace switchboard::store {

// One stored row of an organisation's pools: an entry it added, or a
// built-in entry it removed (built_in and removed both set).
struct PoolRow {
    std::string pool;
    std::string text;
    bool regex = false;
    bool built_in = false;
    bool removed = false;
};

// An interaction as stored; analysis_json is "" until it is ready.
struct InteractionRow {
    Interaction interaction;  // analysis left unset
    std::string analysis_json;
};

class TextStore {
public:
    explicit TextStore(Database::Impl& db) : db_(db) {}

    // --- pools. Each change bumps the organisation's pools revision in the
    // same transaction and returns the new revision.
    std::vector<PoolRow> pool_rows(std::int64_t org_id);  // in the order added
    std::int64_t pools_revision(std::int64_t org_id);
    std::int64_t insert_pool_row(std::int64_t org_id, const PoolRow& row);
    // Deletes the organisation's row for (pool, text); `changed` says whether
    // there was one.
    std::int64_t delete_pool_row(std::int64_t org_id, const std::string& pool, const std::string& text,
                                 bool* changed = nullptr);
    std::int64_t delete_pool_rows(std::int64_t org_id);

    // --- interactions
    // Numbers the interaction (organisations.ricket_seq), names it
    // stamp + sequence + kind, skipping a name already taken, and inserts it
    // as pending. Returns it with id and ricket set.
    Interaction insert_interaction(const Interaction& i);
    void finish_interaction(std::int64_t id, ReportStatus status, std::int64_t ready_ms, const std::string& error,
                            const std::string& redacted_text, const std::string& analysis_json);
    std::optional<InteractionRow> interaction(std::int64_t org_id, const std::string& ricket);

private:
    Database::Impl& db_;
};

}  // namespace switchboard::store
