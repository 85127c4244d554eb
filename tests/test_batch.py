"""Batch grading (``nndl-grade`` on folders, ``--workers``): usage errors are not grades, a tree is graded
in parallel with a progress bar, a summary, JSON and CSV; the ledger is the source of truth across a
kill and a restart; a grading process that crashes or hangs costs one submission its grade (with the
reason), never the batch; two batches side by side never touch each other's workers."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nndl import paths
from nndl.config import course
from tests.trees import ledger_rows

pytestmark = pytest.mark.slow

FULL = {s: course().set("session1", s).max_auto_points for s in ("activations", "linear_nets")}
REFERENCE = paths.solution_file("session1", "activations").read_text(encoding="utf-8")


def _grade(*args: str, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nndl.cli_grade", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


# --- usage errors --------------------------------------------------------------------------------

def _usage_cases(tmp: Path) -> list[tuple[list[str], str]]:
    (tmp / "empty").mkdir()
    (tmp / "notes").mkdir()
    (tmp / "notes" / "README.txt").write_text("no code here")
    (tmp / "activations.py").write_text(REFERENCE)
    return [
        ([str(tmp / "missing.py"), "--set", "activations"], f"{tmp / 'missing.py'}: no such file or directory"),
        ([str(tmp / "activations.py"), str(tmp / "typo")], f"{tmp / 'typo'}: no such file or directory"),
        ([str(tmp / "activations.py"), "--set", "activation"], "--set activation: unknown exercise set 'activation'"),
        ([str(tmp / "empty"), "--set", "activations"], f"{tmp / 'empty'}: no submissions in this folder"),
        ([str(tmp / "notes")], f"{tmp / 'notes'}: no submissions in this folder"),
        ([str(tmp / "activations.py"), "--workers", "0"], "--workers 0: must be a positive integer"),
    ]


def test_usage_errors_are_one_line_exit_2_and_nothing_in_the_ledger(tmp_path):
    for args, message in _usage_cases(tmp_path):
        db = tmp_path / "grades.sqlite"
        proc = _grade(*args, "--db", str(db), timeout=120)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert proc.stderr.splitlines() == [proc.stderr.strip()] and proc.stderr.startswith("nndl-grade: error: ")
        assert message in proc.stderr, proc.stderr
        assert proc.stdout == "" and not db.exists()


def test_discovery_of_an_nbgrader_course_and_of_any_tree(tmp_path):
    from nndl.batch import discover

    course_dir = tmp_path / "course"
    for student in ("bob", "alice"):
        folder = course_dir / "submitted" / student / "session1"
        folder.mkdir(parents=True)
        (folder / "activations.ipynb").write_text("{}")
        (folder / "timestamp.txt").write_text("2024-03-28 12:00:00")
        (folder / ".ipynb_checkpoints").mkdir()
        (folder / ".ipynb_checkpoints" / "activations-checkpoint.ipynb").write_text("{}")
    (course_dir / "nbgrader_config.py").write_text("c = get_config()\n")  # not a submission
    (course_dir / "source" / "session1").mkdir(parents=True)
    (course_dir / "source" / "session1" / "activations.ipynb").write_text("{}")
    found = discover([course_dir])
    assert [(p.relative_to(course_dir).as_posix(), s) for p, s in found] == [
        ("submitted/alice/session1/activations.ipynb", "alice"),
        ("submitted/bob/session1/activations.ipynb", "bob")]
    tree = tmp_path / "tree"
    (tree / "carol" / "week1").mkdir(parents=True)
    (tree / "carol" / "week1" / "linear_nets.py").write_text("x = 1\n")
    (tree / "activations.py").write_text("x = 1\n")
    (tree / "__pycache__").mkdir()
    (tree / "__pycache__" / "activations.py").write_text("x = 1\n")
    found = discover([tree, tree / "activations.py"])  # each file once
    assert [(p.relative_to(tree).as_posix(), s) for p, s in found] == [
        ("activations.py", "activations"), ("carol/week1/linear_nets.py", "carol")]


# --- a tree, in parallel -----------------------------------------------------------------------------

def _tree(root: Path) -> dict[str, tuple[str, float]]:
    """``{file relative to root: (student, expected score)}``."""
    from nndl.course_dir import filled_notebook

    import nbformat

    stub = paths.stub_file("session1", "activations").read_text(encoding="utf-8")
    files = {
        "alice/activations.py": (REFERENCE, FULL["activations"]),
        "bob/activations.py": (stub, 0.0),
        "bob/linear_nets.py": (paths.solution_file("session1", "linear_nets").read_text(encoding="utf-8"),
                               FULL["linear_nets"]),
        "carol/activations.ipynb": (nbformat.writes(filled_notebook("session1", "activations")), FULL["activations"]),
        "dave/activations.py": ("import sys\nsys.exit(3)\n" + stub, 0.0),
    }
    for rel, (text, _) in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return {rel: (rel.split("/")[0], score) for rel, (_, score) in files.items()}


def test_a_tree_graded_in_parallel_with_progress_json_csv_and_a_rerun_that_grades_nothing(tmp_path):
    root = tmp_path / "submissions"
    expected = _tree(root)
    db, table = tmp_path / "grades.sqlite", tmp_path / "points.csv"
    proc = _grade(str(root), "--workers", "2", "--json", "--csv", str(table), "--db", str(db), "--progress")
    assert proc.returncode == 0, proc.stderr[-3000:]
    reports = [json.loads(line) for line in proc.stdout.splitlines()]
    # input order (sorted), whatever order the two grading processes finished in
    assert [Path(r["submission"]).relative_to(root).as_posix() for r in reports] == sorted(expected)
    for r in reports:
        student, score = expected[Path(r["submission"]).relative_to(root).as_posix()]
        assert r["student"] == student and r["score"] == pytest.approx(score), r
        assert all(c["passed"] or c["message"] for c in r["checks"])
    assert f"{len(expected)}/{len(expected)}" in proc.stderr and "failed=" in proc.stderr  # the progress bar
    with open(table, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == sum(len(r["checks"]) for r in reports)
    assert {(row["student"], row["set"]) for row in rows} == {(r["student"], r["set"]) for r in reports}
    alice = [row for row in rows if row["student"] == "alice"]
    assert sum(float(row["points"]) for row in alice) == pytest.approx(FULL["activations"])
    assert len(ledger_rows(db)) == len(expected)

    # Started again: everything is recorded, nothing is graded, the summary says so.
    again = _grade(str(root), "--db", str(db), timeout=120)
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.count("already recorded: ") == len(expected)
    assert "graded 0 in" in again.stdout and f"{len(expected)} recorded earlier" in again.stdout
    assert len(ledger_rows(db)) == len(expected)


def test_kill_and_restart_with_two_workers_loses_and_duplicates_nothing(tmp_path):
    n = 10
    files = []
    for i in range(n):
        path = tmp_path / "subs" / f"student{i}" / "activations.py"
        path.parent.mkdir(parents=True)
        body = REFERENCE if i % 2 == 0 else REFERENCE.replace("def logistic(x):", "def logistic_(x):")
        path.write_text("import time\ntime.sleep(1.0)\n" + body, encoding="utf-8")
        files.append(path)
    db = tmp_path / "results.sqlite"
    cmd = [sys.executable, "-m", "nndl.cli_grade", str(tmp_path / "subs"), "--workers", "2", "--db", str(db)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 300
    while len(ledger_rows(db)) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, f"the batch ended before it could be killed: {proc.communicate()}"
    os.killpg(proc.pid, signal.SIGKILL)  # the coordinator and both grading processes, mid-batch
    proc.communicate()
    partial = ledger_rows(db)
    assert 3 <= len(partial) < n

    out, err = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True).communicate(timeout=600)
    rows = ledger_rows(db)
    assert sorted(r[0] for r in rows) == sorted(str(f.resolve()) for f in files), err
    assert len({r[0] for r in rows}) == len(rows) == n
    assert out.count("already recorded: ") == len(partial) and out.count("graded: ") == n - len(partial)
    for submission, set_key, score in rows:
        assert set_key == "session1/activations"
        full = int(Path(submission).parent.name.removeprefix("student")) % 2 == 0
        assert (score == pytest.approx(FULL["activations"])) == full


# --- a grading process that crashes or hangs -------------------------------------------------------------

def faulty_grade(task: dict, box) -> dict:
    """Grades like nndl.batch.grade_task, except that it ends its process on a file named crash*.py
    and hangs on hang*.py (what a grader bug or a kernel OOM kill would do to a grading process)."""
    from nndl.batch import grade_task

    name = Path(task["path"]).name
    if name.startswith("crash"):
        os._exit(3)
    if name.startswith("hang"):
        time.sleep(3600)
    return grade_task(task, box)


def test_a_crashing_or_hanging_grading_process_costs_one_grade_and_the_batch_goes_on(tmp_path, monkeypatch):
    from nndl.batch import LocalPool, collect, grade_items, hidden_roots
    from nndl.grading import hidden_paths

    monkeypatch.setenv("PYTHONPATH", str(paths.REPO_ROOT))  # the grading processes import this module
    names = ["crash.py", "ok1.py", "hang.py", "ok2.py", "ok3.py"]
    for name in names:
        (tmp_path / name).write_text(REFERENCE, encoding="utf-8")
    cfg = course()
    items = collect([tmp_path / n for n in names], "activations", cfg)
    hidden = hidden_paths((), hidden_roots([tmp_path]))
    pool = LocalPool(2, cfg.limits, hidden, grade_fn="tests.test_batch:faulty_grade")
    seen: list[int] = []
    started = time.monotonic()
    result = grade_items(items, pool, instructor=True, cfg=cfg, hidden=hidden, task_seconds=10.0,
                         on_outcome=lambda i, o: seen.append(i))
    assert sorted(seen) == list(range(len(names)))
    by_name = {o.item.path.name: o for o in result.outcomes}
    for ok in ("ok1.py", "ok2.py", "ok3.py"):
        assert by_name[ok].status == "graded" and by_name[ok].report["score"] == FULL["activations"]
    crash, hang = by_name["crash.py"], by_name["hang.py"]
    assert crash.status == hang.status == "failed"
    assert crash.report["score"] == hang.report["score"] == 0
    assert "its grading process ended while grading it (exit status 3)" in crash.report["problems"][-1]
    assert "grading did not finish within 10 s" in hang.report["problems"][-1]
    for outcome in (crash, hang):
        assert all(c["message"] == outcome.report["problems"][-1] for c in outcome.report["checks"])
    assert pool.ended == 2
    assert time.monotonic() - started < 300


# --- thread pools of the grading processes -------------------------------------------------------------

def thread_pools(task: dict, box) -> dict:
    """A grade function that reports its grading process's torch and OpenMP threads instead of a grade."""
    import torch

    return {"torch": torch.get_num_threads(), "omp": os.environ.get("OMP_NUM_THREADS")}


def test_each_grading_process_gets_its_share_of_the_cores(monkeypatch):
    from nndl import threads
    from nndl.batch import LocalPool

    monkeypatch.setenv("PYTHONPATH", str(paths.REPO_ROOT))  # the grading processes import this module
    for name in threads.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(threads, "cores", lambda: 2)  # 2 processes on 2 cores: one thread each
    pool = LocalPool(2, course().limits, grade_fn="tests.test_batch:thread_pools")
    got: dict[int, dict] = {}
    pool.run([{"i": i, "budget_s": 120.0} for i in range(4)], lambda i, report, error: got.update({i: report}))
    assert got == {i: {"torch": 1, "omp": "1"} for i in range(4)}


# --- two batches side by side ------------------------------------------------------------------------

#: Submissions of the other batch, each sleeping 3 s while it loads: it runs for 15 s or more with one
#: worker, several times what this test's own grading (a sandbox start and one submission) takes.
STUDENTS_BESIDE = 5

def test_two_batches_at_once_never_see_count_or_kill_each_others_workers(tmp_path):
    from nndl.grading import grade_paths
    from nndl.sandbox import _linux
    from nndl.sandbox.host import UID_RANGE, leased_uids

    assert os.geteuid() == 0, "this test needs the separate-uid protection (root)"
    slow = tmp_path / "other"
    for i in range(STUDENTS_BESIDE):
        path = slow / f"student{i}" / "activations.py"
        path.parent.mkdir(parents=True)
        path.write_text("import time\ntime.sleep(3.0)\n" + REFERENCE, encoding="utf-8")
    other = subprocess.Popen([sys.executable, "-m", "nndl.cli_grade", str(slow), "--workers", "1", "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        theirs: list[int] = []
        while not theirs and time.monotonic() < deadline and other.poll() is None:
            theirs = _linux.pids_owned_by(set(UID_RANGE) - leased_uids())
            time.sleep(0.1)
        assert theirs, "the other batch never started a sandboxed worker"

        mine = tmp_path / "mine" / "activations.py"
        mine.parent.mkdir()
        shutil.copy(paths.solution_file("session1", "activations"), mine)
        [report] = grade_paths([mine])
        assert report.score == FULL["activations"]
        assert other.poll() is None, "the other batch must still be running for this test to mean anything"
        assert _linux.pids_owned_by(set(UID_RANGE) - leased_uids()), "the other batch's workers are gone"
        # Looking for our leftovers looks at our workers only: none, while the other batch's run.
        assert leased_uids() and _linux.pids_owned_by(leased_uids(), zombies=True) == []
        out, err = other.communicate(timeout=600)
    finally:
        if other.poll() is None:
            other.kill()
            other.communicate()
    assert other.returncode == 0, err[-3000:]
    reports = [json.loads(line) for line in out.splitlines()]
    assert len(reports) == STUDENTS_BESIDE
    for r in reports:  # nothing of theirs was killed: every check passed
        assert r["score"] == FULL["activations"], [c["message"] for c in r["checks"] if not c["passed"]]


def test_messages_are_printed_as_text_not_rich_markup(capsys):
    from types import SimpleNamespace

    from nndl.batch import BatchResult, Outcome, print_details, print_summary

    message = "relu(x=array([nan])) returned array([0.]); expected array([nan]). Hint: [bold]NaN[/bold] passes"
    report = {"submission": "odd[name].py", "set": "session1/activations", "score": 0.0, "max_score": 1.0,
              "checks": [{"id": "leaky_relu_negative_side", "points": 0.0, "max_points": 1.0, "passed": False,
                          "message": message}],
              "problems": ["cell [3] did not run"]}
    outcome = Outcome(item=SimpleNamespace(student="s", path=Path("odd[name].py")), report=report, status="graded")
    print_details([outcome])
    print_summary(BatchResult(outcomes=[outcome], timings={"wall_s": 1.0}, workers=1))
    out = " ".join(capsys.readouterr().out.split())  # the table may fold the message over lines
    for text in ("array([nan])", "array([0.])", "[bold]NaN[/bold]", "odd[name].py", "cell [3] did not run"):
        assert text in out or text.replace(" ", "") in out.replace(" ", ""), (text, out)
