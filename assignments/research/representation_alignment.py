# Exercise set research/representation_alignment: fill in every `raise NotImplementedError()`.
# Check your work: nndl-grade representation_alignment.py --set representation_alignment
# (generated from the course solutions by `nndl build`; do not edit the cell headers)

# %% [markdown]
# # Representation–gradient alignment in a deep narrow network
#
# Research seminar.  Ziyin, Chuang, Galanti, Poggio (2024), *Formation of
# Representations in Neural Networks* (arXiv:2410.03006), propose the
# *canonical representation hypothesis*: during training, the representations
# $\mathbf{h}$ of a layer, the gradients $\mathbf{g}$ that reach them and the
# layer's weights become mutually aligned.  One of its measurable predictions
# is the alignment of the representation covariance
# $\mathbb{E}[\mathbf{h}\mathbf{h}^T]$ with the gradient covariance
# $\mathbb{E}[\mathbf{g}\mathbf{g}^T]$.
#
# The seminar notebook (the *seed*) measured it in a small experiment, which we
# reproduce here, correctly and fast:
#
# * data: $N = 1000$ points $x_i$ evenly spaced in $[-10, 10]$,
#   $y_i = \sin x_i + 0.1\,\varepsilon_i$ with standard normal $\varepsilon_i$;
# * network: six `Linear` layers of widths $1 \to 4 \to 4 \to 4 \to 4 \to 4 \to 1$
#   with LeakyReLU (negative slope 0.01) after the first five;
# * training: full-batch Adam (learning rate 0.01, L2 weight decay $10^{-5}$ added
#   to the gradient as `torch.optim.Adam(weight_decay=...)` does) on the mean squared
#   error, 13 000 epochs, float32;
# * measurement, at every epoch and for every layer $l$: the alignment between
#   the pre-activations $H_l = Z_l$ (outputs of the `Linear` layer, one row per
#   sample) and their negative gradients $G_l = -\partial L / \partial Z_l$.
#
# **Where this reference departs from the seed** (the seed's behaviour stays
# measurable where it matters):
#
# 1. `compute_alignment`: the seed divides every row by its norm, so a row that
#    is exactly zero gives 0/0 = NaN and poisons the whole value.  This happens in
#    the seed's own run: at epochs 112, 6220 and 10 469 the float32 output of one
#    sample equals its target exactly, that sample's gradient row is zero in every
#    layer, and all six series are NaN (gaps in the seed's figure;
#    `bench/representation_alignment.py` counts them).  Here a zero row
#    contributes nothing (its normalised row is defined as the zero vector), and
#    if every row of `H` or of `G` is zero the alignment is 0.  The seed's
#    `+ 1e-8` in the denominator is dropped: it is no longer needed and it kept
#    `compute_alignment(H, H)` below 1.  The value is the cosine (uncentred
#    correlation) of the two covariance matrices, as in the seed.
# 2. Randomness is local: one `torch.Generator` per run seeded with the run's
#    seed, never `torch.manual_seed`.  The draws keep the seed's order (the
#    noise, then layer by layer the weight and the bias with `nn.Linear`'s default
#    initialisation), so `make_problem(42)` gives exactly the seed's data and
#    initial weights.
# 3. The training loop is a hand-written forward and backward pass with Adam in
#    one compiled (numba) kernel that trains many seeds in one call, instead of
#    `nn.Module` + autograd + `torch.optim.Adam` + a Python loop with about a
#    hundred small tensor operations and six `.item()` per epoch (~35x faster per
#    run).  The mathematics is the same (the checks compare with `torch.autograd`
#    and with Adam's steps; `bench/representation_alignment.py` compares with the
#    seed's own loop, which it matches over the first 100 epochs to float32
#    rounding); only the order of floating-point operations differs.  This
#    training is chaotic: two runs that differ by one rounding error drift apart
#    to differences of a few per cent in the loss within ~300-500 epochs (the
#    seed's own loop in float32 and in float64 do the same), so runs are compared
#    exactly only over a short horizon, and otherwise statistically over seeds.
# 4. The seed's docstring calls $H$ the "layer activations"; it (and this
#    reference) uses the pre-activations.  The sign of $G$ does not matter
#    (the covariance is quadratic in $G$).
# 5. The seed tracks six series, the last being the output layer of width 1,
#    whose alignment is identically 1 (every non-zero row of a one-column matrix
#    normalises to $\pm 1$); it plots only hidden layers 1, 3 and 5.  We plot all
#    six and mark the output layer as trivial.
# 6. The seed's docstring claims that "deeper layers show stronger alignment".
#    One seed cannot show an ordering; we train many seeds and report what the
#    data show per layer (answer `depth_claim` below): they do not support it.
# 7. Minor: the seed's `batch_size = 64` is never used (training is full-batch,
#    as here); its `if activation.grad is not None` is always true.  As in the
#    seed, the series are recorded at the parameters *before* each epoch's step
#    (the seed computes them after `optimizer.step()`, but from the forward and
#    backward pass that preceded it).


# %%
import math

import matplotlib.pyplot as plt
import numpy as np
import torch

#: The seed's network: input width 1, five hidden layers of width 4, output width 1.
WIDTHS = (1, 4, 4, 4, 4, 4, 1)
#: Number of data points, evenly spaced in [-10, 10].
N_SAMPLES = 1000
#: Standard deviation of the noise added to sin(x).
NOISE = 0.1
#: LeakyReLU's slope for negative inputs.
NEGATIVE_SLOPE = 0.01
#: Adam's learning rate and L2 weight decay; betas (0.9, 0.999) and eps 1e-8 are torch's defaults.
LEARNING_RATE = 0.01
WEIGHT_DECAY = 1e-5
BETAS = (0.9, 0.999)
EPS = 1e-8
#: Full-batch epochs of the seed's run.
EPOCHS = 13_000
#: The seed's torch.manual_seed.
SEED = 42


# %% [markdown]
# ## (a) The alignment of two representations
#
# For $H, G \in \mathbb{R}^{N \times d}$ (one row per sample) let $\hat H$ and
# $\hat G$ be the matrices with every row divided by its Euclidean norm, and
# $C_H = \hat H^T \hat H / N$, $C_G = \hat G^T \hat G / N$ their $d \times d$
# (uncentred) covariances.  The alignment is the cosine of the two matrices in
# the Frobenius inner product,
#
# $$\operatorname{align}(H, G) = \frac{\langle C_H, C_G\rangle_F}{\|C_H\|_F\,\|C_G\|_F}
#   = \frac{\sum_{ab} (C_H)_{ab} (C_G)_{ab}}{\sqrt{\sum_{ab} (C_H)_{ab}^2 \sum_{ab} (C_G)_{ab}^2}} .$$
#
# A row that is exactly zero has no direction: define its normalised row as the
# zero vector (it then contributes nothing to the covariance), and define the
# alignment as 0 when $C_H = 0$ or $C_G = 0$ (all rows zero).  Never return NaN.


# %% solution
def compute_alignment(H, G):
    """Cosine of the covariances of the row-normalised H and G.

    Parameters
    ----------
    H, G : array_like, shape (N, d)
        Two representations of the same N samples (e.g. a layer's pre-activations and
        their negative gradients), one row per sample.  Not modified.

    Returns
    -------
    float in [0, 1]
        ``<C_H, C_G>_F / (||C_H||_F ||C_G||_F)`` with ``C_H = Hn^T Hn / N`` and ``Hn`` the
        rows of H divided by their norms (likewise for G).  A zero row contributes
        nothing; the alignment is 0 if every row of H or of G is zero.  (The seed's
        version returns NaN as soon as one row is zero, and adds 1e-8 to the denominator.)

    Raises
    ------
    ValueError
        If H and G are not 2-D arrays of the same shape.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# Prove the properties that make this a sensible measure of alignment.


# %% [markdown] answer=alignment_properties
# YOUR ANSWER HERE


# %% [markdown]
# ## (b) Data and initial network, reproducible from a seed
#
# `make_problem(seed)` draws everything from **one local generator**
# `g = torch.Generator().manual_seed(seed)` (never `torch.manual_seed`) in the
# seed notebook's order, in float32:
#
# 1. `x = torch.linspace(-10, 10, n_samples)` and
#    `y = torch.sin(x) + noise * torch.randn(n_samples, generator=g)`;
# 2. for each layer (input width `a`, output width `b`) the weight, shape `(b, a)`,
#    with `torch.nn.init.kaiming_uniform_(w, a=math.sqrt(5), generator=g)`, then the
#    bias, shape `(b,)`, uniform in $[-1/\sqrt{a}, 1/\sqrt{a}]$ (`nn.Linear`'s
#    default initialisation).
#
# With `seed=42` these are exactly the seed notebook's data and initial weights.


# %% solution
def make_problem(seed, n_samples=N_SAMPLES, widths=WIDTHS, noise=NOISE):
    """The data and the initial network of one run, drawn from a local torch generator.

    Parameters
    ----------
    seed : int
        Seed of ``torch.Generator().manual_seed(seed)``, the only source of randomness.
    n_samples : int
        Number of data points N.
    widths : sequence of int
        Layer widths ``(1, d_1, ..., d_{L-1}, 1)``: L Linear layers.
    noise : float
        Standard deviation of the Gaussian noise on sin(x).

    Returns
    -------
    dict
        ``"x"``: float32 ndarray, shape (N,), ``torch.linspace(-10, 10, N)``;
        ``"y"``: float32 ndarray, shape (N,), ``sin(x) + noise * randn``;
        ``"weights"``: list of L float32 ndarrays, entry l of shape (widths[l+1], widths[l]);
        ``"biases"``: list of L float32 ndarrays, entry l of shape (widths[l+1],).
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## (c) Pre-activations and their gradients
#
# Write the forward pass $A_0 = x$, $Z_l = A_{l} W_l^T + b_l$,
# $A_{l+1} = \operatorname{LeakyReLU}(Z_l)$ (not after the last layer), the loss
# $L = \frac1N\sum_i (Z_{L-1,i} - y_i)^2$, and the backward pass by hand:
# $\partial L/\partial Z_{L-1} = \frac2N (Z_{L-1} - y)$,
# $\partial L/\partial W_l = (\partial L/\partial Z_l)^T A_l$,
# $\partial L/\partial b_l = \sum_i (\partial L/\partial Z_l)_i$,
# $\partial L/\partial Z_{l-1} = \big((\partial L/\partial Z_l) W_l\big) \odot
# \operatorname{LeakyReLU}'(Z_{l-1})$ with derivative 1 for $z > 0$ and the
# negative slope for $z \le 0$ (as torch).  Compute in float64.


# %% solution
def layer_gradients(weights, biases, x, y, negative_slope=NEGATIVE_SLOPE):
    """Forward and backward pass of the network; every layer's pre-activations and gradients.

    Parameters
    ----------
    weights : list of L array_like, entry l of shape (d_{l+1}, d_l), with d_0 = d_L = 1
    biases : list of L array_like, entry l of shape (d_{l+1},)
    x, y : array_like, shape (N,)
        Inputs and targets.
    negative_slope : float
        LeakyReLU's slope for z <= 0 (after every layer but the last).

    Returns
    -------
    dict, all arrays float64 (computed in float64 whatever the input dtype)
        ``"loss"``: float, ``mean((Z_{L-1} - y)^2)``;
        ``"preactivations"``: list of L arrays, entry l of shape (N, d_{l+1}): ``Z_l``;
        ``"gradients"``: list of L arrays, entry l of shape (N, d_{l+1}): ``dL/dZ_l``
        (the gradient itself, not its negative);
        ``"weight_gradients"``: list of L arrays shaped like the weights: ``dL/dW_l``;
        ``"bias_gradients"``: list of L arrays shaped like the biases: ``dL/db_l``.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## (d) Training many seeds at once, with the alignment tracked every epoch
#
# `train(seeds, epochs)` trains one network per seed, each from
# `make_problem(seed, ...)` (its own data and initial weights), with full-batch
# Adam exactly as `torch.optim.Adam(params, lr, betas=(0.9, 0.999), eps=1e-8,
# weight_decay=...)` does it (the weight decay is added to the gradient), in
# float32.  At every epoch it records, **before** the step, the loss and for
# every layer `compute_alignment(Z_l, -dL/dZ_l)`.
#
# The seed's loop spends ~2 ms per epoch on Python and on the launch of ~100
# tiny tensor operations; at width 4 the arithmetic is negligible.  Make it fast:
# fewer, larger operations per epoch, and many seeds per call (the experiment is a
# sweep over seeds).  Adam is elementwise, so training the seeds together in one
# set of stacked arrays is exactly training each on its own, and a seed's result
# must not depend on which other seeds are in the batch.
#
# The cell below is for helpers of `train` (a compiled kernel, a batched torch
# forward/backward, ...): replace its body with yours, or with `pass`.


# %% solution
# YOUR CODE HERE
raise NotImplementedError()


# %% solution
def train(seeds, epochs=EPOCHS, *, n_samples=N_SAMPLES, widths=WIDTHS, noise=NOISE, lr=LEARNING_RATE,
          weight_decay=WEIGHT_DECAY, negative_slope=NEGATIVE_SLOPE, progress=None):
    """Train one network per seed with full-batch Adam; track loss and alignment every epoch.

    Run ``k`` starts from ``make_problem(seeds[k], n_samples, widths, noise)``: its own data
    and initial weights.  Each epoch: forward pass, loss ``mean((output - y)^2)``, backward
    pass, record, then one Adam step as ``torch.optim.Adam(lr=lr, betas=(0.9, 0.999),
    eps=1e-8, weight_decay=weight_decay)`` takes it.  Computed in float32, as the seed.
    (The seed trains one seed with nn.Module, autograd and torch.optim.Adam; the records are
    the same, up to the order of rounding, and never NaN.)

    Parameters
    ----------
    seeds : sequence of int
        One run per seed; a run's results do not depend on the other seeds.
    epochs : int
        Number of epochs (Adam steps).
    n_samples, widths, noise :
        As in :func:`make_problem`; ``widths[0] == widths[-1] == 1``.
    lr, weight_decay : float
        Adam's learning rate and L2 weight decay.
    negative_slope : float
        LeakyReLU's slope.
    progress : callable or None
        If given, called as ``progress(k)`` after every ``k`` further epochs (for all seeds).

    Returns
    -------
    dict
        ``"loss"``: float32 ndarray, shape (S, epochs): the loss at the start of each epoch;
        ``"alignment"``: float32 ndarray, shape (S, epochs, L): at the start of each epoch,
        ``compute_alignment(Z_l, -dL/dZ_l)`` of every layer l (L = len(widths) - 1).
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## (e) The figure per layer
#
# One panel per layer, in layer order (row-major on a grid of at most three
# columns), each with one line per run: the alignment against the epoch.  Label
# the axes "epoch" and "alignment", title the panels "layer 1", ..., "layer L",
# and return the figure.


# %% solution
def plot_alignment(alignment, seeds=None, epochs=None):
    """The alignment of every layer against the epoch, one panel per layer, one line per run.

    Parameters
    ----------
    alignment : array_like, shape (S, E, L)
        ``train(...)["alignment"]``: run s, epoch e, layer l.
    seeds : sequence of int, optional
        The runs' seeds, for the legend.
    epochs : array_like, shape (E,), optional
        The epochs of the E records (default ``0, 1, ..., E - 1``; pass e.g.
        ``np.arange(0, 13000, 10)`` for a series thinned to every tenth epoch).

    Returns
    -------
    matplotlib.figure.Figure
        L axes in layer order (``fig.axes[l]`` is layer l + 1), each with S lines
        ``(epochs, alignment[s, :, l])``, x label "epoch", y label "alignment",
        title starting with "layer l + 1".
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## (f) What the data show per layer
#
# The seed's docstring concludes that "deeper layers show stronger alignment".
# Run the experiment over many seeds (`nndl simulate representation_alignment`
# trains the seed's configuration for 32 seeds, seed 42 first) and report, per
# layer, the alignment at the end of training (mean over the last 10 % of the
# epochs) across seeds.  Which ordering of the layers, if any, do the data
# support?  Why did the seed's single run suggest one?


# %% [markdown] answer=depth_claim
# YOUR ANSWER HERE


# %%
# The experiment for `nndl simulate representation_alignment` (see nndl/simulate.py).
#
# The sweep is over seeds: seed 42 (the seed notebook's own run) and n_seeds - 1 more,
# derived from the command's --seed and the run's position with run_seed.  Batching is the
# fast path: one Run trains `seeds_per_run` seeds in one call of `train`, so the compiled
# kernel is paid for once per process and Python overhead once per chunk of epochs; the
# runs (batches) are independent and go to separate processes (--workers).  A seed's
# result does not depend on its batch, so the split only changes the wall time.
from nndl.simulate import Run, Simulation, run_seed  # noqa: E402

_COMMON = {"n_samples": N_SAMPLES, "width": 4, "depth": len(WIDTHS) - 1, "noise": NOISE, "lr": LEARNING_RATE,
           "weight_decay": WEIGHT_DECAY, "negative_slope": NEGATIVE_SLOPE, "late_fraction": 0.1}
SIM_CONFIGS = {
    "quick": {"epochs": 2000, "n_seeds": 4, "seeds_per_run": 4, **_COMMON},
    "default": {"epochs": EPOCHS, "n_seeds": 32, "seeds_per_run": 8, **_COMMON},
}
#: At most this many points per curve in the figures and their tables (the series are thinned
#: evenly; the per-epoch jitter of the alignment, ~0.004, is far below what a figure shows).
_PLOT_POINTS = 1500


def _sim_validate(config):
    for key in ("epochs", "n_seeds", "seeds_per_run", "n_samples", "width", "depth"):
        if not isinstance(config[key], int) or config[key] < 1:
            raise ValueError(f"{key} must be a positive integer, got {config[key]!r}")
    if config["depth"] < 2:
        raise ValueError(f"depth must be at least 2 (one hidden layer), got {config['depth']}")
    for key in ("lr", "weight_decay", "noise", "negative_slope"):
        if not config[key] >= 0:
            raise ValueError(f"{key} must be a non-negative number, got {config[key]!r}")
    if not 0 < config["late_fraction"] <= 1:
        raise ValueError(f"late_fraction must be in (0, 1], got {config['late_fraction']!r}")


def _sim_widths(config):
    return (1,) + (config["width"],) * (config["depth"] - 1) + (1,)


def _sim_runs(config, seed):
    seeds = [SEED] + [run_seed(seed, f"net{i}") for i in range(1, config["n_seeds"])]
    step = config["seeds_per_run"]
    keys = ("epochs", "n_samples", "noise", "lr", "weight_decay", "negative_slope")
    return [Run(f"seeds={i}-{min(i + step, len(seeds)) - 1}",
                {"seeds": seeds[i:i + step], "widths": list(_sim_widths(config)), **{k: config[k] for k in keys}})
            for i in range(0, len(seeds), step)]


def _sim_run(params, ctx):
    seeds = list(params["seeds"])
    with ctx.progress(params["epochs"], f"{len(seeds)} seeds") as bar:
        result = train(seeds, params["epochs"], n_samples=params["n_samples"], widths=tuple(params["widths"]),
                       noise=params["noise"], lr=params["lr"], weight_decay=params["weight_decay"],
                       negative_slope=params["negative_slope"], progress=bar.update)
    # Stored rounded (the float32 series carry ~7 digits; the JSON stays compact).
    return {"seeds": seeds, "loss": np.round(result["loss"].astype(np.float64), 8),
            "alignment": np.round(result["alignment"].astype(np.float64), 6)}


def _sim_collect(results):
    seeds = [s for data in results.values() for s in data["seeds"]]
    loss = np.concatenate([np.asarray(data["loss"], dtype=np.float64) for data in results.values()])
    alignment = np.concatenate([np.asarray(data["alignment"], dtype=np.float64) for data in results.values()])
    return seeds, loss, alignment


def _sim_late(config, alignment):
    n_late = max(1, int(round(config["late_fraction"] * alignment.shape[1])))
    return alignment[:, -n_late:, :].mean(axis=1), n_late


def _sim_figures(config, results):
    seeds, loss, alignment = _sim_collect(results)
    n_runs, n_epochs, depth = alignment.shape
    every = max(1, -(-n_epochs // _PLOT_POINTS))
    epochs = np.arange(0, n_epochs, every)
    thin = alignment[:, ::every, :]
    quartiles = np.percentile(thin, [25, 50, 75], axis=0)  # (3, E', L)

    fig = plot_alignment(thin, seeds, epochs)
    for l, ax in enumerate(fig.axes):
        for line in ax.get_lines():
            line.set_alpha(0.35)
        ax.plot(epochs, quartiles[1, :, l], color="black", linewidth=1.6, label="median over seeds")
    fig.suptitle(f"Alignment of Z_l with -dL/dZ_l, {n_runs} seeds (seed {seeds[0]} = the seed notebook's run)")
    table = {"epoch": epochs}
    for l in range(depth):
        for q, name in zip(quartiles, ("q25", "median", "q75")):
            table[f"layer{l + 1}_{name}"] = q[:, l]
    for l in range(depth):
        for s, seed in enumerate(seeds):
            table[f"layer{l + 1}_seed{seed}"] = thin[s, :, l]

    late, n_late = _sim_late(config, alignment)
    fig2, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    rng = np.random.default_rng(0)  # horizontal jitter of the points only
    layers = np.arange(1, depth + 1)
    for l in range(depth):
        ax.scatter(layers[l] + rng.uniform(-0.15, 0.15, n_runs), late[:, l], s=12, color="tab:blue", alpha=0.6)
    mean = late.mean(axis=0)
    half = _t_quantile(n_runs - 1) * late.std(axis=0, ddof=1) / np.sqrt(n_runs) if n_runs > 1 else 0 * mean
    ax.errorbar(layers, mean, yerr=half, color="black", marker="_", markersize=18, capsize=4, linestyle="none",
                label="mean ± 95% CI over seeds")
    ax.scatter(layers, late[0], marker="*", s=90, color="tab:red", zorder=3, label=f"seed {seeds[0]}")
    ax.set_xticks(layers, [f"{l}" + (" (output)" if l == depth else "") for l in layers])
    ax.set_xlabel("layer")
    ax.set_ylabel(f"alignment, mean of the last {n_late} epochs")
    ax.set_ylim(0.0, 1.05)
    ax.legend(fontsize="small", loc="lower left")
    table2 = {"seed": np.repeat(seeds, depth), "layer": np.tile(layers, n_runs), "late_alignment": late.ravel(),
              "final_loss": np.repeat(loss[:, -1], depth)}

    fig3, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    thin_loss = loss[:, ::every]
    for s, seed in reversed(list(enumerate(seeds))):  # seed 42 (s = 0) drawn last, on top
        ax.plot(epochs, thin_loss[s], linewidth=0.8, color="tab:red" if s == 0 else "tab:blue",
                alpha=1.0 if s == 0 else 0.4, label=f"seed {seed}" if s == 0 else ("other seeds" if s == 1 else None))
    ax.axhline(config["noise"] ** 2, color="black", linestyle=":", label="noise variance")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (MSE)")
    ax.legend(fontsize="small")
    table3 = {"epoch": epochs, **{f"loss_seed{seed}": thin_loss[s] for s, seed in enumerate(seeds)}}
    return {"alignment_per_layer": (fig, table), "late_alignment": (fig2, table2), "loss": (fig3, table3)}


def _t_quantile(dof):
    import scipy.stats

    return float(scipy.stats.t.ppf(0.975, dof))


def _sim_summary(config, results):
    import scipy.stats

    seeds, loss, alignment = _sim_collect(results)
    late, n_late = _sim_late(config, alignment)
    n_runs, depth = late.shape
    hidden = late[:, :-1]
    fit = loss[:, -1] < 2 * config["noise"] ** 2
    out = {
        "seeds": seeds, "late_epochs": n_late,
        "per_layer": {f"layer{l + 1}": {"mean": float(late[:, l].mean()), "median": float(np.median(late[:, l])),
                                        "sd": float(late[:, l].std(ddof=1)) if n_runs > 1 else 0.0,
                                        "min": float(late[:, l].min()), "max": float(late[:, l].max())}
                      for l in range(depth)},
        "seeds_fitting_the_data": int(fit.sum()),
        "final_loss_median": float(np.median(loss[:, -1])),
    }
    if hidden.shape[1] >= 2:
        steps = {}
        for l in range(hidden.shape[1] - 1):
            diff = hidden[:, l + 1] - hidden[:, l]
            p = float(scipy.stats.wilcoxon(diff).pvalue) if n_runs >= 6 and np.any(diff != 0) else None
            steps[f"layer{l + 2}>layer{l + 1}"] = {"seeds": int(np.sum(diff > 0)), "of": n_runs, "wilcoxon_p": p}
        out["consecutive_hidden_layers"] = steps
        out["last_hidden_above_first"] = int(np.sum(hidden[:, -1] > hidden[:, 0]))
        for name, rows in (("all", hidden), ("fitting", hidden[fit])):
            diff = rows[:, -1] - rows[:, 0]
            out[f"last_vs_first_hidden_wilcoxon_p_{name}"] = (
                float(scipy.stats.wilcoxon(diff).pvalue) if len(rows) >= 6 and np.any(diff != 0) else None)
        out["per_layer_mean_fitting_seeds"] = [float(v) for v in late[fit].mean(axis=0)] if fit.any() else None
        out["strictly_increasing_with_depth"] = int(np.sum(np.all(np.diff(hidden, axis=1) > 0, axis=1)))
        if hidden.shape[1] >= 3:
            rho = [float(scipy.stats.spearmanr(np.arange(hidden.shape[1]), row).statistic) for row in hidden]
            rho = [r for r in rho if np.isfinite(r)]
            out["spearman_depth_vs_alignment"] = {"mean": float(np.mean(rho)) if rho else None,
                                                  "positive_seeds": int(np.sum(np.array(rho) > 0))}
    return out


SIMULATION = Simulation(configs=SIM_CONFIGS, runs=_sim_runs, run=_sim_run, figures=_sim_figures,
                        validate=_sim_validate, summary=_sim_summary)
