// The mailer's records as JSON, and its requests read from JSON.
#include <boost/json.hpp>

#include "core/json_parse.hpp"
#include "core/json_text.hpp"
#include "switchboard/mailer.hpp"

namespace switchboard {

namespace {

namespace bj = boost::json;

bj::object template_obj(const MailTemplate& t) {
    bj::array names;
    for (const auto& p : mail_template_placeholders(t.kind)) names.emplace_back(p);
    return {{"kind", t.kind},       {"subject", t.subject},       {"text", t.text},
            {"html", t.html},       {"enabled", t.enabled},       {"is_default", t.is_default},
            {"updated_ms", t.updated_ms}, {"placeholders", std::move(names)}};
}

}  // namespace

std::string to_json(const MailTemplate& t) { return detail::json_text(template_obj(t)); }
std::string to_json(const std::vector<MailTemplate>& t) { return detail::json_array_text(t, template_obj); }

std::string to_json(const OrgMailSettings& s) {
    return detail::json_text(bj::object{{"own", s.own},
                                        {"smtp_url", s.smtp_url},
                                        {"tls", s.tls},
                                        {"username", s.username},
                                        {"has_password", s.has_password},
                                        {"from", s.from},
                                        {"updated_ms", s.updated_ms}});
}

std::string to_json(const MailTestResult& r) {
    return detail::json_text(bj::object{{"server", r.server},
                                        {"accepted", r.result.accepted},
                                        {"permanent", r.result.permanent},
                                        {"code", r.result.code},
                                        {"reply", r.result.reply}});
}

MailTemplate mail_template_from_json(std::string_view text) {
    auto o = detail::parse_object(text);
    detail::only_keys(o, {"kind", "subject", "text", "html", "enabled"});
    MailTemplate t;
    t.kind = detail::req_string(o, "kind");
    t.subject = detail::req_string(o, "subject");
    t.text = detail::req_string(o, "text");
    t.html = detail::req_string(o, "html");
    t.enabled = detail::opt_bool(o, "enabled").value_or(true);
    return t;
}

OrgMailSettingsChange mail_settings_from_json(std::string_view text) {
    auto o = detail::parse_object(text);
    detail::only_keys(o, {"smtp_url", "tls", "username", "password", "from"});
    OrgMailSettingsChange c;
    c.smtp_url = detail::req_string(o, "smtp_url");
    c.tls = detail::opt_string(o, "tls").value_or("starttls");
    c.username = detail::req_string(o, "username");
    c.password = detail::req_string(o, "password");
    c.from = detail::req_string(o, "from");
    return c;
}

}  // namespace switchboard
