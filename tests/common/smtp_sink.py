"""An SMTP server for the tests, on loopback: Debian's python3-aiosmtpd,
storing each message it accepts in a Maildir (DIR/new/), as the server
received it, with its envelope in X-MailFrom and X-RcptTo.

Recipients whose local part says so are refused:
  refuse-...@   550 5.1.1 (for good)
  defer-...@    451 4.3.0 (try again later)
With --slow-data SECONDS the reply to DATA waits that long before the
message is stored (a sender can be killed in between); with --after-data
SECONDS it waits that long after storing it, before the 250 goes.

With --tls-cert FILE --tls-key FILE the server offers STARTTLS; with --auth
USER:PASSWORD it takes mail only after AUTH PLAIN or LOGIN with them, and
only over TLS when TLS is offered (a wrong password: 535).

    /usr/bin/python3 tests/common/smtp_sink.py --port 2525 --maildir DIR
Runs until SIGTERM or SIGINT; prints "ready" once it listens.
"""
import argparse
import asyncio
import mailbox
import signal
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Sink:
    def __init__(self, maildir, slow_data, after_data):
        self.box = mailbox.Maildir(maildir, create=True)
        self.slow_data = slow_data
        self.after_data = after_data

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("refuse-"):
            return "550 5.1.1 <%s>: no such mailbox here" % address
        if local.startswith("defer-"):
            return "451 4.3.0 <%s>: mailbox busy, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.slow_data:
            await asyncio.sleep(self.slow_data)
            if server.transport is None or server.transport.is_closing():
                return "421 4.4.2 the client went away"
        head = "X-MailFrom: %s\r\nX-RcptTo: %s\r\n" % (envelope.mail_from, ", ".join(envelope.rcpt_tos))
        self.box.add(head.encode() + envelope.original_content)
        if self.after_data:
            await asyncio.sleep(self.after_data)
        return "250 2.0.0 OK: queued"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--maildir", required=True)
    p.add_argument("--slow-data", type=float, default=0.0)
    p.add_argument("--after-data", type=float, default=0.0)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--auth", help="USER:PASSWORD")
    a = p.parse_args()
    options = {}
    if a.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(a.tls_cert, a.tls_key)
        options.update(tls_context=context, require_starttls=True)
    if a.auth:
        user, password = a.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)  # a refusal is answered 535
        options.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(a.tls_cert))
    controller = Controller(Sink(a.maildir, a.slow_data, a.after_data), hostname="127.0.0.1", port=a.port,
                            decode_data=False, **options)
    controller.start()
    print("ready", flush=True)
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
