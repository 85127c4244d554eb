"""The main job, end to end: build the assignment, autograde the sample
submissions with real nbgrader into its SQLite gradebook, generate feedback,
verify the gradebook in the sandbox, print the score table."""

from __future__ import annotations

import sys

import shutil
import time
from pathlib import Path

from nndl import course_dir, paths
from nndl.config import course


def run(root: Path | None = None, *, sets: list[str] | None = None, verify: bool = True) -> int:
    from rich.console import Console
    from rich.table import Table


    # The sample students are built from the test suite's mutants (tests/samples.py), so the
    # demo runs from a checkout of the repository, whose root must be importable.
    if str(paths.REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(paths.REPO_ROOT))
    from tests import samples

    # Not a terminal (CI logs, pipes): rich would wrap at 80 columns and truncate set names.
    console = Console(width=None if sys.stdout.isatty() else 160)
    cfg = course()
    root = root or paths.BUILD / "course"
    if root.exists():
        shutil.rmtree(root)
    t0 = time.perf_counter()
    course_dir.create(root, cfg, sets=sets)
    console.print(f"[bold]course directory[/bold] {root}")
    for assignment, asg in cfg.assignments.items():
        names = [s for s in asg.sets if sets is None or s in sets]
        if not names:  # --sets names none of this assignment's sets
            continue
        console.print(f"nbgrader generate_assignment {assignment}")
        course_dir.nbgrader(root, "generate_assignment", assignment, "--force")
        for student in samples.STUDENTS:
            notebooks = {}
            for set_name in names:
                if student == "blank":
                    notebooks[set_name] = course_dir.filled_notebook(assignment, set_name, blank=True)
                else:
                    mutants = samples.PARTIAL.get(student, {}).get(set_name, [])
                    notebooks[set_name] = course_dir.filled_notebook(
                        assignment, set_name, samples.replacements(assignment, set_name, mutants))
            course_dir.submit(root, student, assignment, notebooks)
        console.print(f"nbgrader autograde {assignment}  ({len(samples.STUDENTS)} students x {len(names)} notebooks)")
        course_dir.nbgrader(root, "autograde", assignment, "--force")
        console.print(f"nbgrader generate_feedback {assignment}")
        course_dir.nbgrader(root, "generate_feedback", assignment, "--force")
        scores = course_dir.read_scores(root, assignment, samples.STUDENTS)
        table = Table(title=f"{assignment}: autograded points (gradebook {root / 'gradebook.db'})")
        table.add_column("student")
        for set_name in names:
            table.add_column(set_name, justify="right")
        table.add_column("total", justify="right")
        for student in samples.STUDENTS:
            row = scores[student]
            got = sum(row[s][0] for s in names)
            mx = sum(row[s][1] for s in names)
            table.add_row(student, *[f"{row[s][0]:g}/{row[s][1]:g}" for s in names], f"{got:g}/{mx:g}")
        console.print(table)
    if verify:
        from nndl.verify import verify_gradebook

        report = verify_gradebook(root)
        console.print(report.render(), markup=False)  # paths and problems are text, not markup
    console.print(f"done in {time.perf_counter() - t0:.1f} s; feedback in {root / 'feedback'}")
    return 0
