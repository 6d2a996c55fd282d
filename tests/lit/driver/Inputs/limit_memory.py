#!/usr/bin/env python3
"""usage: limit_memory.py BYTES COMMAND...  Runs COMMAND with its address space
limited to BYTES (RLIMIT_AS), so that a large allocation fails quickly."""
import os
import resource
import sys

limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
os.execvp(sys.argv[2], sys.argv[2:])
