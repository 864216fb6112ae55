"""Text analysis (switchboard.analyze_text), phrase pools and text
interactions (OctaPy IO2/IO3) through the bindings."""

import re
import threading

import pytest

import switchboard
from sbtest import add_user

EMAIL = "owner@acme.example"
CARD = "4539 1488 0343 6467"  # passes Luhn, a visa number
MASKED = "**** **** **** 6467"
SUPPORT_TEXT = (f"Client: I want a refund, we are with Acme Telecom. My card is {CARD}.\n"
                "Agent: I will send you the refund within 24 hours.")


def dev_token(db, org, username="devops"):
    pass_key = db.add_dev_key(org.admin_token, username)["pass_key"]
    return db.issue_dev_token(EMAIL, username, pass_key)["token"]


# ------------------------------------------------------------------ analyze_text

def test_analyze_text_finds_phrases_promises_and_masks_the_card():
    r = switchboard.analyze_text(SUPPORT_TEXT, speaker="agent")
    assert set(r) == {"findings", "promises", "redacted_text", "pci", "truncated"}
    red = r["redacted_text"]
    assert CARD not in red
    assert MASKED in red
    assert red == SUPPORT_TEXT.replace(CARD, MASKED)
    assert r["truncated"] is False

    # a default-pool phrase, offsets into the redacted text
    refund = [f for f in r["findings"] if f["pool"] == "Call for Action"]
    assert refund and refund[0]["phrase"] == "i want a refund"
    assert refund[0]["text"] == "I want a refund"
    assert (refund[0]["start"], refund[0]["end"]) == (8, 23)
    for f in r["findings"]:
        assert red[f["start"]:f["end"]] == f["text"], f

    # the card reported to Critical Info and under pci
    card = [f for f in r["findings"] if f["phrase"] == "<card number>"]
    assert [c["text"] for c in card] == [MASKED]
    assert [p["kind"] for p in r["pci"]] == ["card_number"]
    pci = r["pci"][0]
    assert (pci["last4"], pci["brand"], pci["masked"], pci["spoken"]) == ("6467", "visa", True, False)
    assert red[pci["start"]:pci["end"]] == MASKED

    # the promise with its time statement normalised
    assert len(r["promises"]) == 1
    p = r["promises"][0]
    assert p["text"] == "I will send you the refund within 24 hours"
    assert red[p["start"]:p["end"]] == p["text"]
    assert p["time_statement"] == "within 24 hours"
    assert p["due"] == {"days": 1, "hours": 24, "business_days": False}
    assert p["speaker"] == "agent"


def test_analyze_text_offsets_count_characters():
    text = "Café déjà vu — um, I'll call you back tomorrow."
    r = switchboard.analyze_text(text)
    um = [f for f in r["findings"] if f["text"].lower() == "um"]
    assert um and text[um[0]["start"]:um[0]["end"]] == "um"
    p = r["promises"][0]
    assert text[p["start"]:p["end"]] == p["text"]
    assert p["due"]["days"] == 1
    assert p["speaker"] is None


def test_analyze_text_options():
    # An expiry date next to the card number is masked with or without mask_expiry.
    text = f"My card is {CARD}, expiry 12/27. I will call you on Friday."
    for mask_expiry in (False, True):
        r = switchboard.analyze_text(text, mask_expiry=mask_expiry)
        assert r["redacted_text"] == f"My card is {MASKED}, expiry **/**. I will call you on Friday."
        assert [(p["kind"], p["text"], p["masked"]) for p in r["pci"]] == [
            ("card_number", MASKED, True), ("expiry_date", "**/**", True)]
        assert r["promises"][0]["due"]["weekday"] == "friday"

    # One with no card number next to it is kept unless mask_expiry is set.
    alone = "My card expires June 2027. I will call you on Friday."
    kept = switchboard.analyze_text(alone)
    assert kept["redacted_text"] == alone
    assert [(p["kind"], p["text"], p["masked"]) for p in kept["pci"]] == [("expiry_date", "June 2027", False)]
    masked = switchboard.analyze_text(alone, mask_expiry=True)
    assert masked["redacted_text"] == "My card expires **** ****. I will call you on Friday."
    assert [(p["kind"], p["text"], p["masked"]) for p in masked["pci"]] == [("expiry_date", "**** ****", True)]

    plain = switchboard.analyze_text(text, pci=False, promises=False)
    assert plain["redacted_text"] == text
    assert plain["pci"] == [] and plain["promises"] == []


def test_analyze_text_masks_dotted_split_and_full_width_cards():
    text = ("Zoë: カード番号は４５３９ １４８８\n０３４３ ６４６７です, exp 12/27. "
            "Or 4000.0566.5566.5556? Or 4539-1488-\r\n0343-6467. Version 1.2.3 on 192.168.100.200, "
            "1.000.000 shillings on 12.03.2024.")
    r = switchboard.analyze_text(text)
    red = r["redacted_text"]
    assert red == ("Zoë: カード番号は**** ****\n**** ６４６７です, exp **/**. "
                   "Or ****.****.****.5556? Or ****-****-\r\n****-6467. Version 1.2.3 on 192.168.100.200, "
                   "1.000.000 shillings on 12.03.2024.")
    assert [(p["kind"], p["text"], p.get("last4"), p["masked"]) for p in r["pci"]] == [
        ("card_number", "**** ****\n**** ６４６７", "6467", True),
        ("expiry_date", "**/**", None, True),
        ("card_number", "****.****.****.5556", "5556", True),
        ("card_number", "****-****-\r\n****-6467", "6467", True),
    ]
    # start and end count characters of the redacted text
    assert (r["pci"][0]["start"], r["pci"][0]["end"]) == (11, 30)
    for p in r["pci"]:
        assert red[p["start"]:p["end"]] == p["text"], p
    for f in r["findings"]:
        assert red[f["start"]:f["end"]] == f["text"], f
    assert [f["text"] for f in r["findings"] if f["pool"] == "Critical Info"] == [p["text"] for p in r["pci"]]


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_analyze_text_refuses_empty_text(text):
    with pytest.raises(switchboard.InvalidArgument) as info:
        switchboard.analyze_text(text)
    assert info.value.field == "text"
    assert str(info.value) == "the text is empty"


def test_analyze_text_refuses_bad_input():
    with pytest.raises(switchboard.TooLarge) as info:
        switchboard.analyze_text("x" * 101, max_bytes=100)
    assert info.value.field == "text"
    assert "101 bytes" in str(info.value)
    assert switchboard.analyze_text("x" * 100, max_bytes=100)["findings"] == []

    for bad in (42, b"bytes", None):
        with pytest.raises(switchboard.InvalidArgument) as info:
            switchboard.analyze_text(bad)
        assert info.value.field == "text"
        assert "must be a str" in str(info.value)
    with pytest.raises(switchboard.InvalidArgument) as info:
        switchboard.analyze_text("a \ud800 b")
    assert info.value.field == "text"
    with pytest.raises(switchboard.InvalidArgument) as info:
        switchboard.analyze_text("hello", max_bytes=0)
    assert info.value.field == "max_bytes"
    with pytest.raises(switchboard.InvalidArgument) as info:
        switchboard.analyze_text("hello", speaker="")
    assert info.value.field == "speaker"


def test_analyze_text_in_threads():
    results = []

    def work():
        results.append(switchboard.analyze_text(SUPPORT_TEXT)["redacted_text"])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [SUPPORT_TEXT.replace(CARD, MASKED)] * 4


def test_default_phrase_pools():
    pools = switchboard.default_phrase_pools()
    assert [p["name"] for p in pools] == [
        "Critical Info", "Competitor Mention", "Legal Action Mention", "Call for Action",
        "Lack of Understanding", "Profanity", "Insignificant Talk", "Client Hold Request"]
    call_for_action = next(p for p in pools if p["name"] == "Call for Action")
    assert "i want a refund" in [p.lower() for p in call_for_action["phrases"]]


# ------------------------------------------------------------------ phrase pools

def test_pools_add_list_remove_reset(db, org):
    defaults = db.list_pools(org.admin_token)
    assert defaults and all(e["built_in"] for e in defaults)
    assert set(defaults[0]) == {"pool", "text", "regex", "built_in"}
    assert defaults[0]["pool"] == "Critical Info"

    added = db.add_phrase(org.admin_token, "Competitor Mention", "Acme Telecom")
    assert added == {"pool": "Competitor Mention", "text": "Acme Telecom", "regex": False, "built_in": False}
    rx = db.add_phrase(org.admin_token, "Order Numbers", r"\bORD-\d{6}\b", regex=True)
    assert rx["regex"] is True and rx["pool"] == "Order Numbers"
    entries = db.list_pools(org.admin_token)
    assert len(entries) == len(defaults) + 2
    assert entries[-1] == rx  # added pools come after the built-in ones
    assert added in entries

    with pytest.raises(switchboard.InvalidArgument) as info:
        db.add_phrase(org.admin_token, "Competitor Mention", "acme-telecom")
    assert info.value.field == "phrase"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.add_phrase(org.admin_token, "Order Numbers", "ORD-(\\d+", regex=True)
    assert info.value.field == "regex"
    assert "parenth" in str(info.value).lower()  # Hyperscan's reason
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.add_phrase(org.admin_token, "", "x")
    assert info.value.field == "pool"
    assert len(db.list_pools(org.admin_token)) == len(defaults) + 2

    db.remove_phrase(org.admin_token, "Competitor Mention", "Acme Telecom")
    builtin = defaults[0]
    db.remove_phrase(org.admin_token, builtin["pool"], builtin["text"])
    entries = db.list_pools(org.admin_token)
    assert added not in entries and builtin not in entries
    with pytest.raises(switchboard.NotFound) as info:
        db.remove_phrase(org.admin_token, "Competitor Mention", "Acme Telecom")
    assert info.value.field == "phrase"

    db.reset_pools(org.admin_token)
    assert db.list_pools(org.admin_token) == defaults


def test_pools_permissions(db, org):
    _, agent = add_user(db, org, "agent1")
    with pytest.raises(switchboard.Forbidden):
        db.list_pools(agent)
    with pytest.raises(switchboard.Forbidden):
        db.add_phrase(agent, "Profanity", "blast")
    dev = dev_token(db, org)
    assert db.list_pools(dev) == db.list_pools(org.admin_token)
    with pytest.raises(switchboard.Unauthorized):
        db.list_pools("not-a-token")


# ------------------------------------------------------------------ interactions

def test_record_text_and_report(db, org):
    db.add_phrase(org.admin_token, "Competitor Mention", "Acme Telecom")
    dev = dev_token(db, org)
    posted = db.record_text(dev, SUPPORT_TEXT, department="billing", agent_id="A7", client_id="C9",
                            ticket_no="T-1")
    assert re.fullmatch(r"\d{19}T", posted["ricket"])
    assert posted["status"] in ("pending", "ready")
    assert (posted["kind"], posted["department"], posted["agent_id"], posted["client_id"],
            posted["ticket_no"], posted["created_by"]) == ("T", "billing", "A7", "C9", "T-1", "devops")
    assert posted["text_chars"] == len(SUPPORT_TEXT)

    db.drain_interactions()
    report = db.text_report(dev, posted["ricket"])
    assert report["status"] == "ready"
    assert report["ricket"] == posted["ricket"]
    assert report["error"] in ("", None)
    a = report["analysis"]
    assert a["redacted_text"] == SUPPORT_TEXT.replace(CARD, MASKED)
    assert CARD not in str(report)
    pools = {f["pool"]: f["text"] for f in a["findings"]}
    assert pools["Competitor Mention"] == "Acme Telecom"  # the organisation's own pool
    assert pools["Call for Action"] == "I want a refund"
    assert [p["last4"] for p in a["pci"]] == ["6467"]
    assert a["promises"][0]["time_statement"] == "within 24 hours"
    # admins read it too
    assert db.text_report(org.admin_token, posted["ricket"])["analysis"] == a


def test_record_text_refusals(db, org):
    dev = dev_token(db, org)
    with pytest.raises(switchboard.Unauthorized):
        db.record_text(org.admin_token, "I will call you back.")
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.record_text(dev, "  ")
    assert info.value.field == "text"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.record_text(dev, 7)
    assert info.value.field == "text"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.record_text(dev, "hello", department=3)
    assert info.value.field == "department"
    with pytest.raises(switchboard.TooLarge) as info:
        db.record_text(dev, "x" * (64 * 1024 + 1))
    assert info.value.field == "text"

    with pytest.raises(switchboard.NotFound) as info:
        db.text_report(dev, "2020120211197000019T")
    assert info.value.field == "ricket"


def test_report_of_another_organisation_is_not_found(db, org):
    from sbtest import new_org
    dev = dev_token(db, org)
    ricket = db.record_text(dev, "I will call you back tomorrow.")["ricket"]
    other = new_org(db, "Beta Helpline", "owner@beta.example", "+254 700 000 002")
    db.drain_interactions()
    with pytest.raises(switchboard.NotFound):
        db.text_report(other.admin_token, ricket)
    assert db.text_report(dev, ricket)["analysis"]["promises"][0]["due"]["days"] == 1


def test_texts_queued_at_close_are_analysed_after_the_reopen(db_path, make_db, org, db):
    """Closing does not wait for the backlog: what is still queued stays in the
    database (its text sealed) and the next open analyses it."""
    dev = dev_token(db, org)
    rickets = [db.record_text(dev, f"Ticket {i}: I will call you back today.")["ricket"] for i in range(200)]
    db.close()
    with pytest.raises(switchboard.StorageError):
        db.drain_interactions()
    again = make_db()
    assert again.drain_interactions(timeout_s=60)
    reports = [again.text_report(org.admin_token, r) for r in rickets]
    assert {r["status"] for r in reports} == {"ready"}
    assert all(r["analysis"]["promises"][0]["time_statement"] == "today" for r in reports)
    counts = again.job_counts(org.admin_token)
    assert (counts["queued"], counts["running"], counts["failed"]) == (0, 0, 0)
