// switchboard Python bindings: calls with their recordings, QA scorecards
// and the helpline statistics on switchboard.Database (switchboard/calls.hpp).
#include <pybind11/stl.h>

#include <optional>
#include <string>

#include "py_database.hpp"

namespace switchboard::python {

void bind_calls(py::class_<PyDatabase>& cls) {
    cls
        // -------------------------------------------------------------- calls
        .def(
            "create_call",
            [](PyDatabase& self, const std::string& token, const py::object& fields, const py::kwargs& kwargs) {
                const CallFields f = json::call_fields_from_json(fields_to_json(fields, kwargs));
                return json_served(self, token,
                                   [&](Services& s, const Principal& who) { return s.calls.create_call(who, f); });
            },
            py::arg("token"), py::arg("fields") = py::none(),
            "Records a call (admins and supervisors any call; an agent their own). Fields\n"
            "(a dict and/or keywords): direction (inbound, outbound), agent_id, queue,\n"
            "caller, start_ms, answer_ms, end_ms, wait_s, talk_s, hold_s, hangup_status\n"
            "(e.g. answered, abandoned, missed, busy, failed), activity_count, ticket_id,\n"
            "recording_file_id. Returns the call.")
        .def(
            "get_call",
            [](PyDatabase& self, const std::string& token, std::int64_t call_id) {
                return json_served(self, token,
                                   [&](Services& s, const Principal& who) { return s.calls.get_call(who, call_id); });
            },
            py::arg("token"), py::arg("call_id"))
        .def(
            "list_calls",
            [](PyDatabase& self, const std::string& token, const py::object& filters, std::optional<int> count,
               std::int64_t offset, const std::string& search) {
                const ListQuery q = list_query(filters, count, offset, search);
                return json_served(self, token,
                                   [&](Services& s, const Principal& who) { return s.calls.list_calls(who, q); });
            },
            py::arg("token"), py::arg("filters") = py::none(), py::arg("count") = py::none(),
            py::arg("offset") = 0, py::arg("search") = "",
            "The calls the caller sees (admins and supervisors all, an agent their own).\n"
            "Filters: id, direction, agent_id, queue, caller, hangup_status, qa_done,\n"
            "activity_count, ticket_id, wait_s, start (time), created_on. Returns\n"
            "{\"total\": n, \"items\": [...]}, newest first.");
    bind_csv_and_report(
        cls, "export_calls_csv",
        [](Services& s, const Principal& who, const ListQuery& q, const CsvSink& out) {
            s.calls.export_calls_csv(who, q, out);
        },
        "report_calls",
        [](Services& s, const Principal& who, const ListQuery& q, const std::vector<std::string>& x,
           const std::vector<std::string>& y) { return s.calls.report_calls(who, q, x, y); },
        "Group fields: agent_id, queue, direction, hangup_status, wait_s, qa_done,\n"
        "activity_count.\n\n" SB_PY_REPORT_DOC);
    cls

        // ---------------------------------------------------------- recordings
        .def(
            "attach_recording",
            [](PyDatabase& self, const std::string& token, std::int64_t call_id, std::int64_t file_id) {
                return json_served(self, token, [&](Services& s, const Principal& who) {
                    return s.calls.attach_recording(who, call_id, file_id);
                });
            },
            py::arg("token"), py::arg("call_id"), py::arg("file_id"),
            "Attaches an uploaded file of the organisation (upload_file) as the call's\n"
            "recording. Returns the call.")
        .def(
            "call_recording",
            [](PyDatabase& self, const std::string& token, std::int64_t call_id) {
                return json_served(self, token,
                                   [&](Services& s, const Principal& who) { return s.calls.recording(who, call_id); });
            },
            py::arg("token"), py::arg("call_id"),
            "The recording's file record (read its bytes with read_file); NotFound when\n"
            "the call has none.")

        // ----------------------------------------------------------------- QA
        .def(
            "create_qa",
            [](PyDatabase& self, const std::string& token, const py::object& fields, const py::kwargs& kwargs) {
                const QaFields f = json::qa_fields_from_json(fields_to_json(fields, kwargs));
                return json_served(self, token,
                                   [&](Services& s, const Principal& who) { return s.calls.create_qa(who, f); });
            },
            py::arg("token"), py::arg("fields") = py::none(),
            "Admins and supervisors score a call. Fields (a dict and/or keywords): call_id,\n"
            "and 1 to 5 for each of opening, holding, politeness, enthusiasm,\n"
            "personalization, troubleshooting, listening, accuracy, resolution; comments,\n"
            "recommendations. The call becomes qa_done. Returns the scorecard.")
        .def(
            "get_qa",
            [](PyDatabase& self, const std::string& token, std::int64_t qa_id) {
                return json_served(self, token,
                                   [&](Services& s, const Principal& who) { return s.calls.get_qa(who, qa_id); });
            },
            py::arg("token"), py::arg("qa_id"))
        .def(
            "list_qa",
            [](PyDatabase& self, const std::string& token, const py::object& filters, std::optional<int> count,
               std::int64_t offset, const std::string& search) {
                const ListQuery q = list_query(filters, count, offset, search);
                return json_served(self, token,
                                   [&](Services& s, const Principal& who) { return s.calls.list_qa(who, q); });
            },
            py::arg("token"), py::arg("filters") = py::none(), py::arg("count") = py::none(),
            py::arg("offset") = 0, py::arg("search") = "",
            "The scorecards the caller sees (an agent those of their own calls). Filters:\n"
            "id, call_id, each score, reviewer_id, created_on, call_agent_id (the call's agent),\n"
            "call_direction (the call's direction). Returns {\"total\": n, \"items\": [...]}.");
    bind_csv_and_report(
        cls, "export_qa_csv",
        [](Services& s, const Principal& who, const ListQuery& q, const CsvSink& out) {
            s.calls.export_qa_csv(who, q, out);
        },
        "report_qa",
        [](Services& s, const Principal& who, const ListQuery& q, const std::vector<std::string>& x,
           const std::vector<std::string>& y) { return s.calls.report_qa(who, q, x, y); },
        "Group fields: call_agent_id, call_direction and each score.\n\n" SB_PY_REPORT_DOC);
    cls

        // --------------------------------------------------------- statistics
        .def(
            "stats",
            [](PyDatabase& self, const std::string& token, std::int64_t from_ms, std::int64_t to_ms) {
                return json_served(self, token, [&](Services& s, const Principal& who) {
                    try {
                        return s.calls.stats(who, from_ms, to_ms);
                    } catch (const Error& e) {
                        // The bounds as this method's arguments name them.
                        if (e.field() == "from" || e.field() == "to")
                            throw Error(e.code(), e.what(), e.field() + "_ms");
                        throw;
                    }
                });
            },
            py::arg("token"), py::arg("from_ms") = 0, py::arg("to_ms") = 0,
            "Admins and supervisors: inbound and outbound calls, tickets, emails and SMS\n"
            "created in [from_ms, to_ms] (to_ms 0: no end). Returns {\"from_ms\", \"to_ms\",\n"
            "\"inbound_calls\", \"outbound_calls\", \"tickets\", \"emails\", \"sms\"}.");
}

}  // namespace switchboard::python
