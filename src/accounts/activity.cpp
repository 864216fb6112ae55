#include "accounts/internal.hpp"
#include "core/write_behind.hpp"
#include "switchboard/activity.hpp"

namespace switchboard {

ActivityLog::ActivityLog(Database& db, ListLimits limits) : db_(db), limits_(limits) {}

void ActivityLog::record(const Principal& who, std::string_view endpoint, bool ok, std::string_view summary) {
    Principal labelled = who;
    labelled.endpoint = std::string(endpoint);
    detail::record_activity(db_, labelled, endpoint, ok, summary);
}

Page<ActivityEntry> ActivityLog::list(const Principal& who, const ListQuery& query) {
    return detail::audited(db_, who, "list_activity", "", [&] {
        detail::require_role(who, {Role::platform_operator, Role::admin, Role::supervisor});
        db_.activity_queue().flush();  // the caller's own entries included
        // The operator sees the platform's own entries (org_id 0).
        return db_.store().activity().list_activity(who.org_id, query, limits_);
    });
}

}  // namespace switchboard
