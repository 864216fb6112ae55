"""OctaPy Au1-Au5: sign-up, verification, sign-in, password reset, dev tokens."""

import re
import time

import pytest

from conftest import STRONG_PASSWORD, ko, ok, unique

DATATYPE = "unexpected datatype, please try again"
CREDENTIALS = "credentials didn't match"


def sign_up_body(**override):
    body = {"companyName": unique("Acme "), "email": unique("a") + "@example.com", "phone": "+1 (555) 010-0199",
            "password": STRONG_PASSWORD}
    body.update(override)
    return body


def org_count(host, email):
    return host.organisations(email=email)["total"]


# ------------------------------------------------------------------ Au1 POST /signUp

def test_sign_up_ok_sends_a_verification_email(host):
    body = sign_up_body()
    r = host.post("/signUp", json=body)
    assert r.json() == {"STATUS": "OK"}
    assert org_count(host, body["email"]) == 1
    mails = host.outbox(body["email"], "verify")
    assert len(mails) == 1
    assert re.search(r"/verify/[A-Za-z0-9_-]{32}", mails[0]["body"]), mails[0]["body"]


def test_sign_up_accepts_a_form(host):
    body = sign_up_body()
    r = host.post("/signUp", data=body)
    ok(r)
    listed = host.organisations(email=body["email"])["DATA"]
    assert [(o["companyName"], o["additionalInfo"]["contactNo"]) for o in listed] == [
        (body["companyName"], body["phone"])]


@pytest.mark.parametrize("field, value, message", [
    ("email", "not-an-email", "email isn't valid"),
    ("email", "", "email isn't valid"),
    ("phone", "12ab34", "phone isn't valid"),
    ("phone", "123", "phone isn't valid"),
    ("password", "Short1pass", "password is too short, minimum length is 12 characters"),
    ("password", "Aa1" + "x" * 126, "password is too long, maximum length is 128 characters"),
    ("password", "onlylowercase99", "pwd must contain at least one: 1-9, A-Z, a-z character"),
    ("password", "NoDigitsHereAtAll", "pwd must contain at least one: 1-9, A-Z, a-z character"),
    ("companyName", "   ", "company name isn't valid"),
])
def test_sign_up_refusals(host, field, value, message):
    body = sign_up_body(**{field: value})
    ko(host.post("/signUp", json=body), message)
    if field != "email":
        assert org_count(host, body["email"]) == 0


def test_sign_up_email_already_registered(host, org):
    ko(host.post("/signUp", json=sign_up_body(email=org.email)), "email is already registered")
    assert org_count(host, org.email) == 1


@pytest.mark.parametrize("payload", [
    '{"companyName": 5, "email": "x@example.com", "phone": "+15550100", "password": "Correct-Horse-42"}',
    '{"companyName": "Broken", ',
    '["companyName"]',
])
def test_sign_up_unexpected_datatype(host, payload):
    before = host.organisations()["total"]
    ko(host.post("/signUp", data=payload, headers={"Content-Type": "application/json"}), DATATYPE)
    assert host.organisations()["total"] == before


# ------------------------------------------------------------------ Au2 GET /verify/{key}

def test_verify_redirects_to_the_sign_in_form(host):
    org = host.sign_up(verify=False)
    key = host.verification_key(org.email)
    ko(host.post("/signIn", json={"email": org.email, "password": org.password}),
       "email isn't verified, please follow the link sent to it")

    r = host.get("/verify/" + key)
    assert r.status_code == 302
    assert r.headers["Location"] == "/signIn?verified=1"
    assert len(host.sign_in(org.email, org.password)) == 32

    # A key works once; an unknown key also lands on the form.
    r = host.get("/verify/" + key)
    assert (r.status_code, r.headers["Location"]) == (302, "/signIn?verified=0")
    r = host.get("/verify/" + "A" * 32)
    assert (r.status_code, r.headers["Location"]) == (302, "/signIn?verified=0")

    # The request log never shows a verification key.
    deadline = time.time() + 5
    while time.time() < deadline and sum("GET /verify/{key} 302" in l for l in host.lines) < 3:
        time.sleep(0.05)
    assert sum("GET /verify/{key} 302" in l for l in host.lines) >= 3
    assert not any(key in l for l in host.lines)


def test_sign_in_form(host):
    r = host.get("/signIn?verified=1")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    assert "Your email address is verified" in r.text
    assert '<form method="post" action="/signIn">' in r.text
    r = host.get("/signIn?verified=0")
    assert "not valid or has expired" in r.text


# ------------------------------------------------------------------ Au3 POST /signIn

def test_sign_in_ok(host, org):
    body = ok(host.post("/signIn", json={"email": org.email, "password": org.password}))
    assert re.fullmatch(r"[A-Za-z0-9]{32}", body["accessToken"])
    second = ok(host.post("/signIn", data={"email": org.email, "password": org.password}))["accessToken"]
    assert second != body["accessToken"]
    ok(host.get("/settings/profile", headers={"accessToken": second}))


@pytest.mark.parametrize("login, password", [
    ("known", "Wrong-Password-1"),
    ("nobody@example.com", STRONG_PASSWORD),
    ("known", ""),
    ("", ""),
])
def test_sign_in_credentials_did_not_match(host, org, login, password):
    ko(host.post("/signIn", json={"email": org.email if login == "known" else login, "password": password}),
       CREDENTIALS)


def test_sign_in_datatype(host):
    ko(host.post("/signIn", json={"email": ["x"], "password": "y"}), DATATYPE)


# ------------------------------------------------------------------ Au4 POST /resetPwd

def test_reset_password_request_is_ok_whether_or_not_the_account_exists(host, org):
    ok(host.post("/resetPwd", json={"email": org.email}))
    assert len(host.outbox(org.email, "reset")) == 1
    unknown = unique("ghost") + "@example.com"
    ok(host.post("/resetPwd", data={"email": unknown}))
    assert host.outbox(unknown) == []


def test_reset_password_malformed_email(host):
    ko(host.post("/resetPwd", json={"email": "no-at-sign"}), "email isn't valid")


def test_reset_password_completes_with_the_code(host, org):
    ok(host.post("/resetPwd", json={"email": org.email}))
    code = host.reset_code(org.email)
    ko(host.post("/resetPwd", json={"email": org.email, "code": code}), DATATYPE)
    ko(host.post("/resetPwd", json={"email": org.email, "password": "New-Password-77"}), DATATYPE)
    wrong = "000000" if code != "000000" else "111111"
    ko(host.post("/resetPwd", json={"email": org.email, "code": wrong, "password": "New-Password-77"}),
       "the reset code is not valid or has expired")
    ko(host.post("/resetPwd", json={"email": org.email, "code": code, "password": "weak"}),
       "password is too short, minimum length is 12 characters")
    ok(host.post("/resetPwd", json={"email": org.email, "code": code, "password": "New-Password-77"}))
    ko(host.post("/signIn", json={"email": org.email, "password": org.password}), CREDENTIALS)
    assert len(host.sign_in(org.email, "New-Password-77")) == 32
    # The code is spent.
    ko(host.post("/resetPwd", json={"email": org.email, "code": code, "password": "Other-Password-78"}),
       "the reset code is not valid or has expired")


# ------------------------------------------------------------------ Au5 POST /apiReq

def test_api_request_issues_a_dev_token(host, org):
    key = ok(host.post("/settings/addDevKey", json={"username": "robot"}, headers=org.auth()))["passKey"]
    body = ok(host.post("/apiReq", json={"email": org.email, "userName": "robot", "devKey": key}))
    assert re.fullmatch(r"[A-Za-z0-9]{32}", body["devToken"])
    # form parameters, and "username" spelt in lower case
    ok(host.post("/apiReq", data={"email": org.email, "username": "robot", "devKey": key}))


@pytest.mark.parametrize("change", ["key", "user", "email", "missing"])
def test_api_request_credentials_did_not_match(host, org, change):
    key = ok(host.post("/settings/addDevKey", json={"username": "robot"}, headers=org.auth()))["passKey"]
    body = {"email": org.email, "userName": "robot", "devKey": key}
    if change == "key":
        body["devKey"] = key[::-1]
    elif change == "user":
        body["userName"] = "robot2"
    elif change == "email":
        body["email"] = "someone@example.com"
    else:
        del body["devKey"]
    ko(host.post("/apiReq", json=body), CREDENTIALS)


def test_api_request_refused_for_a_deactivated_key(host, org):
    key = ok(host.post("/settings/addDevKey", json={"username": "robot"}, headers=org.auth()))["passKey"]
    ok(host.post("/settings/modifyDevKey", json={"username": "robot", "status": "Deactivated"}, headers=org.auth()))
    ko(host.post("/apiReq", json={"email": org.email, "userName": "robot", "devKey": key}), CREDENTIALS)
