"""Benchmark: both computer assignments of §2 end to end, in one run.

    .venv/bin/python bench/session1_optimization.py [--quick]

Baseline: the straightforward implementations of ``bench/gradient_ascent.py``
(scalar math, ``np.vectorize`` contour grid) and ``bench/precision_sgd.py``
(the whole-data objective recomputed with ``scipy.stats`` at every SGD step,
the sheet's 9 runs x 10 000 steps).  Ours: the reference solutions making the
same trajectories, runs and figures.  Results are compared by the two
benches' own ``same_results`` criteria.  The last line is one JSON object.
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    ga, sgd = _load("gradient_ascent"), _load("precision_sgd")
    quick = "--quick" in argv or os.environ.get("NNDL_BENCH_QUICK", "") not in ("", "0")
    n_iter = sgd.QUICK_ITER if quick else sgd.N_ITER
    X = sgd.ref.sample_data(1000, seed=0)
    # warm-up: imports, font cache, scipy's first call
    ga.ours(), ga.baseline(), sgd.baseline(X[:10], 2), sgd.ours(X[:10], 2)

    start = time.perf_counter()
    base_ga = ga.baseline()
    base_sgd = sgd.baseline(X, n_iter)
    baseline_s = time.perf_counter() - start

    start = time.perf_counter()
    ours_ga = ga.ours()
    ours_sgd = sgd.ours(X, n_iter)
    ours_s = time.perf_counter() - start

    same_ga, problems = ga.same_results(base_ga, ours_ga)
    same_sgd = True
    for (step, seed), (P_base, obj_base) in base_sgd.items():
        P_ours, _ = sgd.ref.sgd_precision(X, sgd.ref.initial_precision(seed), step, n_iter, seed=seed)
        obj = ours_sgd[step, seed]
        same_sgd &= obj.shape == obj_base.shape and bool(
            (abs(obj - obj_base) <= sgd.RTOL * abs(obj_base)).all()
            and (abs(P_ours - P_base) <= sgd.RTOL * abs(P_base) + sgd.ATOL_P).all())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    ratio = baseline_s / ours_s
    print(f"§2 computer assignments end to end: gradient ascent (3 starts, 4 figures) + "
          f"precision SGD (9 runs x {n_iter} steps, 3 figures){' (quick)' if quick else ''}")
    print(f"  baseline {baseline_s:.3f} s, ours {ours_s:.3f} s: {ratio:.1f}x; "
          f"same results: gradient ascent {same_ga}, SGD {same_sgd}" + (f" ({problems})" if problems else ""))
    print(json.dumps({"bench": "session1_optimization", "baseline_s": round(baseline_s, 4), "ours_s": round(ours_s, 4),
                      "ratio": round(ratio, 2), "same_results": bool(same_ga and same_sgd),
                      "peak_mb": round(peak_mb, 1)}))
    return 0 if same_ga and same_sgd else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
