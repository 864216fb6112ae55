#include "store/sqlite/migrations.hpp"

#include <string>
#include <vector>

#include "switchboard/error.hpp"

namespace switchboard::store::sqlite {

namespace {

// The CREATE TABLE text without its CHECK constraints: each " CHECK (...)"
// with its balanced parentheses (quoted text skipped) is cut out.
std::string without_checks(const std::string& sql) {
    std::string out;
    std::size_t i = 0;
    while (i < sql.size()) {
        const std::size_t at = sql.find("CHECK", i);
        if (at == std::string::npos) break;
        std::size_t open = at + 5;
        while (open < sql.size() && (sql[open] == ' ' || sql[open] == '\n')) ++open;
        if (open >= sql.size() || sql[open] != '(') {
            out.append(sql, i, open - i);
            i = open;
            continue;
        }
        std::size_t end = open;
        int depth = 0;
        bool quoted = false;
        for (; end < sql.size(); ++end) {
            const char c = sql[end];
            if (c == '\'') quoted = !quoted;
            else if (!quoted && c == '(') ++depth;
            else if (!quoted && c == ')' && --depth == 0) break;
        }
        std::size_t cut = at;
        while (cut > i && sql[cut - 1] == ' ') --cut;  // the space before it
        out.append(sql, i, cut - i);
        i = end + 1;
    }
    out.append(sql, i, std::string::npos);
    return out;
}

// Migration 7: the value lists and ranges that CHECK constraints repeated
// live in the core, where the other rules are (ticket statuses, roles,
// scores ...). SQLite cannot drop a constraint, but the text of a table's
// definition may be edited in place when the change does not touch what is
// stored (https://sqlite.org/lang_altertable.html, "Making other kinds of
// table schema changes"); then the schema version is bumped so that every
// connection reads the new definitions.
void drop_checks(SQLite::Database& db) {
    std::vector<std::pair<std::string, std::string>> edits;
    {
        SQLite::Statement st(db, "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%CHECK%'");
        while (st.executeStep()) {
            const std::string sql = st.getColumn(1).getString();
            edits.emplace_back(st.getColumn(0).getString(), without_checks(sql));
        }
    }
    const int version = db.execAndGet("PRAGMA schema_version").getInt();
    db.exec("PRAGMA writable_schema = ON");
    SQLite::Statement set(db, "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?");
    for (const auto& [name, sql] : edits) {
        if (sql.find("CHECK") != std::string::npos)
            throw Error(ErrorCode::schema, "migration 7 could not remove the constraints of table " + name);
        set.bind(1, sql);
        set.bind(2, name);
        set.exec();
        set.reset();
    }
    db.exec("PRAGMA schema_version = " + std::to_string(version + 1));
    db.exec("PRAGMA writable_schema = OFF");
    const std::string check = db.execAndGet("PRAGMA integrity_check").getString();
    if (check != "ok") throw Error(ErrorCode::schema, "migration 7 left the database inconsistent: " + check);
}

// Migration 12: a trigger per table and change that writes the row's id to
// record_changes (tickets_updated, tickets_deleted, contacts_updated,
// contacts_deleted).
void add_change_triggers(SQLite::Database& db) {
    for (const std::string table : {"tickets", "contacts"})
        for (const std::string change : {"UPDATE", "DELETE"}) {
            const std::string name = table + (change == "UPDATE" ? "_updated" : "_deleted");
            db.exec("CREATE TRIGGER " + name + " AFTER " + change + " ON " + table +
                    " BEGIN INSERT INTO record_changes (tbl, row_id, at_ms) VALUES ('" + table +
                    "', OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)); END");
        }
}

}  // namespace

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
        {2, "cases", R"SQL(
ALTER TABLE organisations ADD COLUMN ticket_seq INTEGER NOT NULL DEFAULT 0;

CREATE TABLE categories (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    parent_id   INTEGER REFERENCES categories (id) ON DELETE CASCADE,
    name        TEXT NOT NULL COLLATE NOCASE,
    created_ms  INTEGER NOT NULL
);
CREATE UNIQUE INDEX categories_name ON categories (org_id, ifnull(parent_id, 0), name);

CREATE TABLE contacts (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    first_name       TEXT NOT NULL DEFAULT '',
    last_name        TEXT NOT NULL DEFAULT '',
    phone            TEXT NOT NULL DEFAULT '',
    email            TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
    town             TEXT NOT NULL DEFAULT '',
    country          TEXT NOT NULL DEFAULT '',
    user_category    TEXT NOT NULL DEFAULT '',
    position_in_org  TEXT NOT NULL DEFAULT '',
    org_name         TEXT NOT NULL DEFAULT '',
    created_ms       INTEGER NOT NULL,
    updated_ms       INTEGER NOT NULL
);
CREATE INDEX contacts_phone ON contacts (org_id, phone) WHERE phone != '';
CREATE INDEX contacts_email ON contacts (org_id, email) WHERE email != '';

CREATE TABLE tickets (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    ticket_no      TEXT NOT NULL,
    source         TEXT NOT NULL CHECK (source IN ('walkin', 'call', 'email', 'sms')),
    source_id      TEXT NOT NULL DEFAULT '',
    category_main  INTEGER REFERENCES categories (id),
    category_sub   INTEGER REFERENCES categories (id),
    narrative      TEXT NOT NULL DEFAULT '',
    resolution     TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL CHECK (status IN ('open', 'closed', 'escalated')),
    priority       TEXT NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
    referred_to    TEXT NOT NULL DEFAULT '',
    escalated_to   TEXT NOT NULL DEFAULT '',
    disposition    TEXT NOT NULL DEFAULT '' CHECK (disposition IN
                   ('', 'blank-call', 'call-disconnected', 'prank', 'call-completed', 'transfer')),
    contact_id     INTEGER REFERENCES contacts (id),
    assigned_to    INTEGER REFERENCES users (id),
    created_by     INTEGER REFERENCES users (id),
    created_ms     INTEGER NOT NULL,
    updated_ms     INTEGER NOT NULL,
    UNIQUE (org_id, ticket_no)
);
CREATE INDEX tickets_org ON tickets (org_id, id DESC);
CREATE INDEX tickets_status_priority ON tickets (org_id, status, priority, id DESC);
CREATE INDEX tickets_assigned ON tickets (org_id, assigned_to, id DESC);
CREATE INDEX tickets_created_by ON tickets (org_id, created_by, id DESC);
CREATE INDEX tickets_created ON tickets (org_id, created_ms);

CREATE TABLE ticket_history (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    field       TEXT NOT NULL,
    old_value   TEXT NOT NULL,
    new_value   TEXT NOT NULL,
    user_id     INTEGER,
    actor       TEXT NOT NULL,
    time_ms     INTEGER NOT NULL
);
CREATE INDEX ticket_history_ticket ON ticket_history (ticket_id, id);

CREATE TABLE ticket_messages (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    author      TEXT NOT NULL,
    author_role TEXT NOT NULL,
    body        TEXT NOT NULL,
    time_ms     INTEGER NOT NULL
);
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, id);

-- Full-text search over a ticket's narrative, resolution, contact and
-- messages; rowid = tickets.id, rewritten whenever one of them changes.
CREATE VIRTUAL TABLE tickets_fts USING fts5 (narrative, resolution, contact, messages);
)SQL"},
        {3, "calls_files_qa", R"SQL(
CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    mime         TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    uploaded_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_ms   INTEGER NOT NULL
);
CREATE INDEX files_org ON files (org_id, id DESC);

CREATE TABLE calls (
    id                 INTEGER PRIMARY KEY,
    org_id             INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    direction          TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    agent_id           INTEGER REFERENCES users (id) ON DELETE SET NULL,
    queue              TEXT NOT NULL DEFAULT '',
    caller             TEXT NOT NULL DEFAULT '',
    start_ms           INTEGER NOT NULL,
    answer_ms          INTEGER,
    end_ms             INTEGER,
    wait_s             INTEGER NOT NULL DEFAULT 0,
    talk_s             INTEGER NOT NULL DEFAULT 0,
    hold_s             INTEGER NOT NULL DEFAULT 0,
    hangup_status      TEXT NOT NULL DEFAULT '',
    qa_done            INTEGER NOT NULL DEFAULT 0,
    activity_count     INTEGER NOT NULL DEFAULT 0,
    ticket_id          INTEGER REFERENCES tickets (id) ON DELETE SET NULL,
    recording_file_id  INTEGER REFERENCES files (id),
    created_ms         INTEGER NOT NULL
);
CREATE INDEX calls_org ON calls (org_id, id DESC);
CREATE INDEX calls_agent ON calls (org_id, agent_id, id DESC);
CREATE INDEX calls_start ON calls (org_id, start_ms);

CREATE TABLE qa (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    call_id          INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    opening          INTEGER NOT NULL CHECK (opening BETWEEN 1 AND 5),
    holding          INTEGER NOT NULL CHECK (holding BETWEEN 1 AND 5),
    politeness       INTEGER NOT NULL CHECK (politeness BETWEEN 1 AND 5),
    enthusiasm       INTEGER NOT NULL CHECK (enthusiasm BETWEEN 1 AND 5),
    personalization  INTEGER NOT NULL CHECK (personalization BETWEEN 1 AND 5),
    troubleshooting  INTEGER NOT NULL CHECK (troubleshooting BETWEEN 1 AND 5),
    listening        INTEGER NOT NULL CHECK (listening BETWEEN 1 AND 5),
    accuracy         INTEGER NOT NULL CHECK (accuracy BETWEEN 1 AND 5),
    resolution       INTEGER NOT NULL CHECK (resolution BETWEEN 1 AND 5),
    comments         TEXT NOT NULL DEFAULT '',
    recommendations  TEXT NOT NULL DEFAULT '',
    reviewer_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    reviewer         TEXT NOT NULL,
    created_ms       INTEGER NOT NULL
);
CREATE INDEX qa_org ON qa (org_id, id DESC);
CREATE INDEX qa_call ON qa (call_id);
)SQL"},
        {4, "ticket_tally", R"SQL(
-- How many tickets each organisation has per status and priority, kept by
-- triggers in the transaction that changes a ticket. The total of a queue
-- view (status and/or priority filters only) is a sum over at most nine rows
-- instead of a count over every matching index entry.
CREATE TABLE ticket_tally (
    org_id    INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    status    TEXT NOT NULL,
    priority  TEXT NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (org_id, status, priority)
) WITHOUT ROWID;
INSERT INTO ticket_tally (org_id, status, priority, n)
    SELECT org_id, status, priority, count(*) FROM tickets GROUP BY org_id, status, priority;

CREATE TRIGGER ticket_tally_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_tally (org_id, status, priority, n) VALUES (new.org_id, new.status, new.priority, 1)
        ON CONFLICT (org_id, status, priority) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER ticket_tally_delete AFTER DELETE ON tickets BEGIN
    UPDATE ticket_tally SET n = n - 1
        WHERE org_id = old.org_id AND status = old.status AND priority = old.priority;
END;
CREATE TRIGGER ticket_tally_update AFTER UPDATE OF org_id, status, priority ON tickets
    WHEN old.org_id != new.org_id OR old.status != new.status OR old.priority != new.priority BEGIN
    UPDATE ticket_tally SET n = n - 1
        WHERE org_id = old.org_id AND status = old.status AND priority = old.priority;
    INSERT INTO ticket_tally (org_id, status, priority, n) VALUES (new.org_id, new.status, new.priority, 1)
        ON CONFLICT (org_id, status, priority) DO UPDATE SET n = n + 1;
END;
)SQL"},
        {5, "text_interactions", R"SQL(
-- Each organisation's phrase pools are the built-in defaults plus the rows
-- here: entries it added (built_in = 0) and built-in entries it removed
-- (built_in = 1, removed = 1). pools_rev changes with every edit so that a
-- compiled analyzer knows when it is stale.
ALTER TABLE organisations ADD COLUMN pools_rev INTEGER NOT NULL DEFAULT 0;
-- The sequence part of the organisation's Ricket ids (the 5 digits after the
-- time stamp are this counter modulo 100000).
ALTER TABLE organisations ADD COLUMN ricket_seq INTEGER NOT NULL DEFAULT 0;

CREATE TABLE pool_entries (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    pool        TEXT NOT NULL,
    text        TEXT NOT NULL,
    regex       INTEGER NOT NULL DEFAULT 0 CHECK (regex IN (0, 1)),
    built_in    INTEGER NOT NULL DEFAULT 0 CHECK (built_in IN (0, 1)),
    removed     INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
    created_ms  INTEGER NOT NULL,
    UNIQUE (org_id, pool, text)
);

-- Text interactions (and, later, calls) by Ricket id. The text as posted is
-- never stored: only its redacted form, once analysed.
CREATE TABLE interactions (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    ricket         TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL CHECK (kind IN ('T', 'C')),
    department     TEXT NOT NULL DEFAULT '',
    agent_id       TEXT NOT NULL DEFAULT '',
    client_id      TEXT NOT NULL DEFAULT '',
    ticket_no      TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL DEFAULT '',
    created_ms     INTEGER NOT NULL,
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ready', 'failed')),
    ready_ms       INTEGER NOT NULL DEFAULT 0,
    error          TEXT NOT NULL DEFAULT '',
    text_chars     INTEGER NOT NULL DEFAULT 0,
    redacted_text  TEXT,
    analysis_json  TEXT
);
CREATE INDEX interactions_org ON interactions (org_id, id DESC);
)SQL"},
        {6, "jobs_events", R"SQL(
-- Durable background jobs (docs/jobs.md). due_ms is when a queued job may
-- run, and when a running job's lease expires: a worker claims what is due
-- in either state. The payload is sealed by the library and cleared once
-- the job is done or has failed for good.
CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER REFERENCES organisations (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    subject       TEXT NOT NULL DEFAULT '',
    payload       BLOB,
    state         TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL,
    due_ms        INTEGER NOT NULL,
    lease_owner   TEXT NOT NULL DEFAULT '',
    last_error    TEXT NOT NULL DEFAULT '',
    created_ms    INTEGER NOT NULL,
    updated_ms    INTEGER NOT NULL,
    finished_ms   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX jobs_due ON jobs (due_ms) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_org ON jobs (org_id, id DESC);
CREATE INDEX jobs_done ON jobs (finished_ms) WHERE state = 'done';

-- Events, numbered per organisation (organisations.event_seq is the last
-- number given) and kept for a retention window (docs/events.md).
ALTER TABLE organisations ADD COLUMN event_seq INTEGER NOT NULL DEFAULT 0;
CREATE TABLE events (
    org_id       INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    type         TEXT NOT NULL,
    time_ms      INTEGER NOT NULL,
    subject      TEXT NOT NULL,
    data         TEXT NOT NULL,
    audience     TEXT NOT NULL,
    assigned_to  INTEGER NOT NULL DEFAULT 0,
    created_by   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, seq)
) WITHOUT ROWID;
CREATE INDEX events_time ON events (time_ms);
)SQL"},
        // The value lists and ranges move into the core (drop_checks above).
        {7, "rules_in_core", "", drop_checks},
        // Presence: settings, queues and their members, and the history of
        // agent states (docs/presence.md). The live state is in memory.
        {8, "presence", R"SQL(
CREATE TABLE presence_settings (
    org_id                 INTEGER PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    break_reasons          TEXT NOT NULL,
    heartbeat_timeout_ms   INTEGER NOT NULL,
    join_confirms_at_once  INTEGER NOT NULL,
    join_ring_ms           INTEGER NOT NULL
);
CREATE TABLE queues (
    id                 INTEGER PRIMARY KEY,
    org_id             INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    ring_timeout_ms    INTEGER NOT NULL,
    wrap_up_ms         INTEGER NOT NULL,
    max_missed_offers  INTEGER NOT NULL,
    max_wait_ms        INTEGER NOT NULL,
    overflow           TEXT NOT NULL DEFAULT '',
    UNIQUE (org_id, name)
);
CREATE TABLE agent_queues (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    queue_id  INTEGER NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, queue_id)
) WITHOUT ROWID;
CREATE INDEX agent_queues_queue ON agent_queues (queue_id);
-- One row a state of an agent within a UTC day; ended_ms NULL while it lasts.
CREATE TABLE agent_states (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    username    TEXT NOT NULL,
    state       TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    day         TEXT NOT NULL,
    started_ms  INTEGER NOT NULL,
    ended_ms    INTEGER
);
CREATE INDEX agent_states_org ON agent_states (org_id, id DESC);
CREATE INDEX agent_states_open ON agent_states (org_id, user_id) WHERE ended_ms IS NULL;
)SQL"},
        // The mailer: each outbox mail's state and job, the values its
        // template is written from, and the organisations' own SMTP settings
        // and templates (docs/mail.md).
        {9, "mailer", R"SQL(
ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'queued';
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN reply TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN job_id INTEGER;
ALTER TABLE outbox ADD COLUMN vars TEXT NOT NULL DEFAULT '{}';
UPDATE outbox SET status = 'sent' WHERE sent_ms IS NOT NULL;
CREATE INDEX outbox_unsent ON outbox (id) WHERE status = 'queued' AND job_id IS NULL;
CREATE TABLE mail_settings (
    org_id           INTEGER PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    smtp_url         TEXT NOT NULL,
    tls              TEXT NOT NULL,
    username         TEXT NOT NULL,
    password_sealed  BLOB NOT NULL,
    from_address     TEXT NOT NULL,
    updated_ms       INTEGER NOT NULL
);
CREATE TABLE mail_templates (
    org_id      INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    text        TEXT NOT NULL,
    html        TEXT NOT NULL,
    enabled     INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL,
    PRIMARY KEY (org_id, kind)
) WITHOUT ROWID;
)SQL"},
        // Emails and SMS as records (OpenCHS 7 and 8, docs/messages.md).
        {10, "messages", R"SQL(
CREATE TABLE emails (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    direction     TEXT NOT NULL,
    folder        TEXT NOT NULL COLLATE NOCASE,
    status        TEXT NOT NULL COLLATE NOCASE,
    reason        TEXT NOT NULL DEFAULT '',
    subject       TEXT NOT NULL,
    text          TEXT NOT NULL,
    html          TEXT NOT NULL,
    from_address  TEXT NOT NULL COLLATE NOCASE,
    message_id    TEXT NOT NULL,
    in_reply_to   TEXT NOT NULL DEFAULT '',
    thread        TEXT NOT NULL,
    ticket_id     INTEGER,
    created_by    INTEGER NOT NULL DEFAULT 0,
    created_ms    INTEGER NOT NULL,
    updated_ms    INTEGER NOT NULL,
    sent_ms       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX emails_org ON emails (org_id, id DESC);
CREATE INDEX emails_message ON emails (message_id);
CREATE TABLE email_recipients (
    email_id    INTEGER NOT NULL REFERENCES emails (id) ON DELETE CASCADE,
    contact_id  INTEGER NOT NULL,
    address     TEXT NOT NULL,
    PRIMARY KEY (email_id, contact_id)
);
CREATE TABLE email_attachments (
    email_id  INTEGER NOT NULL REFERENCES emails (id) ON DELETE CASCADE,
    file_id   INTEGER NOT NULL,
    PRIMARY KEY (email_id, file_id)
);
ALTER TABLE outbox ADD COLUMN email_id INTEGER;
CREATE TABLE sms (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    direction   TEXT NOT NULL,
    folder      TEXT NOT NULL COLLATE NOCASE,
    status      TEXT NOT NULL COLLATE NOCASE,
    reason      TEXT NOT NULL DEFAULT '',
    text        TEXT NOT NULL,
    ticket_id   INTEGER,
    created_by  INTEGER NOT NULL DEFAULT 0,
    created_ms  INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL,
    sent_ms     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sms_org ON sms (org_id, id DESC);
CREATE TABLE mailboxes (
    org_id           INTEGER PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    imap_url         TEXT NOT NULL,
    tls              TEXT NOT NULL,
    username         TEXT NOT NULL,
    password_sealed  BLOB NOT NULL,
    last_uid         INTEGER NOT NULL DEFAULT 0,
    last_fetch_ms    INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    updated_ms       INTEGER NOT NULL
);
CREATE TABLE sms_recipients (
    sms_id      INTEGER NOT NULL REFERENCES sms (id) ON DELETE CASCADE,
    contact_id  INTEGER NOT NULL,
    phone       TEXT NOT NULL,
    status      TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    updated_ms  INTEGER NOT NULL,
    PRIMARY KEY (sms_id, contact_id)
);
)SQL"},
        {11, "calls_analysed", R"SQL(
-- Calls (OctaPy IO1) are interactions of kind 'C'. Until its analysis is
-- stored, a call's unredacted recording waits in the spool directory under
-- the name in spool (cleared when the analysis is stored, or fails); the
-- redacted recording is a file of the organisation.
ALTER TABLE interactions ADD COLUMN spool TEXT;
ALTER TABLE interactions ADD COLUMN duration_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE interactions ADD COLUMN recording_file_id INTEGER NOT NULL DEFAULT 0;
CREATE INDEX interactions_spool ON interactions (spool) WHERE spool IS NOT NULL;
-- The OpenCHS call whose recording a call interaction analyses (NULL for an
-- upload through POST /record/call).
ALTER TABLE interactions ADD COLUMN call_id INTEGER REFERENCES calls (id) ON DELETE SET NULL;
CREATE INDEX interactions_call ON interactions (call_id) WHERE call_id IS NOT NULL;
)SQL"},
        {12, "record_changes", R"SQL(
-- The log of changed rows of the tables whose records a process keeps in
-- memory (a ticket with its contact), written by triggers so that every
-- process's writes are in it. Each process reads it past the last row it
-- read and forgets the records named; rows older than a minute are pruned.
-- A new row needs no entry: nothing is kept for a row that did not exist.
CREATE TABLE record_changes (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    tbl     TEXT NOT NULL,
    row_id  INTEGER NOT NULL,
    at_ms   INTEGER NOT NULL
);
CREATE INDEX record_changes_at ON record_changes (at_ms);
)SQL", add_change_triggers},
    };
    return list;
}

}  // namespace switchboard::store::sqlite
