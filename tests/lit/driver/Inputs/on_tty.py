#!/usr/bin/env python3
"""usage: on_tty.py COMMAND...  Runs COMMAND with its stdout on a pseudo-terminal
(stdin and stderr as given) and exits with its exit code."""
import os
import subprocess
import sys

master, slave = os.openpty()
r = subprocess.run(sys.argv[1:], stdout=slave)
os.close(slave)
os.close(master)
sys.exit(r.returncode)
