"""The shapes of the records switchboard.Database returns.

These are typing aids only: at run time every record is a plain dict. The
keys are the JSON field names of the C++ library (include/switchboard/json.hpp):
snake_case member names, times as Unix milliseconds in keys ending in "_ms".
"""

from __future__ import annotations

from typing import List, Optional, TypedDict


class User(TypedDict):
    id: int
    org_id: int
    username: str
    email: str
    phone: str
    first_name: str
    last_name: str
    extension: str
    photo: str
    role: str  # "operator", "admin", "supervisor", "agent" or "customer"
    active: bool
    email_verified: bool
    must_change_password: bool
    created_ms: int
    updated_ms: int


class Standards(TypedDict):
    silence_len_ms: int
    interruption_len_ms: int
    list_by: str  # "TicketNo" or "ClientId"


class Constraints(TypedDict):
    expected_tickets_daily: int
    expected_tickets_weekly: int
    expected_tickets_monthly: int
    min_call_len_s: int
    max_call_len_s: int


class Organisation(TypedDict):
    id: int
    company_name: str
    email: str
    contact_number: str
    owner_user_id: int
    verified: bool
    user_count: int
    standards: Standards
    constraints: Constraints
    created_ms: int
    updated_ms: int


class Principal(TypedDict):
    user_id: int  # 0 for a dev token
    org_id: int  # 0 for the platform operator
    role: str
    username: str
    kind: str  # "access" or "dev"
    must_change_password: bool


class Session(TypedDict):
    token: str  # 32 characters, shown once
    expires_ms: int
    principal: Principal


class SignUpResult(TypedDict):
    organisation: Organisation
    admin: User


class CreatedUser(TypedDict):
    user: User
    temporary_password: Optional[str]  # set when no password was given


class DevKey(TypedDict):
    id: int
    username: str
    pass_key_hint: str
    active: bool
    created_ms: int
    updated_ms: int


class CreatedDevKey(TypedDict):
    key: DevKey
    pass_key: str  # the full key, shown once


class ActivityEntry(TypedDict):
    id: int
    org_id: int
    user_id: int
    actor: str
    endpoint: str
    time_ms: int
    ok: bool
    summary: str


class OutboxEmail(TypedDict):
    id: int
    org_id: int
    to: str
    subject: str
    body: str
    kind: str  # "verify", "reset", "temporary-password"
    created_ms: int


class UserPage(TypedDict):
    total: int
    items: List[User]


class OrganisationPage(TypedDict):
    total: int
    items: List[Organisation]


class ActivityPage(TypedDict):
    total: int
    items: List[ActivityEntry]


__all__ = [
    "ActivityEntry",
    "ActivityPage",
    "Constraints",
    "CreatedDevKey",
    "CreatedUser",
    "DevKey",
    "Organisation",
    "OrganisationPage",
    "OutboxEmail",
    "Principal",
    "Session",
    "SignUpResult",
    "Standards",
    "User",
    "UserPage",
]
