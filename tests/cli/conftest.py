"""Fixtures for the tests of the command-line tool `switchboard`.

The binary comes from SWITCHBOARD_CLI (set by ctest). Recordings are made
here with NumPy and the standard library's `wave` module: harmonic tones
standing in for voices, with silences, overlaps, noise bursts and raised
stretches planted at known times on a quiet noise floor (-70 dBFS).
"""

import json
import os
import subprocess
import wave

import numpy as np
import pytest

CLI_BINARY = os.environ.get("SWITCHBOARD_CLI")

# Silences and overlaps must be found within this many seconds of the truth.
TOLERANCE = 0.030


# ------------------------------------------------------------------ signals
def voiced(f0, seconds, rate, db=-20.0, swing_db=6.0, vibrato=0.03):
    """A harmonic tone at f0 Hz (harmonics 1/k up to 3.4 kHz) with a syllable
    rhythm (the level swings swing_db at 4 Hz, the pitch +-vibrato at 3 Hz),
    scaled to an RMS level of db dBFS."""
    n = int(round(seconds * rate))
    t = np.arange(n) / rate
    phase = np.cumsum(2 * np.pi * f0 * (1 + vibrato * np.sin(2 * np.pi * 3 * t)) / rate)
    x = np.zeros(n)
    for k in range(1, int(3400 / (f0 * (1 + vibrato))) + 1):
        x += np.sin(k * phase) / k
    x *= 10 ** (-swing_db / 20 * 0.5 * (1 - np.cos(2 * np.pi * 4 * t)))
    return x * (10 ** (db / 20) / np.sqrt(np.mean(x ** 2)))


def hiss(seconds, rate, db, seed=5):
    x = np.random.default_rng(seed).uniform(-1, 1, int(round(seconds * rate)))
    return x * (10 ** (db / 20) / np.sqrt(np.mean(x ** 2)))


def track(seconds, rate, seed=1):
    """A quiet noise floor at -70 dBFS."""
    return hiss(seconds, rate, -70, seed)


def place(x, at, segment, rate):
    o = int(round(at * rate))
    n = min(len(segment), len(x) - o)
    x[o:o + n] += segment[:n]


def talk(x, turns, f0, rate, db=-20.0):
    for a, b in turns:
        place(x, a, voiced(f0, b - a, rate, db), rate)


def write_wav(path, channels, rate):
    """16-bit PCM WAV of one or two channels (lists of float arrays, full scale 1.0)."""
    n = max(len(c) for c in channels)
    frames = np.zeros((n, len(channels)))
    for i, c in enumerate(channels):
        frames[:len(c), i] = c
    pcm = np.clip(np.round(frames * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(len(channels))
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return str(path)


# ------------------------------------------------------------------ planted truth
# Mono: three tones at 120 Hz with two planted silences, then silence to the end.
MONO_SECONDS = 9.0
MONO_TURNS = [(0.0, 2.0), (3.2, 5.0), (5.8, 8.0)]
MONO_SILENCES = [(2.0, 3.2), (5.0, 5.8), (8.0, 9.0)]

# Two channels: the client cuts in on the agent at 3.0 s (overlap 3.0-4.0),
# the agent cuts in on the client at 13.0 s (overlap 13.0-14.0); a hiss burst
# on the client at 7.0-7.3 s.
CALL_SECONDS = 16.0
AGENT_TURNS = [(0.5, 4.0), (6.0, 9.0), (13.0, 15.0)]
CLIENT_TURNS = [(3.0, 5.5), (10.0, 14.0)]
CALL_INTERRUPTIONS = [(3.0, 4.0, 1), (13.0, 14.0, 0)]  # start, end, interrupter
AGENT_SILENCES = [(0.0, 0.5), (4.0, 6.0), (9.0, 13.0), (15.0, 16.0)]
CLIENT_SILENCES = [(0.0, 3.0), (5.5, 7.0), (7.3, 10.0), (14.0, 16.0)]
CLIENT_NOISE = (7.0, 7.3)

# The agent's side as its own 8 kHz file (16 s) and the client's as a 16 kHz
# file that ends earlier (15 s).
PAIR_AGENT_RATE, PAIR_CLIENT_RATE = 8000, 16000
PAIR_CLIENT_SECONDS = 15.0

# Escalation: calm turns at 120 Hz, -20 dBFS, and 27-30 s at 170 Hz, -10 dBFS.
ESCALATION_SECONDS = 38.0
ESCALATION_SPAN = (27.0, 30.0)

# Relative against absolute silence: a turn at -20 dBFS with 4-6 s at -45 dBFS.
QUIET_SPAN = (4.0, 6.0)
QUIET_DB = -45.0


def agent_track(rate):
    x = track(CALL_SECONDS, rate, seed=1)
    talk(x, AGENT_TURNS, 120, rate)
    return x


def client_track(rate, seconds=CALL_SECONDS):
    x = track(seconds, rate, seed=2)
    talk(x, CLIENT_TURNS, 210, rate)
    place(x, CLIENT_NOISE[0], hiss(CLIENT_NOISE[1] - CLIENT_NOISE[0], rate, -25, seed=9), rate)
    return x


@pytest.fixture(scope="session")
def wavs(tmp_path_factory):
    """Paths of the generated recordings, by name."""
    d = tmp_path_factory.mktemp("wav")
    rate = 8000
    mono = track(MONO_SECONDS, rate)
    talk(mono, MONO_TURNS, 120, rate)

    esc = track(ESCALATION_SECONDS, rate)
    talk(esc, [(0.0, 8.0), (9.0, 17.0), (18.0, 26.0), (31.0, 38.0)], 120, rate)
    place(esc, ESCALATION_SPAN[0], voiced(170, ESCALATION_SPAN[1] - ESCALATION_SPAN[0], rate, -10), rate)

    quiet = track(8.0, rate)
    talk(quiet, [(0.0, QUIET_SPAN[0]), (QUIET_SPAN[1], 8.0)], 120, rate)
    place(quiet, QUIET_SPAN[0], voiced(120, QUIET_SPAN[1] - QUIET_SPAN[0], rate, QUIET_DB), rate)

    paths = {
        "mono": write_wav(d / "mono.wav", [mono], rate),
        "call": write_wav(d / "call.wav", [agent_track(rate), client_track(rate)], rate),
        "agent": write_wav(d / "agent.wav", [agent_track(PAIR_AGENT_RATE)], PAIR_AGENT_RATE),
        "client": write_wav(d / "client.wav", [client_track(PAIR_CLIENT_RATE, PAIR_CLIENT_SECONDS)],
                            PAIR_CLIENT_RATE),
        "escalation": write_wav(d / "escalation.wav", [esc], rate),
        "quiet": write_wav(d / "quiet.wav", [quiet], rate),
    }
    text = d / "notes.wav"
    text.write_text("this is a text file, not a recording\n")
    paths["text"] = str(text)
    paths["missing"] = str(d / "missing.wav")
    return paths


# ------------------------------------------------------------------ running the tool
def run(*args, stdin=None, stderr=subprocess.PIPE, timeout=120):
    """Runs `switchboard ARGS...`; returns the CompletedProcess (text)."""
    if not CLI_BINARY:
        pytest.skip("SWITCHBOARD_CLI is not set (run the tests through ctest)")
    return subprocess.run([CLI_BINARY, *map(str, args)], input=stdin, stdout=subprocess.PIPE, stderr=stderr,
                          timeout=timeout, text=stdin is None or isinstance(stdin, str))


def analyze_json(*args):
    """`switchboard analyze ARGS... --json` for one call: its result, checked to succeed silently."""
    out = run("analyze", *args, "--json")
    assert out.returncode == 0, out.stderr
    assert out.stderr == "", out.stderr
    return json.loads(out.stdout)


def spans(items):
    return [(s["start"], s["end"]) for s in items]


def assert_spans(found, planted, tolerance=TOLERANCE):
    """Every planted span found once, each boundary within `tolerance` seconds."""
    assert len(found) == len(planted), (found, planted)
    for (a, b), (pa, pb) in zip(found, planted):
        assert abs(a - pa) <= tolerance and abs(b - pb) <= tolerance, (found, planted)
