#include "analysis/features.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace switchboard::analysis {

// On x86-64 with GCC the hot functions are also built for x86-64-v3 (AVX2)
// and chosen at load time (function multi-versioning); the arithmetic per
// lane is the same, so every build gives the same numbers.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__ELF__)
#define SB_MULTIVERSION __attribute__((target_clones("default", "arch=x86-64-v3")))
#else
#define SB_MULTIVERSION
#endif

SB_MULTIVERSION void int16_to_float(const std::int16_t* __restrict in, std::size_t n, float* __restrict out) {
    constexpr float scale = 1.0f / 32768.0f;
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(in[i]) * scale;
}

SB_MULTIVERSION void deinterleave2(const std::int16_t* __restrict in, std::size_t frames, float* __restrict a,
                                   float* __restrict b) {
    // Each sample frame read as one 32-bit word (little-endian: agent in the
    // low half), which vectorizes as contiguous loads and shifts.
    constexpr float scale = 1.0f / 32768.0f;
    static_assert(std::endian::native == std::endian::little);
    for (std::size_t i = 0; i < frames; ++i) {
        std::int32_t w;
        std::memcpy(&w, in + 2 * i, sizeof w);
        a[i] = static_cast<float>(static_cast<std::int32_t>(static_cast<std::uint32_t>(w) << 16) >> 16) * scale;
        b[i] = static_cast<float>(w >> 16) * scale;
    }
}

SB_MULTIVERSION void deinterleave2(const float* __restrict in, std::size_t frames, float* __restrict a,
                                   float* __restrict b) {
    for (std::size_t i = 0; i < frames; ++i) {
        a[i] = in[2 * i];
        b[i] = in[2 * i + 1];
    }
}

namespace {

constexpr int kLanes = 16;

// Sum of x[i] * y[i] over n samples (n a multiple of kLanes), in kLanes
// independent partial sums the vectorizer maps onto SIMD registers.
inline float dot(const float* x, const float* y, int n) {
    float acc[kLanes] = {};
    for (int i = 0; i < n; i += kLanes)
        for (int k = 0; k < kLanes; ++k) acc[k] += x[i + k] * y[i + k];
    float s = 0;
    for (int k = 0; k < kLanes; ++k) s += acc[k];
    return s;
}

}  // namespace

SB_MULTIVERSION void frame_powers(const float* x, std::size_t n, float* out) {
    static_assert(kFrame % kLanes == 0);
    constexpr float inv = 1.0f / kFrame;
    for (std::size_t f = 0; f < n; ++f) {
        const float* p = x + f * kFrame;
        out[f] = dot(p, p, kFrame) * inv;
    }
}

float power_to_db(float power) { return 10.0f * std::log10(std::max(power, kMinPower)); }
float db_to_power(double db) { return static_cast<float>(std::pow(10.0, db / 10.0)); }

PitchTracker::PitchTracker(double min_hz, double max_hz, double voicing_threshold)
    : tau_min_(std::max(2, static_cast<int>(std::floor(kAnalysisRate / max_hz)))),
      tau_max_(static_cast<int>(std::ceil(kAnalysisRate / min_hz)) + 1),
      threshold_(static_cast<float>(voicing_threshold)) {
    // The integration window covers at least the longest period, in whole
    // vector lanes; the analysed stretch is centred on the frame.
    window_ = std::max(160, (tau_max_ + kLanes - 1) / kLanes * kLanes);
    int span = window_ + tau_max_ + 1;
    before_ = span / 2 - kFrame / 2;
    after_ = span - before_;
    r_.assign(tau_max_ + 2, 0.0f);
    d_.assign(tau_max_ + 2, 0.0f);
}

SB_MULTIVERSION float PitchTracker::estimate(const float* frame) {
    const float* x = frame - before_;
    const int W = window_;
    // Energies of the window and of each lagged window (running sums in double).
    double e0 = 0;
    for (int j = 0; j < W; ++j) e0 += double(x[j]) * x[j];
    if (e0 < 1e-9 * W) return 0.0f;
    // r(tau) for every lag: the hot loop.
    for (int tau = 1; tau <= tau_max_ + 1; ++tau) r_[tau] = dot(x, x + tau, W);
    // d(tau) = e0 + e(tau) - 2 r(tau); d'(tau) = d(tau) * tau / sum d(1..tau)
    double et = e0, cum = 0;
    d_[0] = 1.0f;
    for (int tau = 1; tau <= tau_max_ + 1; ++tau) {
        et += double(x[tau + W - 1]) * x[tau + W - 1] - double(x[tau - 1]) * x[tau - 1];
        double d = std::max(0.0, e0 + et - 2.0 * r_[tau]);
        cum += d;
        d_[tau] = cum > 0 ? static_cast<float>(d * tau / cum) : 1.0f;
    }
    int best = -1;
    for (int tau = tau_min_; tau <= tau_max_; ++tau) {
        if (d_[tau] < threshold_) {
            while (tau + 1 <= tau_max_ && d_[tau + 1] < d_[tau]) ++tau;
            best = tau;
            break;
        }
    }
    if (best < 0) return 0.0f;
    double a = d_[best - 1], b = d_[best], c = d_[best + 1];
    double den = a - 2 * b + c;
    double shift = den > 0 ? 0.5 * (a - c) / den : 0.0;
    shift = std::clamp(shift, -0.5, 0.5);
    return static_cast<float>(kAnalysisRate / (best + shift));
}

}  // namespace switchboard::analysis
