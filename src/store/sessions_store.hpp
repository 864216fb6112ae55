// Internal: the store's interface for sessions (access tokens and dev
// tokens), stored by the digest of their token.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "switchboard/accounts.hpp"

namespace switchboard::store {

struct SessionRow {
    std::int64_t id = 0;
    TokenKind kind = TokenKind::access;
    std::int64_t user_id = 0;
    std::int64_t org_id = 0;
    std::int64_t dev_key_id = 0;
    std::int64_t created_ms = 0, last_seen_ms = 0, expires_ms = 0;
    // From the user or the dev key
    std::string username;
    Role role = Role::customer;
    bool principal_active = false;
    bool must_change_password = false;
};

class SessionsStore {
public:
    virtual ~SessionsStore() = default;
    // Inserts the session (and sweeps the expired ones); returns its id.
    virtual std::int64_t insert_session(const std::string& token_hash, TokenKind kind, std::int64_t user_id,
                                        std::int64_t org_id, std::int64_t dev_key_id, std::int64_t now_ms,
                                        std::int64_t expires_ms) = 0;
    // The row may be up to a second old when the change was made by another
    // process; this process's own changes are seen at once.
    virtual std::optional<SessionRow> session(const std::string& token_hash) = 0;
    virtual void touch_session(const std::string& token_hash, std::int64_t now_ms) = 0;
    virtual void delete_session(std::int64_t session_id) = 0;
    virtual void delete_session_by_hash(const std::string& token_hash) = 0;
};

}  // namespace switchboard::store
