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
