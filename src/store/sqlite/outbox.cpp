// The SQLite store: the outbox.
#include "core/time.hpp"
#include "store/sqlite/stores.hpp"

namespace switchboard::store::sqlite {

namespace {

constexpr const char* kOutboxColumns =
    "SELECT id, ifnull(org_id, 0), to_address, subject, body, kind, created_ms, ifnull(sent_ms, 0) FROM outbox ";

OutboxEmail outbox_row(Prepared& st) {
    OutboxEmail e;
    e.id = st->getColumn(0).getInt64();
    e.org_id = st->getColumn(1).getInt64();
    e.to = st->getColumn(2).getString();
    e.subject = st->getColumn(3).getString();
    e.body = st->getColumn(4).getString();
    e.kind = st->getColumn(5).getString();
    e.created_ms = st->getColumn(6).getInt64();
    e.sent_ms = st->getColumn(7).getInt64();
    return e;
}

class Outbox final : public OutboxStore {
public:
    explicit Outbox(Pool& db) : db_(db) {}
    std::vector<OutboxEmail> outbox(const std::string& to_address) override;
    std::optional<OutboxEmail> mark_outbox_sent(std::int64_t id) override;

private:
    Pool& db_;
};

}  // namespace

std::vector<OutboxEmail> Outbox::outbox(const std::string& to_address) {
    return db_.read([&](SQLite::Database& db) {
        std::vector<OutboxEmail> out;
        Prepared st(db, std::string(kOutboxColumns) + "WHERE ?1 = '' OR to_address = ?1 ORDER BY id");
        st->bind(1, to_address);
        while (st->executeStep()) out.push_back(outbox_row(st));
        return out;
    });
}

std::optional<OutboxEmail> Outbox::mark_outbox_sent(std::int64_t id) {
    return db_.write([&](SQLite::Database& db) -> std::optional<OutboxEmail> {
        Prepared mark(db, "UPDATE outbox SET sent_ms = ?, body = '' WHERE id = ? AND sent_ms IS NULL");
        mark->bind(1, static_cast<int64_t>(detail::now_ms()));
        mark->bind(2, static_cast<int64_t>(id));
        mark->exec();
        Prepared st(db, std::string(kOutboxColumns) + "WHERE id = ?");
        st->bind(1, static_cast<int64_t>(id));
        if (!st->executeStep()) return std::nullopt;
        return outbox_row(st);
    });
}

std::unique_ptr<OutboxStore> make_outbox_store(Pool& pool) { return std::make_unique<Outbox>(pool); }

}  // namespace switchboard::store::sqlite
