// switchboard Python bindings: the object behind switchboard.Database, shared
// by the files that register its methods (py_database.cpp: accounts and the
// activity log; py_cases.cpp: categories, tickets and conversations;
// py_calls.cpp: calls, QA and statistics; py_files.cpp: files; py_text.cpp:
// phrase pools and text interactions).
//
// Threading: the GIL is released (after the arguments are converted) for
// every call that hashes a password or touches the database, so Python
// threads may share one Database object. A shared/exclusive lock keeps
// close() from pulling the database out from under a running call.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>

#include "py_common.hpp"
#include "switchboard/error.hpp"
#include "switchboard/facade.hpp"
#include "switchboard/json.hpp"

namespace switchboard::python {

class PyDatabase;

// The services of one open database, handed to the operations run without
// the GIL: the facade's modules.
class Services {
public:
    Accounts& accounts;
    ActivityLog& log;
    Cases& cases;
    Calls& calls;
    Database& db;

    // The files service; Error(invalid_argument, "files_dir") when the
    // database has no files directory.
    Files& files();
    PhrasePools& pools() { return sb_.pools(); }
    Interactions& interactions() { return sb_.interactions(); }
    Jobs& jobs() { return sb_.jobs(); }
    Events& events() { return sb_.events(); }
    Presence& presence() { return sb_.presence(); }
    Mailer& mail() { return sb_.mail(); }
    Messages& messages() { return sb_.messages(); }

    explicit Services(Switchboard& sb)
        : accounts(sb.accounts()), log(sb.activity()), cases(sb.cases()), calls(sb.calls()), db(sb.database()),
          sb_(sb) {}

private:
    Switchboard& sb_;
};

class PyDatabase {
public:
    PyDatabase(const std::string& path, SwitchboardOptions options);

    // Runs fn(Accounts&, ActivityLog&, Database&) without the GIL. Called
    // with the GIL held; the arguments fn captures must already be C++ values.
    template <class F>
    auto run(F&& fn) {
        py::gil_scoped_release release;
        std::shared_lock lock(mu_);
        if (!sb_) throw Error(ErrorCode::storage, "the database is closed");
        return fn(sb_->accounts(), sb_->activity(), sb_->database());
    }

    // As run(), for an operation on behalf of the holder of `token`.
    template <class F>
    auto as(const std::string& token, F&& fn) {
        return run([&](Accounts& a, ActivityLog& log, Database&) {
            const Principal who = a.authenticate(token);
            return fn(a, log, who);
        });
    }

    // As as(), with every service: fn(Services&, const Principal&).
    template <class F>
    auto serve(const std::string& token, F&& fn) {
        return with_services([&](Services& s) {
            const Principal who = s.accounts.authenticate(token);
            return fn(s, who);
        });
    }

    // As serve(), for an operation that authenticates (or needs no token)
    // itself: fn(Services&).
    template <class F>
    auto with_services(F&& fn) {
        py::gil_scoped_release release;
        std::shared_lock lock(mu_);
        if (!sb_) throw Error(ErrorCode::storage, "the database is closed");
        Services s(*sb_);
        return fn(s);
    }

    void close();
    bool closed() const;
    const std::string& path() const noexcept { return path_; }
    const std::string& files_dir() const noexcept { return files_dir_; }

private:
    std::string path_;
    std::string files_dir_;
    mutable std::shared_mutex mu_;
    std::unique_ptr<Switchboard> sb_;
};

// Shorthands for the common shapes: an operation that answers a record (as
// JSON text, turned into a dict once the GIL is back).
template <class F>
py::object json_result(PyDatabase& self, F&& fn) {
    std::string text = self.run([&](Accounts& a, ActivityLog& log, Database& db) {
        return json::to_json(fn(a, log, db));
    });
    return from_json(text);
}

template <class F>
py::object json_result_as(PyDatabase& self, const std::string& token, F&& fn) {
    std::string text = self.as(token, [&](Accounts& a, ActivityLog& log, const Principal& who) {
        return json::to_json(fn(a, log, who));
    });
    return from_json(text);
}

// fn(Services&, const Principal&) answers a record.
template <class F>
py::object json_served(PyDatabase& self, const std::string& token, F&& fn) {
    std::string text = self.serve(token, [&](Services& s, const Principal& who) { return json::to_json(fn(s, who)); });
    return from_json(text);
}

// --- CSV exports and pivot reports (py_export.cpp)
using CsvExport = std::function<void(Services&, const Principal&, const CsvSink&)>;
// Runs `fn` without the GIL. With `sink` None the CSV comes back as one str;
// otherwise sink(chunk) is called (with the GIL) for each str chunk, in
// order, and None comes back. An exception raised by the sink stops the
// export and propagates unchanged.
py::object export_csv(PyDatabase& self, const std::string& token, const py::object& sink, const CsvExport& fn);
// Group fields: None, a str (one field) or an iterable of str.
std::vector<std::string> axis_fields(const py::object& axis, const char* name);

// Docstrings shared by the list, export and report methods.
extern const char* const kListDoc;
extern const char* const kExportDoc;
// A macro, so that each report method puts its group fields before it.
#define SB_PY_REPORT_DOC                                                                   \
    "Counts the selected records grouped by the xaxis group fields, then the yaxis\n"     \
    "ones (each a field name or a sequence of them); filters and search select as for\n" \
    "the list method. Returns {\"xaxis\", \"yaxis\", \"total\", \"rows\": [{\"keys\": [...],\n" \
    "\"count\"}]}, rows ordered by their keys; without group fields one row holds the total."

// The CSV export and the pivot report every record list has, bound as
// `csv_name(token, filters, count, offset, search, *, sink)` and
// `report_name(token, xaxis, yaxis, filters, search)`.
using CsvOf = std::function<void(Services&, const Principal&, const ListQuery&, const CsvSink&)>;
using ReportOf = std::function<PivotReport(Services&, const Principal&, const ListQuery&,
                                           const std::vector<std::string>&, const std::vector<std::string>&)>;
void bind_csv_and_report(py::class_<PyDatabase>& cls, const char* csv_name, CsvOf csv, const char* report_name,
                         ReportOf report, const char* report_doc);

// --- method groups registered on the Database class
void bind_cases(py::class_<PyDatabase>& cls);   // py_cases.cpp
void bind_calls(py::class_<PyDatabase>& cls);   // py_calls.cpp
void bind_files(py::class_<PyDatabase>& cls);   // py_files.cpp
void bind_text_interactions(py::class_<PyDatabase>& cls);  // py_text.cpp
void bind_jobs_events(py::class_<PyDatabase>& cls);        // py_jobs.cpp
void bind_presence(py::class_<PyDatabase>& cls);           // py_presence.cpp
void bind_mail(py::class_<PyDatabase>& cls);               // py_mail.cpp
void bind_messages(py::class_<PyDatabase>& cls);           // py_messages.cpp

}  // namespace switchboard::python
