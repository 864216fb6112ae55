// Mail as MIME text (mail.hpp): headers with RFC 2047 encoded words, quoted-
// printable bodies, base64 attachments named by RFC 2231.
#include <sodium.h>

#include <cctype>
#include <cstdio>
#include <ctime>

#include "core/crypto.hpp"
#include "switchboard/error.hpp"
#include "switchboard/mail.hpp"

namespace switchboard {

namespace {

constexpr const char* kCrlf = "\r\n";

[[noreturn]] void refuse(const std::string& message, const char* field) {
    throw Error(ErrorCode::invalid_argument, message, field);
}

bool is_ascii_printable(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c > 0x7e) return false;
    return true;
}

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

std::string base64(std::string_view bytes) {
    std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);  // the terminating NUL
    return out;
}

// base64 in lines of 76 characters.
std::string base64_lines(std::string_view bytes) {
    const std::string b = base64(bytes);
    std::string out;
    for (std::size_t i = 0; i < b.size(); i += 76) out.append(b, i, 76).append(kCrlf);
    return out;
}

// A header's text: as it is when it is printable ASCII, else RFC 2047
// encoded words (UTF-8, base64) of at most 64 characters each, never
// splitting a UTF-8 character.
std::string header_text(std::string_view s) {
    if (is_ascii_printable(s)) return std::string(s);
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t n = std::min<std::size_t>(39, s.size() - i);  // 39 bytes -> 52 base64 characters
        while (i + n < s.size() && n > 0 && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) --n;
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + base64(s.substr(i, n)) + "?=";
        i += n;
    }
    return out;
}

// "Name <address>": the name encoded when it is not plain ASCII.
std::string mailbox(std::string_view text) {
    const auto lt = text.rfind('<');
    if (lt == std::string_view::npos) return std::string(text);
    std::string_view name = text.substr(0, lt);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name.empty()) return std::string(text.substr(lt));
    std::string shown;
    if (is_ascii_printable(name)) {
        shown = "\"";
        for (char c : name) {
            if (c == '"' || c == '\\') shown += '\\';
            shown += c;
        }
        shown += "\"";
    } else {
        shown = header_text(name);
    }
    return shown + " " + std::string(text.substr(lt));
}

// Quoted-printable (RFC 2045 6.7): lines of at most 76 characters, CRLF line
// ends for the text's own line breaks.
std::string quoted_printable(std::string_view text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    std::size_t line = 0;
    auto put = [&](const std::string& piece) {
        if (line + piece.size() > 75) {
            out += "=\r\n";
            line = 0;
        }
        out += piece;
        line += piece.size();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
            if (c == '\r') ++i;
            // A space or tab before a line end is encoded, or it would be lost.
            if (!out.empty() && (out.back() == ' ' || out.back() == '\t')) {
                const char last = out.back();
                out.pop_back();
                --line;
                put(std::string("=") + hex[last >> 4] + hex[last & 15]);
            }
            out += kCrlf;
            line = 0;
        } else if ((c >= 33 && c <= 126 && c != '=') || c == ' ' || c == '\t') {
            put(std::string(1, static_cast<char>(c)));
        } else {
            put(std::string("=") + hex[c >> 4] + hex[c & 15]);
        }
    }
    if (!out.empty() && (out.back() == ' ' || out.back() == '\t')) {
        const char last = out.back();
        out.pop_back();
        out += std::string("=") + hex[last >> 4] + hex[last & 15];
    }
    return out + kCrlf;
}

std::string boundary() { return "=_sb_" + detail::random_token(); }

// RFC 5322's date, in English whatever the process's locale.
std::string date_header(std::int64_t ms) {
    static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
                  months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::string text_part(const std::string& type, const std::string& body) {
    return "Content-Type: " + type + "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
           quoted_printable(body);
}

// RFC 2231 filename*=UTF-8''... for a name that is not plain ASCII.
std::string file_name_params(const std::string& name) {
    if (is_ascii_printable(name) && name.find_first_of("\"\\") == std::string::npos) return "filename=\"" + name + "\"";
    static const char* hex = "0123456789ABCDEF";
    std::string out = "filename*=UTF-8''";
    for (unsigned char c : name) {
        if (std::isalnum(c) || c == '.' || c == '-' || c == '_') out += static_cast<char>(c);
        else out += std::string("%") + hex[c >> 4] + hex[c & 15];
    }
    return out;
}

}  // namespace

std::string mail_address(std::string_view text, const char* field) {
    std::string_view a = text;
    if (const auto lt = a.rfind('<'); lt != std::string_view::npos) {
        const auto gt = a.find('>', lt);
        if (gt == std::string_view::npos || gt + 1 != a.size()) refuse(std::string(field) + " isn't a valid address", field);
        a = a.substr(lt + 1, gt - lt - 1);
    }
    const auto at = a.rfind('@');
    const bool ok = !a.empty() && a.size() <= 254 && is_ascii_printable(a) && a.find_first_of(" <>(),;:\"[]\\") == std::string_view::npos &&
                    at != std::string_view::npos && at > 0 && at + 1 < a.size() && a.find('.', at) != std::string_view::npos &&
                    a.back() != '.';
    if (!ok) refuse(std::string(field) + " isn't a valid address", field);
    return std::string(a);
}

void check_mail(const MailMessage& m) {
    if (has_line_break(m.from)) refuse("from has a line break", "from");
    mail_address(m.from, "from");
    if (m.to.empty() && m.cc.empty()) refuse("a mail needs a recipient", "to");
    for (const auto& a : m.to) {
        if (has_line_break(a)) refuse("to has a line break", "to");
        mail_address(a, "to");
    }
    for (const auto& a : m.cc) {
        if (has_line_break(a)) refuse("cc has a line break", "cc");
        mail_address(a, "cc");
    }
    if (has_line_break(m.subject)) refuse("subject has a line break", "subject");
    for (const auto* id : {&m.message_id, &m.in_reply_to})
        if (!id->empty() && (!is_ascii_printable(*id) || id->front() != '<' || id->back() != '>'))
            refuse("a message id is <text@domain>", id == &m.message_id ? "message_id" : "in_reply_to");
    for (const auto& f : m.attachments) {
        if (f.name.empty() || has_line_break(f.name)) refuse("an attachment needs a name on one line", "attachments");
        if (has_line_break(f.content_type) || !is_ascii_printable(f.content_type))
            refuse("an attachment's content type is one printable line", "attachments");
    }
}

std::string make_message_id(std::string_view domain) {
    return "<" + detail::random_token() + "@" + std::string(domain.empty() ? "switchboard.invalid" : domain) + ">";
}

std::string to_mime(const MailMessage& m, std::int64_t date_ms) {
    check_mail(m);
    const std::string from_address = mail_address(m.from, "from");
    const std::string id = m.message_id.empty() ? make_message_id(from_address.substr(from_address.rfind('@') + 1))
                                                : m.message_id;
    std::string out;
    out += "Date: " + date_header(date_ms) + kCrlf;
    out += "From: " + mailbox(m.from) + kCrlf;
    auto list = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& a : v) s += (s.empty() ? "" : ",\r\n ") + mailbox(a);
        return s;
    };
    if (!m.to.empty()) out += "To: " + list(m.to) + kCrlf;
    if (!m.cc.empty()) out += "Cc: " + list(m.cc) + kCrlf;
    out += "Subject: " + header_text(m.subject) + kCrlf;
    out += "Message-ID: " + id + kCrlf;
    if (!m.in_reply_to.empty()) {
        out += "In-Reply-To: " + m.in_reply_to + kCrlf;
        out += "References: " + m.in_reply_to + kCrlf;
    }
    out += "MIME-Version: 1.0\r\n";

    std::string body;  // the text, or the alternative of text and HTML: headers and content
    if (m.html.empty()) {
        body = text_part("text/plain", m.text);
    } else {
        const std::string b = boundary();
        body = "Content-Type: multipart/alternative;\r\n boundary=\"" + b + "\"\r\n\r\n";
        body += "--" + b + kCrlf + text_part("text/plain", m.text);
        body += "--" + b + kCrlf + text_part("text/html", m.html);
        body += "--" + b + "--\r\n";
    }
    if (m.attachments.empty()) return out + body;

    const std::string b = boundary();
    out += "Content-Type: multipart/mixed;\r\n boundary=\"" + b + "\"\r\n\r\n";
    out += "--" + b + kCrlf + body;
    for (const auto& f : m.attachments) {
        const std::string type = f.content_type.empty() ? "application/octet-stream" : f.content_type;
        out += "--" + b + kCrlf;
        out += "Content-Type: " + type + kCrlf;
        out += "Content-Transfer-Encoding: base64\r\n";
        out += "Content-Disposition: attachment;\r\n " + file_name_params(f.name) + "\r\n\r\n";
        out += base64_lines(f.data);
    }
    out += "--" + b + "--\r\n";
    return out;
}

}  // namespace switchboard
