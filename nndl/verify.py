"""``nndl-grade --verify-gradebook COURSE_DIR``: re-grade in the sandbox, flag tampering.

``nbgrader autograde`` runs the checks inside the student's own kernel, where
the student's code could have patched them.  This step re-grades every
submitted notebook in the sandbox (checks in this process, student code in a
worker) and compares, test cell by test cell, the sandboxed points with the
points nbgrader stored.  A difference is a tampering signal (or a
nondeterministic submission): it is reported, never silently "fixed": the
gradebook is only read.
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

    @property
    def matches(self) -> bool:
        return self.gradebook is not None and abs(self.gradebook - self.sandbox) <= POINTS_ATOL


@dataclasses.dataclass
class VerifyReport:
    root: Path
    cells: list[CellVerdict]
    problems: list[str]
    protections: dict[str, str]

    @property
    def mismatches(self) -> list[CellVerdict]:
        return [c for c in self.cells if not c.matches]

    def as_json(self) -> dict[str, Any]:
        return {"course": str(self.root), "cells": len(self.cells), "mismatches": [
            dataclasses.asdict(c) for c in self.mismatches], "problems": self.problems,
            "protections": self.protections}

    def render(self) -> str:
        lines = [f"verify-gradebook {self.root}: {len(self.cells)} test cells re-graded in the sandbox, "
                 f"{len(self.mismatches)} differ from the gradebook"]
        for c in self.mismatches:
            stored = "missing" if c.gradebook is None else f"{c.gradebook:g}"
            lines.append(f"  FLAG {c.student}/{c.assignment}/{c.notebook} {c.cell}: gradebook {stored}, "
                         f"sandbox {c.sandbox:g} of {c.max_points:g}")
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
    from nndl.checks import load_checkset
    from nndl.grading import grade_submission, hidden_paths
    from nndl.loader import load_submission
    from nndl.sandbox import Sandbox

    root = Path(root).resolve()
    cfg = course()
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
            sub = load_submission(path, f"{assignment}/{nb_name}", cfg)
            report = grade_submission(sub, box, instructor=True, cfg=cfg)
            by_target: dict[str, list[float]] = {}
            checkset = load_checkset(assignment, nb_name)
            for result in report.checks:
                target = checkset[result.id].target
                acc = by_target.setdefault(f"test_{target}", [0.0, 0.0])
                acc[0] += result.points
                acc[1] += result.max_points
            for cell, (points, max_points) in by_target.items():
                verdicts.append(CellVerdict(student, assignment, nb_name, cell,
                                            stored.get((student, assignment, nb_name, cell)), points, max_points))
    return VerifyReport(root, verdicts, problems, protections)
