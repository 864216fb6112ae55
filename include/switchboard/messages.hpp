// switchboard: emails and SMS as records of an organisation (OpenCHS
// sections 7 and 8). An email or SMS written by staff is stored with its
// recipients (each a contact, created when the address or number is new)
// and queued for sending in the same transaction; the mailer (mailer.hpp)
// sends emails, the SMS gateway (below) sends SMS, and each record carries
// its status: queued, sent or failed with the reason; an SMS recipient also
// its delivery report. Lists, CSV and pivot reports work as the tickets'
// do. docs/messages.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/accounts.hpp"
#include "switchboard/list.hpp"

namespace switchboard {

class Cases;
class Database;
class Jobs;
class Mailer;
struct FileInfo;

struct MessageRecipient {
    std::int64_t contact_id = 0;
    std::string address;        // an email address, or a phone number
    // SMS only: queued, sent (the gateway took it), delivered, failed
    std::string status;
    std::string reason;         // why it failed, or the gateway's last word
    std::int64_t updated_ms = 0;
};

struct EmailRecord {
    std::int64_t id = 0;
    std::int64_t org_id = 0;
    std::string direction;      // out, in
    std::string folder;         // inbox, outbox, sent, failed
    std::string status;         // queued, sent, failed (out); received (in)
    std::string reason;         // why it failed, or why the last try did
    std::string subject;
    std::string text, html;     // the plain body, the HTML one ("" for none)
    std::string from;           // the sender (in: the contact's address; out: the From it went with)
    std::vector<MessageRecipient> recipients;
    std::vector<std::int64_t> attachments;  // file ids (Files)
    std::string message_id;     // "<...@...>"
    std::string in_reply_to;    // the Message-ID it answers, or ""
    std::string thread;         // the Message-ID of its thread's first mail
    std::int64_t ticket_id = 0;
    std::int64_t created_by = 0;
    std::int64_t created_ms = 0, updated_ms = 0, sent_ms = 0;
};

struct SmsRecord {
    std::int64_t id = 0;
    std::int64_t org_id = 0;
    std::string direction;      // out, in
    std::string folder;         // inbox, outbox, sent, failed
    std::string status;         // queued, sent, delivered, failed (out): the worst of its recipients'
    std::string reason;
    std::string text;
    std::vector<MessageRecipient> recipients;
    std::int64_t ticket_id = 0;
    std::int64_t created_by = 0;
    std::int64_t created_ms = 0, updated_ms = 0, sent_ms = 0;
};

// What send_email() takes (OpenCHS 7.1).
struct NewEmail {
    std::string subject;
    std::string text;           // "msg"
    std::string html;
    std::vector<std::string> to;              // addresses
    std::vector<std::int64_t> attachments;    // file ids of the organisation
    std::int64_t ticket_id = 0;
    std::string in_reply_to;
};

// What send_sms() takes (OpenCHS 8.1).
struct NewSms {
    std::string text;           // "msg"
    std::vector<std::string> to;  // phone numbers
    std::int64_t ticket_id = 0;
};

// The SMS gateway: Kannel's HTTP sendsms interface by default (docs/messages.md
// says how to add another, such as Africa's Talking).
struct SmsGatewayOptions {
    // http://127.0.0.1:13013/cgi-bin/sendsms. "": no gateway; an SMS is
    // stored and its job retried with "no SMS gateway is configured" as the
    // reason until its attempts are spent.
    std::string url;
    std::string username, password;
    std::string from;           // the sender id or number
    // Where the gateway reports deliveries: the host's
    // "<public url>/eproc/sms/dlr"; "" asks for no reports.
    std::string dlr_url;
    std::string dlr_secret;     // signs the report URLs; made at open when ""
    std::int64_t timeout_ms = 10'000;
    int max_attempts = 30;
};

// Checked at construction: Error(invalid_argument) naming the member.
struct MessagesOptions {
    int max_recipients = 50;
    std::int64_t max_attachment_bytes = 10LL << 20;  // each attachment
    std::size_t max_text = 256u << 10;               // an email's text or HTML
    std::size_t max_sms_chars = 918;                 // six concatenated parts
    SmsGatewayOptions sms;
    // How often every organisation's mailbox is read; 0: only when asked
    // (fetch_mail).
    std::int64_t mail_fetch_ms = 60'000;
    ListLimits list_limits;
    void validate() const;
};

// An organisation's mailbox, read into tickets (docs/messages.md). The
// password is write-only.
struct MailboxSettings {
    bool configured = false;
    std::string imap_url;        // imap://host:143/INBOX, imaps://host:993/INBOX
    std::string tls = "starttls";
    std::string username;
    bool has_password = false;
    std::int64_t last_uid = 0;   // the last message taken
    std::int64_t last_fetch_ms = 0;
    std::string last_error;      // why the last reading failed, "" when it did not
    std::int64_t updated_ms = 0;
};

struct MailboxChange {
    std::string imap_url;        // "" removes the mailbox
    std::string tls = "starttls";
    std::string username, password;
};

// What one reading of a mailbox did.
struct MailFetch {
    int mails = 0;               // messages taken
    int tickets_created = 0;
    int messages_added = 0;      // to tickets named in the subject
    std::string error;           // why the reading stopped, "" when it did not
};

class Messages {
public:
    // `key_file` seals the mailboxes' passwords (the jobs' key; "" one in memory).
    Messages(Database& db, Jobs& jobs, Mailer& mail, Cases& cases, MessagesOptions options,
             const std::string& key_file = {});
    ~Messages();
    Messages(const Messages&) = delete;
    Messages& operator=(const Messages&) = delete;

    const MessagesOptions& options() const noexcept;

    // --- emails (staff: admins, supervisors, agents)
    // Stores the email, its recipients (contacts created when new) and
    // queues it, in one transaction. Error(invalid_argument) naming the
    // field: no subject ("subject"), an empty message ("msg"), no recipient
    // or an address that is not one ("recipients"), more than
    // max_recipients ("recipients"), a file id the organisation does not
    // have ("attachments", not_found), an attachment over the limit
    // ("attachments", too_large), a ticket it does not have ("ticket_id").
    EmailRecord send_email(const Principal& who, const NewEmail& email);
    EmailRecord email(const Principal& who, std::int64_t id);
    // Filters: id, subject, direction, folder, status, from, message_id,
    // ticket_id, created_by, created_on. Group fields: folder, status,
    // direction, created_by.
    Page<EmailRecord> list_emails(const Principal& who, const ListQuery& query);
    void export_emails_csv(const Principal& who, const ListQuery& query, const CsvSink& sink);
    PivotReport report_emails(const Principal& who, const ListQuery& query, const std::vector<std::string>& xaxis,
                              const std::vector<std::string>& yaxis);

    // --- SMS
    // As send_email: an empty message ("msg"), over max_sms_chars ("msg",
    // too_large), a number that is not one ("recipients") ...
    SmsRecord send_sms(const Principal& who, const NewSms& sms);
    SmsRecord sms(const Principal& who, std::int64_t id);
    // Filters: id, text, direction, folder, status, ticket_id, created_by,
    // created_on. Group fields: folder, status, direction, created_by.
    Page<SmsRecord> list_sms(const Principal& who, const ListQuery& query);
    void export_sms_csv(const Principal& who, const ListQuery& query, const CsvSink& sink);
    PivotReport report_sms(const Principal& who, const ListQuery& query, const std::vector<std::string>& xaxis,
                           const std::vector<std::string>& yaxis);

    // The gateway's delivery report for one recipient of an SMS: `signature`
    // is the one the report URL carried (no token: the gateway calls it).
    // `dlr_type` is Kannel's: 1 delivered, 2 failed, 4 buffered, 8 taken by
    // the SMSC, 16 rejected by the SMSC. Error(unauthorized) for a wrong
    // signature, not_found for an SMS or recipient there is not.
    SmsRecord sms_delivery_report(std::int64_t sms_id, std::int64_t contact_id, int dlr_type,
                                  std::string_view signature, std::string_view reply);

    // --- mail in (admins): the organisation's mailbox
    MailboxSettings mailbox(const Principal& who);
    // Error(invalid_argument) naming imap_url, imap_tls or imap_username.
    MailboxSettings set_mailbox(const Principal& who, const MailboxChange& change);
    // Reads the organisation's mailbox now: each new message becomes an
    // email record (direction in, folder inbox, status received) and either
    // a message on the ticket its subject names ("[TK000123]") or a new
    // ticket with a contact for the sender; its attachments become files.
    MailFetch fetch_mail(const Principal& who);
    // Every organisation's mailbox (the reader thread; tests).
    MailFetch fetch_all_mail();
    // How stored files are made for mail in (the facade gives the files
    // module's). Set once, before start().
    using FileWriter = std::function<FileInfo(std::int64_t org_id, const std::string& name, const std::string& mime,
                                              const std::string& bytes)>;
    void set_file_writer(FileWriter writer);
    // The reader thread (every mail_fetch_ms), when there is one.
    void start();
    void stop();

    // What the email's or SMS's counts are by status, for the stats.
    struct Counts {
        std::int64_t emails = 0, emails_sent = 0, emails_failed = 0;
        std::int64_t sms = 0, sms_sent = 0, sms_failed = 0;
    };
    Counts counts(const Principal& who);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

// The records as JSON: {"id", "org_id", "direction", "folder", "status",
// "reason", "subject", "text", "html", "from", "recipients": [{"contact_id",
// "address", "status", "reason", "updated_ms"}], "attachments": [...],
// "message_id", "in_reply_to", "thread", "ticket_id", "created_by",
// "created_ms", "updated_ms", "sent_ms"} (an SMS has no subject, html, from,
// attachments or message ids).
std::string to_json(const EmailRecord& e);
std::string to_json(const SmsRecord& s);
std::string to_json(const Page<EmailRecord>& p);
std::string to_json(const Page<SmsRecord>& p);
std::string to_json(const MailboxSettings& m);
std::string to_json(const MailFetch& f);
MailboxChange mailbox_change_from_json(std::string_view text);  // {"imap_url", "tls", "username", "password"}
// {"subject", "text", "html", "to": [address ...], "attachments": [file id ...], "ticket_id", "in_reply_to"}
NewEmail new_email_from_json(std::string_view text);
// {"text", "to": [number ...], "ticket_id"}
NewSms new_sms_from_json(std::string_view text);

}  // namespace switchboard
