"""Benchmark: grading one Session 1 submission per set, before and after the sandbox.

    .venv/bin/python bench/grading.py

Before: the set's checks run in-process on the reference code executed into a
namespace (what the notebook test cells do).  After: ``nndl-grade``'s path,
the same checks in this process calling the code in a sandboxed worker forked
from a warm zygote (start-up of the zygote reported separately).  The
baseline is the in-process time, so ``ratio`` < 1 is the sandbox's overhead
factor.  The last line is one JSON object.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nndl import paths  # noqa: E402
from nndl.checks import run_checks  # noqa: E402
from nndl.config import course  # noqa: E402
from nndl.impl import LocalImpl  # noqa: E402


def main() -> int:
    from nndl.grading import grade_submission, hidden_paths
    from nndl.loader import load_submission
    from nndl.sandbox import Sandbox

    cfg = course()
    rows = []
    start = time.perf_counter()
    files = [paths.solution_file(a, s) for a, s in cfg.all_sets()]
    with Sandbox(cfg.limits, hidden_paths=hidden_paths(files)) as box:
        box.load([], filename="warmup.py").close()
        zygote_s = time.perf_counter() - start
        for (assignment, set_name), path in zip(cfg.all_sets(), files):
            ns: dict = {"__name__": "__student__"}
            t0 = time.perf_counter()
            exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), ns)  # noqa: S102 - our file
            local = run_checks(LocalImpl(ns), assignment, set_name)
            before = time.perf_counter() - t0
            t0 = time.perf_counter()
            report = grade_submission(load_submission(path, set_name, cfg), box, cfg=cfg)
            after = time.perf_counter() - t0
            ok = all(r.passed for r in local) and report.score == report.max_score
            rows.append((set_name, before, after, ok))
    print(f"grading the reference of each set (warm zygote start-up {zygote_s:.2f} s, once per batch):")
    print(f"  {'set':<16} {'in-process':>11} {'sandbox':>9}")
    for set_name, before, after, ok in rows:
        print(f"  {set_name:<16} {before:10.2f}s {after:8.2f}s{'' if ok else '  (NOT FULL MARKS)'}")
    baseline_s = sum(r[1] for r in rows)
    ours_s = sum(r[2] for r in rows)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"bench": "grading", "baseline_s": round(baseline_s, 3), "ours_s": round(ours_s, 3),
                      "ratio": round(baseline_s / ours_s, 3), "same_results": all(r[3] for r in rows),
                      "peak_mb": round(peak_mb, 1)}))
    return 0 if all(r[3] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
