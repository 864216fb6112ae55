// The SQLite store: the activity log.
#include "store/sqlite/list_run.hpp"
#include "store/sqlite/stores.hpp"

namespace switchboard::store::sqlite {

namespace {

const ListSpec& activity_list_spec() {
    static const ListSpec spec{"activity",
                               {{"time", "a.time_ms", FieldKind::time},
                                {"endpoint", "a.endpoint", FieldKind::prefix_text},
                                {"status", "CASE a.ok WHEN 1 THEN 'OK' ELSE 'KO' END", FieldKind::text},
                                {"actor", "a.actor", FieldKind::text},
                                {"user_id", "a.user_id", FieldKind::integer}},
                               {"a.endpoint", "a.summary", "a.actor"},
                               {},
                               {},
                               {}};
    return spec;
}

class Activity final : public ActivityStore {
public:
    explicit Activity(Pool& db) : db_(db) {}
    void write_activity(const std::vector<ActivityEntry>& batch) override;
    Page<ActivityEntry> list_activity(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) override;

private:
    Pool& db_;
};

}  // namespace

void Activity::write_activity(const std::vector<ActivityEntry>& batch) {
    db_.write([&](SQLite::Database& db) {
        // An entry of an organisation deleted since it was queued goes the way
        // of the organisation's other entries (ON DELETE CASCADE).
        Prepared st(db,
                     "INSERT INTO activity (org_id, user_id, actor, endpoint, time_ms, ok, summary) "
                     "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 "
                     "WHERE ?1 IS NULL OR EXISTS (SELECT 1 FROM organisations WHERE id = ?1)");
        for (const ActivityEntry& e : batch) {
            if (e.org_id) st->bind(1, static_cast<int64_t>(e.org_id)); else st->bind(1);
            if (e.user_id) st->bind(2, static_cast<int64_t>(e.user_id)); else st->bind(2);
            st->bind(3, e.actor);
            st->bind(4, e.endpoint);
            st->bind(5, static_cast<int64_t>(e.time_ms));
            st->bind(6, e.ok ? 1 : 0);
            st->bind(7, e.summary);
            st->exec();
            st->reset();
        }
    });
}

Page<ActivityEntry> Activity::list_activity(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) {
    Where w = build_where(activity_list_spec(), q);
    if (org_id) {
        w.sql = " AND a.org_id = ?" + w.sql;
        w.bindings.insert(w.bindings.begin(), org_id);
    } else {
        w.sql = " AND a.org_id IS NULL" + w.sql;
    }
    const auto [count, offset] = page_bounds(q, limits);
    return db_.read([&](SQLite::Database& db) {
        SQLite::Transaction snapshot(db);
        return run_list<ActivityEntry>(
            db, "FROM activity a WHERE 1=1", "FROM activity a WHERE 1=1", w, count, offset,
            "a.id, ifnull(a.org_id, 0), ifnull(a.user_id, 0), a.actor, a.endpoint, a.time_ms, a.ok, a.summary",
            [](const Prepared& st) {
                ActivityEntry e;
                e.id = st->getColumn(0).getInt64();
                e.org_id = st->getColumn(1).getInt64();
                e.user_id = st->getColumn(2).getInt64();
                e.actor = st->getColumn(3).getString();
                e.endpoint = st->getColumn(4).getString();
                e.time_ms = st->getColumn(5).getInt64();
                e.ok = st->getColumn(6).getInt() != 0;
                e.summary = st->getColumn(7).getString();
                return e;
            });
    });
}

std::unique_ptr<ActivityStore> make_activity_store(Pool& pool) { return std::make_unique<Activity>(pool); }

}  // namespace switchboard::store::sqlite
