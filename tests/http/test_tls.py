"""HTTPS: the host with a certificate and key (made here with Debian's
openssl command) serves every kind of answer over TLS: whole answers, a
streamed CSV export, the live feed over server-sent events and over a
secure WebSocket; plain HTTP on that port gets no answer."""

import json
import re
import shutil
import socket
import ssl
import subprocess
import time

import pytest
import requests

from conftest import HOST_BINARY, LOW_COST, STRONG_PASSWORD, basic, switchboard, unique

try:
    import websocket
except ImportError:
    websocket = None

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")


@pytest.fixture
def tls_host(tmp_path):
    if not HOST_BINARY:
        pytest.skip("SWITCHBOARD_HOST is not set")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    proc = subprocess.Popen([HOST_BINARY, "--port", "0", "--data", str(tmp_path / "data"), "--no-demo",
                             "--tls-cert", str(cert), "--tls-key", str(key), *LOW_COST],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = None
    deadline = time.time() + 20
    while url is None and time.time() < deadline:
        line = proc.stdout.readline()
        m = re.fullmatch(r"listening on (https://127\.0\.0\.1:\d+)\n", line)
        if m:
            url = m.group(1)
    assert url, proc.stderr.read() if proc.poll() is not None else "no listening line"
    yield url, str(cert)
    proc.terminate()
    assert proc.wait(timeout=15) == 0


def test_everything_over_tls(tls_host, tmp_path):
    url, cert = tls_host
    s = requests.Session()
    s.verify = cert
    s.trust_env = False  # else REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE would win over s.verify
    assert s.get(url + "/health", timeout=5).json()["ready"] is True

    # Sign up over HTTPS; the verification link in the mail says https.
    email = unique("tls") + "@example.com"
    r = s.post(url + "/signUp", json={"companyName": unique("Tls"), "email": email, "phone": "+15550100",
                                      "password": STRONG_PASSWORD}, timeout=10)
    assert r.json() == {"STATUS": "OK"}, r.text
    if switchboard is None:
        pytest.skip("the Python bindings are not importable")
    db = switchboard.Database(str(tmp_path / "data" / "switchboard.db"), create=False, job_workers=0,
                              pwhash_opslimit=1, pwhash_memlimit=8192)
    try:
        mail = [m for m in db.outbox(email) if m["kind"] == "verify"][-1]
    finally:
        db.close()
    link = re.search(r"(https://127\.0\.0\.1:\d+/verify/[A-Za-z0-9_-]+)", mail["body"])
    assert link, mail["body"]
    assert s.get(link.group(1), allow_redirects=False, timeout=10).status_code == 302
    login = s.post(url + "/eproc/", headers=basic(email, STRONG_PASSWORD), timeout=10)
    assert login.status_code == 201, login.text
    session = login.json()["ss"][0][0]
    auth = {"XAuthorization": "Bearer " + session}

    # The live feed over TLS (server-sent events), then a change, then its event.
    ctx = ssl.create_default_context(cafile=cert)
    port = int(url.rsplit(":", 1)[1])
    raw = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10), server_hostname="127.0.0.1")
    raw.sendall(("GET /eproc/events HTTP/1.1\r\nHost: 127.0.0.1\r\nXAuthorization: Bearer %s\r\n\r\n"
                 % session).encode())
    feed = raw.makefile("rb")
    assert feed.readline().startswith(b"HTTP/1.1 200")
    while feed.readline() not in (b"\r\n", b""):
        pass
    assert feed.readline() == b"event: ready\n"
    assert feed.readline().startswith(b"data: {\"last_seq\":") and feed.readline() == b"\n"
    for n in range(30):
        assert s.post(url + "/eproc/tickets", json={"narrative": "over tls %d" % n}, headers=auth,
                      timeout=10).status_code == 201
    lines = [feed.readline() for _ in range(3)]
    assert lines[0].startswith(b"id: ") and lines[1] == b"event: ticket.created\n" and b"over tls 0" in lines[2], lines
    raw.close()

    # A streamed CSV export over TLS (chunked): every ticket, and the header row.
    r = s.get(url + "/eproc/tickets", params={"csv": "1", "_c": "1000"}, headers=auth, timeout=10)
    assert r.status_code == 200 and r.headers.get("Transfer-Encoding") == "chunked"
    rows = r.text.strip().split("\r\n")
    assert len(rows) == 31 and rows[0].startswith("id,")

    # A secure WebSocket.
    if websocket is not None:
        ws = websocket.create_connection(url.replace("https://", "wss://") + "/eproc/events",
                                         header=["XAuthorization: Bearer " + session],
                                         sslopt={"ca_certs": cert}, timeout=5)
        assert json.loads(ws.recv())["event"] == "ready"
        s.post(url + "/eproc/tickets", json={"narrative": "over wss"}, headers=auth, timeout=10)
        msg = json.loads(ws.recv())
        assert msg["event"] == "ticket.created" and msg["data"]["data"]["narrative"] == "over wss"
        ws.close()

    # Plain HTTP on the TLS port gets no HTTP answer.
    with socket.create_connection(("127.0.0.1", port), timeout=10) as plain:
        plain.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert not plain.recv(100).startswith(b"HTTP/1.1 200")
