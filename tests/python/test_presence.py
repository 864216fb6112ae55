"""Agent presence and call queues from Python: the organisation's settings and
queues, agent states with the transitions refused as ConflictError, who may
act on whom, the offering of queued calls (the available agent idle longest
first, a rejection passing the call on, answer, end, wrap-up), queue
membership and the microphone permission, the wallboard, and the agent state
report as a page, CSV and a pivot summing the seconds.

Presence runs on the system clock here: the queues ring for ten minutes, so
no offer times out while a test runs."""

import csv
import io
import time

import pytest

import switchboard
from sbtest import add_customer, add_user, new_org

LONG = 600_000  # ten minutes: the longest ring and a wrap-up that outlasts every test


def dev_token(db, org, username="pbx"):
    pass_key = db.add_dev_key(org.admin_token, username)["pass_key"]
    return db.issue_dev_token(org.email, username, pass_key)["token"]


@pytest.fixture
def floor(db, org):
    """A supervisor, three agents, the PBX's dev token and two queues."""
    class Floor:
        pass

    f = Floor()
    f.admin = org.admin_token
    f.sue_user, f.sue = add_user(db, org, "sue", "supervisor")
    f.ann_user, f.ann = add_user(db, org, "ann")
    f.bob_user, f.bob = add_user(db, org, "bob")
    f.cid_user, f.cid = add_user(db, org, "cid")
    f.pbx = dev_token(db, org)
    db.put_queue(f.admin, name="support", ring_timeout_ms=LONG, wrap_up_ms=LONG)
    db.put_queue(f.admin, {"name": "sales", "ring_timeout_ms": LONG, "wrap_up_ms": 0})
    return f


def state(status: dict) -> str:
    return status["state"]


# ---------------------------------------------------------------- settings and queues

def test_settings_change_what_is_named_and_name_what_is_refused(db, org):
    _, agent = add_user(db, org, "ann")
    defaults = db.presence_settings(agent)
    assert defaults == {"break_reasons": ["lunch", "training", "meeting", "personal"],
                        "heartbeat_timeout_ms": 90000, "join_confirms_at_once": False, "join_ring_ms": 30000}
    changed = db.set_presence_settings(org.admin_token, break_reasons=["lunch", "prayer"])
    assert changed["break_reasons"] == ["lunch", "prayer"]
    assert changed["join_ring_ms"] == 30000  # not named: kept
    changed = db.set_presence_settings(org.admin_token, {"join_ring_ms": 45000}, join_confirms_at_once=True)
    assert (changed["break_reasons"], changed["join_ring_ms"], changed["join_confirms_at_once"]) == \
        (["lunch", "prayer"], 45000, True)
    assert db.presence_settings(org.admin_token) == changed

    bad = [
        ({"break_reasons": "lunch"}, "break_reasons"),
        ({"break_reasons": []}, "break_reasons"),
        ({"break_reasons": ["lunch", "lunch"]}, "break_reasons"),
        ({"heartbeat_timeout_ms": 10}, "heartbeat_timeout_ms"),
        ({"join_ring_ms": "soon"}, "join_ring_ms"),
        ({"join_confirms_at_once": "yes"}, "join_confirms_at_once"),
        ({"ring_ms": 1}, "ring_ms"),
    ]
    for settings, field in bad:
        with pytest.raises(switchboard.InvalidArgument) as info:
            db.set_presence_settings(org.admin_token, settings)
        assert info.value.field == field, settings
    with pytest.raises(switchboard.InvalidArgument, match="give 1 to 50 break reasons"):
        db.set_presence_settings(org.admin_token, break_reasons=[])
    with pytest.raises(switchboard.Forbidden):
        db.set_presence_settings(agent, join_ring_ms=5000)
    assert db.presence_settings(org.admin_token) == changed  # nothing refused was kept


def test_queues_are_put_listed_and_deleted_by_admins(db, org):
    _, sup = add_user(db, org, "sue", "supervisor")
    q = db.put_queue(org.admin_token, name="support")
    assert q == {"name": "support", "ring_timeout_ms": 20000, "wrap_up_ms": 30000, "max_missed_offers": 3,
                 "max_wait_ms": 0, "overflow": ""}
    db.put_queue(org.admin_token, name="sales", overflow="support", max_wait_ms=60000)
    db.put_queue(org.admin_token, name="support", ring_timeout_ms=15000)  # replaces
    assert [(x["name"], x["ring_timeout_ms"]) for x in db.list_queues(sup)] == [("sales", 20000), ("support", 15000)]

    bad = [
        ({"name": "bad name"}, "name"),
        ({}, "name"),
        ({"name": "vip", "ring_timeout_ms": 999}, "ring_timeout_ms"),
        ({"name": "vip", "wrap_up_ms": -1}, "wrap_up_ms"),
        ({"name": "vip", "max_missed_offers": 1001}, "max_missed_offers"),
        ({"name": "vip", "max_wait_ms": "soon"}, "max_wait_ms"),
        ({"name": "vip", "overflow": "nowhere"}, "overflow"),
        ({"name": "vip", "overflow": "vip"}, "overflow"),
        ({"name": "vip", "colour": "red"}, "colour"),
    ]
    for fields, field in bad:
        with pytest.raises(switchboard.InvalidArgument) as info:
            db.put_queue(org.admin_token, fields)
        assert info.value.field == field, fields
    with pytest.raises(switchboard.Forbidden):
        db.put_queue(sup, name="vip")

    with pytest.raises(switchboard.ConflictError, match='queue "sales" overflows into "support"') as info:
        db.delete_queue(org.admin_token, "support")
    assert info.value.code == "conflict" and info.value.field == "name"
    with pytest.raises(switchboard.NotFound) as info:
        db.delete_queue(org.admin_token, "nowhere")
    assert info.value.field == "name"
    assert db.delete_queue(org.admin_token, "sales") is None
    assert [x["name"] for x in db.list_queues(org.admin_token)] == ["support"]


# ---------------------------------------------------------------- agent states

def test_agent_states_and_the_transitions_refused(db, floor):
    s = db.agent_status(floor.ann)
    assert (s["state"], s["username"], s["user_id"]) == ("offline", "ann", floor.ann_user["id"])
    assert s["queues"] == ["sales", "support"] and s["mic_permission"] is None

    s = db.log_in(floor.ann)
    assert s["state"] == "available" and s["since_ms"] == s["idle_since_ms"] > 0
    assert db.log_in(floor.ann)["since_ms"] == s["since_ms"]  # logged in already: nothing changes

    with pytest.raises(switchboard.ConflictError) as info:
        db.end_break(floor.ann)
    assert str(info.value) == "cannot end a break while available"
    assert (info.value.code, info.value.field) == ("conflict", "state")
    assert isinstance(info.value, switchboard.Error)
    with pytest.raises(switchboard.InvalidArgument, match="\"nap\" is not one of the organisation's break reasons") \
            as info:
        db.start_break(floor.ann, "nap")
    assert info.value.field == "reason"

    s = db.start_break(floor.ann, "lunch")
    assert (s["state"], s["reason"]) == ("on_break", "lunch")
    s = db.start_break(floor.ann, "training")  # another reason
    assert (s["state"], s["reason"]) == ("on_break", "training")
    with pytest.raises(switchboard.ConflictError, match=r"^cannot end the wrap-up while on_break \(training\)$"):
        db.end_wrap_up(floor.ann)
    s = db.end_break(floor.ann)
    assert (s["state"], s["reason"]) == ("available", "")

    # an agent acts on their own presence only; supervisors on anyone's
    with pytest.raises(switchboard.Forbidden, match="the agent role may not do this"):
        db.start_break(floor.ann, "lunch", floor.bob_user["id"])
    with pytest.raises(switchboard.Forbidden):
        db.agent_status(floor.ann, floor.bob_user["id"])
    with pytest.raises(switchboard.Forbidden):
        db.log_out(floor.ann, floor.bob_user["id"])
    assert state(db.agent_status(floor.sue, floor.ann_user["id"])) == "available"
    with pytest.raises(switchboard.ConflictError, match="^cannot start a break while offline$"):
        db.start_break(floor.sue, "lunch", floor.bob_user["id"])
    s = db.start_break(floor.sue, "meeting", floor.ann_user["id"])
    assert (s["user_id"], s["state"], s["reason"]) == (floor.ann_user["id"], "on_break", "meeting")
    assert state(db.log_out(floor.sue, floor.ann_user["id"])) == "offline"

    # joining rings until confirmed
    assert state(db.join_queue(floor.ann)) == "ringing"
    assert state(db.confirm_join(floor.ann)) == "available"
    with pytest.raises(switchboard.ConflictError, match="^cannot confirm a join while available$"):
        db.confirm_join(floor.ann)
    assert state(db.start_break(floor.ann, "lunch")) == "on_break"
    assert state(db.join_queue(floor.ann)) == "available"  # joining from a break ends it
    assert state(db.log_out(floor.ann)) == "offline"

    # set_available: whichever change applies
    assert state(db.set_available(floor.ann)) == "available"          # logged in
    assert state(db.start_break(floor.ann, "lunch")) == "on_break"
    assert state(db.set_available(floor.ann)) == "available"          # back from the break
    assert state(db.set_available(floor.ann)) == "available"          # already: nothing changes
    assert state(db.log_out(floor.ann)) == "offline"

    # heartbeats record the time and the microphone permission, not the state
    s = db.heartbeat(floor.ann)
    assert s["last_seen_ms"] > 0 and s["mic_permission"] is None and s["state"] == "offline"
    assert db.heartbeat(floor.ann, False)["mic_permission"] is False
    assert db.heartbeat(floor.ann, mic_permission=True)["mic_permission"] is True
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.heartbeat(floor.ann, 1)
    assert info.value.field == "mic_permission"

    with pytest.raises(switchboard.InvalidArgument) as info:
        db.extend_wrap_up(floor.ann, 10)
    assert info.value.field == "extra_ms"
    with pytest.raises(switchboard.ConflictError, match="^cannot extend the wrap-up while offline$"):
        db.extend_wrap_up(floor.ann, 5000)


def test_who_has_no_presence(db, org, floor):
    _, customer = add_customer(db, org, "carol@mail.example")
    with pytest.raises(switchboard.Forbidden):
        db.log_in(customer)
    with pytest.raises(switchboard.Unauthorized):
        db.log_in(floor.pbx)  # a dev token is not an agent
    with pytest.raises(switchboard.Unauthorized):
        db.agent_status("x" * 32)
    with pytest.raises(switchboard.NotFound) as info:
        db.agent_status(floor.admin, 999999)
    assert info.value.field == "user_id"
    other = new_org(db, "Beta Helpline", "owner@beta.example", "+254 700 000 002")
    with pytest.raises(switchboard.NotFound) as info:
        db.agent_status(other.admin_token, floor.ann_user["id"])
    assert info.value.field == "user_id"
    assert db.list_queues(other.admin_token) == []


# ---------------------------------------------------------------- calls

def log_in_in_order(db, *tokens):
    """Logs the agents in one after the other, so that the first has been idle longest."""
    for token in tokens:
        assert state(db.log_in(token)) == "available"
        time.sleep(0.005)


def test_a_call_goes_to_the_agent_idle_longest_and_a_rejection_passes_it_on(db, floor):
    ann, bob, cid = floor.ann_user["id"], floor.bob_user["id"], floor.cid_user["id"]
    log_in_in_order(db, floor.cid, floor.ann, floor.bob)

    call = db.enqueue_call(floor.pbx, "CA-1", "support", "+254711000001")
    assert (call["state"], call["agent_id"], call["offers"], call["caller"]) == ("offered", cid, 1, "+254711000001")
    s = db.agent_status(floor.cid)
    assert (s["state"], s["call_id"], s["call_phone"], s["call_queue"]) == \
        ("ringing", "CA-1", "+254711000001", "support")

    with pytest.raises(switchboard.ConflictError, match="^call CA-1 is not offered to you$") as info:
        db.answer_call(floor.ann, "CA-1")
    assert info.value.field == "call_id"
    with pytest.raises(switchboard.ConflictError):
        db.reject_call(floor.bob, "CA-1")
    with pytest.raises(switchboard.NotFound):
        db.answer_call(floor.cid, "CA-404")

    # cid rejects: ann, idle longest after cid, is offered it
    call = db.reject_call(floor.cid, "CA-1")
    assert (call["state"], call["agent_id"], call["offers"]) == ("offered", ann, 2)
    assert state(db.agent_status(floor.cid)) == "available"
    assert state(db.agent_status(floor.ann)) == "ringing"

    call = db.answer_call(floor.ann, "CA-1")
    assert (call["state"], call["agent_id"]) == ("connected", ann) and call["answered_ms"] >= call["offered_ms"]
    assert state(db.agent_status(floor.ann)) == "on_call"
    with pytest.raises(switchboard.ConflictError, match="^cannot log out while on_call$"):
        db.log_out(floor.ann)
    with pytest.raises(switchboard.ConflictError, match="^cannot log out while on_call$"):
        db.log_out(floor.sue, ann)

    # the rejection lost cid no place in line; bob takes the sales call
    assert db.enqueue_call(floor.admin, "CA-2", "support")["agent_id"] == cid
    assert db.answer_call(floor.cid, "CA-2")["state"] == "connected"
    assert db.enqueue_call(floor.pbx, "CA-3", "sales")["agent_id"] == bob
    assert db.answer_call(floor.bob, "CA-3")["state"] == "connected"
    waiting = db.enqueue_call(floor.pbx, "CA-4", "support", caller="+254711000004")
    assert (waiting["state"], waiting["agent_id"], waiting["offers"]) == ("waiting", 0, 0)
    assert [c["call_id"] for c in db.waiting_calls(floor.pbx)] == ["CA-4"]

    # ending: an agent's own call puts them in the queue's wrap-up
    with pytest.raises(switchboard.Forbidden) as info:
        db.end_call(floor.bob, "CA-1")
    assert info.value.field == "call_id"
    assert db.end_call(floor.ann, "CA-1")["state"] == "ended"
    s = db.agent_status(floor.ann)
    assert s["state"] == "wrap_up" and s["wrap_up_until_ms"] == s["since_ms"] + LONG
    assert db.extend_wrap_up(floor.ann, 5000)["wrap_up_until_ms"] == s["since_ms"] + LONG + 5000
    assert db.end_call(floor.ann, "CA-1")["state"] == "ended"  # ended already: nothing changes
    # the wrap-up ends: the waiting call rings ann at once
    s = db.end_wrap_up(floor.ann)
    assert (s["state"], s["call_id"]) == ("ringing", "CA-4")
    assert db.answer_call(floor.ann, "CA-4")["state"] == "connected"
    # the PBX ends the others: sales has no wrap-up
    assert db.end_call(floor.pbx, "CA-2")["state"] == "ended"
    assert state(db.agent_status(floor.cid)) == "wrap_up"
    assert db.end_call(floor.bob, "CA-3")["state"] == "ended"
    assert state(db.agent_status(floor.bob)) == "available"
    assert db.queued_call(floor.sue, "CA-3")["ended_ms"] > 0


def test_call_refusals_and_who_sees_calls(db, floor):
    log_in_in_order(db, floor.ann)
    db.enqueue_call(floor.pbx, "CA-1", "support")
    for kwargs, error, field in [
        (dict(call_id="CA-1", queue="support"), switchboard.AlreadyExists, "call_id"),
        (dict(call_id="CA-2", queue="nowhere"), switchboard.NotFound, "queue"),
        (dict(call_id="", queue="support"), switchboard.InvalidArgument, "call_id"),
        (dict(call_id="CA-2", queue="support", caller="x" * 65), switchboard.InvalidArgument, "caller"),
    ]:
        with pytest.raises(error) as info:
            db.enqueue_call(floor.pbx, **kwargs)
        assert info.value.field == field, kwargs
    with pytest.raises(switchboard.Forbidden):
        db.enqueue_call(floor.ann, "CA-2", "support")
    with pytest.raises(switchboard.Forbidden):
        db.waiting_calls(floor.ann)
    with pytest.raises(switchboard.Unauthorized):
        db.answer_call(floor.pbx, "CA-1")  # agents answer, not the PBX
    assert db.queued_call(floor.ann, "CA-1")["state"] == "offered"  # offered to her
    with pytest.raises(switchboard.NotFound):
        db.queued_call(floor.bob, "CA-1")
    other = new_org(db, "Beta Helpline", "owner@beta.example", "+254 700 000 002")
    other_pbx = dev_token(db, other, "beta-pbx")
    assert db.waiting_calls(other_pbx) == []
    with pytest.raises(switchboard.NotFound):
        db.end_call(other_pbx, "CA-1")
    # the caller hangs up while it rings: abandoned, and ann is available again
    assert db.end_call(floor.pbx, "CA-1")["state"] == "abandoned"
    assert state(db.agent_status(floor.ann)) == "available"


def test_queue_membership_and_the_microphone_decide_who_is_offered(db, floor):
    with pytest.raises(switchboard.Forbidden):
        db.set_agent_queues(floor.ann, floor.bob_user["id"], ["sales"])
    with pytest.raises(switchboard.NotFound, match='no queue "nowhere"') as info:
        db.set_agent_queues(floor.sue, floor.bob_user["id"], ["sales", "nowhere"])
    assert info.value.field == "queues"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.set_agent_queues(floor.sue, floor.bob_user["id"], [1])
    assert info.value.field == "queues"
    s = db.set_agent_queues(floor.sue, floor.bob_user["id"], ["sales", "sales"])
    assert (s["user_id"], s["queues"]) == (floor.bob_user["id"], ["sales"])
    assert db.set_agent_queues(floor.sue, floor.bob_user["id"], "sales")["queues"] == ["sales"]

    log_in_in_order(db, floor.bob)
    assert db.enqueue_call(floor.pbx, "CA-1", "support")["state"] == "waiting"  # bob is not in support
    assert db.heartbeat(floor.bob, False)["state"] == "available"
    assert db.enqueue_call(floor.pbx, "CA-2", "sales")["state"] == "waiting"  # his microphone is off
    with pytest.raises(switchboard.ConflictError, match='^calls are waiting in queue "sales"$'):
        db.delete_queue(floor.admin, "sales")
    s = db.heartbeat(floor.bob, True)
    assert (s["state"], s["call_id"]) == ("ringing", "CA-2")
    # logging out while it rings gives the call back to its queue
    assert state(db.log_out(floor.bob)) == "offline"
    assert [(c["call_id"], c["state"], c["agent_id"]) for c in db.waiting_calls(floor.sue)] == \
        [("CA-1", "waiting", 0), ("CA-2", "waiting", 0)]


def test_wallboard(db, floor):
    log_in_in_order(db, floor.ann, floor.bob)
    db.start_break(floor.bob, "lunch")
    db.enqueue_call(floor.pbx, "CA-1", "support")
    db.answer_call(floor.ann, "CA-1")
    db.enqueue_call(floor.pbx, "CA-2", "sales")
    board = db.wallboard(floor.sue)
    assert board["now_ms"] > 0
    assert {a["username"]: a["state"] for a in board["agents"]} == {"ann": "on_call", "bob": "on_break"}
    assert [(c["call_id"], c["state"]) for c in board["calls"]] == [("CA-1", "connected"), ("CA-2", "waiting")]
    assert [(q["name"], q["waiting"], q["agents"], q["available"]) for q in board["queues"]] == \
        [("sales", 1, 2, 0), ("support", 0, 2, 0)]
    with pytest.raises(switchboard.Forbidden):
        db.wallboard(floor.ann)
    with pytest.raises(switchboard.Unauthorized):
        db.wallboard(floor.pbx)


# ---------------------------------------------------------------- the agent state report

HEADER = "id,user_id,username,state,reason,day,started,ended,seconds"


def test_agent_state_report_as_a_page_csv_and_pivot(db, floor):
    log_in_in_order(db, floor.ann, floor.bob)
    db.enqueue_call(floor.pbx, "CA-1", "support")
    db.answer_call(floor.ann, "CA-1")
    db.end_call(floor.ann, "CA-1")
    db.end_wrap_up(floor.ann)
    db.start_break(floor.sue, "training", floor.bob_user["id"])
    time.sleep(1.1)  # bob's break passes a second

    page = db.list_agent_states(floor.sue, {"username": "ann"})
    # available, ringing, on_call, wrap_up, available: newest first
    assert [r["state"] for r in page["items"]] == ["available", "wrap_up", "on_call", "ringing", "available"]
    assert page["total"] == 5
    now = page["items"][0]
    assert now["ended"] is None and now["ended_ms"] == 0 and len(now["day"]) == 10
    assert all(r["ended_ms"] >= r["started_ms"] > 0 for r in page["items"][1:])
    bob = db.list_agent_states(floor.admin, filters={"state": "on_break"})["items"]
    assert [(r["username"], r["reason"]) for r in bob] == [("bob", "training")] and bob[0]["seconds"] >= 1
    assert db.list_agent_states(floor.admin, count=2)["total"] == 7  # ann's 5, bob's available and on_break

    text = db.export_agent_states_csv(floor.sue, {"username": "ann"})
    rows = list(csv.reader(io.StringIO(text)))
    assert ",".join(rows[0]) == HEADER and text.startswith(HEADER + "\r\n")
    assert [r[3] for r in rows[1:]] == ["available", "wrap_up", "on_call", "ringing", "available"]
    chunks = []
    assert db.export_agent_states_csv(floor.sue, {"username": "ann"}, sink=chunks.append) is None
    assert "".join(chunks) == text

    report = db.report_agent_states(floor.sue, "username", "state")
    assert (report["xaxis"], report["yaxis"], report["total"]) == (["username"], ["state"], 7)
    rows = {tuple(r["keys"]): r for r in report["rows"]}
    assert rows[("bob", "on_break")]["count"] == 1 and rows[("bob", "on_break")]["seconds"] >= 1
    assert rows[("ann", "available")]["count"] == 2
    assert report["total_seconds"] == sum(r["seconds"] for r in report["rows"]) >= 1
    by_reason = db.report_agent_states(floor.admin, ["reason"], filters={"state": "on_break"})
    assert [(r["keys"], r["count"]) for r in by_reason["rows"]] == [(["training"], 1)]

    with pytest.raises(switchboard.InvalidArgument) as info:
        db.list_agent_states(floor.admin, {"colour": "x"})
    assert info.value.field == "colour"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.report_agent_states(floor.admin, "colour")
    assert info.value.field == "xaxis" and "colour" in str(info.value)
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.export_agent_states_csv(floor.admin, {"mood": "x"})
    assert info.value.field == "mood"
    for method in (db.list_agent_states, db.export_agent_states_csv, db.report_agent_states):
        with pytest.raises(switchboard.Forbidden):
            method(floor.ann)
        with pytest.raises(switchboard.Unauthorized):
            method(floor.pbx)



def _stub_keys() -> dict:
    """The keys of each TypedDict of the hand-kept stub, by class name."""
    import ast
    import pathlib

    tree = ast.parse(pathlib.Path(switchboard.__file__).with_name("_switchboard.pyi").read_text())
    return {node.name: {n.target.id for n in node.body if isinstance(n, ast.AnnAssign)}
            for node in tree.body if isinstance(node, ast.ClassDef)}


def test_presence_records_match_the_stub(db, floor):
    keys = _stub_keys()
    log_in_in_order(db, floor.ann)
    db.enqueue_call(floor.pbx, "CA-1", "support")
    assert set(db.presence_settings(floor.ann)) == keys["_PresenceSettings"]
    assert set(db.list_queues(floor.ann)[0]) == keys["_QueueSettings"]
    assert set(db.agent_status(floor.ann)) == keys["_AgentStatus"]
    assert set(db.queued_call(floor.ann, "CA-1")) == keys["_QueuedCall"]
    board = db.wallboard(floor.sue)
    assert set(board) == keys["_Wallboard"]
    assert set(board["queues"][0]) == keys["_QueueStatus"]
    page = db.list_agent_states(floor.sue)
    assert set(page) == keys["_StatePage"] and set(page["items"][0]) == keys["_StatePeriod"]
    report = db.report_agent_states(floor.sue, "state")
    assert set(report) == keys["_StatesReport"] and set(report["rows"][0]) == keys["_StatesPivotRow"]
