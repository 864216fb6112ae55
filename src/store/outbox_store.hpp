// Internal: the store's interface for the outbox, the emails the library
// writes for the mailer to deliver, and the organisations' mail settings and
// templates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/jobs_store.hpp"
#include "switchboard/accounts.hpp"
#include "switchboard/jobs.hpp"
#include "switchboard/mailer.hpp"

namespace switchboard::store {

// A queued mail that has no job yet.
struct UnsentMail {
    std::int64_t id = 0;
    std::int64_t org_id = 0;
};

// An organisation's own SMTP settings as stored (the password sealed).
struct MailSettingsRow {
    std::string smtp_url, tls, username, password_sealed, from;
    std::int64_t updated_ms = 0;
};

class OutboxStore {
public:
    virtual ~OutboxStore() = default;
    // Every email, or those to one address ("" for all), oldest first.
    virtual std::vector<OutboxEmail> outbox(const std::string& to_address) = 0;
    // One email with its template values; nullopt when there is none.
    virtual std::optional<OutboxEmail> outbox_email(std::int64_t id) = 0;
    // Sets sent_ms and clears the body unless already sent; nullopt when
    // there is no such email.
    virtual std::optional<OutboxEmail> mark_outbox_sent(std::int64_t id) = 0;

    // --- the mailer
    // Up to `limit` queued mails without a job, oldest first: of every
    // organisation when `every_org`, else of the organisations that have
    // their own settings.
    virtual std::vector<UnsentMail> unsent_without_job(bool every_org, int limit) = 0;
    // In one transaction: inserts the job and gives it, with the Message-ID,
    // to the mail, if the mail is still queued without a job (else nullopt,
    // nothing inserted).
    virtual std::optional<Job> give_outbox_job(std::int64_t id, const std::string& message_id, const NewJobRow& job) = 0;
    // A try that failed: counts it and keeps the reason.
    virtual void outbox_attempt_failed(std::int64_t id, const std::string& error) = 0;
    // In one transaction: the mail sent (counts the try, keeps the reply,
    // clears the body and the values) and its job done.
    virtual void outbox_sent(std::int64_t id, const std::string& reply, const JobDone& done) = 0;
    // Failed for good with the reason (a queued mail only).
    virtual void outbox_failed(std::int64_t id, const std::string& reason) = 0;
    // A failed mail of the organisation queued again without a job; nullopt
    // when it holds no such mail (the email as it is, when not failed).
    virtual std::optional<OutboxEmail> requeue_outbox(std::int64_t org_id, std::int64_t id) = 0;

    // --- settings and templates
    virtual std::optional<MailSettingsRow> mail_settings(std::int64_t org_id) = 0;
    virtual bool any_mail_settings() = 0;
    // nullopt removes them.
    virtual void put_mail_settings(std::int64_t org_id, const std::optional<MailSettingsRow>& row) = 0;
    virtual std::vector<MailTemplate> mail_templates(std::int64_t org_id) = 0;  // the organisation's own only
    virtual std::optional<MailTemplate> mail_template(std::int64_t org_id, const std::string& kind) = 0;
    virtual void put_mail_template(std::int64_t org_id, const MailTemplate& t) = 0;
    virtual void delete_mail_template(std::int64_t org_id, const std::string& kind) = 0;
};

}  // namespace switchboard::store
