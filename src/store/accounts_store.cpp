#include "store/accounts_store.hpp"

#include "core/csv.hpp"
#include "core/time.hpp"
#include "store/database_impl.hpp"
#include "store/list_run.hpp"

namespace switchboard::store {


namespace {

constexpr const char* kOrgColumns =
    "o.id, o.company_name, o.email, o.contact_number, ifnull(o.owner_user_id, 0), o.silence_len_ms, "
    "o.interruption_len_ms, o.list_by, o.exp_tickets_daily, o.exp_tickets_weekly, o.exp_tickets_monthly, "
    "o.min_call_len_s, o.max_call_len_s, o.created_ms, o.updated_ms, "
    "ifnull((SELECT email_verified FROM users WHERE id = o.owner_user_id), 0), "
    "(SELECT count(*) FROM users WHERE org_id = o.id)";

Organisation read_org(const Prepared& st) {
    Organisation o;
    o.id = st->getColumn(0).getInt64();
    o.company_name = st->getColumn(1).getString();
    o.email = st->getColumn(2).getString();
    o.contact_number = st->getColumn(3).getString();
    o.owner_user_id = st->getColumn(4).getInt64();
    o.standards.silence_len_ms = st->getColumn(5).getInt();
    o.standards.interruption_len_ms = st->getColumn(6).getInt();
    o.standards.list_by = list_by_from_string(st->getColumn(7).getString());
    o.constraints.expected_tickets_daily = st->getColumn(8).getInt();
    o.constraints.expected_tickets_weekly = st->getColumn(9).getInt();
    o.constraints.expected_tickets_monthly = st->getColumn(10).getInt();
    o.constraints.min_call_len_s = st->getColumn(11).getInt();
    o.constraints.max_call_len_s = st->getColumn(12).getInt();
    o.created_ms = st->getColumn(13).getInt64();
    o.updated_ms = st->getColumn(14).getInt64();
    o.verified = st->getColumn(15).getInt() != 0;
    o.user_count = st->getColumn(16).getInt64();
    return o;
}

constexpr const char* kUserColumns =
    "u.id, ifnull(u.org_id, 0), u.username, u.email, u.phone, u.first_name, u.last_name, u.extension, "
    "u.photo, u.role, u.active, u.email_verified, u.must_change_password, u.created_ms, u.updated_ms, "
    "u.password_hash, u.failed_sign_ins, u.first_failure_ms, u.locked_until_ms";

User read_user(const Prepared& st) {
    User u;
    u.id = st->getColumn(0).getInt64();
    u.org_id = st->getColumn(1).getInt64();
    u.username = st->getColumn(2).getString();
    u.email = st->getColumn(3).getString();
    u.phone = st->getColumn(4).getString();
    u.first_name = st->getColumn(5).getString();
    u.last_name = st->getColumn(6).getString();
    u.extension = st->getColumn(7).getString();
    u.photo = st->getColumn(8).getString();
    u.role = role_from_string(st->getColumn(9).getString());
    u.active = st->getColumn(10).getInt() != 0;
    u.email_verified = st->getColumn(11).getInt() != 0;
    u.must_change_password = st->getColumn(12).getInt() != 0;
    u.created_ms = st->getColumn(13).getInt64();
    u.updated_ms = st->getColumn(14).getInt64();
    return u;
}

UserCredentials read_credentials(const Prepared& st) {
    UserCredentials c;
    c.user = read_user(st);
    c.password_hash = st->getColumn(15).getString();
    c.failed_sign_ins = st->getColumn(16).getInt();
    c.first_failure_ms = st->getColumn(17).getInt64();
    c.locked_until_ms = st->getColumn(18).getInt64();
    return c;
}

std::optional<Organisation> org_by_id(SQLite::Database& db, std::int64_t id) {
    Prepared st(db, std::string("SELECT ") + kOrgColumns + " FROM organisations o WHERE o.id = ?");
    st->bind(1, static_cast<int64_t>(id));
    if (!st->executeStep()) return std::nullopt;
    return read_org(st);
}

std::optional<UserCredentials> user_where(SQLite::Database& db, const char* where, const std::string& value) {
    Prepared st(db, std::string("SELECT ") + kUserColumns + " FROM users u WHERE " + where);
    st->bind(1, value);
    if (!st->executeStep()) return std::nullopt;
    return read_credentials(st);
}

std::optional<UserCredentials> user_by_id_in(SQLite::Database& db, std::int64_t id) {
    Prepared st(db, std::string("SELECT ") + kUserColumns + " FROM users u WHERE u.id = ?");
    st->bind(1, static_cast<int64_t>(id));
    if (!st->executeStep()) return std::nullopt;
    return read_credentials(st);
}

void put_outbox(SQLite::Database& db, const OutboxEmail& e, std::int64_t org_id) {
    Prepared st(db, "INSERT INTO outbox (org_id, to_address, subject, body, kind, created_ms) VALUES (?, ?, ?, ?, ?, ?)");
    if (org_id) st->bind(1, static_cast<int64_t>(org_id)); else st->bind(1);
    st->bind(2, e.to);
    st->bind(3, e.subject);
    st->bind(4, e.body);
    st->bind(5, e.kind);
    st->bind(6, static_cast<int64_t>(detail::now_ms()));
    st->exec();
}

std::int64_t insert_user_row(SQLite::Database& db, const NewUserRow& row) {
    const auto now = detail::now_ms();
    Prepared st(db,
                 "INSERT INTO users (org_id, username, email, phone, first_name, last_name, extension, photo, role, "
                 "active, email_verified, password_hash, must_change_password, created_ms, updated_ms) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const User& u = row.user;
    if (u.org_id) st->bind(1, static_cast<int64_t>(u.org_id)); else st->bind(1);
    st->bind(2, u.username);
    st->bind(3, u.email);
    st->bind(4, u.phone);
    st->bind(5, u.first_name);
    st->bind(6, u.last_name);
    st->bind(7, u.extension);
    st->bind(8, u.photo);
    st->bind(9, std::string(to_string(u.role)));
    st->bind(10, u.active ? 1 : 0);
    st->bind(11, u.email_verified ? 1 : 0);
    st->bind(12, row.password_hash);
    st->bind(13, u.must_change_password ? 1 : 0);
    st->bind(14, static_cast<int64_t>(now));
    st->bind(15, static_cast<int64_t>(now));
    st->exec();
    return db.getLastInsertRowid();
}

void end_sessions_of(SQLite::Database& db, std::int64_t user_id) {
    Prepared st(db, "DELETE FROM sessions WHERE user_id = ?");
    st->bind(1, static_cast<int64_t>(user_id));
    st->exec();
}

DevKey read_dev_key(const Prepared& st) {
    DevKey k;
    k.id = st->getColumn(0).getInt64();
    k.username = st->getColumn(1).getString();
    k.pass_key_hint = st->getColumn(2).getString();
    k.active = st->getColumn(3).getInt() != 0;
    k.created_ms = st->getColumn(4).getInt64();
    k.updated_ms = st->getColumn(5).getInt64();
    return k;
}

constexpr const char* kDevKeyColumns = "id, username, key_hint, active, created_ms, updated_ms, key_hash, org_id";

const ListSpec& user_list_spec() {
    static const ListSpec spec{
        "users",
        {{"id", "u.id", FieldKind::integer},
         {"usn", "u.username", FieldKind::text},
         {"username", "u.username", FieldKind::text},
         {"email", "u.email", FieldKind::text},
         {"phone", "u.phone", FieldKind::text},
         {"fname", "u.first_name", FieldKind::text},
         {"first_name", "u.first_name", FieldKind::text},
         {"lname", "u.last_name", FieldKind::text},
         {"last_name", "u.last_name", FieldKind::text},
         {"exten", "u.extension", FieldKind::text},
         {"extension", "u.extension", FieldKind::text},
         {"role", "u.role", FieldKind::text},
         {"enabled", "u.active", FieldKind::boolean},
         {"active", "u.active", FieldKind::boolean},
         {"created_on", "u.created_ms", FieldKind::time},
         {"created", "u.created_ms", FieldKind::time}},
        {"u.username", "u.email", "u.first_name", "u.last_name", "u.phone"},
        {},
        {},
        {"role", "enabled"}};
    return spec;
}

const ListSpec& org_list_spec() {
    static const ListSpec spec{"organisations",
                               {{"id", "o.id", FieldKind::integer},
                                {"company_name", "o.company_name", FieldKind::text},
                                {"companyName", "o.company_name", FieldKind::text},
                                {"email", "o.email", FieldKind::text},
                                {"contact_number", "o.contact_number", FieldKind::text},
                                {"contactNo", "o.contact_number", FieldKind::text},
                                {"created_on", "o.created_ms", FieldKind::time},
                                {"created", "o.created_ms", FieldKind::time}},
                               {"o.company_name", "o.email", "o.contact_number"},
                               {},
                               {},
                               {}};
    return spec;
}

const ListSpec& activity_list_spec() {
    static const ListSpec spec{"activity",
                               {{"time", "a.time_ms", FieldKind::time},
                                {"endpoint", "a.endpoint", FieldKind::prefix_text},
                                {"status", "CASE a.ok WHEN 1 THEN 'OK' ELSE 'KO' END", FieldKind::text},
                                {"actor", "a.actor", FieldKind::text},
                                {"user_id", "a.user_id", FieldKind::integer}},
                               {"a.endpoint", "a.summary", "a.actor"},
                               {},
                               {},
                               {}};
    return spec;
}

}  // namespace

// ------------------------------------------------------------ organisations

std::pair<Organisation, User> AccountsStore::create_organisation(const Organisation& org, const NewUserRow& admin,
                                                                 const std::string& verify_token_hash,
                                                                 std::int64_t verify_expires_ms,
                                                                 const OutboxEmail& email) {
    return db_.write([&](SQLite::Database& db) {
        const auto now = detail::now_ms();
        Prepared st(db,
                     "INSERT INTO organisations (company_name, email, contact_number, created_ms, updated_ms) "
                     "VALUES (?, ?, ?, ?, ?)");
        st->bind(1, org.company_name);
        st->bind(2, org.email);
        st->bind(3, org.contact_number);
        st->bind(4, static_cast<int64_t>(now));
        st->bind(5, static_cast<int64_t>(now));
        st->exec();
        const std::int64_t org_id = db.getLastInsertRowid();

        NewUserRow row = admin;
        row.user.org_id = org_id;
        const std::int64_t user_id = insert_user_row(db, row);

        Prepared own(db, "UPDATE organisations SET owner_user_id = ? WHERE id = ?");
        own->bind(1, static_cast<int64_t>(user_id));
        own->bind(2, static_cast<int64_t>(org_id));
        own->exec();

        if (!verify_token_hash.empty()) {
            Prepared tok(db,
                          "INSERT INTO email_tokens (user_id, purpose, token_hash, created_ms, expires_ms) "
                          "VALUES (?, 'verify', ?, ?, ?)");
            tok->bind(1, static_cast<int64_t>(user_id));
            tok->bind(2, verify_token_hash);
            tok->bind(3, static_cast<int64_t>(now));
            tok->bind(4, static_cast<int64_t>(verify_expires_ms));
            tok->exec();
            put_outbox(db, email, org_id);
        }
        return std::make_pair(*org_by_id(db, org_id), user_by_id_in(db, user_id)->user);
    });
}

std::optional<Organisation> AccountsStore::organisation(std::int64_t org_id) {
    return db_.read([&](SQLite::Database& db) { return org_by_id(db, org_id); });
}

std::vector<std::int64_t> AccountsStore::organisations_by_email(const std::string& email) {
    return db_.read([&](SQLite::Database& db) {
        std::vector<std::int64_t> ids;
        Prepared st(db, "SELECT id FROM organisations WHERE email = ? ORDER BY id");
        st->bind(1, email);
        while (st->executeStep()) ids.push_back(st->getColumn(0).getInt64());
        return ids;
    });
}

Page<Organisation> AccountsStore::list_organisations(const ListQuery& q, const ListLimits& limits) {
    const Where w = build_where(org_list_spec(), q);
    const auto [count, offset] = page_bounds(q, limits);
    return db_.read([&](SQLite::Database& db) {
        SQLite::Transaction snapshot(db);
        return run_list<Organisation>(db, "FROM organisations o WHERE 1=1", "FROM organisations o WHERE 1=1", w, count, offset, kOrgColumns,
                                      read_org);
    });
}

Organisation AccountsStore::update_organisation(std::int64_t org_id, const OrgUpdate& u,
                                                std::int64_t password_user_id,
                                                const std::optional<std::string>& password_hash) {
    return db_.write([&](SQLite::Database& db) {
        auto current = org_by_id(db, org_id);
        if (!current) throw Error(ErrorCode::not_found, "no organisation " + std::to_string(org_id), "id");
        std::string sets;
        std::vector<Binding> b;
        auto set_text = [&](const char* col, const std::optional<std::string>& v) {
            if (v) { sets += std::string(", ") + col + " = ?"; b.emplace_back(*v); }
        };
        auto set_int = [&](const char* col, const std::optional<int>& v) {
            if (v) { sets += std::string(", ") + col + " = ?"; b.emplace_back(static_cast<std::int64_t>(*v)); }
        };
        set_text("company_name", u.company_name);
        set_text("email", u.email);
        set_text("contact_number", u.contact_number);
        set_int("silence_len_ms", u.silence_len_ms);
        set_int("interruption_len_ms", u.interruption_len_ms);
        set_text("list_by", u.list_by);
        set_int("exp_tickets_daily", u.exp_daily);
        set_int("exp_tickets_weekly", u.exp_weekly);
        set_int("exp_tickets_monthly", u.exp_monthly);
        set_int("min_call_len_s", u.min_call_len_s);
        set_int("max_call_len_s", u.max_call_len_s);
        Prepared st(db, "UPDATE organisations SET updated_ms = ?" + sets + " WHERE id = ?");
        st->bind(1, static_cast<int64_t>(detail::now_ms()));
        bind_all(*st, b, 2);
        st->bind(static_cast<int>(b.size()) + 2, static_cast<int64_t>(org_id));
        st->exec();
        const std::int64_t pw_user = password_user_id ? password_user_id : current->owner_user_id;
        if (password_hash && pw_user) {
            Prepared pw(db,
                         "UPDATE users SET password_hash = ?, must_change_password = 0, failed_sign_ins = 0, "
                         "locked_until_ms = 0, updated_ms = ? WHERE id = ?");
            pw->bind(1, *password_hash);
            pw->bind(2, static_cast<int64_t>(detail::now_ms()));
            pw->bind(3, static_cast<int64_t>(pw_user));
            pw->exec();
            end_sessions_of(db, pw_user);
        }
        auto after = org_by_id(db, org_id);
        // Keep sessions/lists consistent with the constraints the database enforces.
        if (after->constraints.min_call_len_s > after->constraints.max_call_len_s)
            throw Error(ErrorCode::invalid_argument,
                        "the minimum call length is above the maximum call length", "min_call_len_s");
        return *after;
    });
}

// ------------------------------------------------------------ users

User AccountsStore::insert_user(const NewUserRow& row, const std::optional<OutboxEmail>& email) {
    return db_.write([&](SQLite::Database& db) {
        const std::int64_t id = insert_user_row(db, row);
        if (email) put_outbox(db, *email, row.user.org_id);
        return user_by_id_in(db, id)->user;
    });
}

std::optional<UserCredentials> AccountsStore::user_by_email(const std::string& email) {
    return db_.read([&](SQLite::Database& db) { return user_where(db, "u.email = ?", email); });
}

std::vector<UserCredentials> AccountsStore::users_by_username(const std::string& username) {
    return db_.read([&](SQLite::Database& db) {
        std::vector<UserCredentials> out;
        Prepared st(db, std::string("SELECT ") + kUserColumns + " FROM users u WHERE u.username = ? ORDER BY u.id");
        st->bind(1, username);
        while (st->executeStep()) out.push_back(read_credentials(st));
        return out;
    });
}

std::optional<UserCredentials> AccountsStore::user_by_id(std::int64_t user_id) {
    return db_.read([&](SQLite::Database& db) { return user_by_id_in(db, user_id); });
}

Page<User> AccountsStore::list_users(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) {
    Where w = build_where(user_list_spec(), q);
    w.sql = " AND u.org_id = ?" + w.sql;
    w.bindings.insert(w.bindings.begin(), org_id);
    const auto [count, offset] = page_bounds(q, limits);
    return db_.read([&](SQLite::Database& db) {
        SQLite::Transaction snapshot(db);
        return run_list<User>(db, "FROM users u WHERE 1=1", "FROM users u WHERE 1=1", w, count, offset, kUserColumns, read_user);
    });
}

void AccountsStore::users_csv(std::int64_t org_id, const ListQuery& q, const ListLimits& limits,
                              const CsvSink& sink) {
    Where w = build_where(user_list_spec(), q);
    w.sql = " AND u.org_id = ?" + w.sql;
    w.bindings.insert(w.bindings.begin(), org_id);
    const std::string paging = export_paging(q, limits);
    db_.read([&](SQLite::Database& db) {
        detail::CsvWriter out(sink);
        for (const char* h : {"id", "usn", "email", "phone", "fname", "lname", "exten", "photo", "role", "enabled",
                              "created_on"})
            out.cell(h);
        out.end_row();
        Prepared st(db, std::string("SELECT ") + kUserColumns + " FROM users u WHERE 1=1" + w.sql +
                            " ORDER BY 1 DESC" + paging);
        bind_all(*st, w.bindings);
        while (st->executeStep()) {
            const User u = read_user(st);
            for (const std::string& v : {std::to_string(u.id), u.username, u.email, u.phone, u.first_name,
                                         u.last_name, u.extension, u.photo, std::string(to_string(u.role)),
                                         std::string(u.active ? "1" : "0"), detail::format_iso(u.created_ms)})
                out.cell(v);
            out.end_row();
        }
        out.flush();
    });
}

PivotReport AccountsStore::pivot_users(std::int64_t org_id, const ListQuery& q, const std::vector<std::string>& xaxis,
                                       const std::vector<std::string>& yaxis) {
    Where w = build_where(user_list_spec(), q);
    w.sql = " AND u.org_id = ?" + w.sql;
    w.bindings.insert(w.bindings.begin(), org_id);
    return db_.read([&](SQLite::Database& db) {
        return run_pivot(db, user_list_spec(), "FROM users u WHERE 1=1", w, xaxis, yaxis);
    });
}

User AccountsStore::update_user(std::int64_t user_id, const UserFields& f,
                                const std::optional<std::string>& password_hash,
                                std::optional<bool> must_change_password, bool ends_sessions) {
    return db_.write([&](SQLite::Database& db) {
        std::string sets;
        std::vector<Binding> b;
        auto set_text = [&](const char* col, const std::optional<std::string>& v) {
            if (v) { sets += std::string(", ") + col + " = ?"; b.emplace_back(*v); }
        };
        set_text("username", f.username);
        set_text("email", f.email);
        set_text("phone", f.phone);
        set_text("first_name", f.first_name);
        set_text("last_name", f.last_name);
        set_text("extension", f.extension);
        set_text("photo", f.photo);
        if (f.role) { sets += ", role = ?"; b.emplace_back(std::string(to_string(*f.role))); }
        if (f.active) { sets += ", active = ?"; b.emplace_back(static_cast<std::int64_t>(*f.active)); }
        if (password_hash) {
            sets += ", password_hash = ?, failed_sign_ins = 0, locked_until_ms = 0";
            b.emplace_back(*password_hash);
        }
        if (must_change_password) {
            sets += ", must_change_password = ?";
            b.emplace_back(static_cast<std::int64_t>(*must_change_password));
        }
        if (f.email) sets += ", email_verified = 0";
        Prepared st(db, "UPDATE users SET updated_ms = ?" + sets + " WHERE id = ?");
        st->bind(1, static_cast<int64_t>(detail::now_ms()));
        bind_all(*st, b, 2);
        st->bind(static_cast<int>(b.size()) + 2, static_cast<int64_t>(user_id));
        st->exec();
        if (ends_sessions) end_sessions_of(db, user_id);
        auto u = user_by_id_in(db, user_id);
        if (!u) throw Error(ErrorCode::not_found, "no user " + std::to_string(user_id), "id");
        return u->user;
    });
}

bool AccountsStore::username_taken(std::int64_t org_id, const std::string& username, std::int64_t except_id) {
    return db_.read([&](SQLite::Database& db) {
        Prepared st(db, "SELECT 1 FROM users WHERE ifnull(org_id, 0) = ? AND username = ? AND id != ?");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, username);
        st->bind(3, static_cast<int64_t>(except_id));
        return st->executeStep();
    });
}

bool AccountsStore::email_taken(const std::string& email, std::int64_t except_id) {
    return db_.read([&](SQLite::Database& db) {
        Prepared st(db, "SELECT 1 FROM users WHERE email = ? AND id != ?");
        st->bind(1, email);
        st->bind(2, static_cast<int64_t>(except_id));
        return st->executeStep();
    });
}

void AccountsStore::record_failed_sign_in(std::int64_t user_id, std::int64_t now, std::int64_t window_ms,
                                          int max_failures, std::int64_t lockout_ms) {
    db_.write([&](SQLite::Database& db) {
        // A failure outside the window starts a new count.
        Prepared st(db,
                     "UPDATE users SET "
                     " failed_sign_ins = CASE WHEN first_failure_ms < ?1 - ?2 THEN 1 ELSE failed_sign_ins + 1 END,"
                     " first_failure_ms = CASE WHEN first_failure_ms < ?1 - ?2 THEN ?1 ELSE first_failure_ms END "
                     "WHERE id = ?3");
        st->bind(1, static_cast<int64_t>(now));
        st->bind(2, static_cast<int64_t>(window_ms));
        st->bind(3, static_cast<int64_t>(user_id));
        st->exec();
        Prepared lock(db,
                       "UPDATE users SET locked_until_ms = ?1, failed_sign_ins = 0, first_failure_ms = 0 "
                       "WHERE id = ?2 AND failed_sign_ins >= ?3");
        lock->bind(1, static_cast<int64_t>(now + lockout_ms));
        lock->bind(2, static_cast<int64_t>(user_id));
        lock->bind(3, max_failures);
        lock->exec();
    });
}

void AccountsStore::clear_failed_sign_ins(std::int64_t user_id) {
    db_.write([&](SQLite::Database& db) {
        Prepared st(db,
                     "UPDATE users SET failed_sign_ins = 0, first_failure_ms = 0 WHERE id = ? AND failed_sign_ins != 0");
        st->bind(1, static_cast<int64_t>(user_id));
        st->exec();
    });
}

// ------------------------------------------------------------ sessions

std::int64_t AccountsStore::insert_session(const std::string& token_hash, TokenKind kind, std::int64_t user_id,
                                           std::int64_t org_id, std::int64_t dev_key_id, std::int64_t now,
                                           std::int64_t expires_ms) {
    return db_.write([&](SQLite::Database& db) {
        // Expired sessions are swept as new ones are made.
        Prepared sweep(db, "DELETE FROM sessions WHERE expires_ms < ?");
        sweep->bind(1, static_cast<int64_t>(now));
        sweep->exec();
        Prepared st(db,
                     "INSERT INTO sessions (token_hash, kind, user_id, org_id, dev_key_id, created_ms, last_seen_ms, "
                     "expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        st->bind(1, token_hash);
        st->bind(2, kind == TokenKind::access ? "access" : "dev");
        if (user_id) st->bind(3, static_cast<int64_t>(user_id)); else st->bind(3);
        if (org_id) st->bind(4, static_cast<int64_t>(org_id)); else st->bind(4);
        if (dev_key_id) st->bind(5, static_cast<int64_t>(dev_key_id)); else st->bind(5);
        st->bind(6, static_cast<int64_t>(now));
        st->bind(7, static_cast<int64_t>(now));
        st->bind(8, static_cast<int64_t>(expires_ms));
        st->exec();
        return static_cast<std::int64_t>(db.getLastInsertRowid());
    });
}

std::optional<SessionRow> AccountsStore::session(const std::string& token_hash) {
    return db_.read([&](SQLite::Database& db) -> std::optional<SessionRow> {
        Prepared st(db,
                     "SELECT s.id, s.kind, ifnull(s.user_id, 0), ifnull(s.org_id, 0), ifnull(s.dev_key_id, 0), "
                     " s.created_ms, s.last_seen_ms, s.expires_ms, "
                     " coalesce(u.username, k.username, ''), coalesce(u.role, 'admin'), "
                     " coalesce(u.active, k.active, 0), ifnull(u.must_change_password, 0) "
                     "FROM sessions s LEFT JOIN users u ON u.id = s.user_id "
                     "LEFT JOIN dev_keys k ON k.id = s.dev_key_id WHERE s.token_hash = ?");
        st->bind(1, token_hash);
        if (!st->executeStep()) return std::nullopt;
        SessionRow r;
        r.id = st->getColumn(0).getInt64();
        r.kind = st->getColumn(1).getString() == "dev" ? TokenKind::dev : TokenKind::access;
        r.user_id = st->getColumn(2).getInt64();
        r.org_id = st->getColumn(3).getInt64();
        r.dev_key_id = st->getColumn(4).getInt64();
        r.created_ms = st->getColumn(5).getInt64();
        r.last_seen_ms = st->getColumn(6).getInt64();
        r.expires_ms = st->getColumn(7).getInt64();
        r.username = st->getColumn(8).getString();
        r.role = role_from_string(st->getColumn(9).getString());
        r.principal_active = st->getColumn(10).getInt() != 0;
        r.must_change_password = st->getColumn(11).getInt() != 0;
        return r;
    });
}

void AccountsStore::touch_session(std::int64_t session_id, std::int64_t now) {
    db_.write([&](SQLite::Database& db) {
        Prepared st(db, "UPDATE sessions SET last_seen_ms = ? WHERE id = ?");
        st->bind(1, static_cast<int64_t>(now));
        st->bind(2, static_cast<int64_t>(session_id));
        st->exec();
    });
}

void AccountsStore::delete_session(std::int64_t session_id) {
    db_.write([&](SQLite::Database& db) {
        Prepared st(db, "DELETE FROM sessions WHERE id = ?");
        st->bind(1, static_cast<int64_t>(session_id));
        st->exec();
    });
}

void AccountsStore::delete_session_by_hash(const std::string& token_hash) {
    db_.write([&](SQLite::Database& db) {
        Prepared st(db, "DELETE FROM sessions WHERE token_hash = ?");
        st->bind(1, token_hash);
        st->exec();
    });
}

// ------------------------------------------------------------ email tokens

void AccountsStore::insert_email_token(std::int64_t user_id, const std::string& purpose,
                                       const std::string& token_hash, std::int64_t now, std::int64_t expires_ms,
                                       const OutboxEmail& email) {
    db_.write([&](SQLite::Database& db) {
        // A new code replaces the earlier unused ones of the same purpose.
        Prepared old(db, "UPDATE email_tokens SET used_ms = ? WHERE user_id = ? AND purpose = ? AND used_ms IS NULL");
        old->bind(1, static_cast<int64_t>(now));
        old->bind(2, static_cast<int64_t>(user_id));
        old->bind(3, purpose);
        old->exec();
        Prepared st(db,
                     "INSERT INTO email_tokens (user_id, purpose, token_hash, created_ms, expires_ms) "
                     "VALUES (?, ?, ?, ?, ?)");
        st->bind(1, static_cast<int64_t>(user_id));
        st->bind(2, purpose);
        st->bind(3, token_hash);
        st->bind(4, static_cast<int64_t>(now));
        st->bind(5, static_cast<int64_t>(expires_ms));
        st->exec();
        auto u = user_by_id_in(db, user_id);
        put_outbox(db, email, u ? u->user.org_id : 0);
    });
}

namespace {
EmailTokenRow read_email_token(const Prepared& st) {
    EmailTokenRow r;
    r.id = st->getColumn(0).getInt64();
    r.user_id = st->getColumn(1).getInt64();
    r.token_hash = st->getColumn(2).getString();
    r.attempts = st->getColumn(3).getInt();
    r.expires_ms = st->getColumn(4).getInt64();
    if (!st->getColumn(5).isNull()) r.used_ms = st->getColumn(5).getInt64();
    return r;
}
}  // namespace

std::optional<EmailTokenRow> AccountsStore::email_token_by_hash(const std::string& purpose,
                                                                const std::string& token_hash) {
    return db_.read([&](SQLite::Database& db) -> std::optional<EmailTokenRow> {
        Prepared st(db,
                     "SELECT id, user_id, token_hash, attempts, expires_ms, used_ms FROM email_tokens "
                     "WHERE purpose = ? AND token_hash = ?");
        st->bind(1, purpose);
        st->bind(2, token_hash);
        if (!st->executeStep()) return std::nullopt;
        return read_email_token(st);
    });
}

std::optional<EmailTokenRow> AccountsStore::latest_email_token(std::int64_t user_id, const std::string& purpose) {
    return db_.read([&](SQLite::Database& db) -> std::optional<EmailTokenRow> {
        Prepared st(db,
                     "SELECT id, user_id, token_hash, attempts, expires_ms, used_ms FROM email_tokens "
                     "WHERE user_id = ? AND purpose = ? ORDER BY id DESC LIMIT 1");
        st->bind(1, static_cast<int64_t>(user_id));
        st->bind(2, purpose);
        if (!st->executeStep()) return std::nullopt;
        return read_email_token(st);
    });
}

bool AccountsStore::spend_verification(std::int64_t token_id, std::int64_t now) {
    return db_.write([&](SQLite::Database& db) {
        Prepared st(db, "UPDATE email_tokens SET used_ms = ? WHERE id = ? AND used_ms IS NULL AND expires_ms >= ?");
        st->bind(1, static_cast<int64_t>(now));
        st->bind(2, static_cast<int64_t>(token_id));
        st->bind(3, static_cast<int64_t>(now));
        if (st->exec() != 1) return false;
        Prepared v(db,
                    "UPDATE users SET email_verified = 1, updated_ms = ? "
                    "WHERE id = (SELECT user_id FROM email_tokens WHERE id = ?)");
        v->bind(1, static_cast<int64_t>(now));
        v->bind(2, static_cast<int64_t>(token_id));
        v->exec();
        return true;
    });
}

void AccountsStore::count_email_token_attempt(std::int64_t token_id) {
    db_.write([&](SQLite::Database& db) {
        Prepared st(db, "UPDATE email_tokens SET attempts = attempts + 1 WHERE id = ?");
        st->bind(1, static_cast<int64_t>(token_id));
        st->exec();
    });
}

void AccountsStore::spend_reset(std::int64_t token_id, std::int64_t user_id, const std::string& password_hash,
                                std::int64_t now) {
    db_.write([&](SQLite::Database& db) {
        Prepared st(db, "UPDATE email_tokens SET used_ms = ? WHERE id = ? AND used_ms IS NULL");
        st->bind(1, static_cast<int64_t>(now));
        st->bind(2, static_cast<int64_t>(token_id));
        if (st->exec() != 1) throw Error(ErrorCode::credentials, "the reset code is not valid", "code");
        // Receiving the code by email proves the address too.
        Prepared pw(db,
                     "UPDATE users SET password_hash = ?, must_change_password = 0, failed_sign_ins = 0, "
                     "locked_until_ms = 0, email_verified = 1, updated_ms = ? WHERE id = ?");
        pw->bind(1, password_hash);
        pw->bind(2, static_cast<int64_t>(now));
        pw->bind(3, static_cast<int64_t>(user_id));
        pw->exec();
        end_sessions_of(db, user_id);
    });
}

// ------------------------------------------------------------ developer keys

DevKey AccountsStore::insert_dev_key(std::int64_t org_id, const std::string& username, const std::string& key_hash,
                                     const std::string& hint, std::int64_t created_by) {
    return db_.write([&](SQLite::Database& db) {
        const auto now = detail::now_ms();
        Prepared st(db,
                     "INSERT INTO dev_keys (org_id, username, key_hash, key_hint, active, created_by, created_ms, "
                     "updated_ms) VALUES (?, ?, ?, ?, 1, ?, ?, ?)");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, username);
        st->bind(3, key_hash);
        st->bind(4, hint);
        if (created_by) st->bind(5, static_cast<int64_t>(created_by)); else st->bind(5);
        st->bind(6, static_cast<int64_t>(now));
        st->bind(7, static_cast<int64_t>(now));
        st->exec();
        Prepared get(db, std::string("SELECT ") + kDevKeyColumns + " FROM dev_keys WHERE id = ?");
        get->bind(1, static_cast<int64_t>(db.getLastInsertRowid()));
        get->executeStep();
        return read_dev_key(get);
    });
}

std::vector<DevKey> AccountsStore::list_dev_keys(std::int64_t org_id) {
    return db_.read([&](SQLite::Database& db) {
        std::vector<DevKey> out;
        Prepared st(db, std::string("SELECT ") + kDevKeyColumns + " FROM dev_keys WHERE org_id = ? ORDER BY id DESC");
        st->bind(1, static_cast<int64_t>(org_id));
        while (st->executeStep()) out.push_back(read_dev_key(st));
        return out;
    });
}

std::optional<DevKeyCredentials> AccountsStore::dev_key(std::int64_t org_id, const std::string& username) {
    return db_.read([&](SQLite::Database& db) -> std::optional<DevKeyCredentials> {
        Prepared st(db, std::string("SELECT ") + kDevKeyColumns + " FROM dev_keys WHERE org_id = ? AND username = ?");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, username);
        if (!st->executeStep()) return std::nullopt;
        DevKeyCredentials c;
        c.key = read_dev_key(st);
        c.key_hash = st->getColumn(6).getString();
        c.org_id = st->getColumn(7).getInt64();
        return c;
    });
}

std::optional<DevKey> AccountsStore::set_dev_key_active(std::int64_t org_id, const std::string& username,
                                                        bool active) {
    return db_.write([&](SQLite::Database& db) -> std::optional<DevKey> {
        Prepared st(db, "UPDATE dev_keys SET active = ?, updated_ms = ? WHERE org_id = ? AND username = ?");
        st->bind(1, active ? 1 : 0);
        st->bind(2, static_cast<int64_t>(detail::now_ms()));
        st->bind(3, static_cast<int64_t>(org_id));
        st->bind(4, username);
        if (st->exec() != 1) return std::nullopt;
        Prepared get(db, std::string("SELECT ") + kDevKeyColumns + " FROM dev_keys WHERE org_id = ? AND username = ?");
        get->bind(1, static_cast<int64_t>(org_id));
        get->bind(2, username);
        get->executeStep();
        DevKey k = read_dev_key(get);
        if (!active) {
            Prepared end(db, "DELETE FROM sessions WHERE dev_key_id = ?");
            end->bind(1, static_cast<int64_t>(k.id));
            end->exec();
        }
        return k;
    });
}

bool AccountsStore::delete_dev_key(std::int64_t org_id, const std::string& username) {
    return db_.write([&](SQLite::Database& db) {
        Prepared st(db, "DELETE FROM dev_keys WHERE org_id = ? AND username = ?");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, username);
        return st->exec() == 1;  // its sessions go with it (ON DELETE CASCADE)
    });
}

// ------------------------------------------------------------ outbox

namespace {

constexpr const char* kOutboxColumns =
    "SELECT id, ifnull(org_id, 0), to_address, subject, body, kind, created_ms, ifnull(sent_ms, 0) FROM outbox ";

OutboxEmail outbox_row(Prepared& st) {
    OutboxEmail e;
    e.id = st->getColumn(0).getInt64();
    e.org_id = st->getColumn(1).getInt64();
    e.to = st->getColumn(2).getString();
    e.subject = st->getColumn(3).getString();
    e.body = st->getColumn(4).getString();
    e.kind = st->getColumn(5).getString();
    e.created_ms = st->getColumn(6).getInt64();
    e.sent_ms = st->getColumn(7).getInt64();
    return e;
}

}  // namespace

std::vector<OutboxEmail> AccountsStore::outbox(const std::string& to_address) {
    return db_.read([&](SQLite::Database& db) {
        std::vector<OutboxEmail> out;
        Prepared st(db, std::string(kOutboxColumns) + "WHERE ?1 = '' OR to_address = ?1 ORDER BY id");
        st->bind(1, to_address);
        while (st->executeStep()) out.push_back(outbox_row(st));
        return out;
    });
}

std::optional<OutboxEmail> AccountsStore::mark_outbox_sent(std::int64_t id) {
    return db_.write([&](SQLite::Database& db) -> std::optional<OutboxEmail> {
        Prepared mark(db, "UPDATE outbox SET sent_ms = ?, body = '' WHERE id = ? AND sent_ms IS NULL");
        mark->bind(1, static_cast<int64_t>(detail::now_ms()));
        mark->bind(2, static_cast<int64_t>(id));
        mark->exec();
        Prepared st(db, std::string(kOutboxColumns) + "WHERE id = ?");
        st->bind(1, static_cast<int64_t>(id));
        if (!st->executeStep()) return std::nullopt;
        return outbox_row(st);
    });
}

// ------------------------------------------------------------ activity

void AccountsStore::insert_activity(const ActivityEntry& e) { db_.activity->push(e); }

void AccountsStore::write_activity(const std::vector<ActivityEntry>& batch) {
    db_.write([&](SQLite::Database& db) {
        // An entry of an organisation deleted since it was queued goes the way
        // of the organisation's other entries (ON DELETE CASCADE).
        Prepared st(db,
                     "INSERT INTO activity (org_id, user_id, actor, endpoint, time_ms, ok, summary) "
                     "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 "
                     "WHERE ?1 IS NULL OR EXISTS (SELECT 1 FROM organisations WHERE id = ?1)");
        for (const ActivityEntry& e : batch) {
            if (e.org_id) st->bind(1, static_cast<int64_t>(e.org_id)); else st->bind(1);
            if (e.user_id) st->bind(2, static_cast<int64_t>(e.user_id)); else st->bind(2);
            st->bind(3, e.actor);
            st->bind(4, e.endpoint);
            st->bind(5, static_cast<int64_t>(e.time_ms));
            st->bind(6, e.ok ? 1 : 0);
            st->bind(7, e.summary);
            st->exec();
            st->reset();
        }
    });
}

Page<ActivityEntry> AccountsStore::list_activity(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) {
    Where w = build_where(activity_list_spec(), q);
    if (org_id) {
        w.sql = " AND a.org_id = ?" + w.sql;
        w.bindings.insert(w.bindings.begin(), org_id);
    } else {
        w.sql = " AND a.org_id IS NULL" + w.sql;
    }
    const auto [count, offset] = page_bounds(q, limits);
    db_.activity->flush();  // the caller's own entries included
    return db_.read([&](SQLite::Database& db) {
        SQLite::Transaction snapshot(db);
        return run_list<ActivityEntry>(
            db, "FROM activity a WHERE 1=1", "FROM activity a WHERE 1=1", w, count, offset,
            "a.id, ifnull(a.org_id, 0), ifnull(a.user_id, 0), a.actor, a.endpoint, a.time_ms, a.ok, a.summary",
            [](const Prepared& st) {
                ActivityEntry e;
                e.id = st->getColumn(0).getInt64();
                e.org_id = st->getColumn(1).getInt64();
                e.user_id = st->getColumn(2).getInt64();
                e.actor = st->getColumn(3).getString();
                e.endpoint = st->getColumn(4).getString();
                e.time_ms = st->getColumn(5).getInt64();
                e.ok = st->getColumn(6).getInt() != 0;
                e.summary = st->getColumn(7).getString();
                return e;
            });
    });
}

}  // namespace switchboard::store
