#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include "helpers.hpp"

using namespace switchboard;
namespace fs = std::filesystem;

namespace {

std::string file_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// A big-endian number of the SQLite file header (the file format:
// https://sqlite.org/fileformat.html): the tests read the file's bytes, never
// its tables.
std::uint32_t header_number(const fs::path& db, std::size_t offset, std::size_t bytes) {
    const std::string head = file_bytes(db).substr(0, 100);
    REQUIRE(head.size() == 100);
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(head[offset + i]);
    return v;
}

std::uint32_t user_version(const fs::path& db) { return header_number(db, 60, 4); }

// Another program that changes the file: here, one that writes a newer
// schema version into it.
void set_user_version(const fs::path& db, int version) {
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
    REQUIRE(sqlite3_exec(h, ("PRAGMA user_version = " + std::to_string(version)).c_str(), nullptr, nullptr,
                         nullptr) == SQLITE_OK);
    sqlite3_close(h);
}

}  // namespace

TEST_CASE("a new database is migrated to the latest schema in WAL mode", "[store]") {
    const auto path = sbtest::temp_dir() / "sb.db";
    {
        auto db = Database::open(path.string());
        CHECK(db.schema_version() == Database::latest_schema_version());
    }
    // WAL mode: the file format's read and write versions are 2.
    CHECK(header_number(path, 18, 1) == 2);
    CHECK(header_number(path, 19, 1) == 2);
    CHECK(user_version(path) == static_cast<std::uint32_t>(Database::latest_schema_version()));
    // Opening again applies nothing twice.
    auto again = Database::open(path.string());
    CHECK(again.schema_version() == Database::latest_schema_version());
}

TEST_CASE("a database from a newer schema is refused and left unchanged", "[store]") {
    const auto path = sbtest::temp_dir() / "sb.db";
    { auto db = Database::open(path.string()); }
    set_user_version(path, 999);
    const std::string before = file_bytes(path);
    try {
        Database::open(path.string());
        FAIL("opened a database of a newer schema");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::schema);
        CHECK(std::string(e.what()).find("newer") != std::string::npos);
    }
    CHECK(file_bytes(path) == before);
    CHECK(user_version(path) == 999);
}

TEST_CASE("opening a path that cannot be a database fails clearly", "[store]") {
    const auto dir = sbtest::temp_dir();
    CHECK_THROWS_AS(Database::open((dir / "no" / "such" / "dir" / "x.db").string()), Error);
    DatabaseOptions no_create;
    no_create.create = false;
    try {
        Database::open((dir / "absent.db").string(), no_create);
        FAIL("opened a missing database without create");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::not_found);
    }
    const auto junk = dir / "junk.db";
    std::ofstream(junk) << "this is not a database file, just some text that is long enough";
    CHECK_THROWS_AS(Database::open(junk.string()), Error);
}

TEST_CASE("a committed write survives a crash of the process", "[store]") {
    const auto path = sbtest::temp_dir() / "sb.db";
    { auto db = Database::open(path.string()); }
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        auto db = Database::open(path.string());
        Accounts acc(db, sbtest::fast_options());
        acc.sign_up({"Crash Test Ltd", "crash@example.org", "+254 700 000002", sbtest::kPassword, true});
        _exit(0);  // no destructors, no checkpoint, no close
    }
    int status = 0;
    waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    auto db = Database::open(path.string());
    Accounts acc(db, sbtest::fast_options());
    auto s = acc.sign_in("crash@example.org", sbtest::kPassword);
    CHECK(s.token.size() == 32);
}

TEST_CASE("many threads use one database at once", "[store][threads]") {
    const auto path = sbtest::temp_dir() / "sb.db";
    auto db = Database::open(path.string());
    Accounts acc(db, sbtest::fast_options());
    auto org = sbtest::make_org(acc, "threads@example.org");
    constexpr int kThreads = 8, kEach = 10;
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            try {
                auto who = acc.authenticate(org.admin.token);
                for (int i = 0; i < kEach; ++i) {
                    UserFields f;
                    f.username = "agent" + std::to_string(t) + "_" + std::to_string(i);
                    f.email = *f.username + "@example.org";
                    f.password = sbtest::kPassword;
                    acc.create_user(who, f);
                    ListQuery q;
                    q.count = 5;
                    if (acc.list_users(who, q).items.size() > 5) ++failures;
                }
            } catch (const std::exception& e) {
                UNSCOPED_INFO(e.what());
                ++failures;
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(failures == 0);
    auto who = acc.authenticate(org.admin.token);
    CHECK(acc.list_users(who, {}).total == 1 + kThreads * kEach);
}

TEST_CASE("activity entries are committed behind the call, and reading the log sees them at once", "[store][activity]") {
    const auto dir = sbtest::temp_dir();
    const auto path = dir / "sb.db";
    Principal admin;
    // What is in the file, read as a second process would (its own handle
    // has nothing queued, so its read shows only what was committed).
    auto count_rows = [&] {
        auto other = Database::open(path.string());
        ListQuery q;
        q.filters = {{"endpoint", "list_users"}};
        return ActivityLog(other).list(admin, q).total;
    };
    std::int64_t before = 0;
    {
        auto db = Database::open(path.string());
        Accounts acc(db, sbtest::fast_options());
        auto org = sbtest::make_org(acc, "queue@example.org");
        admin = acc.authenticate(org.admin.token);
        ActivityLog log(db);
        // The log read commits what is queued first: it sees the call just before it.
        acc.list_users(admin, {});
        auto page = log.list(admin, {});
        REQUIRE(!page.items.empty());
        CHECK(page.items[0].endpoint == "list_users");
        before = count_rows();
        // Without a read of the log, the entry reaches the file within the delay.
        acc.list_users(admin, {});
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (count_rows() == before && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        CHECK(count_rows() == before + 1);
        // Closing the database commits what is still queued.
        for (int i = 0; i < 5; ++i) acc.list_users(admin, {});
    }
    CHECK(count_rows() == before + 6);
}

TEST_CASE("a locked database holds the activity log back, never silently", "[store][activity]") {
    const auto path = sbtest::temp_dir() / "sb.db";
    DatabaseOptions o;
    o.busy_timeout_ms = 0;  // a commit that finds the file locked fails at once
    auto db = Database::open(path.string(), o);
    Accounts acc(db, sbtest::fast_options());
    auto org = sbtest::make_org(acc, "locked@example.org");
    Principal admin = acc.authenticate(org.admin.token);
    ActivityLog log(db);
    const auto before = log.list(admin, {}).total;

    // Another process holds the write lock; reads go on (WAL).
    sqlite3* other = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &other) == SQLITE_OK);
    REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
    std::size_t done = 0;
    std::string refusal;
    for (; done < 20000; ++done) {
        try {
            acc.list_users(admin, {});
        } catch (const Error& e) {
            CHECK(e.code() == ErrorCode::storage);
            refusal = e.what();
            break;
        }
        if (done % 1000 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(150));
    }
    CHECK(refusal.find("the activity log could not be written") != std::string::npos);
    CHECK(refusal.find("locked") != std::string::npos);
    // 10,000 entries wait: the log read's own entry and 9,999 calls.
    CHECK(done == 9999);
    // Reading the log says why, too.
    CHECK_THROWS_AS(log.list(admin, {}), Error);

    // The lock goes; the queue is committed, nothing lost.
    REQUIRE(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(other);
    const auto after = log.list(admin, {}).total;
    CHECK(after == before + 1 + static_cast<std::int64_t>(done));
}

TEST_CASE("the value rules live in the core: the schema holds no CHECK constraint", "[store][schema]") {
    // Migration 7 takes out the value lists and ranges that CHECK constraints
    // repeated (statuses, roles, scores ...); the core refuses those values.
    const auto dir = sbtest::temp_dir();
    {
        auto db = Database::open((dir / "sb.db").string());
        CHECK(db.schema_version() == Database::latest_schema_version());
        CHECK(db.schema_version() >= 7);
    }
    const std::string bytes = sbtest::bytes_in(dir);
    CHECK(bytes.find("CREATE TABLE tickets") != std::string::npos);  // the schema is in the file's bytes
    CHECK(bytes.find("CHECK (") == std::string::npos);
    CHECK(bytes.find("CHECK(") == std::string::npos);
}
