// Frame features of the analysis engine: sample conversion, the level of
// each 10 ms frame and the YIN pitch estimate. Plain loops written so that
// the compiler vectorizes them (fixed-width accumulator arrays instead of
// one scalar sum, which GCC may not reorder without -ffast-math).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "switchboard/analysis.hpp"

namespace switchboard::analysis {

inline constexpr int kFrame = kAnalysisRate * kAnalysisFrameMs / 1000;  // 80 samples
inline constexpr float kMinPower = 1e-12f;                               // -120 dBFS

// int16 full scale (32768) to float full scale (1.0).
void int16_to_float(const std::int16_t* in, std::size_t n, float* out);
// Interleaved stereo into two planes.
void deinterleave2(const std::int16_t* in, std::size_t frames, float* a, float* b);
void deinterleave2(const float* in, std::size_t frames, float* a, float* b);

// Mean square of each of n consecutive frames of kFrame samples.
void frame_powers(const float* x, std::size_t n, float* out);

float power_to_db(float power);
float db_to_power(double db);

// YIN (de Cheveigné and Kawahara 2002) at the analysis rate: the difference
// function through the autocorrelation identity, the cumulative mean
// normalised difference, the first dip under the voicing threshold and a
// parabolic refinement of its lag.
class PitchTracker {
public:
    PitchTracker(double min_hz, double max_hz, double voicing_threshold);
    // Samples the estimate reads around a frame's first sample.
    int before() const { return before_; }
    int after() const { return after_; }
    // Pitch in Hz of the frame starting at x (reads x[-before(), after())),
    // or 0 when the frame is not voiced.
    float estimate(const float* x);

private:
    int tau_min_, tau_max_, window_, before_, after_;
    float threshold_;
    std::vector<float> r_, d_;
};

}  // namespace switchboard::analysis
