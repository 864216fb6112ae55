"""OpenCHS emails (seed 004 section 7) and SMS (section 8) through
switchboard-host, sent to real servers the tests start on loopback: an SMTP
server (tests/common/smtp_sink.py, aiosmtpd) and a Kannel gateway
(tests/common/kannel_gateway.py: bearerbox, smsbox and fakesmsc), with
Kannel's delivery reports coming back to the host."""

import csv
import io
import os
import sys
import time

import pytest

from conftest import Host, chs_error, chs_ok, csv_rows, unique
from test_mail import Sink, plain_text, signed_up

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "common"))
from kannel_gateway import KannelGateway  # noqa: E402


@pytest.fixture
def servers(tmp_path):
    if not KannelGateway.available():
        pytest.skip("Kannel (kannel, kannel-extras) is not installed: scripts/install-deps.sh installs it")
    sink = Sink(tmp_path)
    gateway = KannelGateway(str(tmp_path / "kannel"))
    gateway.start()
    h = Host(tmp_path / "data", ["--smtp-url", sink.url, "--smtp-tls", "none", "--smtp-from",
                                 "Amani Helpline <desk@amani.example>", "--sms-url", gateway.sendsms_url,
                                 "--sms-username", gateway.username, "--sms-password", gateway.password,
                                 "--sms-from", "AMANI"])
    try:
        yield h, sink, gateway
    finally:
        assert h.stop() == 0
        gateway.stop()
        sink.stop()


def wait_until(fn, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.05)
    return fn()


def test_an_email_with_an_attachment_is_created_sent_and_listed(servers):
    h, sink, _ = servers
    org = signed_up(h, sink)
    auth = org.bearer()
    r = h.post("/eproc/files", headers=auth, files={"file[]": ("ripoti ya kesi.pdf", b"%PDF-1.4 ripoti", "application/pdf")})
    assert r.status_code == 201, r.text
    file_id = r.json()["files"][0]["id"]
    ticket = org.ticket(narrative="school fees")

    body = {"subject": "Test Email", "msg": "Hellow world", "html": "<p>Hellow <b>world</b></p>",
            "recipients": [{"contact_email": "aaa@email.com"}, {"contact_email": "bbb@email.com"}],
            "attachments": [{"file_id": file_id}], "ticket_id": ticket["id"]}
    [email] = chs_ok(h.post("/eproc/emails/", json=body, headers=auth), 201, "emails", "Email Created")
    assert (email["subject"], email["status"], email["folder"], email["direction"]) == (
        "Test Email", "queued", "outbox", "out")
    assert [r["contact_email"] for r in email["recipients"]] == ["aaa@email.com", "bbb@email.com"]
    assert email["attachments"] == [{"file_id": file_id}]
    assert email["ticket_id"] == ticket["id"]
    # The recipients are contacts now: a second email to the same address has the same contact.
    ids = [r["contact_id"] for r in email["recipients"]]
    assert len(set(ids)) == 2 and all(int(i) > 0 for i in ids)
    [again] = chs_ok(h.post("/eproc/emails/", headers=auth, json={"subject": "Again", "msg": "m",
                                                                  "recipients": [{"contact_email": "aaa@email.com"}]}),
                     201, "emails", "Email Created")
    assert again["recipients"][0]["contact_id"] == ids[0]

    mails = sink.wait_for(3)  # the verification mail, this one and the second
    [mail] = [m for m in mails if m["Subject"] == "Test Email"]
    assert mail["Subject"] == "Test Email"
    assert mail["Message-ID"] == email["message_id"]
    assert plain_text(mail).rstrip("\n") == "Hellow world"
    assert mail.get_body(("html",)).get_content().rstrip("\n") == "<p>Hellow <b>world</b></p>"
    [part] = [p for p in mail.iter_attachments()]
    assert part.get_filename() == "ripoti ya kesi.pdf"
    assert part.get_content() == b"%PDF-1.4 ripoti"

    eid = email["id"]
    viewed = wait_until(lambda: [e for e in chs_ok(h.get("/eproc/emails/" + eid, headers=auth), 200, "emails")
                                 if e["status"] == "sent"])
    assert viewed and viewed[0]["folder"] == "sent" and viewed[0]["sent_on"]
    r = h.get("/eproc/emails/" + eid, headers=auth, params={"file": "plain"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain") and r.text == "Hellow world"
    r = h.get("/eproc/emails/" + eid, headers=auth, params={"file": "html"})
    assert r.headers["Content-Type"].startswith("text/html") and r.text == "<p>Hellow <b>world</b></p>"

    listed = h.get("/eproc/emails/", headers=auth, params={"subject": "Test Email", "status": "SENT"}).json()
    assert dict(listed["emails_ctx"])["total"] == "1"
    rows = csv_rows(h.get("/eproc/emails/", headers=auth, params={"csv": 1}))
    assert rows[0][:4] == ["id", "direction", "folder", "status"]
    [row] = [r for r in rows[1:] if r[5] == "Test Email"]
    assert row[3] == "sent" and row[7] == "aaa@email.com bbb@email.com"
    rpt = h.get("/eproc/emails/rpt", headers=auth, params={"xaxis": "folder", "yaxis": "status"})
    assert rpt.status_code == 200, rpt.text
    stats = h.get("/eproc/stats/0", headers=auth).json()["stats"][0]
    assert stats["emails"] == "2"


def test_bad_emails_are_refused_naming_the_field(servers):
    h, sink, _ = servers
    org = signed_up(h, sink)
    auth = org.bearer()
    good = {"subject": "s", "msg": "m", "recipients": [{"contact_email": "a@example.org"}]}
    cases = [
        ({**good, "recipients": [{"contact_email": "not-an-address"}]}, "recipients"),
        ({**good, "msg": ""}, "msg"),
        ({**good, "recipients": []}, "recipients"),
        ({**good, "attachments": [{"file_id": "999999"}]}, "attachments"),
        ({**good, "subject": ""}, "subject"),
        ({**good, "recipients": [{"contact_email": "c%d@example.org" % i} for i in range(51)]}, "recipients"),
    ]
    for body, field in cases:
        r = h.post("/eproc/emails/", json=body, headers=auth)
        assert r.status_code in (404, 412), r.text
        assert r.json()["errors"][0][5] == field, (body, r.text)
    chs_error(h.post("/eproc/emails/", json={**good, "colour": "red"}, headers=auth), 412, 'unknown field "colour"',
              "invalid_argument", "emails", "", "colour")
    assert dict(h.get("/eproc/emails/", headers=auth).json()["emails_ctx"])["total"] == "0"


def test_an_sms_goes_through_kannel_and_its_delivery_report_comes_back(servers):
    h, sink, gateway = servers
    org = signed_up(h, sink)
    auth = org.bearer()
    text = "Habari, tiketi yako TK000123 imefungwa ✓"
    body = {"msg": text, "recipients": [{"contact_phone": "0700112233"}, {"contact_phone": "+254 722 112 233"}]}
    [sms] = chs_ok(h.post("/eproc/sms/", json=body, headers=auth), 201, "sms", "SMS Created")
    assert sms["status"] == "queued" and sms["msg"] == text
    assert [r["contact_phone"] for r in sms["recipients"]] == ["0700112233", "+254722112233"]

    got = gateway.wait_for(2)
    assert sorted(m["to"] for m in got) == ["+254722112233", "0700112233"]
    assert {m["text"] for m in got} == {text}
    assert {m["from"] for m in got} == {"AMANI"}

    # Kannel's fake SMSC reports "taken by the SMSC" (8), then "delivered" (1).
    def delivered():
        [s] = chs_ok(h.get("/eproc/sms/" + sms["id"], headers=auth), 200, "sms")
        return s if s["status"] == "delivered" else None
    s = wait_until(delivered)
    assert s, h.get("/eproc/sms/" + sms["id"], headers=auth).text
    assert {r["status"] for r in s["recipients"]} == {"delivered"}
    assert s["folder"] == "sent" and s["sent_on"]

    # A forged report is refused and changes nothing.
    r = h.get("/eproc/sms/dlr", params={"sms": sms["id"], "contact": s["recipients"][0]["contact_id"],
                                        "sig": "0" * 32, "type": "2"})
    assert r.status_code == 401
    listed = h.get("/eproc/sms/", headers=auth, params={"status": "delivered"}).json()
    assert dict(listed["sms_ctx"])["total"] == "1"
    rows = csv_rows(h.get("/eproc/sms/", headers=auth, params={"csv": 1}))
    assert rows[0][:6] == ["id", "direction", "folder", "status", "reason", "msg"]  # the seed's name
    assert rows[1][5] == text
    assert h.get("/eproc/stats/0", headers=auth).json()["stats"][0]["sms"] == "1"

    chs_error(h.post("/eproc/sms/", json={"msg": "x", "recipients": [{"contact_phone": "07OO-CALL"}]}, headers=auth),
              412, '"07OO-CALL" isn\'t a phone number', "invalid_argument", "sms", "", "recipients")
    chs_error(h.post("/eproc/sms/", json={"msg": "", "recipients": [{"contact_phone": "0700112233"}]}, headers=auth),
              412, "the message is empty", "invalid_argument", "sms", "", "msg")


def _mail(sender, subject, body, message_id, attachment=None, in_reply_to=None):
    """A mail as a customer's mail client writes it."""
    from email.message import EmailMessage
    m = EmailMessage()
    m["From"] = sender
    m["To"] = "Help Desk <helpdesk@amani.example>"
    m["Subject"] = subject
    m["Message-ID"] = message_id
    if in_reply_to:
        m["In-Reply-To"] = in_reply_to
    m.set_content(body)
    if attachment:
        m.add_attachment(attachment[1], maintype="application", subtype="octet-stream", filename=attachment[0])
    return bytes(m)


def test_mail_in_opens_tickets_and_adds_to_the_ticket_its_subject_names(tmp_path):
    from imap_server import ImapServer  # tests/common, on sys.path above
    imap = ImapServer(str(tmp_path / "imap"))
    imap.start()
    sink = Sink(tmp_path)
    h = Host(tmp_path / "data", ["--smtp-url", sink.url, "--smtp-tls", "none", "--mail-fetch-ms", "0"])
    try:
        org = signed_up(h, sink)
        auth = org.bearer()
        box = chs_ok(h.post("/eproc/mail/mailbox", headers=auth,
                            json={"imap_url": imap.url, "tls": "none", "username": imap.user,
                                  "password": imap.password}), 202, "mailbox")
        assert box["configured"] is True and box["has_password"] is True and box["last_uid"] == 0
        chs_error(h.post("/eproc/mail/mailbox", headers=auth, json={"imap_url": "pop3://x", "username": "u",
                                                                    "password": "p"}),
                  412, "the IMAP url starts imap:// or imaps://", "invalid_argument", "mail", "", "imap_url")

        imap.deliver(_mail("Wanjirũ Kamau <wanjiru@example.org>", "Kadi yangu imezuiwa", "Habari,\nmy card is blocked.",
                           "<q1@example.org>", attachment=("picha.png", b"\x89PNG\r\n\x1a\nfake")))
        got = chs_ok(h.post("/eproc/mail/fetch", headers=auth, json={}), 200, "fetch")
        assert got == {"mails": 1, "tickets_created": 1, "messages_added": 0, "error": ""}
        tickets = h.get("/eproc/tickets/", headers=auth, params={"source": "email"}).json()["tickets"]
        assert len(tickets) == 1
        ticket = tickets[0]
        assert ticket["source_id"] == "<q1@example.org>"
        assert "my card is blocked." in ticket["narrative"]
        # The sender is told, from the created template (the ticket came in by email).
        ack = [m for m in sink.wait_for(2) if m["To"] == "wanjiru@example.org"]
        assert ack and ack[0]["Subject"].startswith("[%s] We have received your request" % ticket["ticket_no"])

        inbox = h.get("/eproc/emails/", headers=auth, params={"direction": "in"}).json()
        assert dict(inbox["emails_ctx"])["total"] == "1"
        email = inbox["emails"][0]
        assert (email["folder"], email["status"], email["from"], email["ticket_id"]) == (
            "inbox", "received", "wanjiru@example.org", ticket["id"])
        assert len(email["attachments"]) == 1
        r = h.get("/eproc/files/" + email["attachments"][0]["file_id"], headers=auth, params={"file": "1"})
        assert r.content == b"\x89PNG\r\n\x1a\nfake"

        # A reply naming the ticket adds to it; reading again takes nothing twice.
        imap.deliver(_mail("wanjiru@example.org", "Re: [%s] We have received your request" % ticket["ticket_no"],
                           "It is still blocked today.", "<q2@example.org>", in_reply_to="<q1@example.org>"))
        got = chs_ok(h.post("/eproc/mail/fetch", headers=auth, json={}), 200, "fetch")
        assert got == {"mails": 1, "tickets_created": 0, "messages_added": 1, "error": ""}
        messages = h.get("/eproc/tickets/%s/messages" % ticket["id"], headers=auth).json()["messages"]
        assert [m["body"] for m in messages] == ["It is still blocked today."]
        assert chs_ok(h.post("/eproc/mail/fetch", headers=auth, json={}), 200, "fetch")["mails"] == 0
        replies = h.get("/eproc/emails/", headers=auth, params={"direction": "in", "thread": "<q1@example.org>"})
        assert dict(replies.json()["emails_ctx"])["total"] == "2"

        # A mailbox that cannot be read says why, and is read again later.
        imap.stop()
        got = chs_ok(h.post("/eproc/mail/fetch", headers=auth, json={}), 200, "fetch")
        assert got["mails"] == 0 and got["error"].startswith("IMAP " + imap.url)
        assert chs_ok(h.get("/eproc/mail/mailbox", headers=auth), 200, "mailbox")["last_error"] == got["error"]
    finally:
        assert h.stop() == 0
        imap.stop()
        sink.stop()
