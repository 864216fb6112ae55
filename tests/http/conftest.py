"""Fixtures for the end-to-end tests of switchboard-host.

The host binary comes from SWITCHBOARD_HOST (set by ctest); platform operators
are created with the command-line tool from SWITCHBOARD_CLI when it is set.
Every host runs on a free loopback port with a fresh data directory and a low
Argon2id cost, and must stop with exit code 0 on SIGTERM.

The tests look at what the host stored through the API, never through the
tables: the host's own endpoints wherever one answers, and otherwise the
Python bindings (PYTHONPATH from ctest), which open the host's database as a
second process would, for what no endpoint shows: the outbox (mail the host
has not sent) and an organisation's background jobs.
"""

import base64
import csv
import io
import itertools
import os
import queue
import re
import signal
import subprocess
import threading
import time

import pytest
import requests

try:
    import switchboard
except ImportError:  # the Python bindings are not built
    switchboard = None

HOST_BINARY = os.environ.get("SWITCHBOARD_HOST")
CLI_BINARY = os.environ.get("SWITCHBOARD_CLI")

# Argon2id at libsodium's minimum: the tests hash many passwords.
LOW_COST = ["--pwhash-opslimit", "1", "--pwhash-memlimit", "8192"]

STRONG_PASSWORD = "Correct-Horse-42"
_counter = itertools.count(1)


def unique(prefix="u"):
    """A name no other test uses."""
    return f"{prefix}{os.getpid()}x{next(_counter)}"


class Host:
    """A running switchboard-host process."""

    def __init__(self, data_dir, extra_args=(), startup_timeout=20):
        if not HOST_BINARY:
            pytest.skip("SWITCHBOARD_HOST is not set (run the tests through ctest)")
        self.data_dir = str(data_dir)
        self.args = [HOST_BINARY, "--port", "0", "--data", self.data_dir, *LOW_COST, *extra_args]
        self.lines = []          # every stdout line so far
        self.stderr_lines = []
        self._queue = queue.Queue()
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, args=(self.proc.stdout, self.lines, True), daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.stderr_lines, False), daemon=True).start()
        self.url = None
        deadline = time.time() + startup_timeout
        while time.time() < deadline:
            try:
                line = self._queue.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            m = re.fullmatch(r"listening on (http://127\.0\.0\.1:(\d+))", line)
            if m:
                self.url = m.group(1)
                self.port = int(m.group(2))
                break
        if self.url is None:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError("switchboard-host did not start: %r %r" % (self.lines, self.stderr_lines))
        self.session = requests.Session()
        self._api = None
        self._operator_token = None
        self._log_readers = {}

    def _read(self, stream, sink, notify):
        for line in stream:
            line = line.rstrip("\n")
            sink.append(line)
            if notify:
                self._queue.put(line)

    def wait_for_stderr(self, prefix, timeout=5.0):
        """True once a line of the host's standard error starts with `prefix`
        (a reader thread takes the lines: one written just before an answer
        may reach the test just after it)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if any(l.startswith(prefix) for l in self.stderr_lines):
                return True
            time.sleep(0.02)
        return any(l.startswith(prefix) for l in self.stderr_lines)

    # ------------------------------------------------------------ lifecycle
    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Stops the host with `sig`; returns its exit code."""
        # Idle keep-alive connections would hold the workers until they time out.
        self.session.close()
        if self._api is not None:
            self._api.close()
            self._api = None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("switchboard-host did not stop on %s" % sig)
        time.sleep(0.05)  # let the reader threads take the last lines
        return self.proc.returncode

    # ------------------------------------------------------------ HTTP
    def get(self, path, **kw):
        return self.session.get(self.url + path, allow_redirects=False, timeout=30, **kw)

    def post(self, path, **kw):
        return self.session.post(self.url + path, allow_redirects=False, timeout=30, **kw)

    # ------------------------------------------------------------ the database, through the API
    @property
    def db_path(self):
        return os.path.join(self.data_dir, "switchboard.db")

    @property
    def api(self):
        """The host's database opened with the Python bindings, as a second
        process would (no job workers of its own), for what no endpoint shows."""
        if switchboard is None:
            pytest.skip("the switchboard Python bindings are not importable (built with "
                        "SWITCHBOARD_BUILD_PYTHON=ON, PYTHONPATH set by ctest)")
        if self._api is None:
            self._api = switchboard.Database(self.db_path, create=False, job_workers=0,
                                             pwhash_opslimit=1, pwhash_memlimit=8192)
        return self._api

    def outbox(self, to_address, kind=None):
        """The mail to `to_address` the host has written and not sent, oldest
        first: dicts with to, subject, body, kind, org_id ..."""
        assert to_address, "the outbox of every address is not what a test wants"
        return [m for m in self.api.outbox(to_address) if kind is None or m["kind"] == kind]

    def verification_key(self, email):
        mails = self.outbox(email, "verify")
        assert mails, "no verification email for %s" % email
        m = re.search(r"/verify/([A-Za-z0-9_-]+)", mails[-1]["body"])
        assert m, mails[-1]["body"]
        return m.group(1)

    def reset_code(self, email):
        mails = self.outbox(email, "reset")
        assert mails, "no reset email for %s" % email
        m = re.search(r"code: (\d+)", mails[-1]["body"])
        assert m, mails[-1]["body"]
        return m.group(1)

    def has_account(self, email):
        """Whether an active account of any organisation has this email: a
        password reset (Au4) writes a code to the outbox only then."""
        before = len(self.outbox(email, "reset"))
        ok(self.post("/resetPwd", json={"email": email}))
        return len(self.outbox(email, "reset")) > before

    def operator_auth(self):
        """Headers with the access token of a platform operator of this host
        (created through the bindings, as `switchboard operator create` does)."""
        if self._operator_token is None:
            name = unique("ops")
            email = name + "@operators.example.com"
            self.api.create_operator(name, email, STRONG_PASSWORD)
            self._operator_token = self.sign_in(email, STRONG_PASSWORD)
        return {"accessToken": self._operator_token}

    def organisations(self, **filters):
        """The platform's organisations as an operator lists them (UM1):
        {"total", "DATA"}, filtered on id, companyName, email, contactNo."""
        return ok(self.get("/userMgmt/getUsersList", headers=self.operator_auth(), params={"_c": 1000, **filters}))

    # ------------------------------------------------------------ the activity log (Ac1)
    # An organisation's log as its admin reads it over HTTP. The read commits
    # the entries the host writes behind its calls (docs/store.md), so there
    # is nothing to wait for. It also leaves an entry of its own, as every
    # authenticated request does; the helpers leave those out again. The host
    # writes its entries in the order of the requests, and a test's requests
    # come one after the other, so a read's own entry is the one right after
    # those it saw: its position (1 for the oldest) is kept. The helpers' calls
    # through the bindings leave entries named after the operation
    # ("sign_in", "list_jobs"), never after a request ("VERB /path"), and
    # are left out by name.
    _API_OPERATIONS = {"sign_in", "list_jobs"}

    def reader_token(self, org):
        """An access token of the organisation's admin for the helpers' own reads."""
        reader = self._log_readers.get(org.id)
        if reader is None:
            token = self.api.sign_in(org.email, org.password)["token"]
            reader = self._log_readers[org.id] = {"token": token, "own": set()}
        return reader["token"]

    def activity(self, org):
        """The organisation's activity log, newest first, without the entries
        of these helpers (their reads, and their calls through the bindings)."""
        token = self.reader_token(org)
        own = self._log_readers[org.id]["own"]   # positions of the helpers' earlier reads
        body = ok(self.get("/activities/views/logs", headers={"accessToken": token}, params={"_c": 1000}))
        assert body["total"] == len(body["DATA"]), "more entries than one page holds"
        entries = [e for e in body["DATA"] if e["Endpoint"] not in self._API_OPERATIONS]
        n = len(entries)
        own.add(n + 1)
        return [e for i, e in enumerate(entries) if n - i not in own]

    def activity_count(self, org):
        return len(self.activity(org))

    def last_activity(self, org):
        """(endpoint, 1 for OK or 0 for KO, summary, actor) of the newest entry."""
        entries = self.activity(org)
        assert entries, "the activity log is empty"
        e = entries[0]
        return e["Endpoint"], 1 if e["Status"] == "OK" else 0, e["Content"], e["Actor"]

    # ------------------------------------------------------------ scenarios
    def sign_up(self, company=None, email=None, phone="+44 20 7946 0958", password=STRONG_PASSWORD, verify=True):
        """Signs an organisation up (OctaPy Au1) and verifies it (Au2)."""
        company = company or unique("Company ")
        email = email or unique("owner") + "@example.com"
        r = self.post("/signUp", json={"companyName": company, "email": email, "phone": phone, "password": password})
        assert r.status_code == 200 and r.json() == {"STATUS": "OK"}, r.text
        if verify:
            r = self.get("/verify/" + self.verification_key(email))
            assert r.status_code == 302 and r.headers["Location"] == "/signIn?verified=1"
        # The verification email is the new organisation's.
        org_id = self.outbox(email, "verify")[0]["org_id"]
        assert org_id > 0
        return Org(self, company, email, password, org_id)

    def sign_in(self, email, password):
        r = self.post("/signIn", json={"email": email, "password": password})
        body = r.json()
        assert r.status_code == 200 and body["STATUS"] == "OK", r.text
        return body["accessToken"]

    def openchs_login(self, login, password):
        r = self.post("/eproc/", headers=basic(login, password))
        assert r.status_code == 201, r.text
        return r.json()

    def create_operator(self, username=None, email=None, password=STRONG_PASSWORD):
        if not CLI_BINARY:
            pytest.skip("SWITCHBOARD_CLI is not set: platform operators are created with "
                        "`switchboard operator create`, which ctest passes when the CLI is built")
        username = username or unique("op")
        email = email or username + "@operators.example.com"
        out = subprocess.run([CLI_BINARY, "operator", "create", "--data", self.data_dir, "--username", username,
                              "--email", email, "--password", password, *LOW_COST],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        return email, password


class Org:
    """An organisation signed up through OctaPy, with its admin."""

    def __init__(self, host, company, email, password, org_id):
        self.host, self.company, self.email, self.password, self.id = host, company, email, password, org_id
        self._token = None
        self._session = None

    @property
    def token(self):
        """An OctaPy access token of the admin."""
        if self._token is None:
            self._token = self.host.sign_in(self.email, self.password)
        return self._token

    @property
    def session(self):
        """An OpenCHS session id of the admin."""
        if self._session is None:
            self._session = self.host.openchs_login(self.email, self.password)["ss"][0][0]
        return self._session

    def auth(self):
        return {"accessToken": self.token}

    def bearer(self):
        return bearer(self.session)

    def register_customer(self, password=STRONG_PASSWORD, **fields):
        """Registers a customer (POST /eproc/register), follows the verification
        link from the outbox and signs in; returns (user object, session id)."""
        email = unique("cust") + "@example.com"
        body = {"org": str(self.id), "email": email, "pass1": password, "pass2": password, "fname": "Carla",
                "lname": "Customer", **fields}
        r = self.host.post("/eproc/register", json=body)
        assert r.status_code == 201, r.text
        user = r.json()["users"][0]
        r = self.host.get("/verify/" + self.host.verification_key(email))
        assert r.status_code == 302, r.text
        session = self.host.openchs_login(email, password)["ss"][0][0]
        return user, session

    def ticket(self, session=None, **fields):
        """Creates a ticket through OpenCHS (as the admin unless `session`); returns the ticket object."""
        body = {"narrative": "a case", **fields}
        r = self.host.post("/eproc/tickets", json=body, headers=bearer(session) if session else self.bearer())
        assert r.status_code == 201, r.text
        return r.json()["tickets"][0]

    def total(self, records, **filters):
        """How many records an OpenCHS list (GET /eproc/<records>) shows the
        admin, with its filters: the list's `<records>_ctx` total."""
        r = self.host.get("/eproc/" + records, headers=self.bearer(), params={"_c": 1, **filters})
        assert r.status_code == 200, r.text
        return int(dict(r.json()[records + "_ctx"])["total"])

    def category(self, name=None, parent_id=None):
        body = {"name": name or unique("cat")}
        if parent_id:
            body["parent_id"] = parent_id
        r = self.host.post("/eproc/categories", json=body, headers=self.bearer())
        assert r.status_code == 201, r.text
        return r.json()["categories"][0]

    def create_user(self, role="agent", password=STRONG_PASSWORD, **fields):
        """Creates a user through OpenCHS; returns (user object, session id)."""
        usn = fields.pop("usn", unique("usr"))
        body = {"usn": usn, "email": usn + "@example.com", "fname": "Ann", "lname": "Agent", "role": role,
                "pass": password, **fields}
        r = self.host.post("/eproc/users", json=body, headers=self.bearer())
        assert r.status_code == 201, r.text
        user = r.json()["users"][0]
        session = self.host.openchs_login(usn, password)["ss"][0][0]
        return user, session


def basic(login, password):
    return {"XAuthorization": "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()}


def bearer(session_id):
    return {"XAuthorization": "Bearer " + session_id}


def ok(r, **expected):
    """Asserts an OctaPy OK answer (HTTP 200) and returns its body."""
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["STATUS"] == "OK", body
    for k, v in expected.items():
        assert body[k] == v, (k, body)
    return body


def ko(r, message):
    """Asserts an OctaPy KO answer with exactly `message`."""
    assert r.status_code == 200, r.text
    assert r.json() == {"STATUS": "KO", "errMsg": message}, r.text


def chs_error(r, status, message, error_type, table="users", row="", field=""):
    """Asserts an OpenCHS error answer: {"errors": [["error", message, TYPE, table, row, field]]}."""
    assert r.status_code == status, r.text
    assert r.json() == {"errors": [["error", message, error_type, table, row, field]]}, r.text


def chs_ok(r, status, name, info=None):
    """Asserts an OpenCHS success: the status, `<name>_nb` when `info` is given; returns `<name>`."""
    assert r.status_code == status, r.text
    body = r.json()
    if info is not None:
        assert body[name + "_nb"] == [["info", info]], body
    else:
        assert name + "_nb" not in body, body
    return body[name]


def csv_rows(r):
    """Asserts a CSV download and returns its rows (header first)."""
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/csv"), r.headers
    assert r.headers["Content-Disposition"].startswith("attachment; filename="), r.headers
    text = r.content.decode("utf-8")
    assert text.endswith("\r\n")
    return list(csv.reader(io.StringIO(text, newline="")))


AUTH_REQUIRED = {"errors": [["error", "Authentication Required"]], "loggedoff": [["Auth"]]}


@pytest.fixture(scope="session")
def host(tmp_path_factory):
    """One host for the tests that need no restart; stopped with SIGTERM at the end."""
    h = Host(tmp_path_factory.mktemp("host"))
    yield h
    code = h.stop()
    assert code == 0, (code, h.stderr_lines)


@pytest.fixture
def fresh_host(tmp_path):
    """A host of the test's own, for tests that stop it or change its options."""
    hosts = []

    def start(*args, data_dir=None):
        h = Host(data_dir or tmp_path / ("data%d" % len(hosts)), args)
        hosts.append(h)
        return h

    yield start
    for h in hosts:
        if h.proc.poll() is None:
            assert h.stop() == 0


@pytest.fixture
def org(host):
    """A fresh verified organisation on the shared host."""
    return host.sign_up()


@pytest.fixture(scope="session")
def operator(host):
    """(email, password, access token) of a platform operator on the shared host."""
    email, password = host.create_operator()
    return email, password, host.sign_in(email, password)
