// switchboard: durable background jobs.
//
// Work that can outlive the request that asked for it (analysing a text or a
// call, sending a mail or an SMS) is a job: a row in the store with its kind,
// organisation, payload and state. Workers of the library claim due jobs
// under a lease, run them, and mark them done, or failed with a reason a
// person can act on. A failure is retried with a doubling backoff up to the
// job's attempts; a job whose worker died (its process was killed) is
// claimed again once its lease has expired, so after a restart every job
// that was queued or running is picked up again.
//
// A job runs at least once: a handler must be idempotent (running it again
// after a crash between its work and its "done" must do no harm).
//
// Payloads may hold what must not rest in the store in clear (a text before
// its card numbers are masked): they are sealed with XChaCha20-Poly1305
// under the key of the Switchboard that queued them, and cleared once the job
// is done or has failed. Every definition is in docs/jobs.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/accounts.hpp"
#include "switchboard/list.hpp"

namespace switchboard {

class Database;
class Events;
namespace store {
struct NewJobRow;
}  // namespace store

enum class JobState { queued, running, done, failed };
std::string_view to_string(JobState s) noexcept;  // "queued", "running", "done", "failed"
// Error(invalid_argument, field "state") for any other text.
JobState job_state_from_string(std::string_view s);

struct Job {
    std::int64_t id = 0;
    std::int64_t org_id = 0;
    std::string kind;              // "text_analysis" ...
    std::string subject;           // what it works on (a Ricket, a message id ...)
    JobState state = JobState::queued;
    int attempts = 0;              // runs started so far
    int max_attempts = 0;
    std::int64_t run_after_ms = 0; // not run before this time (a retry's backoff)
    std::string lease_owner;       // the worker that holds it, while running
    std::int64_t lease_expires_ms = 0;
    std::string last_error;        // why the last run failed; "" when none did
    std::int64_t payload_bytes = 0;  // 0 once done or failed (the payload is cleared)
    std::int64_t created_ms = 0, updated_ms = 0;
    std::int64_t finished_ms = 0;  // done or failed for good; 0 until then
};

// How many of an organisation's jobs are in each state.
struct JobCounts {
    std::int64_t queued = 0, running = 0, done = 0, failed = 0;
};

// What a handler is given. The payload is the one given to enqueue(), opened.
struct JobRun {
    const Job& job;
    std::string_view payload;
    // The worker's lease owner name (for a store call that marks the job
    // done in the handler's own transaction, see finished_by_handler()).
    const std::string& lease_owner;
    // True once the Switchboard is stopping: a long handler should give up
    // (throw) so that its job is run again after the restart.
    bool stopping() const noexcept;
    // The handler marked the job done itself, in the transaction that
    // stored its outcome (one commit instead of two); the worker then
    // leaves the job as it is.
    void finished_by_handler() const noexcept;

    const void* owner = nullptr;
    bool* handler_finished = nullptr;
};

// Runs one job. Returning marks it done. Throwing marks the run failed with
// the exception's message: an Error whose code says the input is wrong
// (invalid_argument, not_found, too_large, forbidden, unauthorized,
// credentials) fails the job for good, since running it again cannot help;
// any other exception is retried after the backoff while attempts remain.
using JobHandler = std::function<void(const JobRun& run)>;

// Checked when Jobs is constructed: a value out of range is refused with
// Error(invalid_argument) naming the member.
struct JobsOptions {
    int workers = 2;                                // threads running jobs; 0: this process runs none
    std::int64_t lease_ms = 30'000;                 // a claim lasts this long, renewed while the job runs
    int max_attempts = 5;                           // runs of a job before it fails for good
    std::int64_t retry_backoff_ms = 1'000;          // before the second run; doubled for each further one
    std::int64_t max_backoff_ms = 5 * 60'000;
    std::int64_t poll_ms = 1'000;                   // how often idle workers look for due jobs (retries, other processes)
    std::int64_t max_backlog_bytes = 256LL << 20;   // payload bytes waiting; beyond it enqueue() refuses (busy)
    // Payloads this process's workers hold in memory: a job this process
    // queues while under it is stored as claimed by them and handed over
    // (no claim, no reading back); beyond it jobs wait in the store only.
    std::int64_t max_memory_bytes = 16LL << 20;
    std::int64_t keep_finished_ms = 7LL * 24 * 3600'000;  // done jobs are deleted after this; failed ones are kept
    ListLimits list_limits;
    void validate() const;
};

// What enqueue() takes.
struct NewJob {
    std::string kind;             // a kind some module handles (see Jobs::handle)
    std::int64_t org_id = 0;
    std::string subject;
    std::string payload;          // sealed before it is stored
    int max_attempts = 0;         // 0: JobsOptions::max_attempts
};

class Jobs {
public:
    // `key_file`: where the key that seals payloads is kept (created with
    // mode 0600 when missing); "" keeps a random key in memory only, so that
    // payloads of a process that dies cannot be opened by the next one (use
    // it for ":memory:" databases). `events` receives "job.failed".
    Jobs(Database& db, Events& events, JobsOptions options = {}, const std::string& key_file = {});
    // Stops the workers (see stop()).
    ~Jobs();
    Jobs(const Jobs&) = delete;
    Jobs& operator=(const Jobs&) = delete;

    const JobsOptions& options() const noexcept;

    // Registers the handler of a kind. Modules register theirs when the
    // facade builds them, before start(). `on_failure`, when given, is called
    // once a job of the kind has failed for good (its attempts spent, or a
    // failure that cannot mend), with the job as it now is: the module marks
    // its own record failed there (a text interaction, a mail).
    void handle(const std::string& kind, JobHandler handler,
                std::function<void(const Job& failed)> on_failure = {});
    // Starts options().workers threads (no-op with 0 workers or when running).
    void start();
    // Stops taking jobs and waits up to `grace` for the running ones to end;
    // a job still running then keeps its lease and is claimed again after
    // it expires (by this process's successor). Queued jobs stay queued.
    void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));

    // Queues a job. Error(busy, field "queue") when the payloads waiting
    // would pass options().max_backlog_bytes: nothing is stored, try again.
    Job enqueue(const NewJob& job);
    // For a module that stores its job in the same transaction as its own
    // record (a text interaction and its analysis):
    //   1. prepare() seals the payload and takes its size from the backlog
    //      budget (Error(busy, field "queue") when over). While the payloads
    //      its workers hold in memory are within max_memory_bytes, the job is
    //      prepared as already claimed by this process (running under its
    //      lease, its first attempt);
    //   2. the module stores its record and the job (the row's fields are
    //      those of the PreparedJob) in one transaction;
    //   3. submit() with the job as stored hands a job claimed here to the
    //      workers, with its payload in memory, or wakes them; abandon()
    //      when the transaction failed.
    // A process that dies between 2 and the worker's end leaves the job
    // running under a lease that expires: it is claimed again, as any other.
    struct PreparedJob {
        std::string kind;
        std::int64_t org_id = 0;
        std::string subject;
        std::string sealed_payload;
        int max_attempts = 0;
        std::int64_t created_ms = 0;
        std::string lease_owner;        // set when claimed here: insert it running
        std::int64_t lease_until_ms = 0;
        std::string plain_payload;      // kept for the handover, never stored
    };
    PreparedJob prepare(const NewJob& job);
    void submit(PreparedJob&& job, const Job& stored);
    void abandon(PreparedJob&& job);
    // The store's row of a prepared job (for the module's store call).
    static store::NewJobRow row_of(const PreparedJob& job);

    // Waits until no job of this database is queued or running and due
    // within `timeout` (tests, benchmarks, a CLI that drains). true when
    // idle, false on timeout.
    bool drain(std::chrono::milliseconds timeout = std::chrono::milliseconds(60'000));

    // --- reading (admins, supervisors and dev tokens of the organisation)
    // Filters: id, kind, subject, state, created_on, updated_on. Newest first.
    Page<Job> list(const Principal& who, const ListQuery& query);
    Job get(const Principal& who, std::int64_t job_id);
    JobCounts counts(const Principal& who);

    // Every organisation's jobs by state: for the program that holds the
    // database itself (the command-line tool on a data directory), not for
    // a caller acting for someone (no principal, nothing logged).
    JobCounts database_counts();

    // This process's workers and what they hold in memory, read without the
    // store (a health check, metrics).
    struct Status {
        int workers = 0;          // options().workers
        int workers_running = 0;  // worker threads started and not ended (all of them once start() returns)
        bool stopping = false;
        std::int64_t backlog_bytes = 0;     // sealed payload bytes queued or running (the budget's count)
        std::int64_t memory_bytes = 0;      // plain payloads held in memory
        std::int64_t handovers = 0;         // jobs handed over in memory, waiting for a worker
        std::int64_t running = 0;           // jobs this process's workers hold
    };
    Status status() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

// {"id", "kind", "subject", "state", "attempts", "max_attempts",
//  "run_after_ms", "lease_owner", "lease_expires_ms", "last_error",
//  "payload_bytes", "created_ms", "updated_ms", "finished_ms"}
std::string to_json(const Job& job);
std::string to_json(const Page<Job>& page);  // {"total", "items": [...]}
std::string to_json(const JobCounts& counts);  // {"queued", "running", "done", "failed"}

}  // namespace switchboard
