#!/usr/bin/python3
"""HTTP speed of switchboard-host's OpenCHS ticket reads, against a Flask +
gunicorn peer reading the same SQLite file.

    /usr/bin/python3 benchmarks/http_speed.py build/examples/host/switchboard-host \\
        [--tickets 100000] [--seconds 10] [--host-only | --peer-only]

In one run, in a temporary directory that is removed at the end:

1. starts the host once on a fresh data directory, so that it creates its demo
   organisation, stops it, and seeds tickets with their contacts into that
   organisation through the Python bindings (Cases::create_ticket, one
   transaction a ticket, as the HTTP endpoint would write them);
2. starts the host again and the peer (benchmarks/peer/flask_tickets.py under
   gunicorn, 2 sync workers, the same file opened read-only), signs in to the
   host over HTTP and checks that both give the same answers for the same
   token;
3. writes what is still unwritten of the file to disk (sync), so that the
   kernel's writeback of the seeded file does not share the cores with a run,
   and again before the peer's runs; then loads each with wrk on 127.0.0.1 (16 connections, 2 threads, keep-alive):
   first GET /eproc/tickets/{id} for tickets not read before (3 s: the host
   keeps the tickets it has read in memory), then one read of every ticket,
   not counted; then GET /eproc/tickets/{id} at random over every ticket id,
   and GET /eproc/tickets/?_c=50, first with only the session header, then
   with a browser's headers (Accept-Encoding: gzip, deflate, br and the rest);
4. times the list page one request at a time on a keep-alive connection,
   without and with compression, and measures its size both ways;
5. runs benchmarks/record_text_roundtrip.py against the host;
6. prints a table of the figures, the peer's, their ratio and the goals.

The host runs from a copy of the binary taken at the start. Every process it
starts is stopped by its PID at the end, also on Ctrl-C or an error. Needs
Debian's wrk, python3-flask and gunicorn (scripts/install-deps.sh) and a build
with the Python bindings (build/python).
"""

import argparse
import contextlib
import http.client
import importlib.util
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# What a desktop browser sends with a fetch() from a page of the same origin.
BROWSER_HEADERS = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/120.0.0.0 Safari/537.36",
    "Accept": "application/json, text/plain, */*",
    "Accept-Language": "en-GB,en-US;q=0.9,en;q=0.8",
    "Accept-Encoding": "gzip, deflate, br",
    "Connection": "keep-alive",
    "Referer": "http://127.0.0.1/console/tickets",
    "Sec-Fetch-Dest": "empty",
    "Sec-Fetch-Mode": "cors",
    "Sec-Fetch-Site": "same-origin",
    "sec-ch-ua": '"Not_A Brand";v="8", "Chromium";v="120"',
    "sec-ch-ua-mobile": "?0",
    "sec-ch-ua-platform": '"Linux"',
}

LIST_PATH = "/eproc/tickets/?_c=50"

# ------------------------------------------------------------------ processes


class Processes:
    """The processes this run started; each is stopped by its PID."""

    def __init__(self):
        self.running = []

    def start(self, name, args, log_path, env=None):
        log = open(log_path, "wb")
        # A process group of their own: a Ctrl-C in the terminal reaches
        # this script only, which then stops them one by one. The session
        # stays this script's, so that with the kernel's autogroup
        # scheduling (sched_autogroup_enabled) servers and wrk are scheduled
        # as threads of one group, as on a server whose clients are other
        # machines: in a session of its own a server shares the cores with
        # wrk half and half, whatever each needs.
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                process_group=0)
        log.close()
        self.running.append((name, proc))
        return proc

    def stop(self, proc, timeout=30):
        """SIGTERM, then SIGKILL after `timeout` seconds; by PID only."""
        self.running = [(n, p) for n, p in self.running if p is not proc]
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()

    def stop_all(self):
        for _, proc in reversed(list(self.running)):
            self.stop(proc)


def wait_for_line(path, pattern, proc, timeout=30):
    """The first match of `pattern` in the log file of `proc`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(path, errors="replace") as f:
            m = re.search(pattern, f.read(), re.M)
        if m:
            return m
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    with open(path, errors="replace") as f:
        tail = f.read()[-2000:]
    raise RuntimeError("no %r from %s (exit code %s); its log ends:\n%s" % (pattern, proc.args[0], proc.poll(), tail))


def start_host(procs, binary, data, log_path):
    proc = procs.start("host", [binary, "--port", "0", "--data", data, "--pwhash-opslimit", "1",
                                "--pwhash-memlimit", "8192"], log_path)
    url = wait_for_line(log_path, r"^listening on (http://\S+)$", proc).group(1)
    return proc, url


def start_peer(procs, db_path, workers, total, log_path):
    env = dict(os.environ, SB_PEER_DB=db_path, SB_PEER_TOTAL=total)
    proc = procs.start("peer", [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
                                "--bind", "127.0.0.1:0", "--log-level", "info",
                                "--chdir", os.path.join(REPO, "benchmarks", "peer"), "flask_tickets:app"],
                       log_path, env)
    url = wait_for_line(log_path, r"Listening at: (http://\S+)", proc).group(1)
    # Ready once every worker has booted.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with open(log_path) as f:
            if f.read().count("Booting worker") >= workers:
                break
        time.sleep(0.05)
    return proc, url

# ------------------------------------------------------------------ HTTP


def get(conn, path, headers):
    """(status, headers, raw body) of one GET on a keep-alive connection."""
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()


def connect(url):
    u = urllib.parse.urlsplit(url)
    assert u.hostname == "127.0.0.1", "traffic stays on 127.0.0.1"
    return http.client.HTTPConnection(u.hostname, u.port, timeout=30)


def sign_in(url, email, password):
    conn = connect(url)
    conn.request("POST", "/signIn", body=json.dumps({"email": email, "password": password}),
                 headers={"Content-Type": "application/json"})
    answer = json.loads(conn.getresponse().read())
    conn.close()
    if answer.get("STATUS") != "OK":
        raise RuntimeError("sign-in refused: %s" % answer)
    return answer["accessToken"]

# ------------------------------------------------------------------ data

FIRST = ["Amina", "Brian", "Chebet", "David", "Esther", "Faith", "George", "Halima", "Ian", "Joy", "Kamau",
         "Lilian", "Moses", "Njeri", "Otieno", "Purity", "Quincy", "Rehema", "Samuel", "Wanjiru"]
LAST = ["Achieng", "Barasa", "Cheruiyot", "Juma", "Kariuki", "Kiptoo", "Mutua", "Njoroge", "Ochieng", "Wafula"]
TOWNS = [("Nairobi", "Kenya"), ("Mombasa", "Kenya"), ("Kisumu", "Kenya"), ("Nakuru", "Kenya"),
         ("Kampala", "Uganda"), ("Dar es Salaam", "Tanzania"), ("Arusha", "Tanzania")]
POSITIONS = ["", "", "student", "teacher", "parent", "nurse", "CTO"]
ORGS = ["", "", "", "Nairobi School", "AAB", "Coast Clinic"]
CATEGORIES = {"Abuse": ["Physical", "Emotional", "Neglect"], "Education": ["School fees", "Bullying"],
              "Health": ["Mental health", "Nutrition", "Maternal"], "Legal": ["Custody", "Inheritance"],
              "Information": ["Services", "Referral"]}
WORDS = ("caller child mother father school fees teacher hospital clinic police counsellor referred follow up "
         "report neighbour uncle bullying hungry afraid night money rent landlord medicine officer county chief "
         "village advice home safe phone again week month court case help asked about said wants needs").split()


def settle():
    """Write every dirty page to disk (sync(2)) and wait for the writeback to
    end, so that a run does not share the two cores with the kernel's flush of
    what was written before it (the seeded file: hundreds of MB)."""
    t0 = time.monotonic()
    os.sync()
    deadline = t0 + 60
    while time.monotonic() < deadline:
        with open("/proc/meminfo") as f:
            info = dict(line.split(":", 1) for line in f)
        if int(info["Writeback"].split()[0]) < 1024:
            break
        time.sleep(0.1)
    return time.monotonic() - t0


def seed(db_path, email, password, n, rng):
    """n tickets with contacts in the demo organisation, through the bindings."""
    import switchboard  # from --python-path (build/python)

    db = switchboard.Database(db_path, job_workers=0, pwhash_opslimit=1, pwhash_memlimit=8192)
    try:
        token = db.sign_in(email, password)["token"]
        categories = []
        for main, subs in CATEGORIES.items():
            m = db.add_category(token, main)
            categories.append((m["id"], [db.add_category(token, s, m["id"])["id"] for s in subs]))
        agents = [db.create_user(token, username="agent%d" % i, email="agent%d@demo.example" % i, role="agent",
                                 first_name=rng.choice(FIRST), password="Agent-Password-%d7" % i)["user"]["id"]
                  for i in range(8)]
        contacts = []  # 20% of the tickets come from a returning caller
        t0 = time.monotonic()
        for i in range(n):
            if contacts and rng.random() < 0.2:
                contact = rng.choice(contacts)
            else:
                first, last = rng.choice(FIRST), rng.choice(LAST)
                town, country = rng.choice(TOWNS)
                contact = {"first_name": first, "last_name": last, "phone": "07%08d" % (len(contacts) + 1),
                           "email": "%s.%s%d@example.org" % (first.lower(), last.lower(), len(contacts))
                           if rng.random() < 0.5 else "",
                           "town": town, "country": country, "user_category": str(rng.randint(1, 4)),
                           "position_in_org": rng.choice(POSITIONS), "org_name": rng.choice(ORGS)}
                contacts.append(contact)
            r = rng.random()
            status = "open" if r < 0.3 else "closed" if r < 0.9 else "escalated"
            r = rng.random()
            priority = "high" if r < 0.2 else "medium" if r < 0.7 else "low"
            source = rng.choice(["walkin", "call", "call", "email", "sms"])
            main, subs = rng.choice(categories)
            fields = {"source": source, "status": status, "priority": priority, "category_main": main,
                      "narrative": " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 45))),
                      "contact": contact}
            if rng.random() < 0.8:
                fields["category_sub"] = rng.choice(subs)
            if source == "call":
                fields["source_id"] = str(rng.randint(10_000_000, 99_999_999))
                fields["disposition"] = rng.choice(["call-completed", "call-completed", "transfer", "prank",
                                                    "blank-call", "call-disconnected"])
            if status == "closed":
                fields["resolution"] = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20)))
            if status == "escalated":
                fields["escalated_to"] = rng.choice(["police", "hospital", "children's office"])
            if rng.random() < 0.1:
                fields["referred_to"] = rng.choice(["legal aid", "shelter", "county office"])
            if rng.random() < 0.7:
                fields["assigned_to"] = rng.choice(agents)
            db.create_ticket(token, fields)
            if (i + 1) % 20000 == 0 and i + 1 < n:
                print("  %d tickets, %.0f a second" % (i + 1, (i + 1) / (time.monotonic() - t0)), flush=True)
        return len(contacts), time.monotonic() - t0
    finally:
        db.close()

# ------------------------------------------------------------------ checks


def same_answers(host_url, peer_url, token, ids, rng):
    """Host and peer answer the same requests alike (status and parsed JSON)."""
    paths = ["/eproc/tickets/%d" % i for i in rng.sample(ids, min(25, len(ids)))]
    paths += [LIST_PATH, "/eproc/tickets/?_c=7&_a=20", "/eproc/tickets/%d" % (max(ids) + 1)]
    auth = {"XAuthorization": "Bearer " + token}
    h, p = connect(host_url), connect(peer_url)
    differ, identical = [], 0
    requests = [(x, auth) for x in paths] + [(LIST_PATH, {"XAuthorization": "Bearer " + "x" * 32})]
    for path, headers in requests:
        hs, _, hb = get(h, path, headers)
        ps, _, pb = get(p, path, headers)
        if (hs, json.loads(hb)) != (ps, json.loads(pb)):
            differ.append("%s: host %d %s / peer %d %s" % (path, hs, hb[:300], ps, pb[:300]))
        identical += hb == pb
    h.close()
    p.close()
    return len(requests), identical, differ

# ------------------------------------------------------------------ wrk

LUA = """-- written by benchmarks/http_speed.py
wrk.method = "GET"
wrk.path = "%(path)s"
%(headers)s
local first_id, last_id = %(first_id)d, %(last_id)d
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_no", threads)
end

function init(args)
  math.randomseed(7919 * thread_no)
end
%(request)s
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%d %%d %%d %%d\\n", summary.duration, summary.requests,
    summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""

LUA_VIEW_REQUEST = """
-- every request another ticket, spread over all of them
function request()
  return wrk.format(nil, "/eproc/tickets/" .. math.random(first_id, last_id))
end
"""

LUA_WALK_REQUEST = """
-- each request the next ticket of this thread's share, so that no ticket is
-- read twice until all have been; a thread that has read its share stops
local step, n = 0, 0
function request()
  if step == 0 then step, n = threads_total, first_id + thread_no - 1 end
  if n > last_id then
    if stop_at_end then wrk.thread:stop() end
    n = first_id + thread_no - 1
  end
  local id = n
  n = n + step
  return wrk.format(nil, "/eproc/tickets/" .. id)
end
"""


def lua_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_wrk(url, workdir, name, path, headers, id_range, args, walk=None):
    """One wrk run of GET `path`, or of GET /eproc/tickets/{id} over the ids
    of `id_range` when `path` is None: at random, or in turn when `walk` is
    "wrap" (starting again after the last) or "stop" (each thread stops at
    the end of its share); its figures as a dict (ms)."""
    script = os.path.join(workdir, name.replace(" ", "_") + ".lua")
    request = ""
    if path is None:
        request = LUA_VIEW_REQUEST
        if walk:
            request = ("local threads_total, stop_at_end = %d, %s\n" % (args.threads, "true" if walk == "stop" else "false")
                       + LUA_WALK_REQUEST)
    with open(script, "w") as f:
        f.write(LUA % {"path": path or "/", "first_id": id_range[0], "last_id": id_range[1],
                       "headers": "\n".join("wrk.headers[%s] = %s" % (lua_string(k), lua_string(v))
                                            for k, v in headers.items()),
                       "request": request})
    cmd = ["wrk", "-t%d" % args.threads, "-c%d" % args.connections, "-d%ds" % args.seconds, "--latency",
           "--timeout", "5s", "-s", script, url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.seconds + 60).stdout
    if args.verbose:
        print(out)
    m = re.search(r"^RESULT (.*)$", out, re.M)
    if not m:
        raise RuntimeError("wrk printed no result:\n" + out)
    duration, n, size, e_conn, e_read, e_write, e_status, e_timeout, p50, p99, lmax = map(int, m.group(1).split())
    return {"rps": n / (duration / 1e6), "requests": n, "bytes": size, "p50": p50 / 1000, "p99": p99 / 1000,
            "max": lmax / 1000, "errors": {"connect": e_conn, "read": e_read, "write": e_write,
                                           "status": e_status, "timeout": e_timeout}}


def load(label, url, token, id_range, workdir, args):
    """The four wrk runs of one side."""
    auth = {"XAuthorization": "Bearer " + token}
    browser = dict(BROWSER_HEADERS, **auth)
    runs = {}
    # First reads: each request a ticket this process has not read since it
    # started (the host keeps tickets it has read in memory, docs/store.md).
    # Short enough that no ticket is read twice at these rates.
    first = argparse.Namespace(**dict(vars(args), seconds=min(3, args.seconds)))
    r = run_wrk(url, workdir, label + " view first", None, auth, id_range, first, walk="wrap")
    runs["view", "first"] = r
    print("  %-5s view first   %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  max %7.1f ms  %8d requests%s"
          % (label, r["rps"], r["p50"], r["p99"], r["max"], r["requests"],
             "  (more requests than tickets: some read twice)" if r["requests"] > id_range[1] - id_range[0] + 1
             else ""), flush=True)
    # Warm-up, not counted: one read of every ticket, as a host that has run
    # for a while has read its tickets; connections and workers.
    warm = argparse.Namespace(**dict(vars(args), seconds=max(2, min(60, (id_range[1] - id_range[0]) // 8000 + 2))))
    run_wrk(url, workdir, label + " warmup", None, auth, id_range, warm, walk="stop")
    for kind, path in (("view", None), ("list", LIST_PATH)):
        for headers_name, headers in (("plain", auth), ("browser", browser)):
            r = run_wrk(url, workdir, "%s %s %s" % (label, kind, headers_name), path, headers, id_range, args)
            runs[kind, headers_name] = r
            errors = sum(r["errors"].values())
            print("  %-5s %-4s %-7s %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  max %7.1f ms  %8d requests%s"
                  % (label, kind, headers_name, r["rps"], r["p50"], r["p99"], r["max"], r["requests"],
                     "  ERRORS %s" % {k: v for k, v in r["errors"].items() if v} if errors else ""), flush=True)
    return runs

# ------------------------------------------------------------------ one request at a time


def sequential(url, token, rounds):
    """Median time and size of the list page, plain and compressed, alternating
    on two keep-alive connections (a closed connection is reopened and
    counted)."""
    sides = {"plain": {"XAuthorization": "Bearer " + token},
             "compressed": dict(BROWSER_HEADERS, XAuthorization="Bearer " + token)}
    conns = {k: connect(url) for k in sides}
    times = {k: [] for k in sides}
    info = {k: {"opened": 0} for k in sides}
    for i in range(rounds + 10):  # the first ten are a warm-up
        for k, headers in sides.items():
            conn = conns[k]
            if conn.sock is None:
                info[k]["opened"] += 1
            t0 = time.perf_counter()
            status, hdrs, body = get(conn, LIST_PATH, headers)
            elapsed = (time.perf_counter() - t0) * 1000
            if status != 200:
                raise RuntimeError("list page answered %d: %s" % (status, body[:300]))
            if i >= 10:
                times[k].append(elapsed)
            info[k]["size"] = len(body)
            info[k]["encoding"] = hdrs.get("content-encoding", "none")
    for c in conns.values():
        c.close()
    for k in sides:
        info[k]["median"] = statistics.median(times[k])
    return info

# ------------------------------------------------------------------ record/text


def roundtrip(url, email, password, rounds):
    """The median post -> report ready of benchmarks/record_text_roundtrip.py."""
    cmd = [sys.executable, os.path.join(REPO, "benchmarks", "record_text_roundtrip.py"), "--url", url,
           "--email", email, "--password", password, "-n", str(rounds), "--browser-headers"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    out = done.stdout + done.stderr
    print("\n".join("  | " + line for line in out.strip().splitlines()))
    m = re.search(r"^post -> report ready \(ms\)\s+([\d.]+)", out, re.M)
    return float(m.group(1)) if m else None

# ------------------------------------------------------------------ the table


def fmt(v, kind):
    if v is None:
        return "-"
    if kind == "rps":
        return "{:,.0f}".format(v)
    if kind == "bytes":
        return "{:,}".format(v)
    if kind == "x":
        return "%.2fx" % v
    return "%.3f" % v if v < 10 else "%.1f" % v


def print_table(rows):
    """rows: (measure, host, peer, kind, better, goal text, goal test on (host, peer))."""
    header = ("measure", "host", "peer", "ratio", "goal", "met?")
    lines = []
    for measure, h, p, kind, better, goal, test in rows:
        ratio = None
        if h and p and better:
            ratio = h / p if better == "higher" else p / h
        met = ""
        if test:
            ok = test(h, p)
            met = "n/a" if ok is None else "met" if ok else "not met"
        lines.append((measure, fmt(h, kind), fmt(p, kind), fmt(ratio, "x") if ratio else "-", goal, met))
    widths = [max(len(r[i]) for r in lines + [header]) for i in range(6)]
    row = "%-*s | %*s | %*s | %*s | %-*s | %s"
    print(row % (widths[0], header[0], widths[1], header[1], widths[2], header[2], widths[3], header[3],
                 widths[4], header[4], header[5]))
    print("-" * (sum(widths) + 16))
    for r in lines:
        print(row % (widths[0], r[0], widths[1], r[1], widths[2], r[2], widths[3], r[3], widths[4], r[4], r[5]))


def both(f):
    """A goal test that needs both sides; n/a when one is missing."""
    return lambda h, p: None if h is None or p is None else f(h, p)


def host_only(f):
    return lambda h, p: None if h is None else f(h)


def build_rows(H, P, seq_h, seq_p, rt):
    def run(side, kind, headers, key):
        return side[kind, headers][key] if side else None

    def seq(side, k, key):
        return side[k][key] if side else None

    def slower(side_runs, side_seq, what):
        """Compressed time over plain time: >1 means compression made it slower."""
        if what == "one":
            return side_seq["compressed"]["median"] / side_seq["plain"]["median"] if side_seq else None
        return side_runs[what, "plain"]["rps"] / side_runs[what, "browser"]["rps"] if side_runs else None

    rows = [
        ("view req/s, first read of each ticket", run(H, "view", "first", "rps"), run(P, "view", "first", "rps"),
         "rps", "higher", "", None),
        ("view p99 ms, first read of each ticket", run(H, "view", "first", "p99"), run(P, "view", "first", "p99"),
         "ms", "lower", "", None),
    ]
    for headers, title in (("plain", "session header only"), ("browser", "browser headers")):
        rows += [
            ("view req/s, %s" % title, run(H, "view", headers, "rps"), run(P, "view", headers, "rps"), "rps",
             "higher", ">= 20,000", host_only(lambda h: h >= 20000)),
            ("view p50 ms, %s" % title, run(H, "view", headers, "p50"), run(P, "view", headers, "p50"), "ms",
             "lower", "", None),
            ("view p99 ms, %s" % title, run(H, "view", headers, "p99"), run(P, "view", headers, "p99"), "ms",
             "lower", "< 5 ms", host_only(lambda h: h < 5)),
            ("list req/s, %s" % title, run(H, "list", headers, "rps"), run(P, "list", headers, "rps"), "rps",
             "higher", ">= 5,000", host_only(lambda h: h >= 5000)),
            ("list p50 ms, %s" % title, run(H, "list", headers, "p50"), run(P, "list", headers, "p50"), "ms",
             "lower", "", None),
            ("list p99 ms, %s" % title, run(H, "list", headers, "p99"), run(P, "list", headers, "p99"), "ms",
             "lower", "< 20 ms", host_only(lambda h: h < 20)),
            ("view req/s host over peer, %s" % title, run(H, "view", headers, "rps"), run(P, "view", headers, "rps"),
             "rps", "higher", ">= 10x peer", both(lambda h, p: h >= 10 * p)),
            ("list req/s host over peer, %s" % title, run(H, "list", headers, "rps"), run(P, "list", headers, "rps"),
             "rps", "higher", ">= 10x peer", both(lambda h, p: h >= 10 * p)),
        ]
    rows += [
        ("list answer bytes, uncompressed", seq(seq_h, "plain", "size"), seq(seq_p, "plain", "size"), "bytes",
         "lower", "", None),
        ("list answer bytes, browser (host %s, peer %s)" % (seq(seq_h, "compressed", "encoding") or "-",
                                                            seq(seq_p, "compressed", "encoding") or "-"),
         seq(seq_h, "compressed", "size"), seq(seq_p, "compressed", "size"), "bytes", "lower", "", None),
        ("list one request ms, uncompressed (median)", seq(seq_h, "plain", "median"), seq(seq_p, "plain", "median"),
         "ms", "lower", "", None),
        ("list one request ms, compressed (median)", seq(seq_h, "compressed", "median"),
         seq(seq_p, "compressed", "median"), "ms", "lower", "", None),
    ]
    # The host compresses nothing for a client on the same machine (its
    # compress_loopback setting): then a browser's request differs from the
    # plain one only by its headers, and the goal "compression never makes an
    # answer slower on loopback" holds by design; the ratios below are then
    # the cost of the headers and run-to-run spread, shown without a verdict.
    host_compressed = (seq(seq_h, "compressed", "encoding") or "none") != "none"
    label = "compressed time / uncompressed" if host_compressed else "browser headers / session header only"
    goal = "<= 1.00x" if host_compressed else ""
    verdict = host_only(lambda h: h <= 1.0) if host_compressed else None
    rows += [
        ("%s: list one request" % label, slower(H, seq_h, "one"), slower(P, seq_p, "one"), "x", None, goal, verdict),
        ("%s: list under load" % label, slower(H, seq_h, "list"), slower(P, seq_p, "list"), "x", None, goal, verdict),
        ("%s: view under load" % label, slower(H, seq_h, "view"), slower(P, seq_p, "view"), "x", None, goal, verdict),
        ("record/text round trip ms (median)", rt, None, "ms", None, "< 2 ms", host_only(lambda h: h < 2)),
    ]
    return rows

# ------------------------------------------------------------------ main


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("host_binary", nargs="?", default=os.path.join(REPO, "build/examples/host/switchboard-host"))
    ap.add_argument("--tickets", type=int, default=100_000, help="tickets to seed (default 100000)")
    ap.add_argument("--seconds", type=int, default=10, help="length of each wrk run (default 10)")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers of the peer")
    ap.add_argument("--peer-total", choices=("count", "tally"), default="count",
                    help="how the peer gets the list's total: count(*) (default) or ticket_tally as the host")
    ap.add_argument("--rounds", type=int, default=200, help="sequential list requests of each kind")
    ap.add_argument("--roundtrip-rounds", type=int, default=200, help="rounds of record_text_roundtrip.py (0: skip)")
    side = ap.add_mutually_exclusive_group()
    side.add_argument("--host-only", action="store_true", help="measure the host only")
    side.add_argument("--peer-only", action="store_true", help="measure the peer only")
    ap.add_argument("--python-path", default=os.path.join(REPO, "build", "python"),
                    help="where the switchboard package is (default build/python)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--verbose", action="store_true", help="print wrk's own output")
    args = ap.parse_args()
    if not 1 <= args.tickets <= 1_000_000 or not 1 <= args.seconds <= 600 or not 1 <= args.rounds <= 100_000:
        ap.error("--tickets 1..1000000, --seconds 1..600, --rounds 1..100000")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk python3-flask gunicorn")
    sys.path.insert(0, args.python_path)
    missing = [m for m in ("switchboard", "flask", "gunicorn") if importlib.util.find_spec(m) is None]
    if missing:
        sys.exit("no module %s (build the bindings; apt-get install -y python3-flask gunicorn)" % ", ".join(missing))

    # Ctrl-C and SIGTERM end the run through the finally below.
    def interrupted(signum, frame):
        raise KeyboardInterrupt()

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    work = tempfile.mkdtemp(prefix="sb-http-speed-")
    procs = Processes()
    rng = random.Random(20240501)
    try:
        data = os.path.join(work, "data")
        db_path = os.path.join(data, "switchboard.db")
        print("switchboard-host %s, %d tickets, wrk -t%d -c%d %ds per run, load average %s"
              % (args.host_binary, args.tickets, args.threads, args.connections, args.seconds,
                 " ".join(open("/proc/loadavg").read().split()[:3])), flush=True)
        # A copy of the binary, so that a rebuild during the run changes nothing.
        binary = os.path.join(work, "switchboard-host")
        shutil.copy2(args.host_binary, binary)

        # 1. The demo organisation, then the tickets.
        host, url = start_host(procs, binary, data, os.path.join(work, "host-first.log"))
        m = wait_for_line(os.path.join(work, "host-first.log"), r"^demo admin: email=(\S+) password=(\S+)$", host)
        email, password = m.group(1), m.group(2)
        procs.stop(host)
        contacts, seconds = seed(db_path, email, password, args.tickets, rng)
        print("seeded %d tickets (%d contacts) in %.1f s, %.0f a second"
              % (args.tickets, contacts, seconds, args.tickets / seconds), flush=True)
        with contextlib.closing(sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)) as c:
            id_range = c.execute("SELECT min(id), max(id) FROM tickets").fetchone()
            ids = [r[0] for r in c.execute("SELECT id FROM tickets")]

        # 2. Both servers, one token.
        host, host_url = start_host(procs, binary, data, os.path.join(work, "host.log"))
        token = sign_in(host_url, email, password)
        peer_url = None
        if not args.host_only:
            _, peer_url = start_peer(procs, db_path, args.workers, args.peer_total, os.path.join(work, "peer.log"))
            checked, identical, differ = same_answers(host_url, peer_url, token, ids, rng)
            if differ:
                print("the peer's answers differ from the host's:\n  " + "\n  ".join(differ))
            else:
                print("host and peer give the same answers (status and JSON) to %d requests, %d byte for byte"
                      % (checked, identical))

        # 3. Under load.
        H = P = None
        if not args.peer_only:
            print("dirty pages written to disk in %.1f s" % settle())
            print("wrk against the host (%s):" % host_url, flush=True)
            H = load("host", host_url, token, id_range, work, args)
        if peer_url:
            print("dirty pages written to disk in %.1f s" % settle())
            print("wrk against the peer (%s, gunicorn %d sync workers, list total by %s):"
                  % (peer_url, args.workers, args.peer_total), flush=True)
            P = load("peer", peer_url, token, id_range, work, args)

        # 4. One request at a time.
        seq_h = sequential(host_url, token, args.rounds) if not args.peer_only else None
        seq_p = sequential(peer_url, token, args.rounds) if peer_url else None
        for name, s in (("host", seq_h), ("peer", seq_p)):
            if s:
                print("  %s list page one at a time: %s" % (name, ", ".join(
                    "%s %d bytes (%s) %.3f ms, %d connections opened" % (k, v["size"], v["encoding"], v["median"],
                                                                      v["opened"]) for k, v in s.items())))

        # 5. The record/text round trip.
        rt = None
        if not args.peer_only and args.roundtrip_rounds > 0:
            print("benchmarks/record_text_roundtrip.py --browser-headers against the host:", flush=True)
            rt = roundtrip(host_url, email, password, args.roundtrip_rounds)

        # 6. The table.
        print()
        print_table(build_rows(H, P, seq_h, seq_p, rt))
        print("ratio: how many times better the host is (req/s host/peer; ms and bytes peer/host).")
        print("load average at the end: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    finally:
        procs.stop_all()
        if args.keep:
            print("kept %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted; the processes it started are stopped")
