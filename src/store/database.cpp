#include <sqlite3.h>

#include <filesystem>

#include "core/time.hpp"
#include "store/database_impl.hpp"
#include "store/migrations.hpp"

namespace switchboard {

void rethrow_sqlite(const SQLite::Exception& e) {
    const int ext = e.getExtendedErrorCode();
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        throw Error(ErrorCode::already_exists, std::string("already exists: ") + e.what());
    if ((ext & 0xff) == SQLITE_CONSTRAINT)
        throw Error(ErrorCode::invalid_argument, std::string("rejected by the store: ") + e.what());
    throw Error(ErrorCode::storage, std::string("database error: ") + e.what());
}

namespace store {

Prepared::Prepared(SQLite::Database& db, const std::string& sql) {
    auto& cache = static_cast<Connection&>(db).statements;
    auto it = cache.find(sql);
    if (it == cache.end()) it = cache.emplace(sql, std::make_unique<SQLite::Statement>(db, sql)).first;
    st_ = it->second.get();
}

}  // namespace store

std::unique_ptr<store::Connection> Database::Impl::connect(bool readonly) const {
    int flags = readonly ? SQLite::OPEN_READONLY : (SQLite::OPEN_READWRITE | (options.create ? SQLite::OPEN_CREATE : 0));
    flags |= SQLITE_OPEN_NOMUTEX;  // each connection is used by one thread at a time
    auto db = std::make_unique<store::Connection>(path, flags, options.busy_timeout_ms);
    db->exec("PRAGMA foreign_keys = ON");
    db->exec(options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    return db;
}

Database::Impl::Lease::Lease(Impl& i) : impl(i) {
    std::unique_lock<std::mutex> lock(impl.pool_mu);
    for (;;) {
        if (!impl.idle_readers.empty()) {
            db = std::move(impl.idle_readers.back());
            impl.idle_readers.pop_back();
            return;
        }
        if (impl.readers_open < impl.options.reader_connections) {
            ++impl.readers_open;
            lock.unlock();
            try {
                db = impl.connect(true);
            } catch (...) {
                std::lock_guard<std::mutex> again(impl.pool_mu);
                --impl.readers_open;
                impl.pool_cv.notify_one();
                throw;
            }
            return;
        }
        impl.pool_cv.wait(lock);
    }
}

Database::Impl::Lease::~Lease() {
    std::lock_guard<std::mutex> lock(impl.pool_mu);
    impl.idle_readers.push_back(std::move(db));
    impl.pool_cv.notify_one();
}

namespace {

int read_user_version(SQLite::Database& db) {
    return db.execAndGet("PRAGMA user_version").getInt();
}

void migrate(SQLite::Database& db) {
    const auto& steps = store::migrations();
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
        db.exec(m.sql);
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

Database Database::open(const std::string& path, const DatabaseOptions& options) {
    if (path.empty()) throw Error(ErrorCode::invalid_argument, "database path is empty", "path");
    auto impl = std::make_unique<Impl>();
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
    } catch (const SQLite::Exception& e) {
        throw Error(ErrorCode::storage, "cannot open database " + path + ": " + e.what(), "path");
    }
    impl->accounts = std::make_unique<store::AccountsStore>(*impl);
    impl->cases = std::make_unique<store::CasesStore>(*impl);
    impl->calls = std::make_unique<store::CallsStore>(*impl);
    impl->text = std::make_unique<store::TextStore>(*impl);
    impl->activity = std::make_unique<store::ActivityQueue>(
        [&accounts = *impl->accounts](const std::vector<ActivityEntry>& batch) { accounts.write_activity(batch); });
    return Database(std::move(impl));
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

const std::string& Database::path() const noexcept { return impl_->path; }

int Database::schema_version() const {
    return impl_->read([](SQLite::Database& db) { return read_user_version(db); });
}

int Database::latest_schema_version() noexcept { return store::migrations().back().version; }

store::AccountsStore& Database::accounts_store() const { return *impl_->accounts; }
store::CasesStore& Database::cases_store() const { return *impl_->cases; }
store::CallsStore& Database::calls_store() const { return *impl_->calls; }
store::TextStore& Database::text_store() const { return *impl_->text; }

}  // namespace switchboard
