// Categories, tickets, their history and conversations through the C API.
#include <string>

#include "capi_internal.hpp"
#include "switchboard/json.hpp"

using namespace switchboard;
using namespace switchboard::capi;

extern "C" {

// ---------------------------------------------------------------- categories

SB_EXTERN int sb_category_add(sb_db* db, char** out_json, const char* token, const char* name, int64_t parent_id) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_category_add");
        *out_json = to_c_string(json::to_json(db->core.cases().add_category(who, text(name, "name"), parent_id)));
    });
}

SB_EXTERN int sb_category_list(sb_db* db, char** out_json, const char* token) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_category_list");
        *out_json = to_c_string(json::to_json(db->core.cases().list_categories(who)));
    });
}

// ---------------------------------------------------------------- tickets

SB_EXTERN int sb_ticket_create(sb_db* db, char** out_json, const char* token, const char* fields_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_ticket_create");
        const TicketFields fields = json::ticket_fields_from_json(text(fields_json, "fields_json"));
        *out_json = to_c_string(json::to_json(db->core.cases().create_ticket(who, fields)));
    });
}

SB_EXTERN int sb_ticket_update(sb_db* db, char** out_json, const char* token, int64_t ticket_id,
                               const char* fields_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_ticket_update");
        const TicketFields fields = json::ticket_fields_from_json(text(fields_json, "fields_json"));
        *out_json = to_c_string(json::to_json(db->core.cases().update_ticket(who, ticket_id, fields)));
    });
}

SB_EXTERN int sb_ticket_get(sb_db* db, char** out_json, const char* token, int64_t ticket_id) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_ticket_get");
        *out_json = to_c_string(json::to_json(db->core.cases().get_ticket(who, ticket_id)));
    });
}

SB_EXTERN int sb_ticket_list(sb_db* db, char** out_json, const char* token, const char* query_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_ticket_list");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        *out_json = to_c_string(json::to_json(db->core.cases().list_tickets(who, query)));
    });
}

SB_EXTERN int sb_ticket_export_csv(sb_db* db, sb_csv_sink sink, void* sink_data, const char* token,
                                   const char* query_json) {
    return guard([&] {
        require(db, "db");
        const CsvSink out = c_sink(sink, sink_data);
        const Principal who = principal(db, token, "sb_ticket_export_csv");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        db->core.cases().export_tickets_csv(who, query, out);
    });
}

SB_EXTERN int sb_ticket_export_csv_string(sb_db* db, char** out_csv, const char* token, const char* query_json) {
    reset_out(out_csv);
    return guard([&] {
        require(db, "db");
        require(out_csv, "out_csv");
        const Principal who = principal(db, token, "sb_ticket_export_csv_string");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        *out_csv = csv_string([&](const CsvSink& sink) { db->core.cases().export_tickets_csv(who, query, sink); });
    });
}

SB_EXTERN int sb_ticket_report(sb_db* db, char** out_json, const char* token, const char* query_json,
                               const char* xaxis_csv, const char* yaxis_csv) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_ticket_report");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        *out_json = to_c_string(
            json::to_json(db->core.cases().report_tickets(who, query, axis_list(xaxis_csv), axis_list(yaxis_csv))));
    });
}

SB_EXTERN int sb_ticket_history(sb_db* db, char** out_json, const char* token, int64_t ticket_id) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_ticket_history");
        *out_json = to_c_string(json::to_json(db->core.cases().ticket_history(who, ticket_id)));
    });
}

SB_EXTERN int sb_ticket_assign(sb_db* db, char** out_json, const char* token, int64_t ticket_id, int64_t agent_id) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_ticket_assign");
        *out_json = to_c_string(json::to_json(db->core.cases().assign_ticket(who, ticket_id, agent_id)));
    });
}

SB_EXTERN int sb_ticket_close(sb_db* db, char** out_json, const char* token, int64_t ticket_id) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_ticket_close");
        *out_json = to_c_string(json::to_json(db->core.cases().close_ticket(who, ticket_id)));
    });
}

// ---------------------------------------------------------------- conversation

SB_EXTERN int sb_ticket_message_post(sb_db* db, char** out_json, const char* token, int64_t ticket_id,
                                     const char* body) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_ticket_message_post");
        *out_json = to_c_string(json::to_json(db->core.cases().post_message(who, ticket_id, text(body, "body"))));
    });
}

SB_EXTERN int sb_ticket_message_list(sb_db* db, char** out_json, const char* token, int64_t ticket_id) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_ticket_message_list");
        *out_json = to_c_string(json::to_json(db->core.cases().list_messages(who, ticket_id)));
    });
}

}  // extern "C"
