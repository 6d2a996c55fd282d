#!/usr/bin/env python3
"""plot.py EVAL_DIR OUT.png: DNMS learning curves next to Miconi (2017).

Mean error E (left) and fraction of trials with E < 1 (right) per trial,
averaged over networks and smoothed over 20 trials, per rule, with the
paper's median trials to criterion (843) and its IQR (692-1125) shaded."""
import csv
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def smooth(v, w=20):
    return [sum(v[max(0, k - w + 1):k + 1]) / len(v[max(0, k - w + 1):k + 1]) for k in range(len(v))]


def main(d, png):
    per = defaultdict(lambda: defaultdict(list))  # rule -> trial -> [E]
    for r in csv.DictReader(open(f"{d}/trials.csv")):
        per[r["rule"]][int(r["trial"])].append(-float(r["reward"]))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    for rule, trials in per.items():
        ks = sorted(trials)
        err = [sum(trials[k]) / len(trials[k]) for k in ks]
        frac = [sum(e < 1 for e in trials[k]) / len(trials[k]) for k in ks]
        ax1.plot(ks, smooth(err), label=rule)
        ax2.plot(ks, smooth(frac), label=rule)
    for ax in (ax1, ax2):
        ax.axvspan(692, 1125, color="0.9", label="paper: IQR of trials to criterion")
        ax.axvline(843, color="0.5", ls="--", label="paper: median (843)")
        ax.set_xlabel("trial")
    ax1.set_ylabel("mean |r0 - target| over the response (20-trial mean)")
    ax2.set_ylabel("fraction of networks with E < 1 (20-trial mean)")
    ax2.axhline(0.95, color="k", lw=0.5)
    ax1.legend(fontsize=8)
    fig.suptitle("Miconi (2017) DNMS in plasticc: examples/miconi2017_dnms.plast")
    fig.tight_layout()
    fig.savefig(png, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
