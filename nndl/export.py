"""``nndl export``: the gradebook as CSV, per student, and in the layouts Canvas and Moodle import.

Sources: an nbgrader course's SQLite gradebook (``nndl export COURSE_DIR``:
autograded points are nbgrader's code score, manual points its written and
task scores), or the ledger of ``nndl-grade --db`` (``nndl export --ledger
FILE``: autograded points only; the latest grade of each student and set).

Files written to ``--out`` (default ``COURSE_DIR/export`` or ``./export``):

``grades.csv``
    one row per student: ``student, first_name, last_name, email``, then for
    every set ``<assignment>/<set> auto`` and ``<assignment>/<set> manual``,
    then ``auto``, ``manual``, ``total``.
``canvas.csv``
    Canvas's gradebook import layout: ``Student, ID, SIS User ID, SIS Login
    ID, Section``, one column per set (auto + manual points) and a second row
    ``Points Possible``; the course's student id goes in ``SIS User ID``.
``moodle.csv``
    Moodle's CSV grade import: ``First name, Last name, ID number, Email
    address`` and one column per set; map users by ``ID number`` (the
    student id) and each set column to a grade item.

Sets are the columns of ``course.toml`` in its order (then any other set the
gradebook holds); a set a student did not submit counts 0.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import sqlite3
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from nndl.config import Course, course


@dataclasses.dataclass
class Student:
    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    lms_user_id: str = ""
    #: ``{"<assignment>/<set>": (auto points, manual points)}``
    scores: dict[str, tuple[float, float]] = dataclasses.field(default_factory=dict)

    @property
    def display_name(self) -> str:
        if self.last_name or self.first_name:
            return ", ".join(n for n in (self.last_name, self.first_name) if n)
        return self.id


@dataclasses.dataclass
class Gradebook:
    students: list[Student]
    #: Set keys in column order.
    sets: list[str]
    #: ``{"<assignment>/<set>": (max auto points, max manual points)}``
    max_points: dict[str, tuple[float, float]]


class ExportError(ValueError):
    """Bad input to ``nndl export``: one line, exit status 2."""


def _course_sets(cfg: Course) -> tuple[list[str], dict[str, tuple[float, float]]]:
    keys = [f"{a}/{s}" for a, s in cfg.all_sets()]
    maxima = {f"{a}/{s}": (cfg.set(a, s).max_auto_points, float(sum(cfg.set(a, s).manual.values())))
              for a, s in cfg.all_sets()}
    return keys, maxima


def from_nbgrader(course_dir: Path, cfg: Course | None = None) -> Gradebook:
    """The scores of an nbgrader course's ``gradebook.db``."""
    from nbgrader.api import Gradebook as NbGradebook, MissingEntry

    cfg = cfg or course()
    db = Path(course_dir) / "gradebook.db"
    if not db.is_file():
        raise ExportError(f"{course_dir}: no nbgrader gradebook (gradebook.db) in this folder")
    keys, maxima = _course_sets(cfg)
    students = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLAlchemy's warnings about nbgrader's relationships
        with NbGradebook(f"sqlite:///{db.resolve()}") as gb:
            for assignment in gb.assignments:
                for nb in assignment.notebooks:
                    key = f"{assignment.name}/{nb.name}"
                    if key not in maxima:
                        keys.append(key)
                        maxima[key] = (float(nb.max_code_score), float(nb.max_written_score + nb.max_task_score))
            for st in sorted(gb.students, key=lambda s: s.id):
                row = Student(st.id, st.first_name or "", st.last_name or "", st.email or "", st.lms_user_id or "")
                for assignment in gb.assignments:
                    try:
                        sub = gb.find_submission(assignment.name, st.id)
                    except MissingEntry:
                        continue
                    for nb in sub.notebooks:
                        row.scores[f"{assignment.name}/{nb.name}"] = (
                            float(nb.code_score), float(nb.written_score) + float(nb.task_score))
                students.append(row)
    return Gradebook(students, keys, maxima)


def from_ledger(path: Path, cfg: Course | None = None) -> Gradebook:
    """The latest grade of each student and set in an ``nndl-grade --db`` ledger (autograded points)."""
    cfg = cfg or course()
    if not Path(path).is_file():
        raise ExportError(f"{path}: no such ledger file")
    keys, maxima = _course_sets(cfg)
    try:
        with sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True) as conn:
            rows = conn.execute("SELECT report FROM grades ORDER BY graded_at, submission").fetchall()
    except sqlite3.DatabaseError as exc:
        raise ExportError(f"{path}: not an nndl-grade ledger ({exc})") from None
    by_id: dict[str, Student] = {}
    for (text,) in rows:
        report = json.loads(text)
        student = report.get("student") or Path(report["submission"]).parent.name
        key = report["set"]
        if key not in maxima:
            continue  # the set of the submission could not be told: nothing to export
        by_id.setdefault(student, Student(student)).scores[key] = (float(report["score"]), 0.0)
    return Gradebook([by_id[k] for k in sorted(by_id)], keys, maxima)


def _fmt(x: float) -> str:
    return f"{round(x, 6):g}"


def write_grades(book: Gradebook, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["student", "first_name", "last_name", "email"]
                   + [f"{k} {part}" for k in book.sets for part in ("auto", "manual")] + ["auto", "manual", "total"])
        for st in book.students:
            cells, auto, manual = [], 0.0, 0.0
            for k in book.sets:
                a, m = st.scores.get(k, (0.0, 0.0))
                cells += [_fmt(a), _fmt(m)]
                auto, manual = auto + a, manual + m
            w.writerow([st.id, st.first_name, st.last_name, st.email] + cells
                       + [_fmt(auto), _fmt(manual), _fmt(auto + manual)])


def write_canvas(book: Gradebook, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] + book.sets)
        w.writerow(["Points Possible", "", "", "", ""] + [_fmt(sum(book.max_points[k])) for k in book.sets])
        for st in book.students:
            w.writerow([st.display_name, st.lms_user_id, st.id, "", ""]
                       + [_fmt(sum(st.scores.get(k, (0.0, 0.0)))) for k in book.sets])


def write_moodle(book: Gradebook, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["First name", "Last name", "ID number", "Email address"] + book.sets)
        for st in book.students:
            w.writerow([st.first_name, st.last_name, st.id, st.email]
                       + [_fmt(sum(st.scores.get(k, (0.0, 0.0)))) for k in book.sets])


def export(book: Gradebook, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, writer in (("grades.csv", write_grades), ("canvas.csv", write_canvas), ("moodle.csv", write_moodle)):
        writer(book, out / name)
        written.append(out / name)
    return written


def main(course_dir: Path | None, ledger: Path | None, out: Path | None, argv: Sequence[str] = ()) -> int:
    try:
        if (course_dir is None) == (ledger is None):
            raise ExportError("give an nbgrader COURSE_DIR or --ledger FILE (one of them)")
        book = from_ledger(ledger) if ledger is not None else from_nbgrader(course_dir)  # type: ignore[arg-type]
    except ExportError as exc:
        print(f"nndl export: error: {exc}", file=sys.stderr)
        return 2
    out = out or ((course_dir / "export") if course_dir is not None else Path("export"))
    for path in export(book, out):
        print(f"wrote {path}")
    print(f"{len(book.students)} students, {len(book.sets)} sets")
    return 0


__all__ = ["ExportError", "Gradebook", "Student", "export", "from_ledger", "from_nbgrader"]
