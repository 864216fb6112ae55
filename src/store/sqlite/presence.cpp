// The SQLite store: presence settings, queues, queue membership and the
// history of agent states.
#include "core/csv.hpp"
#include "core/time.hpp"
#include "store/sqlite/list_run.hpp"
#include "store/sqlite/stores.hpp"

#include <boost/json.hpp>

namespace switchboard::store::sqlite {

namespace {

namespace bj = boost::json;

constexpr const char* kStateColumns =
    "p.id, p.user_id, p.username, p.state, p.reason, p.day, p.started_ms, ifnull(p.ended_ms, 0)";
constexpr const char* kStateFrom = "FROM agent_states p WHERE p.org_id = ?";

const ListSpec& state_spec() {
    static const ListSpec spec{"agent states",
                               {{"id", "p.id", FieldKind::integer},
                                {"user_id", "p.user_id", FieldKind::integer},
                                {"username", "p.username", FieldKind::text},
                                {"state", "p.state", FieldKind::text},
                                {"reason", "p.reason", FieldKind::text},
                                {"day", "p.day", FieldKind::text},
                                {"started", "p.started_ms", FieldKind::time}},
                               {},
                               {},
                               {},
                               {"username", "state", "reason", "day"}};
    return spec;
}

StatePeriod read_period(SQLite::Statement& st, std::int64_t now) {
    StatePeriod p;
    p.id = st.getColumn(0).getInt64();
    p.user_id = st.getColumn(1).getInt64();
    p.username = st.getColumn(2).getString();
    p.state = agent_state_from_string(st.getColumn(3).getString());
    p.reason = st.getColumn(4).getString();
    p.day = st.getColumn(5).getString();
    p.started_ms = st.getColumn(6).getInt64();
    p.ended_ms = st.getColumn(7).getInt64();
    const std::int64_t end = p.ended_ms ? p.ended_ms : std::max(now, p.started_ms);
    p.seconds = (end - p.started_ms) / 1000;
    return p;
}

// "2026-12-02": the UTC day of a time.
std::string day_of(std::int64_t ms) { return detail::format_iso(ms).substr(0, 10); }

// The first millisecond of the next UTC day.
std::int64_t next_midnight(std::int64_t ms) {
    constexpr std::int64_t kDay = 86'400'000;
    return (ms >= 0 ? ms / kDay : (ms - kDay + 1) / kDay) * kDay + kDay;
}

std::string reasons_json(const std::vector<std::string>& reasons) {
    bj::array a;
    for (const auto& r : reasons) a.emplace_back(r);
    return bj::serialize(a);
}

std::vector<std::string> reasons_from_json(const std::string& text) {
    std::vector<std::string> out;
    for (const auto& v : bj::parse(text).as_array()) out.emplace_back(v.as_string());
    return out;
}

class Presence final : public PresenceStore {
public:
    explicit Presence(Pool& db) : db_(db) {}

    std::optional<PresenceSettings> settings(std::int64_t org_id) override {
        return db_.read([&](SQLite::Database& db) -> std::optional<PresenceSettings> {
            Prepared st(db,
                        "SELECT break_reasons, heartbeat_timeout_ms, join_confirms_at_once, join_ring_ms "
                        "FROM presence_settings WHERE org_id = ?");
            st->bind(1, static_cast<int64_t>(org_id));
            if (!st->executeStep()) return std::nullopt;
            PresenceSettings s;
            s.break_reasons = reasons_from_json(st->getColumn(0).getString());
            s.heartbeat_timeout_ms = st->getColumn(1).getInt64();
            s.join_confirms_at_once = st->getColumn(2).getInt() != 0;
            s.join_ring_ms = st->getColumn(3).getInt64();
            return s;
        });
    }

    void put_settings(std::int64_t org_id, const PresenceSettings& s) override {
        db_.write([&](SQLite::Database& db) {
            Prepared st(db,
                        "INSERT INTO presence_settings (org_id, break_reasons, heartbeat_timeout_ms, "
                        "join_confirms_at_once, join_ring_ms) VALUES (?, ?, ?, ?, ?) "
                        "ON CONFLICT (org_id) DO UPDATE SET break_reasons = excluded.break_reasons, "
                        "heartbeat_timeout_ms = excluded.heartbeat_timeout_ms, "
                        "join_confirms_at_once = excluded.join_confirms_at_once, join_ring_ms = excluded.join_ring_ms");
            st->bind(1, static_cast<int64_t>(org_id));
            st->bind(2, reasons_json(s.break_reasons));
            st->bind(3, static_cast<int64_t>(s.heartbeat_timeout_ms));
            st->bind(4, s.join_confirms_at_once ? 1 : 0);
            st->bind(5, static_cast<int64_t>(s.join_ring_ms));
            st->exec();
        });
    }

    std::vector<QueueSettings> queues(std::int64_t org_id) override {
        return db_.read([&](SQLite::Database& db) {
            Prepared st(db,
                        "SELECT name, ring_timeout_ms, wrap_up_ms, max_missed_offers, max_wait_ms, overflow "
                        "FROM queues WHERE org_id = ? ORDER BY name");
            st->bind(1, static_cast<int64_t>(org_id));
            std::vector<QueueSettings> out;
            while (st->executeStep()) {
                QueueSettings q;
                q.name = st->getColumn(0).getString();
                q.ring_timeout_ms = st->getColumn(1).getInt64();
                q.wrap_up_ms = st->getColumn(2).getInt64();
                q.max_missed_offers = st->getColumn(3).getInt();
                q.max_wait_ms = st->getColumn(4).getInt64();
                q.overflow = st->getColumn(5).getString();
                out.push_back(std::move(q));
            }
            return out;
        });
    }

    void put_queue(std::int64_t org_id, const QueueSettings& q) override {
        db_.write([&](SQLite::Database& db) {
            Prepared st(db,
                        "INSERT INTO queues (org_id, name, ring_timeout_ms, wrap_up_ms, max_missed_offers, "
                        "max_wait_ms, overflow) VALUES (?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (org_id, name) DO UPDATE SET ring_timeout_ms = excluded.ring_timeout_ms, "
                        "wrap_up_ms = excluded.wrap_up_ms, max_missed_offers = excluded.max_missed_offers, "
                        "max_wait_ms = excluded.max_wait_ms, overflow = excluded.overflow");
            st->bind(1, static_cast<int64_t>(org_id));
            st->bind(2, q.name);
            st->bind(3, static_cast<int64_t>(q.ring_timeout_ms));
            st->bind(4, static_cast<int64_t>(q.wrap_up_ms));
            st->bind(5, q.max_missed_offers);
            st->bind(6, static_cast<int64_t>(q.max_wait_ms));
            st->bind(7, q.overflow);
            st->exec();
        });
    }

    bool delete_queue(std::int64_t org_id, const std::string& name) override {
        return db_.write([&](SQLite::Database& db) {
            Prepared st(db, "DELETE FROM queues WHERE org_id = ? AND name = ?");  // memberships cascade
            st->bind(1, static_cast<int64_t>(org_id));
            st->bind(2, name);
            return st->exec() == 1;
        });
    }

    std::vector<std::pair<std::int64_t, std::vector<std::string>>> agent_queues(std::int64_t org_id) override {
        return db_.read([&](SQLite::Database& db) {
            Prepared st(db,
                        "SELECT a.user_id, q.name FROM agent_queues a JOIN queues q ON q.id = a.queue_id "
                        "WHERE q.org_id = ? ORDER BY a.user_id, q.name");
            st->bind(1, static_cast<int64_t>(org_id));
            std::vector<std::pair<std::int64_t, std::vector<std::string>>> out;
            while (st->executeStep()) {
                const std::int64_t user = st->getColumn(0).getInt64();
                if (out.empty() || out.back().first != user) out.emplace_back(user, std::vector<std::string>{});
                out.back().second.push_back(st->getColumn(1).getString());
            }
            return out;
        });
    }

    void set_agent_queues(std::int64_t org_id, std::int64_t user_id, const std::vector<std::string>& names) override {
        db_.write([&](SQLite::Database& db) {
            Prepared clear(db,
                           "DELETE FROM agent_queues WHERE user_id = ? AND queue_id IN "
                           "(SELECT id FROM queues WHERE org_id = ?)");
            clear->bind(1, static_cast<int64_t>(user_id));
            clear->bind(2, static_cast<int64_t>(org_id));
            clear->exec();
            Prepared add(db,
                         "INSERT OR IGNORE INTO agent_queues (user_id, queue_id) "
                         "SELECT ?, id FROM queues WHERE org_id = ? AND name = ?");
            for (const auto& name : names) {
                add->bind(1, static_cast<int64_t>(user_id));
                add->bind(2, static_cast<int64_t>(org_id));
                add->bind(3, name);
                add->exec();
                add->reset();
            }
        });
    }

    void write_state_changes(const std::vector<StateChange>& changes) override {
        if (changes.empty()) return;
        db_.write([&](SQLite::Database& db) {
            Prepared end(db,
                         "UPDATE agent_states SET ended_ms = max(started_ms, ?) "
                         "WHERE org_id = ? AND user_id = ? AND ended_ms IS NULL");
            Prepared open(db,
                          "INSERT INTO agent_states (org_id, user_id, username, state, reason, day, started_ms) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)");
            for (const auto& c : changes) {
                end->bind(1, static_cast<int64_t>(c.time_ms));
                end->bind(2, static_cast<int64_t>(c.org_id));
                end->bind(3, static_cast<int64_t>(c.user_id));
                end->exec();
                end->reset();
                if (c.state == AgentState::offline) continue;
                open->bind(1, static_cast<int64_t>(c.org_id));
                open->bind(2, static_cast<int64_t>(c.user_id));
                open->bind(3, c.username);
                open->bind(4, std::string(to_string(c.state)));
                open->bind(5, c.reason);
                open->bind(6, day_of(c.time_ms));
                open->bind(7, static_cast<int64_t>(c.time_ms));
                open->exec();
                open->reset();
            }
        });
    }

    int close_open_periods(std::int64_t org_id, std::int64_t now) override {
        return db_.write([&](SQLite::Database& db) {
            std::vector<std::pair<std::int64_t, std::int64_t>> open;  // id, started
            {
                Prepared st(db, "SELECT id, started_ms FROM agent_states WHERE org_id = ? AND ended_ms IS NULL");
                st->bind(1, static_cast<int64_t>(org_id));
                while (st->executeStep()) open.emplace_back(st->getColumn(0).getInt64(), st->getColumn(1).getInt64());
            }
            Prepared end(db, "UPDATE agent_states SET ended_ms = ? WHERE id = ?");
            for (const auto& [id, started] : open) {
                end->bind(1, static_cast<int64_t>(std::max(started, std::min(now, next_midnight(started) - 1))));
                end->bind(2, static_cast<int64_t>(id));
                end->exec();
                end->reset();
            }
            return static_cast<int>(open.size());
        });
    }

    Page<StatePeriod> list_states(std::int64_t org_id, const ListQuery& q, const ListLimits& limits,
                                  std::int64_t now) override {
        const Where w = org_where(state_spec(), org_id, q);
        const auto [count, offset] = page_bounds(q, limits);
        return db_.read([&](SQLite::Database& db) {
            SQLite::Transaction snapshot(db);
            return run_list<StatePeriod>(db, kStateFrom, kStateFrom, w, count, offset, kStateColumns,
                                         [now](Prepared& st) { return read_period(*st, now); });
        });
    }

    void states_csv(std::int64_t org_id, const ListQuery& q, const ListLimits& limits, std::int64_t now,
                    const CsvSink& sink) override {
        const Where w = org_where(state_spec(), org_id, q);
        const std::string paging = export_paging(q, limits);
        db_.read([&](SQLite::Database& db) {
            detail::CsvWriter out(sink);
            for (const char* h : {"id", "user_id", "username", "state", "reason", "day", "started", "ended", "seconds"})
                out.cell(h);
            out.end_row();
            Prepared st(db, std::string("SELECT ") + kStateColumns + " " + kStateFrom + w.sql + " ORDER BY 1 DESC" +
                                paging);
            bind_all(*st, w.bindings);
            while (st->executeStep()) {
                const StatePeriod p = read_period(*st, now);
                out.cell(p.id);
                out.cell(p.user_id);
                out.cell(p.username);
                out.cell(to_string(p.state));
                out.cell(p.reason);
                out.cell(p.day);
                out.cell_time(p.started_ms);
                p.ended_ms ? out.cell_time(p.ended_ms) : out.cell(std::string_view());
                out.cell(p.seconds);
                out.end_row();
            }
            out.flush();
        });
    }

    PivotReport pivot_states(std::int64_t org_id, const ListQuery& q, const std::vector<std::string>& xaxis,
                             const std::vector<std::string>& yaxis, std::int64_t now) override {
        const Where w = org_where(state_spec(), org_id, q);
        PivotSum seconds{"seconds", "max(0, ifnull(p.ended_ms, max(?, p.started_ms)) - p.started_ms)", {now}, 1000};
        return db_.read([&](SQLite::Database& db) {
            return run_pivot(db, state_spec(), kStateFrom, w, xaxis, yaxis, &seconds);
        });
    }

private:
    Pool& db_;
};

}  // namespace

std::unique_ptr<PresenceStore> make_presence_store(Pool& pool) { return std::make_unique<Presence>(pool); }

}  // namespace switchboard::store::sqlite
