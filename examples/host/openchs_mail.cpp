// switchboard-host: an organisation's mail, in OpenCHS's dialect (switchboard
// additions; the seed's emails are section 7). Admins only.
//
//   GET|POST /eproc/mail/settings         its own SMTP server and From ({"smtp_url": ""} removes them)
//   GET  /eproc/mail/templates            every template, the organisation's or the library's
//   POST /eproc/mail/templates            {"kind", "subject", "text", "html", "enabled"}
//   DELETE /eproc/mail/templates/{kind}   back to the library's
//   POST /eproc/mail/test                 {"to"}: one mail now, and what the server said
//   POST /eproc/mail/outbox/{id}/retry    a failed mail queued again
//   GET|POST /eproc/mail/mailbox          the IMAP mailbox read into tickets ({"imap_url": ""} removes it)
//   POST /eproc/mail/fetch                read it now: {"fetch": {"mails", "tickets_created", "messages_added", "error"}}
#include <boost/json.hpp>

#include "openchs_common.hpp"
#include "switchboard/accounts_json.hpp"
#include "switchboard/mailer.hpp"
#include "switchboard/messages.hpp"

namespace switchboard::host {

namespace {

using namespace openchs;

Response settings(Exchange& c) {
    return wrapped(200, "settings", to_json(c.core([&] { return c.ctx.mail.settings(c.who); })));
}

Response change_settings(Exchange& c) {
    const OrgMailSettingsChange change = mail_settings_from_json(json::serialize(c.params.object()));
    return wrapped(202, "settings", to_json(c.core([&] { return c.ctx.mail.change_settings(c.who, change); })));
}

Response templates(Exchange& c) {
    return wrapped(200, "templates", to_json(c.core([&] { return c.ctx.mail.templates(c.who); })));
}

Response set_template(Exchange& c) {
    const MailTemplate t = mail_template_from_json(json::serialize(c.params.object()));
    return wrapped(202, "templates", to_json(c.core([&] { return c.ctx.mail.set_template(c.who, t); })), true);
}

Response reset_template(Exchange& c) {
    const std::string kind = c.req.path_param("kind");
    return wrapped(202, "templates", to_json(c.core([&] { return c.ctx.mail.reset_template(c.who, kind); })), true);
}

Response test_mail(Exchange& c) {
    std::string to;
    for (const auto& kv : c.params.object()) {
        const std::string key(kv.key());
        if (key == "to") to = c.params.text(key).value_or("");
        else throw unknown_field(key);
    }
    if (to.empty()) throw Refusal{"to is required", "to"};
    return wrapped(200, "test", to_json(c.core([&] { return c.ctx.mail.send_test(c.who, to); })));
}

Response retry(Exchange& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    return wrapped(202, "outbox", switchboard::json::to_json(c.core([&] { return c.ctx.mail.retry(c.who, id); })), true);
}

Response mailbox(Exchange& c) {
    return wrapped(200, "mailbox", to_json(c.core([&] { return c.ctx.messages.mailbox(c.who); })));
}

Response set_mailbox(Exchange& c) {
    const MailboxChange change = mailbox_change_from_json(json::serialize(c.params.object()));
    return wrapped(202, "mailbox", to_json(c.core([&] { return c.ctx.messages.set_mailbox(c.who, change); })));
}

Response fetch(Exchange& c) {
    for (const auto& kv : c.params.object()) throw unknown_field(std::string(kv.key()));
    return wrapped(200, "fetch", to_json(c.core([&] { return c.ctx.messages.fetch_mail(c.who); })));
}

}  // namespace

void register_openchs_mail(Server& server, Context& ctx) {
    server.route("GET", "/eproc/mail/mailbox", authed_endpoint(ctx, "mail", mailbox));
    server.route("POST", "/eproc/mail/mailbox", authed_endpoint(ctx, "mail", set_mailbox));
    server.route("POST", "/eproc/mail/fetch", authed_endpoint(ctx, "mail", fetch));
    server.route("GET", "/eproc/mail/settings", authed_endpoint(ctx, "mail", settings));
    server.route("POST", "/eproc/mail/settings", authed_endpoint(ctx, "mail", change_settings));
    server.route("GET", "/eproc/mail/templates", authed_endpoint(ctx, "mail", templates));
    server.route("POST", "/eproc/mail/templates", authed_endpoint(ctx, "mail", set_template));
    server.route("DELETE", "/eproc/mail/templates/{kind}", authed_endpoint(ctx, "mail", reset_template));
    server.route("POST", "/eproc/mail/test", authed_endpoint(ctx, "mail", test_mail));
    server.route("POST", "/eproc/mail/outbox/{id}/retry", authed_endpoint(ctx, "mail", retry));
}

}  // namespace switchboard::host
