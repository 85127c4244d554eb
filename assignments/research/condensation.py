# Exercise set research/condensation: fill in every `raise NotImplementedError()`.
# Check your work: nndl-grade condensation.py --set condensation
# (generated from the course solutions by `nndl build`; do not edit the cell headers)

# %% [markdown]
# # Condensation in two-layer ReLU networks
#
# Research seminar.  Papers: T. Luo, Z.-Q. J. Xu, Z. Ma and Y. Zhang, *Phase diagram
# for two-layer ReLU neural networks at infinite-width limit*, JMLR 22(71), 2021;
# Z. Chen, Y. Li, T. Luo, Z. Zhou and Z.-Q. J. Xu, *Phase diagram of initial
# condensation for two-layer neural networks*, arXiv:2303.06561, 2023.
#
# We train the two-layer ReLU network
#
# $$f(x; \theta) = \frac{1}{\alpha_m}\sum_{j=1}^m a_j\,(w_j x + b_j)_+$$
#
# on four points by gradient descent on the empirical risk
# $\mathcal{R}(\theta) = \frac{1}{2n}\sum_{i=1}^n (f(x_i;\theta) - y_i)^2$ and ask how
# far the input weights $\theta_{wb} = (w_1, \dots, w_m, b_1, \dots, b_m)$ travel, as a
# function of the width $m$ and of the scale of the initialisation
# $a_j \sim \mathcal{N}(0, \beta_{1m}^2)$, $w_j, b_j \sim \mathcal{N}(0, \beta_{2m}^2)$.
# With $\kappa = \beta_{1m}\beta_{2m}/\alpha_m$ and $\kappa' = \beta_{1m}/\beta_{2m}$ the
# papers set $\kappa = m^{-\gamma}$, $\kappa' = m^{-\gamma'}$ and find three regimes,
# read off the relative distance
# $\mathrm{RD}(t) = \|\theta_{wb}(t) - \theta_{wb}(0)\| / \|\theta_{wb}(0)\|$ at the end of
# training as $m \to \infty$:
#
# * $\gamma < 1$, **linear** regime: $\mathrm{RD} \to 0$, the network behaves like its
#   linearisation (the neural tangent kernel);
# * $\gamma = 1$, **critical** regime (mean field): $\mathrm{RD} = O(1)$;
# * $\gamma > 1$, **condensed** regime: $\mathrm{RD} \to \infty$, and the input weights of
#   the neurons that matter *condense* onto a few orientations: the kinks
#   $-b_j/w_j$ of the neurons with large amplitude gather at a few points.
#
# The exercise starts from a research notebook (the *seed*).  Its algorithm is kept;
# these are the places where this solution departs from it:
#
# 1. **Sign of the gradient.**  The seed's `gradient_flow` returns the *negative*
#    gradient $-\nabla\mathcal{R}$ and its update adds it.  The descent is right, the
#    name is not: `risk_gradient` here returns $\nabla\mathcal{R}$ and
#    `gradient_descent` subtracts it.
# 2. **Memory.**  The seed appends a copy of $a$, $w$, $b$ after every step: at its
#    configuration ($m = 800$, $2\cdot 10^5$ steps) that is $3 \times 2\cdot10^5 \times
#    800$ float64 = 3.84 GB in lists of arrays, and as much again when `train` converts
#    them with `np.array` (about 7.7 GB at the peak).  `gradient_descent` here keeps
#    the state every `record_every` steps only (the figures need a few hundred states).
# 3. **Per-neuron amplitudes.**  The seed's scatter plots
#    `a * np.linalg.norm([w, b])`: `np.linalg.norm` of the $2 \times m$ array is *one*
#    Frobenius norm over all neurons, so every point is $a_j$ times the same number.
#    The amplitude of neuron $j$ is $|a_j|\,\|(w_j, b_j)\|$, one norm per neuron.
# 4. **Symmetric initialisation.**  The seed's "symmetric" initialisation duplicates the
#    neurons as $(a, a)$, $(w, -w)$, $(b, b)$, which does *not* make $f \equiv 0$ at
#    initialisation: the pair contributes $a_j[(w_jx + b_j)_+ + (-w_jx + b_j)_+]$.
#    The pairs $(a, -a)$, $(w, w)$, $(b, b)$ cancel exactly.  `init_params` offers both
#    (`symmetric="zero_output"` and `symmetric="seed"`); **the figures use
#    `"zero_output"`** (at $\gamma = 3/2$, $m = 800$ the seed's version starts with an
#    output of size $\approx 10^{-3}$ and gives the same figures to the eye).  The seed
#    also took `ceil(m / 2)` halves, i.e. $m + 1$ neurons for odd $m$; here a symmetric
#    initialisation needs an even $m$.
# 5. **Smaller fixes.**  The seed's markdown writes $\gamma = \lim \log\kappa/\log m$; its
#    code (and the papers) use $\kappa = m^{-\gamma}$, i.e. $\gamma = -\lim\log\kappa/\log m$.
#    Its risk formula sums to $m$ instead of $n$.  It draws from numpy's global random
#    state (no seed: not reproducible); here every draw comes from
#    `np.random.default_rng(seed)`.  `generate_alpha_betas` read $\gamma$, $\gamma'$ from
#    globals; here they are arguments.  The min/max plots evaluated the network point by
#    point in Python; here in one vectorised call.  Its plots set `xlim(0, 1e-5)` on
#    rescaled step axes (hiding almost everything) and used `cm.get_cmap`, removed from
#    matplotlib.
# 6. **Learning rate of the phase diagram.**  The seed trains with a learning rate of 70,
#    tuned by hand to $\gamma = 3/2$, $m = 800$.  The sweep over $\gamma$ and $m$ here uses
#    the rule `learning_rate` below (derived in the answer to (f)).
# 7. **Speed.**  The per-step cost of the seed is numpy's call overhead on $4 \times m$
#    arrays (about 25 calls per step).  The reference `gradient_descent` runs the steps
#    between two records in one compiled (numba) loop, about 25 times faster at
#    $m = 800$ (small runs, like the grader's, use a numpy loop of 11 calls per step and
#    never load numba); `bench/condensation.py` measures both against the seed's loop.
#
# Implement everything with numpy.  Never modify the inputs of your functions, and never
# use numpy's global random state.  A plain Python loop over the neurons is a valid
# implementation (only slower).


# %%
import math

import numpy as np

#: The seed's four data points.
X_DATA = np.array([-1 / 2, -1 / 6, 1 / 6, 1 / 2])
Y_DATA = np.array([1 / 4, 1 / 30, 1 / 30, 1 / 4])
#: Where the output range (min and max of f) is taken: the seed's 400 points on [-1/2, 1/2].
OUTPUT_GRID = np.linspace(-0.5, 0.5, 400)


# %% [markdown]
# ## (a) Scaling with the width
#
# Given $\gamma$ and $\gamma'$, the seed fixes $\alpha_m = m^{\gamma - \gamma'}$ and
# chooses $\beta_{1m}$, $\beta_{2m}$ such that $\kappa = \beta_{1m}\beta_{2m}/\alpha_m =
# m^{-\gamma}$ and $\kappa' = \beta_{1m}/\beta_{2m} = m^{-\gamma'}$.  Implement
# `generate_alpha_betas(m, gamma, gamma_prime)` returning the three floats
# `(alpha_m, beta_1m, beta_2m)`, and derive $\beta_{1m}$, $\beta_{2m}$ in closed form
# in the answer cell.


# %% solution
def generate_alpha_betas(m, gamma, gamma_prime):
    """The output scale and the two initialisation scales for width ``m``.

    ``alpha_m = m**(gamma - gamma_prime)``, and ``beta_1m``, ``beta_2m`` are such that
    ``kappa = beta_1m * beta_2m / alpha_m = m**(-gamma)`` and
    ``kappa' = beta_1m / beta_2m = m**(-gamma_prime)``.

    Parameters
    ----------
    m : int, width (number of hidden neurons), m >= 1
    gamma, gamma_prime : float, the exponents of the phase diagram

    Returns
    -------
    tuple of three floats ``(alpha_m, beta_1m, beta_2m)``, all positive
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown] answer=alpha_betas_derivation
# YOUR ANSWER HERE


# %% [markdown]
# ## (b) Initialisation
#
# `init_params(m, gamma, gamma_prime, seed, symmetric=None)` draws, with
# `rng = np.random.default_rng(seed)`, first the $a$'s, then the $w$'s, then the
# $b$'s, each with `rng.normal(0.0, scale, size)`.  Without symmetry `size = m`.  With
# `symmetric="zero_output"` (even $m$ only) it draws halves of size $m/2$ and returns
# $(a, -a)$, $(w, w)$, $(b, b)$ (concatenated); with `symmetric="seed"` the seed's
# $(a, a)$, $(w, -w)$, $(b, b)$.  Explain in the answer cell why only the first makes
# the network output vanish identically, and what happens to such a pair during
# training.


# %% solution
def init_params(m, gamma, gamma_prime, seed, symmetric=None):
    """Random initial parameters of a width-``m`` network.

    ``a ~ N(0, beta_1m^2)``, ``w, b ~ N(0, beta_2m^2)`` with the scales of
    :func:`generate_alpha_betas`, drawn from ``np.random.default_rng(seed)`` in the order
    a, w, b with ``rng.normal(0.0, scale, size)``.

    Parameters
    ----------
    m : int, width; even when ``symmetric`` is not None
    gamma, gamma_prime : float
    seed : int, seed of the generator
    symmetric : None, "zero_output" or "seed"
        None: ``size = m`` independent neurons.  "zero_output": halves of size ``m // 2``
        returned as ``(a, -a), (w, w), (b, b)``, so that the network output is exactly 0.
        "seed": the seed notebook's ``(a, a), (w, -w), (b, b)``.

    Returns
    -------
    tuple ``(a, w, b)`` of three float ndarrays of shape (m,)

    Raises
    ------
    ValueError
        for an odd ``m`` with a symmetric initialisation, or an unknown ``symmetric``.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown] answer=symmetric_initialisation
# YOUR ANSWER HERE


# %% [markdown]
# ## (c) The network, the risk and its gradient
#
# `network(x, a, w, b, alpha_m)` evaluates $f$ at every entry of the 1-D array `x`.
# `risk(a, w, b, alpha_m, x, y)` is $\frac{1}{2n}\sum_i (f(x_i) - y_i)^2$ and
# `risk_gradient(...)` returns its gradient $(\partial\mathcal{R}/\partial a,
# \partial\mathcal{R}/\partial w, \partial\mathcal{R}/\partial b)$ (the gradient, not its
# negative; take the derivative of $t \mapsto t_+$ to be $1$ for $t > 0$ and $0$
# otherwise).


# %% solution
def network(x, a, w, b, alpha_m):
    """``f(x) = (1 / alpha_m) sum_j a_j relu(w_j x + b_j)`` at every entry of ``x``.

    Parameters
    ----------
    x : ndarray, shape (k,), inputs
    a, w, b : ndarray, shape (m,), the parameters
    alpha_m : float, the output scale

    Returns
    -------
    ndarray, shape (k,), float
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def risk(a, w, b, alpha_m, x, y):
    """Empirical risk ``1/(2n) sum_i (f(x_i) - y_i)^2``.

    Parameters
    ----------
    a, w, b : ndarray, shape (m,)
    alpha_m : float
    x, y : ndarray, shape (n,), the data

    Returns
    -------
    float
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def risk_gradient(a, w, b, alpha_m, x, y):
    """Gradient of :func:`risk` with respect to ``a``, ``w`` and ``b``.

    With ``e_i = f(x_i) - y_i`` and ``1_ij = 1 if w_j x_i + b_j > 0 else 0``:
    ``dR/da_j = 1/(n alpha_m) sum_i e_i relu(w_j x_i + b_j)``,
    ``dR/dw_j = 1/(n alpha_m) sum_i e_i a_j x_i 1_ij``,
    ``dR/db_j = 1/(n alpha_m) sum_i e_i a_j 1_ij``.

    Parameters
    ----------
    a, w, b : ndarray, shape (m,)
    alpha_m : float
    x, y : ndarray, shape (n,)

    Returns
    -------
    tuple ``(grad_a, grad_w, grad_b)`` of float ndarrays of shape (m,): the gradient
    (gradient descent subtracts it)
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## (d) Gradient descent with a subsampled history
#
# `gradient_descent(a, w, b, alpha_m, x, y, lr, steps, record_every=1)` takes `steps`
# steps $\theta \leftarrow \theta - \eta\,\nabla\mathcal{R}(\theta)$ from the given
# parameters and returns a dict of the states after $0, k, 2k, \dots$ steps
# ($k$ = `record_every`) and after the last step:
#
# * `"step"`: int array of shape `(R,)`, the recorded step numbers
#   $0, k, 2k, \dots$ and `steps` (always the last entry, never twice);
# * `"a"`, `"w"`, `"b"`: float arrays of shape `(R, m)`, the parameters at those steps;
# * `"risk"`: float array of shape `(R,)`, the risk at those steps.
#
# Record 0 is the initial state itself.  Only the records are kept: the seed kept every
# step (7.7 GB at its configuration).


# %% solution
def gradient_descent(a, w, b, alpha_m, x, y, lr, steps, record_every=1):
    """Gradient descent on :func:`risk` from ``(a, w, b)``, keeping every
    ``record_every``-th state.

    Parameters
    ----------
    a, w, b : ndarray, shape (m,), initial parameters (not modified)
    alpha_m : float
    x, y : ndarray, shape (n,), the data
    lr : float, the learning rate eta of ``theta <- theta - eta grad R(theta)``
    steps : int >= 0, number of steps
    record_every : int >= 1, keep the state every this many steps (and after the last)

    Returns
    -------
    dict with keys
        ``"step"``: int ndarray (R,), ``0, k, 2k, ...`` and ``steps`` (last, once);
        ``"a"``, ``"w"``, ``"b"``: float ndarrays (R, m), the parameters after those steps;
        ``"risk"``: float ndarray (R,), the risk of those parameters.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## (e) Relative distance and output range
#
# `relative_distance(w, b, w0, b0)` is
# $\mathrm{RD} = \|\theta_{wb} - \theta_{wb}(0)\| / \|\theta_{wb}(0)\|$ with
# $\theta_{wb} = (w, b)$ (the input weights and biases of all neurons, one vector).
# `output_range(a, w, b, alpha_m)` returns the minimum and the maximum of the network
# output over `OUTPUT_GRID`, as two floats.


# %% solution
def relative_distance(w, b, w0, b0):
    """``||(w, b) - (w0, b0)|| / ||(w0, b0)||`` (Euclidean norms of the 2m-vectors).

    Parameters
    ----------
    w, b : ndarray, shape (m,), the input weights and biases at time t
    w0, b0 : ndarray, shape (m,), the same at time 0 (not both zero)

    Returns
    -------
    float
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def output_range(a, w, b, alpha_m):
    """Minimum and maximum of :func:`network` over ``OUTPUT_GRID``.

    Parameters
    ----------
    a, w, b : ndarray, shape (m,)
    alpha_m : float

    Returns
    -------
    tuple of two floats ``(min, max)``
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## (f) A learning rate for every width and every regime
#
# The seed's learning rate 70 is tuned to $\gamma = 3/2$, $m = 800$: with
# $\alpha_m = m^{\gamma-\gamma'}$ the gradients shrink like powers of $m$, and one
# learning rate cannot serve the whole phase diagram.  The sweep uses the rule below.
# Derive it in the answer cell: why these two scales, why the smaller of the two, and
# what $\eta$ means.


# %%
def learning_rate(m, gamma, gamma_prime, eta):
    """The sweep's learning rate: ``eta / max(m (beta_1m^2 + beta_2m^2) / alpha_m^2, 2 / alpha_m)``.

    With gamma_prime = 0 this is ``eta / 2 * min(m**(2 gamma - 1), m**gamma)``.
    """
    alpha_m, beta_1m, beta_2m = generate_alpha_betas(m, gamma, gamma_prime)
    return eta / max(m * (beta_1m**2 + beta_2m**2) / alpha_m**2, 2.0 / alpha_m)


# %% [markdown] answer=learning_rate_rule
# YOUR ANSWER HERE


# %% [markdown]
# ## (g) Figures
#
# Every plotting function returns its `matplotlib.figure.Figure` (do not call
# `plt.show()`).  Draw points as markers, `ax.plot(x, y, "o")` or `ax.scatter(x, y)`.
# `matplotlib.pyplot` is imported inside the functions, so that the simulation's worker
# processes and the benchmark, which draw nothing, do not load it.
#
# * `plot_training(steps, risk, out_min, out_max, rd)`: three axes side by side: the
#   risk against the step (log scale), the minimum and the maximum of the output
#   against the step (two lines), RD against the step.
# * `plot_network(a, w, b, alpha_m, x, y)`: the network output on $[-1/2, 1/2]$ (a line
#   of at least 100 points) and the data (markers).
# * `plot_neurons(a, w, b, a0, w0, b0)`: each neuron's orientation
#   $\vartheta_j = \operatorname{atan2}(b_j, w_j) \in (-\pi, \pi]$ (x axis) against its
#   amplitude $|a_j|\,\|(w_j, b_j)\|$ (y axis), as markers, once for the initial and
#   once for the final parameters (labelled "initial" and "final").
# * `plot_phase_diagram(gammas, widths, rd)`: the final RD against the width, one line
#   per $\gamma$ (`rd[k]` for `gammas[k]`), with $\gamma$ in the line's label, on
#   log-log axes.


# %% solution
def plot_training(steps, risk, out_min, out_max, rd):
    """Risk, output range and relative distance against the step, on 1 x 3 axes.

    Parameters
    ----------
    steps : ndarray, shape (R,), recorded step numbers
    risk, out_min, out_max, rd : ndarray, shape (R,), their values at those steps

    Returns
    -------
    matplotlib.figure.Figure
        Axes 0: one line (steps, risk), log y, x label containing "step", y label "risk".
        Axes 1: lines (steps, out_min) and (steps, out_max), y label containing "output".
        Axes 2: one line (steps, rd), y label containing "RD".
    """
    import matplotlib.pyplot as plt

    # YOUR CODE HERE
    raise NotImplementedError()


def plot_network(a, w, b, alpha_m, x, y):
    """The network output on [-1/2, 1/2] with the data points.

    Parameters
    ----------
    a, w, b : ndarray, shape (m,)
    alpha_m : float
    x, y : ndarray, shape (n,), the data

    Returns
    -------
    matplotlib.figure.Figure
        One axes: a line (t, f(t)) with t covering [-1/2, 1/2] (>= 100 points) and the
        data as markers (``ax.plot(x, y, "o")`` or ``ax.scatter(x, y)``).
    """
    import matplotlib.pyplot as plt

    # YOUR CODE HERE
    raise NotImplementedError()


def plot_neurons(a, w, b, a0, w0, b0):
    """Orientation against amplitude of every neuron, initially and finally.

    Parameters
    ----------
    a, w, b : ndarray, shape (m,), final parameters
    a0, w0, b0 : ndarray, shape (m,), initial parameters

    Returns
    -------
    matplotlib.figure.Figure
        Two sets of markers (``ax.plot(..., "o")`` or ``ax.scatter``) labelled "initial" and
        "final": x = ``atan2(b_j, w_j)``, y = ``|a_j| * hypot(w_j, b_j)``; x label containing
        "orientation", y label containing "amplitude".
    """
    import matplotlib.pyplot as plt

    # YOUR CODE HERE
    raise NotImplementedError()


def plot_phase_diagram(gammas, widths, rd):
    """Final relative distance against the width, one line per gamma, log-log.

    Parameters
    ----------
    gammas : ndarray, shape (G,)
    widths : ndarray, shape (W,)
    rd : ndarray, shape (G, W), ``rd[k, l]`` for ``gammas[k]`` and ``widths[l]``

    Returns
    -------
    matplotlib.figure.Figure
        One axes, log-log; for each k a line (widths, rd[k]) whose label contains gammas[k].
    """
    import matplotlib.pyplot as plt

    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## (h) The three regimes
#
# Run the experiment (`nndl simulate condensation`, or `--quick`) and discuss the
# figures: the phases of the training at the seed's configuration, what the neuron
# scatter shows, the slopes of the phase diagram, and where the kinks of the condensed
# neurons lie and why.


# %% [markdown] answer=regimes_discussion
# YOUR ANSWER HERE


# %% [markdown]
# ## The experiment
#
# `nndl simulate condensation [--quick]` runs the seed's configuration (one run, the
# training figures, the network and the neuron scatter) and the phase-diagram sweep
# (independent runs over $\gamma$, $m$ and seeds).


# %%
from nndl.simulate import Run, Simulation, run_seed  # noqa: E402

#: Initialisations accepted by the configuration's "init" key.
_INITS = {"zero_output": "zero_output", "seed": "seed", "none": None}


def _main_run(params, ctx):
    m, gamma, gamma_prime = params["m"], params["gamma"], params["gamma_prime"]
    alpha_m, _, _ = generate_alpha_betas(m, gamma, gamma_prime)
    a0, w0, b0 = init_params(m, gamma, gamma_prime, params["seed"], symmetric=_INITS[params["init"]])
    steps, every = params["steps"], params["record_every"]
    chunk = every * max(1, steps // (20 * every))  # about 20 progress updates, whole records each
    records = {"step": [np.zeros(1, dtype=np.int64)], "a": [a0[None]], "w": [w0[None]], "b": [b0[None]],
               "risk": [np.array([risk(a0, w0, b0, alpha_m, X_DATA, Y_DATA)])]}
    a, w, b, done = a0, w0, b0, 0
    with ctx.progress(steps, f"gamma={gamma:g}, m={m}") as bar:
        while done < steps:
            n = min(chunk, steps - done)
            part = gradient_descent(a, w, b, alpha_m, X_DATA, Y_DATA, params["lr"], n, record_every=every)
            for key in records:
                records[key].append(part[key][1:] + (done if key == "step" else 0))
            a, w, b = part["a"][-1], part["w"][-1], part["b"][-1]
            done += n
            bar.update(n)
    hist = {key: np.concatenate(parts) for key, parts in records.items()}
    ranges = np.array([output_range(hist["a"][r], hist["w"][r], hist["b"][r], alpha_m)
                       for r in range(len(hist["step"]))])
    rd = np.array([relative_distance(hist["w"][r], hist["b"][r], w0, b0) for r in range(len(hist["step"]))])
    return {"alpha_m": alpha_m, "step": hist["step"], "risk": hist["risk"], "rd": rd,
            "out_min": ranges[:, 0], "out_max": ranges[:, 1],
            "a0": a0, "w0": w0, "b0": b0, "a": a, "w": w, "b": b}


def _sweep_run(params, ctx):
    m, gamma, gamma_prime = params["m"], params["gamma"], params["gamma_prime"]
    alpha_m, _, _ = generate_alpha_betas(m, gamma, gamma_prime)
    a0, w0, b0 = init_params(m, gamma, gamma_prime, params["seed"], symmetric="zero_output")
    lr = learning_rate(m, gamma, gamma_prime, params["eta"])
    hist = gradient_descent(a0, w0, b0, alpha_m, X_DATA, Y_DATA, lr, params["steps"],
                            record_every=params["steps"])
    return {"lr": lr, "risk0": float(hist["risk"][0]), "risk": float(hist["risk"][-1]),
            "rd": relative_distance(hist["w"][-1], hist["b"][-1], w0, b0)}


def run_condensation(params, ctx):
    """One run of the experiment: the seed's configuration ("main") or a sweep point."""
    return _main_run(params, ctx) if params["kind"] == "main" else _sweep_run(params, ctx)


def condensation_runs(config, seed):
    """The main run and the sweep (gammas x widths x seeds), as independent runs."""
    main = dict(kind="main", m=config["m"], gamma=config["gamma"], gamma_prime=config["gamma_prime"],
                lr=config["lr"], steps=config["steps"], record_every=config["record_every"],
                init=config["init"], seed=run_seed(seed, "main"))
    runs = [Run("main", main)]
    for gamma in config["sweep_gammas"]:
        for m in config["sweep_widths"]:
            for s in range(config["sweep_seeds"]):
                key = f"sweep,gamma={gamma:g},m={m},seed={s}"
                runs.append(Run(key, dict(kind="sweep", m=m, gamma=float(gamma), gamma_prime=config["gamma_prime"],
                                          eta=config["sweep_eta"], steps=config["sweep_steps"],
                                          seed=run_seed(seed, key))))
    return runs


def _sweep_table(config, results):
    gammas = np.array(config["sweep_gammas"], dtype=np.float64)
    widths = np.array(config["sweep_widths"], dtype=np.int64)
    seeds = config["sweep_seeds"]
    rd = np.empty((len(gammas), len(widths), seeds))
    final = np.empty_like(rd)
    lr = np.empty((len(gammas), len(widths)))
    for k, gamma in enumerate(gammas):
        for l, m in enumerate(widths):
            for s in range(seeds):
                data = results[f"sweep,gamma={gamma:g},m={m},seed={s}"]
                rd[k, l, s], final[k, l, s], lr[k, l] = data["rd"], data["risk"], data["lr"]
    return gammas, widths, rd, final, lr


def _slopes(widths, rd_mean):
    if len(widths) < 2:
        return [None] * len(rd_mean)
    return [float(np.polyfit(np.log(widths), np.log(row), 1)[0]) for row in rd_mean]


def condensation_figures(config, results):
    """Every figure of the experiment with the numbers behind it."""
    main = results["main"]
    figures = {
        "training": (plot_training(main["step"], main["risk"], main["out_min"], main["out_max"], main["rd"]),
                     {"step": main["step"], "risk": main["risk"], "out_min": main["out_min"],
                      "out_max": main["out_max"], "rd": main["rd"]}),
        "network": (plot_network(main["a"], main["w"], main["b"], main["alpha_m"], X_DATA, Y_DATA),
                    {"x": np.linspace(-0.5, 0.5, 401),
                     "f": network(np.linspace(-0.5, 0.5, 401), main["a"], main["w"], main["b"], main["alpha_m"]),
                     "x_data": X_DATA, "y_data": Y_DATA}),
        "neurons": (plot_neurons(main["a"], main["w"], main["b"], main["a0"], main["w0"], main["b0"]),
                    {"orientation_initial": np.arctan2(main["b0"], main["w0"]),
                     "amplitude_initial": np.abs(main["a0"]) * np.hypot(main["w0"], main["b0"]),
                     "orientation_final": np.arctan2(main["b"], main["w"]),
                     "amplitude_final": np.abs(main["a"]) * np.hypot(main["w"], main["b"]),
                     "kink_final": -np.asarray(main["b"]) / np.asarray(main["w"])}),
    }
    if config["sweep_gammas"] and config["sweep_widths"]:
        gammas, widths, rd, final, lr = _sweep_table(config, results)
        rd_mean = rd.mean(axis=2)
        figures["phase_diagram"] = (plot_phase_diagram(gammas, widths, rd_mean), {
            "gammas": gammas, "widths": widths, "rd_mean": rd_mean, "rd_runs": rd, "final_risk": final,
            "lr": lr, "eta": config["sweep_eta"], "steps": config["sweep_steps"],
            "slopes": _slopes(widths, rd_mean)})
    return figures


def condensation_summary(config, results):
    main = results["main"]
    out = {"main_final_risk": float(main["risk"][-1]), "main_final_rd": float(main["rd"][-1])}
    if config["sweep_gammas"] and config["sweep_widths"]:
        gammas, widths, rd, final, _ = _sweep_table(config, results)
        out["phase_slopes"] = dict(zip((f"gamma={g:g}" for g in gammas), _slopes(widths, rd.mean(axis=2))))
        out["sweep_worst_final_risk"] = float(final.max())
    return out


def check_condensation_config(config):
    """ValueError naming the first bad key of a configuration."""
    def positive_int(key, value):
        if not (isinstance(value, int) and value >= 1):
            raise ValueError(f"{key} must be a positive integer, got {value!r}")

    for key in ("m", "steps", "record_every", "sweep_seeds", "sweep_steps"):
        positive_int(key, config[key])
    if config["init"] not in _INITS:
        raise ValueError(f"init must be one of {', '.join(_INITS)}, got {config['init']!r}")
    if config["init"] != "none" and config["m"] % 2:
        raise ValueError(f"m must be even for a symmetric init, got {config['m']}")
    if not config["lr"] > 0:
        raise ValueError(f"lr must be positive, got {config['lr']}")
    if not config["sweep_eta"] > 0:
        raise ValueError(f"sweep_eta must be positive, got {config['sweep_eta']}")
    for m in config["sweep_widths"]:
        if not (isinstance(m, int) and m >= 2 and m % 2 == 0):
            raise ValueError(f"sweep_widths must be even integers >= 2, got {m!r}")
    for gamma in config["sweep_gammas"]:
        if not isinstance(gamma, (int, float)) or isinstance(gamma, bool):
            raise ValueError(f"sweep_gammas must be numbers, got {gamma!r}")


SIMULATION = Simulation(
    configs={
        # The seed's configuration (m = 800, lr = 70, 2e5 steps, gamma = 3/2, gamma' = 0) with the
        # zero-output initialisation, and the phase-diagram sweep.
        "default": {"m": 800, "gamma": 1.5, "gamma_prime": 0.0, "lr": 70.0, "steps": 200_000,
                    "record_every": 500, "init": "zero_output",
                    "sweep_gammas": [0.5, 1.0, 1.5], "sweep_widths": [50, 100, 200, 400, 800, 1600, 3200],
                    "sweep_seeds": 5, "sweep_eta": 1.0, "sweep_steps": 10_000},
        # The same main run (it takes seconds) and a small sweep.
        "quick": {"m": 800, "gamma": 1.5, "gamma_prime": 0.0, "lr": 70.0, "steps": 200_000,
                  "record_every": 1000, "init": "zero_output",
                  "sweep_gammas": [0.5, 1.0, 1.5], "sweep_widths": [50, 100, 200, 400],
                  "sweep_seeds": 2, "sweep_eta": 1.0, "sweep_steps": 3000},
    },
    runs=condensation_runs,
    run=run_condensation,
    figures=condensation_figures,
    validate=check_condensation_config,
    summary=condensation_summary,
)
