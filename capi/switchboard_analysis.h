/*
 * switchboard_analysis.h: the audio analysis engine through the C API.
 *
 * Included by switchboard.h; includable on its own. The conventions written
 * at the top of switchboard.h hold here too. In short: every function returns
 * 0 (SB_OK) or a negative SB_E* code with sb_last_error() set, except
 * sb_analysis_kind_name(), sb_analysis_free() and sb_analyzer_free(); output
 * parameters come first after the handle and are NULL (or 0) on failure.
 *
 * What the engine finds and every default are documented in
 * docs/analysis.md; the C layer translates and decides nothing.
 *
 * Handles
 * -------
 * - sb_analysis: the result of one call, immutable. Made by sb_analyze_*()
 *   or sb_analyzer_finish(); released with sb_analysis_free(). Strings it
 *   hands out (labels, skipped detectors) are owned by it and stay valid
 *   until it is freed. One sb_analysis may be read from several threads.
 * - sb_analyzer: a streaming analyzer for a live call. Released with
 *   sb_analyzer_free(). Use it from one thread at a time.
 *
 * Channels are numbered 0 (the agent, or the only channel of a mono call)
 * and 1 (the client). Times are seconds from the start of the call.
 */
#ifndef SWITCHBOARD_ANALYSIS_H
#define SWITCHBOARD_ANALYSIS_H

#include "switchboard_base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ options */

/* The analysis options (mirrors switchboard::AnalysisOptions; see
 * docs/analysis.md for each definition). Unlike sb_db_options, 0 is a value
 * here, not "the default": start from SB_ANALYSIS_OPTIONS_INIT or
 * sb_analysis_options_init(), which hold the library's defaults, and change
 * what you need. A value out of range is SB_EINVALID naming the field.
 *
 * The absolute silence threshold is optional: it applies only when
 * use_silence_threshold is non-zero, and then replaces the relative rule
 * (silence_relative_db). */
typedef struct sb_analysis_options {
    unsigned int version;           /* SB_ANALYSIS_OPTIONS_VERSION */
    double silence_relative_db;     /* below the channel's loudness; default -15 dB (-60 to 0) */
    double silence_floor_dbfs;      /* always silent below this; default -60 dBFS (-120 to 0) */
    int use_silence_threshold;      /* non-zero: silence_threshold_dbfs applies; default 0 */
    double silence_threshold_dbfs;  /* absolute threshold (-120 to 0); read only when the flag is set */
    int silence_min_ms;             /* shortest reported silence; default 500 */
    int voice;                      /* non-zero (default): pitch, speech, noise, interruptions and
                                       escalation; 0: levels and silences only (the fastest pass) */
    double pitch_min_hz;            /* default 65 */
    double pitch_max_hz;            /* default 500 */
    double voicing_threshold;       /* YIN aperiodicity for a voiced frame; default 0.25 */
    int speech_min_voiced_ms;       /* a voiced run this long starts speech; default 50 */
    int speech_hangover_ms;         /* non-silent audio this close to it is speech; default 150 */
    int speech_gap_ms;              /* pauses inside a turn up to this long; default -1: shorter than a silence */
    int noise_min_ms;               /* shortest reported noise; default 50 */
    int interruption_min_ms;        /* both speaking at least this long; default 750 */
    double escalation_pitch_ratio;  /* times the channel's median pitch; default 1.2 */
    double escalation_level_db;     /* above the median speech level; default 4 dB */
    int escalation_min_ms;          /* default 600 */
    int escalation_gap_ms;          /* gaps bridged inside an escalation; default 200 */
    double max_duration_s;          /* longer recordings are SB_ETOOLARGE; default 14400 (4 h) */
} sb_analysis_options;

#define SB_ANALYSIS_OPTIONS_VERSION 1
#define SB_ANALYSIS_OPTIONS_INIT                                                              \
    { SB_ANALYSIS_OPTIONS_VERSION, -15.0, -60.0, 0, -60.0, 500, 1, 65.0, 500.0, 0.25, 50, 150, \
      -1, 50, 750, 1.2, 4.0, 600, 200, 14400.0 }

/* Sets *opts to the defaults of the given version (SB_ANALYSIS_OPTIONS_VERSION).
 * SB_EINVALID for a NULL opts or a version this library does not know. */
SB_EXTERN int sb_analysis_options_init(sb_analysis_options* opts, unsigned int version);

/* ------------------------------------------------------------------ results */

typedef struct sb_analysis sb_analysis;

/* What the engine reports. The first three are span kinds of a channel
 * (sb_analysis_span*); all five are kinds of streaming events. */
typedef enum sb_analysis_kind {
    SB_KIND_SPEECH = 0,
    SB_KIND_SILENCE = 1,
    SB_KIND_NOISE = 2,
    SB_KIND_INTERRUPTION = 3,
    SB_KIND_ESCALATION = 4
} sb_analysis_kind;

/* "speech", "silence", "noise", "interruption", "escalation"; "unknown" for
 * any other value. Static; never NULL; do not free. */
SB_EXTERN const char* sb_analysis_kind_name(int kind);

typedef struct sb_span {
    double start; /* seconds from the start of the call */
    double end;
} sb_span;

typedef struct sb_escalation {
    double start;
    double end;
    double pitch_ratio; /* mean pitch over the span / the channel's median pitch */
    double level_db;    /* mean level over the span minus the channel's median speech level */
} sb_escalation;

typedef struct sb_interruption {
    double start; /* the overlap */
    double end;
    int interrupter; /* the channel that started while the other was speaking */
} sb_interruption;

/* Statistics of one channel. Set version (SB_CHANNEL_STATS_VERSION, or use
 * SB_CHANNEL_STATS_INIT) before passing the struct: the library writes only
 * the fields of that version, so a struct from an older header stays safe
 * when fields are added. */
typedef struct sb_channel_stats {
    unsigned int version;       /* SB_CHANNEL_STATS_VERSION */
    double duration;            /* seconds of audio in this channel */
    double talk_time;           /* seconds of speech */
    double silence_time;        /* seconds inside reported silences */
    double silence_per_minute;  /* silence seconds per minute of the channel */
    double noise_time;          /* seconds inside reported noise */
    int silence_count;
    int noise_count;
    int escalation_count;
    double escalation_time;
    int interruptions_made;     /* interruptions this channel started */
    double median_pitch_hz;     /* 0 when no voiced speech was found */
    double speech_level_dbfs;   /* median level of the speech frames; -120 when none */
    double loudness_dbfs;       /* the silence reference at the end of the call */
} sb_channel_stats;

#define SB_CHANNEL_STATS_VERSION 1
#define SB_CHANNEL_STATS_INIT { SB_CHANNEL_STATS_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

/* Statistics of the whole call (times summed over the channels). Set version
 * first, as for sb_channel_stats. */
typedef struct sb_call_stats {
    unsigned int version;                /* SB_CALL_STATS_VERSION */
    double duration;
    double talk_time;
    double silence_time;
    double silence_per_minute;           /* silence_time per minute of call */
    double noise_time;
    int interruption_count;
    double interruption_time;
    double interruptions_per_minute;
    double interruption_time_per_minute; /* seconds of interruption per minute */
    int escalation_count;
} sb_call_stats;

#define SB_CALL_STATS_VERSION 1
#define SB_CALL_STATS_INIT { SB_CALL_STATS_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

/* --------------------------------------------------------------- batch calls
 *
 * Each analyses a whole call and, on success, sets *out to a result the
 * caller frees with sb_analysis_free(); on failure *out is NULL. opts may be
 * NULL for the defaults; it is read during the call only. Errors:
 *   SB_EINVALID "binary needs to be in .WAV format: <reason>" (field "file",
 *     or "agent"/"client" for two files) for anything that is not a
 *     readable WAV: empty, truncated, another format ...;
 *   SB_EINVALID "the recording has no samples", "the recording has N
 *     channels; switchboard analyses one (mono) or two (agent, client)",
 *     "the sample rate N Hz is outside 8000-48000 Hz";
 *   SB_ENOTFOUND for a missing file; SB_ETOOLARGE over max_duration_s;
 *   SB_EINVALID naming the option for an option out of range. */

/* A WAV file: mono, or stereo with the agent on channel 1 and the client on
 * channel 2. */
SB_EXTERN int sb_analyze_file(sb_analysis** out, const char* path, const sb_analysis_options* opts);

/* A call recorded as two mono WAV files (rates and lengths may differ),
 * aligned at their start. Errors name the field "agent" or "client". */
SB_EXTERN int sb_analyze_files(sb_analysis** out, const char* agent_path, const char* client_path,
                               const sb_analysis_options* opts);

/* A WAV file held in memory: `len` bytes at `data` (borrowed for the call). */
SB_EXTERN int sb_analyze_wav(sb_analysis** out, const void* data, size_t len, const sb_analysis_options* opts);

/* Interleaved samples in memory: `frames` sample frames of `channels` (1 or
 * 2: agent, client) samples each, at `sample_rate` Hz (8000 to 48000).
 * int16 is full scale at 32768, float at 1.0. The buffer is borrowed for the
 * call; it may be NULL only when frames is 0 (which is then "the recording
 * has no samples"). */
SB_EXTERN int sb_analyze_pcm16(sb_analysis** out, const int16_t* interleaved, size_t frames, int sample_rate,
                               int channels, const sb_analysis_options* opts);
SB_EXTERN int sb_analyze_float(sb_analysis** out, const float* interleaved, size_t frames, int sample_rate,
                               int channels, const sb_analysis_options* opts);

/* Releases a result and every string it handed out. Accepts NULL. */
SB_EXTERN void sb_analysis_free(sb_analysis* analysis);

/* -------------------------------------------------------- reading a result
 *
 * SB_EINVALID for a NULL handle or output, a channel that is not 0 to
 * channel count - 1 (field "channel"), a kind that does not apply (field
 * "kind") or an index past the count (field "index"). */

/* *out = the call's duration in seconds (its longest channel). */
SB_EXTERN int sb_analysis_duration(const sb_analysis* analysis, double* out);

/* *out = the sample rate of the (first) input, in Hz. */
SB_EXTERN int sb_analysis_sample_rate(const sb_analysis* analysis, int* out);

/* *out = 1 (mono) or 2 (agent, client). */
SB_EXTERN int sb_analysis_channel_count(const sb_analysis* analysis, int* out);

/* *out = "agent", "client" or "mono"; owned by the result. */
SB_EXTERN int sb_analysis_channel_label(const sb_analysis* analysis, const char** out, int channel);

/* *out = the sample rate of the input the channel came from (two mono files
 * may differ). */
SB_EXTERN int sb_analysis_channel_sample_rate(const sb_analysis* analysis, int* out, int channel);

/* *out = the channel's median pitch over its voiced speech, Hz; 0 when none. */
SB_EXTERN int sb_analysis_median_pitch(const sb_analysis* analysis, double* out, int channel);

/* The speech, silences or noise of a channel (kind SB_KIND_SPEECH,
 * SB_KIND_SILENCE or SB_KIND_NOISE), in time order: *out = their number, and
 * *out = the span at `index` (0 to count - 1). */
SB_EXTERN int sb_analysis_span_count(const sb_analysis* analysis, size_t* out, int channel, int kind);
SB_EXTERN int sb_analysis_span(const sb_analysis* analysis, sb_span* out, int channel, int kind, size_t index);

/* The escalations of a channel, in time order. */
SB_EXTERN int sb_analysis_escalation_count(const sb_analysis* analysis, size_t* out, int channel);
SB_EXTERN int sb_analysis_escalation(const sb_analysis* analysis, sb_escalation* out, int channel,
                                     size_t index);

/* The interruptions of the call, in time order (none for a mono call:
 * "interruptions" is then among the skipped detectors). */
SB_EXTERN int sb_analysis_interruption_count(const sb_analysis* analysis, size_t* out);
SB_EXTERN int sb_analysis_interruption(const sb_analysis* analysis, sb_interruption* out, size_t index);

/* Fills *out (whose version the caller set) with the statistics of a
 * channel, or of the call. SB_EINVALID (field "version") for a version this
 * library does not know. */
SB_EXTERN int sb_analysis_channel_stats(const sb_analysis* analysis, sb_channel_stats* out, int channel);
SB_EXTERN int sb_analysis_call_stats(const sb_analysis* analysis, sb_call_stats* out);

/* The detectors that could not run: *out = their number; then for each the
 * detector's name ("interruptions", "escalation" ...) and why, both owned
 * by the result. */
SB_EXTERN int sb_analysis_skipped_count(const sb_analysis* analysis, size_t* out);
SB_EXTERN int sb_analysis_skipped(const sb_analysis* analysis, const char** out_detector, const char** out_reason,
                                  size_t index);

/* *out_json = the result as JSON (free with sb_free()):
 * {"duration","sample_rate","analysis_rate","channels":[{"label",
 * "sample_rate","speech":[{"start","end"}],"silences","noise",
 * "escalations":[{"start","end","pitch_ratio","level_db"}],
 * "median_pitch_hz","stats":{...}}],"interruptions":[{"start","end",
 * "interrupter"}],"stats":{...},"skipped":[{"detector","reason"}]}.
 * Times rounded to the millisecond. */
SB_EXTERN int sb_analysis_json(const sb_analysis* analysis, char** out_json);

/* ---------------------------------------------------------------- streaming
 *
 * A live call: push chunks as they arrive, take the events that became
 * certain, finish for the result. The same audio gives the same silences,
 * speech, noise and interruptions as the batch calls, however it is
 * chunked; streaming escalation events are judged against the medians so
 * far (docs/analysis.md, "Streaming and events"). */

typedef struct sb_analyzer sb_analyzer;

/* One event. An interruption is reported twice: open (open = 1, end = now)
 * as soon as it has lasted interruption_min_ms, then closed when it ends;
 * other events once, closed, when they end. */
typedef struct sb_analysis_event {
    int kind;           /* an sb_analysis_kind */
    int channel;        /* the channel; for an interruption, the interrupter */
    double start;
    double end;
    int open;           /* 1: an interruption still going on */
    double pitch_ratio; /* escalation only; 0 otherwise */
    double level_db;    /* escalation only; 0 otherwise */
} sb_analysis_event;

/* A stream of interleaved samples: 1 channel (mono) or 2 (agent, client),
 * at sample_rate Hz. On success *out is an analyzer the caller frees with
 * sb_analyzer_free(). SB_EINVALID for a rate outside 8000-48000 Hz (field
 * "sample_rate"), a channel count other than 1 or 2 (field "channels") or
 * an option out of range. */
SB_EXTERN int sb_analyzer_new(sb_analyzer** out, int sample_rate, int channels, const sb_analysis_options* opts);

/* Two mono streams (agent, client) with their own rates, fed with
 * sb_analyzer_push_channel_*(). Rate errors name "agent" or "client". */
SB_EXTERN int sb_analyzer_new_two_mono(sb_analyzer** out, int agent_rate, int client_rate,
                                       const sb_analysis_options* opts);

/* Interleaved samples in the stream's layout (not for two mono streams):
 * `frames` sample frames (frames * channels samples), borrowed for the call.
 * SB_ETOOLARGE once the stream passes max_duration_s; SB_EINVALID after
 * sb_analyzer_finish() ("the analyzer has finished; start a new one"). */
SB_EXTERN int sb_analyzer_push_pcm16(sb_analyzer* analyzer, const int16_t* interleaved, size_t frames);
SB_EXTERN int sb_analyzer_push_float(sb_analyzer* analyzer, const float* interleaved, size_t frames);

/* `count` samples of one channel (0: agent or mono, 1: client). */
SB_EXTERN int sb_analyzer_push_channel_pcm16(sb_analyzer* analyzer, int channel, const int16_t* samples,
                                             size_t count);
SB_EXTERN int sb_analyzer_push_channel_float(sb_analyzer* analyzer, int channel, const float* samples,
                                             size_t count);

/* The events that became certain since the last call, in the order found:
 * *out_events = an array of *out_count events that the caller frees with
 * sb_free(), or NULL when there are none (*out_count 0). */
SB_EXTERN int sb_analyzer_take_events(sb_analyzer* analyzer, sb_analysis_event** out_events, size_t* out_count);

/* *out = seconds of audio the decisions have reached (the channel furthest
 * behind); events trail the pushed audio by about half a second. */
SB_EXTERN int sb_analyzer_analysed_seconds(const sb_analyzer* analyzer, double* out);

/* Ends the stream: *out = the result (free with sb_analysis_free()). The
 * analyzer is spent afterwards, whether this succeeds or not (pushing or
 * finishing again is SB_EINVALID), but must still be freed; events found
 * while finishing remain for sb_analyzer_take_events(). SB_EINVALID "the
 * recording has no samples" when a channel got none. */
SB_EXTERN int sb_analyzer_finish(sb_analyzer* analyzer, sb_analysis** out);

/* Releases an analyzer. Accepts NULL. */
SB_EXTERN void sb_analyzer_free(sb_analyzer* analyzer);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* SWITCHBOARD_ANALYSIS_H */
