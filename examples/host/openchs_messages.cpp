// switchboard-host: OpenCHS emails (seed 004 section 7) and SMS (section 8).
//
//   POST /eproc/emails/            create and queue: {"subject", "msg", "html"?, "recipients":
//                                  [{"contact_email"}], "attachments": [{"file_id"}], "ticket_id"?,
//                                  "in_reply_to"?}; 201 {"emails_nb": [["info", "Email Created"]], "emails": [{...}]}
//   GET  /eproc/emails/{id}        the email without its body; ?file=plain, ?file=html the bodies
//   GET  /eproc/emails/            list (filters, _c, _a), ?csv=1; GET /eproc/emails/rpt (xaxis, yaxis)
//   POST /eproc/sms/               {"msg", "recipients": [{"contact_phone"}], "ticket_id"?}; 201 {"sms_nb", "sms"}
//   GET  /eproc/sms/{id}, GET /eproc/sms/, ?csv=1, GET /eproc/sms/rpt
//   GET  /eproc/sms/dlr            the SMS gateway's delivery report (Kannel's dlr-url; signed, no session)
// Records are the seed's objects: ids as strings, times as ISO-8601.
#include <boost/json.hpp>

#include "openchs_common.hpp"
#include "switchboard/messages.hpp"
#include "switchboard/time.hpp"

namespace switchboard::host {

namespace {

using namespace openchs;

std::string time_text(std::int64_t ms) { return ms ? format_time(ms) : std::string(); }

json::object email_object(const EmailRecord& e) {
    json::array recipients, files;
    for (const auto& r : e.recipients)
        recipients.push_back(json::object{{"contact_id", str(r.contact_id)}, {"contact_email", r.address}});
    for (const auto f : e.attachments) files.push_back(json::object{{"file_id", str(f)}});
    return {{"id", str(e.id)},
            {"subject", e.subject},
            {"direction", e.direction},
            {"folder", e.folder},
            {"status", e.status},
            {"reason", e.reason},
            {"from", e.from},
            {"recipients", std::move(recipients)},
            {"attachments", std::move(files)},
            {"message_id", e.message_id},
            {"in_reply_to", e.in_reply_to},
            {"thread", e.thread},
            {"ticket_id", id_text(e.ticket_id)},
            {"created_by", id_text(e.created_by)},
            {"created_on", format_time(e.created_ms)},
            {"sent_on", time_text(e.sent_ms)}};
}

json::object sms_object(const SmsRecord& s) {
    json::array recipients;
    for (const auto& r : s.recipients)
        recipients.push_back(json::object{{"contact_id", str(r.contact_id)},
                                          {"contact_phone", r.address},
                                          {"status", r.status},
                                          {"reason", r.reason},
                                          {"updated_on", time_text(r.updated_ms)}});
    return {{"id", str(s.id)},
            {"msg", s.text},
            {"direction", s.direction},
            {"folder", s.folder},
            {"status", s.status},
            {"reason", s.reason},
            {"recipients", std::move(recipients)},
            {"ticket_id", id_text(s.ticket_id)},
            {"created_by", id_text(s.created_by)},
            {"created_on", format_time(s.created_ms)},
            {"sent_on", time_text(s.sent_ms)}};
}

// The entries of a list parameter: an array of objects, each with `key`
// (a string or number), or an array of plain values.
std::vector<std::string> entries(const json::value& v, const std::string& name, const char* key) {
    if (!v.is_array()) throw DatatypeError{name};
    std::vector<std::string> out;
    for (const auto& item : v.as_array()) {
        const json::value* value = &item;
        if (item.is_object()) {
            const auto& o = item.as_object();
            for (const auto& kv : o)
                if (kv.key() != key) throw Refusal{"unknown field \"" + safe_name(kv.key()) + "\" in " + name, name};
            value = o.if_contains(key);
            if (!value) throw Refusal{name + " entries need " + key, name};
        }
        if (value->is_string()) out.emplace_back(value->as_string());
        else if (value->is_int64()) out.push_back(std::to_string(value->as_int64()));
        else throw DatatypeError{name};
    }
    return out;
}

std::int64_t whole_of(const std::string& text, const std::string& name) {
    try {
        std::size_t used = 0;
        const long long n = std::stoll(text, &used);
        if (used == text.size() && n > 0) return n;
    } catch (const std::exception&) {
    }
    throw Refusal{name + " must be a record id", name};
}

Response create_email(Exchange& c) {
    NewEmail e;
    const json::object& body = c.params.object();
    for (const auto& kv : body) {
        const std::string key(kv.key());
        if (key == "subject") e.subject = c.params.text(key).value_or("");
        else if (key == "msg") e.text = c.params.text(key).value_or("");
        else if (key == "html") e.html = c.params.text(key).value_or("");
        else if (key == "recipients") e.to = entries(kv.value(), key, "contact_email");
        else if (key == "attachments")
            for (const auto& id : entries(kv.value(), key, "file_id")) e.attachments.push_back(whole_of(id, key));
        else if (key == "ticket_id") e.ticket_id = c.params.whole(key).value_or(0);
        else if (key == "in_reply_to") e.in_reply_to = c.params.text(key).value_or("");
        else throw unknown_field(key);
    }
    c.fields = {{"text", "msg"}};
    const EmailRecord stored = c.core([&] { return c.ctx.messages.send_email(c.who, e); });
    json::object o;
    o["emails_nb"] = json::array{json::array{"info", "Email Created"}};
    o["emails"] = json::array{email_object(stored)};
    return send(201, o);
}

Response view_email(Exchange& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    std::string file;
    for (const auto& [k, v] : c.req.query) {
        if (k != "file") throw unknown_field(k);
        file = v;
    }
    if (!file.empty() && file != "plain" && file != "html") throw Refusal{"file is plain or html", "file"};
    const EmailRecord e = c.core([&] { return c.ctx.messages.email(c.who, id); });
    if (file.empty()) return send(200, json::object{{"emails", json::array{email_object(e)}}});
    Response r;
    r.status = 200;
    r.content_type = file == "plain" ? "text/plain; charset=utf-8" : "text/html; charset=utf-8";
    r.body = file == "plain" ? e.text : e.html;
    return r;
}

Response list_emails(Exchange& c) {
    const ListRequest lr = list_request(c, {"csv"});
    if (csv_requested(lr))
        return stream_csv(
            c, "emails.csv",
            [&ctx = c.ctx, who = c.who, q = lr.query](const CsvSink& sink) {
                ctx.messages.export_emails_csv(who, q, sink);
            },
            lr.names);
    const Page<EmailRecord> page = c.core([&] { return c.ctx.messages.list_emails(c.who, lr.query); });
    json::array items;
    for (const auto& e : page.items) items.push_back(email_object(e));
    json::object o;
    o["emails"] = std::move(items);
    o["emails_ctx"] = json::array{json::array{"total", json::string(str(page.total))}};
    return send(200, o);
}

Response report_emails(Exchange& c) {
    const ListRequest lr = list_request(c, {"xaxis", "yaxis"});
    const Axes a = axes(lr);
    const PivotReport r = c.core([&] { return c.ctx.messages.report_emails(c.who, lr.query, a.x, a.y); });
    return pivot_answer("emails", r, lr.names);
}

Response create_sms(Exchange& c) {
    NewSms s;
    for (const auto& kv : c.params.object()) {
        const std::string key(kv.key());
        if (key == "msg") s.text = c.params.text(key).value_or("");
        else if (key == "recipients") s.to = entries(kv.value(), key, "contact_phone");
        else if (key == "ticket_id") s.ticket_id = c.params.whole(key).value_or(0);
        else throw unknown_field(key);
    }
    const SmsRecord stored = c.core([&] { return c.ctx.messages.send_sms(c.who, s); });
    json::object o;
    o["sms_nb"] = json::array{json::array{"info", "SMS Created"}};
    o["sms"] = json::array{sms_object(stored)};
    return send(201, o);
}

Response view_sms(Exchange& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    const SmsRecord s = c.core([&] { return c.ctx.messages.sms(c.who, id); });
    return send(200, json::object{{"sms", json::array{sms_object(s)}}});
}

// The seed's SMS fields under its names: "msg" is the core's "text".
const FieldMap kSmsFields = {{"text", "msg"}};

Response list_sms(Exchange& c) {
    const ListRequest lr = list_request(c, {"csv"}, {}, kSmsFields);
    if (csv_requested(lr))
        return stream_csv(
            c, "sms.csv",
            [&ctx = c.ctx, who = c.who, q = lr.query](const CsvSink& sink) { ctx.messages.export_sms_csv(who, q, sink); },
            lr.names);
    const Page<SmsRecord> page = c.core([&] { return c.ctx.messages.list_sms(c.who, lr.query); });
    json::array items;
    for (const auto& s : page.items) items.push_back(sms_object(s));
    json::object o;
    o["sms"] = std::move(items);
    o["sms_ctx"] = json::array{json::array{"total", json::string(str(page.total))}};
    return send(200, o);
}

Response report_sms(Exchange& c) {
    const ListRequest lr = list_request(c, {"xaxis", "yaxis"}, {}, kSmsFields);
    const Axes a = axes(lr);
    const PivotReport r = c.core([&] { return c.ctx.messages.report_sms(c.who, lr.query, a.x, a.y); });
    return pivot_answer("sms", r, lr.names);
}

// GET /eproc/sms/dlr?sms=12&contact=7&sig=...&type=1&reply=...: Kannel's
// delivery report. No session: the signature in the URL the host gave the
// gateway is the credential. Answers 200 "OK" (Kannel only logs the answer).
Response delivery_report(Exchange& c) {
    std::string sms, contact, sig, type, reply;
    for (const auto& [k, v] : c.req.query) {
        if (k == "sms") sms = v;
        else if (k == "contact") contact = v;
        else if (k == "sig") sig = v;
        else if (k == "type") type = v;
        else if (k == "reply") reply = v;
        else throw unknown_field(k);
    }
    const std::int64_t sms_id = whole_of(sms, "sms"), contact_id = whole_of(contact, "contact");
    int dlr = 0;
    try {
        dlr = std::stoi(type);
    } catch (const std::exception&) {
        throw Refusal{"type must be a number", "type"};
    }
    c.core([&] { return c.ctx.messages.sms_delivery_report(sms_id, contact_id, dlr, sig, reply); });
    Response r;
    r.status = 200;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "OK\n";
    return r;
}

}  // namespace

void register_openchs_messages(Server& server, Context& ctx) {
    server.route("POST", "/eproc/emails", authed_endpoint(ctx, "emails", create_email));
    server.route("GET", "/eproc/emails", authed_endpoint(ctx, "emails", list_emails));
    server.route("GET", "/eproc/emails/rpt", authed_endpoint(ctx, "emails", report_emails));
    server.route("GET", "/eproc/emails/{id}", authed_endpoint(ctx, "emails", view_email));
    server.route("POST", "/eproc/sms", authed_endpoint(ctx, "sms", create_sms));
    server.route("GET", "/eproc/sms", authed_endpoint(ctx, "sms", list_sms));
    server.route("GET", "/eproc/sms/rpt", authed_endpoint(ctx, "sms", report_sms));
    server.route("GET", "/eproc/sms/dlr", open_endpoint(ctx, "sms", {}, delivery_report));
    server.route("GET", "/eproc/sms/{id}", authed_endpoint(ctx, "sms", view_sms));
}

}  // namespace switchboard::host
