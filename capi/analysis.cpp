// The audio analysis engine through the C API: options, batch analysis,
// result accessors, JSON, and the streaming analyzer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "capi_internal.hpp"
#include "switchboard/analysis.hpp"

// The wrappers behind the opaque handles.
struct sb_analysis {
    switchboard::CallAnalysis result;
};

struct sb_analyzer {
    switchboard::StreamingAnalyzer analyzer;
    int channels;  // of an interleaved stream; 0 for two mono streams
    // Events taken from the analyzer but not yet handed out (only when
    // handing them out ran out of memory).
    std::vector<switchboard::AnalysisEvent> pending;
};

using namespace switchboard;
using namespace switchboard::capi;

namespace {

// SB_ANALYSIS_OPTIONS_INIT must hold the C++ defaults.
constexpr sb_analysis_options kInit = SB_ANALYSIS_OPTIONS_INIT;
constexpr AnalysisOptions kDefaults{};
static_assert(kInit.silence_relative_db == kDefaults.silence_relative_db &&
                  kInit.silence_floor_dbfs == kDefaults.silence_floor_dbfs &&
                  kInit.use_silence_threshold == 0 && !kDefaults.silence_threshold_dbfs &&
                  kInit.silence_min_ms == kDefaults.silence_min_ms && (kInit.voice != 0) == kDefaults.voice &&
                  kInit.pitch_min_hz == kDefaults.pitch_min_hz && kInit.pitch_max_hz == kDefaults.pitch_max_hz &&
                  kInit.voicing_threshold == kDefaults.voicing_threshold &&
                  kInit.speech_min_voiced_ms == kDefaults.speech_min_voiced_ms &&
                  kInit.speech_hangover_ms == kDefaults.speech_hangover_ms &&
                  kInit.speech_gap_ms == kDefaults.speech_gap_ms && kInit.noise_min_ms == kDefaults.noise_min_ms &&
                  kInit.interruption_min_ms == kDefaults.interruption_min_ms &&
                  kInit.escalation_pitch_ratio == kDefaults.escalation_pitch_ratio &&
                  kInit.escalation_level_db == kDefaults.escalation_level_db &&
                  kInit.escalation_min_ms == kDefaults.escalation_min_ms &&
                  kInit.escalation_gap_ms == kDefaults.escalation_gap_ms &&
                  kInit.max_duration_s == kDefaults.max_duration_s,
              "SB_ANALYSIS_OPTIONS_INIT and switchboard::AnalysisOptions disagree on a default");

// The C kinds are the C++ EventKind values.
static_assert(SB_KIND_SPEECH == static_cast<int>(EventKind::speech) &&
              SB_KIND_SILENCE == static_cast<int>(EventKind::silence) &&
              SB_KIND_NOISE == static_cast<int>(EventKind::noise) &&
              SB_KIND_INTERRUPTION == static_cast<int>(EventKind::interruption) &&
              SB_KIND_ESCALATION == static_cast<int>(EventKind::escalation));

void check_version(unsigned int got, unsigned int known, const char* what) {
    if (got == 0 || got > known)
        throw Error(ErrorCode::invalid_argument,
                    std::string(what) + " version " + std::to_string(got) +
                        " is not supported (this switchboard knows versions 1 to " + std::to_string(known) + ")",
                    "version");
}

// The C++ options of a C struct; NULL gives the defaults. Range checks are
// the engine's (AnalysisOptions::validate, run by every entry point).
AnalysisOptions analysis_options(const sb_analysis_options* c) {
    AnalysisOptions o;
    if (c == nullptr) return o;
    check_version(c->version, SB_ANALYSIS_OPTIONS_VERSION, "sb_analysis_options");
    o.silence_relative_db = c->silence_relative_db;
    o.silence_floor_dbfs = c->silence_floor_dbfs;
    if (c->use_silence_threshold != 0) o.silence_threshold_dbfs = c->silence_threshold_dbfs;
    o.silence_min_ms = c->silence_min_ms;
    o.voice = c->voice != 0;
    o.pitch_min_hz = c->pitch_min_hz;
    o.pitch_max_hz = c->pitch_max_hz;
    o.voicing_threshold = c->voicing_threshold;
    o.speech_min_voiced_ms = c->speech_min_voiced_ms;
    o.speech_hangover_ms = c->speech_hangover_ms;
    o.speech_gap_ms = c->speech_gap_ms;
    o.noise_min_ms = c->noise_min_ms;
    o.interruption_min_ms = c->interruption_min_ms;
    o.escalation_pitch_ratio = c->escalation_pitch_ratio;
    o.escalation_level_db = c->escalation_level_db;
    o.escalation_min_ms = c->escalation_min_ms;
    o.escalation_gap_ms = c->escalation_gap_ms;
    o.max_duration_s = c->max_duration_s;
    return o;
}

// Hands a result to the caller.
void give(sb_analysis** out, CallAnalysis&& result) {
    *out = new sb_analysis{std::move(result)};
}

// The samples of `frames` interleaved frames of `channels`. A channel count
// the engine refuses gives an empty span: the engine then reports the count.
template <class T>
std::span<const T> interleaved(const T* data, std::size_t frames, int channels, const char* field) {
    if (channels < 1 || channels > 2) return {};
    if (frames == 0) return {};
    require(data, field);
    if (frames > SIZE_MAX / sizeof(T) / static_cast<std::size_t>(channels))
        throw Error(ErrorCode::too_large, "the buffer is larger than memory can hold", field);
    return {data, frames * static_cast<std::size_t>(channels)};
}

template <class T>
std::span<const T> samples(const T* data, std::size_t count, const char* field) {
    if (count == 0) return {};
    require(data, field);
    return {data, count};
}

const CallAnalysis& result_of(const sb_analysis* a) { return require(a, "analysis")->result; }

const ChannelAnalysis& channel_of(const sb_analysis* a, int channel) {
    const CallAnalysis& r = result_of(a);
    if (channel < 0 || static_cast<std::size_t>(channel) >= r.channels.size())
        throw Error(ErrorCode::invalid_argument,
                    "no channel " + std::to_string(channel) + ": the call has " + std::to_string(r.channels.size()),
                    "channel");
    return r.channels[static_cast<std::size_t>(channel)];
}

const std::vector<TimeSpan>& spans_of(const ChannelAnalysis& ch, int kind) {
    switch (kind) {
        case SB_KIND_SPEECH: return ch.speech;
        case SB_KIND_SILENCE: return ch.silences;
        case SB_KIND_NOISE: return ch.noise;
        default: break;
    }
    throw Error(ErrorCode::invalid_argument,
                "kind " + std::to_string(kind) +
                    " is not a span kind: use SB_KIND_SPEECH, SB_KIND_SILENCE or SB_KIND_NOISE "
                    "(escalations and interruptions have their own accessors)",
                "kind");
}

template <class T>
const T& at(const std::vector<T>& v, std::size_t index) {
    if (index >= v.size())
        throw Error(ErrorCode::invalid_argument,
                    "index " + std::to_string(index) + " is past the end (there are " + std::to_string(v.size()) +
                        ")",
                    "index");
    return v[index];
}

sb_analyzer& analyzer_of(sb_analyzer* a) { return *require(a, "analyzer"); }

void require_interleaved(const sb_analyzer& a) {
    if (a.channels == 0)
        throw Error(ErrorCode::invalid_argument,
                    "an analyzer of two mono streams takes sb_analyzer_push_channel_pcm16() or "
                    "sb_analyzer_push_channel_float(), not interleaved samples",
                    "analyzer");
}

void give(sb_analyzer** out, StreamingAnalyzer&& analyzer, int channels) {
    *out = new sb_analyzer{std::move(analyzer), channels, {}};
}

}  // namespace

extern "C" {

// ---------------------------------------------------------------- options

SB_EXTERN int sb_analysis_options_init(sb_analysis_options* opts, unsigned int version) {
    return guard([&] {
        require(opts, "opts");
        check_version(version, SB_ANALYSIS_OPTIONS_VERSION, "sb_analysis_options");
        const AnalysisOptions d;
        sb_analysis_options o = SB_ANALYSIS_OPTIONS_INIT;
        o.version = version;
        o.silence_relative_db = d.silence_relative_db;
        o.silence_floor_dbfs = d.silence_floor_dbfs;
        o.use_silence_threshold = d.silence_threshold_dbfs ? 1 : 0;
        o.silence_threshold_dbfs = d.silence_threshold_dbfs.value_or(d.silence_floor_dbfs);
        o.silence_min_ms = d.silence_min_ms;
        o.voice = d.voice ? 1 : 0;
        o.pitch_min_hz = d.pitch_min_hz;
        o.pitch_max_hz = d.pitch_max_hz;
        o.voicing_threshold = d.voicing_threshold;
        o.speech_min_voiced_ms = d.speech_min_voiced_ms;
        o.speech_hangover_ms = d.speech_hangover_ms;
        o.speech_gap_ms = d.speech_gap_ms;
        o.noise_min_ms = d.noise_min_ms;
        o.interruption_min_ms = d.interruption_min_ms;
        o.escalation_pitch_ratio = d.escalation_pitch_ratio;
        o.escalation_level_db = d.escalation_level_db;
        o.escalation_min_ms = d.escalation_min_ms;
        o.escalation_gap_ms = d.escalation_gap_ms;
        o.max_duration_s = d.max_duration_s;
        *opts = o;
    });
}

SB_EXTERN const char* sb_analysis_kind_name(int kind) {
    switch (kind) {
        case SB_KIND_SPEECH: return "speech";
        case SB_KIND_SILENCE: return "silence";
        case SB_KIND_NOISE: return "noise";
        case SB_KIND_INTERRUPTION: return "interruption";
        case SB_KIND_ESCALATION: return "escalation";
    }
    return "unknown";
}

// ---------------------------------------------------------------- batch

SB_EXTERN int sb_analyze_file(sb_analysis** out, const char* path, const sb_analysis_options* opts) {
    reset_out(out);
    return guard([&] {
        require(out, "out");
        const AnalysisOptions o = analysis_options(opts);
        give(out, analyze_file(std::string(text(path, "path")), o));
    });
}

SB_EXTERN int sb_analyze_files(sb_analysis** out, const char* agent_path, const char* client_path,
                               const sb_analysis_options* opts) {
    reset_out(out);
    return guard([&] {
        require(out, "out");
        const std::string agent(text(agent_path, "agent_path"));
        const std::string client(text(client_path, "client_path"));
        const AnalysisOptions o = analysis_options(opts);
        give(out, analyze_files(agent, client, o));
    });
}

SB_EXTERN int sb_analyze_wav(sb_analysis** out, const void* data, size_t len, const sb_analysis_options* opts) {
    reset_out(out);
    return guard([&] {
        require(out, "out");
        const AnalysisOptions o = analysis_options(opts);
        std::span<const std::byte> bytes;
        if (len > 0) bytes = {static_cast<const std::byte*>(require(data, "data")), len};
        give(out, analyze_wav(bytes, o));
    });
}

SB_EXTERN int sb_analyze_pcm16(sb_analysis** out, const int16_t* data, size_t frames, int sample_rate,
                               int channels, const sb_analysis_options* opts) {
    reset_out(out);
    return guard([&] {
        require(out, "out");
        const AnalysisOptions o = analysis_options(opts);
        give(out, analyze_samples(interleaved(data, frames, channels, "interleaved"), sample_rate, channels, o));
    });
}

SB_EXTERN int sb_analyze_float(sb_analysis** out, const float* data, size_t frames, int sample_rate, int channels,
                               const sb_analysis_options* opts) {
    reset_out(out);
    return guard([&] {
        require(out, "out");
        const AnalysisOptions o = analysis_options(opts);
        give(out, analyze_samples(interleaved(data, frames, channels, "interleaved"), sample_rate, channels, o));
    });
}

SB_EXTERN void sb_analysis_free(sb_analysis* analysis) { delete analysis; }

// ---------------------------------------------------------------- results

SB_EXTERN int sb_analysis_duration(const sb_analysis* a, double* out) {
    if (out) *out = 0;
    return guard([&] { *require(out, "out") = result_of(a).duration; });
}

SB_EXTERN int sb_analysis_sample_rate(const sb_analysis* a, int* out) {
    if (out) *out = 0;
    return guard([&] { *require(out, "out") = result_of(a).sample_rate; });
}

SB_EXTERN int sb_analysis_channel_count(const sb_analysis* a, int* out) {
    if (out) *out = 0;
    return guard([&] { *require(out, "out") = static_cast<int>(result_of(a).channels.size()); });
}

SB_EXTERN int sb_analysis_channel_label(const sb_analysis* a, const char** out, int channel) {
    reset_out(out);
    return guard([&] {
        require(out, "out");
        *out = channel_of(a, channel).label.c_str();
    });
}

SB_EXTERN int sb_analysis_channel_sample_rate(const sb_analysis* a, int* out, int channel) {
    if (out) *out = 0;
    return guard([&] {
        require(out, "out");
        *out = channel_of(a, channel).sample_rate;
    });
}

SB_EXTERN int sb_analysis_median_pitch(const sb_analysis* a, double* out, int channel) {
    if (out) *out = 0;
    return guard([&] {
        require(out, "out");
        *out = channel_of(a, channel).median_pitch_hz;
    });
}

SB_EXTERN int sb_analysis_span_count(const sb_analysis* a, size_t* out, int channel, int kind) {
    if (out) *out = 0;
    return guard([&] {
        require(out, "out");
        *out = spans_of(channel_of(a, channel), kind).size();
    });
}

SB_EXTERN int sb_analysis_span(const sb_analysis* a, sb_span* out, int channel, int kind, size_t index) {
    if (out) *out = sb_span{0, 0};
    return guard([&] {
        require(out, "out");
        const TimeSpan& s = at(spans_of(channel_of(a, channel), kind), index);
        *out = sb_span{s.start, s.end};
    });
}

SB_EXTERN int sb_analysis_escalation_count(const sb_analysis* a, size_t* out, int channel) {
    if (out) *out = 0;
    return guard([&] {
        require(out, "out");
        *out = channel_of(a, channel).escalations.size();
    });
}

SB_EXTERN int sb_analysis_escalation(const sb_analysis* a, sb_escalation* out, int channel, size_t index) {
    if (out) *out = sb_escalation{0, 0, 0, 0};
    return guard([&] {
        require(out, "out");
        const Escalation& e = at(channel_of(a, channel).escalations, index);
        *out = sb_escalation{e.start, e.end, e.pitch_ratio, e.level_db};
    });
}

SB_EXTERN int sb_analysis_interruption_count(const sb_analysis* a, size_t* out) {
    if (out) *out = 0;
    return guard([&] { *require(out, "out") = result_of(a).interruptions.size(); });
}

SB_EXTERN int sb_analysis_interruption(const sb_analysis* a, sb_interruption* out, size_t index) {
    if (out) *out = sb_interruption{0, 0, 0};
    return guard([&] {
        require(out, "out");
        const Interruption& x = at(result_of(a).interruptions, index);
        *out = sb_interruption{x.start, x.end, x.interrupter};
    });
}

SB_EXTERN int sb_analysis_channel_stats(const sb_analysis* a, sb_channel_stats* out, int channel) {
    return guard([&] {
        require(out, "out");
        check_version(out->version, SB_CHANNEL_STATS_VERSION, "sb_channel_stats");
        const ChannelStats& s = channel_of(a, channel).stats;
        out->duration = s.duration;
        out->talk_time = s.talk_time;
        out->silence_time = s.silence_time;
        out->silence_per_minute = s.silence_per_minute;
        out->noise_time = s.noise_time;
        out->silence_count = s.silence_count;
        out->noise_count = s.noise_count;
        out->escalation_count = s.escalation_count;
        out->escalation_time = s.escalation_time;
        out->interruptions_made = s.interruptions_made;
        out->median_pitch_hz = s.median_pitch_hz;
        out->speech_level_dbfs = s.speech_level_dbfs;
        out->loudness_dbfs = s.loudness_dbfs;
    });
}

SB_EXTERN int sb_analysis_call_stats(const sb_analysis* a, sb_call_stats* out) {
    return guard([&] {
        require(out, "out");
        check_version(out->version, SB_CALL_STATS_VERSION, "sb_call_stats");
        const CallStats& s = result_of(a).stats;
        out->duration = s.duration;
        out->talk_time = s.talk_time;
        out->silence_time = s.silence_time;
        out->silence_per_minute = s.silence_per_minute;
        out->noise_time = s.noise_time;
        out->interruption_count = s.interruption_count;
        out->interruption_time = s.interruption_time;
        out->interruptions_per_minute = s.interruptions_per_minute;
        out->interruption_time_per_minute = s.interruption_time_per_minute;
        out->escalation_count = s.escalation_count;
    });
}

SB_EXTERN int sb_analysis_skipped_count(const sb_analysis* a, size_t* out) {
    if (out) *out = 0;
    return guard([&] { *require(out, "out") = result_of(a).skipped.size(); });
}

SB_EXTERN int sb_analysis_skipped(const sb_analysis* a, const char** out_detector, const char** out_reason,
                                  size_t index) {
    reset_out(out_detector);
    reset_out(out_reason);
    return guard([&] {
        require(out_detector, "out_detector");
        require(out_reason, "out_reason");
        const SkippedDetector& s = at(result_of(a).skipped, index);
        *out_detector = s.detector.c_str();
        *out_reason = s.reason.c_str();
    });
}

SB_EXTERN int sb_analysis_json(const sb_analysis* a, char** out_json) {
    reset_out(out_json);
    return guard([&] {
        require(out_json, "out_json");
        *out_json = to_c_string(to_json(result_of(a)));
    });
}

// ---------------------------------------------------------------- streaming

SB_EXTERN int sb_analyzer_new(sb_analyzer** out, int sample_rate, int channels, const sb_analysis_options* opts) {
    reset_out(out);
    return guard([&] {
        require(out, "out");
        const AnalysisOptions o = analysis_options(opts);
        give(out, StreamingAnalyzer(sample_rate, channels, o), channels);
    });
}

SB_EXTERN int sb_analyzer_new_two_mono(sb_analyzer** out, int agent_rate, int client_rate,
                                       const sb_analysis_options* opts) {
    reset_out(out);
    return guard([&] {
        require(out, "out");
        const AnalysisOptions o = analysis_options(opts);
        give(out, StreamingAnalyzer::two_mono(agent_rate, client_rate, o), 0);
    });
}

SB_EXTERN int sb_analyzer_push_pcm16(sb_analyzer* analyzer, const int16_t* data, size_t frames) {
    return guard([&] {
        sb_analyzer& a = analyzer_of(analyzer);
        require_interleaved(a);
        a.analyzer.push(interleaved(data, frames, a.channels, "interleaved"));
    });
}

SB_EXTERN int sb_analyzer_push_float(sb_analyzer* analyzer, const float* data, size_t frames) {
    return guard([&] {
        sb_analyzer& a = analyzer_of(analyzer);
        require_interleaved(a);
        a.analyzer.push(interleaved(data, frames, a.channels, "interleaved"));
    });
}

SB_EXTERN int sb_analyzer_push_channel_pcm16(sb_analyzer* analyzer, int channel, const int16_t* data,
                                             size_t count) {
    return guard([&] { analyzer_of(analyzer).analyzer.push_channel(channel, samples(data, count, "samples")); });
}

SB_EXTERN int sb_analyzer_push_channel_float(sb_analyzer* analyzer, int channel, const float* data, size_t count) {
    return guard([&] { analyzer_of(analyzer).analyzer.push_channel(channel, samples(data, count, "samples")); });
}

SB_EXTERN int sb_analyzer_take_events(sb_analyzer* analyzer, sb_analysis_event** out_events, size_t* out_count) {
    reset_out(out_events);
    if (out_count) *out_count = 0;
    return guard([&] {
        sb_analyzer& a = analyzer_of(analyzer);
        require(out_events, "out_events");
        require(out_count, "out_count");
        std::vector<AnalysisEvent> fresh = a.analyzer.take_events();
        if (a.pending.empty())
            a.pending = std::move(fresh);
        else
            a.pending.insert(a.pending.end(), fresh.begin(), fresh.end());
        if (a.pending.empty()) return;
        // Kept in `pending` until the copy exists, so running out of memory
        // here loses no event.
        auto* events = static_cast<sb_analysis_event*>(std::malloc(a.pending.size() * sizeof(sb_analysis_event)));
        if (events == nullptr) throw std::bad_alloc();
        for (std::size_t i = 0; i < a.pending.size(); ++i) {
            const AnalysisEvent& e = a.pending[i];
            events[i] = sb_analysis_event{static_cast<int>(e.kind), e.channel, e.start, e.end, e.open ? 1 : 0,
                                          e.pitch_ratio, e.level_db};
        }
        *out_events = events;
        *out_count = a.pending.size();
        a.pending.clear();
    });
}

SB_EXTERN int sb_analyzer_analysed_seconds(const sb_analyzer* analyzer, double* out) {
    if (out) *out = 0;
    return guard([&] {
        require(out, "out");
        *out = require(analyzer, "analyzer")->analyzer.analysed_seconds();
    });
}

SB_EXTERN int sb_analyzer_finish(sb_analyzer* analyzer, sb_analysis** out) {
    reset_out(out);
    return guard([&] {
        sb_analyzer& a = analyzer_of(analyzer);
        require(out, "out");
        give(out, a.analyzer.finish());
    });
}

SB_EXTERN void sb_analyzer_free(sb_analyzer* analyzer) { delete analyzer; }

}  // extern "C"
