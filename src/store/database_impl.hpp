// Internal: the connections behind a Database and the helpers that run a
// piece of SQL work on them. Only src/store includes this (and SQLiteCpp).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "store/accounts_store.hpp"
#include "store/activity_queue.hpp"
#include "store/calls_store.hpp"
#include "store/cases_store.hpp"
#include "store/text_store.hpp"
#include "switchboard/error.hpp"
#include "switchboard/store.hpp"

namespace switchboard {

// Turns a SQLite failure into the library's error.
[[noreturn]] void rethrow_sqlite(const SQLite::Exception& e);

namespace store {

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

}  // namespace store

struct Database::Impl {
    std::string path;
    DatabaseOptions options;
    bool memory = false;

    std::mutex write_mu;
    std::unique_ptr<store::Connection> writer;

    std::mutex pool_mu;
    std::condition_variable pool_cv;
    std::vector<std::unique_ptr<store::Connection>> idle_readers;
    int readers_open = 0;

    std::unique_ptr<store::AccountsStore> accounts;
    std::unique_ptr<store::CasesStore> cases;
    std::unique_ptr<store::CallsStore> calls;
    std::unique_ptr<store::TextStore> text;
    // Declared last so that it is destroyed first, committing what is
    // queued while the writer is still open.
    std::unique_ptr<store::ActivityQueue> activity;

    std::unique_ptr<store::Connection> connect(bool readonly) const;

    // Runs fn(SQLite::Database&) inside one IMMEDIATE transaction on the
    // writer; commits when fn returns, rolls back when it throws.
    template <class F>
    auto write(F&& fn) -> std::invoke_result_t<F, SQLite::Database&> {
        std::lock_guard<std::mutex> lock(write_mu);
        try {
            SQLite::Transaction tx(*writer, SQLite::TransactionBehavior::IMMEDIATE);
            if constexpr (std::is_void_v<std::invoke_result_t<F, SQLite::Database&>>) {
                fn(*writer);
                tx.commit();
            } else {
                auto result = fn(*writer);
                tx.commit();
                return result;
            }
        } catch (const SQLite::Exception& e) {
            rethrow_sqlite(e);
        }
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
                rethrow_sqlite(e);
            }
        }
        Lease lease(*this);
        try {
            return fn(*lease.db);
        } catch (const SQLite::Exception& e) {
            rethrow_sqlite(e);
        }
    }

private:
    struct Lease {
        Impl& impl;
        std::unique_ptr<store::Connection> db;
        explicit Lease(Impl& i);
        ~Lease();
    };
};

}  // namespace switchboard
