// switchboard: the readable timeline of an analysed call (see cli_timeline.hpp
// and docs/cli.md for the layout).
#include "cli_timeline.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace switchboard::cli {

namespace {

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string seconds(double v) { return fixed(v, 3) + " s"; }

std::string signed_db(double v) { return (v >= 0 ? "+" : "") + fixed(v, 1) + " dB"; }

struct Row {
    double start = 0, end = 0;
    int rank = 0;  // same start and end: speech, silence, noise, interruption, escalation
    int channel = 0;
    std::string kind, detail;
};

bool ran(const CallAnalysis& a, const std::string& detector) {
    return std::none_of(a.skipped.begin(), a.skipped.end(),
                        [&](const SkippedDetector& s) { return s.detector == detector; });
}

std::string label(const CallAnalysis& a, int channel) {
    if (channel >= 0 && channel < static_cast<int>(a.channels.size())) return a.channels[channel].label;
    return "channel " + std::to_string(channel + 1);
}

std::vector<Row> rows(const CallAnalysis& a, bool with_speech) {
    std::vector<Row> out;
    for (int c = 0; c < static_cast<int>(a.channels.size()); ++c) {
        const auto& ch = a.channels[c];
        if (with_speech)
            for (const auto& s : ch.speech) out.push_back({s.start, s.end, 0, c, "speech", ""});
        for (const auto& s : ch.silences) out.push_back({s.start, s.end, 1, c, "silence", ""});
        for (const auto& s : ch.noise) out.push_back({s.start, s.end, 2, c, "noise", ""});
        for (const auto& e : ch.escalations)
            out.push_back({e.start, e.end, 4, c, "escalation",
                           "pitch x" + fixed(e.pitch_ratio, 2) + ", level " + signed_db(e.level_db) +
                               " over the speech level"});
    }
    for (const auto& x : a.interruptions)
        out.push_back({x.start, x.end, 3, x.interrupter, "interruption",
                       label(a, x.interrupter) + " interrupted " + label(a, 1 - x.interrupter)});
    std::stable_sort(out.begin(), out.end(), [](const Row& l, const Row& r) {
        if (l.start != r.start) return l.start < r.start;
        if (l.end != r.end) return l.end < r.end;
        if (l.rank != r.rank) return l.rank < r.rank;
        return l.channel < r.channel;
    });
    return out;
}

std::string pad(std::string s, std::size_t width) {
    if (s.size() < width) s.append(width - s.size(), ' ');
    return s;
}

std::string channel_stats(const CallAnalysis& a, const ChannelAnalysis& ch) {
    const auto& s = ch.stats;
    std::string line = "duration " + seconds(s.duration);
    if (ran(a, "speech")) line += ", talk " + seconds(s.talk_time);
    line += ", silence " + seconds(s.silence_time) + " in " + std::to_string(s.silence_count) + " (" +
            fixed(s.silence_per_minute, 2) + " s/min)";
    if (ran(a, "noise")) line += ", noise " + seconds(s.noise_time) + " in " + std::to_string(s.noise_count);
    if (ran(a, "interruptions")) line += ", interruptions made " + std::to_string(s.interruptions_made);
    if (ran(a, "escalation"))
        line += ", escalations " + std::to_string(s.escalation_count) + " (" + seconds(s.escalation_time) + ")";
    if (ran(a, "pitch"))
        line += ", median pitch " + (s.median_pitch_hz > 0 ? fixed(s.median_pitch_hz, 1) + " Hz" : "none");
    if (ran(a, "speech"))
        line += ", speech level " + (s.talk_time > 0 ? fixed(s.speech_level_dbfs, 1) + " dBFS" : "none");
    line += ", loudness " + fixed(s.loudness_dbfs, 1) + " dBFS";
    return line;
}

std::string call_stats(const CallAnalysis& a) {
    const auto& s = a.stats;
    std::string line = "duration " + seconds(s.duration);
    if (ran(a, "speech")) line += ", talk " + seconds(s.talk_time);
    line += ", silence " + seconds(s.silence_time) + " (" + fixed(s.silence_per_minute, 2) + " s/min)";
    if (ran(a, "noise")) line += ", noise " + seconds(s.noise_time);
    if (ran(a, "interruptions"))
        line += ", interruptions " + std::to_string(s.interruption_count) + " (" + seconds(s.interruption_time) +
                ", " + fixed(s.interruptions_per_minute, 2) + "/min, " + fixed(s.interruption_time_per_minute, 2) +
                " s/min)";
    if (ran(a, "escalation")) line += ", escalations " + std::to_string(s.escalation_count);
    return line;
}

}  // namespace

std::string clock_time(double seconds, bool hours) {
    long long ms = std::llround(std::max(0.0, seconds) * 1000.0);
    long long h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, f = ms % 1000;
    char buf[64];
    if (hours)
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld.%03lld", h, m, s, f);
    else
        std::snprintf(buf, sizeof buf, "%02lld:%02lld.%03lld", ms / 60000, s, f);
    return buf;
}

void write_timeline(std::ostream& out, const std::string& name, const CallAnalysis& a, bool with_speech) {
    const bool hours = a.duration >= 3600.0;
    // Header: name, duration, rate(s), channels.
    out << name << ": " << clock_time(a.duration, hours) << " (" << seconds(a.duration) << "), ";
    bool same_rate = std::all_of(a.channels.begin(), a.channels.end(),
                                 [&](const ChannelAnalysis& ch) { return ch.sample_rate == a.sample_rate; });
    if (same_rate) {
        out << a.sample_rate << " Hz";
    } else {
        for (std::size_t c = 0; c < a.channels.size(); ++c)
            out << (c ? " / " : "") << a.channels[c].label << " " << a.channels[c].sample_rate << " Hz";
    }
    out << ", " << a.channels.size() << (a.channels.size() == 1 ? " channel (" : " channels (");
    for (std::size_t c = 0; c < a.channels.size(); ++c) out << (c ? ", " : "") << a.channels[c].label;
    out << ")\n";

    std::size_t label_width = 0;
    for (const auto& ch : a.channels) label_width = std::max(label_width, ch.label.size());

    out << "events:\n";
    auto events = rows(a, with_speech);
    if (events.empty()) out << "  none\n";
    for (const auto& r : events) {
        out << "  " << clock_time(r.start, hours) << "-" << clock_time(r.end, hours) << "  "
            << pad(label(a, r.channel), label_width) << "  " << pad(r.kind, 12) << "  "
            << seconds(r.end - r.start);
        if (!r.detail.empty()) out << "  " << r.detail;
        out << "\n";
    }

    out << "stats:\n";
    std::size_t width = std::max<std::size_t>(label_width, 4) + 1;
    for (const auto& ch : a.channels) out << "  " << pad(ch.label + ":", width) << " " << channel_stats(a, ch) << "\n";
    out << "  " << pad("call:", width) << " " << call_stats(a) << "\n";

    if (!a.skipped.empty()) {
        out << "skipped:\n";
        for (const auto& s : a.skipped) out << "  " << s.detector << ": " << s.reason << "\n";
    }
}

namespace {

std::string event_detail(const CallEvent& e) {
    std::string d = e.type;
    if (e.type == "phrase") d += " (" + e.pool + ") \"" + e.text + "\"";
    else if (e.type == "promise") d += " \"" + e.text + "\"" + (e.time_statement.empty() ? "" : ", due " + e.time_statement);
    else if (e.type == "interruption") d += ": " + e.speaker + " interrupted " + e.interrupted;
    else if (e.type == "card_number") d += " " + e.text + (e.brand.empty() ? "" : " (" + e.brand + ")") + ", redacted";
    else if (e.type == "security_code" || e.type == "expiry_date" || e.type == "pin") d += ", redacted";
    else if (e.type == "escalation")
        d += ": pitch x" + fixed(e.pitch_ratio, 2) + ", level " + signed_db(e.level_db);
    // Heard by keyword spotting, not in the words.
    if (!e.spotted.empty()) d += e.spotted == e.text ? std::string(", spotted") : ", spotted \"" + e.spotted + "\"";
    return d + " (" + seconds(e.end - e.start) + ")";
}

}  // namespace

void write_dialogue(std::ostream& out, const std::string& name, const SpokenCall& c) {
    const bool hours = c.stats.duration >= 3600.0;
    out << name << ": " << clock_time(c.stats.duration, hours) << " (" << seconds(c.stats.duration) << "), "
        << c.acoustic.channels.size() << (c.acoustic.channels.size() == 1 ? " channel (" : " channels (");
    for (std::size_t i = 0; i < c.acoustic.channels.size(); ++i) out << (i ? ", " : "") << c.acoustic.channels[i].label;
    out << ")";
    if (!c.transcriber.empty()) out << ", transcribed by " << c.transcriber << " (" << c.transcriber_settings << ")";
    out << "\n";
    struct Line {
        double start;
        int rank;  // a turn before the events that start with it
        std::string who, text;
    };
    std::vector<Line> lines;
    for (const auto& d : c.dialogue) lines.push_back({d.start, 0, d.speaker, "| " + d.text});
    for (const auto& e : c.events)
        lines.push_back({e.start, 1, e.speaker.empty() ? "call" : e.speaker, "> " + event_detail(e)});
    std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
        return a.start < b.start || (a.start == b.start && a.rank < b.rank);
    });
    out << "dialogue:\n";
    if (lines.empty()) out << "  (no speech)\n";
    char who[16];
    for (const auto& l : lines) {
        std::snprintf(who, sizeof who, "%-7s", l.who.c_str());
        out << "  " << clock_time(l.start, hours) << "  " << who << l.text << "\n";
    }
    out << "stats:\n";
    for (const auto& s : c.stats.channels)
        out << "  " << s.speaker << ": talk " << seconds(s.talk) << ", silence " << seconds(s.silence) << ", noise "
            << seconds(s.noise) << ", overtalk " << seconds(s.overtalk) << ", " << s.words << " words ("
            << fixed(s.words_per_minute, 0) << " per minute), longest monologue " << seconds(s.longest_monologue)
            << ", interruptions made " << s.interruptions_made << "\n";
    const auto& t = c.stats;
    out << "  call: talk " << seconds(t.talk) << ", silence " << seconds(t.silence) << ", noise " << seconds(t.noise)
        << ", overtalk " << seconds(t.overtalk) << ", " << t.interruptions << " interruptions, " << t.holds
        << " holds (" << seconds(t.hold) << "), talk ratio agent/client " << fixed(t.talk_ratio, 2) << "\n";
    if (!c.flags.empty()) {
        out << "flags:";
        for (const auto& f : c.flags) out << " " << f;
        out << "\n";
    }
    if (!c.skipped.empty()) {
        out << "skipped:\n";
        for (const auto& s : c.skipped) out << "  " << s.detector << ": " << s.reason << "\n";
    }
}

}  // namespace switchboard::cli
