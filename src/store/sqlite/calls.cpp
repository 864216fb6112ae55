// The SQLite store: calls and their recordings.
#include "core/csv.hpp"
#include "core/time.hpp"
#include "store/sqlite/list_run.hpp"
#include "store/sqlite/stores.hpp"

namespace switchboard::store::sqlite {

namespace {

constexpr const char* kCallColumns =
    "c.id, c.org_id, c.direction, ifnull(c.agent_id, 0), c.queue, c.caller, c.start_ms, ifnull(c.answer_ms, 0), "
    "ifnull(c.end_ms, 0), c.wait_s, c.talk_s, c.hold_s, c.hangup_status, c.qa_done, c.activity_count, "
    "ifnull(c.ticket_id, 0), ifnull(c.recording_file_id, 0), c.created_ms, "
    "ifnull((SELECT i.ricket FROM interactions i WHERE i.call_id = c.id ORDER BY i.id DESC LIMIT 1), '')";

Call read_call(const Prepared& st) {
    Call c;
    c.id = st->getColumn(0).getInt64();
    c.org_id = st->getColumn(1).getInt64();
    c.direction = st->getColumn(2).getString();
    c.agent_id = st->getColumn(3).getInt64();
    c.queue = st->getColumn(4).getString();
    c.caller = st->getColumn(5).getString();
    c.start_ms = st->getColumn(6).getInt64();
    c.answer_ms = st->getColumn(7).getInt64();
    c.end_ms = st->getColumn(8).getInt64();
    c.wait_s = st->getColumn(9).getInt();
    c.talk_s = st->getColumn(10).getInt();
    c.hold_s = st->getColumn(11).getInt();
    c.hangup_status = st->getColumn(12).getString();
    c.qa_done = st->getColumn(13).getInt() != 0;
    c.activity_count = st->getColumn(14).getInt();
    c.ticket_id = st->getColumn(15).getInt64();
    c.recording_file_id = st->getColumn(16).getInt64();
    c.created_ms = st->getColumn(17).getInt64();
    c.ricket = st->getColumn(18).getString();
    return c;
}

const ListSpec& call_spec() {
    static const ListSpec spec{"calls",
                               {{"id", "c.id", FieldKind::integer},
                                {"direction", "c.direction", FieldKind::text},
                                {"agent_id", "c.agent_id", FieldKind::integer},
                                {"queue", "c.queue", FieldKind::text},
                                {"caller", "c.caller", FieldKind::text},
                                {"hangup_status", "c.hangup_status", FieldKind::text},
                                {"qa_done", "c.qa_done", FieldKind::boolean},
                                {"activity_count", "c.activity_count", FieldKind::integer},
                                {"ticket_id", "c.ticket_id", FieldKind::integer},
                                {"wait_s", "c.wait_s", FieldKind::integer},
                                {"start", "c.start_ms", FieldKind::time},
                                {"created_on", "c.created_ms", FieldKind::time}},
                               {},
                               {},
                               {},
                               {"agent_id", "queue", "direction", "hangup_status", "wait_s", "qa_done",
                                "activity_count"}};
    return spec;
}

Where call_where(const CallScope& scope, const ListQuery& q) {
    Where w = build_where(call_spec(), q);
    Where s;
    s.bindings.emplace_back(scope.org_id);
    if (scope.agent_id) {
        s.sql = " AND c.agent_id = ?";
        s.bindings.emplace_back(scope.agent_id);
    }
    s.sql += w.sql;
    s.bindings.insert(s.bindings.end(), w.bindings.begin(), w.bindings.end());
    return s;
}

constexpr const char* kCallFrom = "FROM calls c WHERE c.org_id = ?";

}  // namespace

std::optional<Call> load_call(SQLite::Database& db, const CallScope& scope, std::int64_t id) {
    const Where w = call_where(scope, {});
    Prepared st(db, std::string("SELECT ") + kCallColumns + " " + kCallFrom + w.sql + " AND c.id = ?");
    bind_all(*st, w.bindings);
    st->bind(static_cast<int>(w.bindings.size()) + 1, static_cast<int64_t>(id));
    if (!st->executeStep()) return std::nullopt;
    return read_call(st);
}

namespace {

class Calls final : public CallsStore {
public:
    explicit Calls(Pool& db) : db_(db) {}
    Call insert_call(const Call& c) override;
    std::optional<Call> call(const CallScope& scope, std::int64_t id) override;
    Page<Call> list_calls(const CallScope& scope, const ListQuery& q, const ListLimits& limits) override;
    void calls_csv(const CallScope& scope, const ListQuery& q, const ListLimits& limits,
                   const CsvSink& sink) override;
    PivotReport pivot_calls(const CallScope& scope, const ListQuery& q, const std::vector<std::string>& xaxis,
                            const std::vector<std::string>& yaxis) override;
    std::optional<Call> set_recording(const CallScope& scope, std::int64_t call_id, std::int64_t file_id) override;

private:
    Pool& db_;
};

}  // namespace

Call Calls::insert_call(const Call& c) {
    return db_.write([&](SQLite::Database& db) {
        Prepared st(db,
                    "INSERT INTO calls (org_id, direction, agent_id, queue, caller, start_ms, answer_ms, end_ms, "
                    "wait_s, talk_s, hold_s, hangup_status, activity_count, ticket_id, recording_file_id, "
                    "created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        auto opt = [&](int i, std::int64_t v) {
            if (v) st->bind(i, static_cast<int64_t>(v)); else st->bind(i);
        };
        st->bind(1, static_cast<int64_t>(c.org_id));
        st->bind(2, c.direction);
        opt(3, c.agent_id);
        st->bind(4, c.queue);
        st->bind(5, c.caller);
        st->bind(6, static_cast<int64_t>(c.start_ms));
        opt(7, c.answer_ms);
        opt(8, c.end_ms);
        st->bind(9, c.wait_s);
        st->bind(10, c.talk_s);
        st->bind(11, c.hold_s);
        st->bind(12, c.hangup_status);
        st->bind(13, c.activity_count);
        opt(14, c.ticket_id);
        opt(15, c.recording_file_id);
        st->bind(16, static_cast<int64_t>(detail::now_ms()));
        st->exec();
        return *load_call(db, {c.org_id, 0}, db.getLastInsertRowid());
    });
}

std::optional<Call> Calls::call(const CallScope& scope, std::int64_t id) {
    return db_.read([&](SQLite::Database& db) { return load_call(db, scope, id); });
}

Page<Call> Calls::list_calls(const CallScope& scope, const ListQuery& q, const ListLimits& limits) {
    const Where w = call_where(scope, q);
    const auto [count, offset] = page_bounds(q, limits);
    return db_.read([&](SQLite::Database& db) {
        SQLite::Transaction snapshot(db);
        return run_list<Call>(db, kCallFrom, kCallFrom, w, count, offset, kCallColumns, read_call);
    });
}

void Calls::calls_csv(const CallScope& scope, const ListQuery& q, const ListLimits& limits, const CsvSink& sink) {
    const Where w = call_where(scope, q);
    const std::string paging = export_paging(q, limits);
    db_.read([&](SQLite::Database& db) {
        detail::CsvWriter out(sink);
        for (const char* h : {"id", "direction", "agent_id", "queue", "caller", "start", "answer", "end", "wait_s",
                              "talk_s", "hold_s", "hangup_status", "qa_done", "activity_count", "ticket_id",
                              "recording_file_id"})
            out.cell(h);
        out.end_row();
        Prepared st(db, std::string("SELECT ") + kCallColumns + " " + kCallFrom + w.sql + " ORDER BY 1 DESC" + paging);
        bind_all(*st, w.bindings);
        auto time_cell = [&out](std::int64_t v) { v ? out.cell_time(v) : out.cell(std::string_view()); };
        while (st->executeStep()) {
            const Call c = read_call(st);
            out.cell(c.id);
            out.cell(c.direction);
            out.cell(c.agent_id, true);
            out.cell(c.queue);
            out.cell(c.caller);
            time_cell(c.start_ms);
            time_cell(c.answer_ms);
            time_cell(c.end_ms);
            out.cell(static_cast<std::int64_t>(c.wait_s));
            out.cell(static_cast<std::int64_t>(c.talk_s));
            out.cell(static_cast<std::int64_t>(c.hold_s));
            out.cell(c.hangup_status);
            out.cell(c.qa_done ? "1" : "0");
            out.cell(static_cast<std::int64_t>(c.activity_count));
            out.cell(c.ticket_id, true);
            out.cell(c.recording_file_id, true);
            out.end_row();
        }
        out.flush();
    });
}

PivotReport Calls::pivot_calls(const CallScope& scope, const ListQuery& q, const std::vector<std::string>& xaxis,
                               const std::vector<std::string>& yaxis) {
    const Where w = call_where(scope, q);
    return db_.read([&](SQLite::Database& db) { return run_pivot(db, call_spec(), kCallFrom, w, xaxis, yaxis); });
}

std::optional<Call> Calls::set_recording(const CallScope& scope, std::int64_t call_id, std::int64_t file_id) {
    return db_.write([&](SQLite::Database& db) -> std::optional<Call> {
        if (!load_call(db, scope, call_id)) return std::nullopt;
        Prepared st(db, "UPDATE calls SET recording_file_id = ? WHERE id = ? AND org_id = ?");
        st->bind(1, static_cast<int64_t>(file_id));
        st->bind(2, static_cast<int64_t>(call_id));
        st->bind(3, static_cast<int64_t>(scope.org_id));
        st->exec();
        return load_call(db, scope, call_id);
    });
}

std::unique_ptr<CallsStore> make_calls_store(Pool& pool) { return std::make_unique<Calls>(pool); }

}  // namespace switchboard::store::sqlite
