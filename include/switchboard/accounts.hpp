// switchboard: organisations, users, sessions, developer keys.
//
// Accounts holds every rule about who may do what. Adapters (C API, Python,
// HTTP host) authenticate a token with authenticate(), then pass the returned
// Principal to the operation; the operation checks the role and the
// organisation and records itself in the activity log.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/list.hpp"

namespace switchboard {

class Database;
namespace store {
struct UserCredentials;
struct SignInState;
}  // namespace store

// ---------------------------------------------------------------- roles
enum class Role {
    platform_operator,  // runs the platform; sees organisations, never their records
    admin,              // manages users, keys and settings of an organisation
    supervisor,         // reads everything in the organisation
    agent,
    customer,
};
std::string_view to_string(Role r) noexcept;
// Accepts "operator", "admin", "supervisor", "agent", "customer" (any case).
Role role_from_string(std::string_view s);

enum class TokenKind { access, dev };

// Who is calling. Returned by authenticate(); passed to every operation.
struct Principal {
    std::int64_t user_id = 0;     // 0 for a dev token
    std::int64_t org_id = 0;      // 0 for the platform operator
    Role role = Role::customer;
    std::string username;         // user's username, or the dev key's username
    TokenKind kind = TokenKind::access;
    std::int64_t session_id = 0;
    bool must_change_password = false;
    // Label written to the activity log for the calls made with this
    // principal; adapters set "VERB /path". Empty: the operation's name.
    std::string endpoint;
};

// ---------------------------------------------------------------- records
enum class ListBy { ticket_no, client_id };
std::string_view to_string(ListBy b) noexcept;      // "TicketNo" / "ClientId"
ListBy list_by_from_string(std::string_view s);     // also "ticket", "client"

struct Standards {
    int silence_len_ms = 500;        // silence shorter than this is not reported
    int interruption_len_ms = 750;   // overlap shorter than this is not an interruption
    ListBy list_by = ListBy::ticket_no;
};

struct Constraints {
    int expected_tickets_daily = 50;
    int expected_tickets_weekly = 250;
    int expected_tickets_monthly = 1000;
    int min_call_len_s = 10;
    int max_call_len_s = 3600;
};

struct Organisation {
    std::int64_t id = 0;
    std::string company_name;
    std::string email;
    std::string contact_number;
    std::int64_t owner_user_id = 0;  // the admin created at sign-up
    bool verified = false;           // the owner's email is verified
    Standards standards;
    Constraints constraints;
    std::int64_t created_ms = 0;
    std::int64_t updated_ms = 0;
    std::int64_t user_count = 0;
};

struct User {
    std::int64_t id = 0;
    std::int64_t org_id = 0;
    std::string username;
    std::string email;
    std::string phone;
    std::string first_name;
    std::string last_name;
    std::string extension;
    std::string photo;               // file id, "" when none
    Role role = Role::agent;
    bool active = true;
    bool email_verified = false;
    bool must_change_password = false;
    std::int64_t created_ms = 0;
    std::int64_t updated_ms = 0;
};

// Fields for creating or editing a user: unset fields are left alone (edit)
// or take their defaults (create).
struct UserFields {
    std::optional<std::string> username, email, phone, first_name, last_name,
        extension, photo, password;
    std::optional<Role> role;
    std::optional<bool> active;
};

struct DevKey {
    std::int64_t id = 0;
    std::string username;
    std::string pass_key_hint;   // "..." and the key's last four characters
    bool active = true;
    std::int64_t created_ms = 0;
    std::int64_t updated_ms = 0;
};

// ---------------------------------------------------------------- requests
struct SignUp {
    std::string company_name, email, phone, password;
    // A trusted embedder that has verified the address itself (or the demo
    // set-up of the host) may set this; then no verification email is sent.
    // Adapters facing the public never set it.
    bool email_verified = false;
};

struct SignUpResult {
    Organisation organisation;
    User admin;
};

// A customer registering with an organisation (Customer Care Registry).
struct Registration {
    std::int64_t org_id = 0;
    std::string email, password, password_confirm, first_name, last_name;
    std::string username;  // optional: defaults to the email's local part
    std::string phone;
};

struct Session {
    std::string token;           // 32 characters; shown once, stored as a hash
    Principal principal;
    std::int64_t expires_ms = 0; // absolute expiry
};

struct CreatedUser {
    User user;
    // Set when no password was given: a random password the user must change
    // at first sign-in. Shown once.
    std::optional<std::string> temporary_password;
};

struct PasswordReset {
    User user;
    std::string temporary_password;  // shown once; must be changed at next sign-in
};

struct CreatedDevKey {
    DevKey key;
    std::string pass_key;        // the full key, shown once
};

// Settings change (OctaPy Se5 for one's own organisation, UM4 for the
// operator). Applied in one transaction: all or nothing.
struct SettingsPatch {
    std::optional<std::string> company_name, email, contact_number;
    std::optional<std::string> password, current_password;
    std::optional<int> silence_len_ms, interruption_len_ms;
    std::optional<std::string> list_by;
    std::optional<int> expected_tickets_daily, expected_tickets_weekly,
        expected_tickets_monthly, min_call_len_s, max_call_len_s;
};

// A mail the product wrote, as the mailer (mailer.hpp) sends it.
struct OutboxEmail {
    std::int64_t id = 0;
    std::int64_t org_id = 0;
    std::string to, subject, body, kind;  // kind: a template's ("verify", "reset", "ticket_created" ...)
    std::int64_t created_ms = 0;
    std::int64_t sent_ms = 0;  // 0 until the mail sender marks it sent (which also clears the body)
    std::string status = "queued";  // queued, sent, failed
    int attempts = 0;               // SMTP sessions tried
    std::string last_error;         // why the last try failed (the server's reply), "" when none did
    std::string reply;              // the server's reply when it took the mail
    std::string message_id;         // "<...@...>", given when its job is
    // The template's values (the link, the code ...): the mail is written
    // from the organisation's template at sending time. Cleared with the
    // body once sent; never in to_json.
    std::map<std::string, std::string> vars;
    // An email record's mail (kind "email", messages.hpp): its id; the
    // mailer writes the mail from the record. 0 for the others.
    std::int64_t email_id = 0;
};

// Checked when Accounts is constructed: a value out of range is refused with
// Error(invalid_argument) naming the member.
struct AccountsOptions {
    // Argon2id cost (libsodium crypto_pwhash): defaults are libsodium's
    // "interactive" limits. Tests may lower them; never below libsodium's minimum.
    unsigned long long pwhash_opslimit = 2;
    std::size_t pwhash_memlimit = 64u << 20;

    std::int64_t session_idle_ms = 60LL * 60 * 1000;           // 1 hour idle
    std::int64_t session_absolute_ms = 12LL * 60 * 60 * 1000;  // 12 hours
    std::int64_t dev_token_absolute_ms = 30LL * 24 * 60 * 60 * 1000;  // 30 days
    std::int64_t verification_ttl_ms = 48LL * 60 * 60 * 1000;
    std::int64_t reset_code_ttl_ms = 15LL * 60 * 1000;
    int reset_code_max_attempts = 5;

    int max_failed_sign_ins = 5;                        // then the account locks
    std::int64_t failed_window_ms = 15LL * 60 * 1000;   // failures older than this are forgotten
    std::int64_t lockout_ms = 15LL * 60 * 1000;

    ListLimits list_limits;
    std::string public_url = "http://127.0.0.1:8080";   // for links in emails
};

// A random password that meets the password policy: 20 characters of
// [A-Za-z0-9] with an upper-case letter, a lower-case letter and a digit,
// from the OS's random source. The one generator of the library (temporary
// passwords, the host's demo admin).
std::string generate_password();

// ---------------------------------------------------------------- service
class Accounts {
public:
    // Throws Error(invalid_argument, field) for options out of range.
    explicit Accounts(Database& db, AccountsOptions options = {});

    const AccountsOptions& options() const noexcept { return options_; }

    // --- sign-up, verification, sign-in (no principal needed)
    SignUpResult sign_up(const SignUp& request);
    // true when the key was valid, unused and unexpired; it is then spent.
    bool verify_email(std::string_view key);
    // `login` is an email address or a username. Throws Error(credentials,
    // "credentials didn't match") for any wrong login or password, and while
    // the account is locked after repeated failures. A sign-in to a known
    // account, good or bad, is written to its organisation's activity log
    // under `endpoint` (default "sign_in"), so admins see attacks on accounts.
    Session sign_in(std::string_view login, std::string_view password, std::string_view endpoint = {});
    void sign_out(std::string_view token);
    // Throws Error(unauthorized) for an unknown, expired or revoked token, or
    // one of the other kind.
    Principal authenticate(std::string_view token, TokenKind kind = TokenKind::access);
    // A token of either kind (the endpoints that report readers use: an
    // admin's or supervisor's access token, or a dev token).
    Principal authenticate_any(std::string_view token);

    // --- passwords
    // Writes a one-time code to the outbox when the email belongs to an
    // account; says nothing either way (no account enumeration).
    void request_password_reset(std::string_view email);
    void reset_password(std::string_view email, std::string_view code,
                        std::string_view new_password);
    // Ends every session of the user, the caller's included: sign in again
    // with the new password. `confirm`, when given (a form's "repeat the new
    // password"), must equal it: Error(invalid_argument, "passwords don't
    // match", field "password_confirm"), checked first.
    User change_password(const Principal& who, std::string_view current_password,
                         std::string_view new_password, std::optional<std::string_view> confirm = std::nullopt);
    // Admin reset: a random temporary password, returned once, to be changed
    // at next sign-in; the user's sessions end.
    PasswordReset admin_reset_password(const Principal& who, std::int64_t user_id);

    // --- users
    User register_customer(const Registration& request);
    CreatedUser create_user(const Principal& who, const UserFields& fields);
    User update_user(const Principal& who, std::int64_t user_id, const UserFields& fields);
    User get_user(const Principal& who, std::int64_t user_id);
    Page<User> list_users(const Principal& who, const ListQuery& query);
    void deactivate_user(const Principal& who, std::int64_t user_id);
    // OpenCHS 2.5 and 2.6: the same selection as list_users as CSV, and a
    // pivot report over the group fields role and enabled.
    void export_users_csv(const Principal& who, const ListQuery& query, const CsvSink& sink);
    PivotReport report_users(const Principal& who, const ListQuery& query, const std::vector<std::string>& xaxis,
                             const std::vector<std::string>& yaxis);

    // --- the caller's organisation (OctaPy Se1-Se3, Se5)
    Organisation get_organisation(const Principal& who);
    Organisation modify_settings(const Principal& who, const SettingsPatch& patch);

    // --- platform operator (OctaPy UM1-UM4)
    User create_operator(const std::string& username, const std::string& email,
                         const std::string& password);
    Page<Organisation> list_organisations(const Principal& who, const ListQuery& query);
    Organisation get_organisation(const Principal& who, std::int64_t org_id);
    Organisation modify_organisation(const Principal& who, std::int64_t org_id,
                                     const SettingsPatch& patch);

    // --- developer keys (OctaPy Se4, Se6-Se8, Au5)
    CreatedDevKey add_dev_key(const Principal& who, std::string_view username);
    std::vector<DevKey> list_dev_keys(const Principal& who);
    DevKey set_dev_key_active(const Principal& who, std::string_view username, bool active);
    void delete_dev_key(const Principal& who, std::string_view username);
    Session issue_dev_token(std::string_view email, std::string_view username,
                            std::string_view dev_key);

    // --- outbox (read by the mail sender, and by tests)
    std::vector<OutboxEmail> outbox(std::string_view to_address = {});
    // The mail sender's receipt: stamps the email sent and clears its body,
    // the one-time key or code it carried, and answers the email as it now
    // is. Marking an email sent twice answers it as the first time left it.
    // Error(not_found) for an id the outbox does not hold,
    // Error(invalid_argument) for an id below 1.
    OutboxEmail mark_outbox_sent(std::int64_t id);
    // Called (in the writing thread, after the commit) each time a mail is
    // written to the outbox: the facade wakes the mailer with it. Set once,
    // before the Accounts is shared between threads.
    void on_mail_written(std::function<void()> listener);

    // --- policy checks, public so adapters can validate early
    static void check_password_policy(std::string_view password);
    static void check_email(std::string_view email);
    static void check_phone(std::string_view phone);

private:
    Principal authenticate_as(std::string_view token, const TokenKind* wanted);
    void record_failed_sign_in(const store::UserCredentials& c, std::int64_t now_ms);
    void clear_failed_sign_ins(std::int64_t user_id, const store::SignInState& seen);

    void mail_written() const;

    Database& db_;
    AccountsOptions options_;
    std::string dummy_hash_;
    std::function<void()> mail_listener_;
};

}  // namespace switchboard
