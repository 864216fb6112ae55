// Calls with speech-to-text: real speech (Debian's flite voices and the
// LibriVox clips of pocketsphinx-testdata) through PocketSphinx, the call
// report, the redaction of card data from transcript and audio, and calls
// recorded as interactions (OctaPy IO1).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <iterator>
#include <sstream>

#include <unistd.h>

#include "helpers.hpp"
#include "switchboard/calls.hpp"
#include "switchboard/cases.hpp"
#include "switchboard/interactions.hpp"
#include "switchboard/speech.hpp"

using namespace switchboard;
namespace fs = std::filesystem;

namespace {

const std::string kCard = "4539148803436467";  // passes the Luhn check
const char* kCardSpoken =
    "My card number is four five three nine, one four eight eight, zero three four three, six four six seven.";

// One transcriber for the file: loading the model takes a moment.
std::shared_ptr<Transcriber> stt() {
    static auto t = make_pocketsphinx();
    return t;
}

// A line said by a flite voice, as mono samples at 16 kHz.
std::vector<float> say(const std::string& voice, const std::string& text) {
    static int n = 0;
    const fs::path wav =
        fs::temp_directory_path() / ("sb-say-" + std::to_string(::getpid()) + "-" + std::to_string(++n) + ".wav");
    const std::string cmd = "flite -voice " + voice + " -t \"" + text + "\" -o " + wav.string();
    REQUIRE(std::system(cmd.c_str()) == 0);
    CallAudio a = decode_call_file(wav.string());
    fs::remove(wav);
    REQUIRE(a.sample_rate == 16000);
    return a.channels[0];
}

struct Line {
    int channel;
    double at;  // seconds
    std::string voice, text;
};

// A two-channel call at 16 kHz: each line placed on its channel at its
// time, over a faint noise floor (-66 dBFS), as a telephone line has.
CallAudio build_call(const std::vector<Line>& lines, std::map<int, std::pair<double, double>>* spans = nullptr) {
    CallAudio call;
    call.sample_rate = 16000;
    call.channels.assign(2, {});
    for (std::size_t i = 0; i < lines.size(); ++i) {
        auto x = say(lines[i].voice, lines[i].text);
        auto& ch = call.channels[std::size_t(lines[i].channel)];
        const auto at = static_cast<std::size_t>(lines[i].at * call.sample_rate);
        if (ch.size() < at + x.size()) ch.resize(at + x.size());
        for (std::size_t k = 0; k < x.size(); ++k) ch[at + k] += x[k];
        if (spans) (*spans)[int(i)] = {lines[i].at, lines[i].at + double(x.size()) / call.sample_rate};
    }
    const std::size_t n = std::max(call.channels[0].size(), call.channels[1].size()) + call.sample_rate;
    unsigned seed = 7;
    for (auto& ch : call.channels) {
        ch.resize(n);
        for (auto& v : ch) {
            seed = seed * 1103515245u + 12345u;
            v += 0.0005f * (static_cast<float>((seed >> 9) & 0xFFFF) / 32768.0f - 1.0f);
        }
    }
    return call;
}

const std::vector<Line>& support_call() {
    static const std::vector<Line> lines = {
        {0, 0.5, "slt", "Thank you for calling the support desk. How can I help you today?"},
        {1, 5.0, "rms", "Other networks never had this problem. I want my money back."},
        {0, 10.5, "slt", "I will call you back tomorrow with a refund. Can I take your card number please?"},
        {1, 17.0, "rms", kCardSpoken},
    };
    return lines;
}

// The report of the support call, analysed once for the file.
struct Analysed {
    CallAudio audio;
    std::map<int, std::pair<double, double>> spans;
    SpokenCall report;
    Analysed() {
        audio = build_call(support_call(), &spans);
        report = analyze_call(audio, stt().get(), default_text_analyzer());
    }
};

const Analysed& analysed() {
    static Analysed a;
    return a;
}

const CallEvent* find_event(const SpokenCall& r, const std::string& type, const std::string& pool = "") {
    for (const auto& e : r.events)
        if (e.type == type && (pool.empty() || e.pool == pool)) return &e;
    return nullptr;
}

double rms(const std::vector<float>& x, int rate, double from, double to) {
    const auto a = static_cast<std::size_t>(from * rate), b = std::min(x.size(), static_cast<std::size_t>(to * rate));
    double sum = 0;
    for (std::size_t i = a; i < b; ++i) sum += double(x[i]) * x[i];
    return b > a ? std::sqrt(sum / double(b - a)) : 0.0;
}

}  // namespace

TEST_CASE("word error rate", "[speech]") {
    CHECK(word_error_rate({"a", "b", "c", "d"}, {"a", "b", "c", "d"}) == 0.0);
    CHECK(word_error_rate({"a", "b", "c", "d"}, {"A", "x", "c"}) == Approx(0.5));  // one substitution, one deletion
    CHECK(word_error_rate({"a", "b"}, {"a", "b", "c", "d"}) == Approx(1.0));     // two insertions
    CHECK(word_error_rate({}, {}) == 0.0);
}

TEST_CASE("PocketSphinx transcribes a LibriVox clip with word times", "[speech]") {
    const std::string dir = "/usr/share/pocketsphinx/test/data/librivox/";
    CallAudio a = decode_call_file(dir + "sense_and_sensibility_01_austen_64kb-0880.wav");
    auto words = stt()->transcribe(a.channels[0], a.sample_rate);
    std::vector<std::string> hyp;
    for (const auto& w : words) hyp.push_back(w.text);
    // "he was not an ill disposed young man"
    CHECK(word_error_rate({"he", "was", "not", "an", "ill", "disposed", "young", "man"}, hyp) <= 0.4);
    REQUIRE(words.size() >= 5);
    for (std::size_t i = 0; i < words.size(); ++i) {
        CHECK(words[i].end > words[i].start);
        CHECK(words[i].end <= a.duration() + 0.01);
        CHECK(words[i].confidence >= 0.0);
        CHECK(words[i].confidence <= 1.0);
        if (i) CHECK(words[i].start >= words[i - 1].end - 0.001);
    }
    // Telephone audio (8 kHz) is resampled to the model's rate; its words
    // keep the times of the original.
    std::vector<float> narrow;
    for (std::size_t i = 0; i < a.channels[0].size(); i += 2) narrow.push_back(a.channels[0][i]);
    auto heard = stt()->transcribe(narrow, 8000);
    REQUIRE(heard.size() >= 4);
    CHECK(heard.back().end == Approx(words.back().end).margin(0.3));
}

TEST_CASE("a refused model or preset names the setting", "[speech]") {
    PocketSphinxOptions o;
    o.hmm = "/nonexistent/model";
    CHECK(sbtest::thrown([&] { make_pocketsphinx(o); }).field == "hmm");
    PocketSphinxOptions p;
    p.preset = "slowest";
    auto t = sbtest::thrown([&] { make_pocketsphinx(p); });
    CHECK(t.field == "preset");
    CHECK(t.message.find("accurate, balanced or fast") != std::string::npos);
}

TEST_CASE("a spoken call: who said what, and each event with its speaker and time", "[speech]") {
    const auto& a = analysed();
    const SpokenCall& r = a.report;
    CHECK(r.transcriber == "pocketsphinx");
    REQUIRE(r.dialogue.size() >= 4);
    // The dialogue alternates as planted, each turn inside its line's time.
    std::vector<std::string> speakers;
    for (const auto& d : r.dialogue) speakers.push_back(d.speaker);
    CHECK(speakers == std::vector<std::string>{"agent", "client", "agent", "client"});
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(r.dialogue[i].start >= a.spans.at(int(i)).first - 0.3);
        CHECK(r.dialogue[i].end <= a.spans.at(int(i)).second + 0.3);
    }
    for (std::size_t i = 1; i < r.words.size(); ++i) CHECK(r.words[i].start >= r.words[i - 1].start);

    // The client's call for action and competitor mention, in their line.
    const CallEvent* action = find_event(r, "phrase", "Call for Action");
    REQUIRE(action);
    CHECK(action->speaker == "client");
    CHECK(action->start >= a.spans.at(1).first - 0.2);
    CHECK(action->end <= a.spans.at(1).second + 0.2);
    const CallEvent* competitor = find_event(r, "phrase", "Competitor Mention");
    REQUIRE(competitor);
    CHECK(competitor->speaker == "client");
    // The agent's promise with its time statement.
    const CallEvent* promise = find_event(r, "promise");
    REQUIRE(promise);
    CHECK(promise->speaker == "agent");
    CHECK(promise->time_statement == "tomorrow");
    REQUIRE(promise->due);
    CHECK(promise->due->days == 1);
    CHECK(promise->start >= a.spans.at(2).first - 0.2);

    // Statistics per channel and for the call.
    REQUIRE(r.stats.channels.size() == 2);
    CHECK(r.stats.channels[0].words > 10);
    CHECK(r.stats.channels[1].words > 10);
    CHECK(r.stats.channels[0].words_per_minute > 60);
    CHECK(r.stats.talk_ratio > 0.3);
    CHECK(r.stats.talk_ratio < 3.0);
    CHECK(r.stats.longest_monologue > 2.0);
    CHECK(r.stats.interruptions == 0);
    for (const auto& s : r.skipped) CHECK(s.detector != "transcript");
    CHECK(r.flags.empty());
}

TEST_CASE("a spoken card number is redacted from the transcript and silenced in the audio", "[speech][pci]") {
    const auto& a = analysed();
    const SpokenCall& r = a.report;
    const CallEvent* card = find_event(r, "card_number");
    REQUIRE(card);
    CHECK(card->speaker == "client");
    CHECK(card->start >= a.spans.at(3).first - 0.2);
    CHECK(card->end <= a.spans.at(3).second + 0.2);
    // No run of the card's digits is left in the words or the dialogue.
    const std::map<std::string, char> digit = {{"zero", '0'}, {"oh", '0'}, {"one", '1'},   {"two", '2'},
                                               {"three", '3'}, {"four", '4'}, {"five", '5'}, {"six", '6'},
                                               {"seven", '7'}, {"eight", '8'}, {"nine", '9'}};
    std::string heard;
    for (const auto& w : r.words)
        if (auto it = digit.find(w.text); it != digit.end()) heard += it->second;
        else heard += ' ';
    for (std::size_t i = 0; i + 6 <= 12; ++i) CHECK(heard.find(kCard.substr(i, 6)) == std::string::npos);
    bool any_redacted = false;
    for (const auto& w : r.words) any_redacted = any_redacted || (w.redacted && w.text == "***");
    CHECK(any_redacted);
    std::string client_lines;
    for (const auto& d : r.dialogue)
        if (d.speaker == "client") client_lines += d.text + "\n";
    CHECK(client_lines.find("<card number>") != std::string::npos);
    CHECK(client_lines.find("four five three nine") == std::string::npos);

    // The audio at the card's time is silence once redacted; elsewhere it is kept.
    REQUIRE(r.redacted.size() == 2);
    REQUIRE(!r.redacted[1].empty());
    CHECK(r.redacted[0].empty());
    CallAudio audio = a.audio;
    const double before = rms(audio.channels[1], audio.sample_rate, card->start, card->end);
    CHECK(before > 0.01);
    redact_audio(audio, r);
    CHECK(rms(audio.channels[1], audio.sample_rate, card->start, card->end) == 0.0);
    CHECK(rms(audio.channels[1], audio.sample_rate, a.spans.at(1).first, a.spans.at(1).second) > 0.01);
    // ... or a tone, when asked.
    CallAudio toned = a.audio;
    SpokenCallOptions tone;
    tone.redaction = "tone";
    redact_audio(toned, r, tone);
    CHECK(rms(toned.channels[1], toned.sample_rate, card->start, card->end) == Approx(0.1 / std::sqrt(2.0)).epsilon(0.05));

    // The JSON carries the same.
    const std::string json = to_json(r);
    CHECK(json.find("\"type\":\"card_number\"") != std::string::npos);
    CHECK(json.find("four five three nine") == std::string::npos);
}

TEST_CASE("without a transcriber a call is analysed acoustically and says what was skipped", "[speech]") {
    const auto& a = analysed();
    SpokenCall r = analyze_call(a.audio, nullptr, default_text_analyzer());
    CHECK(r.transcriber.empty());
    CHECK(r.words.empty());
    CHECK(r.dialogue.empty());
    std::vector<std::string> skipped;
    for (const auto& s : r.skipped) skipped.push_back(s.detector);
    for (const char* d : {"transcript", "phrases", "promises", "card_data"})
        CHECK(std::find(skipped.begin(), skipped.end(), d) != skipped.end());
    CHECK(r.stats.talk > 10.0);
    CHECK(find_event(r, "silence") != nullptr);
}

TEST_CASE("holds, call length constraints and a call that is all silence", "[speech]") {
    CallAudio quiet;
    quiet.sample_rate = 8000;
    quiet.channels.assign(2, std::vector<float>(8000 * 20, 0.0f));
    SpokenCallOptions o;
    o.hold_min_ms = 5000;
    o.min_call_s = 30;
    SpokenCall r = analyze_call(quiet, stt().get(), default_text_analyzer(), o);
    CHECK(r.words.empty());
    CHECK(std::find(r.flags.begin(), r.flags.end(), "no_speech") != r.flags.end());
    CHECK(std::find(r.flags.begin(), r.flags.end(), "too_short") != r.flags.end());
    const CallEvent* hold = find_event(r, "hold");
    REQUIRE(hold);
    CHECK(hold->channel == -1);
    CHECK(hold->end - hold->start == Approx(20.0).margin(0.1));
    CHECK(r.stats.holds == 1);

    o.max_call_s = 10;
    o.min_call_s = 0;
    r = analyze_call(quiet, nullptr, default_text_analyzer(), o);
    CHECK(std::find(r.flags.begin(), r.flags.end(), "too_long") != r.flags.end());

    o.hold_min_ms = 10;
    CHECK(sbtest::thrown([&] { analyze_call(quiet, nullptr, default_text_analyzer(), o); }).field == "hold_min_ms");
}

// ------------------------------------------------------------------ interactions

namespace {

struct CallCentre : sbtest::OrgDesk {
    CallCentre()
        : OrgDesk([](SwitchboardOptions& o) {
              o.interactions.transcriber = stt();
              o.interactions.max_call_seconds = 120;
          }) {}
    Interactions& inter = sb->interactions();

    Principal dev() {
        auto key = acc.add_dev_key(admin, "recorder");
        return acc.authenticate(acc.issue_dev_token("owner@example.org", "recorder", key.pass_key).token,
                                TokenKind::dev);
    }
    std::size_t spooled() const {
        std::size_t n = 0;
        std::error_code ec;
        for (auto it = fs::directory_iterator(dir / "files" / "spool", ec); it != fs::directory_iterator(); ++it) ++n;
        return n;
    }
};

CallInteractionFields upload(const CallAudio& audio) {
    CallInteractionFields f;
    f.first_channel = encode_wav(audio);
    f.agent_id = "A-7";
    f.ticket_no = "TK000042";
    return f;
}

}  // namespace

TEST_CASE("a call recorded as an interaction: report, redacted recording, spool emptied", "[speech][interactions]") {
    CallCentre c;
    const Principal dev = c.dev();
    const auto& a = analysed();
    Interaction i = c.inter.record_call(dev, upload(a.audio));
    CHECK(std::regex_match(i.ricket, std::regex(R"(\d{19}C)")));
    CHECK(i.kind == 'C');
    CHECK(i.status == ReportStatus::pending);
    CHECK(i.duration_ms == Approx(a.audio.duration() * 1000).margin(1));
    REQUIRE(c.sb->jobs().drain(std::chrono::seconds(120)));

    Interaction done = c.inter.report(dev, i.ricket);
    REQUIRE(done.status == ReportStatus::ready);
    CHECK(done.agent_id == "A-7");
    CHECK(done.ticket_no == "TK000042");
    CHECK(done.call_report.find("\"type\":\"card_number\"") != std::string::npos);
    CHECK(done.call_report.find("\"type\":\"promise\"") != std::string::npos);
    CHECK(c.spooled() == 0);  // the unredacted recording is gone

    // The stored recording is the redacted one.
    REQUIRE(done.recording_file_id > 0);
    auto [info, bytes] = c.sb->files().content_of(done.org_id, done.recording_file_id);
    CHECK(info.mime == "audio/wav");
    CallAudio stored = decode_call_wav(std::as_bytes(std::span(bytes)));
    const CallEvent* card = find_event(a.report, "card_number");
    REQUIRE(card);
    CHECK(rms(stored.channels[1], stored.sample_rate, card->start, card->end) == 0.0);
    CHECK(rms(stored.channels[1], stored.sample_rate, a.spans.at(1).first, a.spans.at(1).second) > 0.01);
    // Nothing on disk holds the card's spoken digits: the report and transcript are redacted.
    const std::string disk = sbtest::bytes_in(c.dir);
    CHECK(disk.find("four five three nine one four") == std::string::npos);
}

TEST_CASE("record_call refuses bad input with nothing stored", "[speech][interactions]") {
    CallCentre c;
    const Principal dev = c.dev();
    CallInteractionFields f;
    f.first_channel = "this is not audio at all";
    auto t = sbtest::thrown([&] { c.inter.record_call(dev, f); });
    CHECK(t.field == "first_channel");
    CHECK(t.message.rfind("binary needs to be in .WAV format", 0) == 0);
    f.first_channel.clear();
    CHECK(sbtest::thrown([&] { c.inter.record_call(dev, f); }).message.find("empty") != std::string::npos);

    CallAudio mono;
    mono.sample_rate = 8000;
    mono.channels.assign(1, std::vector<float>(8000 * 121, 0.0f));  // over max_call_seconds (120)
    auto too_long = sbtest::thrown([&] { c.inter.record_call(dev, upload(mono)); });
    CHECK(too_long.code == ErrorCode::too_large);
    CHECK(too_long.field == "first_channel");

    // A second file with the first in stereo is refused naming the first.
    CallAudio stereo;
    stereo.sample_rate = 8000;
    stereo.channels.assign(2, std::vector<float>(8000, 0.0f));
    CallInteractionFields both = upload(stereo);
    both.second_channel = encode_wav(stereo);
    CHECK(sbtest::thrown([&] { c.inter.record_call(dev, both); }).field == "first_channel");
    // A bad second file names the second.
    CallInteractionFields bad_second = upload(CallAudio{8000, {std::vector<float>(8000, 0.0f)}});
    bad_second.second_channel = "RIFF";
    CHECK(sbtest::thrown([&] { c.inter.record_call(dev, bad_second); }).field == "second_channel");
    // An access token is not a dev token.
    CHECK(sbtest::thrown([&] { c.inter.record_call(c.admin, upload(mono)); }).code == ErrorCode::unauthorized);

    CHECK(c.spooled() == 0);
    ListQuery q;
    q.filters = {{"kind", "call_analysis"}};
    CHECK(c.sb->jobs().list(c.admin, q).total == 0);
}

TEST_CASE("two channel files at different rates, and a silent call, are analysed", "[speech][interactions]") {
    CallCentre c;
    const Principal dev = c.dev();
    const auto& a = analysed();
    CallAudio agent{a.audio.sample_rate, {a.audio.channels[0]}};
    CallAudio client{8000, {}};
    client.channels.push_back({});
    for (std::size_t i = 0; i < a.audio.channels[1].size(); i += 2) client.channels[0].push_back(a.audio.channels[1][i]);
    CallInteractionFields f = upload(agent);
    f.second_channel = encode_wav(client);
    Interaction two = c.inter.record_call(dev, f);

    CallAudio quiet;
    quiet.sample_rate = 8000;
    quiet.channels.assign(1, std::vector<float>(8000 * 3, 0.0f));
    Interaction silent = c.inter.record_call(dev, upload(quiet));
    REQUIRE(c.sb->jobs().drain(std::chrono::seconds(120)));

    Interaction r2 = c.inter.report(dev, two.ricket);
    REQUIRE(r2.status == ReportStatus::ready);
    CHECK(r2.call_report.find("\"speaker\":\"client\"") != std::string::npos);
    Interaction rs = c.inter.report(dev, silent.ricket);
    REQUIRE(rs.status == ReportStatus::ready);
    CHECK(rs.call_report.find("\"no_speech\"") != std::string::npos);
    CHECK(c.spooled() == 0);
}

TEST_CASE("a spooled recording no pending call names is removed at start", "[speech][interactions]") {
    CallCentre c;
    fs::create_directories(c.dir / "files" / "spool");
    std::ofstream(c.dir / "files" / "spool" / "call-orphan-1.wav") << "RIFF";
    CHECK(c.inter.sweep_spool() == 1);
    CHECK(c.spooled() == 0);
}

TEST_CASE("an OpenCHS call's recording through the same pipeline, its Ricket on the call and its QA",
          "[speech][interactions][calls]") {
    CallCentre c;
    const auto& a = analysed();
    TicketFields ticket;
    ticket.narrative = "Refund asked on the phone";
    const Ticket t = c.sb->cases().create_ticket(c.admin, ticket);
    CallFields cf;
    cf.direction = "inbound";
    cf.caller = "+254700000009";
    cf.queue = "billing";
    cf.ticket_id = t.id;
    Call call = c.sb->calls().create_call(c.admin, cf);
    CHECK(call.ricket.empty());
    // Without a recording: refused, naming it.
    CHECK(sbtest::thrown([&] { c.inter.analyse_call_recording(c.admin, call.id); }).field == "recording");
    CHECK(sbtest::thrown([&] { c.inter.analyse_call_recording(c.admin, call.id + 99); }).code == ErrorCode::not_found);
    const FileInfo f = c.sb->files().upload(c.admin, "call.wav", "audio/wav", encode_wav(a.audio));
    c.sb->calls().attach_recording(c.admin, call.id, f.id);
    // Agents may not start it.
    const Principal agent = c.user("agent1", Role::agent);
    CHECK(sbtest::thrown([&] { c.inter.analyse_call_recording(agent, call.id); }).code == ErrorCode::forbidden);

    Interaction i = c.inter.analyse_call_recording(c.admin, call.id);
    CHECK(i.call_id == call.id);
    CHECK(i.client_id == "+254700000009");
    CHECK(i.ticket_no == t.ticket_no);
    CHECK(i.department == "billing");
    REQUIRE(c.sb->jobs().drain(std::chrono::seconds(120)));
    CHECK(c.sb->calls().get_call(c.admin, call.id).ricket == i.ricket);
    Interaction done = c.inter.report(c.admin, i.ricket);
    REQUIRE(done.status == ReportStatus::ready);
    CHECK(done.call_report.find("\"type\":\"card_number\"") != std::string::npos);

    // The QA reviewer sees the analysis next to the scorecard.
    QaFields q;
    q.call_id = call.id;
    q.opening = q.holding = q.politeness = q.enthusiasm = q.personalization = q.troubleshooting = q.listening =
        q.accuracy = q.resolution = 4;
    const QaRecord qa = c.sb->calls().create_qa(c.admin, q);
    CHECK(c.sb->calls().get_qa(c.admin, qa.id).call_ricket == i.ricket);
}

namespace {

// A transcriber that says what it is told: the words of each general
// reading in turn (spread evenly over the stretch), and the commitments
// of commitment_spots (by default one over the first third) spotted in
// every stretch it is asked to listen to.
class Scripted final : public Transcriber {
public:
    explicit Scripted(std::vector<std::string> readings) : readings_(std::move(readings)) {}
    std::string name() const override { return "scripted"; }
    std::string describe() const override { return "readings given by the test"; }
    std::vector<Word> transcribe(std::span<const float> samples, int rate) override {
        const std::string text = next_ < readings_.size() ? readings_[next_++] : "";
        std::istringstream in(text);
        std::vector<std::string> ws{std::istream_iterator<std::string>(in), std::istream_iterator<std::string>()};
        const double dur = double(samples.size()) / rate;
        std::vector<Word> out;
        for (std::size_t k = 0; k < ws.size(); ++k)
            out.push_back({ws[k], dur * double(k) / double(ws.size()), dur * (double(k) + 0.8) / double(ws.size()), 0.9});
        return out;
    }
    std::vector<Word> spot_commitments(std::span<const float> samples, int rate) override {
        ++spotted;
        const double dur = double(samples.size()) / rate;
        std::vector<Word> out = commitment_spots;
        for (auto& w : out) w.start *= dur, w.end *= dur;
        return out;
    }
    // Times are fractions of the stretch.
    std::vector<Word> commitment_spots{{"i will update", 0.0, 1.0 / 3, 0.8}};
    // Time statements (the list that holds "next week"): time_spots. Pool
    // phrases: the next of phrase_spots. Times are fractions of the stretch.
    std::vector<Word> spot_phrases(std::span<const float> samples, int rate,
                                   const std::vector<std::string>& phrases) override {
        const double dur = double(samples.size()) / rate;
        auto scaled = [&](std::vector<Word> ws) {
            for (auto& w : ws) w.start *= dur, w.end *= dur;
            return ws;
        };
        if (std::find(phrases.begin(), phrases.end(), "next week") != phrases.end()) {
            time_statements_given = phrases;
            ++time_calls;
            return scaled(time_spots);
        }
        phrases_given = phrases;
        return scaled(phrase_calls < phrase_spots.size() ? phrase_spots[phrase_calls++] : (++phrase_calls, std::vector<Word>{}));
    }
    int spotted = 0, time_calls = 0;
    std::size_t phrase_calls = 0;
    std::vector<std::vector<Word>> phrase_spots;
    std::vector<Word> time_spots;
    std::vector<std::string> phrases_given, time_statements_given;

private:
    std::vector<std::string> readings_;
    std::size_t next_ = 0;
};

}  // namespace

// A turn whose words hold no promise is listened to again for a commitment;
// the commitment in place of the words heard over it makes a promise only
// with a time statement, and the transcript keeps the words as heard.
TEST_CASE("a commitment spotted where the general reading lost it makes a promise", "[speech][promises]") {
    const CallAudio audio = build_call({{0, 0.5, "slt", "I will update you first thing tomorrow."},
                                        {0, 6.0, "slt", "I will call you back tomorrow."},
                                        {1, 11.0, "rms", "That sounds fine, thank you."}});
    Scripted t({"i live the encouraged think tomorrow", "i will call you back tomorrow", "that sounds fine thank you"});
    const SpokenCall r = analyze_call(audio, &t, default_text_analyzer());
    CHECK(t.spotted == 2);  // the first agent turn and the client's; not the turn with a promise
    std::vector<const CallEvent*> promises;
    for (const auto& e : r.events)
        if (e.type == "promise") promises.push_back(&e);
    REQUIRE(promises.size() == 2);
    const CallEvent* spotted = promises[0]->spotted.empty() ? promises[1] : promises[0];
    const CallEvent* heard = spotted == promises[0] ? promises[1] : promises[0];
    CHECK(spotted->spotted == "i will update");
    CHECK(spotted->speaker == "agent");
    CHECK(spotted->time_statement == "tomorrow");
    CHECK(spotted->text.find("i will update") == 0);
    CHECK(spotted->start < 1.5);
    CHECK(spotted->end < 5.0);
    CHECK(heard->spotted.empty());
    CHECK(heard->text == "i will call you back tomorrow");
    CHECK(heard->start > 5.5);
    // The words stay as the general reading heard them.
    std::string first_turn;
    for (const auto& w : r.words)
        if (w.channel == 0 && w.end < 5.0) first_turn += (first_turn.empty() ? "" : " ") + w.text;
    CHECK(first_turn == "i live the encouraged think tomorrow");
    // The JSON marks the spotted promise.
    const std::string json = to_json(r);
    CHECK(json.find("\"spotted\":\"i will update\"") != std::string::npos);
}

// Of several commitments spotted in a turn, the surest that makes a promise
// with a time statement is kept: a surer one that makes none does not hide it.
TEST_CASE("every spotted commitment is tried, the surest first", "[speech][promises]") {
    const CallAudio audio = build_call({{0, 0.5, "slt", "I will update you first thing tomorrow."}});
    Scripted t({"i live the encouraged think tomorrow"});
    t.commitment_spots = {{"i will call", 0.7, 1.0, 0.9},     // the surest: "... think i will call", no time
                          {"i will update", 0.0, 1.0 / 3, 0.7}};
    const SpokenCall r = analyze_call(audio, &t, default_text_analyzer());
    std::vector<const CallEvent*> promises;
    for (const auto& e : r.events)
        if (e.type == "promise") promises.push_back(&e);
    REQUIRE(promises.size() == 1);
    CHECK(promises[0]->spotted == "i will update");
    CHECK(promises[0]->time_statement == "tomorrow");
    CHECK(promises[0]->text.find("i will update") == 0);
    CHECK(promises[0]->start < 1.5);
    CHECK(t.time_calls == 0);  // a promise was made without listening for a time statement

    // Where none makes a promise, the turn is listened to after the surest
    // for a time statement.
    Scripted none({"i live the encouraged think"});
    none.commitment_spots = {{"i will call", 0.4, 0.7, 0.9},  // "i live i will call think"
                             {"i will update", 0.0, 1.0 / 3, 0.7}};
    const SpokenCall n = analyze_call(audio, &none, default_text_analyzer());
    CHECK(none.time_calls == 1);
    CHECK(std::none_of(n.events.begin(), n.events.end(), [](const CallEvent& e) { return e.type == "promise"; }));
}

// Each turn is listened to again for the pools' phrases: a phrase spotted
// surely and borne out by the words heard over it is a phrase event marked
// "spotted"; one spotted unsurely, one the words do not bear out and one
// already in the words add nothing.
TEST_CASE("pool phrases spotted where the general reading misheard them", "[speech][phrases]") {
    const CallAudio audio = build_call({{1, 0.5, "rms", "I want to speak to a manager now."},
                                        {0, 5.5, "slt", "I can arrange that for you."},
                                        {1, 10.0, "rms", "Please sort it out today."}});
    // General readings in the order asked: the agent's turn, then the client's two.
    Scripted t({"i can arrange that for you", "i want to speak to them manager now", "please sort it out today"});
    t.phrase_spots = {
        {{"speak to a manager", 0.1, 0.9, 0.95}},                                      // not borne out by the words
        {{"speak to a manager", 0.3, 0.9, 0.9}, {"sort it out", 0.0, 0.3, 0.5}},     // kept; too unsure
        {{"sort it out", 0.2, 0.8, 0.95}},                                             // already heard
    };
    const SpokenCall r = analyze_call(audio, &t, default_text_analyzer());
    CHECK(t.phrase_calls == 3);
    // The pools' phrases of two words or more, lower case.
    const auto& given = t.phrases_given;
    CHECK(std::find(given.begin(), given.end(), "speak to a manager") != given.end());
    CHECK(std::find(given.begin(), given.end(), "mother's maiden name") != given.end());
    CHECK(std::find(given.begin(), given.end(), "lawyer") == given.end());
    for (const auto& p : given) CHECK(p.find(' ') != std::string::npos);

    std::vector<const CallEvent*> spotted, sorted;
    for (const auto& e : r.events) {
        if (e.type != "phrase") continue;
        if (!e.spotted.empty()) spotted.push_back(&e);
        if (e.phrase == "sort it out") sorted.push_back(&e);
    }
    REQUIRE(spotted.size() == 1);
    CHECK(spotted[0]->pool == "Call for Action");
    CHECK(spotted[0]->phrase == "speak to a manager");
    CHECK(spotted[0]->spotted == "speak to a manager");
    CHECK(spotted[0]->speaker == "client");
    CHECK(spotted[0]->channel == 1);
    CHECK(spotted[0]->start < 5.0);
    REQUIRE(sorted.size() == 1);  // the words' own, not again
    CHECK(sorted[0]->spotted.empty());
    CHECK(sorted[0]->start > 9.0);
    CHECK(to_json(r).find("\"spotted\":\"speak to a manager\"") != std::string::npos);
}

// A commitment spotted where the words hold no time statement: the turn is
// listened to once more for one after the commitment, and the two make the
// promise ("within three days" heard "within three ne").
TEST_CASE("a time statement spotted after a spotted commitment completes the promise", "[speech][promises]") {
    const CallAudio audio = build_call({{0, 0.5, "slt", "We will credit your account within three days."}});
    Scripted t({"we will prevent your account within three ne"});
    t.time_spots = {{"within three days", 0.45, 1.0, 0.9}};  // of the turn after the commitment
    const SpokenCall r = analyze_call(audio, &t, default_text_analyzer());
    CHECK(t.spotted == 1);
    CHECK(t.time_calls == 1);
    const auto& given = t.time_statements_given;
    CHECK(std::find(given.begin(), given.end(), "within three days") != given.end());
    CHECK(std::find(given.begin(), given.end(), "by friday") != given.end());
    std::vector<const CallEvent*> promises;
    for (const auto& e : r.events)
        if (e.type == "promise") promises.push_back(&e);
    REQUIRE(promises.size() == 1);
    CHECK(promises[0]->time_statement == "within three days");
    CHECK(promises[0]->spotted == "i will update, within three days");
    REQUIRE(promises[0]->due);
    CHECK(promises[0]->due->days == 3);

    // Spotted unsurely, the time statement makes no promise.
    Scripted unsure({"we will prevent your account within three ne"});
    unsure.time_spots = {{"within three days", 0.45, 1.0, 0.5}};
    const SpokenCall u = analyze_call(audio, &unsure, default_text_analyzer());
    CHECK(unsure.time_calls == 1);
    CHECK(std::none_of(u.events.begin(), u.events.end(), [](const CallEvent& e) { return e.type == "promise"; }));
}
