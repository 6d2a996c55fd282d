"""same_log.py A.csv B.csv TOL: the J, gradient-norm, meta and gradient columns
of two plasticc-meta logs agree to relative tolerance TOL (wall time and
counts aside). Used to compare backends, which may round differently."""
import csv
import sys

a, b = (list(csv.DictReader(open(p))) for p in sys.argv[1:3])
tol = float(sys.argv[3])
assert len(a) == len(b) and a, "different numbers of rows: %d vs %d" % (len(a), len(b))
for ra, rb in zip(a, b):
    for key in ra:
        if key in ("seconds",):
            continue
        x, y = float(ra[key]), float(rb[key])
        if abs(x - y) > tol * max(1.0, abs(x), abs(y)):
            sys.exit("iteration %s, %s: %r vs %r" % (ra["iteration"], key, x, y))
print("logs agree")
