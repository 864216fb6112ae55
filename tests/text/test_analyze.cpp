// analyze_text as a whole: bad input, the JSON shape, offsets, options.
#include <boost/json.hpp>

#include "helpers.hpp"

using namespace switchboard;
namespace bj = boost::json;

TEST_CASE("bad text is refused with a clear error", "[analyze]") {
    const TextAnalyzer& a = default_text_analyzer();
    auto e = texttest::error_of([&] { analyze_text("", a); });
    CHECK(e.code() == ErrorCode::invalid_argument);
    CHECK(e.field() == "text");
    CHECK(std::string(e.what()) == "the text is empty");
    e = texttest::error_of([&] { analyze_text(" \n\t\xC2\xA0 ", a); });
    CHECK(std::string(e.what()) == "the text is empty");

    TextOptions small;
    small.max_bytes = 10;
    e = texttest::error_of([&] { analyze_text("eleven byte", a, small); });
    CHECK(e.code() == ErrorCode::too_large);
    CHECK(e.field() == "text");
    CHECK(std::string(e.what()) == "the text is 11 bytes long; the longest accepted is 10 bytes");
    CHECK_NOTHROW(analyze_text("ten bytes!", a, small));
    e = texttest::error_of([&] { analyze_text(std::string(TextOptions{}.max_bytes + 1, 'a'), a); });
    CHECK(e.code() == ErrorCode::too_large);

    for (const char* bad : {"\xff", "abc\xc0\xaf", "\xed\xa0\x80 surrogate", "cut \xe2\x82", "\xf4\x90\x80\x80",
                            "lone \x80 continuation"}) {
        INFO(bad);
        e = texttest::error_of([&] { analyze_text(bad, a); });
        CHECK(e.code() == ErrorCode::invalid_argument);
        CHECK(e.field() == "text");
        CHECK_THAT(e.what(), Catch::StartsWith("the text is not valid UTF-8"));
    }

    TextOptions bad_options;
    bad_options.max_findings = 0;
    e = texttest::error_of([&] { analyze_text("hello", a, bad_options); });
    CHECK(e.field() == "max_findings");
    bad_options = {};
    bad_options.speaker = "";
    e = texttest::error_of([&] { analyze_text("hello", a, bad_options); });
    CHECK(e.field() == "speaker");
}

TEST_CASE("valid_utf8 applies the same rule as analyze_text", "[analyze]") {
    CHECK(valid_utf8("plain text"));
    CHECK(valid_utf8("caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80"));  // é, an em dash, an emoji
    CHECK_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
    CHECK_FALSE(valid_utf8("\xed\xa0\x80"));     // a surrogate
    CHECK_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
    CHECK_FALSE(valid_utf8("abc\xe2\x80"));      // truncated
    for (const char* bad : {"\xc0\xaf", "\xed\xa0\x80", "abc\xe2\x80"})
        CHECK(texttest::error_of([&] { analyze_text(bad); }).code() == ErrorCode::invalid_argument);
}

TEST_CASE("the JSON carries the issue's names", "[analyze]") {
    std::string text =
        "Client: Um, I want a refund. My card is 4539 1488 0343 6467. "
        "Agent: I will send you the refund within 24 hours.";
    TextOptions o;
    o.speaker = "agent";
    auto r = analyze_text(text, o);
    auto v = bj::parse(to_json(r)).as_object();
    CHECK(v.at("redacted_text").as_string() ==
          "Client: Um, I want a refund. My card is **** **** **** 6467. "
          "Agent: I will send you the refund within 24 hours.");
    CHECK(v.at("truncated").as_bool() == false);

    auto& findings = v.at("findings").as_array();
    REQUIRE(findings.size() == 3);
    auto f0 = findings[0].as_object();
    CHECK(f0.at("pool").as_string() == "Insignificant Talk");
    CHECK(f0.at("phrase").as_string() == "um");
    CHECK(f0.at("text").as_string() == "Um");
    CHECK(f0.at("start").as_int64() == 8);
    CHECK(f0.at("end").as_int64() == 10);
    CHECK_FALSE(f0.at("regex").as_bool());
    auto f1 = findings[1].as_object();
    CHECK(f1.at("pool").as_string() == "Call for Action");
    CHECK(f1.at("phrase").as_string() == "i want a refund");
    CHECK(f1.at("text").as_string() == "I want a refund");
    auto f2 = findings[2].as_object();
    CHECK(f2.at("pool").as_string() == "Critical Info");
    CHECK(f2.at("phrase").as_string() == "<card number>");
    CHECK(f2.at("text").as_string() == "**** **** **** 6467");

    auto& promises = v.at("promises").as_array();
    REQUIRE(promises.size() == 1);
    auto p = promises[0].as_object();
    CHECK(p.at("text").as_string() == "I will send you the refund within 24 hours");
    CHECK(p.at("time_statement").as_string() == "within 24 hours");
    CHECK(p.at("due").as_object().at("days").as_int64() == 1);
    CHECK(p.at("due").as_object().at("hours").as_int64() == 24);
    CHECK(p.at("speaker").as_string() == "agent");
    CHECK(p.at("start").as_int64() == static_cast<std::int64_t>(r.redacted_text.find("I will send")));

    auto& pci = v.at("pci").as_array();
    REQUIRE(pci.size() == 1);
    CHECK(pci[0].as_object().at("kind").as_string() == "card_number");
    CHECK(pci[0].as_object().at("last4").as_string() == "6467");
    CHECK(to_json(r).find("4539") == std::string::npos);

    auto none = bj::parse(to_json(analyze_text("Nothing to see here."))).as_object();
    CHECK(none.at("findings").as_array().empty());
    CHECK(none.at("promises").as_array().empty());
    CHECK(none.at("pci").as_array().empty());
}

TEST_CASE("findings and promises count characters of the redacted text", "[analyze]") {
    std::string text = "Zoë’s café — naïve question: four five three nine one four eight eight oh three four three "
                       "six four six seven. Hold on… I don’t understand. I’ll call you back tomorrow.";
    auto r = analyze_text(text);
    REQUIRE(r.findings.size() == 3);
    for (const auto& f : r.findings) {
        INFO(f.pool << " " << f.phrase);
        CHECK(texttest::cp_substr(r.redacted_text, f.start, f.end) == f.text);
        CHECK(r.redacted_text.substr(f.byte_start, f.byte_end - f.byte_start) == f.text);
        CHECK(f.byte_start > f.start);
    }
    CHECK(r.findings[0].phrase == "<card number>");
    CHECK(r.findings[1].phrase == "hold on");
    CHECK(r.findings[2].text == "I don’t understand");
    REQUIRE(r.promises.size() == 1);
    CHECK(texttest::cp_substr(r.redacted_text, r.promises[0].start, r.promises[0].end) == "I’ll call you back tomorrow");
}

TEST_CASE("cards split, dotted or in full-width digits, and the expiry next to them", "[analyze]") {
    std::string text = "Zoë: カード ４５３９ １４８８\n０３４３ ６４６７, exp 12/27. Or 4000.0566.5566.5556? "
                       "I will call you back tomorrow.";
    auto r = analyze_text(text);
    CHECK(r.redacted_text ==
          "Zoë: カード **** ****\n**** ６４６７, exp **/**. Or ****.****.****.5556? I will call you back tomorrow.");
    REQUIRE(r.pci.size() == 3);
    CHECK(r.pci[0].kind == PciKind::card_number);
    CHECK(r.pci[0].text == "**** ****\n**** ６４６７");
    CHECK(r.pci[0].last4 == "6467");
    CHECK(r.pci[0].start == 9);        // "Zoë: カード " is 9 characters ...
    CHECK(r.pci[0].byte_start == 16);  // ... and 16 bytes
    CHECK(r.pci[0].end == 9 + 19);
    CHECK(r.pci[0].byte_end == 16 + 27);
    CHECK(r.pci[1].kind == PciKind::expiry_date);
    CHECK(r.pci[1].text == "**/**");
    CHECK(r.pci[1].masked);
    CHECK(r.pci[2].kind == PciKind::card_number);
    CHECK(r.pci[2].text == "****.****.****.5556");
    CHECK(r.pci[2].last4 == "5556");
    for (const auto& f : r.pci) {
        CHECK(texttest::cp_substr(r.redacted_text, f.start, f.end) == f.text);
        CHECK(r.redacted_text.substr(f.byte_start, f.byte_end - f.byte_start) == f.text);
    }
    // Each PCI finding is a Critical Info finding at the same place.
    std::vector<std::string> critical;
    for (const auto& f : r.findings) {
        CHECK(texttest::cp_substr(r.redacted_text, f.start, f.end) == f.text);
        if (f.pool == "Critical Info") critical.push_back(f.phrase + " " + f.text);
    }
    CHECK(critical == std::vector<std::string>{"<card number> **** ****\n**** ６４６７", "<expiry date> **/**",
                                               "<card number> ****.****.****.5556"});
    REQUIRE(r.promises.size() == 1);
    CHECK(texttest::cp_substr(r.redacted_text, r.promises[0].start, r.promises[0].end) ==
          "I will call you back tomorrow");
}

TEST_CASE("options: PCI findings pool, no PCI, no promises, at most N findings", "[analyze]") {
    std::string text = "Card 4539 1488 0343 6467. Hold on, hold on, hold on. I will call you tomorrow.";
    TextOptions o;
    o.pci_pool = "";
    auto r = analyze_text(text, o);
    for (const auto& f : r.findings) CHECK(f.pool != "Critical Info");
    CHECK(r.pci.size() == 1);

    o = {};
    o.pci = false;
    r = analyze_text(text, o);
    CHECK(r.redacted_text == text);
    CHECK(r.pci.empty());

    o = {};
    o.promises = false;
    CHECK(analyze_text(text, o).promises.empty());
    CHECK(analyze_text(text).promises.size() == 1);

    o = {};
    o.max_findings = 2;
    r = analyze_text(text, o);
    CHECK(r.truncated);
    CHECK(r.findings.size() == 3);  // two phrase findings and the card number
}

TEST_CASE("a hit inside a longer hit of the same pool is left out", "[analyze]") {
    auto r = analyze_text("You son of a bitch.");
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].phrase == "son of a bitch");
    TextAnalyzer two({{"A", {"manager"}, {}}, {"B", {"a manager"}, {}}});
    CHECK(analyze_text("get me a manager", two).findings.size() == 2);  // different pools both stay
}
