// Internal entry points shared by the analysis sources.
#pragma once

#include <string>

#include "switchboard/analysis.hpp"

namespace switchboard::analysis {

// Fills the per-channel and per-call statistics from the spans found.
void compute_stats(CallAnalysis& a);

// The errors every entry point shares (field names the input).
[[noreturn]] void throw_channels(int channels, const std::string& field);
[[noreturn]] void throw_rate(int rate, const std::string& field);
void check_format(int rate, int channels, const std::string& field);

}  // namespace switchboard::analysis
