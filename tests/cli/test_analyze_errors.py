"""`switchboard analyze`: bad recordings (exit 1, the other calls still
analysed) and bad command lines (exit 2, nothing analysed)."""

import json
import os

import pytest

from conftest import run, write_wav, track

NOT_WAV = "binary needs to be in .WAV format: "


def failed(out, file, message):
    assert out.returncode == 1, (out.returncode, out.stderr)
    assert out.stderr == "switchboard analyze: %s: %s\n" % (file, message)


def usage(out, message):
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert out.stdout == ""
    assert out.stderr == "switchboard analyze: %s (see switchboard analyze --help)\n" % message


# ------------------------------------------------------------------ bad recordings
def test_missing_file(wavs):
    out = run("analyze", wavs["missing"])
    failed(out, wavs["missing"], "no such file: " + wavs["missing"])
    assert out.stdout == ""


def test_not_a_wav(wavs):
    out = run("analyze", wavs["text"], "--json")
    failed(out, wavs["text"], NOT_WAV + "it does not start with a RIFF/WAVE header")
    assert out.stdout == ""


def test_empty_and_truncated_files(tmp_path, wavs):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    failed(run("analyze", empty), empty, NOT_WAV + "the file is empty")
    data = open(wavs["mono"], "rb").read()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(data[:len(data) // 2])
    declared, present = len(data) - 44, len(data) // 2 - 44
    failed(run("analyze", cut), cut,
           NOT_WAV + "the file is truncated: the data chunk declares %d bytes and %d are present" % (declared, present))


def test_three_channels(tmp_path):
    path = write_wav(tmp_path / "three.wav", [track(1.0, 8000)] * 3, 8000)
    failed(run("analyze", path), path,
           "the recording has 3 channels; switchboard analyses one (mono) or two (agent, client)")


def test_other_files_are_still_analysed(wavs):
    out = run("analyze", wavs["text"], wavs["mono"], wavs["missing"], wavs["call"])
    assert out.returncode == 1
    assert out.stderr.splitlines() == [
        "switchboard analyze: %s: %sit does not start with a RIFF/WAVE header" % (wavs["text"], NOT_WAV),
        "switchboard analyze: %s: no such file: %s" % (wavs["missing"], wavs["missing"]),
    ]
    headers = [block.split("\n")[0] for block in out.stdout.rstrip("\n").split("\n\n")]
    assert [h.split(": ")[0] for h in headers] == [wavs["mono"], wavs["call"]]


def test_errors_of_a_two_file_call_name_the_file(wavs):
    out = run("analyze", "--agent", wavs["text"], "--client", wavs["client"])
    failed(out, wavs["text"], NOT_WAV + "it does not start with a RIFF/WAVE header")
    out = run("analyze", "--agent", wavs["agent"], "--client", wavs["call"])
    failed(out, wavs["call"],
           "the client file has 2 channels; a call recorded as two files needs one mono file per party")
    out = run("analyze", "--agent", wavs["agent"], "--client", wavs["missing"])
    failed(out, wavs["missing"], "no such file: " + wavs["missing"])


def test_all_good_exits_zero(wavs):
    assert run("analyze", wavs["mono"], wavs["call"]).returncode == 0


# ------------------------------------------------------------------ odd bytes
# RIFF/WAVE, then a chunk with the id ff 00 'a' 'b' that declares 100 bytes and holds 5.
CUT_INSIDE_ODD_CHUNK = (b"RIFF" + (17).to_bytes(4, "little") + b"WAVE" +
                        b"\xff\x00ab" + (100).to_bytes(4, "little") + b"short")
ODD_CHUNK = NOT_WAV + "the file is truncated inside its '\\xff\\x00ab' chunk"


def printable(data):
    """The output as text, checked to hold no control byte but the line feed and to be UTF-8."""
    bad = [b for b in data if (b < 0x20 and b != 0x0A) or b == 0x7F]
    assert not bad, data
    return data.decode("utf-8")


def test_odd_bytes_in_chunk_ids_and_file_names_are_escaped(tmp_path, wavs):
    cut = tmp_path / os.fsdecode(b"cut\x1b[31m\x07\xff.wav")  # a byte that is not UTF-8 too
    cut.write_bytes(CUT_INSIDE_ODD_CHUNK)
    missing = tmp_path / "gone\x1b]0;title\x07.wav"
    good = tmp_path / "tone\x1b[2J\x7f.wav"
    good.write_bytes(open(wavs["mono"], "rb").read())
    shown_cut = "%s/cut\\x1b[31m\\x07\\xff.wav" % tmp_path
    shown_missing = "%s/gone\\x1b]0;title\\x07.wav" % tmp_path
    shown_good = "%s/tone\\x1b[2J\\x7f.wav" % tmp_path

    out = run("analyze", "--progress", cut, missing, good, stdin=b"")
    assert out.returncode == 1
    lines = printable(out.stderr).splitlines()
    assert lines[:4] == [
        "switchboard analyze: %s: %s" % (shown_cut, ODD_CHUNK),
        "[1/3] %s ... failed" % shown_cut,
        "switchboard analyze: %s: no such file: %s" % (shown_missing, shown_missing),
        "[2/3] %s ... failed" % shown_missing,
    ]
    assert lines[4].startswith("[3/3] %s ... done in " % shown_good)
    assert lines[5].startswith("analysed 1 of 3 calls (2 failed): ")
    assert len(lines) == 6
    assert printable(out.stdout).startswith(shown_good + ": 00:09.000")

    # JSON Lines: control characters as JSON escapes, a byte that is not
    # UTF-8 as the text \xff; the engine's message as on stderr.
    out = run("analyze", "--json", cut, good, stdin=b"")
    assert out.returncode == 1
    rows = [json.loads(line) for line in printable(out.stdout).splitlines()]
    assert rows[0] == {"file": "%s/cut\x1b[31m\x07\\xff.wav" % tmp_path,
                       "error": {"code": "invalid_argument", "message": ODD_CHUNK, "field": "file"}}
    assert rows[1]["file"] == str(good)
    assert rows[1]["duration"] == 9.0
    assert printable(out.stderr) == "switchboard analyze: %s: %s\n" % (shown_cut, ODD_CHUNK)

    # The same from standard input.
    out = run("analyze", "-", stdin=CUT_INSIDE_ODD_CHUNK)
    assert out.returncode == 1
    assert printable(out.stderr) == "switchboard analyze: -: %s\n" % ODD_CHUNK


def test_odd_bytes_in_usage_errors_are_escaped(wavs):
    out = run("analyze", "--agent", "a\x1b[2Jb.wav", stdin=b"")
    assert out.returncode == 2
    assert printable(out.stderr) == ("switchboard analyze: --agent a\\x1b[2Jb.wav has no --client: a call recorded as "
                                     "two mono files needs both (see switchboard analyze --help)\n")
    out = run("analyze", wavs["mono"], "--silence-ms", "\x1b[2J", stdin=b"")
    assert out.returncode == 2
    assert printable(out.stderr) == ('switchboard analyze: --silence-ms needs a whole number of milliseconds, '
                                     'not "\\x1b[2J" (see switchboard analyze --help)\n')
    out = run("analyze", wavs["mono"], "--\x07", stdin=b"")
    assert printable(out.stderr) == "switchboard analyze: unknown option --\\x07 (see switchboard analyze --help)\n"


# ------------------------------------------------------------------ bad command lines
def test_agent_without_client(wavs):
    usage(run("analyze", "--agent", wavs["agent"]),
          "--agent %s has no --client: a call recorded as two mono files needs both" % wavs["agent"])
    usage(run("analyze", wavs["mono"], "--client", wavs["client"]),
          "--client %s has no --agent: a call recorded as two mono files needs both" % wavs["client"])
    usage(run("analyze", "--agent", wavs["agent"], "--client", wavs["client"], "--agent", wavs["agent"]),
          "--agent %s has no --client: a call recorded as two mono files needs both" % wavs["agent"])


def test_pairs_are_matched_in_order(wavs):
    out = run("analyze", "--json", "--agent", wavs["agent"], "--agent", wavs["mono"], "--client", wavs["client"],
              "--client", wavs["agent"])
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["agent_file"], r["client_file"]) for r in rows] == [(wavs["agent"], wavs["client"]),
                                                                   (wavs["mono"], wavs["agent"])]


def test_unknown_option(wavs):
    usage(run("analyze", wavs["mono"], "--silence", "500"), "unknown option --silence")
    usage(run("analyze", "-q", wavs["mono"]), "unknown option -q")


@pytest.mark.parametrize("args, message", [
    (["--silence-ms", "abc"], '--silence-ms needs a whole number of milliseconds, not "abc"'),
    (["--silence-ms", "1.5"], '--silence-ms needs a whole number of milliseconds, not "1.5"'),
    (["--interruption-ms="], '--interruption-ms needs a whole number of milliseconds, not ""'),
    (["--silence-db", "loud"], '--silence-db needs a number, not "loud"'),
    (["--max-duration", "inf"], '--max-duration needs a number, not "inf"'),
    (["--silence-ms", "5"], "--silence-ms must be 10 to 600000 ms"),
    (["--silence-db", "10"], "--silence-db must be -60 to 0 dB"),
    (["--silence-threshold-dbfs", "-200"], "--silence-threshold-dbfs must be -120 to 0 dBFS"),
    (["--interruption-ms", "0"], "--interruption-ms must be 10 to 600000 ms"),
    (["--escalation-ratio", "0.5"], "--escalation-ratio must be 1 to 4"),
    (["--max-duration", "-1"], "--max-duration must be a positive number"),
    (["--silence-ms"], "--silence-ms needs a value"),
    (["--agent"], "--agent needs a value"),
    (["--json=yes"], "--json takes no value"),
])
def test_bad_values(wavs, args, message):
    usage(run("analyze", wavs["mono"], *args), message)


def test_no_recording_and_stdin_twice(wavs):
    usage(run("analyze"), "no recording given: name at least one FILE or --agent FILE --client FILE")
    usage(run("analyze", "--json"), "no recording given: name at least one FILE or --agent FILE --client FILE")
    usage(run("analyze", "-", "-"), 'standard input ("-") can be given once')


def test_double_dash_ends_options(tmp_path, wavs):
    dashed = tmp_path / "--json"
    dashed.write_bytes(open(wavs["mono"], "rb").read())
    out = run("analyze", "--", str(dashed))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(str(dashed) + ": 00:09.000")


def test_help(wavs):
    out = run("analyze", "--help")
    assert out.returncode == 0 and out.stderr == ""
    assert out.stdout.startswith("usage: switchboard analyze FILE...")
    for option in ["--json", "--agent", "--client", "--speech", "--progress", "--no-progress", "--silence-ms",
                   "--silence-db", "--silence-threshold-dbfs", "--silence-floor-dbfs", "--interruption-ms",
                   "--noise-ms", "--escalation-ratio", "--escalation-db", "--escalation-ms", "--no-voice",
                   "--max-duration", "exit status"]:
        assert option in out.stdout, option
    assert run("analyze", wavs["mono"], "-h").stdout == out.stdout
