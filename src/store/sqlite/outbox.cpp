// The SQLite store: the outbox, and the organisations' mail settings and
// templates.
#include <boost/json.hpp>

#include "core/time.hpp"
#include "store/sqlite/stores.hpp"

namespace switchboard::store::sqlite {

namespace bj = boost::json;

std::string mail_vars_text(const std::map<std::string, std::string>& vars) {
    bj::object o;
    for (const auto& [k, v] : vars) o[k] = v;
    return bj::serialize(o);
}

namespace {

std::map<std::string, std::string> mail_vars(const std::string& text) {
    std::map<std::string, std::string> out;
    if (text.empty()) return out;
    boost::system::error_code ec;
    auto v = bj::parse(text, ec);
    if (ec || !v.is_object()) return out;
    for (const auto& [k, val] : v.as_object())
        if (val.is_string()) out[std::string(k)] = std::string(val.as_string());
    return out;
}

constexpr const char* kOutboxColumns =
    "SELECT id, ifnull(org_id, 0), to_address, subject, body, kind, created_ms, ifnull(sent_ms, 0), status, "
    "attempts, last_error, reply, message_id, vars, ifnull(email_id, 0) FROM outbox ";

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
    e.status = st->getColumn(8).getString();
    e.attempts = st->getColumn(9).getInt();
    e.last_error = st->getColumn(10).getString();
    e.reply = st->getColumn(11).getString();
    e.message_id = st->getColumn(12).getString();
    e.vars = mail_vars(st->getColumn(13).getString());
    e.email_id = st->getColumn(14).getInt64();
    return e;
}

std::optional<OutboxEmail> load(SQLite::Database& db, std::int64_t id) {
    Prepared st(db, std::string(kOutboxColumns) + "WHERE id = ?");
    st->bind(1, static_cast<int64_t>(id));
    if (!st->executeStep()) return std::nullopt;
    return outbox_row(st);
}

constexpr const char* kTemplateColumns = "SELECT kind, subject, text, html, enabled, updated_ms FROM mail_templates ";

MailTemplate template_row(Prepared& st) {
    MailTemplate t;
    t.kind = st->getColumn(0).getString();
    t.subject = st->getColumn(1).getString();
    t.text = st->getColumn(2).getString();
    t.html = st->getColumn(3).getString();
    t.enabled = st->getColumn(4).getInt() != 0;
    t.is_default = false;
    t.updated_ms = st->getColumn(5).getInt64();
    return t;
}

// The email record (messages.hpp) an outbox mail carries follows the mail:
// its status, folder, reason and sending time.
void email_follows(SQLite::Database& db, std::int64_t outbox_id, const char* status, const std::string& reason,
                   std::int64_t sent_ms) {
    Prepared st(db,
                "UPDATE emails SET status = ?1, folder = CASE ?1 WHEN 'sent' THEN 'sent' WHEN 'failed' THEN 'failed' "
                "ELSE 'outbox' END, reason = ?2, sent_ms = CASE WHEN ?3 > 0 THEN ?3 ELSE sent_ms END, "
                "updated_ms = ?4 WHERE id = (SELECT email_id FROM outbox WHERE id = ?5)");
    st->bind(1, status);
    st->bind(2, reason);
    st->bind(3, static_cast<int64_t>(sent_ms));
    st->bind(4, static_cast<int64_t>(detail::now_ms()));
    st->bind(5, static_cast<int64_t>(outbox_id));
    st->exec();
}

class Outbox final : public OutboxStore {
public:
    explicit Outbox(Pool& db) : db_(db) {}

    std::vector<OutboxEmail> outbox(const std::string& to_address) override {
        return db_.read([&](SQLite::Database& db) {
            std::vector<OutboxEmail> out;
            Prepared st(db, std::string(kOutboxColumns) + "WHERE ?1 = '' OR to_address = ?1 ORDER BY id");
            st->bind(1, to_address);
            while (st->executeStep()) out.push_back(outbox_row(st));
            return out;
        });
    }

    std::optional<OutboxEmail> outbox_email(std::int64_t id) override {
        return db_.read([&](SQLite::Database& db) { return load(db, id); });
    }

    std::optional<OutboxEmail> mark_outbox_sent(std::int64_t id) override {
        return db_.write([&](SQLite::Database& db) -> std::optional<OutboxEmail> {
            Prepared mark(db,
                          "UPDATE outbox SET sent_ms = ?, body = '', vars = '{}', status = 'sent' "
                          "WHERE id = ? AND sent_ms IS NULL");
            mark->bind(1, static_cast<int64_t>(detail::now_ms()));
            mark->bind(2, static_cast<int64_t>(id));
            mark->exec();
            if (db.getChanges() > 0) email_follows(db, id, "sent", "", detail::now_ms());
            return load(db, id);
        });
    }

    std::vector<UnsentMail> unsent_without_job(bool every_org, int limit) override {
        return db_.read([&](SQLite::Database& db) {
            std::vector<UnsentMail> out;
            Prepared st(db,
                        "SELECT id, ifnull(org_id, 0) FROM outbox WHERE status = 'queued' AND job_id IS NULL "
                        "AND (?1 OR org_id IN (SELECT org_id FROM mail_settings)) ORDER BY id LIMIT ?2");
            st->bind(1, every_org ? 1 : 0);
            st->bind(2, limit);
            while (st->executeStep()) out.push_back({st->getColumn(0).getInt64(), st->getColumn(1).getInt64()});
            return out;
        });
    }

    std::optional<Job> give_outbox_job(std::int64_t id, const std::string& message_id, const NewJobRow& job) override {
        return db_.write([&](SQLite::Database& db) -> std::optional<Job> {
            Prepared check(db, "SELECT 1 FROM outbox WHERE id = ? AND status = 'queued' AND job_id IS NULL");
            check->bind(1, static_cast<int64_t>(id));
            if (!check->executeStep()) return std::nullopt;
            Job stored = insert_job_row(db, job);
            // An email record's mail keeps the Message-ID the record was given.
            Prepared give(db,
                          "UPDATE outbox SET job_id = ?, message_id = CASE message_id WHEN '' THEN ? "
                          "ELSE message_id END WHERE id = ?");
            give->bind(1, static_cast<int64_t>(stored.id));
            give->bind(2, message_id);
            give->bind(3, static_cast<int64_t>(id));
            give->exec();
            return stored;
        });
    }

    void outbox_attempt_failed(std::int64_t id, const std::string& error) override {
        db_.write([&](SQLite::Database& db) {
            Prepared st(db, "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ? AND status = 'queued'");
            st->bind(1, error);
            st->bind(2, static_cast<int64_t>(id));
            st->exec();
            email_follows(db, id, "queued", error, 0);
        });
    }

    void outbox_sent(std::int64_t id, const std::string& reply, const JobDone& done) override {
        db_.write([&](SQLite::Database& db) {
            Prepared st(db,
                        "UPDATE outbox SET status = 'sent', sent_ms = ?, attempts = attempts + 1, reply = ?, "
                        "last_error = '', body = '', vars = '{}' WHERE id = ? AND status = 'queued'");
            st->bind(1, static_cast<int64_t>(done.now_ms));
            st->bind(2, reply);
            st->bind(3, static_cast<int64_t>(id));
            st->exec();
            email_follows(db, id, "sent", "", done.now_ms);
            finish_job_row(db, done);
        });
    }

    void outbox_failed(std::int64_t id, const std::string& reason) override {
        db_.write([&](SQLite::Database& db) {
            Prepared st(db, "UPDATE outbox SET status = 'failed', last_error = ? WHERE id = ? AND status = 'queued'");
            st->bind(1, reason);
            st->bind(2, static_cast<int64_t>(id));
            st->exec();
            email_follows(db, id, "failed", reason, 0);
        });
    }

    std::optional<OutboxEmail> requeue_outbox(std::int64_t org_id, std::int64_t id) override {
        return db_.write([&](SQLite::Database& db) -> std::optional<OutboxEmail> {
            auto e = load(db, id);
            if (!e || e->org_id != org_id) return std::nullopt;
            Prepared st(db, "UPDATE outbox SET status = 'queued', job_id = NULL WHERE id = ? AND status = 'failed'");
            st->bind(1, static_cast<int64_t>(id));
            st->exec();
            email_follows(db, id, "queued", "", 0);
            return load(db, id);
        });
    }

    std::optional<MailSettingsRow> mail_settings(std::int64_t org_id) override {
        return db_.read([&](SQLite::Database& db) -> std::optional<MailSettingsRow> {
            Prepared st(db,
                        "SELECT smtp_url, tls, username, password_sealed, from_address, updated_ms FROM mail_settings "
                        "WHERE org_id = ?");
            st->bind(1, static_cast<int64_t>(org_id));
            if (!st->executeStep()) return std::nullopt;
            MailSettingsRow r;
            r.smtp_url = st->getColumn(0).getString();
            r.tls = st->getColumn(1).getString();
            r.username = st->getColumn(2).getString();
            const auto sealed = st->getColumn(3);
            r.password_sealed.assign(static_cast<const char*>(sealed.getBlob()), sealed.getBytes());
            r.from = st->getColumn(4).getString();
            r.updated_ms = st->getColumn(5).getInt64();
            return r;
        });
    }

    bool any_mail_settings() override {
        return db_.read([&](SQLite::Database& db) {
            Prepared st(db, "SELECT EXISTS (SELECT 1 FROM mail_settings)");
            st->executeStep();
            return st->getColumn(0).getInt() != 0;
        });
    }

    void put_mail_settings(std::int64_t org_id, const std::optional<MailSettingsRow>& row) override {
        db_.write([&](SQLite::Database& db) {
            if (!row) {
                Prepared del(db, "DELETE FROM mail_settings WHERE org_id = ?");
                del->bind(1, static_cast<int64_t>(org_id));
                del->exec();
                return;
            }
            Prepared st(db,
                        "INSERT INTO mail_settings (org_id, smtp_url, tls, username, password_sealed, from_address, "
                        "updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id) DO UPDATE SET "
                        "smtp_url = excluded.smtp_url, tls = excluded.tls, username = excluded.username, "
                        "password_sealed = excluded.password_sealed, from_address = excluded.from_address, "
                        "updated_ms = excluded.updated_ms");
            st->bind(1, static_cast<int64_t>(org_id));
            st->bind(2, row->smtp_url);
            st->bind(3, row->tls);
            st->bind(4, row->username);
            st->bind(5, row->password_sealed.data(), static_cast<int>(row->password_sealed.size()));
            st->bind(6, row->from);
            st->bind(7, static_cast<int64_t>(row->updated_ms));
            st->exec();
        });
    }

    std::vector<MailTemplate> mail_templates(std::int64_t org_id) override {
        return db_.read([&](SQLite::Database& db) {
            std::vector<MailTemplate> out;
            Prepared st(db, std::string(kTemplateColumns) + "WHERE org_id = ? ORDER BY kind");
            st->bind(1, static_cast<int64_t>(org_id));
            while (st->executeStep()) out.push_back(template_row(st));
            return out;
        });
    }

    std::optional<MailTemplate> mail_template(std::int64_t org_id, const std::string& kind) override {
        return db_.read([&](SQLite::Database& db) -> std::optional<MailTemplate> {
            Prepared st(db, std::string(kTemplateColumns) + "WHERE org_id = ? AND kind = ?");
            st->bind(1, static_cast<int64_t>(org_id));
            st->bind(2, kind);
            if (!st->executeStep()) return std::nullopt;
            return template_row(st);
        });
    }

    void put_mail_template(std::int64_t org_id, const MailTemplate& t) override {
        db_.write([&](SQLite::Database& db) {
            Prepared st(db,
                        "INSERT INTO mail_templates (org_id, kind, subject, text, html, enabled, updated_ms) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, kind) DO UPDATE SET "
                        "subject = excluded.subject, text = excluded.text, html = excluded.html, "
                        "enabled = excluded.enabled, updated_ms = excluded.updated_ms");
            st->bind(1, static_cast<int64_t>(org_id));
            st->bind(2, t.kind);
            st->bind(3, t.subject);
            st->bind(4, t.text);
            st->bind(5, t.html);
            st->bind(6, t.enabled ? 1 : 0);
            st->bind(7, static_cast<int64_t>(t.updated_ms));
            st->exec();
        });
    }

    void delete_mail_template(std::int64_t org_id, const std::string& kind) override {
        db_.write([&](SQLite::Database& db) {
            Prepared st(db, "DELETE FROM mail_templates WHERE org_id = ? AND kind = ?");
            st->bind(1, static_cast<int64_t>(org_id));
            st->bind(2, kind);
            st->exec();
        });
    }

private:
    Pool& db_;
};

}  // namespace

std::unique_ptr<OutboxStore> make_outbox_store(Pool& pool) { return std::make_unique<Outbox>(pool); }

}  // namespace switchboard::store::sqlite
