// The JSON that no module owns: list queries, pivot reports, and the helpers
// with which every module reads its input (core/json_parse.hpp). Each
// module's records are written and read in src/<module>/json.cpp.
#include <boost/json.hpp>

#include <limits>

#include "core/json_parse.hpp"
#include "core/json_text.hpp"
#include "switchboard/error.hpp"
#include "switchboard/list_json.hpp"

namespace switchboard {

namespace bj = boost::json;

namespace detail {

bj::object parse_object(std::string_view text) {
    boost::system::error_code ec;
    bj::value v = bj::parse(text, ec);
    if (ec) throw Error(ErrorCode::invalid_argument, "malformed JSON: " + ec.message());
    if (!v.is_object()) throw Error(ErrorCode::invalid_argument, "expected a JSON object");
    return std::move(v.as_object());
}

void only_keys(const bj::object& o, std::initializer_list<std::string_view> keys) {
    for (const auto& kv : o) {
        bool known = false;
        for (auto k : keys) known = known || kv.key() == k;
        if (!known)
            throw Error(ErrorCode::invalid_argument, "unknown field \"" + std::string(kv.key()) + "\"",
                        std::string(kv.key()));
    }
}

[[noreturn]] void wrong_type(std::string_view key, const char* expected) {
    throw Error(ErrorCode::invalid_argument, "unexpected datatype: " + std::string(key) + " must be " + expected,
                std::string(key));
}

std::optional<std::string> opt_string(const bj::object& o, std::string_view key) {
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null()) return std::nullopt;
    if (!it->value().is_string()) wrong_type(key, "a string");
    return std::string(it->value().as_string());
}

std::string req_string(const bj::object& o, std::string_view key) {
    auto v = opt_string(o, key);
    return v.value_or("");
}

std::optional<std::int64_t> opt_int64(const bj::object& o, std::string_view key) {
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null()) return std::nullopt;
    const bj::value& v = it->value();
    if (v.is_int64()) return v.as_int64();
    if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return static_cast<std::int64_t>(v.as_uint64());
    wrong_type(key, "a whole number");
}

std::optional<int> opt_int(const bj::object& o, std::string_view key) {
    auto v = opt_int64(o, key);
    if (!v) return std::nullopt;
    if (*v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max())
        wrong_type(key, "a whole number of 32 bits");
    return static_cast<int>(*v);
}

std::optional<bool> opt_bool(const bj::object& o, std::string_view key) {
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null()) return std::nullopt;
    if (!it->value().is_bool()) wrong_type(key, "true or false");
    return it->value().as_bool();
}

}  // namespace detail

namespace json {

using detail::only_keys;
using detail::opt_int;
using detail::opt_int64;
using detail::opt_string;
using detail::parse_object;
using detail::wrong_type;

std::string to_json(const PivotReport& r) {
    bj::array x, y, rows;
    for (const auto& k : r.xaxis) x.push_back(bj::value(k));
    for (const auto& k : r.yaxis) y.push_back(bj::value(k));
    for (const auto& row : r.rows) {
        bj::array keys;
        for (const auto& k : row.keys) keys.push_back(bj::value(k));
        bj::object o{{"keys", std::move(keys)}, {"count", row.count}};
        if (!r.sum_of.empty()) o[r.sum_of] = row.sum;
        rows.push_back(std::move(o));
    }
    bj::object o{{"xaxis", std::move(x)}, {"yaxis", std::move(y)}, {"total", r.total}, {"rows", std::move(rows)}};
    if (!r.sum_of.empty()) o["total_" + r.sum_of] = r.sum_total;
    return detail::json_text(o);
}

ListQuery list_query_from_json(std::string_view text) {
    ListQuery q;
    bool blank = true;
    for (char c : text) blank = blank && (c == ' ' || c == '\n' || c == '\t' || c == '\r');
    if (blank) return q;
    auto o = parse_object(text);
    only_keys(o, {"filters", "count", "offset", "search"});
    if (auto it = o.find("filters"); it != o.end() && !it->value().is_null()) {
        if (!it->value().is_object()) wrong_type("filters", "an object of field: value");
        for (const auto& kv : it->value().as_object()) {
            const bj::value& v = kv.value();
            std::string value;
            if (v.is_string()) value = std::string(v.as_string());
            else if (v.is_int64()) value = std::to_string(v.as_int64());
            else if (v.is_uint64()) value = std::to_string(v.as_uint64());
            else if (v.is_bool()) value.push_back(v.as_bool() ? '1' : '0');
            else wrong_type(kv.key(), "a string, a number or a boolean");
            q.filters.emplace_back(std::string(kv.key()), value);
        }
    }
    q.count = opt_int(o, "count");
    q.offset = opt_int64(o, "offset").value_or(0);
    q.search = opt_string(o, "search").value_or("");
    return q;
}

}  // namespace json

}  // namespace switchboard
