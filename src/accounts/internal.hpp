// Internal helpers shared by the accounts sources: role checks and the
// activity record each authenticated operation leaves.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "store/accounts_store.hpp"
#include "switchboard/accounts.hpp"
#include "switchboard/error.hpp"

namespace switchboard::detail {

void record_activity(store::AccountsStore& store, const Principal& who, std::string_view operation, bool ok,
                     std::string_view summary);

// Throws forbidden unless who holds one of the roles; also refuses dev
// tokens and sessions that must change their password first.
void require_role(const Principal& who, std::initializer_list<Role> roles);

// Runs fn and records the call (OK or KO with the error's message).
template <class F>
auto audited(store::AccountsStore& store, const Principal& who, std::string_view operation, std::string summary,
             F&& fn) -> decltype(fn()) {
    try {
        if constexpr (std::is_void_v<decltype(fn())>) {
            fn();
            record_activity(store, who, operation, true, summary);
        } else {
            auto result = fn();
            record_activity(store, who, operation, true, summary);
            return result;
        }
    } catch (const Error& e) {
        record_activity(store, who, operation, false, summary.empty() ? e.what() : summary + ": " + e.what());
        throw;
    }
}

// Checks of single values; throw Error(invalid_argument, field).
void check_username(std::string_view username, const char* field = "username");
std::string trimmed(std::string_view s);

}  // namespace switchboard::detail
