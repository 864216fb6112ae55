#include <catch2/catch.hpp>

#include <cstdio>
#include <ctime>
#include <random>

#include "core/time.hpp"

using switchboard::detail::format_iso;
using switchboard::detail::format_octapy;
using switchboard::detail::parse_time;

TEST_CASE("ISO-8601 times round-trip through milliseconds", "[time]") {
    CHECK(format_iso(0) == "1970-01-01T00:00:00.000Z");
    CHECK(format_iso(1606904400123) == "2020-12-02T10:20:00.123Z");
    CHECK(parse_time("2020-12-02T10:20:00.123Z") == 1606904400123);
    CHECK(parse_time("2020-12-02 10:20") == 1606904400000);
    CHECK(format_octapy(1606904400123) == "02/12/2020, 10:20:00.123");
}

TEST_CASE("date-only values cover the whole day", "[time]") {
    CHECK(parse_time("2020-12-01") == 1606780800000);
    CHECK(parse_time("2020-12-01", true) == 1606780800000 + 86400000 - 1);
    CHECK(parse_time("1606780800000") == 1606780800000);
}

TEST_CASE("bad time text is refused", "[time]") {
    CHECK_FALSE(parse_time(""));
    CHECK_FALSE(parse_time("yesterday"));
    CHECK_FALSE(parse_time("2020-13-01"));
    CHECK_FALSE(parse_time("2020-12-01T25:00"));
    CHECK_FALSE(parse_time("2020-12-01Tx"));
}

TEST_CASE("ISO formatting agrees with the C library's calendar", "[time]") {
    // Leap days, century years, the end of a year, times before 1970.
    CHECK(format_iso(951782400000) == "2000-02-29T00:00:00.000Z");
    CHECK(format_iso(4107542399999) == "2100-02-28T23:59:59.999Z");
    CHECK(format_iso(-1) == "1969-12-31T23:59:59.999Z");
    CHECK(format_iso(1703980800000 + 86400000 - 1) == "2023-12-31T23:59:59.999Z");
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<std::int64_t> any(-2208988800000, 4102444800000);  // 1900 to 2100
    for (int i = 0; i < 20000; ++i) {
        const std::int64_t ms = any(rng);
        const std::int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
        const std::time_t t = static_cast<std::time_t>(secs);
        std::tm tm{};
        gmtime_r(&t, &tm);
        char want[64];
        std::snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms - secs * 1000));
        REQUIRE(format_iso(ms) == want);
        REQUIRE(parse_time(want) == ms);
    }
}
