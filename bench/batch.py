"""Benchmark: grading a course's worth of submissions, with one grading process and with all cores.

    .venv/bin/python bench/batch.py [--quick] [--workers N] [--students N] [--repeat N]

The tree: 40 students x the six Session 1 sets = 240 ``.py`` submissions, each
the reference, the blank stub, or the reference with one mutant or valid
alternative of ``tests/session1/mutants/`` pasted in (``tests/trees.py``).  It
is graded by ``nndl-grade TREE --json --progress`` (the progress bar goes to
this terminal) with ``--workers 1`` (baseline) and with ``--workers`` = the
machine's cores (ours), alternately, ``--repeat`` times each (default 2): on a
shared machine the speed of the host drifts by tens of percent over minutes,
so adjacent runs are compared and each side's fastest run is taken (timeit's
rule: noise only ever adds time).  The grades of all runs (every check's
points) must be identical.  A batch of one submission then gives the fixed
cost per batch (grading processes and their sandboxes starting, the tree
read, shutdown): wall = fixed + n x per-submission.  ``--quick``: 4 students
(24 submissions), one repeat.

The last line is one JSON object (``ratio`` = baseline_s / ours_s, each the
fastest of its runs; ``runs`` = every run's seconds in order).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.trees import SESSION1, write_tree  # noqa: E402


def _grade(tree: Path, workers: int) -> tuple[float, list[dict]]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "nndl.cli_grade", str(tree), "--workers", str(workers), "--json",
                           "--progress"], stdout=subprocess.PIPE, text=True, timeout=7200)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"nndl-grade --workers {workers} failed with exit status {proc.returncode}")
    return wall, [json.loads(line) for line in proc.stdout.splitlines()]


def _grades(reports: list[dict]) -> list[tuple]:
    return sorted((r["submission"], r["set"], r["score"], r["max_score"],
                   tuple((c["id"], c["points"], c["passed"]) for c in r["checks"])) for r in reports)


def _differences(serial: list[dict], parallel: list[dict]) -> None:
    """Print where the two runs disagree (a check's points or message)."""
    other = {r["submission"]: r for r in parallel}
    for r in serial:
        q = other.get(r["submission"])
        if q == r:
            continue
        if q is None:
            print(f"  differs: {r['submission']} missing from the parallel run")
            continue
        for a, b in zip(r["checks"], q["checks"]):
            if a != b:
                print(f"  differs: {r['submission']} {a['id']}: {a['points']:g} {a['message'][:300]!r} "
                      f"vs {b['points']:g} {b['message'][:300]!r}")
        if r["problems"] != q["problems"]:
            print(f"  differs: {r['submission']} problems {r['problems']} vs {q['problems']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="4 students (24 submissions) instead of 40 (240)")
    parser.add_argument("--workers", type=int, default=None, help="grading processes of the parallel run "
                                                                  "(default: the machine's cores)")
    parser.add_argument("--students", type=int, default=None,
                        help="students in the tree, each with the six sets (default: 40; 4 with --quick)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs of each side, alternating (default: 2; 1 with --quick)")
    args = parser.parse_args(argv)
    from nndl.threads import cores

    workers = args.workers or cores()
    students = args.students or (4 if args.quick else 40)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="nndl-bench-batch-") as tmp:
        tree = Path(tmp) / "submissions"
        files = write_tree(tree, students, SESSION1)
        n = len(files)
        one = Path(tmp) / "one"
        one.mkdir()
        (one / "activations.py").write_text(files[0].read_text(encoding="utf-8"), encoding="utf-8")
        print(f"{n} submissions ({students} students x {len(SESSION1)} sets), {workers} cores", flush=True)
        repeat = args.repeat or (1 if args.quick else 2)
        sides = {"baseline": 1, "ours": workers}
        runs: dict[str, list[float]] = {side: [] for side in sides}
        results: dict[str, list[list[dict]]] = {side: [] for side in sides}
        for r in range(repeat):
            for side, w in sides.items():
                wall, reports = _grade(tree, w)
                runs[side].append(wall)
                results[side].append(reports)
                print(f"  run {r + 1}: {w} grading process{'es' if w > 1 else ''}: {wall:7.1f} s", flush=True)
        baseline_s, ours_s = min(runs["baseline"]), min(runs["ours"])
        serial, parallel = results["baseline"][0], results["ours"][0]
        print(f"  fastest: 1 grading process {baseline_s:.1f} s, {workers}: {ours_s:.1f} s; ratio of adjacent runs "
              + ", ".join(f"{a / b:.2f}" for a, b in zip(runs["baseline"], runs["ours"])), flush=True)
        single_s, _ = _grade(one, 1)
    load_after = os.getloadavg()
    # Identical grades: every submission's points, check by check.  (A message may differ where the
    # submission itself draws unseeded random numbers, e.g. the mutant plot_fresh_random_x_rest.)
    every = results["baseline"] + results["ours"]
    same = all(_grades(r) == _grades(serial) for r in every) and len(serial) == n
    _differences(serial, parallel)
    per_sub = (baseline_s - single_s) / (n - 1)
    fixed = single_s - per_sub
    scores = [r["score"] for r in parallel]
    full = sum(r["score"] == r["max_score"] > 0 for r in parallel)
    print(f"  a 1-submission batch: {single_s:7.1f} s -> fixed cost per batch {fixed:.1f} s, "
          f"{per_sub:.2f} s per submission and grading process")
    print(f"  throughput: {n / baseline_s:.2f} submissions/s with 1 process, {n / ours_s:.2f} with {workers}")
    print(f"  results: {full} full marks, {sum(s == 0 for s in scores)} zero, {n - full - sum(s == 0 for s in scores)} "
          f"partial; grades identical with 1 and {workers} processes: {same}")
    print(f"  load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f} on {os.cpu_count()} cores")
    peak_kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps({"bench": "batch", "baseline_s": round(baseline_s, 3), "ours_s": round(ours_s, 3),
                      "ratio": round(baseline_s / ours_s, 3), "same_results": same, "peak_mb": round(peak_kb / 1024, 1),
                      "submissions": n, "workers": workers, "per_s": round(n / ours_s, 3),
                      "fixed_cost_s": round(fixed, 3), "repeat": repeat,
                      "runs": {side: [round(x, 3) for x in v] for side, v in runs.items()},
                      "load_avg": [round(x, 2) for x in load_before + load_after]}))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
