"""Compile the reference rule, run one network through a few cue-delay
trials with node perturbation (theta[1, 1] = 1) changing its weights,
record its activity, and plot it.

    PYTHONPATH=build/python python3 examples/python/record_activity.py --out /tmp/activity

writes activity.png: the units' x over the last trial (a raster), the
readout z against the target, and the change of W over the trials. The
inputs are made here with numpy (a cue on channel 0 for 20 steps, the
target +-1 after a delay), not read from a task file: tasks from Python
are not there yet (docs/python.md). 20 trials are far too few to learn
the task; the plot shows what happens, not that it is learned.
"""
import argparse
from pathlib import Path

import numpy as np

import plasticc

HERE = Path(__file__).resolve().parent


def cue_delay_trial(rng, steps=100):
    sign = rng.choice([-1.0, 1.0])
    u = np.zeros((steps, 2))
    u[10:30, 0] = sign
    u[:, 1] = 1.0  # a constant bias channel
    y = np.zeros((steps, 1))
    y[60:, 0] = sign
    m = (np.arange(steps) >= 60).astype(float)
    return {"u": u, "y": y, "m": m}


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
    rng = np.random.default_rng(0)
    W0 = np.array(net["W"])
    rewards = []
    for k in range(args.trials):
        inputs = cue_delay_trial(rng)
        trial = net.run_trial(inputs, noise=net.draw_noise(100, seed=k), record=["x", "z"],
                              tangents=False)
        rewards.append(trial.R)
    print(f"R over {args.trials} trials: first {rewards[0]:.4f}, last {rewards[-1]:.4f}")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.6))
    ax[0].imshow(trial.records["x"].T, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1)
    ax[0].set(title="x, last trial", xlabel="step", ylabel="unit")
    ax[1].plot(trial.records["z"][:, 0], label="z")
    ax[1].plot(inputs["y"][:, 0], "--", label="target")
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
