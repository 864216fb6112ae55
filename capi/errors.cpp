// The C API's error model: one code per switchboard::ErrorCode, a per-thread
// message and field, and static fallbacks when memory runs out.
#include <exception>
#include <string>

#include "capi_internal.hpp"
#include "switchboard/version.hpp"

namespace switchboard::capi {

// The C codes are the negated C++ codes: keep the two enums in step.
static_assert(SB_EINVALID == -static_cast<int>(ErrorCode::invalid_argument));
static_assert(SB_ENOTFOUND == -static_cast<int>(ErrorCode::not_found));
static_assert(SB_EEXISTS == -static_cast<int>(ErrorCode::already_exists));
static_assert(SB_EUNAUTHORIZED == -static_cast<int>(ErrorCode::unauthorized));
static_assert(SB_EFORBIDDEN == -static_cast<int>(ErrorCode::forbidden));
static_assert(SB_ECREDENTIALS == -static_cast<int>(ErrorCode::credentials));
static_assert(SB_EUNVERIFIED == -static_cast<int>(ErrorCode::unverified));
static_assert(SB_EPASSWORDCHANGE == -static_cast<int>(ErrorCode::password_change_required));
static_assert(SB_ETOOLARGE == -static_cast<int>(ErrorCode::too_large));
static_assert(SB_ESCHEMA == -static_cast<int>(ErrorCode::schema));
static_assert(SB_ESTORAGE == -static_cast<int>(ErrorCode::storage));
static_assert(SB_EINTERNAL == -static_cast<int>(ErrorCode::internal));

static_assert(SB_VERSION_MAJOR == SWITCHBOARD_VERSION_MAJOR &&
                  SB_VERSION_MINOR == SWITCHBOARD_VERSION_MINOR &&
                  SB_VERSION_PATCH == SWITCHBOARD_VERSION_PATCH,
              "switchboard.h and switchboard/version.hpp disagree on the version");

namespace {

constexpr const char* no_error_message = "no error";
constexpr const char* out_of_memory_message = "out of memory";

struct ErrorState {
    int code = SB_OK;
    // true: message and field could not be stored; report the static text.
    bool out_of_memory = false;
    std::string message;
    std::string field;
};

thread_local ErrorState state;

}  // namespace

void clear_error() noexcept {
    state.code = SB_OK;
    state.out_of_memory = false;
    state.message.clear();  // keeps the capacity: no allocation on success
    state.field.clear();
}

int set_error(int code, std::string_view message, std::string_view field) noexcept {
    state.code = code;
    state.out_of_memory = false;
    try {
        state.message.assign(message);
        state.field.assign(field);
    } catch (...) {
        state.out_of_memory = true;
        state.message.clear();
        state.field.clear();
    }
    return code;
}

int code_of(ErrorCode code) noexcept {
    if (code == ErrorCode::busy) return SB_EBUSY;
    if (code == ErrorCode::conflict) return SB_ECONFLICT;
    const int c = static_cast<int>(code);
    if (c < static_cast<int>(ErrorCode::invalid_argument) || c > static_cast<int>(ErrorCode::internal))
        return SB_EINTERNAL;
    return -c;
}

int from_current_exception() noexcept {
    try {
        throw;
    } catch (const SinkStopped& e) {
        return set_error(SB_ESTOPPED, e.what(), e.field());
    } catch (const Error& e) {
        return set_error(code_of(e.code()), e.what(), e.field());
    } catch (const std::bad_alloc&) {
        return set_error(SB_ENOMEM, out_of_memory_message);
    } catch (const std::exception& e) {
        // Anything that is not a switchboard::Error is a bug in the library.
        try {
            return set_error(SB_EINTERNAL, std::string("internal error: ") + e.what());
        } catch (...) {
            return set_error(SB_EINTERNAL, "internal error");
        }
    } catch (...) {
        return set_error(SB_EINTERNAL, "internal error: unknown exception");
    }
}

}  // namespace switchboard::capi

using namespace switchboard::capi;

extern "C" {

SB_EXTERN const char* sb_version(void) { return switchboard::version(); }

SB_EXTERN const char* sb_last_error(void) {
    if (state.code == SB_OK) return no_error_message;
    if (state.out_of_memory) return out_of_memory_message;
    if (state.message.empty()) return sb_error_name(state.code);
    return state.message.c_str();
}

SB_EXTERN const char* sb_last_error_field(void) {
    if (state.code == SB_OK || state.out_of_memory) return "";
    return state.field.c_str();
}

SB_EXTERN int sb_last_error_code(void) { return state.code; }

SB_EXTERN const char* sb_error_name(int code) {
    switch (code) {
        case SB_OK: return "SB_OK";
        case SB_EINVALID: return "SB_EINVALID";
        case SB_ENOTFOUND: return "SB_ENOTFOUND";
        case SB_EEXISTS: return "SB_EEXISTS";
        case SB_EUNAUTHORIZED: return "SB_EUNAUTHORIZED";
        case SB_EFORBIDDEN: return "SB_EFORBIDDEN";
        case SB_ECREDENTIALS: return "SB_ECREDENTIALS";
        case SB_EUNVERIFIED: return "SB_EUNVERIFIED";
        case SB_EPASSWORDCHANGE: return "SB_EPASSWORDCHANGE";
        case SB_ETOOLARGE: return "SB_ETOOLARGE";
        case SB_ESCHEMA: return "SB_ESCHEMA";
        case SB_ESTORAGE: return "SB_ESTORAGE";
        case SB_EINTERNAL: return "SB_EINTERNAL";
        case SB_ENOMEM: return "SB_ENOMEM";
        case SB_ESTOPPED: return "SB_ESTOPPED";
        case SB_EBUSY: return "SB_EBUSY";
        case SB_ECONFLICT: return "SB_ECONFLICT";
    }
    return "SB_E?";
}

SB_EXTERN void sb_free(void* p) { std::free(p); }

}  // extern "C"
