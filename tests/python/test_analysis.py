"""The audio analysis engine from Python: switchboard.analyze_call on arrays,
WAV files and WAV bytes, the options, the errors, StreamingAnalyzer, and the
GIL being released while the engine runs.

The signals are made here with NumPy: harmonic tones with a syllable rhythm
stand for voices, uniform noise for bursts and for a -70 dBFS noise floor.
WAV files are written with the standard library's wave module.
"""

from __future__ import annotations

import json
import pathlib
import threading
import time
import wave

import numpy as np
import pytest

import switchboard

RATE = 8000
TOL = 0.03  # seconds: span boundaries agree within 30 ms


# ---------------------------------------------------------------- signals

def _scale_to_db(x: np.ndarray, db: float) -> np.ndarray:
    rms_db = 10 * np.log10(np.mean(x.astype(np.float64) ** 2) + 1e-30)
    return x * 10 ** ((db - rms_db) / 20)


def voiced(f0: float, sec: float, rate: int, db: float = -20.0, vibrato: float = 0.0) -> np.ndarray:
    """Harmonics of f0 (1/k up to 3.4 kHz), the level swinging 6 dB at 4 Hz and
    the pitch +-vibrato at 3 Hz, at an RMS level of db dBFS."""
    t = np.arange(round(sec * rate)) / rate
    phase = np.cumsum(2 * np.pi * f0 * (1 + vibrato * np.sin(2 * np.pi * 3 * t)) / rate)
    harmonics = int(3400 / (f0 * (1 + vibrato)))
    s = sum(np.sin(k * phase) / k for k in range(1, harmonics + 1))
    env = 10 ** (-6 / 20 * 0.5 * (1 - np.cos(2 * np.pi * 4 * t)))
    return _scale_to_db(s * env, db)


def noise(sec: float, rate: int, db: float, seed: int) -> np.ndarray:
    return _scale_to_db(np.random.default_rng(seed).uniform(-1, 1, round(sec * rate)), db)


def track(sec: float, rate: int, seed: int) -> np.ndarray:
    """sec seconds of a -70 dBFS noise floor."""
    return noise(sec, rate, -70, seed)


def place(x: np.ndarray, at: float, seg: np.ndarray, rate: int) -> None:
    o = round(at * rate)
    x[o:o + len(seg)] += seg[:len(x) - o]


# The planted call, 10 s:
#   agent  (120 Hz): 0.8-3.0, 5.0-7.0
#   client (220 Hz): 2.0-4.0, 7.5-8.5; a noise burst 9.2-9.7
# The client cuts in at 2.0: one interruption, 2.0-3.0.
AGENT_SPEECH = [(0.8, 3.0), (5.0, 7.0)]
AGENT_SILENCES = [(0.0, 0.8), (3.0, 5.0), (7.0, 10.0)]
CLIENT_SPEECH = [(2.0, 4.0), (7.5, 8.5)]
CLIENT_SILENCES = [(0.0, 2.0), (4.0, 7.5), (8.5, 9.2)]
CLIENT_NOISE = [(9.2, 9.7)]


def agent_track(rate: int = RATE) -> np.ndarray:
    x = track(10.0, rate, 1)
    for a, b in AGENT_SPEECH:
        place(x, a, voiced(120, b - a, rate), rate)
    return x.astype(np.float32)


def client_track(rate: int = RATE) -> np.ndarray:
    x = track(10.0, rate, 2)
    for a, b in CLIENT_SPEECH:
        place(x, a, voiced(220, b - a, rate), rate)
    place(x, 9.2, noise(0.5, rate, -18, 9), rate)
    return x.astype(np.float32)


def to_int16(x: np.ndarray) -> np.ndarray:
    return np.clip(np.round(x * 32768), -32768, 32767).astype(np.int16)


def write_wav(path: pathlib.Path, samples: np.ndarray, rate: int) -> None:
    """16-bit PCM; samples of shape (n,) or (n, channels)."""
    pcm = to_int16(samples)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1 if pcm.ndim == 1 else pcm.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.astype("<i2").tobytes())


@pytest.fixture(scope="module")
def agent() -> np.ndarray:
    return agent_track()


@pytest.fixture(scope="module")
def client() -> np.ndarray:
    return client_track()


@pytest.fixture(scope="module")
def stereo(agent, client) -> np.ndarray:
    return np.ascontiguousarray(np.stack([agent, client], axis=1))


@pytest.fixture(scope="module")
def stereo_wav(tmp_path_factory, stereo) -> pathlib.Path:
    path = tmp_path_factory.mktemp("wav") / "call.wav"
    write_wav(path, stereo, RATE)
    return path


# ---------------------------------------------------------------- checks

def spans(items) -> list[tuple[float, float]]:
    return [(s["start"], s["end"]) for s in items]


def assert_spans(got, want, what: str) -> None:
    found = spans(got)
    assert len(found) == len(want), f"{what}: found {found}, want {want}"
    for (a, b), (wa, wb) in zip(found, want):
        assert abs(a - wa) <= TOL and abs(b - wb) <= TOL, f"{what}: found {found}, want {want}"


def assert_planted(r, client_rate: int = RATE) -> None:
    assert isinstance(r, switchboard.CallAnalysis) and isinstance(r, dict)
    assert r["duration"] == pytest.approx(10.0, abs=1e-3)
    assert r["sample_rate"] == RATE
    agent, client = r["channels"]
    assert (agent["label"], client["label"]) == ("agent", "client")
    assert client["sample_rate"] == client_rate
    assert_spans(agent["speech"], AGENT_SPEECH, "agent speech")
    assert_spans(agent["silences"], AGENT_SILENCES, "agent silences")
    assert agent["noise"] == []
    assert_spans(client["speech"], CLIENT_SPEECH, "client speech")
    assert_spans(client["silences"], CLIENT_SILENCES, "client silences")
    assert_spans(client["noise"], CLIENT_NOISE, "client noise")
    assert len(r["interruptions"]) == 1
    x = r["interruptions"][0]
    assert x["interrupter"] == 1
    assert x["start"] == pytest.approx(2.0, abs=TOL) and x["end"] == pytest.approx(3.0, abs=TOL)
    assert agent["median_pitch_hz"] == pytest.approx(120, rel=0.02)
    assert client["median_pitch_hz"] == pytest.approx(220, rel=0.02)
    assert agent["escalations"] == [] and client["escalations"] == []
    assert r["skipped"] == []
    assert agent["stats"]["talk_time"] == pytest.approx(4.2, abs=0.08)
    assert agent["stats"]["silence_count"] == 3
    assert client["stats"]["interruptions_made"] == 1 and agent["stats"]["interruptions_made"] == 0
    assert client["stats"]["noise_time"] == pytest.approx(0.5, abs=TOL)
    assert r["stats"]["interruption_count"] == 1
    assert r["stats"]["interruptions_per_minute"] == pytest.approx(6.0)


def raises(cls, call, message: str | None = None, field: str | None = None, startswith: str | None = None):
    with pytest.raises(cls) as info:
        call()
    e = info.value
    if message is not None:
        assert str(e) == message
    if startswith is not None:
        assert str(e).startswith(startswith), str(e)
    if field is not None:
        assert e.field == field
    return e


# ---------------------------------------------------------------- batch

def test_float32_stereo_array(stereo):
    assert_planted(switchboard.analyze_call(stereo, sample_rate=RATE))


def test_int16_arrays_two_columns_or_interleaved(stereo):
    pcm = to_int16(stereo)
    r = switchboard.analyze_call(pcm, sample_rate=RATE)
    assert_planted(r)
    assert switchboard.analyze_call(pcm.reshape(-1), sample_rate=RATE, channels=2) == r


def test_result_carries_the_json_names_and_to_json(stereo):
    r = switchboard.analyze_call(stereo, sample_rate=RATE)
    assert {"duration", "sample_rate", "analysis_rate", "channels", "interruptions", "stats", "skipped"} <= set(r)
    assert {"label", "sample_rate", "speech", "silences", "noise", "escalations", "median_pitch_hz",
            "stats"} <= set(r["channels"][0])
    assert {"talk_time", "silence_time", "silence_per_minute", "noise_time", "speech_level_dbfs"} <= set(
        r["channels"][0]["stats"])
    assert {"interruption_count", "interruption_time", "interruptions_per_minute"} <= set(r["stats"])
    text = r.to_json()
    assert isinstance(text, str) and text.startswith('{"duration":')
    assert json.loads(text) == r


def test_wav_from_path_pathlike_and_bytes(stereo_wav):
    by_path = switchboard.analyze_call(stereo_wav)
    assert_planted(by_path)
    assert switchboard.analyze_call(str(stereo_wav)) == by_path
    data = stereo_wav.read_bytes()
    assert switchboard.analyze_call(data) == by_path
    assert switchboard.analyze_call(bytearray(data)) == by_path
    assert switchboard.analyze_call(memoryview(data)) == by_path


def test_two_mono_files_of_different_rates(tmp_path, agent):
    write_wav(tmp_path / "agent.wav", agent, RATE)
    write_wav(tmp_path / "client.wav", client_track(16000), 16000)
    r = switchboard.analyze_call(tmp_path / "agent.wav", client=str(tmp_path / "client.wav"))
    assert_planted(r, client_rate=16000)


def test_mono_skips_interruptions_and_says_why(agent):
    r = switchboard.analyze_call(agent, sample_rate=RATE)
    assert [c["label"] for c in r["channels"]] == ["mono"]
    assert_spans(r["channels"][0]["speech"], AGENT_SPEECH, "mono speech")
    assert r["interruptions"] == []
    assert r["skipped"] == [{"detector": "interruptions",
                             "reason": "needs two channels (agent and client); the recording has one"}]
    # shape (n, 1) is mono too
    assert switchboard.analyze_call(agent.reshape(-1, 1), sample_rate=RATE) == r


def test_options_by_keyword(agent):
    r = switchboard.analyze_call(agent, sample_rate=RATE, silence_min_ms=2500)
    assert_spans(r["channels"][0]["silences"], [(7.0, 10.0)], "silences of 2.5 s or more")
    # NumPy scalars are numbers too
    assert switchboard.analyze_call(agent, sample_rate=RATE, silence_min_ms=np.int64(2500)) == r

    fast = switchboard.analyze_call(agent, sample_rate=RATE, voice=False)
    assert_spans(fast["channels"][0]["silences"], AGENT_SILENCES, "level-only silences")
    assert fast["channels"][0]["speech"] == []
    assert [s["detector"] for s in fast["skipped"]] == ["speech", "noise", "pitch", "escalation", "interruptions"]

    loud = switchboard.analyze_call(agent, sample_rate=RATE, silence_threshold_dbfs=-5.0)
    assert len(loud["channels"][0]["silences"]) == 1 and loud["channels"][0]["speech"] == []
    assert switchboard.analyze_call(agent, sample_rate=RATE, silence_threshold_dbfs=None) == \
        switchboard.analyze_call(agent, sample_rate=RATE)


def test_an_escalation_is_found():
    x = track(16.0, RATE, 3)
    for a, b, f0, db in [(0, 4, 120, -20), (5, 9, 120, -20), (10, 12, 160, -10), (13, 16, 120, -20)]:
        place(x, a, voiced(f0, b - a, RATE, db, vibrato=0.03), RATE)
    r = switchboard.analyze_call(x.astype(np.float32), sample_rate=RATE)
    (e,) = r["channels"][0]["escalations"]
    assert e["start"] == pytest.approx(10.0, abs=0.1) and e["end"] == pytest.approx(12.0, abs=0.1)
    assert e["pitch_ratio"] == pytest.approx(160 / 120, abs=0.05)
    assert e["level_db"] == pytest.approx(10, abs=2)
    assert r["stats"]["escalation_count"] == 1


# ---------------------------------------------------------------- errors

def test_bad_wav_input_gets_the_seed_message(tmp_path, stereo_wav):
    not_wav = "binary needs to be in .WAV format: "
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(b"call notes, not audio"),
           not_wav + "it does not start with a RIFF/WAVE header", "file")
    notes = tmp_path / "notes.txt"
    notes.write_text("call notes, not audio")
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(notes),
           not_wav + "it does not start with a RIFF/WAVE header", "file")
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(b""), not_wav + "the file is empty")
    data = stereo_wav.read_bytes()
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(data[:len(data) // 2]),
           startswith=not_wav + "the file is truncated")
    write_wav(tmp_path / "agent.wav", np.zeros(800, dtype=np.float32), RATE)
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(tmp_path / "agent.wav", client=notes),
           startswith=not_wav, field="client")
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(stereo_wav, client=notes),
           "the agent file has 2 channels; a call recorded as two files needs one mono file per party", "agent")
    raises(switchboard.NotFound, lambda: switchboard.analyze_call(tmp_path / "missing.wav"), field="file")
    # switchboard errors are ValueErrors and LookupErrors too
    with pytest.raises(ValueError):
        switchboard.analyze_call(b"RIFF")


def test_bytes_a_file_supplies_are_escaped_in_messages(tmp_path):
    """A chunk id or file name that is not printable gives a whole, printable message."""
    not_wav = "binary needs to be in .WAV format: "
    # RIFF/WAVE, then a chunk with the id ff 00 'a' 'b' that declares 100 bytes and holds 5
    data = b"RIFF" + (17).to_bytes(4, "little") + b"WAVE" + b"\xff\x00ab" + (100).to_bytes(4, "little") + b"short"
    expected = not_wav + "the file is truncated inside its '\\xff\\x00ab' chunk"
    e = raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(data), expected, "file")
    assert str(e) != "" and str(e).isprintable()
    cut = tmp_path / "cut\x1b[31m.wav"
    cut.write_bytes(data)
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(cut), expected, "file")
    missing = tmp_path / "no\x07where\n café.wav"
    e = raises(switchboard.NotFound, lambda: switchboard.analyze_call(missing),
               "no such file: %s/no\\x07where\\x0a café.wav" % tmp_path, "file")
    assert str(e).isprintable()


def test_bad_samples_and_arguments(stereo, stereo_wav):
    three = np.zeros((800, 3), dtype=np.float32)
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(three, sample_rate=RATE),
           "the recording has 3 channels; switchboard analyses one (mono) or two (agent, client)")
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(stereo, sample_rate=4000),
           "the sample rate 4000 Hz is outside 8000-48000 Hz")
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(stereo[:0], sample_rate=RATE),
           "the recording has no samples")
    raises(switchboard.TooLarge, lambda: switchboard.analyze_call(stereo, sample_rate=RATE, max_duration_s=1))
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(stereo),
           "sample_rate is required with a NumPy array", "sample_rate")
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(stereo_wav, sample_rate=RATE),
           field="sample_rate")
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(stereo, sample_rate=RATE, channels=1),
           "channels=1 contradicts the array's shape (n, 2)", "channels")
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(stereo, sample_rate=RATE, client="b.wav"),
           field="source")
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(12345), field="source",
           startswith="source must be a path (str or os.PathLike), bytes holding a WAV file, or a NumPy array")


def test_options_are_checked(agent):
    e = raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(agent, sample_rate=RATE, silence_min=3),
               field="silence_min", startswith='unknown option "silence_min" (the options are silence_relative_db,')
    assert "interruption_min_ms" in str(e)
    raises(switchboard.InvalidArgument,
           lambda: switchboard.analyze_call(agent, sample_rate=RATE, silence_min_ms="500"),
           "option silence_min_ms must be an int, got str", "silence_min_ms")
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(agent, sample_rate=RATE, voice=1),
           "option voice must be a bool, got int", "voice")
    raises(switchboard.InvalidArgument,
           lambda: switchboard.analyze_call(agent, sample_rate=RATE, escalation_pitch_ratio=True), field="escalation_pitch_ratio")
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(agent, sample_rate=RATE, silence_min_ms=5),
           "silence_min_ms must be 10 to 600000 ms", "silence_min_ms")
    raises(switchboard.InvalidArgument,
           lambda: switchboard.analyze_call(agent, sample_rate=RATE, silence_relative_db=float("nan")),
           field="silence_relative_db")


def test_arrays_are_read_in_place_or_refused(stereo):
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(stereo[::2], sample_rate=RATE),
           startswith="source array must be C-contiguous", field="source")
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(stereo.T, sample_rate=RATE),
           startswith="source array must be C-contiguous")
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(stereo[:, 0], sample_rate=RATE),
           startswith="source array must be C-contiguous")
    raises(switchboard.InvalidArgument,
           lambda: switchboard.analyze_call(stereo.astype(np.float64), sample_rate=RATE),
           startswith="source array must hold int16 or float32 samples, got float64", field="source")
    raises(switchboard.InvalidArgument,
           lambda: switchboard.analyze_call(to_int16(stereo).astype(np.int32), sample_rate=RATE),
           startswith="source array must hold int16 or float32 samples, got int32")
    raises(switchboard.InvalidArgument,
           lambda: switchboard.analyze_call(to_int16(stereo).astype(">i2"), sample_rate=RATE),
           startswith="source array must hold int16 or float32 samples")
    raises(switchboard.InvalidArgument, lambda: switchboard.analyze_call(stereo.reshape(2, -1, 2), sample_rate=RATE),
           "source array must have shape (n,) or (n, channels), got 3 dimensions")


def _ticks_during(fn) -> tuple[float, int]:
    """Runs fn() while another thread ticks every millisecond; returns how long
    fn took and how many ticks fell well inside that time."""
    ticks: list[float] = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    t.start()
    time.sleep(0.02)
    start = time.perf_counter()
    fn()
    end = time.perf_counter()
    stop.set()
    t.join()
    margin = (end - start) * 0.1
    return end - start, sum(1 for x in ticks if start + margin < x < end - margin)


def test_the_gil_is_released_while_analysing():
    # 20 minutes of stereo: voices taking turns, second by second (long
    # enough that the analysis takes well over 50 ms on a fast machine)
    second = np.stack([voiced(120, 1.0, RATE), track(1.0, RATE, 5)], axis=1)
    turn = np.concatenate([second, second[:, ::-1]])
    call = np.ascontiguousarray(np.tile(turn, (600, 1)).astype(np.float32))
    result = {}
    took, ticks = _ticks_during(lambda: result.update(switchboard.analyze_call(call, sample_rate=RATE)))
    assert result["duration"] == pytest.approx(1200.0)
    assert len(result["channels"][0]["speech"]) == 600
    assert took > 0.05, "the analysis was too quick to tell"
    # with the GIL held the other thread could not tick at all
    assert ticks >= 10, f"{ticks} ticks in {took:.3f} s"

    # the streaming analyser is faster: three pushes of the call (30 minutes)
    # so that its time is long enough to count ticks in
    s = switchboard.StreamingAnalyzer(RATE, 2)
    took, ticks = _ticks_during(lambda: [s.push(call) for _ in range(3)])
    assert took > 0.05 and ticks >= 10, f"{ticks} ticks in {took:.3f} s"


# ---------------------------------------------------------------- streaming

def test_streaming_gives_the_batch_result_and_events(stereo):
    pcm = to_int16(stereo)
    batch = switchboard.analyze_call(pcm, sample_rate=RATE)
    s = switchboard.StreamingAnalyzer(RATE, 2)
    assert s.channels == 2
    events, open_at, closed_at = [], None, None
    at, i, sizes = 0, 0, [37, 160, 1, 999, 511]
    while at < len(pcm):
        n = sizes[i % len(sizes)]
        i += 1
        s.push(pcm[at:at + n])
        at += n
        got = s.take_events()
        events += got
        for e in got:
            if e["kind"] == "interruption":
                # the audio pushed when it came: (before this push, after it)
                when = ((at - n) / RATE, at / RATE)
                if e["open"]:
                    open_at = when
                else:
                    closed_at = when
    assert 9.0 < s.analysed_seconds <= 10.0
    live = s.finish()
    events += s.take_events()
    assert isinstance(live, switchboard.CallAnalysis)
    assert live == batch
    assert_planted(live)

    # the interruption is announced once it has lasted 750 ms (2.75 s, seen
    # within the decision delay of about 0.7 s: the hangover and the closing
    # over pauses shorter than a silence), then closed
    assert open_at is not None and closed_at is not None and open_at < closed_at
    assert open_at[1] >= 2.75 and open_at[0] <= 2.75 + 0.75
    assert closed_at[1] >= 3.0 and closed_at[0] <= 3.0 + 0.75
    inter = [e for e in events if e["kind"] == "interruption"]
    assert [(e["open"], e["channel"]) for e in inter] == [(True, 1), (False, 1)]
    assert inter[0]["end"] == pytest.approx(2.75, abs=TOL) and inter[1]["end"] == pytest.approx(3.0, abs=TOL)
    silences = [e for e in events if e["kind"] == "silence"]
    assert len([e for e in silences if e["channel"] == 0]) == 3
    assert len([e for e in silences if e["channel"] == 1]) == 3
    (burst,) = [e for e in events if e["kind"] == "noise"]
    assert burst["channel"] == 1 and burst["start"] == pytest.approx(9.2, abs=TOL)
    assert set(burst) == {"kind", "channel", "start", "end", "open"}

    raises(switchboard.InvalidArgument, lambda: s.push(pcm[:10]), "the analyzer has finished; start a new one")
    raises(switchboard.InvalidArgument, s.finish, "the analyzer has finished; start a new one")


def test_streaming_two_mono_streams(agent):
    client16 = client_track(16000)
    s = switchboard.StreamingAnalyzer.two_mono(RATE, 16000, interruption_min_ms=750)
    assert s.channels == 0
    agent_pcm = to_int16(agent)
    for at in range(0, len(agent), 1000):
        s.push_channel(0, agent_pcm[at:at + 1000])
        s.push_channel(1, client16[2 * at:2 * at + 2000])
    raises(switchboard.InvalidArgument, lambda: s.push(agent), field="samples",
           startswith="an analyzer of two mono streams takes push_channel")
    raises(switchboard.InvalidArgument, lambda: s.push_channel(2, agent[:10]), "no channel 2", "channel")
    assert_planted(s.finish(), client_rate=16000)


def test_streaming_errors(stereo):
    raises(switchboard.InvalidArgument, lambda: switchboard.StreamingAnalyzer(4000),
           "the sample rate 4000 Hz is outside 8000-48000 Hz", "sample_rate")
    raises(switchboard.InvalidArgument, lambda: switchboard.StreamingAnalyzer(RATE, 3), field="channels")
    raises(switchboard.InvalidArgument, lambda: switchboard.StreamingAnalyzer(RATE, silence_min=1),
           field="silence_min")
    raises(switchboard.InvalidArgument, lambda: switchboard.StreamingAnalyzer.two_mono(RATE, 100), field="client")
    mono = switchboard.StreamingAnalyzer(RATE)
    raises(switchboard.InvalidArgument, lambda: mono.push(stereo),
           "samples of shape (n, 2) do not fit a stream of 1 channel(s)", "samples")
    raises(switchboard.InvalidArgument, lambda: mono.push(stereo[::2, 0]), startswith="samples array must be C-contiguous")
    raises(switchboard.InvalidArgument, lambda: mono.push([0.0, 0.1]),
           "samples must be a NumPy array of int16 or float32 samples, got list", "samples")
    raises(switchboard.InvalidArgument, lambda: mono.push_channel(0, stereo), field="samples")
    raises(switchboard.InvalidArgument, mono.finish, "the recording has no samples")
    short = switchboard.StreamingAnalyzer(RATE, 2, max_duration_s=1)
    short.push(stereo[:RATE // 2])
    raises(switchboard.TooLarge, lambda: short.push(stereo[:RATE]))
