/*
 * switchboard_cases.h: cases through the C API: ticket categories, tickets
 * with their history, CSV export and report, and the ticket's conversation
 * (messages). See docs/cases.md.
 *
 * Included by switchboard.h; includable on its own. The conventions written
 * at the top of switchboard.h hold here.
 */
#ifndef SWITCHBOARD_CASES_H
#define SWITCHBOARD_CASES_H

#include "switchboard_base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------- cases
 *
 * Tickets of the caller's organisation. Who sees which ticket:
 *   admin, supervisor  every ticket of the organisation
 *   agent              the tickets assigned to them
 *   customer           the tickets they raised
 * A ticket the caller does not see (another organisation's included) is
 * SB_ENOTFOUND "no ticket <id>", field "id", exactly as one that does not exist.
 * Shapes (all returned strings are freed with sb_free()):
 *   category  {"id","parent_id","name"}               (parent_id 0: a main category)
 *   ticket    {"id","ticket_no","source","source_id","category_main","category_sub",
 *              "narrative","resolution","status","priority","referred_to",
 *              "escalated_to","disposition","contact_id","assigned_to","created_by",
 *              "created_ms","updated_ms","contact": {contact} or null}
 *   contact   {"id","first_name","last_name","phone","email","town","country",
 *              "user_category","position_in_org","org_name","created_ms","updated_ms"}
 *   change    {"id","ticket_id","field","old_value","new_value","user_id","actor","time_ms"}
 *   message   {"id","ticket_id","author_id","author","author_role","body","time_ms"}
 */

/* Admins: adds a category (parent_id 0) or a sub-category under the main
 * category parent_id. *out_json = the category. SB_EEXISTS when the name is
 * taken at that level; SB_EINVALID (field "parent_id") for an unknown parent
 * or one that is itself a sub-category. */
SB_EXTERN int sb_category_add(sb_db* db, char** out_json, const char* token, const char* name,
                              int64_t parent_id);

/* Every role: *out_json = [category ...] of the organisation. */
SB_EXTERN int sb_category_list(sb_db* db, char** out_json, const char* token);

/* Creates a ticket. fields_json: any of {"source","source_id","category_main",
 * "category_sub","narrative","resolution","status","priority","referred_to",
 * "escalated_to","disposition","assigned_to","contact": {"first_name",
 * "last_name","phone","email","town","country","user_category",
 * "position_in_org","org_name"}}. Defaults: source "walkin", status "open",
 * priority "medium". Admins, supervisors and agents create tickets (an agent
 * is the assignee when none is given); a customer raises their own and gives
 * only the narrative and contact (anything else: SB_EFORBIDDEN). A contact
 * with the phone or email of an existing contact reuses it.
 * *out_json = the ticket, with its "ticket_no" ("TK000001", per organisation). */
SB_EXTERN int sb_ticket_create(sb_db* db, char** out_json, const char* token,
                               const char* fields_json);

/* Changes the fields given in fields_json (as for sb_ticket_create); every
 * change is written to the ticket's history. Admins and supervisors change
 * anything, the assigned agent anything but the assignee, the customer who
 * raised it only the narrative (else SB_EFORBIDDEN). *out_json = the ticket. */
SB_EXTERN int sb_ticket_update(sb_db* db, char** out_json, const char* token, int64_t ticket_id,
                               const char* fields_json);

/* *out_json = the ticket. */
SB_EXTERN int sb_ticket_get(sb_db* db, char** out_json, const char* token, int64_t ticket_id);

/* The tickets the caller sees, newest first. query_json as for sb_user_list;
 * filters: id, ticket_no, source, source_id, category_main, category_sub,
 * status, priority, referred_to, escalated_to, disposition, contact_id,
 * assigned_to, created_by, created_on and updated_on ("A to B"); "search" is
 * full text over narrative, resolution, contact names and phone, and
 * messages. *out_json = {"total","items":[ticket ...]}. */
SB_EXTERN int sb_ticket_list(sb_db* db, char** out_json, const char* token,
                             const char* query_json);

/* The tickets of sb_ticket_list as CSV, to a sink (see "CSV and pivot reports"). */
SB_EXTERN int sb_ticket_export_csv(sb_db* db, sb_csv_sink sink, void* sink_data, const char* token,
                                   const char* query_json);

/* As sb_ticket_export_csv; *out_csv = the whole CSV text (free with sb_free()). */
SB_EXTERN int sb_ticket_export_csv_string(sb_db* db, char** out_csv, const char* token,
                                          const char* query_json);

/* A pivot report of the tickets the caller sees; group fields source,
 * category_main, category_sub, status, priority, referred_to, escalated_to,
 * disposition. *out_json = the report. */
SB_EXTERN int sb_ticket_report(sb_db* db, char** out_json, const char* token, const char* query_json,
                               const char* xaxis_csv, const char* yaxis_csv);

/* *out_json = [change ...], oldest first: who changed which field when. */
SB_EXTERN int sb_ticket_history(sb_db* db, char** out_json, const char* token, int64_t ticket_id);

/* Admins and supervisors: assigns the ticket to agent_id, an active user of
 * the organisation who is not a customer (else SB_EINVALID, field
 * "assigned_to"); 0 unassigns. *out_json = the ticket. */
SB_EXTERN int sb_ticket_assign(sb_db* db, char** out_json, const char* token, int64_t ticket_id,
                               int64_t agent_id);

/* Closes the ticket (status "closed"); anyone who sees it may. *out_json =
 * the ticket. */
SB_EXTERN int sb_ticket_close(sb_db* db, char** out_json, const char* token, int64_t ticket_id);

/* Posts a message to the ticket's conversation (its customer, its agent,
 * admins and supervisors). *out_json = the message. SB_EINVALID "the message
 * is empty" (field "body"), or "the ticket is closed" (field "status"). */
SB_EXTERN int sb_ticket_message_post(sb_db* db, char** out_json, const char* token,
                                     int64_t ticket_id, const char* body);

/* *out_json = [message ...] of the ticket, oldest first. */
SB_EXTERN int sb_ticket_message_list(sb_db* db, char** out_json, const char* token,
                                     int64_t ticket_id);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* SWITCHBOARD_CASES_H */
