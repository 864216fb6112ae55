"""The activity log (OctaPy Ac1)."""

import datetime

import pytest

import switchboard
from sbtest import add_user, new_org


def test_operations_are_logged_newest_first(db, org):
    db.list_users(org.admin_token)
    db.add_dev_key(org.admin_token, "devops")
    with pytest.raises(switchboard.NotFound):
        db.get_user(org.admin_token, 9999)

    page = db.list_activity(org.admin_token)
    items = page["items"]
    assert page["total"] == len(items) >= 3
    endpoints = [e["endpoint"] for e in items]
    assert endpoints[:3] == ["get_user", "add_dev_key", "list_users"]
    ids = [e["id"] for e in items]
    assert ids == sorted(ids, reverse=True)
    times = [e["time_ms"] for e in items]
    assert times == sorted(times, reverse=True)

    failed = items[0]
    assert failed["ok"] is False
    assert "9999" in failed["summary"]
    assert failed["actor"] == "owner"
    assert failed["user_id"] == org.admin_id
    assert failed["org_id"] == org.id
    assert items[1]["ok"] is True
    assert items[1]["summary"] == "developer devops"


def test_filters(db, org):
    for endpoint, ok in [("GET /users", True), ("GET /users/4", False), ("POST /users", True),
                         ("GET /users/5", True)]:
        db.record_activity(org.admin_token, endpoint, ok=ok, summary=endpoint.lower())
    with pytest.raises(switchboard.NotFound):
        db.get_user(org.admin_token, 9999)

    exact = db.list_activity(org.admin_token, filters={"endpoint": "GET /users"})
    assert [e["summary"] for e in exact["items"]] == ["get /users"]
    prefixed = db.list_activity(org.admin_token, filters={"endpoint": "GET /users*"})
    assert [e["endpoint"] for e in prefixed["items"]] == ["GET /users/5", "GET /users/4", "GET /users"]
    assert prefixed["total"] == 3

    paged = db.list_activity(org.admin_token, filters={"endpoint": "GET /users*"}, count=1, offset=1)
    assert paged["total"] == 3
    assert [e["endpoint"] for e in paged["items"]] == ["GET /users/4"]

    ko = db.list_activity(org.admin_token, filters={"status": "KO"})
    assert [e["endpoint"] for e in ko["items"]] == ["get_user", "GET /users/4"]
    ok = db.list_activity(org.admin_token, filters={"status": "OK"})
    assert all(e["ok"] for e in ok["items"]) and ok["total"] >= 3
    both = db.list_activity(org.admin_token, filters={"status": "OK", "endpoint": "GET /users*"})
    assert [e["endpoint"] for e in both["items"]] == ["GET /users/5", "GET /users"]

    now = datetime.datetime.now(datetime.timezone.utc)
    minute = datetime.timedelta(minutes=1)
    in_window = db.list_activity(org.admin_token, filters={"time": (now - minute, now + minute)})
    assert in_window["total"] >= 5
    assert db.list_activity(org.admin_token, filters={"time": (now + minute, now + 2 * minute)})["total"] == 0
    assert db.list_activity(org.admin_token, filters={"actor": "nobody"})["total"] == 0
    assert db.list_activity(org.admin_token, filters={"actor": "owner"})["total"] >= 5
    assert db.list_activity(org.admin_token, search="/users/4")["items"][0]["endpoint"] == "GET /users/4"

    with pytest.raises(switchboard.InvalidArgument) as info:
        db.list_activity(org.admin_token, filters={"summary": "x"})
    assert info.value.field == "summary"


def test_log_is_per_organisation_and_for_admins_and_supervisors(db, org):
    beta = new_org(db, "Beta Care", "owner@beta.example", "+254 700 000 002")
    db.list_users(beta.admin_token)
    db.add_dev_key(beta.admin_token, "beta-dev")
    acme = db.list_activity(org.admin_token, filters={"actor": "owner"})
    assert all(e["org_id"] == org.id for e in acme["items"])
    assert "add_dev_key" not in {e["endpoint"] for e in acme["items"]}

    _, sup = add_user(db, org, "sup", role="supervisor")
    assert db.list_activity(sup)["total"] >= 1
    _, agent = add_user(db, org, "agent1")
    with pytest.raises(switchboard.Forbidden):
        db.list_activity(agent)
    refused = db.list_activity(org.admin_token, filters={"actor": "agent1"})
    assert [(e["endpoint"], e["ok"]) for e in refused["items"]] == [("list_activity", False), ("sign_in", True)]


def test_sign_in_attempts_are_logged_in_the_organisation(db, org):
    add_user(db, org, "agent2")
    with pytest.raises(switchboard.CredentialsError):
        db.sign_in("agent2", "Wrong-Password-1")
    attempts = db.list_activity(org.admin_token, filters={"actor": "agent2", "endpoint": "sign_in"})
    assert [(e["ok"], e["summary"]) for e in attempts["items"]] == [
        (False, "sign-in failed: wrong password"), (True, "signed in")]


def test_record_activity(db, org):
    db.record_activity(org.admin_token, "POST /tickets", ok=True, summary="ticket 7")
    db.record_activity(org.admin_token, "GET /tickets/8", ok=False, summary="no ticket 8")
    entries = db.list_activity(org.admin_token, filters={"endpoint": "* /tickets*"})
    assert entries["total"] == 0  # the prefix is literal: '*' only at the end
    entries = db.list_activity(org.admin_token, filters={"endpoint": "GET /tickets*"})
    assert [(e["endpoint"], e["ok"], e["summary"]) for e in entries["items"]] == [
        ("GET /tickets/8", False, "no ticket 8")]
    pass_key = db.add_dev_key(org.admin_token, "devops")["pass_key"]
    dev = db.issue_dev_token("owner@acme.example", "devops", pass_key)["token"]
    db.record_activity(dev, "POST /record/text", summary="Ricket 1", kind="dev")
    entry = db.list_activity(org.admin_token, filters={"endpoint": "POST /record/text"})["items"][0]
    assert (entry["actor"], entry["user_id"], entry["org_id"]) == ("devops", 0, org.id)
    with pytest.raises(switchboard.Unauthorized):
        db.record_activity(dev, "POST /record/text")  # kind defaults to "access"


def test_activity_summaries_hold_no_secrets(db, org):
    pass_key = db.add_dev_key(org.admin_token, "devops")["pass_key"]
    user, _ = add_user(db, org, "kim")
    temporary = db.admin_reset_password(org.admin_token, user["id"])
    text = repr(db.list_activity(org.admin_token, count=1000))
    assert pass_key not in text
    assert temporary not in text
    assert org.admin_token not in text
