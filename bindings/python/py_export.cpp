// switchboard Python bindings: CSV exports (as one str, or streamed to a
// Python callable) and the group fields of pivot reports.
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "py_database.hpp"

namespace switchboard::python {

const char* const kListDoc =
    "filters: a dict (or list of (name, value) pairs) of exact matches; on time\n"
    "fields a (from, to) pair or \"A to B\" selects a range. count: page size\n"
    "(None: the configured default), offset: records to skip, search: free text.\n"
    "Returns {\"total\": n, \"items\": [...]}, newest first.";

const char* const kExportDoc =
    "The records the list method with the same arguments selects (count and offset\n"
    "apply only when given) as CSV: RFC 4180, CRLF line ends, header row first; a\n"
    "cell starting with = + - @ is prefixed with ' so that a spreadsheet shows it\n"
    "as text. Returns the CSV as a str; with sink=callable (e.g. a text file's\n"
    "write) the CSV is passed to it in chunks of about 64 KiB as it is produced and\n"
    "None is returned. The sink must not call this Database.";

py::object export_csv(PyDatabase& self, const std::string& token, const py::object& sink, const CsvExport& fn) {
    if (sink.is_none()) {
        std::string csv;
        self.serve(token, [&](Services& s, const Principal& who) {
            fn(s, who, [&](std::string_view chunk) { csv.append(chunk); });
        });
        return py::str(csv);
    }
    if (!PyCallable_Check(sink.ptr()))
        throw Error(ErrorCode::invalid_argument,
                    "sink must be callable (e.g. a file's write), got " +
                        std::string(py::str(py::type::of(sink).attr("__name__"))),
                    "sink");
    // The chunks end at row ends, so each is whole UTF-8 text.
    std::optional<py::error_already_set> raised;
    try {
        self.serve(token, [&](Services& s, const Principal& who) {
            fn(s, who, [&](std::string_view chunk) {
                py::gil_scoped_acquire gil;
                try {
                    sink(py::str(chunk.data(), chunk.size()));
                } catch (py::error_already_set& e) {
                    raised.emplace(std::move(e));
                    // Stops the export; the activity log shows it failed.
                    throw Error(ErrorCode::invalid_argument, "the sink raised an exception", "sink");
                }
            });
        });
    } catch (const Error&) {
        if (raised) throw *raised;  // the sink's own exception, unchanged
        throw;
    }
    return py::none();
}

std::vector<std::string> axis_fields(const py::object& axis, const char* name) {
    std::vector<std::string> fields;
    if (axis.is_none()) return fields;
    if (py::isinstance<py::str>(axis)) {
        fields.push_back(axis.cast<std::string>());
        return fields;
    }
    if (!py::hasattr(axis, "__iter__"))
        throw Error(ErrorCode::invalid_argument, std::string(name) + " must be a field name or a sequence of them",
                    name);
    for (auto item : axis) {
        if (!py::isinstance<py::str>(item))
            throw Error(ErrorCode::invalid_argument, std::string(name) + " must hold field names (str)", name);
        fields.push_back(item.cast<std::string>());
    }
    return fields;
}

void bind_csv_and_report(py::class_<PyDatabase>& cls, const char* csv_name, CsvOf csv, const char* report_name,
                         ReportOf report, const char* report_doc) {
    cls.def(
           csv_name,
           [csv](PyDatabase& self, const std::string& token, const py::object& filters, std::optional<int> count,
                 std::int64_t offset, const std::string& search, const py::object& sink) {
               const ListQuery q = list_query(filters, count, offset, search);
               return export_csv(self, token, sink, [&](Services& s, const Principal& who, const CsvSink& out) {
                   csv(s, who, q, out);
               });
           },
           py::arg("token"), py::arg("filters") = py::none(), py::arg("count") = py::none(), py::arg("offset") = 0,
           py::arg("search") = "", py::kw_only(), py::arg("sink") = py::none(), kExportDoc)
        .def(
            report_name,
            [report](PyDatabase& self, const std::string& token, const py::object& xaxis, const py::object& yaxis,
                     const py::object& filters, const std::string& search) {
                const auto x = axis_fields(xaxis, "xaxis");
                const auto y = axis_fields(yaxis, "yaxis");
                const ListQuery q = list_query(filters, std::nullopt, 0, search);
                return json_served(self, token,
                                   [&](Services& s, const Principal& who) { return report(s, who, q, x, y); });
            },
            py::arg("token"), py::arg("xaxis") = py::tuple(), py::arg("yaxis") = py::tuple(),
            py::arg("filters") = py::none(), py::arg("search") = "", report_doc);
}

}  // namespace switchboard::python
