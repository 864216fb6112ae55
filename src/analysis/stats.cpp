// Statistics per channel and per call, from the spans the detectors found.
#include "analysis/engine.hpp"

namespace switchboard::analysis {

namespace {

template <class T>
double total(const std::vector<T>& spans) {
    double s = 0;
    for (const auto& x : spans) s += x.end - x.start;
    return s;
}

double per_minute(double value, double duration) { return duration > 0 ? value * 60.0 / duration : 0.0; }

}  // namespace

void compute_stats(CallAnalysis& a) {
    CallStats& call = a.stats;
    call = CallStats{};
    call.duration = a.duration;
    for (std::size_t i = 0; i < a.channels.size(); ++i) {
        ChannelAnalysis& ch = a.channels[i];
        ChannelStats& s = ch.stats;
        s.talk_time = total(ch.speech);
        s.silence_time = total(ch.silences);
        s.silence_count = static_cast<int>(ch.silences.size());
        s.silence_per_minute = per_minute(s.silence_time, s.duration);
        s.noise_time = total(ch.noise);
        s.noise_count = static_cast<int>(ch.noise.size());
        s.escalation_count = static_cast<int>(ch.escalations.size());
        s.escalation_time = total(ch.escalations);
        s.median_pitch_hz = ch.median_pitch_hz;
        s.interruptions_made = 0;
        for (const auto& x : a.interruptions)
            if (x.interrupter == static_cast<int>(i)) ++s.interruptions_made;
        call.talk_time += s.talk_time;
        call.silence_time += s.silence_time;
        call.noise_time += s.noise_time;
        call.escalation_count += s.escalation_count;
    }
    call.silence_per_minute = per_minute(call.silence_time, call.duration);
    call.interruption_count = static_cast<int>(a.interruptions.size());
    call.interruption_time = total(a.interruptions);
    call.interruptions_per_minute = per_minute(call.interruption_count, call.duration);
    call.interruption_time_per_minute = per_minute(call.interruption_time, call.duration);
}

}  // namespace switchboard::analysis
