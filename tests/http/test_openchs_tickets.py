"""OpenCHS 3.1-3.6: tickets with their contacts, lists, CSV and pivot reports,
and the categories they use."""

import datetime
import time

import pytest

from conftest import bearer, chs_error, chs_ok, csv_rows, ok, unique

DATATYPE = "unexpected datatype, please try again"

TICKET_FIELDS = {"id", "ticket_no", "source", "source_id", "category_main", "category_sub", "narrative",
                 "resolution", "status", "priority", "referred_to", "escalated_to", "disposition", "contact_id",
                 "assigned_to", "created_by", "created_on", "updated_on", "contacts"}
CONTACT = {"fname": "AAAA", "lname": "BBBB", "phone": "0110123456", "email": "aaaa@email.com", "town": "Nairobi",
           "country": "Kenya", "user_category": "1", "position_in_org": "CTO", "org_name": "AAB"}


def new_phone():
    return unique("07")[:12].replace("x", "0")


def seed_body(main, sub, **override):
    """The seed's example payload (3.1)."""
    body = {"source": "call", "source_id": "23231232", "category_main": main["id"], "category_sub": sub["id"],
            "narrative": "describe case details", "resolution": "describe solution given", "status": "closed",
            "priority": "medium", "referred_to": "", "escalated_to": "", "disposition": "call completed",
            "contacts": dict(CONTACT, phone=new_phone(), email=unique("c") + "@email.com")}
    body.update(override)
    return body


@pytest.fixture
def cats(org):
    main = org.category("Health")
    sub = org.category("Clinic", parent_id=main["id"])
    return main, sub


# ------------------------------------------------------------------ categories

def test_categories(host, org):
    main = chs_ok(host.post("/eproc/categories", json={"name": "Abuse"}, headers=org.bearer()), 201, "categories",
                  "Category Created")[0]
    assert main["parent_id"] == "" and main["name"] == "Abuse"
    sub = chs_ok(host.post("/eproc/categories", json={"name": "Neglect", "parent_id": main["id"]},
                           headers=org.bearer()), 201, "categories", "Category Created")[0]
    assert sub["parent_id"] == main["id"]
    listed = chs_ok(host.get("/eproc/categories", headers=org.bearer()), 200, "categories")
    assert {c["id"] for c in listed} == {main["id"], sub["id"]}
    _, agent = org.create_user(role="agent")
    assert len(chs_ok(host.get("/eproc/categories", headers=bearer(agent)), 200, "categories")) == 2


def test_category_refusals(host, org):
    main = org.category("Dup")
    post = lambda body, h=org.bearer(): host.post("/eproc/categories", json=body, headers=h)
    chs_error(post({}), 412, "name is required", "invalid_argument", "categories", field="name")
    chs_error(post({"name": "x", "colour": "red"}), 412, 'unknown field "colour"', "invalid_argument", "categories",
              field="colour")
    chs_error(post({"name": ["x"]}), 412, DATATYPE, "invalid_argument", "categories", field="name")
    chs_error(post({"name": "Dup"}), 412, 'category "Dup" already exists there', "already_exists", "categories",
              field="name")
    chs_error(post({"name": "y", "parent_id": "999999"}), 412, "no category 999999", "invalid_argument",
              "categories", field="parent_id")
    _, agent = org.create_user(role="agent")
    chs_error(post({"name": "z"}, bearer(agent)), 412, "the agent role may not do this", "forbidden", "categories")
    chs_error(host.get("/eproc/categories", headers=org.bearer(), params={"x": "1"}), 412, 'unknown field "x"',
              "invalid_argument", "categories", field="x")
    assert len(chs_ok(host.get("/eproc/categories", headers=org.bearer()), 200, "categories")) == 1
    assert main["name"] == "Dup"


# ------------------------------------------------------------------ 3.1 create

def test_create_ticket_as_the_seed_shows(host, org, cats):
    main, sub = cats
    body = seed_body(main, sub)
    t = chs_ok(host.post("/eproc/tickets", json=body, headers=org.bearer()), 201, "tickets", "Ticket Created")[0]
    assert set(t) == TICKET_FIELDS
    for k in ("source", "source_id", "narrative", "resolution", "status", "priority", "category_main",
              "category_sub"):
        assert t[k] == body[k], k
    assert t["disposition"] == "call-completed"
    assert t["ticket_no"].startswith("TK") and int(t["id"]) > 0
    contact = t["contacts"]
    assert {k: contact[k] for k in CONTACT} == body["contacts"]
    assert contact["id"] == t["contact_id"]
    assert datetime.datetime.fromisoformat(t["created_on"].replace("Z", "+00:00"))
    # A second ticket with the same phone reuses the contact.
    again = org.ticket(contacts={"phone": body["contacts"]["phone"]})
    assert again["contact_id"] == t["contact_id"]
    # Defaults: walkin, open, medium, no contact.
    plain = org.ticket()
    assert (plain["source"], plain["status"], plain["priority"], plain["contacts"]) == ("walkin", "open", "medium", {})
    # Numbers are accepted where the seed sends strings.
    assert org.ticket(category_main=int(main["id"]))["category_main"] == main["id"]


@pytest.mark.parametrize("override, message, error_type, table, field", [
    ({"status": "pending"}, 'status isn\'t valid: "pending" (open, closed, escalated)', "invalid_argument", "tickets",
     "status"),
    ({"priority": "urgent"}, 'priority isn\'t valid: "urgent" (high, medium, low)', "invalid_argument", "tickets",
     "priority"),
    ({"source": "fax"}, 'source isn\'t valid: "fax" (walkin, call, email, sms)', "invalid_argument", "tickets",
     "source"),
    ({"category_main": "999999"}, "category_main 999999 is not a main category", "invalid_argument", "tickets",
     "category_main"),
    ({"category_main": "abc"}, DATATYPE, "invalid_argument", "tickets", "category_main"),
    ({"narrative": {"x": 1}}, DATATYPE, "invalid_argument", "tickets", "narrative"),
    ({"mood": "sad"}, 'unknown field "mood"', "invalid_argument", "tickets", "mood"),
    ({"contacts": "Ann"}, DATATYPE, "invalid_argument", "tickets", "contacts"),
    ({"contacts": {"fname": "A", "shoe": "9"}}, 'unknown field "shoe"', "invalid_argument", "contacts", "shoe"),
    ({"contacts": {"fname": ["A"]}}, DATATYPE, "invalid_argument", "contacts", "fname"),
    ({"contacts": {"fname": "A", "email": "not-an-email"}}, "email isn't valid", "invalid_argument", "contacts",
     "email"),
    ({"assigned_to": "999999"}, "user 999999 is not an active agent of the organisation", "invalid_argument",
     "tickets", "assigned_to"),
])
def test_create_ticket_refusals_write_nothing(host, org, cats, override, message, error_type, table, field):
    main, sub = cats
    body = seed_body(main, sub, **override)
    if isinstance(body["contacts"], dict) and "phone" not in body["contacts"]:
        body["contacts"] = {**body["contacts"], "phone": new_phone()}
    before = org.total("tickets")
    chs_error(host.post("/eproc/tickets", json=body, headers=org.bearer()), 412, message, error_type, table,
              field=field)
    assert org.total("tickets") == before
    # No orphan contact either. No endpoint lists contacts, but a ticket with
    # a contact's phone reuses that contact, keeping the fields it does not
    # send: a contact the refusal wrote would come back with its names.
    if isinstance(body["contacts"], dict):
        phone = body["contacts"]["phone"]
        contact = org.ticket(contacts={"phone": phone})["contacts"]
        assert {k: contact[k] for k in CONTACT} == dict({k: "" for k in CONTACT}, phone=phone), contact


def test_categories_must_exist_in_the_organisation_and_fit(host, org, cats):
    main, sub = cats
    other = host.sign_up()
    foreign = other.category("Foreign")
    chs_error(host.post("/eproc/tickets", json={"category_main": foreign["id"]}, headers=org.bearer()), 412,
              "category_main %s is not a main category" % foreign["id"], "invalid_argument", "tickets",
              field="category_main")
    main2 = org.category("Other")
    chs_error(host.post("/eproc/tickets", json={"category_main": main2["id"], "category_sub": sub["id"]},
                        headers=org.bearer()), 412, "category_sub does not belong to category_main",
              "invalid_argument", "tickets", field="category_sub")
    chs_error(host.post("/eproc/tickets", json={"category_main": sub["id"]}, headers=org.bearer()), 412,
              "category_main %s is not a main category" % sub["id"], "invalid_argument", "tickets",
              field="category_main")


def test_malformed_body_and_no_session(host, org):
    r = host.post("/eproc/tickets", data="{not json", headers={**org.bearer(), "Content-Type": "application/json"})
    chs_error(r, 412, DATATYPE, "invalid_argument", "tickets")
    r = host.post("/eproc/tickets", json={"narrative": "x"})
    assert r.status_code == 401 and r.json()["loggedoff"] == [["Auth"]]


# ------------------------------------------------------------------ 3.2 update, 3.3 view

def test_update_and_view_ticket(host, org, cats):
    main, sub = cats
    t = org.ticket()
    r = host.post("/eproc/tickets/" + t["id"], json={"status": "escalated", "priority": "high",
                                                     "escalated_to": "police", "category_main": main["id"],
                                                     "category_sub": sub["id"]}, headers=org.bearer())
    u = chs_ok(r, 202, "tickets", "Ticket Updated")[0]
    assert (u["status"], u["priority"], u["escalated_to"], u["category_sub"]) == ("escalated", "high", "police",
                                                                                  sub["id"])
    v = chs_ok(host.get("/eproc/tickets/" + t["id"], headers=org.bearer()), 200, "tickets")[0]
    assert v == u
    history = chs_ok(host.get("/eproc/tickets/%s/history" % t["id"], headers=org.bearer()), 200, "history")
    changed = {(h["field"], h["old_value"], h["new_value"]) for h in history}
    assert ("status", "open", "escalated") in changed and ("priority", "medium", "high") in changed


def test_update_and_view_refusals(host, org):
    t = org.ticket()
    chs_error(host.post("/eproc/tickets/" + t["id"], json={"status": "done"}, headers=org.bearer()), 412,
              'status isn\'t valid: "done" (open, closed, escalated)', "invalid_argument", "tickets", t["id"],
              "status")
    chs_error(host.get("/eproc/tickets/abc", headers=org.bearer()), 412, "id isn't a valid record id",
              "invalid_argument", "tickets", field="id")
    chs_error(host.get("/eproc/tickets/99999999", headers=org.bearer()), 412, "no ticket 99999999", "not_found",
              "tickets", "99999999", "id")
    # Another organisation's ticket does not exist for this one.
    other = host.sign_up()
    foreign = other.ticket()
    for r in (host.get("/eproc/tickets/" + foreign["id"], headers=org.bearer()),
              host.post("/eproc/tickets/" + foreign["id"], json={"status": "closed"}, headers=org.bearer()),
              host.get("/eproc/tickets/%s/history" % foreign["id"], headers=org.bearer())):
        chs_error(r, 412, "no ticket " + foreign["id"], "not_found", "tickets", foreign["id"], "id")
    theirs = chs_ok(host.get("/eproc/tickets/" + foreign["id"], headers=other.bearer()), 200, "tickets")[0]
    assert theirs["status"] == "open"


# ------------------------------------------------------------------ 3.4 list

def test_list_tickets_filters_search_and_paging(host):
    org = host.sign_up()
    a = org.ticket(narrative="water pump broken", priority="high")
    b = org.ticket(narrative="school fees", priority="high", status="escalated")
    c = org.ticket(narrative="lost passport", contacts={"fname": "Wanjiru", "phone": "0711000111"})
    h = org.bearer()

    def ids(params):
        r = host.get("/eproc/tickets/", headers=h, params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        return [t["id"] for t in body["tickets"]], body["tickets_ctx"]

    assert ids({}) == ([c["id"], b["id"], a["id"]], [["total", "3"]])
    assert ids({"priority": "high"})[0] == [b["id"], a["id"]]
    assert ids({"priority": "high", "status": "open"})[0] == [a["id"]]
    assert ids({"priority": "high", "_c": "1", "_a": "1"}) == ([a["id"]], [["total", "2"]])
    assert ids({"q": "passport"})[0] == [c["id"]]
    assert ids({"search": "Wanjiru"})[0] == [c["id"]]
    assert ids({"ticket_no": b["ticket_no"]})[0] == [b["id"]]
    today = datetime.datetime.now(datetime.timezone.utc).date()
    assert len(ids({"created_on": "%s to %s" % (today - datetime.timedelta(days=1),
                                                today + datetime.timedelta(days=1))})[0]) == 3
    assert host.get("/eproc/tickets", headers=h).json()["tickets_ctx"] == [["total", "3"]]


def test_list_tickets_refusals(host, org):
    h = org.bearer()
    chs_error(host.get("/eproc/tickets/", headers=h, params={"shoe": "9"}), 412,
              'unknown filter field "shoe" for tickets', "invalid_argument", "tickets", field="shoe")
    chs_error(host.get("/eproc/tickets/", headers=h, params={"_c": "x"}), 412, "_c must be a whole number",
              "invalid_argument", "tickets", field="_c")
    chs_error(host.get("/eproc/tickets/", headers=h, params={"_c": "5000"}), 412,
              "the page size (_c) is over the maximum of 1000", "invalid_argument", "tickets", field="_c")
    chs_error(host.get("/eproc/tickets/", headers=h, params={"csv": "yes"}), 412, "csv must be 1 or 0",
              "invalid_argument", "tickets", field="csv")


# ------------------------------------------------------------------ 3.5 CSV

def test_tickets_csv(host):
    org = host.sign_up()
    org.ticket(narrative="=HYPERLINK(\"http://evil\")", priority="low")
    org.ticket(narrative="plain, with \"quotes\"\nand a line", priority="high")
    before = host.activity_count(org)
    rows = csv_rows(host.get("/eproc/tickets/", headers=org.bearer(), params={"csv": "1"}))
    assert rows[0] == ["id", "ticket_no", "source", "source_id", "category_main", "category_sub", "narrative",
                       "resolution", "status", "priority", "referred_to", "escalated_to", "disposition",
                       "contact_id", "contact_fname", "contact_lname", "contact_phone", "contact_email",
                       "assigned_to", "created_by", "created_on", "updated_on"]
    assert len(rows) == 3
    narrative = rows[0].index("narrative")
    assert rows[1][narrative] == "plain, with \"quotes\"\nand a line"
    assert rows[2][narrative] == "'=HYPERLINK(\"http://evil\")"   # neutralised formula
    assert host.activity_count(org) == before + 1
    # The filters and paging of the list apply.
    rows = csv_rows(host.get("/eproc/tickets/", headers=org.bearer(), params={"csv": "1", "priority": "low"}))
    assert len(rows) == 2 and rows[1][narrative].startswith("'=")
    assert len(csv_rows(host.get("/eproc/tickets/", headers=org.bearer(), params={"csv": "1", "_c": "1"}))) == 2
    chs_error(host.get("/eproc/tickets/", headers=org.bearer(), params={"csv": "1", "mood": "x"}), 412,
              'unknown filter field "mood" for tickets', "invalid_argument", "tickets", field="mood")


def test_large_csv_streams(host):
    org = host.sign_up()
    narrative = "n" * 60000
    for _ in range(12):
        org.ticket(narrative=narrative)
    r = host.get("/eproc/tickets/", headers=org.bearer(), params={"csv": "1"}, stream=True)
    assert r.headers.get("Transfer-Encoding") == "chunked"
    rows = csv_rows(r)
    assert len(rows) == 13 and all(row[6] == narrative for row in rows[1:])


# ------------------------------------------------------------------ 3.6 pivot reports

def test_tickets_pivot(host, cats):
    org = host.sign_up()
    for status, priority in [("open", "high"), ("open", "high"), ("open", "low"), ("closed", "low")]:
        org.ticket(status=status, priority=priority)
    h = org.bearer()
    r = host.get("/eproc/tickets/rpt", headers=h, params={"xaxis": "status", "yaxis": "priority"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert sorted((row["status"], row["priority"], row["count"]) for row in body["tickets_rpt"]) == [
        ("closed", "low", "1"), ("open", "high", "2"), ("open", "low", "1")]
    assert body["tickets_ctx"] == [["total", "4"], ["xaxis", "status"], ["yaxis", "priority"]]
    # A comma list on one axis, a filter, and no group field at all.
    body = host.get("/eproc/tickets/rpt", headers=h, params={"xaxis": "status,priority", "status": "open"}).json()
    assert sorted((row["status"], row["priority"], row["count"]) for row in body["tickets_rpt"]) == [
        ("open", "high", "2"), ("open", "low", "1")]
    body = host.get("/eproc/tickets/rpt", headers=h).json()
    assert body["tickets_rpt"] == [{"count": "4"}] and body["tickets_ctx"][0] == ["total", "4"]


def test_tickets_pivot_refusals(host, org):
    h = org.bearer()
    r = host.get("/eproc/tickets/rpt", headers=h, params={"xaxis": "narrative"})
    assert r.status_code == 412 and r.json()["errors"][0][2:] == ["invalid_argument", "tickets", "", "xaxis"]
    assert '"narrative" is not a group field of tickets' in r.json()["errors"][0][1]
    chs_error(host.get("/eproc/tickets/rpt", headers=h, params={"xaxis": "status", "yaxis": "status"}), 412,
              'group field "status" is repeated', "invalid_argument", "tickets", field="yaxis")
    chs_error(host.get("/eproc/tickets/rpt", headers=h, params={"flavour": "x"}), 412,
              'unknown filter field "flavour" for tickets', "invalid_argument", "tickets", field="flavour")


def test_every_request_leaves_one_activity_entry(host, org):
    t = org.ticket()
    before = host.activity_count(org)
    host.get("/eproc/tickets/" + t["id"], headers=org.bearer())
    host.get("/eproc/tickets/", headers=org.bearer(), params={"bogus": "1"})
    host.post("/eproc/tickets", json={"bogus": "1"}, headers=org.bearer())
    host.post("/eproc/tickets", data="[1]", headers={**org.bearer(), "Content-Type": "application/json"})
    host.get("/eproc/tickets/rpt", headers=org.bearer(), params={"xaxis": "status"})
    assert host.activity_count(org) == before + 5
    endpoint, ok_, _, _ = host.last_activity(org)
    assert (endpoint, ok_) == ("GET /eproc/tickets/rpt", 1)


@pytest.mark.parametrize("method, path", [
    ("POST", "/eproc/tickets"), ("GET", "/eproc/tickets/"), ("GET", "/eproc/tickets/rpt"),
    ("POST", "/eproc/tickets/1"), ("GET", "/eproc/tickets/1"), ("POST", "/eproc/tickets/1/assign"),
    ("POST", "/eproc/tickets/1/close"), ("GET", "/eproc/tickets/1/history"), ("GET", "/eproc/tickets/1/messages"),
    ("POST", "/eproc/tickets/1/messages"), ("GET", "/eproc/categories"), ("POST", "/eproc/categories"),
    ("POST", "/eproc/calls"), ("GET", "/eproc/calls/"), ("GET", "/eproc/calls/rpt"), ("GET", "/eproc/calls/1"),
    ("POST", "/eproc/calls/1/recording"), ("POST", "/eproc/qa"), ("GET", "/eproc/qa/"), ("GET", "/eproc/qa/rpt"),
    ("GET", "/eproc/qa/1"), ("POST", "/eproc/files"), ("GET", "/eproc/files"), ("GET", "/eproc/files/1"),
    ("GET", "/eproc/stats/0"), ("GET", "/eproc/users/rpt"),
])
def test_new_endpoints_need_a_session(host, method, path):
    for headers in ({}, bearer("a" * 32)):
        r = host.session.request(method, host.url + path, headers=headers, timeout=30)
        assert r.status_code == 401, (path, r.text)
        assert r.json() == {"errors": [["error", "Authentication Required"]], "loggedoff": [["Auth"]]}


def test_a_client_that_stops_reading_a_csv_does_not_stall_the_host(host):
    org = host.sign_up()
    for _ in range(40):
        org.ticket(narrative="x" * 60000)
    r = host.get("/eproc/tickets/", headers=org.bearer(), params={"csv": "1"}, stream=True)
    assert r.status_code == 200
    next(r.iter_content(1024))
    r.close()
    host.session.close()
    # The host answers on, and the export left its one activity entry.
    assert host.get("/eproc/tickets/", headers=org.bearer()).json()["tickets_ctx"] == [["total", "40"]]
    deadline = time.time() + 10
    while True:   # the export ends on the connection's own worker, maybe after the next request
        rows = ok(host.get("/activities/views/logs", headers=org.auth(),
                           params={"endpoint": "GET /eproc/tickets/"}))["DATA"]
        if len(rows) == 2 or time.time() > deadline:
            break
        time.sleep(0.05)
    assert len(rows) == 2
