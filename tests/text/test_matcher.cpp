// The phrase-pool matcher: word boundaries, case, separators, regular
// expressions, refusals, and use from several threads.
#include <hs/hs.h>

#include <algorithm>
#include <set>
#include <thread>

#include "helpers.hpp"

using namespace switchboard;
using texttest::Seen;

namespace {

TextAnalyzer one_pool(std::vector<std::string> phrases, std::vector<std::string> regexes = {}) {
    return TextAnalyzer(std::vector<PhrasePool>{{"Test", std::move(phrases), std::move(regexes)}});
}

std::vector<std::string> texts_of(const TextAnalyzer& a, const std::string& s) {
    std::vector<std::string> out;
    for (const auto& x : texttest::seen(a, s)) out.push_back(x.text);
    return out;
}

}  // namespace

TEST_CASE("the default pools are the seed's eight and all compile", "[matcher]") {
    auto pools = default_phrase_pools();
    std::vector<std::string> names;
    for (const auto& p : pools) names.push_back(p.name);
    CHECK(names == std::vector<std::string>{"Critical Info", "Competitor Mention", "Legal Action Mention",
                                            "Call for Action", "Lack of Understanding", "Profanity",
                                            "Insignificant Talk", "Client Hold Request"});
    std::size_t total = 0;
    for (const auto& p : pools) {
        INFO(p.name);
        CHECK(p.phrases.size() + p.regexes.size() >= 15);
        CHECK(p.phrases.size() + p.regexes.size() <= 60);
        for (const auto& ph : p.phrases) CHECK_NOTHROW(validate_phrase(ph));
        for (const auto& re : p.regexes) CHECK_NOTHROW(validate_regex(re));
        total += p.phrases.size() + p.regexes.size();
    }
    TextAnalyzer a;
    CHECK(a.phrase_count() + a.regex_count() == total);
    CHECK(a.database_bytes() > 0);
    CHECK(&default_text_analyzer() == &default_text_analyzer());
    CHECK(default_text_analyzer().pools().size() == 8);
}

TEST_CASE("phrases match whole words, in any case", "[matcher]") {
    auto a = one_pool({"hold on", "refund"});
    CHECK(texts_of(a, "Hold on.") == std::vector<std::string>{"Hold on"});
    CHECK(texts_of(a, "HOLD ON please") == std::vector<std::string>{"HOLD ON"});
    CHECK(texts_of(a, "hOlD oN") == std::vector<std::string>{"hOlD oN"});
    CHECK(texts_of(a, "household on").empty());
    CHECK(texts_of(a, "behold on").empty());
    CHECK(texts_of(a, "hold onto it").empty());
    CHECK(texts_of(a, "refunds and refunded").empty());
    CHECK(texts_of(a, "a refund_request").empty());  // '_' is part of a word
    CHECK(texts_of(a, "(refund)") == std::vector<std::string>{"refund"});
    CHECK(texts_of(a, "refund, refund; REFUND") == std::vector<std::string>{"refund", "refund", "REFUND"});
}

TEST_CASE("phrases tolerate extra spaces and punctuation between their words", "[matcher]") {
    auto a = one_pool({"call you back"});
    CHECK(texts_of(a, "I'll call   you back") == std::vector<std::string>{"call   you back"});
    CHECK(texts_of(a, "call... you -- back!") == std::vector<std::string>{"call... you -- back"});
    CHECK(texts_of(a, "call\n\tyou\r\nback") == std::vector<std::string>{"call\n\tyou\r\nback"});
    CHECK(texts_of(a, "call \xE2\x80\x9Cyou\xE2\x80\x9D back") ==
          std::vector<std::string>{"call \xE2\x80\x9Cyou\xE2\x80\x9D back"});  // curly quotes
    CHECK(texts_of(a, "call\xC2\xA0you\xE2\x80\x94" "back") ==
          std::vector<std::string>{"call\xC2\xA0you\xE2\x80\x94" "back"});  // no-break space, em dash
    CHECK(texts_of(a, "call youback").empty());
    CHECK(texts_of(a, "call you backup").empty());
    CHECK(texts_of(a, "recall you back").empty());
    CHECK(texts_of(a, "call me back").empty());
}

TEST_CASE("punctuation inside a phrase only separates its words", "[matcher]") {
    CHECK(phrase_words("Call-back, please!") == std::vector<std::string>{"call", "back", "please"});
    CHECK(phrase_words("I'll") == std::vector<std::string>{"i", "ll"});
    auto a = one_pool({"I'll call"});
    CHECK(texts_of(a, "I'll call") == std::vector<std::string>{"I'll call"});
    CHECK(texts_of(a, "I\xE2\x80\x99ll call") == std::vector<std::string>{"I\xE2\x80\x99ll call"});
    CHECK(texts_of(a, "Ill call").empty());
    auto b = one_pool({"call-back"});
    CHECK(texts_of(b, "a call back") == std::vector<std::string>{"call back"});
}

TEST_CASE("letters beyond ASCII are part of words", "[matcher]") {
    auto a = one_pool({"ve", "café"});
    CHECK(texts_of(a, "naïve").empty());
    CHECK(texts_of(a, "the café.") == std::vector<std::string>{"café"});
    CHECK(texts_of(a, "cafés").empty());
    CHECK(texts_of(a, "I ve") == std::vector<std::string>{"ve"});
    // Byte offsets from scan.
    std::string s = "Zoë: café";
    auto m = a.scan(s);
    REQUIRE(m.size() == 1);
    CHECK(m[0].start == 6);
    CHECK(m[0].end == 11);
}

TEST_CASE("regular expressions compile as given, caseless, longest from each start", "[matcher]") {
    auto a = one_pool({}, {R"(\border\s*#?\d{6}\b)", R"(\bf+u+c+k+\w*)"});
    CHECK(texts_of(a, "ORDER #123456 and order 654321, not order 1234567") ==
          std::vector<std::string>{"ORDER #123456", "order 654321"});
    CHECK(texts_of(a, "what the fuuucking hell") == std::vector<std::string>{"fuuucking"});
    auto m = a.scan("order 123456");
    REQUIRE(m.size() == 1);
    CHECK(a.is_regex(m[0].pool, m[0].entry));
    CHECK(a.entry_text(m[0].pool, m[0].entry) == R"(\border\s*#?\d{6}\b)");
    CHECK(a.regex_count() == 2);
    CHECK(a.phrase_count() == 0);
}

TEST_CASE("every match is reported, overlapping ones too, in order", "[matcher]") {
    TextAnalyzer a({{"A", {"speak to a manager", "manager"}, {}}, {"B", {"a manager"}, {}}});
    auto got = texttest::seen(a, "Let me speak to a manager now");
    REQUIRE(got.size() == 3);
    CHECK(got[0] == Seen{"A", "speak to a manager", "speak to a manager"});
    CHECK(got[1] == Seen{"B", "a manager", "a manager"});
    CHECK(got[2] == Seen{"A", "manager", "manager"});
    CHECK(a.count("Let me speak to a manager now") == 3);
    bool cut = false;
    CHECK(a.scan("manager manager manager", 2, &cut).size() == 2);
    CHECK(cut);
    a.scan("manager", 2, &cut);
    CHECK_FALSE(cut);
}

TEST_CASE("phrases that end alike are told apart", "[matcher]") {
    // Hyperscan looks for eight bytes of each phrase's hash; "walenipex",
    // "owalenipex" and "xwalenipex" share theirs ("alenipex"), so one
    // Hyperscan hit is checked against each of them.
    TextAnalyzer a({{"Products",
                     {"walenipex", "my walenipex", "the broken walenipex", "new walenipex", "owalenipex",
                      "xwalenipex"},
                     {}},
                    {"Faults", {"broken walenipex", "walenipex router"}, {}}});
    auto got = texttest::seen(a, "My  Walenipex, the broken walenipex... owalenipex! a walenipex router");
    REQUIRE(got.size() == 8);
    CHECK(got[0] == Seen{"Products", "my walenipex", "My  Walenipex"});
    CHECK(got[1] == Seen{"Products", "walenipex", "Walenipex"});
    CHECK(got[2] == Seen{"Products", "the broken walenipex", "the broken walenipex"});
    CHECK(got[3] == Seen{"Faults", "broken walenipex", "broken walenipex"});
    CHECK(got[4] == Seen{"Products", "walenipex", "walenipex"});
    CHECK(got[5] == Seen{"Products", "owalenipex", "owalenipex"});
    CHECK(got[6] == Seen{"Products", "walenipex", "walenipex"});
    CHECK(got[7] == Seen{"Faults", "walenipex router", "walenipex router"});
    CHECK(texts_of(a, "newwalenipex walenipexx").empty());
}

TEST_CASE("long phrases are checked in full, from their first byte", "[matcher]") {
    // Literals over a cache line's worth are kept apart from the rest; the
    // check on a hit still compares every byte of them.
    const std::string hold = "please hold the line while i check the account details for you";
    const std::string longest(kMaxPhraseBytes / 2 - 1, 'x');  // one word, under the byte limit
    TextAnalyzer a({{"Hold", {hold, "check the account details", longest + " " + longest}, {}}});
    auto got = texttest::seen(a, "OK. Please hold the line, while I check the account details for you!");
    REQUIRE(got.size() == 2);
    CHECK(got[0] == Seen{"Hold", hold, "Please hold the line, while I check the account details for you"});
    CHECK(got[1] == Seen{"Hold", "check the account details", "check the account details"});
    // One letter off near the start: only the shorter phrase is left.
    CHECK(texts_of(a, "please hold the lime while i check the account details for you") ==
          std::vector<std::string>{"check the account details"});
    CHECK(texts_of(a, "x" + longest + " " + longest).empty());
    CHECK(texts_of(a, longest + "  " + longest + ".") == std::vector<std::string>{longest + "  " + longest});
}

TEST_CASE("a phrase or expression that cannot be compiled is refused with the reason", "[matcher]") {
    auto e = texttest::error_of([] { validate_regex("(unclosed"); });
    CHECK(e.code() == ErrorCode::invalid_argument);
    CHECK(e.field() == "regex");
    CHECK_THAT(e.what(), Catch::Contains("'(unclosed'") && Catch::Contains("Missing close parenthesis"));

    e = texttest::error_of([] { validate_regex(R"((a)\1)"); });
    CHECK(e.code() == ErrorCode::invalid_argument);
    CHECK_THAT(e.what(), Catch::Contains("cannot be compiled: Back-references are unsupported"));

    e = texttest::error_of([] { validate_regex("a*"); });  // matches the empty string
    CHECK(e.code() == ErrorCode::invalid_argument);
    CHECK_THAT(e.what(), Catch::Contains("empty"));

    e = texttest::error_of([] { validate_phrase(" ... -- !"); });
    CHECK(e.code() == ErrorCode::invalid_argument);
    CHECK(e.field() == "phrase");
    CHECK_THAT(e.what(), Catch::Contains("has no words"));

    e = texttest::error_of([] { validate_phrase(std::string(300, 'a')); });
    CHECK(e.code() == ErrorCode::invalid_argument);
    CHECK_THAT(e.what(), Catch::Contains("300 bytes") && Catch::Contains("256"));

    e = texttest::error_of([] { validate_phrase("bad \xff byte"); });
    CHECK(e.code() == ErrorCode::invalid_argument);
    CHECK_THAT(e.what(), Catch::Contains("not valid UTF-8"));

    CHECK_NOTHROW(validate_phrase("call you back"));
    CHECK_NOTHROW(validate_regex(R"(\bref\d+\b)"));
}

TEST_CASE("a failed compile names the pool and leaves the analyzer in use working", "[matcher]") {
    auto pools = default_phrase_pools();
    TextAnalyzer current(pools);
    const std::string text = "Hold on, I want to speak to a manager about this bullshit.";
    auto before = texttest::seen(current, text);
    REQUIRE(before.size() == 3);

    pools[5].regexes.push_back("f(u|");  // Profanity
    auto e = texttest::error_of([&] { TextAnalyzer next(pools); current = next; });
    CHECK(e.code() == ErrorCode::invalid_argument);
    CHECK(e.field() == "regex");
    CHECK_THAT(e.what(), Catch::Contains("'f(u|'") && Catch::Contains("pool 'Profanity'"));
    CHECK(texttest::seen(current, text) == before);

    pools[5].regexes.pop_back();
    pools[3].phrases.push_back("Speak to, a MANAGER");  // same words as "speak to a manager"
    e = texttest::error_of([&] { current = TextAnalyzer(pools); });
    CHECK(e.field() == "phrase");
    CHECK_THAT(e.what(), Catch::Contains("same words as 'speak to a manager'") && Catch::Contains("Call for Action"));
    CHECK(texttest::seen(current, text) == before);

    e = texttest::error_of([] { TextAnalyzer({{"A", {"x"}, {}}, {"A", {"y"}, {}}}); });
    CHECK(e.field() == "pool");
    CHECK_THAT(e.what(), Catch::Contains("two pools are named 'A'"));
    e = texttest::error_of([] { TextAnalyzer(std::vector<PhrasePool>{{"", {"x"}, {}}}); });
    CHECK(e.field() == "pool");
}

TEST_CASE("an analyzer without entries finds nothing", "[matcher]") {
    TextAnalyzer a(std::vector<PhrasePool>{});
    CHECK(a.scan("anything at all").empty());
    TextAnalyzer b(std::vector<PhrasePool>{{"Empty", {}, {}}});
    CHECK(b.count("anything") == 0);
}

TEST_CASE("scan refuses text that is not UTF-8", "[matcher]") {
    TextAnalyzer a;
    auto e = texttest::error_of([&] { a.scan("ok \xc3\x28 no"); });
    CHECK(e.code() == ErrorCode::invalid_argument);
    CHECK(e.field() == "text");
    CHECK_THAT(e.what(), Catch::Contains("offset 3"));
}

TEST_CASE("one analyzer serves several threads at once", "[matcher][threads]") {
    const TextAnalyzer shared;
    std::vector<std::string> texts;
    std::mt19937_64 rng(7);
    const std::vector<std::string> bits{"hold on", "I don't understand", "my lawyer", "you know", "bloody hell",
                                        "um", "let me check", "another provider", "the weather", "thanks",
                                        "speak to a manager", "card number", "what do you mean", "fine"};
    for (int i = 0; i < 64; ++i) {
        std::string t;
        for (int k = 0; k < 40; ++k) t += bits[rng() % bits.size()] + (rng() % 3 ? " " : ", ");
        texts.push_back(t);
    }
    std::vector<std::vector<Seen>> expected;
    for (const auto& t : texts) expected.push_back(texttest::seen(shared, t));

    // Other analyzers used in between make each thread's scratch cache evict.
    std::vector<TextAnalyzer> others;
    for (int i = 0; i < 6; ++i) others.push_back(one_pool({"thanks", "fine"}));

    std::atomic<int> wrong{0}, done{0};
    std::vector<std::thread> threads;
    for (int th = 0; th < 4; ++th)
        threads.emplace_back([&, th] {
            TextAnalyzer copy = shared;  // copies share the compiled database
            for (int it = 0; it < 150; ++it) {
                std::size_t i = (th * 31 + it * 7) % texts.size();
                const TextAnalyzer& a = it % 2 ? copy : shared;
                if (texttest::seen(a, texts[i]) != expected[i]) ++wrong;
                if (others[(th + it) % others.size()].count("thanks, fine") != 2) ++wrong;
                ++done;
            }
        });
    for (auto& t : threads) t.join();
    CHECK(done == 600);
    CHECK(wrong == 0);
}

TEST_CASE("phrases match exactly what their regular expression matches", "[matcher]") {
    // The literal-plus-check matcher against Hyperscan running each phrase's
    // phrase_expression(), on text full of the default phrases written with
    // odd case and separators, and near misses: some 240 KB, which the
    // matcher takes in several parts.
    const TextAnalyzer a;
    std::vector<std::string> exprs;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> ids;
    for (std::uint32_t p = 0; p < a.pools().size(); ++p)
        for (std::uint32_t e = 0; e < a.pools()[p].phrases.size(); ++e) {
            exprs.push_back(phrase_expression(a.pools()[p].phrases[e]));
            ids.emplace_back(p, e);
        }
    std::vector<const char*> cexprs;
    std::vector<unsigned> flags, hids;
    for (unsigned i = 0; i < exprs.size(); ++i) {
        cexprs.push_back(exprs[i].c_str());
        flags.push_back(HS_FLAG_CASELESS | HS_FLAG_SOM_LEFTMOST);
        hids.push_back(i);
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    REQUIRE(hs_compile_multi(cexprs.data(), flags.data(), hids.data(), static_cast<unsigned>(cexprs.size()),
                             HS_MODE_BLOCK, nullptr, &db, &err) == HS_SUCCESS);
    hs_scratch_t* scratch = nullptr;
    REQUIRE(hs_alloc_scratch(db, &scratch) == HS_SUCCESS);

    std::mt19937_64 rng(11);
    const std::vector<std::string> seps{" ", "  ", ", ", " - ", "... ", "\n", " (", ") ", "\xE2\x80\x94",
                                        "\xE2\x80\x99", "!"};
    const std::vector<std::string> glue{"", "x", "s", "_", "9"};  // near misses when attached
    std::string text;
    for (int i = 0; i < 12000; ++i) {
        const auto& pool = a.pools()[rng() % a.pools().size()];
        if (pool.phrases.empty()) continue;
        auto words = phrase_words(pool.phrases[rng() % pool.phrases.size()]);
        std::string piece = rng() % 5 == 0 ? glue[rng() % glue.size()] : "";
        for (std::size_t w = 0; w < words.size(); ++w) {
            if (w) piece += seps[rng() % seps.size()];
            std::string word = words[w];
            for (char& c : word)
                if (rng() % 3 == 0) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            piece += word;
        }
        if (rng() % 5 == 0) piece += glue[rng() % glue.size()];
        text += piece + seps[rng() % seps.size()] + "and ";
    }
    // A phrase across each cut between the matcher's 64 KB parts.
    std::string across_cut;
    for (const auto& pool : a.pools())
        for (const auto& phrase : pool.phrases)
            if (across_cut.empty() && phrase_words(phrase).size() >= 3) across_cut = " " + phrase + " ";
    REQUIRE(across_cut.size() > 8);
    for (std::size_t cut = 65536; cut < text.size(); cut += 65536) text.insert(cut - 4, across_cut);
    using Key = std::tuple<std::size_t, std::size_t, std::uint32_t, std::uint32_t>;
    struct Ctx {
        std::set<Key> found;
        const std::vector<std::pair<std::uint32_t, std::uint32_t>>* ids;
    } ctx{{}, &ids};
    REQUIRE(hs_scan(db, text.data(), static_cast<unsigned>(text.size()), 0, scratch,
                    [](unsigned id, unsigned long long from, unsigned long long to, unsigned, void* c) {
                        auto& x = *static_cast<Ctx*>(c);
                        x.found.insert({from, to, (*x.ids)[id].first, (*x.ids)[id].second});
                        return 0;
                    },
                    &ctx) == HS_SUCCESS);
    hs_free_scratch(scratch);
    hs_free_database(db);

    std::set<Key> ours;
    for (const auto& m : a.scan(text))
        if (!a.is_regex(m.pool, m.entry)) ours.insert({m.start, m.end, m.pool, m.entry});
    CHECK(ours.size() > 6000);
    CHECK(ours == ctx.found);
    // The text is scanned in parts of 64 KB: matches across the cuts are found.
    REQUIRE(text.size() > 3 * 65536);
    std::size_t across = 0;
    for (const auto& [start, end, pool, entry] : ours) across += start / 65536 != (end - 1) / 65536;
    CHECK(across >= 3);
}
