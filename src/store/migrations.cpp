#include "store/migrations.hpp"

namespace switchboard::store {

// Append only: a migration that has shipped is never edited. Times are Unix
// milliseconds (UTC). Secrets are stored only as hashes.
const std::vector<Migration>& migrations() {
    static const std::vector<Migration> list = {
        {1, "accounts", R"SQL(
CREATE TABLE organisations (
    id                  INTEGER PRIMARY KEY,
    company_name        TEXT NOT NULL,
    email               TEXT NOT NULL COLLATE NOCASE,
    contact_number      TEXT NOT NULL,
    owner_user_id       INTEGER,
    silence_len_ms      INTEGER NOT NULL DEFAULT 500,
    interruption_len_ms INTEGER NOT NULL DEFAULT 750,
    list_by             TEXT NOT NULL DEFAULT 'TicketNo' CHECK (list_by IN ('TicketNo', 'ClientId')),
    exp_tickets_daily   INTEGER NOT NULL DEFAULT 50,
    exp_tickets_weekly  INTEGER NOT NULL DEFAULT 250,
    exp_tickets_monthly INTEGER NOT NULL DEFAULT 1000,
    min_call_len_s      INTEGER NOT NULL DEFAULT 10,
    max_call_len_s      INTEGER NOT NULL DEFAULT 3600,
    created_ms          INTEGER NOT NULL,
    updated_ms          INTEGER NOT NULL
);
CREATE INDEX organisations_email ON organisations (email);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    org_id               INTEGER REFERENCES organisations (id) ON DELETE CASCADE, -- NULL: platform operator
    username             TEXT NOT NULL COLLATE NOCASE,
    email                TEXT NOT NULL COLLATE NOCASE UNIQUE,
    phone                TEXT NOT NULL DEFAULT '',
    first_name           TEXT NOT NULL DEFAULT '',
    last_name            TEXT NOT NULL DEFAULT '',
    extension            TEXT NOT NULL DEFAULT '',
    photo                TEXT NOT NULL DEFAULT '',
    role                 TEXT NOT NULL CHECK (role IN ('operator', 'admin', 'supervisor', 'agent', 'customer')),
    active               INTEGER NOT NULL DEFAULT 1,
    email_verified       INTEGER NOT NULL DEFAULT 0,
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    failed_sign_ins      INTEGER NOT NULL DEFAULT 0,
    first_failure_ms     INTEGER NOT NULL DEFAULT 0,
    locked_until_ms      INTEGER NOT NULL DEFAULT 0,
    created_ms           INTEGER NOT NULL,
    updated_ms           INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_org_username ON users (ifnull(org_id, 0), username);
CREATE INDEX users_username ON users (username);

CREATE TABLE dev_keys (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    username    TEXT NOT NULL COLLATE NOCASE,
    key_hash    TEXT NOT NULL,
    key_hint    TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_ms  INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL,
    UNIQUE (org_id, username)
);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL CHECK (kind IN ('access', 'dev')),
    user_id      INTEGER REFERENCES users (id) ON DELETE CASCADE,
    org_id       INTEGER REFERENCES organisations (id) ON DELETE CASCADE,
    dev_key_id   INTEGER REFERENCES dev_keys (id) ON DELETE CASCADE,
    created_ms   INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    expires_ms   INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_dev_key ON sessions (dev_key_id);

CREATE TABLE email_tokens (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('verify', 'reset')),
    token_hash  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_ms  INTEGER NOT NULL,
    expires_ms  INTEGER NOT NULL,
    used_ms     INTEGER
);
CREATE INDEX email_tokens_hash ON email_tokens (purpose, token_hash);
CREATE INDEX email_tokens_user ON email_tokens (user_id, purpose);

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER REFERENCES organisations (id) ON DELETE CASCADE,
    to_address  TEXT NOT NULL COLLATE NOCASE,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    created_ms  INTEGER NOT NULL,
    sent_ms     INTEGER
);
CREATE INDEX outbox_to ON outbox (to_address);

CREATE TABLE activity (
    id        INTEGER PRIMARY KEY,
    org_id    INTEGER REFERENCES organisations (id) ON DELETE CASCADE, -- NULL: platform operator
    user_id   INTEGER,
    actor     TEXT NOT NULL,
    endpoint  TEXT NOT NULL,
    time_ms   INTEGER NOT NULL,
    ok        INTEGER NOT NULL,
    summary   TEXT NOT NULL
);
CREATE INDEX activity_org_time ON activity (org_id, time_ms DESC);
)SQL"},
    };
    return list;
}

}  // namespace switchboard::store
