// Speed of the audio analysis engine on a generated 10-minute two-channel
// 8 kHz 16-bit call, one core, as multiples of real time, side by side:
//   - reading the samples (the memory-speed baseline),
//   - the level and silence pass (AnalysisOptions::voice = false),
//   - the whole engine (pitch, speech, noise, interruptions, escalation),
//   - the whole engine on the same call recorded at 16 kHz (resampled).
// Each figure is the best of N runs (the standalone figure on a busy
// machine) and the median of the same runs; the load average is printed
// before and after. It says how the frame features are vectorized, and with
// --vec-report runs the compiler's vectorization report on the sources.
// With --peers (and benchmarks/peers_audio.py beside it) it also runs
// pydub's detect_silence and aubio's YIN on the agent channel and prints
// the ratios and how well the results agree.
//
//   build/benchmarks/bench_audio [--peers] [--vec-report] [--minutes N] [--reps N] [--rate HZ]
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/features.hpp"
#include "analysis/resample.hpp"
#include "switchboard/analysis.hpp"
#include "synth.hpp"

#ifndef SB_PEERS_SCRIPT
#define SB_PEERS_SCRIPT "peers_audio.py"
#endif

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

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

struct Timing {
    double best = 0, median = 0;
    int reps = 0;
};

template <class F>
Timing measure(int reps, F&& f) {
    std::vector<double> t;
    for (int i = 0; i < reps; ++i) {
        auto t0 = Clock::now();
        f();
        t.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    std::sort(t.begin(), t.end());
    std::size_t n = t.size();
    return {t.front(), n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]), reps};
}

std::string load_average() {
    double l[3] = {0, 0, 0};
    if (getloadavg(l, 3) != 3) return "unknown";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f %.2f %.2f", l[0], l[1], l[2]);
    return buf;
}

fs::path source_root() { return fs::path(SB_PEERS_SCRIPT).parent_path().parent_path(); }

// The compiler's own vectorization report on the engine's hot loops: each
// vectorized loop with the function it sits in and the vector widths the
// multi-versioned builds use (16, 32, 64 bytes: SSE2, AVX2, AVX-512).
void vec_report() {
    const fs::path root = source_root();
    const char* cxx = std::getenv("CXX") ? std::getenv("CXX") : "c++";
    std::printf("compiler vectorization report (%s -O3 -fopt-info-vec-optimized):\n", cxx);
    for (const char* file : {"features.cpp", "pitch.cpp", "resample.cpp"}) {
        fs::path src = root / "src" / "analysis" / file;
        // The function each source line belongs to: the last definition above it.
        std::ifstream in(src);
        if (!in) {
            std::printf("  %s not found\n", src.c_str());
            return;
        }
        std::vector<std::string> owner{""};
        std::string line, current;
        while (std::getline(in, line)) {
            bool definition = !line.empty() && std::isalpha(static_cast<unsigned char>(line[0])) &&
                              line.find('(') != std::string::npos && line.rfind("namespace", 0) != 0 &&
                              line.rfind("template", 0) != 0;
            if (definition) {
                std::string head = line.substr(0, line.find('('));
                current = head.substr(head.find_last_of(" *&") == std::string::npos ? 0 : head.find_last_of(" *&") + 1);
            }
            owner.push_back(current);
        }
        std::string cmd = std::string(cxx) + " -std=c++20 -O3 -DNDEBUG -fopt-info-vec-optimized -I" +
                          (root / "include").string() + " -I" + (root / "src").string() + " -c " + src.string() +
                          " -o /dev/null 2>&1";
        FILE* p = popen(cmd.c_str(), "r");
        if (!p) return;
        std::map<int, std::set<int>> loops;  // line -> vector widths in bytes
        char buf[1024];
        std::string tag = src.filename().string() + ":";
        while (std::fgets(buf, sizeof buf, p)) {
            std::string s = buf;
            auto at = s.find(tag);
            auto v = s.find("loop vectorized using ");
            if (at == std::string::npos || v == std::string::npos || s.find("/include/") < at) continue;
            int ln = std::atoi(s.c_str() + at + tag.size());
            loops[ln].insert(std::atoi(s.c_str() + v + 22));
        }
        pclose(p);
        for (const auto& [ln, widths] : loops) {
            std::string w;
            for (int x : widths) {
                if (!w.empty()) w += '/';
                w += std::to_string(x);
            }
            std::printf("  %s:%d %-20s loop vectorized using %s byte vectors\n", file, ln,
                        ln < int(owner.size()) ? owner[std::size_t(ln)].c_str() : "?", w.c_str());
        }
    }
    std::printf("\n");
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

void peers(const Call& call, double minutes, int reps) {
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
    double thresh = 10 * std::log10(s2 / double(call.agent.size())) - 15;
    std::string cmd = "/usr/bin/python3 " + script.string() + " " + wav + " " + std::to_string(thresh) + " > " + out;
    std::printf("\npeers on the agent channel (%.0f min mono, silence threshold %.1f dBFS, 500 ms):\n", minutes,
                thresh);
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
    std::span<const std::int16_t> samples(mono);
    switchboard::AnalysisOptions lo;
    lo.voice = false;
    lo.silence_threshold_dbfs = thresh;
    switchboard::CallAnalysis ours, full;
    Timing t_sil = measure(3 * reps, [&] { ours = switchboard::analyze_samples(samples, call.rate, 1, lo); });
    Timing t_full = measure(reps, [&] { full = switchboard::analyze_samples(samples, call.rate, 1); });
    std::vector<switchboard::TimeSpan> theirs;
    for (auto& s : v.at("pydub_silences").as_array())
        theirs.push_back({s.as_array()[0].to_number<double>(), s.as_array()[1].to_number<double>()});
    double both = overlap(ours.channels[0].silences, theirs);
    double uni = total(ours.channels[0].silences) + total(theirs) - both;
    double t_pydub = v.at("pydub_seconds").to_number<double>();
    double t_aubio = v.at("aubio_seconds").to_number<double>();
    double aubio_median = v.at("aubio_median_hz").to_number<double>();

    std::printf("%-34s %14s %14s %14s %18s\n", "", "switchboard", "(median)", "peer", "ratio (goal)");
    std::printf("%-34s %11.2f ms %11.2f ms %12.2f s %9.0fx (500x: %s)\n", "silence vs pydub detect_silence",
                t_sil.best * 1e3, t_sil.median * 1e3, t_pydub, t_pydub / t_sil.best,
                t_pydub / t_sil.best >= 500 ? "met" : "NOT met");
    std::printf("%-34s %11.2f ms %11.2f ms %12.2f s %9.1fx (5x: %s)\n", "pitch (whole engine) vs aubio yin",
                t_full.best * 1e3, t_full.median * 1e3, t_aubio, t_aubio / t_full.best,
                t_aubio / t_full.best >= 5 ? "met" : "NOT met");
    std::printf("agreement: silences %zu (switchboard) vs %zu (pydub), %.1f%% of silence time shared "
                "(intersection/union); median pitch %.1f vs %.1f Hz (%.2f%% apart, goal 5%%)\n",
                ours.channels[0].silences.size(), theirs.size(), 100 * both / std::max(uni, 1e-9),
                full.channels[0].median_pitch_hz, aubio_median,
                100 * std::abs(full.channels[0].median_pitch_hz / aubio_median - 1));
}

}  // namespace

int main(int argc, char** argv) {
    double minutes = 10;
    int reps = 7, rate_hi = 16000;
    bool with_peers = false, with_report = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--peers") with_peers = true;
        else if (a == "--vec-report") with_report = true;
        else if (a == "--minutes" && i + 1 < argc) minutes = std::atof(argv[++i]);
        else if (a == "--reps" && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
        else if (a == "--rate" && i + 1 < argc) rate_hi = std::atoi(argv[++i]);
        else {
            std::fprintf(stderr, "usage: bench_audio [--peers] [--vec-report] [--minutes N] [--reps N] [--rate HZ]\n");
            return 2;
        }
    }
    std::printf("load average at start: %s\n", load_average().c_str());
    std::printf("frame features: plain C++ loops that GCC vectorizes (no intrinsics, no Highway): levels as 16\n"
                "  independent partial sums per 10 ms frame, YIN's lag products as one SIMD lane per lag; built\n"
                "  for the x86-64 baseline (SSE2), x86-64-v3 (AVX2, FMA) and x86-64-v4 (AVX-512), the best chosen\n"
                "  at load time; this CPU runs: %s\n",
                switchboard::analysis::vector_isa());
    std::printf("resampling %d Hz to 8000 Hz: %s\n\n",
                rate_hi, switchboard::analysis::Resampler(rate_hi, 8000).describe().c_str());
    if (with_report) vec_report();

    std::printf("generating a %.0f-minute two-channel call at 8000 and %d Hz ...\n", minutes, rate_hi);
    std::fflush(stdout);
    Call call(minutes, 8000);
    auto x = synth::to_int16(synth::interleave(call.agent, call.client));
    Call hi(minutes, rate_hi);
    auto xh = synth::to_int16(synth::interleave(hi.agent, hi.client));
    const double seconds = minutes * 60;

    volatile std::int64_t sink = 0;
    Timing t_read = measure(5 * reps, [&] {
        std::int64_t s = 0;
        for (std::int16_t v : x) s += v;
        sink = sink + s;
    });
    switchboard::AnalysisOptions level_only;
    level_only.voice = false;
    switchboard::CallAnalysis lv, full, resampled;
    std::span<const std::int16_t> sx(x), sh(xh);
    Timing t_level = measure(5 * reps, [&] { lv = switchboard::analyze_samples(sx, 8000, 2, level_only); });
    Timing t_full = measure(reps, [&] { full = switchboard::analyze_samples(sx, 8000, 2); });
    Timing t_hi = measure(reps, [&] { resampled = switchboard::analyze_samples(sh, rate_hi, 2); });

    std::printf("\n%.0f minutes, two channels, one core; best and median of N runs\n", minutes);
    std::printf("%-44s %4s %10s %10s %12s %12s  %s\n", "pass", "N", "best", "median", "x real time", "(median)",
                "goal");
    auto row = [&](const std::string& what, const Timing& t, double goal) {
        std::printf("%-44s %4d %7.2f ms %7.2f ms %11.0fx %11.0fx", what.c_str(), t.reps, t.best * 1e3, t.median * 1e3,
                    seconds / t.best, seconds / t.median);
        if (goal > 0) std::printf("  %.0fx: %s", goal, seconds / t.best >= goal ? "met" : "NOT met");
        std::printf("\n");
    };
    row("read the samples (memory baseline)", t_read, 0);
    row("level + silence pass (voice = false)", t_level, 100000);
    row("whole engine (pitch, speech, escalation)", t_full, 2000);
    row("whole engine, " + std::to_string(rate_hi) + " Hz input (resampled)", t_hi, 0);
    std::printf("\nlevel pass / memory baseline: %.2f; one hour of the call: level pass %.1f ms, "
                "whole engine %.0f ms\n",
                t_level.best / t_read.best, t_level.best * 3600 / seconds * 1e3, t_full.best * 3600 / seconds * 1e3);
    std::printf("found: agent %zu speech, %zu silences, %zu noise, %zu escalations, median %.1f Hz; "
                "client %zu speech, median %.1f Hz; %zu interruptions\n",
                full.channels[0].speech.size(), full.channels[0].silences.size(), full.channels[0].noise.size(),
                full.channels[0].escalations.size(), full.channels[0].median_pitch_hz, full.channels[1].speech.size(),
                full.channels[1].median_pitch_hz, full.interruptions.size());
    std::printf("at %d Hz:  agent %zu speech, %zu silences, median %.1f Hz; client median %.1f Hz; %zu interruptions\n",
                rate_hi, resampled.channels[0].speech.size(), resampled.channels[0].silences.size(),
                resampled.channels[0].median_pitch_hz, resampled.channels[1].median_pitch_hz,
                resampled.interruptions.size());
    if (with_peers) peers(call, minutes, reps);
    std::printf("\nload average at end: %s\n", load_average().c_str());
    return 0;
}
