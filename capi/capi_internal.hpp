// Internal to the C API: the struct behind sb_db, the per-thread error state
// and the guard that keeps every exception inside the library.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard.h"
#include "switchboard/error.hpp"
#include "switchboard/facade.hpp"
#include "switchboard/list.hpp"

// One wrapper behind the opaque handle: the facade, which owns every
// module. A handle never moves once built.
struct sb_db {
    switchboard::Switchboard core;

    sb_db(const std::string& path, switchboard::SwitchboardOptions options) : core(path, std::move(options)) {}
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

// The handle's files service; the refusal of a handle without a files
// directory names the C option.
Files& files_of(sb_db* db);

// Authenticates an access token and labels the principal's activity with
// the C function's name.
Principal principal(sb_db* db, const char* token, const char* endpoint);
// The same for a token of either kind (report readers: an admin's or
// supervisor's access token, or a dev token).
Principal any_principal(sb_db* db, const char* token, const char* endpoint);

// The shape of most calls: authenticate the access token, run
// f(db->core, who), and hand its JSON text back in *out.
template <class F>
int json_call(sb_db* db, char** out, const char* token, const char* endpoint, F&& f) {
    reset_out(out);
    return guard([&] {
        require(db, "db");
        require(out, "out");
        const Principal who = principal(db, token, endpoint);
        *out = to_c_string(f(db->core, who));
    });
}

// ------------------------------------------------------------ CSV and reports

// Thrown (through the core, which logs it as a failure) when the caller's
// sb_csv_sink returns non-zero; from_current_exception() turns it into
// SB_ESTOPPED. An Error so that the activity log records the stop.
class SinkStopped : public Error {
public:
    explicit SinkStopped(int returned)
        : Error(ErrorCode::invalid_argument,
                "the sink stopped the export (it returned " + std::to_string(returned) + ")", "sink") {}
};

// A CsvSink that hands each piece to a C sink and throws SinkStopped when it
// returns non-zero. Throws Error(invalid_argument, "sink") for a NULL sink.
CsvSink c_sink(sb_csv_sink sink, void* data);

// Runs an export into a string and returns it as a malloc'd C string.
template <class F>
char* csv_string(F&& export_fn) {
    std::string text;
    export_fn(CsvSink([&text](std::string_view piece) { text.append(piece); }));
    return to_c_string(text);
}

// Splits a comma-separated list of group fields ("status, priority"); NULL
// and "" give none, spaces around names and empty items are dropped.
std::vector<std::string> axis_list(const char* csv);

}  // namespace switchboard::capi
