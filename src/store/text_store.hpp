// Internal: the store's interface for the organisations' phrase pools and
// the interactions (Ricket ids). The rules live in src/interactions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/interactions.hpp"
#include "store/jobs_store.hpp"

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
    virtual ~TextStore() = default;

    // --- pools. Each change bumps the organisation's pools revision in the
    // same transaction and returns the new revision.
    virtual std::vector<PoolRow> pool_rows(std::int64_t org_id) = 0;  // in the order added
    virtual std::int64_t pools_revision(std::int64_t org_id) = 0;
    virtual std::int64_t insert_pool_row(std::int64_t org_id, const PoolRow& row) = 0;
    // Deletes the organisation's row for (pool, text); `changed` says whether
    // there was one.
    virtual std::int64_t delete_pool_row(std::int64_t org_id, const std::string& pool, const std::string& text,
                                         bool* changed = nullptr) = 0;
    virtual std::int64_t delete_pool_rows(std::int64_t org_id) = 0;

    // --- interactions
    // In one transaction: numbers the interaction (the organisation's
    // Ricket sequence), names it stamp + sequence + kind, skipping a name
    // already taken, inserts it as pending, and inserts `job` (its subject
    // set to the Ricket) to analyse it. Returns the interaction with id and
    // ricket set, and the job.
    // A call's `spool` names its unredacted recording waiting in the spool
    // directory until the analysis is stored ("" for a text).
    virtual std::pair<Interaction, Job> insert_interaction(const Interaction& i, NewJobRow job,
                                                           const std::string& spool = "") = 0;
    // Stores the outcome of the analysis. A ready interaction keeps the
    // redacted text and the analysis; a failed one the error only. With
    // `done`, the analysis job is marked done in the same transaction (if
    // its worker still holds it); true then. The spool name is cleared
    // either way; a call's redacted recording is `recording_file_id`.
    virtual bool finish_interaction(std::int64_t id, ReportStatus status, std::int64_t ready_ms,
                                    const std::string& error, const std::string& redacted_text,
                                    const std::string& analysis_json,
                                    const std::optional<JobDone>& done = std::nullopt,
                                    std::int64_t recording_file_id = 0) = 0;
    // The spool names of the calls still waiting for their analysis.
    virtual std::vector<std::string> pending_spools() = 0;
    virtual std::optional<InteractionRow> interaction(std::int64_t org_id, const std::string& ricket) = 0;
    virtual std::optional<InteractionRow> interaction_by_id(std::int64_t id) = 0;
};

}  // namespace switchboard::store
