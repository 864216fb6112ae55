#include <sqlite3.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "core/time.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/stores.hpp"

namespace switchboard::store::sqlite {

void rethrow(const SQLite::Exception& e) {
    const int ext = e.getExtendedErrorCode();
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        throw Error(ErrorCode::already_exists, std::string("already exists: ") + e.what());
    if ((ext & 0xff) == SQLITE_CONSTRAINT)
        throw Error(ErrorCode::invalid_argument, std::string("rejected by the store: ") + e.what());
    throw Error(ErrorCode::storage, std::string("database error: ") + e.what());
}

Prepared::Prepared(SQLite::Database& db, const std::string& sql) {
    auto& cache = static_cast<Connection&>(db).statements;
    auto it = cache.find(sql);
    if (it == cache.end()) it = cache.emplace(sql, std::make_unique<SQLite::Statement>(db, sql)).first;
    st_ = it->second.get();
}

namespace {

// SQLite counts every allocation under one process-wide mutex unless told
// not to: with several readers busy, that mutex and its waits showed in
// every profile of a busy host. Set once, before SQLite starts; when the process started it
// already (another library opened a database first), it stays as it was.
void configure_sqlite_once() {
    static std::once_flag once;
    std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

std::unique_ptr<Connection> Pool::connect(bool readonly) const {
    configure_sqlite_once();
    int flags = readonly ? SQLite::OPEN_READONLY : (SQLite::OPEN_READWRITE | (options.create ? SQLite::OPEN_CREATE : 0));
    flags |= SQLITE_OPEN_NOMUTEX;  // each connection is used by one thread at a time
    auto db = std::make_unique<Connection>(path, flags, options.busy_timeout_ms);
    db->exec("PRAGMA foreign_keys = ON");
    db->exec(options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    // SQLite's default page cache (2 MiB a connection) is kept: a larger one
    // (16 MiB) was measured and served a busy host no faster, since every
    // commit empties the other connections' caches; nor did a memory map
    // (PRAGMA mmap_size), which made it twice slower (each commit remaps).
    return db;
}

void Pool::start_checkpointer() {
    writer->exec("PRAGMA wal_autocheckpoint = 0");
    checkpointer = std::thread([this] {
        std::unique_ptr<Connection> db;
        std::unique_lock<std::mutex> lock(checkpoint_mu);
        for (unsigned tick = 1; !stopping; ++tick) {
            checkpoint_cv.wait_for(lock, kFollowEvery, [this] { return stopping; });
            if (stopping) break;
            lock.unlock();
            follow_changes();
            if (tick % 2 == 0) {
                try {
                    if (!db) db = connect(false);
                    // PASSIVE: copies what no reader still needs, waits for no one.
                    db->exec("PRAGMA wal_checkpoint(PASSIVE)");
                } catch (const std::exception&) {
                    // Another process holds the file busy: the next round tries again.
                }
            }
            lock.lock();
        }
    });
}

namespace {
// The number of the last row written to the change log, pruned or not.
constexpr const char* kLastChange =
    "SELECT ifnull((SELECT seq FROM sqlite_sequence WHERE name = 'record_changes'), 0)";
}  // namespace

void Pool::begin_following() {
    std::lock_guard<std::mutex> lock(write_mu);
    changes_seen_ = writer->execAndGet(kLastChange).getInt64();
    sqlite3_update_hook(
        writer->getHandle(),
        [](void* self, int op, const char*, const char* table, sqlite3_int64) {
            if (op == SQLITE_INSERT && std::strcmp(table, "record_changes") == 0)
                static_cast<Pool*>(self)->logged_change_ = true;
        },
        this);
}

void Pool::follow_changes() {
    if (change_watchers.empty()) return;
    std::lock_guard<std::mutex> lock(write_mu);
    follow_changes_locked(true);
}

void Pool::follow_changes_locked(bool may_prune) noexcept {
    if (change_watchers.empty()) return;
    const auto forget_all = [this] {
        for (auto& w : change_watchers) w.lost();
    };
    try {
        // The last number given to a row, read before the rows: the rows
        // are numbered without gaps (AUTOINCREMENT), so a row missing
        // between the last one read and this number was pruned (or deleted)
        // before this process read it.
        std::int64_t last_given = 0;
        {
            Prepared last(*writer, kLastChange);
            if (last->executeStep()) last_given = last->getColumn(0).getInt64();
        }
        Prepared st(*writer, "SELECT seq, tbl, row_id FROM record_changes WHERE seq > ? ORDER BY seq");
        st->bind(1, static_cast<int64_t>(changes_seen_));
        bool first = true;
        while (st->executeStep()) {
            const std::int64_t seq = st->getColumn(0).getInt64();
            if (first && seq != changes_seen_ + 1) forget_all();
            first = false;
            const std::string table = st->getColumn(1).getString();
            const std::int64_t row_id = st->getColumn(2).getInt64();
            for (auto& w : change_watchers) w.changed(table, row_id);
            changes_seen_ = seq;
        }
        if (first && last_given > changes_seen_) {
            forget_all();
            changes_seen_ = last_given;
        }
        // Rows every process has had time to read are pruned now and then,
        // by the follower (a write that may wait for another process), or
        // after a commit in a database no other process opens.
        const std::int64_t now = detail::now_ms();
        if ((may_prune || memory) && now - last_prune_ms_ > kPruneEvery.count()) {
            last_prune_ms_ = now;
            Prepared prune(*writer, "DELETE FROM record_changes WHERE at_ms < ?");
            prune->bind(1, static_cast<int64_t>(now - kChangesKeptFor.count()));
            prune->exec();
        }
    } catch (const std::exception&) {
        forget_all();
    }
}

Pool::~Pool() {
    {
        std::lock_guard<std::mutex> lock(checkpoint_mu);
        stopping = true;
    }
    checkpoint_cv.notify_all();
    if (checkpointer.joinable()) checkpointer.join();
}

Pool::Lease::Lease(Pool& p) : pool(p) {
    std::unique_lock<std::mutex> lock(pool.pool_mu);
    for (;;) {
        if (!pool.idle_readers.empty()) {
            db = std::move(pool.idle_readers.back());
            pool.idle_readers.pop_back();
            return;
        }
        if (pool.readers_open < pool.options.reader_connections) {
            ++pool.readers_open;
            lock.unlock();
            try {
                db = pool.connect(true);
            } catch (...) {
                std::lock_guard<std::mutex> again(pool.pool_mu);
                --pool.readers_open;
                pool.pool_cv.notify_one();
                throw;
            }
            return;
        }
        pool.pool_cv.wait(lock);
    }
}

Pool::Lease::~Lease() {
    std::lock_guard<std::mutex> lock(pool.pool_mu);
    pool.idle_readers.push_back(std::move(db));
    pool.pool_cv.notify_one();
}

namespace {

int read_user_version(SQLite::Database& db) {
    return db.execAndGet("PRAGMA user_version").getInt();
}

void migrate(SQLite::Database& db) {
    const auto& steps = migrations();
    const int latest = steps.back().version;
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    const int current = read_user_version(db);
    if (current > latest)
        throw Error(ErrorCode::schema, "the database has schema version " + std::to_string(current) +
                                           ", newer than this switchboard (" + std::to_string(latest) +
                                           "); open it with a newer switchboard");
    if (current == latest) return;  // rolls back an empty transaction
    db.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL)");
    for (const auto& m : steps) {
        if (m.version <= current) continue;
        if (m.sql && *m.sql) db.exec(m.sql);
        if (m.step) m.step(db);
        SQLite::Statement ins(db, "INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)");
        ins.bind(1, m.version);
        ins.bind(2, m.name);
        ins.bind(3, static_cast<int64_t>(detail::now_ms()));
        ins.exec();
    }
    db.exec("PRAGMA user_version = " + std::to_string(latest));
    tx.commit();
}

}  // namespace

int latest_schema_version() noexcept { return migrations().back().version; }

namespace {

// The store over one database file: its connections and a store per idea.
class SqliteStore final : public Store {
public:
    explicit SqliteStore(std::unique_ptr<Pool> pool)
        : pool_(std::move(pool)),
          accounts_(make_accounts_store(*pool_)),
          sessions_(make_sessions_store(*pool_)),
          outbox_(make_outbox_store(*pool_)),
          activity_(make_activity_store(*pool_)),
          cases_(make_cases_store(*pool_)),
          files_(make_files_store(*pool_)),
          calls_(make_calls_store(*pool_)),
          qa_(make_qa_store(*pool_)),
          stats_(make_stats_store(*pool_)),
          text_(make_text_store(*pool_)),
          jobs_(make_jobs_store(*pool_)),
          events_(make_events_store(*pool_)),
          presence_(make_presence_store(*pool_)),
          messages_(make_messages_store(*pool_)) {}

    AccountsStore& accounts() override { return *accounts_; }
    SessionsStore& sessions() override { return *sessions_; }
    OutboxStore& outbox() override { return *outbox_; }
    ActivityStore& activity() override { return *activity_; }
    CasesStore& cases() override { return *cases_; }
    FilesStore& files() override { return *files_; }
    CallsStore& calls() override { return *calls_; }
    QaStore& qa() override { return *qa_; }
    StatsStore& stats() override { return *stats_; }
    TextStore& text() override { return *text_; }
    JobsStore& jobs() override { return *jobs_; }
    EventsStore& events() override { return *events_; }
    PresenceStore& presence() override { return *presence_; }
    MessagesStore& messages() override { return *messages_; }

    int schema_version() override {
        return pool_->read([](SQLite::Database& db) { return read_user_version(db); });
    }

private:
    std::unique_ptr<Pool> pool_;
    std::unique_ptr<AccountsStore> accounts_;
    std::unique_ptr<SessionsStore> sessions_;
    std::unique_ptr<OutboxStore> outbox_;
    std::unique_ptr<ActivityStore> activity_;
    std::unique_ptr<CasesStore> cases_;
    std::unique_ptr<FilesStore> files_;
    std::unique_ptr<CallsStore> calls_;
    std::unique_ptr<QaStore> qa_;
    std::unique_ptr<StatsStore> stats_;
    std::unique_ptr<TextStore> text_;
    std::unique_ptr<JobsStore> jobs_;
    std::unique_ptr<EventsStore> events_;
    std::unique_ptr<PresenceStore> presence_;
    std::unique_ptr<MessagesStore> messages_;
};

}  // namespace

std::unique_ptr<Store> open(const std::string& path, const DatabaseOptions& options) {
    if (path.empty()) throw Error(ErrorCode::invalid_argument, "database path is empty", "path");
    auto impl = std::make_unique<Pool>();
    impl->path = path;
    impl->options = options;
    impl->memory = path == ":memory:";
    if (options.reader_connections < 1 || options.reader_connections > 64)
        throw Error(ErrorCode::invalid_argument, "reader_connections must be between 1 and 64", "reader_connections");
    if (options.busy_timeout_ms < 0)
        throw Error(ErrorCode::invalid_argument, "busy_timeout_ms must be 0 or more", "busy_timeout_ms");
    try {
        if (!impl->memory && !options.create && !std::filesystem::exists(path))
            throw Error(ErrorCode::not_found, "no database at " + path, "path");
        impl->writer = impl->connect(false);
        // Check the version before anything writes to the file.
        const int found = read_user_version(*impl->writer);
        if (found > latest_schema_version()) {
            throw Error(ErrorCode::schema, "the database has schema version " + std::to_string(found) +
                                               ", newer than this switchboard (" +
                                               std::to_string(latest_schema_version()) +
                                               "); open it with a newer switchboard");
        }
        if (!impl->memory) {
            std::string mode = impl->writer->execAndGet("PRAGMA journal_mode = WAL").getString();
            if (mode != "wal")
                throw Error(ErrorCode::storage, "could not switch " + path + " to WAL mode (got " + mode + ")");
        }
        migrate(*impl->writer);
        impl->begin_following();
        if (!impl->memory) impl->start_checkpointer();
    } catch (const SQLite::Exception& e) {
        throw Error(ErrorCode::storage, "cannot open database " + path + ": " + e.what(), "path");
    }
    return std::make_unique<SqliteStore>(std::move(impl));
}

}  // namespace switchboard::store::sqlite
