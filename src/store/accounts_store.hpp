// Internal: every SQL statement about organisations, users, sessions,
// developer keys, email tokens, the outbox and the activity log.
// The domain rules live in src/accounts; this layer only stores and fetches.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/accounts.hpp"
#include "switchboard/activity.hpp"
#include "switchboard/list.hpp"
#include "switchboard/store.hpp"

namespace switchboard::store {

struct UserCredentials {
    User user;
    std::string password_hash;
    int failed_sign_ins = 0;
    std::int64_t first_failure_ms = 0;
    std::int64_t locked_until_ms = 0;
};

struct NewUserRow {
    User user;                 // id, created/updated ignored
    std::string password_hash;
};

struct SessionRow {
    std::int64_t id = 0;
    TokenKind kind = TokenKind::access;
    std::int64_t user_id = 0;
    std::int64_t org_id = 0;
    std::int64_t dev_key_id = 0;
    std::int64_t created_ms = 0, last_seen_ms = 0, expires_ms = 0;
    // joined from users / dev_keys
    std::string username;
    Role role = Role::customer;
    bool principal_active = false;
    bool must_change_password = false;
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

// Columns of the organisations table that a settings change may set.
struct OrgUpdate {
    std::optional<std::string> company_name, email, contact_number;
    std::optional<int> silence_len_ms, interruption_len_ms;
    std::optional<std::string> list_by;
    std::optional<int> exp_daily, exp_weekly, exp_monthly, min_call_len_s, max_call_len_s;
};

class AccountsStore {
public:
    explicit AccountsStore(Database::Impl& db) : db_(db) {}

    // organisations
    // Creates the organisation, its admin, the verification token and the
    // verification email in one transaction.
    std::pair<Organisation, User> create_organisation(const Organisation& org, const NewUserRow& admin,
                                                      const std::string& verify_token_hash,
                                                      std::int64_t verify_expires_ms,
                                                      const OutboxEmail& email);
    std::optional<Organisation> organisation(std::int64_t org_id);
    std::vector<std::int64_t> organisations_by_email(const std::string& email);
    Page<Organisation> list_organisations(const ListQuery& q, const ListLimits& limits);
    // Applies the update and, when password_hash is set, the password of
    // password_user_id (0: the organisation's owner) in one transaction; a
    // password change ends that user's sessions.
    Organisation update_organisation(std::int64_t org_id, const OrgUpdate& update, std::int64_t password_user_id,
                                     const std::optional<std::string>& password_hash);

    // users
    User insert_user(const NewUserRow& row, const std::optional<OutboxEmail>& email = {});
    std::optional<UserCredentials> user_by_email(const std::string& email);
    std::vector<UserCredentials> users_by_username(const std::string& username);
    std::optional<UserCredentials> user_by_id(std::int64_t user_id);
    Page<User> list_users(std::int64_t org_id, const ListQuery& q, const ListLimits& limits);
    void users_csv(std::int64_t org_id, const ListQuery& q, const ListLimits& limits, const CsvSink& sink);
    PivotReport pivot_users(std::int64_t org_id, const ListQuery& q, const std::vector<std::string>& xaxis,
                            const std::vector<std::string>& yaxis);
    // Updates the given columns; when `ends_sessions` every session of the user is deleted.
    User update_user(std::int64_t user_id, const UserFields& fields,
                     const std::optional<std::string>& password_hash,
                     std::optional<bool> must_change_password, bool ends_sessions);
    bool username_taken(std::int64_t org_id, const std::string& username, std::int64_t except_id);
    bool email_taken(const std::string& email, std::int64_t except_id);
    void record_failed_sign_in(std::int64_t user_id, std::int64_t now_ms, std::int64_t window_ms,
                               int max_failures, std::int64_t lockout_ms);
    void clear_failed_sign_ins(std::int64_t user_id);

    // sessions
    std::int64_t insert_session(const std::string& token_hash, TokenKind kind, std::int64_t user_id,
                                std::int64_t org_id, std::int64_t dev_key_id, std::int64_t now_ms,
                                std::int64_t expires_ms);
    std::optional<SessionRow> session(const std::string& token_hash);
    void touch_session(std::int64_t session_id, std::int64_t now_ms);
    void delete_session(std::int64_t session_id);
    void delete_session_by_hash(const std::string& token_hash);

    // email tokens (verification keys, reset codes)
    void insert_email_token(std::int64_t user_id, const std::string& purpose,
                            const std::string& token_hash, std::int64_t now_ms,
                            std::int64_t expires_ms, const OutboxEmail& email);
    std::optional<EmailTokenRow> email_token_by_hash(const std::string& purpose,
                                                     const std::string& token_hash);
    std::optional<EmailTokenRow> latest_email_token(std::int64_t user_id, const std::string& purpose);
    // Marks the token used and sets the email verified.
    bool spend_verification(std::int64_t token_id, std::int64_t now_ms);
    void count_email_token_attempt(std::int64_t token_id);
    // Marks the code used, sets the password and ends the user's sessions.
    void spend_reset(std::int64_t token_id, std::int64_t user_id, const std::string& password_hash,
                     std::int64_t now_ms);

    // developer keys
    DevKey insert_dev_key(std::int64_t org_id, const std::string& username, const std::string& key_hash,
                          const std::string& hint, std::int64_t created_by);
    std::vector<DevKey> list_dev_keys(std::int64_t org_id);
    std::optional<DevKeyCredentials> dev_key(std::int64_t org_id, const std::string& username);
    // Setting inactive also ends the key's dev tokens.
    std::optional<DevKey> set_dev_key_active(std::int64_t org_id, const std::string& username, bool active);
    bool delete_dev_key(std::int64_t org_id, const std::string& username);

    // outbox
    std::vector<OutboxEmail> outbox(const std::string& to_address);
    // Sets sent_ms and clears the body unless already sent; nullopt when
    // there is no such email.
    std::optional<OutboxEmail> mark_outbox_sent(std::int64_t id);

    // activity log
    // Queues the entry; it is committed within ActivityQueue::kDelay, or
    // before the log is next read.
    void insert_activity(const ActivityEntry& e);
    // Commits entries in one transaction (ActivityQueue's writer).
    void write_activity(const std::vector<ActivityEntry>& batch);
    Page<ActivityEntry> list_activity(std::int64_t org_id, const ListQuery& q, const ListLimits& limits);

private:
    Database::Impl& db_;
};

}  // namespace switchboard::store
