"""plasticc from Python: compile a plasticity model, draw networks, run trials.

    import numpy as np, plasticc
    model = plasticc.compile("examples/rnn_poly.plast", defines={"N": 16})
    net = model.network(seed=1)
    T = 100
    inputs = {"u": np.zeros((T, 2)), "y": np.zeros((T, 1)), "m": np.ones(T)}
    trial = net.run_trial(inputs, noise=net.draw_noise(T, seed=7), record=["x", "z"])
    trial.R, trial.dR, trial.records["x"].shape   # -> float, (P,), (T, 16)
    run = plasticc.meta_learn("examples/rnn_poly.plast", "cue_delay_response", iters=30)

docs/python.md documents it; the compiled part is the extension module
plasticc._plasticc (python/src).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Union

import numpy as np

from . import _plasticc

ABI_VERSION = _plasticc.ABI_VERSION
Quantity = _plasticc.Quantity

__all__ = ["compile", "Model", "Network", "Trial", "Task", "TaskTrial", "CompileError", "TaskError",
           "Diagnostic", "Quantity", "ABI_VERSION", "meta_learn", "evaluate", "MetaRun", "MetaError",
           "DivergedError"]


@dataclass(frozen=True)
class Diagnostic:
    """One located message of the compiler: path:line:column: severity: message."""
    path: str
    line: int
    column: int
    severity: str
    message: str


_LOCATED = re.compile(r"^(.+?):(\d+):(\d+): (error|warning|note): (.*)$")


class CompileError(Exception):
    """A model that does not compile or load. str() is the compiler's
    rendered output (with source lines and carets); .diagnostics holds each
    located message (empty when the problem has no place in a file, e.g. a
    missing file or a library built for another ABI version)."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text
        self.diagnostics: List[Diagnostic] = [
            Diagnostic(m[1], int(m[2]), int(m[3]), m[4], m[5])
            for m in (_LOCATED.match(line) for line in text.splitlines()) if m]


class TaskError(CompileError):
    """A task file that does not load, or a task name that names none;
    .diagnostics as for CompileError."""


def _data_dirs() -> List[Path]:
    """Where the files that ship with plasticc are (examples/tasks,
    scripts/plot.py): PREFIX/share/plasticc of an installed package, then
    the source tree of the build."""
    dirs = [parent / "share" / "plasticc" for parent in Path(__file__).resolve().parents
            if (parent / "share" / "plasticc" / "examples" / "tasks").is_dir()][:1]
    return dirs + [Path(_plasticc.SOURCE_DIR)]


def _task_dirs() -> List[Path]:
    """Where a task named without a path is looked for: $PLASTICC_TASKS_DIR,
    then the data directories (_data_dirs)."""
    dirs = [Path(os.environ["PLASTICC_TASKS_DIR"])] if os.environ.get("PLASTICC_TASKS_DIR") else []
    return dirs + [d / "examples" / "tasks" for d in _data_dirs()]


def _task_path(name) -> Path:
    """As plasticc-meta's --task: a path (with '/' or ending in .toml) that
    is a file is that file; a name without '.' (neurogym/go_nogo included)
    is a shipped task."""
    text = str(name)
    looks_like_file = "/" in text or text.endswith(".toml")
    if looks_like_file and Path(text).is_file():
        return Path(text)
    if looks_like_file and ("." in text or text.startswith("/")):
        return Path(text)  # the loader says it cannot open it
    known = set()
    for d in _task_dirs():
        if (d / f"{text}.toml").is_file():
            return d / f"{text}.toml"
        known |= {str(p.relative_to(d).with_suffix("")) for p in d.rglob("*.toml")}
    raise TaskError(f"unknown task '{text}' (shipped tasks: {' '.join(sorted(known)) or 'none found'})")


class Task:
    """A task file (docs/runtime.md "Task files"): a shipped task by name
    ("go_no_go", "neurogym/go_nogo") or a path. steps > 0 rescales every
    trial to that many steps, as plasticc-meta's --steps. Raises TaskError."""

    def __init__(self, name_or_path, steps: int = 0):
        self.path = _task_path(name_or_path)
        try:
            self._core = _plasticc.Task(str(self.path), int(steps))
        except _plasticc.TaskFailure as e:
            raise TaskError(str(e)) from None

    name = property(lambda self: self._core.name)
    description = property(lambda self: self._core.description)
    dt_ms = property(lambda self: self._core.dt_ms)
    inputs = property(lambda self: self._core.inputs, doc="I: input channels")
    outputs = property(lambda self: self._core.outputs, doc="O: target channels")
    steps = property(lambda self: self._core.steps, doc="T of every trial; 0 when drawn per trial")
    trial_types = property(lambda self: self._core.trial_types)
    condition_names = property(lambda self: self._core.condition_names)

    def trial(self, seed: int, k: int) -> "TaskTrial":
        """Trial k of the stream `seed`: a pure function of (seed, k). (The
        seeds plasticc-meta gives its networks' trials are derived from its
        own --seed; this is not a replay of them.)"""
        return TaskTrial(self, self._core.trial(int(seed), int(k)))

    def __repr__(self):
        return f"<plasticc.Task {self.name}: I = {self.inputs}, O = {self.outputs}>"


class TaskTrial:
    """One trial of a task: u [T, I], y [T, O], m [T], the condition values,
    the trial type and the correct choice; Network.run_trial takes it."""

    def __init__(self, task: Task, core):
        self.task = task
        self._core = core

    steps = property(lambda self: self._core.steps)
    index = property(lambda self: self._core.index)
    type = property(lambda self: self._core.type)
    choice = property(lambda self: self._core.choice)
    conditions = property(lambda self: dict(zip(self.task.condition_names, self._core.conditions)))
    u = property(lambda self: self._core.u)
    y = property(lambda self: self._core.y)
    m = property(lambda self: self._core.m)

    def inputs_for(self, model: "Model") -> np.ndarray:
        """The model's inputs [T, input_length] as plasticc-meta lays them out
        (u, y, m, and a one-hot `condition` and the index `trial` when the
        model declares them); ValueError when model and task do not fit."""
        return self.task._core.inputs_for(model._core, self._core)


def compile(path_or_source, defines: Optional[Mapping[str, object]] = None, *,
            interpret: bool = False, estimator: str = "pathwise", name: str = "<source>") -> "Model":
    """Compiles a .plast (or .plir) model in-process (JIT, or the reference
    interpreter with interpret=True), or loads a library built by
    `plasticc FILE -o model.so`. A str with a newline in it is .plast
    source text, named `name` in diagnostics (an `extern` file is then
    relative to the current directory); anything else is a path. defines
    sets dims and params as -D does ({"N": 256, "tau": "20ms"}); estimator
    is "pathwise" or "score". Raises CompileError."""
    flags = [f"{key}={value}" for key, value in (defines or {}).items()]
    text = path_or_source if isinstance(path_or_source, str) and "\n" in path_or_source else None
    path = name if text is not None else str(path_or_source)
    try:
        return Model(_plasticc.Model(path, flags, interpret, estimator, text))
    except _plasticc.CompileFailure as e:
        raise CompileError(str(e)) from None


class Model:
    """A compiled model: its descriptor, and networks drawn from it."""

    def __init__(self, core):
        self._core = core

    name = property(lambda self: self._core.name)
    source_sha256 = property(lambda self: self._core.source_sha256)
    num_meta = property(lambda self: self._core.num_meta, doc="P: meta scalars")
    input_length = property(lambda self: self._core.input_length)
    noise_length = property(lambda self: self._core.noise_length)
    state_bytes = property(lambda self: self._core.state_bytes)
    estimator = property(lambda self: self._core.estimator)
    backend = property(lambda self: self._core.backend, doc='"JIT", "interpreter" or "shared library"')

    @property
    def quantities(self) -> Dict[str, Quantity]:
        """Every declared quantity by name, in declaration order."""
        return {q.name: q for q in self._core.quantities}

    def quantity(self, name: str) -> Quantity:
        return self._core.quantity(name)

    def network(self, seed: int, meta=None) -> "Network":
        """Draws network `seed` (plasticc_init). meta: None (the declared
        defaults), P numbers in the order of the meta quantities, or a dict
        of some of them by name (the rest at their defaults)."""
        return Network(self, _plasticc.Network(self._core, int(seed), self._meta_vector(meta)))

    def _meta_vector(self, meta):
        if meta is None:
            return None
        if not isinstance(meta, Mapping):
            return np.ascontiguousarray(meta, dtype=np.float64).reshape(-1)
        defaults = _plasticc.Network(self._core, 0, None)
        parts = []
        for q in self._core.quantities:
            if q.kind == "meta":
                given = meta.get(q.name)
                value = defaults.value(q.name) if given is None else given
                parts.append(np.broadcast_to(np.asarray(value, dtype=np.float64), q.shape).reshape(-1))
        unknown = set(meta) - {q.name for q in self._core.quantities if q.kind == "meta"}
        if unknown:
            raise KeyError(f"model '{self.name}' has no meta quantity {sorted(unknown)[0]!r}")
        return np.concatenate(parts) if parts else np.zeros(0)

    def __repr__(self):
        return f"<plasticc.Model {self.name}: P = {self.num_meta}, {self.backend}>"


@dataclass
class Trial:
    """What run_trial returns: R, dR/dmeta (None without tangents) and each
    recorded quantity's values after every step, an array [T, *shape]."""
    R: float
    dR: Optional[np.ndarray]
    records: Dict[str, np.ndarray] = field(default_factory=dict)


class Network:
    """One network of a model, in a state buffer it owns.

    net[name] is a zero-copy numpy view of a quantity's value: writable for
    params, weights and baselines, read-only for the rest. net[name] = v
    (or net.set(name, v)) sets params, weights, baselines and states and
    leaves the network as if it had been initialised with the values it now
    has: the states back at their trial-start values, the one set written,
    and the states initialised from others (state xbar[N] = x) computed
    again (plasticc_set_trial_start). net.start(name) is a state's
    trial-start copy, net.tangent(name) a quantity's P tangent lanes
    [P, *shape], both read-only views."""

    def __init__(self, model: Model, core):
        self.model = model
        self._core = core

    def __getitem__(self, name: str) -> np.ndarray:
        return self._core.value(name)

    def __setitem__(self, name: str, values) -> None:
        self.set(name, values)

    def set(self, name: str, values) -> None:
        shape = self.model.quantity(name).shape
        if np.isscalar(values):
            values = np.full(shape, float(values))
        self._core.set(name, values)

    def start(self, name: str) -> np.ndarray:
        return self._core.start(name)

    def tangent(self, name: str) -> np.ndarray:
        return self._core.tangent(name)

    def draw_noise(self, steps: int, seed: int) -> np.ndarray:
        """Noise for `steps` steps [T, noise_length], each noise quantity
        drawn as it is declared (numpy's generator, not plasticc-meta's)."""
        rng = np.random.default_rng(seed)
        out = np.zeros((steps, self.model.noise_length))
        for q in self.model._core.quantities:
            if q.kind != "noise":
                continue
            n = int(np.prod(q.shape, dtype=np.int64))
            dist, a, b = q.noise
            if dist == "normal":
                block = rng.normal(a, np.sqrt(b), (steps, n))
            elif dist == "uniform":
                block = rng.uniform(a, b, (steps, n))
            else:
                block = (rng.random((steps, n)) < a).astype(np.float64)
            out[:, q.offset:q.offset + n] = block
        return out

    @property
    def seed(self) -> int:
        return self._core.seed

    def meta_trial(self, task: "Task", k: int) -> "TaskTrial":
        """Trial k of `task` as plasticc-meta gives it to the network of this
        seed (the seed column of networks.csv: model.network(int(s, 16)))."""
        return task.trial(_plasticc.task_seed(self.seed), k)

    def meta_noise(self, k: int, steps: int) -> np.ndarray:
        """The exploration noise [steps, noise_length] plasticc-meta draws for
        trial k of the network of this seed."""
        return self._core.meta_noise(int(k), int(steps))

    def pack_inputs(self, inputs: Mapping[str, object], steps: int) -> np.ndarray:
        """The flat inputs [T, input_length] from a dict of the model's
        inputs by name, each [T, *shape] (or a scalar input [T]); inputs not
        given are 0."""
        out = np.zeros((steps, self.model.input_length))
        names = {q.name: q for q in self.model._core.quantities if q.kind == "input"}
        for name, values in inputs.items():
            if name not in names:
                raise KeyError(f"model '{self.model.name}' has no input {name!r} "
                               f"(its inputs: {', '.join(names) or 'none'})")
            q = names[name]
            n = int(np.prod(q.shape, dtype=np.int64))
            a = np.asarray(values, dtype=np.float64)
            if a.shape != (steps, *q.shape):
                raise ValueError(f"input {name!r} must have shape {[steps, *q.shape]}, not {list(a.shape)}")
            out[:, q.offset:q.offset + n] = a.reshape(steps, n)
        return out

    def run_trial(self, inputs: Union[np.ndarray, Mapping[str, object]], noise=None,
                  record: Sequence[str] = (), tangents: bool = True) -> Trial:
        """One trial (begin_trial, a step per row of inputs, end_trial).
        inputs: a float64 C-contiguous array [T, input_length], a dict of
        the model's inputs by name, or a TaskTrial (Task(name).trial(seed, k)). noise: [T, noise_length] (required when
        the model has noise; draw_noise draws it). record: names of the
        quantities whose values are kept after every step. tangents=False
        runs the primal step only (dR is None)."""
        if isinstance(inputs, TaskTrial):
            inputs = inputs.inputs_for(self.model)
        elif isinstance(inputs, Mapping):
            steps = len(next(iter(inputs.values()))) if inputs else 0
            inputs = self.pack_inputs(inputs, steps)
        for what, a in (("inputs", inputs), ("noise", noise)):
            if a is not None and not isinstance(a, np.ndarray):
                raise TypeError(f"{what} must be a numpy array, not {type(a).__name__}")
        if isinstance(record, str):
            raise TypeError("record must be a list of quantity names, not a string")
        R, dR, records = self._core.run_trial(inputs, noise, list(record), tangents)
        return Trial(R, dR, records)

    def __repr__(self):
        return f"<plasticc.Network of {self.model.name}>"


from .meta import DivergedError, MetaError, MetaRun, evaluate, meta_learn  # noqa: E402
