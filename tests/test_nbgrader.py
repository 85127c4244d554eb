"""The nbgrader round trip with real nbgrader, a real SQLite gradebook and real kernels."""

from __future__ import annotations

import hashlib
import json

import pytest

from nndl import course_dir, paths
from nndl.config import course

pytestmark = pytest.mark.slow

ASSIGNMENT = "session1"
SETS = list(course().assignments[ASSIGNMENT].sets)
TAMPER = (
    "import nndl.notebook  # the student's kernel runs the test cells: patch them to report full marks\n"
    "nndl.notebook.CellGrade.points = property(lambda self: float(sum(r.max_points for r in self.results)))\n"
)


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    course_dir.create(root)
    course_dir.nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
    course_dir.submit(root, "reference", ASSIGNMENT,
                      {s: course_dir.filled_notebook(ASSIGNMENT, s) for s in SETS})
    course_dir.submit(root, "blank", ASSIGNMENT,
                      {s: course_dir.filled_notebook(ASSIGNMENT, s, blank=True) for s in SETS})
    tampered = course_dir.filled_notebook(ASSIGNMENT, "activations", blank=True)
    first_code = next(c for c in tampered.cells if c.cell_type == "code")
    first_code.source = TAMPER + first_code.source
    course_dir.submit(root, "mallory", ASSIGNMENT, {"activations": tampered})
    course_dir.nbgrader(root, "autograde", ASSIGNMENT, "--force")
    course_dir.nbgrader(root, "generate_feedback", ASSIGNMENT, "--force")
    course_dir.nbgrader(root, "export")
    return root


def test_generate_assignment_matches_the_committed_release(graded_course):
    for set_name in SETS:
        released = json.loads((graded_course / "release" / ASSIGNMENT / f"{set_name}.ipynb").read_text())
        committed = json.loads(paths.notebook_file(ASSIGNMENT, set_name).read_text())
        assert [c["source"] for c in released["cells"]] == [c["source"] for c in committed["cells"]]
        assert [c["metadata"].get("nbgrader") for c in released["cells"]] == \
               [c["metadata"].get("nbgrader") for c in committed["cells"]]


def test_reference_gets_full_autograded_marks(graded_course):
    scores = course_dir.read_scores(graded_course, ASSIGNMENT, ["reference"])["reference"]
    for set_name in SETS:
        got, max_score = scores[set_name]
        assert max_score == pytest.approx(course().set(ASSIGNMENT, set_name).max_auto_points)
        assert got == pytest.approx(max_score), set_name


def test_untouched_release_gets_zero_in_every_autograded_cell(graded_course):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded_course / 'gradebook.db'}") as gb:
        for set_name in SETS:
            nb = gb.find_submission_notebook(set_name, ASSIGNMENT, "blank")
            auto = [g for g in nb.grades if g.cell_type == "code"]
            assert auto and all(g.auto_score == 0 for g in auto), set_name


def test_feedback_is_html_with_the_check_messages(graded_course):
    for student in ("reference", "blank"):
        for set_name in SETS:
            html = graded_course / "feedback" / student / ASSIGNMENT / f"{set_name}.html"
            assert html.exists(), html
    text = (graded_course / "feedback" / "blank" / ASSIGNMENT / "activations.html").read_text()
    assert "leaky_relu is still the stub; fill in its body." in text
    for student in ("reference", "blank"):
        for set_name in SETS:
            html = (graded_course / "feedback" / student / ASSIGNMENT / f"{set_name}.html").read_text()
            assert "HIDDEN TESTS" not in html and "run_instructor" not in html
            assert "import solutions" not in html and "from solutions" not in html


def test_export_lists_every_student(graded_course):
    import csv

    with open(graded_course / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_student = {r["student_id"]: float(r["score"]) for r in rows if r["assignment"] == ASSIGNMENT}
    assert set(by_student) == {"reference", "blank", "mallory"}
    assert by_student["blank"] == 0
    assert by_student["reference"] == pytest.approx(sum(course().set(ASSIGNMENT, s).max_auto_points for s in SETS))


def test_tampering_in_the_kernel_is_not_what_the_gradebook_stores(graded_course):
    scores = course_dir.read_scores(graded_course, ASSIGNMENT, ["mallory"])["mallory"]
    assert scores["activations"][0] == 0, "the patched CellGrade's full marks must not be recorded"


def test_verify_gradebook_reports_the_kernel_tampering_and_only_it(graded_course):
    from nndl.verify import verify_gradebook

    db = graded_course / "gradebook.db"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    report = verify_gradebook(graded_course)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before, "verification must never change grades"
    assert report.mismatches == [], report.render()  # the gradebook holds the sandbox's points
    flagged = {(c.student, c.notebook) for c in report.kernel_differences}
    assert flagged == {("mallory", "activations")}, report.render()
    tampered = [c for c in report.kernel_differences if c.student == "mallory"]
    assert all(c.sandbox == 0 and c.gradebook == 0 and c.kernel == c.max_points for c in tampered)
    assert {c.student for c in report.cells} == {"reference", "blank", "mallory"}
