// The PocketSphinx transcriber: Debian's CMU PocketSphinx 5prealpha with
// its en-us model. One decoder serves one transcription at a time; idle
// decoders are kept in a pool, so each job worker thread ends up with its
// own and the model's files are read once per decoder.
#include <pocketsphinx.h>
#include <sphinxbase/err.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>

#include "speech/internal.hpp"
#include "switchboard/error.hpp"
#include "switchboard/speech.hpp"

namespace switchboard {

namespace {

constexpr const char* kModelDir = "/usr/share/pocketsphinx/model/en-us";
constexpr const char* kNumbersSearch = "numbers";
constexpr const char* kDefaultSearch = "_default";  // the language model's search

// The numbers search: digits and number words, and the phrases said around
// a card's details, in any order. The phrases are whole (a lone "a" or
// "it" would otherwise fill every pause between two digits; "sure" is left
// out, as "zero" is heard "sure oh"). Every word is in Debian's dictionary.
constexpr const char* kNumbersGrammar = R"(#JSGF V1.0;
grammar numbers;
public <utterance> = ( <digit> | <number> | <phrase> )+ ;
<digit> = zero | oh | one | two | three | four | five | six | seven | eight | nine | double | triple ;
<number> = ten | eleven | twelve | thirteen | fourteen | fifteen | sixteen | seventeen | eighteen | nineteen |
           twenty | thirty | forty | fifty | sixty | seventy | eighty | ninety | hundred | thousand ;
<phrase> = my card number is | my card number | card number | the card number is | the long number is |
           the number is | it is | it's | that's | the expiry is | the expiry date is | expiry date | expiry |
           it expires | expires | the security code is | security code | the code is | the code on the back is |
           the last digits are | yes | yeah | okay | right | thank you | please | visa | mastercard |
           credit card | debit card | hang on | let me see | here it is ;
)";
constexpr int kModelRate = 16000;

// The commitments keyword spotting listens for: a subject and "will" with
// the verbs support staff commit with most. Each is spotted alone, so a
// threshold per phrase trades misses for false alarms. A spotted commitment
// makes a promise only with a time statement in the turn, which keeps the
// false alarms out: 1e-40 found 21 of 26 planted promises on flite calls
// against 16 at 1e-30, with one promise reported where none was planted
// (docs/speech.md).
constexpr const char* kCommitmentsSearch = "commitments";
constexpr const char* kCommitmentThreshold = "1e-40";
constexpr const char* kCommitmentSubjects[] = {"i", "we"};
constexpr const char* kCommitmentVerbs[] = {"call",    "ring",   "send",  "email",   "refund", "credit",   "process",
                                            "update",  "escalate", "sort", "fix",    "visit",  "contact",  "arrange",
                                            "check",   "book",   "transfer", "replace", "cancel", "look"};

// The search presets (docs/speech.md has their measured speed and accuracy).
std::vector<std::pair<std::string, std::string>> preset_arguments(const std::string& preset) {
    if (preset == "accurate") return {};
    // One pass (no flat-lexicon rescoring), fewer Gaussians and HMMs per frame.
    if (preset == "balanced")
        return {{"-fwdflat", "no"}, {"-topn", "2"}, {"-maxhmmpf", "2000"}, {"-maxwpf", "10"}, {"-pl_window", "5"}};
    // The same, every other frame scored, narrower beams.
    if (preset == "fast")
        return {{"-fwdflat", "no"}, {"-ds", "2"},        {"-topn", "2"},       {"-maxhmmpf", "3000"},
                {"-maxwpf", "5"},   {"-pl_window", "5"}, {"-beam", "1e-40"},   {"-wbeam", "1e-30"}};
    throw Error(ErrorCode::invalid_argument,
                "unknown preset \"" + printable_text(preset) + "\": use accurate, balanced or fast", "preset");
}

std::string or_default(const std::string& v, const char* file) {
    return v.empty() ? std::string(kModelDir) + "/" + file : v;
}

void require_path(const std::string& path, const char* field, bool directory) {
    std::error_code ec;
    const bool ok = directory ? std::filesystem::is_directory(path, ec) : std::filesystem::is_regular_file(path, ec);
    if (!ok)
        throw Error(ErrorCode::invalid_argument,
                    std::string(field) + " " + printable_text(path) + " is not " +
                        (directory ? "a directory" : "a file") +
                        " (Debian's model: apt-get install pocketsphinx-en-us)",
                    field);
}

// Quiets the library's log once: its messages go nowhere (they would
// otherwise fill stderr with every decoder's configuration).
void silence_library_log() {
    static std::once_flag once;
    std::call_once(once, [] { if (!std::getenv("SB_PS_LOG")) err_set_logfp(nullptr); });
}

class PocketSphinx final : public Transcriber {
public:
    explicit PocketSphinx(const PocketSphinxOptions& o) : options_(o) {
        options_.validate();
        silence_library_log();
        args_ = {"-hmm", or_default(o.hmm, "en-us"), "-lm", or_default(o.lm, "en-us.lm.bin"), "-dict",
                 or_default(o.dict, "cmudict-en-us.dict")};
        if (o.narrowband) {
            // An 8 kHz front end: the model's feature parameters, with the
            // filter bank ending below the Nyquist rate. The decoder would
            // read the model's feat.params after these and put its 6800 Hz
            // back, so they are given here and the file is not read.
            std::ifstream params(args_[1] + "/feat.params");
            for (std::string key, value; params >> key >> value;)
                if (key != "-upperf" && key != "-model") args_.push_back(key), args_.push_back(value);  // -model: not a decoder argument
            for (const char* a : {"-featparams", "/dev/null", "-samprate", "8000", "-nfft", "256", "-upperf", "3500"})
                args_.push_back(a);
        }
        // The preset's arguments, then the caller's: a name given again replaces the value.
        auto set = [&](const std::string& k, const std::string& v) {
            for (std::size_t i = 0; i + 1 < args_.size(); i += 2)
                if (args_[i] == k) {
                    args_[i + 1] = v;
                    return;
                }
            args_.push_back(k);
            args_.push_back(v);
        };
        // Keyword spotting scores every Gaussian (the presets' narrower
        // search lost half the commitments it spots with PocketSphinx's
        // defaults, and spotting costs little): its decoders take the
        // model and the caller's arguments without the preset's.
        spot_args_ = args_;
        for (auto& [k, v] : preset_arguments(o.preset)) set(k, v);
        for (auto& [k, v] : o.arguments) set(k, v);
        for (auto& [k, v] : o.arguments) spot_args_.push_back(k), spot_args_.push_back(v);
        release(acquire(false), false);  // load once now, so a bad model fails here
    }

    ~PocketSphinx() override {
        for (auto* d : idle_) ps_free(d);
        for (auto* d : idle_spotters_) ps_free(d);
    }

    std::string name() const override { return "pocketsphinx"; }

    std::string describe() const override {
        std::string s = "en-us model, ";
        s += options_.narrowband ? "8 kHz front end" : "resampled to 16 kHz";
        s += ", preset " + options_.preset;
        for (auto& [k, v] : options_.arguments) s += " " + k + " " + v;
        return s;
    }

    std::vector<Word> transcribe(std::span<const float> samples, int rate) override {
        return run(samples, rate, kDefaultSearch);
    }

    std::vector<Word> transcribe_numbers(std::span<const float> samples, int rate) override {
        return run(samples, rate, kNumbersSearch);
    }

    std::vector<Word> spot_commitments(std::span<const float> samples, int rate) override {
        return run(samples, rate, kCommitmentsSearch);
    }

    std::vector<Word> spot_phrases(std::span<const float> samples, int rate,
                                   const std::vector<std::string>& phrases) override {
        if (phrases.empty()) return {};
        // One keyword search per list of phrases, named by its hash and
        // added to a spotter decoder the first time it meets the list.
        std::string joined;
        for (const auto& p : phrases) joined += p + '\n';
        const std::string name = "phrases-" + std::to_string(std::hash<std::string>{}(joined));
        return run(samples, rate, name.c_str(), &phrases);
    }

private:
    std::vector<Word> run(std::span<const float> samples, int rate, const char* search,
                          const std::vector<std::string>* phrases = nullptr) {
        const int want = options_.narrowband ? 8000 : kModelRate;
        std::vector<std::int16_t> pcm = speech::to_pcm16(samples, rate, want);
        const bool spotter = phrases || std::string_view(search) == kCommitmentsSearch;
        ps_decoder_t* d = acquire(spotter);
        std::vector<Word> out;
        try {
            if (phrases && ps_set_search(d, search) < 0) {
                if (!add_phrases(d, search, *phrases)) {
                    release(d, spotter);
                    return {};  // no phrase the dictionary knows all the words of
                }
            }
            if (ps_set_search(d, search) < 0)
                throw Error(ErrorCode::internal, std::string("pocketsphinx has no search ") + search);
            out = decode(d, pcm);
        } catch (...) {
            ps_free(d);
            throw;
        }
        release(d, spotter);
        return out;
    }

    std::vector<Word> decode(ps_decoder_t* d, const std::vector<std::int16_t>& pcm) {
        if (ps_start_utt(d) < 0) throw Error(ErrorCode::internal, "pocketsphinx could not start an utterance");
        if (ps_process_raw(d, pcm.data(), pcm.size(), FALSE, TRUE) < 0) {
            ps_end_utt(d);
            throw Error(ErrorCode::internal, "pocketsphinx could not decode the audio");
        }
        ps_end_utt(d);
        std::vector<Word> out;
        logmath_t* lm = ps_get_logmath(d);
        const double frame_s = 1.0 / 100;  // -frate 100
        for (ps_seg_t* seg = ps_seg_iter(d); seg; seg = ps_seg_next(seg)) {
            std::string w = ps_seg_word(seg);
            if (w.empty() || w[0] == '<' || w[0] == '[' || w[0] == '+') continue;  // <s>, <sil>, [NOISE], ++fillers++
            if (auto paren = w.find('('); paren != std::string::npos) w.erase(paren);  // "read(2)": a variant
            while (!w.empty() && w.back() == ' ') w.pop_back();
            if (w.empty()) continue;  // a grammar's empty transition
            int sf = 0, ef = 0;
            ps_seg_frames(seg, &sf, &ef);
            int32 ascr = 0, lscr = 0, lback = 0;
            const int32 post = ps_seg_prob(seg, &ascr, &lscr, &lback);
            Word word;
            word.text = std::move(w);
            word.start = sf * frame_s;
            word.end = (ef + 1) * frame_s;
            word.confidence = std::clamp(logmath_exp(lm, post), 0.0, 1.0);
            out.push_back(std::move(word));
        }
        return out;
    }

    // An idle decoder of the kind, or a new one: a transcriber (the
    // language model's search and the numbers grammar) or a spotter (the
    // commitments).
    ps_decoder_t* acquire(bool spotter) {
        {
            std::lock_guard lock(mu_);
            auto& idle = spotter ? idle_spotters_ : idle_;
            if (!idle.empty()) {
                ps_decoder_t* d = idle.back();
                idle.pop_back();
                return d;
            }
        }
        std::string program = "switchboard";  // argv[0], as cmd_ln_parse_r expects
        std::vector<char*> argv{program.data()};
        for (auto& a : spotter ? spot_args_ : args_) argv.push_back(a.data());
        cmd_ln_t* config = cmd_ln_parse_r(nullptr, ps_args(), static_cast<int32>(argv.size()), argv.data(), TRUE);
        if (!config)
            throw Error(ErrorCode::invalid_argument, "pocketsphinx refused the decoder arguments", "arguments");
        ps_decoder_t* d = ps_init(config);
        cmd_ln_free_r(config);  // the decoder holds its own reference
        if (!d) throw Error(ErrorCode::invalid_argument, "pocketsphinx could not load the model", "hmm");
        if (spotter) {
            if (!add_commitments(d)) {
                ps_free(d);
                throw Error(ErrorCode::invalid_argument,
                            "pocketsphinx could not build the commitments search (a word missing from the dictionary)",
                            "dict");
            }
            return d;
        }
        if (ps_set_jsgf_string(d, kNumbersSearch, kNumbersGrammar) < 0) {
            ps_free(d);
            throw Error(ErrorCode::invalid_argument,
                        "pocketsphinx could not build the numbers search (a word missing from the dictionary)",
                        "dict");
        }
        ps_set_search(d, kDefaultSearch);
        return d;
    }

    // The commitments search: each subject and "will" with each verb.
    static bool add_commitments(ps_decoder_t* d) {
        std::string list;
        for (const char* s : kCommitmentSubjects)
            for (const char* v : kCommitmentVerbs)
                list += std::string(s) + " will " + v + " /" + kCommitmentThreshold + "/\n";
        return add_keyword_search(d, kCommitmentsSearch, list);
    }

    // Adds a keyword search of `list` (a phrase and its threshold a line).
    // The library reads keyphrases from a file: one is written to the
    // temporary directory for the call, and removed.
    static bool add_keyword_search(ps_decoder_t* d, const char* search, const std::string& list) {
        std::string path = (std::filesystem::temp_directory_path() / "switchboard-kws-XXXXXX").string();
        const int fd = mkstemp(path.data());
        if (fd < 0) return false;
        const bool written = write(fd, list.data(), list.size()) == static_cast<ssize_t>(list.size());
        close(fd);
        const bool ok = written && ps_set_kws(d, search, path.c_str()) >= 0;
        std::remove(path.c_str());
        return ok;
    }

    // A keyword search for pool phrases: those of two words and six phones
    // or more whose words are all in the dictionary ("i mean", "you know"
    // are heard in any speech), each with a threshold by its length in
    // phones (1e-3 a phone, 1e-18 to 1e-45). False when no phrase is left.
    static bool add_phrases(ps_decoder_t* d, const char* search, const std::vector<std::string>& phrases) {
        std::string list;
        for (const auto& p : phrases) {
            std::istringstream in(p);
            int words = 0, phones = 0;
            bool known = true;
            for (std::string w; in >> w;) {
                ++words;
                const char* pron = ps_lookup_word(d, w.c_str());
                if (!pron) {
                    known = false;
                    break;
                }
                std::istringstream ph(pron);
                for (std::string x; ph >> x;) ++phones;
            }
            if (!known || words < 2 || phones < 6) continue;
            list += p + " /1e-" + std::to_string(std::min(3 * phones, 45)) + "/\n";
        }
        return !list.empty() && add_keyword_search(d, search, list);
    }

    void release(ps_decoder_t* d, bool spotter) {
        std::lock_guard lock(mu_);
        auto& idle = spotter ? idle_spotters_ : idle_;
        if (static_cast<int>(idle.size()) < options_.max_idle_decoders) {
            idle.push_back(d);
            return;
        }
        ps_free(d);
    }

    PocketSphinxOptions options_;
    std::vector<std::string> args_, spot_args_;
    std::mutex mu_;
    std::vector<ps_decoder_t*> idle_, idle_spotters_;
};

}  // namespace

Transcriber::~Transcriber() = default;

std::vector<Word> Transcriber::transcribe_numbers(std::span<const float>, int) { return {}; }
std::vector<Word> Transcriber::spot_commitments(std::span<const float>, int) { return {}; }
std::vector<Word> Transcriber::spot_phrases(std::span<const float>, int, const std::vector<std::string>&) { return {}; }

void PocketSphinxOptions::validate() const {
    require_path(or_default(hmm, "en-us"), "hmm", true);
    require_path(or_default(lm, "en-us.lm.bin"), "lm", false);
    require_path(or_default(dict, "cmudict-en-us.dict"), "dict", false);
    preset_arguments(preset);
    for (auto& [k, v] : arguments)
        if (k.size() < 2 || k[0] != '-')
            throw Error(ErrorCode::invalid_argument,
                        "decoder argument \"" + printable_text(k) + "\" must start with '-'", "arguments");
    if (max_idle_decoders < 0 || max_idle_decoders > 64)
        throw Error(ErrorCode::invalid_argument, "max_idle_decoders must be 0 to 64", "max_idle_decoders");
}

std::shared_ptr<Transcriber> make_pocketsphinx(const PocketSphinxOptions& options) {
    return std::make_shared<PocketSphinx>(options);
}

std::shared_ptr<Transcriber> shared_pocketsphinx(const std::string& preset) {
    static std::mutex mu;
    static std::map<std::string, std::shared_ptr<Transcriber>> made;
    std::lock_guard lock(mu);
    auto& t = made[preset];
    if (!t) {
        PocketSphinxOptions o;
        o.preset = preset;
        t = make_pocketsphinx(o);
    }
    return t;
}

bool pocketsphinx_model_installed() {
    std::error_code ec;
    return std::filesystem::is_directory(std::string(kModelDir) + "/en-us", ec) &&
           std::filesystem::is_regular_file(std::string(kModelDir) + "/en-us.lm.bin", ec);
}

double word_error_rate(const std::vector<std::string>& ref, const std::vector<std::string>& hyp) {
    auto same = [](const std::string& a, const std::string& b) {
        return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
                   return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
               });
    };
    if (ref.empty()) return hyp.empty() ? 0.0 : 1.0;
    std::vector<std::size_t> prev(hyp.size() + 1), cur(hyp.size() + 1);
    for (std::size_t j = 0; j <= hyp.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= ref.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= hyp.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same(ref[i - 1], hyp[j - 1]) ? 0 : 1)});
        std::swap(prev, cur);
    }
    return static_cast<double>(prev[hyp.size()]) / static_cast<double>(ref.size());
}

}  // namespace switchboard
