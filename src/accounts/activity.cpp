#include "accounts/internal.hpp"
#include "switchboard/activity.hpp"
#include "switchboard/store.hpp"

namespace switchboard {

ActivityLog::ActivityLog(Database& db, ListLimits limits) : db_(db), limits_(limits) {}

void ActivityLog::record(const Principal& who, std::string_view endpoint, bool ok, std::string_view summary) {
    Principal labelled = who;
    labelled.endpoint = std::string(endpoint);
    detail::record_activity(db_.accounts_store(), labelled, endpoint, ok, summary);
}

Page<ActivityEntry> ActivityLog::list(const Principal& who, const ListQuery& query) {
    auto& store = db_.accounts_store();
    return detail::audited(store, who, "list_activity", "", [&] {
        detail::require_role(who, {Role::platform_operator, Role::admin, Role::supervisor});
        // The operator sees the platform's own entries (org_id 0).
        return store.list_activity(who.org_id, query, limits_);
    });
}

}  // namespace switchboard
