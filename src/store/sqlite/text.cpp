// The SQLite store: phrase pools and interactions.
#include <cstdio>
#include <ctime>

#include "core/time.hpp"
#include "store/sqlite/stores.hpp"

namespace switchboard::store::sqlite {

namespace {

std::int64_t bump_revision(SQLite::Database& db, std::int64_t org_id) {
    Prepared st(db, "UPDATE organisations SET pools_rev = pools_rev + 1 WHERE id = ? RETURNING pools_rev");
    st->bind(1, static_cast<int64_t>(org_id));
    if (!st->executeStep()) throw Error(ErrorCode::not_found, "the organisation no longer exists");
    const std::int64_t rev = st->getColumn(0).getInt64();
    while (st->executeStep()) {
    }
    return rev;
}

// "YYYYMMDDhhmmss" in UTC.
std::string stamp(std::int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[32];
    std::snprintf(out, sizeof out, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    return out;
}

ReportStatus status_of(const std::string& s) {
    if (s == "ready") return ReportStatus::ready;
    if (s == "failed") return ReportStatus::failed;
    return ReportStatus::pending;
}

constexpr const char* kInteractionColumns =
    "SELECT id, org_id, ricket, kind, department, agent_id, client_id, ticket_no, created_by, "
    "created_ms, status, ready_ms, error, text_chars, ifnull(analysis_json, ''), duration_ms, recording_file_id, "
    "ifnull(call_id, 0) "
    "FROM interactions ";

InteractionRow read_interaction(const Prepared& st) {
    InteractionRow r;
    auto& i = r.interaction;
    i.id = st->getColumn(0).getInt64();
    i.org_id = st->getColumn(1).getInt64();
    i.ricket = st->getColumn(2).getString();
    const std::string kind = st->getColumn(3).getString();
    i.kind = kind.empty() ? 'T' : kind[0];
    i.department = st->getColumn(4).getString();
    i.agent_id = st->getColumn(5).getString();
    i.client_id = st->getColumn(6).getString();
    i.ticket_no = st->getColumn(7).getString();
    i.created_by = st->getColumn(8).getString();
    i.created_ms = st->getColumn(9).getInt64();
    i.status = status_of(st->getColumn(10).getString());
    i.ready_ms = st->getColumn(11).getInt64();
    i.error = st->getColumn(12).getString();
    i.text_chars = static_cast<std::size_t>(st->getColumn(13).getInt64());
    r.analysis_json = st->getColumn(14).getString();
    i.duration_ms = st->getColumn(15).getInt64();
    i.recording_file_id = st->getColumn(16).getInt64();
    i.call_id = st->getColumn(17).getInt64();
    return r;
}

class Text final : public TextStore {
public:
    explicit Text(Pool& db) : db_(db) {}
    std::vector<PoolRow> pool_rows(std::int64_t org_id) override;
    std::int64_t pools_revision(std::int64_t org_id) override;
    std::int64_t insert_pool_row(std::int64_t org_id, const PoolRow& row) override;
    std::int64_t delete_pool_row(std::int64_t org_id, const std::string& pool, const std::string& text,
                                 bool* changed) override;
    std::int64_t delete_pool_rows(std::int64_t org_id) override;
    std::pair<Interaction, Job> insert_interaction(const Interaction& i, NewJobRow job,
                                                   const std::string& spool) override;
    bool finish_interaction(std::int64_t id, ReportStatus status, std::int64_t ready_ms, const std::string& error,
                            const std::string& redacted_text, const std::string& analysis_json,
                            const std::optional<JobDone>& done, std::int64_t recording_file_id) override;
    std::vector<std::string> pending_spools() override;
    std::optional<InteractionRow> interaction(std::int64_t org_id, const std::string& ricket) override;
    std::optional<InteractionRow> interaction_by_id(std::int64_t id) override;

private:
    Pool& db_;
};

}  // namespace

// ------------------------------------------------------------ pools

std::vector<PoolRow> Text::pool_rows(std::int64_t org_id) {
    return db_.read([&](SQLite::Database& db) {
        std::vector<PoolRow> out;
        Prepared st(db, "SELECT pool, text, regex, built_in, removed FROM pool_entries WHERE org_id = ? ORDER BY id");
        st->bind(1, static_cast<int64_t>(org_id));
        while (st->executeStep())
            out.push_back({st->getColumn(0).getString(), st->getColumn(1).getString(), st->getColumn(2).getInt() != 0,
                           st->getColumn(3).getInt() != 0, st->getColumn(4).getInt() != 0});
        return out;
    });
}

std::int64_t Text::pools_revision(std::int64_t org_id) {
    return db_.read([&](SQLite::Database& db) {
        Prepared st(db, "SELECT pools_rev FROM organisations WHERE id = ?");
        st->bind(1, static_cast<int64_t>(org_id));
        if (!st->executeStep()) throw Error(ErrorCode::not_found, "the organisation no longer exists");
        return st->getColumn(0).getInt64();
    });
}

std::int64_t Text::insert_pool_row(std::int64_t org_id, const PoolRow& row) {
    return db_.write([&](SQLite::Database& db) {
        Prepared st(db,
                    "INSERT INTO pool_entries (org_id, pool, text, regex, built_in, removed, created_ms) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, row.pool);
        st->bind(3, row.text);
        st->bind(4, row.regex ? 1 : 0);
        st->bind(5, row.built_in ? 1 : 0);
        st->bind(6, row.removed ? 1 : 0);
        st->bind(7, static_cast<int64_t>(detail::now_ms()));
        st->exec();
        return bump_revision(db, org_id);
    });
}

std::int64_t Text::delete_pool_row(std::int64_t org_id, const std::string& pool, const std::string& text,
                                        bool* changed) {
    return db_.write([&](SQLite::Database& db) {
        Prepared st(db, "DELETE FROM pool_entries WHERE org_id = ? AND pool = ? AND text = ?");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, pool);
        st->bind(3, text);
        const int n = st->exec();
        if (changed) *changed = n > 0;
        return bump_revision(db, org_id);
    });
}

std::int64_t Text::delete_pool_rows(std::int64_t org_id) {
    return db_.write([&](SQLite::Database& db) {
        Prepared st(db, "DELETE FROM pool_entries WHERE org_id = ?");
        st->bind(1, static_cast<int64_t>(org_id));
        st->exec();
        return bump_revision(db, org_id);
    });
}

// ------------------------------------------------------------ interactions

std::pair<Interaction, Job> Text::insert_interaction(const Interaction& in, NewJobRow job, const std::string& spool) {
    return db_.write([&](SQLite::Database& db) {
        Interaction row = in;
        const std::string prefix = stamp(row.created_ms);
        // A name can only be taken by another organisation's interaction of
        // the same second (or after 100000 of one's own in a second): move on.
        for (int attempt = 0; attempt < 100000; ++attempt) {
            Prepared seq(db, "UPDATE organisations SET ricket_seq = ricket_seq + 1 WHERE id = ? RETURNING ricket_seq");
            seq->bind(1, static_cast<int64_t>(row.org_id));
            if (!seq->executeStep()) throw Error(ErrorCode::not_found, "the organisation no longer exists");
            const long long n = seq->getColumn(0).getInt64() % 100000;
            while (seq->executeStep()) {
            }
            char digits[8];
            std::snprintf(digits, sizeof digits, "%05lld", n);
            row.ricket = prefix + digits + row.kind;
            Prepared st(db,
                        "INSERT INTO interactions (org_id, ricket, kind, department, agent_id, client_id, ticket_no, "
                        "created_by, created_ms, status, text_chars, duration_ms, spool, call_id) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?) "
                        "ON CONFLICT (ricket) DO NOTHING RETURNING id");
            st->bind(1, static_cast<int64_t>(row.org_id));
            st->bind(2, row.ricket);
            st->bind(3, std::string(1, row.kind));
            st->bind(4, row.department);
            st->bind(5, row.agent_id);
            st->bind(6, row.client_id);
            st->bind(7, row.ticket_no);
            st->bind(8, row.created_by);
            st->bind(9, static_cast<int64_t>(row.created_ms));
            st->bind(10, static_cast<int64_t>(row.text_chars));
            st->bind(11, static_cast<int64_t>(row.duration_ms));
            if (spool.empty()) st->bind(12);
            else st->bind(12, spool);
            if (row.call_id) st->bind(13, static_cast<int64_t>(row.call_id));
            else st->bind(13);
            if (st->executeStep()) {
                row.id = st->getColumn(0).getInt64();
                while (st->executeStep()) {
                }
                row.status = ReportStatus::pending;
                job.subject = row.ricket;
                return std::make_pair(row, insert_job_row(db, job));
            }
        }
        throw Error(ErrorCode::internal, "no free Ricket id this second");
    });
}

bool Text::finish_interaction(std::int64_t id, ReportStatus status, std::int64_t ready_ms, const std::string& error,
                              const std::string& redacted_text, const std::string& analysis_json,
                              const std::optional<JobDone>& done, std::int64_t recording_file_id) {
    return db_.write([&](SQLite::Database& db) {
        Prepared st(db,
                    "UPDATE interactions SET status = ?, ready_ms = ?, error = ?, redacted_text = ?, "
                    "analysis_json = ?, recording_file_id = ?, spool = NULL WHERE id = ?");
        st->bind(1, std::string(to_string(status)));
        st->bind(2, static_cast<int64_t>(ready_ms));
        st->bind(3, error);
        if (status == ReportStatus::ready) {
            st->bind(4, redacted_text);
            st->bind(5, analysis_json);
        } else {
            st->bind(4);
            st->bind(5);
        }
        st->bind(6, static_cast<int64_t>(recording_file_id));
        st->bind(7, static_cast<int64_t>(id));
        st->exec();
        return done ? finish_job_row(db, *done) : false;
    });
}

std::optional<InteractionRow> Text::interaction(std::int64_t org_id, const std::string& ricket) {
    return db_.read([&](SQLite::Database& db) -> std::optional<InteractionRow> {
        Prepared st(db, std::string(kInteractionColumns) + "WHERE org_id = ? AND ricket = ?");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, ricket);
        if (!st->executeStep()) return std::nullopt;
        return read_interaction(st);
    });
}

std::optional<InteractionRow> Text::interaction_by_id(std::int64_t id) {
    return db_.read([&](SQLite::Database& db) -> std::optional<InteractionRow> {
        Prepared st(db, std::string(kInteractionColumns) + "WHERE id = ?");
        st->bind(1, static_cast<int64_t>(id));
        if (!st->executeStep()) return std::nullopt;
        return read_interaction(st);
    });
}

std::vector<std::string> Text::pending_spools() {
    return db_.read([&](SQLite::Database& db) {
        std::vector<std::string> out;
        Prepared st(db, "SELECT spool FROM interactions WHERE spool IS NOT NULL");
        while (st->executeStep()) out.push_back(st->getColumn(0).getString());
        return out;
    });
}

std::unique_ptr<TextStore> make_text_store(Pool& pool) { return std::make_unique<Text>(pool); }

}  // namespace switchboard::store::sqlite
