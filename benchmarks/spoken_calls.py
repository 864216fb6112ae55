#!/usr/bin/python3
"""Spoken calls through `switchboard analyze --transcribe --json`, scored
against what was planted in them.

    /usr/bin/python3 benchmarks/spoken_calls.py --cli build/examples/cli/switchboard [--calls N] [--seed S] [--keep DIR]
    /usr/bin/python3 benchmarks/spoken_calls.py --self-test [--calls N] [--seed S]

Builds N calls of each kind of tests/common/speech_calls.py (alsa, librivox,
flite; seeds S .. S+N-1, default N 3 and S 1), runs the CLI on each, scores
its report against the call's truth with score() and prints one line per call
and a table of the figures, the goals and whether each is met. --keep DIR
keeps each call's WAV, truth (.truth.json) and report (.report.json) there.
--self-test scores every truth against a report made from the truth itself
(every figure must be perfect), an empty one (every recall must be 0) and a
spoilt one (interrupters swapped, card digits left in the words), without
the CLI; its exit status says whether the scorer did as it should. Otherwise the
exit status is 0 unless the CLI fails.

The scorer reads only the report's "events" and "words". Times are seconds;
two spans overlap by min(ends) - max(starts).

Silences (alsa and librivox calls). The planted silences are gaps with both
channels quiet (channel null). The reported ones are the events "silence"
and "hold" of channel null; a planted gap on one channel would be matched by
events of that channel or null. Per-channel silences are not scored: a
channel is quiet whenever the other party talks, and the truth plants none.
  recall: a planted silence is found when the reported silences together
          cover at least 50% of it;
  precision: a reported silence is right when it overlaps a planted one by
          at least 50% of the shorter of the two.

Interruptions (alsa and librivox). A reported "interruption" and a planted
one match when they overlap by at least 0.3 s and the event's speaker is
the planted interrupter.

Noise (all calls). The reported "noise" time that lies inside the truth's
speech of the same channel (the turns; the lines of flite calls), as a share
of all the speech time: at most 5%. For information, the planted bursts
found (a noise event on the burst's channel overlapping it).

WER (librivox). For each planted turn, the words of its channel whose
middle lies within 0.3 s of the turn, in time order, lower-cased, fillers
("<sil>", "[noise]", "++breath++") dropped, against the turn's reference
words; word-level Levenshtein distance summed over the turns over the
reference words summed: at most 0.40, for information.

Flite calls, at line granularity (the truth gives the time of the line that
holds each plant):
  phrases: a planted phrase is found when a reported "phrase" event of the
          same pool overlaps its line; a reported one is right when it
          overlaps the line of a planted phrase of its pool. The engine's
          card data findings ("<card number>", "<security code>" ...) are
          left out: they are scored as card events. At least 0.8 both ways.
  promises: a "promise" event overlapping a planted promise's line, of the
          same speaker when the event names one. At least 0.8 both ways.
  cards: a "card_number" event overlapping the planted card's line: recall
          1.0. A card leaks when the words of the client's channel within
          0.3 s of that line (digits, and digit words zero/oh ... nine) hold
          6 or more consecutive digits of the card's first 12 (the last four
          may stay): no leak allowed.
"""
import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "common"))
import speech_calls  # noqa: E402

CHANNELS = speech_calls.CHANNELS
KINDS = ["alsa", "librivox", "flite"]
WORD_SLACK = 0.3   # words and card digits: within this of the turn or line
INTERRUPTION_OVERLAP = 0.3
LEAK_RUN = 6
DIGITS = {w: str(i) for i, w in enumerate(speech_calls.DIGIT_WORDS)}
DIGITS["oh"] = "0"


# ------------------------------------------------------------------ matching
def overlap(a, b):
    return max(0.0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


def length(a):
    return a["end"] - a["start"]


def events_of(report, *types):
    return [e for e in report.get("events") or [] if e.get("type") in types]


def speaker_of(event):
    """The event's speaker, or the one of its channel."""
    if event.get("speaker"):
        return event["speaker"]
    channel = event.get("channel")
    return CHANNELS[channel] if channel is not None else None


def speech_spans(truth):
    """[(channel, span)] of the truth's speech: turns, or flite's lines."""
    if "speech" in truth:
        return [(s["channel"], s) for s in truth["speech"]]
    return [(CHANNELS.index(line["speaker"]), line) for line in truth["lines"]]


def words_near(report, channel, span):
    """The report's words of a channel whose middle lies within WORD_SLACK of
    span, in time order."""
    near = [w for w in report.get("words") or []
            if (w.get("channel") == channel or w.get("speaker") == CHANNELS[channel])
            and span["start"] - WORD_SLACK <= (w["start"] + w["end"]) / 2 <= span["end"] + WORD_SLACK]
    return sorted(near, key=lambda w: w["start"])


def normal_words(words):
    """Transcribed words lower-cased without punctuation, fillers dropped."""
    out = []
    for w in words:
        text = w["text"].strip().lower()
        if not text or text[0] in "<[+":
            continue
        text = re.sub(r"[^a-z0-9'*]", "", text)
        if text:
            out.append(text)
    return out


def edit_distance(ref, hyp):
    """Word-level Levenshtein distance."""
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


def spoken_digits(words):
    """The digits said in a run of words; any other word breaks the run (a
    space), masked characters stay as they are."""
    parts = []
    for text in normal_words(words):
        if text in DIGITS:
            parts.append(DIGITS[text])
        elif re.fullmatch(r"[0-9*]+", text):
            parts.append(text)
        else:
            parts.append(" ")
    return "".join(parts)


def leaked(card, words):
    shown = spoken_digits(words)
    hidden = card[:12]
    return any(hidden[i:i + LEAK_RUN] in shown for i in range(len(hidden) - LEAK_RUN + 1))


def _match(planted, reported, found, right):
    """Counts of planted items found and reported items right, by the two
    predicates (found(p, reported), right(r, planted))."""
    return {"planted": len(planted), "found": sum(1 for p in planted if found(p, reported)),
            "reported": len(reported), "right": sum(1 for r in reported if right(r, planted))}


# ------------------------------------------------------------------ scoring
def score(truth, report):
    """Counts for one call, by measure (see the module's docstring for the
    rules); only the measures the call's kind plants."""
    out = {}
    if "silences" in truth:
        planted = truth["silences"]
        quiet_channels = {p["channel"] for p in planted}
        reported = [e for e in events_of(report, "silence", "hold") if e.get("channel") in quiet_channels | {None}]

        def same_channel(p, r):
            return r.get("channel") is None or r.get("channel") == p["channel"]

        out["silences"] = _match(
            planted, reported,
            lambda p, rs: sum(overlap(p, r) for r in rs if same_channel(p, r)) >= 0.5 * length(p),
            lambda r, ps: any(same_channel(p, r) and overlap(p, r) >= 0.5 * min(length(p), length(r)) for p in ps))

    if "interruptions" in truth:
        def same(p, r):
            return overlap(p, r) >= INTERRUPTION_OVERLAP and speaker_of(r) == p["interrupter"]

        out["interruptions"] = _match(truth["interruptions"], events_of(report, "interruption"),
                                      lambda p, rs: any(same(p, r) for r in rs),
                                      lambda r, ps: any(same(p, r) for p in ps))

    spans = speech_spans(truth)
    noise = events_of(report, "noise")
    planted_noise = truth.get("noise", [])
    out["noise"] = {
        "speech_time": sum(length(s) for _, s in spans),
        "noise_in_speech": sum(overlap(n, s) for n in noise for c, s in spans if n.get("channel") == c),
        "bursts": len(planted_noise),
        "bursts_found": sum(1 for b in planted_noise
                            if any(n.get("channel") == b["channel"] and overlap(n, b) > 0 for n in noise)),
    }

    if "turns" in truth:
        edits = words = 0
        for turn in truth["turns"]:
            ref = turn["text"].split()
            edits += edit_distance(ref, normal_words(words_near(report, turn["channel"], turn)))
            words += len(ref)
        out["wer"] = {"edits": edits, "words": words}

    if "phrases" in truth:
        phrases = [e for e in events_of(report, "phrase") if not str(e.get("phrase", "")).startswith("<")]

        def same_pool(p, r):
            return r.get("pool") == p["pool"] and overlap(p, r) > 0

        out["phrases"] = _match(truth["phrases"], phrases,
                                lambda p, rs: any(same_pool(p, r) for r in rs),
                                lambda r, ps: any(same_pool(p, r) for p in ps))

    if "promises" in truth:
        def promised(p, r):
            return overlap(p, r) > 0 and speaker_of(r) in (None, p["speaker"])

        out["promises"] = _match(truth["promises"], events_of(report, "promise"),
                                 lambda p, rs: any(promised(p, r) for r in rs),
                                 lambda r, ps: any(promised(p, r) for p in ps))

    if "cards" in truth:
        cards = events_of(report, "card_number")
        out["cards"] = {
            "planted": len(truth["cards"]),
            "found": sum(1 for c in truth["cards"] if any(overlap(c, r) > 0 for r in cards)),
            "leaked": sum(1 for c in truth["cards"]
                          if leaked(c["digits"], words_near(report, CHANNELS.index(c["speaker"]), c))),
        }
    return out


def add_up(scores):
    """The counts of many calls summed, measure by measure."""
    total = {}
    for s in scores:
        for measure, counts in s.items():
            into = total.setdefault(measure, dict.fromkeys(counts, 0))
            for k, v in counts.items():
                into[k] += v
    return total


def ratio(a, b):
    return a / b if b else None


def figures(total):
    """[(measure, figure or None, goal text, met)] from summed counts."""
    rows = []

    def at_least(name, value, goal):
        rows.append((name, value, ">= %.2f" % goal, value is not None and value >= goal - 1e-9))

    def at_most(name, value, goal, fmt="<= %.2f"):
        rows.append((name, value, fmt % goal, value is not None and value <= goal + 1e-9))

    for measure, goal in (("silences", 0.9), ("interruptions", 0.9), ("phrases", 0.8), ("promises", 0.8)):
        if measure in total:
            c = total[measure]
            at_least("%s precision (%d/%d)" % (measure, c["right"], c["reported"]),
                     ratio(c["right"], c["reported"]), goal)
            at_least("%s recall (%d/%d)" % (measure, c["found"], c["planted"]), ratio(c["found"], c["planted"]), goal)
    if "noise" in total:
        c = total["noise"]
        at_most("noise inside speech (%.1f of %.1f s)" % (c["noise_in_speech"], c["speech_time"]),
                ratio(c["noise_in_speech"], c["speech_time"]), 0.05)
        rows.append(("noise bursts found (%d/%d)" % (c["bursts_found"], c["bursts"]),
                     ratio(c["bursts_found"], c["bursts"]), "(information)", True))
    if "wer" in total:
        c = total["wer"]
        at_most("librivox WER (%d edits / %d words)" % (c["edits"], c["words"]), ratio(c["edits"], c["words"]),
                0.40)
    if "cards" in total:
        c = total["cards"]
        at_least("card numbers recall (%d/%d)" % (c["found"], c["planted"]), ratio(c["found"], c["planted"]), 1.0)
        at_most("card numbers leaked into the words", c["leaked"], 0, "= %d")
    return rows


def print_table(rows):
    width = max(len(r[0]) for r in rows)
    print("%-*s  %8s  %-13s  %s" % (width, "measure", "figure", "goal", "met"))
    for name, value, goal, met in rows:
        shown = "n/a" if value is None else ("%d" % value if isinstance(value, int) else "%.3f" % value)
        print("%-*s  %8s  %-13s  %s" % (width, name, shown, goal, "yes" if met else "NO"))


# ------------------------------------------------------------------ self-test
def report_from_truth(truth, spoil=False):
    """The report a perfect analyser would give for the truth: its plants as
    events, the reference words of each turn and line spread over it (the
    card's digits masked as the engine masks them). Spoilt, each interruption
    names the wrong party and the card's digits stay as said."""
    events, words = [], []

    def event(kind, span, channel, **extra):
        speaker = CHANNELS[channel] if channel is not None else None
        events.append(dict({"type": kind, "channel": channel, "speaker": speaker, "start": span["start"],
                            "end": span["end"]}, **extra))

    def spread(channel, span, texts):
        step = length(span) / max(1, len(texts))
        for i, text in enumerate(texts):
            words.append({"channel": channel, "speaker": CHANNELS[channel], "text": text,
                          "start": span["start"] + i * step, "end": span["start"] + (i + 1) * step,
                          "confidence": 1.0, "redacted": "*" in text})

    for s in truth.get("silences", []):
        event("silence", s, s["channel"])
    for x in truth.get("interruptions", []):
        by = CHANNELS.index(x["interrupter"]) ^ int(spoil)
        event("interruption", x, by, interrupted=CHANNELS[1 - by])
    for n in truth.get("noise", []):
        event("noise", n, n["channel"])
    for t in truth.get("turns", []):
        spread(t["channel"], t, t["text"].split())
    for p in truth.get("phrases", []):
        event("phrase", p, CHANNELS.index(p["speaker"]), pool=p["pool"], phrase=p["phrase"], text=p["phrase"])
    for p in truth.get("promises", []):
        event("promise", p, CHANNELS.index(p["speaker"]), text=p["text"], time_statement=p["time_statement"])
    masked = {}
    for c in truth.get("cards", []):
        event("card_number", c, CHANNELS.index(c["speaker"]), text="*" * 12 + c["digits"][-4:])
        masked[c["start"]] = c["digits"]
    for line in truth.get("lines", []):
        texts = speech_calls.words_of(line["text"])
        if line["start"] in masked and not spoil:
            said = [speech_calls.DIGIT_WORDS[int(d)] for d in masked[line["start"]]]
            at = next(i for i in range(len(texts)) if texts[i:i + len(said)] == said)
            texts[at:at + len(said)] = ["*" * 12 + masked[line["start"]][-4:]]
        spread(CHANNELS.index(line["speaker"]), line, texts)
    return {"file": None, "duration": truth["duration"], "events": events, "words": words}


def self_test(calls, seed):
    """Score each truth against the report made from it (every figure
    perfect), an empty report (every recall 0) and a spoilt one (no
    interruption right, every card leaked); 0 when all held."""
    perfect, empty, spoilt = [], [], []
    for kind in KINDS:
        for _, _, truth in speech_calls.build_many(kind, calls, seed):
            perfect.append(score(truth, report_from_truth(truth)))
            empty.append(score(truth, {"events": [], "words": []}))
            spoilt.append(score(truth, report_from_truth(truth, spoil=True)))
    failures = []
    print("reports made from the truth:")
    rows = figures(add_up(perfect))
    print_table(rows)
    for name, value, _, _ in rows:
        ideal = 0 if ("leaked" in name or "noise inside" in name or "WER" in name) else 1.0
        if value is None or abs(value - ideal) > 1e-9:
            failures.append("%s is %s, not %s" % (name, value, ideal))
    for name, value, _, _ in figures(add_up(empty)):
        if (" recall " in name or "bursts found" in name) and value != 0:
            failures.append("%s is %s with nothing reported" % (name, value))
    spoilt = add_up(spoilt)
    if spoilt["interruptions"]["found"] or spoilt["interruptions"]["right"]:
        failures.append("interruptions naming the wrong party were counted")
    if spoilt["cards"]["leaked"] != spoilt["cards"]["planted"]:
        failures.append("%d of %d cards said in full were seen to leak" % (spoilt["cards"]["leaked"],
                                                                          spoilt["cards"]["planted"]))
    for f in failures:
        print("self-test: " + f)
    print("self-test %s" % ("FAILED" if failures else "passed: perfect reports score perfectly, empty and "
                                                    "spoilt ones do not"))
    return 1 if failures else 0


# ------------------------------------------------------------------ the benchmark
def analyze(cli, wav):
    """The CLI's report of one call; exits when the CLI fails."""
    run = subprocess.run([cli, "analyze", "--transcribe", "--json", str(wav)], capture_output=True, text=True)
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    if run.returncode != 0 or not lines:
        sys.exit("spoken_calls: %s failed on %s (exit %d): %s" % (cli, wav, run.returncode, run.stderr.strip()))
    report = json.loads(lines[0])
    if "error" in report:
        sys.exit("spoken_calls: %s refused %s: %s" % (cli, wav, report["error"]))
    return report


def describe(s):
    """One call's counts in a few words."""
    parts = []
    for measure in ("silences", "interruptions", "phrases", "promises"):
        if measure in s:
            c = s[measure]
            parts.append("%s %d/%d found, %d/%d right" % (measure, c["found"], c["planted"], c["right"], c["reported"]))
    if "wer" in s:
        parts.append("WER %.2f" % ratio(s["wer"]["edits"], s["wer"]["words"]))
    if "cards" in s:
        parts.append("cards %d/%d found, %d leaked" % (s["cards"]["found"], s["cards"]["planted"],
                                                        s["cards"]["leaked"]))
    n = s["noise"]
    parts.append("noise in speech %.1f s" % n["noise_in_speech"])
    return "; ".join(parts)


def benchmark(cli, calls, seed, workdir):
    scores = []
    for kind in KINDS:
        for s, samples, truth in speech_calls.build_many(kind, calls, seed):
            name = "%s-%d" % (kind, s)
            wav = workdir / (name + ".wav")
            speech_calls.write_call(wav, samples)
            speech_calls.write_truth(workdir / (name + ".truth.json"), truth)
            t0 = time.perf_counter()
            report = analyze(cli, wav)
            seconds = time.perf_counter() - t0
            (workdir / (name + ".report.json")).write_text(json.dumps(report) + "\n")
            scores.append(score(truth, report))
            print("%-11s %5.1f s call, analysed in %5.1f s: %s" % (name, truth["duration"], seconds,
                                                                    describe(scores[-1])))
    print()
    print_table(figures(add_up(scores)))


def main():
    ap = argparse.ArgumentParser(description="Score switchboard analyze --transcribe on spoken calls.")
    ap.add_argument("--cli", help="the switchboard command-line tool")
    ap.add_argument("--calls", type=int, default=3, help="calls of each kind (default 3)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the first call of each kind (default 1)")
    ap.add_argument("--keep", help="keep the calls, truths and reports in this directory")
    ap.add_argument("--self-test", action="store_true", help="check the scorer against the truths; no CLI")
    args = ap.parse_args()
    if args.self_test:
        return self_test(args.calls, args.seed)
    if not args.cli:
        ap.error("--cli is required (or --self-test)")
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        benchmark(args.cli, args.calls, args.seed, Path(args.keep))
    else:
        with tempfile.TemporaryDirectory(prefix="spoken_calls-") as d:
            benchmark(args.cli, args.calls, args.seed, Path(d))
    return 0


if __name__ == "__main__":
    sys.exit(main())
