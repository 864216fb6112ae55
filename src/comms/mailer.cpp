// The mailer (mailer.hpp): gives each queued outbox mail a durable job, and
// the job that sends it over SMTP.
//
// The outbox row is what must not be lost: it is written in the same
// transaction as the token it carries. A thread of the mailer finds queued
// rows without a job and gives each its job and Message-ID in one
// transaction, so a row gets one job however often it is looked at, and a
// row whose process died before that is found again at the next start.
#include "switchboard/mailer.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "accounts/internal.hpp"
#include "comms/internal.hpp"
#include "core/crypto.hpp"
#include "core/time.hpp"
#include "store/store.hpp"
#include "switchboard/error.hpp"
#include "switchboard/jobs.hpp"
#include "switchboard/store.hpp"

namespace switchboard {

namespace {

constexpr const char* kJobKind = "mail.send";
constexpr const char* kSealContext = "switchboard smtp password";

std::string domain_of(const std::string& from) {
    const std::string address = mail_address(from, "from");
    return address.substr(address.rfind('@') + 1);
}

}  // namespace

// The fields are named as every layer names the setting (smtp_url,
// mail_max_attempts ...), not as the members are.
void MailerOptions::validate() const {
    if (!smtp.url.empty()) {
        try {
            smtp.validate();
        } catch (const Error& e) {
            const std::string field = "smtp_" + e.field();
            std::string message = e.what();
            if (message.rfind(e.field(), 0) == 0) message = field + message.substr(e.field().size());
            throw Error(e.code(), message, field);
        }
    }
    mail_address(from, "smtp_from");
    if (max_attempts < 1 || max_attempts > 1000)
        throw Error(ErrorCode::invalid_argument, "mail_max_attempts must be 1 to 1000", "mail_max_attempts");
    if (poll_ms < 10 || poll_ms > 3'600'000)
        throw Error(ErrorCode::invalid_argument, "mail_poll_ms must be 10 to 3600000", "mail_poll_ms");
}

struct Mailer::Impl {
    Impl(Database& d, Jobs& j, MailerOptions o) : db(d), jobs(j), options(std::move(o)) {}

    Database& db;
    Jobs& jobs;
    MailerOptions options;
    std::string key;

    std::mutex mu;
    std::condition_variable cv;
    bool woken = false;
    bool stopping = false;
    std::thread thread;
    std::mutex dispatch_mu;  // one dispatch at a time (the thread, or a caller)
    AttachmentReader attachments;

    store::OutboxStore& store() { return db.store().outbox(); }

    // The server and From that serve an organisation: its own, else the
    // host's. nullopt when neither is configured.
    struct Route {
        SmtpSettings smtp;
        std::string from;
    };
    std::optional<Route> route(std::int64_t org_id) {
        if (org_id) {
            if (auto own = store().mail_settings(org_id)) {
                Route r;
                r.smtp.url = own->smtp_url;
                r.smtp.tls = own->tls;
                r.smtp.username = own->username;
                if (!own->password_sealed.empty()) {
                    auto plain = detail::open_sealed(key, own->password_sealed, kSealContext);
                    if (!plain)
                        throw Error(ErrorCode::credentials,
                                    "the organisation's SMTP password was sealed with another key: set it again",
                                    "password");
                    r.smtp.password = *plain;
                }
                r.smtp.ca_file = options.smtp.ca_file;
                r.smtp.timeout_ms = options.smtp.timeout_ms;
                r.from = own->from.empty() ? options.from : own->from;
                return r;
            }
        }
        if (options.smtp.url.empty()) return std::nullopt;
        return Route{options.smtp, options.from};
    }

    // The template that writes a mail: the organisation's own, else the library's.
    MailTemplate template_for(std::int64_t org_id, const std::string& kind) {
        if (org_id)
            if (auto own = store().mail_template(org_id, kind)) return *own;
        return default_mail_template(kind);
    }

    int dispatch() {
        std::lock_guard<std::mutex> lock(dispatch_mu);
        int given = 0;
        const bool every_org = !options.smtp.url.empty();
        for (;;) {
            auto unsent = store().unsent_without_job(every_org, 200);
            if (unsent.empty()) break;
            for (const auto& m : unsent) {
                auto r = route(m.org_id);
                const std::string message_id = make_message_id(domain_of(r ? r->from : options.from));
                Jobs::PreparedJob job =
                    jobs.prepare({kJobKind, m.org_id, std::to_string(m.id), "", options.max_attempts});
                std::optional<Job> stored;
                try {
                    stored = store().give_outbox_job(m.id, message_id, Jobs::row_of(job));
                } catch (...) {
                    jobs.abandon(std::move(job));
                    throw;
                }
                if (!stored) {
                    jobs.abandon(std::move(job));
                    continue;
                }
                jobs.submit(std::move(job), *stored);
                ++given;
            }
            if (unsent.size() < 200) break;
        }
        return given;
    }

    void send(const JobRun& run) {
        const std::int64_t id = std::stoll(run.job.subject);
        auto mail = store().outbox_email(id);
        if (!mail || mail->status != "queued") return;  // sent (or failed) already: a rerun does nothing
        auto r = route(mail->org_id);
        if (!r) throw std::runtime_error("no SMTP server is configured for this organisation");
        MailMessage m;
        m.from = r->from;
        m.to = {mail->to};
        m.message_id = mail->message_id;
        if (mail->email_id) {  // an email record (messages.hpp): written from the record
            auto e = db.store().messages().email(mail->org_id, mail->email_id, true);
            if (!e) return;  // the organisation is gone
            m.to.clear();
            for (const auto& rcpt : e->recipients) m.to.push_back(rcpt.address);
            m.subject = e->subject;
            m.text = e->text;
            m.html = e->html;
            m.in_reply_to = e->in_reply_to;
            for (const auto file_id : e->attachments) {
                if (!attachments) throw Error(ErrorCode::invalid_argument, "this database has no files", "attachments");
                m.attachments.push_back(attachments(mail->org_id, file_id));
            }
        } else if (mail->vars.empty()) {  // written before templates: as it was written
            m.subject = mail->subject;
            m.text = mail->body;
        } else {
            const MailTemplate t = template_for(mail->org_id, mail->kind);
            m.subject = render_mail_template(t.subject, mail->vars, false);
            m.text = render_mail_template(t.text, mail->vars, false);
            if (!t.html.empty()) m.html = render_mail_template(t.html, mail->vars, true);
        }
        const auto now = detail::now_ms();
        const SmtpResult result = SmtpSender(r->smtp).send(m, now);
        if (result.accepted) {
            store().outbox_sent(id, result.reply, store::JobDone{run.job.id, run.lease_owner, detail::now_ms()});
            run.finished_by_handler();
            return;
        }
        const std::string why = "SMTP " + r->smtp.url + ": " + result.reply;
        store().outbox_attempt_failed(id, why);
        // A refusal for good fails the job at once (an Error that says the input is wrong).
        if (result.permanent) throw Error(ErrorCode::invalid_argument, why, "to");
        throw std::runtime_error(why);
    }

    void failed(const Job& job) {
        store().outbox_failed(std::stoll(job.subject),
                              job.last_error.empty() ? "the mail could not be sent" : job.last_error);
    }

    void loop() {
        std::unique_lock<std::mutex> lock(mu);
        while (!stopping) {
            lock.unlock();
            try {
                dispatch();
            } catch (const std::exception&) {
                // The store was busy or the backlog full: the next round tries again.
            }
            lock.lock();
            cv.wait_for(lock, std::chrono::milliseconds(options.poll_ms), [&] { return woken || stopping; });
            woken = false;
        }
    }
};

Mailer::Mailer(Database& db, Jobs& jobs, MailerOptions options, const std::string& key_file)
    : impl_(std::make_unique<Impl>(db, jobs, std::move(options))) {
    impl_->options.validate();
    impl_->key = key_file.empty() ? detail::random_key() : detail::load_or_create_key(key_file);
    Impl* impl = impl_.get();
    jobs.handle(
        kJobKind, [impl](const JobRun& run) { impl->send(run); }, [impl](const Job& job) { impl->failed(job); });
}

Mailer::~Mailer() { stop(); }

const MailerOptions& Mailer::options() const noexcept { return impl_->options; }

void Mailer::start() {
    if (impl_->thread.joinable() || impl_->jobs.options().workers == 0) return;
    {
        std::lock_guard<std::mutex> lock(impl_->mu);
        impl_->stopping = false;
    }
    impl_->thread = std::thread([impl = impl_.get()] { impl->loop(); });
}

void Mailer::stop() {
    {
        std::lock_guard<std::mutex> lock(impl_->mu);
        impl_->stopping = true;
    }
    impl_->cv.notify_all();
    if (impl_->thread.joinable()) impl_->thread.join();
}

void Mailer::wake() {
    {
        std::lock_guard<std::mutex> lock(impl_->mu);
        impl_->woken = true;
    }
    impl_->cv.notify_all();
}

int Mailer::dispatch() { return impl_->dispatch(); }

std::string Mailer::from_for(std::int64_t org_id) {
    auto r = impl_->route(org_id);
    return r ? r->from : impl_->options.from;
}

void Mailer::set_attachment_reader(AttachmentReader reader) { impl_->attachments = std::move(reader); }

// ------------------------------------------------------------ settings

namespace {

OrgMailSettings settings_view(const std::optional<store::MailSettingsRow>& row) {
    OrgMailSettings s;
    if (!row) return s;
    s.own = true;
    s.smtp_url = row->smtp_url;
    s.tls = row->tls;
    s.username = row->username;
    s.has_password = !row->password_sealed.empty();
    s.from = row->from;
    s.updated_ms = row->updated_ms;
    return s;
}

}  // namespace

OrgMailSettings Mailer::settings(const Principal& who) {
    detail::require_role(who, {Role::admin});
    return settings_view(impl_->store().mail_settings(who.org_id));
}

OrgMailSettings Mailer::change_settings(const Principal& who, const OrgMailSettingsChange& change) {
    detail::require_role(who, {Role::admin});
    return detail::audited(impl_->db, who, "change_mail_settings", change.smtp_url.empty() ? "own SMTP settings removed" : "SMTP " + change.smtp_url, [&] {
        if (change.smtp_url.empty()) {
            impl_->store().put_mail_settings(who.org_id, std::nullopt);
            return settings_view(std::nullopt);
        }
        if (change.smtp_url.rfind("smtp://", 0) != 0 && change.smtp_url.rfind("smtps://", 0) != 0)
            throw Error(ErrorCode::invalid_argument, "the SMTP url starts smtp:// or smtps://", "smtp_url");
        SmtpSettings check;
        check.url = change.smtp_url;
        check.tls = change.tls;
        check.username = change.username;
        check.password = change.password;
        check.validate();
        if (!change.from.empty()) mail_address(change.from, "from");
        store::MailSettingsRow row;
        row.smtp_url = change.smtp_url;
        row.tls = change.tls;
        row.username = change.username;
        if (!change.password.empty()) row.password_sealed = detail::seal(impl_->key, change.password, kSealContext);
        row.from = change.from;
        row.updated_ms = detail::now_ms();
        impl_->store().put_mail_settings(who.org_id, row);
        wake();  // the organisation's waiting mails can go now
        return settings_view(row);
    });
}

std::vector<MailTemplate> Mailer::templates(const Principal& who) {
    detail::require_role(who, {Role::admin});
    auto own = impl_->store().mail_templates(who.org_id);
    std::vector<MailTemplate> out;
    for (const auto& d : default_mail_templates()) {
        auto it = std::find_if(own.begin(), own.end(), [&](const MailTemplate& t) { return t.kind == d.kind; });
        out.push_back(it == own.end() ? d : *it);
    }
    return out;
}

MailTemplate Mailer::set_template(const Principal& who, const MailTemplate& tpl) {
    detail::require_role(who, {Role::admin});
    return detail::audited(impl_->db, who, "set_mail_template", "template " + tpl.kind, [&] {
        check_mail_template(tpl);
        MailTemplate t = tpl;
        t.is_default = false;
        t.updated_ms = detail::now_ms();
        impl_->store().put_mail_template(who.org_id, t);
        return t;
    });
}

MailTemplate Mailer::reset_template(const Principal& who, std::string_view kind) {
    detail::require_role(who, {Role::admin});
    const MailTemplate& d = default_mail_template(kind);
    return detail::audited(impl_->db, who, "reset_mail_template", "template " + d.kind, [&] {
        impl_->store().delete_mail_template(who.org_id, d.kind);
        return d;
    });
}

MailTestResult Mailer::send_test(const Principal& who, std::string_view to) {
    detail::require_role(who, {Role::admin});
    const std::string address = mail_address(to, "to");
    auto r = impl_->route(who.org_id);
    if (!r) throw Error(ErrorCode::invalid_argument, "no SMTP server is configured for this organisation", "smtp_url");
    MailMessage m;
    m.from = r->from;
    m.to = {address};
    m.subject = "switchboard test mail";
    m.text = "This mail tests the SMTP settings of your organisation in switchboard.\n";
    MailTestResult out{r->smtp.url, SmtpSender(r->smtp).send(m, detail::now_ms())};
    detail::record_activity(impl_->db, who, "send_test_mail", out.result.accepted, address + ": " + out.result.reply);
    return out;
}

OutboxEmail Mailer::retry(const Principal& who, std::int64_t outbox_id) {
    detail::require_role(who, {Role::admin});
    auto e = impl_->store().requeue_outbox(who.org_id, outbox_id);
    if (!e) throw Error(ErrorCode::not_found, "the outbox holds no mail " + std::to_string(outbox_id), "id");
    if (e->status != "queued")
        throw Error(ErrorCode::conflict, "only a failed mail is sent again; this one is " + e->status, "id");
    wake();
    e->vars.clear();
    e->body.clear();
    return *e;
}

}  // namespace switchboard
