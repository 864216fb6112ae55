// switchboard: list queries read from JSON text and pivot reports written as
// JSON, for every module's lists. The conventions are json.hpp's.
#pragma once

#include <string>
#include <string_view>

#include "switchboard/list.hpp"

namespace switchboard::json {

// {"xaxis": [...], "yaxis": [...], "total": n, "rows": [{"keys": [...], "count": n}]}
std::string to_json(const PivotReport& r);

// {"filters": {"field": "value", ...}, "count": n, "offset": n, "search": "..."}
// An empty text is an empty query.
ListQuery list_query_from_json(std::string_view text);

}  // namespace switchboard::json
