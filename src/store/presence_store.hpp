// Internal: the store's interface for presence: each organisation's presence
// settings and queues, who is in which queue, and the history of agent
// states (the agent state report). The live state itself is in memory
// (src/presence); only what must outlive the process is here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/list.hpp"
#include "switchboard/presence.hpp"

namespace switchboard::store {

// One change of an agent's state, in the order they happened: the agent's
// open period (if any) ends at time_ms, and unless the new state is offline
// a new period opens then, on the UTC day of time_ms.
struct StateChange {
    std::int64_t org_id = 0;
    std::int64_t user_id = 0;
    std::string username;
    AgentState state = AgentState::offline;
    std::string reason;
    std::int64_t time_ms = 0;
};

class PresenceStore {
public:
    virtual ~PresenceStore() = default;

    virtual std::optional<PresenceSettings> settings(std::int64_t org_id) = 0;
    virtual void put_settings(std::int64_t org_id, const PresenceSettings& settings) = 0;

    virtual std::vector<QueueSettings> queues(std::int64_t org_id) = 0;
    // Creates the queue or replaces its settings (by name).
    virtual void put_queue(std::int64_t org_id, const QueueSettings& queue) = 0;
    // Removes the queue and everyone's membership of it; false when there was none.
    virtual bool delete_queue(std::int64_t org_id, const std::string& name) = 0;

    // Every agent of the organisation with queues set: user id -> queue names.
    virtual std::vector<std::pair<std::int64_t, std::vector<std::string>>> agent_queues(std::int64_t org_id) = 0;
    // Replaces the agent's queues (names of existing queues; checked by the caller).
    virtual void set_agent_queues(std::int64_t org_id, std::int64_t user_id, const std::vector<std::string>& names) = 0;

    // Applies the changes in order, in one transaction.
    virtual void write_state_changes(const std::vector<StateChange>& changes) = 0;
    // Ends the organisation's periods a stopped process left open: at
    // `now_ms`, but never after the end of the day they began on. Returns
    // how many it ended.
    virtual int close_open_periods(std::int64_t org_id, std::int64_t now_ms) = 0;

    // The report; `now_ms` gives the seconds of periods still open.
    virtual Page<StatePeriod> list_states(std::int64_t org_id, const ListQuery& q, const ListLimits& limits,
                                          std::int64_t now_ms) = 0;
    virtual void states_csv(std::int64_t org_id, const ListQuery& q, const ListLimits& limits, std::int64_t now_ms,
                            const CsvSink& sink) = 0;
    virtual PivotReport pivot_states(std::int64_t org_id, const ListQuery& q, const std::vector<std::string>& xaxis,
                                     const std::vector<std::string>& yaxis, std::int64_t now_ms) = 0;
};

}  // namespace switchboard::store
