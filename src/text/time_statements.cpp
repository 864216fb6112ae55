// Time statements ("by tomorrow", "within 24 hours", "next Monday", "by the
// end of the week") and their normalised form: a relative day count or a
// weekday. The rules are listed in docs/text.md.
#include <algorithm>
#include <array>

#include "text/promises.hpp"

namespace switchboard::text {

namespace {

int small_number(std::string_view w) {
    static constexpr std::array<std::string_view, 20> kOnes{
        "zero", "one",   "two",    "three",    "four",    "five",    "six",       "seven",     "eight",    "nine",
        "ten",  "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
    for (std::size_t i = 0; i < kOnes.size(); ++i)
        if (w == kOnes[i]) return static_cast<int>(i);
    return -1;
}

int tens(std::string_view w) {
    static constexpr std::array<std::string_view, 8> kTens{"twenty", "thirty",  "forty",  "fifty",
                                                           "sixty",  "seventy", "eighty", "ninety"};
    for (std::size_t i = 0; i < kTens.size(); ++i)
        if (w == kTens[i]) return static_cast<int>(20 + 10 * i);
    return -1;
}

const char* weekday(std::string_view w) {
    static constexpr std::array<std::pair<std::string_view, const char*>, 14> kDays{{{"monday", "monday"},
                                                                                      {"tuesday", "tuesday"},
                                                                                      {"wednesday", "wednesday"},
                                                                                      {"thursday", "thursday"},
                                                                                      {"friday", "friday"},
                                                                                      {"saturday", "saturday"},
                                                                                      {"sunday", "sunday"},
                                                                                      {"mon", "monday"},
                                                                                      {"tues", "tuesday"},
                                                                                      {"wed", "wednesday"},
                                                                                      {"thurs", "thursday"},
                                                                                      {"fri", "friday"},
                                                                                      {"sat", "saturday"},
                                                                                      {"sun", "sunday"}}};
    for (const auto& [k, v] : kDays)
        if (w == k) return v;
    return nullptr;
}

bool is_month(std::string_view w) {
    return is_any(w, {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                      "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
                      "sept", "oct", "nov", "dec"});
}

bool ordinal(std::string_view w) {  // "5th", "21st", "3rd"
    std::size_t d = 0;
    while (d < w.size() && w[d] >= '0' && w[d] <= '9') ++d;
    if (d == 0 || d > 2) return false;
    auto suffix = w.substr(d);
    return suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th";
}

bool digits(std::string_view w) {
    return !w.empty() && w.size() <= 4 && w.find_first_not_of("0123456789") == std::string_view::npos;
}

bool is_unit(std::string_view w) {
    return is_any(w, {"hour", "hours", "hrs", "hr", "h", "minute", "minutes", "mins", "min", "day", "days", "week",
                      "weeks", "month", "months", "business", "working", "calendar"});
}

bool clock(std::string_view w) {  // "3pm", "10am"
    std::size_t d = 0;
    while (d < w.size() && w[d] >= '0' && w[d] <= '9') ++d;
    return d > 0 && d <= 2 && (w.substr(d) == "pm" || w.substr(d) == "am");
}

PromiseDue days(int n, bool business = false) {
    PromiseDue d;
    d.days = n;
    d.business_days = business;
    return d;
}

PromiseDue on_weekday(const char* day) {
    PromiseDue d;
    d.weekday = day;
    return d;
}

// One time expression starting at token i: its end and due (due unset when
// the expression names no definite day). Prepositions before it ("by",
// "within", "before") are part of it.
bool expression_at(const std::vector<Token>& t, std::size_t i, std::size_t to, std::size_t& end,
                   std::optional<PromiseDue>& due) {
    auto w = [&](std::size_t k) -> std::string_view { return k < to ? std::string_view(t[k].w) : std::string_view(); };
    if (is_any(w(i), {"soon", "shortly", "asap", "later"}) &&
        !is_any(w(i + 1), {"today", "tonight", "than", "this"})) {  // named, but no definite day
        end = i + (w(i) == "later" && w(i + 1) == "on" ? 2 : 1);
        due.reset();
        return true;
    }
    std::size_t k = i;
    // Leading prepositions.
    while (k < to && is_any(w(k), {"by", "before", "until", "till", "within", "on", "in", "over", "no", "later",
                                   "than", "at", "the", "this", "next", "coming", "come", "first", "thing", "of",
                                   "end", "close", "during", "sometime", "around"}))
        ++k;
    std::string_view a = w(k), b = w(k + 1), c = w(k + 2);
    // Words that need what came before them.
    bool next = i < k && w(k - 1) == "next";
    bool end_of = false;
    for (std::size_t x = i; x < k; ++x) end_of = end_of || w(x) == "end" || w(x) == "close";

    if (a == "today" || a == "tonight") {
        end = k + 1, due = days(0);
        return true;
    }
    if (a == "tomorrow") {
        end = k + 1, due = days(1);
        if (is_any(b, {"morning", "afternoon", "evening", "night"})) ++end;
        return true;
    }
    if (a == "day" && b == "after" && c == "tomorrow") {
        end = k + 3, due = days(2);
        return true;
    }
    if (a == "day" && end_of) {  // "by the end of the day", "close of day"
        end = k + 1, due = days(0);
        return true;
    }
    if (a == "business" && end_of) {  // "close of business"
        end = k + 1, due = days(0);
        return true;
    }
    if (a == "eod" || a == "cob") {
        end = k + 1, due = days(0);
        return true;
    }
    if ((a == "right" || a == "straight") && b == "away") {
        end = k + 2, due = days(0);
        return true;
    }
    if (a == "immediately" || (a == "right" && b == "now")) {
        end = k + (a == "right" ? 2 : 1), due = days(0);
        return true;
    }
    if (i < k && (a == "morning" || a == "afternoon" || a == "evening") && (w(k - 1) == "this")) {
        end = k + 1, due = days(0);
        return true;
    }
    if (a == "later" && b == "today") {
        end = k + 2, due = days(0);
        return true;
    }
    if (a == "week" && (i < k)) {
        if (next) {
            end = k + 1, due = days(7);
        } else if (end_of || w(k - 1) == "this") {
            end = k + 1, due = on_weekday("friday");
        } else {
            return false;
        }
        return true;
    }
    if (a == "weekend" && i < k) {
        end = k + 1, due = on_weekday("saturday");
        return true;
    }
    if (a == "month" && i < k && (next || end_of || w(k - 1) == "this")) {
        end = k + 1, due.reset();
        return true;
    }
    if ((a == "fortnight" && i < k) || (a == "a" && b == "fortnight")) {
        end = a == "a" ? k + 2 : k + 1, due = days(14);
        return true;
    }
    if (const char* day = weekday(a); day && (a.size() > 5 || i < k)) {
        // "Monday", "on Monday", "by next Monday", "Monday morning"
        end = k + 1;
        if (is_any(b, {"morning", "afternoon", "evening"})) ++end;
        due = on_weekday(day);
        return true;
    }
    if (a == "as" && b == "soon" && c == "as") {  // "as soon as possible"
        end = std::min(to, k + 4);
        due.reset();
        return true;
    }
    if (a == "a" && is_any(b, {"moment", "minute", "second", "sec", "mo", "jiffy"}) && i < k && w(k - 1) == "in") {
        end = k + 2, due = days(0);
        return true;
    }
    // Numbers with units: "in 2 days", "within 24 hours", "3 to 5 working days".
    std::size_t nk;
    if (auto n = number_at(t, k, to, nk)) {
        std::size_t u = nk;
        int value = *n;
        // A range: "3 to 5", "3-5" (two numbers), "3 or 4": the upper bound.
        std::size_t nk2;
        if (u < to && is_any(w(u), {"to", "or", "and"})) {
            if (auto m = number_at(t, u + 1, to, nk2); m && is_unit(w(nk2))) value = std::max(value, *m), u = nk2;
        } else if (auto m = number_at(t, u, to, nk2); m && *m > value && is_unit(w(nk2))) {
            value = *m, u = nk2;
        }
        bool business = false;
        if (is_any(w(u), {"business", "working", "workings", "calendar"})) business = w(u) != "calendar", ++u;
        std::string_view unit = w(u);
        if (is_any(unit, {"hour", "hours", "hrs", "hr", "h"})) {
            PromiseDue d;
            d.hours = value;
            d.days = value < 24 ? 0 : (value + 23) / 24;
            end = u + 1, due = d;
            return true;
        }
        if (is_any(unit, {"minute", "minutes", "mins", "min"})) {
            PromiseDue d;
            d.hours = (value + 59) / 60;
            d.days = 0;
            end = u + 1, due = d;
            return true;
        }
        if (is_any(unit, {"day", "days"})) {
            end = u + 1, due = days(value, business);
            return true;
        }
        if (is_any(unit, {"week", "weeks"})) {
            end = u + 1, due = days(7 * value);
            return true;
        }
        if (is_any(unit, {"month", "months"})) {
            end = u + 1, due = days(30 * value);
            return true;
        }
        // "at 3", "by 5 pm", "at 10 30"
        if (i < k && is_any(w(k - 1), {"at", "by", "before", "around"}) && *n >= 1 && *n <= 12 && nk == k + 1 &&
            digits(a)) {
            end = nk;
            if (end < to && is_any(w(end), {"pm", "am", "oclock", "o'clock"})) ++end;
            due = days(0);
            return true;
        }
    }
    if (clock(a) && i < k) {
        end = k + 1, due = days(0);
        return true;
    }
    // Dates are kept as the statement, not normalised: "on the 5th", "by 12 March", "by March 12th".
    if (i < k && (ordinal(a) || (is_month(a) && a != "may" && (ordinal(b) || digits(b))) ||
                  (digits(a) && is_month(b) && b != "may"))) {
        end = k + 1;
        while (end < to && (ordinal(w(end)) || (is_month(w(end)) && w(end) != "may") || digits(w(end)) ||
                            (w(end) == "of" && end + 1 < to && is_month(w(end + 1)))))
            ++end;
        due.reset();
        return true;
    }
    return false;
}

}  // namespace

std::optional<int> number_at(const std::vector<Token>& t, std::size_t i, std::size_t to, std::size_t& next) {
    if (i >= to) return std::nullopt;
    std::string_view a = t[i].w;
    std::string_view b = i + 1 < to ? std::string_view(t[i + 1].w) : std::string_view();
    std::string_view c = i + 2 < to ? std::string_view(t[i + 2].w) : std::string_view();
    if (!a.empty() && a.size() <= 4 && a.find_first_not_of("0123456789") == std::string_view::npos) {
        next = i + 1;
        return std::stoi(std::string(a));
    }
    if (a == "a" && b == "couple" && c == "of") return next = i + 3, 2;
    if (a == "a" && b == "few") return next = i + 2, 3;
    if (a == "couple" && b == "of") return next = i + 2, 2;
    if (a == "few") return next = i + 1, 3;
    if ((a == "a" || a == "an") && !b.empty()) return next = i + 1, 1;
    if (int n = small_number(a); n >= 0) return next = i + 1, n;
    if (int n = tens(a); n >= 0) {
        if (int m = small_number(b); m > 0 && m < 10) return next = i + 2, n + m;
        return next = i + 1, n;
    }
    return std::nullopt;
}

std::optional<TimeStatement> find_time_statement(const std::vector<Token>& t, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
        std::size_t end;
        std::optional<PromiseDue> due;
        if (!expression_at(t, i, to, end, due)) continue;
        TimeStatement s{i, end, due};
        // Statements that follow directly: "tomorrow at 3 pm", "Monday by 10am".
        for (std::size_t j = end; j < to && j <= s.last + 1; ++j) {
            std::size_t e2;
            std::optional<PromiseDue> d2;
            if (expression_at(t, j, to, e2, d2) && e2 > s.last) {
                s.last = e2;
                if (!s.due) s.due = d2;
                j = e2 - 1;
            }
        }
        return s;
    }
    return std::nullopt;
}

}  // namespace switchboard::text
