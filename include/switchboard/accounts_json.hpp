// switchboard: account records as JSON text (organisations, users, developer
// keys, sessions, the activity log, the outbox) and account requests read
// from it. The conventions are json.hpp's: field names are the C++ member
// names, times are Unix milliseconds in fields ending in "_ms", and parsing
// refuses malformed JSON, a value of the wrong type and an unknown key with
// Error(invalid_argument), naming the field.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "switchboard/accounts.hpp"
#include "switchboard/activity.hpp"
#include "switchboard/list.hpp"

namespace switchboard::json {

std::string to_json(const User& u);
std::string to_json(const Organisation& o);
std::string to_json(const DevKey& k);
std::string to_json(const CreatedDevKey& k);
std::string to_json(const CreatedUser& u);
std::string to_json(const SignUpResult& r);
std::string to_json(const Session& s);   // {"token", "expires_ms", "principal": {...}}
std::string to_json(const Principal& p);
std::string to_json(const ActivityEntry& e);
std::string to_json(const OutboxEmail& e);
std::string to_json(const Page<User>& p);          // {"total": n, "items": [...]}
std::string to_json(const Page<Organisation>& p);
std::string to_json(const Page<ActivityEntry>& p);
std::string to_json(const std::vector<DevKey>& keys);
std::string to_json(const std::vector<OutboxEmail>& emails);

// {"company_name", "email", "phone", "password"}
SignUp sign_up_from_json(std::string_view text);
// {"org_id", "email", "password", "password_confirm", "first_name", "last_name", "username"?, "phone"?}
Registration registration_from_json(std::string_view text);
// Any of {"username", "email", "phone", "first_name", "last_name", "extension",
// "photo", "password", "role", "active"}
UserFields user_fields_from_json(std::string_view text);
// Any of {"company_name", "email", "contact_number", "password",
// "current_password", "silence_len_ms", "interruption_len_ms", "list_by",
// "expected_tickets_daily", "expected_tickets_weekly",
// "expected_tickets_monthly", "min_call_len_s", "max_call_len_s"}
SettingsPatch settings_patch_from_json(std::string_view text);

}  // namespace switchboard::json
