// Reading a mail as it came in (mail.hpp's parse_mail): headers unfolded
// and decoded (RFC 2047 words in UTF-8, ISO-8859-1 or Windows-1252), the
// MIME tree walked (multipart/*, message parts kept as attachments), each
// leaf decoded (base64, quoted-printable), text converted to UTF-8, names of
// attachments from filename or name (RFC 2231 filename*=charset''...).
#include <algorithm>
#include <cctype>
#include <map>

#include "switchboard/mail.hpp"

namespace switchboard {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string trim(std::string_view s) {
    std::size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
    return std::string(s.substr(a, b - a));
}

// Latin-1 (and, near enough, Windows-1252) bytes as UTF-8.
std::string latin1_to_utf8(std::string_view s) {
    std::string out;
    for (const unsigned char c : s) {
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

std::string to_utf8(std::string_view bytes, const std::string& charset) {
    const std::string c = lower(charset);
    if (c == "iso-8859-1" || c == "latin1" || c == "iso-8859-15" || c == "windows-1252" || c == "cp1252")
        return latin1_to_utf8(bytes);
    return std::string(bytes);  // utf-8, us-ascii and the unknown: as they are
}

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string base64_decode(std::string_view s) {
    static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (const char c : s) {
        if (c == '=') break;
        const auto p = chars.find(c);
        if (p == std::string::npos) continue;  // line ends, spaces
        buffer = (buffer << 6) | static_cast<unsigned>(p);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    return out;
}

// Quoted-printable; `words` for RFC 2047's Q encoding (_ is a space).
std::string qp_decode(std::string_view s, bool words) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '=' && i + 1 < s.size() && (s[i + 1] == '\r' || s[i + 1] == '\n')) {  // soft line break
            ++i;
            if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
        } else if (c == '=' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else if (words && c == '_') {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

// A header's text with its RFC 2047 encoded words decoded (the space between
// two adjacent words dropped, as the RFC says).
std::string decode_words(std::string_view s) {
    std::string out;
    std::size_t i = 0;
    bool last_was_word = false;
    std::string pending_space;
    while (i < s.size()) {
        const auto start = s.find("=?", i);
        if (start == std::string_view::npos) {
            out += pending_space;
            out += s.substr(i);
            break;
        }
        const auto q1 = s.find('?', start + 2);
        const auto q2 = q1 == std::string_view::npos ? q1 : s.find('?', q1 + 1);
        const auto end = q2 == std::string_view::npos ? q2 : s.find("?=", q2 + 1);
        if (end == std::string_view::npos) {
            out += pending_space;
            out += s.substr(i);
            break;
        }
        const std::string_view between = s.substr(i, start - i);
        const bool only_space = std::all_of(between.begin(), between.end(),
                                            [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
        if (!(last_was_word && only_space)) out += std::string(between);
        const std::string charset = std::string(s.substr(start + 2, q1 - start - 2));
        const char enc = static_cast<char>(std::toupper(static_cast<unsigned char>(s[q1 + 1])));
        const std::string_view text = s.substr(q2 + 1, end - q2 - 1);
        const std::string bytes = enc == 'B' ? base64_decode(text) : qp_decode(text, true);
        out += to_utf8(bytes, charset.substr(0, charset.find('*')));
        last_was_word = true;
        pending_space.clear();
        i = end + 2;
    }
    return out;
}

struct Headers {
    std::multimap<std::string, std::string> values;  // lower-case name -> raw (unfolded) value
    std::string get(const std::string& name) const {
        auto it = values.find(name);
        return it == values.end() ? std::string() : it->second;
    }
};

// Splits a part into its headers and body.
std::pair<Headers, std::string_view> split(std::string_view part) {
    Headers h;
    std::size_t body = part.size();
    std::size_t sep = part.find("\r\n\r\n");
    std::size_t sep_len = 4;
    const std::size_t lf = part.find("\n\n");
    if (lf != std::string_view::npos && (sep == std::string_view::npos || lf < sep)) {
        sep = lf;
        sep_len = 2;
    }
    if (part.rfind("\r\n", 0) == 0 || part.rfind("\n", 0) == 0) {  // no headers at all
        return {h, part.substr(part[0] == '\r' ? 2 : 1)};
    }
    if (sep != std::string_view::npos) body = sep + sep_len;
    const std::string_view head = part.substr(0, sep == std::string_view::npos ? part.size() : sep);
    std::string name, value;
    auto flush = [&] {
        if (!name.empty()) h.values.emplace(lower(name), trim(value));
        name.clear();
        value.clear();
    };
    std::size_t i = 0;
    while (i <= head.size()) {
        auto e = head.find('\n', i);
        if (e == std::string_view::npos) e = head.size();
        std::string_view line = head.substr(i, e - i);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            value += " " + trim(line);
        } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
            flush();
            name = trim(line.substr(0, colon));
            value = std::string(line.substr(colon + 1));
        }
        i = e + 1;
    }
    flush();
    return {h, part.substr(std::min(body, part.size()))};
}

// "type/subtype; a=b; c*=utf-8''x" -> the type (lower case) and the parameters.
std::pair<std::string, std::map<std::string, std::string>> parameters(const std::string& value) {
    std::map<std::string, std::string> params;
    std::size_t semi = value.find(';');
    const std::string type = lower(trim(value.substr(0, semi)));
    while (semi != std::string::npos) {
        std::size_t i = semi + 1;
        const auto eq = value.find('=', i);
        if (eq == std::string::npos) break;
        std::string key = lower(trim(value.substr(i, eq - i)));
        std::string v;
        std::size_t j = eq + 1;
        while (j < value.size() && value[j] == ' ') ++j;
        if (j < value.size() && value[j] == '"') {
            ++j;
            while (j < value.size() && value[j] != '"') {
                if (value[j] == '\\' && j + 1 < value.size()) ++j;
                v += value[j++];
            }
            semi = value.find(';', j);
        } else {
            semi = value.find(';', j);
            v = trim(value.substr(j, semi == std::string::npos ? std::string::npos : semi - j));
        }
        if (!key.empty() && key.back() == '*') {  // RFC 2231: charset'language'percent-encoded
            key.pop_back();
            const auto q1 = v.find('\''), q2 = q1 == std::string::npos ? q1 : v.find('\'', q1 + 1);
            std::string charset = q1 == std::string::npos ? "" : v.substr(0, q1);
            std::string raw;
            const std::string enc = q2 == std::string::npos ? v : v.substr(q2 + 1);
            for (std::size_t k = 0; k < enc.size(); ++k) {
                if (enc[k] == '%' && k + 2 < enc.size() && hex(enc[k + 1]) >= 0 && hex(enc[k + 2]) >= 0) {
                    raw += static_cast<char>(hex(enc[k + 1]) * 16 + hex(enc[k + 2]));
                    k += 2;
                } else {
                    raw += enc[k];
                }
            }
            v = to_utf8(raw, charset);
        } else {
            v = decode_words(v);
        }
        params[key] = v;
    }
    return {type, params};
}

std::string decode_body(std::string_view body, const std::string& encoding) {
    const std::string e = lower(trim(encoding));
    if (e == "base64") return base64_decode(body);
    if (e == "quoted-printable") return qp_decode(body, false);
    return std::string(body);
}

// Normalises line ends to \n.
std::string plain_lines(std::string s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
        out += s[i];
    }
    return out;
}

void walk(std::string_view part, ParsedMail& mail, int depth) {
    auto [h, body] = split(part);
    const auto [type, params] = parameters(h.get("content-type").empty() ? "text/plain" : h.get("content-type"));
    const auto [disposition, dparams] = parameters(h.get("content-disposition"));
    if (type.rfind("multipart/", 0) == 0 && depth < 20) {
        auto it = params.find("boundary");
        if (it == params.end() || it->second.empty()) return;
        const std::string delimiter = "--" + it->second;
        std::size_t pos = body.find(delimiter);
        while (pos != std::string_view::npos) {
            std::size_t start = body.find('\n', pos);
            if (start == std::string_view::npos) break;
            if (body.substr(pos + delimiter.size(), 2) == "--") break;  // the closing delimiter
            ++start;
            std::size_t next = body.find("\n" + delimiter, start);
            std::string_view inner =
                body.substr(start, next == std::string_view::npos ? std::string_view::npos : next - start);
            if (!inner.empty() && inner.back() == '\r') inner.remove_suffix(1);
            walk(inner, mail, depth + 1);
            if (next == std::string_view::npos) break;
            pos = next + 1;
        }
        return;
    }
    std::string name;
    if (auto f = dparams.find("filename"); f != dparams.end()) name = f->second;
    else if (auto n = params.find("name"); n != params.end()) name = n->second;
    const std::string data = decode_body(body, h.get("content-transfer-encoding"));
    const std::string charset = params.count("charset") ? params.at("charset") : "us-ascii";
    const bool attachment = disposition == "attachment" || !name.empty();
    if (!attachment && type == "text/plain" && mail.text.empty()) {
        mail.text = plain_lines(to_utf8(data, charset));
    } else if (!attachment && type == "text/html" && mail.html.empty()) {
        mail.html = plain_lines(to_utf8(data, charset));
    } else {
        MailAttachment a;
        a.name = name.empty() ? "part-" + std::to_string(mail.attachments.size() + 1) : name;
        a.content_type = type;
        a.data = data;
        mail.attachments.push_back(std::move(a));
    }
}

}  // namespace

ParsedMail parse_mail(std::string_view raw) {
    ParsedMail mail;
    auto [h, body] = split(raw);
    (void)body;
    const std::string from = decode_words(h.get("from"));
    mail.from_name = trim(from.substr(0, from.find('<')));
    if (mail.from_name.size() >= 2 && mail.from_name.front() == '"' && mail.from_name.back() == '"')
        mail.from_name = mail.from_name.substr(1, mail.from_name.size() - 2);
    const auto lt = from.rfind('<'), gt = from.rfind('>');
    mail.from_address = lt != std::string::npos && gt != std::string::npos && gt > lt
                            ? trim(from.substr(lt + 1, gt - lt - 1))
                            : trim(from);
    if (lt == std::string::npos) mail.from_name.clear();
    mail.subject = decode_words(h.get("subject"));
    mail.message_id = trim(h.get("message-id"));
    mail.in_reply_to = trim(h.get("in-reply-to"));
    mail.references = trim(h.get("references"));
    walk(raw, mail, 0);
    return mail;
}

}  // namespace switchboard
