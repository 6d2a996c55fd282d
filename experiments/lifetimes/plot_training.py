#!/usr/bin/env python3
"""plot_training.py OUT PNG: meta-training of experiments/lifetimes, per task.

Reads OUT/train/TASK/log.csv (plasticc-meta's log: J and the networks that
diverged in each meta-iteration) and draws J, and the fraction of networks
that diverged, against the meta-iteration, one line per task.
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    root = os.path.join(argv[1], "train")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    for task in sorted(os.listdir(root)):
        rows = list(csv.DictReader(open(os.path.join(root, task, "log.csv"))))
        it = [int(r["iteration"]) for r in rows]
        top.plot(it, [float(r["J"]) for r in rows], label=task)
        bottom.plot(it, [int(r["diverged"]) / int(r["networks"]) for r in rows], label=task)
    top.set_ylabel("J (mean reward over the\n200-trial lifetimes)")
    bottom.set_ylabel("fraction of networks\nthat diverged")
    bottom.set_xlabel("meta-iteration")
    top.legend(fontsize=7)
    top.set_title("Meta-training by evolution strategies from tuned node perturbation")
    fig.tight_layout()
    fig.savefig(argv[2], dpi=100)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
