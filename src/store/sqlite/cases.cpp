// The SQLite store: categories, contacts, tickets, their history and
// messages, and the full-text index.
#include <cstdio>

#include "core/csv.hpp"
#include "core/time.hpp"
#include "store/sqlite/list_run.hpp"
#include "store/sqlite/record_cache.hpp"
#include "store/sqlite/stores.hpp"

namespace switchboard::store::sqlite {

namespace {

constexpr const char* kTicketColumns =
    "t.id, t.org_id, t.ticket_no, t.source, t.source_id, ifnull(t.category_main, 0), ifnull(t.category_sub, 0), "
    "t.narrative, t.resolution, t.status, t.priority, t.referred_to, t.escalated_to, t.disposition, "
    "ifnull(t.contact_id, 0), ifnull(t.assigned_to, 0), ifnull(t.created_by, 0), t.created_ms, t.updated_ms, "
    "c.first_name, c.last_name, c.phone, c.email, c.town, c.country, c.user_category, c.position_in_org, "
    "c.org_name, c.created_ms, c.updated_ms";

// The columns of a CSV export, in the order of its header.
constexpr const char* kTicketCsvColumns =
    "t.id, t.ticket_no, t.source, t.source_id, ifnull(t.category_main, 0), ifnull(t.category_sub, 0), "
    "t.narrative, t.resolution, t.status, t.priority, t.referred_to, t.escalated_to, t.disposition, "
    "ifnull(t.contact_id, 0), c.first_name, c.last_name, c.phone, c.email, ifnull(t.assigned_to, 0), "
    "ifnull(t.created_by, 0), t.created_ms, t.updated_ms";

constexpr const char* kTicketFrom = "FROM tickets t LEFT JOIN contacts c ON c.id = t.contact_id WHERE t.org_id = ?";
constexpr const char* kTicketCountFrom = "FROM tickets t WHERE t.org_id = ?";

Ticket read_ticket(const Prepared& st) {
    Ticket t;
    t.id = st->getColumn(0).getInt64();
    t.org_id = st->getColumn(1).getInt64();
    t.ticket_no = st->getColumn(2).getString();
    t.source = st->getColumn(3).getString();
    t.source_id = st->getColumn(4).getString();
    t.category_main = st->getColumn(5).getInt64();
    t.category_sub = st->getColumn(6).getInt64();
    t.narrative = st->getColumn(7).getString();
    t.resolution = st->getColumn(8).getString();
    t.status = st->getColumn(9).getString();
    t.priority = st->getColumn(10).getString();
    t.referred_to = st->getColumn(11).getString();
    t.escalated_to = st->getColumn(12).getString();
    t.disposition = st->getColumn(13).getString();
    t.contact_id = st->getColumn(14).getInt64();
    t.assigned_to = st->getColumn(15).getInt64();
    t.created_by = st->getColumn(16).getInt64();
    t.created_ms = st->getColumn(17).getInt64();
    t.updated_ms = st->getColumn(18).getInt64();
    if (t.contact_id) {
        Contact c;
        c.id = t.contact_id;
        c.org_id = t.org_id;
        c.first_name = st->getColumn(19).getString();
        c.last_name = st->getColumn(20).getString();
        c.phone = st->getColumn(21).getString();
        c.email = st->getColumn(22).getString();
        c.town = st->getColumn(23).getString();
        c.country = st->getColumn(24).getString();
        c.user_category = st->getColumn(25).getString();
        c.position_in_org = st->getColumn(26).getString();
        c.org_name = st->getColumn(27).getString();
        c.created_ms = st->getColumn(28).getInt64();
        c.updated_ms = st->getColumn(29).getInt64();
        t.contact = std::move(c);
    }
    return t;
}

const ListSpec& ticket_list_spec() {
    static const ListSpec spec{
        "tickets",
        {{"id", "t.id", FieldKind::integer},
         {"ticket_no", "t.ticket_no", FieldKind::text},
         {"source", "t.source", FieldKind::text},
         {"source_id", "t.source_id", FieldKind::text},
         {"category_main", "t.category_main", FieldKind::integer},
         {"category_sub", "t.category_sub", FieldKind::integer},
         {"status", "t.status", FieldKind::text},
         {"priority", "t.priority", FieldKind::text},
         {"referred_to", "t.referred_to", FieldKind::text},
         {"escalated_to", "t.escalated_to", FieldKind::text},
         {"disposition", "t.disposition", FieldKind::text},
         {"contact_id", "t.contact_id", FieldKind::integer},
         {"assigned_to", "t.assigned_to", FieldKind::integer},
         {"created_by", "t.created_by", FieldKind::integer},
         {"created_on", "t.created_ms", FieldKind::time},
         {"updated_on", "t.updated_ms", FieldKind::time},
         // The contact's fields (OpenCHS group fields), read without a join.
         {"contact_town", "(SELECT town FROM contacts WHERE id = t.contact_id)", FieldKind::text},
         {"contact_country", "(SELECT country FROM contacts WHERE id = t.contact_id)", FieldKind::text},
         {"contact_user_category", "(SELECT user_category FROM contacts WHERE id = t.contact_id)", FieldKind::text},
         {"contact_position_in_org", "(SELECT position_in_org FROM contacts WHERE id = t.contact_id)",
          FieldKind::text},
         {"contact_org_name", "(SELECT org_name FROM contacts WHERE id = t.contact_id)", FieldKind::text}},
        {},
        "tickets_fts",
        "t.id",
        {"source", "category_main", "category_sub", "status", "priority", "referred_to", "escalated_to",
         "disposition", "contact_town", "contact_country", "contact_user_category", "contact_position_in_org",
         "contact_org_name"}};
    return spec;
}

// The scope as the first clauses of a Where.
Where scoped(const TicketScope& scope, const ListQuery& q) {
    Where w = build_where(ticket_list_spec(), q);
    Where s;
    s.bindings.emplace_back(scope.org_id);
    if (scope.assigned_to) {
        s.sql += " AND t.assigned_to = ?";
        s.bindings.emplace_back(scope.assigned_to);
    }
    if (scope.created_by) {
        s.sql += " AND t.created_by = ?";
        s.bindings.emplace_back(scope.created_by);
    }
    s.sql += w.sql;
    s.bindings.insert(s.bindings.end(), w.bindings.begin(), w.bindings.end());
    s.fts_table = w.fts_table;
    return s;
}

// The scope of scoped() tested on a ticket already read (one kept in memory).
bool in_scope(const TicketScope& scope, const Ticket& t) {
    return t.org_id == scope.org_id && (!scope.assigned_to || t.assigned_to == scope.assigned_to) &&
           (!scope.created_by || t.created_by == scope.created_by);
}

// What a kept ticket costs in memory, roughly: the record and its strings'
// heap blocks, plus the map's node.
std::size_t ticket_bytes(const Ticket& t) {
    std::size_t n = sizeof(Ticket) + 64;
    const auto heap = [&n](const std::string& s) {
        if (s.capacity() > 15) n += s.capacity() + 1;
    };
    for (const std::string* s : {&t.ticket_no, &t.source, &t.source_id, &t.narrative, &t.resolution, &t.status,
                                 &t.priority, &t.referred_to, &t.escalated_to, &t.disposition})
        heap(*s);
    if (t.contact) {
        const Contact& c = *t.contact;
        for (const std::string* s : {&c.first_name, &c.last_name, &c.phone, &c.email, &c.town, &c.country,
                                     &c.user_category, &c.position_in_org, &c.org_name})
            heap(*s);
    }
    return n;
}

std::optional<Ticket> load_ticket(SQLite::Database& db, const TicketScope& scope, std::int64_t id) {
    ListQuery q;
    Where w = scoped(scope, q);
    Prepared st(db, std::string("SELECT ") + kTicketColumns + " " + kTicketFrom + w.sql + " AND t.id = ?");
    bind_all(*st, w.bindings);
    st->bind(static_cast<int>(w.bindings.size()) + 1, static_cast<int64_t>(id));
    if (!st->executeStep()) return std::nullopt;
    return read_ticket(st);
}

// Finds the organisation's contact with the phone or email given, updating
// the fields given, or creates one. The "!= ''" terms let SQLite use the
// partial indexes contacts_phone and contacts_email (it cannot infer them
// from a bound parameter).
}  // namespace

std::int64_t resolve_contact(SQLite::Database& db, std::int64_t org_id, std::int64_t current_id,
                             const ContactFields& f) {
    const auto now = static_cast<int64_t>(detail::now_ms());
    std::int64_t id = current_id;
    if (!id && f.phone && !f.phone->empty()) {
        Prepared st(db, "SELECT id FROM contacts WHERE org_id = ? AND phone = ? AND phone != '' ORDER BY id LIMIT 1");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, *f.phone);
        if (st->executeStep()) id = st->getColumn(0).getInt64();
    }
    if (!id && f.email && !f.email->empty()) {
        Prepared st(db, "SELECT id FROM contacts WHERE org_id = ? AND email = ? AND email != '' ORDER BY id LIMIT 1");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, *f.email);
        if (st->executeStep()) id = st->getColumn(0).getInt64();
    }
    const std::pair<const char*, const std::optional<std::string>*> cols[] = {
        {"first_name", &f.first_name}, {"last_name", &f.last_name},     {"phone", &f.phone},
        {"email", &f.email},           {"town", &f.town},               {"country", &f.country},
        {"user_category", &f.user_category}, {"position_in_org", &f.position_in_org}, {"org_name", &f.org_name}};
    if (!id) {
        Prepared st(db,
                    "INSERT INTO contacts (org_id, first_name, last_name, phone, email, town, country, user_category, "
                    "position_in_org, org_name, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        st->bind(1, static_cast<int64_t>(org_id));
        int i = 2;
        for (const auto& [name, value] : cols) st->bind(i++, value->value_or(""));
        st->bind(i++, now);
        st->bind(i, now);
        st->exec();
        return db.getLastInsertRowid();
    }
    std::string sets;
    std::vector<Binding> b;
    for (const auto& [name, value] : cols)
        if (*value) {
            sets += std::string(", ") + name + " = ?";
            b.emplace_back(**value);
        }
    if (!b.empty()) {
        Prepared st(db, "UPDATE contacts SET updated_ms = ?" + sets + " WHERE id = ? AND org_id = ?");
        st->bind(1, now);
        bind_all(*st, b, 2);
        st->bind(static_cast<int>(b.size()) + 2, static_cast<int64_t>(id));
        st->bind(static_cast<int>(b.size()) + 3, static_cast<int64_t>(org_id));
        st->exec();
    }
    return id;
}

namespace {

void index_ticket(SQLite::Database& db, std::int64_t ticket_id) {
    Prepared st(db,
                "INSERT OR REPLACE INTO tickets_fts (rowid, narrative, resolution, contact, messages) "
                "SELECT t.id, t.narrative, t.resolution, "
                " ifnull(c.first_name || ' ' || c.last_name || ' ' || c.phone || ' ' || c.email, ''), "
                " ifnull((SELECT group_concat(body, ' ') FROM ticket_messages WHERE ticket_id = t.id), '') "
                "FROM tickets t LEFT JOIN contacts c ON c.id = t.contact_id WHERE t.id = ?");
    st->bind(1, static_cast<int64_t>(ticket_id));
    st->exec();
}

void record_change(SQLite::Database& db, std::int64_t ticket_id, const std::string& field, const std::string& old_v,
                   const std::string& new_v, const Actor& actor, std::int64_t now) {
    Prepared st(db,
                "INSERT INTO ticket_history (ticket_id, field, old_value, new_value, user_id, actor, time_ms) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)");
    st->bind(1, static_cast<int64_t>(ticket_id));
    st->bind(2, field);
    st->bind(3, old_v);
    st->bind(4, new_v);
    if (actor.user_id) st->bind(5, static_cast<int64_t>(actor.user_id)); else st->bind(5);
    st->bind(6, actor.name);
    st->bind(7, static_cast<int64_t>(now));
    st->exec();
}

// The ticket's columns as (name, text, is_id) for writing and diffing.
struct Column {
    const char* name;
    std::string text;
    std::int64_t id;   // for id columns: 0 is NULL
    bool is_id;
};

std::vector<Column> columns_of(const Ticket& t) {
    return {{"source", t.source, 0, false},           {"source_id", t.source_id, 0, false},
            {"category_main", "", t.category_main, true}, {"category_sub", "", t.category_sub, true},
            {"narrative", t.narrative, 0, false},     {"resolution", t.resolution, 0, false},
            {"status", t.status, 0, false},           {"priority", t.priority, 0, false},
            {"referred_to", t.referred_to, 0, false}, {"escalated_to", t.escalated_to, 0, false},
            {"disposition", t.disposition, 0, false}, {"contact_id", "", t.contact_id, true},
            {"assigned_to", "", t.assigned_to, true}};
}

std::string shown(const Column& c) { return c.is_id ? (c.id ? std::to_string(c.id) : "") : c.text; }

// The context of a ticket status mail, read in the caller's transaction,
// and the mail the domain's callback writes, if any.
StatusMailContext status_mail_context(SQLite::Database& db, const Ticket& t) {
    StatusMailContext c;
    Prepared org(db, "SELECT company_name FROM organisations WHERE id = ?");
    org->bind(1, static_cast<int64_t>(t.org_id));
    if (org->executeStep()) c.organisation = org->getColumn(0).getString();
    auto person = [&](std::int64_t user_id, std::string& email, std::string& name, std::string* role) {
        if (!user_id) return;
        Prepared u(db, "SELECT email, trim(first_name || ' ' || last_name), username, role FROM users WHERE id = ?");
        u->bind(1, static_cast<int64_t>(user_id));
        if (!u->executeStep()) return;
        email = u->getColumn(0).getString();
        name = u->getColumn(1).getString();
        if (name.empty()) name = u->getColumn(2).getString();
        if (role) *role = u->getColumn(3).getString();
    };
    std::string role, unused;
    person(t.created_by, c.creator_email, c.creator_name, &role);
    c.creator_is_customer = role == "customer";
    person(t.assigned_to, unused, c.agent_name, nullptr);
    if (t.contact_id) {
        Prepared ct(db, "SELECT email, trim(first_name || ' ' || last_name) FROM contacts WHERE id = ?");
        ct->bind(1, static_cast<int64_t>(t.contact_id));
        if (ct->executeStep()) {
            c.contact_email = ct->getColumn(0).getString();
            c.contact_name = ct->getColumn(1).getString();
        }
    }
    Prepared off(db, "SELECT kind FROM mail_templates WHERE org_id = ? AND enabled = 0");
    off->bind(1, static_cast<int64_t>(t.org_id));
    while (off->executeStep()) c.disabled.push_back(off->getColumn(0).getString());
    return c;
}

void write_status_mail(SQLite::Database& db, const StatusMail& mail, const std::optional<Ticket>& before,
                       const Ticket& after) {
    if (!mail) return;
    if (auto m = mail(before, after, status_mail_context(db, after))) put_outbox(db, *m, after.org_id);
}

using TicketCache = RecordCache<Ticket>;

class Cases final : public CasesStore {
public:
    explicit Cases(Pool& db)
        : db_(db), kept_(std::make_shared<TicketCache>(db.options.record_cache_bytes, ticket_bytes)) {
        if (!kept_->enabled()) return;
        // The watcher holds the cache, so that the pool's follower never
        // calls into a store already destroyed.
        db.change_watchers.push_back(Pool::ChangeWatcher{
            [kept = kept_](std::string_view table, std::int64_t row_id) {
                if (table == "tickets") {
                    kept->forget(row_id);
                } else if (table == "contacts") {
                    kept->forget_if([row_id](const Ticket& t) { return t.contact_id == row_id; });
                }
            },
            [kept = kept_] { kept->clear(); }});
    }
    Category insert_category(std::int64_t org_id, std::int64_t parent_id, const std::string& name) override;
    std::optional<Category> category(std::int64_t org_id, std::int64_t id) override;
    std::vector<Category> categories(std::int64_t org_id) override;
    Ticket insert_ticket(const Ticket& ticket, const std::optional<ContactFields>& contact, const Actor& actor,
                         const StatusMail& mail) override;
    std::optional<Ticket> ticket(const TicketScope& scope, std::int64_t id) override;
    std::optional<Ticket> update_ticket(const TicketScope& scope, std::int64_t id,
                                        const std::function<void(Ticket&, std::optional<ContactFields>&)>& change,
                                        const Actor& actor, const StatusMail& mail) override;
    Page<Ticket> list_tickets(const TicketScope& scope, const ListQuery& q, const ListLimits& limits) override;
    void tickets_csv(const TicketScope& scope, const ListQuery& q, const ListLimits& limits,
                     const CsvSink& sink) override;
    PivotReport pivot_tickets(const TicketScope& scope, const ListQuery& q, const std::vector<std::string>& xaxis,
                              const std::vector<std::string>& yaxis) override;
    std::vector<TicketChange> history(std::int64_t ticket_id) override;
    TicketMessage insert_message(std::int64_t ticket_id, const Actor& author, const std::string& role,
                                 const std::string& body, const StatusMail& mail) override;
    std::vector<TicketMessage> messages(std::int64_t ticket_id) override;
    RecordCacheStats kept_stats() override {
        const auto c = kept_->counts();
        return {c.hits, c.misses, c.records, c.bytes, db_.options.record_cache_bytes};
    }

private:
    Pool& db_;
    // Tickets (with their contact) read by id, kept until the change log
    // names their row or their contact's (docs/store.md, "Records kept in
    // memory").
    std::shared_ptr<TicketCache> kept_;
};

}  // namespace

// ------------------------------------------------------------ categories

Category Cases::insert_category(std::int64_t org_id, std::int64_t parent_id, const std::string& name) {
    return db_.write([&](SQLite::Database& db) {
        Prepared st(db, "INSERT INTO categories (org_id, parent_id, name, created_ms) VALUES (?, ?, ?, ?)");
        st->bind(1, static_cast<int64_t>(org_id));
        if (parent_id) st->bind(2, static_cast<int64_t>(parent_id)); else st->bind(2);
        st->bind(3, name);
        st->bind(4, static_cast<int64_t>(detail::now_ms()));
        st->exec();
        return Category{db.getLastInsertRowid(), parent_id, name};
    });
}

std::optional<Category> Cases::category(std::int64_t org_id, std::int64_t id) {
    return db_.read([&](SQLite::Database& db) -> std::optional<Category> {
        Prepared st(db, "SELECT id, ifnull(parent_id, 0), name FROM categories WHERE org_id = ? AND id = ?");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, static_cast<int64_t>(id));
        if (!st->executeStep()) return std::nullopt;
        return Category{st->getColumn(0).getInt64(), st->getColumn(1).getInt64(), st->getColumn(2).getString()};
    });
}

std::vector<Category> Cases::categories(std::int64_t org_id) {
    return db_.read([&](SQLite::Database& db) {
        std::vector<Category> out;
        Prepared st(db, "SELECT id, ifnull(parent_id, 0), name FROM categories WHERE org_id = ? ORDER BY id");
        st->bind(1, static_cast<int64_t>(org_id));
        while (st->executeStep())
            out.push_back({st->getColumn(0).getInt64(), st->getColumn(1).getInt64(), st->getColumn(2).getString()});
        return out;
    });
}

// ------------------------------------------------------------ tickets

Ticket Cases::insert_ticket(const Ticket& t, const std::optional<ContactFields>& contact, const Actor& actor,
                            const StatusMail& mail) {
    return db_.write([&](SQLite::Database& db) {
        const auto now = detail::now_ms();
        std::int64_t contact_id = contact ? resolve_contact(db, t.org_id, 0, *contact) : 0;
        Prepared seq(db, "UPDATE organisations SET ticket_seq = ticket_seq + 1 WHERE id = ? RETURNING ticket_seq");
        seq->bind(1, static_cast<int64_t>(t.org_id));
        if (!seq->executeStep()) throw Error(ErrorCode::not_found, "the organisation no longer exists");
        char number[32];
        std::snprintf(number, sizeof number, "TK%06lld", static_cast<long long>(seq->getColumn(0).getInt64()));
        while (seq->executeStep()) {
        }
        Ticket row = t;
        row.contact_id = contact_id;
        row.created_by = actor.user_id;
        Prepared st(db,
                    "INSERT INTO tickets (org_id, ticket_no, source, source_id, category_main, category_sub, "
                    "narrative, resolution, status, priority, referred_to, escalated_to, disposition, contact_id, "
                    "assigned_to, created_by, created_ms, updated_ms) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        st->bind(1, static_cast<int64_t>(row.org_id));
        st->bind(2, std::string(number));
        int i = 3;
        for (const auto& c : columns_of(row)) {
            if (!c.is_id) st->bind(i++, c.text);
            else if (c.id) st->bind(i++, static_cast<int64_t>(c.id));
            else st->bind(i++);
        }
        if (row.created_by) st->bind(i++, static_cast<int64_t>(row.created_by)); else st->bind(i++);
        st->bind(i++, static_cast<int64_t>(now));
        st->bind(i, static_cast<int64_t>(now));
        st->exec();
        const std::int64_t id = db.getLastInsertRowid();
        record_change(db, id, "created", "", number, actor, now);
        index_ticket(db, id);
        Ticket created = *load_ticket(db, TicketScope{row.org_id}, id);
        write_status_mail(db, mail, std::nullopt, created);
        return created;
    });
}

std::optional<Ticket> Cases::ticket(const TicketScope& scope, std::int64_t id) {
    if (auto t = kept_->find(id)) {
        if (!in_scope(scope, *t)) return std::nullopt;
        return t;
    }
    const std::uint64_t stamp = kept_->stamp(id);
    auto t = db_.read([&](SQLite::Database& db) { return load_ticket(db, scope, id); });
    if (t) kept_->keep(id, *t, stamp);
    return t;
}

std::optional<Ticket> Cases::update_ticket(
    const TicketScope& scope, std::int64_t id,
    const std::function<void(Ticket&, std::optional<ContactFields>&)>& change, const Actor& actor,
    const StatusMail& mail) {
    return db_.write([&](SQLite::Database& db) -> std::optional<Ticket> {
        auto current = load_ticket(db, scope, id);
        if (!current) return std::nullopt;
        Ticket next = *current;
        std::optional<ContactFields> contact;
        change(next, contact);
        const auto now = detail::now_ms();
        if (contact) next.contact_id = resolve_contact(db, scope.org_id, current->contact_id, *contact);
        const auto before = columns_of(*current);
        const auto after = columns_of(next);
        std::string sets;
        std::vector<Binding> b;
        for (std::size_t k = 0; k < after.size(); ++k) {
            const std::string old_v = shown(before[k]), new_v = shown(after[k]);
            if (old_v == new_v) continue;
            record_change(db, id, after[k].name, old_v, new_v, actor, now);
            sets += std::string(", ") + after[k].name + " = ?";
            if (after[k].is_id && !after[k].id) {
                sets.replace(sets.size() - 1, 1, "NULL");
            } else if (after[k].is_id) {
                b.emplace_back(after[k].id);
            } else {
                b.emplace_back(after[k].text);
            }
        }
        if (!sets.empty() || contact) {
            Prepared st(db, "UPDATE tickets SET updated_ms = ?" + sets + " WHERE id = ?");
            st->bind(1, static_cast<int64_t>(now));
            bind_all(*st, b, 2);
            st->bind(static_cast<int>(b.size()) + 2, static_cast<int64_t>(id));
            st->exec();
            index_ticket(db, id);
        }
        auto updated = load_ticket(db, scope, id);
        if (updated) write_status_mail(db, mail, current, *updated);
        return updated;
    });
}

namespace {

// The total from ticket_tally (migration 4) when the selection is a queue
// view: the whole organisation, filtered by status and/or priority only.
std::optional<Where> tally_total(const TicketScope& scope, const ListQuery& q) {
    if (scope.assigned_to || scope.created_by || !q.search.empty()) return std::nullopt;
    Where t;
    t.sql = "SELECT ifnull(sum(n), 0) FROM ticket_tally WHERE org_id = ?";
    t.bindings.emplace_back(scope.org_id);
    for (const auto& [name, value] : q.filters) {
        if (name != "status" && name != "priority") return std::nullopt;
        t.sql += " AND " + name + " = ?";
        t.bindings.emplace_back(value);
    }
    return t;
}

}  // namespace

Page<Ticket> Cases::list_tickets(const TicketScope& scope, const ListQuery& q, const ListLimits& limits) {
    const Where w = scoped(scope, q);
    const auto [count, offset] = page_bounds(q, limits);
    const std::optional<Where> total = tally_total(scope, q);
    return db_.read([&](SQLite::Database& db) {
        SQLite::Transaction snapshot(db);
        return run_list<Ticket>(db, kTicketCountFrom, kTicketFrom, w, count, offset, kTicketColumns, read_ticket,
                                total ? &*total : nullptr);
    });
}

void Cases::tickets_csv(const TicketScope& scope, const ListQuery& q, const ListLimits& limits,
                             const CsvSink& sink) {
    const Where w = scoped(scope, q);
    const std::string paging = export_paging(q, limits);
    db_.read([&](SQLite::Database& db) {
        detail::CsvWriter out(sink);
        for (const char* h : {"id", "ticket_no", "source", "source_id", "category_main", "category_sub", "narrative",
                              "resolution", "status", "priority", "referred_to", "escalated_to", "disposition",
                              "contact_id", "contact_first_name", "contact_last_name", "contact_phone", "contact_email",
                              "assigned_to", "created_by", "created_on", "updated_on"})
            out.cell(h);
        out.end_row();
        // The hot loop of an export: cells go from SQLite's row straight into
        // the writer, without building a Ticket per row.
        Prepared st(db, std::string("SELECT ") + kTicketCsvColumns + " " + from_clause(kTicketFrom, w) + w.sql +
                            " ORDER BY 1 DESC" + paging);
        bind_all(*st, w.bindings);
        // A Column reads the statement's current row; taking them once saves
        // a shared-pointer copy per cell.
        std::vector<SQLite::Column> cols;
        auto text = [&cols](int i) {
            const char* p = cols[i].getText();
            return std::string_view(p, static_cast<std::size_t>(cols[i].getBytes()));
        };
        auto number = [&cols](int i) { return static_cast<std::int64_t>(cols[i].getInt64()); };
        while (st->executeStep()) {
            if (cols.empty())
                for (int i = 0; i < st->getColumnCount(); ++i) cols.push_back(st->getColumn(i));
            out.cell(number(0));
            for (int i = 1; i <= 3; ++i) out.cell(text(i));          // ticket_no, source, source_id
            out.cell(number(4), true);                               // category_main
            out.cell(number(5), true);                               // category_sub
            for (int i = 6; i <= 12; ++i) out.cell(text(i));         // narrative .. disposition
            out.cell(number(13), true);                              // contact_id
            for (int i = 14; i <= 17; ++i) out.cell(text(i));        // contact names, phone, email
            out.cell(number(18), true);                              // assigned_to
            out.cell(number(19), true);                              // created_by
            out.cell_time(number(20));
            out.cell_time(number(21));
            out.end_row();
        }
        out.flush();
    });
}

PivotReport Cases::pivot_tickets(const TicketScope& scope, const ListQuery& q,
                                      const std::vector<std::string>& xaxis, const std::vector<std::string>& yaxis) {
    const Where w = scoped(scope, q);
    return db_.read([&](SQLite::Database& db) {
        return run_pivot(db, ticket_list_spec(), kTicketCountFrom, w, xaxis, yaxis);
    });
}

std::vector<TicketChange> Cases::history(std::int64_t ticket_id) {
    return db_.read([&](SQLite::Database& db) {
        std::vector<TicketChange> out;
        Prepared st(db,
                    "SELECT id, ticket_id, field, old_value, new_value, ifnull(user_id, 0), actor, time_ms "
                    "FROM ticket_history WHERE ticket_id = ? ORDER BY id");
        st->bind(1, static_cast<int64_t>(ticket_id));
        while (st->executeStep())
            out.push_back({st->getColumn(0).getInt64(), st->getColumn(1).getInt64(), st->getColumn(2).getString(),
                           st->getColumn(3).getString(), st->getColumn(4).getString(), st->getColumn(5).getInt64(),
                           st->getColumn(6).getString(), st->getColumn(7).getInt64()});
        return out;
    });
}

// ------------------------------------------------------------ messages

TicketMessage Cases::insert_message(std::int64_t ticket_id, const Actor& author, const std::string& role,
                                         const std::string& body, const StatusMail& mail) {
    return db_.write([&](SQLite::Database& db) {
        const auto now = detail::now_ms();
        Prepared st(db,
                    "INSERT INTO ticket_messages (ticket_id, author_id, author, author_role, body, time_ms) "
                    "VALUES (?, ?, ?, ?, ?, ?)");
        st->bind(1, static_cast<int64_t>(ticket_id));
        if (author.user_id) st->bind(2, static_cast<int64_t>(author.user_id)); else st->bind(2);
        st->bind(3, author.name);
        st->bind(4, role);
        st->bind(5, body);
        st->bind(6, static_cast<int64_t>(now));
        st->exec();
        TicketMessage m{db.getLastInsertRowid(), ticket_id, author.user_id, author.name, role, body, now};
        Prepared touch(db, "UPDATE tickets SET updated_ms = ? WHERE id = ?");
        touch->bind(1, static_cast<int64_t>(now));
        touch->bind(2, static_cast<int64_t>(ticket_id));
        touch->exec();
        index_ticket(db, ticket_id);
        if (mail) {
            Prepared org(db, "SELECT org_id FROM tickets WHERE id = ?");
            org->bind(1, static_cast<int64_t>(ticket_id));
            if (org->executeStep()) {
                const TicketScope scope{org->getColumn(0).getInt64()};
                org->reset();
                if (auto t = load_ticket(db, scope, ticket_id)) write_status_mail(db, mail, t, *t);
            }
        }
        return m;
    });
}

std::vector<TicketMessage> Cases::messages(std::int64_t ticket_id) {
    return db_.read([&](SQLite::Database& db) {
        std::vector<TicketMessage> out;
        Prepared st(db,
                    "SELECT id, ticket_id, ifnull(author_id, 0), author, author_role, body, time_ms "
                    "FROM ticket_messages WHERE ticket_id = ? ORDER BY id");
        st->bind(1, static_cast<int64_t>(ticket_id));
        while (st->executeStep())
            out.push_back({st->getColumn(0).getInt64(), st->getColumn(1).getInt64(), st->getColumn(2).getInt64(),
                           st->getColumn(3).getString(), st->getColumn(4).getString(), st->getColumn(5).getString(),
                           st->getColumn(6).getInt64()});
        return out;
    });
}

std::unique_ptr<CasesStore> make_cases_store(Pool& pool) { return std::make_unique<Cases>(pool); }

}  // namespace switchboard::store::sqlite
