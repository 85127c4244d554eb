"""Checks of ``sparsification`` (research seminar, after Lecomte et al., arXiv:2312.03096).

``euler_step`` is checked against the explicit Euler update of
dw/dt = (1 - ||w||^2) w - lambda (exactly, and as a first-order approximation of the
right-hand side for small steps) and against the invariants of that update: weights
that reach zero are dropped, the survivors stay sorted and non-negative, m' never
increases, and ratios of differences of survivors are unchanged (every survivor gets
the same affine map).  The predictions are checked against their closed forms,
``rel_var_range`` against its definition and against what it bounds (the relative
variance of the k largest weights after any admissible common shift).  ``simulate`` is
checked against the grader's own vector loop of Euler steps (survivor counts, norms,
the log-spaced record schedule, ``max_steps``) and against the paper's prediction at
small m; the figure through matplotlib's object model.  The one instructor-only check
compares whole histories with the reference solution on hidden inputs.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nndl import hypo
from nndl.checks import CheckSet
from nndl.messages import call_repr, describe_type, fail, short
from nndl.numerics import RTOL_EXACT, assert_close, expect_array
from nndl.plain import Handle

checks = CheckSet("research", "sparsification")

#: The seed's Euler step, the contract's default.
STEP = 0.5
#: The seed's record schedule: the state after k steps when int(3 log k) != int(3 log(k + 1)).
RECORDS_PER_E = 3
#: The contract's default bound on the number of steps.
MAX_STEPS = 10_000_000

# --- tolerances -----------------------------------------------------------------------------------
#: One Euler step, grader vs submission: the same update by possibly different but equivalent
#: formulas (w + h((1 - s) w - lam) or (1 + h(1 - s)) w - h lam; s by a dot product or a sum);
#: they differ by a few ulps of weights <= 2 (~1e-15).  1e-12 absolute plus 1e-10 relative is
#: three orders above that and many orders below a real mistake (a missing square, a sign).
STEP_ATOL = 1e-12
STEP_RTOL = 1e-10
#: A new weight within this of zero may be kept or dropped: the equivalent formulas above may
#: round it to either side of 0 (their results differ by ~1e-15).
ZERO_ATOL = 1e-13
#: Ratios of differences of weights: the strategies keep gaps >= ~1e-4 of the weights' size,
#: so each ratio is computed to ~eps * 1e4 ~ 1e-12 relative; 1e-8 leaves four orders of margin.
GAP_RTOL = 1e-8
#: rel_var_range vs the grader's two-pass mean and variance of each prefix: prefix sums lose
#: ~eps * E[w^2] / var <= ~1e-12 relative for the strategies' gaps (>= 1e-2 of the weights'
#: size); 1e-7 relative (1e-12 absolute for the zero entries) is far above that and far below
#: the mistakes (ddof=1 is a factor k/(k-1), a swapped neighbour an O(1) change).
RELVAR_RTOL = 1e-7
RELVAR_ATOL = 1e-12
#: Recorded norms, submission vs the grader's vector loop: the reference's tracked affine map
#: (w_i = A w0_i - B) and a vector loop agree to ~k * eps * (B / min weight); at most ~1e-10
#: relative for the few thousand steps used here.  1e-7 relative is safe, a one-step lag of
#: ||w||_1 (the seed's recording) is >= 1e-4.
NORM_RTOL = 1e-7
NORM_ATOL = 1e-9
#: After a step, a weight within this fraction of the largest new weight from zero is "within
#: rounding of zero": the tracked map's error is ~k * eps * (B / largest weight) <= ~1e-10 of the
#: largest weight for these runs, so such a weight may be kept or dropped, and the survivor
#: counts may differ by the number of such events.  (None occurs in the checks' runs, measured;
#: the rule keeps a correct submission from depending on luck.)
AMBIGUOUS = 1e-9
#: m'(t) vs the prediction max((1/sqrt(m) + lam t)^-2, 1) while the prediction is >= 5, for
#: m = 300 and 1000, lam = 0.01, h = 0.5: over 100 initial draws each, m' / prediction is in
#: [0.98, 4.4] (the survivors' relative variance ~0.6-1 makes m' 2-3 times the equal-weights
#: prediction).  [0.7, 6] keeps a margin of ~1.4 on both sides.  A penalty applied without the
#: step size (lam instead of h lam per step) gives ratios down to ~0.2-0.3, half of it up to ~12.
PREDICTION_FLOOR = 5.0
FACTOR_LO = 0.7
FACTOR_HI = 6.0
#: Times of records: k * step computed in float64, exact for the steps used here.
TIME_RTOL = 1e-12
#: Figure data: a line drawn from the recorded arrays is those arrays (up to float conversion).
LINE_RTOL = 1e-9
LINE_ATOL = 1e-12

FIGURE = "matplotlib.figure.Figure"
STEP_HINT = ("one explicit Euler step is w + step * ((1 - ||w||^2) * w - lam) with ||w||^2 = w @ w, the squared "
             "norm of the whole vector, and lam subtracted from every weight")
DROP_HINT = ("keep only the new weights that are still > 0, in their order (new[new > 0]): a weight that "
             "reaches zero is dropped, not clipped, and the weights are updated before the test")
M_PRIME_FORMULA = "max((1/sqrt(m) + lam*t)**-2, 1)"
L1_FORMULA = "max((1/sqrt(m) + lam*t)**-1, 1)"
HISTORY_KEYS = ("k", "t", "m_prime", "l1", "sq_norm")


# --- the true dynamics, grader-side ---------------------------------------------------------------
def _new_weights(w: np.ndarray, lam: float, step: float) -> np.ndarray:
    """The Euler update of every weight, before dropping."""
    return w + step * ((1.0 - w @ w) * w - lam)


class _Run:
    """The grader's vector loop of Euler steps from ``w0`` (sorted descending), state by state.

    ``m_prime[k]``, ``l1[k]``, ``sq[k]``: the state after k steps (k = 0 is w0);
    ``ambiguous[k]``: weights within rounding of zero in steps 1..k (cumulative).
    """

    def __init__(self, w0: np.ndarray, lam: float, step: float, max_steps: int = MAX_STEPS) -> None:
        w = np.sort(np.asarray(w0, dtype=np.float64))[::-1]
        m_prime, l1, sq, ambiguous = [w.size], [float(w.sum())], [float(w @ w)], [0]
        k = 0
        while w.size > 1 and k < max_steps:
            new = _new_weights(w, lam, step)
            scale = float(np.abs(new).max())
            ambiguous.append(ambiguous[-1] + int(np.count_nonzero(np.abs(new) <= AMBIGUOUS * scale)))
            w = new[new > 0.0]
            k += 1
            m_prime.append(w.size)
            l1.append(float(w.sum()))
            sq.append(float(w @ w))
        self.steps = k
        self.m_prime = np.array(m_prime)
        self.l1 = np.array(l1)
        self.sq = np.array(sq)
        self.ambiguous = np.array(ambiguous)


def _schedule(last: int, max_steps: int = MAX_STEPS) -> np.ndarray:
    """The record steps of a run that ends after ``last`` steps: the scheduled ones and the last."""
    k = np.arange(1, last + 1)
    scheduled = k[np.floor(RECORDS_PER_E * np.log(k)) != np.floor(RECORDS_PER_E * np.log(k + 1.0))]
    return np.union1d(scheduled, [last]) if last >= 1 else np.zeros(0, dtype=np.int64)


def _seed_weights(rng: np.random.Generator, m: int) -> np.ndarray:
    """The seed's initial weights: |N(0, 0.9/sqrt(m))|, sorted descending."""
    return np.sort(np.abs(rng.normal(0.0, 0.9 / math.sqrt(m), m)))[::-1].copy()


def _pred_m_prime(t: np.ndarray, m: int, lam: float) -> np.ndarray:
    return np.maximum((1.0 / math.sqrt(m) + lam * np.asarray(t, dtype=np.float64)) ** -2.0, 1.0)


def _pred_l1(t: np.ndarray, m: int, lam: float) -> np.ndarray:
    return np.maximum(1.0 / (1.0 / math.sqrt(m) + lam * np.asarray(t, dtype=np.float64)), 1.0)


# --- strategies -----------------------------------------------------------------------------------
@st.composite
def _descending(draw: st.DrawFn, min_size: int = 1, max_size: int = 8, min_gap: float = 1e-3,
                max_sq: float = 2.0) -> np.ndarray:
    """Distinct non-negative weights in descending order with ||w||^2 <= max_sq; gaps >= min_gap
    (before the rescaling that enforces the norm bound, which keeps their ratios)."""
    n = draw(st.integers(min_size, max_size))
    gaps = draw(hnp.arrays(np.float64, n, elements=st.floats(min_gap, 1.0)))
    base = draw(st.floats(0.0, 1.0))
    w = base + np.cumsum(gaps)[::-1] - gaps[0]  # smallest = base, then increasing gaps upwards
    sq = float(w @ w)
    if sq > max_sq:
        w = w * math.sqrt(max_sq / sq)
    return w


_LAMS = st.floats(0.0, 0.5)
#: Generated examples per property (on top of the explicit ones): each example is cheap, but every
#: mutant test reruns the check; 20 random inputs per property still cover drops, no drops, one
#: survivor and large norms (the explicit examples pin the exact cases).
EXAMPLES = 20
_STEPS = st.floats(0.01, 0.9)


# --- calling the submission -----------------------------------------------------------------------
def _step(impl, w: np.ndarray, lam: float, step: float | None = None) -> tuple[str, np.ndarray]:
    kwargs = {} if step is None else {"step": step}
    call = call_repr("euler_step", (w, lam), kwargs)
    out = expect_array(impl.euler_step(w, lam, **kwargs), call, what="a float ndarray of shape (m',)")
    if out.ndim != 1 or out.size > w.size:
        fail(call, f"an array of shape {out.shape}", f"a 1-D array of at most {w.size} surviving weights",
             hint="return the surviving weights as a 1-D array; a step never adds weights")
    return call, out


def _history(impl, w0: np.ndarray, lam: float, step: float | None = None,
             max_steps: int | None = None) -> tuple[str, dict]:
    """Call simulate and validate the shape of its result."""
    kwargs = {}
    if step is not None:
        kwargs["step"] = step
    if max_steps is not None:
        kwargs["max_steps"] = max_steps
    call = call_repr("simulate", (w0, lam), kwargs)
    out = impl.simulate(w0, lam, **kwargs)
    expected = f"a dict with the keys {', '.join(map(repr, HISTORY_KEYS))} of equal-length 1-D arrays"
    if type(out) is not dict:
        fail(call, describe_type(out), expected, hint="return {'k': ..., 't': ..., 'm_prime': ..., 'l1': ..., "
             "'sq_norm': ...}")
    missing = [key for key in HISTORY_KEYS if key not in out]
    if missing:
        fail(call, f"a dict with the keys {sorted(map(str, out))}", expected, hint=f"add {missing}")
    history = {}
    for key in HISTORY_KEYS:
        kind = "iuf" if key in ("k", "m_prime") else "f"
        history[key] = expect_array(out[key], f"{call}[{key!r}]", kind=kind,
                                    what=f"a {'numeric' if kind == 'iuf' else 'float'} ndarray of shape (n,)")
    lengths = {key: value.shape for key, value in history.items()}
    if len(set(lengths.values())) != 1 or history["k"].ndim != 1 or history["k"].size == 0:
        fail(call, f"arrays of shapes {lengths}", "non-empty 1-D arrays of one length, one entry per recorded state")
    for key in ("k", "m_prime"):
        value = history[key]
        if np.any(value != np.round(value)):
            fail(call, f"{key} = {short(value)}", "whole numbers", hint=f"{key} counts steps or weights")
        history[key] = value.astype(np.int64)
    k = history["k"]
    if k[0] < 1 or np.any(np.diff(k) <= 0):
        fail(call, f"k = {short(k)}", "increasing step counts >= 1 (the state after k steps; k = 0 is w0, "
             "never recorded)")
    return call, history


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


# --- euler_step -----------------------------------------------------------------------------------
@checks.check("euler_step")
def check_step_is_euler(impl, *, rng):
    """euler_step returns w + step * ((1 - ||w||^2) w - lam) where every weight stays positive; the
    default step is 0.5, and for small steps (new - w) / step equals the right-hand side of the ODE."""

    def one(w: np.ndarray, lam: float, step: float | None) -> None:
        h = STEP if step is None else step
        call, out = _step(impl, w, lam, step)
        expected = _new_weights(w, lam, h)
        if out.shape != expected.shape:
            fail(call, f"{out.size} weight(s) {short(out)}", f"all {w.size} weights {short(expected)}, which "
                 "all stay positive", hint=STEP_HINT + ("" if step is not None else "; the default step is 0.5"))
        if h < 0.01:
            # First order: the difference quotient is the right-hand side itself.
            rhs = (1.0 - w @ w) * w - lam
            assert_close((out - w) / h, rhs, call, rtol=1e-6, atol=STEP_ATOL / h,
                         rule="(euler_step(w, lam, step) - w) / step must equal the right-hand side "
                              "(1 - ||w||^2) w - lam", hint=STEP_HINT)
        assert_close(out, expected, call, rtol=STEP_RTOL, atol=STEP_ATOL,
                     rule=f"one Euler step of size {h:g}{' (the default)' if step is None else ''}",
                     hint=STEP_HINT + ("" if step is not None else "; the default step is 0.5"))

    # Weights in [0.2, 0.5] (||w||^2 <= 2) with lam <= 0.05 and step <= 0.5 all stay >= 0.075.
    weights = st.integers(1, 8).flatmap(
        lambda n: hnp.arrays(np.float64, n, elements=st.floats(0.2, 0.5))).map(lambda w: np.sort(w)[::-1].copy())

    @hypo.given(weights, st.floats(0.0, 0.05), st.sampled_from([None, 0.5, 0.1, 1e-3]),
                max_examples=EXAMPLES,
                examples=[(np.array([0.5, 0.3]), 0.01, None), (np.array([0.45, 0.4, 0.2]), 0.02, 1e-3),
                          (np.array([0.3]), 0.0, 0.1)])
    def prop(w, lam, step):
        one(w, lam, step)

    prop()


@checks.check("euler_step")
def check_step_drops_nonpositive(impl, *, rng):
    """Exactly the weights whose new value is <= 0 are dropped (also a weight that lands exactly on
    0), the others are kept with their new values, in order."""

    def one(w: np.ndarray, lam: float, step: float, exact: bool) -> None:
        call, out = _step(impl, w, lam, step)
        new = _new_weights(w, lam, step)
        # A new weight within ZERO_ATOL of 0 may go either way, except in the hand-made examples,
        # whose arithmetic is exact in binary (every formula gives the same value, 0 included).
        keep_lo = int(np.count_nonzero(new > (0.0 if exact else ZERO_ATOL)))
        keep_hi = int(np.count_nonzero(new > 0.0 if exact else new > -ZERO_ATOL))
        expected = new[new > 0.0]
        # Sorted input and a positive factor 1 + step(1 - ||w||^2): the survivors are a prefix.
        if not keep_lo <= out.size <= keep_hi:
            dropped = new[new <= 0.0]
            got = f"{out.size} weight(s) {short(out)}"
            want = (f"the {expected.size} new weight(s) > 0, {short(expected)}"
                    + (f" (dropping {short(dropped)})" if dropped.size else ""))
            fail(call, got, want, hint=DROP_HINT)
        assert_close(out, new[: out.size], call, rtol=STEP_RTOL, atol=STEP_ATOL,
                     rule="the survivors keep their new values, in order", hint=STEP_HINT)

    # Exact zero: ||w||^2 = 1.25, 0.5 + 0.5 * (-0.25 * 0.5 - 0.875) = 0 in every formula (dyadic numbers).
    examples = [(np.array([1.0, 0.5]), 0.875, 0.5, True), (np.array([0.9, 0.3, 0.01]), 0.1, 0.5, False),
                (np.array([0.6, 0.5, 0.4, 0.02, 0.0]), 0.05, 0.5, False)]

    @hypo.given(_descending(), _LAMS, _STEPS, st.just(False), max_examples=EXAMPLES, examples=examples)
    def prop(w, lam, step, exact):
        one(w, lam, step, exact)

    prop()


@checks.check("euler_step")
def check_step_sorted_nonnegative(impl, *, rng):
    """From descending non-negative weights a step returns descending non-negative weights, never more
    of them (m' never increases)."""
    # A large norm (1.8) with a long step: the common factor 1 + 0.75 * (1 - 1.8) = 0.4 is still > 0.
    examples = [(np.array([0.9, 0.3, 0.01]), 0.1, 0.5), (np.array([0.7, 0.6, 0.1, 0.05]), 0.2, 0.9),
                (np.array([1.2, 0.6]), 0.0, 0.75)]

    @hypo.given(_descending(), _LAMS, _STEPS, max_examples=EXAMPLES, examples=examples)
    def prop(w, lam, step):
        call, out = _step(impl, w, lam, step)
        if np.any(out < 0):
            i = _first_bad(out < 0)
            fail(call, f"{short(out)} with the negative weight {float(out[i])!r} at index {i}",
                 "non-negative survivors", hint=DROP_HINT)
        if np.any(np.diff(out) > 0):
            i = _first_bad(np.diff(out) > 0)
            fail(call, f"{short(out)}, where entry {i + 1} exceeds entry {i}",
                 "weights in descending order, like the input",
                 hint="the step is the same increasing map for every weight: keep the input's order (no re-sorting)")

    prop()


@checks.check("euler_step")
def check_step_preserves_gap_ratios(impl, *, rng):
    """Ratios of differences of survivors, (w_i - w_{i+1}) / (w_0 - w_last), do not change in a step:
    every survivor gets the same affine map."""

    @hypo.given(_descending(min_size=3, max_size=8, min_gap=1e-2), st.floats(0.0, 0.3), _STEPS,
                max_examples=EXAMPLES,
                examples=[(np.array([0.8, 0.5, 0.45, 0.1]), 0.05, 0.5), (np.array([0.6, 0.3, 0.2]), 0.0, 0.9)])
    def prop(w, lam, step):
        call, out = _step(impl, w, lam, step)
        n = out.size
        if n < 3:
            return  # fewer than two differences among the survivors: nothing to compare
        before = np.diff(w[:n]) / (w[n - 1] - w[0])
        after = np.diff(out) / (out[n - 1] - out[0])
        assert_close(after, before, call, rtol=GAP_RTOL, atol=GAP_RTOL,
                     rule="the gap ratios (w_i - w_{i+1}) / (w_0 - w_last) of the survivors must not change",
                     expected_text=f"the ratios of the input's first {n} weights, {short(before)}",
                     hint="all survivors get the same affine map a*w - step*lam with a = 1 + step*(1 - ||w||^2): "
                          "use one norm of the whole vector, not a per-weight term")

    prop()


# --- predictions --------------------------------------------------------------------------------
_TIMES = np.concatenate([[0.0], np.geomspace(1e-2, 1e7, 19)])


def _prediction_check(impl, name: str, truth, formula: str) -> None:
    def one(t: np.ndarray, m: int, lam: float) -> None:
        call = call_repr(name, (t, m, lam))
        out = expect_array(impl.call(name, t, m, lam), call, shape=t.shape)
        assert_close(out, truth(t, m, lam), call, rtol=RTOL_EXACT, atol=0.0,
                     rule=f"{name}(t, m, lam) = {formula}",
                     hint=f"{formula}: it is m{'**0.5' if name == 'predicted_l1' else ''} at t = 0 and never "
                          "below 1 (one survivor)")

    @hypo.given(hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(0.0, 1e6)), st.integers(1, 10**6),
                st.floats(1e-7, 1.0),
                max_examples=EXAMPLES,
                examples=[(_TIMES, 10**5, 1e-5), (_TIMES, 2, 0.3), (_TIMES, 1, 1e-3), (np.array([0.0, 1.0]), 400, 0.0)])
    def prop(t, m, lam):
        one(t, m, lam)

    prop()


@checks.check("predicted_m_prime")
def check_predicted_m_prime_formula(impl, *, rng):
    """predicted_m_prime(t, m, lam) = max((1/sqrt(m) + lam t)^-2, 1), elementwise in t."""
    _prediction_check(impl, "predicted_m_prime", _pred_m_prime, M_PRIME_FORMULA)


@checks.check("predicted_l1")
def check_predicted_l1_formula(impl, *, rng):
    """predicted_l1(t, m, lam) = max((1/sqrt(m) + lam t)^-1, 1), elementwise in t."""
    _prediction_check(impl, "predicted_l1", _pred_l1, L1_FORMULA)


# --- rel_var_range ---------------------------------------------------------------------------------
def _rel_var(impl, w: np.ndarray) -> tuple[str, np.ndarray, np.ndarray]:
    call = call_repr("rel_var_range", (w,))
    out = impl.rel_var_range(w)
    if type(out) not in (tuple, list) or len(out) != 2:
        fail(call, describe_type(out), "a tuple (low, high) of two arrays of shape (m,)",
             hint="return low, high")
    low = expect_array(out[0], f"{call}[0] (low)", shape=w.shape)
    high = expect_array(out[1], f"{call}[1] (high)", shape=w.shape)
    return call, low, high


def _true_rel_var_range(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    low, high = np.zeros(w.size), np.zeros(w.size)
    for k in range(1, w.size + 1):
        mean, var = float(w[:k].mean()), float(w[:k].var())
        below = float(w[k]) if k < w.size else 0.0
        if var > 0:
            low[k - 1] = var / (mean - below) ** 2
            high[k - 1] = var / (mean - float(w[k - 1])) ** 2
    return low, high


@checks.check("rel_var_range")
def check_rel_var_range_definition(impl, *, rng):
    """low[k-1] = var_k / (mean_k - w[k])^2 and high[k-1] = var_k / (mean_k - w[k-1])^2 (population
    variance of w[:k], w[m] = 0), both 0 where var_k = 0 (k = 1)."""

    @hypo.given(_descending(min_size=1, max_size=10, min_gap=1e-2),
                max_examples=EXAMPLES,
                examples=[(np.array([1.0]),), (np.array([0.7, 0.2]),), (np.array([3.0, 2.0, 1.0]),)])
    def prop(w):
        call, low, high = _rel_var(impl, w)
        true_low, true_high = _true_rel_var_range(w)
        hint = ("with mean_k and var_k the mean and population variance (np.var, ddof=0) of w[:k]: "
                "low uses the next weight w[k] (0 after the last), high the last kept weight w[k-1]; "
                "a single weight has relative variance 0 (no 0/0)")
        assert_close(low, true_low, f"{call}[0] (low)", rtol=RELVAR_RTOL, atol=RELVAR_ATOL,
                     rule="low[k-1] = var_k / (mean_k - w[k])**2", hint=hint)
        assert_close(high, true_high, f"{call}[1] (high)", rtol=RELVAR_RTOL, atol=RELVAR_ATOL,
                     rule="high[k-1] = var_k / (mean_k - w[k-1])**2", hint=hint)

    prop()


@checks.check("rel_var_range")
def check_rel_var_range_brackets_survivors(impl, *, rng):
    """For every k and every shift c with w[k] <= c < w[k-1] (w[m] = 0), the relative variance
    Var/mean^2 of w[:k] - c lies in [low[k-1], high[k-1]]."""

    @hypo.given(_descending(min_size=1, max_size=10, min_gap=1e-2), st.floats(0.0, 0.999),
                max_examples=EXAMPLES,
                examples=[(np.array([1.0]), 0.5), (np.array([0.7, 0.2]), 0.0), (np.array([3.0, 2.0, 1.0]), 0.9)])
    def prop(w, frac):
        call, low, high = _rel_var(impl, w)
        below = np.append(w[1:], 0.0)
        for k in range(1, w.size + 1):
            if not w[k - 1] > below[k - 1]:
                continue  # no admissible shift (a zero weight with nothing below it)
            c = float(below[k - 1] + frac * (w[k - 1] - below[k - 1]))
            shifted = w[:k] - c
            rho = float(shifted.var() / shifted.mean() ** 2)
            lo, hi = float(low[k - 1]), float(high[k - 1])
            slack = RELVAR_RTOL * max(abs(lo), abs(hi), rho) + RELVAR_ATOL
            if not lo - slack <= rho <= hi + slack:
                fail(call, f"low[{k - 1}] = {lo!r}, high[{k - 1}] = {hi!r}",
                     f"a range containing {rho!r}, the relative variance of w[:{k}] - c for c = {c!r}, a shift "
                     f"between w[{k}] and w[{k - 1}]",
                     hint="low is the relative variance at the smallest shift (c = w[k], the next weight), high "
                          "near the largest (c -> w[k-1]); use the population variance")

    prop()


# --- simulate ---------------------------------------------------------------------------------------
def _compare_run(call: str, history: dict, run: _Run) -> None:
    """Survivor counts and norms of the recorded states against the grader's vector loop."""
    k = history["k"]
    inside = k <= run.steps
    k = k[inside]
    m_prime = history["m_prime"][inside]
    diff = np.abs(m_prime - run.m_prime[k])
    bad = diff > run.ambiguous[k]
    if np.any(bad):
        i = _first_bad(bad)
        fail(call, f"m_prime = {int(m_prime[i])} at k = {int(k[i])}",
             f"{int(run.m_prime[k[i]])}, the number of survivors after {int(k[i])} Euler steps",
             hint=STEP_HINT + ", then drop the weights <= 0; record the state after step k")
    for key, truth in (("l1", run.l1), ("sq_norm", run.sq)):
        got = history[key][inside]
        ok = np.abs(got - truth[k]) <= NORM_ATOL + NORM_RTOL * np.abs(truth[k])
        if not np.all(ok):
            i = _first_bad(~ok)
            lagging = abs(got[i] - truth[k[i] - 1]) <= NORM_ATOL + NORM_RTOL * abs(truth[k[i] - 1])
            what = "||w||_1" if key == "l1" else "||w||^2"
            fail(call, f"{key} = {float(got[i])!r} at k = {int(k[i])}",
                 f"{float(truth[k[i]])!r}, {what} of the state after {int(k[i])} steps",
                 hint=(f"that is {what} of the state before step {int(k[i])} (the seed's convention): record "
                       "every quantity of the state after the step") if lagging
                 else f"{key} is {what} of the surviving weights of the recorded state")


@checks.check("simulate")
def check_simulate_follows_euler(impl, *, rng):
    """At every recorded k, m_prime, l1 and sq_norm are those of the state after k Euler steps (the
    grader's own loop), for inputs in any order."""
    cases = [(_seed_weights(rng, 2), 0.002, None), (_seed_weights(rng, 6), 0.02, None),
             (rng.permutation(_seed_weights(rng, 40)), 0.01, 0.3), (_seed_weights(rng, 150), 0.02, 0.5)]
    for w0, lam, step in cases:
        call, history = _history(impl, w0, lam, step)
        _compare_run(call, history, _Run(w0, lam, STEP if step is None else step))


@checks.check("simulate")
def check_simulate_record_schedule(impl, *, rng):
    """Records are the states after k steps for k >= 1 with int(3 log k) != int(3 log(k + 1)), and the
    final state (the first with at most one survivor, or the one after max_steps steps), at t = k * step.
    (Judged on the submission's own survivor counts: the dynamics are the business of another check.)"""
    w0 = _seed_weights(rng, 30)
    for lam, step, max_steps in ((0.02, None, None), (0.02, 0.5, 5), (0.01, 0.25, 20)):
        h = STEP if step is None else step
        limit = MAX_STEPS if max_steps is None else max_steps
        call, history = _history(impl, w0, lam, step, max_steps)
        k, m_prime = history["k"], history["m_prime"]
        last = int(k[-1])
        if last > limit:
            fail(call, f"records up to k = {last}", f"at most max_steps = {limit} steps",
                 hint=f"stop after max_steps = {limit} steps and record that state")
        done = np.flatnonzero(m_prime <= 1)
        if done.size and done[0] < k.size - 1:
            fail(call, f"records after the state at k = {int(k[done[0]])}, which has m_prime = {int(m_prime[done[0]])}",
                 "the run to end there", hint="stop as soon as at most one weight survives")
        if m_prime[-1] > 1 and last < limit:
            fail(call, f"a last record at k = {last} with m_prime = {int(m_prime[-1])}",
                 f"the run to go on until at most one weight survives (or max_steps = {limit} steps) and to "
                 "record that final state", hint="always record the final state")
        expected = _schedule(last)
        if not np.array_equal(k, expected):
            extra, missing = np.setdiff1d(k, expected), np.setdiff1d(expected, k)
            i = next(j for j in range(min(k.size, expected.size) + 1)
                     if j == min(k.size, expected.size) or k[j] != expected[j])
            first = (f"record {i} at k = {int(k[i])} instead of {int(expected[i])}" if i < min(k.size, expected.size)
                     else f"{k.size} records instead of {expected.size}")
            fail(call, f"records at k = {short(k)} ({first}; extra {short(extra)}, missing {short(missing)})",
                 f"k = {short(expected)}",
                 hint="record the state after step k when int(3*log(k)) != int(3*log(k + 1)) (k = 1, 2, 3, 5, 7, 10, "
                      "14, 20, ...), counting k from 1 for the first step, and the final state")
        assert_close(history["t"], k * h, call, rtol=TIME_RTOL, atol=0.0,
                     rule="t is the time of the recorded state, k * step",
                     hint="the state after k steps is at t = k * step (the seed records the time before the step)")


@checks.check("simulate")
def check_m_prime_follows_prediction(impl, *, rng):
    """From the seed's initial weights (m = 300, 1000; lam = 0.01), m'(t) stays within a factor
    [0.7, 6] of the prediction max((1/sqrt(m) + lam t)^-2, 1) while the prediction is >= 5."""
    lam = 0.01
    for m in (1000, 1000, 300):
        w0 = _seed_weights(rng, m)
        call, history = _history(impl, w0, lam)
        pred = _pred_m_prime(history["t"], m, lam)
        sel = pred >= PREDICTION_FLOOR
        if np.count_nonzero(sel) < 3:
            fail(call, f"{np.count_nonzero(sel)} record(s) while the prediction is >= {PREDICTION_FLOOR:g}",
                 "the log-spaced records of the run (a dozen there)",
                 hint="record at k = 1, 2, 3, 5, 7, 10, ... with t = k * step")
        ratio = history["m_prime"][sel] / pred[sel]
        out = (ratio < FACTOR_LO) | (ratio > FACTOR_HI)
        if np.any(out):
            i = _first_bad(out)
            t = history["t"][sel][i]
            fail(call, f"m_prime = {int(history['m_prime'][sel][i])} at t = {t:g}, where the prediction "
                 f"{M_PRIME_FORMULA} is {pred[sel][i]:.4g} (ratio {ratio[i]:.3g})",
                 f"m' within a factor [{FACTOR_LO:g}, {FACTOR_HI:g}] of the prediction while it is >= "
                 f"{PREDICTION_FLOOR:g}",
                 hint="the penalty per step is step * lam and the time of step k is k * step")


@checks.check("simulate", public=False)
def check_simulate_matches_reference(impl, *, rng):
    """Instructor-only: whole histories equal the reference's on hidden inputs."""
    from solutions.research import sparsification as ref

    cases = [(rng.permutation(_seed_weights(rng, 2000)), 5e-3, 0.25), (_seed_weights(rng, 500), 0.02, None)]
    for w0, lam, step in cases:
        call, history = _history(impl, w0, lam, step)
        expected = ref.simulate(w0, lam) if step is None else ref.simulate(w0, lam, step)
        if not np.array_equal(history["k"], expected["k"]):
            fail(call, f"records at k = {short(history['k'])}", f"k = {short(expected['k'])}, as the reference")
        run = _Run(w0, lam, STEP if step is None else step)
        bad = np.abs(history["m_prime"] - expected["m_prime"]) > run.ambiguous[expected["k"]]
        if np.any(bad):
            i = _first_bad(bad)
            fail(call, f"m_prime = {int(history['m_prime'][i])} at k = {int(expected['k'][i])}",
                 f"{int(expected['m_prime'][i])}, as the reference")
        for key in ("t", "l1", "sq_norm"):
            assert_close(history[key], expected[key], call, rtol=NORM_RTOL, atol=NORM_ATOL,
                         rule=f"{key} must equal the reference's")


# --- the figure -----------------------------------------------------------------------------------
def _figure(impl, history: dict, m: int, lam: float) -> tuple[str, Handle, dict]:
    call = call_repr("plot_sparsification", (history, m, lam))
    fig = impl.plot_sparsification(history, m, lam)
    if type(fig) is not Handle or fig.type != FIGURE:
        if fig is None:
            fail(call, "None", "a matplotlib Figure", hint="end the function with `return fig` "
                 "(plt.show() returns nothing)")
        hint = "return the Figure (fig, or ax.figure), not the Axes" if type(fig) is Handle and "Axes" in fig.type \
            else None
        fail(call, describe_type(fig), "a matplotlib Figure", hint=hint)
    return call, fig, impl.op("describe_figure", fig)


def _figure_history(rng: np.random.Generator) -> tuple[dict, int, float]:
    m, lam = 60, 0.02
    w0 = _seed_weights(rng, m)
    run = _Run(w0, lam, STEP)
    k = _schedule(run.steps)
    return ({"k": k, "t": k * STEP, "m_prime": run.m_prime[k], "l1": run.l1[k], "sq_norm": run.sq[k]}, m, lam)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=LINE_RTOL, atol=LINE_ATOL))


def _find_curves(impl, call: str, desc: dict, history: dict, m: int, lam: float) -> dict[str, tuple[int, dict]]:
    """The four curves, as {name: (axes index, line)}; fails naming the first one missing."""
    t = np.asarray(history["t"], dtype=np.float64)
    lines = [(i, line) for i, ax in enumerate(desc["axes"]) for line in ax["lines"]]
    found: dict[str, tuple[int, dict]] = {}

    def taken(ln: dict) -> bool:
        return any(ln is other for _, other in found.values())

    def data_line(y: np.ndarray) -> tuple[int, dict] | None:
        return next(((i, ln) for i, ln in lines if not taken(ln) and _same(ln["x"], t) and _same(ln["y"], y)), None)

    def prediction_line(name: str, truth) -> tuple[int, dict] | None:
        for i, ln in lines:
            x, y = ln["x"], ln["y"]
            if taken(ln) or x.size < 2 or x.shape != y.shape or not np.all(np.isfinite(x)) or x.min() < 0:
                continue
            if x.min() > t[0] * (1 + LINE_RTOL) or x.max() < t[-1] * (1 - LINE_RTOL):  # must cover the run
                continue
            if _same(y, truth(x, m, lam)):
                return i, ln
            try:  # the submission's own prediction (it may be wrong; the figure is still right)
                own = expect_array(impl.call(name, x, m, lam), call_repr(name, (x, m, lam)), shape=x.shape)
            except AssertionError:
                continue
            if _same(y, own):
                return i, ln
        return None

    wanted = [
        ("m'", lambda: data_line(history["m_prime"].astype(np.float64)),
         f"a line of m_prime against t, x = {short(t)}, y = {short(history['m_prime'])}",
         "ax.loglog(history['t'], history['m_prime'], label=\"m'\")"),
        ("predicted m'", lambda: prediction_line("predicted_m_prime", _pred_m_prime),
         f"a line of the prediction {M_PRIME_FORMULA} over t in [{t[0]:g}, {t[-1]:g}]",
         "ax.loglog(t, predicted_m_prime(t, m, lam), '--', label=\"predicted m'\")"),
        ("||w||_1", lambda: data_line(history["l1"]),
         f"a line of l1 against t, x = {short(t)}, y = {short(history['l1'])}",
         "ax.loglog(history['t'], history['l1'], label='||w||_1')"),
        ("predicted ||w||_1", lambda: prediction_line("predicted_l1", _pred_l1),
         f"a line of the prediction {L1_FORMULA} over t in [{t[0]:g}, {t[-1]:g}]",
         "ax.loglog(t, predicted_l1(t, m, lam), '--', label='predicted ||w||_1')"),
    ]
    for name, find, expected, hint in wanted:
        hit = find()
        if hit is None:
            got = ("no line" if not lines else
                   "lines " + "; ".join(f"x = {short(ln['x'])}, y = {short(ln['y'])}" for _, ln in lines[:4]))
            fail(call, got, expected, hint=f"{hint}: x is the time t = k * step, not the step count")
        found[name] = hit
    return found


@checks.check("plot_sparsification")
def check_figure_curves(impl, *, rng):
    """One axes shows m' and ||w||_1 against t (the recorded arrays) and both predictions over the
    recorded times."""
    history, m, lam = _figure_history(rng)
    call, fig, desc = _figure(impl, history, m, lam)
    found = _find_curves(impl, call, desc, history, m, lam)
    axes = {i for i, _ in found.values()}
    if len(axes) > 1:
        fail(call, f"the four curves spread over axes {sorted(axes)}", "all four on one axes, as in the seed",
             hint="draw everything with the same ax")


@checks.check("plot_sparsification")
def check_figure_labels(impl, *, rng):
    """The four curves carry distinct legend labels and the x axis is labelled with the training time."""
    history, m, lam = _figure_history(rng)
    call, fig, desc = _figure(impl, history, m, lam)
    found = _find_curves(impl, call, desc, history, m, lam)
    labels = {name: line["label"] for name, (_, line) in found.items()}
    unlabelled = [name for name, label in labels.items() if not label or label.startswith("_")]
    if unlabelled or len(set(labels.values())) < len(labels):
        fail(call, f"curves labelled {labels}", "four distinct legend labels (m', predicted m', ||w||_1, "
             "predicted ||w||_1)", hint="pass label=... to every plot call and call ax.legend()")
    i = next(iter(found.values()))[0]
    xlabel = desc["axes"][i]["xlabel"]
    if "time" not in xlabel.lower():
        fail(call, f"an x axis labelled {xlabel!r}", "an x label naming the training time ('Training time')",
             hint='ax.set_xlabel("Training time")')


@checks.check("plot_sparsification")
def check_figure_log_axes(impl, *, rng):
    """The axes holding the curves are log-log, like the seed's figure."""
    history, m, lam = _figure_history(rng)
    call, fig, desc = _figure(impl, history, m, lam)
    found = _find_curves(impl, call, desc, history, m, lam)
    ax = desc["axes"][next(iter(found.values()))[0]]
    if ax["xscale"] != "log" or ax["yscale"] != "log":
        fail(call, f"curves on axes with x scale {ax['xscale']!r} and y scale {ax['yscale']!r}",
             "log-log axes: m' spans five decades and the predictions are power laws of t",
             hint="draw with ax.loglog(...), or call ax.set_xscale('log') and ax.set_yscale('log')")
