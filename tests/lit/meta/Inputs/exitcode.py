"""exitcode.py CMD ARGS...: run CMD, then print its exit code on stdout.

lit's internal shell has no $?, and `not` only tells failure from success;
the plasticc-meta tests check the exact code (2 for bad input, 3 for a run
stopped by a diverged network)."""
import subprocess
import sys

result = subprocess.run(sys.argv[1:])
sys.stdout.flush()
print("exit code: %d" % result.returncode, flush=True)
