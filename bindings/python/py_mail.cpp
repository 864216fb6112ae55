// switchboard Python bindings: the mailer (Database methods): an
// organisation's SMTP settings and mail templates, a test mail, a failed
// mail sent again. The rules are the core's (switchboard/mailer.hpp); this
// file translates. Records come back as the JSON of mailer.hpp's to_json
// turned into dicts.
#include <pybind11/stl.h>

#include <string>

#include "py_database.hpp"
#include "switchboard/mailer.hpp"

namespace switchboard::python {

namespace {

template <class F>
py::object served(PyDatabase& self, const std::string& token, F&& fn) {
    return from_json(self.serve(token, [&](Services& s, const Principal& who) { return fn(s.mail(), who); }));
}

}  // namespace

void bind_mail(py::class_<PyDatabase>& cls) {
    cls.def(
           "mail_settings",
           [](PyDatabase& self, const std::string& token) {
               return served(self, token, [](Mailer& m, const Principal& who) { return to_json(m.settings(who)); });
           },
           py::arg("token"),
           "Admins: the organisation's own SMTP settings: {\"own\" (False: the database's\n"
           "server serves it), \"smtp_url\", \"tls\", \"username\", \"has_password\", \"from\",\n"
           "\"updated_ms\"}. The password is never given back.")
        .def(
            "set_mail_settings",
            [](PyDatabase& self, const std::string& token, const py::object& settings, const py::kwargs& kwargs) {
                const std::string fields = fields_to_json(settings, kwargs);
                return served(self, token, [&](Mailer& m, const Principal& who) {
                    return to_json(m.change_settings(who, mail_settings_from_json(fields)));
                });
            },
            py::arg("token"), py::arg("settings") = py::none(),
            "Admins: the organisation's own server (a dict and/or keywords): smtp_url\n"
            "(smtp:// or smtps://; \"\" removes them), tls (\"starttls\" or \"none\"), username and\n"
            "password (both or neither; the password is sealed in the store), from. Returns\n"
            "the settings.")
        .def(
            "mail_templates",
            [](PyDatabase& self, const std::string& token) {
                return served(self, token, [](Mailer& m, const Principal& who) { return to_json(m.templates(who)); });
            },
            py::arg("token"),
            "Admins: every mail template, the organisation's or the library's: [{\"kind\",\n"
            "\"subject\", \"text\", \"html\", \"enabled\", \"is_default\", \"updated_ms\",\n"
            "\"placeholders\"}] for verify, reset, ticket_created, ticket_assigned,\n"
            "ticket_replied and ticket_closed.")
        .def(
            "set_mail_template",
            [](PyDatabase& self, const std::string& token, const py::object& tpl, const py::kwargs& kwargs) {
                const std::string fields = fields_to_json(tpl, kwargs);
                return served(self, token, [&](Mailer& m, const Principal& who) {
                    return to_json(m.set_template(who, mail_template_from_json(fields)));
                });
            },
            py::arg("token"), py::arg("template") = py::none(),
            "Admins: the organisation's template of a kind (a dict and/or keywords): kind,\n"
            "subject, text, html, enabled. InvalidArgument names the field: an unknown\n"
            "kind, an empty subject or text, a {{placeholder}} the kind does not have,\n"
            "verify or reset switched off.")
        .def(
            "reset_mail_template",
            [](PyDatabase& self, const std::string& token, const std::string& kind) {
                return served(self, token,
                              [&](Mailer& m, const Principal& who) { return to_json(m.reset_template(who, kind)); });
            },
            py::arg("token"), py::arg("kind"), "Admins: the kind back to the library's template; returns it.")
        .def(
            "send_test_mail",
            [](PyDatabase& self, const std::string& token, const std::string& to) {
                return served(self, token,
                              [&](Mailer& m, const Principal& who) { return to_json(m.send_test(who, to)); });
            },
            py::arg("token"), py::arg("to"),
            "Admins: one test mail to `to`, now, with the settings that serve the\n"
            "organisation: {\"server\", \"accepted\", \"permanent\", \"code\", \"reply\"} (a refusal\n"
            "of the server is an answer, not an error).")
        .def(
            "retry_mail",
            [](PyDatabase& self, const std::string& token, std::int64_t outbox_id) {
                return served(self, token,
                              [&](Mailer& m, const Principal& who) { return json::to_json(m.retry(who, outbox_id)); });
            },
            py::arg("token"), py::arg("outbox_id"),
            "Admins: a failed outbox mail queued again (ConflictError for one that did not\n"
            "fail); returns it without its body.")
        .def(
            "dispatch_mail",
            [](PyDatabase& self) { return self.with_services([](Services& s) { return s.mail().dispatch(); }); },
            "Gives every queued mail without a job its job now (the database's own thread\n"
            "does within a few seconds); returns how many.");
}

}  // namespace switchboard::python
