"""OctaPy IO1 POST /record/call and the call's IO3 report: a call spoken by
Debian's flite voices, transcribed by PocketSphinx on the host, its events
with speaker and time, and its recording with the card number silenced."""

import io
import os
import re
import subprocess
import tempfile
import time
import wave

import numpy as np
import pytest

from conftest import ko, ok
from test_octapy_text import dev, dev_token

RICKET = re.compile(r"\d{19}C")
NOT_WAV = "binary needs to be in .WAV format"
CARD_WORDS = "four five three nine one four eight eight zero three four three six four six seven"

LINES = [  # channel, start (s), voice, text
    (0, 0.5, "slt", "Thank you for calling the support desk. How can I help you today?"),
    (1, 5.0, "rms", "Other networks never had this problem. I want my money back."),
    (0, 10.5, "slt", "I will call you back tomorrow with a refund. Can I take your card number please?"),
    (1, 17.0, "rms", "My card number is four five three nine, one four eight eight, zero three four three, six four six seven."),
]


def say(voice, text):
    """A line said by a flite voice: int16 samples at 16 kHz."""
    with tempfile.NamedTemporaryFile(suffix=".wav") as f:
        subprocess.run(["flite", "-voice", voice, "-t", text, "-o", f.name], check=True)
        with wave.open(f.name) as w:
            assert w.getframerate() == 16000
            return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)


def wav_bytes(channels, rate):
    """int16 channels (equal lengths) as a WAV file's bytes."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(len(channels))
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.stack(channels, axis=1).astype(np.int16).tobytes())
    return buf.getvalue()


@pytest.fixture(scope="module")
def call():
    """(agent, client) int16 tracks at 16 kHz and each line's (start, end)."""
    said = [say(voice, text) for _, _, voice, text in LINES]
    n = max(int(at * 16000) + len(x) for (_, at, _, _), x in zip(LINES, said)) + 16000
    rng = np.random.default_rng(7)
    tracks = [rng.normal(0, 16, n) for _ in range(2)]  # a faint line noise
    spans = []
    for (ch, at, _, _), x in zip(LINES, said):
        a = int(at * 16000)
        tracks[ch][a:a + len(x)] += x
        spans.append((at, at + len(x) / 16000))
    return [t.clip(-32768, 32767).astype(np.int16) for t in tracks], spans


def ko_message(r):
    """The errMsg of an OctaPy KO answer."""
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["STATUS"] == "KO" and set(body) == {"STATUS", "errMsg"}, r.text
    return body["errMsg"]


def post_call(host, token, files, **fields):
    return host.post("/record/call", files=files, data=fields, headers=dev(token))


def wait_report(host, token, ricket, timeout=60.0):
    deadline = time.time() + timeout
    while True:
        data = ok(host.get("/report/" + ricket, headers=dev(token)))["DATA"]
        if data["state"] in ("ready", "failed") or time.time() > deadline:
            return data
        time.sleep(0.1)


def rms(x, rate, start, end):
    seg = x[int(start * rate):int(end * rate)].astype(np.float64)
    return float(np.sqrt(np.mean(seg * seg))) if len(seg) else 0.0


def test_a_recorded_call_becomes_a_report_with_who_said_what(host, org, call):
    token = dev_token(host, org)
    (agent, client), spans = call
    stereo = wav_bytes([agent, client], 16000)
    ricket = ok(post_call(host, token, {"1stChannelFile": ("call.wav", stereo, "audio/wav")},
                          departmentLabel="billing", AgentId="A-7", ClientId="C-9", TicketNo="TK000042"))["Ricket"]
    assert RICKET.fullmatch(ricket), ricket
    data = wait_report(host, token, ricket)
    assert data["state"] == "ready", data.get("error")
    assert data["kind"] == "C" and data["agent_id"] == "A-7" and data["ticket_no"] == "TK000042"
    assert data["duration_s"] == pytest.approx(len(agent) / 16000, abs=0.01)
    assert data["transcriber"]["name"] == "pocketsphinx"
    assert [d["speaker"] for d in data["dialogue"]] == ["agent", "client", "agent", "client"]

    events = data["events"]
    action = [e for e in events if e["type"] == "phrase" and e["pool"] == "Call for Action"]
    assert action and action[0]["speaker"] == "client"
    assert spans[1][0] - 0.2 <= action[0]["start"] <= action[0]["end"] <= spans[1][1] + 0.2
    promise = [e for e in events if e["type"] == "promise"]
    assert promise and promise[0]["speaker"] == "agent" and promise[0]["time_statement"] == "tomorrow"
    card = [e for e in events if e["type"] == "card_number"]
    assert len(card) == 1 and card[0]["speaker"] == "client"
    assert spans[3][0] - 0.2 <= card[0]["start"] <= card[0]["end"] <= spans[3][1] + 0.2
    assert data["stats"]["channels"][0]["speaker"] == "agent" and data["stats"]["words"] > 20

    # The spoken digits are nowhere in the report.
    words = " ".join(w["text"] for w in data["words"])
    assert "four five three nine" not in words and "one four eight eight" not in words
    assert "<card number>" in " ".join(d["text"] for d in data["dialogue"])

    # The stored recording is silent where the card number was said, and kept elsewhere.
    assert data["recording"] == "/report/%s/recording" % ricket
    r = host.get(data["recording"], headers=dev(token))
    assert r.status_code == 200 and r.headers["Content-Type"] == "audio/wav"
    with wave.open(io.BytesIO(r.content)) as w:
        assert w.getnchannels() == 2 and w.getframerate() == 16000
        stored = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).reshape(-1, 2)
    assert rms(client, 16000, card[0]["start"], card[0]["end"]) > 300
    assert rms(stored[:, 1], 16000, card[0]["start"], card[0]["end"]) == 0.0
    assert rms(stored[:, 1], 16000, *spans[1]) > 300


def test_two_channel_files_at_different_rates(host, org, call):
    token = dev_token(host, org)
    (agent, client), _ = call
    ricket = ok(post_call(host, token, {"1stChannelFile": ("agent.wav", wav_bytes([agent], 16000), "audio/wav"),
                                        "2ndChannelFile": ("client.wav", wav_bytes([client[::2]], 8000), "audio/wav")}))["Ricket"]
    data = wait_report(host, token, ricket)
    assert data["state"] == "ready"
    assert {d["speaker"] for d in data["dialogue"]} == {"agent", "client"}
    assert any(e["type"] == "card_number" and e["speaker"] == "client" for e in data["events"])


def test_bad_uploads_are_refused_with_the_seeds_message(host, org):
    token = dev_token(host, org)
    r = ko_message(post_call(host, token, {"1stChannelFile": ("notes.txt", b"hello, this is not audio", "text/plain")}))
    assert r.startswith(NOT_WAV) and "1stChannelFile" in r
    silent = wav_bytes([np.zeros(8000, dtype=np.int16)], 8000)
    r = ko_message(post_call(host, token, {"1stChannelFile": ("a.wav", silent, "audio/wav"),
                                           "2ndChannelFile": ("b.wav", b"RIFF", "audio/wav")}))
    assert r.startswith(NOT_WAV) and "2ndChannelFile" in r
    assert ko_message(post_call(host, token, {"other": ("a.wav", silent, "audio/wav")})).startswith(
        "1stChannelFile is missing")
    ko(host.post("/record/call", files={"1stChannelFile": ("a.wav", silent, "audio/wav")}), "unauthorized")


def test_a_silent_call_is_a_report_with_no_speech(host, org):
    token = dev_token(host, org)
    silent = wav_bytes([np.zeros(8000 * 3, dtype=np.int16)], 8000)
    ricket = ok(post_call(host, token, {"1stChannelFile": ("a.wav", silent, "audio/wav")}))["Ricket"]
    data = wait_report(host, token, ricket)
    assert data["state"] == "ready"
    assert data["words"] == [] and "no_speech" in data["flags"]


def test_the_report_says_queued_until_a_worker_takes_the_call(fresh_host):
    h = fresh_host("--job-workers", "0", "--stt", "none")
    org = h.sign_up()
    token = dev_token(h, org)
    silent = wav_bytes([np.zeros(8000, dtype=np.int16)], 8000)
    ricket = ok(post_call(h, token, {"1stChannelFile": ("a.wav", silent, "audio/wav")}))["Ricket"]
    data = ok(h.get("/report/" + ricket, headers=dev(token)))["DATA"]
    assert data["state"] == "queued" and data["status"] == "pending" and data["recording"] is None
    ko(h.get("/report/%s/recording" % ricket, headers=dev(token)), "the recording isn't ready")


def test_an_openchs_calls_recording_is_analysed_and_shows_its_ricket(host, org, call):
    """POST /eproc/calls/{id}/analyse runs the call's recording through the same pipeline."""
    (agent, client), _ = call
    hd = org.bearer()
    stereo = wav_bytes([agent, client], 16000)
    file_id = host.post("/eproc/files", files={"file[]": ("call.wav", stereo, "audio/wav")}, headers=hd).json()["files"][0]["id"]
    created = host.post("/eproc/calls", json={"vector": "inbound", "caller": "+254700000009"}, headers=hd)
    call_id = created.json()["calls"][0]["id"]
    assert host.post("/eproc/calls/%s/recording" % call_id, json={"file_id": file_id}, headers=hd).status_code == 202
    r = host.post("/eproc/calls/%s/analyse" % call_id, json={}, headers=hd)
    assert r.status_code == 202, r.text
    ricket = r.json()["calls"][0]["ricket"]
    assert RICKET.fullmatch(ricket)
    token = dev_token(host, org)
    data = wait_report(host, token, ricket)
    assert data["state"] == "ready" and data["call_id"] == int(call_id) and data["client_id"] == "+254700000009"
    assert any(e["type"] == "card_number" for e in data["events"])
    assert host.get("/eproc/calls/%s" % call_id, headers=hd).json()["calls"][0]["ricket"] == ricket
