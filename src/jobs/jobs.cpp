// Durable jobs: the backlog budget, sealing, the workers that claim and run
// jobs under a lease, retries with backoff, and the reading API.
#include "switchboard/jobs.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
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
    std::condition_variable wake_cv;   // work may be there, or stopping
    std::condition_variable idle_cv;   // a job ended
    std::map<std::string, JobHandler> handlers;
    std::map<std::string, std::function<void(const Job&)>> on_failure;
    std::vector<std::string> kinds;
    std::set<std::int64_t> running;    // held by this process's workers
    std::uint64_t wakes = 0;           // bumped by notify()
    std::int64_t backlog_bytes = 0;    // sealed payload bytes queued or running
    std::atomic<bool> stopping{false};
    bool started = false;
    std::vector<std::thread> workers;
    std::thread keeper;

    Impl(Database& d, Events& e, JobsOptions o) : db(d), events(e), options(std::move(o)) {}

    store::JobsStore& store() { return db.store().jobs(); }

    std::vector<std::string> kinds_now() {
        std::lock_guard<std::mutex> lock(mu);
        return kinds;
    }

    void work() {
        for (;;) {
            std::uint64_t seen;
            {
                std::lock_guard<std::mutex> lock(mu);
                if (stopping) return;
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
                                 [&] { return stopping || wakes != seen; });
                continue;
            }
            for (auto& c : claimed) run(c);
        }
    }

    void run(store::ClaimedJob& c) {
        const Job& job = c.job;
        JobHandler handler;
        std::function<void(const Job&)> failed;
        {
            std::lock_guard<std::mutex> lock(mu);
            running.insert(job.id);
            if (auto it = handlers.find(job.kind); it != handlers.end()) handler = it->second;
            if (auto it = on_failure.find(job.kind); it != on_failure.end()) failed = it->second;
        }
        std::string error;
        bool retry = false;
        if (job.attempts > job.max_attempts) {
            // Its last run failed for good, but the failure could not be
            // recorded then: record it now, without running it again.
            error = job.last_error.empty() ? "its attempts are spent" : job.last_error;
        } else {
            try {
                if (!handler) throw Error(ErrorCode::internal, "no handler for jobs of kind " + job.kind);
                const auto opened = detail::open_sealed(key, c.payload, job_context(job.kind, job.org_id));
                if (!opened)
                    throw Error(ErrorCode::invalid_argument,
                                "the payload cannot be opened: it was sealed with another key (was the key file "
                                "replaced?)");
                JobRun r{job, *opened, this};
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
                store().finish_job(job.id, owner, now);
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
            if (final)
                backlog_bytes = std::max<std::int64_t>(0, backlog_bytes - static_cast<std::int64_t>(c.payload.size()));
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

    // Renews the leases of the running jobs, recounts the backlog and
    // deletes old done jobs, until stopping.
    void keep() {
        const auto renew_every = std::chrono::milliseconds(std::max<std::int64_t>(options.lease_ms / 3, 50));
        auto next_sweep = std::chrono::steady_clock::now();
        for (;;) {
            std::vector<std::int64_t> ids;
            {
                std::unique_lock<std::mutex> lock(mu);
                wake_cv.wait_for(lock, renew_every, [&] { return stopping.load(); });
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
    for (int i = 0; i < impl_->options.workers; ++i) impl_->workers.emplace_back([this] { impl_->work(); });
    impl_->keeper = std::thread([this] { impl_->keep(); });
}

void Jobs::stop(std::chrono::milliseconds grace) {
    {
        std::lock_guard<std::mutex> lock(impl_->mu);
        if (!impl_->started) return;
        impl_->stopping = true;
    }
    impl_->wake_cv.notify_all();
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

std::string Jobs::seal(const std::string& kind, std::int64_t org_id, std::string_view payload) const {
    return detail::seal(impl_->key, payload, job_context(kind, org_id));
}

void Jobs::reserve(std::int64_t bytes) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->backlog_bytes + bytes > impl_->options.max_backlog_bytes)
        throw Error(ErrorCode::busy,
                    "the backlog is full (" + std::to_string(impl_->backlog_bytes) + " bytes waiting, at most " +
                        std::to_string(impl_->options.max_backlog_bytes) + "): try again shortly",
                    "queue");
    impl_->backlog_bytes += bytes;
}

void Jobs::release(std::int64_t bytes) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->backlog_bytes = std::max<std::int64_t>(0, impl_->backlog_bytes - bytes);
}

void Jobs::notify() {
    {
        std::lock_guard<std::mutex> lock(impl_->mu);
        ++impl_->wakes;
    }
    impl_->wake_cv.notify_one();
}

Job Jobs::enqueue(const NewJob& job) {
    if (job.kind.empty()) throw Error(ErrorCode::invalid_argument, "a job needs a kind", "kind");
    if (job.max_attempts < 0 || job.max_attempts > 100)
        throw Error(ErrorCode::invalid_argument, "max_attempts must be between 0 and 100", "max_attempts");
    store::NewJobRow row;
    row.kind = job.kind;
    row.org_id = job.org_id;
    row.subject = job.subject;
    row.payload = seal(job.kind, job.org_id, job.payload);
    row.max_attempts = job.max_attempts ? job.max_attempts : impl_->options.max_attempts;
    row.created_ms = detail::now_ms();
    const auto bytes = static_cast<std::int64_t>(row.payload.size());
    reserve(bytes);
    Job out;
    try {
        out = impl_->store().insert_job(row);
    } catch (...) {
        release(bytes);
        throw;
    }
    notify();
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

JobCounts Jobs::counts(const Principal& who) {
    return detail::audited(impl_->db, who, "job_counts", "", [&] {
        detail::require_report_reader(who);
        return impl_->store().job_counts(who.org_id);
    });
}

}  // namespace switchboard
