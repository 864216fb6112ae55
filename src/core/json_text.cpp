#include "core/json_text.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <cmath>

namespace switchboard::detail {

namespace {

namespace bj = boost::json;

template <class N>
void number(std::string& out, N n) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, r.ptr);
}

void write(std::string& out, const bj::value& v) {
    switch (v.kind()) {
        case bj::kind::null: out += "null"; break;
        case bj::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
        case bj::kind::int64: number(out, v.get_int64()); break;
        case bj::kind::uint64: number(out, v.get_uint64()); break;
        case bj::kind::double_: {
            if (!std::isfinite(v.get_double())) {
                out += "null";
                break;
            }
            const std::size_t at = out.size();
            number(out, v.get_double());
            // A whole number keeps a ".0", so that it reads back as a real
            // number (Python float, Boost.JSON double), not an integer.
            if (out.find_first_of(".e", at) == std::string::npos) out += ".0";
            break;
        }
        case bj::kind::string: out += bj::serialize(v.get_string()); break;
        case bj::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& e : v.get_array()) {
                if (!first) out += ',';
                first = false;
                write(out, e);
            }
            out += ']';
            break;
        }
        case bj::kind::object: {
            out += '{';
            bool first = true;
            for (const auto& kv : v.get_object()) {
                if (!first) out += ',';
                first = false;
                out += bj::serialize(bj::string_view(kv.key()));
                out += ':';
                write(out, kv.value());
            }
            out += '}';
            break;
        }
    }
}

}  // namespace

std::string json_text(const boost::json::value& v) {
    std::string out;
    write(out, v);
    return out;
}

}  // namespace switchboard::detail
