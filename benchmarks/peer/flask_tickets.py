"""The peer of benchmarks/http_speed.py: the two OpenCHS ticket reads of
switchboard-host written the way a Flask application would write them, served
by gunicorn's sync workers, reading the host's own SQLite file read-only.

    SB_PEER_DB=var/switchboard.db gunicorn --workers 2 --bind 127.0.0.1:8081 \\
        --chdir benchmarks/peer flask_tickets:app

It answers, with the host's JSON shapes and field names (docs/http.md, 3.3 and
3.4):

    GET /eproc/tickets/{id}        {"tickets": [{...}]}
    GET /eproc/tickets/?_c=50&_a=0 {"tickets": [{...}, ...], "tickets_ctx": [["total", "N"]]}

Per request it does what the host does apart from writing: it reads the
session token from `XAuthorization: Bearer` (or `Authorization: Bearer`),
looks up its SHA-256 in the sessions table joined to the user, and checks that
it is an access token of an active user, not expired, not idle for an hour and
not waiting for a password change; it then reads the ticket (or the page and
the total, a count(*) over the tickets the caller may see, or with
SB_PEER_TOTAL=tally the sum over ticket_tally that the host reads) joined to its
contact, scoped by the caller's role as the core scopes it (admins and
supervisors: the organisation; agents: the tickets assigned to them;
customers: those they raised). Being read-only it writes neither the activity
log entry nor the session's last-seen time that the host writes. Answers are
gzip-compressed (level 6, as Flask-Compress does) when the client accepts gzip;
Python has no brotli in the standard library. Other list filters and `q=` are
not implemented.
"""

import gzip
import hashlib
import os
import sqlite3
import time

from flask import Flask, g, request

DB_PATH = os.environ.get("SB_PEER_DB", "var/switchboard.db")
PAGE_SIZE = int(os.environ.get("SB_PEER_PAGE_SIZE", "50"))
MAX_PAGE_SIZE = int(os.environ.get("SB_PEER_MAX_PAGE_SIZE", "1000"))
# "count": the list's total is a count(*) of the tickets the caller may see;
# "tally": for admins and supervisors, the sum over ticket_tally, as the host's
# store reads it (agents and customers still count).
TOTAL = os.environ.get("SB_PEER_TOTAL", "count")
SESSION_IDLE_MS = 60 * 60 * 1000  # the core's default idle expiry of an access token

app = Flask(__name__)
# The host's JSON: keys in the order written, UTF-8 as is.
app.json.sort_keys = False
app.json.ensure_ascii = False


def answer(body, status=200):
    """A JSON answer byte for byte like the host's: compact, and without the
    newline that jsonify adds."""
    return app.response_class(app.json.dumps(body, separators=(",", ":")), status, mimetype="application/json")


TICKET_COLUMNS = (
    "t.id, t.ticket_no, t.source, t.source_id, t.category_main, t.category_sub, t.narrative, t.resolution, "
    "t.status, t.priority, t.referred_to, t.escalated_to, t.disposition, t.contact_id, t.assigned_to, "
    "t.created_by, t.created_ms, t.updated_ms, c.first_name, c.last_name, c.phone, c.email, c.town, c.country, "
    "c.user_category, c.position_in_org, c.org_name")
TICKET_FROM = "FROM tickets t LEFT JOIN contacts c ON c.id = t.contact_id"


def db():
    """One read-only connection per worker process, opened on first use."""
    conn = getattr(app, "_sb_conn", None)
    if conn is None:
        conn = sqlite3.connect("file:%s?mode=ro" % DB_PATH, uri=True)
        conn.execute("PRAGMA busy_timeout = 5000")
        app._sb_conn = conn
    return conn


def iso(ms):
    """Unix milliseconds as the host writes them: 2024-05-01T10:11:12.345Z."""
    seconds, millis = divmod(ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".%03dZ" % millis


def id_text(n):
    return str(n) if n else ""


def ticket_object(row):
    t = {"id": str(row[0]), "ticket_no": row[1], "source": row[2], "source_id": row[3],
         "category_main": id_text(row[4]), "category_sub": id_text(row[5]), "narrative": row[6],
         "resolution": row[7], "status": row[8], "priority": row[9], "referred_to": row[10],
         "escalated_to": row[11], "disposition": row[12], "contact_id": id_text(row[13]),
         "assigned_to": id_text(row[14]), "created_by": id_text(row[15]), "created_on": iso(row[16]),
         "updated_on": iso(row[17]), "contacts": {}}
    if row[13]:
        t["contacts"] = {"id": str(row[13]), "fname": row[18], "lname": row[19], "phone": row[20],
                         "email": row[21], "town": row[22], "country": row[23], "user_category": row[24],
                         "position_in_org": row[25], "org_name": row[26]}
    return t


def refusal(status, message, error_type="", row="", field=""):
    return answer({"errors": [["error", message, error_type, "tickets", row, field]]}, status)


def unauthorized():
    return answer({"errors": [["error", "Authentication Required"]], "loggedoff": [["Auth"]]}, 401)


def principal():
    """(user_id, org_id, role) of the request's session, or None."""
    header = request.headers.get("XAuthorization") or request.headers.get("Authorization") or ""
    if not header.startswith("Bearer "):
        return None
    token = header[7:].strip()
    if len(token) != 32:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    row = db().execute(
        "SELECT s.kind, s.user_id, s.org_id, s.last_seen_ms, s.expires_ms, u.role, u.active, "
        "u.must_change_password FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
        (digest,)).fetchone()
    if row is None:
        return None
    kind, user_id, org_id, last_seen_ms, expires_ms, role, active, must_change = row
    now = int(time.time() * 1000)
    if kind != "access" or not active or expires_ms < now or last_seen_ms + SESSION_IDLE_MS < now:
        return None
    if org_id is None:  # the platform operator has no tickets
        return None
    g.must_change_password = bool(must_change)
    return user_id, org_id, role


def scope(who):
    """The WHERE clause (on tickets t) of the tickets the caller may read."""
    user_id, org_id, role = who
    if role == "agent":
        return "t.org_id = ? AND t.assigned_to = ?", (org_id, user_id)
    if role == "customer":
        return "t.org_id = ? AND t.created_by = ?", (org_id, user_id)
    return "t.org_id = ?", (org_id,)


def authorised():
    who = principal()
    if who is None:
        return None, unauthorized()
    if g.must_change_password:
        return None, refusal(412, "the password must be changed first", "password_change_required")
    return who, None


@app.get("/eproc/tickets/<ticket_id>")
def view_ticket(ticket_id):
    who, refused = authorised()
    if refused:
        return refused
    if not ticket_id.isdigit() or int(ticket_id) <= 0:
        return refusal(412, "id isn't a valid record id", "invalid_argument", "", "id")
    where, args = scope(who)
    row = db().execute("SELECT %s %s WHERE %s AND t.id = ?" % (TICKET_COLUMNS, TICKET_FROM, where),
                       args + (int(ticket_id),)).fetchone()
    if row is None:
        return refusal(412, "no ticket %s" % ticket_id, "not_found", ticket_id, "id")
    return answer({"tickets": [ticket_object(row)]})


def whole(name, default):
    text = request.args.get(name, "")
    if text == "":
        return default
    return int(text) if text.isdigit() else -1


@app.get("/eproc/tickets")
@app.get("/eproc/tickets/")
def list_tickets():
    who, refused = authorised()
    if refused:
        return refused
    count, offset = whole("_c", PAGE_SIZE), whole("_a", 0)
    if count < 0 or count > MAX_PAGE_SIZE:
        return refusal(412, "the page size (_c) is over the maximum of %d" % MAX_PAGE_SIZE, "invalid_argument",
                       "", "_c")
    if offset < 0:
        return refusal(412, "_a isn't valid", "invalid_argument", "", "_a")
    where, args = scope(who)
    conn = db()
    if TOTAL == "tally" and who[2] in ("admin", "supervisor"):
        total = conn.execute("SELECT ifnull(sum(n), 0) FROM ticket_tally WHERE org_id = ?", (who[1],)).fetchone()[0]
    else:
        total = conn.execute("SELECT count(*) FROM tickets t WHERE " + where, args).fetchone()[0]
    rows = conn.execute("SELECT %s %s WHERE %s ORDER BY t.id DESC LIMIT ? OFFSET ?" % (TICKET_COLUMNS, TICKET_FROM,
                                                                                        where),
                        args + (count, offset)).fetchall()
    return answer({"tickets": [ticket_object(r) for r in rows], "tickets_ctx": [["total", str(total)]]})


@app.after_request
def compress(response):
    """gzip when the client accepts it, as Flask-Compress does (level 6)."""
    accepted = request.headers.get("Accept-Encoding", "")
    if "gzip" in accepted and not response.direct_passthrough and "Content-Encoding" not in response.headers:
        response.set_data(gzip.compress(response.get_data(), compresslevel=6))
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Vary"] = "Accept-Encoding"
    return response
