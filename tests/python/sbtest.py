"""Helpers of the switchboard Python binding tests (fixtures: conftest.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import switchboard

PASSWORD = "Correct-Horse-42"
OTHER_PASSWORD = "Battery-Staple-77"
# Low Argon2 costs: hashing takes milliseconds instead of a tenth of a second.
LOW_COST = {"pwhash_opslimit": 1, "pwhash_memlimit": 8192}


def open_db(path: Path, **options) -> switchboard.Database:
    return switchboard.Database(str(path), **{**LOW_COST, **options})


def outbox_of(db: switchboard.Database, to: str, kind: str) -> list[dict]:
    return [m for m in db.outbox(to) if m["kind"] == kind]


def verification_key(db: switchboard.Database, email: str) -> str:
    mails = outbox_of(db, email, "verify")
    assert mails, f"no verification email to {email}"
    match = re.search(r"Verification key: (\S+)", mails[-1]["body"])
    assert match, mails[-1]["body"]
    return match.group(1)


def reset_code(db: switchboard.Database, email: str) -> str:
    mails = outbox_of(db, email, "reset")
    assert mails, f"no reset email to {email}"
    match = re.search(r"code: (\d+)", mails[-1]["body"])
    assert match, mails[-1]["body"]
    return match.group(1)


@dataclass
class Org:
    id: int
    email: str
    admin_id: int
    admin_token: str


def new_org(db: switchboard.Database, company: str = "Acme Helpline",
            email: str = "owner@acme.example", phone: str = "+254 700 000 001") -> Org:
    """Signs an organisation up, verifies its owner and signs the owner in."""
    result = db.sign_up(company, email, phone, PASSWORD)
    assert db.verify_email(verification_key(db, email)) is True
    session = db.sign_in(email, PASSWORD)
    return Org(id=result["organisation"]["id"], email=email,
               admin_id=result["admin"]["id"], admin_token=session["token"])


def add_user(db: switchboard.Database, org: Org, username: str, role: str = "agent",
             password: str = PASSWORD, **fields) -> tuple[dict, str]:
    """Creates a user with a known password; returns (user, access token)."""
    created = db.create_user(org.admin_token, username=username, email=f"{username}@acme.example",
                             password=password, role=role, **fields)
    assert created["temporary_password"] is None
    return created["user"], db.sign_in(username, password)["token"]


def add_customer(db: switchboard.Database, org: Org, email: str, first_name: str = "Surya",
                 last_name: str = "Kumar", **fields) -> tuple[dict, str]:
    """Registers a customer the way they do it themselves (verification key
    from the outbox); returns (user, access token)."""
    user = db.register_customer(org.id, email, PASSWORD, PASSWORD, first_name, last_name, **fields)
    assert user["role"] == "customer"
    assert db.verify_email(verification_key(db, email)) is True
    return user, db.sign_in(email, PASSWORD)["token"]
