#!/usr/bin/env python3
"""ctest driver of fuzz_frontend: replay the seed corpus, then fuzz.

usage: run_fuzz.py FUZZER SEED_DIR WORK_DIR SECONDS

1. Replays every file of SEED_DIR once (a regression run: each must pass).
2. Unless SECONDS is 0, fuzzes for SECONDS seconds, starting from the seeds;
   new interesting inputs go to WORK_DIR (never into the source tree).
The environment variable PLASTICC_FUZZ_SECONDS overrides SECONDS.
"""
import os
import subprocess
import sys


def main():
    fuzzer, seeds, work, seconds = sys.argv[1:5]
    seconds = int(os.environ.get("PLASTICC_FUZZ_SECONDS", seconds))
    os.makedirs(work, exist_ok=True)
    files = sorted(os.path.join(seeds, f) for f in os.listdir(seeds))
    r = subprocess.run([fuzzer, "-rss_limit_mb=2048", "-timeout=30"] + files)
    if r.returncode != 0:
        print("replay of the seed corpus failed")
        return 1
    print("replayed %d seed inputs" % len(files))
    if seconds <= 0:
        return 0
    dictionary = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plast.dict")
    # A fixed seed makes the sequence of mutations the same on every run, so a
    # finding in CI reproduces; the generous per-input timeout keeps a busy
    # 2-core machine from turning slowness into a failure.
    r = subprocess.run([fuzzer, "-seed=1", "-max_total_time=%d" % seconds, "-rss_limit_mb=2048", "-timeout=30",
                        "-max_len=8192", "-print_final_stats=1", "-dict=" + dictionary, work, seeds])
    return r.returncode


if __name__ == "__main__":
    sys.exit(main())
