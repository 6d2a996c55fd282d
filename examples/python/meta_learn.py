"""Meta-learn the reference rule on cue_delay_response from Python, evaluate
it against the baselines while recording the held-out networks' activity,
and print what was learned.

    PYTHONPATH=build/python python3 examples/python/meta_learn.py --out /tmp/meta

runs plasticc-meta's own job (docs/python.md "Meta-learning"): OUT/run holds
the training run (log.csv, rule.json, the evaluation, J.png, ...), OUT/eval
the evaluation of the learned rule over longer lifetimes with x and W
recorded for held-out network 0 (activity.png, weight_change.png,
rule_surface.png). The defaults take about 15 s on two cores; the result
of so short a run is not a claim (the README's demo and experiments/ are).
"""
import argparse
from pathlib import Path

import numpy as np

import plasticc

MODEL = Path(__file__).resolve().parent.parent / "rnn_poly.plast"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="meta-example", help="directory for the two runs")
    parser.add_argument("--iters", type=int, default=40, help="meta-iterations")
    parser.add_argument("--trials", type=int, default=20, help="trials per lifetime in training")
    parser.add_argument("--eval-trials", type=int, default=100, help="trials per held-out network")
    parser.add_argument("--N", type=int, default=32, help="network size")
    args = parser.parse_args()
    out = Path(args.out)

    run = plasticc.meta_learn(MODEL, "cue_delay_response", out / "run", defines={"N": args.N},
                              iters=args.iters, batch=4, trials=args.trials, eval_seeds=8,
                              force=True, quiet=True)
    J = run.log["J"]
    print(f"J: {J[0]:.4f} at the first meta-iteration, {J[-1]:.4f} at the last")
    theta = run.rule["theta"]
    big = np.argsort(-np.abs(theta).ravel())[:3]
    print("largest learned coefficients:",
          ", ".join(f"theta[{i // 4},{i % 4}] = {theta.ravel()[i]:+.3f}" for i in big))

    ev = plasticc.evaluate(MODEL, "cue_delay_response", [run], out / "eval",
                           defines={"N": args.N}, networks=8, trials=args.eval_trials,
                           record=["x", "W"], record_networks=[0], force=True, quiet=True)
    table = ev.evaluation
    for rule, mean, sem in zip(table["rule"], table["mean_reward"], table["mean_reward_sem"]):
        print(f"{rule:>22}: mean reward {mean:+.4f} +- {sem:.4f}")
    first = ev.recorded("run", network=0, trial=1)
    print(f"recorded x {first['x'].shape} and W {first['W'].shape} per trial in {ev.out / 'activity'}")


if __name__ == "__main__":
    main()
