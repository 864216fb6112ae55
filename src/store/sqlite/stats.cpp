// The SQLite store: the helpline statistics.
#include "core/csv.hpp"
#include "core/time.hpp"
#include "store/sqlite/list_run.hpp"
#include "store/sqlite/stores.hpp"

namespace switchboard::store::sqlite {

namespace {

class Stats final : public StatsStore {
public:
    explicit Stats(Pool& db) : db_(db) {}
    HelplineStats stats(std::int64_t org_id, std::int64_t from_ms, std::int64_t to_ms) override;

private:
    Pool& db_;
};

}  // namespace

HelplineStats Stats::stats(std::int64_t org_id, std::int64_t from_ms, std::int64_t to_ms) {
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
        auto count = [&](const char* table) {
            Prepared st(db, std::string("SELECT count(*) FROM ") + table +
                                " WHERE org_id = ? AND created_ms BETWEEN ? AND ?");
            st->bind(1, static_cast<int64_t>(org_id));
            st->bind(2, static_cast<int64_t>(from_ms));
            st->bind(3, static_cast<int64_t>(to_ms));
            st->executeStep();
            return st->getColumn(0).getInt64();
        };
        s.emails = count("emails");
        s.sms = count("sms");
        return s;
    });
}

std::unique_ptr<StatsStore> make_stats_store(Pool& pool) { return std::make_unique<Stats>(pool); }

}  // namespace switchboard::store::sqlite
