// switchboard: the mailer. Every mail the product writes (verification
// links, reset codes, ticket status mails) is a row of the outbox, written in
// the same transaction as what it tells of. The mailer gives each row a
// durable job that sends it over SMTP (mail.hpp), retries a failure with a
// doubling backoff, and records the outcome on the row: sent with the
// server's reply, or failed with the reason. Settings come from the host's
// configuration, per organisation where one sets its own; the texts come
// from templates, per organisation where one changes them. docs/mail.md.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/accounts.hpp"
#include "switchboard/mail.hpp"

namespace switchboard {

class Database;
class Events;
class Jobs;

// Checked when the Mailer is constructed: Error(invalid_argument) naming the
// setting as the host, C and Python name it (smtp_url, smtp_tls,
// smtp_username, smtp_timeout_ms, smtp_from, mail_max_attempts, mail_poll_ms).
struct MailerOptions {
    // The server of every organisation that has none of its own. url ""
    // sends nothing: mails wait in the outbox, queued, until a server is
    // configured (the next start with one sends them).
    SmtpSettings smtp;
    std::string from = "switchboard <no-reply@switchboard.localhost>";  // From of every mail without an organisation's own
    int max_attempts = 60;          // SMTP sessions a mail is given before it fails for good (about 4.5 hours with the jobs' default backoff)
    std::int64_t poll_ms = 5'000;   // how often mails written by another process are looked for
    void validate() const;
};

// ---------------------------------------------------------------- templates
// A mail's text with {{placeholders}}. Kinds and their placeholders (the
// defaults are in docs/mail.md):
//   verify          organisation, link, key, hours
//   reset           organisation, code, minutes
//   ticket_created, ticket_assigned, ticket_replied, ticket_closed
//                   organisation, name, ticket, subject, status, agent, message
struct MailTemplate {
    std::string kind;
    std::string subject;
    std::string text;          // the plain body
    std::string html;          // an HTML alternative, or ""
    bool enabled = true;       // ticket status mails may be switched off; verify and reset may not
    bool is_default = true;    // the library's text, not changed by the organisation
    std::int64_t updated_ms = 0;
};

// The library's template of a kind; Error(invalid_argument, field "kind")
// for a kind there is none of.
const MailTemplate& default_mail_template(std::string_view kind);
const std::vector<MailTemplate>& default_mail_templates();
// The placeholders of a kind (the names between {{ }}).
const std::vector<std::string>& mail_template_placeholders(std::string_view kind);
// `text` with each {{name}} replaced by vars[name] (HTML-escaped when
// `html`); a name vars does not hold is left empty.
std::string render_mail_template(std::string_view text, const std::map<std::string, std::string>& vars, bool html);

// ---------------------------------------------------------------- settings
// An organisation's own sending settings. The password is write-only:
// reading says only whether one is set.
struct OrgMailSettings {
    bool own = false;          // false: the host's settings serve the organisation
    std::string smtp_url;
    std::string tls = "starttls";
    std::string username;
    bool has_password = false;
    std::string from;          // "Acme Helpline <help@acme.example>"
    std::int64_t updated_ms = 0;
};

struct OrgMailSettingsChange {
    std::string smtp_url;      // "" removes the organisation's own settings
    std::string tls = "starttls";
    std::string username;
    std::string password;      // sealed in the store
    std::string from;
};

// What a test mail met.
struct MailTestResult {
    std::string server;        // the URL tried
    SmtpResult result;
};

class Mailer {
public:
    // `key_file`: the key that seals organisations' SMTP passwords (the
    // jobs' key file; "" a key in memory). Registers the "mail.send" job.
    Mailer(Database& db, Jobs& jobs, MailerOptions options, const std::string& key_file = {});
    ~Mailer();
    Mailer(const Mailer&) = delete;
    Mailer& operator=(const Mailer&) = delete;

    const MailerOptions& options() const noexcept;

    // Starts the thread that gives queued mails their jobs (no-op when
    // nothing can be sent: no job workers). stop() ends it.
    void start();
    void stop();
    // A mail was written: look now rather than at the next poll.
    void wake();
    // Gives every queued mail without a job its job, now, in this thread
    // (tests and the CLI); returns how many.
    int dispatch();

    // --- an organisation's settings and templates (its admins)
    OrgMailSettings settings(const Principal& who);
    OrgMailSettings change_settings(const Principal& who, const OrgMailSettingsChange& change);
    std::vector<MailTemplate> templates(const Principal& who);
    // Error(invalid_argument) naming the field: an unknown kind, an empty
    // subject or text, a placeholder the kind does not have, verify or
    // reset switched off.
    MailTemplate set_template(const Principal& who, const MailTemplate& tpl);
    MailTemplate reset_template(const Principal& who, std::string_view kind);
    // Sends one mail to `to` with the settings that serve the organisation
    // and answers what the server said (nothing is stored).
    MailTestResult send_test(const Principal& who, std::string_view to);

    // A failed mail queued again, with a new job (its admins).
    OutboxEmail retry(const Principal& who, std::int64_t outbox_id);

    // The From the organisation's mails go with (its own, else the host's).
    std::string from_for(std::int64_t org_id);
    // How the attachments of an email record (messages.hpp) are read: the
    // facade gives the files module's reader. Set once, before start().
    using AttachmentReader = std::function<MailAttachment(std::int64_t org_id, std::int64_t file_id)>;
    void set_attachment_reader(AttachmentReader reader);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

std::string to_json(const MailTemplate& t);
std::string to_json(const std::vector<MailTemplate>& t);
std::string to_json(const OrgMailSettings& s);
std::string to_json(const MailTestResult& r);
MailTemplate mail_template_from_json(std::string_view text);            // {"kind", "subject", "text", "html", "enabled"}
OrgMailSettingsChange mail_settings_from_json(std::string_view text);   // {"smtp_url", "tls", "username", "password", "from"}

}  // namespace switchboard
