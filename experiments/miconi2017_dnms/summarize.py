#!/usr/bin/env python3
"""summarize.py EVAL_DIR: trials to criterion on DNMS next to Miconi (2017).

Reads plasticc-meta evaluate's trials.csv (per rule, network and trial: the
task reward, minus the trial's mean absolute error E over the response
window) and prints Markdown: per rule, the median and interquartile range
over networks of the trials to criterion, for the paper's criterion (E < 1 in
at least 95 of 100 successive trials), the code's (more than 95, i.e. at
least 96: BiologicallyPlausibleLearningRNN, dnms/ploterr_mult.py) and the
stricter E < 0.5 of the code's README; the mean error and fraction correct
over stretches of trials; and a check that the code's criterion equals the
column plasticc-meta computed itself (networks.csv, run with --criterion 0.96).
A network that never reaches criterion counts as beyond the trial cap, as
the paper's analysis counts it at its cap of 10000. Quantiles are numpy's
default (linear interpolation, as the paper's analysis scripts); the 95%
interval of the median is a percentile bootstrap over networks (seed 1).
"""
import csv
import math
import random
import sys
from collections import defaultdict

PAPER = (843, 692, 1125)  # median, Q1, Q3 over 20 runs (eLife 6:e20899, Fig. 1B)
WINDOW = 100


def load(d):
    errors = defaultdict(lambda: defaultdict(list))  # rule -> network -> [E per trial]
    for r in csv.DictReader(open(f"{d}/trials.csv")):
        errors[r["rule"]][int(r["network"])].append(-float(r["reward"]))
    return errors


def to_criterion(E, threshold, need):
    """1-based trial ending the first WINDOW-trial window with >= need
    trials of error below threshold; None if never."""
    ok = [1 if e < threshold else 0 for e in E]
    run = 0
    for k, c in enumerate(ok):
        run += c
        if k >= WINDOW:
            run -= ok[k - WINDOW]
        if k >= WINDOW - 1 and run >= need:
            return k + 1
    return None


def quantile(xs, q):
    """numpy's default (linear) percentile; inf entries are 'not reached'."""
    xs = sorted(xs)
    pos = q * (len(xs) - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    if math.isinf(xs[hi]):
        return math.inf
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def median_ci(xs, reps=10000, seed=1):
    """Percentile-bootstrap 95% interval of the median (fixed seed)."""
    rng = random.Random(seed)
    meds = sorted(quantile([rng.choice(xs) for _ in xs], 0.5) for _ in range(reps))
    return meds[int(0.025 * reps)], meds[int(0.975 * reps) - 1]


def show(v, cap):
    return f">{cap}" if math.isinf(v) else f"{v:.0f}"


def main(d):
    errors = load(d)
    cap = max(len(E) for nets in errors.values() for E in nets.values())
    rules = [r for r in errors if r != "no plasticity"] + ["no plasticity"]
    print(f"# miconi2017_dnms: trials to criterion ({len(errors[rules[0]])} networks, "
          f"cap {cap} trials)\n")
    print(f"Paper (Miconi 2017, Fig. 1B, 20 runs): median {PAPER[0]}, IQR {PAPER[1]}-{PAPER[2]}.\n")
    print("| rule | criterion | reached | median | 95% CI of the median | IQR |")
    print("| --- | --- | --- | --- | --- | --- |")
    criteria = [("paper: E < 1 in >= 95/100", 1.0, 95), ("code: E < 1 in >= 96/100", 1.0, 96),
                ("README: E < 0.5 in >= 95/100", 0.5, 95)]
    reached = {}
    for rule in rules:
        nets = errors[rule]
        for name, thr, need in criteria:
            t = [to_criterion(nets[n], thr, need) for n in sorted(nets)]
            reached[(rule, need, thr)] = t
            xs = [math.inf if v is None else v for v in t]
            lo, hi = median_ci(xs)
            print(f"| {rule} | {name} | {sum(v is not None for v in t)}/{len(t)} | "
                  f"{show(quantile(xs, 0.5), cap)} | [{show(lo, cap)}, {show(hi, cap)}] | "
                  f"[{show(quantile(xs, 0.25), cap)}, "
                  f"{show(quantile(xs, 0.75), cap)}] |")
    print("\nMean error E and fraction correct (E < 1) over networks, by stretch of trials:\n")
    stretches = [(a, min(a + 100, cap)) for a in range(0, cap, max(100, cap // 10))]
    print("| rule | " + " | ".join(f"{a + 1}-{b}" for a, b in stretches) + " |")
    print("| --- |" + " --- |" * len(stretches))
    for rule in rules:
        nets = errors[rule].values()
        cells = []
        for a, b in stretches:
            es = [e for E in nets for e in E[a:b]]
            cells.append(f"{sum(es) / len(es):.3f} / {sum(e < 1 for e in es) / len(es):.2f}")
        print(f"| {rule} | " + " | ".join(cells) + " |")
    # The code's criterion is what plasticc-meta computed (--criterion 0.96).
    mismatches = 0
    for r in csv.DictReader(open(f"{d}/networks.csv")):
        mine = reached[(r["rule"], 96, 1.0)][int(r["network"])]
        theirs = int(r["trials_to_criterion"]) if r["trials_to_criterion"] else None
        mismatches += mine != theirs
    print(f"\nCheck: the code's criterion per network equals networks.csv's trials_to_criterion "
          f"in {'every' if mismatches == 0 else 'NOT every'} network ({mismatches} differ).")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
