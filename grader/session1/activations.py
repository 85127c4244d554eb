"""Checks of ``activations`` (sheet §1, exercises 1-2).

Public checks test the defining identities over wide input ranges; the one
instructor-only check compares ``logistic`` with the reference on extreme
inputs.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from nndl import hypo, strategies
from nndl.checks import CheckSet
from nndl.messages import call_repr, fail, short
from nndl.numerics import (ATOL_EXACT, ATOL_FLOAT32, RTOL_EXACT, RTOL_FLOAT32, assert_close,
                           expect_array)

checks = CheckSet("session1", "activations")

#: Wide range for the piecewise-linear identities: they are exact in floating
#: point (one multiply), so any magnitude works; 1e6 keeps alpha*x finite.
WIDE = 1e6
#: |x| up to 1e4 is the sheet's stability requirement for the logistic.
EXTREME = 1e4
#: tanh identity: 2*sigma(2x) - 1 cancels near 0, where the absolute error is
#: ~eps; elsewhere it is accurate to a few ulps.
TANH_ATOL = 1e-12

alphas = st.floats(0.0, 1.0)


def _leaky(x: np.ndarray, alpha: float) -> np.ndarray:
    return np.where(x >= 0, x, alpha * x)


def _result(impl, name: str, x, *args, **kwargs) -> tuple[str, np.ndarray]:
    call = call_repr(name, (x, *args), kwargs)
    value = impl.call(name, x, *args, **kwargs)
    return call, expect_array(value, call, shape=np.shape(x), allow_scalar=True)


@checks.check("leaky_relu")
def check_leaky_relu_definition(impl, *, rng):
    """leaky_relu(x, alpha) is x for x >= 0 and alpha*x for x < 0, elementwise."""

    @hypo.given(strategies.arrays(lo=-WIDE, hi=WIDE), alphas)
    def prop(x, alpha):
        call, y = _result(impl, "leaky_relu", x, alpha=alpha)
        assert_close(y, _leaky(x, alpha), call, hint="x where x >= 0, alpha*x where x < 0")

    prop()


@checks.check("leaky_relu")
def check_leaky_relu_default_alpha(impl, *, rng):
    """The default alpha is 0.01."""
    x = np.array([-2.0, -0.5, 0.0, 3.0])
    call, y = _result(impl, "leaky_relu", x)
    assert_close(y, _leaky(x, 0.01), call, hint="the signature is leaky_relu(x, alpha=0.01)")


@checks.check("leaky_relu")
def check_leaky_relu_scalar_and_float32(impl, *, rng):
    """Scalars give 0-d results; float32 arrays are accepted and stay accurate."""
    for x, alpha in ((-2.0, 0.5), (3.0, 0.5)):
        call, y = _result(impl, "leaky_relu", x, alpha=alpha)
        assert_close(y, _leaky(np.array(x), alpha), call)
    x32 = rng.uniform(-100, 100, size=7).astype(np.float32)
    call, y = _result(impl, "leaky_relu", x32, alpha=0.2)
    assert_close(y, _leaky(x32.astype(np.float64), 0.2), call, rtol=RTOL_FLOAT32, atol=ATOL_FLOAT32)


@checks.check("leaky_relu_max")
def check_leaky_relu_max_definition(impl, *, rng):
    """leaky_relu_max(x, alpha) is max(alpha*x, x), elementwise."""

    @hypo.given(strategies.arrays(lo=-WIDE, hi=WIDE), alphas)
    def prop(x, alpha):
        call, y = _result(impl, "leaky_relu_max", x, alpha=alpha)
        assert_close(y, np.maximum(alpha * x, x), call, hint="np.maximum(alpha * x, x), elementwise")

    prop()


@checks.check("leaky_relu_max")
def check_leaky_relu_forms_agree(impl, *, rng):
    """leaky_relu and leaky_relu_max agree for every 0 <= alpha <= 1 (exercise 1c)."""

    @hypo.given(strategies.arrays(lo=-WIDE, hi=WIDE), alphas)
    def prop(x, alpha):
        call_a, a = _result(impl, "leaky_relu", x, alpha=alpha)
        call_b, b = _result(impl, "leaky_relu_max", x, alpha=alpha)
        assert_close(b, a, call_b, expected_text=f"{short(a)} as {call_a} returned",
                     rule="the two forms of the leaky ReLU must agree")

    prop()


@checks.check("relu")
def check_relu_special_case(impl, *, rng):
    """relu(x) is max(0, x) and equals leaky_relu(x, alpha=0)."""

    @hypo.given(strategies.arrays(lo=-WIDE, hi=WIDE))
    def prop(x):
        call, y = _result(impl, "relu", x)
        assert_close(y, np.maximum(x, 0.0), call, hint="ReLU is leaky_relu with alpha = 0")
        _, via = _result(impl, "leaky_relu", x, alpha=0.0)
        assert_close(y, via, call, rule="relu must be the special case alpha = 0 of leaky_relu")

    prop()


@checks.check("linear")
def check_linear_special_case(impl, *, rng):
    """linear(x) is x and equals leaky_relu(x, alpha=1)."""

    @hypo.given(strategies.arrays(lo=-WIDE, hi=WIDE))
    def prop(x):
        call, y = _result(impl, "linear", x)
        assert_close(y, x, call, hint="the linear activation is leaky_relu with alpha = 1")

    prop()


@checks.check("logistic")
def check_logistic_values(impl, *, rng):
    """logistic(x) = 1/(1 + exp(-x)) to ~1e-9 relative accuracy, and sigma(-x) = 1 - sigma(x)."""
    from scipy.special import expit

    @hypo.given(strategies.arrays(lo=-700.0, hi=700.0))
    def prop(x):
        call, y = _result(impl, "logistic", x)
        assert_close(y, expit(x), call, rtol=RTOL_EXACT, atol=ATOL_EXACT, hint="1 / (1 + exp(-x))")
        call_m, y_m = _result(impl, "logistic", -x)
        assert_close(y_m, 1.0 - expit(x), call_m, rtol=RTOL_EXACT, atol=1e-15,
                     rule="symmetry sigma(-x) = 1 - sigma(x)")

    prop()


@checks.check("logistic")
def check_logistic_stable(impl, *, rng):
    """For |x| up to 1e4: finite, in [0, 1], monotone, correct, and no overflow warning."""
    x = np.concatenate([[-EXTREME, -1000.0, -750.0, -710.0, 0.0, 710.0, 750.0, 1000.0, EXTREME],
                        rng.uniform(-EXTREME, EXTREME, size=20)])
    x.sort()
    call = call_repr("logistic", (x,))
    value, warned = impl.call_with_warnings("logistic", x)
    y = expect_array(value, call, shape=x.shape)
    if warned:
        fail(call, f"a result but emitted {warned[0]!r}", "no warnings for |x| <= 1e4",
             hint="exp(-x) overflows for x < -709; use exp(-|x|) on both sides, or scipy.special.expit")
    if np.any(y < 0) or np.any(y > 1):
        fail(call, short(y), "values in [0, 1]")
    if np.any(np.diff(y) < 0):
        fail(call, short(y), "a non-decreasing result for sorted inputs")
    from scipy.special import expit

    # Stable *and* right: a constant in [0, 1] is stable too.  Absolute accuracy as in the
    # reference check (tails are tiny; 1e-15 allows ~1 ulp of 1 - sigma near the top).
    assert_close(y, expit(x), call, rtol=RTOL_EXACT, atol=1e-15, hint="1 / (1 + exp(-x)), computed stably")


@checks.check("logistic", public=False)
def check_logistic_matches_reference(impl, *, rng):
    """Instructor-only: logistic agrees with the reference on extreme and float32 inputs."""
    from solutions.session1 import activations as ref

    for x in (np.array([-EXTREME, -745.0, -37.0, -1e-8, 0.0, 1e-8, 37.0, 745.0, EXTREME]),
              rng.uniform(-30, 30, size=9).astype(np.float32)):
        call, y = _result(impl, "logistic", x)
        # Absolute accuracy is what the sheet asks for: tiny tails (sigma(-37) ~ 8.5e-17) may be
        # computed with large relative but ~1e-16 absolute error (e.g. via tanh); 1e-15 allows that.
        tol = (RTOL_FLOAT32, ATOL_FLOAT32) if x.dtype == np.float32 else (RTOL_EXACT, 1e-15)
        assert_close(y, ref.logistic(x.astype(np.float64)), call, rtol=tol[0], atol=tol[1],
                     hint="for very negative x the result is tiny but not 0: exp(x)/(1+exp(x))")


@checks.check("tanh_via_logistic")
def check_tanh_identity(impl, *, rng):
    """tanh_via_logistic(x) = tanh(x) = 2*logistic(2x) - 1."""

    @hypo.given(strategies.arrays(lo=-50.0, hi=50.0))
    def prop(x):
        call, y = _result(impl, "tanh_via_logistic", x)
        assert_close(y, np.tanh(x), call, rtol=RTOL_EXACT, atol=TANH_ATOL, hint="2 * logistic(2 * x) - 1")
        _, s = _result(impl, "logistic", 2 * x)
        assert_close(y, 2 * s - 1, call, rtol=RTOL_EXACT, atol=TANH_ATOL,
                     rule="tanh_via_logistic must be 2*logistic(2x) - 1 of your logistic")

    prop()


@checks.check("tanh_via_logistic")
def check_tanh_range(impl, *, rng):
    """tanh_via_logistic stays in [-1, 1] and finite for |x| up to 1e4."""
    x = np.array([-EXTREME, -400.0, -1.0, 0.0, 1.0, 400.0, EXTREME])
    call, y = _result(impl, "tanh_via_logistic", x)
    if np.any(np.abs(y) > 1):
        fail(call, short(y), "values in [-1, 1]")
    assert_close(y, np.tanh(x), call, atol=TANH_ATOL)
