#!/usr/bin/python3
"""Python's re as a peer of switchboard's phrase matcher, run by bench_text.

    peers_text.py PATTERNS.txt TEXT.txt

PATTERNS.txt holds one regular expression per line (the phrases written as
\\bw1[sep]+w2\\b, the pools' regular expressions as they are). They are
joined into one alternation, compiled with re.IGNORECASE, and every
non-overlapping match in TEXT.txt is counted with finditer, the usual way
to look for many phrases with re. Prints one JSON object: compile and scan
seconds (CPU time of the process, and wall time), matches and bytes
scanned.
"""
import json
import re
import sys
import time


def main():
    patterns_path, text_path = sys.argv[1], sys.argv[2]
    with open(patterns_path, encoding="utf-8") as f:
        patterns = [line.rstrip("\n") for line in f if line.strip()]
    with open(text_path, encoding="utf-8") as f:
        text = f.read()
    t0, c0 = time.perf_counter(), time.process_time()
    rx = re.compile("|".join("(?:%s)" % p for p in patterns), re.IGNORECASE)
    t_compile, c_compile = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    matches = sum(1 for _ in rx.finditer(text))
    t_scan, c_scan = time.perf_counter() - t0, time.process_time() - c0
    json.dump({
        "compile_seconds": t_compile,
        "compile_cpu_seconds": c_compile,
        "scan_seconds": t_scan,
        "scan_cpu_seconds": c_scan,
        "matches": matches,
        "bytes": len(text.encode("utf-8")),
        "patterns": len(patterns),
    }, sys.stdout)


if __name__ == "__main__":
    main()
