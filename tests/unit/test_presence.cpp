// Presence and queues: the state machine, the offering of waiting calls
// (idle longest first, ring timeouts, autopause, overflow), heartbeats,
// wrap-up, who may do what, the agent state report, the events, and the
// offering under many threads at once.
#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "helpers.hpp"

using namespace switchboard;

namespace {

// A desk whose presence runs on a clock the test moves (no timer thread).
struct Floor : sbtest::OrgDesk {
    // The clock presence reads: 2027-01-15T08:00:00Z at the start.
    static inline std::atomic<std::int64_t>* clock_ = nullptr;

    Floor()
        : OrgDesk([](SwitchboardOptions& o) {
              o.presence.timer_thread = false;
              o.presence.clock = [] { return clock_->load(); };
          }) {}
    Presence& p = sb->presence();

    // Must run before the first call of presence: the clock points here.
    static Floor* make() {
        static std::atomic<std::int64_t> shared{1'800'000'000'000};
        shared = 1'800'000'000'000;
        clock_ = &shared;
        return new Floor();
    }
    void advance(std::int64_t ms) {
        *clock_ += ms;
        p.tick();
    }
    std::int64_t t() const { return clock_->load(); }

    QueueSettings queue(const std::string& name, std::int64_t ring = 20'000, std::int64_t wrap = 30'000) {
        QueueSettings q;
        q.name = name;
        q.ring_timeout_ms = ring;
        q.wrap_up_ms = wrap;
        return p.put_queue(admin, q);
    }
};

std::unique_ptr<Floor> floor_desk() { return std::unique_ptr<Floor>(Floor::make()); }

using sbtest::error_of;
using sbtest::thrown;

}  // namespace

TEST_CASE("agent states change only along the table", "[presence]") {
    auto f = floor_desk();
    auto agent = f->user("amina", Role::agent);
    CHECK(f->p.status(agent).state == AgentState::offline);
    CHECK(f->p.log_in(agent).state == AgentState::available);
    CHECK(f->p.log_in(agent).state == AgentState::available);  // again: nothing changes

    auto bad = thrown([&] { f->p.start_break(agent, "coffee"); });
    CHECK(bad.code == ErrorCode::invalid_argument);
    CHECK(bad.field == "reason");
    CHECK(bad.message == "\"coffee\" is not one of the organisation's break reasons");

    auto s = f->p.start_break(agent, "lunch");
    CHECK(s.state == AgentState::on_break);
    CHECK(s.reason == "lunch");
    CHECK(s.since_ms == f->t());
    auto wrong = thrown([&] { f->p.end_wrap_up(agent); });
    CHECK(wrong.code == ErrorCode::conflict);
    CHECK(wrong.message == "cannot end the wrap-up while on_break (lunch)");
    CHECK(f->p.end_break(agent).state == AgentState::available);
    CHECK(thrown([&] { f->p.end_break(agent); }).message == "cannot end a break while available");
    CHECK(f->p.log_out(agent).state == AgentState::offline);
    CHECK(thrown([&] { f->p.start_break(agent, "lunch"); }).message == "cannot start a break while offline");

    // Customers have no presence; dev tokens neither.
    auto customer = f->user("kamau", Role::customer);
    CHECK(error_of([&] { f->p.log_in(customer); }).first == ErrorCode::forbidden);
}

TEST_CASE("a waiting call goes to the agent idle longest, then the next on a timeout", "[presence][offer]") {
    auto f = floor_desk();
    QueueSettings q;
    q.name = "queue_english";
    q.ring_timeout_ms = 15'000;
    q.max_missed_offers = 2;
    f->p.put_queue(f->admin, q);
    auto a = f->user("amina", Role::agent);
    auto b = f->user("brian", Role::agent);
    auto c = f->user("chebet", Role::agent);
    f->p.log_in(b);
    f->advance(1000);
    f->p.log_in(a);
    f->advance(1000);
    f->p.log_in(c);

    auto call = f->p.enqueue(f->admin, "call-1", "queue_english", "+254700000111");
    CHECK(call.state == CallState::offered);
    CHECK(call.agent_id == b.user_id);  // idle since the earliest
    auto rb = f->p.status(b);
    CHECK(rb.state == AgentState::ringing);
    CHECK(rb.call_id == "call-1");
    CHECK(rb.call_phone == "+254700000111");
    CHECK(thrown([&] { f->p.answer(a, "call-1"); }).message == "call call-1 is not offered to you");

    f->advance(15'000);  // brian does not answer
    CHECK(f->p.status(b).missed_offers == 1);
    CHECK(f->p.status(b).state == AgentState::available);
    CHECK(f->p.call(f->admin, "call-1").agent_id == a.user_id);
    CHECK(f->p.reject(a, "call-1").agent_id == c.user_id);  // amina rejects: on to chebet
    CHECK(f->p.status(a).state == AgentState::available);
    CHECK(f->p.status(a).missed_offers == 0);

    auto answered = f->p.answer(c, "call-1");
    CHECK(answered.state == CallState::connected);
    CHECK(answered.offers == 3);
    CHECK(f->p.status(c).state == AgentState::on_call);

    // A second call: brian misses again and is paused (max_missed_offers 2).
    f->p.enqueue(f->admin, "call-2", "queue_english");
    CHECK(f->p.call(f->admin, "call-2").agent_id == b.user_id);
    f->advance(15'000);
    auto paused = f->p.status(b);
    CHECK(paused.state == AgentState::on_break);
    CHECK(paused.reason == "missed offers");
    CHECK(f->p.call(f->admin, "call-2").agent_id == a.user_id);
}

TEST_CASE("after a call the agent wraps up, then is available again", "[presence][wrapup]") {
    auto f = floor_desk();
    f->queue("sales", 20'000, 30'000);
    auto a = f->user("amina", Role::agent);
    f->p.log_in(a);
    f->p.enqueue(f->admin, "c1", "sales");
    f->p.answer(a, "c1");
    CHECK(thrown([&] { f->p.log_out(a); }).message == "cannot log out while on_call");
    auto ended = f->p.end_call(a, "c1");
    CHECK(ended.state == CallState::ended);
    auto s = f->p.status(a);
    CHECK(s.state == AgentState::wrap_up);
    CHECK(s.wrap_up_until_ms == f->t() + 30'000);
    CHECK(f->p.extend_wrap_up(a, 10'000).wrap_up_until_ms == f->t() + 40'000);
    f->advance(30'000);
    CHECK(f->p.status(a).state == AgentState::wrap_up);
    f->advance(10'000);
    CHECK(f->p.status(a).state == AgentState::available);
    CHECK(f->p.end_call(f->admin, "c1").state == CallState::ended);  // ended twice: nothing changes

    // Ending the wrap-up early.
    f->p.enqueue(f->admin, "c2", "sales");
    f->p.answer(a, "c2");
    f->p.end_call(f->admin, "c2");
    CHECK(f->p.end_wrap_up(a).state == AgentState::available);
    // A caller who hangs up while waiting abandons the call.
    auto b = f->user("brian", Role::agent);
    f->p.start_break(a, "training");
    f->p.enqueue(f->admin, "c3", "sales");
    CHECK(f->p.end_call(f->admin, "c3").state == CallState::abandoned);
    CHECK(error_of([&] { f->p.end_call(b, "c2"); }).first == ErrorCode::forbidden);
}

TEST_CASE("heartbeats: silence logs an agent out; no microphone, no call", "[presence][heartbeat]") {
    auto f = floor_desk();
    PresenceSettings s;
    s.heartbeat_timeout_ms = 60'000;
    f->p.set_settings(f->admin, s);
    f->queue("support");
    auto a = f->user("amina", Role::agent);
    auto b = f->user("brian", Role::agent);
    f->p.log_in(a);
    f->p.log_in(b);
    CHECK(f->p.heartbeat(a, false).mic_permission == false);
    f->p.heartbeat(b, true);
    f->p.enqueue(f->admin, "c1", "support");
    CHECK(f->p.call(f->admin, "c1").agent_id == b.user_id);  // amina idle longer, but no microphone
    f->p.answer(b, "c1");
    f->advance(59'000);
    CHECK(f->p.status(a).state == AgentState::available);
    f->advance(1'000);
    auto gone = f->p.status(a);
    CHECK(gone.state == AgentState::offline);
    CHECK(gone.reason == "no heartbeat");
    CHECK(f->p.status(b).state == AgentState::on_call);  // on a call: left on it
    // Permission given back: the agent may take calls again.
    f->p.log_in(a);
    f->p.heartbeat(a, false);
    f->p.enqueue(f->admin, "c2", "support");
    CHECK(f->p.call(f->admin, "c2").state == CallState::waiting);
    f->p.heartbeat(a, true);
    CHECK(f->p.call(f->admin, "c2").agent_id == a.user_id);
}

TEST_CASE("a call waiting too long overflows to another queue or voicemail", "[presence][overflow]") {
    auto f = floor_desk();
    f->queue("queue_swahili");
    QueueSettings english;
    english.name = "queue_english";
    english.max_wait_ms = 60'000;
    english.overflow = "queue_swahili";
    f->p.put_queue(f->admin, english);
    QueueSettings self_loop = english;
    self_loop.overflow = "queue_english";
    CHECK(thrown([&] { f->p.put_queue(f->admin, self_loop); }).message == "a queue cannot overflow into itself");
    QueueSettings missing = english;
    missing.overflow = "queue_french";
    CHECK(thrown([&] { f->p.put_queue(f->admin, missing); }).message == "no queue \"queue_french\" to overflow into");

    auto a = f->user("amina", Role::agent);
    f->p.set_agent_queues(f->admin, a.user_id, {"queue_swahili"});
    CHECK(f->p.status(a).queues == std::vector<std::string>{"queue_swahili"});
    f->p.log_in(a);
    f->p.enqueue(f->admin, "c1", "queue_english");
    CHECK(f->p.call(f->admin, "c1").state == CallState::waiting);  // nobody in queue_english
    f->advance(60'000);
    auto moved = f->p.call(f->admin, "c1");
    CHECK(moved.queue == "queue_swahili");
    CHECK(moved.agent_id == a.user_id);

    QueueSettings night;
    night.name = "night";
    night.max_wait_ms = 30'000;
    night.overflow = "voicemail";
    f->p.put_queue(f->admin, night);
    f->p.enqueue(f->admin, "c2", "night");
    f->advance(30'000);
    auto vm = f->p.call(f->admin, "c2");
    CHECK(vm.state == CallState::overflowed);
    CHECK(vm.overflow == "voicemail");
    CHECK(thrown([&] { f->p.delete_queue(f->admin, "queue_swahili"); }).message ==
          "queue \"queue_english\" overflows into \"queue_swahili\"");
}

TEST_CASE("joining a queue rings to confirm, unless the organisation says at once", "[presence][join]") {
    auto f = floor_desk();
    f->queue("queue_english");
    auto a = f->user("amina", Role::agent);
    auto s = f->p.join(a);
    CHECK(s.state == AgentState::ringing);
    f->p.enqueue(f->admin, "c1", "queue_english");
    CHECK(f->p.call(f->admin, "c1").state == CallState::waiting);  // not yet confirmed
    auto confirmed = f->p.confirm_join(a);  // available, and the waiting call rings at once
    CHECK(confirmed.state == AgentState::ringing);
    CHECK(confirmed.call_id == "c1");
    CHECK(f->p.call(f->admin, "c1").agent_id == a.user_id);

    auto b = f->user("brian", Role::agent);
    f->p.join(b);
    f->advance(30'000);  // never confirmed
    CHECK(f->p.status(b).state == AgentState::offline);

    PresenceSettings at_once;
    at_once.join_confirms_at_once = true;
    f->p.set_settings(f->admin, at_once);
    CHECK(f->p.join(b).state == AgentState::available);
    CHECK(thrown([&] { f->p.confirm_join(b); }).message == "cannot confirm a join while available");
}

TEST_CASE("supervisors put agents on break and log them out; agents only themselves", "[presence][roles]") {
    auto f = floor_desk();
    auto a = f->user("amina", Role::agent);
    auto b = f->user("brian", Role::agent);
    auto sup = f->user("sam", Role::supervisor);
    f->p.log_in(a);
    CHECK(error_of([&] { f->p.log_out(b, a.user_id); }).first == ErrorCode::forbidden);
    CHECK(error_of([&] { f->p.wallboard(a); }).first == ErrorCode::forbidden);
    CHECK(f->p.start_break(sup, "meeting", a.user_id).state == AgentState::on_break);
    CHECK(f->p.log_out(sup, a.user_id).state == AgentState::offline);
    auto customer = f->user("kamau", Role::customer);
    CHECK(thrown([&] { f->p.log_out(sup, customer.user_id); }).message == "user kamau does not take calls");
    CHECK(error_of([&] { f->p.log_out(sup, 999999); }) == std::pair{ErrorCode::not_found, std::string("user_id")});
    ListQuery all;
    all.count = 1000;
    auto log = f->sb->activity().list(f->admin, all);
    int sup_actions = 0;
    for (const auto& e : log.items)
        if (e.actor == "sam" && (e.endpoint == "start_break" || e.endpoint == "log_out") && e.ok) ++sup_actions;
    CHECK(sup_actions == 2);
}

TEST_CASE("the agent state report gives the time in each state per agent and day", "[presence][report]") {
    auto f = floor_desk();
    f->queue("support", 20'000, 10'000);
    auto a = f->user("amina", Role::agent);
    f->p.log_in(a);                       // available 60 s
    f->advance(60'000);
    f->p.start_break(a, "lunch");         // on break 30 s
    f->advance(30'000);
    f->p.end_break(a);                    // available until the call rings
    f->p.enqueue(f->admin, "c1", "support");
    f->advance(5'000);                    // ringing 5 s
    f->p.answer(a, "c1");
    f->advance(120'000);                  // on call 120 s
    f->p.end_call(a, "c1");
    f->advance(10'000);                   // wrap-up 10 s, then available
    f->p.log_out(a);

    auto page = f->p.list_states(f->admin, {});
    REQUIRE(page.total == 7);
    CHECK(page.items[0].state == AgentState::available);  // newest first
    CHECK(page.items[0].seconds == 0);
    CHECK(page.items[1].state == AgentState::wrap_up);
    CHECK(page.items[1].seconds == 10);
    CHECK(page.items[2].state == AgentState::on_call);
    CHECK(page.items[2].seconds == 120);
    CHECK(page.items[3].state == AgentState::ringing);
    CHECK(page.items[3].seconds == 5);
    CHECK(page.items[5].reason == "lunch");
    CHECK(page.items[5].day == "2027-01-15");
    CHECK(page.items[6].seconds == 60);

    auto r = f->p.report_states(f->admin, {}, {"username"}, {"state"});
    CHECK(r.sum_of == "seconds");
    std::map<std::string, std::int64_t> seconds;
    for (const auto& row : r.rows) seconds[row.keys.at(1)] = row.sum;
    CHECK(seconds["available"] == 60);
    CHECK(seconds["on_break"] == 30);
    CHECK(seconds["ringing"] == 5);
    CHECK(seconds["on_call"] == 120);
    CHECK(seconds["wrap_up"] == 10);
    CHECK(r.sum_total == 225);

    ListQuery only_calls;
    only_calls.filters = {{"state", "on_call"}};
    std::string csv;
    f->p.export_states_csv(f->admin, only_calls, [&](std::string_view s) { csv += s; });
    CHECK(csv.rfind("id,user_id,username,state,reason,day,started,ended,seconds\r\n", 0) == 0);
    CHECK(csv.find(",amina,on_call,,2027-01-15,") != std::string::npos);
    CHECK(csv.find(",120\r\n") != std::string::npos);
    ListQuery bad;
    bad.filters = {{"colour", "red"}};
    CHECK(error_of([&] { f->p.list_states(f->admin, bad); }).second == "colour");
    CHECK(error_of([&] { f->p.list_states(a, {}); }).first == ErrorCode::forbidden);
}

TEST_CASE("a state that runs past midnight is split at midnight", "[presence][report]") {
    auto f = floor_desk();
    auto a = f->user("amina", Role::agent);
    f->advance(16 * 3'600'000 - 60'000);  // 23:59 UTC
    f->p.log_in(a);
    f->advance(120'000);                  // 00:01 the next day
    f->p.log_out(a);
    auto page = f->p.list_states(f->admin, {});
    REQUIRE(page.total == 2);
    CHECK(page.items[1].day == "2027-01-15");
    CHECK(page.items[1].seconds == 60);
    CHECK(page.items[0].day == "2027-01-16");
    CHECK(page.items[0].seconds == 60);
}

TEST_CASE("presence changes are events for supervisors and the agent concerned", "[presence][events]") {
    auto f = floor_desk();
    f->queue("support");
    auto a = f->user("amina", Role::agent);
    auto b = f->user("brian", Role::agent);
    auto sup = f->user("sam", Role::supervisor);
    const auto start = f->sb->events().last_seq(f->admin);
    f->p.log_in(a);
    f->p.enqueue(f->admin, "c1", "support");
    f->sb->events().flush();
    auto types = [&](const Principal& who) {
        std::vector<std::string> out;
        for (const auto& e : f->sb->events().read(who, start, 100).events) out.push_back(e.type + " " + e.subject);
        return out;
    };
    const std::vector<std::string> for_amina{"agent.state amina", "queue.changed support", "agent.state amina",
                                             "call.offered c1"};
    CHECK(types(a) == for_amina);
    CHECK(types(sup) == for_amina);
    CHECK(types(b) == std::vector<std::string>{"queue.changed support"});

    // Each agent.state event carries the status after the change, whole.
    auto last_state = [&] {
        f->sb->events().flush();
        std::string data;
        for (const auto& e : f->sb->events().read(sup, start, 100).events)
            if (e.type == "agent.state") data = e.data;
        return data;
    };
    CHECK(last_state().find("\"state\":\"ringing\"") != std::string::npos);
    CHECK(last_state().find("\"call_id\":\"c1\"") != std::string::npos);
    f->p.answer(a, "c1");
    f->p.end_call(a, "c1");
    const std::string wrap = last_state();
    CHECK(wrap.find("\"state\":\"wrap_up\"") != std::string::npos);
    CHECK(wrap.find("\"wrap_up_until_ms\":" + std::to_string(f->t() + 30'000)) != std::string::npos);
}

// 1,000 calls and 50 agents changing state at random on 8 threads: at every
// moment no call rings two agents, no agent rings for two calls, and no call
// waits while an agent of its queue is free; at the end every call is
// accounted for.
TEST_CASE("offering stays consistent under many threads", "[presence][concurrency]") {
    auto f = floor_desk();
    f->queue("q1", 20'000, 5'000);
    f->queue("q2", 20'000, 5'000);
    std::vector<Principal> agents;
    for (int i = 0; i < 50; ++i) agents.push_back(f->user("agent" + std::to_string(i), Role::agent));
    for (int i = 0; i < 50; i += 3) f->p.set_agent_queues(f->admin, agents[i].user_id, {i % 2 ? "q1" : "q2"});

    constexpr int kCalls = 1000;
    std::atomic<int> enqueued{0};
    std::atomic<bool> done{false};
    std::atomic<int> violations{0};
    std::mutex report_mu;
    std::string first_violation;
    auto violation = [&](const std::string& what) {
        std::lock_guard<std::mutex> lock(report_mu);
        if (violations++ == 0) first_violation = what;
    };

    auto check_board = [&] {
        const Wallboard w = f->p.wallboard(f->admin);
        std::map<std::int64_t, const AgentStatus*> by_id;
        for (const auto& a : w.agents) by_id[a.user_id] = &a;
        std::set<std::int64_t> ringing_for;
        for (const auto& c : w.calls) {
            if (c.state != CallState::offered) continue;
            if (!ringing_for.insert(c.agent_id).second) violation("agent " + std::to_string(c.agent_id) + " holds two offers");
            const auto it = by_id.find(c.agent_id);
            if (it == by_id.end() || it->second->state != AgentState::ringing || it->second->call_id != c.call_id)
                violation("call " + c.call_id + " is offered to an agent who is not ringing for it");
        }
        for (const auto& c : w.calls) {
            if (c.state != CallState::waiting) continue;
            for (const auto& a : w.agents)
                if (a.state == AgentState::available && a.mic_permission != false &&
                    std::find(a.queues.begin(), a.queues.end(), c.queue) != a.queues.end())
                    violation("call " + c.call_id + " waits while " + a.username + " is available");
        }
    };

    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937 rng(1234 + t);
            while (!done) {
                const Principal& a = agents[rng() % agents.size()];
                try {
                    switch (rng() % 9) {
                        case 0: f->p.log_in(a); break;
                        case 1: f->p.start_break(a, "lunch"); break;
                        case 2: f->p.end_break(a); break;
                        case 3: f->p.log_out(a); break;
                        case 4: f->p.heartbeat(a, rng() % 4 != 0); break;
                        case 5: f->p.end_wrap_up(a); break;
                        default: {
                            const AgentStatus s = f->p.status(a);
                            if (s.state == AgentState::ringing && !s.call_id.empty()) {
                                if (rng() % 4 == 0) f->p.reject(a, s.call_id);
                                else f->p.answer(a, s.call_id);
                            } else if (s.state == AgentState::on_call) {
                                f->p.end_call(a, s.call_id);
                            }
                        }
                    }
                } catch (const Error& e) {
                    if (e.code() != ErrorCode::conflict && e.code() != ErrorCode::not_found)
                        violation(std::string("unexpected error: ") + e.what());
                }
            }
        });
    }
    threads.emplace_back([&] {  // the telephony side
        std::mt19937 rng(99);
        for (int i = 0; i < kCalls; ++i) {
            f->p.enqueue(f->admin, "call-" + std::to_string(i), i % 3 ? "q1" : "q2");
            ++enqueued;
            if (i % 50 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    });
    threads.emplace_back([&] {  // the clock and the checker
        while (!done) {
            check_board();
            f->advance(1000);
            check_board();
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    });
    while (enqueued < kCalls) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    done = true;
    for (auto& th : threads) th.join();
    check_board();
    CHECK(first_violation == "");
    CHECK(violations == 0);

    // Drain: every agent in, on no break, with a microphone; answer and end
    // until no call is left.
    for (const auto& a : agents) {
        try {
            f->p.end_break(a);
        } catch (const Error&) {
        }
        f->p.log_in(a);
        f->p.heartbeat(a, true);
    }
    for (int round = 0; round < 200; ++round) {
        for (const auto& a : agents) {
            const AgentStatus s = f->p.status(a);
            if (s.state == AgentState::ringing && !s.call_id.empty()) f->p.answer(a, s.call_id);
            else if (s.state == AgentState::on_call) f->p.end_call(a, s.call_id);
            else if (s.state == AgentState::wrap_up) f->p.end_wrap_up(a);
        }
        if (f->p.wallboard(f->admin).calls.empty()) break;
    }
    CHECK(f->p.wallboard(f->admin).calls.empty());
    int accounted = 0;
    for (int i = 0; i < kCalls; ++i) {
        const QueuedCall c = f->p.call(f->admin, "call-" + std::to_string(i));
        if (c.state == CallState::ended || c.state == CallState::abandoned) ++accounted;
    }
    CHECK(accounted == kCalls);
}

// The host holds presence; another process opening the database (the
// command-line tool, a script) leaves the host's open periods alone.
TEST_CASE("another handle on the database leaves open periods alone", "[presence][report]") {
    auto f = floor_desk();
    auto a = f->user("amina", Role::agent);
    f->p.log_in(a);
    f->p.flush();
    {
        SwitchboardOptions o = sbtest::desk_options(f->dir);
        o.presence.timer_thread = false;
        Switchboard other((f->dir / "sb.db").string(), o);
        CHECK(other.accounts().authenticate(f->org.admin.token).user_id == f->admin.user_id);
    }
    f->advance(5000);
    auto page = f->p.list_states(f->admin, {});
    REQUIRE(page.total == 1);
    CHECK(page.items[0].ended_ms == 0);
    CHECK(page.items[0].seconds == 5);
}

TEST_CASE("queue membership: leaving a queue stops its call ringing; no queue left means every queue",
          "[presence][offer]") {
    auto f = floor_desk();
    f->queue("sales");
    f->queue("support");
    auto a = f->user("amina", Role::agent);
    f->p.log_in(a);
    f->p.enqueue(f->admin, "c1", "sales");
    CHECK(f->p.status(a).state == AgentState::ringing);
    auto s = f->p.set_agent_queues(f->admin, a.user_id, {"support"});
    CHECK(s.state == AgentState::available);
    CHECK(s.queues == std::vector<std::string>{"support"});
    CHECK(f->p.call(f->admin, "c1").state == CallState::waiting);
    // An empty list is every queue again: the sales call rings her.
    s = f->p.set_agent_queues(f->admin, a.user_id, {});
    CHECK(s.queues == std::vector<std::string>{"sales", "support"});
    CHECK(s.state == AgentState::ringing);
    CHECK(s.call_id == "c1");
}

TEST_CASE("a heartbeat sent before logging in does not time the agent out", "[presence][heartbeat]") {
    auto f = floor_desk();
    PresenceSettings s;
    s.heartbeat_timeout_ms = 60'000;
    f->p.set_settings(f->admin, s);
    auto a = f->user("amina", Role::agent);
    f->p.heartbeat(a, true);
    f->advance(120'000);
    f->p.log_in(a);
    f->advance(1'000);
    CHECK(f->p.status(a).state == AgentState::available);
    CHECK(f->p.status(a).last_seen_ms == 0);
}
