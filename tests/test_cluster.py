"""Past one machine, tested for real: a ``dask scheduler`` and ``dask worker`` processes started here
(127.0.0.1 only, TCP).  The cluster grades exactly like the local batch, a worker killed mid-batch
loses nothing, simulation sweeps run there too, and nothing about Dask is needed without it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nndl import paths
from nndl.config import course
from tests.trees import write_tree

pytestmark = pytest.mark.slow

DASK = str(Path(sys.executable).parent / "dask")
REFERENCE = paths.solution_file("session1", "activations").read_text(encoding="utf-8")
FULL = course().set("session1", "activations").max_auto_points


class Cluster:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        # The workers import the test modules (functions shipped by reference), as a course's cluster
        # imports the course repository.
        self.env = {**os.environ, "PYTHONPATH": str(paths.REPO_ROOT)}
        self.procs: dict[str, subprocess.Popen] = {}
        self.scheduler_file = folder / "scheduler.json"
        self._start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                    "--scheduler-file", str(self.scheduler_file))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                self.address = json.loads(self.scheduler_file.read_text())["address"]
                break
            except (OSError, ValueError, KeyError):
                time.sleep(0.2)
        else:  # pragma: no cover - the scheduler did not start
            raise RuntimeError((folder / "scheduler.log").read_text())
        assert self.address.startswith("tcp://127.0.0.1:")

    def _start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen([DASK, *args], stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                cwd=self.folder, start_new_session=True)
        log.close()
        self.procs[name] = proc
        return proc

    def start_worker(self, name: str) -> subprocess.Popen:
        return self._start(name, "worker", "--scheduler-file", str(self.scheduler_file), "--nthreads", "1",
                           "--nworkers", "1", "--no-dashboard", "--host", "127.0.0.1", "--name", name)

    def client(self):
        from distributed import Client

        return Client(self.address, timeout=60, set_as_default=False)

    def wait_for_workers(self, n: int) -> None:
        with self.client() as client:
            client.wait_for_workers(n, timeout=300)

    def kill(self, name: str) -> None:
        proc = self.procs.pop(name)
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the nanny and its worker process, at once
        except ProcessLookupError:
            pass
        proc.wait(30)

    def stop(self) -> None:
        for name in [n for n in self.procs if n != "scheduler"] + ["scheduler"]:
            proc = self.procs.pop(name, None)
            if proc is None:
                continue
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(30)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(30)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        c.start_worker("w1")
        c.start_worker("w2")
        c.wait_for_workers(2)
        yield c
    finally:
        c.stop()


def graded_here() -> bool:
    """Run on each worker: whether this worker process graded something (it holds a grading thread)."""
    import nndl.cluster

    return nndl.cluster._grader is not None and nndl.cluster._grader.is_alive()


def test_the_cluster_grades_exactly_like_the_local_batch(cluster, tmp_path):
    from nndl.batch import LocalPool, collect, grade_items, hidden_roots
    from nndl.cluster import DaskGrading
    from nndl.grading import hidden_paths

    root = tmp_path / "subs"
    write_tree(root, students=3, sets=["activations", "linear_nets"])  # reference, blank, a mutant of each
    cfg = course()
    items = collect([root], None, cfg)
    hidden = hidden_paths((), hidden_roots([root]))
    local = grade_items(items, LocalPool(2, cfg.limits, hidden), instructor=True, cfg=cfg, hidden=hidden)
    remote_grading = DaskGrading(cluster.address)
    try:
        remote = grade_items(items, remote_grading, instructor=True, cfg=cfg, hidden=hidden)
    finally:
        remote_grading.close()
    assert [o.report for o in remote.outcomes] == [o.report for o in local.outcomes]
    assert [o.status for o in remote.outcomes] == ["graded"] * len(items)
    scores = {o.item.path.relative_to(root).as_posix(): o.report["score"] for o in remote.outcomes}
    assert scores["s000/activations.py"] == FULL and scores["s001/activations.py"] == 0
    assert 0 < scores["s002/activations.py"] < FULL  # a mutant loses some points, not all
    with cluster.client() as client:
        assert set(client.run(graded_here).values()) == {True}, "both workers grade, each in its sandbox"


def test_the_command_line_uses_the_cluster_from_the_environment(cluster, tmp_path):
    root = tmp_path / "subs"
    write_tree(root, students=2, sets=["activations"])
    env = {**os.environ, "NNDL_SCHEDULER": cluster.address}
    proc = subprocess.run([sys.executable, "-m", "nndl.cli_grade", str(root)], capture_output=True, text=True,
                          timeout=600, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"on the Dask cluster at {cluster.address}" in proc.stdout
    assert "session1/activations" in proc.stdout and "graded 2 in" in proc.stdout


def _rows(db: Path) -> list[tuple]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT submission, score, report FROM grades").fetchall()
    except sqlite3.OperationalError:
        return []


def test_a_worker_killed_mid_batch_loses_nothing(cluster, tmp_path):
    cluster.start_worker("w3")
    cluster.wait_for_workers(3)
    n = 6  # two rounds over three workers: w3 holds a task when it is killed, and others remain
    files = []
    for i in range(n):
        path = tmp_path / "subs" / f"student{i}" / "activations.py"
        path.parent.mkdir(parents=True)
        body = REFERENCE if i % 3 else REFERENCE.replace("def logistic(x):", "def logistic_(x):")
        path.write_text("import time\ntime.sleep(1.5)\n" + body, encoding="utf-8")
        files.append(path)
    db = tmp_path / "grades.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "nndl.cli_grade", str(tmp_path / "subs"), "--scheduler",
                             cluster.address, "--db", str(db), "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        with cluster.client() as client:
            w3 = next(a for a, w in client.scheduler_info()["workers"].items() if w["name"] == "w3")
            deadline = time.monotonic() + 300
            held: list = []
            while not held and time.monotonic() < deadline and proc.poll() is None:
                held = [k for k in client.processing().get(w3, []) if str(k).startswith("nndl-grade-")]
                time.sleep(0.05)
            assert held, "worker w3 never got a submission to grade"
            cluster.kill("w3")  # mid-task: its submissions go back to the scheduler
            before = len(_rows(db))
        out, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err[-3000:]
    assert before < n
    rows = _rows(db)
    assert sorted(r[0] for r in rows) == sorted(str(f.resolve()) for f in files)
    assert len({r[0] for r in rows}) == len(rows) == n  # every grade exactly once
    assert len(out.splitlines()) == n
    for submission, score, report in rows:
        full = int(Path(submission).parent.name.removeprefix("student")) % 3 != 0
        assert (score == pytest.approx(FULL)) == full
        assert "the cluster could not grade it" not in report


# --- simulation sweeps --------------------------------------------------------------------------------

def _sweep(config, seed):
    from nndl.simulate import Run, run_seed

    return [Run(f"k={k}", {"k": k, "seed": run_seed(seed, f"k={k}")}) for k in range(config["runs"])]


def _where(params, ctx):
    import numpy as np
    from distributed import get_worker

    try:
        worker = get_worker().name
    except ValueError:
        worker = None
    return {"value": float(np.random.default_rng(params["seed"]).normal()), "worker": worker}


def _no_figures(config, results):
    return {}


def _toy():
    from nndl.simulate import Simulation

    return Simulation(configs={"quick": {"runs": 4}, "default": {"runs": 6}}, runs=_sweep, run=_where,
                      figures=_no_figures)


def test_simulation_sweeps_run_on_the_cluster(cluster, tmp_path, monkeypatch):
    from nndl import simulate
    from nndl.cluster import DaskRunner

    toy = _toy()
    serial = simulate.run_simulation("toy", toy, quick=True, out=tmp_path / "serial", workers=1)
    with DaskRunner(cluster.address) as runner:
        remote = simulate.run_simulation("toy", toy, quick=True, out=tmp_path / "remote", runner=runner)
    for k in range(4):
        here = json.loads((serial / "runs" / f"k={k}.json").read_text())
        there = json.loads((remote / "runs" / f"k={k}.json").read_text())
        assert here["params"] == there["params"] and here["data"]["value"] == there["data"]["value"]
        assert here["data"]["worker"] is None and there["data"]["worker"] in ("w1", "w2")

    # `nndl simulate SET` with NNDL_SCHEDULER (and --scheduler) sends the runs to the cluster
    monkeypatch.setattr(simulate, "load_simulation", lambda name: ("toy", toy))
    monkeypatch.setenv("NNDL_SCHEDULER", cluster.address)
    assert simulate.main(["toy", "--quick", "--out", str(tmp_path / "cli")]) == 0
    workers = {json.loads(p.read_text())["data"]["worker"] for p in (tmp_path / "cli" / "runs").iterdir()}
    assert workers and workers <= {"w1", "w2"}
    monkeypatch.delenv("NNDL_SCHEDULER")
    with pytest.raises(SystemExit) as exit_info:
        simulate.main(["toy", "--quick", "--out", str(tmp_path / "bad"), "--scheduler", "tcp://127.0.0.1:1"])
    assert exit_info.value.code == 2 and not (tmp_path / "bad").exists()


# --- without a cluster ------------------------------------------------------------------------------

def test_an_unreachable_scheduler_is_one_clear_line(tmp_path):
    path = tmp_path / "activations.py"
    path.write_text(REFERENCE)
    db = tmp_path / "grades.sqlite"
    proc = subprocess.run([sys.executable, "-m", "nndl.cli_grade", str(path), "--scheduler", "tcp://127.0.0.1:1",
                           "--db", str(db)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("nndl-grade: error: --scheduler tcp://127.0.0.1:1: cannot reach the Dask scheduler")
    assert len(proc.stderr.strip().splitlines()) == 1 and not db.exists()


def test_nothing_about_dask_is_imported_without_a_scheduler(tmp_path):
    (tmp_path / "homework.py").write_text("x = 1\n")  # no set: graded without starting anything
    code = ("import sys\n"
            "from nndl.cli import grade_main, main\n"
            "import nndl.batch, nndl.cluster, nndl.simulate\n"
            f"assert grade_main([{str(tmp_path / 'homework.py')!r}, '--json']) == 0\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed'))\n"
            "assert not loaded, loaded\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={k: v for k, v in os.environ.items() if k != "NNDL_SCHEDULER"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout)["score"] == 0
