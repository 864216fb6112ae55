// Internal helpers shared by the accounts sources: role checks and the
// activity record each authenticated operation leaves.
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "store/store.hpp"
#include "switchboard/accounts.hpp"
#include "switchboard/error.hpp"

namespace switchboard::detail {

// A mail of a template kind ("verify", "reset" ...) to `to`: its values,
// and its subject and body written from the library's template (the mailer
// writes it again from the organisation's own template when it sends).
OutboxEmail template_mail(std::string_view kind, const std::string& to, std::map<std::string, std::string> vars);

void record_activity(Database& db, const Principal& who, std::string_view operation, bool ok,
                     std::string_view summary);

// Throws forbidden unless who holds one of the roles; also refuses dev
// tokens and sessions that must change their password first.
void require_role(const Principal& who, std::initializer_list<Role> roles);

// The one rule for who reads a report (an interaction's, the jobs that make
// them, their events): a dev token of the organisation, or the access token
// of one of its admins or supervisors. OctaPy IO3 names the dev token and
// leaves the rest open ("devToken // OR ?"); the same rule holds over HTTP,
// C and Python (docs/interactions.md). Throws forbidden or
// password_change_required as require_role does.
void require_report_reader(const Principal& who);

// Runs fn and records the call (OK or KO with the error's message).
template <class F>
auto audited(Database& db, const Principal& who, std::string_view operation, std::string summary,
             F&& fn) -> decltype(fn()) {
    try {
        if constexpr (std::is_void_v<decltype(fn())>) {
            fn();
            record_activity(db, who, operation, true, summary);
        } else {
            auto result = fn();
            record_activity(db, who, operation, true, summary);
            return result;
        }
    } catch (const Error& e) {
        record_activity(db, who, operation, false, summary.empty() ? e.what() : summary + ": " + e.what());
        throw;
    }
}

// Checks of single values; throw Error(invalid_argument, field).
void check_username(std::string_view username, const char* field = "username");
std::string trimmed(std::string_view s);

}  // namespace switchboard::detail
