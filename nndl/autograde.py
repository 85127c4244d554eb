"""``nbgrader autograde`` records the sandbox's verdict, not the student kernel's.

nbgrader grades a test cell by what the cell printed in the student's own
kernel, where the student's code runs first and can patch anything (the
grader's functions, ``CellGrade``, ``AssertionError``...).  The course
directory written by ``nndl course`` therefore configures nbgrader's own
extension point, ``c.Autograde.autograde_preprocessors`` (see
:func:`autograde_preprocessors`), with two preprocessors of this module:

* :class:`SandboxGrades`, first, before ``Execute``: reads the notebook's test
  cells *from the gradebook* (their ``grade_id`` and the instructor's stored
  source, which names the set and the function: nothing the student can edit),
  takes the submitted notebook's code (nbgrader's sanitized copy, without the
  test cells) and starts grading it in the sandbox (:mod:`nndl.grading`: the
  checks run in the nbgrader process, the student's code in a confined worker)
  on a background thread, while nbgrader runs the kernel;
* :class:`SaveSandboxGrades`, in place of nbgrader's ``SaveAutoGrades``: waits
  for that verdict and stores each test cell's sandboxed points as its
  ``auto_score``.  The kernel's value (what nbgrader alone would have stored) is
  kept in the cell's metadata (``metadata.nndl``) and, where it differs, a note
  in the cell's output says so; the kernel's output stays, for the student to
  read, and decides nothing.

Everything else is nbgrader's, unchanged: written answers are still manual
grades, comments, late penalties, feedback and export read the gradebook.  One
sandbox (its warm zygote) serves a whole ``nbgrader autograde`` run: it starts
with the first notebook, overlapping that notebook's kernel, and ends with the
process.
"""

from __future__ import annotations

import ast
import atexit
import concurrent.futures
import dataclasses
import html
import os
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import nbformat
from nbgrader import utils as nbgrader_utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor, SaveAutoGrades

from nndl.checks import CheckResult
from nndl.config import ConfigError, Course, course
from nndl.loader import Cell, Submission

#: Points are sums of course.toml values; anything beyond rounding noise is a real difference.
POINTS_ATOL = 1e-6
#: Where SandboxGrades leaves the pending verdict for SaveSandboxGrades (nbconvert's resources).
RESOURCE_KEY = "nndl_sandbox"
#: Key of the cell metadata recording both values: ``{"kernel_points", "sandbox_points", "max_points"}``.
METADATA_KEY = "nndl"


# --- the test cells, as the gradebook knows them -----------------------------------------------

@dataclasses.dataclass(frozen=True)
class GradedCell:
    """One autograded test cell of the gradebook: which checks decide its points."""

    grade_id: str
    assignment: str
    set_name: str
    target: str
    #: Whether the instructor's cell runs the instructor-only checks (``grade.run_instructor()``).
    instructor: bool
    max_points: float


def parse_test_source(source: str) -> tuple[str, str, bool] | None:
    """``(set key, target, instructor)`` of a test cell written by ``nndl build``
    (``CellGrade("<assignment>/<set>", "<target>", globals())``), None for any other code."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    found: tuple[str, str] | None = None
    instructor = False
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        fn = node.func
        name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
        if name == "CellGrade" and len(node.args) >= 2 and all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args[:2]):
            found = (node.args[0].value, node.args[1].value)
        elif name == "run_instructor":
            instructor = True
    return None if found is None else (found[0], found[1], instructor)


def read_test_cells(gb: Gradebook, notebook: str, assignment: str,
                    cfg: Course | None = None) -> dict[str, GradedCell | None]:
    """Every autograded code cell of a notebook in the gradebook, by ``grade_id``: a
    :class:`GradedCell` where the instructor's stored source is an nndl test cell, None for
    any other autograded code cell (graded by nbgrader as usual)."""
    from nndl.checks import load_checkset

    cfg = cfg or course()
    nb = gb.find_notebook(notebook, assignment)
    solutions = {c.name for c in nb.solution_cells}
    sources = {c.name: c for c in nb.source_cells}
    out: dict[str, GradedCell | None] = {}
    for cell in nb.grade_cells:
        if cell.cell_type != "code" or cell.name in solutions:
            continue
        source = sources.get(cell.name)
        parsed = parse_test_source(source.source or "") if source is not None else None
        spec = None
        if parsed is not None:
            set_key, target, instructor = parsed
            set_assignment, _, set_name = set_key.partition("/")
            try:
                cfg.set(set_assignment, set_name)
                if target in load_checkset(set_assignment, set_name).targets:
                    spec = GradedCell(cell.name, set_assignment, set_name, target, instructor, float(cell.max_score))
            except (ConfigError, KeyError, ImportError):
                spec = None
        out[cell.name] = spec
    return out


def submission_cells(nb: nbformat.NotebookNode, test_ids: Sequence[str]) -> list[Cell]:
    """The notebook's code, as the sandbox runs it: every code cell except the test cells
    (those named by the gradebook, and any cell whose metadata says it is one)."""
    tests = set(test_ids)
    cells: list[Cell] = []
    for i, cell in enumerate(nb.get("cells", [])):
        if not isinstance(cell, Mapping) or cell.get("cell_type") != "code":
            continue
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if not isinstance(meta, Mapping):
            meta = {}
        if meta.get("grade_id") in tests or (meta.get("grade") and not meta.get("solution")):
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        cells.append(Cell(i, source, f"cell {i + 1}"))
    return cells


# --- grading in the sandbox --------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class CellPoints:
    """The sandbox's verdict on one test cell."""

    grade_id: str
    points: float
    max_points: float
    checks: tuple[CheckResult, ...]

    def lines(self) -> list[str]:
        out = []
        for r in self.checks:
            mark = "\u2713" if r.passed else "\u2717"
            out.append(f"{mark} {r.id} ({r.points:g}/{r.max_points:g})" + ("" if r.passed else f": {r.message}"))
        return out


def grade_test_cells(cells: Sequence[Cell], specs: Mapping[str, GradedCell | None], box: Any, *,
                     filename: str, cfg: Course | None = None) -> dict[str, CellPoints]:
    """Grade the notebook's code (``cells``) in ``box`` once per set; the points of each test cell."""
    from nndl.checks import load_checkset
    from nndl.grading import grade_submission

    cfg = cfg or course()
    by_set: dict[tuple[str, str], list[GradedCell]] = {}
    for spec in specs.values():
        if spec is not None:
            by_set.setdefault((spec.assignment, spec.set_name), []).append(spec)
    out: dict[str, CellPoints] = {}
    for (assignment, set_name), group in by_set.items():
        sub = Submission(Path(filename), assignment, set_name, list(cells), [])
        report = grade_submission(sub, box, instructor=any(s.instructor for s in group), cfg=cfg)
        checkset = load_checkset(assignment, set_name)
        for spec in group:
            results = tuple(r for r in report.checks
                            if checkset[r.id].target == spec.target and (r.public or spec.instructor))
            points = sum(r.points for r in results)
            # The gradebook's maximum is the one nbgrader scores against (course.toml at generate time).
            points = min(points, spec.max_points)
            out[spec.grade_id] = CellPoints(spec.grade_id, points, spec.max_points, results)
    return out


_lock = threading.Lock()
_executor_lock = threading.Lock()
_box: Any = None
_box_hidden: tuple[str, ...] = ()
_executor: concurrent.futures.ThreadPoolExecutor | None = None


def shared_sandbox(course_root: Path, cfg: Course | None = None) -> Any:
    """This process's sandbox (one warm zygote for a whole ``nbgrader autograde`` run),
    hiding the course directory (gradebook, every submission) besides the grader's own paths."""
    global _box, _box_hidden
    from nndl.grading import hidden_paths
    from nndl.sandbox import Sandbox

    cfg = cfg or course()
    hidden = hidden_paths(extra=[course_root])
    key = tuple(str(p) for p in hidden)
    with _lock:
        if _box is not None and _box_hidden != key:
            _box.__exit__(None, None, None)
            _box = None
        if _box is None:
            box = Sandbox(cfg.limits, hidden_paths=hidden)
            box.__enter__()
            _box, _box_hidden = box, key
        return _box


def close_shared_sandbox() -> None:
    global _box
    with _lock:
        if _box is not None:
            _box.__exit__(None, None, None)
            _box = None


atexit.register(close_shared_sandbox)


@dataclasses.dataclass(frozen=True)
class SandboxVerdict:
    cells: dict[str, CellPoints]
    #: Seconds spent starting this process's sandbox (first notebook only) and grading.
    start_seconds: float
    grade_seconds: float


def _grade_job(cells: list[Cell], specs: dict[str, GradedCell | None], course_root: Path,
               filename: str) -> SandboxVerdict:
    if not any(specs.values()):  # no nndl test cell: nothing to grade here (nbgrader grades the rest)
        return SandboxVerdict({}, 0.0, 0.0)
    cfg = course()
    started = time.perf_counter()
    box = shared_sandbox(course_root, cfg)
    ready = time.perf_counter()
    verdicts = grade_test_cells(cells, specs, box, filename=filename, cfg=cfg)
    return SandboxVerdict(verdicts, ready - started, time.perf_counter() - ready)


def _background() -> concurrent.futures.ThreadPoolExecutor:
    """The one thread that starts the sandbox and grades, one notebook after the other."""
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="nndl-sandbox")
        return _executor


def start_grading(nb: nbformat.NotebookNode, specs: dict[str, GradedCell | None], course_root: Path,
                  filename: str) -> concurrent.futures.Future:
    """Grade ``nb``'s code in the sandbox on a background thread (one notebook at a time)."""
    cells = submission_cells(nb, list(specs))
    return _background().submit(_grade_job, cells, dict(specs), Path(course_root), filename)


def _warm_up(course_root: Path) -> None:
    import logging

    started = time.perf_counter()
    import hypothesis  # noqa: F401 - first use costs ~0.5 s; pay it while nbgrader starts up

    import nndl.grading  # noqa: F401

    shared_sandbox(course_root)
    logging.getLogger("nndl.autograde").debug("sandbox ready in %.2f s", time.perf_counter() - started)


def prestart(course_root: Path | None = None) -> concurrent.futures.Future:
    """Start this process's sandbox in the background now (its zygote takes ~2-3 s), so that it is
    warm when the first notebook is graded; any failure surfaces again when grading starts."""
    return _background().submit(_warm_up, Path(course_root or os.getcwd()).resolve())


def _course_root(pre: Any) -> Path:
    """The course directory of the running nbgrader converter (preprocessor -> exporter -> converter)."""
    converter = getattr(getattr(pre, "parent", None), "parent", None)
    root = getattr(getattr(converter, "coursedir", None), "root", None)
    return Path(root or os.getcwd()).resolve()


@dataclasses.dataclass
class _Pending:
    specs: dict[str, GradedCell | None]
    future: concurrent.futures.Future


# --- nbgrader preprocessors --------------------------------------------------------------------

class SandboxGrades(NbGraderPreprocessor):
    """Before ``Execute``: start grading the notebook's code in the sandbox (see module doc)."""

    def preprocess(self, nb: nbformat.NotebookNode, resources: dict) -> tuple[nbformat.NotebookNode, dict]:
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            specs = read_test_cells(gb, info["notebook"], info["assignment"])
        future = start_grading(nb, specs, _course_root(self), f"{info['notebook']}.ipynb")
        resources[RESOURCE_KEY] = _Pending(specs, future)
        return nb, resources


class SaveSandboxGrades(SaveAutoGrades):
    """nbgrader's ``SaveAutoGrades``, with each nndl test cell's points from the sandbox."""

    def preprocess(self, nb: nbformat.NotebookNode, resources: dict) -> tuple[nbformat.NotebookNode, dict]:
        pending = resources.pop(RESOURCE_KEY, None)
        if not isinstance(pending, _Pending):
            # SandboxGrades did not run first (a hand-edited preprocessor list): grade now.
            info = resources["nbgrader"]
            with Gradebook(info["db_url"]) as gb:
                specs = read_test_cells(gb, info["notebook"], info["assignment"])
            pending = _Pending(specs, start_grading(nb, specs, _course_root(self), f"{info['notebook']}.ipynb"))
        # A sandbox failure fails this notebook in nbgrader (never a fallback to the kernel's value).
        waited = time.perf_counter()
        verdict: SandboxVerdict = pending.future.result()
        waited = time.perf_counter() - waited
        self.log.info("Sandboxed grades: %d test cells graded in %.2f s (sandbox start-up %.2f s, "
                      "waited %.2f s after the kernel)", len(verdict.cells), verdict.grade_seconds,
                      verdict.start_seconds, waited)
        self._verdicts: dict[str, CellPoints] = verdict.cells
        self._saved: set[str] = set()
        nb, resources = super().preprocess(nb, resources)
        missing = [gid for gid in self._verdicts if gid not in self._saved]
        if missing:
            # Test cells deleted from the submission are graded all the same.
            with Gradebook(self.db_url) as gb:
                self.gradebook = gb
                for gid in missing:
                    self._record(gid, self._verdicts[gid].points)
        return nb, resources

    def _record(self, grade_id: str, points: float) -> None:
        grade = self.gradebook.find_grade(grade_id, self.notebook_id, self.assignment_id, self.student_id)
        grade.auto_score = points
        # As nbgrader: a manual grade given earlier (formgrader) needs review again.
        grade.needs_manual_grade = grade.manual_score is not None
        self.gradebook.db.commit()

    def _add_score(self, cell: nbformat.NotebookNode, resources: dict) -> None:
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        verdict = self._verdicts.get(grade_id)
        if verdict is None:
            super()._add_score(cell, resources)
            return
        try:
            kernel, _ = nbgrader_utils.determine_grade(cell, self.log)
        except (ValueError, KeyError, TypeError):
            kernel = None
        self._record(grade_id, verdict.points)
        self._saved.add(grade_id)
        annotate(cell, None if kernel is None else float(kernel), verdict)


def annotate(cell: nbformat.NotebookNode, kernel: float | None, verdict: CellPoints) -> None:
    """Record both values in the cell's metadata; where they differ, say so in the cell's output."""
    cell.metadata[METADATA_KEY] = {"kernel_points": kernel, "sandbox_points": verdict.points,
                                   "max_points": verdict.max_points}
    if kernel is not None and abs(kernel - verdict.points) <= POINTS_ATOL:
        return
    shown = "no value" if kernel is None else f"{kernel:g}"
    head = (f"Recorded grade: {verdict.points:g} of {verdict.max_points:g} points, from the course's grader, "
            f"which ran your functions outside this notebook's kernel. The value computed in the kernel "
            f"above ({shown}) differs and was not used.")
    lines = verdict.lines()
    text = "\n".join([head, *lines])
    markup = (f"<div class=\"nndl-sandbox-grade\"><p><b>{html.escape(head)}</b></p>"
              f"<pre>{html.escape(chr(10).join(lines))}</pre></div>")
    cell.setdefault("outputs", []).append(nbformat.v4.new_output(
        "display_data", data={"text/plain": text, "text/html": markup}))


def autograde_preprocessors(*, warm: bool | None = None) -> list[type]:
    """nbgrader's default ``Autograde.autograde_preprocessors`` with :class:`SandboxGrades` before
    ``Execute`` and :class:`SaveSandboxGrades` in place of ``SaveAutoGrades``.

    Called from ``nbgrader_config.py``, which every nbgrader command loads; where that command is
    ``nbgrader autograde`` (``warm=None``: read from ``sys.argv``), the sandbox starts right away,
    in the background, while nbgrader itself starts up (:func:`prestart`).
    """
    import sys

    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import Execute

    if warm is None:
        warm = sys.argv[1:2] == ["autograde"]
    if warm:
        prestart()

    out: list[type] = []
    for pre in Autograde.class_traits()["autograde_preprocessors"].default():
        if pre is Execute:
            out.append(SandboxGrades)
        out.append(SaveSandboxGrades if pre is SaveAutoGrades else pre)
    if SandboxGrades not in out or SaveSandboxGrades not in out:  # pragma: no cover - nbgrader changed
        raise RuntimeError("nbgrader's autograde preprocessors changed: no Execute or SaveAutoGrades")
    return out


# --- reading back, for --verify-gradebook ------------------------------------------------------

def sanitized_submission(path: Path, student: str, assignment: str, notebook: str,
                         db_url: str) -> nbformat.NotebookNode:
    """The submitted notebook as ``nbgrader autograde`` sanitizes it before running it (its own
    ``Autograde.sanitize_preprocessors``: locked cells restored from the gradebook, ids deduplicated...)."""
    from nbgrader.converters.autograde import Autograde

    nb = nbformat.read(str(path), as_version=4)
    resources: dict = {"nbgrader": {"notebook": notebook, "assignment": assignment, "student": student,
                                    "db_url": db_url}}
    for pre_cls in Autograde.class_traits()["sanitize_preprocessors"].default():
        nb, resources = pre_cls().preprocess(nb, resources)
    return nb


def kernel_points(autograded: Path) -> dict[str, float | None]:
    """The kernel's value of each test cell of an autograded notebook (recorded by
    :func:`annotate`, else read from the outputs as nbgrader would)."""
    out: dict[str, float | None] = {}
    try:
        nb = nbformat.read(str(autograded), as_version=4)
    except (OSError, ValueError):
        return out
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not (isinstance(meta, Mapping) and meta.get("grade_id") and nbgrader_utils.is_grade(cell)):
            continue
        recorded = cell.metadata.get(METADATA_KEY)
        if isinstance(recorded, Mapping) and "kernel_points" in recorded:
            value = recorded["kernel_points"]
        else:
            try:
                value, _ = nbgrader_utils.determine_grade(cell)
            except (ValueError, KeyError, TypeError):
                value = None
        out[meta["grade_id"]] = None if value is None else float(value)
    return out


__all__ = ["CellPoints", "SandboxGrades", "SaveSandboxGrades", "GradedCell", "autograde_preprocessors",
           "grade_test_cells", "kernel_points", "parse_test_source", "read_test_cells", "sanitized_submission",
           "shared_sandbox", "submission_cells"]
