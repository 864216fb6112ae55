// Emails and SMS as records (messages.hpp): the checks of what staff write,
// the records stored with their recipients and queued in one transaction,
// the SMS gateway's job and its delivery reports.
#include "switchboard/messages.hpp"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <regex>
#include <thread>

#include "accounts/internal.hpp"
#include "comms/sms_gateway.hpp"
#include "core/crypto.hpp"
#include "core/time.hpp"
#include "store/store.hpp"
#include "switchboard/cases.hpp"
#include "switchboard/error.hpp"
#include "switchboard/files.hpp"
#include "switchboard/jobs.hpp"
#include "switchboard/mail.hpp"
#include "switchboard/mailer.hpp"
#include "switchboard/store.hpp"

namespace switchboard {

namespace {

constexpr std::initializer_list<Role> kStaff = {Role::admin, Role::supervisor, Role::agent};
constexpr const char* kSmsJob = "sms.send";
constexpr const char* kMailboxContext = "switchboard imap password";

std::string trimmed(std::string_view s) { return detail::trimmed(s); }

// A phone number as the gateway takes it: digits, an optional leading +,
// spaces, dashes and brackets dropped; 6 to 15 digits (E.164's longest).
std::string phone_number(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+' && out.empty()) out += c;
        else if (std::isdigit(static_cast<unsigned char>(c))) out += c;
        else if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.') continue;
        else
            throw Error(ErrorCode::invalid_argument, "\"" + std::string(text) + "\" isn't a phone number", "recipients");
    }
    const std::size_t digits = out.size() - (out[0] == '+' ? 1 : 0);
    if (out.empty() || digits < 6 || digits > 15)
        throw Error(ErrorCode::invalid_argument, "\"" + std::string(text) + "\" isn't a phone number", "recipients");
    return out;
}

// The distinct recipients, checked; Error(invalid_argument, "recipients").
template <class Check>
std::vector<std::string> recipients(const std::vector<std::string>& to, int max, Check check) {
    std::vector<std::string> out;
    for (const auto& raw : to) {
        const std::string a = check(trimmed(raw));
        if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
    }
    if (out.empty()) throw Error(ErrorCode::invalid_argument, "a message needs a recipient", "recipients");
    if (static_cast<int>(out.size()) > max)
        throw Error(ErrorCode::invalid_argument,
                    std::to_string(out.size()) + " recipients are more than the " + std::to_string(max) + " allowed",
                    "recipients");
    return out;
}

// The UTF-8 characters of a text (what a phone counts, near enough).
std::size_t characters(std::string_view s) {
    std::size_t n = 0;
    for (const unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

}  // namespace

void MessagesOptions::validate() const {
    if (max_recipients < 1 || max_recipients > 10'000)
        throw Error(ErrorCode::invalid_argument, "max_recipients must be 1 to 10000", "max_recipients");
    if (max_attachment_bytes < 1)
        throw Error(ErrorCode::invalid_argument, "max_attachment_bytes must be 1 or more", "max_attachment_bytes");
    if (max_text < 1) throw Error(ErrorCode::invalid_argument, "max_text must be 1 or more", "max_text");
    if (max_sms_chars < 1 || max_sms_chars > 10'000)
        throw Error(ErrorCode::invalid_argument, "max_sms_chars must be 1 to 10000", "max_sms_chars");
    if (!sms.url.empty() && sms.url.rfind("http://", 0) != 0 && sms.url.rfind("https://", 0) != 0)
        throw Error(ErrorCode::invalid_argument, "the SMS gateway's url starts http:// or https://", "sms_url");
    if (sms.max_attempts < 1 || sms.max_attempts > 1000)
        throw Error(ErrorCode::invalid_argument, "sms_max_attempts must be 1 to 1000", "sms_max_attempts");
    if (sms.timeout_ms < 1000 || sms.timeout_ms > 600'000)
        throw Error(ErrorCode::invalid_argument, "sms_timeout_ms must be 1000 to 600000", "sms_timeout_ms");
    if (mail_fetch_ms != 0 && (mail_fetch_ms < 1000 || mail_fetch_ms > 86'400'000))
        throw Error(ErrorCode::invalid_argument, "mail_fetch_ms must be 0 (never) or 1000 to 86400000",
                    "mail_fetch_ms");
}

struct Messages::Impl {
    Impl(Database& d, Jobs& j, Mailer& m, Cases& c, MessagesOptions o)
        : db(d), jobs(j), mail(m), cases(c), options(std::move(o)) {}

    Database& db;
    Jobs& jobs;
    Mailer& mail;
    Cases& cases;
    MessagesOptions options;
    std::string key;  // seals the mailboxes' passwords
    FileWriter files;

    std::mutex fetch_mu;  // one reading of the mailboxes at a time
    std::mutex mu;
    std::condition_variable cv;
    bool stopping = false;
    std::thread thread;

    store::MessagesStore& store() { return db.store().messages(); }

    // The signature of a delivery report URL: only the gateway that was
    // given the URL can report on the SMS.
    std::string signature(std::int64_t sms_id, std::int64_t contact_id) const {
        return detail::sha256_hex(options.sms.dlr_secret + ":" + std::to_string(sms_id) + ":" +
                                  std::to_string(contact_id))
            .substr(0, 32);
    }

    void check_ticket(const Principal& who, std::int64_t ticket_id) {
        if (!ticket_id) return;
        if (ticket_id < 0 || !db.store().cases().ticket(store::TicketScope{who.org_id}, ticket_id))
            throw Error(ErrorCode::not_found, "there is no ticket " + std::to_string(ticket_id), "ticket_id");
    }

    // Sends one SMS's recipients that are still queued; a recipient the
    // gateway refuses for good fails, a failure worth retrying runs the job
    // again (the recipients already sent are not sent twice).
    void send_sms(const JobRun& run) {
        const std::int64_t id = std::stoll(run.job.subject);
        auto sms = store().sms_by_id(id);
        if (!sms) return;
        if (options.sms.url.empty()) throw std::runtime_error("no SMS gateway is configured");
        SmsGateway gateway(options.sms);
        std::string retry;
        for (const auto& r : sms->recipients) {
            if (r.status != "queued") continue;
            std::string dlr;
            if (!options.sms.dlr_url.empty())
                dlr = options.sms.dlr_url + "?sms=" + std::to_string(id) + "&contact=" + std::to_string(r.contact_id) +
                      "&sig=" + signature(id, r.contact_id) + "&type=%d&reply=%A";
            const SmsSendResult result = gateway.send(r.address, sms->text, dlr);
            if (result.accepted) {
                store().sms_recipient_result(id, r.contact_id, "sent", result.reply);
            } else if (result.permanent) {
                store().sms_recipient_result(id, r.contact_id, "failed", result.reply);
            } else {
                store().sms_recipient_result(id, r.contact_id, "queued", result.reply);
                retry = result.reply;
            }
        }
        if (!retry.empty()) throw std::runtime_error("the SMS gateway could not take the SMS: " + retry);
    }

    // The thread of a mail answering `in_reply_to`: the thread of that
    // email when the organisation has it, else `otherwise`.
    std::string thread_of(std::int64_t org_id, const std::string& in_reply_to, const std::string& otherwise) {
        if (!in_reply_to.empty())
            if (auto earlier = store().email_by_message_id(org_id, in_reply_to)) return earlier->thread;
        return otherwise;
    }

    // One mailbox read into records and tickets, from the message after the
    // last one taken. A message is taken in one step (its email record and
    // the mailbox's last UID, in one transaction) after its ticket or
    // message is written; a message read again (a crash in between) finds
    // its ticket by Message-ID and is not stored twice.
    MailFetch read_mailbox(const store::MessagesStore::MailboxRow& box) {
        MailFetch result;
        std::int64_t last = box.last_uid;
        try {
            ImapSettings s;
            s.url = box.imap_url;
            s.tls = box.tls;
            s.username = box.username;
            auto plain = detail::open_sealed(key, box.password_sealed, kMailboxContext);
            if (!plain) throw std::runtime_error("the mailbox's password was sealed with another key: set it again");
            s.password = *plain;
            ImapMailbox mailbox(s);
            for (const auto uid : mailbox.uids_after(box.last_uid)) {
                if (take(box.org_id, uid, mailbox.fetch(uid), result)) ++result.mails;
                last = uid;
            }
        } catch (const std::exception& e) {
            result.error = e.what();
        }
        store().mailbox_read(box.org_id, last, result.error, detail::now_ms());
        return result;
    }

    // False for a message taken already.
    bool take(std::int64_t org_id, std::int64_t uid, const std::string& raw, MailFetch& result) {
        const ParsedMail m = parse_mail(raw);
        EmailRecord e;
        e.org_id = org_id;
        e.subject = m.subject.empty() ? "(no subject)" : m.subject.substr(0, 998);
        e.text = m.text.substr(0, options.max_text);
        e.html = m.html.substr(0, options.max_text);
        e.from = m.from_address;
        e.message_id = m.message_id.empty() ? "<imap-" + std::to_string(org_id) + "-" + std::to_string(uid) +
                                                  "@switchboard.invalid>"
                                            : m.message_id;
        if (store().email_by_message_id(org_id, e.message_id)) {  // taken already
            store().mailbox_read(org_id, uid, "", detail::now_ms());
            return false;
        }
        e.in_reply_to = m.in_reply_to;
        e.thread = thread_of(org_id, m.in_reply_to, e.message_id);
        std::string body = !m.text.empty() ? m.text : m.html;
        const std::string author = m.from_name.empty() ? m.from_address : m.from_name + " <" + m.from_address + ">";
        // A subject that names a ticket of the organisation adds to it.
        static const std::regex number(R"(\[(TK[0-9]{6,})\])");
        std::smatch match;
        std::optional<Ticket> ticket;
        if (std::regex_search(e.subject, match, number)) ticket = cases.ticket_by_number(org_id, match[1].str());
        if (ticket && ticket->status != "closed") {
            cases.add_mail_message(org_id, ticket->id, author, body);
            ++result.messages_added;
        } else {
            ContactFields sender;
            if (!m.from_address.empty()) sender.email = m.from_address;
            if (!m.from_name.empty()) {
                const auto space = m.from_name.find(' ');
                sender.first_name = m.from_name.substr(0, space);
                if (space != std::string::npos) sender.last_name = m.from_name.substr(space + 1);
            }
            ticket = cases.open_ticket_from_mail(org_id, sender, e.subject + "\n\n" + body, e.message_id);
            ++result.tickets_created;
        }
        e.ticket_id = ticket->id;
        if (ticket->contact_id && !m.from_address.empty())
            e.recipients.push_back({ticket->contact_id, m.from_address, "", "", 0});
        for (const auto& a : m.attachments) {
            if (!files || a.data.empty() || static_cast<std::int64_t>(a.data.size()) > options.max_attachment_bytes)
                continue;
            try {
                e.attachments.push_back(files(org_id, a.name, a.content_type, a.data).id);
            } catch (const Error&) {
                // a name the files module refuses: the mail is kept without it
            }
        }
        store().insert_mail_in(e, uid);
        return true;
    }

    MailFetch fetch_all() {
        std::lock_guard<std::mutex> lock(fetch_mu);
        MailFetch total;
        for (const auto& box : store().mailboxes()) {
            const MailFetch one = read_mailbox(box);
            total.mails += one.mails;
            total.tickets_created += one.tickets_created;
            total.messages_added += one.messages_added;
            if (!one.error.empty()) total.error = one.error;
        }
        return total;
    }

    void loop() {
        std::unique_lock<std::mutex> lock(mu);
        while (!stopping) {
            lock.unlock();
            try {
                fetch_all();
            } catch (const std::exception&) {
                // the store was busy: the next round reads again
            }
            lock.lock();
            cv.wait_for(lock, std::chrono::milliseconds(options.mail_fetch_ms), [&] { return stopping; });
        }
    }

    void sms_failed(const Job& job) {
        const std::int64_t id = std::stoll(job.subject);
        auto sms = store().sms_by_id(id);
        if (!sms) return;
        for (const auto& r : sms->recipients)
            if (r.status == "queued")
                store().sms_recipient_result(id, r.contact_id, "failed",
                                             job.last_error.empty() ? "the SMS could not be sent" : job.last_error);
    }
};

Messages::Messages(Database& db, Jobs& jobs, Mailer& mail, Cases& cases, MessagesOptions options,
                   const std::string& key_file)
    : impl_(std::make_unique<Impl>(db, jobs, mail, cases, std::move(options))) {
    impl_->options.validate();
    impl_->key = key_file.empty() ? detail::random_key() : detail::load_or_create_key(key_file);
    if (impl_->options.sms.dlr_secret.empty()) impl_->options.sms.dlr_secret = detail::random_token();
    Impl* impl = impl_.get();
    jobs.handle(
        kSmsJob, [impl](const JobRun& run) { impl->send_sms(run); }, [impl](const Job& job) { impl->sms_failed(job); });
}

Messages::~Messages() { stop(); }

void Messages::start() {
    if (impl_->thread.joinable() || impl_->options.mail_fetch_ms == 0 || impl_->jobs.options().workers == 0) return;
    {
        std::lock_guard<std::mutex> lock(impl_->mu);
        impl_->stopping = false;
    }
    impl_->thread = std::thread([impl = impl_.get()] { impl->loop(); });
}

void Messages::stop() {
    {
        std::lock_guard<std::mutex> lock(impl_->mu);
        impl_->stopping = true;
    }
    impl_->cv.notify_all();
    if (impl_->thread.joinable()) impl_->thread.join();
}

void Messages::set_file_writer(FileWriter writer) { impl_->files = std::move(writer); }

// ------------------------------------------------------------ mail in

namespace {

MailboxSettings mailbox_view(const std::optional<store::MessagesStore::MailboxRow>& row) {
    MailboxSettings m;
    if (!row) return m;
    m.configured = true;
    m.imap_url = row->imap_url;
    m.tls = row->tls;
    m.username = row->username;
    m.has_password = !row->password_sealed.empty();
    m.last_uid = row->last_uid;
    m.last_fetch_ms = row->last_fetch_ms;
    m.last_error = row->last_error;
    m.updated_ms = row->updated_ms;
    return m;
}

}  // namespace

MailboxSettings Messages::mailbox(const Principal& who) {
    detail::require_role(who, {Role::admin});
    return mailbox_view(impl_->store().mailbox(who.org_id));
}

MailboxSettings Messages::set_mailbox(const Principal& who, const MailboxChange& change) {
    detail::require_role(who, {Role::admin});
    return detail::audited(impl_->db, who, "set_mailbox", change.imap_url.empty() ? "mailbox removed" : "IMAP " + change.imap_url, [&] {
        if (change.imap_url.empty()) {
            impl_->store().put_mailbox(who.org_id, std::nullopt);
            return mailbox_view(std::nullopt);
        }
        ImapSettings check;
        check.url = change.imap_url;
        check.tls = change.tls;
        check.username = change.username;
        check.password = change.password;
        check.validate();
        store::MessagesStore::MailboxRow row;
        row.org_id = who.org_id;
        row.imap_url = change.imap_url;
        row.tls = change.tls;
        row.username = change.username;
        row.password_sealed = detail::seal(impl_->key, change.password, kMailboxContext);
        row.updated_ms = detail::now_ms();
        impl_->store().put_mailbox(who.org_id, row);
        return mailbox_view(impl_->store().mailbox(who.org_id));
    });
}

MailFetch Messages::fetch_mail(const Principal& who) {
    detail::require_role(who, {Role::admin});
    std::lock_guard<std::mutex> lock(impl_->fetch_mu);  // then the box as the reader thread left it
    auto box = impl_->store().mailbox(who.org_id);
    if (!box) throw Error(ErrorCode::invalid_argument, "the organisation has no mailbox", "imap_url");
    const MailFetch result = impl_->read_mailbox(*box);
    detail::record_activity(impl_->db, who, "fetch_mail", result.error.empty(),
                            std::to_string(result.mails) + " mails" + (result.error.empty() ? "" : ": " + result.error));
    return result;
}

MailFetch Messages::fetch_all_mail() { return impl_->fetch_all(); }

const MessagesOptions& Messages::options() const noexcept { return impl_->options; }

// ------------------------------------------------------------ emails

EmailRecord Messages::send_email(const Principal& who, const NewEmail& in) {
    return detail::audited(impl_->db, who, "send_email", "subject " + in.subject.substr(0, 60), [&] {
        detail::require_role(who, kStaff);
        const auto& o = impl_->options;
        EmailRecord e;
        e.org_id = who.org_id;
        e.subject = trimmed(in.subject);
        if (e.subject.empty()) throw Error(ErrorCode::invalid_argument, "an email needs a subject", "subject");
        if (e.subject.find_first_of("\r\n") != std::string::npos)
            throw Error(ErrorCode::invalid_argument, "a subject is one line", "subject");
        e.text = in.text;
        e.html = in.html;
        if (trimmed(e.text).empty() && trimmed(e.html).empty())
            throw Error(ErrorCode::invalid_argument, "the message is empty", "msg");
        if (e.text.size() > o.max_text || e.html.size() > o.max_text)
            throw Error(ErrorCode::too_large, "the message is over " + std::to_string(o.max_text) + " bytes", "msg");
        const auto to = recipients(in.to, o.max_recipients, [](const std::string& a) {
            return mail_address(a, "recipients");
        });
        std::int64_t total = 0;
        for (const auto file_id : in.attachments) {
            auto f = impl_->db.store().files().file(who.org_id, file_id);
            if (!f) throw Error(ErrorCode::not_found, "there is no file " + std::to_string(file_id), "attachments");
            if (f->size > o.max_attachment_bytes)
                throw Error(ErrorCode::too_large,
                            "file " + std::to_string(file_id) + " (" + std::to_string(f->size) +
                                " bytes) is over the attachment limit of " + std::to_string(o.max_attachment_bytes) +
                                " bytes",
                            "attachments");
            total += f->size;
            if (std::find(e.attachments.begin(), e.attachments.end(), file_id) == e.attachments.end())
                e.attachments.push_back(file_id);
        }
        if (total > 2 * o.max_attachment_bytes)
            throw Error(ErrorCode::too_large, "the attachments together are over " +
                                                  std::to_string(2 * o.max_attachment_bytes) + " bytes",
                        "attachments");
        impl_->check_ticket(who, in.ticket_id);
        if (!in.in_reply_to.empty() &&
            (in.in_reply_to.front() != '<' || in.in_reply_to.back() != '>' ||
             in.in_reply_to.find_first_of("\r\n ") != std::string::npos))
            throw Error(ErrorCode::invalid_argument, "in_reply_to is a Message-ID: <text@domain>", "in_reply_to");

        e.direction = "out";
        e.folder = "outbox";
        e.status = "queued";
        e.from = impl_->mail.from_for(who.org_id);
        const std::string address = mail_address(e.from, "from");
        e.message_id = make_message_id(address.substr(address.rfind('@') + 1));
        e.in_reply_to = in.in_reply_to;
        // A reply to a mail not stored here still names what it answers.
        e.thread = impl_->thread_of(who.org_id, e.in_reply_to, e.in_reply_to.empty() ? e.message_id : e.in_reply_to);
        e.ticket_id = in.ticket_id;
        e.created_by = who.user_id;

        OutboxEmail row;
        row.kind = "email";
        for (const auto& a : to) row.to += (row.to.empty() ? "" : ", ") + a;
        row.subject = e.subject;
        row.message_id = e.message_id;
        EmailRecord stored = impl_->store().insert_email(e, to, row);
        impl_->mail.wake();
        return stored;
    });
}

EmailRecord Messages::email(const Principal& who, std::int64_t id) {
    return detail::audited(impl_->db, who, "get_email", "email " + std::to_string(id), [&] {
        detail::require_role(who, kStaff);
        auto e = impl_->store().email(who.org_id, id, true);
        if (!e) throw Error(ErrorCode::not_found, "there is no email " + std::to_string(id), "id");
        return *e;
    });
}

Page<EmailRecord> Messages::list_emails(const Principal& who, const ListQuery& query) {
    return detail::audited(impl_->db, who, "list_emails", "", [&] {
        detail::require_role(who, kStaff);
        return impl_->store().list_emails(who.org_id, query, impl_->options.list_limits);
    });
}

void Messages::export_emails_csv(const Principal& who, const ListQuery& query, const CsvSink& sink) {
    detail::audited(impl_->db, who, "export_emails_csv", "csv", [&] {
        detail::require_role(who, kStaff);
        impl_->store().emails_csv(who.org_id, query, impl_->options.list_limits, sink);
    });
}

PivotReport Messages::report_emails(const Principal& who, const ListQuery& query, const std::vector<std::string>& xaxis,
                                    const std::vector<std::string>& yaxis) {
    return detail::audited(impl_->db, who, "report_emails", "pivot", [&] {
        detail::require_role(who, kStaff);
        return impl_->store().pivot_emails(who.org_id, query, xaxis, yaxis);
    });
}

// ------------------------------------------------------------ SMS

SmsRecord Messages::send_sms(const Principal& who, const NewSms& in) {
    return detail::audited(impl_->db, who, "send_sms", "", [&] {
        detail::require_role(who, kStaff);
        const auto& o = impl_->options;
        SmsRecord s;
        s.org_id = who.org_id;
        s.text = in.text;
        if (trimmed(s.text).empty()) throw Error(ErrorCode::invalid_argument, "the message is empty", "msg");
        if (characters(s.text) > o.max_sms_chars)
            throw Error(ErrorCode::too_large,
                        "the message is over " + std::to_string(o.max_sms_chars) + " characters", "msg");
        const auto to = recipients(in.to, o.max_recipients, [](const std::string& a) { return phone_number(a); });
        impl_->check_ticket(who, in.ticket_id);
        s.direction = "out";
        s.folder = "outbox";
        s.status = "queued";
        s.ticket_id = in.ticket_id;
        s.created_by = who.user_id;
        Jobs::PreparedJob job = impl_->jobs.prepare({kSmsJob, who.org_id, "", "", o.sms.max_attempts});
        std::pair<SmsRecord, Job> stored;
        try {
            stored = impl_->store().insert_sms(s, to, Jobs::row_of(job));
        } catch (...) {
            impl_->jobs.abandon(std::move(job));
            throw;
        }
        impl_->jobs.submit(std::move(job), stored.second);
        return stored.first;
    });
}

SmsRecord Messages::sms(const Principal& who, std::int64_t id) {
    return detail::audited(impl_->db, who, "get_sms", "sms " + std::to_string(id), [&] {
        detail::require_role(who, kStaff);
        auto s = impl_->store().sms(who.org_id, id);
        if (!s) throw Error(ErrorCode::not_found, "there is no SMS " + std::to_string(id), "id");
        return *s;
    });
}

Page<SmsRecord> Messages::list_sms(const Principal& who, const ListQuery& query) {
    return detail::audited(impl_->db, who, "list_sms", "", [&] {
        detail::require_role(who, kStaff);
        return impl_->store().list_sms(who.org_id, query, impl_->options.list_limits);
    });
}

void Messages::export_sms_csv(const Principal& who, const ListQuery& query, const CsvSink& sink) {
    detail::audited(impl_->db, who, "export_sms_csv", "csv", [&] {
        detail::require_role(who, kStaff);
        impl_->store().sms_csv(who.org_id, query, impl_->options.list_limits, sink);
    });
}

PivotReport Messages::report_sms(const Principal& who, const ListQuery& query, const std::vector<std::string>& xaxis,
                                 const std::vector<std::string>& yaxis) {
    return detail::audited(impl_->db, who, "report_sms", "pivot", [&] {
        detail::require_role(who, kStaff);
        return impl_->store().pivot_sms(who.org_id, query, xaxis, yaxis);
    });
}

SmsRecord Messages::sms_delivery_report(std::int64_t sms_id, std::int64_t contact_id, int dlr_type,
                                        std::string_view signature, std::string_view reply) {
    if (!detail::secret_equal(signature, impl_->signature(sms_id, contact_id)))
        throw Error(ErrorCode::unauthorized, "the delivery report's signature is not valid", "sig");
    // Kannel's DLR types: 1 delivered, 2 failed, 4 buffered, 8 taken by the SMSC, 16 refused by the SMSC.
    std::string status;
    switch (dlr_type) {
        case 1: status = "delivered"; break;
        case 2:
        case 16: status = "failed"; break;
        case 4:
        case 8: status = "sent"; break;
        default:
            throw Error(ErrorCode::invalid_argument,
                        "a delivery report's type is 1, 2, 4, 8 or 16, not " + std::to_string(dlr_type), "type");
    }
    std::string why(reply.substr(0, 200));
    auto s = impl_->store().sms_recipient_result(sms_id, contact_id, status, why);
    if (!s) throw Error(ErrorCode::not_found, "there is no such recipient of SMS " + std::to_string(sms_id), "sms");
    return *s;
}

Messages::Counts Messages::counts(const Principal& who) {
    detail::require_role(who, kStaff);
    return impl_->store().counts(who.org_id);
}

}  // namespace switchboard
