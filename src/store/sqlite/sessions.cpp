// The SQLite store: sessions.
#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "store/sqlite/stores.hpp"

namespace switchboard::store::sqlite {

namespace {

class Sessions final : public SessionsStore {
public:
    explicit Sessions(Pool& db) : db_(db) {}
    std::int64_t insert_session(const std::string& token_hash, TokenKind kind, std::int64_t user_id,
                                std::int64_t org_id, std::int64_t dev_key_id, std::int64_t now_ms,
                                std::int64_t expires_ms) override;
    std::optional<SessionRow> session(const std::string& token_hash) override;
    void touch_session(const std::string& token_hash, std::int64_t now_ms) override;
    void delete_session(std::int64_t session_id) override;
    void delete_session_by_hash(const std::string& token_hash) override;

private:
    std::optional<SessionRow> read_session(const std::string& token_hash);

    Pool& db_;

    // The rows of the sessions in use, so that checking a request's token
    // takes no query. A row is kept for kKeepFor, and dropped at once when
    // this process changes sessions, users or dev keys (Pool::sessions_epoch);
    // such a change made by another process (the CLI) is seen within kKeepFor.
    // Unknown tokens are never kept.
    struct Kept {
        SessionRow row;
        std::uint64_t epoch = 0;
        std::chrono::steady_clock::time_point read_at;
    };
    static constexpr std::chrono::milliseconds kKeepFor{1000};
    static constexpr std::size_t kMaxKept = 4096;
    std::shared_mutex kept_mu_;
    std::unordered_map<std::string, Kept> kept_;
};

}  // namespace

std::int64_t Sessions::insert_session(const std::string& token_hash, TokenKind kind, std::int64_t user_id,
                                           std::int64_t org_id, std::int64_t dev_key_id, std::int64_t now,
                                           std::int64_t expires_ms) {
    return db_.write([&](SQLite::Database& db) {
        // Expired sessions are swept as new ones are made.
        Prepared sweep(db, "DELETE FROM sessions WHERE expires_ms < ?");
        sweep->bind(1, static_cast<int64_t>(now));
        sweep->exec();
        Prepared st(db,
                     "INSERT INTO sessions (token_hash, kind, user_id, org_id, dev_key_id, created_ms, last_seen_ms, "
                     "expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        st->bind(1, token_hash);
        st->bind(2, kind == TokenKind::access ? "access" : "dev");
        if (user_id) st->bind(3, static_cast<int64_t>(user_id)); else st->bind(3);
        if (org_id) st->bind(4, static_cast<int64_t>(org_id)); else st->bind(4);
        if (dev_key_id) st->bind(5, static_cast<int64_t>(dev_key_id)); else st->bind(5);
        st->bind(6, static_cast<int64_t>(now));
        st->bind(7, static_cast<int64_t>(now));
        st->bind(8, static_cast<int64_t>(expires_ms));
        st->exec();
        return static_cast<std::int64_t>(db.getLastInsertRowid());
    });
}

std::optional<SessionRow> Sessions::session(const std::string& token_hash) {
    // The epoch is read before the row: a change committed in between leaves
    // the row kept under the old epoch, which the next call does not use.
    const std::uint64_t epoch = db_.sessions_epoch.load(std::memory_order_acquire);
    const auto now = std::chrono::steady_clock::now();
    {
        std::shared_lock<std::shared_mutex> lock(kept_mu_);
        const auto it = kept_.find(token_hash);
        if (it != kept_.end() && it->second.epoch == epoch && now - it->second.read_at < kKeepFor)
            return it->second.row;
    }
    auto row = read_session(token_hash);
    if (row) {
        std::unique_lock<std::shared_mutex> lock(kept_mu_);
        if (kept_.size() >= kMaxKept) kept_.clear();
        kept_[token_hash] = Kept{*row, epoch, now};
    }
    return row;
}

std::optional<SessionRow> Sessions::read_session(const std::string& token_hash) {
    return db_.read([&](SQLite::Database& db) -> std::optional<SessionRow> {
        Prepared st(db,
                     "SELECT s.id, s.kind, ifnull(s.user_id, 0), ifnull(s.org_id, 0), ifnull(s.dev_key_id, 0), "
                     " s.created_ms, s.last_seen_ms, s.expires_ms, "
                     " coalesce(u.username, k.username, ''), coalesce(u.role, 'admin'), "
                     " coalesce(u.active, k.active, 0), ifnull(u.must_change_password, 0) "
                     "FROM sessions s LEFT JOIN users u ON u.id = s.user_id "
                     "LEFT JOIN dev_keys k ON k.id = s.dev_key_id WHERE s.token_hash = ?");
        st->bind(1, token_hash);
        if (!st->executeStep()) return std::nullopt;
        SessionRow r;
        r.id = st->getColumn(0).getInt64();
        r.kind = st->getColumn(1).getString() == "dev" ? TokenKind::dev : TokenKind::access;
        r.user_id = st->getColumn(2).getInt64();
        r.org_id = st->getColumn(3).getInt64();
        r.dev_key_id = st->getColumn(4).getInt64();
        r.created_ms = st->getColumn(5).getInt64();
        r.last_seen_ms = st->getColumn(6).getInt64();
        r.expires_ms = st->getColumn(7).getInt64();
        r.username = st->getColumn(8).getString();
        r.role = role_from_string(st->getColumn(9).getString());
        r.principal_active = st->getColumn(10).getInt() != 0;
        r.must_change_password = st->getColumn(11).getInt() != 0;
        return r;
    });
}

void Sessions::touch_session(const std::string& token_hash, std::int64_t now) {
    db_.write([&](SQLite::Database& db) {
        Prepared st(db, "UPDATE sessions SET last_seen_ms = ? WHERE token_hash = ?");
        st->bind(1, static_cast<int64_t>(now));
        st->bind(2, token_hash);
        st->exec();
    });
    std::unique_lock<std::shared_mutex> lock(kept_mu_);
    const auto it = kept_.find(token_hash);
    if (it != kept_.end()) it->second.row.last_seen_ms = now;
}

void Sessions::delete_session(std::int64_t session_id) {
    db_.write_sessions([&](SQLite::Database& db) {
        Prepared st(db, "DELETE FROM sessions WHERE id = ?");
        st->bind(1, static_cast<int64_t>(session_id));
        st->exec();
    });
}

void Sessions::delete_session_by_hash(const std::string& token_hash) {
    db_.write_sessions([&](SQLite::Database& db) {
        Prepared st(db, "DELETE FROM sessions WHERE token_hash = ?");
        st->bind(1, token_hash);
        st->exec();
    });
}

std::unique_ptr<SessionsStore> make_sessions_store(Pool& pool) { return std::make_unique<Sessions>(pool); }

}  // namespace switchboard::store::sqlite
