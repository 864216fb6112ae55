// switchboard: the audio analysis engine. Samples in, results out: what
// happened in a call recording (silences, speech, noise, interruptions,
// pitch, escalation and their statistics), on one core, in bounded memory.
//
// One engine: StreamingAnalyzer takes chunks as they arrive and reports
// events once they are certain; every batch entry point (a WAV file, two mono
// WAV files, a WAV held in memory, samples in memory) decodes in blocks and
// runs the same streaming analyzer over the whole input. The same audio gives
// the same silences, speech, noise and interruptions however it is chunked.
//
// The engine does not know about organisations or the store: the caller maps
// an organisation's standards onto AnalysisOptions (silence_len_ms onto
// silence_min_ms, interruption_len_ms onto interruption_min_ms).
//
// Every definition and default is documented in docs/analysis.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace switchboard {

// All audio is analysed at this rate (Hz), in frames of kAnalysisFrameMs.
inline constexpr int kAnalysisRate = 8000;
inline constexpr int kAnalysisFrameMs = 10;

// Every option has a documented default; validate() (called by every entry
// point) refuses a value out of range with Error(invalid_argument) naming
// the option.
struct AnalysisOptions {
    // Silence: a frame is silent when its level is below the channel's
    // loudness plus silence_relative_db (the loudness is the energy mean of
    // the channel's frames above silence_floor_dbfs so far), or below
    // silence_floor_dbfs. A silence is silent frames, outside speech, lasting
    // at least silence_min_ms.
    double silence_relative_db = -15.0;
    double silence_floor_dbfs = -60.0;
    // When set, this absolute threshold replaces the relative rule.
    std::optional<double> silence_threshold_dbfs;
    int silence_min_ms = 500;

    // Voice analysis: pitch (YIN), speech activity, noise, interruptions and
    // escalation. Off, only levels and silences are computed (the fastest
    // pass); the other detectors are listed in CallAnalysis::skipped.
    bool voice = true;
    double pitch_min_hz = 65.0;
    double pitch_max_hz = 500.0;
    double voicing_threshold = 0.25;  // YIN aperiodicity at or below which a frame is voiced
    int speech_min_voiced_ms = 50;    // a voiced run this long starts speech
    int speech_hangover_ms = 150;     // non-silent audio this close to such a run is speech too
    // Pauses up to this long inside a turn belong to the turn; -1 (the
    // default): pauses shorter than a silence (silence_min_ms less 20 ms,
    // at most 2000), so a turn ends only at a reported silence.
    int speech_gap_ms = -1;
    int noise_min_ms = 50;            // shorter non-speech bursts are not reported as noise

    // Interruptions (two channels): both speaking at once for at least this long.
    int interruption_min_ms = 750;

    // Escalation: voiced speech whose pitch is at least escalation_pitch_ratio
    // times the channel's median pitch while its level is at least
    // escalation_level_db above the channel's median speech level, for at
    // least escalation_min_ms (gaps up to escalation_gap_ms bridged).
    double escalation_pitch_ratio = 1.2;
    double escalation_level_db = 4.0;
    int escalation_min_ms = 600;
    int escalation_gap_ms = 200;

    // Longest recording accepted (seconds); longer input is Error(too_large).
    double max_duration_s = 4 * 3600.0;

    void validate() const;
};

struct TimeSpan {
    double start = 0;  // seconds from the start of the call
    double end = 0;
};

struct Escalation {
    double start = 0, end = 0;
    double pitch_ratio = 0;  // mean pitch over the span / the channel's median pitch
    double level_db = 0;     // mean level over the span minus the channel's median speech level
};

struct Interruption {
    double start = 0, end = 0;  // the overlap
    int interrupter = 0;        // channel index of the one who started while the other was speaking
};

struct ChannelStats {
    double duration = 0;             // seconds of audio in this channel
    double talk_time = 0;            // seconds of speech
    double silence_time = 0;         // seconds inside reported silences
    double silence_per_minute = 0;   // silence seconds per minute of the channel
    double noise_time = 0;           // seconds inside reported noise
    int silence_count = 0;
    int noise_count = 0;
    int escalation_count = 0;
    double escalation_time = 0;
    int interruptions_made = 0;      // interruptions this channel started
    double median_pitch_hz = 0;      // 0 when no voiced speech was found
    double speech_level_dbfs = 0;    // median level of the speech frames; -120 when none
    double loudness_dbfs = 0;        // the silence reference at the end of the call
};

struct ChannelAnalysis {
    std::string label;  // "agent", "client" or "mono"
    int sample_rate = 0;  // of the input this channel came from
    std::vector<TimeSpan> speech;
    std::vector<TimeSpan> silences;
    std::vector<TimeSpan> noise;
    std::vector<Escalation> escalations;
    double median_pitch_hz = 0;
    ChannelStats stats;
};

struct CallStats {
    double duration = 0;
    double talk_time = 0;                    // sum over channels
    double silence_time = 0;                 // sum over channels
    double silence_per_minute = 0;           // silence_time per minute of call
    double noise_time = 0;                   // sum over channels
    int interruption_count = 0;
    double interruption_time = 0;
    double interruptions_per_minute = 0;
    double interruption_time_per_minute = 0;  // seconds of interruption per minute
    int escalation_count = 0;
};

struct SkippedDetector {
    std::string detector;  // "interruptions", "escalation" ...
    std::string reason;
};

struct CallAnalysis {
    double duration = 0;     // seconds: the longest channel
    int sample_rate = 0;     // of the (first) input
    int analysis_rate = kAnalysisRate;
    std::vector<ChannelAnalysis> channels;
    std::vector<Interruption> interruptions;
    CallStats stats;
    std::vector<SkippedDetector> skipped;
};

// ------------------------------------------------------------------ batch
// A WAV file: mono, or stereo with the agent on channel 1 and the client on
// channel 2. Anything that is not a readable WAV is Error(invalid_argument,
// "binary needs to be in .WAV format: <reason>", field "file"); a recording
// with no samples, more than two channels or a rate outside 8000-48000 Hz is
// Error(invalid_argument); one longer than max_duration_s is Error(too_large).
CallAnalysis analyze_file(const std::string& path, const AnalysisOptions& options = {});
// A call recorded as two mono WAV files (rates and lengths may differ),
// aligned at their start. Errors name the field "agent" or "client".
CallAnalysis analyze_files(const std::string& agent_path, const std::string& client_path,
                           const AnalysisOptions& options = {});
// A WAV file held in memory (an upload), with the same rules as analyze_file.
CallAnalysis analyze_wav(std::span<const std::byte> wav, const AnalysisOptions& options = {});
// Interleaved samples in memory (1 or 2 channels). int16 is full scale at
// 32768; float at 1.0.
CallAnalysis analyze_samples(std::span<const std::int16_t> interleaved, int sample_rate, int channels,
                             const AnalysisOptions& options = {});
CallAnalysis analyze_samples(std::span<const float> interleaved, int sample_rate, int channels,
                             const AnalysisOptions& options = {});

// ------------------------------------------------------------------ streaming
enum class EventKind { speech, silence, noise, interruption, escalation };
std::string_view to_string(EventKind k) noexcept;

struct AnalysisEvent {
    EventKind kind = EventKind::speech;
    int channel = 0;     // the channel; for an interruption, the interrupter
    double start = 0, end = 0;
    // An interruption is reported twice: open (end = now) as soon as it has
    // lasted interruption_min_ms, then closed when it ends. Other events are
    // reported once, closed, when they end.
    bool open = false;
    double pitch_ratio = 0;  // escalation only
    double level_db = 0;     // escalation only
};

class StreamingAnalyzer {
public:
    // One stream of interleaved samples: 1 channel (mono) or 2 (agent, client).
    StreamingAnalyzer(int sample_rate, int channels, const AnalysisOptions& options = {});
    // Two mono streams (agent, client) with their own rates, fed by push_channel.
    static StreamingAnalyzer two_mono(int agent_rate, int client_rate, const AnalysisOptions& options = {});
    ~StreamingAnalyzer();
    StreamingAnalyzer(StreamingAnalyzer&&) noexcept;
    StreamingAnalyzer& operator=(StreamingAnalyzer&&) noexcept;

    // Interleaved samples in the stream's layout (not for two_mono); any
    // number of whole sample frames.
    void push(std::span<const std::int16_t> interleaved);
    void push(std::span<const float> interleaved);
    // Samples of one channel (0 agent or mono, 1 client).
    void push_channel(int channel, std::span<const std::int16_t> samples);
    void push_channel(int channel, std::span<const float> samples);

    // The events that became certain since the last call, in the order found.
    // Escalations here are judged against the medians so far; the final
    // result's escalations use the medians of the whole call.
    std::vector<AnalysisEvent> take_events();
    // Seconds of audio analysed so far (the channel furthest behind).
    double analysed_seconds() const;

    // Ends the stream and returns the result; the analyzer is spent after it.
    // Events found while finishing remain available through take_events().
    CallAnalysis finish();

private:
    struct Impl;
    explicit StreamingAnalyzer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// The result as JSON: {"duration", "sample_rate", "analysis_rate",
// "channels": [{"label", "sample_rate", "speech": [{"start","end"}],
// "silences", "noise", "escalations": [{"start","end","pitch_ratio","level_db"}],
// "median_pitch_hz", "stats": {...}}], "interruptions": [{"start","end",
// "interrupter"}], "stats": {...}, "skipped": [{"detector","reason"}]}.
// Times in seconds, rounded to the millisecond.
std::string to_json(const CallAnalysis& analysis);
std::string to_json(const AnalysisEvent& event);

}  // namespace switchboard
