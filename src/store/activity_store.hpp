// Internal: the store's interface for the activity log. Entries reach it in
// batches from the write-behind queue of Database (src/core/write_behind.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "switchboard/activity.hpp"
#include "switchboard/list.hpp"

namespace switchboard::store {

class ActivityStore {
public:
    virtual ~ActivityStore() = default;
    // Commits the entries in one transaction. An entry of an organisation
    // deleted since it was queued is dropped.
    virtual void write_activity(const std::vector<ActivityEntry>& batch) = 0;
    // org_id 0: the platform operator's entries. Filters: time, endpoint
    // (exact, or a prefix ending in '*'), status (OK/KO), actor, user_id.
    virtual Page<ActivityEntry> list_activity(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) = 0;
};

}  // namespace switchboard::store
