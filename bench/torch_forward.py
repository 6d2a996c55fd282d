#!/usr/bin/env python3
"""bench/torch_forward.py DIR - the reference model with PyTorch forward-mode AD.

Side-by-side timing for BENCHMARKS.md (not part of CI): reads the data set
that `plasticc-bench --dump=DIR` wrote (one network's W, W_in, W_out,
x_init, theta, the task's u, y, m and the noise xi of K trials of T steps,
and meta.json with the compiled and hand-written results and times), runs
MODEL.md's model on it with PyTorch's forward-mode AD, and prints JSON:
time per meta-gradient, J, dJ/dtheta and its largest relative difference
to the compiled model's dJ.

All P tangent directions are propagated at once (vmap over jvp, as plasticc
carries P lanes); without functorch/torch.func it falls back to one
forward_ad pass per lane. One thread (torch.set_num_threads(1)), like the
C++ implementations. Needs Debian's python3-torch; bench/run.sh runs it only
when `import torch` works.
"""

import json
import os
import struct
import sys
import time

import torch


def read_array(directory, name, shape):
    with open(os.path.join(directory, name + ".bin"), "rb") as f:
        raw = f.read()
    count = len(raw) // 8
    values = struct.unpack("<%dd" % count, raw)
    return torch.tensor(values, dtype=torch.float64).reshape(shape)


def load(directory):
    with open(os.path.join(directory, "meta.json")) as f:
        meta = json.load(f)
    n, d, k, t = meta["n"], meta["d"], meta["trials"], meta["steps"]
    D = d + 1
    data = {
        "W": read_array(directory, "W", (n, n)),
        "Win": read_array(directory, "Win", (n, 2)),
        "Wout": read_array(directory, "Wout", (1, n)),
        "x0": read_array(directory, "x0", (n,)),
        "theta": read_array(directory, "theta", (D, D)),
        "u": read_array(directory, "u", (k, t, 2)),
        "y": read_array(directory, "y", (k, t, 1)),
        "m": read_array(directory, "m", (k, t)),
        "xi": read_array(directory, "xi", (k, t, n)),
    }
    return meta, data


def make_objective(meta, data):
    """J(theta): the mean reward over K learning trials (MODEL.md)."""
    n, D = meta["n"], meta["d"] + 1
    K, T = meta["trials"], meta["steps"]
    alpha, sigma, lam = meta["alpha"], meta["sigma"], meta["lambda"]
    beta_x, beta_r, eta = meta["beta_x"], meta["beta_R"], meta["eta"]
    W0, Win, Wout, x0 = data["W"], data["Win"], data["Wout"], data["x0"]
    u, y, m, xi = data["u"], data["y"], data["m"], data["xi"]
    scored = [max(1.0, float(m[k].sum())) for k in range(K)]

    def powers(v):
        # v^0 .. v^(D-1) by multiplication (no pow: its derivative at 0^0).
        out = [torch.ones_like(v)]
        for _ in range(1, D):
            out.append(out[-1] * v)
        return torch.stack(out)  # [D, n]

    def objective(theta):
        W = W0
        rbar = torch.zeros((), dtype=torch.float64)
        J = torch.zeros((), dtype=torch.float64)
        for k in range(K):
            x, xbar = x0, x0
            e = torch.zeros((n, n), dtype=torch.float64)
            err = torch.zeros((), dtype=torch.float64)
            for t in range(T):
                r = torch.tanh(x)
                post = x - xbar
                # H[i, j] = sum_ab theta[a, b] r_j^a post_i^b
                H = powers(post).T @ theta.T @ powers(r)
                e = lam * e + H
                z = Wout @ r
                err = err + m[k, t] * ((z - y[k, t]) ** 2).sum()
                x_new = x + alpha * (-x + W @ r + Win @ u[k, t]) + sigma * xi[k, t]
                xbar = beta_x * xbar + (1 - beta_x) * x_new
                x = x_new
            R = -err / scored[k]
            W = W + eta * (R - rbar) * e
            rbar = beta_r * rbar + (1 - beta_r) * R
            J = J + R / K
        return J

    return objective


def gradient(objective, theta):
    """J and dJ/dtheta by forward mode, all lanes at once if possible."""
    P = theta.numel()
    basis = torch.eye(P, dtype=torch.float64).reshape((P,) + tuple(theta.shape))
    for module, method in (("torch.func", "torch.func.vmap(jvp)"), ("functorch", "functorch.vmap(jvp)")):
        try:
            mod = __import__(module, fromlist=["jvp", "vmap"])
        except ImportError:
            continue
        jvp_lane = lambda v: mod.jvp(objective, (theta,), (v,))
        J, dJ = mod.vmap(jvp_lane)(basis)
        return float(J[0]), dJ.reshape(P), method
    import torch.autograd.forward_ad as fwAD
    dJ = torch.zeros(P, dtype=torch.float64)
    J = 0.0
    for p in range(P):
        with fwAD.dual_level():
            out = objective(fwAD.make_dual(theta, basis[p]))
            primal, tangent = fwAD.unpack_dual(out)
            J, dJ[p] = float(primal), float(tangent)
    return J, dJ, "forward_ad, one lane per pass"


def main():
    if len(sys.argv) != 2:
        print("usage: torch_forward.py DIR (written by plasticc-bench --dump=DIR)", file=sys.stderr)
        return 2
    torch.set_num_threads(1)
    meta, data = load(sys.argv[1])
    objective = make_objective(meta, data)
    theta = data["theta"]
    start, cpu = time.perf_counter(), time.thread_time()
    J, dJ, method = gradient(objective, theta)
    wall, cpu = time.perf_counter() - start, time.thread_time() - cpu
    ref = meta["dJ_compiled"]
    scale = max(abs(v) for v in ref) or 1.0
    diff_torch = max(abs(float(dJ[p]) - ref[p]) for p in range(len(ref))) / scale
    diff_hand = max(abs(meta["dJ_hand"][p] - ref[p]) for p in range(len(ref))) / scale
    print(json.dumps({
        "n": meta["n"], "d": meta["d"], "trials": meta["trials"], "steps": meta["steps"],
        "torch_version": torch.__version__, "method": method, "threads": torch.get_num_threads(),
        "seconds_torch": cpu, "seconds_torch_wall": wall,
        "seconds_compiled": meta["seconds_compiled"], "seconds_hand": meta["seconds_hand"],
        "J_torch": J, "J_compiled": meta["J_compiled"],
        "dJ_torch": [float(v) for v in dJ], "dJ_compiled": ref,
        "dJ_rel_diff_torch": diff_torch, "dJ_rel_diff_hand": diff_hand,
    }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
