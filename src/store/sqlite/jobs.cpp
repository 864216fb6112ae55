// The SQLite store: durable jobs.
#include <string>

#include "store/sqlite/list_run.hpp"
#include "store/sqlite/stores.hpp"

namespace switchboard::store::sqlite {

namespace {

// due_ms is the run-after time of a queued job and the lease expiry of a
// running one (migration 6).
constexpr const char* kJobColumns =
    "j.id, ifnull(j.org_id, 0), j.kind, j.subject, j.state, j.attempts, j.max_attempts, j.due_ms, j.lease_owner, "
    "j.last_error, ifnull(length(j.payload), 0), j.created_ms, j.updated_ms, j.finished_ms";

Job read_job(const Prepared& st) {
    Job j;
    j.id = st->getColumn(0).getInt64();
    j.org_id = st->getColumn(1).getInt64();
    j.kind = st->getColumn(2).getString();
    j.subject = st->getColumn(3).getString();
    j.state = job_state_from_string(st->getColumn(4).getString());
    j.attempts = st->getColumn(5).getInt();
    j.max_attempts = st->getColumn(6).getInt();
    const std::int64_t due = st->getColumn(7).getInt64();
    if (j.state == JobState::running)
        j.lease_expires_ms = due;
    else if (j.state == JobState::queued)
        j.run_after_ms = due;
    j.lease_owner = st->getColumn(8).getString();
    j.last_error = st->getColumn(9).getString();
    j.payload_bytes = st->getColumn(10).getInt64();
    j.created_ms = st->getColumn(11).getInt64();
    j.updated_ms = st->getColumn(12).getInt64();
    j.finished_ms = st->getColumn(13).getInt64();
    return j;
}

const ListSpec& job_spec() {
    static const ListSpec spec{"jobs",
                               {{"id", "j.id", FieldKind::integer},
                                {"kind", "j.kind", FieldKind::text},
                                {"subject", "j.subject", FieldKind::text},
                                {"state", "j.state", FieldKind::text},
                                {"created_on", "j.created_ms", FieldKind::time},
                                {"updated_on", "j.updated_ms", FieldKind::time}},
                               {"j.subject", "j.last_error"},
                               {},
                               {},
                               {"kind", "state"}};
    return spec;
}

// "?, ?, ?" for n kinds.
std::string placeholders(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
    return s;
}

class Jobs final : public JobsStore {
public:
    explicit Jobs(Pool& db) : db_(db) {}
    Job insert_job(const NewJobRow& job) override;
    std::vector<ClaimedJob> claim_jobs(const std::vector<std::string>& kinds, const std::string& owner,
                                       std::int64_t now_ms, std::int64_t lease_until_ms, int limit) override;
    void renew_leases(const std::string& owner, const std::vector<std::int64_t>& ids,
                      std::int64_t lease_until_ms) override;
    void release_jobs(const std::string& owner, const std::vector<std::int64_t>& ids, std::int64_t now_ms) override;
    bool finish_job(std::int64_t id, const std::string& owner, std::int64_t now_ms) override;
    bool fail_job(std::int64_t id, const std::string& owner, const std::string& error,
                  std::optional<std::int64_t> retry_at_ms, std::int64_t now_ms) override;
    std::optional<std::int64_t> next_due_ms(const std::vector<std::string>& kinds) override;
    JobBacklog backlog() override;
    std::int64_t delete_done_jobs(std::int64_t before_ms) override;
    std::optional<Job> job(std::int64_t org_id, std::int64_t id) override;
    Page<Job> list_jobs(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) override;
    JobCounts job_counts(std::int64_t org_id) override;
    JobCounts all_job_counts() override;

private:
    Pool& db_;
};

std::optional<Job> job_by_id(SQLite::Database& db, std::int64_t id) {
    Prepared st(db, std::string("SELECT ") + kJobColumns + " FROM jobs j WHERE j.id = ?");
    st->bind(1, static_cast<int64_t>(id));
    if (!st->executeStep()) return std::nullopt;
    return read_job(st);
}

}  // namespace

Job insert_job_row(SQLite::Database& db, const NewJobRow& job) {
    const bool claimed = !job.lease_owner.empty();
    Prepared st(db,
                "INSERT INTO jobs (org_id, kind, subject, payload, state, attempts, max_attempts, due_ms, lease_owner, "
                "created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (job.org_id) st->bind(1, static_cast<int64_t>(job.org_id)); else st->bind(1);
    st->bind(2, job.kind);
    st->bind(3, job.subject);
    st->bind(4, job.payload.data(), static_cast<int>(job.payload.size()));
    st->bind(5, claimed ? "running" : "queued");
    st->bind(6, claimed ? 1 : 0);
    st->bind(7, job.max_attempts);
    st->bind(8, static_cast<int64_t>(claimed ? job.lease_until_ms : job.created_ms));
    st->bind(9, job.lease_owner);
    st->bind(10, static_cast<int64_t>(job.created_ms));
    st->bind(11, static_cast<int64_t>(job.created_ms));
    st->exec();
    Job out;
    out.id = db.getLastInsertRowid();
    out.org_id = job.org_id;
    out.kind = job.kind;
    out.subject = job.subject;
    out.state = claimed ? JobState::running : JobState::queued;
    out.attempts = claimed ? 1 : 0;
    out.max_attempts = job.max_attempts;
    if (claimed) {
        out.lease_owner = job.lease_owner;
        out.lease_expires_ms = job.lease_until_ms;
    } else {
        out.run_after_ms = job.created_ms;
    }
    out.payload_bytes = static_cast<std::int64_t>(job.payload.size());
    out.created_ms = out.updated_ms = job.created_ms;
    return out;
}

bool finish_job_row(SQLite::Database& db, const JobDone& done) {
    Prepared st(db,
                "UPDATE jobs SET state = 'done', payload = NULL, lease_owner = '', due_ms = 0, updated_ms = ?1, "
                "finished_ms = ?1 WHERE id = ?2 AND state = 'running' AND lease_owner = ?3");
    st->bind(1, static_cast<int64_t>(done.now_ms));
    st->bind(2, static_cast<int64_t>(done.job_id));
    st->bind(3, done.owner);
    return st->exec() == 1;
}

Job Jobs::insert_job(const NewJobRow& job) {
    return db_.write([&](SQLite::Database& db) { return insert_job_row(db, job); });
}

std::vector<ClaimedJob> Jobs::claim_jobs(const std::vector<std::string>& kinds, const std::string& owner,
                                         std::int64_t now_ms, std::int64_t lease_until_ms, int limit) {
    if (kinds.empty() || limit < 1) return {};
    return db_.write([&](SQLite::Database& db) {
        std::vector<ClaimedJob> out;
        Prepared pick(db, "SELECT id FROM jobs WHERE state IN ('queued', 'running') AND due_ms <= ? AND kind IN (" +
                              placeholders(kinds.size()) + ") ORDER BY due_ms, id LIMIT ?");
        int i = 1;
        pick->bind(i++, static_cast<int64_t>(now_ms));
        for (const auto& k : kinds) pick->bind(i++, k);
        pick->bind(i, limit);
        std::vector<std::int64_t> ids;
        while (pick->executeStep()) ids.push_back(pick->getColumn(0).getInt64());
        Prepared take(db,
                      "UPDATE jobs SET state = 'running', lease_owner = ?, due_ms = ?, attempts = attempts + 1, "
                      "updated_ms = ? WHERE id = ? RETURNING payload");
        for (std::int64_t id : ids) {
            take->bind(1, owner);
            take->bind(2, static_cast<int64_t>(lease_until_ms));
            take->bind(3, static_cast<int64_t>(now_ms));
            take->bind(4, static_cast<int64_t>(id));
            ClaimedJob c;
            if (take->executeStep()) {
                const auto col = take->getColumn(0);
                if (!col.isNull()) c.payload.assign(static_cast<const char*>(col.getBlob()), col.getBytes());
            }
            while (take->executeStep()) {
            }
            take->reset();
            c.job = *job_by_id(db, id);
            out.push_back(std::move(c));
        }
        return out;
    });
}

void Jobs::renew_leases(const std::string& owner, const std::vector<std::int64_t>& ids, std::int64_t lease_until_ms) {
    if (ids.empty()) return;
    db_.write([&](SQLite::Database& db) {
        Prepared st(db, "UPDATE jobs SET due_ms = ? WHERE id = ? AND state = 'running' AND lease_owner = ?");
        for (std::int64_t id : ids) {
            st->bind(1, static_cast<int64_t>(lease_until_ms));
            st->bind(2, static_cast<int64_t>(id));
            st->bind(3, owner);
            st->exec();
            st->reset();
        }
    });
}

void Jobs::release_jobs(const std::string& owner, const std::vector<std::int64_t>& ids, std::int64_t now_ms) {
    if (ids.empty()) return;
    db_.write([&](SQLite::Database& db) {
        Prepared st(db,
                    "UPDATE jobs SET state = 'queued', lease_owner = '', due_ms = ?1, updated_ms = ?1, "
                    "attempts = max(attempts - 1, 0) WHERE id = ?2 AND state = 'running' AND lease_owner = ?3");
        for (std::int64_t id : ids) {
            st->bind(1, static_cast<int64_t>(now_ms));
            st->bind(2, static_cast<int64_t>(id));
            st->bind(3, owner);
            st->exec();
            st->reset();
        }
    });
}

bool Jobs::finish_job(std::int64_t id, const std::string& owner, std::int64_t now_ms) {
    return db_.write([&](SQLite::Database& db) { return finish_job_row(db, {id, owner, now_ms}); });
}

bool Jobs::fail_job(std::int64_t id, const std::string& owner, const std::string& error,
                    std::optional<std::int64_t> retry_at_ms, std::int64_t now_ms) {
    return db_.write([&](SQLite::Database& db) {
        Prepared st(db, retry_at_ms
                            ? "UPDATE jobs SET state = 'queued', lease_owner = '', due_ms = ?1, last_error = ?2, "
                              "updated_ms = ?3 WHERE id = ?4 AND state = 'running' AND lease_owner = ?5"
                            : "UPDATE jobs SET state = 'failed', payload = NULL, lease_owner = '', due_ms = ?1, "
                              "last_error = ?2, updated_ms = ?3, finished_ms = ?3 "
                              "WHERE id = ?4 AND state = 'running' AND lease_owner = ?5");
        st->bind(1, static_cast<int64_t>(retry_at_ms.value_or(0)));
        st->bind(2, error);
        st->bind(3, static_cast<int64_t>(now_ms));
        st->bind(4, static_cast<int64_t>(id));
        st->bind(5, owner);
        return st->exec() == 1;
    });
}

std::optional<std::int64_t> Jobs::next_due_ms(const std::vector<std::string>& kinds) {
    if (kinds.empty()) return std::nullopt;
    return db_.read([&](SQLite::Database& db) -> std::optional<std::int64_t> {
        Prepared st(db, "SELECT min(due_ms) FROM jobs WHERE state IN ('queued', 'running') AND kind IN (" +
                            placeholders(kinds.size()) + ")");
        int i = 1;
        for (const auto& k : kinds) st->bind(i++, k);
        if (!st->executeStep() || st->getColumn(0).isNull()) return std::nullopt;
        return st->getColumn(0).getInt64();
    });
}

JobBacklog Jobs::backlog() {
    return db_.read([&](SQLite::Database& db) {
        Prepared st(db,
                    "SELECT count(*), ifnull(sum(length(payload)), 0) FROM jobs WHERE state IN ('queued', 'running')");
        st->executeStep();
        return JobBacklog{st->getColumn(0).getInt64(), st->getColumn(1).getInt64()};
    });
}

std::int64_t Jobs::delete_done_jobs(std::int64_t before_ms) {
    return db_.write([&](SQLite::Database& db) {
        Prepared st(db, "DELETE FROM jobs WHERE state = 'done' AND finished_ms < ?");
        st->bind(1, static_cast<int64_t>(before_ms));
        return static_cast<std::int64_t>(st->exec());
    });
}

std::optional<Job> Jobs::job(std::int64_t org_id, std::int64_t id) {
    return db_.read([&](SQLite::Database& db) -> std::optional<Job> {
        Prepared st(db, std::string("SELECT ") + kJobColumns + " FROM jobs j WHERE j.org_id = ? AND j.id = ?");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, static_cast<int64_t>(id));
        if (!st->executeStep()) return std::nullopt;
        return read_job(st);
    });
}

Page<Job> Jobs::list_jobs(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) {
    Where w = build_where(job_spec(), q);
    w.bindings.insert(w.bindings.begin(), org_id);
    const auto [count, offset] = page_bounds(q, limits);
    return db_.read([&](SQLite::Database& db) {
        SQLite::Transaction snapshot(db);
        const std::string from = "FROM jobs j WHERE j.org_id = ?";
        return run_list<Job>(db, from, from, w, count, offset, kJobColumns, read_job);
    });
}

namespace {

JobCounts counts_of(Prepared& st) {
    JobCounts c;
    while (st->executeStep()) {
        const std::int64_t n = st->getColumn(1).getInt64();
        switch (job_state_from_string(st->getColumn(0).getString())) {
            case JobState::queued: c.queued = n; break;
            case JobState::running: c.running = n; break;
            case JobState::done: c.done = n; break;
            case JobState::failed: c.failed = n; break;
        }
    }
    return c;
}

}  // namespace

JobCounts Jobs::all_job_counts() {
    return db_.read([&](SQLite::Database& db) {
        Prepared st(db, "SELECT state, count(*) FROM jobs GROUP BY state");
        return counts_of(st);
    });
}

JobCounts Jobs::job_counts(std::int64_t org_id) {
    return db_.read([&](SQLite::Database& db) {
        Prepared st(db, "SELECT state, count(*) FROM jobs WHERE org_id = ? GROUP BY state");
        st->bind(1, static_cast<int64_t>(org_id));
        return counts_of(st);
    });
}

std::unique_ptr<JobsStore> make_jobs_store(Pool& pool) { return std::make_unique<Jobs>(pool); }

}  // namespace switchboard::store::sqlite
