// switchboard: time. The library keeps time as Unix milliseconds (UTC)
// everywhere, and writes it as ISO-8601 UTC text. These are the one clock,
// the one writer and the one grammar of times: the C++ API, the C API,
// Python, the list filters ("A to B") and the HTTP host all read times
// with parse_time().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard {

// Now, in Unix milliseconds.
std::int64_t now_ms();

// "2020-12-01T10:11:12.345Z" (years 0 to 9999).
std::string format_time(std::int64_t unix_ms);

// Reads one of:
//   a whole number of Unix milliseconds ("1606780800000", at most 15 digits);
//   a date, "YYYY-MM-DD": its midnight, or its last millisecond when
//     end_of_day is set (the end of a range "A to B");
//   a date and time, "YYYY-MM-DDTHH:MM[:SS[.fff]]", with 'T' or a space,
//     and an optional 'Z' (every time is UTC; a fraction is read to the
//     millisecond).
// Spaces around it are ignored. Years 0000 to 9999 (before 1970 is a
// negative number of milliseconds).
// nullopt for anything else, a month, day or hour out of range included.
std::optional<std::int64_t> parse_time(std::string_view text, bool end_of_day = false);

}  // namespace switchboard
