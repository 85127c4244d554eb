"""Checks of ``precision_sgd`` (sheet §2, computer assignment 2).

Nothing here depends on *which* samples a submission draws: the sampling
order of ``sgd_precision`` is the student's.  The update rule is checked
through a single step (the result must match ``P0 + step/2 (P0^{-1} - x x^T)``
for *some* row ``x``), through data whose rows are all equal (then every
sampling order gives the same trajectory), and statistically (averaged over
seeds).  The whole-data objective is checked against a grader-side formula.
Instructor-only checks compare ``sample_data`` (contractually scipy with
``default_rng(seed)``), ``log_likelihood`` and ``estimation_error`` with the
reference.

Gradient convention: ``grad_log_likelihood`` is the derivative with respect
to the four entries of ``P`` as *free* variables, evaluated at a symmetric
``P``: ``d/dP_ij (N/2 log det P - 1/2 tr(P S)) = N/2 (P^{-T})_ij - 1/2 S_ji
= 1/2 (N P^{-1} - S)_ij``.  Checked against central differences of the
grader's log-likelihood perturbing one entry at a time, and against the
submission's own ``log_likelihood`` along symmetric directions
``E_ij + E_ji`` (so that it only ever sees symmetric matrices), where the
directional derivative is ``G_ij + G_ji``.
"""

from __future__ import annotations

import math
import re

import numpy as np
from hypothesis import strategies as st

from nndl import hypo, strategies
from nndl.checks import CheckSet
from nndl.messages import call_repr, describe_type, fail, fail_text, short
from nndl.numerics import (ATOL_EXACT, FD_STEP, RTOL_EXACT, RTOL_FLOAT32, assert_close,
                           assert_gradient, expect_array, expect_float, numeric_gradient)

checks = CheckSet("session1", "precision_sgd")

#: The data distribution of the sheet (equation 8).
COV = np.array([[1.0, 0.5], [0.5, 1.0]])
PRECISION = np.linalg.inv(COV)

# --- tolerances ------------------------------------------------------------------
#: Sample size for the moment check: large enough that 6 standard errors are
#: far below a real mistake (cov=[1, 0.5], read by scipy as diag(1, 0.5), is off by 0.5).
MOMENT_N = 20_000
#: Tolerances in standard errors of the sampling distribution.  For x ~ N(0, Sigma)
#: and n points: SE(mean_k) = sqrt(Sigma_kk / n) = 0.0071, SE(cov_jk) =
#: sqrt((Sigma_jj Sigma_kk + Sigma_jk^2) / n) = 0.0100 (diagonal), 0.0079 (off-diagonal).
#: A correct sampler exceeds 6 SE in one of the 5 statistics with probability < 1e-8.
MOMENT_Z = 6.0
#: Log-likelihood vs. scipy: both are float64 sums of n terms of size O(1-100)
#: computed by different formulas (slogdet/trace vs. eigh/Mahalanobis); rounding is
#: ~1e-14 per term, so 1e-9 relative plus 1e-9 per data point absolute (the total can
#: cancel towards 0) is five orders above rounding and far below any formula error.
LL_RTOL = 1e-9
LL_ATOL_PER_POINT = 1e-9
#: Gradient vs. central differences: the log-likelihood of n points is O(10 n), so
#: FD rounding is ~eps 10 n / FD_STEP ~ 1e-9 n absolute; coordinates whose
#: derivative is below 0.1 n are judged by an absolute error of 1e-6 n.
GRAD_ATOL_PER_POINT = 1e-6
#: A "well-conditioned, moderate-scale" initial point: eigenvalues in
#: [1e-2, 1e2] and condition number <= 100.  The true precision has eigenvalues
#: 2/3 and 2; the sheet's steps (<= 1e-3) times P^{-1} stay small for these bounds.
EIG_MIN, EIG_MAX, COND_MAX = 1e-2, 1e2, 1e2
#: Number of random seeds at which initial_precision is examined (plus 0, 1, 2).
N_INIT_SEEDS = 20
#: Symmetry of the iterates: every correct update is symmetric, so P_hat - P_hat^T
#: is rounding (~1e-16 per step, <= 1e-13 after 200 steps); an update with two
#: different samples (x_a x_b^T) is asymmetric by ~step |x|^2 ~ 1e-3 per step.
SYM_ATOL = 1e-10
#: Iterates along a deterministic trajectory (all rows equal): 200 steps of a
#: contractive or neutral map accumulate ~1e-13 relative rounding; 1e-8 leaves room
#: for any order of operations (closed-form vs. LAPACK inverse).
TRAJ_RTOL = 1e-8
#: Length of the short runs (bounds the cost: a straightforward implementation
#: that re-evaluates the whole-data objective with scipy takes ~0.3 ms per step).
SHORT_ITER = 200
#: The step-size experiment: X of ERR_N points, P0 = 2 I (squared distance 1.95
#: from the sample's maximum-likelihood precision, mostly along the fast direction
#: [1, 1]), ERR_ITER steps, errors averaged over ERR_SEEDS sample orders.
#: Simulated with the reference for this check's X over 2000 triples of seeds:
#: with step 1e-3 (2 units of gradient time) the mean error is 0.111 +- 0.011 of the
#: initial one (worst 0.159); with 1e-5 (0.02 units) it is 0.9839 +- 0.0005 (the drift
#: is deterministic; worst 0.982).  ERR_FAST_MAX = 0.5 and ERR_SLOW_MIN = 0.9 are
#: > 30 standard deviations away, so no sampling order fails a correct submission,
#: while descent, P instead of inv(P) or a wrong step scale miss them by far.
ERR_N, ERR_ITER, ERR_SEEDS = 200, 2000, 3
ERR_FAST_MAX = 0.5
ERR_SLOW_MIN = 0.9


# --- grader-side formulas --------------------------------------------------------
def _log_likelihood(P: np.ndarray, X: np.ndarray) -> float:
    """N/2 log det P - 1/2 tr(P X^T X) - N d/2 log 2 pi; P may be any matrix with det > 0."""
    n, d = X.shape
    sign, logdet = np.linalg.slogdet(P)
    if sign <= 0:
        return math.nan
    return float(0.5 * n * logdet - 0.5 * np.sum(P * (X.T @ X)) - 0.5 * n * d * math.log(2 * math.pi))


def _scipy_log_likelihood(P: np.ndarray, X: np.ndarray) -> float:
    from scipy.stats import multivariate_normal

    cov = np.linalg.inv(P)
    cov = 0.5 * (cov + cov.T)
    return float(np.sum(multivariate_normal(mean=np.zeros(X.shape[1]), cov=cov).logpdf(X)))


def _ll_atol(X: np.ndarray) -> float:
    return LL_ATOL_PER_POINT * max(1, X.shape[0])


def _gaussian(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.standard_normal((n, 2)) @ np.linalg.cholesky(COV).T


def _spd(rng: np.random.Generator, lo: float = 0.5, hi: float = 2.0) -> np.ndarray:
    theta = rng.uniform(0, np.pi)
    q = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    p = (q * rng.uniform(lo, hi, size=2)) @ q.T
    return 0.5 * (p + p.T)


def _sgd_step(P: np.ndarray, x: np.ndarray, step: float) -> np.ndarray:
    return P + step * 0.5 * (np.linalg.inv(P) - np.outer(x, x))


UPDATE_HINT = "one step is P + step_size * 1/2 * (inv(P) - outer(x, x)) for ONE sampled row x"
OBJECTIVE_HINT = ("objective[t] is the log-likelihood of the WHOLE data set at the t-th iterate, "
                  "objective[0] at P0, so it has n_iter + 1 entries")

points = st.integers(1, 30).flatmap(lambda n: strategies.arrays(lo=-5.0, hi=5.0, shape=(n, 2)))
small_points = st.integers(1, 20).flatmap(lambda n: strategies.arrays(lo=-3.0, hi=3.0, shape=(n, 2)))


# --- helpers calling the submission ------------------------------------------------
def _sample(impl, *args, **kwargs) -> tuple[str, np.ndarray]:
    call = call_repr("sample_data", args, kwargs)
    n = kwargs.get("n", args[0] if args else 1000)
    value = impl.sample_data(*args, **kwargs)
    if type(value) is np.ndarray and value.shape != (n, 2):
        fail(call, f"an array of shape {value.shape}", f"shape ({n}, 2)",
             hint="one point per row; multivariate_normal.rvs drops the row axis for size=1: reshape to (n, 2)")
    return call, expect_array(value, call, shape=(n, 2))


def _ll(impl, P: np.ndarray, X: np.ndarray) -> tuple[str, float]:
    call = call_repr("log_likelihood", (P, X))
    return call, expect_float(impl.log_likelihood(P, X), call)


def _grad(impl, P: np.ndarray, X: np.ndarray) -> tuple[str, np.ndarray]:
    call = call_repr("grad_log_likelihood", (P, X))
    return call, expect_array(impl.grad_log_likelihood(P, X), call, shape=(2, 2))


def _initial(impl, seed: int) -> tuple[str, np.ndarray]:
    call = call_repr("initial_precision", (seed,))
    return call, expect_array(impl.initial_precision(seed), call, shape=(2, 2))


def _sgd(impl, X: np.ndarray, P0: np.ndarray, step: float, n_iter: int,
         seed: int | None = None) -> tuple[str, np.ndarray, np.ndarray]:
    kwargs = {"n_iter": n_iter} if seed is None else {"n_iter": n_iter, "seed": seed}
    call = call_repr("sgd_precision", (X, P0, step), kwargs)
    out = impl.sgd_precision(X, P0, step, **kwargs)
    if type(out) not in (tuple, list) or len(out) != 2:
        got = describe_type(out) + (f" of length {len(out)}" if type(out) in (tuple, list) else "")
        fail(call, got, "a tuple (P_hat, objective)")
    P_hat = expect_array(out[0], call, shape=(2, 2), what="P_hat: a float ndarray of shape (2, 2)")
    obj = out[1]
    if type(obj) is np.ndarray and obj.shape != (n_iter + 1,):
        fail(call, f"an objective of shape {obj.shape}", f"shape ({n_iter + 1},)", hint=OBJECTIVE_HINT)
    obj = expect_array(obj, call, shape=(n_iter + 1,), what=f"objective: a float ndarray of shape ({n_iter + 1},)",
                       finite=False)
    if not np.all(np.isfinite(obj)):
        t = int(np.argmax(~np.isfinite(obj)))
        fail(call, f"an objective {short(obj)} that is {float(obj[t])!r} at t = {t}", "finite log-likelihoods",
             hint="log det P is undefined once P_t leaves the positive definite cone: ascend "
                  "(P + step_size * gradient) from a symmetric positive definite P0")
    return call, P_hat, obj


def _error(P: np.ndarray, target: np.ndarray) -> float:
    return float(np.sum((P - target) ** 2))


# --- sample_data -----------------------------------------------------------------
@checks.check("sample_data")
def check_sample_data_shape_and_seed(impl, *, rng):
    """sample_data(n, seed) is a float (n, 2) array, reproducible for a seed, different for different seeds."""
    _sample(impl)  # the defaults: n=1000
    for n in (1, 7):
        _sample(impl, n, seed=3)
    seed = int(rng.integers(0, 2**31 - 1))
    call, a = _sample(impl, 50, seed=seed)
    _, b = _sample(impl, 50, seed=seed)
    assert_close(b, a, call, rtol=RTOL_EXACT, atol=ATOL_EXACT, rule="the same seed must give the same sample",
                 hint="use random_state=np.random.default_rng(seed), not global state")
    call_c, c = _sample(impl, 50, seed=seed + 1)
    if np.allclose(a, c):
        fail(call_c, short(c), f"a different sample than {call}",
             hint="different seeds must give different samples: pass the seed to default_rng")


@checks.check("sample_data")
def check_sample_data_moments(impl, *, rng):
    """For n = 20000 the sample mean is 0 and the sample covariance Sigma, within 6 standard errors."""
    seed = int(rng.integers(0, 2**31 - 1))
    call, x = _sample(impl, MOMENT_N, seed=seed)
    n = MOMENT_N
    mean = x.mean(axis=0)
    se_mean = np.sqrt(np.diag(COV) / n)
    if np.any(np.abs(mean) > MOMENT_Z * se_mean):
        fail(call, f"a sample with mean {short(mean)}", f"mean (0, 0) within {MOMENT_Z:g} standard errors "
             f"(+-{MOMENT_Z * se_mean[0]:.3f})", hint="the mean is mu = (0, 0)")
    emp = x.T @ x / n
    se_cov = np.sqrt((np.outer(np.diag(COV), np.diag(COV)) + COV**2) / n)
    if np.any(np.abs(emp - COV) > MOMENT_Z * se_cov):
        fail(call, f"a sample with covariance {short(emp, precision=3)}",
             f"covariance {short(COV)} within {MOMENT_Z:g} standard errors "
             f"(+-{MOMENT_Z * se_cov[0, 0]:.3f} on the diagonal, +-{MOMENT_Z * se_cov[0, 1]:.3f} off it)",
             hint="cov must be the 2 x 2 matrix [[1, 0.5], [0.5, 1]]")


@checks.check("sample_data", public=False)
def check_sample_data_matches_reference(impl, *, rng):
    """Instructor-only: sample_data equals the reference (scipy with default_rng(seed)) for given seeds."""
    from solutions.session1 import precision_sgd as ref

    for n, seed in ((1000, 0), (25, int(rng.integers(0, 2**31 - 1)))):
        call, x = _sample(impl, n, seed=seed)
        assert_close(x, ref.sample_data(n, seed), call, rtol=RTOL_EXACT, atol=ATOL_EXACT,
                     hint="sps.multivariate_normal.rvs(mean=mean, cov=cov, size=n, "
                          "random_state=np.random.default_rng(seed))")


# --- log_likelihood and its gradient --------------------------------------------
@checks.check("log_likelihood")
def check_log_likelihood_matches_scipy(impl, *, rng):
    """log_likelihood(P, X) equals sum(multivariate_normal(cov=inv(P)).logpdf(X)), constant included."""

    @hypo.given(strategies.spd_matrices(2, lo=0.2, hi=5.0), points, max_examples=15)  # scipy is the costly part
    def prop(P, X):
        call, value = _ll(impl, P, X)
        assert_close(value, _scipy_log_likelihood(P, X), call, rtol=LL_RTOL, atol=_ll_atol(X),
                     hint="N/2 log det P - 1/2 sum_i x_i^T P x_i - (N d / 2) log(2 pi), summed over all rows")

    prop()


@checks.check("log_likelihood", public=False)
def check_log_likelihood_matches_reference(impl, *, rng):
    """Instructor-only: log_likelihood agrees with the reference on hidden inputs (sheet-sized and float32 data)."""
    from solutions.session1 import precision_sgd as ref

    for n, dtype in ((1000, np.float64), (1, np.float64), (40, np.float32)):
        X = _gaussian(rng, n).astype(dtype)
        P = _spd(rng, 0.3, 3.0)
        call, value = _ll(impl, P, X)
        rtol = LL_RTOL if dtype == np.float64 else RTOL_FLOAT32
        assert_close(value, ref.log_likelihood(P, X), call, rtol=rtol, atol=_ll_atol(X))


@checks.check("grad_log_likelihood")
def check_grad_matches_finite_differences(impl, *, rng):
    """grad_log_likelihood(P, X) is 1/2 (N P^{-1} - X^T X): central differences over the free entries of P."""

    @hypo.given(strategies.spd_matrices(2, lo=0.5, hi=3.0), small_points, max_examples=20)
    def prop(P, X):
        call, g = _grad(impl, P, X)
        numeric = numeric_gradient(lambda Q: _log_likelihood(Q, X), P)
        assert_gradient(g, numeric, call, atol=GRAD_ATOL_PER_POINT * X.shape[0],
                        hint="1/2 sum_i (inv(P) - x_i x_i^T) = 1/2 (N inv(P) - X^T X)")

    prop()


@checks.check("grad_log_likelihood")
def check_grad_consistent_with_log_likelihood(impl, *, rng):
    """grad_log_likelihood is the derivative of your log_likelihood along symmetric directions E_ij + E_ji."""

    @hypo.given(strategies.spd_matrices(2, lo=0.5, hi=3.0), small_points, max_examples=10)
    def prop(P, X):
        call, g = _grad(impl, P, X)
        analytic, numeric = [], []
        for i, j in ((0, 0), (1, 1), (0, 1)):
            e = np.zeros((2, 2))
            e[i, j] = e[j, i] = 1.0
            h = FD_STEP * max(1.0, abs(P[i, j]))
            up = _ll(impl, P + h * e, X)[1]
            down = _ll(impl, P - h * e, X)[1]
            numeric.append((up - down) / (2 * h))
            analytic.append(g[i, j] + (g[j, i] if i != j else 0.0))
        assert_gradient(np.array(analytic), np.array(numeric), call, atol=GRAD_ATOL_PER_POINT * X.shape[0],
                        what="directional derivative (G_00, G_11, G_01 + G_10)",
                        hint="the gradient must be the derivative of your log_likelihood; "
                             "both use the sum over all N points")

    prop()


# --- initial points --------------------------------------------------------------
@checks.check("initial_precision")
def check_initial_precision_well_conditioned(impl, *, rng):
    """initial_precision(seed): symmetric positive definite, eigenvalues in [1e-2, 1e2], cond <= 100, random.

    Examined at seeds 0, 1, 2 and 20 random ones; the same seed must give the same matrix.
    """
    seeds = [0, 1, 2] + [int(s) for s in rng.integers(3, 2**31 - 1, size=N_INIT_SEEDS)]
    found = []
    for seed in seeds:
        call, P = _initial(impl, seed)
        assert_close(P.T, P, call, rtol=0.0, atol=1e-12, rule="a precision matrix is symmetric",
                     hint="build it as Q diag(lam) Q^T, or symmetrise (A + A.T) / 2")
        lam = np.linalg.eigvalsh(P)
        if lam[0] <= 0:
            fail(call, f"{short(P)} with eigenvalues {short(lam)}", "a positive definite matrix",
                 hint="the iteration needs inv(P) and log det P: start inside the positive definite cone")
        if lam[0] < EIG_MIN or lam[-1] > EIG_MAX or lam[-1] / lam[0] > COND_MAX:
            fail(call, f"{short(P)} with eigenvalues {short(lam)}",
                 f"a well-conditioned matrix of moderate scale (eigenvalues in [{EIG_MIN:g}, {EIG_MAX:g}], "
                 f"condition number <= {COND_MAX:g})",
                 hint="inv(P) in the gradient blows up near singular P; e.g. eigenvalues uniform in [0.5, 2]")
        _, again = _initial(impl, seed)
        assert_close(again, P, call, rtol=RTOL_EXACT, atol=ATOL_EXACT,
                     rule="the same seed must give the same initial point",
                     hint="draw from np.random.default_rng(seed)")
        found.append((call, P))
    for k, (call, P) in enumerate(found):
        for call_o, Q in found[:k]:
            if np.allclose(P, Q, rtol=0.0, atol=1e-12):
                fail(call, short(P), f"a different matrix than {call_o}",
                     hint="the initial points are random: different seeds must give different matrices")


# --- sgd_precision ---------------------------------------------------------------
@checks.check("sgd_precision")
def check_sgd_single_step(impl, *, rng):
    """With n_iter=1, P_hat = P0 + step/2 (P0^{-1} - x x^T) for one row x of X (whichever the sampler picked)."""

    @hypo.given(strategies.spd_matrices(2, lo=0.5, hi=2.0),
                st.integers(1, 6).flatmap(lambda n: strategies.arrays(lo=-2.0, hi=2.0, shape=(n, 2))),
                st.floats(1e-3, 0.05), strategies.seeds(), max_examples=15)
    def prop(P0, X, step, seed):
        call, P_hat, _ = _sgd(impl, X, P0, step, 1, seed=seed)
        candidates = [_sgd_step(P0, x, step) for x in X]
        best = min(range(len(X)), key=lambda i: float(np.max(np.abs(candidates[i] - P_hat))))
        assert_close(P_hat, candidates[best], call,
                     expected_text=f"{short(candidates[best])} (P0 + step/2 (inv(P0) - x x^T) for the closest "
                                   f"row x = X[{best}])",
                     rule="one step of stochastic gradient ASCENT", hint=UPDATE_HINT)

    prop()


@checks.check("sgd_precision")
def check_sgd_trajectory_on_repeated_point(impl, *, rng):
    """When all rows of X are equal every sampling order gives the same run: it must match step by step."""
    for _ in range(2):
        x = rng.uniform(-1.5, 1.5, size=2)
        X = np.tile(x, (int(rng.integers(2, 6)), 1))
        P0 = _spd(rng)
        step = float(rng.choice([1e-3, 1e-2]))
        call, P_hat, obj = _sgd(impl, X, P0, step, SHORT_ITER, seed=int(rng.integers(0, 2**31 - 1)))
        P, expected = P0, [_log_likelihood(P0, X)]
        for _ in range(SHORT_ITER):
            P = _sgd_step(P, x, step)
            expected.append(_log_likelihood(P, X))
        assert_close(obj, np.array(expected), call, rtol=TRAJ_RTOL, atol=_ll_atol(X),
                     rule="objective[t] must be the whole-data log-likelihood of the t-th SGD iterate",
                     hint=f"{UPDATE_HINT}; {OBJECTIVE_HINT}")
        assert_close(P_hat, P, call, rtol=TRAJ_RTOL, atol=1e-12, rule="P_hat is the last iterate",
                     hint=UPDATE_HINT)


@checks.check("sgd_precision")
def check_sgd_objective_whole_data(impl, *, rng):
    """objective[0] and objective[-1] are the whole-data log-likelihoods of P0 and P_hat; step 0 changes nothing."""
    X = _gaussian(rng, 100)
    for P0, step in ((_spd(rng), 1e-3), (_spd(rng), 1e-2), (_spd(rng), 0.0)):
        call, P_hat, obj = _sgd(impl, X, P0, step, SHORT_ITER, seed=int(rng.integers(0, 2**31 - 1)))
        assert_close(obj[0], _log_likelihood(P0, X), call + "[1][0]", rtol=LL_RTOL, atol=_ll_atol(X),
                     rule="objective[0] is the whole-data log-likelihood at P0", hint=OBJECTIVE_HINT)
        assert_close(obj[-1], _log_likelihood(P_hat, X), call + "[1][-1]", rtol=LL_RTOL, atol=_ll_atol(X),
                     rule="objective[-1] is the whole-data log-likelihood at P_hat", hint=OBJECTIVE_HINT)
        if step == 0.0:
            assert_close(P_hat, P0, call + "[0]", rule="with step_size = 0, P never moves")
            assert_close(obj, np.full_like(obj, obj[0]), call + "[1]", rtol=LL_RTOL, atol=_ll_atol(X),
                         rule="with step_size = 0 the objective is constant", hint=OBJECTIVE_HINT)


@checks.check("sgd_precision")
def check_sgd_stays_symmetric_positive_definite(impl, *, rng):
    """200 steps of size 1e-3 and 1e-2 from well-conditioned P0: P_hat symmetric positive definite, objective finite."""
    X = _gaussian(rng, 100)
    for step in (1e-3, 1e-2):
        P0 = _spd(rng)
        call, P_hat, obj = _sgd(impl, X, P0, step, SHORT_ITER, seed=int(rng.integers(0, 2**31 - 1)))
        assert_close(P_hat.T, P_hat, call + "[0]", rtol=0.0, atol=SYM_ATOL, rule="P_hat must stay symmetric",
                     hint="each update 1/2 (inv(P) - x x^T) is symmetric; use the same sampled x in both factors")
        lam = np.linalg.eigvalsh(0.5 * (P_hat + P_hat.T))
        if lam[0] <= 0:
            fail(call + "[0]", f"{short(P_hat)} with eigenvalues {short(lam)}", "a positive definite matrix",
                 hint=f"ascent steps this small keep P positive definite; {UPDATE_HINT}")


@checks.check("sgd_precision")
def check_sgd_reproducible(impl, *, rng):
    """The same seed gives the same run, different seeds different runs, and seed defaults to 0."""
    X = _gaussian(rng, 50)
    P0 = _spd(rng)
    seed = int(rng.integers(1, 2**31 - 1))
    call, P1, obj1 = _sgd(impl, X, P0, 1e-2, 50, seed=seed)
    _, P2, obj2 = _sgd(impl, X, P0, 1e-2, 50, seed=seed)
    assert_close(obj2, obj1, call, rtol=RTOL_EXACT, atol=ATOL_EXACT, rule="the same seed must give the same run",
                 hint="draw the sample indices from np.random.default_rng(seed), not from global state")
    call_o, _, obj3 = _sgd(impl, X, P0, 1e-2, 50, seed=seed + 1)
    if np.allclose(obj3, obj1, rtol=1e-12, atol=0.0):
        fail(call_o, short(obj3), f"a different run than {call}",
             hint="different seeds must draw different samples: use np.random.default_rng(seed)")
    call_d, _, obj_d = _sgd(impl, X, P0, 1e-2, 50)
    _, _, obj_0 = _sgd(impl, X, P0, 1e-2, 50, seed=0)
    assert_close(obj_d, obj_0, call_d, rtol=RTOL_EXACT, atol=ATOL_EXACT, rule="the default is seed=0",
                 hint="the signature is sgd_precision(X, P0, step_size, n_iter=10_000, seed=0)")


@checks.check("sgd_precision")
def check_sgd_error_shrinks_with_step_size(impl, *, rng):
    """2000 steps of 1e-3 cut the error to the optimum by half or more; 1e-5 barely moves (seed-averaged)."""
    X = _gaussian(rng, ERR_N)
    target = np.linalg.inv(X.T @ X / ERR_N)  # the maximiser of the whole-data likelihood
    P0 = 2.0 * np.eye(2)
    e0 = _error(P0, target)
    seeds = [int(s) for s in rng.integers(0, 2**31 - 1, size=ERR_SEEDS)]
    means = {}
    for step in (1e-3, 1e-5):
        errs = []
        for seed in seeds:
            call, P_hat, _ = _sgd(impl, X, P0, step, ERR_ITER, seed=seed)
            errs.append(_error(P_hat, target))
        means[step] = (call, float(np.mean(errs)))
    call, fast = means[1e-3]
    if not fast <= ERR_FAST_MAX * e0:
        fail(call, f"a final P whose squared distance to the maximiser inv(X^T X / N), averaged over seeds "
                   f"{seeds}, is {fast:.4g}",
             f"at most {ERR_FAST_MAX:g} x the initial {e0:.4g}: 2000 ascent steps of 1e-3 approach the maximum",
             hint=UPDATE_HINT)
    call, slow = means[1e-5]
    if not slow >= ERR_SLOW_MIN * e0:
        fail(call, f"a final P whose squared distance to the maximiser, averaged over seeds {seeds}, is {slow:.4g}",
             f"at least {ERR_SLOW_MIN:g} x the initial {e0:.4g}: 2000 steps of 1e-5 barely move P",
             hint=UPDATE_HINT)


# --- estimation_error ------------------------------------------------------------
@checks.check("estimation_error")
def check_estimation_error_definition(impl, *, rng):
    """estimation_error(P_hat, cov) = ||inv(cov) - P_hat||_F^2, and 0 at P_hat = inv(cov)."""

    @hypo.given(strategies.spd_matrices(2, lo=0.2, hi=5.0), strategies.arrays(lo=-5.0, hi=5.0, shape=(2, 2)),
                max_examples=20)
    def prop(cov, P_hat):
        call = call_repr("estimation_error", (P_hat, cov))
        value = expect_float(impl.estimation_error(P_hat, cov), call)
        assert_close(value, _error(P_hat, np.linalg.inv(cov)), call, rtol=RTOL_EXACT, atol=1e-12,
                     hint="the squared Frobenius norm of inv(cov) - P_hat: np.sum(diff ** 2)")

    prop()
    cov = _spd(rng, 0.3, 3.0)
    call = call_repr("estimation_error", (np.linalg.inv(cov), cov))
    value = expect_float(impl.estimation_error(np.linalg.inv(cov), cov), call)
    # inv(cov) computed twice in float64 agrees to ~1e-15; its square is ~1e-30.
    assert_close(value, 0.0, call, rtol=0.0, atol=1e-20, rule="the error of the exact precision is 0")


@checks.check("estimation_error", public=False)
def check_estimation_error_matches_reference(impl, *, rng):
    """Instructor-only: estimation_error agrees with the reference on hidden inputs (the sheet's Sigma)."""
    from solutions.session1 import precision_sgd as ref

    for cov, P_hat in ((COV, _spd(rng)), (_spd(rng, 0.3, 3.0), _spd(rng)), (COV, PRECISION + 1e-3)):
        call = call_repr("estimation_error", (P_hat, cov))
        value = expect_float(impl.estimation_error(P_hat, cov), call)
        assert_close(value, ref.estimation_error(P_hat, cov), call, rtol=RTOL_EXACT, atol=1e-12)


# --- plot_objectives -------------------------------------------------------------
PLOT_STEPS = (1e-2, 1e-3)
PLOT_SEEDS = (5, 8)
PLOT_ITER = 20

_NUMBER = r"[-+\u2212]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+\u2212]?\d+)?"


def _title_values(title: str) -> list[float]:
    """Numbers written in a title: 0.001, 1e-3, 1e-03, 10^{-3}, 1 \\times 10^{-3}."""
    text = title.replace("\u2212", "-").replace("$", "").replace(" ", "")
    values = []
    for mant, exp in re.findall(r"(?:(\d+\.?\d*)(?:\\times|\\cdot|x|\u00d7|\u00b7|\*))?10\^\{?([-+]?\d+)\}?", text):
        values.append(float(mant or 1.0) * 10.0 ** int(exp))
    values += [float(v.replace("\u2212", "-")) for v in re.findall(_NUMBER, text)]
    return values


def _plot(impl, X: np.ndarray) -> tuple[str, list]:
    kwargs = {"step_sizes": PLOT_STEPS, "seeds": PLOT_SEEDS, "n_iter": PLOT_ITER}
    call = call_repr("plot_objectives", (X,), kwargs)
    figs = impl.plot_objectives(X, **kwargs)
    if type(figs) not in (list, tuple):
        fail(call, describe_type(figs), "a list of Figures, one per step size")
    if len(figs) != len(PLOT_STEPS):
        fail(call, f"a list of {len(figs)} object(s)", f"{len(PLOT_STEPS)} Figures, one per step size",
             hint="make one figure per step size (plt.subplots() inside the loop) and return them in a list")
    descs = []
    for k, h in enumerate(figs):
        try:
            descs.append(impl.op("describe_figure", h))
        except AssertionError:
            fail(call, f"{describe_type(h)} at index {k}", "a matplotlib Figure",
                 hint="return the Figure objects (fig, ax = plt.subplots())")
    return call, descs


def _run_lines(desc: dict) -> tuple[dict | None, list[dict]]:
    """The axes holding the runs' lines (n_iter + 1 points) and those lines."""
    best, lines = None, []
    for ax in desc["axes"]:
        own = [ln for ln in ax["lines"] if ln["y"].shape == (PLOT_ITER + 1,)]
        if len(own) > len(lines):
            best, lines = ax, own
    return best, lines


@checks.check("plot_objectives")
def check_plot_objectives_layout(impl, *, rng):
    """One figure per step size, each one plot with one line per run, axis labels and the step size in the title."""
    X = _gaussian(rng, 30)
    call, descs = _plot(impl, X)
    for step, desc in zip(PLOT_STEPS, descs):
        where = f"{call}: the figure for step size {step:g}"
        ax, lines = _run_lines(desc)
        if ax is None or len(lines) != len(PLOT_SEEDS):
            fail_text(f"{where} has {len(lines)} line(s) of {PLOT_ITER + 1} points in one plot; expected "
                      f"{len(PLOT_SEEDS)}, one per initial point (seeds={PLOT_SEEDS}).",
                      hint="plot all runs of one step size into the same axes, objective against iteration")
        if "iteration" not in ax["xlabel"].lower():
            fail_text(f"{where} has x label {ax['xlabel']!r}; expected 'Iteration'.")
        ylabel = ax["ylabel"].lower().replace("-", " ")
        if "log" not in ylabel or "likelihood" not in ylabel:
            fail_text(f"{where} has y label {ax['ylabel']!r}; expected 'Log-likelihood'.")
        title = " ".join([desc["suptitle"], ax["title"]])
        if not any(math.isclose(v, step, rel_tol=1e-6) for v in _title_values(title)):
            fail_text(f"{where} has title {title.strip()!r}; expected a title naming the step size {step:g}.",
                      hint="e.g. ax.set_title(f'step size {step_size:g}')")


@checks.check("plot_objectives")
def check_plot_objectives_data(impl, *, rng):
    """Run k's line is the objective of sgd_precision(X, initial_precision(seeds[k]), step, n_iter, seed=seeds[k])."""
    X = _gaussian(rng, 30)
    call, descs = _plot(impl, X)
    for step, desc in zip(PLOT_STEPS, descs):
        where = f"{call}: the figure for step size {step:g}"
        _, lines = _run_lines(desc)
        for seed in PLOT_SEEDS:
            _, P0 = _initial(impl, seed)
            call_k, _, obj = _sgd(impl, X, P0, step, PLOT_ITER, seed=seed)
            match = [ln for ln in lines if np.allclose(ln["y"], obj, rtol=RTOL_EXACT, atol=0.0)]
            if not match:
                fail_text(f"{where} has no line whose y data is the objective {short(obj)} of "
                          f"{call_k} with P0 = initial_precision({seed}); its lines' y data start with "
                          f"{[short(ln['y'][:3]) for ln in lines]}.",
                          hint="run k starts from initial_precision(seeds[k]) and samples with seed=seeds[k]")
            x = match[0]["x"]
            if not (np.allclose(x, np.arange(PLOT_ITER + 1)) or np.allclose(x, np.arange(1, PLOT_ITER + 2))):
                fail_text(f"{where} plots the run of seed {seed} against x = {short(x)}; expected the "
                          f"iterations 0, 1, ..., {PLOT_ITER}.")
