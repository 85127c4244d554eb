"""Realistic wrong and valid implementations of ``sparsification``.

Overrides are rebound to the reference's namespace (:func:`tests.mutation.namespace`): a
mutant ``predicted_m_prime`` is what the reference's ``plot_sparsification`` calls, a
mutant ``euler_step`` what a plain-loop ``simulate`` calls, as in a notebook where all cells
share one ``globals()``.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from tests.mutation import Alternative, Mutant


# --- wrong: euler_step ------------------------------------------------------------------------
def step_per_weight_benefit(w, lam, step=0.5):
    # "1 - w^2" read per weight instead of the squared norm of the whole vector.
    w = np.asarray(w, dtype=float)
    new = w + step * ((1 - w**2) * w - lam)
    return new[new > 0]


def step_norm_not_squared(w, lam, step=0.5):
    w = np.asarray(w, dtype=float)
    new = w + step * ((1 - np.linalg.norm(w)) * w - lam)
    return new[new > 0]


def step_plus_lam(w, lam, step=0.5):
    w = np.asarray(w, dtype=float)
    new = w + step * ((1 - w @ w) * w + lam)
    return new[new > 0]


def step_keeps_exact_zeros(w, lam, step=0.5):
    w = np.asarray(w, dtype=float)
    new = w + step * ((1 - w @ w) * w - lam)
    return new[new >= 0]


def step_clips_to_zero(w, lam, step=0.5):
    w = np.asarray(w, dtype=float)
    return np.maximum(w + step * ((1 - w @ w) * w - lam), 0.0)


def step_sorts_ascending(w, lam, step=0.5):
    w = np.asarray(w, dtype=float)
    new = w + step * ((1 - w @ w) * w - lam)
    return np.sort(new[new > 0])


def step_drops_before_update(w, lam, step=0.5):
    # Filters the old weights, then updates: a weight that crosses zero in this step survives negative.
    w = np.asarray(w, dtype=float)
    w = w[w > 0]
    return w + step * ((1 - w @ w) * w - lam)


def step_in_place(w, lam, step=0.5):
    # The seed's `w += dw_dt * step_size` inside a function: it updates the caller's array.
    w = np.asarray(w, dtype=float)
    w += step * ((1 - w @ w) * w - lam)
    return w[w > 0]


def step_ignores_step(w, lam, step=0.5):
    w = np.asarray(w, dtype=float)
    new = w + 0.5 * ((1 - w @ w) * w - lam)
    return new[new > 0]


# --- wrong: predictions -------------------------------------------------------------------------
def m_prime_not_squared(t, m, lam):
    return np.maximum(1 / (1 / np.sqrt(m) + lam * np.asarray(t, dtype=float)), 1.0)


def m_prime_no_floor(t, m, lam):
    return (1 / np.sqrt(m) + lam * np.asarray(t, dtype=float)) ** -2.0


def l1_one_over_m(t, m, lam):
    return np.maximum(1 / (1 / m + lam * np.asarray(t, dtype=float)), 1.0)


# --- wrong: rel_var_range -----------------------------------------------------------------------
def rel_var_range_seed(my_w):
    # The seed's function verbatim: 0/0 = NaN at m' = 1 (and a RuntimeWarning).
    sum_w = np.cumsum(my_w)
    sum_w_squared = np.cumsum(my_w ** 2)
    m_prime_range = np.arange(1, len(my_w) + 1)
    avg_w = sum_w / m_prime_range
    variance_w = sum_w_squared / m_prime_range - avg_w ** 2
    high_relative_variance = variance_w / (avg_w - my_w) ** 2
    low_relative_variance = variance_w / (avg_w - np.append(my_w[1:], 0)) ** 2
    return low_relative_variance, high_relative_variance


def _prefix_stats(w, ddof=0):
    w = np.asarray(w, dtype=float)
    k = np.arange(1, w.size + 1)
    mean = np.cumsum(w) / k
    var = np.maximum(np.cumsum(w * w) / k - mean**2, 0.0)
    if ddof:
        var = var * k / np.maximum(k - ddof, 1)
    return w, mean, var


def _safe(var, den):
    return np.divide(var, den, out=np.zeros_like(var), where=(den > 0) & (var > 0))


def rel_var_range_swapped(w):
    w, mean, var = _prefix_stats(w)
    return _safe(var, (mean - w) ** 2), _safe(var, (mean - np.append(w[1:], 0.0)) ** 2)


def rel_var_range_sample_variance(w):
    w, mean, var = _prefix_stats(w, ddof=1)
    return _safe(var, (mean - np.append(w[1:], 0.0)) ** 2), _safe(var, (mean - w) ** 2)


def rel_var_range_repeats_last(w):
    # Pads the "next weight" with the last weight instead of 0.
    w, mean, var = _prefix_stats(w)
    return _safe(var, (mean - np.append(w[1:], w[-1])) ** 2), _safe(var, (mean - w) ** 2)


# --- wrong: simulate --------------------------------------------------------------------------------
def _record(k):
    return int(3 * math.log(k)) != int(3 * math.log(k + 1))


def _pack(ks, ts, ms, l1, sq):
    return {"k": np.array(ks, dtype=np.int64), "t": np.array(ts, dtype=float), "m_prime": np.array(ms, dtype=np.int64),
            "l1": np.array(l1, dtype=float), "sq_norm": np.array(sq, dtype=float)}


def simulate_seed_convention(w0, lam, step=0.5, max_steps=10_000_000, progress=None):
    # The seed's recording: t and ||w|| of the state before the step, m' after it.
    w = np.sort(np.asarray(w0, dtype=float))[::-1]
    ks, ts, ms, l1, sq = [], [], [], [], []
    cnt, t = 0, 0.0
    while len(w) > 1 and cnt < max_steps:
        one_norm, sq_norm = w.sum(), w @ w
        p = int(math.log(cnt + 1) * 3) != int(math.log(cnt + 2) * 3)
        w = euler_step(w, lam, step)  # noqa: F821
        if p or len(w) <= 1 or cnt + 1 == max_steps:
            ks.append(cnt + 1), ts.append(t), ms.append(len(w)), l1.append(one_norm), sq.append(sq_norm)
        cnt += 1
        t += step
    return _pack(ks, ts, ms, l1, sq)


def _vector_loop(step_fn, w0, lam, step, max_steps, *, record=_record, final=True, penalty=None):
    # step_fn: the namespace's euler_step (a helper here is not rebound into the mutant's namespace).
    w = np.sort(np.asarray(w0, dtype=float))[::-1]
    ks, ms, l1, sq = [], [], [], []
    k = 0
    while w.size > 1 and k < max_steps:
        if penalty is None:
            w = step_fn(w, lam, step)
        else:
            new = w + step * (1 - w @ w) * w - penalty
            w = new[new > 0]
        k += 1
        if record(k) or (final and (w.size <= 1 or k == max_steps)):
            ks.append(k), ms.append(w.size), l1.append(w.sum()), sq.append(w @ w)
    return _pack(ks, np.array(ks) * step, ms, l1, sq)


def simulate_records_every_step(w0, lam, step=0.5, max_steps=10_000_000, progress=None):
    return _vector_loop(euler_step, w0, lam, step, max_steps, record=lambda k: True)  # noqa: F821


def simulate_schedule_off_by_one(w0, lam, step=0.5, max_steps=10_000_000, progress=None):
    # The seed's test on its counter cnt = k - 1, applied to k itself.
    return _vector_loop(euler_step, w0, lam, step, max_steps,  # noqa: F821
                        record=lambda k: int(3 * math.log(k + 1)) != int(3 * math.log(k + 2)))


def simulate_no_final_state(w0, lam, step=0.5, max_steps=10_000_000, progress=None):
    return _vector_loop(euler_step, w0, lam, step, max_steps, final=False)  # noqa: F821


def simulate_ignores_max_steps(w0, lam, step=0.5, max_steps=10_000_000, progress=None):
    return _vector_loop(euler_step, w0, lam, step, 10_000_000)  # noqa: F821


def simulate_lam_not_times_step(w0, lam, step=0.5, max_steps=10_000_000, progress=None):
    # The penalty subtracted once per step, not times the step size.
    return _vector_loop(euler_step, w0, lam, step, max_steps, penalty=lam)  # noqa: F821


def _tracked(w0, lam, step, max_steps, *, sort=True, scale_threshold=True):
    w = np.asarray(w0, dtype=float)
    w = np.sort(w)[::-1] if sort else w
    s1 = np.concatenate(([0.0], np.cumsum(w))).tolist()
    s2 = np.concatenate(([0.0], np.cumsum(w * w))).tolist()
    w = w.tolist()
    a_, b_, n, k = 1.0, 0.0, len(w), 0
    ks, ms, l1, sq = [], [], [], []
    while n > 1 and k < max_steps:
        a = 1.0 + step * (1.0 - (a_ * a_ * s2[n] - 2 * a_ * b_ * s1[n] + n * b_ * b_))
        a_ *= a
        b_ = (a * b_ if scale_threshold else b_) + step * lam
        while n > 0 and a_ * w[n - 1] - b_ <= 0.0:
            n -= 1
        k += 1
        if _record(k) or n <= 1 or k == max_steps:
            ks.append(k), ms.append(n), l1.append(a_ * s1[n] - n * b_)
            sq.append(a_ * a_ * s2[n] - 2 * a_ * b_ * s1[n] + n * b_ * b_)
    return _pack(ks, np.array(ks) * step, ms, l1, sq)


def simulate_threshold_not_scaled(w0, lam, step=0.5, max_steps=10_000_000, progress=None):
    # Tracked map with B <- B + h lam: forgets that the accumulated shift is scaled by a as well.
    return _tracked(w0, lam, step, max_steps, scale_threshold=False)


def simulate_assumes_sorted(w0, lam, step=0.5, max_steps=10_000_000, progress=None):
    # Tracked map on prefix sums of w0 as given: right only when w0 is already sorted descending.
    return _tracked(w0, lam, step, max_steps, sort=False)


# --- wrong: the figure ----------------------------------------------------------------------------
def plot_against_steps(history, m, lam):
    k = np.asarray(history["k"], dtype=float)
    t = np.asarray(history["t"], dtype=float)
    fig, ax = plt.subplots()
    ax.loglog(k, history["m_prime"], label="m'")
    ax.loglog(k, predicted_m_prime(t, m, lam), "--", label="predicted m'")  # noqa: F821
    ax.loglog(k, history["l1"], label="||w||_1")
    ax.loglog(k, predicted_l1(t, m, lam), "--", label="predicted ||w||_1")  # noqa: F821
    ax.set_xlabel("Training time")
    ax.legend()
    return fig


def plot_without_labels(history, m, lam):
    t = np.asarray(history["t"], dtype=float)
    fig, ax = plt.subplots()
    ax.loglog(t, history["m_prime"], "b")
    ax.loglog(t, predicted_m_prime(t, m, lam), "c--")  # noqa: F821
    ax.loglog(t, history["l1"], "r")
    ax.loglog(t, predicted_l1(t, m, lam), "m--")  # noqa: F821
    ax.set_xlabel("steps")
    return fig


def plot_linear_axes(history, m, lam):
    # The seed's curves and labels, but ax.plot: linear axes squash everything below m' ~ 10^4.
    t = np.asarray(history["t"], dtype=float)
    fig, ax = plt.subplots()
    ax.plot(t, history["m_prime"], label="m'")
    ax.plot(t, predicted_m_prime(t, m, lam), "--", label="predicted m'")  # noqa: F821
    ax.plot(t, history["l1"], label="||w||_1")
    ax.plot(t, predicted_l1(t, m, lam), "--", label="predicted ||w||_1")  # noqa: F821
    ax.set_xlabel("Training time")
    ax.legend()
    return fig


def plot_shows(history, m, lam):
    t = np.asarray(history["t"], dtype=float)
    plt.figure()
    plt.loglog(t, history["m_prime"], label="m'")
    plt.loglog(t, history["l1"], label="||w||_1")
    plt.legend()
    plt.close()  # "plt.show()": nothing is returned


def plot_without_l1_prediction(history, m, lam):
    t = np.asarray(history["t"], dtype=float)
    fig, ax = plt.subplots()
    ax.loglog(t, history["m_prime"], label="m'")
    ax.loglog(t, predicted_m_prime(t, m, lam), "--", label="predicted m'")  # noqa: F821
    ax.loglog(t, history["l1"], label="||w||_1")
    ax.set_xlabel("Training time")
    ax.legend()
    return fig


# --- valid ------------------------------------------------------------------------------------------
def step_affine_form(w, lam, step=0.5):
    """(1 + h(1 - sum w^2)) w - h lam, survivors by a list comprehension."""
    w = np.asarray(w, dtype=float)
    a = 1.0 + step * (1.0 - np.sum(w**2))
    return np.array([x for x in a * w - step * lam if x > 0], dtype=float)


def predicted_m_prime_where(t, m, lam):
    x = 1.0 / math.sqrt(m) + lam * np.asarray(t, dtype=float)
    return np.where(x < 1.0, 1.0 / (x * x), 1.0)


def predicted_l1_from_m_prime(t, m, lam):
    return np.sqrt(predicted_m_prime(t, m, lam))  # noqa: F821


def rel_var_range_loop(w):
    """Two-pass mean and np.var of each prefix, in a loop."""
    w = np.asarray(w, dtype=float)
    low, high = [], []
    for k in range(1, len(w) + 1):
        seg = w[:k]
        mean, var = seg.mean(), seg.var()
        nxt = w[k] if k < len(w) else 0.0
        low.append(var / (mean - nxt) ** 2 if var > 0 else 0.0)
        high.append(var / (mean - w[k - 1]) ** 2 if var > 0 else 0.0)
    return np.array(low), np.array(high)


def simulate_vector_loop(w0, lam, step=0.5, max_steps=10_000_000, progress=None):
    """What most students write: euler_step in a loop, the log test at every step."""
    return _vector_loop(euler_step, w0, lam, step, max_steps)  # noqa: F821


def simulate_python_tracked(w0, lam, step=0.5, max_steps=10_000_000, progress=None):
    """The tracked affine map as a pure-Python scalar loop (no numba)."""
    return _tracked(w0, lam, step, max_steps)


def plot_finer_prediction_grid(history, m, lam):
    """pyplot's state machine, predictions on a finer log grid, an extra curve and a second axes."""
    t = np.asarray(history["t"], dtype=float)
    grid = np.geomspace(t[0], t[-1], 200)
    fig = plt.figure(figsize=(10, 4))
    plt.subplot(1, 2, 1)
    plt.plot(t, history["m_prime"], "o-", label="survivors m'")
    plt.plot(grid, predicted_m_prime(grid, m, lam), ":", label="prediction for m'")  # noqa: F821
    plt.plot(t, history["l1"], "s-", label="L1 norm")
    plt.plot(grid, predicted_l1(grid, m, lam), ":", label="prediction for L1 norm")  # noqa: F821
    plt.plot(t, history["sq_norm"], label="squared norm")
    plt.xscale("log")
    plt.yscale("log")
    plt.xlabel("time t")
    plt.legend()
    plt.subplot(1, 2, 2)
    plt.semilogx(t, np.asarray(history["m_prime"]) / predicted_m_prime(t, m, lam))  # noqa: F821
    return fig


_SIMULATE_CHECKS = ("simulate_follows_euler", "simulate_record_schedule", "m_prime_follows_prediction",
                    "simulate_matches_reference")
_STEP_CHECKS = ("step_is_euler", "step_drops_nonpositive", "step_sorted_nonnegative", "step_preserves_gap_ratios")
_FIGURE_CHECKS = ("figure_curves", "figure_labels", "figure_log_axes")


def _everywhere(pattern: str, checks: tuple[str, ...]) -> dict[str, str]:
    return {cid: pattern for cid in checks}


MUTANTS = [
    # euler_step
    Mutant("step_per_weight_benefit", {"euler_step": step_per_weight_benefit},
           {"step_is_euler": r"one Euler step of size 0\.5 \(the default\): euler_step\(array\(\[0\.5, 0\.3\]\), "
                             r"0\.01\) returned .*Hint: one explicit Euler step",
            "step_drops_nonpositive": r"survivors keep their new values|new weight\(s\) > 0",
            # 1 + h(1 - 3 w^2) < 0 for large weights: the per-weight map is not even increasing
            "step_sorted_nonnegative": r"expected weights in descending order",
            "step_preserves_gap_ratios": r"gap ratios .* must not change.*Hint: all survivors get the same "
                                         r"affine map"}),
    Mutant("step_norm_not_squared", {"euler_step": step_norm_not_squared},
           {"step_is_euler": r"one Euler step of size 0\.5 \(the default\)",
            "step_drops_nonpositive": r"survivors keep their new values|new weight\(s\) > 0"}),
    Mutant("step_adds_lam", {"euler_step": step_plus_lam},
           {"step_is_euler": r"one Euler step",
            "step_drops_nonpositive": r"euler_step\(array\(\[1\. , 0\.5\]\), 0\.875, step=0\.5\) returned "
                                      r"2 weight\(s\) "
                                      r".*expected the 1 new weight\(s\) > 0, array\(\[0\.4375\]\)"}),
    Mutant("step_keeps_exact_zeros", {"euler_step": step_keeps_exact_zeros},
           {"step_drops_nonpositive": r"euler_step\(array\(\[1\. , 0\.5\]\), 0\.875, step=0\.5\) returned "
                                      r"2 weight\(s\) "
                                      r"array\(\[0\.4375, 0\.    \]\); expected the 1 new weight\(s\) > 0, "
                                      r"array\(\[0\.4375\]\) \(dropping array\(\[0\.\]\)\)\. Hint: keep only"}),
    Mutant("step_clips_instead_of_dropping", {"euler_step": step_clips_to_zero},
           {"step_drops_nonpositive": r"returned 2 weight\(s\) array\(\[0\.4375, 0\.    \]\).*dropped, not clipped",
            # the clipped zeros stay in the vector and take part in the differences
            "step_preserves_gap_ratios": r"gap ratios"}),
    Mutant("step_sorts_ascending", {"euler_step": step_sorts_ascending},
           {"step_is_euler": r"one Euler step",
            "step_drops_nonpositive": r"survivors keep their new values, in order",
            "step_sorted_nonnegative": r"where entry 1 exceeds entry 0; expected weights in descending order.*"
                                       r"no re-sorting",
            "step_preserves_gap_ratios": r"gap ratios"}),
    Mutant("step_drops_before_update", {"euler_step": step_drops_before_update},
           {"step_drops_nonpositive": r"euler_step\(array\(\[1\. , 0\.5\]\), 0\.875, step=0\.5\) returned "
                                      r"2 weight\(s\)",
            "step_sorted_nonnegative": r"euler_step\(array\(\[0\.9 , 0\.3 , 0\.01\]\), 0\.1, step=0\.5\) returned "
                                       r"array\(.*\) with the negative weight .* at index 2; expected non-negative "
                                       r"survivors"}),
    Mutant("step_updates_in_place", {"euler_step": step_in_place},
           _everywhere(r"euler_step\(.*\) modified its argument 1 in place", _STEP_CHECKS)),
    Mutant("step_ignores_step_argument", {"euler_step": step_ignores_step},
           {"step_is_euler": r"\(euler_step\(w, lam, step\) - w\) / step must equal the right-hand side.*step=0\.001\)",
            "step_drops_nonpositive": r"returned|survivors keep their new values"}),
    # predictions
    Mutant("m_prime_prediction_not_squared", {"predicted_m_prime": m_prime_not_squared},
           {"predicted_m_prime_formula": r"predicted_m_prime\(t, m, lam\) = max\(\(1/sqrt\(m\) \+ lam\*t\)\*\*-2, 1\): "
                                         r"predicted_m_prime\(array\(.*\), 100000, 1e-05\) returned"}),
    Mutant("m_prime_prediction_no_floor", {"predicted_m_prime": m_prime_no_floor},
           {"predicted_m_prime_formula": r"returned .*expected .*never below 1"}),
    Mutant("l1_prediction_one_over_m", {"predicted_l1": l1_one_over_m},
           {"predicted_l1_formula": r"predicted_l1\(t, m, lam\) = max\(\(1/sqrt\(m\) \+ lam\*t\)\*\*-1, 1\)"}),
    # rel_var_range
    Mutant("rel_var_range_seed_nan", {"rel_var_range": rel_var_range_seed},
           {"rel_var_range_definition": r"rel_var_range\(array\(\[1\.\]\)\)\[1\] \(high\) returned array\(\[nan\]\) "
                                        r"with a non-finite entry at index \(0,\)",
            "rel_var_range_brackets_survivors": r"non-finite entry at index \(0,\)"}),
    Mutant("rel_var_range_swapped", {"rel_var_range": rel_var_range_swapped},
           {"rel_var_range_definition": r"low\[k-1\] = var_k / \(mean_k - w\[k\]\)\*\*2: "
                                        r"rel_var_range\(array\(\[0\.7, 0\.2\]\)\)",
            "rel_var_range_brackets_survivors": r"returned low\[1\] = 1\.0000000000000004, high\[1\] = 0\.3086\d*; "
                                                r"expected a range containing 0\.3086"}),
    Mutant("rel_var_range_sample_variance", {"rel_var_range": rel_var_range_sample_variance},
           {"rel_var_range_definition": r"low\[k-1\] = var_k.*population variance",
            "rel_var_range_brackets_survivors": r"expected a range containing"}),
    Mutant("rel_var_range_pads_with_last_weight", {"rel_var_range": rel_var_range_repeats_last},
           {"rel_var_range_definition": r"low\[k-1\] = var_k / \(mean_k - w\[k\]\)\*\*2.*worst entry \(1,\)",
            "rel_var_range_brackets_survivors": r"expected a range containing"}),
    # simulate
    Mutant("simulate_seed_recording", {"simulate": simulate_seed_convention},
           {"simulate_follows_euler": r"returned l1 = .* at k = 1; expected .*Hint: that is \|\|w\|\|_1 of the state "
                                      r"before step 1 \(the seed's convention\)",
            "simulate_record_schedule": r"t is the time of the recorded state, k \* step.*the seed records the time "
                                        r"before the step",
            "simulate_matches_reference": r"t must equal the reference's|l1 must equal"}),
    Mutant("simulate_records_every_step", {"simulate": simulate_records_every_step},
           {"simulate_record_schedule": r"\(record 3 at k = 4 instead of 5; extra array\(\[  4,   6,   8, .*"
                                        r"int\(3\*log\(k\)\) != int\(3\*log\(k \+ 1\)\)",
            "simulate_matches_reference": r"records at k = .*as the reference"}),
    Mutant("simulate_schedule_off_by_one", {"simulate": simulate_schedule_off_by_one},
           {"simulate_record_schedule": r"\(record 2 at k = 4 instead of 3; extra array\(\[  4,   6,   9,  13.*missing "
                                        r"array\(\[  3,   5,   7,  10",
            "simulate_matches_reference": r"as the reference"}),
    Mutant("simulate_no_final_state", {"simulate": simulate_no_final_state},
           {"simulate_record_schedule": r"returned a last record at k = \d+ with m_prime = \d+; expected the run to go "
                                        r"on .*always record the final state",
            "simulate_matches_reference": r"as the reference"}),
    Mutant("simulate_ignores_max_steps", {"simulate": simulate_ignores_max_steps},
           {"simulate_record_schedule": r"max_steps=5\) returned records up to k = \d+; expected at most max_steps = 5 "
                                        r"steps"}),
    Mutant("simulate_lam_not_times_step", {"simulate": simulate_lam_not_times_step},
           {"simulate_follows_euler": r"returned (m_prime|l1) = .* at k = \d+; expected .* after \d+ (Euler )?steps",
            "m_prime_follows_prediction": r"\(ratio 0\.\d+\); expected m' within a factor \[0\.7, 6\].*step \* lam",
            "simulate_matches_reference": r"as the reference"}),
    Mutant("simulate_threshold_not_scaled", {"simulate": simulate_threshold_not_scaled},
           {"simulate_follows_euler": r"returned (m_prime|l1|sq_norm) = .* at k = \d+; expected",
            # the threshold lags: too many survivors, 6.2 times the prediction at m = 1000
            "m_prime_follows_prediction": r"\(ratio 6\.\d+\); expected m' within a factor",
            "simulate_matches_reference": r"as the reference|must equal the reference"}),
    Mutant("simulate_assumes_sorted_input", {"simulate": simulate_assumes_sorted},
           {"simulate_follows_euler": r"simulate\(array\(.*\), 0\.01, step=0\.3\) returned",
            "simulate_matches_reference": r"as the reference|must equal the reference"}),
    # the figure
    Mutant("figure_against_step_count", {"plot_sparsification": plot_against_steps},
           _everywhere(r"expected a line of m_prime against t.*not the step count", _FIGURE_CHECKS)),
    Mutant("figure_without_labels", {"plot_sparsification": plot_without_labels},
           {"figure_labels": r"returned curves labelled \{\"m'\": '_child0'.*expected four distinct legend labels"}),
    Mutant("figure_linear_axes", {"plot_sparsification": plot_linear_axes},
           {"figure_log_axes": r"returned curves on axes with x scale 'linear' and y scale 'linear'; "
                               r"expected log-log axes.*Hint: draw with ax\.loglog"}),
    Mutant("figure_without_l1_prediction", {"plot_sparsification": plot_without_l1_prediction},
           _everywhere(r"expected a line of the prediction max\(\(1/sqrt\(m\) \+ lam\*t\)\*\*-1, 1\)", _FIGURE_CHECKS)),
    Mutant("figure_returns_none", {"plot_sparsification": plot_shows},
           _everywhere(r"plot_sparsification\(.*\) returned None; expected a matplotlib Figure", _FIGURE_CHECKS)),
]

ALTERNATIVES = [
    Alternative("step_affine_form_list_comprehension", {"euler_step": step_affine_form}),
    Alternative("predictions_by_where_and_sqrt", {"predicted_m_prime": predicted_m_prime_where,
                                                  "predicted_l1": predicted_l1_from_m_prime}),
    Alternative("rel_var_range_two_pass_loop", {"rel_var_range": rel_var_range_loop}),
    Alternative("simulate_plain_vector_loop", {"simulate": simulate_vector_loop}),
    Alternative("simulate_vector_loop_with_affine_step", {"simulate": simulate_vector_loop,
                                                          "euler_step": step_affine_form}),
    Alternative("simulate_pure_python_tracked_map", {"simulate": simulate_python_tracked}),
    Alternative("figure_pyplot_finer_grid_extras", {"plot_sparsification": plot_finer_prediction_grid}),
]
