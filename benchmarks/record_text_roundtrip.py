#!/usr/bin/python3
"""OctaPy record/text round trip over HTTP: POST /record/text, then
GET /report/{Ricket} until the report is ready.

Starts a switchboard-host of its own on a free loopback port with a fresh data
directory (or uses --url with --email/--password of an organisation's admin),
creates a developer key and token, and times N round trips of a 2 KB
support-conversation text, one at a time over one keep-alive connection.
Prints a table of the median, p90, p99 and max, for the post alone and for
post -> report ready. The goal is a median round trip under 2 ms.

The timed requests go through a small HTTP/1.1 client over one socket
(--client raw, the default), which costs about 0.05 ms a request, so that the
figure is the host's; --client requests times them through python-requests
instead, which adds about 0.9 ms to each of the two requests.

  benchmarks/record_text_roundtrip.py --host-binary build/examples/host/switchboard-host
  benchmarks/record_text_roundtrip.py --url http://127.0.0.1:8080 --email admin@... --password ...
"""

import argparse
import gzip
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib

import requests

SENTENCES = [
    "Hello, thank you for calling, how can I help you today?",
    "I don't understand why my bill is so high this month.",
    "Hold on, let me check your account for a second.",
    "I can see a late fee was added on the fifth.",
    "I will send you a refund within 24 hours.",
    "Your competitor offered me a better deal, to be honest.",
    "If this is not fixed I will talk to my lawyer.",
    "We'll call you back by tomorrow with the details.",
    "Basically the fee should not have been charged.",
    "Is there anything else I can help you with?",
]


# What a browser sends with a fetch() from a page (Chromium 120 on Linux).
BROWSER_HEADERS = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    "Accept": "application/json, text/plain, */*",
    "Accept-Encoding": "gzip, deflate, br",
    "Accept-Language": "en-GB,en-US;q=0.9,en;q=0.8",
    "Sec-Fetch-Mode": "cors",
    "Sec-Fetch-Site": "same-origin",
}


def make_text(size=2048):
    out, i = [], 0
    while sum(len(s) + 1 for s in out) < size:
        out.append(SENTENCES[i % len(SENTENCES)])
        i += 1
    return " ".join(out)[:size]


def percentile(values, p):
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * (len(s) - 1)))))
    return s[k]


class LocalHost:
    def __init__(self, binary, workers):
        self.dir = tempfile.mkdtemp(prefix="sb-bench-")
        args = [binary, "--port", "0", "--data", self.dir, "--pwhash-opslimit", "1", "--pwhash-memlimit", "8192"]
        if workers:
            args += ["--text-workers", str(workers)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.url = None
        self.email = self.password = None
        deadline = time.time() + 20
        while time.time() < deadline and self.url is None:
            line = self.proc.stdout.readline()
            if not line:
                break
            m = re.match(r"demo admin: email=(\S+) password=(\S+)", line)
            if m:
                self.email, self.password = m.group(1), m.group(2)
            m = re.fullmatch(r"listening on (http://\S+)\n?", line)
            if m:
                self.url = m.group(1)
        if self.url is None or self.email is None:
            self.close()
            sys.exit("switchboard-host did not start")
        # The request log (one line per request) must not fill the pipe.
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def check(r):
    body = r.json()
    if body.get("STATUS") != "OK":
        sys.exit("unexpected answer: %s" % r.text)
    return body


class RawAnswer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body
        self.text = body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


class RawClient:
    """HTTP/1.1 over one keep-alive socket: the request written in one send,
    the answer read by its Content-Length or chunks, a gzip or deflate body
    decoded as a browser would."""

    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host = u.netloc
        self.sock = socket.create_connection((u.hostname, u.port or 80))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        self.sock.close()

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the host closed the connection")
        self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _take(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def request(self, method, path, headers, body=None):
        lines = ["%s %s HTTP/1.1" % (method, path), "Host: " + self.host]
        lines += ["%s: %s" % kv for kv in headers.items()]
        payload = b""
        if body is not None:
            payload = json.dumps(body).encode()
            lines += ["Content-Type: application/json", "Content-Length: %d" % len(payload)]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        status = int(self._line().split(b" ", 2)[1])
        fields = {}
        while True:
            line = self._line()
            if not line:
                break
            name, _, value = line.decode("latin-1").partition(":")
            fields[name.strip().lower()] = value.strip()
        if fields.get("transfer-encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self._line().split(b";")[0], 16)
                if size == 0:
                    while self._line():
                        pass
                    break
                data += self._take(size)
                self._take(2)
        else:
            data = self._take(int(fields.get("content-length", "0")))
        coding = fields.get("content-encoding", "").lower()
        if coding == "gzip":
            data = gzip.decompress(data)
        elif coding == "deflate":
            data = zlib.decompress(data)
        return RawAnswer(status, fields, data)

    def post(self, url, json=None, headers=None):
        return self.request("POST", url, headers or {}, json)

    def get(self, url, headers=None):
        return self.request("GET", url, headers or {})


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host-binary", default=os.environ.get("SWITCHBOARD_HOST", "build/examples/host/switchboard-host"))
    ap.add_argument("--url", help="use a running host instead of starting one")
    ap.add_argument("--email", help="admin email (with --url)")
    ap.add_argument("--password", help="admin password (with --url)")
    ap.add_argument("-n", "--rounds", type=int, default=500)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--bytes", type=int, default=2048)
    ap.add_argument("--text-workers", type=int, default=0, help="--text-workers of the started host")
    ap.add_argument("--browser-headers", action="store_true",
                    help="send a browser's headers (Accept-Encoding: gzip, deflate, br, User-Agent, Accept ...)")
    ap.add_argument("--client", choices=("raw", "requests"), default="raw",
                    help="the client of the timed requests: a small one over a socket (default) or python-requests")
    args = ap.parse_args()

    local = None
    if args.url:
        if not (args.email and args.password):
            sys.exit("--url needs --email and --password of an admin")
        url, email, password = args.url.rstrip("/"), args.email, args.password
    else:
        local = LocalHost(args.host_binary, args.text_workers)
        url, email, password = local.url, local.email, local.password
    try:
        s = requests.Session()
        access = check(s.post(url + "/signIn", json={"email": email, "password": password}))["accessToken"]
        username = "bench%d" % os.getpid()
        key = check(s.post(url + "/settings/addDevKey", json={"username": username},
                           headers={"accessToken": access}))["passKey"]
        token = check(s.post(url + "/apiReq", json={"email": email, "userName": username, "devKey": key}))["devToken"]
        text = make_text(args.bytes)
        headers = {"devToken": token}
        if args.browser_headers:
            headers.update(BROWSER_HEADERS)

        if args.client == "raw":
            client, base = RawClient(url), ""
        else:
            client, base = s, url
        posts, rounds, polls = [], [], []
        for i in range(args.warmup + args.rounds):
            t0 = time.perf_counter()
            ricket = check(client.post(base + "/record/text", json={"TextContent": text, "TicketNo": "B-%d" % i},
                                       headers=headers))["Ricket"]
            t1 = time.perf_counter()
            n = 0
            while True:
                n += 1
                data = check(client.get(base + "/report/" + ricket, headers=headers))["DATA"]
                if data["status"] != "pending":
                    break
            t2 = time.perf_counter()
            if data["status"] != "ready":
                sys.exit("report failed: %s" % data)
            if i >= args.warmup:
                posts.append((t1 - t0) * 1000)
                rounds.append((t2 - t0) * 1000)
                polls.append(n)
        findings = len(data["findings"])
        if client is not s:
            client.close()
    finally:
        if local:
            local.close()

    print("record/text round trip over HTTP: %d rounds of a %d-byte text (%d findings), one connection, %s, %s"
          % (args.rounds, len(text.encode()), findings,
             "a browser's headers" if args.browser_headers else "python-requests' headers",
             "a client over a socket" if args.client == "raw" else "python-requests as the client"))
    print("%-28s %9s %9s %9s %9s" % ("", "median", "p90", "p99", "max"))
    for name, values in (("POST /record/text (ms)", posts), ("post -> report ready (ms)", rounds)):
        print("%-28s %9.3f %9.3f %9.3f %9.3f" % (name, statistics.median(values), percentile(values, 90),
                                                 percentile(values, 99), max(values)))
    print("%-28s %9.1f %9d %9d %9d" % ("GETs until ready", statistics.median(polls), percentile(polls, 90),
                                      percentile(polls, 99), max(polls)))
    median = statistics.median(rounds)
    print("goal: median round trip under 2 ms: %s (%.3f ms)" % ("met" if median < 2 else "NOT met", median))


if __name__ == "__main__":
    main()
