"""Password reset by code, password change, and the admin's reset."""

import pytest

import switchboard
from sbtest import OTHER_PASSWORD, PASSWORD, add_user, new_org, outbox_of, reset_code

EMAIL = "owner@acme.example"
NEW_PASSWORD = "Fresh-Password-2024"


def test_reset_by_code(db, org):
    db.request_password_reset(EMAIL)
    code = reset_code(db, EMAIL)
    assert len(code) == 6
    db.reset_password(EMAIL, code, NEW_PASSWORD)
    # the old password and the old sessions are gone
    with pytest.raises(switchboard.CredentialsError):
        db.sign_in(EMAIL, PASSWORD)
    with pytest.raises(switchboard.Unauthorized):
        db.authenticate(org.admin_token)
    assert db.sign_in(EMAIL, NEW_PASSWORD)["principal"]["user_id"] == org.admin_id
    # the code was spent
    with pytest.raises(switchboard.CredentialsError):
        db.reset_password(EMAIL, code, "Another-Password-99")


def test_reset_with_a_wrong_code_changes_nothing(db, org):
    db.request_password_reset(EMAIL)
    code = reset_code(db, EMAIL)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(switchboard.CredentialsError) as info:
        db.reset_password(EMAIL, wrong, NEW_PASSWORD)
    assert info.value.field == "code"
    assert db.sign_in(EMAIL, PASSWORD)["principal"]["user_id"] == org.admin_id


def test_reset_code_attempts_are_limited(make_db):
    db = make_db(reset_code_max_attempts=2)
    new_org(db)
    db.request_password_reset(EMAIL)
    code = reset_code(db, EMAIL)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(2):
        with pytest.raises(switchboard.CredentialsError):
            db.reset_password(EMAIL, wrong, NEW_PASSWORD)
    with pytest.raises(switchboard.CredentialsError):
        db.reset_password(EMAIL, code, NEW_PASSWORD)  # right code, too late
    assert db.sign_in(EMAIL, PASSWORD)["principal"]["role"] == "admin"


def test_reset_request_for_unknown_email_is_silent(db, org):
    assert db.request_password_reset("nobody@acme.example") is None
    assert outbox_of(db, "nobody@acme.example", "reset") == []
    with pytest.raises(switchboard.CredentialsError):
        db.reset_password("nobody@acme.example", "123456", NEW_PASSWORD)


def test_reset_checks_the_new_password(db, org):
    db.request_password_reset(EMAIL)
    code = reset_code(db, EMAIL)
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.reset_password(EMAIL, code, "too-weak")
    assert str(info.value) == "password is too short, minimum length is 12 characters"
    assert db.sign_in(EMAIL, PASSWORD)["principal"]["role"] == "admin"


def test_change_password_ends_the_sessions(db, org):
    other_session = db.sign_in(EMAIL, PASSWORD)["token"]
    with pytest.raises(switchboard.CredentialsError) as info:
        db.change_password(org.admin_token, OTHER_PASSWORD, NEW_PASSWORD)
    assert str(info.value) == "password didn't match, please try again"
    assert db.authenticate(other_session)["user_id"] == org.admin_id  # nothing happened yet

    with pytest.raises(switchboard.InvalidArgument):
        db.change_password(org.admin_token, PASSWORD, "short")
    db.change_password(org.admin_token, PASSWORD, NEW_PASSWORD)
    for token in (other_session, org.admin_token):
        with pytest.raises(switchboard.Unauthorized):
            db.authenticate(token)
    with pytest.raises(switchboard.CredentialsError):
        db.sign_in(EMAIL, PASSWORD)
    assert db.sign_in(EMAIL, NEW_PASSWORD)["principal"]["user_id"] == org.admin_id


def test_admin_reset_gives_a_temporary_password_to_change(db, org):
    user, token = add_user(db, org, "ivan")
    temporary = db.admin_reset_password(org.admin_token, user["id"])
    assert isinstance(temporary, str) and temporary not in (PASSWORD, "")
    switchboard.check_password_policy(temporary)
    assert db.get_user(org.admin_token, user["id"])["must_change_password"] is True
    with pytest.raises(switchboard.Unauthorized):
        db.authenticate(token)  # the user's sessions ended
    with pytest.raises(switchboard.CredentialsError):
        db.sign_in("ivan", PASSWORD)

    session = db.sign_in("ivan", temporary)
    assert session["principal"]["must_change_password"] is True
    with pytest.raises(switchboard.PasswordChangeRequired) as info:
        db.get_user(session["token"], user["id"])
    assert info.value.code == "password_change_required"
    with pytest.raises(switchboard.PasswordChangeRequired):
        db.update_user(session["token"], user["id"], first_name="Ivan")

    db.change_password(session["token"], temporary, NEW_PASSWORD)
    session = db.sign_in("ivan", NEW_PASSWORD)
    assert session["principal"]["must_change_password"] is False
    assert db.get_user(session["token"], user["id"])["must_change_password"] is False


def test_modify_settings_password_needs_the_current_one(db, org):
    with pytest.raises(switchboard.CredentialsError) as info:
        db.modify_settings(org.admin_token, password=NEW_PASSWORD)
    assert str(info.value) == "password didn't match, please try again"
    with pytest.raises(switchboard.CredentialsError):
        db.modify_settings(org.admin_token, password=NEW_PASSWORD, current_password=OTHER_PASSWORD)
    db.modify_settings(org.admin_token, password=NEW_PASSWORD, current_password=PASSWORD)
    assert db.sign_in(EMAIL, NEW_PASSWORD)["principal"]["user_id"] == org.admin_id
