// Internal: the store's interface for calls and their recordings. The rules
// live in src/calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/calls.hpp"
#include "switchboard/list.hpp"

namespace switchboard::store {

// Which calls a caller may see: the organisation's, narrowed to one agent's
// when agent_id is set.
struct CallScope {
    std::int64_t org_id = 0;
    std::int64_t agent_id = 0;
};

class CallsStore {
public:
    virtual ~CallsStore() = default;
    virtual Call insert_call(const Call& c) = 0;
    virtual std::optional<Call> call(const CallScope& scope, std::int64_t id) = 0;
    // Filters: id, direction, agent_id, queue, caller, hangup_status,
    // qa_done, activity_count, ticket_id, wait_s, start, created_on; group
    // fields agent_id, queue, direction, hangup_status, wait_s, qa_done,
    // activity_count.
    virtual Page<Call> list_calls(const CallScope& scope, const ListQuery& q, const ListLimits& limits) = 0;
    virtual void calls_csv(const CallScope& scope, const ListQuery& q, const ListLimits& limits,
                           const CsvSink& sink) = 0;
    virtual PivotReport pivot_calls(const CallScope& scope, const ListQuery& q, const std::vector<std::string>& xaxis,
                                    const std::vector<std::string>& yaxis) = 0;
    virtual std::optional<Call> set_recording(const CallScope& scope, std::int64_t call_id, std::int64_t file_id) = 0;
};

}  // namespace switchboard::store
