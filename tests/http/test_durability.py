"""Durable background jobs through the host: a kill -9 with a backlog of texts,
SIGTERM with a full backlog, and the byte budget that answers "busy"."""

import concurrent.futures
import threading
import time

import requests

from conftest import ok
from test_octapy_text import dev, dev_token

BUSY = "busy, please try again"

# About 4 KB of support talk: the analysis of one takes a worker a while, so
# a backlog builds up behind a fast poster.
TEXT = ("Hello, I don't understand my bill. Hold on, let me check the account. I will send you a "
        "refund within 24 hours. Our competitor charges less, and my card 4539 1488 0343 6467 was "
        "charged twice. ") * 20


def post_all(host, token, texts, threads=12):
    """Posts every text; returns the answers' bodies in order (one session per thread)."""
    local = threading.local()
    sessions = []

    def post(text):
        if not hasattr(local, "session"):
            local.session = requests.Session()
            sessions.append(local.session)
        r = local.session.post(host.url + "/record/text", json={"TextContent": text}, headers=dev(token), timeout=60)
        assert r.status_code == 200, r.text
        return r.json()

    with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
        answers = list(pool.map(post, texts))
    for s in sessions:
        s.close()
    return answers


def statuses(host, token, rickets):
    """{ricket: report DATA} for every Ricket."""
    session = requests.Session()
    out = {}
    for r in rickets:
        out[r] = ok(session.get(host.url + "/report/" + r, headers=dev(token), timeout=30))["DATA"]
    session.close()
    return out


def wait_all_done(host, token, rickets, timeout=240):
    """Polls until no Ricket is pending; returns the last reports."""
    deadline = time.time() + timeout
    reports = statuses(host, token, rickets)
    while time.time() < deadline:
        pending = [r for r, d in reports.items() if d["status"] == "pending"]
        if not pending:
            break
        time.sleep(0.5)
        reports.update(statuses(host, token, pending))
    return reports


def test_kill_9_with_a_backlog_loses_no_acknowledged_ricket(fresh_host, tmp_path):
    # The host that takes the texts runs no job itself (--job-workers 0, as an
    # API process beside worker processes would), so that the whole backlog
    # of 5,000 is waiting when it is killed; a worker killed in the middle of
    # a job is tested in tests/unit/test_jobs.cpp.
    data = tmp_path / "data"
    h = fresh_host("--job-workers", "0", data_dir=data)
    org = h.sign_up()
    token = dev_token(h, org)
    answers = post_all(h, token, [TEXT] * 5000)
    rickets = [a["Ricket"] for a in answers if a.get("STATUS") == "OK"]
    assert len(rickets) == 5000, [a for a in answers if a.get("STATUS") != "OK"][:3]
    h.proc.kill()  # SIGKILL: no shutdown at all
    h.proc.wait()
    killed_ms = int(time.time() * 1000)

    again = fresh_host("--job-workers", "2", data_dir=data)
    reports = wait_all_done(again, token, rickets)
    ready = [r for r, d in reports.items() if d["status"] == "ready"]
    failed = [r for r, d in reports.items() if d["status"] == "failed"]
    stuck = [r for r, d in reports.items() if d["status"] == "pending"]
    after_restart = [r for r, d in reports.items() if d["status"] == "ready" and d["ready_ms"] >= killed_ms]
    print(f"kill -9: acknowledged {len(rickets)}, ready {len(ready)}, failed {len(failed)}, stuck {len(stuck)}, "
          f"analysed after the restart {len(after_restart)}")
    assert (len(ready), len(failed), len(stuck)) == (5000, 0, 0)
    # There was a backlog to lose: the restarted host analysed all of it.
    assert len(after_restart) == 5000
    # The analysis is whole: the card is masked in every report.
    sample = reports[after_restart[0]]
    assert "4539 1488" not in sample["redacted_text"] and "6467" in sample["redacted_text"]
    assert {f["pool"] for f in sample["findings"]} >= {"Lack of Understanding", "Client Hold Request"}


BIG = ("x" * 60 + " I will call you back tomorrow. ") * (64 * 1024 // 92)  # just under 64 KB


def test_sigterm_with_a_full_backlog_exits_at_once_and_loses_nothing(fresh_host, tmp_path):
    data = tmp_path / "data"
    h = fresh_host("--job-workers", "1", "--max-backlog-bytes", str(8 << 20), data_dir=data)
    org = h.sign_up()
    token = dev_token(h, org)
    answers = post_all(h, token, [BIG] * 400, threads=8)
    accepted = [a["Ricket"] for a in answers if a.get("STATUS") == "OK"]
    assert any(a == {"STATUS": "KO", "errMsg": BUSY} for a in answers), "the backlog never filled"
    t0 = time.monotonic()
    assert h.stop() == 0
    took = time.monotonic() - t0
    print(f"SIGTERM with a full backlog ({len(accepted)} texts accepted): stopped in {took:.2f} s")
    assert took < 5.0
    assert h.lines[-1] == "stopped"

    again = fresh_host("--job-workers", "2", data_dir=data)
    reports = wait_all_done(again, token, accepted)
    assert {d["status"] for d in reports.values()} == {"ready"}


def vm_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(field)


def test_the_backlog_is_bounded_in_bytes_and_past_it_the_answer_is_busy(fresh_host):
    # 8 MiB of backlog: about 125 texts of 64 KB; the workers are slowed by
    # having one and by the size of each text.
    h = fresh_host("--job-workers", "1", "--max-backlog-bytes", str(8 << 20), "--max-text-bytes", str(64 << 10))
    org = h.sign_up()
    token = dev_token(h, org)
    big = BIG
    assert len(big) <= 64 * 1024
    rss_before = vm_kb(h.proc.pid, "VmRSS")
    answers = post_all(h, token, [big] * 600, threads=8)
    accepted = [a["Ricket"] for a in answers if a.get("STATUS") == "OK"]
    busy = [a for a in answers if a == {"STATUS": "KO", "errMsg": BUSY}]
    other = [a for a in answers if a.get("STATUS") != "OK" and a not in busy]
    assert other == []
    assert busy, "the budget was never reached"
    peak = vm_kb(h.proc.pid, "VmHWM")
    print(f"64 KB texts: {len(accepted)} accepted, {len(busy)} busy; RSS {rss_before} kB before, peak {peak} kB")
    # 600 texts of 64 KB are 38 MiB; the host held far less than that.
    assert peak - rss_before < 30 * 1024
    assert h.wait_for_stderr("error: octapy POST /record/text: the backlog is full")
    # Nothing accepted is lost, and once the backlog drains posts are taken again.
    reports = wait_all_done(h, token, accepted)
    assert {d["status"] for d in reports.values()} == {"ready"}
    ok(h.post("/record/text", json={"TextContent": big}, headers=dev(token)))
