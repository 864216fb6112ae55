// switchboard Python bindings: switchboard.Database, one open database with
// the accounts service and the activity log on it (the methods of the case
// records, calls and files are registered by py_cases.cpp, py_calls.cpp and
// py_files.cpp). Threading: see py_database.hpp.
#include "py_database.hpp"

#include <pybind11/stl.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>

namespace switchboard::python {

namespace {

TokenKind token_kind(const std::string& kind) {
    if (kind == "access") return TokenKind::access;
    if (kind == "dev") return TokenKind::dev;
    throw Error(ErrorCode::invalid_argument, "token kind must be \"access\" or \"dev\", got \"" + kind + "\"",
                "kind");
}

// Where the files of the database at `path` live unless files_dir says:
// "files" beside the database file; none for an in-memory database.
std::string default_files_dir(const std::string& path) {
    if (path.empty() || path == ":memory:") return {};
    const std::filesystem::path db_file = std::filesystem::absolute(path);
    return (db_file.parent_path() / "files").string();
}

}  // namespace

PyDatabase::PyDatabase(const std::string& path, SwitchboardOptions options)
    : path_(path), files_dir_(options.files_dir) {
    if (options.max_file_bytes < 1)
        throw Error(ErrorCode::invalid_argument, "max_file_bytes must be 1 or more", "max_file_bytes");
    py::gil_scoped_release release;
    sb_ = std::make_unique<Switchboard>(path, std::move(options));
}

void PyDatabase::close() {
    py::gil_scoped_release release;
    std::unique_lock lock(mu_);
    sb_.reset();  // stops the job workers first, then closes every module and the database
}

bool PyDatabase::closed() const {
    std::shared_lock lock(mu_);
    return !sb_;
}

Files& Services::files() {
    try {
        return sb_.files();
    } catch (const Error& e) {
        if (e.field() == "files_dir")
            throw Error(e.code(), "this database has no files directory: open it with Database(..., files_dir=...)",
                        "files_dir");
        // The options' names as the Python keywords spell them.
        if (e.field() == "dir") throw Error(e.code(), e.what(), "files_dir");
        if (e.field() == "max_bytes") throw Error(e.code(), e.what(), "max_file_bytes");
        throw;
    }
}

void bind_database(py::module_& m) {
    const DatabaseOptions dbo;
    const AccountsOptions ao;

    py::class_<PyDatabase> cls(m, "Database",
                           "An open switchboard database with its accounts service and activity log.\n\n"
                           "Records come back as dicts whose keys are the JSON field names of\n"
                           "switchboard/json.hpp; times are Unix milliseconds in keys ending in _ms.\n"
                           "Methods that act for a user take that user's access token first.");
    cls.def(py::init([](const py::object& path_like, bool create, int busy_timeout_ms, int reader_connections,
                         bool synchronous_full, unsigned long long pwhash_opslimit, std::size_t pwhash_memlimit,
                         std::int64_t session_idle_ms, std::int64_t session_absolute_ms,
                         std::int64_t dev_token_absolute_ms, std::int64_t verification_ttl_ms,
                         std::int64_t reset_code_ttl_ms, int reset_code_max_attempts, int max_failed_sign_ins,
                         std::int64_t failed_window_ms, std::int64_t lockout_ms, int list_default_count,
                         int list_max_count, const std::string& public_url, const py::object& files_dir,
                         std::int64_t max_file_bytes, int job_workers, std::int64_t job_lease_ms,
                         int job_max_attempts, std::int64_t job_retry_backoff_ms, std::int64_t max_backlog_bytes,
                         const py::object& key_file, const std::string& smtp_url, const std::string& smtp_tls,
                         const std::string& smtp_username, const std::string& smtp_password,
                         const std::string& smtp_from, std::int64_t smtp_timeout_ms, int mail_max_attempts,
                         std::int64_t mail_fetch_ms, const std::string& stt, const std::string& stt_preset,
                         double max_call_seconds, int hold_min_ms, std::int64_t record_cache_bytes) {
                 // str, bytes or any os.PathLike
                 auto fspath = py::module_::import("os").attr("fspath");
                 const auto path = fspath(path_like).cast<std::string>();
                 SwitchboardOptions options;
                 options.files_dir =
                     files_dir.is_none() ? default_files_dir(path) : fspath(files_dir).cast<std::string>();
                 options.max_file_bytes = max_file_bytes;
                 DatabaseOptions& d = options.database;
                 d.create = create;
                 d.busy_timeout_ms = busy_timeout_ms;
                 d.reader_connections = reader_connections;
                 d.synchronous_full = synchronous_full;
                 if (record_cache_bytes < 0)
                     throw Error(ErrorCode::invalid_argument, "record_cache_bytes must be 0 or more",
                                 "record_cache_bytes");
                 d.record_cache_bytes = static_cast<std::size_t>(record_cache_bytes);
                 AccountsOptions& o = options.accounts;
                 o.pwhash_opslimit = pwhash_opslimit;
                 o.pwhash_memlimit = pwhash_memlimit;
                 o.session_idle_ms = session_idle_ms;
                 o.session_absolute_ms = session_absolute_ms;
                 o.dev_token_absolute_ms = dev_token_absolute_ms;
                 o.verification_ttl_ms = verification_ttl_ms;
                 o.reset_code_ttl_ms = reset_code_ttl_ms;
                 o.reset_code_max_attempts = reset_code_max_attempts;
                 o.max_failed_sign_ins = max_failed_sign_ins;
                 o.failed_window_ms = failed_window_ms;
                 o.lockout_ms = lockout_ms;
                 o.list_limits.default_count = list_default_count;
                 o.list_limits.max_count = list_max_count;
                 o.public_url = public_url;
                 JobsOptions& j = options.jobs;
                 j.workers = job_workers;
                 j.lease_ms = job_lease_ms;
                 j.max_attempts = job_max_attempts;
                 j.retry_backoff_ms = job_retry_backoff_ms;
                 j.max_backoff_ms = std::max(j.max_backoff_ms, job_retry_backoff_ms);
                 j.max_backlog_bytes = max_backlog_bytes;
                 if (!key_file.is_none()) options.key_file = fspath(key_file).cast<std::string>();
                 MailerOptions& m = options.mail;
                 m.smtp.url = smtp_url;
                 m.smtp.tls = smtp_tls;
                 m.smtp.username = smtp_username;
                 m.smtp.password = smtp_password;
                 m.smtp.timeout_ms = smtp_timeout_ms;
                 m.from = smtp_from;
                 m.max_attempts = mail_max_attempts;
                 options.messages.mail_fetch_ms = mail_fetch_ms;
                 InteractionOptions& calls = options.interactions;
                 calls.max_call_seconds = max_call_seconds;
                 calls.hold_min_ms = hold_min_ms;
                 calls.validate();
                 if (stt == "pocketsphinx") {
                     PocketSphinxOptions p;
                     p.preset = stt_preset;
                     calls.transcriber = make_pocketsphinx(p);
                 } else if (stt != "none") {
                     throw Error(ErrorCode::invalid_argument, "stt must be \"pocketsphinx\" or \"none\"", "stt");
                 }
                 return std::make_unique<PyDatabase>(path, std::move(options));
             }),
             py::arg("path"), py::kw_only(), py::arg("create") = dbo.create,
             py::arg("busy_timeout_ms") = dbo.busy_timeout_ms,
             py::arg("reader_connections") = dbo.reader_connections,
             py::arg("synchronous_full") = dbo.synchronous_full,
             py::arg("pwhash_opslimit") = ao.pwhash_opslimit, py::arg("pwhash_memlimit") = ao.pwhash_memlimit,
             py::arg("session_idle_ms") = ao.session_idle_ms,
             py::arg("session_absolute_ms") = ao.session_absolute_ms,
             py::arg("dev_token_absolute_ms") = ao.dev_token_absolute_ms,
             py::arg("verification_ttl_ms") = ao.verification_ttl_ms,
             py::arg("reset_code_ttl_ms") = ao.reset_code_ttl_ms,
             py::arg("reset_code_max_attempts") = ao.reset_code_max_attempts,
             py::arg("max_failed_sign_ins") = ao.max_failed_sign_ins,
             py::arg("failed_window_ms") = ao.failed_window_ms, py::arg("lockout_ms") = ao.lockout_ms,
             py::arg("list_default_count") = ao.list_limits.default_count,
             py::arg("list_max_count") = ao.list_limits.max_count, py::arg("public_url") = ao.public_url,
             py::arg("files_dir") = py::none(), py::arg("max_file_bytes") = FilesOptions{}.max_bytes,
             py::arg("job_workers") = JobsOptions{}.workers, py::arg("job_lease_ms") = JobsOptions{}.lease_ms,
             py::arg("job_max_attempts") = JobsOptions{}.max_attempts,
             py::arg("job_retry_backoff_ms") = JobsOptions{}.retry_backoff_ms,
             py::arg("max_backlog_bytes") = JobsOptions{}.max_backlog_bytes, py::arg("key_file") = py::none(),
             py::arg("smtp_url") = "", py::arg("smtp_tls") = SmtpSettings{}.tls, py::arg("smtp_username") = "",
             py::arg("smtp_password") = "", py::arg("smtp_from") = MailerOptions{}.from,
             py::arg("smtp_timeout_ms") = SmtpSettings{}.timeout_ms,
             py::arg("mail_max_attempts") = MailerOptions{}.max_attempts,
             py::arg("mail_fetch_ms") = MessagesOptions{}.mail_fetch_ms, py::arg("stt") = "none",
             py::arg("stt_preset") = "balanced", py::arg("max_call_seconds") = InteractionOptions{}.max_call_seconds,
             py::arg("hold_min_ms") = InteractionOptions{}.hold_min_ms,
             py::arg("record_cache_bytes") = static_cast<std::int64_t>(dbo.record_cache_bytes),
             "Opens (creating and migrating) the database at `path` (a str or os.PathLike);\n"
             "\":memory:\" is a private "
             "in-memory database. The keyword arguments are DatabaseOptions and AccountsOptions,\n"
             "files_dir (where uploaded files live; default: \"files\" beside the database\n"
             "file, none for \":memory:\") and max_file_bytes (the largest upload), the\n"
             "JobsOptions (job_workers: 0 runs no background job in this process),\n"
             "key_file (the key that seals job payloads; default \"<path>.key\"), and the\n"
             "mailer's: smtp_url (\"\": mails wait in the outbox, unsent), smtp_tls, smtp_username,\n"
             "smtp_password, smtp_from, smtp_timeout_ms, mail_max_attempts; mail_fetch_ms (how\n"
             "often the organisations' mailboxes are read into tickets; 0: only when asked);\n"
             "calls: stt (\"pocketsphinx\" transcribes recorded calls; \"none\", the default,\n"
             "analyses them acoustically), stt_preset, max_call_seconds, hold_min_ms;\n"
             "record_cache_bytes (memory for tickets kept between reads; 0 keeps none).")

        // ------------------------------------------------------------ database
        .def_property_readonly("path", &PyDatabase::path)
        .def_property_readonly("closed", &PyDatabase::closed)
        .def_property_readonly(
            "schema_version",
            [](PyDatabase& self) {
                return self.run([](Accounts&, ActivityLog&, Database& db) { return db.schema_version(); });
            },
            "The schema version of the open database.")
        .def_static("latest_schema_version", &Database::latest_schema_version)
        .def(
            "record_cache_stats",
            [](PyDatabase& self) {
                const RecordCacheStats s =
                    self.run([](Accounts&, ActivityLog&, Database& db) { return db.record_cache_stats(); });
                py::dict d;
                d["hits"] = s.hits;
                d["misses"] = s.misses;
                d["records"] = s.records;
                d["bytes"] = s.bytes;
                d["max_bytes"] = s.max_bytes;
                return d;
            },
            "The tickets kept in memory between reads: {hits, misses, records, bytes, max_bytes}\n"
            "(reads by id that found the ticket kept or not, tickets kept, their memory and the budget).")
        .def("close", &PyDatabase::close, "Closes the database; later calls raise StorageError. Idempotent.")
        .def("__enter__", [](py::object self) { return self; })
        .def("__exit__", [](PyDatabase& self, py::args) { self.close(); })
        .def("__repr__",
             [](PyDatabase& self) {
                 return "<switchboard.Database " + std::string(py::repr(py::str(self.path()))) +
                        (self.closed() ? " (closed)>" : ">");
             })

        // ------------------------------------------------ sign-up and sign-in
        .def(
            "sign_up",
            [](PyDatabase& self, std::string company_name, std::string email, std::string phone,
               std::string password, bool email_verified) {
                SignUp r;
                r.company_name = std::move(company_name);
                r.email = std::move(email);
                r.phone = std::move(phone);
                r.password = std::move(password);
                r.email_verified = email_verified;
                return json_result(self, [&](Accounts& a, ActivityLog&, Database&) { return a.sign_up(r); });
            },
            py::arg("company_name"), py::arg("email"), py::arg("phone"), py::arg("password"), py::kw_only(),
            py::arg("email_verified") = false,
            "Creates an organisation and its admin, and queues the verification email.\n"
            "email_verified=True (for a program that has checked the address itself) skips\n"
            "the verification. Returns {\"organisation\": {...}, \"admin\": {...}}.")
        .def(
            "verify_email",
            [](PyDatabase& self, const std::string& key) {
                return self.run([&](Accounts& a, ActivityLog&, Database&) { return a.verify_email(key); });
            },
            py::arg("key"), "True when the key was valid, unused and unexpired; it is then spent.")
        .def(
            "sign_in",
            [](PyDatabase& self, const std::string& login, const std::string& password) {
                return json_result(self,
                                   [&](Accounts& a, ActivityLog&, Database&) { return a.sign_in(login, password); });
            },
            py::arg("login"), py::arg("password"),
            "`login` is an email address or a username. Returns {\"token\", \"expires_ms\", \"principal\"}.\n"
            "Raises CredentialsError(\"credentials didn't match\") for a wrong login or password\n"
            "and while the account is locked.")
        .def(
            "sign_out",
            [](PyDatabase& self, const std::string& token) {
                self.run([&](Accounts& a, ActivityLog&, Database&) { a.sign_out(token); });
            },
            py::arg("token"))
        .def(
            "authenticate",
            [](PyDatabase& self, const std::string& token, const std::string& kind) {
                const TokenKind k = token_kind(kind);
                return json_result(self,
                                   [&](Accounts& a, ActivityLog&, Database&) { return a.authenticate(token, k); });
            },
            py::arg("token"), py::arg("kind") = "access",
            "The principal behind a token of the given kind (\"access\" or \"dev\"); raises\n"
            "Unauthorized for an unknown, expired or revoked token, or one of the other kind.")

        // ---------------------------------------------------------- passwords
        .def(
            "request_password_reset",
            [](PyDatabase& self, const std::string& email) {
                self.run([&](Accounts& a, ActivityLog&, Database&) { a.request_password_reset(email); });
            },
            py::arg("email"),
            "Queues a one-time code when the email belongs to an account; silent either way.")
        .def(
            "reset_password",
            [](PyDatabase& self, const std::string& email, const std::string& code, const std::string& password) {
                self.run([&](Accounts& a, ActivityLog&, Database&) { a.reset_password(email, code, password); });
            },
            py::arg("email"), py::arg("code"), py::arg("new_password"))
        .def(
            "change_password",
            [](PyDatabase& self, const std::string& token, const std::string& current, const std::string& fresh,
               const std::optional<std::string>& confirm) {
                self.as(token, [&](Accounts& a, ActivityLog&, const Principal& who) {
                    a.change_password(who, current, fresh,
                                      confirm ? std::optional<std::string_view>(*confirm) : std::nullopt);
                });
            },
            py::arg("token"), py::arg("current_password"), py::arg("new_password"), py::kw_only(),
            py::arg("confirm") = py::none(),
            "Changes the caller's password; every session of the caller ends, this one included.\n"
            "confirm, when given, must equal new_password (InvalidArgument, field\n"
            "\"password_confirm\", \"passwords don't match\").")
        .def(
            "admin_reset_password",
            [](PyDatabase& self, const std::string& token, std::int64_t user_id) {
                return self.as(token, [&](Accounts& a, ActivityLog&, const Principal& who) {
                    return a.admin_reset_password(who, user_id).temporary_password;
                });
            },
            py::arg("token"), py::arg("user_id"),
            "Gives the user a temporary password (returned once) to change at next sign-in.")

        // -------------------------------------------------------------- users
        .def(
            "register_customer",
            [](PyDatabase& self, std::int64_t org_id, std::string email, std::string password,
               std::string password_confirm, std::string first_name, std::string last_name,
               std::optional<std::string> username, std::optional<std::string> phone) {
                Registration r;
                r.org_id = org_id;
                r.email = std::move(email);
                r.password = std::move(password);
                r.password_confirm = std::move(password_confirm);
                r.first_name = std::move(first_name);
                r.last_name = std::move(last_name);
                r.username = username.value_or("");
                r.phone = phone.value_or("");
                return json_result(self,
                                   [&](Accounts& a, ActivityLog&, Database&) { return a.register_customer(r); });
            },
            py::arg("org_id"), py::arg("email"), py::arg("password"), py::arg("password_confirm"),
            py::arg("first_name"), py::arg("last_name"), py::arg("username") = py::none(),
            py::arg("phone") = py::none(), "A customer registering with an organisation. Returns the user.")
        .def(
            "create_user",
            [](PyDatabase& self, const std::string& token, const py::object& fields, const py::kwargs& kwargs) {
                const UserFields f = json::user_fields_from_json(fields_to_json(fields, kwargs));
                return json_result_as(self, token, [&](Accounts& a, ActivityLog&, const Principal& who) {
                    return a.create_user(who, f);
                });
            },
            py::arg("token"), py::arg("fields") = py::none(),
            "Fields (a dict and/or keywords): username, email, phone, first_name, last_name,\n"
            "extension, photo, password, role, active. Returns {\"user\", \"temporary_password\"};\n"
            "temporary_password is set when no password was given.")
        .def(
            "update_user",
            [](PyDatabase& self, const std::string& token, std::int64_t user_id, const py::object& fields,
               const py::kwargs& kwargs) {
                const UserFields f = json::user_fields_from_json(fields_to_json(fields, kwargs));
                return json_result_as(self, token, [&](Accounts& a, ActivityLog&, const Principal& who) {
                    return a.update_user(who, user_id, f);
                });
            },
            py::arg("token"), py::arg("user_id"), py::arg("fields") = py::none(),
            "Changes the given fields (as for create_user); returns the user.")
        .def(
            "get_user",
            [](PyDatabase& self, const std::string& token, std::int64_t user_id) {
                return json_result_as(self, token, [&](Accounts& a, ActivityLog&, const Principal& who) {
                    return a.get_user(who, user_id);
                });
            },
            py::arg("token"), py::arg("user_id"))
        .def(
            "list_users",
            [](PyDatabase& self, const std::string& token, const py::object& filters, std::optional<int> count,
               std::int64_t offset, const std::string& search) {
                const ListQuery q = list_query(filters, count, offset, search);
                return json_result_as(self, token, [&](Accounts& a, ActivityLog&, const Principal& who) {
                    return a.list_users(who, q);
                });
            },
            py::arg("token"), py::arg("filters") = py::none(), py::arg("count") = py::none(),
            py::arg("offset") = 0, py::arg("search") = "", kListDoc)
        .def(
            "deactivate_user",
            [](PyDatabase& self, const std::string& token, std::int64_t user_id) {
                self.as(token, [&](Accounts& a, ActivityLog&, const Principal& who) {
                    a.deactivate_user(who, user_id);
                });
            },
            py::arg("token"), py::arg("user_id"), "Deactivates the user and ends their sessions.");
    bind_csv_and_report(
        cls, "export_users_csv",
        [](Services& s, const Principal& who, const ListQuery& q, const CsvSink& out) {
            s.accounts.export_users_csv(who, q, out);
        },
        "report_users",
        [](Services& s, const Principal& who, const ListQuery& q, const std::vector<std::string>& x,
           const std::vector<std::string>& y) { return s.accounts.report_users(who, q, x, y); },
        "Group fields: role, active.\n\n" SB_PY_REPORT_DOC);
    cls

        // ------------------------------------------------------ organisations
        .def(
            "get_organisation",
            [](PyDatabase& self, const std::string& token, std::optional<std::int64_t> org_id) {
                return json_result_as(self, token, [&](Accounts& a, ActivityLog&, const Principal& who) {
                    return org_id ? a.get_organisation(who, *org_id) : a.get_organisation(who);
                });
            },
            py::arg("token"), py::arg("org_id") = py::none(),
            "The caller's organisation, or (platform operator) the one with id `org_id`.")
        .def(
            "modify_settings",
            [](PyDatabase& self, const std::string& token, const py::object& patch, const py::kwargs& kwargs) {
                const SettingsPatch p = json::settings_patch_from_json(fields_to_json(patch, kwargs));
                return json_result_as(self, token, [&](Accounts& a, ActivityLog&, const Principal& who) {
                    return a.modify_settings(who, p);
                });
            },
            py::arg("token"), py::arg("patch") = py::none(),
            "Changes the caller's organisation in one transaction (all or nothing). Keys:\n"
            "company_name, email, contact_number, password (with current_password),\n"
            "silence_len_ms, interruption_len_ms, list_by, expected_tickets_daily,\n"
            "expected_tickets_weekly, expected_tickets_monthly, min_call_len_s, max_call_len_s.")
        .def(
            "create_operator",
            [](PyDatabase& self, const std::string& username, const std::string& email,
               const std::string& password) {
                return json_result(self, [&](Accounts& a, ActivityLog&, Database&) {
                    return a.create_operator(username, email, password);
                });
            },
            py::arg("username"), py::arg("email"), py::arg("password"),
            "Creates a platform operator (sees organisations, never their records).")
        .def(
            "list_organisations",
            [](PyDatabase& self, const std::string& token, const py::object& filters, std::optional<int> count,
               std::int64_t offset, const std::string& search) {
                const ListQuery q = list_query(filters, count, offset, search);
                return json_result_as(self, token, [&](Accounts& a, ActivityLog&, const Principal& who) {
                    return a.list_organisations(who, q);
                });
            },
            py::arg("token"), py::arg("filters") = py::none(), py::arg("count") = py::none(),
            py::arg("offset") = 0, py::arg("search") = "", kListDoc)
        .def(
            "modify_organisation",
            [](PyDatabase& self, const std::string& token, std::int64_t org_id, const py::object& patch,
               const py::kwargs& kwargs) {
                const SettingsPatch p = json::settings_patch_from_json(fields_to_json(patch, kwargs));
                return json_result_as(self, token, [&](Accounts& a, ActivityLog&, const Principal& who) {
                    return a.modify_organisation(who, org_id, p);
                });
            },
            py::arg("token"), py::arg("org_id"), py::arg("patch") = py::none(),
            "Platform operator: changes an organisation (keys as for modify_settings).")

        // ----------------------------------------------------- developer keys
        .def(
            "add_dev_key",
            [](PyDatabase& self, const std::string& token, const std::string& username) {
                return json_result_as(self, token, [&](Accounts& a, ActivityLog&, const Principal& who) {
                    return a.add_dev_key(who, username);
                });
            },
            py::arg("token"), py::arg("username"),
            "Returns {\"key\": {...}, \"pass_key\": ...}; the full pass key is shown only here.")
        .def(
            "list_dev_keys",
            [](PyDatabase& self, const std::string& token) {
                return json_result_as(self, token, [&](Accounts& a, ActivityLog&, const Principal& who) {
                    return a.list_dev_keys(who);
                });
            },
            py::arg("token"))
        .def(
            "set_dev_key_active",
            [](PyDatabase& self, const std::string& token, const std::string& username, bool active) {
                return json_result_as(self, token, [&](Accounts& a, ActivityLog&, const Principal& who) {
                    return a.set_dev_key_active(who, username, active);
                });
            },
            py::arg("token"), py::arg("username"), py::arg("active"),
            "Activates or deactivates a key; deactivating ends its dev tokens.")
        .def(
            "delete_dev_key",
            [](PyDatabase& self, const std::string& token, const std::string& username) {
                self.as(token, [&](Accounts& a, ActivityLog&, const Principal& who) {
                    a.delete_dev_key(who, username);
                });
            },
            py::arg("token"), py::arg("username"))
        .def(
            "issue_dev_token",
            [](PyDatabase& self, const std::string& email, const std::string& username, const std::string& key) {
                return json_result(self, [&](Accounts& a, ActivityLog&, Database&) {
                    return a.issue_dev_token(email, username, key);
                });
            },
            py::arg("email"), py::arg("username"), py::arg("dev_key"),
            "Exchanges a developer key for a dev token: {\"token\", \"expires_ms\", \"principal\"}.")

        // ------------------------------------------------------- activity log
        .def(
            "list_activity",
            [](PyDatabase& self, const std::string& token, const py::object& filters, std::optional<int> count,
               std::int64_t offset, const std::string& search) {
                const ListQuery q = list_query(filters, count, offset, search);
                return json_result_as(self, token, [&](Accounts&, ActivityLog& log, const Principal& who) {
                    return log.list(who, q);
                });
            },
            py::arg("token"), py::arg("filters") = py::none(), py::arg("count") = py::none(),
            py::arg("offset") = 0, py::arg("search") = "",
            "The organisation's activity log (admins and supervisors). Filters: time,\n"
            "endpoint (exact, or a prefix ending in '*'), status (\"OK\"/\"KO\"), actor.\n"
            "Returns {\"total\": n, \"items\": [...]}, newest first.")
        .def(
            "record_activity",
            [](PyDatabase& self, const std::string& token, const std::string& endpoint, bool ok,
               const std::string& summary, const std::string& kind) {
                const TokenKind k = token_kind(kind);
                self.run([&](Accounts& a, ActivityLog& log, Database&) {
                    log.record(a.authenticate(token, k), endpoint, ok, summary);
                });
            },
            py::arg("token"), py::arg("endpoint"), py::arg("ok") = true, py::arg("summary") = "",
            py::arg("kind") = "access",
            "Writes one entry for the holder of `token` (for adapters written in Python:\n"
            "endpoint \"VERB /path\", a summary without secrets).")

        // ------------------------------------------------------------- outbox
        .def(
            "outbox",
            [](PyDatabase& self, const std::string& to) {
                return json_result(self, [&](Accounts& a, ActivityLog&, Database&) { return a.outbox(to); });
            },
            py::arg("to") = "",
            "Queued emails (all, or those to one address), as read by the mail sender.")
        .def(
            "mark_outbox_sent",
            [](PyDatabase& self, std::int64_t id) {
                return json_result(self,
                                   [&](Accounts& a, ActivityLog&, Database&) { return a.mark_outbox_sent(id); });
            },
            py::arg("id"),
            "The mail sender's receipt: stamps email `id` sent and clears its body (the one-time\n"
            "key or code); answers the email as it now is.");

    bind_cases(cls);
    bind_calls(cls);
    bind_files(cls);
    bind_text_interactions(cls);
    bind_jobs_events(cls);
    bind_presence(cls);
    bind_mail(cls);
    bind_messages(cls);
}

}  // namespace switchboard::python
