#include "text/utf8.hpp"

#include <cstring>

#include "switchboard/text.hpp"

namespace switchboard::text {

std::size_t find_invalid_utf8(std::string_view s, bool& all_ascii) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    all_ascii = true;
    while (i < n) {
        // ASCII fast path: 32 bytes at a time, then eight.
        while (i + 32 <= n) {
            std::uint64_t w[4];
            std::memcpy(w, p + i, 32);
            if ((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ULL) break;
            i += 32;
        }
        while (i + 8 <= n) {
            std::uint64_t w;
            std::memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ULL) break;
            i += 8;
        }
        if (i >= n) break;
        unsigned c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        all_ascii = false;
        char32_t cp;
        std::size_t len = decode_valid(s, i, cp);
        if (len == 0) return i;
        i += len;
    }
    return std::string_view::npos;
}

std::size_t decode_valid(std::string_view s, std::size_t i, char32_t& cp) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    unsigned c = p[i];
    if (c < 0x80) {
        cp = c;
        return 1;
    }
    std::size_t len;
    char32_t min;
    if (c >= 0xC2 && c <= 0xDF) len = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, min = 0x10000;
    else return 0;
    if (i + len > s.size()) return 0;
    cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (std::size_t k = 1; k < len; ++k) {
        unsigned b = p[i + k];
        if ((b & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

char32_t decode_at(std::string_view s, std::size_t i, std::size_t& len) noexcept {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
        len = 1;
        return c;
    }
    len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (i + len > s.size()) {
        len = 1;
        return 0xFFFD;
    }
    char32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    return cp;
}

std::size_t prev_start(std::string_view s, std::size_t i) noexcept {
    std::size_t j = i - 1;
    while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80 && i - j < 4) --j;
    return j;
}

bool is_non_ascii_separator(char32_t c) noexcept {
    return c <= 0xBF || c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) ||
           c == 0xFEFF;
}

std::size_t skip_separators(std::string_view s, std::size_t i) noexcept {
    while (i < s.size()) {
        std::size_t len;
        if (!is_separator(decode_at(s, i, len))) break;
        i += len;
    }
    return i;
}

std::size_t skip_separators_back(std::string_view s, std::size_t i) noexcept {
    while (i > 0) {
        std::size_t j = prev_start(s, i), len;
        if (!is_separator(decode_at(s, j, len))) break;
        i = j;
    }
    return i;
}

bool word_before(std::string_view s, std::size_t i) noexcept {
    if (i == 0) return false;
    auto c = static_cast<unsigned char>(s[i - 1]);
    if (c < 0x80) return is_word(c);
    std::size_t len;
    return is_word(decode_at(s, prev_start(s, i), len));
}

bool word_at(std::string_view s, std::size_t i) noexcept {
    if (i >= s.size()) return false;
    std::size_t len;
    return is_word(decode_at(s, i, len));
}

bool equal_caseless(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

std::size_t CodePointIndex::operator()(std::size_t byte) noexcept {
    if (ascii_) return byte;
    if (byte < byte_) byte_ = 0, cp_ = 0;
    for (; byte_ < byte && byte_ < s_.size(); ++byte_)
        if ((static_cast<unsigned char>(s_[byte_]) & 0xC0) != 0x80) ++cp_;
    return cp_;
}

}  // namespace switchboard::text

namespace switchboard {

bool valid_utf8(std::string_view text) noexcept {
    bool ascii;
    return text::find_invalid_utf8(text, ascii) == std::string_view::npos;
}

}  // namespace switchboard
