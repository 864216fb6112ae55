"""Tickets: contacts, categories, history, lists, CSV, pivot reports, and the
Customer Care Registry flow with every refusal."""

import csv
import io

import pytest

import switchboard
from sbtest import add_customer, add_user, new_org


def contact(phone: str, first_name: str = "Amina", last_name: str = "Otieno", **more) -> dict:
    return {"first_name": first_name, "last_name": last_name, "phone": phone, **more}


def test_ticket_with_contact_and_contact_reuse_by_phone(db, org):
    t1 = db.create_ticket(org.admin_token, narrative="caller reports abuse at school",
                          contact=contact("+254 711 000001", town="Kisumu"))
    assert t1["ticket_no"] == "TK000001"
    assert (t1["status"], t1["priority"], t1["source"]) == ("open", "medium", "walkin")
    assert t1["created_by"] == org.admin_id
    assert t1["assigned_to"] == 0
    assert t1["contact"]["first_name"] == "Amina"
    assert t1["contact"]["town"] == "Kisumu"
    assert t1["contact"]["id"] == t1["contact_id"] > 0

    # The same phone reuses the contact; a dict and keywords combine.
    t2 = db.create_ticket(org.admin_token, {"narrative": "follow-up call", "source": "call"},
                          contact=contact("+254 711 000001"))
    assert t2["ticket_no"] == "TK000002"
    assert t2["source"] == "call"
    assert t2["contact_id"] == t1["contact_id"]
    t3 = db.create_ticket(org.admin_token, narrative="another caller", contact=contact("+254 711 000002"))
    assert t3["ticket_no"] == "TK000003"
    assert t3["contact_id"] != t1["contact_id"]
    t4 = db.create_ticket(org.admin_token, narrative="no contact")
    assert t4["contact"] is None and t4["contact_id"] == 0

    got = db.get_ticket(org.admin_token, t1["id"])
    assert got["narrative"] == "caller reports abuse at school"
    assert got["contact"]["phone"] == "+254 711 000001"


def test_bad_ticket_fields_name_the_field_and_write_nothing(db, org):
    cases = [
        ({"status": "pending"}, "status"),
        ({"priority": "urgent"}, "priority"),
        ({"source": "pigeon"}, "source"),
        ({"category_main": 999}, "category_main"),
        ({"assigned_to": 999}, "assigned_to"),
        ({"disposition": "hung up"}, "disposition"),
        ({"colour": "red"}, "colour"),
        ({"priority": 3}, "priority"),
        ({"contact": "Amina"}, "contact"),
        ({"contact": {"phone": "not a phone"}}, "phone"),
    ]
    for fields, field in cases:
        with pytest.raises(switchboard.InvalidArgument) as info:
            db.create_ticket(org.admin_token, narrative="x", **fields)
        assert info.value.field == field, fields
    with pytest.raises(switchboard.InvalidArgument):
        db.create_ticket(org.admin_token, ["narrative", "x"])
    # No ticket number was used, no contact left behind.
    ok = db.create_ticket(org.admin_token, narrative="fine", contact=contact("+254 711 000009"))
    assert ok["ticket_no"] == "TK000001"
    assert db.list_tickets(org.admin_token)["total"] == 1
    assert db.create_ticket(org.admin_token, disposition="call completed")["disposition"] == "call-completed"


def test_categories_form_a_two_level_tree(db, org):
    main = db.add_category(org.admin_token, "Abuse")
    sub = db.add_category(org.admin_token, "Physical", parent_id=main["id"])
    other = db.add_category(org.admin_token, "Health")
    assert main["parent_id"] == 0 and sub["parent_id"] == main["id"]
    assert sub["name"] == "Physical"
    with pytest.raises(switchboard.AlreadyExists) as info:
        db.add_category(org.admin_token, "Abuse")
    assert info.value.field == "name"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.add_category(org.admin_token, "Deeper", sub["id"])
    assert info.value.field == "parent_id"
    _, agent = add_user(db, org, "kioko")
    with pytest.raises(switchboard.Forbidden):
        db.add_category(agent, "Mine")
    assert {(c["name"], c["parent_id"]) for c in db.list_categories(agent)} == {
        ("Abuse", 0), ("Physical", main["id"]), ("Health", 0)}

    t = db.create_ticket(org.admin_token, narrative="case", category_main=main["id"], category_sub=sub["id"])
    assert (t["category_main"], t["category_sub"]) == (main["id"], sub["id"])
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.create_ticket(org.admin_token, narrative="case", category_main=other["id"], category_sub=sub["id"])
    assert info.value.field == "category_sub"


def test_every_change_is_kept_in_the_history(db, org):
    agent, _ = add_user(db, org, "kioko")
    t = db.create_ticket(org.admin_token, narrative="lost parcel", contact=contact("+254 711 000001"))
    change = {"status": "escalated", "priority": "high", "escalated_to": "police"}
    updated = db.update_ticket(org.admin_token, t["id"], change)
    assert (updated["status"], updated["priority"], updated["escalated_to"]) == ("escalated", "high", "police")
    db.assign_ticket(org.admin_token, t["id"], agent["id"])
    db.update_ticket(org.admin_token, t["id"], **change)  # no change: no history
    history = db.ticket_history(org.admin_token, t["id"])
    assert [h["field"] for h in history] == ["created", "status", "priority", "escalated_to", "assigned_to"]
    assert (history[1]["old_value"], history[1]["new_value"]) == ("open", "escalated")
    assert (history[2]["old_value"], history[2]["new_value"]) == ("medium", "high")
    assert history[4]["new_value"] == str(agent["id"])
    assert all(h["ticket_id"] == t["id"] and h["user_id"] == org.admin_id for h in history)
    assert history[1]["actor"] == db.get_user(org.admin_token, org.admin_id)["username"]
    times = [h["time_ms"] for h in history]
    assert times == sorted(times) and times[0] > 0


def test_customer_care_registry_flow(db, org):
    agent, agent_token = add_user(db, org, "kioko")
    _, other_agent_token = add_user(db, org, "wanjiru")
    customer, customer_token = add_customer(db, org, "surya@example.org")
    _, other_customer_token = add_customer(db, org, "bob@example.org", first_name="Bob")

    # The customer raises a ticket: only the narrative (and contact) is theirs.
    t = db.create_ticket(customer_token, narrative="Which charger fits model X?")
    assert t["created_by"] == customer["id"]
    assert t["ticket_no"] == "TK000001"
    with pytest.raises(switchboard.Forbidden):
        db.create_ticket(customer_token, narrative="urgent!", priority="high")
    with pytest.raises(switchboard.Forbidden):
        db.update_ticket(customer_token, t["id"], priority="high")

    # Only admins and supervisors assign, and only to staff.
    with pytest.raises(switchboard.Forbidden):
        db.assign_ticket(customer_token, t["id"], agent["id"])
    with pytest.raises(switchboard.Forbidden):
        db.assign_ticket(agent_token, t["id"], agent["id"])
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.assign_ticket(org.admin_token, t["id"], customer["id"])
    assert info.value.field == "assigned_to"
    assert db.assign_ticket(org.admin_token, t["id"], agent["id"])["assigned_to"] == agent["id"]

    # Who sees the ticket: another agent or customer gets NotFound.
    assert db.get_ticket(agent_token, t["id"])["assigned_to"] == agent["id"]
    for token in (other_agent_token, other_customer_token):
        with pytest.raises(switchboard.NotFound):
            db.get_ticket(token, t["id"])
        with pytest.raises(switchboard.NotFound):
            db.list_messages(token, t["id"])
        with pytest.raises(switchboard.NotFound):
            db.post_message(token, t["id"], "hi")
        with pytest.raises(switchboard.NotFound):
            db.close_ticket(token, t["id"])
        assert db.list_tickets(token) == {"total": 0, "items": []}
    assert db.list_tickets(customer_token)["total"] == 1
    assert db.list_tickets(agent_token)["items"][0]["id"] == t["id"]

    # The conversation, in order.
    m1 = db.post_message(customer_token, t["id"], "Hello, which charger?")
    assert (m1["author_id"], m1["author_role"], m1["ticket_id"]) == (customer["id"], "customer", t["id"])
    db.post_message(agent_token, t["id"], "The 65 W USB-C one.")
    db.post_message(customer_token, t["id"], "Thanks, that works.")
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.post_message(customer_token, t["id"], "   ")
    assert info.value.field == "body"
    messages = db.list_messages(customer_token, t["id"])
    assert [(m["author"], m["author_role"], m["body"]) for m in messages] == [
        (customer["username"], "customer", "Hello, which charger?"),
        ("kioko", "agent", "The 65 W USB-C one."),
        (customer["username"], "customer", "Thanks, that works."),
    ]
    assert messages == db.list_messages(agent_token, t["id"])
    assert [m["id"] for m in messages] == sorted(m["id"] for m in messages)

    # The customer closes it; nothing more is said on a closed ticket.
    with pytest.raises(switchboard.Forbidden):
        db.update_ticket(customer_token, t["id"], resolution="done")
    closed = db.close_ticket(customer_token, t["id"])
    assert closed["status"] == "closed"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.post_message(agent_token, t["id"], "anything else?")
    assert info.value.field == "status"
    assert [h["field"] for h in db.ticket_history(org.admin_token, t["id"])] == ["created", "assigned_to", "status"]
    # The search finds the conversation's words.
    assert db.list_tickets(org.admin_token, search="USB-C")["total"] == 1

    # Every step is in the activity log, refusals included.
    log = db.list_activity(org.admin_token, filters={"endpoint": "post_message"})
    assert log["total"] == 3 + 2 + 1 + 1  # three posted; two unseen, one empty, one closed
    assert db.list_activity(org.admin_token, filters={"endpoint": "post_message", "status": "KO"})["total"] == 4
    assert db.list_activity(org.admin_token, filters={"endpoint": "close_ticket", "status": "OK"})["total"] == 1


def test_lists_filter_page_count_and_search(db, org):
    ids = []
    for i in range(30):
        t = db.create_ticket(org.admin_token,
                             narrative="school fees question" if i % 2 else "domestic violence report",
                             priority="high" if i % 3 == 0 else "low",
                             status="closed" if i % 5 == 0 else "open",
                             contact=contact(f"+254 711 1000{10 + i}"))
        ids.append(t["id"])
    page = db.list_tickets(org.admin_token, filters={"status": "open", "priority": "high"}, count=3, offset=1)
    matching = [ids[i] for i in range(30) if i % 3 == 0 and i % 5 != 0]
    assert page["total"] == len(matching) == 8
    assert [t["id"] for t in page["items"]] == sorted(matching, reverse=True)[1:4]
    assert all(t["status"] == "open" and t["priority"] == "high" for t in page["items"])

    assert db.list_tickets(org.admin_token, count=5, offset=28)["total"] == 30
    assert len(db.list_tickets(org.admin_token, count=5, offset=28)["items"]) == 2
    assert db.list_tickets(org.admin_token, filters=[("ticket_no", "TK000007")])["items"][0]["id"] == ids[6]
    assert db.list_tickets(org.admin_token, search="violence")["total"] == 15
    assert db.list_tickets(org.admin_token, search="Otieno")["total"] == 30  # the contact's name
    assert db.list_tickets(org.admin_token, search='"unbalanced OR')["total"] == 0  # words, not syntax
    assert db.list_tickets(org.admin_token, search="violence", filters={"status": "closed"})["total"] == 3
    everything = ("2000-01-01", "2999-01-01")
    assert db.list_tickets(org.admin_token, filters={"created_on": everything})["total"] == 30
    assert db.list_tickets(org.admin_token, filters={"created_on": "2000-01-01 to 2000-01-02"})["total"] == 0

    with pytest.raises(switchboard.InvalidArgument) as info:
        db.list_tickets(org.admin_token, filters={"narrative; DROP TABLE tickets": "x"})
    assert info.value.field == "narrative; DROP TABLE tickets"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.list_tickets(org.admin_token, filters={"colour": "red"})
    assert info.value.field == "colour"
    assert db.list_tickets(org.admin_token)["total"] == 30  # still there


def test_tickets_export_as_csv_spreadsheets_cannot_run(db, org):
    db.create_ticket(org.admin_token, narrative='=HYPERLINK("http://x")', resolution='line one\nline "two", done',
                     contact=contact("+254 711 000001"))
    db.create_ticket(org.admin_token, narrative="plain", priority="low")
    text = db.export_tickets_csv(org.admin_token)
    assert isinstance(text, str)
    assert text.startswith("id,ticket_no,source,source_id,category_main,category_sub,narrative,resolution,"
                           "status,priority,")
    assert text.count("\r\n") == 3  # header and two rows; the line break inside the resolution is \n
    assert '"\'=HYPERLINK(""http://x"")"' in text
    assert '"line one\nline ""two"", done"' in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 3
    header = rows[0]
    assert header[-2:] == ["created_on", "updated_on"]
    assert [r[header.index("ticket_no")] for r in rows[1:]] == ["TK000002", "TK000001"]  # newest first
    assert rows[2][header.index("narrative")] == "'=HYPERLINK(\"http://x\")"
    assert rows[2][header.index("contact_first_name")] == "Amina"

    # The selection of the list method; count and offset apply when given.
    low = list(csv.reader(io.StringIO(db.export_tickets_csv(org.admin_token, {"priority": "low"}), newline="")))
    assert [r[1] for r in low[1:]] == ["TK000002"]
    first = list(csv.reader(io.StringIO(db.export_tickets_csv(org.admin_token, count=1, offset=1), newline="")))
    assert [r[1] for r in first[1:]] == ["TK000001"]
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.export_tickets_csv(org.admin_token, {"nope": 1})
    assert info.value.field == "nope"


def test_csv_streams_to_a_sink(db, org, tmp_path):
    for i in range(600):  # over 64 KiB of CSV: more than one chunk
        db.create_ticket(org.admin_token, narrative=f"ticket {i} " + "x" * 120)
    chunks = []
    assert db.export_tickets_csv(org.admin_token, sink=chunks.append) is None
    assert len(chunks) >= 2
    assert all(isinstance(c, str) and c.endswith("\r\n") for c in chunks)
    assert "".join(chunks) == db.export_tickets_csv(org.admin_token)

    out = tmp_path / "tickets.csv"
    with open(out, "w", newline="", encoding="utf-8") as f:
        db.export_tickets_csv(org.admin_token, filters={"priority": "medium"}, sink=f.write)
    assert len(list(csv.reader(out.open(newline="", encoding="utf-8")))) == 601

    class Stop(Exception):
        pass

    seen = []

    def failing(chunk):
        seen.append(chunk)
        raise Stop("enough")

    with pytest.raises(Stop, match="enough"):
        db.export_tickets_csv(org.admin_token, sink=failing)
    assert len(seen) == 1  # the export stopped at the first chunk
    failed = db.list_activity(org.admin_token, filters={"endpoint": "export_tickets_csv", "status": "KO"})
    assert failed["total"] == 1
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.export_tickets_csv(org.admin_token, sink="not callable")
    assert info.value.field == "sink"
    # The database still works after an aborted export.
    assert db.list_tickets(org.admin_token, count=1)["total"] == 600


def test_pivot_reports_count_by_group_fields(db, org):
    for i in range(12):
        db.create_ticket(org.admin_token, narrative="t", status="open" if i < 8 else "closed",
                         priority="high" if i % 2 else "low")
    total = db.report_tickets(org.admin_token)
    assert total == {"xaxis": [], "yaxis": [], "total": 12, "rows": [{"keys": [], "count": 12}]}
    report = db.report_tickets(org.admin_token, xaxis=["status"], yaxis=("priority",))
    assert report["xaxis"] == ["status"] and report["yaxis"] == ["priority"]
    assert report["total"] == 12
    assert [(r["keys"], r["count"]) for r in report["rows"]] == [
        (["closed", "high"], 2), (["closed", "low"], 2), (["open", "high"], 4), (["open", "low"], 4)]
    # A single field may be given as a str; filters select first.
    assert db.report_tickets(org.admin_token, "priority", filters={"status": "open"})["total"] == 8
    assert db.report_tickets(org.admin_token, "priority", filters={"status": "open"})["rows"] == [
        {"keys": ["high"], "count": 4}, {"keys": ["low"], "count": 4}]
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.report_tickets(org.admin_token, xaxis=["narrative"])
    assert info.value.field == "xaxis"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.report_tickets(org.admin_token, yaxis="nope")
    assert info.value.field == "yaxis"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.report_tickets(org.admin_token, xaxis=[1])
    assert info.value.field == "xaxis"


def test_users_export_and_report(db, org):
    add_user(db, org, "kioko")
    add_user(db, org, "sue", role="supervisor")
    text = db.export_users_csv(org.admin_token)
    assert text.startswith("id,username,email,phone,first_name,last_name,extension,photo,role,active,created_on\r\n")
    assert "kioko@acme.example" in text
    assert text.count("\r\n") == 4
    agents = db.export_users_csv(org.admin_token, filters={"role": "agent"})
    assert agents.count("\r\n") == 2 and "sue@acme.example" not in agents
    chunks = []
    db.export_users_csv(org.admin_token, sink=chunks.append)
    assert "".join(chunks) == text
    report = db.report_users(org.admin_token, ["role"], ["active"])
    assert report["total"] == 3
    assert [(r["keys"], r["count"]) for r in report["rows"]] == [
        (["admin", "1"], 1), (["agent", "1"], 1), (["supervisor", "1"], 1)]
    _, agent_token = add_user(db, org, "otieno")
    with pytest.raises(switchboard.Forbidden):
        db.export_users_csv(agent_token)


def test_tickets_never_cross_organisations(db, org):
    t = db.create_ticket(org.admin_token, narrative="private", contact=contact("+254 711 000001"))
    db.post_message(org.admin_token, t["id"], "internal note")
    other = new_org(db, "Beta Helpline", "owner@beta.example", "+254 700 000 002")
    for call in (lambda: db.get_ticket(other.admin_token, t["id"]),
                 lambda: db.update_ticket(other.admin_token, t["id"], narrative="mine now"),
                 lambda: db.list_messages(other.admin_token, t["id"]),
                 lambda: db.post_message(other.admin_token, t["id"], "hello"),
                 lambda: db.ticket_history(other.admin_token, t["id"]),
                 lambda: db.close_ticket(other.admin_token, t["id"])):
        with pytest.raises(switchboard.NotFound):
            call()
    assert db.list_tickets(other.admin_token)["total"] == 0
    assert db.list_tickets(other.admin_token, search="private")["total"] == 0
    assert db.export_tickets_csv(other.admin_token).count("\r\n") == 1  # the header only
    assert db.report_tickets(other.admin_token)["total"] == 0
    assert db.list_categories(other.admin_token) == []
    # The same phone in another organisation is another contact; numbers are per organisation.
    theirs = db.create_ticket(other.admin_token, narrative="theirs", contact=contact("+254 711 000001"))
    assert theirs["contact_id"] != t["contact_id"]
    assert theirs["ticket_no"] == "TK000001"
    assert db.get_ticket(org.admin_token, t["id"])["narrative"] == "private"
    # The platform operator sees organisations, never their records.
    db.create_operator("root", "ops@platform.example", "Correct-Horse-42")
    op = db.sign_in("ops@platform.example", "Correct-Horse-42")["token"]
    with pytest.raises(switchboard.Forbidden):
        db.list_tickets(op)
    with pytest.raises(switchboard.Unauthorized):
        db.list_tickets("x" * 32)


def test_sink_exports_run_alongside_other_threads(db, org):
    import threading

    for i in range(300):
        db.create_ticket(org.admin_token, narrative=f"ticket {i} " + "y" * 300)
    expected = db.export_tickets_csv(org.admin_token)
    results, errors = {}, []

    def export(n):
        try:
            chunks = []
            db.export_tickets_csv(org.admin_token, sink=lambda c: chunks.append(c.upper() and c))
            results[n] = "".join(chunks)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    def lists():
        try:
            for _ in range(20):
                assert db.list_tickets(org.admin_token, count=5)["total"] == 300
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=export, args=(n,)) for n in range(3)] + [threading.Thread(target=lists)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert all(not t.is_alive() for t in threads)
    assert results == {0: expected, 1: expected, 2: expected}


def test_kept_tickets_follow_another_handles_changes(db, org, db_path):
    """A ticket read by id is kept in memory (record_cache_bytes); a change
    made through another handle on the file, as another process would make
    it, is seen within a few tenths of a second, and a change of its contact
    too. A handle that keeps nothing reads the file every time."""
    import time

    from sbtest import open_db

    t = db.create_ticket(org.admin_token, narrative="first words", contact=contact("+254 711 000050"))
    before = db.record_cache_stats()
    assert db.get_ticket(org.admin_token, t["id"])["narrative"] == "first words"  # kept now
    assert db.get_ticket(org.admin_token, t["id"])["narrative"] == "first words"  # from memory
    after = db.record_cache_stats()
    assert after["misses"] == before["misses"] + 1 and after["hits"] == before["hits"] + 1
    assert after["records"] >= 1 and after["bytes"] > 0 and after["max_bytes"] == 128 << 20
    other = open_db(db_path)
    uncached = open_db(db_path, record_cache_bytes=0)
    try:
        other.update_ticket(org.admin_token, t["id"], narrative="changed elsewhere")
        other.create_ticket(org.admin_token, narrative="same caller",
                            contact=contact("+254 711 000050", first_name="Baraka"))
        assert uncached.get_ticket(org.admin_token, t["id"])["narrative"] == "changed elsewhere"
        assert uncached.record_cache_stats() == {"hits": 0, "misses": 0, "records": 0, "bytes": 0, "max_bytes": 0}
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            got = db.get_ticket(org.admin_token, t["id"])
            if got["narrative"] == "changed elsewhere" and got["contact"]["first_name"] == "Baraka":
                break
            time.sleep(0.02)
        assert got["narrative"] == "changed elsewhere"
        assert got["contact"]["first_name"] == "Baraka"
    finally:
        other.close()
        uncached.close()
    with pytest.raises(switchboard.InvalidArgument) as e:
        open_db(db_path, record_cache_bytes=-1)
    assert e.value.field == "record_cache_bytes"
