"""What the people who run the host use: GET /health, GET /metrics, the
config file, SWITCHBOARD_HOST_* variables, --print-config and JSON logs."""

import json
import os
import re
import subprocess
import time

import requests

from conftest import HOST_BINARY, ok


def test_health_is_live_and_ready(host):
    r = requests.get(host.url + "/health", timeout=5)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    h = r.json()
    assert (h["status"], h["live"], h["ready"]) == ("ok", True, True)
    assert h["checks"]["store"]["ok"] is True and h["checks"]["store"]["ms"] >= 0
    assert h["checks"]["jobs"] == {**h["checks"]["jobs"], "ok": True, "workers": 2, "workers_running": 2}


def test_health_without_job_workers_is_ready(fresh_host):
    h = fresh_host("--no-demo", "--job-workers", "0")
    body = requests.get(h.url + "/health", timeout=5).json()
    assert body["ready"] is True and body["checks"]["jobs"]["workers"] == 0


def test_metrics_count_requests_by_route_and_status(fresh_host):
    h = fresh_host("--no-demo")
    org = h.sign_up()
    for _ in range(3):
        assert h.get("/eproc/tickets", headers=org.bearer()).status_code == 200
    assert h.get("/eproc/tickets/999999", headers=org.bearer()).status_code == 412
    assert h.get("/no/such/path").status_code == 404
    text = requests.get(h.url + "/metrics", timeout=5).text
    assert requests.get(h.url + "/metrics", timeout=5).headers["Content-Type"].startswith("text/plain; version=0.0.4")

    def value(name_and_labels):
        m = re.search("^" + re.escape(name_and_labels) + r" (\S+)$", text, re.M)
        assert m, (name_and_labels, text)
        return float(m.group(1))

    assert value('switchboard_http_requests_total{method="GET",route="/eproc/tickets",status="200"}') == 3
    assert value('switchboard_http_requests_total{method="GET",route="/eproc/tickets/{id}",status="412"}') == 1
    assert value('switchboard_http_requests_total{method="GET",route="(none)",status="404"}') == 1
    # The histogram is cumulative and ends with every request.
    buckets = [float(v) for v in re.findall(r'^switchboard_http_request_duration_seconds_bucket\{le="[^"]+"\} (\S+)$',
                                            text, re.M)]
    assert buckets == sorted(buckets) and buckets[-1] == value("switchboard_http_request_duration_seconds_count")
    assert buckets[-1] >= 6
    for state in ("queued", "running", "done", "failed"):
        assert value('switchboard_jobs{state="%s"}' % state) >= 0
    assert value("switchboard_jobs_backlog_bytes") == 0 and value("switchboard_job_workers") == 2
    assert value("switchboard_live_subscribers") == 0
    # A ticket read twice: queried once, then answered from memory.
    ticket_id = org.ticket(narrative="kept")["id"]
    for _ in range(2):
        assert h.get("/eproc/tickets/%s" % ticket_id, headers=org.bearer()).status_code == 200
    text = requests.get(h.url + "/metrics", timeout=5).text
    assert value("switchboard_record_cache_misses_total") == 2  # the missing ticket above, and this one
    assert value("switchboard_record_cache_hits_total") == 1
    assert value("switchboard_record_cache_records") == 1
    assert 0 < value("switchboard_record_cache_bytes") < 16384


def test_config_file_environment_and_command_line(fresh_host, tmp_path):
    config = tmp_path / "host.toml"
    config.write_text('page_size = 2\nmax_page_size = 3\nlog_format = "json"\nmax_body = 4096\n')
    env = dict(os.environ, SWITCHBOARD_HOST_CONFIG=str(config), SWITCHBOARD_HOST_MAX_PAGE_SIZE="5")
    printed = subprocess.run([HOST_BINARY, "--print-config", "--page-size", "4"], env=env, capture_output=True,
                             text=True, timeout=30)
    assert printed.returncode == 0, printed.stderr
    settings = dict(l.split(" = ", 1) for l in printed.stdout.splitlines() if " = " in l)
    # The file, then the environment, then the command line.
    assert (settings["page_size"], settings["max_page_size"], settings["max_body"], settings["log_format"]) == \
        ("4", "5", "4096", '"json"')
    # What --print-config prints is a config file the host reads back the same.
    again = tmp_path / "again.toml"
    again.write_text(printed.stdout)
    reread = subprocess.run([HOST_BINARY, "--print-config", "--config", str(again)], capture_output=True, text=True,
                            timeout=30)
    assert reread.stdout == printed.stdout

    # A host on the file: its lists page by 2, its log is JSON lines.
    os.environ["SWITCHBOARD_HOST_CONFIG"] = str(config)
    try:
        h = fresh_host("--no-demo")
    finally:
        del os.environ["SWITCHBOARD_HOST_CONFIG"]
    org = h.sign_up()
    ok(h.get("/settings/profile", headers=org.auth()))

    def logged():
        entries = [json.loads(l) for l in h.lines if l.startswith("{")]
        return any(e["method"] == "GET" and e["path"] == "/settings/profile" and e["status"] == 200 and e["ms"] >= 0
                   and e["remote"] == "127.0.0.1" for e in entries)

    deadline = time.time() + 5
    while time.time() < deadline and not logged():
        time.sleep(0.05)
    assert logged(), h.lines


def test_bad_settings_name_the_setting_and_where_it_came_from(tmp_path):
    def run(*args, env=None, config=None):
        e = dict(os.environ, **(env or {}))
        if config is not None:
            path = tmp_path / "c.toml"
            path.write_text(config)
            args = ("--config", str(path)) + args
        return subprocess.run([HOST_BINARY, "--print-config", *args], env=e, capture_output=True, text=True,
                              timeout=30)

    r = run(config="port = 'http'\n")
    assert r.returncode == 2 and "config file %s: port expects an integer" % (tmp_path / "c.toml") in r.stderr
    r = run(config="frobnicate = 1\n")
    assert r.returncode == 2 and "unknown setting frobnicate" in r.stderr
    r = run(config="port = [\n")
    assert r.returncode == 2 and "config file %s:" % (tmp_path / "c.toml") in r.stderr
    r = run(env={"SWITCHBOARD_HOST_PORT": "99999"})
    assert r.returncode == 2 and "SWITCHBOARD_HOST_PORT must be between 0 and 65535" in r.stderr
    r = run(env={"SWITCHBOARD_HOST_PROT": "80"})
    assert r.returncode == 2 and "unknown setting in the environment: SWITCHBOARD_HOST_PROT" in r.stderr
    r = run("--log-format", "xml")
    assert r.returncode == 2 and '--log-format must be one of text, json, got "xml"' in r.stderr
