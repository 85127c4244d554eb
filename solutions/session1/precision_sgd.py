# %% [markdown]
# # SGD for the precision matrix of a Gaussian
#
# Session 1, §2 *Optimization*, computer assignment 2.
#
# We draw $N = 1000$ points from the bivariate Gaussian
#
# $$\boldsymbol{\mu} = (0, 0), \qquad
#   \boldsymbol{\Sigma} = \begin{pmatrix} 1 & 0.5 \\ 0.5 & 1 \end{pmatrix}$$
#
# and estimate the *precision* matrix $\mathbf{P} = \boldsymbol{\Sigma}^{-1}$
# by maximising the log-likelihood of the whole data set with stochastic
# gradient ascent.  With $\mathbf{S} = \sum_i \mathbf{x}_i\mathbf{x}_i^T =
# \mathbf{X}^T\mathbf{X}$ (the data are rows of $\mathbf{X}$, $d = 2$):
#
# $$\log L(\mathbf{P}) = \frac{N}{2}\log\det\mathbf{P}
#   - \frac{1}{2}\sum_{i=1}^N \mathbf{x}_i^T\mathbf{P}\mathbf{x}_i - \frac{Nd}{2}\log 2\pi
#   = \frac{N}{2}\log\det\mathbf{P} - \frac{1}{2}\operatorname{tr}(\mathbf{P}\mathbf{S})
#   - \frac{Nd}{2}\log 2\pi,$$
#
# $$\nabla \log L(\mathbf{P}) = \frac{1}{2}\sum_{i=1}^N \left(\mathbf{P}^{-1} - \mathbf{x}_i\mathbf{x}_i^T\right)
#   = \frac{1}{2}\left(N\mathbf{P}^{-1} - \mathbf{S}\right).$$
#
# The gradient is taken with respect to the four entries of $\mathbf{P}$ as
# free variables, evaluated at a symmetric $\mathbf{P}$ (the sheet's
# formula (9)).
#
# Implement the functions below with numpy (and `scipy.stats` for the
# sample).  Never modify the inputs, and never use numpy's global random state
# (`np.random.seed`): every random choice comes from
# `np.random.default_rng(seed)`.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
import scipy.stats as sps

#: The true parameters of the data distribution (sheet, equation 8).
MEAN = np.zeros(2)
COV = np.array([[1.0, 0.5], [0.5, 1.0]])

# %% [markdown]
# ## The data
#
# Draw the sample with `scipy.stats.multivariate_normal`, passing
# `random_state=np.random.default_rng(seed)` so that a seed reproduces it.

# %% solution
def sample_data(n=1000, seed=0):
    """``n`` points from the Gaussian with mean ``MEAN`` and covariance ``COV``.

    Drawn with ``scipy.stats.multivariate_normal.rvs(mean=MEAN, cov=COV, size=n,
    random_state=np.random.default_rng(seed))``.

    Parameters
    ----------
    n : int, number of points
    seed : int, seed of the generator

    Returns
    -------
    ndarray, shape (n, 2), float: one point per row (also for n = 1)
    """
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    x = sps.multivariate_normal.rvs(mean=MEAN, cov=COV, size=n, random_state=rng)
    return np.asarray(x, dtype=np.float64).reshape(n, 2)
    ### END SOLUTION


# %% [markdown]
# ## The objective and its gradient
#
# Compute both from the sufficient statistic $\mathbf{S} = \mathbf{X}^T\mathbf{X}$
# (no Python loop over the data) and use `np.linalg.slogdet` for
# $\log\det\mathbf{P}$.

# %% solution
def log_likelihood(P, X):
    """Log-likelihood of the whole data set as a function of the precision matrix.

    ``N/2 log det P - 1/2 sum_i x_i^T P x_i - (N d / 2) log(2 pi)``, computed as
    ``N/2 log det P - 1/2 tr(P S) - N d/2 log(2 pi)`` with ``S = X^T X``.

    Parameters
    ----------
    P : ndarray, shape (d, d), symmetric positive definite precision matrix
    X : ndarray, shape (N, d), one data point per row (mean zero model)

    Returns
    -------
    float
    """
    ### BEGIN SOLUTION
    P = np.asarray(P, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    n, d = X.shape
    S = X.T @ X
    _, logdet = np.linalg.slogdet(P)
    return float(0.5 * n * logdet - 0.5 * np.sum(P * S) - 0.5 * n * d * math.log(2.0 * math.pi))
    ### END SOLUTION


def grad_log_likelihood(P, X):
    """Gradient of :func:`log_likelihood` with respect to ``P``: ``1/2 (N P^{-1} - X^T X)``.

    This is ``1/2 sum_i (P^{-1} - x_i x_i^T)`` (sheet, equation 9): the
    derivative with respect to each entry ``P[i, j]`` taken as a free variable,
    evaluated at a symmetric ``P``.

    Parameters
    ----------
    P : ndarray, shape (d, d), symmetric positive definite
    X : ndarray, shape (N, d)

    Returns
    -------
    ndarray, shape (d, d), float, symmetric
    """
    ### BEGIN SOLUTION
    P = np.asarray(P, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    return 0.5 * (X.shape[0] * np.linalg.inv(P) - X.T @ X)
    ### END SOLUTION


# %% [markdown]
# ## Initial points
#
# The gradient contains $\mathbf{P}^{-1}$: the iteration is only defined, and
# only numerically stable, when $\mathbf{P}$ stays symmetric positive definite
# and far from singular.  Draw random initial points accordingly.

# %% solution
def initial_precision(seed):
    """A random, well-conditioned symmetric positive definite 2 x 2 matrix.

    ``Q diag(lam) Q^T`` with a uniformly random rotation ``Q`` and eigenvalues
    ``lam`` uniform in [0.5, 2] (condition number at most 4), drawn from
    ``np.random.default_rng(seed)``.

    Parameters
    ----------
    seed : int

    Returns
    -------
    ndarray, shape (2, 2), float, symmetric positive definite
    """
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    theta = rng.uniform(0.0, np.pi)
    lam = rng.uniform(0.5, 2.0, size=2)
    q = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    p = (q * lam) @ q.T
    return 0.5 * (p + p.T)
    ### END SOLUTION


# %% [markdown]
# ## Stochastic gradient ascent
#
# One step uses one data point $\mathbf{x}_i$, drawn uniformly *with
# replacement*:
#
# $$\mathbf{P}_{t+1} = \mathbf{P}_t + \eta\,\frac{1}{2}\left(\mathbf{P}_t^{-1} - \mathbf{x}_i\mathbf{x}_i^T\right).$$
#
# Record the whole-data log-likelihood before the first step and after every
# step.  Precompute $\mathbf{S}$ once so that a step costs $O(1)$, not $O(N)$.

# %% solution
def sgd_precision(X, P0, step_size, n_iter=10_000, seed=0):
    """Stochastic gradient ascent on :func:`log_likelihood`, one sample per step.

    ``P_{t+1} = P_t + step_size * 1/2 (P_t^{-1} - x_i x_i^T)`` where the row
    ``i`` of each step is drawn uniformly with replacement from
    ``rng = np.random.default_rng(seed)`` (for speed, draw all ``n_iter`` indices
    up front, e.g. ``rng.integers(0, N, size=n_iter)``).  The data enter the
    objective only through ``S = X^T X``: compute it once, so that a step costs
    O(1), not O(N).

    Parameters
    ----------
    X : ndarray, shape (N, 2), the data, one point per row
    P0 : ndarray, shape (2, 2), symmetric positive definite initial point
    step_size : float, >= 0
    n_iter : int, number of steps
    seed : int, seed of the sample indices

    Returns
    -------
    P_hat : ndarray, shape (2, 2), float, the final (symmetric) iterate
    objective : ndarray, shape (n_iter + 1,), float: the whole-data
        log-likelihood at ``P0`` (entry 0) and after each step
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=np.float64)
    P0 = np.asarray(P0, dtype=np.float64)
    n = X.shape[0]
    idx = np.random.default_rng(seed).integers(0, n, size=n_iter)
    half = 0.5 * float(step_size)
    xs = X[idx]
    # Per-step constant parts of the update, -step/2 x x^T, as Python floats.
    q11 = (-half * xs[:, 0] * xs[:, 0]).tolist()
    q12 = (-half * xs[:, 0] * xs[:, 1]).tolist()
    q22 = (-half * xs[:, 1] * xs[:, 1]).tolist()
    # P = [[a, b], [b, c]]; its inverse is [[c, -b], [-b, a]] / (a c - b^2).
    a, b, c = float(P0[0, 0]), 0.5 * float(P0[0, 1] + P0[1, 0]), float(P0[1, 1])
    A, B, C = [a], [b], [c]
    for u, v, w in zip(q11, q12, q22):
        h = half / (a * c - b * b)
        a, b, c = a + h * c + u, b - h * b + v, c + h * a + w
        A.append(a)
        B.append(b)
        C.append(c)
    A, B, C = np.array(A), np.array(B), np.array(C)
    S = X.T @ X
    det = A * C - B * B
    with np.errstate(invalid="ignore", divide="ignore"):  # a diverged run gives nan, not a crash
        logdet = np.where(det > 0, np.log(np.where(det > 0, det, 1.0)), np.nan)
    objective = (0.5 * n * logdet - 0.5 * (A * S[0, 0] + 2.0 * B * S[0, 1] + C * S[1, 1])
                 - n * math.log(2.0 * math.pi))
    return np.array([[a, b], [b, c]]), objective
    ### END SOLUTION


# %% [markdown]
# ## Estimation error
#
# $$\|\boldsymbol{\Sigma}^{-1} - \hat{\mathbf{P}}\|_F^2$$

# %% solution
def estimation_error(P_hat, cov):
    """Squared Frobenius distance between the true precision and the estimate.

    Parameters
    ----------
    P_hat : ndarray, shape (d, d), estimated precision
    cov : ndarray, shape (d, d), true covariance (invertible)

    Returns
    -------
    float: ``||cov^{-1} - P_hat||_F^2``
    """
    ### BEGIN SOLUTION
    diff = np.linalg.inv(np.asarray(cov, dtype=np.float64)) - np.asarray(P_hat, dtype=np.float64)
    return float(np.sum(diff * diff))
    ### END SOLUTION


# %% [markdown]
# ## (a), (b): the nine runs
#
# Return one figure per step size; each shows the whole-data log-likelihood
# against the iteration for the runs from all initial points.  Run ``k`` starts
# from ``initial_precision(seeds[k])`` and draws its samples with
# ``seed=seeds[k]``.

# %% solution
def plot_objectives(X, step_sizes=(1e-5, 1e-4, 1e-3), seeds=(0, 1, 2), n_iter=10_000):
    """One figure per step size with the objective of every run, one line per run.

    Run ``k`` is ``sgd_precision(X, initial_precision(seeds[k]), step_size,
    n_iter, seed=seeds[k])``; its line is ``objective`` against the iteration
    ``0, 1, ..., n_iter``.  Axes labels "Iteration" and "Log-likelihood"; the
    title names the step size.

    Parameters
    ----------
    X : ndarray, shape (N, 2)
    step_sizes : sequence of float
    seeds : sequence of int, one run per seed
    n_iter : int

    Returns
    -------
    list of matplotlib.figure.Figure, one per step size (in order)
    """
    ### BEGIN SOLUTION
    figures = []
    iterations = np.arange(n_iter + 1)
    for step in step_sizes:
        fig, ax = plt.subplots(figsize=(6, 4))
        for seed in seeds:
            _, objective = sgd_precision(X, initial_precision(seed), step, n_iter, seed=seed)
            ax.plot(iterations, objective, label=f"initial point {seed}")
        ax.set_xlabel("Iteration")
        ax.set_ylabel("Log-likelihood")
        ax.set_title(f"Step size {step:g}")
        ax.legend()
        figures.append(fig)
    return figures
    ### END SOLUTION


# %% [markdown]
# **Initial points.** How did you choose the random initial points so that
# the optimization is numerically stable, and why?

# %% [markdown] answer=initial_points
# ### BEGIN SOLUTION
# The iterate must be a valid precision matrix: **symmetric positive
# definite**.  The update contains $\mathbf{P}_t^{-1}$ (and the objective
# $\log\det\mathbf{P}_t$), so a singular or nearly singular $\mathbf{P}_t$
# gives a huge, badly rounded inverse and a huge step that can leave the
# positive definite cone, after which $\log\det$ is undefined and the run
# diverges.  A non-symmetric start would also stay non-symmetric forever,
# since every update $\frac{1}{2}(\mathbf{P}^{-1} - \mathbf{x}\mathbf{x}^T)$
# is symmetric only if $\mathbf{P}$ is.
#
# So draw $\mathbf{P}_0 = \mathbf{Q}\operatorname{diag}(\lambda_1, \lambda_2)\mathbf{Q}^T$
# with a random rotation $\mathbf{Q}$ and eigenvalues $\lambda_k$ uniform in
# $[0.5, 2]$: symmetric, positive definite, **well conditioned**
# (condition number $\le 4$, so $\mathbf{P}^{-1}$ is accurate) and of
# **moderate scale**, comparable to the true precision (eigenvalues $2/3$ and
# $2$), so the first steps $\eta\frac{1}{2}(\mathbf{P}^{-1} - \mathbf{x}\mathbf{x}^T)$
# are small relative to $\mathbf{P}$ and cannot push an eigenvalue through
# zero.  A random Gaussian matrix (not symmetric, not definite) or
# $\mathbf{A}\mathbf{A}^T$ (possibly nearly singular) are bad choices.
# ### END SOLUTION

# %% [markdown]
# **(b), (c) Report.** Show the three figures and give the estimation errors
# $\|\boldsymbol{\Sigma}^{-1} - \hat{\mathbf{P}}\|^2$ of the nine runs as raw
# numbers.  What do the step sizes imply?

# %% [markdown] answer=sgd_report
# ### BEGIN SOLUTION
# Data `sample_data(1000, seed=0)`; run $k$ starts from
# `initial_precision(k)` and samples with `seed=k`, 10 000 iterations each;
# $\boldsymbol{\Sigma}^{-1} = \frac{1}{3}\begin{pmatrix} 4 & -2 \\ -2 & 4\end{pmatrix}$.
# Estimation errors $\|\boldsymbol{\Sigma}^{-1} - \hat{\mathbf{P}}\|_F^2$
# (the errors of the three initial points are 1.3214, 1.5009 and 0.1594):
#
# | step size | run 0 | run 1 | run 2 |
# |---|---|---|---|
# | $10^{-5}$ | 1.24019 | 1.38736 | 0.14333 |
# | $10^{-4}$ | 0.76787 | 0.68390 | 0.06499 |
# | $10^{-3}$ | 0.02845 | 0.00978 | 0.00186 |
#
# For comparison, the exact maximiser of the likelihood of this sample,
# $\hat{\mathbf{P}}_{\text{ML}} = (\mathbf{S}/N)^{-1}$, has error 0.00781
# (log-likelihood $-2694.28$; the $10^{-3}$ runs end at $-2698.2$, $-2696.7$,
# $-2694.9$).  No run can be expected to do systematically better: with a
# finite sample the maximiser itself is off by that much, and the
# $10^{-3}$ runs scatter around it.
#
# * $\eta = 10^{-5}$: far too small.  10 000 steps are only
#   $10^4 \cdot 10^{-5} = 0.1$ units of "gradient time"; the objective rises
#   slowly and smoothly (by 6 to 23 nats) and is still far from its maximum;
#   the errors fall by only 6-10 %.
# * $\eta = 10^{-4}$: the runs move towards the maximum but have not
#   converged after 10 000 steps (1 unit of time; the slowest direction
#   relaxes at rate $\frac{1}{2}\mu_{\min}^2 = 0.125$ for the smallest
#   covariance eigenvalue $\mu_{\min} = 0.5$); the errors fall by 40-60 %.
# * $\eta = 10^{-3}$: fast.  The objective reaches the maximum within a few
#   thousand steps and the errors are at the level of the exact maximiser;
#   after that the curves fluctuate visibly around the maximum, because each
#   step follows the gradient of a single random point: the
#   stochastic-gradient noise grows with the step size.  A larger step would
#   be faster still but noisier (and eventually unstable, leaving the
#   positive definite cone); a smaller one smoother but slower.  A
#   decreasing step size combines both.
# ### END SOLUTION
