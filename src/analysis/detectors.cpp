#include "analysis/detectors.hpp"

#include <algorithm>
#include <cmath>

#include "analysis/features.hpp"

namespace switchboard::analysis {

namespace {

int ceil_frames(int ms) { return std::max(1, (ms + kAnalysisFrameMs - 1) / kAnalysisFrameMs); }
int round_frames(double ms) { return static_cast<int>(std::lround(ms / kAnalysisFrameMs)); }

// Computes out[t] for every frame whose window [t - look, t + look] of the
// input (n_in frames so far) is complete, or every frame when the input is final.
template <class F>
void run_stage(Flags& out, std::size_t n_in, bool final, int look, F&& f) {
    std::size_t lk = static_cast<std::size_t>(look);
    std::size_t limit = final ? n_in : (n_in > lk ? n_in - lk : 0);
    for (std::size_t t = out.size(); t < limit; ++t) out.push_back(f(t) ? 1 : 0);
}

double exact_median(std::vector<float>& v) {
    if (v.empty()) return 0;
    auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    double hi = *mid;
    if (v.size() % 2) return hi;
    double lo = *std::max_element(v.begin(), mid);
    return 0.5 * (lo + hi);
}

TimeSpan to_span(FrameSpan s, double duration) {
    return {frame_time(s.first), std::min(frame_time(s.second), duration)};
}

}  // namespace

Params Params::from(const AnalysisOptions& o) {
    Params p;
    p.voice = o.voice;
    p.floor_power = db_to_power(o.silence_floor_dbfs);
    p.relative_factor = db_to_power(o.silence_relative_db);
    if (o.silence_threshold_dbfs) p.absolute_power = db_to_power(*o.silence_threshold_dbfs);
    p.silence_min = ceil_frames(o.silence_min_ms);
    p.noise_min = ceil_frames(o.noise_min_ms);
    p.voiced_min = std::max(1, round_frames(o.speech_min_voiced_ms));
    p.hangover = round_frames(o.speech_hangover_ms);
    const int gap = o.speech_gap_ms >= 0 ? o.speech_gap_ms : std::clamp(o.silence_min_ms - 20, 0, 2000);
    p.gap_radius = round_frames(gap / 2.0);
    p.interruption_min = ceil_frames(o.interruption_min_ms);
    p.escalation_min = ceil_frames(o.escalation_min_ms);
    p.escalation_radius = round_frames(o.escalation_gap_ms / 2.0);
    p.escalation_ratio = o.escalation_pitch_ratio;
    p.escalation_db = o.escalation_level_db;
    return p;
}

// ------------------------------------------------------------------ WindowCount
std::size_t WindowCount::count(const Flags& a, std::size_t t, int r) {
    std::size_t lo = t >= std::size_t(r) ? t - std::size_t(r) : 0, hi = std::min(a.size(), t + std::size_t(r) + 1);
    for (; hi_ < hi; ++hi_) count_ += a[hi_];
    for (; lo_ < lo; ++lo_) count_ -= a[lo_];
    return count_;
}

// ------------------------------------------------------------------ Runs
std::optional<FrameSpan> Runs::feed(std::size_t t, bool v) {
    if (v && !active_) {
        active_ = true;
        start_ = t;
    } else if (!v && active_) {
        active_ = false;
        if (t - start_ >= min_) return FrameSpan{start_, t};
    }
    return std::nullopt;
}

std::optional<FrameSpan> Runs::close(std::size_t n) {
    if (!active_) return std::nullopt;
    active_ = false;
    if (n - start_ >= min_) return FrameSpan{start_, n};
    return std::nullopt;
}

// ------------------------------------------------------------------ RunningMedian
RunningMedian::RunningMedian(double lo, double hi, double step, bool logarithmic)
    : lo_(logarithmic ? std::log2(lo) : lo), step_(step), log_(logarithmic) {
    double top = logarithmic ? std::log2(hi) : hi;
    counts_.assign(static_cast<std::size_t>(std::ceil((top - lo_) / step_)) + 1, 0);
}

std::size_t RunningMedian::bin(double v) const {
    double x = log_ ? std::log2(std::max(v, 1e-9)) : v;
    double b = std::floor((x - lo_) / step_);
    if (b < 0) return 0;
    return std::min(counts_.size() - 1, static_cast<std::size_t>(b));
}

void RunningMedian::add(double v) {
    std::size_t b = bin(v);
    ++counts_[b];
    ++total_;
    if (total_ == 1) {
        m_ = b;
        below_ = 0;
        return;
    }
    if (b < m_) ++below_;
    std::size_t k = (total_ - 1) / 2;  // rank of the (lower) median
    while (below_ > k) below_ -= counts_[--m_];
    while (below_ + counts_[m_] <= k) below_ += counts_[m_++];
}

double RunningMedian::median() const {
    double x = lo_ + (static_cast<double>(m_) + 0.5) * step_;
    return log_ ? std::exp2(x) : x;
}

// ------------------------------------------------------------------ EscalationRuns
void EscalationRuns::add(bool escalated, float pitch_ratio, float level_db) {
    e_.push_back(escalated ? 1 : 0);
    ratio_.push_back(pitch_ratio);
    level_.push_back(level_db);
}

std::vector<Escalation> EscalationRuns::advance(bool final) {
    const int r = p_.escalation_radius;
    run_stage(dil_, e_.size(), final, r, [&](std::size_t t) { return dil_win_.any(e_, t, r); });
    run_stage(clo_, dil_.size(), final, r, [&](std::size_t t) { return clo_win_.all(dil_, t, r); });
    std::vector<Escalation> out;
    auto emit = [&](std::optional<FrameSpan> s) {
        if (!s) return;
        double rs = 0, ls = 0;
        int n = 0;
        for (std::size_t i = s->first; i < s->second; ++i)
            if (e_[i]) {
                rs += ratio_[i];
                ls += level_[i];
                ++n;
            }
        if (n == 0) return;
        out.push_back({frame_time(s->first), frame_time(s->second), rs / n, ls / n});
    };
    for (; done_ < clo_.size(); ++done_) emit(runs_.feed(done_, clo_[done_] != 0));
    if (final) emit(runs_.close(clo_.size()));
    return out;
}

// ------------------------------------------------------------------ ChannelDetector
ChannelDetector::ChannelDetector(const Params& p, int channel)
    : p_(p),
      channel_(channel),
      speech_(1),
      silence_(p.silence_min),
      noise_(p.noise_min),
      pitch_median_(40.0, 1000.0, 1.0 / 96, true),
      level_median_(-130.0, 10.0, 0.25, false),
      live_escalation_(p) {}

void ChannelDetector::add_powers(const float* power, std::size_t n) {
    const std::size_t at = power_.size();
    power_.insert(power_.end(), power, power + n);
    sil_.resize(at + n);
    double sum = ref_sum_;
    std::size_t count = ref_count_;
    for (std::size_t i = 0; i < n; ++i) {
        float threshold;
        if (p_.absolute_power) {
            threshold = *p_.absolute_power;
        } else {
            threshold = p_.floor_power;
            if (count) threshold = std::max(threshold, static_cast<float>(sum / count) * p_.relative_factor);
        }
        sil_[at + i] = power[i] < threshold ? 1 : 0;
        if (power[i] > p_.floor_power) {
            sum += power[i];
            ++count;
        }
    }
    ref_sum_ = sum;
    ref_count_ = count;
}

void ChannelDetector::add_pitch(float hz) { pitch_.push_back(hz); }

void ChannelDetector::advance(bool final, std::vector<AnalysisEvent>& events) {
    auto event = [&](EventKind kind, std::optional<FrameSpan> s, std::vector<FrameSpan>& keep) {
        if (!s) return;
        keep.push_back(*s);
        events.push_back({kind, channel_, frame_time(s->first), frame_time(s->second), false, 0, 0});
    };
    if (!p_.voice) {
        for (; labelled_ < sil_.size(); ++labelled_)
            event(EventKind::silence, silence_.feed(labelled_, sil_[labelled_] != 0), silence_spans_);
        if (final) event(EventKind::silence, silence_.close(sil_.size()), silence_spans_);
        return;
    }
    const std::size_t nv = pitch_.size();
    const int mv = p_.voiced_min;
    auto v = [&](std::ptrdiff_t i) { return i >= 0 && std::size_t(i) < nv && pitch_[std::size_t(i)] > 0; };
    run_stage(core_, nv, final, mv - 1, [&](std::size_t t) {
        auto i = static_cast<std::ptrdiff_t>(t);
        if (!v(i)) return false;
        int back = 1, fwd = 1;
        while (back < mv && v(i - back)) ++back;
        while (fwd < mv && v(i + fwd)) ++fwd;
        return back + fwd - 1 >= mv;
    });
    const int h = p_.hangover, r = p_.gap_radius;
    run_stage(sp_, core_.size(), final, h, [&](std::size_t t) { return sp_win_.any(core_, t, h) && !sil_[t]; });
    run_stage(dil_, sp_.size(), final, r, [&](std::size_t t) { return dil_win_.any(sp_, t, r); });
    run_stage(spk_, dil_.size(), final, r, [&](std::size_t t) { return spk_win_.all(dil_, t, r); });

    for (; labelled_ < spk_.size(); ++labelled_) {
        std::size_t t = labelled_;
        bool s = spk_[t], q = sil_[t];
        event(EventKind::speech, speech_.feed(t, s), speech_spans_);
        event(EventKind::silence, silence_.feed(t, q && !s), silence_spans_);
        event(EventKind::noise, noise_.feed(t, !q && !s), noise_spans_);
        // Escalation as the call goes: against the medians so far.
        bool e = false;
        float ratio = 0, level = 0;
        if (s && !q) {
            float db = power_to_db(power_[t]);
            level_median_.add(db);
            if (voiced(t)) {
                pitch_median_.add(pitch_[t]);
                if (pitch_median_.count() >= std::size_t(p_.escalation_warmup)) {
                    ratio = static_cast<float>(pitch_[t] / pitch_median_.median());
                    level = static_cast<float>(db - level_median_.median());
                    e = ratio >= p_.escalation_ratio && level >= p_.escalation_db;
                }
            }
        }
        live_escalation_.add(e, ratio, level);
    }
    if (final) {
        const std::size_t n = sil_.size();
        event(EventKind::speech, speech_.close(n), speech_spans_);
        event(EventKind::silence, silence_.close(n), silence_spans_);
        event(EventKind::noise, noise_.close(n), noise_spans_);
    }
    for (const auto& x : live_escalation_.advance(final))
        events.push_back({EventKind::escalation, channel_, x.start, x.end, false, x.pitch_ratio, x.level_db});
}

void ChannelDetector::result(ChannelAnalysis& out, double duration) const {
    for (auto s : speech_spans_) out.speech.push_back(to_span(s, duration));
    for (auto s : silence_spans_) out.silences.push_back(to_span(s, duration));
    for (auto s : noise_spans_) out.noise.push_back(to_span(s, duration));
    out.stats.loudness_dbfs = ref_count_ ? power_to_db(static_cast<float>(ref_sum_ / ref_count_)) : -120.0;
    out.stats.speech_level_dbfs = -120.0;
    if (!p_.voice) return;

    // Medians of the whole call: pitch over voiced speech, level over non-silent speech.
    std::vector<float> pitches, levels;
    for (std::size_t t = 0; t < spk_.size(); ++t) {
        if (!spk_[t] || sil_[t]) continue;
        levels.push_back(power_to_db(power_[t]));
        if (voiced(t)) pitches.push_back(pitch_[t]);
    }
    const std::size_t voiced_count = pitches.size();
    double pitch_med = exact_median(pitches);
    double level_med = levels.empty() ? -120.0 : exact_median(levels);
    out.median_pitch_hz = pitch_med;
    out.stats.median_pitch_hz = pitch_med;
    out.stats.speech_level_dbfs = level_med;

    EscalationRuns runs(p_);
    for (std::size_t t = 0; t < spk_.size(); ++t) {
        bool e = false;
        float ratio = 0, level = 0;
        if (spk_[t] && !sil_[t] && voiced(t) && voiced_count >= std::size_t(p_.escalation_warmup)) {
            ratio = static_cast<float>(pitch_[t] / pitch_med);
            level = static_cast<float>(power_to_db(power_[t]) - level_med);
            e = ratio >= p_.escalation_ratio && level >= p_.escalation_db;
        }
        runs.add(e, ratio, level);
    }
    out.escalations = runs.advance(true);
    for (auto& e : out.escalations) e.end = std::min(e.end, duration);
}

// ------------------------------------------------------------------ InterruptionDetector
void InterruptionDetector::advance(const Flags& a, bool a_final, const Flags& b, bool b_final,
                                   std::vector<AnalysisEvent>& events) {
    const std::size_t na = a.size(), nb = b.size();
    std::size_t limit;
    if (a_final && b_final) limit = std::max(na, nb);
    else if (a_final) limit = nb;
    else if (b_final) limit = na;
    else limit = std::min(na, nb);
    const std::size_t min = static_cast<std::size_t>(p_.interruption_min);
    auto close = [&](std::size_t t) {
        overlap_ = false;
        if (t - overlap_start_ < min) return;
        Interruption x{frame_time(overlap_start_), frame_time(t), interrupter_};
        found_.push_back(x);
        events.push_back({EventKind::interruption, interrupter_, x.start, x.end, false, 0, 0});
    };
    for (; done_ < limit; ++done_) {
        std::size_t t = done_;
        bool s[2] = {t < na && a[t], t < nb && b[t]};
        for (int c = 0; c < 2; ++c)
            if (s[c] && !prev_[c]) run_start_[c] = t;
        bool both = s[0] && s[1];
        if (both && !overlap_) {
            overlap_ = true;
            opened_ = false;
            overlap_start_ = t;
            // The one whose turn started later cut in (the client on a tie).
            interrupter_ = run_start_[1] >= run_start_[0] ? 1 : 0;
        }
        if (both && !opened_ && t + 1 - overlap_start_ >= min) {
            opened_ = true;
            events.push_back({EventKind::interruption, interrupter_, frame_time(overlap_start_), frame_time(t + 1),
                              true, 0, 0});
        }
        if (!both && overlap_) close(t);
        prev_[0] = s[0];
        prev_[1] = s[1];
    }
    if (a_final && b_final && overlap_) close(limit);
}

}  // namespace switchboard::analysis
