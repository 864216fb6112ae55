// switchboard Python bindings: files on switchboard.Database
// (switchboard/files.hpp): upload, info, read, list. Content comes in as any
// bytes-like object and goes out as bytes.
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <string_view>

#include "py_database.hpp"

namespace switchboard::python {

namespace {

// The bytes of a bytes-like object. `bytes` is immutable, so the view points
// into it (the caller keeps the object alive); anything else exporting a
// buffer (bytearray, memoryview, array ...) is copied into `copy`, because
// another thread could change it while the GIL is released.
std::string_view content_of(const py::object& data, std::string& copy) {
    if (PyBytes_Check(data.ptr())) {
        char* p = nullptr;
        Py_ssize_t n = 0;
        if (PyBytes_AsStringAndSize(data.ptr(), &p, &n) != 0) throw py::error_already_set();
        return {p, static_cast<std::size_t>(n)};
    }
    if (py::isinstance<py::str>(data) || !PyObject_CheckBuffer(data.ptr()))
        throw Error(ErrorCode::invalid_argument,
                    "data must be bytes-like (bytes, bytearray, memoryview), got " +
                        std::string(py::str(py::type::of(data).attr("__name__"))),
                    "data");
    // PyBUF_SIMPLE asks for contiguous bytes; other layouts raise BufferError.
    Py_buffer view;
    if (PyObject_GetBuffer(data.ptr(), &view, PyBUF_SIMPLE) != 0) throw py::error_already_set();
    copy.assign(static_cast<const char*>(view.buf), static_cast<std::size_t>(view.len));
    PyBuffer_Release(&view);
    return copy;
}

}  // namespace

void bind_files(py::class_<PyDatabase>& cls) {
    cls.def_property_readonly(
           "files_dir", [](PyDatabase& self) -> std::optional<std::string> {
               if (self.files_dir().empty()) return std::nullopt;
               return self.files_dir();
           },
           "Where uploaded files live (None: this database keeps no files).")
        .def(
            "upload_file",
            [](PyDatabase& self, const std::string& token, const std::string& name, const py::object& data,
               const std::string& mime) {
                std::string copy;
                const std::string_view content = content_of(data, copy);
                return json_served(self, token, [&](Services& s, const Principal& who) {
                    return s.files().upload(who, name, mime, content);
                });
            },
            py::arg("token"), py::arg("name"), py::arg("data"), py::arg("mime") = "",
            "Stores `data` (bytes-like) under its SHA-256 in files_dir; `name` (no directory\n"
            "part) and `mime` (default application/octet-stream) are kept as metadata.\n"
            "Refused: empty data (InvalidArgument, field \"file\"), more than max_file_bytes\n"
            "(TooLarge), a name with a path separator, \"..\" or a control character\n"
            "(InvalidArgument, field \"name\"). Returns {\"id\", \"name\", \"mime\", \"size\",\n"
            "\"sha256\", \"uploaded_by\", \"created_ms\"}.")
        .def(
            "file_info",
            [](PyDatabase& self, const std::string& token, std::int64_t file_id) {
                return json_served(self, token,
                                   [&](Services& s, const Principal& who) { return s.files().info(who, file_id); });
            },
            py::arg("token"), py::arg("file_id"),
            "The file's record. Admins and supervisors see every file of the\n"
            "organisation, other roles the files they uploaded.")
        .def(
            "read_file",
            [](PyDatabase& self, const std::string& token, std::int64_t file_id) {
                std::string content = self.serve(
                    token, [&](Services& s, const Principal& who) { return s.files().read(who, file_id); });
                return py::bytes(content);
            },
            py::arg("token"), py::arg("file_id"),
            "The file's content as bytes, checked against its SHA-256 (StorageError when\n"
            "it is missing or altered).")
        .def(
            "read_file_range",
            [](PyDatabase& self, const std::string& token, std::int64_t file_id, std::int64_t offset,
               std::int64_t length) {
                std::string content = self.serve(token, [&](Services& s, const Principal& who) {
                    return s.files().read_range(who, file_id, offset, length);
                });
                return py::bytes(content);
            },
            py::arg("token"), py::arg("file_id"), py::arg("offset"), py::arg("length"),
            "Up to `length` bytes of the file from byte `offset` (fewer at its end), read\n"
            "without loading the rest. The part is not checked against the SHA-256; the\n"
            "content must have the file's size (StorageError otherwise). InvalidArgument:\n"
            "an offset below 0 or past the end (field \"offset\"), a length below 0\n"
            "(field \"length\").")
        .def(
            "list_files",
            [](PyDatabase& self, const std::string& token, const py::object& filters, std::optional<int> count,
               std::int64_t offset, const std::string& search) {
                const ListQuery q = list_query(filters, count, offset, search);
                return json_served(self, token,
                                   [&](Services& s, const Principal& who) { return s.files().list(who, q); });
            },
            py::arg("token"), py::arg("filters") = py::none(), py::arg("count") = py::none(),
            py::arg("offset") = 0, py::arg("search") = "",
            "The files the caller sees. Filters: id, name, mime, sha256, uploaded_by,\n"
            "created_on. Returns {\"total\": n, \"items\": [...]}, newest first.");
}

}  // namespace switchboard::python
