#!/usr/bin/env python3
"""ctest driver of a fuzz target: replay its seed corpus, then fuzz.

usage: run_fuzz.py FUZZER SEED_DIR WORK_DIR SECONDS MAX_LEN DICT

1. Replays every file of SEED_DIR once (a regression run: each must pass).
2. Unless SECONDS is 0, fuzzes for SECONDS seconds, starting from the seeds
   and from WORK_DIR, with inputs of at most MAX_LEN bytes and the
   dictionary DICT; new interesting inputs go to WORK_DIR (never into the
   source tree).
The environment variable PLASTICC_FUZZ_SECONDS overrides SECONDS. The run
bounds itself (it has no ctest timeout, so that `make fuzz` can run long):
a replay or fuzzing run that outlives its time by 5 minutes is killed and
fails the test.
"""
import os
import subprocess
import sys

GRACE = 300  # seconds a run may take beyond its own budget (a busy machine)


def run(cmd, budget):
    try:
        return subprocess.run(cmd, timeout=budget + GRACE).returncode
    except subprocess.TimeoutExpired:
        print("killed after %d s: %s" % (budget + GRACE, " ".join(cmd[:1])))
        return 1


def main():
    fuzzer, seeds, work, seconds, max_len, dictionary = sys.argv[1:7]
    seconds = int(os.environ.get("PLASTICC_FUZZ_SECONDS", seconds))
    os.makedirs(work, exist_ok=True)
    files = sorted(os.path.join(seeds, f) for f in os.listdir(seeds))
    common = ["-rss_limit_mb=2048", "-timeout=30"]
    if run([fuzzer] + common + files, 0) != 0:
        print("replay of the seed corpus failed")
        return 1
    print("replayed %d seed inputs" % len(files))
    if seconds <= 0:
        return 0
    # A fixed seed makes the sequence of mutations the same on every run, so a
    # finding in CI reproduces; the generous per-input timeout keeps a busy
    # 2-core machine from turning slowness into a failure.
    return run([fuzzer, "-seed=1", "-max_total_time=%d" % seconds, "-max_len=" + max_len,
                "-print_final_stats=1", "-dict=" + dictionary] + common + [work, seeds], seconds)


if __name__ == "__main__":
    sys.exit(main())
