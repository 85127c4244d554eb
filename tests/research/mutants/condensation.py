"""Realistic wrong and valid implementations of ``condensation``.

Overrides are rebound to the reference's namespace (:func:`tests.mutation.namespace`): a
mutant ``network`` is what the reference's ``risk`` and ``output_range`` call, a mutant
``generate_alpha_betas`` what its ``init_params`` calls, as in a notebook where all cells
share one ``globals()``.
"""

from __future__ import annotations

import math
import re

import numpy as np

from tests.mutation import Alternative, Mutant

OUTPUT_GRID = np.linspace(-0.5, 0.5, 400)


# --- wrong: generate_alpha_betas -----------------------------------------------------------------
def alpha_betas_markdown_sign(m, gamma, gamma_prime):
    # The seed's markdown: gamma = lim log(kappa) / log(m), i.e. kappa = m**gamma.
    alpha_m = m ** (gamma - gamma_prime)
    kappa, kappa_prime = m**gamma, m ** (-gamma_prime)
    return alpha_m, math.sqrt(kappa * kappa_prime * alpha_m), math.sqrt(kappa / kappa_prime * alpha_m)


def alpha_betas_no_sqrt(m, gamma, gamma_prime):
    alpha_m = m ** (gamma - gamma_prime)
    kappa, kappa_prime = m ** (-gamma), m ** (-gamma_prime)
    return alpha_m, kappa * kappa_prime * alpha_m, kappa / kappa_prime * alpha_m


# --- wrong: init_params ------------------------------------------------------------------------------
def _halves(a, w, b, symmetric):
    if symmetric == "zero_output":
        return np.concatenate((a, -a)), np.concatenate((w, w)), np.concatenate((b, b))
    if symmetric == "seed":
        return np.concatenate((a, a)), np.concatenate((w, -w)), np.concatenate((b, b))
    return a, w, b


def init_variance_as_scale(m, gamma, gamma_prime, seed, symmetric=None):
    _, beta_1m, beta_2m = generate_alpha_betas(m, gamma, gamma_prime)  # noqa: F821
    rng = np.random.default_rng(seed)
    size = m if symmetric is None else m // 2
    a = rng.normal(0.0, beta_1m**2, size)  # the variance beta^2 passed as the scale
    w = rng.normal(0.0, beta_2m**2, size)
    b = rng.normal(0.0, beta_2m**2, size)
    return _halves(a, w, b, symmetric)


def init_uniform_same_variance(m, gamma, gamma_prime, seed, symmetric=None):
    _, beta_1m, beta_2m = generate_alpha_betas(m, gamma, gamma_prime)  # noqa: F821
    rng = np.random.default_rng(seed)
    size = m if symmetric is None else m // 2
    s = math.sqrt(3.0)
    a = rng.uniform(-s * beta_1m, s * beta_1m, size)  # "Kaiming uniform": right variance, wrong law
    w = rng.uniform(-s * beta_2m, s * beta_2m, size)
    b = rng.uniform(-s * beta_2m, s * beta_2m, size)
    return _halves(a, w, b, symmetric)


def init_global_random_state(m, gamma, gamma_prime, seed, symmetric=None):
    # The seed's np.random.normal: numpy's global state, the seed argument ignored.
    _, beta_1m, beta_2m = generate_alpha_betas(m, gamma, gamma_prime)  # noqa: F821
    size = m if symmetric is None else m // 2
    a = np.random.normal(0.0, beta_1m, size)
    w = np.random.normal(0.0, beta_2m, size)
    b = np.random.normal(0.0, beta_2m, size)
    return _halves(a, w, b, symmetric)


def init_zero_output_is_seed_pairing(m, gamma, gamma_prime, seed, symmetric=None):
    # Kept the seed's (a, a), (w, -w), (b, b) under the new name.
    _, beta_1m, beta_2m = generate_alpha_betas(m, gamma, gamma_prime)  # noqa: F821
    rng = np.random.default_rng(seed)
    size = m if symmetric is None else m // 2
    a, w, b = rng.normal(0.0, beta_1m, size), rng.normal(0.0, beta_2m, size), rng.normal(0.0, beta_2m, size)
    return _halves(a, w, b, "seed" if symmetric is not None else None)


def init_zero_output_negates_w(m, gamma, gamma_prime, seed, symmetric=None):
    _, beta_1m, beta_2m = generate_alpha_betas(m, gamma, gamma_prime)  # noqa: F821
    rng = np.random.default_rng(seed)
    size = m if symmetric is None else m // 2
    a, w, b = rng.normal(0.0, beta_1m, size), rng.normal(0.0, beta_2m, size), rng.normal(0.0, beta_2m, size)
    if symmetric == "zero_output":  # (a, -a), (w, -w), (b, b): the two units differ, nothing cancels
        return np.concatenate((a, -a)), np.concatenate((w, -w)), np.concatenate((b, b))
    return _halves(a, w, b, symmetric)


def init_draws_w_first(m, gamma, gamma_prime, seed, symmetric=None):
    _, beta_1m, beta_2m = generate_alpha_betas(m, gamma, gamma_prime)  # noqa: F821
    rng = np.random.default_rng(seed)
    size = m if symmetric is None else m // 2
    w = rng.normal(0.0, beta_2m, size)  # same laws, other order: other numbers than the contract's
    b = rng.normal(0.0, beta_2m, size)
    a = rng.normal(0.0, beta_1m, size)
    return _halves(a, w, b, symmetric)


# --- wrong: network, risk, risk_gradient ----------------------------------------------------------------
def network_missing_alpha(x, a, w, b, alpha_m):
    return np.maximum(np.multiply.outer(np.asarray(x, float), w) + b, 0.0) @ a


def network_relu_after_sum(x, a, w, b, alpha_m):
    return np.maximum((np.multiply.outer(np.asarray(x, float), w) + b) @ a, 0.0) / alpha_m


def risk_without_half(a, w, b, alpha_m, x, y):
    return float(np.mean((network(x, a, w, b, alpha_m) - y) ** 2))  # noqa: F821


def risk_sum_not_mean(a, w, b, alpha_m, x, y):
    return float(0.5 * np.sum((network(x, a, w, b, alpha_m) - y) ** 2))  # noqa: F821


def _seed_terms(a, w, b, alpha_m, x, y):
    x = np.asarray(x, float)
    pre = np.outer(x, w) + b
    mask = (pre > 0).astype(float)
    relu = pre * mask
    term2 = relu @ a / alpha_m - y
    return x, mask, relu, term2, len(x)


def gradient_negated(a, w, b, alpha_m, x, y):
    # The seed's gradient_flow: the negative gradient.
    x, mask, relu, e, n = _seed_terms(a, w, b, alpha_m, x, y)
    return (-(e @ relu) / (n * alpha_m), -(a * ((e * x) @ mask)) / (n * alpha_m), -(a * (e @ mask)) / (n * alpha_m))


def gradient_w_missing_x(a, w, b, alpha_m, x, y):
    x, mask, relu, e, n = _seed_terms(a, w, b, alpha_m, x, y)
    return (e @ relu) / (n * alpha_m), a * (e @ mask) / (n * alpha_m), a * (e @ mask) / (n * alpha_m)


def gradient_missing_a_factor(a, w, b, alpha_m, x, y):
    x, mask, relu, e, n = _seed_terms(a, w, b, alpha_m, x, y)
    return (e @ relu) / (n * alpha_m), ((e * x) @ mask) / (n * alpha_m), (e @ mask) / (n * alpha_m)


# --- wrong: gradient_descent ----------------------------------------------------------------------------
def _record_steps(steps, record_every):
    out = list(range(0, steps + 1, record_every))
    return out if out[-1] == steps else out + [steps]


def _pack(records, risks, steps_list):
    return {"step": np.array(steps_list, dtype=np.int64), "a": np.array([r[0] for r in records]),
            "w": np.array([r[1] for r in records]), "b": np.array([r[2] for r in records]),
            "risk": np.array(risks, dtype=float)}


def gd_ascent(a, w, b, alpha_m, x, y, lr, steps, record_every=1):
    a, w, b = (np.array(v, dtype=float) for v in (a, w, b))
    keep = set(_record_steps(steps, record_every))
    records, risks = [], []
    for t in range(steps + 1):
        if t in keep:
            records.append((a.copy(), w.copy(), b.copy()))
            risks.append(risk(a, w, b, alpha_m, x, y))  # noqa: F821
        if t < steps:
            ga, gw, gb = risk_gradient(a, w, b, alpha_m, x, y)  # noqa: F821
            a, w, b = a + lr * ga, w + lr * gw, b + lr * gb  # the seed added gradient_flow's -gradient
    return _pack(records, risks, sorted(keep))


def gd_misses_last_record(a, w, b, alpha_m, x, y, lr, steps, record_every=1):
    a, w, b = (np.array(v, dtype=float) for v in (a, w, b))
    keep = list(range(0, steps + 1, record_every))  # steps itself only when a multiple of record_every
    records, risks = [], []
    for t in range(steps + 1):
        if t in keep:
            records.append((a.copy(), w.copy(), b.copy()))
            risks.append(risk(a, w, b, alpha_m, x, y))  # noqa: F821
        if t < steps:
            ga, gw, gb = risk_gradient(a, w, b, alpha_m, x, y)  # noqa: F821
            a, w, b = a - lr * ga, w - lr * gw, b - lr * gb
    return _pack(records, risks, keep)


def gd_records_after_each_step(a, w, b, alpha_m, x, y, lr, steps, record_every=1):
    # Appends after the update (like the seed), so the initial state is never recorded.
    a, w, b = (np.array(v, dtype=float) for v in (a, w, b))
    records, risks, kept = [], [], []
    for t in range(1, steps + 1):
        ga, gw, gb = risk_gradient(a, w, b, alpha_m, x, y)  # noqa: F821
        a, w, b = a - lr * ga, w - lr * gw, b - lr * gb
        if t % record_every == 0 or t == steps:
            records.append((a.copy(), w.copy(), b.copy()))
            risks.append(risk(a, w, b, alpha_m, x, y))  # noqa: F821
            kept.append(t)
    if not records:
        records, risks, kept = [(a, w, b)], [risk(a, w, b, alpha_m, x, y)], [0]  # noqa: F821
    return _pack(records, risks, kept)


def gd_gradient_computed_once(a, w, b, alpha_m, x, y, lr, steps, record_every=1):
    a, w, b = (np.array(v, dtype=float) for v in (a, w, b))
    ga, gw, gb = risk_gradient(a, w, b, alpha_m, x, y)  # noqa: F821 - outside the loop
    keep = set(_record_steps(steps, record_every))
    records, risks = [], []
    for t in range(steps + 1):
        if t in keep:
            records.append((a.copy(), w.copy(), b.copy()))
            risks.append(risk(a, w, b, alpha_m, x, y))  # noqa: F821
        if t < steps:
            a, w, b = a - lr * ga, w - lr * gw, b - lr * gb
    return _pack(records, risks, sorted(keep))


def gd_sequential_updates(a, w, b, alpha_m, x, y, lr, steps, record_every=1):
    # Updates a first and then computes the w and b gradients with the new a.
    a, w, b = (np.array(v, dtype=float) for v in (a, w, b))
    keep = set(_record_steps(steps, record_every))
    records, risks = [], []
    for t in range(steps + 1):
        if t in keep:
            records.append((a.copy(), w.copy(), b.copy()))
            risks.append(risk(a, w, b, alpha_m, x, y))  # noqa: F821
        if t < steps:
            a = a - lr * risk_gradient(a, w, b, alpha_m, x, y)[0]  # noqa: F821
            _, gw, gb = risk_gradient(a, w, b, alpha_m, x, y)  # noqa: F821
            w, b = w - lr * gw, b - lr * gb
    return _pack(records, risks, sorted(keep))


def gd_in_place(a, w, b, alpha_m, x, y, lr, steps, record_every=1):
    keep = set(_record_steps(steps, record_every))
    records, risks = [], []
    for t in range(steps + 1):
        if t in keep:
            records.append((a.copy(), w.copy(), b.copy()))
            risks.append(risk(a, w, b, alpha_m, x, y))  # noqa: F821
        if t < steps:
            ga, gw, gb = risk_gradient(a, w, b, alpha_m, x, y)  # noqa: F821
            a -= lr * ga  # modifies the caller's arrays
            w -= lr * gw
            b -= lr * gb
    return _pack(records, risks, sorted(keep))


# --- wrong: relative_distance, output_range -------------------------------------------------------------
def rd_sum_of_relative_norms(w, b, w0, b0):
    return float(np.linalg.norm(w - w0) / np.linalg.norm(w0) + np.linalg.norm(b - b0) / np.linalg.norm(b0))


def rd_without_sqrt(w, b, w0, b0):
    return float((np.sum((w - w0) ** 2) + np.sum((b - b0) ** 2)) / (np.sum(w0**2) + np.sum(b0**2)))


def rd_relative_to_current(w, b, w0, b0):
    return float(np.linalg.norm(np.concatenate((w - w0, b - b0))) / np.linalg.norm(np.concatenate((w, b))))


def output_range_on_data(a, w, b, alpha_m):
    values = network(np.array([-1 / 2, -1 / 6, 1 / 6, 1 / 2]), a, w, b, alpha_m)  # noqa: F821
    return float(values.min()), float(values.max())


def output_range_max_first(a, w, b, alpha_m):
    values = network(OUTPUT_GRID, a, w, b, alpha_m)  # noqa: F821
    return float(values.max()), float(values.min())


# --- wrong: figures -------------------------------------------------------------------------------------
def plot_training_one_axes(steps, risk, out_min, out_max, rd):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    for values, label in ((risk, "risk"), (out_min, "min"), (out_max, "max"), (rd, "RD")):
        ax.plot(steps, values, label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("risk, output, RD")
    ax.legend()
    return fig


def plot_training_unlabelled(steps, risk, out_min, out_max, rd):
    import matplotlib.pyplot as plt

    fig, axs = plt.subplots(1, 3, figsize=(12, 4))
    axs[0].plot(steps, risk)
    axs[1].plot(steps, out_min)
    axs[1].plot(steps, out_max)
    axs[2].plot(steps, rd)
    return fig


def plot_training_against_index(steps, risk, out_min, out_max, rd):
    import matplotlib.pyplot as plt

    fig, axs = plt.subplots(1, 3, figsize=(12, 4))
    axs[0].plot(risk)  # against 0, 1, 2, ... instead of the recorded steps
    axs[1].plot(out_min)
    axs[1].plot(out_max)
    axs[2].plot(rd)
    for ax, label in zip(axs, ("risk", "output", "RD")):
        ax.set_xlabel("step")
        ax.set_ylabel(label)
    return fig


def plot_training_linear_risk(steps, risk, out_min, out_max, rd):
    import matplotlib.pyplot as plt

    fig, axs = plt.subplots(1, 3, figsize=(12, 4))
    axs[0].plot(steps, risk)  # a linear axis: the last three orders of magnitude look like 0
    axs[1].plot(steps, out_min)
    axs[1].plot(steps, out_max)
    axs[2].plot(steps, rd)
    for ax, label in zip(axs, ("risk", "output", "RD")):
        ax.set_xlabel("step")
        ax.set_ylabel(label)
    return fig


def plot_network_at_data_only(a, w, b, alpha_m, x, y):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot(x, network(x, a, w, b, alpha_m), "-")  # noqa: F821 - only four points: kinks are missed
    ax.plot(x, y, "o")
    return fig


def plot_neurons_global_norm(a, w, b, a0, w0, b0):
    import matplotlib.pyplot as plt

    # The seed's a * np.linalg.norm([w, b]): one Frobenius norm for all neurons, signed a.
    fig, ax = plt.subplots()
    ax.plot(np.arctan2(b0, w0), a0 * np.linalg.norm([w0, b0]), "o", label="initial")
    ax.plot(np.arctan2(b, w), a * np.linalg.norm([w, b]), "*", label="final")
    ax.set_xlabel("orientation")
    ax.set_ylabel("amplitude")
    ax.legend()
    return fig


def plot_neurons_atan2_swapped(a, w, b, a0, w0, b0):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot(np.arctan2(w0, b0), np.abs(a0) * np.hypot(w0, b0), "o", label="initial")
    ax.plot(np.arctan2(w, b), np.abs(a) * np.hypot(w, b), "*", label="final")
    ax.set_xlabel("orientation")
    ax.set_ylabel("amplitude")
    ax.legend()
    return fig


def plot_phase_diagram_transposed(gammas, widths, rd):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    for m, column in zip(widths, np.asarray(rd).T):  # one line per width instead of per gamma
        ax.plot(gammas, column, label=f"m = {m}")
    ax.legend()
    return fig


def plot_phase_diagram_linear_axes(gammas, widths, rd):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    for g, row in zip(gammas, rd):
        ax.plot(widths, row, "o-", label=f"gamma = {g:g}")
    ax.set_xlabel("m")
    ax.set_ylabel("RD")
    ax.legend()
    return fig


def plot_phase_diagram_unlabelled(gammas, widths, rd):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    for row in rd:
        ax.plot(widths, row)
    ax.set_xscale("log")
    ax.set_yscale("log")
    return fig


# --- valid -----------------------------------------------------------------------------------------------
def alpha_betas_seed_style(m, gamma, gamma_prime):
    """The seed's route through kappa and kappa' (rounding of the square roots)."""
    alpha_m = m ** (gamma - gamma_prime)
    kappa = m ** (-gamma)
    kappa_prime = m ** (-gamma_prime)
    return alpha_m, math.sqrt(kappa * kappa_prime * alpha_m), math.sqrt((kappa / kappa_prime) * alpha_m)


def init_params_stack_style(m, gamma, gamma_prime, seed, symmetric=None):
    """np.hstack / np.r_ and numpy scalars as scales; raises like the reference."""
    if symmetric not in (None, "zero_output", "seed"):
        raise ValueError(symmetric)
    _, beta_1m, beta_2m = generate_alpha_betas(m, gamma, gamma_prime)  # noqa: F821
    rng = np.random.default_rng(seed)
    half = m if symmetric is None else m // 2
    a = rng.normal(loc=0, scale=np.float64(beta_1m), size=half)
    w = rng.normal(loc=0, scale=np.float64(beta_2m), size=half)
    b = rng.normal(loc=0, scale=np.float64(beta_2m), size=half)
    if symmetric == "zero_output":
        return np.r_[a, -a], np.hstack([w, w]), np.tile(b, 2)
    if symmetric == "seed":
        return np.r_[a, a], np.hstack([w, -w]), np.tile(b, 2)
    return a, w, b


def network_loop(x, a, w, b, alpha_m):
    """A plain loop over the neurons (and over the inputs), Python floats."""
    out = np.zeros(len(x))
    for i, xi in enumerate(x):
        total = 0.0
        for j in range(len(a)):
            h = w[j] * xi + b[j]
            if h > 0:
                total += a[j] * h
        out[i] = total / alpha_m
    return out


def risk_loop(a, w, b, alpha_m, x, y):
    f = network(x, a, w, b, alpha_m)  # noqa: F821
    return sum((f[i] - y[i]) ** 2 for i in range(len(x))) / (2 * len(x))


def risk_gradient_loop(a, w, b, alpha_m, x, y):
    """Loops over the neurons: the formulas of the docstring, one neuron at a time."""
    n, m = len(x), len(a)
    e = network(x, a, w, b, alpha_m) - y  # noqa: F821
    ga, gw, gb = np.zeros(m), np.zeros(m), np.zeros(m)
    for j in range(m):
        for i in range(n):
            h = w[j] * x[i] + b[j]
            if h > 0:
                ga[j] += e[i] * h
                gw[j] += e[i] * a[j] * x[i]
                gb[j] += e[i] * a[j]
    return ga / (n * alpha_m), gw / (n * alpha_m), gb / (n * alpha_m)


def gradient_descent_loop(a, w, b, alpha_m, x, y, lr, steps, record_every=1):
    """A plain loop over the steps calling risk_gradient, history appended to lists."""
    a, w, b = np.array(a, dtype=float), np.array(w, dtype=float), np.array(b, dtype=float)
    hist = {"step": [], "a": [], "w": [], "b": [], "risk": []}
    for t in range(steps + 1):
        if t % record_every == 0 or t == steps:
            current = risk(a, w, b, alpha_m, x, y)  # noqa: F821
            for key, value in (("step", t), ("a", a), ("w", w), ("b", b), ("risk", current)):
                hist[key].append(value)
        if t == steps:
            break
        ga, gw, gb = risk_gradient(a, w, b, alpha_m, x, y)  # noqa: F821
        a, w, b = a - lr * ga, w - lr * gw, b - lr * gb
    return {key: np.array(value) for key, value in hist.items()}


def relative_distance_loop(w, b, w0, b0):
    moved = sum((w[j] - w0[j]) ** 2 + (b[j] - b0[j]) ** 2 for j in range(len(w)))
    start = sum(w0[j] ** 2 + b0[j] ** 2 for j in range(len(w0)))
    return math.sqrt(moved / start)


def output_range_loop(a, w, b, alpha_m):
    values = [float(network(np.array([t]), a, w, b, alpha_m)[0]) for t in OUTPUT_GRID]  # noqa: F821
    return min(values), max(values)


def risk_gradient_seed_style(a, w, b, alpha_m, x, y):
    """The seed's gradient_flow (outer products, masks, term1/term2) with the sign fixed."""
    n = len(x)
    wx_plus_b = np.outer(x, w) + b
    relu_mask = (wx_plus_b > 0).astype(float)
    relu = wx_plus_b * relu_mask
    term2 = (np.sum(a * relu, axis=1) / alpha_m) - y
    full_sum_a = np.sum(relu * term2[:, np.newaxis], axis=0)
    full_sum_w = np.sum((a * x[:, np.newaxis] * relu_mask) * term2[:, np.newaxis], axis=0)
    full_sum_b = np.sum((a * relu_mask) * term2[:, np.newaxis], axis=0)
    return full_sum_a / (n * alpha_m), full_sum_w / (n * alpha_m), full_sum_b / (n * alpha_m)


def gradient_descent_preallocated(a, w, b, alpha_m, x, y, lr, steps, record_every=1):
    """Preallocated (R, 3, m) history, numpy gradient, heaviside masks."""
    recorded = list(range(0, steps + 1, record_every))
    if recorded[-1] != steps:
        recorded.append(steps)
    theta = np.stack([a, w, b]).astype(float)
    out = np.empty((len(recorded), 3, len(a)))
    risks = np.empty(len(recorded))
    r = 0
    for t in range(steps + 1):
        if t == recorded[r]:
            out[r] = theta
            risks[r] = 0.5 * np.mean((network(x, *theta, alpha_m) - y) ** 2)  # noqa: F821
            r += 1
        if t < steps:
            pre = np.outer(x, theta[1]) + theta[2]
            on = np.heaviside(pre, 0.0)
            e = (pre * on) @ theta[0] / alpha_m - y
            grad = np.stack([e @ (pre * on), theta[0] * ((e * x) @ on), theta[0] * (e @ on)]) / (len(x) * alpha_m)
            theta = theta - lr * grad
    return {"step": np.array(recorded), "a": out[:, 0], "w": out[:, 1], "b": out[:, 2], "risk": risks}


def relative_distance_linalg(w, b, w0, b0):
    return np.linalg.norm(np.concatenate([w, b]) - np.concatenate([w0, b0])) / np.linalg.norm(np.concatenate([w0, b0]))


def plot_training_column(steps, risk, out_min, out_max, rd):
    """3 x 1 layout, log axes, titles, a target band, markers."""
    import matplotlib.pyplot as plt

    fig, axs = plt.subplots(3, 1, figsize=(6, 10), sharex=True)
    axs[0].semilogy(steps, risk, ".-")
    axs[0].set_title("Risk")
    axs[0].set_ylabel("Empirical risk R")
    axs[1].axhline(1 / 30, color="grey", ls=":")
    axs[1].axhline(1 / 4, color="grey", ls=":")
    axs[1].plot(steps, out_min, label="min f")
    axs[1].plot(steps, out_max, label="max f")
    axs[1].set_ylabel("Output f on [-1/2, 1/2]")
    axs[1].legend()
    axs[2].plot(steps, rd, color="k")
    axs[2].set_ylabel("Relative distance")
    for ax in axs:
        ax.set_xlabel("Step t")
    return fig


def plot_network_with_kinks(a, w, b, alpha_m, x, y):
    import matplotlib.pyplot as plt

    t = np.linspace(-0.6, 0.6, 300)
    fig, ax = plt.subplots()
    ax.scatter(x, y, color="red", marker="s", label="data", zorder=3)
    ax.plot(t, network(t, a, w, b, alpha_m), "k-", label="f")  # noqa: F821
    for kink in -np.asarray(b) / np.asarray(w):
        if abs(kink) < 0.6:
            ax.axvline(kink, color="grey", alpha=0.2)
    ax.set_title("network output")
    return fig


def plot_neurons_two_panels(a, w, b, a0, w0, b0):
    import matplotlib.pyplot as plt

    fig, axs = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for ax, (aa, ww, bb), label in ((axs[1], (a, w, b), "Final neurons"), (axs[0], (a0, w0, b0), "Initial neurons")):
        ax.scatter(np.arctan2(bb, ww), np.abs(aa) * np.sqrt(ww**2 + bb**2), s=8, label=label)
        ax.set_xlabel("Orientation (rad)")
        ax.set_ylabel("Amplitude")
        ax.legend()
    return fig


def plot_phase_diagram_loglog(gammas, widths, rd):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    for g, row in zip(gammas, rd):
        ax.loglog(widths, row, marker="o", label=rf"$\gamma = {g}$")
    ax.plot(widths, np.asarray(widths, float) ** 0.0, "k:", label="RD = 1")
    ax.set_xlabel("m")
    ax.set_ylabel("RD")
    ax.legend(title="final relative distance")
    return fig


_REGIMES = ("linear_regime", "critical_regime", "condensed_regime")
_PROBE = r"on one call and .* on another for the same input\. Hint: results must not depend on hidden state"
_IN_PLACE = r"modified its argument 1, argument 2, argument 3 in place"
_DIVERGED = r"returned non-finite parameters or risk from record 1 \(step \d+\) on; expected finite values"
_RISK_STUCK = r"returned a run whose risk only fell to 1 of its initial value \(at gamma = {}\)"
_RD_DEFINITION = r"RD of the last record \(after 4 steps\): relative_distance\(.*\) returned [0-9.]+; expected 0\.30"
_FAKE = "gradient_descent(array([ 0.5, -0.5]), array([1., 1.]), array([0.25, 0.25]), 2.0"


def _regimes(pattern: str) -> dict[str, str]:
    return {"linear_regime": pattern.format("1/2"), "critical_regime": pattern.format("1"),
            "condensed_regime": pattern.format("3/2")}


MUTANTS = [
    # generate_alpha_betas
    Mutant("alpha_betas_markdown_sign", {"generate_alpha_betas": alpha_betas_markdown_sign}, {
        "alpha_betas_scaling_laws": r"generate_alpha_betas\(800, 1\.5, 0\.0\) returned \(22627\.4\d*, 22627\.4\d*, "
                                    r"22627\.4\d*\), for which kappa = beta_1m \* beta_2m / alpha_m = 22627\.417; "
                                    r"expected kappa = beta_1m \* beta_2m / alpha_m = 4\.419417382e-05",
        "init_distribution": r"returned a with sample mean 1\.9\d* \(n = 20000\); expected mean 0",
        "init_zero_output": r"symmetric='zero_output'\) returned a\[:m/2\] with sample mean",
        "init_matches_reference": r"a must equal the reference's draws",
        **_regimes(_RISK_STUCK)}),
    Mutant("alpha_betas_no_sqrt", {"generate_alpha_betas": alpha_betas_no_sqrt}, {
        "alpha_betas_scaling_laws": r"generate_alpha_betas\(100, 0\.5, 0\.5\) returned \(1\.0, 0\.01\d*, 1\.0\), for "
                                    r"which kappa = .* = 0\.01; expected .* = 0\.1 \(m = 100",
        "init_distribution": r"returned a with sample standard deviation 5\.00641e-05 \(n = 20000\); expected "
                             r"standard deviation 0\.00707107",
        "init_zero_output": r"returned a\[:m/2\] with sample standard deviation 5\.02\d*e-05",
        "init_matches_reference": r"a must equal the reference's draws"}),
    # init_params
    Mutant("init_variance_as_scale", {"init_params": init_variance_as_scale}, {
        "init_distribution": r"sample standard deviation 5\.00641e-05.*Hint: rng\.normal's second argument is the "
                             r"standard deviation beta, not the variance",
        "init_zero_output": r"a\[:m/2\] with sample standard deviation 5\.02\d*e-05",
        "init_matches_reference": r"a must equal the reference's draws"}),
    Mutant("init_uniform_same_variance", {"init_params": init_uniform_same_variance}, {
        "init_distribution": r"returned a with sample kurtosis 1\.79\d*; expected a normal sample \(kurtosis 3 within "
                             r"0\.21\)\. Hint: draw with rng\.normal",
        "init_zero_output": r"returned a\[:m/2\] with sample kurtosis 1\.80\d*",
        "init_matches_reference": r"a must equal the reference's draws"}),
    Mutant("init_global_random_state", {"init_params": init_global_random_state}, {
        "init_distribution": r"init_params\(20000, 1\.0, 0\.5, \d+\) returned .*" + _PROBE,
        "init_zero_output": r"init_params\(2, 1\.5, 0\.0, \d+, symmetric='zero_output'\) returned .*" + _PROBE,
        "init_seed_symmetry": r"symmetric='seed'\) returned .*" + _PROBE,
        "init_matches_reference": _PROBE,
        "linear_regime": r"init_params\(100, 0\.5, 0\.0, \d+, symmetric='zero_output'\) returned .*" + _PROBE,
        "critical_regime": r"init_params\(100, 1\.0, 0\.0, \d+, symmetric='zero_output'\) returned .*" + _PROBE,
        "condensed_regime": r"init_params\(32, 1\.5, 0\.0, \d+, symmetric='zero_output'\) returned .*" + _PROBE}),
    Mutant("init_zero_output_is_seed_pairing", {"init_params": init_zero_output_is_seed_pairing}, {
        "init_zero_output": r"symmetric='zero_output'\) returned a\[1\] = .* and a\[0\] = .*; expected "
                            r"a\[m/2:\] == -a\[:m/2\]",
        "init_matches_reference": r"a must equal the reference's draws: init_params\(40, 1\.0, 0\.25, \d+, "
                                  r"symmetric='zero_output'\)"}),
    Mutant("init_zero_output_negates_w", {"init_params": init_zero_output_negates_w}, {
        "init_zero_output": r"returned w\[1\] = .* and w\[0\] = .*; expected w\[m/2:\] == w\[:m/2\]",
        "init_matches_reference": r"w must equal the reference's draws"}),
    Mutant("init_draws_w_first", {"init_params": init_draws_w_first}, {
        "init_matches_reference": r"a must equal the reference's draws: init_params\(40, 1\.0, 0\.25, \d+\).*Hint: "
                                  r"rng = np\.random\.default_rng\(seed\); draw a, then w, then b"}),
    # network, risk, risk_gradient
    Mutant("network_missing_alpha", {"network": network_missing_alpha}, {
        "network_formula": r"network\(array\(\[-0\.966945\]\), .* returned array\(\[0\.096581\]\); expected "
                           r"array\(\[0\.010481\]\)\. Hint: f\(x\) = \(1 / alpha_m\)",
        "risk_gradient_consistent_with_risk": r"grad_a whose entry \(0,\) is -0\.033024046; expected -0\.23817139 from "
                                              r"central differences.*gradient of your risk"}),
    Mutant("network_relu_after_sum", {"network": network_relu_after_sum}, {
        "network_formula": r"returned array\(\[0\.\]\); expected array\(\[-0\.008608\]\)",
        "risk_gradient_consistent_with_risk": r"gradient of your risk"}),
    Mutant("risk_without_half", {"risk": risk_without_half}, {
        "risk_formula": r"returned 0\.1569380262634\d*; expected 0\.0784690131317\d*\. Hint: R = 1/\(2n\)",
        "risk_gradient_consistent_with_risk": r"relative error 5\.00e-01 > 1e-05\).*gradient of your risk"}),
    Mutant("risk_sum_not_mean", {"risk": risk_sum_not_mean}, {
        "risk_formula": r"returned 0\.141628474530\d*; expected 0\.0708142372653\d*",
        "risk_gradient_consistent_with_risk": r"relative error 5\.00e-01 > 1e-05\).*gradient of your risk"}),
    Mutant("gradient_negated", {"risk_gradient": gradient_negated}, {
        "risk_gradient_finite_differences": r"returned a grad_a whose entry \(0,\) is 0\.033024046; expected -0\.033024046 "
                                            r"from central differences \(relative error 2\.00e\+00 > 1e-05\)\. Hint: .*"
                                            r"return the gradient itself",
        "risk_gradient_consistent_with_risk": r"relative error 2\.00e\+00"}),
    Mutant("gradient_w_missing_x", {"risk_gradient": gradient_w_missing_x}, {
        "risk_gradient_finite_differences": r"returned a grad_w whose entry \(0,\) is -0\.0054052757; expected 0\.0052266028",
        "risk_gradient_consistent_with_risk": r"grad_w whose entry \(0,\)"}),
    Mutant("gradient_missing_a_factor", {"risk_gradient": gradient_missing_a_factor}, {
        "risk_gradient_finite_differences": r"grad_w whose entry \(0,\) is 0\.04156998; expected 0\.0052266028",
        "risk_gradient_consistent_with_risk": r"grad_w whose entry \(0,\)"}),
    # gradient_descent
    Mutant("gd_ascent", {"gradient_descent": gd_ascent}, {
        "gd_update_rule": r'"a"\[1\] must be "a"\[0\] - lr \* dR/da at record 0: .* returned array\(\[-0\.026425\]\); '
                          r"expected array\(\[0\.277885\]\)",
        "gd_subsampled_history": r'"a"\[1\] must be the state after 3 steps',
        "gd_risk_decreases": r"returned non-finite parameters or risk from record 2 \(step 20\) on; expected finite "
                             r"values: the descent diverged\. Hint: .*\(ascent\)",
        **{cid: _DIVERGED for cid in ("linear_regime", "critical_regime", "condensed_regime")}}),
    Mutant("gd_misses_last_record", {"gradient_descent": gd_misses_last_record}, {
        "gd_subsampled_history": r'record_every=3\) returned "step" = array\(\[0, 3, 6, 9\]\); expected "step" = '
                                 r"array\(\[ 0,  3,  6,  9, 10\]\)\. Hint: .*steps itself at the end"}),
    Mutant("gd_records_after_each_step", {"gradient_descent": gd_records_after_each_step}, {
        "gd_update_rule": r'returned "step" = array\(\[1, 2, 3\]\); expected "step" = array\(\[0, 1, 2, 3\]\)\. '
                          r"Hint: record the initial state",
        "gd_subsampled_history": r'returned "step" = array\(\[ 3,  6,  9, 10\]\)',
        "gd_risk_decreases": r"returned a descent from risk 0\.00573129 to 0\.00443409 in 200 steps; expected the risk "
                             r"to fall below half its initial value",
        "relative_distance_zero_at_step_0": r"returned 0\.2416\d*; expected 0\.0 at step 0 \(record 0 of "
                                            r"gradient_descent is the initial state\)"}),
    Mutant("gd_gradient_computed_once", {"gradient_descent": gd_gradient_computed_once}, {
        "gd_update_rule": r'"a"\[2\] must be "a"\[1\] - lr \* dR/da at record 1',
        "gd_subsampled_history": r'"a"\[1\] must be the state after 3 steps',
        "gd_risk_decreases": r"returned a descent whose risk rises from 0\.0159028 \(step 0\) to 0\.0549817 \(step 10\); "
                             r"expected a non-increasing risk",
        "linear_regime": r"risk only fell to 4\.6e\+05 of its initial value \(at gamma = 1/2\)",
        "critical_regime": r"risk only fell to 2\.91e\+07 of its initial value \(at gamma = 1\)",
        "condensed_regime": r"gradient_descent\(\*init_params\(256, 1\.5, 0\.0, \d+, symmetric='zero_output'\), "
                            r"alpha_m=4096, X_DATA, Y_DATA, lr=4096, steps=500, record_every=500\) returned a run whose "
                            r"risk only fell to 1\.09e\+05"}),
    Mutant("gd_sequential_updates", {"gradient_descent": gd_sequential_updates}, {
        "gd_update_rule": r'"w"\[1\] must be "w"\[0\] - lr \* dR/dw at record 0: .* returned array\(\[-0\.183624\]\); '
                          r"expected array\(\[-0\.156186\]\)\. Hint: .*all three from the same old state",
        "gd_subsampled_history": r'"a"\[1\] must be the state after 3 steps'}),
    Mutant("gd_in_place", {"gradient_descent": gd_in_place}, {
        "gd_update_rule": _IN_PLACE, "gd_subsampled_history": _IN_PLACE,
        **{cid: re.escape(_FAKE) + ".*" + _IN_PLACE for cid in ("gd_risk_decreases",) + _REGIMES},
        "relative_distance_zero_at_step_0": _IN_PLACE}),
    # relative_distance, output_range
    Mutant("rd_sum_of_relative_norms", {"relative_distance": rd_sum_of_relative_norms}, {
        "relative_distance_definition": r"relative_distance\(array\(\[0\.139631\]\), .* returned 6\.79387\d*; expected "
                                        r"4\.84177\d*\. Hint: one Euclidean norm",
        "relative_distance_zero_at_step_0": _RD_DEFINITION}),
    Mutant("rd_without_sqrt", {"relative_distance": rd_without_sqrt}, {
        "relative_distance_definition": r"returned 23\.44282\d*; expected 4\.84177\d*",
        "relative_distance_zero_at_step_0": _RD_DEFINITION}),
    Mutant("rd_relative_to_current", {"relative_distance": rd_relative_to_current}, {
        "relative_distance_definition": r"returned 1\.15627\d*; expected 4\.84177\d*",
        "relative_distance_zero_at_step_0": _RD_DEFINITION}),
    Mutant("output_range_on_data", {"output_range": output_range_on_data}, {
        "output_range_on_grid": r"returned array\(\[0\.062219, 0\.194721\]\) .*; expected array\(\[0\.059235, "
                                r"0\.194721\]\)\. Hint: evaluate the network on OUTPUT_GRID"}),
    Mutant("output_range_max_first", {"output_range": output_range_max_first}, {
        "output_range_on_grid": r"returned array\(\[0\.009639, 0\.007837\]\).*expected array\(\[0\.007837, "
                                r"0\.009639\]\)"}),
    # figures
    Mutant("training_plot_one_axes", {"plot_training": plot_training_one_axes}, {
        "training_plot_data": r"plot_training\(.*\) shares axes between the risk, the output range and RD; expected "
                              r"three axes",
        "training_plot_labels": r"draws the risk on a 'linear' y axis; expected a log scale"}),
    Mutant("training_plot_linear_risk", {"plot_training": plot_training_linear_risk}, {
        "training_plot_labels": r"plot_training\(.*\) draws the risk on a 'linear' y axis; expected a log scale.*"
                                r"Hint: ax\.set_yscale\(\"log\"\)"}),
    Mutant("training_plot_unlabelled", {"plot_training": plot_training_unlabelled}, {
        "training_plot_labels": r"labels the axes of risk x: '', y: ''; expected x containing 'step' and y containing "
                                r"'risk'"}),
    Mutant("training_plot_against_index", {"plot_training": plot_training_against_index}, {
        "training_plot_data": r"draws no line with x = steps and y = risk = array\(.*Hint: ax\.plot\(steps, risk\)",
        "training_plot_labels": r"draws no line with x = steps and y = risk"}),
    Mutant("network_plot_at_data_only", {"plot_network": plot_network_at_data_only}, {
        "network_plot": r"draws no line of >= 100 points covering \[-1/2, 1/2\]; its lines have \(x min, x max, "
                        r"points\) \[\(-0\.5, 0\.5, 4\), \(-0\.5, 0\.5, 4\)\]"}),
    Mutant("neurons_seed_global_norm", {"plot_neurons": plot_neurons_global_norm}, {
        "neuron_plot": r"draws no line of the initial neurons with x = atan2\(b, w\) = .*Hint: one amplitude per "
                       r"neuron: np\.abs\(a\) \* np\.hypot\(w, b\) \(the seed's a \* np\.linalg\.norm"}),
    Mutant("neurons_atan2_swapped", {"plot_neurons": plot_neurons_atan2_swapped}, {
        "neuron_plot": r"draws no line of the initial neurons with x = atan2\(b, w\)"}),
    Mutant("phase_diagram_transposed", {"plot_phase_diagram": plot_phase_diagram_transposed}, {
        "phase_diagram_plot": r"draws no line with x = widths = array\(\[ 50, 100, 200, 400\]\) and y = rd\[0\] = "
                              r".*\(gamma = 0\.5\)"}),
    Mutant("phase_diagram_linear_axes", {"plot_phase_diagram": plot_phase_diagram_linear_axes}, {
        "phase_diagram_plot": r"draws on 'linear' x and 'linear' y axes; expected log-log axes"}),
    Mutant("phase_diagram_unlabelled", {"plot_phase_diagram": plot_phase_diagram_unlabelled}, {
        "phase_diagram_plot": r"labels the line of gamma = 0\.5 '_child0'; expected a label naming 0\.5"}),
]

ALTERNATIVES = [
    Alternative("plain_loops_over_neurons", {
        "network": network_loop, "risk": risk_loop, "risk_gradient": risk_gradient_loop,
        "gradient_descent": gradient_descent_loop, "relative_distance": relative_distance_loop,
        "output_range": output_range_loop}),
    Alternative("seed_style_formulas", {
        "generate_alpha_betas": alpha_betas_seed_style, "init_params": init_params_stack_style,
        "risk_gradient": risk_gradient_seed_style, "gradient_descent": gradient_descent_loop}),
    Alternative("vectorised_variants_and_figure_extras", {
        "gradient_descent": gradient_descent_preallocated, "relative_distance": relative_distance_linalg,
        "plot_training": plot_training_column, "plot_network": plot_network_with_kinks,
        "plot_neurons": plot_neurons_two_panels, "plot_phase_diagram": plot_phase_diagram_loglog}),
]
