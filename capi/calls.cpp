// Calls, recordings, QA scorecards and the helpline statistics through the
// C API.
#include <string>

#include "capi_internal.hpp"
#include "switchboard/json.hpp"

using namespace switchboard;
using namespace switchboard::capi;

extern "C" {

// ---------------------------------------------------------------- calls

SB_EXTERN int sb_call_create(sb_db* db, char** out_json, const char* token, const char* fields_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_call_create");
        const CallFields fields = json::call_fields_from_json(text(fields_json, "fields_json"));
        *out_json = to_c_string(json::to_json(db->core.calls().create_call(who, fields)));
    });
}

SB_EXTERN int sb_call_get(sb_db* db, char** out_json, const char* token, int64_t call_id) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_call_get");
        *out_json = to_c_string(json::to_json(db->core.calls().get_call(who, call_id)));
    });
}

SB_EXTERN int sb_call_list(sb_db* db, char** out_json, const char* token, const char* query_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_call_list");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        *out_json = to_c_string(json::to_json(db->core.calls().list_calls(who, query)));
    });
}

SB_EXTERN int sb_call_export_csv(sb_db* db, sb_csv_sink sink, void* sink_data, const char* token,
                                 const char* query_json) {
    return guard([&] {
        require(db, "db");
        const CsvSink out = c_sink(sink, sink_data);
        const Principal who = principal(db, token, "sb_call_export_csv");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        db->core.calls().export_calls_csv(who, query, out);
    });
}

SB_EXTERN int sb_call_export_csv_string(sb_db* db, char** out_csv, const char* token, const char* query_json) {
    reset_out(out_csv);
    return guard([&] {
        require(db, "db");
        require(out_csv, "out_csv");
        const Principal who = principal(db, token, "sb_call_export_csv_string");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        *out_csv = csv_string([&](const CsvSink& sink) { db->core.calls().export_calls_csv(who, query, sink); });
    });
}

SB_EXTERN int sb_call_report(sb_db* db, char** out_json, const char* token, const char* query_json,
                             const char* xaxis_csv, const char* yaxis_csv) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_call_report");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        *out_json = to_c_string(
            json::to_json(db->core.calls().report_calls(who, query, axis_list(xaxis_csv), axis_list(yaxis_csv))));
    });
}

SB_EXTERN int sb_call_attach_recording(sb_db* db, char** out_json, const char* token, int64_t call_id,
                                       int64_t file_id) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_call_attach_recording");
        *out_json = to_c_string(json::to_json(db->core.calls().attach_recording(who, call_id, file_id)));
    });
}

SB_EXTERN int sb_call_recording(sb_db* db, char** out_json, const char* token, int64_t call_id) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_call_recording");
        *out_json = to_c_string(json::to_json(db->core.calls().recording(who, call_id)));
    });
}

// ---------------------------------------------------------------- QA

SB_EXTERN int sb_qa_create(sb_db* db, char** out_json, const char* token, const char* fields_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_qa_create");
        const QaFields fields = json::qa_fields_from_json(text(fields_json, "fields_json"));
        *out_json = to_c_string(json::to_json(db->core.calls().create_qa(who, fields)));
    });
}

SB_EXTERN int sb_qa_get(sb_db* db, char** out_json, const char* token, int64_t qa_id) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_qa_get");
        *out_json = to_c_string(json::to_json(db->core.calls().get_qa(who, qa_id)));
    });
}

SB_EXTERN int sb_qa_list(sb_db* db, char** out_json, const char* token, const char* query_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_qa_list");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        *out_json = to_c_string(json::to_json(db->core.calls().list_qa(who, query)));
    });
}

SB_EXTERN int sb_qa_export_csv(sb_db* db, sb_csv_sink sink, void* sink_data, const char* token,
                               const char* query_json) {
    return guard([&] {
        require(db, "db");
        const CsvSink out = c_sink(sink, sink_data);
        const Principal who = principal(db, token, "sb_qa_export_csv");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        db->core.calls().export_qa_csv(who, query, out);
    });
}

SB_EXTERN int sb_qa_export_csv_string(sb_db* db, char** out_csv, const char* token, const char* query_json) {
    reset_out(out_csv);
    return guard([&] {
        require(db, "db");
        require(out_csv, "out_csv");
        const Principal who = principal(db, token, "sb_qa_export_csv_string");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        *out_csv = csv_string([&](const CsvSink& sink) { db->core.calls().export_qa_csv(who, query, sink); });
    });
}

SB_EXTERN int sb_qa_report(sb_db* db, char** out_json, const char* token, const char* query_json,
                           const char* xaxis_csv, const char* yaxis_csv) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_qa_report");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        *out_json = to_c_string(
            json::to_json(db->core.calls().report_qa(who, query, axis_list(xaxis_csv), axis_list(yaxis_csv))));
    });
}

// ---------------------------------------------------------------- statistics

SB_EXTERN int sb_calls_stats(sb_db* db, char** out_json, const char* token, int64_t from_ms, int64_t to_ms) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_calls_stats");
        *out_json = to_c_string(json::to_json(db->core.calls().stats(who, from_ms, to_ms)));
    });
}

}  // extern "C"
