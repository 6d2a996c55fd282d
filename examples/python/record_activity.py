"""Compile the reference rule, run one network through a few trials of the
shipped task cue_delay_response with node perturbation (theta[1, 1] = 1)
changing its weights, record its activity, and plot it.

    PYTHONPATH=build/python python3 examples/python/record_activity.py --out /tmp/activity

writes activity.png: the units' x over the last trial (a raster), the
readout z against the target, and the change of W over the trials. 20
trials are far too few to learn the task; the plot shows what happens, not
that it is learned.
"""
import argparse
from pathlib import Path

import numpy as np

import plasticc

HERE = Path(__file__).resolve().parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="activity-out", help="directory for activity.png")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--N", type=int, default=32)
    args = parser.parse_args()

    model = plasticc.compile(HERE.parent / "rnn_poly.plast", defines={"N": args.N})
    theta = np.zeros((4, 4))
    theta[1, 1] = 1.0  # node perturbation: e += r[j] * (x[i] - xbar[i])
    net = model.network(seed=1, meta={"theta": theta})
    task = plasticc.Task("cue_delay_response")
    W0 = np.array(net["W"])
    rewards = []
    for k in range(args.trials):
        inputs = task.trial(seed=0, k=k)
        trial = net.run_trial(inputs, noise=net.draw_noise(inputs.steps, seed=k),
                              record=["x", "z"], tangents=False)
        rewards.append(trial.R)
    print(f"R over {args.trials} trials: first {rewards[0]:.4f}, last {rewards[-1]:.4f}")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.6))
    ax[0].imshow(trial.records["x"].T, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1)
    ax[0].set(title="x, last trial", xlabel="step", ylabel="unit")
    ax[1].plot(trial.records["z"][:, 0], label="z")
    ax[1].plot(inputs.y[:, 0], "--", label="target")
    ax[1].set(title="readout, last trial", xlabel="step")
    ax[1].legend()
    ax[2].hist((np.array(net["W"]) - W0).ravel(), bins=40)
    ax[2].set(title=f"W change over {args.trials} trials", xlabel="dW")
    fig.tight_layout()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    fig.savefig(out / "activity.png", dpi=100)
    print(f"wrote {out / 'activity.png'}")


if __name__ == "__main__":
    main()
