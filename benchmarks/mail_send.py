#!/usr/bin/python3
"""Mail out: 1,000 mails through the mailer to an SMTP server on loopback.

    PYTHONPATH=build/bindings/python /usr/bin/python3 benchmarks/mail_send.py [--mails 1000] [--workers 2]

In one run, in a temporary directory removed at the end: starts
tests/common/smtp_sink.py (Debian's python3-aiosmtpd, storing each message in
a Maildir) on a free loopback port, opens a database with the server
configured, writes --mails password-reset mails (each a reset code and its
outbox row in one transaction, as a person's request does) and waits until
every row is sent. Prints:

- the sending rate: mails accepted by the server a second, from the first
  mail written to the last one accepted;
- the latency from queued (the row's created_ms) to accepted (its sent_ms):
  median, p99 and max with all of them queued at once, and the median for
  50 more written one after the other (what a person waits for);
- the peer, in the same run against the same server: Python's smtplib
  sending the same number of messages of the same size, one SMTP session
  each (as the mailer does), from one thread and from --workers threads;
  and the ratios.

Every message is checked to have arrived once (the Maildir holds --mails
files for each side). The server is stopped by its PID at the end.
"""

import argparse
import os
import shutil
import signal
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SINK = os.path.join(REPO, "tests", "common", "smtp_sink.py")


ALONE = 50  # mails written one after the other's acceptance


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def count(maildir):
    new = os.path.join(maildir, "new")
    return len(os.listdir(new)) if os.path.isdir(new) else 0


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


def mailer_run(switchboard, directory, url, mails, workers):
    """Writes `mails` reset mails; returns (seconds, latencies in ms)."""
    db = switchboard.Database(os.path.join(directory, "sb.db"), pwhash_opslimit=1, pwhash_memlimit=8192,
                              job_workers=workers, smtp_url=url, smtp_tls="none",
                              smtp_from="Bench Helpline <no-reply@bench.example>")
    try:
        db.sign_up("Bench Helpline", "owner@bench.example", "+254 700 000 009", "Correct-Horse-42",
                   email_verified=True)
        start = time.time()
        for _ in range(mails):
            db.request_password_reset("owner@bench.example")
        written = time.time()
        deadline = time.time() + 600
        while time.time() < deadline:
            rows = db.outbox("owner@bench.example")
            if sum(1 for r in rows if r["status"] == "sent") == mails:
                break
            failed = [r for r in rows if r["status"] == "failed"]
            if failed:
                raise SystemExit("a mail failed: %s" % failed[0]["last_error"])
            time.sleep(0.05)
        else:
            raise SystemExit("the mails were not all sent within 600 s")
        rows = db.outbox("owner@bench.example")
        first = min(r["created_ms"] for r in rows)
        last = max(r["sent_ms"] for r in rows)
        # One at a time: what a person waits for when the mailer is idle.
        alone = []
        for _ in range(ALONE):
            db.request_password_reset("owner@bench.example")
            while True:
                row = db.outbox("owner@bench.example")[-1]
                if row["status"] == "sent":
                    alone.append(row["sent_ms"] - row["created_ms"])
                    break
                time.sleep(0.002)
        return (last - first) / 1000.0, [r["sent_ms"] - r["created_ms"] for r in rows], written - start, alone
    finally:
        db.close()


def peer_run(port, mails, threads, size):
    """smtplib: `mails` messages of `size` bytes, one session each, from `threads` threads."""
    body = ("Subject: Your password reset code\r\nFrom: no-reply@bench.example\r\nTo: owner@bench.example\r\n\r\n"
            + ("x" * 70 + "\r\n") * max(1, size // 72)).encode()
    left = [mails]
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                if left[0] == 0:
                    return
                left[0] -= 1
            with smtplib.SMTP("127.0.0.1", port) as s:
                s.sendmail("no-reply@bench.example", ["owner@bench.example"], body)

    start = time.time()
    ts = [threading.Thread(target=work) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return time.time() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mails", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2, help="the mailer's job workers, and the peer's threads")
    a = ap.parse_args()
    import switchboard  # noqa: E402 (PYTHONPATH set by the caller)

    directory = tempfile.mkdtemp(prefix="sb-mail-bench-")
    sink = None
    try:
        port = free_port()
        maildir = os.path.join(directory, "maildir")
        sink = subprocess.Popen(["/usr/bin/python3", SINK, "--port", str(port), "--maildir", maildir],
                                stdout=subprocess.PIPE, text=True)
        assert sink.stdout.readline().strip() == "ready"
        url = "smtp://127.0.0.1:%d" % port

        seconds, latencies, write_s, alone = mailer_run(switchboard, directory, url, a.mails, a.workers)
        time.sleep(0.2)
        got = count(maildir)
        if got != a.mails + ALONE:
            raise SystemExit("the server holds %d messages, not %d" % (got, a.mails + ALONE))
        sizes = [os.path.getsize(os.path.join(maildir, "new", f)) for f in os.listdir(os.path.join(maildir, "new"))]
        size = int(statistics.mean(sizes))

        peer1 = peer_run(port, a.mails, 1, size)
        peer_n = peer_run(port, a.mails, a.workers, size)
        time.sleep(0.2)
        got = count(maildir)
        if got != 3 * a.mails + ALONE:
            raise SystemExit("the server holds %d messages, not %d" % (got, 3 * a.mails + ALONE))

        rate = a.mails / seconds
        print("mail out: %d mails of about %d bytes to an SMTP server on loopback (aiosmtpd)" % (a.mails, size))
        print("  switchboard mailer, %d job workers: %.0f mails/s (%.2f s from the first written to the last "
              "accepted; writing them took %.2f s)" % (a.workers, rate, seconds, write_s))
        print("    queued -> accepted, all %d queued at once: median %.1f ms, p99 %.1f ms, max %.1f ms" % (
            a.mails, statistics.median(latencies), percentile(latencies, 99), max(latencies)))
        print("    queued -> accepted, %d mails one at a time: median %.1f ms, max %.1f ms" % (
            ALONE, statistics.median(alone), max(alone)))
        print("  peer, Python smtplib, 1 thread:   %.0f mails/s   ratio %.2fx" % (a.mails / peer1, rate / (a.mails / peer1)))
        print("  peer, Python smtplib, %d threads:  %.0f mails/s   ratio %.2fx" % (
            a.workers, a.mails / peer_n, rate / (a.mails / peer_n)))
        print("  (the server is the same Python process for both; each message is one SMTP session)")
    finally:
        if sink is not None:
            sink.send_signal(signal.SIGTERM)
            sink.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
