#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "helpers.hpp"
#include "switchboard/error.hpp"

using audiotest::near;
using audiotest::show;
using namespace switchboard;

namespace {

void check_spans(const std::vector<TimeSpan>& got, std::vector<std::pair<double, double>> want, double tol = 0.02) {
    INFO("found " << show(got));
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) CHECK(near(got[i], want[i].first, want[i].second, tol));
}

}  // namespace

TEST_CASE("a planted two-channel call: speech, silences, noise and interruptions", "[detectors]") {
    audiotest::PlantedCall call;
    auto st = call.stereo();
    auto a = analyze_samples(std::span<const float>(st), 8000, 2);
    REQUIRE(a.channels.size() == 2);
    CHECK(a.duration == Approx(20.0));
    CHECK(a.sample_rate == 8000);
    CHECK(a.skipped.empty());
    const auto& ag = a.channels[0];
    const auto& cl = a.channels[1];
    CHECK(ag.label == "agent");
    CHECK(cl.label == "client");

    check_spans(ag.speech, {{0.6, 3.0}, {5.0, 8.0}, {11.0, 14.0}, {16.0, 17.0}});
    check_spans(cl.speech, {{2.0, 4.5}, {7.7, 10.0}, {12.0, 12.9}, {15.0, 18.5}});
    check_spans(ag.silences, {{0, 0.6}, {3.0, 5.0}, {8.0, 11.0}, {14.0, 16.0}, {17.0, 20.0}});
    check_spans(cl.silences, {{0, 2.0}, {4.5, 7.7}, {10.0, 12.0}, {12.9, 15.0}, {18.5, 19.1}});
    CHECK(ag.noise.empty());
    check_spans(cl.noise, {{19.1, 19.7}});

    INFO("interruptions: " << a.interruptions.size());
    REQUIRE(a.interruptions.size() == 3);
    CHECK(near({a.interruptions[0].start, a.interruptions[0].end}, 2.0, 3.0));
    CHECK(a.interruptions[0].interrupter == 1);
    CHECK(near({a.interruptions[1].start, a.interruptions[1].end}, 12.0, 12.9));
    CHECK(a.interruptions[1].interrupter == 1);
    CHECK(near({a.interruptions[2].start, a.interruptions[2].end}, 16.0, 17.0));
    CHECK(a.interruptions[2].interrupter == 0);

    // Pitch: the medians of the planted voices.
    CHECK(std::abs(ag.median_pitch_hz / 120 - 1) < 0.02);
    CHECK(std::abs(cl.median_pitch_hz / 220 - 1) < 0.02);
    CHECK(ag.escalations.empty());
    CHECK(cl.escalations.empty());

    // Statistics.
    CHECK(ag.stats.talk_time == Approx(2.4 + 3.0 + 3.0 + 1.0).margin(0.08));
    CHECK(ag.stats.silence_time == Approx(0.6 + 2 + 3 + 2 + 3).margin(0.1));
    CHECK(ag.stats.silence_count == 5);
    CHECK(ag.stats.silence_per_minute == Approx(ag.stats.silence_time * 3).margin(1e-9));
    CHECK(ag.stats.interruptions_made == 1);
    CHECK(cl.stats.interruptions_made == 2);
    CHECK(cl.stats.noise_time == Approx(0.6).margin(0.03));
    CHECK(ag.stats.speech_level_dbfs == Approx(-20).margin(2.0));
    CHECK(a.stats.interruption_count == 3);
    CHECK(a.stats.interruption_time == Approx(2.9).margin(0.06));
    CHECK(a.stats.interruptions_per_minute == Approx(9.0));
    CHECK(a.stats.talk_time == Approx(ag.stats.talk_time + cl.stats.talk_time));
}

TEST_CASE("the organisation's lengths map onto silence_min_ms and interruption_min_ms", "[detectors]") {
    audiotest::PlantedCall call;
    auto st = call.stereo();
    AnalysisOptions o;
    o.silence_min_ms = 2500;       // only the 3 s silences of the agent remain
    o.interruption_min_ms = 950;   // the 0.9 s overlap is no longer an interruption
    o.speech_gap_ms = 300;         // turns as planted (by default they would bridge pauses under 2.5 s)
    auto a = analyze_samples(std::span<const float>(st), 8000, 2, o);
    check_spans(a.channels[0].silences, {{8.0, 11.0}, {17.0, 20.0}});
    check_spans(a.channels[1].silences, {{4.5, 7.7}});
    REQUIRE(a.interruptions.size() == 2);
    CHECK(a.interruptions[0].start == Approx(2.0).margin(0.02));
    CHECK(a.interruptions[1].start == Approx(16.0).margin(0.02));
}

TEST_CASE("silence is relative to the channel's loudness unless an absolute threshold is set", "[detectors]") {
    // Speech at -20 dBFS with a -42 dBFS hiss between turns: the loudness
    // (energy mean of both so far, -20 to -21.7 dBFS) less 15 dB puts the
    // hiss under the threshold; an absolute -50 dBFS threshold does not.
    auto x = synth::track(6.0, 8000);
    synth::talk(x, 0.0, 2.0, 150, 8000, -20);
    synth::place(x, 2.0, synth::noise(2.0, 8000, -42, 4), 8000);
    synth::talk(x, 4.0, 6.0, 150, 8000, -20);
    auto rel = analyze_samples(std::span<const float>(x), 8000, 1);
    check_spans(rel.channels[0].silences, {{2.0, 4.0}});
    CHECK(rel.channels[0].noise.empty());
    AnalysisOptions o;
    o.silence_threshold_dbfs = -50;
    auto abs = analyze_samples(std::span<const float>(x), 8000, 1, o);
    CHECK(abs.channels[0].silences.empty());
    // Non-silent audio within speech_hangover_ms (150 ms) of speech is speech.
    check_spans(abs.channels[0].noise, {{2.15, 3.85}});
    CHECK(rel.channels[0].stats.loudness_dbfs == Approx(-21.7).margin(0.5));
}

TEST_CASE("a mono recording skips interruptions and says why", "[detectors]") {
    audiotest::PlantedCall call;
    auto a = analyze_samples(std::span<const float>(call.agent), 8000, 1);
    REQUIRE(a.channels.size() == 1);
    CHECK(a.channels[0].label == "mono");
    CHECK(a.interruptions.empty());
    REQUIRE(a.skipped.size() == 1);
    CHECK(a.skipped[0].detector == "interruptions");
    CHECK(a.skipped[0].reason == "needs two channels (agent and client); the recording has one");
    check_spans(a.channels[0].speech, {{0.6, 3.0}, {5.0, 8.0}, {11.0, 14.0}, {16.0, 17.0}});
}

TEST_CASE("the level-only pass finds the same silences and skips the voice detectors", "[detectors]") {
    audiotest::PlantedCall call;
    auto st = call.stereo();
    AnalysisOptions o;
    o.voice = false;
    auto fast = analyze_samples(std::span<const float>(st), 8000, 2, o);
    auto full = analyze_samples(std::span<const float>(st), 8000, 2);
    for (int c = 0; c < 2; ++c) {
        const auto& f = fast.channels[std::size_t(c)].silences;
        const auto& g = full.channels[std::size_t(c)].silences;
        REQUIRE(f.size() == g.size());
        for (std::size_t i = 0; i < f.size(); ++i) CHECK(near(f[i], g[i].start, g[i].end, 0.011));
        CHECK(fast.channels[std::size_t(c)].speech.empty());
    }
    REQUIRE(fast.skipped.size() == 5);
    CHECK(fast.skipped[0].detector == "speech");
    CHECK(fast.skipped[4].detector == "interruptions");
    CHECK(fast.skipped[0].reason == "voice analysis is off (AnalysisOptions::voice)");
}

TEST_CASE("options out of range are refused naming the option", "[detectors]") {
    std::vector<float> x(8000, 0.0f);
    auto refused = [&](AnalysisOptions o, const char* field) {
        try {
            analyze_samples(std::span<const float>(x), 8000, 1, o);
        } catch (const Error& e) {
            CHECK(e.code() == ErrorCode::invalid_argument);
            CHECK(e.field() == field);
            return;
        }
        FAIL("accepted an option out of range: " << field);
    };
    AnalysisOptions o;
    o.silence_min_ms = 0;
    refused(o, "silence_min_ms");
    o = {};
    o.silence_relative_db = 3;
    refused(o, "silence_relative_db");
    o = {};
    o.pitch_min_hz = 400;
    o.pitch_max_hz = 300;
    refused(o, "pitch_min_hz");
    o = {};
    o.escalation_pitch_ratio = 0.5;
    refused(o, "escalation_pitch_ratio");
    o = {};
    o.max_duration_s = 0;
    refused(o, "max_duration_s");
}

TEST_CASE("the result serialises to the documented JSON shape", "[detectors][json]") {
    audiotest::PlantedCall call;
    auto st = call.stereo();
    auto a = analyze_samples(std::span<const float>(st), 8000, 2);
    auto v = boost::json::parse(to_json(a)).as_object();
    CHECK(v.at("duration").as_double() == Approx(20.0));
    CHECK(v.at("sample_rate").as_int64() == 8000);
    CHECK(v.at("analysis_rate").as_int64() == 8000);
    auto& chans = v.at("channels").as_array();
    REQUIRE(chans.size() == 2);
    auto& c0 = chans[0].as_object();
    CHECK(c0.at("label").as_string() == "agent");
    for (const char* k : {"speech", "silences", "noise", "escalations"}) CHECK(c0.at(k).is_array());
    CHECK(c0.at("speech").as_array()[0].as_object().at("start").as_double() == Approx(0.6).margin(0.02));
    CHECK(c0.at("median_pitch_hz").as_double() == Approx(120).margin(2.4));
    CHECK(c0.at("stats").as_object().at("talk_time").as_double() > 9);
    auto& inter = v.at("interruptions").as_array();
    REQUIRE(inter.size() == 3);
    CHECK(inter[2].as_object().at("interrupter").as_int64() == 0);
    CHECK(v.at("stats").as_object().at("interruption_count").as_int64() == 3);
    CHECK(v.at("skipped").as_array().empty());

    auto mono = analyze_samples(std::span<const float>(call.agent), 8000, 1);
    auto m = boost::json::parse(to_json(mono)).as_object();
    auto& sk = m.at("skipped").as_array()[0].as_object();
    CHECK(sk.at("detector").as_string() == "interruptions");
    CHECK(m.at("channels").as_array()[0].as_object().at("label").as_string() == "mono");

    AnalysisEvent e{EventKind::escalation, 1, 1.5, 3.25, false, 1.4, 6.5};
    auto ev = boost::json::parse(to_json(e)).as_object();
    CHECK(ev.at("kind").as_string() == "escalation");
    CHECK(ev.at("pitch_ratio").as_double() == Approx(1.4));
}
