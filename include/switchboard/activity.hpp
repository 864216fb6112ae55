// switchboard: the activity log (OctaPy Ac1).
//
// Every call of an authenticated operation is recorded: the endpoint
// ("VERB /path" from an adapter, or the operation's name), the time, OK or KO
// and a short summary that never holds a secret.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "switchboard/accounts.hpp"
#include "switchboard/list.hpp"

namespace switchboard {

struct ActivityEntry {
    std::int64_t id = 0;
    std::int64_t org_id = 0;
    std::int64_t user_id = 0;
    std::string actor;      // username or dev key username
    std::string endpoint;
    std::int64_t time_ms = 0;
    bool ok = true;
    std::string summary;
};

class ActivityLog {
public:
    explicit ActivityLog(Database& db, ListLimits limits = {});

    void record(const Principal& who, std::string_view endpoint, bool ok,
                std::string_view summary);
    // Admins and supervisors of the organisation. Filters: "time"
    // ("A to B"), "endpoint" (exact, or a prefix ending in '*'), "status"
    // ("OK"/"KO"), "actor". Newest first.
    Page<ActivityEntry> list(const Principal& who, const ListQuery& query);

private:
    Database& db_;
    ListLimits limits_;
};

}  // namespace switchboard
