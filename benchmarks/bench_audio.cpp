// Speed of the audio analysis engine on a generated 10-minute two-channel
// 8 kHz 16-bit call, one core, as multiples of real time:
//   - reading the samples (the memory-speed baseline),
//   - the level and silence pass (AnalysisOptions::voice = false),
//   - the whole engine (pitch, speech, noise, interruptions, escalation),
//   - the whole engine on the same call at 16 kHz (with resampling).
// With --peers (and benchmarks/peers_audio.py beside it) it also runs
// pydub's detect_silence and aubio's YIN on the agent channel and prints
// the ratios and how well the results agree.
//
//   build/benchmarks/bench_audio [--peers] [--minutes N]
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "switchboard/analysis.hpp"
#include "synth.hpp"

#ifndef SB_PEERS_SCRIPT
#define SB_PEERS_SCRIPT "peers_audio.py"
#endif

namespace {

using Clock = std::chrono::steady_clock;

// A call of `minutes`: turns of 1.5-8 s from alternating parties with
// pauses, some cut-ins, hiss bursts and a raised-voice stretch now and then.
struct Call {
    std::vector<float> agent, client;
    int rate;
    Call(double minutes, int rate_) : rate(rate_) {
        double len = minutes * 60;
        agent = synth::track(len, rate, 1);
        client = synth::track(len, rate, 2);
        std::mt19937 rng(42);
        std::uniform_real_distribution<double> u(0, 1);
        double t = 0.5;
        int who = 0;
        while (t < len - 10) {
            double turn = 1.5 + 6.5 * u(rng);
            auto& x = who ? client : agent;
            double f0 = who ? 210 : 120;
            bool raised = u(rng) < 0.05;
            synth::place(x, t, synth::voiced(f0 * (raised ? 1.45 : 1.0) * (0.95 + 0.1 * u(rng)), turn, rate,
                                             raised ? -12 : -20 - 4 * u(rng), 6, 0.03, u(rng) * 6),
                         rate);
            if (u(rng) < 0.1) synth::place(who ? agent : client, t + turn + 0.3, synth::noise(0.4, rate, -30), rate);
            double gap = u(rng) < 0.15 ? -(0.4 + 1.0 * u(rng)) : 0.3 + 2.2 * u(rng);  // some overlaps
            t += turn + gap;
            who = 1 - who;
        }
    }
};

template <class F>
double best_seconds(int reps, F&& f) {
    double best = 1e30;
    for (int i = 0; i < reps; ++i) {
        auto t0 = Clock::now();
        f();
        best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
    }
    return best;
}

// Which build of the hot loops runs: the library carries an x86-64
// baseline (SSE2) build and an x86-64-v3 (AVX2) clone chosen at load time.
const char* simd() {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi2"))
        return "x86-64-v3 (AVX2) clone, chosen at load time over the SSE2 baseline";
    return "x86-64 baseline (SSE2); this CPU lacks x86-64-v3";
#elif defined(__ARM_NEON)
    return "NEON";
#else
    return "the target's default vector unit";
#endif
}

// Seconds of overlap between two span lists.
double overlap(const std::vector<switchboard::TimeSpan>& a, const std::vector<switchboard::TimeSpan>& b) {
    double s = 0;
    for (const auto& x : a)
        for (const auto& y : b) s += std::max(0.0, std::min(x.end, y.end) - std::max(x.start, y.start));
    return s;
}

double total(const std::vector<switchboard::TimeSpan>& a) {
    double s = 0;
    for (const auto& x : a) s += x.end - x.start;
    return s;
}

void peers(const Call& call, double minutes) {
    namespace fs = std::filesystem;
    fs::path script = fs::path(SB_PEERS_SCRIPT);
    if (!fs::exists(script)) {
        std::printf("peers: %s not found\n", script.c_str());
        return;
    }
    auto dir = fs::temp_directory_path() / ("sb-bench-audio-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
    auto wav = (dir / "agent.wav").string(), out = (dir / "peers.json").string();
    synth::write_wav(wav, call.agent, call.rate, 1, SF_FORMAT_PCM_16);

    // The same threshold for both: 15 dB under the channel's dBFS, as pydub
    // users write it (audio.dBFS - 15), handed to switchboard as absolute.
    double s2 = 0;
    for (float v : call.agent) s2 += double(v) * v;
    double thresh = 10 * std::log10(s2 / call.agent.size()) - 15;
    std::string cmd = "/usr/bin/python3 " + script.string() + " " + wav + " " + std::to_string(thresh) + " > " + out;
    std::printf("\npeers on the agent channel (%.0f min, silence threshold %.1f dBFS, 500 ms):\n", minutes, thresh);
    std::fflush(stdout);
    if (std::system(cmd.c_str()) != 0) {
        std::printf("peers: %s failed (python3-pydub and python3-aubio from Debian?)\n", script.c_str());
        fs::remove_all(dir);
        return;
    }
    std::ifstream in(out);
    std::stringstream ss;
    ss << in.rdbuf();
    auto v = boost::json::parse(ss.str()).as_object();
    fs::remove_all(dir);

    std::vector<std::int16_t> mono = synth::to_int16(call.agent);
    switchboard::AnalysisOptions lo;
    lo.voice = false;
    lo.silence_threshold_dbfs = thresh;
    switchboard::CallAnalysis ours;
    double t_sil = best_seconds(5, [&] { ours = switchboard::analyze_samples(std::span<const std::int16_t>(mono), call.rate, 1, lo); });
    std::vector<switchboard::TimeSpan> theirs;
    for (auto& s : v.at("pydub_silences").as_array())
        theirs.push_back({s.as_array()[0].to_number<double>(), s.as_array()[1].to_number<double>()});
    double both = overlap(ours.channels[0].silences, theirs);
    double uni = total(ours.channels[0].silences) + total(theirs) - both;
    double t_pydub = v.at("pydub_seconds").to_number<double>();
    std::printf("  silence  switchboard %8.4f s   pydub detect_silence(seek_step=1) %8.2f s   %8.0fx faster\n", t_sil,
                t_pydub, t_pydub / t_sil);
    std::printf("           spans: switchboard %zu, pydub %zu; time agreement (intersection/union) %.1f%%\n",
                ours.channels[0].silences.size(), theirs.size(), 100 * both / std::max(uni, 1e-9));

    switchboard::CallAnalysis full;
    double t_full = best_seconds(3, [&] { full = switchboard::analyze_samples(std::span<const std::int16_t>(mono), call.rate, 1); });
    double t_aubio = v.at("aubio_seconds").to_number<double>();
    double aubio_median = v.at("aubio_median_hz").to_number<double>();
    std::printf("  pitch    switchboard whole engine %8.4f s   aubio yin (hop 10 ms) %8.3f s   %6.1fx faster\n", t_full,
                t_aubio, t_aubio / t_full);
    std::printf("           median pitch: switchboard %.1f Hz, aubio %.1f Hz (%.2f%% apart)\n",
                full.channels[0].median_pitch_hz, aubio_median,
                100 * std::abs(full.channels[0].median_pitch_hz / aubio_median - 1));
}

}  // namespace

int main(int argc, char** argv) {
    double minutes = 10;
    bool with_peers = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--peers") with_peers = true;
        else if (a == "--minutes" && i + 1 < argc) minutes = std::atof(argv[++i]);
        else {
            std::fprintf(stderr, "usage: bench_audio [--peers] [--minutes N]\n");
            return 2;
        }
    }
    std::printf("generating a %.0f-minute two-channel call ...\n", minutes);
    Call call(minutes, 8000);
    auto x = synth::to_int16(synth::interleave(call.agent, call.client));
    const double seconds = minutes * 60;
    std::printf("frame features: plain loops (16-lane accumulators) vectorized by the compiler; running the %s\n"
                "(check: -fopt-info-vec-optimized on src/analysis/features.cpp)\n\n",
                simd());

    volatile std::int64_t sink = 0;
    double t_read = best_seconds(10, [&] {
        std::int64_t s = 0;
        for (std::int16_t v : x) s += v;
        sink = sink + s;
    });
    switchboard::AnalysisOptions level_only;
    level_only.voice = false;
    switchboard::CallAnalysis lv, full, resampled;
    double t_level = best_seconds(10, [&] { lv = switchboard::analyze_samples(std::span<const std::int16_t>(x), 8000, 2, level_only); });
    double t_full = best_seconds(3, [&] { full = switchboard::analyze_samples(std::span<const std::int16_t>(x), 8000, 2); });
    Call hi(minutes, 16000);
    auto xh = synth::to_int16(synth::interleave(hi.agent, hi.client));
    double t_hi = best_seconds(2, [&] { resampled = switchboard::analyze_samples(std::span<const std::int16_t>(xh), 16000, 2); });

    auto row = [&](const char* what, double t, double goal) {
        std::printf("%-46s %9.2f ms  %10.0fx real time", what, t * 1000, seconds / t);
        if (goal > 0) std::printf("  (goal %.0fx: %s)", goal, seconds / t >= goal ? "met" : "NOT met");
        std::printf("\n");
    };
    row("read the samples (memory baseline)", t_read, 0);
    row("level + silence pass (voice = false)", t_level, 100000);
    row("whole engine (pitch, speech, escalation)", t_full, 2000);
    row("whole engine, 16 kHz input (resampled)", t_hi, 0);
    std::printf("\nlevel pass / memory baseline: %.2f\n", t_level / t_read);
    std::printf("found: agent %zu speech, %zu silences, %zu noise, %zu escalations, median %.1f Hz; "
                "client %zu speech, median %.1f Hz; %zu interruptions\n",
                full.channels[0].speech.size(), full.channels[0].silences.size(), full.channels[0].noise.size(),
                full.channels[0].escalations.size(), full.channels[0].median_pitch_hz, full.channels[1].speech.size(),
                full.channels[1].median_pitch_hz, full.interruptions.size());
    if (with_peers) peers(call, minutes);
    return 0;
}
