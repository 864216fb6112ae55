#include "switchboard/error.hpp"
#include "switchboard/version.hpp"

namespace switchboard {

const char* version() noexcept { return SWITCHBOARD_VERSION_STRING; }

std::string_view to_string(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::invalid_argument: return "invalid_argument";
        case ErrorCode::not_found: return "not_found";
        case ErrorCode::already_exists: return "already_exists";
        case ErrorCode::unauthorized: return "unauthorized";
        case ErrorCode::forbidden: return "forbidden";
        case ErrorCode::credentials: return "credentials";
        case ErrorCode::unverified: return "unverified";
        case ErrorCode::password_change_required: return "password_change_required";
        case ErrorCode::too_large: return "too_large";
        case ErrorCode::schema: return "schema";
        case ErrorCode::storage: return "storage";
        case ErrorCode::internal: return "internal";
        case ErrorCode::busy: return "busy";
        case ErrorCode::conflict: return "conflict";
    }
    return "internal";
}

namespace {

// The length of the well-formed UTF-8 character at s[i] that is printable
// (U+00A0 and up), or 0.
std::size_t printable_utf8(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return 0;
    char32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    const char32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp < 0xA0) return 0;
    return len;
}

}  // namespace

std::string printable_text(std::string_view text, bool keep_utf8) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7F) {
            out += char(c);
            ++i;
            continue;
        }
        if (std::size_t len = keep_utf8 && c >= 0x80 ? printable_utf8(text, i) : 0) {
            out.append(text.substr(i, len));
            i += len;
            continue;
        }
        out += "\\x";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
        ++i;
    }
    return out;
}

}  // namespace switchboard
