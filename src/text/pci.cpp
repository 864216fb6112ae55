// Card data in text: card numbers (typed or spoken, Luhn-checked), and the
// security codes, expiry dates and PINs said next to a card; masked in a
// copy of the text. The rules are written out in docs/text.md.
#include <algorithm>
#include <array>
#include <string>

#include "switchboard/text.hpp"
#include "text/pci.hpp"
#include "text/utf8.hpp"

namespace switchboard {

namespace {

using text::ascii_alpha;
using text::ascii_digit;
using text::ascii_lower;

bool alnum(char c) { return ascii_alpha(c) || ascii_digit(c); }

unsigned char byte_at(std::string_view s, std::size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0; }

// The length of the digit at s[i]: 1 for '0'-'9', 3 for a full-width digit
// (U+FF10..U+FF19, EF BC 90..99), 0 for anything else; its value in d.
std::size_t digit_at(std::string_view s, std::size_t i, int& d) {
    const unsigned char c = byte_at(s, i);
    if (c >= '0' && c <= '9') {
        d = c - '0';
        return 1;
    }
    if (c == 0xEF && byte_at(s, i + 1) == 0xBC && byte_at(s, i + 2) >= 0x90 && byte_at(s, i + 2) <= 0x99) {
        d = byte_at(s, i + 2) - 0x90;
        return 3;
    }
    return 0;
}

// Whether a character next to a run of digits makes it part of a longer
// word ("ref4539", "4539x"): a word character, except the scripts written
// without spaces (kana, CJK ideographs, Hangul, half-width katakana) and
// the full-width forms of ASCII punctuation ("番号4539です", "４５３９－１４８８").
bool glues_to_number(char32_t c) {
    if (c < 0x80) return text::is_word(c);
    if ((c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
        (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF66 && c <= 0xFF9F))
        return false;
    if ((c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
        (c >= 0xFF5B && c <= 0xFF65))
        return false;
    return text::is_word(c);
}

bool glued_before(std::string_view s, std::size_t i) {
    if (i == 0) return false;
    if (static_cast<unsigned char>(s[i - 1]) < 0x80) return text::is_word(static_cast<unsigned char>(s[i - 1]));
    std::size_t len;
    return glues_to_number(text::decode_at(s, text::prev_start(s, i), len));
}

bool glued_at(std::string_view s, std::size_t i) {
    if (i >= s.size()) return false;
    if (static_cast<unsigned char>(s[i]) < 0x80) return text::is_word(static_cast<unsigned char>(s[i]));
    std::size_t len;
    return glues_to_number(text::decode_at(s, i, len));
}

// The span with every digit but the last `keep` replaced by one '*'
// (a full-width digit too); everything else as it is.
std::string mask_digits(std::string_view span, std::size_t keep) {
    std::size_t total = 0;
    int d;
    for (std::size_t k = 0; k < span.size();) {
        std::size_t len = digit_at(span, k, d);
        total += len != 0;
        k += len ? len : 1;
    }
    std::string out;
    out.reserve(span.size());
    std::size_t seen = 0;
    for (std::size_t k = 0; k < span.size();) {
        std::size_t len = digit_at(span, k, d);
        if (len && seen++ + keep < total) {
            out += '*';
        } else {
            out.append(span.substr(k, len ? len : 1));
        }
        k += len ? len : 1;
    }
    return out;
}

// A number as written or spoken: "4539", "４５３９", "four", "double four".
struct NumToken {
    std::size_t start = 0, end = 0;
    std::string digits;
    bool word = false;
    bool used = false;  // part of a finding
};

std::string lower_word(std::string_view s, std::size_t i, std::size_t j) {
    std::string w(s.substr(i, j - i));
    for (char& c : w) c = ascii_lower(c);
    return w;
}

int digit_word(std::string_view w) {
    static constexpr std::array<std::pair<std::string_view, int>, 12> kWords{{{"zero", 0},
                                                                               {"oh", 0},
                                                                               {"nought", 0},
                                                                               {"one", 1},
                                                                               {"two", 2},
                                                                               {"three", 3},
                                                                               {"four", 4},
                                                                               {"five", 5},
                                                                               {"six", 6},
                                                                               {"seven", 7},
                                                                               {"eight", 8},
                                                                               {"nine", 9}}};
    for (const auto& [word, d] : kWords)
        if (w == word) return d;
    return -1;
}

// The end of the ASCII letter (or digit) run at i; a run followed by another
// word character ("4th", "12abc", "café") is part of a longer word and is
// reported as not a run (npos).
std::size_t run_end(std::string_view s, std::size_t i, bool letters) {
    std::size_t j = i;
    while (j < s.size() && (letters ? ascii_alpha(s[j]) : ascii_digit(s[j]))) ++j;
    if (text::word_at(s, j)) return std::string_view::npos;
    return j;
}

// Steps over the word that starts at i.
std::size_t skip_word(std::string_view s, std::size_t i) {
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = 1;
        if (!text::is_word(c < 0x80 ? char32_t(c) : text::decode_at(s, i, len))) break;
        i += len;
    }
    return i;
}

std::vector<NumToken> number_tokens(std::string_view s) {
    std::vector<NumToken> out;
    std::size_t i = 0;
    int value;
    while (i < s.size()) {
        const char c = s[i];
        if (std::size_t len = ascii_digit(c) ? 1 : static_cast<unsigned char>(c) == 0xEF ? digit_at(s, i, value) : 0) {
            // A run of digits, ASCII or full-width, mixed as they come.
            if (glued_before(s, i)) {
                i += len;
                continue;
            }
            NumToken t;
            t.start = i;
            std::size_t j = i;
            while ((len = digit_at(s, j, value)) != 0) t.digits += char('0' + value), j += len;
            if (glued_at(s, j)) {
                i = skip_word(s, j);
                continue;
            }
            t.end = j;
            out.push_back(std::move(t));
            i = j;
            continue;
        }
        if (!ascii_alpha(c) || text::word_before(s, i)) {
            ++i;
            continue;
        }
        std::size_t j = run_end(s, i, true);
        if (j == std::string_view::npos) {
            i = skip_word(s, i);
            continue;
        }
        if (j - i <= 6) {
            std::string w = lower_word(s, i, j);
            if (int d = digit_word(w); d >= 0) {
                out.push_back({i, j, std::string(1, char('0' + d)), true});
            } else if (w == "double" || w == "triple") {
                // "double four", "triple 0"
                std::size_t k = j;
                while (k < s.size() && k - j < 3 && (s[k] == ' ' || s[k] == '-')) ++k;
                if (k > j && k < s.size()) {
                    std::size_t e = run_end(s, k, ascii_alpha(s[k]));
                    int d2 = -1;
                    if (e != std::string_view::npos && e > k) {
                        if (ascii_digit(s[k]) && e == k + 1) d2 = s[k] - '0';
                        else if (ascii_alpha(s[k])) d2 = digit_word(lower_word(s, k, e));
                    }
                    if (d2 >= 0) {
                        out.push_back({i, e, std::string(w == "double" ? 2 : 3, char('0' + d2)), true});
                        j = e;
                    }
                }
            }
        }
        i = j;
    }
    return out;
}

// How token b continues the number token a is part of:
// - plain: one to three spaces, tabs or dashes between them (the ideographic
//   space U+3000 and the full-width hyphen-minus U+FF0D count as one each),
//   or, when one of them is a word, also commas and full stops ("four, five");
// - line: between two runs of digits, the same with one line break (\n,
//   \r\n or \r) among them ("4539 1488\n0343", "4539-\r\n1488");
// - dot: between two runs of digits, one full stop and nothing else
//   ("4000.0566", also the full-width U+FF0E).
// A stretch read across a line or dot join must be laid out like a card
// (card_layout), and a dotted run is read whole or not at all.
enum class Join : unsigned char { none, plain, line, dot };

Join join_of(std::string_view s, const NumToken& a, const NumToken& b) {
    if (b.start <= a.end || b.start - a.end > 12) return Join::none;
    const bool words = a.word || b.word;
    unsigned seps = 0, dots = 0, breaks = 0;
    for (std::size_t k = a.end; k < b.start;) {
        const unsigned char c = byte_at(s, k);
        if (c == ' ' || c == '-' || c == '\t' || (words && c == ',')) {
            ++seps, ++k;
        } else if (c == '.') {
            ++(words ? seps : dots), ++k;
        } else if (c == '\n' || c == '\r') {
            ++breaks;
            k += c == '\r' && byte_at(s, k + 1) == '\n' ? 2 : 1;
        } else if (c == 0xE3 && byte_at(s, k + 1) == 0x80 && byte_at(s, k + 2) == 0x80) {  // U+3000
            ++seps, k += 3;
        } else if (c == 0xEF && byte_at(s, k + 1) == 0xBC && byte_at(s, k + 2) == 0x8D) {  // U+FF0D
            ++seps, k += 3;
        } else if (c == 0xEF && byte_at(s, k + 1) == 0xBC && byte_at(s, k + 2) == 0x8E) {  // U+FF0E
            ++(words ? seps : dots), k += 3;
        } else {
            return Join::none;
        }
    }
    if (words) return breaks == 0 && seps <= 3 ? Join::plain : Join::none;
    if (dots) return dots == 1 && seps == 0 && breaks == 0 ? Join::dot : Join::none;
    if (seps > 3 || breaks > 1) return Join::none;
    return breaks ? Join::line : Join::plain;
}

// The groups of a card as printed: fours with a last group of one to four
// digits (4-4-4-4, 4-4-4-1, 4-4-4-4-3), or 4-6-5 and 4-6-4 (American
// Express, Diners).
bool card_layout(const std::vector<NumToken>& t, std::size_t i, std::size_t j) {
    const std::size_t n = j - i;
    auto len = [&](std::size_t k) { return t[i + k].digits.size(); };
    if (n == 3 && len(0) == 4 && len(1) == 6 && (len(2) == 4 || len(2) == 5)) return true;
    if (n < 2 || len(n - 1) < 1 || len(n - 1) > 4) return false;
    for (std::size_t k = 0; k + 1 < n; ++k)
        if (len(k) != 4) return false;
    return true;
}

std::string brand_of(const std::string& d) {
    auto pre = [&](std::size_t n) { return std::stoi(d.substr(0, n)); };
    if (d[0] == '4') return "visa";
    int p2 = pre(2), p3 = pre(3), p4 = pre(4);
    if (p2 == 34 || p2 == 37) return "amex";
    if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return "mastercard";
    if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649)) return "discover";
    if (p4 >= 3528 && p4 <= 3589) return "jcb";
    if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) return "diners";
    return "";
}

// A finding in the original text and what replaces its span ("" = kept).
struct Hit {
    PciFinding f;
    std::size_t start = 0, end = 0;
    std::string replacement;
    bool replace = false;
};

enum class Cue { cvv_strong, cvv, expiry, pin, context };

struct KeyHit {
    Cue cue;
    std::size_t start, end;  // the keyword, after which the value is looked for
};

// Card keywords and context words, found word by word.
std::vector<KeyHit> keywords(std::string_view s) {
    std::vector<KeyHit> out;
    std::vector<std::pair<std::size_t, std::size_t>> words;  // the last few words, for two-word cues
    std::size_t i = 0;
    auto next_word = [&](std::size_t from, std::size_t& ws, std::size_t& we) {
        std::size_t k = from;
        while (k < s.size() && !alnum(s[k])) {
            if (k - from > 3) return false;
            ++k;
        }
        std::size_t e = k;
        while (e < s.size() && alnum(s[e])) ++e;
        if (e == k) return false;
        ws = k, we = e;
        return true;
    };
    while (i < s.size()) {
        if (!alnum(s[i])) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < s.size() && alnum(s[j])) ++j;
        if (j - i <= 10 && !text::word_before(s, i) && !text::word_at(s, j)) {
            const std::string word = lower_word(s, i, j);
            const std::string_view w = word;  // compared with literals by length first
            std::size_t ws, we;
            auto next_is = [&](std::initializer_list<std::string_view> options) {
                if (!next_word(j, ws, we)) return false;
                std::string n = lower_word(s, ws, we);
                return std::find(options.begin(), options.end(), n) != options.end();
            };
            if (w == "cvv" || w == "cvv2" || w == "cvc" || w == "cvc2" || w == "cv2" || w == "csc") {
                out.push_back({Cue::cvv_strong, i, j});
            } else if (w == "security" && next_is({"code", "number"})) {
                out.push_back({Cue::cvv, i, we});
            } else if ((w == "three" || w == "3") && next_is({"digit"})) {
                if (next_word(we, ws, we) && (lower_word(s, ws, we) == "code" || lower_word(s, ws, we) == "number"))
                    out.push_back({Cue::cvv, i, we});
            } else if (w == "expiry" || w == "expiration" || w == "expires" || w == "expiring" || w == "exp" ||
                       w == "expire") {
                std::size_t end = j;
                if (next_is({"date", "on", "is"})) end = we;
                out.push_back({Cue::expiry, i, end});
            } else if ((w == "valid" || w == "good") && next_is({"thru", "through", "until", "till", "to"})) {
                out.push_back({Cue::expiry, i, we});
            } else if (w == "pin") {
                std::size_t end = j;
                if (next_is({"number", "code", "is"})) end = we;
                out.push_back({Cue::pin, i, end});
            } else if (w == "card" || w == "cards" || w == "visa" || w == "mastercard" || w == "amex" ||
                       w == "maestro" || w == "credit" || w == "debit" || w == "payment") {
                out.push_back({Cue::context, i, j});
            }
        }
        i = j;
    }
    return out;
}

// "12/25", "03-2027", "June 2026", "jun 26": the end of an expiry value at i, or npos.
std::size_t expiry_value(std::string_view s, std::size_t i) {
    auto digits_at = [&](std::size_t k, std::size_t& e) {
        e = k;
        while (e < s.size() && ascii_digit(s[e])) ++e;
        return e - k;
    };
    std::size_t e1;
    std::size_t n1 = digits_at(i, e1);
    if (n1 == 1 || n1 == 2) {
        int month = std::stoi(std::string(s.substr(i, n1)));
        std::size_t k = e1;
        while (k < s.size() && s[k] == ' ') ++k;
        if (month < 1 || month > 12 || k >= s.size() || (s[k] != '/' && s[k] != '-' && s[k] != '.')) return std::string_view::npos;
        ++k;
        while (k < s.size() && s[k] == ' ') ++k;
        std::size_t e2;
        std::size_t n2 = digits_at(k, e2);
        if ((n2 != 2 && n2 != 4) || (e2 < s.size() && alnum(s[e2]))) return std::string_view::npos;
        return e2;
    }
    static constexpr std::array<std::string_view, 12> kMonths{"jan", "feb", "mar", "apr", "may", "jun",
                                                               "jul", "aug", "sep", "oct", "nov", "dec"};
    std::size_t e = i;
    while (e < s.size() && ascii_alpha(s[e])) ++e;
    if (e - i < 3) return std::string_view::npos;
    std::string w = lower_word(s, i, e);
    if (std::find(kMonths.begin(), kMonths.end(), w.substr(0, 3)) == kMonths.end()) return std::string_view::npos;
    std::size_t k = e;
    while (k < s.size() && (s[k] == ' ' || s[k] == ',')) ++k;
    if (k + 3 <= s.size() && lower_word(s, k, k + 3) == "of ") k += 3;
    std::size_t e2;
    std::size_t n2 = digits_at(k, e2);
    if ((n2 != 2 && n2 != 4) || (e2 < s.size() && alnum(s[e2]))) return std::string_view::npos;
    return e2;
}

}  // namespace

bool luhn_valid(std::string_view digits) noexcept {
    int sum = 0, n = 0;
    for (std::size_t k = digits.size(); k-- > 0;) {
        char c = digits[k];
        if (!ascii_digit(c)) continue;
        int d = c - '0';
        if (n++ % 2 == 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
    }
    return n >= 2 && sum % 10 == 0;
}

std::string_view to_string(PciKind kind) noexcept {
    switch (kind) {
        case PciKind::card_number: return "card_number";
        case PciKind::security_code: return "security_code";
        case PciKind::expiry_date: return "expiry_date";
        case PciKind::pin: return "pin";
    }
    return "card_number";
}

PciResult redact_pci(std::string_view s, bool mask_expiry) { return text::redact_pci(s, mask_expiry, nullptr); }

std::string_view text::pci_label(PciKind k) noexcept {
    switch (k) {
        case PciKind::card_number: return "<card number>";
        case PciKind::security_code: return "<security code>";
        case PciKind::expiry_date: return "<expiry date>";
        case PciKind::pin: return "<PIN>";
    }
    return "<card number>";
}

PciResult text::redact_pci(std::string_view s, bool mask_expiry, std::vector<ByteSpan>* sources) {
    constexpr std::size_t kContextBytes = 300;  // a card word this close makes a code a card's
    constexpr std::size_t kValueBytes = 60;     // a code's value within this many bytes of its keyword
    constexpr std::size_t kExpiryCardBytes = 60;  // an expiry date this close to a card number is masked
    std::vector<NumToken> toks = number_tokens(s);
    std::vector<Join> join(toks.size(), Join::none);  // join[k]: how toks[k] continues toks[k - 1]
    for (std::size_t k = 1; k < toks.size(); ++k) join[k] = join_of(s, toks[k - 1], toks[k]);
    std::vector<Hit> hits;

    // Card numbers: within each run of joined tokens, the first and longest
    // stretch of 13-19 digits that passes the Luhn check, and so on. A
    // stretch neither starts nor ends inside a dotted run, crosses one line
    // break at most, and is laid out like a card when it crosses a line
    // break or a dot.
    for (std::size_t a = 0; a < toks.size();) {
        std::size_t b = a + 1;
        while (b < toks.size() && join[b] != Join::none) ++b;
        for (std::size_t i = a; i < b;) {
            bool found = false;
            for (std::size_t j = std::min(b, i + 19); j > i && !found && join[i] != Join::dot; --j) {
                if (j < b && join[j] == Join::dot) continue;
                std::string d;
                bool spoken = false;
                unsigned lines = 0, dots = 0;
                for (std::size_t k = i; k < j; ++k) {
                    d += toks[k].digits, spoken = spoken || toks[k].word;
                    if (k > i) lines += join[k] == Join::line, dots += join[k] == Join::dot;
                }
                if (d.size() < 13 || d.size() > 19 || lines > 1) continue;
                if ((lines || dots) && !card_layout(toks, i, j)) continue;
                if (!luhn_valid(d)) continue;
                Hit h;
                h.start = toks[i].start;
                h.end = toks[j - 1].end;
                h.f.kind = PciKind::card_number;
                h.f.spoken = spoken;
                h.f.masked = true;
                h.f.last4 = d.substr(d.size() - 4);
                h.f.brand = brand_of(d);
                if (spoken) {
                    h.replacement = std::string(d.size() - 4, '*') + h.f.last4;
                } else {
                    h.replacement = mask_digits(s.substr(h.start, h.end - h.start), 4);
                }
                h.replace = true;
                hits.push_back(std::move(h));
                for (std::size_t k = i; k < j; ++k) toks[k].used = true;
                i = j;
                found = true;
            }
            if (!found) ++i;
        }
        a = b;
    }

    // Security codes, PINs and expiry dates after their keyword.
    std::vector<KeyHit> keys = keywords(s);
    auto near_card = [&](const KeyHit& k) {
        for (const auto& h : hits)
            if (h.f.kind == PciKind::card_number && h.end + 4 * kContextBytes >= k.start &&
                h.start <= k.end + 4 * kContextBytes)
                return true;
        for (const auto& c : keys)
            if (c.cue == Cue::context && c.end + kContextBytes >= k.start && c.start <= k.end + kContextBytes)
                return true;
        return false;
    };
    std::size_t claimed_until = 0;  // one keyword's value is not another's
    for (const auto& k : keys) {
        if (k.cue == Cue::context || k.end < claimed_until) continue;
        if (k.cue != Cue::cvv_strong && !near_card(k)) continue;
        if (k.cue == Cue::expiry) {
            for (std::size_t p = k.end; p < s.size() && p < k.end + kValueBytes; ++p) {
                if (p > k.end && alnum(s[p - 1])) continue;
                std::size_t e = expiry_value(s, p);
                if (e == std::string_view::npos) continue;
                bool overlaps = std::any_of(hits.begin(), hits.end(), [&](const Hit& h) { return h.start < e && p < h.end; });
                if (overlaps) break;
                // Next to a card number: at most kExpiryCardBytes between the
                // card and the keyword-and-date, on either side.
                const bool next_to_card = std::any_of(hits.begin(), hits.end(), [&](const Hit& c) {
                    return c.f.kind == PciKind::card_number && c.start <= e + kExpiryCardBytes &&
                           k.start <= c.end + kExpiryCardBytes;
                });
                Hit h;
                h.start = p;
                h.end = e;
                h.f.kind = PciKind::expiry_date;
                h.f.masked = mask_expiry || next_to_card;
                if (h.f.masked) {
                    h.replacement = std::string(s.substr(p, e - p));
                    for (char& c : h.replacement)
                        if (alnum(c)) c = '*';
                    h.replace = true;
                }
                hits.push_back(std::move(h));
                claimed_until = e;
                break;
            }
            continue;
        }
        // The first number after the keyword within reach that has the
        // right length; a lone number word on the way ("oh, it's 123", "the
        // one on the back") is passed over, anything else ends the search.
        const bool pin = k.cue == Cue::pin;
        const std::size_t lo = pin ? 4 : 3, hi = pin ? 6 : 4;
        std::size_t t = 0;
        while (t < toks.size() && toks[t].start < k.end) ++t;
        std::size_t u = t;
        std::string d;
        bool spoken = false, ok = false;
        while (t < toks.size() && toks[t].start <= k.end + kValueBytes && !toks[t].used) {
            u = t + 1;
            while (u < toks.size() && !toks[u].used && join[u] == Join::plain) ++u;
            d.clear();
            spoken = false;
            bool typed = false;
            for (std::size_t x = t; x < u; ++x) d += toks[x].digits, spoken = spoken || toks[x].word, typed = typed || !toks[x].word;
            ok = d.size() >= lo && d.size() <= hi;
            if (ok || typed || d.size() > hi) break;
            t = u;
        }
        if (!ok) continue;
        Hit h;
        h.start = toks[t].start;
        h.end = toks[u - 1].end;
        h.f.kind = pin ? PciKind::pin : PciKind::security_code;
        h.f.spoken = spoken;
        h.f.masked = true;
        if (spoken) {
            h.replacement = std::string(d.size(), '*');
        } else {
            h.replacement = mask_digits(s.substr(h.start, h.end - h.start), 0);
        }
        h.replace = true;
        hits.push_back(std::move(h));
        for (std::size_t x = t; x < u; ++x) toks[x].used = true;
        claimed_until = toks[u - 1].end;
    }

    // The redacted text, and every finding's span in it.
    std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.start < b.start; });
    PciResult r;
    r.redacted_text.reserve(s.size());
    std::size_t pos = 0;
    for (auto& h : hits) {
        r.redacted_text.append(s.substr(pos, h.start - pos));
        h.f.byte_start = r.redacted_text.size();
        r.redacted_text.append(h.replace ? std::string_view(h.replacement) : s.substr(h.start, h.end - h.start));
        h.f.byte_end = r.redacted_text.size();
        pos = h.end;
    }
    r.redacted_text.append(s.substr(pos));
    bool ascii;
    text::find_invalid_utf8(r.redacted_text, ascii);
    text::CodePointIndex cp(r.redacted_text, ascii);
    for (auto& h : hits) {
        h.f.text = r.redacted_text.substr(h.f.byte_start, h.f.byte_end - h.f.byte_start);
        h.f.start = cp(h.f.byte_start);
        h.f.end = cp(h.f.byte_end);
        r.findings.push_back(std::move(h.f));
        if (sources) sources->push_back({h.start, h.end});
    }
    return r;
}

}  // namespace switchboard
