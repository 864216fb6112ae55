// Frame features of the analysis engine: sample conversion, the level of
// each 10 ms frame and the YIN pitch estimate. Plain loops written so that
// the compiler vectorizes them: fixed-width accumulator arrays instead of
// one scalar sum (GCC may not reorder a floating-point sum without
// -ffast-math), or an outer loop over independent sums (one per lag) that
// the vectorizer maps onto SIMD lanes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "switchboard/analysis.hpp"

// On x86-64 with GCC the hot functions are built three times, for the
// x86-64 baseline (SSE2), x86-64-v3 (AVX2, FMA) and x86-64-v4 (AVX-512),
// and the best one the CPU runs is chosen at load time (function
// multi-versioning).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__ELF__)
#define SB_HAVE_MULTIVERSION 1
#define SB_MULTIVERSION __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define SB_HAVE_MULTIVERSION 0
#define SB_MULTIVERSION
#endif

namespace switchboard::analysis {

inline constexpr int kFrame = kAnalysisRate * kAnalysisFrameMs / 1000;  // 80 samples
inline constexpr float kMinPower = 1e-12f;                               // -120 dBFS

// An allocator whose resize() leaves new floats uninitialised: sample
// buffers are grown and then written, so zeroing them first is wasted work.
template <class T>
struct UninitAllocator : std::allocator<T> {
    template <class U>
    struct rebind {
        using other = UninitAllocator<U>;
    };
    UninitAllocator() = default;
    template <class U>
    UninitAllocator(const UninitAllocator<U>&) noexcept {}
    template <class U>
    void construct(U* p) noexcept {
        ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... A>
    void construct(U* p, A&&... a) {
        ::new (static_cast<void*>(p)) U(std::forward<A>(a)...);
    }
};
using Samples = std::vector<float, UninitAllocator<float>>;

// int16 full scale (32768) to float full scale (1.0).
void int16_to_float(const std::int16_t* in, std::size_t n, float* out);
// Interleaved stereo into two planes.
void deinterleave2(const std::int16_t* in, std::size_t frames, float* a, float* b);
void deinterleave2(const float* in, std::size_t frames, float* a, float* b);

// Mean square of each of n consecutive frames of kFrame samples.
void frame_powers(const float* x, std::size_t n, float* out);
// The same for the two channels of n frames of interleaved int16 stereo
// (2 * kFrame * n samples), without converting the samples first. Gives
// exactly what int16 -> float -> frame_powers gives.
void frame_powers2(const std::int16_t* in, std::size_t n, float* a, float* b);

float power_to_db(float power);
float db_to_power(double db);

// The instruction set the vectorized loops run with on this CPU (the
// library carries a baseline build and x86-64-v3/v4 clones picked at load
// time on x86-64 with GCC), e.g. "x86-64-v3 (AVX2, FMA)".
const char* vector_isa();

// YIN (de Cheveigné and Kawahara 2002) at the analysis rate: the difference
// function through the autocorrelation identity, the cumulative mean
// normalised difference, the first dip under the voicing threshold and a
// parabolic refinement of its lag.
//
// The integration window is whole 10 ms blocks (two by default), and the
// window of frame t+1 starts one block after frame t's. The lag products of
// a block, sum x[j] * x[j + tau] over its 80 samples for every lag, are
// computed once (vectorized across lags) and kept for the next frame, so a
// run of non-silent frames costs one block of products per frame.
class PitchTracker {
public:
    PitchTracker(double min_hz, double max_hz, double voicing_threshold);
    // Samples the estimate reads around a frame's first sample.
    int before() const { return before_; }
    int after() const { return after_; }
    // Pitch in Hz of the frame starting at x (reads x[-before(), after())),
    // or 0 when the frame is not voiced.
    float estimate(const float* x);
    // The same for frame number `frame` of one stream (x = that frame's
    // first sample), reusing the block products of the frames estimated
    // just before it: frames in increasing order benefit, any may be
    // skipped. Equal, bit for bit, to estimate(x).
    float estimate(const float* x, std::int64_t frame);

private:
    static constexpr int kSlots = 4;  // cached blocks (a window has at most 3)
    struct Block {
        std::int64_t key = -1;  // frame number whose window starts with this block
        int tiles = 0;          // lag tiles computed
        double energy = 0;
        std::size_t at = 0;     // offset of its products in h_
    };
    float run(const float* x, std::int64_t frame);
    const Block* block(const float* x, std::int64_t key, int tiles);
    void fill(const float* x, const Block* const* blocks);

    int tau_min_, tau_max_, lags_, blocks_, window_, before_, after_;
    float threshold_;
    Block slots_[kSlots];
    std::vector<float> h_;  // kSlots x lags_ block products (lag 1 first)
    // Per frame: lags filled so far, running sums, the normalised difference.
    int filled_ = 0;
    double e0_ = 0, et_ = 0, cum_ = 0;
    std::vector<float> r_, dn_;
    std::vector<double> d_, q_;
};

}  // namespace switchboard::analysis
