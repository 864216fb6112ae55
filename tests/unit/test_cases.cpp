#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "helpers.hpp"

using namespace switchboard;

namespace {

struct Desk : sbtest::OrgDesk {
    Cases& cases = sb->cases();
};

template <class F>
ErrorCode code_of(F&& fn) {
    return sbtest::thrown(std::forward<F>(fn)).code;
}

template <class F>
std::string field_of(F&& fn) {
    return sbtest::thrown(std::forward<F>(fn)).field;
}

TicketFields ticket(const std::string& narrative, const std::string& phone = "") {
    TicketFields f;
    f.narrative = narrative;
    if (!phone.empty()) {
        ContactFields c;
        c.first_name = "Amina";
        c.last_name = "Otieno";
        c.phone = phone;
        f.contact = c;
    }
    return f;
}

}  // namespace

TEST_CASE("a ticket is created with its contact; the same phone reuses the contact", "[cases]") {
    Desk d;
    auto t1 = d.cases.create_ticket(d.admin, ticket("caller reports abuse at school", "+254 711 000001"));
    CHECK(t1.ticket_no == "TK000001");
    CHECK(t1.status == "open");
    CHECK(t1.priority == "medium");
    CHECK(t1.source == "walkin");
    REQUIRE(t1.contact);
    CHECK(t1.contact->first_name == "Amina");
    auto t2 = d.cases.create_ticket(d.admin, ticket("follow-up call", "+254 711 000001"));
    CHECK(t2.ticket_no == "TK000002");
    CHECK(t2.contact_id == t1.contact_id);
    auto t3 = d.cases.create_ticket(d.admin, ticket("another caller", "+254 711 000002"));
    CHECK(t3.contact_id != t1.contact_id);
    CHECK(d.cases.get_ticket(d.admin, t1.id).narrative == "caller reports abuse at school");
}

TEST_CASE("bad ticket input is refused with the field, and nothing is half-written", "[cases]") {
    Desk d;
    auto bad = ticket("x", "+254 711 000009");
    bad.status = "pending";
    CHECK(field_of([&] { d.cases.create_ticket(d.admin, bad); }) == "status");
    bad = ticket("x", "+254 711 000009");
    bad.category_main = 999;
    CHECK(field_of([&] { d.cases.create_ticket(d.admin, bad); }) == "category_main");
    bad = ticket("x", "+254 711 000009");
    bad.assigned_to = 999;
    CHECK(field_of([&] { d.cases.create_ticket(d.admin, bad); }) == "assigned_to");
    bad = ticket("x");
    bad.disposition = "hung up";
    CHECK(field_of([&] { d.cases.create_ticket(d.admin, bad); }) == "disposition");
    // No orphan contact, no ticket number used.
    auto ok = d.cases.create_ticket(d.admin, ticket("fine", "+254 711 000009"));
    CHECK(ok.ticket_no == "TK000001");
    CHECK(d.cases.list_tickets(d.admin, {}).total == 1);
    auto with_space = ticket("completed");
    with_space.disposition = "call completed";
    CHECK(d.cases.create_ticket(d.admin, with_space).disposition == "call-completed");
}

TEST_CASE("categories form a two-level tree per organisation", "[cases]") {
    Desk d;
    auto main = d.cases.add_category(d.admin, "Abuse");
    auto sub = d.cases.add_category(d.admin, "Physical", main.id);
    auto other = d.cases.add_category(d.admin, "Health");
    CHECK(code_of([&] { d.cases.add_category(d.admin, "Abuse"); }) == ErrorCode::already_exists);
    CHECK(code_of([&] { d.cases.add_category(d.admin, "Deeper", sub.id); }) == ErrorCode::invalid_argument);
    auto f = ticket("case");
    f.category_main = main.id;
    f.category_sub = sub.id;
    auto t = d.cases.create_ticket(d.admin, f);
    CHECK(t.category_sub == sub.id);
    f.category_main = other.id;
    CHECK(field_of([&] { d.cases.create_ticket(d.admin, f); }) == "category_sub");
    CHECK(d.cases.list_categories(d.admin).size() == 3);
}

TEST_CASE("every change of a ticket is kept in its history", "[cases]") {
    Desk d;
    auto agent = d.user("kioko", Role::agent);
    auto t = d.cases.create_ticket(d.admin, ticket("lost parcel", "+254 711 000001"));
    TicketFields change;
    change.status = "escalated";
    change.priority = "high";
    change.escalated_to = "police";
    d.cases.update_ticket(d.admin, t.id, change);
    d.cases.assign_ticket(d.admin, t.id, agent.user_id);
    d.cases.update_ticket(d.admin, t.id, change);  // no change: no history
    auto h = d.cases.ticket_history(d.admin, t.id);
    REQUIRE(h.size() == 5);
    CHECK(h[0].field == "created");
    CHECK(h[1].field == "status");
    CHECK(h[1].old_value == "open");
    CHECK(h[1].new_value == "escalated");
    CHECK(h[1].actor == d.org.created.admin.username);
    CHECK(h[4].field == "assigned_to");
    CHECK(h[4].new_value == std::to_string(agent.user_id));
}

TEST_CASE("the Customer Care Registry flow, with every refusal", "[cases][ccr]") {
    Desk d;
    auto agent = d.user("kioko", Role::agent);
    auto other_agent = d.user("wanjiru", Role::agent);
    Registration r;
    r.org_id = d.org.created.organisation.id;
    r.email = "surya@example.org";
    r.password = r.password_confirm = sbtest::kPassword;
    r.first_name = "Surya";
    d.acc.register_customer(r);
    CHECK(d.acc.verify_email(sbtest::secret_from_outbox(d.acc, "surya@example.org", "Verification key: ")));
    auto customer = d.acc.authenticate(d.acc.sign_in("surya@example.org", sbtest::kPassword).token);
    auto other_customer = d.user("bob", Role::customer);

    // The customer raises a ticket: only the narrative is theirs to give.
    auto t = d.cases.create_ticket(customer, ticket("Which charger fits model X?"));
    CHECK(t.created_by == customer.user_id);
    auto pushy = ticket("urgent!");
    pushy.priority = "high";
    CHECK(code_of([&] { d.cases.create_ticket(customer, pushy); }) == ErrorCode::forbidden);

    // Only admins and supervisors assign; only to agents of the organisation.
    CHECK(code_of([&] { d.cases.assign_ticket(customer, t.id, agent.user_id); }) == ErrorCode::forbidden);
    CHECK(code_of([&] { d.cases.assign_ticket(agent, t.id, agent.user_id); }) == ErrorCode::forbidden);
    CHECK(code_of([&] { d.cases.assign_ticket(d.admin, t.id, customer.user_id); }) == ErrorCode::invalid_argument);
    d.cases.assign_ticket(d.admin, t.id, agent.user_id);

    // Who sees the ticket.
    CHECK(d.cases.get_ticket(agent, t.id).assigned_to == agent.user_id);
    CHECK(code_of([&] { d.cases.get_ticket(other_agent, t.id); }) == ErrorCode::not_found);
    CHECK(code_of([&] { d.cases.get_ticket(other_customer, t.id); }) == ErrorCode::not_found);
    CHECK(d.cases.list_tickets(customer, {}).total == 1);
    CHECK(d.cases.list_tickets(other_customer, {}).total == 0);
    CHECK(d.cases.list_tickets(other_agent, {}).total == 0);

    // The conversation.
    d.cases.post_message(customer, t.id, "Hello, which charger?");
    d.cases.post_message(agent, t.id, "The 65 W USB-C one.");
    CHECK(code_of([&] { d.cases.post_message(other_agent, t.id, "hi"); }) == ErrorCode::not_found);
    CHECK(code_of([&] { d.cases.post_message(customer, t.id, "   "); }) == ErrorCode::invalid_argument);
    auto msgs = d.cases.list_messages(customer, t.id);
    REQUIRE(msgs.size() == 2);
    CHECK(msgs[0].author_role == "customer");
    CHECK(msgs[1].author == "kioko");
    CHECK(msgs[1].body == "The 65 W USB-C one.");

    // The customer may edit only the narrative, and closes the ticket.
    TicketFields resolve;
    resolve.resolution = "done";
    CHECK(code_of([&] { d.cases.update_ticket(customer, t.id, resolve); }) == ErrorCode::forbidden);
    CHECK(code_of([&] { d.cases.close_ticket(other_customer, t.id); }) == ErrorCode::not_found);
    CHECK(d.cases.close_ticket(customer, t.id).status == "closed");
    CHECK(code_of([&] { d.cases.post_message(agent, t.id, "anything else?"); }) == ErrorCode::invalid_argument);
    // The search finds the conversation's words.
    ListQuery q;
    q.search = "USB-C";
    CHECK(d.cases.list_tickets(d.admin, q).total == 1);
}

TEST_CASE("ticket lists filter, page, search and refuse unknown fields", "[cases][list]") {
    Desk d;
    for (int i = 0; i < 30; ++i) {
        auto f = ticket(i % 2 ? "school fees question" : "domestic violence report", "+254 711 1000" + std::to_string(10 + i));
        f.priority = i % 3 == 0 ? "high" : "low";
        f.status = i % 5 == 0 ? "closed" : "open";
        d.cases.create_ticket(d.admin, f);
    }
    ListQuery q;
    q.filters = {{"status", "open"}, {"priority", "high"}};
    q.count = 3;
    q.offset = 1;
    auto page = d.cases.list_tickets(d.admin, q);
    CHECK(page.total == 8);
    REQUIRE(page.items.size() == 3);
    CHECK(page.items[0].id > page.items[1].id);
    for (const auto& t : page.items) CHECK((t.status == "open" && t.priority == "high"));

    ListQuery search;
    search.search = "violence";
    CHECK(d.cases.list_tickets(d.admin, search).total == 15);
    search.search = "Otieno";  // the contact's name
    CHECK(d.cases.list_tickets(d.admin, search).total == 30);
    search.search = "\"unbalanced OR";  // FTS syntax is taken as words
    CHECK(d.cases.list_tickets(d.admin, search).total == 0);

    ListQuery bad;
    bad.filters = {{"narrative; DROP TABLE tickets", "x"}};
    CHECK(field_of([&] { d.cases.list_tickets(d.admin, bad); }) == "narrative; DROP TABLE tickets");
    ListQuery range;
    range.filters = {{"created_on", "2000-01-01 to 2999-01-01"}};
    CHECK(d.cases.list_tickets(d.admin, range).total == 30);
}

TEST_CASE("queue-view totals follow every change of status and priority", "[cases][list]") {
    // The total of a status/priority selection comes from a tally kept by
    // triggers; a time range in the query makes the store count the rows.
    Desk d;
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 12; ++i) {
        auto f = ticket("tally " + std::to_string(i));
        f.priority = i % 2 ? "high" : "low";
        ids.push_back(d.cases.create_ticket(d.admin, f).id);
    }
    TicketFields close;
    close.status = "closed";
    d.cases.update_ticket(d.admin, ids[0], close);
    d.cases.update_ticket(d.admin, ids[1], close);
    TicketFields raise;
    raise.priority = "high";
    d.cases.update_ticket(d.admin, ids[2], raise);
    d.cases.close_ticket(d.admin, ids[3]);

    auto totals = [&](std::vector<std::pair<std::string, std::string>> filters) {
        ListQuery tallied;
        tallied.filters = filters;
        ListQuery counted = tallied;
        counted.filters.emplace_back("created_on", "2000-01-01 to 2999-01-01");
        return std::pair{d.cases.list_tickets(d.admin, tallied).total, d.cases.list_tickets(d.admin, counted).total};
    };
    CHECK(totals({}) == std::pair<std::int64_t, std::int64_t>{12, 12});
    CHECK(totals({{"status", "open"}}) == std::pair<std::int64_t, std::int64_t>{9, 9});
    CHECK(totals({{"status", "closed"}}) == std::pair<std::int64_t, std::int64_t>{3, 3});
    // Closed: the first, second and fourth (two of them high); the third became high.
    CHECK(totals({{"status", "open"}, {"priority", "high"}}) == std::pair<std::int64_t, std::int64_t>{5, 5});
    CHECK(totals({{"priority", "low"}}) == std::pair<std::int64_t, std::int64_t>{5, 5});
    CHECK(totals({{"status", "escalated"}}) == std::pair<std::int64_t, std::int64_t>{0, 0});
    CHECK(totals({{"status", "no-such-status"}}) == std::pair<std::int64_t, std::int64_t>{0, 0});
    // The page itself is unchanged: the newest open, high tickets first.
    ListQuery q;
    q.filters = {{"status", "open"}, {"priority", "high"}};
    q.count = 2;
    q.offset = 1;
    const auto page = d.cases.list_tickets(d.admin, q);
    REQUIRE(page.items.size() == 2);
    CHECK(page.items[0].id == ids[9]);
    CHECK(page.items[1].id == ids[7]);
}

TEST_CASE("tickets export as CSV that spreadsheets cannot run", "[cases][csv]") {
    Desk d;
    auto f = ticket("=HYPERLINK(\"http://x\")", "+254 711 000001");
    f.resolution = "line one\nline \"two\", done";
    d.cases.create_ticket(d.admin, f);
    d.cases.create_ticket(d.admin, ticket("plain"));
    std::string csv;
    int pieces = 0;
    d.cases.export_tickets_csv(d.admin, {}, [&](std::string_view s) {
        csv += s;
        ++pieces;
    });
    CHECK(pieces >= 1);
    CHECK(csv.rfind("id,ticket_no,source,", 0) == 0);
    CHECK(csv.find("\"'=HYPERLINK(\"\"http://x\"\")\"") != std::string::npos);
    CHECK(csv.find("\"line one\nline \"\"two\"\", done\"") != std::string::npos);
    CHECK(std::count(csv.begin(), csv.end(), '\r') == 3);  // header and two rows
    CHECK(csv.find("TK000002") < csv.find("TK000001"));     // newest first
}

TEST_CASE("pivot reports count by group fields", "[cases][pivot]") {
    Desk d;
    for (int i = 0; i < 12; ++i) {
        auto f = ticket("t");
        f.status = i < 8 ? "open" : "closed";
        f.priority = i % 2 ? "high" : "low";
        d.cases.create_ticket(d.admin, f);
    }
    auto total = d.cases.report_tickets(d.admin, {}, {}, {});
    REQUIRE(total.rows.size() == 1);
    CHECK(total.rows[0].count == 12);
    auto r = d.cases.report_tickets(d.admin, {}, {"status"}, {"priority"});
    CHECK(r.total == 12);
    REQUIRE(r.rows.size() == 4);
    CHECK(r.rows[0].keys == std::vector<std::string>{"closed", "high"});
    CHECK(r.rows[0].count == 2);
    CHECK(r.rows[3].keys == std::vector<std::string>{"open", "low"});
    CHECK(r.rows[3].count == 4);
    ListQuery open_only;
    open_only.filters = {{"status", "open"}};
    CHECK(d.cases.report_tickets(d.admin, open_only, {"priority"}, {}).total == 8);
    CHECK(field_of([&] { d.cases.report_tickets(d.admin, {}, {"narrative"}, {}); }) == "xaxis");
    CHECK(field_of([&] { d.cases.report_tickets(d.admin, {}, {}, {"nope"}); }) == "yaxis");
    CHECK(field_of([&] { d.cases.report_tickets(d.admin, {}, {"status"}, {"status"}); }) == "yaxis");
    // The contact's fields group too (OpenCHS contact_* group fields).
    auto f = ticket("with a town", "+254 711 000077");
    f.contact->town = "Nairobi";
    d.cases.create_ticket(d.admin, f);
    auto towns = d.cases.report_tickets(d.admin, {}, {"contact_town"}, {});
    REQUIRE(towns.rows.size() == 2);
    CHECK(towns.rows[0].keys == std::vector<std::string>{""});
    CHECK(towns.rows[0].count == 12);
    CHECK(towns.rows[1].keys == std::vector<std::string>{"Nairobi"});
}

TEST_CASE("tickets never cross organisations", "[cases][security]") {
    Desk d;
    auto t = d.cases.create_ticket(d.admin, ticket("private", "+254 711 000001"));
    auto other = sbtest::make_org(d.acc, "other@example.org", "Other Org");
    auto admin_b = d.acc.authenticate(other.admin.token);
    CHECK(code_of([&] { d.cases.get_ticket(admin_b, t.id); }) == ErrorCode::not_found);
    CHECK(code_of([&] { d.cases.update_ticket(admin_b, t.id, ticket("mine now")); }) == ErrorCode::not_found);
    CHECK(code_of([&] { d.cases.list_messages(admin_b, t.id); }) == ErrorCode::not_found);
    CHECK(d.cases.list_tickets(admin_b, {}).total == 0);
    // The same phone in another organisation is another contact.
    auto t_b = d.cases.create_ticket(admin_b, ticket("theirs", "+254 711 000001"));
    CHECK(t_b.contact_id != t.contact_id);
    CHECK(t_b.ticket_no == "TK000001");
    auto op_org = d.acc.create_operator("root", "ops@example.org", sbtest::kPassword);
    auto op = d.acc.authenticate(d.acc.sign_in("ops@example.org", sbtest::kPassword).token);
    CHECK(code_of([&] { d.cases.list_tickets(op, {}); }) == ErrorCode::forbidden);
    (void)op_org;
}

TEST_CASE("update and assign on an in-memory database finish (they once waited on themselves)", "[cases][memory]") {
    // On ":memory:" reads take the writer's lock. update_ticket used to look
    // up categories and assignees from inside its own write transaction, and
    // waited forever for the lock it held.
    SwitchboardOptions o;
    o.accounts = sbtest::fast_options();
    Switchboard sb(":memory:", o);
    auto org = sbtest::make_org(sb.accounts(), "memory@example.org");
    const Principal admin = sb.accounts().authenticate(org.admin.token);
    UserFields f;
    f.username = "kioko";
    f.email = "kioko@example.org";
    f.password = sbtest::kPassword;
    f.role = Role::agent;
    const auto agent = sb.accounts().create_user(admin, f).user;
    const auto main_cat = sb.cases().add_category(admin, "Billing");
    const auto sub_cat = sb.cases().add_category(admin, "Refunds", main_cat.id);
    TicketFields t;
    t.narrative = "refund please";
    const auto ticket = sb.cases().create_ticket(admin, t);
    TicketFields change;
    change.category_main = main_cat.id;
    change.category_sub = sub_cat.id;
    change.assigned_to = agent.id;
    const auto updated = sb.cases().update_ticket(admin, ticket.id, change);
    CHECK(updated.category_sub == sub_cat.id);
    CHECK(updated.assigned_to == agent.id);
    const auto assigned = sb.cases().assign_ticket(admin, ticket.id, 0);
    CHECK(assigned.assigned_to == 0);
    CHECK(sb.cases().close_ticket(admin, ticket.id).status == "closed");
}

// A ticket read by id is kept in memory (DatabaseOptions::record_cache_bytes),
// and a read of a kept ticket takes no query. What changes it, the ticket or
// its contact, from this process or another handle on the file (the CLI), is
// seen: at once for this process, within the follow interval for another.
TEST_CASE("kept tickets follow every change, from any process", "[cases][kept]") {
    Desk d;
    const auto t = d.cases.create_ticket(d.admin, ticket("first words", "+254 711 000100"));
    const auto other_ticket = d.cases.create_ticket(d.admin, ticket("a second ticket", "+254 711 000101"));
    CHECK(d.cases.get_ticket(d.admin, t.id).narrative == "first words");  // now kept
    CHECK(d.cases.get_ticket(d.admin, other_ticket.id).narrative == "a second ticket");

    // A change made here is seen by the next read.
    TicketFields f;
    f.narrative = "changed here";
    d.cases.update_ticket(d.admin, t.id, f);
    CHECK(d.cases.get_ticket(d.admin, t.id).narrative == "changed here");

    // Another handle on the same file, as another process would be.
    auto options = sbtest::desk_options(d.dir);
    Switchboard other((d.dir / "sb.db").string(), options);
    const Principal other_admin = other.accounts().authenticate(d.org.admin.token);
    f.narrative = "changed by another process";
    other.cases().update_ticket(other_admin, t.id, f);
    // Its contact, changed through a new ticket with the same phone and a
    // new name.
    auto same_phone = ticket("same caller again", "+254 711 000101");
    same_phone.contact->first_name = "Baraka";
    other.cases().create_ticket(other_admin, same_phone);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (std::chrono::steady_clock::now() < deadline &&
           (d.cases.get_ticket(d.admin, t.id).narrative != "changed by another process" ||
            d.cases.get_ticket(d.admin, other_ticket.id).contact->first_name != "Baraka"))
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(d.cases.get_ticket(d.admin, t.id).narrative == "changed by another process");
    CHECK(d.cases.get_ticket(d.admin, other_ticket.id).contact->first_name == "Baraka");

    // The scope still holds for a kept ticket: an agent it is not assigned
    // to does not see it.
    const Principal agent = d.user("kioko", Role::agent);
    CHECK(code_of([&] { d.cases.get_ticket(agent, t.id); }) == ErrorCode::not_found);
}

TEST_CASE("a process that missed pruned changes forgets every kept ticket", "[cases][kept]") {
    Desk d;
    const auto t = d.cases.create_ticket(d.admin, ticket("before"));
    CHECK(d.cases.get_ticket(d.admin, t.id).narrative == "before");  // kept
    {
        // Another process changes the ticket, and the log rows of that
        // change are gone before this process reads them (as a prune after
        // a long pause would leave it).
        SQLite::Database raw((d.dir / "sb.db").string(), SQLite::OPEN_READWRITE);
        raw.exec("PRAGMA busy_timeout = 5000");
        SQLite::Transaction tx(raw);
        raw.exec("UPDATE tickets SET narrative = 'after' WHERE id = " + std::to_string(t.id));
        raw.exec("DELETE FROM record_changes");
        tx.commit();
    }
    // The follower sees that rows it had not read are gone.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (std::chrono::steady_clock::now() < deadline && d.cases.get_ticket(d.admin, t.id).narrative != "after")
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(d.cases.get_ticket(d.admin, t.id).narrative == "after");
}
