/*
 * switchboard_accounts.h: accounts through the C API: sign-up, sign-in and
 * tokens, passwords, users (with their CSV export and report),
 * organisations, developer keys, the activity log and the outbox. See
 * docs/accounts.md for the rules and docs/c-api.md for the JSON shapes.
 *
 * Included by switchboard.h; includable on its own. The conventions written
 * at the top of switchboard.h hold here.
 */
#ifndef SWITCHBOARD_ACCOUNTS_H
#define SWITCHBOARD_ACCOUNTS_H

#include "switchboard_base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------- sign-up, sign-in, tokens
 *
 * Functions returning JSON through a char** give a string the caller frees
 * with sb_free(). Shapes (docs/c-api.md has the full lists):
 *   user          {"id","org_id","username","email","phone","first_name",
 *                  "last_name","extension","photo","role","active",
 *                  "email_verified","must_change_password","created_ms","updated_ms"}
 *   organisation  {"id","company_name","email","contact_number","owner_user_id",
 *                  "verified","standards":{...},"constraints":{...},...}
 *   session       {"token","expires_ms","principal":{...}}
 *   page          {"total": n, "items": [...]}
 */

/* Signs up an organisation and its admin. request_json:
 * {"company_name","email","phone","password"}. Sends (to the outbox) the
 * verification email. *out_json = {"organisation": {...}, "admin": {user}}.
 * SB_EINVALID with the seed's messages ("email isn't valid", "phone isn't
 * valid", "password is too short, minimum length is 12 characters" ...),
 * SB_EEXISTS when the email is taken. */
SB_EXTERN int sb_accounts_sign_up(sb_db* db, char** out_json, const char* request_json);

/* Spends a verification key. *out_ok = 1 when the key was valid, unused and
 * unexpired (the email is then verified), 0 otherwise; the call itself
 * succeeds in both cases. */
SB_EXTERN int sb_accounts_verify_email(sb_db* db, int* out_ok, const char* key);

/* Signs in with an email address or a username. *out_session_json =
 * {"token","expires_ms","principal"}; the token (32 characters) is shown
 * once. SB_ECREDENTIALS "credentials didn't match" for a wrong login or
 * password and while the account is locked; SB_EUNVERIFIED before the email
 * is verified. */
SB_EXTERN int sb_accounts_sign_in(sb_db* db, char** out_session_json, const char* login,
                                  const char* password);

/* Ends the session of an access token (an unknown token is not an error). */
SB_EXTERN int sb_accounts_sign_out(sb_db* db, const char* token);

/* Token kinds for sb_accounts_authenticate(). */
#define SB_TOKEN_ACCESS 0
#define SB_TOKEN_DEV 1

/* Checks a token of the given kind (SB_TOKEN_ACCESS or SB_TOKEN_DEV).
 * *out_principal_json = {"user_id","org_id","role","username","kind",
 * "must_change_password"} (kind "access" or "dev"; user_id 0 for a dev
 * token, org_id 0 for the platform operator). SB_EUNAUTHORIZED for an unknown,
 * expired or revoked token, or one of the other kind. */
SB_EXTERN int sb_accounts_authenticate(sb_db* db, char** out_principal_json, const char* token,
                                       int kind);

/* Exchanges a developer key for a dev token (OctaPy /apiReq).
 * *out_session_json = {"token","expires_ms","principal"}.
 * SB_ECREDENTIALS "credentials didn't match" for any wrong value. */
SB_EXTERN int sb_dev_token_issue(sb_db* db, char** out_session_json, const char* email,
                                 const char* username, const char* dev_key);

/* ----------------------------------------------------------------- passwords */

/* Writes a one-time reset code to the outbox when `email` belongs to an
 * account. Succeeds either way (no account enumeration); SB_EINVALID only
 * for a malformed address. */
SB_EXTERN int sb_accounts_request_password_reset(sb_db* db, const char* email);

/* Sets a new password with the 6-digit code from the reset email; the
 * user's sessions end. SB_ECREDENTIALS (field "code") for a wrong, spent or
 * expired code, or after too many wrong tries. */
SB_EXTERN int sb_accounts_reset_password(sb_db* db, const char* email, const char* code,
                                         const char* new_password);

/* Changes the password of the token's user; every session of that user
 * (including this token's) ends. This is also how a temporary password is
 * replaced. SB_ECREDENTIALS "password didn't match, please try again" when
 * the current password is wrong, SB_EINVALID when the new one breaks the
 * policy or equals the current one. */
SB_EXTERN int sb_accounts_change_password(sb_db* db, const char* token, const char* current_password,
                                          const char* new_password);

/* An admin gives user_id (of the same organisation) a random temporary
 * password, to be changed at the next sign-in; the user's sessions end.
 * *out_temporary_password is the password (plain text, shown once; free
 * with sb_free()). */
SB_EXTERN int sb_accounts_admin_reset_password(sb_db* db, char** out_temporary_password,
                                               const char* token, int64_t user_id);

/* --------------------------------------------------------------------- users */

/* A customer registers with an organisation (and is sent a verification
 * email; sign-in waits for it). request_json:
 * {"org_id","email","password","password_confirm","first_name","last_name",
 *  "username"?,"phone"?}. *out_json = the user. */
SB_EXTERN int sb_accounts_register_customer(sb_db* db, char** out_json, const char* request_json);

/* Admins: creates a user in the caller's organisation. fields_json: any of
 * {"username","email","phone","first_name","last_name","extension","photo",
 *  "password","role","active"}; username and email are required, role
 * defaults to "agent" ("admin", "supervisor", "agent", "customer").
 * *out_json = {"user": {...}, "temporary_password": string or null}: without
 * a password the library makes a temporary one (shown once, null otherwise)
 * that must be changed before anything else (SB_EPASSWORDCHANGE until then).
 * SB_EEXISTS for a taken username (in the organisation) or email. */
SB_EXTERN int sb_user_create(sb_db* db, char** out_json, const char* token,
                             const char* fields_json);

/* Edits a user (fields_json as for sb_user_create without "password";
 * absent fields are left alone). Admins edit anyone in their organisation;
 * other roles edit only themselves, and not their username, role or active
 * flag. Deactivating or changing the role ends the user's sessions.
 * *out_json = the user. */
SB_EXTERN int sb_user_update(sb_db* db, char** out_json, const char* token, int64_t user_id,
                             const char* fields_json);

/* *out_json = the user. Admins and supervisors read anyone in their
 * organisation, other roles only themselves (SB_EFORBIDDEN). SB_ENOTFOUND
 * for a user of another organisation. */
SB_EXTERN int sb_user_get(sb_db* db, char** out_json, const char* token, int64_t user_id);

/* Admins and supervisors: the users of the caller's organisation, newest
 * first. query_json (NULL or "" for everything): {"filters": {"field":
 * "value", ...}, "count": n, "offset": n, "search": "..."}; filters name
 * fields of the user record (an unknown one is SB_EINVALID naming it).
 * *out_json = {"total": matching users, "items": [user ...]}. */
SB_EXTERN int sb_user_list(sb_db* db, char** out_json, const char* token,
                           const char* query_json);

/* Admins: deactivates a user; their tokens stop working and they cannot sign
 * in. (The same as sb_user_update with {"active": false}.) */
SB_EXTERN int sb_user_deactivate(sb_db* db, const char* token, int64_t user_id);

/* ------------------------------------------------------------ user exports
 *
 * CSV and pivot reports of users (see "CSV and pivot reports" in
 * switchboard_base.h). */

/* Admins and supervisors: the users of sb_user_list as CSV, to a sink. */
SB_EXTERN int sb_user_export_csv(sb_db* db, sb_csv_sink sink, void* sink_data, const char* token,
                                 const char* query_json);

/* As sb_user_export_csv; *out_csv = the whole CSV text (free with sb_free()). */
SB_EXTERN int sb_user_export_csv_string(sb_db* db, char** out_csv, const char* token,
                                        const char* query_json);

/* Admins and supervisors: a pivot report of users; group fields "role" and
 * "active". *out_json = the report (free with sb_free()). */
SB_EXTERN int sb_user_report(sb_db* db, char** out_json, const char* token, const char* query_json,
                             const char* xaxis_csv, const char* yaxis_csv);

/* ------------------------------------------------------------- organisations */

/* Admins and supervisors: *out_json = the caller's organisation (OctaPy
 * profile, standards and constraints). */
SB_EXTERN int sb_org_get(sb_db* db, char** out_json, const char* token);

/* Admins: changes the organisation's settings, all or nothing. patch_json: any
 * of {"company_name","email","contact_number","password","current_password",
 * "silence_len_ms","interruption_len_ms","list_by","expected_tickets_daily",
 * "expected_tickets_weekly","expected_tickets_monthly","min_call_len_s",
 * "max_call_len_s"}; "password" (the admin's own) needs "current_password",
 * else SB_ECREDENTIALS "password didn't match, please try again".
 * *out_json = the organisation after the change. */
SB_EXTERN int sb_org_modify(sb_db* db, char** out_json, const char* token,
                            const char* patch_json);

/* Creates a platform operator (no token: this is how an installation is
 * bootstrapped by whoever holds the database). *out_json = the user. */
SB_EXTERN int sb_operator_create(sb_db* db, char** out_json, const char* username,
                                 const char* email, const char* password);

/* Operator only: *out_json = {"total","items":[organisation ...]}; query_json
 * as for sb_user_list. */
SB_EXTERN int sb_org_list(sb_db* db, char** out_json, const char* token,
                          const char* query_json);

/* Operator only: *out_json = the organisation org_id. */
SB_EXTERN int sb_org_get_by_id(sb_db* db, char** out_json, const char* token, int64_t org_id);

/* Operator only: changes organisation org_id (patch_json as for
 * sb_org_modify). *out_json = the organisation after the change. */
SB_EXTERN int sb_org_modify_by_id(sb_db* db, char** out_json, const char* token,
                                  int64_t org_id, const char* patch_json);

/* ------------------------------------------------------------ developer keys */

/* Developer keys are managed by admins. */

/* Adds a developer key for `username`. *out_json = {"key": {devkey},
 * "pass_key"}: the full key (32 characters) is shown once; later lists show
 * a hint ("..." and its last four characters).
 * devkey = {"id","username","pass_key_hint","active","created_ms","updated_ms"}.
 * SB_EEXISTS when the username already has a key. */
SB_EXTERN int sb_devkey_add(sb_db* db, char** out_json, const char* token,
                            const char* username);

/* *out_json = [devkey ...] of the caller's organisation. */
SB_EXTERN int sb_devkey_list(sb_db* db, char** out_json, const char* token);

/* Activates (active != 0) or deactivates a key; deactivating ends its dev
 * tokens. *out_json = the devkey. SB_ENOTFOUND "username isn't found". */
SB_EXTERN int sb_devkey_set_active(sb_db* db, char** out_json, const char* token,
                                   const char* username, int active);

/* Deletes a key and its dev tokens. SB_ENOTFOUND for an unknown username. */
SB_EXTERN int sb_devkey_delete(sb_db* db, const char* token, const char* username);

/* ------------------------------------------------------- activity and outbox */

/* Admins and supervisors: the organisation's activity log, newest first (the
 * platform operator reads the platform's own entries).
 * query_json as for sb_user_list; filters "time" ("A to B"), "endpoint"
 * (exact, or a prefix ending in '*'), "status" ("OK"/"KO"), "actor".
 * *out_json = {"total","items":[{"id","org_id","user_id","actor","endpoint",
 * "time_ms","ok","summary"} ...]}. Calls through this API are logged with
 * the C function's name as endpoint ("sb_user_create"). */
SB_EXTERN int sb_activity_list(sb_db* db, char** out_json, const char* token,
                               const char* query_json);

/* The emails the library has written (verification keys, reset codes), for
 * the mail sender. to_address NULL or "" gives all.
 * *out_json = [{"id","org_id","to","subject","body","kind","created_ms",
 * "sent_ms"} ...], oldest first; kind is "verify" or "reset"; sent_ms is 0
 * until the email is marked sent.
 * No token: whoever holds the database reads its outbox. */
SB_EXTERN int sb_outbox_list(sb_db* db, char** out_json, const char* to_address);

/* The mail sender's receipt for email `id`: stamps it sent and clears its
 * body (the one-time key or code). *out_json = the email as it now is;
 * marking it again answers it unchanged. SB_ENOTFOUND for an id the outbox
 * does not hold, SB_EINVALID for an id below 1. */
SB_EXTERN int sb_outbox_mark_sent(sb_db* db, char** out_json, int64_t id);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* SWITCHBOARD_ACCOUNTS_H */
