"""Networks: zero-copy views, setting quantities, trials with recordings,
gradients, and bad input as exceptions."""
import gc

import numpy as np
import pytest

import plasticc
from conftest import EXAMPLES, N, trial_inputs

T = 30


def run(net, trials=1, record=(), seed=0):
    out = None
    for k in range(trials):
        out = net.run_trial(trial_inputs(T, seed + k), noise=net.draw_noise(T, seed + 100 + k),
                            record=record)
    return out


def test_views_are_the_state_itself_with_the_shape_and_dtype_of_the_quantity(rnn):
    net = rnn.network(1)
    W = net["W"]
    assert (W.shape, W.dtype) == ((N, N), np.float64)
    assert np.shares_memory(W, net["W"])
    W[0, 1] = 7.0
    assert net["W"][0, 1] == 7.0
    assert net.tangent("W").shape == (16, N, N)
    assert net.start("x").shape == (N,)


def test_a_view_keeps_its_network_alive(rnn):
    W = rnn.network(1)["W"]
    gc.collect()
    assert np.isfinite(W).all() and W.std() > 0


def test_views_are_writable_only_where_the_abi_allows_writing_in_place(rnn):
    net = rnn.network(1)
    for name in ("W", "Wout", "eta", "Rbar"):
        assert net[name].flags.writeable, name
    for name in ("x", "xbar", "e", "z", "theta"):
        assert not net[name].flags.writeable, name
        with pytest.raises(ValueError, match="read-only"):
            net[name][...] = 0
    assert not net.tangent("W").flags.writeable
    assert not net.start("x").flags.writeable


def test_run_trial_returns_R_dR_and_the_recorded_trajectories(rnn):
    net = rnn.network(1)
    trial = run(net, record=["x", "z", "e"])
    assert isinstance(trial.R, float) and np.isfinite(trial.R)
    assert trial.dR.shape == (16,)
    assert trial.records["x"].shape == (T, N)
    assert trial.records["z"].shape == (T, 1)
    assert trial.records["e"].shape == (T, N, N)
    np.testing.assert_array_equal(trial.records["x"][-1], net["x"])
    assert not np.array_equal(trial.records["x"][0], trial.records["x"][-1])


def test_the_jit_and_the_interpreter_agree(rnn):
    interpreted = plasticc.compile(EXAMPLES / "rnn_poly.plast", defines={"N": N}, interpret=True)
    assert interpreted.backend == "interpreter"
    a, b = run(rnn.network(3), trials=2), run(interpreted.network(3), trials=2)
    assert a.R == pytest.approx(b.R, rel=1e-12)
    np.testing.assert_allclose(a.dR, b.dR, rtol=1e-9, atol=1e-14)


def test_dR_is_the_derivative_of_R_by_central_differences(rnn):
    k, h = 5, 1e-5  # theta[1, 1]; trial 2 (trial 1's R does not depend on theta)
    base = np.zeros(16)

    def second_R(meta):
        return run(rnn.network(4, meta=meta), trials=2)

    got = second_R(base).dR[k]
    plus, minus = base.copy(), base.copy()
    plus[k] += h
    minus[k] -= h
    want = (second_R(plus).R - second_R(minus).R) / (2 * h)
    assert got != 0
    assert got == pytest.approx(want, rel=1e-5)


def test_meta_by_name_equals_meta_by_position(rnn):
    theta = np.arange(16.0).reshape(4, 4) / 100
    a = run(rnn.network(2, meta={"theta": theta}), trials=2)
    b = run(rnn.network(2, meta=theta.reshape(-1)), trials=2)
    assert a.R == b.R


def test_setting_the_drawn_quantities_of_another_network_makes_that_network(rnn):
    want = run(rnn.network(2), trials=2)
    two, net = rnn.network(2), rnn.network(1)
    for name in ("x", "W", "Win", "Wout"):
        net[name] = np.array(two[name])
    np.testing.assert_array_equal(net.start("xbar"), two["x"])  # derived: xbar = x
    got = run(net, trials=2)
    assert got.R == want.R
    np.testing.assert_array_equal(got.dR, want.dR)


def test_setting_a_state_after_a_trial_keeps_the_others_at_their_trial_start(rnn):
    net = rnn.network(1)
    start_x = np.array(net.start("x"))
    run(net)
    net["xbar"] = 0.5  # a derived state set itself keeps what it was given
    np.testing.assert_array_equal(net.start("x"), start_x)
    np.testing.assert_array_equal(net.start("xbar"), np.full(N, 0.5))
    trial = net.run_trial(trial_inputs(1), noise=np.zeros((1, N)), record=["x", "xbar"])
    np.testing.assert_allclose(trial.records["xbar"][0], 0.8 * 0.5 + 0.2 * trial.records["x"][0],
                               rtol=1e-15)


def test_dict_inputs_are_packed_in_declaration_order(rnn):
    net = rnn.network(1)
    inputs = trial_inputs(T)
    flat = np.column_stack([inputs["u"], inputs["y"], inputs["m"]])
    np.testing.assert_array_equal(net.pack_inputs(inputs, T), flat)
    noise = net.draw_noise(T, 9)
    assert rnn.network(1).run_trial(flat, noise).R == rnn.network(1).run_trial(inputs, noise).R


@pytest.mark.parametrize("inputs, error, message", [
    (np.zeros((T, 3)), ValueError, r"inputs must have shape \[T, 4\], not \[30, 3\]"),
    (np.zeros((T, 4), dtype=np.float32), TypeError, "inputs must be an array of float64, not of float32"),
    (np.zeros((T, 8))[:, ::2], ValueError, "inputs must be C-contiguous"),
    ([[0.0] * 4] * T, TypeError, "inputs must be a numpy array, not list"),
])
def test_bad_inputs_are_exceptions_that_name_the_problem(rnn, inputs, error, message):
    with pytest.raises(error, match=message):
        rnn.network(1).run_trial(inputs, noise=np.zeros((T, N)))


def test_bad_noise_record_names_and_meta_are_exceptions(rnn):
    net = rnn.network(1)
    inputs = np.zeros((T, 4))
    with pytest.raises(ValueError, match=r"pass noise as an array \[T, 8\]"):
        net.run_trial(inputs)
    with pytest.raises(ValueError, match=r"noise must have shape \[30, 8\], not \[29, 8\]"):
        net.run_trial(inputs, noise=np.zeros((T - 1, N)))
    with pytest.raises(KeyError, match="model 'rnn_poly' has no quantity 'q' .*W"):
        net.run_trial(inputs, noise=np.zeros((T, N)), record=["q"])
    with pytest.raises(ValueError, match="'u' is an input"):
        net.run_trial(inputs, noise=np.zeros((T, N)), record=["u"])
    with pytest.raises(ValueError, match=r"meta must have shape \[16\], not \[15\]"):
        rnn.network(1, meta=np.zeros(15))
    with pytest.raises(ValueError, match="only params, weights, baselines and states can be set"):
        net["e"] = 0.0
    with pytest.raises(ValueError, match=r"the value of 'W' must have shape \[8, 8\], not \[8\]"):
        net["W"] = np.zeros(N)
    with pytest.raises(ValueError, match="only states have a trial-start copy"):
        net.start("W")
    with pytest.raises(KeyError, match="no quantity 'nope'"):
        net["nope"]


def test_the_example_script_records_and_plots(tmp_path):
    import subprocess
    import sys
    script = EXAMPLES / "python" / "record_activity.py"
    done = subprocess.run([sys.executable, str(script), "--out", str(tmp_path), "--trials", "3",
                           "--N", "8"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "activity.png").stat().st_size > 1000
