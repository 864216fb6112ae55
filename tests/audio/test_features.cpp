#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "analysis/detectors.hpp"
#include "analysis/features.hpp"
#include "helpers.hpp"

using namespace switchboard::analysis;

namespace {

// Median of the tracker's estimates over the voiced frames of x.
double median_pitch(const std::vector<float>& x, double min_hz = 65, double max_hz = 500, int* voiced = nullptr) {
    PitchTracker p(min_hz, max_hz, 0.25);
    std::vector<float> found;
    for (std::size_t at = std::size_t(p.before()); at + std::size_t(p.after()) <= x.size(); at += kFrame) {
        float hz = p.estimate(x.data() + at);
        if (hz > 0) found.push_back(hz);
    }
    if (voiced) *voiced = static_cast<int>(found.size());
    if (found.empty()) return 0;
    std::nth_element(found.begin(), found.begin() + long(found.size() / 2), found.end());
    return found[found.size() / 2];
}

}  // namespace

TEST_CASE("frame levels are mean squares of 10 ms frames", "[features]") {
    std::vector<float> x(kFrame * 3);
    for (int i = 0; i < kFrame; ++i) x[std::size_t(i)] = 0.5f;                                  // 0.25
    for (int i = 0; i < kFrame; ++i) x[std::size_t(kFrame + i)] = (i % 2) ? 0.1f : -0.1f;      // 0.01
    float p[3];
    frame_powers(x.data(), 3, p);
    CHECK(p[0] == Approx(0.25f));
    CHECK(p[1] == Approx(0.01f));
    CHECK(p[2] == 0.0f);
    CHECK(power_to_db(p[0]) == Approx(-6.0206).margin(1e-3));
    CHECK(power_to_db(0.0f) == Approx(-120.0));
    // A full-scale sine is -3 dBFS, as pydub counts it.
    std::vector<float> s(kFrame * 10);
    for (std::size_t i = 0; i < s.size(); ++i) s[i] = float(std::sin(2 * synth::kPi * 400 * double(i) / 8000));
    float q[10];
    frame_powers(s.data(), 10, q);
    CHECK(power_to_db(q[5]) == Approx(-3.0103).margin(0.01));
}

TEST_CASE("int16 samples convert at full scale 32768", "[features]") {
    std::int16_t in[4] = {0, 16384, -32768, 32767};
    float out[4];
    int16_to_float(in, 4, out);
    CHECK(out[0] == 0.0f);
    CHECK(out[1] == 0.5f);
    CHECK(out[2] == -1.0f);
    CHECK(out[3] == Approx(32767.0f / 32768));
    std::int16_t st[6] = {1, -1, 2, -2, 3, -3};
    float a[3], b[3];
    deinterleave2(st, 3, a, b);
    CHECK(a[2] == Approx(3.0f / 32768));
    CHECK(b[1] == Approx(-2.0f / 32768));
}

TEST_CASE("YIN finds the pitch of harmonic tones within 2%", "[features][pitch]") {
    for (double f0 : {80.0, 120.0, 220.0, 310.0, 450.0}) {
        auto x = synth::voiced(f0, 1.0, 8000, -20, 6, 0.0);
        int voiced = 0;
        double hz = median_pitch(x, 65, 500, &voiced);
        INFO("f0 " << f0 << " found " << hz);
        CHECK(std::abs(hz / f0 - 1) < 0.02);
        CHECK(voiced > 90);  // nearly every frame of a second
    }
}

TEST_CASE("YIN follows a tone without its fundamental (telephone band)", "[features][pitch]") {
    // Harmonics 3 to 10 of 110 Hz: the fundamental is missing, as on a phone line.
    std::vector<float> x(8000);
    for (std::size_t i = 0; i < x.size(); ++i) {
        double t = double(i) / 8000, s = 0;
        for (int k = 3; k <= 10; ++k) s += std::sin(2 * synth::kPi * 110 * k * t) / k;
        x[i] = float(0.1 * s);
    }
    CHECK(std::abs(median_pitch(x) / 110 - 1) < 0.02);
}

TEST_CASE("white noise and silence are not voiced", "[features][pitch]") {
    int voiced = 0;
    median_pitch(synth::noise(1.0, 8000, -20), 65, 500, &voiced);
    CHECK(voiced < 5);
    std::vector<float> zeros(8000, 0.0f);
    median_pitch(zeros, 65, 500, &voiced);
    CHECK(voiced == 0);
}

TEST_CASE("the running median matches the exact median within a bin", "[features]") {
    RunningMedian m(40, 1000, 1.0 / 96, true);
    std::mt19937 rng(3);
    std::lognormal_distribution<double> d(std::log(150.0), 0.2);
    std::vector<double> all;
    for (int i = 0; i < 5001; ++i) {
        double v = d(rng);
        all.push_back(v);
        m.add(v);
        if (i % 500 == 0) {
            auto c = all;
            std::nth_element(c.begin(), c.begin() + long((c.size() - 1) / 2), c.end());
            double exact = c[(c.size() - 1) / 2];
            CHECK(std::abs(m.median() / exact - 1) < 0.008);
        }
    }
    RunningMedian lv(-130, 10, 0.25, false);
    for (double v : {-30.0, -20.0, -25.0}) lv.add(v);
    CHECK(lv.median() == Approx(-24.875));
}

TEST_CASE("YIN reusing the block products equals the one-off estimate bit for bit", "[features][pitch]") {
    // Speech-like turns with pauses, so some frames are skipped as the engine
    // skips silent ones; two trackers, the default and the widest lag range.
    auto x = synth::track(3.0, 8000);
    synth::place(x, 0.2, synth::voiced(120, 1.0, 8000, -20, 6, 0.03), 8000);
    synth::place(x, 1.5, synth::voiced(230, 1.2, 8000, -18, 6, 0.03), 8000);
    synth::place(x, 2.75, synth::noise(0.2, 8000, -30), 8000);
    for (double min_hz : {65.0, 50.0}) {
        PitchTracker once(min_hz, 500, 0.25), kept(min_hz, 500, 0.25);
        int voiced = 0, compared = 0;
        for (std::int64_t t = 0;; ++t) {
            std::size_t at = std::size_t(once.before()) + std::size_t(t) * kFrame;
            if (at + std::size_t(once.after()) > x.size()) break;
            if (t % 7 == 3) continue;  // skipped frames
            float a = once.estimate(x.data() + at), b = kept.estimate(x.data() + at, t);
            CHECK(a == b);
            ++compared;
            if (a > 0) ++voiced;
        }
        INFO("min_hz " << min_hz);
        CHECK(compared > 250);
        CHECK(voiced > 150);
    }
}

TEST_CASE("levels read straight from int16 stereo equal conversion then frame_powers", "[features]") {
    std::mt19937 rng(5);
    std::uniform_int_distribution<int> u(-32768, 32767);
    const std::size_t frames = 9;
    std::vector<std::int16_t> in(2 * kFrame * frames);
    for (auto& v : in) v = static_cast<std::int16_t>(u(rng) >> (u(rng) & 7));
    std::vector<float> a(kFrame * frames), b(kFrame * frames), pa(frames), pb(frames), qa(frames), qb(frames);
    deinterleave2(in.data(), kFrame * frames, a.data(), b.data());
    frame_powers(a.data(), frames, pa.data());
    frame_powers(b.data(), frames, pb.data());
    frame_powers2(in.data(), frames, qa.data(), qb.data());
    for (std::size_t f = 0; f < frames; ++f) {
        CHECK(pa[f] == qa[f]);
        CHECK(pb[f] == qb[f]);
        CHECK(pa[f] > 0);
    }
}

TEST_CASE("the vectorized build in use is the one the CPU supports", "[features]") {
    std::string isa = vector_isa();
#if SB_HAVE_MULTIVERSION
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) CHECK(isa == "x86-64-v4 (AVX-512)");
    else if (__builtin_cpu_supports("x86-64-v3")) CHECK(isa == "x86-64-v3 (AVX2, FMA)");
    else CHECK(isa == "x86-64 baseline (SSE2)");
#else
    CHECK(isa.find("as compiled") != std::string::npos);
#endif
}
