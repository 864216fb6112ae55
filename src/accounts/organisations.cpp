// Organisation profile and settings, the platform operator's view, and
// developer keys.
#include "core/crypto.hpp"
#include "accounts/internal.hpp"
#include "core/time.hpp"

namespace switchboard {

namespace {

void check_range(const std::optional<int>& v, const char* field, const char* what, int lo, int hi) {
    if (v && (*v < lo || *v > hi))
        throw Error(ErrorCode::invalid_argument,
                    std::string(what) + " must be between " + std::to_string(lo) + " and " + std::to_string(hi),
                    field);
}

// The rule between the settings: checked before the change and again on the
// organisation as the change leaves it, inside its transaction (another
// change may have come in between).
void check_constraints(const Organisation& o) {
    if (o.constraints.min_call_len_s > o.constraints.max_call_len_s)
        throw Error(ErrorCode::invalid_argument, "the minimum call length must not be above the maximum",
                    "min_call_len_s");
}

// Checks every value of the patch (not the password) and turns it into the
// fields to write.
store::OrgUpdate org_update(const SettingsPatch& p, const Organisation& current) {
    store::OrgUpdate u;
    if (p.company_name) {
        u.company_name = detail::trimmed(*p.company_name);
        if (u.company_name->empty() || u.company_name->size() > 200)
            throw Error(ErrorCode::invalid_argument, "company name isn't valid", "company_name");
    }
    if (p.email) {
        u.email = detail::trimmed(*p.email);
        Accounts::check_email(*u.email);
    }
    if (p.contact_number) {
        u.contact_number = detail::trimmed(*p.contact_number);
        Accounts::check_phone(*u.contact_number);
    }
    check_range(p.silence_len_ms, "silence_len_ms", "the silence length (ms)", 100, 60000);
    check_range(p.interruption_len_ms, "interruption_len_ms", "the interruption length (ms)", 100, 60000);
    check_range(p.expected_tickets_daily, "expected_tickets_daily", "the expected tickets a day", 0, 10'000'000);
    check_range(p.expected_tickets_weekly, "expected_tickets_weekly", "the expected tickets a week", 0, 10'000'000);
    check_range(p.expected_tickets_monthly, "expected_tickets_monthly", "the expected tickets a month", 0,
                10'000'000);
    check_range(p.min_call_len_s, "min_call_len_s", "the minimum call length (s)", 0, 86400);
    check_range(p.max_call_len_s, "max_call_len_s", "the maximum call length (s)", 1, 86400);
    u.silence_len_ms = p.silence_len_ms;
    u.interruption_len_ms = p.interruption_len_ms;
    if (p.list_by) u.list_by = list_by_from_string(*p.list_by);
    u.exp_daily = p.expected_tickets_daily;
    u.exp_weekly = p.expected_tickets_weekly;
    u.exp_monthly = p.expected_tickets_monthly;
    u.min_call_len_s = p.min_call_len_s;
    u.max_call_len_s = p.max_call_len_s;
    Organisation after = current;
    after.constraints.min_call_len_s = p.min_call_len_s.value_or(current.constraints.min_call_len_s);
    after.constraints.max_call_len_s = p.max_call_len_s.value_or(current.constraints.max_call_len_s);
    check_constraints(after);
    return u;
}

std::string patch_summary(const SettingsPatch& p) {
    std::string s;
    auto add = [&](bool set, const char* name) {
        if (set) s += (s.empty() ? "" : ", ") + std::string(name);
    };
    add(p.company_name.has_value(), "company_name");
    add(p.email.has_value(), "email");
    add(p.contact_number.has_value(), "contact_number");
    add(p.password.has_value(), "password");
    add(p.silence_len_ms.has_value(), "silence_len_ms");
    add(p.interruption_len_ms.has_value(), "interruption_len_ms");
    add(p.list_by.has_value(), "list_by");
    add(p.expected_tickets_daily.has_value() || p.expected_tickets_weekly.has_value() ||
            p.expected_tickets_monthly.has_value(),
        "expected_tickets");
    add(p.min_call_len_s.has_value() || p.max_call_len_s.has_value(), "call_length");
    return "settings: " + (s.empty() ? std::string("nothing") : s);
}

}  // namespace

Organisation Accounts::get_organisation(const Principal& who) {
    auto& store = db_.store().accounts();
    return detail::audited(db_, who, "get_organisation", "", [&] {
        detail::require_role(who, {Role::admin, Role::supervisor});
        auto org = store.organisation(who.org_id);
        if (!org) throw Error(ErrorCode::not_found, "the organisation no longer exists");
        return *org;
    });
}

Organisation Accounts::modify_settings(const Principal& who, const SettingsPatch& patch) {
    auto& store = db_.store().accounts();
    return detail::audited(db_, who, "modify_settings", patch_summary(patch), [&] {
        detail::require_role(who, {Role::admin});
        auto org = store.organisation(who.org_id);
        if (!org) throw Error(ErrorCode::not_found, "the organisation no longer exists");
        store::OrgUpdate update = org_update(patch, *org);
        std::optional<std::string> hash;
        if (patch.password) {
            if (!patch.current_password)
                throw Error(ErrorCode::credentials, "password didn't match, please try again", "current_password");
            auto self = store.user_by_id(who.user_id);
            if (!self || !detail::verify_password(self->password_hash, *patch.current_password))
                throw Error(ErrorCode::credentials, "password didn't match, please try again", "current_password");
            check_password_policy(*patch.password);
            hash = detail::hash_password(*patch.password, options_.pwhash_opslimit, options_.pwhash_memlimit);
        }
        return store.update_organisation(who.org_id, update, who.user_id, hash, check_constraints);
    });
}

Page<Organisation> Accounts::list_organisations(const Principal& who, const ListQuery& query) {
    auto& store = db_.store().accounts();
    return detail::audited(db_, who, "list_organisations", query.search.empty() ? "" : "search", [&] {
        detail::require_role(who, {Role::platform_operator});
        return store.list_organisations(query, options_.list_limits);
    });
}

Organisation Accounts::get_organisation(const Principal& who, std::int64_t org_id) {
    auto& store = db_.store().accounts();
    return detail::audited(db_, who, "get_organisation", "organisation " + std::to_string(org_id), [&] {
        detail::require_role(who, {Role::platform_operator});
        auto org = store.organisation(org_id);
        if (!org) throw Error(ErrorCode::not_found, "no organisation " + std::to_string(org_id), "org_id");
        return *org;
    });
}

Organisation Accounts::modify_organisation(const Principal& who, std::int64_t org_id, const SettingsPatch& patch) {
    auto& store = db_.store().accounts();
    return detail::audited(db_, who, "modify_organisation",
                           "organisation " + std::to_string(org_id) + " " + patch_summary(patch), [&] {
        detail::require_role(who, {Role::platform_operator});
        auto org = store.organisation(org_id);
        if (!org) throw Error(ErrorCode::not_found, "no organisation " + std::to_string(org_id), "org_id");
        store::OrgUpdate update = org_update(patch, *org);
        std::optional<std::string> hash;
        if (patch.password) {
            // The operator sets the password of the organisation's owner.
            check_password_policy(*patch.password);
            hash = detail::hash_password(*patch.password, options_.pwhash_opslimit, options_.pwhash_memlimit);
        }
        return store.update_organisation(org_id, update, 0, hash, check_constraints);
    });
}

// ------------------------------------------------------------ developer keys

CreatedDevKey Accounts::add_dev_key(const Principal& who, std::string_view username_in) {
    auto& store = db_.store().accounts();
    const std::string username = detail::trimmed(username_in);
    return detail::audited(db_, who, "add_dev_key", "developer " + username.substr(0, 64), [&] {
        detail::require_role(who, {Role::admin});
        detail::check_username(username);
        if (store.dev_key(who.org_id, username))
            throw Error(ErrorCode::already_exists, "username already has a developer key", "username");
        CreatedDevKey out;
        out.pass_key = detail::random_token();
        out.key = store.insert_dev_key(who.org_id, username, detail::token_digest(out.pass_key),
                                       "..." + out.pass_key.substr(out.pass_key.size() - 4), who.user_id);
        return out;
    });
}

std::vector<DevKey> Accounts::list_dev_keys(const Principal& who) {
    auto& store = db_.store().accounts();
    return detail::audited(db_, who, "list_dev_keys", "", [&] {
        detail::require_role(who, {Role::admin});
        return store.list_dev_keys(who.org_id);
    });
}

DevKey Accounts::set_dev_key_active(const Principal& who, std::string_view username_in, bool active) {
    auto& store = db_.store().accounts();
    const std::string username = detail::trimmed(username_in);
    return detail::audited(db_, who, "set_dev_key_active",
                           "developer " + username.substr(0, 64) + (active ? " activated" : " deactivated"), [&] {
        detail::require_role(who, {Role::admin});
        detail::check_username(username);
        auto key = store.set_dev_key_active(who.org_id, username, active);
        if (!key) throw Error(ErrorCode::not_found, "username isn't found", "username");
        return *key;
    });
}

void Accounts::delete_dev_key(const Principal& who, std::string_view username_in) {
    auto& store = db_.store().accounts();
    const std::string username = detail::trimmed(username_in);
    detail::audited(db_, who, "delete_dev_key", "developer " + username.substr(0, 64), [&] {
        detail::require_role(who, {Role::admin});
        if (!store.delete_dev_key(who.org_id, username))
            throw Error(ErrorCode::not_found, "username isn't found", "username");
    });
}

}  // namespace switchboard
