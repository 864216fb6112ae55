#include <atomic>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "helpers.hpp"
#include "switchboard/interactions.hpp"
#include "switchboard/text.hpp"

using namespace switchboard;

namespace {

struct Centre : sbtest::OrgDesk {
    Centre() : OrgDesk([](SwitchboardOptions& o) { o.interactions.max_text_bytes = 4096; }) {}
    PhrasePools& pools = sb->pools();
    Interactions& inter = sb->interactions();
    ActivityLog& log = sb->activity();

    Principal dev(const std::string& owner_email = "owner@example.org", const Principal* by = nullptr) {
        static int n = 0;
        const std::string name = "integrator" + std::to_string(++n);
        auto key = acc.add_dev_key(by ? *by : admin, name);
        return acc.authenticate(acc.issue_dev_token(owner_email, name, key.pass_key).token, TokenKind::dev);
    }

    void drain() { REQUIRE(sb->jobs().drain(std::chrono::seconds(30))); }

    // Activity entries of an operation, OK or KO (read through the log).
    std::int64_t activity(const std::string& endpoint, bool ok) {
        ListQuery q;
        q.filters = {{"endpoint", endpoint}, {"status", ok ? "OK" : "KO"}};
        return log.list(admin, q).total;
    }
};

using sbtest::error_of;

template <class F>
std::string message_of(F&& fn) {
    return sbtest::thrown(std::forward<F>(fn)).message;
}

std::size_t hits(const TextAnalysis& a, const std::string& pool) {
    std::size_t n = 0;
    for (const auto& h : a.findings) n += h.pool == pool;
    return n;
}

TextInteractionFields text_of(const std::string& t) {
    TextInteractionFields f;
    f.text = t;
    return f;
}

}  // namespace

TEST_CASE("an organisation starts with the default pools", "[interactions][pools]") {
    Centre c;
    auto entries = c.pools.list(c.admin);
    std::size_t expected = 0;
    for (const auto& p : default_phrase_pools()) expected += p.phrases.size() + p.regexes.size();
    REQUIRE(entries.size() == expected);
    CHECK(entries.front().pool == default_phrase_pools().front().name);
    CHECK(entries.front().built_in);
    // Supervisors and dev tokens read them; agents do not.
    CHECK(c.pools.list(c.user("sup", Role::supervisor)).size() == expected);
    CHECK(c.pools.list(c.dev()).size() == expected);
    CHECK(error_of([&] { c.pools.list(c.user("agent1", Role::agent)); }).first == ErrorCode::forbidden);
}

TEST_CASE("pools: add, remove, reset and every refusal", "[interactions][pools]") {
    Centre c;
    const auto org = c.admin.org_id;
    const std::string sample = "I will go to Zentel Mobile if this goes on, truly";
    CHECK(hits(analyze_text(sample, c.pools.analyzer(org)), "Competitor Mention") == 0);

    auto e = c.pools.add(c.admin, "competitor mention", "Zentel  Mobile");
    CHECK(e.pool == "Competitor Mention");  // the existing spelling of the pool
    CHECK(e.text == "Zentel  Mobile");
    CHECK_FALSE(e.built_in);
    auto a = analyze_text(sample, c.pools.analyzer(org));
    REQUIRE(hits(a, "Competitor Mention") == 1);

    // A new pool with a regular expression.
    c.pools.add(c.admin, "Plans", "\\bplan ?[0-9]{2}\\b", true);
    CHECK(hits(analyze_text("I am on plan 42 now", c.pools.analyzer(org)), "Plans") == 1);
    auto list = c.pools.list(c.admin);
    CHECK(list.back().pool == "Plans");
    CHECK(list.back().regex);

    // Refusals, each leaving the analyzer as it was.
    const auto bad_regex = error_of([&] { c.pools.add(c.admin, "Plans", "(unclosed", true); });
    CHECK(bad_regex == std::make_pair(ErrorCode::invalid_argument, std::string("regex")));
    CHECK(message_of([&] { c.pools.add(c.admin, "Plans", "(unclosed", true); }).find("cannot be compiled") !=
          std::string::npos);
    CHECK(error_of([&] { c.pools.add(c.admin, "Competitor Mention", "zentel mobile!"); }) ==
          std::make_pair(ErrorCode::invalid_argument, std::string("phrase")));
    CHECK(error_of([&] { c.pools.add(c.admin, "Competitor Mention", "your competitor"); }).second == "phrase");
    CHECK(error_of([&] { c.pools.add(c.admin, "Plans", std::string(300, 'a')); }).second == "phrase");
    CHECK(error_of([&] { c.pools.add(c.admin, std::string(65, 'p'), "hello there"); }).second == "pool");
    CHECK(error_of([&] { c.pools.add(c.admin, "  ", "hello there"); }).second == "pool");
    CHECK(error_of([&] { c.pools.add(c.admin, "Plans", "--- !!"); }).second == "phrase");
    CHECK(error_of([&] { c.pools.add(c.user("sup2", Role::supervisor), "Plans", "hello there"); }).first ==
          ErrorCode::forbidden);
    CHECK(error_of([&] { c.pools.add(c.dev(), "Plans", "hello there"); }).first == ErrorCode::unauthorized);
    CHECK(c.pools.list(c.admin).size() == list.size());
    a = analyze_text(sample, c.pools.analyzer(org));
    CHECK(hits(a, "Competitor Mention") == 1);
    CHECK(hits(analyze_text("I am on plan 42 now", c.pools.analyzer(org)), "Plans") == 1);

    // Removing a built-in entry and an added one.
    CHECK(hits(analyze_text("let me talk to your competitor", c.pools.analyzer(org)), "Competitor Mention") == 1);
    c.pools.remove(c.admin, "Competitor Mention", "your competitor");
    CHECK(hits(analyze_text("let me talk to your competitor", c.pools.analyzer(org)), "Competitor Mention") == 0);
    c.pools.remove(c.admin, "Competitor Mention", "Zentel  Mobile");
    CHECK(hits(analyze_text(sample, c.pools.analyzer(org)), "Competitor Mention") == 0);
    CHECK(error_of([&] { c.pools.remove(c.admin, "Competitor Mention", "Zentel  Mobile"); }).first ==
          ErrorCode::not_found);
    CHECK(error_of([&] { c.pools.remove(c.user("sup3", Role::supervisor), "Plans", "\\bplan ?[0-9]{2}\\b"); })
              .first == ErrorCode::forbidden);
    CHECK(c.pools.list(c.admin).size() == list.size() - 2);
    // Adding a removed built-in back restores it as built-in.
    CHECK(c.pools.add(c.admin, "Competitor Mention", "your competitor").built_in);

    // Another organisation is untouched by all this.
    auto other = sbtest::make_org(c.acc, "other@example.org", "Other Help");
    auto other_admin = c.acc.authenticate(other.admin.token);
    CHECK(hits(analyze_text("I am on plan 42 now", c.pools.analyzer(other_admin.org_id)), "Plans") == 0);

    c.pools.reset(c.admin);
    CHECK(hits(analyze_text("I am on plan 42 now", c.pools.analyzer(org)), "Plans") == 0);
    std::size_t expected = 0;
    for (const auto& p : default_phrase_pools()) expected += p.phrases.size() + p.regexes.size();
    CHECK(c.pools.list(c.admin).size() == expected);

    // A second PhrasePools on the same database sees the changes.
    PhrasePools again(c.db);
    c.pools.add(c.admin, "Plans", "gold plan");
    CHECK(hits(analyze_text("the gold plan", again.analyzer(org)), "Plans") == 1);
    // Every operation is in the activity log.
    CHECK(c.activity("add_phrase", false) >= 8);
    CHECK(c.activity("reset_pools", true) == 1);
}

TEST_CASE("record_text: pending, then ready with the organisation's pools", "[interactions]") {
    Centre c;
    c.pools.add(c.admin, "Products", "turbo router");
    auto dev = c.dev();
    TextInteractionFields f = text_of("My Turbo-Router keeps dropping. I will call you back by tomorrow.");
    f.department = "Support";
    f.agent_id = "A-7";
    f.client_id = "C-42";
    f.ticket_no = "TK000001";
    auto posted = c.inter.record_text(dev, f);
    CHECK(std::regex_match(posted.ricket, std::regex("^\\d{14}\\d{5}T$")));
    CHECK(posted.kind == 'T');
    CHECK(posted.text_chars == f.text.size());
    CHECK(posted.created_by == dev.username);
    c.drain();
    auto r = c.inter.report(dev, posted.ricket);
    REQUIRE(r.status == ReportStatus::ready);
    CHECK(r.ready_ms >= r.created_ms);
    CHECK(r.department == "Support");
    CHECK(r.ticket_no == "TK000001");
    REQUIRE(r.analysis);
    REQUIRE(hits(*r.analysis, "Products") == 1);
    for (const auto& h : r.analysis->findings)
        if (h.pool == "Products") {
            CHECK(h.text == "Turbo-Router");
            CHECK(h.start == 3);
            CHECK(h.end == 15);
            CHECK(h.byte_start == 3);
        }
    CHECK_FALSE(r.analysis->promises.empty());
    // The JSON form.
    const auto json = to_json(r);
    CHECK(json.find("\"status\":\"ready\"") != std::string::npos);
    CHECK(json.find("\"pool\":\"Products\"") != std::string::npos);
    CHECK(json.find("\"ricket\":\"" + posted.ricket + "\"") != std::string::npos);
    // Admins and supervisors read it; agents do not.
    CHECK(c.inter.report(c.admin, posted.ricket).status == ReportStatus::ready);
    CHECK(c.inter.report(c.user("sup", Role::supervisor), posted.ricket).analysis.has_value());
    CHECK(error_of([&] { c.inter.report(c.user("ag", Role::agent), posted.ricket); }).first == ErrorCode::forbidden);
    // Unknown and other organisation's Rickets get the same answer.
    CHECK(error_of([&] { c.inter.report(dev, "2020120211197000019T"); }) ==
          std::make_pair(ErrorCode::not_found, std::string("ricket")));
    auto other = sbtest::make_org(c.acc, "other@example.org", "Other Help");
    auto other_admin = c.acc.authenticate(other.admin.token);
    auto other_dev = c.dev("other@example.org", &other_admin);
    CHECK(error_of([&] { c.inter.report(other_dev, posted.ricket); }) ==
          std::make_pair(ErrorCode::not_found, std::string("ricket")));
    CHECK(error_of([&] { c.inter.report(other_admin, posted.ricket); }).first == ErrorCode::not_found);
}

TEST_CASE("a card number is stored only masked", "[interactions][pci]") {
    Centre c;
    auto dev = c.dev();
    const std::string card = "4539148803436467";
    auto posted = c.inter.record_text(dev, text_of("Sure, my card is 4539 1488 0343 6467 and the code is on the back."));
    c.drain();
    auto r = c.inter.report(dev, posted.ricket);
    REQUIRE(r.status == ReportStatus::ready);
    REQUIRE(r.analysis);
    CHECK(r.analysis->redacted_text.find("6467") != std::string::npos);
    CHECK(r.analysis->redacted_text.find("4539") == std::string::npos);
    REQUIRE_FALSE(r.analysis->pci.empty());
    CHECK(r.analysis->pci.front().last4 == "6467");
    CHECK(c.activity("record_text", true) == 1);
    // Nowhere on disk (the database, its write-ahead log), not even while
    // the text waited for its analysis: the job's payload is sealed.
    c.sb->events().flush();
    const std::string stored = sbtest::bytes_in(c.dir);
    CHECK(stored.find("4539 1488 0343 6467") == std::string::npos);
    CHECK(stored.find("4539 1488") == std::string::npos);
    CHECK(stored.find(card) == std::string::npos);
    CHECK(stored.find("6467") != std::string::npos);  // the redacted text is there
}

TEST_CASE("Rickets are unique under concurrent posts", "[interactions][ricket]") {
    Centre c;
    auto dev = c.dev();
    std::mutex mu;
    std::set<std::string> seen;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 50; ++i) {
                try {
                    auto r = c.inter.record_text(dev, text_of("please call me back, thread text " + std::to_string(i)));
                    std::lock_guard<std::mutex> lock(mu);
                    seen.insert(r.ricket);
                } catch (const Error&) {
                    ++failures;
                }
            }
        });
    for (auto& t : threads) t.join();
    CHECK(failures == 0);
    CHECK(seen.size() == 200);
    for (const auto& r : seen) CHECK(std::regex_match(r, std::regex("^\\d{14}\\d{5}T$")));
    c.drain();
    // Every one analysed, numbered 1 to 200 without a gap.
    std::set<int> numbers;
    for (const auto& r : seen) {
        CHECK(c.inter.report(dev, r).status == ReportStatus::ready);
        numbers.insert(std::stoi(r.substr(14, 5)));
    }
    CHECK(numbers.size() == 200);
    CHECK(*numbers.begin() == 1);
    CHECK(*numbers.rbegin() == 200);
}

TEST_CASE("record_text refuses bad input and stores nothing", "[interactions][errors]") {
    Centre c;
    auto dev = c.dev();
    CHECK(error_of([&] { c.inter.record_text(c.admin, text_of("hello")); }).first == ErrorCode::unauthorized);
    CHECK(message_of([&] { c.inter.record_text(c.admin, text_of("hello")); }) == "unauthorized");
    CHECK(error_of([&] { c.inter.record_text(dev, text_of("")); }) ==
          std::make_pair(ErrorCode::invalid_argument, std::string("text")));
    CHECK(error_of([&] { c.inter.record_text(dev, text_of(" \n\t ")); }) ==
          std::make_pair(ErrorCode::invalid_argument, std::string("text")));
    CHECK(error_of([&] { c.inter.record_text(dev, text_of(std::string(4097, 'a'))); }) ==
          std::make_pair(ErrorCode::too_large, std::string("text")));
    CHECK(error_of([&] { c.inter.record_text(dev, text_of("bad \xC3\x28 bytes")); }) ==
          std::make_pair(ErrorCode::invalid_argument, std::string("text")));
    TextInteractionFields f = text_of("fine text");
    f.department = std::string(200, 'd');
    CHECK(error_of([&] { c.inter.record_text(dev, f); }).second == "department");
    CHECK(c.activity("record_text", false) == 7);
    // No job was queued for them.
    const JobCounts jobs = c.sb->jobs().counts(c.admin);
    CHECK(jobs.queued + jobs.running + jobs.done + jobs.failed == 0);
    // Exactly at the limit is accepted, and it is the organisation's first
    // interaction: the refused ones took no number.
    auto r = c.inter.record_text(dev, text_of(std::string(4096, 'a')));
    CHECK(r.ricket.substr(14) == "00001T");
    c.drain();
    CHECK(c.inter.report(dev, r.ricket).text_chars == 4096);
    InteractionOptions none, too_many;
    none.max_text_bytes = 0;
    too_many.max_text_bytes = (16u << 20) + 1;
    CHECK_THROWS_AS(none.validate(), Error);
    CHECK_THROWS_AS(too_many.validate(), Error);
}

TEST_CASE("card numbers sent as labels are stored masked", "[interactions][pci]") {
    Centre c;
    auto dev = c.dev();
    TextInteractionFields f = text_of("Thanks, I will check it.");
    f.ticket_no = "4539 1488 0343 6467";
    f.client_id = "4000.0566.5566.5556";
    f.agent_id = "A-7";
    auto posted = c.inter.record_text(dev, f);
    CHECK(posted.ticket_no.find("4539") == std::string::npos);
    CHECK(posted.ticket_no.substr(posted.ticket_no.size() - 4) == "6467");
    CHECK(posted.client_id.find("4000") == std::string::npos);
    CHECK(posted.client_id.substr(posted.client_id.size() - 4) == "5556");
    CHECK(posted.agent_id == "A-7");  // not a card: as sent
    c.drain();
    auto r = c.inter.report(dev, posted.ricket);
    CHECK(r.ticket_no == posted.ticket_no);
    CHECK(r.client_id == posted.client_id);
    c.sb->events().flush();
    const std::string stored = sbtest::bytes_in(c.dir);
    CHECK(stored.find("4539 1488 0343 6467") == std::string::npos);
    CHECK(stored.find("4000.0566.5566.5556") == std::string::npos);
}
