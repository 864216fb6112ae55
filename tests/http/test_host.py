"""The host process: options, demo organisation, request log, limits,
transport errors, graceful shutdown and what reaches the disk."""

import os
import re
import signal
import subprocess
import time

import pytest
import requests

from conftest import HOST_BINARY, STRONG_PASSWORD, basic, bearer, ko, ok, switchboard, unique


def test_help_lists_every_option():
    if not HOST_BINARY:
        pytest.skip("SWITCHBOARD_HOST is not set")
    out = subprocess.run([HOST_BINARY, "--help"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0
    for option in ("--host", "--port", "--data", "--threads", "--max-body", "--max-upload", "--page-size",
                   "--max-page-size",
                   "--pwhash-opslimit", "--pwhash-memlimit", "--public-url", "--no-demo"):
        assert option in out.stdout, option
    bad = subprocess.run([HOST_BINARY, "--port", "http"], capture_output=True, text=True, timeout=30)
    assert bad.returncode == 2 and "--port expects a whole number" in bad.stderr
    unknown = subprocess.run([HOST_BINARY, "--frobnicate"], capture_output=True, text=True, timeout=30)
    assert unknown.returncode == 2 and "unknown option --frobnicate" in unknown.stderr


def test_demo_organisation_on_first_start_only(fresh_host, tmp_path):
    data = tmp_path / "demo"
    h = fresh_host(data_dir=data)
    demo = [l for l in h.lines if l.startswith("demo admin:")]
    assert len(demo) == 1
    m = re.fullmatch(r"demo admin: email=(\S+) password=(\S+)", demo[0])
    email, password = m.groups()
    assert len(password) >= 12
    assert h.outbox(email) == []   # the host vouches for the demo address: no verification email
    token = h.sign_in(email, password)
    assert ok(h.get("/settings/profile", headers={"accessToken": token}))["DATA"]["companyName"] == "Demo Helpline"
    assert h.stop() == 0

    again = fresh_host(data_dir=data)
    assert not any("demo" in l for l in again.lines)
    assert len(again.sign_in(email, password)) == 32
    assert again.organisations()["total"] == 1


def test_no_demo(fresh_host):
    h = fresh_host("--no-demo")
    assert not any("demo" in l for l in h.lines)
    assert h.organisations()["total"] == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_graceful_shutdown(fresh_host, sig):
    h = fresh_host("--no-demo")
    org = h.sign_up()
    assert h.stop(sig) == 0
    assert h.lines[-1] == "stopped"
    with pytest.raises(requests.ConnectionError):
        requests.get(h.url + "/settings/profile", timeout=5)
    # Everything committed before the signal is on disk: another process
    # opening the database finds it (an operator lists the organisations).
    with switchboard.Database(h.db_path, create=False, job_workers=0, pwhash_opslimit=1,
                              pwhash_memlimit=8192) as db:
        db.create_operator("afterwards", "afterwards@operators.example.com", STRONG_PASSWORD)
        token = db.sign_in("afterwards", STRONG_PASSWORD)["token"]
        page = db.list_organisations(token, {"email": org.email})
    assert [o["company_name"] for o in page["items"]] == [org.company]


def test_request_log(host, org):
    ok(host.get("/settings/profile", headers=org.auth(), params={"accessToken": org.token}))
    deadline = time.time() + 5
    pattern = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z GET /settings/profile 200 \d+\.\dms")
    while time.time() < deadline and not any(pattern.fullmatch(l) for l in host.lines):
        time.sleep(0.05)
    assert any(pattern.fullmatch(l) for l in host.lines)
    assert not any(org.token in l or org.password in l for l in host.lines)


# ------------------------------------------------------------------ limits and transport errors

def test_over_size_bodies_are_refused_and_nothing_is_written(fresh_host):
    h = fresh_host("--no-demo", "--max-body", "4096")
    org = h.sign_up()
    big_name = "N" * 5000
    r = h.post("/signUp", json={"companyName": big_name, "email": "big@example.com", "phone": "+15550100",
                                "password": STRONG_PASSWORD})
    assert (r.status_code, r.json()) == (413, {"STATUS": "KO", "errMsg": "request body is too large"})
    r = h.post("/settings/modify", json={"profile/companyName": big_name}, headers=org.auth())
    assert r.status_code == 413 and r.json()["errMsg"] == "request body is too large"
    r = h.post("/eproc/users", json={"usn": "big", "email": "big2@example.com", "fname": big_name},
               headers=org.bearer())
    assert (r.status_code, r.json()) == (413, {"errors": [["error", "request body is too large", "too_large", "",
                                                           "", ""]]})
    assert h.organisations()["total"] == 1
    assert org.total("users", email="big2@example.com") == 0 and org.total("users", usn="big") == 0
    assert not h.has_account("big@example.com") and not h.has_account("big2@example.com")
    assert ok(h.get("/settings/profile", headers=org.auth()))["DATA"]["companyName"] == org.company
    # A body under the limit still works.
    ok(h.post("/settings/modify", json={"profile/companyName": "N" * 100}, headers=org.auth()))


def test_unknown_paths_and_methods(host):
    r = host.get("/no/such/endpoint")
    assert (r.status_code, r.json()) == (404, {"STATUS": "KO", "errMsg": "unknown endpoint"})
    r = host.get("/signUp")
    assert (r.status_code, r.json()) == (405, {"STATUS": "KO", "errMsg": "method not allowed"})
    r = host.get("/eproc/nothing-here")
    assert (r.status_code, r.json()) == (404, {"errors": [["error", "Not Found", "not_found", "", "", ""]]})
    r = host.session.delete(host.url + "/eproc/users/1")
    assert (r.status_code, r.json()) == (405, {"errors": [["error", "Method Not Allowed", "invalid_argument", "",
                                                           "", ""]]})


def test_page_size_options(fresh_host):
    h = fresh_host("--no-demo", "--page-size", "2", "--max-page-size", "3")
    org = h.sign_up()
    for _ in range(3):
        org.create_user()
    r = h.get("/eproc/users/", headers=org.bearer())
    assert len(r.json()["users"]) == 2 and r.json()["users_ctx"] == [["total", "4"]]
    assert len(h.get("/eproc/users/", headers=org.bearer(), params={"_c": 3}).json()["users"]) == 3
    r = h.get("/eproc/users/", headers=org.bearer(), params={"_c": 4})
    assert r.status_code == 412
    assert r.json()["errors"] == [["error", "the page size (_c) is over the maximum of 3", "invalid_argument", "users",
                                   "", "_c"]]


def test_public_url_is_used_in_emails(fresh_host):
    h = fresh_host("--no-demo", "--public-url", "https://helpline.example.org")
    email = unique("pub") + "@example.com"
    ok(h.post("/signUp", json={"companyName": "Pub", "email": email, "phone": "+15550100",
                               "password": STRONG_PASSWORD}))
    assert "https://helpline.example.org/verify/" in h.outbox(email, "verify")[0]["body"]


# ------------------------------------------------------------------ secrets

def test_no_plaintext_password_or_token_reaches_the_disk_or_the_log(fresh_host):
    h = fresh_host("--no-demo")
    org = h.sign_up(password="Disk-Check-Pass-1")
    secrets = {org.password, org.token, org.session}
    key = ok(h.post("/settings/addDevKey", json={"username": "robot"}, headers=org.auth()))["passKey"]
    dev = ok(h.post("/apiReq", json={"email": org.email, "userName": "robot", "devKey": key}))["devToken"]
    secrets |= {key, dev}
    user, session = org.create_user(role="agent", password="Agent-Secret-Pass-2")
    secrets |= {"Agent-Secret-Pass-2", session}
    r = h.post("/eproc/changeAuth", headers=bearer(session),
               json={"pass0": "Agent-Secret-Pass-2", "pass1": "Agent-Changed-Pass-3", "pass2": "Agent-Changed-Pass-3"})
    assert r.status_code == 202
    secrets.add("Agent-Changed-Pass-3")
    ok(h.post("/settings/modify", headers=org.auth(),
              json={"profile/password": "Owner-Changed-Pass-4", "profile/currentPwd": org.password}))
    secrets.add("Owner-Changed-Pass-4")
    # malformed bodies carrying secrets are refused without echoing them
    h.post("/settings/modify", headers={**org.auth(), "Content-Type": "application/x-www-form-urlencoded"},
           data="profile/password=Leaky-Form-Pass-5&{")
    h.post("/settings/modify", headers={"accessToken": h.sign_in(org.email, "Owner-Changed-Pass-4")},
           data='{"profile/password": "Leaky-Json-Pass-6",')
    secrets |= {"Leaky-Form-Pass-5", "Leaky-Json-Pass-6"}
    assert h.stop() == 0

    # Every file of the data directory, read as bytes: the database, its
    # write-ahead log and shared memory, the key file, stored files.
    files = [os.path.join(d, f) for d, _, names in os.walk(h.data_dir) for f in names]
    assert h.db_path in files
    blob = b"".join(open(f, "rb").read() for f in files)
    assert org.email.encode() in blob  # the records are in what was read
    log = "\n".join(h.lines + h.stderr_lines)
    for secret in secrets:
        assert secret.encode() not in blob, "secret found in the database files"
        assert secret not in log, "secret found in the host's output"


def test_unreadable_requests(host):
    import socket
    with socket.create_connection(("127.0.0.1", host.port), timeout=10) as s:
        s.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert body == b'{"STATUS":"KO","errMsg":"bad request"}'


# ------------------------------------------------------------------ system failure

def test_system_failure_answers(fresh_host):
    """A database that stays locked past the busy timeout (5 s) is a system
    failure in both dialects; nothing is half-written and the host keeps serving."""
    import sqlite3
    import threading

    h = fresh_host("--no-demo")
    org = h.sign_up()
    auth = org.auth()
    # Another program holds SQLite's write lock: the one use of sqlite3 here
    # takes a lock and reads nothing.
    lock = sqlite3.connect(h.db_path, timeout=10, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    answers = {}
    calls = {
        "signUp": lambda: requests.post(h.url + "/signUp", timeout=60, json={
            "companyName": "Locked", "email": "locked@example.com", "phone": "+15550100",
            "password": STRONG_PASSWORD}),
        "register": lambda: requests.post(h.url + "/eproc/register", timeout=60, json={
            "org": org.id, "email": "locked2@example.com", "pass1": STRONG_PASSWORD, "pass2": STRONG_PASSWORD,
            "fname": "Lock"}),
    }
    threads = [threading.Thread(target=lambda n=n, f=f: answers.__setitem__(n, f())) for n, f in calls.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    lock.execute("ROLLBACK")
    lock.close()

    ko(answers["signUp"], "system failure, please try again")
    assert (answers["register"].status_code, answers["register"].json()) == (
        500, {"errors": [["error", "system failure, please try again", "internal", "", "", ""]]})
    assert h.wait_for_stderr("error: octapy POST /signUp"), h.stderr_lines
    assert h.wait_for_stderr("error: openchs POST /eproc/register"), h.stderr_lines
    assert h.organisations()["total"] == 1
    assert org.total("users", email="locked2@example.com") == 0
    assert not h.has_account("locked@example.com") and not h.has_account("locked2@example.com")
    # Once the lock is gone, the host serves again.
    ok(h.post("/settings/modify", json={"standards/silenceLen": 900}, headers=auth))
    assert ok(h.get("/settings/standards", headers=auth))["DATA"]["silenceLen"] == 900
