"""Durable jobs and events from Python: listing jobs by state, the backlog's
byte budget (BusyError), work left by a closed database picked up by the next
one, and events read by the rule that reads the record."""

import threading
import time

import pytest

import switchboard
from sbtest import add_customer, add_user, new_org, open_db


def dev_token(db, org, username="robot"):
    pass_key = db.add_dev_key(org.admin_token, username)["pass_key"]
    return db.issue_dev_token(org.email, username, pass_key)["token"]


def test_jobs_are_listed_by_state_with_their_outcome(db, org):
    dev = dev_token(db, org)
    ricket = db.record_text(dev, "I will call you back tomorrow.")["ricket"]
    assert db.drain_jobs(timeout_s=30)
    page = db.list_jobs(dev, {"kind": "text_analysis"})
    assert page["total"] == 1
    job = page["items"][0]
    assert (job["kind"], job["subject"], job["state"], job["attempts"]) == ("text_analysis", ricket, "done", 1)
    assert job["payload_bytes"] == 0 and job["last_error"] == "" and job["finished_ms"] >= job["created_ms"]
    assert db.get_job(org.admin_token, job["id"]) == job
    assert db.job_counts(dev) == {"queued": 0, "running": 0, "done": 1, "failed": 0}
    assert db.list_jobs(org.admin_token, {"state": "failed"})["total"] == 0
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.list_jobs(org.admin_token, {"state": "lost"})
    assert info.value.field == "state"
    with pytest.raises(switchboard.NotFound) as info:
        db.get_job(org.admin_token, job["id"] + 1000)
    assert info.value.field == "id"


def test_job_readers_are_report_readers(db, org):
    _, agent = add_user(db, org, "kioko", "agent")
    with pytest.raises(switchboard.Forbidden):
        db.job_counts(agent)
    with pytest.raises(switchboard.Unauthorized):
        db.list_jobs("x" * 32)
    other = new_org(db, "Beta Helpline", "owner@beta.example", "+254 700 000 002")
    dev = dev_token(db, org)
    db.record_text(dev, "hello there")
    assert db.drain_jobs(timeout_s=30)
    assert db.job_counts(other.admin_token)["done"] == 0  # another organisation's jobs are not seen


def test_a_full_backlog_refuses_new_texts_as_busy(make_db, db_path):
    db = make_db(job_workers=0, max_backlog_bytes=20_000)
    org = new_org(db)
    dev = dev_token(db, org)
    accepted = 0
    with pytest.raises(switchboard.BusyError) as info:
        for _ in range(100):
            db.record_text(dev, "I will call you back. " * 200)  # 4.4 KB each
            accepted += 1
    assert accepted == 4
    assert info.value.code == "busy" and info.value.field == "queue"
    assert "backlog is full" in str(info.value)
    assert db.job_counts(dev)["queued"] == 4  # the refused text left nothing behind
    assert not db.drain_jobs(timeout_s=0.05)  # no worker in this process
    db.close()
    # A process with workers takes the backlog over.
    again = make_db()
    assert again.drain_jobs(timeout_s=30)
    assert again.job_counts(dev)["done"] == 4


def test_a_handle_without_workers_queues_and_another_runs_the_jobs(make_db, db_path):
    """Two handles on one file, as an API process and a worker process would
    be: one queues (job_workers=0), the other analyses."""
    db = make_db(job_workers=0)
    org = new_org(db)
    dev = dev_token(db, org)
    ricket = db.record_text(dev, "Please hold on, I will check it.")["ricket"]
    worker = make_db(job_lease_ms=500)
    assert worker.drain_jobs(timeout_s=30)
    report = db.text_report(dev, ricket)
    assert report["status"] == "ready"
    assert "Client Hold Request" in {f["pool"] for f in report["analysis"]["findings"]}


def test_events_follow_the_rule_that_reads_the_record(db, org):
    agent, agent_token = add_user(db, org, "kioko", "agent")
    _, customer = add_customer(db, org, "surya@example.org")
    _, other_customer = add_customer(db, org, "bob@example.org", first_name="Bob")
    start = db.last_event_seq(org.admin_token)
    mine = db.create_ticket(customer, narrative="my order is late")
    theirs = db.create_ticket(other_customer, narrative="my bill is wrong")
    db.assign_ticket(org.admin_token, mine["id"], agent["id"])
    db.post_message(agent_token, mine["id"], "on it")

    def seen(token):
        batch = db.read_events(token, after=start, wait_s=2)
        return [(e["type"], e["subject"]) for e in batch["events"]]

    assert seen(customer) == [("ticket.created", mine["ticket_no"]), ("ticket.changed", mine["ticket_no"]),
                              ("message.posted", mine["ticket_no"])]
    assert seen(other_customer) == [("ticket.created", theirs["ticket_no"])]
    assert seen(agent_token) == [("ticket.changed", mine["ticket_no"]), ("message.posted", mine["ticket_no"])]
    everything = db.read_events(org.admin_token, after=start, wait_s=2)
    assert [e["seq"] for e in everything["events"]] == list(range(start + 1, start + 5))
    assert everything["last_seq"] == start + 4 and everything["gap"] is False
    message = everything["events"][3]
    assert message["data"]["message"]["body"] == "on it"
    assert message["data"]["ticket_id"] == mine["id"]


def test_a_reader_waits_without_the_gil_for_the_next_event(db, org):
    after = db.last_event_seq(org.admin_token)
    got = {}

    def reader():
        got["batch"] = db.read_events(org.admin_token, after=after, wait_s=10)

    t = threading.Thread(target=reader)
    t.start()
    time.sleep(0.2)  # the reader waits; this thread runs meanwhile
    ticket = db.create_ticket(org.admin_token, narrative="a new one")
    t.join(15)
    assert [(e["type"], e["subject"]) for e in got["batch"]["events"]] == [("ticket.created", ticket["ticket_no"])]
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.read_events(org.admin_token, limit=0)
    assert info.value.field == "limit"
