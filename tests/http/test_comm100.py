"""Comm100 voice API (seed 002): POST /voicetwilio/agent/{agentid}/status
with {"available": true|false} and Authorization: Bearer <access token>.
Every answer the endpoint gives, the activity entry of every authenticated
request, and a supervisor following the changes on the live feed."""

import pytest

from conftest import bearer, unique
from test_live import replay

PATH = "/voicetwilio/agent/%s/status"
UNAUTHORIZED = {"error": "Unauthorized", "message": "a valid access token is required (Authorization: Bearer)"}


def status(host, agent_id, session, body=None, raw=None, headers=None):
    h = {"Authorization": "Bearer " + session} if session is not None else {}
    h.update(headers or {})
    if raw is not None:
        return host.post(PATH % agent_id, data=raw, headers=h)
    return host.post(PATH % agent_id, json=body, headers=h)


def done(r):
    """The seed's success: HTTP 200 with an empty body."""
    assert r.status_code == 200, r.text
    assert r.content == b"" and r.headers["Content-Length"] == "0"


def failed(r, code, error, message):
    assert r.status_code == code, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == {"error": error, "message": message}, r.text


def deepcall_state(host, session):
    """The caller's state, as DeepCall's setWebPingTime answers it."""
    r = host.post("/deepcall/api/v2/agentProfile/setWebPingTime", json={"ssid": session, "mic_perm": 1})
    body = r.json()
    assert body["status"] == "success", body
    return body["data"]["state"], body["data"]["break_reason"]


def feed(host, session, after=None):
    """The agent.state events a supervisor's live feed shows after `after`
    (from now when None), up to its "ready": ([(user_id, state)], last_seq)."""
    events, last_seq = replay(host, session, after)
    return [(e["data"]["user_id"], e["data"]["state"]) for kind, e in events if kind == "agent.state"], last_seq


def entries_since(host, org, before):
    entries = host.activity(org)
    return [(e["Endpoint"], e["Status"], e["Content"], e["Actor"]) for e in reversed(entries[:len(entries) - before])]


@pytest.fixture
def desk(host, org):
    """An organisation with two agents and a supervisor, each (user, session)."""
    return org, org.create_user(role="agent"), org.create_user(role="agent"), org.create_user(role="supervisor")


def test_an_agent_makes_themselves_available_and_logs_out(host, desk):
    org, (agent, ssid), _, (sup, sup_ssid) = desk
    _, start = feed(host, sup_ssid)
    before = host.activity_count(org)
    done(status(host, agent["id"], ssid, {"available": True}))
    assert deepcall_state(host, ssid) == ("available", "")
    done(status(host, agent["id"], ssid, {"available": True}))  # already: nothing changes
    done(status(host, agent["id"], ssid, {"available": False}))
    assert deepcall_state(host, ssid) == ("offline", "")
    done(status(host, agent["id"], ssid, {"available": False}))
    # The supervisor saw both changes, once each.
    states, _ = feed(host, sup_ssid, after=start)
    assert states == [(int(agent["id"]), "available"), (int(agent["id"]), "offline")]
    path = "POST " + PATH % agent["id"]
    ping = "POST /deepcall/api/v2/agentProfile/setWebPingTime"
    assert entries_since(host, org, before) == [
        (path, "OK", "", agent["usn"]),
        (ping, "OK", "heartbeat, mic_perm 1", agent["usn"]),
        (path, "OK", "", agent["usn"]),
        (path, "OK", "", agent["usn"]),
        (ping, "OK", "heartbeat, mic_perm 1", agent["usn"]),
        (path, "OK", "", agent["usn"]),
    ]


def test_available_brings_the_agent_back_from_a_break(host, desk):
    org, (agent, ssid), _, _ = desk
    done(status(host, agent["id"], ssid, {"available": True}))
    r = host.post("/deepcall/api/v2/agentProfile/setBreak", json={"ssid": ssid, "reason": "lunch"})
    assert r.json()["data"]["state"] == "on_break"
    done(status(host, agent["id"], ssid, {"available": True}))
    assert deepcall_state(host, ssid) == ("available", "")


def test_available_ends_the_wrap_up_and_an_agent_on_a_call_cannot_log_out(host, desk):
    org, (agent, ssid), _, (sup, sup_ssid) = desk
    queue = unique("q")
    assert host.post("/eproc/queues", headers=org.bearer(), json={"name": queue, "wrap_up_ms": 60000}).status_code == 201
    done(status(host, agent["id"], ssid, {"available": True}))
    call_id = unique("call-")
    r = host.post("/eproc/queuecalls", headers=org.bearer(), json={"call_id": call_id, "queue": queue})
    assert r.status_code == 201 and r.json()["queuecalls"][0]["agent_id"] == int(agent["id"])
    assert host.post("/eproc/queuecalls/%s/answer" % call_id, headers=bearer(ssid)).status_code == 202
    # On a call: a refused transition, by the agent or by their supervisor.
    before = host.activity_count(org)
    failed(status(host, agent["id"], ssid, {"available": False}), 409, "Conflict", "cannot log out while on_call")
    failed(status(host, agent["id"], sup_ssid, {"available": False}), 409, "Conflict",
           "cannot log out while on_call")
    # Nor can they be available for another call.
    failed(status(host, agent["id"], ssid, {"available": True}), 409, "Conflict",
           "cannot become available while on_call")
    assert deepcall_state(host, ssid) == ("on_call", "")
    path = "POST " + PATH % agent["id"]
    assert entries_since(host, org, before)[:3] == [
        (path, "KO", "cannot log out while on_call", agent["usn"]),
        (path, "KO", "user %s: cannot log out while on_call" % agent["id"], sup["usn"]),
        (path, "KO", "cannot become available while on_call", agent["usn"]),
    ]
    assert host.post("/eproc/queuecalls/%s/end" % call_id, headers=bearer(ssid)).status_code == 202
    assert deepcall_state(host, ssid) == ("wrap_up", "")
    done(status(host, agent["id"], ssid, {"available": True}))
    assert deepcall_state(host, ssid) == ("available", "")


def test_logging_out_while_ringing_puts_the_call_back_to_wait(host, desk):
    org, (agent, ssid), _, _ = desk
    queue = unique("q")
    assert host.post("/eproc/queues", headers=org.bearer(), json={"name": queue}).status_code == 201
    done(status(host, agent["id"], ssid, {"available": True}))
    call_id = unique("call-")
    r = host.post("/eproc/queuecalls", headers=org.bearer(), json={"call_id": call_id, "queue": queue})
    assert r.json()["queuecalls"][0]["state"] == "offered"
    assert deepcall_state(host, ssid) == ("ringing", "")
    done(status(host, agent["id"], ssid, {"available": False}))
    assert deepcall_state(host, ssid) == ("offline", "")
    calls = host.get("/eproc/queuecalls", headers=org.bearer()).json()["queuecalls"]
    assert [(c["call_id"], c["state"], c["agent_id"]) for c in calls] == [(call_id, "waiting", 0)]
    assert host.post("/eproc/queuecalls/%s/end" % call_id, headers=org.bearer()).status_code == 202


def test_a_supervisor_logs_an_agent_out(host, desk):
    org, (agent, ssid), _, (sup, sup_ssid) = desk
    done(status(host, agent["id"], ssid, {"available": True}))
    _, start = feed(host, sup_ssid)
    before = host.activity_count(org)
    done(status(host, agent["id"], sup_ssid, {"available": False}))
    assert deepcall_state(host, ssid) == ("offline", "")
    states, _ = feed(host, sup_ssid, after=start)
    assert states == [(int(agent["id"]), "offline")]
    assert entries_since(host, org, before)[0] == ("POST " + PATH % agent["id"], "OK", "user %s" % agent["id"],
                                                   sup["usn"])
    # An admin may too.
    done(status(host, agent["id"], ssid, {"available": True}))
    done(status(host, agent["id"], org.session, {"available": False}))
    assert deepcall_state(host, ssid) == ("offline", "")


def test_only_the_agent_makes_themselves_available_and_agents_change_only_their_own(host, desk):
    org, (agent, ssid), (other, other_ssid), (sup, sup_ssid) = desk
    done(status(host, other["id"], other_ssid, {"available": True}))
    customer, customer_ssid = org.register_customer()
    before = host.activity_count(org)
    failed(status(host, other["id"], ssid, {"available": False}), 403, "Forbidden", "the agent role may not do this")
    failed(status(host, other["id"], ssid, {"available": True}), 403, "Forbidden",
           "only the agent makes themselves available")
    failed(status(host, agent["id"], sup_ssid, {"available": True}), 403, "Forbidden",
           "only the agent makes themselves available")
    # A customer takes no calls.
    failed(status(host, customer["id"], customer_ssid, {"available": True}), 403, "Forbidden",
           "the customer role may not do this")
    assert deepcall_state(host, other_ssid) == ("available", "")
    path = "POST " + PATH
    assert entries_since(host, org, before)[:4] == [
        (path % other["id"], "KO", "user %s: the agent role may not do this" % other["id"], agent["usn"]),
        (path % other["id"], "KO", "only the agent makes themselves available", agent["usn"]),
        (path % agent["id"], "KO", "only the agent makes themselves available", sup["usn"]),
        (path % customer["id"], "KO", "the customer role may not do this", customer["usn"]),
    ]


def test_unknown_agents(host, desk):
    org, (agent, ssid), _, (sup, sup_ssid) = desk
    failed(status(host, 999999999, sup_ssid, {"available": False}), 404, "Not Found", "no user 999999999")
    customer, _ = org.register_customer()
    failed(status(host, customer["id"], sup_ssid, {"available": False}), 404, "Not Found",
           "user %s does not take calls" % customer["usn"])
    # Another organisation's agent is unknown here.
    other_org = host.sign_up()
    stranger, stranger_ssid = other_org.create_user(role="agent")
    failed(status(host, stranger["id"], sup_ssid, {"available": False}), 404, "Not Found",
           "no user %s" % stranger["id"])
    # An agent asking about someone else learns nothing of who exists.
    failed(status(host, 999999999, ssid, {"available": False}), 403, "Forbidden", "the agent role may not do this")


def test_bad_input(host, desk):
    org, (agent, ssid), _, _ = desk
    before = host.activity_count(org)
    failed(status(host, agent["id"], ssid, {}), 400, "Bad Request", "available is required")
    failed(status(host, agent["id"], ssid, {"available": "yes"}), 400, "Bad Request",
           "available must be true or false")
    failed(status(host, agent["id"], ssid, {"available": 1}), 400, "Bad Request", "available must be true or false")
    failed(status(host, agent["id"], ssid, {"available": True, "colour": "blue"}), 400, "Bad Request",
           "unknown parameter colour")
    failed(status(host, agent["id"], ssid, raw='{"available": tru'), 400, "Bad Request",
           "the body must be a JSON object")
    failed(status(host, "abc", ssid, {"available": True}), 400, "Bad Request", "agentid must be a user id")
    failed(status(host, 0, ssid, {"available": True}), 400, "Bad Request", "agentid must be a user id")
    # A form says it as true/false.
    done(status(host, agent["id"], ssid, raw="available=true",
                headers={"Content-Type": "application/x-www-form-urlencoded"}))
    path = "POST " + PATH
    usn = agent["usn"]
    assert entries_since(host, org, before) == [
        (path % agent["id"], "KO", "available is required", usn),
        (path % agent["id"], "KO", "unexpected datatype: available", usn),
        (path % agent["id"], "KO", "unexpected datatype: available", usn),
        (path % agent["id"], "KO", "unknown parameter colour", usn),
        (path % agent["id"], "KO", "unexpected datatype: malformed body", usn),
        (path % "abc", "KO", "agentid must be a user id", usn),
        (path % 0, "KO", "agentid must be a user id", usn),
        (path % agent["id"], "OK", "", usn),
    ]


def test_unauthenticated(host, desk):
    org, (agent, ssid), _, _ = desk
    before = host.activity_count(org)
    failed(status(host, agent["id"], None, {"available": True}), 401, "Unauthorized", UNAUTHORIZED["message"])
    failed(status(host, agent["id"], "z" * 32, {"available": True}), 401, "Unauthorized", UNAUTHORIZED["message"])
    r = host.post(PATH % agent["id"], json={"available": True}, headers={"Authorization": "Basic " + ssid})
    failed(r, 401, "Unauthorized", UNAUTHORIZED["message"])
    # A malformed body from an unknown caller is answered 401 too: nothing is said before authentication.
    failed(status(host, agent["id"], None, raw="{"), 401, "Unauthorized", UNAUTHORIZED["message"])
    # Nobody to record them for.
    assert host.activity_count(org) == before
    # A signed-out session.
    assert host.post("/eproc/logout", headers=bearer(ssid)).status_code == 200
    before = host.activity_count(org)
    failed(status(host, agent["id"], ssid, {"available": True}), 401, "Unauthorized", UNAUTHORIZED["message"])
    assert host.activity_count(org) == before


def test_a_temporary_password_must_be_changed_first(host, org):
    usn = unique("tmp")
    r = host.post("/eproc/users", headers=org.bearer(), json={"usn": usn, "email": usn + "@example.com",
                                                               "fname": "T", "lname": "P", "role": "agent"})
    assert r.status_code == 201, r.text
    user = r.json()["users"][0]
    temporary = r.json()["temporary_password"]
    session = host.openchs_login(usn, temporary)["ss"][0][0]
    failed(status(host, user["id"], session, {"available": True}), 403, "Forbidden",
           "the password is temporary: change it before doing anything else")


def test_the_transports_refusals_in_the_dialects_shape(host, fresh_host):
    r = host.get(PATH % 1)
    failed(r, 405, "Method Not Allowed", "method not allowed")
    r = host.post("/voicetwilio/agent/1/mood", json={})
    failed(r, 404, "Not Found", "unknown endpoint")
    small = fresh_host("--no-demo", "--max-body", "4096")
    r = small.post(PATH % 1, json={"available": True, "note": "x" * 5000})
    failed(r, 413, "Payload Too Large", "request body is too large")
