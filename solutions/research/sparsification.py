# %% [markdown]
# # Sparsification of an encoding under feature benefit and L1 regularisation
#
# Research seminar, after Lecomte et al., *What causes polysemanticity?*
# (arXiv:2312.03096), and the authors' simulation notebook (the *seed*).
#
# One feature is encoded by $m$ non-negative weights $\mathbf{w} \in \mathbb{R}^m_{\ge 0}$
# (one per neuron).  Training pushes $\|\mathbf{w}\|^2$ towards 1 (the *feature benefit*)
# while an L1 penalty of strength $\lambda$ pulls every weight down by the same amount:
#
# $$\frac{d\mathbf{w}}{dt} = \left(1 - \|\mathbf{w}\|^2\right)\mathbf{w} - \lambda\mathbf{1}.$$
#
# A weight that reaches zero stays there (the L1 subgradient holds it at 0), so it is
# *dropped*; $m'(t)$ is the number of surviving (positive) weights.  The paper predicts
# that the encoding sparsifies as
#
# $$m'(t) \approx \max\left(\left(\tfrac{1}{\sqrt{m}} + \lambda t\right)^{-2}, 1\right),
#   \qquad \|\mathbf{w}\|_1(t) \approx \max\left(\left(\tfrac{1}{\sqrt{m}} + \lambda t\right)^{-1}, 1\right).$$
#
# We integrate the dynamics with explicit Euler steps of size $h = 0.5$ (the seed's
# step) from $w_i = |N(0, 0.9/\sqrt{m})|$ sorted in descending order, record the
# state at log-spaced times and compare with the predictions: with $m = 10^5$ and
# $\lambda = 10^{-5}$ as in the seed, this takes the seed's loop 363 444 steps and about
# 20 seconds; a loop that exploits the structure of one step (part (a)) takes
# milliseconds.
#
# Never modify the inputs of your functions, and never use numpy's global random
# state (`np.random.seed`).
#
# **Where this set departs from the seed** (the seed's behaviour is described, and
# measurable where it matters):
#
# 1. *Recorded history.*  The seed records, at a logged step, the time *before* the
#    step, $\|\mathbf{w}\|_1$ of the state *before* the step and $m'$ *after* it.  Here
#    every record is one state: the state after $k$ steps, at $t = kh$, with $m'$,
#    $\|\mathbf{w}\|_1$ and $\|\mathbf{w}\|^2$ of that same state.  The logged step
#    counts are the seed's own (it logs step `cnt` when
#    `int(3 log(cnt + 1)) != int(3 log(cnt + 2))`, i.e. the state after $k = $ `cnt + 1`
#    steps when `int(3 log k) != int(3 log(k + 1))`), so the $m'$ histories agree step
#    for step; the seed's $t$ axis is shifted by one step ($t = 0$ for the first
#    record, which a log axis cannot show) and its $\|\mathbf{w}\|_1$ lags $m'$ by one step.
# 2. *End of the run.*  The seed runs while more than one weight survives and records
#    the final state only when exactly one survives (a last step that drops the final
#    two weights at once would go unrecorded).  Here the final state (at most one
#    survivor) is always recorded, and `max_steps` bounds the run (the seed's loop never
#    ends for $\lambda = 0$).
# 3. *`rel_var_range` at $m' = 1$.*  The seed divides $0$ by $0$ there (NaN and a
#    `RuntimeWarning`); a single positive weight has relative variance 0, and so has
#    any prefix of equal weights, so both bounds are 0 there.
# 4. *Randomness.*  The seed seeds numpy's global generator (`np.random.seed(0)`).  Here
#    every run draws from its own generator; `nndl simulate sparsification --param
#    rng='"seed"'` draws with a local `np.random.RandomState(seed)`, which for `--seed 0`
#    is exactly the seed's initial vector.
# 5. *`w_init = w` aliasing.*  In the seed, `w_init` is the very array that the first
#    in-place `w += dw_dt * step_size` modifies, so its "initial" weights (used only by
#    plots switched off in the seed) are the weights after one step.  Nothing here
#    modifies its inputs.
# 6. *Dead code.*  The seed's `gamma`, `delta`, printing and switched-off plots are not
#    reproduced; the relative-variance comparison (a switched-off plot of the seed) is a
#    figure of `nndl simulate`.
# 7. *Figure limits.*  The figure keeps the seed's curves, colours, title and limits,
#    except that the x axis starts at the first record ($t = h = 0.5$) where the seed
#    starts at 1, and extends past $\sqrt{10}/\lambda$ if a run lasts longer.

# %%
import math

import matplotlib.pyplot as plt
import numba
import numpy as np

#: The seed's Euler step size.
STEP = 0.5
#: Log-spaced records: the state after k steps is recorded when int(3 log k) changes at k + 1.
RECORDS_PER_E = 3
#: Default bound on the number of steps of a run.
MAX_STEPS = 10_000_000


def initial_weights(m, rng):
    """The seed's initial encoding: ``|N(0, 0.9 / sqrt(m))|`` of size ``m``, sorted descending.

    Parameters
    ----------
    m : int, number of weights
    rng : numpy.random.Generator or numpy.random.RandomState (anything with ``.normal``)

    Returns
    -------
    ndarray, shape (m,), float, non-negative, in descending order
    """
    w = np.abs(rng.normal(0.0, 0.9 / math.sqrt(m), m))
    return np.sort(w)[::-1].copy()


# %% [markdown]
# ## (a) One Euler step
#
# `euler_step(w, lam, step)` takes the surviving weights `w` (shape `(m,)`, positive,
# in descending order) and returns the survivors of one explicit Euler step
#
# $$\mathbf{w} \leftarrow \mathbf{w} + h\left(\left(1 - \|\mathbf{w}\|^2\right)\mathbf{w} - \lambda\right),$$
#
# i.e. the new weights that are still strictly positive, in their original order
# (weights that reach zero or below are dropped).  The default step is the seed's
# `STEP = 0.5`.

# %% solution
def euler_step(w, lam, step=STEP):
    """One explicit Euler step of dw/dt = (1 - ||w||^2) w - lam, dropping weights that reach zero.

    Parameters
    ----------
    w : array_like, shape (m,), float
        The surviving weights (non-negative; in descending order in the simulation).
        Not modified.
    lam : float
        The L1 strength lambda >= 0.
    step : float
        The Euler step size h > 0.

    Returns
    -------
    ndarray, shape (m',), float
        ``v = w + step * ((1 - ||w||^2) w - lam)`` restricted to its entries ``v_i > 0``,
        in the order of ``w``; ``m' <= m``.
    """
    ### BEGIN SOLUTION
    w = np.asarray(w, dtype=np.float64)
    new = w + step * ((1.0 - w @ w) * w - lam)
    return new[new > 0.0]
    ### END SOLUTION


# %% [markdown]
# Show that one step maps every surviving weight by *the same* affine map
# $w_i \mapsto a\,w_i - b$ (give $a$ and $b$), and deduce: (i) as long as $a > 0$ the
# step keeps the order of the weights, so the survivors after any number of steps are
# the $m'$ *largest* initial weights; (ii) ratios of differences
# $(w_i - w_j)/(w_k - w_l)$ of survivors do not change; (iii) after $k$ steps,
# $w_i = A_k w_i^{(0)} - B_k$ with two scalars $A_k, B_k$: give their recursion, and
# explain how $\|\mathbf{w}\|^2$, $\|\mathbf{w}\|_1$ and $m'$ can be computed in $O(1)$
# per step from prefix sums of the sorted initial weights.  When is $a > 0$?

# %% [markdown] answer=affine_map
# ### BEGIN SOLUTION
# With $s = \|\mathbf{w}\|^2$, the step is
# $w_i + h((1 - s)w_i - \lambda) = a\,w_i - b$ with
# $a = 1 + h(1 - s)$ and $b = h\lambda$: both depend on the whole vector only through
# the one number $s$, so every survivor gets the same affine map.
#
# (i) For $a > 0$ the map is strictly increasing: $w_i > w_j \Rightarrow a w_i - b > a w_j - b$.
# The order is kept, and the weights that become $\le 0$ are the smallest ones: the
# survivors are always a *prefix* of the initial weights sorted in descending order,
# $m'$ never increases, and which weights survive is decided by one threshold.
#
# (ii) $(a w_i - b) - (a w_j - b) = a(w_i - w_j)$: every difference is multiplied by the
# same $a \neq 0$, so ratios of differences are invariant (exactly, in real arithmetic).
#
# (iii) By induction $w_i^{(k)} = A_k w_i^{(0)} - B_k$ with $A_0 = 1$, $B_0 = 0$ and
# $A_{k+1} = a_k A_k$, $B_{k+1} = a_k B_k + h\lambda$, where
# $a_k = 1 + h(1 - s_k)$.  If the survivors are the $n$ largest initial weights and
# $S_1[n] = \sum_{i \le n} w_i^{(0)}$, $S_2[n] = \sum_{i \le n} (w_i^{(0)})^2$
# (prefix sums, computed once after sorting), then
#
# $$\|\mathbf{w}\|_1 = A S_1[n] - nB, \qquad
#   \|\mathbf{w}\|^2 = A^2 S_2[n] - 2AB\,S_1[n] + nB^2,$$
#
# and after each step $n$ decreases while $A w_n^{(0)} - B \le 0$ (a weight is dropped
# exactly when its own value would be $\le 0$).  A step costs $O(1)$ plus $O(1)$
# amortised for the drops, instead of $O(m')$ for the vector update: the whole run of
# the seed's configuration (363 444 steps) takes milliseconds once the loop is compiled.
#
# $a > 0 \iff \|\mathbf{w}\|^2 < 1 + 1/h$, i.e. $\|\mathbf{w}\|^2 < 3$ for $h = 0.5$, and
# here even $a \ge 1$ throughout: the initial $\|\mathbf{w}\|^2 \approx 0.81$, and a step
# from $s = \|\mathbf{w}\|^2 \le 1$ gives at most (dropping only helps, and subtracting
# $h\lambda$ from positive weights only shrinks them)
# $s\,a^2 = s(1.5 - 0.5s)^2 \le 1$ (increasing on $[0, 1]$, equal to 1 at $s = 1$), so
# $\|\mathbf{w}\|^2 \le 1$ and $a = 1 + h(1 - \|\mathbf{w}\|^2) \in [1, 1.1]$ for the whole
# run.  (Should $a \le 0$ ever happen, every weight becomes $\le -h\lambda < 0$ and all
# are dropped, in both formulations.)
# ### END SOLUTION


# %% [markdown]
# ## (b) The predictions
#
# Implement the two predictions of the paper, for an array of times `t`:
#
# $$m'(t) = \max\left(\left(1/\sqrt{m} + \lambda t\right)^{-2}, 1\right), \qquad
#   \|\mathbf{w}\|_1(t) = \max\left(\left(1/\sqrt{m} + \lambda t\right)^{-1}, 1\right).$$

# %% solution
def predicted_m_prime(t, m, lam):
    """The predicted number of survivors, ``max((1/sqrt(m) + lam t)^-2, 1)``.

    Parameters
    ----------
    t : array_like, shape (n,), float, times >= 0
    m : int, initial number of weights
    lam : float, L1 strength >= 0

    Returns
    -------
    ndarray, shape (n,), float
    """
    ### BEGIN SOLUTION
    t = np.asarray(t, dtype=np.float64)
    return np.maximum((1.0 / math.sqrt(m) + lam * t) ** -2.0, 1.0)
    ### END SOLUTION


def predicted_l1(t, m, lam):
    """The predicted L1 norm of the encoding, ``max((1/sqrt(m) + lam t)^-1, 1)``.

    Parameters
    ----------
    t : array_like, shape (n,), float, times >= 0
    m : int, initial number of weights
    lam : float, L1 strength >= 0

    Returns
    -------
    ndarray, shape (n,), float
    """
    ### BEGIN SOLUTION
    t = np.asarray(t, dtype=np.float64)
    return np.maximum(1.0 / (1.0 / math.sqrt(m) + lam * t), 1.0)
    ### END SOLUTION


# %% [markdown]
# ## (c) The range of the relative variance
#
# By (a), after any number of steps the survivors are $w_i = A(w_i^{(0)} - c)$ for the
# $m'$ largest initial weights, with a threshold $c = B/A$ between the first dropped
# and the last surviving initial weight: $w^{(0)}_{m'+1} \le c < w^{(0)}_{m'}$ (take
# $w^{(0)}_{m+1} = 0$).  Their *relative variance* $\operatorname{Var}/\text{mean}^2$
# does not depend on $A$, and is bracketed by its values at the two ends of that
# interval.  With the prefix mean $\mu_k$ and the prefix (population) variance
# $\sigma_k^2$ of the $k$ largest weights of a descending `w`, the seed's function
# returns for every $k = 1, \dots, m$
#
# $$\text{low}_k = \frac{\sigma_k^2}{(\mu_k - w_{k+1})^2}, \qquad
#   \text{high}_k = \frac{\sigma_k^2}{(\mu_k - w_k)^2} \qquad (w_{m+1} = 0),$$
#
# both 0 where $\sigma_k = 0$ (e.g. $k = 1$: the seed divides 0 by 0 there).

# %% solution
def rel_var_range(w):
    """Bounds on the relative variance of the k largest weights after a common shift, k = 1..m.

    Parameters
    ----------
    w : array_like, shape (m,), float
        Non-negative weights in descending order.  Not modified.

    Returns
    -------
    (low, high) : tuple of two ndarrays, shape (m,), float
        ``low[k-1] = var_k / (mean_k - w[k])**2`` and ``high[k-1] = var_k / (mean_k - w[k-1])**2``
        with ``mean_k``, ``var_k`` the mean and population variance of ``w[:k]`` and
        ``w[m] = 0``; both are 0 where ``var_k`` is 0.  For any shift ``c`` with
        ``w[k] <= c < w[k-1]``, the relative variance ``Var/mean^2`` of ``w[:k] - c``
        lies in ``[low[k-1], high[k-1]]``.
    """
    ### BEGIN SOLUTION
    w = np.asarray(w, dtype=np.float64)
    k = np.arange(1, w.size + 1)
    mean = np.cumsum(w) / k
    # Population variance from prefix sums; clipped at 0 against rounding (equal weights).
    var = np.maximum(np.cumsum(w * w) / k - mean**2, 0.0)
    below = np.append(w[1:], 0.0)

    def ratio(shift: np.ndarray) -> np.ndarray:
        den = (mean - shift) ** 2
        # den = 0 only where the first k weights are all equal (k = 1 always): variance 0.
        return np.divide(var, den, out=np.zeros_like(var), where=(den > 0) & (var > 0))

    return ratio(below), ratio(w)
    ### END SOLUTION


# %% [markdown]
# ## (d) The simulation
#
# `simulate(w0, lam, step, max_steps)` integrates the dynamics from `w0` with Euler
# steps (part (a)) until at most one weight survives, or for `max_steps` steps.  It
# records the state after $k$ steps (at time $t = kh$) for every $k \ge 1$ with
# `int(RECORDS_PER_E * log(k)) != int(RECORDS_PER_E * log(k + 1))` (log-spaced, the
# seed's schedule: $k = 1, 2, 3, 5, 7, 10, 14, 20, \dots$), and always the final state.
# It returns a dict of equal-length arrays:
#
# | key | dtype | value at the state after `k` steps |
# |---|---|---|
# | `"k"` | int | the step count `k` (increasing) |
# | `"t"` | float | the time `k * step` |
# | `"m_prime"` | int | the number of survivors |
# | `"l1"` | float | $\|\mathbf{w}\|_1$ |
# | `"sq_norm"` | float | $\|\mathbf{w}\|^2$ |
#
# The order of `w0` does not matter.  A plain loop over `euler_step` is a correct
# answer (fast enough for the checks, which use small `m`); the seed's configuration
# ($m = 10^5$, 363 444 steps) wants the $O(1)$-per-step loop of (a)(iii).  `numba` is
# installed: `_survivor_loop` below is compiled by `numba.njit` and may hold such a
# scalar loop (or ignore it).  `progress`, if given, is called with the number of
# weights dropped since its previous call (for `nndl simulate`'s progress bar); the
# checks never pass it.

# %% solution
def simulate(w0, lam, step=STEP, max_steps=MAX_STEPS, progress=None):
    """Euler-integrate dw/dt = (1 - ||w||^2) w - lam from w0, dropping weights at zero.

    Runs until at most one weight survives or ``max_steps`` steps are taken, and records
    the state after ``k`` steps for the log-spaced ``k`` with
    ``int(RECORDS_PER_E * log(k)) != int(RECORDS_PER_E * log(k + 1))`` and for the final
    state.

    Parameters
    ----------
    w0 : array_like, shape (m,), float
        Initial weights, non-negative, m >= 2, in any order.  Not modified.
    lam : float
        L1 strength lambda >= 0.
    step : float
        Euler step size h > 0.
    max_steps : int
        At most this many steps (>= 1).
    progress : callable or None
        Called as ``progress(n)`` with the number of weights dropped since its previous
        call, every few thousand steps; optional, for progress bars.

    Returns
    -------
    dict of ndarrays, each of shape (n_records,)
        ``"k"`` (int64, step counts, increasing), ``"t"`` (float64, ``k * step``),
        ``"m_prime"`` (int64, survivors), ``"l1"`` (float64, ||w||_1) and
        ``"sq_norm"`` (float64, ||w||^2), all of the state after ``k`` steps.

    Notes
    -----
    The reference solution is O(1) per step; why it is exact up to rounding is explained in
    the comment that opens its body (not shipped to students: it answers part (a)(iii)).
    """
    ### BEGIN SOLUTION
    # The tracked affine map, and why it is exact up to rounding.
    #
    # The weight vector is never updated.  One Euler step maps every survivor by the same
    # affine map w <- a w - h lam with a = 1 + h (1 - ||w||^2), so after k steps
    # w_i = A w0_i - B with A <- a A and B <- a B + h lam (A = 1, B = 0 initially).  For
    # a > 0 the map is increasing, so the survivors are always the n largest initial
    # weights, and with the prefix sums S1[n], S2[n] of the sorted w0
    #
    #     ||w||_1 = A S1[n] - n B,   ||w||^2 = A^2 S2[n] - 2 A B S1[n] + n B^2;
    #
    # after each step n decreases while A w0_n - B <= 0, which is exactly the seed's test
    # w > 0 on the weight's own value.  (If a <= 0, every weight becomes <= -h lam and all
    # are dropped, in both formulations.)  This is the vector update's recurrence in real
    # arithmetic; in floating point A and B carry a relative error of a few ulps per step
    # (~1e-11 after 3.6e5 steps), the order of the vector update's own rounding, so both
    # give the same survivor counts except where a weight lands within rounding of zero
    # (in the seed's configuration one of 363 444 steps leaves a weight within 1e-9 of
    # the largest weight's size from zero, and the m' history still matches the seed's
    # loop exactly at all 38 records, see bench/sparsification.py).  A step costs O(1), plus O(1)
    # amortised per dropped weight, in a loop compiled by numba (_survivor_loop): ~5 ms
    # for the seed's run instead of ~20 s.  The compiled loop is called in chunks of
    # _CHUNK steps so that `progress` can report between them.
    w = np.asarray(w0, dtype=np.float64)
    if w.ndim != 1 or w.size < 2:
        raise ValueError(f"w0 must be a 1-D array of at least 2 weights, got shape {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("w0 must be finite and non-negative")
    if not (math.isfinite(lam) and lam >= 0):
        raise ValueError(f"lam must be a finite number >= 0, got {lam!r}")
    if not (math.isfinite(step) and step > 0):
        raise ValueError(f"step must be a finite number > 0, got {step!r}")
    if int(max_steps) != max_steps or max_steps < 1:
        raise ValueError(f"max_steps must be a positive integer, got {max_steps!r}")
    max_steps = int(max_steps)
    w = np.ascontiguousarray(np.sort(w)[::-1])
    s1 = np.concatenate(([0.0], np.cumsum(w)))
    s2 = np.concatenate(([0.0], np.cumsum(w * w)))
    record = _record_steps(max_steps)
    size = record.size + 1  # the scheduled records and the final state
    out_k = np.empty(size, dtype=np.int64)
    out_n = np.empty(size, dtype=np.int64)
    out_l1 = np.empty(size, dtype=np.float64)
    out_sq = np.empty(size, dtype=np.float64)
    scalars = np.array([1.0, 0.0])  # A, B
    counters = np.array([w.size, 0, 0], dtype=np.int64)  # survivors n, steps k, records r
    while counters[0] > 1 and counters[1] < max_steps:
        before = int(counters[0])
        stop = min(int(counters[1]) + _CHUNK, max_steps)
        _survivor_loop(w, s1, s2, float(lam), float(step), record, max_steps, stop, scalars, counters,
                       out_k, out_n, out_l1, out_sq)
        if progress is not None:
            progress(before - int(counters[0]))
    r = int(counters[2])
    return {"k": out_k[:r].copy(), "t": out_k[:r] * float(step), "m_prime": out_n[:r].copy(),
            "l1": out_l1[:r].copy(), "sq_norm": out_sq[:r].copy()}
    ### END SOLUTION


def _record_steps(max_steps):
    """The step counts ``1 <= k <= max_steps`` with ``int(3 log k) != int(3 log(k + 1))``, as int64.

    (An optional helper for :func:`simulate`.)
    """
    ### BEGIN SOLUTION
    # int(3 log k) first differs from int(3 log(k + 1)) where k + 1 crosses e^(j/3): only
    # k = ceil(e^(j/3)) - 1 can qualify (~48 candidates up to 1e7, instead of evaluating
    # the log of every integer).  Each candidate and its neighbours are then tested with
    # the seed's own expression, so rounding of exp cannot change the set.
    top = int(RECORDS_PER_E * math.log(max_steps + 1)) + 2
    candidates = set()
    for j in range(1, top + 1):
        k = math.ceil(math.exp(j / RECORDS_PER_E)) - 1
        candidates.update((k - 1, k, k + 1))
    keep = [k for k in sorted(candidates) if 1 <= k <= max_steps
            and int(RECORDS_PER_E * math.log(k)) != int(RECORDS_PER_E * math.log(k + 1))]
    return np.array(keep, dtype=np.int64)
    ### END SOLUTION


#: Steps per call of the compiled loop between progress reports.
_CHUNK = 1 << 16


@numba.njit(cache=False)
def _survivor_loop(w, s1, s2, lam, step, record, max_steps, stop, scalars, counters,
                   out_k, out_n, out_l1, out_sq):
    """Compiled scalar loop for :func:`simulate` (optional: use it or not).

    Advances the tracked state (``scalars``: A, B; ``counters``: survivors n, steps k,
    records r; updated in place) until ``k == stop`` or at most one weight survives,
    writing each recorded state's (k, n, ||w||_1, ||w||^2) at index r of the out arrays.
    ``w`` is the sorted initial vector, ``s1``, ``s2`` its prefix sums (length m + 1) and
    ``record`` the scheduled step counts.
    """
    ### BEGIN SOLUTION
    A, B = scalars[0], scalars[1]
    n, k, r = counters[0], counters[1], counters[2]
    hl = step * lam
    j = 0
    while j < record.shape[0] and record[j] <= k:
        j += 1
    while n > 1 and k < stop:
        a = 1.0 + step * (1.0 - (A * A * s2[n] - 2.0 * A * B * s1[n] + n * B * B))
        A = a * A
        B = a * B + hl
        while n > 0 and A * w[n - 1] - B <= 0.0:
            n -= 1
        k += 1
        scheduled = j < record.shape[0] and record[j] == k
        if scheduled:
            j += 1
        if scheduled or n <= 1 or k == max_steps:
            out_k[r] = k
            out_n[r] = n
            out_l1[r] = A * s1[n] - n * B
            out_sq[r] = A * A * s2[n] - 2.0 * A * B * s1[n] + n * B * B
            r += 1
    scalars[0], scalars[1] = A, B
    counters[0], counters[1], counters[2] = n, k, r
    ### END SOLUTION


# %% [markdown]
# ## (e) The figure
#
# `plot_sparsification(history, m, lam)` draws the seed's figure from a history of
# `simulate`: on one log-log axes, $m'$ against $t$ (label `"m'"`), the predicted $m'$
# (dashed, `"predicted m'"`), $\|\mathbf{w}\|_1$ against $t$ (`"||w||_1"`) and its
# prediction (dashed, `"predicted ||w||_1"`), a legend, the x label `"Training time"`
# and the title `Dynamics of sparsification (m = ..., λ = ...)`.  Evaluate the
# predictions at the recorded times (or on any finer grid covering them).  Return the
# figure.

# %% solution
def plot_sparsification(history, m, lam):
    """The seed's log-log figure: m' and ||w||_1 against training time, with their predictions.

    Parameters
    ----------
    history : dict
        The result of :func:`simulate` (uses ``"t"``, ``"m_prime"`` and ``"l1"``).
    m : int, initial number of weights
    lam : float, L1 strength

    Returns
    -------
    matplotlib.figure.Figure
        One log-log axes with four labelled lines against ``history["t"]``: ``m'``, the
        predicted m' (dashed), ``||w||_1`` and its prediction (dashed); x label
        "Training time"; a legend.
    """
    ### BEGIN SOLUTION
    t = np.asarray(history["t"], dtype=np.float64)
    m_prime = np.asarray(history["m_prime"], dtype=np.float64)
    l1 = np.asarray(history["l1"], dtype=np.float64)
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.loglog(t, m_prime, color="blue", label="m'")
    ax.loglog(t, predicted_m_prime(t, m, lam), "--", color="cyan", label="predicted m'")
    ax.loglog(t, l1, color="red", label="||w||_1")
    ax.loglog(t, predicted_l1(t, m, lam), "--", color="pink", label="predicted ||w||_1")
    ax.set_xlabel("Training time")
    ax.set_title(f"Dynamics of sparsification (m = {m:g}, λ = {lam:g})")
    ax.grid(True)
    if t.size:
        # The seed's limits, widened where the run starts earlier or lasts longer.
        x_hi = math.sqrt(10) / lam if lam > 0 else 10 * t[-1]
        ax.set_xlim(min(1.0, t[0]), max(x_hi, t[-1]))
    ax.set_ylim(1 / math.sqrt(10), m * math.sqrt(10))
    ax.legend()
    fig.subplots_adjust(bottom=0.15)
    return fig
    ### END SOLUTION


# %% [markdown]
# ## (f) How good are the predictions?
#
# Run the seed's configuration ($m = 10^5$, $\lambda = 10^{-5}$, $h = 0.5$) and smaller
# ones, and compare $m'(t)$ and $\|\mathbf{w}\|_1(t)$ with the predictions.  By how
# much do they differ, and when?  Where does the prediction come from, and what does
# the relative variance of the survivors (part (c)) have to do with the discrepancy?

# %% [markdown] answer=prediction_quality
# ### BEGIN SOLUTION
# *Measurements* (the seed's configuration and initial weights, `nndl simulate
# sparsification --param rng='"seed"'`; 363 444 steps):
#
# | $t$ | $m'$ | predicted $m'$ | ratio | $\|\mathbf{w}\|_1$ / prediction | rel. variance $\rho$ |
# |---:|---:|---:|---:|---:|---:|
# | 10 | 97 515 | 93 963 | 1.04 | 0.81 | 0.58 |
# | 548 | 29 514 | 13 389 | 2.20 | 1.13 | 0.74 |
# | 4 051.5 | 1 417 | 524 | 2.70 | 1.21 | 0.84 |
# | 21 450.5 | 52 | 21.1 | 2.46 | 1.05 | 1.23 |
# | 113 571 | 2 | 1 | 2 | 1.35 | 0.11 |
#
# Both predictions get the *shape* right over five decades: $\|\mathbf{w}\|_1$ stays
# within a factor 0.78–1.35 of $1/(1/\sqrt{m} + \lambda t)$, and $m'$ falls like
# $t^{-2}$ once $\lambda t \gg 1/\sqrt{m}$, but $m'$ is consistently 2–2.7 times the
# prediction there.  The prediction reaches one survivor at
# $\lambda t = 1 - 1/\sqrt{m}$, $t \approx 10^5$; the last weight is alone only at
# $t = 181\,722$.  At small $m$ the same holds (100 initialisations each for
# $m = 300, 1000$ and $\lambda = 10^{-2}$: $m'$ is 1 to 4.4 times the prediction while
# the prediction is at least 5).
#
# *Where the predictions come from.*  Write $\rho$ for the relative variance of the
# survivors, so $\|\mathbf{w}\|^2 = (1 + \rho)\|\mathbf{w}\|_1^2/m'$.  Weights are dropped
# at 0, which changes neither norm, so along the ODE
#
# $$\frac{d}{dt}\|\mathbf{w}\|^2 = 2(1 - \|\mathbf{w}\|^2)\|\mathbf{w}\|^2 - 2\lambda\|\mathbf{w}\|_1,
#   \qquad
#   \frac{d}{dt}\|\mathbf{w}\|_1 = (1 - \|\mathbf{w}\|^2)\|\mathbf{w}\|_1 - \lambda m'.$$
#
# The norm relaxes fast (rate about 2) to the quasi-steady value
# $1 - \|\mathbf{w}\|^2 \approx \lambda\|\mathbf{w}\|_1/\|\mathbf{w}\|^2$ (measured:
# $\|\mathbf{w}\|^2 = 0.9997$ at $t = 4051.5$, where $\lambda\|\mathbf{w}\|_1 = 2.8\cdot10^{-4}$).
# Substituting it and $m'$ into the second equation,
#
# $$\frac{d}{dt}\|\mathbf{w}\|_1 \approx \frac{\lambda\|\mathbf{w}\|_1^2}{\|\mathbf{w}\|^2}(1 - (1 + \rho))
#   = -\rho\,\lambda\,\frac{\|\mathbf{w}\|_1^2}{\|\mathbf{w}\|^2}, \qquad\text{so}\qquad
#   \frac{d}{dt}\frac{1}{\|\mathbf{w}\|_1} \approx \rho\lambda .$$
#
# With $\rho = 1$ and the equal-weights start $\|\mathbf{w}\|_1(0) = \sqrt{m}$ this is the
# prediction $\|\mathbf{w}\|_1 = (1/\sqrt{m} + \lambda t)^{-1}$; the prediction for $m'$ is
# the equal-weights relation $m' = \|\mathbf{w}\|_1^2$ ($\rho = 0$); both are floored at the
# single survivor, $m' = \|\mathbf{w}\|_1 = 1$.  (Were the survivors really equal,
# $\rho = 0$, $\|\mathbf{w}\|_1$ would not decay at all: equal weights all die together.)
#
# *Why the discrepancy, and what `rel_var_range` has to do with it.*  The survivors are
# the initial half-normal weights above a rising threshold, shifted down to start at 0
# (part (a)); such a tail has a relative variance near 1 (an exponential tail has exactly
# 1).  `rel_var_range` brackets $\rho$ for every $m'$ from the initial weights alone
# (part (c)), and the measured $\rho$ (0.58 at the start, 0.84 at $t = 4051.5$, about 1
# with a hundred survivors left, figure `relative_variance` of `nndl simulate`) stays
# inside those brackets.  Since $\rho < 1$ for most of the run, $1/\|\mathbf{w}\|_1$ grows
# a little slower than $\lambda t$ (from $t = 548$ to $4051.5$ it grows by $0.81\lambda$
# per unit time while $\rho$ goes from 0.74 to 0.84), and $\|\mathbf{w}\|_1$ ends up about
# 1.2 times its prediction.  And $m' = (1 + \rho)\|\mathbf{w}\|_1^2/\|\mathbf{w}\|^2$: at $t = 4051.5$,
# $1.84 \times 1.21^2 \approx 2.7$ times the predicted $m'$, exactly the factor measured.
# So the predictions are right up to constant factors set by the shape of the initial
# distribution's tail, through $\rho$.
# ### END SOLUTION


# %%
# --- `nndl simulate sparsification` --------------------------------------------------------------
from nndl.simulate import Run, Simulation, run_seed  # noqa: E402


def _runs(config, seed):
    """The sweep: one independent run per (m, lam); rng "seed" draws every run with RandomState(--seed)."""
    runs = []
    for m in config["ms"]:
        for lam in config["lams"]:
            key = f"m={m},lam={lam:g}"
            runs.append(Run(key, {"m": m, "lam": lam, "step": config["step"], "max_steps": config["max_steps"],
                                  "rng": config["rng"],
                                  "seed": seed if config["rng"] == "seed" else run_seed(seed, key)}))
    return runs


def _run(params, ctx):
    """One run: the seed's initial weights, the simulation, and the relative-variance bounds."""
    from scipy.stats import norm

    m = params["m"]
    rng = np.random.RandomState(params["seed"]) if params["rng"] == "seed" else np.random.default_rng(params["seed"])
    w0 = initial_weights(m, rng)
    with ctx.progress(m - 1, f"m={m}, λ={params['lam']:g}", unit="dropped") as bar:
        history = simulate(w0, params["lam"], params["step"], params["max_steps"], progress=bar.update)
    index = np.maximum(history["m_prime"], 1) - 1
    low, high = rel_var_range(w0)
    # The seed's "ideal" weights: half-normal quantiles at the midpoints of m equal bins.
    ideal = norm.ppf(0.5 + (np.arange(m) + 0.5) / (2 * m))[::-1]
    ideal_low, ideal_high = rel_var_range(ideal)
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.where(history["l1"] > 0, history["m_prime"] * history["sq_norm"] / history["l1"] ** 2 - 1.0, 0.0)
    return {**history, "m": m, "lam": params["lam"], "rel_var": rho, "low": low[index], "high": high[index],
            "ideal_low": ideal_low[index], "ideal_high": ideal_high[index], "w0_l1": float(w0.sum()),
            "w0_sq_norm": float(w0 @ w0)}


def _figures(config, results):
    figures = {}
    for key, data in results.items():
        m, lam = data["m"], data["lam"]
        history = {name: np.asarray(data[name]) for name in ("k", "t", "m_prime", "l1", "sq_norm")}
        fig = plot_sparsification(history, m, lam)
        t = history["t"]
        figures[f"sparsification_{key}"] = (fig, {
            "k": history["k"], "t": t, "m_prime": history["m_prime"],
            "predicted_m_prime": predicted_m_prime(t, m, lam), "l1": history["l1"],
            "predicted_l1": predicted_l1(t, m, lam), "sq_norm": history["sq_norm"]})
        fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
        ax.semilogx(t, data["rel_var"], "o-", color="orange", label="survivors")
        ax.semilogx(t, data["low"], "-", color="red", label="bounds from w0")
        ax.semilogx(t, data["high"], "-", color="red")
        ax.semilogx(t, data["ideal_low"], "--", color="pink", label="bounds from half-normal quantiles")
        ax.semilogx(t, data["ideal_high"], "--", color="pink")
        ax.set_xlabel("Training time")
        ax.set_ylabel("relative variance of the survivors")
        ax.set_title(f"Relative variance (m = {m:g}, λ = {lam:g})")
        ax.grid(True)
        ax.legend()
        figures[f"relative_variance_{key}"] = (fig, {
            "t": t, "m_prime": history["m_prime"], "rel_var": data["rel_var"], "low": data["low"],
            "high": data["high"], "ideal_low": data["ideal_low"], "ideal_high": data["ideal_high"]})
    # All runs on one scale: m' / predicted m' against lambda t.
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    table = {}
    for key, data in results.items():
        m, lam = data["m"], data["lam"]
        t = np.asarray(data["t"])
        ratio = np.asarray(data["m_prime"]) / predicted_m_prime(t, m, lam)
        ax.semilogx(lam * t, ratio, "o-", label=f"m = {m:g}, λ = {lam:g}")
        table[key] = {"lam_t": lam * t, "m_prime_over_predicted": ratio}
    ax.axhline(1.0, color="grey", linestyle=":")
    ax.set_xlabel("λ t")
    ax.set_ylabel("m' / predicted m'")
    ax.set_title("Simulated over predicted number of survivors")
    ax.grid(True)
    ax.legend()
    figures["m_prime_ratio"] = (fig, table)
    return figures


def _validate(config):
    ms, lams = config["ms"], config["lams"]
    if not ms or not all(type(m) is int and m >= 2 for m in ms):
        raise ValueError(f"ms must be a non-empty list of integers >= 2, got {ms!r}")
    if not lams or not all(type(x) in (int, float) and math.isfinite(x) and x > 0 for x in lams):
        raise ValueError(f"lams must be a non-empty list of positive numbers, got {lams!r}")
    if not (math.isfinite(config["step"]) and 0 < config["step"] <= 1):
        raise ValueError(f"step must be in (0, 1], got {config['step']!r}")
    if config["max_steps"] < 1:
        raise ValueError(f"max_steps must be a positive integer, got {config['max_steps']!r}")
    if config["rng"] not in ("numpy", "seed"):
        raise ValueError(f"rng must be 'numpy' (a per-run default_rng) or 'seed' (RandomState(--seed), "
                         f"the seed's draw), got {config['rng']!r}")


def _summary(config, results):
    out = {}
    for key, data in results.items():
        out[key] = {"steps": int(data["k"][-1]), "final_t": float(data["t"][-1]),
                    "final_m_prime": int(data["m_prime"][-1]), "records": len(data["k"])}
    return out


SIMULATION = Simulation(
    configs={
        # The seed's configuration (one run).
        "default": {"ms": [100_000], "lams": [1e-5], "step": STEP, "max_steps": MAX_STEPS, "rng": "numpy"},
        # Smaller and faster, the same qualitative picture; a sweep over two lambdas.
        "quick": {"ms": [10_000], "lams": [1e-3, 1e-4], "step": STEP, "max_steps": MAX_STEPS, "rng": "numpy"},
    },
    runs=_runs,
    run=_run,
    figures=_figures,
    validate=_validate,
    summary=_summary,
)
