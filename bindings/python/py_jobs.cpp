// switchboard Python bindings: durable jobs and events (Database methods).
// Every reader takes a developer token, or the access token of an admin or
// a supervisor (events also an agent's or a customer's, each seeing what it
// may read).
#include <chrono>

#include <pybind11/stl.h>

#include "py_database.hpp"

namespace switchboard::python {

void bind_jobs_events(py::class_<PyDatabase>& cls) {
    cls.def(
           "list_jobs",
           [](PyDatabase& self, const std::string& token, const py::object& filters, std::optional<int> count,
              std::int64_t offset, const std::string& search) {
               const ListQuery q = list_query(filters, count, offset, search);
               const std::string json = self.with_services(
                   [&](Services& s) { return to_json(s.jobs().list(s.accounts.authenticate_any(token), q)); });
               return from_json(json);
           },
           py::arg("token"), py::arg("filters") = py::none(), py::arg("count") = py::none(), py::arg("offset") = 0,
           py::arg("search") = "",
           "The organisation's background jobs, newest first. Filters: id, kind, subject,\n"
           "state (\"queued\", \"running\", \"done\", \"failed\"), created_on, updated_on; search\n"
           "looks in the subject and the last error. Returns {\"total\", \"items\": [job ...]},\n"
           "a job being {\"id\", \"kind\", \"subject\", \"state\", \"attempts\", \"max_attempts\",\n"
           "\"run_after_ms\", \"lease_owner\", \"lease_expires_ms\", \"last_error\",\n"
           "\"payload_bytes\", \"created_ms\", \"updated_ms\", \"finished_ms\"}.")
        .def(
            "get_job",
            [](PyDatabase& self, const std::string& token, std::int64_t job_id) {
                const std::string json = self.with_services(
                    [&](Services& s) { return to_json(s.jobs().get(s.accounts.authenticate_any(token), job_id)); });
                return from_json(json);
            },
            py::arg("token"), py::arg("job_id"),
            "One job, with its state and last error. NotFound (field \"id\") for a job that\n"
            "is not the caller's organisation's.")
        .def(
            "job_counts",
            [](PyDatabase& self, const std::string& token) {
                const std::string json = self.with_services(
                    [&](Services& s) { return to_json(s.jobs().counts(s.accounts.authenticate_any(token))); });
                return from_json(json);
            },
            py::arg("token"), "{\"queued\", \"running\", \"done\", \"failed\"}: the organisation's jobs by state.")
        .def(
            "drain_jobs",
            [](PyDatabase& self, double timeout_s) {
                return self.with_services([&](Services& s) {
                    return s.jobs().drain(std::chrono::milliseconds(static_cast<std::int64_t>(timeout_s * 1000)));
                });
            },
            py::arg("timeout_s") = 60.0,
            "Waits (without the GIL) until no job of the database is queued or running;\n"
            "True then, False when timeout_s passed first.")
        .def(
            "read_events",
            [](PyDatabase& self, const std::string& token, std::int64_t after, int limit, double wait_s) {
                const std::string json = self.with_services([&](Services& s) {
                    const Principal who = s.accounts.authenticate_any(token);
                    return to_json(s.events().read(who, after, limit,
                                                   std::chrono::milliseconds(static_cast<std::int64_t>(wait_s * 1000))));
                });
                return from_json(json);
            },
            py::arg("token"), py::kw_only(), py::arg("after") = 0, py::arg("limit") = 100, py::arg("wait_s") = 0.0,
            "The organisation's events after seq `after` that the token may see (a customer\n"
            "those of their own tickets, an agent those of the tickets assigned to them;\n"
            "admins and supervisors all; developer tokens interaction and job events), at\n"
            "most `limit`, waiting up to wait_s (without the GIL) for one when there is none.\n"
            "Returns {\"events\": [{\"seq\", \"org_id\", \"type\", \"time_ms\", \"subject\", \"data\"}],\n"
            "\"last_seq\", \"gap\"}: resume after last_seq; gap is True when events after\n"
            "`after` were already removed (older than the retention window).")
        .def(
            "last_event_seq",
            [](PyDatabase& self, const std::string& token) {
                return self.with_services(
                    [&](Services& s) { return s.events().last_seq(s.accounts.authenticate_any(token)); });
            },
            py::arg("token"),
            "The last seq of the organisation's events (0 when none yet): read after it to\n"
            "see only what happens from now on.");
}

}  // namespace switchboard::python
