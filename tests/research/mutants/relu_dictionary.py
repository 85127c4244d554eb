"""Realistic wrong and valid implementations of ``relu_dictionary``.

Overrides are rebound to the reference's namespace (:func:`tests.mutation.namespace`): a mutant
``relu_dictionary`` is what the reference's ``network`` and ``plot_fits`` call, as in a notebook
where all cells share one ``globals()``.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import Lasso

from tests.mutation import Alternative, Mutant


def _prep(x_data, x):
    data = np.asarray(x_data, dtype=float).reshape(-1)
    s = np.sort(data)
    t = data if x is None else np.asarray(x, dtype=float).reshape(-1)
    return s, t


# --- wrong: ramps and capped ramps ---------------------------------------------------------------
def ramps_rows_sorted(x_data, x=None):
    s, t = _prep(x_data, x)
    t = np.sort(t)  # "sorted, like the columns"
    d = t[:, None] - s[None, :]
    return np.hstack([np.maximum(d, 0.0), np.maximum(-d, 0.0)])


def ramp_plus_seed(x, a1, a2):
    # The seed's np.piecewise: the output has x's dtype; scalar breakpoints only.
    return np.piecewise(x, [x <= a1, (x > a1) & (x <= a2), x > a2], [0, lambda x: x - a1, a2 - a1])


def ramp_minus_seed(x, a1, a2):
    return np.piecewise(x, [x <= a1, (x > a1) & (x <= a2), x > a2], [a2 - a1, lambda x: a2 - x, 0])


def ramp_plus_uncapped(x, a1, a2):
    x, a1, a2 = (np.asarray(v, dtype=float) for v in (x, a1, a2))
    return np.maximum(x - a1, 0.0) + 0.0 * a2  # forgot "- relu(x - a2)"


def ramp_minus_uncapped(x, a1, a2):
    x, a1, a2 = (np.asarray(v, dtype=float) for v in (x, a1, a2))
    return np.maximum(a2 - x, 0.0) + 0.0 * a1  # forgot "- relu(a1 - x)"


# --- wrong: sizes and dictionaries ------------------------------------------------------------------
def dictionary_size_seed(N, L, family):
    # The seed's matrices: 2N + 2N^2 (ReLU) and 2N + 4N^2 ("exponential") columns for L = 3.
    if L == 2:
        return 2 * N if family == "relu" else N
    return 2 * N + 2 * N * N if family == "relu" else 2 * N + 4 * N * N


def relu_dictionary_seed(x_data, L=2, x=None):
    # The seed's L = 3 "capped ramps": relu(R_m(x) - s_k) for every ramp R_m and data point s_k.
    s, t = _prep(x_data, x)
    d = t[:, None] - s[None, :]
    base = np.hstack([np.maximum(d, 0.0), np.maximum(-d, 0.0)])
    if L == 2:
        return base
    shifted = np.maximum(base[:, :, None] - s[None, None, :], 0.0).reshape(t.size, -1)
    return np.hstack([base, shifted])


def relu_dictionary_shifted_ramps(x_data, L=2, x=None):
    # Right count, wrong features: relu(relu(x - s_i) - s_j) and relu(relu(s_j - x) - s_i) for i < j.
    s, t = _prep(x_data, x)
    d = t[:, None] - s[None, :]
    cols = [np.maximum(d, 0.0), np.maximum(-d, 0.0)]
    if L == 3:
        i, j = np.triu_indices(s.size, 1)
        cols += [np.maximum(np.maximum(t[:, None] - s[i], 0.0) - s[j], 0.0),
                 np.maximum(np.maximum(s[j] - t[:, None], 0.0) - s[i], 0.0)]
    return np.hstack(cols)


def abs_dictionary_seed(x_data, L=2, x=None):
    # The seed's "exponential" dictionary: ReLU ramps, then |R_m - s_k| and 0.1 relu(R_m - s_k).
    s, t = _prep(x_data, x)
    d = t[:, None] - s[None, :]
    base = np.hstack([np.maximum(d, 0.0), np.maximum(-d, 0.0)])
    if L == 2:
        return base
    diff = base[:, :, None] - s[None, None, :]
    pairs = np.stack([np.abs(diff), np.maximum(0.0, 0.1 * diff)], axis=-1).reshape(t.size, -1)
    return np.hstack([base, pairs])


def abs_dictionary_data_value_radius(x_data, L=2, x=None):
    # ||x - s_i| - s_j|: a data *value* as the distance (the seed's confusion).
    s, t = _prep(x_data, x)
    cols = [np.abs(t[:, None] - s[None, :])]
    if L == 3:
        i, j = np.nonzero(~np.eye(s.size, dtype=bool))
        cols.append(np.abs(np.abs(t[:, None] - s[i]) - s[j]))
    return np.hstack(cols)


# --- wrong: the LASSO --------------------------------------------------------------------------------
def _lasso(A, y, alpha, tol, max_iter, **kwargs):
    model = Lasso(alpha=alpha, tol=tol, max_iter=max_iter, **kwargs)
    model.fit(np.asarray(A, dtype=float), np.asarray(y, dtype=float))
    return np.array(model.coef_, dtype=float)


def lasso_alpha_times_n(A, y, lam, tol=1e-8, max_iter=100_000):
    # "scikit-learn's objective is not divided by N, so alpha = N lam"
    return _lasso(A, y, lam * len(y), tol, max_iter, fit_intercept=False)


def lasso_alpha_over_n(A, y, lam, tol=1e-8, max_iter=100_000):
    return _lasso(A, y, lam / len(y), tol, max_iter, fit_intercept=False)


def lasso_with_intercept(A, y, lam, tol=1e-8, max_iter=100_000):
    return _lasso(A, y, lam, tol, max_iter)  # scikit-learn's default fit_intercept=True


def lasso_ignores_tol(A, y, lam, tol=1e-8, max_iter=100_000):
    return _lasso(A, y, lam, 1e-4, max_iter, fit_intercept=False)  # the seed's (default) tol


# --- wrong: the network and its breakpoints -------------------------------------------------------------
def network_sorts_x(x_data, z, x, family="relu", L=2):
    build = relu_dictionary if family == "relu" else abs_dictionary  # noqa: F821
    return build(x_data, L, x=np.sort(np.asarray(x, dtype=float))) @ np.asarray(z, dtype=float)


def breakpoints_all_data_points(x_data, z, family="relu", L=2):
    return np.unique(np.asarray(x_data, dtype=float))


def breakpoints_without_cancellation(x_data, z, family="relu", L=2):
    # Every breakpoint of every feature with z_j != 0, slope changes not added up.
    z = np.asarray(z, dtype=float)
    where, jump = feature_kinks(x_data, family, L)  # noqa: F821
    return np.unique(where[(jump != 0) & (z[:, None] != 0)])


def _summed_kinks(x_data, z, family, L, feature_kinks):
    """(positions, slope changes) of the network, slope changes added up per position."""
    z = np.asarray(z, dtype=float)
    where, jump = feature_kinks(x_data, family, L)
    change = jump * z[:, None]
    used = change != 0
    points, index = np.unique(where[used], return_inverse=True)
    return points, np.bincount(index, weights=change[used], minlength=points.size)


def breakpoints_inside_data_only(x_data, z, family="relu", L=2):
    # "the fit is only interesting where the data are"
    points, total = _summed_kinks(x_data, z, family, L, feature_kinks)  # noqa: F821 - the reference's helper
    s = np.asarray(x_data, dtype=float)
    return points[(total != 0) & (points >= s.min()) & (points <= s.max())]


# --- wrong: figures -------------------------------------------------------------------------------------
def _draw_fit(ax, x_data, y, fit, breakpoints, network, *, grid=None, data="plot", marks="markers"):
    x_data, y = np.asarray(x_data, dtype=float), np.asarray(y, dtype=float)
    family, L, z = fit["family"], int(fit["L"]), np.asarray(fit["z"], dtype=float)
    b = breakpoints(x_data, z, family, L)
    if grid is None:
        lo, hi = min(x_data.min(), b.min(initial=np.inf)) - 1, max(x_data.max(), b.max(initial=-np.inf)) + 1
        grid = np.linspace(lo, hi, 300)
    ax.plot(grid, network(x_data, z, grid, family, L))
    if data == "plot":
        ax.plot(x_data, y, "o")
    else:
        ax.scatter(x_data, y)
    if marks == "markers" and b.size:
        ax.plot(b, network(x_data, z, b, family, L), "s")
    elif marks == "data":
        for v in x_data:
            ax.axvline(v, color="grey", ls="--")


def plot_fits_data_range_grid(x_data, y, fits):
    fig, axes = plt.subplots(1, len(fits), squeeze=False)
    x_data = np.asarray(x_data, dtype=float)
    for ax, fit in zip(axes[0], fits):
        _draw_fit(ax, x_data, y, fit, breakpoints, network,  # noqa: F821
                  grid=np.linspace(x_data.min(), x_data.max(), 200))
    return fig


def plot_fits_scatter(x_data, y, fits):
    fig, axes = plt.subplots(1, len(fits), squeeze=False)
    for ax, fit in zip(axes[0], fits):
        _draw_fit(ax, x_data, y, fit, breakpoints, network, data="scatter")  # noqa: F821
    return fig


def plot_fits_marks_data_points(x_data, y, fits):
    fig, axes = plt.subplots(1, len(fits), squeeze=False)
    for ax, fit in zip(axes[0], fits):
        _draw_fit(ax, x_data, y, fit, breakpoints, network, marks="data")  # noqa: F821
    return fig


def _solve_times(sweep, *, stat=np.median, exponent=None, swap=False):
    fig, (ax0, ax1) = plt.subplots(1, 2)
    if swap:
        ax0, ax1 = ax1, ax0
    for family, data in sweep.items():
        n = np.asarray(data["N"], dtype=float)
        t = stat(np.asarray(data["times"], dtype=float), axis=1)
        for ax, v in ((ax0, np.asarray(data["columns"], dtype=float)), (ax1, t)):
            p = np.polyfit(np.log(n), np.log(v), 1)[0] if exponent is None else exponent(n, v)
            ax.loglog(n, v, "o-", label=f"{family}, L = {data['L']}: N^{p:.2f}")
        ax0.legend()
        ax1.legend()
    return fig


def plot_solve_times_mean(sweep):
    return _solve_times(sweep, stat=np.mean)


def plot_solve_times_nominal_exponent(sweep):
    return _solve_times(sweep, exponent=lambda n, v: 2.0)  # "quadratic", as the closed form says


# --- valid -------------------------------------------------------------------------------------------
def ramp_plus_relu_difference(x, a1, a2):
    """The issue's definition, relu(x - a1) - relu(x - a2)."""
    x, a1, a2 = (np.asarray(v, dtype=float) for v in (x, a1, a2))
    return np.maximum(x - a1, 0.0) - np.maximum(x - a2, 0.0)


def ramp_minus_from_plus(x, a1, a2):
    """Ramp- = (a2 - a1) - Ramp+."""
    return (np.asarray(a2, dtype=float) - np.asarray(a1, dtype=float)) - ramp_plus(x, a1, a2)  # noqa: F821


def ramps_interleaved(x_data, x=None):
    """Columns relu(x - s_j), relu(s_j - x) interleaved per data point; C order."""
    s, t = _prep(x_data, x)
    d = t[:, None] - s[None, :]
    return np.stack([np.maximum(d, 0.0), np.maximum(-d, 0.0)], axis=-1).reshape(t.size, -1)


def relu_dictionary_loop_other_order(x_data, L=2, x=None):
    """A Python loop over columns (not entries), pairs (i, j) interleaving Ramp+ and Ramp-, reversed ramps."""
    s, t = _prep(x_data, x)
    cols = [np.maximum(s_j - t, 0.0) for s_j in s[::-1]] + [np.maximum(t - s_j, 0.0) for s_j in s]
    if L == 3:
        for i in range(s.size):
            for j in range(i + 1, s.size):
                cols += [ramp_minus(t, s[i], s[j]), ramp_plus(t, s[i], s[j])]  # noqa: F821
    return np.column_stack(cols) if cols else np.zeros((t.size, 0))


def abs_dictionary_all_pairs(x_data, L=2, x=None):
    """L = 3 as all N^2 ordered pairs (i, j), i == j giving |x - s_i| (column-major order)."""
    s, t = _prep(x_data, x)
    if L == 2:
        return np.abs(t[:, None] - s[None, :])
    c, b = np.meshgrid(s, s)  # c[j, i] = s_i, b[j, i] = s_j
    c, b = c.ravel(), b.ravel()
    return np.abs(np.abs(t[:, None] - c) - np.abs(b - c))


def breakpoints_numeric(x_data, z, family="relu", L=2):
    """Slopes of the network between candidate breakpoints (data points, reflections): column-order free."""
    s = np.sort(np.asarray(x_data, dtype=float))
    cand = s if (family == "relu" or L == 2) else np.concatenate([s, (2 * s[:, None] - s[None, :]).ravel()])
    cand = np.unique(cand)
    ends = np.concatenate([[cand[0] - 1.0], cand, [cand[-1] + 1.0]])
    q1 = ends[:-1] + 0.25 * np.diff(ends)
    q3 = ends[:-1] + 0.75 * np.diff(ends)
    f = network(x_data, z, np.concatenate([q1, q3]), family, L)  # noqa: F821
    slopes = (f[q1.size:] - f[:q1.size]) / (q3 - q1)
    jump = np.diff(slopes)
    return cand[np.abs(jump) > 1e-7 * (1 + np.abs(np.asarray(z, dtype=float)).sum())]


def dictionary_size_comb(N, L, family):
    return (2 * N if family == "relu" else N) + (L - 2) * 2 * math.comb(N, 2)


def fit_lasso_precompute(A, y, lam, tol=1e-8, max_iter=100_000):
    """Gram matrix precomputed, C-ordered input copied by scikit-learn."""
    model = Lasso(alpha=lam, fit_intercept=False, tol=tol, max_iter=max_iter, precompute=True)
    return model.fit(np.asarray(A, dtype=float), np.asarray(y, dtype=float)).coef_.copy()


def plot_fits_axvlines_and_extras(x_data, y, fits):
    """Breakpoints as vertical lines, a zero line, a column of axes, titles and legends."""
    x_data, y = np.asarray(x_data, dtype=float), np.asarray(y, dtype=float)
    fig, axes = plt.subplots(len(fits), 1, figsize=(6, 3 * len(fits)))
    for ax, fit in zip(np.atleast_1d(axes), fits):
        family, L, z = fit["family"], fit["L"], np.asarray(fit["z"], dtype=float)
        b = breakpoints(x_data, z, family, L)  # noqa: F821
        lo, hi = min(x_data.min(), b.min(initial=np.inf)), max(x_data.max(), b.max(initial=-np.inf))
        grid = np.linspace(lo - 2, hi + 2, 1000)
        ax.plot(grid, network(x_data, z, grid, family, L), label="f")  # noqa: F821
        ax.plot(x_data, y, "k.", ms=10, label="data")
        ax.axhline(0.0, color="grey", lw=0.5)
        for v in b:
            ax.axvline(v, color="red", ls=":")
        ax.set_title(f"{family}, L={L}")
        ax.legend()
    return fig


def plot_solve_times_log10(sweep):
    """Slopes from log10 with scipy's linregress, labelled 'slope 1.74'; the medians via np.percentile."""
    from scipy.stats import linregress

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for family, data in sweep.items():
        n = np.asarray(data["N"])
        for ax, v in ((axes[0], np.asarray(data["columns"])),
                      (axes[1], np.percentile(np.asarray(data["times"]), 50, axis=1))):
            fit = linregress(np.log10(n), np.log10(v))
            ax.plot(n, v, "s--", label=f"{family.upper()} (L={data['L']}), slope {fit.slope:.2f}")
            ax.set_xscale("log")
            ax.set_yscale("log")
    for ax in axes:
        ax.legend()
    return fig


MUTANTS = [
    # ramps and capped ramps
    Mutant("ramps_rows_sorted", {"ramps": ramps_rows_sorted},
           {"ramps_definition": r"(?s)ramps\(.*returned no column equal to the ramp relu\(x - .*"
                                r"expected every feature"}),
    Mutant("capped_ramps_seed_piecewise", {"ramp_plus": ramp_plus_seed, "ramp_minus": ramp_minus_seed},
           {"capped_ramps_broadcast": r"(?s)ramp_plus\(.*raised IndexError",
            "capped_ramps_float_for_int_input": r"ramp_plus\(array\(\[-2, -1, .*returned a int64 ndarray.*"
                                                r"np\.piecewise returns the dtype of x"}),
    Mutant("ramp_plus_uncapped", {"ramp_plus": ramp_plus_uncapped},
           {"ramp_plus_definition": r"ramp_plus\(array\(\[0\. , 1\. .*\]\), 2\.0, 5\.0\) returned "
                                    r"array\(\[0\. , 0\. , 0\. , 1\.5, 3\. , 4\. \]\).*"
                                    r"Hint: ramp_plus\(x, a1, a2\) is 0",
            "capped_ramps_identities": r"Ramp\+ \+ Ramp- must be the constant a2 - a1",
            "capped_ramps_broadcast": r"(?s)ramp_plus\(.*returned .*worst entry",
            "capped_ramps_float_for_int_input": r"ramp_plus\(array\(\[-2, .*2, 5\) returned"}),
    Mutant("ramp_minus_uncapped", {"ramp_minus": ramp_minus_uncapped},
           {"ramp_minus_definition": r"ramp_minus\(.*Hint: ramp_minus\(x, a1, a2\) is a2 - a1 for x <= a1",
            "capped_ramps_identities": r"Ramp\+ \+ Ramp- must be the constant a2 - a1",
            "capped_ramps_broadcast": r"(?s)ramp_minus\(.*worst entry",
            "capped_ramps_float_for_int_input": r"ramp_minus\(array\(\[-2, .*2, 5\) returned"}),
    # sizes and dictionaries
    Mutant("dictionary_size_seed_counts", {"dictionary_size": dictionary_size_seed},
           {"dictionary_size_closed_form": r"dictionary_size\(1, 3, 'relu'\) returned 4; expected 2 columns"}),
    Mutant("relu_dictionary_seed_shifted_ramps", {"relu_dictionary": relu_dictionary_seed},
           {"relu_dictionary_column_counts": r"relu_dictionary\(.*, 3\) returned an array with 4 columns; expected "
                                             r"2N \+ \(L-2\) N \(N-1\) = 2 columns for N = 1, L = 3",
            "relu_dictionary_columns": r"relu_dictionary\(array\(\[3, 0, 8, 2\]\), 3, .*returned 40 columns; expected "
                                       r"20 columns",
            # the reference's breakpoints and plot_fits reject coefficient vectors of the seed's length
            "breakpoints_at_data_points": r"breakpoints\(.*raised ValueError: z has \d+ entries",
            "fits_plot_curves": r"plot_fits\(.*raised ValueError",
            "fits_plot_breakpoints": r"plot_fits\(.*raised ValueError"}),
    Mutant("relu_dictionary_capped_ramps_shifted", {"relu_dictionary": relu_dictionary_shifted_ramps},
           {"relu_dictionary_columns": r"returned no column equal to the capped ramp Ramp\+ between the data points .*"
                                       r"Hint: a capped ramp is clipped at both data points",
            "breakpoints_at_data_points": r"breakpoints\(.*expected every bend of network\(.*it is not affine"}),
    Mutant("abs_dictionary_seed_exponential", {"abs_dictionary": abs_dictionary_seed},
           {"abs_dictionary_column_counts": r"abs_dictionary\(.*, 2\) returned an array with 2 columns; expected "
                                            r"N \+ \(L-2\) N \(N-1\) = 1 columns",
            "abs_dictionary_columns": r"abs_dictionary\(.*returned \d+ columns; expected \d+ columns",
            "breakpoints_at_reflections": r"breakpoints\(.*raised ValueError: z has \d+ entries",
            "fits_plot_curves": r"plot_fits\(.*raised ValueError",
            "fits_plot_breakpoints": r"plot_fits\(.*raised ValueError"}),
    Mutant("abs_dictionary_data_value_as_radius", {"abs_dictionary": abs_dictionary_data_value_radius},
           {"abs_dictionary_columns": r"no column equal to the reflection feature .*Hint: the distance subtracted is "
                                      r"\|s_j - s_i\|",
            "breakpoints_at_reflections": r"it is not affine|changes by only"}),
    # the LASSO
    Mutant("lasso_alpha_times_n", {"fit_lasso": lasso_alpha_times_n},
           {"lasso_kkt_conditions": r"(?s)fit_lasso\(.*returned z with \|A_j\^T \(y - A z\)\| / N = .* expected at "
                                    r"most lam = .*Hint: sklearn\.linear_model\.Lasso\(alpha=lam",
            "lasso_zero_above_lambda_max": r"returned z = 0; expected non-zero coefficients for lam = 0\.9 lam_max",
            "lasso_fitted_values_match_reference": r"expected the reference's"}),
    Mutant("lasso_alpha_over_n", {"fit_lasso": lasso_alpha_over_n},
           {"lasso_kkt_conditions": r"returned z_\d+ = .* != 0 with A_j\^T \(y - A z\) / N = .*"
                                    r"expected lam sign\(z_j\)",
            "lasso_zero_above_lambda_max": r"returned z with \d+ non-zero entries .*expected z = 0",
            "lasso_fitted_values_match_reference": r"expected the reference's"}),
    Mutant("lasso_with_intercept", {"fit_lasso": lasso_with_intercept},
           {"lasso_kkt_conditions": r"(?s)fit_lasso\(.*expected (at most lam|lam sign)",
            # centring y and A lowers lam_max: nothing enters at 0.9 lam_max
            "lasso_zero_above_lambda_max": r"returned z = 0; expected non-zero coefficients",
            "lasso_fitted_values_match_reference": r"expected the reference's"}),
    Mutant("lasso_ignores_tol", {"fit_lasso": lasso_ignores_tol},
           {"lasso_kkt_conditions": r"implied by tol = 1e-10",
            "lasso_fitted_values_match_reference": r"expected the reference's"}),
    # the network and its breakpoints
    Mutant("network_sorts_x", {"network": network_sorts_x},
           {"network_matches_dictionary": r"network must be relu_dictionary\(x_data, 2, x=x\) @ z",
            "breakpoints_at_data_points": r"it is not affine",
            "breakpoints_at_reflections": r"it is not affine"}),
    Mutant("breakpoints_all_data_points", {"breakpoints": breakpoints_all_data_points},
           {"breakpoints_at_data_points": r"returned the breakpoint .*where the slope of network\(.*changes by only",
            "breakpoints_at_reflections": r"changes by only|it is not affine"}),
    Mutant("breakpoints_without_cancellation", {"breakpoints": breakpoints_without_cancellation},
           {"breakpoints_at_data_points": r"changes by only 0.*Hint: add up the slope changes"}),
    Mutant("breakpoints_inside_data_only", {"breakpoints": breakpoints_inside_data_only},
           {"breakpoints_at_reflections": r"it is not affine (left|right) of the (first|last) breakpoint.*"
                                          r"also outside the data"}),
    # figures
    Mutant("fits_plot_grid_on_data_range", {"plot_fits": plot_fits_data_range_grid},
           {"fits_plot_curves": r"axes 1 \(fit 1: abs, L = 3\) draws the network on \[.*expected a grid covering"}),
    Mutant("fits_plot_scatter_data", {"plot_fits": plot_fits_scatter},
           {"fits_plot_curves": r"axes 0 .* has no line through the data points.*plt\.scatter"}),
    Mutant("fits_plot_marks_data_points", {"plot_fits": plot_fits_marks_data_points},
           {"fits_plot_breakpoints": r"marks x = array\(.*expected the breakpoints .*not breakpoints"}),
    Mutant("solve_times_mean_not_median", {"plot_solve_times": plot_solve_times_mean},
           {"solve_times_plot_lines": r"axes 1 has no line with x = N = .* the relu median solve time.*not the mean",
            "solve_times_plot_growth_labels": r"axes 1 has no line"}),
    Mutant("solve_times_nominal_exponent", {"plot_solve_times": plot_solve_times_nominal_exponent},
           {"solve_times_plot_growth_labels": r"the relu line in axes 0 is labelled 'relu, L = 3: N\^2\.00'; expected "
                                              r"a label stating its growth exponent 1\.9\d"}),
]

ALTERNATIVES = [
    Alternative("capped_ramps_as_relu_differences", {"ramp_plus": ramp_plus_relu_difference,
                                                     "ramp_minus": ramp_minus_from_plus}),
    Alternative("other_column_orders_with_numeric_breakpoints",
                {"ramps": ramps_interleaved, "relu_dictionary": relu_dictionary_loop_other_order,
                 "abs_dictionary": abs_dictionary_all_pairs, "breakpoints": breakpoints_numeric}),
    Alternative("dictionary_size_by_math_comb", {"dictionary_size": dictionary_size_comb}),
    Alternative("lasso_with_precomputed_gram", {"fit_lasso": fit_lasso_precompute}),
    Alternative("figures_other_styles", {"plot_fits": plot_fits_axvlines_and_extras,
                                         "plot_solve_times": plot_solve_times_log10}),
]
