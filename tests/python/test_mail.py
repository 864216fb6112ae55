"""The mailer through the Python bindings: the SMTP options, an
organisation's settings and templates, and mails delivered to a real SMTP
server on loopback (tests/common/smtp_sink.py, Debian's python3-aiosmtpd),
read back with Python's email parser; the reset code of a delivered mail
changes the password."""

import email
import email.policy
import os
import re
import signal
import socket
import subprocess
import time

import pytest

import switchboard
from sbtest import LOW_COST, new_org, open_db

SINK = os.path.join(os.path.dirname(__file__), "..", "common", "smtp_sink.py")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sink(tmp_path):
    port = free_port()
    box = tmp_path / "maildir"
    proc = subprocess.Popen(["/usr/bin/python3", SINK, "--port", str(port), "--maildir", str(box)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"

    class Sink:
        url = "smtp://127.0.0.1:%d" % port

        @staticmethod
        def wait_for(n, timeout=10.0):
            deadline = time.time() + timeout
            while True:
                files = sorted((box / "new").glob("*"), key=os.path.getmtime) if (box / "new").exists() else []
                if len(files) >= n or time.time() > deadline:
                    return [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]
                time.sleep(0.02)

    yield Sink
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)


def test_smtp_options_are_checked_naming_the_setting(tmp_path):
    with pytest.raises(switchboard.InvalidArgument) as e:
        switchboard.Database(str(tmp_path / "a.db"), smtp_url="smtp://127.0.0.1:25", smtp_tls="sometimes", **LOW_COST)
    assert e.value.field == "smtp_tls"
    with pytest.raises(switchboard.InvalidArgument) as e:
        switchboard.Database(str(tmp_path / "b.db"), smtp_url="imap://127.0.0.1", **LOW_COST)
    assert e.value.field == "smtp_url"
    with pytest.raises(switchboard.InvalidArgument) as e:
        switchboard.Database(str(tmp_path / "c.db"), mail_max_attempts=0, **LOW_COST)
    assert (e.value.field, str(e.value)) == ("mail_max_attempts", "mail_max_attempts must be 1 to 1000")


def test_a_reset_code_from_the_delivered_mail_changes_the_password(tmp_path, sink):
    # The organisation is made while no server is configured (new_org reads the
    # verification key from the outbox); its verification mail goes at the next open.
    with open_db(tmp_path / "sb.db") as first:
        org = new_org(first)
    db = open_db(tmp_path / "sb.db", smtp_url=sink.url, smtp_tls="none", smtp_from="Desk <desk@amani.example>")
    try:
        db.request_password_reset("owner@acme.example")
        # The verification mail written before a server was configured goes too
        # (two job workers: in either order).
        mails = sink.wait_for(2)
        assert sorted(m["Subject"] for m in mails) == ["Verify your email address", "Your password reset code"]
        [mail] = [m for m in mails if m["Subject"] == "Your password reset code"]
        assert mail["From"].addresses[0].addr_spec == "desk@amani.example"
        assert mail["To"] == "owner@acme.example"
        code = re.search(r"Your one-time code: (\d{6})", mail.get_body(("plain",)).get_content()).group(1)
        db.reset_password("owner@acme.example", code, "Another-Horse-7-Staple")
        token = db.sign_in("owner@acme.example", "Another-Horse-7-Staple")["token"]  # the reset ended the others
        assert db.drain_jobs(10.0)
        [row] = [m for m in db.outbox("owner@acme.example") if m["kind"] == "reset"]
        assert (row["status"], row["body"], row["attempts"]) == ("sent", "", 1)
        assert row["message_id"] == mail["Message-ID"]
        assert db.dispatch_mail() == 0

        templates = db.mail_templates(token)
        assert [t["kind"] for t in templates][:2] == ["verify", "reset"]
        saved = db.set_mail_template(token, kind="reset", subject="{{organisation}}: code", text="Code {{code}}",
                                     html="<b>{{code}}</b>")
        assert saved["is_default"] is False and saved["placeholders"] == ["organisation", "code", "minutes"]
        with pytest.raises(switchboard.InvalidArgument) as e:
            db.set_mail_template(token, {"kind": "reset", "subject": "s", "text": "{{link}}"})
        assert e.value.field == "text"
        db.request_password_reset("owner@acme.example")
        mail = sink.wait_for(3)[-1]
        assert mail["Subject"].endswith(": code")
        assert re.fullmatch(r"<b>\d{6}</b>\n?", mail.get_body(("html",)).get_content())
        assert db.reset_mail_template(token, "reset")["is_default"] is True

        settings = db.set_mail_settings(token, smtp_url=sink.url, tls="none", **{"from": "Org <org@acme.example>"})
        assert settings["own"] is True and settings["from"] == "Org <org@acme.example>"
        assert db.mail_settings(token)["smtp_url"] == sink.url
        result = db.send_test_mail(token, "check@example.org")
        assert result["accepted"] is True and result["reply"].startswith("250 ")
        assert sink.wait_for(4)[-1]["From"].addresses[0].addr_spec == "org@acme.example"
        with pytest.raises(switchboard.ConflictError):
            db.retry_mail(token, row["id"])
        with pytest.raises(switchboard.NotFound):
            db.retry_mail(token, 123456)
    finally:
        db.close()


def test_emails_and_sms_as_records(tmp_path, sink):
    with open_db(tmp_path / "first.db") as first:
        org = new_org(first)
    db = open_db(tmp_path / "first.db", smtp_url=sink.url, smtp_tls="none", smtp_from="Desk <desk@acme.example>",
                 files_dir=str(tmp_path / "files"))
    try:
        token = org.admin_token
        f = db.upload_file(token, "terms.txt", b"Terms\n", "text/plain")
        e = db.send_email(token, subject="Your case", text="Hello", to=["wanjiru@example.org"],
                          attachments=[f["id"]])
        assert (e["status"], e["folder"], e["direction"]) == ("queued", "outbox", "out")
        assert e["recipients"][0]["address"] == "wanjiru@example.org" and e["recipients"][0]["contact_id"] > 0
        mail = [m for m in sink.wait_for(2) if m["Subject"] == "Your case"][0]
        assert [p.get_filename() for p in mail.iter_attachments()] == ["terms.txt"]
        deadline = time.time() + 10
        while db.get_email(token, e["id"])["status"] != "sent" and time.time() < deadline:
            time.sleep(0.05)
        assert db.get_email(token, e["id"])["folder"] == "sent"
        assert db.list_emails(token, {"status": "sent"})["total"] == 1
        assert db.export_emails_csv(token).splitlines()[0].startswith("id,direction,folder,status")
        assert db.report_emails(token, "folder")["rows"][0]["keys"] == ["sent"]
        with pytest.raises(switchboard.InvalidArgument) as err:
            db.send_email(token, subject="s", text="t", to=["nobody"])
        assert err.value.field == "recipients"

        s = db.send_sms(token, text="Habari", to=["0700 112 233"])  # no gateway configured: it waits, queued
        assert s["status"] == "queued" and s["recipients"][0]["address"] == "0700112233"
        assert db.get_sms(token, s["id"])["text"] == "Habari"
        assert db.list_sms(token)["total"] == 1
        assert "0700112233:queued" in db.export_sms_csv(token)
        with pytest.raises(switchboard.TooLarge):
            db.send_sms(token, text="x" * 919, to=["0700112233"])
    finally:
        db.close()


def test_a_mailbox_is_read_into_tickets(tmp_path):
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "common"))
    from imap_server import ImapServer

    from email.message import EmailMessage
    with ImapServer(str(tmp_path / "imap")) as imap:
        # No reader thread: the test reads the mailbox itself.
        db = open_db(tmp_path / "sb.db", files_dir=str(tmp_path / "files"), mail_fetch_ms=0)
        try:
            org = new_org(db)
            token = org.admin_token
            with pytest.raises(switchboard.InvalidArgument) as err:
                db.set_mailbox(token, imap_url="pop3://example.org", username="u", password="p")
            assert err.value.field == "imap_url"
            box = db.set_mailbox(token, imap_url=imap.url, tls="none", username=imap.user, password=imap.password)
            assert box["configured"] and box["has_password"] and db.mailbox(token)["imap_url"] == imap.url
            m = EmailMessage()
            m["From"] = "Otieno <otieno@example.org>"
            m["Subject"] = "Bill question"
            m["Message-ID"] = "<py1@example.org>"
            m.set_content("Why is my bill so high?")
            imap.deliver(bytes(m))
            assert db.fetch_mail(token) == {"mails": 1, "tickets_created": 1, "messages_added": 0, "error": ""}
            [ticket] = db.list_tickets(token, {"source": "email"})["items"]
            assert ticket["source_id"] == "<py1@example.org>" and "Why is my bill so high?" in ticket["narrative"]
            [email] = db.list_emails(token, {"direction": "in"})["items"]
            assert (email["from"], email["status"], email["ticket_id"]) == ("otieno@example.org", "received",
                                                                             ticket["id"])
            assert db.fetch_mail(token)["mails"] == 0
        finally:
            db.close()
