#!/usr/bin/env python3
"""A byte-heavy backlog of texts posted to switchboard-host: the host's memory
while it takes them, the answers past its backlog budget, how long SIGTERM
takes with the backlog still waiting, and (for a host with durable jobs)
that every acknowledged text is analysed after the restart.

    /usr/bin/python3 benchmarks/backlog.py build/examples/host/switchboard-host \\
        [--peer OLD_HOST] [--texts 6003] [--bytes 65536] [--threads 8]

--peer runs a second host binary the same way in the same run (for example a
build of an earlier commit) and prints both side by side. Every host runs on
127.0.0.1 with a fresh data directory in a temporary directory (removed at
the end) and its demo organisation; the load stops by itself.
"""

import argparse
import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import requests


def vm_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Host:
    def __init__(self, binary, data, extra=()):
        self.proc = subprocess.Popen([binary, "--port", "0", "--data", data, "--pwhash-opslimit", "1",
                                      "--pwhash-memlimit", "8192", *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.url = self.demo = None
        while self.url is None:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the host did not start")
            m = re.match(r"demo admin: email=(\S+) password=(\S+)", line)
            if m:
                self.demo = (m.group(1), m.group(2))
            m = re.match(r"listening on (http://\S+)", line)
            if m:
                self.url = m.group(1)
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()

    def dev_token(self):
        email, password = self.demo
        r = requests.post(self.url + "/signIn", json={"email": email, "password": password}, timeout=30).json()
        auth = {"accessToken": r["accessToken"]}
        key = requests.post(self.url + "/settings/addDevKey", json={"username": "bench"}, headers=auth,
                            timeout=30).json()["passKey"]
        return requests.post(self.url + "/apiReq", json={"email": email, "userName": "bench", "devKey": key},
                             timeout=30).json()["devToken"]

    def stop(self, timeout=60):
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None
        return time.monotonic() - t0


def text_of(size):
    unit = "Hello, I don't understand my bill. Hold on, I will call you back tomorrow. "
    return (unit * (size // len(unit) + 1))[:size]


def run(binary, label, args):
    work = tempfile.mkdtemp(prefix="sb-backlog-")
    out = {"host": label}
    try:
        data = os.path.join(work, "data")
        h = Host(binary, data)
        token = h.dev_token()
        rest_kb = vm_kb(h.proc.pid, "VmRSS")
        text = text_of(args.bytes)
        peak = [rest_kb]
        stop_sampling = threading.Event()

        def sample():
            while not stop_sampling.is_set():
                peak[0] = max(peak[0], vm_kb(h.proc.pid, "VmRSS"))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        local = threading.local()

        def post(_):
            if not hasattr(local, "s"):
                local.s = requests.Session()
            r = local.s.post(h.url + "/record/text", json={"TextContent": text}, headers={"devToken": token},
                             timeout=120)
            return r.json()

        t0 = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
            answers = list(pool.map(post, range(args.texts)))
        posting_s = time.monotonic() - t0
        stop_sampling.set()
        sampler.join()
        accepted = [a["Ricket"] for a in answers if a.get("STATUS") == "OK"]
        refusals = {}
        for a in answers:
            if a.get("STATUS") != "OK":
                refusals[a.get("errMsg")] = refusals.get(a.get("errMsg"), 0) + 1
        out.update(rest_kb=rest_kb, peak_kb=max(peak[0], vm_kb(h.proc.pid, "VmHWM")), accepted=len(accepted),
                   refusals=refusals, posting_s=posting_s)
        # SIGTERM with the backlog still waiting.
        pending = sum(1 for r in accepted[-200:]
                      if requests.get(h.url + "/report/" + r, headers={"devToken": token},
                                      timeout=30).json().get("DATA", {}).get("status") == "pending")
        out["pending_of_last_200"] = pending
        out["sigterm_s"] = h.stop()
        if args.verify:
            again = Host(binary, data)
            # Until none is pending, or none has moved for 15 s (a host
            # without durable jobs never analyses what it lost).
            left = list(accepted)
            s = requests.Session()
            last_move = time.monotonic()
            while left and time.monotonic() - last_move < 15:
                before = len(left)
                left = [r for r in left if s.get(again.url + "/report/" + r, headers={"devToken": token},
                                                 timeout=30).json().get("DATA", {}).get("status") == "pending"]
                if len(left) != before:
                    last_move = time.monotonic()
                if left:
                    time.sleep(1)
            statuses = {}
            for r in accepted:
                st = s.get(again.url + "/report/" + r, headers={"devToken": token}, timeout=30).json()
                k = st.get("DATA", {}).get("status", st.get("errMsg"))
                statuses[k] = statuses.get(k, 0) + 1
            out["after_restart"] = statuses
            again.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("host")
    p.add_argument("--peer", help="a second host binary, measured the same way")
    p.add_argument("--texts", type=int, default=6003)
    p.add_argument("--bytes", type=int, default=64 * 1024 - 16)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--no-verify", dest="verify", action="store_false",
                   help="do not restart the host to check the acknowledged texts")
    args = p.parse_args()
    print(f"{args.texts} texts of {args.bytes} bytes, {args.threads} posting threads, 127.0.0.1")
    results = [run(args.host, "switchboard-host", args)]
    if args.peer:
        results.append(run(args.peer, "peer", args))
    for r in results:
        print()
        print(f"{r['host']}:")
        print(f"  resident memory at rest            {r['rest_kb'] / 1024:8.1f} MB")
        print(f"  peak resident memory while posting {r['peak_kb'] / 1024:8.1f} MB"
              f"  (+{(r['peak_kb'] - r['rest_kb']) / 1024:.1f} MB)")
        print(f"  texts acknowledged                 {r['accepted']:8d}  in {r['posting_s']:.1f} s")
        for msg, n in sorted(r["refusals"].items()):
            print(f"  answered {msg!r:32} {n:6d}")
        print(f"  pending among the last 200        {r['pending_of_last_200']:8d}  (the backlog at SIGTERM)")
        took = r["sigterm_s"]
        print(f"  SIGTERM to exit                    {'did not exit in 60 s' if took is None else f'{took:8.2f} s'}")
        if "after_restart" in r:
            print(f"  after a restart, acknowledged texts: {r['after_restart']}")
    if len(results) == 2:
        a, b = results
        print()
        print(f"peak memory growth, switchboard-host / peer: "
              f"{(a['peak_kb'] - a['rest_kb']) / max(1, b['peak_kb'] - b['rest_kb']):.3f}")


if __name__ == "__main__":
    main()
