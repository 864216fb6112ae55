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
    conflict,              // the record's state does not allow it now (an agent on a call cannot log out)
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

// Text from outside (a chunk id read from a file, a file name, an option a
// person typed) made fit to quote in a message: every byte that is not
// printable ASCII is written \xNN (two lower-case hex digits), so the
// message is whole (no NUL cuts it short), printable (no control byte
// reaches a terminal) and valid UTF-8 (Python and JSON take it as it is).
// With keep_utf8, well-formed UTF-8 characters from U+00A0 up are kept as
// written ("café.wav"); C1 controls (U+0080..U+009F), broken sequences,
// overlong forms and surrogates are still escaped byte by byte. A backslash
// is kept as it is, so escaping a text twice changes nothing.
std::string printable_text(std::string_view text, bool keep_utf8 = true);

}  // namespace switchboard
