#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

#include "helpers.hpp"
#include "switchboard/error.hpp"

using audiotest::near;
using audiotest::show;
using namespace switchboard;

namespace {

std::string path_in(const std::filesystem::path& dir, const std::string& name) { return (dir / name).string(); }

// Both results have the same spans, each boundary within tol.
void same_spans(const CallAnalysis& a, const CallAnalysis& b, double tol) {
    REQUIRE(a.channels.size() == b.channels.size());
    for (std::size_t c = 0; c < a.channels.size(); ++c) {
        auto cmp = [&](const std::vector<TimeSpan>& x, const std::vector<TimeSpan>& y, const char* what) {
            INFO(what << " of channel " << c << ": " << show(x) << " vs " << show(y));
            REQUIRE(x.size() == y.size());
            for (std::size_t i = 0; i < x.size(); ++i) CHECK(near(x[i], y[i].start, y[i].end, tol));
        };
        cmp(a.channels[c].silences, b.channels[c].silences, "silences");
        cmp(a.channels[c].speech, b.channels[c].speech, "speech");
        cmp(a.channels[c].noise, b.channels[c].noise, "noise");
        CHECK(std::abs(a.channels[c].median_pitch_hz / b.channels[c].median_pitch_hz - 1) < 0.02);
    }
    REQUIRE(a.interruptions.size() == b.interruptions.size());
    for (std::size_t i = 0; i < a.interruptions.size(); ++i) {
        CHECK(std::abs(a.interruptions[i].start - b.interruptions[i].start) <= tol);
        CHECK(std::abs(a.interruptions[i].end - b.interruptions[i].end) <= tol);
        CHECK(a.interruptions[i].interrupter == b.interruptions[i].interrupter);
    }
}

// The error analyze_file gives, or a failure when it gives none.
Error file_error(const std::string& path, const AnalysisOptions& o = {}) {
    try {
        analyze_file(path, o);
    } catch (const Error& e) {
        return e;
    }
    FAIL("analyze_file accepted " << path);
    return Error(ErrorCode::internal, "");
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("every WAV encoding and rate gives the same result", "[decode]") {
    auto dir = audiotest::temp_dir();
    audiotest::PlantedCall call;
    auto reference = analyze_samples(std::span<const float>(call.stereo()), 8000, 2);
    struct Case {
        const char* name;
        int subformat;
        int rate;
    };
    const Case cases[] = {
        {"pcm16-8k", SF_FORMAT_PCM_16, 8000},    {"pcm24-8k", SF_FORMAT_PCM_24, 8000},
        {"pcm32-8k", SF_FORMAT_PCM_32, 8000},    {"float-8k", SF_FORMAT_FLOAT, 8000},
        {"ulaw-8k", SF_FORMAT_ULAW, 8000},       {"alaw-8k", SF_FORMAT_ALAW, 8000},
        {"pcm16-11k", SF_FORMAT_PCM_16, 11025},  {"pcm16-16k", SF_FORMAT_PCM_16, 16000},
        {"pcm24-22k", SF_FORMAT_PCM_24, 22050},  {"float-32k", SF_FORMAT_FLOAT, 32000},
        {"pcm16-44k", SF_FORMAT_PCM_16, 44100},  {"pcm32-48k", SF_FORMAT_PCM_32, 48000},
        {"alaw-16k", SF_FORMAT_ALAW, 16000},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        // The planted call moved to the rate (it is band-limited far below 4 kHz).
        auto stereo = synth::interleave(synth::at_rate(call.agent, 8000, c.rate), synth::at_rate(call.client, 8000, c.rate));
        auto path = path_in(dir, std::string(c.name) + ".wav");
        synth::write_wav(path, stereo, c.rate, 2, c.subformat);
        auto a = analyze_file(path);
        CHECK(a.sample_rate == c.rate);
        CHECK(a.channels[0].sample_rate == c.rate);
        CHECK(a.duration == Approx(20.0).margin(1e-3));
        same_spans(a, reference, 0.02);
        // The same bytes from memory give the same result.
        auto bytes = read_bytes(path);
        auto m = analyze_wav(std::as_bytes(std::span<const char>(bytes.data(), bytes.size())));
        same_spans(m, a, 0.0);
    }
}

TEST_CASE("a call recorded as two mono files of different rates and lengths", "[decode]") {
    auto dir = audiotest::temp_dir();
    audiotest::PlantedCall hi(16000), lo(8000);
    // The client's file stops at 19.3 s, inside the noise burst.
    std::vector<float> client(lo.client.begin(), lo.client.begin() + long(19.3 * 8000));
    auto agent_path = path_in(dir, "agent.wav"), client_path = path_in(dir, "client.wav");
    synth::write_wav(agent_path, hi.agent, 16000, 1, SF_FORMAT_PCM_16);
    synth::write_wav(client_path, client, 8000, 1, SF_FORMAT_ULAW);
    auto a = analyze_files(agent_path, client_path);
    REQUIRE(a.channels.size() == 2);
    CHECK(a.duration == Approx(20.0));
    CHECK(a.sample_rate == 16000);
    CHECK(a.channels[0].sample_rate == 16000);
    CHECK(a.channels[1].sample_rate == 8000);
    CHECK(a.channels[1].stats.duration == Approx(19.3));
    CHECK(a.skipped.empty());
    REQUIRE(a.interruptions.size() == 3);
    CHECK(near({a.interruptions[0].start, a.interruptions[0].end}, 2.0, 3.0));
    CHECK(a.interruptions[2].interrupter == 0);
    // The client's channel ends with its file, inside the noise burst.
    REQUIRE(!a.channels[1].silences.empty());
    CHECK(audiotest::near(a.channels[1].silences.back(), 18.5, 19.1));
    REQUIRE(a.channels[1].noise.size() == 1);
    CHECK(audiotest::near(a.channels[1].noise[0], 19.1, 19.3));
}

TEST_CASE("a mono file is analysed alone and interruptions are skipped", "[decode]") {
    auto dir = audiotest::temp_dir();
    audiotest::PlantedCall call;
    auto path = path_in(dir, "mono.wav");
    synth::write_wav(path, call.client, 8000, 1, SF_FORMAT_PCM_16);
    auto a = analyze_file(path);
    REQUIRE(a.channels.size() == 1);
    CHECK(a.channels[0].label == "mono");
    REQUIRE(a.skipped.size() == 1);
    CHECK(a.skipped[0].detector == "interruptions");
    CHECK(a.channels[0].noise.size() == 1);
}

TEST_CASE("input that is not a readable WAV is refused with the reason", "[decode][errors]") {
    auto dir = audiotest::temp_dir();
    const std::string prefix = "binary needs to be in .WAV format: ";
    audiotest::PlantedCall call;
    std::vector<float> two_s(call.agent.begin(), call.agent.begin() + 16000);

    SECTION("missing file") {
        auto e = file_error(path_in(dir, "nowhere.wav"));
        CHECK(e.code() == ErrorCode::not_found);
        CHECK(e.field() == "file");
    }
    SECTION("empty file") {
        auto p = path_in(dir, "empty.wav");
        write_bytes(p, "");
        auto e = file_error(p);
        CHECK(e.code() == ErrorCode::invalid_argument);
        CHECK(e.field() == "file");
        CHECK(std::string(e.what()) == prefix + "the file is empty");
    }
    SECTION("text") {
        auto p = path_in(dir, "notes.wav");
        write_bytes(p, "these are not samples, just some words in a file");
        CHECK(std::string(file_error(p).what()) == prefix + "it does not start with a RIFF/WAVE header");
    }
    SECTION("another audio container (FLAC)") {
        auto p = path_in(dir, "call.flac");
        synth::write_wav(p, two_s, 8000, 1, SF_FORMAT_PCM_16, SF_FORMAT_FLAC);
        CHECK(std::string(file_error(p).what()) == prefix + "it does not start with a RIFF/WAVE header");
    }
    SECTION("truncated") {
        auto p = path_in(dir, "cut.wav");
        synth::write_wav(p, two_s, 8000, 1, SF_FORMAT_PCM_16);
        auto bytes = read_bytes(p);
        write_bytes(p, bytes.substr(0, bytes.size() / 2));
        std::string msg = file_error(p).what();
        CHECK(msg.rfind(prefix + "the file is truncated: the data chunk declares 32000 bytes", 0) == 0);
    }
    SECTION("header only") {
        auto p = path_in(dir, "head.wav");
        synth::write_wav(p, two_s, 8000, 1, SF_FORMAT_PCM_16);
        write_bytes(p, read_bytes(p).substr(0, 20));
        CHECK(std::string(file_error(p).what()) == prefix + "the file is truncated inside its 'fmt ' chunk");
    }
    SECTION("zero-length") {
        auto p = path_in(dir, "zero.wav");
        synth::write_wav(p, {}, 8000, 1, SF_FORMAT_PCM_16);
        auto e = file_error(p);
        CHECK(e.code() == ErrorCode::invalid_argument);
        CHECK(std::string(e.what()) == "the recording has no samples");
    }
    SECTION("three channels") {
        auto p = path_in(dir, "three.wav");
        std::vector<float> x(3 * 8000, 0.1f);
        synth::write_wav(p, x, 8000, 3, SF_FORMAT_PCM_16);
        auto e = file_error(p);
        CHECK(e.code() == ErrorCode::invalid_argument);
        CHECK(std::string(e.what()) ==
              "the recording has 3 channels; switchboard analyses one (mono) or two (agent, client)");
    }
    SECTION("rate out of range") {
        auto p = path_in(dir, "slow.wav");
        synth::write_wav(p, two_s, 6000, 1, SF_FORMAT_PCM_16);
        CHECK(std::string(file_error(p).what()) == "the sample rate 6000 Hz is outside 8000-48000 Hz");
    }
    SECTION("over-long") {
        auto p = path_in(dir, "long.wav");
        synth::write_wav(p, two_s, 8000, 1, SF_FORMAT_PCM_16);
        AnalysisOptions o;
        o.max_duration_s = 1.5;
        auto e = file_error(p, o);
        CHECK(e.code() == ErrorCode::too_large);
        CHECK(std::string(e.what()).find("over the limit of 1.5") != std::string::npos);
    }
    SECTION("two-file call given a stereo file") {
        auto a = path_in(dir, "a.wav"), b = path_in(dir, "b.wav");
        synth::write_wav(a, synth::interleave(two_s, two_s), 8000, 2, SF_FORMAT_PCM_16);
        synth::write_wav(b, two_s, 8000, 1, SF_FORMAT_PCM_16);
        try {
            analyze_files(a, b);
            FAIL("accepted a stereo agent file");
        } catch (const Error& e) {
            CHECK(e.field() == "agent");
            CHECK(std::string(e.what()) ==
                  "the agent file has 2 channels; a call recorded as two files needs one mono file per party");
        }
        auto m = path_in(dir, "m.wav");
        synth::write_wav(m, two_s, 8000, 1, SF_FORMAT_PCM_16);
        write_bytes(b, "RIFF");
        try {
            analyze_files(m, b);
            FAIL("accepted a broken client file");
        } catch (const Error& e) {
            CHECK(e.field() == "client");
        }
    }
    SECTION("in memory") {
        std::string junk = "RIFF0000WAVEjunk";
        CHECK_THROWS_WITH(analyze_wav(std::as_bytes(std::span<const char>(junk.data(), junk.size()))),
                          prefix + "it has no fmt chunk");
        CHECK_THROWS_WITH(analyze_wav({}), prefix + "the file is empty");
    }
}

namespace {

std::string le32(std::uint32_t v) {
    std::string out(4, '\0');
    for (int i = 0; i < 4; ++i) out[i] = char((v >> (8 * i)) & 0xFF);
    return out;
}

// A RIFF/WAVE file whose first chunk has the given id and declares 100
// bytes, of which the file holds 5.
std::string cut_inside(const std::string& id) {
    return "RIFF" + le32(4 + 8 + 5) + "WAVE" + id + le32(100) + "short";
}

std::span<const std::byte> bytes_of(const std::string& s) {
    return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

// Whole (no NUL), printable (no control byte) and valid UTF-8.
bool clean_message(const std::string& m) {
    for (std::size_t i = 0; i < m.size(); ++i) {
        auto c = static_cast<unsigned char>(m[i]);
        if (c < 0x20 || c == 0x7F) return false;
        if (c < 0x80) continue;
        std::size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
        if (len == 0 || i + len > m.size()) return false;
        for (std::size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(m[i + k]) & 0xC0) != 0x80) return false;
        i += len - 1;
    }
    return true;
}

}  // namespace

TEST_CASE("printable_text escapes what a message quotes", "[decode][errors]") {
    CHECK(printable_text("fmt ") == "fmt ");
    CHECK(printable_text(std::string("\xff\x00" "ab", 4), false) == "\\xff\\x00ab");
    CHECK(printable_text("\x1b[31mred\x07\n\t\x7f") == "\\x1b[31mred\\x07\\x0a\\x09\\x7f");
    // Well-formed UTF-8 is kept unless asked for ASCII only; C1 controls,
    // broken sequences, overlong forms and surrogates are escaped byte by byte.
    CHECK(printable_text("café – ok.wav") == "café – ok.wav");
    CHECK(printable_text("café", false) == "caf\\xc3\\xa9");
    CHECK(printable_text("a\xc2\x9b" "b") == "a\\xc2\\x9bb");
    CHECK(printable_text("a\xc3") == "a\\xc3");
    CHECK(printable_text("\xc0\xaf\xed\xa0\x80") == "\\xc0\\xaf\\xed\\xa0\\x80");
    CHECK(printable_text("\xe2\x82") == "\\xe2\\x82");
    // A backslash stays as it is, so escaping twice changes nothing.
    CHECK(printable_text("C:\\calls\\x.wav") == "C:\\calls\\x.wav");
    std::string once = printable_text(std::string("\x00\xff\x1b" "é\xc2\x85", 7));
    CHECK(printable_text(once) == once);
    CHECK(clean_message(once));
}

TEST_CASE("bytes a file or a file name supplies are escaped in messages", "[decode][errors]") {
    const std::string prefix = "binary needs to be in .WAV format: ";
    auto dir = audiotest::temp_dir();

    // A chunk id that is not printable ASCII: written \xNN, so the message
    // is whole (the NUL does not cut it), printable and valid UTF-8.
    std::string wav = cut_inside(std::string("\xff\x00" "ab", 4));
    REQUIRE(wav.size() == 25);
    try {
        analyze_wav(bytes_of(wav));
        FAIL("accepted a truncated chunk");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::invalid_argument);
        CHECK(e.field() == "file");
        CHECK(std::string(e.what()) == prefix + "the file is truncated inside its '\\xff\\x00ab' chunk");
        CHECK(clean_message(e.what()));
    }
    CHECK_THROWS_WITH(analyze_wav(bytes_of(cut_inside("\x1b[2J"))),
                      prefix + "the file is truncated inside its '\\x1b[2J' chunk");
    CHECK_THROWS_WITH(analyze_wav(bytes_of(cut_inside("\xc3\xa9" "ab"))),
                      prefix + "the file is truncated inside its '\\xc3\\xa9ab' chunk");
    CHECK_THROWS_WITH(analyze_wav(bytes_of(cut_inside("LIST"))),
                      prefix + "the file is truncated inside its 'LIST' chunk");

    // The same from a file, whose name carries control bytes too.
    auto p = path_in(dir, "cut\x1b[31m.wav");
    write_bytes(p, wav);
    auto e = file_error(p);
    CHECK(std::string(e.what()) == prefix + "the file is truncated inside its '\\xff\\x00ab' chunk");

    // A file name in a message: control bytes and broken UTF-8 escaped,
    // well-formed UTF-8 kept.
    e = file_error(path_in(dir, "no\x07where\n\xff" "café.wav"));
    CHECK(e.code() == ErrorCode::not_found);
    CHECK(std::string(e.what()) == "no such file: " + dir.string() + "/no\\x07where\\x0a\\xffcafé.wav");
    CHECK(clean_message(e.what()));
    try {
        analyze_files(path_in(dir, "agent\x1b.wav"), path_in(dir, "client.wav"));
        FAIL("accepted a missing file");
    } catch (const Error& x) {
        CHECK(x.field() == "agent");
        CHECK(std::string(x.what()) == "no such file: " + dir.string() + "/agent\\x1b.wav");
    }
}

TEST_CASE("samples from memory are checked", "[decode][errors]") {
    std::vector<std::int16_t> x(8000, 0);
    CHECK_THROWS_WITH(analyze_samples(std::span<const std::int16_t>(x), 8000, 3),
                      "the recording has 3 channels; switchboard analyses one (mono) or two (agent, client)");
    CHECK_THROWS_WITH(analyze_samples(std::span<const std::int16_t>(x), 96000, 1),
                      "the sample rate 96000 Hz is outside 8000-48000 Hz");
    CHECK_THROWS_WITH(analyze_samples(std::span<const std::int16_t>(), 8000, 1), "the recording has no samples");
    CHECK_THROWS_WITH(analyze_samples(std::span<const std::int16_t>(x.data(), 7), 8000, 2),
                      "interleaved stereo needs an even number of samples");
    AnalysisOptions o;
    o.max_duration_s = 0.5;
    try {
        analyze_samples(std::span<const std::int16_t>(x), 8000, 1, o);
        FAIL("accepted a recording over the limit");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::too_large);
    }
    // int16 and float input of the same audio agree exactly.
    audiotest::PlantedCall call;
    auto st = call.stereo();
    auto i16 = synth::to_int16(st);
    std::vector<float> back(i16.size());
    for (std::size_t i = 0; i < i16.size(); ++i) back[i] = i16[i] / 32768.0f;
    auto a = analyze_samples(std::span<const std::int16_t>(i16), 8000, 2);
    auto b = analyze_samples(std::span<const float>(back), 8000, 2);
    CHECK(to_json(a) == to_json(b));
}
