"""The host against slow, oversized and malformed clients: slow headers,
chunked bodies past the limit, bad framing, bodiless POSTs, forged log
lines, and the configurable timeouts and connection limit. Each talks to
the host over a raw socket, so that it sends exactly the bytes it means."""

import concurrent.futures
import json
import re
import socket
import threading
import time

import requests

from conftest import bearer, ok

# "At once": well before any timeout of the host (5 s and more) yet with room
# for a loaded machine (ctest -j2 on two cores).
AT_ONCE = 2.5


def raw(port, data, timeout=10.0):
    """Sends `data` on a fresh connection; returns (status, head, body,
    seconds until the answer was complete or the host closed)."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        return read_answer(s, start)


def read_answer(s, start):
    buf = b""
    while True:
        head, sep, rest = buf.partition(b"\r\n\r\n")
        if sep:
            m = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
            if m and len(rest) >= int(m.group(1)):
                break
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        buf += chunk
    elapsed = time.monotonic() - start
    head, _, body = buf.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/1.1 ") else None
    return status, head.decode("latin-1"), body, elapsed


def test_slow_header_clients_never_stop_others_being_served(fresh_host):
    """64 connections each sending one header byte every 2 s (slowloris):
    a normal client is still answered at once, again and again."""
    h = fresh_host("--no-demo", "--threads", "4")
    stop = threading.Event()
    slow = []
    for _ in range(64):
        s = socket.create_connection(("127.0.0.1", h.port), timeout=10)
        slow.append(s)

    def dribble():
        header = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
        for i in range(len(header)):
            for s in slow:
                try:
                    s.send(header[i:i + 1])
                except OSError:
                    pass
            if stop.wait(2.0):
                return

    t = threading.Thread(target=dribble, daemon=True)
    t.start()
    try:
        times = []
        for _ in range(6):
            start = time.monotonic()
            r = requests.get(h.url + "/signIn", timeout=5)
            times.append(time.monotonic() - start)
            assert r.status_code == 200 and "<form" in r.text
            time.sleep(0.5)
        assert max(times) < AT_ONCE, times
    finally:
        stop.set()
        t.join(5)
        for s in slow:
            s.close()


def test_header_timeout_closes_a_slow_header(fresh_host):
    h = fresh_host("--no-demo", "--header-timeout-ms", "500")
    with socket.create_connection(("127.0.0.1", h.port), timeout=10) as s:
        start = time.monotonic()
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        while s.recv(4096):  # the host closes (the client's own timeout is 10 s)
            pass
        assert 0.4 < time.monotonic() - start < 5.0


def test_idle_keep_alive_connections_are_closed_after_the_idle_timeout(fresh_host):
    h = fresh_host("--no-demo", "--idle-timeout-ms", "300")
    with socket.create_connection(("127.0.0.1", h.port), timeout=10) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        status, head, _, _ = read_answer(s, time.monotonic())
        assert status == 200 and "keep-alive: max" not in head.lower()
        start = time.monotonic()
        assert s.recv(4096) == b""  # closed by the host, not by the client's timeout
        assert 0.2 < time.monotonic() - start < 5.0


def test_keep_alive_serves_many_requests_on_one_connection(host):
    with socket.create_connection(("127.0.0.1", host.port), timeout=10) as s:
        for _ in range(20):
            s.sendall(b"GET /signIn HTTP/1.1\r\nHost: x\r\n\r\n")
            status, head, body, _ = read_answer(s, time.monotonic())
            assert status == 200 and b"<form" in body
            assert "connection: close" not in head.lower()


def test_pipelined_requests_are_all_answered_in_order(host):
    """200 requests sent in one write, before any answer is read: each is
    answered, in order, on the one connection."""
    paths = [b"/health", b"/signIn", b"/no/such/path"] * 67
    with socket.create_connection(("127.0.0.1", host.port), timeout=10) as s:
        s.sendall(b"".join(b"GET " + p + b" HTTP/1.1\r\nHost: x\r\n\r\n" for p in paths))
        buf = b""
        for p in paths:
            while True:
                head, sep, rest = buf.partition(b"\r\n\r\n")
                m = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head) if sep else None
                if m and len(rest) >= int(m.group(1)):
                    break
                chunk = s.recv(65536)
                assert chunk, "closed before the answer to %s" % p
                buf += chunk
            status = int(head.split(b" ")[1])
            assert status == {b"/health": 200, b"/signIn": 200, b"/no/such/path": 404}[p], (p, head)
            assert (b"<form" in rest[:int(m.group(1))]) == (p == b"/signIn")
            buf = rest[int(m.group(1)):]
        assert buf == b""


def test_a_busy_connection_outlives_the_idle_timeout(fresh_host):
    """Requests every 0.1 s for 1.2 s with an idle timeout of 0.3 s: the
    connection stays open, as it is never idle that long."""
    h = fresh_host("--no-demo", "--idle-timeout-ms", "300")
    with socket.create_connection(("127.0.0.1", h.port), timeout=10) as s:
        for _ in range(12):
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            status, _, _, _ = read_answer(s, time.monotonic())
            assert status == 200
            time.sleep(0.1)
        start = time.monotonic()
        assert s.recv(4096) == b""  # then idle: closed
        assert 0.15 < time.monotonic() - start < 5.0


def test_a_client_that_reads_slowly_gets_every_answer_whole(host):
    """100 pipelined requests for a 77 KB answer from a client with a small
    receive buffer that waits before reading: more than the sockets hold
    (the host's writes stop part-way and go on as the client reads), yet
    every answer arrives whole and in order."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(10)
        s.connect(("127.0.0.1", host.port))
        s.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n" * 100)
        time.sleep(0.5)
        buf, bodies = b"", []
        while len(bodies) < 100:
            head, sep, rest = buf.partition(b"\r\n\r\n")
            m = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head) if sep else None
            if m and len(rest) >= int(m.group(1)):
                assert head.startswith(b"HTTP/1.1 200 ")
                bodies.append(rest[:int(m.group(1))])
                buf = rest[int(m.group(1)):]
                continue
            chunk = s.recv(1 << 20)
            assert chunk, "closed after %d answers" % len(bodies)
            buf += chunk
    assert len(bodies[0]) > 50_000 and len(bodies) * len(bodies[0]) > 5_000_000
    assert all(b == bodies[0] for b in bodies)
    assert json.loads(bodies[0])["openapi"].startswith("3.1")


def test_chunked_bodies_are_limited_as_sized_ones(fresh_host):
    """A chunked body past --max-body is refused (413) as soon as it passes
    the limit, not after the host has read it all."""
    h = fresh_host("--no-demo", "--max-body", "65536")
    org = h.sign_up()
    with socket.create_connection(("127.0.0.1", h.port), timeout=10) as s:
        s.sendall(b"POST /eproc/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + org.session.encode() +
                  b"\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n%s\r\n" % (16384, b"x" * 16384)
        start = time.monotonic()
        for _ in range(5):  # 80 KiB: past the limit; the client stops there
            s.sendall(chunk)
        status, head, body, elapsed = read_answer(s, start)
    assert status == 413, head
    assert b"request body is too large" in body
    assert "connection: close" in head.lower()
    assert elapsed < AT_ONCE
    assert org.total("users", usn="x") == 0


def test_four_huge_chunked_bodies_do_not_raise_memory(fresh_host):
    h = fresh_host("--no-demo")  # max-body 1 MiB
    before = rss_kb(h.proc.pid)

    def send_big():
        with socket.create_connection(("127.0.0.1", h.port), timeout=20) as s:
            s.sendall(b"POST /signUp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Transfer-Encoding: chunked\r\n\r\n")
            piece = b"%x\r\n%s\r\n" % (1 << 20, b"y" * (1 << 20))
            try:
                for _ in range(45):  # 45 MiB, as long as the host reads
                    s.sendall(piece)
            except OSError:
                pass
            return read_answer(s, time.monotonic())[0]

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda _: send_big(), range(4)))
    assert all(st in (413, None) for st in statuses), statuses
    assert 413 in statuses
    assert rss_kb(h.proc.pid) - before < 64 * 1024  # well under the 180 MiB sent


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_bad_framing_is_refused_at_once(host):
    cases = [
        (b"POST /signUp HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc", 501,
         b"transfer encoding not supported"),
        (b"POST /signUp HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400, b"bad request"),
        (b"POST /signUp HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n", 400, b"bad request"),
        (b"POST /signUp HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400,
         b"bad request"),
        (b"PUT /signUp HTTP/1.1\r\nHost: x\r\n\r\n", 411, b"a request body needs a Content-Length"),
        (b"PATCH /eproc/users/1 HTTP/1.1\r\nHost: x\r\n\r\n", 411, b"a request body needs a Content-Length"),
    ]
    for request, status, words in cases:
        got, head, body, elapsed = raw(host.port, request)
        assert got == status, (request, head, body)
        assert words in body, (request, body)
        assert elapsed < AT_ONCE, (request, elapsed)
        assert "connection: close" in head.lower()


def test_oversized_headers_are_refused(host):
    got, _, body, elapsed = raw(host.port, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"h" * 40000 +
                                b"\r\n\r\n")
    assert got == 431 and b"request headers are too large" in body and elapsed < AT_ONCE


def test_a_post_without_a_body_is_an_empty_body_answered_at_once(host, org):
    # OctaPy: an empty body is an empty object, so the sign-in names what is missing.
    got, _, body, elapsed = raw(host.port, b"POST /signIn HTTP/1.1\r\nHost: x\r\n\r\n")
    assert got == 200 and elapsed < AT_ONCE
    assert b'"STATUS":"KO"' in body
    # OpenCHS: an authenticated POST with no body.
    got, _, body, elapsed = raw(host.port, b"POST /eproc/logout HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                org.session.encode() + b"\r\n\r\n")
    assert got == 200 and elapsed < AT_ONCE and b"loggedoff" in body, body
    assert host.get("/eproc/users", headers=bearer(org.session)).status_code == 401  # it did log out
    r = requests.post(host.url + "/signIn", timeout=5)  # as `curl -X POST` sends it
    assert r.status_code == 200 and r.json()["STATUS"] == "KO"


def test_request_paths_are_escaped_in_the_log(host):
    forged = "2026-01-01T00:00:00.000Z GET /forged 200 0.1ms"
    path = "/no%0d%0a" + forged.replace(" ", "%20")
    got, _, _, _ = raw(host.port, ("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % path).encode())
    assert got == 404
    deadline = time.time() + 5
    while time.time() < deadline and not any("/no%0D%0A" in l for l in host.lines):
        time.sleep(0.05)
    line = next(l for l in host.lines if "/no%0D%0A" in l)
    assert line.endswith(" 404 " + line.split(" ")[-1]) and "%20GET%20/forged" in line
    assert forged not in host.lines


def test_the_connection_limit_answers_busy(fresh_host):
    h = fresh_host("--no-demo", "--max-connections", "4")
    held = [socket.create_connection(("127.0.0.1", h.port), timeout=10) for _ in range(4)]
    try:
        time.sleep(0.2)
        got, _, body, elapsed = raw(h.port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert got == 503 and b"too many connections" in body and elapsed < AT_ONCE
    finally:
        for s in held:
            s.close()
    time.sleep(0.3)
    r = requests.get(h.url + "/metrics", timeout=5)
    assert r.status_code == 200
    metrics = r.text
    assert re.search(r"^switchboard_http_refused_connections_total 1$", metrics, re.M), metrics


def test_timeouts_and_limits_are_validated(fresh_host):
    import subprocess
    from conftest import HOST_BINARY
    for args, words in ((["--header-timeout-ms", "5"], "--header-timeout-ms must be between 100 and"),
                        (["--max-connections", "0"], "--max-connections must be between 1 and"),
                        (["--compress-level", "10"], "--compress-level must be between 1 and 9")):
        out = subprocess.run([HOST_BINARY, *args], capture_output=True, text=True, timeout=30)
        assert out.returncode == 2 and words in out.stderr, out.stderr


def test_compression_by_size_and_by_client(fresh_host):
    h = fresh_host("--no-demo", "--compress-loopback", "--compress-min-bytes", "4096")
    org = h.sign_up()
    for n in range(20):
        assert h.post("/eproc/tickets", json={"narrative": "caller %d asks about the delivery of order %d" % (n, n)},
                      headers=org.bearer()).status_code == 201
    url = h.url + "/eproc/tickets"
    big = requests.get(url, params={"_c": 20}, headers={**org.bearer(), "Accept-Encoding": "gzip, deflate, br"},
                       timeout=5)
    plain = requests.get(url, params={"_c": 20}, headers={**org.bearer(), "Accept-Encoding": "identity"}, timeout=5)
    assert big.headers["Content-Encoding"] == "gzip" and big.headers["Vary"] == "Accept-Encoding"
    assert "Content-Encoding" not in plain.headers
    assert big.json() == plain.json() and len(plain.content) >= 4096
    assert int(big.headers["Content-Length"]) < len(plain.content) / 3
    # Below the size, as it is.
    small = requests.get(url, params={"_c": 1}, headers={**org.bearer(), "Accept-Encoding": "gzip"}, timeout=5)
    assert "Content-Encoding" not in small.headers
    # By default a client on this machine gets no compression.
    h2 = fresh_host("--no-demo", "--compress-min-bytes", "1024")
    r = requests.get(h2.url + "/metrics", headers={"Accept-Encoding": "gzip"}, timeout=5)
    assert len(r.content) > 1024 and "Content-Encoding" not in r.headers


def test_cors_allow_list(fresh_host):
    h = fresh_host("--no-demo", "--cors-origins", "https://console.example.org, https://wall.example.org")
    org = h.sign_up()
    allowed = {"Origin": "https://console.example.org"}
    pre = requests.options(h.url + "/eproc/tickets", headers={**allowed, "Access-Control-Request-Method": "POST",
                                                             "Access-Control-Request-Headers": "XAuthorization"},
                           timeout=5)
    assert pre.status_code == 204
    assert pre.headers["Access-Control-Allow-Origin"] == "https://console.example.org"
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "XAuthorization" in pre.headers["Access-Control-Allow-Headers"]
    r = requests.get(h.url + "/eproc/tickets", headers={**allowed, **org.bearer()}, timeout=5)
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == "https://console.example.org"
    assert "Origin" in r.headers["Vary"]
    # Another origin: no CORS headers, and its preflight is refused.
    other = {"Origin": "https://evil.example.com"}
    r = requests.get(h.url + "/eproc/tickets", headers={**other, **org.bearer()}, timeout=5)
    assert r.status_code == 200 and "Access-Control-Allow-Origin" not in r.headers
    pre = requests.options(h.url + "/eproc/tickets", headers={**other, "Access-Control-Request-Method": "GET"},
                           timeout=5)
    assert pre.status_code == 403 and "Access-Control-Allow-Origin" not in pre.headers
    # Without an allow-list, no origin is allowed.
    h2 = fresh_host("--no-demo")
    pre = requests.options(h2.url + "/health", headers={**allowed, "Access-Control-Request-Method": "GET"},
                           timeout=5)
    assert pre.status_code == 403
