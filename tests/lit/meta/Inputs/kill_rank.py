"""kill_rank.py RANK ITERATION OUT CMD ARGS...: run CMD (an mpirun), and once
OUT/checkpoint.json holds meta-iteration ITERATION or later, SIGKILL the
process of MPI rank RANK; print CMD's stderr, then "exit code: N".

This is how a rank dies in a test: at a known point (after a checkpoint),
by a signal that cannot be caught. If the run ends before the kill, the
script says so and exits 1, so a test cannot pass without the fault."""
import json
import os
import signal
import subprocess
import sys
import time


def rank_pid(launcher, rank):
    """The descendant of `launcher` whose environment says it is `rank`."""
    want = ("OMPI_COMM_WORLD_RANK=%d" % rank).encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open("/proc/%s/environ" % entry, "rb") as f:
                env = f.read().split(b"\0")
        except OSError:
            continue
        if ppid == launcher and want in env:
            return int(entry)
    return None


def checkpoint_iteration(out):
    try:
        with open(os.path.join(out, "checkpoint.json")) as f:
            return json.load(f)["iteration"]
    except (OSError, ValueError, KeyError):
        return -1  # not written yet (it is replaced atomically, never torn)


rank, iteration, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
proc = subprocess.Popen(sys.argv[4:], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
deadline = time.time() + 60
killed = False
while proc.poll() is None and time.time() < deadline:
    if checkpoint_iteration(out) >= iteration:
        pid = rank_pid(proc.pid, rank)
        if pid:
            os.kill(pid, signal.SIGKILL)
            killed = True
            break
    time.sleep(0.002)
_, err = proc.communicate()
sys.stdout.write(err.decode())
if not killed:
    print("kill_rank.py: the run ended before rank %d could be killed" % rank)
    sys.exit(1)
print("exit code: %d" % proc.returncode, flush=True)
