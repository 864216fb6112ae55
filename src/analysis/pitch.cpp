// YIN pitch estimation (the PitchTracker of features.hpp).
//
// For a window x[0, W) and lags 1..T, YIN needs r(tau) = sum x[j] x[j+tau]
// over the window, the energies of the window and of each lagged window,
// and from them d(tau) = e0 + e(tau) - 2 r(tau) and its cumulative mean
// normalised form d'(tau) = d(tau) * tau / sum d(1..tau).
//
// Speed comes from three things, none of which changes the definition:
//  - r(tau) is the sum of per-block products h(tau) over the window's 10 ms
//    blocks; frame t+1's window is frame t's shifted by one block, so each
//    block's products are computed once and reused by the next frame;
//  - a block's products are computed for 128 lags at once, one SIMD lane per
//    lag (the compiler vectorizes the loop over lags, each lane summing over
//    the block's samples in order), so no horizontal sums are needed;
//  - d' is computed 32 lags at a time and only as far as the search reads:
//    the search stops at the first dip under the threshold.
#include <algorithm>
#include <cmath>

#include "analysis/features.hpp"
#include "switchboard/error.hpp"

namespace switchboard::analysis {

namespace {

constexpr int kTile = 128;  // lags of one block computed at a time
constexpr int kStep = 32;   // lags of d' computed at a time

// h[tau0 + i] for i in [0, kTile): sum over the block's kFrame samples of
// x[j] * x[j + tau0 + i]. The loop over k is vectorized (a lane per lag);
// kTile / 16 independent sums per lane keep the FMA pipeline full.
inline void lag_tile(const float* __restrict x, int tau0, float* __restrict out) {
    constexpr int L = 16, G = kTile / L;
    for (int k = 0; k < L; ++k) {
        float s[G] = {};
        for (int j = 0; j < kFrame; ++j) {
            const float xj = x[j];
            for (int g = 0; g < G; ++g) s[g] += xj * x[j + tau0 + g * L + k];
        }
        for (int g = 0; g < G; ++g) out[g * L + k] = s[g];
    }
}

// Energy of one block, in double, in 8 independent partial sums.
inline double block_energy(const float* x) {
    double acc[8] = {};
    for (int i = 0; i < kFrame; i += 8)
        for (int k = 0; k < 8; ++k) acc[k] += double(x[i + k]) * x[i + k];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

// Inclusive prefix sums of v[0, kStep) starting from carry, in four
// independent chains joined at the end (one chain would wait on every add).
inline void prefix_sum(double* v, double carry) {
    constexpr int C = 4, N = kStep / C;
    double s[C] = {};
    for (int i = 0; i < N; ++i)
        for (int c = 0; c < C; ++c) v[c * N + i] = s[c] += v[c * N + i];
    double off = carry;
    for (int c = 0; c < C; ++c) {
        for (int i = 0; i < N; ++i) v[c * N + i] += off;
        off += s[c];
    }
}

}  // namespace

PitchTracker::PitchTracker(double min_hz, double max_hz, double voicing_threshold)
    : tau_min_(std::max(2, static_cast<int>(std::floor(kAnalysisRate / max_hz)))),
      tau_max_(static_cast<int>(std::ceil(kAnalysisRate / min_hz)) + 1),
      threshold_(static_cast<float>(voicing_threshold)) {
    // Lags 1..tau_max + 1 (the refinement reads one past the last candidate),
    // in whole tiles. The integration window is whole blocks, at least two
    // (20 ms) and at least the longest period; the analysed stretch is
    // centred on the frame.
    lags_ = (tau_max_ + 1 + kTile - 1) / kTile * kTile;
    blocks_ = std::max(2, (tau_max_ + kFrame - 1) / kFrame);
    if (blocks_ > kSlots - 1)  // AnalysisOptions::validate() keeps pitch_min_hz at 50 Hz or more
        throw Error(ErrorCode::invalid_argument, "pitch_min_hz must be at least 50 Hz", "pitch_min_hz");
    window_ = blocks_ * kFrame;
    int span = window_ + tau_max_ + 1;
    before_ = span / 2 - kFrame / 2;
    after_ = window_ + lags_ - before_;
    h_.assign(static_cast<std::size_t>(kSlots) * static_cast<std::size_t>(lags_), 0.0f);
    for (int i = 0; i < kSlots; ++i) slots_[i].at = static_cast<std::size_t>(i) * static_cast<std::size_t>(lags_);
    r_.assign(static_cast<std::size_t>(lags_) + 1, 0.0f);
    dn_.assign(static_cast<std::size_t>(lags_) + 1, 1.0f);
    d_.assign(static_cast<std::size_t>(lags_) + 1, 0.0);
    q_.assign(static_cast<std::size_t>(lags_) + 1, 0.0);
}

float PitchTracker::estimate(const float* frame) {
    // A one-off estimate: nothing cached before or after.
    for (auto& s : slots_) s.key = -1;
    float hz = run(frame, 0);
    for (auto& s : slots_) s.key = -1;
    return hz;
}

float PitchTracker::estimate(const float* frame, std::int64_t index) { return run(frame, index); }

SB_MULTIVERSION const PitchTracker::Block* PitchTracker::block(const float* x, std::int64_t key, int tiles) {
    Block& b = slots_[static_cast<std::size_t>(key & (kSlots - 1))];
    if (b.key != key) {
        b.key = key;
        b.tiles = 0;
        b.energy = block_energy(x);
    }
    for (; b.tiles < tiles; ++b.tiles) lag_tile(x, 1 + b.tiles * kTile, h_.data() + b.at + b.tiles * kTile);
    return &b;
}

SB_MULTIVERSION void PitchTracker::fill(const float* x, const Block* const* blocks) {
    const int lo = filled_ + 1, W = window_;
    float* __restrict r = r_.data() + lo;
    double* __restrict q = q_.data() + lo;
    double* __restrict d = d_.data() + lo;
    float* __restrict dn = dn_.data() + lo;
    // r(tau) = sum of the blocks' products, in block order.
    for (int i = 0; i < kStep; ++i) r[i] = 0.0f;
    for (int b = 0; b < blocks_; ++b) {
        const float* __restrict h = h_.data() + blocks[b]->at + (lo - 1);
        for (int i = 0; i < kStep; ++i) r[i] += h[i];
    }
    // e(tau) = e(tau - 1) + x[tau + W - 1]^2 - x[tau - 1]^2, from e(0) = e0.
    const float* __restrict in = x + (lo + W - 1);
    const float* __restrict out = x + (lo - 1);
    for (int i = 0; i < kStep; ++i) q[i] = double(in[i]) * in[i] - double(out[i]) * out[i];
    prefix_sum(q, et_);
    et_ = q[kStep - 1];
    for (int i = 0; i < kStep; ++i) d[i] = std::max(0.0, e0_ + q[i] - 2.0 * r[i]);
    // d'(tau) = d(tau) * tau / sum d(1..tau), or 1 while that sum is 0 (then
    // d(tau) is 0 too, so adding 1 to the quotient 0 gives it, branch-free).
    for (int i = 0; i < kStep; ++i) q[i] = d[i];
    prefix_sum(q, cum_);
    cum_ = q[kStep - 1];
    for (int i = 0; i < kStep; ++i) {
        double c = q[i], v = d[i] * (lo + i) / std::max(c, 1e-300);
        dn[i] = static_cast<float>(v) + (c > 0 ? 0.0f : 1.0f);
    }
    filled_ += kStep;
}

SB_MULTIVERSION float PitchTracker::run(const float* frame, std::int64_t index) {
    const float* x = frame - before_;
    const Block* blocks[kSlots - 1];
    e0_ = 0;
    for (int i = 0; i < blocks_; ++i) {
        blocks[i] = block(x + i * kFrame, index + i, 0);
        e0_ += blocks[i]->energy;
    }
    if (e0_ < 1e-9 * window_) return 0.0f;
    filled_ = 0;
    et_ = e0_;
    cum_ = 0;
    // d'(tau), filled as far as the search reads.
    const float* dn = dn_.data();
    auto ensure = [&](int tau) {
        while (tau > filled_) {
            int tiles = filled_ / kTile + 1;
            for (int i = 0; i < blocks_; ++i) blocks[i] = block(x + i * kFrame, index + i, tiles);
            fill(x, blocks);
        }
    };
    // The first dip under the threshold, followed to its minimum.
    int best = -1;
    for (int tau = tau_min_; tau <= tau_max_; ++tau) {
        if (tau > filled_) ensure(tau);
        if (dn[tau] < threshold_) {
            while (tau + 1 <= tau_max_) {
                if (tau + 1 > filled_) ensure(tau + 1);
                if (!(dn[tau + 1] < dn[tau])) break;
                ++tau;
            }
            best = tau;
            break;
        }
    }
    if (best < 0) return 0.0f;
    ensure(best + 1);
    double a = dn[best - 1], b = dn[best], c = dn[best + 1];
    double den = a - 2 * b + c;
    double shift = den > 0 ? 0.5 * (a - c) / den : 0.0;
    shift = std::clamp(shift, -0.5, 0.5);
    return static_cast<float>(kAnalysisRate / (best + shift));
}

}  // namespace switchboard::analysis
