"""OctaPy Ac1 (GET /activities/views/logs) and the activity entry every
authenticated request leaves."""

import datetime
import re

import pytest

from conftest import STRONG_PASSWORD, bearer, ko, ok

UNAUTHORIZED = "unauthorized"
DATATYPE = "unexpected datatype, please try again"


def logs(host, org, **params):
    return ok(host.get("/activities/views/logs", headers=org.auth(), params=params))


def test_logs_list_requests_newest_first(host, org):
    ok(host.get("/settings/profile", headers=org.auth()))
    ko(host.post("/settings/modify", headers=org.auth(), json={"standards/silenceLen": "x"}), DATATYPE)
    body = logs(host, org)
    first, second = body["DATA"][0], body["DATA"][1]
    assert first["Endpoint"] == "POST /settings/modify" and first["Status"] == "KO"
    assert "silenceLen" in first["Content"]
    assert second["Endpoint"] == "GET /settings/profile" and second["Status"] == "OK"
    assert re.fullmatch(r"\d\d/\d\d/\d{4}, \d\d:\d\d", first["Timestamp"])
    now = datetime.datetime.now(datetime.timezone.utc)
    recent = {(now - datetime.timedelta(minutes=m)).strftime("%d/%m/%Y, %H:%M") for m in (0, 1)}
    assert first["Timestamp"] in recent
    assert set(first) == {"Endpoint", "Timestamp", "Status", "Content", "Actor"}
    assert body["total"] == len(body["DATA"])


def test_logs_filters(host, org):
    ok(host.get("/settings/profile", headers=org.auth()))
    ok(host.get("/settings/standards", headers=org.auth()))
    ko(host.post("/settings/delDevKey", headers=org.auth(), json={"username": "ghost"}), "username isn't found")

    kos = logs(host, org, status="KO")["DATA"]
    assert [e["Endpoint"] for e in kos] == ["POST /settings/delDevKey"]
    assert logs(host, org, endpoint="GET /settings/standards")["total"] == 1
    prefixed = logs(host, org, endpoint="GET /settings/*")["DATA"]
    assert {e["Endpoint"] for e in prefixed} == {"GET /settings/profile", "GET /settings/standards"}
    assert len(logs(host, org, _c=1)["DATA"]) == 1

    today = datetime.datetime.now(datetime.timezone.utc).date()
    tomorrow = today + datetime.timedelta(days=1)
    yesterday = today - datetime.timedelta(days=1)
    assert logs(host, org, **{"from": yesterday.isoformat(), "to": tomorrow.isoformat()})["total"] >= 3
    assert logs(host, org, **{"from": tomorrow.isoformat()})["total"] == 0
    assert logs(host, org, to=yesterday.strftime("%d/%m/%Y"))["total"] == 0


@pytest.mark.parametrize("params", [{"from": "last tuesday"}, {"to": "31/02"}, {"_c": "many"}, {"_a": "-3"}])
def test_logs_unexpected_datatype(host, org, params):
    ko(host.get("/activities/views/logs", headers=org.auth(), params=params), DATATYPE)


def test_logs_unknown_status_matches_nothing(host, org):
    ok(host.get("/settings/profile", headers=org.auth()))
    assert logs(host, org, status="MAYBE")["total"] == 0


def test_logs_refusals(host, org):
    ko(host.get("/activities/views/logs"), UNAUTHORIZED)
    ko(host.get("/activities/views/logs", headers={"accessToken": "z" * 32}), UNAUTHORIZED)
    user, _ = org.create_user(role="agent")
    agent_token = host.sign_in(user["email"], STRONG_PASSWORD)
    ko(host.get("/activities/views/logs", headers={"accessToken": agent_token}), UNAUTHORIZED)


def test_supervisors_read_the_log(host, org):
    user, _ = org.create_user(role="supervisor")
    token = host.sign_in(user["email"], STRONG_PASSWORD)
    body = ok(host.get("/activities/views/logs", headers={"accessToken": token}))
    assert any(e["Endpoint"] == "POST /eproc/users" for e in body["DATA"])


def test_logs_are_per_organisation(host, org):
    other = host.sign_up()
    ok(host.get("/settings/constraints", headers=other.auth()))
    mine = logs(host, org, _c=1000)["DATA"]
    assert all(e["Actor"] != "" for e in mine)
    assert not any(e["Endpoint"] == "GET /settings/constraints" for e in mine)


# ------------------------------------------------------------------ one entry per request

def one_entry(host, org, call, endpoint, ok_flag):
    before = host.activity_count(org)
    call()
    assert host.activity_count(org) == before + 1
    last = host.last_activity(org)
    assert (last[0], last[1]) == (endpoint, 1 if ok_flag else 0), last
    return last


def test_each_authenticated_octapy_request_leaves_one_entry(host, org):
    a = org.auth()
    one_entry(host, org, lambda: host.get("/settings/profile", headers=a), "GET /settings/profile", True)
    one_entry(host, org, lambda: host.get("/settings/standards", headers=a), "GET /settings/standards", True)
    one_entry(host, org, lambda: host.get("/settings/constraints", headers=a), "GET /settings/constraints", True)
    one_entry(host, org, lambda: host.get("/settings/getDevKeyList", headers=a), "GET /settings/getDevKeyList", True)
    one_entry(host, org, lambda: host.post("/settings/modify", headers=a, json={"standards/silenceLen": 800}),
              "POST /settings/modify", True)
    one_entry(host, org, lambda: host.post("/settings/modify", headers=a, json={"standards/silenceLen": 1}),
              "POST /settings/modify", False)
    last = one_entry(host, org, lambda: host.post("/settings/modify", headers=a, data="{oops",
                                                  params={}), "POST /settings/modify", False)
    assert "unexpected datatype" in last[2]
    one_entry(host, org, lambda: host.post("/settings/modify", headers={**a, "Content-Type": "application/json"},
                                           data="{oops"), "POST /settings/modify", False)
    one_entry(host, org, lambda: host.post("/settings/addDevKey", headers=a, json={"username": "bot"}),
              "POST /settings/addDevKey", True)
    one_entry(host, org, lambda: host.post("/settings/addDevKey", headers=a, json={"username": 1}),
              "POST /settings/addDevKey", False)
    one_entry(host, org, lambda: host.post("/settings/modifyDevKey", headers=a,
                                           json={"username": "bot", "status": "Deactivated"}),
              "POST /settings/modifyDevKey", True)
    one_entry(host, org, lambda: host.post("/settings/modifyDevKey", headers=a, json={"username": "bot"}),
              "POST /settings/modifyDevKey", False)
    one_entry(host, org, lambda: host.post("/settings/delDevKey", headers=a, json={"username": "bot"}),
              "POST /settings/delDevKey", True)
    one_entry(host, org, lambda: host.get("/activities/views/logs", headers=a), "GET /activities/views/logs", True)
    one_entry(host, org, lambda: host.get("/activities/views/logs", headers=a, params={"_c": "x"}),
              "GET /activities/views/logs", False)
    # Refused before authentication: nothing is written.
    before = host.activity_count(org)
    host.get("/settings/profile", headers={"accessToken": "q" * 32})
    assert host.activity_count(org) == before


def test_each_authenticated_openchs_request_leaves_one_entry(host, org):
    b = org.bearer()
    user = {}

    def create():
        r = host.post("/eproc/users", headers=b, json={"usn": "counted", "email": "counted%d@example.com" % org.id,
                                                      "pass": STRONG_PASSWORD})
        user.update(r.json()["users"][0])

    one_entry(host, org, create, "POST /eproc/users", True)
    uid = user["id"]
    one_entry(host, org, lambda: host.post("/eproc/users", headers=b, json={"usn": 5.5}), "POST /eproc/users", False)
    one_entry(host, org, lambda: host.post("/eproc/users", headers={**b, "Content-Type": "application/json"},
                                           data="{"), "POST /eproc/users", False)
    one_entry(host, org, lambda: host.post("/eproc/users/" + uid, headers=b, json={"fname": "Counted"}),
              "POST /eproc/users/" + uid, True)
    one_entry(host, org, lambda: host.get("/eproc/users/" + uid, headers=b), "GET /eproc/users/" + uid, True)
    one_entry(host, org, lambda: host.get("/eproc/users/", headers=b), "GET /eproc/users/", True)
    one_entry(host, org, lambda: host.get("/eproc/users/abc", headers=b), "GET /eproc/users/abc", False)
    one_entry(host, org, lambda: host.post("/eproc/changeAuthAdmin/" + uid, headers=b),
              "POST /eproc/changeAuthAdmin/" + uid, True)
    one_entry(host, org, lambda: host.post("/eproc/changeAuth", headers=b,
                                           json={"pass0": "x", "pass1": "Aa1-long-enough", "pass2": "different"}),
              "POST /eproc/changeAuth", False)
    session = host.openchs_login(org.email, org.password)["ss"][0][0]
    one_entry(host, org, lambda: host.post("/eproc/logout", headers=bearer(session)), "POST /eproc/logout", True)


def test_sign_in_attempts_show_in_the_log(host, org):
    user, _ = org.create_user(role="agent")
    ko(host.post("/signIn", json={"email": user["email"], "password": "Wrong-Pass-999"}), "credentials didn't match")
    host.sign_in(user["email"], STRONG_PASSWORD)
    attempts = logs(host, org, endpoint="POST /signIn", actor=user["usn"])["DATA"]
    assert [(e["Status"], e["Content"]) for e in attempts] == [
        ("OK", "signed in"), ("KO", "sign-in failed: wrong password")]
