// A call's audio in memory: decoding (through the analysis engine's WAV
// checks), two mono files brought to one rate, and 16-bit WAV output.
#include <samplerate.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include "analysis/engine.hpp"
#include "speech/internal.hpp"
#include "switchboard/error.hpp"
#include "switchboard/speech.hpp"

namespace switchboard {

namespace speech {

std::vector<float> resample(std::span<const float> samples, int rate, int want) {
    if (rate == want || samples.empty()) return {samples.begin(), samples.end()};
    const double ratio = static_cast<double>(want) / rate;
    std::vector<float> out(static_cast<std::size_t>(std::ceil(samples.size() * ratio)) + 16);
    SRC_DATA d{};
    d.data_in = samples.data();
    d.input_frames = static_cast<long>(samples.size());
    d.data_out = out.data();
    d.output_frames = static_cast<long>(out.size());
    d.src_ratio = ratio;
    if (int err = src_simple(&d, SRC_SINC_FASTEST, 1))
        throw Error(ErrorCode::internal, std::string("resampling failed: ") + src_strerror(err));
    out.resize(static_cast<std::size_t>(d.output_frames_gen));
    return out;
}

std::vector<std::int16_t> to_pcm16(std::span<const float> samples, int rate, int want) {
    std::vector<float> x = resample(samples, rate, want);
    std::vector<std::int16_t> out(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        out[i] = static_cast<std::int16_t>(std::lrint(std::clamp(x[i], -1.0f, 32767.0f / 32768.0f) * 32768.0f));
    return out;
}

}  // namespace speech

namespace {

CallAudio from_decoded(analysis::Decoded d) {
    CallAudio a;
    a.sample_rate = d.rate;
    const auto n = d.interleaved.size() / static_cast<std::size_t>(d.channels);
    a.channels.assign(static_cast<std::size_t>(d.channels), std::vector<float>(n));
    for (std::size_t i = 0; i < n; ++i)
        for (int c = 0; c < d.channels; ++c) a.channels[std::size_t(c)][i] = d.interleaved[i * d.channels + c];
    return a;
}

CallAudio pair(analysis::Decoded agent, analysis::Decoded client) {
    CallAudio a;
    a.sample_rate = agent.rate;
    a.channels.push_back(std::move(agent.interleaved));
    a.channels.push_back(speech::resample(client.interleaved, client.rate, agent.rate));
    return a;
}

}  // namespace

double CallAudio::duration() const {
    std::size_t n = 0;
    for (const auto& c : channels) n = std::max(n, c.size());
    return sample_rate > 0 ? static_cast<double>(n) / sample_rate : 0.0;
}

CallAudio decode_call_file(const std::string& path, double max_duration_s) {
    return from_decoded(analysis::decode_all(path, max_duration_s, "file", 2));
}

CallAudio decode_call_wav(std::span<const std::byte> wav, double max_duration_s) {
    return from_decoded(analysis::decode_all(wav, max_duration_s, "file", 2));
}

CallAudio decode_call_pair(std::span<const std::byte> agent_wav, std::span<const std::byte> client_wav,
                           double max_duration_s) {
    auto agent = analysis::decode_all(agent_wav, max_duration_s, "agent", 1);  // first: its errors come first
    return pair(std::move(agent), analysis::decode_all(client_wav, max_duration_s, "client", 1));
}

CallAudio decode_call_files(const std::string& agent_path, const std::string& client_path, double max_duration_s) {
    auto agent = analysis::decode_all(agent_path, max_duration_s, "agent", 1);
    return pair(std::move(agent), analysis::decode_all(client_path, max_duration_s, "client", 1));
}

std::string encode_wav(const CallAudio& audio) {
    const auto ch = audio.channels.size();
    if (ch < 1 || ch > 2 || audio.sample_rate <= 0)
        throw Error(ErrorCode::invalid_argument, "the audio needs 1 or 2 channels and a sample rate", "audio");
    std::size_t n = 0;
    for (const auto& c : audio.channels) n = std::max(n, c.size());
    const std::uint32_t data_bytes = static_cast<std::uint32_t>(n * ch * 2);
    std::string out;
    out.reserve(44 + data_bytes);
    auto u32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    };
    auto u16 = [&](std::uint16_t v) {
        out.push_back(static_cast<char>(v & 0xFF));
        out.push_back(static_cast<char>(v >> 8));
    };
    out += "RIFF";
    u32(36 + data_bytes);
    out += "WAVEfmt ";
    u32(16);
    u16(1);
    u16(static_cast<std::uint16_t>(ch));
    u32(static_cast<std::uint32_t>(audio.sample_rate));
    u32(static_cast<std::uint32_t>(audio.sample_rate * ch * 2));
    u16(static_cast<std::uint16_t>(ch * 2));
    u16(16);
    out += "data";
    u32(data_bytes);
    for (std::size_t i = 0; i < n; ++i)
        for (const auto& c : audio.channels) {
            const float x = i < c.size() ? c[i] : 0.0f;
            u16(static_cast<std::uint16_t>(
                static_cast<std::int16_t>(std::lrint(std::clamp(x, -1.0f, 32767.0f / 32768.0f) * 32768.0f))));
        }
    return out;
}

void write_wav(const std::string& path, const CallAudio& audio) {
    const std::string bytes = encode_wav(audio);
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f) throw Error(ErrorCode::storage, "cannot write " + printable_text(path), "path");
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw Error(ErrorCode::storage, "cannot write " + printable_text(path), "path");
}

}  // namespace switchboard
