// The SQLite store: events, numbered per organisation.
#include <string>

#include "store/sqlite/stores.hpp"

namespace switchboard::store::sqlite {

namespace {

EventAudience audience_of(const std::string& s) {
    if (s == "ticket") return EventAudience::ticket;
    if (s == "reports") return EventAudience::reports;
    if (s == "agent") return EventAudience::agent;
    if (s == "floor") return EventAudience::floor;
    return EventAudience::staff;
}

class Events final : public EventsStore {
public:
    explicit Events(Pool& db) : db_(db) {}
    std::vector<Event> append_events(const std::vector<Event>& events) override;
    std::vector<Event> events_after(std::int64_t org_id, std::int64_t after_seq, int limit) override;
    EventBounds event_bounds(std::int64_t org_id) override;
    void prune_events(std::int64_t before_ms) override;

private:
    Pool& db_;
};

}  // namespace

std::vector<Event> Events::append_events(const std::vector<Event>& events) {
    return db_.write([&](SQLite::Database& db) {
        std::vector<Event> stored;
        stored.reserve(events.size());
        Prepared seq(db, "UPDATE organisations SET event_seq = event_seq + 1 WHERE id = ? RETURNING event_seq");
        Prepared ins(db,
                     "INSERT INTO events (org_id, seq, type, time_ms, subject, data, audience, assigned_to, "
                     "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        for (const Event& e : events) {
            seq->bind(1, static_cast<int64_t>(e.org_id));
            if (!seq->executeStep()) {  // the organisation is gone, and its events with it
                seq->reset();
                continue;
            }
            Event out = e;
            out.seq = seq->getColumn(0).getInt64();
            while (seq->executeStep()) {
            }
            seq->reset();
            ins->bind(1, static_cast<int64_t>(out.org_id));
            ins->bind(2, static_cast<int64_t>(out.seq));
            ins->bind(3, out.type);
            ins->bind(4, static_cast<int64_t>(out.time_ms));
            ins->bind(5, out.subject);
            ins->bind(6, out.data);
            ins->bind(7, std::string(to_string(out.audience)));
            ins->bind(8, static_cast<int64_t>(out.assigned_to));
            ins->bind(9, static_cast<int64_t>(out.created_by));
            ins->exec();
            ins->reset();
            stored.push_back(std::move(out));
        }
        return stored;
    });
}

std::vector<Event> Events::events_after(std::int64_t org_id, std::int64_t after_seq, int limit) {
    return db_.read([&](SQLite::Database& db) {
        std::vector<Event> out;
        Prepared st(db,
                    "SELECT org_id, seq, type, time_ms, subject, data, audience, assigned_to, created_by FROM events "
                    "WHERE org_id = ? AND seq > ? ORDER BY seq LIMIT ?");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, static_cast<int64_t>(after_seq));
        st->bind(3, limit);
        while (st->executeStep()) {
            Event e;
            e.org_id = st->getColumn(0).getInt64();
            e.seq = st->getColumn(1).getInt64();
            e.type = st->getColumn(2).getString();
            e.time_ms = st->getColumn(3).getInt64();
            e.subject = st->getColumn(4).getString();
            e.data = st->getColumn(5).getString();
            e.audience = audience_of(st->getColumn(6).getString());
            e.assigned_to = st->getColumn(7).getInt64();
            e.created_by = st->getColumn(8).getInt64();
            out.push_back(std::move(e));
        }
        return out;
    });
}

EventBounds Events::event_bounds(std::int64_t org_id) {
    return db_.read([&](SQLite::Database& db) {
        SQLite::Transaction snapshot(db);
        EventBounds b;
        Prepared first(db, "SELECT ifnull(min(seq), 0) FROM events WHERE org_id = ?");
        first->bind(1, static_cast<int64_t>(org_id));
        first->executeStep();
        b.first_kept = first->getColumn(0).getInt64();
        Prepared last(db, "SELECT event_seq FROM organisations WHERE id = ?");
        last->bind(1, static_cast<int64_t>(org_id));
        if (last->executeStep()) b.last = last->getColumn(0).getInt64();
        return b;
    });
}

void Events::prune_events(std::int64_t before_ms) {
    db_.write([&](SQLite::Database& db) {
        Prepared st(db, "DELETE FROM events WHERE time_ms < ?");
        st->bind(1, static_cast<int64_t>(before_ms));
        st->exec();
    });
}

std::unique_ptr<EventsStore> make_events_store(Pool& pool) { return std::make_unique<Events>(pool); }

}  // namespace switchboard::store::sqlite
