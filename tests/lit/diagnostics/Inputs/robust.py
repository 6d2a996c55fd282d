#!/usr/bin/env python3
"""Runs plasticc on many generated inputs and checks that it never crashes.

usage: robust.py PLASTICC MODE WORKDIR [SOURCE]

MODE truncate: every prefix of SOURCE, cut at 100 evenly spaced byte offsets.
MODE random:   100 blobs of random bytes and 100 token-level mutations of
               SOURCE, from a fixed seed (the run is reproducible).

Each run must exit with 0 (valid input) or 1 (a user error, with at least one
located 'error:' line), finish within 10 s, and never print "internal
compiler error". Prints one summary line; exits 1 on the first failure.
"""
import os
import random
import subprocess
import sys


def check(plasticc, path):
    """Returns (exit code, None) or (None, what went wrong)."""
    try:
        r = subprocess.run([plasticc, "--emit=ir", "-o", os.devnull, path],
                           capture_output=True, timeout=10)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    err = r.stderr.decode("latin-1")
    if r.returncode not in (0, 1):
        return None, "exit code %d: %s" % (r.returncode, err[-2000:])
    if "internal compiler error" in err:
        return None, "internal error: " + err[-2000:]
    if r.returncode == 1 and ": error: " not in err:
        return None, "exit code 1 without a diagnostic"
    return r.returncode, None


def main():
    plasticc, mode, work = sys.argv[1], sys.argv[2], sys.argv[3]
    source = open(sys.argv[4], "rb").read() if len(sys.argv) > 4 else b""
    os.makedirs(work, exist_ok=True)
    rng = random.Random(20240601)
    inputs = []
    if mode == "truncate":
        for k in range(100):
            inputs.append(source[: len(source) * k // 100])
    else:
        for _ in range(100):
            inputs.append(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))))
        words = source.split(b" ")
        for _ in range(100):
            w = list(words)
            for _ in range(rng.randrange(1, 8)):
                i = rng.randrange(len(w))
                op = rng.randrange(3)
                if op == 0:
                    del w[i]
                elif op == 1:
                    w.insert(i, rng.choice(words))
                else:
                    w[i] = rng.choice([b"(", b")", b"[", b"]", b"{", b"}", b"^", b"-", b"@", b"sum(a)", b"1e400", b"\x00", b"\xff", b"\n"])
            inputs.append(b" ".join(w))
    counts = {0: 0, 1: 0}
    for n, data in enumerate(inputs):
        path = os.path.join(work, "in%d.plast" % n)
        with open(path, "wb") as f:
            f.write(data)
        code, problem = check(plasticc, path)
        if problem:
            print("FAIL on %s: %s" % (path, problem))
            return 1
        counts[code] += 1
    print("robust: %d inputs, no crash (valid %d, rejected %d)" % (len(inputs), counts[0], counts[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
