// Internal: runs a list (its total and one page) with a Where from list_sql.
#pragma once

#include <string>
#include <vector>

#include "store/database_impl.hpp"
#include "store/list_sql.hpp"

namespace switchboard::store {

// `count_from` is the FROM ... WHERE part the total is counted over (without
// joins that do not change the count); `select_from` the one the page is read
// from. Both end so that `where.sql` (" AND ...") can follow. The first
// selected column orders the page, newest first.
template <class T, class Reader>
Page<T> run_list(SQLite::Database& db, const std::string& count_from, const std::string& select_from,
                 const Where& w, int count, std::int64_t offset, const std::string& columns, Reader reader) {
    Page<T> page;
    {
        Prepared c(db, "SELECT count(*) " + count_from + w.sql);
        bind_all(*c, w.bindings);
        c->executeStep();
        page.total = c->getColumn(0).getInt64();
    }
    Prepared st(db, "SELECT " + columns + " " + select_from + w.sql + " ORDER BY 1 DESC LIMIT ? OFFSET ?");
    bind_all(*st, w.bindings);
    st->bind(static_cast<int>(w.bindings.size()) + 1, count);
    st->bind(static_cast<int>(w.bindings.size()) + 2, static_cast<int64_t>(offset));
    while (st->executeStep()) page.items.push_back(reader(st));
    return page;
}

// A pivot report: counts over `count_from` + where, grouped by the group
// fields named in xaxis then yaxis.
PivotReport run_pivot(SQLite::Database& db, const ListSpec& spec, const std::string& count_from, const Where& w,
                      const std::vector<std::string>& xaxis, const std::vector<std::string>& yaxis);

// The LIMIT/OFFSET clause of an export: none unless the query pages.
std::string export_paging(const ListQuery& q, const ListLimits& limits);

}  // namespace switchboard::store
