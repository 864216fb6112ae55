#include <catch2/catch.hpp>

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
