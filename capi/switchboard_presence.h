/* switchboard C API: agent presence and call queues. Included by
 * switchboard.h; includable on its own. docs/c-api.md ("Presence and
 * queues") describes them; the C++ side is include/switchboard/presence.hpp
 * and docs/presence.md has the table of transitions.
 *
 * Ownership: every char** output is NULL on failure and, on success, a
 * string from the library that the caller frees with sb_free(). */
#ifndef SWITCHBOARD_PRESENCE_H
#define SWITCHBOARD_PRESENCE_H

#include <stdint.h>

#include "switchboard_base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- presence
 *
 * Every agent (admin, supervisor or agent) of an organisation has one
 * presence state, which says whether a call may be offered to them:
 *   offline    not logged in (every agent after a restart)
 *   available  logged in and idle: the next waiting call may be offered
 *   ringing    a call is offered to them, or a join waits to be confirmed
 *   on_call    talking
 *   wrap_up    after a call, for the queue's wrap-up time, then available
 *   on_break   logged in, taking no call, with one of the break reasons
 * A change the state does not allow is SB_ECONFLICT, field "state", with a
 * message naming the action and the state ("cannot end a break while
 * available", "cannot log out while on_call"). Presence and the waiting
 * calls live in the memory of the process that holds the sb_db; the history
 * of states is stored (the agent state report below). Timeouts (rings,
 * wrap-ups, heartbeats, overflows) run on the handle's own timer, on the
 * system clock.
 *
 * Tokens: access tokens, except where a function says that a developer token
 * (the telephony layer) is taken too. An agent acts on their own presence;
 * user_id 0 means the caller, and another agent's id is for admins and
 * supervisors only (SB_EFORBIDDEN otherwise; SB_ENOTFOUND, field "user_id",
 * for a user of another organisation).
 *
 * Shapes:
 *   status    {"user_id","username","state","reason","since_ms","last_seen_ms",
 *              "mic_permission" (true, false or null),"queues":[name ...],
 *              "call_id","call_phone","call_queue","last_call_ms",
 *              "wrap_up_until_ms","missed_offers","idle_since_ms"}
 *   call      {"call_id","queue","caller","state","enqueued_ms","offered_ms",
 *              "answered_ms","ended_ms","agent_id","overflow","offers"};
 *              state waiting, offered, connected, ended, overflowed or abandoned
 *   queue     {"name","ring_timeout_ms","wrap_up_ms","max_missed_offers",
 *              "max_wait_ms","overflow"}
 *   settings  {"break_reasons":[...],"heartbeat_timeout_ms",
 *              "join_confirms_at_once","join_ring_ms"}
 */

/* Staff: *out_json = the organisation's presence settings. */
SB_EXTERN int sb_presence_settings(sb_db* db, char** out_json, const char* token);

/* Admins: changes the settings named in settings_json (settings shape; the
 * ones not given keep their current values). A wrong type, an unknown key or
 * a value out of range is SB_EINVALID naming it ("break_reasons": 1 to 50
 * distinct reasons; "heartbeat_timeout_ms": 0 or 5000 to 86400000;
 * "join_ring_ms": 1000 to 600000). *out_json = the settings. */
SB_EXTERN int sb_presence_set_settings(sb_db* db, char** out_json, const char* token, const char* settings_json);

/* Staff: *out_json = [queue ...], by name. */
SB_EXTERN int sb_presence_queues(sb_db* db, char** out_json, const char* token);

/* Admins: creates or replaces the queue named in queue_json (queue shape;
 * "name" is required, the others default to ring_timeout_ms 20000,
 * wrap_up_ms 30000, max_missed_offers 3, max_wait_ms 0 (no limit), overflow
 * ""). "overflow" is another queue's name, "voicemail" or "". SB_EINVALID
 * naming the field for a bad name or a value out of range. *out_json = the
 * queue. */
SB_EXTERN int sb_presence_put_queue(sb_db* db, char** out_json, const char* token, const char* queue_json);

/* Admins: deletes a queue. SB_ENOTFOUND (field "name") for an unknown one;
 * SB_ECONFLICT while calls wait in it or another queue overflows into it. */
SB_EXTERN int sb_presence_delete_queue(sb_db* db, const char* token, const char* name);

/* Admins and supervisors: the queues agent user_id (0: the caller) takes
 * calls from, queues_json being a JSON array of queue names. An agent whose
 * queues were never set takes calls from every queue. SB_ENOTFOUND (field
 * "queues") for an unknown queue; SB_EINVALID (field "queues") for anything
 * but an array of strings. *out_json = the agent's status. */
SB_EXTERN int sb_presence_set_agent_queues(sb_db* db, char** out_json, const char* token, int64_t user_id,
                                           const char* queues_json);

/* *out_json = the status of user_id (0: the caller). */
SB_EXTERN int sb_presence_status(sb_db* db, char** out_json, const char* token, int64_t user_id);

/* The caller logs in: offline -> available (already logged in: nothing
 * changes). *out_json = the status. */
SB_EXTERN int sb_presence_log_in(sb_db* db, char** out_json, const char* token);

/* The caller joins their queues (OpenCHS joinq): offline -> ringing, until
 * sb_presence_confirm_join (or, when the settings' join_confirms_at_once is
 * true, available at once); on_break -> available (back from the break).
 * An unconfirmed join ends, offline, after the settings' join_ring_ms.
 * *out_json = the status. */
SB_EXTERN int sb_presence_join(sb_db* db, char** out_json, const char* token);

/* The caller confirms a join: ringing (join) -> available; SB_ECONFLICT in
 * any other state. *out_json = the status. */
SB_EXTERN int sb_presence_confirm_join(sb_db* db, char** out_json, const char* token);

/* Logs user_id (0: the caller) out: -> offline; a call ringing them goes
 * back to the queue. SB_ECONFLICT on a call. *out_json = the status. */
SB_EXTERN int sb_presence_log_out(sb_db* db, char** out_json, const char* token, int64_t user_id);

/* Puts user_id (0: the caller) on break with `reason`, one of the
 * organisation's break reasons (else SB_EINVALID, field "reason"), from
 * available, wrap_up or on_break (another reason); SB_ECONFLICT otherwise.
 * *out_json = the status. */
SB_EXTERN int sb_presence_start_break(sb_db* db, char** out_json, const char* token, const char* reason,
                                      int64_t user_id);

/* The caller ends their break: on_break -> available. *out_json = the status. */
SB_EXTERN int sb_presence_end_break(sb_db* db, char** out_json, const char* token);

/* The caller's heartbeat (a web console's ping), with their microphone
 * permission: mic_permission -1 when not known, 0 denied (no call is offered
 * to them), 1 granted; any other value is SB_EINVALID (field
 * "mic_permission"). The state does not change; when the settings'
 * heartbeat_timeout_ms is set, an agent whose heartbeats stop goes offline
 * (reason "no heartbeat"). *out_json = the status. */
SB_EXTERN int sb_presence_heartbeat(sb_db* db, char** out_json, const char* token, int mic_permission);

/* The caller ends their wrap-up now: wrap_up -> available. *out_json = the status. */
SB_EXTERN int sb_presence_end_wrap_up(sb_db* db, char** out_json, const char* token);

/* The caller becomes available by whichever change applies: logged in,
 * back from a break or the wrap-up, a join confirmed (Comm100's
 * "available": true). SB_ECONFLICT while ringing for a call or on one.
 * *out_json = the status. */
SB_EXTERN int sb_presence_set_available(sb_db* db, char** out_json, const char* token);

/* The caller's wrap-up lasts extra_ms longer (1000 to 3600000, else
 * SB_EINVALID, field "extra_ms"). *out_json = the status. */
SB_EXTERN int sb_presence_extend_wrap_up(sb_db* db, char** out_json, const char* token, int64_t extra_ms);

/* ------------------------------------------------------------------- calls
 *
 * A waiting call is offered to the available agent of its queue who has been
 * idle longest, for the queue's ring_timeout_ms; on a rejection or a timeout
 * it goes to the next one. An agent who misses max_missed_offers offers in a
 * row is put on break ("missed offers"). A call waiting longer than the
 * queue's max_wait_ms goes to its overflow. */

/* Puts call call_id (1 to 128 printable characters: a CallSid, a PBX
 * channel) in `queue`, from `caller` (NULL or "" when unknown). Admins,
 * supervisors and developer tokens. SB_ENOTFOUND (field "queue") for an
 * unknown queue, SB_EEXISTS (field "call_id") for a call already queued.
 * *out_json = the call, "offered" when an agent was free. */
SB_EXTERN int sb_presence_enqueue(sb_db* db, char** out_json, const char* token, const char* call_id,
                                  const char* queue, const char* caller);

/* The agent the call is offered to answers it: the call is connected, the
 * agent on_call. SB_ECONFLICT (field "call_id") when it is not offered to
 * the caller. *out_json = the call. */
SB_EXTERN int sb_presence_answer(sb_db* db, char** out_json, const char* token, const char* call_id);

/* The agent the call is offered to rejects it: they are available again and
 * the call is offered to the next agent. SB_ECONFLICT as for answering.
 * *out_json = the call. */
SB_EXTERN int sb_presence_reject(sb_db* db, char** out_json, const char* token, const char* call_id);

/* Ends a call: a connected one is "ended" and its agent goes to wrap_up (or
 * available, with a queue's wrap_up_ms of 0); a waiting or ringing one is
 * "abandoned" (the caller hung up). Ending an ended call changes nothing.
 * The agent on the call, admins, supervisors and developer tokens (another
 * agent: SB_EFORBIDDEN, field "call_id"). *out_json = the call. */
SB_EXTERN int sb_presence_end_call(sb_db* db, char** out_json, const char* token, const char* call_id);

/* *out_json = the call (live, or among the last ones ended). Admins,
 * supervisors, developer tokens, and the agent it is offered or connected
 * to; SB_ENOTFOUND (field "call_id") otherwise. */
SB_EXTERN int sb_presence_call(sb_db* db, char** out_json, const char* token, const char* call_id);

/* *out_json = [call ...]: the calls waiting or ringing in the organisation's
 * queues, oldest first. Admins, supervisors and developer tokens. */
SB_EXTERN int sb_presence_waiting_calls(sb_db* db, char** out_json, const char* token);

/* Admins and supervisors: *out_json = {"now_ms","agents":[status ...],
 * "queues":[{"name","waiting","longest_wait_ms","agents","available"} ...],
 * "calls":[call ...]}: every agent with presence, each queue's waiting calls
 * and logged-in agents, and the calls waiting, ringing or connected. */
SB_EXTERN int sb_presence_wallboard(sb_db* db, char** out_json, const char* token);

/* ------------------------------------------------ the agent state report
 *
 * One row per state of an agent within one UTC day (a state that runs past
 * midnight is split there): {"id","user_id","username","state","reason",
 * "day" ("2026-12-02"),"started","ended" (ISO-8601; ended null while it
 * goes on),"started_ms","ended_ms" (0 while it goes on),"seconds" (up to
 * now while it goes on)}. Offline time is not kept. Admins and supervisors.
 * Filters: id, user_id, username, state, reason, day, started ("A to B").
 * See "CSV and pivot reports" in switchboard_base.h. */

/* *out_json = {"total","items":[row ...]}, newest first. */
SB_EXTERN int sb_presence_states_list(sb_db* db, char** out_json, const char* token, const char* query_json);

/* The rows of sb_presence_states_list as CSV, to a sink; header
 * id,user_id,username,state,reason,day,started,ended,seconds. */
SB_EXTERN int sb_presence_states_csv(sb_db* db, sb_csv_sink sink, void* sink_data, const char* token,
                                     const char* query_json);

/* As sb_presence_states_csv; *out_csv = the whole CSV text (free with sb_free()). */
SB_EXTERN int sb_presence_states_csv_string(sb_db* db, char** out_csv, const char* token, const char* query_json);

/* A pivot report of the rows; group fields username, state, reason, day.
 * Each row also sums the time in it: {"keys","count","seconds"}, and the
 * report {"xaxis","yaxis","total","rows","total_seconds"}. *out_json = the
 * report. */
SB_EXTERN int sb_presence_states_report(sb_db* db, char** out_json, const char* token, const char* query_json,
                                        const char* xaxis_csv, const char* yaxis_csv);

#ifdef __cplusplus
}
#endif

#endif /* SWITCHBOARD_PRESENCE_H */
