"""Shared fixtures of the Python package's tests (ctest runs them with
PYTHONPATH=build/python and PLASTICC_SOURCE_DIR set; docs/python.md)."""
import os
from pathlib import Path

import numpy as np
import pytest

import plasticc

SOURCE = Path(os.environ.get("PLASTICC_SOURCE_DIR", Path(__file__).resolve().parents[2]))
EXAMPLES = SOURCE / "examples"
N = 8


@pytest.fixture(scope="session")
def rnn():
    """The reference model with N = 8 (P = 16, inputs u[2], y[1], m; noise xi[8])."""
    return plasticc.compile(EXAMPLES / "rnn_poly.plast", defines={"N": N})


def trial_inputs(steps, seed=0):
    rng = np.random.default_rng(seed)
    return {"u": rng.uniform(-1, 1, (steps, 2)), "y": rng.uniform(-1, 1, (steps, 1)),
            "m": (np.arange(steps) >= steps // 2).astype(float)}
