// switchboard: calls with speech-to-text. A recording in, a call report out:
// who said what and when, the events of the call on its timeline (silences,
// noise, escalations, interruptions, holds, the phrase pools, promises and
// card data, each with its speaker and times), per-channel statistics, and
// the recording with every card number silenced.
//
//   auto stt = switchboard::make_pocketsphinx();           // loads the model once
//   auto audio = switchboard::decode_call_file("call.wav");
//   auto report = switchboard::analyze_call(audio, stt.get(), switchboard::default_text_analyzer());
//   switchboard::redact_audio(audio, report);               // card numbers silenced
//   switchboard::write_wav("redacted.wav", audio);
//
// Speech-to-text is behind the Transcriber interface: PocketSphinx (offline,
// Debian's model) is built in; docs/speech.md shows how to add another
// engine. Without a transcriber a call is still analysed acoustically and
// the report lists the detectors that were skipped, with why.
//
// Every definition is documented in docs/speech.md.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "switchboard/analysis.hpp"
#include "switchboard/text.hpp"

namespace switchboard {

// ------------------------------------------------------------------ audio
// A call's audio in memory: one or two channels (agent, client) at one
// rate, as floats (full scale 1.0).
struct CallAudio {
    int sample_rate = 0;
    std::vector<std::vector<float>> channels;
    double duration() const;  // seconds: the longest channel
};

// Decoding follows analyze_file's rules and errors (analysis.hpp): a WAV
// only ("binary needs to be in .WAV format: ..."), 1 or 2 channels,
// 8000-48000 Hz, at most max_duration_s.
CallAudio decode_call_file(const std::string& path, double max_duration_s = AnalysisOptions{}.max_duration_s);
CallAudio decode_call_wav(std::span<const std::byte> wav, double max_duration_s = AnalysisOptions{}.max_duration_s);
// Two mono WAVs (agent, client) aligned at their start. A client file at
// another rate is resampled to the agent's. Errors name "agent" or "client".
CallAudio decode_call_pair(std::span<const std::byte> agent_wav, std::span<const std::byte> client_wav,
                           double max_duration_s = AnalysisOptions{}.max_duration_s);
CallAudio decode_call_files(const std::string& agent_path, const std::string& client_path,
                            double max_duration_s = AnalysisOptions{}.max_duration_s);
// The audio as a 16-bit PCM WAV (mono or stereo).
std::string encode_wav(const CallAudio& audio);
void write_wav(const std::string& path, const CallAudio& audio);

// ------------------------------------------------------------------ speech-to-text
struct Word {
    std::string text;       // lower case, as the engine spells it
    double start = 0, end = 0;  // seconds from the start of the samples given
    double confidence = 0;  // 0 to 1
};

// A speech-to-text engine. transcribe() is called from several threads at
// once (one per job worker); an implementation keeps one decoder per
// concurrent call.
class Transcriber {
public:
    virtual ~Transcriber();
    // "pocketsphinx", ...: written into the report.
    virtual std::string name() const = 0;
    // What the report says of the settings ("en-us, 16 kHz front end").
    virtual std::string describe() const = 0;
    // The words of one stretch of speech (mono samples at `sample_rate`),
    // in time order. Throws Error on a failure of the engine.
    virtual std::vector<Word> transcribe(std::span<const float> samples, int sample_rate) = 0;
    // The same stretch read as numbers: a vocabulary of digits, number
    // words and the words said around a card's details ("my card number
    // is ..."). analyze_call uses it on turns in card context, where a
    // general language model mishears digits. The default returns nothing
    // (the engine has no such mode).
    virtual std::vector<Word> transcribe_numbers(std::span<const float> samples, int sample_rate);
    // The commitments ("i will call", "we will refund" ...) spotted in the
    // stretch, each as one Word holding the phrase (keyword spotting, which
    // listens for the phrases alone and ignores other speech). analyze_call
    // uses it on turns where the general reading heard no promise. The
    // default returns nothing.
    virtual std::vector<Word> spot_commitments(std::span<const float> samples, int sample_rate);
    // The given phrases (lower case, two words or more) spotted in the
    // stretch, each as one Word holding the phrase; phrases with a word the
    // engine does not know are not listened for. analyze_call gives it the
    // phrases of the analyzer's pools, and keeps a phrase only where the
    // general reading heard at least half of its words (docs/speech.md).
    // The default returns nothing.
    virtual std::vector<Word> spot_phrases(std::span<const float> samples, int sample_rate,
                                           const std::vector<std::string>& phrases);
};

struct PocketSphinxOptions {
    // The model: an acoustic model directory, a language model and a
    // pronunciation dictionary. Empty: Debian's pocketsphinx-en-us under
    // /usr/share/pocketsphinx/model/en-us.
    std::string hmm, lm, dict;
    // How 8 kHz telephone audio is fed: false (the default) resamples it to
    // the model's 16 kHz; true runs the decoder's front end at 8 kHz (filter
    // bank up to 3500 Hz). docs/speech.md has the measurements.
    bool narrowband = false;
    // The search settings, by name: "accurate" (PocketSphinx's defaults),
    // "balanced" (the default) or "fast". docs/speech.md has their speed and
    // word error rate.
    std::string preset = "balanced";
    // Further decoder arguments, applied after the preset ({"-beam", "1e-60"}).
    std::vector<std::pair<std::string, std::string>> arguments;
    // Decoders kept for reuse (one per concurrent transcription).
    int max_idle_decoders = 4;

    void validate() const;
};

// Loads the model (about 0.3 s) and checks that it decodes; throws
// Error(invalid_argument, field "hmm"/"lm"/"dict"/"preset") naming what is
// missing or refused.
std::shared_ptr<Transcriber> make_pocketsphinx(const PocketSphinxOptions& options = {});
// One PocketSphinx transcriber per preset for the whole process, made on
// first use (the C and Python entry points that analyse a recording here
// and now share them, so the model loads once).
std::shared_ptr<Transcriber> shared_pocketsphinx(const std::string& preset = "balanced");
// Whether Debian's model is installed where make_pocketsphinx looks by default.
bool pocketsphinx_model_installed();

// Word error rate of `hypothesis` against `reference` (words split on
// white space, compared case-insensitively): (substitutions + deletions +
// insertions) / reference words.
double word_error_rate(const std::vector<std::string>& reference, const std::vector<std::string>& hypothesis);

// ------------------------------------------------------------------ the call report
struct SpokenCallOptions {
    // The acoustic detectors (the organisation's silence and interruption
    // lengths map onto silence_min_ms and interruption_min_ms).
    AnalysisOptions acoustic;
    // Both channels silent for at least this long is a hold (two channels).
    int hold_min_ms = 10000;
    // The organisation's constraints: a call shorter or longer is flagged
    // ("too_short", "too_long"); 0 for no bound.
    double min_call_s = 0, max_call_s = 0;
    // Speech that yields no word and lasts at least this long is noise (the
    // seed's definition: audio the speech-to-text did not transcribe).
    int untranscribed_min_ms = 300;
    // Padding around each speech turn given to the transcriber (a word cut
    // short at a turn's edge can cost the turn all its words).
    int turn_padding_ms = 300;
    // Masks every expiry date, not only those next to a card number (TextOptions).
    bool mask_expiry = false;
    // How redact_audio() covers card data: "silence" or "tone" (a 1 kHz beep at -20 dBFS).
    std::string redaction = "silence";
    // Padding added around each redacted span in the audio.
    int redaction_padding_ms = 100;

    void validate() const;
};

struct TranscriptWord {
    int channel = 0;
    std::string speaker;  // "agent", "client" or "mono"
    std::string text;     // "***" when redacted
    double start = 0, end = 0, confidence = 0;
    bool redacted = false;
};

// One turn of the dialogue: the words of one speaker between two pauses.
struct DialogueLine {
    int channel = 0;
    std::string speaker;
    double start = 0, end = 0;
    std::string text;  // redacted: card data reads "<card number>", "<security code>" ...
};

struct CallEvent {
    // silence, noise, escalation, interruption, hold, phrase, promise,
    // card_number, security_code, expiry_date, pin
    std::string type;
    int channel = -1;      // -1: the call as a whole (a hold, a silence of both)
    std::string speaker;   // "" for the call as a whole; the interrupter for an interruption
    double start = 0, end = 0;
    std::string pool;      // phrase (and card data: the PCI pool, "Critical Info")
    std::string phrase;    // phrase: the pool entry
    std::string text;      // what was said (redacted)
    std::string interrupted;     // interruption: who was interrupted
    std::string time_statement;  // promise
    std::optional<PromiseDue> due;  // promise
    // promise: the commitment that keyword spotting heard where the general
    // reading did not ("we will refund"); phrase: the pool phrase it heard
    // ("speak to a manager" where the words say "speak to them manager");
    // "" for a promise or phrase in the words.
    std::string spotted;
    std::string last4, brand;       // card_number
    // card_number: false for a run of 12 or more spoken digits (8 in a turn
    // that names a card) that did not pass the Luhn check (misheard, most
    // likely), redacted all the same.
    bool luhn = true;
    double pitch_ratio = 0, level_db = 0;  // escalation
};

struct SpokenChannelStats {
    std::string speaker;
    double talk = 0, silence = 0, noise = 0, overtalk = 0;
    int interruptions_made = 0, interrupted = 0;
    int words = 0;
    double words_per_minute = 0;   // words per minute of talk
    double longest_monologue = 0;  // the longest turn, seconds
};

struct SpokenCallStats {
    double duration = 0;
    double talk = 0, silence = 0, noise = 0, overtalk = 0;
    int interruptions = 0, holds = 0;
    double hold = 0;
    double talk_ratio = 0;  // agent talk / client talk (0 when the client never spoke or mono)
    int words = 0;
    double longest_monologue = 0;
    std::vector<SpokenChannelStats> channels;
};

struct SpokenCall {
    CallAnalysis acoustic;
    std::string transcriber;  // "" when the call was not transcribed
    std::string transcriber_settings;
    std::vector<TranscriptWord> words;  // in time order, both channels
    std::vector<DialogueLine> dialogue;
    std::vector<CallEvent> events;      // in time order
    SpokenCallStats stats;
    std::vector<SkippedDetector> skipped;
    std::vector<std::string> flags;     // "too_short", "too_long", "no_speech"
    // Per channel, the spans redact_audio() covers (card data with padding).
    std::vector<std::vector<TimeSpan>> redacted;
};

// Analyses a call: the acoustic detectors, then (with a transcriber) each
// channel's speech turns transcribed, the text analytics on each channel's
// words (with the speaker), and the events and statistics. `transcriber`
// may be null. Throws what the options' checks throw; a transcriber's
// failure propagates.
SpokenCall analyze_call(const CallAudio& audio, Transcriber* transcriber, const TextAnalyzer& analyzer,
                        const SpokenCallOptions& options = {});
// The pipeline on WAV files: decodes `path` (mono or stereo), or with a
// client_path the two mono files, with options.acoustic.max_duration_s;
// analyses the call; and with a redacted_wav writes the recording with its
// card data covered there.
SpokenCall analyze_call_file(const std::string& path, const std::string& client_path, Transcriber* transcriber,
                             const TextAnalyzer& analyzer, const SpokenCallOptions& options = {},
                             const std::string& redacted_wav = "");
// Covers report.redacted in the audio with silence or a tone.
void redact_audio(CallAudio& audio, const SpokenCall& report, const SpokenCallOptions& options = {});

// {"duration", "acoustic": to_json(CallAnalysis), "transcriber": null |
//  {"name", "settings"}, "words": [{"channel","speaker","text","start","end",
//  "confidence","redacted"}], "dialogue": [{"channel","speaker","start","end",
//  "text"}], "events": [{"type","channel","speaker","start","end", ...}],
//  "stats": {...}, "skipped": [{"detector","reason"}], "flags": [...],
//  "redacted": [[{"start","end"}], ...]}. Times in seconds (ms precision).
std::string to_json(const SpokenCall& call);

}  // namespace switchboard
