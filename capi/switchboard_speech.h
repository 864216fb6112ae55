/* switchboard C API: calls with speech-to-text (OctaPy IO1). Included by
 * switchboard.h; includable on its own. See docs/speech.md.
 *
 * A recorded call is analysed as a background job (sb_call_record, then
 * sb_text_report with its Ricket, which answers calls and texts alike); a
 * recording can also be analysed here and now, storing nothing
 * (sb_call_analyze), with typed accessors for its words and events.
 *
 * Ownership: every char** output is NULL on failure and, on success, a
 * string from the library that the caller frees with sb_free(). */
#ifndef SWITCHBOARD_SPEECH_H
#define SWITCHBOARD_SPEECH_H

#include <stddef.h>

#include "switchboard_base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Records a call with a developer token (any other token is
 * SB_EUNAUTHORIZED): first_wav is the recording (mono, or stereo with the
 * agent on channel 1 and the client on channel 2), second_wav the client's
 * mono file or NULL. fields_json: NULL or {"department", "agent_id",
 * "client_id", "ticket_no"}. The upload is decoded at once: a file that is
 * not a WAV is SB_EINVALID, "binary needs to be in .WAV format: ...", field
 * "first_channel" or "second_channel"; one over the handle's
 * max_call_seconds is SB_ETOOLARGE; nothing is stored then. *out_json = the
 * interaction, "kind": "C", "status": "pending", with its "ricket". The
 * handle needs a files directory (sb_db_options.files_dir). */
SB_EXTERN int sb_call_record(sb_db* db, char** out_json, const char* token, const void* first_wav, size_t first_len,
                             const void* second_wav, size_t second_len, const char* fields_json);

/* Runs the recording of a call (sb_calls_attach_recording) through the same
 * pipeline: an access token of an admin or supervisor. *out_json = the
 * interaction, "kind": "C", "call_id" set; the call's JSON then carries its
 * "ricket", and its QA scorecards "call_ricket". SB_ENOTFOUND (field
 * "call_id") for a call the organisation does not have, SB_EINVALID (field
 * "recording") for one without a recording. */
SB_EXTERN int sb_call_analyse_recording(sb_db* db, char** out_json, const char* token, int64_t call_id);

/* A call analysed here and now, storing nothing. */
typedef struct sb_spoken_call sb_spoken_call;

/* Options of sb_call_analyze, as JSON (NULL: the defaults): {"transcribe":
 * true (PocketSphinx; false: acoustic only), "preset": "balanced",
 * "silence_min_ms": 500, "interruption_min_ms": 750, "hold_min_ms": 10000,
 * "min_call_s": 0, "max_call_s": 0, "redaction": "silence" | "tone",
 * "redacted_wav": PATH (writes the recording with card data covered)}.
 * agent_path: a WAV (mono or stereo); client_path: NULL, or the client's
 * mono WAV. Errors are analyze_file's. */
SB_EXTERN int sb_call_analyze(sb_spoken_call** out, const char* agent_path, const char* client_path,
                              const char* options_json);
SB_EXTERN void sb_spoken_call_free(sb_spoken_call* call);
/* The whole report as JSON (docs/speech.md): words, dialogue, events, stats ... */
SB_EXTERN int sb_spoken_call_json(const sb_spoken_call* call, char** out_json);

/* One word of the transcript; the strings belong to the call. */
typedef struct sb_word {
    int channel;          /* 0 agent (or mono), 1 client */
    const char* speaker;  /* "agent", "client" or "mono" */
    const char* text;     /* "***" when redacted */
    double start, end;    /* seconds */
    double confidence;    /* 0 to 1 */
    int redacted;
} sb_word;

/* One event of the call; the strings belong to the call ("" when not set). */
typedef struct sb_call_event {
    const char* type;     /* silence, noise, escalation, interruption, hold, phrase, promise,
                             card_number, security_code, expiry_date, pin */
    int channel;          /* -1: the call as a whole */
    const char* speaker;  /* the interrupter for an interruption; "" for the call as a whole */
    double start, end;    /* seconds */
    const char* pool;     /* phrase (and card data: "Critical Info") */
    const char* text;     /* what was said, redacted */
    const char* time_statement;  /* promise */
    const char* interrupted;     /* interruption */
    const char* spotted;         /* promise: the commitment keyword spotting heard where the
                                    general reading did not ("we will refund", with a spotted
                                    time statement after a comma); phrase: the pool phrase it
                                    heard ("speak to a manager"); "" otherwise */
} sb_call_event;

SB_EXTERN size_t sb_spoken_call_word_count(const sb_spoken_call* call);
/* SB_EINVALID (field "index") past the end. */
SB_EXTERN int sb_spoken_call_word(const sb_spoken_call* call, size_t index, sb_word* out);
SB_EXTERN size_t sb_spoken_call_event_count(const sb_spoken_call* call);
SB_EXTERN int sb_spoken_call_event(const sb_spoken_call* call, size_t index, sb_call_event* out);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* SWITCHBOARD_SPEECH_H */
