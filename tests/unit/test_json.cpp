#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <cmath>

#include "core/json_text.hpp"

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
    auto q = json::list_query_from_json(R"({"filters":{"role":"agent","active":true},"count":20,"offset":40})");
    REQUIRE(q.filters.size() == 2);
    CHECK(q.count == 20);
    CHECK(q.offset == 40);
    CHECK(json::list_query_from_json("").filters.empty());
}

TEST_CASE("ticket, call and QA input parse with their nested contact", "[json]") {
    auto t = json::ticket_fields_from_json(
        R"({"narrative":"n","priority":"high","category_main":3,"contact":{"phone":"+254711000001","first_name":"A"}})");
    CHECK(t.narrative == std::optional<std::string>("n"));
    CHECK(t.category_main == 3);
    REQUIRE(t.contact);
    CHECK(t.contact->phone == std::optional<std::string>("+254711000001"));
    try {
        json::ticket_fields_from_json(R"({"contact":{"shoe_size":"9"}})");
        FAIL("accepted an unknown contact field");
    } catch (const Error& e) {
        CHECK(e.field() == "shoe_size");
    }
    CHECK_THROWS_AS(json::ticket_fields_from_json(R"({"contact":"x"})"), Error);
    auto c = json::call_fields_from_json(R"({"direction":"inbound","wait_s":12})");
    CHECK(c.wait_s == 12);
    auto q = json::qa_fields_from_json(R"({"call_id":4,"opening":5})");
    CHECK(q.call_id == 4);
    CHECK(q.opening == 5);
    CHECK_THROWS_AS(json::qa_fields_from_json(R"({"opening":"5"})"), Error);

    PivotReport r;
    r.xaxis = {"status"};
    r.rows = {{{"open"}, 3}};
    r.total = 3;
    CHECK(json::to_json(r) == R"({"xaxis":["status"],"yaxis":[],"total":3,"rows":[{"keys":["open"],"count":3}]})");
}

TEST_CASE("JSON text writes numbers as people write them", "[json]") {
    namespace bj = boost::json;
    const bj::value v = bj::object{{"whole", 10.0}, {"half", 0.5}, {"pitch", 120.56}, {"ms", 0.001},
                                   {"count", 3}, {"nan", std::nan("")}, {"text", "a \"b\"\n"},
                                   {"list", bj::array{1.25, nullptr, true}}};
    const std::string text = switchboard::detail::json_text(v);
    CHECK(text ==
          "{\"whole\":10.0,\"half\":0.5,\"pitch\":120.56,\"ms\":0.001,\"count\":3,\"nan\":null,"
          "\"text\":\"a \\\"b\\\"\\n\",\"list\":[1.25,null,true]}");
    // It reads back to the same values, reals as reals.
    const bj::value back = bj::parse(text);
    CHECK(back.at("whole").is_double());
    CHECK(back.at("pitch").as_double() == 120.56);
    CHECK(back.at("count").is_int64());
}
