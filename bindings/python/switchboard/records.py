"""The shapes of the records switchboard.Database returns.

These are typing aids only: at run time every record is a plain dict. The
keys are the JSON field names of the C++ library (include/switchboard/json.hpp):
snake_case member names, times as Unix milliseconds in keys ending in "_ms".
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, TypedDict


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
    kind: str  # a template's: "verify", "reset", "ticket_created" ...
    created_ms: int
    sent_ms: int  # 0 until sent (which also clears the body)
    status: str  # "queued", "sent", "failed"
    attempts: int  # SMTP sessions tried
    last_error: str  # why the last try failed, "" when none did
    reply: str  # the server's reply when it took the mail
    message_id: str  # "<...@...>", given when its job is


class UserPage(TypedDict):
    total: int
    items: List[User]


class OrganisationPage(TypedDict):
    total: int
    items: List[Organisation]


class ActivityPage(TypedDict):
    total: int
    items: List[ActivityEntry]


class Category(TypedDict):
    id: int
    parent_id: int  # 0 for a main category
    name: str


class Contact(TypedDict):
    id: int
    first_name: str
    last_name: str
    phone: str
    email: str
    town: str
    country: str
    user_category: str
    position_in_org: str
    org_name: str
    created_ms: int
    updated_ms: int


class Ticket(TypedDict):
    id: int
    ticket_no: str  # "TK000001", per organisation
    source: str  # "walkin", "call", "email" or "sms"
    source_id: str
    category_main: int  # 0: none
    category_sub: int  # 0: none
    narrative: str
    resolution: str
    status: str  # "open", "closed" or "escalated"
    priority: str  # "high", "medium" or "low"
    referred_to: str
    escalated_to: str
    disposition: str  # "", "blank-call", "call-disconnected", "prank", "call-completed", "transfer"
    contact_id: int  # 0: none
    assigned_to: int  # user id, 0: nobody
    created_by: int
    created_ms: int
    updated_ms: int
    contact: Optional[Contact]


class TicketChange(TypedDict):
    id: int
    ticket_id: int
    field: str  # "created" for the first row
    old_value: str
    new_value: str
    user_id: int
    actor: str
    time_ms: int


class TicketMessage(TypedDict):
    id: int
    ticket_id: int
    author_id: int
    author: str
    author_role: str
    body: str
    time_ms: int


class FileInfo(TypedDict):
    id: int
    name: str
    mime: str
    size: int  # bytes
    sha256: str  # hex
    uploaded_by: int
    created_ms: int


class Call(TypedDict):
    id: int
    direction: str  # "inbound" or "outbound"
    agent_id: int  # 0: not answered by an agent
    queue: str
    caller: str
    start_ms: int
    answer_ms: int  # 0: not answered
    end_ms: int  # 0: still going
    wait_s: int
    talk_s: int
    hold_s: int
    hangup_status: str
    qa_done: bool
    activity_count: int
    ticket_id: int
    recording_file_id: int
    created_ms: int
    ricket: str  # the latest analysis of its recording, "" when none


class QaRecord(TypedDict):
    id: int
    call_id: int
    opening: int  # each score 1 to 5
    holding: int
    politeness: int
    enthusiasm: int
    personalization: int
    troubleshooting: int
    listening: int
    accuracy: int
    resolution: int
    comments: str
    recommendations: str
    reviewer_id: int
    reviewer: str
    created_ms: int
    call_agent_id: int  # from the call
    call_direction: str  # from the call
    call_ricket: str  # the call's analysis (Database.analyse_call_recording), "" when none


class HelplineStats(TypedDict):
    from_ms: int
    to_ms: int
    inbound_calls: int
    outbound_calls: int
    tickets: int
    emails: int
    sms: int


class PivotRow(TypedDict):
    keys: List[str]  # one value per group field, xaxis first
    count: int


class PivotReport(TypedDict):
    xaxis: List[str]
    yaxis: List[str]
    total: int
    rows: List[PivotRow]


class TicketPage(TypedDict):
    total: int
    items: List[Ticket]


class CallPage(TypedDict):
    total: int
    items: List[Call]


class QaPage(TypedDict):
    total: int
    items: List[QaRecord]


class FilePage(TypedDict):
    total: int
    items: List[FileInfo]


class Job(TypedDict):
    id: int
    kind: str  # "text_analysis" ...
    subject: str  # what it works on (a Ricket ...)
    state: str  # "queued", "running", "done" or "failed"
    attempts: int
    max_attempts: int
    run_after_ms: int  # while queued: not run before this time (a retry's backoff)
    lease_owner: str  # while running: the worker that holds it
    lease_expires_ms: int
    last_error: str
    payload_bytes: int  # 0 once done or failed
    created_ms: int
    updated_ms: int
    finished_ms: int


class JobPage(TypedDict):
    total: int
    items: List[Job]


class JobCounts(TypedDict):
    queued: int
    running: int
    done: int
    failed: int


class Event(TypedDict):
    seq: int  # per organisation, from 1
    org_id: int
    type: str  # "ticket.created", "ticket.changed", "message.posted", "interaction.ready", "job.failed" ...
    time_ms: int
    subject: str  # a ticket number, a Ricket, a job id
    data: Dict[str, Any]  # the record as its reader sees it


class EventBatch(TypedDict):
    events: List[Event]
    last_seq: int  # resume after this
    gap: bool  # events after `after` were removed (past the retention window)


__all__ = [
    "ActivityEntry",
    "ActivityPage",
    "Call",
    "CallPage",
    "Category",
    "Constraints",
    "Contact",
    "CreatedDevKey",
    "CreatedUser",
    "DevKey",
    "Event",
    "EventBatch",
    "FileInfo",
    "FilePage",
    "HelplineStats",
    "Job",
    "JobCounts",
    "JobPage",
    "Organisation",
    "OrganisationPage",
    "OutboxEmail",
    "PivotReport",
    "PivotRow",
    "Principal",
    "QaPage",
    "QaRecord",
    "Session",
    "SignUpResult",
    "Standards",
    "Ticket",
    "TicketChange",
    "TicketMessage",
    "TicketPage",
    "User",
    "UserPage",
]
