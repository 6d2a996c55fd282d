"""The plots of plasticc-meta --record (docs/runtime.md "Recording activity"),
drawn by plot.py from OUT/activity (index.csv, rules.json, the .npy files):

  activity.png       a raster per rule (rows) and recorded trial (columns) of
                     the first recorded network: the first recorded vector
                     quantity (a state such as x if there is one) over time
                     and units
  weight_change.png  per rule, the histogram of each recorded trial's change
                     of the first recorded weight (after its reward event
                     minus at its start), over the recorded networks
  rule_surface.png   for a model whose meta quantity theta is a matrix, read
                     as the polynomial rule of docs/model.md, each plastic
                     rule's sum_ab theta[a,b] pre^a post^b over pre and post
                     in [-1, 1] (the update before eta and the reward)
"""
import csv
import json
import os

import numpy as np


def _rows(root):
    with open(os.path.join(root, "index.csv"), newline="") as f:
        return list(csv.DictReader(f))


def _rules(root):
    with open(os.path.join(root, "rules.json")) as f:
        return json.load(f)


def _in(root, rel):
    """A file named in index.csv, refused if it would leave OUT/activity."""
    path = os.path.normpath(os.path.join(root, rel))
    if not path.startswith(os.path.normpath(root) + os.sep):
        raise ValueError("index.csv names a file outside %s: %s" % (root, rel))
    return path


def plot_rasters(plt, out, root, rows, rules):
    vectors = [r for r in rows if r["shape"].count("x") == 1 and r["kind"] != "weight"]
    if not vectors:
        return None
    states = [r for r in vectors if r["kind"] == "state"]
    quantity = (states or vectors)[0]["quantity"]
    network = vectors[0]["network"]
    chosen = [r for r in vectors if r["quantity"] == quantity and r["network"] == network]
    names = [q["name"] for q in rules["rules"] if any(r["rule"] == q["name"] for r in chosen)]
    trials = sorted({int(r["trial"]) for r in chosen})
    fig, axes = plt.subplots(len(names), len(trials), squeeze=False, constrained_layout=True,
                             figsize=(3.0 * len(trials) + 1.2, 1.7 * len(names) + 0.8))
    # The colour scale of the trials that completed: a diverging one would blank the others.
    scaled = [r for r in chosen if r.get("diverged") != "1"] or chosen
    lim = max(float(np.nanmax(np.abs(np.load(_in(root, r["file"]))))) for r in scaled) or 1.0
    image = None
    for i, name in enumerate(names):
        for j, k in enumerate(trials):
            ax = axes[i][j]
            match = [r for r in chosen if r["rule"] == name and int(r["trial"]) == k]
            if not match:  # the network diverged before this trial
                ax.set_axis_off()
                continue
            values = np.load(_in(root, match[0]["file"]))
            image = ax.imshow(values.T, aspect="auto", cmap="RdBu_r", vmin=-lim, vmax=lim,
                              interpolation="nearest")
            if i == 0:
                ax.set_title("trial %d" % k, fontsize=8)
            if i == len(names) - 1:
                ax.set_xlabel("step", fontsize=7)
            if j == 0:
                ax.set_ylabel("%s\n%s unit" % (name, quantity), fontsize=7)
            diverged = match[0].get("diverged") == "1"
            ax.text(0.99, 0.02, ("diverged, " if diverged else "") + "reward %.3g" %
                    float(match[0]["task_reward"]), fontsize=6, color="red" if diverged else "black",
                    ha="right", va="bottom", transform=ax.transAxes,
                    bbox=dict(facecolor="white", alpha=0.7, linewidth=0))
            ax.tick_params(labelsize=6)
    if image is not None:
        fig.colorbar(image, ax=axes, shrink=0.8, label=quantity)
    fig.suptitle("held-out network %s" % network, fontsize=9)
    fig.savefig(os.path.join(out, "activity.png"), dpi=110)
    plt.close(fig)
    return "activity.png"


def plot_weight_change(plt, out, root, rows, rules):
    weights = [r for r in rows if r["kind"] == "weight" and r["start_file"] and r["end_file"]]
    if not weights:
        return None
    quantity = weights[0]["quantity"]
    fig, ax = plt.subplots(figsize=(5.2, 3.6))
    for q in rules["rules"]:
        mine = [r for r in weights if r["quantity"] == quantity and r["rule"] == q["name"]]
        if not mine:
            continue
        change = np.concatenate([(np.load(_in(root, r["end_file"])) -
                                  np.load(_in(root, r["start_file"]))).ravel() for r in mine])
        ax.hist(change, bins=60, histtype="step", label=q["name"], log=True)
    ax.set_xlabel("change of %s over one recorded trial" % quantity)
    ax.set_ylabel("synapses x trials")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "weight_change.png"), dpi=120)
    plt.close(fig)
    return "weight_change.png"


def plot_rule_surface(plt, out, rules):
    offset, theta = 0, None
    for q in rules.get("meta_quantities", []):
        size = int(np.prod(q["shape"])) if q["shape"] else 1
        if q["name"] == "theta" and len(q["shape"]) == 2:
            theta = (offset, q["shape"])
        offset += size
    plastic = [q for q in rules["rules"] if q["plastic"]]
    if theta is None or not plastic:
        return None
    (start, (A, B)) = theta
    pre, post = np.meshgrid(np.linspace(-1, 1, 81), np.linspace(-1, 1, 81), indexing="ij")
    fig, axes = plt.subplots(1, len(plastic), squeeze=False, figsize=(3.3 * len(plastic), 3.2))
    for ax, q in zip(axes[0], plastic):
        t = np.asarray(q["meta"][start:start + A * B]).reshape(A, B)
        surface = sum(t[a, b] * pre ** a * post ** b for a in range(A) for b in range(B))
        lim = float(np.abs(surface).max()) or 1.0
        im = ax.imshow(surface.T, origin="lower", extent=(-1, 1, -1, 1), cmap="RdBu_r",
                       vmin=-lim, vmax=lim)
        ax.set_title(q["name"], fontsize=8)
        ax.set_xlabel("pre", fontsize=7)
        ax.set_ylabel("post", fontsize=7)
        ax.tick_params(labelsize=6)
        fig.colorbar(im, ax=ax, shrink=0.8)
    fig.suptitle("sum_ab theta[a,b] pre^a post^b", fontsize=9)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "rule_surface.png"), dpi=120)
    plt.close(fig)
    return "rule_surface.png"


def plot_activity(plt, out):
    """Draws what OUT/activity holds; returns the names of the PNGs drawn."""
    root = os.path.join(out, "activity")
    if not os.path.exists(os.path.join(root, "index.csv")):
        return []
    rows, rules = _rows(root), _rules(root)
    drawn = [plot_rasters(plt, out, root, rows, rules), plot_weight_change(plt, out, root, rows, rules),
             plot_rule_surface(plt, out, rules)]
    return [d for d in drawn if d]
