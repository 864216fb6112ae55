// Promises: commitments in the future tense, found sentence by sentence with
// the rules written out in docs/text.md (a subject that can commit, a
// future marker, a verb of action; no question, condition or hedge).
#include "text/promises.hpp"

#include <algorithm>

#include "text/utf8.hpp"

namespace switchboard {

namespace text {

namespace {

// Appends the tokens of one written word, spelling out its contraction.
void push_word(std::vector<Token>& out, std::string w, std::size_t start, std::size_t end, bool comma) {
    auto add = [&](std::string x, std::size_t s, std::size_t e) {
        out.push_back({std::move(x), s, e, comma});
        comma = false;
    };
    if (w == "gonna" || w == "wanna" || w == "gotta") {
        add(w == "gonna" ? "going" : w == "wanna" ? "want" : "got", start, end - 2);
        add("to", end - 2, end);
        return;
    }
    std::size_t ap = w.find('\'');
    if (ap == std::string::npos || ap == 0) {
        add(std::move(w), start, end);
        return;
    }
    std::string base = w.substr(0, ap), suffix = w.substr(ap + 1);
    std::size_t cut = start + ap;  // the apostrophe, in bytes (a curly one was rewritten to one byte)
    auto tail = [&](std::string x) { add(std::move(x), cut, end); };
    if (suffix == "t" && base.size() > 1 && base.back() == 'n') {
        base.pop_back();
        --cut;
        if (base == "wo") base = "will";
        else if (base == "sha") base = "shall";
        else if (base == "ca") base = "can";
        add(base, start, cut);
        tail("not");
    } else if (suffix == "ll") {
        add(base, start, cut), tail("will");
    } else if (suffix == "m") {
        add(base, start, cut), tail("am");
    } else if (suffix == "re") {
        add(base, start, cut), tail("are");
    } else if (suffix == "ve") {
        add(base, start, cut), tail("have");
    } else if (suffix == "d") {
        add(base, start, cut), tail("would");
    } else if (suffix == "s" && is_any(base, {"it", "that", "he", "she", "there", "what", "who", "where", "here",
                                              "how", "when", "let"})) {
        add(base, start, cut), tail(base == "let" ? "us" : "is");
    } else {
        add(std::move(w), start, end);
    }
}

}  // namespace

std::vector<Token> tokenize(std::string_view s, std::size_t begin, std::size_t end) {
    std::vector<Token> out;
    std::size_t i = begin;
    bool comma = false;
    while (i < end) {
        std::size_t len;
        char32_t c = decode_at(s, i, len);
        if (!is_word(c) && c != '\'' && c != 0x2019) {
            if (c == ',' || c == ':' || c == ';' || c == 0x2013 || c == 0x2014 || c == '(' || c == ')') comma = true;
            i += len;
            continue;
        }
        // A word: word characters and apostrophes between them.
        std::string w;
        std::size_t start = i, j = i;
        while (j < end) {
            char32_t d = decode_at(s, j, len);
            if (is_word(d)) {
                for (std::size_t k = 0; k < len; ++k) w.push_back(ascii_lower(s[j + k]));
            } else if ((d == '\'' || d == 0x2019) && !w.empty() && j + len < end && word_at(s, j + len)) {
                w.push_back('\'');
            } else {
                break;
            }
            j += len;
        }
        if (w.empty()) {  // a lone apostrophe
            i = j + (j == i ? len : 0);
            continue;
        }
        // Contraction offsets count one byte per character before the
        // apostrophe, which holds for the ASCII words contractions are made
        // of (a curly apostrophe is three bytes, but nothing before it moves).
        push_word(out, std::move(w), start, j, comma);
        comma = false;
        i = j;
    }
    return out;
}

namespace {

bool commit_verb(std::string_view v) {
    return is_any(v, {"send",     "resend",    "email",     "mail",      "post",      "text",     "message",
                      "call",     "ring",      "phone",     "contact",   "reach",     "get",      "follow",
                      "check",    "look",      "investigate", "arrange", "organise",  "organize", "book",
                      "schedule", "reschedule", "process",  "refund",    "reimburse", "credit",   "compensate",
                      "pay",      "waive",     "cancel",    "close",     "reopen",    "reactivate", "activate",
                      "unlock",   "reset",     "restore",   "reconnect", "repair",    "fix",      "sort",
                      "resolve",  "handle",    "deal",      "escalate",  "raise",     "log",      "submit",
                      "file",     "forward",   "pass",      "transfer",  "put",       "connect",  "update",
                      "keep",     "let",       "confirm",   "notify",    "inform",    "tell",     "speak",
                      "talk",     "ask",       "visit",     "come",      "bring",     "deliver",  "dispatch",
                      "ship",     "replace",   "swap",      "exchange",  "order",     "issue",    "apply",
                      "add",      "remove",    "change",    "correct",   "amend",     "adjust",   "upgrade",
                      "review",   "chase",     "monitor",   "make",      "ensure",    "take",     "give",
                      "drop",     "do",        "help",      "install",   "set",       "sign",     "write",
                      "prepare",  "provide",   "return",    "approve",   "authorise", "authorize", "guarantee",
                      "push",     "expedite",  "prioritise", "prioritize", "note",    "record",   "collect",
                      "pick",     "print",     "attach",    "share",     "track",     "trace",    "liaise",
                      "discuss",  "explain",   "show",      "walk",      "guide",     "double",   "sort",
                      "come",     "work",      "find",      "open",      "release",   "refer",    "report",
                      "arrive",   "attend"});
}

// Participles an object subject's future passive commits to ("your refund
// will be processed").
bool commit_participle(std::string_view v) {
    return is_any(v, {"sent",      "processed", "refunded",   "credited",  "issued",    "dispatched", "shipped",
                      "delivered", "posted",    "emailed",    "fixed",     "resolved",  "sorted",     "repaired",
                      "replaced",  "cancelled", "canceled",   "closed",    "reopened",  "restored",   "reconnected",
                      "activated", "reactivated", "unlocked", "reset",     "arranged",  "booked",     "scheduled",
                      "escalated", "raised",    "logged",     "updated",   "paid",      "reimbursed", "returned",
                      "collected", "handled",   "investigated", "reviewed", "waived",   "removed",    "applied",
                      "added",     "approved",  "done",       "ready",     "completed", "finished",   "upgraded",
                      "installed", "corrected", "amended",    "adjusted",  "transferred", "forwarded", "confirmed",
                      "released",  "actioned",  "expedited",  "prioritised", "prioritized", "contacted", "called",
                      "notified",  "informed",  "compensated", "given",    "visited",   "looked",     "taken"});
}

// Nouns that commit for the organisation ("our engineer will ...").
bool agent_noun(std::string_view w) {
    return is_any(w, {"team",       "engineer",  "engineers",  "technician", "technicians", "courier",   "driver",
                      "manager",    "supervisor", "specialist", "department", "colleague",   "colleagues", "agent",
                      "advisor",    "adviser",   "representative", "rep",    "staff",       "someone",   "somebody",
                      "member",     "expert",    "fitter",     "installer",  "person"});
}

// Things the organisation delivers ("your refund will arrive").
bool object_noun(std::string_view w) {
    return is_any(w, {"refund",    "replacement", "order",    "parcel",   "package",  "delivery",  "card",
                      "payment",   "credit",      "money",    "invoice",  "receipt",  "form",      "letter",
                      "email",     "confirmation", "item",    "device",   "phone",    "router",    "account",
                      "statement", "bill",        "contract", "documents", "paperwork", "cheque",  "check",
                      "voucher",   "code",        "link",     "appointment", "ticket", "case",     "complaint",
                      "request",   "issue",       "problem",  "fault",    "service",  "connection", "internet",
                      "broadband", "line",        "one",      "it",       "this",     "that",      "everything",
                      "booking",   "reimbursement", "compensation", "password", "details", "goods", "box",
                      "engineer",  "technician",  "repair",   "claim",    "application", "update", "visit"});
}

bool adverb(std::string_view w) {
    return is_any(w, {"definitely", "certainly", "personally", "also", "just", "now", "then", "really", "absolutely",
                      "surely", "actually", "both", "all", "right", "immediately", "gladly", "happily", "still",
                      "first", "today", "quickly", "promptly", "directly", "straight", "urgently", "additionally",
                      "further", "indeed", "myself", "ourselves"});
}

bool hedge(std::string_view w) {
    return is_any(w, {"probably", "maybe", "perhaps", "hopefully", "possibly", "might", "may", "think", "guess",
                      "hope", "reckon", "doubt", "suppose", "presumably", "likely"});
}

// A condition the commitment depends on. Polite tags ("if that's okay",
// "if you like") are not conditions.
bool conditional(const std::vector<Token>& t, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
        const std::string& w = t[i].w;
        auto at = [&](std::size_t k) -> std::string_view { return k < to ? std::string_view(t[k].w) : ""; };
        if (w == "if") {
            std::string_view a = at(i + 1), b = at(i + 2), c = at(i + 3);
            if ((is_any(a, {"that", "it", "this"}) && b == "is" &&
                 is_any(c, {"ok", "okay", "alright", "fine", "convenient", "good"})) ||
                (is_any(a, {"that", "it"}) && is_any(b, {"suits", "helps", "works"})) ||
                (a == "you" && is_any(b, {"like", "want", "prefer", "wish"})) ||
                (a == "you" && b == "do" && c == "not" && at(i + 4) == "mind") ||
                (a == "possible" || a == "needed" || a == "necessary" || a == "required"))
                continue;
            return true;
        }
        if (is_any(w, {"unless", "whether", "provided", "providing", "assuming", "supposing", "otherwise"}))
            return true;
        if (w == "in" && at(i + 1) == "case") return true;
        if (w == "as" && at(i + 1) == "long" && at(i + 2) == "as") return true;
        if (w == "once" && i + 1 < to && is_any(at(i + 1), {"you", "we", "i", "the", "your", "it"})) return true;
    }
    return false;
}

enum class Subject { none, speaker, organisation, recipient, object };

// The subject that ends just before token m (the future marker).
Subject subject_before(const std::vector<Token>& t, std::size_t from, std::size_t m, std::size_t& start) {
    std::size_t k = m;
    while (k > from && is_any(t[k - 1].w, {"definitely", "certainly", "personally", "also", "really", "absolutely",
                                          "surely", "both", "all", "then", "now", "myself", "ourselves"}))
        --k;
    if (k == from) return Subject::none;
    const std::string& s = t[k - 1].w;
    start = t[k - 1].start;
    if (s == "i" || s == "we") return Subject::speaker;
    if (s == "you") return Subject::recipient;
    if (s == "someone" || s == "somebody") return Subject::organisation;
    // A noun phrase of up to six tokens ending at k: "one of our engineers",
    // "someone from the billing team", "your refund", "the replacement card".
    std::size_t lo = k > from + 6 ? k - 6 : from;
    std::size_t det = k;
    for (std::size_t x = k; x-- > lo;) {
        if (is_any(t[x].w, {"our", "my", "a", "an", "the", "your", "someone", "somebody", "one", "this", "that"}) ||
            agent_noun(t[x].w))
            det = x;
        if (t[x].comma_before) break;
    }
    if (det == k && !is_any(s, {"it", "this", "that", "everything"})) return Subject::none;
    start = t[det == k ? k - 1 : det].start;
    // The head noun is the word before the marker: "the engineer said he
    // will" has the subject "he", not "the engineer".
    if (agent_noun(s)) {
        // "one of our engineers", "a member of our team", "your engineer"
        bool org = false;
        for (std::size_t x = det == k ? k - 1 : det; x < k; ++x)
            org = org || is_any(t[x].w, {"our", "my", "a", "an", "the", "your", "someone", "somebody"});
        if (org) return Subject::organisation;
    }
    if (object_noun(s)) return Subject::object;
    return Subject::none;
}

// Whether the words from v on commit the subject to an action.
bool commits(const std::vector<Token>& t, std::size_t v, std::size_t to, Subject subj) {
    auto w = [&](std::size_t k) -> std::string_view { return k < to ? std::string_view(t[k].w) : ""; };
    // Negated: only "won't forget", "won't charge you", "won't happen again" ...
    if (w(v) == "not" || w(v) == "never") {
        std::size_t x = v + 1;
        while (x < to && adverb(w(x))) ++x;
        return is_any(w(x), {"forget", "charge", "overcharge", "bill", "happen", "let", "ignore", "close"});
    }
    while (v < to && adverb(w(v))) ++v;
    if ((w(v) == "make" || w(v) == "be") && w(v + 1) == "sure" && w(v + 2) == "to") v += 3;
    if (w(v) == "try" && w(v + 1) == "to") v += 2;
    if (w(v) == "go" && w(v + 1) == "ahead") v += w(v + 2) == "and" ? 3 : 2;
    if (w(v) == "be" && w(v + 1) == "able" && w(v + 2) == "to") v += 3;
    std::string_view verb = w(v), next = w(v + 1), after = w(v + 2);
    switch (subj) {
        case Subject::speaker:
        case Subject::organisation:
            if (verb == "be") {
                if (next == "in" && after == "touch") return true;
                if (next == "back" && is_any(after, {"to", "in", "with"})) return true;
                if (next == "there" || (next == "with" && after == "you")) return true;
                return next.size() > 4 && next.substr(next.size() - 3) == "ing" &&
                       (commit_verb(next.substr(0, next.size() - 3)) ||
                        commit_verb(std::string(next.substr(0, next.size() - 3)) + "e") ||
                        (next.size() > 6 && next[next.size() - 4] == next[next.size() - 5] &&
                         commit_verb(next.substr(0, next.size() - 4))));
            }
            if (verb == "have") {
                if (next == "to") return false;
                for (std::size_t x = v + 1; x < std::min(to, v + 6); ++x)
                    if (commit_participle(w(x)) || is_any(w(x), {"back", "out", "look", "ready"})) return true;
                return false;
            }
            if (verb == "see") return is_any(next, {"what", "to", "that"});
            if (verb == "get")
                return !is_any(next, {"angry", "upset", "mad", "bored", "lost", "worse", "better", "paid", "married",
                                      "old", "tired", "sick", "used", "cold", "hungry"});
            if (verb == "take") return is_any(next, {"care", "a", "ownership", "responsibility", "note", "down", "over"});
            if (verb == "work") return is_any(next, {"on", "with"});
            return commit_verb(verb);
        case Subject::recipient:
            if (is_any(verb, {"receive", "get", "hear"})) return true;
            if (verb == "see") {  // "you'll see the refund on your statement", not "you'll see a green light"
                for (std::size_t x = v + 1; x < std::min(to, v + 4); ++x)
                    if (object_noun(w(x)) && !is_any(w(x), {"it", "this", "that", "one", "everything"})) return true;
                return false;
            }
            if (verb == "have") return next != "to";
            if (verb == "be") return commit_participle(next) || (next == "able" && after == "to");
            return false;
        case Subject::object:
            if (is_any(verb, {"arrive", "reach", "appear", "show", "land", "come", "go", "happen"}))
                return verb != "happen" && verb != "go" ? true : (verb == "go" && is_any(next, {"out", "through"}));
            if (verb == "be")
                return commit_participle(next) ||
                       (is_any(next, {"back", "with", "on", "in"}) &&
                        is_any(after, {"you", "its", "your", "working", "up", "the", "line", "place", "order", "in"}));
            return false;
        case Subject::none: return false;
    }
    return false;
}

bool is_question(std::string_view s, std::size_t end, const std::vector<Token>& t) {
    if (end > 0 && s[end - 1] == '?') return true;
    if (t.size() < 2) return false;
    const std::string& a = t[0].w;
    const std::string& b = t[1].w;
    bool aux = is_any(a, {"will", "shall", "are", "is", "am", "would", "could", "can", "do", "does", "did", "should",
                          "may", "might", "have", "has"});
    bool subj = is_any(b, {"you", "i", "we", "they", "he", "she", "it", "someone", "somebody", "anyone", "the", "my",
                           "your", "our"});
    if (aux && subj) return true;
    // "when will you ...", "what are you going to ..."
    return is_any(a, {"when", "what", "how", "where", "why", "who", "which"}) &&
           is_any(b, {"will", "shall", "are", "is", "would", "could", "can", "do", "does"});
}

struct Cue {
    std::size_t subject = 0;  // token index where the subject starts
    std::size_t start = 0;    // byte offset of the subject
    std::size_t marker = 0;   // token index of the future marker
};

// Whether a new clause starts between tokens a and b: a coordinator or a comma.
bool new_clause(const std::vector<Token>& t, std::size_t a, std::size_t b) {
    for (std::size_t x = a + 1; x <= b && x < t.size(); ++x)
        if (t[x].comma_before || is_any(t[x].w, {"and", "but", "then", "also", "so", "plus"})) return true;
    return false;
}

}  // namespace

}  // namespace text

std::vector<Promise> find_promises(std::string_view s, const std::optional<std::string>& speaker) {
    using namespace text;
    std::vector<Promise> out;
    std::size_t i = 0;
    while (i < s.size()) {
        // One sentence: up to . ! ? followed by a space or the end, or a line break.
        std::size_t j = i;
        while (j < s.size()) {
            char c = s[j];
            if (c == '\n' || c == '\r') break;
            if ((c == '.' || c == '!' || c == '?') &&
                (j + 1 == s.size() || s[j + 1] == ' ' || s[j + 1] == '\n' || s[j + 1] == '\r' || s[j + 1] == '"' ||
                 s[j + 1] == '\'' || s[j + 1] == ')')) {
                ++j;
                while (j < s.size() && (s[j] == '?' || s[j] == '!' || s[j] == '.')) ++j;
                break;
            }
            ++j;
        }
        std::size_t sentence_end = j;
        std::size_t content_end = j;
        while (content_end > i && (s[content_end - 1] == ' ' || s[content_end - 1] == '\t')) --content_end;
        std::vector<Token> t = tokenize(s, i, sentence_end);
        i = j < s.size() ? j + 1 : j;
        if (t.size() < 3 || is_question(s, content_end, t) || conditional(t, 0, t.size())) continue;

        // Cues: subject + future marker + commitment.
        std::vector<Cue> cues;
        bool hedged = false;
        for (std::size_t m = 0; m < t.size(); ++m) {
            hedged = hedged || hedge(t[m].w);
            std::size_t v;  // the token after the marker
            const std::string& w = t[m].w;
            if (w == "will" || w == "shall") {
                v = m + 1;
            } else if (is_any(w, {"am", "are", "is"}) && m + 2 < t.size() && t[m + 1].w == "going" &&
                       t[m + 2].w == "to") {
                v = m + 3;
            } else if (is_any(w, {"promise", "guarantee", "assure"}) && m > 0 && is_any(t[m - 1].w, {"i", "we"})) {
                cues.push_back({m - 1, t[m - 1].start, m});
                continue;
            } else {
                continue;
            }
            if (hedged || v >= t.size()) continue;
            std::size_t start = 0;
            Subject subj = subject_before(t, cues.empty() ? 0 : cues.back().subject + 1, m, start);
            if (subj == Subject::none || !commits(t, v, t.size(), subj)) continue;
            std::size_t first = m;
            while (first > 0 && t[first - 1].start >= start) --first;
            // A hedge right after the marker ("I will probably call").
            bool later_hedge = false;
            for (std::size_t x = v; x < std::min(t.size(), v + 2); ++x) later_hedge = later_hedge || hedge(t[x].w);
            // "I will make sure it will be sent" is one promise.
            if (!cues.empty() && !new_clause(t, cues.back().marker, first)) continue;
            if (!later_hedge) cues.push_back({first, start, m});
        }
        for (std::size_t c = 0; c < cues.size(); ++c) {
            std::size_t first = cues[c].subject;
            std::size_t last = c + 1 < cues.size() ? cues[c + 1].subject : t.size();
            last = std::min(last, first + 40);
            while (last > first + 1 && is_any(t[last - 1].w, {"and", "but", "so", "then", "or", "also"})) --last;
            auto ts = find_time_statement(t, first, last);
            std::size_t span_first = first;
            if (!ts && c == 0) {
                ts = find_time_statement(t, 0, first);  // "Tomorrow, I will call you"
                if (ts) span_first = ts->first;
            }
            Promise p;
            p.byte_start = t[span_first].start;
            p.byte_end = t[last - 1].end;
            if (ts) {
                p.byte_end = std::max(p.byte_end, t[ts->last - 1].end);
                p.time_statement = std::string(s.substr(t[ts->first].start, t[ts->last - 1].end - t[ts->first].start));
                p.due = ts->due;
            }
            p.text = std::string(s.substr(p.byte_start, p.byte_end - p.byte_start));
            p.speaker = speaker;
            out.push_back(std::move(p));
        }
    }
    bool ascii;
    find_invalid_utf8(s, ascii);
    CodePointIndex cp(s, ascii);
    for (auto& p : out) {
        p.start = cp(p.byte_start);
        p.end = cp(p.byte_end);
    }
    return out;
}

}  // namespace switchboard
