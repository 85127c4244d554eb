"""``nndl simulate``: run a research set's experiment at full size.

A research set's reference solution (``solutions/<a>/<set>.py``) ends with a
plain code cell that declares its experiment as a :class:`Simulation`::

    SIMULATION = Simulation(
        configs={"quick": {...}, "default": {...}},  # flat JSON-able dicts
        runs=sweep,          # (config, seed) -> list[Run]: the independent runs
        run=run_one,         # (params, ctx) -> data dict; a module-level function
        figures=draw,        # (config, {run key: data}) -> {name: (Figure, table)}
        validate=check_config,  # (config) -> None; ValueError names the bad key
    )

An experiment is a function that returns its data (``run``); figures are
drawn from that data (``figures``); this module only wires them:

* the sweep is a list of :class:`Run` s mapped through one runner
  (:class:`LocalRunner`: this process for one worker, else a process pool),
  so that another runner can hand the same runs to a cluster;
* a progress bar on the terminal (sweep points, and steps where the run
  reports them through :meth:`RunContext.progress`), quiet when stderr is not
  a terminal;
* every figure is written as PNG and SVG with the numbers behind it as CSV
  (equal-length columns) or JSON beside it, each run's data as JSON under
  ``runs/``, and ``run.json`` (configuration, seed, versions, device, wall
  time, peak memory);
* the output folder is written under a temporary name and renamed into place
  only when complete: a failed or interrupted run never leaves a folder that
  looks finished.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import math
import os
import platform
import re
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from nndl import paths, threads

#: The names of the two configurations every simulation declares.
CONFIG_NAMES = ("quick", "default")
#: Devices ``--device`` accepts.
DEVICES = ("cpu", "cuda")
_KEY = re.compile(r"^[A-Za-z0-9_.=,+-]+$")


class SimulationError(ValueError):
    """Bad input to ``nndl simulate``: the message names the option and the accepted values."""


@dataclasses.dataclass(frozen=True)
class Run:
    """One independent unit of a sweep.

    Attributes
    ----------
    key : str
        Unique within the sweep and safe as a file name (``"gamma=1.5,m=800"``).
    params : Mapping[str, Any]
        JSON-able parameters of the run (everything ``Simulation.run`` needs, the seed included).
    """

    key: str
    params: Mapping[str, Any]


class _Bar:
    """The part of tqdm a run uses: ``update(n)``; a no-op when progress is off."""

    def __init__(self, bar: Any = None) -> None:
        self._bar = bar

    def update(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(n)


@dataclasses.dataclass(frozen=True)
class RunContext:
    """What the runner gives a run besides its parameters."""

    #: ``"cpu"`` or ``"cuda"``.
    device: str
    #: Whether to draw step-level progress bars (only for runs in the terminal's process).
    show_progress: bool = False

    @contextmanager
    def progress(self, total: int, desc: str, unit: str = "step") -> Iterator[_Bar]:
        """A progress bar of ``total`` units (steps by default); ``bar.update(n)`` after every ``n``."""
        if not self.show_progress:
            yield _Bar()
            return
        from tqdm.auto import tqdm

        with tqdm(total=total, desc=desc, unit=unit, leave=False, dynamic_ncols=True) as bar:
            yield _Bar(bar)


Figures = Mapping[str, tuple[Any, Mapping[str, Any]]]


@dataclasses.dataclass(frozen=True)
class Simulation:
    """A research set's experiment (see the module docstring)."""

    #: ``{"quick": {...}, "default": {...}}``: flat dicts of JSON-able values.
    configs: Mapping[str, Mapping[str, Any]]
    #: ``(config, seed) -> list[Run]``: the sweep, as independent runs.
    runs: Callable[[Mapping[str, Any], int], list[Run]]
    #: ``(params, ctx) -> dict``: one run; a module-level function (it may run in another process).
    run: Callable[[Mapping[str, Any], RunContext], dict]
    #: ``(config, results) -> {name: (Figure, table)}``; ``results`` maps run keys to data.
    figures: Callable[[Mapping[str, Any], Mapping[str, dict]], Figures]
    #: ``(config) -> None``, raising ``ValueError`` whose message starts with the bad key.
    validate: Callable[[Mapping[str, Any]], None] | None = None
    #: Devices the experiment runs on.
    devices: tuple[str, ...] = ("cpu",)
    #: ``(config, results) -> dict``: headline numbers recorded in ``run.json`` (optional).
    summary: Callable[[Mapping[str, Any], Mapping[str, dict]], dict] | None = None

    def __post_init__(self) -> None:
        missing = [n for n in CONFIG_NAMES if n not in self.configs]
        if missing:
            raise TypeError(f"Simulation.configs needs the configurations {CONFIG_NAMES}, missing {missing}")


def run_seed(seed: int, key: str) -> int:
    """A run's own seed, from the command's ``--seed`` and the run's key (not its position)."""
    digest = hashlib.blake2b(f"{seed}/{key}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "little")


# --- finding a set's simulation -------------------------------------------------------------------
_DECLARES = re.compile(r"^SIMULATION\s*=", re.MULTILINE)


def simulated_sets() -> list[str]:
    """Set names whose solution declares ``SIMULATION`` (read from the files, nothing imported)."""
    from nndl.config import course

    return [s for a, s in course().all_sets()
            if paths.solution_file(a, s).exists()
            and _DECLARES.search(paths.solution_file(a, s).read_text(encoding="utf-8"))]


def load_simulation(set_name: str) -> tuple[str, Simulation]:
    """``(set name, Simulation)`` of a set, or a :class:`SimulationError` listing the sets that have one."""
    import importlib

    known = simulated_sets()
    if set_name not in known:
        raise SimulationError(f"unknown simulation {set_name!r}; choose from: {', '.join(known) or '(none)'}")
    from nndl.config import course

    assignment, name = course().find_set(set_name)
    module = importlib.import_module(f"solutions.{assignment}.{name}")
    sim = getattr(module, "SIMULATION")
    if not isinstance(sim, Simulation):  # pragma: no cover - a solution file bug
        raise TypeError(f"solutions.{assignment}.{name}.SIMULATION must be an nndl.simulate.Simulation")
    return name, sim


# --- configuration ----------------------------------------------------------------------------------
def parse_param(text: str, config: Mapping[str, Any]) -> tuple[str, Any]:
    """``KEY=VALUE`` of ``--param``, typed like the configuration's own value of KEY."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise SimulationError(f"--param {text!r}: expected KEY=VALUE with KEY one of: {', '.join(config)}")
    if key not in config:
        raise SimulationError(f"--param {key}: unknown key; accepted keys: {', '.join(config)}")
    old = config[key]
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    if isinstance(old, bool):
        ok = isinstance(value, bool)
    elif isinstance(old, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(old, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif isinstance(old, list):
        ok = isinstance(value, list)
    else:
        ok = isinstance(value, type(old))
    if not ok:
        raise SimulationError(f"--param {key}={raw}: expected {type(old).__name__} like the default "
                              f"{json.dumps(old)}")
    return key, value


def resolve_config(sim: Simulation, *, quick: bool, params: Sequence[str] = ()) -> tuple[str, dict]:
    """The named configuration with ``--param`` overrides applied and validated."""
    name = "quick" if quick else "default"
    config = dict(sim.configs[name])
    for text in params:
        key, value = parse_param(text, config)
        config[key] = value
    if sim.validate is not None:
        try:
            sim.validate(config)
        except ValueError as exc:
            raise SimulationError(f"invalid configuration: {exc}") from None
    return name, config


def check_device(sim: Simulation, set_name: str, device: str) -> None:
    if device not in DEVICES:
        raise SimulationError(f"--device {device!r}: choose from {', '.join(DEVICES)}")
    if device not in sim.devices:
        raise SimulationError(f"--device {device}: {set_name} runs on {', '.join(sim.devices)} only")
    if device == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise SimulationError("--device cuda: CUDA is not available on this machine "
                                  "(torch.cuda.is_available() is False); use --device cpu")


# --- runners ------------------------------------------------------------------------------------------
def _call_run(fn: Callable, params: Mapping[str, Any], ctx: RunContext) -> dict:
    # Module-level so that a process pool can pickle it; ``fn`` is a module-level function too.
    return fn(params, ctx)


class LocalRunner:
    """Maps runs through this process (``workers == 1``) or a pool of local processes.

    Another runner (a cluster's) only needs the same ``map`` signature.
    """

    def __init__(self, workers: int = 1) -> None:
        if workers < 1:
            raise SimulationError(f"--workers {workers}: must be a positive integer")
        self.workers = workers

    def map(self, fn: Callable, runs: Sequence[Run], ctx: RunContext,
            on_done: Callable[[Run], None]) -> dict[str, dict]:
        """``{run.key: fn(run.params, ctx)}`` for every run; ``on_done(run)`` as each finishes."""
        results: dict[str, dict] = {}
        if self.workers == 1 or len(runs) == 1:
            for run in runs:
                results[run.key] = _call_run(fn, run.params, ctx)
                on_done(run)
            return results
        import multiprocessing

        # spawn: torch and OpenMP thread pools do not survive a fork; runs in workers draw no bars.
        worker_ctx = dataclasses.replace(ctx, show_progress=False)
        processes = min(self.workers, len(runs))
        with ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=threads.limit, initargs=(threads.share(processes),)) as pool:
            futures = {pool.submit(_call_run, fn, run.params, worker_ctx): run for run in runs}
            for future in as_completed(futures):
                run = futures[future]
                results[run.key] = future.result()
                on_done(run)
        return {run.key: results[run.key] for run in runs}


# --- writing the outputs --------------------------------------------------------------------------------
def _jsonable(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, np.generic):
        return _jsonable(value.item())
    if isinstance(value, float):
        return value if math.isfinite(value) else None  # JSON has no NaN/inf
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def write_json(path: Path, data: Any, *, compact: bool = False) -> None:
    """JSON with NaN/inf as null; ``compact`` for bulky run data (no indentation)."""
    text = json.dumps(_jsonable(data), separators=(",", ":")) if compact else json.dumps(_jsonable(data), indent=1)
    path.write_text(text + "\n", encoding="utf-8")


def write_table(folder: Path, name: str, table: Mapping[str, Any]) -> Path:
    """Equal-length 1-D columns as ``name.csv``; anything else as ``name.json``."""
    columns = {k: np.asarray(v) for k, v in table.items()}
    lengths = {c.shape for c in columns.values()}
    if columns and all(c.ndim == 1 for c in columns.values()) and len(lengths) == 1:
        path = folder / f"{name}.csv"
        import csv

        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            for row in zip(*(c.tolist() for c in columns.values())):
                writer.writerow([repr(v) if isinstance(v, float) else v for v in row])
        return path
    path = folder / f"{name}.json"
    write_json(path, table)
    return path


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("nndl", "numpy", "scipy", "matplotlib", "torch", "numba", "scikit-learn"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def peak_mb() -> float:
    """Peak resident memory of this process and of its finished children, in MB."""
    kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
             resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return kb / 1024


def default_out(set_name: str, config_name: str) -> Path:
    return paths.BUILD / "simulate" / (set_name if config_name == "default" else f"{set_name}-{config_name}")


def _prepare_out(out: Path) -> None:
    """Refuse to replace a folder that is not an earlier simulation's output."""
    if out.exists():
        if not out.is_dir():
            raise SimulationError(f"--out {out}: exists and is not a folder")
        if any(out.iterdir()) and not (out / "run.json").exists():
            raise SimulationError(f"--out {out}: folder is not empty and holds no run.json of an earlier "
                                  "simulation; choose another folder")
    out.parent.mkdir(parents=True, exist_ok=True)


@contextmanager
def _staging(out: Path) -> Iterator[Path]:
    """A temporary folder beside ``out``, renamed to ``out`` only if the block completes."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        out.rename(old)
    tmp.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def simulate(set_name: str, *, quick: bool = False, device: str = "cpu", seed: int = 0,
             out: Path | None = None, params: Sequence[str] = (), workers: int | None = None,
             progress: bool | None = None, runner: Any = None, argv: Sequence[str] | None = None) -> Path:
    """Run a set's experiment and write its outputs; return the output folder.

    Raises :class:`SimulationError` for bad input before anything is computed or written.
    """
    name, sim = load_simulation(set_name)
    return run_simulation(name, sim, quick=quick, device=device, seed=seed, out=out, params=params,
                          workers=workers, progress=progress, runner=runner, argv=argv)


def run_simulation(name: str, sim: Simulation, *, quick: bool = False, device: str = "cpu", seed: int = 0,
                   out: Path | None = None, params: Sequence[str] = (), workers: int | None = None,
                   progress: bool | None = None, runner: Any = None,
                   argv: Sequence[str] | None = None) -> Path:
    """:func:`simulate` for a :class:`Simulation` object (the tests use toy ones)."""
    if seed < 0:
        raise SimulationError(f"--seed {seed}: must be a non-negative integer")
    config_name, config = resolve_config(sim, quick=quick, params=params)
    check_device(sim, name, device)
    runner = runner or LocalRunner(threads.cores() if workers is None else workers)
    out = Path(out) if out is not None else default_out(name, config_name)
    _prepare_out(out)
    show = sys.stderr.isatty() if progress is None else progress
    runs = sim.runs(config, seed)
    keys = [r.key for r in runs]
    bad = [k for k in keys if not _KEY.match(k)]
    if not runs or bad or len(set(keys)) != len(keys):  # pragma: no cover - a solution file bug
        raise TypeError(f"run keys must be unique and file-name safe, got {keys}")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from tqdm.auto import tqdm

    started = datetime.datetime.now(datetime.timezone.utc)
    t0 = time.perf_counter()
    # Step-level bars only where the runs execute in this process.
    ctx = RunContext(device=device, show_progress=show and (len(runs) == 1 or runner_is_serial(runner)))
    with _staging(out) as tmp:
        with tqdm(total=len(runs), desc=f"{name}: runs", unit="run", disable=not show or len(runs) == 1,
                  dynamic_ncols=True) as bar:
            results = runner.map(sim.run, runs, ctx, on_done=lambda run: bar.update(1))
        (tmp / "runs").mkdir()
        for run in runs:
            write_json(tmp / "runs" / f"{run.key}.json", {"params": dict(run.params), "data": results[run.key]},
                       compact=True)
        files = []
        figures = sim.figures(config, results)
        try:
            for fig_name, (fig, table) in figures.items():
                for ext in ("png", "svg"):
                    fig.savefig(tmp / f"{fig_name}.{ext}")
                    files.append(f"{fig_name}.{ext}")
                files.append(write_table(tmp, fig_name, table).name)
        finally:
            for fig, _ in figures.values():
                plt.close(fig)
        meta = {
            "set": name, "configuration": config_name, "config": config, "seed": seed, "device": device,
            "runs": keys, "files": files, "versions": _versions(),
            "command": list(argv) if argv is not None else None,
            "started": started.isoformat(timespec="seconds"),
            "wall_s": round(time.perf_counter() - t0, 3),
            "peak_mb": round(peak_mb(), 1), "workers": getattr(runner, "workers", None),
            "summary": sim.summary(config, results) if sim.summary is not None else None,
        }
        write_json(tmp / "run.json", meta)
    return out


def runner_is_serial(runner: Any) -> bool:
    return getattr(runner, "workers", 1) == 1


def main(argv: Sequence[str] | None = None) -> int:
    """``nndl simulate SET [--quick] [--device cpu|cuda] [--seed N] [--out DIR] [--param K=V]... [--workers N]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="nndl simulate", description="Run a research set's experiment.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    return run_from_args(args, parser)


def add_arguments(parser: Any) -> None:
    parser.add_argument("set_name", metavar="SET", help="a research set with a simulation")
    parser.add_argument("--quick", action="store_true", help="the small configuration (under a minute)")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument("--seed", type=int, default=0, help="root seed of the runs (default 0)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default build/simulate/SET[-quick])")
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                        help="override one configuration value (repeatable)")
    parser.add_argument("--workers", type=int, default=None,
                        help="local processes for the sweep's runs (default: the machine's cores); "
                             "each gets cores // N torch/BLAS threads")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run the sweep on a Dask cluster, e.g. tcp://HOST:8786 (default: $NNDL_SCHEDULER)")


def run_from_args(args: Any, parser: Any) -> int:
    from nndl.cluster import ClusterError

    scheduler = args.scheduler or os.environ.get("NNDL_SCHEDULER")
    runner = None
    try:
        if scheduler:
            from nndl.cluster import DaskRunner  # Dask is imported only here

            runner = DaskRunner(scheduler)
        out = simulate(args.set_name, quick=args.quick, device=args.device, seed=args.seed, out=args.out,
                       params=args.param, workers=args.workers, runner=runner, argv=sys.argv)
    except SimulationError as exc:
        parser.exit(2, f"{parser.prog}: error: {exc}\n")
    except ClusterError as exc:
        parser.exit(2, f"{parser.prog}: error: --scheduler {scheduler}: {exc}\n")
    finally:
        if runner is not None:
            runner.close()
    meta = json.loads((out / "run.json").read_text(encoding="utf-8"))
    print(f"wrote {out} ({len(meta['files'])} files, {meta['wall_s']:.1f} s, peak {meta['peak_mb']:.0f} MB)")
    return 0


__all__ = ["LocalRunner", "Run", "RunContext", "Simulation", "SimulationError", "run_seed", "run_simulation",
           "simulate"]
