// Internal to the C API: the struct behind sb_db, the per-thread error state
// and the guard that keeps every exception inside the library.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>

#include "switchboard.h"
#include "switchboard/accounts.hpp"
#include "switchboard/activity.hpp"
#include "switchboard/error.hpp"
#include "switchboard/store.hpp"

// One wrapper behind the opaque handle. Accounts and ActivityLog keep a
// reference to `database`, so an sb_db never moves once built.
struct sb_db {
    switchboard::Database database;
    switchboard::Accounts accounts;
    switchboard::ActivityLog activity;

    sb_db(switchboard::Database&& db, const switchboard::AccountsOptions& options)
        : database(std::move(db)),
          accounts(database, options),
          activity(database, options.list_limits) {}
    sb_db(const sb_db&) = delete;
    sb_db& operator=(const sb_db&) = delete;
};

namespace switchboard::capi {

// ------------------------------------------------------------ error state

// Clears this thread's error state (the start of every int-returning call).
void clear_error() noexcept;
// Records an error and returns `code`. Never throws: when the message cannot
// be stored, a static out-of-memory message takes its place.
int set_error(int code, std::string_view message, std::string_view field = {}) noexcept;
int code_of(ErrorCode code) noexcept;

// Turns the exception being handled into a code and message. Call only from
// a catch block.
int from_current_exception() noexcept;

// Runs fn() with this thread's error state cleared first; any exception
// becomes a code. Every int-returning entry point goes through here.
template <class F>
int guard(F&& fn) noexcept {
    clear_error();
    try {
        fn();
        return SB_OK;
    } catch (...) {
        return from_current_exception();
    }
}

// ------------------------------------------------------------ arguments

// Throws Error(invalid_argument) naming `field` when p is NULL.
template <class T>
T* require(T* p, const char* field) {
    if (p == nullptr) throw Error(ErrorCode::invalid_argument, std::string(field) + " is NULL", field);
    return p;
}

// A required string argument.
inline std::string_view text(const char* s, const char* field) {
    return std::string_view(require(s, field));
}

// An optional string argument: NULL reads as "".
inline std::string_view optional_text(const char* s) {
    return s == nullptr ? std::string_view() : std::string_view(s);
}

// A copy of `s` in memory from malloc, for the caller to sb_free().
inline char* to_c_string(std::string_view s) {
    char* out = static_cast<char*>(std::malloc(s.size() + 1));
    if (out == nullptr) throw std::bad_alloc();
    if (!s.empty()) std::memcpy(out, s.data(), s.size());
    out[s.size()] = '\0';
    return out;
}

// Clears an output pointer at entry so it is NULL on every failure.
template <class T>
void reset_out(T** out) noexcept {
    if (out != nullptr) *out = nullptr;
}

// Authenticates an access token and labels the principal's activity with
// the C function's name.
Principal principal(sb_db* db, const char* token, const char* endpoint);

}  // namespace switchboard::capi
