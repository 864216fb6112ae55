// Account records as JSON (organisations, users, developer keys, sessions,
// the activity log, the outbox) and account requests read from JSON.
#include <boost/json.hpp>

#include "core/json_parse.hpp"
#include "core/json_text.hpp"
#include "switchboard/accounts_json.hpp"

namespace switchboard::json {

namespace bj = boost::json;

using detail::only_keys;
using detail::opt_bool;
using detail::opt_int;
using detail::opt_int64;
using detail::opt_string;
using detail::parse_object;
using detail::req_string;

namespace {

bj::object user_obj(const User& u) {
    return {{"id", u.id},
            {"org_id", u.org_id},
            {"username", u.username},
            {"email", u.email},
            {"phone", u.phone},
            {"first_name", u.first_name},
            {"last_name", u.last_name},
            {"extension", u.extension},
            {"photo", u.photo},
            {"role", std::string(to_string(u.role))},
            {"active", u.active},
            {"email_verified", u.email_verified},
            {"must_change_password", u.must_change_password},
            {"created_ms", u.created_ms},
            {"updated_ms", u.updated_ms}};
}

bj::object org_obj(const Organisation& o) {
    return {{"id", o.id},
            {"company_name", o.company_name},
            {"email", o.email},
            {"contact_number", o.contact_number},
            {"owner_user_id", o.owner_user_id},
            {"verified", o.verified},
            {"user_count", o.user_count},
            {"standards",
             {{"silence_len_ms", o.standards.silence_len_ms},
              {"interruption_len_ms", o.standards.interruption_len_ms},
              {"list_by", std::string(to_string(o.standards.list_by))}}},
            {"constraints",
             {{"expected_tickets_daily", o.constraints.expected_tickets_daily},
              {"expected_tickets_weekly", o.constraints.expected_tickets_weekly},
              {"expected_tickets_monthly", o.constraints.expected_tickets_monthly},
              {"min_call_len_s", o.constraints.min_call_len_s},
              {"max_call_len_s", o.constraints.max_call_len_s}}},
            {"created_ms", o.created_ms},
            {"updated_ms", o.updated_ms}};
}

bj::object key_obj(const DevKey& k) {
    return {{"id", k.id},
            {"username", k.username},
            {"pass_key_hint", k.pass_key_hint},
            {"active", k.active},
            {"created_ms", k.created_ms},
            {"updated_ms", k.updated_ms}};
}

bj::object principal_obj(const Principal& p) {
    return {{"user_id", p.user_id},
            {"org_id", p.org_id},
            {"role", std::string(to_string(p.role))},
            {"username", p.username},
            {"kind", p.kind == TokenKind::dev ? "dev" : "access"},
            {"must_change_password", p.must_change_password}};
}

bj::object activity_obj(const ActivityEntry& e) {
    return {{"id", e.id},         {"org_id", e.org_id}, {"user_id", e.user_id},
            {"actor", e.actor},   {"endpoint", e.endpoint}, {"time_ms", e.time_ms},
            {"ok", e.ok},         {"summary", e.summary}};
}

bj::object email_obj(const OutboxEmail& e) {
    return {{"id", e.id},           {"org_id", e.org_id},         {"to", e.to},
            {"subject", e.subject}, {"body", e.body},             {"kind", e.kind},
            {"created_ms", e.created_ms}, {"sent_ms", e.sent_ms}, {"status", e.status},
            {"attempts", e.attempts}, {"last_error", e.last_error}, {"reply", e.reply},
            {"message_id", e.message_id}};
}

}  // namespace

std::string to_json(const User& u) { return detail::json_text(user_obj(u)); }
std::string to_json(const Organisation& o) { return detail::json_text(org_obj(o)); }
std::string to_json(const DevKey& k) { return detail::json_text(key_obj(k)); }
std::string to_json(const CreatedDevKey& k) {
    return detail::json_text(bj::object{{"key", key_obj(k.key)}, {"pass_key", k.pass_key}});
}
std::string to_json(const CreatedUser& u) {
    bj::object o{{"user", user_obj(u.user)}};
    o["temporary_password"] = u.temporary_password ? bj::value(*u.temporary_password) : bj::value(nullptr);
    return detail::json_text(o);
}
std::string to_json(const SignUpResult& r) {
    return detail::json_text(bj::object{{"organisation", org_obj(r.organisation)}, {"admin", user_obj(r.admin)}});
}
std::string to_json(const Session& s) {
    return detail::json_text(
        bj::object{{"token", s.token}, {"expires_ms", s.expires_ms}, {"principal", principal_obj(s.principal)}});
}
std::string to_json(const Principal& p) { return detail::json_text(principal_obj(p)); }
std::string to_json(const ActivityEntry& e) { return detail::json_text(activity_obj(e)); }
std::string to_json(const OutboxEmail& e) { return detail::json_text(email_obj(e)); }
std::string to_json(const Page<User>& p) { return detail::json_page_text(p, user_obj); }
std::string to_json(const Page<Organisation>& p) { return detail::json_page_text(p, org_obj); }
std::string to_json(const Page<ActivityEntry>& p) { return detail::json_page_text(p, activity_obj); }
std::string to_json(const std::vector<DevKey>& keys) { return detail::json_array_text(keys, key_obj); }
std::string to_json(const std::vector<OutboxEmail>& emails) { return detail::json_array_text(emails, email_obj); }

SignUp sign_up_from_json(std::string_view text) {
    auto o = parse_object(text);
    only_keys(o, {"company_name", "email", "phone", "password"});
    SignUp s;
    s.company_name = req_string(o, "company_name");
    s.email = req_string(o, "email");
    s.phone = req_string(o, "phone");
    s.password = req_string(o, "password");
    return s;
}

Registration registration_from_json(std::string_view text) {
    auto o = parse_object(text);
    only_keys(o, {"org_id", "email", "password", "password_confirm", "first_name", "last_name", "username", "phone"});
    Registration r;
    r.org_id = opt_int64(o, "org_id").value_or(0);
    r.email = req_string(o, "email");
    r.password = req_string(o, "password");
    r.password_confirm = req_string(o, "password_confirm");
    r.first_name = req_string(o, "first_name");
    r.last_name = req_string(o, "last_name");
    r.username = req_string(o, "username");
    r.phone = req_string(o, "phone");
    return r;
}

UserFields user_fields_from_json(std::string_view text) {
    auto o = parse_object(text);
    only_keys(o, {"username", "email", "phone", "first_name", "last_name", "extension", "photo", "password", "role",
                  "active"});
    UserFields f;
    f.username = opt_string(o, "username");
    f.email = opt_string(o, "email");
    f.phone = opt_string(o, "phone");
    f.first_name = opt_string(o, "first_name");
    f.last_name = opt_string(o, "last_name");
    f.extension = opt_string(o, "extension");
    f.photo = opt_string(o, "photo");
    f.password = opt_string(o, "password");
    if (auto r = opt_string(o, "role")) f.role = role_from_string(*r);
    f.active = opt_bool(o, "active");
    return f;
}

SettingsPatch settings_patch_from_json(std::string_view text) {
    auto o = parse_object(text);
    only_keys(o, {"company_name", "email", "contact_number", "password", "current_password", "silence_len_ms",
                  "interruption_len_ms", "list_by", "expected_tickets_daily", "expected_tickets_weekly",
                  "expected_tickets_monthly", "min_call_len_s", "max_call_len_s"});
    SettingsPatch p;
    p.company_name = opt_string(o, "company_name");
    p.email = opt_string(o, "email");
    p.contact_number = opt_string(o, "contact_number");
    p.password = opt_string(o, "password");
    p.current_password = opt_string(o, "current_password");
    p.silence_len_ms = opt_int(o, "silence_len_ms");
    p.interruption_len_ms = opt_int(o, "interruption_len_ms");
    p.list_by = opt_string(o, "list_by");
    p.expected_tickets_daily = opt_int(o, "expected_tickets_daily");
    p.expected_tickets_weekly = opt_int(o, "expected_tickets_weekly");
    p.expected_tickets_monthly = opt_int(o, "expected_tickets_monthly");
    p.min_call_len_s = opt_int(o, "min_call_len_s");
    p.max_call_len_s = opt_int(o, "max_call_len_s");
    return p;
}

}  // namespace switchboard::json
