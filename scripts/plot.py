#!/usr/bin/env python3
"""plot.py DIR: draw the plots of a plasticc-meta run from the files in DIR.

Reads what plasticc-meta writes (docs/runtime.md "Outputs"):
  log.csv      one row per meta-iteration (J, gradient norm, meta values)
  curves.csv   held-out learning curves per rule (after the evaluation)
  evaluation.csv  which rules are candidates (drawn bold)
  rule.json    the learned meta parameters with names and shapes
and writes, next to them:
  J.png                 J over meta-iterations
  learning_curves.png   reward (and, for tasks with choices, fraction
                        correct) per trial on held-out networks, candidate
                        rules against the baselines (mean and standard error)
  <meta>.png            a heat map of each meta parameter that is a matrix
                        (theta.png for the reference model)
  activity.png, weight_change.png, rule_surface.png
                        from OUT/activity, what --record saved
                        (plot_activity.py)
Any file that is missing is skipped with a note; the script never draws by
hand, only through matplotlib (Agg backend, no display needed).
"""
import csv
import json
import math
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

from plot_activity import plot_activity  # noqa: E402  (this script's directory)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def number(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return math.nan


def plot_j(out, rows):
    it = [int(r["iteration"]) for r in rows]
    J = [number(r["J"]) for r in rows]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(it, J, label="J (model reward)", color="C0", alpha=0.45, lw=1)
    # J is measured on fresh networks every iteration, so it is noisy: a
    # running mean over the last 10 iterations shows the trend.
    w = 10
    if len(J) >= w:
        mean = [sum(J[i - w + 1:i + 1]) / w for i in range(w - 1, len(J))]
        ax.plot(it[w - 1:], mean, label="running mean (10)", color="C0", lw=2.2)
    if rows and "task_reward" in rows[0]:
        tr = [number(r["task_reward"]) for r in rows]
        if any(abs(a - b) > 1e-12 for a, b in zip(tr, (number(r["J"]) for r in rows))):
            ax.plot(it, tr, label="task reward", color="C1", alpha=0.7)
    ax.set_xlabel("meta-iteration")
    ax.set_ylabel("mean reward during learning")
    ax.set_title("Meta-objective J")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "J.png"), dpi=120)
    plt.close(fig)


def candidates(out):
    """Names of the candidate rules (evaluation.csv's candidate column)."""
    path = os.path.join(out, "evaluation.csv")
    if not os.path.exists(path):
        return {"learned"}
    return {r["rule"] for r in read_csv(path) if r.get("candidate") == "1"}


def plot_curves(out, rows):
    rules = []
    for r in rows:
        if r["rule"] not in rules:
            rules.append(r["rule"])
    bold = candidates(out)
    # Fraction correct too, for tasks with choices (NaN otherwise).
    choices = any(not math.isnan(number(r.get("fraction_correct", "nan"))) for r in rows)
    panels = [("mean_reward", "sem", "reward")]
    if choices:
        panels.append(("fraction_correct", "fraction_correct_sem", "fraction correct"))
    fig, axes = plt.subplots(len(panels), 1, figsize=(6, 3.5 * len(panels)), squeeze=False)
    for ax, (col, sem, label) in zip(axes[:, 0], panels):
        for i, rule in enumerate(rules):
            pts = [r for r in rows if r["rule"] == rule]
            k = [int(r["trial"]) for r in pts]
            m = [number(r[col]) for r in pts]
            s = [0.0 if math.isnan(number(r[sem])) else number(r[sem]) for r in pts]
            # Distinct dashes too: baselines can coincide (a rule at a tiny
            # learning rate is no plasticity).
            style = dict(lw=2.4) if rule in bold else dict(
                lw=1.3, alpha=0.9, ls=["--", ":", "-.", (0, (5, 1, 1, 1))][i % 4])
            if rule == "no plasticity":
                # The reference every rule starts from, and often coincides
                # with: drawn on top, with hollow markers, so it stays visible.
                style.update(zorder=5, marker="o", markersize=5, markerfacecolor="none",
                             markevery=max(1, len(k) // 10))
            ax.plot(k, m, label=rule, color="C%d" % i, **style)
            ax.fill_between(k, [a - b for a, b in zip(m, s)], [a + b for a, b in zip(m, s)],
                            color="C%d" % i, alpha=0.15)
        ax.set_xlabel("trial")
        ax.set_ylabel("%s (held-out networks)" % label)
        ax.grid(alpha=0.3)
    axes[0, 0].set_title("Learning curves on held-out networks (mean +- s.e.)")
    axes[-1, 0].legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "learning_curves.png"), dpi=120)
    plt.close(fig)


def matrix_metas(rule):
    """The matrix meta quantities of a rule.json whose names are plain
    (letters, digits, '_' and '.', not starting with '.'): a name is a file
    name in OUT, and "../x" must not write outside it."""
    return [q for q in rule.get("meta", [])
            if len(q["shape"]) == 2 and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.]*", q["name"])]


def plot_matrices(out, rule):
    for q in matrix_metas(rule):
        values = q["values"]
        fig, ax = plt.subplots(figsize=(4.2, 3.6))
        lim = max((abs(v) for row in values for v in row), default=1.0) or 1.0
        im = ax.imshow(values, cmap="RdBu_r", vmin=-lim, vmax=lim)
        rows, cols = q["shape"]
        for a in range(rows):
            for b in range(cols):
                ax.text(b, a, "%.2g" % values[a][b], ha="center", va="center", fontsize=7)
        ax.set_xticks(range(cols))
        ax.set_yticks(range(rows))
        if q["name"] == "theta":
            ax.set_xlabel("b (power of post)")
            ax.set_ylabel("a (power of pre)")
        ax.set_title("learned %s" % q["name"])
        fig.colorbar(im, ax=ax, shrink=0.85)
        fig.tight_layout()
        fig.savefig(os.path.join(out, "%s.png" % q["name"]), dpi=120)
        plt.close(fig)


def main(argv):
    if len(argv) != 2:
        print("usage: plot.py DIR", file=sys.stderr)
        return 2
    out = argv[1]
    drew = []
    log = os.path.join(out, "log.csv")
    if os.path.exists(log):
        rows = read_csv(log)
        if rows:
            plot_j(out, rows)
            drew.append("J.png")
    curves = os.path.join(out, "curves.csv")
    if os.path.exists(curves):
        plot_curves(out, read_csv(curves))
        drew.append("learning_curves.png")
    rule_path = os.path.join(out, "rule.json")
    if os.path.exists(rule_path):
        with open(rule_path) as f:
            rule = json.load(f)
        plot_matrices(out, rule)
        drew += ["%s.png" % q["name"] for q in matrix_metas(rule)]
    drew += plot_activity(plt, out)
    if not drew:
        print("plot.py: nothing to plot in %s" % out, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
