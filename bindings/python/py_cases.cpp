// switchboard Python bindings: the case records on switchboard.Database:
// categories, tickets with their contacts and history, the Customer Care
// Registry's assign/close, conversations, ticket CSV exports and pivot
// reports. The rules (who sees which ticket, who may change what) are the
// core's (switchboard/cases.hpp); this file only translates.
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "py_database.hpp"

namespace switchboard::python {

void bind_cases(py::class_<PyDatabase>& cls) {
    cls
        // --------------------------------------------------------- categories
        .def(
            "add_category",
            [](PyDatabase& self, const std::string& token, const std::string& name, std::int64_t parent_id) {
                return json_served(self, token, [&](Services& s, const Principal& who) {
                    return s.cases.add_category(who, name, parent_id);
                });
            },
            py::arg("token"), py::arg("name"), py::arg("parent_id") = 0,
            "Admins: adds a main category, or (parent_id: a main category's id) a\n"
            "sub-category. Returns {\"id\", \"parent_id\", \"name\"}.")
        .def(
            "list_categories",
            [](PyDatabase& self, const std::string& token) {
                return json_served(self, token,
                                   [&](Services& s, const Principal& who) { return s.cases.list_categories(who); });
            },
            py::arg("token"), "The organisation's categories (every role).")

        // ------------------------------------------------------------ tickets
        .def(
            "create_ticket",
            [](PyDatabase& self, const std::string& token, const py::object& fields, const py::kwargs& kwargs) {
                const TicketFields f = json::ticket_fields_from_json(fields_to_json(fields, kwargs));
                return json_served(self, token,
                                   [&](Services& s, const Principal& who) { return s.cases.create_ticket(who, f); });
            },
            py::arg("token"), py::arg("fields") = py::none(),
            "Fields (a dict and/or keywords): source (walkin, call, email, sms), source_id,\n"
            "category_main, category_sub, narrative, resolution, status (open, closed,\n"
            "escalated), priority (high, medium, low), referred_to, escalated_to,\n"
            "disposition, assigned_to, and contact: a dict of first_name, last_name, phone,\n"
            "email, town, country, user_category, position_in_org, org_name (the\n"
            "organisation's contact with the same phone or email is reused). A customer\n"
            "gives the narrative and contact only. Returns the ticket, numbered TK000001 ...")
        .def(
            "update_ticket",
            [](PyDatabase& self, const std::string& token, std::int64_t ticket_id, const py::object& fields,
               const py::kwargs& kwargs) {
                const TicketFields f = json::ticket_fields_from_json(fields_to_json(fields, kwargs));
                return json_served(self, token, [&](Services& s, const Principal& who) {
                    return s.cases.update_ticket(who, ticket_id, f);
                });
            },
            py::arg("token"), py::arg("ticket_id"), py::arg("fields") = py::none(),
            "Changes the given fields (as for create_ticket); each change is kept in the\n"
            "ticket's history. Returns the ticket.")
        .def(
            "get_ticket",
            [](PyDatabase& self, const std::string& token, std::int64_t ticket_id) {
                return json_served(self, token, [&](Services& s, const Principal& who) {
                    return s.cases.get_ticket(who, ticket_id);
                });
            },
            py::arg("token"), py::arg("ticket_id"),
            "The ticket with its contact (\"contact\": None when it has none). NotFound\n"
            "for a ticket the caller may not see.")
        .def(
            "list_tickets",
            [](PyDatabase& self, const std::string& token, const py::object& filters, std::optional<int> count,
               std::int64_t offset, const std::string& search) {
                const ListQuery q = list_query(filters, count, offset, search);
                return json_served(self, token,
                                   [&](Services& s, const Principal& who) { return s.cases.list_tickets(who, q); });
            },
            py::arg("token"), py::arg("filters") = py::none(), py::arg("count") = py::none(),
            py::arg("offset") = 0, py::arg("search") = "",
            "The tickets the caller sees. Filters: id, ticket_no, source, source_id,\n"
            "category_main, category_sub, status, priority, referred_to, escalated_to,\n"
            "disposition, contact_id, assigned_to, created_by, created_on, updated_on.\n"
            "search: full text over narrative, resolution, contact names and phone, and\n"
            "messages. Returns {\"total\": n, \"items\": [...]}, newest first.");
    bind_csv_and_report(
        cls, "export_tickets_csv",
        [](Services& s, const Principal& who, const ListQuery& q, const CsvSink& out) {
            s.cases.export_tickets_csv(who, q, out);
        },
        "report_tickets",
        [](Services& s, const Principal& who, const ListQuery& q, const std::vector<std::string>& x,
           const std::vector<std::string>& y) { return s.cases.report_tickets(who, q, x, y); },
        "Group fields: source, category_main, category_sub, status, priority,\n"
        "referred_to, escalated_to, disposition.\n\n" SB_PY_REPORT_DOC);
    cls
        .def(
            "ticket_history",
            [](PyDatabase& self, const std::string& token, std::int64_t ticket_id) {
                return json_served(self, token, [&](Services& s, const Principal& who) {
                    return s.cases.ticket_history(who, ticket_id);
                });
            },
            py::arg("token"), py::arg("ticket_id"),
            "The ticket's changes, oldest first: {\"field\", \"old_value\", \"new_value\",\n"
            "\"user_id\", \"actor\", \"time_ms\", ...}; the first row's field is \"created\".")

        // ------------------------------------------ Customer Care Registry
        .def(
            "assign_ticket",
            [](PyDatabase& self, const std::string& token, std::int64_t ticket_id, std::int64_t agent_id) {
                return json_served(self, token, [&](Services& s, const Principal& who) {
                    return s.cases.assign_ticket(who, ticket_id, agent_id);
                });
            },
            py::arg("token"), py::arg("ticket_id"), py::arg("agent_id"),
            "Admins and supervisors: assigns the ticket to an active staff member of the\n"
            "organisation. Returns the ticket.")
        .def(
            "close_ticket",
            [](PyDatabase& self, const std::string& token, std::int64_t ticket_id) {
                return json_served(self, token, [&](Services& s, const Principal& who) {
                    return s.cases.close_ticket(who, ticket_id);
                });
            },
            py::arg("token"), py::arg("ticket_id"),
            "Closes the ticket (its customer, its agent, or an admin or supervisor).")

        // ------------------------------------------------------ conversations
        .def(
            "post_message",
            [](PyDatabase& self, const std::string& token, std::int64_t ticket_id, const std::string& body) {
                return json_served(self, token, [&](Services& s, const Principal& who) {
                    return s.cases.post_message(who, ticket_id, body);
                });
            },
            py::arg("token"), py::arg("ticket_id"), py::arg("body"),
            "Adds a message to the ticket's conversation; InvalidArgument once the ticket\n"
            "is closed. Returns {\"id\", \"ticket_id\", \"author_id\", \"author\",\n"
            "\"author_role\", \"body\", \"time_ms\"}.")
        .def(
            "list_messages",
            [](PyDatabase& self, const std::string& token, std::int64_t ticket_id) {
                return json_served(self, token, [&](Services& s, const Principal& who) {
                    return s.cases.list_messages(who, ticket_id);
                });
            },
            py::arg("token"), py::arg("ticket_id"), "The ticket's conversation, in order.");
}

}  // namespace switchboard::python
