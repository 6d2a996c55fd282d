"""Replaying plasticc-meta's held-out networks from Python: the network of a
seed in networks.csv, with its task trials (meta_trial) and its noise
(meta_noise), gets the rewards trials.csv has for it."""
import csv
import json
import os
import subprocess

import numpy as np
import pytest

import plasticc
from conftest import EXAMPLES, N


def test_the_held_out_networks_of_a_run_replay_to_the_rewards_it_wrote(rnn, tmp_path):
    meta_bin = os.environ.get("PLASTICC_META_BIN", str(EXAMPLES.parent / "build" / "bin" / "plasticc-meta"))
    subprocess.run([meta_bin, str(EXAMPLES / "rnn_poly.plast"), "-D", f"N={N}", "--task",
                    "cue_delay_response", "--iters", "1", "--batch", "1", "--trials", "2", "--steps", "20",
                    "--eval-seeds", "2", "--threads", "1", "--no-plots", "-q", "--out", str(tmp_path)],
                   check=True)
    rule = json.loads((tmp_path / "rule.json").read_text())
    theta = np.array(rule["meta"][0]["values"])
    assert theta.any()  # one meta-iteration moved it from the default 0
    with open(tmp_path / "networks.csv") as f:
        seeds = {int(r["network"]): int(r["seed"], 16) for r in csv.DictReader(f) if r["rule"] == "learned"}
    with open(tmp_path / "trials.csv") as f:
        want = [(int(r["network"]), int(r["trial"]), float(r["reward"]))
                for r in csv.DictReader(f) if r["rule"] == "learned"]
    assert len(seeds) == 2 and len(want) == 4
    task = plasticc.Task("cue_delay_response", steps=20)
    nets = {n: rnn.network(s, meta={"theta": theta}) for n, s in seeds.items()}
    for n, k, R in want:  # trials in order, so each network learns as it did
        net = nets[n]
        trial = net.meta_trial(task, k - 1)
        got = net.run_trial(trial, noise=net.meta_noise(k - 1, trial.steps), tangents=False).R
        assert got == pytest.approx(R, rel=1e-9), (n, k)  # trials.csv has 10 digits
