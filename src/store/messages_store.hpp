// Internal: the store's interface for emails and SMS (messages.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/jobs_store.hpp"
#include "switchboard/accounts.hpp"
#include "switchboard/jobs.hpp"
#include "switchboard/list.hpp"
#include "switchboard/messages.hpp"

namespace switchboard::store {

class MessagesStore {
public:
    virtual ~MessagesStore() = default;

    // In one transaction: the email, a contact for each recipient address
    // (the organisation's with that address, or a new one), its
    // attachments, and its outbox row (`outbox`, kind "email", to the
    // recipients) for the mailer. Returns the email as stored.
    virtual EmailRecord insert_email(const EmailRecord& email, const std::vector<std::string>& to,
                                     const OutboxEmail& outbox) = 0;
    // With its bodies when `bodies`.
    virtual std::optional<EmailRecord> email(std::int64_t org_id, std::int64_t id, bool bodies) = 0;
    virtual Page<EmailRecord> list_emails(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) = 0;
    virtual void emails_csv(std::int64_t org_id, const ListQuery& q, const ListLimits& limits, const CsvSink& sink) = 0;
    virtual PivotReport pivot_emails(std::int64_t org_id, const ListQuery& q, const std::vector<std::string>& xaxis,
                                     const std::vector<std::string>& yaxis) = 0;

    // In one transaction: the SMS, a contact for each number, and its job.
    virtual std::pair<SmsRecord, Job> insert_sms(const SmsRecord& sms, const std::vector<std::string>& to,
                                                 const NewJobRow& job) = 0;
    virtual std::optional<SmsRecord> sms(std::int64_t org_id, std::int64_t id) = 0;
    // Any organisation's (the gateway's delivery reports, the sending job).
    virtual std::optional<SmsRecord> sms_by_id(std::int64_t id) = 0;
    virtual Page<SmsRecord> list_sms(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) = 0;
    virtual void sms_csv(std::int64_t org_id, const ListQuery& q, const ListLimits& limits, const CsvSink& sink) = 0;
    virtual PivotReport pivot_sms(std::int64_t org_id, const ListQuery& q, const std::vector<std::string>& xaxis,
                                  const std::vector<std::string>& yaxis) = 0;
    // One recipient's outcome (sent, delivered, failed, or queued with the
    // reason of a try that failed); the SMS's status and folder follow
    // its recipients'. A recipient already delivered or failed for good keeps
    // that. Returns the SMS; nullopt when there is no such recipient.
    virtual std::optional<SmsRecord> sms_recipient_result(std::int64_t sms_id, std::int64_t contact_id,
                                                          const std::string& status, const std::string& reason) = 0;

    virtual Messages::Counts counts(std::int64_t org_id) = 0;

    // --- mailboxes (mail in); the password sealed
    struct MailboxRow {
        std::int64_t org_id = 0;
        std::string imap_url, tls, username, password_sealed;
        std::int64_t last_uid = 0, last_fetch_ms = 0, updated_ms = 0;
        std::string last_error;
    };
    virtual std::optional<MailboxRow> mailbox(std::int64_t org_id) = 0;
    virtual std::vector<MailboxRow> mailboxes() = 0;
    // nullopt removes it. A new URL or user starts again from UID 0.
    virtual void put_mailbox(std::int64_t org_id, const std::optional<MailboxRow>& row) = 0;
    virtual void mailbox_read(std::int64_t org_id, std::int64_t last_uid, const std::string& error,
                              std::int64_t now_ms) = 0;
    // In one transaction: a mail taken in (its record, attachments) and the
    // mailbox's last UID.
    virtual EmailRecord insert_mail_in(const EmailRecord& email, std::int64_t uid) = 0;
    // The organisation's email with this Message-ID, if any.
    virtual std::optional<EmailRecord> email_by_message_id(std::int64_t org_id, const std::string& message_id) = 0;
};

}  // namespace switchboard::store
