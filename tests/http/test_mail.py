"""Mail out through switchboard-host: the product's mails delivered to a real
SMTP server the tests start on loopback (tests/common/smtp_sink.py, Debian's
python3-aiosmtpd), read back with Python's email parser, and used as a
person would: the link opened, the code typed. Then an organisation's
templates and server over HTTP, and a host killed while it sends."""

import email
import email.policy
import mailbox
import os
import re
import signal
import socket
import subprocess
import time

import pytest

from conftest import Host, STRONG_PASSWORD, bearer, chs_error, chs_ok, ko, ok, unique

SINK = os.path.join(os.path.dirname(__file__), "..", "common", "smtp_sink.py")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """tests/common/smtp_sink.py on a free loopback port."""

    def __init__(self, directory, *args):
        self.port = free_port()
        self.dir = os.path.join(str(directory), "maildir-%d" % self.port)
        self.proc = subprocess.Popen(["/usr/bin/python3", SINK, "--port", str(self.port), "--maildir", self.dir,
                                      *args], stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready"
        self.url = "smtp://127.0.0.1:%d" % self.port

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=10)

    def messages(self):
        """Every message stored so far, parsed (email.policy.default), oldest first."""
        if not os.path.isdir(os.path.join(self.dir, "new")):
            return []
        box = mailbox.Maildir(self.dir, factory=None, create=False)
        found = []
        for key in box.keys():
            path = os.path.join(self.dir, "new", key)
            with open(path, "rb") as f:
                found.append((os.path.getmtime(path), email.message_from_binary_file(f, policy=email.policy.default)))
        return [m for _, m in sorted(found, key=lambda t: t[0])]

    def wait_for(self, n, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.messages()
            if len(got) >= n:
                return got
            time.sleep(0.05)
        return self.messages()


@pytest.fixture
def sink(tmp_path):
    s = Sink(tmp_path)
    yield s
    s.stop()


def mail_host(data_dir, sink, *extra):
    return Host(data_dir, ["--smtp-url", sink.url, "--smtp-tls", "none", "--smtp-from",
                           "Amani Helpline <no-reply@amani.example>", *extra])


def signed_up(h, sink):
    """An organisation signed up (OctaPy Au1) whose admin opened the link of
    the delivered verification mail."""
    org = h.sign_up(verify=False)
    [mail] = [m for m in sink.wait_for(1) if m["To"] == org.email]
    link = re.search(r"/verify/[A-Za-z0-9_-]+", plain_text(mail)).group(0)
    assert h.get(link).status_code == 302
    return org


def plain_text(message):
    part = message.get_body(preferencelist=("plain",))
    return part.get_content()


def test_a_sign_up_and_a_reset_are_finished_from_the_delivered_mails(tmp_path, sink):
    h = mail_host(tmp_path / "data", sink)
    try:
        owner = unique("owner") + "@example.com"
        r = h.post("/signUp", json={"companyName": "Amani Helpline", "email": owner, "phone": "+254 700 000003",
                                    "password": STRONG_PASSWORD})
        assert r.json() == {"STATUS": "OK"}, r.text
        [verify] = sink.wait_for(1)
        assert verify["Subject"] == "Verify your email address"
        assert verify["To"] == owner
        assert verify["From"].addresses[0].addr_spec == "no-reply@amani.example"
        assert verify["Message-ID"].endswith("@amani.example>")
        text = plain_text(verify)
        assert text.startswith("Welcome to Amani Helpline.\n")
        html = verify.get_body(preferencelist=("html",)).get_content()
        link = re.search(r"(http://127\.0\.0\.1:\d+/verify/[A-Za-z0-9_-]+)\n", text).group(1)
        assert 'href="%s"' % link in html
        # The person opens the link: the host verifies the address and sends them to sign in.
        assert link.startswith(h.url)
        r = h.get(link[len(h.url):])
        assert r.status_code == 302 and r.headers["Location"] == "/signIn?verified=1"
        assert len(h.sign_in(owner, STRONG_PASSWORD)) == 32

        # The outbox row says it went, and no longer holds the key.
        deadline = time.time() + 10
        while h.api.outbox(owner)[0]["status"] != "sent" and time.time() < deadline:
            time.sleep(0.05)
        row = h.api.outbox(owner)[0]
        assert row["status"] == "sent" and row["body"] == "" and row["attempts"] == 1
        assert row["reply"].startswith("250 ") and row["message_id"] == verify["Message-ID"]

        ok(h.post("/resetPwd", json={"email": owner}))
        reset = sink.wait_for(2)[1]
        assert reset["Subject"] == "Your password reset code"
        code = re.search(r"Your one-time code: (\d{6})\n", plain_text(reset)).group(1)
        ok(h.post("/resetPwd", json={"email": owner, "code": code, "password": "New-Password-77"}))
        assert len(h.sign_in(owner, "New-Password-77")) == 32
        ko(h.post("/signIn", json={"email": owner, "password": STRONG_PASSWORD}),
           "credentials didn't match")
    finally:
        assert h.stop() == 0


def test_an_organisation_sets_its_templates_and_its_own_server(tmp_path, sink):
    own = Sink(tmp_path)
    h = mail_host(tmp_path / "data", sink)
    try:
        org = signed_up(h, sink)
        auth = org.bearer()
        templates = chs_ok(h.get("/eproc/mail/templates", headers=auth), 200, "templates")
        assert [t["kind"] for t in templates] == ["verify", "reset", "ticket_created", "ticket_assigned",
                                                  "ticket_replied", "ticket_closed"]
        assert templates[1]["placeholders"] == ["organisation", "code", "minutes"]
        assert all(t["is_default"] for t in templates)

        bad = {"kind": "reset", "subject": "Code", "text": "Open {{link}}"}
        chs_error(h.post("/eproc/mail/templates", json=bad, headers=auth), 412,
                  "the reset mail has no placeholder {{link}} (it has organisation, code, minutes)",
                  "invalid_argument", "mail", "", "text")
        chs_error(h.post("/eproc/mail/templates", json={"kind": "fax", "subject": "s", "text": "t"}, headers=auth),
                  412, "there is no mail template \"fax\" (verify, reset, ticket_created, ticket_assigned, "
                  "ticket_replied, ticket_closed)", "invalid_argument", "mail", "", "kind")
        [saved] = chs_ok(h.post("/eproc/mail/templates", headers=auth,
                                json={"kind": "reset", "subject": "{{organisation}} code",
                                      "text": "Code: {{code}} ({{minutes}} min)"}), 202, "templates")
        assert saved["is_default"] is False

        settings = chs_ok(h.post("/eproc/mail/settings", headers=auth,
                                 json={"smtp_url": own.url, "tls": "none", "from": "Desk <desk@org.example>"}),
                          202, "settings")
        assert settings["own"] is True and settings["has_password"] is False
        chs_error(h.post("/eproc/mail/settings", headers=auth, json={"smtp_url": "ftp://x", "tls": "none"}),
                  412, "the SMTP url starts smtp:// or smtps://", "invalid_argument", "mail", "", "smtp_url")

        ok(h.post("/resetPwd", json={"email": org.email}))
        [mail] = own.wait_for(1)
        assert mail["Subject"] == org.company + " code"
        assert re.fullmatch(r"Code: \d{6} \(15 min\)\n?", plain_text(mail))
        assert mail["From"].addresses[0].addr_spec == "desk@org.example"
        assert len(sink.messages()) == 1  # the host's server had the verification mail only

        test = chs_ok(h.post("/eproc/mail/test", headers=auth, json={"to": "check@example.org"}), 200, "test")
        assert test["accepted"] is True and test["server"] == own.url and test["reply"].startswith("250 ")
        assert own.wait_for(2)[1]["Subject"] == "switchboard test mail"
        chs_error(h.post("/eproc/mail/test", headers=auth, json={"to": "nobody"}), 412,
                  "to isn't a valid address", "invalid_argument", "mail", "", "to")

        [back] = chs_ok(h.session.delete(h.url + "/eproc/mail/templates/reset", headers=auth), 202, "templates")
        assert back["is_default"] is True and back["subject"] == "Your password reset code"
    finally:
        assert h.stop() == 0
        own.stop()


def test_a_host_killed_while_sending_loses_no_mail_and_resends_none_the_server_took(tmp_path):
    # Each DATA is answered after 0.25 s: a kill lands while mails are on the wire.
    slow = Sink(tmp_path, "--slow-data", "0.25")
    data = tmp_path / "data"
    # A short lease: the mails on the wire at the kill are taken up again soon after the restart.
    lease = ("--job-workers", "2", "--job-lease-ms", "2000")
    h = mail_host(data, slow, *lease)
    try:
        org = h.sign_up(verify=False)
        for _ in range(11):
            ok(h.post("/resetPwd", json={"email": org.email}))
        slow.wait_for(3)
        h.stop(signal.SIGKILL)
        rows = h.api.outbox(org.email)
        assert len(rows) == 12
        sent_before = {r["message_id"] for r in rows if r["status"] == "sent"}
        assert 3 <= len(sent_before) < 12
        h._api.close()
        h._api = None

        h = mail_host(data, slow, *lease)
        deadline = time.time() + 30
        while time.time() < deadline and any(r["status"] != "sent" for r in h.api.outbox(org.email)):
            time.sleep(0.1)
        rows = h.api.outbox(org.email)
        assert [r["status"] for r in rows] == ["sent"] * 12
        delivered = [m["Message-ID"] for m in slow.messages()]
        # Every mail arrived; none the store had marked sent was sent again.
        assert set(delivered) == {r["message_id"] for r in rows}
        for mid in sent_before:
            assert delivered.count(mid) == 1, mid
        # A mail the server took in the instant before the kill, and the
        # store had not yet marked, may arrive twice: at most one per worker.
        assert len(delivered) - 12 <= 2
    finally:
        if h.proc.poll() is None:
            assert h.stop() == 0
        slow.stop()
