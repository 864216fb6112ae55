// switchboard: how every list of records is filtered and paged.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
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

// A pivot report (OpenCHS ".../rpt"): counts of the selected records grouped
// by the xaxis fields, then the yaxis fields. Without any group field there
// is one row with no keys: the total count. Some reports also sum a measure
// of the records in each row (the agent state report: seconds in the state).
struct PivotRow {
    std::vector<std::string> keys;   // one value per group field, xaxis first
    std::int64_t count = 0;
    std::int64_t sum = 0;            // the measure's sum, when the report has one
};

struct PivotReport {
    std::vector<std::string> xaxis, yaxis;
    std::vector<PivotRow> rows;      // ordered by the keys
    std::int64_t total = 0;          // sum of the counts
    std::string sum_of;              // the measure summed ("seconds"), or "" when none
    std::int64_t sum_total = 0;      // sum of the rows' sums
};

// Receives CSV text in pieces as it is produced (RFC 4180, CRLF line ends,
// header row first). A cell that starts with '=', '+', '-' or '@' is
// prefixed with a single quote so that a spreadsheet shows it as text (a
// phone number "+254..." comes out as "'+254...").
// The sink runs while the export holds one of the database's reader
// connections: it must not call back into the library.
using CsvSink = std::function<void(std::string_view)>;

struct ListLimits {
    int default_count = 50;
    int max_count = 1000;
};

}  // namespace switchboard
