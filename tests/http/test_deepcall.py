"""DeepCall agent profile API v2 (seed 003) under /deepcall/api/v2/agentProfile/:
tags (the agent's notifications), breakStatus and setBreak, setWebPingTime
(the heartbeat), wrapUpStatus and setWrapUp; every numbered error code, the
activity entry of every request, and a supervisor following the agent's
changes on the live feed."""

import datetime
import re
import time

import pytest

from conftest import bearer, unique
from test_live import replay

BASE = "/deepcall/api/v2/agentProfile/"
ENDPOINTS = ["tags", "breakStatus", "setBreak", "setWebPingTime", "wrapUpStatus", "setWrapUp"]
ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"

INVALID = (1000, "Invalid Parameters")
WENT_WRONG = (1009, "Something Went Wrong")
NO_SSID = (1044, "SSID File Not Exist")
AGENT_MISMATCH = (1501, "Agent id not match")
NOT_ON_BREAK = (1502, "On break is : 0")
PING_SSID = (1503, "SSID not valid for setWebPingTime")
NOT_IN_WRAP = (1504, "Agent not in wrap time")
MISSING_MIC = (1505, "Missing required parameters:mic_perm")
PING_TIME_TYPE = (1506, "Cannot update [ping_time] as it is of incompatible type")


# ------------------------------------------------------------------ helpers
def post(host, endpoint, body=None, raw=None, headers=None):
    """A DeepCall request; every answer is HTTP 200 JSON."""
    if raw is not None:
        r = host.post(BASE + endpoint, data=raw, headers=headers or {})
    else:
        r = host.post(BASE + endpoint, json=body if body is not None else {}, headers=headers or {})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    return r.json()


def call(host, endpoint, ssid, **params):
    return post(host, endpoint, {"ssid": ssid, **params})


def error(body, code):
    assert body == {"status": "error", "code": code[0], "message": code[1]}, body


def data(body):
    assert body["status"] == "success" and body["code"] == 200, body
    assert set(body) == {"data", "status", "code"}, body
    return body["data"]


def iso(value):
    assert re.fullmatch(ISO, value), value
    return value


def agent_state(d, user, state, **expected):
    """Checks the agent object the changing endpoints answer."""
    assert set(d) == {"agent_id", "username", "state", "since", "on_break", "break_reason", "in_wrap_up",
                      "wrap_up_remaining", "last_ping", "mic_perm"} | set(expected.keys() & {"ping_time"}), d
    assert d["agent_id"] == int(user["id"]) and d["username"] == user["usn"] and d["state"] == state, d
    for k, v in expected.items():
        assert d[k] == v, (k, d)
    return d


def log_in(host, user, session):
    """The agent logs in (Comm100: available)."""
    r = host.post("/voicetwilio/agent/%s/status" % user["id"], json={"available": True},
                  headers={"Authorization": "Bearer " + session})
    assert r.status_code == 200 and r.text == "", r.text


def feed(host, session, after=None):
    """The events a supervisor's live feed (GET /eproc/events) shows after
    `after` (from now when None) up to its "ready": ([(type, event)], last_seq)."""
    return replay(host, session, after)


def states_of(events, user):
    return [(e["data"]["state"], e["data"]["reason"]) for t, e in events
            if t == "agent.state" and e["data"]["user_id"] == int(user["id"])]


def activity_since(host, org, before):
    """The activity entries written since `before` (a count), oldest first,
    as (endpoint, status, summary, actor)."""
    entries = host.activity(org)
    new = entries[:len(entries) - before]
    return [(e["Endpoint"], e["Status"], e["Content"], e["Actor"]) for e in reversed(new)]


def queue(host, org, **settings):
    name = unique("q")
    r = host.post("/eproc/queues", headers=org.bearer(), json={"name": name, **settings})
    assert r.status_code == 201, r.text
    return name


def enqueue(host, org, queue_name, caller="+254700000001"):
    call_id = unique("call-")
    r = host.post("/eproc/queuecalls", headers=org.bearer(),
                  json={"call_id": call_id, "queue": queue_name, "caller": caller})
    assert r.status_code == 201, r.text
    return call_id, r.json()["queuecalls"][0]


def queuecall(host, session, call_id, action):
    r = host.post("/eproc/queuecalls/%s/%s" % (call_id, action), headers=bearer(session))
    assert r.status_code == 202, r.text
    return r.json()["queuecalls"][0]


@pytest.fixture
def desk(host, org):
    """An organisation with an agent and a supervisor: (org, (agent, ssid), (supervisor, ssid))."""
    agent = org.create_user(role="agent")
    supervisor = org.create_user(role="supervisor")
    return org, agent, supervisor


# ------------------------------------------------------------------ tags
def test_tags_of_an_agent_with_nothing_new_is_the_seeds_empty_answer(host, desk):
    org, (agent, ssid), _ = desk
    assert post(host, "tags", {"ssid": ssid, "ref": True}) == {"data": [], "iconDetails": [], "status": "success",
                                                               "code": 200}
    # As the seed's own examples send it: the JSON body with curl's form type, and "ref" as a string.
    raw = '{\n "ssid":"%s",\n "ref":"true"\n}' % ssid
    assert post(host, "tags", raw=raw, headers={"Content-Type": "application/x-www-form-urlencoded"}) == {
        "data": [], "iconDetails": [], "status": "success", "code": 200}
    assert post(host, "tags", raw=raw, headers={"Content-Type": "text/plain"})["status"] == "success"
    # A real form is read as one.
    assert post(host, "tags", raw="ssid=%s&ref=0" % ssid,
                headers={"Content-Type": "application/x-www-form-urlencoded"})["status"] == "success"


def test_tags_show_offers_missed_calls_and_calls_waiting(host, desk):
    org, (agent, ssid), _ = desk
    q = queue(host, org, ring_timeout_ms=1000, max_missed_offers=1)
    log_in(host, agent, ssid)
    call_id, c = enqueue(host, org, q, caller="+254700000009")
    assert c["state"] == "offered" and c["agent_id"] == int(agent["id"])
    # Nobody answers within the ring time: the offer is missed, and after
    # max_missed_offers (1) the agent is put on break.
    deadline = time.time() + 10
    while time.time() < deadline:
        body = call(host, "breakStatus", ssid)
        if body["status"] == "success":
            break
        time.sleep(0.1)
    d = data(body)
    assert (d["on_break"], d["reason"]) == (1, "missed offers")

    body = call(host, "tags", ssid)
    items = body["data"]
    assert [(t["type"], t["subject"], t["message"]) for t in items] == [
        ("missed_call", call_id, "Missed call from +254700000009 (%s)" % q),
        ("incoming_call", call_id, "Call from +254700000009 (%s)" % q),
        ("calls_waiting", q, "1 call waiting in %s" % q),
    ]
    for t in items:
        assert set(t) == {"type", "subject", "time", "message"}
        iso(t["time"])
    assert items[0]["time"] >= items[1]["time"] >= items[2]["time"]
    assert body["iconDetails"] == [
        {"type": "missed_call", "icon": "call_missed", "action": "call_back"},
        {"type": "incoming_call", "icon": "ring_volume", "action": "answer_call"},
        {"type": "calls_waiting", "icon": "queue", "action": "open_queue"},
    ]
    assert set(body) == {"data", "iconDetails", "status", "code"} and body["status"] == "success"

    # ref: only what came since the previous tags read.
    assert call(host, "tags", ssid, ref=True)["data"] == []
    # The caller hangs up: no call waits any more, so no "calls waiting" item.
    queuecall(host, org.session, call_id, "end")
    assert call(host, "tags", ssid, ref=True) == {"data": [], "iconDetails": [], "status": "success", "code": 200}
    second, _ = enqueue(host, org, q)  # the agent is on break: it waits
    body = call(host, "tags", ssid, ref=True)
    assert [(t["type"], t["message"]) for t in body["data"]] == [("calls_waiting", "1 call waiting in %s" % q)]
    assert body["iconDetails"] == [{"type": "calls_waiting", "icon": "queue", "action": "open_queue"}]
    # Without ref, the last hour again: the queue's latest count, the offer and the miss.
    body = call(host, "tags", ssid, ref=False)
    assert [t["type"] for t in body["data"]] == ["calls_waiting", "missed_call", "incoming_call"]
    # Another agent sees neither the first agent's offers nor their misses.
    other, other_ssid = org.create_user(role="agent")
    assert [t["type"] for t in call(host, "tags", other_ssid)["data"]] == ["calls_waiting"]
    queuecall(host, org.session, second, "end")


def test_tags_show_the_agents_tickets_and_others_messages(host, desk):
    org, (agent, ssid), _ = desk
    r = host.post("/eproc/tickets", json={"narrative": "router blinks", "assigned_to": agent["id"]},
                  headers=org.bearer())
    assert r.status_code == 201, r.text
    ticket = r.json()["tickets"][0]
    no = ticket["ticket_no"]
    # The admin writes; the agent answers (their own message is no notification).
    authors = []
    for session, text in ((org.session, "please call back"), (ssid, "calling now")):
        r = host.post("/eproc/tickets/%s/messages" % ticket["id"], json={"body": text}, headers=bearer(session))
        assert r.status_code == 201, r.text
        authors.append(r.json()["messages"][0]["author"])
    admin = authors[0]
    assert authors[1] == agent["usn"]
    r = host.post("/eproc/tickets/%s" % ticket["id"], json={"status": "escalated"}, headers=org.bearer())
    assert r.status_code == 202, r.text

    body = call(host, "tags", ssid)
    assert [(t["type"], t["subject"], t["message"]) for t in body["data"]] == [
        ("ticket_changed", no, "Ticket %s was updated (escalated)" % no),
        ("new_message", no, "New message from %s on ticket %s" % (admin, no)),
        ("ticket_assigned", no, "Ticket %s is assigned to you" % no),
    ]
    assert body["iconDetails"] == [
        {"type": "ticket_assigned", "icon": "assignment_ind", "action": "open_ticket"},
        {"type": "ticket_changed", "icon": "edit_note", "action": "open_ticket"},
        {"type": "new_message", "icon": "chat", "action": "open_ticket"},
    ]
    # Another agent's tags show none of it.
    _, other_ssid = org.create_user(role="agent")
    assert call(host, "tags", other_ssid)["data"] == []


def test_a_customer_gets_the_messages_on_their_own_tickets(host, org):
    agent, agent_ssid = org.create_user(role="agent")
    customer, customer_ssid = org.register_customer()
    r = host.post("/eproc/tickets", json={"narrative": "my order never came"}, headers=bearer(customer_ssid))
    assert r.status_code == 201, r.text
    ticket = r.json()["tickets"][0]
    r = host.post("/eproc/tickets/%s/assign" % ticket["id"], json={"assigned_to": agent["id"]}, headers=org.bearer())
    assert r.status_code == 202, r.text
    r = host.post("/eproc/tickets/%s/messages" % ticket["id"], json={"body": "It ships today."},
                  headers=bearer(agent_ssid))
    assert r.status_code == 201, r.text
    no = ticket["ticket_no"]
    assert [(t["type"], t["message"]) for t in call(host, "tags", customer_ssid)["data"]] == [
        ("new_message", "New message from %s on ticket %s" % (agent["usn"], no)),
        ("ticket_changed", "Ticket %s was updated (open)" % no),
    ]
    # The presence endpoints are an agent's: a customer's session is not an agent's.
    error(call(host, "breakStatus", customer_ssid), AGENT_MISMATCH)
    error(call(host, "setWebPingTime", customer_ssid, mic_perm=1), PING_SSID)


def test_a_session_with_a_temporary_password_is_no_agents_yet(host, org):
    usn = unique("tmp")
    r = host.post("/eproc/users", headers=org.bearer(), json={"usn": usn, "email": usn + "@example.com",
                                                               "fname": "T", "lname": "P", "role": "agent"})
    assert r.status_code == 201, r.text
    session = host.openchs_login(usn, r.json()["temporary_password"])["ss"][0][0]
    before = host.activity_count(org)
    error(call(host, "tags", session), AGENT_MISMATCH)
    error(call(host, "breakStatus", session), AGENT_MISMATCH)
    error(call(host, "setWebPingTime", session, mic_perm=1), PING_SSID)
    temporary = "the password is temporary: change it before doing anything else"
    assert [(e[0], e[1], e[2]) for e in activity_since(host, org, before)] == [
        ("POST " + BASE + "tags", "KO", temporary),
        ("POST " + BASE + "breakStatus", "KO", temporary),
        ("POST " + BASE + "setWebPingTime", "KO", temporary),
    ]


# ------------------------------------------------------------------ breaks
def test_break_start_status_and_end_and_the_supervisor_sees_them(host, desk):
    org, (agent, ssid), (supervisor, sup_ssid) = desk
    _, start = feed(host, sup_ssid)
    log_in(host, agent, ssid)
    error(call(host, "breakStatus", ssid), NOT_ON_BREAK)

    d = agent_state(data(call(host, "setBreak", ssid, reason="lunch")), agent, "on_break", on_break=1,
                    break_reason="lunch", in_wrap_up=0, wrap_up_remaining=0, last_ping="", mic_perm=None)
    iso(d["since"])
    d = data(call(host, "breakStatus", ssid, agent_id=int(agent["id"])))
    assert set(d) == {"agent_id", "on_break", "reason", "since", "seconds"}
    assert (d["agent_id"], d["on_break"], d["reason"]) == (int(agent["id"]), 1, "lunch")
    assert iso(d["since"]) and 0 <= d["seconds"] <= 10
    # Another reason from the organisation's list changes it; one not in it is refused.
    agent_state(data(call(host, "setBreak", ssid, on_break=1, reason="training")), agent, "on_break",
                break_reason="training")
    error(call(host, "setBreak", ssid, reason="nap"), INVALID)
    error(call(host, "setBreak", ssid), INVALID)                        # no reason
    error(call(host, "setBreak", ssid, on_break=1), INVALID)
    error(call(host, "setBreak", ssid, on_break=0, reason="lunch"), INVALID)
    error(call(host, "setBreak", ssid, reason=7), INVALID)
    error(call(host, "setBreak", ssid, on_break="maybe"), INVALID)
    agent_state(data(call(host, "setBreak", ssid, on_break=0)), agent, "available", on_break=0, break_reason="")
    error(call(host, "breakStatus", ssid), NOT_ON_BREAK)
    error(call(host, "setBreak", ssid, on_break=False), NOT_ON_BREAK)

    events, _ = feed(host, sup_ssid, after=start)
    assert states_of(events, agent) == [("available", ""), ("on_break", "lunch"), ("on_break", "training"),
                                        ("available", "")]


def test_a_break_refused_by_the_state_is_something_went_wrong_with_a_log_line(host, desk):
    org, (agent, ssid), _ = desk
    before = host.activity_count(org)
    error(call(host, "setBreak", ssid, reason="lunch"), WENT_WRONG)  # offline: no break to take
    assert host.wait_for_stderr("error: deepcall POST /deepcall/api/v2/agentProfile/setBreak: "
                                "cannot start a break while offline")
    assert activity_since(host, org, before) == [
        ("POST " + BASE + "setBreak", "KO", "reason lunch: cannot start a break while offline", agent["usn"])]


# ------------------------------------------------------------------ heartbeat
def test_web_ping_records_the_heartbeat_and_the_microphone(host, desk):
    org, (agent, ssid), (supervisor, sup_ssid) = desk
    before = host.activity_count(org)
    d = agent_state(data(call(host, "setWebPingTime", ssid, mic_perm=1, ping_time=1733130000123)), agent,
                    "offline", mic_perm=1, ping_time=1733130000123)
    iso(d["last_ping"])
    d = agent_state(data(call(host, "setWebPingTime", ssid, mic_perm=False, ping_time=1.5)), agent, "offline",
                    mic_perm=0, ping_time=1.5)
    agent_state(data(call(host, "setWebPingTime", ssid, mic_perm="1")), agent, "offline", mic_perm=1,
                ping_time=None)
    error(call(host, "setWebPingTime", ssid), MISSING_MIC)
    error(call(host, "setWebPingTime", ssid, ping_time=5), MISSING_MIC)
    error(call(host, "setWebPingTime", ssid, mic_perm=1, ping_time="soon"), PING_TIME_TYPE)
    error(call(host, "setWebPingTime", ssid, mic_perm=1, ping_time=None), PING_TIME_TYPE)
    error(call(host, "setWebPingTime", ssid, mic_perm="yes"), INVALID)
    error(call(host, "setWebPingTime", ssid, mic_perm=2), INVALID)
    # Every heartbeat request is in the activity log, though the core keeps
    # its heartbeats out of it.
    ping = "POST " + BASE + "setWebPingTime"
    usn = agent["usn"]
    assert activity_since(host, org, before) == [
        (ping, "OK", "heartbeat, mic_perm 1", usn),
        (ping, "OK", "heartbeat, mic_perm 0", usn),
        (ping, "OK", "heartbeat, mic_perm 1", usn),
        (ping, "KO", MISSING_MIC[1], usn),
        (ping, "KO", MISSING_MIC[1], usn),
        (ping, "KO", PING_TIME_TYPE[1], usn),
        (ping, "KO", PING_TIME_TYPE[1], usn),
        (ping, "KO", "unexpected datatype: mic_perm", usn),
        (ping, "KO", "unexpected datatype: mic_perm", usn),
    ]


def test_no_call_is_offered_without_the_microphone(host, desk):
    org, (agent, ssid), _ = desk
    q = queue(host, org)
    log_in(host, agent, ssid)
    agent_state(data(call(host, "setWebPingTime", ssid, mic_perm=0)), agent, "available", mic_perm=0, ping_time=None)
    call_id, c = enqueue(host, org, q)
    assert c["state"] == "waiting"
    # The microphone is back: the waiting call rings the agent.
    agent_state(data(call(host, "setWebPingTime", ssid, mic_perm=True)), agent, "ringing", mic_perm=1,
                ping_time=None)
    assert [t["type"] for t in call(host, "tags", ssid)["data"]][:1] == ["incoming_call"]
    queuecall(host, org.session, call_id, "end")


# ------------------------------------------------------------------ wrap-up
def test_wrap_up_status_extend_and_end(host, desk):
    org, (agent, ssid), (supervisor, sup_ssid) = desk
    q = queue(host, org, wrap_up_ms=60000)
    log_in(host, agent, ssid)
    error(call(host, "wrapUpStatus", ssid), NOT_IN_WRAP)
    error(call(host, "setWrapUp", ssid, end=1), NOT_IN_WRAP)
    error(call(host, "setWrapUp", ssid, extend=30), NOT_IN_WRAP)
    call_id, _ = enqueue(host, org, q)
    assert queuecall(host, ssid, call_id, "answer")["state"] == "connected"
    error(call(host, "wrapUpStatus", ssid), NOT_IN_WRAP)  # on the call
    _, start = feed(host, sup_ssid)
    assert queuecall(host, ssid, call_id, "end")["state"] == "ended"

    d = data(call(host, "wrapUpStatus", ssid))
    assert set(d) == {"agent_id", "in_wrap_up", "remaining", "until", "since", "call_id"}
    assert (d["agent_id"], d["in_wrap_up"], d["call_id"]) == (int(agent["id"]), 1, call_id)
    assert 50 <= d["remaining"] <= 60 and iso(d["until"]) > iso(d["since"])
    d = agent_state(data(call(host, "setWrapUp", ssid, extend=30)), agent, "wrap_up", in_wrap_up=1, on_break=0)
    assert 80 <= d["wrap_up_remaining"] <= 90
    status = data(call(host, "wrapUpStatus", ssid))
    assert 80 <= status["remaining"] <= 90
    until_ms = round(datetime.datetime.fromisoformat(status["until"].replace("Z", "+00:00")).timestamp() * 1000)
    # The core's bounds: 1 s to 1 h.
    error(call(host, "setWrapUp", ssid, extend=0), INVALID)
    error(call(host, "setWrapUp", ssid, extend=3601), INVALID)
    error(call(host, "setWrapUp", ssid, extend="30"), INVALID)
    error(call(host, "setWrapUp", ssid), INVALID)
    error(call(host, "setWrapUp", ssid, end=1, extend=30), INVALID)
    agent_state(data(call(host, "setWrapUp", ssid, end=1)), agent, "available", in_wrap_up=0, wrap_up_remaining=0)
    error(call(host, "wrapUpStatus", ssid), NOT_IN_WRAP)
    error(call(host, "setWrapUp", ssid, end=True), NOT_IN_WRAP)

    events, _ = feed(host, sup_ssid, after=start)
    assert states_of(events, agent) == [("wrap_up", ""), ("wrap_up", ""), ("available", "")]
    extended = [e for t, e in events if t == "agent.state"][1]["data"]
    assert extended["wrap_up_until_ms"] == until_ms


# ------------------------------------------------------------------ the codes every endpoint shares
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_invalid_parameters(host, desk, endpoint):
    org, (agent, ssid), _ = desk
    error(post(host, endpoint, {}), INVALID)                                    # no ssid
    error(post(host, endpoint, {"ssid": 12345}), INVALID)                       # not a string
    error(post(host, endpoint, {"ssid": ""}), INVALID)
    error(post(host, endpoint, raw='{"ssid": "%s",' % ssid), INVALID)           # malformed
    error(post(host, endpoint, raw='["%s"]' % ssid), INVALID)                   # not an object
    before = host.activity_count(org)
    error(call(host, endpoint, ssid, colour="blue"), INVALID)                   # unknown parameter
    error(call(host, endpoint, ssid, agent_id="seven"), INVALID)
    # The anonymous ones left no entry; the others one each.
    assert activity_since(host, org, before) == [
        ("POST " + BASE + endpoint, "KO", "Invalid Parameters: unknown parameter colour", agent["usn"]),
        ("POST " + BASE + endpoint, "KO", "unexpected datatype: agent_id", agent["usn"]),
    ]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_unknown_or_expired_ssid(host, desk, endpoint):
    org, (agent, ssid), _ = desk
    code = PING_SSID if endpoint == "setWebPingTime" else NO_SSID
    error(call(host, endpoint, "z" * 32), code)
    # Signed out: the session is gone.
    r = host.post("/eproc/logout", headers=bearer(ssid))
    assert r.status_code == 200, r.text
    before = host.activity_count(org)
    error(call(host, endpoint, ssid, mic_perm=1), code)
    assert host.activity_count(org) == before  # nobody to record it for


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_agent_id_of_another_agent(host, desk, endpoint):
    org, (agent, ssid), (supervisor, sup_ssid) = desk
    before = host.activity_count(org)
    error(call(host, endpoint, ssid, agent_id=int(supervisor["id"])), AGENT_MISMATCH)
    error(call(host, endpoint, sup_ssid, agent_id=str(agent["id"])), AGENT_MISMATCH)
    assert activity_since(host, org, before) == [
        ("POST " + BASE + endpoint, "KO", "Agent id not match", agent["usn"]),
        ("POST " + BASE + endpoint, "KO", "Agent id not match", supervisor["usn"]),
    ]


def test_every_request_leaves_one_activity_entry(host, desk):
    org, (agent, ssid), _ = desk
    log_in(host, agent, ssid)
    before = host.activity_count(org)
    call(host, "tags", ssid)
    call(host, "tags", ssid, ref=True)
    call(host, "breakStatus", ssid)
    call(host, "setBreak", ssid, reason="meeting")
    call(host, "breakStatus", ssid)
    call(host, "setBreak", ssid, on_break=0)
    call(host, "setWebPingTime", ssid, mic_perm=1)
    call(host, "wrapUpStatus", ssid)
    call(host, "setWrapUp", ssid, end=1)
    usn = agent["usn"]
    p = "POST " + BASE
    assert activity_since(host, org, before) == [
        (p + "tags", "OK", "0 notifications of the last hour", usn),
        (p + "tags", "OK", "0 notifications since the previous read", usn),
        (p + "breakStatus", "OK", "", usn),           # read; the answer is 1502
        (p + "setBreak", "OK", "reason meeting", usn),
        (p + "breakStatus", "OK", "", usn),
        (p + "setBreak", "OK", "", usn),
        (p + "setWebPingTime", "OK", "heartbeat, mic_perm 1", usn),
        (p + "wrapUpStatus", "OK", "", usn),          # read; the answer is 1504
        (p + "setWrapUp", "KO", "cannot end the wrap-up while available", usn),
    ]


def test_the_transports_refusals_in_the_dialects_shape(host, fresh_host):
    r = host.post(BASE + "noSuchThing", json={})
    assert r.status_code == 404 and r.json() == {"status": "error", "code": 404, "message": "unknown endpoint"}
    r = host.get(BASE + "tags")
    assert r.status_code == 405 and r.json() == {"status": "error", "code": 405, "message": "method not allowed"}
    small = fresh_host("--no-demo", "--max-body", "4096")
    r = small.post(BASE + "tags", json={"ssid": "x" * 5000})
    assert r.status_code == 413
    assert r.json() == {"status": "error", "code": 413, "message": "request body is too large"}
