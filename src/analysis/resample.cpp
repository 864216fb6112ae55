#include "analysis/resample.hpp"

#include <samplerate.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "switchboard/error.hpp"

namespace switchboard::analysis {

namespace {

constexpr double kPassHz = 3400.0;   // flat up to here (the telephone band)
constexpr double kStopHz = 4600.0;   // 60 dB down from here: folds back above 3.4 kHz at 8 kHz
constexpr double kStopDb = 60.0;
constexpr double kPi = 3.14159265358979323846;

// Modified Bessel function of the first kind, order 0 (the Kaiser window).
double bessel_i0(double x) {
    double sum = 1, term = 1;
    for (int k = 1; k < 50; ++k) {
        term *= (x / (2 * k)) * (x / (2 * k));
        sum += term;
        if (term < 1e-12 * sum) break;
    }
    return sum;
}

// A linear-phase low-pass at `rate` (Kaiser's design formulas), odd length,
// unit gain at 0 Hz.
std::vector<double> lowpass(double rate) {
    double width = 2 * kPi * (kStopHz - kPassHz) / rate;
    int n = static_cast<int>(std::ceil((kStopDb - 8) / (2.285 * width))) + 1;
    n |= 1;
    double beta = 0.1102 * (kStopDb - 8.7);
    double fc = (kPassHz + kStopHz) / 2 / rate;  // cycles per sample
    int c = (n - 1) / 2;
    std::vector<double> h(static_cast<std::size_t>(n));
    double sum = 0;
    for (int k = 0; k < n; ++k) {
        double t = k - c;
        double sinc = t == 0 ? 2 * fc : std::sin(2 * kPi * fc * t) / (kPi * t);
        double r = double(t) / c;
        double w = bessel_i0(beta * std::sqrt(std::max(0.0, 1 - r * r))) / bessel_i0(beta);
        h[static_cast<std::size_t>(k)] = sinc * w;
        sum += h[static_cast<std::size_t>(k)];
    }
    for (auto& v : h) v /= sum;
    return h;
}

// y[i] = sum over phases p and taps j of taps[p * J + j] * phase_p[i + j],
// for m outputs (J a multiple of 4). The loop over outputs is the vectorized
// one; four taps are applied per pass so each output is loaded and stored
// once per four products; every output sums its taps in the same order
// whatever the block.
SB_MULTIVERSION void fir_block(const float* __restrict phases, std::size_t stride, int d, int j_len,
                               const float* __restrict taps, std::size_t m, float* __restrict y) {
    for (std::size_t i = 0; i < m; ++i) y[i] = 0.0f;
    for (int p = 0; p < d; ++p)
        for (int j = 0; j < j_len; j += 4) {
            const float* c = taps + p * j_len + j;
            const float c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3];
            const float* __restrict x = phases + static_cast<std::size_t>(p) * stride + static_cast<std::size_t>(j);
            for (std::size_t i = 0; i < m; ++i) {
                float acc = y[i];
                acc += c0 * x[i];
                acc += c1 * x[i + 1];
                acc += c2 * x[i + 2];
                acc += c3 * x[i + 3];
                y[i] = acc;
            }
        }
}

// Linear interpolation from `rate` attenuates a frequency f by sinc^2(f /
// rate). A three-tap filter [-a, 1 + 2a, -a] at that rate, whose gain
// 1 + 2a (1 - cos(2 pi f / rate)) grows with f, undoes it: `a` is chosen so
// the product is flattest (in dB) over the pass band.
double droop_fix(double rate) {
    auto sinc = [](double x) { return x == 0 ? 1.0 : std::sin(kPi * x) / (kPi * x); };
    auto worst = [&](double a) {
        double err = 0;
        for (double f = 100; f <= kPassHz; f += 100) {
            double x = f / rate, s = sinc(x);
            double g = (1 + 2 * a * (1 - std::cos(2 * kPi * x))) * s * s;
            err = std::max(err, std::abs(20 * std::log10(g)));
        }
        return err;
    };
    // A coarse then a fine grid (a is between 0 and 0.4 for every rate here).
    double best = 0;
    for (double step : {0.01, 0.0005}) {
        double lo = std::max(0.0, best - 20 * step), pick = lo, least = 1e9;
        for (int i = 0; i <= 40; ++i) {
            double a = lo + i * step, e = worst(a);
            if (e < least) least = e, pick = a;
        }
        best = pick;
    }
    return best;
}

}  // namespace

Resampler::Resampler(int in_rate, int out_rate) {
    if (in_rate == out_rate) return;
    // Decimate by the whole ratio when it is whole; otherwise only as far as
    // twice the analysis rate, so the linear stage works on a signal
    // sampled well above its band.
    decimation_ = in_rate % out_rate == 0 ? in_rate / out_rate : std::max(1, in_rate / (2 * out_rate));
    middle_rate_ = in_rate / decimation_;
    std::vector<double> h = lowpass(in_rate);
    if (in_rate % out_rate != 0) {
        // The linear stage follows: pre-compensate its droop, with the
        // three taps one sample of the middle rate (d input samples) apart.
        double a = droop_fix(double(in_rate) / decimation_);
        std::vector<double> g(h.size() + 2 * static_cast<std::size_t>(decimation_), 0.0);
        const std::size_t d = static_cast<std::size_t>(decimation_);
        for (std::size_t k = 0; k < h.size(); ++k) {
            g[k] += -a * h[k];
            g[k + d] += (1 + 2 * a) * h[k];
            g[k + 2 * d] += -a * h[k];
        }
        h = std::move(g);
    }
    const int n = static_cast<int>(h.size()), d = decimation_;
    length_ = n;
    centre_ = (n - 1) / 2;
    phase_len_ = ((n + d - 1) / d + 3) / 4 * 4;  // whole groups of four taps (the rest are 0)
    taps_.assign(static_cast<std::size_t>(phase_len_ * d), 0.0f);
    for (int k = 0; k < n; ++k) {
        auto at = static_cast<std::size_t>((k % d) * phase_len_ + k / d);
        taps_[at] = static_cast<float>(h[static_cast<std::size_t>(k)]);
    }
    // The filter is centred on its output sample: centre_ zeros precede the input.
    in_.assign(static_cast<std::size_t>(centre_), 0.0f);
    if (in_rate % out_rate != 0) {
        int err = 0;
        linear_ = src_new(SRC_LINEAR, 1, &err);
        if (!linear_)
            throw Error(ErrorCode::internal, std::string("libsamplerate could not start: ") + src_strerror(err));
        ratio_ = double(out_rate) * decimation_ / in_rate;
        scratch_.resize(static_cast<std::size_t>(std::ceil(kBlock * ratio_)) + 256);
    }
}

Resampler::~Resampler() {
    if (linear_) src_delete(linear_);
}

Resampler::Resampler(Resampler&& o) noexcept
    : decimation_(o.decimation_),
      middle_rate_(o.middle_rate_),
      length_(o.length_),
      centre_(o.centre_),
      taps_(std::move(o.taps_)),
      phase_len_(o.phase_len_),
      in_(std::move(o.in_)),
      fill_(o.fill_),
      received_(o.received_),
      produced_(o.produced_),
      phases_(std::move(o.phases_)),
      fir_out_(std::move(o.fir_out_)),
      linear_(std::exchange(o.linear_, nullptr)),
      ratio_(o.ratio_),
      scratch_(std::move(o.scratch_)) {}

std::string Resampler::describe() const {
    if (bypass()) return "none";
    std::string s = "FIR low-pass " + std::to_string(length_) + " taps";
    if (decimation_ > 1) s += ", decimate by " + std::to_string(decimation_);
    if (linear_) s += ", then libsamplerate SRC_LINEAR from " + std::to_string(middle_rate_) + " Hz";
    return s;
}

void Resampler::push(const float* x, std::size_t n, Samples& out) {
    if (bypass()) {
        out.insert(out.end(), x, x + n);
        return;
    }
    while (n > 0) {
        std::size_t take = std::min(n, kBlock - fill_);
        in_.insert(in_.end(), x, x + take);
        fill_ += take;
        received_ += static_cast<long long>(take);
        x += take;
        n -= take;
        if (fill_ == kBlock) {
            run(false, out);
            fill_ = 0;
        }
    }
}

void Resampler::finish(Samples& out) {
    if (bypass()) return;
    // Zeros after the end, so the last outputs see their whole filter.
    in_.insert(in_.end(), taps_.size() + static_cast<std::size_t>(centre_), 0.0f);
    run(true, out);
}

void Resampler::run(bool end, Samples& out) {
    const std::size_t d = static_cast<std::size_t>(decimation_), len = taps_.size();
    const std::size_t j_len = static_cast<std::size_t>(phase_len_);
    std::size_t m = in_.size() >= len ? (in_.size() - len) / d + 1 : 0;
    if (end) {
        // Outputs up to the one at the last input sample.
        long long want = (received_ + decimation_ - 1) / decimation_ - produced_;
        m = std::min(m, static_cast<std::size_t>(std::max(0LL, want)));
    }
    if (m > 0) {
        // Output i reads in_[i * d + k] for k < len: split into d phases so
        // every tap reads a contiguous run.
        const std::size_t stride = m + j_len - 1;
        const float* src = in_.data();
        if (d > 1) {
            phases_.resize(d * stride);
            if (d == 2) {
                deinterleave2(in_.data(), stride, phases_.data(), phases_.data() + stride);
            } else {
                for (std::size_t p = 0; p < d; ++p)
                    for (std::size_t i = 0; i < stride; ++i) phases_[p * stride + i] = in_[i * d + p];
            }
            src = phases_.data();
        }
        fir_out_.resize(m);
        fir_block(src, stride, decimation_, phase_len_, taps_.data(), m, fir_out_.data());
        in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(m * d));
        produced_ += static_cast<long long>(m);
    }
    if (linear_) interpolate(fir_out_.data(), m, end, out);
    else out.insert(out.end(), fir_out_.begin(), fir_out_.begin() + static_cast<std::ptrdiff_t>(m));
}

void Resampler::interpolate(const float* x, std::size_t n, bool end, Samples& out) {
    static const float nothing = 0.0f;
    if (n == 0) x = &nothing;  // libsamplerate wants a pointer even for no input
    SRC_DATA data{};
    data.src_ratio = ratio_;
    data.end_of_input = end ? 1 : 0;
    std::size_t used = 0;
    for (;;) {
        data.data_in = x + used;
        data.input_frames = static_cast<long>(n - used);
        data.data_out = scratch_.data();
        data.output_frames = static_cast<long>(scratch_.size());
        int err = src_process(linear_, &data);
        if (err)
            throw Error(ErrorCode::internal, std::string("libsamplerate failed: ") + src_strerror(err));
        used += static_cast<std::size_t>(data.input_frames_used);
        out.insert(out.end(), scratch_.begin(), scratch_.begin() + data.output_frames_gen);
        if (used >= n && (!end || data.output_frames_gen == 0)) break;
    }
}

}  // namespace switchboard::analysis
