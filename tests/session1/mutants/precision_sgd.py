"""Realistic wrong and valid implementations of ``precision_sgd``."""

from __future__ import annotations

import dataclasses
import math

import matplotlib.pyplot as plt
import numpy as np
import scipy.stats as sps

from tests.mutation import Alternative, Mutant

_MEAN = np.zeros(2)
_COV = np.array([[1.0, 0.5], [0.5, 1.0]])


# --- a straightforward SGD loop with knobs for the mistakes -------------------------
def _whole_ll(P, S, n):
    sign, logdet = np.linalg.slogdet(P)
    return (0.5 * n * logdet if sign > 0 else math.nan) - 0.5 * np.sum(P * S) - n * math.log(2 * math.pi)


def _sgd_variant(X, P0, step_size, n_iter, seed, *, half=0.5, sign=1.0, inverse=True, two_draws=False,
                 first=True, as_list=False, per_sample=False, global_rng=False, center=False,
                 in_place=False, full_batch=False):
    if center:
        X -= X.mean(axis=0)  # "mu is 0 anyway": modifies the caller's data
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    S = X.T @ X
    if global_rng:
        idx = np.random.randint(0, n, size=n_iter)
        idx2 = idx
    else:
        rng = np.random.default_rng(seed)
        idx = rng.integers(0, n, size=n_iter)
        idx2 = rng.integers(0, n, size=n_iter) if two_draws else idx
    P = P0 if in_place else np.array(P0, dtype=float)
    objective = [_whole_ll(P, S, n)] if first else []
    for i, j in zip(idx, idx2):
        Pi = np.linalg.inv(P) if inverse else P
        if full_batch:
            g = n * Pi - S
        else:
            g = Pi - np.outer(X[i], X[j])
        P += sign * step_size * half * g
        objective.append(_whole_ll(P, X[i:i + 1].T @ X[i:i + 1], 1) if per_sample else _whole_ll(P, S, n))
    return P, (objective if as_list else np.array(objective))


# --- wrong ---------------------------------------------------------------------
def sample_data_cov_as_vector(n=1000, seed=0):
    # cov=[1, 0.5] is read by scipy as the DIAGONAL diag(1, 0.5)
    x = sps.multivariate_normal.rvs(mean=[0, 0], cov=[1, 0.5], size=n, random_state=np.random.default_rng(seed))
    return x.reshape(n, 2)


def sample_data_global_seed(n=1000, seed=0):
    np.random.seed(seed)
    return sps.multivariate_normal.rvs(mean=_MEAN, cov=_COV, size=n).reshape(n, 2)


def sample_data_no_reshape(n=1000, seed=0):
    return sps.multivariate_normal.rvs(mean=_MEAN, cov=_COV, size=n, random_state=np.random.default_rng(seed))


def log_likelihood_no_constant(P, X):
    n = X.shape[0]
    return float(0.5 * n * np.linalg.slogdet(P)[1] - 0.5 * np.sum(P * (X.T @ X)))


def log_likelihood_mean(P, X):
    n, d = X.shape
    return float(0.5 * np.linalg.slogdet(P)[1] - 0.5 * np.sum(P * (X.T @ X)) / n - 0.5 * d * math.log(2 * math.pi))


def grad_missing_half(P, X):
    return X.shape[0] * np.linalg.inv(P) - X.T @ X


def grad_sign_flipped(P, X):
    return 0.5 * (X.T @ X - X.shape[0] * np.linalg.inv(P))


def grad_uses_P(P, X):
    return 0.5 * (X.shape[0] * np.asarray(P, dtype=float) - X.T @ X)


def initial_not_symmetric(seed):
    return np.random.default_rng(seed).uniform(0.5, 2.0, size=(2, 2))


def initial_gram(seed):
    a = np.random.default_rng(seed).standard_normal((2, 2))
    return a @ a.T


def initial_identity(seed):
    return np.eye(2)


def sgd_missing_half(X, P0, step_size, n_iter=10_000, seed=0):
    return _sgd_variant(X, P0, step_size, n_iter, seed, half=1.0)


def sgd_descent(X, P0, step_size, n_iter=10_000, seed=0):
    return _sgd_variant(X, P0, step_size, n_iter, seed, sign=-1.0)


def sgd_uses_P(X, P0, step_size, n_iter=10_000, seed=0):
    return _sgd_variant(X, P0, step_size, n_iter, seed, inverse=False)


def sgd_no_first_value(X, P0, step_size, n_iter=10_000, seed=0):
    return _sgd_variant(X, P0, step_size, n_iter, seed, first=False)


def sgd_objective_list(X, P0, step_size, n_iter=10_000, seed=0):
    return _sgd_variant(X, P0, step_size, n_iter, seed, as_list=True)


def sgd_per_sample_objective(X, P0, step_size, n_iter=10_000, seed=0):
    return _sgd_variant(X, P0, step_size, n_iter, seed, per_sample=True)


def sgd_two_draws(X, P0, step_size, n_iter=10_000, seed=0):
    return _sgd_variant(X, P0, step_size, n_iter, seed, two_draws=True)


def sgd_global_rng(X, P0, step_size, n_iter=10_000, seed=0):
    return _sgd_variant(X, P0, step_size, n_iter, seed, global_rng=True)


def sgd_centers_X_in_place(X, P0, step_size, n_iter=10_000, seed=0):
    return _sgd_variant(X, P0, step_size, n_iter, seed, center=True)


def sgd_updates_P0_in_place(X, P0, step_size, n_iter=10_000, seed=0):
    return _sgd_variant(X, P0, step_size, n_iter, seed, in_place=True)


def sgd_full_batch_gradient(X, P0, step_size, n_iter=10_000, seed=0):
    return _sgd_variant(X, P0, step_size, n_iter, seed, full_batch=True)


def estimation_error_not_squared(P_hat, cov):
    return float(np.linalg.norm(np.linalg.inv(cov) - P_hat))


def estimation_error_uses_cov(P_hat, cov):
    return float(np.sum((np.asarray(cov) - P_hat) ** 2))


def plot_one_figure(X, step_sizes=(1e-5, 1e-4, 1e-3), seeds=(0, 1, 2), n_iter=10_000):
    fig, ax = plt.subplots()
    for step in step_sizes:
        for seed in seeds:
            ax.plot(sgd_precision(X, initial_precision(seed), step, n_iter, seed=seed)[1])  # noqa: F821
    ax.set_xlabel("Iteration")
    ax.set_ylabel("Log-likelihood")
    ax.set_title(f"step sizes {step_sizes}")
    return [fig]


def plot_no_labels(X, step_sizes=(1e-5, 1e-4, 1e-3), seeds=(0, 1, 2), n_iter=10_000):
    figs = []
    for step in step_sizes:
        fig, ax = plt.subplots()
        for seed in seeds:
            ax.plot(sgd_precision(X, initial_precision(seed), step, n_iter, seed=seed)[1])  # noqa: F821
        ax.set_title(f"step size {step}")
        figs.append(fig)
    return figs


def plot_default_sgd_seed(X, step_sizes=(1e-5, 1e-4, 1e-3), seeds=(0, 1, 2), n_iter=10_000):
    figs = []
    for step in step_sizes:
        fig, ax = plt.subplots()
        for seed in seeds:
            ax.plot(sgd_precision(X, initial_precision(seed), step, n_iter)[1])  # noqa: F821 - seed forgotten
        ax.set_xlabel("Iteration")
        ax.set_ylabel("Log-likelihood")
        ax.set_title(f"step size {step}")
        figs.append(fig)
    return figs


# --- valid -----------------------------------------------------------------------
def sample_data_frozen(n=1000, seed=0, **kwargs):
    dist = sps.multivariate_normal(mean=[0.0, 0.0], cov=[[1.0, 0.5], [0.5, 1.0]], seed=np.random.default_rng(seed))
    return np.atleast_2d(dist.rvs(size=n))


def log_likelihood_scipy(P, X):
    cov = np.linalg.inv(P)
    return float(np.sum(sps.multivariate_normal(mean=np.zeros(2), cov=(cov + cov.T) / 2).logpdf(X)))


def log_likelihood_einsum(P, X):
    X = np.asarray(X, dtype=np.float64)
    n, d = X.shape
    quad = np.einsum("ni,ij,nj->", X, P, X)
    return float(n / 2 * np.log(np.linalg.det(P)) - quad / 2 - n * d / 2 * np.log(2 * np.pi))


def grad_via_outer_sum(P, X, **kwargs):
    return 0.5 * (len(X) * np.linalg.inv(P) - np.einsum("ni,nj->ij", X, X))


def initial_gram_plus_identity(seed):
    a = np.random.default_rng(seed).normal(size=(2, 2))
    return a @ a.T / 2 + 0.5 * np.eye(2)


def sgd_straightforward_scipy(X, P0, step_size, n_iter=10_000, seed=0):
    """The slow, obvious version: an index per step and scipy for the objective at every step."""
    rng = np.random.default_rng(seed)
    P = np.array(P0, dtype=float)

    def objective(P):
        return sps.multivariate_normal(mean=np.zeros(2), cov=np.linalg.inv(P), allow_singular=True).logpdf(X).sum()

    values = [objective(P)]
    for _ in range(n_iter):
        x = X[rng.integers(len(X))]
        P = P + step_size * 0.5 * (np.linalg.inv(P) - np.outer(x, x))
        P = (P + P.T) / 2
        values.append(objective(P))
    return P, np.array(values)


def sgd_choice_float32(X, P0, step_size, n_iter=10_000, seed=0, **kwargs):
    """Indices with rng.choice, a list result, float32 accepted, objective vectorised afterwards."""
    X = np.asarray(X, dtype=np.float64)
    n = len(X)
    picks = X[np.random.default_rng(seed).choice(n, size=n_iter, replace=True)]
    Ps = np.empty((n_iter + 1, 2, 2))
    Ps[0] = P0
    for t in range(n_iter):
        Ps[t + 1] = Ps[t] + step_size / 2 * (np.linalg.inv(Ps[t]) - np.outer(picks[t], picks[t]))
    S = X.T @ X
    objective = n / 2 * np.linalg.slogdet(Ps)[1] - 0.5 * np.einsum("tij,ij->t", Ps, S) - n * np.log(2 * np.pi)
    return [Ps[-1], objective]


def estimation_error_norm(P_hat, cov):
    return np.linalg.norm(np.linalg.inv(cov) - P_hat, "fro") ** 2


def plot_latex_titles(X, step_sizes=(1e-5, 1e-4, 1e-3), seeds=(0, 1, 2), n_iter=10_000, **kwargs):
    """Iterations from 1, a suptitle in LaTeX, a legend and an extra reference line."""
    figs = []
    for step in step_sizes:
        fig = plt.figure()
        ax = fig.add_subplot()
        for seed in seeds:
            _, obj = sgd_precision(X, initial_precision(seed), step, n_iter, seed=seed)  # noqa: F821
            ax.plot(np.arange(1, n_iter + 2), obj, label=f"run {seed}")
        ax.axhline(obj.max(), color="k", linestyle=":")
        ax.set_xlabel("iteration $t$")
        ax.set_ylabel(r"log likelihood $\log L(P_t)$")
        fig.suptitle(rf"$\eta = 10^{{{int(round(np.log10(step)))}}}$")
        ax.legend()
        figs.append(fig)
    return figs


_SGD_ALL = ("sgd_single_step", "sgd_trajectory_on_repeated_point", "sgd_objective_whole_data",
            "sgd_stays_symmetric_positive_definite", "sgd_reproducible", "sgd_error_shrinks_with_step_size")
_PLOT_ALL = ("plot_objectives_layout", "plot_objectives_data")


def _all(checks, pattern):
    return {cid: pattern for cid in checks}


_MUTANTS = [
    Mutant("sample_data_cov_as_vector", {"sample_data": sample_data_cov_as_vector},
           {"sample_data_moments": r"sample_data\(20000, seed=\d+\) returned a sample with covariance .*"
                                   r"Hint: cov must be the 2 x 2 matrix",
            "sample_data_matches_reference": r"sample_data\(1000, seed=0\) returned"}),
    Mutant("sample_data_global_np_random_seed", {"sample_data": sample_data_global_seed},
           {"sample_data_matches_reference":
                r"Hint: sps.multivariate_normal.rvs\(.*random_state=np.random.default_rng"}),
    Mutant("sample_data_drops_row_axis_for_n_1", {"sample_data": sample_data_no_reshape},
           {"sample_data_shape_and_seed": r"sample_data\(1, seed=3\) returned an array of shape \(2,\); "
                                          r"expected shape \(1, 2\).*reshape to \(n, 2\)"}),
    Mutant("log_likelihood_without_constant", {"log_likelihood": log_likelihood_no_constant},
           {"log_likelihood_matches_scipy": r"log_likelihood\(.*\) returned .*Hint: N/2 log det P",
            "log_likelihood_matches_reference": r"log_likelihood\(.*\) returned"}),
    Mutant("log_likelihood_mean_not_sum", {"log_likelihood": log_likelihood_mean},
           {"log_likelihood_matches_scipy": r"log_likelihood\(.*\) returned",
            "log_likelihood_matches_reference": r"log_likelihood\(.*\) returned",
            "grad_consistent_with_log_likelihood": r"grad_log_likelihood\(.*\) returned a directional derivative"
                                                   r".*relative error.*Hint: the gradient must be the derivative"}),
    Mutant("grad_missing_half", {"grad_log_likelihood": grad_missing_half},
           {"grad_matches_finite_differences": r"grad_log_likelihood\(.*\) returned a gradient whose entry "
                                               r"\(\d, \d\) is .*central differences.*Hint: 1/2 sum_i",
            "grad_consistent_with_log_likelihood": r"returned a directional derivative"}),
    Mutant("grad_sign_flipped", {"grad_log_likelihood": grad_sign_flipped},
           {"grad_matches_finite_differences": r"returned a gradient whose entry",
            "grad_consistent_with_log_likelihood": r"returned a directional derivative"}),
    Mutant("grad_P_instead_of_inverse", {"grad_log_likelihood": grad_uses_P},
           {"grad_matches_finite_differences": r"returned a gradient whose entry",
            "grad_consistent_with_log_likelihood": r"returned a directional derivative"}),
    Mutant("initial_not_symmetric", {"initial_precision": initial_not_symmetric},
           {"initial_precision_well_conditioned": r"a precision matrix is symmetric: initial_precision\(0\) returned",
            # a non-definite P0 makes the student's own runs NaN: the plotted runs are broken too
            "plot_objectives_data": r"sgd_precision\(.*\) returned an objective .* that is nan at t = 0; "
                                    r"expected finite log-likelihoods"}),
    Mutant("initial_gram_matrix_ill_conditioned", {"initial_precision": initial_gram},
           {"initial_precision_well_conditioned": r"initial_precision\(\d+\) returned .* with eigenvalues .*"
                                                  r"expected a well-conditioned matrix"}),
    Mutant("initial_identity_not_random", {"initial_precision": initial_identity},
           {"initial_precision_well_conditioned": r"initial_precision\(1\) returned .*expected a different matrix "
                                                  r"than initial_precision\(0\)"}),
    Mutant("sgd_missing_half", {"sgd_precision": sgd_missing_half},
           {"sgd_single_step": r"one step of stochastic gradient ASCENT: sgd_precision\(.*n_iter=1.*\) returned",
            "sgd_trajectory_on_repeated_point": r"objective\[t\] must be the whole-data log-likelihood"}),
    Mutant("sgd_descent_sign_flipped", {"sgd_precision": sgd_descent},
           {"sgd_single_step": r"ASCENT", "sgd_trajectory_on_repeated_point": r"objective\[t\]",
            "sgd_error_shrinks_with_step_size": r"sgd_precision\(.*0\.001, n_iter=2000.*\) returned a final P "
                                                r".*expected at most 0.5 x the initial",
            # descent leaves the positive definite cone within 200 steps of 1e-2: log det P is NaN
            "sgd_objective_whole_data": r"sgd_precision\(.*0\.01, n_iter=200.*\) returned an objective .* "
                                        r"that is nan at t = \d+.*Hint: log det P is undefined",
            "sgd_stays_symmetric_positive_definite": r"sgd_precision\(.*\) returned an objective .* that is nan"}),
    Mutant("sgd_P_instead_of_inverse", {"sgd_precision": sgd_uses_P},
           {"sgd_single_step": r"ASCENT", "sgd_trajectory_on_repeated_point": r"objective\[t\]",
            "sgd_error_shrinks_with_step_size": r"expected at most 0.5 x the initial"}),
    Mutant("sgd_full_batch_gradient", {"sgd_precision": sgd_full_batch_gradient},
           {"sgd_single_step": r"ASCENT", "sgd_trajectory_on_repeated_point": r"objective\[t\]",
            "sgd_error_shrinks_with_step_size": r"sgd_precision\(.*\) returned",
            # the full-batch gradient ignores the sampled index: every seed gives the same run
            "sgd_reproducible": r"expected a different run than sgd_precision"}),
    Mutant("sgd_objective_missing_first_value", {"sgd_precision": sgd_no_first_value},
           {**_all(_SGD_ALL, r"returned an objective of shape \((1|50|200|2000),\); expected shape "
                             r"\((2|51|201|2001),\).*Hint: objective\[t\] is the log-likelihood of the WHOLE"),
            **_all(_PLOT_ALL, r"plot_objectives\(.*\) raised ValueError: x and y must have same first dimension")}),
    Mutant("sgd_objective_python_list", {"sgd_precision": sgd_objective_list},
           {**_all(_SGD_ALL, r"sgd_precision\(.*\) returned a list; expected objective: a float ndarray"),
            "plot_objectives_data": r"returned a list; expected objective"}),
    Mutant("sgd_per_sample_objective", {"sgd_precision": sgd_per_sample_objective},
           {"sgd_trajectory_on_repeated_point": r"objective\[t\] must be the whole-data log-likelihood",
            "sgd_objective_whole_data": r"objective\[-1\] is the whole-data log-likelihood at P_hat"}),
    Mutant("sgd_two_draws_non_symmetric", {"sgd_precision": sgd_two_draws},
           {"sgd_single_step": r"ASCENT",
            "sgd_stays_symmetric_positive_definite": r"P_hat must stay symmetric.*same sampled x in both",
            # E[x_a x_b^T] = 0 for independent draws: the data term vanishes on average and P drifts away
            "sgd_error_shrinks_with_step_size": r"expected at most 0.5 x the initial"}),
    Mutant("sgd_global_random_state", {"sgd_precision": sgd_global_rng},
           # the determinism probe (the first call of each check is made twice) catches it everywhere
           {cid: r"sgd_precision\(.*\) returned .* for the same input\. Hint: results must not depend on hidden state"
            for cid in ("sgd_reproducible", "plot_objectives_data", "sgd_objective_whole_data",
                        "sgd_stays_symmetric_positive_definite", "sgd_error_shrinks_with_step_size")}),
    Mutant("sgd_centers_X_in_place", {"sgd_precision": sgd_centers_X_in_place},
           {**_all(_SGD_ALL, r"sgd_precision\(.*\) modified its argument 1 in place"),
            **_all(_PLOT_ALL, r"plot_objectives\(.*\) modified its argument 1 in place")}),
    Mutant("sgd_updates_P0_in_place", {"sgd_precision": sgd_updates_P0_in_place},
           {**_all(_SGD_ALL, r"sgd_precision\(.*\) modified its argument 2 in place"),
            "plot_objectives_data": r"sgd_precision\(.*\) modified its argument 2 in place"}),
    Mutant("sgd_precision_missing", {},
           {**_all(_SGD_ALL, "sgd_precision is not defined in the mutant"),
            **_all(_PLOT_ALL, r"plot_objectives\(.*\) raised NameError.*sgd_precision")},
           delete=("sgd_precision",)),
    Mutant("estimation_error_not_squared", {"estimation_error": estimation_error_not_squared},
           {"estimation_error_definition": r"estimation_error\(.*\) returned .*Hint: the squared Frobenius norm",
            "estimation_error_matches_reference": r"estimation_error\(.*\) returned"}),
    Mutant("estimation_error_cov_not_inverse", {"estimation_error": estimation_error_uses_cov},
           {"estimation_error_definition": r"estimation_error\(.*\) returned",
            "estimation_error_matches_reference": r"estimation_error\(.*\) returned"}),
    Mutant("plot_all_in_one_figure", {"plot_objectives": plot_one_figure},
           {**_all(_PLOT_ALL, r"plot_objectives\(.*\) returned a list of 1 object\(s\); expected 2 Figures")}),
    Mutant("plot_without_axis_labels", {"plot_objectives": plot_no_labels},
           {"plot_objectives_layout": r"the figure for step size 0.01 has x label ''; expected 'Iteration'"}),
    Mutant("plot_forgets_sgd_seed", {"plot_objectives": plot_default_sgd_seed},
           {"plot_objectives_data": r"has no line whose y data is the objective .*Hint: run k starts from"}),
]

# Messages print 2-d arrays over several lines: every pattern matches across newlines.
MUTANTS = [dataclasses.replace(m, breaks={cid: "(?s)" + rx for cid, rx in m.breaks.items()}) for m in _MUTANTS]

ALTERNATIVES = [
    Alternative("sample_data_frozen_distribution", {"sample_data": sample_data_frozen}),
    Alternative("log_likelihood_via_scipy", {"log_likelihood": log_likelihood_scipy}),
    Alternative("log_likelihood_einsum_det", {"log_likelihood": log_likelihood_einsum}),
    Alternative("grad_outer_sum_extra_kwargs", {"grad_log_likelihood": grad_via_outer_sum}),
    Alternative("initial_gram_plus_identity", {"initial_precision": initial_gram_plus_identity}),
    Alternative("sgd_straightforward_scipy_per_step", {"sgd_precision": sgd_straightforward_scipy}),
    Alternative("sgd_choice_list_result_float32", {"sgd_precision": sgd_choice_float32}),
    Alternative("estimation_error_numpy_norm", {"estimation_error": estimation_error_norm}),
    Alternative("plot_latex_suptitle_from_1", {"plot_objectives": plot_latex_titles}),
]
