"""OctaPy Se1-Se8: the organisation's profile, standards, constraints and developer keys."""

import pytest

from conftest import STRONG_PASSWORD, ko, ok

UNAUTHORIZED = "unauthorized"
DATATYPE = "unexpected datatype, please try again"

READ_ENDPOINTS = ["/settings/profile", "/settings/standards", "/settings/constraints", "/settings/getDevKeyList"]
POST_ENDPOINTS = ["/settings/modify", "/settings/addDevKey", "/settings/modifyDevKey", "/settings/delDevKey"]


def settings(host, org):
    """Se1-Se3 in one dictionary."""
    out = {}
    for name in ("profile", "standards", "constraints"):
        out.update(ok(host.get("/settings/" + name, headers=org.auth()))["DATA"])
    return out


# ------------------------------------------------------------------ Se1-Se3

def test_profile_standards_constraints(host, org):
    assert ok(host.get("/settings/profile", headers=org.auth()))["DATA"] == {
        "companyName": org.company, "email": org.email, "contactNo": "+44 20 7946 0958"}
    assert ok(host.get("/settings/standards", headers=org.auth()))["DATA"] == {
        "silenceLen": 500, "interruptionLen": 750, "listBy": "TicketNo"}
    assert ok(host.get("/settings/constraints", headers=org.auth()))["DATA"] == {
        "expTicketNo": {"daily": 50, "weekly": 250, "monthly": 1000},
        "thresholds": {"minCAllLen": 10, "maxCAllLen": 3600}}


def test_the_token_may_come_from_a_header_a_bearer_or_a_parameter(host, org):
    expected = org.company
    for kw in ({"headers": {"accessToken": org.token}},
               {"headers": {"Authorization": "Bearer " + org.token}},
               {"params": {"accessToken": org.token}}):
        assert ok(host.get("/settings/profile", **kw))["DATA"]["companyName"] == expected
    ok(host.post("/settings/modify", json={"accessToken": org.token, "standards/silenceLen": 600}))
    ok(host.post("/settings/modify", data={"accessToken": org.token, "standards/silenceLen": "700"}))
    assert settings(host, org)["silenceLen"] == 700


@pytest.mark.parametrize("path", READ_ENDPOINTS)
@pytest.mark.parametrize("token", [None, "", "x" * 32, "short"])
def test_reads_refuse_a_missing_or_invalid_token(host, path, token):
    headers = {} if token is None else {"accessToken": token}
    ko(host.get(path, headers=headers), UNAUTHORIZED)


@pytest.mark.parametrize("path", POST_ENDPOINTS)
def test_changes_refuse_a_missing_or_invalid_token(host, path):
    ko(host.post(path, json={"username": "robot"}), UNAUTHORIZED)
    ko(host.post(path, json={"username": "robot"}, headers={"accessToken": "y" * 32}), UNAUTHORIZED)


def test_a_signed_out_token_is_refused(host, org):
    token = host.sign_in(org.email, org.password)
    assert host.post("/eproc/logout", headers={"XAuthorization": "Bearer " + token}).status_code == 200
    ko(host.get("/settings/profile", headers={"accessToken": token}), UNAUTHORIZED)


def test_agents_are_refused(host, org):
    user, _ = org.create_user(role="agent")
    token = host.sign_in(user["email"], STRONG_PASSWORD)
    for path in READ_ENDPOINTS:
        ko(host.get(path, headers={"accessToken": token}), UNAUTHORIZED)
    ko(host.post("/settings/modify", json={"standards/silenceLen": 900}, headers={"accessToken": token}),
       UNAUTHORIZED)
    assert settings(host, org)["silenceLen"] == 500


# ------------------------------------------------------------------ Se5 POST /settings/modify

def test_modify_with_flat_keys(host, org):
    ok(host.post("/settings/modify", headers=org.auth(), json={
        "profile/companyName": "Renamed Ltd",
        "profile/contactNo": "+1 555 0100 200",
        "standards/silenceLen": 900,
        "standards/interruptionLen": 1200,
        "standards/listBy": "ClientId",
        "constrains/expTicketNo/daily": 7,
        "constrains/expTicketNo/weekly": 70,
        "constrains/expTicketNo/monthly": 300,
        "constrains/thresholds/minCAllLen": 5,
        "constrains/thresholds/maxCAllLen": 600,
    }))
    assert ok(host.get("/settings/profile", headers=org.auth()))["DATA"] == {
        "companyName": "Renamed Ltd", "email": org.email, "contactNo": "+1 555 0100 200"}
    assert ok(host.get("/settings/standards", headers=org.auth()))["DATA"] == {
        "silenceLen": 900, "interruptionLen": 1200, "listBy": "ClientId"}
    assert ok(host.get("/settings/constraints", headers=org.auth()))["DATA"] == {
        "expTicketNo": {"daily": 7, "weekly": 70, "monthly": 300},
        "thresholds": {"minCAllLen": 5, "maxCAllLen": 600}}


def test_modify_with_nested_objects_and_either_spelling(host, org):
    ok(host.post("/settings/modify", headers=org.auth(), json={
        "standards": {"silenceLen": 1500},
        "constrains": {"expTicketNo": {"daily": 11}},
        "constraints": {"thresholds": {"maxCAllLen": 1800}},
    }))
    s = settings(host, org)
    assert (s["silenceLen"], s["expTicketNo"]["daily"], s["thresholds"]["maxCAllLen"]) == (1500, 11, 1800)


def test_modify_with_a_form(host, org):
    ok(host.post("/settings/modify", headers=org.auth(),
                 data={"standards/interruptionLen": "2000", "profile/companyName": "Form Co"}))
    s = settings(host, org)
    assert (s["interruptionLen"], s["companyName"]) == (2000, "Form Co")


@pytest.mark.parametrize("body", [
    {"standards/silenceLen": "900"},
    {"standards/silenceLen": 900.5},
    {"standards/silenceLen": True},
    {"standards/silenceLen": None},
    {"profile/companyName": 42},
    {"standards": {"silenceLen": [900]}},
    {"standards/silenceLength": 900},
    {"profile/companyName": "Ok Name", "standards/unknown": 1},
])
def test_modify_unexpected_datatype_changes_nothing(host, org, body):
    before = settings(host, org)
    ko(host.post("/settings/modify", headers=org.auth(), json=body), DATATYPE)
    assert settings(host, org) == before


@pytest.mark.parametrize("payload, content_type", [
    ('{"standards/silenceLen": 900', "application/json"),
    ('[1, 2]', "application/json"),
    ('standards/silenceLen=9x', "application/x-www-form-urlencoded"),
])
def test_modify_malformed_bodies(host, org, payload, content_type):
    before = settings(host, org)
    ko(host.post("/settings/modify", data=payload, headers={**org.auth(), "Content-Type": content_type}), DATATYPE)
    assert settings(host, org) == before


@pytest.mark.parametrize("body, message", [
    ({"standards/silenceLen": 50}, "the silence length (ms) must be between 100 and 60000"),
    ({"constrains/expTicketNo/weekly": -1}, "the expected tickets a week must be between 0 and 10000000"),
    ({"constrains/thresholds/minCAllLen": 4000}, "the minimum call length must not be above the maximum"),
    ({"standards/listBy": "Nope"}, "actions are listed by TicketNo or ClientId"),
    ({"profile/companyName": " "}, "company name isn't valid"),
    ({"profile/email": "nope"}, "email isn't valid"),
    ({"profile/contactNo": "call me"}, "phone isn't valid"),
    ({"profile/companyName": "Keep Out", "standards/silenceLen": 99999999999},
     "the silence length (ms) must be between 100 and 60000"),
])
def test_modify_refuses_values_and_changes_nothing(host, org, body, message):
    before = settings(host, org)
    ko(host.post("/settings/modify", headers=org.auth(), json=body), message)
    assert settings(host, org) == before


def test_modify_password(host, org):
    ko(host.post("/settings/modify", headers=org.auth(),
                 json={"profile/password": "Brand-New-Pass-9", "profile/currentPwd": "Wrong-Password-1"}),
       "password didn't match, please try again")
    ko(host.post("/settings/modify", headers=org.auth(), json={"profile/password": "Brand-New-Pass-9"}),
       "password didn't match, please try again")
    ko(host.post("/settings/modify", headers=org.auth(),
                 json={"profile/password": "weak", "profile/currentPwd": org.password}),
       "password didn't qualify, please try again")
    ko(host.post("/settings/modify", headers=org.auth(),
                 json={"profile": {"password": "alllowercase-pass", "currentPwd": org.password}}),
       "password didn't qualify, please try again")
    assert len(host.sign_in(org.email, org.password)) == 32

    ok(host.post("/settings/modify", headers=org.auth(),
                 json={"profile/password": "Brand-New-Pass-9", "profile/currentPwd": org.password}))
    ko(host.post("/signIn", json={"email": org.email, "password": org.password}), "credentials didn't match")
    assert len(host.sign_in(org.email, "Brand-New-Pass-9")) == 32


# ------------------------------------------------------------------ Se4, Se6-Se8 developer keys

def test_add_and_list_dev_keys(host, org):
    assert ok(host.get("/settings/getDevKeyList", headers=org.auth()))["DATA"] == []
    body = ok(host.post("/settings/addDevKey", json={"username": "robot-1"}, headers=org.auth()))
    key = body["passKey"]
    assert body["username"] == "robot-1" and len(key) == 32
    ok(host.post("/settings/addDevKey", data={"username": "robot_2"}, headers=org.auth()))
    keys = ok(host.get("/settings/getDevKeyList", headers=org.auth()))["DATA"]
    by_name = {k["username"]: k for k in keys}
    assert set(by_name) == {"robot-1", "robot_2"}
    assert by_name["robot-1"] == {"username": "robot-1", "passKey": "..." + key[-4:], "status": "Activated"}
    # The full key is never shown again.
    assert key not in host.get("/settings/getDevKeyList", headers=org.auth()).text


@pytest.mark.parametrize("username", ["a", "bad name!", "", "x" * 65])
def test_add_dev_key_username_is_not_valid(host, org, username):
    ko(host.post("/settings/addDevKey", json={"username": username}, headers=org.auth()), "username isn't valid")
    assert ok(host.get("/settings/getDevKeyList", headers=org.auth()))["DATA"] == []


def test_add_dev_key_refusals(host, org):
    ko(host.post("/settings/addDevKey", json={}, headers=org.auth()), "username isn't valid")
    ko(host.post("/settings/addDevKey", json={"username": 7}, headers=org.auth()), DATATYPE)
    ok(host.post("/settings/addDevKey", json={"username": "robot"}, headers=org.auth()))
    ko(host.post("/settings/addDevKey", json={"username": "robot"}, headers=org.auth()),
       "username already has a developer key")


def test_modify_dev_key(host, org):
    ok(host.post("/settings/addDevKey", json={"username": "robot"}, headers=org.auth()))
    body = ok(host.post("/settings/modifyDevKey", json={"username": "robot", "status": "Deactivated"},
                        headers=org.auth()))
    assert body["DATA"]["status"] == "Deactivated"
    assert ok(host.get("/settings/getDevKeyList", headers=org.auth()))["DATA"][0]["status"] == "Deactivated"
    ok(host.post("/settings/modifyDevKey", json={"username": "robot", "active": True}, headers=org.auth()))
    assert ok(host.get("/settings/getDevKeyList", headers=org.auth()))["DATA"][0]["status"] == "Activated"
    ok(host.post("/settings/modifyDevKey", data={"username": "robot", "active": "false"}, headers=org.auth()))
    assert ok(host.get("/settings/getDevKeyList", headers=org.auth()))["DATA"][0]["status"] == "Deactivated"


@pytest.mark.parametrize("body, message", [
    ({"username": "nobody", "status": "Activated"}, "username isn't valid"),
    ({"username": "a", "status": "Activated"}, "username isn't valid"),
    ({"status": "Activated"}, "username isn't valid"),
    ({"username": "robot", "status": "Paused"}, DATATYPE),
    ({"username": "robot"}, DATATYPE),
    ({"username": "robot", "active": "yes"}, DATATYPE),
])
def test_modify_dev_key_refusals(host, org, body, message):
    ok(host.post("/settings/addDevKey", json={"username": "robot"}, headers=org.auth()))
    ko(host.post("/settings/modifyDevKey", json=body, headers=org.auth()), message)
    assert ok(host.get("/settings/getDevKeyList", headers=org.auth()))["DATA"][0]["status"] == "Activated"


def test_delete_dev_key(host, org):
    key = ok(host.post("/settings/addDevKey", json={"username": "robot"}, headers=org.auth()))["passKey"]
    ok(host.post("/settings/delDevKey", json={"username": "robot"}, headers=org.auth()))
    assert ok(host.get("/settings/getDevKeyList", headers=org.auth()))["DATA"] == []
    ko(host.post("/apiReq", json={"email": org.email, "userName": "robot", "devKey": key}),
       "credentials didn't match")
    ko(host.post("/settings/delDevKey", json={"username": "robot"}, headers=org.auth()), "username isn't found")
    ko(host.post("/settings/delDevKey", json={}, headers=org.auth()), "username isn't found")
    ko(host.post("/settings/delDevKey", json={"username": ["robot"]}, headers=org.auth()), DATATYPE)


def test_dev_keys_are_per_organisation(host, org):
    other = host.sign_up()
    ok(host.post("/settings/addDevKey", json={"username": "robot"}, headers=other.auth()))
    ko(host.post("/settings/delDevKey", json={"username": "robot"}, headers=org.auth()), "username isn't found")
    ko(host.post("/settings/modifyDevKey", json={"username": "robot", "status": "Deactivated"}, headers=org.auth()),
       "username isn't valid")
    assert ok(host.get("/settings/getDevKeyList", headers=org.auth()))["DATA"] == []
    assert len(ok(host.get("/settings/getDevKeyList", headers=other.auth()))["DATA"]) == 1
