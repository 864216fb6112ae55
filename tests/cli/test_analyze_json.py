"""`switchboard analyze --json`: the engine's result for planted silences,
overlaps, noise and escalation, and the options that change it."""

import json

import pytest

from conftest import (AGENT_SILENCES, CALL_INTERRUPTIONS, CLIENT_NOISE, CLIENT_SILENCES, ESCALATION_SPAN,
                      MONO_SILENCES, MONO_TURNS, PAIR_AGENT_RATE, PAIR_CLIENT_RATE, PAIR_CLIENT_SECONDS, QUIET_SPAN,
                      analyze_json, assert_spans, run, spans)


def test_mono_silences_speech_and_skipped_interruptions(wavs):
    a = analyze_json(wavs["mono"])
    assert a["duration"] == pytest.approx(9.0, abs=0.001)
    assert a["sample_rate"] == 8000 and a["analysis_rate"] == 8000
    assert [c["label"] for c in a["channels"]] == ["mono"]
    ch = a["channels"][0]
    assert_spans(spans(ch["silences"]), MONO_SILENCES)
    assert_spans(spans(ch["speech"]), MONO_TURNS)
    assert ch["noise"] == [] and ch["escalations"] == []
    assert ch["median_pitch_hz"] == pytest.approx(120, rel=0.03)
    assert ch["stats"]["silence_count"] == 3
    assert ch["stats"]["silence_time"] == pytest.approx(3.0, abs=0.06)
    assert a["interruptions"] == []
    assert a["skipped"] == [{"detector": "interruptions",
                             "reason": "needs two channels (agent and client); the recording has one"}]


def test_stereo_call_interruptions_with_the_interrupter(wavs):
    a = analyze_json(wavs["call"])
    assert [c["label"] for c in a["channels"]] == ["agent", "client"]
    found = [(x["start"], x["end"]) for x in a["interruptions"]]
    assert_spans(found, [(s, e) for s, e, _ in CALL_INTERRUPTIONS])
    assert [x["interrupter"] for x in a["interruptions"]] == [who for _, _, who in CALL_INTERRUPTIONS]
    assert a["stats"]["interruption_count"] == 2
    assert a["stats"]["interruption_time"] == pytest.approx(2.0, abs=0.06)
    agent, client = a["channels"]
    assert agent["stats"]["interruptions_made"] == 1 and client["stats"]["interruptions_made"] == 1
    assert_spans(spans(agent["silences"]), AGENT_SILENCES)
    assert_spans(spans(client["silences"]), CLIENT_SILENCES)
    assert_spans(spans(client["noise"]), [CLIENT_NOISE])
    assert agent["noise"] == []
    assert agent["median_pitch_hz"] == pytest.approx(120, rel=0.03)
    assert client["median_pitch_hz"] == pytest.approx(210, rel=0.03)
    assert a["skipped"] == []


def test_two_mono_files_of_different_rates_and_lengths(wavs):
    a = analyze_json("--agent", wavs["agent"], "--client", wavs["client"])
    agent, client = a["channels"]
    assert (agent["label"], agent["sample_rate"]) == ("agent", PAIR_AGENT_RATE)
    assert (client["label"], client["sample_rate"]) == ("client", PAIR_CLIENT_RATE)
    assert a["sample_rate"] == PAIR_AGENT_RATE
    assert a["duration"] == pytest.approx(16.0, abs=0.001)
    assert client["stats"]["duration"] == pytest.approx(PAIR_CLIENT_SECONDS, abs=0.001)
    found = [(x["start"], x["end"]) for x in a["interruptions"]]
    assert_spans(found, [(s, e) for s, e, _ in CALL_INTERRUPTIONS])
    assert [x["interrupter"] for x in a["interruptions"]] == [1, 0]
    assert_spans(spans(agent["silences"]), AGENT_SILENCES)
    # The client's file ends at 15 s: its last silence ends there.
    assert_spans(spans(client["silences"]), CLIENT_SILENCES[:-1] + [(14.0, PAIR_CLIENT_SECONDS)])


def test_client_given_before_agent_pairs_the_same(wavs):
    a = analyze_json("--client", wavs["client"], "--agent", wavs["agent"])
    assert [(c["label"], c["sample_rate"]) for c in a["channels"]] == [("agent", PAIR_AGENT_RATE),
                                                                      ("client", PAIR_CLIENT_RATE)]


def test_escalation_found_with_its_ratio(wavs):
    a = analyze_json(wavs["escalation"])
    esc = a["channels"][0]["escalations"]
    assert len(esc) == 1, esc
    assert esc[0]["start"] == pytest.approx(ESCALATION_SPAN[0], abs=0.1)
    assert esc[0]["end"] == pytest.approx(ESCALATION_SPAN[1], abs=0.1)
    assert esc[0]["pitch_ratio"] == pytest.approx(170 / 120, abs=0.05)
    assert esc[0]["level_db"] == pytest.approx(10, abs=2)
    assert a["stats"]["escalation_count"] == 1
    # A ratio above the raised pitch's finds nothing.
    assert analyze_json(wavs["escalation"], "--escalation-ratio", "1.6")["channels"][0]["escalations"] == []
    # Nor does a minimum length above the raised stretch's 3 s.
    assert analyze_json(wavs["escalation"], "--escalation-ms", "3500")["stats"]["escalation_count"] == 0
    # Nor a level above its +10 dB.
    assert analyze_json(wavs["escalation"], "--escalation-db", "15")["stats"]["escalation_count"] == 0


def test_silence_ms_sets_the_shortest_silence(wavs):
    # The planted silences last 1.2, 0.8 and 1.0 s.
    ch = analyze_json(wavs["mono"], "--silence-ms", "900")["channels"][0]
    assert_spans(spans(ch["silences"]), [MONO_SILENCES[0], MONO_SILENCES[2]])
    ch = analyze_json(wavs["mono"], "--silence-ms=1100")["channels"][0]
    assert_spans(spans(ch["silences"]), [MONO_SILENCES[0]])


def test_relative_and_absolute_silence_thresholds(wavs):
    # 4-6 s is 24 dB under the turn around it: silent 15 dB under the
    # loudness (the default), not 30 dB under it.
    assert_spans(spans(analyze_json(wavs["quiet"])["channels"][0]["silences"]), [QUIET_SPAN])
    assert analyze_json(wavs["quiet"], "--silence-db", "-30")["channels"][0]["silences"] == []
    # An absolute threshold replaces the relative rule.
    assert analyze_json(wavs["quiet"], "--silence-threshold-dbfs", "-55")["channels"][0]["silences"] == []
    ch = analyze_json(wavs["quiet"], "--silence-threshold-dbfs", "-40", "--silence-db", "-30")["channels"][0]
    assert_spans(spans(ch["silences"]), [QUIET_SPAN])


def test_interruption_ms_sets_the_shortest_overlap(wavs):
    # Both planted overlaps last 1 s.
    assert analyze_json(wavs["call"], "--interruption-ms", "1200")["interruptions"] == []
    assert len(analyze_json(wavs["call"], "--interruption-ms", "900")["interruptions"]) == 2


def test_noise_ms_sets_the_shortest_noise(wavs):
    # The planted hiss burst lasts 300 ms.
    assert analyze_json(wavs["call"], "--noise-ms", "400")["channels"][1]["noise"] == []
    assert len(analyze_json(wavs["call"], "--noise-ms", "250")["channels"][1]["noise"]) == 1


def test_no_voice_keeps_levels_and_silences_only(wavs):
    a = analyze_json(wavs["call"], "--no-voice")
    assert sorted(s["detector"] for s in a["skipped"]) == ["escalation", "interruptions", "noise", "pitch",
                                                            "speech"]
    assert a["interruptions"] == []
    agent, client = a["channels"]
    assert agent["speech"] == [] and client["noise"] == []
    assert_spans(spans(agent["silences"]), AGENT_SILENCES)


def test_max_duration_refuses_a_longer_recording(wavs):
    out = run("analyze", wavs["mono"], "--max-duration", "5", "--json")
    assert out.returncode == 1
    assert out.stdout == ""
    assert out.stderr.startswith("switchboard analyze: %s: the recording lasts 9" % wavs["mono"]), out.stderr
    assert "over the limit of 5" in out.stderr
    assert analyze_json(wavs["mono"], "--max-duration", "10")["duration"] == pytest.approx(9.0, abs=0.001)


def test_standard_input(wavs):
    with open(wavs["mono"], "rb") as f:
        data = f.read()
    out = run("analyze", "-", "--json", stdin=data)
    assert out.returncode == 0, out.stderr
    a = json.loads(out.stdout)
    assert_spans(spans(a["channels"][0]["silences"]), MONO_SILENCES)
