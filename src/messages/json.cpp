// Emails and SMS as JSON (messages.hpp).
#include <boost/json.hpp>

#include "core/json_parse.hpp"
#include "core/json_text.hpp"
#include "switchboard/error.hpp"
#include "switchboard/messages.hpp"

namespace switchboard {

namespace {

namespace bj = boost::json;

bj::array recipients(const std::vector<MessageRecipient>& list, bool sms) {
    bj::array a;
    for (const auto& r : list) {
        bj::object o{{"contact_id", r.contact_id}, {"address", r.address}};
        if (sms) {
            o["status"] = r.status;
            o["reason"] = r.reason;
            o["updated_ms"] = r.updated_ms;
        }
        a.emplace_back(std::move(o));
    }
    return a;
}

bj::object email_obj(const EmailRecord& e) {
    bj::array files;
    for (const auto f : e.attachments) files.emplace_back(f);
    return {{"id", e.id},
            {"org_id", e.org_id},
            {"direction", e.direction},
            {"folder", e.folder},
            {"status", e.status},
            {"reason", e.reason},
            {"subject", e.subject},
            {"text", e.text},
            {"html", e.html},
            {"from", e.from},
            {"recipients", recipients(e.recipients, false)},
            {"attachments", std::move(files)},
            {"message_id", e.message_id},
            {"in_reply_to", e.in_reply_to},
            {"thread", e.thread},
            {"ticket_id", e.ticket_id},
            {"created_by", e.created_by},
            {"created_ms", e.created_ms},
            {"updated_ms", e.updated_ms},
            {"sent_ms", e.sent_ms}};
}

bj::object sms_obj(const SmsRecord& s) {
    return {{"id", s.id},
            {"org_id", s.org_id},
            {"direction", s.direction},
            {"folder", s.folder},
            {"status", s.status},
            {"reason", s.reason},
            {"text", s.text},
            {"recipients", recipients(s.recipients, true)},
            {"ticket_id", s.ticket_id},
            {"created_by", s.created_by},
            {"created_ms", s.created_ms},
            {"updated_ms", s.updated_ms},
            {"sent_ms", s.sent_ms}};
}

std::vector<std::string> string_list(const bj::object& o, std::string_view key) {
    std::vector<std::string> out;
    const bj::value* v = o.if_contains(key);
    if (!v || v->is_null()) return out;
    if (!v->is_array()) detail::wrong_type(key, "an array of strings");
    for (const auto& item : v->as_array()) {
        if (!item.is_string()) detail::wrong_type(key, "an array of strings");
        out.emplace_back(item.as_string());
    }
    return out;
}

}  // namespace

NewEmail new_email_from_json(std::string_view text) {
    auto o = detail::parse_object(text);
    detail::only_keys(o, {"subject", "text", "html", "to", "attachments", "ticket_id", "in_reply_to"});
    NewEmail e;
    e.subject = detail::req_string(o, "subject");
    e.text = detail::req_string(o, "text");
    e.html = detail::req_string(o, "html");
    e.to = string_list(o, "to");
    if (const bj::value* v = o.if_contains("attachments"); v && !v->is_null()) {
        if (!v->is_array()) detail::wrong_type("attachments", "an array of file ids");
        for (const auto& item : v->as_array()) {
            if (!item.is_int64()) detail::wrong_type("attachments", "an array of file ids");
            e.attachments.push_back(item.as_int64());
        }
    }
    e.ticket_id = detail::opt_int64(o, "ticket_id").value_or(0);
    e.in_reply_to = detail::req_string(o, "in_reply_to");
    return e;
}

NewSms new_sms_from_json(std::string_view text) {
    auto o = detail::parse_object(text);
    detail::only_keys(o, {"text", "to", "ticket_id"});
    NewSms s;
    s.text = detail::req_string(o, "text");
    s.to = string_list(o, "to");
    s.ticket_id = detail::opt_int64(o, "ticket_id").value_or(0);
    return s;
}

std::string to_json(const MailboxSettings& m) {
    return detail::json_text(bj::object{{"configured", m.configured},
                                        {"imap_url", m.imap_url},
                                        {"tls", m.tls},
                                        {"username", m.username},
                                        {"has_password", m.has_password},
                                        {"last_uid", m.last_uid},
                                        {"last_fetch_ms", m.last_fetch_ms},
                                        {"last_error", m.last_error},
                                        {"updated_ms", m.updated_ms}});
}

std::string to_json(const MailFetch& f) {
    return detail::json_text(bj::object{{"mails", f.mails},
                                        {"tickets_created", f.tickets_created},
                                        {"messages_added", f.messages_added},
                                        {"error", f.error}});
}

MailboxChange mailbox_change_from_json(std::string_view text) {
    auto o = detail::parse_object(text);
    detail::only_keys(o, {"imap_url", "tls", "username", "password"});
    MailboxChange c;
    c.imap_url = detail::req_string(o, "imap_url");
    c.tls = detail::opt_string(o, "tls").value_or("starttls");
    c.username = detail::req_string(o, "username");
    c.password = detail::req_string(o, "password");
    return c;
}

std::string to_json(const EmailRecord& e) { return detail::json_text(email_obj(e)); }
std::string to_json(const SmsRecord& s) { return detail::json_text(sms_obj(s)); }
std::string to_json(const Page<EmailRecord>& p) { return detail::json_page_text(p, email_obj); }
std::string to_json(const Page<SmsRecord>& p) { return detail::json_page_text(p, sms_obj); }

}  // namespace switchboard
