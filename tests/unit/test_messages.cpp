// Emails and SMS as records (OpenCHS 7 and 8): what staff write is checked,
// stored with its recipients as contacts and queued in one transaction; an
// email is delivered to a real SMTP server on loopback with its attachments
// and the record follows; lists, CSV and reports.
#include <regex>

#include "helpers.hpp"
#include "smtp_server.hpp"
#include "switchboard/messages.hpp"

using namespace switchboard;
using sbtest::SmtpServer;
using sbtest::eventually;

namespace {



}  // namespace

TEST_CASE("an email is stored with its recipients as contacts, sent with its attachment, and its record follows",
          "[messages][smtp]") {
    SmtpServer server;
    sbtest::OrgDesk desk([&](SwitchboardOptions& o) {
        o.mail.smtp = sbtest::plain_smtp(server.url());
        o.mail.from = "Acme Help <help@acme.example>";
    });
    auto& msg = desk.sb->messages();
    const FileInfo file = desk.sb->files().upload(desk.admin, "ripoti.pdf", "application/pdf", "%PDF-1.4 ripoti");
    TicketFields tf;
    tf.narrative = "school fees";
    const Ticket ticket = desk.sb->cases().create_ticket(desk.admin, tf);

    NewEmail e;
    e.subject = "Your case TK000001";
    e.text = "Hello,\nthe report is attached.";
    e.html = "<p>Hello,</p><p>the report is attached.</p>";
    e.to = {"wanjiru@example.org", "Otieno@Example.org", "wanjiru@example.org"};
    e.attachments = {file.id};
    e.ticket_id = ticket.id;
    const EmailRecord stored = msg.send_email(desk.admin, e);
    CHECK(stored.status == "queued");
    CHECK(stored.folder == "outbox");
    CHECK(stored.direction == "out");
    REQUIRE(stored.recipients.size() == 2);  // the same address once
    CHECK(stored.recipients[0].address == "wanjiru@example.org");
    CHECK(stored.recipients[0].contact_id > 0);
    CHECK(stored.attachments == std::vector<std::int64_t>{file.id});
    CHECK(stored.from == "Acme Help <help@acme.example>");
    CHECK(stored.message_id.find("@acme.example>") != std::string::npos);
    CHECK(stored.thread == stored.message_id);
    CHECK(stored.ticket_id == ticket.id);

    auto mails = server.wait_for(1);
    REQUIRE(mails.size() == 1);
    CHECK(mails[0].find("X-RcptTo: wanjiru@example.org, Otieno@Example.org") != std::string::npos);
    CHECK(mails[0].find("Subject: Your case TK000001") != std::string::npos);
    CHECK(mails[0].find("Message-ID: " + stored.message_id) != std::string::npos);
    CHECK(mails[0].find("filename=\"ripoti.pdf\"") != std::string::npos);
    CHECK(mails[0].find("JVBERi0xLjQgcmlwb3Rp") != std::string::npos);  // base64 of the file's bytes
    REQUIRE(eventually([&] { return msg.email(desk.admin, stored.id).status == "sent"; }));
    const EmailRecord sent = msg.email(desk.admin, stored.id);
    CHECK(sent.folder == "sent");
    CHECK(sent.sent_ms > 0);
    CHECK(sent.text == e.text);
    CHECK(sent.html == e.html);

    // A reply keeps the thread.
    NewEmail reply = e;
    reply.attachments.clear();
    reply.in_reply_to = stored.message_id;
    reply.subject = "Re: Your case TK000001";
    const EmailRecord second = msg.send_email(desk.admin, reply);
    CHECK(second.thread == stored.message_id);
    mails = server.wait_for(2);
    REQUIRE(mails.size() == 2);
    CHECK(mails[1].find("In-Reply-To: " + stored.message_id) != std::string::npos);

    // Lists, filters, CSV and the report by folder and status.
    ListQuery q;
    q.filters = {{"status", "SENT"}};  // as OpenCHS writes it
    REQUIRE(eventually([&] { return msg.list_emails(desk.admin, q).total == 2; }));
    q.filters = {{"subject", "Your case TK000001"}};
    CHECK(msg.list_emails(desk.admin, q).total == 1);
    std::string csv;
    msg.export_emails_csv(desk.admin, ListQuery{}, [&](std::string_view chunk) { csv += chunk; });
    CHECK(csv.rfind("id,direction,folder,status,reason,subject,from,recipients,attachments,message_id,ticket_id,"
                    "created_by,created_on,sent_on\r\n", 0) == 0);
    CHECK(csv.find("wanjiru@example.org Otieno@Example.org") != std::string::npos);
    const PivotReport r = msg.report_emails(desk.admin, ListQuery{}, {"folder"}, {"status"});
    REQUIRE(r.rows.size() == 1);
    CHECK(r.rows[0].keys == std::vector<std::string>{"sent", "sent"});
    CHECK(r.rows[0].count == 2);
    CHECK(msg.counts(desk.admin).emails_sent == 2);
}

TEST_CASE("what cannot be sent is refused naming the field, and nothing is stored", "[messages]") {
    sbtest::OrgDesk desk([](SwitchboardOptions& o) { o.messages.max_recipients = 3; });
    auto& msg = desk.sb->messages();
    NewEmail good;
    good.subject = "s";
    good.text = "t";
    good.to = {"a@example.org"};
    auto refusal = [&](NewEmail e) { return sbtest::thrown([&] { msg.send_email(desk.admin, e); }); };
    NewEmail e = good;
    e.subject = " ";
    CHECK(refusal(e).field == "subject");
    e = good;
    e.text = "  ";
    CHECK(refusal(e).field == "msg");
    e = good;
    e.to = {"not an address"};
    CHECK(refusal(e).field == "recipients");
    e = good;
    e.to = {};
    CHECK(refusal(e).field == "recipients");
    e = good;
    e.to = {"a@example.org", "b@example.org", "c@example.org", "d@example.org"};
    CHECK(refusal(e).message == "4 recipients are more than the 3 allowed");
    e = good;
    e.attachments = {424242};
    CHECK(refusal(e).code == ErrorCode::not_found);
    CHECK(refusal(e).field == "attachments");
    e = good;
    e.ticket_id = 99;
    CHECK(refusal(e).field == "ticket_id");
    CHECK(msg.list_emails(desk.admin, ListQuery{}).total == 0);

    NewSms s;
    s.text = "Habari";
    s.to = {"0700 112 233"};
    auto sms_refusal = [&](NewSms x) { return sbtest::thrown([&] { msg.send_sms(desk.admin, x); }); };
    NewSms bad = s;
    bad.text = "";
    CHECK(sms_refusal(bad).field == "msg");
    bad = s;
    bad.to = {"07OO-CALL-ME"};
    CHECK(sms_refusal(bad).field == "recipients");
    bad = s;
    bad.text = std::string(919, 'x');
    CHECK(sms_refusal(bad).code == ErrorCode::too_large);
    CHECK(msg.list_sms(desk.admin, ListQuery{}).total == 0);

    const auto customer = [&] {
        Registration r;
        r.org_id = desk.org.created.organisation.id;
        r.email = "c@example.org";
        r.password = r.password_confirm = sbtest::kPassword;
        r.first_name = "C";
        desk.acc.register_customer(r);
        desk.acc.verify_email(sbtest::secret_from_outbox(desk.acc, "c@example.org", "Verification key: "));
        return desk.acc.authenticate(desk.acc.sign_in("c@example.org", sbtest::kPassword).token);
    }();
    CHECK(sbtest::thrown([&] { msg.send_email(customer, good); }).code == ErrorCode::forbidden);

    // Without a gateway an SMS waits, queued, its number a contact.
    const SmsRecord stored = msg.send_sms(desk.admin, s);
    CHECK(stored.status == "queued");
    REQUIRE(stored.recipients.size() == 1);
    CHECK(stored.recipients[0].address == "0700112233");
    CHECK(stored.recipients[0].status == "queued");
    CHECK(msg.sms(desk.admin, stored.id).text == "Habari");
}
