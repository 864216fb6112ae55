// switchboard: `switchboard analyze`, one call per WAV file (or per
// --agent/--client pair of mono files) through the audio analysis engine,
// printed as a timeline or as JSON, with progress on stderr. docs/cli.md
// documents the command; docs/analysis.md the detectors behind the options.
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <deque>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli_common.hpp"
#include "cli_timeline.hpp"
#include "switchboard/analysis.hpp"
#include "switchboard/error.hpp"
#include "switchboard/speech.hpp"

namespace switchboard::cli {

namespace {

const char* kAnalyzeUsage = R"usage(usage: switchboard analyze FILE... [--agent FILE --client FILE]... [OPTIONS]

Analyses call recordings: one call per WAV file (mono, or stereo with the
agent on channel 1 and the client on channel 2), or one call per pair of
--agent/--client mono files (aligned at their start; rates and lengths may
differ). "-" reads one WAV from standard input.

output:
  (default)                   a timeline per call: a header, the events in time
                              order (silence, noise, interruption, escalation),
                              statistics per channel and per call, and the
                              detectors that did not run, with why
  --speech                    also list the speech spans in the timeline
  --json                      JSON instead: one call prints the engine's result
                              object; several calls print JSON Lines, one object
                              per call in the order given, with "file" (or
                              "agent_file" and "client_file") added, and
                              {"file", "error": {"code", "message", "field"}} for
                              a call that failed
  --progress                  "[k/N] FILE ... done in X ms (Y× real time)" on
                              stderr after each call (default: when stderr is a
                              terminal and there is more than one call)
  --no-progress               never print progress

speech-to-text (docs/speech.md):
  --transcribe                transcribe each channel's speech turns (PocketSphinx,
                              Debian's en-us model) and report who said what: the
                              timeline shows the dialogue with the events inline
                              (phrases, promises, card data, silences, holds ...);
                              --json prints the call report instead
  --stt-preset NAME           accurate, balanced (default) or fast
  --hold-ms MS                both parties silent this long is a hold (10000)
  --redact OUT.wav            write the recording with card data silenced (one
                              call only; implies --transcribe)

detectors (defaults in docs/analysis.md):
  --silence-ms MS             shortest silence reported (500)
  --silence-db DB             silent: below the channel's loudness plus DB,
                              a negative number (-15)
  --silence-threshold-dbfs DB silent: below DB dBFS, replacing the relative rule
  --silence-floor-dbfs DB     always silent below DB dBFS (-60)
  --interruption-ms MS        shortest overlap reported as an interruption (750)
  --noise-ms MS               shortest noise burst reported (50)
  --escalation-ratio X        escalated pitch: X times the channel's median (1.2)
  --escalation-db DB          escalated level: DB over the median speech level (4)
  --escalation-ms MS          shortest escalation reported (600)
  --no-voice                  levels and silences only (the fastest pass): no
                              speech, noise, pitch, interruptions or escalation
  --max-duration S            refuse recordings longer than S seconds (14400)

  --                          what follows is a file, even if it starts with -
  -h, --help                  show this help

exit status: 0 every call analysed, 1 at least one call failed (each failure
is printed on stderr as "switchboard analyze: FILE: message" and the other
calls are still analysed), 2 usage error (nothing is analysed)
)usage";

struct Call {
    std::string file;           // a WAV file, or "-" for standard input
    std::string agent, client;  // a call recorded as two mono files
    bool pair = false;
    std::string name() const { return pair ? agent + " + " + client : file; }
};

enum class Progress { automatic, on, off };

struct Settings {
    std::vector<Call> calls;
    AnalysisOptions options;
    bool json = false, speech = false, help = false;
    bool transcribe = false;
    std::string stt_preset = "balanced";
    int hold_ms = SpokenCallOptions{}.hold_min_ms;
    std::string redact;  // where the redacted recording goes
    Progress progress = Progress::automatic;
};

// A numeric option and the AnalysisOptions member it sets.
struct NumberOption {
    const char* name;   // without the leading --
    const char* field;  // the AnalysisOptions member, as validate() names it
    bool whole;         // a whole number (milliseconds) or any real number
    std::function<void(AnalysisOptions&, double)> set;
};

const std::vector<NumberOption>& number_options() {
    static const std::vector<NumberOption> table = {
        {"silence-ms", "silence_min_ms", true, [](AnalysisOptions& o, double v) { o.silence_min_ms = int(v); }},
        {"silence-db", "silence_relative_db", false,
         [](AnalysisOptions& o, double v) { o.silence_relative_db = v; }},
        {"silence-threshold-dbfs", "silence_threshold_dbfs", false,
         [](AnalysisOptions& o, double v) { o.silence_threshold_dbfs = v; }},
        {"silence-floor-dbfs", "silence_floor_dbfs", false,
         [](AnalysisOptions& o, double v) { o.silence_floor_dbfs = v; }},
        {"interruption-ms", "interruption_min_ms", true,
         [](AnalysisOptions& o, double v) { o.interruption_min_ms = int(v); }},
        {"noise-ms", "noise_min_ms", true, [](AnalysisOptions& o, double v) { o.noise_min_ms = int(v); }},
        {"escalation-ratio", "escalation_pitch_ratio", false,
         [](AnalysisOptions& o, double v) { o.escalation_pitch_ratio = v; }},
        {"escalation-db", "escalation_level_db", false,
         [](AnalysisOptions& o, double v) { o.escalation_level_db = v; }},
        {"escalation-ms", "escalation_min_ms", true,
         [](AnalysisOptions& o, double v) { o.escalation_min_ms = int(v); }},
        {"max-duration", "max_duration_s", false, [](AnalysisOptions& o, double v) { o.max_duration_s = v; }},
    };
    return table;
}

double parse_number(const NumberOption& opt, const std::string& text) {
    const std::string option = std::string("--") + opt.name;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (first != last && *first == '+') ++first;
    if (opt.whole) {
        long long v = 0;
        auto [p, ec] = std::from_chars(first, last, v);
        if (first == last || ec != std::errc() || p != last || v < std::numeric_limits<int>::min() ||
            v > std::numeric_limits<int>::max())
            throw UsageError(option + " needs a whole number of milliseconds, not \"" + text + "\"");
        return double(v);
    }
    double v = 0;
    auto [p, ec] = std::from_chars(first, last, v);
    if (first == last || ec != std::errc() || p != last || !std::isfinite(v))
        throw UsageError(option + " needs a number, not \"" + text + "\"");
    return v;
}

// Adds one side of a two-file call: it completes the earliest call still
// missing that side, or starts a new one.
void add_side(std::vector<Call>& calls, std::deque<std::size_t>& open, bool agent, const std::string& path) {
    for (auto it = open.begin(); it != open.end(); ++it) {
        Call& c = calls[*it];
        std::string& side = agent ? c.agent : c.client;
        if (side.empty()) {
            side = path;
            open.erase(it);
            return;
        }
    }
    Call c;
    c.pair = true;
    (agent ? c.agent : c.client) = path;
    calls.push_back(c);
    open.push_back(calls.size() - 1);
}

Settings parse(const std::vector<std::string>& args) {
    Settings s;
    std::deque<std::size_t> open_pairs;  // calls given one of --agent/--client so far
    bool only_files = false, from_stdin = false;
    auto add_file = [&](const std::string& f) {
        if (f == "-") {
            if (from_stdin) throw UsageError("standard input (\"-\") can be given once");
            from_stdin = true;
        }
        Call c;
        c.file = f;
        s.calls.push_back(c);
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (only_files || arg == "-" || arg.empty() || arg[0] != '-') {
            add_file(arg);
            continue;
        }
        if (arg == "--") {
            only_files = true;
            continue;
        }
        if (arg == "-h" || arg == "--help") {
            s.help = true;
            return s;
        }
        if (arg.rfind("--", 0) != 0) throw UsageError("unknown option " + arg);
        std::string name = arg.substr(2), value;
        bool has_value = false;
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
            has_value = true;
        }
        bool* flag = name == "json"         ? &s.json
                     : name == "speech"     ? &s.speech
                     : name == "transcribe" ? &s.transcribe
                                            : nullptr;
        bool known_flag = flag || name == "no-voice" || name == "progress" || name == "no-progress";
        if (known_flag) {
            if (has_value) throw UsageError("--" + name + " takes no value");
            if (flag) *flag = true;
            if (name == "no-voice") s.options.voice = false;
            if (name == "progress") s.progress = Progress::on;
            if (name == "no-progress") s.progress = Progress::off;
            continue;
        }
        const NumberOption* number = nullptr;
        for (const auto& o : number_options())
            if (name == o.name) number = &o;
        const bool speech_option = name == "stt-preset" || name == "hold-ms" || name == "redact";
        if (!number && !speech_option && name != "agent" && name != "client")
            throw UsageError("unknown option --" + name);
        if (!has_value) {
            if (i + 1 >= args.size()) throw UsageError("--" + name + " needs a value");
            value = args[++i];
        }
        if (name == "stt-preset") {
            if (value != "accurate" && value != "balanced" && value != "fast")
                throw UsageError("--stt-preset must be accurate, balanced or fast, not \"" + value + "\"");
            s.stt_preset = value;
        } else if (name == "hold-ms") {
            s.hold_ms = int(parse_number({"hold-ms", "hold_min_ms", true, nullptr}, value));
        } else if (name == "redact") {
            if (value.empty()) throw UsageError("--redact needs a file to write");
            s.redact = value;
            s.transcribe = true;
        } else if (number) {
            number->set(s.options, parse_number(*number, value));
        } else {
            if (value.empty()) throw UsageError("--" + name + " needs a file");
            add_side(s.calls, open_pairs, name == "agent", value);
        }
    }
    if (!open_pairs.empty()) {
        const Call& c = s.calls[open_pairs.front()];
        if (c.client.empty())
            throw UsageError("--agent " + c.agent + " has no --client: a call recorded as two mono files needs both");
        throw UsageError("--client " + c.client + " has no --agent: a call recorded as two mono files needs both");
    }
    if (s.calls.empty()) throw UsageError("no recording given: name at least one FILE or --agent FILE --client FILE");
    if (!s.redact.empty() && s.calls.size() != 1)
        throw UsageError("--redact writes one recording: give one call, not " + std::to_string(s.calls.size()));
    if (s.hold_ms < 100 || s.hold_ms > 3600000) throw UsageError("--hold-ms must be 100 to 3600000 ms");
    try {
        s.options.validate();
    } catch (const Error& e) {
        // validate() names the AnalysisOptions member; say it as the option given.
        std::string message = e.what();
        for (const auto& o : number_options())
            if (e.field() == o.field && message.rfind(o.field, 0) == 0)
                message = std::string("--") + o.name + message.substr(e.field().size());
        throw UsageError(message);
    }
    return s;
}

std::vector<std::byte> read_stdin() {
    std::vector<std::byte> data;
    char buf[1 << 16];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
        auto* b = reinterpret_cast<const std::byte*>(buf);
        data.insert(data.end(), b, b + n);
    }
    if (std::ferror(stdin)) throw Error(ErrorCode::storage, "cannot read standard input", "file");
    return data;
}

CallAudio decode(const Call& c, const AnalysisOptions& o) {
    if (c.pair) return decode_call_files(c.agent, c.client, o.max_duration_s);
    if (c.file == "-") {
        auto data = read_stdin();
        return decode_call_wav(data, o.max_duration_s);
    }
    return decode_call_file(c.file, o.max_duration_s);
}

CallAnalysis analyze(const Call& c, const AnalysisOptions& o) {
    if (c.pair) return analyze_files(c.agent, c.client, o);
    if (c.file == "-") {
        auto data = read_stdin();
        return analyze_wav(data, o);
    }
    return analyze_file(c.file, o);
}

// The file an error concerns: for a two-file call, the side the engine names.
std::string failed_file(const Call& c, const std::exception& e) {
    if (const auto* se = dynamic_cast<const Error*>(&e); se && c.pair) {
        if (se->field() == "agent") return c.agent;
        if (se->field() == "client") return c.client;
    }
    return c.name();
}

// The length of the well-formed UTF-8 character at s[i] and its code
// point, or 0 (a broken sequence, an overlong form, a surrogate).
std::size_t utf8_char(const std::string& s, std::size_t i, char32_t& cp) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return 0;
    cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    const char32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

// A JSON string: control characters (C0, DEL and C1) as \u escapes, so the
// line holds no control byte and the string is exactly the one given; a
// byte that is not UTF-8, which JSON cannot hold, as the text \xNN (the
// form printable_text writes on stderr).
std::string json_string(const std::string& s) {
    std::string out = "\"";
    char buf[8];
    for (std::size_t i = 0; i < s.size();) {
        const auto ch = static_cast<unsigned char>(s[i]);
        char32_t cp = ch;
        std::size_t len = ch < 0x80 ? 1 : utf8_char(s, i, cp);
        if (len == 0) {
            std::snprintf(buf, sizeof buf, "\\\\x%02x", ch);
            out += buf;
            ++i;
            continue;
        }
        if (cp == '"' || cp == '\\') {
            out += '\\';
            out += char(cp);
        } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
            std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(cp));
            out += buf;
        } else {
            out.append(s, i, len);
        }
        i += len;
    }
    return out + "\"";
}

// The keys that say which call a JSON Line is about.
std::string file_keys(const Call& c) {
    if (c.pair) return "\"agent_file\":" + json_string(c.agent) + ",\"client_file\":" + json_string(c.client);
    return "\"file\":" + json_string(c.file);
}

std::string error_line(const Call& c, const std::exception& e) {
    std::string code = "internal", field;
    if (const auto* se = dynamic_cast<const Error*>(&e)) {
        code = std::string(to_string(se->code()));
        field = se->field();
    }
    std::string line = "{";
    line += file_keys(c);
    line += ",\"error\":{\"code\":";
    line += json_string(code);
    line += ",\"message\":";
    line += json_string(e.what());
    line += ",\"field\":";
    line += json_string(field);
    line += "}}";
    return line;
}

std::string real_time(double audio_s, double elapsed_s) {
    char buf[64];
    if (elapsed_s <= 0) return "∞× real time";
    double r = audio_s / elapsed_s;
    std::snprintf(buf, sizeof buf, r >= 100 ? "%.0f× real time" : "%.1f× real time", r);
    return buf;
}

std::string milliseconds(double s) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f ms", s * 1000.0);
    return buf;
}

}  // namespace

int run_analyze(const std::vector<std::string>& args) {
    Settings s;
    try {
        s = parse(args);
    } catch (const UsageError& e) {
        std::cerr << "switchboard analyze: " << printable_text(e.what()) << " (see switchboard analyze --help)\n";
        return kExitUsage;
    }
    if (s.help) {
        std::cout << kAnalyzeUsage;
        return kExitOk;
    }

    const std::size_t n = s.calls.size();
    const bool progress =
        s.progress == Progress::on || (s.progress == Progress::automatic && n > 1 && isatty(STDERR_FILENO));
    const bool json_lines = s.json && n > 1;
    using clock = std::chrono::steady_clock;
    const auto started = clock::now();
    std::shared_ptr<Transcriber> stt;
    SpokenCallOptions spoken;
    spoken.acoustic = s.options;
    spoken.hold_min_ms = s.hold_ms;
    if (s.transcribe) {
        try {
            PocketSphinxOptions po;
            po.preset = s.stt_preset;
            stt = make_pocketsphinx(po);
        } catch (const std::exception& e) {
            std::cerr << "switchboard analyze: speech-to-text: " << printable_text(e.what()) << "\n";
            return kExitFailed;
        }
    }
    std::size_t failed = 0;
    double audio_s = 0;
    bool first_timeline = true;

    for (std::size_t k = 0; k < n; ++k) {
        const Call& call = s.calls[k];
        char counter[64];
        std::snprintf(counter, sizeof counter, "[%zu/%zu] ", k + 1, n);
        const auto t0 = clock::now();
        CallAnalysis a;
        std::optional<SpokenCall> report;
        try {
            if (stt) {
                CallAudio audio = decode(call, s.options);
                report = analyze_call(audio, stt.get(), default_text_analyzer(), spoken);
                a = report->acoustic;
                if (!s.redact.empty()) {
                    redact_audio(audio, *report, spoken);
                    write_wav(s.redact, audio);
                }
            } else {
                a = analyze(call, s.options);
            }
        } catch (const std::exception& e) {
            ++failed;
            std::cout.flush();
            std::cerr << "switchboard analyze: " << printable_text(failed_file(call, e)) << ": "
                      << printable_text(e.what()) << "\n";
            if (progress) std::cerr << counter << printable_text(call.name()) << " ... failed\n";
            if (json_lines) std::cout << error_line(call, e) << "\n" << std::flush;
            continue;
        }
        const double elapsed = std::chrono::duration<double>(clock::now() - t0).count();
        audio_s += a.duration;

        if (json_lines) {
            std::string body = report ? to_json(*report) : to_json(a);  // "{...}": the call's keys go first
            std::cout << "{" << file_keys(call) << "," << body.substr(1) << "\n";
        } else if (s.json) {
            std::cout << (report ? to_json(*report) : to_json(a)) << "\n";
        } else {
            if (!first_timeline) std::cout << "\n";
            first_timeline = false;
            if (report) write_dialogue(std::cout, printable_text(call.name()), *report);
            else write_timeline(std::cout, printable_text(call.name()), a, s.speech);
        }
        std::cout.flush();
        if (progress)
            std::cerr << counter << printable_text(call.name()) << " ... done in " << milliseconds(elapsed) << " ("
                      << real_time(a.duration, elapsed) << ")\n";
    }

    if (progress) {
        const double elapsed = std::chrono::duration<double>(clock::now() - started).count();
        std::cerr << "analysed " << (n - failed) << " of " << n << (n == 1 ? " call" : " calls");
        if (failed) std::cerr << " (" << failed << " failed)";
        char audio[64];
        std::snprintf(audio, sizeof audio, "%.3f s", audio_s);
        std::cerr << ": " << audio << " of audio in " << milliseconds(elapsed) << " ("
                  << real_time(audio_s, elapsed) << ")\n";
    }
    return failed ? kExitFailed : kExitOk;
}

}  // namespace switchboard::cli
