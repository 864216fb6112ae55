"""Developer keys (OctaPy Se4, Se6-Se8) and dev tokens (Au5)."""

import pytest

import switchboard
from sbtest import add_user

EMAIL = "owner@acme.example"


def test_add_list_deactivate_delete(db, org):
    created = db.add_dev_key(org.admin_token, "devops")
    pass_key = created["pass_key"]
    assert len(pass_key) == 32
    key = created["key"]
    assert key["username"] == "devops"
    assert key["active"] is True
    assert key["pass_key_hint"].endswith(pass_key[-4:])
    assert pass_key not in key["pass_key_hint"]

    db.add_dev_key(org.admin_token, "reports")
    keys = db.list_dev_keys(org.admin_token)
    assert sorted(k["username"] for k in keys) == ["devops", "reports"]
    assert all("pass_key" not in k for k in keys)

    with pytest.raises(switchboard.AlreadyExists):
        db.add_dev_key(org.admin_token, "devops")
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.add_dev_key(org.admin_token, "not a name!")
    assert str(info.value) == "username isn't valid"

    off = db.set_dev_key_active(org.admin_token, "devops", False)
    assert off["active"] is False
    assert {k["username"]: k["active"] for k in db.list_dev_keys(org.admin_token)} == {
        "devops": False, "reports": True}
    assert db.set_dev_key_active(org.admin_token, "devops", True)["active"] is True

    db.delete_dev_key(org.admin_token, "devops")
    assert [k["username"] for k in db.list_dev_keys(org.admin_token)] == ["reports"]
    with pytest.raises(switchboard.NotFound) as info:
        db.delete_dev_key(org.admin_token, "devops")
    assert str(info.value) == "username isn't found"
    with pytest.raises(switchboard.NotFound):
        db.set_dev_key_active(org.admin_token, "devops", True)


def test_dev_token_is_accepted_only_as_a_dev_token(db, org):
    pass_key = db.add_dev_key(org.admin_token, "devops")["pass_key"]
    session = db.issue_dev_token(EMAIL, "devops", pass_key)
    token = session["token"]
    assert len(token) == 32
    assert session["principal"]["kind"] == "dev"
    assert session["principal"]["org_id"] == org.id
    assert session["principal"]["username"] == "devops"

    principal = db.authenticate(token, kind="dev")
    assert principal["kind"] == "dev"
    assert principal["user_id"] == 0
    with pytest.raises(switchboard.Unauthorized):
        db.authenticate(token)  # not an access token
    with pytest.raises(switchboard.Unauthorized):
        db.list_users(token)
    with pytest.raises(switchboard.Unauthorized):
        db.authenticate(org.admin_token, kind="dev")  # and the other way round
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.authenticate(token, kind="session")
    assert info.value.field == "kind"


def test_dev_token_refusals(db, org):
    pass_key = db.add_dev_key(org.admin_token, "devops")["pass_key"]
    wrong_key = ("A" if pass_key[0] != "A" else "B") + pass_key[1:]
    for email, username, key in [
        (EMAIL, "devops", wrong_key),
        (EMAIL, "nobody", pass_key),
        ("other@acme.example", "devops", pass_key),
        (EMAIL, "devops", ""),
    ]:
        with pytest.raises(switchboard.CredentialsError) as info:
            db.issue_dev_token(email, username, key)
        assert str(info.value) == "credentials didn't match"


def test_deactivating_a_key_ends_its_tokens(db, org):
    pass_key = db.add_dev_key(org.admin_token, "devops")["pass_key"]
    token = db.issue_dev_token(EMAIL, "devops", pass_key)["token"]
    assert db.authenticate(token, "dev")["username"] == "devops"
    db.set_dev_key_active(org.admin_token, "devops", False)
    with pytest.raises(switchboard.Unauthorized):
        db.authenticate(token, "dev")
    with pytest.raises(switchboard.CredentialsError):
        db.issue_dev_token(EMAIL, "devops", pass_key)
    db.set_dev_key_active(org.admin_token, "devops", True)
    assert db.issue_dev_token(EMAIL, "devops", pass_key)["principal"]["kind"] == "dev"


def test_deleting_a_key_refuses_it(db, org):
    pass_key = db.add_dev_key(org.admin_token, "devops")["pass_key"]
    db.delete_dev_key(org.admin_token, "devops")
    with pytest.raises(switchboard.CredentialsError):
        db.issue_dev_token(EMAIL, "devops", pass_key)


def test_only_admins_manage_keys(db, org):
    _, token = add_user(db, org, "sup", role="supervisor")
    with pytest.raises(switchboard.Forbidden):
        db.add_dev_key(token, "devops")
    with pytest.raises(switchboard.Forbidden):
        db.list_dev_keys(token)
    assert db.list_dev_keys(org.admin_token) == []
