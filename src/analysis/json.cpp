// The analysis result as JSON (the shape documented in analysis.hpp).
#include <boost/json.hpp>

#include <cmath>

#include "core/json_text.hpp"
#include "switchboard/analysis.hpp"

namespace switchboard {

namespace bj = boost::json;

namespace {

double ms(double seconds) { return std::round(seconds * 1000.0) / 1000.0; }
double r2(double v) { return std::round(v * 100.0) / 100.0; }

template <class T>
bj::array spans(const std::vector<T>& v) {
    bj::array out;
    out.reserve(v.size());
    for (const auto& s : v) out.push_back(bj::object{{"start", ms(s.start)}, {"end", ms(s.end)}});
    return out;
}

bj::object channel_stats(const ChannelStats& s) {
    return {{"duration", ms(s.duration)},
            {"talk_time", ms(s.talk_time)},
            {"silence_time", ms(s.silence_time)},
            {"silence_per_minute", ms(s.silence_per_minute)},
            {"silence_count", s.silence_count},
            {"noise_time", ms(s.noise_time)},
            {"noise_count", s.noise_count},
            {"escalation_count", s.escalation_count},
            {"escalation_time", ms(s.escalation_time)},
            {"interruptions_made", s.interruptions_made},
            {"median_pitch_hz", r2(s.median_pitch_hz)},
            {"speech_level_dbfs", r2(s.speech_level_dbfs)},
            {"loudness_dbfs", r2(s.loudness_dbfs)}};
}

bj::object call_stats(const CallStats& s) {
    return {{"duration", ms(s.duration)},
            {"talk_time", ms(s.talk_time)},
            {"silence_time", ms(s.silence_time)},
            {"silence_per_minute", ms(s.silence_per_minute)},
            {"noise_time", ms(s.noise_time)},
            {"interruption_count", s.interruption_count},
            {"interruption_time", ms(s.interruption_time)},
            {"interruptions_per_minute", ms(s.interruptions_per_minute)},
            {"interruption_time_per_minute", ms(s.interruption_time_per_minute)},
            {"escalation_count", s.escalation_count}};
}

}  // namespace

std::string to_json(const CallAnalysis& a) {
    bj::array channels;
    for (const auto& ch : a.channels) {
        bj::array esc;
        for (const auto& e : ch.escalations)
            esc.push_back(bj::object{{"start", ms(e.start)},
                                     {"end", ms(e.end)},
                                     {"pitch_ratio", ms(e.pitch_ratio)},
                                     {"level_db", r2(e.level_db)}});
        channels.push_back(bj::object{{"label", ch.label},
                                      {"sample_rate", ch.sample_rate},
                                      {"speech", spans(ch.speech)},
                                      {"silences", spans(ch.silences)},
                                      {"noise", spans(ch.noise)},
                                      {"escalations", std::move(esc)},
                                      {"median_pitch_hz", r2(ch.median_pitch_hz)},
                                      {"stats", channel_stats(ch.stats)}});
    }
    bj::array inter;
    for (const auto& x : a.interruptions)
        inter.push_back(bj::object{{"start", ms(x.start)}, {"end", ms(x.end)}, {"interrupter", x.interrupter}});
    bj::array skipped;
    for (const auto& s : a.skipped) skipped.push_back(bj::object{{"detector", s.detector}, {"reason", s.reason}});
    bj::object root{{"duration", ms(a.duration)},
                    {"sample_rate", a.sample_rate},
                    {"analysis_rate", a.analysis_rate},
                    {"channels", std::move(channels)},
                    {"interruptions", std::move(inter)},
                    {"stats", call_stats(a.stats)},
                    {"skipped", std::move(skipped)}};
    return detail::json_text(root);
}

std::string to_json(const AnalysisEvent& e) {
    bj::object o{{"kind", std::string(to_string(e.kind))},
                 {"channel", e.channel},
                 {"start", ms(e.start)},
                 {"end", ms(e.end)},
                 {"open", e.open}};
    if (e.kind == EventKind::escalation) {
        o["pitch_ratio"] = ms(e.pitch_ratio);
        o["level_db"] = r2(e.level_db);
    }
    return detail::json_text(o);
}

}  // namespace switchboard
