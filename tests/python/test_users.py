"""Users of an organisation: create, list, update, deactivate, and who may."""

import datetime

import pytest

import switchboard
from sbtest import PASSWORD, add_user, new_org


def test_create_user_with_password(db, org):
    created = db.create_user(org.admin_token, {"username": "alice", "email": "alice@acme.example",
                                               "first_name": "Alice", "role": "supervisor"},
                             password=PASSWORD, extension="201")
    user = created["user"]
    assert created["temporary_password"] is None
    assert user["username"] == "alice"
    assert user["role"] == "supervisor"
    assert user["extension"] == "201"
    assert user["first_name"] == "Alice"
    assert user["active"] is True
    assert user["must_change_password"] is False
    assert user["org_id"] == org.id
    session = db.sign_in("alice@acme.example", PASSWORD)
    assert session["principal"]["role"] == "supervisor"


def test_create_user_without_password_gives_a_temporary_one(db, org):
    created = db.create_user(org.admin_token, username="bob", email="bob@acme.example")
    temporary = created["temporary_password"]
    assert isinstance(temporary, str) and len(temporary) >= 12
    switchboard.check_password_policy(temporary)
    assert created["user"]["role"] == "agent"  # the default role
    assert created["user"]["must_change_password"] is True
    session = db.sign_in("bob@acme.example", temporary)
    assert session["principal"]["must_change_password"] is True


def test_create_user_field_errors(db, org):
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.create_user(org.admin_token, username="carol")
    assert info.value.field == "email"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.create_user(org.admin_token, username="carol", email="carol@acme.example", colour="red")
    assert info.value.field == "colour"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.create_user(org.admin_token, username="carol", email="carol@acme.example", active="yes")
    assert info.value.field == "active"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.create_user(org.admin_token, username="carol", email="carol@acme.example", role="wizard")
    assert info.value.field == "role"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.create_user(org.admin_token, username="carol", email="carol@acme.example", password="weak")
    assert str(info.value) == "password is too short, minimum length is 12 characters"
    with pytest.raises(switchboard.InvalidArgument):
        db.create_user(org.admin_token, ["username", "carol"])
    add_user(db, org, "carol")
    with pytest.raises(switchboard.AlreadyExists) as info:
        db.create_user(org.admin_token, username="carol", email="carol2@acme.example")
    assert info.value.field == "username"


def test_list_users_filters_paging_and_total(db, org):
    ids = [add_user(db, org, f"agent{i}")[0]["id"] for i in range(5)]
    sup, _ = add_user(db, org, "sup", role="supervisor")

    everyone = db.list_users(org.admin_token)
    assert everyone["total"] == 7
    assert [u["id"] for u in everyone["items"]] == sorted([org.admin_id, *ids, sup["id"]], reverse=True)

    agents = db.list_users(org.admin_token, filters={"role": "agent"})
    assert agents["total"] == 5
    assert {u["username"] for u in agents["items"]} == {f"agent{i}" for i in range(5)}

    page = db.list_users(org.admin_token, filters={"role": "agent"}, count=2, offset=1)
    assert page["total"] == 5
    assert [u["id"] for u in page["items"]] == [ids[3], ids[2]]
    last = db.list_users(org.admin_token, filters={"role": "agent"}, count=2, offset=4)
    assert [u["id"] for u in last["items"]] == [ids[0]]
    beyond = db.list_users(org.admin_token, count=2, offset=7)
    assert beyond == {"total": 7, "items": []}

    assert db.list_users(org.admin_token, filters=[("username", "agent3")])["items"][0]["id"] == ids[3]
    assert db.list_users(org.admin_token, search="agent4")["total"] == 1
    assert db.list_users(org.admin_token, filters={"id": ids[2]})["items"][0]["username"] == "agent2"


def test_list_users_time_and_boolean_filters(db, org):
    a, _ = add_user(db, org, "agent1")
    add_user(db, org, "agent2")
    db.deactivate_user(org.admin_token, a["id"])

    inactive = db.list_users(org.admin_token, filters={"active": False})
    assert [u["id"] for u in inactive["items"]] == [a["id"]]
    assert db.list_users(org.admin_token, filters={"active": True})["total"] == 2

    now = datetime.datetime.now(datetime.timezone.utc)
    hour = datetime.timedelta(hours=1)
    assert db.list_users(org.admin_token, filters={"created": (now - hour, now + hour)})["total"] == 3
    assert db.list_users(org.admin_token, filters={"created": (now + hour, now + 2 * hour)})["total"] == 0
    naive = now.replace(tzinfo=None)  # taken as UTC
    assert db.list_users(org.admin_token, filters={"created": (naive - hour, naive + hour)})["total"] == 3
    today = now.date()
    assert db.list_users(org.admin_token, filters={"created": (today, today)})["total"] == 3
    yesterday = today - datetime.timedelta(days=1)
    assert db.list_users(org.admin_token, filters={"created": f"{yesterday} to {yesterday}"})["total"] == 0
    ms = a["created_ms"]
    assert a["id"] in [u["id"] for u in
                       db.list_users(org.admin_token, filters={"created": (ms, ms)})["items"]]


def test_list_users_bad_queries(make_db):
    db = make_db(list_default_count=5, list_max_count=10)
    org = new_org(db)
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.list_users(org.admin_token, filters={"password_hash": "x"})
    assert info.value.field == "password_hash"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.list_users(org.admin_token, filters={"id": "one"})
    assert info.value.field == "id"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.list_users(org.admin_token, filters={"created": ("2020-01-01", "2020-02-01", "2020-03-01")})
    assert info.value.field == "created"
    with pytest.raises(switchboard.InvalidArgument):
        db.list_users(org.admin_token, filters={"created": 1.5})
    with pytest.raises(switchboard.InvalidArgument):
        db.list_users(org.admin_token, filters="role=agent")
    with pytest.raises(switchboard.InvalidArgument):
        db.list_users(org.admin_token, count=11)
    assert db.list_users(org.admin_token, count=10)["total"] == 1
    with pytest.raises(switchboard.InvalidArgument):
        db.list_users(org.admin_token, count=-1)
    with pytest.raises(switchboard.InvalidArgument):
        db.list_users(org.admin_token, offset=-1)


def test_list_default_count(make_db):
    db = make_db(list_default_count=2)
    org = new_org(db)
    for i in range(3):
        add_user(db, org, f"agent{i}")
    page = db.list_users(org.admin_token)
    assert page["total"] == 4
    assert len(page["items"]) == 2


def test_update_user(db, org):
    user, token = add_user(db, org, "dave")
    updated = db.update_user(org.admin_token, user["id"], {"first_name": "Dave"}, role="supervisor",
                             extension="300")
    assert (updated["first_name"], updated["role"], updated["extension"]) == ("Dave", "supervisor", "300")
    assert db.get_user(org.admin_token, user["id"]) == updated
    # a role change ends the user's sessions
    with pytest.raises(switchboard.Unauthorized):
        db.authenticate(token)

    # a user may edit their own profile, but not their role
    token = db.sign_in("dave", PASSWORD)["token"]
    assert db.update_user(token, user["id"], last_name="Smith")["last_name"] == "Smith"
    with pytest.raises(switchboard.Forbidden):
        db.update_user(token, user["id"], role="admin")
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.update_user(org.admin_token, user["id"], password=PASSWORD)
    assert info.value.field == "password"
    with pytest.raises(switchboard.NotFound):
        db.update_user(org.admin_token, 9999, first_name="Nobody")


def test_deactivated_users_token_stops_working(db, org):
    user, token = add_user(db, org, "erin")
    assert db.authenticate(token)["user_id"] == user["id"]
    assert db.deactivate_user(org.admin_token, user["id"]) is None
    assert db.get_user(org.admin_token, user["id"])["active"] is False
    with pytest.raises(switchboard.Unauthorized):
        db.authenticate(token)
    with pytest.raises(switchboard.Unauthorized):
        db.get_user(token, user["id"])
    with pytest.raises(switchboard.CredentialsError):
        db.sign_in("erin", PASSWORD)


def test_admin_cannot_deactivate_itself(db, org):
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.deactivate_user(org.admin_token, org.admin_id)
    assert info.value.field == "active"


def test_agent_cannot_manage_users(db, org):
    agent, token = add_user(db, org, "frank")
    other, _ = add_user(db, org, "grace")
    with pytest.raises(switchboard.Forbidden) as info:
        db.create_user(token, username="mallory", email="mallory@acme.example")
    assert info.value.code == "forbidden"
    with pytest.raises(switchboard.Forbidden):
        db.list_users(token)
    with pytest.raises(switchboard.Forbidden):
        db.update_user(token, other["id"], first_name="X")
    with pytest.raises(switchboard.Forbidden):
        db.deactivate_user(token, other["id"])
    with pytest.raises(switchboard.Forbidden):
        db.get_user(token, other["id"])
    with pytest.raises(switchboard.Forbidden):
        db.admin_reset_password(token, other["id"])
    assert db.get_user(token, agent["id"])["username"] == "frank"
    # nothing changed
    assert db.list_users(org.admin_token)["total"] == 3
    assert db.get_user(org.admin_token, other["id"])["first_name"] == ""


def test_supervisor_reads_but_does_not_create(db, org):
    add_user(db, org, "agent1")
    _, token = add_user(db, org, "sup", role="supervisor")
    assert db.list_users(token)["total"] == 3
    with pytest.raises(switchboard.Forbidden):
        db.create_user(token, username="x1", email="x1@acme.example")


def test_one_organisation_cannot_read_anothers_user(db, org):
    other = new_org(db, "Beta Care", "owner@beta.example", "+254 700 000 002")
    beta_user, beta_token = add_user(db, other, "henry")
    with pytest.raises(switchboard.NotFound):
        db.get_user(org.admin_token, beta_user["id"])
    with pytest.raises(switchboard.NotFound):
        db.update_user(org.admin_token, beta_user["id"], first_name="Owned")
    with pytest.raises(switchboard.NotFound):
        db.deactivate_user(org.admin_token, beta_user["id"])
    with pytest.raises(switchboard.NotFound):
        db.admin_reset_password(org.admin_token, beta_user["id"])
    assert [u["username"] for u in db.list_users(org.admin_token)["items"]] == ["owner"]
    assert db.list_users(org.admin_token, filters={"id": beta_user["id"]})["total"] == 0
    assert db.get_user(other.admin_token, beta_user["id"])["first_name"] == ""
    assert db.authenticate(beta_token)["org_id"] == other.id


def test_options_out_of_range_are_refused(tmp_path):
    with pytest.raises(switchboard.InvalidArgument) as info:
        switchboard.Database(str(tmp_path / "sb.db"), list_default_count=50, list_max_count=10)
    assert info.value.field == "list_max_count"
    with pytest.raises(switchboard.InvalidArgument) as info:
        switchboard.Database(str(tmp_path / "sb2.db"), reader_connections=0)
    assert info.value.field == "reader_connections"
