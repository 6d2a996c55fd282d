"""Meta-learning and evaluation from Python: plasticc-meta's own job.

    run = plasticc.meta_learn("examples/rnn_poly.plast", "cue_delay_response",
                              out="run", defines={"N": 32}, iters=30, batch=4, trials=20)
    run.rule["theta"], run.log["J"], run.evaluation["mean_reward"]

meta_learn and evaluate pass their keyword arguments to the parser of the
plasticc-meta command line (runtime/tool/Options.h) and run its job in this
process (python/src/MetaRun.h), so the same settings write the same files
as the tool; docs/python.md "Meta-learning" says how arguments map to
options. The files are read back into a MetaRun.
"""
from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Union

import numpy as np

from . import _plasticc

PathLike = Union[str, os.PathLike]

#: The exit codes of plasticc-meta (runtime/tool/Options.h).
EXIT_USAGE, EXIT_DIVERGED, EXIT_INTERRUPTED = 2, 3, 130


class MetaError(Exception):
    """A run that plasticc-meta would end with a non-zero exit code: bad
    options, a model or task that does not load or fit, an output that cannot
    be written (.code 1 or 2). str() is what the tool printed as its error;
    .out the output directory."""

    def __init__(self, code: int, message: str, out: Path):
        super().__init__(message)
        self.code, self.out = code, out


class DivergedError(MetaError):
    """Training stopped because a network diverged (--on-divergence stop,
    exit code 3). .run holds the log, checkpoint and rule written up to the
    stop."""

    def __init__(self, code: int, message: str, out: Path):
        super().__init__(code, message, out)
        self.run = MetaRun(out)


def _read_csv(path: Path) -> Dict[str, np.ndarray]:
    """A CSV file of plasticc-meta as columns: float64 arrays where every
    entry is a number ('nan' and '' read as NaN), else arrays of str."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        return {}
    header, body = rows[0], rows[1:]
    columns: Dict[str, np.ndarray] = {}
    for i, name in enumerate(header):
        cells = [r[i] if i < len(r) else "" for r in body]
        try:
            columns[name] = np.array([float(c) if c != "" else np.nan for c in cells])
        except ValueError:
            columns[name] = np.array(cells, dtype=str)
    return columns


class MetaRun:
    """The files of a plasticc-meta run (training or evaluation) in `out`,
    read when first asked for. docs/runtime.md "Outputs" describes each."""

    def __init__(self, out: PathLike):
        self.out = Path(out)

    def _file(self, name: str) -> Path:
        path = self.out / name
        if not path.is_file():
            raise FileNotFoundError(f"{path}: this run wrote no {name}")
        return path

    @property
    def rule(self) -> Dict[str, np.ndarray]:
        """The learned meta parameters by name (rule.json), each of its declared shape."""
        data = json.loads(self._file("rule.json").read_text())
        return {q["name"]: np.array(q["values"], dtype=float).reshape(q["shape"])
                for q in data["meta"]}

    @property
    def meta(self) -> np.ndarray:
        """The learned meta parameters as one vector in declaration order
        (what Model.network(seed, meta=...) takes)."""
        return np.concatenate([v.ravel() for v in self.rule.values()]) if self.rule else np.zeros(0)

    @property
    def log(self) -> Dict[str, np.ndarray]:
        """log.csv: one entry per meta-iteration in each column (J, grad_norm, each meta scalar, ...)."""
        return _read_csv(self._file("log.csv"))

    @property
    def evaluation(self) -> Dict[str, np.ndarray]:
        """evaluation.csv: one entry per rule (rule, eta, mean_reward, mean_reward_sem, ...)."""
        return _read_csv(self._file("evaluation.csv"))

    @property
    def trials(self) -> Dict[str, np.ndarray]:
        """trials.csv: the reward of every trial of every held-out network and rule."""
        return _read_csv(self._file("trials.csv"))

    @property
    def networks(self) -> Dict[str, np.ndarray]:
        """networks.csv: each held-out network's seed and result per rule."""
        return _read_csv(self._file("networks.csv"))

    def recorded(self, rule: str, network: int = 0, trial: int = 1) -> Dict[str, np.ndarray]:
        """What record=[...] (--record) saved of held-out network `network`
        (from 0) in trial `trial` (from 1, as trials.csv) under the rule named
        `rule` (as in the table): each quantity [T, *shape] after every step
        by name, and for a weight W also "W.start" and "W.end" (at the
        trial's start and after its reward event). KeyError if nothing was."""
        index = _read_csv(self._file("activity/index.csv"))
        root = self.out / "activity"
        out: Dict[str, np.ndarray] = {}
        for i in range(len(index["rule"])):
            if (index["rule"][i], index["network"][i], index["trial"][i]) != (rule, network, trial):
                continue
            name = index["quantity"][i]
            out[name] = np.load(root / index["file"][i])
            if isinstance(index["start_file"][i], str) and index["start_file"][i]:
                out[name + ".start"] = np.load(root / index["start_file"][i])
                out[name + ".end"] = np.load(root / index["end_file"][i])
        if not out:
            kept = sorted({(index["rule"][i], int(index["network"][i]), int(index["trial"][i]))
                           for i in range(len(index["rule"]))})
            raise KeyError(f"nothing recorded of network {network}, trial {trial} under '{rule}' "
                           f"in {root} (recorded: " +
                           ", ".join(f"'{r}' network {n} trial {k}" for r, n, k in kept) +
                           "; a network that diverged has no trials after its divergence)")
        return out

    @property
    def table(self) -> str:
        """evaluation.txt: the table plasticc-meta prints, with its notes and verdicts."""
        return self._file("evaluation.txt").read_text()

    def __repr__(self):
        return f"<plasticc.MetaRun {str(self.out)!r}>"


def _plot_script() -> Optional[Path]:
    """scripts/plot.py of an installed package, else of the build's source tree."""
    from . import _data_dirs
    return next((d / "scripts" / "plot.py" for d in _data_dirs()
                 if (d / "scripts" / "plot.py").is_file()), None)


def _value(value) -> str:
    """An option's value as the command line spells it."""
    if isinstance(value, float):
        return repr(value)  # round-trips exactly
    return os.fspath(value) if isinstance(value, os.PathLike) else str(value)


def _options(options: Mapping[str, object]) -> List[str]:
    """Keyword arguments as long options: iters=30 -> --iters 30, no_plots=True
    -> --no-plots, rule=[a, b] -> --rule a --rule b; False and None leave an
    option out."""
    args: List[str] = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if isinstance(value, np.bool_):
            value = bool(value)
        if isinstance(value, (set, frozenset, dict)):
            raise TypeError(f"{key}: give a list (the order of the values can matter), not a "
                            f"{type(value).__name__}")
        if value is None or value is False:
            continue
        if value is True:
            args.append(flag)
        elif isinstance(value, (list, tuple, np.ndarray)):
            for v in value:
                args += [flag, _value(v)]
        else:
            args += [flag, _value(value)]
    return args


def _progress_default() -> str:
    """The bar is drawn in a terminal and in a Jupyter kernel (whose
    sys.stderr is not a terminal but shows carriage returns as redraws)."""
    try:
        tty = sys.stderr.isatty()
    except (AttributeError, ValueError):
        tty = False
    return "always" if tty or "ipykernel" in sys.modules else "never"


def _run(command: List[str], model: PathLike, task, out: PathLike,
         defines: Optional[Mapping[str, object]], options: Mapping[str, object]) -> MetaRun:
    from . import Task, _task_path  # the package's own task lookup, as plasticc.Task's
    if not isinstance(model, (str, os.PathLike)):
        raise TypeError("model must be the path of a .plast, .plir or built .so, not "
                        f"{type(model).__name__}")
    if isinstance(task, Task):
        task = task.path
    args = command + [os.fspath(model), "--task", os.fspath(_task_path(task)), "--out", os.fspath(out)]
    for name, value in (defines or {}).items():
        args += ["-D", f"{name}={_value(value)}"]
    options = dict(options)
    if "plot_script" not in options and (script := _plot_script()) is not None:
        options["plot_script"] = script
    args += _options(options)
    code, printed = _plasticc.run_meta(args)
    if code == 0:
        # --help and --version print and run nothing: no run to return.
        return None if options.get("help") or options.get("version") else MetaRun(out)
    # The error and what follows it (source lines, carets, advice); the
    # progress and notes before it were shown on sys.stderr already.
    start = printed.find(": error:")
    message = (printed[printed.rfind("\n", 0, start) + 1:] if start >= 0 else printed).strip()
    if code == EXIT_INTERRUPTED:
        raise KeyboardInterrupt(message)
    if code == EXIT_DIVERGED:
        raise DivergedError(code, message, Path(out))
    raise MetaError(code, message, Path(out))


def meta_learn(model: PathLike, task, out: PathLike = "meta-out", *,
               defines: Optional[Mapping[str, object]] = None,
               progress: Optional[bool] = None, **options) -> Optional[MetaRun]:
    """Meta-learns the model's rule on `task`, then evaluates it, exactly as
    `plasticc-meta MODEL --task TASK --out OUT [options]` would (the same
    files, byte for byte but the wall times).

    model: path of a .plast, .plir or built .so. task: a shipped task's name
    or a task file. defines: -D NAME=VALUE. progress: draw the progress bar
    on sys.stderr (default: in a terminal or a Jupyter notebook). Every
    other keyword is the tool's long option (docs/runtime.md), underscores
    for dashes: iters=30, batch=8, estimator="score", eval_seeds=32,
    no_eval=True, resume=True, threads=2, quiet=True.

    Returns the MetaRun of `out` (None for help=True or version=True,
    which print and run nothing). Raises MetaError for what the tool
    refuses (message and exit code), DivergedError when a network diverged
    under on_divergence="stop", KeyboardInterrupt on Ctrl-C between
    meta-iterations (log, checkpoint and rule are saved: resume=True
    continues).
    """
    if progress is not None:
        options.setdefault("progress", "always" if progress else "never")
    else:
        options.setdefault("progress", _progress_default())
    return _run([], model, task, out, defines, options)


def evaluate(model: PathLike, task, rules: Sequence[PathLike] = (), out: PathLike = "eval-out", *,
             defines: Optional[Mapping[str, object]] = None, **options) -> Optional[MetaRun]:
    """Evaluates rules against the model's baselines on held-out networks,
    exactly as `plasticc-meta evaluate MODEL --task TASK --rule R... --out OUT`
    would. rules: rule.json files of earlier runs (a MetaRun's out/rule.json)
    or 'LABEL:NAME=V,...' texts; none: the baselines only. Other keywords are
    the command's long options (networks=32, trials=200, ablate=True, ...).
    Returns the MetaRun of `out`; raises MetaError as meta_learn does."""
    if isinstance(rules, (str, os.PathLike, MetaRun)):
        rules = [rules]  # one rule, not its characters
    extra = options.pop("rule", [])  # rule= as the command line's --rule, too
    rules = list(rules) + (list(extra) if isinstance(extra, (list, tuple)) else [extra])
    rules = [os.fspath(Path(r.out) / "rule.json") if isinstance(r, MetaRun) else r for r in rules]
    return _run(["evaluate"], model, task, out, defines, dict(options, rule=rules))
