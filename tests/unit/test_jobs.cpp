// Durable jobs: running, retries and backoff, failures for good, leases
// after a crash, the backlog budget, sealed payloads, the reading API.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "helpers.hpp"

using namespace switchboard;
using namespace std::chrono_literals;

namespace {

// A Switchboard over a database file with fast jobs: short backoff, short
// leases, frequent polls.
SwitchboardOptions fast_jobs(const std::filesystem::path& dir, int workers = 1) {
    auto o = sbtest::desk_options(dir);
    o.jobs.workers = workers;
    o.jobs.retry_backoff_ms = 20;
    o.jobs.max_backoff_ms = 100;
    o.jobs.lease_ms = 600;
    o.jobs.poll_ms = 20;
    return o;
}


Principal org_admin(Switchboard& sb, const std::string& email = "owner@example.org") {
    auto org = sbtest::make_org(sb.accounts(), email);
    return sb.accounts().authenticate(org.admin.token);
}

// Waits until fn() is true (at most 10 s).
template <class F>
bool eventually(F&& fn) {
    for (int i = 0; i < 1000; ++i) {
        if (fn()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return fn();
}

}  // namespace

TEST_CASE("a job runs once with its payload and ends done", "[jobs]") {
    const auto dir = sbtest::temp_dir();
    Switchboard sb((dir / "sb.db").string(), fast_jobs(dir));
    const Principal admin = org_admin(sb);
    std::mutex mu;
    std::vector<std::string> seen;
    sb.jobs().handle("echo", [&](const JobRun& run) {
        std::lock_guard<std::mutex> lock(mu);
        seen.emplace_back(run.payload);
        CHECK(run.job.kind == "echo");
        CHECK(run.job.subject == "greeting");
        CHECK(run.job.attempts == 1);
        CHECK(run.job.state == JobState::running);
    });
    const Job queued = sb.jobs().enqueue({"echo", admin.org_id, "greeting", std::string("hello\0world", 11), 0});
    // Stored as already claimed by this process's workers, which take it
    // from memory (docs/jobs.md).
    CHECK(queued.state == JobState::running);
    CHECK(queued.lease_owner.find(':') != std::string::npos);
    CHECK(queued.max_attempts == 5);
    CHECK(queued.payload_bytes > 11);  // sealed: nonce and tag around the bytes
    REQUIRE(sb.jobs().drain(10s));
    {
        std::lock_guard<std::mutex> lock(mu);
        REQUIRE(seen.size() == 1);
        CHECK(seen[0] == std::string("hello\0world", 11));
    }
    const Job done = sb.jobs().get(admin, queued.id);
    CHECK(done.state == JobState::done);
    CHECK(done.attempts == 1);
    CHECK(done.payload_bytes == 0);  // cleared once done
    CHECK(done.finished_ms >= done.created_ms);
    CHECK(done.last_error.empty());
    const JobCounts c = sb.jobs().counts(admin);
    CHECK((c.queued == 0 && c.running == 0 && c.done == 1 && c.failed == 0));
}

TEST_CASE("a failing job is retried with backoff and may succeed", "[jobs]") {
    const auto dir = sbtest::temp_dir();
    Switchboard sb((dir / "sb.db").string(), fast_jobs(dir));
    const Principal admin = org_admin(sb);
    std::atomic<int> runs{0};
    std::vector<std::chrono::steady_clock::time_point> at;
    std::mutex mu;
    sb.jobs().handle("flaky", [&](const JobRun&) {
        {
            std::lock_guard<std::mutex> lock(mu);
            at.push_back(std::chrono::steady_clock::now());
        }
        if (++runs < 3) throw Error(ErrorCode::storage, "the mail server is down (try " + std::to_string(runs.load()) + ")");
    });
    const Job j = sb.jobs().enqueue({"flaky", admin.org_id, "m1", "x", 0});
    REQUIRE(sb.jobs().drain(10s));
    const Job done = sb.jobs().get(admin, j.id);
    CHECK(done.state == JobState::done);
    CHECK(done.attempts == 3);
    CHECK(done.last_error == "the mail server is down (try 2)");  // kept for the record
    REQUIRE(at.size() == 3);
    // The backoff: 20 ms before the second run, 40 ms before the third (due
    // times are whole milliseconds of the wall clock: allow one of rounding).
    CHECK(at[1] - at[0] >= 19ms);
    CHECK(at[2] - at[1] >= 39ms);
}

TEST_CASE("a job fails for good when the input is wrong, or its attempts are spent", "[jobs]") {
    const auto dir = sbtest::temp_dir();
    auto o = fast_jobs(dir);
    o.jobs.max_attempts = 3;
    Switchboard sb((dir / "sb.db").string(), o);
    const Principal admin = org_admin(sb);
    std::atomic<int> wrong_runs{0}, down_runs{0};
    std::mutex mu;
    std::vector<Job> failed;
    auto record = [&](const Job& j) {
        std::lock_guard<std::mutex> lock(mu);
        failed.push_back(j);
    };
    sb.jobs().handle(
        "wrong",
        [&](const JobRun&) {
            ++wrong_runs;
            throw Error(ErrorCode::invalid_argument, "the address is not an email address", "to");
        },
        record);
    sb.jobs().handle(
        "down", [&](const JobRun&) {
            ++down_runs;
            throw std::runtime_error("connection refused");
        },
        record);
    const auto after = sb.events().last_seq(admin);
    const Job a = sb.jobs().enqueue({"wrong", admin.org_id, "w", "p", 0});
    const Job b = sb.jobs().enqueue({"down", admin.org_id, "d", "p", 0});
    REQUIRE(sb.jobs().drain(10s));
    CHECK(wrong_runs == 1);  // running it again cannot help
    CHECK(down_runs == 3);   // max_attempts
    const Job fa = sb.jobs().get(admin, a.id), fb = sb.jobs().get(admin, b.id);
    CHECK((fa.state == JobState::failed && fa.attempts == 1 && fa.last_error == "the address is not an email address"));
    CHECK((fb.state == JobState::failed && fb.attempts == 3 && fb.last_error == "connection refused"));
    CHECK((fa.payload_bytes == 0 && fb.payload_bytes == 0));
    {
        std::lock_guard<std::mutex> lock(mu);
        REQUIRE(failed.size() == 2);
        for (const Job& j : failed) CHECK(j.state == JobState::failed);
    }
    // Each failure is an event for the organisation's report readers.
    sb.events().flush();
    const EventBatch batch = sb.events().read(admin, after, 10);
    std::vector<std::string> subjects;
    for (const Event& e : batch.events) {
        CHECK(e.type == "job.failed");
        CHECK(e.audience == EventAudience::reports);
        subjects.push_back(e.subject);
    }
    std::sort(subjects.begin(), subjects.end());
    std::vector<std::string> want{std::to_string(a.id), std::to_string(b.id)};
    std::sort(want.begin(), want.end());
    CHECK(subjects == want);
    // Listed by state.
    ListQuery q;
    q.filters = {{"state", "failed"}};
    CHECK(sb.jobs().list(admin, q).total == 2);
    q.filters = {{"state", "sideways"}};
    CHECK(sbtest::error_of([&] { sb.jobs().list(admin, q); }).second == "state");
}

TEST_CASE("a job whose worker died is claimed again once its lease expires", "[jobs][crash]") {
    const auto dir = sbtest::temp_dir();
    const auto path = (dir / "sb.db").string();
    std::int64_t org_id = 0;
    {
        Switchboard sb(path, fast_jobs(dir, 0));
        org_id = org_admin(sb).org_id;
    }
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // The worker takes the job, then the process dies in the middle of it.
        Switchboard sb(path, fast_jobs(dir));
        sb.jobs().handle("crash", [](const JobRun&) { _exit(0); });
        sb.jobs().enqueue({"crash", org_id, "c1", "payload", 0});
        std::this_thread::sleep_for(10s);
        _exit(1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);  // it died inside the job

    Switchboard sb(path, fast_jobs(dir));
    const Principal admin = sb.accounts().authenticate(sb.accounts().sign_in("owner@example.org", sbtest::kPassword).token);
    ListQuery q;
    q.filters = {{"kind", "crash"}};
    const Job left = sb.jobs().list(admin, q).items.at(0);
    CHECK(left.state == JobState::running);  // as the dead worker left it
    CHECK(left.attempts == 1);
    std::atomic<int> runs{0};
    std::string payload;
    sb.jobs().handle("crash", [&](const JobRun& run) {
        ++runs;
        payload = std::string(run.payload);
    });
    REQUIRE(sb.jobs().drain(10s));
    const Job done = sb.jobs().get(admin, left.id);
    CHECK(done.state == JobState::done);
    CHECK(done.attempts == 2);
    CHECK(runs == 1);
    CHECK(payload == "payload");
}

TEST_CASE("a running job's lease is renewed: no other worker takes it", "[jobs]") {
    const auto dir = sbtest::temp_dir();
    const auto path = (dir / "sb.db").string();
    auto o = fast_jobs(dir);
    o.jobs.lease_ms = 200;
    Switchboard a(path, o);
    const Principal admin = org_admin(a);
    std::atomic<bool> release{false};
    std::atomic<int> runs{0};
    auto slow = [&](const JobRun&) {
        ++runs;
        while (!release) std::this_thread::sleep_for(5ms);
    };
    a.jobs().handle("slow", slow);
    const Job j = a.jobs().enqueue({"slow", admin.org_id, "s", "p", 0});
    REQUIRE(eventually([&] { return runs == 1; }));
    // A second process's workers (here: a second Switchboard) look for due
    // jobs for several lease lengths; the renewed lease keeps them off it.
    Switchboard b(path, o);
    b.jobs().handle("slow", slow);
    std::this_thread::sleep_for(800ms);
    CHECK(runs == 1);
    CHECK(b.jobs().get(admin, j.id).state == JobState::running);
    release = true;
    REQUIRE(a.jobs().drain(10s));
    CHECK(runs == 1);
    CHECK(a.jobs().get(admin, j.id).attempts == 1);
}

TEST_CASE("the backlog is bounded in bytes: past it, new work is refused as busy", "[jobs][budget]") {
    const auto dir = sbtest::temp_dir();
    auto o = fast_jobs(dir, 0);  // nothing runs: the backlog only grows
    o.jobs.max_backlog_bytes = 10'000;
    Switchboard sb((dir / "sb.db").string(), o);
    const Principal admin = org_admin(sb);
    int accepted = 0;
    sbtest::Thrown refusal;
    for (int i = 0; i < 100; ++i) {
        try {
            sb.jobs().enqueue({"echo", admin.org_id, "n" + std::to_string(i), std::string(1000, 'x'), 0});
            ++accepted;
        } catch (const Error& e) {
            refusal = {e.code(), e.field(), e.what()};
            break;
        }
    }
    CHECK(accepted == 9);  // 9 sealed payloads of 1040 bytes fit in 10,000
    CHECK(refusal.code == ErrorCode::busy);
    CHECK(refusal.field == "queue");
    CHECK(refusal.message.find("the backlog is full") != std::string::npos);
    CHECK(sb.jobs().counts(admin).queued == 9);  // the refused one left nothing behind
}

TEST_CASE("the backlog budget frees as jobs end, and a restart counts what waits", "[jobs][budget]") {
    const auto dir = sbtest::temp_dir();
    const auto path = (dir / "sb.db").string();
    auto o = fast_jobs(dir, 0);
    o.jobs.max_backlog_bytes = 5'000;
    std::int64_t org = 0;
    {
        Switchboard sb(path, o);
        org = org_admin(sb).org_id;
        for (int i = 0; i < 4; ++i) sb.jobs().enqueue({"echo", org, "", std::string(1000, 'x'), 0});
    }
    {
        // Reopened: the four waiting count against the budget.
        Switchboard sb(path, o);
        CHECK(sbtest::error_of([&] { sb.jobs().enqueue({"echo", org, "", std::string(1000, 'x'), 0}); }).first ==
              ErrorCode::busy);
    }
    o.jobs.workers = 1;
    Switchboard sb(path, o);
    sb.jobs().handle("echo", [](const JobRun&) {});
    REQUIRE(sb.jobs().drain(10s));
    for (int i = 0; i < 4; ++i) sb.jobs().enqueue({"echo", org, "", std::string(1000, 'x'), 0});
    REQUIRE(sb.jobs().drain(10s));
}

TEST_CASE("payloads rest sealed in the database and are cleared when done", "[jobs][secrets]") {
    const auto dir = sbtest::temp_dir();
    const auto path = (dir / "sb.db").string();
    const std::string secret = "4539 1488 0343 6467 is my card";
    std::int64_t org = 0;
    {
        Switchboard sb(path, fast_jobs(dir, 0));
        org = org_admin(sb).org_id;
        sb.jobs().enqueue({"echo", org, "s", secret, 0});
    }
    CHECK(sbtest::bytes_in(dir).find("4539 1488") == std::string::npos);
    CHECK(std::filesystem::file_size(path + ".key") == 32);
    CHECK((std::filesystem::status(path + ".key").permissions() & std::filesystem::perms::group_all) ==
          std::filesystem::perms::none);
    Switchboard sb(path, fast_jobs(dir));
    std::string got;
    sb.jobs().handle("echo", [&](const JobRun& run) { got = std::string(run.payload); });
    REQUIRE(sb.jobs().drain(10s));
    CHECK(got == secret);
}

TEST_CASE("a payload sealed under another key fails its job with the reason", "[jobs][secrets]") {
    const auto dir = sbtest::temp_dir();
    const auto path = (dir / "sb.db").string();
    std::int64_t job = 0;
    {
        Switchboard sb(path, fast_jobs(dir, 0));
        job = sb.jobs().enqueue({"echo", org_admin(sb).org_id, "s", "text", 0}).id;
    }
    std::filesystem::remove(path + ".key");  // a new key is made at the next open
    Switchboard sb(path, fast_jobs(dir));
    std::atomic<int> runs{0};
    sb.jobs().handle("echo", [&](const JobRun&) { ++runs; });
    REQUIRE(sb.jobs().drain(10s));
    const Principal admin = sb.accounts().authenticate(sb.accounts().sign_in("owner@example.org", sbtest::kPassword).token);
    const Job j = sb.jobs().get(admin, job);
    CHECK(runs == 0);
    CHECK(j.state == JobState::failed);
    CHECK(j.attempts == 1);
    CHECK(j.last_error.find("sealed with another key") != std::string::npos);
}

TEST_CASE("jobs stay queued over a stop and run after the next start", "[jobs]") {
    const auto dir = sbtest::temp_dir();
    const auto path = (dir / "sb.db").string();
    std::int64_t org = 0;
    {
        Switchboard sb(path, fast_jobs(dir, 0));
        org = org_admin(sb).org_id;
        for (int i = 0; i < 20; ++i) sb.jobs().enqueue({"echo", org, std::to_string(i), "p", 0});
        CHECK_FALSE(sb.jobs().drain(50ms));  // no worker here
    }
    Switchboard sb(path, fast_jobs(dir, 2));
    std::atomic<int> runs{0};
    sb.jobs().handle("echo", [&](const JobRun&) { ++runs; });
    REQUIRE(sb.jobs().drain(10s));
    CHECK(runs == 20);
}

TEST_CASE("every worker counts as running once start() returns, and none after stop()", "[jobs]") {
    // A health check right after a start must not see the workers as missing.
    const auto dir = sbtest::temp_dir();
    Switchboard sb((dir / "sb.db").string(), fast_jobs(dir, 4));  // started by the constructor
    for (int round = 0; round < 50; ++round) {
        sb.jobs().stop();
        CHECK(sb.jobs().status().workers_running == 0);
        sb.jobs().start();
        const auto s = sb.jobs().status();
        CHECK(s.workers == 4);
        CHECK(s.workers_running == 4);
        CHECK_FALSE(s.stopping);
    }
}

TEST_CASE("jobs are read by report readers of their own organisation", "[jobs][rules]") {
    const auto dir = sbtest::temp_dir();
    Switchboard sb((dir / "sb.db").string(), fast_jobs(dir, 0));
    const Principal admin = org_admin(sb);
    const Job j = sb.jobs().enqueue({"echo", admin.org_id, "s", "p", 0});
    // Another organisation's admin: not found, the same answer as no job.
    const Principal other = org_admin(sb, "other@example.org");
    CHECK(sbtest::error_of([&] { sb.jobs().get(other, j.id); }) == std::make_pair(ErrorCode::not_found, std::string("id")));
    CHECK(sb.jobs().list(other, {}).total == 0);
    // An agent is not a report reader; a dev token is.
    UserFields f;
    f.username = "kioko";
    f.email = "kioko@example.org";
    f.password = sbtest::kPassword;
    f.role = Role::agent;
    sb.accounts().create_user(admin, f);
    const Principal agent = sb.accounts().authenticate(sb.accounts().sign_in("kioko", sbtest::kPassword).token);
    CHECK(sbtest::error_of([&] { sb.jobs().counts(agent); }).first == ErrorCode::forbidden);
    const auto key = sb.accounts().add_dev_key(admin, "integrator");
    const Principal dev = sb.accounts().authenticate(
        sb.accounts().issue_dev_token("owner@example.org", "integrator", key.pass_key).token, TokenKind::dev);
    CHECK(sb.jobs().get(dev, j.id).subject == "s");
}

TEST_CASE("jobs options out of range are refused naming the member", "[jobs][options]") {
    JobsOptions o;
    o.workers = -1;
    CHECK_THROWS_WITH(o.validate(), "workers must be between 0 and 64");
    o = {};
    o.lease_ms = 10;
    CHECK(sbtest::error_of([&] { o.validate(); }).second == "lease_ms");
    o = {};
    o.max_backlog_bytes = 0;
    CHECK(sbtest::error_of([&] { o.validate(); }).second == "max_backlog_bytes");
    CHECK(sbtest::error_of([] { job_state_from_string("lost"); }).second == "state");
    CHECK(to_string(JobState::failed) == "failed");
}
