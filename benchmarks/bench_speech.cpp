// Speech-to-text: word error rate and speed of the PocketSphinx
// transcriber on the LibriVox clips of Debian's pocketsphinx-testdata, for
// each search preset, fed three ways:
//   - the clips as recorded (16 kHz),
//   - telephone audio (the clips brought to 8 kHz) resampled back to the
//     model's 16 kHz (the transcriber's default),
//   - telephone audio through an 8 kHz front end (narrowband).
// Speed is seconds of audio per second of one core (one thread), against
// the goal of 10x real time on telephone audio; WER against 0.40.
// The peer, in the same run on the same clips: Debian's pocketsphinx_batch
// (the same library and model, driven from the command line as a helpline
// would script it), with its defaults and with the fast settings quoted in
// the issue, on the clips as recorded and on the telephone audio resampled
// back to 16 kHz; its speed counts decoding only (the model's loading,
// timed with an empty file list, is taken off).
// A plain program that prints one table; --clips DIR to use other clips
// (DIR/transcription as in pocketsphinx-testdata, DIR/ID.wav); --preset NAME
// (repeatable) for some presets only; --arg -NAME VALUE (repeatable) adds a
// decoder argument to every row; --no-peer leaves the peer out.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "speech/internal.hpp"
#include "switchboard/speech.hpp"

using namespace switchboard;

namespace {

struct Clip {
    std::string id;
    std::vector<std::string> reference;
    std::vector<float> wide;  // 16 kHz
    std::vector<float> narrow;  // 8 kHz
    int wide_rate = 0;
};

std::vector<Clip> load(const std::string& dir) {
    std::vector<Clip> clips;
    std::ifstream t(dir + "/transcription");
    std::string line;
    while (std::getline(t, line)) {
        auto open = line.rfind('(');
        if (open == std::string::npos) continue;
        Clip c;
        c.id = line.substr(open + 1, line.rfind(')') - open - 1);
        std::istringstream words(line.substr(0, open));
        for (std::string w; words >> w;)
            if (w != "<s>" && w != "</s>") c.reference.push_back(w);
        CallAudio a = decode_call_file(dir + "/" + c.id + ".wav");
        c.wide_rate = a.sample_rate;
        c.wide = a.channels[0];
        c.narrow = speech::resample(c.wide, a.sample_rate, 8000);
        clips.push_back(std::move(c));
    }
    return clips;
}

struct Figures {
    double wer = 0, speed = 0;
};

Figures run(Transcriber& stt, const std::vector<Clip>& clips, bool telephone) {
    std::size_t errors = 0, ref_words = 0;
    double audio_s = 0, cpu_s = 0;
    for (const auto& c : clips) {
        const auto& x = telephone ? c.narrow : c.wide;
        const int rate = telephone ? 8000 : c.wide_rate;
        const auto t0 = std::chrono::steady_clock::now();
        auto words = stt.transcribe(x, rate);
        cpu_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        audio_s += double(x.size()) / rate;
        std::vector<std::string> hyp;
        for (auto& w : words) hyp.push_back(w.text);
        errors += static_cast<std::size_t>(word_error_rate(c.reference, hyp) * c.reference.size() + 0.5);
        ref_words += c.reference.size();
    }
    return {double(errors) / double(ref_words), audio_s / cpu_s};
}

// Seconds of wall time a shell command takes; nullopt when it fails.
std::optional<double> timed(const std::string& command) {
    const auto t0 = std::chrono::steady_clock::now();
    if (std::system(command.c_str()) != 0) return std::nullopt;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// pocketsphinx_batch over the clips (16 kHz WAVs DIR/ID.wav) with `args`.
std::optional<Figures> run_peer(const std::vector<Clip>& clips, const std::string& wav_dir, const std::string& args,
                                const std::filesystem::path& work) {
    const std::string model = "/usr/share/pocketsphinx/model/en-us";
    const auto ctl = work / "clips.ctl", none = work / "none.ctl", hyp = work / "clips.hyp";
    {
        std::ofstream c(ctl), n(none);
        for (const auto& clip : clips) c << clip.id << "\n";
    }
    const std::string base = "pocketsphinx_batch -adcin yes -adchdr 44 -cepext .wav -cepdir '" + wav_dir +
                             "' -hmm " + model + "/en-us -lm " + model + "/en-us.lm.bin -dict " + model +
                             "/cmudict-en-us.dict " + args + " >/dev/null 2>&1";
    const auto load = timed(base + " -ctl '" + none.string() + "' -hyp /dev/null");
    const auto all = timed(base + " -ctl '" + ctl.string() + "' -hyp '" + hyp.string() + "'");
    if (!load || !all) return std::nullopt;
    std::map<std::string, std::vector<std::string>> heard;
    std::ifstream in(hyp);
    for (std::string line; std::getline(in, line);) {
        const auto open = line.rfind('(');
        if (open == std::string::npos) continue;
        std::istringstream id(line.substr(open + 1)), words(line.substr(0, open));
        std::string name;
        id >> name;
        for (std::string w; words >> w;) heard[name].push_back(w);
    }
    std::size_t errors = 0, ref_words = 0;
    double audio_s = 0;
    for (const auto& c : clips) {
        errors += static_cast<std::size_t>(word_error_rate(c.reference, heard[c.id]) * c.reference.size() + 0.5);
        ref_words += c.reference.size();
        audio_s += double(c.wide.size()) / c.wide_rate;
    }
    return Figures{double(errors) / double(ref_words), audio_s / std::max(1e-6, *all - *load)};
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir = "/usr/share/pocketsphinx/test/data/librivox";
    std::vector<std::string> presets;
    std::vector<std::pair<std::string, std::string>> extra;
    bool peer = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--clips" && i + 1 < argc) dir = argv[++i];
        else if (a == "--preset" && i + 1 < argc) presets.push_back(argv[++i]);
        else if (a == "--arg" && i + 2 < argc) extra.push_back({argv[i + 1], argv[i + 2]}), i += 2;
        else if (a == "--no-peer") peer = false;
        else {
            std::fprintf(stderr,
                         "usage: bench_speech [--clips DIR] [--preset NAME]... [--arg -NAME VALUE]... [--no-peer]\n");
            return 2;
        }
    }
    if (presets.empty()) presets = {"accurate", "balanced", "fast"};
    auto clips = load(dir);
    double total = 0;
    for (auto& c : clips) total += double(c.wide.size()) / c.wide_rate;
    std::printf("speech-to-text: PocketSphinx en-us on %zu LibriVox clips (%.1f s of speech), one thread\n",
                clips.size(), total);
    std::printf("goals: telephone audio at 10x real time or more per core, WER 0.40 or less\n");
    for (auto& [k, v] : extra) std::printf("extra decoder argument: %s %s\n", k.c_str(), v.c_str());
    std::printf("\n");
    std::printf("%-9s %-32s %6s %10s  %s\n", "preset", "input", "WER", "speed", "goals");
    std::map<std::string, Figures> ours;  // "preset/input"
    for (const auto& preset : presets) {
        PocketSphinxOptions o;
        o.preset = preset;
        o.arguments = extra;
        auto wide = make_pocketsphinx(o);
        o.narrowband = true;
        auto narrow = make_pocketsphinx(o);
        struct Row { const char* input; Transcriber* stt; bool telephone; };
        for (Row row : {Row{"16 kHz as recorded", wide.get(), false},
                        Row{"8 kHz telephone, resampled to 16", wide.get(), true},
                        Row{"8 kHz telephone, 8 kHz front end", narrow.get(), true}}) {
            Figures f = run(*row.stt, clips, row.telephone);
            ours[preset + "/" + row.input] = f;
            const bool met = f.wer <= 0.40 && f.speed >= 10.0;
            std::printf("%-9s %-32s %6.3f %9.1fx  %s\n", preset.c_str(), row.input, f.wer, f.speed,
                        row.telephone ? (met ? "met" : "not met") : "(reference)");
        }
    }
    if (!peer) return 0;

    // The peer: the telephone audio, brought back to 16 kHz, as WAV files.
    const auto work = std::filesystem::temp_directory_path() / ("sb-bench-speech-" + std::to_string(::getpid()));
    std::filesystem::create_directories(work);
    for (const auto& c : clips) {
        CallAudio a;
        a.sample_rate = 16000;
        a.channels = {speech::resample(c.narrow, 8000, 16000)};
        write_wav((work / (c.id + ".wav")).string(), a);
    }
    std::printf("\npeer: pocketsphinx_batch (Debian's pocketsphinx, the same model), decoding time only\n");
    std::printf("%-26s %-32s %6s %10s  %s\n", "settings", "input", "WER", "speed", "balanced preset: speed, WER");
    struct PeerRow { const char* name; const char* args; };
    for (PeerRow p : {PeerRow{"defaults", ""},
                      PeerRow{"-ds 2 -topn 2 -maxhmmpf ..", "-ds 2 -topn 2 -maxhmmpf 3000 -maxwpf 5 -pl_window 5"}}) {
        struct Input { const char* name; std::string dir; const char* ours; };
        for (Input in : {Input{"16 kHz as recorded", dir, "16 kHz as recorded"},
                         Input{"8 kHz telephone, resampled to 16", work.string(), "8 kHz telephone, resampled to 16"}}) {
            const auto f = run_peer(clips, in.dir, p.args, work);
            if (!f) {
                std::printf("%-26s %-32s  pocketsphinx_batch failed (apt-get install pocketsphinx)\n", p.name, in.name);
                continue;
            }
            std::string versus = "-";
            if (const auto it = ours.find(std::string("balanced/") + in.ours); it != ours.end()) {
                char b[96];
                std::snprintf(b, sizeof b, "%.2fx the peer's speed, WER %+.3f", it->second.speed / f->speed,
                              it->second.wer - f->wer);
                versus = b;
            }
            std::printf("%-26s %-32s %6.3f %9.1fx  %s\n", p.name, in.name, f->wer, f->speed, versus.c_str());
        }
    }
    std::filesystem::remove_all(work);
    return 0;
}
