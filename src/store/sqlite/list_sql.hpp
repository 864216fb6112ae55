// Internal: turns a ListQuery into a WHERE clause over a whitelist of fields.
// Field names never reach SQL text; only the whitelisted column expressions do.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "switchboard/list.hpp"

namespace switchboard::store::sqlite {

enum class FieldKind { text, integer, boolean, time, prefix_text };

struct FieldSpec {
    std::string_view name;     // the name callers filter by
    std::string_view column;   // the SQL expression it maps to
    FieldKind kind = FieldKind::text;
};

struct ListSpec {
    std::string_view record;   // "users", used in error messages
    std::vector<FieldSpec> fields;
    std::vector<std::string_view> search_columns;  // LIKE search over these
    // Full-text search instead: the FTS5 table whose rowid is <id_column>.
    std::string_view fts_table;
    std::string_view id_column;
    // Fields a pivot report may group by (names from `fields`).
    std::vector<std::string_view> group_fields;
};

using Binding = std::variant<std::int64_t, std::string>;

struct Where {
    std::string sql;                 // " AND ..." clauses (may be empty)
    std::vector<Binding> bindings;
    // Set when the selection is a full-text search: the FROM clause then
    // starts with this table (see from_clause), and `sql` joins it to the
    // record's id and holds its MATCH.
    std::string_view fts_table;
};

// The FROM clause of a selection: `from` ("FROM <table> <alias> ...") itself,
// or, for a full-text search, the full-text table CROSS JOIN `from`, so that
// SQLite reads the (few) matching rows in the index's rowid order instead of
// testing every row of the table against the index.
std::string from_clause(std::string_view from, const Where& w);

// Throws Error(invalid_argument, field) for an unknown field or a bad value.
Where build_where(const ListSpec& spec, const ListQuery& query);
// The GROUP BY expressions of a pivot report over `names` (xaxis then
// yaxis fields); throws Error(invalid_argument, field) for a field that is
// not a group field of the record.
std::vector<std::string> group_columns(const ListSpec& spec, const std::vector<std::string>& names,
                                       const char* axis);

// The page size and offset after applying the limits (throws on bad values).
std::pair<int, std::int64_t> page_bounds(const ListQuery& query, const ListLimits& limits);

void bind_all(SQLite::Statement& st, const std::vector<Binding>& b, int first_index = 1);

// build_where() with the organisation's id bound first (for a FROM clause
// that ends "WHERE x.org_id = ?").
Where org_where(const ListSpec& spec, std::int64_t org_id, const ListQuery& q);

}  // namespace switchboard::store::sqlite
