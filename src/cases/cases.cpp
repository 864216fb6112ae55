// Tickets, contacts, categories and conversations: the rules.
#include "switchboard/cases.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "accounts/internal.hpp"
#include "cases/internal.hpp"
#include "core/json_text.hpp"
#include "switchboard/events.hpp"
#include "switchboard/cases_json.hpp"

namespace switchboard {

namespace {

constexpr std::initializer_list<Role> kEveryone = {Role::admin, Role::supervisor, Role::agent, Role::customer};

bool is_staff_reader(Role r) { return r == Role::admin || r == Role::supervisor; }

std::string one_of(const std::string& value, std::initializer_list<const char*> allowed, const char* field) {
    for (const char* a : allowed)
        if (value == a) return value;
    std::string list;
    for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(*a ? a : "\"\"");
    throw Error(ErrorCode::invalid_argument,
                std::string(field) + " isn't valid: \"" + value + "\" (" + list + ")", field);
}

std::string disposition_of(std::string v) {
    // The OpenCHS example writes "call completed"; the list "call-completed".
    std::replace(v.begin(), v.end(), ' ', '-');
    return one_of(v, {"", "blank-call", "call-disconnected", "prank", "call-completed", "transfer"}, "disposition");
}

store::Actor actor_of(const Principal& who) { return {who.user_id, who.username}; }

// The event of a committed ticket change (docs/events.md).
Event ticket_event(const char* type, const Ticket& t) {
    Event e;
    e.org_id = t.org_id;
    e.type = type;
    e.time_ms = t.updated_ms;
    e.subject = t.ticket_no;
    e.data = json::to_json(t);
    e.audience = EventAudience::ticket;
    e.assigned_to = t.assigned_to;
    e.created_by = t.created_by;
    return e;
}

// The event of a message posted on a ticket (docs/events.md).
Event message_event(const Ticket& t, const TicketMessage& m) {
    Event e = ticket_event("message.posted", t);
    e.time_ms = m.time_ms;
    boost::json::object data;
    data["ticket_id"] = t.id;
    data["ticket_no"] = t.ticket_no;
    data["message"] = boost::json::parse(json::to_json(m));
    e.data = detail::json_text(data);
    return e;
}

Error no_ticket(std::int64_t id) { return Error(ErrorCode::not_found, "no ticket " + std::to_string(id), "id"); }

}  // namespace

namespace detail {

store::TicketScope ticket_scope(const Principal& who) {
    store::TicketScope s{who.org_id};
    if (who.role == Role::agent) s.assigned_to = who.user_id;
    if (who.role == Role::customer) s.created_by = who.user_id;
    return s;
}

bool ticket_visible(const Principal& who, std::int64_t org_id, std::int64_t assigned_to, std::int64_t created_by) {
    const store::TicketScope s = ticket_scope(who);
    return s.org_id == org_id && (!s.assigned_to || s.assigned_to == assigned_to) &&
           (!s.created_by || s.created_by == created_by);
}

}  // namespace detail

using detail::ticket_scope;

Cases::Cases(Database& db, Events& events, CasesOptions options)
    : db_(db), events_(events), options_(std::move(options)) {
    if (options_.list_limits.default_count < 1 || options_.list_limits.max_count < options_.list_limits.default_count)
        throw Error(ErrorCode::invalid_argument, "list limits: 1 <= default count <= max count", "list_limits");
}

// ------------------------------------------------------------ categories

Category Cases::add_category(const Principal& who, std::string_view name_in, std::int64_t parent_id) {
    const std::string name = detail::trimmed(name_in);
    return detail::audited(db_, who, "add_category", "category " + name.substr(0, 100), [&] {
        detail::require_role(who, {Role::admin});
        if (name.empty() || name.size() > 200)
            throw Error(ErrorCode::invalid_argument, "a category needs a name of 1 to 200 characters", "name");
        if (parent_id) {
            auto parent = db_.store().cases().category(who.org_id, parent_id);
            if (!parent) throw Error(ErrorCode::invalid_argument, "no category " + std::to_string(parent_id), "parent_id");
            if (parent->parent_id)
                throw Error(ErrorCode::invalid_argument, "sub-categories go under a main category", "parent_id");
        }
        try {
            return db_.store().cases().insert_category(who.org_id, parent_id, name);
        } catch (const Error& e) {
            if (e.code() == ErrorCode::already_exists)
                throw Error(ErrorCode::already_exists, "category \"" + name + "\" already exists there", "name");
            throw;
        }
    });
}

std::vector<Category> Cases::list_categories(const Principal& who) {
    return detail::audited(db_, who, "list_categories", "", [&] {
        detail::require_role(who, kEveryone);
        return db_.store().cases().categories(who.org_id);
    });
}

// ------------------------------------------------------------ tickets

namespace {

// What the fields of a change refer to, looked up before the change's
// transaction (whose edit must not call the store again).
struct References {
    std::optional<Category> category_main, category_sub;
    std::optional<std::pair<Role, bool>> assignee;  // role, active
};

References references(Database& db, const Principal& who, const TicketFields& f) {
    References r;
    auto& cases = db.store().cases();
    if (f.category_main && *f.category_main) r.category_main = cases.category(who.org_id, *f.category_main);
    if (f.category_sub && *f.category_sub) r.category_sub = cases.category(who.org_id, *f.category_sub);
    if (f.assigned_to && *f.assigned_to) r.assignee = db.store().accounts().user_role(who.org_id, *f.assigned_to);
    return r;
}

// Checks and applies the set fields of `f` to `t`, as `who` may. Pure: what
// it needs from the store comes in `refs`.
void apply_fields(const Principal& who, const TicketFields& f, const References& refs, Ticket& t,
                  std::size_t max_text, bool creating) {
    const bool staff = is_staff_reader(who.role);
    auto text = [&](const std::optional<std::string>& v, const char* field, std::size_t max) {
        if (v && v->size() > max)
            throw Error(ErrorCode::too_large, std::string(field) + " is over " + std::to_string(max) + " bytes", field);
    };
    text(f.narrative, "narrative", max_text);
    text(f.resolution, "resolution", max_text);
    text(f.source_id, "source_id", 200);
    text(f.referred_to, "referred_to", 200);
    text(f.escalated_to, "escalated_to", 200);

    if (who.role == Role::customer) {
        // A customer describes their query; staff handle the rest.
        const bool other = f.source || f.source_id || f.resolution || f.status || f.priority || f.referred_to ||
                           f.escalated_to || f.disposition || f.assigned_to || f.category_main || f.category_sub ||
                           (!creating && f.contact);
        if (other)
            throw Error(ErrorCode::forbidden,
                        creating ? "a customer gives the narrative (and their contact details) only"
                                 : "a customer may change only the narrative");
    }
    if (who.role == Role::agent && !creating && f.assigned_to && *f.assigned_to != t.assigned_to)
        throw Error(ErrorCode::forbidden, "only an admin or a supervisor reassigns a ticket");

    if (f.source) t.source = one_of(*f.source, {"walkin", "call", "email", "sms"}, "source");
    if (f.source_id) t.source_id = *f.source_id;
    if (f.narrative) t.narrative = *f.narrative;
    if (f.resolution) t.resolution = *f.resolution;
    if (f.status) t.status = one_of(*f.status, {"open", "closed", "escalated"}, "status");
    if (f.priority) t.priority = one_of(*f.priority, {"high", "medium", "low"}, "priority");
    if (f.referred_to) t.referred_to = *f.referred_to;
    if (f.escalated_to) t.escalated_to = *f.escalated_to;
    if (f.disposition) t.disposition = disposition_of(*f.disposition);
    if (f.category_main) t.category_main = *f.category_main;
    if (f.category_sub) t.category_sub = *f.category_sub;
    if (f.category_main && *f.category_main) {
        const auto& c = refs.category_main;
        if (!c || c->parent_id)
            throw Error(ErrorCode::invalid_argument,
                        "category_main " + std::to_string(*f.category_main) + " is not a main category", "category_main");
    }
    if (f.category_sub && *f.category_sub) {
        const auto& c = refs.category_sub;
        if (!c || !c->parent_id)
            throw Error(ErrorCode::invalid_argument,
                        "category_sub " + std::to_string(*f.category_sub) + " is not a sub-category", "category_sub");
        if (c->parent_id != t.category_main)
            throw Error(ErrorCode::invalid_argument, "category_sub does not belong to category_main", "category_sub");
    }
    if (f.assigned_to) {
        if (*f.assigned_to) {
            const auto& role = refs.assignee;
            if (!role || !role->second || role->first == Role::customer)
                throw Error(ErrorCode::invalid_argument,
                            "user " + std::to_string(*f.assigned_to) + " is not an active agent of the organisation",
                            "assigned_to");
        } else if (!staff) {
            throw Error(ErrorCode::forbidden, "only an admin or a supervisor unassigns a ticket");
        }
        t.assigned_to = *f.assigned_to;
    }
    if (f.contact) {
        const auto& c = *f.contact;
        if (c.email && !c.email->empty()) Accounts::check_email(*c.email);
        if (c.phone && !c.phone->empty()) Accounts::check_phone(*c.phone);
    }
}

std::string fields_summary(const TicketFields& f) {
    std::string s;
    auto add = [&](bool set, const char* n) {
        if (set) s += (s.empty() ? "" : ",") + std::string(n);
    };
    add(f.source.has_value(), "source");
    add(f.status.has_value(), "status");
    add(f.priority.has_value(), "priority");
    add(f.narrative.has_value(), "narrative");
    add(f.resolution.has_value(), "resolution");
    add(f.assigned_to.has_value(), "assigned_to");
    add(f.category_main.has_value() || f.category_sub.has_value(), "category");
    add(f.disposition.has_value(), "disposition");
    add(f.contact.has_value(), "contact");
    return s;
}

}  // namespace

// ------------------------------------------------------------ status mails

namespace {

// What a change tells the customer: the template's kind, its message (a
// reply, the resolution) and who did it ("" for the assigned agent).
struct StatusChange {
    std::string kind, message, agent;
};

// The ticket's one-line subject for a mail: the narrative's first line, cut
// at 80 bytes (between UTF-8 characters).
std::string mail_subject(const std::string& narrative) {
    std::string line = narrative.substr(0, narrative.find('\n'));
    if (line.size() > 80) {
        std::size_t cut = 77;
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
        line = line.substr(0, cut) + "...";
    }
    return line;
}

// The store callback that writes the status mail `decide` finds in a change
// (or none): to the customer who raised the ticket, else, for a ticket that
// came in by email, its contact; never of a kind the organisation switched
// off. `written` says whether one was.
template <class Decide>
store::StatusMail status_mail(Decide decide, bool& written) {
    return [decide, &written](const std::optional<Ticket>& before, const Ticket& after,
                              const store::StatusMailContext& c) -> std::optional<OutboxEmail> {
        const std::optional<StatusChange> change = decide(before, after);
        if (!change) return std::nullopt;
        if (std::find(c.disabled.begin(), c.disabled.end(), change->kind) != c.disabled.end()) return std::nullopt;
        std::string to, name;
        if (c.creator_is_customer) {
            to = c.creator_email;
            name = c.creator_name;
        } else if (after.source == "email") {
            to = c.contact_email;
            name = c.contact_name;
        }
        if (to.empty()) return std::nullopt;
        written = true;
        return detail::template_mail(change->kind, to,
                                     {{"organisation", c.organisation},
                                      {"name", name.empty() ? "customer" : name},
                                      {"ticket", after.ticket_no},
                                      {"subject", mail_subject(after.narrative)},
                                      {"status", after.status},
                                      {"agent", change->agent.empty() ? c.agent_name : change->agent},
                                      {"message", change->message}});
    };
}

// An update's mail: closed (with the resolution) when it closed the ticket,
// else assigned when it gave the ticket to an agent.
std::optional<StatusChange> update_mail(const std::optional<Ticket>& before, const Ticket& after) {
    if (!before) return StatusChange{"ticket_created", "", ""};
    if (after.status == "closed" && before->status != "closed") return StatusChange{"ticket_closed", after.resolution, ""};
    if (after.assigned_to && after.assigned_to != before->assigned_to) return StatusChange{"ticket_assigned", "", ""};
    return std::nullopt;
}

}  // namespace

void Cases::on_mail_written(std::function<void()> listener) { mail_listener_ = std::move(listener); }

void Cases::mail_written(bool written) const {
    if (written && mail_listener_) mail_listener_();
}

// ------------------------------------------------------------ mail in

std::optional<Ticket> Cases::ticket_by_number(std::int64_t org_id, std::string_view ticket_no) {
    ListQuery q;
    q.filters = {{"ticket_no", std::string(ticket_no)}};
    q.count = 1;
    auto page = db_.store().cases().list_tickets(store::TicketScope{org_id}, q, options_.list_limits);
    if (page.items.empty()) return std::nullopt;
    return page.items.front();
}

Ticket Cases::open_ticket_from_mail(std::int64_t org_id, const ContactFields& sender, std::string_view narrative,
                                    std::string_view message_id) {
    auto& store = db_.store().cases();
    if (!message_id.empty()) {
        ListQuery q;
        q.filters = {{"source_id", std::string(message_id)}, {"source", "email"}};
        q.count = 1;
        auto page = store.list_tickets(store::TicketScope{org_id}, q, options_.list_limits);
        if (!page.items.empty()) return page.items.front();  // the same mail, read again
    }
    Ticket t;
    t.org_id = org_id;
    t.source = "email";
    t.source_id = std::string(message_id);
    t.status = "open";
    t.priority = "medium";
    t.narrative = std::string(narrative.substr(0, options_.max_text));
    bool mailed = false;
    Ticket created = store.insert_ticket(t, sender, store::Actor{0, "email"}, status_mail(update_mail, mailed));
    mail_written(mailed);
    events_.publish(ticket_event("ticket.created", created));
    return created;
}

TicketMessage Cases::add_mail_message(std::int64_t org_id, std::int64_t ticket_id, std::string_view author,
                                      std::string_view body_in) {
    auto& store = db_.store().cases();
    auto t = store.ticket(store::TicketScope{org_id}, ticket_id);
    if (!t) throw no_ticket(ticket_id);
    if (t->status == "closed") throw Error(ErrorCode::invalid_argument, "the ticket is closed", "status");
    std::string body = detail::trimmed(body_in);
    if (body.empty()) body = "(an empty mail)";
    if (body.size() > options_.max_text) body = body.substr(0, options_.max_text);
    TicketMessage m = store.insert_message(ticket_id, store::Actor{0, std::string(author)}, "contact", body);
    events_.publish(message_event(*t, m));
    return m;
}

Ticket Cases::create_ticket(const Principal& who, const TicketFields& fields) {
    auto& store = db_.store().cases();
    return detail::audited(db_, who, "create_ticket", "fields " + fields_summary(fields), [&] {
        detail::require_role(who, kEveryone);
        Ticket t;
        t.org_id = who.org_id;
        t.source = "walkin";
        t.status = "open";
        t.priority = "medium";
        if (who.role == Role::agent && !fields.assigned_to) t.assigned_to = who.user_id;
        apply_fields(who, fields, references(db_, who, fields), t, options_.max_text, true);
        if (t.category_sub && !t.category_main)
            throw Error(ErrorCode::invalid_argument, "category_sub needs category_main", "category_main");
        bool mailed = false;
        Ticket created = store.insert_ticket(t, fields.contact, actor_of(who), status_mail(update_mail, mailed));
        mail_written(mailed);
        events_.publish(ticket_event("ticket.created", created));
        return created;
    });
}

Ticket Cases::update_ticket(const Principal& who, std::int64_t id, const TicketFields& fields) {
    auto& store = db_.store().cases();
    return detail::audited(db_, who, "update_ticket",
                           "ticket " + std::to_string(id) + " fields " + fields_summary(fields), [&] {
        detail::require_role(who, kEveryone);
        const References refs = references(db_, who, fields);
        bool mailed = false;
        auto updated = store.update_ticket(
            ticket_scope(who), id,
            [&](Ticket& t, std::optional<ContactFields>& contact) {
                apply_fields(who, fields, refs, t, options_.max_text, false);
                contact = fields.contact;
            },
            actor_of(who), status_mail(update_mail, mailed));
        if (!updated) throw no_ticket(id);
        mail_written(mailed);
        events_.publish(ticket_event("ticket.changed", *updated));
        return *updated;
    });
}

Ticket Cases::get_ticket(const Principal& who, std::int64_t id) {
    return detail::audited(db_, who, "get_ticket", "ticket " + std::to_string(id), [&] {
        detail::require_role(who, kEveryone);
        auto t = db_.store().cases().ticket(ticket_scope(who), id);
        if (!t) throw no_ticket(id);
        return std::move(*t);
    });
}

Page<Ticket> Cases::list_tickets(const Principal& who, const ListQuery& query) {
    return detail::audited(db_, who, "list_tickets", query.search.empty() ? "" : "search", [&] {
        detail::require_role(who, kEveryone);
        return db_.store().cases().list_tickets(ticket_scope(who), query, options_.list_limits);
    });
}

void Cases::export_tickets_csv(const Principal& who, const ListQuery& query, const CsvSink& sink) {
    detail::audited(db_, who, "export_tickets_csv", "csv", [&] {
        detail::require_role(who, kEveryone);
        db_.store().cases().tickets_csv(ticket_scope(who), query, options_.list_limits, sink);
    });
}

PivotReport Cases::report_tickets(const Principal& who, const ListQuery& query, const std::vector<std::string>& xaxis,
                                  const std::vector<std::string>& yaxis) {
    return detail::audited(db_, who, "report_tickets", "pivot", [&] {
        detail::require_role(who, kEveryone);
        return db_.store().cases().pivot_tickets(ticket_scope(who), query, xaxis, yaxis);
    });
}

std::vector<TicketChange> Cases::ticket_history(const Principal& who, std::int64_t id) {
    return detail::audited(db_, who, "ticket_history", "ticket " + std::to_string(id), [&] {
        detail::require_role(who, kEveryone);
        if (!db_.store().cases().ticket(ticket_scope(who), id)) throw no_ticket(id);
        return db_.store().cases().history(id);
    });
}

Ticket Cases::assign_ticket(const Principal& who, std::int64_t id, std::int64_t agent_id) {
    auto& store = db_.store().cases();
    return detail::audited(db_, who, "assign_ticket",
                           "ticket " + std::to_string(id) + " to user " + std::to_string(agent_id), [&] {
        detail::require_role(who, {Role::admin, Role::supervisor});
        TicketFields f;
        f.assigned_to = agent_id;
        const References refs = references(db_, who, f);
        bool mailed = false;
        auto updated = store.update_ticket(
            ticket_scope(who), id,
            [&](Ticket& t, std::optional<ContactFields>&) { apply_fields(who, f, refs, t, options_.max_text, false); },
            actor_of(who), status_mail(update_mail, mailed));
        if (!updated) throw no_ticket(id);
        mail_written(mailed);
        events_.publish(ticket_event("ticket.changed", *updated));
        return *updated;
    });
}

Ticket Cases::close_ticket(const Principal& who, std::int64_t id) {
    auto& store = db_.store().cases();
    return detail::audited(db_, who, "close_ticket", "ticket " + std::to_string(id), [&] {
        detail::require_role(who, kEveryone);
        bool mailed = false;
        auto updated = store.update_ticket(
            ticket_scope(who), id, [&](Ticket& t, std::optional<ContactFields>&) { t.status = "closed"; },
            actor_of(who), status_mail(update_mail, mailed));
        if (!updated) throw no_ticket(id);
        mail_written(mailed);
        events_.publish(ticket_event("ticket.changed", *updated));
        return *updated;
    });
}

TicketMessage Cases::post_message(const Principal& who, std::int64_t id, std::string_view body_in) {
    auto& store = db_.store().cases();
    return detail::audited(db_, who, "post_message", "ticket " + std::to_string(id), [&] {
        detail::require_role(who, kEveryone);
        const std::string body = detail::trimmed(body_in);
        if (body.empty()) throw Error(ErrorCode::invalid_argument, "the message is empty", "body");
        if (body.size() > options_.max_text)
            throw Error(ErrorCode::too_large, "the message is over " + std::to_string(options_.max_text) + " bytes",
                        "body");
        auto t = store.ticket(ticket_scope(who), id);
        if (!t) throw no_ticket(id);
        if (t->status == "closed") throw Error(ErrorCode::invalid_argument, "the ticket is closed", "status");
        // A reply of staff is mailed to the customer; the customer's own messages are not.
        bool mailed = false;
        const store::Actor author = actor_of(who);
        auto reply = [&](const std::optional<Ticket>&, const Ticket&) -> std::optional<StatusChange> {
            if (who.role == Role::customer) return std::nullopt;
            return StatusChange{"ticket_replied", body, author.name};
        };
        TicketMessage m = store.insert_message(id, author, std::string(to_string(who.role)), body,
                                               status_mail(reply, mailed));
        mail_written(mailed);
        events_.publish(message_event(*t, m));
        return m;
    });
}

std::vector<TicketMessage> Cases::list_messages(const Principal& who, std::int64_t id) {
    return detail::audited(db_, who, "list_messages", "ticket " + std::to_string(id), [&] {
        detail::require_role(who, kEveryone);
        if (!db_.store().cases().ticket(ticket_scope(who), id)) throw no_ticket(id);
        return db_.store().cases().messages(id);
    });
}

}  // namespace switchboard
