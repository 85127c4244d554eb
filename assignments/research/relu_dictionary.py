# Exercise set research/relu_dictionary: fill in every `raise NotImplementedError()`.
# Check your work: nndl-grade relu_dictionary.py --set relu_dictionary
# (generated from the course solutions by `nndl build`; do not edit the cell headers)

# %% [markdown]
# # A library of mirrors: deep networks on 1-D data are LASSO models
#
# Research seminar, after T. Zeger, Y. Wang, M. Pilanci, *A Library of Mirrors:
# Deep Neural Nets in Low Dimensions are Convex Lasso Models with Reflection
# Features* (2024, arXiv:2403.01046; their code: `pilancilab/1d-convex-nn`).
#
# Training a deep ReLU or absolute-value network with weight decay on 1-D data
# $x_1, \dots, x_N$ with targets $y_1, \dots, y_N$ is equivalent to a LASSO
#
# $$\min_{\mathbf z}\ \frac{1}{2N}\|\mathbf y - \mathbf A\mathbf z\|_2^2 + \lambda\|\mathbf z\|_1$$
#
# over a **fixed dictionary** $\mathbf A$ whose columns are features built from
# the data points: every column is one neuron (a composition of width-one
# layers) with its breakpoints at the data, and the network is
# $f(x) = \sum_j z_j\,\mathbf A_j(x)$.  You build the dictionaries of the
# paper, solve the LASSO with scikit-learn, read the network off the solution,
# and measure how dictionary size and solve time grow with $N$.
#
# Conventions used throughout (the grader relies on them):
#
# * `x_data` is a 1-D array of $N$ data points (any order, float or int);
#   $s_1 \le \dots \le s_N$ is `np.sort(x_data)`.  A dictionary is evaluated at
#   points `x` (1-D, any order; `x=None` means `x_data` itself, in its order):
#   **row $i$ belongs to `x[i]`**, column $j$ to one feature.  The order of the
#   columns is the one stated in each docstring (the grader accepts any order,
#   but `network` and `breakpoints` must use the same one as your dictionaries);
# * every function returns float64 numpy arrays, also for integer input, and
#   never modifies its inputs;
# * build dictionaries **vectorised**: broadcasting (`x[:, None] - s[None, :]`),
#   no Python loop over matrix entries.
#
# **Where this reference departs from the seed notebook** (the seminar
# notebook this set grew from; its code is quoted in the bench,
# `bench/relu_dictionary.py`, and reproduced by `seed_dictionary` below):
#
# 1. *L = 3 ReLU dictionary.*  The seed's "capped ramps" are
#    $\mathrm{relu}(\mathrm{relu}(\pm(x - s_k)) - s_j)$: ramps **shifted** to
#    $s_k \pm s_j$ (sums and differences of data values, which move when the
#    origin of $x$ moves), never capped, $2N + 2N^2$ columns.  Here: the paper's
#    ramps and capped ramps $\mathrm{Ramp}^\pm_{s_i, s_j}$ between data points,
#    $N(N+1)$ columns.
# 2. *Absolute-value dictionary.*  The seed's (in its own words "not fully
#    correct") dictionary starts from ReLU ramps, adds $|\text{ramp} - s_j|$ (a
#    data *value* used as a distance) and $0.1\,\mathrm{relu}(\text{ramp} - s_j)$
#    (a scaled ReLU, not a leaky one): $2N + 4N^2$ columns.  Here: $|x - s_j|$
#    for $L = 2$ and the reflection features
#    $\big||x - s_i| - |s_j - s_i|\big|$ for $L = 3$, $N^2$ columns.  (The
#    seed's docstring gives the growth $O(N^{L-1} 2^L L!)$; the counts here are
#    exact closed forms, `dictionary_size`.)
# 3. *Precision.*  The seed stores its first $2N$ columns in float32 (relative
#    error ~1e-7) and mixes them with float64; here everything is float64.
# 4. *Capped ramps for integer input.*  The seed's `np.piecewise` returns the
#    dtype of `x`: for integer `x` it truncates $x - a_1$ and $a_2 - a_1$ to
#    integers.  `ramp_plus`/`ramp_minus` return float64 and broadcast.
# 5. *Solve-time experiment.*  The seed timed one fit per $N$ (with the global
#    `np.random` stream and a sliding median over *different* $N$); here every
#    $N$ is an independent run with its own seed (`nndl.simulate.run_seed`),
#    one untimed warm-up fit, then the **median over repeated fits** of the
#    fit's CPU time (`time.process_time`, insensitive to other processes; the
#    wall-clock times are recorded too), with the growth exponents fitted on a
#    log-log scale and shown in the legend.  The
#    seed's configuration (its 30 values of $N$, $L = 3$, $\lambda = 0.1$,
#    `tol=1e-4`, `max_iter=10000`, $x \sim U[0, 10)$, $y \sim \mathcal N(0, 1)$)
#    is the default; convergence is recorded instead of ignored.
# 6. *"Stock price" illustrations.*  The seed drew hand-made polylines ("no
#    optimization is performed"); here they are real LASSO fits on the seed's
#    points $(0, 0), (2, 0), (3, 4), (8, 5)$, with the breakpoints computed from
#    the coefficients and marked (data points vs. reflections), with
#    $\lambda = 0.01$ and `tol=1e-10`.
# 7. *Optimality.*  The seed never checked the LASSO solution; here its KKT
#    conditions are verified (and `duality_gap` reports the certificate).


# %%
import functools
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import Lasso

#: The seed's "stock price" data points (days and prices).
STOCK_X = np.array([0.0, 2.0, 3.0, 8.0])
STOCK_Y = np.array([0.0, 0.0, 4.0, 5.0])
#: The seed's values of N: sorted(random.sample(range(3, 35), 30)) after random.seed(42).
SEED_N_VALUES = [3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
                 28, 30, 31, 32, 33, 34]
#: The two families of networks and their names in figures.
FAMILIES = {"relu": "ReLU", "abs": "absolute value"}


# %% [markdown]
# ## 1. Ramps
#
# A two-layer ReLU network $f(x) = \sum_k \alpha_k\,\mathrm{relu}(w_k x + b_k)$
# has, after rescaling each neuron to $|w_k| = 1$, the neurons
# $\mathrm{relu}(x - a)$ and $\mathrm{relu}(a - x)$.  The paper shows that the
# optimal breakpoints $a$ lie at data points, so the $L = 2$ dictionary is
#
# $$\mathbf A = \big[\ \mathrm{relu}(x_i - s_j)\ \big|\ \mathrm{relu}(s_j - x_i)\ \big]_{i, j}
#   \in \mathbb R^{n \times 2N}.$$
#
# `ramps(x_data, x=None)` returns this matrix: columns $0, \dots, N-1$ are
# $\mathrm{relu}(x - s_j)$, columns $N, \dots, 2N-1$ are $\mathrm{relu}(s_j - x)$.


# %% solution
def ramps(x_data, x=None):
    """Ramp features at the data points, evaluated at ``x``.

    Parameters
    ----------
    x_data : array_like, shape (N,)
        The data points; ``s = np.sort(x_data)``.
    x : array_like, shape (n,), optional
        Evaluation points (default: ``x_data``, in its order).

    Returns
    -------
    ndarray, shape (n, 2N), float64
        ``A[i, j] = relu(x[i] - s[j])`` and ``A[i, N + j] = relu(s[j] - x[i])``.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 2. Capped ramps
#
# For $a_1 \le a_2$ the *capped ramps* are
#
# $$\mathrm{Ramp}^+_{a_1, a_2}(x) = \mathrm{relu}(x - a_1) - \mathrm{relu}(x - a_2), \qquad
#   \mathrm{Ramp}^-_{a_1, a_2}(x) = \mathrm{relu}(a_2 - x) - \mathrm{relu}(a_1 - x):$$
#
# $\mathrm{Ramp}^+$ is $0$ left of $a_1$, rises with slope 1 and stays at
# $a_2 - a_1$ right of $a_2$; $\mathrm{Ramp}^-$ is its mirror image, and
# $\mathrm{Ramp}^+ + \mathrm{Ramp}^- = a_2 - a_1$.  Implement both elementwise:
# `x`, `a1` and `a2` broadcast together (so `ramp_plus(x[:, None], a1[None, :],
# a2[None, :])` evaluates many ramps at once), and the result is float64 even
# for integer arguments (the seed's `np.piecewise` version returns integers
# for integer `x`).


# %% solution
def ramp_plus(x, a1, a2):
    """Rising capped ramp ``relu(x - a1) - relu(x - a2)`` (requires a1 <= a2).

    Parameters
    ----------
    x, a1, a2 : array_like
        Broadcast together; ints are converted to float64.

    Returns
    -------
    ndarray of the broadcast shape, float64
        0 for x <= a1, x - a1 in between, a2 - a1 for x >= a2.

    Departs from the seed's ``capped_ramp_plus`` (``np.piecewise``): float64 also for integer
    ``x`` (the seed keeps x's dtype and truncates), and array breakpoints broadcast.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def ramp_minus(x, a1, a2):
    """Falling capped ramp ``relu(a2 - x) - relu(a1 - x)`` (requires a1 <= a2).

    Parameters
    ----------
    x, a1, a2 : array_like
        Broadcast together; ints are converted to float64.

    Returns
    -------
    ndarray of the broadcast shape, float64
        a2 - a1 for x <= a1, a2 - x in between, 0 for x >= a2;
        ``ramp_plus(x, a1, a2) + ramp_minus(x, a1, a2) == a2 - a1``.

    Departs from the seed's ``capped_ramp_minus`` as :func:`ramp_plus` does.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 3. The dictionaries of deep narrow networks
#
# A *deep narrow* network of depth $L$ is a sum of neurons, each a chain of
# width-one layers, $f(x) = \sum_k \alpha_k\, h_k(x)$ with
# $h(x) = \sigma(w_{L-1}\,\sigma(\cdots\sigma(w_1 x + b_1)\cdots) + b_{L-1})$.
# For $L = 3$ and the ReLU, rescaling the weights to $\pm 1$ leaves
# $h(x) = \mathrm{relu}\big(\epsilon_2(\mathrm{relu}(\epsilon_1(x - a)) - b)\big)$ with
# signs $\epsilon_1, \epsilon_2 \in \{\pm 1\}$.  Work out which functions these are for every sign
# combination and every $b$ (answer below): you find ramps and capped ramps,
# and with the paper's result that optimal breakpoints sit at data points the
# $L = 3$ ReLU dictionary is
#
# * the $2N$ ramps of `ramps`, then
# * $\mathrm{Ramp}^+_{s_i, s_j}$ for all pairs $i < j$ (in the order of
#   `np.triu_indices(N, 1)`), then
# * $\mathrm{Ramp}^-_{s_i, s_j}$ for the same pairs,
#
# $2N + N(N-1) = N(N+1)$ columns.  For the absolute value the $L = 2$
# dictionary is $|x - s_j|$ ($N$ columns) and the $L = 3$ one adds the
# *reflection features* $\big||x - s_i| - |s_j - s_i|\big|$ for all ordered
# pairs $i \ne j$ (in row-major order of $(i, j)$): $N + N(N-1) = N^2$
# columns.  In closed form, for $L \in \{2, 3\}$,
#
# $$M_{\mathrm{relu}}(N, L) = 2N + (L - 2)\,N(N-1), \qquad M_{\mathrm{abs}}(N, L) = N + (L - 2)\,N(N-1).$$
#
# Duplicate data points are kept (a duplicate gives a repeated or a zero
# column), so the counts hold for every $N \ge 1$.


# %% [markdown] answer=capped_ramp_derivation
# Derive the $L = 3$ ReLU features: for each $\epsilon_1, \epsilon_2 \in \{\pm 1\}$ and
# each $b \in \mathbb R$, which function is
# $\mathrm{relu}\big(\epsilon_2(\mathrm{relu}(\epsilon_1(x - a)) - b)\big)$?  What does
# one more layer of the same kind add?
#
# YOUR ANSWER HERE


# %% solution
def dictionary_size(N, L, family):
    """Number of columns of the depth-``L`` dictionary of ``N`` data points, in closed form.

    Parameters
    ----------
    N : int, number of data points (>= 1)
    L : int, depth, 2 or 3
    family : {"relu", "abs"}

    Returns
    -------
    int
        ``2N + (L - 2) N (N - 1)`` for "relu", ``N + (L - 2) N (N - 1)`` for "abs".

    Raises
    ------
    ValueError
        For another ``L`` or ``family``.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% solution
def relu_dictionary(x_data, L=2, x=None):
    """The dictionary of depth-``L`` deep narrow ReLU networks on ``x_data``, evaluated at ``x``.

    Parameters
    ----------
    x_data : array_like, shape (N,)
    L : int, 2 or 3
    x : array_like, shape (n,), optional (default ``x_data``)

    Returns
    -------
    ndarray, shape (n, dictionary_size(N, L, "relu")), float64
        L = 2: ``ramps(x_data, x)``.  L = 3: those 2N columns, then
        ``Ramp+_{s_i, s_j}(x)`` for the pairs ``i, j = np.triu_indices(N, 1)``, then
        ``Ramp-_{s_i, s_j}(x)`` for the same pairs (``s = np.sort(x_data)``).

    Raises
    ------
    ValueError
        For L other than 2 or 3.

    Departs from the seed's ``build_deep_narrow_relu_dictionary`` (``seed_dictionary(...,
    "relu")``): its L = 3 columns are shifted ramps ``relu(relu(+-(x - s_k)) - s_j)``, 2N + 2N^2
    of them, and its ramps are float32; here capped ramps between data points, float64.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 4. Absolute-value networks: reflection features
#
# With $\sigma(u) = |u|$ the $L = 2$ neurons are $|x - a|$, and the $L = 3$
# neurons $\big||x - a| - b\big|$ have three breakpoints, $a - b$, $a$ and
# $a + b$.  The paper shows that at an optimum $a$ is a data point $s_i$ and
# $a \pm b$ another one, $s_j$: the third breakpoint is then the
# **reflection** $2s_i - s_j$ of $s_j$ in the mirror $s_i$, usually not a data
# point at all.  `abs_dictionary(x_data, L, x)` returns $|x - s_j|$ for
# $L = 2$ and, for $L = 3$, these $N$ columns followed by
# $\big||x - s_i| - |s_j - s_i|\big|$ for the $N(N - 1)$ ordered pairs
# $i \ne j$ (row-major: $i$ slow, $j$ fast).


# %% [markdown] answer=reflection_features
# Why are the breakpoints of a fitted absolute-value network with $L = 3$ at
# data points *and their reflections*, and why does the $L = 3$ dictionary
# have exactly $N^2$ columns?  Which breakpoints can the seed's
# "exponential" dictionary produce?
#
# YOUR ANSWER HERE


# %% solution
def abs_dictionary(x_data, L=2, x=None):
    """The dictionary of depth-``L`` deep narrow absolute-value networks, evaluated at ``x``.

    Parameters
    ----------
    x_data : array_like, shape (N,)
    L : int, 2 or 3
    x : array_like, shape (n,), optional (default ``x_data``)

    Returns
    -------
    ndarray, shape (n, dictionary_size(N, L, "abs")), float64
        L = 2: ``|x - s_j|``.  L = 3: those N columns, then ``||x - s_i| - |s_j - s_i||``
        for the ordered pairs i != j, row-major (``s = np.sort(x_data)``).

    Raises
    ------
    ValueError
        For L other than 2 or 3.

    Departs from the seed's ``build_exponential_dictionary`` (``seed_dictionary(..., "abs")``):
    that one starts from float32 ReLU ramps and adds ``|R_m(x) - s_k|`` and
    ``0.1 relu(R_m(x) - s_k)``, 2N + 4N^2 columns; here the paper's |x - s_j| and reflection
    features, N^2 columns for L = 3.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 5. The seed's matrices
#
# `seed_dictionary` (given) builds exactly the seed's two matrices, value for
# value, vectorised: `family="relu"` is its `build_deep_narrow_relu_dictionary`
# ("polynomial"), `family="abs"` its `build_exponential_dictionary`
# ("exponential").  `bench/relu_dictionary.py` checks that it equals the
# seed's element-by-element loops and times both.  Compare its columns with
# yours (e.g. plot a few against a fine grid of $x$ with
# `seed_dictionary(x_data, 3, "relu", x=grid)`) and write down what the seed
# did differently.


# %%
@functools.cache
def _seed_kernels():
    """Compiled fillers for the seed's L = 3 blocks (numba, compiled on first use)."""
    from numba import njit, prange

    @njit(parallel=True, cache=False)
    def shifted_ramps(base, s, count, out, offset):  # pragma: no cover - compiled
        # out[:, offset + m N + k] = max(base[:, m] - s[k], 0); out is zero-filled (np.zeros maps
        # untouched pages lazily), columns k >= count[m] are entirely zero and never written.
        n, m_cols = base.shape
        big_n = s.shape[0]
        for m in prange(m_cols):
            first = offset + m * big_n
            for k in range(count[m]):
                for i in range(n):
                    v = base[i, m] - s[k]
                    if v > 0.0:
                        out[i, first + k] = v

    @njit(parallel=True, cache=False)
    def abs_and_scaled_relu(base, s, out, offset):  # pragma: no cover - compiled
        # interleaved as the seed appends them: |base[:, m] - s[k]|, max(0, 0.1 (base[:, m] - s[k]))
        n, m_cols = base.shape
        big_n = s.shape[0]
        for m in prange(m_cols):
            first = offset + 2 * m * big_n
            for k in range(big_n):
                for i in range(n):
                    v = base[i, m] - s[k]
                    out[i, first + 2 * k] = abs(v)
                    w = 0.1 * v
                    if w > 0.0:
                        out[i, first + 2 * k + 1] = w

    return shifted_ramps, abs_and_scaled_relu


def seed_dictionary(x_data, L=3, family="relu", x=None):
    """The seed notebook's dictionary, value for value (vectorised; given, not graded).

    ``family="relu"``: the seed's ``build_deep_narrow_relu_dictionary`` -- the 2N ramps
    ``max(0, x - s_j)``, ``max(0, s_j - x)`` stored in **float32**, and for L = 3 the
    "capped ramps" ``max(0, R_m(x) - s_k)`` for every ramp column m and data point k
    (m slow, k fast): 2N + 2N^2 columns.
    ``family="abs"``: the seed's ``build_exponential_dictionary`` -- the same float32 ramps,
    and for L = 3 the pairs ``|R_m(x) - s_k|``, ``max(0, 0.1 (R_m(x) - s_k))`` (interleaved):
    2N + 4N^2 columns.  L = 2 returns the float32 ramps (the seed's dtype); L = 3 float64
    (NumPy 2 promotes float32 minus a float64 scalar to float64), Fortran-ordered.

    Parameters
    ----------
    x_data : array_like, shape (N,); x : array_like, shape (n,), optional (default x_data)
    L : 2 or 3; family : "relu" or "abs"
    """
    data = np.asarray(x_data, dtype=np.float64).reshape(-1)
    s = np.sort(data)
    t = data if x is None else np.asarray(x, dtype=np.float64).reshape(-1)
    if L not in (2, 3) or family not in FAMILIES:
        raise ValueError(f"the seed's dictionaries are reproduced for L in (2, 3) and family in "
                         f"{sorted(FAMILIES)}, got L={L!r}, family={family!r}")
    diff = t[:, None] - s[None, :]
    base32 = np.concatenate([np.maximum(diff, 0.0), np.maximum(-diff, 0.0)], axis=1).astype(np.float32)
    if L == 2:
        return base32
    base = base32.astype(np.float64)
    n, m_cols, N = t.size, base.shape[1], s.size
    shifted_ramps, abs_and_scaled_relu = _seed_kernels()
    width = m_cols + (1 if family == "relu" else 2) * m_cols * N
    out = np.zeros((n, width), order="F")
    out[:, :m_cols] = base
    import numba

    threads = numba.get_num_threads()
    # Waking the worker threads costs more than it saves below ~64 MB (and much more on a busy machine).
    numba.set_num_threads(threads if out.size >= 2**23 else 1)
    try:
        if family == "relu":
            # column (m, k) is non-zero iff s[k] < max_i base[i, m]
            count = np.searchsorted(s, base.max(axis=0, initial=0.0), side="left").astype(np.int64)
            shifted_ramps(base, s, count, out, m_cols)
        else:
            abs_and_scaled_relu(base, s, out, m_cols)
    finally:
        numba.set_num_threads(threads)
    return out


# %% [markdown] answer=seed_differences
# List what the seed's two dictionaries do differently from the paper's, with
# the column counts of both, and say what a LASSO fit on the seed's $L = 3$
# ReLU dictionary would look like on the stock data.
#
# YOUR ANSWER HERE


# %% [markdown]
# ## 6. The LASSO
#
# `fit_lasso(A, y, lam, tol, max_iter)` solves
# $\min_{\mathbf z} \frac{1}{2N}\|\mathbf y - \mathbf A\mathbf z\|_2^2 + \lambda\|\mathbf z\|_1$
# ($N$ = number of rows) with `sklearn.linear_model.Lasso(alpha=lam,
# fit_intercept=False, tol=tol, max_iter=max_iter)` and returns the
# coefficients.  No intercept: the dictionaries already span constants and
# linear functions on the data (e.g.
# $\mathrm{relu}(x - s_1) - \mathrm{relu}(s_N - x) = 2x - s_1 - s_N$ up to a
# constant, and $|x - s_1| + |x - s_N| = s_N - s_1$ on $[s_1, s_N]$), and the
# seed fits without one.
#
# Its optimality (KKT) conditions, with residual $\mathbf r = \mathbf y - \mathbf A\mathbf z$:
#
# $$\tfrac1N|\mathbf A_j^T\mathbf r| \le \lambda \ \text{for every column } j, \qquad
#   \tfrac1N\mathbf A_j^T\mathbf r = \lambda\,\mathrm{sign}(z_j) \ \text{where } z_j \ne 0.$$
#
# scikit-learn's coordinate descent stops once its duality gap for
# $\frac12\|\mathbf y - \mathbf A\mathbf z\|^2 + N\lambda\|\mathbf z\|_1$ is at
# most `tol`$\,\cdot\,\|\mathbf y\|^2$; `duality_gap` (given) computes that
# certificate, divided by $N$, for any $\mathbf z$.


# %% solution
def fit_lasso(A, y, lam, tol=1e-8, max_iter=100_000):
    """LASSO coefficients of ``min (1/(2N)) ||y - A z||^2 + lam ||z||_1`` (scikit-learn, no intercept).

    Parameters
    ----------
    A : array_like, shape (N, M), the dictionary (rows: data points)
    y : array_like, shape (N,), the targets
    lam : float > 0, the regularisation strength (``Lasso(alpha=lam)``)
    tol : float, scikit-learn's stopping tolerance (duality gap <= tol * ||y||^2)
    max_iter : int, maximal number of coordinate-descent sweeps

    Returns
    -------
    ndarray, shape (M,), float64: the coefficients ``z``

    As the seed: ``Lasso(alpha=lam, fit_intercept=False)``.  Departs from it: ``tol`` and
    ``max_iter`` are the caller's (the seed used the defaults 1e-4 and 10000 and ignored
    convergence warnings), and the result is checked through its KKT conditions.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
def duality_gap(A, y, z, lam):
    """scikit-learn's duality gap of ``z``, divided by N (given).

    For ``P(z) = 1/2 ||r||^2 + N lam ||z||_1``, ``r = y - A z``, and the dual point
    ``theta = c r`` with ``c = min(1, N lam / ||A^T r||_inf)``:
    ``gap = P(z) - (theta . y - 1/2 ||theta||^2) = N lam ||z||_1 - c r . A z + (1 - c)^2 ||r||^2 / 2``,
    a sum of non-negative terms; returns ``gap / N``, an upper bound on the suboptimality of
    ``z`` in the 1/(2N)-scaled objective.
    """
    A = np.asarray(A, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    z = np.asarray(z, dtype=np.float64).reshape(-1)
    n = y.size
    fitted = A @ z
    r = y - fitted
    corr = np.abs(A.T @ r).max(initial=0.0)
    c = 1.0 if corr <= n * lam else n * lam / corr
    gap = n * lam * np.abs(z).sum() - c * (r @ fitted) + 0.5 * (1.0 - c) ** 2 * (r @ r)
    return float(gap / n)


# %% [markdown]
# ## 7. The network as a function of $x$
#
# The fitted network is $f(x) = \sum_j z_j\,\mathbf A_j(x)$: evaluate the
# dictionary at new points.  It is piecewise linear; its breakpoints are
# where its slope changes, a subset of the breakpoints of the features with
# $z_j \ne 0$ (data points for ReLU, data points and reflections for the
# absolute value), minus those where the slope changes cancel.
#
# `breakpoints` returns them sorted, without repetitions, each exactly where
# $f$ bends (a slope change below $10^{-9}\sum_j|z_j|$ counts as rounding).


# %% solution
def network(x_data, z, x, family="relu", L=2):
    """The network ``f(x) = sum_j z_j A_j(x)`` of coefficients ``z`` on the dictionary of ``x_data``.

    Parameters
    ----------
    x_data : array_like, shape (N,), the data points defining the dictionary
    z : array_like, shape (M,), coefficients in the column order of your dictionary
    x : array_like, shape (n,), evaluation points
    family : "relu" (``relu_dictionary``) or "abs" (``abs_dictionary``)
    L : int, 2 or 3

    Returns
    -------
    ndarray, shape (n,), float64
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% solution
def breakpoints(x_data, z, family="relu", L=2):
    """The breakpoints of ``network(x_data, z, ., family, L)``: where its slope changes.

    Parameters
    ----------
    x_data, z, family, L : as in :func:`network`

    Returns
    -------
    ndarray, shape (k,), float64
        Sorted, distinct; each a point where the slope changes by more than
        ``1e-9 * sum(|z|)`` (smaller changes are rounding).
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def feature_kinks(x_data, family, L):
    """Breakpoints and slope changes of every column, in the dictionaries' column order.

    A helper for :func:`breakpoints` (not graded on its own: compute the breakpoints any way
    you like, e.g. numerically from ``network`` between candidate points).

    Returns ``(where, jump)``, both of shape (M, 3): column j's slope increases by ``jump[j, k]``
    at ``where[j, k]`` (unused entries have jump 0).
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 8. The fits, drawn
#
# `plot_fits(x_data, y, fits)` draws one axes per fit (in the order of
# `fits`, e.g. on a $2 \times 2$ grid for four fits), each with
#
# * the data as markers (`ax.plot(x_data, y, "o")`),
# * the network as one line of at least 50 points (`ax.plot(grid, f(grid))`),
#   on a grid covering the data and every breakpoint,
# * the breakpoints marked on the curve (`ax.plot(b, f(b), marker)`, one or
#   several such lines, e.g. data points and reflections in different
#   colours) or as vertical lines (`ax.axvline(b)`),
#
# and a title naming the family and $L$.  Return the figure.


# %% solution
def plot_fits(x_data, y, fits):
    """The fitted networks with their data and breakpoints, one axes per fit.

    Parameters
    ----------
    x_data, y : array_like, shape (N,), the data
    fits : list of dicts ``{"family": "relu" or "abs", "L": 2 or 3, "z": coefficients}``

    Returns
    -------
    matplotlib.figure.Figure
        Axes k (``fig.axes[k]``) shows fit k: the data (markers), the network on a grid of
        >= 50 points covering the data and all breakpoints, and the breakpoints marked.

    Departs from the seed's "stock price" plots, which drew hand-made polylines through
    chosen points ("no optimization is performed"): here the curves are fitted networks.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 9. Dictionary size and solve time
#
# `plot_solve_times(sweep)` draws, for each family in `sweep`, the number of
# columns $M$ against $N$ (left axes) and the **median** LASSO solve time
# over the repeated fits against $N$ (right axes), both on log-log scales,
# one line per family and axes.  Each line's legend label states its growth
# exponent $p$ in $M \propto N^p$ or $t \propto N^p$: the least-squares slope
# `np.polyfit(np.log(N), np.log(values), 1)[0]`, printed with two decimals.


# %% solution
def plot_solve_times(sweep):
    """Dictionary size and median LASSO solve time against N, per family, with growth exponents.

    Parameters
    ----------
    sweep : dict
        ``{family: {"N": int array (k,), "L": int, "columns": int array (k,),
        "times": float array (k, repeats)}}``; ``times[i]`` are the solve times in seconds
        of the repeated fits at ``N[i]``.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.axes[0]``: columns against N; ``fig.axes[1]``: median solve time against N;
        one line per family in each (x = N, y = columns or ``np.median(times, axis=1)``),
        labelled with the family, L and the fitted exponent (two decimals).

    Departs from the seed's figure, which plotted one timing per N smoothed by a sliding
    median over the last 10 values of N (different problem sizes), without the sizes.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown] answer=solve_time_discussion
# Run `nndl simulate relu_dictionary` (the seed's configuration) and discuss
# the `solve_times` figure: how do the dictionary sizes and the solve times
# grow with $N$, how do the two families compare, and what do the seed's
# single, window-smoothed timings hide?
#
# YOUR ANSWER HERE


# %%
from nndl.simulate import Run, Simulation, run_seed  # noqa: E402

#: The four fits on the seed's stock points, in the order of the stock_fits figure.
STOCK_FITS = (("relu", 2), ("relu", 3), ("abs", 2), ("abs", 3))


def _dictionary(family):
    return {"relu": relu_dictionary, "abs": abs_dictionary}[family]


def _validate(config):
    if not isinstance(config["n_values"], list) or len(set(config["n_values"])) < 2 or not all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in config["n_values"]):
        raise ValueError(f"n_values must be a list of at least two distinct positive integers, "
                         f"got {config['n_values']!r}")
    if config["L"] not in (2, 3):
        raise ValueError(f"L must be 2 or 3, got {config['L']!r}")
    for key in ("lam", "tol", "x_scale", "stock_lam", "stock_tol"):
        if not config[key] > 0:
            raise ValueError(f"{key} must be positive, got {config[key]!r}")
    for key in ("repeats", "max_iter"):
        if config[key] < 1:
            raise ValueError(f"{key} must be a positive integer, got {config[key]!r}")


def _sweep(config, seed):
    runs = [Run("stock", {"kind": "stock", "lam": config["stock_lam"], "tol": config["stock_tol"]})]
    for family in FAMILIES:
        for n in sorted(set(config["n_values"])):
            key = f"family={family},N={n}"
            runs.append(Run(key, {"kind": "timing", "family": family, "N": n, "L": config["L"],
                                  "lam": config["lam"], "tol": config["tol"], "max_iter": config["max_iter"],
                                  "repeats": config["repeats"], "x_scale": config["x_scale"],
                                  "seed": run_seed(seed, key)}))
    return runs


def run_experiment(params, ctx):
    """One run of the sweep: the four stock fits, or the timing of one (family, N)."""
    from sklearn.exceptions import ConvergenceWarning

    if params["kind"] == "stock":
        fits = []
        for family, L in STOCK_FITS:
            A = _dictionary(family)(STOCK_X, L)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ConvergenceWarning)
                z = fit_lasso(A, STOCK_Y, params["lam"], tol=params["tol"])
            fits.append({"family": family, "L": L, "z": z, "breakpoints": breakpoints(STOCK_X, z, family, L),
                         "gap": duality_gap(A, STOCK_Y, z, params["lam"]),
                         "converged": not any(issubclass(w.category, ConvergenceWarning) for w in caught)})
        return {"x": STOCK_X, "y": STOCK_Y, "fits": fits}

    rng = np.random.default_rng(params["seed"])
    n, repeats = params["N"], params["repeats"]
    x = params["x_scale"] * rng.random(n)  # the seed's data: x ~ U[0, 10), y ~ N(0, 1)
    y = rng.standard_normal(n)
    build = _dictionary(params["family"])
    build_times = []
    for _ in range(repeats):
        start = time.perf_counter()
        A = build(x, params["L"])
        build_times.append(time.perf_counter() - start)
    # Solve time = CPU time of this process (time.process_time): unlike the wall clock it does not
    # count the time the scheduler gives to other processes (the sweep's other workers included);
    # the wall-clock times are recorded beside it.
    times, wall_times = [], []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        z = fit_lasso(A, y, params["lam"], tol=params["tol"], max_iter=params["max_iter"])  # warm-up
        with ctx.progress(repeats, f"{params['family']}, N={n}") as bar:
            for _ in range(repeats):
                cpu, wall = time.process_time(), time.perf_counter()
                z = fit_lasso(A, y, params["lam"], tol=params["tol"], max_iter=params["max_iter"])
                times.append(time.process_time() - cpu)
                wall_times.append(time.perf_counter() - wall)
                bar.update(1)
    return {"family": params["family"], "N": n, "L": params["L"], "columns": A.shape[1],
            "times": np.array(times), "wall_times": np.array(wall_times), "build_times": np.array(build_times),
            "nonzero": int(np.count_nonzero(z)), "gap": duality_gap(A, y, z, params["lam"]),
            "gap_bound": params["tol"] * float(y @ y) / n,
            "converged": not any(issubclass(w.category, ConvergenceWarning) for w in caught)}


def _timing_runs(results):
    return {family: sorted((d for d in results.values() if d.get("family") == family and "times" in d),
                           key=lambda d: d["N"]) for family in FAMILIES}


def _features_figure():
    """The seed's illustrations of section 1, with the paper's features: data points 2, 3, 8."""
    pts = np.array([2.0, 3.0, 8.0])
    grid = np.linspace(-1.0, 14.0, 751)
    curves = {
        "relu(x - 3)": np.maximum(grid - 3.0, 0.0), "relu(3 - x)": np.maximum(3.0 - grid, 0.0),
        "Ramp+_{2,8}(x)": ramp_plus(grid, 2.0, 8.0), "Ramp-_{3,8}(x)": ramp_minus(grid, 3.0, 8.0),
        "||x - 3| - 1| (mirror 3: 2 <-> 4)": np.abs(np.abs(grid - 3.0) - 1.0),
        "||x - 8| - 5| (mirror 8: 3 <-> 13)": np.abs(np.abs(grid - 8.0) - 5.0),
    }
    fig, axes = plt.subplots(1, 3, figsize=(15, 4), layout="constrained")
    titles = ("ramps (ReLU, L = 2)", "capped ramps (ReLU, L = 3)", "reflection features (|.|, L = 3)")
    for k, (ax, title) in enumerate(zip(axes, titles)):
        for name in list(curves)[2 * k:2 * k + 2]:
            ax.plot(grid, curves[name], label=name)
        ax.plot(pts, np.zeros_like(pts), "ko", label="data points")
        ax.set(title=title, xlabel="x", ylim=(-0.5, 6.5))
        ax.legend(fontsize="small")
    return fig, {"x": grid, **curves}


def draw_figures(config, results):
    """The stock fits, the solve-time figure (with the seed's sizes for comparison), the features."""
    stock = results["stock"]
    fits = [{"family": f["family"], "L": f["L"], "z": np.asarray(f["z"])} for f in stock["fits"]]
    fig_fits = plot_fits(stock["x"], stock["y"], fits)
    table_fits = {"x": stock["x"], "y": stock["y"], "lam": config["stock_lam"], "fits": []}
    for f in stock["fits"]:
        bps = np.asarray(f["breakpoints"])
        grid = np.union1d(np.linspace(-4.0, 17.0, 211), bps)
        table_fits["fits"].append({
            "family": f["family"], "L": f["L"], "z": f["z"], "breakpoints": bps,
            "breakpoint_is_data_point": np.isin(bps, stock["x"]), "gap": f["gap"], "converged": f["converged"],
            "grid": grid, "values": network(stock["x"], f["z"], grid, f["family"], f["L"])})
    runs = _timing_runs(results)
    sweep = {family: {"N": np.array([d["N"] for d in rs]), "L": config["L"],
                      "columns": np.array([d["columns"] for d in rs]),
                      "times": np.array([d["times"] for d in rs])} for family, rs in runs.items()}
    fig_times = plot_solve_times(sweep)
    n = sweep["relu"]["N"].astype(np.float64)
    seed_sizes = {"relu": 2 * n + 2 * n**2, "abs": 2 * n + 4 * n**2} if config["L"] == 3 else {
        "relu": 2 * n, "abs": 2 * n}
    ax = fig_times.axes[0]
    for k, (family, sizes) in enumerate(seed_sizes.items()):
        ax.plot(n, sizes, ":", color=f"C{k}", label=f"seed's {FAMILIES[family]} dictionary")
    ax.legend()
    table_times = {"family": [], "N": [], "columns": [], "seed_columns": [], "median_s": [], "q25_s": [],
                   "q75_s": [], "wall_median_s": [], "build_median_s": [], "nonzero": [], "gap": [], "gap_bound": [],
                   "converged": []}
    for family, rs in runs.items():
        for d, seed_m in zip(rs, seed_sizes[family]):
            t = np.asarray(d["times"])
            for key, value in (("family", family), ("N", d["N"]), ("columns", d["columns"]),
                               ("seed_columns", int(seed_m)), ("median_s", float(np.median(t))),
                               ("q25_s", float(np.percentile(t, 25))), ("q75_s", float(np.percentile(t, 75))),
                               ("wall_median_s", float(np.median(d["wall_times"]))),
                               ("build_median_s", float(np.median(d["build_times"]))), ("nonzero", d["nonzero"]),
                               ("gap", d["gap"]), ("gap_bound", d["gap_bound"]), ("converged", d["converged"])):
                table_times[key].append(value)
    fig_features, table_features = _features_figure()
    return {"stock_fits": (fig_fits, table_fits), "solve_times": (fig_times, table_times),
            "features": (fig_features, table_features)}


def summarize(config, results):
    out = {}
    for family, rs in _timing_runs(results).items():
        n = np.array([d["N"] for d in rs], dtype=np.float64)
        median = np.array([np.median(d["times"]) for d in rs])
        columns = np.array([d["columns"] for d in rs], dtype=np.float64)
        out[family] = {"size_exponent": float(np.polyfit(np.log(n), np.log(columns), 1)[0]),
                       "time_exponent": float(np.polyfit(np.log(n), np.log(median), 1)[0]),
                       "largest_N": int(n[-1]), "columns_at_largest_N": int(columns[-1]),
                       "median_s_at_largest_N": float(median[-1]),
                       "all_converged": all(d["converged"] for d in rs)}
    out["stock_breakpoints"] = {f"{f['family']}, L={f['L']}": f["breakpoints"] for f in results["stock"]["fits"]}
    return out


SIMULATION = Simulation(
    configs={
        "quick": {"n_values": [4, 6, 8, 11, 14, 18, 22], "L": 3, "lam": 0.1, "tol": 1e-4, "max_iter": 10_000,
                  "repeats": 5, "x_scale": 10.0, "stock_lam": 1e-2, "stock_tol": 1e-10},
        "default": {"n_values": SEED_N_VALUES, "L": 3, "lam": 0.1, "tol": 1e-4, "max_iter": 10_000,
                    "repeats": 11, "x_scale": 10.0, "stock_lam": 1e-2, "stock_tol": 1e-10},
    },
    runs=_sweep,
    run=run_experiment,
    figures=draw_figures,
    validate=_validate,
    summary=summarize,
)
