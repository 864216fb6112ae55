/*
 * switchboard.h: the C API of switchboard.
 *
 * The whole C interface of the library comes with this one header, which
 * includes one header per area (listed below). Each area header may also be
 * included on its own: it includes switchboard_base.h, which every area
 * needs. All are C99 and C++ compatible and depend on <stddef.h> and
 * <stdint.h> only. docs/c-api.md describes the layout.
 *
 * Conventions
 * -----------
 * - Functions are named sb_<module>_<verb> (sb_ticket_create,
 *   sb_accounts_sign_in, sb_jobs_list); only the library's own functions in
 *   switchboard_base.h (sb_version, sb_free, sb_last_error*, sb_error_name)
 *   have no module. Macros start with SB_.
 * - Every function whose name starts with sb_ returns int, 0 (SB_OK) on
 *   success or a negative SB_E* code, except sb_version(), sb_free(),
 *   sb_error_name(), the sb_last_error*() accessors, sb_analysis_kind_name(),
 *   sb_analysis_free() and sb_analyzer_free().
 * - After a failure, sb_last_error() gives a message a person can act on,
 *   sb_last_error_field() the input field it concerns ("email", "password",
 *   ...) or "", and sb_last_error_code() the code again. The state is per
 *   thread and describes the most recent int-returning call on that thread:
 *   a successful call clears it. Calls with a token check it first: an
 *   unknown, expired or revoked token gives SB_EUNAUTHORIZED "unauthorized".
 * - Output parameters come first after the handle. On failure every output
 *   pointer is set to NULL (or 0), so freeing it is always safe.
 * - Records cross as JSON text (UTF-8). Field names are the snake_case names
 *   of the C++ structs; times are Unix milliseconds in fields ending in
 *   "_ms". New fields may appear in later versions: ignore the ones you do
 *   not know. docs/c-api.md lists the shapes.
 * - Strings returned through a char** (and bytes through a void**) are
 *   allocated by the library; release them with sb_free(). Strings and
 *   buffers passed in are borrowed for the duration of the call only.
 * - No C++ exception leaves the library; anything unexpected becomes
 *   SB_EINTERNAL (or SB_ENOMEM) with a message.
 * - An sb_db may be used from several threads at once. It must not be closed
 *   while another thread is using it.
 */
#ifndef SWITCHBOARD_H
#define SWITCHBOARD_H

/* One header per area; each is includable on its own and includes
 * switchboard_base.h. */
#include "switchboard_base.h"     /* version, errors, memory, options, the database handle */
#include "switchboard_accounts.h" /* sign-up, sessions, passwords, users, organisations, dev keys,
                                     activity log, outbox */
#include "switchboard_cases.h"    /* categories, tickets, messages */
#include "switchboard_files.h"    /* uploaded files */
#include "switchboard_calls.h"    /* calls, QA scorecards, statistics */
#include "switchboard_analysis.h" /* the audio analysis engine */
#include "switchboard_text.h"     /* text analysis, phrase pools, text interactions */
#include "switchboard_speech.h"   /* calls with speech-to-text */
#include "switchboard_jobs.h"     /* background jobs and events */
#include "switchboard_presence.h" /* agent presence, queues, the offering of calls */
#include "switchboard_mail.h"     /* the mailer: SMTP settings, templates, test mails */
#include "switchboard_messages.h" /* emails and SMS as records (OpenCHS 7 and 8) */

#endif /* SWITCHBOARD_H */
