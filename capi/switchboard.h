/*
 * switchboard.h: the C API of switchboard.
 *
 * The whole C interface of the library comes with this one header (the audio
 * analysis part is declared in switchboard_analysis.h, which it includes). It
 * is C99 and C++ compatible and depends on <stddef.h> and <stdint.h> only.
 *
 * Conventions
 * -----------
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

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#  if defined(SB_BUILDING_LIBRARY)
#    define SB_EXTERN __declspec(dllexport)
#  else
#    define SB_EXTERN __declspec(dllimport)
#  endif
#elif defined(SB_BUILDING_LIBRARY) && (defined(__GNUC__) || defined(__clang__))
#  define SB_EXTERN __attribute__((visibility("default")))
#else
#  define SB_EXTERN
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ version */

#define SB_VERSION_MAJOR 0
#define SB_VERSION_MINOR 1
#define SB_VERSION_PATCH 0
#define SB_VERSION_STRING "0.1.0"

/* The version of the library that is linked, e.g. "0.1.0" (may differ from
 * SB_VERSION_STRING, the version of this header). Static; never NULL. */
SB_EXTERN const char* sb_version(void);

/* ------------------------------------------------------------------- errors */

/* Return codes. They map one to one onto switchboard::ErrorCode
 * (SB_EINVALID is -invalid_argument, ...); SB_ENOMEM and SB_ESTOPPED are the
 * C layer's own. */
typedef enum sb_error_code {
    SB_OK = 0,
    SB_EINVALID = -1,         /* the input is wrong; sb_last_error_field() names it */
    SB_ENOTFOUND = -2,        /* no such record (in the caller's organisation) */
    SB_EEXISTS = -3,          /* a unique value (username, email ...) is taken */
    SB_EUNAUTHORIZED = -4,    /* missing, unknown, expired or revoked token */
    SB_EFORBIDDEN = -5,       /* authenticated, but the role does not allow it */
    SB_ECREDENTIALS = -6,     /* sign-in or dev-token exchange refused */
    SB_EUNVERIFIED = -7,      /* the account's email address is not verified yet */
    SB_EPASSWORDCHANGE = -8,  /* a temporary password must be changed first */
    SB_ETOOLARGE = -9,        /* input over a configured limit */
    SB_ESCHEMA = -10,         /* the database was written by a newer switchboard */
    SB_ESTORAGE = -11,        /* the database or the file system failed */
    SB_EINTERNAL = -12,       /* a bug in switchboard: please report it */
    SB_ENOMEM = -13,          /* out of memory */
    SB_ESTOPPED = -14,        /* a callback of the caller (a CSV sink) returned non-zero */
    SB_EBUSY = -15            /* at a configured limit for now (a full job backlog): try again shortly */
} sb_error_code;

/* The message of the last failed call on this thread, or "no error" after a
 * successful one. Never NULL. Owned by the library: valid until the next
 * int-returning sb_* call on this thread; do not free. */
SB_EXTERN const char* sb_last_error(void);

/* The input field the last error concerns ("email", "password", "request",
 * ...), or "" when none. Never NULL; same lifetime as sb_last_error(). */
SB_EXTERN const char* sb_last_error_field(void);

/* The code of the last call on this thread (SB_OK after a success). */
SB_EXTERN int sb_last_error_code(void);

/* A static name for a code: "SB_EINVALID", "SB_OK" ...; "SB_E?" for a value
 * that is not a code. Never NULL; do not free. */
SB_EXTERN const char* sb_error_name(int code);

/* ------------------------------------------------------------------- memory */

/* Releases a string returned by the library. Accepts NULL. */
SB_EXTERN void sb_free(void* p);

/* ------------------------------------------------------------------ options */

/* Accounts policy (mirrors switchboard::AccountsOptions). A field left 0
 * (or NULL) keeps the library's default; a negative value is refused. */
typedef struct sb_accounts_options {
    unsigned int version;                  /* SB_ACCOUNTS_OPTIONS_VERSION */
    unsigned long long pwhash_opslimit;    /* Argon2id passes; default 2 */
    size_t pwhash_memlimit;                /* Argon2id memory in bytes; default 64 MiB */
    int64_t session_idle_ms;               /* default 1 hour */
    int64_t session_absolute_ms;           /* default 12 hours */
    int64_t dev_token_absolute_ms;         /* default 30 days */
    int64_t verification_ttl_ms;           /* default 48 hours */
    int64_t reset_code_ttl_ms;             /* default 15 minutes */
    int reset_code_max_attempts;           /* default 5 */
    int max_failed_sign_ins;               /* failures before the account locks; default 5 */
    int64_t failed_window_ms;              /* failures older than this are forgotten; default 15 min */
    int64_t lockout_ms;                    /* default 15 minutes */
    int list_default_count;                /* page size when a query gives none; default 50 */
    int list_max_count;                    /* largest page; default 1000 */
    const char* public_url;                /* base of links in emails; copied at open */
} sb_accounts_options;

#define SB_ACCOUNTS_OPTIONS_VERSION 1
#define SB_ACCOUNTS_OPTIONS_INIT \
    { SB_ACCOUNTS_OPTIONS_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL }

/* Sets *opts to the defaults of the given version (SB_ACCOUNTS_OPTIONS_VERSION).
 * SB_EINVALID for a NULL opts or a version this library does not know. */
SB_EXTERN int sb_accounts_options_init(sb_accounts_options* opts, unsigned int version);

/* How a database is opened. 0 fields keep the defaults.
 *
 * Version 2 added files_dir and max_file_bytes at the end. A program built
 * against a version 1 header passes a version 1 struct (which ends after
 * `accounts`); the library reads only the fields of the version it is given,
 * so such a struct opens a database with the defaults of the later fields. */
typedef struct sb_db_options {
    unsigned int version;             /* SB_DB_OPTIONS_VERSION */
    int busy_timeout_ms;              /* wait for another process's write lock; default 5000 */
    int reader_connections;           /* reader pool size; default 4 */
    int synchronous_full;             /* non-zero: fsync every commit (survives power loss) */
    int must_exist;                   /* non-zero: SB_ENOTFOUND instead of creating the file */
    sb_accounts_options accounts;     /* accounts policy for this handle */
    /* version 2 */
    const char* files_dir;            /* where uploaded files live; NULL: "<directory of the
                                         database file>/files" (a ":memory:" database has
                                         none: file calls then fail with SB_EINVALID naming
                                         "files_dir"). Copied at open; created on first use. */
    int64_t max_file_bytes;           /* largest upload; default 50 MiB */
} sb_db_options;

#define SB_DB_OPTIONS_VERSION 2
#define SB_DB_OPTIONS_INIT \
    { SB_DB_OPTIONS_VERSION, 0, 0, 0, 0, SB_ACCOUNTS_OPTIONS_INIT, NULL, 0 }

/* Sets *opts (and opts->accounts) to the defaults of the given version
 * (1 or SB_DB_OPTIONS_VERSION), writing only the fields of that version: a
 * version 1 struct is not written past its end. SB_EINVALID for a NULL opts
 * or an unknown version. */
SB_EXTERN int sb_db_options_init(sb_db_options* opts, unsigned int version);

/* --------------------------------------------------------------- database */

/* An open database with its services: accounts, activity log, cases, calls
 * and files. */
typedef struct sb_db sb_db;

/* Opens (creating and migrating as needed) the database at `path`; ":memory:"
 * gives a private in-memory database. `opts` may be NULL for the defaults; it
 * is read during the call only.
 * On success *out is a handle the caller closes with sb_db_close(); on failure
 * *out is NULL. SB_ESCHEMA when the file was written by a newer switchboard,
 * SB_ESTORAGE when it cannot be opened, SB_ENOTFOUND with must_exist. */
SB_EXTERN int sb_db_open(sb_db** out, const char* path, const sb_db_options* opts);

/* Closes the handle and frees it. Accepts NULL. */
SB_EXTERN int sb_db_close(sb_db* db);

/* *out = the schema version of the open database. */
SB_EXTERN int sb_db_schema_version(sb_db* db, int* out);

/* *out = the newest schema version this library writes. */
SB_EXTERN int sb_db_latest_schema_version(int* out);

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

/* ------------------------------------------------------- CSV and pivot reports
 *
 * The list functions of users, tickets, calls and QA scorecards come with a
 * CSV export and a pivot report over the same selection (query_json as for
 * sb_user_list; NULL or "" for everything).
 *
 * CSV (RFC 4180): a header row first, CRLF line ends, UTF-8. A cell that
 * starts with '=', '+', '-' or '@' is written with a leading single quote
 * (inside quotes: "'=SUM(A1)") so that a spreadsheet shows it as text.
 * count and offset apply when the query gives them; otherwise the export
 * holds every matching record.
 *
 * The *_export_csv functions stream the text to a sink in pieces as it is
 * produced: sink(data, chunk, len) with `chunk` valid during that call only
 * and not NUL-terminated. The sink returns 0 to go on; any other value stops
 * the export, and the function returns SB_ESTOPPED ("the sink stopped the
 * export (it returned N)", field "sink"). The sink runs on the calling thread
 * while the library holds a database connection: it must not call back into
 * the library with the same sb_db, throw or longjmp.
 * The *_export_csv_string variants return the whole text instead, in
 * *out_csv (free with sb_free()).
 *
 * Pivot reports count the selected records grouped by the xaxis fields, then
 * the yaxis fields, each given as a comma-separated list ("status,priority";
 * NULL or "" for none; spaces around names are ignored). An unknown group
 * field is SB_EINVALID naming it. *out_json = {"xaxis": [...], "yaxis": [...],
 * "total": n, "rows": [{"keys": ["open", "high"], "count": n} ...]}, rows
 * ordered by their keys; without any group field there is one row with no
 * keys holding the total.
 */

/* Receives a piece of CSV text; returns 0 to continue, non-zero to stop. */
typedef int (*sb_csv_sink)(void* data, const char* chunk, size_t len);

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

/* ------------------------------------------------------------------- files
 *
 * Uploaded files (recordings, photos). Content lives under the files
 * directory (sb_db_options.files_dir) by its SHA-256, never under the name
 * given; the same content is stored once. Any role may upload; admins and
 * supervisors see every file of the organisation, others the files they
 * uploaded (SB_ENOTFOUND for the rest). Without a files directory (a
 * ":memory:" database and no files_dir) these calls fail with SB_EINVALID,
 * field "files_dir".
 *   file  {"id","name","mime","size","sha256","uploaded_by","created_ms"}
 */

/* Stores `len` bytes at `data` (borrowed for the call) as the file `name`
 * with the content type `mime` (NULL or "": "application/octet-stream").
 * *out_json = the file. SB_EINVALID (field "name") for an empty name, one with
 * '/', '\\', "..", a control character or over 255 bytes; (field "file") for
 * an empty file; SB_ETOOLARGE over max_file_bytes. data may be NULL only when
 * len is 0. */
SB_EXTERN int sb_file_upload(sb_db* db, char** out_json, const char* token, const char* name,
                             const char* mime, const void* data, size_t len);

/* *out_json = the file's record. */
SB_EXTERN int sb_file_info(sb_db* db, char** out_json, const char* token, int64_t file_id);

/* The file's bytes, checked against its SHA-256: *out_data (free with
 * sb_free()) holds *out_len bytes. On failure *out_data is NULL and *out_len 0.
 * SB_ESTORAGE when the content is missing or damaged. */
SB_EXTERN int sb_file_read(sb_db* db, void** out_data, size_t* out_len, const char* token,
                           int64_t file_id);

/* Up to `length` bytes of the file from byte `offset` (fewer at its end, none
 * from its end on), read without loading the rest; freed and returned as for
 * sb_file_read. The part is not checked against the SHA-256; the content must
 * have the file's size (SB_ESTORAGE otherwise). SB_EINVALID: an offset below 0
 * or past the end (field "offset"), a length below 0 (field "length"). */
SB_EXTERN int sb_file_read_range(sb_db* db, void** out_data, size_t* out_len, const char* token,
                                 int64_t file_id, int64_t offset, int64_t length);

/* The files the caller sees, newest first; filters id, name, mime, sha256,
 * uploaded_by, created_on. *out_json = {"total","items":[file ...]}. */
SB_EXTERN int sb_file_list(sb_db* db, char** out_json, const char* token,
                           const char* query_json);

/* ------------------------------------------------------------- calls and QA
 *
 * Admins and supervisors see every call of the organisation, an agent their
 * own; customers none (SB_EFORBIDDEN).
 *   call  {"id","direction","agent_id","queue","caller","start_ms","answer_ms",
 *          "end_ms","wait_s","talk_s","hold_s","hangup_status","qa_done",
 *          "activity_count","ticket_id","recording_file_id","created_ms"}
 *   qa    {"id","call_id","opening","holding","politeness","enthusiasm",
 *          "personalization","troubleshooting","listening","accuracy",
 *          "resolution","comments","recommendations","reviewer_id","reviewer",
 *          "created_ms","call_agent_id","call_direction"}
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

/* ------------------------------------------------------------ audio analysis
 *
 * The audio analysis engine (options, batch and streaming analysis, results
 * with accessors and as JSON) is declared in switchboard_analysis.h, which
 * comes with this header. */
#include "switchboard_analysis.h"
#include "switchboard_text.h"
#include "switchboard_jobs.h"

#endif /* SWITCHBOARD_H */
