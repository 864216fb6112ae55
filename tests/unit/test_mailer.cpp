// The mailer: the product's mails delivered over SMTP on durable jobs, to a
// real server the test starts on loopback (tests/common/smtp_sink.py), and
// what a person does with them (open the link, type the code).
#include <regex>

#include "helpers.hpp"
#include "smtp_server.hpp"
#include "switchboard/mailer.hpp"

using namespace switchboard;
using sbtest::SmtpServer;
using sbtest::eventually;

namespace {

void quick_retries(SwitchboardOptions& o) {
    o.jobs.retry_backoff_ms = 50;
    o.jobs.max_backoff_ms = 200;
    o.jobs.poll_ms = 20;
    o.mail.poll_ms = 20;
}


std::string first_match(const std::string& text, const std::string& pattern) {
    std::smatch m;
    REQUIRE(std::regex_search(text, m, std::regex(pattern)));
    return m[1];
}

std::string header(const std::string& mail, const std::string& name) {
    return first_match(mail, "(?:^|\r\n)" + name + ": ([^\r\n]*)");
}


OutboxEmail latest_to(Accounts& acc, const std::string& to) {
    auto mails = acc.outbox(to);
    REQUIRE_FALSE(mails.empty());
    return mails.back();
}

}  // namespace

TEST_CASE("a sign-up's link and a reset's code arrive by mail, and work when used", "[mailer][smtp]") {
    SmtpServer server;
    const auto dir = sbtest::temp_dir();
    auto o = sbtest::desk_options(dir);
    o.mail.smtp = sbtest::plain_smtp(server.url());
    o.mail.from = "Helpline <no-reply@help.example>";
    o.accounts.public_url = "https://help.example";
    Switchboard sb((dir / "sb.db").string(), o);
    auto& acc = sb.accounts();

    acc.sign_up({"Amani Helpline", "founder@amani.example", "+254 700 000002", sbtest::kPassword, false});
    auto mails = server.wait_for(1);
    REQUIRE(mails.size() == 1);
    const std::string& verify = mails[0];
    CHECK(header(verify, "Subject") == "Verify your email address");
    CHECK(header(verify, "From") == "\"Helpline\" <no-reply@help.example>");
    CHECK(header(verify, "X-RcptTo") == "founder@amani.example");
    CHECK(verify.find("Welcome to Amani Helpline.") != std::string::npos);
    CHECK(verify.find("multipart/alternative") != std::string::npos);  // the default template has HTML
    const std::string key = first_match(verify, "https://help\\.example/verify/([A-Za-z0-9_-]+)");

    // The row says it went, with the server's reply, and no longer holds the key.
    REQUIRE(eventually([&] { return latest_to(acc, "founder@amani.example").status == "sent"; }));
    const OutboxEmail row = latest_to(acc, "founder@amani.example");
    CHECK(row.reply.rfind("250 ", 0) == 0);
    CHECK(row.attempts == 1);
    CHECK(row.body.empty());
    CHECK(row.sent_ms > 0);
    CHECK(row.message_id == header(verify, "Message-ID"));
    CHECK(row.message_id.find("@help.example>") != std::string::npos);

    // The person opens the link: their address is verified and they sign in.
    CHECK(acc.verify_email(key));
    const Session s = acc.sign_in("founder@amani.example", sbtest::kPassword);
    CHECK_FALSE(s.token.empty());

    // A password reset: the code typed from the mail changes the password.
    acc.request_password_reset("founder@amani.example");
    mails = server.wait_for(2);
    REQUIRE(mails.size() == 2);
    CHECK(header(mails[1], "Subject") == "Your password reset code");
    CHECK(mails[1].find("your Amani Helpline account") != std::string::npos);
    const std::string code = first_match(mails[1], "Your one-time code: ([0-9]{6})");
    acc.reset_password("founder@amani.example", code, "Another-Horse-7-Staple");
    CHECK_FALSE(acc.sign_in("founder@amani.example", "Another-Horse-7-Staple").token.empty());
    CHECK(sbtest::thrown([&] { acc.sign_in("founder@amani.example", sbtest::kPassword); }).code ==
          ErrorCode::credentials);

    // Each mail had one job, done.
    CHECK(sb.jobs().database_counts().done == 2);
    CHECK(sb.jobs().database_counts().failed == 0);
}

TEST_CASE("an organisation's template writes its mails; a wrong template is refused naming the field",
          "[mailer][smtp]") {
    SmtpServer server;
    sbtest::OrgDesk desk([&](SwitchboardOptions& o) { o.mail.smtp = sbtest::plain_smtp(server.url()); });
    auto& mail = desk.sb->mail();

    auto list = mail.templates(desk.admin);
    REQUIRE(list.size() == 6);
    CHECK(list[0].kind == "verify");
    for (const auto& t : list) CHECK(t.is_default);

    MailTemplate t;
    t.kind = "reset";
    t.subject = "{{organisation}}: your code";
    t.text = "Code {{code}}, valid {{minutes}} min.";
    t.html = "<p>Code <b>{{code}}</b> for {{organisation}}</p>";
    const MailTemplate saved = mail.set_template(desk.admin, t);
    CHECK_FALSE(saved.is_default);
    CHECK(saved.updated_ms > 0);

    desk.acc.request_password_reset("owner@example.org");
    auto mails = server.wait_for(1);
    REQUIRE(mails.size() == 1);
    CHECK(header(mails[0], "Subject") == "Acme Help: your code");
    const std::string code = first_match(mails[0], "Code ([0-9]{6}), valid 15 min\\.");
    CHECK(mails[0].find("<p>Code <b>" + code + "</b> for Acme Help</p>") != std::string::npos);
    // The outbox's own copy is written from the library's template.
    CHECK(desk.acc.outbox("owner@example.org").back().subject == "Your password reset code");

    auto field_of = [&](MailTemplate bad) { return sbtest::thrown([&] { mail.set_template(desk.admin, bad); }).field; };
    MailTemplate bad = t;
    bad.kind = "birthday";
    CHECK(field_of(bad) == "kind");
    bad = t;
    bad.text = "Open {{link}}";  // a verify placeholder, not a reset one
    CHECK(field_of(bad) == "text");
    bad = t;
    bad.subject.clear();
    CHECK(field_of(bad) == "subject");
    bad = t;
    bad.html = "<p>{{code</p>";
    CHECK(field_of(bad) == "html");
    bad = t;
    bad.enabled = false;
    CHECK(field_of(bad) == "enabled");
    bad = t;
    bad.subject = "Code\r\nBcc: x@example.org";
    CHECK(field_of(bad) == "subject");
    CHECK(mail.templates(desk.admin)[1].subject == "{{organisation}}: your code");  // nothing changed

    const auto agent = desk.user("agent1", Role::agent);
    CHECK(sbtest::thrown([&] { mail.set_template(agent, t); }).code == ErrorCode::forbidden);
    CHECK(sbtest::thrown([&] { mail.templates(agent); }).code == ErrorCode::forbidden);

    const MailTemplate back = mail.reset_template(desk.admin, "reset");
    CHECK(back.is_default);
    CHECK(back.subject == "Your password reset code");
    CHECK(mail.templates(desk.admin)[1].is_default);
}

TEST_CASE("a server that is down keeps mails queued with the reason until it is back; a refusal fails for good",
          "[mailer][smtp]") {
    const int port = sbtest::free_port();
    sbtest::OrgDesk desk([&](SwitchboardOptions& o) {
        quick_retries(o);
        o.mail.smtp = sbtest::plain_smtp("smtp://127.0.0.1:" + std::to_string(port));
    });
    UserFields f;
    f.username = "refused";
    f.email = "refuse-bo@example.org";
    f.password = sbtest::kPassword;
    f.role = Role::agent;
    desk.acc.create_user(desk.admin, f);

    desk.acc.request_password_reset("owner@example.org");
    desk.acc.request_password_reset("refuse-bo@example.org");
    REQUIRE(eventually([&] { return latest_to(desk.acc, "owner@example.org").attempts >= 2; }));
    OutboxEmail waiting = latest_to(desk.acc, "owner@example.org");
    CHECK(waiting.status == "queued");
    CHECK(waiting.last_error.find("SMTP smtp://127.0.0.1:" + std::to_string(port) + ": ") == 0);
    CHECK(waiting.last_error.find("onnect") != std::string::npos);
    CHECK_FALSE(waiting.body.empty());  // the code is still there to send

    SmtpServer server(port);  // the server comes back
    auto mails = server.wait_for(1);
    REQUIRE(mails.size() == 1);
    CHECK(header(mails[0], "X-RcptTo") == "owner@example.org");
    REQUIRE(eventually([&] { return latest_to(desk.acc, "owner@example.org").status == "sent"; }));
    CHECK(latest_to(desk.acc, "owner@example.org").last_error.empty());

    REQUIRE(eventually([&] { return latest_to(desk.acc, "refuse-bo@example.org").status == "failed"; }));
    const OutboxEmail refused = latest_to(desk.acc, "refuse-bo@example.org");
    INFO(refused.last_error);
    CHECK(refused.last_error.find("550 5.1.1") != std::string::npos);
    CHECK(server.delivered().size() == 1);
    CHECK(desk.sb->jobs().database_counts().failed == 1);

    // Sending a failed mail again: it is queued with a new job (and refused again).
    const OutboxEmail again = desk.sb->mail().retry(desk.admin, refused.id);
    CHECK(again.status == "queued");
    REQUIRE(eventually([&] { return desk.sb->jobs().database_counts().failed == 2; }));
    CHECK(latest_to(desk.acc, "refuse-bo@example.org").status == "failed");
    const auto sent_id = latest_to(desk.acc, "owner@example.org").id;
    CHECK(sbtest::thrown([&] { desk.sb->mail().retry(desk.admin, sent_id); }).code == ErrorCode::conflict);
    CHECK(sbtest::thrown([&] { desk.sb->mail().retry(desk.admin, 999); }).code == ErrorCode::not_found);
}

TEST_CASE("mails written while nothing could send them go out at the next start, once", "[mailer][smtp]") {
    const auto dir = sbtest::temp_dir();
    const std::string path = (dir / "sb.db").string();
    {
        Switchboard sb(path, sbtest::desk_options(dir));  // no server configured
        sbtest::make_org(sb.accounts(), "owner@example.org");
        sb.accounts().request_password_reset("owner@example.org");
        sb.accounts().request_password_reset("owner@example.org");
        CHECK(sb.accounts().outbox("owner@example.org").size() == 2);
        CHECK(sb.accounts().outbox("owner@example.org")[0].status == "queued");
        CHECK(sb.jobs().database_counts().queued == 0);  // no job without a server
    }
    SmtpServer server;
    {
        auto o = sbtest::desk_options(dir);
        o.mail.smtp = sbtest::plain_smtp(server.url());
        Switchboard sb(path, o);
        REQUIRE(server.wait_for(2).size() == 2);
        REQUIRE(sb.jobs().drain(std::chrono::milliseconds(10'000)));
        for (const auto& m : sb.accounts().outbox("owner@example.org")) CHECK(m.status == "sent");
        CHECK(sb.mail().dispatch() == 0);  // nothing left without its job
    }
    {
        auto o = sbtest::desk_options(dir);
        o.mail.smtp = sbtest::plain_smtp(server.url());
        Switchboard sb(path, o);
        CHECK(sb.mail().dispatch() == 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    CHECK(server.delivered().size() == 2);  // a restart sends nothing twice
}

TEST_CASE("an organisation's own server, From and sealed password", "[mailer][smtp]") {
    SmtpServer host_server, own_server;
    sbtest::OrgDesk desk([&](SwitchboardOptions& o) { o.mail.smtp = sbtest::plain_smtp(host_server.url()); });
    auto& mail = desk.sb->mail();
    CHECK_FALSE(mail.settings(desk.admin).own);

    OrgMailSettingsChange c;
    c.smtp_url = own_server.url();
    c.tls = "none";
    c.username = "acme";
    c.password = "smtp-Secret-4471";
    c.from = "Acme Help <help@acme.example>";
    OrgMailSettings s = mail.change_settings(desk.admin, c);
    CHECK(s.own);
    CHECK(s.has_password);
    CHECK(s.username == "acme");
    desk.sb->events().flush();
    CHECK(sbtest::bytes_in(desk.dir).find("smtp-Secret-4471") == std::string::npos);  // sealed at rest

    c.username.clear();
    c.password.clear();  // this server takes mail without authentication
    s = mail.change_settings(desk.admin, c);
    CHECK_FALSE(s.has_password);
    desk.acc.request_password_reset("owner@example.org");
    auto mails = own_server.wait_for(1);
    REQUIRE(mails.size() == 1);
    CHECK(header(mails[0], "From") == "\"Acme Help\" <help@acme.example>");
    CHECK(header(mails[0], "X-MailFrom") == "help@acme.example");
    CHECK(host_server.delivered().empty());

    const MailTestResult test = mail.send_test(desk.admin, "check@example.org");
    CHECK(test.result.accepted);
    CHECK(test.server == own_server.url());
    CHECK(own_server.wait_for(2).size() == 2);

    auto field_of = [&](OrgMailSettingsChange bad) {
        return sbtest::thrown([&] { mail.change_settings(desk.admin, bad); }).field;
    };
    OrgMailSettingsChange bad = c;
    bad.tls = "sometimes";
    CHECK(field_of(bad) == "tls");
    bad = c;
    bad.smtp_url = "http://mail.example.org";
    CHECK(field_of(bad) == "smtp_url");
    bad = c;
    bad.from = "not an address";
    CHECK(field_of(bad) == "from");
    bad = c;
    bad.username = "only-a-name";
    CHECK(field_of(bad) == "username");
    CHECK(mail.settings(desk.admin).smtp_url == own_server.url());  // nothing changed
    const auto agent = desk.user("agent1", Role::agent);
    CHECK(sbtest::thrown([&] { mail.change_settings(agent, c); }).code == ErrorCode::forbidden);

    // Removing them: the host's server serves the organisation again.
    CHECK_FALSE(mail.change_settings(desk.admin, OrgMailSettingsChange{}).own);
    desk.acc.request_password_reset("owner@example.org");
    CHECK(host_server.wait_for(1).size() == 1);
}

TEST_CASE("ticket status mails go to the customer: created, assigned, replied to, closed; each may be switched off",
          "[mailer][smtp]") {
    SmtpServer server;
    sbtest::OrgDesk desk([&](SwitchboardOptions& o) { o.mail.smtp = sbtest::plain_smtp(server.url()); });
    auto& acc = desk.acc;
    auto& cases = desk.sb->cases();

    Registration r;
    r.org_id = desk.org.created.organisation.id;
    r.email = "carla@example.org";
    r.password = r.password_confirm = sbtest::kPassword;
    r.first_name = "Carla";
    r.last_name = "Mwangi";
    acc.register_customer(r);
    auto mails = server.wait_for(1);
    REQUIRE(mails.size() == 1);
    REQUIRE(acc.verify_email(first_match(mails[0], "Verification key: ([A-Za-z0-9_-]+)")));
    const Principal carla = acc.authenticate(acc.sign_in("carla@example.org", sbtest::kPassword).token);
    UserFields af;
    af.username = "agent1";
    af.email = "agent1@example.org";
    af.first_name = "Otieno";
    af.last_name = "Ouma";
    af.password = sbtest::kPassword;
    af.role = Role::agent;
    const User agent_user = acc.create_user(desk.admin, af).user;
    const Principal agent = acc.authenticate(acc.sign_in("agent1", sbtest::kPassword).token);

    TicketFields f;
    f.narrative = "My card was charged twice for the May bill\nIt happened on the 3rd.";
    const Ticket t = cases.create_ticket(carla, f);
    mails = server.wait_for(2);
    REQUIRE(mails.size() == 2);
    CHECK(header(mails[1], "Subject") == "[" + t.ticket_no + "] We have received your request: My card was charged twice for the May bill");
    CHECK(header(mails[1], "X-RcptTo") == "carla@example.org");
    CHECK(mails[1].find("Dear Carla Mwangi,") != std::string::npos);
    CHECK(mails[1].find("Thank you for contacting Acme Help. Your request is registered as " + t.ticket_no) !=
          std::string::npos);

    cases.assign_ticket(desk.admin, t.id, agent_user.id);
    mails = server.wait_for(3);
    REQUIRE(mails.size() == 3);
    CHECK(header(mails[2], "Subject") == "[" + t.ticket_no + "] Your request is being handled");
    CHECK(mails[2].find("Otieno Ouma of Acme Help is now handling your request " + t.ticket_no) != std::string::npos);

    cases.post_message(carla, t.id, "Any news?");  // the customer's own message: no mail
    cases.post_message(agent, t.id, "We have refunded the second charge.");
    mails = server.wait_for(4);
    REQUIRE(mails.size() == 4);
    CHECK(header(mails[3], "Subject") == "[" + t.ticket_no + "] A reply to your request");
    CHECK(mails[3].find("agent1 of Acme Help replied to your request " + t.ticket_no + ":\r\n\r\nWe have refunded the second charge.") !=
          std::string::npos);

    TicketFields resolve;
    resolve.resolution = "Refund of KES 1,200 issued.";
    cases.update_ticket(agent, t.id, resolve);  // no status change, no assignment change: no mail
    cases.close_ticket(agent, t.id);
    mails = server.wait_for(5);
    REQUIRE(mails.size() == 5);
    CHECK(header(mails[4], "Subject") == "[" + t.ticket_no + "] Your request is closed");
    CHECK(mails[4].find("Refund of KES 1,200 issued.") != std::string::npos);

    // Switched off: no assigned mail; a ticket raised by staff for a walk-in has no customer to tell.
    MailTemplate off = default_mail_template("ticket_assigned");
    off.enabled = false;
    desk.sb->mail().set_template(desk.admin, off);
    const Ticket t2 = cases.create_ticket(carla, f);
    REQUIRE(server.wait_for(6).size() == 6);
    cases.assign_ticket(desk.admin, t2.id, agent_user.id);
    cases.create_ticket(desk.admin, f);
    // A ticket that came in by email: its contact is told.
    TicketFields by_mail = f;
    by_mail.source = "email";
    by_mail.contact = ContactFields{};
    by_mail.contact->email = "wanjiru@example.org";
    by_mail.contact->first_name = "Wanjiru";
    cases.create_ticket(desk.admin, by_mail);
    mails = server.wait_for(7);
    REQUIRE(mails.size() == 7);
    CHECK(header(mails[6], "X-RcptTo") == "wanjiru@example.org");
    CHECK(mails[6].find("Dear Wanjiru,") != std::string::npos);
    REQUIRE(desk.sb->jobs().drain(std::chrono::milliseconds(5000)));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(server.delivered().size() == 7);
    CHECK(acc.outbox("carla@example.org").size() == 6);  // verify, created, assigned, replied, closed, created
}

TEST_CASE("docs/mail.md shows the library's templates as they are", "[mailer]") {
    std::ifstream in(SWITCHBOARD_SOURCE_DIR "/docs/mail.md");
    const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE_FALSE(doc.empty());
    REQUIRE(default_mail_templates().size() == 6);
    for (const auto& t : default_mail_templates()) {
        INFO(t.kind);
        CHECK(doc.find("#### `" + t.kind + "`\n\n```text\nSubject: " + t.subject + "\n\n" + t.text + "```\n") !=
              std::string::npos);
        if (!t.html.empty()) CHECK(doc.find("```html\n" + t.html + "```\n") != std::string::npos);
        for (const auto& p : mail_template_placeholders(t.kind)) CHECK(doc.find("`" + p + "`") != std::string::npos);
    }
}

TEST_CASE("STARTTLS and authentication with a real server: the mail goes; a wrong password fails it for good",
          "[mailer][smtp]") {
    // A certificate for 127.0.0.1, made by openssl for this test.
    const auto certs = sbtest::temp_dir();
    const std::string cert = (certs / "cert.pem").string(), key = (certs / "key.pem").string();
    const std::string make = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                             "-addext subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert + " 2>/dev/null";
    REQUIRE(std::system(make.c_str()) == 0);
    SmtpServer server(sbtest::free_port(), {"--tls-cert", cert, "--tls-key", key, "--auth", "desk:Smtp-Pass-9"});
    sbtest::OrgDesk desk([&](SwitchboardOptions& o) {
        o.mail.smtp.url = server.url();
        o.mail.smtp.tls = "starttls";
        o.mail.smtp.ca_file = cert;
        o.mail.smtp.username = "desk";
        o.mail.smtp.password = "Smtp-Pass-9";
    });
    desk.acc.request_password_reset("owner@example.org");
    auto mails = server.wait_for(1);
    REQUIRE(mails.size() == 1);
    CHECK(mails[0].find("Subject: Your password reset code") != std::string::npos);
    REQUIRE(eventually([&] { return desk.acc.outbox("owner@example.org").back().status == "sent"; }));

    // Without TLS the server takes no password, and without one no mail.
    SmtpSettings plain_auth = desk.sb->options().mail.smtp;
    plain_auth.tls = "none";
    MailMessage m;
    m.from = "a@example.org";
    m.to = {"b@example.org"};
    m.subject = "s";
    m.text = "t";
    CHECK_FALSE(SmtpSender(plain_auth).send(m, 0).accepted);

    OrgMailSettingsChange wrong;
    wrong.smtp_url = server.url();
    wrong.tls = "starttls";
    wrong.username = "desk";
    wrong.password = "not-the-password";
    desk.sb->mail().change_settings(desk.admin, wrong);
    const MailTestResult t = desk.sb->mail().send_test(desk.admin, "check@example.org");
    CHECK_FALSE(t.result.accepted);
    INFO(t.result.reply);
    CHECK(t.result.code == 535);
    CHECK(t.result.permanent);
    CHECK(server.delivered().size() == 1);
}
