"""switchboard: an embeddable contact-centre core.

Open a database and work with organisations, users, sessions, developer keys,
the activity log, tickets and their conversations, calls, QA scorecards,
files and statistics::

    import switchboard

    with switchboard.Database("helpline.db") as db:
        db.sign_up("Acme Helpline", "owner@acme.example", "+254 700 000 001",
                   "Correct-Horse-42")
        ...

Analyse a call recording (a WAV path, WAV bytes or a NumPy array of int16 or
float32 samples) for its silences, speech, noise, interruptions, pitch and
escalation::

    result = switchboard.analyze_call("call.wav", silence_min_ms=700)
    for silence in result["channels"][0]["silences"]:
        print(silence["start"], silence["end"])

or as it arrives with switchboard.StreamingAnalyzer (docs/python.md).

Analyse a text for the phrases of the default pools, promises and card data
(masked)::

    result = switchboard.analyze_text("I will call you back tomorrow.")
    print(result["promises"][0]["time_statement"])   # by tomorrow

Text interactions, recorded with a developer token and analysed with the
organisation's own phrase pools, are Database methods (record_text,
text_report, list_pools, add_phrase ...).

Records come back as dicts whose keys are the JSON field names of the C++
library (see switchboard.records for their shapes). Every failure raises
switchboard.Error or one of its subclasses, whose ``code`` is the library's
error code ("invalid_argument", "unauthorized" ...) and whose ``field`` names
the input concerned.
"""

from ._switchboard import (
    AlreadyExists,
    BusyError,
    ConflictError,
    CallAnalysis,
    CredentialsError,
    Database,
    Error,
    Forbidden,
    InternalError,
    InvalidArgument,
    NotFound,
    PasswordChangeRequired,
    SchemaError,
    StorageError,
    StreamingAnalyzer,
    TooLarge,
    Unauthorized,
    Unverified,
    __version__,
    analyze_call,
    analyze_spoken_call,
    analyze_text,
    check_email,
    check_password_policy,
    check_phone,
    default_phrase_pools,
    latest_schema_version,
    version,
)
from . import records

__all__ = [
    "AlreadyExists",
    "BusyError",
    "ConflictError",
    "CallAnalysis",
    "CredentialsError",
    "Database",
    "Error",
    "Forbidden",
    "InternalError",
    "InvalidArgument",
    "NotFound",
    "PasswordChangeRequired",
    "SchemaError",
    "StorageError",
    "StreamingAnalyzer",
    "TooLarge",
    "Unauthorized",
    "Unverified",
    "__version__",
    "analyze_call",
    "analyze_spoken_call",
    "analyze_text",
    "check_email",
    "check_password_policy",
    "check_phone",
    "default_phrase_pools",
    "latest_schema_version",
    "records",
    "version",
]
