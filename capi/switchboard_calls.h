/*
 * switchboard_calls.h: calls, their recordings, QA scorecards and the
 * statistics of calls, tickets and messages through the C API.
 *
 * Included by switchboard.h; includable on its own. The conventions written
 * at the top of switchboard.h hold here.
 */
#ifndef SWITCHBOARD_CALLS_H
#define SWITCHBOARD_CALLS_H

#include "switchboard_base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------- calls and QA
 *
 * Admins and supervisors see every call of the organisation, an agent their
 * own; customers none (SB_EFORBIDDEN).
 *   call  {"id","direction","agent_id","queue","caller","start_ms","answer_ms",
 *          "end_ms","wait_s","talk_s","hold_s","hangup_status","qa_done",
 *          "activity_count","ticket_id","recording_file_id","created_ms","ricket"}
 *   qa    {"id","call_id","opening","holding","politeness","enthusiasm",
 *          "personalization","troubleshooting","listening","accuracy",
 *          "resolution","comments","recommendations","reviewer_id","reviewer",
 *          "created_ms","call_agent_id","call_direction","call_ricket"}
 *   stats {"from_ms","to_ms","inbound_calls","outbound_calls","tickets","emails","sms"}
 */

/* Records a call. fields_json: any of {"direction" ("inbound", the default,
 * or "outbound"),"agent_id","queue","caller","start_ms" (default now),
 * "answer_ms","end_ms","wait_s","talk_s","hold_s","hangup_status",
 * "activity_count","ticket_id","recording_file_id"}. Admins and supervisors
 * record any call, an agent only their own. *out_json = the call. */
SB_EXTERN int sb_call_create(sb_db* db, char** out_json, const char* token, const char* fields_json);

/* *out_json = the call. SB_ENOTFOUND "no call <id>" for one the caller does not see. */
SB_EXTERN int sb_call_get(sb_db* db, char** out_json, const char* token, int64_t call_id);

/* The calls the caller sees, newest first; filters id, direction, agent_id,
 * queue, caller, hangup_status, qa_done, activity_count, ticket_id, wait_s,
 * start and created_on (time).
 * *out_json = {"total","items":[call ...]}. */
SB_EXTERN int sb_call_list(sb_db* db, char** out_json, const char* token, const char* query_json);

/* The calls of sb_call_list as CSV, to a sink. */
SB_EXTERN int sb_call_export_csv(sb_db* db, sb_csv_sink sink, void* sink_data, const char* token,
                                 const char* query_json);

/* As sb_call_export_csv; *out_csv = the whole CSV text (free with sb_free()). */
SB_EXTERN int sb_call_export_csv_string(sb_db* db, char** out_csv, const char* token,
                                        const char* query_json);

/* A pivot report of calls; group fields agent_id, queue, direction,
 * hangup_status, wait_s, qa_done, activity_count. */
SB_EXTERN int sb_call_report(sb_db* db, char** out_json, const char* token, const char* query_json,
                             const char* xaxis_csv, const char* yaxis_csv);

/* Attaches the uploaded file file_id (of the organisation; else SB_EINVALID,
 * field "file_id") as the call's recording. *out_json = the call. */
SB_EXTERN int sb_call_attach_recording(sb_db* db, char** out_json, const char* token, int64_t call_id,
                                       int64_t file_id);

/* *out_json = the file record of the call's recording (read its bytes with
 * sb_file_read). SB_ENOTFOUND (field "file") when the call has none. */
SB_EXTERN int sb_call_recording(sb_db* db, char** out_json, const char* token, int64_t call_id);

/* Admins and supervisors: scores a call. fields_json: {"call_id","opening",
 * "holding","politeness","enthusiasm","personalization","troubleshooting",
 * "listening","accuracy","resolution" (each 1 to 5, all required),
 * "comments"?,"recommendations"?}. The call is then qa_done. SB_EINVALID
 * naming the score outside 1-5 ("listening must be a score from 1 to 5");
 * SB_ENOTFOUND (field "call_id") for a call of no one's or another
 * organisation's. *out_json = the scorecard. */
SB_EXTERN int sb_qa_create(sb_db* db, char** out_json, const char* token, const char* fields_json);

/* *out_json = the scorecard (agents: only those of their own calls). */
SB_EXTERN int sb_qa_get(sb_db* db, char** out_json, const char* token, int64_t qa_id);

/* The scorecards the caller sees, newest first; filters id, call_id, each
 * score, reviewer_id, created_on, call_agent_id (the call's agent),
 * call_direction (the call's direction). *out_json = {"total","items":[qa ...]}. */
SB_EXTERN int sb_qa_list(sb_db* db, char** out_json, const char* token, const char* query_json);

/* The scorecards of sb_qa_list as CSV, to a sink. */
SB_EXTERN int sb_qa_export_csv(sb_db* db, sb_csv_sink sink, void* sink_data, const char* token,
                               const char* query_json);

/* As sb_qa_export_csv; *out_csv = the whole CSV text (free with sb_free()). */
SB_EXTERN int sb_qa_export_csv_string(sb_db* db, char** out_csv, const char* token,
                                      const char* query_json);

/* A pivot report of scorecards; group fields call_agent_id, call_direction and each score. */
SB_EXTERN int sb_qa_report(sb_db* db, char** out_json, const char* token, const char* query_json,
                           const char* xaxis_csv, const char* yaxis_csv);

/* Admins and supervisors: inbound and outbound calls, tickets, emails and SMS
 * created in [from_ms, to_ms] (Unix ms; to_ms 0: up to now and later; 0, 0:
 * all time). SB_EINVALID for a negative bound or to_ms before from_ms.
 * *out_json = the stats. */
SB_EXTERN int sb_calls_stats(sb_db* db, char** out_json, const char* token, int64_t from_ms, int64_t to_ms);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* SWITCHBOARD_CALLS_H */
