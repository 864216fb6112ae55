// switchboard Python bindings: what the binding files share.
//
// The bindings translate and never decide: arguments become the C++ request
// structs, records come back as the JSON of switchboard/json.hpp turned into
// Python dicts (so the keys are the JSON field names), and switchboard::Error
// becomes switchboard.Error or one of its subclasses.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <optional>
#include <string>

#include "switchboard/list.hpp"

namespace switchboard::python {

namespace py = pybind11;

// --- errors (py_errors.cpp)
// Creates switchboard.Error and one subclass per ErrorCode in `m`, and
// registers the translator from switchboard::Error.
void register_errors(py::module_& m);

// --- conversions (py_convert.cpp)
// JSON text (from switchboard::json::to_json) as Python objects.
py::object from_json(const std::string& text);
// A Python value as JSON text (json.dumps, NaN refused).
std::string to_json_text(py::handle value);
// dict(fields or {}, **kwargs) as JSON text: the object form the
// switchboard::json parsers take. `fields` may be None or any mapping.
std::string fields_to_json(const py::object& fields, const py::kwargs& kwargs);
// A ListQuery from the keyword arguments shared by every list method.
// `filters` is None, a mapping or an iterable of (name, value) pairs; a value
// is a str, an int, a bool, a datetime.date/datetime.datetime or a (from, to)
// pair of those (a range on a time field).
ListQuery list_query(const py::object& filters, std::optional<int> count, std::int64_t offset,
                     const std::string& search);

// --- the Database class (py_database.cpp)
void bind_database(py::module_& m);

// --- the audio analysis engine (py_analysis.cpp): analyze_call,
// StreamingAnalyzer, CallAnalysis
void bind_analysis(py::module_& m);

// --- the text analysis engine (py_text.cpp): analyze_text,
// default_phrase_pools
void bind_text(py::module_& m);

}  // namespace switchboard::python
