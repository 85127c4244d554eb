"""``nbgrader autograde`` stores the sandbox's points, whatever the student's kernel printed.

A real course (``nndl course``), real ``nbgrader generate_assignment``,
``autograde``, ``generate_feedback`` and ``export``, a real SQLite gradebook:
notebooks that forge their test cells in the student's kernel in several ways
get exactly the points their functions deserve, computed here independently
(the same functions, graded in this process without any forging code);
honest notebooks keep their scores; the forgery is visible per cell in the
autograded notebook, the feedback and ``--verify-gradebook``; manual grades of
written answers and re-running autograde work as in plain nbgrader.
"""

from __future__ import annotations

import csv

import nbformat
import pytest

from nndl import course_dir
from nndl.autograde import METADATA_KEY, parse_test_source
from nndl.checks import load_checkset, run_checks
from nndl.config import course
from nndl.impl import LocalImpl
from tests import samples

pytestmark = pytest.mark.slow

ASSIGNMENT, SET = "session1", "activations"
#: The honest partial submission every forged notebook carries (two wrong functions, four right).
MUTANTS = samples.PARTIAL["grace"][SET]

#: Code put at the top of the first solution cell: it runs in the student's kernel before every test cell.
FORGERIES = {
    "forge_run_check": (
        "import nndl.notebook\n"
        "from nndl.checks import CheckResult, check_points\n"
        "nndl.notebook.run_check = lambda check, impl, **k: CheckResult(\n"
        "    check.id, check_points(check), check_points(check), True, '', check.public)\n"),
    "forge_cellgrade": (
        "import nndl.notebook\n"
        "nndl.notebook.CellGrade.points = property(lambda self: float(sum(r.max_points for r in self.results)))\n"
        "nndl.notebook.CellGrade.__repr__ = lambda self: repr(self.points)\n"),
    "forge_assertions": (
        "import builtins, numpy.testing, nndl.numerics, nndl.messages\n"
        "class _Never(Exception):\n    pass\n"
        "builtins.AssertionError = _Never\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n"
        "numpy.testing.assert_array_equal = lambda *a, **k: None\n"
        "nndl.numerics.assert_close = lambda *a, **k: None\n"
        "nndl.messages.fail = lambda *a, **k: None\n"
        "nndl.messages.fail_text = lambda *a, **k: None\n"),
    "forge_module": (
        "import sys, types\n"
        "_fake = types.ModuleType('nndl.notebook')\n"
        "class CellGrade:\n"
        "    POINTS = {'leaky_relu': 2.0, 'leaky_relu_max': 2.0, 'relu': 1.0, 'linear': 1.0,\n"
        "              'logistic': 3.0, 'tanh_via_logistic': 1.5}\n"
        "    def __init__(self, key, target, ns):\n        self.target = target\n"
        "    def run_public(self):\n        print('\\u2713 every check passed')\n"
        "    run_instructor = run_public\n"
        "    def __repr__(self):\n        return repr(self.POINTS[self.target])\n"
        "_fake.CellGrade = CellGrade\n"
        "sys.modules['nndl.notebook'] = _fake\n"),
}
#: Forgeries of the test cells themselves (nbgrader restores locked cells; the gradebook names the cells).
CELL_EDITS = ("edit_test_cells", "unmark_test_cells")
HONEST = ("reference", "blank", "honest")
STUDENTS = (*HONEST, *FORGERIES, *CELL_EDITS)


def _partial() -> nbformat.NotebookNode:
    return course_dir.filled_notebook(ASSIGNMENT, SET, samples.replacements(ASSIGNMENT, SET, MUTANTS))


def _forged(prefix: str) -> nbformat.NotebookNode:
    nb = _partial()
    first = next(c for c in nb.cells if c.cell_type == "code")
    first.source = prefix + first.source
    return nb


def _test_cells(nb: nbformat.NotebookNode) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
            and not c.metadata["nbgrader"].get("solution")]


def _edited(unmark: bool) -> nbformat.NotebookNode:
    nb = _partial()
    for cell in _test_cells(nb):
        meta = cell.metadata["nbgrader"]
        cell.source = f"print('\\u2713 every check passed')\n{float(meta['points'])!r}"
        if unmark:
            del cell.metadata["nbgrader"]  # no longer a test cell, as far as the notebook says
        else:
            meta["locked"] = False
            meta["points"] = float(meta["points"]) * 10
    return nb


def _deserved(nb: nbformat.NotebookNode) -> dict[str, float]:
    """Points per test cell of a notebook's functions, graded here in-process (our own sample code)."""
    ns: dict = {"__name__": "__student__"}
    for cell in nb.cells:
        if cell.cell_type == "code" and cell not in _test_cells(nb):
            exec(compile(cell.source, "<sample>", "exec"), ns)  # noqa: S102 - the course's own sample code
    checkset = load_checkset(ASSIGNMENT, SET)
    out: dict[str, float] = {f"test_{t}": 0.0 for t in checkset.targets}
    for r in run_checks(LocalImpl(ns), ASSIGNMENT, SET):
        out[f"test_{checkset[r.id].target}"] += r.points
    return out


def _auto_scores(root, student: str) -> dict[str, float | None]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(SET, ASSIGNMENT, student)
        return {g.name: g.auto_score for g in nb.grades if g.cell_type == "code"}


def _autograded(root, student: str) -> nbformat.NotebookNode:
    return nbformat.read(str(root / "autograded" / student / ASSIGNMENT / f"{SET}.ipynb"), as_version=4)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    course_dir.create(root, sets=[SET])
    course_dir.nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
    notebooks = {"reference": course_dir.filled_notebook(ASSIGNMENT, SET),
                 "blank": course_dir.filled_notebook(ASSIGNMENT, SET, blank=True),
                 "honest": _partial(),
                 **{name: _forged(code) for name, code in FORGERIES.items()},
                 "edit_test_cells": _edited(unmark=False), "unmark_test_cells": _edited(unmark=True)}
    for student, nb in notebooks.items():
        course_dir.submit(root, student, ASSIGNMENT, {SET: nb})
    course_dir.nbgrader(root, "autograde", ASSIGNMENT, "--force")
    course_dir.nbgrader(root, "generate_feedback", ASSIGNMENT, "--force")
    course_dir.nbgrader(root, "export")
    deserved = {"reference": _deserved(notebooks["reference"]), "blank": _deserved(notebooks["blank"]),
                "honest": _deserved(notebooks["honest"])}
    return root, deserved


def test_the_course_config_uses_nbgraders_own_extension_point(graded):
    root, _ = graded
    text = (root / "nbgrader_config.py").read_text()
    assert "c.Autograde.autograde_preprocessors = autograde_preprocessors()" in text
    from nndl.autograde import SandboxGrades, SaveSandboxGrades, autograde_preprocessors
    from nbgrader.preprocessors import Execute, SaveAutoGrades

    pres = autograde_preprocessors(warm=False)
    assert pres.index(SandboxGrades) == pres.index(Execute) - 1
    assert SaveSandboxGrades in pres and SaveAutoGrades not in pres


def test_the_deserved_points_are_not_trivial(graded):
    _, deserved = graded
    maximum = {f"test_{t}": p for t, p in _maxima().items()}
    assert deserved["reference"] == pytest.approx(maximum)
    assert set(deserved["blank"].values()) == {0.0}
    partial = deserved["honest"]
    assert any(v == maximum[k] for k, v in partial.items()) and any(v < maximum[k] for k, v in partial.items())


def _maxima() -> dict[str, float]:
    cfg = course().set(ASSIGNMENT, SET)
    checkset = load_checkset(ASSIGNMENT, SET)
    out: dict[str, float] = {}
    for cid, check in checkset:
        out[check.target] = out.get(check.target, 0.0) + cfg.checks[cid]
    return out


@pytest.mark.parametrize("student", STUDENTS)
def test_gradebook_holds_exactly_the_deserved_points(graded, student):
    root, deserved = graded
    expected = deserved.get(student, deserved["honest"])  # every forged notebook carries the honest functions
    stored = _auto_scores(root, student)
    assert stored == pytest.approx(expected, abs=1e-9), student


@pytest.mark.parametrize("student", list(FORGERIES))
def test_the_forgery_worked_in_the_kernel_and_the_notebook_says_so(graded, student):
    root, deserved = graded
    nb = _autograded(root, student)
    differing = []
    for cell in _test_cells(nb):
        gid = cell.metadata["nbgrader"]["grade_id"]
        recorded = cell.metadata[METADATA_KEY]
        assert recorded["sandbox_points"] == pytest.approx(deserved["honest"][gid])
        notes = [o for o in cell.outputs if o.output_type == "display_data"
                 and "Recorded grade:" in o.data.get("text/plain", "")]
        if abs(recorded["kernel_points"] - recorded["sandbox_points"]) > 1e-9:
            differing.append(gid)
            assert len(notes) == 1, gid
            assert f"Recorded grade: {recorded['sandbox_points']:g} of " in notes[0].data["text/plain"]
            assert f"({recorded['kernel_points']:g}) differs and was not used" in notes[0].data["text/plain"]
        else:
            assert not notes, gid
    # The kernel reported more than deserved: the forgery did its job where nbgrader alone looks.
    assert differing, f"{student}: the forgery changed nothing in the kernel"
    html = (root / "feedback" / student / ASSIGNMENT / f"{SET}.html").read_text()
    assert html.count("Recorded grade:") == len(differing)


@pytest.mark.parametrize("student", HONEST + CELL_EDITS)
def test_no_difference_where_nothing_was_forged_in_the_kernel(graded, student):
    root, _ = graded
    for cell in _test_cells(_autograded(root, student)):
        recorded = cell.metadata[METADATA_KEY]
        assert recorded["kernel_points"] == pytest.approx(recorded["sandbox_points"], abs=1e-9)
        assert not [o for o in cell.outputs if o.output_type == "display_data"]


def test_verify_gradebook_reports_each_forged_cell_and_no_stored_mismatch(graded):
    import hashlib

    from nndl.verify import verify_gradebook

    root, _ = graded
    db = root / "gradebook.db"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    report = verify_gradebook(root)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before, "verification must never change grades"
    assert report.mismatches == [], report.render()
    assert {c.student for c in report.cells} == set(STUDENTS)
    flagged = {(c.student, c.cell) for c in report.kernel_differences}
    expected = set()
    for student in FORGERIES:
        for cell in _test_cells(_autograded(root, student)):
            recorded = cell.metadata[METADATA_KEY]
            if abs(recorded["kernel_points"] - recorded["sandbox_points"]) > 1e-9:
                expected.add((student, cell.metadata["nbgrader"]["grade_id"]))
    assert flagged == expected
    assert all(c.gradebook == c.sandbox for c in report.cells)
    text = report.render()
    assert all(f"KERNEL {s}/{ASSIGNMENT}/{SET} {cell}:" in text for s, cell in expected)


def test_export_and_manual_grades_and_rerun_work_as_in_nbgrader(graded):
    from nbgrader.api import Gradebook

    root, deserved = graded
    with open(root / "grades.csv", newline="") as fh:
        rows = {r["student_id"]: float(r["score"]) for r in csv.DictReader(fh) if r["assignment"] == ASSIGNMENT}
    assert set(rows) == set(STUDENTS)
    for student in STUDENTS:
        assert rows[student] == pytest.approx(sum(deserved.get(student, deserved["honest"]).values()))
    # formgrader's manual grade of a written answer, then autograde again on the same submissions
    answer = next(iter(course().set(ASSIGNMENT, SET).manual))
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        grade = gb.find_grade(answer, SET, ASSIGNMENT, "honest")
        grade.manual_score = 4.0
        gb.db.commit()
    before = {s: _auto_scores(root, s) for s in ("honest", "forge_run_check")}
    for student in ("honest", "forge_run_check"):
        course_dir.nbgrader(root, "autograde", ASSIGNMENT, "--force", f"--student={student}")
    assert {s: _auto_scores(root, s) for s in before} == before
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        grade = gb.find_grade(answer, SET, ASSIGNMENT, "honest")
        assert grade.manual_score == 4.0 and grade.needs_manual_grade  # to be reviewed, as nbgrader does
        nb = gb.find_submission_notebook(SET, ASSIGNMENT, "honest")
        assert nb.score == pytest.approx(sum(deserved["honest"].values()) + 4.0)
    course_dir.nbgrader(root, "export")
    with open(root / "grades.csv", newline="") as fh:
        rows = {r["student_id"]: float(r["score"]) for r in csv.DictReader(fh) if r["assignment"] == ASSIGNMENT}
    assert rows["honest"] == pytest.approx(sum(deserved["honest"].values()) + 4.0)


def test_the_test_cells_are_read_from_the_gradebook_source():
    source = "from nndl.notebook import CellGrade\ngrade = CellGrade(\"session1/activations\", \"relu\", globals())\n" \
             "grade.run_public()\n### BEGIN HIDDEN TESTS\ngrade.run_instructor()\n### END HIDDEN TESTS\ngrade"
    assert parse_test_source(source) == ("session1/activations", "relu", True)
    assert parse_test_source(source.replace("grade.run_instructor()", "")) == ("session1/activations", "relu", False)
    assert parse_test_source("assert f(1) == 2") is None
    assert parse_test_source("def (") is None
