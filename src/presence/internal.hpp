// Internal to presence: the live state of one organisation (agents, waiting
// calls) and the state machine over it. Every function here runs with the
// organisation's mutex held; permissions are checked before (presence.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <deque>
#include <utility>
#include <vector>

#include "store/presence_store.hpp"
#include "switchboard/events.hpp"
#include "switchboard/presence.hpp"

namespace switchboard::presence {

// The break reason of an agent paused after too many missed offers.
inline constexpr std::string_view kMissedOffers = "missed offers";

struct Agent {
    AgentStatus status;
    bool join_ring = false;       // ringing to confirm a join, not for a call
    std::int64_t ring_until = 0;  // ringing: when the ring ends
};

struct LiveCall {
    QueuedCall call;
    std::int64_t queue_since = 0;          // in its current queue since (the overflow's clock)
    std::pair<std::int64_t, std::uint64_t> order{};  // its place among the waiting calls
    std::set<std::int64_t> passed;         // agents who missed or rejected it
};

// What a change leaves to do once decided: the history rows and the events.
struct Effects {
    std::vector<store::StateChange> changes;
    std::vector<Event> events;
};

// One organisation's live state.
class Org {
public:
    explicit Org(std::int64_t org_id) : org_id_(org_id) {}

    std::mutex mu;
    bool loaded = false;
    PresenceSettings settings;
    std::map<std::string, QueueSettings> queues;
    std::map<std::int64_t, std::vector<std::string>> memberships;  // set by an admin; none: every queue

    // The agent's entry, made (offline) on first use.
    Agent& agent(std::int64_t user_id, const std::string& username);
    Agent* find_agent(std::int64_t user_id);
    // The agent's status with its queues filled in.
    AgentStatus status_of(const Agent& a) const;
    std::vector<std::string> queues_of(std::int64_t user_id) const;

    // --- the transitions (each checks the state it starts from and throws
    // Error(conflict) naming it when that is not allowed)
    void log_in(Agent& a, std::int64_t now, Effects& fx);
    void join(Agent& a, std::int64_t now, Effects& fx);
    void confirm_join(Agent& a, std::int64_t now, Effects& fx);
    void log_out(Agent& a, std::int64_t now, Effects& fx);
    void start_break(Agent& a, const std::string& reason, std::int64_t now, Effects& fx);
    void end_break(Agent& a, std::int64_t now, Effects& fx);
    void end_wrap_up(Agent& a, std::int64_t now, Effects& fx);
    // Whatever makes the agent available: log in, end a break or a wrap-up, confirm a join.
    void set_available(Agent& a, std::int64_t now, Effects& fx);
    void extend_wrap_up(Agent& a, std::int64_t extra_ms, std::int64_t now, Effects& fx);
    // After the agent's queues changed: a call of a queue they left stops ringing them.
    void queues_changed(std::int64_t user_id, std::int64_t now, Effects& fx);
    // Returns true when the permission changed so that the agent may now take calls.
    bool heartbeat(Agent& a, std::optional<bool> mic, std::int64_t now);

    // --- calls
    const LiveCall& enqueue(const std::string& call_id, const std::string& queue, const std::string& caller,
                            std::int64_t now, Effects& fx);
    void answer(Agent& a, const std::string& call_id, std::int64_t now, Effects& fx);
    void reject(Agent& a, const std::string& call_id, std::int64_t now, Effects& fx);
    // Ends a connected call, or abandons a waiting or ringing one.
    QueuedCall end_call(const std::string& call_id, std::int64_t now, Effects& fx);
    std::optional<QueuedCall> find_call(const std::string& call_id) const;
    LiveCall* live_call(const std::string& call_id);
    std::vector<QueuedCall> waiting_calls() const;   // waiting or ringing, oldest first
    std::vector<QueuedCall> live_calls() const;      // and connected
    std::vector<QueueStatus> queue_statuses(std::int64_t now) const;
    std::vector<AgentStatus> agents() const;

    // Offers waiting calls to available agents until one side runs out.
    void dispatch(std::int64_t now, Effects& fx);
    // Runs what is due by now (ring ends, wrap-up ends, heartbeats,
    // overflows, the midnight split), then dispatch().
    void tick(std::int64_t now, Effects& fx);

    std::int64_t org_id() const { return org_id_; }
    std::int64_t next_midnight = 0;   // the next midnight split (set on load)

private:
    void set_state(Agent& a, AgentState s, std::string reason, std::int64_t now, Effects& fx);
    void offer(LiveCall& c, Agent& a, std::int64_t now, Effects& fx);
    // Takes the call back from its ringing agent into the waiting calls.
    void withdraw_offer(Agent& a, std::int64_t now, bool missed, Effects& fx);
    void to_waiting(LiveCall& c);
    void finish(LiveCall& c, CallState state, std::int64_t now, Effects& fx);
    void queue_changed(const std::string& queue, std::int64_t now, Effects& fx);
    bool in_queue(std::int64_t user_id, const std::string& queue) const;
    Event event(std::string type, std::string subject, std::string data, EventAudience audience, std::int64_t now,
                std::int64_t about = 0) const;

    std::int64_t org_id_;
    std::map<std::int64_t, Agent> agents_;
    std::map<std::string, LiveCall> calls_;                                    // live: waiting, offered, connected
    std::map<std::pair<std::int64_t, std::uint64_t>, std::string> waiting_;   // (enqueued, seq) -> call id
    std::uint64_t next_seq_ = 0;
    std::deque<QueuedCall> finished_;                                         // the last ones ended, for call()
    int available_ = 0;                                                       // agents available now
};

}  // namespace switchboard::presence
