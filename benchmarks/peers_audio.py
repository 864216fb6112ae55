#!/usr/bin/python3
"""Peers of switchboard's audio engine, run by bench_audio --peers.

    peers_audio.py AGENT.wav SILENCE_THRESH_DBFS

Runs pydub's detect_silence (seek_step 1, min_silence_len 500 ms, the given
threshold) and aubio's YIN (hop 10 ms) on a mono 16-bit WAV and prints one
JSON object: the silences and time of pydub, the median pitch and time of
aubio. Uses Debian's python3-pydub and python3-aubio.
"""
import json
import sys
import time
import warnings
import wave

import numpy as np

warnings.filterwarnings("ignore")  # pydub warns that ffmpeg is absent; WAV needs none
from pydub import AudioSegment  # noqa: E402
from pydub.silence import detect_silence  # noqa: E402
import aubio  # noqa: E402


def main():
    path, thresh = sys.argv[1], float(sys.argv[2])
    with wave.open(path, "rb") as w:
        rate = w.getframerate()
        raw = w.readframes(w.getnframes())
    seg = AudioSegment(data=raw, sample_width=2, frame_rate=rate, channels=1)
    t0 = time.perf_counter()
    spans = detect_silence(seg, min_silence_len=500, silence_thresh=thresh, seek_step=1)
    t_pydub = time.perf_counter() - t0

    x = np.frombuffer(raw, dtype=np.int16).astype(np.float32) / 32768.0
    hop = rate // 100
    buf = 4 * hop  # 40 ms: lags down to 50 Hz
    p = aubio.pitch("yin", buf, hop, rate)
    p.set_unit("Hz")
    p.set_tolerance(0.25)
    p.set_silence(thresh)
    n = len(x) // hop
    frames = [x[i * hop:(i + 1) * hop] for i in range(n)]
    t0 = time.perf_counter()
    found = [p(f)[0] for f in frames]
    t_aubio = time.perf_counter() - t0
    voiced = [f for f in found if 65.0 <= f <= 500.0]
    json.dump({
        "pydub_silences": [[a / 1000.0, b / 1000.0] for a, b in spans],
        "pydub_seconds": t_pydub,
        "aubio_seconds": t_aubio,
        "aubio_median_hz": float(np.median(voiced)) if voiced else 0.0,
        "aubio_voiced_frames": len(voiced),
    }, sys.stdout)


if __name__ == "__main__":
    main()
