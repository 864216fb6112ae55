// Presence: the state machine of one organisation's agents and the offering
// of its waiting calls (internal.hpp). The table of transitions is in
// docs/presence.md; each function below is one row of it.
#include <algorithm>
#include <limits>

#include "core/time.hpp"
#include "presence/internal.hpp"
#include "switchboard/error.hpp"

namespace switchboard::presence {

namespace {

constexpr std::size_t kFinishedKept = 1000;

[[noreturn]] void refuse(const Agent& a, std::string_view action) {
    throw Error(ErrorCode::conflict, "cannot " + std::string(action) + " while " +
                                         std::string(to_string(a.status.state)) +
                                         (a.status.state == AgentState::on_break ? " (" + a.status.reason + ")" : ""),
                "state");
}

std::int64_t midnight_after(std::int64_t ms) {
    constexpr std::int64_t kDay = 86'400'000;
    return (ms >= 0 ? ms / kDay : (ms - kDay + 1) / kDay) * kDay + kDay;
}

}  // namespace

// ------------------------------------------------------------------ agents

Agent& Org::agent(std::int64_t user_id, const std::string& username) {
    auto [it, made] = agents_.try_emplace(user_id);
    if (made) {
        it->second.status.user_id = user_id;
        it->second.status.username = username;
    }
    return it->second;
}

Agent* Org::find_agent(std::int64_t user_id) {
    const auto it = agents_.find(user_id);
    return it == agents_.end() ? nullptr : &it->second;
}

std::vector<std::string> Org::queues_of(std::int64_t user_id) const {
    if (const auto it = memberships.find(user_id); it != memberships.end()) return it->second;
    std::vector<std::string> all;
    for (const auto& [name, q] : queues) all.push_back(name);
    return all;
}

bool Org::in_queue(std::int64_t user_id, const std::string& queue) const {
    const auto it = memberships.find(user_id);
    if (it == memberships.end()) return queues.count(queue) > 0;
    return std::find(it->second.begin(), it->second.end(), queue) != it->second.end();
}

AgentStatus Org::status_of(const Agent& a) const {
    AgentStatus s = a.status;
    s.queues = queues_of(s.user_id);
    return s;
}

std::vector<AgentStatus> Org::agents() const {
    std::vector<AgentStatus> out;
    for (const auto& [id, a] : agents_) out.push_back(status_of(a));
    return out;
}

Event Org::event(std::string type, std::string subject, std::string data, EventAudience audience, std::int64_t now,
                 std::int64_t about) const {
    Event e;
    e.org_id = org_id_;
    e.type = std::move(type);
    e.time_ms = now;
    e.subject = std::move(subject);
    e.data = std::move(data);
    e.audience = audience;
    e.assigned_to = about;
    return e;
}

void Org::set_state(Agent& a, AgentState s, std::string reason, std::int64_t now, Effects& fx) {
    AgentStatus& st = a.status;
    // Heartbeat timeouts count from the first heartbeat after logging in.
    if (st.state == AgentState::offline && s != AgentState::offline) st.last_seen_ms = 0;
    if (st.state == AgentState::available) --available_;
    if (s == AgentState::available) {
        ++available_;
        st.idle_since_ms = now;
    }
    st.state = s;
    st.reason = std::move(reason);
    st.since_ms = now;
    if (s != AgentState::wrap_up) st.wrap_up_until_ms = 0;
    if (s != AgentState::ringing) {
        a.join_ring = false;
        a.ring_until = 0;
    }
    if (s == AgentState::offline) {
        st.last_seen_ms = 0;
        st.mic_permission.reset();
        st.missed_offers = 0;
        st.idle_since_ms = 0;
    }
    fx.changes.push_back({org_id_, st.user_id, st.username, s, st.reason, now});
    fx.events.push_back(event("agent.state", st.username, to_json(status_of(a)), EventAudience::agent, now, st.user_id));
}

void Org::log_in(Agent& a, std::int64_t now, Effects& fx) {
    if (a.status.state != AgentState::offline) return;  // already logged in: nothing changes
    set_state(a, AgentState::available, "", now, fx);
}

void Org::join(Agent& a, std::int64_t now, Effects& fx) {
    if (a.status.state == AgentState::on_break) return end_break(a, now, fx);  // back to the queue
    if (a.status.state != AgentState::offline) return;
    if (settings.join_confirms_at_once) return set_state(a, AgentState::available, "", now, fx);
    set_state(a, AgentState::ringing, "", now, fx);
    a.join_ring = true;
    a.ring_until = now + settings.join_ring_ms;
}

void Org::confirm_join(Agent& a, std::int64_t now, Effects& fx) {
    if (a.status.state != AgentState::ringing || !a.join_ring) refuse(a, "confirm a join");
    set_state(a, AgentState::available, "", now, fx);
}

void Org::log_out(Agent& a, std::int64_t now, Effects& fx) {
    switch (a.status.state) {
        case AgentState::offline: return;
        case AgentState::on_call: refuse(a, "log out");
        case AgentState::ringing:
            if (!a.join_ring) withdraw_offer(a, now, false, fx);
            break;
        default: break;
    }
    set_state(a, AgentState::offline, "", now, fx);
}

void Org::start_break(Agent& a, const std::string& reason, std::int64_t now, Effects& fx) {
    const AgentState s = a.status.state;
    if (s != AgentState::available && s != AgentState::wrap_up && s != AgentState::on_break)
        refuse(a, "start a break");
    if (s == AgentState::on_break && a.status.reason == reason) return;
    set_state(a, AgentState::on_break, reason, now, fx);
}

void Org::end_break(Agent& a, std::int64_t now, Effects& fx) {
    if (a.status.state != AgentState::on_break) refuse(a, "end a break");
    a.status.missed_offers = 0;
    set_state(a, AgentState::available, "", now, fx);
}

void Org::set_available(Agent& a, std::int64_t now, Effects& fx) {
    switch (a.status.state) {
        case AgentState::offline: return log_in(a, now, fx);
        case AgentState::on_break: return end_break(a, now, fx);
        case AgentState::wrap_up: return end_wrap_up(a, now, fx);
        case AgentState::available: return;
        case AgentState::ringing:
            if (a.join_ring) return confirm_join(a, now, fx);
            refuse(a, "become available");
        case AgentState::on_call: refuse(a, "become available");
    }
}

void Org::end_wrap_up(Agent& a, std::int64_t now, Effects& fx) {
    if (a.status.state != AgentState::wrap_up) refuse(a, "end the wrap-up");
    set_state(a, AgentState::available, "", now, fx);
}

void Org::extend_wrap_up(Agent& a, std::int64_t extra_ms, std::int64_t now, Effects& fx) {
    if (a.status.state != AgentState::wrap_up) refuse(a, "extend the wrap-up");
    a.status.wrap_up_until_ms += extra_ms;
    fx.events.push_back(event("agent.state", a.status.username, to_json(status_of(a)), EventAudience::agent, now,
                              a.status.user_id));
}

bool Org::heartbeat(Agent& a, std::optional<bool> mic, std::int64_t now) {
    a.status.last_seen_ms = now;
    if (!mic || a.status.mic_permission == mic) return false;
    const bool could = a.status.mic_permission.value_or(true);
    a.status.mic_permission = mic;
    return !could && *mic && a.status.state == AgentState::available;
}

void Org::queues_changed(std::int64_t user_id, std::int64_t now, Effects& fx) {
    Agent* a = find_agent(user_id);
    if (!a || a->status.state != AgentState::ringing || a->join_ring || in_queue(user_id, a->status.call_queue)) return;
    // Out of the queue of the call that rings them: the call goes back to waiting.
    withdraw_offer(*a, now, false, fx);
    const std::int64_t idle = a->status.idle_since_ms;
    set_state(*a, AgentState::available, "", now, fx);
    a->status.idle_since_ms = idle;
}

// ------------------------------------------------------------------ calls

void Org::to_waiting(LiveCall& c) {
    c.call.state = CallState::waiting;
    c.call.agent_id = 0;
    c.call.offered_ms = 0;
    waiting_.emplace(c.order, c.call.call_id);
}

const LiveCall& Org::enqueue(const std::string& call_id, const std::string& queue, const std::string& caller,
                             std::int64_t now, Effects& fx) {
    if (!queues.count(queue)) throw Error(ErrorCode::not_found, "no queue \"" + queue + "\"", "queue");
    if (calls_.count(call_id)) throw Error(ErrorCode::already_exists, "call " + call_id + " is already queued", "call_id");
    LiveCall& c = calls_[call_id];
    c.call.call_id = call_id;
    c.call.queue = queue;
    c.call.caller = caller;
    c.call.enqueued_ms = now;
    c.queue_since = now;
    c.order = {now, next_seq_++};
    to_waiting(c);
    queue_changed(queue, now, fx);
    dispatch(now, fx);
    return c;
}

LiveCall* Org::live_call(const std::string& call_id) {
    const auto it = calls_.find(call_id);
    return it == calls_.end() ? nullptr : &it->second;
}

std::optional<QueuedCall> Org::find_call(const std::string& call_id) const {
    if (const auto it = calls_.find(call_id); it != calls_.end()) return it->second.call;
    for (auto it = finished_.rbegin(); it != finished_.rend(); ++it)
        if (it->call_id == call_id) return *it;
    return std::nullopt;
}

void Org::offer(LiveCall& c, Agent& a, std::int64_t now, Effects& fx) {
    waiting_.erase(c.order);
    c.call.state = CallState::offered;
    c.call.agent_id = a.status.user_id;
    c.call.offered_ms = now;
    ++c.call.offers;
    // The call's fields first: the agent.state event carries them.
    a.status.call_id = c.call.call_id;
    a.status.call_phone = c.call.caller;
    a.status.call_queue = c.call.queue;
    set_state(a, AgentState::ringing, "", now, fx);
    a.ring_until = now + queues.at(c.call.queue).ring_timeout_ms;
    fx.events.push_back(event("call.offered", c.call.call_id, to_json(c.call), EventAudience::agent, now,
                              a.status.user_id));
}

void Org::withdraw_offer(Agent& a, std::int64_t now, bool missed, Effects& fx) {
    LiveCall* c = live_call(a.status.call_id);
    if (c && c->call.state == CallState::offered && c->call.agent_id == a.status.user_id) {
        c->passed.insert(a.status.user_id);
        to_waiting(*c);
        if (missed)
            fx.events.push_back(event("offer.missed", c->call.call_id, to_json(c->call), EventAudience::agent, now,
                                      a.status.user_id));
    }
}

void Org::answer(Agent& a, const std::string& call_id, std::int64_t now, Effects& fx) {
    LiveCall* c = live_call(call_id);
    if (!c) throw Error(ErrorCode::not_found, "no call " + call_id, "call_id");
    if (c->call.state != CallState::offered || c->call.agent_id != a.status.user_id)
        throw Error(ErrorCode::conflict, "call " + call_id + " is not offered to you", "call_id");
    c->call.state = CallState::connected;
    c->call.answered_ms = now;
    a.status.missed_offers = 0;
    a.status.last_call_ms = now;
    set_state(a, AgentState::on_call, "", now, fx);
    queue_changed(c->call.queue, now, fx);
}

void Org::reject(Agent& a, const std::string& call_id, std::int64_t now, Effects& fx) {
    LiveCall* c = live_call(call_id);
    if (!c) throw Error(ErrorCode::not_found, "no call " + call_id, "call_id");
    if (c->call.state != CallState::offered || c->call.agent_id != a.status.user_id)
        throw Error(ErrorCode::conflict, "call " + call_id + " is not offered to you", "call_id");
    withdraw_offer(a, now, false, fx);
    // The agent stays first in line for the next call: a rejection is not idleness lost.
    const std::int64_t idle = a.status.idle_since_ms;
    set_state(a, AgentState::available, "", now, fx);
    a.status.idle_since_ms = idle;
    dispatch(now, fx);
}

void Org::finish(LiveCall& c, CallState state, std::int64_t now, Effects& fx) {
    c.call.state = state;
    c.call.ended_ms = now;
    waiting_.erase(c.order);
    const std::string queue = c.call.queue;
    finished_.push_back(c.call);
    if (finished_.size() > kFinishedKept) finished_.pop_front();
    calls_.erase(c.call.call_id);
    queue_changed(queue, now, fx);
}

QueuedCall Org::end_call(const std::string& call_id, std::int64_t now, Effects& fx) {
    LiveCall* c = live_call(call_id);
    if (!c) {
        if (auto done = find_call(call_id)) return *done;  // ended already: nothing changes
        throw Error(ErrorCode::not_found, "no call " + call_id, "call_id");
    }
    const CallState was = c->call.state;
    Agent* a = c->call.agent_id ? find_agent(c->call.agent_id) : nullptr;
    const std::int64_t wrap = queues.count(c->call.queue) ? queues.at(c->call.queue).wrap_up_ms : 0;
    finish(*c, was == CallState::connected ? CallState::ended : CallState::abandoned, now, fx);
    if (a && was == CallState::connected) {
        if (wrap > 0) {
            a->status.wrap_up_until_ms = now + wrap;  // before the event that carries it
            set_state(*a, AgentState::wrap_up, "", now, fx);
        } else {
            set_state(*a, AgentState::available, "", now, fx);
        }
    } else if (a && was == CallState::offered) {
        const std::int64_t idle = a->status.idle_since_ms;
        set_state(*a, AgentState::available, "", now, fx);  // the caller hung up while it rang
        a->status.idle_since_ms = idle;
    }
    dispatch(now, fx);
    return *find_call(call_id);
}

std::vector<QueuedCall> Org::live_calls() const {
    std::vector<QueuedCall> out;
    for (const auto& [id, c] : calls_) out.push_back(c.call);
    std::sort(out.begin(), out.end(), [](const QueuedCall& x, const QueuedCall& y) {
        return std::tie(x.enqueued_ms, x.call_id) < std::tie(y.enqueued_ms, y.call_id);
    });
    return out;
}

std::vector<QueuedCall> Org::waiting_calls() const {
    std::vector<QueuedCall> out = live_calls();
    out.erase(std::remove_if(out.begin(), out.end(), [](const QueuedCall& c) { return c.state == CallState::connected; }),
              out.end());
    return out;
}

std::vector<QueueStatus> Org::queue_statuses(std::int64_t now) const {
    std::map<std::string, QueueStatus> by_name;
    for (const auto& [name, q] : queues) by_name[name].name = name;
    for (const auto& [id, c] : calls_) {
        if (c.call.state == CallState::connected) continue;
        QueueStatus& s = by_name[c.call.queue];
        ++s.waiting;
        s.longest_wait_ms = std::max(s.longest_wait_ms, now - c.call.enqueued_ms);
    }
    for (const auto& [id, a] : agents_) {
        if (a.status.state == AgentState::offline) continue;
        for (const auto& name : queues_of(id)) {
            const auto it = by_name.find(name);
            if (it == by_name.end()) continue;
            ++it->second.agents;
            if (a.status.state == AgentState::available) ++it->second.available;
        }
    }
    std::vector<QueueStatus> out;
    for (auto& [name, s] : by_name) out.push_back(std::move(s));
    return out;
}

void Org::queue_changed(const std::string& queue, std::int64_t now, Effects& fx) {
    QueueStatus s;
    s.name = queue;
    for (const auto& [id, c] : calls_) {
        if (c.call.queue != queue || c.call.state == CallState::connected) continue;
        ++s.waiting;
        s.longest_wait_ms = std::max(s.longest_wait_ms, now - c.call.enqueued_ms);
    }
    for (const auto& [id, a] : agents_) {
        if (a.status.state == AgentState::offline || !in_queue(id, queue)) continue;
        ++s.agents;
        if (a.status.state == AgentState::available) ++s.available;
    }
    fx.events.push_back(event("queue.changed", queue, to_json(s), EventAudience::floor, now));
}

// ------------------------------------------------------------------ offering

void Org::dispatch(std::int64_t now, Effects& fx) {
    if (available_ <= 0 || waiting_.empty()) return;
    // Oldest call first; for each, the eligible agent idle longest, those who
    // passed on this call last.
    for (auto it = waiting_.begin(); it != waiting_.end() && available_ > 0;) {
        LiveCall& c = calls_.at(it->second);
        ++it;  // offer() erases the call's entry
        Agent* best = nullptr;
        std::tuple<bool, std::int64_t, std::int64_t> best_key{true, std::numeric_limits<std::int64_t>::max(), 0};
        for (auto& [id, a] : agents_) {
            if (a.status.state != AgentState::available || a.status.mic_permission == false) continue;
            if (!in_queue(id, c.call.queue)) continue;
            const std::tuple<bool, std::int64_t, std::int64_t> key{c.passed.count(id) > 0, a.status.idle_since_ms, id};
            if (!best || key < best_key) best = &a, best_key = key;
        }
        if (best) offer(c, *best, now, fx);
    }
}

void Org::tick(std::int64_t now, Effects& fx) {
    for (auto& [id, a] : agents_) {
        AgentStatus& st = a.status;
        if (st.state == AgentState::ringing && a.ring_until && a.ring_until <= now) {
            if (a.join_ring) {
                set_state(a, AgentState::offline, "", now, fx);
                continue;
            }
            const std::string queue = st.call_queue;
            withdraw_offer(a, now, true, fx);
            ++st.missed_offers;
            const int max_missed = queues.count(queue) ? queues.at(queue).max_missed_offers : 0;
            if (max_missed > 0 && st.missed_offers >= max_missed) {
                set_state(a, AgentState::on_break, std::string(kMissedOffers), now, fx);
            } else {
                const std::int64_t idle = st.idle_since_ms;
                set_state(a, AgentState::available, "", now, fx);
                st.idle_since_ms = idle;
            }
        } else if (st.state == AgentState::wrap_up && st.wrap_up_until_ms <= now) {
            set_state(a, AgentState::available, "", now, fx);
        }
        if (settings.heartbeat_timeout_ms > 0 && st.last_seen_ms > 0 &&
            st.last_seen_ms + settings.heartbeat_timeout_ms <= now && st.state != AgentState::offline &&
            st.state != AgentState::on_call) {
            if (st.state == AgentState::ringing && !a.join_ring) withdraw_offer(a, now, false, fx);
            set_state(a, AgentState::offline, "no heartbeat", now, fx);
        }
    }
    // Overflows: calls waiting (not ringing) past their queue's limit.
    std::vector<std::string> due;
    for (const auto& [key, call_id] : waiting_) {
        const LiveCall& c = calls_.at(call_id);
        const auto q = queues.find(c.call.queue);
        if (q != queues.end() && q->second.max_wait_ms > 0 && c.queue_since + q->second.max_wait_ms <= now)
            due.push_back(call_id);
    }
    for (const auto& call_id : due) {
        LiveCall& c = calls_.at(call_id);
        const std::string from = c.call.queue;
        const std::string to = queues.at(from).overflow;
        if (!to.empty() && to != from && queues.count(to)) {
            c.call.queue = to;
            c.queue_since = now;
            c.passed.clear();
            queue_changed(from, now, fx);
            queue_changed(to, now, fx);
        } else if (!to.empty()) {
            c.call.overflow = to;
            fx.events.push_back(event("call.overflowed", call_id, to_json(c.call), EventAudience::staff, now));
            finish(c, CallState::overflowed, now, fx);
        }
    }
    // The midnight split: every state still going on ends at midnight and
    // begins again on the new day, so that each report row is one day's.
    if (next_midnight && now >= next_midnight) {
        for (auto& [id, a] : agents_)
            if (a.status.state != AgentState::offline)
                fx.changes.push_back({org_id_, id, a.status.username, a.status.state, a.status.reason, next_midnight});
        next_midnight = midnight_after(now);
    }
    dispatch(now, fx);
}

}  // namespace switchboard::presence
