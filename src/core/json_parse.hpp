// Internal: reading records from JSON text, shared by every module's
// json.cpp (src/<module>/json.cpp) and the list query parser in
// core/json.cpp. Each refuses what it cannot take with
// Error(invalid_argument), naming the field.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::detail {

// The text as a JSON object: malformed JSON or another kind of value is refused.
boost::json::object parse_object(std::string_view text);
// Refuses the first key of `o` that is not one of `keys`, naming it.
void only_keys(const boost::json::object& o, std::initializer_list<std::string_view> keys);
// Refuses the value of `key`: "unexpected datatype: <key> must be <expected>".
[[noreturn]] void wrong_type(std::string_view key, const char* expected);

// A missing key and null read as unset; a value of another type is refused.
std::optional<std::string> opt_string(const boost::json::object& o, std::string_view key);
std::string req_string(const boost::json::object& o, std::string_view key);  // unset: ""
std::optional<std::int64_t> opt_int64(const boost::json::object& o, std::string_view key);
std::optional<int> opt_int(const boost::json::object& o, std::string_view key);
std::optional<bool> opt_bool(const boost::json::object& o, std::string_view key);

}  // namespace switchboard::detail
