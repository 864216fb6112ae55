// Sign-up, verification, sign-in, tokens and passwords.
#include "core/crypto.hpp"
#include "accounts/internal.hpp"
#include "core/time.hpp"

namespace switchboard {

using detail::now_ms;

namespace {

const std::string kCredentials = "credentials didn't match";

std::string local_part(std::string_view email) {
    std::string out;
    for (char c : email.substr(0, email.find('@'))) {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') out += c;
    }
    if (out.size() < 2) out += "user";
    return out.substr(0, 48);
}

OutboxEmail verification_email(const std::string& to, const std::string& organisation, const std::string& key,
                               const std::string& public_url, std::int64_t ttl_ms) {
    return detail::template_mail("verify", to,
                                 {{"organisation", organisation},
                                  {"link", public_url + "/verify/" + key},
                                  {"key", key},
                                  {"hours", std::to_string(ttl_ms / 3'600'000)}});
}

}  // namespace

namespace {

void check_options(const AccountsOptions& o) {
    auto need = [](bool ok, const char* field, const char* rule) {
        if (!ok) throw Error(ErrorCode::invalid_argument, std::string(field) + " must be " + rule, field);
    };
    need(o.pwhash_opslimit >= 1, "pwhash_opslimit", "1 or more");
    need(o.pwhash_memlimit >= 8192, "pwhash_memlimit", "8192 bytes or more");
    need(o.session_idle_ms > 0, "session_idle_ms", "more than 0");
    need(o.session_absolute_ms > 0, "session_absolute_ms", "more than 0");
    need(o.dev_token_absolute_ms > 0, "dev_token_absolute_ms", "more than 0");
    need(o.verification_ttl_ms > 0, "verification_ttl_ms", "more than 0");
    need(o.reset_code_ttl_ms > 0, "reset_code_ttl_ms", "more than 0");
    need(o.reset_code_max_attempts >= 1, "reset_code_max_attempts", "1 or more");
    need(o.max_failed_sign_ins >= 1, "max_failed_sign_ins", "1 or more");
    need(o.failed_window_ms > 0, "failed_window_ms", "more than 0");
    need(o.lockout_ms >= 0, "lockout_ms", "0 or more");
    need(o.list_limits.default_count >= 1, "list_default_count", "1 or more");
    need(o.list_limits.max_count >= o.list_limits.default_count, "list_max_count", "at least list_default_count");
}

}  // namespace

Accounts::Accounts(Database& db, AccountsOptions options) : db_(db), options_(std::move(options)) {
    check_options(options_);
    // Unknown logins are checked against this hash so that they take as long
    // as known ones.
    dummy_hash_ = detail::hash_password(detail::random_token(), options_.pwhash_opslimit, options_.pwhash_memlimit);
}

SignUpResult Accounts::sign_up(const SignUp& request) {
    const std::string company = detail::trimmed(request.company_name);
    const std::string email = detail::trimmed(request.email);
    const std::string phone = detail::trimmed(request.phone);
    if (company.empty() || company.size() > 200)
        throw Error(ErrorCode::invalid_argument, "company name isn't valid", "company_name");
    check_email(email);
    check_phone(phone);
    check_password_policy(request.password);
    auto& store = db_.store().accounts();
    if (store.email_taken(email, 0))
        throw Error(ErrorCode::already_exists, "email is already registered", "email");

    Organisation org;
    org.company_name = company;
    org.email = email;
    org.contact_number = phone;

    store::NewUserRow admin;
    admin.user.username = local_part(email);
    admin.user.email = email;
    admin.user.phone = phone;
    admin.user.role = Role::admin;
    admin.user.email_verified = request.email_verified;
    admin.password_hash = detail::hash_password(request.password, options_.pwhash_opslimit, options_.pwhash_memlimit);

    std::string key_hash;
    OutboxEmail mail;
    if (!request.email_verified) {
        const std::string key = detail::random_token();
        key_hash = detail::token_digest(key);
        mail = verification_email(email, company, key, options_.public_url, options_.verification_ttl_ms);
    }
    auto [o, u] = store.create_organisation(org, admin, key_hash, now_ms() + options_.verification_ttl_ms, mail);
    if (!mail.to.empty()) mail_written();
    return SignUpResult{o, u};
}

bool Accounts::verify_email(std::string_view key) {
    if (key.empty() || key.size() > 128) return false;
    auto& store = db_.store().accounts();
    auto token = store.email_token_by_hash("verify", detail::token_digest(key));
    if (!token || token->used_ms || token->expires_ms < now_ms()) return false;
    return store.spend_verification(token->id, now_ms());
}

// The lockout rule: failures are counted within failed_window_ms of the
// first (a failure after the window starts a new count); the
// max_failed_sign_ins-th locks the account for lockout_ms and starts the
// count again. The state is replaced only if no other sign-in changed it
// meanwhile (compare and set), so parallel guesses are all counted.
void Accounts::record_failed_sign_in(const store::UserCredentials& c, std::int64_t now) {
    auto& store = db_.store().accounts();
    store::SignInState seen = c.sign_in;
    for (int attempt = 0; attempt < 100; ++attempt) {
        store::SignInState next = seen;
        if (next.first_failure_ms < now - options_.failed_window_ms) {
            next.failures = 1;
            next.first_failure_ms = now;
        } else {
            ++next.failures;
        }
        if (next.failures >= options_.max_failed_sign_ins) {
            next.locked_until_ms = now + options_.lockout_ms;
            next.failures = 0;
            next.first_failure_ms = 0;
        }
        if (store.replace_sign_in_state(c.user.id, seen, next)) return;
        auto fresh = store.user_by_id(c.user.id);
        if (!fresh) return;
        seen = fresh->sign_in;
    }
    throw Error(ErrorCode::storage, "the failed sign-in could not be counted (too many at once)");
}

// A good sign-in forgets the failures before it (not a lockout in force:
// a locked account is never signed in).
void Accounts::clear_failed_sign_ins(std::int64_t user_id, const store::SignInState& seen) {
    store::SignInState next = seen;
    next.failures = 0;
    next.first_failure_ms = 0;
    if (next != seen) db_.store().accounts().replace_sign_in_state(user_id, seen, next);
}

Session Accounts::sign_in(std::string_view login_in, std::string_view password, std::string_view endpoint) {
    auto& store = db_.store().accounts();
    const std::string login = detail::trimmed(login_in);
    std::vector<store::UserCredentials> candidates;
    if (!login.empty() && login.size() <= 254) {
        if (login.find('@') != std::string::npos) {
            if (auto c = store.user_by_email(login)) candidates.push_back(std::move(*c));
        } else {
            candidates = store.users_by_username(login);
        }
    }
    const auto now = now_ms();
    // A username shared by several organisations: the password decides, and
    // it must match exactly one of them (at most 8 are tried).
    std::vector<store::UserCredentials*> matched;
    bool any_checked = false;
    // The attempt is logged in the account's organisation (no secret in it).
    auto log_attempt = [&](const store::UserCredentials& c, bool ok, const char* summary) {
        Principal p;
        p.user_id = c.user.id;
        p.org_id = c.user.org_id;
        p.role = c.user.role;
        p.username = c.user.username;
        p.endpoint = std::string(endpoint);
        detail::record_activity(db_, p, "sign_in", ok, summary);
    };
    for (std::size_t i = 0; i < candidates.size() && i < 8; ++i) {
        auto& c = candidates[i];
        if (!c.user.active) continue;
        if (c.sign_in.locked_until_ms > now) {
            detail::verify_password(dummy_hash_, password);
            any_checked = true;
            log_attempt(c, false, "sign-in refused: the account is locked after repeated failures");
            continue;
        }
        any_checked = true;
        if (detail::verify_password(c.password_hash, password)) {
            matched.push_back(&c);
        } else {
            record_failed_sign_in(c, now);
            if (candidates.size() == 1) log_attempt(c, false, "sign-in failed: wrong password");
        }
    }
    if (!any_checked) detail::verify_password(dummy_hash_, password);
    if (matched.size() != 1) throw Error(ErrorCode::credentials, kCredentials);

    const auto& c = *matched.front();
    if (!c.user.email_verified) {
        auto pending = store.latest_email_token(c.user.id, "verify");
        if (pending) {
            log_attempt(c, false, "sign-in refused: the email address is not verified yet");
            throw Error(ErrorCode::unverified, "email isn't verified, please follow the link sent to it", "email");
        }
    }
    if (c.sign_in != store::SignInState{}) clear_failed_sign_ins(c.user.id, c.sign_in);
    log_attempt(c, true, "signed in");

    const std::string token = detail::random_token();
    Session s;
    s.token = token;
    s.expires_ms = now + options_.session_absolute_ms;
    s.principal.user_id = c.user.id;
    s.principal.org_id = c.user.org_id;
    s.principal.role = c.user.role;
    s.principal.username = c.user.username;
    s.principal.kind = TokenKind::access;
    s.principal.must_change_password = c.user.must_change_password;
    s.principal.session_id = db_.store().sessions().insert_session(detail::token_digest(token), TokenKind::access, c.user.id,
                                                  c.user.org_id, 0, now, s.expires_ms);
    return s;
}

void Accounts::sign_out(std::string_view token) {
    if (token.empty() || token.size() > 128) return;
    db_.store().sessions().delete_session_by_hash(detail::token_digest(token));
}

Principal Accounts::authenticate(std::string_view token, TokenKind kind) { return authenticate_as(token, &kind); }

Principal Accounts::authenticate_any(std::string_view token) { return authenticate_as(token, nullptr); }

Principal Accounts::authenticate_as(std::string_view token, const TokenKind* wanted) {
    auto unauthorized = [] { return Error(ErrorCode::unauthorized, "unauthorized"); };
    if (token.size() != 32) throw unauthorized();
    const std::string digest = detail::token_digest(token);
    auto row = db_.store().sessions().session(digest);
    if (!row || (wanted && row->kind != *wanted) || !row->principal_active) throw unauthorized();
    const TokenKind kind = row->kind;
    const auto now = now_ms();
    const bool idle = kind == TokenKind::access && row->last_seen_ms + options_.session_idle_ms < now;
    if (row->expires_ms < now || idle) {
        db_.store().sessions().delete_session(row->id);
        throw unauthorized();
    }
    // last_seen is written at most every 30 s, so reads do not turn into writes.
    if (kind == TokenKind::access && now - row->last_seen_ms > 30'000) db_.store().sessions().touch_session(digest, now);
    Principal p;
    p.user_id = row->user_id;
    p.org_id = row->org_id;
    p.role = row->role;
    p.username = row->username;
    p.kind = row->kind;
    p.session_id = row->id;
    p.must_change_password = row->must_change_password;
    return p;
}

// ------------------------------------------------------------ passwords

void Accounts::request_password_reset(std::string_view email_in) {
    const std::string email = detail::trimmed(email_in);
    check_email(email);
    auto& store = db_.store().accounts();
    auto user = store.user_by_email(email);
    if (!user || !user->user.active) return;  // says nothing either way
    const std::string code = detail::random_digits(6);
    std::string organisation = "switchboard";
    if (user->user.org_id)
        if (auto org = store.organisation(user->user.org_id)) organisation = org->company_name;
    OutboxEmail mail = detail::template_mail("reset", user->user.email,
                                             {{"organisation", organisation},
                                              {"code", code},
                                              {"minutes", std::to_string(options_.reset_code_ttl_ms / 60000)}});
    const auto now = now_ms();
    store.insert_email_token(user->user.id, "reset",
                             detail::token_digest(std::to_string(user->user.id) + ":" + code), now,
                             now + options_.reset_code_ttl_ms, mail);
    mail_written();
}

void Accounts::reset_password(std::string_view email_in, std::string_view code, std::string_view new_password) {
    const std::string email = detail::trimmed(email_in);
    const Error refused(ErrorCode::credentials, "the reset code is not valid or has expired", "code");
    auto& store = db_.store().accounts();
    auto user = store.user_by_email(email);
    if (!user || !user->user.active) throw refused;
    auto token = store.latest_email_token(user->user.id, "reset");
    const auto now = now_ms();
    if (!token || token->used_ms || token->expires_ms < now || token->attempts >= options_.reset_code_max_attempts)
        throw refused;
    const std::string digest = detail::token_digest(std::to_string(user->user.id) + ":" + std::string(code));
    if (!detail::secret_equal(digest, token->token_hash)) {
        store.count_email_token_attempt(token->id);
        throw refused;
    }
    check_password_policy(new_password);
    store.spend_reset(token->id, user->user.id,
                      detail::hash_password(new_password, options_.pwhash_opslimit, options_.pwhash_memlimit), now);
}

User Accounts::change_password(const Principal& who, std::string_view current, std::string_view next,
                               std::optional<std::string_view> confirm) {
    auto& store = db_.store().accounts();
    return detail::audited(db_, who, "change_password", "own password", [&] {
        if (who.kind != TokenKind::access || !who.user_id) throw Error(ErrorCode::unauthorized, "unauthorized");
        if (confirm && *confirm != next)
            throw Error(ErrorCode::invalid_argument, "passwords don't match", "password_confirm");
        auto user = store.user_by_id(who.user_id);
        if (!user) throw Error(ErrorCode::unauthorized, "unauthorized");
        if (!detail::verify_password(user->password_hash, current))
            throw Error(ErrorCode::credentials, "password didn't match, please try again", "current_password");
        check_password_policy(next);
        if (detail::verify_password(user->password_hash, next))
            throw Error(ErrorCode::invalid_argument, "the new password must differ from the current one", "password");
        UserFields none;
        // Every session of the user ends, this one included: sign in again.
        return store.update_user(who.user_id, none,
                          detail::hash_password(next, options_.pwhash_opslimit, options_.pwhash_memlimit), false,
                          true);
    });
}

PasswordReset Accounts::admin_reset_password(const Principal& who, std::int64_t user_id) {
    auto& store = db_.store().accounts();
    return detail::audited(db_, who, "admin_reset_password", "user " + std::to_string(user_id), [&] {
        detail::require_role(who, {Role::admin});
        auto user = store.user_by_id(user_id);
        if (!user || user->user.org_id != who.org_id)
            throw Error(ErrorCode::not_found, "no user " + std::to_string(user_id), "id");
        PasswordReset out;
        out.temporary_password = detail::random_password();
        out.user = store.update_user(
            user_id, UserFields{},
            detail::hash_password(out.temporary_password, options_.pwhash_opslimit, options_.pwhash_memlimit), true,
            true);
        return out;
    });
}

// ------------------------------------------------------------ developer tokens

Session Accounts::issue_dev_token(std::string_view email_in, std::string_view username_in, std::string_view dev_key) {
    auto& store = db_.store().accounts();
    const std::string email = detail::trimmed(email_in);
    const std::string username = detail::trimmed(username_in);
    const Error refused(ErrorCode::credentials, kCredentials);
    if (email.empty() || username.empty() || dev_key.size() != 32) throw refused;
    const std::string digest = detail::token_digest(dev_key);
    // The email is the organisation's (its profile email, or an admin's).
    std::vector<std::int64_t> orgs = store.organisations_by_email(email);
    if (auto admin = store.user_by_email(email); admin && admin->user.role == Role::admin && admin->user.active)
        orgs.push_back(admin->user.org_id);
    for (std::int64_t org_id : orgs) {
        auto key = store.dev_key(org_id, username);
        if (!key || !key->key.active || !detail::secret_equal(key->key_hash, digest)) continue;
        const auto now = now_ms();
        const std::string token = detail::random_token();
        Session s;
        s.token = token;
        s.expires_ms = now + options_.dev_token_absolute_ms;
        s.principal.org_id = org_id;
        s.principal.role = Role::admin;
        s.principal.username = key->key.username;
        s.principal.kind = TokenKind::dev;
        s.principal.session_id =
            db_.store().sessions().insert_session(detail::token_digest(token), TokenKind::dev, 0, org_id, key->key.id, now, s.expires_ms);
        return s;
    }
    throw refused;
}

std::vector<OutboxEmail> Accounts::outbox(std::string_view to_address) {
    return db_.store().outbox().outbox(std::string(to_address));
}

void Accounts::on_mail_written(std::function<void()> listener) { mail_listener_ = std::move(listener); }

void Accounts::mail_written() const {
    if (mail_listener_) mail_listener_();
}

OutboxEmail Accounts::mark_outbox_sent(std::int64_t id) {
    if (id < 1) throw Error(ErrorCode::invalid_argument, "an outbox email's id is a number from 1", "id");
    auto email = db_.store().outbox().mark_outbox_sent(id);
    if (!email) throw Error(ErrorCode::not_found, "the outbox holds no email " + std::to_string(id), "id");
    return *email;
}

}  // namespace switchboard
