#include <catch2/catch.hpp>

#include <cmath>

#include "analysis/resample.hpp"
#include "helpers.hpp"

using namespace switchboard;
using analysis::Resampler;
using analysis::Samples;

namespace {

std::vector<float> tone(double hz, double sec, int rate, double db = -20) {
    std::vector<float> x(static_cast<std::size_t>(std::lround(sec * rate)));
    double a = std::pow(10.0, db / 20.0) * std::sqrt(2.0);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = float(a * std::sin(2 * synth::kPi * hz * double(i) / rate));
    return x;
}

// Converts x to 8 kHz, pushing it in chunks of `chunk` samples.
Samples convert(const std::vector<float>& x, int rate, std::size_t chunk = 1u << 30) {
    Resampler rs(rate, kAnalysisRate);
    Samples out;
    for (std::size_t at = 0; at < x.size(); at += chunk) rs.push(x.data() + at, std::min(chunk, x.size() - at), out);
    rs.finish(out);
    return out;
}

// RMS level in dBFS of x[from, to) (full scale 1.0, so a -20 dB sine reads -20).
double level_db(const Samples& x, std::size_t from, std::size_t to) {
    double s = 0;
    for (std::size_t i = from; i < to; ++i) s += double(x[i]) * x[i];
    return 10 * std::log10(s / double(to - from) + 1e-30);
}

}  // namespace

TEST_CASE("the converter keeps the telephone band, length and timing", "[resample]") {
    for (int rate : {11025, 16000, 22050, 32000, 44100, 48000}) {
        INFO("rate " << rate);
        // Silence, then a 1 kHz tone from 1.0 to 3.0 s, then silence.
        std::vector<float> x(std::size_t(4 * rate), 0.0f);
        auto t = tone(1000, 2.0, rate);
        std::copy(t.begin(), t.end(), x.begin() + rate);
        auto y = convert(x, rate);
        CHECK(std::abs(double(y.size()) - 4 * 8000) <= 2);
        CHECK(level_db(y, 9000, 23000) == Approx(-20).margin(0.15));
        // The onset stays at 1.000 s: the filter is centred, so it adds no delay.
        std::size_t onset = 0;
        while (onset < y.size() && std::abs(y[onset]) < 0.01f) ++onset;
        CHECK(std::abs(double(onset) - 8000) <= 3);
        // Nothing but the tone: what is left after fitting a 1 kHz sine is
        // at least 45 dB down; 35 dB from 11.025 kHz, where the linear
        // step's images are about 38 dB down.
        double ss = 0, sc = 0;
        for (std::size_t i = 9000; i < 23000; ++i) {
            ss += y[i] * std::sin(2 * synth::kPi * 1000 * double(i) / 8000);
            sc += y[i] * std::cos(2 * synth::kPi * 1000 * double(i) / 8000);
        }
        double rest = 0;
        for (std::size_t i = 9000; i < 23000; ++i) {
            double fit = (ss * std::sin(2 * synth::kPi * 1000 * double(i) / 8000) +
                          sc * std::cos(2 * synth::kPi * 1000 * double(i) / 8000)) * 2 / 14000;
            rest += (y[i] - fit) * (y[i] - fit);
        }
        CHECK(10 * std::log10(rest / 14000) < -20 - (rate < 16000 ? 35 : 45));
        // The telephone band is flat within 0.3 dB up to 3.4 kHz.
        for (double hz : {300.0, 2000.0, 3000.0, 3400.0}) {
            INFO(hz << " Hz");
            auto z = convert(tone(hz, 2.0, rate), rate);
            CHECK(level_db(z, 1000, 15000) == Approx(-20).margin(0.3));
        }
    }
}

TEST_CASE("the converter rejects what would fold back into the band", "[resample]") {
    // At 8 kHz a 6 kHz tone (from 16 kHz) would alias to 2 kHz and a 5 kHz
    // tone to 3 kHz: each must be at least 55 dB down.
    struct Case {
        int rate;
        double hz;
    };
    for (auto c : {Case{11025, 5000}, Case{16000, 6000}, Case{16000, 4800}, Case{22050, 7000}, Case{44100, 5000},
                   Case{48000, 5000}, Case{48000, 9000}}) {
        INFO("rate " << c.rate << " tone " << c.hz);
        auto y = convert(tone(c.hz, 2.0, c.rate), c.rate);
        CHECK(level_db(y, 1000, 15000) < -20 - 55);
    }
}

TEST_CASE("the converter gives the same samples however the input is cut", "[resample]") {
    for (int rate : {16000, 44100, 48000}) {
        INFO("rate " << rate);
        auto x = synth::voiced(150, 1.5, rate, -20, 6, 0.03);
        auto n = synth::noise(1.5, rate, -40, 3);
        for (std::size_t i = 0; i < x.size(); ++i) x[i] += n[i];
        auto whole = convert(x, rate);
        for (std::size_t chunk : {1, 37, 4096, 5000}) {
            auto part = convert(x, rate, chunk);
            REQUIRE(part.size() == whole.size());
            CHECK(std::equal(part.begin(), part.end(), whole.begin()));
        }
    }
}

TEST_CASE("pitch and spans agree across input rates", "[resample][pitch]") {
    audiotest::PlantedCall ref(8000);
    auto base = analyze_samples(std::span<const float>(ref.stereo()), 8000, 2);
    for (int rate : {11025, 16000, 22050, 44100, 48000}) {
        INFO("rate " << rate);
        audiotest::PlantedCall call(rate);
        auto a = analyze_samples(std::span<const float>(call.stereo()), rate, 2);
        for (std::size_t c = 0; c < 2; ++c) {
            CHECK(std::abs(a.channels[c].median_pitch_hz / base.channels[c].median_pitch_hz - 1) < 0.005);
            CHECK(a.channels[c].stats.speech_level_dbfs ==
                  Approx(base.channels[c].stats.speech_level_dbfs).margin(0.2));
            REQUIRE(a.channels[c].silences.size() == base.channels[c].silences.size());
            for (std::size_t i = 0; i < a.channels[c].silences.size(); ++i)
                CHECK(audiotest::near(a.channels[c].silences[i], base.channels[c].silences[i].start,
                                      base.channels[c].silences[i].end, 0.02));
        }
        CHECK(a.interruptions.size() == base.interruptions.size());
    }
}

TEST_CASE("the level-only pass reads int16 stereo directly and gives what float input gives", "[resample][streaming]") {
    audiotest::PlantedCall call;
    auto f = call.stereo();
    auto x = synth::to_int16(f);
    // The float samples int16 input stands for.
    std::vector<float> back(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) back[i] = float(x[i]) / 32768.0f;
    AnalysisOptions o;
    o.voice = false;
    auto from_float = to_json(analyze_samples(std::span<const float>(back), 8000, 2, o));
    auto batch = analyze_samples(std::span<const std::int16_t>(x), 8000, 2, o);
    REQUIRE(batch.channels[0].silences.size() == 5);
    CHECK(to_json(batch) == from_float);
    for (std::size_t chunk : {1, 37, 80, 81, 4096, 10000}) {
        INFO("chunk " << chunk);
        StreamingAnalyzer s(8000, 2, o);
        for (std::size_t at = 0; at < x.size(); at += 2 * chunk)
            s.push(std::span<const std::int16_t>(x.data() + at, std::min(2 * chunk, x.size() - at)));
        CHECK(to_json(s.finish()) == from_float);
    }
}
