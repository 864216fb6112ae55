// The one engine: a streaming analyzer. Each channel is converted to the
// analysis rate, cut into 10 ms frames, given its level and (outside
// silence) its YIN pitch, and fed to its detectors; the interruption
// detector reads both channels' speech. Samples are kept only until every
// frame that reads them is done, so memory stays bounded by the block size
// plus the per-frame arrays.
#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>
#include <utility>

#include "analysis/detectors.hpp"
#include "analysis/engine.hpp"
#include "analysis/features.hpp"
#include "analysis/resample.hpp"
#include "switchboard/error.hpp"

namespace switchboard {

using namespace analysis;

namespace analysis {

void throw_channels(int channels, const std::string& field) {
    throw Error(ErrorCode::invalid_argument,
                "the recording has " + std::to_string(channels) +
                    " channels; switchboard analyses one (mono) or two (agent, client)",
                field);
}

void throw_rate(int rate, const std::string& field) {
    throw Error(ErrorCode::invalid_argument,
                "the sample rate " + std::to_string(rate) + " Hz is outside 8000-48000 Hz", field);
}

void check_format(int rate, int channels, const std::string& field) {
    if (channels < 1 || channels > 2) throw_channels(channels, field);
    if (rate < 8000 || rate > 48000) throw_rate(rate, field);
}

}  // namespace analysis

namespace {

void require(bool ok, const char* field, const std::string& what) {
    if (!ok) throw Error(ErrorCode::invalid_argument, std::string(field) + " " + what, field);
}

constexpr std::size_t kBlockFrames = 4096;   // input sample frames converted at a time
constexpr std::size_t kCompactAt = 1 << 13;  // analysis samples dropped at a time (the buffer stays in cache)

}  // namespace

void AnalysisOptions::validate() const {
    require(silence_relative_db >= -60 && silence_relative_db <= 0, "silence_relative_db", "must be -60 to 0 dB");
    require(silence_floor_dbfs >= -120 && silence_floor_dbfs <= 0, "silence_floor_dbfs", "must be -120 to 0 dBFS");
    require(!silence_threshold_dbfs || (*silence_threshold_dbfs >= -120 && *silence_threshold_dbfs <= 0),
            "silence_threshold_dbfs", "must be -120 to 0 dBFS");
    require(silence_min_ms >= 10 && silence_min_ms <= 600000, "silence_min_ms", "must be 10 to 600000 ms");
    require(pitch_min_hz >= 50 && pitch_min_hz < pitch_max_hz && pitch_max_hz <= 1000, "pitch_min_hz",
            "and pitch_max_hz must satisfy 50 <= min < max <= 1000 Hz");
    require(voicing_threshold > 0 && voicing_threshold < 1, "voicing_threshold", "must be between 0 and 1");
    require(speech_min_voiced_ms >= 10 && speech_min_voiced_ms <= 1000, "speech_min_voiced_ms",
            "must be 10 to 1000 ms");
    require(speech_hangover_ms >= 0 && speech_hangover_ms <= 1000, "speech_hangover_ms", "must be 0 to 1000 ms");
    require(speech_gap_ms >= -1 && speech_gap_ms <= 2000, "speech_gap_ms", "must be 0 to 2000 ms, or -1");
    require(noise_min_ms >= 10 && noise_min_ms <= 600000, "noise_min_ms", "must be 10 to 600000 ms");
    require(interruption_min_ms >= 10 && interruption_min_ms <= 600000, "interruption_min_ms",
            "must be 10 to 600000 ms");
    require(escalation_pitch_ratio >= 1 && escalation_pitch_ratio <= 4, "escalation_pitch_ratio", "must be 1 to 4");
    require(escalation_level_db >= -20 && escalation_level_db <= 40, "escalation_level_db", "must be -20 to 40 dB");
    require(escalation_min_ms >= 10 && escalation_min_ms <= 600000, "escalation_min_ms", "must be 10 to 600000 ms");
    require(escalation_gap_ms >= 0 && escalation_gap_ms <= 2000, "escalation_gap_ms", "must be 0 to 2000 ms");
    require(max_duration_s > 0 && std::isfinite(max_duration_s), "max_duration_s", "must be a positive number");
}

std::string_view to_string(EventKind k) noexcept {
    switch (k) {
        case EventKind::speech: return "speech";
        case EventKind::silence: return "silence";
        case EventKind::noise: return "noise";
        case EventKind::interruption: return "interruption";
        case EventKind::escalation: return "escalation";
    }
    return "speech";
}

struct StreamingAnalyzer::Impl {
    struct Channel {
        Channel(int rate_, const Params& p, int index, const AnalysisOptions& o)
            : rate(rate_), rs(rate_, kAnalysisRate), det(p, index),
              pitch(o.pitch_min_hz, o.pitch_max_hz, o.voicing_threshold), origin(-pitch.before()) {
            buf.assign(static_cast<std::size_t>(pitch.before()), 0.0f);
        }
        int rate;
        Resampler rs;
        ChannelDetector det;
        PitchTracker pitch;         // keeps the lag products of the last frames
        Samples buf;                // analysis-rate samples; buf[0] is sample `origin`
        std::int64_t origin;
        std::uint64_t n_in = 0;     // input samples received
        std::int64_t level_end = INT64_MAX;  // at the end: no level frames past the samples received
    };

    Impl(std::vector<int> rates, int interleaved, const AnalysisOptions& o)
        : options(o), params(Params::from(o)), interleaved_channels(interleaved), inter(params) {
        o.validate();
        channels.reserve(rates.size());
        for (std::size_t i = 0; i < rates.size(); ++i) channels.emplace_back(rates[i], params, static_cast<int>(i), o);
        powers.resize(kBlockFrames);
    }

    AnalysisOptions options;
    Params params;
    int interleaved_channels;  // 0: two mono streams
    std::vector<Channel> channels;
    InterruptionDetector inter;
    std::vector<AnalysisEvent> events;
    bool finished = false;
    Samples scratch;
    std::vector<float> powers, powers_b;

    void check_open() const {
        if (finished) throw Error(ErrorCode::invalid_argument, "the analyzer has finished; start a new one");
    }

    void check_length(Channel& c, std::size_t n) const {
        double seconds = double(c.n_in + n) / c.rate;
        if (seconds > options.max_duration_s)
            throw Error(ErrorCode::too_large,
                        "the recording is longer than the limit of " + std::to_string(options.max_duration_s) +
                            " s (max_duration_s)",
                        "duration");
    }

    // Room for n more analysis samples at the end of a bypass channel.
    float* tail(Channel& c, std::size_t n) {
        std::size_t at = c.buf.size();
        c.buf.resize(at + n);
        return c.buf.data() + at;
    }

    void append(Channel& c, const float* x, std::size_t n) {
        c.rs.push(x, n, c.buf);
        c.n_in += n;
    }

    template <class T>
    void push_channel(int index, std::span<const T> x) {
        check_open();
        if (index < 0 || index >= static_cast<int>(channels.size()))
            throw Error(ErrorCode::invalid_argument, "no channel " + std::to_string(index), "channel");
        Channel& c = channels[static_cast<std::size_t>(index)];
        check_length(c, x.size());
        for (std::size_t at = 0; at < x.size(); at += kBlockFrames) {
            std::size_t n = std::min(kBlockFrames, x.size() - at);
            if constexpr (std::is_same_v<T, std::int16_t>) {
                if (c.rs.bypass()) {
                    int16_to_float(x.data() + at, n, tail(c, n));
                    c.n_in += n;
                } else {
                    scratch.resize(n);
                    int16_to_float(x.data() + at, n, scratch.data());
                    append(c, scratch.data(), n);
                }
            } else {
                append(c, x.data() + at, n);
            }
            process(c, false);
        }
        advance_joint(false);
    }

    template <class T>
    void push(std::span<const T> x) {
        check_open();
        if (interleaved_channels == 0)
            throw Error(ErrorCode::invalid_argument, "a two-file call takes push_channel(), not push()", "channel");
        if (interleaved_channels == 1) return push_channel(0, x);
        if (x.size() % 2)
            throw Error(ErrorCode::invalid_argument, "interleaved stereo needs an even number of samples", "samples");
        Channel &a = channels[0], &b = channels[1];
        check_length(a, x.size() / 2);
        const std::size_t total = x.size() / 2;
        for (std::size_t at = 0, n = 0; at < total; at += n) {
            n = std::min(kBlockFrames, total - at);
            const T* p = x.data() + 2 * at;
            if constexpr (std::is_same_v<T, std::int16_t>) {
                // Levels only, at the analysis rate: whole frames go straight
                // from the int16 input to their levels; a partial frame (at
                // the start or end of a chunk) takes the general path.
                if (!params.voice && a.rs.bypass()) {
                    std::int64_t pending = a.origin + static_cast<std::int64_t>(a.buf.size()) -
                                           static_cast<std::int64_t>(a.det.frames()) * kFrame;
                    if (pending == 0 && total - at >= std::size_t(kFrame)) {
                        n = std::min((total - at) / kFrame, kBlockFrames) * kFrame;
                        levels_direct(p, n / kFrame);
                        continue;
                    }
                    n = std::min(n, static_cast<std::size_t>(kFrame - pending));
                }
            }
            if (a.rs.bypass()) {
                deinterleave2(p, n, tail(a, n), tail(b, n));
                a.n_in += n;
                b.n_in += n;
            } else {
                scratch.resize(2 * n);
                deinterleave2(p, n, scratch.data(), scratch.data() + n);
                append(a, scratch.data(), n);
                append(b, scratch.data() + n, n);
            }
            process(a, false);
            process(b, false);
        }
        advance_joint(false);
    }

    // Levels of `frames` whole frames of interleaved int16 stereo at the
    // analysis rate, when every sample received so far is in a frame.
    void levels_direct(const std::int16_t* p, std::size_t frames) {
        Channel &a = channels[0], &b = channels[1];
        powers_b.resize(powers.size());
        frame_powers2(p, frames, powers.data(), powers_b.data());
        a.det.add_powers(powers.data(), frames);
        b.det.add_powers(powers_b.data(), frames);
        for (Channel* c : {&a, &b}) {
            c->n_in += frames * kFrame;
            c->buf.clear();  // no sample before the next frame is read again
            c->origin = static_cast<std::int64_t>(c->det.frames()) * kFrame;
            process(*c, false);
        }
    }

    // Frames of one channel as far as its samples allow.
    void process(Channel& c, bool final) {
        const std::int64_t end = c.origin + static_cast<std::int64_t>(c.buf.size());
        // Levels and silence, a block of frames at a time.
        for (;;) {
            std::int64_t first = static_cast<std::int64_t>(c.det.frames());
            std::int64_t complete = std::min(end, c.level_end) / kFrame;
            std::int64_t n = std::min<std::int64_t>(complete - first, static_cast<std::int64_t>(kBlockFrames));
            if (n <= 0) break;
            frame_powers(c.buf.data() + (first * kFrame - c.origin), static_cast<std::size_t>(n), powers.data());
            c.det.add_powers(powers.data(), static_cast<std::size_t>(n));
        }
        // Pitch outside silence.
        if (params.voice) {
            for (std::size_t t = c.det.pitched(); t < c.det.frames(); ++t) {
                std::int64_t at = static_cast<std::int64_t>(t) * kFrame;
                if (at + c.pitch.after() > end) break;
                c.det.add_pitch(c.det.silent(t) ? 0.0f
                                                : c.pitch.estimate(c.buf.data() + (at - c.origin),
                                                                   static_cast<std::int64_t>(t)));
            }
        }
        c.det.advance(final, events);
        // Drop the samples every frame is done with.
        std::int64_t next = static_cast<std::int64_t>(params.voice ? c.det.pitched() : c.det.frames()) * kFrame;
        std::int64_t keep = next - c.pitch.before();
        if (keep - c.origin > static_cast<std::int64_t>(kCompactAt)) {
            c.buf.erase(c.buf.begin(), c.buf.begin() + (keep - c.origin));
            c.origin = keep;
        }
    }

    void advance_joint(bool final) {
        if (channels.size() == 2 && params.voice) {
            inter.advance(channels[0].det.speaking(), final, channels[1].det.speaking(), final, events);
        }
    }

    CallAnalysis finish() {
        check_open();
        finished = true;
        for (std::size_t i = 0; i < channels.size(); ++i) {
            Channel& c = channels[i];
            if (c.n_in == 0) {
                std::string field = interleaved_channels ? "samples" : (i == 0 ? "agent" : "client");
                throw Error(ErrorCode::invalid_argument, "the recording has no samples", field);
            }
            c.rs.finish(c.buf);
            // The last partial frame is completed with zeros; the pitch
            // windows of the last frames read zeros past the end.
            std::int64_t received = c.origin + static_cast<std::int64_t>(c.buf.size());
            c.level_end = (received + kFrame - 1) / kFrame * kFrame;
            c.buf.resize(static_cast<std::size_t>(c.level_end + c.pitch.after() - c.origin), 0.0f);
            process(c, true);
        }
        advance_joint(true);

        CallAnalysis a;
        a.sample_rate = channels[0].rate;
        for (std::size_t i = 0; i < channels.size(); ++i) {
            const Channel& c = channels[i];
            ChannelAnalysis ch;
            ch.label = channels.size() == 1 ? "mono" : (i == 0 ? "agent" : "client");
            ch.sample_rate = c.rate;
            ch.stats.duration = double(c.n_in) / c.rate;
            c.det.result(ch, ch.stats.duration);
            a.duration = std::max(a.duration, ch.stats.duration);
            a.channels.push_back(std::move(ch));
        }
        for (auto x : inter.found()) {
            x.end = std::min(x.end, a.duration);
            a.interruptions.push_back(x);
        }
        if (!params.voice) {
            const char* why = "voice analysis is off (AnalysisOptions::voice)";
            for (const char* d : {"speech", "noise", "pitch", "escalation", "interruptions"})
                a.skipped.push_back({d, why});
        } else if (channels.size() == 1) {
            a.skipped.push_back({"interruptions", "needs two channels (agent and client); the recording has one"});
        }
        compute_stats(a);
        return a;
    }

};

StreamingAnalyzer::StreamingAnalyzer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

StreamingAnalyzer::StreamingAnalyzer(int sample_rate, int channels, const AnalysisOptions& options) {
    check_format(sample_rate, channels, channels < 1 || channels > 2 ? "channels" : "sample_rate");
    impl_ = std::make_unique<Impl>(std::vector<int>(static_cast<std::size_t>(channels), sample_rate), channels,
                                   options);
}

StreamingAnalyzer StreamingAnalyzer::two_mono(int agent_rate, int client_rate, const AnalysisOptions& options) {
    if (agent_rate < 8000 || agent_rate > 48000) throw_rate(agent_rate, "agent");
    if (client_rate < 8000 || client_rate > 48000) throw_rate(client_rate, "client");
    return StreamingAnalyzer(std::make_unique<Impl>(std::vector<int>{agent_rate, client_rate}, 0, options));
}

StreamingAnalyzer::~StreamingAnalyzer() = default;
StreamingAnalyzer::StreamingAnalyzer(StreamingAnalyzer&&) noexcept = default;
StreamingAnalyzer& StreamingAnalyzer::operator=(StreamingAnalyzer&&) noexcept = default;

void StreamingAnalyzer::push(std::span<const std::int16_t> x) { impl_->push(x); }
void StreamingAnalyzer::push(std::span<const float> x) { impl_->push(x); }
void StreamingAnalyzer::push_channel(int channel, std::span<const std::int16_t> x) {
    impl_->push_channel(channel, x);
}
void StreamingAnalyzer::push_channel(int channel, std::span<const float> x) { impl_->push_channel(channel, x); }

std::vector<AnalysisEvent> StreamingAnalyzer::take_events() { return std::exchange(impl_->events, {}); }

double StreamingAnalyzer::analysed_seconds() const {
    std::size_t frames = SIZE_MAX;
    for (const auto& c : impl_->channels) frames = std::min(frames, c.det.decided());
    return frame_time(frames == SIZE_MAX ? 0 : frames);
}

CallAnalysis StreamingAnalyzer::finish() { return impl_->finish(); }

template <class T>
static CallAnalysis analyze_memory(std::span<const T> x, int rate, int channels, const AnalysisOptions& o) {
    StreamingAnalyzer s(rate, channels, o);
    s.push(x);
    return s.finish();
}

CallAnalysis analyze_samples(std::span<const std::int16_t> x, int rate, int channels, const AnalysisOptions& o) {
    return analyze_memory(x, rate, channels, o);
}
CallAnalysis analyze_samples(std::span<const float> x, int rate, int channels, const AnalysisOptions& o) {
    return analyze_memory(x, rate, channels, o);
}

}  // namespace switchboard
