// switchboard: the one error type of the library.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace switchboard {

// Every failure the library reports carries one of these codes. The C API
// maps them one to one onto negative SB_E* values (capi/switchboard.h).
enum class ErrorCode {
    invalid_argument = 1,  // the input is wrong; field() names it when known
    not_found,             // no such record (in the caller's organisation)
    already_exists,        // a unique value (username, email ...) is taken
    unauthorized,          // missing, unknown, expired or wrong kind of token
    forbidden,             // authenticated, but the role does not allow it
    credentials,           // sign-in or dev-token exchange refused
    unverified,            // the account's email address is not verified yet
    password_change_required,  // a temporary password must be changed first
    too_large,             // input over a configured limit
    schema,                // the database was written by a newer switchboard
    storage,               // the database or the file system failed
    internal,              // a bug: please report it
    busy,                  // at a configured limit for now (a full backlog): try again shortly
};

std::string_view to_string(ErrorCode code) noexcept;

class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string& message, std::string field = {})
        : std::runtime_error(message), code_(code), field_(std::move(field)) {}

    ErrorCode code() const noexcept { return code_; }
    // The input field the error concerns ("email", "password" ...), or "".
    const std::string& field() const noexcept { return field_; }

private:
    ErrorCode code_;
    std::string field_;
};

}  // namespace switchboard
