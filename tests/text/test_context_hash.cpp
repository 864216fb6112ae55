// The context hash the phrase matcher hands to Hyperscan: every
// implementation gives the same bytes, a literal hashes to the same bytes
// wherever a word starts, and the hash spreads a lower-case text over the
// byte values.
#include <set>

#include "helpers.hpp"
#include "text/context_hash.hpp"
#include "text/normalise.hpp"

using namespace switchboard;

namespace {

// A normal form: words of lower-case letters, digits and bytes beyond ASCII,
// single spaces, a space at each end.
std::string random_normal(std::mt19937_64& rng, std::size_t n) {
    const std::string letters = "abcdefghijklmnopqrstuvwxyz0123456789_";
    std::string s = " ";
    while (s.size() < n) {
        std::size_t len = 1 + rng() % 9;
        for (std::size_t k = 0; k < len; ++k)
            s += rng() % 20 == 0 ? static_cast<char>(0x80 + rng() % 64) : letters[rng() % letters.size()];
        s += ' ';
    }
    return s;
}

std::string hashed(std::string_view s, int path) {
    std::string out(s.size(), '\0');
    text::hash_context(s, out.data(), path);
    return out;
}

}  // namespace

TEST_CASE("the context hash: every implementation gives the same bytes", "[context_hash]") {
    std::mt19937_64 rng(5);
    for (int round = 0; round < 400; ++round) {
        std::size_t n = round < 200 ? static_cast<std::size_t>(round) : 64 + rng() % 2000;
        std::string s = random_normal(rng, n).substr(0, n);
        std::string want = hashed(s, 1);
        REQUIRE(want.size() == s.size());
        for (int path = 2; path <= 3; ++path) {
            INFO("path " << path << ", " << s.size() << " bytes");
            REQUIRE(hashed(s, path) == want);
        }
        REQUIRE(hashed(s, 0) == want);
    }
}

TEST_CASE("normalise writes the context hash of the normal form, on every path", "[context_hash]") {
    std::mt19937_64 rng(13);
    text::NormalText normal;
    for (int round = 0; round < 60; ++round) {
        // Up to 20 KB: the AVX-512 path hashes a kilobyte at a time as it goes.
        std::size_t n = round < 20 ? rng() % 200 : rng() % 20000;
        std::string s;
        while (s.size() < n) s += std::string("Hello, World! I'll call you back   tomorrow...\n").substr(rng() % 10);
        if (round % 4 == 0) s += "caf\xC3\xA9 \xE2\x80\x94 na\xC3\xAFve";
        for (int path = 0; path <= 3; ++path) {
            INFO("path " << path << ", " << s.size() << " bytes");
            REQUIRE(text::normalise(s, normal, path) == std::string_view::npos);
            REQUIRE(std::string(normal.hashed.get(), normal.size) == hashed(normal.text(), 1));
        }
    }
}

TEST_CASE("a literal hashes to the same bytes wherever a word starts", "[context_hash]") {
    std::mt19937_64 rng(8);
    for (int round = 0; round < 50; ++round) {
        std::string s = random_normal(rng, 200 + rng() % 300);
        std::string h = hashed(s, 0);
        for (std::size_t w = 1; w < s.size(); ++w) {
            if (s[w - 1] != ' ' || s[w] == ' ') continue;  // w starts a word
            for (std::size_t e = w + 1; e <= s.size() && e <= w + 40; ++e) {
                std::string lit(" ");
                lit.append(s, w, e - w);
                INFO("literal \"" << lit << "\" at " << w);
                REQUIRE(text::hashed_literal(lit) == h.substr(w, e - w));
            }
        }
    }
    // The literal's own leading space is left out: its hash depends on the
    // word before.
    REQUIRE(text::hashed_literal(" um ").size() == 3);
    REQUIRE(text::hashed_literal(" ").empty());
}

TEST_CASE("the context hash depends on the two bytes before, inside the word", "[context_hash]") {
    // Same letter, different letters before it: different bytes (for these
    // inputs; the tables are fixed).
    REQUIRE(hashed(" cat", 1)[3] != hashed(" cut", 1)[3]);
    REQUIRE(hashed(" cat", 1)[3] != hashed(" bat", 1)[3]);
    // Past the space before a word, nothing counts.
    REQUIRE(hashed(" ab cat", 1).substr(4) == hashed(" xy cat", 1).substr(4));
    REQUIRE(hashed(" a cat", 1).substr(3) == hashed(" zzzz cat", 1).substr(6));
}

TEST_CASE("the context hash spreads lower-case text over the byte values", "[context_hash]") {
    text::NormalText normal;
    std::string text;
    std::mt19937_64 rng(3);
    const std::vector<std::string> words{"please", "hold", "on", "the", "router", "is", "still", "not", "working",
                                         "i", "will", "call", "you", "back", "tomorrow", "thanks", "bill", "account"};
    while (text.size() < 64 * 1024) text += words[rng() % words.size()] + (rng() % 7 ? " " : ". ");
    REQUIRE(text::normalise(text, normal) == std::string_view::npos);
    std::string h = hashed(normal.text(), 0);
    std::set<unsigned char> plain(normal.text().begin(), normal.text().end()), spread(h.begin(), h.end());
    // 18 words use 21 distinct bytes; their hashes take many more values.
    REQUIRE(plain.size() <= 22);
    REQUIRE(spread.size() >= 60);
}
