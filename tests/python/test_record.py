"""plasticc-meta --record (docs/runtime.md "Recording activity"): the .npy
files it writes are checked against the same held-out networks run again
from Python (Network.meta_trial/meta_noise, run_trial with record=), an
independent path through the package's own bindings."""
import numpy as np
import pytest

import plasticc
from conftest import EXAMPLES

MODEL = EXAMPLES / "rnn_poly.plast"
TASK = "cue_delay_response"
K = 5
EVAL = dict(networks=3, trials=K, sweep_seeds=2, sweep=[1], sweep_refine=0, seed=11,
            no_plots=True, quiet=True, no_retune=True)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    out = tmp_path_factory.mktemp("record") / "eval"
    return plasticc.evaluate(MODEL, TASK, ["np:theta[1,1]=1,theta[2,1]=0.2"], out,
                             defines={"N": 8}, record=["x", "W", "z"], record_networks=[0, 2],
                             record_trials=[1, 3, K], **EVAL)


def replay(model, task, seed, theta, trials):
    """Held-out network `seed` learning for `trials` trials under theta, from
    Python; its records and weights around each trial."""
    net = model.network(seed, meta={"theta": theta})
    out = []
    for k in range(trials):
        start = net["W"].copy()
        trial = net.meta_trial(task, k)
        t = net.run_trial(trial, noise=net.meta_noise(k, trial.steps), record=["x", "W", "z"],
                          tangents=False)
        out.append(dict(t.records, **{"W.start": start, "W.end": net["W"].copy()}, R=t.R))
    return out


def test_recordings_are_the_held_out_networks_run_again_from_python(recorded):
    model = plasticc.compile(MODEL, defines={"N": 8})
    task = plasticc.Task(TASK)
    theta = np.zeros((4, 4))
    theta[1, 1], theta[2, 1] = 1, 0.2
    seeds = recorded.networks
    for network in (0, 2):
        row = [i for i in range(len(seeds["rule"]))
               if seeds["rule"][i] == "np" and seeds["network"][i] == network][0]
        mine = replay(model, task, int(seeds["seed"][row], 16), theta, K)
        for trial in (1, 3, K):
            saved = recorded.recorded("np", network, trial)
            assert set(saved) == {"x", "W", "z", "W.start", "W.end"}
            expect = mine[trial - 1]
            assert saved["x"].shape == (expect["x"].shape[0], 8) and saved["W"].shape[1:] == (8, 8)
            for name in saved:
                np.testing.assert_allclose(saved[name], expect[name], rtol=1e-12, atol=1e-14,
                                           err_msg=f"{name}, network {network}, trial {trial}")
            # The rule moves W in the reward event only: constant over the steps.
            assert np.array_equal(saved["W"][0], saved["W"][-1])
            assert not np.array_equal(saved["W.start"], saved["W.end"])


def test_no_plasticity_keeps_its_weights_and_unrecorded_trials_are_absent(recorded):
    fixed = recorded.recorded("no plasticity", 0, 1)
    assert np.array_equal(fixed["W.start"], fixed["W.end"])
    with pytest.raises(KeyError):
        recorded.recorded("np", 1, 1)  # network 1 was not asked for
    with pytest.raises(KeyError):
        recorded.recorded("np", 0, 2)  # nor trial 2


def test_index_lists_every_file_with_the_trials_reward(recorded):
    index = recorded._file("activity/index.csv").read_text().splitlines()
    assert index[0].startswith("rule,directory,network,seed,trial,task_reward")
    rows = [line for line in index[1:] if line.startswith('"np",np,0,')]
    assert len(rows) == 3 * 3  # x, W, z for trials 1, 3, K
    trials = recorded.trials
    for line in rows:
        trial, reward = int(line.split(",")[4]), float(line.split(",")[5])
        match = [trials["reward"][i] for i in range(len(trials["rule"]))
                 if trials["rule"][i] == "np" and trials["network"][i] == 0
                 and trials["trial"][i] == trial]
        assert match == [pytest.approx(reward, rel=1e-9)]
