// switchboard Python bindings: the private module `_switchboard`.
// The public package `switchboard` (bindings/python/switchboard) re-exports it.
#include <pybind11/pybind11.h>

#include <string>

#include "py_common.hpp"
#include "switchboard/accounts.hpp"
#include "switchboard/store.hpp"
#include "switchboard/version.hpp"

namespace py = pybind11;
namespace sb = switchboard;

PYBIND11_MODULE(_switchboard, m) {
    m.doc() = "switchboard: embeddable contact-centre core (private module; import switchboard)";

    sb::python::register_errors(m);
    sb::python::bind_database(m);
    sb::python::bind_analysis(m);
    sb::python::bind_text(m);

    m.def("version", [] { return std::string(sb::version()); },
          "The version of the linked switchboard library, e.g. \"0.1.0\".");
    m.def("latest_schema_version", &sb::Database::latest_schema_version,
          "The schema version this switchboard writes (and the newest it opens).");
    m.def("check_password_policy", [](const std::string& p) { sb::Accounts::check_password_policy(p); },
          py::arg("password"),
          "Raises InvalidArgument with the policy's message when `password` would be refused.");
    m.def("check_email", [](const std::string& e) { sb::Accounts::check_email(e); }, py::arg("email"),
          "Raises InvalidArgument(\"email isn't valid\") when `email` would be refused.");
    m.def("check_phone", [](const std::string& p) { sb::Accounts::check_phone(p); }, py::arg("phone"),
          "Raises InvalidArgument(\"phone isn't valid\") when `phone` would be refused.");
    m.attr("__version__") = std::string(sb::version());
}
