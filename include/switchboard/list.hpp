// switchboard: how every list of records is filtered and paged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace switchboard {

// A selection of records. Filters name fields of the record type (an unknown
// name is refused with Error(invalid_argument, field=name), never put into
// SQL). A filter is an exact match, except on time fields, where
// "A to B" selects A <= t <= B; A and B are ISO-8601 dates or times
// ("2020-12-01", "2020-12-20T10:00:00Z") or Unix milliseconds.
// Records come newest first.
struct ListQuery {
    std::vector<std::pair<std::string, std::string>> filters;
    std::optional<int> count;   // "_c": page size (default and maximum are configured)
    std::int64_t offset = 0;    // "_a": records to skip
    std::string search;         // free text, where the record type supports it
};

template <class T>
struct Page {
    std::vector<T> items;
    std::int64_t total = 0;     // matching records, ignoring count/offset
};

struct ListLimits {
    int default_count = 50;
    int max_count = 1000;
};

}  // namespace switchboard
