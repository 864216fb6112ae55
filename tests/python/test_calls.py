"""Calls, recordings, QA scorecards and the helpline statistics."""

import csv
import io

import pytest

import switchboard
from sbtest import add_customer, add_user, new_org

START = 1_700_000_000_000
DAY = 86_400_000


def inbound(agent_id: int, **more) -> dict:
    return {"direction": "inbound", "agent_id": agent_id, "caller": "+254711000001", "queue": "helpline",
            "start_ms": START, "answer_ms": START + 12_000, "end_ms": START + 300_000, "wait_s": 12,
            "talk_s": 288, "hangup_status": "answered", **more}


def scores(call_id: int, value: int, **more) -> dict:
    names = ("opening", "holding", "politeness", "enthusiasm", "personalization", "troubleshooting",
             "listening", "accuracy", "resolution")
    return {"call_id": call_id, **{n: value for n in names}, "comments": "good", **more}


def test_calls_are_recorded_and_listed_per_role(db, org):
    agent, agent_token = add_user(db, org, "kioko")
    other, other_token = add_user(db, org, "wanjiru")
    call = db.create_call(org.admin_token, inbound(agent["id"]))
    assert (call["direction"], call["agent_id"], call["caller"], call["queue"]) == (
        "inbound", agent["id"], "+254711000001", "helpline")
    assert (call["start_ms"], call["answer_ms"], call["end_ms"]) == (START, START + 12_000, START + 300_000)
    assert (call["wait_s"], call["talk_s"], call["hangup_status"]) == (12, 288, "answered")
    assert call["qa_done"] is False and call["recording_file_id"] == 0
    out = db.create_call(other_token, {"direction": "outbound"})
    assert out["agent_id"] == other["id"]  # an agent records their own call

    assert db.get_call(agent_token, call["id"]) == call
    assert db.list_calls(org.admin_token)["total"] == 2
    assert [c["id"] for c in db.list_calls(agent_token)["items"]] == [call["id"]]
    with pytest.raises(switchboard.NotFound):
        db.get_call(other_token, call["id"])
    by_vector = db.list_calls(org.admin_token, filters={"direction": "inbound", "hangup_status": "answered"})
    assert [c["id"] for c in by_vector["items"]] == [call["id"]]
    assert db.list_calls(org.admin_token, filters={"direction": "outbound"})["items"][0]["id"] == out["id"]
    assert db.list_calls(org.admin_token, filters={"agent_id": other["id"]})["total"] == 1
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.list_calls(org.admin_token, filters={"colour": "red"})
    assert info.value.field == "colour"

    for fields, field in (({"direction": "sideways"}, "direction"),
                          (inbound(agent["id"], end_ms=1), "end_ms"),
                          (inbound(9999), "agent_id"),
                          ({"talk_s": "long"}, "talk_s"),
                          ({"colour": "red"}, "colour")):
        with pytest.raises(switchboard.InvalidArgument) as info:
            db.create_call(org.admin_token, fields)
        assert info.value.field == field, fields
    with pytest.raises(switchboard.Forbidden):
        db.create_call(agent_token, inbound(other["id"]))
    _, customer_token = add_customer(db, org, "surya@example.org")
    with pytest.raises(switchboard.Forbidden):
        db.list_calls(customer_token)
    assert db.list_calls(org.admin_token)["total"] == 2


def test_call_csv_and_pivot(db, org):
    agent, _ = add_user(db, org, "kioko")
    db.create_call(org.admin_token, inbound(agent["id"]))
    db.create_call(org.admin_token, inbound(agent["id"], caller="=cmd|' /C calc'!A0"))
    db.create_call(org.admin_token, {"direction": "outbound", "start_ms": START})
    text = db.export_calls_csv(org.admin_token)
    assert text.startswith("id,direction,agent_id,queue,caller,")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 4
    callers = [r[rows[0].index("caller")] for r in rows[1:]]
    # Formula neutralising covers a leading '+' as well, phone numbers included.
    assert callers == ["", "'=cmd|' /C calc'!A0", "'+254711000001"]
    chunks = []
    db.export_calls_csv(org.admin_token, {"direction": "outbound"}, sink=chunks.append)
    assert "".join(chunks).count("\r\n") == 2

    report = db.report_calls(org.admin_token, ["direction"], ["agent_id"])
    assert report["total"] == 3
    assert [(r["keys"], r["count"]) for r in report["rows"]] == [
        (["inbound", str(agent["id"])], 2), (["outbound", ""], 1)]  # no agent: ""
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.report_calls(org.admin_token, ["caller"])
    assert info.value.field == "xaxis"


def test_recordings_attach_and_come_back(db, org):
    agent, agent_token = add_user(db, org, "kioko")
    call = db.create_call(org.admin_token, inbound(agent["id"]))
    with pytest.raises(switchboard.NotFound):
        db.call_recording(org.admin_token, call["id"])
    wav = b"RIFF\x24\x00\x00\x00WAVEfmt "
    f = db.upload_file(org.admin_token, "call.wav", wav, mime="audio/wav")
    attached = db.attach_recording(org.admin_token, call["id"], f["id"])
    assert attached["recording_file_id"] == f["id"]
    recording = db.call_recording(agent_token, call["id"])  # the call's agent hears it
    assert recording == f
    assert (recording["name"], recording["mime"], recording["size"]) == ("call.wav", "audio/wav", len(wav))
    assert db.read_file(org.admin_token, recording["id"]) == wav
    with pytest.raises(switchboard.Error) as info:
        db.attach_recording(org.admin_token, call["id"], 9999)
    assert info.value.field == "file_id"

    other = new_org(db, "Beta Helpline", "owner@beta.example", "+254 700 000 002")
    theirs = db.upload_file(other.admin_token, "theirs.wav", wav)
    with pytest.raises(switchboard.Error) as info:
        db.attach_recording(org.admin_token, call["id"], theirs["id"])
    assert info.value.field == "file_id"
    with pytest.raises(switchboard.NotFound):
        db.call_recording(other.admin_token, call["id"])


def test_qa_scorecards_mark_the_call_and_refuse_bad_scores(db, org):
    agent, agent_token = add_user(db, org, "kioko")
    _, sup_token = add_user(db, org, "sue", role="supervisor")
    call = db.create_call(org.admin_token, inbound(agent["id"]))
    assert db.get_call(org.admin_token, call["id"])["qa_done"] is False

    with pytest.raises(switchboard.InvalidArgument) as info:
        db.create_qa(sup_token, scores(call["id"], 4, listening=6))
    assert info.value.field == "listening"
    assert info.value.code == "invalid_argument"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.create_qa(sup_token, scores(call["id"], 4, opening=0))
    assert info.value.field == "opening"
    incomplete = scores(call["id"], 4)
    del incomplete["accuracy"]
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.create_qa(sup_token, incomplete)
    assert info.value.field == "accuracy"
    with pytest.raises(switchboard.NotFound) as info:
        db.create_qa(sup_token, scores(9999, 3))
    assert info.value.field == "call_id"
    with pytest.raises(switchboard.Forbidden):
        db.create_qa(agent_token, scores(call["id"], 3))
    assert db.get_call(org.admin_token, call["id"])["qa_done"] is False  # nothing half-written
    assert db.list_qa(org.admin_token)["total"] == 0

    qa = db.create_qa(sup_token, scores(call["id"], 4, listening=5), recommendations="keep it up")
    assert (qa["call_id"], qa["listening"], qa["accuracy"]) == (call["id"], 5, 4)
    assert (qa["reviewer"], qa["call_agent_id"], qa["call_direction"]) == ("sue", agent["id"], "inbound")
    assert (qa["comments"], qa["recommendations"]) == ("good", "keep it up")
    assert db.get_call(org.admin_token, call["id"])["qa_done"] is True
    assert db.list_calls(org.admin_token, filters={"qa_done": True})["total"] == 1
    assert db.get_qa(agent_token, qa["id"]) == qa  # the scorecard of their own call

    _, other_token = add_user(db, org, "wanjiru")
    assert db.list_qa(agent_token)["total"] == 1
    assert db.list_qa(other_token)["total"] == 0
    with pytest.raises(switchboard.NotFound):
        db.get_qa(other_token, qa["id"])
    assert db.list_qa(org.admin_token, filters={"accuracy": 4})["total"] == 1
    assert db.list_qa(org.admin_token, filters={"accuracy": 3})["total"] == 0

    report = db.report_qa(org.admin_token, ["call_agent_id"], ["accuracy"])
    assert report["rows"] == [{"keys": [str(agent["id"]), "4"], "count": 1}]
    text = db.export_qa_csv(org.admin_token)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 2
    assert rows[1][rows[0].index("listening")] == "5"


def test_stats_count_calls_and_tickets_in_a_range(db, org):
    for i in range(3):
        db.create_call(org.admin_token, direction="outbound" if i == 0 else "inbound", start_ms=START + i * DAY)
    db.create_ticket(org.admin_token, narrative="n")
    everything = db.stats(org.admin_token)
    assert (everything["inbound_calls"], everything["outbound_calls"]) == (2, 1)
    assert (everything["tickets"], everything["emails"], everything["sms"]) == (1, 0, 0)
    assert everything["from_ms"] == 0
    first_day = db.stats(org.admin_token, START, START + 3_600_000)
    assert first_day == {"from_ms": START, "to_ms": START + 3_600_000, "inbound_calls": 0,
                         "outbound_calls": 1, "tickets": 0, "emails": 0, "sms": 0}
    assert db.stats(org.admin_token, START, START + 2 * DAY)["inbound_calls"] == 2
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.stats(org.admin_token, 10, 5)
    assert info.value.field == "to_ms"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.stats(org.admin_token, -1)
    assert info.value.field == "from_ms"
    _, agent_token = add_user(db, org, "kioko")
    with pytest.raises(switchboard.Forbidden):
        db.stats(agent_token)
    other = new_org(db, "Beta Helpline", "owner@beta.example", "+254 700 000 002")
    nothing = db.stats(other.admin_token)
    assert (nothing["inbound_calls"], nothing["outbound_calls"], nothing["tickets"]) == (0, 0, 0)


def test_calls_and_qa_never_cross_organisations(db, org):
    agent, _ = add_user(db, org, "kioko")
    call = db.create_call(org.admin_token, inbound(agent["id"]))
    qa = db.create_qa(org.admin_token, scores(call["id"], 3))
    other = new_org(db, "Beta Helpline", "owner@beta.example", "+254 700 000 002")
    with pytest.raises(switchboard.NotFound):
        db.get_call(other.admin_token, call["id"])
    with pytest.raises(switchboard.NotFound):
        db.get_qa(other.admin_token, qa["id"])
    with pytest.raises(switchboard.NotFound):
        db.create_qa(other.admin_token, scores(call["id"], 3))
    assert db.list_calls(other.admin_token)["total"] == 0
    assert db.list_qa(other.admin_token)["total"] == 0
    assert db.export_calls_csv(other.admin_token).count("\r\n") == 1
    assert db.report_qa(other.admin_token)["total"] == 0
