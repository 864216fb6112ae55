/* switchboard C API: text analysis, the organisations' phrase pools and text
 * interactions (Ricket ids). Included by switchboard.h; includable on its
 * own. See docs/interactions.md and docs/text.md.
 *
 * Ownership: every char** output is NULL on failure and, on success, a
 * string from the library that the caller frees with sb_free(). */
#ifndef SWITCHBOARD_TEXT_H
#define SWITCHBOARD_TEXT_H

#include <stddef.h>

#include "switchboard_base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ analysis */

/* The text analysis options (mirrors switchboard::TextOptions). Start from
 * SB_TEXT_OPTIONS_INIT or sb_text_options_init() and change what you need. */
typedef struct sb_text_options {
    unsigned int version;  /* SB_TEXT_OPTIONS_VERSION */
    size_t max_bytes;      /* longest text accepted; default 1 MiB (longer: SB_ETOOLARGE) */
    int promises;          /* non-zero (default): find promises */
    int pci;               /* non-zero (default): find and mask card data */
    int mask_expiry;       /* non-zero: mask every expiry date; one next to a card number is masked either way */
    const char* speaker;   /* copied to promises; NULL (default) for none */
    const char* pci_pool;  /* PCI findings are also findings of this pool; NULL: "Critical Info", "": none */
    size_t max_findings;   /* default 10000 */
} sb_text_options;

#define SB_TEXT_OPTIONS_VERSION 1
#define SB_TEXT_OPTIONS_INIT { SB_TEXT_OPTIONS_VERSION, 1048576, 1, 1, 0, NULL, NULL, 10000 }

/* Sets *opts to the defaults of the given version (SB_TEXT_OPTIONS_VERSION).
 * SB_EINVALID for a NULL opts or a version this library does not know. */
SB_EXTERN int sb_text_options_init(sb_text_options* opts, unsigned int version);

/* Analyses a text with the default pools, storing nothing. opts may be NULL
 * (the defaults). *out_json = {"findings", "promises", "redacted_text",
 * "pci", "truncated"}, offsets in characters of redacted_text. An empty,
 * blank or non-UTF-8 text is SB_EINVALID (field "text"). */
SB_EXTERN int sb_text_analyze(char** out_json, const char* text, const sb_text_options* opts);

/* ------------------------------------------------------------------ pools */

/* The organisation's pool entries: [{"pool", "text", "regex", "built_in"}].
 * An access token of an admin or supervisor, or a developer token. */
SB_EXTERN int sb_pools_list(sb_db* db, char** out_json, const char* token);
/* Adds a phrase (regex = 0) or a regular expression (regex != 0) to a pool,
 * creating the pool when new. Admins. *out_json = the entry. A refused entry
 * (SB_EINVALID naming "pool", "phrase" or "regex", with Hyperscan's reason
 * for a regular expression) changes nothing. */
SB_EXTERN int sb_pools_add(sb_db* db, char** out_json, const char* token, const char* pool, const char* text,
                           int regex);
/* Removes an entry, built-in ones too. Admins. SB_ENOTFOUND when the pool has
 * no such entry. */
SB_EXTERN int sb_pools_remove(sb_db* db, const char* token, const char* pool, const char* text);
/* Back to the built-in pools. Admins. */
SB_EXTERN int sb_pools_reset(sb_db* db, const char* token);

/* ------------------------------------------------------------------ interactions */

/* Records a text interaction (OctaPy POST /record/text) with a developer
 * token (any other token is SB_EUNAUTHORIZED). fields_json:
 * {"text" (required), "department", "agent_id", "client_id", "ticket_no"}.
 * Returns at once; *out_json = the interaction, "status": "pending", with
 * its "ricket". The analysis runs as a job on the worker threads of a handle
 * (sb_db_options.job_workers; see switchboard_jobs.h). SB_EBUSY (field
 * "queue") when the job backlog is full (sb_db_options.max_backlog_bytes):
 * nothing is stored, try again shortly. */
SB_EXTERN int sb_text_record(sb_db* db, char** out_json, const char* token, const char* fields_json);
/* The interaction and, once "status" is "ready", its "analysis" (OctaPy
 * GET /report/{Ricket}). A developer token, or an access token of an admin
 * or supervisor. SB_ENOTFOUND (field "ricket") for an unknown Ricket or one
 * of another organisation. */
SB_EXTERN int sb_text_report(sb_db* db, char** out_json, const char* token, const char* ricket);
/* Waits (up to 60 s) until no job of the database is queued or running: every
 * text recorded so far analysed. SB_EBUSY when jobs still wait then
 * (sb_jobs_drain takes a timeout). */
SB_EXTERN int sb_text_drain(sb_db* db);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* SWITCHBOARD_TEXT_H */
