// Internal: the store's interface for organisations, users, developer keys
// and the one-time email tokens (verification keys, reset codes). The rules
// live in src/accounts; an implementation only stores and fetches
// (src/store/sqlite holds the SQLite one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "switchboard/accounts.hpp"
#include "switchboard/list.hpp"

namespace switchboard::store {

// Failed sign-ins of one account (the lockout rule is Accounts').
struct SignInState {
    int failures = 0;
    std::int64_t first_failure_ms = 0;
    std::int64_t locked_until_ms = 0;
    bool operator==(const SignInState&) const = default;
};

struct UserCredentials {
    User user;
    std::string password_hash;
    SignInState sign_in;
};

struct NewUserRow {
    User user;                 // id, created/updated ignored
    std::string password_hash;
};

struct EmailTokenRow {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::string token_hash;
    int attempts = 0;
    std::int64_t expires_ms = 0;
    std::optional<std::int64_t> used_ms;
};

struct DevKeyCredentials {
    DevKey key;
    std::int64_t org_id = 0;
    std::string key_hash;
};

// Fields of an organisation that a settings change may set.
struct OrgUpdate {
    std::optional<std::string> company_name, email, contact_number;
    std::optional<int> silence_len_ms, interruption_len_ms;
    std::optional<ListBy> list_by;
    std::optional<int> exp_daily, exp_weekly, exp_monthly, min_call_len_s, max_call_len_s;
};

class AccountsStore {
public:
    virtual ~AccountsStore() = default;

    // --- organisations
    // Creates the organisation, its admin and, when verify_token_hash is
    // set, the verification token and the verification email, in one
    // transaction.
    virtual std::pair<Organisation, User> create_organisation(const Organisation& org, const NewUserRow& admin,
                                                              const std::string& verify_token_hash,
                                                              std::int64_t verify_expires_ms,
                                                              const OutboxEmail& email) = 0;
    virtual std::optional<Organisation> organisation(std::int64_t org_id) = 0;
    virtual std::vector<std::int64_t> organisations_by_email(const std::string& email) = 0;
    // Filters: id, company_name, email, contact_number, created_on.
    virtual Page<Organisation> list_organisations(const ListQuery& q, const ListLimits& limits) = 0;
    // Applies the update and, when password_hash is set, the password of
    // password_user_id (0: the organisation's owner), in one transaction; a
    // password change ends that user's sessions. `check` sees the
    // organisation as it would be and may throw: nothing is written then.
    virtual Organisation update_organisation(std::int64_t org_id, const OrgUpdate& update,
                                             std::int64_t password_user_id,
                                             const std::optional<std::string>& password_hash,
                                             const std::function<void(const Organisation&)>& check) = 0;

    // --- users
    virtual User insert_user(const NewUserRow& row, const std::optional<OutboxEmail>& email = {}) = 0;
    virtual std::optional<UserCredentials> user_by_email(const std::string& email) = 0;
    virtual std::vector<UserCredentials> users_by_username(const std::string& username) = 0;
    virtual std::optional<UserCredentials> user_by_id(std::int64_t user_id) = 0;
    // Filters: id, username, email, phone, first_name, last_name, extension,
    // role, active, created_on; group fields role and active.
    virtual Page<User> list_users(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) = 0;
    virtual void users_csv(std::int64_t org_id, const ListQuery& q, const ListLimits& limits,
                           const CsvSink& sink) = 0;
    virtual PivotReport pivot_users(std::int64_t org_id, const ListQuery& q, const std::vector<std::string>& xaxis,
                                    const std::vector<std::string>& yaxis) = 0;
    // Updates the given fields; a new password also clears the failed
    // sign-ins; when `ends_sessions` every session of the user is deleted.
    virtual User update_user(std::int64_t user_id, const UserFields& fields,
                             const std::optional<std::string>& password_hash,
                             std::optional<bool> must_change_password, bool ends_sessions) = 0;
    virtual bool username_taken(std::int64_t org_id, const std::string& username, std::int64_t except_id) = 0;
    virtual bool email_taken(const std::string& email, std::int64_t except_id) = 0;
    // Sets the user's sign-in state if it still is `expected` (compare and
    // set); false when another sign-in changed it first.
    virtual bool replace_sign_in_state(std::int64_t user_id, const SignInState& expected,
                                       const SignInState& next) = 0;
    // For the checks of assignees: the user's role in the organisation and
    // whether the user is active; nullopt when the organisation has no such user.
    virtual std::optional<std::pair<Role, bool>> user_role(std::int64_t org_id, std::int64_t user_id) = 0;

    // --- email tokens (purpose "verify" or "reset")
    // Spends the user's earlier unused tokens of the purpose, inserts the new
    // one and puts the email in the outbox, in one transaction.
    virtual void insert_email_token(std::int64_t user_id, const std::string& purpose, const std::string& token_hash,
                                    std::int64_t now_ms, std::int64_t expires_ms, const OutboxEmail& email) = 0;
    virtual std::optional<EmailTokenRow> email_token_by_hash(const std::string& purpose,
                                                             const std::string& token_hash) = 0;
    virtual std::optional<EmailTokenRow> latest_email_token(std::int64_t user_id, const std::string& purpose) = 0;
    // Marks the token used and the user's email verified, if the token is
    // unused and unexpired; false otherwise.
    virtual bool spend_verification(std::int64_t token_id, std::int64_t now_ms) = 0;
    virtual void count_email_token_attempt(std::int64_t token_id) = 0;
    // Marks the code used, sets the password (and the email verified), clears
    // the failed sign-ins and ends the user's sessions. Error(credentials)
    // when the code was spent meanwhile.
    virtual void spend_reset(std::int64_t token_id, std::int64_t user_id, const std::string& password_hash,
                             std::int64_t now_ms) = 0;

    // --- developer keys
    virtual DevKey insert_dev_key(std::int64_t org_id, const std::string& username, const std::string& key_hash,
                                  const std::string& hint, std::int64_t created_by) = 0;
    virtual std::vector<DevKey> list_dev_keys(std::int64_t org_id) = 0;
    virtual std::optional<DevKeyCredentials> dev_key(std::int64_t org_id, const std::string& username) = 0;
    // Setting a key inactive also ends its dev tokens.
    virtual std::optional<DevKey> set_dev_key_active(std::int64_t org_id, const std::string& username,
                                                     bool active) = 0;
    // Deleting a key ends its dev tokens.
    virtual bool delete_dev_key(std::int64_t org_id, const std::string& username) = 0;
};

}  // namespace switchboard::store
