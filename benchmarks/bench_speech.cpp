// Speech-to-text: word error rate and speed of the PocketSphinx
// transcriber on the LibriVox clips of Debian's pocketsphinx-testdata, for
// each search preset, fed three ways:
//   - the clips as recorded (16 kHz),
//   - telephone audio (the clips brought to 8 kHz) resampled back to the
//     model's 16 kHz (the transcriber's default),
//   - telephone audio through an 8 kHz front end (narrowband).
// Speed is seconds of audio per second of one core (one thread), against
// the goal of 10x real time on telephone audio; WER against 0.40.
// A plain program that prints one table; --clips DIR to use other clips
// (DIR/transcription as in pocketsphinx-testdata, DIR/ID.wav); --preset NAME
// (repeatable) for some presets only; --arg -NAME VALUE (repeatable) adds a
// decoder argument to every row.
#include <chrono>
#include <cstdio>
#include <fstream>
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

}  // namespace

int main(int argc, char** argv) {
    std::string dir = "/usr/share/pocketsphinx/test/data/librivox";
    std::vector<std::string> presets;
    std::vector<std::pair<std::string, std::string>> extra;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--clips" && i + 1 < argc) dir = argv[++i];
        else if (a == "--preset" && i + 1 < argc) presets.push_back(argv[++i]);
        else if (a == "--arg" && i + 2 < argc) extra.push_back({argv[i + 1], argv[i + 2]}), i += 2;
        else {
            std::fprintf(stderr, "usage: bench_speech [--clips DIR] [--preset NAME]... [--arg -NAME VALUE]...\n");
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
            const bool met = f.wer <= 0.40 && f.speed >= 10.0;
            std::printf("%-9s %-32s %6.3f %9.1fx  %s\n", preset.c_str(), row.input, f.wer, f.speed,
                        row.telephone ? (met ? "met" : "not met") : "(reference)");
        }
    }
    return 0;
}
