// The library's mail templates (mailer.hpp) and their rendering. The texts
// here are the documented defaults of docs/mail.md; an organisation's own
// templates replace them in the store.
#include <algorithm>

#include "switchboard/error.hpp"
#include "switchboard/mailer.hpp"

namespace switchboard {

namespace {

struct Kind {
    MailTemplate tpl;
    std::vector<std::string> placeholders;
};

const std::vector<std::string> kTicketVars = {"organisation", "name", "ticket", "subject", "status", "agent", "message"};

// Every ticket status mail carries the ticket number in its subject, so a
// reply finds its ticket (docs/mail.md).
const std::vector<Kind>& kinds() {
    static const std::vector<Kind> list = {
        {{"verify", "Verify your email address",
          "Welcome to {{organisation}}.\n\nOpen this link to verify your email address:\n{{link}}\n\n"
          "Verification key: {{key}}\n\nThe link works once and expires in {{hours}} hours.\n",
          "<p>Welcome to {{organisation}}.</p>\n<p><a href=\"{{link}}\">Verify your email address</a></p>\n"
          "<p>Verification key: <code>{{key}}</code></p>\n<p>The link works once and expires in {{hours}} hours.</p>\n"},
         {"organisation", "link", "key", "hours"}},
        {{"reset", "Your password reset code",
          "Someone asked to reset the password of your {{organisation}} account.\n\nYour one-time code: {{code}}\n\n"
          "It works once and expires in {{minutes}} minutes. If you did not ask for it, ignore this email.\n",
          "<p>Someone asked to reset the password of your {{organisation}} account.</p>\n"
          "<p>Your one-time code: <strong>{{code}}</strong></p>\n<p>It works once and expires in {{minutes}} minutes. "
          "If you did not ask for it, ignore this email.</p>\n"},
         {"organisation", "code", "minutes"}},
        {{"ticket_created", "[{{ticket}}] We have received your request: {{subject}}",
          "Dear {{name}},\n\nThank you for contacting {{organisation}}. Your request is registered as {{ticket}}:\n"
          "{{subject}}\n\nWe will write to you as it moves on. To add to it, reply to this mail.\n",
          ""},
         kTicketVars},
        {{"ticket_assigned", "[{{ticket}}] Your request is being handled",
          "Dear {{name}},\n\n{{agent}} of {{organisation}} is now handling your request {{ticket}}:\n{{subject}}\n", ""},
         kTicketVars},
        {{"ticket_replied", "[{{ticket}}] A reply to your request",
          "Dear {{name}},\n\n{{agent}} of {{organisation}} replied to your request {{ticket}}:\n\n{{message}}\n\n"
          "To answer, reply to this mail.\n",
          ""},
         kTicketVars},
        {{"ticket_closed", "[{{ticket}}] Your request is closed",
          "Dear {{name}},\n\nYour request {{ticket}} to {{organisation}} is closed:\n{{subject}}\n\n{{message}}\n", ""},
         kTicketVars},
    };
    return list;
}

const Kind& kind_of(std::string_view kind) {
    for (const auto& k : kinds())
        if (k.tpl.kind == kind) return k;
    throw Error(ErrorCode::invalid_argument,
                "there is no mail template \"" + std::string(kind) +
                    "\" (verify, reset, ticket_created, ticket_assigned, ticket_replied, ticket_closed)",
                "kind");
}

void append_escaped(std::string& out, std::string_view v) {
    for (char c : v) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
}

}  // namespace

const MailTemplate& default_mail_template(std::string_view kind) { return kind_of(kind).tpl; }

const std::vector<MailTemplate>& default_mail_templates() {
    static const std::vector<MailTemplate> list = [] {
        std::vector<MailTemplate> out;
        for (const auto& k : kinds()) out.push_back(k.tpl);
        return out;
    }();
    return list;
}

const std::vector<std::string>& mail_template_placeholders(std::string_view kind) { return kind_of(kind).placeholders; }

std::string render_mail_template(std::string_view text, const std::map<std::string, std::string>& vars, bool html) {
    std::string out;
    out.reserve(text.size() + 64);
    std::size_t i = 0;
    while (i < text.size()) {
        const auto open = text.find("{{", i);
        if (open == std::string_view::npos) break;
        const auto close = text.find("}}", open + 2);
        if (close == std::string_view::npos) break;
        out.append(text.substr(i, open - i));
        const std::string name(text.substr(open + 2, close - open - 2));
        if (auto it = vars.find(name); it != vars.end()) {
            if (html) append_escaped(out, it->second);
            else out += it->second;
        }
        i = close + 2;
    }
    out.append(text.substr(i));
    return out;
}

// Checks an organisation's template against its kind: Error(invalid_argument, field).
void check_mail_template(const MailTemplate& t) {
    const Kind& k = kind_of(t.kind);
    if (t.subject.empty()) throw Error(ErrorCode::invalid_argument, "a mail template needs a subject", "subject");
    if (t.text.empty()) throw Error(ErrorCode::invalid_argument, "a mail template needs a plain text", "text");
    if (t.subject.find_first_of("\r\n") != std::string::npos)
        throw Error(ErrorCode::invalid_argument, "a mail's subject is one line", "subject");
    if (!t.enabled && (t.kind == "verify" || t.kind == "reset"))
        throw Error(ErrorCode::invalid_argument, "the " + t.kind + " mail cannot be switched off: accounts need it",
                    "enabled");
    const std::pair<const char*, const std::string*> fields[] = {{"subject", &t.subject}, {"text", &t.text}, {"html", &t.html}};
    for (const auto& [field, value] : fields) {
        std::size_t i = 0;
        while ((i = value->find("{{", i)) != std::string::npos) {
            const auto close = value->find("}}", i + 2);
            if (close == std::string::npos)
                throw Error(ErrorCode::invalid_argument, "a {{ without its }}", field);
            const std::string name = value->substr(i + 2, close - i - 2);
            if (std::find(k.placeholders.begin(), k.placeholders.end(), name) == k.placeholders.end()) {
                std::string known;
                for (const auto& p : k.placeholders) known += (known.empty() ? "" : ", ") + p;
                throw Error(ErrorCode::invalid_argument,
                            "the " + t.kind + " mail has no placeholder {{" + name + "}} (it has " + known + ")", field);
            }
            i = close + 2;
        }
    }
}

}  // namespace switchboard
