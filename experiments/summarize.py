#!/usr/bin/env python3
"""summarize.py A_RULE B_RULE DIR...: the paired difference of two rules.

For each evaluation directory (plasticc-meta's networks.csv), prints one
Markdown row: the mean reward during learning of rule A and of rule B over
the held-out networks, their paired difference (A - B) with its standard
error, and whether it is beyond 2 standard errors (the verdict's rule,
docs/runtime.md "Evaluation"). Used by the experiments' run.sh scripts.
"""
import csv
import math
import os
import sys


def per_network(path, rule):
    rows = [r for r in csv.DictReader(open(path)) if r["rule"] == rule]
    if not rows:
        sys.exit("summarize.py: no rule '%s' in %s" % (rule, path))
    return [float(r["mean_reward"]) for r in rows]


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    a_rule, b_rule = argv[1], argv[2]
    print("| run | %s | %s | difference +- s.e. | verdict |" % (a_rule, b_rule))
    print("| --- | --- | --- | --- | --- |")
    for d in argv[3:]:
        path = os.path.join(d, "networks.csv")
        a, b = per_network(path, a_rule), per_network(path, b_rule)
        diff = [x - y for x, y in zip(a, b)]
        n = len(diff)
        mean = sum(diff) / n
        sem = math.sqrt(sum((x - mean) ** 2 for x in diff) / (n - 1) / n) if n > 1 else float("nan")
        verdict = "tie" if not abs(mean) > 2 * sem else (
            "%s better" % (a_rule if mean > 0 else b_rule))
        print("| %s | %.4f | %.4f | %+.4f +- %.4f | %s |" % (
            os.path.basename(os.path.normpath(d)), sum(a) / n, sum(b) / n, mean, sem, verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
