"""`switchboard analyze`: the readable timeline, JSON Lines over many calls,
and progress on stderr only."""

import json
import os
import pty
import re
import subprocess

import pytest

from conftest import (AGENT_SILENCES, CALL_INTERRUPTIONS, CLIENT_NOISE, CLIENT_SILENCES, CLI_BINARY,
                      ESCALATION_SPAN, MONO_SILENCES, MONO_TURNS, TOLERANCE, analyze_json, run)

EVENT = re.compile(r"^  (\d\d):(\d\d\.\d{3})-(\d\d):(\d\d\.\d{3})  (\S+) +(\S+) +(\d+\.\d{3}) s(?:  (.*))?$")
PROGRESS = re.compile(r"^\[(\d+)/(\d+)\] (.+) \.\.\. done in (\d+\.\d) ms \((\d+(?:\.\d)?)× real time\)$")


def timeline(*args):
    out = run("analyze", *args)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    return out.stdout


def sections(text):
    """The header line and the lines of each section of one call's timeline."""
    lines = text.rstrip("\n").split("\n")
    parts, current = {"header": [lines[0]]}, None
    for line in lines[1:]:
        if re.fullmatch(r"[a-z]+:", line):
            current = line[:-1]
            parts[current] = []
        else:
            parts[current].append(line)
    return parts


def events(lines):
    """(start, end, label, kind, seconds, detail) of each event line."""
    out = []
    for line in lines:
        m = EVENT.match(line)
        assert m, line
        start = int(m.group(1)) * 60 + float(m.group(2))
        end = int(m.group(3)) * 60 + float(m.group(4))
        out.append((start, end, m.group(5), m.group(6), float(m.group(7)), m.group(8)))
    return out


def near(found, planted):
    return abs(found[0] - planted[0]) <= TOLERANCE and abs(found[1] - planted[1]) <= TOLERANCE


def test_call_timeline(wavs):
    parts = sections(timeline(wavs["call"]))
    assert parts["header"] == ["%s: 00:16.000 (16.000 s), 8000 Hz, 2 channels (agent, client)" % wavs["call"]]
    ev = events(parts["events"])
    assert [e[:2] for e in ev] == sorted(e[:2] for e in ev), "events are in time order"
    assert {e[3] for e in ev} == {"silence", "noise", "interruption"}, "no speech spans without --speech"

    inter = [e for e in ev if e[3] == "interruption"]
    assert len(inter) == 2
    assert near(inter[0], CALL_INTERRUPTIONS[0]) and inter[0][2] == "client"
    assert inter[0][5] == "client interrupted agent"
    assert near(inter[1], CALL_INTERRUPTIONS[1]) and inter[1][2] == "agent"
    assert inter[1][5] == "agent interrupted client"
    assert inter[0][4] == pytest.approx(1.0, abs=0.03)

    silences = {label: [e[:2] for e in ev if e[3] == "silence" and e[2] == label] for label in ("agent", "client")}
    assert len(silences["agent"]) == len(AGENT_SILENCES)
    assert all(near(f, p) for f, p in zip(silences["agent"], AGENT_SILENCES))
    assert len(silences["client"]) == len(CLIENT_SILENCES)
    assert all(near(f, p) for f, p in zip(silences["client"], CLIENT_SILENCES))
    noise = [e for e in ev if e[3] == "noise"]
    assert len(noise) == 1 and noise[0][2] == "client" and near(noise[0], CLIENT_NOISE)

    stats = parts["stats"]
    assert [s.split()[0] for s in stats] == ["agent:", "client:", "call:"]
    assert "interruptions made 1" in stats[0] and "interruptions made 1" in stats[1]
    assert re.search(r"median pitch 1[12]\d\.\d Hz", stats[0]), stats[0]
    assert re.search(r"median pitch 2[01]\d\.\d Hz", stats[1]), stats[1]
    assert "noise 0.300 s in 1" in stats[1]
    assert stats[2].startswith("  call:   duration 16.000 s, talk ")
    assert "interruptions 2 (" in stats[2]
    assert "skipped" not in parts


def test_mono_timeline_lists_skipped_detectors(wavs):
    parts = sections(timeline(wavs["mono"]))
    assert parts["header"] == ["%s: 00:09.000 (9.000 s), 8000 Hz, 1 channel (mono)" % wavs["mono"]]
    ev = events(parts["events"])
    assert [e[3] for e in ev] == ["silence"] * 3 and {e[2] for e in ev} == {"mono"}
    assert all(near(f, p) for f, p in zip(ev, MONO_SILENCES))
    assert parts["skipped"] == ["  interruptions: needs two channels (agent and client); the recording has one"]
    assert "interruptions" not in parts["stats"][0]


def test_speech_spans_behind_the_speech_flag(wavs):
    ev = events(sections(timeline(wavs["mono"], "--speech"))["events"])
    speech = [e for e in ev if e[3] == "speech"]
    assert len(speech) == len(MONO_TURNS)
    assert all(near(f, p) for f, p in zip(speech, MONO_TURNS))
    assert [e[:2] for e in ev] == sorted(e[:2] for e in ev)


def test_escalation_line(wavs):
    ev = events(sections(timeline(wavs["escalation"]))["events"])
    esc = [e for e in ev if e[3] == "escalation"]
    assert len(esc) == 1
    assert esc[0][0] == pytest.approx(ESCALATION_SPAN[0], abs=0.1)
    m = re.fullmatch(r"pitch x(\d\.\d\d), level \+(\d+\.\d) dB over the speech level", esc[0][5])
    assert m, esc[0][5]
    assert float(m.group(1)) == pytest.approx(170 / 120, abs=0.05)
    assert float(m.group(2)) == pytest.approx(10, abs=2)


def test_two_file_timeline_header(wavs):
    parts = sections(timeline("--agent", wavs["agent"], "--client", wavs["client"]))
    assert parts["header"] == ["%s + %s: 00:16.000 (16.000 s), agent 8000 Hz / client 16000 Hz, "
                               "2 channels (agent, client)" % (wavs["agent"], wavs["client"])]


def test_no_voice_timeline(wavs):
    parts = sections(timeline(wavs["call"], "--no-voice"))
    assert {e[3] for e in events(parts["events"])} == {"silence"}
    assert "talk" not in parts["stats"][0] and "silence 7.500 s in 4" in parts["stats"][0]
    assert parts["skipped"][0] == "  speech: voice analysis is off (AnalysisOptions::voice)"


def test_many_calls_as_timelines_in_order(wavs):
    text = timeline(wavs["mono"], wavs["call"], "--agent", wavs["agent"], "--client", wavs["client"])
    calls = text.rstrip("\n").split("\n\n")
    assert len(calls) == 3
    assert calls[0].startswith(wavs["mono"] + ": ")
    assert calls[1].startswith(wavs["call"] + ": ")
    assert calls[2].startswith("%s + %s: " % (wavs["agent"], wavs["client"]))


def test_many_calls_as_json_lines(wavs):
    out = run("analyze", "--json", wavs["mono"], wavs["missing"], "--agent", wavs["agent"], "--client",
              wavs["client"], wavs["call"])
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert len(lines) == 4
    rows = [json.loads(line) for line in lines]
    assert rows[0]["file"] == wavs["mono"] and list(rows[0])[0] == "file"
    assert rows[0]["channels"][0]["label"] == "mono"
    assert rows[1] == {"file": wavs["missing"], "error": {"code": "not_found",
                                                          "message": "no such file: " + wavs["missing"],
                                                          "field": "file"}}
    assert (rows[2]["agent_file"], rows[2]["client_file"]) == (wavs["agent"], wavs["client"])
    assert "file" not in rows[2]
    assert [c["sample_rate"] for c in rows[2]["channels"]] == [8000, 16000]
    assert rows[3]["file"] == wavs["call"]
    # Each line is the engine's result with the file added.
    single = analyze_json(wavs["call"])
    assert {k: v for k, v in rows[3].items() if k != "file"} == single
    assert out.stderr == "switchboard analyze: %s: no such file: %s\n" % (wavs["missing"], wavs["missing"])


def test_one_call_as_json_has_no_file_key(wavs):
    a = analyze_json(wavs["mono"])
    assert "file" not in a and list(a)[:3] == ["duration", "sample_rate", "analysis_rate"]


def test_progress_goes_to_stderr_only(wavs):
    files = [wavs["mono"], wavs["call"], wavs["escalation"]]
    out = run("analyze", "--json", "--progress", *files)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["file"] for r in rows] == files
    lines = out.stderr.splitlines()
    assert len(lines) == 4, lines
    for k, (line, f, r) in enumerate(zip(lines, files, rows), start=1):
        m = PROGRESS.match(line)
        assert m, line
        assert (int(m.group(1)), int(m.group(2)), m.group(3)) == (k, 3, f)
        elapsed_ms, ratio = float(m.group(4)), float(m.group(5))
        # The ratio is the call's duration over the time it took (both rounded).
        if elapsed_ms >= 1:
            assert ratio == pytest.approx(r["duration"] * 1000 / elapsed_ms, rel=0.1, abs=1)
    assert re.fullmatch(r"analysed 3 of 3 calls: 63\.000 s of audio in \d+\.\d ms \(\d+(\.\d)?× real time\)",
                        lines[3]), lines[3]


def test_progress_marks_a_failed_call(wavs):
    out = run("analyze", "--progress", wavs["mono"], wavs["text"])
    assert out.returncode == 1
    lines = out.stderr.splitlines()
    assert PROGRESS.match(lines[0]) and lines[0].startswith("[1/2] " + wavs["mono"] + " ... done in ")
    assert lines[1].startswith("switchboard analyze: %s: binary needs to be in .WAV format" % wavs["text"])
    assert lines[2] == "[2/2] %s ... failed" % wavs["text"]
    assert lines[3].startswith("analysed 1 of 2 calls (1 failed): 9.000 s of audio in ")
    assert "[" not in out.stdout


def test_no_progress_when_stderr_is_a_pipe(wavs):
    out = run("analyze", wavs["mono"], wavs["call"])
    assert out.returncode == 0 and out.stderr == ""


def run_with_terminal_stderr(*args):
    """Runs the tool with stderr on a pseudo-terminal; returns (code, stdout, what the terminal got)."""
    if not CLI_BINARY:
        pytest.skip("SWITCHBOARD_CLI is not set (run the tests through ctest)")
    master, slave = pty.openpty()
    proc = subprocess.Popen([CLI_BINARY, *args], stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    terminal = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO once the tool has exited and the terminal is closed
            break
        if not chunk:
            break
        terminal += chunk
    stdout = proc.stdout.read()
    proc.wait(timeout=60)
    os.close(master)
    return proc.returncode, stdout.decode(), terminal.decode().replace("\r\n", "\n")


def test_progress_on_a_terminal(wavs):
    code, stdout, terminal = run_with_terminal_stderr("analyze", "--json", wavs["mono"], wavs["call"])
    assert code == 0
    lines = terminal.splitlines()
    assert PROGRESS.match(lines[0]) and lines[0].startswith("[1/2] " + wavs["mono"])
    assert PROGRESS.match(lines[1]) and lines[1].startswith("[2/2] " + wavs["call"])
    assert lines[2].startswith("analysed 2 of 2 calls: 25.000 s of audio in ")
    assert [json.loads(line)["file"] for line in stdout.splitlines()] == [wavs["mono"], wavs["call"]]


def test_no_progress_on_a_terminal_for_one_call_or_when_refused(wavs):
    code, stdout, terminal = run_with_terminal_stderr("analyze", wavs["mono"])
    assert code == 0 and terminal == "" and stdout.startswith(wavs["mono"] + ": ")
    code, stdout, terminal = run_with_terminal_stderr("analyze", "--no-progress", wavs["mono"], wavs["call"])
    assert code == 0 and terminal == ""
