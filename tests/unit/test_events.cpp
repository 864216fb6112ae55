// Events: published after the change, numbered per organisation, read by
// the rule that reads the record, resumed, waited for, kept for a window.
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "helpers.hpp"

using namespace switchboard;
using namespace std::chrono_literals;

namespace {

struct Desk : sbtest::OrgDesk {
    explicit Desk(std::int64_t retention_ms = EventsOptions{}.retention_ms)
        : OrgDesk([retention_ms](SwitchboardOptions& o) { o.events.retention_ms = retention_ms; }) {}
    Cases& cases = sb->cases();
    Events& events = sb->events();

    TicketFields ticket(const std::string& narrative) {
        TicketFields f;
        f.narrative = narrative;
        return f;
    }

    std::vector<std::string> types(const Principal& who, std::int64_t after = 0) {
        events.flush();
        std::vector<std::string> out;
        for (const Event& e : events.read(who, after, 100).events) out.push_back(e.type + " " + e.subject);
        return out;
    }
};

}  // namespace

TEST_CASE("changes publish events numbered per organisation", "[events]") {
    Desk d;
    const auto t = d.cases.create_ticket(d.admin, d.ticket("the router blinks red"));
    TicketFields f;
    f.priority = "high";
    d.cases.update_ticket(d.admin, t.id, f);
    d.cases.post_message(d.admin, t.id, "we are on it");
    d.cases.close_ticket(d.admin, t.id);
    d.events.flush();
    const EventBatch b = d.events.read(d.admin, 0, 100);
    REQUIRE(b.events.size() == 4);
    CHECK(b.gap == false);
    std::int64_t seq = 0;
    for (const Event& e : b.events) {
        CHECK(e.seq == ++seq);
        CHECK(e.org_id == d.admin.org_id);
        CHECK(e.subject == t.ticket_no);
        CHECK(e.time_ms >= t.created_ms);
    }
    CHECK(b.last_seq == 4);
    CHECK(b.events[0].type == "ticket.created");
    CHECK(b.events[1].type == "ticket.changed");
    CHECK(b.events[1].data.find("\"priority\":\"high\"") != std::string::npos);
    CHECK(b.events[2].type == "message.posted");
    CHECK(b.events[2].data.find("\"body\":\"we are on it\"") != std::string::npos);
    CHECK(b.events[3].type == "ticket.changed");
    CHECK(b.events[3].data.find("\"status\":\"closed\"") != std::string::npos);
    CHECK(d.events.last_seq(d.admin) == 4);
    // Another organisation counts from 1 and sees none of these.
    auto other = sbtest::make_org(d.acc, "other@example.org", "Other Help");
    const Principal other_admin = d.acc.authenticate(other.admin.token);
    CHECK(d.events.read(other_admin, 0, 100).events.empty());
    d.cases.create_ticket(other_admin, d.ticket("hello"));
    d.events.flush();
    const EventBatch ob = d.events.read(other_admin, 0, 100);
    REQUIRE(ob.events.size() == 1);
    CHECK(ob.events[0].seq == 1);
    // A refused change publishes nothing.
    f.priority = "urgent";
    CHECK_THROWS_AS(d.cases.update_ticket(d.admin, t.id, f), Error);
    d.events.flush();
    CHECK(d.events.last_seq(d.admin) == 4);
}

TEST_CASE("a reader sees the events of the records it may read", "[events][rules]") {
    Desk d;
    const Principal agent = d.user("kioko", Role::agent);
    const Principal other_agent = d.user("wanjiru", Role::agent);
    const Principal customer = d.user("surya", Role::customer);
    const Principal other_customer = d.user("bob", Role::customer);
    const Principal supervisor = d.user("sue", Role::supervisor);

    const auto mine = d.cases.create_ticket(customer, d.ticket("my order is late"));
    const auto theirs = d.cases.create_ticket(other_customer, d.ticket("my bill is wrong"));
    d.cases.assign_ticket(d.admin, mine.id, agent.user_id);
    d.cases.post_message(agent, mine.id, "looking into it");

    // The customer: their own ticket's events only (it was created, assigned, answered).
    CHECK(d.types(customer) == std::vector<std::string>{"ticket.created " + mine.ticket_no,
                                                       "ticket.changed " + mine.ticket_no,
                                                       "message.posted " + mine.ticket_no});
    CHECK(d.types(other_customer) == std::vector<std::string>{"ticket.created " + theirs.ticket_no});
    // The agent: the ticket since it is theirs (the event carries the
    // assignee as it was then).
    CHECK(d.types(agent) == std::vector<std::string>{"ticket.changed " + mine.ticket_no,
                                                    "message.posted " + mine.ticket_no});
    CHECK(d.types(other_agent).empty());
    // Admins and supervisors: everything.
    CHECK(d.types(supervisor).size() == 4);
    CHECK(d.types(d.admin).size() == 4);
    // A dev token reads interaction and job events, not tickets.
    const auto key = d.acc.add_dev_key(d.admin, "integrator");
    const Principal dev = d.acc.authenticate(
        d.acc.issue_dev_token("owner@example.org", "integrator", key.pass_key).token, TokenKind::dev);
    CHECK(d.types(dev).empty());
    TextInteractionFields text;
    text.text = "I will call you back tomorrow";
    const auto posted = d.sb->interactions().record_text(dev, text);
    REQUIRE(d.sb->jobs().drain(10s));
    CHECK(d.types(dev) == std::vector<std::string>{"interaction.ready " + posted.ricket});
    CHECK(d.types(customer).size() == 3);
    // The rule in one place: Events::may_see.
    const EventBatch all = d.events.read(d.admin, 0, 100);
    for (const Event& e : all.events) CHECK(Events::may_see(d.admin, e));
}

TEST_CASE("a reader resumes after the last seq and waits for the next event", "[events]") {
    Desk d;
    d.cases.create_ticket(d.admin, d.ticket("one"));
    d.cases.create_ticket(d.admin, d.ticket("two"));
    d.events.flush();
    const EventBatch first = d.events.read(d.admin, 0, 1);
    REQUIRE(first.events.size() == 1);
    CHECK(first.last_seq == 1);
    const EventBatch second = d.events.read(d.admin, first.last_seq, 10);
    REQUIRE(second.events.size() == 1);
    CHECK(second.events[0].seq == 2);
    // Nothing new: a read with a wait returns as soon as something happens.
    std::thread later([&] {
        std::this_thread::sleep_for(150ms);
        d.cases.create_ticket(d.admin, d.ticket("three"));
    });
    const auto t0 = std::chrono::steady_clock::now();
    const EventBatch third = d.events.read(d.admin, second.last_seq, 10, 5s);
    const auto waited = std::chrono::steady_clock::now() - t0;
    later.join();
    REQUIRE(third.events.size() == 1);
    CHECK(third.events[0].seq == 3);
    CHECK(waited >= 100ms);
    CHECK(waited < 3s);
    // And one with nothing to come waits its time, then answers empty.
    const auto t1 = std::chrono::steady_clock::now();
    const EventBatch none = d.events.read(d.admin, third.last_seq, 10, 200ms);
    CHECK(none.events.empty());
    CHECK(none.last_seq == 3);
    CHECK(std::chrono::steady_clock::now() - t1 >= 200ms);
}

TEST_CASE("events older than the retention window are removed, and a late reader is told", "[events]") {
    Desk d(1000);  // retention 1 s
    d.cases.create_ticket(d.admin, d.ticket("old news"));
    d.events.flush();
    std::this_thread::sleep_for(1300ms);
    d.cases.create_ticket(d.admin, d.ticket("fresh"));
    d.events.flush();  // this batch's writer removes what is past the window
    const EventBatch late = d.events.read(d.admin, 0, 10);
    REQUIRE(late.events.size() == 1);
    CHECK(late.events[0].seq == 2);
    CHECK_FALSE(late.gap);  // from the start: nothing was promised
    // A reader that had seen nothing after seq 0 ... and one that saw none
    // after 0 but resumes after a number that was removed since.
    d.cases.create_ticket(d.admin, d.ticket("later"));
    d.events.flush();
    std::this_thread::sleep_for(1300ms);
    d.cases.create_ticket(d.admin, d.ticket("latest"));
    d.events.flush();
    const EventBatch resumed = d.events.read(d.admin, 2, 10);
    CHECK(resumed.gap);  // seq 3 is gone
    REQUIRE(resumed.events.size() == 1);
    CHECK(resumed.events[0].seq == 4);
}

TEST_CASE("in-process listeners get every stored event, numbered", "[events]") {
    Desk d;
    std::mutex mu;
    std::vector<Event> heard;
    const auto id = d.events.subscribe([&](const std::vector<Event>& batch) {
        std::lock_guard<std::mutex> lock(mu);
        heard.insert(heard.end(), batch.begin(), batch.end());
    });
    d.cases.create_ticket(d.admin, d.ticket("a"));
    d.cases.create_ticket(d.admin, d.ticket("b"));
    d.events.flush();
    {
        std::lock_guard<std::mutex> lock(mu);
        REQUIRE(heard.size() == 2);
        CHECK(heard[0].seq == 1);
        CHECK(heard[1].seq == 2);
    }
    d.events.unsubscribe(id);
    d.cases.create_ticket(d.admin, d.ticket("c"));
    d.events.flush();
    std::lock_guard<std::mutex> lock(mu);
    CHECK(heard.size() == 2);
}

TEST_CASE("reads refuse what is out of range, naming it", "[events][errors]") {
    Desk d;
    CHECK(sbtest::error_of([&] { d.events.read(d.admin, -1, 10); }).second == "after");
    CHECK(sbtest::error_of([&] { d.events.read(d.admin, 0, 0); }).second == "limit");
    CHECK(sbtest::error_of([&] { d.events.read(d.admin, 0, 1001); }).second == "limit");
    CHECK(sbtest::error_of([&] { d.events.read(d.admin, 0, 10, std::chrono::minutes(11)); }).second == "wait");
    EventsOptions o;
    o.retention_ms = 10;
    CHECK(sbtest::error_of([&] { o.validate(); }).second == "retention_ms");
    CHECK(to_json(EventBatch{}) == R"({"events":[],"last_seq":0,"gap":false})");
}
