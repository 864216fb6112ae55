// switchboard-host: OpenCHS queue status (seed 004 section 5), and the
// presence endpoints the seed's clients need around it.
//
//   POST /eproc/joinq          the agent joins their queues: {"status":"ringing","message":"Ringing"}
//   POST /eproc/leaveq         the agent leaves them: {"status":"offline","message":"Offline"}
//   GET  /eproc/               the agent's queue status: {"profile":[{status, message, lastcall,
//                              data, phone, context}]}
// The seed's three answer every refusal with HTTP 200 and
// {"status":"false","message":...}; a missing session is the dialect's 401.
//
// switchboard additions, in the dialect's usual answers (200/201/202, 412 {"errors":[...]}):
//   POST /eproc/joinq/confirm  the agent confirms the join ring (no PBX to answer)
//   GET|POST /eproc/queues     the queues (POST creates or replaces one: admins)
//   DELETE /eproc/queues/{name}
//   POST /eproc/users/{id}/queues {"queues": [...]}    who takes which queue's calls
//   GET|POST /eproc/presence/settings                  break reasons, heartbeat, joins
//   POST /eproc/queuecalls     a call enters a queue (staff, dev tokens: the telephony side)
//   GET  /eproc/queuecalls     the calls waiting or ringing
//   POST /eproc/queuecalls/{id}/answer|reject|end
//   GET  /eproc/wallboard      every agent's state and every queue's waiting calls
//   GET  /eproc/agentstates/   the agent state report: list, ?csv=1, /rpt (seconds summed)
#include <boost/json.hpp>

#include "openchs_common.hpp"
#include "switchboard/json.hpp"
#include "switchboard/presence.hpp"

namespace switchboard::host {

namespace {

using namespace openchs;

// ------------------------------------------------------------------ seed 5

// The seed's queue_status words for a presence state.
std::pair<std::string, std::string> seed_status(const AgentStatus& s) {
    switch (s.state) {
        case AgentState::offline: return {"offline", "Offline"};
        case AgentState::available: return {"online", "Online"};
        case AgentState::ringing: return {"ringing", "Ringing"};
        case AgentState::on_call: return {"oncall", "On call"};
        case AgentState::wrap_up: return {"wrapup", "Wrap-up"};
        case AgentState::on_break: return {"offline", "On break (" + s.reason + ")"};
    }
    return {"offline", "Offline"};
}

Response status_answer(const std::string& status, const std::string& message) {
    return send(200, json::object{{"status", status}, {"message", message}});
}

// The seed's failure: HTTP 200, {"status":"false","message":...}. Errors of
// the store or of the host itself stay the dialect's 500.
template <class F>
Response seed_call(F&& f) {
    try {
        return f();
    } catch (const Error& e) {
        switch (e.code()) {
            case ErrorCode::unauthorized:
            case ErrorCode::schema:
            case ErrorCode::storage:
            case ErrorCode::internal: throw;
            default: return status_answer("false", e.what());
        }
    }
}

// A join rings the agent's device (with the organisation's "at once" the
// ring counts as answered): the seed's Ringing. An agent already taking
// calls is answered Ringing too; one on a call or in wrap-up gets that status.
Response join_queue(Exchange& c) {
    return seed_call([&] {
        const AgentStatus s = c.core([&] { return c.ctx.presence.join(c.who); });
        if (s.state == AgentState::ringing || s.state == AgentState::available)
            return status_answer("ringing", "Ringing");
        const auto [status, message] = seed_status(s);
        return status_answer(status, message);
    });
}

Response confirm_join(Exchange& c) {
    return seed_call([&] {
        const AgentStatus s = c.core([&] { return c.ctx.presence.confirm_join(c.who); });
        const auto [status, message] = seed_status(s);
        return status_answer(status, message);
    });
}

Response leave_queue(Exchange& c) {
    return seed_call([&] {
        c.core([&] { return c.ctx.presence.log_out(c.who); });
        return status_answer("offline", "Offline");
    });
}

// "08:00": the hour and minute (UTC) of a time, "" for none.
std::string hour_minute(std::int64_t ms) { return ms ? format_time(ms).substr(11, 5) : std::string(); }

Response poll_queue(Exchange& c) {
    return seed_call([&] {
        const AgentStatus s = c.core([&] { return c.ctx.presence.status(c.who); });
        const auto [status, message] = seed_status(s);
        const std::string context = !s.call_queue.empty() ? s.call_queue : (s.queues.empty() ? "" : s.queues.front());
        json::object profile{{"status", status},        {"message", message},   {"lastcall", hour_minute(s.last_call_ms)},
                             {"data", s.call_id},       {"phone", s.call_phone}, {"context", context}};
        return send(200, json::object{{"profile", json::array{std::move(profile)}}});
    });
}

// ------------------------------------------------------------------ additions


Response list_queues(Exchange& c) {
    return wrapped(200, "queues", to_json(c.core([&] { return c.ctx.presence.queues(c.who); })));
}

Response put_queue(Exchange& c) {
    QueueSettings q;
    for (const auto& kv : c.params.object()) {
        const std::string key(kv.key());
        if (key == "name") q.name = c.params.text(key).value_or("");
        else if (key == "ring_timeout_ms") q.ring_timeout_ms = *c.params.whole(key);
        else if (key == "wrap_up_ms") q.wrap_up_ms = *c.params.whole(key);
        else if (key == "max_missed_offers") {
            const auto v = *c.params.whole(key);
            if (v < 0 || v > 1000) throw Refusal{"max_missed_offers must be 0 to 1000", key};
            q.max_missed_offers = static_cast<int>(v);
        } else if (key == "max_wait_ms") q.max_wait_ms = *c.params.whole(key);
        else if (key == "overflow") q.overflow = c.params.text(key).value_or("");
        else throw unknown_field(key);
    }
    c.table = "queues";
    const QueueSettings saved = c.core([&] { return c.ctx.presence.put_queue(c.who, q); });
    return wrapped(201, "queues", to_json(saved), true);
}

Response delete_queue(Exchange& c) {
    const std::string name = c.req.path_param("name");
    c.row = name;
    c.core([&] { c.ctx.presence.delete_queue(c.who, name); });
    return send(202, json::object{{"message", "Queue Deleted"}});
}

Response set_agent_queues(Exchange& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    std::vector<std::string> names;
    for (const auto& kv : c.params.object()) {
        const std::string key(kv.key());
        if (key != "queues") throw unknown_field(key);
        if (!kv.value().is_array()) throw DatatypeError{"queues"};
        for (const auto& v : kv.value().as_array()) {
            if (!v.is_string()) throw DatatypeError{"queues"};
            names.emplace_back(v.as_string());
        }
    }
    const AgentStatus s = c.core([&] { return c.ctx.presence.set_agent_queues(c.who, id, names); });
    return wrapped(202, "agent", to_json(s));
}

Response presence_settings(Exchange& c) {
    const PresenceSettings s = c.core([&] { return c.ctx.presence.settings(c.who); });
    return wrapped(200, "settings", to_json(s));
}

Response set_presence_settings(Exchange& c) {
    const PresenceSettingsPatch patch = presence_settings_patch_from_json(json::serialize(c.params.object()));
    const PresenceSettings saved = c.core([&] { return c.ctx.presence.change_settings(c.who, patch); });
    return wrapped(202, "settings", to_json(saved));
}

Response enqueue_call(Exchange& c) {
    std::string call_id, queue, caller;
    for (const auto& kv : c.params.object()) {
        const std::string key(kv.key());
        if (key == "call_id") call_id = c.params.text(key).value_or("");
        else if (key == "queue") queue = c.params.text(key).value_or("");
        else if (key == "caller") caller = c.params.text(key).value_or("");
        else throw unknown_field(key);
    }
    if (call_id.empty()) throw Refusal{"call_id is required", "call_id"};
    if (queue.empty()) throw Refusal{"queue is required", "queue"};
    const QueuedCall q = c.core([&] { return c.ctx.presence.enqueue(c.who, call_id, queue, caller); });
    return wrapped(201, "queuecalls", to_json(q), true);
}

Response waiting_calls(Exchange& c) {
    const auto calls = c.core([&] { return c.ctx.presence.waiting_calls(c.who); });
    return wrapped(200, "queuecalls", to_json(calls));
}

Response call_action(Exchange& c, std::string_view action) {
    const std::string id = c.req.path_param("id");
    c.row = id;
    QueuedCall q;
    if (action == "answer") q = c.core([&] { return c.ctx.presence.answer(c.who, id); });
    else if (action == "reject") q = c.core([&] { return c.ctx.presence.reject(c.who, id); });
    else q = c.core([&] { return c.ctx.presence.end_call(c.who, id); });
    return wrapped(202, "queuecalls", to_json(q), true);
}

Response wallboard(Exchange& c) {
    const Wallboard w = c.core([&] { return c.ctx.presence.wallboard(c.who); });
    return wrapped(200, "wallboard", to_json(w));
}

Response list_states(Exchange& c) {
    const ListRequest lr = list_request(c, {"csv"});
    if (csv_requested(lr)) {
        return stream_csv(c, "agentstates.csv", [&ctx = c.ctx, who = c.who, q = lr.query](const CsvSink& sink) {
            ctx.presence.export_states_csv(who, q, sink);
        });
    }
    const Page<StatePeriod> page = c.core([&] { return c.ctx.presence.list_states(c.who, lr.query); });
    std::string body = "{\"agentstates\":[";
    for (std::size_t k = 0; k < page.items.size(); ++k) body += (k ? "," : "") + to_json(page.items[k]);
    body += "],\"agentstates_ctx\":[[\"total\",\"" + str(page.total) + "\"]]}";
    return Response::json(200, std::move(body));
}

Response report_states(Exchange& c) {
    const ListRequest lr = list_request(c, {"xaxis", "yaxis"});
    const Axes a = axes(lr);
    const PivotReport r = c.core([&] { return c.ctx.presence.report_states(c.who, lr.query, a.x, a.y); });
    return pivot_answer("agentstates", r);
}

}  // namespace

void register_openchs_queues(Server& server, Context& ctx) {
    server.route("POST", "/eproc/joinq", authed_endpoint(ctx, "queue", join_queue));
    server.route("POST", "/eproc/joinq/confirm", authed_endpoint(ctx, "queue", confirm_join));
    server.route("POST", "/eproc/leaveq", authed_endpoint(ctx, "queue", leave_queue));
    server.route("GET", "/eproc", authed_endpoint(ctx, "queue", poll_queue));

    server.route("GET", "/eproc/queues", authed_endpoint(ctx, "queues", list_queues));
    server.route("POST", "/eproc/queues", authed_endpoint(ctx, "queues", put_queue));
    server.route("DELETE", "/eproc/queues/{name}", authed_endpoint(ctx, "queues", delete_queue));
    server.route("POST", "/eproc/users/{id}/queues", authed_endpoint(ctx, "users", set_agent_queues));
    server.route("GET", "/eproc/presence/settings", authed_endpoint(ctx, "presence", presence_settings));
    server.route("POST", "/eproc/presence/settings", authed_endpoint(ctx, "presence", set_presence_settings));

    server.route("POST", "/eproc/queuecalls", authed_endpoint(ctx, "queuecalls", enqueue_call));
    server.route("GET", "/eproc/queuecalls", authed_endpoint(ctx, "queuecalls", waiting_calls));
    server.route("POST", "/eproc/queuecalls/{id}/answer",
                 authed_endpoint(ctx, "queuecalls", [](Exchange& c) { return call_action(c, "answer"); }));
    server.route("POST", "/eproc/queuecalls/{id}/reject",
                 authed_endpoint(ctx, "queuecalls", [](Exchange& c) { return call_action(c, "reject"); }));
    server.route("POST", "/eproc/queuecalls/{id}/end",
                 authed_endpoint(ctx, "queuecalls", [](Exchange& c) { return call_action(c, "end"); }));
    server.route("GET", "/eproc/wallboard", authed_endpoint(ctx, "wallboard", wallboard));

    server.route("GET", "/eproc/agentstates", authed_endpoint(ctx, "agentstates", list_states));
    server.route("GET", "/eproc/agentstates/rpt", authed_endpoint(ctx, "agentstates", report_states));
}

}  // namespace switchboard::host
