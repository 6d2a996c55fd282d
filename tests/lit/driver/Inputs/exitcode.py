#!/usr/bin/env python3
"""usage: exitcode.py CODE COMMAND...  Runs COMMAND, fails unless it exits with
CODE (a crash never matches), and prints "exit CODE: " and its first stderr line."""
import subprocess
import sys

want = int(sys.argv[1])
r = subprocess.run(sys.argv[2:], capture_output=True, text=True, errors="replace")
first = (r.stderr.splitlines() or [""])[0]
if r.returncode != want:
    print("expected exit %d, got %d: %s" % (want, r.returncode, r.stderr))
    sys.exit(1)
print("exit %d: %s" % (r.returncode, first))
