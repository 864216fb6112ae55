// The SQLite store: organisations, users, developer keys and email tokens.
#include "core/csv.hpp"
#include "core/time.hpp"
#include "store/sqlite/list_run.hpp"
#include "store/sqlite/stores.hpp"

namespace switchboard::store::sqlite {

void put_outbox(SQLite::Database& db, const OutboxEmail& e, std::int64_t org_id) {
    Prepared st(db,
                "INSERT INTO outbox (org_id, to_address, subject, body, kind, created_ms, vars, message_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (org_id) st->bind(1, static_cast<int64_t>(org_id)); else st->bind(1);
    st->bind(2, e.to);
    st->bind(3, e.subject);
    st->bind(4, e.body);
    st->bind(5, e.kind);
    st->bind(6, static_cast<int64_t>(detail::now_ms()));
    st->bind(7, mail_vars_text(e.vars));
    st->bind(8, e.message_id);
    st->exec();
}

void end_sessions_of(SQLite::Database& db, std::int64_t user_id) {
    Prepared st(db, "DELETE FROM sessions WHERE user_id = ?");
    st->bind(1, static_cast<int64_t>(user_id));
    st->exec();
}


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
    c.sign_in.failures = st->getColumn(16).getInt();
    c.sign_in.first_failure_ms = st->getColumn(17).getInt64();
    c.sign_in.locked_until_ms = st->getColumn(18).getInt64();
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
         {"username", "u.username", FieldKind::text},
         {"email", "u.email", FieldKind::text},
         {"phone", "u.phone", FieldKind::text},
         {"first_name", "u.first_name", FieldKind::text},
         {"last_name", "u.last_name", FieldKind::text},
         {"extension", "u.extension", FieldKind::text},
         {"role", "u.role", FieldKind::text},
         {"active", "u.active", FieldKind::boolean},
         {"created_on", "u.created_ms", FieldKind::time},
         {"created", "u.created_ms", FieldKind::time}},
        {"u.username", "u.email", "u.first_name", "u.last_name", "u.phone"},
        {},
        {},
        {"role", "active"}};
    return spec;
}

const ListSpec& org_list_spec() {
    static const ListSpec spec{"organisations",
                               {{"id", "o.id", FieldKind::integer},
                                {"company_name", "o.company_name", FieldKind::text},
                                {"email", "o.email", FieldKind::text},
                                {"contact_number", "o.contact_number", FieldKind::text},
                                {"created_on", "o.created_ms", FieldKind::time},
                                {"created", "o.created_ms", FieldKind::time}},
                               {"o.company_name", "o.email", "o.contact_number"},
                               {},
                               {},
                               {}};
    return spec;
}

class Accounts final : public AccountsStore {
public:
    explicit Accounts(Pool& db) : db_(db) {}

    std::pair<Organisation, User> create_organisation(const Organisation& org, const NewUserRow& admin,
                                                      const std::string& verify_token_hash,
                                                      std::int64_t verify_expires_ms,
                                                      const OutboxEmail& email) override;
    std::optional<Organisation> organisation(std::int64_t org_id) override;
    std::vector<std::int64_t> organisations_by_email(const std::string& email) override;
    Page<Organisation> list_organisations(const ListQuery& q, const ListLimits& limits) override;
    Organisation update_organisation(std::int64_t org_id, const OrgUpdate& update, std::int64_t password_user_id,
                                     const std::optional<std::string>& password_hash,
                                     const std::function<void(const Organisation&)>& check) override;

    User insert_user(const NewUserRow& row, const std::optional<OutboxEmail>& email) override;
    std::optional<UserCredentials> user_by_email(const std::string& email) override;
    std::vector<UserCredentials> users_by_username(const std::string& username) override;
    std::optional<UserCredentials> user_by_id(std::int64_t user_id) override;
    Page<User> list_users(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) override;
    void users_csv(std::int64_t org_id, const ListQuery& q, const ListLimits& limits, const CsvSink& sink) override;
    PivotReport pivot_users(std::int64_t org_id, const ListQuery& q, const std::vector<std::string>& xaxis,
                            const std::vector<std::string>& yaxis) override;
    User update_user(std::int64_t user_id, const UserFields& fields, const std::optional<std::string>& password_hash,
                     std::optional<bool> must_change_password, bool ends_sessions) override;
    bool username_taken(std::int64_t org_id, const std::string& username, std::int64_t except_id) override;
    bool email_taken(const std::string& email, std::int64_t except_id) override;
    bool replace_sign_in_state(std::int64_t user_id, const SignInState& expected, const SignInState& next) override;
    std::optional<std::pair<Role, bool>> user_role(std::int64_t org_id, std::int64_t user_id) override;

    void insert_email_token(std::int64_t user_id, const std::string& purpose, const std::string& token_hash,
                            std::int64_t now_ms, std::int64_t expires_ms, const OutboxEmail& email) override;
    std::optional<EmailTokenRow> email_token_by_hash(const std::string& purpose,
                                                     const std::string& token_hash) override;
    std::optional<EmailTokenRow> latest_email_token(std::int64_t user_id, const std::string& purpose) override;
    bool spend_verification(std::int64_t token_id, std::int64_t now_ms) override;
    void count_email_token_attempt(std::int64_t token_id) override;
    void spend_reset(std::int64_t token_id, std::int64_t user_id, const std::string& password_hash,
                     std::int64_t now_ms) override;

    DevKey insert_dev_key(std::int64_t org_id, const std::string& username, const std::string& key_hash,
                          const std::string& hint, std::int64_t created_by) override;
    std::vector<DevKey> list_dev_keys(std::int64_t org_id) override;
    std::optional<DevKeyCredentials> dev_key(std::int64_t org_id, const std::string& username) override;
    std::optional<DevKey> set_dev_key_active(std::int64_t org_id, const std::string& username, bool active) override;
    bool delete_dev_key(std::int64_t org_id, const std::string& username) override;

private:
    Pool& db_;
};

}  // namespace

// ------------------------------------------------------------ organisations

std::pair<Organisation, User> Accounts::create_organisation(const Organisation& org, const NewUserRow& admin,
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

std::optional<Organisation> Accounts::organisation(std::int64_t org_id) {
    return db_.read([&](SQLite::Database& db) { return org_by_id(db, org_id); });
}

std::vector<std::int64_t> Accounts::organisations_by_email(const std::string& email) {
    return db_.read([&](SQLite::Database& db) {
        std::vector<std::int64_t> ids;
        Prepared st(db, "SELECT id FROM organisations WHERE email = ? ORDER BY id");
        st->bind(1, email);
        while (st->executeStep()) ids.push_back(st->getColumn(0).getInt64());
        return ids;
    });
}

Page<Organisation> Accounts::list_organisations(const ListQuery& q, const ListLimits& limits) {
    const Where w = build_where(org_list_spec(), q);
    const auto [count, offset] = page_bounds(q, limits);
    return db_.read([&](SQLite::Database& db) {
        SQLite::Transaction snapshot(db);
        return run_list<Organisation>(db, "FROM organisations o WHERE 1=1", "FROM organisations o WHERE 1=1", w, count, offset, kOrgColumns,
                                      read_org);
    });
}

Organisation Accounts::update_organisation(std::int64_t org_id, const OrgUpdate& u, std::int64_t password_user_id,
                                           const std::optional<std::string>& password_hash,
                                           const std::function<void(const Organisation&)>& check) {
    return db_.write_sessions([&](SQLite::Database& db) {
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
        if (u.list_by) set_text("list_by", std::string(to_string(*u.list_by)));
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
        check(*after);
        return *after;
    });
}

// ------------------------------------------------------------ users

User Accounts::insert_user(const NewUserRow& row, const std::optional<OutboxEmail>& email) {
    return db_.write([&](SQLite::Database& db) {
        const std::int64_t id = insert_user_row(db, row);
        if (email) put_outbox(db, *email, row.user.org_id);
        return user_by_id_in(db, id)->user;
    });
}

std::optional<UserCredentials> Accounts::user_by_email(const std::string& email) {
    return db_.read([&](SQLite::Database& db) { return user_where(db, "u.email = ?", email); });
}

std::vector<UserCredentials> Accounts::users_by_username(const std::string& username) {
    return db_.read([&](SQLite::Database& db) {
        std::vector<UserCredentials> out;
        Prepared st(db, std::string("SELECT ") + kUserColumns + " FROM users u WHERE u.username = ? ORDER BY u.id");
        st->bind(1, username);
        while (st->executeStep()) out.push_back(read_credentials(st));
        return out;
    });
}

std::optional<UserCredentials> Accounts::user_by_id(std::int64_t user_id) {
    return db_.read([&](SQLite::Database& db) { return user_by_id_in(db, user_id); });
}

Page<User> Accounts::list_users(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) {
    Where w = build_where(user_list_spec(), q);
    w.sql = " AND u.org_id = ?" + w.sql;
    w.bindings.insert(w.bindings.begin(), org_id);
    const auto [count, offset] = page_bounds(q, limits);
    return db_.read([&](SQLite::Database& db) {
        SQLite::Transaction snapshot(db);
        return run_list<User>(db, "FROM users u WHERE 1=1", "FROM users u WHERE 1=1", w, count, offset, kUserColumns, read_user);
    });
}

void Accounts::users_csv(std::int64_t org_id, const ListQuery& q, const ListLimits& limits,
                              const CsvSink& sink) {
    Where w = build_where(user_list_spec(), q);
    w.sql = " AND u.org_id = ?" + w.sql;
    w.bindings.insert(w.bindings.begin(), org_id);
    const std::string paging = export_paging(q, limits);
    db_.read([&](SQLite::Database& db) {
        detail::CsvWriter out(sink);
        for (const char* h : {"id", "username", "email", "phone", "first_name", "last_name", "extension", "photo",
                              "role", "active", "created_on"})
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

PivotReport Accounts::pivot_users(std::int64_t org_id, const ListQuery& q, const std::vector<std::string>& xaxis,
                                       const std::vector<std::string>& yaxis) {
    Where w = build_where(user_list_spec(), q);
    w.sql = " AND u.org_id = ?" + w.sql;
    w.bindings.insert(w.bindings.begin(), org_id);
    return db_.read([&](SQLite::Database& db) {
        return run_pivot(db, user_list_spec(), "FROM users u WHERE 1=1", w, xaxis, yaxis);
    });
}

User Accounts::update_user(std::int64_t user_id, const UserFields& f,
                                const std::optional<std::string>& password_hash,
                                std::optional<bool> must_change_password, bool ends_sessions) {
    return db_.write_sessions([&](SQLite::Database& db) {
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

bool Accounts::username_taken(std::int64_t org_id, const std::string& username, std::int64_t except_id) {
    return db_.read([&](SQLite::Database& db) {
        Prepared st(db, "SELECT 1 FROM users WHERE ifnull(org_id, 0) = ? AND username = ? AND id != ?");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, username);
        st->bind(3, static_cast<int64_t>(except_id));
        return st->executeStep();
    });
}

bool Accounts::email_taken(const std::string& email, std::int64_t except_id) {
    return db_.read([&](SQLite::Database& db) {
        Prepared st(db, "SELECT 1 FROM users WHERE email = ? AND id != ?");
        st->bind(1, email);
        st->bind(2, static_cast<int64_t>(except_id));
        return st->executeStep();
    });
}

bool Accounts::replace_sign_in_state(std::int64_t user_id, const SignInState& expected, const SignInState& next) {
    return db_.write([&](SQLite::Database& db) {
        Prepared st(db,
                    "UPDATE users SET failed_sign_ins = ?, first_failure_ms = ?, locked_until_ms = ? "
                    "WHERE id = ? AND failed_sign_ins = ? AND first_failure_ms = ? AND locked_until_ms = ?");
        st->bind(1, next.failures);
        st->bind(2, static_cast<int64_t>(next.first_failure_ms));
        st->bind(3, static_cast<int64_t>(next.locked_until_ms));
        st->bind(4, static_cast<int64_t>(user_id));
        st->bind(5, expected.failures);
        st->bind(6, static_cast<int64_t>(expected.first_failure_ms));
        st->bind(7, static_cast<int64_t>(expected.locked_until_ms));
        return st->exec() == 1;
    });
}

std::optional<std::pair<Role, bool>> Accounts::user_role(std::int64_t org_id, std::int64_t user_id) {
    return db_.read([&](SQLite::Database& db) -> std::optional<std::pair<Role, bool>> {
        Prepared st(db, "SELECT role, active FROM users WHERE org_id = ? AND id = ?");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, static_cast<int64_t>(user_id));
        if (!st->executeStep()) return std::nullopt;
        return std::make_pair(role_from_string(st->getColumn(0).getString()), st->getColumn(1).getInt() != 0);
    });
}

// ------------------------------------------------------------ email tokens

void Accounts::insert_email_token(std::int64_t user_id, const std::string& purpose,
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

std::optional<EmailTokenRow> Accounts::email_token_by_hash(const std::string& purpose,
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

std::optional<EmailTokenRow> Accounts::latest_email_token(std::int64_t user_id, const std::string& purpose) {
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

bool Accounts::spend_verification(std::int64_t token_id, std::int64_t now) {
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

void Accounts::count_email_token_attempt(std::int64_t token_id) {
    db_.write([&](SQLite::Database& db) {
        Prepared st(db, "UPDATE email_tokens SET attempts = attempts + 1 WHERE id = ?");
        st->bind(1, static_cast<int64_t>(token_id));
        st->exec();
    });
}

void Accounts::spend_reset(std::int64_t token_id, std::int64_t user_id, const std::string& password_hash,
                                std::int64_t now) {
    db_.write_sessions([&](SQLite::Database& db) {
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

DevKey Accounts::insert_dev_key(std::int64_t org_id, const std::string& username, const std::string& key_hash,
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

std::vector<DevKey> Accounts::list_dev_keys(std::int64_t org_id) {
    return db_.read([&](SQLite::Database& db) {
        std::vector<DevKey> out;
        Prepared st(db, std::string("SELECT ") + kDevKeyColumns + " FROM dev_keys WHERE org_id = ? ORDER BY id DESC");
        st->bind(1, static_cast<int64_t>(org_id));
        while (st->executeStep()) out.push_back(read_dev_key(st));
        return out;
    });
}

std::optional<DevKeyCredentials> Accounts::dev_key(std::int64_t org_id, const std::string& username) {
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

std::optional<DevKey> Accounts::set_dev_key_active(std::int64_t org_id, const std::string& username,
                                                        bool active) {
    return db_.write_sessions([&](SQLite::Database& db) -> std::optional<DevKey> {
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

bool Accounts::delete_dev_key(std::int64_t org_id, const std::string& username) {
    return db_.write_sessions([&](SQLite::Database& db) {
        Prepared st(db, "DELETE FROM dev_keys WHERE org_id = ? AND username = ?");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, username);
        return st->exec() == 1;  // its sessions go with it (ON DELETE CASCADE)
    });
}

std::unique_ptr<AccountsStore> make_accounts_store(Pool& pool) { return std::make_unique<Accounts>(pool); }

}  // namespace switchboard::store::sqlite
