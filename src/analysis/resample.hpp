// One channel's conversion to the analysis rate with libsamplerate.
//
// Input is gathered into fixed blocks before it reaches the converter, so
// the converter sees the same calls whatever the chunking of the input:
// the analysis of a stream does not depend on how it was cut.
#pragma once

#include <cstddef>
#include <vector>

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

    bool bypass() const { return state_ == nullptr; }
    // Appends the converted samples that are ready to out.
    void push(const float* x, std::size_t n, std::vector<float>& out);
    // Flushes the converter at the end of the input.
    void finish(std::vector<float>& out);

private:
    void run(std::size_t n, bool end, std::vector<float>& out);

    static constexpr std::size_t kBlock = 4096;
    SRC_STATE* state_ = nullptr;
    double ratio_ = 1.0;
    std::vector<float> block_;
    std::size_t fill_ = 0;
    std::vector<float> scratch_;
};

}  // namespace switchboard::analysis
