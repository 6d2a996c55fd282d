"""plasticc.meta_learn and plasticc.evaluate: plasticc-meta's job from
Python (docs/python.md "Meta-learning"). The same settings must write the
same files as the command-line tool, which these tests run beside them."""
import _thread
import json
import os
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest

import plasticc
from conftest import EXAMPLES

META_BIN = os.environ.get("PLASTICC_META_BIN")
MODEL = EXAMPLES / "rnn_poly.plast"
TASK = EXAMPLES / "tasks" / "cue_delay_response.toml"
# Small and quick: 4 meta-iterations of 2 networks x 4 trials, a 2-point tuning.
SMALL = dict(iters=4, batch=2, trials=4, eval_seeds=3, sweep_seeds=2, sweep=[0.3, 1],
             sweep_refine=1, seed=7, no_plots=True, quiet=True)

needs_cli = pytest.mark.skipif(not META_BIN, reason="PLASTICC_META_BIN not set (ctest sets it)")


def cli(*args):
    """Runs the plasticc-meta binary; returns its completed process."""
    return subprocess.run([META_BIN, *map(str, args)], capture_output=True, text=True)


def cli_args(options):
    """The keyword options as command-line arguments (what meta.py does,
    written out again here so that a mistake there shows)."""
    args = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is True:
            args.append(flag)
        elif isinstance(value, list):
            args += [flag, ",".join(map(str, value))]
        else:
            args += [flag, str(value)]
    return args


def log_without_wall_time(path):
    """log.csv without its 'seconds' column (wall time differs run to run)."""
    lines = Path(path).read_text().splitlines()
    col = lines[0].split(",").index("seconds")
    return [",".join(c for i, c in enumerate(line.split(",")) if i != col) for line in lines]


def rule_without_provenance(path):
    data = json.loads(Path(path).read_text())
    data.pop("provenance", None)
    return data


def assert_same_files(a, b, names):
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), f"{name} differs"


@needs_cli
@pytest.mark.parametrize("estimator", ["pathwise", "score"])
def test_meta_learn_writes_what_the_cli_writes(tmp_path, estimator):
    options = dict(SMALL, estimator=estimator)
    done = cli(MODEL, "--task", TASK, "--out", tmp_path / "cli", "-D", "N=8", *cli_args(options))
    assert done.returncode == 0, done.stderr
    run = plasticc.meta_learn(MODEL, TASK, tmp_path / "py", defines={"N": 8}, **options)
    assert log_without_wall_time(tmp_path / "cli/log.csv") == log_without_wall_time(run.out / "log.csv")
    assert rule_without_provenance(tmp_path / "cli/rule.json") == \
        rule_without_provenance(run.out / "rule.json")
    assert_same_files(tmp_path / "cli", run.out, ["evaluation.txt", "evaluation.csv", "curves.csv",
                                                   "networks.csv", "trials.csv"])


@needs_cli
def test_evaluate_writes_what_the_cli_writes(tmp_path):
    options = dict(networks=3, trials=5, sweep_seeds=2, sweep=[1, 3], sweep_refine=0, seed=3,
                   no_plots=True, quiet=True, ablate=True)
    rule = "np:theta[1,1]=1,theta[2,2]=0.1"
    done = cli("evaluate", MODEL, "--task", TASK, "--out", tmp_path / "cli", "-D", "N=8",
               "--rule", rule, *cli_args(options))
    assert done.returncode == 0, done.stderr
    run = plasticc.evaluate(MODEL, TASK, [rule], tmp_path / "py", defines={"N": 8}, **options)
    assert_same_files(tmp_path / "cli", run.out, ["evaluation.txt", "evaluation.csv", "curves.csv",
                                                   "networks.csv", "trials.csv", "ablation.csv"])


def test_a_run_reads_back_as_arrays(tmp_path):
    run = plasticc.meta_learn(MODEL, "cue_delay_response", tmp_path / "run", defines={"N": 8}, **SMALL)
    theta = run.rule["theta"]
    assert theta.shape == (4, 4)
    log = run.log
    assert list(log["iteration"]) == [1, 2, 3, 4]
    assert np.all(np.isfinite(log["J"]))
    assert run.meta.shape == (16,) and np.array_equal(run.meta, theta.ravel())
    ev = run.evaluation
    assert ev["rule"][0] == "learned" and "node perturbation" in list(ev["rule"])
    assert np.all(ev["networks"] == 3)
    assert "verdict" in run.table
    # A learned rule is evaluated again from Python by its run.
    again = plasticc.evaluate(MODEL, "cue_delay_response", [run], tmp_path / "again",
                              defines={"N": 8}, networks=3, trials=4, sweep_seeds=2, sweep=[1],
                              sweep_refine=0, seed=7, no_plots=True, quiet=True, no_retune=True)
    assert again.evaluation["rule"][0] == "run"  # a rule.json is named after its directory
    # The same held-out networks and rule: the same rewards as the run's own evaluation.
    assert again.evaluation["mean_reward"][0] == ev["mean_reward"][0]


def test_progress_bar_goes_to_python_stderr(tmp_path, capsys):
    # capsys replaces sys.stderr only: what the C++ code printed reaches it
    # only through Python, as in a notebook.
    plasticc.meta_learn(MODEL, TASK, tmp_path / "a", defines={"N": 8}, progress=True,
                        **dict(SMALL, quiet=False, no_eval=True))
    err = capsys.readouterr().err
    assert "\r[" in err and "4/4" in err
    assert "\x1b" not in err  # no terminal control codes: a notebook shows them as text
    plasticc.meta_learn(MODEL, TASK, tmp_path / "b", defines={"N": 8}, progress=False,
                        **dict(SMALL, quiet=False, no_eval=True))
    err = capsys.readouterr().err
    assert "\r" not in err and "meta-iterations of B = 2" in err


def test_the_table_goes_to_python_stdout(tmp_path, capsys):
    plasticc.meta_learn(MODEL, TASK, tmp_path / "a", defines={"N": 8}, **dict(SMALL, quiet=False))
    assert "verdict:" in capsys.readouterr().out


@pytest.mark.parametrize("options, code, says", [
    (dict(iters=-1), 2, "--iters"),
    (dict(estimtor="score"), 2, "--estimtor"),
    (dict(estimator="magic"), 2, "magic"),
    (dict(reward="task"), 2, "--reward task needs --estimator score or es"),
])
def test_refused_options_raise_meta_error(tmp_path, options, code, says):
    with pytest.raises(plasticc.MetaError) as e:
        plasticc.meta_learn(MODEL, TASK, tmp_path / "x", defines={"N": 8}, quiet=True, **options)
    assert e.value.code == code and says in str(e.value)
    assert not (tmp_path / "x").exists()


def test_model_errors_are_located(tmp_path):
    bad = tmp_path / "bad.plast"
    bad.write_text("model m {\n  state x[4] = oops;\n}\n")
    with pytest.raises(plasticc.MetaError) as e:
        plasticc.meta_learn(bad, TASK, tmp_path / "x", quiet=True)
    assert f"{bad}:2:" in str(e.value)


def test_outputs_of_an_earlier_run_are_not_replaced(tmp_path):
    run = plasticc.meta_learn(MODEL, TASK, tmp_path / "a", defines={"N": 8}, **SMALL)
    before = (run.out / "rule.json").read_bytes()
    with pytest.raises(plasticc.MetaError) as e:
        plasticc.meta_learn(MODEL, TASK, tmp_path / "a", defines={"N": 8}, **SMALL)
    assert "force" in str(e.value)
    assert (run.out / "rule.json").read_bytes() == before


def test_unknown_task_and_model_argument():
    with pytest.raises(plasticc.TaskError):
        plasticc.meta_learn(MODEL, "no_such_task", quiet=True)
    with pytest.raises(TypeError):
        plasticc.meta_learn(plasticc.compile(MODEL, defines={"N": 8}), TASK)


def test_divergence_stop_raises_with_the_run(tmp_path):
    with pytest.raises(plasticc.DivergedError) as e:
        plasticc.meta_learn(MODEL, TASK, tmp_path / "d", defines={"N": 8}, on_divergence="stop",
                            init="theta[1,1]=1e6", weight_bound=1, **SMALL)
    assert e.value.code == 3 and "stopped at meta-iteration 1" in str(e.value)
    assert e.value.run.rule["theta"][1, 1] == 1e6


def test_ctrl_c_stops_between_meta_iterations_and_resume_continues(tmp_path):
    options = dict(SMALL, iters=10**6, no_eval=True, checkpoint_every=10**6)
    timer = threading.Timer(0.5, _thread.interrupt_main)  # what Ctrl-C does
    timer.start()
    with pytest.raises(KeyboardInterrupt) as e:
        plasticc.meta_learn(MODEL, TASK, tmp_path / "run", defines={"N": 8}, **options)
    timer.join()
    assert "--resume" in str(e.value)
    stopped = json.loads((tmp_path / "run/checkpoint.json").read_text())["iteration"]
    assert 0 < stopped < 10**6
    # Resumed to a few more iterations, it reaches what an uninterrupted run of
    # as many reaches, exactly.
    total = stopped + 3
    resumed = plasticc.meta_learn(MODEL, TASK, tmp_path / "run", defines={"N": 8}, resume=True,
                                  **dict(options, iters=total))
    straight = plasticc.meta_learn(MODEL, TASK, tmp_path / "straight", defines={"N": 8},
                                   **dict(options, iters=total))
    assert np.array_equal(resumed.meta, straight.meta)
    assert log_without_wall_time(resumed.out / "log.csv") == log_without_wall_time(straight.out / "log.csv")


def test_the_example_runs(tmp_path):
    import subprocess
    import sys
    script = EXAMPLES / "python" / "meta_learn.py"
    done = subprocess.run([sys.executable, str(script), "--out", str(tmp_path), "--iters", "2",
                           "--trials", "2", "--eval-trials", "3", "--N", "8"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "mean reward" in done.stdout
    assert (tmp_path / "eval" / "activity" / "index.csv").is_file()
    assert (tmp_path / "eval" / "activity.png").stat().st_size > 1000


def test_runs_from_two_threads_take_turns_and_match_one_run(tmp_path):
    results = {}

    def learn(name):
        results[name] = plasticc.meta_learn(MODEL, TASK, tmp_path / name, defines={"N": 8},
                                            **dict(SMALL, no_eval=True))

    threads = [threading.Thread(target=learn, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    alone = plasticc.meta_learn(MODEL, TASK, tmp_path / "alone", defines={"N": 8},
                                **dict(SMALL, no_eval=True))
    for name in ("a", "b"):
        assert np.array_equal(results[name].meta, alone.meta)


@pytest.mark.parametrize("seconds", [0.0, 0.05, 0.2, 1.0])
def test_a_run_in_a_daemon_thread_does_not_crash_python_at_exit(tmp_path, seconds):
    # The program ends while the run compiles its model (0, 0.05 s) or trains.
    import subprocess
    import sys
    script = f"""
import threading, time, plasticc
threading.Thread(target=lambda: plasticc.meta_learn({str(MODEL)!r}, {str(TASK)!r}, {str(tmp_path / 'o')!r},
                 defines={{"N": 8}}, iters=10**6, quiet=False, no_eval=True, progress=True),
                 daemon=True).start()
time.sleep({seconds})
"""
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              env=dict(os.environ))
        assert done.returncode == 0, done.stderr[-2000:]


def test_evaluate_takes_rules_as_a_list_a_string_or_rule_and_a_task_object(tmp_path):
    options = dict(networks=2, trials=2, sweep_seeds=1, sweep=[1], sweep_refine=0, no_retune=True,
                   no_plots=True, quiet=True)
    task = plasticc.Task("cue_delay_response")
    one = plasticc.evaluate(MODEL, task, "a:theta[1,1]=1", tmp_path / "one", defines={"N": 8},
                            **options)
    two = plasticc.evaluate(MODEL, task, ["a:theta[1,1]=1"], tmp_path / "two", defines={"N": 8},
                            rule=["b:theta[2,2]=1"], **options)
    assert list(one.evaluation["rule"][:1]) == ["a"]
    assert list(two.evaluation["rule"][:2]) == ["a", "b"]
    with pytest.raises(KeyError, match="recorded: "):
        plasticc.evaluate(MODEL, task, ["a:theta[1,1]=1"], tmp_path / "rec", defines={"N": 8},
                          record=["x"], **options).recorded("a", network=1)
    with pytest.raises(TypeError, match="give a list"):
        plasticc.evaluate(MODEL, task, [], tmp_path / "set", record={"x"}, **options)
