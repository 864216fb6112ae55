"""OpenCHS 4 (QA), 6 (calls and recordings), 9 (files) and 10 (stats)."""

import hashlib
import io
import math
import struct
import wave

import pytest

from conftest import bearer, chs_error, chs_ok, csv_rows, unique

DATATYPE = "unexpected datatype, please try again"
SCORES = ["opening", "holding", "politeness", "enthusiasm", "personalization", "troubleshooting", "listening",
          "accuracy", "resolution"]


def tone_wav(seconds=0.5, rate=8000, freq=440):
    """A synthetic mono 16-bit WAV."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / rate)))
                               for i in range(int(seconds * rate))))
    return buf.getvalue()


def upload(host, session_headers, content, name="call.wav", mime="audio/wav", field="file[]"):
    return host.post("/eproc/files", files={field: (name, content, mime)}, headers=session_headers)


def new_call(host, org, **fields):
    body = {"vector": "inbound", "caller": "0711222333", "start": "2024-05-01T10:00:00Z",
            "answer": "2024-05-01T10:00:12Z", "end": "2024-05-01T10:05:00Z", "sla_wait": "12", "talk_s": "288",
            "hangup_status": "answered", **fields}
    return chs_ok(host.post("/eproc/calls", json=body, headers=org.bearer()), 201, "calls", "Call Created")[0]


# ------------------------------------------------------------------ 9 files

def test_upload_view_and_download_a_file(host, org):
    content = tone_wav()
    r = upload(host, org.bearer(), content)
    f = chs_ok(r, 201, "files", "File Created")[0]
    assert (f["name"], f["mime"], f["size"], f["sha256"]) == ("call.wav", "audio/wav", str(len(content)),
                                                               hashlib.sha256(content).hexdigest())
    assert set(f) == {"id", "name", "mime", "size", "sha256", "uploaded_by", "created_on"}
    assert chs_ok(host.get("/eproc/files/" + f["id"], headers=org.bearer()), 200, "files") == [f]
    r = host.get("/eproc/files/" + f["id"], headers=org.bearer(), params={"file": "1"})
    assert r.status_code == 200 and r.content == content
    assert r.headers["Content-Type"] == "audio/wav"
    assert r.headers["Content-Disposition"] == 'attachment; filename="call.wav"'
    # A name that would break the header is sanitised in it (stored as given).
    g = chs_ok(upload(host, org.bearer(), b"hello", name="my report (1); x=\u00e9.txt", mime="text/plain"), 201,
               "files", "File Created")[0]
    assert g["name"] == "my report (1); x=\u00e9.txt"
    r = host.get("/eproc/files/" + g["id"], headers=org.bearer(), params={"file": "1"})
    assert r.headers["Content-Disposition"] == 'attachment; filename="my_report__1___x___.txt"'
    assert r.content == b"hello"
    listed = chs_ok(host.get("/eproc/files", headers=org.bearer()), 200, "files")
    assert [x["id"] for x in listed][:2] == [g["id"], f["id"]]


def test_upload_refusals(fresh_host):
    h = fresh_host("--no-demo", "--max-upload", "1000")
    org = h.sign_up()
    before = org.total("files")   # the host's only organisation: every file
    hd = org.bearer()
    chs_error(upload(h, hd, b""), 412, "the file is empty", "invalid_argument", "files", field="file[]")
    chs_error(upload(h, hd, b"x", name="../etc/passwd"), 412, 'file name isn\'t valid: it contains ".."',
              "invalid_argument", "files", field="file[]")
    r = upload(h, hd, b"x", name="dir/file.txt")
    assert r.status_code == 412 and r.json()["errors"][0][2:] == ["invalid_argument", "files", "", "file[]"]
    chs_error(upload(h, hd, b"x" * 1001), 412, "the file is over the limit of 1000 bytes", "too_large", "files",
              field="file[]")
    chs_error(upload(h, hd, b"x", field="photo"), 412, 'unknown field "photo"', "invalid_argument", "files",
              field="photo")
    chs_error(h.post("/eproc/files", data={"note": "no file"}, files={"file[]": ("a.txt", b"x")}, headers=hd), 412,
              'unknown field "note"', "invalid_argument", "files", field="note")
    chs_error(h.post("/eproc/files", files=[("file[]", ("a.txt", b"x")), ("file[]", ("b.txt", b"y"))], headers=hd),
              412, "one file per request", "invalid_argument", "files", field="file[]")
    chs_error(h.post("/eproc/files", json={"file": "x"}, headers=hd), 412,
              "send the file as multipart/form-data in file[]", "invalid_argument", "files", field="file[]")
    # Far over the limit: refused before the body is read.
    r = upload(h, hd, b"x" * (200 * 1024))
    assert (r.status_code, r.json()) == (413, {"errors": [["error", "request body is too large", "too_large", "",
                                                           "", ""]]})
    assert org.total("files") == before
    # Other endpoints keep --max-body.
    f = chs_ok(upload(h, hd, b"x" * 1000), 201, "files", "File Created")[0]
    assert f["size"] == "1000"


def test_file_view_refusals(host, org):
    f = chs_ok(upload(host, org.bearer(), b"abc", name="a.txt", mime="text/plain"), 201, "files", "File Created")[0]
    other = host.sign_up()
    chs_error(host.get("/eproc/files/" + f["id"], headers=other.bearer()), 412, "no file " + f["id"], "not_found",
              "files", f["id"], "id")
    chs_error(host.get("/eproc/files/" + f["id"], headers=other.bearer(), params={"file": "1"}), 412,
              "no file " + f["id"], "not_found", "files", f["id"], "id")
    chs_error(host.get("/eproc/files/" + f["id"], headers=org.bearer(), params={"file": "zip"}), 412,
              "file must be 1 or 0", "invalid_argument", "files", f["id"], "file")
    chs_error(host.get("/eproc/files/" + f["id"], headers=org.bearer(), params={"x": "1"}), 412, 'unknown field "x"',
              "invalid_argument", "files", f["id"], "x")
    chs_error(host.get("/eproc/files/x", headers=org.bearer()), 412, "id isn't a valid record id",
              "invalid_argument", "files", field="id")


# ------------------------------------------------------------------ 6 calls

def test_create_view_and_download_a_call(host, org):
    agent, _ = org.create_user(role="agent")
    call = new_call(host, org, usr=agent["id"], context_masq="support")
    assert (call["vector"], call["usr"], call["context_masq"], call["sla_wait"], call["hangup_status"],
            call["qa_done"], call["start"]) == ("inbound", agent["id"], "support", "12", "answered", "0",
                                                "2024-05-01T10:00:00.000Z")
    assert chs_ok(host.get("/eproc/calls/" + call["id"], headers=org.bearer()), 200, "calls") == [call]
    chs_error(host.get("/eproc/calls/" + call["id"], headers=org.bearer(), params={"file": "wav"}), 412,
              "call %s has no recording" % call["id"], "not_found", "calls", call["id"], "file")
    content = tone_wav(1.0)
    f = chs_ok(upload(host, org.bearer(), content), 201, "files", "File Created")[0]
    attached = chs_ok(host.post("/eproc/calls/%s/recording" % call["id"], json={"file_id": f["id"]},
                                headers=org.bearer()), 202, "calls", "Recording Attached")[0]
    assert attached["file_id"] == f["id"]
    r = host.get("/eproc/calls/" + call["id"], headers=org.bearer(), params={"file": "wav"})
    assert r.status_code == 200 and r.headers["Content-Type"] == "audio/wav"
    assert r.content == content
    assert r.headers["Content-Disposition"] == 'attachment; filename="call-%s.wav"' % call["id"]


def test_an_agent_cannot_reach_another_users_file_or_ticket_through_a_call(host, org):
    """An agent once created a call whose recording was another user's upload
    and downloaded it with ?file=wav; and the 201 confirmed that a ticket the
    agent cannot see exists. Both are answered as records that do not exist."""
    agent, agent_session = org.create_user(role="agent")
    other, other_session = org.create_user(role="agent")
    secret = tone_wav(0.25, freq=660)
    f = chs_ok(upload(host, bearer(other_session), secret), 201, "files", "File Created")[0]
    body = {"vector": "inbound", "caller": "0711222333", "start": "2024-05-01T10:00:00Z"}
    r = host.post("/eproc/calls", json={**body, "file_id": f["id"]}, headers=bearer(agent_session))
    chs_error(r, 412, "no file %s" % f["id"], "invalid_argument", "calls", "", "file_id")
    # The same answer as a file that does not exist.
    r = host.post("/eproc/calls", json={**body, "file_id": str(int(f["id"]) + 1000)}, headers=bearer(agent_session))
    chs_error(r, 412, "no file %d" % (int(f["id"]) + 1000), "invalid_argument", "calls", "", "file_id")
    # Nor can the agent attach it to a call of their own.
    own = chs_ok(host.post("/eproc/calls", json=body, headers=bearer(agent_session)), 201, "calls",
                 "Call Created")[0]
    r = host.post("/eproc/calls/%s/recording" % own["id"], json={"file_id": f["id"]}, headers=bearer(agent_session))
    chs_error(r, 412, "no file %s" % f["id"], "invalid_argument", "calls", own["id"], "file_id")
    assert host.get("/eproc/calls/" + own["id"], headers=bearer(agent_session),
                    params={"file": "wav"}).status_code == 412
    # A ticket assigned to someone else: "no ticket", as for one that does not exist.
    hidden = chs_ok(host.post("/eproc/tickets", json={"narrative": "not yours", "assigned_to": other["id"]},
                              headers=org.bearer()), 201, "tickets", "Ticket Created")[0]
    r = host.post("/eproc/calls", json={**body, "ticket_id": hidden["id"]}, headers=bearer(agent_session))
    chs_error(r, 412, "no ticket %s" % hidden["id"], "invalid_argument", "calls", "", "ticket_id")
    # The owner, and staff, may.
    mine = chs_ok(host.post("/eproc/calls", json={**body, "file_id": f["id"]}, headers=bearer(other_session)),
                  201, "calls", "Call Created")[0]
    r = host.get("/eproc/calls/" + mine["id"], headers=bearer(other_session), params={"file": "wav"})
    assert r.status_code == 200 and r.content == secret


def test_call_refusals(host, org):
    call = new_call(host, org)
    hd = org.bearer()
    post = lambda body: host.post("/eproc/calls", json=body, headers=hd)
    chs_error(post({"vector": "sideways"}), 412, "direction must be inbound or outbound", "invalid_argument",
              "calls", field="vector")
    chs_error(post({"direction": "sideways"}), 412, "direction must be inbound or outbound", "invalid_argument",
              "calls", field="direction")
    chs_error(post({"start": "yesterday"}), 412, "start must be a time (ISO-8601 or Unix milliseconds)",
              "invalid_argument", "calls", field="start")
    chs_error(post({"sla_wait": "-1"}), 412, "sla_wait must be 0 or more", "invalid_argument", "calls",
              field="sla_wait")
    chs_error(post({"mood": "x"}), 412, 'unknown field "mood"', "invalid_argument", "calls", field="mood")
    chs_error(post({"usr": "abc"}), 412, DATATYPE, "invalid_argument", "calls", field="usr")
    other = host.sign_up()
    foreign_ticket = other.ticket()
    chs_error(post({"vector": "inbound", "ticket_id": foreign_ticket["id"]}), 412, "no ticket " + foreign_ticket["id"],
              "invalid_argument", "calls", field="ticket_id")
    foreign_file = chs_ok(upload(host, other.bearer(), b"RIFF"), 201, "files", "File Created")[0]
    chs_error(host.post("/eproc/calls/%s/recording" % call["id"], json={"file_id": foreign_file["id"]}, headers=hd),
              412, "no file " + foreign_file["id"], "invalid_argument", "calls", call["id"], "file_id")
    chs_error(host.post("/eproc/calls/%s/recording" % call["id"], json={}, headers=hd), 412, "file_id is required",
              "invalid_argument", "calls", call["id"], "file_id")
    chs_error(host.post("/eproc/calls/%s/recording" % call["id"], json={"file": "1"}, headers=hd), 412,
              'unknown field "file"', "invalid_argument", "calls", call["id"], "file")
    chs_error(host.get("/eproc/calls/" + call["id"], headers=hd, params={"file": "mp3"}), 412, "file must be wav",
              "invalid_argument", "calls", call["id"], "file")
    for r in (host.get("/eproc/calls/" + call["id"], headers=other.bearer()),
              host.get("/eproc/calls/" + call["id"], headers=other.bearer(), params={"file": "wav"})):
        chs_error(r, 412, "no call " + call["id"], "not_found", "calls", call["id"], "id")
    _, cust = org.register_customer()
    r = host.get("/eproc/calls/", headers=bearer(cust))
    assert r.status_code == 412 and r.json()["errors"][0][2] == "forbidden"


def test_list_csv_and_pivot_calls(host):
    org = host.sign_up()
    agent, agent_session = org.create_user(role="agent")
    new_call(host, org, usr=agent["id"], hangup_status="answered")
    new_call(host, org, usr=agent["id"], hangup_status="abandoned", vector="outbound")
    new_call(host, org, hangup_status="abandoned", context_masq="=cmd|' /C calc'!A0")
    hd = org.bearer()
    body = host.get("/eproc/calls/", headers=hd, params={"hangup_status": "abandoned"}).json()
    assert body["calls_ctx"] == [["total", "2"]]
    assert len(host.get("/eproc/calls/", headers=hd, params={"usr": agent["id"]}).json()["calls"]) == 2
    assert len(host.get("/eproc/calls/", headers=hd, params={"vector": "outbound"}).json()["calls"]) == 1
    assert host.get("/eproc/calls/", headers=hd, params={"qa_done": "0", "sla_wait": "12", "activity_count": "0",
                                                         "context_masq": "nothing"}).json()["calls"] == []
    # An agent sees only their own calls.
    assert host.get("/eproc/calls/", headers=bearer(agent_session)).json()["calls_ctx"] == [["total", "2"]]
    rows = csv_rows(host.get("/eproc/calls/", headers=hd, params={"csv": "1"}))
    # The CSV speaks the dialect's names too.
    assert rows[0][:4] == ["id", "vector", "usr", "context_masq"] and len(rows) == 4
    assert rows[1][3] == "'=cmd|' /C calc'!A0"
    body = host.get("/eproc/calls/rpt", headers=hd, params={"xaxis": "usr", "yaxis": "hangup_status"}).json()
    assert sorted((r["usr"], r["hangup_status"], r["count"]) for r in body["calls_rpt"]) == sorted([
        (agent["id"], "answered", "1"), (agent["id"], "abandoned", "1"), ("0", "abandoned", "1")]) or \
        sorted((r["usr"], r["hangup_status"], r["count"]) for r in body["calls_rpt"]) == sorted([
            (agent["id"], "answered", "1"), (agent["id"], "abandoned", "1"), ("", "abandoned", "1")])
    assert body["calls_ctx"][0] == ["total", "3"]
    chs_error(host.get("/eproc/calls/", headers=hd, params={"colour": "x"}), 412,
              'unknown filter field "colour" for calls', "invalid_argument", "calls", field="colour")


# ------------------------------------------------------------------ 4 QA

def qa_body(call_id, **override):
    body = {"source": "call", "source_id": call_id, **{s: "4" for s in SCORES}, "comments": "good",
            "recomendations": "smile"}
    body.update(override)
    return body


def test_create_view_list_qa(host):
    org = host.sign_up()
    agent, _ = org.create_user(role="agent")
    call = new_call(host, org, usr=agent["id"])
    qa = chs_ok(host.post("/eproc/qa", json=qa_body(call["id"]), headers=org.bearer()), 201, "qa", "QA Created")[0]
    assert (qa["call_id"], qa["source_id"], qa["chan_usr"], qa["chan_vector"], qa["opening"], qa["recommendations"],
            qa["recomendations"], qa["comments"]) == (call["id"], call["id"], agent["id"], "inbound", "4", "smile",
                                                      "smile", "good")
    assert host.get("/eproc/calls/" + call["id"], headers=org.bearer()).json()["calls"][0]["qa_done"] == "1"
    assert chs_ok(host.get("/eproc/qa/" + qa["id"], headers=org.bearer()), 200, "qa") == [qa]
    # call_id and "recommendations" work too; numbers for scores.
    call2 = new_call(host, org, vector="outbound")
    body = {"call_id": int(call2["id"]), **{s: 2 for s in SCORES}, "recommendations": "=1+1"}
    qa2 = chs_ok(host.post("/eproc/qa", json=body, headers=org.bearer()), 201, "qa", "QA Created")[0]
    hd = org.bearer()
    assert [q["id"] for q in host.get("/eproc/qa/", headers=hd).json()["qa"]] == [qa2["id"], qa["id"]]
    assert host.get("/eproc/qa/", headers=hd, params={"accuracy": "4"}).json()["qa_ctx"] == [["total", "1"]]
    assert host.get("/eproc/qa/", headers=hd, params={"chan_vector": "outbound"}).json()["qa"][0]["id"] == qa2["id"]
    rows = csv_rows(host.get("/eproc/qa/", headers=hd, params={"csv": "1"}))
    assert rows[0] == ["id", "call_id", "chan_usr", "chan_vector", *SCORES, "comments", "recommendations",
                       "reviewer", "created_on"]
    assert rows[1][rows[0].index("recommendations")] == "'=1+1"
    body = host.get("/eproc/qa/rpt", headers=hd, params={"xaxis": "chan_vector", "yaxis": "chan_usr"}).json()
    assert sorted((r["chan_vector"], r["count"]) for r in body["qa_rpt"]) == [("inbound", "1"), ("outbound", "1")]
    assert body["qa_ctx"] == [["total", "2"], ["xaxis", "chan_vector"], ["yaxis", "chan_usr"]]


def test_qa_refusals(host, org):
    call = new_call(host, org)
    hd = org.bearer()
    before = org.total("qa")
    post = lambda body, h=hd: host.post("/eproc/qa", json=body, headers=h)
    chs_error(post(qa_body(call["id"], holding="6")), 412, "holding must be a score from 1 to 5", "invalid_argument",
              "qa", field="holding")
    chs_error(post(qa_body(call["id"], opening="0")), 412, "opening must be a score from 1 to 5", "invalid_argument",
              "qa", field="opening")
    chs_error(post(qa_body(call["id"], listening="five")), 412, DATATYPE, "invalid_argument", "qa",
              field="listening")
    chs_error(post(qa_body(call["id"], source="email")), 412, "source must be call", "invalid_argument", "qa",
              field="source")
    chs_error(post(qa_body(call["id"], mood="x")), 412, 'unknown field "mood"', "invalid_argument", "qa",
              field="mood")
    chs_error(post(qa_body("99999999")), 412, "no call 99999999", "not_found", "qa", field="source_id")
    body = qa_body(call["id"])
    del body["source_id"]
    chs_error(post(body), 412, "call_id is required", "invalid_argument", "qa", field="call_id")
    other = host.sign_up()
    foreign = new_call(host, other)
    chs_error(post(qa_body(foreign["id"])), 412, "no call " + foreign["id"], "not_found", "qa", field="source_id")
    _, agent = org.create_user(role="agent")
    chs_error(post(qa_body(call["id"]), bearer(agent)), 412, "the agent role may not do this", "forbidden", "qa")
    assert org.total("qa") == before and other.total("qa") == 0   # in neither organisation
    qa = chs_ok(post(qa_body(call["id"])), 201, "qa", "QA Created")[0]
    chs_error(host.get("/eproc/qa/" + qa["id"], headers=other.bearer()), 412, "no QA record " + qa["id"],
              "not_found", "qa", qa["id"], "id")
    chs_error(host.get("/eproc/qa/rpt", headers=hd, params={"xaxis": "comments"}), 412,
              '"comments" is not a group field of qa (chan_usr, chan_vector, opening, holding, politeness, '
              'enthusiasm, personalization, troubleshooting, listening, accuracy, resolution)', "invalid_argument",
              "qa", field="xaxis")


# ------------------------------------------------------------------ 10 stats

def test_stats(host):
    org = host.sign_up()
    hd = org.bearer()
    empty = chs_ok(host.get("/eproc/stats/0", headers=hd), 200, "stats")
    assert empty == [{"inbound": "0", "outbound": "0", "tickets": "0", "emails": "0", "sms": "0", "from": "",
                      "to": ""}]
    new_call(host, org)
    new_call(host, org)
    new_call(host, org, vector="outbound")
    org.ticket()
    [s] = chs_ok(host.get("/eproc/stats/0", headers=hd), 200, "stats")
    assert (s["inbound"], s["outbound"], s["tickets"], s["emails"], s["sms"]) == ("2", "1", "1", "0", "0")
    [s] = chs_ok(host.get("/eproc/stats/0", headers=hd, params={"from": "2001-01-01", "to": "2001-12-31"}), 200,
                 "stats")
    assert (s["inbound"], s["tickets"], s["from"], s["to"]) == ("0", "0", "2001-01-01T00:00:00.000Z",
                                                                "2001-12-31T23:59:59.999Z")
    chs_error(host.get("/eproc/stats/0", headers=hd, params={"from": "soon"}), 412,
              "from must be a date or time (ISO-8601 or Unix milliseconds)", "invalid_argument", "stats",
              field="from")
    chs_error(host.get("/eproc/stats/0", headers=hd, params={"from": "2002-01-01", "to": "2001-01-01"}), 412,
              "the range ends before it starts", "invalid_argument", "stats", field="to")
    chs_error(host.get("/eproc/stats/0", headers=hd, params={"by": "day"}), 412, 'unknown field "by"',
              "invalid_argument", "stats", field="by")
    chs_error(host.get("/eproc/stats/7", headers=hd), 412, "the stats id is 0", "invalid_argument", "stats",
              field="id")
    _, agent = org.create_user(role="agent")
    r = host.get("/eproc/stats/0", headers=bearer(agent))
    assert r.status_code == 412 and r.json()["errors"][0][2] == "forbidden"
    # Another organisation's counts are its own.
    [s] = chs_ok(host.get("/eproc/stats/0", headers=host.sign_up().bearer()), 200, "stats")
    assert (s["inbound"], s["tickets"]) == ("0", "0")
