#include <algorithm>
#include <array>
#include <fstream>
#include <set>
#include <iterator>
#include <thread>

#include "helpers.hpp"

using namespace switchboard;

namespace {

struct Fixture {
    std::filesystem::path dir = sbtest::temp_dir();
    Database db = Database::open((dir / "sb.db").string());
    Accounts acc{db, sbtest::fast_options()};
    ActivityLog log{db};
};

// The error code and message of what fn throws.
template <class F>
std::pair<ErrorCode, std::string> error_of(F&& fn) {
    sbtest::Thrown t = sbtest::thrown(std::forward<F>(fn));
    return {t.code, t.message};
}

UserFields agent_fields(const std::string& name) {
    UserFields f;
    f.username = name;
    f.email = name + "@example.org";
    f.first_name = "Agent";
    f.password = sbtest::kPassword;
    f.role = Role::agent;
    return f;
}

}  // namespace

TEST_CASE("sign-up validates with the seed's exact messages", "[accounts][signup]") {
    Fixture f;
    auto msg = [&](SignUp s) { return error_of([&] { f.acc.sign_up(s); }).second; };
    CHECK(msg({"Acme", "not-an-email", "+254700000001", sbtest::kPassword}) == "email isn't valid");
    CHECK(msg({"Acme", "a@b", "+254700000001", sbtest::kPassword}) == "email isn't valid");
    CHECK(msg({"Acme", "ok@example.org", "call me", sbtest::kPassword}) == "phone isn't valid");
    CHECK(msg({"Acme", "ok@example.org", "12", sbtest::kPassword}) == "phone isn't valid");
    CHECK(msg({"Acme", "ok@example.org", "+254700000001", "Short1a"}) ==
          "password is too short, minimum length is 12 characters");
    CHECK(msg({"Acme", "ok@example.org", "+254700000001", "Aa1" + std::string(126, 'x')}) ==
          "password is too long, maximum length is 128 characters");
    CHECK(msg({"Acme", "ok@example.org", "+254700000001", "alllowercase123"}) ==
          "pwd must contain at least one: 1-9, A-Z, a-z character");
    CHECK(msg({"Acme", "ok@example.org", "+254700000001", "NoDigitsAtAllHere"}) ==
          "pwd must contain at least one: 1-9, A-Z, a-z character");
    // Nothing was stored by the refused sign-ups.
    CHECK(f.acc.outbox().empty());
}

TEST_CASE("sign-up writes a verification email; the key is single use", "[accounts][signup]") {
    Fixture f;
    auto r = f.acc.sign_up({"Acme Help", "owner@example.org", "+254 700 000001", sbtest::kPassword});
    CHECK(r.organisation.company_name == "Acme Help");
    CHECK(r.admin.role == Role::admin);
    CHECK_FALSE(r.admin.email_verified);
    auto mails = f.acc.outbox("owner@example.org");
    REQUIRE(mails.size() == 1);
    CHECK(mails[0].kind == "verify");

    auto [code, message] = error_of([&] { f.acc.sign_in("owner@example.org", sbtest::kPassword); });
    CHECK(code == ErrorCode::unverified);

    const std::string key = sbtest::secret_from_outbox(f.acc, "owner@example.org", "Verification key: ");
    CHECK(key.size() == 32);
    CHECK_FALSE(f.acc.verify_email("not-the-key"));
    CHECK(f.acc.verify_email(key));
    CHECK_FALSE(f.acc.verify_email(key));  // single use
    auto s = f.acc.sign_in("owner@example.org", sbtest::kPassword);
    CHECK(s.token.size() == 32);
    CHECK(s.principal.role == Role::admin);
    // The same email cannot sign up twice.
    CHECK(error_of([&] { f.acc.sign_up({"Other", "owner@example.org", "+254700000009", sbtest::kPassword}); }).first ==
          ErrorCode::already_exists);
}

TEST_CASE("the mail sender marks an email sent, which clears its key", "[accounts][outbox]") {
    Fixture f;
    f.acc.sign_up({"Acme Help", "owner@example.org", "+254 700 000001", sbtest::kPassword});
    f.acc.sign_up({"Beta Help", "other@example.org", "+254 700 000002", sbtest::kPassword});
    auto mails = f.acc.outbox();
    REQUIRE(mails.size() == 2);
    CHECK(mails[0].sent_ms == 0);
    CHECK(mails[0].body.find("Verification key: ") != std::string::npos);
    const std::string key = sbtest::secret_from_outbox(f.acc, "owner@example.org", "Verification key: ");

    const OutboxEmail sent = f.acc.mark_outbox_sent(mails[0].id);
    CHECK(sent.id == mails[0].id);
    CHECK(sent.to == "owner@example.org");
    CHECK(sent.subject == mails[0].subject);
    CHECK(sent.body.empty());
    CHECK(sent.sent_ms >= mails[0].created_ms);
    // Stored so, and the other email is untouched.
    auto after = f.acc.outbox();
    REQUIRE(after.size() == 2);
    CHECK(after[0].body.empty());
    CHECK(after[0].sent_ms == sent.sent_ms);
    CHECK(after[1].sent_ms == 0);
    CHECK(after[1].body == mails[1].body);
    // A second receipt answers the email as the first left it.
    const OutboxEmail again = f.acc.mark_outbox_sent(mails[0].id);
    CHECK(again.sent_ms == sent.sent_ms);
    CHECK(again.body.empty());
    // The key still works: only the stored copy of it is gone.
    CHECK(f.acc.verify_email(key));

    auto [missing, missing_message] = error_of([&] { f.acc.mark_outbox_sent(999999); });
    CHECK(missing == ErrorCode::not_found);
    CHECK(missing_message == "the outbox holds no email 999999");
    CHECK(error_of([&] { f.acc.mark_outbox_sent(0); }).first == ErrorCode::invalid_argument);
    CHECK(error_of([&] { f.acc.mark_outbox_sent(-4); }).first == ErrorCode::invalid_argument);
}

TEST_CASE("verification keys expire", "[accounts][signup]") {
    auto opts = sbtest::fast_options();
    opts.verification_ttl_ms = 1;
    auto dir = sbtest::temp_dir();
    auto db = Database::open((dir / "sb.db").string());
    Accounts acc(db, opts);
    acc.sign_up({"Acme", "late@example.org", "+254700000001", sbtest::kPassword});
    const std::string key = sbtest::secret_from_outbox(acc, "late@example.org", "Verification key: ");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CHECK_FALSE(acc.verify_email(key));
}

TEST_CASE("sign-in answers the same for a wrong email and a wrong password", "[accounts][signin]") {
    Fixture f;
    auto org = sbtest::make_org(f.acc, "owner@example.org");
    auto a = error_of([&] { f.acc.sign_in("nobody@example.org", sbtest::kPassword); });
    auto b = error_of([&] { f.acc.sign_in("owner@example.org", "Wrong-Password-1"); });
    CHECK(a.first == ErrorCode::credentials);
    CHECK(a == b);
    CHECK(a.second == "credentials didn't match");
    // The username works as well as the email.
    auto s = f.acc.sign_in(org.created.admin.username, sbtest::kPassword);
    CHECK(s.principal.user_id == org.created.admin.id);
}

TEST_CASE("repeated failed sign-ins lock the account for a while", "[accounts][signin][security]") {
    auto opts = sbtest::fast_options();
    opts.max_failed_sign_ins = 3;
    opts.lockout_ms = 300;
    auto dir = sbtest::temp_dir();
    auto db = Database::open((dir / "sb.db").string());
    Accounts acc(db, opts);
    sbtest::make_org(acc, "owner@example.org");
    for (int i = 0; i < 3; ++i)
        CHECK(error_of([&] { acc.sign_in("owner@example.org", "Wrong-Password-1"); }).first == ErrorCode::credentials);
    // Locked: even the right password is refused, with the same answer.
    CHECK(error_of([&] { acc.sign_in("owner@example.org", sbtest::kPassword); }).second == "credentials didn't match");
    std::this_thread::sleep_for(std::chrono::milliseconds(350));
    CHECK(acc.sign_in("owner@example.org", sbtest::kPassword).token.size() == 32);
}

TEST_CASE("tokens: sign-out, idle and absolute expiry, kinds", "[accounts][sessions]") {
    auto opts = sbtest::fast_options();
    opts.session_idle_ms = 200;
    auto dir = sbtest::temp_dir();
    auto db = Database::open((dir / "sb.db").string());
    Accounts acc(db, opts);
    auto org = sbtest::make_org(acc, "owner@example.org");
    auto who = acc.authenticate(org.admin.token);
    CHECK(who.org_id == org.created.organisation.id);
    CHECK(error_of([&] { acc.authenticate(org.admin.token, TokenKind::dev); }).first == ErrorCode::unauthorized);
    CHECK(error_of([&] { acc.authenticate("x"); }).first == ErrorCode::unauthorized);
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    CHECK(error_of([&] { acc.authenticate(org.admin.token); }).first == ErrorCode::unauthorized);

    auto s = acc.sign_in("owner@example.org", sbtest::kPassword);
    acc.sign_out(s.token);
    CHECK(error_of([&] { acc.authenticate(s.token); }).first == ErrorCode::unauthorized);
}

// A session's row is kept in memory after a token is checked (no query per
// request). What this process changes is seen at once; what another handle
// (another process, the CLI) changes is seen within a second.
TEST_CASE("kept session rows follow every change", "[accounts][sessions]") {
    auto dir = sbtest::temp_dir();
    auto db = Database::open((dir / "sb.db").string());
    Accounts acc(db, sbtest::fast_options());
    auto org = sbtest::make_org(acc, "owner@example.org");
    auto admin = acc.authenticate(org.admin.token);
    acc.create_user(admin, agent_fields("wanjiru"));
    auto agent_session = acc.sign_in("wanjiru", sbtest::kPassword);
    const auto agent_id = acc.authenticate(agent_session.token).user_id;
    CHECK(acc.authenticate(agent_session.token).role == Role::agent);

    // A role change made here: the next check sees it.
    UserFields promote;
    promote.role = Role::supervisor;
    acc.update_user(admin, agent_id, promote);
    CHECK(error_of([&] { acc.authenticate(agent_session.token); }).first == ErrorCode::unauthorized);
    agent_session = acc.sign_in("wanjiru", sbtest::kPassword);
    CHECK(acc.authenticate(agent_session.token).role == Role::supervisor);

    // A sign-out through another handle on the same file, as the CLI would.
    {
        auto other_db = Database::open((dir / "sb.db").string());
        Accounts other(other_db, sbtest::fast_options());
        other.sign_out(agent_session.token);
        CHECK(error_of([&] { other.authenticate(agent_session.token); }).first == ErrorCode::unauthorized);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    CHECK(error_of([&] { acc.authenticate(agent_session.token); }).first == ErrorCode::unauthorized);

    // A dev key switched off here ends its tokens at once.
    auto key = acc.add_dev_key(admin, "crm");
    auto dev = acc.issue_dev_token("owner@example.org", "crm", key.pass_key);
    CHECK(acc.authenticate(dev.token, TokenKind::dev).kind == TokenKind::dev);
    acc.set_dev_key_active(admin, "crm", false);
    CHECK(error_of([&] { acc.authenticate(dev.token, TokenKind::dev); }).first == ErrorCode::unauthorized);
}

TEST_CASE("admins manage users; other roles cannot", "[accounts][users]") {
    Fixture f;
    auto org = sbtest::make_org(f.acc, "owner@example.org");
    auto admin = f.acc.authenticate(org.admin.token);

    auto created = f.acc.create_user(admin, agent_fields("kioko"));
    CHECK(created.user.role == Role::agent);
    CHECK_FALSE(created.temporary_password);
    CHECK(error_of([&] { f.acc.create_user(admin, agent_fields("kioko")); }).first == ErrorCode::already_exists);

    auto agent_session = f.acc.sign_in("kioko", sbtest::kPassword);
    auto agent = f.acc.authenticate(agent_session.token);
    CHECK(error_of([&] { f.acc.create_user(agent, agent_fields("other")); }).first == ErrorCode::forbidden);
    CHECK(error_of([&] { f.acc.list_users(agent, {}); }).first == ErrorCode::forbidden);
    CHECK(error_of([&] { f.acc.get_user(agent, org.created.admin.id); }).first == ErrorCode::forbidden);
    CHECK(f.acc.get_user(agent, created.user.id).username == "kioko");  // oneself
    UserFields promote;
    promote.role = Role::admin;
    CHECK(error_of([&] { f.acc.update_user(agent, created.user.id, promote); }).first == ErrorCode::forbidden);

    UserFields edit;
    edit.phone = "+254 711 222333";
    edit.extension = "8123";
    auto edited = f.acc.update_user(admin, created.user.id, edit);
    CHECK(edited.phone == "+254 711 222333");
    CHECK(edited.extension == "8123");
    CHECK(edited.first_name == "Agent");

    // Deactivation ends the user's sessions at once.
    f.acc.deactivate_user(admin, created.user.id);
    CHECK(error_of([&] { f.acc.authenticate(agent_session.token); }).first == ErrorCode::unauthorized);
    CHECK(error_of([&] { f.acc.sign_in("kioko", sbtest::kPassword); }).first == ErrorCode::credentials);
    CHECK_FALSE(f.acc.get_user(admin, created.user.id).active);
    // An admin cannot lock themselves out.
    CHECK(error_of([&] { f.acc.deactivate_user(admin, org.created.admin.id); }).first == ErrorCode::invalid_argument);
}

TEST_CASE("user lists filter, page and count", "[accounts][users][list]") {
    Fixture f;
    auto org = sbtest::make_org(f.acc, "owner@example.org");
    auto admin = f.acc.authenticate(org.admin.token);
    for (int i = 0; i < 12; ++i) {
        auto fields = agent_fields("agent" + std::to_string(i));
        if (i % 3 == 0) fields.role = Role::supervisor;
        f.acc.create_user(admin, fields);
    }
    ListQuery q;
    q.filters = {{"role", "supervisor"}};
    auto sup = f.acc.list_users(admin, q);
    CHECK(sup.total == 4);
    CHECK(sup.items.size() == 4);
    CHECK(sup.items.front().username == "agent9");  // newest first

    ListQuery page;
    page.count = 5;
    page.offset = 10;
    auto p = f.acc.list_users(admin, page);
    CHECK(p.total == 13);
    REQUIRE(p.items.size() == 3);
    CHECK(p.items.back().id == org.created.admin.id);

    ListQuery by_name;
    by_name.filters = {{"username", "agent4"}};
    CHECK(f.acc.list_users(admin, by_name).items.at(0).email == "agent4@example.org");

    ListQuery unknown;
    unknown.filters = {{"password_hash", "x"}};
    try {
        f.acc.list_users(admin, unknown);
        FAIL("accepted an unknown filter");
    } catch (const Error& e) {
        CHECK(e.field() == "password_hash");
    }
    ListQuery too_many;
    too_many.count = 100000;
    CHECK(error_of([&] { f.acc.list_users(admin, too_many); }).first == ErrorCode::invalid_argument);
    ListQuery range;
    range.filters = {{"created_on", "2000-01-01 to 2999-12-31"}};
    CHECK(f.acc.list_users(admin, range).total == 13);
    range.filters = {{"created_on", "2000-01-01 to 2000-12-31"}};
    CHECK(f.acc.list_users(admin, range).total == 0);
}

TEST_CASE("nothing crosses organisations", "[accounts][security]") {
    Fixture f;
    auto a = sbtest::make_org(f.acc, "a@example.org", "Org A");
    auto b = sbtest::make_org(f.acc, "b@example.org", "Org B");
    auto admin_a = f.acc.authenticate(a.admin.token);
    auto admin_b = f.acc.authenticate(b.admin.token);
    auto user_b = f.acc.create_user(admin_b, agent_fields("bee")).user;
    CHECK(error_of([&] { f.acc.get_user(admin_a, user_b.id); }).first == ErrorCode::not_found);
    CHECK(error_of([&] { f.acc.update_user(admin_a, user_b.id, agent_fields("x")); }).first == ErrorCode::not_found);
    CHECK(error_of([&] { f.acc.admin_reset_password(admin_a, user_b.id); }).first == ErrorCode::not_found);
    CHECK(f.acc.list_users(admin_a, {}).total == 1);
    CHECK(f.acc.get_organisation(admin_a).company_name == "Org A");
    // Usernames are unique per organisation only.
    CHECK(f.acc.create_user(admin_a, [] {
        auto fields = agent_fields("bee");
        fields.email = "bee-a@example.org";
        return fields;
    }()).user.org_id == a.created.organisation.id);
}

TEST_CASE("passwords: reset by code, change, admin reset", "[accounts][passwords]") {
    Fixture f;
    auto org = sbtest::make_org(f.acc, "owner@example.org");
    auto admin = f.acc.authenticate(org.admin.token);
    f.acc.create_user(admin, agent_fields("wanjiru"));

    SECTION("reset by a one-time code") {
        f.acc.request_password_reset("nobody@example.org");  // silent
        f.acc.request_password_reset("wanjiru@example.org");
        auto old_session = f.acc.sign_in("wanjiru", sbtest::kPassword);
        const std::string code = sbtest::secret_from_outbox(f.acc, "wanjiru@example.org", "Your one-time code: ");
        CHECK(code.size() == 6);
        CHECK(error_of([&] { f.acc.reset_password("wanjiru@example.org", "000000x", "New-Password-42"); }).first ==
              ErrorCode::credentials);
        f.acc.reset_password("wanjiru@example.org", code, "New-Password-42");
        CHECK(error_of([&] { f.acc.authenticate(old_session.token); }).first == ErrorCode::unauthorized);
        CHECK(error_of([&] { f.acc.reset_password("wanjiru@example.org", code, "Other-Password-42"); }).first ==
              ErrorCode::credentials);  // single use
        CHECK(f.acc.sign_in("wanjiru", "New-Password-42").token.size() == 32);
    }
    SECTION("a code stops working after too many wrong tries") {
        f.acc.request_password_reset("wanjiru@example.org");
        const std::string code = sbtest::secret_from_outbox(f.acc, "wanjiru@example.org", "Your one-time code: ");
        for (int i = 0; i < 5; ++i) CHECK_THROWS(f.acc.reset_password("wanjiru@example.org", "999999", "New-Password-42"));
        CHECK(error_of([&] { f.acc.reset_password("wanjiru@example.org", code, "New-Password-42"); }).first ==
              ErrorCode::credentials);
    }
    SECTION("change of one's own password ends every session") {
        auto s1 = f.acc.sign_in("wanjiru", sbtest::kPassword);
        auto s2 = f.acc.sign_in("wanjiru", sbtest::kPassword);
        auto who = f.acc.authenticate(s1.token);
        CHECK(error_of([&] { f.acc.change_password(who, "Wrong-Password-1", "New-Password-42"); }).second ==
              "password didn't match, please try again");
        CHECK(error_of([&] { f.acc.change_password(who, sbtest::kPassword, "short"); }).second ==
              "password is too short, minimum length is 12 characters");
        f.acc.change_password(who, sbtest::kPassword, "New-Password-42");
        CHECK(error_of([&] { f.acc.authenticate(s2.token); }).first == ErrorCode::unauthorized);
        CHECK(f.acc.sign_in("wanjiru", "New-Password-42").token.size() == 32);
    }
    SECTION("admin reset issues a temporary password that must be changed") {
        auto agent_id = f.acc.list_users(admin, {}).items.front().id;
        const auto reset = f.acc.admin_reset_password(admin, agent_id);
        const std::string& temporary = reset.temporary_password;
        CHECK(reset.user.id == agent_id);
        CHECK(reset.user.must_change_password);
        CHECK(temporary.size() == 20);
        CHECK_NOTHROW(Accounts::check_password_policy(temporary));
        auto s = f.acc.sign_in("wanjiru", temporary);
        CHECK(s.principal.must_change_password);
        auto who = f.acc.authenticate(s.token);
        CHECK(error_of([&] { f.acc.get_user(who, agent_id); }).first == ErrorCode::password_change_required);
        f.acc.change_password(who, temporary, "Chosen-Password-7");
        auto fresh = f.acc.authenticate(f.acc.sign_in("wanjiru", "Chosen-Password-7").token);
        CHECK_FALSE(fresh.must_change_password);
        CHECK(f.acc.get_user(fresh, agent_id).username == "wanjiru");
    }
    SECTION("a user created without a password gets a temporary one") {
        UserFields fields = agent_fields("nopass");
        fields.password.reset();
        auto created = f.acc.create_user(admin, fields);
        REQUIRE(created.temporary_password);
        CHECK(created.user.must_change_password);
        CHECK(f.acc.sign_in("nopass", *created.temporary_password).principal.must_change_password);
    }
}

TEST_CASE("customers register themselves with an organisation", "[accounts][users]") {
    Fixture f;
    auto org = sbtest::make_org(f.acc, "owner@example.org");
    Registration r;
    r.org_id = org.created.organisation.id;
    r.email = "surya@example.org";
    r.password = sbtest::kPassword;
    r.password_confirm = "Something-Else-1";
    r.first_name = "Surya";
    CHECK(error_of([&] { f.acc.register_customer(r); }).second == "passwords don't match");
    r.password_confirm = r.password;
    r.org_id = 9999;
    CHECK(error_of([&] { f.acc.register_customer(r); }).first == ErrorCode::not_found);
    r.org_id = org.created.organisation.id;
    auto u = f.acc.register_customer(r);
    CHECK(u.role == Role::customer);
    CHECK(u.username == "surya");
    const std::string key = sbtest::secret_from_outbox(f.acc, "surya@example.org", "Verification key: ");
    CHECK(f.acc.verify_email(key));
    auto who = f.acc.authenticate(f.acc.sign_in("surya@example.org", sbtest::kPassword).token);
    CHECK(who.role == Role::customer);
    CHECK(error_of([&] { f.acc.list_users(who, {}); }).first == ErrorCode::forbidden);
}

TEST_CASE("settings: defaults, changes all or nothing", "[accounts][settings]") {
    Fixture f;
    auto org = sbtest::make_org(f.acc, "owner@example.org");
    auto admin = f.acc.authenticate(org.admin.token);
    auto o = f.acc.get_organisation(admin);
    CHECK(o.standards.silence_len_ms == 500);
    CHECK(o.standards.interruption_len_ms == 750);
    CHECK(o.standards.list_by == ListBy::ticket_no);
    CHECK(o.constraints.min_call_len_s < o.constraints.max_call_len_s);

    SettingsPatch p;
    p.company_name = "Acme Helpline";
    p.silence_len_ms = 800;
    p.list_by = "ClientId";
    p.expected_tickets_daily = 70;
    auto changed = f.acc.modify_settings(admin, p);
    CHECK(changed.company_name == "Acme Helpline");
    CHECK(changed.standards.silence_len_ms == 800);
    CHECK(changed.standards.list_by == ListBy::client_id);
    CHECK(changed.constraints.expected_tickets_daily == 70);

    SettingsPatch bad;
    bad.company_name = "Should Not Stick";
    bad.min_call_len_s = 5000;
    bad.max_call_len_s = 100;
    CHECK(error_of([&] { f.acc.modify_settings(admin, bad); }).first == ErrorCode::invalid_argument);
    SettingsPatch bad_pw;
    bad_pw.company_name = "Should Not Stick";
    bad_pw.password = "New-Password-42";
    bad_pw.current_password = "Wrong-Password-1";
    CHECK(error_of([&] { f.acc.modify_settings(admin, bad_pw); }).second == "password didn't match, please try again");
    CHECK(f.acc.get_organisation(admin).company_name == "Acme Helpline");

    SettingsPatch pw;
    pw.password = "New-Password-42";
    pw.current_password = sbtest::kPassword;
    f.acc.modify_settings(admin, pw);
    CHECK(error_of([&] { f.acc.authenticate(org.admin.token); }).first == ErrorCode::unauthorized);
    CHECK(f.acc.sign_in("owner@example.org", "New-Password-42").token.size() == 32);
}

TEST_CASE("the platform operator sees organisations, never their records", "[accounts][operator]") {
    Fixture f;
    auto a = sbtest::make_org(f.acc, "a@example.org", "Alpha Care");
    sbtest::make_org(f.acc, "b@example.org", "Beta Line");
    f.acc.create_operator("root", "ops@example.org", sbtest::kPassword);
    CHECK(error_of([&] { f.acc.create_operator("root", "ops2@example.org", sbtest::kPassword); }).first ==
          ErrorCode::already_exists);
    auto op = f.acc.authenticate(f.acc.sign_in("ops@example.org", sbtest::kPassword).token);
    CHECK(op.role == Role::platform_operator);
    CHECK(op.org_id == 0);
    CHECK(f.acc.list_organisations(op, {}).total == 2);
    ListQuery q;
    q.search = "beta";
    auto found = f.acc.list_organisations(op, q);
    REQUIRE(found.total == 1);
    CHECK(found.items[0].company_name == "Beta Line");
    SettingsPatch p;
    p.interruption_len_ms = 900;
    CHECK(f.acc.modify_organisation(op, a.created.organisation.id, p).standards.interruption_len_ms == 900);
    CHECK(f.acc.get_organisation(op, a.created.organisation.id).standards.interruption_len_ms == 900);
    CHECK(error_of([&] { f.acc.list_users(op, {}); }).first == ErrorCode::forbidden);
    CHECK(error_of([&] { f.acc.get_user(op, a.created.admin.id); }).first == ErrorCode::forbidden);
    auto admin = f.acc.authenticate(a.admin.token);
    CHECK(error_of([&] { f.acc.list_organisations(admin, {}); }).first == ErrorCode::forbidden);
}

TEST_CASE("developer keys and dev tokens", "[accounts][devkeys]") {
    Fixture f;
    auto org = sbtest::make_org(f.acc, "owner@example.org");
    auto admin = f.acc.authenticate(org.admin.token);
    CHECK(error_of([&] { f.acc.add_dev_key(admin, "bad name!"); }).second == "username isn't valid");
    auto key = f.acc.add_dev_key(admin, "integrator");
    CHECK(key.pass_key.size() == 32);
    CHECK(key.key.pass_key_hint == "..." + key.pass_key.substr(28));
    auto keys = f.acc.list_dev_keys(admin);
    REQUIRE(keys.size() == 1);
    CHECK(keys[0].active);

    auto dev = f.acc.issue_dev_token("owner@example.org", "integrator", key.pass_key);
    CHECK(dev.token.size() == 32);
    auto who = f.acc.authenticate(dev.token, TokenKind::dev);
    CHECK(who.kind == TokenKind::dev);
    CHECK(who.org_id == org.created.organisation.id);
    // A dev token opens no dashboard operation, and an access token is not a dev token.
    CHECK(error_of([&] { f.acc.authenticate(dev.token); }).first == ErrorCode::unauthorized);
    CHECK(error_of([&] { f.acc.get_organisation(who); }).first == ErrorCode::unauthorized);
    CHECK(error_of([&] { f.acc.issue_dev_token("owner@example.org", "integrator", std::string(32, 'x')); }).second ==
          "credentials didn't match");

    f.acc.set_dev_key_active(admin, "integrator", false);
    CHECK(error_of([&] { f.acc.authenticate(dev.token, TokenKind::dev); }).first == ErrorCode::unauthorized);
    CHECK(error_of([&] { f.acc.issue_dev_token("owner@example.org", "integrator", key.pass_key); }).first ==
          ErrorCode::credentials);
    f.acc.set_dev_key_active(admin, "integrator", true);
    CHECK(f.acc.issue_dev_token("owner@example.org", "integrator", key.pass_key).token.size() == 32);
    CHECK(error_of([&] { f.acc.set_dev_key_active(admin, "ghost", true); }).second == "username isn't found");
    f.acc.delete_dev_key(admin, "integrator");
    CHECK(error_of([&] { f.acc.delete_dev_key(admin, "integrator"); }).second == "username isn't found");
    CHECK(f.acc.list_dev_keys(admin).empty());
}

TEST_CASE("every authenticated call is in the activity log", "[accounts][activity]") {
    Fixture f;
    auto org = sbtest::make_org(f.acc, "owner@example.org");
    auto admin = f.acc.authenticate(org.admin.token);
    admin.endpoint = "POST /eproc/users";
    f.acc.create_user(admin, agent_fields("logged"));
    CHECK_THROWS(f.acc.create_user(admin, agent_fields("logged")));
    auto plain = f.acc.authenticate(org.admin.token);
    f.acc.list_users(plain, {});
    f.log.record(plain, "GET /custom", false, "refused before the core");

    auto page = f.log.list(plain, {});
    REQUIRE(page.total == 5);  // the admin's sign-in (make_org) comes first
    CHECK(page.items[0].endpoint == "GET /custom");
    CHECK_FALSE(page.items[0].ok);
    CHECK(page.items[1].endpoint == "list_users");
    CHECK(page.items[2].endpoint == "POST /eproc/users");
    CHECK_FALSE(page.items[2].ok);
    CHECK(page.items[2].summary.find("already taken") != std::string::npos);
    CHECK(page.items[3].ok);
    CHECK(page.items[4].endpoint == "sign_in");
    CHECK(page.items[4].summary == "signed in");

    ListQuery ko;
    ko.filters = {{"status", "KO"}};
    CHECK(f.log.list(plain, ko).total == 2);
    ListQuery ep;
    ep.filters = {{"endpoint", "POST /eproc/*"}};
    CHECK(f.log.list(plain, ep).total == 2);
    // The log holds no secrets.
    for (const auto& e : f.log.list(plain, {}).items) CHECK(e.summary.find(sbtest::kPassword) == std::string::npos);

    auto agent = f.acc.authenticate(f.acc.sign_in("logged", sbtest::kPassword).token);
    CHECK_THROWS_AS(f.log.list(agent, {}), Error);

    // Failed sign-ins of the organisation's accounts are there for the admin to see.
    CHECK_THROWS(f.acc.sign_in("logged", "Wrong-Password-1", "POST /signIn"));
    ListQuery failed;
    failed.filters = {{"endpoint", "POST /signIn"}, {"status", "KO"}};
    auto attempts = f.log.list(plain, failed);
    REQUIRE(attempts.total == 1);
    CHECK(attempts.items[0].actor == "logged");
    CHECK(attempts.items[0].summary == "sign-in failed: wrong password");
}

TEST_CASE("no password or token is stored in plain text", "[accounts][security]") {
    Fixture f;
    auto org = sbtest::make_org(f.acc, "owner@example.org");
    auto admin = f.acc.authenticate(org.admin.token);
    auto key = f.acc.add_dev_key(admin, "integrator");
    auto dev = f.acc.issue_dev_token("owner@example.org", "integrator", key.pass_key);
    std::string bytes;
    for (const char* suffix : {"", "-wal"}) {
        std::ifstream in((f.dir / "sb.db").string() + suffix, std::ios::binary);
        bytes.append(std::istreambuf_iterator<char>(in), {});
    }
    REQUIRE(bytes.size() > 4096);
    CHECK(bytes.find(sbtest::kPassword) == std::string::npos);
    CHECK(bytes.find(org.admin.token) == std::string::npos);
    CHECK(bytes.find(key.pass_key) == std::string::npos);
    CHECK(bytes.find(dev.token) == std::string::npos);
}

TEST_CASE("options out of range are refused with their name", "[accounts][options]") {
    auto dir = sbtest::temp_dir();
    auto db = Database::open((dir / "sb.db").string());
    auto opts = sbtest::fast_options();
    opts.list_limits.max_count = 10;
    opts.list_limits.default_count = 50;
    try {
        Accounts acc(db, opts);
        FAIL("accepted a default page size over the maximum");
    } catch (const Error& e) {
        CHECK(e.field() == "list_max_count");
    }
    opts = sbtest::fast_options();
    opts.session_idle_ms = 0;
    CHECK_THROWS_AS(Accounts(db, opts), Error);
    DatabaseOptions dbo;
    dbo.reader_connections = 0;
    try {
        Database::open((dir / "other.db").string(), dbo);
        FAIL("accepted 0 reader connections");
    } catch (const Error& e) {
        CHECK(e.field() == "reader_connections");
    }
}

TEST_CASE("the one password generator meets the policy, with its letters anywhere", "[accounts][passwords]") {
    std::set<std::string> seen;
    std::array<int, 20> digit_at{};
    for (int i = 0; i < 2000; ++i) {
        const std::string p = generate_password();
        REQUIRE(p.size() == 20);
        Accounts::check_password_policy(p);
        CHECK(std::any_of(p.begin(), p.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }));
        CHECK(std::any_of(p.begin(), p.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; }));
        CHECK(std::any_of(p.begin(), p.end(), [](char ch) { return ch >= '0' && ch <= '9'; }));
        for (std::size_t k = 0; k < p.size(); ++k)
            if (p[k] >= '0' && p[k] <= '9') ++digit_at[k];
        seen.insert(p);
    }
    CHECK(seen.size() == 2000);
    // No place is reserved for the guaranteed digit (it once always came last).
    for (int n : digit_at) CHECK(n > 100);
}
