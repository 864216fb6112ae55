"""Sign-up (OctaPy Au1), verification (Au2) and sign-in (Au3)."""

import pytest

import switchboard
from sbtest import OTHER_PASSWORD, PASSWORD, new_org, outbox_of, verification_key

EMAIL = "owner@acme.example"
PHONE = "+254 700 000 001"


@pytest.mark.parametrize(
    "email, phone, password, message, field",
    [
        ("owner-at-acme", PHONE, PASSWORD, "email isn't valid", "email"),
        ("owner@acme", PHONE, PASSWORD, "email isn't valid", "email"),
        (EMAIL, "phone", PASSWORD, "phone isn't valid", "phone"),
        (EMAIL, "123", PASSWORD, "phone isn't valid", "phone"),
        (EMAIL, PHONE, "Short-1a", "password is too short, minimum length is 12 characters", "password"),
        (EMAIL, PHONE, "Aa1" + "b" * 126, "password is too long, maximum length is 128 characters", "password"),
        (EMAIL, PHONE, "no-upper-case-123", "pwd must contain at least one: 1-9, A-Z, a-z character",
         "password"),
        (EMAIL, PHONE, "NO-LOWER-CASE-123", "pwd must contain at least one: 1-9, A-Z, a-z character",
         "password"),
        (EMAIL, PHONE, "No-Digits-At-All", "pwd must contain at least one: 1-9, A-Z, a-z character",
         "password"),
    ],
)
def test_sign_up_validation_messages(db, email, phone, password, message, field):
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.sign_up("Acme Helpline", email, phone, password)
    assert str(info.value) == message
    assert info.value.field == field
    assert db.outbox() == []  # nothing was created


def test_sign_up_returns_organisation_and_admin(db):
    result = db.sign_up("Acme Helpline", EMAIL, PHONE, PASSWORD)
    org, admin = result["organisation"], result["admin"]
    assert org["company_name"] == "Acme Helpline"
    assert org["email"] == EMAIL
    assert org["contact_number"] == PHONE
    assert org["verified"] is False
    assert org["owner_user_id"] == admin["id"]
    assert admin["org_id"] == org["id"]
    assert admin["role"] == "admin"
    assert admin["email"] == EMAIL
    assert admin["email_verified"] is False
    assert "password" not in admin and "password_hash" not in admin


def test_duplicate_email_is_refused(db):
    db.sign_up("Acme Helpline", EMAIL, PHONE, PASSWORD)
    with pytest.raises(switchboard.AlreadyExists) as info:
        db.sign_up("Other", EMAIL, PHONE, PASSWORD)
    assert info.value.field == "email"


def test_verification_key_from_the_outbox_is_single_use(db):
    db.sign_up("Acme Helpline", EMAIL, PHONE, PASSWORD)
    mails = outbox_of(db, EMAIL, "verify")
    assert len(mails) == 1
    assert mails[0]["to"] == EMAIL
    key = verification_key(db, EMAIL)
    assert len(key) == 32
    assert f"/verify/{key}" in mails[0]["body"]

    with pytest.raises(switchboard.Unverified):
        db.sign_in(EMAIL, PASSWORD)

    assert db.verify_email("x" * 32) is False
    assert db.verify_email(key) is True
    assert db.verify_email(key) is False  # spent

    session = db.sign_in(EMAIL, PASSWORD)
    assert db.get_organisation(session["token"])["verified"] is True


def test_the_mail_sender_marks_an_email_sent(db):
    db.sign_up("Acme Helpline", EMAIL, PHONE, PASSWORD)
    [mail] = outbox_of(db, EMAIL, "verify")
    assert mail["sent_ms"] == 0
    key = verification_key(db, EMAIL)

    sent = db.mark_outbox_sent(mail["id"])
    assert sent["id"] == mail["id"]
    assert sent["to"] == EMAIL
    assert sent["body"] == ""
    assert sent["sent_ms"] >= mail["created_ms"]
    assert db.outbox(EMAIL) == [sent]
    assert db.mark_outbox_sent(mail["id"]) == sent  # a second receipt changes nothing
    assert db.verify_email(key) is True  # only the stored copy of the key is gone

    with pytest.raises(switchboard.NotFound, match="the outbox holds no email 424242"):
        db.mark_outbox_sent(424242)
    with pytest.raises(switchboard.InvalidArgument):
        db.mark_outbox_sent(0)


def test_sign_up_with_email_verified_sends_no_key(db):
    db.sign_up("Acme Helpline", EMAIL, PHONE, PASSWORD, email_verified=True)
    assert outbox_of(db, EMAIL, "verify") == []
    assert db.sign_in(EMAIL, PASSWORD)["principal"]["role"] == "admin"


def test_sign_in_returns_a_32_character_token(db, org):
    session = db.sign_in(EMAIL, PASSWORD)
    assert len(session["token"]) == 32
    assert session["token"].isalnum()
    assert session["token"] != org.admin_token
    principal = session["principal"]
    assert principal == {
        "user_id": org.admin_id,
        "org_id": org.id,
        "role": "admin",
        "username": "owner",
        "kind": "access",
        "must_change_password": False,
    }
    assert db.authenticate(session["token"]) == principal
    # by username as well
    assert db.sign_in("owner", PASSWORD)["principal"]["user_id"] == org.admin_id


@pytest.mark.parametrize(
    "login, password",
    [(EMAIL, OTHER_PASSWORD), ("nobody@acme.example", PASSWORD), ("nobody", PASSWORD), ("", "")],
)
def test_sign_in_refusal_says_credentials_didnt_match(db, org, login, password):
    with pytest.raises(switchboard.CredentialsError) as info:
        db.sign_in(login, password)
    assert str(info.value) == "credentials didn't match"
    assert info.value.code == "credentials"


def test_lockout_after_repeated_failures(make_db):
    db = make_db(max_failed_sign_ins=3, lockout_ms=60_000)
    new_org(db)
    for _ in range(3):
        with pytest.raises(switchboard.CredentialsError):
            db.sign_in(EMAIL, OTHER_PASSWORD)
    # locked: the right password is refused with the same message
    with pytest.raises(switchboard.CredentialsError) as info:
        db.sign_in(EMAIL, PASSWORD)
    assert str(info.value) == "credentials didn't match"


def test_failures_below_the_limit_do_not_lock(make_db):
    db = make_db(max_failed_sign_ins=3, lockout_ms=60_000)
    new_org(db)
    for _ in range(2):
        with pytest.raises(switchboard.CredentialsError):
            db.sign_in(EMAIL, OTHER_PASSWORD)
    assert db.sign_in(EMAIL, PASSWORD)["principal"]["role"] == "admin"


def test_lockout_ends(make_db):
    import time

    db = make_db(max_failed_sign_ins=2, lockout_ms=1000)
    new_org(db)
    for _ in range(2):
        with pytest.raises(switchboard.CredentialsError):
            db.sign_in(EMAIL, OTHER_PASSWORD)
    with pytest.raises(switchboard.CredentialsError):
        db.sign_in(EMAIL, PASSWORD)
    time.sleep(1.2)
    assert db.sign_in(EMAIL, PASSWORD)["principal"]["role"] == "admin"


def test_sign_out_ends_the_session(db, org):
    principal = db.authenticate(org.admin_token)
    assert principal["user_id"] == org.admin_id
    db.sign_out(org.admin_token)
    with pytest.raises(switchboard.Unauthorized) as info:
        db.authenticate(org.admin_token)
    assert str(info.value) == "unauthorized"
    with pytest.raises(switchboard.Unauthorized):
        db.list_users(org.admin_token)


@pytest.mark.parametrize("token", ["", "short", "x" * 32, "y" * 64])
def test_unknown_tokens_are_unauthorized(db, org, token):
    with pytest.raises(switchboard.Unauthorized):
        db.get_organisation(token)


def test_idle_session_expires(make_db):
    import time

    db = make_db(session_idle_ms=500)
    org = new_org(db)
    assert db.authenticate(org.admin_token)["org_id"] == org.id
    time.sleep(0.8)
    with pytest.raises(switchboard.Unauthorized):
        db.authenticate(org.admin_token)


def test_register_customer(db, org):
    user = db.register_customer(org_id=org.id, email="jane@example.org", password=PASSWORD,
                                password_confirm=PASSWORD, first_name="Jane", last_name="Doe")
    assert user["role"] == "customer"
    assert user["org_id"] == org.id
    assert user["username"] == "jane"
    assert (user["first_name"], user["last_name"]) == ("Jane", "Doe")
    key = verification_key(db, "jane@example.org")
    with pytest.raises(switchboard.Unverified):
        db.sign_in("jane@example.org", PASSWORD)
    assert db.verify_email(key) is True
    session = db.sign_in("jane@example.org", PASSWORD)
    assert session["principal"]["role"] == "customer"
    # a customer sees itself, not the others
    assert db.get_user(session["token"], user["id"])["email"] == "jane@example.org"
    with pytest.raises(switchboard.Forbidden):
        db.get_user(session["token"], org.admin_id)


def test_register_customer_checks(db, org):
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.register_customer(org.id, "jane@example.org", PASSWORD, OTHER_PASSWORD, "Jane", "Doe")
    assert info.value.field == "password_confirm"
    with pytest.raises(switchboard.NotFound):
        db.register_customer(org.id + 100, "jane@example.org", PASSWORD, PASSWORD, "Jane", "Doe")
    user = db.register_customer(org.id, "jane@example.org", PASSWORD, PASSWORD, "Jane", "Doe",
                                username="jdoe", phone="+44 20 7946 0000")
    assert (user["username"], user["phone"]) == ("jdoe", "+44 20 7946 0000")
