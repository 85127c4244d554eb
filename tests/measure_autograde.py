"""Grading time of ``nbgrader autograde``: plain nbgrader vs. the sandboxed grades, in one run.

    .venv/bin/python tests/measure_autograde.py [--sets activations,derivatives] [--rounds 2]

Builds two course directories that differ only in ``nbgrader_config.py``
(``course_dir.create(..., sandbox=False)``: nbgrader stores what the student's
kernel printed; the default: ``nndl.autograde`` stores the sandbox's points),
submits the same notebooks (the sample students of ``tests/samples.py``) to
both, and times ``nbgrader autograde`` in each, alternating, ``--rounds``
times.  Prints the times, the per-notebook times, the ratio, whether the
honest submissions got the same grades both ways, and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nndl import course_dir  # noqa: E402
from tests import samples  # noqa: E402

ASSIGNMENT = "session1"


def _course(root: Path, sets: list[str], students: list[str], sandbox: bool) -> None:
    course_dir.create(root, sets=sets, sandbox=sandbox)
    course_dir.nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
    for student in students:
        notebooks = {}
        for set_name in sets:
            if student == "blank":
                notebooks[set_name] = course_dir.filled_notebook(ASSIGNMENT, set_name, blank=True)
            else:
                mutants = samples.PARTIAL.get(student, {}).get(set_name, [])
                notebooks[set_name] = course_dir.filled_notebook(
                    ASSIGNMENT, set_name, samples.replacements(ASSIGNMENT, set_name, mutants))
        course_dir.submit(root, student, ASSIGNMENT, notebooks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default="activations,derivatives")
    parser.add_argument("--students", default=",".join(samples.STUDENTS))
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    sets, students = args.sets.split(","), args.students.split(",")
    work = Path(tempfile.mkdtemp(prefix="nndl-measure-autograde-"))
    try:
        roots = {"plain": work / "plain", "sandbox": work / "sandbox"}
        for name, root in roots.items():
            _course(root, sets, students, sandbox=name == "sandbox")
        times: dict[str, list[float]] = {name: [] for name in roots}
        waited: list[float] = []
        for _ in range(args.rounds):
            for name, root in roots.items():
                start = time.perf_counter()
                proc = course_dir.nbgrader(root, "autograde", ASSIGNMENT, "--force")
                times[name].append(time.perf_counter() - start)
                if name == "sandbox":  # SaveSandboxGrades logs how long nbgrader waited for the sandbox
                    waited.append(sum(float(m) for m in re.findall(r"waited ([0-9.]+) s after the kernel",
                                                                   proc.stderr)))
        scores = {name: course_dir.read_scores(root, ASSIGNMENT, students) for name, root in roots.items()}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    notebooks = len(sets) * len(students)
    best = {name: min(t) for name, t in times.items()}
    for name, t in times.items():
        print(f"{name:8s} nbgrader autograde ({notebooks} notebooks): "
              + ", ".join(f"{x:.1f} s" for x in t) + f"; best {best[name] / notebooks:.2f} s per notebook")
    print("sandbox: seconds nbgrader waited for the sandbox after the kernel, per run: "
          + ", ".join(f"{w:.1f}" for w in waited))
    same = scores["plain"] == scores["sandbox"]
    print(f"ratio sandbox / plain (best of {args.rounds}): {best['sandbox'] / best['plain']:.2f}; "
          f"same grades for the honest samples: {same}")
    print(json.dumps({"bench": "autograde", "baseline_s": round(best["plain"], 3), "ours_s": round(best["sandbox"], 3),
                      "ratio": round(best["sandbox"] / best["plain"], 3), "same_results": same,
                      "notebooks": notebooks, "rounds": {k: [round(x, 2) for x in v] for k, v in times.items()},
                      "waited_s": [round(w, 2) for w in waited]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
