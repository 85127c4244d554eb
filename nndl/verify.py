"""``nndl-grade --verify-gradebook COURSE_DIR``: re-grade in the sandbox, compare per test cell.

With the course directory of ``nndl course``, ``nbgrader autograde`` stores
the sandbox's points for every test cell (:mod:`nndl.autograde`) and keeps the
value the student's kernel computed beside it.  This step re-grades every
submitted notebook in the sandbox (the same code nbgrader ran: its own
sanitizing preprocessors applied to the submission) and reports, test cell by
test cell,

* where the student's kernel showed a different value than the sandbox (a
  tampering signal, or a nondeterministic submission): the sandbox's value is
  the one that stands, and the gradebook should hold it;
* where the gradebook does not hold the sandbox's value (autograded with
  another configuration, or edited by hand): reported, never silently
  "fixed": the gradebook is only read.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from nndl.config import course

#: Points are sums of course.toml values; anything beyond rounding noise is a real difference.
POINTS_ATOL = 1e-6


@dataclasses.dataclass(frozen=True)
class CellVerdict:
    student: str
    assignment: str
    notebook: str
    cell: str
    gradebook: float | None
    sandbox: float
    max_points: float
    #: What the student's kernel computed during ``nbgrader autograde`` (None: not autograded).
    kernel: float | None = None

    @property
    def matches(self) -> bool:
        """The gradebook holds the sandbox's value."""
        return self.gradebook is not None and abs(self.gradebook - self.sandbox) <= POINTS_ATOL

    @property
    def kernel_matches(self) -> bool:
        """The student's kernel showed the sandbox's value (or there is no kernel value to compare)."""
        return self.kernel is None or abs(self.kernel - self.sandbox) <= POINTS_ATOL


@dataclasses.dataclass
class VerifyReport:
    root: Path
    cells: list[CellVerdict]
    problems: list[str]
    protections: dict[str, str]

    @property
    def mismatches(self) -> list[CellVerdict]:
        """Cells whose stored points are not the sandbox's."""
        return [c for c in self.cells if not c.matches]

    @property
    def kernel_differences(self) -> list[CellVerdict]:
        """Cells whose kernel value differs from the sandbox's (the sandbox's value stands)."""
        return [c for c in self.cells if not c.kernel_matches]

    def as_json(self) -> dict[str, Any]:
        return {"course": str(self.root), "cells": len(self.cells),
                "mismatches": [dataclasses.asdict(c) for c in self.mismatches],
                "kernel_differences": [dataclasses.asdict(c) for c in self.kernel_differences],
                "problems": self.problems, "protections": self.protections}

    def render(self) -> str:
        lines = [f"verify-gradebook {self.root}: {len(self.cells)} test cells re-graded in the sandbox, "
                 f"{len(self.mismatches)} differ from the gradebook, "
                 f"{len(self.kernel_differences)} showed another value in the student's kernel"]
        for c in self.kernel_differences:
            stored = "missing" if c.gradebook is None else f"{c.gradebook:g}"
            lines.append(f"  KERNEL {c.student}/{c.assignment}/{c.notebook} {c.cell}: kernel {c.kernel:g}, "
                         f"sandbox {c.sandbox:g} of {c.max_points:g} (the sandbox's value stands; gradebook {stored})")
        for c in self.mismatches:
            stored = "missing" if c.gradebook is None else f"{c.gradebook:g}"
            lines.append(f"  FLAG {c.student}/{c.assignment}/{c.notebook} {c.cell}: gradebook {stored}, "
                         f"sandbox {c.sandbox:g} of {c.max_points:g} (the gradebook does not hold the sandboxed "
                         "grade: re-run nbgrader autograde with the course's nbgrader_config.py)")
        lines += [f"  note: {p}" for p in self.problems]
        lines += [f"  sandbox: {k}: {v}" for k, v in self.protections.items()]
        return "\n".join(lines)


def _stored_scores(root: Path) -> tuple[dict[tuple[str, str, str, str], float | None], list[tuple[str, str, str]]]:
    """Auto scores of every test cell in the gradebook, read only."""
    from nbgrader.api import Gradebook

    scores: dict[tuple[str, str, str, str], float | None] = {}
    notebooks: list[tuple[str, str, str]] = []
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                for nb in sub.notebooks:
                    notebooks.append((sub.student.id, assignment.name, nb.name))
                    for grade in nb.grades:
                        if grade.cell_type == "code":
                            scores[(sub.student.id, assignment.name, nb.name, grade.name)] = (
                                None if grade.auto_score is None else float(grade.auto_score))
    return scores, notebooks


def verify_gradebook(root: Path) -> VerifyReport:
    from nbgrader.api import Gradebook

    from nndl.autograde import grade_test_cells, kernel_points, read_test_cells, sanitized_submission, submission_cells
    from nndl.grading import hidden_paths
    from nndl.sandbox import Sandbox

    root = Path(root).resolve()
    cfg = course()
    db_url = f"sqlite:///{root / 'gradebook.db'}"
    stored, notebooks = _stored_scores(root)
    verdicts: list[CellVerdict] = []
    problems: list[str] = []
    with Sandbox(cfg.limits, hidden_paths=hidden_paths(extra=[root])) as box:
        protections = dict(box.protections)
        for student, assignment, nb_name in notebooks:
            path = root / "submitted" / student / assignment / f"{nb_name}.ipynb"
            if not path.exists():
                problems.append(f"{student}/{assignment}/{nb_name}: submitted notebook not found")
                continue
            with Gradebook(db_url) as gb:
                specs = read_test_cells(gb, nb_name, assignment, cfg)
            try:
                nb = sanitized_submission(path, student, assignment, nb_name, db_url)
            except Exception as exc:  # noqa: BLE001 - nbgrader could not autograde it either
                problems.append(f"{student}/{assignment}/{nb_name}: nbgrader cannot read the submission "
                                f"({type(exc).__name__}: {exc})")
                continue
            graded = grade_test_cells(submission_cells(nb, list(specs)), specs, box, filename=path.name, cfg=cfg)
            kernel = kernel_points(root / "autograded" / student / assignment / f"{nb_name}.ipynb")
            for cell, points in graded.items():
                verdicts.append(CellVerdict(student, assignment, nb_name, cell,
                                            stored.get((student, assignment, nb_name, cell)), points.points,
                                            points.max_points, kernel.get(cell)))
            for cell in sorted(gid for gid, spec in specs.items() if spec is None):
                problems.append(f"{student}/{assignment}/{nb_name} {cell}: not an nndl test cell; "
                                "nbgrader graded it in the student's kernel")
    return VerifyReport(root, verdicts, problems, protections)
