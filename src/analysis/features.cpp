#include "analysis/features.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace switchboard::analysis {

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
constexpr float kScale = 1.0f / 32768.0f;

// Sum of the kLanes partial sums, in lane order (the same in every build).
inline float lanes_sum(const float* acc) {
    float s = 0;
    for (int k = 0; k < kLanes; ++k) s += acc[k];
    return s;
}

}  // namespace

SB_MULTIVERSION void frame_powers(const float* __restrict x, std::size_t n, float* __restrict out) {
    // kLanes independent partial sums per frame, which the vectorizer maps
    // onto SIMD registers.
    static_assert(kFrame % kLanes == 0);
    constexpr float inv = 1.0f / kFrame;
    for (std::size_t f = 0; f < n; ++f) {
        const float* p = x + f * kFrame;
        float acc[kLanes] = {};
        for (int i = 0; i < kFrame; i += kLanes)
            for (int k = 0; k < kLanes; ++k) acc[k] += p[i + k] * p[i + k];
        out[f] = lanes_sum(acc) * inv;
    }
}

SB_MULTIVERSION void frame_powers2(const std::int16_t* __restrict in, std::size_t n, float* __restrict a,
                                   float* __restrict b) {
    // The same lanes and order as frame_powers on the converted samples.
    constexpr float inv = 1.0f / kFrame;
    for (std::size_t f = 0; f < n; ++f) {
        const std::int16_t* p = in + f * 2 * kFrame;
        float acc_a[kLanes] = {}, acc_b[kLanes] = {};
        for (int i = 0; i < kFrame; i += kLanes)
            for (int k = 0; k < kLanes; ++k) {
                float va = static_cast<float>(p[2 * (i + k)]) * kScale;
                float vb = static_cast<float>(p[2 * (i + k) + 1]) * kScale;
                acc_a[k] += va * va;
                acc_b[k] += vb * vb;
            }
        a[f] = lanes_sum(acc_a) * inv;
        b[f] = lanes_sum(acc_b) * inv;
    }
}

float power_to_db(float power) { return 10.0f * std::log10(std::max(power, kMinPower)); }
float db_to_power(double db) { return static_cast<float>(std::pow(10.0, db / 10.0)); }

// Reports the build the load-time dispatch picks for SB_MULTIVERSION
// functions: the same resolver chooses among these definitions (called
// from this file, where all of them are seen).
#if SB_HAVE_MULTIVERSION
namespace {
__attribute__((target("default"))) const char* isa_name() { return "x86-64 baseline (SSE2)"; }
__attribute__((target("arch=x86-64-v3"))) const char* isa_name() { return "x86-64-v3 (AVX2, FMA)"; }
__attribute__((target("arch=x86-64-v4"))) const char* isa_name() { return "x86-64-v4 (AVX-512)"; }
}  // namespace
const char* vector_isa() { return isa_name(); }
#elif defined(__AVX512F__)
const char* vector_isa() { return "AVX-512 (as compiled)"; }
#elif defined(__AVX2__)
const char* vector_isa() { return "AVX2 (as compiled)"; }
#elif defined(__SSE2__)
const char* vector_isa() { return "SSE2 (as compiled)"; }
#elif defined(__ARM_NEON)
const char* vector_isa() { return "NEON (as compiled)"; }
#else
const char* vector_isa() { return "the target's default vector unit (as compiled)"; }
#endif

}  // namespace switchboard::analysis
