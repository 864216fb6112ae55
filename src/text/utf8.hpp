// UTF-8 helpers of the text engine: validation, code point offsets and the
// two character classes every matcher shares (word characters and the
// separators tolerated between the words of a phrase).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace switchboard::text {

// The byte offset of the first invalid UTF-8 sequence (overlong forms,
// surrogates and code points above U+10FFFF are invalid), or npos when the
// text is valid. Sets all_ascii when every byte is below 0x80.
std::size_t find_invalid_utf8(std::string_view s, bool& all_ascii) noexcept;

// The length of the valid UTF-8 character at s[i] and its code point, or 0
// when the bytes there are not one (overlong, surrogate, above U+10FFFF,
// truncated, a stray continuation byte).
std::size_t decode_valid(std::string_view s, std::size_t i, char32_t& cp) noexcept;

// Decodes the code point at s[i] (the text is valid UTF-8) and its length.
char32_t decode_at(std::string_view s, std::size_t i, std::size_t& len) noexcept;
// The start of the code point that ends just before byte i (i > 0).
std::size_t prev_start(std::string_view s, std::size_t i) noexcept;

// A separator is white space, ASCII punctuation other than '_', and the
// Unicode punctuation and spaces most text carries: U+0080-U+00BF, U+00D7,
// U+00F7, U+2000-U+206F (general punctuation: dashes, curly quotes, the
// ellipsis, thin and non-breaking spaces), U+3000-U+303F and U+FEFF.
// ASCII is decided inline (the text engine asks for every character).
constexpr bool is_ascii_separator(char32_t c) noexcept {
    if (c <= 0x20 || c == 0x7F) return true;
    if (c == '_') return false;
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
           (c >= 0x7B && c <= 0x7E);
}
bool is_non_ascii_separator(char32_t c) noexcept;
inline bool is_separator(char32_t c) noexcept {
    return c < 0x80 ? is_ascii_separator(c) : is_non_ascii_separator(c);
}
// Everything else that is not a control character is part of a word:
// letters, digits, '_' and the other non-ASCII characters.
inline bool is_word(char32_t c) noexcept { return c >= 0x20 && !is_separator(c); }

// The separator (or word) run starting at byte i / ending at byte i.
std::size_t skip_separators(std::string_view s, std::size_t i) noexcept;
std::size_t skip_separators_back(std::string_view s, std::size_t i) noexcept;
// Whether a word character ends just before byte i / starts at byte i.
bool word_before(std::string_view s, std::size_t i) noexcept;
bool word_at(std::string_view s, std::size_t i) noexcept;

inline char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? char(c + 32) : c; }
inline bool ascii_alpha(char c) noexcept { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
inline bool ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }
// Equal bytes, ASCII letters compared without case.
bool equal_caseless(std::string_view a, std::string_view b) noexcept;

// Converts byte offsets into code point offsets. Offsets are looked up in
// any order; each lookup costs the distance from the previous one.
class CodePointIndex {
public:
    CodePointIndex(std::string_view s, bool all_ascii) : s_(s), ascii_(all_ascii) {}
    std::size_t operator()(std::size_t byte) noexcept;

private:
    std::string_view s_;
    bool ascii_;
    std::size_t byte_ = 0, cp_ = 0;
};

}  // namespace switchboard::text
