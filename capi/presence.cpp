// C API: agent presence and call queues (switchboard_presence.h): thin
// translations of switchboard::Presence.
#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capi_internal.hpp"
#include "switchboard/json.hpp"
#include "switchboard/presence.hpp"
#include "switchboard_presence.h"

using namespace switchboard;
using namespace switchboard::capi;

namespace {

// The queue names of sb_presence_set_agent_queues: a JSON array of strings.
std::vector<std::string> queue_names(std::string_view text) {
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(text, ec);
    if (ec) throw Error(ErrorCode::invalid_argument, "malformed JSON: " + ec.message(), "queues");
    if (!v.is_array()) throw Error(ErrorCode::invalid_argument, "queues must be a JSON array of queue names", "queues");
    std::vector<std::string> names;
    for (const auto& item : v.as_array()) {
        if (!item.is_string())
            throw Error(ErrorCode::invalid_argument, "queues must be a JSON array of queue names", "queues");
        names.emplace_back(item.as_string());
    }
    return names;
}

// -1: not given; 0, 1: denied, granted.
std::optional<bool> mic(int value) {
    if (value == -1) return std::nullopt;
    if (value == 0 || value == 1) return value == 1;
    throw Error(ErrorCode::invalid_argument,
                "mic_permission must be -1 (not known), 0 (denied) or 1 (granted), not " + std::to_string(value),
                "mic_permission");
}

// The shape shared by the functions that answer the caller's status.
template <class F>
int status_call(sb_db* db, char** out_json, const char* token, const char* endpoint, F&& change) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, endpoint);
        *out_json = to_c_string(to_json(change(db->core.presence(), who)));
    });
}

}  // namespace

extern "C" {

// ---------------------------------------------------------------- settings

SB_EXTERN int sb_presence_settings(sb_db* db, char** out_json, const char* token) {
    return status_call(db, out_json, token, "sb_presence_settings",
                       [](Presence& p, const Principal& who) { return p.settings(who); });
}

SB_EXTERN int sb_presence_set_settings(sb_db* db, char** out_json, const char* token, const char* settings_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_presence_set_settings");
        const std::string_view fields = text(settings_json, "settings_json");
        // The keys not given keep their current values.
        const PresenceSettingsPatch patch = presence_settings_patch_from_json(fields);
        *out_json = to_c_string(to_json(db->core.presence().change_settings(who, patch)));
    });
}

SB_EXTERN int sb_presence_queues(sb_db* db, char** out_json, const char* token) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_presence_queues");
        *out_json = to_c_string(to_json(db->core.presence().queues(who)));
    });
}

SB_EXTERN int sb_presence_put_queue(sb_db* db, char** out_json, const char* token, const char* queue_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_presence_put_queue");
        const QueueSettings q = queue_settings_from_json(text(queue_json, "queue_json"));
        *out_json = to_c_string(to_json(db->core.presence().put_queue(who, q)));
    });
}

SB_EXTERN int sb_presence_delete_queue(sb_db* db, const char* token, const char* name) {
    return guard([&] {
        require(db, "db");
        const Principal who = principal(db, token, "sb_presence_delete_queue");
        db->core.presence().delete_queue(who, text(name, "name"));
    });
}

SB_EXTERN int sb_presence_set_agent_queues(sb_db* db, char** out_json, const char* token, int64_t user_id,
                                           const char* queues_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_presence_set_agent_queues");
        const std::vector<std::string> names = queue_names(text(queues_json, "queues_json"));
        *out_json = to_c_string(to_json(db->core.presence().set_agent_queues(who, user_id, names)));
    });
}

// ---------------------------------------------------------------- presence

SB_EXTERN int sb_presence_status(sb_db* db, char** out_json, const char* token, int64_t user_id) {
    return status_call(db, out_json, token, "sb_presence_status",
                       [user_id](Presence& p, const Principal& who) { return p.status(who, user_id); });
}

SB_EXTERN int sb_presence_log_in(sb_db* db, char** out_json, const char* token) {
    return status_call(db, out_json, token, "sb_presence_log_in",
                       [](Presence& p, const Principal& who) { return p.log_in(who); });
}

SB_EXTERN int sb_presence_join(sb_db* db, char** out_json, const char* token) {
    return status_call(db, out_json, token, "sb_presence_join",
                       [](Presence& p, const Principal& who) { return p.join(who); });
}

SB_EXTERN int sb_presence_confirm_join(sb_db* db, char** out_json, const char* token) {
    return status_call(db, out_json, token, "sb_presence_confirm_join",
                       [](Presence& p, const Principal& who) { return p.confirm_join(who); });
}

SB_EXTERN int sb_presence_log_out(sb_db* db, char** out_json, const char* token, int64_t user_id) {
    return status_call(db, out_json, token, "sb_presence_log_out",
                       [user_id](Presence& p, const Principal& who) { return p.log_out(who, user_id); });
}

SB_EXTERN int sb_presence_start_break(sb_db* db, char** out_json, const char* token, const char* reason,
                                      int64_t user_id) {
    return status_call(db, out_json, token, "sb_presence_start_break", [&](Presence& p, const Principal& who) {
        return p.start_break(who, text(reason, "reason"), user_id);
    });
}

SB_EXTERN int sb_presence_end_break(sb_db* db, char** out_json, const char* token) {
    return status_call(db, out_json, token, "sb_presence_end_break",
                       [](Presence& p, const Principal& who) { return p.end_break(who); });
}

SB_EXTERN int sb_presence_heartbeat(sb_db* db, char** out_json, const char* token, int mic_permission) {
    return status_call(db, out_json, token, "sb_presence_heartbeat", [mic_permission](Presence& p, const Principal& who) {
        return p.heartbeat(who, mic(mic_permission));
    });
}

SB_EXTERN int sb_presence_end_wrap_up(sb_db* db, char** out_json, const char* token) {
    return status_call(db, out_json, token, "sb_presence_end_wrap_up",
                       [](Presence& p, const Principal& who) { return p.end_wrap_up(who); });
}

SB_EXTERN int sb_presence_set_available(sb_db* db, char** out_json, const char* token) {
    return status_call(db, out_json, token, "sb_presence_set_available",
                       [](Presence& p, const Principal& who) { return p.set_available(who); });
}

SB_EXTERN int sb_presence_extend_wrap_up(sb_db* db, char** out_json, const char* token, int64_t extra_ms) {
    return status_call(db, out_json, token, "sb_presence_extend_wrap_up",
                       [extra_ms](Presence& p, const Principal& who) { return p.extend_wrap_up(who, extra_ms); });
}

// ---------------------------------------------------------------- calls

SB_EXTERN int sb_presence_enqueue(sb_db* db, char** out_json, const char* token, const char* call_id,
                                  const char* queue, const char* caller) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = any_principal(db, token, "sb_presence_enqueue");
        *out_json = to_c_string(to_json(db->core.presence().enqueue(who, text(call_id, "call_id"),
                                                                    text(queue, "queue"), optional_text(caller))));
    });
}

SB_EXTERN int sb_presence_answer(sb_db* db, char** out_json, const char* token, const char* call_id) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_presence_answer");
        *out_json = to_c_string(to_json(db->core.presence().answer(who, text(call_id, "call_id"))));
    });
}

SB_EXTERN int sb_presence_reject(sb_db* db, char** out_json, const char* token, const char* call_id) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_presence_reject");
        *out_json = to_c_string(to_json(db->core.presence().reject(who, text(call_id, "call_id"))));
    });
}

SB_EXTERN int sb_presence_end_call(sb_db* db, char** out_json, const char* token, const char* call_id) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = any_principal(db, token, "sb_presence_end_call");
        *out_json = to_c_string(to_json(db->core.presence().end_call(who, text(call_id, "call_id"))));
    });
}

SB_EXTERN int sb_presence_call(sb_db* db, char** out_json, const char* token, const char* call_id) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = any_principal(db, token, "sb_presence_call");
        *out_json = to_c_string(to_json(db->core.presence().call(who, text(call_id, "call_id"))));
    });
}

SB_EXTERN int sb_presence_waiting_calls(sb_db* db, char** out_json, const char* token) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = any_principal(db, token, "sb_presence_waiting_calls");
        *out_json = to_c_string(to_json(db->core.presence().waiting_calls(who)));
    });
}

SB_EXTERN int sb_presence_wallboard(sb_db* db, char** out_json, const char* token) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_presence_wallboard");
        *out_json = to_c_string(to_json(db->core.presence().wallboard(who)));
    });
}

// ---------------------------------------------------------------- the agent state report

SB_EXTERN int sb_presence_states_list(sb_db* db, char** out_json, const char* token, const char* query_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_presence_states_list");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        *out_json = to_c_string(to_json(db->core.presence().list_states(who, query)));
    });
}

SB_EXTERN int sb_presence_states_csv(sb_db* db, sb_csv_sink sink, void* sink_data, const char* token,
                                     const char* query_json) {
    return guard([&] {
        require(db, "db");
        const CsvSink out = c_sink(sink, sink_data);
        const Principal who = principal(db, token, "sb_presence_states_csv");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        db->core.presence().export_states_csv(who, query, out);
    });
}

SB_EXTERN int sb_presence_states_csv_string(sb_db* db, char** out_csv, const char* token, const char* query_json) {
    reset_out(out_csv);
    return guard([&] {
        require(db, "db");
        require(out_csv, "out_csv");
        const Principal who = principal(db, token, "sb_presence_states_csv_string");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        *out_csv =
            csv_string([&](const CsvSink& sink) { db->core.presence().export_states_csv(who, query, sink); });
    });
}

SB_EXTERN int sb_presence_states_report(sb_db* db, char** out_json, const char* token, const char* query_json,
                                        const char* xaxis_csv, const char* yaxis_csv) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_presence_states_report");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        *out_json = to_c_string(json::to_json(
            db->core.presence().report_states(who, query, axis_list(xaxis_csv), axis_list(yaxis_csv))));
    });
}

}  // extern "C"
