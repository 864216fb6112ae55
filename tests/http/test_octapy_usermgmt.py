"""OctaPy UM1-UM4: the platform operator's view of organisations (the seed's "users")."""

import pytest

from conftest import ko, ok, unique

UNAUTHORIZED = "unauthorized"
DATATYPE = "unexpected datatype, please try again"


def op(operator):
    return {"accessToken": operator[2]}


# ------------------------------------------------------------------ UM1 getUsersList

def test_users_list(host, operator, org):
    body = ok(host.get("/userMgmt/getUsersList", headers=op(operator), params={"_c": 1000}))
    mine = [u for u in body["DATA"] if u["userId"] == org.id]
    assert mine == [{"companyName": org.company, "email": org.email, "userId": org.id,
                     "additionalInfo": {"contactNo": "+44 20 7946 0958", "verified": True, "userCount": 1,
                                        "createdOn": mine[0]["additionalInfo"]["createdOn"]}}]
    assert body["total"] == len(body["DATA"]) >= 1
    # newest first, paged with _c / _a
    host.sign_up()
    page = ok(host.get("/userMgmt/getUsersList", headers=op(operator), params={"_c": 1}))
    assert len(page["DATA"]) == 1 and page["total"] >= 2
    second = ok(host.get("/userMgmt/getUsersList", headers=op(operator), params={"_c": 1, "_a": 1}))
    assert second["DATA"][0]["userId"] < page["DATA"][0]["userId"]


@pytest.mark.parametrize("params", [{"_c": "ten"}, {"_a": "-1"}, {"nosuchfield": "1"}, {"_c": "100000"}])
def test_users_list_unexpected_datatype(host, operator, params):
    ko(host.get("/userMgmt/getUsersList", headers=op(operator), params=params), DATATYPE)


def test_user_management_is_for_the_operator_only(host, org):
    for path in ("/userMgmt/getUsersList", "/userMgmt/searchUsersList/x", "/userMgmt/getUserProfile/%d" % org.id):
        ko(host.get(path, headers=org.auth()), UNAUTHORIZED)
        ko(host.get(path), UNAUTHORIZED)
    ko(host.post("/userMgmt/modifyUserProfile", json={"userId": org.id, "standards/silenceLen": 900},
                 headers=org.auth()), UNAUTHORIZED)
    ko(host.post("/userMgmt/modifyUserProfile", json={"userId": org.id, "standards/silenceLen": 900}),
       UNAUTHORIZED)
    assert ok(host.get("/settings/standards", headers=org.auth()))["DATA"]["silenceLen"] == 500


# ------------------------------------------------------------------ UM2 searchUsersList

def test_search_users_list(host, operator):
    name = unique("Zebra Searchable ")
    target = host.sign_up(company=name)
    word = name.split()[-1]
    by_path = ok(host.get("/userMgmt/searchUsersList/" + word, headers=op(operator)))
    assert [u["userId"] for u in by_path["DATA"]] == [target.id] and by_path["total"] == 1
    by_query = ok(host.get("/userMgmt/searchUsersList", headers=op(operator), params={"q": word}))
    assert by_query["DATA"] == by_path["DATA"]
    by_email = ok(host.get("/userMgmt/searchUsersList/" + target.email, headers=op(operator)))
    assert [u["userId"] for u in by_email["DATA"]] == [target.id]
    none = ok(host.get("/userMgmt/searchUsersList/" + unique("nothing-like-it"), headers=op(operator)))
    assert (none["DATA"], none["total"]) == ([], 0)


# ------------------------------------------------------------------ UM3 getUserProfile

def test_get_user_profile(host, operator, org):
    body = ok(host.get("/userMgmt/getUserProfile/%d" % org.id, headers=op(operator)))
    assert body["DATA"] == {
        "userId": org.id,
        "profile/companyName": org.company,
        "profile/email": org.email,
        "profile/contactNo": "+44 20 7946 0958",
        "standards/silenceLen": 500,
        "standards/interruptionLen": 750,
        "standards/listBy": "TicketNo",
        "constrains/expTicketNo/daily": 50,
        "constrains/expTicketNo/weekly": 250,
        "constrains/expTicketNo/monthly": 1000,
        "constrains/thresholds/minCAllLen": 10,
        "constrains/thresholds/maxCAllLen": 3600,
    }


def test_get_user_profile_refusals(host, operator):
    ko(host.get("/userMgmt/getUserProfile/abc", headers=op(operator)), DATATYPE)
    ko(host.get("/userMgmt/getUserProfile/987654321", headers=op(operator)), "no organisation 987654321")


# ------------------------------------------------------------------ UM4 modifyUserProfile

def test_modify_user_profile(host, operator, org):
    ok(host.post("/userMgmt/modifyUserProfile", headers=op(operator), json={
        "userId": org.id, "standards/silenceLen": 1500, "profile": {"companyName": "Operated Ltd"},
        "constrains/expTicketNo/daily": 9}))
    data = ok(host.get("/userMgmt/getUserProfile/%d" % org.id, headers=op(operator)))["DATA"]
    assert (data["standards/silenceLen"], data["profile/companyName"], data["constrains/expTicketNo/daily"]) == (
        1500, "Operated Ltd", 9)
    # The organisation sees the change too.
    assert ok(host.get("/settings/standards", headers=org.auth()))["DATA"]["silenceLen"] == 1500
    # A form works as well (digit strings for integers).
    ok(host.post("/userMgmt/modifyUserProfile", headers=op(operator),
                 data={"userId": str(org.id), "standards/interruptionLen": "900"}))
    assert ok(host.get("/settings/standards", headers=org.auth()))["DATA"]["interruptionLen"] == 900


def test_modify_user_profile_password(host, operator, org):
    ko(host.post("/userMgmt/modifyUserProfile", headers=op(operator),
                 json={"userId": org.id, "profile/password": "weak"}),
       "password didn't qualify, please try again")
    ok(host.post("/userMgmt/modifyUserProfile", headers=op(operator),
                 json={"userId": org.id, "profile/password": "Operator-Set-77"}))
    ko(host.post("/signIn", json={"email": org.email, "password": org.password}), "credentials didn't match")
    assert len(host.sign_in(org.email, "Operator-Set-77")) == 32


@pytest.mark.parametrize("body", [
    {"standards/silenceLen": 900},                               # no userId
    {"userId": "1", "standards/silenceLen": 900},                # userId as a JSON string
    {"userId": 1, "standards/silenceLen": "900"},
    {"userId": 1, "profile/currentPwd": "Whatever-123"},         # not a UM4 key
    {"userId": 1, "constrains/expTicketNo/yearly": 5},
])
def test_modify_user_profile_unexpected_datatype(host, operator, org, body):
    if isinstance(body.get("userId"), int):
        body["userId"] = org.id
    ko(host.post("/userMgmt/modifyUserProfile", headers=op(operator), json=body), DATATYPE)
    assert ok(host.get("/settings/standards", headers=org.auth()))["DATA"]["silenceLen"] == 500


def test_modify_user_profile_unknown_organisation(host, operator):
    ko(host.post("/userMgmt/modifyUserProfile", headers=op(operator),
                 json={"userId": 987654321, "standards/silenceLen": 900}), "no organisation 987654321")


def test_operator_has_no_organisation_settings(host, operator):
    ko(host.get("/settings/profile", headers=op(operator)), UNAUTHORIZED)
