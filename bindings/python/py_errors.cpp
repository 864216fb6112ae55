// switchboard Python bindings: switchboard.Error and its subclasses.
//
//   Error                      code ""          (base; catch this for all)
//   ├── InvalidArgument        "invalid_argument"   (also a ValueError)
//   ├── NotFound               "not_found"          (also a LookupError)
//   ├── AlreadyExists          "already_exists"
//   ├── Unauthorized           "unauthorized"
//   ├── Forbidden              "forbidden"
//   ├── CredentialsError       "credentials"
//   ├── Unverified             "unverified"
//   ├── PasswordChangeRequired "password_change_required"
//   ├── TooLarge               "too_large"          (also a ValueError)
//   ├── SchemaError            "schema"
//   ├── StorageError           "storage"
//   ├── InternalError          "internal"
//   └── BusyError              "busy"  (a full job backlog: try again shortly)
//
// Every instance carries `code` (the C++ ErrorCode's name, as the C API and
// the JSON answers spell it), `field` (the input it concerns, or "") and
// `message` (the same text as str(error)).
#include <array>
#include <exception>

#include "py_common.hpp"
#include "switchboard/error.hpp"

namespace switchboard::python {

namespace {

struct ClassSpec {
    ErrorCode code;
    const char* name;      // qualified: "switchboard.InvalidArgument"
    PyObject* extra_base;  // a builtin exception it also derives from, or nullptr
    const char* doc;
};

constexpr std::size_t kCodes = static_cast<std::size_t>(ErrorCode::conflict) + 1;

// Strong references, kept for the life of the process (the classes live in
// the module's namespace too; an extension module is never unloaded).
PyObject* g_base = nullptr;
std::array<PyObject*, kCodes> g_classes{};

PyObject* class_for(ErrorCode code) {
    const auto i = static_cast<std::size_t>(code);
    if (i < kCodes && g_classes[i]) return g_classes[i];
    return g_base;
}

PyObject* new_class(const char* name, py::tuple bases, const char* code, const char* doc) {
    py::dict ns;
    ns["code"] = py::str(code);
    ns["field"] = py::str("");
    PyObject* cls = PyErr_NewExceptionWithDoc(name, doc, bases.ptr(), ns.ptr());
    if (!cls) throw py::error_already_set();
    return cls;
}

void translate(std::exception_ptr p) {
    try {
        if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
        PyObject* cls = class_for(e.code());
        try {
            auto instance = py::reinterpret_borrow<py::object>(cls)(py::str(e.what()));
            instance.attr("code") = py::str(std::string(to_string(e.code())));
            instance.attr("field") = py::str(e.field());
            instance.attr("message") = py::str(e.what());
            PyErr_SetObject(cls, instance.ptr());
        } catch (py::error_already_set&) {
            // Building the instance failed (out of memory, a message that is
            // not UTF-8 ...): still raise the right class, with the text.
            PyErr_Clear();
            PyErr_SetString(cls, e.what());
        }
    }
}

}  // namespace

void register_errors(py::module_& m) {
    static const ClassSpec specs[] = {
        {ErrorCode::invalid_argument, "switchboard.InvalidArgument", PyExc_ValueError,
         "The input is wrong; `field` names it when known."},
        {ErrorCode::not_found, "switchboard.NotFound", PyExc_LookupError,
         "No such record (in the caller's organisation)."},
        {ErrorCode::already_exists, "switchboard.AlreadyExists", nullptr,
         "A unique value (username, email ...) is taken."},
        {ErrorCode::unauthorized, "switchboard.Unauthorized", nullptr,
         "Missing, unknown, expired or wrong kind of token."},
        {ErrorCode::forbidden, "switchboard.Forbidden", nullptr,
         "Authenticated, but the role does not allow it."},
        {ErrorCode::credentials, "switchboard.CredentialsError", nullptr,
         "Sign-in or developer-token exchange refused."},
        {ErrorCode::unverified, "switchboard.Unverified", nullptr,
         "The account's email address is not verified yet."},
        {ErrorCode::password_change_required, "switchboard.PasswordChangeRequired", nullptr,
         "A temporary password must be changed first."},
        {ErrorCode::too_large, "switchboard.TooLarge", PyExc_ValueError,
         "Input over a configured limit."},
        {ErrorCode::schema, "switchboard.SchemaError", nullptr,
         "The database was written by a newer switchboard."},
        {ErrorCode::storage, "switchboard.StorageError", nullptr,
         "The database or the file system failed."},
        {ErrorCode::internal, "switchboard.InternalError", nullptr,
         "A bug in switchboard: please report it."},
        {ErrorCode::busy, "switchboard.BusyError", nullptr,
         "At a configured limit for now (a full job backlog): nothing was stored; try again shortly."},
        {ErrorCode::conflict, "switchboard.ConflictError", nullptr,
         "The record's state does not allow it now (an agent on a call cannot log out)."},
    };

    g_base = new_class("switchboard.Error", py::make_tuple(py::handle(PyExc_Exception)), "",
                       "Base class of every error switchboard raises.\n\n"
                       "Attributes: code (str, e.g. \"invalid_argument\"), field (the input\n"
                       "it concerns, or \"\"), message (str(error)).");
    m.attr("Error") = py::handle(g_base);

    for (const auto& s : specs) {
        py::tuple bases = s.extra_base ? py::make_tuple(py::handle(g_base), py::handle(s.extra_base))
                                       : py::make_tuple(py::handle(g_base));
        const std::string code(to_string(s.code));
        PyObject* cls = new_class(s.name, bases, code.c_str(), s.doc);
        g_classes[static_cast<std::size_t>(s.code)] = cls;
        m.attr(std::string(s.name).substr(sizeof("switchboard.") - 1).c_str()) = py::handle(cls);
    }

    // Local: only exceptions escaping this module are translated here.
    py::register_local_exception_translator(&translate);
}

}  // namespace switchboard::python
