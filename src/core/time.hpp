// Internal: the library's clock and time text, behind the public
// switchboard/time.hpp (now_ms, format_time, parse_time: the grammar is
// documented there), and the writers the CSV exports and OctaPy's activity
// format use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::detail {

std::int64_t now_ms();
// "2020-12-01T10:11:12.345Z"
std::string format_iso(std::int64_t ms);
// The same 24 characters written to `out` (no terminator), for writers that
// format millions of times (CSV exports). Years 0 to 9999.
inline constexpr std::size_t kIsoLength = 24;
void format_iso_to(char* out, std::int64_t ms);
// "DD/MM/YYYY, HH:mm:ss.MS" (OctaPy's activity format)
std::string format_octapy(std::int64_t ms);
// switchboard::parse_time (switchboard/time.hpp).
std::optional<std::int64_t> parse_time(std::string_view text, bool end_of_day = false);

}  // namespace switchboard::detail
