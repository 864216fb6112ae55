// Internal: the store's interface for the helpline statistics.
#pragma once

#include <cstdint>

#include "switchboard/calls.hpp"

namespace switchboard::store {

class StatsStore {
public:
    virtual ~StatsStore() = default;
    // Calls by their start time, tickets by their creation time, in
    // [from_ms, to_ms] (to_ms 0: no upper bound).
    virtual HelplineStats stats(std::int64_t org_id, std::int64_t from_ms, std::int64_t to_ms) = 0;
};

}  // namespace switchboard::store
