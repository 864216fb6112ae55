#include "text/phrase.hpp"

#include <hs/hs.h>

#include <cstdio>

#include "switchboard/error.hpp"
#include "switchboard/text.hpp"
#include "text/utf8.hpp"

namespace switchboard {

namespace text {

std::vector<std::string_view> split_words(std::string_view phrase) {
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < phrase.size()) {
        i = skip_separators(phrase, i);
        std::size_t j = i;
        while (j < phrase.size()) {
            std::size_t len;
            if (!is_word(decode_at(phrase, j, len))) break;
            j += len;
        }
        if (j > i) words.push_back(phrase.substr(i, j - i));
        // A control character is neither: step over it.
        i = j == i ? i + 1 : j;
    }
    return words;
}

std::string quote(std::string_view s) {
    constexpr std::size_t kShown = 80;
    std::size_t cut = s.size();
    if (cut > kShown) {
        cut = kShown;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    }
    std::string out;
    out.reserve(cut + 5);
    out.push_back('\'');
    out.append(s.data(), cut);
    if (cut < s.size()) out.append("...");
    out.push_back('\'');
    return out;
}

namespace {

void check_text(std::string_view s, std::string_view what, std::string_view where, const char* field) {
    bool ascii;
    std::size_t bad = find_invalid_utf8(s, ascii);
    if (bad != std::string_view::npos)
        throw Error(ErrorCode::invalid_argument,
                    std::string("a ") + std::string(what) + std::string(where) + " is not valid UTF-8 (byte " +
                        std::to_string(bad) + ")",
                    field);
    if (s.size() > kMaxPhraseBytes)
        throw Error(ErrorCode::invalid_argument,
                    "the " + std::string(what) + " " + quote(s) + std::string(where) + " is " +
                        std::to_string(s.size()) + " bytes long; the longest accepted is " +
                        std::to_string(kMaxPhraseBytes),
                    field);
}

}  // namespace

void check_phrase(std::string_view phrase, std::string_view where) {
    check_text(phrase, "phrase", where, "phrase");
    if (split_words(phrase).empty())
        throw Error(ErrorCode::invalid_argument,
                    "the phrase " + quote(phrase) + std::string(where) +
                        " has no words (only spaces and punctuation)",
                    "phrase");
}

unsigned regex_flags() { return HS_FLAG_CASELESS | HS_FLAG_SOM_LEFTMOST | HS_FLAG_UTF8; }

void check_regex(std::string_view regex, std::string_view where) {
    check_text(regex, "regular expression", where, "regex");
    if (regex.empty())
        throw Error(ErrorCode::invalid_argument, "a regular expression" + std::string(where) + " is empty", "regex");
    if (regex.find('\0') != std::string_view::npos)
        throw Error(ErrorCode::invalid_argument,
                    "the regular expression " + quote(regex) + std::string(where) + " contains a NUL character",
                    "regex");
    std::string expr(regex);
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    if (hs_compile(expr.c_str(), regex_flags(), HS_MODE_BLOCK, nullptr, &db, &err) != HS_SUCCESS) {
        std::string reason = err && err->message ? err->message : "unknown reason";
        hs_free_compile_error(err);
        throw Error(ErrorCode::invalid_argument,
                    "the regular expression " + quote(regex) + std::string(where) + " cannot be compiled: " + reason,
                    "regex");
    }
    hs_free_database(db);
}

CompiledPhrase compile_phrase(std::string_view phrase, std::uint32_t pool, std::uint32_t entry) {
    CompiledPhrase p;
    p.pool = pool;
    p.entry = entry;
    for (auto w : split_words(phrase)) {
        std::string lw(w);
        for (char& c : lw) c = ascii_lower(c);
        p.words.push_back(std::move(lw));
    }
    return p;
}

}  // namespace text

void validate_phrase(std::string_view phrase) { text::check_phrase(phrase, ""); }

void validate_regex(std::string_view regex) { text::check_regex(regex, ""); }

std::vector<std::string> phrase_words(std::string_view phrase) {
    std::vector<std::string> out;
    for (auto w : text::split_words(phrase)) {
        std::string lw(w);
        for (char& c : lw) c = text::ascii_lower(c);
        out.push_back(std::move(lw));
    }
    return out;
}

std::string phrase_expression(std::string_view phrase) {
    static const char* const kSeparator =
        "(?:[\\x00-\\x20!-/:-@\\[-^`{-~\\x7f]|\\xc2[\\x80-\\xbf]|\\xc3[\\x97\\xb7]|\\xe2\\x80[\\x80-\\xbf]|"
        "\\xe2\\x81[\\x80-\\xaf]|\\xe3\\x80[\\x80-\\xbf]|\\xef\\xbb\\xbf)+";
    std::string out = "\\b";
    bool first = true;
    for (const auto& w : phrase_words(phrase)) {
        if (!first) out += kSeparator;
        first = false;
        for (char c : w) {
            auto u = static_cast<unsigned char>(c);
            if (text::ascii_alpha(c) || text::ascii_digit(c) || c == '_') {
                out += c;
            } else {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%02x", u);
                out += buf;
            }
        }
    }
    return out + "\\b";
}

}  // namespace switchboard
