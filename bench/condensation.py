"""Benchmark: gradient descent of the two-layer ReLU network, the seed's loop vs the reference.

    .venv/bin/python bench/condensation.py            # the seed's configuration: m = 800, 2e5 steps
    .venv/bin/python bench/condensation.py --quick    # m = 800, 5000 steps (smoke test)
    NNDL_BENCH_QUICK=1 .venv/bin/python bench/condensation.py

Configuration (the seed's): m = 800, gamma = 3/2, gamma' = 0 (alpha_m = m**1.5), learning
rate 70, 2e5 steps, the seed's "symmetric" initialisation (a, a), (w, -w), (b, b), on the
seed's four data points.

* baseline: the seed's algorithm, re-implemented faithfully below (``gradient_flow`` with its
  ``np.outer``, masks and three weighted sums, returning the *negative* gradient, and the
  update ``a = a + step_size * grad_a``), **without** the seed's per-step history (which
  would hold 3 x 2e5 x 800 float64 = 3.84 GB in lists, twice that after ``np.array``).  It
  draws its initial parameters like the seed (``normal(0, beta, ceil(m/2))`` for a, w, b in
  this order, then the pairing), from ``np.random.default_rng(SEED)`` instead of numpy's
  global state, so that both sides start from the same numbers.
* ours: ``solutions.research.condensation.gradient_descent`` with the history the figures
  of ``nndl simulate condensation`` need (``record_every=500``: 401 states, 7.7 MB), from
  ``init_params(m, 1.5, 0.0, SEED, symmetric="seed")``.  Its steps run in a compiled numba
  loop; numba's import and compilation (once per process) are timed separately, before.
  The careful numpy formulation of the reference (``_descend_numpy``, used for small runs)
  is timed too, for the record, on the first 20 000 steps (per-step cost).

Same results: the initial parameters must be identical, and the states at the recorded
steps must agree within a relative 1e-9 (per entry, with an absolute floor of 1e-12 times
the largest |entry|): the compiled loop sums over the neurons in another order (rounding
~1e-16 per sum); GD on this problem contracts such differences (measured: ~1e-13 after
2e5 steps).  The baseline runs the unchanged loop in chunks between the recorded steps and
is compared there with ours, outside its timing, keeping no states.  The last line printed
is one JSON object; peak_mb is the peak resident memory of this whole process (baseline,
both of ours, the history), numba's compiler included.
"""

from __future__ import annotations

import json
import math
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from solutions.research import condensation as ref  # noqa: E402

M, GAMMA, GAMMA_PRIME, LR = 800, 1.5, 0.0, 70.0
STEPS, QUICK_STEPS = 200_000, 5_000
RECORD_EVERY = 500  # the default simulation's: 401 states for 2e5 steps
NUMPY_STEPS = 20_000  # the numpy formulation is timed on this prefix (a multiple of RECORD_EVERY)
SEED = 0
#: Agreement of the two trajectories (see the module docstring).
RTOL = 1e-9
ATOL_SCALE = 1e-12

# --- the seed's algorithm, faithfully (globals as in the notebook) ----------------------------------
n = 4
x = np.array([-1 / 2, -1 / 6, 1 / 6, 1 / 2])
y = np.array([1 / 4, 1 / 30, 1 / 30, 1 / 4])
gamma, gamma_prime = GAMMA, GAMMA_PRIME


def generate_alpha_betas(m):
    alpha_m = m ** (gamma - gamma_prime)
    kappa = m ** (-gamma)
    kappa_prime = m ** (-gamma_prime)
    beta_1m = math.sqrt(kappa * kappa_prime * alpha_m)
    beta_2m = math.sqrt((kappa / kappa_prime) * alpha_m)
    return alpha_m, beta_1m, beta_2m


def gradient_flow(a, w, b, alpha_m):
    wx_plus_b = np.outer(x, w) + b  # Shape: (n, m)
    relu_mask = (wx_plus_b > 0).astype(float)  # Shape: (n, m)
    relu = wx_plus_b * relu_mask  # Apply the mask
    term2 = (np.sum(a * relu, axis=1) / alpha_m) - y  # Shape: (n,)
    full_sum_a = np.sum(relu * term2[:, np.newaxis], axis=0)  # Shape: (m,)
    term1_w = (a * x[:, np.newaxis] * relu_mask)  # Shape: (n, m)
    full_sum_w = np.sum(term1_w * term2[:, np.newaxis], axis=0)  # Shape: (m,)
    term1_b = (a * relu_mask)  # Shape: (n, m)
    full_sum_b = np.sum(term1_b * term2[:, np.newaxis], axis=0)  # Shape: (m,)
    grad_a = -full_sum_a / (n * alpha_m)  # Final shape: (m,)
    grad_w = -full_sum_w / (n * alpha_m)  # Final shape: (m,)
    grad_b = -full_sum_b / (n * alpha_m)  # Final shape: (m,)
    return grad_a, grad_w, grad_b


def seed_initial(m, symmetric, rng):
    """The seed's draws, from ``rng`` instead of numpy's global state."""
    alpha_m, beta_1m, beta_2m = generate_alpha_betas(m)
    m_len = math.ceil(m / 2) if symmetric else math.ceil(m)
    a = rng.normal(loc=0, scale=beta_1m, size=m_len)
    w = rng.normal(loc=0, scale=beta_2m, size=m_len)
    b = rng.normal(loc=0, scale=beta_2m, size=m_len)
    if symmetric:
        a = np.concatenate((a, a))
        w = np.concatenate((w, -w))
        b = np.concatenate((b, b))
    return alpha_m, a, w, b


def seed_steps(a, w, b, alpha_m, step_size, steps):
    """The seed's loop body, without its per-step history."""
    for _ in range(steps):
        grad_a, grad_w, grad_b = gradient_flow(a, w, b, alpha_m)
        a = a + step_size * grad_a
        w = w + step_size * grad_w
        b = b + step_size * grad_b
    return a, w, b


def baseline(steps: int, checkpoints: list[int], compare) -> tuple[float, tuple]:
    """Time the seed's loop; ``compare(t, state)`` at the checkpoints, outside the timing (no
    state is kept: the baseline holds no history)."""
    alpha_m, a, w, b = seed_initial(M, True, np.random.default_rng(SEED))
    initial = (a.copy(), w.copy(), b.copy())
    elapsed, done = 0.0, 0
    compare(0, (a, w, b))
    for t in checkpoints[1:]:
        start = time.perf_counter()
        a, w, b = seed_steps(a, w, b, alpha_m, LR, t - done)
        elapsed += time.perf_counter() - start
        done = t
        compare(t, (a, w, b))
    return elapsed, initial


def worst_relative(ours: np.ndarray, base: np.ndarray) -> float:
    """max |ours - base| / (atol + RTOL |base|) with atol = ATOL_SCALE max|base|: <= 1 means the same."""
    atol = ATOL_SCALE * float(np.abs(base).max())
    return float(np.max(np.abs(ours - base) / (atol + RTOL * np.abs(base))))


def main(argv: list[str]) -> int:
    quick = "--quick" in argv or os.environ.get("NNDL_BENCH_QUICK", "") not in ("", "0")
    steps = QUICK_STEPS if quick else STEPS
    checkpoints = list(range(0, steps + 1, RECORD_EVERY))
    alpha_m = ref.generate_alpha_betas(M, GAMMA, GAMMA_PRIME)[0]
    a0, w0, b0 = ref.init_params(M, GAMMA, GAMMA_PRIME, SEED, symmetric="seed")

    # numba: import and compile once (what the first large gradient_descent of a process pays).
    start = time.perf_counter()
    kernel = ref._descent_kernel()
    kernel(a0.copy(), w0.copy(), b0.copy(), alpha_m, ref.X_DATA, ref.Y_DATA, LR, 0)
    compile_s = time.perf_counter() - start

    start = time.perf_counter()
    hist = ref.gradient_descent(a0, w0, b0, alpha_m, ref.X_DATA, ref.Y_DATA, LR, steps, record_every=RECORD_EVERY)
    ours_s = time.perf_counter() - start

    # the careful numpy formulation, for the record (no history, like the baseline), on a prefix
    numpy_steps = min(steps, NUMPY_STEPS)
    state = np.array([a0, w0, b0])
    start = time.perf_counter()
    ref._descend_numpy(state, alpha_m, ref.X_DATA, ref.Y_DATA, LR, numpy_steps)
    numpy_s = time.perf_counter() - start

    # the figures' numbers from the history: RD and the output range at every record
    start = time.perf_counter()
    rd = [ref.relative_distance(hist["w"][r], hist["b"][r], w0, b0) for r in range(len(hist["step"]))]
    ranges = [ref.output_range(hist["a"][r], hist["w"][r], hist["b"][r], alpha_m) for r in range(len(hist["step"]))]
    derived_s = time.perf_counter() - start

    same_steps = hist["step"].tolist() == checkpoints
    worst = {"numba": 0.0 if same_steps else math.inf, "numpy": math.inf}
    final = {}

    def compare(t, base):
        base = np.stack(base)
        if same_steps:
            r = checkpoints.index(t)
            worst["numba"] = max(worst["numba"], worst_relative(np.stack([hist[k][r] for k in "awb"]), base))
        if t == numpy_steps:
            worst["numpy"] = worst_relative(state, base)
        if t == steps:
            final["risk"] = ref.risk(*base, alpha_m, ref.X_DATA, ref.Y_DATA)

    base_s, base_initial = baseline(steps, checkpoints, compare)
    worst_numpy = worst["numpy"]
    worst = worst["numba"]
    final_risk = final["risk"]
    same_start = all(np.array_equal(u, v) for u, v in zip((a0, w0, b0), base_initial))
    risk_gap = abs(hist["risk"][-1] - final_risk) / final_risk
    same = bool(same_start and same_steps and worst <= 1.0 and worst_numpy <= 1.0)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: kilobytes
    history_mb = sum(hist[k].nbytes for k in hist) / 2**20
    ratio = base_s / ours_s

    print(f"condensation: m = {M}, gamma = {GAMMA:g}, gamma' = {GAMMA_PRIME:g}, lr = {LR:g}, {steps} steps, "
          f"the seed's initialisation (seed {SEED}){' (quick)' if quick else ''}")
    print(f"  baseline (seed's gradient_flow loop, no history): {base_s:8.3f} s  "
          f"({base_s / steps * 1e6:.1f} us/step)")
    print(f"  ours (gradient_descent, numba, record_every={RECORD_EVERY}: {len(hist['step'])} states, "
          f"{history_mb:.1f} MB): {ours_s:8.3f} s  ({ours_s / steps * 1e6:.1f} us/step)")
    print(f"  numba import + compilation (once per process, not in ours_s): {compile_s:.2f} s; "
          f"speed-up including it {base_s / (ours_s + compile_s):.1f}x")
    print(f"  numpy formulation (_descend_numpy, no history, first {numpy_steps} steps): {numpy_s:8.3f} s  "
          f"({numpy_s / numpy_steps * 1e6:.1f} us/step, {base_s / steps / (numpy_s / numpy_steps):.1f}x per step): "
          "below the 5x target, hence numba")
    print(f"  figures' derived numbers (RD, output range at {len(rd)} records): {derived_s:.3f} s; "
          f"the seed would have stored {3 * steps * M * 8 / 1e9:.2f} GB of history")
    print(f"  same initial parameters: {same_start}; worst difference of the states at {len(checkpoints)} "
          f"recorded steps, in units of the tolerance {RTOL:g} relative (+ {ATOL_SCALE:g} max|entry|): "
          f"{worst:.2e} (numba), {worst_numpy:.2e} (numpy, after {numpy_steps} steps); final risk "
          f"{hist['risk'][-1]:.6e} vs {final_risk:.6e} (relative gap {risk_gap:.1e}); final RD {rd[-1]:.4f}, "
          f"output range [{ranges[-1][0]:.4f}, {ranges[-1][1]:.4f}]")
    print(f"  speed-up {ratio:.1f}x; peak RSS {peak_mb:.0f} MB")
    print(json.dumps({"bench": "condensation", "baseline_s": round(base_s, 4), "ours_s": round(ours_s, 4),
                      "ratio": round(ratio, 2), "same_results": same, "peak_mb": round(peak_mb, 1)}))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
