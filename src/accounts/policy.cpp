// Roles, value checks and the password policy.
#include <algorithm>
#include <cctype>

#include "accounts/internal.hpp"
#include "core/crypto.hpp"
#include "core/write_behind.hpp"
#include "core/time.hpp"
#include "switchboard/mailer.hpp"

namespace switchboard {

std::string_view to_string(Role r) noexcept {
    switch (r) {
        case Role::platform_operator: return "operator";
        case Role::admin: return "admin";
        case Role::supervisor: return "supervisor";
        case Role::agent: return "agent";
        case Role::customer: return "customer";
    }
    return "customer";
}

namespace {
std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}
}  // namespace

Role role_from_string(std::string_view s) {
    const std::string l = lower(s);
    if (l == "operator" || l == "platform_operator") return Role::platform_operator;
    if (l == "admin") return Role::admin;
    if (l == "supervisor") return Role::supervisor;
    if (l == "agent") return Role::agent;
    if (l == "customer") return Role::customer;
    throw Error(ErrorCode::invalid_argument,
                "role isn't valid: \"" + std::string(s) + "\" (admin, supervisor, agent or customer)", "role");
}

std::string_view to_string(ListBy b) noexcept { return b == ListBy::client_id ? "ClientId" : "TicketNo"; }

ListBy list_by_from_string(std::string_view s) {
    const std::string l = lower(s);
    if (l == "ticketno" || l == "ticket" || l == "ticket_no") return ListBy::ticket_no;
    if (l == "clientid" || l == "client" || l == "client_id" || l == "cleintid") return ListBy::client_id;
    throw Error(ErrorCode::invalid_argument, "actions are listed by TicketNo or ClientId", "list_by");
}

void Accounts::check_password_policy(std::string_view password) {
    // Length is counted in characters (UTF-8 code points), not bytes.
    std::size_t chars = 0;
    for (unsigned char c : password) chars += (c & 0xC0) != 0x80;
    if (chars < 12)
        throw Error(ErrorCode::invalid_argument, "password is too short, minimum length is 12 characters", "password");
    if (chars > 128)
        throw Error(ErrorCode::invalid_argument, "password is too long, maximum length is 128 characters", "password");
    bool digit = false, upper = false, lower_c = false;
    for (unsigned char c : password) {
        digit |= c >= '0' && c <= '9';
        upper |= c >= 'A' && c <= 'Z';
        lower_c |= c >= 'a' && c <= 'z';
    }
    if (!digit || !upper || !lower_c)
        throw Error(ErrorCode::invalid_argument, "pwd must contain at least one: 1-9, A-Z, a-z character", "password");
}

void Accounts::check_email(std::string_view email) {
    auto bad = [] { throw Error(ErrorCode::invalid_argument, "email isn't valid", "email"); };
    if (email.size() < 3 || email.size() > 254) bad();
    const auto at = email.find('@');
    if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos) bad();
    const auto domain = email.substr(at + 1);
    const auto dot = domain.find('.');
    if (domain.empty() || dot == std::string_view::npos || dot == 0 || domain.back() == '.' ||
        domain.find("..") != std::string_view::npos)
        bad();
    for (unsigned char c : email)
        if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == ';' ||
            c == '\\' || c == '"')
            bad();
}

void Accounts::check_phone(std::string_view phone) {
    // Digits with an optional leading '+', and spaces, dashes, dots or
    // parentheses between them; 7 to 15 digits (E.164 allows 15).
    int digits = 0;
    for (std::size_t i = 0; i < phone.size(); ++i) {
        const char c = phone[i];
        if (c >= '0' && c <= '9') ++digits;
        else if (c == '+' && i == 0) continue;
        else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') continue;
        else throw Error(ErrorCode::invalid_argument, "phone isn't valid", "phone");
    }
    if (digits < 7 || digits > 15) throw Error(ErrorCode::invalid_argument, "phone isn't valid", "phone");
}

std::string generate_password() { return detail::random_password(); }

namespace detail {

void check_username(std::string_view username, const char* field) {
    bool ok = username.size() >= 2 && username.size() <= 64;
    for (unsigned char c : username)
        ok = ok && (std::isalnum(c) || c == '.' || c == '_' || c == '-');
    if (!ok)
        throw Error(ErrorCode::invalid_argument, "username isn't valid", field);  // 2-64 of [A-Za-z0-9._-]
}

std::string trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

void require_role(const Principal& who, std::initializer_list<Role> roles) {
    if (who.kind != TokenKind::access)
        throw Error(ErrorCode::unauthorized, "a developer token is only accepted by the record and report endpoints");
    if (who.must_change_password)
        throw Error(ErrorCode::password_change_required,
                    "the password is temporary: change it before doing anything else", "password");
    for (Role r : roles)
        if (r == who.role) return;
    throw Error(ErrorCode::forbidden,
                "the " + std::string(to_string(who.role)) + " role may not do this");
}

void require_report_reader(const Principal& who) {
    if (who.kind == TokenKind::dev) return;
    require_role(who, {Role::admin, Role::supervisor});
}

void record_activity(Database& db, const Principal& who, std::string_view operation, bool ok,
                     std::string_view summary) {
    ActivityEntry e;
    e.org_id = who.org_id;
    e.user_id = who.user_id;
    e.actor = who.username;
    e.endpoint = who.endpoint.empty() ? std::string(operation) : who.endpoint;
    e.time_ms = now_ms();
    e.ok = ok;
    e.summary = std::string(summary.substr(0, 500));
    db.activity_queue().push(std::move(e));
}

}  // namespace detail
}  // namespace switchboard

namespace switchboard::detail {

OutboxEmail template_mail(std::string_view kind, const std::string& to, std::map<std::string, std::string> vars) {
    const MailTemplate& t = default_mail_template(kind);
    OutboxEmail e;
    e.to = to;
    e.kind = std::string(kind);
    e.subject = render_mail_template(t.subject, vars, false);
    e.body = render_mail_template(t.text, vars, false);
    e.vars = std::move(vars);
    return e;
}

}  // namespace switchboard::detail
