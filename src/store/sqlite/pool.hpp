// Internal to the SQLite store: the connections behind one database file and
// the helpers that run a piece of SQL work on them. Only src/store/sqlite
// includes this (and SQLiteCpp).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "switchboard/error.hpp"
#include "switchboard/store.hpp"

namespace switchboard::store::sqlite {

// Turns a SQLite failure into the library's error.
[[noreturn]] void rethrow(const SQLite::Exception& e);

// A connection with its cache of prepared statements. A connection is used by
// one thread at a time (the writer under its mutex, a reader while leased), so
// its cache needs no lock of its own.
class Connection : public SQLite::Database {
public:
    using SQLite::Database::Database;
    std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements;
};

// A prepared statement taken from the connection's cache, reset when the
// handle goes out of scope, so that no statement keeps a read snapshot open
// between calls. Every use binds all of its parameters again.
class Prepared {
public:
    Prepared(SQLite::Database& db, const std::string& sql);
    ~Prepared() { st_->tryReset(); }
    Prepared(const Prepared&) = delete;
    Prepared& operator=(const Prepared&) = delete;
    SQLite::Statement* operator->() const { return st_; }
    SQLite::Statement& operator*() const { return *st_; }

private:
    SQLite::Statement* st_;
};

// One writer connection, guarded by a mutex, and a pool of reader
// connections (WAL mode lets them read while the writer writes). An
// in-memory database has the writer only; reads then take the writer's lock.
struct Pool {
    std::string path;
    DatabaseOptions options;
    bool memory = false;

    std::mutex write_mu;
    std::unique_ptr<Connection> writer;

    std::mutex pool_mu;
    std::condition_variable pool_cv;
    std::vector<std::unique_ptr<Connection>> idle_readers;
    int readers_open = 0;

    // Checkpoints run on a thread of their own (a file database): a commit
    // then only appends to the write-ahead log, and never waits for the log
    // to be copied into the database file (SQLite's automatic checkpoint
    // runs inside the commit that crosses 1,000 pages).
    std::thread checkpointer;
    std::mutex checkpoint_mu;
    std::condition_variable checkpoint_cv;
    bool stopping = false;
    void start_checkpointer();
    ~Pool();

    std::unique_ptr<Connection> connect(bool readonly) const;

    // Runs fn(SQLite::Database&) inside one IMMEDIATE transaction on the
    // writer; commits when fn returns, rolls back when it throws. fn must not
    // call the store again (the writer's lock is held).
    template <class F>
    auto write(F&& fn) -> std::invoke_result_t<F, SQLite::Database&> {
        std::lock_guard<std::mutex> lock(write_mu);
        try {
            logged_change_ = false;
            SQLite::Transaction tx(*writer, SQLite::TransactionBehavior::IMMEDIATE);
            if constexpr (std::is_void_v<std::invoke_result_t<F, SQLite::Database&>>) {
                fn(*writer);
                tx.commit();
                if (logged_change_) follow_changes_locked();
            } else {
                auto result = fn(*writer);
                tx.commit();
                if (logged_change_) follow_changes_locked();
                return result;
            }
        } catch (const SQLite::Exception& e) {
            rethrow(e);
        }
    }

    // The row changes of the tables whose records are kept in memory
    // (tickets and contacts: table record_changes, filled by triggers, so
    // that every process's changes are in it, migration 12). A watcher is
    // told of each changed row once it is committed: at once for this
    // process's writes (after the commit, before write() returns), and
    // within kFollowEvery for another process's. `lost` is called when
    // changes may have been missed (the log was pruned past what this
    // process had read, or reading it failed): the watcher then forgets
    // everything it keeps. Watchers are added before the store is used.
    struct ChangeWatcher {
        std::function<void(std::string_view table, std::int64_t row_id)> changed;
        std::function<void()> lost;
    };
    std::vector<ChangeWatcher> change_watchers;
    static constexpr std::chrono::milliseconds kFollowEvery{100};
    static constexpr std::chrono::milliseconds kPruneEvery{10'000};
    static constexpr std::chrono::milliseconds kChangesKeptFor{60'000};
    // Reads the change log past the last row seen and tells the watchers;
    // takes the writer's lock.
    void follow_changes();
    // Starts following from the end of the log (at open, after migrating),
    // and watches the writer for rows added to it: a write that changed no
    // kept table reads no log.
    void begin_following();

    // Counts this process's writes that may end a session or change what one
    // stands for (a user's role, state or password, a dev key's state): the
    // sessions store drops the session rows it keeps when it changes.
    std::atomic<std::uint64_t> sessions_epoch{0};

    // write(fn) for such a write: the count moves once the write has
    // committed (or failed), so a row read before the commit is never kept
    // as current after it.
    template <class F>
    auto write_sessions(F&& fn) -> std::invoke_result_t<F, SQLite::Database&> {
        struct Moved {
            std::atomic<std::uint64_t>& epoch;
            ~Moved() { epoch.fetch_add(1, std::memory_order_acq_rel); }
        } moved{sessions_epoch};
        return write(std::forward<F>(fn));
    }

    // Runs fn(SQLite::Database&) on a reader connection (a consistent
    // snapshot when fn opens a transaction, otherwise statement by statement).
    template <class F>
    auto read(F&& fn) -> std::invoke_result_t<F, SQLite::Database&> {
        if (memory) {
            std::lock_guard<std::mutex> lock(write_mu);
            try {
                return fn(*writer);
            } catch (const SQLite::Exception& e) {
                rethrow(e);
            }
        }
        Lease lease(*this);
        try {
            return fn(*lease.db);
        } catch (const SQLite::Exception& e) {
            rethrow(e);
        }
    }

private:
    std::int64_t changes_seen_ = -1;  // the last change-log row read (under write_mu); -1: not yet
    std::int64_t last_prune_ms_ = 0;
    bool logged_change_ = false;  // the writer's transaction added a change-log row (under write_mu)
    void follow_changes_locked(bool may_prune = false) noexcept;

    struct Lease {
        Pool& pool;
        std::unique_ptr<Connection> db;
        explicit Lease(Pool& p);
        ~Lease();
    };
};


}  // namespace switchboard::store::sqlite
