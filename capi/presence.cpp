// C API: agent presence and call queues (switchboard_presence.h).
#include "capi_internal.hpp"
#include "switchboard_presence.h"
