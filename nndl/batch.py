"""Grading a whole course: many submissions, parallel sandboxed grading processes, one ledger.

``nndl-grade [PATH...] [--workers N] [--scheduler ADDRESS] [--db FILE] [--csv FILE] [--json]``

1. **Discovery** (:func:`collect`): each PATH is a submission file or a folder
   tree (an nbgrader course's ``submitted/<student>/<assignment>/``, or any
   folder of ``.py`` / ``.ipynb`` files, student = the first folder below
   it).  A path that does not exist, an unknown ``--set`` or a folder without
   submissions is a :class:`UsageError`: one line, exit status 2, nothing
   graded and nothing recorded.
2. **Loading** happens here, in the coordinating process: each submission
   becomes a *task*, plain JSON (its cells, set, problems), so a grading
   process never reads the instructor's disk and a cluster worker needs
   nothing but the task.
3. **Grading** runs in N grading processes (:class:`LocalPool`), each with one
   warm :class:`~nndl.sandbox.Sandbox` for its whole life, one task at a time;
   or on a Dask cluster (:class:`nndl.cluster.DaskGrading`).  A grading process
   that dies or overruns its task's time budget is replaced; the submission
   it held gets a zero report with the reason, and the batch goes on.
4. **Recording** happens here too, one SQLite transaction per result
   (:class:`nndl.ledger.Ledger`), as results arrive: a batch killed halfway
   and started again skips what is recorded, and nothing is recorded twice.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import importlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from nndl.config import ConfigError, Course, Limits, course
from nndl.loader import Cell, Submission, load_submission
from nndl.threads import cores, environment, share

#: File types graded when a folder is given.
SUFFIXES = (".py", ".ipynb")
#: Seconds a grading process may take to start (its zygote imports torch on a cold cache).
START_SECONDS = 240.0
#: Seconds a grading process has to clean up after SIGTERM before it is killed.
STOP_GRACE_SECONDS = 10.0
#: Consecutive start failures of grading processes after which the batch stops (a sandbox problem).
MAX_START_FAILURES = 3
#: The function that grades a task in a grading process (``module:function``).
DEFAULT_GRADE_FN = "nndl.batch:grade_task"

Deliver = Callable[[int, "dict | None", "str | None"], None]


class UsageError(ValueError):
    """Bad command-line input: one line naming it, exit status 2, nothing graded or recorded."""


class BatchError(RuntimeError):
    """The batch cannot go on (e.g. the sandbox does not start): not the fault of a submission."""


# --- discovery ------------------------------------------------------------------------------------

@dataclasses.dataclass
class Item:
    """One submission of the batch."""

    path: Path
    student: str
    sub: Submission
    sha256: str

    @property
    def set_key(self) -> str:
        return self.sub.set_key


def _skipped(rel: Path) -> bool:
    return any(part.startswith(".") or part == "__pycache__" for part in rel.parts)


def _tree(folder: Path) -> list[tuple[Path, str]]:
    """Submissions below ``folder`` with their students."""
    root = folder / "submitted" if (folder / "submitted").is_dir() else folder
    found = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.suffix not in SUFFIXES or _skipped(rel) or not path.is_file():
            continue
        # nbgrader: submitted/<student>/<assignment>/<set>.ipynb; any tree: <student>/.../<file>.
        found.append((path, rel.parts[0] if len(rel.parts) > 1 else path.stem))
    return found


def discover(paths: Sequence[Path], set_name: str | None = None,
             cfg: Course | None = None) -> list[tuple[Path, str]]:
    """``(file, student)`` for every submission the paths name, in order, each once."""
    cfg = cfg or course()
    if set_name:
        try:
            cfg.find_set(set_name)
        except ConfigError as exc:
            raise UsageError(f"--set {set_name}: {exc}") from None
    if not paths:
        raise UsageError("give at least one submission file or folder")
    found: list[tuple[Path, str]] = []
    for p in map(Path, paths):
        if p.is_dir():
            subs = _tree(p)
            if not subs:
                raise UsageError(f"{p}: no submissions in this folder (no .py or .ipynb files)")
            found += subs
        elif p.exists():
            found.append((p, p.parent.name if p.parent.name not in ("", ".") else p.stem))
        else:
            raise UsageError(f"{p}: no such file or directory")
    seen: set[Path] = set()
    unique = []
    for path, student in found:
        real = path.resolve()
        if real not in seen:
            seen.add(real)
            unique.append((path, student))
    return unique


def load_items(found: Iterable[tuple[Path, str]], set_name: str | None = None,
               cfg: Course | None = None) -> list[Item]:
    from nndl.ledger import file_digest

    cfg = cfg or course()
    return [Item(path, student, load_submission(path, set_name, cfg), file_digest(path)) for path, student in found]


def collect(paths: Sequence[Path], set_name: str | None = None, cfg: Course | None = None) -> list[Item]:
    """:func:`discover` then read every submission (never raises on a bad file, only on bad input)."""
    cfg = cfg or course()
    return load_items(discover(paths, set_name, cfg), set_name, cfg)


def hidden_roots(paths: Sequence[Path], extra: Iterable[Path] = ()) -> list[Path]:
    """Folders the sandbox hides: the folders given, the folders of the files given, ``extra``;
    each once, none inside another (a 240-student tree is one mount, not 240)."""
    roots = sorted({(p if p.is_dir() else p.parent).resolve() for p in map(Path, paths)} |
                   {Path(e).resolve() for e in extra})
    out: list[Path] = []
    for r in roots:
        if not any(r == o or o in r.parents for o in out):
            out.append(r)
    return out


# --- tasks: plain data, graded anywhere --------------------------------------------------------------

def make_task(index: int, item: Item, *, instructor: bool, limits: Limits, hidden: Sequence[Path],
              budget_s: float) -> dict[str, Any]:
    sub = item.sub
    return {"i": index, "path": str(sub.path), "assignment": sub.assignment, "set": sub.set_name,
            "cells": [[c.index, c.source, c.label] for c in sub.cells], "problems": list(sub.problems),
            "instructor": bool(instructor), "limits": dataclasses.asdict(limits),
            "hidden": [str(h) for h in hidden], "budget_s": float(budget_s)}


def task_submission(task: dict[str, Any]) -> Submission:
    return Submission(Path(task["path"]), task["assignment"], task["set"],
                      [Cell(int(i), str(src), str(label)) for i, src, label in task["cells"]],
                      list(task["problems"]))


def task_course(task: dict[str, Any]) -> Course:
    return dataclasses.replace(course(), limits=Limits(**task["limits"]))


def grade_task(task: dict[str, Any], box: Any) -> dict[str, Any]:
    """Grade one task in ``box`` (an entered Sandbox); the report as JSON-able data."""
    from nndl.grading import grade_submission

    return grade_submission(task_submission(task), box, instructor=task["instructor"], cfg=task_course(task)).as_json()


def task_budget(limits: Limits, n_checks: int) -> float:
    """Wall-clock seconds a grading process may spend on one submission before it counts as hung:
    loading (with its retries) and every check, each with a reload after a restart, and a margin."""
    from nndl.sandbox.host import MAX_LOAD_ATTEMPTS

    return (limits.load_seconds * MAX_LOAD_ATTEMPTS + n_checks * (limits.check_seconds + limits.load_seconds)
            + 60.0)


def failure_report(item: Item, reason: str, instructor: bool) -> dict[str, Any]:
    """Zero points on every check, each with ``reason`` (its grading process crashed, hung...)."""
    from nndl.grading import _zero_report

    return _zero_report(item.sub, reason, instructor).as_json()


def resolve(spec: str) -> Callable:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


# --- local grading processes ---------------------------------------------------------------------------

class _Stop(KeyboardInterrupt):
    """SIGTERM in a grading process: unwinds past the checks' ``except Exception`` so the Sandbox closes."""


def _on_sigterm(*_: object) -> None:
    raise _Stop()


_BOOT = ("import sys\n"
         "sys.path[:] = [p for p in sys.path if p not in ('', '.')]\n"
         "from nndl.batch import serve_fd\n"
         "serve_fd(int(sys.argv[1]))\n"
         # Its sandbox is closed: skip the interpreter's teardown (about 0.5 s with torch loaded).
         "sys.stdout.flush(); sys.stderr.flush()\n"
         "import os; os._exit(0)\n")


def serve_fd(fd: int) -> None:
    """Entry point of a grading process started by :class:`LocalPool`: its connection is ``fd``."""
    from multiprocessing.connection import Connection

    conn = Connection(fd)
    try:
        serve(conn, conn.recv_bytes().decode())
    except (EOFError, OSError, _Stop):
        pass  # the coordinator is gone, or stopped this process while it started
    finally:
        conn.close()


def serve(conn: Any, config_json: str) -> None:
    """A grading process: one warm Sandbox for its life, then one task at a time from ``conn``."""
    from nndl.sandbox import Sandbox

    signal.signal(signal.SIGTERM, _on_sigterm)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's to handle
    try:
        from nndl.sandbox import _linux

        _linux.prctl(_linux.PR_SET_PDEATHSIG, signal.SIGTERM)  # end with the coordinator
    except (OSError, AttributeError):
        pass
    config = json.loads(config_json)
    grade = resolve(config["grade_fn"])
    try:
        box = Sandbox(Limits(**config["limits"]), hidden_paths=[Path(h) for h in config["hidden"]])
        box.__enter__()
    except Exception as exc:  # noqa: BLE001 - reported to the coordinator, which stops the batch
        conn.send_bytes(json.dumps({"start_error": f"{type(exc).__name__}: {exc}"[:2000]}).encode())
        return
    try:
        conn.send_bytes(json.dumps({"ready": True}).encode())
        while True:
            try:
                task = json.loads(conn.recv_bytes())
            except (EOFError, OSError):
                return
            if task is None:
                return
            try:
                reply = {"i": task["i"], "report": grade(task, box)}
            except Exception as exc:  # noqa: BLE001 - a grader bug costs this submission, not the batch
                reply = {"i": task["i"], "error": f"internal grader error ({type(exc).__name__}: {exc})"}
            conn.send_bytes(json.dumps(reply).encode())
    except _Stop:
        return
    finally:
        box.__exit__(None, None, None)


@dataclasses.dataclass
class _Slot:
    proc: Any
    conn: Any
    ready: bool = False
    task: dict | None = None
    deadline: float = 0.0
    started: float = 0.0
    stopping: bool = False


class LocalPool:
    """``workers`` grading processes on this machine, each with its own warm sandbox.

    ``run(tasks, deliver)`` calls ``deliver(i, report, None)`` for each graded
    task and ``deliver(i, None, reason)`` for one whose grading process
    crashed or overran ``task["budget_s"]`` (that process is replaced).
    """

    def __init__(self, workers: int, limits: Limits, hidden: Sequence[Path] = (), *,
                 grade_fn: str = DEFAULT_GRADE_FN) -> None:
        if workers < 1:
            raise UsageError(f"--workers {workers}: must be a positive integer")
        self.workers = workers
        self.config = json.dumps({"limits": dataclasses.asdict(limits), "hidden": [str(h) for h in hidden],
                                  "grade_fn": grade_fn})
        #: Each grading process's environment: its share of the cores for its checks' torch/BLAS threads.
        self.env = environment(share(workers))
        self.timings: dict[str, float] = {}
        self.ended = 0
        self.where = "on this machine"

    def _start(self) -> _Slot:
        import socket
        from multiprocessing.connection import Connection

        # A fresh interpreter (not fork: the coordinator holds threads and a SQLite connection; not
        # multiprocessing's spawn: it re-runs the caller's __main__).  -P: the current directory, which
        # may hold submissions, never comes first on sys.path.
        parent, child = socket.socketpair()
        try:
            proc = subprocess.Popen([sys.executable, "-P", "-c", _BOOT, str(child.fileno())],
                                    pass_fds=[child.fileno()], stdin=subprocess.DEVNULL, env=self.env)
        finally:
            child.close()
        conn = Connection(parent.detach())
        conn.send_bytes(self.config.encode())
        return _Slot(proc, conn, started=time.monotonic())

    @staticmethod
    def _ask_to_stop(slot: _Slot) -> None:
        """Tell a grading process to close its sandbox and exit; do not wait for it."""
        if not slot.stopping and slot.proc.poll() is None:
            slot.stopping = True
            try:
                slot.conn.send_bytes(b"null")
            except OSError:
                pass

    @classmethod
    def _stop(cls, *slots: _Slot, force: bool = False) -> None:
        """Stop grading processes together: ask them all, then wait for each within one grace period;
        with ``force`` (or past the grace period) SIGTERM, then SIGKILL."""
        if not force:
            for slot in slots:
                cls._ask_to_stop(slot)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for slot in slots:
            proc = slot.proc
            if not force:
                try:
                    proc.wait(max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    pass
            if proc.poll() is None:
                proc.terminate()  # SIGTERM: the process closes its sandbox (kills the submission's processes)
                try:
                    proc.wait(STOP_GRACE_SECONDS)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            slot.conn.close()

    def run(self, tasks: Sequence[dict], deliver: Deliver) -> None:
        from multiprocessing.connection import wait

        pending = deque(tasks)
        t0 = time.monotonic()
        slots: list[_Slot] = [self._start() for _ in range(min(self.workers, len(pending)))]
        #: Grading processes told to stop early: idle once every task is handed out.
        retiring: list[_Slot] = []
        start_failures, last_error = 0, ""
        try:
            while pending or any(s.task is not None for s in slots):
                for s in slots:
                    if s.ready and s.task is None and pending:
                        task = pending.popleft()
                        try:
                            s.conn.send_bytes(json.dumps(task).encode())
                        except OSError:  # it just ended: the task waits for another (_step sees the end)
                            pending.appendleft(task)
                            continue
                        s.task, s.deadline = task, time.monotonic() + float(task["budget_s"])
                if not pending:
                    # Nothing left to hand out: idle processes shut down now, beside the last tasks.
                    idle = [s for s in slots if s.ready and s.task is None]
                    for s in idle:
                        self._ask_to_stop(s)
                    retiring += idle
                    slots = [s for s in slots if s not in idle]
                now = time.monotonic()
                timeout = min([max(0.0, s.deadline - now) for s in slots if s.task is not None] + [1.0])
                ready = set(wait([s.conn for s in slots], timeout))
                replaced: list[_Slot | None] = []
                for s in slots:
                    ended = self._step(s, ready, deliver)
                    if ended is None:
                        replaced.append(s)
                        continue
                    if not s.ready:
                        start_failures += 1
                        last_error = ended
                        if start_failures >= MAX_START_FAILURES:
                            raise BatchError(f"the grading processes could not start: {last_error}")
                    else:
                        start_failures = 0
                    replaced.append(self._start() if pending else None)
                    self.ended += 1
                slots = [s for s in replaced if s is not None]
                if s_ready := [s for s in slots if s.ready]:
                    self.timings.setdefault("first_ready_s", time.monotonic() - t0)
                    if len(s_ready) == len(slots):
                        self.timings.setdefault("startup_s", time.monotonic() - t0)
        finally:
            t_end = time.monotonic()
            busy = bool(pending) or any(s.task is not None for s in slots)
            self._stop(*retiring)
            self._stop(*slots, force=busy)
            self.timings["shutdown_s"] = time.monotonic() - t_end

    def _step(self, s: _Slot, ready: set, deliver: Deliver) -> str | None:
        """Handle what one grading process said or did; the reason it ended, or None while it lives."""
        msg, dead = None, False
        if s.conn in ready:
            try:
                msg = json.loads(s.conn.recv_bytes())
            except (EOFError, OSError):
                dead = True
        if msg is not None:
            if msg.get("ready"):
                s.ready = True
                return None
            if "start_error" in msg:
                self._stop(s, force=True)
                return str(msg["start_error"])
            if s.task is not None and msg.get("i") == s.task["i"]:
                i, s.task = s.task["i"], None
                deliver(i, msg.get("report"), msg.get("error"))
            return None
        if dead or s.proc.poll() is not None:
            try:
                code = s.proc.wait(5.0)
            except subprocess.TimeoutExpired:  # its connection closed, yet it lives: end it
                s.proc.kill()
                code = s.proc.wait()
            why = f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"
            reason = f"its grading process ended while grading it ({why}); the batch went on"
            ended = f"a grading process ended ({why})"
        elif s.task is not None and time.monotonic() > s.deadline:
            reason = (f"grading did not finish within {s.task['budget_s']:.0f} s; its grading process was "
                      "stopped and the batch went on")
            ended = "a grading process hung"
        elif not s.ready and time.monotonic() - s.started > START_SECONDS:
            reason, ended = "", f"a grading process did not start within {START_SECONDS:.0f} s"
        else:
            return None
        self._stop(s, force=True)
        if s.task is not None:
            i, s.task = s.task["i"], None
            deliver(i, None, reason)
        return ended


# --- the batch --------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Outcome:
    item: Item
    report: dict[str, Any]
    #: "graded" (now), "recorded" (already in the ledger), "failed" (its grading crashed or hung).
    status: str

    @property
    def failed(self) -> bool:
        return self.status == "failed" or bool(self.report.get("problems"))


@dataclasses.dataclass
class BatchResult:
    outcomes: list[Outcome]
    timings: dict[str, float]
    workers: int
    where: str = "on this machine"

    @property
    def graded(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status != "recorded"]


def grade_items(items: Sequence[Item], executor: Any, *, instructor: bool, cfg: Course,
                ledger: Any = None, regrade: bool = False, hidden: Sequence[Path] = (),
                on_outcome: Callable[[int, Outcome], None] | None = None,
                task_seconds: float | None = None) -> BatchResult:
    """Grade ``items`` through ``executor`` (``run(tasks, deliver)``), recording each result in
    ``ledger`` as it arrives; ``on_outcome(index, outcome)`` after each (input order not guaranteed)."""
    from nndl.checks import load_checkset
    from nndl.grading import grade_submission

    t0 = time.monotonic()
    outcomes: list[Outcome | None] = [None] * len(items)

    def finish(i: int, report: dict, status: str) -> None:
        item = items[i]
        report = {**report, "student": item.student}
        if ledger is not None and status != "recorded":
            ledger.record(item.path, item.set_key, report, sha256=item.sha256)
        outcomes[i] = Outcome(item, report, status)
        if on_outcome is not None:
            on_outcome(i, outcomes[i])

    tasks = []
    for i, item in enumerate(items):
        stored = None if (ledger is None or regrade) else ledger.recorded(item.path, item.set_key, sha256=item.sha256)
        if stored is not None:
            finish(i, stored, "recorded")
        elif item.sub.set_name is None:
            finish(i, grade_submission(item.sub, None, instructor=instructor, cfg=cfg).as_json(), "graded")
        else:
            n = sum(1 for _, c in load_checkset(item.sub.assignment, item.sub.set_name) if instructor or c.public)
            budget = task_seconds if task_seconds is not None else task_budget(cfg.limits, n)
            tasks.append(make_task(i, item, instructor=instructor, limits=cfg.limits, hidden=hidden, budget_s=budget))

    def deliver(i: int, report: dict | None, error: str | None) -> None:
        if outcomes[i] is not None:
            return  # already delivered (never happens twice; guards the ledger all the same)
        if report is None:
            finish(i, failure_report(items[i], error or "grading failed", instructor), "failed")
        else:
            finish(i, report, "graded")

    t_run = time.monotonic()
    if tasks:
        executor.run(tasks, deliver)
    timings = {"prepare_s": t_run - t0, "wall_s": time.monotonic() - t0, **getattr(executor, "timings", {})}
    missing = [items[i].path for i, o in enumerate(outcomes) if o is None]
    if missing:  # pragma: no cover - an executor bug; never silently drop a submission
        raise BatchError(f"no result for {len(missing)} submissions, e.g. {missing[0]}")
    return BatchResult([o for o in outcomes if o is not None], timings, getattr(executor, "workers", 1),
                       getattr(executor, "where", "on this machine"))


# --- output ----------------------------------------------------------------------------------------------

CSV_COLUMNS = ["student", "set", "check", "points", "max_points", "passed", "submission", "message"]


def write_csv(path: Path, outcomes: Sequence[Outcome]) -> None:
    """Points per student x set x check (one row per check of each submission)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for o in sorted(outcomes, key=lambda o: (o.item.student, o.report["set"], str(o.item.path))):
            for c in o.report["checks"]:
                writer.writerow([o.item.student, o.report["set"], c["id"], f"{c['points']:g}",
                                 f"{c['max_points']:g}", c["passed"], str(o.item.path), c["message"]])


def _console() -> Any:
    from rich.console import Console

    # Not a terminal (CI logs, pipes): rich would wrap at 80 columns and truncate set names.
    return Console(width=None if sys.stdout.isatty() else 160)


def print_details(outcomes: Sequence[Outcome]) -> None:
    """One table per submission: every check with its points and message."""
    from rich.markup import escape
    from rich.table import Table

    console = _console()
    for o in outcomes:
        rep = o.report
        # Messages and file names are data, not markup: "array([nan])" must not lose "[nan]".
        table = Table(title=escape(f"{rep['submission']} as {rep['set']}: {rep['score']:g}/{rep['max_score']:g}"),
                      show_lines=False)
        table.add_column("check")
        table.add_column("points", justify="right")
        table.add_column("message", overflow="fold")
        public = _public_ids(rep["set"])
        for c in rep["checks"]:
            table.add_row(("" if c["id"] in public else "[dim](instructor)[/dim] ") + c["id"],
                          f"{c['points']:g}/{c['max_points']:g}", "ok" if c["passed"] else escape(c["message"]))
        console.print(table)
        for problem in rep.get("problems", []):
            console.print(f"[yellow]note:[/yellow] {escape(problem)}")


def _public_ids(set_key: str) -> set[str]:
    from nndl.checks import load_checkset

    assignment, _, name = set_key.partition("/")
    if not name:
        return set()
    return {cid for cid, c in load_checkset(assignment, name) if c.public}


def print_summary(result: BatchResult) -> None:
    """Per set: submissions, full marks, zero, failures, mean score; then throughput."""
    from rich.markup import escape
    from rich.table import Table

    by_set: dict[str, list[Outcome]] = {}
    for o in result.outcomes:
        by_set.setdefault(o.report["set"], []).append(o)
    table = Table(title=f"{len(result.outcomes)} submissions")
    for col in ("set", "submissions", "graded now", "recorded earlier", "full marks", "zero", "failures",
                "mean score"):
        table.add_column(col, justify="left" if col == "set" else "right")
    for set_key, group in sorted(by_set.items()):
        top = max((o.report["max_score"] for o in group), default=0.0)
        mean = sum(o.report["score"] for o in group) / len(group)
        table.add_row(escape(set_key), str(len(group)), str(sum(o.status != "recorded" for o in group)),
                      str(sum(o.status == "recorded" for o in group)),
                      str(sum(o.report["max_score"] > 0 and o.report["score"] == o.report["max_score"] for o in group)),
                      str(sum(o.report["score"] == 0 for o in group)), str(sum(o.failed for o in group)),
                      f"{mean:.2f}/{top:g}")
    console = _console()
    console.print(table)
    graded = len(result.graded)
    wall = result.timings.get("wall_s", 0.0)
    rate = f", {graded / wall:.2f} submissions/s" if graded and wall > 0 else ""
    console.print(f"graded {graded} in {wall:.1f} s {result.where} with {result.workers} grading process"
                  f"{'es' if result.workers != 1 else ''}{rate}; "
                  f"{len(result.outcomes) - graded} recorded earlier; "
                  f"{sum(o.failed for o in result.outcomes)} with failures or problems")


class _InOrder:
    """Prints JSON reports in input order as soon as every earlier one is printed."""

    def __init__(self, n: int, emit: Callable[[str], None]) -> None:
        self.buf: dict[int, str] = {}
        self.next = 0
        self.n = n
        self.emit = emit

    def add(self, i: int, line: str) -> None:
        self.buf[i] = line
        while self.next in self.buf:
            self.emit(self.buf.pop(self.next))
            self.next += 1


# --- the command line ------------------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``nndl-grade`` for batches (the rest are in :func:`nndl.cli.grade_main`)."""
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="grading processes in parallel, each with its own warm sandbox "
                             "(default: the machine's cores); each gets cores // N torch/BLAS threads")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="grade on a Dask cluster, e.g. tcp://HOST:8786 (default: $NNDL_SCHEDULER; "
                             "without either, this machine)")
    parser.add_argument("--csv", type=Path, default=None, metavar="FILE",
                        help="write points per student x set x check to this CSV file")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress bar on stderr (default: when stderr is a terminal)")


def run_from_args(args: argparse.Namespace) -> int:
    """``nndl-grade PATH...``: exit 0 when every submission has its grade, 2 on bad input, 1 if the batch
    could not go on."""
    from nndl.grading import hidden_paths, instructor_checks_available

    prog = "nndl-grade"
    scheduler = args.scheduler or os.environ.get("NNDL_SCHEDULER") or None
    cfg = course()
    try:
        if args.workers is not None and args.workers < 1:
            raise UsageError(f"--workers {args.workers}: must be a positive integer")
        if args.regrade and not args.db:
            raise UsageError("--regrade needs --db FILE")
        items = collect(args.paths, args.set_name, cfg)
    except UsageError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    instructor = False if args.public_only else instructor_checks_available()
    extra = [args.db.resolve().parent] if args.db else []
    hidden = hidden_paths((), hidden_roots(args.paths, extra))
    executor: Any
    if scheduler:
        from nndl.cluster import ClusterError, DaskGrading

        try:
            executor = DaskGrading(scheduler)
        except ClusterError as exc:
            print(f"{prog}: error: --scheduler {scheduler}: {exc}", file=sys.stderr)
            return 2
    else:
        n_tasks = sum(1 for it in items if it.sub.set_name)
        executor = LocalPool(max(1, min(args.workers or cores(), n_tasks)), cfg.limits, hidden)
    ledger = None
    if args.db:
        from nndl.ledger import Ledger

        ledger = Ledger(args.db)
    details = not args.json and not args.db and all(Path(p).is_file() for p in args.paths)
    show = (sys.stderr.isatty() and len(items) > 1) if args.progress is None else args.progress
    from tqdm.auto import tqdm

    bar = tqdm(total=len(items), desc="grading", unit="sub", file=sys.stderr, disable=not show,
               dynamic_ncols=True, mininterval=0.5)
    failures = 0
    ordered = _InOrder(len(items), lambda line: (bar.clear(), print(line, flush=True), bar.refresh()))

    def on_outcome(i: int, o: Outcome) -> None:
        nonlocal failures
        failures += o.failed
        if args.json:
            ordered.add(i, json.dumps(o.report))
        elif args.db:
            what = "already recorded" if o.status == "recorded" else "graded"
            bar.write(f"{what}: {o.item.path} as {o.report['set']}: {o.report['score']:g}/{o.report['max_score']:g}",
                      file=sys.stdout)
        bar.set_postfix(failed=failures, refresh=False)
        bar.update(1)

    try:
        result = grade_items(items, executor, instructor=instructor, cfg=cfg, ledger=ledger, regrade=args.regrade,
                             hidden=hidden, on_outcome=on_outcome)
    except BatchError as exc:
        bar.close()
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        bar.close()
        kept = f"; {bar.n} results are recorded in {args.db}, the same command grades the rest" if args.db else ""
        print(f"{prog}: interrupted{kept}", file=sys.stderr)
        return 130
    finally:
        bar.close()
        if ledger is not None:
            ledger.close()
        close = getattr(executor, "close", None)
        if close is not None:
            close()
    if args.csv:
        write_csv(args.csv, result.outcomes)
    if details:
        print_details(result.outcomes)
    if not args.json and (len(items) > 1 or not details):
        print_summary(result)
    return 0


__all__ = ["BatchError", "BatchResult", "Item", "LocalPool", "Outcome", "UsageError", "collect", "discover",
           "grade_items", "grade_task", "make_task", "run_from_args", "write_csv"]
