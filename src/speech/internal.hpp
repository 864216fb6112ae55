// Internal to src/speech: sample conversions shared by the transcriber and
// the call pipeline.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace switchboard::speech {

// Mono float samples at `rate` converted to `want` Hz (libsamplerate's
// sinc converter when the rates differ) and to 16-bit PCM, clipped.
std::vector<std::int16_t> to_pcm16(std::span<const float> samples, int rate, int want);
// The same conversion, kept as floats.
std::vector<float> resample(std::span<const float> samples, int rate, int want);

}  // namespace switchboard::speech
