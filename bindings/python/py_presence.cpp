// switchboard Python bindings: agent presence and call queues (Database
// methods): the organisation's presence settings and queues, each agent's
// state and its changes, the offering of queued calls, the wallboard and the
// agent state report. The rules (who may do what, which change the state
// allows) are the core's (switchboard/presence.hpp); this file translates.
// Records come back as the JSON of presence.hpp's to_json turned into dicts;
// a change the state refuses raises switchboard.ConflictError.
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "py_database.hpp"
#include "switchboard/presence.hpp"

namespace switchboard::python {

namespace {

// fn(Presence&, const Principal&) on behalf of an access token; its record
// as a dict (or list).
template <class F>
py::object served(PyDatabase& self, const std::string& token, F&& fn) {
    const std::string text =
        self.serve(token, [&](Services& s, const Principal& who) { return fn(s.presence(), who); });
    return from_json(text);
}

// As served(), for the calls that take a developer token too.
template <class F>
py::object served_any(PyDatabase& self, const std::string& token, F&& fn) {
    const std::string text = self.with_services([&](Services& s) {
        const Principal who = s.accounts.authenticate_any(token);
        return fn(s.presence(), who);
    });
    return from_json(text);
}

// None, True or False; anything else is refused (1 is not a permission).
std::optional<bool> mic_permission(const py::object& value) {
    if (value.is_none()) return std::nullopt;
    if (PyBool_Check(value.ptr())) return value.ptr() == Py_True;
    throw Error(ErrorCode::invalid_argument,
                "mic_permission must be True, False or None, got " +
                    std::string(py::str(py::type::of(value).attr("__name__"))),
                "mic_permission");
}

// Queue names: a list (any iterable) of str, or one str.
std::vector<std::string> queue_names(const py::object& value) {
    std::vector<std::string> names;
    if (py::isinstance<py::str>(value)) {
        names.push_back(value.cast<std::string>());
        return names;
    }
    const auto refuse = [] {
        throw Error(ErrorCode::invalid_argument, "queues must be a list of queue names", "queues");
    };
    if (value.is_none() || !py::hasattr(value, "__iter__")) refuse();
    for (auto item : value) {
        if (!py::isinstance<py::str>(item)) refuse();
        names.push_back(item.cast<std::string>());
    }
    return names;
}

}  // namespace

void bind_presence(py::class_<PyDatabase>& cls) {
    // Docstrings made of a method's own text and a shared one.
    static const std::string list_doc =
        "Admins and supervisors: the agent state report, one row per state of an agent\n"
        "within one UTC day: {\"id\", \"user_id\", \"username\", \"state\", \"reason\", \"day\",\n"
        "\"started\", \"ended\" (None while it goes on), \"started_ms\", \"ended_ms\",\n"
        "\"seconds\"}. Filters: id, user_id, username, state, reason, day, started.\n\n" +
        std::string(kListDoc);
    static const std::string export_doc =
        "Header: id,user_id,username,state,reason,day,started,ended,seconds.\n\n" + std::string(kExportDoc);
    cls
        // ---------------------------------------------------------- settings
        .def(
            "presence_settings",
            [](PyDatabase& self, const std::string& token) {
                return served(self, token, [](Presence& p, const Principal& who) { return to_json(p.settings(who)); });
            },
            py::arg("token"),
            "The organisation's presence settings (every staff member): {\"break_reasons\",\n"
            "\"heartbeat_timeout_ms\", \"join_confirms_at_once\", \"join_ring_ms\"}.")
        .def(
            "set_presence_settings",
            [](PyDatabase& self, const std::string& token, const py::object& settings, const py::kwargs& kwargs) {
                const std::string fields = fields_to_json(settings, kwargs);
                return served(self, token, [&](Presence& p, const Principal& who) {
                    // The keys not given keep their values.
                    return to_json(p.change_settings(who, presence_settings_patch_from_json(fields)));
                });
            },
            py::arg("token"), py::arg("settings") = py::none(),
            "Admins: changes the settings given (a dict and/or keywords; the others keep\n"
            "their values): break_reasons (1 to 50 distinct str), heartbeat_timeout_ms (0:\n"
            "none, or 5000 to 86400000), join_confirms_at_once (bool), join_ring_ms (1000 to\n"
            "600000). Returns the settings.")
        .def(
            "list_queues",
            [](PyDatabase& self, const std::string& token) {
                return served(self, token,
                              [](Presence& p, const Principal& who) { return to_json(p.queues(who)); });
            },
            py::arg("token"),
            "The organisation's call queues by name (every staff member): [{\"name\",\n"
            "\"ring_timeout_ms\", \"wrap_up_ms\", \"max_missed_offers\", \"max_wait_ms\",\n"
            "\"overflow\"}].")
        .def(
            "put_queue",
            [](PyDatabase& self, const std::string& token, const py::object& fields, const py::kwargs& kwargs) {
                const QueueSettings q = queue_settings_from_json(fields_to_json(fields, kwargs));
                return served(self, token,
                              [&](Presence& p, const Principal& who) { return to_json(p.put_queue(who, q)); });
            },
            py::arg("token"), py::arg("fields") = py::none(),
            "Admins: creates or replaces the queue `name` (a dict and/or keywords):\n"
            "ring_timeout_ms (how long an offer rings, default 20000), wrap_up_ms (30000),\n"
            "max_missed_offers (3; 0: never paused), max_wait_ms (0: no limit) and overflow\n"
            "(another queue, \"voicemail\" or \"\"). Returns the queue.")
        .def(
            "delete_queue",
            [](PyDatabase& self, const std::string& token, const std::string& name) {
                self.serve(token, [&](Services& s, const Principal& who) { s.presence().delete_queue(who, name); });
            },
            py::arg("token"), py::arg("name"),
            "Admins: deletes a queue. ConflictError while calls are in it or another queue\n"
            "overflows into it.")
        .def(
            "set_agent_queues",
            [](PyDatabase& self, const std::string& token, std::int64_t user_id, const py::object& queues) {
                const std::vector<std::string> names = queue_names(queues);
                return served(self, token, [&](Presence& p, const Principal& who) {
                    return to_json(p.set_agent_queues(who, user_id, names));
                });
            },
            py::arg("token"), py::arg("user_id"), py::arg("queues"),
            "Admins and supervisors: the queues (a list of names, or one name) agent user_id\n"
            "(0: the caller) takes calls from; an agent whose queues were never set takes\n"
            "calls from every queue. Returns the agent's status.")

        // ---------------------------------------------------------- presence
        .def(
            "agent_status",
            [](PyDatabase& self, const std::string& token, std::int64_t user_id) {
                return served(self, token,
                              [&](Presence& p, const Principal& who) { return to_json(p.status(who, user_id)); });
            },
            py::arg("token"), py::arg("user_id") = 0,
            "The presence of user_id (0: the caller; another agent's for admins and\n"
            "supervisors): {\"user_id\", \"username\", \"state\" (offline, available, ringing,\n"
            "on_call, wrap_up, on_break), \"reason\", \"since_ms\", \"last_seen_ms\",\n"
            "\"mic_permission\", \"queues\", \"call_id\", \"call_phone\", \"call_queue\",\n"
            "\"last_call_ms\", \"wrap_up_until_ms\", \"missed_offers\", \"idle_since_ms\"}.")
        .def(
            "log_in",
            [](PyDatabase& self, const std::string& token) {
                return served(self, token, [](Presence& p, const Principal& who) { return to_json(p.log_in(who)); });
            },
            py::arg("token"), "The caller logs in to their queues: offline -> available. Returns the status.")
        .def(
            "join_queue",
            [](PyDatabase& self, const std::string& token) {
                return served(self, token, [](Presence& p, const Principal& who) { return to_json(p.join(who)); });
            },
            py::arg("token"),
            "The caller joins their queues (OpenCHS joinq): offline -> ringing until\n"
            "confirm_join (or available at once with join_confirms_at_once); on_break ->\n"
            "available.")
        .def(
            "confirm_join",
            [](PyDatabase& self, const std::string& token) {
                return served(self, token,
                              [](Presence& p, const Principal& who) { return to_json(p.confirm_join(who)); });
            },
            py::arg("token"), "Confirms a join: ringing -> available; ConflictError in any other state.")
        .def(
            "log_out",
            [](PyDatabase& self, const std::string& token, std::int64_t user_id) {
                return served(self, token,
                              [&](Presence& p, const Principal& who) { return to_json(p.log_out(who, user_id)); });
            },
            py::arg("token"), py::arg("user_id") = 0,
            "Logs user_id (0: the caller) out: -> offline; a call ringing them goes back to\n"
            "its queue. ConflictError on a call.")
        .def(
            "start_break",
            [](PyDatabase& self, const std::string& token, const std::string& reason, std::int64_t user_id) {
                return served(self, token, [&](Presence& p, const Principal& who) {
                    return to_json(p.start_break(who, reason, user_id));
                });
            },
            py::arg("token"), py::arg("reason"), py::arg("user_id") = 0,
            "Puts user_id (0: the caller) on break with one of the organisation's break\n"
            "reasons (else InvalidArgument, field \"reason\"), from available, wrap_up or\n"
            "another break; ConflictError otherwise.")
        .def(
            "end_break",
            [](PyDatabase& self, const std::string& token) {
                return served(self, token, [](Presence& p, const Principal& who) { return to_json(p.end_break(who)); });
            },
            py::arg("token"), "The caller ends their break: on_break -> available.")
        .def(
            "heartbeat",
            [](PyDatabase& self, const std::string& token, const py::object& mic) {
                const std::optional<bool> permission = mic_permission(mic);
                return served(self, token,
                              [&](Presence& p, const Principal& who) { return to_json(p.heartbeat(who, permission)); });
            },
            py::arg("token"), py::arg("mic_permission") = py::none(),
            "The caller's heartbeat, with their microphone permission when known (False:\n"
            "no call is offered to them). The state does not change.")
        .def(
            "end_wrap_up",
            [](PyDatabase& self, const std::string& token) {
                return served(self, token,
                              [](Presence& p, const Principal& who) { return to_json(p.end_wrap_up(who)); });
            },
            py::arg("token"), "The caller ends their wrap-up now: wrap_up -> available.")
        .def(
            "set_available",
            [](PyDatabase& self, const std::string& token) {
                return served(self, token,
                              [](Presence& p, const Principal& who) { return to_json(p.set_available(who)); });
            },
            py::arg("token"),
            "The caller becomes available by whichever change applies: logged in, back from a break or\n"
            "the wrap-up, a join confirmed. ConflictError while ringing for a call or on one.")
        .def(
            "extend_wrap_up",
            [](PyDatabase& self, const std::string& token, std::int64_t extra_ms) {
                return served(self, token, [&](Presence& p, const Principal& who) {
                    return to_json(p.extend_wrap_up(who, extra_ms));
                });
            },
            py::arg("token"), py::arg("extra_ms"), "The caller's wrap-up lasts extra_ms (1000 to 3600000) longer.")

        // ------------------------------------------------------------- calls
        .def(
            "enqueue_call",
            [](PyDatabase& self, const std::string& token, const std::string& call_id, const std::string& queue,
               const std::string& caller) {
                return served_any(self, token, [&](Presence& p, const Principal& who) {
                    return to_json(p.enqueue(who, call_id, queue, caller));
                });
            },
            py::arg("token"), py::arg("call_id"), py::arg("queue"), py::arg("caller") = "",
            "Puts a call in a queue (admins, supervisors, developer tokens): it is offered\n"
            "to the queue's available agent idle longest. Returns {\"call_id\", \"queue\",\n"
            "\"caller\", \"state\" (waiting, offered, connected, ended, overflowed, abandoned),\n"
            "\"enqueued_ms\", \"offered_ms\", \"answered_ms\", \"ended_ms\", \"agent_id\",\n"
            "\"overflow\", \"offers\"}.")
        .def(
            "answer_call",
            [](PyDatabase& self, const std::string& token, const std::string& call_id) {
                return served(self, token,
                              [&](Presence& p, const Principal& who) { return to_json(p.answer(who, call_id)); });
            },
            py::arg("token"), py::arg("call_id"),
            "The agent the call is offered to answers it (they are on_call). ConflictError\n"
            "when it is not offered to the caller.")
        .def(
            "reject_call",
            [](PyDatabase& self, const std::string& token, const std::string& call_id) {
                return served(self, token,
                              [&](Presence& p, const Principal& who) { return to_json(p.reject(who, call_id)); });
            },
            py::arg("token"), py::arg("call_id"),
            "The agent the call is offered to rejects it: it is offered to the next agent.")
        .def(
            "end_call",
            [](PyDatabase& self, const std::string& token, const std::string& call_id) {
                return served_any(self, token,
                                  [&](Presence& p, const Principal& who) { return to_json(p.end_call(who, call_id)); });
            },
            py::arg("token"), py::arg("call_id"),
            "Ends a call (its agent, admins, supervisors, developer tokens): a connected one\n"
            "is ended and its agent goes to wrap_up (available when the queue has none); a\n"
            "waiting or ringing one is abandoned.")
        .def(
            "queued_call",
            [](PyDatabase& self, const std::string& token, const std::string& call_id) {
                return served_any(self, token,
                                  [&](Presence& p, const Principal& who) { return to_json(p.call(who, call_id)); });
            },
            py::arg("token"), py::arg("call_id"),
            "A queued call, live or recently ended (admins, supervisors, developer tokens,\n"
            "and the agent it is offered or connected to).")
        .def(
            "waiting_calls",
            [](PyDatabase& self, const std::string& token) {
                return served_any(self, token,
                                  [](Presence& p, const Principal& who) { return to_json(p.waiting_calls(who)); });
            },
            py::arg("token"),
            "The calls waiting or ringing in the organisation's queues, oldest first\n"
            "(admins, supervisors, developer tokens).")
        .def(
            "wallboard",
            [](PyDatabase& self, const std::string& token) {
                return served(self, token, [](Presence& p, const Principal& who) { return to_json(p.wallboard(who)); });
            },
            py::arg("token"),
            "Admins and supervisors: {\"now_ms\", \"agents\": [status ...], \"queues\": [{\"name\",\n"
            "\"waiting\", \"longest_wait_ms\", \"agents\", \"available\"}], \"calls\": [call ...]}.")

        // --------------------------------------------- the agent state report
        .def(
            "list_agent_states",
            [](PyDatabase& self, const std::string& token, const py::object& filters, std::optional<int> count,
               std::int64_t offset, const std::string& search) {
                const ListQuery q = list_query(filters, count, offset, search);
                return served(self, token,
                              [&](Presence& p, const Principal& who) { return to_json(p.list_states(who, q)); });
            },
            py::arg("token"), py::arg("filters") = py::none(), py::arg("count") = py::none(), py::arg("offset") = 0,
            py::arg("search") = "", list_doc.c_str())
        .def(
            "export_agent_states_csv",
            [](PyDatabase& self, const std::string& token, const py::object& filters, std::optional<int> count,
               std::int64_t offset, const std::string& search, const py::object& sink) {
                const ListQuery q = list_query(filters, count, offset, search);
                return export_csv(self, token, sink, [&](Services& s, const Principal& who, const CsvSink& out) {
                    s.presence().export_states_csv(who, q, out);
                });
            },
            py::arg("token"), py::arg("filters") = py::none(), py::arg("count") = py::none(), py::arg("offset") = 0,
            py::arg("search") = "", py::kw_only(), py::arg("sink") = py::none(),
            export_doc.c_str())
        .def(
            "report_agent_states",
            [](PyDatabase& self, const std::string& token, const py::object& xaxis, const py::object& yaxis,
               const py::object& filters, const std::string& search) {
                const auto x = axis_fields(xaxis, "xaxis");
                const auto y = axis_fields(yaxis, "yaxis");
                const ListQuery q = list_query(filters, std::nullopt, 0, search);
                return served(self, token, [&](Presence& p, const Principal& who) {
                    return json::to_json(p.report_states(who, q, x, y));
                });
            },
            py::arg("token"), py::arg("xaxis") = py::tuple(), py::arg("yaxis") = py::tuple(),
            py::arg("filters") = py::none(), py::arg("search") = "",
            "Group fields: username, state, reason, day. Each row also has \"seconds\", the\n"
            "time in it, and the report \"total_seconds\".\n\n" SB_PY_REPORT_DOC);
}

}  // namespace switchboard::python
