#include <catch2/catch.hpp>

#include "switchboard/switchboard.hpp"

using namespace switchboard;

TEST_CASE("records serialise with their field names", "[json]") {
    User u;
    u.id = 7;
    u.username = "amina";
    u.role = Role::supervisor;
    const std::string text = json::to_json(u);
    CHECK(text.find("\"id\":7") != std::string::npos);
    CHECK(text.find("\"username\":\"amina\"") != std::string::npos);
    CHECK(text.find("\"role\":\"supervisor\"") != std::string::npos);
}

TEST_CASE("user fields parse, unset fields stay unset", "[json]") {
    auto f = json::user_fields_from_json(R"({"username":"bo","role":"agent","active":false})");
    CHECK(f.username == std::optional<std::string>("bo"));
    CHECK(f.role == Role::agent);
    CHECK(f.active == false);
    CHECK_FALSE(f.email.has_value());
}

TEST_CASE("bad JSON input names what was wrong", "[json]") {
    try {
        json::user_fields_from_json(R"({"username": 5})");
        FAIL("accepted a number as username");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::invalid_argument);
        CHECK(e.field() == "username");
    }
    try {
        json::user_fields_from_json(R"({"nickname": "x"})");
        FAIL("accepted an unknown key");
    } catch (const Error& e) {
        CHECK(e.field() == "nickname");
        CHECK(std::string(e.what()).find("unknown field") != std::string::npos);
    }
    CHECK_THROWS_AS(json::settings_patch_from_json("{\"silence_len_ms\": \"500\"}"), Error);
    CHECK_THROWS_AS(json::sign_up_from_json("{not json"), Error);
    CHECK_THROWS_AS(json::list_query_from_json("[1,2]"), Error);
}

TEST_CASE("list queries parse filters, count and offset", "[json]") {
    auto q = json::list_query_from_json(R"({"filters":{"role":"agent","enabled":true},"count":20,"offset":40})");
    REQUIRE(q.filters.size() == 2);
    CHECK(q.count == 20);
    CHECK(q.offset == 40);
    CHECK(json::list_query_from_json("").filters.empty());
}
