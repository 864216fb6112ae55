#pragma once

#define SWITCHBOARD_VERSION_MAJOR 0
#define SWITCHBOARD_VERSION_MINOR 1
#define SWITCHBOARD_VERSION_PATCH 0
#define SWITCHBOARD_VERSION_STRING "0.1.0"

namespace switchboard {
// The version of the library that is linked (may differ from the header's).
const char* version() noexcept;
}  // namespace switchboard
