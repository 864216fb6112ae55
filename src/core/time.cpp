#include "core/time.hpp"

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

Parts split(std::int64_t ms) {
    std::int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int millis = static_cast<int>(ms - secs * 1000);
    std::time_t t = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis};
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

std::string format_iso(std::int64_t ms) {
    Parts p = split(ms);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", p.y, p.mo, p.d, p.h, p.mi, p.s, p.ms);
    return buf;
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
