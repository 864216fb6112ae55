#pragma once

#define SWITCHBOARD_VERSION_MAJOR 0
#define SWITCHBOARD_VERSION_MINOR 2
#define SWITCHBOARD_VERSION_PATCH 0
#define SWITCHBOARD_VERSION_STRING "0.2.0"

namespace switchboard {
// The version of the library that is linked (may differ from the header's).
const char* version() noexcept;
}  // namespace switchboard
