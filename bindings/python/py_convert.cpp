// switchboard Python bindings: JSON text <-> Python objects, list queries.
#include <string>

#include "py_common.hpp"
#include "switchboard/error.hpp"

namespace switchboard::python {

py::object from_json(const std::string& text) {
    return py::module_::import("json").attr("loads")(py::str(text));
}

std::string to_json_text(py::handle value) {
    return py::module_::import("json").attr("dumps")(value, py::arg("allow_nan") = false).cast<std::string>();
}

std::string fields_to_json(const py::object& fields, const py::kwargs& kwargs) {
    py::dict merged;
    if (!fields.is_none()) {
        if (!py::hasattr(fields, "keys"))
            throw Error(ErrorCode::invalid_argument,
                        "fields must be a mapping (a dict of field names to values), got " +
                            std::string(py::str(py::type::of(fields).attr("__name__"))));
        merged = py::dict(fields);
    }
    for (auto item : kwargs) merged[item.first] = item.second;
    return to_json_text(merged);
}

namespace {

bool is_instance_of(py::handle value, const char* module, const char* type) {
    return py::isinstance(value, py::module_::import(module).attr(type));
}

// datetime.datetime -> Unix milliseconds (a naive datetime is taken as UTC);
// datetime.date -> "YYYY-MM-DD"; str and int as they are.
std::string time_bound(py::handle value, const std::string& field) {
    if (PyBool_Check(value.ptr()))
        throw Error(ErrorCode::invalid_argument, "filter " + field + ": a range bound cannot be a bool", field);
    if (py::isinstance<py::str>(value)) return value.cast<std::string>();
    if (py::isinstance<py::int_>(value)) return std::to_string(value.cast<long long>());
    if (is_instance_of(value, "datetime", "datetime")) {
        auto dt_mod = py::module_::import("datetime");
        py::object utc = dt_mod.attr("timezone").attr("utc");
        py::object dt = py::reinterpret_borrow<py::object>(value);
        if (dt.attr("tzinfo").is_none()) dt = dt.attr("replace")(py::arg("tzinfo") = utc);
        py::object epoch = dt_mod.attr("datetime")(1970, 1, 1, py::arg("tzinfo") = utc);
        py::object ms = dt_mod.attr("timedelta")(py::arg("milliseconds") = 1);
        py::object n = (dt - epoch).attr("__floordiv__")(ms);
        return std::to_string(n.cast<long long>());
    }
    if (is_instance_of(value, "datetime", "date")) return value.attr("isoformat")().cast<std::string>();
    throw Error(ErrorCode::invalid_argument,
                "filter " + field + ": expected a str, an int, a date or a datetime, got " +
                    std::string(py::str(py::type::of(value).attr("__name__"))),
                field);
}

std::string filter_value(py::handle value, const std::string& field) {
    if (PyBool_Check(value.ptr())) return value.ptr() == Py_True ? "1" : "0";
    if (py::isinstance<py::tuple>(value) || py::isinstance<py::list>(value)) {
        auto seq = py::reinterpret_borrow<py::sequence>(value);
        if (py::len(seq) != 2)
            throw Error(ErrorCode::invalid_argument,
                        "filter " + field + ": a range is a (from, to) pair", field);
        return time_bound(seq[0], field) + " to " + time_bound(seq[1], field);
    }
    return time_bound(value, field);
}

void add_filter(ListQuery& q, py::handle name, py::handle value) {
    if (!py::isinstance<py::str>(name))
        throw Error(ErrorCode::invalid_argument, "filter names must be strings", "filters");
    auto field = name.cast<std::string>();
    q.filters.emplace_back(field, filter_value(value, field));
}

}  // namespace

ListQuery list_query(const py::object& filters, std::optional<int> count, std::int64_t offset,
                     const std::string& search) {
    ListQuery q;
    q.count = count;
    q.offset = offset;
    q.search = search;
    if (filters.is_none()) return q;
    if (py::hasattr(filters, "items")) {
        for (auto item : filters.attr("items")()) {
            auto pair = py::reinterpret_borrow<py::tuple>(item);
            add_filter(q, pair[0], pair[1]);
        }
        return q;
    }
    if (py::isinstance<py::str>(filters) || !py::hasattr(filters, "__iter__"))
        throw Error(ErrorCode::invalid_argument,
                    "filters must be a dict or a list of (name, value) pairs", "filters");
    for (auto item : filters) {
        if (!py::isinstance<py::sequence>(item) || py::isinstance<py::str>(item) || py::len(item) != 2)
            throw Error(ErrorCode::invalid_argument,
                        "filters must be a dict or a list of (name, value) pairs", "filters");
        auto pair = py::reinterpret_borrow<py::sequence>(item);
        add_filter(q, pair[0], pair[1]);
    }
    return q;
}

}  // namespace switchboard::python
