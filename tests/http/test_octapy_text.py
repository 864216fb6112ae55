"""OctaPy IO2 POST /record/text, IO3 GET /report/{Ricket} and the phrase-pool settings."""

import concurrent.futures
import os
import re
import time

import pytest
import requests

from conftest import STRONG_PASSWORD, ko, ok, unique

UNAUTHORIZED = "unauthorized"
DATATYPE = "unexpected datatype, please try again"
SYSTEM_FAILURE = "system failure, please try again"
RICKET = re.compile(r"\d{19}T")

CARD = "4539148803436467"            # passes the Luhn check
CARD_SPACED = "4539 1488 0343 6467"


def dev_token(host, org, username=None):
    """A developer token of the organisation (Se6 addDevKey, then Au5 apiReq)."""
    username = username or unique("robot")
    key = ok(host.post("/settings/addDevKey", json={"username": username}, headers=org.auth()))["passKey"]
    return ok(host.post("/apiReq", json={"email": org.email, "userName": username, "devKey": key}))["devToken"]


def dev(token):
    return {"devToken": token}


def post_text(host, token, text, **fields):
    return host.post("/record/text", json={"TextContent": text, **fields}, headers=dev(token))


def record(host, token, text, **fields):
    ricket = ok(post_text(host, token, text, **fields))["Ricket"]
    assert RICKET.fullmatch(ricket), ricket
    return ricket


def wait_ready(host, token, ricket, timeout=10.0):
    """Polls the report until it is no longer pending; returns DATA."""
    deadline = time.time() + timeout
    while True:
        data = ok(host.get("/report/" + ricket, headers=dev(token)))["DATA"]
        if data["status"] != "pending" or time.time() > deadline:
            return data
        time.sleep(0.01)


def interaction_count(host, org):
    """How many text interactions the organisation has stored. No endpoint
    lists them; each is stored with its analysis job (kind text_analysis) in
    one transaction, and the bindings list an organisation's jobs."""
    return host.api.list_jobs(host.reader_token(org), {"kind": "text_analysis"}, count=1)["total"]


@pytest.fixture
def token(host, org):
    return dev_token(host, org)


# ------------------------------------------------------------------ IO2 success

def test_record_text_answers_a_ricket_and_the_report_becomes_ready(host, org, token):
    ricket = record(host, token, "Hello, I want a refund. Hold on, I will send the form by tomorrow.",
                    departmentLabel="Billing", AgentId="agent-7", ClientId="client-42", TicketNo="T-1001")
    data = wait_ready(host, token, ricket)
    assert data["status"] == "ready", data
    assert data["ricket"] == ricket
    assert data["kind"] == "T"
    assert (data["department"], data["agent_id"], data["client_id"], data["ticket_no"]) == \
        ("Billing", "agent-7", "client-42", "T-1001")
    assert data["redacted_text"] == "Hello, I want a refund. Hold on, I will send the form by tomorrow."
    hits = {(f["pool"], f["text"]) for f in data["findings"]}
    assert ("Call for Action", "I want a refund") in hits, data["findings"]
    assert ("Client Hold Request", "Hold on") in hits, data["findings"]
    hold = next(f for f in data["findings"] if f["pool"] == "Client Hold Request")
    assert data["redacted_text"][hold["start"]:hold["end"]] == "Hold on"
    assert hold["phrase"] == "hold on"
    assert len(data["promises"]) == 1, data["promises"]
    promise = data["promises"][0]
    assert promise["time_statement"] == "by tomorrow"
    assert promise["due"]["days"] == 1
    assert data["redacted_text"][promise["start"]:promise["end"]] == promise["text"]
    assert promise["text"].startswith("I will send")
    assert data["pci"] == []
    assert "analysis" not in data


def test_the_metadata_is_optional_and_the_ricket_grows(host, org, token):
    first = record(host, token, "Thanks, that was helpful.")
    second = record(host, token, "Thanks again.")
    assert first < second, (first, second)
    data = wait_ready(host, token, first)
    assert data["status"] == "ready"
    assert (data["department"], data["agent_id"], data["client_id"], data["ticket_no"]) == ("", "", "", "")
    assert data["findings"] == [] and data["promises"] == []


def test_the_dev_token_and_the_fields_may_come_as_parameters_or_a_form(host, org, token):
    text = "Could you hold the line please?"
    r1 = ok(host.post("/record/text", json={"devToken": token, "TextContent": text}))["Ricket"]
    r2 = ok(host.post("/record/text", data={"devToken": token, "TextContent": text, "TicketNo": "F-1"}))["Ricket"]
    r3 = ok(host.post("/record/text", params={"devToken": token}, data={"TextContent": text}))["Ricket"]
    r4 = ok(host.post("/record/text", headers=dev(token), files={"TextContent": (None, text)}))["Ricket"]
    for ricket in (r1, r2, r3, r4):
        data = ok(host.get("/report/" + ricket, params={"devToken": token}))["DATA"]
        data = wait_ready(host, token, ricket)
        assert {f["pool"] for f in data["findings"]} == {"Client Hold Request"}, data
    assert wait_ready(host, token, r2)["ticket_no"] == "F-1"


def test_a_competitor_mention_and_a_phrase_the_organisation_added(host, org, token):
    ok(host.post("/settings/addPoolPhrase", headers=org.auth(),
                 json={"pool": "Competitor Mention", "phrase": "Zebra Telecom"}))
    ok(host.post("/settings/addPoolPhrase", headers=org.auth(),
                 json={"pool": "Retention", "phrase": r"\bswitch(ing)? to\b", "regex": True}))
    text = "Honestly, ZEBRA  telecom offered less; another provider too. I am switching to them."
    data = wait_ready(host, token, record(host, token, text))
    assert data["status"] == "ready"
    found = {(f["pool"], f["phrase"], f["text"]) for f in data["findings"]}
    assert ("Competitor Mention", "Zebra Telecom", "ZEBRA  telecom") in found, found
    assert ("Competitor Mention", "another provider", "another provider") in found, found
    assert ("Retention", r"\bswitch(ing)? to\b", "switching to") in found, found
    for f in data["findings"]:
        assert text[f["start"]:f["end"]] == f["text"]
    # another organisation's pools are its own
    other = host.sign_up()
    other_token = dev_token(host, other)
    data = wait_ready(host, other_token, record(host, other_token, text))
    assert "Zebra Telecom" not in {f["phrase"] for f in data["findings"]}


def test_a_card_number_is_stored_only_masked(host, org, token):
    text = f"My card number is {CARD_SPACED} and the security code is 123. I will call you back."
    ricket = record(host, token, text, TicketNo="PCI-1")
    data = wait_ready(host, token, ricket)
    assert data["status"] == "ready"
    redacted = data["redacted_text"]
    assert CARD_SPACED not in redacted and "6467" in redacted
    assert not re.search(r"4539|1488|0343", redacted), redacted
    cards = [p for p in data["pci"] if p["kind"] == "card_number"]
    assert len(cards) == 1 and cards[0]["last4"] == "6467" and cards[0]["masked"], data["pci"]
    assert redacted[cards[0]["start"]:cards[0]["end"]] == cards[0]["text"]
    assert cards[0]["text"].endswith("6467") and "4539" not in cards[0]["text"]
    # Reading the activity log commits the entries written behind the calls.
    entry = host.last_activity(org)
    assert entry[0] == "GET /report/" + ricket, entry
    # Nowhere on disk: not in any file of the data directory (the database,
    # its write-ahead log, the key file, stored files), whatever table or job
    # payload it might have gone into.
    blob = b""
    for folder, _, names in os.walk(host.data_dir):
        for name in names:
            with open(os.path.join(folder, name), "rb") as f:
                raw = f.read()
            assert CARD.encode() not in raw and CARD_SPACED.encode() not in raw, name
            blob += raw
    assert cards[0]["text"].encode() in blob  # the masked text is in what was read ...
    stored = ok(host.get("/report/" + ricket, headers=dev(token)))["DATA"]
    assert "6467" in stored["redacted_text"] and CARD_SPACED not in stored["redacted_text"]  # ... and is what is kept


def test_a_burst_of_posts_is_answered_at_once_and_all_become_ready(host, org, token):
    text = ("Hello, I don't understand my bill. Hold on, let me check. I will send you a refund "
            "within 24 hours. Our competitor charges less. ") * 14  # about 2 KB
    url = host.url + "/record/text"

    def post(i):
        t0 = time.perf_counter()
        r = requests.post(url, json={"TextContent": text, "TicketNo": f"B-{i}"}, headers=dev(token), timeout=30)
        return r, time.perf_counter() - t0

    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(post, range(50)))
    elapsed = time.perf_counter() - t0
    rickets = [ok(r)["Ricket"] for r, _ in results]
    assert len(set(rickets)) == 50
    assert elapsed < 10, elapsed
    assert max(t for _, t in results) < 2.0, [t for _, t in results]
    for i, ricket in enumerate(rickets):
        data = wait_ready(host, token, ricket, timeout=20)
        assert data["status"] == "ready", data
        assert data["ticket_no"] == f"B-{i}"
        assert {f["pool"] for f in data["findings"]} >= {"Lack of Understanding", "Client Hold Request"}
    assert interaction_count(host, org) >= 50


# ------------------------------------------------------------------ IO2 refusals

@pytest.mark.parametrize("headers", [{}, {"devToken": ""}, {"devToken": "x" * 32}, {"devToken": "short"}])
def test_record_text_refuses_a_missing_or_invalid_token(host, org, headers):
    before = interaction_count(host, org)
    ko(host.post("/record/text", json={"TextContent": "hello"}, headers=headers), UNAUTHORIZED)
    assert interaction_count(host, org) == before


def test_record_text_refuses_an_access_token(host, org):
    before = interaction_count(host, org)
    ko(host.post("/record/text", json={"TextContent": "hello"}, headers=dev(org.token)), UNAUTHORIZED)
    ko(host.post("/record/text", json={"TextContent": "hello"}, headers=org.auth()), UNAUTHORIZED)
    ko(host.post("/record/text", json={"TextContent": "hello", "accessToken": org.token}), UNAUTHORIZED)
    assert interaction_count(host, org) == before


def test_a_deleted_dev_key_ends_its_tokens(host, org):
    username = unique("robot")
    token = dev_token(host, org, username)
    record(host, token, "hello")
    ok(host.post("/settings/delDevKey", json={"username": username}, headers=org.auth()))
    ko(post_text(host, token, "hello"), UNAUTHORIZED)


@pytest.mark.parametrize("body, message", [
    ({}, "TextContent is missing"),
    ({"TicketNo": "T-1"}, "TextContent is missing"),
    ({"TextContent": ""}, "TextContent is empty"),
    ({"TextContent": " \n\t  "}, "TextContent is empty"),
    ({"TextContent": 42}, DATATYPE),
    ({"TextContent": "hello", "TicketNo": 7}, DATATYPE),
])
def test_record_text_refuses_bad_input(host, org, token, body, message):
    before = interaction_count(host, org)
    ko(host.post("/record/text", json=body, headers=dev(token)), message)
    assert interaction_count(host, org) == before
    entry = host.last_activity(org)
    assert entry[0] == "POST /record/text" and entry[1] == 0, entry


def test_record_text_refuses_invalid_utf8(host, org, token):
    before = interaction_count(host, org)
    # in a form, and as raw bytes in a JSON string
    ko(host.post("/record/text", data=b"TextContent=caf%E9+ok", headers={
        **dev(token), "Content-Type": "application/x-www-form-urlencoded"}), "TextContent isn't valid UTF-8")
    ko(host.post("/record/text", data=b'{"TextContent": "bad \xff\xfe bytes"}', headers={
        **dev(token), "Content-Type": "application/json"}), "TextContent isn't valid UTF-8")
    ko(host.post("/record/text", data=b'{"TextContent": "not json', headers=dev(token)), DATATYPE)
    assert interaction_count(host, org) == before


def test_record_text_refuses_a_text_over_the_limit(fresh_host):
    h = fresh_host("--max-text-bytes", "100")
    org = h.sign_up()
    token = dev_token(h, org)
    ko(post_text(h, token, "a" * 101), "TextContent is too long, maximum length is 100 bytes")
    ko(post_text(h, token, "é" * 51), "TextContent is too long, maximum length is 100 bytes")
    assert interaction_count(h, org) == 0
    ricket = record(h, token, "a" * 100)
    assert wait_ready(h, token, ricket)["text_chars"] == 100
    assert interaction_count(h, org) == 1


def test_the_default_limit_is_64_kib(host, org, token):
    ko(post_text(host, token, "word " * 13108 + "x"), "TextContent is too long, maximum length is 65536 bytes")
    ricket = record(host, token, ("word " * 13107)[:65536])
    assert wait_ready(host, token, ricket)["status"] == "ready"


# ------------------------------------------------------------------ IO3 refusals

def test_report_readers_are_dev_tokens_admins_and_supervisors(host, org, token):
    """IO3 names the dev token and leaves the rest open ("devToken // OR ?"):
    the one rule of every layer also lets an admin's or a supervisor's access
    token read a report; an agent's does not."""
    ricket = record(host, token, "hello there")
    ko(host.get("/report/" + ricket), UNAUTHORIZED)
    ko(host.get("/report/" + ricket, headers=dev("x" * 32)), UNAUTHORIZED)
    ko(host.get("/report/" + ricket, params={"devToken": "nope"}), UNAUTHORIZED)
    assert ok(host.get("/report/" + ricket, params={"devToken": token}))["DATA"]["ricket"] == ricket
    assert ok(host.get("/report/" + ricket, headers=org.auth()))["DATA"]["ricket"] == ricket
    user, _ = org.create_user(role="supervisor")
    supervisor = host.sign_in(user["email"], STRONG_PASSWORD)
    assert ok(host.get("/report/" + ricket, headers={"accessToken": supervisor}))["DATA"]["ricket"] == ricket
    user, _ = org.create_user(role="agent")
    agent = host.sign_in(user["email"], STRONG_PASSWORD)
    ko(host.get("/report/" + ricket, headers={"accessToken": agent}), UNAUTHORIZED)


def test_report_of_an_unknown_ricket_or_another_organisations(host, org, token):
    ko(host.get("/report/20200101000000000001T", headers=dev(token)), SYSTEM_FAILURE)
    ko(host.get("/report/not-a-ricket", headers=dev(token)), SYSTEM_FAILURE)
    entry = host.last_activity(org)
    assert entry[0] == "GET /report/not-a-ricket" and entry[1] == 0, entry
    other = host.sign_up()
    other_token = dev_token(host, other)
    theirs = record(host, other_token, "their private text")
    assert wait_ready(host, other_token, theirs)["status"] == "ready"
    ko(host.get("/report/" + theirs, headers=dev(token)), SYSTEM_FAILURE)


def test_each_request_leaves_one_activity_entry(host, org, token):
    before = host.activity_count(org)
    ricket = record(host, token, "I will email you the details next Monday.")
    after_post = host.activity_count(org)
    assert after_post == before + 1
    entry = host.last_activity(org)
    assert entry[0] == "POST /record/text" and entry[1] == 1, entry
    assert "next Monday" not in entry[2]  # the summary never holds the text
    data = wait_ready(host, token, ricket)
    assert data["promises"][0]["due"]["weekday"] == "monday"
    entry = host.last_activity(org)
    assert entry[0] == "GET /report/" + ricket and entry[1] == 1, entry
    ko(post_text(host, token, ""), "TextContent is empty")
    entry = host.last_activity(org)
    assert entry[0] == "POST /record/text" and entry[1] == 0, entry
    # refusals before authentication belong to no organisation
    count = host.activity_count(org)
    ko(post_text(host, "y" * 32, "hello"), UNAUTHORIZED)
    assert host.activity_count(org) == count


# ------------------------------------------------------------------ phrase pools (switchboard addition)

def test_pool_list_starts_from_the_defaults(host, org):
    entries = ok(host.get("/settings/getPoolList", headers=org.auth()))["DATA"]
    pools = []
    for e in entries:
        if e["pool"] not in pools:
            pools.append(e["pool"])
    assert pools == ["Critical Info", "Competitor Mention", "Legal Action Mention", "Call for Action",
                     "Lack of Understanding", "Profanity", "Insignificant Talk", "Client Hold Request"]
    assert all(e["builtIn"] for e in entries)
    assert {"pool": "Client Hold Request", "phrase": "hold on", "regex": False, "builtIn": True} in entries


def test_pool_add_remove_and_reset(host, org, token):
    added = ok(host.post("/settings/addPoolPhrase", headers=org.auth(),
                         json={"pool": "Client Hold Request", "phrase": "stay on the phone"}))["DATA"]
    assert added == {"pool": "Client Hold Request", "phrase": "stay on the phone", "regex": False, "builtIn": False}
    ok(host.post("/settings/delPoolPhrase", headers=org.auth(), data={"pool": "Client Hold Request",
                                                                     "phrase": "hold on"}))
    entries = ok(host.get("/settings/getPoolList", headers=org.auth()))["DATA"]
    phrases = {e["phrase"] for e in entries if e["pool"] == "Client Hold Request"}
    assert "stay on the phone" in phrases and "hold on" not in phrases
    data = wait_ready(host, token, record(host, token, "Hold on, stay on the phone."))
    assert [(f["pool"], f["text"]) for f in data["findings"]] == [("Client Hold Request", "stay on the phone")]
    ko(host.post("/settings/delPoolPhrase", headers=org.auth(), json={"pool": "Client Hold Request",
                                                                      "phrase": "hold on"}), "phrase isn't found")
    ok(host.post("/settings/resetPools", headers=org.auth()))
    entries = ok(host.get("/settings/getPoolList", headers=org.auth()))["DATA"]
    phrases = {e["phrase"] for e in entries if e["pool"] == "Client Hold Request"}
    assert "hold on" in phrases and "stay on the phone" not in phrases


def test_pool_add_refuses_what_cannot_compile(host, org):
    r = host.post("/settings/addPoolPhrase", headers=org.auth(),
                  json={"pool": "Retention", "phrase": "(unclosed", "regex": True})
    body = r.json()
    assert body["STATUS"] == "KO" and "(unclosed" in body["errMsg"], body
    r = host.post("/settings/addPoolPhrase", headers=org.auth(), json={"pool": "Retention", "phrase": "..."})
    assert r.json()["STATUS"] == "KO", r.text
    ko(host.post("/settings/addPoolPhrase", headers=org.auth(), json={"pool": "Retention"}), DATATYPE)
    ko(host.post("/settings/addPoolPhrase", headers=org.auth(),
                 json={"pool": "Retention", "phrase": "x y", "regex": "maybe"}), DATATYPE)
    entries = ok(host.get("/settings/getPoolList", headers=org.auth()))["DATA"]
    assert not [e for e in entries if e["pool"] == "Retention"]


def test_pool_settings_refuse_other_callers(host, org, token):
    ko(host.get("/settings/getPoolList"), UNAUTHORIZED)
    # A dev token reads the pools its texts are analysed with (the report
    # readers' rule), but changes none.
    assert ok(host.get("/settings/getPoolList", headers=dev(token)))["DATA"]
    ko(host.post("/settings/resetPools", headers={"accessToken": token}), UNAUTHORIZED)
    user, _ = org.create_user(role="agent")
    agent = host.sign_in(user["email"], STRONG_PASSWORD)
    ko(host.post("/settings/addPoolPhrase", headers={"accessToken": agent},
                 json={"pool": "Profanity", "phrase": "darn"}), UNAUTHORIZED)
    ko(host.post("/settings/resetPools", headers={"accessToken": agent}), UNAUTHORIZED)
