#include "core/time.hpp"

#include "switchboard/time.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace switchboard::detail {

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

namespace {

struct Parts {
    int y, mo, d, h, mi, s, ms;
};

// The civil date of a day count from 1970-01-01 (proleptic Gregorian), after
// H. Hinnant's "chrono-compatible low-level date algorithms".
void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
}

Parts split(std::int64_t ms) {
    const std::int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    const std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    const int in_day = static_cast<int>(secs - days * 86400);
    Parts p{};
    civil_from_days(days, p.y, p.mo, p.d);
    p.h = in_day / 3600;
    p.mi = in_day / 60 % 60;
    p.s = in_day % 60;
    p.ms = static_cast<int>(ms - secs * 1000);
    return p;
}

void put2(char* out, int v) {
    out[0] = static_cast<char>('0' + v / 10);
    out[1] = static_cast<char>('0' + v % 10);
}

// Days from 1970-01-01 to y-m-d (proleptic Gregorian), after H. Hinnant.
std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

}  // namespace

void format_iso_to(char* out, std::int64_t ms) {
    const Parts p = split(ms);
    const int y = p.y < 0 ? 0 : p.y > 9999 ? 9999 : p.y;
    put2(out, y / 100);
    put2(out + 2, y % 100);
    out[4] = '-';
    put2(out + 5, p.mo);
    out[7] = '-';
    put2(out + 8, p.d);
    out[10] = 'T';
    put2(out + 11, p.h);
    out[13] = ':';
    put2(out + 14, p.mi);
    out[16] = ':';
    put2(out + 17, p.s);
    out[19] = '.';
    out[20] = static_cast<char>('0' + p.ms / 100);
    put2(out + 21, p.ms % 100);
    out[23] = 'Z';
}

std::string format_iso(std::int64_t ms) {
    std::string s(kIsoLength, ' ');
    format_iso_to(s.data(), ms);
    return s;
}

std::string format_octapy(std::int64_t ms) {
    Parts p = split(ms);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%02d/%02d/%04d, %02d:%02d:%02d.%03d", p.d, p.mo, p.y, p.h, p.mi, p.s, p.ms);
    return buf;
}

std::optional<std::int64_t> parse_time(std::string_view s, bool end_of_day) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    if (s.empty()) return std::nullopt;
    bool all_digits = s.size() <= 15;
    for (char c : s) all_digits = all_digits && c >= '0' && c <= '9';
    if (all_digits) return std::stoll(std::string(s));

    int y, mo, d;
    if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
        !digits(s, 8, 2, d))
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
    std::int64_t day_ms = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400000LL;
    if (s.size() == 10) return end_of_day ? day_ms + 86400000LL - 1 : day_ms;

    if (s[10] != 'T' && s[10] != ' ') return std::nullopt;
    int h, mi, sec = 0, millis = 0;
    if (!digits(s, 11, 2, h) || s.size() < 16 || s[13] != ':' || !digits(s, 14, 2, mi)) return std::nullopt;
    std::size_t pos = 16;
    if (pos < s.size() && s[pos] == ':') {
        if (!digits(s, pos + 1, 2, sec)) return std::nullopt;
        pos += 3;
        if (pos < s.size() && s[pos] == '.') {
            std::size_t start = ++pos;
            int frac = 0, n = 0;
            while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
                if (n < 3) { frac = frac * 10 + (s[pos] - '0'); ++n; }
                ++pos;
            }
            if (pos == start) return std::nullopt;
            while (n < 3) { frac *= 10; ++n; }
            millis = frac;
        }
    }
    if (pos < s.size() && s[pos] == 'Z') ++pos;
    if (pos != s.size()) return std::nullopt;
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
    return day_ms + ((h * 60LL + mi) * 60 + sec) * 1000 + millis;
}

}  // namespace switchboard::detail

namespace switchboard {

std::int64_t now_ms() { return detail::now_ms(); }
std::string format_time(std::int64_t unix_ms) { return detail::format_iso(unix_ms); }
std::optional<std::int64_t> parse_time(std::string_view text, bool end_of_day) {
    return detail::parse_time(text, end_of_day);
}

}  // namespace switchboard
