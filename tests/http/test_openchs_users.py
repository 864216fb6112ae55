"""OpenCHS 2.1-2.4: create, edit, view and list users."""

import datetime

import pytest

from conftest import STRONG_PASSWORD, basic, bearer, chs_error, csv_rows, unique

DATATYPE = "unexpected datatype, please try again"


def new_user_body(**override):
    usn = unique("albert")
    body = {"usn": usn, "exten": "8123", "photo": "123244554556", "fname": "Albert", "lname": "Jeffry",
            "phone": "0112009877", "email": usn + "@example.com", "role": "agent", "pass": STRONG_PASSWORD}
    body.update(override)
    return body


def user_count(host, org):
    return org.total("users")


# ------------------------------------------------------------------ 2.1 POST /eproc/users

def test_create_user(host, org):
    body = new_user_body()
    r = host.post("/eproc/users", json=body, headers=org.bearer())
    assert r.status_code == 201
    out = r.json()
    assert out["users_nb"] == [["info", "User Created"]]
    assert "temporary_password" not in out
    [user] = out["users"]
    expected = {k: body[k] for k in ("usn", "exten", "photo", "fname", "lname", "phone", "email", "role")}
    assert {k: user[k] for k in expected} == expected
    assert user["enabled"] == "1" and int(user["id"]) > 0
    created = datetime.datetime.fromisoformat(user["created_on"].replace("Z", "+00:00"))
    assert abs((datetime.datetime.now(datetime.timezone.utc) - created).total_seconds()) < 120
    assert host.post("/eproc/", headers=basic(body["usn"], STRONG_PASSWORD)).status_code == 201


def test_create_user_without_a_password_gets_a_temporary_one(host, org):
    body = new_user_body(exten=8124)   # numbers are accepted for text fields
    del body["pass"]
    r = host.post("/eproc/users", json=body, headers=org.bearer())
    assert r.status_code == 201
    out = r.json()
    assert out["users"][0]["exten"] == "8124"
    temporary = out["temporary_password"]
    login = host.openchs_login(body["usn"], temporary)
    assert login["profile_nb"] == [["info", "Password Change Required"]]


def test_create_user_with_a_form(host, org):
    body = new_user_body(enabled="0")
    r = host.post("/eproc/users", data=body, headers=org.bearer())
    assert r.status_code == 201 and r.json()["users"][0]["enabled"] == "0"
    # A disabled user cannot sign in.
    assert host.post("/eproc/", headers=basic(body["usn"], STRONG_PASSWORD)).status_code == 401


@pytest.mark.parametrize("override, message, error_type, field", [
    ({"email": "nope"}, "email isn't valid", "invalid_argument", "email"),
    ({"usn": "a"}, "username isn't valid", "invalid_argument", "usn"),
    ({"usn": None}, DATATYPE, "invalid_argument", "usn"),
    ({"phone": "phone me"}, "phone isn't valid", "invalid_argument", "phone"),
    ({"role": "wizard"}, 'role isn\'t valid: "wizard" (admin, supervisor, agent or customer)', "invalid_argument",
     "role"),
    ({"role": "operator"}, "the operator role is given from the command line only", "invalid_argument", "role"),
    ({"pass": "weakpass"}, "password is too short, minimum length is 12 characters", "invalid_argument", "pass"),
    ({"exten": "1" * 21}, "the extension is too long (at most 20 characters)", "invalid_argument", "exten"),
    ({"enabled": "maybe"}, DATATYPE, "invalid_argument", "enabled"),
    ({"nickname": "Al"}, 'unknown field "nickname"', "invalid_argument", "nickname"),
    ({"fname": {"first": "Al"}}, DATATYPE, "invalid_argument", "fname"),
])
def test_create_user_refusals(host, org, override, message, error_type, field):
    before = user_count(host, org)
    chs_error(host.post("/eproc/users", json=new_user_body(**override), headers=org.bearer()), 412, message,
              error_type, field=field)
    assert user_count(host, org) == before


def test_create_user_required_and_unique_fields(host, org):
    body = new_user_body()
    del body["usn"]
    chs_error(host.post("/eproc/users", json=body, headers=org.bearer()), 412, "username is required",
              "invalid_argument", field="usn")
    first = new_user_body()
    assert host.post("/eproc/users", json=first, headers=org.bearer()).status_code == 201
    chs_error(host.post("/eproc/users", json=new_user_body(usn=first["usn"]), headers=org.bearer()), 412,
              'username "%s" is already taken' % first["usn"], "already_exists", field="usn")
    chs_error(host.post("/eproc/users", json=new_user_body(email=first["email"]), headers=org.bearer()), 412,
              "email is already registered", "already_exists", field="email")


@pytest.mark.parametrize("payload", ["{", "[]", '"text"'])
def test_create_user_malformed_json(host, org, payload):
    before = user_count(host, org)
    r = host.post("/eproc/users", data=payload, headers={**org.bearer(), "Content-Type": "application/json"})
    chs_error(r, 412, DATATYPE, "invalid_argument")
    assert user_count(host, org) == before


def test_only_admins_create_users(host, org):
    for role in ("agent", "supervisor"):
        _, session = org.create_user(role=role)
        before = user_count(host, org)
        chs_error(host.post("/eproc/users", json=new_user_body(), headers=bearer(session)), 412,
                  "the %s role may not do this" % role, "forbidden")
        assert user_count(host, org) == before


# ------------------------------------------------------------------ 2.2 POST /eproc/users/{id}

def test_edit_user(host, org):
    user, _ = org.create_user(role="agent")
    r = host.post("/eproc/users/" + user["id"], json={"fname": "Bertha", "exten": "9000", "role": "supervisor"},
                  headers=org.bearer())
    assert r.status_code == 202
    out = r.json()
    assert out["users_nb"] == [["info", "User Updated"]]
    [edited] = out["users"]
    assert (edited["id"], edited["fname"], edited["exten"], edited["role"], edited["lname"]) == (
        user["id"], "Bertha", "9000", "supervisor", user["lname"])
    assert host.get("/eproc/users/" + user["id"], headers=org.bearer()).json()["users"] == [edited]


def test_edit_user_refusals(host, org):
    user, session = org.create_user(role="agent")
    other, _ = org.create_user(role="agent")
    uid = user["id"]
    chs_error(host.post("/eproc/users/987654", json={"fname": "X"}, headers=org.bearer()), 412, "no user 987654",
              "not_found", row="987654", field="id")
    chs_error(host.post("/eproc/users/x7", json={"fname": "X"}, headers=org.bearer()), 412,
              "id isn't a valid record id", "invalid_argument", field="id")
    chs_error(host.post("/eproc/users/" + uid, json={"pass": "New-Password-99"}, headers=org.bearer()), 412,
              "passwords are changed with change_password or admin_reset_password", "invalid_argument", row=uid,
              field="pass")
    chs_error(host.post("/eproc/users/" + uid, json={"email": "bad"}, headers=org.bearer()), 412,
              "email isn't valid", "invalid_argument", row=uid, field="email")
    chs_error(host.post("/eproc/users/" + uid, json={"usn": other["usn"]}, headers=org.bearer()), 412,
              'username "%s" is already taken' % other["usn"], "already_exists", row=uid, field="usn")
    chs_error(host.post("/eproc/users/" + uid, json={"fname": []}, headers=org.bearer()), 412, DATATYPE,
              "invalid_argument", row=uid, field="fname")
    # An agent edits only itself, and not its role.
    chs_error(host.post("/eproc/users/" + other["id"], json={"fname": "X"}, headers=bearer(session)), 412,
              "only an admin may edit other users", "forbidden", row=other["id"])
    chs_error(host.post("/eproc/users/" + uid, json={"role": "admin"}, headers=bearer(session)), 412,
              "only an admin may change a username, role or active flag", "forbidden", row=uid)
    r = host.post("/eproc/users/" + uid, json={"lname": "Self-Edited"}, headers=bearer(session))
    assert r.status_code == 202 and r.json()["users"][0]["lname"] == "Self-Edited"
    assert host.get("/eproc/users/" + other["id"], headers=org.bearer()).json()["users"][0]["fname"] == "Ann"


def test_an_admin_cannot_disable_itself(host, org):
    me = host.openchs_login(org.email, org.password)
    uid = me["ss"][0][1]
    chs_error(host.post("/eproc/users/" + uid, json={"enabled": False}, headers=bearer(me["ss"][0][0])), 412,
              "an admin cannot deactivate their own account", "invalid_argument", row=uid, field="enabled")


# ------------------------------------------------------------------ 2.3 GET /eproc/users/{id}

def test_view_user(host, org):
    user, session = org.create_user(role="agent", exten="5555")
    r = host.get("/eproc/users/" + user["id"], headers=org.bearer())
    assert r.status_code == 200
    assert r.json() == {"users": [user]}
    assert user["exten"] == "5555"
    # An agent sees itself, not others.
    assert host.get("/eproc/users/" + user["id"], headers=bearer(session)).json() == {"users": [user]}
    admin_id = host.openchs_login(org.email, org.password)["ss"][0][1]
    chs_error(host.get("/eproc/users/" + admin_id, headers=bearer(session)), 412,
              "the agent role may see only itself", "forbidden", row=admin_id)


def test_view_user_refusals(host, org):
    chs_error(host.get("/eproc/users/987654", headers=org.bearer()), 412, "no user 987654", "not_found",
              row="987654", field="id")
    chs_error(host.get("/eproc/users/0", headers=org.bearer()), 412, "id isn't a valid record id",
              "invalid_argument", field="id")


# ------------------------------------------------------------------ 2.4 GET /eproc/users/

def test_list_users_with_filters_and_paging(host):
    org = host.sign_up()
    a, _ = org.create_user(role="agent", fname="Zed", exten="100")
    b, _ = org.create_user(role="agent", fname="Zed", exten="200")
    c, _ = org.create_user(role="supervisor", fname="Yan", exten="300")
    h = org.bearer()

    def ids(params):
        r = host.get("/eproc/users/", headers=h, params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        return [u["id"] for u in body["users"]], body["users_ctx"]

    everyone, ctx = ids({})
    assert everyone[:3] == [c["id"], b["id"], a["id"]]   # newest first
    assert ctx == [["total", "4"]]                          # and the admin
    assert ids({"fname": "Zed"}) == ([b["id"], a["id"]], [["total", "2"]])
    assert ids({"role": "supervisor"})[0] == [c["id"]]
    assert ids({"usn": a["usn"]})[0] == [a["id"]]
    assert ids({"exten": "200"})[0] == [b["id"]]
    assert ids({"fname": "Zed", "_c": "1"}) == ([b["id"]], [["total", "2"]])
    assert ids({"fname": "Zed", "_c": "1", "_a": "1"}) == ([a["id"]], [["total", "2"]])
    today = datetime.datetime.now(datetime.timezone.utc).date()
    span = "%s to %s" % (today - datetime.timedelta(days=1), today + datetime.timedelta(days=1))
    assert len(ids({"created_on": span})[0]) == 4
    assert ids({"created_on": "2001-01-01 to 2001-12-31"})[0] == []
    host.post("/eproc/users/" + a["id"], json={"enabled": "0"}, headers=h)
    assert ids({"enabled": "0"})[0] == [a["id"]]
    assert ids({"enabled": "1", "role": "agent"})[0] == [b["id"]]
    # The URL without the trailing slash lists too.
    assert host.get("/eproc/users", headers=h).json()["users_ctx"] == [["total", "4"]]


def test_list_users_refusals(host, org):
    chs_error(host.get("/eproc/users/", headers=org.bearer(), params={"shoe_size": "9"}), 412,
              'unknown filter field "shoe_size" for users', "invalid_argument", field="shoe_size")
    chs_error(host.get("/eproc/users/", headers=org.bearer(), params={"_c": "lots"}), 412,
              "_c must be a whole number", "invalid_argument", field="_c")
    chs_error(host.get("/eproc/users/", headers=org.bearer(), params={"_a": "-1"}), 412,
              "_a must be a whole number", "invalid_argument", field="_a")
    chs_error(host.get("/eproc/users/", headers=org.bearer(), params={"_c": "5000"}), 412,
              "the page size (_c) is over the maximum of 1000", "invalid_argument", field="_c")
    chs_error(host.get("/eproc/users/", headers=org.bearer(), params={"enabled": "perhaps"}), 412,
              'filter enabled expects 1 or 0, got "perhaps"', "invalid_argument", field="enabled")
    _, session = org.create_user(role="agent")
    chs_error(host.get("/eproc/users/", headers=bearer(session)), 412, "the agent role may not do this",
              "forbidden")


def test_supervisors_list_but_do_not_edit(host, org):
    agent, _ = org.create_user(role="agent")
    _, session = org.create_user(role="supervisor")
    r = host.get("/eproc/users/", headers=bearer(session))
    assert r.status_code == 200 and agent["id"] in [u["id"] for u in r.json()["users"]]
    chs_error(host.post("/eproc/users/" + agent["id"], json={"fname": "X"}, headers=bearer(session)), 412,
              "only an admin may edit other users", "forbidden", row=agent["id"])


# ------------------------------------------------------------------ 2.5 CSV, 2.6 pivot reports

def test_users_csv(host):
    org = host.sign_up()
    a, _ = org.create_user(role="agent", fname="=SUM(A1:A9)")
    org.create_user(role="supervisor", fname="Yan")
    before = host.activity_count(org)
    rows = csv_rows(host.get("/eproc/users/", headers=org.bearer(), params={"csv": "1"}))
    assert rows[0] == ["id", "usn", "email", "phone", "fname", "lname", "exten", "photo", "role", "enabled",
                       "created_on"]
    assert len(rows) == 4
    assert host.activity_count(org) == before + 1
    rows = csv_rows(host.get("/eproc/users/", headers=org.bearer(), params={"csv": "1", "role": "agent"}))
    assert len(rows) == 2 and rows[1][0] == a["id"] and rows[1][4] == "'=SUM(A1:A9)"
    assert len(csv_rows(host.get("/eproc/users/", headers=org.bearer(), params={"csv": "1", "_c": "2"}))) == 3
    chs_error(host.get("/eproc/users/", headers=org.bearer(), params={"csv": "1", "shoe_size": "9"}), 412,
              'unknown filter field "shoe_size" for users', "invalid_argument", field="shoe_size")
    _, session = org.create_user(role="agent")
    chs_error(host.get("/eproc/users/", headers=bearer(session), params={"csv": "1"}), 412,
              "the agent role may not do this", "forbidden")


def test_users_pivot(host):
    org = host.sign_up()
    a, _ = org.create_user(role="agent")
    org.create_user(role="agent")
    org.create_user(role="supervisor")
    host.post("/eproc/users/" + a["id"], json={"enabled": "0"}, headers=org.bearer())
    r = host.get("/eproc/users/rpt", headers=org.bearer(), params={"xaxis": "role", "yaxis": "enabled"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert sorted((x["role"], x["enabled"], x["count"]) for x in body["users_rpt"]) == [
        ("admin", "1", "1"), ("agent", "0", "1"), ("agent", "1", "1"), ("supervisor", "1", "1")]
    assert body["users_ctx"] == [["total", "4"], ["xaxis", "role"], ["yaxis", "enabled"]]
    body = host.get("/eproc/users/rpt", headers=org.bearer(), params={"role": "agent"}).json()
    assert body["users_rpt"] == [{"count": "2"}]
    r = host.get("/eproc/users/rpt", headers=org.bearer(), params={"xaxis": "email"})
    assert r.status_code == 412 and r.json()["errors"][0][2:] == ["invalid_argument", "users", "", "xaxis"]
