// The call report as JSON (the shape documented in speech.hpp).
#include <boost/json.hpp>

#include <cmath>

#include "core/json_text.hpp"
#include "switchboard/speech.hpp"

namespace switchboard {

namespace bj = boost::json;

namespace {

double ms(double seconds) { return std::round(seconds * 1000.0) / 1000.0; }
double r2(double v) { return std::round(v * 100.0) / 100.0; }

bj::value opt(const std::string& s) { return s.empty() ? bj::value(nullptr) : bj::value(bj::string(s)); }

bj::object event(const CallEvent& e) {
    bj::object o{{"type", e.type},
                 {"channel", e.channel < 0 ? bj::value(nullptr) : bj::value(e.channel)},
                 {"speaker", opt(e.speaker)},
                 {"start", ms(e.start)},
                 {"end", ms(e.end)}};
    if (!e.pool.empty()) o["pool"] = e.pool;
    if (e.type == "phrase") o["phrase"] = e.phrase;
    if (!e.text.empty()) o["text"] = e.text;
    if (e.type == "phrase" && !e.spotted.empty()) o["spotted"] = e.spotted;
    if (e.type == "interruption") o["interrupted"] = e.interrupted;
    if (e.type == "promise") {
        o["time_statement"] = opt(e.time_statement);
        if (!e.spotted.empty()) o["spotted"] = e.spotted;
        bj::value due = nullptr;
        if (e.due) {
            bj::object d;
            if (e.due->days) d["days"] = *e.due->days;
            if (e.due->hours) d["hours"] = *e.due->hours;
            if (e.due->weekday) d["weekday"] = *e.due->weekday;
            d["business_days"] = e.due->business_days;
            due = std::move(d);
        }
        o["due"] = std::move(due);
    }
    if (e.type == "card_number") {
        o["last4"] = opt(e.last4);
        o["brand"] = opt(e.brand);
        o["luhn"] = e.luhn;
    }
    if (e.type == "escalation") {
        o["pitch_ratio"] = r2(e.pitch_ratio);
        o["level_db"] = r2(e.level_db);
    }
    return o;
}

bj::object channel_stats(const SpokenChannelStats& s) {
    return {{"speaker", s.speaker},
            {"talk", ms(s.talk)},
            {"silence", ms(s.silence)},
            {"noise", ms(s.noise)},
            {"overtalk", ms(s.overtalk)},
            {"interruptions_made", s.interruptions_made},
            {"interrupted", s.interrupted},
            {"words", s.words},
            {"words_per_minute", r2(s.words_per_minute)},
            {"longest_monologue", ms(s.longest_monologue)}};
}

}  // namespace

std::string to_json(const SpokenCall& c) {
    bj::array words, dialogue, events, skipped, flags, redacted;
    for (const auto& w : c.words)
        words.push_back(bj::object{{"channel", w.channel},
                                   {"speaker", w.speaker},
                                   {"text", w.text},
                                   {"start", ms(w.start)},
                                   {"end", ms(w.end)},
                                   {"confidence", r2(w.confidence)},
                                   {"redacted", w.redacted}});
    for (const auto& d : c.dialogue)
        dialogue.push_back(bj::object{
            {"channel", d.channel}, {"speaker", d.speaker}, {"start", ms(d.start)}, {"end", ms(d.end)}, {"text", d.text}});
    for (const auto& e : c.events) events.push_back(event(e));
    for (const auto& s : c.skipped) skipped.push_back(bj::object{{"detector", s.detector}, {"reason", s.reason}});
    for (const auto& f : c.flags) flags.push_back(bj::string(f));
    for (const auto& ch : c.redacted) {
        bj::array spans;
        for (const auto& s : ch) spans.push_back(bj::object{{"start", ms(s.start)}, {"end", ms(s.end)}});
        redacted.push_back(std::move(spans));
    }
    bj::array per_channel;
    for (const auto& s : c.stats.channels) per_channel.push_back(channel_stats(s));
    const auto& s = c.stats;
    bj::object stats{{"duration", ms(s.duration)},
                     {"talk", ms(s.talk)},
                     {"silence", ms(s.silence)},
                     {"noise", ms(s.noise)},
                     {"overtalk", ms(s.overtalk)},
                     {"interruptions", s.interruptions},
                     {"holds", s.holds},
                     {"hold", ms(s.hold)},
                     {"talk_ratio", r2(s.talk_ratio)},
                     {"words", s.words},
                     {"longest_monologue", ms(s.longest_monologue)},
                     {"channels", std::move(per_channel)}};
    bj::value transcriber = nullptr;
    if (!c.transcriber.empty()) transcriber = bj::object{{"name", c.transcriber}, {"settings", c.transcriber_settings}};
    bj::object root{{"duration", ms(c.acoustic.duration)},
                    {"acoustic", bj::parse(to_json(c.acoustic))},
                    {"transcriber", std::move(transcriber)},
                    {"words", std::move(words)},
                    {"dialogue", std::move(dialogue)},
                    {"events", std::move(events)},
                    {"stats", std::move(stats)},
                    {"skipped", std::move(skipped)},
                    {"flags", std::move(flags)},
                    {"redacted", std::move(redacted)}};
    return detail::json_text(root);
}

}  // namespace switchboard
