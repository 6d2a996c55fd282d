#!/usr/bin/env python3
"""select_by_tuning.py DIR...: the schedule a scientist would pick, and how
it does on held-out networks.

For each evaluation directory of experiments/schedules (one task each),
picks among node perturbation at a constant rate and the annealed variants
(each at its own tuned learning rate) the one with the best *tuning* reward
(evaluation.csv's tuning_reward: the tuning networks only, never the
held-out ones), then prints one Markdown row: the pick, and its mean reward
during learning minus constant-rate node perturbation's on the held-out
networks, paired, with its standard error and the 2-s.e. verdict.
"""
import csv
import math
import os
import sys

BASELINE = "node perturbation"


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    print("| task | tuning reward: constant / k300 / k100 / k30 | pick | pick - constant (held out) +- s.e. | verdict |")
    print("| --- | --- | --- | --- | --- |")
    for d in argv[1:]:
        rows = list(csv.DictReader(open(os.path.join(d, "evaluation.csv"))))
        tuned = {r["rule"]: float(r["tuning_reward"]) for r in rows if r["tuning_reward"]}
        order = [BASELINE] + sorted((k for k in tuned if k != BASELINE), key=lambda k: -int(k.split(",")[0][1:]))
        pick = max(order, key=lambda k: tuned[k])
        nets = list(csv.DictReader(open(os.path.join(d, "networks.csv"))))
        per = lambda rule: [float(r["mean_reward"]) for r in nets if r["rule"] == rule]
        diff = [a - b for a, b in zip(per(pick), per(BASELINE))]
        n = len(diff)
        mean = sum(diff) / n
        sem = math.sqrt(sum((x - mean) ** 2 for x in diff) / (n - 1) / n) if n > 1 else float("nan")
        verdict = "tie" if pick == BASELINE or not abs(mean) > 2 * sem else (
            "schedule better" if mean > 0 else "schedule worse")
        print("| %s | %s | %s | %+.4f +- %.4f | %s |" % (
            os.path.basename(os.path.normpath(d)), " / ".join("%.4f" % tuned[k] for k in order),
            pick, mean, sem, verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
