// Mail out: the MIME text of a message, checked by Python's own email
// parser, and its delivery over SMTP to a real server the test starts on
// loopback (Debian's python3-aiosmtpd, writing a Maildir).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "helpers.hpp"
#include "smtp_server.hpp"
#include "switchboard/mail.hpp"

using namespace switchboard;
using sbtest::SmtpServer;
using sbtest::free_port;
namespace fs = std::filesystem;

namespace {

constexpr const char* kPython = "/usr/bin/python3";
constexpr std::int64_t kDate = 1'800'000'000'000;  // Fri, 15 Jan 2027 08:00:00 +0000

// What Python's email parser (the standard library's, policy default) reads
// in `text`: one line per fact.
std::string parsed_by_python(const std::string& text) {
    const fs::path dir = sbtest::temp_dir();
    std::ofstream(dir / "mail.eml", std::ios::binary) << text;
    const std::string script = R"PY(
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print("subject:", m["subject"])
print("from:", m["from"])
print("to:", m["to"])
print("in-reply-to:", m["in-reply-to"])
print("defects:", len(m.defects) + sum(len(p.defects) for p in m.walk()))
for part in m.walk():
    if part.is_multipart():
        print("multipart:", part.get_content_type())
    elif part.get_filename():
        print("attachment:", part.get_filename(), part.get_content_type(), part.get_content().hex() if isinstance(part.get_content(), bytes) else part.get_content())
    else:
        print(part.get_content_type() + ":", repr(part.get_content()))
)PY";
    std::ofstream(dir / "read.py") << script;
    const std::string cmd = std::string(kPython) + " " + (dir / "read.py").string() + " " + (dir / "mail.eml").string();
    std::unique_ptr<FILE, int (*)(FILE*)> p(::popen(cmd.c_str(), "r"), ::pclose);
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p.get())) out.append(buf, n);
    return out;
}

MailMessage welcome() {
    MailMessage m;
    m.from = "Acme Helpline <help@acme.example>";
    m.to = {"Wanjirũ Kamau <wanjiru@example.org>", "otieno@example.org"};
    m.subject = "Karibu: verify your address — Acme Helpline";
    m.text = "Hello Wanjirũ,\n\nOpen this link to verify your address:\nhttps://help.acme.example/verify/"
             "k7Qx2PpL0aZ3RmTt9VwYbN4cHs8EfGj1\n\nA line that ends with a space \n= and an equals sign.\n";
    m.html = "<p>Hello Wanjirũ,</p><p><a href=\"https://help.acme.example/verify/k7Qx2PpL0aZ3RmTt9VwYbN4cHs8EfGj1\">"
             "Verify your address</a></p>";
    m.attachments = {{"terms.txt", "text/plain", "Terms and conditions\n"},
                     {"ripoti ya simu.pdf", "application/pdf", std::string("%PDF-1.4\x00\x01\x02\xff", 12)},
                     {"résumé.bin", "", std::string("\x00\xff\x10", 3)}};
    m.message_id = "<welcome-1@acme.example>";
    m.in_reply_to = "<question-7@example.org>";
    return m;
}

}  // namespace

TEST_CASE("a message as MIME: headers, alternatives, attachments, read back by Python's parser", "[mail]") {
    const std::string text = to_mime(welcome(), kDate);
    CHECK(text.rfind("Date: Fri, 15 Jan 2027 08:00:00 +0000\r\n", 0) == 0);
    CHECK(text.find("\r\nMessage-ID: <welcome-1@acme.example>\r\n") != std::string::npos);
    CHECK(text.find("\r\nReferences: <question-7@example.org>\r\n") != std::string::npos);
    CHECK(text.find("\r\nMIME-Version: 1.0\r\n") != std::string::npos);
    // Every line ends CRLF and is short enough for any server.
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find("\r\n", start);
        REQUIRE(end != std::string::npos);
        CHECK(end - start <= 78);
        CHECK(text.substr(start, end - start).find('\n') == std::string::npos);
        start = end + 2;
    }
    const std::string py = parsed_by_python(text);
    CHECK(py.find("subject: Karibu: verify your address — Acme Helpline\n") != std::string::npos);
    CHECK(py.find("from: Acme Helpline <help@acme.example>\n") != std::string::npos);
    CHECK(py.find("to: Wanjirũ Kamau <wanjiru@example.org>, otieno@example.org\n") != std::string::npos);
    CHECK(py.find("in-reply-to: <question-7@example.org>\n") != std::string::npos);
    CHECK(py.find("defects: 0\n") != std::string::npos);
    CHECK(py.find("multipart: multipart/mixed\nmultipart: multipart/alternative\n") != std::string::npos);
    CHECK(py.find("text/plain: 'Hello Wanjirũ,\\n\\nOpen this link to verify your address:\\n"
                  "https://help.acme.example/verify/k7Qx2PpL0aZ3RmTt9VwYbN4cHs8EfGj1\\n\\n"
                  "A line that ends with a space \\n= and an equals sign.\\n'") != std::string::npos);
    CHECK(py.find("text/html: '<p>Hello Wanjirũ,</p>") != std::string::npos);
    CHECK(py.find("attachment: terms.txt text/plain Terms and conditions\n") != std::string::npos);
    CHECK(py.find("attachment: ripoti ya simu.pdf application/pdf 255044462d312e34000102ff\n") != std::string::npos);
    CHECK(py.find("attachment: résumé.bin application/octet-stream 00ff10\n") != std::string::npos);

    // A plain message is one text part.
    MailMessage plain;
    plain.from = "help@acme.example";
    plain.to = {"caller@example.org"};
    plain.subject = "Your reset code";
    plain.text = "Your code is 482913.";
    const std::string p = parsed_by_python(to_mime(plain, kDate));
    CHECK(p.find("text/plain: 'Your code is 482913.\\n'") != std::string::npos);
    CHECK(p.find("multipart") == std::string::npos);
}

TEST_CASE("what cannot go in a mail is refused, naming the field", "[mail]") {
    MailMessage m = welcome();
    m.to = {"not an address"};
    CHECK(sbtest::thrown([&] { to_mime(m, kDate); }).message == "to isn't a valid address");
    m = welcome();
    m.subject = "Hello\r\nBcc: everyone@example.org";
    CHECK(sbtest::error_of([&] { to_mime(m, kDate); }) == std::pair{ErrorCode::invalid_argument, std::string("subject")});
    m = welcome();
    m.to.clear();
    CHECK(sbtest::thrown([&] { to_mime(m, kDate); }).message == "a mail needs a recipient");
    m = welcome();
    m.from = "help@acme";
    CHECK(sbtest::error_of([&] { to_mime(m, kDate); }).second == "from");
    SmtpSettings s;
    s.url = "http://mail.example.org";
    CHECK(sbtest::error_of([&] { SmtpSender{s}; }).second == "url");
    s.url = "smtp://mail.example.org:587";
    s.username = "help";
    CHECK(sbtest::error_of([&] { SmtpSender{s}; }).second == "username");
}

TEST_CASE("a message is delivered to a real SMTP server, byte for byte", "[mail][smtp]") {
    SmtpServer server;
    SmtpSettings s;
    s.url = server.url();
    s.tls = "none";  // a server on this machine without TLS
    SmtpSender sender(s);
    const MailMessage m = welcome();
    const SmtpResult r = sender.send(m, kDate);
    CHECK(r.accepted);
    CHECK(r.code == 250);
    CHECK(r.reply.rfind("250 ", 0) == 0);
    const auto mails = server.delivered();
    REQUIRE(mails.size() == 1);
    // The server adds the envelope (X-MailFrom, X-RcptTo) and
    // stores the rest as sent.
    CHECK(mails[0].find("X-MailFrom: help@acme.example") != std::string::npos);
    CHECK(mails[0].find("X-RcptTo: wanjiru@example.org, otieno@example.org") != std::string::npos);
    const std::string py = parsed_by_python(mails[0]);
    CHECK(py.find("subject: Karibu: verify your address — Acme Helpline\n") != std::string::npos);
    CHECK(py.find("https://help.acme.example/verify/k7Qx2PpL0aZ3RmTt9VwYbN4cHs8EfGj1") != std::string::npos);
    CHECK(py.find("attachment: ripoti ya simu.pdf application/pdf 255044462d312e34000102ff\n") != std::string::npos);
    CHECK(py.find("defects: 0\n") != std::string::npos);
}

TEST_CASE("a server that cannot be reached is a failure to try again, with the reason", "[mail][smtp]") {
    SmtpSettings s;
    s.url = "smtp://127.0.0.1:" + std::to_string(free_port());
    s.tls = "none";
    s.timeout_ms = 2000;
    const SmtpResult r = SmtpSender(s).send(welcome(), kDate);
    CHECK_FALSE(r.accepted);
    CHECK_FALSE(r.permanent);
    CHECK(r.code == 0);
    CHECK(r.reply.find("onnect") != std::string::npos);

    // A server without STARTTLS, when TLS is required: refused before any of the message goes.
    SmtpServer server;
    s.url = server.url();
    s.tls = "starttls";
    const SmtpResult t = SmtpSender(s).send(welcome(), kDate);
    CHECK_FALSE(t.accepted);
    CHECK(server.delivered().empty());
}

TEST_CASE("a mail that came in is read: encoded words, charsets, quoted-printable, attachments", "[mail]") {
    const std::string raw =
        "Return-Path: <x@example.org>\r\n"
        "From: =?ISO-8859-1?Q?Ren=E9e_Otieno?= <renee@example.org>\r\n"
        "Subject: =?UTF-8?B?S2FkaSB5YW5ndQ==?=\r\n =?UTF-8?Q?_imezuiwa_=E2=9C=93?=\r\n"
        "Message-ID: <m1@example.org>\r\n"
        "In-Reply-To: <m0@acme.example>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
        "\r\n"
        "preamble\r\n"
        "--outer\r\n"
        "Content-Type: multipart/alternative; boundary=inner\r\n"
        "\r\n"
        "--inner\r\n"
        "Content-Type: text/plain; charset=iso-8859-1\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "\r\n"
        "Caf=E9 ferm=E9, a long line that is =\r\nsoftly broken.\r\n"
        "--inner\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        "\r\n"
        "<p>Caf\xc3\xa9</p>\r\n"
        "--inner--\r\n"
        "--outer\r\n"
        "Content-Type: application/pdf\r\n"
        "Content-Disposition: attachment; filename*=UTF-8''ripoti%20ya%20mw%C3%A9zi.pdf\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "\r\n"
        "JVBERi0xLjQK\r\n"
        "--outer--\r\n";
    const ParsedMail m = parse_mail(raw);
    CHECK(m.from_address == "renee@example.org");
    CHECK(m.from_name == "Ren\xc3\xa9" "e Otieno");
    CHECK(m.subject == "Kadi yangu imezuiwa \xe2\x9c\x93");
    CHECK(m.message_id == "<m1@example.org>");
    CHECK(m.in_reply_to == "<m0@acme.example>");
    // The line end before a boundary belongs to the boundary (RFC 2046 5.1.1).
    CHECK(m.text == "Caf\xc3\xa9 ferm\xc3\xa9, a long line that is softly broken.");
    CHECK(m.html == "<p>Caf\xc3\xa9</p>");
    REQUIRE(m.attachments.size() == 1);
    CHECK(m.attachments[0].name == "ripoti ya mw\xc3\xa9zi.pdf");
    CHECK(m.attachments[0].content_type == "application/pdf");
    CHECK(m.attachments[0].data == "%PDF-1.4\n");

    // What switchboard writes, it reads back.
    const ParsedMail back = parse_mail(to_mime(welcome(), kDate));
    CHECK(back.subject == welcome().subject);
    CHECK(back.text == welcome().text);
    REQUIRE(back.attachments.size() == 3);
    CHECK(back.attachments[2].name == "résumé.bin");
    CHECK(back.attachments[1].data == welcome().attachments[1].data);

    // Not a mail at all: nothing is read, nothing throws.
    const ParsedMail junk = parse_mail("\x01\x02 garbage without headers");
    CHECK(junk.subject.empty());
}
