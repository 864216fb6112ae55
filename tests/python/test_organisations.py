"""The caller's organisation (OctaPy Se1-Se3, Se5) and the operator (UM1-UM4)."""

import pytest

import switchboard
from sbtest import PASSWORD, add_user, new_org


def test_get_organisation(db, org):
    record = db.get_organisation(org.admin_token)
    assert record["id"] == org.id
    assert record["company_name"] == "Acme Helpline"
    assert record["owner_user_id"] == org.admin_id
    assert record["user_count"] == 1
    assert record["standards"] == {"silence_len_ms": 500, "interruption_len_ms": 750, "list_by": "TicketNo"}
    assert record["constraints"]["max_call_len_s"] == 3600


def test_modify_settings(db, org):
    record = db.modify_settings(org.admin_token, {"company_name": "Acme Care", "silence_len_ms": 800},
                                list_by="ClientId", max_call_len_s=1800)
    assert record["company_name"] == "Acme Care"
    assert record["standards"]["silence_len_ms"] == 800
    assert record["standards"]["list_by"] == "ClientId"
    assert record["constraints"]["max_call_len_s"] == 1800
    assert db.get_organisation(org.admin_token) == record


def test_modify_settings_is_all_or_nothing(db, org):
    before = db.get_organisation(org.admin_token)
    with pytest.raises(switchboard.InvalidArgument):
        db.modify_settings(org.admin_token, company_name="Renamed", silence_len_ms=5)
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.modify_settings(org.admin_token, company_name="Renamed", silence_len_ms="long")
    assert "unexpected datatype" in str(info.value)
    assert info.value.field == "silence_len_ms"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.modify_settings(org.admin_token, company_name="Renamed", colour="red")
    assert info.value.field == "colour"
    with pytest.raises(switchboard.InvalidArgument):
        db.modify_settings(org.admin_token, contact_number="phone")
    assert db.get_organisation(org.admin_token) == before


def test_agent_cannot_change_settings(db, org):
    _, token = add_user(db, org, "agent1")
    with pytest.raises(switchboard.Forbidden):
        db.modify_settings(token, company_name="Mine now")
    with pytest.raises(switchboard.Forbidden):
        db.get_organisation(token)


def test_operator(db, org):
    beta = new_org(db, "Beta Care", "owner@beta.example", "+254 700 000 002")
    operator = db.create_operator("root-op", "ops@platform.example", PASSWORD)
    assert operator["role"] == "operator"
    assert operator["org_id"] == 0
    token = db.sign_in("root-op", PASSWORD)["token"]
    assert db.authenticate(token)["role"] == "operator"

    page = db.list_organisations(token)
    assert page["total"] == 2
    assert [o["id"] for o in page["items"]] == [beta.id, org.id]
    assert db.list_organisations(token, filters={"company_name": "Beta Care"})["items"][0]["id"] == beta.id
    assert db.list_organisations(token, search="Acme")["total"] == 1

    assert db.get_organisation(token, org.id)["company_name"] == "Acme Helpline"
    with pytest.raises(switchboard.NotFound):
        db.get_organisation(token, 999)
    changed = db.modify_organisation(token, beta.id, {"expected_tickets_daily": 75})
    assert changed["constraints"]["expected_tickets_daily"] == 75
    assert db.get_organisation(beta.admin_token)["constraints"]["expected_tickets_daily"] == 75
    # the operator sees organisations, never their records
    with pytest.raises(switchboard.Forbidden):
        db.list_users(token)

    with pytest.raises(switchboard.AlreadyExists):
        db.create_operator("root-op", "ops2@platform.example", PASSWORD)


def test_admin_cannot_use_operator_functions(db, org):
    with pytest.raises(switchboard.Forbidden):
        db.list_organisations(org.admin_token)
    with pytest.raises(switchboard.Forbidden):
        db.get_organisation(org.admin_token, org.id)
    with pytest.raises(switchboard.Forbidden):
        db.modify_organisation(org.admin_token, org.id, company_name="Mine")
