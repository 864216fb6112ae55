// The detectors of one channel and the one that compares two channels.
//
// Every decision is a function of the frame arrays inside a fixed window
// around the frame (at most a few hundred milliseconds ahead), or of what
// came before it. A stage computes a frame once its window is complete, or
// when the stream has ended (frames past the end are absent). So the same
// audio gives the same decisions whatever the chunking, and a batch run is
// the streaming run over the whole input.
//
//   level ─ silent? ─┐
//   pitch ─ voiced? ─┴ core (voiced run) ─ speech-ish (hangover) ─ closing (gap) = speaking
//   speaking ∧ voiced ∧ high pitch ∧ loud ─ closing ─ runs = escalation
//   speaking(agent) ∧ speaking(client) ─ runs = interruption
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "switchboard/analysis.hpp"

namespace switchboard::analysis {

using Flags = std::vector<std::uint8_t>;
using FrameSpan = std::pair<std::size_t, std::size_t>;  // [first, last) frame

// Options turned into frames and powers.
struct Params {
    bool voice = true;
    float floor_power = 0;
    float relative_factor = 0;
    std::optional<float> absolute_power;
    int silence_min = 50, noise_min = 5, voiced_min = 5, hangover = 15, gap_radius = 15;
    int interruption_min = 75, escalation_min = 60, escalation_radius = 10;
    double escalation_ratio = 1.2, escalation_db = 4.0;
    int escalation_warmup = 100;  // voiced speech frames before the streaming medians are trusted

    static Params from(const AnalysisOptions& o);
};

// The number of true frames in a[t - r, t + r] (clipped to the array) for
// a t that only grows over an array that only grows: the window slides, so
// each frame costs O(1) whatever r.
class WindowCount {
public:
    std::size_t count(const Flags& a, std::size_t t, int r);
    std::size_t size() const { return hi_ - lo_; }
    bool any(const Flags& a, std::size_t t, int r) { return count(a, t, r) > 0; }
    bool all(const Flags& a, std::size_t t, int r) { return count(a, t, r) == size(); }

private:
    std::size_t lo_ = 0, hi_ = 0, count_ = 0;
};

// Runs of true frames at least min long.
class Runs {
public:
    explicit Runs(int min) : min_(static_cast<std::size_t>(min)) {}
    // Frame t has value v; returns the run that closed at t, if long enough.
    std::optional<FrameSpan> feed(std::size_t t, bool v);
    // The end of the frames: closes an open run at n.
    std::optional<FrameSpan> close(std::size_t n);
    bool active() const { return active_; }
    std::size_t start() const { return start_; }

private:
    std::size_t min_;
    bool active_ = false;
    std::size_t start_ = 0;
};

// A median over values that only arrive, on a fixed histogram, in O(1) per value.
class RunningMedian {
public:
    RunningMedian(double lo, double hi, double step, bool logarithmic);
    void add(double v);
    std::size_t count() const { return total_; }
    double median() const;

private:
    std::size_t bin(double v) const;
    double lo_, step_;
    bool log_;
    std::vector<std::uint32_t> counts_;
    std::size_t total_ = 0, m_ = 0, below_ = 0;
};

// Escalated frames, bridged over short gaps, kept when long enough.
class EscalationRuns {
public:
    explicit EscalationRuns(const Params& p) : p_(p), runs_(p.escalation_min) {}
    void add(bool escalated, float pitch_ratio, float level_db);
    // Returns the escalations that became certain.
    std::vector<Escalation> advance(bool final);

private:
    const Params& p_;
    Flags e_, dil_, clo_;
    WindowCount dil_win_, clo_win_;
    std::vector<float> ratio_, level_;
    Runs runs_;
    std::size_t done_ = 0;
};

class ChannelDetector {
public:
    ChannelDetector(const Params& p, int channel);

    // Features, frame by frame.
    void add_powers(const float* power, std::size_t n);
    std::size_t frames() const { return power_.size(); }
    bool silent(std::size_t t) const { return sil_[t] != 0; }
    void add_pitch(float hz);  // 0: unvoiced (or silent, not analysed)
    std::size_t pitched() const { return pitch_.size(); }

    // Runs every stage as far as its window allows (all the way when final)
    // and appends the events that became certain.
    void advance(bool final, std::vector<AnalysisEvent>& events);
    const Flags& speaking() const { return spk_; }
    std::size_t decided() const { return labelled_; }

    // After the final advance: spans, medians, escalations on the whole call.
    void result(ChannelAnalysis& out, double duration) const;

private:
    void label(std::size_t t, std::vector<AnalysisEvent>& events);
    bool voiced(std::size_t t) const { return pitch_[t] > 0; }

    const Params& p_;
    int channel_;
    // loudness reference: energy mean of frames above the floor
    double ref_sum_ = 0;
    std::size_t ref_count_ = 0;
    std::vector<float> power_, pitch_;
    Flags sil_, core_, sp_, dil_, spk_;
    WindowCount sp_win_, dil_win_, spk_win_;
    std::size_t labelled_ = 0;
    Runs speech_, silence_, noise_;
    std::vector<FrameSpan> speech_spans_, silence_spans_, noise_spans_;
    RunningMedian pitch_median_, level_median_;
    EscalationRuns live_escalation_;
};

// Interruptions between channel 0 and channel 1.
class InterruptionDetector {
public:
    explicit InterruptionDetector(const Params& p) : p_(p) {}
    void advance(const Flags& a, bool a_final, const Flags& b, bool b_final, std::vector<AnalysisEvent>& events);
    const std::vector<Interruption>& found() const { return found_; }

private:
    const Params& p_;
    std::vector<Interruption> found_;
    std::size_t done_ = 0;
    bool prev_[2] = {false, false};
    std::size_t run_start_[2] = {0, 0};
    bool overlap_ = false, opened_ = false;
    std::size_t overlap_start_ = 0;
    int interrupter_ = 0;
};

inline double frame_time(std::size_t t) { return static_cast<double>(t) * kAnalysisFrameMs / 1000.0; }

}  // namespace switchboard::analysis
