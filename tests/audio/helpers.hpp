// Shared helpers of the audio tests.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "../common/temp_dir.hpp"
#include "switchboard/analysis.hpp"
#include "synth.hpp"

namespace audiotest {

// A fresh temporary directory (tests/common/temp_dir.hpp).
inline std::filesystem::path temp_dir() { return sbtest::temp_dir("sb-audio"); }

// Spans agree when each boundary is within tol seconds.
inline bool near(const switchboard::TimeSpan& s, double a, double b, double tol = 0.02) {
    return std::abs(s.start - a) <= tol && std::abs(s.end - b) <= tol;
}

inline std::string show(const std::vector<switchboard::TimeSpan>& v) {
    std::ostringstream out;
    for (const auto& s : v) out << '[' << s.start << ", " << s.end << "] ";
    return out.str();
}

// The planted call used by several tests, 8 kHz, about 20 s:
//   agent  (120 Hz): 0.6-3.0, 5.0-8.0 (gap 0.2 s at 6.0), 11.0-14.0, 16.0-17.0
//   client (220 Hz): 2.0-4.5, 7.7-10.0, 12.0-12.9, 15.0-18.5
//   client noise burst 19.1-19.7
// Overlaps: 2.0-3.0 (client cuts in), 7.7-8.0 (too short), 12.0-12.9 (client),
// 16.0-17.0 (agent cuts in).
struct PlantedCall {
    int rate = 8000;
    std::vector<float> agent, client;
    explicit PlantedCall(int r = 8000) : rate(r) {
        agent = synth::track(20.0, rate, 1);
        client = synth::track(20.0, rate, 2);
        synth::talk(agent, 0.6, 3.0, 120, rate);
        synth::talk(agent, 5.0, 6.0, 120, rate);
        synth::talk(agent, 6.2, 8.0, 120, rate);
        synth::talk(agent, 11.0, 14.0, 120, rate);
        synth::talk(agent, 16.0, 17.0, 120, rate);
        synth::talk(client, 2.0, 4.5, 220, rate);
        synth::talk(client, 7.7, 10.0, 220, rate);
        synth::talk(client, 12.0, 12.9, 220, rate);
        synth::talk(client, 15.0, 18.5, 220, rate);
        synth::place(client, 19.1, synth::noise(0.6, rate, -18, 9), rate);
    }
    std::vector<float> stereo() const { return synth::interleave(agent, client); }
};

}  // namespace audiotest
