// Python bindings: agent presence and call queues (Database methods).
#include "py_database.hpp"

namespace switchboard::python {

void bind_presence(py::class_<PyDatabase>& cls) { (void)cls; }

}  // namespace switchboard::python
