# Exercise set session1/precision_sgd: fill in every `raise NotImplementedError()`.
# Check your work: nndl-grade precision_sgd.py --set precision_sgd
# (generated from the course solutions by `nndl build`; do not edit the cell headers)

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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# **Initial points.** How did you choose the random initial points so that
# the optimization is numerically stable, and why?


# %% [markdown] answer=initial_points
# YOUR ANSWER HERE


# %% [markdown]
# **(b), (c) Report.** Show the three figures and give the estimation errors
# $\|\boldsymbol{\Sigma}^{-1} - \hat{\mathbf{P}}\|^2$ of the nine runs as raw
# numbers.  What do the step sizes imply?


# %% [markdown] answer=sgd_report
# YOUR ANSWER HERE
