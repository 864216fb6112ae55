#!/usr/bin/python3
"""Heartbeats per second through switchboard-host: DeepCall's
POST /deepcall/api/v2/agentProfile/setWebPingTime from many agents.

    /usr/bin/python3 benchmarks/presence_http.py [build/examples/host/switchboard-host]
        [--agents 200] [--seconds 10] [--connections 16] [--threads 2]

In one run, in a temporary directory removed at the end: starts the host on a
fresh data directory, creates --agents agents in its demo organisation
(OpenCHS POST /eproc/users) and signs each in, then loads the endpoint with
wrk on 127.0.0.1, each request another agent's {"ssid": ..., "mic_perm": 1}.
Prints requests per second, p50, p99 and the errors; every answer is checked
to be the endpoint's success (wrk counts any other status as an error, and
the script reads one answer back first). The library's own figure (goal
50,000 a second on 2 threads) is build/benchmarks/bench_presence.

The host runs from a copy of the binary taken at the start and is stopped by
its PID at the end, also on Ctrl-C or an error. Needs Debian's wrk.
"""

import argparse
import base64
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_speed import Processes, lua_string, start_host, wait_for_line  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PING = "/deepcall/api/v2/agentProfile/setWebPingTime"

LUA = """-- written by benchmarks/presence_http.py
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {%(bodies)s}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_no", threads)
end
function init(args)
  n = thread_no
end
function request()
  n = n + 1
  return wrk.format(nil, nil, nil, bodies[(n %% #bodies) + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%d\\n", summary.duration, summary.requests,
    e.connect + e.read + e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def request(url, method, path, body=None, headers=None):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers={"Content-Type": "application/json", **(headers or {})})
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, json.loads(data) if data else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("host_binary", nargs="?", default=os.path.join(REPO, "build/examples/host/switchboard-host"))
    ap.add_argument("--agents", type=int, default=200)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (scripts/install-deps.sh installs it)")
    work = tempfile.mkdtemp(prefix="sb-presence-http-")
    procs = Processes()
    try:
        binary = os.path.join(work, "switchboard-host")
        shutil.copy2(args.host_binary, binary)
        host, url = start_host(procs, binary, os.path.join(work, "data"), os.path.join(work, "host.log"))
        m = wait_for_line(os.path.join(work, "host.log"), r"^demo admin: email=(\S+) password=(\S+)$", host)
        email, password = m.group(1), m.group(2)
        basic = base64.b64encode(f"{email}:{password}".encode()).decode()
        status, body = request(url, "POST", "/eproc/", headers={"XAuthorization": "Basic " + basic})
        admin = {"XAuthorization": "Bearer " + body["ss"][0][0]}
        tokens = []
        for i in range(args.agents):
            usn = "agent%d" % i
            status, body = request(url, "POST", "/eproc/users", {
                "usn": usn, "email": usn + "@example.com", "fname": "Ann", "lname": "Agent", "role": "agent",
                "pass": "Correct-Horse-42"}, admin)
            if status != 201:
                raise RuntimeError("creating %s: %s %s" % (usn, status, body))
            status, body = request(url, "POST", "/signIn", {"email": usn + "@example.com",
                                                            "password": "Correct-Horse-42"})
            tokens.append(body["accessToken"])
            request(url, "POST", "/eproc/joinq", headers={"XAuthorization": "Bearer " + tokens[-1]})
        status, answer = request(url, "POST", PING, {"ssid": tokens[0], "mic_perm": 1})
        if status != 200 or answer.get("status") != "success":
            raise RuntimeError("setWebPingTime answered %s %s" % (status, answer))
        bodies = ",".join(lua_string(json.dumps({"ssid": t, "mic_perm": 1})) for t in tokens)
        script = os.path.join(work, "ping.lua")
        with open(script, "w") as f:
            f.write(LUA % {"bodies": bodies})
        target = url + PING
        subprocess.run(["wrk", "-t%d" % args.threads, "-c%d" % args.connections, "-d2s", "-s", script, target],
                       capture_output=True, timeout=60)  # warm-up
        out = subprocess.run(["wrk", "-t%d" % args.threads, "-c%d" % args.connections, "-d%ds" % args.seconds,
                              "--latency", "--timeout", "5s", "-s", script, target],
                             capture_output=True, text=True, timeout=args.seconds + 60).stdout
        m = re.search(r"^RESULT (.*)$", out, re.M)
        if not m:
            raise RuntimeError("wrk printed no result:\n" + out)
        duration, n, e_socket, e_status, e_timeout, p50, p99, lmax = map(int, m.group(1).split())
        print("switchboard-host %s, %d agents, wrk -t%d -c%d %ds, load average %s"
              % (args.host_binary, args.agents, args.threads, args.connections, args.seconds,
                 " ".join(open("/proc/loadavg").read().split()[:3])))
        print("%-44s %12s" % ("measure", "host"))
        print("%-44s %12s" % ("heartbeats per second (setWebPingTime)", "{:,.0f}".format(n / (duration / 1e6))))
        print("%-44s %12.3f" % ("p50 ms", p50 / 1000))
        print("%-44s %12.3f" % ("p99 ms", p99 / 1000))
        print("%-44s %12d" % ("requests", n))
        print("%-44s %12d" % ("errors (socket, status, timeout)", e_socket + e_status + e_timeout))
        return 1 if e_socket + e_status + e_timeout else 0
    finally:
        procs.stop_all()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("interrupted; the processes it started are stopped")
