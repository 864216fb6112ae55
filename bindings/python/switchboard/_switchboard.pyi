# Hand-kept stubs of the private extension module (bindings/python/*.cpp).
# Keep them in step with py_database.cpp, py_cases.cpp, py_calls.cpp,
# py_files.cpp, py_export.cpp, py_analysis.cpp, py_text.cpp, py_jobs.cpp and
# py_presence.cpp.
# tests/python/test_stubs.py checks that these stubs and the module have the
# same public names.
from __future__ import annotations

import datetime
import os
from types import TracebackType
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Literal,
    Mapping,
    Optional,
    Tuple,
    Type,
    TypedDict,
    Union,
    Unpack,
    overload,
)

from numpy import float32, int16
from numpy.typing import NDArray

from .records import (
    ActivityPage,
    Call,
    CallPage,
    Category,
    CreatedDevKey,
    CreatedUser,
    DevKey,
    EventBatch,
    FileInfo,
    FilePage,
    HelplineStats,
    Job,
    JobCounts,
    JobPage,
    Organisation,
    OrganisationPage,
    OutboxEmail,
    PivotReport,
    Principal,
    QaPage,
    QaRecord,
    Session,
    SignUpResult,
    Ticket,
    TicketChange,
    TicketMessage,
    TicketPage,
    User,
    UserPage,
)

__version__: str

_Bound = Union[str, int, datetime.date, datetime.datetime]
_FilterValue = Union[_Bound, bool, Tuple[_Bound, _Bound], List[_Bound]]
_Filters = Optional[Union[Mapping[str, _FilterValue], Iterable[Tuple[str, _FilterValue]]]]
_TokenKind = Literal["access", "dev"]
_Axis = Union[str, Iterable[str], None]
_Sink = Callable[[str], object]
_BytesLike = Union[bytes, bytearray, memoryview]

class Error(Exception):
    code: str
    field: str
    message: str

class InvalidArgument(Error, ValueError): ...
class NotFound(Error, LookupError): ...
class AlreadyExists(Error): ...
class Unauthorized(Error): ...
class Forbidden(Error): ...
class CredentialsError(Error): ...
class Unverified(Error): ...
class PasswordChangeRequired(Error): ...
class TooLarge(Error, ValueError): ...
class SchemaError(Error): ...
class StorageError(Error): ...
class InternalError(Error): ...
class BusyError(Error): ...
class ConflictError(Error): ...

def version() -> str: ...
def latest_schema_version() -> int: ...
def check_password_policy(password: str) -> None: ...
def check_email(email: str) -> None: ...
def check_phone(phone: str) -> None: ...

class Database:
    def __init__(
        self,
        path: Union[str, os.PathLike[str]],
        *,
        create: bool = True,
        busy_timeout_ms: int = 5000,
        reader_connections: int = 4,
        synchronous_full: bool = False,
        pwhash_opslimit: int = 2,
        pwhash_memlimit: int = 67108864,
        session_idle_ms: int = 3600000,
        session_absolute_ms: int = 43200000,
        dev_token_absolute_ms: int = 2592000000,
        verification_ttl_ms: int = 172800000,
        reset_code_ttl_ms: int = 900000,
        reset_code_max_attempts: int = 5,
        max_failed_sign_ins: int = 5,
        failed_window_ms: int = 900000,
        lockout_ms: int = 900000,
        list_default_count: int = 50,
        list_max_count: int = 1000,
        public_url: str = "http://127.0.0.1:8080",
        files_dir: Optional[Union[str, os.PathLike[str]]] = None,
        max_file_bytes: int = 52428800,
        job_workers: int = 2,
        job_lease_ms: int = 30000,
        job_max_attempts: int = 5,
        job_retry_backoff_ms: int = 1000,
        max_backlog_bytes: int = 268435456,
        key_file: Optional[Union[str, os.PathLike[str]]] = None,
        smtp_url: str = "",
        smtp_tls: str = "starttls",
        smtp_username: str = "",
        smtp_password: str = "",
        smtp_from: str = "switchboard <no-reply@switchboard.localhost>",
        smtp_timeout_ms: int = 30000,
        mail_max_attempts: int = 60,
        mail_fetch_ms: int = 60000,
        stt: str = "none",
        stt_preset: str = "balanced",
        max_call_seconds: float = 7200.0,
        hold_min_ms: int = 10000,
        record_cache_bytes: int = 134217728,
    ) -> None: ...
    @property
    def path(self) -> str: ...
    @property
    def files_dir(self) -> Optional[str]: ...
    @property
    def closed(self) -> bool: ...
    @property
    def schema_version(self) -> int: ...
    @staticmethod
    def latest_schema_version() -> int: ...
    def record_cache_stats(self) -> Dict[str, int]: ...
    def close(self) -> None: ...
    def __enter__(self) -> Database: ...
    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None: ...

    # sign-up and sign-in
    def sign_up(
        self, company_name: str, email: str, phone: str, password: str, *, email_verified: bool = False
    ) -> SignUpResult: ...
    def verify_email(self, key: str) -> bool: ...
    def sign_in(self, login: str, password: str) -> Session: ...
    def sign_out(self, token: str) -> None: ...
    def authenticate(self, token: str, kind: _TokenKind = "access") -> Principal: ...

    # passwords
    def request_password_reset(self, email: str) -> None: ...
    def reset_password(self, email: str, code: str, new_password: str) -> None: ...
    def change_password(
        self, token: str, current_password: str, new_password: str, *, confirm: Optional[str] = None
    ) -> None: ...
    def admin_reset_password(self, token: str, user_id: int) -> str: ...

    # users
    def register_customer(
        self,
        org_id: int,
        email: str,
        password: str,
        password_confirm: str,
        first_name: str,
        last_name: str,
        username: Optional[str] = None,
        phone: Optional[str] = None,
    ) -> User: ...
    def create_user(self, token: str, fields: Optional[Mapping[str, Any]] = None, **kwargs: Any) -> CreatedUser: ...
    def update_user(
        self, token: str, user_id: int, fields: Optional[Mapping[str, Any]] = None, **kwargs: Any
    ) -> User: ...
    def get_user(self, token: str, user_id: int) -> User: ...
    def list_users(
        self, token: str, filters: _Filters = None, count: Optional[int] = None, offset: int = 0, search: str = ""
    ) -> UserPage: ...
    def deactivate_user(self, token: str, user_id: int) -> None: ...
    @overload
    def export_users_csv(
        self,
        token: str,
        filters: _Filters = None,
        count: Optional[int] = None,
        offset: int = 0,
        search: str = "",
        *,
        sink: None = None,
    ) -> str: ...
    @overload
    def export_users_csv(
        self,
        token: str,
        filters: _Filters = None,
        count: Optional[int] = None,
        offset: int = 0,
        search: str = "",
        *,
        sink: _Sink,
    ) -> None: ...
    def report_users(
        self, token: str, xaxis: _Axis = (), yaxis: _Axis = (), filters: _Filters = None, search: str = ""
    ) -> PivotReport: ...

    # organisations
    def get_organisation(self, token: str, org_id: Optional[int] = None) -> Organisation: ...
    def modify_settings(self, token: str, patch: Optional[Mapping[str, Any]] = None, **kwargs: Any) -> Organisation: ...
    def create_operator(self, username: str, email: str, password: str) -> User: ...
    def list_organisations(
        self, token: str, filters: _Filters = None, count: Optional[int] = None, offset: int = 0, search: str = ""
    ) -> OrganisationPage: ...
    def modify_organisation(
        self, token: str, org_id: int, patch: Optional[Mapping[str, Any]] = None, **kwargs: Any
    ) -> Organisation: ...

    # developer keys
    def add_dev_key(self, token: str, username: str) -> CreatedDevKey: ...
    def list_dev_keys(self, token: str) -> List[DevKey]: ...
    def set_dev_key_active(self, token: str, username: str, active: bool) -> DevKey: ...
    def delete_dev_key(self, token: str, username: str) -> None: ...
    def issue_dev_token(self, email: str, username: str, dev_key: str) -> Session: ...

    # activity log
    def list_activity(
        self, token: str, filters: _Filters = None, count: Optional[int] = None, offset: int = 0, search: str = ""
    ) -> ActivityPage: ...
    def record_activity(
        self, token: str, endpoint: str, ok: bool = True, summary: str = "", kind: _TokenKind = "access"
    ) -> None: ...

    # outbox
    def outbox(self, to: str = "") -> List[OutboxEmail]: ...
    def mark_outbox_sent(self, id: int) -> OutboxEmail: ...

    # categories, tickets and conversations
    def add_category(self, token: str, name: str, parent_id: int = 0) -> Category: ...
    def list_categories(self, token: str) -> List[Category]: ...
    def create_ticket(self, token: str, fields: Optional[Mapping[str, Any]] = None, **kwargs: Any) -> Ticket: ...
    def update_ticket(
        self, token: str, ticket_id: int, fields: Optional[Mapping[str, Any]] = None, **kwargs: Any
    ) -> Ticket: ...
    def get_ticket(self, token: str, ticket_id: int) -> Ticket: ...
    def list_tickets(
        self, token: str, filters: _Filters = None, count: Optional[int] = None, offset: int = 0, search: str = ""
    ) -> TicketPage: ...
    @overload
    def export_tickets_csv(
        self,
        token: str,
        filters: _Filters = None,
        count: Optional[int] = None,
        offset: int = 0,
        search: str = "",
        *,
        sink: None = None,
    ) -> str: ...
    @overload
    def export_tickets_csv(
        self,
        token: str,
        filters: _Filters = None,
        count: Optional[int] = None,
        offset: int = 0,
        search: str = "",
        *,
        sink: _Sink,
    ) -> None: ...
    def report_tickets(
        self, token: str, xaxis: _Axis = (), yaxis: _Axis = (), filters: _Filters = None, search: str = ""
    ) -> PivotReport: ...
    def ticket_history(self, token: str, ticket_id: int) -> List[TicketChange]: ...
    def assign_ticket(self, token: str, ticket_id: int, agent_id: int) -> Ticket: ...
    def close_ticket(self, token: str, ticket_id: int) -> Ticket: ...
    def post_message(self, token: str, ticket_id: int, body: str) -> TicketMessage: ...
    def list_messages(self, token: str, ticket_id: int) -> List[TicketMessage]: ...

    # calls, recordings, QA and statistics
    def create_call(self, token: str, fields: Optional[Mapping[str, Any]] = None, **kwargs: Any) -> Call: ...
    def get_call(self, token: str, call_id: int) -> Call: ...
    def list_calls(
        self, token: str, filters: _Filters = None, count: Optional[int] = None, offset: int = 0, search: str = ""
    ) -> CallPage: ...
    @overload
    def export_calls_csv(
        self,
        token: str,
        filters: _Filters = None,
        count: Optional[int] = None,
        offset: int = 0,
        search: str = "",
        *,
        sink: None = None,
    ) -> str: ...
    @overload
    def export_calls_csv(
        self,
        token: str,
        filters: _Filters = None,
        count: Optional[int] = None,
        offset: int = 0,
        search: str = "",
        *,
        sink: _Sink,
    ) -> None: ...
    def report_calls(
        self, token: str, xaxis: _Axis = (), yaxis: _Axis = (), filters: _Filters = None, search: str = ""
    ) -> PivotReport: ...
    def attach_recording(self, token: str, call_id: int, file_id: int) -> Call: ...
    def call_recording(self, token: str, call_id: int) -> FileInfo: ...
    def create_qa(self, token: str, fields: Optional[Mapping[str, Any]] = None, **kwargs: Any) -> QaRecord: ...
    def get_qa(self, token: str, qa_id: int) -> QaRecord: ...
    def list_qa(
        self, token: str, filters: _Filters = None, count: Optional[int] = None, offset: int = 0, search: str = ""
    ) -> QaPage: ...
    @overload
    def export_qa_csv(
        self,
        token: str,
        filters: _Filters = None,
        count: Optional[int] = None,
        offset: int = 0,
        search: str = "",
        *,
        sink: None = None,
    ) -> str: ...
    @overload
    def export_qa_csv(
        self,
        token: str,
        filters: _Filters = None,
        count: Optional[int] = None,
        offset: int = 0,
        search: str = "",
        *,
        sink: _Sink,
    ) -> None: ...
    def report_qa(
        self, token: str, xaxis: _Axis = (), yaxis: _Axis = (), filters: _Filters = None, search: str = ""
    ) -> PivotReport: ...
    def stats(self, token: str, from_ms: int = 0, to_ms: int = 0) -> HelplineStats: ...

    # files
    def upload_file(self, token: str, name: str, data: _BytesLike, mime: str = "") -> FileInfo: ...
    def file_info(self, token: str, file_id: int) -> FileInfo: ...
    def read_file(self, token: str, file_id: int) -> bytes: ...
    def read_file_range(self, token: str, file_id: int, offset: int, length: int) -> bytes: ...
    def list_files(
        self, token: str, filters: _Filters = None, count: Optional[int] = None, offset: int = 0, search: str = ""
    ) -> FilePage: ...

    # phrase pools and text interactions (py_text.cpp)
    def list_pools(self, token: str) -> List[_PoolEntry]: ...
    def add_phrase(self, token: str, pool: str, text: str, regex: bool = False) -> _PoolEntry: ...
    def remove_phrase(self, token: str, pool: str, text: str) -> None: ...
    def reset_pools(self, token: str) -> None: ...
    def record_text(
        self,
        token: str,
        text: str,
        *,
        department: Optional[str] = None,
        agent_id: Optional[str] = None,
        client_id: Optional[str] = None,
        ticket_no: Optional[str] = None,
    ) -> Dict[str, Any]: ...
    def record_call(
        self,
        token: str,
        first_channel: Union[bytes, bytearray, memoryview],
        second_channel: Optional[Union[bytes, bytearray, memoryview]] = None,
        *,
        department: Optional[str] = None,
        agent_id: Optional[str] = None,
        client_id: Optional[str] = None,
        ticket_no: Optional[str] = None,
    ) -> Dict[str, Any]: ...
    def analyse_call_recording(self, token: str, call_id: int) -> Dict[str, Any]: ...
    def text_report(self, token: str, ricket: str) -> Dict[str, Any]: ...
    def drain_interactions(self, timeout_s: float = 60.0) -> bool: ...

    # durable jobs and events (py_jobs.cpp)
    def list_jobs(
        self, token: str, filters: _Filters = None, count: Optional[int] = None, offset: int = 0, search: str = ""
    ) -> JobPage: ...
    def get_job(self, token: str, job_id: int) -> Job: ...
    def job_counts(self, token: str) -> JobCounts: ...
    def drain_jobs(self, timeout_s: float = 60.0) -> bool: ...
    def read_events(self, token: str, *, after: int = 0, limit: int = 100, wait_s: float = 0.0) -> EventBatch: ...
    def last_event_seq(self, token: str) -> int: ...

    # agent presence and call queues (py_presence.cpp)
    def presence_settings(self, token: str) -> _PresenceSettings: ...
    def set_presence_settings(
        self, token: str, settings: Optional[Mapping[str, Any]] = None, **kwargs: Any
    ) -> _PresenceSettings: ...
    def list_queues(self, token: str) -> List[_QueueSettings]: ...
    def put_queue(self, token: str, fields: Optional[Mapping[str, Any]] = None, **kwargs: Any) -> _QueueSettings: ...
    def delete_queue(self, token: str, name: str) -> None: ...
    def set_agent_queues(self, token: str, user_id: int, queues: Union[str, Iterable[str]]) -> _AgentStatus: ...
    def agent_status(self, token: str, user_id: int = 0) -> _AgentStatus: ...
    def log_in(self, token: str) -> _AgentStatus: ...
    def join_queue(self, token: str) -> _AgentStatus: ...
    def confirm_join(self, token: str) -> _AgentStatus: ...
    def log_out(self, token: str, user_id: int = 0) -> _AgentStatus: ...
    def start_break(self, token: str, reason: str, user_id: int = 0) -> _AgentStatus: ...
    def end_break(self, token: str) -> _AgentStatus: ...
    def heartbeat(self, token: str, mic_permission: Optional[bool] = None) -> _AgentStatus: ...
    def end_wrap_up(self, token: str) -> _AgentStatus: ...
    def set_available(self, token: str) -> _AgentStatus: ...
    def extend_wrap_up(self, token: str, extra_ms: int) -> _AgentStatus: ...
    def enqueue_call(self, token: str, call_id: str, queue: str, caller: str = "") -> _QueuedCall: ...
    def answer_call(self, token: str, call_id: str) -> _QueuedCall: ...
    def reject_call(self, token: str, call_id: str) -> _QueuedCall: ...
    def end_call(self, token: str, call_id: str) -> _QueuedCall: ...
    def queued_call(self, token: str, call_id: str) -> _QueuedCall: ...
    def waiting_calls(self, token: str) -> List[_QueuedCall]: ...
    def wallboard(self, token: str) -> _Wallboard: ...
    def list_agent_states(
        self, token: str, filters: _Filters = None, count: Optional[int] = None, offset: int = 0, search: str = ""
    ) -> _StatePage: ...
    @overload
    def export_agent_states_csv(
        self,
        token: str,
        filters: _Filters = None,
        count: Optional[int] = None,
        offset: int = 0,
        search: str = "",
        *,
        sink: None = None,
    ) -> str: ...
    @overload
    def export_agent_states_csv(
        self,
        token: str,
        filters: _Filters = None,
        count: Optional[int] = None,
        offset: int = 0,
        search: str = "",
        *,
        sink: _Sink,
    ) -> None: ...
    def report_agent_states(
        self, token: str, xaxis: _Axis = (), yaxis: _Axis = (), filters: _Filters = None, search: str = ""
    ) -> _StatesReport: ...

    # the mailer (py_mail.cpp)
    def mail_settings(self, token: str) -> _MailSettings: ...
    def set_mail_settings(
        self, token: str, settings: Optional[Mapping[str, Any]] = None, **kwargs: Any
    ) -> _MailSettings: ...
    def mail_templates(self, token: str) -> List[_MailTemplate]: ...
    def set_mail_template(
        self, token: str, template: Optional[Mapping[str, Any]] = None, **kwargs: Any
    ) -> _MailTemplate: ...
    def reset_mail_template(self, token: str, kind: str) -> _MailTemplate: ...
    def send_test_mail(self, token: str, to: str) -> _MailTest: ...
    def retry_mail(self, token: str, outbox_id: int) -> OutboxEmail: ...
    def dispatch_mail(self) -> int: ...

    # emails and SMS as records (py_messages.cpp)
    def send_email(self, token: str, email: Optional[Mapping[str, Any]] = None, **kwargs: Any) -> _Email: ...
    def get_email(self, token: str, email_id: int) -> _Email: ...
    def list_emails(
        self, token: str, filters: _Filters = None, count: Optional[int] = None, offset: int = 0, search: str = ""
    ) -> _EmailPage: ...
    @overload
    def export_emails_csv(
        self,
        token: str,
        filters: _Filters = None,
        count: Optional[int] = None,
        offset: int = 0,
        search: str = "",
        *,
        sink: None = None,
    ) -> str: ...
    @overload
    def export_emails_csv(
        self,
        token: str,
        filters: _Filters = None,
        count: Optional[int] = None,
        offset: int = 0,
        search: str = "",
        *,
        sink: _Sink,
    ) -> None: ...
    def report_emails(
        self, token: str, xaxis: _Axis = (), yaxis: _Axis = (), filters: _Filters = None, search: str = ""
    ) -> PivotReport: ...
    def mailbox(self, token: str) -> Dict[str, Any]: ...
    def set_mailbox(self, token: str, mailbox: Optional[Mapping[str, Any]] = None, **kwargs: Any) -> Dict[str, Any]: ...
    def fetch_mail(self, token: str) -> Dict[str, Any]: ...
    def send_sms(self, token: str, sms: Optional[Mapping[str, Any]] = None, **kwargs: Any) -> _Sms: ...
    def get_sms(self, token: str, sms_id: int) -> _Sms: ...
    def list_sms(
        self, token: str, filters: _Filters = None, count: Optional[int] = None, offset: int = 0, search: str = ""
    ) -> _SmsPage: ...
    @overload
    def export_sms_csv(
        self,
        token: str,
        filters: _Filters = None,
        count: Optional[int] = None,
        offset: int = 0,
        search: str = "",
        *,
        sink: None = None,
    ) -> str: ...
    @overload
    def export_sms_csv(
        self,
        token: str,
        filters: _Filters = None,
        count: Optional[int] = None,
        offset: int = 0,
        search: str = "",
        *,
        sink: _Sink,
    ) -> None: ...
    def report_sms(
        self, token: str, xaxis: _Axis = (), yaxis: _Axis = (), filters: _Filters = None, search: str = ""
    ) -> PivotReport: ...

# ------------------------------------------------------------------ message records (py_messages.cpp)

class _Recipient(TypedDict, total=False):
    contact_id: int
    address: str
    status: str  # SMS: queued, sent, delivered, failed
    reason: str
    updated_ms: int

_Email = TypedDict(
    "_Email",
    {"id": int, "org_id": int, "direction": str, "folder": str, "status": str, "reason": str, "subject": str,
     "text": str, "html": str, "from": str, "recipients": List[_Recipient], "attachments": List[int],
     "message_id": str, "in_reply_to": str, "thread": str, "ticket_id": int, "created_by": int,
     "created_ms": int, "updated_ms": int, "sent_ms": int},
)

class _Sms(TypedDict):
    id: int
    org_id: int
    direction: str
    folder: str
    status: str
    reason: str
    text: str
    recipients: List[_Recipient]
    ticket_id: int
    created_by: int
    created_ms: int
    updated_ms: int
    sent_ms: int

class _EmailPage(TypedDict):
    total: int
    items: List[_Email]

class _SmsPage(TypedDict):
    total: int
    items: List[_Sms]

# ------------------------------------------------------------------ mailer records (py_mail.cpp)

# own False: the database's server serves the organisation ("from" is a
# keyword, hence the functional form)
_MailSettings = TypedDict(
    "_MailSettings",
    {"own": bool, "smtp_url": str, "tls": str, "username": str, "has_password": bool, "from": str,
     "updated_ms": int},
)

class _MailTemplate(TypedDict):
    kind: str
    subject: str
    text: str
    html: str
    enabled: bool
    is_default: bool
    updated_ms: int
    placeholders: List[str]

class _MailTest(TypedDict):
    server: str
    accepted: bool
    permanent: bool
    code: int
    reply: str

# ------------------------------------------------------------------ presence records (py_presence.cpp)

_AgentState = Literal["offline", "available", "ringing", "on_call", "wrap_up", "on_break"]
_CallState = Literal["waiting", "offered", "connected", "ended", "overflowed", "abandoned"]

class _PresenceSettings(TypedDict):
    break_reasons: List[str]
    heartbeat_timeout_ms: int
    join_confirms_at_once: bool
    join_ring_ms: int

class _QueueSettings(TypedDict):
    name: str
    ring_timeout_ms: int
    wrap_up_ms: int
    max_missed_offers: int
    max_wait_ms: int
    overflow: str  # another queue, "voicemail" or ""

class _AgentStatus(TypedDict):
    user_id: int
    username: str
    state: _AgentState
    reason: str
    since_ms: int
    last_seen_ms: int
    mic_permission: Optional[bool]
    queues: List[str]
    call_id: str
    call_phone: str
    call_queue: str
    last_call_ms: int
    wrap_up_until_ms: int
    missed_offers: int
    idle_since_ms: int

class _QueuedCall(TypedDict):
    call_id: str
    queue: str
    caller: str
    state: _CallState
    enqueued_ms: int
    offered_ms: int
    answered_ms: int
    ended_ms: int
    agent_id: int
    overflow: str
    offers: int

class _QueueStatus(TypedDict):
    name: str
    waiting: int
    longest_wait_ms: int
    agents: int
    available: int

class _Wallboard(TypedDict):
    now_ms: int
    agents: List[_AgentStatus]
    queues: List[_QueueStatus]
    calls: List[_QueuedCall]

class _StatePeriod(TypedDict):
    id: int
    user_id: int
    username: str
    state: _AgentState
    reason: str
    day: str
    started: str
    ended: Optional[str]
    started_ms: int
    ended_ms: int
    seconds: int

class _StatePage(TypedDict):
    total: int
    items: List[_StatePeriod]

class _StatesPivotRow(TypedDict):
    keys: List[str]  # one value per group field, xaxis first
    count: int
    seconds: int  # the time in the row's states

class _StatesReport(TypedDict):
    xaxis: List[str]
    yaxis: List[str]
    total: int
    rows: List[_StatesPivotRow]
    total_seconds: int

# ------------------------------------------------------------------ audio analysis (py_analysis.cpp)

# int16 (full scale 32768) or float32 (full scale 1.0), C-contiguous; read in place.
_Samples = Union[NDArray[int16], NDArray[float32]]
_PathLike = Union[str, os.PathLike[str]]

class _AnalysisOptions(TypedDict, total=False):
    # the fields of switchboard::AnalysisOptions (docs/analysis.md)
    silence_relative_db: float
    silence_floor_dbfs: float
    silence_threshold_dbfs: Optional[float]
    silence_min_ms: int
    voice: bool
    pitch_min_hz: float
    pitch_max_hz: float
    voicing_threshold: float
    speech_min_voiced_ms: int
    speech_hangover_ms: int
    speech_gap_ms: int
    noise_min_ms: int
    interruption_min_ms: int
    escalation_pitch_ratio: float
    escalation_level_db: float
    escalation_min_ms: int
    escalation_gap_ms: int
    max_duration_s: float

class CallAnalysis(Dict[str, Any]):
    # keys: duration, sample_rate, analysis_rate, channels, interruptions, stats, skipped
    def to_json(self) -> str: ...

def analyze_call(
    source: Union[_PathLike, bytes, bytearray, memoryview, _Samples],
    *,
    client: Optional[_PathLike] = None,
    sample_rate: Optional[int] = None,
    channels: Optional[int] = None,
    **options: Unpack[_AnalysisOptions],
) -> CallAnalysis: ...

def analyze_spoken_call(
    recording: _PathLike,
    client: Optional[_PathLike] = None,
    *,
    transcribe: bool = True,
    preset: str = "balanced",
    silence_min_ms: int = 500,
    interruption_min_ms: int = 750,
    hold_min_ms: int = 10000,
    min_call_s: float = 0.0,
    max_call_s: float = 0.0,
    redaction: str = "silence",
    redacted_wav: Optional[_PathLike] = None,
) -> Dict[str, Any]: ...
# keys: duration, acoustic, transcriber, words, dialogue, events, stats, skipped, flags,
# redacted, and word_start, word_end, word_confidence (float64 arrays), word_channel (int32)

class StreamingAnalyzer:
    def __init__(self, sample_rate: int, channels: int = 1, **options: Unpack[_AnalysisOptions]) -> None: ...
    @staticmethod
    def two_mono(agent_rate: int, client_rate: int, **options: Unpack[_AnalysisOptions]) -> StreamingAnalyzer: ...
    def push(self, samples: _Samples) -> None: ...
    def push_channel(self, channel: int, samples: _Samples) -> None: ...
    # [{"kind", "channel", "start", "end", "open"} (+ "pitch_ratio", "level_db" for escalations)]
    def take_events(self) -> List[Dict[str, Any]]: ...
    @property
    def analysed_seconds(self) -> float: ...
    @property
    def channels(self) -> int: ...
    def finish(self) -> CallAnalysis: ...

# ------------------------------------------------------------------ text analysis (py_text.cpp)

class _PoolEntry(TypedDict):
    pool: str
    text: str
    regex: bool
    built_in: bool

class _PhrasePool(TypedDict):
    name: str
    phrases: List[str]
    regexes: List[str]

# {"findings", "promises", "redacted_text", "pci", "truncated"} (docs/text.md);
# an interaction is {"ricket", "kind", ..., "status", "analysis": None | this}.
def analyze_text(
    text: str,
    *,
    speaker: Optional[str] = None,
    promises: bool = True,
    pci: bool = True,
    mask_expiry: bool = False,
    max_bytes: Optional[int] = None,
) -> Dict[str, Any]: ...
def default_phrase_pools() -> List[_PhrasePool]: ...
