// Internal entry points shared by the analysis sources.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "switchboard/analysis.hpp"

namespace switchboard::analysis {

// Fills the per-channel and per-call statistics from the spans found.
void compute_stats(CallAnalysis& a);

// The errors every entry point shares (field names the input).
[[noreturn]] void throw_channels(int channels, const std::string& field);
[[noreturn]] void throw_rate(int rate, const std::string& field);
void check_format(int rate, int channels, const std::string& field);

// A whole WAV decoded, with the checks and errors of analyze_file (field
// names the input; at most max_channels channels).
struct Decoded {
    int rate = 0;
    int channels = 0;
    std::vector<float> interleaved;
};
Decoded decode_all(const std::string& path, double max_duration_s, const std::string& field, int max_channels);
Decoded decode_all(std::span<const std::byte> wav, double max_duration_s, const std::string& field,
                   int max_channels);

}  // namespace switchboard::analysis
