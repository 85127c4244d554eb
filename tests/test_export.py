"""``nndl export``: an nbgrader gradebook (or an ``nndl-grade --db`` ledger) as CSV per student, with
autograded and manual points apart, and in the layouts Canvas and Moodle import."""

from __future__ import annotations

import csv
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from nndl.config import load_course


def _sets() -> list[str]:
    """The sets of course.toml as it is now (the export reads it afresh)."""
    return [f"{a}/{s}" for a, s in load_course().all_sets()]


def _max(key: str) -> float:
    a, s = key.split("/")
    ex = load_course().set(a, s)
    return ex.max_auto_points + sum(ex.manual.values())


def _export(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nndl.cli", "export", *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


def _read(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


@pytest.fixture
def gradebook(tmp_path, monkeypatch):
    """A real nbgrader gradebook: alice (named, autograded and manually graded), bob (one set, no
    names), carol (nothing submitted), and a notebook that course.toml does not know."""
    from nbgrader.api import Gradebook

    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:{__import__('os').environ['PATH']}")  # alembic
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLAlchemy warnings inside nbgrader
        with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gb:
            gb.add_assignment("session1")
            for nb, cells in {"activations": [("test_leaky_relu", "code", 3.0), ("test_logistic", "code", 7.5),
                                              ("leaky_relu_identities", "markdown", 6.0),
                                              ("tanh_identity", "markdown", 6.0)],
                              "linear_nets": [("test_invert", "code", 3.0), ("layers_condition", "markdown", 6.0)],
                              "bonus": [("test_bonus", "code", 2.0)]}.items():
                gb.add_notebook(nb, "session1")
                for name, kind, pts in cells:
                    gb.add_grade_cell(name, nb, "session1", max_score=pts, cell_type=kind)
            gb.add_student("alice", first_name="Alice", last_name="Liddell", email="alice@example.org",
                           lms_user_id="1001")
            gb.add_student("bob")
            gb.add_student("carol")
            for student, scores in {"alice": {("activations", "test_leaky_relu"): 2.5,
                                              ("activations", "test_logistic"): 7.5,
                                              ("activations", "leaky_relu_identities"): 4.0,
                                              ("linear_nets", "test_invert"): 1.25,
                                              ("linear_nets", "layers_condition"): 5.0,
                                              ("bonus", "test_bonus"): 2.0},
                                    "bob": {("activations", "test_leaky_relu"): 3.0}}.items():
                gb.add_submission("session1", student)
                for (nb, cell), pts in scores.items():
                    grade = gb.find_grade(cell, nb, "session1", student)
                    if cell.startswith("test_"):
                        grade.auto_score = pts
                    else:
                        grade.manual_score = pts
            gb.db.commit()
    return tmp_path


def test_export_of_an_nbgrader_gradebook(gradebook):
    sets = _sets()
    proc = _export(str(gradebook), cwd=gradebook)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = gradebook / "export"
    assert proc.stdout.splitlines()[-1] == f"3 students, {len(sets) + 1} sets"
    columns = sets + ["session1/bonus"]

    grades = _read(out / "grades.csv")
    assert grades[0] == (["student", "first_name", "last_name", "email"]
                         + [f"{k} {p}" for k in columns for p in ("auto", "manual")] + ["auto", "manual", "total"])
    alice = dict(zip(grades[0], grades[1]))
    assert (alice["student"], alice["first_name"], alice["last_name"], alice["email"]) == (
        "alice", "Alice", "Liddell", "alice@example.org")
    assert (alice["session1/activations auto"], alice["session1/activations manual"]) == ("10", "4")
    assert (alice["session1/linear_nets auto"], alice["session1/linear_nets manual"]) == ("1.25", "5")
    assert alice["session1/bonus auto"] == "2" and alice["session1/random_nets auto"] == "0"
    assert (alice["auto"], alice["manual"], alice["total"]) == ("13.25", "9", "22.25")
    bob = dict(zip(grades[0], grades[2]))
    assert (bob["student"], bob["session1/activations auto"], bob["total"]) == ("bob", "3", "3")
    carol = dict(zip(grades[0], grades[3]))
    assert carol["student"] == "carol" and carol["total"] == "0"
    assert len(grades) == 4

    canvas = _read(out / "canvas.csv")
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] + columns
    assert canvas[1][:5] == ["Points Possible", "", "", "", ""]
    assert canvas[1][5:5 + len(sets)] == [f"{_max(k):g}" for k in sets] and canvas[1][-1] == "2"
    assert canvas[2][:5] == ["Liddell, Alice", "1001", "alice", "", ""]
    assert canvas[2][5:7] == ["14", "6.25"] and canvas[2][-1] == "2"
    assert canvas[3][:3] == ["bob", "", "bob"] and canvas[3][5] == "3"

    moodle = _read(out / "moodle.csv")
    assert moodle[0] == ["First name", "Last name", "ID number", "Email address"] + columns
    assert moodle[1][:6] == ["Alice", "Liddell", "alice", "alice@example.org", "14", "6.25"]
    assert [row[2] for row in moodle[1:]] == ["alice", "bob", "carol"]


def test_export_of_a_batch_ledger(tmp_path):
    from nndl.ledger import Ledger

    def report(student: str, set_key: str, score: float) -> dict:
        return {"set": set_key, "submission": f"/subs/{student}/{set_key.rpartition('/')[2]}.py", "score": score,
                "max_score": 10.5, "checks": [], "problems": [], "student": student}

    ledger = Ledger(tmp_path / "grades.sqlite")
    try:
        ledger.record(Path("/subs/alice/old/activations.py"), "session1/activations",
                      report("alice", "session1/activations", 3.0), sha256="a")
        ledger.record(Path("/subs/alice/activations.py"), "session1/activations",
                      report("alice", "session1/activations", 9.5), sha256="b")  # graded later: this one counts
        ledger.record(Path("/subs/bob/linear_nets.py"), "session1/linear_nets",
                      report("bob", "session1/linear_nets", 2.25), sha256="c")
        ledger.record(Path("/subs/bob/homework.py"), "?", report("bob", "?", 0.0), sha256="d")
    finally:
        ledger.close()
    proc = _export("--ledger", str(tmp_path / "grades.sqlite"), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    grades = _read(tmp_path / "out" / "grades.csv")
    rows = {r[0]: dict(zip(grades[0], r)) for r in grades[1:]}
    assert set(rows) == {"alice", "bob"}
    assert rows["alice"]["session1/activations auto"] == "9.5" and rows["alice"]["manual"] == "0"
    assert rows["bob"]["session1/linear_nets auto"] == "2.25" and rows["bob"]["total"] == "2.25"
    assert _read(tmp_path / "out" / "canvas.csv")[2][2] == "alice"


@pytest.mark.parametrize(("args", "message"), [
    ([], "give an nbgrader COURSE_DIR or --ledger FILE (one of them)"),
    (["nowhere"], "nowhere: no nbgrader gradebook (gradebook.db) in this folder"),
    (["--ledger", "missing.sqlite"], "missing.sqlite: no such ledger file"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, message):
    proc = _export(*args, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr == f"nndl export: error: {message}\n"
    assert not (tmp_path / "export").exists()
