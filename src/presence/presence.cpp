// Presence: who may do what, the organisations' live state, the timer and the
// stored history. The state machine itself is in engine.cpp.
#include "switchboard/presence.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "accounts/internal.hpp"
#include "core/time.hpp"
#include "core/write_behind.hpp"
#include "presence/internal.hpp"
#include "store/store.hpp"
#include "switchboard/error.hpp"
#include "switchboard/store.hpp"

namespace switchboard {

std::string_view to_string(AgentState s) noexcept {
    switch (s) {
        case AgentState::offline: return "offline";
        case AgentState::available: return "available";
        case AgentState::ringing: return "ringing";
        case AgentState::on_call: return "on_call";
        case AgentState::wrap_up: return "wrap_up";
        case AgentState::on_break: return "on_break";
    }
    return "offline";
}

AgentState agent_state_from_string(std::string_view s) {
    for (AgentState a : {AgentState::offline, AgentState::available, AgentState::ringing, AgentState::on_call,
                         AgentState::wrap_up, AgentState::on_break})
        if (to_string(a) == s) return a;
    throw Error(ErrorCode::invalid_argument,
                "state must be offline, available, ringing, on_call, wrap_up or on_break", "state");
}

std::string_view to_string(CallState s) noexcept {
    switch (s) {
        case CallState::waiting: return "waiting";
        case CallState::offered: return "offered";
        case CallState::connected: return "connected";
        case CallState::ended: return "ended";
        case CallState::overflowed: return "overflowed";
        case CallState::abandoned: return "abandoned";
    }
    return "waiting";
}

namespace {

using presence::Agent;
using presence::Effects;
using presence::Org;

constexpr std::initializer_list<Role> kStaff = {Role::admin, Role::supervisor, Role::agent};
constexpr std::initializer_list<Role> kLeads = {Role::admin, Role::supervisor};

void need(bool ok, const char* field, const std::string& message) {
    if (!ok) throw Error(ErrorCode::invalid_argument, message, field);
}

bool valid_name(std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    for (unsigned char c : s)
        if (!(std::isalnum(c) || c == '_' || c == '-' || c == '.')) return false;
    return true;
}

void check_queue(const QueueSettings& q) {
    need(valid_name(q.name), "name", "a queue's name is 1 to 64 letters, digits, '_', '-' or '.'");
    need(q.ring_timeout_ms >= 1000 && q.ring_timeout_ms <= 600'000, "ring_timeout_ms", "ring_timeout_ms must be 1000 to 600000");
    need(q.wrap_up_ms >= 0 && q.wrap_up_ms <= 3'600'000, "wrap_up_ms", "wrap_up_ms must be 0 to 3600000");
    need(q.max_missed_offers >= 0 && q.max_missed_offers <= 1000, "max_missed_offers", "max_missed_offers must be 0 to 1000");
    need(q.max_wait_ms >= 0 && q.max_wait_ms <= 86'400'000, "max_wait_ms", "max_wait_ms must be 0 to 86400000");
    need(q.overflow.empty() || q.overflow == "voicemail" || valid_name(q.overflow), "overflow",
         "overflow is another queue's name, \"voicemail\" or empty");
    need(q.overflow != q.name, "overflow", "a queue cannot overflow into itself");
}

void check_settings(const PresenceSettings& s) {
    need(!s.break_reasons.empty() && s.break_reasons.size() <= 50, "break_reasons", "give 1 to 50 break reasons");
    for (std::size_t i = 0; i < s.break_reasons.size(); ++i) {
        const std::string& r = s.break_reasons[i];
        need(!r.empty() && r.size() <= 64 && printable_text(r) == r, "break_reasons",
             "a break reason is 1 to 64 printable characters");
        for (std::size_t j = 0; j < i; ++j)
            need(s.break_reasons[j] != r, "break_reasons", "break reason \"" + r + "\" is given twice");
    }
    need(s.heartbeat_timeout_ms == 0 || (s.heartbeat_timeout_ms >= 5000 && s.heartbeat_timeout_ms <= 86'400'000),
         "heartbeat_timeout_ms", "heartbeat_timeout_ms must be 0 (none) or 5000 to 86400000");
    need(s.join_ring_ms >= 1000 && s.join_ring_ms <= 600'000, "join_ring_ms", "join_ring_ms must be 1000 to 600000");
}

void check_call_id(std::string_view id) {
    need(!id.empty() && id.size() <= 128 && printable_text(id, false) == id, "call_id",
         "a call id is 1 to 128 printable characters");
}

std::int64_t midnight_after(std::int64_t ms) {
    constexpr std::int64_t kDay = 86'400'000;
    return (ms >= 0 ? ms / kDay : (ms - kDay + 1) / kDay) * kDay + kDay;
}

}  // namespace

struct Presence::Impl {
    Database& db;
    Events& events;
    PresenceOptions options;

    std::shared_mutex orgs_mu;
    std::unordered_map<std::int64_t, std::unique_ptr<Org>> orgs;

    std::unique_ptr<detail::WriteBehind<store::StateChange>> history;

    std::thread timer;
    std::mutex timer_mu;
    std::condition_variable timer_cv;
    bool stopping = false;

    Impl(Database& d, Events& e, PresenceOptions o) : db(d), events(e), options(std::move(o)) {}

    std::int64_t now() const { return options.clock ? options.clock() : detail::now_ms(); }

    // The organisation's live state, loaded on first use; returned locked.
    std::pair<Org*, std::unique_lock<std::mutex>> org(std::int64_t org_id) {
        Org* o = nullptr;
        {
            std::shared_lock<std::shared_mutex> lock(orgs_mu);
            const auto it = orgs.find(org_id);
            if (it != orgs.end()) o = it->second.get();
        }
        if (!o) {
            std::unique_lock<std::shared_mutex> lock(orgs_mu);
            auto& slot = orgs[org_id];
            if (!slot) slot = std::make_unique<Org>(org_id);
            o = slot.get();
        }
        std::unique_lock<std::mutex> lock(o->mu);
        if (!o->loaded) {
            auto& st = db.store().presence();
            o->settings = st.settings(org_id).value_or(PresenceSettings{});
            o->queues.clear();
            for (auto& q : st.queues(org_id)) o->queues[q.name] = std::move(q);
            o->memberships.clear();
            for (auto& [user, names] : st.agent_queues(org_id)) o->memberships[user] = std::move(names);
            o->next_midnight = midnight_after(now());
            // The process that loads an organisation's presence holds it from
            // now on: periods a stopped one left open end now (at the latest
            // at the end of their day). A process that never uses presence
            // (the command-line tool) leaves them alone.
            history->flush();
            st.close_open_periods(org_id, now());
            o->loaded = true;
        }
        return {o, std::move(lock)};
    }

    // Stores and publishes what a change decided (the organisation's lock
    // is held, which keeps them in order).
    void apply(Effects& fx) {
        for (auto& c : fx.changes) history->push(std::move(c));
        for (auto& e : fx.events) events.publish(std::move(e));
        fx.changes.clear();
        fx.events.clear();
    }

    // The agent an action is about: the caller (user_id 0 or their own), or
    // for admins and supervisors another user of the organisation who takes calls.
    std::pair<std::int64_t, std::string> target(const Principal& who, std::int64_t user_id) {
        if (user_id == 0 || user_id == who.user_id) {
            detail::require_role(who, kStaff);
            return {who.user_id, who.username};
        }
        detail::require_role(who, kLeads);
        auto u = db.store().accounts().user_by_id(user_id);
        if (!u || u->user.org_id != who.org_id) throw Error(ErrorCode::not_found, "no user " + std::to_string(user_id), "user_id");
        const Role r = u->user.role;
        if (r != Role::admin && r != Role::supervisor && r != Role::agent)
            throw Error(ErrorCode::invalid_argument, "user " + u->user.username + " does not take calls", "user_id");
        return {user_id, u->user.username};
    }

    void run_timer() {
        std::unique_lock<std::mutex> lock(timer_mu);
        while (!stopping) {
            timer_cv.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping; });
            if (stopping) break;
            lock.unlock();
            try {
                tick();
            } catch (const std::exception& e) {
                std::fprintf(stderr, "switchboard: presence timer: %s\n", e.what());
            }
            lock.lock();
        }
    }

    void tick() {
        std::vector<std::int64_t> ids;
        {
            std::shared_lock<std::shared_mutex> lock(orgs_mu);
            for (const auto& [id, o] : orgs) ids.push_back(id);
        }
        for (const auto id : ids) {
            auto [o, lock] = org(id);
            Effects fx;
            o->tick(now(), fx);
            apply(fx);
        }
    }
};

Presence::Presence(Database& db, Events& events, PresenceOptions options)
    : impl_(std::make_unique<Impl>(db, events, std::move(options))) {
    auto& store = db.store().presence();
    impl_->history = std::make_unique<detail::WriteBehind<store::StateChange>>(
        "agent state history", [&store](std::vector<store::StateChange>& batch) { store.write_state_changes(batch); },
        std::chrono::milliseconds(10), 100000);
    if (impl_->options.timer_thread) impl_->timer = std::thread([this] { impl_->run_timer(); });
}

Presence::~Presence() {
    {
        std::lock_guard<std::mutex> lock(impl_->timer_mu);
        impl_->stopping = true;
    }
    impl_->timer_cv.notify_all();
    if (impl_->timer.joinable()) impl_->timer.join();
    // The process that held the live state stops: every period ends now.
    try {
        std::shared_lock<std::shared_mutex> orgs(impl_->orgs_mu);
        for (auto& [id, o] : impl_->orgs) {
            std::lock_guard<std::mutex> lock(o->mu);
            for (const auto& a : o->agents())
                if (a.state != AgentState::offline)
                    impl_->history->push({id, a.user_id, a.username, AgentState::offline, "", impl_->now()});
        }
        impl_->history->flush();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "switchboard: the agent state history could not be closed: %s\n", e.what());
    }
}

// ------------------------------------------------------------------ settings

PresenceSettings Presence::settings(const Principal& who) {
    return detail::audited(impl_->db, who, "presence_settings", "", [&] {
        detail::require_role(who, kStaff);
        auto [o, lock] = impl_->org(who.org_id);
        return o->settings;
    });
}

PresenceSettings Presence::set_settings(const Principal& who, const PresenceSettings& s) {
    PresenceSettingsPatch all;
    all.break_reasons = s.break_reasons;
    all.heartbeat_timeout_ms = s.heartbeat_timeout_ms;
    all.join_confirms_at_once = s.join_confirms_at_once;
    all.join_ring_ms = s.join_ring_ms;
    return change_settings(who, all);
}

PresenceSettings Presence::change_settings(const Principal& who, const PresenceSettingsPatch& patch) {
    return detail::audited(impl_->db, who, "set_presence_settings", "", [&] {
        detail::require_role(who, {Role::admin});
        auto [o, lock] = impl_->org(who.org_id);  // read, changed and stored under one lock
        PresenceSettings s = o->settings;
        if (patch.break_reasons) s.break_reasons = *patch.break_reasons;
        if (patch.heartbeat_timeout_ms) s.heartbeat_timeout_ms = *patch.heartbeat_timeout_ms;
        if (patch.join_confirms_at_once) s.join_confirms_at_once = *patch.join_confirms_at_once;
        if (patch.join_ring_ms) s.join_ring_ms = *patch.join_ring_ms;
        check_settings(s);
        impl_->db.store().presence().put_settings(who.org_id, s);
        o->settings = s;
        return o->settings;
    });
}

std::vector<QueueSettings> Presence::queues(const Principal& who) {
    return detail::audited(impl_->db, who, "list_queues", "", [&] {
        detail::require_role(who, kStaff);
        auto [o, lock] = impl_->org(who.org_id);
        std::vector<QueueSettings> out;
        for (const auto& [name, q] : o->queues) out.push_back(q);
        return out;
    });
}

QueueSettings Presence::put_queue(const Principal& who, const QueueSettings& q) {
    return detail::audited(impl_->db, who, "put_queue", "queue " + q.name.substr(0, 64), [&] {
        detail::require_role(who, {Role::admin});
        check_queue(q);
        auto [o, lock] = impl_->org(who.org_id);
        if (!q.overflow.empty() && q.overflow != "voicemail" && !o->queues.count(q.overflow))
            throw Error(ErrorCode::invalid_argument, "no queue \"" + q.overflow + "\" to overflow into", "overflow");
        impl_->db.store().presence().put_queue(who.org_id, q);
        o->queues[q.name] = q;
        return q;
    });
}

void Presence::delete_queue(const Principal& who, std::string_view name_in) {
    const std::string name(name_in);
    detail::audited(impl_->db, who, "delete_queue", "queue " + name.substr(0, 64), [&] {
        detail::require_role(who, {Role::admin});
        auto [o, lock] = impl_->org(who.org_id);
        if (!o->queues.count(name)) throw Error(ErrorCode::not_found, "no queue \"" + name + "\"", "name");
        for (const auto& [other, q] : o->queues)
            if (q.overflow == name)
                throw Error(ErrorCode::conflict, "queue \"" + other + "\" overflows into \"" + name + "\"", "name");
        for (const auto& c : o->live_calls())
            if (c.queue == name)
                throw Error(ErrorCode::conflict, "calls are waiting in queue \"" + name + "\"", "name");
        impl_->db.store().presence().delete_queue(who.org_id, name);
        o->queues.erase(name);
        for (auto it = o->memberships.begin(); it != o->memberships.end();) {
            auto& names = it->second;
            names.erase(std::remove(names.begin(), names.end(), name), names.end());
            it = names.empty() ? o->memberships.erase(it) : std::next(it);  // none left: every queue, as stored
        }
    });
}

AgentStatus Presence::set_agent_queues(const Principal& who, std::int64_t user_id, const std::vector<std::string>& names) {
    return detail::audited(impl_->db, who, "set_agent_queues", "user " + std::to_string(user_id), [&] {
        detail::require_role(who, kLeads);
        const auto [id, username] = impl_->target(who, user_id == 0 ? who.user_id : user_id);
        auto [o, lock] = impl_->org(who.org_id);
        std::vector<std::string> unique;
        for (const auto& n : names) {
            if (!o->queues.count(n)) throw Error(ErrorCode::not_found, "no queue \"" + n + "\"", "queues");
            if (std::find(unique.begin(), unique.end(), n) == unique.end()) unique.push_back(n);
        }
        impl_->db.store().presence().set_agent_queues(who.org_id, id, unique);
        // No queue set means every queue, in memory as in the store.
        if (unique.empty()) o->memberships.erase(id);
        else o->memberships[id] = unique;
        Effects fx;
        o->queues_changed(id, impl_->now(), fx);
        o->dispatch(impl_->now(), fx);
        impl_->apply(fx);
        return o->status_of(o->agent(id, username));
    });
}

// ------------------------------------------------------------------ presence

namespace {

// Runs `change` on the agent the call is about, under the organisation's lock.
template <class F>
AgentStatus change_agent(Presence::Impl& impl, const Principal& who, std::int64_t user_id, F&& change) {
    const auto [id, username] = impl.target(who, user_id);
    auto [o, lock] = impl.org(who.org_id);
    Agent& a = o->agent(id, username);
    Effects fx;
    const std::int64_t now = impl.now();
    change(*o, a, now, fx);
    o->dispatch(now, fx);
    impl.apply(fx);
    return o->status_of(a);
}

}  // namespace

AgentStatus Presence::status(const Principal& who, std::int64_t user_id) {
    return detail::audited(impl_->db, who, "agent_status", user_id ? "user " + std::to_string(user_id) : "", [&] {
        const auto [id, username] = impl_->target(who, user_id);
        auto [o, lock] = impl_->org(who.org_id);
        return o->status_of(o->agent(id, username));  // an agent never seen is offline
    });
}

AgentStatus Presence::log_in(const Principal& who) {
    return detail::audited(impl_->db, who, "log_in", "", [&] {
        return change_agent(*impl_, who, 0, [](Org& o, Agent& a, std::int64_t now, Effects& fx) { o.log_in(a, now, fx); });
    });
}

AgentStatus Presence::join(const Principal& who) {
    return detail::audited(impl_->db, who, "join_queue", "", [&] {
        return change_agent(*impl_, who, 0, [](Org& o, Agent& a, std::int64_t now, Effects& fx) { o.join(a, now, fx); });
    });
}

AgentStatus Presence::confirm_join(const Principal& who) {
    return detail::audited(impl_->db, who, "confirm_join", "", [&] {
        return change_agent(*impl_, who, 0,
                            [](Org& o, Agent& a, std::int64_t now, Effects& fx) { o.confirm_join(a, now, fx); });
    });
}

AgentStatus Presence::log_out(const Principal& who, std::int64_t user_id) {
    return detail::audited(impl_->db, who, "log_out", user_id ? "user " + std::to_string(user_id) : "", [&] {
        return change_agent(*impl_, who, user_id,
                            [](Org& o, Agent& a, std::int64_t now, Effects& fx) { o.log_out(a, now, fx); });
    });
}

AgentStatus Presence::start_break(const Principal& who, std::string_view reason_in, std::int64_t user_id) {
    const std::string reason(reason_in);
    return detail::audited(impl_->db, who, "start_break",
                           (user_id ? "user " + std::to_string(user_id) + " " : std::string()) + "reason " +
                               printable_text(reason).substr(0, 64),
                           [&] {
                               return change_agent(*impl_, who, user_id, [&](Org& o, Agent& a, std::int64_t now, Effects& fx) {
                                   const auto& reasons = o.settings.break_reasons;
                                   if (std::find(reasons.begin(), reasons.end(), reason) == reasons.end())
                                       throw Error(ErrorCode::invalid_argument,
                                                   "\"" + printable_text(reason) +
                                                       "\" is not one of the organisation's break reasons",
                                                   "reason");
                                   o.start_break(a, reason, now, fx);
                               });
                           });
}

AgentStatus Presence::end_break(const Principal& who) {
    return detail::audited(impl_->db, who, "end_break", "", [&] {
        return change_agent(*impl_, who, 0, [](Org& o, Agent& a, std::int64_t now, Effects& fx) { o.end_break(a, now, fx); });
    });
}

// Heartbeats are not in the activity log: an agent's browser sends one every
// few seconds all day; the changes they cause are.
AgentStatus Presence::heartbeat(const Principal& who, std::optional<bool> mic_permission) {
    detail::require_role(who, kStaff);
    auto [o, lock] = impl_->org(who.org_id);
    Agent& a = o->agent(who.user_id, who.username);
    const std::int64_t now = impl_->now();
    if (o->heartbeat(a, mic_permission, now)) {
        Effects fx;
        o->dispatch(now, fx);
        impl_->apply(fx);
    }
    return o->status_of(a);
}

AgentStatus Presence::end_wrap_up(const Principal& who) {
    return detail::audited(impl_->db, who, "end_wrap_up", "", [&] {
        return change_agent(*impl_, who, 0,
                            [](Org& o, Agent& a, std::int64_t now, Effects& fx) { o.end_wrap_up(a, now, fx); });
    });
}

AgentStatus Presence::set_available(const Principal& who) {
    return detail::audited(impl_->db, who, "set_available", "", [&] {
        return change_agent(*impl_, who, 0,
                            [](Org& o, Agent& a, std::int64_t now, Effects& fx) { o.set_available(a, now, fx); });
    });
}

AgentStatus Presence::extend_wrap_up(const Principal& who, std::int64_t extra_ms) {
    return detail::audited(impl_->db, who, "extend_wrap_up", std::to_string(extra_ms) + " ms", [&] {
        need(extra_ms >= 1000 && extra_ms <= 3'600'000, "extra_ms", "a wrap-up is extended by 1000 to 3600000 ms");
        return change_agent(*impl_, who, 0, [extra_ms](Org& o, Agent& a, std::int64_t now, Effects& fx) {
            o.extend_wrap_up(a, extra_ms, now, fx);
        });
    });
}

// ------------------------------------------------------------------ calls

QueuedCall Presence::enqueue(const Principal& who, std::string_view call_id_in, std::string_view queue_in,
                             std::string_view caller_in) {
    const std::string call_id(call_id_in), queue(queue_in), caller(caller_in);
    return detail::audited(impl_->db, who, "enqueue_call", "queue " + printable_text(queue).substr(0, 64), [&] {
        detail::require_report_reader(who);
        check_call_id(call_id);
        need(caller.size() <= 64 && printable_text(caller, false) == caller, "caller",
             "a caller is at most 64 printable characters");
        auto [o, lock] = impl_->org(who.org_id);
        Effects fx;
        const QueuedCall c = o->enqueue(call_id, queue, caller, impl_->now(), fx).call;
        impl_->apply(fx);
        return c;
    });
}

QueuedCall Presence::answer(const Principal& who, std::string_view call_id_in) {
    const std::string call_id(call_id_in);
    return detail::audited(impl_->db, who, "answer_call", "call " + printable_text(call_id).substr(0, 128), [&] {
        detail::require_role(who, kStaff);
        check_call_id(call_id);
        auto [o, lock] = impl_->org(who.org_id);
        Agent& a = o->agent(who.user_id, who.username);
        Effects fx;
        o->answer(a, call_id, impl_->now(), fx);
        impl_->apply(fx);
        return *o->find_call(call_id);
    });
}

QueuedCall Presence::reject(const Principal& who, std::string_view call_id_in) {
    const std::string call_id(call_id_in);
    return detail::audited(impl_->db, who, "reject_call", "call " + printable_text(call_id).substr(0, 128), [&] {
        detail::require_role(who, kStaff);
        check_call_id(call_id);
        auto [o, lock] = impl_->org(who.org_id);
        Agent& a = o->agent(who.user_id, who.username);
        Effects fx;
        o->reject(a, call_id, impl_->now(), fx);
        impl_->apply(fx);
        return *o->find_call(call_id);
    });
}

QueuedCall Presence::end_call(const Principal& who, std::string_view call_id_in) {
    const std::string call_id(call_id_in);
    return detail::audited(impl_->db, who, "end_call", "call " + printable_text(call_id).substr(0, 128), [&] {
        check_call_id(call_id);
        // The telephony layer (staff, dev tokens), or the agent on the call.
        const bool lead = who.kind == TokenKind::dev || who.role == Role::admin || who.role == Role::supervisor;
        if (!lead) detail::require_role(who, kStaff);
        auto [o, lock] = impl_->org(who.org_id);
        if (!lead) {
            const auto c = o->find_call(call_id);
            if (!c || c->agent_id != who.user_id)
                throw Error(ErrorCode::forbidden, "only the agent on a call, or a supervisor, ends it", "call_id");
        }
        Effects fx;
        const QueuedCall c = o->end_call(call_id, impl_->now(), fx);
        impl_->apply(fx);
        return c;
    });
}

QueuedCall Presence::call(const Principal& who, std::string_view call_id_in) {
    const std::string call_id(call_id_in);
    return detail::audited(impl_->db, who, "get_queued_call", "call " + printable_text(call_id).substr(0, 128), [&] {
        check_call_id(call_id);
        const bool lead = who.kind == TokenKind::dev || who.role == Role::admin || who.role == Role::supervisor;
        if (!lead) detail::require_role(who, kStaff);
        auto [o, lock] = impl_->org(who.org_id);
        const auto c = o->find_call(call_id);
        if (!c || (!lead && c->agent_id != who.user_id)) throw Error(ErrorCode::not_found, "no call " + call_id, "call_id");
        return *c;
    });
}

std::vector<QueuedCall> Presence::waiting_calls(const Principal& who) {
    return detail::audited(impl_->db, who, "waiting_calls", "", [&] {
        detail::require_report_reader(who);
        auto [o, lock] = impl_->org(who.org_id);
        return o->waiting_calls();
    });
}

Wallboard Presence::wallboard(const Principal& who) {
    return detail::audited(impl_->db, who, "wallboard", "", [&] {
        detail::require_role(who, kLeads);
        auto [o, lock] = impl_->org(who.org_id);
        Wallboard w;
        w.now_ms = impl_->now();
        w.agents = o->agents();
        w.queues = o->queue_statuses(w.now_ms);
        w.calls = o->live_calls();
        return w;
    });
}

// ------------------------------------------------------------------ report

Page<StatePeriod> Presence::list_states(const Principal& who, const ListQuery& query) {
    return detail::audited(impl_->db, who, "list_agent_states", "", [&] {
        detail::require_role(who, kLeads);
        impl_->history->flush();
        return impl_->db.store().presence().list_states(who.org_id, query, impl_->options.list_limits, impl_->now());
    });
}

void Presence::export_states_csv(const Principal& who, const ListQuery& query, const CsvSink& sink) {
    detail::audited(impl_->db, who, "export_agent_states_csv", "csv", [&] {
        detail::require_role(who, kLeads);
        impl_->history->flush();
        impl_->db.store().presence().states_csv(who.org_id, query, impl_->options.list_limits, impl_->now(), sink);
    });
}

PivotReport Presence::report_states(const Principal& who, const ListQuery& query, const std::vector<std::string>& xaxis,
                                    const std::vector<std::string>& yaxis) {
    return detail::audited(impl_->db, who, "report_agent_states", "pivot", [&] {
        detail::require_role(who, kLeads);
        impl_->history->flush();
        return impl_->db.store().presence().pivot_states(who.org_id, query, xaxis, yaxis, impl_->now());
    });
}

void Presence::tick() { impl_->tick(); }

void Presence::flush() { impl_->history->flush(); }

}  // namespace switchboard
