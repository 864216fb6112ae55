// switchboard Python bindings: emails and SMS as records (Database methods;
// OpenCHS sections 7 and 8). The rules are the core's
// (switchboard/messages.hpp); this file translates. Records come back as the
// JSON of messages.hpp's to_json turned into dicts.
#include <pybind11/stl.h>

#include <string>

#include "py_database.hpp"
#include "switchboard/messages.hpp"

namespace switchboard::python {

namespace {

template <class F>
py::object served(PyDatabase& self, const std::string& token, F&& fn) {
    return from_json(self.serve(token, [&](Services& s, const Principal& who) { return to_json(fn(s.messages(), who)); }));
}

}  // namespace

void bind_messages(py::class_<PyDatabase>& cls) {
    cls.def(
           "send_email",
           [](PyDatabase& self, const std::string& token, const py::object& email, const py::kwargs& kwargs) {
               const NewEmail e = new_email_from_json(fields_to_json(email, kwargs));
               return served(self, token, [&](Messages& m, const Principal& who) { return m.send_email(who, e); });
           },
           py::arg("token"), py::arg("email") = py::none(),
           "Staff: stores an email and queues it for the mailer (a dict and/or keywords):\n"
           "subject, text, html, to (a list of addresses; each becomes a contact),\n"
           "attachments (file ids), ticket_id, in_reply_to (a Message-ID). InvalidArgument,\n"
           "NotFound or TooLarge name the field; nothing is stored then. Returns the email:\n"
           "{\"id\", \"status\" (queued, sent, failed), \"folder\", \"recipients\", \"message_id\", ...}.")
        .def(
            "get_email",
            [](PyDatabase& self, const std::string& token, std::int64_t id) {
                return served(self, token, [&](Messages& m, const Principal& who) { return m.email(who, id); });
            },
            py::arg("token"), py::arg("email_id"), "Staff: one email with its bodies.")
        .def(
            "list_emails",
            [](PyDatabase& self, const std::string& token, const py::object& filters, std::optional<int> count,
               std::int64_t offset, const std::string& search) {
                const ListQuery q = list_query(filters, count, offset, search);
                return served(self, token, [&](Messages& m, const Principal& who) { return m.list_emails(who, q); });
            },
            py::arg("token"), py::arg("filters") = py::none(), py::arg("count") = py::none(), py::arg("offset") = 0,
            py::arg("search") = "",
            "Staff: the organisation's emails, newest first. Filters: id, subject, direction,\n"
            "folder, status, from, message_id, thread, ticket_id, created_by, created_on.")
        .def(
            "send_sms",
            [](PyDatabase& self, const std::string& token, const py::object& sms, const py::kwargs& kwargs) {
                const NewSms s = new_sms_from_json(fields_to_json(sms, kwargs));
                return served(self, token, [&](Messages& m, const Principal& who) { return m.send_sms(who, s); });
            },
            py::arg("token"), py::arg("sms") = py::none(),
            "Staff: stores an SMS and queues it for the gateway (a dict and/or keywords): text,\n"
            "to (a list of phone numbers; each becomes a contact), ticket_id. Returns the SMS\n"
            "with each recipient's status (queued, sent, delivered, failed).")
        .def(
            "get_sms",
            [](PyDatabase& self, const std::string& token, std::int64_t id) {
                return served(self, token, [&](Messages& m, const Principal& who) { return m.sms(who, id); });
            },
            py::arg("token"), py::arg("sms_id"), "Staff: one SMS.")
        .def(
            "list_sms",
            [](PyDatabase& self, const std::string& token, const py::object& filters, std::optional<int> count,
               std::int64_t offset, const std::string& search) {
                const ListQuery q = list_query(filters, count, offset, search);
                return served(self, token, [&](Messages& m, const Principal& who) { return m.list_sms(who, q); });
            },
            py::arg("token"), py::arg("filters") = py::none(), py::arg("count") = py::none(), py::arg("offset") = 0,
            py::arg("search") = "",
            "Staff: the organisation's SMS, newest first. Filters: id, text, direction, folder,\n"
            "status, ticket_id, created_by, created_on.");
    cls.def(
           "mailbox",
           [](PyDatabase& self, const std::string& token) {
               return served(self, token, [](Messages& m, const Principal& who) { return m.mailbox(who); });
           },
           py::arg("token"),
           "Admins: the organisation's IMAP mailbox: {\"configured\", \"imap_url\", \"tls\", \"username\",\n"
           "\"has_password\", \"last_uid\", \"last_fetch_ms\", \"last_error\", \"updated_ms\"}.")
        .def(
            "set_mailbox",
            [](PyDatabase& self, const std::string& token, const py::object& box, const py::kwargs& kwargs) {
                const MailboxChange c = mailbox_change_from_json(fields_to_json(box, kwargs));
                return served(self, token, [&](Messages& m, const Principal& who) { return m.set_mailbox(who, c); });
            },
            py::arg("token"), py::arg("mailbox") = py::none(),
            "Admins: the mailbox read into tickets (a dict and/or keywords): imap_url\n"
            "(imap:// or imaps://, with the folder: imap://host:143/INBOX; \"\" removes it), tls,\n"
            "username, password (sealed in the store).")
        .def(
            "fetch_mail",
            [](PyDatabase& self, const std::string& token) {
                return served(self, token, [](Messages& m, const Principal& who) { return m.fetch_mail(who); });
            },
            py::arg("token"),
            "Admins: reads the mailbox now: {\"mails\", \"tickets_created\", \"messages_added\", \"error\"}.");
    bind_csv_and_report(
        cls, "export_emails_csv",
        [](Services& s, const Principal& who, const ListQuery& q, const CsvSink& out) {
            s.messages().export_emails_csv(who, q, out);
        },
        "report_emails",
        [](Services& s, const Principal& who, const ListQuery& q, const std::vector<std::string>& x,
           const std::vector<std::string>& y) { return s.messages().report_emails(who, q, x, y); },
        "Group fields: folder, status, direction, created_by.\n\n" SB_PY_REPORT_DOC);
    bind_csv_and_report(
        cls, "export_sms_csv",
        [](Services& s, const Principal& who, const ListQuery& q, const CsvSink& out) {
            s.messages().export_sms_csv(who, q, out);
        },
        "report_sms",
        [](Services& s, const Principal& who, const ListQuery& q, const std::vector<std::string>& x,
           const std::vector<std::string>& y) { return s.messages().report_sms(who, q, x, y); },
        "Group fields: folder, status, direction, created_by.\n\n" SB_PY_REPORT_DOC);
}

}  // namespace switchboard::python
