// The SQLite store: emails and SMS with their recipients (messages.hpp).
#include "core/csv.hpp"
#include "core/time.hpp"
#include "store/sqlite/list_run.hpp"
#include "store/sqlite/stores.hpp"

namespace switchboard::store::sqlite {

namespace {

constexpr const char* kEmailColumns =
    "e.id, e.org_id, e.direction, e.folder, e.status, e.reason, e.subject, e.from_address, e.message_id, "
    "e.in_reply_to, e.thread, ifnull(e.ticket_id, 0), e.created_by, e.created_ms, e.updated_ms, e.sent_ms";
constexpr const char* kEmailFrom = "FROM emails e WHERE e.org_id = ?";

const ListSpec& email_spec() {
    static const ListSpec spec{"emails",
                               {{"id", "e.id", FieldKind::integer},
                                {"subject", "e.subject", FieldKind::text},
                                {"direction", "e.direction", FieldKind::text},
                                {"folder", "e.folder", FieldKind::text},
                                {"status", "e.status", FieldKind::text},
                                {"from", "e.from_address", FieldKind::text},
                                {"message_id", "e.message_id", FieldKind::text},
                                {"thread", "e.thread", FieldKind::text},
                                {"ticket_id", "e.ticket_id", FieldKind::integer},
                                {"created_by", "e.created_by", FieldKind::integer},
                                {"created_on", "e.created_ms", FieldKind::time}},
                               {"e.subject"},
                               {},
                               {},
                               {"folder", "status", "direction", "created_by"}};
    return spec;
}

constexpr const char* kSmsColumns =
    "s.id, s.org_id, s.direction, s.folder, s.status, s.reason, s.text, ifnull(s.ticket_id, 0), s.created_by, "
    "s.created_ms, s.updated_ms, s.sent_ms";
constexpr const char* kSmsFrom = "FROM sms s WHERE s.org_id = ?";

const ListSpec& sms_spec() {
    static const ListSpec spec{"sms",
                               {{"id", "s.id", FieldKind::integer},
                                {"text", "s.text", FieldKind::text},
                                {"direction", "s.direction", FieldKind::text},
                                {"folder", "s.folder", FieldKind::text},
                                {"status", "s.status", FieldKind::text},
                                {"ticket_id", "s.ticket_id", FieldKind::integer},
                                {"created_by", "s.created_by", FieldKind::integer},
                                {"created_on", "s.created_ms", FieldKind::time}},
                               {"s.text"},
                               {},
                               {},
                               {"folder", "status", "direction", "created_by"}};
    return spec;
}

EmailRecord email_row(SQLite::Statement& st) {
    EmailRecord e;
    e.id = st.getColumn(0).getInt64();
    e.org_id = st.getColumn(1).getInt64();
    e.direction = st.getColumn(2).getString();
    e.folder = st.getColumn(3).getString();
    e.status = st.getColumn(4).getString();
    e.reason = st.getColumn(5).getString();
    e.subject = st.getColumn(6).getString();
    e.from = st.getColumn(7).getString();
    e.message_id = st.getColumn(8).getString();
    e.in_reply_to = st.getColumn(9).getString();
    e.thread = st.getColumn(10).getString();
    e.ticket_id = st.getColumn(11).getInt64();
    e.created_by = st.getColumn(12).getInt64();
    e.created_ms = st.getColumn(13).getInt64();
    e.updated_ms = st.getColumn(14).getInt64();
    e.sent_ms = st.getColumn(15).getInt64();
    return e;
}

SmsRecord sms_row(SQLite::Statement& st) {
    SmsRecord s;
    s.id = st.getColumn(0).getInt64();
    s.org_id = st.getColumn(1).getInt64();
    s.direction = st.getColumn(2).getString();
    s.folder = st.getColumn(3).getString();
    s.status = st.getColumn(4).getString();
    s.reason = st.getColumn(5).getString();
    s.text = st.getColumn(6).getString();
    s.ticket_id = st.getColumn(7).getInt64();
    s.created_by = st.getColumn(8).getInt64();
    s.created_ms = st.getColumn(9).getInt64();
    s.updated_ms = st.getColumn(10).getInt64();
    s.sent_ms = st.getColumn(11).getInt64();
    return s;
}

// The recipients and attachments of an email, the recipients of an SMS.
void complete(SQLite::Database& db, EmailRecord& e) {
    Prepared r(db, "SELECT contact_id, address FROM email_recipients WHERE email_id = ? ORDER BY rowid");
    r->bind(1, static_cast<int64_t>(e.id));
    while (r->executeStep()) e.recipients.push_back({r->getColumn(0).getInt64(), r->getColumn(1).getString(), "", "", 0});
    Prepared a(db, "SELECT file_id FROM email_attachments WHERE email_id = ? ORDER BY rowid");
    a->bind(1, static_cast<int64_t>(e.id));
    while (a->executeStep()) e.attachments.push_back(a->getColumn(0).getInt64());
}

void complete(SQLite::Database& db, SmsRecord& s) {
    Prepared r(db,
               "SELECT contact_id, phone, status, reason, updated_ms FROM sms_recipients WHERE sms_id = ? ORDER BY rowid");
    r->bind(1, static_cast<int64_t>(s.id));
    while (r->executeStep())
        s.recipients.push_back({r->getColumn(0).getInt64(), r->getColumn(1).getString(), r->getColumn(2).getString(),
                                r->getColumn(3).getString(), r->getColumn(4).getInt64()});
}

std::optional<EmailRecord> load_email(SQLite::Database& db, std::int64_t org_id, std::int64_t id, bool bodies) {
    Prepared st(db, std::string("SELECT ") + kEmailColumns + ", e.text, e.html " + kEmailFrom + " AND e.id = ?");
    st->bind(1, static_cast<int64_t>(org_id));
    st->bind(2, static_cast<int64_t>(id));
    if (!st->executeStep()) return std::nullopt;
    EmailRecord e = email_row(*st);
    if (bodies) {
        e.text = st->getColumn(16).getString();
        e.html = st->getColumn(17).getString();
    }
    st->reset();
    complete(db, e);
    return e;
}

std::optional<SmsRecord> load_sms(SQLite::Database& db, std::int64_t org_id, std::int64_t id) {
    Prepared st(db, std::string("SELECT ") + kSmsColumns + " FROM sms s WHERE s.id = ? AND (?2 = 0 OR s.org_id = ?2)");
    st->bind(1, static_cast<int64_t>(id));
    st->bind(2, static_cast<int64_t>(org_id));
    if (!st->executeStep()) return std::nullopt;
    SmsRecord s = sms_row(*st);
    st->reset();
    complete(db, s);
    return s;
}

// The organisation's contact with this address or number, or a new one.
std::int64_t contact_for(SQLite::Database& db, std::int64_t org_id, const std::string& address, bool phone) {
    Prepared st(db, phone ? "SELECT id FROM contacts WHERE org_id = ? AND phone = ? ORDER BY id LIMIT 1"
                          : "SELECT id FROM contacts WHERE org_id = ? AND email = ? ORDER BY id LIMIT 1");
    st->bind(1, static_cast<int64_t>(org_id));
    st->bind(2, address);
    if (st->executeStep()) return st->getColumn(0).getInt64();
    ContactFields f;
    if (phone) f.phone = address;
    else f.email = address;
    return resolve_contact(db, org_id, 0, f);
}

// An SMS's status from its recipients': failed when one failed, else queued
// while one waits, else sent while one is not yet delivered, else delivered.
void settle_sms(SQLite::Database& db, std::int64_t sms_id, std::int64_t now) {
    Prepared st(db,
                "UPDATE sms SET updated_ms = ?1, "
                "status = (SELECT CASE WHEN sum(status = 'failed') > 0 THEN 'failed' "
                "WHEN sum(status = 'queued') > 0 THEN 'queued' WHEN sum(status = 'sent') > 0 THEN 'sent' "
                "ELSE 'delivered' END FROM sms_recipients WHERE sms_id = ?2), "
                "reason = ifnull((SELECT reason FROM sms_recipients WHERE sms_id = ?2 AND status = 'failed' "
                "ORDER BY updated_ms DESC LIMIT 1), '') "
                "WHERE id = ?2");
    st->bind(1, static_cast<int64_t>(now));
    st->bind(2, static_cast<int64_t>(sms_id));
    st->exec();
    Prepared f(db,
               "UPDATE sms SET folder = CASE status WHEN 'failed' THEN 'failed' WHEN 'queued' THEN 'outbox' "
               "ELSE 'sent' END, sent_ms = CASE WHEN status IN ('sent', 'delivered') AND sent_ms = 0 THEN ?1 "
               "ELSE sent_ms END WHERE id = ?2");
    f->bind(1, static_cast<int64_t>(now));
    f->bind(2, static_cast<int64_t>(sms_id));
    f->exec();
}

class Messages final : public MessagesStore {
public:
    explicit Messages(Pool& db) : db_(db) {}

    EmailRecord insert_email(const EmailRecord& e, const std::vector<std::string>& to,
                             const OutboxEmail& outbox) override {
        return db_.write([&](SQLite::Database& db) {
            const auto now = detail::now_ms();
            Prepared st(db,
                        "INSERT INTO emails (org_id, direction, folder, status, reason, subject, text, html, "
                        "from_address, message_id, in_reply_to, thread, ticket_id, created_by, created_ms, "
                        "updated_ms) VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            int i = 1;
            st->bind(i++, static_cast<int64_t>(e.org_id));
            st->bind(i++, e.direction);
            st->bind(i++, e.folder);
            st->bind(i++, e.status);
            st->bind(i++, e.subject);
            st->bind(i++, e.text);
            st->bind(i++, e.html);
            st->bind(i++, e.from);
            st->bind(i++, e.message_id);
            st->bind(i++, e.in_reply_to);
            st->bind(i++, e.thread);
            if (e.ticket_id) st->bind(i++, static_cast<int64_t>(e.ticket_id)); else st->bind(i++);
            st->bind(i++, static_cast<int64_t>(e.created_by));
            st->bind(i++, static_cast<int64_t>(now));
            st->bind(i++, static_cast<int64_t>(now));
            st->exec();
            const std::int64_t id = db.getLastInsertRowid();
            for (const auto& address : to) {
                Prepared r(db, "INSERT OR IGNORE INTO email_recipients (email_id, contact_id, address) VALUES (?, ?, ?)");
                r->bind(1, static_cast<int64_t>(id));
                r->bind(2, static_cast<int64_t>(contact_for(db, e.org_id, address, false)));
                r->bind(3, address);
                r->exec();
            }
            for (const auto file_id : e.attachments) {
                Prepared a(db, "INSERT OR IGNORE INTO email_attachments (email_id, file_id) VALUES (?, ?)");
                a->bind(1, static_cast<int64_t>(id));
                a->bind(2, static_cast<int64_t>(file_id));
                a->exec();
            }
            if (!outbox.kind.empty()) {
                put_outbox(db, outbox, e.org_id);
                Prepared link(db, "UPDATE outbox SET email_id = ? WHERE id = ?");
                link->bind(1, static_cast<int64_t>(id));
                link->bind(2, static_cast<int64_t>(db.getLastInsertRowid()));
                link->exec();
            }
            return *load_email(db, e.org_id, id, true);
        });
    }

    std::optional<EmailRecord> email(std::int64_t org_id, std::int64_t id, bool bodies) override {
        return db_.read([&](SQLite::Database& db) { return load_email(db, org_id, id, bodies); });
    }

    Page<EmailRecord> list_emails(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) override {
        const Where w = org_where(email_spec(), org_id, q);
        const auto [count, offset] = page_bounds(q, limits);
        return db_.read([&](SQLite::Database& db) {
            SQLite::Transaction snapshot(db);
            auto page = run_list<EmailRecord>(db, kEmailFrom, kEmailFrom, w, count, offset, kEmailColumns,
                                              [](Prepared& st) { return email_row(*st); });
            for (auto& e : page.items) complete(db, e);
            return page;
        });
    }

    void emails_csv(std::int64_t org_id, const ListQuery& q, const ListLimits& limits, const CsvSink& sink) override {
        const Where w = org_where(email_spec(), org_id, q);
        const std::string paging = export_paging(q, limits);
        db_.read([&](SQLite::Database& db) {
            detail::CsvWriter out(sink);
            for (const char* h : {"id", "direction", "folder", "status", "reason", "subject", "from", "recipients",
                                  "attachments", "message_id", "ticket_id", "created_by", "created_on", "sent_on"})
                out.cell(h);
            out.end_row();
            Prepared st(db, std::string("SELECT ") + kEmailColumns + " " + kEmailFrom + w.sql + " ORDER BY 1 DESC" +
                                paging);
            bind_all(*st, w.bindings);
            while (st->executeStep()) {
                EmailRecord e = email_row(*st);
                complete(db, e);
                std::string recipients, attachments;
                for (const auto& r : e.recipients) recipients += (recipients.empty() ? "" : " ") + r.address;
                for (const auto f : e.attachments)
                    attachments += (attachments.empty() ? "" : " ") + std::to_string(f);
                out.cell(e.id);
                out.cell(e.direction);
                out.cell(e.folder);
                out.cell(e.status);
                out.cell(e.reason);
                out.cell(e.subject);
                out.cell(e.from);
                out.cell(recipients);
                out.cell(attachments);
                out.cell(e.message_id);
                e.ticket_id ? out.cell(e.ticket_id) : out.cell(std::string_view());
                out.cell(e.created_by);
                out.cell_time(e.created_ms);
                e.sent_ms ? out.cell_time(e.sent_ms) : out.cell(std::string_view());
                out.end_row();
            }
            out.flush();
        });
    }

    PivotReport pivot_emails(std::int64_t org_id, const ListQuery& q, const std::vector<std::string>& xaxis,
                             const std::vector<std::string>& yaxis) override {
        const Where w = org_where(email_spec(), org_id, q);
        return db_.read([&](SQLite::Database& db) { return run_pivot(db, email_spec(), kEmailFrom, w, xaxis, yaxis); });
    }

    std::pair<SmsRecord, Job> insert_sms(const SmsRecord& s, const std::vector<std::string>& to,
                                         const NewJobRow& job) override {
        return db_.write([&](SQLite::Database& db) {
            const auto now = detail::now_ms();
            Prepared st(db,
                        "INSERT INTO sms (org_id, direction, folder, status, reason, text, ticket_id, created_by, "
                        "created_ms, updated_ms) VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, ?)");
            int i = 1;
            st->bind(i++, static_cast<int64_t>(s.org_id));
            st->bind(i++, s.direction);
            st->bind(i++, s.folder);
            st->bind(i++, s.status);
            st->bind(i++, s.text);
            if (s.ticket_id) st->bind(i++, static_cast<int64_t>(s.ticket_id)); else st->bind(i++);
            st->bind(i++, static_cast<int64_t>(s.created_by));
            st->bind(i++, static_cast<int64_t>(now));
            st->bind(i++, static_cast<int64_t>(now));
            st->exec();
            const std::int64_t id = db.getLastInsertRowid();
            for (const auto& phone : to) {
                Prepared r(db,
                           "INSERT OR IGNORE INTO sms_recipients (sms_id, contact_id, phone, status, reason, "
                           "updated_ms) VALUES (?, ?, ?, ?, '', ?)");
                r->bind(1, static_cast<int64_t>(id));
                r->bind(2, static_cast<int64_t>(contact_for(db, s.org_id, phone, true)));
                r->bind(3, phone);
                r->bind(4, s.status);
                r->bind(5, static_cast<int64_t>(now));
                r->exec();
            }
            NewJobRow row = job;
            row.subject = std::to_string(id);
            Job stored = insert_job_row(db, row);
            return std::make_pair(*load_sms(db, s.org_id, id), stored);
        });
    }

    std::optional<SmsRecord> sms(std::int64_t org_id, std::int64_t id) override {
        return db_.read([&](SQLite::Database& db) { return load_sms(db, org_id, id); });
    }

    std::optional<SmsRecord> sms_by_id(std::int64_t id) override {
        return db_.read([&](SQLite::Database& db) { return load_sms(db, 0, id); });
    }

    Page<SmsRecord> list_sms(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) override {
        const Where w = org_where(sms_spec(), org_id, q);
        const auto [count, offset] = page_bounds(q, limits);
        return db_.read([&](SQLite::Database& db) {
            SQLite::Transaction snapshot(db);
            auto page = run_list<SmsRecord>(db, kSmsFrom, kSmsFrom, w, count, offset, kSmsColumns,
                                            [](Prepared& st) { return sms_row(*st); });
            for (auto& s : page.items) complete(db, s);
            return page;
        });
    }

    void sms_csv(std::int64_t org_id, const ListQuery& q, const ListLimits& limits, const CsvSink& sink) override {
        const Where w = org_where(sms_spec(), org_id, q);
        const std::string paging = export_paging(q, limits);
        db_.read([&](SQLite::Database& db) {
            detail::CsvWriter out(sink);
            for (const char* h : {"id", "direction", "folder", "status", "reason", "text", "recipients", "ticket_id",
                                  "created_by", "created_on", "sent_on"})
                out.cell(h);
            out.end_row();
            Prepared st(db, std::string("SELECT ") + kSmsColumns + " " + kSmsFrom + w.sql + " ORDER BY 1 DESC" + paging);
            bind_all(*st, w.bindings);
            while (st->executeStep()) {
                SmsRecord s = sms_row(*st);
                complete(db, s);
                std::string recipients;
                for (const auto& r : s.recipients)
                    recipients += (recipients.empty() ? "" : " ") + r.address + ":" + r.status;
                out.cell(s.id);
                out.cell(s.direction);
                out.cell(s.folder);
                out.cell(s.status);
                out.cell(s.reason);
                out.cell(s.text);
                out.cell(recipients);
                s.ticket_id ? out.cell(s.ticket_id) : out.cell(std::string_view());
                out.cell(s.created_by);
                out.cell_time(s.created_ms);
                s.sent_ms ? out.cell_time(s.sent_ms) : out.cell(std::string_view());
                out.end_row();
            }
            out.flush();
        });
    }

    PivotReport pivot_sms(std::int64_t org_id, const ListQuery& q, const std::vector<std::string>& xaxis,
                          const std::vector<std::string>& yaxis) override {
        const Where w = org_where(sms_spec(), org_id, q);
        return db_.read([&](SQLite::Database& db) { return run_pivot(db, sms_spec(), kSmsFrom, w, xaxis, yaxis); });
    }

    std::optional<SmsRecord> sms_recipient_result(std::int64_t sms_id, std::int64_t contact_id,
                                                  const std::string& status, const std::string& reason) override {
        return db_.write([&](SQLite::Database& db) -> std::optional<SmsRecord> {
            const auto now = detail::now_ms();
            Prepared check(db, "SELECT status FROM sms_recipients WHERE sms_id = ? AND contact_id = ?");
            check->bind(1, static_cast<int64_t>(sms_id));
            check->bind(2, static_cast<int64_t>(contact_id));
            if (!check->executeStep()) return std::nullopt;
            const std::string current = check->getColumn(0).getString();
            check->reset();
            // delivered and failed are final; a report never goes back to queued
            const bool final_state = current == "delivered" || current == "failed";
            if (!final_state && !(status == "queued" && current != "queued")) {
                Prepared st(db,
                            "UPDATE sms_recipients SET status = ?, reason = ?, updated_ms = ? "
                            "WHERE sms_id = ? AND contact_id = ?");
                st->bind(1, status);
                st->bind(2, reason);
                st->bind(3, static_cast<int64_t>(now));
                st->bind(4, static_cast<int64_t>(sms_id));
                st->bind(5, static_cast<int64_t>(contact_id));
                st->exec();
                settle_sms(db, sms_id, now);
            }
            return load_sms(db, 0, sms_id);
        });
    }

    switchboard::Messages::Counts counts(std::int64_t org_id) override {
        return db_.read([&](SQLite::Database& db) {
            switchboard::Messages::Counts c;
            Prepared e(db,
                       "SELECT count(*), ifnull(sum(status = 'sent'), 0), ifnull(sum(status = 'failed'), 0) "
                       "FROM emails WHERE org_id = ? AND direction = 'out'");
            e->bind(1, static_cast<int64_t>(org_id));
            e->executeStep();
            c.emails = e->getColumn(0).getInt64();
            c.emails_sent = e->getColumn(1).getInt64();
            c.emails_failed = e->getColumn(2).getInt64();
            Prepared s(db,
                       "SELECT count(*), ifnull(sum(status IN ('sent', 'delivered')), 0), "
                       "ifnull(sum(status = 'failed'), 0) FROM sms WHERE org_id = ? AND direction = 'out'");
            s->bind(1, static_cast<int64_t>(org_id));
            s->executeStep();
            c.sms = s->getColumn(0).getInt64();
            c.sms_sent = s->getColumn(1).getInt64();
            c.sms_failed = s->getColumn(2).getInt64();
            return c;
        });
    }

    std::optional<MailboxRow> mailbox(std::int64_t org_id) override {
        return db_.read([&](SQLite::Database& db) -> std::optional<MailboxRow> {
            auto rows = mailbox_rows(db, org_id);
            if (rows.empty()) return std::nullopt;
            return rows.front();
        });
    }

    std::vector<MailboxRow> mailboxes() override {
        return db_.read([&](SQLite::Database& db) { return mailbox_rows(db, 0); });
    }

    void put_mailbox(std::int64_t org_id, const std::optional<MailboxRow>& row) override {
        db_.write([&](SQLite::Database& db) {
            if (!row) {
                Prepared del(db, "DELETE FROM mailboxes WHERE org_id = ?");
                del->bind(1, static_cast<int64_t>(org_id));
                del->exec();
                return;
            }
            // Another mailbox (URL or user) is read from its first message.
            Prepared st(db,
                        "INSERT INTO mailboxes (org_id, imap_url, tls, username, password_sealed, updated_ms) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (org_id) DO UPDATE SET "
                        "last_uid = CASE WHEN imap_url = excluded.imap_url AND username = excluded.username "
                        "THEN last_uid ELSE 0 END, imap_url = excluded.imap_url, tls = excluded.tls, "
                        "username = excluded.username, password_sealed = excluded.password_sealed, "
                        "updated_ms = excluded.updated_ms, last_error = ''");
            st->bind(1, static_cast<int64_t>(org_id));
            st->bind(2, row->imap_url);
            st->bind(3, row->tls);
            st->bind(4, row->username);
            st->bind(5, row->password_sealed.data(), static_cast<int>(row->password_sealed.size()));
            st->bind(6, static_cast<int64_t>(row->updated_ms));
            st->exec();
        });
    }

    void mailbox_read(std::int64_t org_id, std::int64_t last_uid, const std::string& error,
                      std::int64_t now_ms) override {
        db_.write([&](SQLite::Database& db) {
            Prepared st(db,
                        "UPDATE mailboxes SET last_uid = max(last_uid, ?), last_error = ?, last_fetch_ms = ? "
                        "WHERE org_id = ?");
            st->bind(1, static_cast<int64_t>(last_uid));
            st->bind(2, error);
            st->bind(3, static_cast<int64_t>(now_ms));
            st->bind(4, static_cast<int64_t>(org_id));
            st->exec();
        });
    }

    EmailRecord insert_mail_in(const EmailRecord& e, std::int64_t uid) override {
        return db_.write([&](SQLite::Database& db) {
            const auto now = detail::now_ms();
            Prepared st(db,
                        "INSERT INTO emails (org_id, direction, folder, status, reason, subject, text, html, "
                        "from_address, message_id, in_reply_to, thread, ticket_id, created_by, created_ms, "
                        "updated_ms, sent_ms) VALUES (?, 'in', 'inbox', 'received', '', ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, "
                        "?, 0)");
            int i = 1;
            st->bind(i++, static_cast<int64_t>(e.org_id));
            st->bind(i++, e.subject);
            st->bind(i++, e.text);
            st->bind(i++, e.html);
            st->bind(i++, e.from);
            st->bind(i++, e.message_id);
            st->bind(i++, e.in_reply_to);
            st->bind(i++, e.thread);
            if (e.ticket_id) st->bind(i++, static_cast<int64_t>(e.ticket_id)); else st->bind(i++);
            st->bind(i++, static_cast<int64_t>(now));
            st->bind(i++, static_cast<int64_t>(now));
            st->exec();
            const std::int64_t id = db.getLastInsertRowid();
            for (const auto& r : e.recipients) {
                Prepared rr(db, "INSERT OR IGNORE INTO email_recipients (email_id, contact_id, address) VALUES (?, ?, ?)");
                rr->bind(1, static_cast<int64_t>(id));
                rr->bind(2, static_cast<int64_t>(r.contact_id));
                rr->bind(3, r.address);
                rr->exec();
            }
            for (const auto file_id : e.attachments) {
                Prepared a(db, "INSERT OR IGNORE INTO email_attachments (email_id, file_id) VALUES (?, ?)");
                a->bind(1, static_cast<int64_t>(id));
                a->bind(2, static_cast<int64_t>(file_id));
                a->exec();
            }
            Prepared mb(db, "UPDATE mailboxes SET last_uid = max(last_uid, ?) WHERE org_id = ?");
            mb->bind(1, static_cast<int64_t>(uid));
            mb->bind(2, static_cast<int64_t>(e.org_id));
            mb->exec();
            return *load_email(db, e.org_id, id, true);
        });
    }

    std::optional<EmailRecord> email_by_message_id(std::int64_t org_id, const std::string& message_id) override {
        return db_.read([&](SQLite::Database& db) -> std::optional<EmailRecord> {
            Prepared st(db, "SELECT id FROM emails WHERE org_id = ? AND message_id = ? ORDER BY id LIMIT 1");
            st->bind(1, static_cast<int64_t>(org_id));
            st->bind(2, message_id);
            if (!st->executeStep()) return std::nullopt;
            const std::int64_t id = st->getColumn(0).getInt64();
            st->reset();
            return load_email(db, org_id, id, false);
        });
    }

private:
    static std::vector<MailboxRow> mailbox_rows(SQLite::Database& db, std::int64_t org_id) {
        std::vector<MailboxRow> out;
        Prepared st(db,
                    "SELECT org_id, imap_url, tls, username, password_sealed, last_uid, last_fetch_ms, updated_ms, "
                    "last_error FROM mailboxes WHERE ?1 = 0 OR org_id = ?1 ORDER BY org_id");
        st->bind(1, static_cast<int64_t>(org_id));
        while (st->executeStep()) {
            MailboxRow r;
            r.org_id = st->getColumn(0).getInt64();
            r.imap_url = st->getColumn(1).getString();
            r.tls = st->getColumn(2).getString();
            r.username = st->getColumn(3).getString();
            const auto sealed = st->getColumn(4);
            r.password_sealed.assign(static_cast<const char*>(sealed.getBlob()), sealed.getBytes());
            r.last_uid = st->getColumn(5).getInt64();
            r.last_fetch_ms = st->getColumn(6).getInt64();
            r.updated_ms = st->getColumn(7).getInt64();
            r.last_error = st->getColumn(8).getString();
            out.push_back(std::move(r));
        }
        return out;
    }

    Pool& db_;
};

}  // namespace

std::unique_ptr<MessagesStore> make_messages_store(Pool& pool) { return std::make_unique<Messages>(pool); }

}  // namespace switchboard::store::sqlite
