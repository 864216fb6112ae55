/* switchboard C API: emails and SMS as records (OpenCHS sections 7 and 8).
 * Included by switchboard.h; includable on its own. docs/messages.md
 * describes them; the C++ side is include/switchboard/messages.hpp.
 *
 * Staff (admins, supervisors, agents) of an organisation write and read
 * them. An email goes out through the mailer (switchboard_mail.h), an SMS
 * through the SMS gateway; each record's "status" is queued, sent or failed
 * (an SMS's recipients also delivered, from the gateway's reports).
 *
 * Ownership: every char** output is NULL on failure and, on success, a
 * string from the library that the caller frees with sb_free(). */
#ifndef SWITCHBOARD_MESSAGES_H
#define SWITCHBOARD_MESSAGES_H

#include <stdint.h>

#include "switchboard_base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Shapes:
 *   email  {"id","org_id","direction","folder","status","reason","subject","text","html","from",
 *           "recipients":[{"contact_id","address"}],"attachments":[file id ...],"message_id",
 *           "in_reply_to","thread","ticket_id","created_by","created_ms","updated_ms","sent_ms"}
 *   sms    {"id","org_id","direction","folder","status","reason","text",
 *           "recipients":[{"contact_id","address","status","reason","updated_ms"}],
 *           "ticket_id","created_by","created_ms","updated_ms","sent_ms"}
 * Lists take the query JSON of every list ({"filters": {...}, "count", "offset", "search"})
 * and answer {"total","items":[...]}; reports take comma-separated group fields. */

/* Stores and queues an email from {"subject","text","html","to":[address ...],
 * "attachments":[file id ...],"ticket_id","in_reply_to"}; its recipients become contacts.
 * SB_EINVALID naming the field (subject, msg, recipients, in_reply_to), SB_ENOTFOUND
 * (attachments, ticket_id), SB_ETOOLARGE (attachments, msg); nothing is stored then. */
SB_EXTERN int sb_email_send(sb_db* db, char** out_json, const char* token, const char* email_json);
SB_EXTERN int sb_email_get(sb_db* db, char** out_json, const char* token, int64_t email_id);
/* Filters: id, subject, direction, folder, status, from, message_id, thread, ticket_id,
 * created_by, created_on. Group fields: folder, status, direction, created_by. */
SB_EXTERN int sb_email_list(sb_db* db, char** out_json, const char* token, const char* query_json);
SB_EXTERN int sb_email_export_csv_string(sb_db* db, char** out_csv, const char* token, const char* query_json);
SB_EXTERN int sb_email_report(sb_db* db, char** out_json, const char* token, const char* query_json,
                              const char* xaxis_csv, const char* yaxis_csv);

/* Stores and queues an SMS from {"text","to":[number ...],"ticket_id"}. SB_EINVALID naming
 * the field (msg, recipients), SB_ETOOLARGE (msg over the limit). */
SB_EXTERN int sb_sms_send(sb_db* db, char** out_json, const char* token, const char* sms_json);
SB_EXTERN int sb_sms_get(sb_db* db, char** out_json, const char* token, int64_t sms_id);
/* Filters: id, text, direction, folder, status, ticket_id, created_by, created_on. */
SB_EXTERN int sb_sms_list(sb_db* db, char** out_json, const char* token, const char* query_json);
SB_EXTERN int sb_sms_export_csv_string(sb_db* db, char** out_csv, const char* token, const char* query_json);
SB_EXTERN int sb_sms_report(sb_db* db, char** out_json, const char* token, const char* query_json,
                            const char* xaxis_csv, const char* yaxis_csv);

/* Mail in (admins): the organisation's IMAP mailbox, read into tickets.
 *   mailbox  {"configured","imap_url","tls","username","has_password","last_uid",
 *             "last_fetch_ms","last_error","updated_ms"}
 *   fetch    {"mails","tickets_created","messages_added","error"} */
SB_EXTERN int sb_mailbox_get(sb_db* db, char** out_json, const char* token);
/* Sets it from {"imap_url","tls","username","password"} ({"imap_url": ""} removes it).
 * SB_EINVALID naming imap_url, imap_tls or imap_username. */
SB_EXTERN int sb_mailbox_set(sb_db* db, char** out_json, const char* token, const char* mailbox_json);
/* Reads the mailbox now; a mailbox that cannot be read is an answer with "error", not a failure. */
SB_EXTERN int sb_mailbox_fetch(sb_db* db, char** out_json, const char* token);

#ifdef __cplusplus
}
#endif

#endif /* SWITCHBOARD_MESSAGES_H */
