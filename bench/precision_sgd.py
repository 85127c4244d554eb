"""Benchmark: the sheet's nine SGD runs (§2, computer assignment 2), straightforward vs. reference.

    .venv/bin/python bench/precision_sgd.py            # the sheet's 9 runs x 10 000 steps
    .venv/bin/python bench/precision_sgd.py --quick    # 9 runs x 500 steps (smoke test)
    NNDL_BENCH_QUICK=1 .venv/bin/python bench/precision_sgd.py

* baseline: the straightforward implementation: ``np.linalg.inv`` per step and the
  whole-data objective recomputed at every step with
  ``scipy.stats.multivariate_normal(cov=inv(P)).logpdf(X).sum()`` (O(N) per step),
  then the three figures;
* ours: ``solutions.session1.precision_sgd.plot_objectives(X)`` (the reference: sufficient
  statistics, closed-form 2 x 2 inverse, indices drawn up front; O(1) per step),
  which makes the same nine runs and the same three figures.

Both use the same data (``sample_data(1000, 0)``), initial points
(``initial_precision(seed)``) and sample indices (``default_rng(seed).integers(0, N,
size=n_iter)``, seed = 0, 1, 2), so the runs must agree up to rounding: objectives (read
back from the reference's figures) and final P_hat (from ``sgd_precision``) within a
relative 1e-9 (rounding differences of the two inverses, ~1e-16 per step, are damped
by the contractive iteration; the log-likelihoods are ~3e3 in size).  Figures are drawn
on the Agg backend and closed.  The last line printed is one JSON object.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import scipy.stats as sps  # noqa: E402

from solutions.session1 import precision_sgd as ref  # noqa: E402

STEP_SIZES = (1e-5, 1e-4, 1e-3)
SEEDS = (0, 1, 2)
N_ITER = 10_000
QUICK_ITER = 500
#: Agreement of the two implementations (see the module docstring).
RTOL = 1e-9
ATOL_P = 1e-12
#: The reference is timed as the median of a few repetitions (it takes ~0.1 s, so one
#: run is at the mercy of the scheduler); the baseline (~25 s) once.
OURS_REPEAT = 3


def baseline(X: np.ndarray, n_iter: int) -> dict:
    """The straightforward nine runs and three figures."""
    n = X.shape[0]
    runs = {}
    for step in STEP_SIZES:
        fig, ax = plt.subplots(figsize=(6, 4))
        for seed in SEEDS:
            idx = np.random.default_rng(seed).integers(0, n, size=n_iter)
            P = ref.initial_precision(seed)
            objective = [sps.multivariate_normal(mean=np.zeros(2), cov=np.linalg.inv(P)).logpdf(X).sum()]
            for i in idx:
                x = X[i]
                P = P + step * 0.5 * (np.linalg.inv(P) - np.outer(x, x))
                objective.append(sps.multivariate_normal(mean=np.zeros(2), cov=np.linalg.inv(P)).logpdf(X).sum())
            objective = np.array(objective)
            ax.plot(np.arange(n_iter + 1), objective, label=f"initial point {seed}")
            runs[step, seed] = (P, objective)
        ax.set_xlabel("Iteration")
        ax.set_ylabel("Log-likelihood")
        ax.set_title(f"Step size {step:g}")
        ax.legend()
        plt.close(fig)
    return runs


def ours(X: np.ndarray, n_iter: int) -> dict:
    """The reference's plot_objectives; the objectives are read back from its figures."""
    figs = ref.plot_objectives(X, STEP_SIZES, SEEDS, n_iter)
    objectives = {}
    for step, fig in zip(STEP_SIZES, figs):
        for seed, line in zip(SEEDS, fig.axes[0].get_lines()):
            objectives[step, seed] = np.asarray(line.get_ydata(), dtype=float)
        plt.close(fig)
    return objectives


def main(argv: list[str]) -> int:
    quick = "--quick" in argv or os.environ.get("NNDL_BENCH_QUICK", "") not in ("", "0")
    n_iter = QUICK_ITER if quick else N_ITER
    X = ref.sample_data(1000, seed=0)

    # Warm up both code paths (imports, font cache, scipy's first-call overhead).
    baseline(X[:10], 2)
    ours(X[:10], 2)

    start = time.perf_counter()
    base = baseline(X, n_iter)
    baseline_s = time.perf_counter() - start

    times = []
    for _ in range(OURS_REPEAT):
        start = time.perf_counter()
        objectives = ours(X, n_iter)
        times.append(time.perf_counter() - start)
    ours_s = statistics.median(times)

    worst_obj = worst_p = 0.0
    for (step, seed), (P_base, obj_base) in base.items():
        P_ours, _ = ref.sgd_precision(X, ref.initial_precision(seed), step, n_iter, seed=seed)
        obj_ours = objectives[step, seed]
        if obj_ours.shape != obj_base.shape:
            worst_obj = np.inf
            continue
        worst_obj = max(worst_obj, float(np.max(np.abs(obj_ours - obj_base) / np.abs(obj_base))))
        worst_p = max(worst_p, float(np.max(np.abs(P_ours - P_base) / (ATOL_P / RTOL + np.abs(P_base)))))
    same = bool(worst_obj <= RTOL and worst_p <= RTOL)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: kilobytes

    ratio = baseline_s / ours_s
    print(f"precision_sgd: {len(STEP_SIZES)} step sizes x {len(SEEDS)} initial points x {n_iter} steps, "
          f"N = {X.shape[0]}{' (quick)' if quick else ''}")
    print(f"  baseline (scipy logpdf of all N points at every step): {baseline_s:8.3f} s")
    print(f"  ours (reference plot_objectives, median of {OURS_REPEAT}):        {ours_s:8.3f} s"
          f"  [{', '.join(f'{t:.3f}' for t in times)}]")
    print(f"  speed-up {ratio:.1f}x; worst relative difference: objective {worst_obj:.2e}, "
          f"P_hat {worst_p:.2e} (tolerance {RTOL:g}); peak RSS {peak_mb:.0f} MB")
    print(json.dumps({"bench": "precision_sgd", "baseline_s": round(baseline_s, 4), "ours_s": round(ours_s, 4),
                      "ratio": round(ratio, 2), "same_results": same, "peak_mb": round(peak_mb, 1)}))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
