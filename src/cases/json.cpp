// Case records as JSON (contacts, categories, tickets, their changes and
// messages) and ticket input read from JSON.
#include <boost/json.hpp>

#include "core/json_parse.hpp"
#include "core/json_text.hpp"
#include "switchboard/cases_json.hpp"

namespace switchboard::json {

namespace bj = boost::json;

using detail::only_keys;
using detail::opt_int64;
using detail::opt_string;
using detail::parse_object;
using detail::wrong_type;

namespace {

bj::object contact_obj(const Contact& c) {
    return {{"id", c.id},
            {"first_name", c.first_name},
            {"last_name", c.last_name},
            {"phone", c.phone},
            {"email", c.email},
            {"town", c.town},
            {"country", c.country},
            {"user_category", c.user_category},
            {"position_in_org", c.position_in_org},
            {"org_name", c.org_name},
            {"created_ms", c.created_ms},
            {"updated_ms", c.updated_ms}};
}

bj::object category_obj(const Category& c) {
    return {{"id", c.id}, {"parent_id", c.parent_id}, {"name", c.name}};
}

bj::object ticket_obj(const Ticket& t) {
    bj::object o{{"id", t.id},
                 {"ticket_no", t.ticket_no},
                 {"source", t.source},
                 {"source_id", t.source_id},
                 {"category_main", t.category_main},
                 {"category_sub", t.category_sub},
                 {"narrative", t.narrative},
                 {"resolution", t.resolution},
                 {"status", t.status},
                 {"priority", t.priority},
                 {"referred_to", t.referred_to},
                 {"escalated_to", t.escalated_to},
                 {"disposition", t.disposition},
                 {"contact_id", t.contact_id},
                 {"assigned_to", t.assigned_to},
                 {"created_by", t.created_by},
                 {"created_ms", t.created_ms},
                 {"updated_ms", t.updated_ms}};
    o["contact"] = t.contact ? bj::value(contact_obj(*t.contact)) : bj::value(nullptr);
    return o;
}

bj::object change_obj(const TicketChange& c) {
    return {{"id", c.id},           {"ticket_id", c.ticket_id}, {"field", c.field},
            {"old_value", c.old_value}, {"new_value", c.new_value}, {"user_id", c.user_id},
            {"actor", c.actor},     {"time_ms", c.time_ms}};
}

bj::object message_obj(const TicketMessage& m) {
    return {{"id", m.id},         {"ticket_id", m.ticket_id}, {"author_id", m.author_id},
            {"author", m.author}, {"author_role", m.author_role}, {"body", m.body},
            {"time_ms", m.time_ms}};
}

}  // namespace

std::string to_json(const Contact& c) { return detail::json_text(contact_obj(c)); }
std::string to_json(const Category& c) { return detail::json_text(category_obj(c)); }
std::string to_json(const std::vector<Category>& cs) { return detail::json_array_text(cs, category_obj); }
std::string to_json(const Ticket& t) { return detail::json_text(ticket_obj(t)); }
std::string to_json(const Page<Ticket>& p) { return detail::json_page_text(p, ticket_obj); }
std::string to_json(const TicketChange& c) { return detail::json_text(change_obj(c)); }
std::string to_json(const std::vector<TicketChange>& cs) { return detail::json_array_text(cs, change_obj); }
std::string to_json(const TicketMessage& m) { return detail::json_text(message_obj(m)); }
std::string to_json(const std::vector<TicketMessage>& ms) { return detail::json_array_text(ms, message_obj); }

TicketFields ticket_fields_from_json(std::string_view text) {
    auto o = parse_object(text);
    only_keys(o, {"source", "source_id", "category_main", "category_sub", "narrative", "resolution", "status",
                  "priority", "referred_to", "escalated_to", "disposition", "assigned_to", "contact"});
    TicketFields f;
    f.source = opt_string(o, "source");
    f.source_id = opt_string(o, "source_id");
    f.category_main = opt_int64(o, "category_main");
    f.category_sub = opt_int64(o, "category_sub");
    f.narrative = opt_string(o, "narrative");
    f.resolution = opt_string(o, "resolution");
    f.status = opt_string(o, "status");
    f.priority = opt_string(o, "priority");
    f.referred_to = opt_string(o, "referred_to");
    f.escalated_to = opt_string(o, "escalated_to");
    f.disposition = opt_string(o, "disposition");
    f.assigned_to = opt_int64(o, "assigned_to");
    if (auto it = o.find("contact"); it != o.end() && !it->value().is_null()) {
        if (!it->value().is_object()) wrong_type("contact", "an object");
        const auto& c = it->value().as_object();
        only_keys(c, {"first_name", "last_name", "phone", "email", "town", "country", "user_category",
                      "position_in_org", "org_name"});
        ContactFields cf;
        cf.first_name = opt_string(c, "first_name");
        cf.last_name = opt_string(c, "last_name");
        cf.phone = opt_string(c, "phone");
        cf.email = opt_string(c, "email");
        cf.town = opt_string(c, "town");
        cf.country = opt_string(c, "country");
        cf.user_category = opt_string(c, "user_category");
        cf.position_in_org = opt_string(c, "position_in_org");
        cf.org_name = opt_string(c, "org_name");
        f.contact = cf;
    }
    return f;
}

}  // namespace switchboard::json
