// switchboard: mail out. A message as MIME text (RFC 5322 with MIME, RFC
// 2045-2047 and 2231: UTF-8 subjects and names, plain and HTML alternatives,
// attachments, Message-ID, In-Reply-To), and an SMTP sender over libcurl
// with STARTTLS or TLS and authentication. docs/mail.md.
//
// The sender delivers one message and says what the server answered; the
// durable sending on jobs, the email records and the product's own mails
// are built on it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard {

struct MailAttachment {
    std::string name;          // the file name shown (UTF-8)
    std::string content_type;  // "application/pdf"; "" for application/octet-stream
    std::string data;          // the bytes
};

struct MailMessage {
    std::string from;                 // "help@acme.example" or "Acme Helpline <help@acme.example>"
    std::vector<std::string> to;      // addresses, or "Name <address>"
    std::vector<std::string> cc;
    std::string subject;              // UTF-8
    std::string text;                 // the plain body (UTF-8)
    std::string html;                 // an HTML alternative, or ""
    std::vector<MailAttachment> attachments;
    std::string message_id;           // "<id@domain>"; to_mime makes one when empty
    std::string in_reply_to;          // the Message-ID this answers, or ""
};

// Throws Error(invalid_argument, field) for what cannot go in a mail: an
// address that is not one (field "from", "to" or "cc"), a line break in a
// header's text, no recipient, an attachment without a name.
void check_mail(const MailMessage& m);
// The address part of "Name <address>" (or the text itself), checked:
// local@domain, printable ASCII, at most 254 characters. Throws
// Error(invalid_argument, field).
std::string mail_address(std::string_view text, const char* field);
// "<random@domain>".
std::string make_message_id(std::string_view domain);

// The message as it goes on the wire: headers, then the body (text/plain;
// or multipart/alternative with text/html; in multipart/mixed with the
// attachments), CRLF line ends, lines under 78 characters. The Date header
// is `date_ms`; the Message-ID is m.message_id or a new one from the From
// address's domain.
std::string to_mime(const MailMessage& m, std::int64_t date_ms);

struct SmtpSettings {
    // "smtp://mail.example.org:587" or "smtps://mail.example.org:465".
    std::string url;
    // "starttls": smtp:// must switch to TLS (STARTTLS) before anything is
    // sent; "none": plain (a server on this machine); smtps:// is TLS from
    // the first byte whatever this says.
    std::string tls = "starttls";
    std::string username, password;   // both empty: no authentication
    std::string ca_file;              // a CA bundle for the server's certificate ("" the system's)
    std::int64_t timeout_ms = 30'000;
    void validate() const;            // Error(invalid_argument, field) for a bad value
};

// What the server said to one message.
struct SmtpResult {
    bool accepted = false;      // the server took it (250 after the data)
    bool permanent = false;     // refused for good (5xx): sending again will not help
    int code = 0;               // the last reply code, 0 when there was no server to answer
    std::string reply;          // the server's last reply, or the transport's error
};

class SmtpSender {
public:
    explicit SmtpSender(SmtpSettings settings);
    // Delivers the message (check_mail first) to every recipient in one
    // session. Never throws for the server's or the network's refusal: the
    // result says it. Throws Error(invalid_argument) for a message check_mail refuses.
    SmtpResult send(const MailMessage& m, std::int64_t date_ms);

private:
    SmtpSettings settings_;
};

// ---------------------------------------------------------------- mail in

// A mail as it came in, read by parse_mail: the sender, the subject and the
// ids decoded; the first text/plain and text/html parts in UTF-8 (line ends
// \n); every other part an attachment (named from its filename or name,
// else "part-N").
struct ParsedMail {
    std::string from_address, from_name;
    std::string subject;
    std::string message_id, in_reply_to, references;
    std::string text, html;
    std::vector<MailAttachment> attachments;
};
// Never throws for a malformed mail: what cannot be read is left empty.
ParsedMail parse_mail(std::string_view raw);

// An IMAP mailbox read over libcurl (imap:// with STARTTLS or none,
// imaps://). Messages are found by UID, so that a reader that keeps the last
// UID it took never takes one twice nor misses one, whatever the flags.
struct ImapSettings {
    std::string url;              // "imap://mail.example.org:143/INBOX" or "imaps://...:993/INBOX"
    std::string tls = "starttls"; // as SmtpSettings::tls
    std::string username, password;
    std::int64_t timeout_ms = 30'000;
    void validate() const;        // Error(invalid_argument) naming imap_url, imap_tls, imap_username
};

class ImapMailbox {
public:
    explicit ImapMailbox(ImapSettings settings);
    // The UIDs above `last_uid`, ascending. Throws std::runtime_error with the
    // server's or the transport's words when the mailbox cannot be read.
    std::vector<std::int64_t> uids_after(std::int64_t last_uid);
    // One message, as the server holds it.
    std::string fetch(std::int64_t uid);

private:
    std::string run(const std::string& url, const std::string& command);
    ImapSettings settings_;
};

}  // namespace switchboard
