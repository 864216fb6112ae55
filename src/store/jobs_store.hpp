// Internal: the store's interface for durable jobs. The rules (leases,
// retries, backoff, sealing payloads) live in src/jobs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/jobs.hpp"
#include "switchboard/list.hpp"

namespace switchboard::store {

// A job as inserted: its payload is already sealed. With lease_owner set it
// is inserted running under that lease (its first attempt counted): the
// process that queues it runs it at once.
struct NewJobRow {
    std::string kind;
    std::int64_t org_id = 0;
    std::string subject;
    std::string payload;
    int max_attempts = 1;
    std::int64_t created_ms = 0;
    std::string lease_owner;
    std::int64_t lease_until_ms = 0;
};

// A job to mark done in the same transaction as its handler's outcome
// (only if `owner` still holds it).
struct JobDone {
    std::int64_t job_id = 0;
    std::string owner;
    std::int64_t now_ms = 0;
};

struct ClaimedJob {
    Job job;
    std::string payload;  // sealed
};

// The jobs queued or running, over every organisation.
struct JobBacklog {
    std::int64_t jobs = 0;
    std::int64_t payload_bytes = 0;
};

class JobsStore {
public:
    virtual ~JobsStore() = default;
    // Inserts the job, queued and due at once (or running, see NewJobRow);
    // returns it.
    virtual Job insert_job(const NewJobRow& job) = 0;
    // In one transaction: takes up to `limit` jobs of the given kinds that
    // are due (queued with run_after_ms <= now_ms, or running with a lease
    // that expired by now_ms), oldest due first, sets them running under
    // `owner` until lease_until_ms and counts the attempt.
    virtual std::vector<ClaimedJob> claim_jobs(const std::vector<std::string>& kinds, const std::string& owner,
                                               std::int64_t now_ms, std::int64_t lease_until_ms, int limit) = 0;
    // Gives back jobs `owner` holds but never started (a stopping process's
    // handovers): queued again, due now, the attempt not counted.
    virtual void release_jobs(const std::string& owner, const std::vector<std::int64_t>& ids,
                              std::int64_t now_ms) = 0;
    // Extends the leases `owner` still holds on these jobs.
    virtual void renew_leases(const std::string& owner, const std::vector<std::int64_t>& ids,
                              std::int64_t lease_until_ms) = 0;
    // Done: the payload is cleared. false when `owner` no longer holds the
    // job (its lease expired and another worker took it).
    virtual bool finish_job(std::int64_t id, const std::string& owner, std::int64_t now_ms) = 0;
    // A failed run: queued again at retry_at_ms when set, otherwise failed
    // for good (the payload cleared). The error is kept either way. false
    // when `owner` no longer holds the job.
    virtual bool fail_job(std::int64_t id, const std::string& owner, const std::string& error,
                          std::optional<std::int64_t> retry_at_ms, std::int64_t now_ms) = 0;
    // The earliest time a queued job of these kinds is due, or a running
    // one's lease expires; nullopt when there is none.
    virtual std::optional<std::int64_t> next_due_ms(const std::vector<std::string>& kinds) = 0;
    virtual JobBacklog backlog() = 0;
    // Deletes done jobs finished before `before_ms`; returns how many.
    virtual std::int64_t delete_done_jobs(std::int64_t before_ms) = 0;

    virtual std::optional<Job> job(std::int64_t org_id, std::int64_t id) = 0;
    // Filters: id, kind, subject, state, created_on, updated_on.
    virtual Page<Job> list_jobs(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) = 0;
    virtual JobCounts job_counts(std::int64_t org_id) = 0;
    // Every organisation's jobs by state.
    virtual JobCounts all_job_counts() = 0;
};

}  // namespace switchboard::store
