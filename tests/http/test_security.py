"""Security over HTTP: tenant isolation, roles, sessions, throttling, token kinds."""

from conftest import AUTH_REQUIRED, STRONG_PASSWORD, basic, bearer, chs_error, ko, ok


def test_one_organisation_cannot_read_another_organisations_user(host, org):
    other = host.sign_up()
    stranger, _ = other.create_user(role="agent")
    sid = stranger["id"]
    chs_error(host.get("/eproc/users/" + sid, headers=org.bearer()), 412, "no user " + sid, "not_found", row=sid,
              field="id")
    chs_error(host.post("/eproc/users/" + sid, json={"fname": "Hijacked"}, headers=org.bearer()), 412,
              "no user " + sid, "not_found", row=sid, field="id")
    listed = host.get("/eproc/users/", headers=org.bearer(), params={"_c": 1000}).json()["users"]
    assert sid not in [u["id"] for u in listed]
    assert host.get("/eproc/users/" + sid, headers=other.bearer()).json()["users"][0]["fname"] == "Ann"


def test_an_agent_cannot_create_users(host, org):
    _, session = org.create_user(role="agent")
    r = host.post("/eproc/users", json={"usn": "sneaky", "email": "sneaky@example.com", "role": "admin"},
                  headers=bearer(session))
    chs_error(r, 412, "the agent role may not do this", "forbidden")
    assert org.total("users", email="sneaky@example.com") == 0
    assert not host.has_account("sneaky@example.com")


def test_a_deactivated_users_session_stops_working(host, org):
    user, session = org.create_user(role="agent")
    octapy_token = host.sign_in(user["email"], STRONG_PASSWORD)
    assert host.get("/eproc/users/" + user["id"], headers=bearer(session)).status_code == 200
    r = host.post("/eproc/users/" + user["id"], json={"enabled": False}, headers=org.bearer())
    assert r.status_code == 202 and r.json()["users"][0]["enabled"] == "0"
    r = host.get("/eproc/users/" + user["id"], headers=bearer(session))
    assert (r.status_code, r.json()) == (401, AUTH_REQUIRED)
    ko(host.get("/settings/profile", headers={"accessToken": octapy_token}), "unauthorized")
    assert host.post("/eproc/", headers=basic(user["usn"], STRONG_PASSWORD)).status_code == 401
    # Enabled again, the user signs in anew.
    host.post("/eproc/users/" + user["id"], json={"enabled": True}, headers=org.bearer())
    assert host.post("/eproc/", headers=basic(user["usn"], STRONG_PASSWORD)).status_code == 201


def test_repeated_failed_sign_ins_lock_the_account(host):
    org = host.sign_up()
    _, supervisor = org.create_user(role="supervisor")   # reads the log while the admin is locked out
    for _ in range(5):
        ko(host.post("/signIn", json={"email": org.email, "password": "Wrong-Password-1"}),
           "credentials didn't match")
    # The correct password is refused while the account is locked, in both dialects.
    ko(host.post("/signIn", json={"email": org.email, "password": org.password}), "credentials didn't match")
    r = host.post("/eproc/", headers=basic(org.email, org.password))
    assert (r.status_code, r.json()) == (401, AUTH_REQUIRED)
    # Refused because the account is locked, as the organisation's log says.
    for endpoint in ("POST /signIn", "POST /eproc/"):
        refused = ok(host.get("/activities/views/logs", headers={"accessToken": supervisor},
                              params={"endpoint": endpoint, "status": "KO", "_c": 1}))["DATA"]
        assert [e["Content"] for e in refused] == [
            "sign-in refused: the account is locked after repeated failures"], (endpoint, refused)


def test_failures_below_the_limit_do_not_lock(host):
    org = host.sign_up()
    for _ in range(4):
        ko(host.post("/signIn", json={"email": org.email, "password": "Wrong-Password-1"}),
           "credentials didn't match")
    assert len(host.sign_in(org.email, org.password)) == 32


def test_a_dev_token_is_refused_by_the_dashboard(host, org):
    key = ok(host.post("/settings/addDevKey", json={"username": "robot"}, headers=org.auth()))["passKey"]
    dev = ok(host.post("/apiReq", json={"email": org.email, "userName": "robot", "devKey": key}))["devToken"]
    for path in ("/settings/profile", "/settings/standards", "/settings/constraints", "/settings/getDevKeyList",
                 "/activities/views/logs", "/userMgmt/getUsersList"):
        ko(host.get(path, headers={"accessToken": dev}), "unauthorized")
    ko(host.post("/settings/modify", json={"standards/silenceLen": 900}, headers={"accessToken": dev}),
       "unauthorized")
    ko(host.post("/settings/addDevKey", json={"username": "robot2"}, headers={"accessToken": dev}), "unauthorized")
    r = host.get("/eproc/users/", headers=bearer(dev))
    assert (r.status_code, r.json()) == (401, AUTH_REQUIRED)
    assert ok(host.get("/settings/standards", headers=org.auth()))["DATA"]["silenceLen"] == 500


def test_an_access_token_is_not_a_dev_key(host, org):
    ko(host.post("/apiReq", json={"email": org.email, "userName": "admin", "devKey": org.token}),
       "credentials didn't match")
