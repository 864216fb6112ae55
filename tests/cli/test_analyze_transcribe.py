"""`switchboard analyze --transcribe`: a call built from recorded human
speech (the LibriVox clips of Debian's pocketsphinx-testdata and the ALSA
samples of alsa-utils, tests/common/speech_calls.py) through speech-to-text;
the dialogue with the events inline, the call report as JSON, the redacted
recording, and the turns that keep an overlap whole."""

import json
import os
import sys
import wave

import numpy as np

from conftest import run

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "common"))
import speech_calls  # noqa: E402

CLIP = "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0880.wav"


def usage(out, message):
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert out.stderr == "switchboard analyze: %s (see switchboard analyze --help)\n" % message


def test_the_dialogue_of_a_clip_with_the_words_heard():
    out = run("analyze", "--transcribe", CLIP)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(CLIP + ": ") and "transcribed by pocketsphinx" in lines[0]
    assert lines[1] == "dialogue:"
    turn = [l for l in lines if "mono   | " in l]
    assert turn and "young man" in turn[0]
    assert any(l.startswith("  mono: talk ") for l in lines)


def test_the_report_as_json_and_the_redacted_recording(tmp_path):
    out_wav = tmp_path / "redacted.wav"
    out = run("analyze", "--json", "--redact", out_wav, CLIP)
    assert out.returncode == 0, out.stderr
    r = json.loads(out.stdout)
    assert r["transcriber"]["name"] == "pocketsphinx"
    assert set(r) >= {"words", "dialogue", "events", "stats", "skipped", "flags", "redacted", "acoustic"}
    assert r["words"] and all(w["speaker"] == "mono" for w in r["words"])
    with wave.open(str(out_wav)) as w, wave.open(CLIP) as original:
        assert (w.getnchannels(), w.getframerate(), w.getnframes()) == (1, 16000, original.getnframes())
        # No card data in the clip: the recording is kept as it was.
        a = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
        b = np.frombuffer(original.readframes(original.getnframes()), dtype=np.int16)
        assert np.array_equal(a, b)


def test_turns_of_recorded_speech_keep_the_planted_overlaps_whole(tmp_path):
    """A call of ALSA samples with four planted interruptions of 1.0-1.7 s:
    each is found, naming the right interrupter (acoustic analysis only)."""
    samples, truth = speech_calls.build_alsa(3)
    path = tmp_path / "alsa.wav"
    speech_calls.write_call(str(path), samples)
    out = run("analyze", "--json", path)
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)["interruptions"]
    labels = ["agent", "client"]
    for planted in truth["interruptions"]:
        match = [x for x in found if min(x["end"], planted["end"]) - max(x["start"], planted["start"]) >= 0.3]
        assert match, planted
        assert labels[match[0]["interrupter"]] == planted["interrupter"]
    assert len(found) == len(truth["interruptions"])


def test_usage_errors():
    usage(run("analyze", "--redact", "out.wav", CLIP, CLIP), "--redact writes one recording: give one call, not 2")
    usage(run("analyze", "--transcribe", "--stt-preset", "slowest", CLIP),
          '--stt-preset must be accurate, balanced or fast, not "slowest"')
    usage(run("analyze", "--transcribe", "--hold-ms", "5", CLIP), "--hold-ms must be 100 to 3600000 ms")
