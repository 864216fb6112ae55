// Users of an organisation, customer self-registration and platform operators.
#include "core/crypto.hpp"
#include "accounts/internal.hpp"
#include "core/time.hpp"

namespace switchboard {

namespace {

// Trims and checks every field that is set; leaves unset ones alone.
UserFields clean_fields(const UserFields& in) {
    UserFields f = in;
    auto trim = [](std::optional<std::string>& v) {
        if (v) v = detail::trimmed(*v);
    };
    trim(f.username);
    trim(f.email);
    trim(f.phone);
    trim(f.first_name);
    trim(f.last_name);
    trim(f.extension);
    trim(f.photo);
    if (f.username) detail::check_username(*f.username);
    if (f.email) Accounts::check_email(*f.email);
    if (f.phone && !f.phone->empty()) Accounts::check_phone(*f.phone);
    auto limit = [](const std::optional<std::string>& v, const char* field, const char* what, std::size_t max) {
        if (v && v->size() > max)
            throw Error(ErrorCode::invalid_argument,
                        std::string(what) + " is too long (at most " + std::to_string(max) + " characters)", field);
    };
    limit(f.first_name, "first_name", "the first name", 100);
    limit(f.last_name, "last_name", "the last name", 100);
    limit(f.extension, "extension", "the extension", 20);
    limit(f.photo, "photo", "the photo file id", 128);
    if (f.role && *f.role == Role::platform_operator)
        throw Error(ErrorCode::invalid_argument, "the operator role is given from the command line only", "role");
    return f;
}

void check_unique(store::AccountsStore& store, std::int64_t org_id, const UserFields& f, std::int64_t except_id) {
    if (f.username && store.username_taken(org_id, *f.username, except_id))
        throw Error(ErrorCode::already_exists, "username \"" + *f.username + "\" is already taken", "username");
    if (f.email && store.email_taken(*f.email, except_id))
        throw Error(ErrorCode::already_exists, "email is already registered", "email");
}

std::string free_username(store::AccountsStore& store, std::int64_t org_id, const std::string& base) {
    std::string candidate = base;
    for (int n = 2; store.username_taken(org_id, candidate, 0); ++n) candidate = base + std::to_string(n);
    return candidate;
}

}  // namespace

User Accounts::register_customer(const Registration& r) {
    auto& store = db_.store().accounts();
    auto org = store.organisation(r.org_id);
    if (!org) throw Error(ErrorCode::not_found, "no organisation " + std::to_string(r.org_id), "org_id");
    UserFields f;
    f.email = r.email;
    f.first_name = r.first_name;
    f.last_name = r.last_name;
    if (!r.phone.empty()) f.phone = r.phone;
    if (!r.username.empty()) f.username = r.username;
    f = clean_fields(f);
    if (f.first_name->empty()) throw Error(ErrorCode::invalid_argument, "first name is required", "first_name");
    if (r.password != r.password_confirm)
        throw Error(ErrorCode::invalid_argument, "passwords don't match", "password_confirm");
    check_password_policy(r.password);
    check_unique(store, r.org_id, f, 0);

    store::NewUserRow row;
    row.user.org_id = r.org_id;
    row.user.email = *f.email;
    row.user.username = f.username ? *f.username : free_username(store, r.org_id, [&] {
        std::string base;
        for (char c : f.email->substr(0, f.email->find('@')))
            if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') base += c;
        return base.size() < 2 ? base + "customer" : base.substr(0, 48);
    }());
    row.user.first_name = *f.first_name;
    row.user.last_name = f.last_name.value_or("");
    row.user.phone = f.phone.value_or("");
    row.user.role = Role::customer;
    row.password_hash = detail::hash_password(r.password, options_.pwhash_opslimit, options_.pwhash_memlimit);
    User user = store.insert_user(row);

    const std::string key = detail::random_token();
    OutboxEmail mail = detail::template_mail("verify", user.email,
                                             {{"organisation", org->company_name},
                                              {"link", options_.public_url + "/verify/" + key},
                                              {"key", key},
                                              {"hours", std::to_string(options_.verification_ttl_ms / 3'600'000)}});
    const auto now = detail::now_ms();
    store.insert_email_token(user.id, "verify", detail::token_digest(key), now, now + options_.verification_ttl_ms, mail);
    mail_written();
    return user;
}

CreatedUser Accounts::create_user(const Principal& who, const UserFields& fields) {
    auto& store = db_.store().accounts();
    const std::string summary = "create user " + fields.username.value_or("");
    return detail::audited(db_, who, "create_user", summary, [&] {
        detail::require_role(who, {Role::admin});
        UserFields f = clean_fields(fields);
        if (!f.username) throw Error(ErrorCode::invalid_argument, "username is required", "username");
        if (!f.email) throw Error(ErrorCode::invalid_argument, "email is required", "email");
        check_unique(store, who.org_id, f, 0);
        CreatedUser out;
        std::string password;
        if (f.password) {
            check_password_policy(*f.password);
            password = *f.password;
        } else {
            password = detail::random_password();
            out.temporary_password = password;
        }
        store::NewUserRow row;
        row.user.org_id = who.org_id;
        row.user.username = *f.username;
        row.user.email = *f.email;
        row.user.phone = f.phone.value_or("");
        row.user.first_name = f.first_name.value_or("");
        row.user.last_name = f.last_name.value_or("");
        row.user.extension = f.extension.value_or("");
        row.user.photo = f.photo.value_or("");
        row.user.role = f.role.value_or(Role::agent);
        row.user.active = f.active.value_or(true);
        row.user.must_change_password = !f.password.has_value();
        row.password_hash = detail::hash_password(password, options_.pwhash_opslimit, options_.pwhash_memlimit);
        out.user = store.insert_user(row);
        return out;
    });
}

User Accounts::update_user(const Principal& who, std::int64_t user_id, const UserFields& fields) {
    auto& store = db_.store().accounts();
    return detail::audited(db_, who, "update_user", "user " + std::to_string(user_id), [&] {
        detail::require_role(who, {Role::admin, Role::supervisor, Role::agent, Role::customer});
        auto target = store.user_by_id(user_id);
        if (!target || target->user.org_id != who.org_id)
            throw Error(ErrorCode::not_found, "no user " + std::to_string(user_id), "id");
        const bool self = who.user_id == user_id;
        if (who.role != Role::admin && !self) throw Error(ErrorCode::forbidden, "only an admin may edit other users");
        UserFields f = clean_fields(fields);
        if (f.password)
            throw Error(ErrorCode::invalid_argument,
                        "passwords are changed with change_password or admin_reset_password", "password");
        if (who.role != Role::admin && (f.role || f.active || f.username))
            throw Error(ErrorCode::forbidden, "only an admin may change a username, role or active flag");
        if (self && f.active && !*f.active)
            throw Error(ErrorCode::invalid_argument, "an admin cannot deactivate their own account", "active");
        if (self && f.role && *f.role != who.role)
            throw Error(ErrorCode::invalid_argument, "an admin cannot change their own role", "role");
        check_unique(store, who.org_id, f, user_id);
        const bool ends_sessions = (f.active && !*f.active) || (f.role && *f.role != target->user.role);
        return store.update_user(user_id, f, std::nullopt, std::nullopt, ends_sessions);
    });
}

User Accounts::get_user(const Principal& who, std::int64_t user_id) {
    auto& store = db_.store().accounts();
    return detail::audited(db_, who, "get_user", "user " + std::to_string(user_id), [&] {
        detail::require_role(who, {Role::admin, Role::supervisor, Role::agent, Role::customer});
        if (who.role != Role::admin && who.role != Role::supervisor && who.user_id != user_id)
            throw Error(ErrorCode::forbidden, "the " + std::string(to_string(who.role)) + " role may see only itself");
        auto target = store.user_by_id(user_id);
        if (!target || target->user.org_id != who.org_id)
            throw Error(ErrorCode::not_found, "no user " + std::to_string(user_id), "id");
        return target->user;
    });
}

Page<User> Accounts::list_users(const Principal& who, const ListQuery& query) {
    auto& store = db_.store().accounts();
    return detail::audited(db_, who, "list_users", "", [&] {
        detail::require_role(who, {Role::admin, Role::supervisor});
        return store.list_users(who.org_id, query, options_.list_limits);
    });
}

void Accounts::export_users_csv(const Principal& who, const ListQuery& query, const CsvSink& sink) {
    auto& store = db_.store().accounts();
    detail::audited(db_, who, "export_users_csv", "csv", [&] {
        detail::require_role(who, {Role::admin, Role::supervisor});
        store.users_csv(who.org_id, query, options_.list_limits, sink);
    });
}

PivotReport Accounts::report_users(const Principal& who, const ListQuery& query, const std::vector<std::string>& xaxis,
                                   const std::vector<std::string>& yaxis) {
    auto& store = db_.store().accounts();
    return detail::audited(db_, who, "report_users", "pivot", [&] {
        detail::require_role(who, {Role::admin, Role::supervisor});
        return store.pivot_users(who.org_id, query, xaxis, yaxis);
    });
}

void Accounts::deactivate_user(const Principal& who, std::int64_t user_id) {
    UserFields f;
    f.active = false;
    update_user(who, user_id, f);
}

User Accounts::create_operator(const std::string& username_in, const std::string& email_in,
                               const std::string& password) {
    auto& store = db_.store().accounts();
    const std::string username = detail::trimmed(username_in);
    const std::string email = detail::trimmed(email_in);
    detail::check_username(username);
    check_email(email);
    check_password_policy(password);
    if (store.username_taken(0, username, 0))
        throw Error(ErrorCode::already_exists, "operator \"" + username + "\" already exists", "username");
    if (store.email_taken(email, 0)) throw Error(ErrorCode::already_exists, "email is already registered", "email");
    store::NewUserRow row;
    row.user.username = username;
    row.user.email = email;
    row.user.role = Role::platform_operator;
    row.user.email_verified = true;
    row.password_hash = detail::hash_password(password, options_.pwhash_opslimit, options_.pwhash_memlimit);
    return store.insert_user(row);
}

}  // namespace switchboard
