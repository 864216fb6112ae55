// Internal: the store's interface for QA scorecards. The rules live in
// src/calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/calls.hpp"
#include "switchboard/list.hpp"

namespace switchboard::store {

class QaStore {
public:
    virtual ~QaStore() = default;
    // Inserts the scorecard and marks the call qa_done, in one transaction;
    // nullopt when the call is not the organisation's.
    virtual std::optional<QaRecord> insert_qa(const QaRecord& r) = 0;
    virtual std::optional<QaRecord> qa(std::int64_t org_id, std::int64_t id) = 0;
    // Filters: id, call_id, each score, reviewer_id, created_on, call_agent_id,
    // call_direction; group fields call_agent_id, call_direction and each score.
    virtual Page<QaRecord> list_qa(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) = 0;
    virtual void qa_csv(std::int64_t org_id, const ListQuery& q, const ListLimits& limits, const CsvSink& sink) = 0;
    virtual PivotReport pivot_qa(std::int64_t org_id, const ListQuery& q, const std::vector<std::string>& xaxis,
                                 const std::vector<std::string>& yaxis) = 0;
};

}  // namespace switchboard::store
