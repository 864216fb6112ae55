// Durable jobs: the backlog budget, sealing, the workers that claim and run
// jobs under a lease, retries with backoff, and the reading API.
#include "switchboard/jobs.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <thread>


#include "accounts/internal.hpp"
#include "core/crypto.hpp"
#include "core/time.hpp"
#include "switchboard/events.hpp"

namespace switchboard {

std::string_view to_string(JobState s) noexcept {
    switch (s) {
        case JobState::queued: return "queued";
        case JobState::running: return "running";
        case JobState::done: return "done";
        case JobState::failed: return "failed";
    }
    return "queued";
}

JobState job_state_from_string(std::string_view s) {
    if (s == "queued") return JobState::queued;
    if (s == "running") return JobState::running;
    if (s == "done") return JobState::done;
    if (s == "failed") return JobState::failed;
    throw Error(ErrorCode::invalid_argument,
                "state isn't valid: \"" + std::string(s.substr(0, 40)) + "\" (queued, running, done, failed)",
                "state");
}

void JobsOptions::validate() const {
    auto need = [](bool ok, const char* field, const char* rule) {
        if (!ok) throw Error(ErrorCode::invalid_argument, std::string(field) + " must be " + rule, field);
    };
    need(workers >= 0 && workers <= 64, "workers", "between 0 and 64");
    need(lease_ms >= 100, "lease_ms", "100 or more");
    need(max_attempts >= 1 && max_attempts <= 100, "max_attempts", "between 1 and 100");
    need(retry_backoff_ms >= 0, "retry_backoff_ms", "0 or more");
    need(max_backoff_ms >= retry_backoff_ms, "max_backoff_ms", "at least retry_backoff_ms");
    need(poll_ms >= 10, "poll_ms", "10 or more");
    need(max_backlog_bytes >= 1, "max_backlog_bytes", "1 or more");
    need(max_memory_bytes >= 0, "max_memory_bytes", "0 or more");
    need(keep_finished_ms >= 0, "keep_finished_ms", "0 or more");
    need(list_limits.default_count >= 1 && list_limits.max_count >= list_limits.default_count, "list_limits",
         "1 <= default count <= max count");
}

namespace {

// A failure that running the job again cannot mend: the input is wrong.
bool permanent(ErrorCode code) {
    switch (code) {
        case ErrorCode::storage:
        case ErrorCode::busy:
            return false;
        default:
            return true;
    }
}

std::string job_context(const std::string& kind, std::int64_t org_id) {
    return "switchboard job " + kind + " " + std::to_string(org_id);
}

// "host:pid:random": the lease owner of this process's workers.
std::string owner_name() {
    char host[256] = {0};
    if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "localhost");
    return std::string(host) + ":" + std::to_string(getpid()) + ":" + detail::random_token(8);
}

}  // namespace

struct Jobs::Impl {
    Database& db;
    Events& events;
    JobsOptions options;
    std::string key;
    std::string owner = owner_name();

    std::mutex mu;
    std::condition_variable wake_cv;   // work may be there, or stopping (the workers wait on it)
    std::condition_variable keeper_cv; // stopping (the keeper waits on it, so that a worker's wake-up is never its)
    std::condition_variable idle_cv;   // a job ended
    std::map<std::string, JobHandler> handlers;
    std::map<std::string, std::function<void(const Job&)>> on_failure;
    std::vector<std::string> kinds;
    std::set<std::int64_t> running;    // held by this process's workers (and handed over, not yet run)
    std::uint64_t wakes = 0;           // bumped by notify()
    // Jobs queued by this process as already claimed by its own workers,
    // with their payloads in memory: the workers take them without a claim
    // or a read of the store. Bounded by options.max_memory_bytes (counted
    // from prepare() to the end of the job); beyond it jobs wait in the store.
    struct Handover {
        Job job;
        std::string plain;
        std::int64_t sealed_bytes = 0;
    };
    std::deque<Handover> handovers;
    std::int64_t memory_bytes = 0;     // plain payloads prepared or handed over, not yet run
    std::int64_t backlog_bytes = 0;    // sealed payload bytes queued or running
    std::atomic<bool> stopping{false};
    bool started = false;
    std::vector<std::thread> workers;
    std::atomic<int> workers_running{0};
    std::thread keeper;

    Impl(Database& d, Events& e, JobsOptions o) : db(d), events(e), options(std::move(o)) {}

    store::JobsStore& store() { return db.store().jobs(); }
    void reserve(std::int64_t bytes);
    void notify();

    // Jobs this process holds but will not run (handovers at a stop):
    // queued again for any worker, at once.
    void give_back(const std::vector<std::int64_t>& ids) {
        try {
            store().release_jobs(owner, ids, detail::now_ms());
        } catch (const std::exception& e) {
            // Their leases expire instead.
            std::fprintf(stderr, "switchboard: %zu jobs could not be given back: %s\n", ids.size(), e.what());
        }
    }

    std::vector<std::string> kinds_now() {
        std::lock_guard<std::mutex> lock(mu);
        return kinds;
    }

    // workers_running was counted up by start(), before the thread began, so
    // that a readiness check right after start() sees every worker.
    void work() {
        struct Done {
            std::atomic<int>& n;
            ~Done() { --n; }
        } done{workers_running};
        // Handovers come first, but every eighth turn a worker looks in the
        // store too, so that jobs left there (by a previous run, another
        // process, a retry) are not starved by a steady stream of new work.
        int turns = 0;
        for (;;) {
            std::uint64_t seen;
            {
                std::unique_lock<std::mutex> lock(mu);
                if (stopping) return;
                if (!handovers.empty() && ++turns % 8 != 0) {
                    Handover h = std::move(handovers.front());
                    handovers.pop_front();
                    lock.unlock();
                    run(h.job, h.plain, h.sealed_bytes);
                    lock.lock();
                    memory_bytes -= static_cast<std::int64_t>(h.plain.size());
                    continue;
                }
                seen = wakes;
            }
            const auto now = detail::now_ms();
            std::vector<store::ClaimedJob> claimed;
            try {
                claimed = store().claim_jobs(kinds_now(), owner, now, now + options.lease_ms, 1);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "switchboard: jobs could not be claimed: %s\n", e.what());
            }
            if (claimed.empty()) {
                std::int64_t wait_ms = options.poll_ms;
                try {
                    if (auto due = store().next_due_ms(kinds_now()))
                        wait_ms = std::clamp<std::int64_t>(*due - detail::now_ms(), 1, options.poll_ms);
                } catch (const std::exception&) {
                }
                std::unique_lock<std::mutex> lock(mu);
                wake_cv.wait_for(lock, std::chrono::milliseconds(wait_ms),
                                 [&] { return stopping || wakes != seen || !handovers.empty(); });
                continue;
            }
            for (auto& c : claimed) {
                {
                    std::lock_guard<std::mutex> lock(mu);
                    running.insert(c.job.id);
                }
                std::optional<std::string> opened =
                    detail::open_sealed(key, c.payload, job_context(c.job.kind, c.job.org_id));
                run(c.job, opened, static_cast<std::int64_t>(c.payload.size()));
            }
        }
    }

    // Runs a job this process holds (in `running`): its payload opened, or
    // nullopt when it would not open.
    void run(const Job& job, const std::optional<std::string>& payload, std::int64_t sealed_bytes) {
        JobHandler handler;
        std::function<void(const Job&)> failed;
        {
            std::lock_guard<std::mutex> lock(mu);
            if (auto it = handlers.find(job.kind); it != handlers.end()) handler = it->second;
            if (auto it = on_failure.find(job.kind); it != on_failure.end()) failed = it->second;
        }
        bool handler_finished = false;
        std::string error;
        bool retry = false;
        if (job.attempts > job.max_attempts) {
            // Its last run failed for good, but the failure could not be
            // recorded then: record it now, without running it again.
            error = job.last_error.empty() ? "its attempts are spent" : job.last_error;
        } else {
            try {
                if (!handler) throw Error(ErrorCode::internal, "no handler for jobs of kind " + job.kind);
                if (!payload)
                    throw Error(ErrorCode::invalid_argument,
                                "the payload cannot be opened: it was sealed with another key (was the key file "
                                "replaced?)");
                JobRun r{job, *payload, owner, this, &handler_finished};
                handler(r);
            } catch (const Error& e) {
                error = e.what();
                retry = !permanent(e.code());
            } catch (const std::exception& e) {
                error = e.what();
                retry = true;
            }
        }
        const auto now = detail::now_ms();
        bool final = true;
        try {
            if (error.empty()) {
                if (!handler_finished) store().finish_job(job.id, owner, now);
            } else if (retry && job.attempts < job.max_attempts) {
                const int shift = std::min(job.attempts - 1, 30);
                const std::int64_t backoff =
                    std::min(options.max_backoff_ms, options.retry_backoff_ms * (std::int64_t{1} << shift));
                store().fail_job(job.id, owner, error, now + backoff, now);
                final = false;
            } else {
                Job gone = job;
                gone.state = JobState::failed;
                gone.last_error = error;
                gone.finished_ms = now;
                // The module records the failure on its own record first; if
                // it cannot, the job stays running, its lease runs out, and
                // the next claim records the failure again.
                if (failed) failed(gone);
                if (store().fail_job(job.id, owner, error, std::nullopt, now)) publish_failure(gone, now);
            }
        } catch (const std::exception& e) {
            // The lease runs out and the job is claimed again.
            std::fprintf(stderr, "switchboard: the outcome of job %lld could not be stored: %s\n",
                         static_cast<long long>(job.id), e.what());
            final = false;
        }
        {
            std::lock_guard<std::mutex> lock(mu);
            running.erase(job.id);
            if (final) backlog_bytes = std::max<std::int64_t>(0, backlog_bytes - sealed_bytes);
        }
        idle_cv.notify_all();
    }

    void publish_failure(const Job& job, std::int64_t now) {
        Event e;
        e.org_id = job.org_id;
        e.type = "job.failed";
        e.time_ms = now;
        e.subject = std::to_string(job.id);
        e.data = to_json(job);
        e.audience = EventAudience::reports;
        if (e.org_id) events.publish(std::move(e));
    }

    // Renews the leases of the jobs this process holds, and deletes old done
    // jobs, until stopping.
    void keep() {
        const auto renew_every = std::chrono::milliseconds(std::max<std::int64_t>(options.lease_ms / 3, 50));
        auto next_sweep = std::chrono::steady_clock::now();
        for (;;) {
            std::vector<std::int64_t> ids;
            {
                std::unique_lock<std::mutex> lock(mu);
                keeper_cv.wait_for(lock, renew_every, [&] { return stopping.load(); });
                if (stopping) return;
                ids.assign(running.begin(), running.end());
            }
            try {
                store().renew_leases(owner, ids, detail::now_ms() + options.lease_ms);
                if (std::chrono::steady_clock::now() >= next_sweep) {
                    next_sweep = std::chrono::steady_clock::now() + std::chrono::minutes(10);
                    store().delete_done_jobs(detail::now_ms() - options.keep_finished_ms);
                }
            } catch (const std::exception& e) {
                std::fprintf(stderr, "switchboard: job leases could not be renewed: %s\n", e.what());
            }
        }
    }
};

bool JobRun::stopping() const noexcept {
    return owner != nullptr && static_cast<const Jobs::Impl*>(owner)->stopping.load();
}

void JobRun::finished_by_handler() const noexcept {
    if (handler_finished) *handler_finished = true;
}

Jobs::Jobs(Database& db, Events& events, JobsOptions options, const std::string& key_file) {
    options.validate();
    impl_ = std::make_unique<Impl>(db, events, std::move(options));
    impl_->key = key_file.empty() ? detail::random_key() : detail::load_or_create_key(key_file);
    impl_->backlog_bytes = db.store().jobs().backlog().payload_bytes;
}

Jobs::~Jobs() { stop(); }

const JobsOptions& Jobs::options() const noexcept { return impl_->options; }

void Jobs::handle(const std::string& kind, JobHandler handler, std::function<void(const Job& failed)> on_failure) {
    if (kind.empty() || kind.size() > 64)
        throw Error(ErrorCode::invalid_argument, "a job kind has 1 to 64 characters", "kind");
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (!impl_->handlers.count(kind)) impl_->kinds.push_back(kind);
    impl_->handlers[kind] = std::move(handler);
    impl_->on_failure[kind] = std::move(on_failure);
}

void Jobs::start() {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->started || impl_->options.workers == 0) return;
    impl_->started = true;
    impl_->stopping = false;
    for (int i = 0; i < impl_->options.workers; ++i) {
        ++impl_->workers_running;
        try {
            impl_->workers.emplace_back([this] { impl_->work(); });
        } catch (...) {
            --impl_->workers_running;
            throw;
        }
    }
    impl_->keeper = std::thread([this] { impl_->keep(); });
}

void Jobs::stop(std::chrono::milliseconds grace) {
    {
        std::lock_guard<std::mutex> lock(impl_->mu);
        if (!impl_->started) return;
        impl_->stopping = true;
    }
    impl_->wake_cv.notify_all();
    impl_->keeper_cv.notify_all();
    // Handovers no worker has started go back to the queue.
    std::vector<std::int64_t> unstarted;
    {
        std::lock_guard<std::mutex> lock(impl_->mu);
        for (const auto& h : impl_->handovers) {
            unstarted.push_back(h.job.id);
            impl_->running.erase(h.job.id);
            impl_->memory_bytes -= static_cast<std::int64_t>(h.plain.size());
        }
        impl_->handovers.clear();
    }
    impl_->give_back(unstarted);
    // A worker ends once its job does; `grace` is how long a handler is
    // given to notice JobRun::stopping() before the join waits for it anyway.
    {
        std::unique_lock<std::mutex> lock(impl_->mu);
        impl_->idle_cv.wait_for(lock, grace, [&] { return impl_->running.empty(); });
    }
    for (auto& t : impl_->workers) t.join();
    impl_->workers.clear();
    if (impl_->keeper.joinable()) impl_->keeper.join();
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->started = false;
}

void Jobs::Impl::reserve(std::int64_t bytes) {
    std::lock_guard<std::mutex> lock(mu);
    if (backlog_bytes + bytes > options.max_backlog_bytes)
        throw Error(ErrorCode::busy,
                    "the backlog is full (" + std::to_string(backlog_bytes) + " bytes waiting, at most " +
                        std::to_string(options.max_backlog_bytes) + "): try again shortly",
                    "queue");
    backlog_bytes += bytes;
}

void Jobs::Impl::notify() {
    {
        std::lock_guard<std::mutex> lock(mu);
        ++wakes;
    }
    wake_cv.notify_one();
}

Jobs::PreparedJob Jobs::prepare(const NewJob& job) {
    if (job.kind.empty()) throw Error(ErrorCode::invalid_argument, "a job needs a kind", "kind");
    if (job.max_attempts < 0 || job.max_attempts > 100)
        throw Error(ErrorCode::invalid_argument, "max_attempts must be between 0 and 100", "max_attempts");
    PreparedJob p;
    p.kind = job.kind;
    p.org_id = job.org_id;
    p.subject = job.subject;
    p.sealed_payload = detail::seal(impl_->key, job.payload, job_context(job.kind, job.org_id));
    p.max_attempts = job.max_attempts ? job.max_attempts : impl_->options.max_attempts;
    p.created_ms = detail::now_ms();
    impl_->reserve(static_cast<std::int64_t>(p.sealed_payload.size()));
    std::lock_guard<std::mutex> lock(impl_->mu);
    // This process's workers take it as it is stored (no claim, no reading
    // back), while the payloads they hold in memory stay within budget.
    const auto bytes = static_cast<std::int64_t>(job.payload.size());
    if (impl_->started && !impl_->stopping && impl_->handlers.count(job.kind) &&
        impl_->memory_bytes + bytes <= impl_->options.max_memory_bytes) {
        impl_->memory_bytes += bytes;
        p.lease_owner = impl_->owner;
        p.lease_until_ms = p.created_ms + impl_->options.lease_ms;
        p.plain_payload = job.payload;
    }
    return p;
}

void Jobs::submit(PreparedJob&& p, const Job& stored) {
    if (p.lease_owner.empty()) {
        impl_->notify();
        return;
    }
    const std::int64_t job_id = stored.id;
    Impl::Handover h;
    h.job = stored;  // as stored: running under this process's lease, its subject set
    h.plain = std::move(p.plain_payload);
    h.sealed_bytes = static_cast<std::int64_t>(p.sealed_payload.size());
    const auto bytes = static_cast<std::int64_t>(h.plain.size());
    {
        std::lock_guard<std::mutex> lock(impl_->mu);
        if (!impl_->stopping) {
            impl_->running.insert(job_id);  // its lease is renewed from now on
            impl_->handovers.push_back(std::move(h));
            impl_->wake_cv.notify_one();
            return;
        }
    }
    // Stopping: the workers are gone; the job goes back to the queue for the next start.
    impl_->give_back({job_id});
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->memory_bytes -= bytes;
}

void Jobs::abandon(PreparedJob&& p) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->backlog_bytes = std::max<std::int64_t>(0, impl_->backlog_bytes - static_cast<std::int64_t>(p.sealed_payload.size()));
    if (!p.lease_owner.empty()) impl_->memory_bytes -= static_cast<std::int64_t>(p.plain_payload.size());
}

store::NewJobRow Jobs::row_of(const PreparedJob& p) {
    store::NewJobRow row;
    row.kind = p.kind;
    row.org_id = p.org_id;
    row.subject = p.subject;
    row.payload = p.sealed_payload;
    row.max_attempts = p.max_attempts;
    row.created_ms = p.created_ms;
    row.lease_owner = p.lease_owner;
    row.lease_until_ms = p.lease_until_ms;
    return row;
}

Job Jobs::enqueue(const NewJob& job) {
    PreparedJob p = prepare(job);
    Job out;
    try {
        out = impl_->store().insert_job(row_of(p));
    } catch (...) {
        abandon(std::move(p));
        throw;
    }
    submit(std::move(p), out);
    return out;
}

bool Jobs::drain(std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (impl_->store().backlog().jobs == 0) return true;
        if (std::chrono::steady_clock::now() >= until) return false;
        std::unique_lock<std::mutex> lock(impl_->mu);
        impl_->idle_cv.wait_for(lock, std::chrono::milliseconds(20));
    }
}

Page<Job> Jobs::list(const Principal& who, const ListQuery& query) {
    return detail::audited(impl_->db, who, "list_jobs", "", [&] {
        detail::require_report_reader(who);
        for (const auto& [field, value] : query.filters)
            if (field == "state") job_state_from_string(value);  // a state that is none is refused, named
        return impl_->store().list_jobs(who.org_id, query, impl_->options.list_limits);
    });
}

Job Jobs::get(const Principal& who, std::int64_t job_id) {
    return detail::audited(impl_->db, who, "get_job", "job " + std::to_string(job_id), [&] {
        detail::require_report_reader(who);
        auto j = impl_->store().job(who.org_id, job_id);
        if (!j) throw Error(ErrorCode::not_found, "no job " + std::to_string(job_id), "id");
        return *j;
    });
}

JobCounts Jobs::database_counts() { return impl_->store().all_job_counts(); }

Jobs::Status Jobs::status() const {
    Status s;
    s.workers = impl_->options.workers;
    s.workers_running = impl_->workers_running.load();
    s.stopping = impl_->stopping.load();
    std::lock_guard<std::mutex> lock(impl_->mu);
    s.backlog_bytes = impl_->backlog_bytes;
    s.memory_bytes = impl_->memory_bytes;
    s.handovers = static_cast<std::int64_t>(impl_->handovers.size());
    s.running = static_cast<std::int64_t>(impl_->running.size());
    return s;
}

JobCounts Jobs::counts(const Principal& who) {
    return detail::audited(impl_->db, who, "job_counts", "", [&] {
        detail::require_report_reader(who);
        return impl_->store().job_counts(who.org_id);
    });
}

}  // namespace switchboard
