"""Calls with speech-to-text from Python: a recording analysed here and now
(word times as NumPy arrays), and a call recorded with Database.record_call
on a database whose stt is PocketSphinx."""

import numpy as np
import pytest

import switchboard
from sbtest import new_org

CLIP = "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0880.wav"


def test_a_recording_transcribed_with_word_times_as_arrays(tmp_path):
    out = tmp_path / "redacted.wav"
    r = switchboard.analyze_spoken_call(CLIP, redacted_wav=out)
    assert r["transcriber"]["name"] == "pocketsphinx"
    words = [w["text"] for w in r["words"]]
    assert "young" in words and "man" in words  # "he was not an ill disposed young man"
    n = len(words)
    assert r["word_start"].dtype == np.float64 and r["word_start"].shape == (n,)
    assert r["word_channel"].dtype == np.int32 and (r["word_channel"] == 0).all()
    assert (r["word_end"] > r["word_start"]).all()
    assert (np.diff(r["word_start"]) >= 0).all()
    assert ((r["word_confidence"] >= 0) & (r["word_confidence"] <= 1)).all()
    assert r["word_start"][words.index("man")] == pytest.approx(r["words"][words.index("man")]["start"])
    assert out.read_bytes()[:4] == b"RIFF"


def test_without_transcription_the_report_says_what_was_skipped():
    r = switchboard.analyze_spoken_call(CLIP, transcribe=False)
    assert r["words"] == [] and r["word_start"].shape == (0,)
    assert {"transcript", "phrases", "promises", "card_data"} <= {s["detector"] for s in r["skipped"]}
    with pytest.raises(switchboard.InvalidArgument) as e:
        switchboard.analyze_spoken_call(CLIP, preset="slowest")
    assert e.value.field == "preset"


def test_a_recorded_call_becomes_ready_with_its_report(make_db):
    db = make_db(stt="pocketsphinx")
    org = new_org(db)
    key = db.add_dev_key(org.admin_token, "recorder")["pass_key"]
    dev = db.issue_dev_token(org.email, "recorder", key)["token"]
    clip = open(CLIP, "rb").read()
    call = db.record_call(dev, clip, agent_id="A-7")
    assert call["kind"] == "C" and call["status"] == "pending" and call["ricket"].endswith("C")
    with pytest.raises(switchboard.InvalidArgument) as e:
        db.record_call(dev, b"not audio")
    assert e.value.field == "first_channel" and str(e.value).startswith("binary needs to be in .WAV format")
    assert db.drain_interactions(120)
    report = db.text_report(dev, call["ricket"])
    assert report["status"] == "ready" and report["agent_id"] == "A-7"
    assert len(report["call"]["words"]) >= 5 and report["recording_file_id"] > 0
