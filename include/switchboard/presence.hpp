// switchboard: agent presence and call queues.
//
// Every agent of an organisation has one presence state, which says whether a
// call may go to them:
//
//   offline    not logged in to any queue (the state after a restart)
//   available  logged in and idle: the next waiting call may be offered
//   ringing    their device rings: a call is offered to them, or (joining a
//              queue, OpenCHS joinq) the device rings to confirm they are there
//   on_call    talking
//   wrap_up    after a call, for the queue's wrap-up time, then available
//   on_break   logged in, taking no call, with one of the organisation's
//              break reasons (lunch, training ...)
//
// The transitions (docs/presence.md has the whole table) are checked here,
// once; a wrong one is refused with Error(conflict) naming the state and the
// action. Every change is timestamped, kept (the agent state report) and
// published as an "agent.state" event, and every change of a queue's waiting
// calls as a "queue.changed" event, so a wallboard follows them live.
//
// Calls wait in named queues (OpenCHS contexts such as "queue_english"). A
// waiting call is offered to the queue's available agent who has been idle
// longest (Asterisk app_queue's leastrecent), for the queue's ring time; on a
// timeout or a rejection it goes to the next one. An agent who misses
// max_missed_offers offers in a row is put on break ("missed offers"), as
// app_queue's autopause does. A call that waits longer than the queue's
// max_wait_ms goes to its overflow: another queue, or voicemail (the
// telephony layer takes it from there).
//
// Presence and the waiting calls live in memory, in the process that holds
// the Switchboard; the history of states is stored. After a restart every
// agent is offline until they log in again.
//
// Who may do what: an agent (or supervisor, or admin) changes their own
// presence; an admin or supervisor may also put an agent on break or log
// them out, and manages queues and who is in them; calls are put in queues,
// and ended, by admins, supervisors and dev tokens (the telephony layer),
// answered and rejected by the agent they are offered to.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/accounts.hpp"
#include "switchboard/list.hpp"

namespace switchboard {

class Database;
class Events;

enum class AgentState { offline, available, ringing, on_call, wrap_up, on_break };
std::string_view to_string(AgentState s) noexcept;
// Throws Error(invalid_argument, field "state") for an unknown name.
AgentState agent_state_from_string(std::string_view s);

// A queue's settings (admins).
struct QueueSettings {
    std::string name;                      // 1 to 64 of [A-Za-z0-9_.-], unique in the organisation
    std::int64_t ring_timeout_ms = 20'000;  // how long an offer rings, 1 s to 10 min
    std::int64_t wrap_up_ms = 30'000;       // wrap-up after a call, 0 to 1 h
    int max_missed_offers = 3;              // missed in a row before the agent is paused; 0: never
    std::int64_t max_wait_ms = 0;           // longest wait before the overflow; 0: no limit
    std::string overflow;                   // another queue, "voicemail", or "" (the call keeps waiting)
};

// The organisation's presence settings (admins).
struct PresenceSettings {
    std::vector<std::string> break_reasons{"lunch", "training", "meeting", "personal"};
    // An agent whose heartbeats stop for this long goes offline; 0: no
    // heartbeats needed. Agents on a call are left on it.
    std::int64_t heartbeat_timeout_ms = 90'000;
    // Joining a queue (OpenCHS joinq) rings the agent's device to confirm:
    // with no PBX, the agent confirms through the API (confirm_join), or, when
    // this is set, the agent is available at once.
    bool join_confirms_at_once = false;
    std::int64_t join_ring_ms = 30'000;     // an unconfirmed join ends (offline) after this
};

// A change of some of the settings: what is not set keeps its value.
struct PresenceSettingsPatch {
    std::optional<std::vector<std::string>> break_reasons;
    std::optional<std::int64_t> heartbeat_timeout_ms;
    std::optional<bool> join_confirms_at_once;
    std::optional<std::int64_t> join_ring_ms;
};

// One agent's presence.
struct AgentStatus {
    std::int64_t user_id = 0;
    std::string username;
    AgentState state = AgentState::offline;
    std::string reason;                 // on_break: the break reason
    std::int64_t since_ms = 0;          // when the state began
    std::int64_t last_seen_ms = 0;      // the last heartbeat (0: none)
    std::optional<bool> mic_permission; // from the heartbeat; false: no call is offered
    std::vector<std::string> queues;    // the queues the agent is in
    std::string call_id;                // the call offered or on, else the last one
    std::string call_phone;             // its caller
    std::string call_queue;             // its queue
    std::int64_t last_call_ms = 0;      // when the last call was answered (0: none)
    std::int64_t wrap_up_until_ms = 0;  // wrap_up: when it ends
    int missed_offers = 0;              // in a row
    std::int64_t idle_since_ms = 0;     // available: since when (the offering order)
};

enum class CallState { waiting, offered, connected, ended, overflowed, abandoned };
std::string_view to_string(CallState s) noexcept;

struct QueuedCall {
    std::string call_id;                // the caller's id (a Twilio CallSid, a PBX channel)
    std::string queue;
    std::string caller;                 // the caller's number
    CallState state = CallState::waiting;
    std::int64_t enqueued_ms = 0;
    std::int64_t offered_ms = 0;        // the current offer
    std::int64_t answered_ms = 0;
    std::int64_t ended_ms = 0;
    std::int64_t agent_id = 0;          // offered or connected to
    std::string overflow;               // overflowed: where it went
    int offers = 0;                     // offers made so far
};

struct QueueStatus {
    std::string name;
    int waiting = 0;                    // calls waiting or ringing an agent
    std::int64_t longest_wait_ms = 0;
    int agents = 0;                     // logged-in members
    int available = 0;
};

// What a supervisor's wallboard shows.
struct Wallboard {
    std::int64_t now_ms = 0;
    std::vector<AgentStatus> agents;    // logged in or not, every agent with presence
    std::vector<QueueStatus> queues;
    std::vector<QueuedCall> calls;      // waiting, ringing or connected, oldest first
};

// A row of the agent state report: one state of one agent, within one UTC
// day (a state that runs past midnight is split there).
struct StatePeriod {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::string username;
    AgentState state = AgentState::offline;
    std::string reason;
    std::string day;                    // "2026-12-02"
    std::int64_t started_ms = 0;
    std::int64_t ended_ms = 0;          // 0: still going on
    std::int64_t seconds = 0;           // ended (or now) - started, whole seconds
};

struct PresenceOptions {
    // The time in Unix milliseconds; empty: the system clock. Tests set one.
    std::function<std::int64_t()> clock;
    // Runs ring timeouts, wrap-up ends, heartbeat expiries and overflows on a
    // thread of its own. Without it nothing times out until tick() is called.
    bool timer_thread = true;
    ListLimits list_limits;   // the agent state report's pages
};

class Presence {
public:
    Presence(Database& db, Events& events, PresenceOptions options = {});
    ~Presence();
    Presence(const Presence&) = delete;
    Presence& operator=(const Presence&) = delete;

    // --- settings (admins set, staff read)
    PresenceSettings settings(const Principal& who);
    PresenceSettings set_settings(const Principal& who, const PresenceSettings& settings);
    // Changes the settings the patch names, the others kept, in one step.
    PresenceSettings change_settings(const Principal& who, const PresenceSettingsPatch& patch);
    std::vector<QueueSettings> queues(const Principal& who);
    QueueSettings put_queue(const Principal& who, const QueueSettings& queue);  // creates or replaces
    void delete_queue(const Principal& who, std::string_view name);            // refused while calls wait in it
    // The queues an agent logs in to (admins and supervisors). An agent with
    // none set (an empty list, or after their last queue is deleted) takes
    // the calls of every queue of the organisation. A call of a queue the
    // agent leaves stops ringing them.
    AgentStatus set_agent_queues(const Principal& who, std::int64_t user_id, const std::vector<std::string>& queues);

    // --- presence; user_id 0 means the caller
    AgentStatus status(const Principal& who, std::int64_t user_id = 0);
    AgentStatus log_in(const Principal& who);            // offline -> available
    // offline -> ringing (join), or available at once; on_break -> available
    AgentStatus join(const Principal& who);
    AgentStatus confirm_join(const Principal& who);      // ringing (join) -> available
    AgentStatus log_out(const Principal& who, std::int64_t user_id = 0);
    AgentStatus start_break(const Principal& who, std::string_view reason, std::int64_t user_id = 0);
    AgentStatus end_break(const Principal& who);         // on_break -> available
    // Records the caller's heartbeat (DeepCall web ping) and, when given,
    // their microphone permission. Does not change the state.
    AgentStatus heartbeat(const Principal& who, std::optional<bool> mic_permission = std::nullopt);
    AgentStatus end_wrap_up(const Principal& who);       // wrap_up -> available now
    // Available by whichever transition applies (Comm100's available: true):
    // log in, end a break or the wrap-up, confirm a join; refused while ringing
    // for a call or on one. An agent available already stays so.
    AgentStatus set_available(const Principal& who);
    AgentStatus extend_wrap_up(const Principal& who, std::int64_t extra_ms);

    // --- calls
    QueuedCall enqueue(const Principal& who, std::string_view call_id, std::string_view queue,
                       std::string_view caller = {});
    QueuedCall answer(const Principal& who, std::string_view call_id);   // the agent offered it
    QueuedCall reject(const Principal& who, std::string_view call_id);   // the agent offered it
    // Ends a connected call (the agent or the telephony layer): the agent
    // goes to wrap-up. A call still waiting is abandoned (the caller hung up).
    QueuedCall end_call(const Principal& who, std::string_view call_id);
    QueuedCall call(const Principal& who, std::string_view call_id);
    // The calls waiting or offered in the organisation's queues, oldest first.
    std::vector<QueuedCall> waiting_calls(const Principal& who);

    Wallboard wallboard(const Principal& who);   // admins and supervisors

    // --- the agent state report (admins and supervisors)
    // Filters: user_id, username, state, reason, day, started ("A to B").
    Page<StatePeriod> list_states(const Principal& who, const ListQuery& query);
    void export_states_csv(const Principal& who, const ListQuery& query, const CsvSink& sink);
    // Group fields: username, state, reason, day; each row also sums the
    // seconds (PivotRow::sum): the time in each state per agent and day.
    PivotReport report_states(const Principal& who, const ListQuery& query, const std::vector<std::string>& xaxis,
                              const std::vector<std::string>& yaxis);

    // Runs what is due by now: ring timeouts, ends of wrap-up and of join
    // rings, heartbeat expiries, overflows, the midnight split. The timer
    // thread calls it; so may a caller with its own clock.
    void tick();
    // Stores the state history still queued (tests, shutdown).
    void flush();

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

std::string to_json(const AgentStatus& s);
std::string to_json(const QueueStatus& q);
std::string to_json(const QueuedCall& c);
std::string to_json(const Wallboard& w);
std::string to_json(const QueueSettings& q);
// [record, ...]: the queues, the waiting calls.
std::string to_json(const std::vector<QueueSettings>& queues);
std::string to_json(const std::vector<QueuedCall>& calls);
std::string to_json(const PresenceSettings& s);
std::string to_json(const StatePeriod& p);
// The page of the report: {"total", "items": [...]}.
std::string to_json(const Page<StatePeriod>& page);

// Settings read from JSON objects with the same names as to_json writes:
// a queue (absent names keep the defaults), and a change of the presence
// settings (absent names are not changed). Throws Error(invalid_argument,
// field) for a wrong type or an unknown name.
QueueSettings queue_settings_from_json(std::string_view text);
PresenceSettingsPatch presence_settings_patch_from_json(std::string_view text);

}  // namespace switchboard
