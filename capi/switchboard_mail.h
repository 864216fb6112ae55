/* switchboard C API: the mailer. Included by switchboard.h; includable on
 * its own. docs/c-api.md ("Mail") describes them; the C++ side is
 * include/switchboard/mailer.hpp and docs/mail.md has the templates and the
 * delivery guarantees.
 *
 * Every mail the library writes (verification links, reset codes, ticket
 * status mails) waits in the outbox (sb_outbox_list) until the handle's job
 * workers send it over SMTP: the server of sb_db_options.smtp_url, or the
 * organisation's own (sb_mail_set_settings). An outbox mail's "status" is
 * queued, sent (with the server's "reply") or failed (with "last_error").
 *
 * Ownership: every char** output is NULL on failure and, on success, a
 * string from the library that the caller frees with sb_free(). */
#ifndef SWITCHBOARD_MAIL_H
#define SWITCHBOARD_MAIL_H

#include <stdint.h>

#include "switchboard_base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Shapes:
 *   settings  {"own","smtp_url","tls","username","has_password","from","updated_ms"}
 *             (own false: the handle's server serves the organisation)
 *   template  {"kind","subject","text","html","enabled","is_default","updated_ms",
 *              "placeholders":[name ...]}
 *   test      {"server","accepted","permanent","code","reply"}
 * Every function takes an admin's access token. */

/* *out_json = the organisation's own settings. */
SB_EXTERN int sb_mail_settings(sb_db* db, char** out_json, const char* token);
/* Sets them from {"smtp_url","tls","username","password","from"}
 * ({"smtp_url": ""} removes them); the password is sealed in the store.
 * SB_EINVALID naming the field: a url not smtp:// or smtps://, tls not
 * starttls or none, a username without a password, a From that is not an
 * address. *out_json = the settings as they are now. */
SB_EXTERN int sb_mail_set_settings(sb_db* db, char** out_json, const char* token, const char* settings_json);

/* *out_json = [template ...], every kind: the organisation's or the library's. */
SB_EXTERN int sb_mail_templates(sb_db* db, char** out_json, const char* token);
/* Sets one from {"kind","subject","text","html","enabled"}. SB_EINVALID
 * naming the field: an unknown kind, an empty subject or text, a
 * placeholder the kind does not have, verify or reset switched off. */
SB_EXTERN int sb_mail_set_template(sb_db* db, char** out_json, const char* token, const char* template_json);
/* The kind back to the library's template; *out_json = it. */
SB_EXTERN int sb_mail_reset_template(sb_db* db, char** out_json, const char* token, const char* kind);

/* Sends one test mail to `to` now, with the settings that serve the
 * organisation; *out_json = test (a refusal of the server is not an error). */
SB_EXTERN int sb_mail_send_test(sb_db* db, char** out_json, const char* token, const char* to);
/* A failed outbox mail of the organisation queued again. SB_ENOTFOUND for
 * another's or none, SB_ECONFLICT for one that did not fail. *out_json = the
 * outbox mail (without its body). */
SB_EXTERN int sb_mail_retry(sb_db* db, char** out_json, const char* token, int64_t outbox_id);

/* Gives every queued mail without a job its job now (the handle's own thread
 * does it within a few seconds anyway); *out_count = how many. */
SB_EXTERN int sb_mail_dispatch(sb_db* db, int* out_count);

#ifdef __cplusplus
}
#endif

#endif /* SWITCHBOARD_MAIL_H */
