// Internal: runs a list (its total and one page) with a Where from list_sql.
#pragma once

#include <string>
#include <vector>

#include "store/sqlite/pool.hpp"
#include "store/sqlite/list_sql.hpp"

namespace switchboard::store::sqlite {

// `count_from` is the FROM ... WHERE part the total is counted over (without
// joins that do not change the count); `select_from` the FROM ... WHERE part
// the page's rows are read from, with their joins. Both end so that
// `where.sql` (" AND ...") can follow. The first selected column is the
// record's id; it orders the page, newest first.
//
// The page is read in two steps of one statement: the ids of the page are
// taken over `count_from` and the filters (an index usually covers them),
// then only those rows are read, by id, with the joins of `select_from` (its
// WHERE is not needed: the ids are already selected). Reading the joined rows
// up to the offset only to drop them would cost a row lookup per skipped row.
//
// `total`, when given, is a full SELECT that returns the total more cheaply
// than counting (a maintained tally), with its own bindings.
template <class T, class Reader>
Page<T> run_list(SQLite::Database& db, const std::string& count_from, const std::string& select_from,
                 const Where& w, int count, std::int64_t offset, const std::string& columns, Reader reader,
                 const Where* total = nullptr) {
    Page<T> page;
    const std::string from = from_clause(count_from, w);
    {
        Prepared c(db, total ? total->sql : "SELECT count(*) " + from + w.sql);
        bind_all(*c, total ? total->bindings : w.bindings);
        c->executeStep();
        page.total = c->getColumn(0).getInt64();
    }
    const std::string id = columns.substr(0, columns.find(','));
    // A search pages in the full-text index's rowid order (the record's id).
    const std::string page_id = w.fts_table.empty() ? id : std::string(w.fts_table) + ".rowid";
    Prepared st(db, "SELECT " + columns + " " + select_from.substr(0, select_from.find(" WHERE ")) + " WHERE " +
                        id + " IN (SELECT " + page_id + " " + from + w.sql +
                        " ORDER BY 1 DESC LIMIT ? OFFSET ?) ORDER BY 1 DESC");
    bind_all(*st, w.bindings);
    st->bind(static_cast<int>(w.bindings.size()) + 1, count);
    st->bind(static_cast<int>(w.bindings.size()) + 2, static_cast<int64_t>(offset));
    while (st->executeStep()) page.items.push_back(reader(st));
    return page;
}

// A measure a pivot report sums in each row: `expression` (SQL over the
// record's columns, with `bindings` for its parameters) summed, then divided
// by `divisor`, under `name`.
struct PivotSum {
    std::string name;
    std::string expression;
    std::vector<Binding> bindings;
    std::int64_t divisor = 1;
};

// A pivot report: counts over `count_from` + where, grouped by the group
// fields named in xaxis then yaxis, and the sum of `sum` when given.
PivotReport run_pivot(SQLite::Database& db, const ListSpec& spec, const std::string& count_from, const Where& w,
                      const std::vector<std::string>& xaxis, const std::vector<std::string>& yaxis,
                      const PivotSum* sum = nullptr);

// The LIMIT/OFFSET clause of an export: none unless the query pages.
std::string export_paging(const ListQuery& q, const ListLimits& limits);

}  // namespace switchboard::store::sqlite
