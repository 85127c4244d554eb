"""Checks of ``condensation`` (research seminar: Luo et al. JMLR 2021, Chen et al. 2023).

``generate_alpha_betas`` is checked against its defining identities
(``kappa = m**-gamma``, ``kappa' = m**-gamma'``, ``alpha_m = m**(gamma - gamma')``) over wide
ranges; ``init_params`` by the moments of large samples (means, standard deviations,
correlations, kurtosis within 6 standard errors), by the exact pair structure of the two
symmetric options and by the vanishing output of the zero-output one.  ``network``,
``risk`` and ``output_range`` are compared with grader-side formulas on random inputs,
``risk_gradient`` with central differences (of the true risk and of the submitted one).
``gradient_descent`` is checked step by step against ``theta - lr grad R(theta)``, for the
layout of its subsampled history, for a decreasing risk with a small step, and for the
three regimes of the phase diagram at small widths: RD small at gamma = 1/2, of order one
at gamma = 1, growing with m at gamma = 3/2 where the kinks of the large neurons gather.
The figures are read through matplotlib's object model (line and scatter data, labels, axis
scales).  The one instructor-only check compares the initialisation's draws with the
reference.

A value computed from another function of the submission (the risk from ``network``, the
output range from ``network``, the history's "risk" column from ``risk``) is accepted if it
is right either for the true function or for the submission's own one: one mistake costs the
check of the function where it is made, not every check downstream.  The determinism probe
repeats the first call of each function in a check (up to 20 times), so the checks that run
long descents start with a tiny one.

Inputs are generated from seeds (numpy generators), never from raw hypothesis floats, so
that no pre-activation ``w_j x_i + b_j`` is exactly 0: the derivative of ``t -> t_+`` at 0
is a convention (the contract says 0), and checks must not depend on it.
"""

from __future__ import annotations

import math
import re

import numpy as np
from hypothesis import strategies as st

from nndl import hypo, strategies
from nndl.checks import CheckSet
from nndl.messages import call_repr, describe_type, fail, fail_text, short
from nndl.numerics import assert_close, assert_gradient, expect_array, expect_float, numeric_gradient
from nndl.plain import Handle

checks = CheckSet("research", "condensation")

#: The seed's data and output grid (the contract's X_DATA, Y_DATA, OUTPUT_GRID).
X_DATA = np.array([-1 / 2, -1 / 6, 1 / 6, 1 / 2])
Y_DATA = np.array([1 / 4, 1 / 30, 1 / 30, 1 / 4])
OUTPUT_GRID = np.linspace(-0.5, 0.5, 400)

# --- tolerances ----------------------------------------------------------------------
#: The scaling identities: powers computed as m**p or through the seed's sqrt(kappa ...)
#: agree to a few ulps (~1e-15 relative); 1e-10 leaves room for any exact formula, while a
#: wrong exponent is off by a factor m**(something) >= 2**0.01 - 1 ~ 7e-3 for the inputs drawn.
SCALING_RTOL = 1e-10
#: Moments of N(0, beta^2) samples of size n, in standard errors: SE(mean) = beta/sqrt(n),
#: SE(std)/beta ~ 1/sqrt(2n), SE(correlation) ~ 1/sqrt(n), SE(kurtosis) ~ sqrt(24/n).  A
#: correct sampler exceeds 6 SE in one of the ~12 statistics with probability < 1e-7; a
#: variance used as a scale (beta^2 = 1/m instead of 1/sqrt(m)) or a uniform sample is off
#: by hundreds of SE.
MOMENT_N = 20_000
MOMENT_Z = 6.0
#: The zero-output initialisation: its output is a sum of m equal-and-opposite terms; the
#: rounding of the sum is ~1e-16 times the sum of their absolute values.  1e-12 relative
#: to that sum is four orders above rounding; the seed's pairing leaves O(1) of it.
ZERO_RTOL = 1e-12
#: Closed-form values (network, risk, output range, relative distance) computed in float64
#: by an equivalent formula: summation order only, ~1e-15 relative.
VALUE_RTOL = 1e-9
VALUE_ATOL = 1e-12
#: Pre-activations are kept at least this far from 0 in gradient checks: central
#: differences with step FD_STEP * max(1, |theta|) <= 3e-6 then never cross a kink.
KINK_MARGIN = 1e-3
#: Steps of gradient descent against the grader's recurrence: each step adds rounding of
#: ~1e-16 relative, a few steps of a map with Lipschitz constant ~1 keep it below 1e-13.
STEP_RTOL = 1e-9
STEP_ATOL = 1e-12
#: A risk that "does not increase" may still move by rounding: 1e-12 relative.
MONOTONE_RTOL = 1e-12

# --- the regimes (measured with the reference over 1000 seeds each) -------------------------
#: Learning rates of the regime checks: the set's rule eta / max(2 m / alpha^2, 2 / alpha)
#: (gamma' = 0) with eta = 2, a quarter of the value where GD becomes unstable (eta ~ 8).
REGIME_ETA = 2.0
REGIME_STEPS = 500
#: gamma = 1/2, m = 100, 500 steps: RD in [0.032, 0.097], risk(T)/risk(0) <= 0.13.  RD < 0.2
#: leaves a factor 2; a run that does not train (RD = 0 trivially small) fails the risk test
#: risk(T)/risk(0) <= 0.5 (a factor 4 above the worst seed).
LINEAR_M, LINEAR_RD_MAX, LINEAR_RISK_RATIO = 100, 0.2, 0.5
#: gamma = 1, m = 100, 500 steps: RD in [0.27, 0.82], risk ratio <= 7e-5.  [0.15, 1.5] leaves
#: a factor 1.8 on both sides; the linear regime's RD (< 0.1) and the condensed one's (> 1.7 at
#: m = 100) are outside it.
CRITICAL_M, CRITICAL_RD_MIN, CRITICAL_RD_MAX, CRITICAL_RISK_RATIO = 100, 0.15, 1.5, 1e-2
#: gamma = 3/2: the mean RD of 4 runs at m = 32 is <= 1.99 (250 groups), a run at m = 256 has
#: RD >= 2.44 (1000 seeds) and risk ratio <= 6e-3; over 300 instances of this check (the
#: reference's runs, fresh seeds) RD(256) - mean RD(32) >= 0.44.  RD(256) >= 1.5 and risk
#: ratio <= 0.05 leave factors 1.6 and 9.
CONDENSED_SMALL_M, CONDENSED_SMALL_RUNS, CONDENSED_LARGE_M = 32, 4, 256
CONDENSED_RD_MIN, CONDENSED_RISK_RATIO = 1.5, 0.05
#: The large neurons at m = 256: the fewest neurons carrying 80% of the total amplitude
#: sum_j |a_j| ||(w_j, b_j)||.  Measured (1000 seeds): at most 13% of the neurons, kinks
#: -b_j/w_j within +-0.17 (near the inner data points +-1/6) in at most 3 groups separated
#: by gaps > 0.05.  At gamma = 1/2 the same neurons are >= 34% of all, their kinks spread
#: over 14-35 groups.  Limits: <= 25% of the neurons, kinks in [-1/2, 1/2], <= 4 groups.
AMPLITUDE_SHARE, LARGE_FRACTION_MAX, KINK_GAP, KINK_GROUPS_MAX = 0.8, 0.25, 0.05, 4


# --- grader-side formulas ------------------------------------------------------------------
def _network(x, a, w, b, alpha):
    return np.maximum(np.multiply.outer(x, w) + b, 0.0) @ a / alpha


def _risk(a, w, b, alpha, x, y):
    return float(0.5 * np.mean((_network(x, a, w, b, alpha) - y) ** 2))


def _grad(a, w, b, alpha, x, y):
    pre = np.multiply.outer(x, w) + b
    on = pre > 0.0
    hidden = np.where(on, pre, 0.0)
    e = hidden @ a / alpha - y
    c = 1.0 / (len(x) * alpha)
    return c * (e @ hidden), c * a * ((e * x) @ on), c * a * (e @ on)


def _descend(a, w, b, alpha, x, y, lr, steps):
    """The states after 0, 1, ..., steps steps (grader-side, for small problems)."""
    states = [(a, w, b)]
    for _ in range(steps):
        ga, gw, gb = _grad(a, w, b, alpha, x, y)
        a, w, b = a - lr * ga, w - lr * gw, b - lr * gb
        states.append((a, w, b))
    return states


def _rd(w, b, w0, b0):
    return math.sqrt(float(np.sum((w - w0) ** 2) + np.sum((b - b0) ** 2)) / float(np.sum(w0**2) + np.sum(b0**2)))


def _lr(m, gamma, eta):
    """The set's learning-rate rule for gamma' = 0: eta / max(2 m / alpha^2, 2 / alpha)."""
    alpha = float(m) ** gamma
    return eta / max(2.0 * m / alpha**2, 2.0 / alpha)


def _features(a, w, b):
    """Orientation atan2(b, w) and amplitude |a| ||(w, b)|| of every neuron."""
    return np.arctan2(b, w), np.abs(a) * np.hypot(w, b)


@st.composite
def problems(draw, *, max_m: int = 6, max_n: int = 5):
    """A small random problem (a, w, b, alpha, x, y) with every |w_j x_i + b_j| >= KINK_MARGIN."""
    rng = np.random.default_rng(draw(strategies.seeds()))
    m, n = draw(st.integers(1, max_m)), draw(st.integers(1, max_n))
    a, w, b = rng.normal(size=m), rng.normal(size=m), rng.normal(size=m)
    x, y = rng.uniform(-1.0, 1.0, size=n), rng.uniform(0.0, 0.5, size=n)
    alpha = float(rng.uniform(1.0, 10.0))
    for _ in range(100):  # move biases away from the kinks (a few tries are always enough)
        near = np.abs(np.multiply.outer(x, w) + b) < KINK_MARGIN
        if not near.any():
            break
        b = b + np.where(near.any(axis=0), 10 * KINK_MARGIN, 0.0)
    return a, w, b, alpha, x, y


# --- calling the submission ---------------------------------------------------------------
def _alpha_betas(impl, m, gamma, gamma_prime):
    call = call_repr("generate_alpha_betas", (m, gamma, gamma_prime))
    out = impl.generate_alpha_betas(m, gamma, gamma_prime)
    if type(out) not in (tuple, list) or len(out) != 3:
        fail(call, describe_type(out) + (f" of length {len(out)}" if type(out) in (tuple, list) else ""),
             "a tuple of three floats (alpha_m, beta_1m, beta_2m)")
    return call, tuple(expect_float(v, call) for v in out)


def _init(impl, m, gamma, gamma_prime, seed, symmetric="absent"):
    kwargs = {} if symmetric == "absent" else {"symmetric": symmetric}
    call = call_repr("init_params", (m, gamma, gamma_prime, seed), kwargs)
    out = impl.init_params(m, gamma, gamma_prime, seed, **kwargs)
    if type(out) not in (tuple, list) or len(out) != 3:
        fail(call, describe_type(out) + (f" of length {len(out)}" if type(out) in (tuple, list) else ""),
             "a tuple (a, w, b) of three float arrays of shape (m,)")
    return call, tuple(expect_array(v, call, shape=(m,), what=f"a float ndarray of shape ({m},)") for v in out)


def _history(impl, a, w, b, alpha, x, y, lr, steps, record_every=None):
    kwargs = {} if record_every is None else {"record_every": record_every}
    call = call_repr("gradient_descent", (a, w, b, alpha, x, y, lr, steps), kwargs)
    out = impl.gradient_descent(a, w, b, alpha, x, y, lr, steps, **kwargs)
    expected = 'a dict with keys "step", "a", "w", "b", "risk"'
    if type(out) is not dict:
        fail(call, describe_type(out), expected)
    missing = [k for k in ("step", "a", "w", "b", "risk") if k not in out]
    if missing:
        fail(call, f"a dict with keys {sorted(map(str, out))}", expected, hint=f"missing {missing}")
    step = expect_array(out["step"], call, kind="iu", what='"step": an int ndarray of shape (R,)')
    if step.ndim != 1 or step.size == 0:
        fail(call, f'a "step" array of shape {step.shape}', '"step" of shape (R,), R >= 1')
    r, m = step.size, len(a)
    hist = {"step": step}
    for key in ("a", "w", "b"):
        hist[key] = expect_array(out[key], call, shape=(r, m), finite=False,
                                 what=f'"{key}": a float ndarray of shape (R, m) = ({r}, {m}), one row per recorded step')
    hist["risk"] = expect_array(out["risk"], call, shape=(r,), finite=False,
                                what=f'"risk": a float ndarray of shape ({r},)')
    finite = [np.isfinite(hist[key]).all(axis=1) for key in ("a", "w", "b")] + [np.isfinite(hist["risk"])]
    bad = ~np.logical_and.reduce(finite)
    if bad.any():
        k = int(np.argmax(bad))
        fail(call, f"non-finite parameters or risk from record {k} (step {int(step[k])}) on",
             "finite values: the descent diverged", hint="theta <- theta - lr * grad R(theta): a step along "
             "+gradient (ascent) or a gradient that is too large (a missing 1/alpha_m) blows up")
    return call, hist


def _own(impl, name, *args):
    """The submission's own value of ``name(*args)`` as a float array, or None if it fails: a
    function that uses another one of the submission is judged against that one too, so that one
    mistake costs the check of the function where it is made, not every check downstream."""
    try:
        return np.asarray(impl.call(name, *args), dtype=np.float64)
    except (AssertionError, TypeError, ValueError):
        return None


def _close(got, want):
    return want is not None and np.shape(got) == np.shape(want) and bool(
        np.allclose(got, want, rtol=VALUE_RTOL, atol=VALUE_ATOL))


def _expect_risk_column(impl, call, hist, r, t, alpha, x, y):
    """"risk"[r] is the risk of record r: the true one, or the submission's own risk function's."""
    state = (hist["a"][r], hist["w"][r], hist["b"][r])
    value, true = hist["risk"][r], _risk(*state, alpha, x, y)
    if _close(value, true) or _close(value, _own(impl, "risk", *state, alpha, x, y)):
        return
    assert_close(value, true, call, rtol=VALUE_RTOL, atol=VALUE_ATOL,
                 rule=f'"risk"[{r}] must be the risk of record {r} (after {t} steps)')


def _expected_steps(steps, every):
    out = list(range(0, steps + 1, every))
    return out if out[-1] == steps else out + [steps]


def _figure(impl, name, *args):
    call = call_repr(name, args)
    fig = impl.call(name, *args)
    if type(fig) is not Handle or fig.type != "matplotlib.figure.Figure":
        if fig is None:
            fail(call, "None", "a matplotlib Figure",
                 hint="end the function with `return fig` (plt.show() returns nothing)")
        axes = type(fig) is Handle and "Axes" in fig.type
        fail(call, describe_type(fig), "a matplotlib Figure",
             hint="return the Figure (fig, or ax.figure), not the Axes" if axes else None)
    return call, impl.op("describe_figure", fig)


def _same_line(line, x, y, *, rtol=VALUE_RTOL, atol=VALUE_ATOL):
    lx, ly = line["x"], line["y"]
    return (lx.shape == np.shape(x) and ly.shape == np.shape(y)
            and np.allclose(lx, x, rtol=rtol, atol=atol) and np.allclose(ly, y, rtol=rtol, atol=atol))


def _series(ax):
    """The axes' lines and scatter collections, all as {"x", "y", "label"}."""
    out = list(ax["lines"])
    for sc in ax.get("scatters", []):
        out.append({"x": sc["offsets"][:, 0], "y": sc["offsets"][:, 1], "label": sc["label"]})
    return out


def _find_line(desc, x, y):
    """(axes index, series) of the first line or scatter with these data, or (None, None)."""
    for k, ax in enumerate(desc["axes"]):
        for line in _series(ax):
            if _same_line(line, x, y):
                return k, line
    return None, None


def _numbers(text):
    return [float(t) for t in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", text)]


# --- generate_alpha_betas --------------------------------------------------------------------
@checks.check("generate_alpha_betas")
def check_alpha_betas_scaling_laws(impl, *, rng):
    """alpha_m = m**(gamma - gamma'), kappa = beta_1m beta_2m / alpha_m = m**-gamma and
    kappa' = beta_1m / beta_2m = m**-gamma', for widths up to 10**6 and exponents in [-1, 3]."""

    @hypo.given(st.integers(1, 10**6), strategies.floats(0.0, 3.0), strategies.floats(-1.0, 2.0),
                examples=[(800, 1.5, 0.0), (100, 0.5, 0.5), (7, 1.0, -0.5), (1, 1.5, 0.0)])
    def prop(m, gamma, gamma_prime):
        call, (alpha, beta1, beta2) = _alpha_betas(impl, m, gamma, gamma_prime)
        if not (alpha > 0 and beta1 > 0 and beta2 > 0):
            fail(call, short((alpha, beta1, beta2)), "three positive scales")
        for name, got, want in (("alpha_m", alpha, float(m) ** (gamma - gamma_prime)),
                                ("kappa = beta_1m * beta_2m / alpha_m", beta1 * beta2 / alpha, float(m) ** -gamma),
                                ("kappa' = beta_1m / beta_2m", beta1 / beta2, float(m) ** -gamma_prime)):
            if not abs(got / want - 1.0) <= SCALING_RTOL:
                fail(call, f"{short((alpha, beta1, beta2))}, for which {name} = {got:.10g}",
                     f"{name} = {want:.10g} (m = {m}, gamma = {gamma!r}, gamma' = {gamma_prime!r})",
                     hint="kappa = m**(-gamma), kappa' = m**(-gamma'), alpha_m = m**(gamma - gamma'); "
                          "solve beta_1m * beta_2m = kappa * alpha_m and beta_1m / beta_2m = kappa'")

    prop()


# --- init_params -------------------------------------------------------------------------------
def _expect_moments(call, name, v, scale):
    n = v.size
    mean, std = float(v.mean()), float(v.std())
    if abs(mean) > MOMENT_Z * scale / math.sqrt(n):
        fail(call, f"{name} with sample mean {mean:.4g} (n = {n})", f"mean 0 (|mean| <= {MOMENT_Z:g} standard "
             f"errors = {MOMENT_Z * scale / math.sqrt(n):.3g})", hint="draw with rng.normal(0.0, scale, size)")
    if abs(std / scale - 1.0) > MOMENT_Z / math.sqrt(2 * n):
        fail(call, f"{name} with sample standard deviation {std:.6g} (n = {n})",
             f"standard deviation {scale:.6g} (within {MOMENT_Z / math.sqrt(2 * n):.2%})",
             hint="rng.normal's second argument is the standard deviation beta, not the variance beta**2; "
                  "a ~ N(0, beta_1m^2), w and b ~ N(0, beta_2m^2)")
    kurtosis = float(np.mean((v - mean) ** 4) / std**4)
    if abs(kurtosis - 3.0) > MOMENT_Z * math.sqrt(24.0 / n):
        fail(call, f"{name} with sample kurtosis {kurtosis:.3f}", "a normal sample (kurtosis 3 within "
             f"{MOMENT_Z * math.sqrt(24.0 / n):.2f})", hint="draw with rng.normal, not rng.uniform or rng.random")


def _expect_independent(call, named):
    names = list(named)
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            corr = float(np.corrcoef(named[names[i]], named[names[j]])[0, 1])
            if abs(corr) > MOMENT_Z / math.sqrt(named[names[i]].size):
                fail(call, f"{names[i]} and {names[j]} with correlation {corr:.3f}", "independent draws "
                     f"(|correlation| <= {MOMENT_Z / math.sqrt(named[names[i]].size):.3f})",
                     hint="draw a, w and b separately: three calls of rng.normal")


@checks.check("init_params")
def check_init_distribution(impl, *, rng):
    """Without symmetry, a ~ N(0, beta_1m^2) and w, b ~ N(0, beta_2m^2), independent, shape (m,);
    the same seed gives the same draws, another seed others."""
    seed = int(rng.integers(0, 2**31 - 1))
    for gamma, gamma_prime in ((1.0, 0.5), (1.5, 0.0)):
        beta1, beta2 = MOMENT_N ** -gamma_prime, 1.0
        call, (a, w, b) = _init(impl, MOMENT_N, gamma, gamma_prime, seed)
        _expect_moments(call, "a", a, beta1)
        _expect_moments(call, "w", w, beta2)
        _expect_moments(call, "b", b, beta2)
        _expect_independent(call, {"a": a, "w": w, "b": b})
    call, first = _init(impl, 50, 1.5, 0.0, seed, None)
    _, again = _init(impl, 50, 1.5, 0.0, seed, None)
    _, other = _init(impl, 50, 1.5, 0.0, seed + 1, None)
    if not all(np.array_equal(u, v) for u, v in zip(first, again)):
        fail(call, "different arrays on a second call with the same seed", "the same draws for the same seed",
             hint="rng = np.random.default_rng(seed) inside the function")
    if all(np.array_equal(u, v) for u, v in zip(first, other)):
        fail(call, f"the same arrays as for seed {seed + 1}", "different draws for different seeds",
             hint="rng = np.random.default_rng(seed)")


def _halves(call, arrays, expected):
    """Check the pair structure (a, s_a a), (w, s_w w), (b, s_b b) exactly."""
    names = ("a", "w", "b")
    for name, v, sign in zip(names, arrays, expected):
        h = v.size // 2
        want = sign * v[:h]
        if not np.array_equal(v[h:], want):
            j = int(np.argmax(v[h:] != want))
            rule = {1: f"{name}[m/2:] == {name}[:m/2]", -1: f"{name}[m/2:] == -{name}[:m/2]"}[sign]
            fail(call, f"{name}[{h + j}] = {v[h + j]!r} and {name}[{j}] = {v[j]!r}", f"{rule} (the pairs "
                 "(a, -a), (w, w), (b, b) for 'zero_output'; (a, a), (w, -w), (b, b) for 'seed')",
                 hint="draw halves of size m // 2 and concatenate, e.g. np.concatenate((a, -a))")


@checks.check("init_params")
def check_init_zero_output(impl, *, rng):
    """symmetric="zero_output" gives the pairs (a, -a), (w, w), (b, b) of normal halves, and the
    network output vanishes at every x (up to rounding)."""
    seed = int(rng.integers(0, 2**31 - 1))
    for m, gamma, gamma_prime in ((2, 1.5, 0.0), (800, 1.5, 0.0), (64, 0.5, 0.5)):
        call, (a, w, b) = _init(impl, m, gamma, gamma_prime, seed, "zero_output")
        _halves(call, (a, w, b), (-1, 1, 1))
        alpha = float(m) ** (gamma - gamma_prime)
        xs = np.concatenate((OUTPUT_GRID, X_DATA, [-3.0, 3.0]))
        terms = np.maximum(np.multiply.outer(xs, w) + b, 0.0) * a / alpha
        out, scale = terms.sum(axis=1), np.abs(terms).sum(axis=1)
        k = int(np.argmax(np.abs(out) - ZERO_RTOL * scale))
        if abs(out[k]) > ZERO_RTOL * scale[k]:
            fail(call, f"parameters whose network output at x = {xs[k]:.4g} is {out[k]:.3g}", "f(x) = 0 for every x",
                 hint="the pairs must compute the same hidden unit relu(w x + b) with opposite output weights")
    call, (a, w, b) = _init(impl, MOMENT_N, 1.0, 0.5, seed, "zero_output")
    h = MOMENT_N // 2
    _expect_moments(call, "a[:m/2]", a[:h], MOMENT_N ** -0.5)
    _expect_moments(call, "w[:m/2]", w[:h], 1.0)
    _expect_moments(call, "b[:m/2]", b[:h], 1.0)


@checks.check("init_params")
def check_init_seed_symmetry(impl, *, rng):
    """symmetric="seed" keeps the seed notebook's pairs (a, a), (w, -w), (b, b), whose output
    does not vanish (the bug the zero-output option fixes)."""
    seed = int(rng.integers(0, 2**31 - 1))
    for m in (2, 100):
        call, (a, w, b) = _init(impl, m, 1.5, 0.0, seed, "seed")
        _halves(call, (a, w, b), (1, -1, 1))
    out = _network(OUTPUT_GRID, a, w, b, 100.0**1.5)
    if not np.abs(out).max() > 0:
        fail(call, "parameters whose network output vanishes on [-1/2, 1/2]", "the seed's pairing, whose "
             "output is a sum of even functions a_j [relu(w_j x + b_j) + relu(-w_j x + b_j)], not 0")


@checks.check("init_params", public=False)
def check_init_matches_reference(impl, *, rng):
    """Instructor-only: the draws equal the reference's (default_rng(seed), a then w then b) for
    the three options."""
    from solutions.research import condensation as ref

    seed = int(rng.integers(0, 2**31 - 1))
    for symmetric in ("absent", None, "zero_output", "seed"):
        call, got = _init(impl, 40, 1.0, 0.25, seed, symmetric)
        want = ref.init_params(40, 1.0, 0.25, seed, **({} if symmetric == "absent" else {"symmetric": symmetric}))
        for name, g, e in zip("awb", got, want):
            assert_close(g, e, call, rule=f"{name} must equal the reference's draws",
                         hint="rng = np.random.default_rng(seed); draw a, then w, then b with "
                              "rng.normal(0.0, scale, size), size m (or m // 2 for the symmetric options)")


# --- network, risk, gradient ----------------------------------------------------------------------
@checks.check("network")
def check_network_formula(impl, *, rng):
    """network(x, a, w, b, alpha_m) = (1/alpha_m) sum_j a_j relu(w_j x + b_j) at every entry of x."""

    @hypo.given(problems(max_m=8, max_n=6), max_examples=15)
    def prop(problem):
        a, w, b, alpha, x, _ = problem
        call = call_repr("network", (x, a, w, b, alpha))
        out = expect_array(impl.network(x, a, w, b, alpha), call, shape=x.shape)
        assert_close(out, _network(x, a, w, b, alpha), call, rtol=VALUE_RTOL, atol=VALUE_ATOL,
                     hint="f(x) = (1 / alpha_m) * sum_j a_j * max(w_j x + b_j, 0), one value per entry of x")

    prop()


@checks.check("risk")
def check_risk_formula(impl, *, rng):
    """risk(a, w, b, alpha_m, x, y) = 1/(2n) sum_i (f(x_i) - y_i)^2, a float."""

    @hypo.given(problems(max_m=8, max_n=6), max_examples=15)
    def prop(problem):
        a, w, b, alpha, x, y = problem
        call = call_repr("risk", (a, w, b, alpha, x, y))
        value = expect_float(impl.risk(a, w, b, alpha, x, y), call)
        if _close(value, _risk(a, w, b, alpha, x, y)):
            return
        own = _own(impl, "network", x, a, w, b, alpha)
        if own is not None and own.shape == x.shape and _close(value, 0.5 * np.mean((own - y) ** 2)):
            return  # the right formula applied to a wrong network (checked by network_formula)
        assert_close(value, _risk(a, w, b, alpha, x, y), call, rtol=VALUE_RTOL, atol=VALUE_ATOL,
                     hint="R = 1/(2n) sum_i (f(x_i) - y_i)**2: the mean of the squared residuals, halved")

    prop()


def _gradient(impl, a, w, b, alpha, x, y):
    call = call_repr("risk_gradient", (a, w, b, alpha, x, y))
    out = impl.risk_gradient(a, w, b, alpha, x, y)
    if type(out) not in (tuple, list) or len(out) != 3:
        fail(call, describe_type(out) + (f" of length {len(out)}" if type(out) in (tuple, list) else ""),
             "a tuple (grad_a, grad_w, grad_b) of three float arrays of shape (m,)")
    m = len(a)
    return call, [expect_array(g, call, shape=(m,), what=f"three float ndarrays of shape ({m},)") for g in out]


GRADIENT_HINT = ("dR/da_j = 1/(n alpha_m) sum_i e_i relu(w_j x_i + b_j), dR/dw_j = 1/(n alpha_m) sum_i e_i a_j "
                 "x_i [w_j x_i + b_j > 0], dR/db_j the same without x_i, with e_i = f(x_i) - y_i; return the "
                 "gradient itself (the seed's gradient_flow returned its negative)")


def _compare_blocks(call, analytic, risk_fn, a, w, b, hint):
    blocks = {"grad_a": 0, "grad_w": 1, "grad_b": 2}
    params = [a, w, b]
    for name, k in blocks.items():
        def along(v, k=k):
            p = list(params)
            p[k] = v
            return risk_fn(*p)

        assert_gradient(analytic[k], numeric_gradient(along, params[k]), call, hint=hint, what=name)


@checks.check("risk_gradient")
def check_risk_gradient_finite_differences(impl, *, rng):
    """risk_gradient matches central differences of the true risk, coordinate by coordinate
    (relative error 1e-5, worst coordinate reported)."""

    @hypo.given(problems(), max_examples=20)
    def prop(problem):
        a, w, b, alpha, x, y = problem
        call, grads = _gradient(impl, a, w, b, alpha, x, y)
        _compare_blocks(call, grads, lambda a_, w_, b_: _risk(a_, w_, b_, alpha, x, y), a, w, b, GRADIENT_HINT)

    prop()


@checks.check("risk_gradient")
def check_risk_gradient_consistent_with_risk(impl, *, rng):
    """risk_gradient matches central differences of the submitted risk: the two functions agree."""

    @hypo.given(problems(max_m=2, max_n=3), max_examples=5)
    def prop(problem):
        a, w, b, alpha, x, y = problem
        call, grads = _gradient(impl, a, w, b, alpha, x, y)

        def student_risk(a_, w_, b_):
            return expect_float(impl.risk(a_, w_, b_, alpha, x, y), call_repr("risk", (a_, w_, b_, alpha, x, y)))

        _compare_blocks(call, grads, student_risk, a, w, b,
                        "risk_gradient must be the gradient of your risk: differences of risk disagree with it")

    prop()


# --- gradient descent ----------------------------------------------------------------------------
@checks.check("gradient_descent")
def check_gd_update_rule(impl, *, rng):
    """Record 0 is the initial state; each record is the previous one minus lr times the gradient
    there (record_every=1); "risk" is the risk of each record."""

    @hypo.given(problems(), st.sampled_from([0.5, 2.0, 10.0]), max_examples=10)
    def prop(problem, lr_scale):
        a, w, b, alpha, x, y = problem
        lr = lr_scale * alpha
        call, hist = _history(impl, a, w, b, alpha, x, y, lr, 3, 1)
        if hist["step"].tolist() != [0, 1, 2, 3]:
            fail(call, f'"step" = {short(hist["step"])}', '"step" = array([0, 1, 2, 3])',
                 hint="record the initial state (step 0) and the state after every record_every-th step")
        for name, k, v in (("a", 0, a), ("w", 1, w), ("b", 2, b)):
            if not np.array_equal(hist[name][0], v):  # copied, never computed
                fail(call, f'"{name}"[0] = {short(hist[name][0])}', f"the initial {name} = {short(v)} exactly",
                     hint="record 0 is the state before the first step")
        states = [(hist["a"][t], hist["w"][t], hist["b"][t]) for t in range(4)]
        for t in range(3):
            ga, gw, gb = _grad(*states[t], alpha, x, y)
            for name, k, g in (("a", 0, ga), ("w", 1, gw), ("b", 2, gb)):
                assert_close(states[t + 1][k], states[t][k] - lr * g, call, rtol=STEP_RTOL, atol=STEP_ATOL,
                             rule=f'"{name}"[{t + 1}] must be "{name}"[{t}] - lr * dR/d{name} at record {t}',
                             hint="a descent step subtracts lr times the gradient at the current state, "
                                  "for a, w and b simultaneously (all three from the same old state)")
        for t in range(4):
            _expect_risk_column(impl, call, hist, t, t, alpha, x, y)

    prop()


@checks.check("gradient_descent")
def check_gd_subsampled_history(impl, *, rng):
    """record_every=k keeps the states after 0, k, 2k, ... steps and after the last one (once),
    equal to the states of the full descent; the default is every step."""
    a, w, b = rng.normal(size=5), rng.normal(size=5), rng.normal(size=5)
    alpha, lr = 5.0**1.5, 5.0
    full = _descend(a, w, b, alpha, X_DATA, Y_DATA, lr, 10)
    for steps, every in ((10, 3), (9, 3), (10, None), (0, 4), (5, 7), (10, 10)):
        call, hist = _history(impl, a, w, b, alpha, X_DATA, Y_DATA, lr, steps, every)
        want = _expected_steps(steps, every or 1)
        if hist["step"].tolist() != want:
            fail(call, f'"step" = {short(hist["step"])}', f'"step" = {short(np.array(want))}',
                 hint="the steps 0, k, 2k, ... up to steps, and steps itself at the end if it is not a multiple "
                      "of k (never twice); record_every defaults to 1")
        for r, t in enumerate(want):
            for name, k in (("a", 0), ("w", 1), ("b", 2)):
                assert_close(hist[name][r], full[t][k], call, rtol=STEP_RTOL, atol=STEP_ATOL,
                             rule=f'"{name}"[{r}] must be the state after {t} steps',
                             hint="record the state after exactly step[r] steps")
            _expect_risk_column(impl, call, hist, r, t, alpha, X_DATA, Y_DATA)


@checks.check("gradient_descent")
def check_gd_risk_decreases(impl, *, rng):
    """With a small learning rate the risk never increases along the descent on the seed's data
    and falls by at least half in 200 steps (gamma = 1, m = 50)."""
    _warm_up(impl)
    m, gamma = 50, 1.0
    half = rng.normal(size=(3, m // 2))
    a, w, b = np.concatenate((half[0], -half[0])), np.tile(half[1], 2), np.tile(half[2], 2)
    lr = _lr(m, gamma, 0.5)  # a quarter of the regime checks' step: far inside the stable range
    _, hist = _history(impl, a, w, b, float(m) ** gamma, X_DATA, Y_DATA, lr, 200, 10)
    call = (f"gradient_descent(a, w, b, alpha_m={float(m) ** gamma:g}, X_DATA, Y_DATA, lr={lr:g}, steps=200, "
            f"record_every=10) from a zero-output initialisation of width {m}")
    risks = np.array([_risk(hist["a"][r], hist["w"][r], hist["b"][r], float(m) ** gamma, X_DATA, Y_DATA)
                      for r in range(len(hist["step"]))])
    rises = np.flatnonzero(np.diff(risks) > MONOTONE_RTOL * risks[:-1])
    if rises.size:
        r = int(rises[0])
        fail(call, f"a descent whose risk rises from {risks[r]:.6g} (step {hist['step'][r]}) to {risks[r + 1]:.6g} "
             f"(step {hist['step'][r + 1]})", "a non-increasing risk for this small learning rate",
             hint="gradient DEscent: theta - lr * gradient (the seed's gradient_flow returned -gradient and added it)")
    if not risks[-1] <= 0.5 * risks[0]:
        fail(call, f"a descent from risk {risks[0]:.6g} to {risks[-1]:.6g} in 200 steps",
             "the risk to fall below half its initial value", hint="check the learning rate is used as given: "
             "theta <- theta - lr * grad R(theta)")


def _warm_up(impl):
    """A tiny first call of gradient_descent.  The determinism probe repeats the first call of
    each function in a check (up to 20 times): it should be a cheap one."""
    _history(impl, np.array([0.5, -0.5]), np.array([1.0, 1.0]), np.array([0.25, 0.25]), 2.0, X_DATA, Y_DATA,
             1.0, 1, 1)


def _regime_run(impl, m, gamma, seed):
    """(call, RD, risk(T) / risk(0), final a, w, b) of a run from the zero-output initialisation."""
    alpha, lr = float(m) ** gamma, _lr(m, gamma, REGIME_ETA)
    init = call_repr("init_params", (m, gamma, 0.0, seed), {"symmetric": "zero_output"})
    _, (a0, w0, b0) = _init(impl, m, gamma, 0.0, seed, "zero_output")
    _, hist = _history(impl, a0, w0, b0, alpha, X_DATA, Y_DATA, lr, REGIME_STEPS, REGIME_STEPS)
    call = (f"gradient_descent(*{init}, alpha_m={alpha:.6g}, X_DATA, Y_DATA, lr={lr:.6g}, steps={REGIME_STEPS}, "
            f"record_every={REGIME_STEPS})")
    a, w, b = hist["a"][-1], hist["w"][-1], hist["b"][-1]
    ratio = _risk(a, w, b, alpha, X_DATA, Y_DATA) / _risk(a0, w0, b0, alpha, X_DATA, Y_DATA)
    return call, _rd(w, b, w0, b0), ratio, (a, w, b)


@checks.check("gradient_descent")
def check_linear_regime(impl, *, rng):
    """gamma = 1/2, m = 100: the network fits the data (risk at least halved) while the input weights
    barely move (RD < 0.2): the linear (NTK) regime."""
    _warm_up(impl)
    seed = int(rng.integers(0, 2**31 - 1))
    call, rd, ratio, _ = _regime_run(impl, LINEAR_M, 0.5, seed)
    where = "at gamma = 1/2"
    if not ratio <= LINEAR_RISK_RATIO:
        fail(call, f"a run whose risk only fell to {ratio:.3g} of its initial value ({where})",
             f"risk(T) <= {LINEAR_RISK_RATIO:g} risk(0): the descent must fit the data")
    if not rd < LINEAR_RD_MAX:
        fail(call, f"input weights at relative distance RD = {rd:.3g} from their initialisation ({where})",
             f"RD < {LINEAR_RD_MAX:g} in the linear regime (gamma = 1/2)",
             hint="alpha_m = m**gamma scales the output: check the gradient's factor 1/alpha_m and the initial scales")


@checks.check("gradient_descent")
def check_critical_regime(impl, *, rng):
    """gamma = 1, m = 100: the fit moves the input weights by RD of order one (0.15 to 1.5)."""
    _warm_up(impl)
    seed = int(rng.integers(0, 2**31 - 1))
    call, rd, ratio, _ = _regime_run(impl, CRITICAL_M, 1.0, seed)
    where = "at gamma = 1"
    if not ratio <= CRITICAL_RISK_RATIO:
        fail(call, f"a run whose risk only fell to {ratio:.3g} of its initial value ({where})",
             f"risk(T) <= {CRITICAL_RISK_RATIO:g} risk(0)")
    if not CRITICAL_RD_MIN <= rd <= CRITICAL_RD_MAX:
        fail(call, f"RD = {rd:.3g} ({where})", f"RD between {CRITICAL_RD_MIN:g} and {CRITICAL_RD_MAX:g} in the "
             "critical regime (gamma = 1)")


@checks.check("gradient_descent")
def check_condensed_regime(impl, *, rng):
    """gamma = 3/2: RD grows with the width (one run at m = 256 beats the mean of four at m = 32)
    and the neurons carrying 80% of the amplitude are few, with kinks -b/w gathered at few points
    of [-1/2, 1/2]."""
    _warm_up(impl)
    seeds = [int(s) for s in rng.integers(0, 2**31 - 1, size=CONDENSED_SMALL_RUNS + 1)]
    small = [_regime_run(impl, CONDENSED_SMALL_M, 1.5, s)[1] for s in seeds[1:]]
    call, rd, ratio, (a, w, b) = _regime_run(impl, CONDENSED_LARGE_M, 1.5, seeds[0])
    where = "at gamma = 3/2"
    if not ratio <= CONDENSED_RISK_RATIO:
        fail(call, f"a run whose risk only fell to {ratio:.3g} of its initial value ({where})",
             f"risk(T) <= {CONDENSED_RISK_RATIO:g} risk(0)")
    if not (rd >= CONDENSED_RD_MIN and rd > np.mean(small)):
        fail(call, f"RD = {rd:.3g} at m = {CONDENSED_LARGE_M} and a mean RD of {np.mean(small):.3g} over "
             f"{CONDENSED_SMALL_RUNS} runs at m = {CONDENSED_SMALL_M} ({where})",
             f"RD >= {CONDENSED_RD_MIN:g}, growing with m in the condensed regime (gamma = 3/2)")
    amplitude = np.abs(a) * np.hypot(w, b)
    order = np.argsort(amplitude)[::-1]
    count = int(np.searchsorted(np.cumsum(amplitude[order]) / amplitude.sum(), AMPLITUDE_SHARE)) + 1
    large = order[:count]
    with np.errstate(divide="ignore", invalid="ignore"):
        kinks = np.sort(-b[large] / w[large])
    groups = 1 + int(np.sum(np.diff(kinks) > KINK_GAP))
    if count > LARGE_FRACTION_MAX * CONDENSED_LARGE_M or not np.all(np.abs(kinks) <= 0.5) or groups > KINK_GROUPS_MAX:
        fail(call, f"final parameters whose {count} largest neurons (of {CONDENSED_LARGE_M}) carry "
             f"{AMPLITUDE_SHARE:.0%} of the amplitude |a_j| ||(w_j, b_j)||, with kinks -b_j/w_j {short(kinks)} "
             f"in {groups} group(s) ({where})", f"at most {LARGE_FRACTION_MAX:.0%} of the neurons, with kinks in "
             f"[-1/2, 1/2] gathered in at most {KINK_GROUPS_MAX} groups (gaps > {KINK_GAP:g})")


# --- relative distance, output range ----------------------------------------------------------------
@checks.check("relative_distance")
def check_relative_distance_definition(impl, *, rng):
    """relative_distance(w, b, w0, b0) = ||(w - w0, b - b0)|| / ||(w0, b0)||, and 0 for w = w0, b = b0."""

    @hypo.given(strategies.seeds(), st.integers(1, 8), max_examples=15)
    def prop(seed, m):
        g = np.random.default_rng(seed)
        w0, b0 = g.normal(size=m), g.normal(size=m)
        w, b = w0 + g.normal(scale=g.uniform(0.01, 3), size=m), b0 + g.normal(scale=g.uniform(0.01, 3), size=m)
        call = call_repr("relative_distance", (w, b, w0, b0))
        value = expect_float(impl.relative_distance(w, b, w0, b0), call)
        assert_close(value, _rd(w, b, w0, b0), call, rtol=VALUE_RTOL, atol=VALUE_ATOL,
                     hint="one Euclidean norm of the 2m-vector (w - w0, b - b0), divided by the norm of (w0, b0)")
        call = call_repr("relative_distance", (w0, b0, w0, b0))
        value = expect_float(impl.relative_distance(w0, b0, w0, b0), call)
        if value != 0.0:
            fail(call, repr(value), "0.0: no distance from the initialisation")

    prop()


@checks.check("relative_distance")
def check_relative_distance_zero_at_step_0(impl, *, rng):
    """Along a descent, RD of record 0 (the initial state) is exactly 0 and RD of the last record
    is the distance travelled."""
    a0, w0, b0 = rng.normal(size=6), rng.normal(size=6), rng.normal(size=6)
    _, hist = _history(impl, a0, w0, b0, 6.0**1.5, X_DATA, Y_DATA, 50.0, 4, 2)
    call = call_repr("relative_distance", (hist["w"][0], hist["b"][0], w0, b0))
    value = expect_float(impl.relative_distance(hist["w"][0], hist["b"][0], w0, b0), call)
    if value != 0.0:
        fail(call, repr(value), "0.0 at step 0 (record 0 of gradient_descent is the initial state)",
             hint="the history starts with the state before the first step")
    call = call_repr("relative_distance", (hist["w"][-1], hist["b"][-1], w0, b0))
    value = expect_float(impl.relative_distance(hist["w"][-1], hist["b"][-1], w0, b0), call)
    assert_close(value, _rd(hist["w"][-1], hist["b"][-1], w0, b0), call, rtol=VALUE_RTOL, atol=VALUE_ATOL,
                 rule="RD of the last record (after 4 steps)",
                 hint="one Euclidean norm of the 2m-vector (w - w0, b - b0), divided by the norm of (w0, b0)")


@checks.check("output_range")
def check_output_range_on_grid(impl, *, rng):
    """output_range(a, w, b, alpha_m) = (min, max) of the network over OUTPUT_GRID, two floats."""

    @hypo.given(problems(max_m=8), max_examples=15)
    def prop(problem):
        a, w, b, alpha, _, _ = problem
        call = call_repr("output_range", (a, w, b, alpha))
        out = impl.output_range(a, w, b, alpha)
        if type(out) not in (tuple, list) or len(out) != 2:
            fail(call, describe_type(out), "a tuple of two floats (min, max)")
        got = np.array([expect_float(v, call) for v in out])
        values = _network(OUTPUT_GRID, a, w, b, alpha)
        if _close(got, np.array([values.min(), values.max()])):
            return
        own = _own(impl, "network", OUTPUT_GRID, a, w, b, alpha)
        if own is not None and own.shape == OUTPUT_GRID.shape and _close(got, np.array([own.min(), own.max()])):
            return  # the right grid and order on a wrong network (checked by network_formula)
        assert_close(got, np.array([values.min(), values.max()]), call, rtol=VALUE_RTOL, atol=VALUE_ATOL,
                     hint="evaluate the network on OUTPUT_GRID = np.linspace(-0.5, 0.5, 400); return (min, max)")

    prop()


# --- figures ------------------------------------------------------------------------------------------
def _training_inputs(rng):
    steps = np.arange(0, 70, 10)
    risk = np.sort(rng.uniform(1e-4, 1e-2, size=7))[::-1].copy()
    out_min, out_max = np.sort(rng.uniform(0.0, 0.1, size=7)), np.sort(rng.uniform(0.15, 0.3, size=7))
    rd = np.sort(rng.uniform(0.0, 2.0, size=7))
    return steps, risk, out_min, out_max, rd


@checks.check("plot_training")
def check_training_plot_data(impl, *, rng):
    """The risk, the output's minimum and maximum, and RD are each drawn against the steps; the risk
    and RD in axes of their own, the minimum and maximum together."""
    steps, risk, out_min, out_max, rd = _training_inputs(rng)
    call, desc = _figure(impl, "plot_training", steps, risk, out_min, out_max, rd)
    where = {}
    for name, values in (("risk", risk), ("out_min", out_min), ("out_max", out_max), ("rd", rd)):
        k, _ = _find_line(desc, steps, values)
        if k is None:
            fail_text(f"{call} draws no line with x = steps and y = {name} = {short(values)}.",
                      hint=f"ax.plot(steps, {name})")
        where[name] = k
    if where["out_min"] != where["out_max"]:
        fail_text(f"{call} draws out_min and out_max in different axes; expected them together.")
    if len({where["risk"], where["out_min"], where["rd"]}) != 3:
        fail_text(f"{call} shares axes between the risk, the output range and RD; expected three axes.",
                  hint="fig, axs = plt.subplots(1, 3)")


@checks.check("plot_training")
def check_training_plot_labels(impl, *, rng):
    """Every axes is labelled: x 'step', y 'risk' / 'output' / 'RD' (or 'relative distance'); the
    risk on a log scale."""
    steps, risk, out_min, out_max, rd = _training_inputs(rng)
    call, desc = _figure(impl, "plot_training", steps, risk, out_min, out_max, rd)
    for name, values, words in (("risk", risk, ("risk",)), ("out_min", out_min, ("output",)),
                                ("rd", rd, ("rd", "relative distance"))):
        k, _ = _find_line(desc, steps, values)
        if k is None:
            fail_text(f"{call} draws no line with x = steps and y = {name}.")
        ax = desc["axes"][k]
        if "step" not in ax["xlabel"].lower() or not any(wd in ax["ylabel"].lower() for wd in words):
            fail_text(f"{call} labels the axes of {name} x: {ax['xlabel']!r}, y: {ax['ylabel']!r}; expected x "
                      f"containing 'step' and y containing {' or '.join(repr(wd) for wd in words)}.")
        if name == "risk" and ax.get("yscale", "log") != "log":
            fail_text(f"{call} draws the risk on a {ax['yscale']!r} y axis; expected a log scale (the risk falls "
                      "by orders of magnitude).", hint='ax.set_yscale("log")')


@checks.check("plot_network")
def check_network_plot(impl, *, rng):
    """The network output is a line over [-1/2, 1/2] (>= 100 points, y = f(x)) and the data are drawn
    (markers or a scatter)."""
    a, w, b = rng.normal(size=6), rng.normal(size=6), rng.normal(size=6)
    alpha = 6.0**1.5
    call, desc = _figure(impl, "plot_network", a, w, b, alpha, X_DATA, Y_DATA)
    lines = [ln for ax in desc["axes"] for ln in ax["lines"]]
    curves = [ln for ln in lines if ln["x"].size >= 100 and ln["x"].shape == ln["y"].shape
              and ln["x"].min() <= -0.5 + 1e-9 and ln["x"].max() >= 0.5 - 1e-9]
    if not curves:
        ranges = [(round(float(ln["x"].min()), 3), round(float(ln["x"].max()), 3), ln["x"].size)
                  for ln in lines if ln["x"].size]
        fail_text(f"{call} draws no line of >= 100 points covering [-1/2, 1/2]; its lines have (x min, x max, "
                  f"points) {ranges}.",
                  hint="t = np.linspace(-0.5, 0.5, 401); ax.plot(t, network(t, a, w, b, alpha_m))")
    if not any(_close(ln["y"], _network(ln["x"], a, w, b, alpha))
               or _close(ln["y"], _own(impl, "network", ln["x"], a, w, b, alpha)) for ln in curves):
        ln = curves[0]
        fail_text(f"{call} draws a curve whose y data {short(ln['y'])} are not f(x) = "
                  f"{short(_network(ln['x'], a, w, b, alpha))}.",
                  hint="plot the network output of the given parameters")
    if _find_line(desc, X_DATA, Y_DATA)[0] is None:
        fail_text(f"{call} does not draw the data (a line with x = {short(X_DATA)}, y = {short(Y_DATA)}).",
                  hint='ax.plot(x, y, "o")')


@checks.check("plot_neurons")
def check_neuron_plot(impl, *, rng):
    """Two sets of points (marker lines or scatters), "initial" and "final", with x = atan2(b_j, w_j)
    and y = |a_j| ||(w_j, b_j)|| per neuron (any order), x label 'orientation', y label 'amplitude'."""
    a0, w0, b0 = rng.normal(size=(3, 8))
    a, w, b = a0 * rng.uniform(0.5, 3, 8), w0 + rng.normal(size=8), b0 + rng.normal(size=8)
    call, desc = _figure(impl, "plot_neurons", a, w, b, a0, w0, b0)
    for label, params in (("initial", (a0, w0, b0)), ("final", (a, w, b))):
        x, y = _features(*params)
        order = np.lexsort((y, x))
        found = None
        for ax in desc["axes"]:
            for ln in _series(ax):
                if ln["x"].shape == x.shape and ln["y"].shape == y.shape:
                    o = np.lexsort((ln["y"], ln["x"]))
                    if np.allclose(ln["x"][o], x[order], rtol=VALUE_RTOL, atol=VALUE_ATOL) and \
                            np.allclose(ln["y"][o], y[order], rtol=VALUE_RTOL, atol=VALUE_ATOL):
                        found = (ax, ln)
        if found is None:
            shown = [(short(ln["x"][:3]), short(ln["y"][:3])) for ax in desc["axes"] for ln in _series(ax)]
            fail_text(f"{call} draws no line of the {label} neurons with x = atan2(b, w) = {short(x)} and "
                      f"y = |a| hypot(w, b) = {short(y)}; its lines start with {shown}.",
                      hint="one amplitude per neuron: np.abs(a) * np.hypot(w, b) (the seed's "
                           "a * np.linalg.norm([w, b]) used one norm for all neurons); orientation np.arctan2(b, w)")
        ax, ln = found
        if label not in ln["label"].lower():
            fail_text(f"{call} labels the {label} neurons {ln['label']!r}; expected a label containing {label!r}.",
                      hint=f'ax.plot(orientation, amplitude, "o", label="{label}")')
        if "orientation" not in ax["xlabel"].lower() or "amplitude" not in ax["ylabel"].lower():
            fail_text(f"{call} labels its axes x: {ax['xlabel']!r}, y: {ax['ylabel']!r}; expected 'orientation' "
                      "and 'amplitude'.")


@checks.check("plot_phase_diagram")
def check_phase_diagram_plot(impl, *, rng):
    """One line per gamma with x = widths and y = rd[k], its label naming gamma, on log-log axes."""
    gammas = np.array([0.5, 1.0, 1.5])
    widths = np.array([50, 100, 200, 400])
    rd = np.exp(rng.normal(size=(3, 4)))
    call, desc = _figure(impl, "plot_phase_diagram", gammas, widths, rd)
    for k, g in enumerate(gammas):
        _, line = _find_line(desc, widths.astype(float), rd[k])
        if line is None:
            fail_text(f"{call} draws no line with x = widths = {short(widths)} and y = rd[{k}] = {short(rd[k])} "
                      f"(gamma = {g:g}).", hint="for k, g in enumerate(gammas): ax.plot(widths, rd[k], label=...)")
        if not any(abs(v - g) < 1e-9 for v in _numbers(line["label"])):
            fail_text(f"{call} labels the line of gamma = {g:g} {line['label']!r}; expected a label naming {g:g}.",
                      hint='label=f"gamma = {g:g}"')
    k, _ = _find_line(desc, widths.astype(float), rd[0])
    ax = desc["axes"][k]
    if (ax.get("xscale", "log"), ax.get("yscale", "log")) != ("log", "log"):
        fail_text(f"{call} draws on {ax['xscale']!r} x and {ax['yscale']!r} y axes; expected log-log axes (RD "
                  "against m is a power law: a straight line of slope d log RD / d log m).",
                  hint='ax.set_xscale("log"); ax.set_yscale("log")')
