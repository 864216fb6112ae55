"""OpenCHS 1.1-1.3 (login, change own password, admin reset), logout and
customer self-registration (Customer Care Registry)."""

import base64
import re

import pytest

from conftest import AUTH_REQUIRED, STRONG_PASSWORD, basic, bearer, chs_error, ko, unique

USER_FIELDS = {"id", "usn", "exten", "photo", "fname", "lname", "phone", "email", "role", "enabled", "created_on"}


# ------------------------------------------------------------------ 1.1 POST /eproc/

def test_login_returns_the_session_and_profile(host, org):
    r = host.post("/eproc/", headers=basic(org.email, org.password))
    assert r.status_code == 201
    body = r.json()
    [[session, user_id, username, org_id, role]] = body["ss"]
    assert re.fullmatch(r"[A-Za-z0-9]{32}", session)
    assert (org_id, role) == (str(org.id), "admin")
    [profile] = body["Profile"]
    assert set(profile) == USER_FIELDS
    assert (profile["id"], profile["usn"], profile["email"], profile["role"], profile["enabled"]) == (
        user_id, username, org.email, "admin", "1")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", profile["created_on"])
    # The session id works for the users endpoints.
    assert host.get("/eproc/users/" + user_id, headers=bearer(session)).status_code == 200


def test_login_by_username_and_with_the_authorization_header(host, org):
    user, _ = org.create_user(role="agent")
    r = host.post("/eproc", headers=basic(user["usn"], STRONG_PASSWORD))
    assert r.status_code == 201 and r.json()["ss"][0][2] == user["usn"]
    auth = base64.b64encode(("%s:%s" % (user["email"], STRONG_PASSWORD)).encode()).decode()
    r = host.post("/eproc/", headers={"Authorization": "Basic " + auth})
    assert r.status_code == 201 and r.json()["Profile"][0]["id"] == user["id"]


@pytest.mark.parametrize("headers", [
    {},
    {"XAuthorization": "Basic"},
    {"XAuthorization": "Basic !!!not-base64!!!"},
    {"XAuthorization": "Basic " + base64.b64encode(b"no-colon").decode()},
    {"XAuthorization": "Bearer " + "a" * 32},
    "wrong-password",
    "unknown-user",
])
def test_login_failures(host, org, headers):
    if headers == "wrong-password":
        headers = basic(org.email, "Wrong-Password-1")
    elif headers == "unknown-user":
        headers = basic("nobody-here", STRONG_PASSWORD)
    r = host.post("/eproc/", headers=headers)
    assert r.status_code == 401
    assert r.json() == AUTH_REQUIRED


def test_login_of_an_unverified_account(host):
    org = host.sign_up(verify=False)
    r = host.post("/eproc/", headers=basic(org.email, org.password))
    chs_error(r, 412, "email isn't verified, please follow the link sent to it", "unverified", field="email")


@pytest.mark.parametrize("path, method", [
    ("/eproc/users", "GET"), ("/eproc/users/1", "GET"), ("/eproc/users", "POST"), ("/eproc/users/1", "POST"),
    ("/eproc/changeAuth", "POST"), ("/eproc/changeAuthAdmin/1", "POST"), ("/eproc/logout", "POST"),
])
@pytest.mark.parametrize("headers", [{}, {"XAuthorization": "Bearer " + "b" * 32},
                                     {"XAuthorization": "Bearer short"}, {"XAuthorization": "Basic eDp5"}])
def test_missing_or_invalid_session(host, path, method, headers):
    r = host.session.request(method, host.url + path, headers=headers, json={})
    assert r.status_code == 401
    assert r.json() == AUTH_REQUIRED


# ------------------------------------------------------------------ 1.2 POST /eproc/changeAuth

def test_change_own_password(host, org):
    user, session = org.create_user(role="agent")
    r = host.post("/eproc/changeAuth", headers=bearer(session),
                  json={"pass0": STRONG_PASSWORD, "pass1": "Changed-Pass-123", "pass2": "Changed-Pass-123"})
    assert r.status_code == 202
    body = r.json()
    assert body["profile_nb"] == [["info", "Password Changed"]]
    [profile] = body["Profile"]
    assert (profile["id"], profile["usn"], profile["role"], profile["email"]) == (
        user["id"], user["usn"], "agent", user["email"])
    # Every session of the user ends; the new password signs in, the old one does not.
    assert host.get("/eproc/users/" + user["id"], headers=bearer(session)).status_code == 401
    assert host.post("/eproc/", headers=basic(user["usn"], STRONG_PASSWORD)).status_code == 401
    assert host.post("/eproc/", headers=basic(user["usn"], "Changed-Pass-123")).status_code == 201


def test_change_own_password_refusals(host, org):
    user, session = org.create_user(role="agent")
    row = user["id"]
    r = host.post("/eproc/changeAuth", headers=bearer(session),
                  json={"pass0": STRONG_PASSWORD, "pass1": "Changed-Pass-123", "pass2": "Changed-Pass-124"})
    chs_error(r, 412, "passwords don't match", "invalid_argument", row=row, field="pass2")
    r = host.post("/eproc/changeAuth", headers=bearer(session),
                  json={"pass0": "Wrong-Password-1", "pass1": "Changed-Pass-123", "pass2": "Changed-Pass-123"})
    chs_error(r, 412, "password didn't match, please try again", "credentials", row=row, field="pass0")
    r = host.post("/eproc/changeAuth", headers=bearer(session),
                  json={"pass0": STRONG_PASSWORD, "pass1": "tooweak", "pass2": "tooweak"})
    chs_error(r, 412, "password is too short, minimum length is 12 characters", "invalid_argument", row=row,
              field="pass1")
    r = host.post("/eproc/changeAuth", headers=bearer(session),
                  json={"pass0": STRONG_PASSWORD, "pass1": STRONG_PASSWORD, "pass2": STRONG_PASSWORD})
    chs_error(r, 412, "the new password must differ from the current one", "invalid_argument", row=row,
              field="pass1")
    r = host.post("/eproc/changeAuth", headers={**bearer(session), "Content-Type": "application/json"}, data="{")
    chs_error(r, 412, "unexpected datatype, please try again", "invalid_argument", row="")
    r = host.post("/eproc/changeAuth", headers=bearer(session), json={"pass0": ["x"]})
    chs_error(r, 412, "unexpected datatype, please try again", "invalid_argument", row=row, field="pass0")
    # Nothing changed: the session still works.
    assert host.get("/eproc/users/" + row, headers=bearer(session)).status_code == 200


# ------------------------------------------------------------------ 1.3 POST /eproc/changeAuthAdmin

def test_admin_reset_password(host, org):
    user, session = org.create_user(role="agent")
    r = host.post("/eproc/changeAuthAdmin/" + user["id"], headers=org.bearer())
    assert r.status_code == 202
    body = r.json()
    assert body["users_nb"] == [["info", "Password Reset"]]
    [profile] = body["Profile"]
    assert (profile["id"], profile["usn"], profile["enabled"]) == (user["id"], user["usn"], "1")
    temporary = body["temporary_password"]
    assert len(temporary) >= 12 and temporary != STRONG_PASSWORD
    # The user's sessions end and the old password no longer works.
    assert host.get("/eproc/users/" + user["id"], headers=bearer(session)).status_code == 401
    assert host.post("/eproc/", headers=basic(user["usn"], STRONG_PASSWORD)).status_code == 401

    # The temporary password signs in, but must be changed before anything else.
    r = host.post("/eproc/", headers=basic(user["usn"], temporary))
    assert r.status_code == 201
    login = r.json()
    assert login["profile_nb"] == [["info", "Password Change Required"]]
    assert login["Profile"] == [{"id": user["id"], "usn": user["usn"], "role": "agent"}]
    temp_session = login["ss"][0][0]
    r = host.get("/eproc/users/" + user["id"], headers=bearer(temp_session))
    chs_error(r, 412, "the password is temporary: change it before doing anything else",
              "password_change_required", row=user["id"], field="pass")
    r = host.post("/eproc/changeAuth", headers=bearer(temp_session),
                  json={"pass0": temporary, "pass1": "My-Own-Pass-456", "pass2": "My-Own-Pass-456"})
    assert r.status_code == 202
    new_session = host.openchs_login(user["usn"], "My-Own-Pass-456")["ss"][0][0]
    assert host.get("/eproc/users/" + user["id"], headers=bearer(new_session)).status_code == 200


def test_admin_reset_password_with_the_id_in_the_body(host, org):
    user, _ = org.create_user(role="agent")
    r = host.post("/eproc/changeAuthAdmin", headers=org.bearer(), json={"id": user["id"]})
    assert r.status_code == 202 and r.json()["Profile"][0]["id"] == user["id"]
    r = host.post("/eproc/changeAuthAdmin", headers=org.bearer(), json={"id": int(user["id"])})
    assert r.status_code == 202
    assert host.post("/eproc/", headers=basic(user["usn"], r.json()["temporary_password"])).status_code == 201


def test_admin_reset_password_refusals(host, org):
    user, agent_session = org.create_user(role="agent")
    other, _ = org.create_user(role="agent")
    r = host.post("/eproc/changeAuthAdmin/" + other["id"], headers=bearer(agent_session))
    chs_error(r, 412, "the agent role may not do this", "forbidden", row=other["id"])
    r = host.post("/eproc/changeAuthAdmin/987654", headers=org.bearer())
    chs_error(r, 412, "no user 987654", "not_found", row="987654", field="id")
    r = host.post("/eproc/changeAuthAdmin/abc", headers=org.bearer())
    chs_error(r, 412, "id isn't a valid record id", "invalid_argument", field="id")
    r = host.post("/eproc/changeAuthAdmin", headers=org.bearer(), json={})
    chs_error(r, 412, "id is required", "invalid_argument", field="id")
    r = host.post("/eproc/changeAuthAdmin", headers=org.bearer(), json={"id": "x1"})
    chs_error(r, 412, "unexpected datatype, please try again", "invalid_argument", field="id")
    # Another organisation's user is not found.
    outsider = host.sign_up()
    stranger, _ = outsider.create_user(role="agent")
    r = host.post("/eproc/changeAuthAdmin/" + stranger["id"], headers=org.bearer())
    chs_error(r, 412, "no user " + stranger["id"], "not_found", row=stranger["id"], field="id")
    assert host.post("/eproc/", headers=basic(stranger["usn"], STRONG_PASSWORD)).status_code == 201


# ------------------------------------------------------------------ logout

def test_logout(host, org):
    session = host.openchs_login(org.email, org.password)["ss"][0][0]
    r = host.post("/eproc/logout", headers=bearer(session))
    assert r.status_code == 200 and r.json() == {"loggedoff": [["Auth"]]}
    assert host.get("/eproc/users/", headers=bearer(session)).status_code == 401
    assert host.post("/eproc/logout", headers=bearer(session)).json() == AUTH_REQUIRED


# ------------------------------------------------------------------ register (Customer Care Registry)

def registration(organisation, **override):
    email = unique("cust") + "@example.com"
    body = {"org": organisation.id, "email": email, "pass1": STRONG_PASSWORD, "pass2": STRONG_PASSWORD,
            "fname": "Carla", "lname": "Customer"}
    body.update(override)
    return body


def test_register_customer(host, org):
    body = registration(org)
    r = host.post("/eproc/register", json=body)
    assert r.status_code == 201
    out = r.json()
    assert out["users_nb"] == [["info", "User Registered"]]
    [user] = out["users"]
    assert (user["email"], user["fname"], user["lname"], user["role"], user["enabled"]) == (
        body["email"], "Carla", "Customer", "customer", "1")
    # The address must be verified before the customer signs in.
    chs_error(host.post("/eproc/", headers=basic(body["email"], STRONG_PASSWORD)), 412,
              "email isn't verified, please follow the link sent to it", "unverified", field="email")
    assert host.get("/verify/" + host.verification_key(body["email"])).headers["Location"] == "/signIn?verified=1"
    login = host.openchs_login(body["email"], STRONG_PASSWORD)
    assert login["ss"][0][3:] == [str(org.id), "customer"]
    # A customer sees only itself.
    session = login["ss"][0][0]
    assert host.get("/eproc/users/" + user["id"], headers=bearer(session)).status_code == 200
    chs_error(host.get("/eproc/users/", headers=bearer(session)), 412, "the customer role may not do this",
              "forbidden")


def test_register_with_a_form_and_a_username(host, org):
    body = registration(org, usn=unique("carla"), phone="+254 700 000 000")
    body["org"] = str(org.id)
    r = host.post("/eproc/register", data=body)
    assert r.status_code == 201
    user = r.json()["users"][0]
    assert (user["usn"], user["phone"]) == (body["usn"], "+254 700 000 000")


@pytest.mark.parametrize("override, message, error_type, field", [
    ({"pass2": "Other-Password-9"}, "passwords don't match", "invalid_argument", "pass2"),
    ({"pass1": "short", "pass2": "short"}, "password is too short, minimum length is 12 characters",
     "invalid_argument", "pass1"),
    ({"email": "bad-email"}, "email isn't valid", "invalid_argument", "email"),
    ({"fname": ""}, "first name is required", "invalid_argument", "fname"),
    ({"org": 987654}, "no organisation 987654", "not_found", "org"),
    ({"org": None}, "unexpected datatype, please try again", "invalid_argument", "org"),
    ({"org": -4}, "org isn't a valid organisation id", "invalid_argument", "org"),
    ({"role": "admin"}, 'unknown field "role"', "invalid_argument", "role"),
])
def test_register_refusals(host, org, override, message, error_type, field):
    body = registration(org, **override)
    r = host.post("/eproc/register", json=body)
    chs_error(r, 412, message, error_type, field=field)
    assert org.total("users", email=body["email"]) == 0
    if "@" in body["email"]:  # nor in any organisation (a malformed address cannot be asked about)
        assert not host.has_account(body["email"])


def test_register_needs_an_organisation(host, org):
    body = registration(org)
    del body["org"]
    chs_error(host.post("/eproc/register", json=body), 412, "org is required", "invalid_argument", field="org")


def test_register_email_taken(host, org):
    chs_error(host.post("/eproc/register", json=registration(org, email=org.email)), 412,
              "email is already registered", "already_exists", field="email")


def test_octapy_sign_in_with_an_openchs_account(host, org):
    user, _ = org.create_user(role="supervisor")
    token = host.sign_in(user["usn"], STRONG_PASSWORD)
    ko(host.post("/settings/modify", headers={"accessToken": token}, json={"standards/silenceLen": 900}),
       "unauthorized")
