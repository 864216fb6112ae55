/* switchboard C API: durable background jobs and events. Included by
 * switchboard.h; includable on its own. docs/c-api.md ("Jobs and events")
 * describes them; the C++ side is include/switchboard/jobs.hpp and events.hpp.
 *
 * Ownership: every char** output is NULL on failure and, on success, a
 * string from the library that the caller frees with sb_free(). */
#ifndef SWITCHBOARD_JOBS_H
#define SWITCHBOARD_JOBS_H

#include <stdint.h>

#include "switchboard_base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* -------------------------------------------------------------------- jobs */

/* Work that outlives a request (analysing a text, later sending a mail) is a
 * job in the database, run by the handle's workers: claimed under a lease,
 * retried with backoff, picked up again after a crash. These read them.
 * Every reader takes a developer token, or the access token of an admin or
 * a supervisor (the one rule for report readers). */

/* A page of the organisation's jobs, newest first. query_json: {"filters":
 * {"state": "failed", "kind": "text_analysis", "subject": ..., "id": ...,
 * "created_on": "A to B", "updated_on": ...}, "count", "offset", "search"}
 * (NULL or "" for all). *out_json = {"total", "items": [job ...]}, a job
 * being {"id", "kind", "subject", "state", "attempts", "max_attempts",
 * "run_after_ms", "lease_owner", "lease_expires_ms", "last_error",
 * "payload_bytes", "created_ms", "updated_ms", "finished_ms"}. */
SB_EXTERN int sb_jobs_list(sb_db* db, char** out_json, const char* token, const char* query_json);
/* One job. SB_ENOTFOUND (field "id") for a job that is not the caller's
 * organisation's. */
SB_EXTERN int sb_jobs_get(sb_db* db, char** out_json, const char* token, int64_t job_id);
/* *out_json = {"queued", "running", "done", "failed"}: the organisation's jobs by state. */
SB_EXTERN int sb_jobs_counts(sb_db* db, char** out_json, const char* token);
/* Waits up to timeout_ms (0: only looks) until no job of the database, of
 * any organisation and queued by any handle, is queued or running. No token:
 * whoever holds the database may wait. SB_OK when none is; SB_EBUSY "jobs
 * are still queued or running" (field "jobs") when some still are; a
 * handle opened with job_workers < 0 runs none itself. SB_EINVALID for a
 * negative timeout_ms. */
SB_EXTERN int sb_jobs_drain(sb_db* db, int64_t timeout_ms);

/* ------------------------------------------------------------------ events */

/* The organisation's events after after_seq that the token may see (a
 * customer the events of their own tickets, an agent those of the tickets
 * assigned to them; admins and supervisors everything; developer tokens
 * interaction and job events), at most `limit` (1 to 1000), waiting up to
 * wait_ms (0 to 600000) for one when there is none yet. after_seq 0 starts
 * at the oldest kept. *out_json = {"events": [{"seq", "org_id", "type",
 * "time_ms", "subject", "data": {...}}], "last_seq", "gap"}; resume after
 * last_seq. gap is true when events after after_seq were already removed
 * (older than the retention window). */
SB_EXTERN int sb_events_read(sb_db* db, char** out_json, const char* token, int64_t after_seq, int limit,
                             int64_t wait_ms);
/* *out = the last seq of the organisation's events (0 when none yet): read
 * after it to see only what happens from now on. */
SB_EXTERN int sb_events_last_seq(sb_db* db, int64_t* out, const char* token);

#ifdef __cplusplus
}
#endif

#endif /* SWITCHBOARD_JOBS_H */
