// One channel's conversion to the analysis rate.
//
// Two stages: an anti-alias low-pass FIR (Kaiser-windowed sinc: flat to
// 3.4 kHz, 60 dB down from 4.6 kHz) that also decimates by an integer
// factor, vectorized across output samples; then, when the rate after it is
// not the analysis rate already, libsamplerate's linear converter
// (SRC_LINEAR) for the remaining fractional ratio. 16, 24, 32 and 48 kHz
// need only the first stage; 11.025, 22.05 and 44.1 kHz reach 11.025 or
// 22.05 kHz after it and are then interpolated.
//
// Input is gathered into fixed blocks before it reaches either stage, so
// the converter does the same work whatever the chunking of the input: the
// analysis of a stream does not depend on how it was cut.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "features.hpp"  // beside this header

typedef struct SRC_STATE_tag SRC_STATE;

namespace switchboard::analysis {

class Resampler {
public:
    Resampler(int in_rate, int out_rate);
    ~Resampler();
    Resampler(const Resampler&) = delete;
    Resampler& operator=(const Resampler&) = delete;
    Resampler(Resampler&& other) noexcept;
    Resampler& operator=(Resampler&&) = delete;

    bool bypass() const { return decimation_ == 0; }
    // Appends the converted samples that are ready to out.
    void push(const float* x, std::size_t n, Samples& out);
    // Flushes the converter at the end of the input.
    void finish(Samples& out);

    // What the conversion does, e.g. "FIR 49 taps, decimate by 2".
    std::string describe() const;
    int taps() const { return length_; }
    int decimation() const { return decimation_; }
    // Rate after the FIR stage; libsamplerate converts it when it is not out_rate.
    int middle_rate() const { return middle_rate_; }

private:
    void run(bool end, Samples& out);
    void interpolate(const float* x, std::size_t n, bool end, Samples& out);

    static constexpr std::size_t kBlock = 4096;
    int decimation_ = 0;  // 0: no conversion
    int middle_rate_ = 0;
    int length_ = 0;                 // taps of the FIR
    int centre_ = 0;                 // taps before the centre tap
    std::vector<float> taps_;        // the FIR, phase-major (taps_[p * J + j] = h[j * D + p]), 0-padded
    int phase_len_ = 0;              // J: taps per phase, a multiple of 4
    Samples in_;                     // input the FIR has not consumed (after centre_ leading zeros)
    std::size_t fill_ = 0;           // input samples gathered towards the next block
    long long received_ = 0;         // input samples received
    long long produced_ = 0;         // FIR outputs produced
    std::vector<float> phases_, fir_out_;
    SRC_STATE* linear_ = nullptr;
    double ratio_ = 1.0;
    std::vector<float> scratch_;
};

}  // namespace switchboard::analysis
