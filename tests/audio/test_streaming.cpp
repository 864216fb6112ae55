#include <catch2/catch.hpp>

#include "helpers.hpp"

using namespace switchboard;

namespace {

template <class T>
CallAnalysis stream_in_chunks(const std::vector<T>& x, int rate, int channels, std::size_t chunk,
                              std::vector<AnalysisEvent>* events = nullptr, const AnalysisOptions& o = {}) {
    StreamingAnalyzer s(rate, channels, o);
    std::size_t step = chunk * std::size_t(channels);
    for (std::size_t at = 0; at < x.size(); at += step) {
        s.push(std::span<const T>(x.data() + at, std::min(step, x.size() - at)));
        auto ev = s.take_events();
        if (events) events->insert(events->end(), ev.begin(), ev.end());
    }
    auto r = s.finish();
    auto ev = s.take_events();
    if (events) events->insert(events->end(), ev.begin(), ev.end());
    return r;
}

bool same(const std::vector<TimeSpan>& a, const std::vector<TimeSpan>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].start != b[i].start || a[i].end != b[i].end) return false;
    return true;
}

void check_same(const CallAnalysis& a, const CallAnalysis& b) {
    REQUIRE(a.channels.size() == b.channels.size());
    for (std::size_t c = 0; c < a.channels.size(); ++c) {
        CHECK(same(a.channels[c].silences, b.channels[c].silences));
        CHECK(same(a.channels[c].speech, b.channels[c].speech));
        CHECK(same(a.channels[c].noise, b.channels[c].noise));
        CHECK(a.channels[c].median_pitch_hz == b.channels[c].median_pitch_hz);
    }
    REQUIRE(a.interruptions.size() == b.interruptions.size());
    for (std::size_t i = 0; i < a.interruptions.size(); ++i) {
        CHECK(a.interruptions[i].start == b.interruptions[i].start);
        CHECK(a.interruptions[i].end == b.interruptions[i].end);
        CHECK(a.interruptions[i].interrupter == b.interruptions[i].interrupter);
    }
    // Everything, escalations and statistics included.
    CHECK(to_json(a) == to_json(b));
}

}  // namespace

TEST_CASE("streaming in any chunk size equals the batch result (8 kHz int16)", "[streaming]") {
    audiotest::PlantedCall call;
    auto x = synth::to_int16(call.stereo());
    auto batch = analyze_samples(std::span<const std::int16_t>(x), 8000, 2);
    REQUIRE(batch.interruptions.size() == 3);
    for (std::size_t chunk : {1, 37, 160, 4096}) {
        INFO("chunk " << chunk);
        check_same(stream_in_chunks(x, 8000, 2, chunk), batch);
    }
}

TEST_CASE("streaming in any chunk size equals the batch result (44.1 kHz float, resampled)", "[streaming]") {
    audiotest::PlantedCall call(44100);
    auto x = call.stereo();
    auto batch = analyze_samples(std::span<const float>(x), 44100, 2);
    REQUIRE(batch.interruptions.size() == 3);
    for (std::size_t chunk : {37, 160, 4096, 44100}) {
        INFO("chunk " << chunk);
        check_same(stream_in_chunks(x, 44100, 2, chunk), batch);
    }
}

TEST_CASE("two mono streams pushed unevenly give the same result", "[streaming]") {
    audiotest::PlantedCall a16(16000), a8(8000);
    auto run = [&](std::size_t ca, std::size_t cb) {
        auto s = StreamingAnalyzer::two_mono(16000, 8000);
        std::size_t ia = 0, ib = 0;
        while (ia < a16.agent.size() || ib < a8.client.size()) {
            std::size_t na = std::min(ca, a16.agent.size() - ia), nb = std::min(cb, a8.client.size() - ib);
            if (na) s.push_channel(0, std::span<const float>(a16.agent.data() + ia, na));
            if (nb) s.push_channel(1, std::span<const float>(a8.client.data() + ib, nb));
            ia += na;
            ib += nb;
        }
        return s.finish();
    };
    auto whole = run(1u << 30, 1u << 30);
    REQUIRE(whole.interruptions.size() == 3);
    check_same(run(333, 97), whole);
    check_same(run(16000, 100), whole);
    CHECK_THROWS_WITH(StreamingAnalyzer::two_mono(16000, 8000).push(std::span<const float>(a8.client)),
                      "a two-file call takes push_channel(), not push()");
}

TEST_CASE("events are reported once certain, and match the result", "[streaming]") {
    audiotest::PlantedCall call;
    auto x = synth::to_int16(call.stereo());
    std::vector<AnalysisEvent> events;
    auto r = stream_in_chunks(x, 8000, 2, 160, &events);
    std::vector<TimeSpan> silences[2], noise[2];
    std::vector<AnalysisEvent> open, closed;
    for (const auto& e : events) {
        if (e.kind == EventKind::silence) silences[e.channel].push_back({e.start, e.end});
        if (e.kind == EventKind::noise) noise[e.channel].push_back({e.start, e.end});
        if (e.kind == EventKind::interruption) (e.open ? open : closed).push_back(e);
    }
    for (int c = 0; c < 2; ++c) {
        CHECK(silences[c].size() == r.channels[std::size_t(c)].silences.size());
        CHECK(noise[c].size() == r.channels[std::size_t(c)].noise.size());
        for (std::size_t i = 0; i < silences[c].size(); ++i)
            CHECK(silences[c][i].start == r.channels[std::size_t(c)].silences[i].start);
    }
    REQUIRE(open.size() == 3);
    REQUIRE(closed.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(open[i].start == closed[i].start);
        CHECK(open[i].channel == r.interruptions[i].interrupter);
        CHECK(open[i].end - open[i].start == Approx(0.75));
    }

    // The first interruption (2.0-3.0 s) is announced once it has lasted
    // 0.75 s: by the time 3.6 s of audio have been pushed (2.75 s plus the
    // look-ahead of about 0.7 s: the hangover and the closing over pauses
    // shorter than a silence).
    StreamingAnalyzer s(8000, 2);
    s.push(std::span<const std::int16_t>(x.data(), std::size_t(2 * 8000 * 3.6)));
    auto early = s.take_events();
    bool announced = false;
    for (const auto& e : early)
        if (e.kind == EventKind::interruption && e.open) announced = true;
    CHECK(announced);
    CHECK(s.analysed_seconds() > 2.8);
    CHECK(s.analysed_seconds() <= 3.6);
    s.finish();
    CHECK_THROWS_WITH(s.push(std::span<const std::int16_t>(x.data(), 2)),
                      "the analyzer has finished; start a new one");
}
