# Exercise set research/sparsification: fill in every `raise NotImplementedError()`.
# Check your work: nndl-grade sparsification.py --set sparsification
# (generated from the course solutions by `nndl build`; do not edit the cell headers)

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
    # YOUR CODE HERE
    raise NotImplementedError()


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
# YOUR ANSWER HERE


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


def _record_steps(max_steps):
    """The step counts ``1 <= k <= max_steps`` with ``int(3 log k) != int(3 log(k + 1))``, as int64.

    (An optional helper for :func:`simulate`.)
    """
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## (f) How good are the predictions?
#
# Run the seed's configuration ($m = 10^5$, $\lambda = 10^{-5}$, $h = 0.5$) and smaller
# ones, and compare $m'(t)$ and $\|\mathbf{w}\|_1(t)$ with the predictions.  By how
# much do they differ, and when?  Where does the prediction come from, and what does
# the relative variance of the survivors (part (c)) have to do with the discrepancy?


# %% [markdown] answer=prediction_quality
# YOUR ANSWER HERE


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
