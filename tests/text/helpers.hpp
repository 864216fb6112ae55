// Shared helpers of the text engine tests.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "switchboard/error.hpp"
#include "switchboard/text.hpp"

namespace texttest {

// The code points [start, end) of a UTF-8 string, as UTF-8.
inline std::string cp_substr(const std::string& s, std::size_t start, std::size_t end) {
    std::string out;
    std::size_t cp = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        bool lead = (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
        if (lead && i > 0) ++cp;
        if (cp >= start && cp < end) out.push_back(s[i]);
    }
    return out;
}

// The matches of a scan as (pool name, entry text, matched text).
struct Seen {
    std::string pool, entry, text;
    bool operator==(const Seen&) const = default;
};

inline std::vector<Seen> seen(const switchboard::TextAnalyzer& a, const std::string& s) {
    std::vector<Seen> out;
    for (const auto& m : a.scan(s))
        out.push_back({a.pools()[m.pool].name, a.entry_text(m.pool, m.entry), s.substr(m.start, m.end - m.start)});
    return out;
}

inline std::string show(const std::vector<Seen>& v) {
    std::string out;
    for (const auto& x : v) out += "[" + x.pool + " | " + x.entry + " | " + x.text + "] ";
    return out;
}

// A card number of `len` digits with the given prefix that passes Luhn.
inline std::string luhn_card(std::string prefix, std::size_t len, std::mt19937_64& rng) {
    while (prefix.size() < len - 1) prefix.push_back(char('0' + rng() % 10));
    for (char d = '0'; d <= '9'; ++d)
        if (switchboard::luhn_valid(prefix + d)) return prefix + d;
    return {};
}

// The error code thrown by f, or nothing.
template <class F>
switchboard::Error error_of(F&& f) {
    try {
        f();
    } catch (const switchboard::Error& e) {
        return e;
    }
    return switchboard::Error(switchboard::ErrorCode::internal, "no error was thrown");
}

}  // namespace texttest
