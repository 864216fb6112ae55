#include "store/sqlite/list_run.hpp"

namespace switchboard::store::sqlite {

PivotReport run_pivot(SQLite::Database& db, const ListSpec& spec, const std::string& count_from, const Where& w,
                      const std::vector<std::string>& xaxis, const std::vector<std::string>& yaxis,
                      const PivotSum* sum) {
    for (std::size_t i = 0; i < yaxis.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j)
            if (yaxis[j] == yaxis[i])
                throw Error(ErrorCode::invalid_argument, "\"" + yaxis[i] + "\" is given twice", "yaxis");
        for (const auto& x : xaxis)
            if (x == yaxis[i])
                throw Error(ErrorCode::invalid_argument, "\"" + x + "\" is on both axes", "yaxis");
    }
    for (std::size_t i = 0; i < xaxis.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (xaxis[j] == xaxis[i])
                throw Error(ErrorCode::invalid_argument, "\"" + xaxis[i] + "\" is given twice", "xaxis");
    auto cols = group_columns(spec, xaxis, "xaxis");
    const auto ycols = group_columns(spec, yaxis, "yaxis");
    cols.insert(cols.end(), ycols.begin(), ycols.end());
    // Plain columns, so that SQLite can group along an index in its order; a
    // NULL (no category, no assignee) reads back as "".
    std::string keys;
    for (std::size_t i = 0; i < cols.size(); ++i) keys += (i ? ", " : "") + cols[i];
    const std::string measure = sum ? ", total(" + sum->expression + ")" : "";
    const std::string sql = "SELECT " + (keys.empty() ? std::string() : keys + ", ") + "count(*)" + measure + " " +
                            from_clause(count_from, w) + w.sql +
                            (keys.empty() ? "" : " GROUP BY " + keys + " ORDER BY " + keys);
    PivotReport r;
    r.xaxis = xaxis;
    r.yaxis = yaxis;
    if (sum) r.sum_of = sum->name;
    Prepared st(db, sql);
    // The measure's parameters come first in the statement's text.
    if (sum) bind_all(*st, sum->bindings);
    bind_all(*st, w.bindings, sum ? static_cast<int>(sum->bindings.size()) + 1 : 1);
    while (st->executeStep()) {
        PivotRow row;
        for (std::size_t i = 0; i < cols.size(); ++i) row.keys.push_back(st->getColumn(static_cast<int>(i)).getString());
        row.count = st->getColumn(static_cast<int>(cols.size())).getInt64();
        if (sum) {
            row.sum = static_cast<std::int64_t>(st->getColumn(static_cast<int>(cols.size()) + 1).getDouble()) /
                      sum->divisor;
            r.sum_total += row.sum;
        }
        r.total += row.count;
        r.rows.push_back(std::move(row));
    }
    return r;
}

std::string export_paging(const ListQuery& q, const ListLimits& limits) {
    if (!q.count && !q.offset) return {};
    const auto [count, offset] = page_bounds(q, limits);
    return " LIMIT " + std::to_string(count) + " OFFSET " + std::to_string(offset);
}

}  // namespace switchboard::store::sqlite
