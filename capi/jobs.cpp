// The C API of jobs and events (switchboard_jobs.h): thin translations.
#include <chrono>

#include "capi_internal.hpp"
#include "switchboard/json.hpp"

using namespace switchboard;
using namespace switchboard::capi;

extern "C" {

SB_EXTERN int sb_jobs_list(sb_db* db, char** out_json, const char* token, const char* query_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = any_principal(db, token, "sb_jobs_list");
        const ListQuery q = json::list_query_from_json(optional_text(query_json));
        *out_json = to_c_string(to_json(db->core.jobs().list(who, q)));
    });
}

SB_EXTERN int sb_jobs_get(sb_db* db, char** out_json, const char* token, int64_t job_id) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = any_principal(db, token, "sb_jobs_get");
        *out_json = to_c_string(to_json(db->core.jobs().get(who, job_id)));
    });
}

SB_EXTERN int sb_jobs_counts(sb_db* db, char** out_json, const char* token) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = any_principal(db, token, "sb_jobs_counts");
        *out_json = to_c_string(to_json(db->core.jobs().counts(who)));
    });
}

SB_EXTERN int sb_jobs_drain(sb_db* db, int64_t timeout_ms) {
    return guard([&] {
        require(db, "db");
        if (timeout_ms < 0) throw Error(ErrorCode::invalid_argument, "timeout_ms must be 0 or more", "timeout_ms");
        if (!db->core.jobs().drain(std::chrono::milliseconds(timeout_ms)))
            throw Error(ErrorCode::busy, "jobs are still queued or running", "jobs");
    });
}

SB_EXTERN int sb_events_read(sb_db* db, char** out_json, const char* token, int64_t after_seq, int limit,
                             int64_t wait_ms) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = any_principal(db, token, "sb_events_read");
        const EventBatch b = db->core.events().read(who, after_seq, limit, std::chrono::milliseconds(wait_ms));
        *out_json = to_c_string(to_json(b));
    });
}

SB_EXTERN int sb_events_last_seq(sb_db* db, int64_t* out, const char* token) {
    if (out != nullptr) *out = 0;
    return guard([&] {
        require(db, "db");
        require(out, "out");
        *out = db->core.events().last_seq(any_principal(db, token, "sb_events_last_seq"));
    });
}

}  // extern "C"
