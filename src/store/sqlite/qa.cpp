// The SQLite store: QA scorecards.
#include "core/csv.hpp"
#include "core/time.hpp"
#include "store/sqlite/list_run.hpp"
#include "store/sqlite/stores.hpp"

namespace switchboard::store::sqlite {

namespace {

constexpr const char* kQaColumns =
    "q.id, q.org_id, q.call_id, q.opening, q.holding, q.politeness, q.enthusiasm, q.personalization, "
    "q.troubleshooting, q.listening, q.accuracy, q.resolution, q.comments, q.recommendations, "
    "ifnull(q.reviewer_id, 0), q.reviewer, q.created_ms, ifnull(c.agent_id, 0), c.direction, "
    "ifnull((SELECT i.ricket FROM interactions i WHERE i.call_id = c.id ORDER BY i.id DESC LIMIT 1), '')";

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
    r.call_ricket = st->getColumn(19).getString();
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
                                {"call_agent_id", "c.agent_id", FieldKind::integer},
                                {"call_direction", "c.direction", FieldKind::text},
                                {"created_on", "q.created_ms", FieldKind::time}},
                               {"q.comments", "q.recommendations"},
                               {},
                               {},
                               {"call_agent_id", "call_direction", "opening", "holding", "politeness", "enthusiasm",
                                "personalization", "troubleshooting", "listening", "accuracy", "resolution"}};
    return spec;
}

class Qa final : public QaStore {
public:
    explicit Qa(Pool& db) : db_(db) {}
    std::optional<QaRecord> insert_qa(const QaRecord& r) override;
    std::optional<QaRecord> qa(std::int64_t org_id, std::int64_t id) override;
    Page<QaRecord> list_qa(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) override;
    void qa_csv(std::int64_t org_id, const ListQuery& q, const ListLimits& limits, const CsvSink& sink) override;
    PivotReport pivot_qa(std::int64_t org_id, const ListQuery& q, const std::vector<std::string>& xaxis,
                         const std::vector<std::string>& yaxis) override;

private:
    Pool& db_;
};

}  // namespace

std::optional<QaRecord> Qa::insert_qa(const QaRecord& r) {
    return db_.write([&](SQLite::Database& db) -> std::optional<QaRecord> {
        if (!load_call(db, {r.org_id, 0}, r.call_id)) return std::nullopt;
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

std::optional<QaRecord> Qa::qa(std::int64_t org_id, std::int64_t id) {
    return db_.read([&](SQLite::Database& db) -> std::optional<QaRecord> {
        Prepared st(db, std::string("SELECT ") + kQaColumns + " " + kQaFrom + " AND q.id = ?");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, static_cast<int64_t>(id));
        if (!st->executeStep()) return std::nullopt;
        return read_qa(st);
    });
}

Page<QaRecord> Qa::list_qa(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) {
    const Where w = org_where(qa_spec(), org_id, q);
    const auto [count, offset] = page_bounds(q, limits);
    return db_.read([&](SQLite::Database& db) {
        SQLite::Transaction snapshot(db);
        return run_list<QaRecord>(db, kQaFrom, kQaFrom, w, count, offset, kQaColumns, read_qa);
    });
}

void Qa::qa_csv(std::int64_t org_id, const ListQuery& q, const ListLimits& limits, const CsvSink& sink) {
    const Where w = org_where(qa_spec(), org_id, q);
    const std::string paging = export_paging(q, limits);
    db_.read([&](SQLite::Database& db) {
        detail::CsvWriter out(sink);
        for (const char* h : {"id", "call_id", "call_agent_id", "call_direction", "opening", "holding", "politeness",
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

PivotReport Qa::pivot_qa(std::int64_t org_id, const ListQuery& q, const std::vector<std::string>& xaxis,
                                 const std::vector<std::string>& yaxis) {
    const Where w = org_where(qa_spec(), org_id, q);
    return db_.read([&](SQLite::Database& db) { return run_pivot(db, qa_spec(), kQaFrom, w, xaxis, yaxis); });
}

std::unique_ptr<QaStore> make_qa_store(Pool& pool) { return std::make_unique<Qa>(pool); }

}  // namespace switchboard::store::sqlite
