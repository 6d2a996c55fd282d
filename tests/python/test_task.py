"""plasticc.Task: task files from Python, their trials, and trials run on a
network with the inputs laid out as plasticc-meta lays them out."""
import numpy as np
import pytest

import plasticc
from conftest import N


def test_a_shipped_task_by_name_and_its_trials():
    task = plasticc.Task("go_no_go")
    assert (task.name, task.inputs, task.outputs, task.steps) == ("go_no_go", 2, 1, 50)
    trial = task.trial(seed=3, k=0)
    assert (trial.u.shape, trial.y.shape, trial.m.shape) == ((50, 2), (50, 1), (50,))
    assert trial.m.sum() == 10  # the scored decision epoch
    assert set(trial.conditions) == {"go"}
    again = task.trial(seed=3, k=0)
    np.testing.assert_array_equal(trial.u, again.u)
    types = {task.trial(3, k).conditions["go"] for k in range(20)}
    assert types == {0.0, 1.0}


def test_steps_rescale_the_trials_as_minus_minus_steps_does():
    assert plasticc.Task("go_no_go", steps=20).trial(1, 0).u.shape == (20, 2)


def test_a_task_trial_runs_with_the_models_inputs_u_y_m(rnn):
    trial = plasticc.Task("go_no_go").trial(seed=1, k=2)
    flat = trial.inputs_for(rnn)
    np.testing.assert_array_equal(flat, np.column_stack([trial.u, trial.y, trial.m]))
    noise = np.zeros((trial.steps, N))
    a = rnn.network(1).run_trial(trial, noise)
    b = rnn.network(1).run_trial({"u": trial.u, "y": trial.y, "m": trial.m}, noise)
    assert a.R == b.R


def test_an_unknown_task_names_the_shipped_ones():
    with pytest.raises(plasticc.TaskError, match="unknown task 'no_such_task' .*go_no_go"):
        plasticc.Task("no_such_task")


def test_a_bad_task_file_carries_the_located_diagnostics(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\ndt = 1\ninputs = 2\noutputs = 1\nwobble = 3\n')
    with pytest.raises(plasticc.TaskError) as caught:
        plasticc.Task(bad)
    first = caught.value.diagnostics[0]
    assert (first.path, first.line, first.severity) == (str(bad), 5, "error")
    assert "wobble" in first.message


def test_a_task_that_does_not_fit_the_model_is_a_value_error(rnn, tmp_path):
    wide = tmp_path / "wide.toml"
    wide.write_text('name = "wide"\ndt = 1\ninputs = 3\noutputs = 1\n'
                    '[[epoch]]\nname = "a"\nduration = 5\ninput = ["1", "0", "0"]\n'
                    'target = ["1"]\nscored = true\n')
    trial = plasticc.Task(wide).trial(0, 0)
    with pytest.raises(ValueError, match="inputs = 3"):
        rnn.network(1).run_trial(trial, np.zeros((trial.steps, N)))


def test_steps_for_a_task_with_random_durations_is_refused():
    with pytest.raises(ValueError, match="draws its epoch durations per trial"):
        plasticc.Task("neurogym/context_decision_making", steps=20)


def test_a_task_in_a_subdirectory_is_found_by_name_and_a_missing_path_is_an_error(tmp_path):
    assert plasticc.Task("neurogym/go_nogo").name
    with pytest.raises(plasticc.TaskError, match="no_such.toml"):
        plasticc.Task(tmp_path / "no_such.toml")
