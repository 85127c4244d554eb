"""Benchmark: the gradient-ascent computer assignment (sheet §2, assignment 1), end to end.

Run from the repository root::

    .venv/bin/python bench/gradient_ascent.py [--repeats N]

Two implementations of the same work, each run ``--repeats`` times after one
warm-up run (imports, font cache), median wall time reported:

* baseline, the seed's style: ``f`` and its gradient in scalar ``math`` on one
  point, a Python loop for the ascent, the contour grid evaluated with
  ``np.vectorize(f, signature="(n)->()")`` (one Python call per grid point,
  computed once and reused by the three plots), pyplot's global figure state;
* ours, the reference solution ``solutions/session1/gradient_ascent.py``:
  ``gradient_ascent`` with ``STEP_SIZES``, ``plot_trajectory`` (vectorised
  grid evaluation) for each start, ``plot_objective``.

Both do the three ascents from (0.2, 0.5), (0.5, 0.2), (1, 1), three contour
plots with one arrow per step, and the 1 x 3 objective figure, built on the
Agg backend (not rendered) and closed.  The results must agree: trajectories
and objective values within 1e-9 relative, grid values within 1e-12.

The output ends with one JSON line: ``{"bench": "gradient_ascent",
"baseline_s", "ours_s", "ratio" (baseline / ours), "same_results",
"peak_mb" (peak resident memory of this process)}``.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from solutions.session1 import gradient_ascent as ref  # noqa: E402

#: Agreement of the two pipelines: the same closed forms, evaluated by math vs numpy (a few ulps).
RTOL = 1e-9
ATOL = 1e-12


# --- baseline: the seed's style ---------------------------------------------------------------
def f_scalar(w):
    return math.exp(-w[0] ** 2 - 2 * (w[1] - 1) ** 2) + math.exp(-(w[0] - 1) ** 2 - 2 * w[1] ** 2)


def grad_scalar(w):
    e1 = math.exp(-w[0] ** 2 - 2 * (w[1] - 1) ** 2)
    e2 = math.exp(-(w[0] - 1) ** 2 - 2 * w[1] ** 2)
    return (-2 * w[0] * e1 - 2 * (w[0] - 1) * e2, -4 * (w[1] - 1) * e1 - 4 * w[1] * e2)


def ascent_baseline(w0, step_size, tol=1e-4, max_iter=100_000):
    w = (float(w0[0]), float(w0[1]))
    trajectory = [w]
    for _ in range(max_iter):
        g = grad_scalar(w)
        if math.sqrt(g[0] ** 2 + g[1] ** 2) < tol:
            break
        w = (w[0] + step_size * g[0], w[1] + step_size * g[1])
        trajectory.append(w)
    return np.array(trajectory)


def baseline() -> dict:
    vec_f = np.vectorize(f_scalar, signature="(n)->()")
    w1 = np.linspace(-2.0, 3.0, 200)
    w2 = np.linspace(-2.0, 3.0, 200)
    W1, W2 = np.meshgrid(w1, w2)
    Fs = vec_f(np.stack((W1, W2), axis=2))
    trajectories, fs = {}, {}
    for start in ref.STARTS:
        trajectories[start] = ascent_baseline(start, ref.STEP_SIZES[start])
        fs[start] = [f_scalar(w) for w in trajectories[start]]
        fig = plt.figure(dpi=150)
        plt.contour(W1, W2, Fs)
        plt.xlabel("w1")
        plt.ylabel("w2")
        traj = trajectories[start]
        for i in range(len(traj) - 1):
            plt.arrow(traj[i][0], traj[i][1], traj[i + 1][0] - traj[i][0], traj[i + 1][1] - traj[i][1],
                      length_includes_head=True, width=0.03)
        plt.close(fig)
    fig, axs = plt.subplots(1, 3, figsize=(15, 4))
    for i, start in enumerate(ref.STARTS):
        axs[i].plot(fs[start])
        axs[i].set_xlabel("Number of iterations")
        axs[i].set_ylabel("Function value")
    plt.close(fig)
    return {"grid": Fs, "trajectories": trajectories, "values": fs}


# --- ours: the reference solution -------------------------------------------------------------
def ours() -> dict:
    trajectories = {start: ref.gradient_ascent(np.array(start), ref.STEP_SIZES[start]) for start in ref.STARTS}
    for traj in trajectories.values():
        plt.close(ref.plot_trajectory(traj))
    plt.close(ref.plot_objective(list(trajectories.values())))
    return {"trajectories": trajectories}


def same_results(base: dict, our: dict) -> tuple[bool, list[str]]:
    """Compare the two pipelines' outputs; the reference's grid and values are recomputed with ref.f."""
    problems = []
    grid = np.linspace(-2.0, 3.0, 200)
    W1, W2 = np.meshgrid(grid, grid)
    if not np.allclose(base["grid"], ref.f(np.stack((W1, W2), axis=-1)), rtol=0.0, atol=ATOL):
        problems.append("contour grid values differ")
    for start in ref.STARTS:
        a, b = base["trajectories"][start], our["trajectories"][start]
        if a.shape != b.shape or not np.allclose(a, b, rtol=RTOL, atol=ATOL):
            problems.append(f"trajectories from {start} differ: {a.shape} vs {b.shape}")
        elif not np.allclose(base["values"][start], ref.f(b), rtol=RTOL, atol=ATOL):
            problems.append(f"objective values from {start} differ")
    return not problems, problems


def timed(fn, repeats: int) -> tuple[float, list[float], dict]:
    result = fn()  # warm-up: imports, fonts, caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each pipeline (median reported)")
    args = parser.parse_args(argv)

    base_s, base_times, base = timed(baseline, args.repeats)
    ours_s, ours_times, our = timed(ours, args.repeats)
    same, problems = same_results(base, our)
    grid = np.linspace(-2.0, 3.0, 200)
    stacked = np.stack(np.meshgrid(grid, grid), axis=-1)
    grid_base_s, _, _ = timed(lambda: np.vectorize(f_scalar, signature="(n)->()")(stacked), args.repeats)
    grid_ours_s, _, _ = timed(lambda: ref.f(stacked), args.repeats)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes

    steps = ", ".join(f"{start}: {len(our['trajectories'][start]) - 1}" for start in ref.STARTS)
    print("gradient ascent, computer assignment 1, end to end (3 ascents, 3 contour plots, objective plot; Agg)")
    print(f"  steps with STEP_SIZES {steps}")
    print(f"  baseline (math + np.vectorize grid): median {base_s * 1e3:8.1f} ms of {len(base_times)} runs "
          f"(min {min(base_times) * 1e3:.1f} ms)")
    print(f"  ours (reference, vectorised grid):   median {ours_s * 1e3:8.1f} ms of {len(ours_times)} runs "
          f"(min {min(ours_times) * 1e3:.1f} ms)")
    print(f"  of which the 200 x 200 grid of f alone: np.vectorize {grid_base_s * 1e3:.1f} ms, "
          f"vectorised f {grid_ours_s * 1e3:.2f} ms ({grid_base_s / grid_ours_s:.0f}x); the rest is matplotlib")
    print(f"  speed-up {base_s / ours_s:.2f}x; same results: {same}" + ("" if same else f" ({'; '.join(problems)})"))
    print(f"  peak memory {peak_mb:.0f} MB")
    print(json.dumps({"bench": "gradient_ascent", "baseline_s": round(base_s, 6), "ours_s": round(ours_s, 6),
                      "ratio": round(base_s / ours_s, 3), "same_results": same, "peak_mb": round(peak_mb, 1)}))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
