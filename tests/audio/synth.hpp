// Signals made by code for the audio tests and benchmarks: voiced
// "speech" (harmonic tones with a syllable rhythm), noise bursts, silence,
// placed at known times on a noise floor; and WAV files written with libsndfile.
#pragma once

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace synth {

constexpr double kPi = 3.14159265358979323846;

inline double rms_db(const std::vector<float>& x) {
    double s = 0;
    for (float v : x) s += double(v) * v;
    return 10 * std::log10(s / double(x.size()) + 1e-30);
}

inline void scale_to_db(std::vector<float>& x, double db) {
    double g = std::pow(10.0, (db - rms_db(x)) / 20.0);
    for (float& v : x) v = static_cast<float>(v * g);
}

// A harmonic tone at f0 (harmonics 1/k up to 3.4 kHz) lasting sec, with a
// syllable rhythm: the level swings `swing_db` at 4 Hz, the pitch +-`vibrato`
// (a fraction) at 3 Hz. Its RMS level is db dBFS.
inline std::vector<float> voiced(double f0, double sec, int rate, double db = -20, double swing_db = 6,
                                 double vibrato = 0.0, double phase0 = 0) {
    std::size_t n = static_cast<std::size_t>(std::lround(sec * rate));
    std::vector<float> x(n);
    double phase = phase0;
    int harmonics = static_cast<int>(3400.0 / (f0 * (1 + vibrato)));
    for (std::size_t i = 0; i < n; ++i) {
        double t = double(i) / rate;
        double f = f0 * (1 + vibrato * std::sin(2 * kPi * 3 * t));
        phase += 2 * kPi * f / rate;
        double s = 0;
        for (int k = 1; k <= harmonics; ++k) s += std::sin(k * phase) / k;
        double env = std::pow(10.0, -swing_db / 20.0 * 0.5 * (1 - std::cos(2 * kPi * 4 * t)));
        x[i] = static_cast<float>(s * env);
    }
    scale_to_db(x, db);
    return x;
}

inline std::vector<float> noise(double sec, int rate, double db, unsigned seed = 7) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> x(static_cast<std::size_t>(std::lround(sec * rate)));
    for (float& v : x) v = u(rng);
    scale_to_db(x, db);
    return x;
}

// A track of sec seconds of a quiet noise floor (-70 dBFS).
inline std::vector<float> track(double sec, int rate, unsigned seed = 1) { return noise(sec, rate, -70, seed); }

// Adds seg into x starting at `at` seconds.
inline void place(std::vector<float>& x, double at, const std::vector<float>& seg, int rate) {
    std::size_t o = static_cast<std::size_t>(std::lround(at * rate));
    for (std::size_t i = 0; i < seg.size() && o + i < x.size(); ++i) x[o + i] += seg[i];
}

// Voiced speech from a to b seconds.
inline void talk(std::vector<float>& x, double a, double b, double f0, int rate, double db = -20) {
    place(x, a, voiced(f0, b - a, rate, db), rate);
}

inline std::vector<float> interleave(const std::vector<float>& a, const std::vector<float>& b) {
    std::vector<float> out(2 * std::max(a.size(), b.size()), 0.0f);
    for (std::size_t i = 0; i < a.size(); ++i) out[2 * i] = a[i];
    for (std::size_t i = 0; i < b.size(); ++i) out[2 * i + 1] = b[i];
    return out;
}

inline std::vector<std::int16_t> to_int16(const std::vector<float>& x) {
    std::vector<std::int16_t> out(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        out[i] = static_cast<std::int16_t>(std::lround(std::clamp(x[i], -1.0f, 32767.0f / 32768) * 32768.0f));
    return out;
}

// Linear-interpolation resampling for making test inputs at other rates
// (the signals are band-limited well below either Nyquist).
inline std::vector<float> at_rate(const std::vector<float>& x, int from, int to) {
    if (from == to) return x;
    std::size_t n = x.size() * std::size_t(to) / std::size_t(from);
    std::vector<float> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        double p = double(i) * from / to;
        std::size_t k = static_cast<std::size_t>(p);
        double f = p - double(k);
        float a = x[std::min(k, x.size() - 1)], b = x[std::min(k + 1, x.size() - 1)];
        out[i] = static_cast<float>(a + (b - a) * f);
    }
    return out;
}

// Writes interleaved samples to a WAV file with libsndfile (format: SF_FORMAT_PCM_16 ...).
inline void write_wav(const std::string& path, const std::vector<float>& interleaved, int rate, int channels,
                      int subformat = SF_FORMAT_PCM_16, int major = SF_FORMAT_WAV) {
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = major | subformat;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (!f) throw std::runtime_error(std::string("cannot write ") + path + ": " + sf_strerror(nullptr));
    sf_command(f, SFC_SET_CLIPPING, nullptr, SF_TRUE);
    sf_writef_float(f, interleaved.data(), static_cast<sf_count_t>(interleaved.size() / channels));
    sf_close(f);
}

inline std::vector<float> read_wav(const std::string& path, int& rate) {
    SF_INFO info{};
    SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
    if (!f) throw std::runtime_error(std::string("cannot read ") + path + ": " + sf_strerror(nullptr));
    std::vector<float> x(static_cast<std::size_t>(info.frames * info.channels));
    sf_readf_float(f, x.data(), info.frames);
    sf_close(f);
    rate = info.samplerate;
    return x;
}

}  // namespace synth
