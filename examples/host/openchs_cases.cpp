// switchboard-host: OpenCHS tickets (seed 004, 3.1-3.6) with their contacts,
// plus what the Customer Care Registry (seed 001) needs in the same dialect:
// categories, assignment, closing, the conversation and the history of a
// ticket.
#include "openchs_common.hpp"

namespace switchboard::host {

using namespace openchs;

namespace {

// A contact in OpenCHS field names.
void write_contact(JsonOut& j, const Contact& c) {
    j.open_object()
        .member("id", str(c.id))
        .member("fname", c.first_name)
        .member("lname", c.last_name)
        .member("phone", c.phone)
        .member("email", c.email)
        .member("town", c.town)
        .member("country", c.country)
        .member("user_category", c.user_category)
        .member("position_in_org", c.position_in_org)
        .member("org_name", c.org_name)
        .close_object();
}

// A ticket in OpenCHS field names, every value a string; ids are "" for none.
// Written straight as JSON text: a page of them is the host's busiest answer.
void write_ticket(JsonOut& j, const Ticket& t) {
    j.open_object()
        .member("id", str(t.id))
        .member("ticket_no", t.ticket_no)
        .member("source", t.source)
        .member("source_id", t.source_id)
        .member("category_main", id_text(t.category_main))
        .member("category_sub", id_text(t.category_sub))
        .member("narrative", t.narrative)
        .member("resolution", t.resolution)
        .member("status", t.status)
        .member("priority", t.priority)
        .member("referred_to", t.referred_to)
        .member("escalated_to", t.escalated_to)
        .member("disposition", t.disposition)
        .member("contact_id", id_text(t.contact_id))
        .member("assigned_to", id_text(t.assigned_to))
        .member("created_by", id_text(t.created_by))
        .member("created_on", format_time(t.created_ms))
        .member("updated_on", format_time(t.updated_ms))
        .key("contacts");
    if (t.contact) write_contact(j, *t.contact);
    else j.open_object().close_object();
    j.close_object();
}

json::object category_object(const Category& c) {
    return {{"id", str(c.id)}, {"parent_id", id_text(c.parent_id)}, {"name", c.name}};
}

json::object change_object(const TicketChange& h) {
    return {{"id", str(h.id)},         {"ticket_id", str(h.ticket_id)}, {"field", h.field},
            {"old_value", h.old_value}, {"new_value", h.new_value},     {"user_id", id_text(h.user_id)},
            {"actor", h.actor},         {"created_on", format_time(h.time_ms)}};
}

json::object message_object(const TicketMessage& m) {
    return {{"id", str(m.id)},
            {"ticket_id", str(m.ticket_id)},
            {"author_id", id_text(m.author_id)},
            {"author", m.author},
            {"author_role", m.author_role},
            {"body", m.body},
            {"created_on", format_time(m.time_ms)}};
}

Response tickets_answer(int status, const char* info, const Ticket& t) {
    JsonOut j;
    j.open_object();
    if (info) j.key("tickets_nb").open_array().open_array().string("info").string(info).close_array().close_array();
    j.key("tickets").open_array();
    write_ticket(j, t);
    j.close_array().close_object();
    return Response::json(status, j.take());
}

// A record id given as a number or a string; "" and 0 are "none".
std::int64_t optional_id(const Params& p, const std::string& key) {
    const auto* v = p.find(key);
    if (v && v->is_string() && v->as_string().empty()) return 0;
    const auto n = p.whole(key);
    if (*n < 0) throw Refusal{key + " isn't a valid record id", key};
    return *n;
}

// The seed's "contacts" object: fname, lname, phone, email, town, country,
// user_category, position_in_org, org_name.
ContactFields contact_fields(const json::value& v) {
    if (!v.is_object()) throw Refusal{kDatatype, "contacts"};
    ContactFields f;
    for (const auto& kv : v.as_object()) {
        const std::string key(kv.key());
        std::optional<std::string> value;
        if (kv.value().is_string()) value = std::string(kv.value().as_string());
        else if (kv.value().is_int64()) value = std::to_string(kv.value().as_int64());
        else throw Refusal{kDatatype, safe_name(key), "contacts"};
        if (key == "fname") f.first_name = value;
        else if (key == "lname") f.last_name = value;
        else if (key == "phone") f.phone = value;
        else if (key == "email") f.email = value;
        else if (key == "town") f.town = value;
        else if (key == "country") f.country = value;
        else if (key == "user_category") f.user_category = value;
        else if (key == "position_in_org") f.position_in_org = value;
        else if (key == "org_name") f.org_name = value;
        else throw unknown_field(key, "contacts");
    }
    return f;
}

TicketFields ticket_fields(Exchange& c) {
    const Params& p = c.params;
    TicketFields f;
    for (const auto& kv : p.object()) {
        const std::string key(kv.key());
        if (key == "source") f.source = p.text(key);
        else if (key == "source_id") f.source_id = p.text(key);
        else if (key == "narrative") f.narrative = p.text(key);
        else if (key == "resolution") f.resolution = p.text(key);
        else if (key == "status") f.status = p.text(key);
        else if (key == "priority") f.priority = p.text(key);
        else if (key == "referred_to") f.referred_to = p.text(key);
        else if (key == "escalated_to") f.escalated_to = p.text(key);
        else if (key == "disposition") f.disposition = p.text(key);
        else if (key == "category_main") f.category_main = optional_id(p, key);
        else if (key == "category_sub") f.category_sub = optional_id(p, key);
        else if (key == "assigned_to") f.assigned_to = optional_id(p, key);
        else if (key == "contacts" || key == "contact") {
            if (p.from_form()) throw Refusal{kDatatype, key};  // a nested object needs JSON
            f.contact = contact_fields(kv.value());
        } else throw unknown_field(key);
    }
    if (f.contact) {
        // The core checks the contact's email and phone under those names.
        c.nested_tables = {{"email", "contacts"}, {"phone", "contacts"}};
    }
    return f;
}

// --------------------------------------------------------------- 3.1-3.3

Response create_ticket(Exchange& c) {
    const TicketFields f = ticket_fields(c);
    const Ticket t = c.core([&] { return c.ctx.cases.create_ticket(c.who, f); });
    return tickets_answer(201, "Ticket Created", t);
}

Response update_ticket(Exchange& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    const TicketFields f = ticket_fields(c);
    const Ticket t = c.core([&] { return c.ctx.cases.update_ticket(c.who, id, f); });
    return tickets_answer(202, "Ticket Updated", t);
}

Response view_ticket(Exchange& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    const Ticket t = c.core([&] { return c.ctx.cases.get_ticket(c.who, id); });
    return tickets_answer(200, nullptr, t);
}

// --------------------------------------------------------------- 3.4-3.6

// GET /eproc/tickets/?status=open&_c=50&_a=0&q=words; ?csv=1 for CSV.
Response list_tickets(Exchange& c) {
    const ListRequest lr = list_request(c, {"csv"}, {"q", "search"}, kTicketFields);
    if (csv_requested(lr)) {
        return stream_csv(
            c, "tickets.csv",
            [&ctx = c.ctx, who = c.who, q = lr.query](const CsvSink& sink) { ctx.cases.export_tickets_csv(who, q, sink); },
            lr.names);
    }
    const Page<Ticket> page = c.core([&] { return c.ctx.cases.list_tickets(c.who, lr.query); });
    JsonOut j;
    j.open_object().key("tickets").open_array();
    for (const auto& t : page.items) write_ticket(j, t);
    j.close_array();
    j.key("tickets_ctx").open_array().open_array().string("total").string(str(page.total)).close_array().close_array();
    j.close_object();
    return Response::json(200, j.take());
}

Response report_tickets(Exchange& c) {
    const ListRequest lr = list_request(c, {"xaxis", "yaxis"}, {"q", "search"});
    const Axes a = axes(lr);
    const PivotReport r =
        c.core([&] { return c.ctx.cases.report_tickets(c.who, lr.query, a.x, a.y); });
    return pivot_answer("tickets", r);
}

// --------------------------------------------------------------- Customer Care Registry

// POST /eproc/tickets/{id}/assign {"assigned_to": "12"} (or "agent_id").
Response assign_ticket(Exchange& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    std::optional<std::int64_t> agent;
    std::string agent_key = "assigned_to";
    for (const auto& kv : c.params.object()) {
        const std::string key(kv.key());
        if (key != "assigned_to" && key != "agent_id") throw unknown_field(key);
        agent = c.params.whole(key);
        agent_key = key;
    }
    if (!agent) throw Refusal{"assigned_to is required", "assigned_to"};
    if (*agent <= 0) throw Refusal{agent_key + " isn't a valid record id", agent_key};
    c.fields = {{"assigned_to", agent_key}, {"agent_id", agent_key}};
    const Ticket t = c.core([&] { return c.ctx.cases.assign_ticket(c.who, id, *agent); });
    return tickets_answer(202, "Ticket Assigned", t);
}

Response close_ticket(Exchange& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    for (const auto& kv : c.params.object()) throw unknown_field(std::string(kv.key()));
    const Ticket t = c.core([&] { return c.ctx.cases.close_ticket(c.who, id); });
    return tickets_answer(202, "Ticket Closed", t);
}

Response ticket_history(Exchange& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    for (const auto& [k, v] : c.req.query) throw unknown_field(k);
    const auto changes = c.core([&] { return c.ctx.cases.ticket_history(c.who, id); });
    json::array items;
    for (const auto& h : changes) items.push_back(change_object(h));
    json::object o;
    o["history"] = std::move(items);
    return send(200, o);
}

Response list_messages(Exchange& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    for (const auto& [k, v] : c.req.query) throw unknown_field(k);
    const auto messages = c.core([&] { return c.ctx.cases.list_messages(c.who, id); });
    json::array items;
    for (const auto& m : messages) items.push_back(message_object(m));
    json::object o;
    o["messages"] = std::move(items);
    return send(200, o);
}

// POST /eproc/tickets/{id}/messages {"body": "..."}
Response post_message(Exchange& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    std::optional<std::string> body;
    for (const auto& kv : c.params.object()) {
        const std::string key(kv.key());
        if (key != "body") throw unknown_field(key);
        body = c.params.text(key);
    }
    if (!body) throw Refusal{"body is required", "body"};
    const TicketMessage m = c.core([&] { return c.ctx.cases.post_message(c.who, id, *body); });
    json::object o;
    o["messages_nb"] = json::array{json::array{"info", "Message Created"}};
    o["messages"] = json::array{message_object(m)};
    return send(201, o);
}

// --------------------------------------------------------------- categories

Response list_categories(Exchange& c) {
    for (const auto& [k, v] : c.req.query) throw unknown_field(k);
    const auto categories = c.core([&] { return c.ctx.cases.list_categories(c.who); });
    json::array items;
    for (const auto& cat : categories) items.push_back(category_object(cat));
    json::object o;
    o["categories"] = std::move(items);
    return send(200, o);
}

// POST /eproc/categories {"name": "Child abuse", "parent_id": "2"?}
Response create_category(Exchange& c) {
    std::optional<std::string> name;
    std::int64_t parent = 0;
    for (const auto& kv : c.params.object()) {
        const std::string key(kv.key());
        if (key == "name") name = c.params.text(key);
        else if (key == "parent_id") parent = optional_id(c.params, key);
        else throw unknown_field(key);
    }
    if (!name) throw Refusal{"name is required", "name"};
    const Category cat = c.core([&] { return c.ctx.cases.add_category(c.who, *name, parent); });
    json::object o;
    o["categories_nb"] = json::array{json::array{"info", "Category Created"}};
    o["categories"] = json::array{category_object(cat)};
    return send(201, o);
}

}  // namespace

void register_openchs_cases(Server& server, Context& ctx) {
    server.route("POST", "/eproc/tickets", authed_endpoint(ctx, "tickets", create_ticket));
    // The two busiest reads run on the connection's loop (RouteOptions::fast).
    server.route("GET", "/eproc/tickets", authed_endpoint(ctx, "tickets", list_tickets), RouteOptions{.fast = true});
    server.route("GET", "/eproc/tickets/rpt", authed_endpoint(ctx, "tickets", report_tickets));
    server.route("POST", "/eproc/tickets/{id}", authed_endpoint(ctx, "tickets", update_ticket));
    server.route("GET", "/eproc/tickets/{id}", authed_endpoint(ctx, "tickets", view_ticket), RouteOptions{.fast = true});
    server.route("POST", "/eproc/tickets/{id}/assign", authed_endpoint(ctx, "tickets", assign_ticket));
    server.route("POST", "/eproc/tickets/{id}/close", authed_endpoint(ctx, "tickets", close_ticket));
    server.route("GET", "/eproc/tickets/{id}/history", authed_endpoint(ctx, "tickets", ticket_history));
    server.route("GET", "/eproc/tickets/{id}/messages", authed_endpoint(ctx, "messages", list_messages));
    server.route("POST", "/eproc/tickets/{id}/messages", authed_endpoint(ctx, "messages", post_message));
    server.route("GET", "/eproc/categories", authed_endpoint(ctx, "categories", list_categories));
    server.route("POST", "/eproc/categories", authed_endpoint(ctx, "categories", create_category));
}

}  // namespace switchboard::host
