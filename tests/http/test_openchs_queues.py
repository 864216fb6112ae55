"""OpenCHS queue status (seed 004 section 5: joinq, leaveq, poll) and the
presence endpoints around it: queues, who takes which queue's calls, calls
entering a queue and being answered, the wallboard, the live feed of agent
states, and the agent state report (list, CSV, pivot with seconds summed)."""

import json

import pytest

from conftest import AUTH_REQUIRED, bearer, chs_error, csv_rows, unique
from test_live import replay


@pytest.fixture
def desk(host):
    """An organisation with the queue queue_english and two agents."""
    org = host.sign_up()
    r = host.post("/eproc/queues", headers=org.bearer(), json={"name": "queue_english", "wrap_up_ms": 0})
    assert r.status_code == 201, r.text
    amina, amina_ss = org.create_user("agent")
    brian, brian_ss = org.create_user("agent")
    return org, (amina, amina_ss), (brian, brian_ss)


def poll(host, session):
    r = host.get("/eproc/", headers=bearer(session))
    assert r.status_code == 200, r.text
    profile = r.json()["profile"]
    assert len(profile) == 1
    return profile[0]


def test_joinq_rings_then_the_agent_is_online(host, desk):
    org, (amina, ss), _ = desk
    assert poll(host, ss) == {"status": "offline", "message": "Offline", "lastcall": "", "data": "", "phone": "",
                              "context": "queue_english"}
    r = host.post("/eproc/joinq", headers=bearer(ss))
    assert r.status_code == 200 and r.json() == {"status": "ringing", "message": "Ringing"}
    assert poll(host, ss)["status"] == "ringing"
    # No PBX: the agent confirms the ring through the API.
    r = host.post("/eproc/joinq/confirm", headers=bearer(ss))
    assert r.status_code == 200 and r.json() == {"status": "online", "message": "Online"}
    assert poll(host, ss)["status"] == "online"
    r = host.post("/eproc/leaveq", headers=bearer(ss))
    assert r.status_code == 200 and r.json() == {"status": "offline", "message": "Offline"}
    assert poll(host, ss)["status"] == "offline"


def test_the_seeds_failures_are_status_false_with_http_200(host, desk):
    org, (amina, ss), _ = desk
    r = host.post("/eproc/joinq/confirm", headers=bearer(ss))
    assert r.status_code == 200 and r.json() == {"status": "false", "message": "cannot confirm a join while offline"}
    # Customers have no queue status.
    _, customer_ss = org.register_customer()
    r = host.post("/eproc/joinq", headers=bearer(customer_ss))
    assert r.status_code == 200 and r.json() == {"status": "false", "message": "the customer role may not do this"}
    # No session: the dialect's 401.
    r = host.post("/eproc/joinq")
    assert r.status_code == 401 and r.json() == AUTH_REQUIRED
    r = host.get("/eproc/")
    assert r.status_code == 401 and r.json() == AUTH_REQUIRED


def test_join_at_once_when_the_organisation_says_so(host, desk):
    org, (amina, ss), _ = desk
    r = host.post("/eproc/presence/settings", headers=org.bearer(), json={"join_confirms_at_once": True})
    assert r.status_code == 202, r.text
    assert r.json()["settings"]["join_confirms_at_once"] is True
    r = host.post("/eproc/joinq", headers=bearer(ss))
    assert r.json() == {"status": "ringing", "message": "Ringing"}
    assert poll(host, ss)["status"] == "online"


def test_a_queued_call_rings_the_idle_agent_and_poll_shows_it(host, desk):
    org, (amina, a_ss), (brian, b_ss) = desk
    host.post("/eproc/presence/settings", headers=org.bearer(), json={"join_confirms_at_once": True})
    host.post("/eproc/joinq", headers=bearer(a_ss))
    host.post("/eproc/joinq", headers=bearer(b_ss))
    call_id = unique("callid-")
    r = host.post("/eproc/queuecalls", headers=org.bearer(),
                  json={"call_id": call_id, "queue": "queue_english", "caller": "012203203230"})
    assert r.status_code == 201, r.text
    call = r.json()["queuecalls"][0]
    assert call["state"] == "offered" and call["agent_id"] == int(amina["id"])  # joined first: idle longest
    p = poll(host, a_ss)
    assert (p["status"], p["data"], p["phone"], p["context"]) == ("ringing", call_id, "012203203230", "queue_english")
    # Only the agent it rings may answer it.
    r = host.post(f"/eproc/queuecalls/{call_id}/answer", headers=bearer(b_ss))
    chs_error(r, 412, f"call {call_id} is not offered to you", "conflict", "queuecalls", call_id, "call_id")
    r = host.post(f"/eproc/queuecalls/{call_id}/reject", headers=bearer(a_ss))
    assert r.json()["queuecalls"][0]["agent_id"] == int(brian["id"])
    r = host.post(f"/eproc/queuecalls/{call_id}/answer", headers=bearer(b_ss))
    assert r.status_code == 202 and r.json()["queuecalls"][0]["state"] == "connected"
    p = poll(host, b_ss)
    assert p["status"] == "oncall" and p["message"] == "On call" and len(p["lastcall"]) == 5
    # On a call the agent cannot leave the queue: the seed's failure shape.
    r = host.post("/eproc/leaveq", headers=bearer(b_ss))
    assert r.json() == {"status": "false", "message": "cannot log out while on_call"}
    r = host.post(f"/eproc/queuecalls/{call_id}/end", headers=bearer(b_ss))
    assert r.json()["queuecalls"][0]["state"] == "ended"
    assert poll(host, b_ss)["status"] == "online"   # the queue has no wrap-up time

    board = host.get("/eproc/wallboard", headers=org.bearer())
    assert board.status_code == 200, board.text
    wb = board.json()["wallboard"]
    states = {a["username"]: a["state"] for a in wb["agents"]}
    assert states == {amina["usn"]: "available", brian["usn"]: "available"}
    assert wb["queues"] == [{"name": "queue_english", "waiting": 0, "longest_wait_ms": 0, "agents": 2,
                             "available": 2}]
    r = host.get("/eproc/wallboard", headers=bearer(a_ss))
    chs_error(r, 412, "the agent role may not do this", "forbidden", "wallboard")


def test_queues_and_membership(host, desk):
    org, (amina, a_ss), _ = desk
    r = host.post("/eproc/queues", headers=org.bearer(), json={"name": "queue_swahili", "ring_timeout_ms": 500})
    chs_error(r, 412, "ring_timeout_ms must be 1000 to 600000", "invalid_argument", "queues", "", "ring_timeout_ms")
    r = host.post("/eproc/queues", headers=org.bearer(), json={"name": "queue_swahili", "colour": "red"})
    chs_error(r, 412, 'unknown field "colour"', "invalid_argument", "queues", "", "colour")
    r = host.post("/eproc/queues", headers=bearer(a_ss), json={"name": "queue_swahili"})
    chs_error(r, 412, "the agent role may not do this", "forbidden", "queues")
    r = host.post("/eproc/queues", headers=org.bearer(), json={"name": "queue_swahili", "max_wait_ms": 60000,
                                                               "overflow": "queue_english"})
    assert r.status_code == 201
    names = [q["name"] for q in host.get("/eproc/queues", headers=bearer(a_ss)).json()["queues"]]
    assert names == ["queue_english", "queue_swahili"]
    r = host.post(f"/eproc/users/{amina['id']}/queues", headers=org.bearer(), json={"queues": ["queue_swahili"]})
    assert r.status_code == 202 and r.json()["agent"]["queues"] == ["queue_swahili"]
    assert poll(host, a_ss)["context"] == "queue_swahili"
    r = host.post(f"/eproc/users/{amina['id']}/queues", headers=org.bearer(), json={"queues": ["nowhere"]})
    chs_error(r, 412, 'no queue "nowhere"', "not_found", "users", amina["id"], "queues")
    r = host.session.delete(host.url + "/eproc/queues/queue_english", headers=org.bearer())
    chs_error(r, 412, 'queue "queue_swahili" overflows into "queue_english"', "conflict", "queues",
              "queue_english", "name")
    r = host.session.delete(host.url + "/eproc/queues/queue_swahili", headers=org.bearer())
    assert r.status_code == 202 and r.json() == {"message": "Queue Deleted"}


def test_the_agent_state_report(host, desk):
    org, (amina, a_ss), _ = desk
    host.post("/eproc/presence/settings", headers=org.bearer(), json={"join_confirms_at_once": True})
    host.post("/eproc/joinq", headers=bearer(a_ss))
    host.post("/eproc/leaveq", headers=bearer(a_ss))
    r = host.get("/eproc/agentstates/", headers=org.bearer(), params={"username": amina["usn"]})
    assert r.status_code == 200, r.text
    rows = r.json()["agentstates"]
    assert dict(r.json()["agentstates_ctx"])["total"] == "1"
    assert rows[0]["state"] == "available" and rows[0]["username"] == amina["usn"] and rows[0]["ended"]
    r = host.get("/eproc/agentstates/", headers=org.bearer(), params={"csv": 1, "username": amina["usn"]})
    table = csv_rows(r)
    assert table[0] == ["id", "user_id", "username", "state", "reason", "day", "started", "ended", "seconds"]
    assert table[1][2:4] == [amina["usn"], "available"]
    r = host.get("/eproc/agentstates/rpt", headers=org.bearer(), params={"xaxis": "username", "yaxis": "state"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["agentstates_rpt"] == [{"username": amina["usn"], "state": "available", "count": "1",
                                        "seconds": body["agentstates_rpt"][0]["seconds"]}]
    ctx = dict((k, v) for k, v in body["agentstates_ctx"])
    assert ctx["total"] == "1" and ctx["xaxis"] == "username" and ctx["yaxis"] == "state"
    assert ctx["total_seconds"] == body["agentstates_rpt"][0]["seconds"]
    r = host.get("/eproc/agentstates/rpt", headers=org.bearer(), params={"xaxis": "colour"})
    assert r.status_code == 412 and r.json()["errors"][0][5] == "xaxis"
    r = host.get("/eproc/agentstates/", headers=bearer(a_ss))
    chs_error(r, 412, "the agent role may not do this", "forbidden", "agentstates")


def test_presence_changes_reach_the_live_feed(host, desk):
    """The supervisor's feed carries the agent's state changes and the
    queue's; another agent's carries the queue's only."""
    org, (amina, a_ss), (brian, b_ss) = desk
    host.post("/eproc/presence/settings", headers=org.bearer(), json={"join_confirms_at_once": True})
    host.post("/eproc/joinq", headers=bearer(a_ss))
    host.post("/eproc/queuecalls", headers=org.bearer(), json={"call_id": unique("c"), "queue": "queue_english"})

    def seen(session):
        events, _ = replay(host, session, 0)
        return [(event, data["subject"]) for event, data in events]

    sup = seen(org.session)
    assert ("agent.state", amina["usn"]) in sup
    assert ("queue.changed", "queue_english") in sup
    assert ("call.offered", sup[-1][1]) == sup[-1]
    other = seen(b_ss)
    assert ("queue.changed", "queue_english") in other
    assert all(kind != "agent.state" and kind != "call.offered" for kind, _ in other)
