// Card data in text: card numbers (typed or spoken, Luhn-checked), and the
// security codes, expiry dates and PINs said next to a card; masked in a
// copy of the text. The rules are written out in docs/text.md.
#include <algorithm>
#include <array>
#include <string>

#include "switchboard/text.hpp"
#include "text/utf8.hpp"

namespace switchboard {

namespace {

using text::ascii_alpha;
using text::ascii_digit;
using text::ascii_lower;

bool alnum(char c) { return ascii_alpha(c) || ascii_digit(c); }

// A number as written or spoken: "4539", "four", "double four".
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

std::vector<NumToken> number_tokens(std::string_view s) {
    std::vector<NumToken> out;
    std::size_t i = 0;
    while (i < s.size()) {
        char c = s[i];
        if (!alnum(c) || text::word_before(s, i)) {
            ++i;
            continue;
        }
        bool digits = ascii_digit(c);
        std::size_t j = run_end(s, i, !digits);
        if (j == std::string_view::npos) {
            while (text::word_at(s, i)) ++i;
            continue;
        }
        if (digits) {
            out.push_back({i, j, std::string(s.substr(i, j - i)), false});
        } else if (j - i <= 6) {
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

// Tokens a and b belong to one number when at most three spaces or dashes
// lie between them, or, when one of them is a word, also commas and full
// stops ("four, five, three").
bool joined(std::string_view s, const NumToken& a, const NumToken& b) {
    if (b.start <= a.end || b.start - a.end > 3) return false;
    const bool words = a.word || b.word;
    for (std::size_t k = a.end; k < b.start; ++k)
        if (s[k] != ' ' && s[k] != '-' && s[k] != '\t' && !(words && (s[k] == ',' || s[k] == '.'))) return false;
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

PciResult redact_pci(std::string_view s, bool mask_expiry) {
    constexpr std::size_t kContextBytes = 300;  // a card word this close makes a code a card's
    constexpr std::size_t kValueBytes = 60;     // a code's value within this many bytes of its keyword
    std::vector<NumToken> toks = number_tokens(s);
    std::vector<Hit> hits;

    // Card numbers: within each run of joined tokens, the first and longest
    // stretch of 13-19 digits that passes the Luhn check, and so on.
    for (std::size_t a = 0; a < toks.size();) {
        std::size_t b = a + 1;
        while (b < toks.size() && joined(s, toks[b - 1], toks[b])) ++b;
        for (std::size_t i = a; i < b;) {
            bool found = false;
            for (std::size_t j = std::min(b, i + 19); j > i && !found; --j) {
                std::string d;
                bool spoken = false;
                for (std::size_t k = i; k < j; ++k) d += toks[k].digits, spoken = spoken || toks[k].word;
                if (d.size() < 13 || d.size() > 19 || !luhn_valid(d)) continue;
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
                    h.replacement = std::string(s.substr(h.start, h.end - h.start));
                    std::size_t keep = 4;
                    for (std::size_t k = h.replacement.size(); k-- > 0;)
                        if (ascii_digit(h.replacement[k]) && (keep > 0 ? (--keep, false) : true)) h.replacement[k] = '*';
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
                Hit h;
                h.start = p;
                h.end = e;
                h.f.kind = PciKind::expiry_date;
                h.f.masked = mask_expiry;
                if (mask_expiry) {
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
            while (u < toks.size() && !toks[u].used && joined(s, toks[u - 1], toks[u])) ++u;
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
            h.replacement = std::string(s.substr(h.start, h.end - h.start));
            for (char& c : h.replacement)
                if (ascii_digit(c)) c = '*';
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
    }
    return r;
}

}  // namespace switchboard
