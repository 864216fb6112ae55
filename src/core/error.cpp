#include "switchboard/error.hpp"
#include "switchboard/version.hpp"

namespace switchboard {

const char* version() noexcept { return SWITCHBOARD_VERSION_STRING; }

std::string_view to_string(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::invalid_argument: return "invalid_argument";
        case ErrorCode::not_found: return "not_found";
        case ErrorCode::already_exists: return "already_exists";
        case ErrorCode::unauthorized: return "unauthorized";
        case ErrorCode::forbidden: return "forbidden";
        case ErrorCode::credentials: return "credentials";
        case ErrorCode::unverified: return "unverified";
        case ErrorCode::password_change_required: return "password_change_required";
        case ErrorCode::too_large: return "too_large";
        case ErrorCode::schema: return "schema";
        case ErrorCode::storage: return "storage";
        case ErrorCode::internal: return "internal";
        case ErrorCode::busy: return "busy";
    }
    return "internal";
}

}  // namespace switchboard
