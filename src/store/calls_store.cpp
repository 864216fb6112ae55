#include "store/calls_store.hpp"

#include "core/csv.hpp"
#include "core/time.hpp"
#include "store/list_run.hpp"

namespace switchboard::store {

namespace {

// ------------------------------------------------------------ files

constexpr const char* kFileColumns =
    "f.id, f.org_id, f.name, f.mime, f.size, f.sha256, ifnull(f.uploaded_by, 0), f.created_ms";

FileInfo read_file(const Prepared& st) {
    FileInfo f;
    f.id = st->getColumn(0).getInt64();
    f.org_id = st->getColumn(1).getInt64();
    f.name = st->getColumn(2).getString();
    f.mime = st->getColumn(3).getString();
    f.size = st->getColumn(4).getInt64();
    f.sha256 = st->getColumn(5).getString();
    f.uploaded_by = st->getColumn(6).getInt64();
    f.created_ms = st->getColumn(7).getInt64();
    return f;
}

const ListSpec& file_spec() {
    static const ListSpec spec{"files",
                               {{"id", "f.id", FieldKind::integer},
                                {"name", "f.name", FieldKind::text},
                                {"mime", "f.mime", FieldKind::text},
                                {"sha256", "f.sha256", FieldKind::text},
                                {"uploaded_by", "f.uploaded_by", FieldKind::integer},
                                {"created_on", "f.created_ms", FieldKind::time}},
                               {"f.name"},
                               {},
                               {},
                               {"mime"}};
    return spec;
}

// ------------------------------------------------------------ calls

constexpr const char* kCallColumns =
    "c.id, c.org_id, c.direction, ifnull(c.agent_id, 0), c.queue, c.caller, c.start_ms, ifnull(c.answer_ms, 0), "
    "ifnull(c.end_ms, 0), c.wait_s, c.talk_s, c.hold_s, c.hangup_status, c.qa_done, c.activity_count, "
    "ifnull(c.ticket_id, 0), ifnull(c.recording_file_id, 0), c.created_ms";

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
    return c;
}

const ListSpec& call_spec() {
    // OpenCHS names (usr, vector, context_masq, sla_wait) beside switchboard's.
    static const ListSpec spec{"calls",
                               {{"id", "c.id", FieldKind::integer},
                                {"direction", "c.direction", FieldKind::text},
                                {"vector", "c.direction", FieldKind::text},
                                {"agent_id", "c.agent_id", FieldKind::integer},
                                {"usr", "c.agent_id", FieldKind::integer},
                                {"queue", "c.queue", FieldKind::text},
                                {"context_masq", "c.queue", FieldKind::text},
                                {"caller", "c.caller", FieldKind::text},
                                {"hangup_status", "c.hangup_status", FieldKind::text},
                                {"qa_done", "c.qa_done", FieldKind::boolean},
                                {"activity_count", "c.activity_count", FieldKind::integer},
                                {"ticket_id", "c.ticket_id", FieldKind::integer},
                                {"wait_s", "c.wait_s", FieldKind::integer},
                                {"sla_wait", "c.wait_s", FieldKind::integer},
                                {"start", "c.start_ms", FieldKind::time},
                                {"created_on", "c.created_ms", FieldKind::time}},
                               {},
                               {},
                               {},
                               {"usr", "context_masq", "vector", "hangup_status", "sla_wait", "qa_done",
                                "activity_count", "agent_id", "direction", "queue"}};
    return spec;
}

Where call_where(std::int64_t org_id, std::int64_t agent_id, const ListQuery& q) {
    Where w = build_where(call_spec(), q);
    Where s;
    s.bindings.emplace_back(org_id);
    if (agent_id) {
        s.sql = " AND c.agent_id = ?";
        s.bindings.emplace_back(agent_id);
    }
    s.sql += w.sql;
    s.bindings.insert(s.bindings.end(), w.bindings.begin(), w.bindings.end());
    return s;
}

constexpr const char* kCallFrom = "FROM calls c WHERE c.org_id = ?";

std::optional<Call> load_call(SQLite::Database& db, std::int64_t org_id, std::int64_t agent_id, std::int64_t id) {
    const Where w = call_where(org_id, agent_id, {});
    Prepared st(db, std::string("SELECT ") + kCallColumns + " " + kCallFrom + w.sql + " AND c.id = ?");
    bind_all(*st, w.bindings);
    st->bind(static_cast<int>(w.bindings.size()) + 1, static_cast<int64_t>(id));
    if (!st->executeStep()) return std::nullopt;
    return read_call(st);
}

// ------------------------------------------------------------ QA

constexpr const char* kQaColumns =
    "q.id, q.org_id, q.call_id, q.opening, q.holding, q.politeness, q.enthusiasm, q.personalization, "
    "q.troubleshooting, q.listening, q.accuracy, q.resolution, q.comments, q.recommendations, "
    "ifnull(q.reviewer_id, 0), q.reviewer, q.created_ms, ifnull(c.agent_id, 0), c.direction";

constexpr const char* kQaFrom = "FROM qa q JOIN calls c ON c.id = q.call_id WHERE q.org_id = ?";

QaRecord read_qa(const Prepared& st) {
    QaRecord r;
    r.id = st->getColumn(0).getInt64();
    r.org_id = st->getColumn(1).getInt64();
    r.call_id = st->getColumn(2).getInt64();
    int* scores[] = {&r.opening,         &r.holding,   &r.politeness, &r.enthusiasm, &r.personalization,
                     &r.troubleshooting, &r.listening, &r.accuracy,   &r.resolution};
    for (int i = 0; i < 9; ++i) *scores[i] = st->getColumn(3 + i).getInt();
    r.comments = st->getColumn(12).getString();
    r.recommendations = st->getColumn(13).getString();
    r.reviewer_id = st->getColumn(14).getInt64();
    r.reviewer = st->getColumn(15).getString();
    r.created_ms = st->getColumn(16).getInt64();
    r.call_agent_id = st->getColumn(17).getInt64();
    r.call_direction = st->getColumn(18).getString();
    return r;
}

const ListSpec& qa_spec() {
    static const ListSpec spec{"qa",
                               {{"id", "q.id", FieldKind::integer},
                                {"call_id", "q.call_id", FieldKind::integer},
                                {"opening", "q.opening", FieldKind::integer},
                                {"holding", "q.holding", FieldKind::integer},
                                {"politeness", "q.politeness", FieldKind::integer},
                                {"enthusiasm", "q.enthusiasm", FieldKind::integer},
                                {"personalization", "q.personalization", FieldKind::integer},
                                {"troubleshooting", "q.troubleshooting", FieldKind::integer},
                                {"listening", "q.listening", FieldKind::integer},
                                {"accuracy", "q.accuracy", FieldKind::integer},
                                {"resolution", "q.resolution", FieldKind::integer},
                                {"reviewer_id", "q.reviewer_id", FieldKind::integer},
                                {"chan_usr", "c.agent_id", FieldKind::integer},
                                {"chan_vector", "c.direction", FieldKind::text},
                                {"created_on", "q.created_ms", FieldKind::time}},
                               {"q.comments", "q.recommendations"},
                               {},
                               {},
                               {"chan_usr", "chan_vector", "opening", "holding", "politeness", "enthusiasm",
                                "personalization", "troubleshooting", "listening", "accuracy", "resolution"}};
    return spec;
}

Where org_where(const ListSpec& spec, std::int64_t org_id, const ListQuery& q) {
    Where w = build_where(spec, q);
    w.bindings.insert(w.bindings.begin(), org_id);
    return w;
}

}  // namespace

// ------------------------------------------------------------ files

FileInfo CallsStore::insert_file(const FileInfo& f) {
    return db_.write([&](SQLite::Database& db) {
        Prepared st(db,
                    "INSERT INTO files (org_id, name, mime, size, sha256, uploaded_by, created_ms) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)");
        st->bind(1, static_cast<int64_t>(f.org_id));
        st->bind(2, f.name);
        st->bind(3, f.mime);
        st->bind(4, static_cast<int64_t>(f.size));
        st->bind(5, f.sha256);
        if (f.uploaded_by) st->bind(6, static_cast<int64_t>(f.uploaded_by)); else st->bind(6);
        st->bind(7, static_cast<int64_t>(detail::now_ms()));
        st->exec();
        FileInfo out = f;
        out.id = db.getLastInsertRowid();
        Prepared get(db, std::string("SELECT ") + kFileColumns + " FROM files f WHERE f.id = ?");
        get->bind(1, static_cast<int64_t>(out.id));
        get->executeStep();
        return read_file(get);
    });
}

std::optional<FileInfo> CallsStore::file(std::int64_t org_id, std::int64_t id) {
    return db_.read([&](SQLite::Database& db) -> std::optional<FileInfo> {
        Prepared st(db, std::string("SELECT ") + kFileColumns + " FROM files f WHERE f.org_id = ? AND f.id = ?");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, static_cast<int64_t>(id));
        if (!st->executeStep()) return std::nullopt;
        return read_file(st);
    });
}

Page<FileInfo> CallsStore::list_files(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) {
    const Where w = org_where(file_spec(), org_id, q);
    const auto [count, offset] = page_bounds(q, limits);
    return db_.read([&](SQLite::Database& db) {
        SQLite::Transaction snapshot(db);
        const std::string from = "FROM files f WHERE f.org_id = ?";
        return run_list<FileInfo>(db, from, from, w, count, offset, kFileColumns, read_file);
    });
}

// ------------------------------------------------------------ calls

Call CallsStore::insert_call(const Call& c) {
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
        return *load_call(db, c.org_id, 0, db.getLastInsertRowid());
    });
}

std::optional<Call> CallsStore::call(std::int64_t org_id, std::int64_t agent_id, std::int64_t id) {
    return db_.read([&](SQLite::Database& db) { return load_call(db, org_id, agent_id, id); });
}

Page<Call> CallsStore::list_calls(std::int64_t org_id, std::int64_t agent_id, const ListQuery& q,
                                  const ListLimits& limits) {
    const Where w = call_where(org_id, agent_id, q);
    const auto [count, offset] = page_bounds(q, limits);
    return db_.read([&](SQLite::Database& db) {
        SQLite::Transaction snapshot(db);
        return run_list<Call>(db, kCallFrom, kCallFrom, w, count, offset, kCallColumns, read_call);
    });
}

void CallsStore::calls_csv(std::int64_t org_id, std::int64_t agent_id, const ListQuery& q, const ListLimits& limits,
                           const CsvSink& sink) {
    const Where w = call_where(org_id, agent_id, q);
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

PivotReport CallsStore::pivot_calls(std::int64_t org_id, std::int64_t agent_id, const ListQuery& q,
                                    const std::vector<std::string>& xaxis, const std::vector<std::string>& yaxis) {
    const Where w = call_where(org_id, agent_id, q);
    return db_.read([&](SQLite::Database& db) { return run_pivot(db, call_spec(), kCallFrom, w, xaxis, yaxis); });
}

std::optional<Call> CallsStore::set_recording(std::int64_t org_id, std::int64_t agent_id, std::int64_t call_id,
                                              std::int64_t file_id) {
    return db_.write([&](SQLite::Database& db) -> std::optional<Call> {
        if (!load_call(db, org_id, agent_id, call_id)) return std::nullopt;
        Prepared st(db, "UPDATE calls SET recording_file_id = ? WHERE id = ? AND org_id = ?");
        st->bind(1, static_cast<int64_t>(file_id));
        st->bind(2, static_cast<int64_t>(call_id));
        st->bind(3, static_cast<int64_t>(org_id));
        st->exec();
        return load_call(db, org_id, agent_id, call_id);
    });
}

// ------------------------------------------------------------ QA

std::optional<QaRecord> CallsStore::insert_qa(const QaRecord& r) {
    return db_.write([&](SQLite::Database& db) -> std::optional<QaRecord> {
        if (!load_call(db, r.org_id, 0, r.call_id)) return std::nullopt;
        Prepared st(db,
                    "INSERT INTO qa (org_id, call_id, opening, holding, politeness, enthusiasm, personalization, "
                    "troubleshooting, listening, accuracy, resolution, comments, recommendations, reviewer_id, "
                    "reviewer, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        st->bind(1, static_cast<int64_t>(r.org_id));
        st->bind(2, static_cast<int64_t>(r.call_id));
        const int scores[] = {r.opening,         r.holding,   r.politeness, r.enthusiasm, r.personalization,
                              r.troubleshooting, r.listening, r.accuracy,   r.resolution};
        for (int i = 0; i < 9; ++i) st->bind(3 + i, scores[i]);
        st->bind(12, r.comments);
        st->bind(13, r.recommendations);
        if (r.reviewer_id) st->bind(14, static_cast<int64_t>(r.reviewer_id)); else st->bind(14);
        st->bind(15, r.reviewer);
        st->bind(16, static_cast<int64_t>(detail::now_ms()));
        st->exec();
        const std::int64_t id = db.getLastInsertRowid();
        Prepared done(db, "UPDATE calls SET qa_done = 1 WHERE id = ?");
        done->bind(1, static_cast<int64_t>(r.call_id));
        done->exec();
        Prepared get(db, std::string("SELECT ") + kQaColumns + " " + kQaFrom + " AND q.id = ?");
        get->bind(1, static_cast<int64_t>(r.org_id));
        get->bind(2, static_cast<int64_t>(id));
        get->executeStep();
        return read_qa(get);
    });
}

std::optional<QaRecord> CallsStore::qa(std::int64_t org_id, std::int64_t id) {
    return db_.read([&](SQLite::Database& db) -> std::optional<QaRecord> {
        Prepared st(db, std::string("SELECT ") + kQaColumns + " " + kQaFrom + " AND q.id = ?");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, static_cast<int64_t>(id));
        if (!st->executeStep()) return std::nullopt;
        return read_qa(st);
    });
}

Page<QaRecord> CallsStore::list_qa(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) {
    const Where w = org_where(qa_spec(), org_id, q);
    const auto [count, offset] = page_bounds(q, limits);
    return db_.read([&](SQLite::Database& db) {
        SQLite::Transaction snapshot(db);
        return run_list<QaRecord>(db, kQaFrom, kQaFrom, w, count, offset, kQaColumns, read_qa);
    });
}

void CallsStore::qa_csv(std::int64_t org_id, const ListQuery& q, const ListLimits& limits, const CsvSink& sink) {
    const Where w = org_where(qa_spec(), org_id, q);
    const std::string paging = export_paging(q, limits);
    db_.read([&](SQLite::Database& db) {
        detail::CsvWriter out(sink);
        for (const char* h : {"id", "call_id", "chan_usr", "chan_vector", "opening", "holding", "politeness",
                              "enthusiasm", "personalization", "troubleshooting", "listening", "accuracy",
                              "resolution", "comments", "recommendations", "reviewer", "created_on"})
            out.cell(h);
        out.end_row();
        Prepared st(db, std::string("SELECT ") + kQaColumns + " " + kQaFrom + w.sql + " ORDER BY 1 DESC" + paging);
        bind_all(*st, w.bindings);
        while (st->executeStep()) {
            const QaRecord r = read_qa(st);
            out.cell(r.id);
            out.cell(r.call_id);
            out.cell(r.call_agent_id, true);
            out.cell(r.call_direction);
            for (int s : {r.opening, r.holding, r.politeness, r.enthusiasm, r.personalization, r.troubleshooting,
                          r.listening, r.accuracy, r.resolution})
                out.cell(static_cast<std::int64_t>(s));
            out.cell(r.comments);
            out.cell(r.recommendations);
            out.cell(r.reviewer);
            out.cell_time(r.created_ms);
            out.end_row();
        }
        out.flush();
    });
}

PivotReport CallsStore::pivot_qa(std::int64_t org_id, const ListQuery& q, const std::vector<std::string>& xaxis,
                                 const std::vector<std::string>& yaxis) {
    const Where w = org_where(qa_spec(), org_id, q);
    return db_.read([&](SQLite::Database& db) { return run_pivot(db, qa_spec(), kQaFrom, w, xaxis, yaxis); });
}

// ------------------------------------------------------------ stats

HelplineStats CallsStore::stats(std::int64_t org_id, std::int64_t from_ms, std::int64_t to_ms) {
    return db_.read([&](SQLite::Database& db) {
        SQLite::Transaction snapshot(db);
        HelplineStats s;
        s.from_ms = from_ms;
        s.to_ms = to_ms;
        Prepared calls(db,
                       "SELECT ifnull(sum(direction = 'inbound'), 0), ifnull(sum(direction = 'outbound'), 0) "
                       "FROM calls WHERE org_id = ? AND start_ms BETWEEN ? AND ?");
        calls->bind(1, static_cast<int64_t>(org_id));
        calls->bind(2, static_cast<int64_t>(from_ms));
        calls->bind(3, static_cast<int64_t>(to_ms));
        calls->executeStep();
        s.inbound_calls = calls->getColumn(0).getInt64();
        s.outbound_calls = calls->getColumn(1).getInt64();
        Prepared tickets(db, "SELECT count(*) FROM tickets WHERE org_id = ? AND created_ms BETWEEN ? AND ?");
        tickets->bind(1, static_cast<int64_t>(org_id));
        tickets->bind(2, static_cast<int64_t>(from_ms));
        tickets->bind(3, static_cast<int64_t>(to_ms));
        tickets->executeStep();
        s.tickets = tickets->getColumn(0).getInt64();
        return s;  // emails and SMS: 0 until those records exist
    });
}

std::optional<Role> CallsStore::active_role(std::int64_t org_id, std::int64_t user_id) {
    return db_.read([&](SQLite::Database& db) -> std::optional<Role> {
        Prepared st(db, "SELECT role FROM users WHERE org_id = ? AND id = ? AND active = 1");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, static_cast<int64_t>(user_id));
        if (!st->executeStep()) return std::nullopt;
        return role_from_string(st->getColumn(0).getString());
    });
}

bool CallsStore::ticket_exists(std::int64_t org_id, std::int64_t ticket_id) {
    return db_.read([&](SQLite::Database& db) {
        Prepared st(db, "SELECT 1 FROM tickets WHERE org_id = ? AND id = ?");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, static_cast<int64_t>(ticket_id));
        return st->executeStep();
    });
}

}  // namespace switchboard::store
