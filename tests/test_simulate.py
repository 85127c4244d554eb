"""``nndl simulate``: outputs, sweeps through the runner, atomic output folders, clear errors.

The machinery is tested on a toy :class:`Simulation` defined here (its run function is
module-level, so the process pool can import it); every research set's real ``--quick``
configuration is run end to end through the command line at the bottom.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nndl import paths, simulate, threads  # noqa: E402
from nndl.simulate import Run, Simulation, SimulationError, run_seed, run_simulation  # noqa: E402


def _runs(config, seed):
    return [Run(f"scale={s:g}", {"n": config["n"], "scale": s, "seed": run_seed(seed, f"scale={s:g}")})
            for s in config["scales"]]


def _run(params, ctx):
    rng = np.random.default_rng(params["seed"])
    with ctx.progress(params["n"], "toy") as bar:
        bar.update(params["n"])
    x = np.arange(params["n"], dtype=float)
    return {"x": x, "y": params["scale"] * x + rng.normal(size=params["n"]), "device": ctx.device}


def _fail(params, ctx):
    if params["scale"] > 1:
        raise RuntimeError("this run diverged")
    return _run(params, ctx)


def _figures(config, results):
    fig, ax = plt.subplots()
    table = {}
    for key, data in results.items():
        ax.plot(data["x"], data["y"], label=key)
        table[f"y[{key}]"] = data["y"]
    table = {"x": next(iter(results.values()))["x"], **table}
    ragged = {k: np.arange(i + 1) for i, k in enumerate(results)}
    fig2, ax2 = plt.subplots()
    return {"curves": (fig, table), "ragged": (fig2, ragged)}


def _validate(config):
    if config["n"] < 1:
        raise ValueError(f"n must be a positive integer, got {config['n']}")


TOY = Simulation(configs={"quick": {"n": 5, "scales": [1.0, 2.0]}, "default": {"n": 50, "scales": [1.0, 2.0, 3.0]}},
                 runs=_runs, run=_run, figures=_figures, validate=_validate,
                 summary=lambda config, results: {"runs": len(results)})
FAILING = Simulation(configs=TOY.configs, runs=_runs, run=_fail, figures=_figures)


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".partial-" in p.name or ".old-" in p.name)


def test_writes_every_figure_with_its_numbers_and_run_json(tmp_path):
    out = run_simulation("toy", TOY, quick=True, out=tmp_path / "toy", workers=1, seed=3)
    files = {p.name for p in out.iterdir()}
    assert {"curves.png", "curves.svg", "curves.csv", "ragged.png", "ragged.svg", "ragged.json",
            "run.json", "runs"} == files
    assert (out / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert ET.parse(out / "curves.svg").getroot().tag.endswith("svg")
    meta = json.loads((out / "run.json").read_text())
    assert meta["set"] == "toy" and meta["configuration"] == "quick" and meta["seed"] == 3
    assert meta["config"] == {"n": 5, "scales": [1.0, 2.0]} and meta["device"] == "cpu"
    assert meta["runs"] == ["scale=1", "scale=2"] and meta["summary"] == {"runs": 2}
    assert {"python", "numpy", "matplotlib"} <= set(meta["versions"])
    assert meta["wall_s"] > 0 and meta["peak_mb"] > 10
    # the CSV holds exactly the plotted numbers, the run files the run's data and parameters
    run1 = json.loads((out / "runs" / "scale=1.json").read_text())
    assert run1["params"]["seed"] == run_seed(3, "scale=1")
    with open(out / "curves.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["x", "y[scale=1]", "y[scale=2]"]
    np.testing.assert_array_equal(np.array(rows[1:], dtype=float)[:, 1], np.array(run1["data"]["y"]))
    assert _leftovers(tmp_path) == []


def test_process_pool_gives_the_serial_results(tmp_path):
    serial = run_simulation("toy", TOY, quick=True, out=tmp_path / "serial", workers=1)
    pooled = run_simulation("toy", TOY, quick=True, out=tmp_path / "pooled", workers=2)
    for key in ("scale=1", "scale=2"):
        assert (serial / "runs" / f"{key}.json").read_text() == (pooled / "runs" / f"{key}.json").read_text()
    assert json.loads((pooled / "run.json").read_text())["workers"] == 2


def _thread_pools(params, ctx):
    import torch
    from threadpoolctl import threadpool_info

    return {"torch": torch.get_num_threads(), "omp": os.environ.get("OMP_NUM_THREADS"),
            "blas": sorted({p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"})}


def test_each_process_of_the_pool_gets_its_share_of_the_cores(monkeypatch):
    for name in threads.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    # As on a 2-core machine, whatever this one has (torch and OpenBLAS cap their pools at the real cores,
    # so a share below the default is what can be seen everywhere).
    monkeypatch.setattr(threads, "cores", lambda: 2)
    runs = [Run(f"r{i}", {}) for i in range(2)]
    pools = simulate.LocalRunner(2).map(_thread_pools, runs, simulate.RunContext("cpu"), lambda run: None)
    assert pools == {"r0": {"torch": 1, "omp": "1", "blas": [1]}, "r1": {"torch": 1, "omp": "1", "blas": [1]}}


def test_seed_changes_the_runs_and_is_recorded(tmp_path):
    a = run_simulation("toy", TOY, quick=True, out=tmp_path / "a", workers=1, seed=0)
    b = run_simulation("toy", TOY, quick=True, out=tmp_path / "b", workers=1, seed=1)
    assert (a / "runs" / "scale=1.json").read_text() != (b / "runs" / "scale=1.json").read_text()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_run_leaves_no_output_folder(tmp_path, workers):
    with pytest.raises(RuntimeError, match="this run diverged"):
        run_simulation("toy", FAILING, quick=True, out=tmp_path / "toy", workers=workers)
    assert not (tmp_path / "toy").exists()
    assert _leftovers(tmp_path) == []


def test_a_failing_rerun_keeps_the_previous_complete_output(tmp_path):
    out = run_simulation("toy", TOY, quick=True, out=tmp_path / "toy", workers=1)
    before = (out / "run.json").read_text()
    with pytest.raises(RuntimeError):
        run_simulation("toy", FAILING, quick=True, out=out, workers=1)
    assert (out / "run.json").read_text() == before
    again = run_simulation("toy", TOY, quick=False, out=out, workers=1)
    assert json.loads((again / "run.json").read_text())["configuration"] == "default"
    assert _leftovers(tmp_path) == []


def test_refuses_to_replace_a_folder_that_is_not_a_simulation_output(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "thesis.tex").write_text("precious")
    with pytest.raises(SimulationError, match=r"--out .*notes: folder is not empty and holds no run\.json"):
        run_simulation("toy", TOY, quick=True, out=tmp_path / "notes", workers=1)
    assert (tmp_path / "notes" / "thesis.tex").read_text() == "precious"


@pytest.mark.parametrize(("kwargs", "pattern"), [
    ({"seed": -1}, r"--seed -1: must be a non-negative integer"),
    ({"params": ["n=-5"]}, r"invalid configuration: n must be a positive integer, got -5"),
    ({"params": ["m=5"]}, r"--param m: unknown key; accepted keys: n, scales"),
    ({"params": ["n=five"]}, r"--param n=five: expected int like the default 5"),
    ({"params": ["n=2.5"]}, r"--param n=2.5: expected int"),
    ({"params": ["n"]}, r"--param 'n': expected KEY=VALUE"),
    ({"device": "tpu"}, r"--device 'tpu': choose from cpu, cuda"),
    ({"device": "cuda"}, r"--device cuda: toy runs on cpu only"),
    ({"workers": 0}, r"--workers 0: must be a positive integer"),
])
def test_bad_input_is_a_clear_error_before_anything_is_written(tmp_path, kwargs, pattern):
    with pytest.raises(SimulationError, match=pattern):
        run_simulation("toy", TOY, quick=True, out=tmp_path / "toy", **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_param_overrides_are_typed_and_recorded(tmp_path):
    out = run_simulation("toy", TOY, quick=True, out=tmp_path / "toy", workers=1,
                         params=["n=7", "scales=[0.5]"])
    meta = json.loads((out / "run.json").read_text())
    assert meta["config"] == {"n": 7, "scales": [0.5]} and meta["runs"] == ["scale=0.5"]
    assert len(json.loads((out / "runs" / "scale=0.5.json").read_text())["data"]["x"]) == 7


def test_cuda_without_cuda_is_a_clear_error(tmp_path, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    gpu_toy = Simulation(configs=TOY.configs, runs=_runs, run=_run, figures=_figures, devices=("cpu", "cuda"))
    with pytest.raises(SimulationError, match=r"--device cuda: CUDA is not available on this machine"):
        run_simulation("toy", gpu_toy, quick=True, out=tmp_path / "toy", device="cuda")


def test_progress_bars_only_when_asked(tmp_path, capsys):
    run_simulation("toy", TOY, quick=True, out=tmp_path / "quiet", workers=1, progress=False)
    assert capsys.readouterr().err == ""
    run_simulation("toy", TOY, quick=True, out=tmp_path / "loud", workers=1, progress=True)
    err = capsys.readouterr().err
    assert "toy: runs" in err and "2/2" in err


def _nndl(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nndl.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=paths.REPO_ROOT)


def test_unknown_set_names_the_known_ones():
    proc = _nndl("simulate", "sparsity")
    assert proc.returncode == 2
    assert "unknown simulation 'sparsity'; choose from: " in proc.stderr
    for name in simulate.simulated_sets():
        assert name in proc.stderr


SETS = simulate.simulated_sets()


def test_research_sets_declare_simulations():
    from nndl.config import course

    research = [s for a, s in course().all_sets() if a == "research"]
    assert research and set(research) <= set(SETS)


@pytest.mark.slow
@pytest.mark.parametrize("set_name", SETS)
def test_quick_simulation_from_the_command_line(tmp_path, set_name):
    """What a maintainer runs after the README's set-up: every figure with its numbers, quietly."""
    out = tmp_path / set_name
    proc = _nndl("simulate", set_name, "--quick", "--out", str(out), "--workers", "2")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stderr == ""  # not a terminal: no progress bars, no warnings
    assert proc.stdout.startswith(f"wrote {out}")
    meta = json.loads((out / "run.json").read_text())
    assert meta["configuration"] == "quick" and meta["set"] == set_name
    figures = {Path(f).stem for f in meta["files"] if f.endswith(".png")}
    assert figures
    for name in figures:
        assert (out / f"{name}.png").stat().st_size > 1000 and (out / f"{name}.svg").exists()
        assert (out / f"{name}.csv").exists() or (out / f"{name}.json").exists()
    assert sorted(p.stem for p in (out / "runs").iterdir()) == sorted(meta["runs"])


def test_negative_size_from_the_command_line(tmp_path):
    """A set's own validation reaches the user as one line naming the key."""
    name = SETS[0]
    sim = simulate.load_simulation(name)[1]
    sizes = [k for k, v in sim.configs["quick"].items() if isinstance(v, int) and not isinstance(v, bool)]
    proc = _nndl("simulate", name, "--quick", "--param", f"{sizes[0]}=-5", "--out", str(tmp_path / "x"))
    assert proc.returncode == 2
    assert proc.stderr.startswith("nndl simulate: error: invalid configuration: ")
    assert sizes[0] in proc.stderr
    assert not (tmp_path / "x").exists()
