"""`switchboard mail test`: one mail sent with the SMTP settings given, to a
real SMTP server the test starts on loopback (Debian's python3-aiosmtpd)."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

from conftest import run


class Keep:
    """An aiosmtpd handler that keeps what it is given."""

    def __init__(self):
        self.mails = []

    async def handle_DATA(self, server, session, envelope):
        self.mails.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 2.0.0 Ok: queued as T1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    handler = Keep()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler
    finally:
        controller.stop()


def test_a_test_mail_is_accepted_and_says_what_the_server_said(smtp):
    port, handler = smtp
    out = run("mail", "test", "--to", "agent@example.org", "--smtp-url", f"smtp://127.0.0.1:{port}",
              "--smtp-tls", "none", "--from", "Acme Helpline <help@acme.example>")
    assert out.returncode == 0, out.stderr
    assert out.stdout == "accepted: 250 2.0.0 Ok: queued as T1\n"
    assert len(handler.mails) == 1
    sender, recipients, content = handler.mails[0]
    assert (sender, recipients) == ("help@acme.example", ["agent@example.org"])
    m = email.message_from_bytes(content, policy=email.policy.default)
    assert m["subject"] == "switchboard test mail"
    assert m["from"] == "Acme Helpline <help@acme.example>"
    assert "switchboard mail test" in m.get_content()


def test_a_server_that_is_not_there_is_exit_1_with_the_reason():
    out = run("mail", "test", "--to", "agent@example.org", "--smtp-url", f"smtp://127.0.0.1:{free_port()}",
              "--smtp-tls", "none", "--timeout", "2")
    assert out.returncode == 1
    assert out.stdout.startswith("not sent, try again: ") and "onnect" in out.stdout, out.stdout


def test_tls_is_required_unless_told_otherwise(smtp):
    port, handler = smtp
    out = run("mail", "test", "--to", "agent@example.org", "--smtp-url", f"smtp://127.0.0.1:{port}")
    assert out.returncode == 1
    assert handler.mails == []


def test_usage_errors():
    out = run("mail", "test", "--smtp-url", "smtp://127.0.0.1:25")
    assert out.returncode == 2 and "mail test needs --to ADDRESS" in out.stderr
    out = run("mail", "test", "--to", "agent@example.org")
    assert out.returncode == 2 and "mail test needs --smtp-url" in out.stderr  # and no SWITCHBOARD_HOST_SMTP_URL
    out = run("mail", "test", "--to", "not an address", "--smtp-url", "smtp://127.0.0.1:25", "--smtp-tls", "none")
    assert out.returncode == 1 and out.stderr == "switchboard: to isn't a valid address\n"
    out = run("mail", "test", "--to", "agent@example.org", "--smtp-url", "http://mail.example.org")
    assert out.returncode == 1 and out.stderr == "switchboard: the SMTP url starts smtp:// or smtps://\n"


def test_the_hosts_settings_in_the_environment_serve_when_no_option_is_given(smtp):
    import os
    import subprocess

    from conftest import CLI_BINARY
    if not CLI_BINARY:
        pytest.skip("SWITCHBOARD_CLI is not set (run the tests through ctest)")
    port, handler = smtp
    env = {**os.environ, "SWITCHBOARD_HOST_SMTP_URL": f"smtp://127.0.0.1:{port}", "SWITCHBOARD_HOST_SMTP_TLS": "none",
           "SWITCHBOARD_HOST_SMTP_FROM": "Acme Desk <desk@acme.example>"}
    out = subprocess.run([CLI_BINARY, "mail", "test", "--to", "agent@example.org"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "accepted: 250 2.0.0 Ok: queued as T1\n"
    sender, recipients, _ = handler.mails[0]
    assert (sender, recipients) == ("desk@acme.example", ["agent@example.org"])
