#include "store/sqlite/list_sql.hpp"

#include "core/time.hpp"
#include "switchboard/error.hpp"

namespace switchboard::store::sqlite {

namespace {

const FieldSpec* find_field(const ListSpec& spec, std::string_view name) {
    for (const auto& f : spec.fields)
        if (f.name == name) return &f;
    return nullptr;
}

std::int64_t parse_int(std::string_view value, std::string_view field) {
    try {
        std::size_t used = 0;
        std::string v(value);
        long long n = std::stoll(v, &used);
        if (used == v.size()) return n;
    } catch (...) {
    }
    throw Error(ErrorCode::invalid_argument,
                "filter " + std::string(field) + " expects a whole number, got \"" + std::string(value) + "\"",
                std::string(field));
}

}  // namespace

Where build_where(const ListSpec& spec, const ListQuery& query) {
    Where w;
    for (const auto& [name, value] : query.filters) {
        const FieldSpec* f = find_field(spec, name);
        if (!f)
            throw Error(ErrorCode::invalid_argument,
                        "unknown filter field \"" + name + "\" for " + std::string(spec.record), name);
        const std::string col(f->column);
        switch (f->kind) {
            case FieldKind::text:
                w.sql += " AND " + col + " = ?";
                w.bindings.emplace_back(value);
                break;
            case FieldKind::prefix_text:
                if (!value.empty() && value.back() == '*') {
                    w.sql += " AND substr(" + col + ", 1, ?) = ?";
                    w.bindings.emplace_back(static_cast<std::int64_t>(value.size() - 1));
                    w.bindings.emplace_back(value.substr(0, value.size() - 1));
                } else {
                    w.sql += " AND " + col + " = ?";
                    w.bindings.emplace_back(value);
                }
                break;
            case FieldKind::integer:
                w.sql += " AND " + col + " = ?";
                w.bindings.emplace_back(parse_int(value, name));
                break;
            case FieldKind::boolean: {
                std::int64_t b;
                if (value == "1" || value == "true" || value == "yes") b = 1;
                else if (value == "0" || value == "false" || value == "no") b = 0;
                else
                    throw Error(ErrorCode::invalid_argument,
                                "filter " + name + " expects 1 or 0, got \"" + value + "\"", name);
                w.sql += " AND " + col + " = ?";
                w.bindings.emplace_back(b);
                break;
            }
            case FieldKind::time: {
                auto sep = value.find(" to ");
                std::optional<std::int64_t> from, to;
                if (sep == std::string::npos) {
                    from = detail::parse_time(value, false);
                    to = detail::parse_time(value, true);
                    // An exact instant (not a date) matches that millisecond only.
                } else {
                    from = detail::parse_time(std::string_view(value).substr(0, sep), false);
                    to = detail::parse_time(std::string_view(value).substr(sep + 4), true);
                }
                if (!from || !to)
                    throw Error(ErrorCode::invalid_argument,
                                "filter " + name + " expects a date, a time or \"FROM to TO\", got \"" + value +
                                    "\"",
                                name);
                w.sql += " AND " + col + " BETWEEN ? AND ?";
                w.bindings.emplace_back(*from);
                w.bindings.emplace_back(*to);
                break;
            }
        }
    }
    if (!query.search.empty() && !spec.fts_table.empty()) {
        // The text is searched as words (each one quoted), never as FTS syntax.
        std::string match;
        std::string word;
        auto flush = [&] {
            if (word.empty()) return;
            if (!match.empty()) match += ' ';
            match += '"' + word + '"';
            word.clear();
        };
        for (char c : query.search) {
            if (c == '"') continue;
            if (c == ' ' || c == '\t' || c == '\n') flush();
            else word += c;
        }
        flush();
        if (match.empty()) throw Error(ErrorCode::invalid_argument, "the search text has no words", "search");
        const std::string fts(spec.fts_table);
        w.sql += " AND " + std::string(spec.id_column) + " = " + fts + ".rowid AND " + fts + " MATCH ?";
        w.bindings.emplace_back(match);
        w.fts_table = spec.fts_table;
    } else if (!query.search.empty()) {
        if (spec.search_columns.empty())
            throw Error(ErrorCode::invalid_argument, std::string(spec.record) + " cannot be searched", "search");
        std::string pattern = "%";
        for (char c : query.search) {
            if (c == '%' || c == '_' || c == '\\') pattern += '\\';
            pattern += c;
        }
        pattern += '%';
        w.sql += " AND (";
        for (std::size_t i = 0; i < spec.search_columns.size(); ++i) {
            if (i) w.sql += " OR ";
            w.sql += std::string(spec.search_columns[i]) + " LIKE ? ESCAPE '\\'";
            w.bindings.emplace_back(pattern);
        }
        w.sql += ")";
    }
    return w;
}

std::vector<std::string> group_columns(const ListSpec& spec, const std::vector<std::string>& names,
                                       const char* axis) {
    std::vector<std::string> out;
    for (const auto& name : names) {
        bool allowed = false;
        for (auto g : spec.group_fields) allowed = allowed || g == name;
        const FieldSpec* f = allowed ? find_field(spec, name) : nullptr;
        if (!f) {
            std::string list;
            for (auto g : spec.group_fields) list += (list.empty() ? "" : ", ") + std::string(g);
            throw Error(ErrorCode::invalid_argument,
                        "\"" + name + "\" is not a group field of " + std::string(spec.record) + " (" + list + ")",
                        axis);
        }
        out.emplace_back(f->column);
    }
    return out;
}

std::pair<int, std::int64_t> page_bounds(const ListQuery& query, const ListLimits& limits) {
    int count = query.count.value_or(limits.default_count);
    if (count < 0)
        throw Error(ErrorCode::invalid_argument, "the page size (_c) must be 0 or more", "count");
    if (count > limits.max_count)
        throw Error(ErrorCode::invalid_argument,
                    "the page size (_c) is over the maximum of " + std::to_string(limits.max_count), "count");
    if (query.offset < 0) throw Error(ErrorCode::invalid_argument, "the offset (_a) must be 0 or more", "offset");
    return {count, query.offset};
}

std::string from_clause(std::string_view from, const Where& w) {
    if (w.fts_table.empty()) return std::string(from);
    return "FROM " + std::string(w.fts_table) + " CROSS JOIN " + std::string(from.substr(5));
}

void bind_all(SQLite::Statement& st, const std::vector<Binding>& b, int first_index) {
    int i = first_index;
    for (const auto& v : b) {
        if (std::holds_alternative<std::int64_t>(v))
            st.bind(i++, static_cast<int64_t>(std::get<std::int64_t>(v)));
        else
            st.bind(i++, std::get<std::string>(v));
    }
}

Where org_where(const ListSpec& spec, std::int64_t org_id, const ListQuery& q) {
    Where w = build_where(spec, q);
    w.bindings.insert(w.bindings.begin(), org_id);
    return w;
}

}  // namespace switchboard::store::sqlite
