#!/usr/bin/env python3
"""Structured fuzzing of Sema and lowering: random models from a grammar.

usage: generate.py PLASTICC SEED COUNT WORKDIR

Writes COUNT random models (fixed SEED: reproducible) that use every kind of
quantity, indexed statements with i- and j-vectors and matrices, index sums,
reductions, comparisons, select/clip, matvec and 'on reward', and compiles
each with --emit=ir. Whatever Sema accepts must lower to a module that
verifies, so every run must exit 0, or 1 with a located error; an internal
compiler error or a crash fails. Prints how many were accepted.
"""
import os
import random
import subprocess
import sys

rng = None


def model():
    N, M, D = rng.choice([1,2,3]), rng.choice([1,2,4]), rng.choice([1,2,3])
    lines = ["model g", f"dim N = {N}", f"dim M = {M}", f"dim D = {D}",
             "meta th[D, D] = 0.5", "meta k = 1", "param c = 2", "param tau = 10 ms",
             "input u[M]", "noise xi[N]", "state x[N] = uniform(-1, 1)", "state y[M] = x[0]" if N>0 else "state y[M] = 1",
             "weight W[N, M] = normal(0, 1) plastic", "weight V[M, N] = 1", "trace e[N, M] = c",
             "trace s = 0", "baseline b = 0", "output o[N]", "reward R = sum(e) + s"]
    vecN = ["x[i]", "o[i]", "xi[i]"]
    vecM = ["y[j]", "u[j]"]
    scal = ["c", "k", "s", "th[0, 0]", "x[0]", "u[0]", "2", "0.5", "tau / tau", "sum(x)", "mean(W)", "count(y)"]
    def ex(d, kinds):
        if d <= 0 or rng.random() < 0.3:
            opts = list(scal)
            if "i" in kinds: opts += vecN
            if "j" in kinds: opts += vecM
            if "ij" in kinds: opts += ["W[i, j]", "e[i, j]"]
            return rng.choice(opts)
        r = rng.random()
        if r < 0.4:
            return "(" + ex(d-1, kinds) + rng.choice([" + ", " - ", " * ", " / ", " < ", " >= "]) + ex(d-1, kinds) + ")"
        if r < 0.5:
            return "-" + ex(d-1, kinds)
        if r < 0.6:
            return "(" + ex(d-1, kinds) + ")^" + rng.choice(["2", "0", "3"])
        if r < 0.7:
            return rng.choice(["tanh", "exp", "abs", "relu", "sigmoid"]) + "(" + ex(d-1, kinds) + ")"
        if r < 0.8:
            return rng.choice(["min", "max", "pow"]) + "(" + ex(d-1, kinds) + ", " + ex(d-1, kinds) + ")"
        if r < 0.85:
            return "select(" + ex(d-1, kinds) + ", " + ex(d-1, kinds) + ", " + ex(d-1, kinds) + ")"
        if r < 0.9:
            return "clip(" + ex(d-1, kinds) + ", " + ex(d-1, kinds) + ", " + ex(d-1, kinds) + ")"
        n = rng.randrange(1000000)  # fresh index names: nested sums may not reuse them
        return "(sum(a%d, q%d) th[a%d, q%d] * %s * k^a%d)" % (n, n, n, n, ex(d-1, kinds), n)
    step = ["step {"]
    step.append(f"  e[i, j] = {ex(4, ['i','j','ij'])}")
    step.append(f"  x[i] = {ex(3, ['i'])}")
    step.append(f"  loc = {ex(2, [])}")
    step.append(f"  o = x * loc + W @ y")
    step.append(f"  s += {ex(2, [])}")
    step.append("}")
    ev = ["on reward {", f"  W[i, j] += R * {ex(3, ['i','j','ij'])}", "  b = 0.9 * b + R", "}"]
    return "\n".join(lines + step + ev) + "\n"


def main():
    global rng
    plasticc, seed, count, work = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    rng = random.Random(seed)
    os.makedirs(work, exist_ok=True)
    counts = {0: 0, 1: 0}
    for n in range(count):
        text = model()
        path = os.path.join(work, "m%d.plast" % n)
        with open(path, "w") as f:
            f.write(text)
        r = subprocess.run([plasticc, "--emit=ir", "-o", os.devnull, path], capture_output=True, text=True)
        if r.returncode not in (0, 1) or "internal compiler error" in r.stderr or \
                (r.returncode == 1 and ": error: " not in r.stderr):
            print("FAIL on %s (exit %d):\n%s" % (path, r.returncode, r.stderr[:4000]))
            return 1
        counts[r.returncode] += 1
    print("generated: %d models, accepted %d, rejected %d" % (count, counts[0], counts[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
