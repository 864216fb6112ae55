// switchboard: what the commands of the command-line tool share.
//
// Exit status, for every command: 0 success, 1 a failure (bad input, a
// database error; `analyze`: at least one call failed), 2 a usage error (an
// unknown command or option, a missing or malformed value).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace switchboard::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

// A command line the tool cannot run: printed with the command's name and
// a pointer to its help, exit status 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The message of an exception as a person reads it: a switchboard::Error's
// message followed by its field in parentheses when the message does not
// already name it.
std::string describe(const std::exception& e);

// `switchboard operator ...` and `switchboard db ...` (cli_db.cpp): the
// whole command line, the command words first.
int run_data_command(const std::vector<std::string>& args);

// `switchboard analyze ...` (cli_analyze.cpp): the arguments after "analyze".
int run_analyze(const std::vector<std::string>& args);

}  // namespace switchboard::cli
