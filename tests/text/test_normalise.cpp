// The normal form the phrase matcher scans: every implementation (scalar,
// SSSE3, AVX-512, as the CPU allows) against a plain reference, the map back
// to the original offsets, and the UTF-8 check done on the way.
#include <cstring>

#include "helpers.hpp"
#include "text/normalise.hpp"
#include "text/utf8.hpp"

using namespace switchboard;

namespace {

// The reference: decode each character, collapse separator runs, lower-case.
std::string reference(std::string_view s, std::vector<std::size_t>& origin) {
    std::string out = " ";
    origin.assign(1, std::string::npos);
    bool sep = true;
    for (std::size_t i = 0; i < s.size();) {
        char32_t cp;
        std::size_t len = text::decode_valid(s, i, cp);
        REQUIRE(len > 0);
        if (text::is_separator(cp)) {
            if (!sep) out += ' ', origin.push_back(i);
            sep = true;
        } else {
            for (std::size_t k = 0; k < len; ++k) out += text::ascii_lower(s[i + k]), origin.push_back(i + k);
            sep = false;
        }
        i += len;
    }
    if (!sep) out += ' ', origin.push_back(std::string::npos);
    return out;
}

std::string random_text(std::mt19937_64& rng, std::size_t n) {
    const std::vector<std::string> pieces{"a", "B", "z", "Q", "0", "9", "_", " ", " ", " ", "  ", ",", ".", "!",
                                          "'", "-", "\n", "\t", "\x01", "\x7f", "é", "É", "ß", "日本",
                                          "\xE2\x80\x94", "\xE2\x80\x99", "\xC2\xA0", "\xE3\x80\x81", "😀",
                                          "hello", "World", "card", "I'll"};
    std::string s;
    while (s.size() < n) s += pieces[rng() % pieces.size()];
    return s;
}

}  // namespace

TEST_CASE("the normal form: every implementation gives the reference", "[normalise]") {
    std::mt19937_64 rng(21);
    text::NormalText out[4];
    for (int round = 0; round < 300; ++round) {
        std::size_t n = round < 100 ? rng() % 70 : 64 + rng() % 1000;
        std::string s = round % 3 == 0 ? std::string(n, 'x') : random_text(rng, n);
        if (round % 3 == 0)  // mostly ASCII with a few separators: the vector paths' fast case
            for (std::size_t k = 0; k < s.size(); ++k) s[k] = "abc DEF,.  xyz"[rng() % 14];
        std::vector<std::size_t> origin;
        std::string want = reference(s, origin);
        for (int path = 1; path <= 3; ++path) {
            INFO("path " << path << ", text of " << s.size() << " bytes");
            REQUIRE(text::normalise(s, out[path], path) == std::string_view::npos);
            REQUIRE(std::string(out[path].text()) == want);
            for (std::size_t p = 1; p < want.size(); ++p)
                if (origin[p] != std::string::npos && want[p] != ' ') REQUIRE(out[path].to_original(p) == origin[p]);
        }
    }
}

TEST_CASE("the normal form of edge cases", "[normalise]") {
    text::NormalText out;
    auto norm = [&](std::string_view s) {
        text::normalise(s, out);
        return std::string(out.text());
    };
    CHECK(norm("") == " ");
    CHECK(norm("   ...  ") == " ");
    CHECK(norm("Hello,   World!") == " hello world ");
    CHECK(norm("snake_case x2") == " snake_case x2 ");
    CHECK(norm("Zoë’s café — OK") == " zoë s café ok ");
    CHECK(norm(std::string(200, 'A') + "," + std::string(100, ' ') + "b") ==
          " " + std::string(200, 'a') + " b ");
}

TEST_CASE("the normal form finds bytes that are not UTF-8, wherever they are", "[normalise]") {
    text::NormalText out;
    for (std::size_t at : {0u, 5u, 63u, 64u, 100u, 130u}) {
        for (const char* bad : {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82", "\x80"}) {
            std::string s(200, 'a');
            s.replace(at, std::strlen(bad), bad);
            bool ascii;
            std::size_t expected = text::find_invalid_utf8(s, ascii);
            for (int path = 1; path <= 3; ++path) {
                INFO("path " << path << " at " << at);
                CHECK(text::normalise(s, out, path) == expected);
            }
        }
    }
    CHECK(text::normalise("fine \xC3\xA9", out) == std::string_view::npos);
}

TEST_CASE("the normal form built part by part is the one built at once, sliding or not", "[normalise]") {
    // The matcher takes a long text in parts (cuts fall inside words, runs of
    // separators and multi-byte characters) and drops what it no longer
    // reads between them. What the buffers hold, and everything built after
    // it, is the normal form and hash built at once, at the same offsets,
    // and the index of kept bytes covers the whole text.
    std::mt19937_64 rng(22);
    text::NormalText whole, parts;
    for (int round = 0; round < 120; ++round) {
        const bool sliding = round % 2 == 1;
        std::string s = random_text(rng, 200 + rng() % (sliding ? 6000 : 3000));
        for (int path = 1; path <= 3; ++path) {
            INFO("path " << path << ", text of " << s.size() << " bytes, round " << round);
            REQUIRE(text::normalise(s, whole, path) == std::string_view::npos);
            text::Normaliser n(s, parts, path);
            std::size_t taken = 0;
            while (taken < s.size()) {
                taken = std::min(s.size(), taken + 64 * (rng() % 6));
                n.advance(taken);
                // What is there so far is final, its hash too.
                REQUIRE(parts.origin <= parts.size);
                REQUIRE(parts.size <= whole.size);
                const std::string_view held(whole.buffer.get() + parts.origin, parts.size - parts.origin);
                REQUIRE(parts.text() == held);
                REQUIRE(std::string_view(parts.hashed.get(), held.size()) ==
                        std::string_view(whole.hashed.get() + parts.origin, held.size()));
                if (sliding && parts.size - parts.origin >= 2)  // keep 2 bytes at least
                    n.slide(parts.origin + (parts.size - parts.origin - 2) * (rng() % 4) / 3);
            }
            n.advance(s.size());
            CHECK(n.invalid() == std::string_view::npos);
            REQUIRE(parts.size == whole.size);
            if (!sliding) REQUIRE(parts.origin == 0);
            const std::string_view held(whole.buffer.get() + parts.origin, whole.size - parts.origin);
            REQUIRE(parts.text() == held);
            REQUIRE(std::string_view(parts.hashed.get(), held.size()) ==
                    std::string_view(whole.hashed.get() + parts.origin, held.size()));
            // The index from the block that holds the normal form's byte
            // `origin` on, and the same offsets in the text from it.
            if (!sliding) REQUIRE(parts.first_block == 0);
            REQUIRE(parts.first_block + parts.kept.size() == whole.kept.size());
            REQUIRE(std::vector<std::uint64_t>(whole.kept.begin() + parts.first_block, whole.kept.end()) ==
                    parts.kept);
            REQUIRE(std::vector<std::uint32_t>(whole.rank.begin() + parts.first_block, whole.rank.end()) ==
                    parts.rank);
            for (std::size_t p = std::max<std::size_t>(parts.origin, 1); p + 1 < whole.size; p += 1 + rng() % 50)
                REQUIRE(parts.to_original(p) == whole.to_original(p));
        }
    }
    // A slide to before the origin keeps everything.
    text::Normaliser n("one two three", parts);
    n.advance(13);
    n.slide(5);
    n.slide(2);
    CHECK(parts.origin == 5);
    CHECK(parts.text() == "two three ");

    // Sliding as the matcher does, the buffers and the index stay one step's
    // worth however long the text is.
    std::string words;
    for (int i = 0; i < 2000; ++i) words += "word" + std::to_string(i % 10) + "  ";  // 7 bytes, 6 kept
    text::Normaliser w(words, parts);
    for (std::size_t taken = 64; taken < words.size(); taken += 64) {
        w.advance(taken);
        w.slide(parts.size - 10);
        REQUIRE(parts.text().size() == 10);
        REQUIRE(parts.kept.size() <= 2);
    }
    w.advance(words.size());
    CHECK(parts.size == 1 + 2000 * 6);
    CHECK(parts.first_block >= words.size() / 64 - 2);
    CHECK(parts.to_original(parts.size - 2) == words.size() - 3);  // the last "9"
    CHECK(parts.to_original(parts.size - 6) == words.size() - 7);  // its "w"
}

TEST_CASE("the normal form part by part stops at the first part that is not UTF-8", "[normalise]") {
    text::NormalText out;
    std::string s(1000, 'a');
    s[700] = '\xff';
    text::Normaliser n(s, out);
    n.advance(640);
    CHECK(n.invalid() == std::string_view::npos);
    n.advance(s.size());
    CHECK(n.invalid() == 700);
}
