#!/usr/bin/python3
"""Checks the HTTP exchanges of docs/http.md against a running switchboard-host.

    check_http.py --source DIR --build DIR --work DIR

Starts BUILD/examples/host/switchboard-host on a free port over a fresh data
directory, sets up what each exchange needs (organisations, users, tickets,
calls ... through the host's own endpoints; the verification keys and reset
codes from the outbox, read with the Python bindings), sends each request as
the docs write it (curl commands are run as written, with the docs' address
and tokens replaced by the test host's and the real ones) and compares the
answer with the one the docs show: the status line, the headers shown, and
the JSON (httpdoc.py says what is a placeholder).

Every block of docs/http.md that shows an answer (a status line, an OctaPy
"STATUS", a curl command) belongs to an exchange marked <!-- http: NAME -->
and checked below, or carries <!-- not checked: REASON -->. A marked
exchange that no step below checks is an error too.
"""

import argparse
import base64
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import docblocks  # noqa: E402
import fixtures  # noqa: E402
import httpdoc  # noqa: E402
from httpdoc import compare  # noqa: E402

LOW_COST = ["--pwhash-opslimit", "1", "--pwhash-memlimit", "8192"]
DOC_HOST = re.compile(r"(?:https?://)?(?:localhost|127\.0\.0\.1):8080")


# ------------------------------------------------------------------ the document
class Doc:
    def __init__(self, source):
        self.path = os.path.join(source, "docs", "http.md")
        self.blocks = [b for b in docblocks.all_blocks(source) if b.rel == os.path.join("docs", "http.md")]
        lines = open(self.path, encoding="utf-8").read().split("\n")
        self.groups = {}
        self.not_checked = []
        current = None
        previous = None
        for b in self.blocks:
            joined = (current is not None and previous is not None and "http" not in b.markers
                      and "not checked" not in b.markers
                      and all(not line.strip() for line in lines[previous.end:b.line - 1]))
            if "http" in b.markers:
                name = b.markers["http"]
                if name in self.groups:
                    raise SystemExit(f"{b.where}: the exchange name {name!r} is used twice")
                current = self.groups[name] = [b]
            elif joined:
                current.append(b)
            else:
                current = None
                if "not checked" in b.markers:
                    self.not_checked.append(b)
                elif self.shows_answer(b):
                    raise SystemExit(f"{b.where}: this block shows an HTTP answer: mark it <!-- http: NAME --> "
                                     "and check it in tests/docs/check_http.py, or <!-- not checked: REASON -->")
            previous = b
        self.used = set()

    @staticmethod
    def shows_answer(b):
        if b.kind == "sh":
            return "curl " in b.text
        if b.kind is not None:
            return False
        return bool(re.search(r"^HTTP/1\.1 \d{3}", b.text, re.M) or '"STATUS"' in b.text)

    def items(self, name):
        if name not in self.groups:
            raise SystemExit(f"docs/http.md has no exchange marked <!-- http: {name} -->")
        self.used.add(name)
        out = []
        for b in self.groups[name]:
            out += httpdoc.items_of(b)
        return out

    def exchanges(self, name):
        return httpdoc.exchanges_of(self.items(name))

    def where(self, name):
        return self.groups[name][0].where


# ------------------------------------------------------------------ the host
class Host:
    def __init__(self, binary, data_dir, python_dir):
        import requests
        self.data_dir = data_dir
        self.python_dir = python_dir
        self.proc = subprocess.Popen([binary, "--port", "0", "--data", data_dir, "--no-demo", *LOW_COST],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines, self.errors = [], []
        q = queue.Queue()

        def read(stream, sink, notify):
            for line in stream:
                sink.append(line.rstrip("\n"))
                if notify:
                    q.put(line.rstrip("\n"))
        threading.Thread(target=read, args=(self.proc.stdout, self.lines, True), daemon=True).start()
        threading.Thread(target=read, args=(self.proc.stderr, self.errors, False), daemon=True).start()
        self.url = None
        deadline = time.time() + 30
        while time.time() < deadline and self.url is None:
            try:
                m = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+)", q.get(timeout=0.2))
                if m:
                    self.url = m.group(1)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
        if self.url is None:
            self.proc.kill()
            raise SystemExit(f"switchboard-host did not start: {self.lines} {self.errors}")
        self.http = requests.Session()
        self._db = None

    def send(self, method, target, headers=None, json_body=None, data=None):
        return self.http.request(method, self.url + target, headers=headers or {}, json=json_body, data=data,
                                 allow_redirects=False, timeout=60)

    @property
    def db(self):
        if self._db is None:
            sys.path.insert(0, self.python_dir)
            import switchboard
            self._db = switchboard.Database(os.path.join(self.data_dir, "switchboard.db"), create=False,
                                            job_workers=0, pwhash_opslimit=1, pwhash_memlimit=8192)
        return self._db

    def mail(self, to, kind):
        mails = [m for m in self.db.outbox(to) if m["kind"] == kind]
        if not mails:
            raise SystemExit(f"no {kind} email for {to} in the outbox")
        return mails[-1]["body"]

    def verification_key(self, email):
        return re.search(r"/verify/([A-Za-z0-9_-]+)", self.mail(email, "verify")).group(1)

    def reset_code(self, email):
        return re.search(r"code: (\d+)", self.mail(email, "reset")).group(1)

    def stop(self):
        self.http.close()
        if self._db is not None:
            self._db.close()
        self.proc.terminate()
        try:
            code = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = "killed"
        return code


def basic(login, password):
    return {"XAuthorization": "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()}


def bearer(session):
    return {"XAuthorization": "Bearer " + session}


# ------------------------------------------------------------------ checking
class Checker:
    def __init__(self, doc, host, work):
        self.doc = doc
        self.host = host
        self.work = work
        self.failures = []
        self.checked = 0

    def subst(self, value, subs):
        """The docs' ids and secrets replaced by the real ones (whole values only)."""
        if isinstance(value, dict):
            return {k: self.subst(v, subs) for k, v in value.items() if k != httpdoc.MORE}
        if isinstance(value, list):
            return [self.subst(v, subs) for v in value]
        if isinstance(value, str) and value in subs:
            return str(subs[value])
        return value

    def subst_target(self, target, subs):
        path, _, query = target.partition("?")
        path = "/".join(str(subs.get(seg, seg)) for seg in path.split("/"))
        if query:
            parts = []
            for kv in query.split("&"):
                k, _, v = kv.partition("=")
                parts.append(f"{k}={subs.get(v, v)}")
            path += "?" + "&".join(parts)
        return path

    def report(self, name, diffs, real=None):
        where = self.doc.where(name)
        if diffs:
            self.failures.append((where, name, diffs))
            print(f"FAIL {where} (http: {name})")
            for d in diffs:
                print("    " + d)
            if real is not None:
                print("    the host's answer: " + str(real)[:1500])
        else:
            self.checked += 1
            print(f"ok   {where} (http: {name})")
        sys.stdout.flush()

    def judge(self, name, ex, status, reason, headers, body, text):
        want = ex.response
        diffs = []
        want_status = want.status or 200
        if status != want_status:
            diffs.append(f"HTTP status {status}, the docs show {want_status}")
        if want.reason and reason != want.reason:
            diffs.append(f"reason phrase {reason!r}, the docs show {want.reason!r}")
        for k, v in want.headers.items():
            if headers.get(k) != v:
                diffs.append(f"header {k}: {headers.get(k)!r}, the docs show {v!r}")
        if want.body is not None:
            if body is None:
                diffs.append(f"the answer is not JSON: {text[:300]!r}")
            else:
                diffs += compare(want.body, body)
        self.report(name, diffs, body if diffs else None)
        return body

    def exchange(self, name, index=0, *, auth=None, subs=None, target=None, body=None, method=None):
        """Sends exchange `name` (its `index`-th request) as the docs write it and checks the answer.
        Returns the answer's JSON (or None)."""
        subs = subs or {}
        ex = self.doc.exchanges(name)[index]
        req = ex.request
        if req is not None and req.curl is not None:
            return self.curl(name, ex, subs)
        method = method or (req.method if req and req.method else None)
        target = target or (self.subst_target(req.target, subs) if req and req.target else None)
        if method is None or target is None:
            raise SystemExit(f"{self.doc.where(name)}: the docs show no request line: give it in check_http.py")
        headers = dict(req.headers) if req else {}
        headers.update(auth or {})
        if body is None and req is not None and req.body is not None:
            body = self.subst(req.body, subs)
        r = self.host.send(method, target, headers=headers, json_body=body)
        try:
            real = r.json()
        except ValueError:
            real = None
        return self.judge(name, ex, r.status_code, r.reason, r.headers, real, r.text)

    def curl(self, name, ex, subs):
        argv = []
        for a in ex.request.curl:
            a = DOC_HOST.sub(self.host.url, a)
            for k, v in subs.items():
                a = a.replace(k, str(v))
            argv.append(a)
        # --include adds the status line and headers to the output; the request is as written.
        argv.insert(1, "--include")
        cwd = fixtures.populate(fixtures.make(os.path.join(self.work, "fixtures")),
                                os.path.join(self.work, "curl-" + name))
        env = dict(os.environ, **{k[1:]: str(v) for k, v in subs.items() if k.startswith("$")})
        # The argv goes through a shell so that $VARIABLES in it expand as they would for a reader.
        cmd = " ".join(shlex_quote_keep_vars(a) for a in argv)
        r = subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=60)
        if r.returncode != 0:
            self.report(name, [f"curl exited with {r.returncode}: {r.stderr.strip()}"])
            return None
        head, _, text = r.stdout.replace("\r\n", "\n").partition("\n\n")
        while head.startswith("HTTP/1.1 100"):
            head, _, text = text.partition("\n\n")
        status_line, *header_lines = head.split("\n")
        m = re.match(r"HTTP/1\.1 (\d{3}) ?(.*)", status_line)
        headers = dict(line.split(": ", 1) for line in header_lines if ": " in line)
        import json
        try:
            real = json.loads(text)
        except ValueError:
            real = None
        return self.judge(name, ex, int(m.group(1)), m.group(2), headers, real, text)


def shlex_quote_keep_vars(arg):
    """Quotes an argument for bash, leaving $NAME to expand (as in the docs' double quotes)."""
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`") + '"'


# ------------------------------------------------------------------ the scenario
PASSWORD = "Correct-Horse-42"


def sign_up(h, company, email, phone="+44 20 7946 0958"):
    """An organisation and its verified admin, set up through the host; returns the access token."""
    r = h.send("POST", "/signUp", json_body={"companyName": company, "email": email, "phone": phone,
                                             "password": PASSWORD})
    assert r.json() == {"STATUS": "OK"}, r.text
    r = h.send("GET", "/verify/" + h.verification_key(email))
    assert r.status_code == 302, r.text
    return sign_in(h, email)


def sign_in(h, login, password=PASSWORD):
    r = h.send("POST", "/signIn", json_body={"email": login, "password": password})
    assert r.json()["STATUS"] == "OK", r.text
    return r.json()["accessToken"]


def login(h, login, password=PASSWORD):
    r = h.send("POST", "/eproc/", headers=basic(login, password))
    assert r.status_code == 201, r.text
    return r.json()["ss"][0][0]


def post(h, target, session, body, status):
    r = h.send("POST", target, headers=bearer(session), json_body=body)
    assert r.status_code == status, r.text
    return r.json()


def scenario(c):
    h = c.host

    # ---------------------------------------------------------------- OctaPy
    c.exchange("signUp")
    r = h.send("GET", "/verify/" + h.verification_key("owner@acme.example"))
    c.judge("verify", c.doc.exchanges("verify")[0], r.status_code, r.reason, r.headers, None, r.text)
    body = c.exchange("signIn", method="POST", target="/signIn")
    owner = {"accessToken": body["accessToken"]}
    c.exchange("resetPwd-request", method="POST", target="/resetPwd")

    profile, standards, constraints = [v for k, v in c.doc.items("settings") if k == "json"]
    for target, want in (("/settings/profile", profile), ("/settings/standards", standards),
                         ("/settings/constraints", constraints)):
        r = h.send("GET", target, headers=owner)
        c.report("settings", compare(want, r.json()), r.json())

    body = c.exchange("addDevKey", method="POST", target="/settings/addDevKey", auth=owner)
    pass_key = body["passKey"]
    body = c.exchange("apiReq", method="POST", target="/apiReq",
                      subs={"<the passKey from addDevKey>": pass_key})
    dev = body["devToken"]
    c.exchange("getDevKeyList", method="GET", target="/settings/getDevKeyList", auth=owner)

    body = c.exchange("record-text", subs={"Vq8Xk1...": dev})
    ricket = body["Ricket"]
    h.db.drain_jobs(timeout_s=30)
    c.exchange("report", subs={"Vq8Xk1...": dev, "2024050110111200001T": ricket})

    for i, ex in enumerate(c.doc.exchanges("pools")):
        c.exchange("pools", i, auth=owner)

    # the platform operator's view, while Acme is the only organisation
    h.db.create_operator("ops", "ops@platform.example", PASSWORD)
    operator = {"accessToken": sign_in(h, "ops@platform.example")}
    c.exchange("getUsersList", auth=operator)
    acme_id = h.db.outbox("owner@acme.example")[0]["org_id"]
    c.exchange("getUserProfile", method="GET", target=f"/userMgmt/getUserProfile/{acme_id}", auth=operator)

    c.exchange("modifyDevKey", method="POST", target="/settings/modifyDevKey", auth=owner)
    items = [v for k, v in c.doc.items("settings-modify") if k == "json"]
    for body in items[:2]:
        r = h.send("POST", "/settings/modify", headers=owner, json_body=body)
        c.report("settings-modify", compare(items[2], r.json()), r.json())

    # the activity log of an organisation of its own
    token = sign_up(h, "Logbook Helpline", "owner@logbook.example")
    h.send("GET", "/settings/profile", headers={"accessToken": token})
    h.send("POST", "/settings/modify", headers={"accessToken": token},
           json_body={"standards/silenceLen": "900"})
    c.exchange("activity", method="GET", target="/activities/views/logs", auth={"accessToken": token})

    # ---------------------------------------------------------------- OpenCHS
    admin = login(h, "owner@acme.example")
    body = c.exchange("create-user", method="POST", target="/eproc/users", auth=bearer(admin))
    albert = body["users"][0]["id"]
    temporary = body["temporary_password"]
    first = login(h, "albert", temporary)
    post(h, "/eproc/changeAuth", first, {"pass0": temporary, "pass1": PASSWORD, "pass2": PASSWORD}, 202)
    body = c.exchange("login")
    albert_session = body["ss"][0][0]
    r = h.send("GET", f"/eproc/users/{albert}", headers=bearer(admin))
    want = c.doc.exchanges("user-object")[0].response.body
    c.report("user-object", compare(want, r.json()["users"][0]), r.json())
    c.exchange("edit-user", method="POST", target=f"/eproc/users/{albert}", auth=bearer(admin))
    c.exchange("view-user", method="GET", target=f"/eproc/users/{albert}", auth=bearer(admin))
    c.exchange("list-users", method="GET", target="/eproc/users/", auth=bearer(admin))

    body = c.exchange("register", method="POST", target="/eproc/register", subs={"99": acme_id})
    r = h.send("GET", "/verify/" + h.verification_key("carla@example.com"))
    carla = login(h, "carla@example.com")

    # categories, and a ticket in them assigned to albert
    main = post(h, "/eproc/categories", admin, {"name": "Abuse"}, 201)["categories"][0]["id"]
    body = c.exchange("category", method="POST", target="/eproc/categories", auth=bearer(admin),
                      body={"name": "Neglect", "parent_id": main})
    sub = body["categories"][0]["id"]
    body = c.exchange("create-ticket", method="POST", target="/eproc/tickets", auth=bearer(admin),
                      subs={"2": main, "14": sub, "28": albert})
    ticket = body["tickets"][0]["id"]
    c.exchange("update-ticket", method="POST", target=f"/eproc/tickets/{ticket}", auth=bearer(admin))
    c.exchange("view-ticket", method="GET", target=f"/eproc/tickets/{ticket}", auth=bearer(admin))

    # carla's ticket: assigned, a conversation, closed
    own = post(h, "/eproc/tickets", carla, {"narrative": "Where is my order?"}, 201)["tickets"][0]["id"]
    c.exchange("assign", method="POST", target=f"/eproc/tickets/{own}/assign", auth=bearer(admin),
               subs={"28": albert})
    c.exchange("messages", 0, auth=bearer(carla), subs={"41": own})
    post(h, f"/eproc/tickets/{own}/messages", albert_session, {"body": "It left the warehouse today."}, 201)
    c.exchange("messages", 1, auth=bearer(carla), subs={"41": own})
    c.exchange("close", method="POST", target=f"/eproc/tickets/{own}/close", auth=bearer(carla), body={})
    c.exchange("history", method="GET", target=f"/eproc/tickets/{own}/history", auth=bearer(carla))

    # a file, a call with its recording, its QA
    body = c.exchange("upload", subs={"$SS": admin})
    file_id = body["files"][0]["id"]
    body = c.exchange("create-call", method="POST", target="/eproc/calls", auth=bearer(admin),
                      subs={"28": albert, "41": ticket, "7": file_id})
    call = body["calls"][0]["id"]
    c.exchange("attach-recording", method="POST", target=f"/eproc/calls/{call}/recording", auth=bearer(admin),
               subs={"7": file_id})
    c.exchange("create-qa", method="POST", target="/eproc/qa", auth=bearer(admin), subs={"12": call})

    # lists and reports over an organisation of their own
    sign_up(h, "Reports Helpline", "owner@reports.example")
    boss = login(h, "owner@reports.example")
    for i, usn in enumerate(("agent.a", "agent.b", "agent.c")):
        u = post(h, "/eproc/users", boss, {"usn": usn, "email": usn + "@reports.example", "pass": PASSWORD}, 201)
        if i == 2:
            post(h, f"/eproc/users/{u['users'][0]['id']}", boss, {"enabled": "0"}, 202)
    c.exchange("users-rpt", auth=bearer(boss))
    cat = post(h, "/eproc/categories", boss, {"name": "Billing"}, 201)["categories"][0]["id"]
    for status, priority in (("closed", "low"), ("open", "high"), ("open", "high")):
        post(h, "/eproc/tickets", boss, {"category_main": cat, "status": status, "priority": priority,
                                         "narrative": "a case"}, 201)
    c.exchange("tickets-rpt", auth=bearer(boss), subs={"2": cat})
    c.exchange("list-tickets", auth=bearer(boss))
    sign_up(h, "Contacts Helpline", "owner@contacts.example")
    chief = login(h, "owner@contacts.example")
    for n, (country, town) in enumerate((("Kenya", "Nairobi"), ("Uganda", "Kampala"), ("Kenya", "Mombasa"),
                                         ("Kenya", "Nairobi"))):
        post(h, "/eproc/tickets", chief, {"narrative": "a case", "contacts": {
            "fname": f"Caller {n}", "phone": f"0700 000 00{n}", "country": country, "town": town}}, 201)
    c.exchange("tickets-rpt-contacts", auth=bearer(chief))
    for direction, start in (("inbound", "2024-05-02T09:00:00Z"), ("inbound", "2024-05-20T16:30:00Z"),
                             ("outbound", "2024-05-21T11:00:00Z"), ("inbound", "2024-06-03T08:00:00Z")):
        post(h, "/eproc/calls", boss, {"vector": direction, "start": start}, 201)
    c.exchange("stats", auth=bearer(boss))

    # last, what changes albert's password and ends sessions
    c.exchange("logout", method="POST", target="/eproc/logout", auth=bearer(login(h, "albert")))
    c.exchange("changeAuth", method="POST", target="/eproc/changeAuth", auth=bearer(albert_session))
    c.exchange("changeAuthAdmin", method="POST", target=f"/eproc/changeAuthAdmin/{albert}", auth=bearer(admin))
    c.exchange("resetPwd-complete", method="POST", target="/resetPwd",
               subs={"493817": h.reset_code("owner@acme.example")})


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--source", required=True)
    p.add_argument("--build", required=True)
    p.add_argument("--work", required=True)
    args = p.parse_args()
    work = os.path.abspath(args.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    try:
        doc = Doc(os.path.abspath(args.source))
    except (docblocks.DocError, httpdoc.ParseError) as e:
        sys.exit(f"docs/http.md: {e}")
    binary = os.path.join(os.path.abspath(args.build), "examples", "host", "switchboard-host")
    host = Host(binary, os.path.join(work, "data"), os.path.join(os.path.abspath(args.build), "python"))
    checker = Checker(doc, host, work)
    try:
        scenario(checker)
    finally:
        code = host.stop()
    problems = []
    if code != 0:
        problems.append(f"switchboard-host exited with {code} on SIGTERM: {host.errors}")
    unused = sorted(set(doc.groups) - doc.used)
    for name in unused:
        problems.append(f"{doc.where(name)}: the exchange {name!r} is marked but no step checks it")
    if host.errors:
        print("switchboard-host's standard error:\n  " + "\n  ".join(host.errors))
    print(f"{checker.checked} HTTP exchanges match the host's answers, {len(checker.failures)} differ")
    if doc.not_checked:
        print("blocks not checked:")
        for b in doc.not_checked:
            print(f"  {b.where}: {b.markers['not checked']}")
    for p_ in problems:
        print("FAIL " + p_)
    if checker.failures:
        print("differ:")
        for where, name, diffs in checker.failures:
            print(f"  {where} (http: {name}): {diffs[0]}")
    return 1 if checker.failures or problems else 0


if __name__ == "__main__":
    sys.exit(main())
