// Figures for the case records at helpline scale: 1,000,000 tickets (and
// their contacts) in one organisation, switchboard's Cases API side by side
// with raw SQLiteCpp doing the same inserts and selects on an equivalent
// schema (the tables and indexes of migration 2, written out below). Prints
// one table: measure, switchboard, raw, ratio, goal, pass or fail; then
// where the time goes.
//
//   build/benchmarks/bench_cases                      # 1,000,000 tickets
//   build/benchmarks/bench_cases --tickets 100000     # a quick check
//
// Options: --tickets N (default 1000000); --api-tickets N, how many of the
// last tickets are meant to go through Cases::create_ticket (default: all,
// at most 200,000); --api-seconds S, the time budget of that range
// (default 90); --runs N, repetitions of each timed read (default 1000);
// --keep, keep the databases and say where they are.
//
// Both databases are files in one temporary directory, in WAL mode with
// synchronous=NORMAL and foreign keys on, with SQLite's default page cache.
// The tickets before the API range are written 50,000 per transaction (a
// fast way to a large table, not a figure): into the raw database with the
// raw statements, into switchboard's file through a second connection with
// the SQL its store runs per ticket (contact, number, ticket, history row,
// full-text row, activity row), so that the file holds what the API would
// have written. Then tickets are created one per call, switchboard and raw
// alternating so both see the same machine load, until the API range or its
// time budget ends; what is left is written the batched way. Reads alternate
// the same way. Each figure is wall-clock time; the CPU time of the thread
// is printed beside it, as other work on a shared machine inflates the first.
#include <SQLiteCpp/SQLiteCpp.h>
#include <SQLiteCpp/VariadicBind.h>
#include <malloc.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "switchboard/switchboard.hpp"

namespace sb = switchboard;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// ------------------------------------------------------------ generated tickets

// A small deterministic generator per ticket, so both databases get the same rows.
struct Rng {
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    double uniform() { return (next() >> 11) * 0x1.0p-53; }
    std::size_t below(std::size_t n) { return next() % n; }
};

constexpr const char* kSearchWord = "overbilled";   // in ~0.5% of narratives, nowhere else
constexpr double kSearchShare = 0.005;
constexpr double kReturningContact = 0.2;           // share of tickets from a contact seen before

const std::vector<const char*> kVocabulary = {
    "the", "a", "caller", "child", "mother", "father", "school", "teacher", "reported", "said", "that", "was",
    "is", "has", "been", "not", "and", "to", "of", "in", "for", "on", "with", "at", "by", "from", "her", "his",
    "they", "she", "he", "we", "after", "before", "since", "week", "month", "yesterday", "today", "night",
    "morning", "home", "village", "town", "clinic", "hospital", "police", "station", "officer", "case",
    "referred", "counselling", "support", "advice", "information", "requested", "follow", "up", "call",
    "back", "line", "dropped", "again", "help", "needs", "urgent", "food", "shelter", "fees", "money", "phone",
    "airtime", "bill", "account", "payment", "refund", "complaint", "service", "network", "signal", "outage",
    "agent", "supervisor", "escalated", "resolved", "pending", "closed", "open", "neighbour", "relative",
    "uncle", "aunt", "grandmother", "brother", "sister", "friend", "abuse", "neglect", "violence", "bullying",
    "injury", "sick", "medicine", "treatment", "pregnant", "student", "exam", "results", "class", "missing",
    "found", "lost", "stolen", "theft", "fraud", "scam", "loan", "debt", "rent", "landlord", "evicted",
    "water", "electricity", "transport", "bus", "matatu", "road", "accident", "fire", "flood", "drought",
    "harvest", "market", "shop", "customer", "delivery", "order", "parcel", "late", "wrong", "broken",
    "replaced", "warranty", "technician", "visit", "appointment", "confirmed", "cancelled", "rescheduled",
    "message", "sms", "email", "letter", "form", "document", "identity", "card", "registration", "number",
    "name", "address", "location", "county", "district", "chief", "elder", "church", "mosque", "community",
    "group", "meeting", "training", "workshop", "program", "project", "volunteer", "worker", "employer",
    "salary", "unpaid", "hours", "contract", "job", "work", "farm", "cattle", "goats", "land", "dispute",
    "court", "lawyer", "legal", "rights", "protection", "safe", "unsafe", "afraid", "worried", "angry", "upset",
    "crying", "quiet", "calm", "asked", "told", "explained", "understood", "agreed", "refused", "promised",
    "will", "would", "could", "should", "must", "can", "very", "more", "less", "many", "few", "some", "all",
    "no", "yes", "other", "same", "new", "old", "young", "small", "big", "long", "short", "first", "last",
    "next", "previous", "two", "three", "days", "weeks", "times", "hours", "minutes", "still", "already",
};
const std::vector<const char*> kFirstNames = {
    "Amina", "Brian", "Cynthia", "David", "Esther", "Francis", "Grace", "Hassan", "Irene", "James", "Joy", "Kevin",
    "Lucy", "Moses", "Njeri", "Otieno", "Purity", "Quentin", "Rose", "Samuel", "Tabitha", "Umar", "Violet",
    "Wanjiru", "Xavier", "Yusuf", "Zawadi", "Achieng", "Baraka", "Chebet", "Dennis", "Faith", "Gideon", "Halima"};
const std::vector<const char*> kLastNames = {
    "Mwangi", "Otieno", "Kamau", "Wanjiku", "Odhiambo", "Njoroge", "Kiprono", "Mutua", "Ochieng", "Mohamed",
    "Akinyi", "Kariuki", "Onyango", "Chege", "Wafula", "Barasa", "Nyambura", "Koech", "Juma", "Atieno", "Said"};
const std::vector<const char*> kTowns = {"Nairobi", "Mombasa", "Kisumu", "Nakuru", "Eldoret", "Thika", "Malindi",
                                         "Kitale", "Garissa", "Kakamega", "Nyeri", "Machakos", "Meru", "Embu"};

struct ContactData {
    std::string first_name, last_name, phone, email, town, country, user_category;
};

struct TicketData {
    std::string source, source_id, narrative, resolution, status, priority, referred_to, escalated_to, disposition;
    ContactData contact;
};

template <class V>
const char* pick(Rng& r, const V& v) { return v[r.below(v.size())]; }

std::string words(Rng& r, int n, bool with_search_word) {
    std::string s;
    const int at = with_search_word ? static_cast<int>(r.below(static_cast<std::size_t>(n))) : -1;
    for (int k = 0; k < n; ++k) {
        if (k) s += ' ';
        if (k == at) {
            s += kSearchWord;
            continue;
        }
        // Skewed towards the start of the vocabulary, as word use is.
        const double u = r.uniform();
        s += kVocabulary[static_cast<std::size_t>(u * u * static_cast<double>(kVocabulary.size()))];
    }
    return s;
}

ContactData contact_of(std::int64_t key) {
    Rng r{static_cast<std::uint64_t>(key) * 7919u + 17};
    ContactData c;
    c.first_name = pick(r, kFirstNames);
    c.last_name = pick(r, kLastNames);
    // A distinct 8-digit number per key (multiplication by an odd number coprime with 10^8).
    char phone[32];
    std::snprintf(phone, sizeof phone, "+2547%08lld", static_cast<long long>((key * 48271LL + 12345) % 100000000LL));
    c.phone = phone;
    if (key % 2 == 0) {
        c.email = c.first_name + "." + c.last_name + std::to_string(key) + "@example.org";
        std::transform(c.email.begin(), c.email.end(), c.email.begin(),
                       [](unsigned char ch) { return std::tolower(ch); });
    }
    c.town = pick(r, kTowns);
    c.country = "Kenya";
    c.user_category = r.uniform() < 0.7 ? "caller" : "client";
    return c;
}

class Generator {
public:
    // Tickets 0..total-1 (and any extra ones for the diagnostics after them).
    explicit Generator(std::int64_t total) : contact_key_(static_cast<std::size_t>(total)) {
        for (std::int64_t i = 0; i < total; ++i) {
            Rng r{static_cast<std::uint64_t>(i) * 2 + 1};
            contact_key_[i] =
                (i > 0 && r.uniform() < kReturningContact) ? contact_key_[r.below(i)] : static_cast<std::int32_t>(i);
        }
    }
    // Contacts of tickets 0..n-1.
    std::int64_t distinct_contacts(std::int64_t n) const {
        std::int64_t d = 0;
        for (std::int64_t i = 0; i < n; ++i)
            d += contact_key_[static_cast<std::size_t>(i)] == static_cast<std::int32_t>(i);
        return d;
    }

    TicketData ticket(std::int64_t i) const {
        Rng r{static_cast<std::uint64_t>(i) * 1000003u + 99};
        TicketData t;
        const double s = r.uniform();
        t.source = s < 0.5 ? "call" : s < 0.7 ? "walkin" : s < 0.85 ? "sms" : "email";
        if (t.source == "call") t.source_id = "CALL-" + std::to_string(10000000 + i);
        const double st = r.uniform();
        t.status = st < 0.3 ? "open" : st < 0.9 ? "closed" : "escalated";
        const double p = r.uniform();
        t.priority = p < 0.2 ? "high" : p < 0.7 ? "medium" : "low";
        if (t.source == "call") {
            const double d = r.uniform();
            t.disposition = d < 0.6 ? "call-completed" : d < 0.75 ? "transfer" : d < 0.85 ? "call-disconnected"
                          : d < 0.95 ? "blank-call" : "prank";
        }
        if (r.uniform() < 0.1) t.referred_to = r.uniform() < 0.5 ? "police" : "social services";
        if (t.status == "escalated") t.escalated_to = "supervisor";
        const bool hit = r.uniform() < kSearchShare;
        t.narrative = words(r, 20 + static_cast<int>(r.below(26)), hit);
        if (t.status == "closed") t.resolution = words(r, 6 + static_cast<int>(r.below(7)), false);
        t.contact = contact_of(contact_key_[static_cast<std::size_t>(i)]);
        return t;
    }

private:
    std::vector<std::int32_t> contact_key_;
};

sb::TicketFields fields_of(const TicketData& d) {
    sb::TicketFields f;
    f.source = d.source;
    f.source_id = d.source_id;
    f.narrative = d.narrative;
    f.resolution = d.resolution;
    f.status = d.status;
    f.priority = d.priority;
    f.referred_to = d.referred_to;
    f.escalated_to = d.escalated_to;
    f.disposition = d.disposition;
    sb::ContactFields c;
    c.first_name = d.contact.first_name;
    c.last_name = d.contact.last_name;
    c.phone = d.contact.phone;
    c.email = d.contact.email;
    c.town = d.contact.town;
    c.country = d.contact.country;
    c.user_category = d.contact.user_category;
    f.contact = c;
    return f;
}

// ------------------------------------------------------------ the raw side

// Migration 2's tables and indexes for contacts and tickets, with just enough
// of organisations, users and the activity log for the same foreign keys and
// for the diagnostics.
constexpr const char* kRawSchema = R"SQL(
CREATE TABLE organisations (id INTEGER PRIMARY KEY, company_name TEXT NOT NULL, ticket_seq INTEGER NOT NULL DEFAULT 0);
CREATE TABLE users (id INTEGER PRIMARY KEY, org_id INTEGER REFERENCES organisations (id), username TEXT NOT NULL);
CREATE TABLE activity (
    id INTEGER PRIMARY KEY, org_id INTEGER REFERENCES organisations (id) ON DELETE CASCADE, user_id INTEGER,
    actor TEXT NOT NULL, endpoint TEXT NOT NULL, time_ms INTEGER NOT NULL, ok INTEGER NOT NULL, summary TEXT NOT NULL);
CREATE INDEX activity_org_time ON activity (org_id, time_ms DESC);
CREATE TABLE categories (
    id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES categories (id) ON DELETE CASCADE, name TEXT NOT NULL COLLATE NOCASE,
    created_ms INTEGER NOT NULL);
CREATE UNIQUE INDEX categories_name ON categories (org_id, ifnull(parent_id, 0), name);
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    first_name TEXT NOT NULL DEFAULT '', last_name TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '' COLLATE NOCASE, town TEXT NOT NULL DEFAULT '', country TEXT NOT NULL DEFAULT '',
    user_category TEXT NOT NULL DEFAULT '', position_in_org TEXT NOT NULL DEFAULT '',
    org_name TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL);
CREATE INDEX contacts_phone ON contacts (org_id, phone) WHERE phone != '';
CREATE INDEX contacts_email ON contacts (org_id, email) WHERE email != '';
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    ticket_no TEXT NOT NULL, source TEXT NOT NULL CHECK (source IN ('walkin', 'call', 'email', 'sms')),
    source_id TEXT NOT NULL DEFAULT '', category_main INTEGER REFERENCES categories (id),
    category_sub INTEGER REFERENCES categories (id), narrative TEXT NOT NULL DEFAULT '',
    resolution TEXT NOT NULL DEFAULT '', status TEXT NOT NULL CHECK (status IN ('open', 'closed', 'escalated')),
    priority TEXT NOT NULL CHECK (priority IN ('high', 'medium', 'low')), referred_to TEXT NOT NULL DEFAULT '',
    escalated_to TEXT NOT NULL DEFAULT '', disposition TEXT NOT NULL DEFAULT '' CHECK (disposition IN
    ('', 'blank-call', 'call-disconnected', 'prank', 'call-completed', 'transfer')),
    contact_id INTEGER REFERENCES contacts (id), assigned_to INTEGER REFERENCES users (id),
    created_by INTEGER REFERENCES users (id), created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,
    UNIQUE (org_id, ticket_no));
CREATE INDEX tickets_org ON tickets (org_id, id DESC);
CREATE INDEX tickets_status_priority ON tickets (org_id, status, priority, id DESC);
CREATE INDEX tickets_assigned ON tickets (org_id, assigned_to, id DESC);
CREATE INDEX tickets_created_by ON tickets (org_id, created_by, id DESC);
CREATE INDEX tickets_created ON tickets (org_id, created_ms);
CREATE TABLE ticket_history (
    id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    field TEXT NOT NULL, old_value TEXT NOT NULL, new_value TEXT NOT NULL, user_id INTEGER, actor TEXT NOT NULL,
    time_ms INTEGER NOT NULL);
CREATE INDEX ticket_history_ticket ON ticket_history (ticket_id, id);
CREATE TABLE ticket_messages (
    id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES users (id) ON DELETE SET NULL, author TEXT NOT NULL, author_role TEXT NOT NULL,
    body TEXT NOT NULL, time_ms INTEGER NOT NULL);
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, id);
CREATE VIRTUAL TABLE tickets_fts USING fts5 (narrative, resolution, contact, messages);
INSERT INTO organisations (id, company_name) VALUES (1, 'Bench Helpline');
INSERT INTO users (id, org_id, username) VALUES (1, 1, 'owner');
)SQL";

// The columns a ticket is read with (the same as switchboard reads).
constexpr const char* kColumns =
    "t.id, t.org_id, t.ticket_no, t.source, t.source_id, ifnull(t.category_main, 0), ifnull(t.category_sub, 0), "
    "t.narrative, t.resolution, t.status, t.priority, t.referred_to, t.escalated_to, t.disposition, "
    "ifnull(t.contact_id, 0), ifnull(t.assigned_to, 0), ifnull(t.created_by, 0), t.created_ms, t.updated_ms, "
    "c.first_name, c.last_name, c.phone, c.email, c.town, c.country, c.user_category, c.position_in_org, "
    "c.org_name, c.created_ms, c.updated_ms";

sb::Ticket read_row(SQLite::Statement& st) {
    sb::Ticket t;
    t.id = st.getColumn(0).getInt64();
    t.org_id = st.getColumn(1).getInt64();
    t.ticket_no = st.getColumn(2).getString();
    t.source = st.getColumn(3).getString();
    t.source_id = st.getColumn(4).getString();
    t.category_main = st.getColumn(5).getInt64();
    t.category_sub = st.getColumn(6).getInt64();
    t.narrative = st.getColumn(7).getString();
    t.resolution = st.getColumn(8).getString();
    t.status = st.getColumn(9).getString();
    t.priority = st.getColumn(10).getString();
    t.referred_to = st.getColumn(11).getString();
    t.escalated_to = st.getColumn(12).getString();
    t.disposition = st.getColumn(13).getString();
    t.contact_id = st.getColumn(14).getInt64();
    t.assigned_to = st.getColumn(15).getInt64();
    t.created_by = st.getColumn(16).getInt64();
    t.created_ms = st.getColumn(17).getInt64();
    t.updated_ms = st.getColumn(18).getInt64();
    if (t.contact_id) {
        sb::Contact c;
        c.id = t.contact_id;
        c.org_id = t.org_id;
        c.first_name = st.getColumn(19).getString();
        c.last_name = st.getColumn(20).getString();
        c.phone = st.getColumn(21).getString();
        c.email = st.getColumn(22).getString();
        c.town = st.getColumn(23).getString();
        c.country = st.getColumn(24).getString();
        c.user_category = st.getColumn(25).getString();
        c.position_in_org = st.getColumn(26).getString();
        c.org_name = st.getColumn(27).getString();
        c.created_ms = st.getColumn(28).getInt64();
        c.updated_ms = st.getColumn(29).getInt64();
        t.contact = std::move(c);
    }
    return t;
}

void open_pragmas(SQLite::Database& db) {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
}

// How a ticket is written. The raw way is what an application with the same
// schema would do without switchboard: find the contact (by phone, then
// email; a returning contact's fields are updated, as switchboard does) or
// create it, number the ticket, insert it and its full-text row. The other
// flags add, one by one, what switchboard's store does on top.
struct Shape {
    // The history row, the full-text row built from the stored ticket and
    // contact, and a re-read of the ticket (src/store/cases_store.cpp).
    bool store_extras = false;
    bool reread = true;       // with store_extras: the re-read (not needed to fill a file)
    // An activity-log row: in the same transaction (false) or in a second
    // one (true, as Cases does through the accounts store).
    bool activity = false;
    bool activity_own_transaction = false;
    // Batches only: the full-text rows are written by flush_fts() at the end
    // of the batch. Between FTS5 inserts, any statement that opens a
    // statement savepoint (the numbering UPDATE ... RETURNING does) makes
    // FTS5 flush its pending terms as a new segment, one per ticket, which
    // costs more than everything else in a batch.
    bool defer_fts = false;
};

// The contact lookups as the store writes them: `!= ''` lets SQLite use the
// partial indexes contacts_phone and contacts_email.
constexpr const char* kFindPhoneIndexed =
    "SELECT id FROM contacts WHERE org_id = ? AND phone = ? AND phone != '' ORDER BY id LIMIT 1";
constexpr const char* kFindEmailIndexed =
    "SELECT id FROM contacts WHERE org_id = ? AND email = ? AND email != '' ORDER BY id LIMIT 1";

class RawWriter {
public:
    RawWriter(SQLite::Database& db, std::int64_t org_id, std::int64_t user_id)
        : db_(db), org_(org_id), user_(user_id) {}

    // Writes one ticket in the caller's transaction; with
    // Shape::activity_own_transaction the caller then calls write_activity()
    // in a transaction of its own.
    void create(const TicketData& d, const Shape& shape = {}) {
        const std::int64_t now = now_ms();
        std::int64_t contact_id = find(find_phone_indexed_, d.contact.phone);
        if (!contact_id)
            contact_id = find(find_email_indexed_, d.contact.email);
        const auto& c = d.contact;
        if (!contact_id) {
            run(ins_contact_, org_, c.first_name, c.last_name, c.phone, c.email, c.town, c.country, c.user_category,
                now, now);
            contact_id = db_.getLastInsertRowid();
        } else {
            run(upd_contact_, now, c.first_name, c.last_name, c.phone, c.email, c.town, c.country, c.user_category,
                contact_id, org_);
        }
        seq_.reset();
        SQLite::bind(seq_, org_);
        seq_.executeStep();
        char number[32];
        std::snprintf(number, sizeof number, "TK%06lld", static_cast<long long>(seq_.getColumn(0).getInt64()));
        seq_.reset();
        run(ins_ticket_, org_, number, d.source, d.source_id, d.narrative, d.resolution, d.status, d.priority,
            d.referred_to, d.escalated_to, d.disposition, contact_id, user_, now, now);
        const std::int64_t id = db_.getLastInsertRowid();
        if (!shape.store_extras) {
            std::string contact = c.first_name + ' ' + c.last_name + ' ' + c.phone + ' ' + c.email;
            if (shape.defer_fts) pending_fts_.push_back({id, d.narrative, d.resolution, std::move(contact)});
            else run(ins_fts_, id, d.narrative, d.resolution, contact);
        } else {
            run(ins_history_, id, number, user_, "owner", now);
            if (shape.defer_fts) pending_fts_.push_back({id, {}, {}, {}});
            else run(index_fts_, id);
            if (shape.reread) {
                reload_.reset();
                SQLite::bind(reload_, org_, id);
                if (reload_.executeStep()) last_ = read_row(reload_);
                reload_.reset();
            }
        }
        if (shape.activity && !shape.activity_own_transaction) write_activity("create_ticket", kCreateSummary);
    }

    // Writes the full-text rows deferred by Shape::defer_fts.
    void flush_fts(bool store_extras) {
        for (const auto& f : pending_fts_) {
            if (store_extras) run(index_fts_, f.id);
            else run(ins_fts_, f.id, f.narrative, f.resolution, f.contact);
        }
        pending_fts_.clear();
    }

    void write_activity(const char* endpoint, const std::string& summary) {
        run(ins_activity_, org_, user_, "owner", endpoint, now_ms(), 1, summary);
    }

    static constexpr const char* kCreateSummary =
        "fields source,status,priority,narrative,resolution,disposition,contact";

private:
    template <class... A>
    static void run(SQLite::Statement& st, const A&... args) {
        st.reset();
        SQLite::bind(st, args...);
        st.exec();
    }
    std::int64_t find(SQLite::Statement& st, const std::string& value) {
        if (value.empty()) return 0;
        st.reset();
        SQLite::bind(st, org_, value);
        const std::int64_t id = st.executeStep() ? st.getColumn(0).getInt64() : 0;
        st.reset();
        return id;
    }

    SQLite::Database& db_;
    std::int64_t org_, user_;
    SQLite::Statement find_phone_indexed_{db_, kFindPhoneIndexed}, find_email_indexed_{db_, kFindEmailIndexed};
    SQLite::Statement ins_contact_{db_,
        "INSERT INTO contacts (org_id, first_name, last_name, phone, email, town, country, user_category, "
        "created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"};
    SQLite::Statement upd_contact_{db_,
        "UPDATE contacts SET updated_ms = ?, first_name = ?, last_name = ?, phone = ?, email = ?, town = ?, "
        "country = ?, user_category = ? WHERE id = ? AND org_id = ?"};
    SQLite::Statement seq_{db_,
                           "UPDATE organisations SET ticket_seq = ticket_seq + 1 WHERE id = ? RETURNING ticket_seq"};
    SQLite::Statement ins_ticket_{db_,
        "INSERT INTO tickets (org_id, ticket_no, source, source_id, narrative, resolution, status, priority, "
        "referred_to, escalated_to, disposition, contact_id, created_by, created_ms, updated_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"};
    SQLite::Statement ins_fts_{db_,
        "INSERT INTO tickets_fts (rowid, narrative, resolution, contact, messages) VALUES (?, ?, ?, ?, '')"};
    SQLite::Statement ins_history_{db_,
        "INSERT INTO ticket_history (ticket_id, field, old_value, new_value, user_id, actor, time_ms) "
        "VALUES (?, 'created', '', ?, ?, ?, ?)"};
    SQLite::Statement index_fts_{db_,
        "INSERT OR REPLACE INTO tickets_fts (rowid, narrative, resolution, contact, messages) "
        "SELECT t.id, t.narrative, t.resolution, "
        " ifnull(c.first_name || ' ' || c.last_name || ' ' || c.phone || ' ' || c.email, ''), "
        " ifnull((SELECT group_concat(body, ' ') FROM ticket_messages WHERE ticket_id = t.id), '') "
        "FROM tickets t LEFT JOIN contacts c ON c.id = t.contact_id WHERE t.id = ?"};
    SQLite::Statement reload_{db_, std::string("SELECT ") + kColumns +
        " FROM tickets t LEFT JOIN contacts c ON c.id = t.contact_id WHERE t.org_id = ? AND t.id = ?"};
    SQLite::Statement ins_activity_{db_,
        "INSERT INTO activity (org_id, user_id, actor, endpoint, time_ms, ok, summary) VALUES (?, ?, ?, ?, ?, ?, ?)"};
    sb::Ticket last_;
    struct FtsRow {
        std::int64_t id;
        std::string narrative, resolution, contact;
    };
    std::vector<FtsRow> pending_fts_;
};

// Runs `fn` in one IMMEDIATE transaction, as switchboard's writer does.
template <class F>
void in_transaction(SQLite::Database& db, F&& fn) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    fn();
    tx.commit();
}

// The raw reads, each the same selection switchboard makes.
class RawReader {
public:
    RawReader(SQLite::Database& db, std::int64_t org_id) : db_(db), org_(org_id) {}

    // Total and one page in one read transaction. `deferred_join` pages over
    // the covering index first and joins only the rows of the page.
    sb::Page<sb::Ticket> list(const std::string& status, const std::string& priority, int count, std::int64_t offset,
                              bool with_total = true, bool deferred_join = false) {
        sb::Page<sb::Ticket> page;
        SQLite::Transaction snapshot(db_);
        if (with_total) page.total = count_only(status, priority);
        auto& st = deferred_join ? page_deferred_ : page_;
        st.reset();
        SQLite::bind(st, org_, status, priority, count, offset);
        while (st.executeStep()) page.items.push_back(read_row(st));
        st.reset();
        snapshot.commit();
        return page;
    }

    std::int64_t count_only(const std::string& status, const std::string& priority) {
        count_.reset();
        SQLite::bind(count_, org_, status, priority);
        count_.executeStep();
        const auto n = count_.getColumn(0).getInt64();
        count_.reset();
        return n;
    }

    sb::Ticket get(std::int64_t id) {
        by_id_.reset();
        SQLite::bind(by_id_, org_, id);
        sb::Ticket t;
        if (by_id_.executeStep()) t = read_row(by_id_);
        by_id_.reset();
        return t;
    }

    std::vector<std::pair<std::string, std::int64_t>> pivot() {
        std::vector<std::pair<std::string, std::int64_t>> rows;
        pivot_.reset();
        SQLite::bind(pivot_, org_);
        while (pivot_.executeStep())
            rows.emplace_back(pivot_.getColumn(0).getString() + "/" + pivot_.getColumn(1).getString(),
                              pivot_.getColumn(2).getInt64());
        pivot_.reset();
        return rows;
    }

    sb::Page<sb::Ticket> search(const std::string& word, int count) {
        sb::Page<sb::Ticket> page;
        const std::string match = '"' + word + '"';
        SQLite::Transaction snapshot(db_);
        fts_count_.reset();
        SQLite::bind(fts_count_, match, org_);
        fts_count_.executeStep();
        page.total = fts_count_.getColumn(0).getInt64();
        fts_count_.reset();
        fts_page_.reset();
        SQLite::bind(fts_page_, match, org_, count);
        while (fts_page_.executeStep()) page.items.push_back(read_row(fts_page_));
        fts_page_.reset();
        snapshot.commit();
        return page;
    }

    // All tickets, newest first, as RFC 4180 CSV with the same columns and
    // cell rules as switchboard's export, in 64 KiB pieces.
    void csv(const sb::CsvSink& sink);

private:
    SQLite::Database& db_;
    std::int64_t org_;
    SQLite::Statement count_{db_, "SELECT count(*) FROM tickets WHERE org_id = ? AND status = ? AND priority = ?"};
    SQLite::Statement page_{db_, std::string("SELECT ") + kColumns +
        " FROM tickets t LEFT JOIN contacts c ON c.id = t.contact_id"
        " WHERE t.org_id = ? AND t.status = ? AND t.priority = ? ORDER BY t.id DESC LIMIT ? OFFSET ?"};
    SQLite::Statement page_deferred_{db_, std::string("SELECT ") + kColumns +
        " FROM (SELECT id FROM tickets WHERE org_id = ? AND status = ? AND priority = ? ORDER BY id DESC"
        " LIMIT ? OFFSET ?) p JOIN tickets t ON t.id = p.id LEFT JOIN contacts c ON c.id = t.contact_id"
        " ORDER BY t.id DESC"};
    SQLite::Statement by_id_{db_, std::string("SELECT ") + kColumns +
        " FROM tickets t LEFT JOIN contacts c ON c.id = t.contact_id WHERE t.org_id = ? AND t.id = ?"};
    SQLite::Statement pivot_{db_,
        "SELECT status, priority, count(*) FROM tickets WHERE org_id = ? GROUP BY status, priority "
        "ORDER BY status, priority"};
    // CROSS JOIN keeps the full-text index as the outer loop.
    SQLite::Statement fts_count_{db_,
        "SELECT count(*) FROM tickets_fts f CROSS JOIN tickets t ON t.id = f.rowid"
        " WHERE tickets_fts MATCH ? AND t.org_id = ?"};
    SQLite::Statement fts_page_{db_, std::string("SELECT ") + kColumns +
        " FROM tickets_fts f CROSS JOIN tickets t ON t.id = f.rowid LEFT JOIN contacts c ON c.id = t.contact_id"
        " WHERE tickets_fts MATCH ? AND t.org_id = ? ORDER BY f.rowid DESC LIMIT ?"};
};

void iso_time(std::int64_t ms, std::string& out) {
    // Civil date from days (H. Hinnant's algorithm); UTC.
    std::int64_t secs = ms / 1000, days = secs / 86400, rem = secs % 86400;
    days += 719468;
    const std::int64_t era = days / 146097, doe = days - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(y),
                  static_cast<long long>(m), static_cast<long long>(d), static_cast<long long>(rem / 3600),
                  static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60),
                  static_cast<long long>(ms % 1000));
    out += buf;
}

void RawReader::csv(const sb::CsvSink& sink) {
    std::string buf;
    buf.reserve(80 * 1024);
    bool first = true;
    auto cell = [&](const char* p, std::size_t n) {
        if (!first) buf += ',';
        first = false;
        const bool neutralise = n && (p[0] == '=' || p[0] == '+' || p[0] == '-' || p[0] == '@');
        bool quote = neutralise;
        for (std::size_t k = 0; k < n && !quote; ++k)
            quote = p[k] == ',' || p[k] == '"' || p[k] == '\r' || p[k] == '\n';
        if (!quote) return (void)buf.append(p, n);
        buf += '"';
        if (neutralise) buf += '\'';
        for (std::size_t k = 0; k < n; ++k) {
            if (p[k] == '"') buf += '"';
            buf += p[k];
        }
        buf += '"';
    };
    SQLite::Statement st(db_, std::string("SELECT ") + kColumns +
                                  " FROM tickets t LEFT JOIN contacts c ON c.id = t.contact_id WHERE t.org_id = ?"
                                  " ORDER BY t.id DESC");
    auto text = [&](int col) {
        const SQLite::Column c = st.getColumn(col);
        const char* p = c.getText();
        cell(p, static_cast<std::size_t>(c.getBytes()));
    };
    auto id = [&](int col) {
        const std::int64_t v = st.getColumn(col).getInt64();
        char b[24];
        cell(b, v ? static_cast<std::size_t>(std::snprintf(b, sizeof b, "%lld", static_cast<long long>(v))) : 0);
    };
    auto end_row = [&] {
        buf += "\r\n";
        first = true;
        if (buf.size() >= 64 * 1024) {
            sink(buf);
            buf.clear();
        }
    };
    for (const char* h : {"id", "ticket_no", "source", "source_id", "category_main", "category_sub", "narrative",
                          "resolution", "status", "priority", "referred_to", "escalated_to", "disposition",
                          "contact_id", "contact_fname", "contact_lname", "contact_phone", "contact_email",
                          "assigned_to", "created_by", "created_on", "updated_on"})
        cell(h, std::strlen(h));
    end_row();
    st.bind(1, org_);
    while (st.executeStep()) {
        id(0);
        for (int col : {2, 3, 4}) text(col);
        id(5);
        id(6);
        for (int col : {7, 8, 9, 10, 11, 12, 13}) text(col);
        id(14);
        for (int col : {19, 20, 21, 22}) text(col);
        id(15);
        id(16);
        for (int col : {17, 18}) {
            if (!first) buf += ',';
            first = false;
            iso_time(st.getColumn(col).getInt64(), buf);
        }
        end_row();
    }
    if (!buf.empty()) sink(buf);
}

// ------------------------------------------------------------ figures

// Wall-clock time, and the CPU time of the calling thread (switchboard runs
// each call on the caller's thread), so that figures taken on a busy
// machine can be read both ways.
struct Timing {
    double wall_ms = 0, cpu_ms = 0;
};

double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

template <class F>
Timing timed(F&& f) {
    const double c0 = thread_cpu_ms();
    const auto t0 = Clock::now();
    f();
    return {std::chrono::duration<double, std::milli>(Clock::now() - t0).count(), thread_cpu_ms() - c0};
}

struct Stats {
    double median_ms = 0, p99_ms = 0, cpu_median_ms = 0;
};

Stats stats_of(const std::vector<Timing>& t) {
    std::vector<double> wall, cpu;
    for (const auto& x : t) {
        wall.push_back(x.wall_ms);
        cpu.push_back(x.cpu_ms);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    return {wall[wall.size() / 2], wall[std::min(wall.size() - 1, wall.size() * 99 / 100)], cpu[cpu.size() / 2]};
}

std::string proc_status(const char* key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0) {
            auto v = line.substr(std::strlen(key));
            v.erase(0, v.find_first_not_of(" \t"));
            return v;
        }
    return "?";
}

// Resets VmHWM to the current RSS (Linux: "5" into clear_refs).
bool reset_peak_rss() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.flush();
    return static_cast<bool>(out);
}

// The 1-minute load average: other work on the machine shows in every figure.
std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one;
    in >> one;
    return one.empty() ? "?" : one;
}

std::string fmt(const char* f, double v) {
    char b[512];
    std::snprintf(b, sizeof b, f, v);
    return b;
}

struct Row {
    std::string measure, ours, raw, ratio, goal;
    int pass;  // 1 pass, 0 fail, -1 no goal
};

void explain(SQLite::Database& db, const char* title, const std::string& sql,
             const std::function<void(SQLite::Statement&)>& bind) {
    SQLite::Statement st(db, "EXPLAIN QUERY PLAN " + sql);
    bind(st);
    std::printf("  %s:\n", title);
    while (st.executeStep()) std::printf("    %s\n", st.getColumn(3).getText());
}

struct Options {
    std::int64_t total = 1000000;
    std::int64_t api = -1;        // tickets meant for the API range (the last ones)
    double api_seconds = 90;      // time budget of the API range (switchboard and raw together)
    int runs = 1000;
    bool keep = false;
};

// ------------------------------------------------------------ the benchmark

class Bench {
public:
    Bench(const Options& o, const fs::path& dir)
        : o_(o), sb_path_((dir / "switchboard.db").string()), core_(sb_path_, options()),
          accounts_(core_.accounts()), cases_(core_.cases()), admin_(sign_up(accounts_)),
          raw_(open_raw((dir / "raw.db").string())), raw_writer_(raw_, 1, 1), raw_reader_(raw_, 1),
          filler_db_(sb_path_, SQLite::OPEN_READWRITE, 5000), filler_(filler_db_, admin_.org_id, admin_.user_id),
          n_diag_(std::max<std::int64_t>(500, std::min<std::int64_t>(2000, o.api / 5))),
          n_batched_(std::max<std::int64_t>(10000, o.total / 20)),
          gen_(o.total + n_batched_ + 4 * n_diag_), next_extra_(o.total) {
        open_pragmas(filler_db_);
    }

    void create();
    void reads();
    void pivot();
    void csv();
    void search();
    void raw_batched();
    void print_table() const;
    void diagnose();
    int failures = 0;

private:
    static sb::SwitchboardOptions options() {
        sb::SwitchboardOptions so;
        so.accounts = cheap_hash();
        so.jobs.workers = 0;
        return so;
    }

    static sb::AccountsOptions cheap_hash() {
        sb::AccountsOptions o;
        o.pwhash_opslimit = 1;
        o.pwhash_memlimit = 8192;
        return o;
    }
    static sb::Principal sign_up(sb::Accounts& a) {
        a.sign_up({"Bench Helpline", "owner@example.org", "+254 700 000001", "Correct-Horse-9-Battery", true});
        return a.authenticate(a.sign_in("owner@example.org", "Correct-Horse-9-Battery").token);
    }
    static SQLite::Database open_raw(const std::string& path) {
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 5000);
        open_pragmas(db);
        db.exec(kRawSchema);
        return db;
    }
    void fill(std::int64_t from, std::int64_t to);
    std::int64_t random_id() { return static_cast<std::int64_t>(pick_() % static_cast<std::uint64_t>(o_.total)) + 1; }
    void mismatch(const std::string& what) {
        std::printf("  MISMATCH: %s\n", what.c_str());
        ++failures;
    }
    void add_latency(const std::string& what, const std::vector<Timing>& a, const std::vector<Timing>& b,
                     double goal_median, double goal_p99);
    void add_cpu(const Stats& x, const Stats& y, const char* f = "%.3f") {
        rows_.push_back({"  the same in CPU time of the thread, median (ms)", fmt(f, x.cpu_median_ms),
                         fmt(f, y.cpu_median_ms), fmt("%.2fx", x.cpu_median_ms / y.cpu_median_ms), "", -1});
    }

    Options o_;
    std::string sb_path_;
    sb::Switchboard core_;
    sb::Accounts& accounts_;
    sb::Cases& cases_;
    sb::Principal admin_;
    SQLite::Database raw_;
    RawWriter raw_writer_;
    RawReader raw_reader_;
    SQLite::Database filler_db_;   // switchboard's file, for the batched fill
    RawWriter filler_;
    std::int64_t n_diag_, n_batched_;
    Generator gen_;
    std::int64_t next_extra_;       // tickets after o_.total: the extra ones of the context and diagnostics
    std::mt19937_64 pick_{42};
    std::vector<Row> rows_;
    std::vector<std::string> notes_;
    std::int64_t list_total_ = 0;
    std::string load_at_start_ = load_average();
};

// Tickets [from, to) into both databases, 50,000 per transaction with a
// 64 MiB page cache (then back to SQLite's default of 2 MiB) and the
// full-text rows at the end of each batch: a fast way to a large table, not
// a figure.
void Bench::fill(std::int64_t from, std::int64_t to) {
    Shape as_store;
    as_store.store_extras = true;
    as_store.reread = false;
    as_store.activity = true;
    as_store.defer_fts = true;
    Shape as_raw;
    as_raw.defer_fts = true;
    // One thread per database.
    auto load = [&](SQLite::Database& db, RawWriter& writer, const Shape& shape) {
        db.exec("PRAGMA cache_size = -65536");
        for (std::int64_t i = from; i < to;) {
            const std::int64_t end = std::min(to, i + 50000);
            in_transaction(db, [&] {
                for (; i < end; ++i) writer.create(gen_.ticket(i), shape);
                writer.flush_fts(shape.store_extras);
            });
        }
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        db.exec("PRAGMA cache_size = -2000");
    };
    std::exception_ptr failed;
    std::thread other([&] {
        try {
            load(filler_db_, filler_, as_store);
        } catch (...) {
            failed = std::current_exception();
        }
    });
    try {
        load(raw_, raw_writer_, as_raw);
    } catch (...) {
        other.join();
        throw;
    }
    other.join();
    if (failed) std::rethrow_exception(failed);
    malloc_trim(0);   // give the pages of the large caches back, so the RSS figures below mean something
}

void Bench::create() {
    const std::int64_t first_api = o_.total - o_.api;
    if (first_api > 0) {
        std::printf("filling tickets 1..%lld ...\n", static_cast<long long>(first_api));
        std::fflush(stdout);
        const auto t0 = Clock::now();
        fill(0, first_api);
        std::printf("  %.0f s\n", seconds_since(t0));
    }
    std::printf("creating tickets from %lld one per transaction, Cases::create_ticket and raw alternating, for up to "
                "%.0f s ...\n", static_cast<long long>(first_api + 1), o_.api_seconds);
    std::fflush(stdout);
    Timing sb_t, raw_t;
    std::int64_t i = first_api;
    for (; i < o_.total && (sb_t.wall_ms + raw_t.wall_ms) / 1e3 < o_.api_seconds; ++i) {
        const TicketData d = gen_.ticket(i);
        const sb::TicketFields f = fields_of(d);
        const Timing a = timed([&] { cases_.create_ticket(admin_, f); });
        const Timing b = timed([&] { in_transaction(raw_, [&] { raw_writer_.create(d); }); });
        sb_t.wall_ms += a.wall_ms;
        sb_t.cpu_ms += a.cpu_ms;
        raw_t.wall_ms += b.wall_ms;
        raw_t.cpu_ms += b.cpu_ms;
    }
    const std::int64_t measured = i - first_api;
    notes_.push_back(fmt("%.0f", static_cast<double>(measured)) + " tickets created through Cases::create_ticket (" +
                     fmt("%.0f", static_cast<double>(first_api + 1)) + ".." + fmt("%.0f", static_cast<double>(i)) +
                     "), each alternating with its raw twin: " + fmt("%.1f s", sb_t.wall_ms / 1e3) + " switchboard, " +
                     fmt("%.1f s", raw_t.wall_ms / 1e3) + " raw");
    if (first_api > 0)
        notes_.push_back(fmt("tickets 1..%.0f written first, 50,000 per transaction, into raw.db with the raw "
                             "statements and into switchboard's file with the SQL its store runs per ticket",
                             static_cast<double>(first_api)));
    if (i < o_.total) {
        notes_.push_back(fmt("the %.0f s time budget of the API range ran out: ", o_.api_seconds) +
                         fmt("tickets %.0f", static_cast<double>(i + 1)) +
                         fmt("..%.0f written the same batched way", static_cast<double>(o_.total)));
        std::printf("  time budget reached after %lld tickets; writing the rest ...\n",
                    static_cast<long long>(measured));
        std::fflush(stdout);
        fill(i, o_.total);
    }
    const double m = static_cast<double>(measured);
    rows_.push_back({"create ticket, 1 transaction each (tickets/s)", fmt("%.0f", m * 1e3 / sb_t.wall_ms),
                     fmt("%.0f", m * 1e3 / raw_t.wall_ms), fmt("%.2fx", sb_t.wall_ms / raw_t.wall_ms),
                     "<= 2x raw time", sb_t.wall_ms <= 2 * raw_t.wall_ms});
    rows_.push_back({"  the same in CPU time of the thread (us/ticket)", fmt("%.0f", sb_t.cpu_ms * 1e3 / m),
                     fmt("%.0f", raw_t.cpu_ms * 1e3 / m), fmt("%.2fx", sb_t.cpu_ms / raw_t.cpu_ms), "", -1});
    rows_.push_back({"  context: raw, 10,000 per transaction", "", "", "", "", -1});
}

// The context line of the table: raw inserts batched 10,000 per transaction,
// on more tickets after the reads (the default page cache, as measured reads use).
void Bench::raw_batched() {
    std::vector<TicketData> batch;
    double ms = 0;
    for (std::int64_t done = 0; done < n_batched_;) {
        batch.clear();
        for (; done < n_batched_ && batch.size() < 10000; ++done) batch.push_back(gen_.ticket(next_extra_++));
        Shape batched;
        batched.defer_fts = true;
        ms += timed([&] {
                  in_transaction(raw_, [&] {
                      for (const auto& d : batch) raw_writer_.create(d, batched);
                      raw_writer_.flush_fts(false);
                  });
              }).wall_ms;
    }
    for (auto& r : rows_)
        if (r.measure.rfind("  context: raw, 10,000", 0) == 0) {
            r.measure = fmt("  context: raw, 10,000 per transaction (%.0f more)", static_cast<double>(n_batched_));
            r.raw = fmt("%.0f", static_cast<double>(n_batched_) * 1e3 / ms);
        }
}

void Bench::add_latency(const std::string& what, const std::vector<Timing>& a, const std::vector<Timing>& b,
                        double goal_median, double goal_p99) {
    const Stats x = stats_of(a), y = stats_of(b);
    rows_.push_back({what + ", median (ms)", fmt("%.3f", x.median_ms), fmt("%.3f", y.median_ms),
                     fmt("%.2fx", x.median_ms / y.median_ms), fmt("< %g ms", goal_median), x.median_ms < goal_median});
    rows_.push_back({what + ", p99 (ms)", fmt("%.3f", x.p99_ms), fmt("%.3f", y.p99_ms),
                     fmt("%.2fx", x.p99_ms / y.p99_ms), fmt("< %g ms", goal_p99), x.p99_ms < goal_p99});
    add_cpu(x, y);
}

void Bench::reads() {
    std::printf("a filtered page and a ticket by id, %d times each ...\n", o_.runs);
    std::fflush(stdout);
    std::vector<Timing> sb_list, raw_list, sb_get, raw_get;
    sb::ListQuery q;
    q.filters = {{"status", "open"}, {"priority", "high"}};
    q.count = 50;
    q.offset = 1000;
    for (int k = 0; k < o_.runs; ++k) {
        sb::Page<sb::Ticket> a, b;
        sb_list.push_back(timed([&] { a = cases_.list_tickets(admin_, q); }));
        raw_list.push_back(timed([&] { b = raw_reader_.list("open", "high", 50, 1000); }));
        if (k == 0) {
            list_total_ = a.total;
            if (a.total != b.total || a.items.size() != b.items.size() || a.items.empty() ||
                a.items[0].id != b.items[0].id)
                mismatch("the filtered page");
        }
        const std::int64_t id = random_id();
        sb::Ticket x, y;
        sb_get.push_back(timed([&] { x = cases_.get_ticket(admin_, id); }));
        raw_get.push_back(timed([&] { y = raw_reader_.get(id); }));
        if (x.ticket_no != y.ticket_no || x.narrative != y.narrative || !x.contact || !y.contact ||
            x.contact->phone != y.contact->phone)
            mismatch("ticket " + std::to_string(id));
    }
    add_latency("list open+high _c=50 _a=1000", sb_list, raw_list, 1, 5);
    add_latency("ticket by id", sb_get, raw_get, 1, 5);
    notes_.push_back(fmt("the filtered list matches %.0f tickets; ", static_cast<double>(list_total_)) +
                     fmt("each read ran %.0f times, switchboard and raw alternating", o_.runs));
}

void Bench::pivot() {
    std::printf("pivot report ...\n");
    std::fflush(stdout);
    std::vector<Timing> a, b;
    for (int k = 0; k < 7; ++k) {
        sb::PivotReport r;
        a.push_back(timed([&] { r = cases_.report_tickets(admin_, {}, {"status"}, {"priority"}); }));
        std::vector<std::pair<std::string, std::int64_t>> q;
        b.push_back(timed([&] { q = raw_reader_.pivot(); }));
        if (k == 0 && (r.total != o_.total || r.rows.size() != q.size() || r.rows.size() != 9))
            mismatch("the pivot report");
    }
    const Stats x = stats_of(a), y = stats_of(b);
    rows_.push_back({"pivot status x priority, median of 7 (ms)", fmt("%.1f", x.median_ms), fmt("%.1f", y.median_ms),
                     fmt("%.2fx", x.median_ms / y.median_ms), "< 300 ms", x.median_ms < 300});
    add_cpu(x, y, "%.1f");
}

void Bench::csv() {
    std::printf("CSV of all tickets ...\n");
    std::fflush(stdout);
    const std::string before = proc_status("VmHWM:"), rss = proc_status("VmRSS:");
    const bool reset = reset_peak_rss();
    std::size_t sb_bytes = 0, raw_bytes = 0;
    const Timing a =
        timed([&] { cases_.export_tickets_csv(admin_, {}, [&](std::string_view s) { sb_bytes += s.size(); }); });
    const std::string sb_peak = proc_status("VmHWM:");
    reset_peak_rss();
    const Timing b = timed([&] { raw_reader_.csv([&](std::string_view s) { raw_bytes += s.size(); }); });
    const std::string raw_peak = proc_status("VmHWM:");
    if (sb_bytes != raw_bytes) mismatch("CSV sizes differ");
    const double mb_sb = static_cast<double>(sb_bytes) / 1e6, mb_raw = static_cast<double>(raw_bytes) / 1e6;
    rows_.push_back({"CSV of all tickets (MB/s)", fmt("%.0f", mb_sb * 1e3 / a.wall_ms),
                     fmt("%.0f", mb_raw * 1e3 / b.wall_ms), fmt("%.2fx", a.wall_ms / b.wall_ms), ">= 100 MB/s",
                     mb_sb * 1e3 / a.wall_ms >= 100});
    rows_.push_back({"  the same per CPU second of the thread (MB/s)", fmt("%.0f", mb_sb * 1e3 / a.cpu_ms),
                     fmt("%.0f", mb_raw * 1e3 / b.cpu_ms), fmt("%.2fx", a.cpu_ms / b.cpu_ms), "", -1});
    rows_.push_back({"  CSV size and time", fmt("%.0f MB", mb_sb) + fmt(" %.1f s", a.wall_ms / 1e3),
                     fmt("%.0f MB", mb_raw) + fmt(" %.1f s", b.wall_ms / 1e3), "", "", -1});
    rows_.push_back({"  peak RSS (VmHWM) during the export", sb_peak, raw_peak, "", "bounded", -1});
    notes_.push_back("peak RSS (VmHWM) before the CSV: " + before + " (RSS " + rss + "); " +
                     (reset ? "VmHWM reset to the RSS before each export" : "VmHWM could not be reset"));
}

void Bench::search() {
    const int runs = std::max(10, o_.runs / 10);
    std::printf("full-text search, %d times ...\n", runs);
    std::fflush(stdout);
    std::vector<Timing> a, b;
    sb::ListQuery q;
    q.search = kSearchWord;
    std::int64_t total = 0;
    for (int k = 0; k < runs; ++k) {
        sb::Page<sb::Ticket> x, y;
        a.push_back(timed([&] { x = cases_.list_tickets(admin_, q); }));
        b.push_back(timed([&] { y = raw_reader_.search(kSearchWord, 50); }));
        if (k == 0) {
            total = x.total;
            if (x.total != y.total || x.items.size() != y.items.size() || x.items.empty() ||
                x.items[0].id != y.items[0].id)
                mismatch("the search");
        }
    }
    const Stats x = stats_of(a), y = stats_of(b);
    rows_.push_back({std::string("search \"") + kSearchWord + "\", page of 50 + total, median (ms)",
                     fmt("%.2f", x.median_ms), fmt("%.2f", y.median_ms), fmt("%.2fx", x.median_ms / y.median_ms),
                     "< 20 ms", x.median_ms < 20});
    rows_.push_back({"  search p99 (ms)", fmt("%.2f", x.p99_ms), fmt("%.2f", y.p99_ms),
                     fmt("%.2fx", x.p99_ms / y.p99_ms), "", -1});
    add_cpu(x, y, "%.2f");
    notes_.push_back(fmt("the search word is in %.0f narratives", static_cast<double>(total)) +
                     fmt(" (%.2f%%); ", 100.0 * static_cast<double>(total) / static_cast<double>(o_.total)) +
                     fmt("each search ran %.0f times", runs));
}

void Bench::print_table() const {
    std::printf(
        "\nbench_cases: %lld tickets in one organisation, each with a contact (%.0f%% from a returning contact, "
        "%lld distinct contacts); SQLite %s, WAL, synchronous=NORMAL\n",
        static_cast<long long>(o_.total), kReturningContact * 100,
        static_cast<long long>(gen_.distinct_contacts(o_.total)), sqlite3_libversion());
    for (const auto& n : notes_) std::printf("  - %s\n", n.c_str());
    std::printf("  - 1-minute load average at the start %s, now %s (%u cores)\n", load_at_start_.c_str(),
                load_average().c_str(), std::thread::hardware_concurrency());
    std::printf("\n%-52s %14s %14s %8s %15s\n", "measure", "switchboard", "raw SQLiteCpp", "ratio", "goal");
    std::printf("%s\n", std::string(112, '-').c_str());
    for (const auto& r : rows_)
        std::printf("%-52s %14s %14s %8s %15s %s\n", r.measure.c_str(), r.ours.c_str(), r.raw.c_str(), r.ratio.c_str(),
                    r.goal.c_str(), r.pass < 0 ? "" : r.pass ? "PASS" : "FAIL");
    std::printf("ratio: switchboard's time over raw's; goals apply to the wall-clock lines\n");
    std::fflush(stdout);
}

// Not goals: raw variants that add switchboard's work one piece at a time, and
// the query plans of the statements switchboard's store builds.
void Bench::diagnose() {
    std::printf("\nWhere the time goes (raw variants on raw.db, after the measures above):\n");
    std::fflush(stdout);
    {
        Shape extras, act;
        extras.store_extras = true;
        act = extras;
        act.activity = act.activity_own_transaction = true;
        auto one = [&](const Shape& s) {
            const TicketData d = gen_.ticket(next_extra_++);
            return timed([&] {
                       in_transaction(raw_, [&] { raw_writer_.create(d, s); });
                       if (s.activity_own_transaction)
                           in_transaction(
                               raw_, [&] { raw_writer_.write_activity("create_ticket", RawWriter::kCreateSummary); });
                   }).wall_ms;
        };
        double t[4] = {0, 0, 0, 0};
        for (std::int64_t i = 0; i < n_diag_; ++i) {
            t[0] += one({});
            t[1] += one(extras);
            t[2] += one(act);
            const auto f = fields_of(gen_.ticket(next_extra_++));
            t[3] += timed([&] { cases_.create_ticket(admin_, f); }).wall_ms;
        }
        const double us = 1e3 / static_cast<double>(n_diag_);
        std::printf("  creating a ticket, one transaction each, %lld tickets per line, us per ticket:\n",
                    static_cast<long long>(n_diag_));
        std::printf("    raw: contact found by an indexed lookup, number, ticket, full-text row   %10.1f\n", t[0] * us);
        std::printf("    + history row, full-text row from the stored rows, re-read               %10.1f\n", t[1] * us);
        std::printf("    + activity row in a second transaction                                   %10.1f\n", t[2] * us);
        std::printf("    Cases::create_ticket (its activity row queued, committed behind it)      %10.1f\n",
                    t[3] * us);
    }
    {
        // Switchboard reads on a pooled read-only connection and writes the
        // activity row on its writer; `second` reads raw.db the same way.
        SQLite::Database second(raw_.getFilename(), SQLite::OPEN_READONLY);
        RawReader second_reader(second, 1);
        std::vector<Timing> get_act, get_second, get_no_ckpt, cnt, page, deferred, after_page, after_page_write;
        auto get_and_log = [&](RawReader& r) {
            const std::int64_t id = random_id();
            return timed([&] {
                r.get(id);
                in_transaction(raw_, [&] { raw_writer_.write_activity("get_ticket", "ticket " + std::to_string(id)); });
            });
        };
        for (int k = 0; k < o_.runs; ++k) {
            get_act.push_back(get_and_log(raw_reader_));
            get_second.push_back(get_and_log(second_reader));
            raw_.exec("PRAGMA wal_autocheckpoint = 0");
            get_no_ckpt.push_back(get_and_log(raw_reader_));
            raw_.exec("PRAGMA wal_autocheckpoint = 1000");
            if (k % 4) continue;
            // A page read first fills the connection's page cache; a commit
            // by the writer in between makes the next read start from an empty one.
            second_reader.list("open", "high", 50, 1000, false);
            const std::int64_t id = random_id();
            after_page.push_back(timed([&] { second_reader.get(id); }));
            second_reader.list("open", "high", 50, 1000, false);
            in_transaction(raw_, [&] { raw_writer_.write_activity("list_tickets", ""); });
            after_page_write.push_back(timed([&] { second_reader.get(id + 1); }));
            cnt.push_back(timed([&] { raw_reader_.count_only("open", "high"); }));
            page.push_back(timed([&] { raw_reader_.list("open", "high", 50, 1000, false); }));
            deferred.push_back(timed([&] { raw_reader_.list("open", "high", 50, 1000, false, true); }));
        }
        auto line = [](const std::string& what, const std::vector<Timing>& v) {
            const Stats s = stats_of(v);
            std::printf("    %-72s %7.3f %7.3f %7.3f\n", what.c_str(), s.median_ms, s.p99_ms, s.cpu_median_ms);
        };
        std::printf("  reads, ms (median, p99, median CPU):\n");
        line("raw ticket by id, then an activity row committed", get_act);
        line("the same, reading on a second (read-only) connection", get_second);
        line("the same as the first, with no automatic checkpoint in the commit", get_no_ckpt);
        line("raw ticket by id on a read-only connection, after a page read on it", after_page);
        line("the same, with a commit by the writer between the page and the ticket", after_page_write);
        line("raw count(*) of the " + std::to_string(list_total_) + " open+high tickets alone", cnt);
        line("raw page alone (_c=50 _a=1000), joined before the offset", page);
        line("raw page alone, offset over the covering index, then joined", deferred);
    }
    {
        SQLite::Database ro(sb_path_, SQLite::OPEN_READONLY);
        std::printf("  query plans on switchboard's file (the statements src/store builds):\n");
        const std::int64_t org = admin_.org_id;
        const std::string word = std::string("\"") + kSearchWord + "\"";
        explain(ro, "contact by phone", kFindPhoneIndexed, [&](auto& st) { SQLite::bind(st, org, "+254700000000"); });
        explain(ro, "list total (queue view: the tally)",
                "SELECT ifnull(sum(n), 0) FROM ticket_tally WHERE org_id = ? AND status = ? AND priority = ?",
                [&](auto& st) { SQLite::bind(st, org, "open", "high"); });
        explain(ro, "list page (the page's ids over the covering index, then their rows)",
                std::string("SELECT ") + kColumns +
                    " FROM tickets t LEFT JOIN contacts c ON c.id = t.contact_id WHERE t.id IN (SELECT t.id FROM "
                    "tickets t WHERE t.org_id = ? AND t.status = ? AND t.priority = ? ORDER BY 1 DESC LIMIT ? "
                    "OFFSET ?) ORDER BY 1 DESC",
                [&](auto& st) { SQLite::bind(st, org, "open", "high", 50, 1000); });
        explain(ro, "pivot",
                "SELECT t.status, t.priority, count(*) FROM tickets t WHERE t.org_id = ? "
                "GROUP BY t.status, t.priority ORDER BY t.status, t.priority",
                [&](auto& st) { SQLite::bind(st, org); });
        explain(ro, "search total",
                "SELECT count(*) FROM tickets_fts CROSS JOIN tickets t WHERE t.org_id = ? "
                "AND t.id = tickets_fts.rowid AND tickets_fts MATCH ?",
                [&](auto& st) { SQLite::bind(st, org, word); });
        explain(ro, "search page",
                std::string("SELECT ") + kColumns +
                    " FROM tickets t LEFT JOIN contacts c ON c.id = t.contact_id WHERE t.id IN (SELECT "
                    "tickets_fts.rowid FROM tickets_fts CROSS JOIN tickets t WHERE t.org_id = ? AND t.id = "
                    "tickets_fts.rowid AND tickets_fts MATCH ? ORDER BY 1 DESC LIMIT ? OFFSET ?) ORDER BY 1 DESC",
                [&](auto& st) { SQLite::bind(st, org, word, 50, 0); });
    }
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int k = 1; k < argc; ++k) {
        const std::string a = argv[k];
        const bool more = k + 1 < argc;
        if (a == "--tickets" && more) o.total = std::stoll(argv[++k]);
        else if (a == "--api-tickets" && more) o.api = std::stoll(argv[++k]);
        else if (a == "--api-seconds" && more) o.api_seconds = std::stod(argv[++k]);
        else if (a == "--runs" && more) o.runs = std::stoi(argv[++k]);
        else if (a == "--keep") o.keep = true;
        else {
            std::fprintf(stderr,
                         "usage: %s [--tickets N] [--api-tickets N] [--api-seconds S] [--runs N] [--keep]\n", argv[0]);
            return 2;
        }
    }
    if (o.api < 0) o.api = std::min<std::int64_t>(o.total, 200000);
    o.api = std::min(o.api, o.total);
    if (o.total < 2000 || o.api < 1 || o.runs < 10 || o.api_seconds <= 0) {
        std::fprintf(stderr,
                     "bench_cases: needs --tickets >= 2000, --api-tickets >= 1, --runs >= 10, --api-seconds > 0\n");
        return 2;
    }
    const fs::path dir = fs::temp_directory_path() / ("sb-bench-cases-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
    const auto t0 = Clock::now();
    int failures = 0;
    try {
        std::printf("bench_cases: %lld tickets; databases in %s\n", static_cast<long long>(o.total), dir.c_str());
        Bench b(o, dir);
        b.create();
        b.reads();
        b.pivot();
        b.csv();
        b.search();
        b.raw_batched();
        b.print_table();
        b.diagnose();
        failures = b.failures;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_cases: %s\n", e.what());
        failures = 1;
    }
    std::printf("\ntotal run time %.0f s\n", seconds_since(t0));
    std::error_code ec;
    if (o.keep) std::printf("kept %s\n", dir.c_str());
    else fs::remove_all(dir, ec);
    return failures ? 1 : 0;
}
