// analyze_call: the acoustic detectors, speech-to-text on each channel's
// turns, the text analytics on each channel's words, and the events and
// statistics on one timeline; redact_audio covers the card data found.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <numbers>
#include <optional>
#include <sstream>

#include "speech/internal.hpp"
#include "switchboard/error.hpp"
#include "switchboard/speech.hpp"
#include "text/pci.hpp"

namespace switchboard {

namespace {

// A turn of one channel and the words transcribed in it.
struct Turn {
    TimeSpan span;
    std::size_t first = 0, last = 0;  // [first, last) into the channel's words
};

// One channel's words as a text: turns separated by a blank line, so
// that nothing (a card number, a phrase) is joined across two turns.
struct ChannelText {
    std::string text;
    std::vector<text::ByteSpan> word_bytes;  // of each word of the channel
};

double overlap(TimeSpan a, TimeSpan b) { return std::max(0.0, std::min(a.end, b.end) - std::max(a.start, b.start)); }

double total(const std::vector<TimeSpan>& v) {
    double t = 0;
    for (const auto& s : v) t += s.end - s.start;
    return t;
}

// The parts of a that lie inside some span of b (both sorted, disjoint).
std::vector<TimeSpan> intersect(const std::vector<TimeSpan>& a, const std::vector<TimeSpan>& b) {
    std::vector<TimeSpan> out;
    std::size_t j = 0;
    for (const auto& x : a) {
        while (j < b.size() && b[j].end <= x.start) ++j;
        for (std::size_t k = j; k < b.size() && b[k].start < x.end; ++k) {
            TimeSpan s{std::max(x.start, b[k].start), std::min(x.end, b[k].end)};
            if (s.end > s.start) out.push_back(s);
        }
    }
    return out;
}

std::vector<TimeSpan> merged(std::vector<TimeSpan> v) {
    std::sort(v.begin(), v.end(), [](const TimeSpan& a, const TimeSpan& b) { return a.start < b.start; });
    std::vector<TimeSpan> out;
    for (const auto& s : v) {
        if (!out.empty() && s.start <= out.back().end) out.back().end = std::max(out.back().end, s.end);
        else out.push_back(s);
    }
    return out;
}

CallAnalysis acoustic_analysis(const CallAudio& audio, const AnalysisOptions& o) {
    if (audio.channels.size() == 1)
        return analyze_samples(std::span<const float>(audio.channels[0]), audio.sample_rate, 1, o);
    StreamingAnalyzer s = StreamingAnalyzer::two_mono(audio.sample_rate, audio.sample_rate, o);
    // Both channels advance together, half a second at a time.
    const std::size_t block = static_cast<std::size_t>(audio.sample_rate / 2);
    for (std::size_t at = 0;; at += block) {
        bool more = false;
        for (int c = 0; c < 2; ++c) {
            const auto& x = audio.channels[std::size_t(c)];
            if (at >= x.size()) continue;
            more = true;
            s.push_channel(c, std::span<const float>(x.data() + at, std::min(block, x.size() - at)));
        }
        s.take_events();
        if (!more) break;
    }
    return s.finish();
}

// The words of the channel text that overlap the bytes [byte_start, byte_end).
std::pair<std::size_t, std::size_t> words_in(const ChannelText& t, std::size_t byte_start, std::size_t byte_end) {
    std::size_t first = t.word_bytes.size(), last = 0;
    for (std::size_t i = 0; i < t.word_bytes.size(); ++i) {
        if (t.word_bytes[i].second <= byte_start || t.word_bytes[i].first >= byte_end) continue;
        first = std::min(first, i);
        last = i + 1;
    }
    return {first, last};
}

constexpr double kCardContextSeconds = 15.0;  // a request for card details this recent
constexpr std::size_t kMisheardCardDigits = 12;  // spoken digits in a row that are taken for a card number
constexpr std::size_t kMisheardCardDigitsNamed = 8;  // the same in a turn that names a card

// A phrase spotted less surely than this is not kept: on the spoken-call
// benchmark's flite voices the phrases said scored 0.84 to 1.0, most of those
// not said below 0.86 (docs/speech.md).
constexpr double kSpottedPhraseConfidence = 0.85;

// The phrases of the analyzer's pools that keyword spotting listens for:
// two words or more, lower case, letters, digits and apostrophes only; each
// with the pools and entries that hold it.
struct PoolPhrases {
    std::vector<std::string> phrases;
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> entries;  // phrase -> (pool, entry)
};

PoolPhrases pool_phrases(const TextAnalyzer& analyzer) {
    PoolPhrases out;
    for (const auto& pool : analyzer.pools())
        for (const auto& entry : pool.phrases) {
            std::string p, word;
            int words = 0;
            for (const char ch : entry + " ") {
                const auto u = static_cast<unsigned char>(ch);
                if (std::isalnum(u) || ch == '\'') {
                    word += static_cast<char>(std::tolower(u));
                } else if (!word.empty()) {
                    p += (p.empty() ? "" : " ") + word;
                    word.clear();
                    ++words;
                }
            }
            if (words < 2) continue;
            auto& e = out.entries[p];
            if (e.empty()) out.phrases.push_back(p);
            e.push_back({pool.name, entry});
        }
    return out;
}

// The time statements a promise is listened for with, as they are said:
// within / in a number of hours, days, working days or weeks; by or on a
// weekday; parts of today and tomorrow; the end of the day or week; next
// week. Each is one the text rules read (docs/text.md).
std::vector<std::string> spoken_time_statements() {
    std::vector<std::string> out;
    for (const char* n : {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve",
                          "fourteen", "twenty", "twenty four", "thirty", "forty eight", "seventy two"}) {
        for (std::string unit : {"hours", "days", "working days", "business days", "weeks"}) {
            if (std::string_view(n) == "one") unit.pop_back();  // "one hour"
            out.push_back("within " + std::string(n) + " " + unit);
            out.push_back("in " + std::string(n) + " " + unit);
        }
    }
    for (const char* d : {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}) {
        out.push_back(std::string("by ") + d);
        out.push_back(std::string("on ") + d);
    }
    for (const char* t : {"this morning", "this afternoon", "this evening", "tomorrow morning", "tomorrow afternoon",
                          "first thing tomorrow", "by tomorrow", "the end of the day", "the end of the week",
                          "next week", "right away", "straight away"})
        out.push_back(t);
    return out;
}

// Two words alike enough for a spotted phrase: the same; one starting the
// other, both of three letters or more ("car" and "card", "refund" and
// "refunded"); or at most a third of the longer's letters apart.
bool near_word(const std::string& a, const std::string& b) {
    if (a == b) return true;
    const std::size_t n = std::min(a.size(), b.size()), m = std::max(a.size(), b.size());
    if (n >= 3 && a.compare(0, n, b, 0, n) == 0) return true;
    if (n < 4) return false;
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()] * 3 <= m;
}

// Whether the words heard over a spotted phrase bear it out: at least half
// of the phrase's words heard as they are or nearly (near_word), one of
// them of three letters or more.
bool borne_out(const std::string& phrase, const std::vector<std::string>& heard) {
    std::istringstream in(phrase);
    std::size_t words = 0, matched = 0;
    bool long_match = false;
    for (std::string w; in >> w;) {
        ++words;
        for (const auto& h : heard)
            if (near_word(w, h)) {
                ++matched;
                long_match = long_match || w.size() >= 3;
                break;
            }
    }
    return long_match && matched * 2 >= words;
}

// Words heard between the digits of a number read out.
bool filler_word(const std::string& w) {
    for (const char* f : {"uh", "um", "yeah", "double", "triple", "and", "then", "sure"})
        if (w == f) return true;
    return false;
}

// Words that say card details are being given or asked for.
bool card_word(const std::string& w) {
    for (const char* cue : {"card", "visa", "mastercard", "amex", "credit", "debit", "cvv", "expiry", "security",
                            "digits"})
        if (w == cue) return true;
    return false;
}

bool digit_word(const std::string& w) {
    for (const char* d : {"zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"})
        if (w == d) return true;
    return false;
}

// A digit or a number word up to ninety (the parts of a date said aloud).
bool number_word(const std::string& w) {
    if (digit_word(w)) return true;
    for (const char* n : {"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
                          "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
                          "eighty", "ninety", "hundred", "thousand"})
        if (w == n) return true;
    return false;
}

// Number words that are not digits ("twenty", "eighty" ...), which a
// misheard digit often becomes.
int number_count(const std::vector<TranscriptWord>& ws) {
    return static_cast<int>(std::count_if(ws.begin(), ws.end(), [](const TranscriptWord& w) {
        return number_word(w.text) && !digit_word(w.text);
    }));
}

int digit_count(const std::vector<TranscriptWord>& ws) {
    return static_cast<int>(std::count_if(ws.begin(), ws.end(), [](const TranscriptWord& w) { return digit_word(w.text); }));
}

// The longest run of digit words one after the other.
int digit_run(const std::vector<TranscriptWord>& ws) {
    int best = 0, run = 0;
    for (const auto& w : ws) best = std::max(best, run = digit_word(w.text) ? run + 1 : 0);
    return best;
}

}  // namespace

void SpokenCallOptions::validate() const {
    acoustic.validate();
    auto require = [](bool ok, const char* field, const char* what) {
        if (!ok) throw Error(ErrorCode::invalid_argument, std::string(field) + " " + what, field);
    };
    require(hold_min_ms >= 100 && hold_min_ms <= 3600000, "hold_min_ms", "must be 100 to 3600000 ms");
    require(min_call_s >= 0 && std::isfinite(min_call_s), "min_call_s", "must be 0 or more seconds");
    require(max_call_s >= 0 && std::isfinite(max_call_s) && (max_call_s == 0 || max_call_s >= min_call_s),
            "max_call_s", "must be 0 (no bound) or at least min_call_s");
    require(untranscribed_min_ms >= 0 && untranscribed_min_ms <= 60000, "untranscribed_min_ms",
            "must be 0 to 60000 ms");
    require(turn_padding_ms >= 0 && turn_padding_ms <= 2000, "turn_padding_ms", "must be 0 to 2000 ms");
    require(redaction == "silence" || redaction == "tone", "redaction", "must be \"silence\" or \"tone\"");
    require(redaction_padding_ms >= 0 && redaction_padding_ms <= 2000, "redaction_padding_ms",
            "must be 0 to 2000 ms");
}

SpokenCall analyze_call(const CallAudio& audio, Transcriber* transcriber, const TextAnalyzer& analyzer,
                        const SpokenCallOptions& o) {
    o.validate();
    if (audio.channels.empty() || audio.channels.size() > 2)
        throw Error(ErrorCode::invalid_argument, "a call has 1 or 2 channels", "audio");
    if (audio.sample_rate < 8000 || audio.sample_rate > 48000)
        throw Error(ErrorCode::invalid_argument, "the sample rate must be 8000 to 48000 Hz", "audio");
    SpokenCall r;
    r.acoustic = acoustic_analysis(audio, o.acoustic);
    r.skipped = r.acoustic.skipped;
    const std::size_t nch = audio.channels.size();
    const bool two = nch == 2;
    auto speaker = [&](int c) { return r.acoustic.channels[std::size_t(c)].label; };
    r.redacted.resize(nch);
    if (transcriber) {
        r.transcriber = transcriber->name();
        r.transcriber_settings = transcriber->describe();
    } else {
        for (const char* d : {"transcript", "phrases", "promises", "card_data"})
            r.skipped.push_back({d, "no transcriber is configured"});
        r.skipped.push_back({"untranscribed_noise",
                             "no transcriber is configured: noise is the acoustic rule's (docs/analysis.md)"});
    }

    std::vector<std::vector<TimeSpan>> noise(nch), talk(nch);
    std::vector<std::vector<Turn>> turns(nch);
    std::vector<std::vector<std::vector<TranscriptWord>>> turn_words(nch);  // per channel, per turn
    const double pad = o.turn_padding_ms / 1000.0;
    // A stretch of speech transcribed (the general model, read as numbers),
    // or listened to for commitments, the pools' phrases or time statements.
    enum class Reading { general, numbers, commitments, phrases, time_statements };
    const PoolPhrases phrases = transcriber ? pool_phrases(analyzer) : PoolPhrases{};
    static const std::vector<std::string> kTimeStatements = spoken_time_statements();
    auto transcribe = [&](std::size_t c, TimeSpan sp, Reading reading) {
        std::vector<TranscriptWord> out;
        const auto& x = audio.channels[c];
        const auto a = static_cast<std::size_t>(std::max(0.0, sp.start - pad) * audio.sample_rate);
        const auto b = std::min(x.size(), static_cast<std::size_t>((sp.end + pad) * audio.sample_rate));
        if (b <= a) return out;
        const double t0 = static_cast<double>(a) / audio.sample_rate;
        const std::span<const float> samples(x.data() + a, b - a);
        auto heard = reading == Reading::numbers       ? transcriber->transcribe_numbers(samples, audio.sample_rate)
                     : reading == Reading::commitments ? transcriber->spot_commitments(samples, audio.sample_rate)
                     : reading == Reading::phrases ? transcriber->spot_phrases(samples, audio.sample_rate, phrases.phrases)
                     : reading == Reading::time_statements
                         ? transcriber->spot_phrases(samples, audio.sample_rate, kTimeStatements)
                         : transcriber->transcribe(samples, audio.sample_rate);
        for (auto& w : heard) {
            TranscriptWord tw;
            tw.channel = int(c);
            tw.speaker = r.acoustic.channels[c].label;
            tw.text = std::move(w.text);
            tw.start = std::clamp(t0 + w.start, sp.start - pad, sp.end + pad);
            tw.end = std::clamp(t0 + w.end, tw.start, sp.end + pad);
            tw.confidence = w.confidence;
            out.push_back(std::move(tw));
        }
        return out;
    };
    for (std::size_t c = 0; c < nch; ++c) {
        const auto& ch = r.acoustic.channels[c];
        noise[c] = ch.noise;
        for (const auto& sp : ch.speech) {
            std::vector<TranscriptWord> ws;
            if (transcriber) {
                // Noise that touches the turn is the tail or onset of a word
                // (an unvoiced "f" or "s"): the transcriber hears it too, or
                // a word cut short can cost the whole turn.
                TimeSpan heard = sp;
                for (const auto& n : ch.noise) {
                    if (n.end >= heard.start - 0.05 && n.start < heard.start) heard.start = n.start;
                    if (n.start <= heard.end + 0.05 && n.end > heard.end) heard.end = n.end;
                }
                ws = transcribe(c, heard, Reading::general);
                // The general model gives up on some turns of digits read
                // out (no path through the language model): read as numbers.
                if (ws.empty()) {
                    auto numbers = transcribe(c, heard, Reading::numbers);
                    if (digit_run(numbers) >= 3) ws = std::move(numbers);
                }
                // Audio the speech-to-text did not transcribe is noise (the seed's definition).
                if (ws.empty() && (sp.end - sp.start) * 1000 >= o.untranscribed_min_ms) {
                    noise[c].push_back(sp);
                    continue;
                }
            }
            talk[c].push_back(sp);
            turns[c].push_back(Turn{sp, 0, 0});
            turn_words[c].push_back(std::move(ws));
        }
        noise[c] = merged(std::move(noise[c]));
    }

    // Turns in card context are read again as numbers: a general language
    // model mishears spoken digits, and a card number missed is a card
    // number kept. The numbers reading wins when it holds more digits than
    // the general one, and six digits in a row, or three where the general
    // reading heard two number words or more.
    if (transcriber) {
        auto card_cue = [](const std::vector<TranscriptWord>& ws) {
            return std::any_of(ws.begin(), ws.end(), [](const TranscriptWord& w) { return card_word(w.text); });
        };
        for (std::size_t c = 0; c < nch; ++c)
            for (std::size_t k = 0; k < turns[c].size(); ++k) {
                const TimeSpan sp = turns[c][k].span;
                bool context = card_cue(turn_words[c][k]) || digit_count(turn_words[c][k]) >= 3;
                // ... or the other party asked for it just before.
                for (std::size_t j = 0; !context && two && j < turns[1 - c].size(); ++j) {
                    const TimeSpan q = turns[1 - c][j].span;
                    if (q.end >= sp.start - kCardContextSeconds && q.start < sp.start && card_cue(turn_words[1 - c][j]))
                        context = true;
                }
                if (!context) continue;
                // A grammar of numbers hears digits in any speech: a short run
                // counts only where the general model heard numbers too.
                const auto& general = turn_words[c][k];
                auto numbers = transcribe(c, sp, Reading::numbers);
                const bool heard_numbers = digit_count(general) + number_count(general) >= 2;
                if ((digit_run(numbers) >= 6 || (digit_run(numbers) >= 3 && heard_numbers)) &&
                    digit_count(numbers) > digit_count(general))
                    turn_words[c][k] = std::move(numbers);
            }
    }
    std::vector<std::vector<TranscriptWord>> words(nch);
    for (std::size_t c = 0; c < nch; ++c)
        for (std::size_t k = 0; k < turns[c].size(); ++k) {
            turns[c][k].first = words[c].size();
            for (auto& w : turn_words[c][k]) words[c].push_back(std::move(w));
            turns[c][k].last = words[c].size();
        }

    // Text analytics on each channel's words, with the speaker.
    for (std::size_t c = 0; c < nch && transcriber; ++c) {
        auto& ws = words[c];
        if (ws.empty()) continue;
        ChannelText t;
        for (const auto& turn : turns[c]) {
            if (turn.first == turn.last) continue;
            if (!t.text.empty()) t.text += "\n\n";
            for (std::size_t i = turn.first; i < turn.last; ++i) {
                if (i > turn.first) t.text += ' ';
                t.word_bytes.push_back({t.text.size(), t.text.size() + ws[i].text.size()});
                t.text += ws[i].text;
            }
        }
        // Card data first: its words are redacted before anything else reads them.
        std::vector<text::ByteSpan> sources;
        PciResult pci = text::redact_pci(t.text, o.mask_expiry, &sources);
        std::vector<int> redacted_by(ws.size(), -1);  // the PCI finding that covers each word
        for (std::size_t k = 0; k < pci.findings.size(); ++k) {
            const auto& f = pci.findings[k];
            if (!f.masked) continue;
            auto [first, last] = words_in(t, sources[k].first, sources[k].second);
            if (first >= last) continue;
            if (f.kind == PciKind::card_number && f.spoken) {
                // The digits heard around it belong to it (a digit misheard
                // or heard twice breaks the Luhn stretch, not the number).
                auto near = [&](std::size_t a, std::size_t b) { return ws[b].start - ws[a].end < 1.0; };
                while (first > 0 && redacted_by[first - 1] < 0 && near(first - 1, first) &&
                       (number_word(ws[first - 1].text) || filler_word(ws[first - 1].text)))
                    --first;
                while (last < ws.size() && redacted_by[last] < 0 && near(last - 1, last) &&
                       (number_word(ws[last].text) || filler_word(ws[last].text)))
                    ++last;
                while (first < last && !number_word(ws[first].text)) ++first;
                while (last > first && !number_word(ws[last - 1].text)) --last;
            }
            CallEvent e;
            e.type = std::string(to_string(f.kind));
            e.channel = int(c);
            e.speaker = speaker(int(c));
            e.start = ws[first].start;
            e.end = ws[last - 1].end;
            e.pool = "Critical Info";
            e.text = f.text;
            e.last4 = f.last4;
            e.brand = f.brand;
            r.events.push_back(e);
            const double pad = o.redaction_padding_ms / 1000.0;
            r.redacted[c].push_back({std::max(0.0, e.start - pad), e.end + pad});
            for (std::size_t i = first; i < last; ++i) redacted_by[i] = int(k);
        }
        // A long run of spoken digits is a card number misheard: redacted
        // all the same (a card number missed is a compliance failure). In a
        // turn that names a card, a shorter run is enough.
        std::vector<bool> names_card(ws.size(), false);
        for (const auto& turn : turns[c]) {
            bool cue = false;
            for (std::size_t i = turn.first; i < turn.last; ++i) cue = cue || card_word(ws[i].text);
            for (std::size_t i = turn.first; i < turn.last; ++i) names_card[i] = cue;
        }
        for (std::size_t i = 0; i < ws.size();) {
            if (redacted_by[i] >= 0 || !digit_word(ws[i].text)) {
                ++i;
                continue;
            }
            std::size_t j = i, digits = 0;
            while (j < ws.size() && redacted_by[j] < 0 && (digit_word(ws[j].text) || filler_word(ws[j].text)))
                digits += digit_word(ws[j++].text);
            while (j > i && !digit_word(ws[j - 1].text)) --j;  // ends on a digit
            if (digits >= (names_card[i] ? kMisheardCardDigitsNamed : kMisheardCardDigits)) {
                CallEvent e;
                e.type = "card_number";
                e.channel = int(c);
                e.speaker = speaker(int(c));
                e.start = ws[i].start;
                e.end = ws[j - 1].end;
                e.pool = "Critical Info";
                e.text = std::string(digits, '*');
                e.luhn = false;
                r.events.push_back(e);
                const double pad = o.redaction_padding_ms / 1000.0;
                r.redacted[c].push_back({std::max(0.0, e.start - pad), e.end + pad});
                const int id = static_cast<int>(pci.findings.size() + i);  // its own run
                for (std::size_t k = i; k < j; ++k) redacted_by[k] = id;
            }
            i = std::max(j, i + 1);
        }

        // An expiry date said in words ("the expiry is seven twenty nine"),
        // which the text rules do not read, next to a card number.
        const bool card_said = std::any_of(r.events.begin(), r.events.end(), [&](const CallEvent& e) {
            return e.channel == int(c) && e.type == "card_number";
        });
        for (std::size_t i = 0; i < ws.size() && (card_said || o.mask_expiry); ++i) {
            if (ws[i].text != "expiry" && ws[i].text != "expires" && ws[i].text != "expiration") continue;
            std::size_t a = i + 1;
            while (a < ws.size() && a <= i + 3 && !number_word(ws[a].text)) ++a;  // "date", "is", "the"
            std::size_t b = a;
            while (b < ws.size() && b < a + 4 && redacted_by[b] < 0 && number_word(ws[b].text)) ++b;
            if (b == a || b - a < 2) continue;
            CallEvent e;
            e.type = "expiry_date";
            e.channel = int(c);
            e.speaker = speaker(int(c));
            e.start = ws[a].start;
            e.end = ws[b - 1].end;
            e.pool = "Critical Info";
            e.text = "**/**";
            r.events.push_back(e);
            const double pad = o.redaction_padding_ms / 1000.0;
            r.redacted[c].push_back({std::max(0.0, e.start - pad), e.end + pad});
            const int id = static_cast<int>(pci.findings.size() + ws.size() + i);
            for (std::size_t k = a; k < b; ++k) redacted_by[k] = id;
            i = b - 1;
        }

        // The text the pools and promises read: each redacted run is one "***".
        ChannelText clean;
        std::vector<std::pair<std::size_t, std::size_t>> token_words;  // [first, last) words of each token
        for (const auto& turn : turns[c]) {
            if (turn.first == turn.last) continue;
            if (!clean.text.empty()) clean.text += "\n\n";
            for (std::size_t i = turn.first; i < turn.last; ++i) {
                if (i > turn.first && redacted_by[i] >= 0 && redacted_by[i] == redacted_by[i - 1]) {
                    token_words.back().second = i + 1;
                    continue;
                }
                if (i > turn.first) clean.text += ' ';
                const std::string w = redacted_by[i] >= 0 ? std::string("***") : ws[i].text;
                clean.word_bytes.push_back({clean.text.size(), clean.text.size() + w.size()});
                token_words.push_back({i, i + 1});
                clean.text += w;
            }
        }
        for (std::size_t i = 0; i < ws.size(); ++i)
            if (redacted_by[i] >= 0) ws[i].text = "***", ws[i].redacted = true;
        r.redacted[c] = merged(std::move(r.redacted[c]));
        if (clean.text.find_first_not_of(" \n*") == std::string::npos) continue;  // nothing but card data
        TextOptions topts;
        topts.speaker = speaker(int(c));
        topts.pci = false;
        topts.max_bytes = clean.text.size();
        TextAnalysis ta = analyze_text(clean.text, analyzer, topts);
        auto times = [&](std::size_t b0, std::size_t b1, CallEvent& e) {
            auto [first, last] = words_in(clean, b0, b1);
            if (first >= last) return false;
            e.start = ws[token_words[first].first].start;
            e.end = ws[token_words[last - 1].second - 1].end;
            return true;
        };
        for (const auto& h : ta.findings) {
            CallEvent e;
            e.type = "phrase";
            e.channel = int(c);
            e.speaker = speaker(int(c));
            e.pool = h.pool;
            e.phrase = h.phrase;
            e.text = h.text;
            if (times(h.byte_start, h.byte_end, e)) r.events.push_back(std::move(e));
        }
        // Each turn of two words or more is listened to again for the pools'
        // phrases (keyword spotting): a general reading mishears words of
        // a phrase ("speak to them manager", "car number"). A phrase
        // spotted where no event of its pool is, and borne out by the words
        // heard over it, is a phrase event marked "spotted"; of phrases
        // spotted over each other, the surest.
        if (!phrases.phrases.empty()) {
            std::vector<TimeSpan> taken;
            for (const auto& turn : turns[c]) {
                if (turn.last - turn.first < 2) continue;
                auto spotted = transcribe(c, turn.span, Reading::phrases);
                std::stable_sort(spotted.begin(), spotted.end(),
                                 [](const auto& a, const auto& b) { return a.confidence > b.confidence; });
                for (const auto& sp : spotted) {
                    if (sp.confidence < kSpottedPhraseConfidence) break;  // sorted: the rest are less sure
                    const TimeSpan at{sp.start, sp.end};
                    if (std::any_of(taken.begin(), taken.end(), [&](const TimeSpan& t) { return overlap(t, at) > 0; }))
                        continue;
                    std::vector<std::string> heard;
                    for (std::size_t i = turn.first; i < turn.last; ++i) {
                        const double mid = (ws[i].start + ws[i].end) / 2;
                        if (!ws[i].redacted && mid >= sp.start - 0.3 && mid <= sp.end + 0.3) heard.push_back(ws[i].text);
                    }
                    const auto entries = phrases.entries.find(sp.text);
                    if (entries == phrases.entries.end() || !borne_out(sp.text, heard)) continue;
                    bool added = false;
                    for (const auto& [pool, entry] : entries->second) {
                        const bool found = std::any_of(r.events.begin(), r.events.end(), [&](const CallEvent& e) {
                            return e.type == "phrase" && e.channel == int(c) && e.pool == pool &&
                                   overlap({e.start - 0.3, e.end + 0.3}, at) > 0;
                        });
                        if (found) continue;
                        CallEvent e;
                        e.type = "phrase";
                        e.channel = int(c);
                        e.speaker = speaker(int(c));
                        e.pool = pool;
                        e.phrase = entry;
                        e.text = sp.text;
                        e.spotted = sp.text;
                        e.start = sp.start;
                        e.end = sp.end;
                        r.events.push_back(std::move(e));
                        added = true;
                    }
                    if (added) taken.push_back(at);
                }
            }
        }

        const std::size_t first_promise = r.events.size();
        auto promise_event = [&](const Promise& p) {
            CallEvent e;
            e.type = "promise";
            e.channel = int(c);
            e.speaker = speaker(int(c));
            e.text = p.text;
            e.time_statement = p.time_statement;
            e.due = p.due;
            return e;
        };
        for (const auto& p : ta.promises) {
            CallEvent e = promise_event(p);
            if (times(p.byte_start, p.byte_end, e)) r.events.push_back(std::move(e));
        }

        // A turn with no promise in its words is listened to again for a
        // commitment alone (keyword spotting): a general reading often
        // loses the "I will" of a promise. The turn's words with a
        // spotted phrase in place of those heard over it are read for
        // promises, for each phrase spotted, the surest first; the first
        // promise with a time statement is kept, marked "spotted". Where
        // none holds one, the turn is listened to once more for a time
        // statement after the surest commitment ("within three days" heard
        // "within three ne"). The transcript keeps the words as heard.
        for (const auto& turn : turns[c]) {
            if (turn.first == turn.last || turn.last - turn.first < 3) continue;
            bool promised = false;
            for (std::size_t k = first_promise; k < r.events.size(); ++k)
                promised = promised || overlap(turn.span, {r.events[k].start, r.events[k].end}) > 0;
            if (promised) continue;
            auto spotted = transcribe(c, turn.span, Reading::commitments);
            if (spotted.empty()) continue;
            // The spotted commitments, surest first: each is tried in turn.
            std::stable_sort(spotted.begin(), spotted.end(),
                             [](const auto& x, const auto& y) { return x.confidence > y.confidence; });
            // The first promise with a time statement in the turn's words
            // with `spots` (in time order) in place of those heard under them.
            auto promise_with = [&](const std::vector<const TranscriptWord*>& spots) -> std::optional<Promise> {
                std::string alt;
                std::size_t next = 0;
                for (std::size_t i = turn.first; i < turn.last; ++i) {
                    const double mid = (ws[i].start + ws[i].end) / 2;
                    if (next < spots.size() && ws[i].start >= spots[next]->end) alt += (alt.empty() ? "" : " ") + spots[next++]->text;
                    if (next < spots.size() && mid >= spots[next]->start && mid <= spots[next]->end) {
                        alt += (alt.empty() ? "" : " ") + spots[next++]->text;
                        while (i + 1 < turn.last && (ws[i + 1].start + ws[i + 1].end) / 2 <= spots[next - 1]->end) ++i;
                        continue;
                    }
                    alt += (alt.empty() ? "" : " ") + ws[i].text;
                }
                for (; next < spots.size(); ++next) alt += " " + spots[next]->text;
                TextOptions one = topts;
                one.max_bytes = alt.size();
                for (const auto& p : analyze_text(alt, analyzer, one).promises)
                    if (!p.time_statement.empty()) return p;
                return std::nullopt;
            };
            // The first that makes a promise of the turn; where none does,
            // the surest is listened after for a time statement.
            const TranscriptWord* best = &spotted.front();
            std::optional<Promise> p;
            for (const auto& cand : spotted)
                if ((p = promise_with({&cand}))) {
                    best = &cand;
                    break;
                }
            std::string heard_as = best->text;
            std::vector<TranscriptWord> times;
            if (!p) {
                times = transcribe(c, {best->end, turn.span.end}, Reading::time_statements);
                const TranscriptWord* when = nullptr;
                for (const auto& t : times)
                    if (t.start >= best->end - 0.05 && t.confidence >= kSpottedPhraseConfidence &&
                        (!when || t.confidence > when->confidence))
                        when = &t;
                if (when) {
                    p = promise_with({best, when});
                    heard_as += ", " + when->text;
                }
            }
            if (!p) continue;
            CallEvent e = promise_event(*p);
            e.spotted = heard_as;
            e.start = std::min(best->start, ws[turn.first].start);
            e.end = ws[turn.last - 1].end;
            r.events.push_back(std::move(e));
        }
    }

    // The transcript: every word, and the dialogue turn by turn.
    for (std::size_t c = 0; c < nch; ++c) {
        for (const auto& turn : turns[c]) {
            if (turn.first == turn.last) continue;
            DialogueLine line;
            line.channel = int(c);
            line.speaker = speaker(int(c));
            line.start = turn.span.start;
            line.end = turn.span.end;
            for (std::size_t i = turn.first; i < turn.last; ++i) {
                const auto& w = words[c][i];
                if (w.redacted && i > turn.first && words[c][i - 1].redacted) continue;
                if (!line.text.empty()) line.text += ' ';
                if (!w.redacted) {
                    line.text += w.text;
                    continue;
                }
                // The label of the card data that covers this word.
                PciKind kind = PciKind::card_number;
                for (const auto& e : r.events)
                    if (e.channel == int(c) && e.start <= w.start && w.end <= e.end) {
                        if (e.type == "security_code") kind = PciKind::security_code;
                        else if (e.type == "expiry_date") kind = PciKind::expiry_date;
                        else if (e.type == "pin") kind = PciKind::pin;
                    }
                line.text += text::pci_label(kind);
            }
            r.dialogue.push_back(std::move(line));
        }
        for (auto& w : words[c]) r.words.push_back(std::move(w));
    }
    auto by_time = [](const auto& a, const auto& b) { return a.start < b.start || (a.start == b.start && a.channel < b.channel); };
    std::stable_sort(r.words.begin(), r.words.end(), by_time);
    std::stable_sort(r.dialogue.begin(), r.dialogue.end(), by_time);

    // Acoustic events.
    auto span_event = [](const char* type, int channel, const std::string& who, double start, double end) {
        CallEvent e;
        e.type = type;
        e.channel = channel;
        e.speaker = who;
        e.start = start;
        e.end = end;
        return e;
    };
    for (std::size_t c = 0; c < nch; ++c) {
        const auto& ch = r.acoustic.channels[c];
        for (const auto& s : ch.silences) r.events.push_back(span_event("silence", int(c), ch.label, s.start, s.end));
        for (const auto& s : noise[c]) r.events.push_back(span_event("noise", int(c), ch.label, s.start, s.end));
        for (const auto& s : ch.escalations) {
            CallEvent e = span_event("escalation", int(c), ch.label, s.start, s.end);
            e.pitch_ratio = s.pitch_ratio;
            e.level_db = s.level_db;
            r.events.push_back(e);
        }
    }
    std::vector<TimeSpan> both_silent, holds, overtalk;
    if (two) {
        for (const auto& i : r.acoustic.interruptions) {
            CallEvent e = span_event("interruption", i.interrupter, speaker(i.interrupter), i.start, i.end);
            e.interrupted = speaker(1 - i.interrupter);
            r.events.push_back(e);
        }
        both_silent = intersect(r.acoustic.channels[0].silences, r.acoustic.channels[1].silences);
        for (const auto& s : both_silent) {
            if ((s.end - s.start) * 1000 < o.acoustic.silence_min_ms) continue;
            const bool hold = (s.end - s.start) * 1000 >= o.hold_min_ms;
            if (hold) holds.push_back(s);
            r.events.push_back(span_event(hold ? "hold" : "silence", -1, "", s.start, s.end));
        }
        overtalk = intersect(r.acoustic.channels[0].speech, r.acoustic.channels[1].speech);
    } else {
        r.skipped.push_back({"hold", "a mono recording: holds need both parties' channels"});
    }
    std::stable_sort(r.events.begin(), r.events.end(), [](const CallEvent& a, const CallEvent& b) {
        return a.start < b.start || (a.start == b.start && a.end < b.end);
    });

    // Statistics.
    auto& st = r.stats;
    st.duration = r.acoustic.duration;
    for (std::size_t c = 0; c < nch; ++c) {
        SpokenChannelStats cs;
        cs.speaker = speaker(int(c));
        cs.talk = total(talk[c]);
        cs.silence = total(r.acoustic.channels[c].silences);
        cs.noise = total(noise[c]);
        cs.overtalk = total(overtalk);
        for (const auto& i : r.acoustic.interruptions) {
            if (i.interrupter == int(c)) ++cs.interruptions_made;
            else ++cs.interrupted;
        }
        for (const auto& w : r.words)
            if (w.channel == int(c)) ++cs.words;
        cs.words_per_minute = cs.talk > 0 ? cs.words * 60.0 / cs.talk : 0.0;
        for (const auto& t : talk[c]) cs.longest_monologue = std::max(cs.longest_monologue, t.end - t.start);
        st.talk += cs.talk;
        st.noise += cs.noise;
        st.words += cs.words;
        st.longest_monologue = std::max(st.longest_monologue, cs.longest_monologue);
        st.channels.push_back(cs);
    }
    st.silence = two ? total(both_silent) : st.channels[0].silence;
    st.overtalk = total(overtalk);
    st.interruptions = static_cast<int>(r.acoustic.interruptions.size());
    st.holds = static_cast<int>(holds.size());
    st.hold = total(holds);
    st.talk_ratio = two && st.channels[1].talk > 0 ? st.channels[0].talk / st.channels[1].talk : 0.0;

    if (o.min_call_s > 0 && st.duration < o.min_call_s) r.flags.push_back("too_short");
    if (o.max_call_s > 0 && st.duration > o.max_call_s) r.flags.push_back("too_long");
    if (st.talk == 0) r.flags.push_back("no_speech");
    return r;
}

SpokenCall analyze_call_file(const std::string& path, const std::string& client_path, Transcriber* transcriber,
                             const TextAnalyzer& analyzer, const SpokenCallOptions& options,
                             const std::string& redacted_wav) {
    options.validate();
    const double max_s = options.acoustic.max_duration_s;
    CallAudio audio = client_path.empty() ? decode_call_file(path, max_s) : decode_call_files(path, client_path, max_s);
    SpokenCall report = analyze_call(audio, transcriber, analyzer, options);
    if (!redacted_wav.empty()) {
        redact_audio(audio, report, options);
        write_wav(redacted_wav, audio);
    }
    return report;
}

void redact_audio(CallAudio& audio, const SpokenCall& report, const SpokenCallOptions& options) {
    options.validate();
    const bool tone = options.redaction == "tone";
    for (std::size_t c = 0; c < audio.channels.size() && c < report.redacted.size(); ++c) {
        auto& x = audio.channels[c];
        for (const auto& s : report.redacted[c]) {
            const auto a = std::min(x.size(), static_cast<std::size_t>(std::max(0.0, s.start) * audio.sample_rate));
            const auto b = std::min(x.size(), static_cast<std::size_t>(std::ceil(s.end * audio.sample_rate)));
            for (std::size_t i = a; i < b; ++i)
                x[i] = tone ? 0.1f * static_cast<float>(std::sin(2 * std::numbers::pi * 1000.0 * double(i) /
                                                                 audio.sample_rate))
                            : 0.0f;
        }
    }
}

}  // namespace switchboard
