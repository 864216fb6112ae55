#!/usr/bin/python3
"""Two-channel telephone calls made of real or synthesised speech, with the
ground truth of what was planted in them.

    /usr/bin/python3 tests/common/speech_calls.py KIND OUT.wav TRUTH.json [--seed N] [--count N]

KIND is one of

  alsa      about 60 s of the ALSA test clips ("front center", "rear left"
            ...; /usr/share/sounds/alsa, alsa-utils), one to three clips a
            turn, with planted silences, four interruptions and two noise
            bursts;
  librivox  the same layout made of the LibriVox sentences of
            pocketsphinx-testdata (one sentence a turn, 60-90 s), with the
            reference words of each turn;
  flite     a support dialogue of 8-12 lines spoken by flite (agent voice
            slt, client voice rms or awb), drawn from a bank of twelve
            scripts, with phrases of the built-in pools, the agent's promises
            and a spoken card number planted in it.

The output is one stereo 16-bit PCM WAV at 8000 Hz (channel 1 the agent,
channel 2 the client) on a noise floor of about -65 dBFS, and a JSON file of
the truth (times in seconds from the start of the call). Every clip and line
is scaled to -20 dBFS; its times, and the pauses and gaps around it, are
those of its audible part (frames no more than 12 dB under the speech
level), so a pause of 0.3 s is 0.3 s of quiet by switchboard's silence rule
too. The same kind and seed give the same call. With --count N, N calls are
written for seeds SEED .. SEED+N-1, each named after OUT and TRUTH with
"-SEED" added before the suffix.

From Python: build_alsa(seed), build_librivox(seed) and build_flite(seed)
return (samples, truth), samples an int16 array of shape (n, 2);
build_many(kind, count, seed) yields (seed, samples, truth) for count seeds;
write_call(path, samples) writes the WAV.

Truth of the alsa and librivox calls:
  {"kind", "duration", "channels": ["agent", "client"],
   "speech": [{"channel", "start", "end"}]          each turn, merged through its pauses
   "silences": [{"channel": null, "start", "end"}]   the planted gaps of 1.0-2.5 s with both
                                                     channels quiet (the only gaps of 0.5 s or
                                                     more with both channels quiet)
   "interruptions": [{"start", "end", "interrupter"}]  the overlap; "agent" or "client"
   "noise": [{"channel", "start", "end"}],
   "turns": [{"channel", "start", "end", "text"}]}   librivox only, lower-case reference words

Truth of the flite calls:
  {"kind": "flite", "duration", "channels", "script", "voices",
   "lines": [{"speaker", "start", "end", "text"}],
   "phrases": [{"pool", "phrase", "speaker", "start", "end"}]   every phrase of the built-in
                       pools found in a line's text by the matcher's rules (docs/text.md),
                       once per line; times are the line's
   "promises": [{"speaker", "start", "end", "text", "time_statement"}],
   "cards": [{"speaker", "start", "end", "digits", "expiry", "security_code"}]}
                       the card is 16 digits starting with 4 that pass Luhn; expiry
                       ("MM/YY") and security_code are null when the line does not say them

The pools are read from src/text/pools.cpp, so the truth follows the
built-in pools as they are compiled.
"""
import argparse
import functools
import json
import re
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

RATE = 8000
CHANNELS = ["agent", "client"]
ALSA_DIR = Path("/usr/share/sounds/alsa")
ALSA_CLIPS = ["Front_Center", "Front_Left", "Front_Right", "Rear_Center", "Rear_Left", "Rear_Right",
              "Side_Left", "Side_Right"]
LIBRIVOX_DIR = Path("/usr/share/pocketsphinx/test/data/librivox")
POOLS_SOURCE = Path(__file__).resolve().parents[2] / "src" / "text" / "pools.cpp"

FLOOR_DBFS = -65.0     # background noise on both channels
SPEECH_DBFS = -20.0    # every clip and line is scaled to this RMS over its frames above TRIM_DBFS
TRIM_DBFS = -45.0      # a clip's frames below this at either end are cut
AUDIBLE_DBFS = -32.0   # frames below this (12 dB under the speech level) are quiet: 3 dB
                       # above the line under which switchboard's default relative rule
                       # (the loudness less 15 dB) calls a frame silent
MAX_PAUSE_S = 0.3      # a quiet stretch inside a clip is cut to this
MAX_EDGE_S = 0.1       # and one at either end of a clip to this
NOISE_BELOW_DB = 10.0  # noise bursts: this far below the speech level
EDGE_S = 0.25          # quiet time before the first turn and after the last


# ------------------------------------------------------------------ audio
def read_wav(path):
    """A mono 16-bit WAV as floats (full scale 1.0) and its rate."""
    with wave.open(str(path), "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise ValueError("%s: expected mono 16-bit PCM" % path)
        rate = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768.0
    return x, rate


def write_call(path, samples, rate=RATE):
    """Write an (n, 2) int16 array as a stereo 16-bit PCM WAV."""
    samples = np.ascontiguousarray(samples, dtype="<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(samples.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())


@functools.lru_cache(maxsize=None)
def _lowpass(factor, taps_per_phase=24):
    """A Blackman-windowed sinc low-pass for decimating by factor: cut-off at
    0.45 of the output rate (3.6 kHz at 8 kHz), unity gain at DC."""
    n = taps_per_phase * factor + 1
    m = np.arange(n) - (n - 1) / 2
    h = np.sinc(2 * 0.45 / factor * m) * np.blackman(n)
    return h / h.sum()


def to_8k(x, rate):
    """Resample to 8000 Hz by low-pass filtering and keeping every rate/8000-th
    sample (the sources are 8, 16 and 48 kHz)."""
    if rate == RATE:
        return x
    if rate % RATE:
        raise ValueError("cannot resample %d Hz to %d Hz by decimation" % (rate, RATE))
    factor = rate // RATE
    return np.convolve(x, _lowpass(factor), mode="same")[::factor]


def _frame_db(x, frame=RATE // 100):
    """Level of each 10 ms frame in dBFS."""
    n = len(x) // frame
    power = np.mean(x[:n * frame].reshape(n, frame) ** 2, axis=1)
    return 10 * np.log10(power + 1e-12)


class Speech:
    """A stretch of speech at 8 kHz: its samples, and how many of them at the
    start (lead) and end (tail) are quiet. Its audible part, samples
    [lead, len - tail), is what the truth's times and the pauses count."""

    def __init__(self, audio, lead, tail):
        self.audio, self.lead, self.tail = audio, lead, tail

    @property
    def audible(self):
        return len(self.audio) - self.lead - self.tail


def tidy_speech(x):
    """A clip at 8 kHz made ready to place: scaled to SPEECH_DBFS over its
    frames above TRIM_DBFS (peaks kept under 0.9); frames below TRIM_DBFS at
    either end cut; quiet stretches (below AUDIBLE_DBFS) inside cut to
    MAX_PAUSE_S and at either end to MAX_EDGE_S; ends faded over 5 ms."""
    frame = RATE // 100
    x = x[:len(x) // frame * frame]
    db = _frame_db(x)
    loud = np.flatnonzero(db >= TRIM_DBFS)
    if not len(loud):
        raise ValueError("the clip holds no speech above %.0f dBFS" % TRIM_DBFS)
    frames = x.reshape(-1, frame)
    gain = 10 ** (SPEECH_DBFS / 20) / np.sqrt(np.mean(frames[db >= TRIM_DBFS] ** 2))
    gain = min(gain, 0.9 / np.max(np.abs(x)))
    frames, db = frames[loud[0]:loud[-1] + 1] * gain, db[loud[0]:loud[-1] + 1] + 20 * np.log10(gain)
    audible = np.flatnonzero(db >= AUDIBLE_DBFS)
    if not len(audible):
        raise ValueError("the clip holds no speech above %.0f dBFS once scaled" % AUDIBLE_DBFS)
    first, last = audible[0], audible[-1]
    keep = np.ones(len(db), dtype=bool)
    edge = int(MAX_EDGE_S * 100)
    keep[:max(0, first - edge)] = False
    keep[last + 1 + edge:] = False
    run = 0
    for i in range(first, last + 1):
        run = 0 if db[i] >= AUDIBLE_DBFS else run + 1
        if run > MAX_PAUSE_S * 100:
            keep[i] = False
    y = frames[keep].ravel()
    fade = np.linspace(0.0, 1.0, RATE // 200)
    y[:len(fade)] *= fade
    y[-len(fade):] *= fade[::-1]
    return Speech(y, frame * int(min(first, edge)), frame * int(min(len(db) - 1 - last, edge)))


def join(rng, pieces):
    """Pieces of speech said in one breath: the quiet between two of them
    (their quiet ends and the pause put in) is 0.15-0.35 s."""
    audio = [pieces[0].audio]
    for before, after in zip(pieces, pieces[1:]):
        pause = int(rng.uniform(0.15, 0.35) * RATE)
        audio.append(np.zeros(max(0, pause - before.tail - after.lead)))
        audio.append(after.audio)
    return Speech(np.concatenate(audio), pieces[0].lead, pieces[-1].tail)


@functools.lru_cache(maxsize=None)
def _clip(path):
    x, rate = read_wav(path)
    return tidy_speech(to_8k(x, rate))


@functools.lru_cache(maxsize=None)
def _noise_burst():
    """Half a second of the middle of ALSA's Noise.wav at 8 kHz, scaled to
    NOISE_BELOW_DB under the speech level."""
    x, rate = read_wav(ALSA_DIR / "Noise.wav")
    y = to_8k(x, rate)
    mid = len(y) // 2
    y = y[mid - RATE // 4:mid + RATE // 4]
    return y * (10 ** ((SPEECH_DBFS - NOISE_BELOW_DB) / 20) / np.sqrt(np.mean(y ** 2)))


def _mix(tracks, seconds, rng):
    """Two channels of `seconds` from [(channel, start_sample, audio)] on the
    noise floor, as int16 of shape (n, 2)."""
    n = int(round(seconds * RATE))
    out = rng.normal(0.0, 10 ** (FLOOR_DBFS / 20), size=(n, 2))
    for channel, at, audio in tracks:
        out[at:at + len(audio), channel] += audio[:n - at]
    return np.clip(np.round(out * 32768.0), -32768, 32767).astype(np.int16)


def _t(samples):
    """Seconds of a sample count, rounded to the millisecond."""
    return round(samples / RATE, 3)


# ------------------------------------------------------------------ alsa and librivox
def _plan_boundaries(rng, turns, silences, interruptions):
    """The kind of each of the turns-1 boundaries: "gap", "silence" or
    "interrupt". Interruptions are never at two neighbouring boundaries (a
    turn is not both cut into and cut off)."""
    kinds = ["gap"] * (turns - 1)
    placed = 0
    for b in rng.permutation(turns - 1):
        if placed == interruptions:
            break
        if all(kinds[j] != "interrupt" for j in (b - 1, b + 1) if 0 <= j < turns - 1):
            kinds[b] = "interrupt"
            placed += 1
    free = [b for b in range(turns - 1) if kinds[b] == "gap"]
    for b in rng.choice(free, size=silences, replace=False):
        kinds[b] = "silence"
    return kinds


def _lay_out(rng, kind, turns, boundaries):
    """Place the turns (Speech, channels alternating from the agent) along the
    boundaries' plan and plant two noise bursts; the mixed call and its truth.

    Between turns, from the audible end of one to the audible start of the
    next: 0.15-0.4 s ("gap", too short for a silence), 1.0-2.5 s ("silence",
    both channels quiet), or the next speaker starting 1.0-1.7 s before the
    turn ends ("interrupt"; at most the turn's audible length less 0.6 s and
    the next turn's less 0.5 s)."""
    tracks, speech, silences, interruptions = [], [], [], []
    start = int(EDGE_S * RATE)  # audible start of turn k
    for k, turn in enumerate(turns):
        channel = k % 2
        tracks.append((channel, start - turn.lead, turn.audio))
        end = start + turn.audible
        speech.append({"channel": channel, "start": _t(start), "end": _t(end)})
        if k == len(turns) - 1:
            break
        if boundaries[k] == "gap":
            start = end + int(rng.uniform(0.15, 0.4) * RATE)
        elif boundaries[k] == "silence":
            start = end + int(rng.uniform(1.0, 2.5) * RATE)
            silences.append({"channel": None, "start": _t(end), "end": _t(start)})
        else:
            longest = min(1.7, turn.audible / RATE - 0.6, turns[k + 1].audible / RATE - 0.5)
            start = end - int(rng.uniform(1.0, longest) * RATE)
            interruptions.append({"start": _t(start), "end": _t(end), "interrupter": CHANNELS[1 - channel]})
    duration = end / RATE + EDGE_S

    # Noise bursts on the listener's channel, inside a turn of the other
    # party that no interruption touches, at least 0.3 s from its ends.
    burst = _noise_burst()
    margin = int(0.3 * RATE)
    room = [k for k in range(len(turns))
            if turns[k].audible >= len(burst) + 2 * margin
            and (k == 0 or boundaries[k - 1] != "interrupt")
            and (k == len(turns) - 1 or boundaries[k] != "interrupt")]
    noise = []
    for k in sorted(int(i) for i in rng.choice(room, size=2, replace=False)):
        at = int(round(speech[k]["start"] * RATE)) + margin
        at += int(rng.integers(0, turns[k].audible - len(burst) - 2 * margin + 1))
        tracks.append((1 - k % 2, at, burst))
        noise.append({"channel": 1 - k % 2, "start": _t(at), "end": _t(at + len(burst))})

    truth = {"kind": kind, "duration": round(duration, 3), "channels": CHANNELS, "speech": speech,
             "silences": silences, "interruptions": interruptions, "noise": noise}
    return _mix(tracks, duration, rng), truth


def build_alsa(seed):
    """About 60 s: 18 turns of one to three ALSA clips, 50 clips in all,
    5 planted silences, 4 interruptions, 2 noise bursts."""
    rng = np.random.default_rng([1, seed])
    turns, clips = 18, 50
    boundaries = _plan_boundaries(rng, turns, silences=5, interruptions=4)
    # Turns next to an interruption hold at least two clips, so there is room
    # for the overlap; the other clips go to turns at random, three at most.
    counts = [2 if (k > 0 and boundaries[k - 1] == "interrupt") or (k < turns - 1 and boundaries[k] == "interrupt")
              else 1 for k in range(turns)]
    while sum(counts) < clips:
        k = int(rng.integers(turns))
        if counts[k] < 3:
            counts[k] += 1
    chosen = []
    for count in counts:
        picked = []
        while len(picked) < count:
            name = ALSA_CLIPS[int(rng.integers(len(ALSA_CLIPS)))]
            if not picked or picked[-1] != name:
                picked.append(name)
        chosen.append(join(rng, [_clip(ALSA_DIR / (name + ".wav")) for name in picked]))
    return _lay_out(rng, "alsa", chosen, boundaries)


@functools.lru_cache(maxsize=None)
def _librivox_transcription():
    """{file id: lower-case reference words} from the `transcription` file
    ("<s> words </s> (id)" a line)."""
    refs = {}
    for line in (LIBRIVOX_DIR / "transcription").read_text().splitlines():
        m = re.match(r"\s*<s>(.*)</s>\s*\((\S+)\)\s*$", line)
        if m:
            refs[m.group(2)] = " ".join(m.group(1).lower().split())
    return refs


def build_librivox(seed):
    """16 turns, each one LibriVox sentence (2.5-6.5 s once trimmed; the five
    are reused in a seeded order, never the same twice in a row), 4 planted
    silences, 4 interruptions, 2 noise bursts: 60-90 s."""
    rng = np.random.default_rng([2, seed])
    refs = _librivox_transcription()
    ids = sorted(refs)
    boundaries = _plan_boundaries(rng, 16, silences=4, interruptions=4)
    order = []
    while len(order) < 16:
        pick = ids[int(rng.integers(len(ids)))]
        if not order or order[-1] != pick:
            order.append(pick)
    samples, truth = _lay_out(rng, "librivox", [_clip(LIBRIVOX_DIR / (i + ".wav")) for i in order], boundaries)
    truth["turns"] = [dict(span, text=refs[i]) for span, i in zip(truth["speech"], order)]
    return samples, truth


# ------------------------------------------------------------------ flite
DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
MONTH_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
               "twelve"]
YEAR_WORDS = {26: "twenty six", 27: "twenty seven", 28: "twenty eight", 29: "twenty nine", 30: "thirty"}

# The agent's promises, each with its time statement. {promise} and
# {promise2} in a script take two different ones.
PROMISES = [
    ("I will call you back tomorrow morning.", "tomorrow morning"),
    ("I will send you the replacement card within five working days.", "within five working days"),
    ("We will refund the full amount by Friday.", "by Friday"),
    ("I will email you the confirmation today.", "today"),
    ("Our engineer will visit you on Monday.", "on Monday"),
    ("I will process the refund within twenty four hours.", "within twenty four hours"),
    ("Someone from the billing team will contact you by the end of the day.", "by the end of the day"),
    ("I will update you first thing tomorrow.", "first thing tomorrow"),
    ("You will receive the new router next week.", "next week"),
    ("I will escalate this to my manager right away.", "right away"),
    ("We will credit your account within three days.", "within three days"),
    ("I will ring you back this afternoon.", "this afternoon"),
    ("The refund will be processed in two weeks.", "in two weeks"),
    ("I promise I will sort this out by Wednesday.", "by Wednesday"),
]

# Support dialogues, agent first, turns alternating. {card} is the client's
# card number (with the expiry and security code now and then), {promise}
# and {promise2} the agent's promises. No other line makes a promise or says
# a card number.
SCRIPTS = [
    [  # 0: a double charge
        "Good morning, thank you for calling, my name is Sarah. How can I help you today?",
        "Hi, um, I was charged twice for my broadband this month and I want a refund.",
        "I am sorry to hear that. Could you give me the name on the account please?",
        "It's Daniel Walker. To be honest, another provider has a better offer for me.",
        "Let me check that for you. Can I take the card number the payment was made with?",
        "{card}",
        "Thank you. I can see the duplicate charge on your account.",
        "I don't understand how this keeps happening.",
        "{promise}",
        "Fine, but if it happens again I will take my business elsewhere.",
        "I understand. Is there anything else I can help you with today?",
        "No, that's all, thank you.",
    ],
    [  # 1: a broadband fault
        "Hello, you are through to the support desk, my name is James. How can I help?",
        "Hi, my internet has been down for three days and, to be honest, I am fed up.",
        "I am sorry about that. Can you give me the account number please?",
        "Hang on, let me find it. Right, it is on the letter somewhere.",
        "Thank you. I can see a fault on the line in your area.",
        "What does that mean? I work from home and I need this resolved.",
        "{promise}",
        "Other networks never had this problem. I want my money back for the lost days.",
        "I can add a credit to the bill. Can I take the card number for the payment?",
        "{card}",
        "{promise2}",
        "Okay, thank you.",
    ],
    [  # 2: leaving for a competitor
        "Good afternoon, customer care, this is Emma speaking.",
        "Hi, I want to cancel my subscription. Your competitor is much cheaper.",
        "I am sorry to hear you want to leave. May I ask what they offered you?",
        "Basically, they offered me the same package for half the price.",
        "We can price match that offer. Would that help?",
        "Hmm, I am not sure what you mean by price match.",
        "We lower your monthly price to the same amount. I just need to verify the card on the account.",
        "{card}",
        "{promise}",
        "Alright, that sounds fair.",
    ],
    [  # 3: a faulty boiler and a solicitor
        "Thank you for calling, my name is Oliver. What can I do for you?",
        "This is the fourth time I have called about the same faulty boiler. I want to make a complaint.",
        "I do apologise. Let me check the history of your case.",
        "Honestly, my solicitor says this is a breach of contract.",
        "I understand your frustration. Could you confirm the card number you paid with?",
        "{card}",
        "{promise}",
        "Sorry what? Could you repeat that?",
        "Of course. {promise2}",
        "Fine. Otherwise the ombudsman hears about it.",
    ],
    [  # 4: a broken parcel
        "Hi there, thanks for calling, you are speaking with Mia.",
        "Hello, um, my parcel arrived broken and I want a refund.",
        "I am very sorry about that. Do you have the order reference?",
        "Yes, one moment. Er, it is in the email, bear with me.",
        "No problem, take your time.",
        "Got it, the order was placed last Tuesday.",
        "Thanks. For the refund I need the card details the order was paid with.",
        "{card}",
        "{promise}",
        "Great. Actually, can you also send me a new one?",
        "Certainly. {promise2}",
        "Perfect, thank you so much.",
    ],
    [  # 5: a confusing bill
        "Good morning, billing department, this is Noah.",
        "Hi, I got my bill and I don't understand these extra charges.",
        "Let me see. There is a roaming fee and a late payment fee.",
        "That doesn't make sense, I was not abroad.",
        "The roaming fee comes from a data session on the fifth of the month.",
        "Can you explain that again? I'm confused.",
        "Sure. A phone on your plan used data abroad. I can remove the late fee today.",
        "Okay. Please take the payment for the rest now.",
        "Of course. Can I have the long number on the card?",
        "{card}",
        "{promise}",
    ],
    [  # 6: a phone that never arrived
        "Hello, this is Liam from customer support, how can I help?",
        "I have been waiting forty minutes. I want to speak to a manager.",
        "I am sorry for the wait. Let me try to help first. What is the issue?",
        "My card was charged for a phone that never arrived. Sort it out.",
        "I understand. I need to verify the payment. What is the card number?",
        "{card}",
        "Thank you. I can see the charge and there is no delivery record.",
        "Damn. This is the second time. Seriously, fix this.",
        "{promise}",
        "And I want to speak to your supervisor about it.",
        "{promise2}",
    ],
    [  # 7: switching provider
        "Welcome to the help line, you are speaking to Ava.",
        "Hi. I am thinking about switching provider because my contract is ending.",
        "Before you go elsewhere, can I look at a better offer for you?",
        "Go on then. Hold on, just a second, someone is at the door.",
        "No problem.",
        "Sorry about that. So yeah, what is the offer?",
        "Unlimited data for twenty pounds a month. I can set it up on the card we have for you.",
        "Actually, I have a new card now. {card}",
        "{promise}",
        "Okay, that is good to know.",
        "{promise2}",
    ],
    [  # 8: card fraud
        "Good evening, fraud prevention team, my name is Lucas.",
        "Hi, someone used my debit card online and I have no idea how.",
        "I am sorry. First I need to check your date of birth and the card number.",
        "It is the fourth of June. {card}",
        "Thank you. I can see two payments to an online shop this morning.",
        "Those were not me. Can you block the card and refund me?",
        "{promise}",
        "What do you mean by a temporary block?",
        "The card stops working until the new one arrives. {promise2}",
        "Okay. Thanks for your help.",
    ],
    [  # 9: a faulty router
        "Hi, you are through to technical support, my name is Grace.",
        "Hello. My router keeps dropping the connection, you know, every evening.",
        "Let me run a test on the line. Can you hold for a moment?",
        "Yes, no problem.",
        "Thanks for waiting. The router is faulty. I can send an engineer or a new router.",
        "I want an engineer, the last router was rubbish.",
        "{promise}",
        "Right. Is there a charge for the visit?",
        "There is a call out fee of thirty pounds. Can I take the card details?",
        "{card}",
        "{promise2}",
        "Thank you, goodbye.",
    ],
    [  # 10: roaming charges and a lawyer
        "Good morning, mobile support, this is Henry. How can I help?",
        "My phone bill is four hundred pounds and I was only in Spain for a week.",
        "I see, that is the roaming charge for data used in Spain.",
        "That is ridiculous. My lawyer says it is against consumer protection rules.",
        "I understand you are upset. Let me look at what I can do.",
        "Sorry, could you explain why there was no warning text?",
        "The warning text went to an old number on the account, more or less a mistake on our side.",
        "Then remove the charge, or the regulator hears about this.",
        "{promise}",
        "Fine. Take the remaining payment from this card. {card}",
        "{promise2}",
    ],
    [  # 11: an insurance claim
        "Hello, claims line, you are speaking to Chloe.",
        "Hi, um, I sent in a claim a month ago and nobody has rung me since.",
        "I am sorry about the delay. Let me just pull up your claim.",
        "Whatever, I just want the money. Another company paid my neighbour in a week.",
        "I can see the claim is approved. The payment can go to a card today.",
        "{card}",
        "{promise}",
        "Pardon? I didn't catch that.",
        "{promise2}",
        "Okay, and please call me back if anything changes.",
    ],
]


def words_of(text):
    """The words of a text by the phrase matcher's rules for ASCII text:
    runs of letters, digits and "_", lower-cased; anything else separates."""
    return re.findall(r"[a-z0-9_]+", text.lower())


@functools.lru_cache(maxsize=None)
def phrase_pools():
    """[(pool name, [phrases])] of default_phrase_pools() in src/text/pools.cpp."""
    source = POOLS_SOURCE.read_text()
    body = source[source.index("default_phrase_pools()"):]
    pools = [(name, re.findall(r'"([^"]*)"', phrases))
             for name, phrases in re.findall(r'\{\s*"([^"]+)"\s*,\s*\{([^{}]*)\}', body)]
    if len(pools) != 8:
        raise RuntimeError("%s: expected the eight built-in pools, read %d" % (POOLS_SOURCE, len(pools)))
    return pools


def find_phrases(text):
    """[(pool, phrase)] of the built-in pools' phrases in text, each once,
    matched on whole words in any case with any separators between words."""
    padded = " %s " % " ".join(words_of(text))
    return [(pool, phrase) for pool, phrases in phrase_pools() for phrase in phrases
            if " %s " % " ".join(words_of(phrase)) in padded]


def card_number(rng):
    """16 digits starting with 4 whose last is the Luhn check digit."""
    body = [4] + [int(d) for d in rng.integers(0, 10, size=14)]
    total = 0
    for i, d in enumerate(reversed(body)):  # the check digit will sit to the right
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return "".join(map(str, body + [(10 - total % 10) % 10]))


def _card_sentence(rng, digits):
    """The client's card sentence, and the expiry ("MM/YY") and security code
    it says, or None."""
    text = "My card number is %s." % " ".join(DIGIT_WORDS[int(c)] for c in digits)
    expiry = code = None
    if rng.random() < 0.6:
        month, year = int(rng.integers(1, 13)), int(rng.integers(26, 31))
        expiry = "%02d/%02d" % (month, year)
        text += " The expiry is %s %s." % (MONTH_WORDS[month - 1], YEAR_WORDS[year])
        if rng.random() < 0.6:
            code = "".join(str(d) for d in rng.integers(0, 10, size=3))
            text += " The security code is %s." % " ".join(DIGIT_WORDS[int(c)] for c in code)
    return text, expiry, code


def _flite(voice, text, workdir):
    """One line spoken by flite, tidied (Speech at 8 kHz)."""
    out = Path(workdir) / "line.wav"
    subprocess.run(["flite", "-voice", voice, "-t", text, "-o", str(out)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    x, rate = read_wav(out)
    return tidy_speech(to_8k(x, rate))


def build_flite(seed):
    """Script number seed % 12 with its slots filled from the seed, the agent
    in flite's slt voice, the client in rms (even seeds) or awb (odd), lines
    0.3-0.8 s apart (audible end to audible start)."""
    rng = np.random.default_rng([3, seed])
    script_index = seed % len(SCRIPTS)
    voices = {"agent": "slt", "client": ("rms", "awb")[seed % 2]}
    promises = [PROMISES[i] for i in rng.permutation(len(PROMISES))[:2]]
    digits = card_number(rng)
    card_text, expiry, code = _card_sentence(rng, digits)

    tracks, lines, phrases, planted_promises, cards = [], [], [], [], []
    start = int(EDGE_S * RATE)  # audible start of line k
    with tempfile.TemporaryDirectory(prefix="speech_calls-") as workdir:
        for k, template in enumerate(SCRIPTS[script_index]):
            speaker = CHANNELS[k % 2]
            text = template.format(card=card_text, promise=promises[0][0], promise2=promises[1][0])
            line = _flite(voices[speaker], text, workdir)
            end = start + line.audible
            span = {"speaker": speaker, "start": _t(start), "end": _t(end)}
            tracks.append((k % 2, start - line.lead, line.audio))
            lines.append(dict(span, text=text))
            phrases += [{"pool": pool, "phrase": phrase, **span} for pool, phrase in find_phrases(text)]
            for slot, (sentence, when) in zip(("{promise}", "{promise2}"), promises):
                if slot in template:
                    planted_promises.append(dict(span, text=sentence.rstrip("."), time_statement=when))
            if "{card}" in template:
                cards.append(dict(span, digits=digits, expiry=expiry, security_code=code))
            start = end + int(rng.uniform(0.3, 0.8) * RATE)
    duration = end / RATE + EDGE_S
    truth = {"kind": "flite", "duration": round(duration, 3), "channels": CHANNELS, "script": script_index,
             "voices": voices, "lines": lines, "phrases": phrases, "promises": planted_promises, "cards": cards}
    return _mix(tracks, duration, rng), truth


# ------------------------------------------------------------------ many calls and the command line
BUILDERS = {"alsa": build_alsa, "librivox": build_librivox, "flite": build_flite}


def build_many(kind, count, seed=1):
    """(seed, samples, truth) for seeds seed .. seed+count-1; flite calls of
    up to twelve consecutive seeds use twelve different scripts."""
    for s in range(seed, seed + count):
        samples, truth = BUILDERS[kind](s)
        yield s, samples, truth


def write_truth(path, truth):
    Path(path).write_text(json.dumps(truth, indent=1) + "\n")


def _suffixed(path, seed):
    p = Path(path)
    return p.with_name("%s-%d%s" % (p.stem, seed, p.suffix))


def main(argv=None):
    ap = argparse.ArgumentParser(description="Build a two-channel call of real or synthesised speech and its truth.")
    ap.add_argument("kind", choices=sorted(BUILDERS))
    ap.add_argument("wav")
    ap.add_argument("truth")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=1,
                    help="build this many calls (seeds SEED, SEED+1 ...), each file named with -SEED added")
    args = ap.parse_args(argv)
    for seed, samples, truth in build_many(args.kind, args.count, args.seed):
        wav, js = ((args.wav, args.truth) if args.count == 1
                   else (_suffixed(args.wav, seed), _suffixed(args.truth, seed)))
        write_call(wav, samples)
        write_truth(js, truth)
        print("%s: %s call, seed %d, %.1f s" % (wav, args.kind, seed, truth["duration"]))


if __name__ == "__main__":
    sys.exit(main())
