// switchboard: the database a Switchboard keeps its records in (SQLite
// today; the store is an interface, so that another backend can follow).
//
// Threading model
// ---------------
// A Database may be shared by any number of threads. Internally it keeps one
// writer connection, guarded by a mutex so that writes are serialised, and a
// small pool of reader connections that run in parallel with each other and
// with the writer (SQLite's WAL mode). Every public operation of the library
// takes what it needs from the pool for the duration of the call, so callers
// never lock anything themselves. A busy timeout covers the rare case where a
// second process (a command-line tool on the same data directory) holds the
// write lock.
//
// Durability
// ----------
// The database runs in WAL mode with `synchronous=NORMAL`: a transaction that
// has committed is in the WAL file before the call returns, so it survives a
// crash of the process. (A power loss may roll back the last transactions;
// set DatabaseOptions::synchronous_full for that guarantee at the cost of an
// fsync per commit.)
//
// Schema
// ------
// Numbered migrations are applied in one transaction when the database is
// opened; the version is kept in `PRAGMA user_version` and each step in the
// `schema_migrations` table. Opening a database written by a newer schema
// throws Error(ErrorCode::schema) and changes nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace switchboard {

// Checked by Database::open: a value out of range is refused with
// Error(invalid_argument) naming the member.
struct DatabaseOptions {
    int busy_timeout_ms = 5000;   // 0 or more
    int reader_connections = 4;   // pool size, 1 to 64; readers beyond it wait
    bool synchronous_full = false;
    bool create = true;           // create the file if it does not exist
    // Memory for records kept between reads (tickets read by id, with their
    // contact), forgotten when any process changes them; 0 keeps none.
    std::size_t record_cache_bytes = std::size_t{128} << 20;
};

// The tickets kept in memory now (DatabaseOptions::record_cache_bytes), for
// monitoring (the host's GET /metrics).
struct RecordCacheStats {
    std::uint64_t hits = 0, misses = 0;  // reads by id that found the ticket kept, or not
    std::size_t records = 0;             // tickets kept
    std::size_t bytes = 0, max_bytes = 0;  // their memory, and the budget
};

namespace store {
class Store;
}  // namespace store
struct ActivityEntry;
namespace detail {
template <class T>
class WriteBehind;
}  // namespace detail

class Database {
public:
    // Opens (and creates, migrates) the database at `path`. ":memory:" gives a
    // private in-memory database (then all access is serialised).
    static Database open(const std::string& path, const DatabaseOptions& options = {});

    Database(Database&&) noexcept;
    Database& operator=(Database&&) noexcept;
    // Commits the activity entries still queued, then closes.
    ~Database();

    const std::string& path() const noexcept;
    int schema_version() const;
    RecordCacheStats record_cache_stats() const;
    static int latest_schema_version() noexcept;

    // Internal to the library: the store behind the handle, and the queue
    // the activity log is written behind (docs/store.md).
    store::Store& store() const;
    detail::WriteBehind<ActivityEntry>& activity_queue() const;

    struct Impl;

private:
    explicit Database(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace switchboard
