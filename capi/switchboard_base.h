/*
 * switchboard_base.h: the base of the C API of switchboard.
 *
 * What every other part needs: the export macro, the version, the error
 * codes and the per-thread error state, sb_free(), the CSV sink of the
 * exports, the options of a database and the database handle itself. Every
 * area header includes it; a program includes switchboard.h, which includes
 * them all (the conventions are written at the top of switchboard.h).
 *
 * C99 and C++ compatible; depends on <stddef.h> and <stdint.h> only.
 */
#ifndef SWITCHBOARD_BASE_H
#define SWITCHBOARD_BASE_H

#include <stddef.h>
#include <stdint.h>

/* Marks the functions libswitchboard.so exports. */
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
#define SB_VERSION_MINOR 2
#define SB_VERSION_PATCH 0
#define SB_VERSION_STRING "0.2.0"

/* The version of the library that is linked, e.g. "0.2.0" (may differ from
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
    SB_EBUSY = -15,           /* at a configured limit for now (a full job backlog): try again shortly */
    SB_ECONFLICT = -16        /* the record's state does not allow it now (an agent on a call cannot log out) */
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

/* Accounts policy (mirrors switchboard::AccountsOptions), given to
 * sb_db_open() through sb_db_options.accounts. A field left 0 (or NULL) keeps
 * the library's default; a negative value is refused. Like sb_db_options, it
 * grows only at its end, each addition with a new version. */
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

/* How a database is opened (mirrors switchboard::SwitchboardOptions). A
 * field left 0 (or NULL) keeps the library's default; a negative value is
 * refused (SB_EINVALID naming the field), except where a field says what a
 * negative value means. Every pointer is read during sb_db_open() only: the
 * library copies what it keeps.
 *
 * Versions. The struct only grows at its end, each addition with a new
 * version number; the library reads only the fields of the version it is
 * given, so a program built against an older header (with a shorter struct)
 * keeps working, and a version this library does not know yet is refused
 * rather than read past its end.
 *   3  (switchboard 0.2) up to key_file. Versions 1 and 2 (switchboard 0.1)
 *      held the accounts options inline, so they could not grow; they are
 *      refused with SB_EINVALID (field "version") naming the version and
 *      CHANGELOG.md, which says what to change.
 *   4  adds the mail fields (smtp_url ... mail_fetch_ms).
 *   5  adds the call fields (stt ... hold_min_ms).
 *   6  adds record_cache_bytes. */
typedef struct sb_db_options {
    unsigned int version;             /* SB_DB_OPTIONS_VERSION */
    int busy_timeout_ms;              /* wait for another process's write lock; default 5000 */
    int reader_connections;           /* reader pool size; default 4 */
    int synchronous_full;             /* non-zero: fsync every commit (survives power loss) */
    int must_exist;                   /* non-zero: SB_ENOTFOUND instead of creating the file */
    const sb_accounts_options* accounts; /* accounts policy (it carries its own version);
                                         NULL: the defaults */
    const char* files_dir;            /* where uploaded files live; NULL: "<directory of the
                                         database file>/files" (a ":memory:" database has
                                         none: file calls then fail with SB_EINVALID naming
                                         "files_dir"). Created on first use. */
    int64_t max_file_bytes;           /* largest upload; default 50 MiB */
    /* background jobs (text analysis ...), run by the handle's worker threads */
    int job_workers;                  /* worker threads; 0: the default, 2; negative: none (a tool
                                         that only reads: jobs wait for a handle with workers) */
    int64_t job_lease_ms;             /* a job's claim, renewed while it runs; default 30000 (at
                                         least 100) */
    int job_max_attempts;             /* runs of a job before it fails for good; default 5 (1 to 100) */
    int64_t job_retry_backoff_ms;     /* wait before the second run, doubled for each further
                                         one (at most 5 minutes, or this value if larger);
                                         default 1000 */
    int64_t max_backlog_bytes;        /* job payload bytes waiting; past it new work is refused
                                         with SB_EBUSY; default 256 MiB */
    const char* key_file;             /* the key that seals job payloads; NULL: "<database
                                         path>.key" (created with mode 0600 on first open; keep
                                         it with the database), a key in memory for ":memory:" */
    /* version 4: mail out (switchboard_mail.h), the SMTP server of every
       organisation that has none of its own */
    const char* smtp_url;             /* "smtp://host:587" or "smtps://host:465"; NULL or "": nothing
                                         is sent, mails wait in the outbox, queued */
    const char* smtp_tls;             /* "starttls" (NULL: the default) or "none" (a server on this
                                         machine) */
    const char* smtp_username;        /* authentication: both or neither */
    const char* smtp_password;
    const char* smtp_from;            /* From of the mails; NULL: "switchboard
                                         <no-reply@switchboard.localhost>" */
    int64_t smtp_timeout_ms;          /* one SMTP session at most; default 30000 (1000 to 600000) */
    int mail_max_attempts;            /* SMTP sessions a mail is given before it fails for good;
                                         default 60 (1 to 1000) */
    int64_t mail_fetch_ms;            /* how often the organisations' IMAP mailboxes are read into
                                         tickets (switchboard_messages.h); 0: the default, 60000;
                                         negative: only when asked (sb_mailbox_fetch) */
    /* version 5: calls (switchboard_speech.h) */
    const char* stt;                  /* speech-to-text of recorded calls: "pocketsphinx" (Debian's
                                         en-us model, loaded at open) or NULL/"none": calls are
                                         analysed acoustically */
    const char* stt_preset;           /* "accurate", "balanced" (NULL: the default) or "fast" */
    double max_call_seconds;          /* longest call recording accepted; 0: the default, 7200 */
    int hold_min_ms;                  /* both parties silent this long is a hold; 0: the default, 10000 */
    /* version 6 */
    int64_t record_cache_bytes;       /* memory for records kept between reads (tickets read by id,
                                         forgotten when any process changes them); 0: the default,
                                         128 MiB; negative: none */
} sb_db_options;

#define SB_DB_OPTIONS_VERSION 6
#define SB_DB_OPTIONS_INIT                                                                                   \
    { SB_DB_OPTIONS_VERSION, 0, 0, 0, 0, NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, \
      NULL, NULL, 0, 0, 0 }

/* Sets *opts to the defaults of the given version (SB_DB_OPTIONS_VERSION),
 * writing only the fields of that version; opts->accounts becomes NULL (the
 * defaults). SB_EINVALID (field "version") for a NULL opts, a version this
 * library does not know, or one of the refused versions 1 and 2 (nothing is
 * written then). */
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

/* The tickets this handle keeps in memory between reads (record_cache_bytes):
 * reads by id that found the ticket kept (hits) or not (misses) since the
 * handle was opened, the tickets kept, their memory and the budget, in
 * bytes. All zero for a handle that keeps none. */
typedef struct sb_record_cache_stats {
    uint64_t hits, misses;
    uint64_t records;
    uint64_t bytes, max_bytes;
} sb_record_cache_stats;

/* *out = the handle's figures. SB_EINVALID for a NULL db or out. */
SB_EXTERN int sb_db_record_cache_stats(sb_db* db, sb_record_cache_stats* out);

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

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* SWITCHBOARD_BASE_H */
