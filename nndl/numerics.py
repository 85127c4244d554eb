"""Numerical assertions shared by every set: result validation, closeness,
finite-difference gradient checks.

Tolerances are named constants with the reason for their size.  Closeness is
always relative-plus-absolute (never ``==`` on floats); gradient checks use
central differences and report the worst coordinate, never a whole Jacobian,
in the style of ``torch.autograd.gradcheck`` / ``jax.test_util.check_grads``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nndl.messages import describe_type, fail, short
from nndl.plain import Handle

# --- tolerance table ----------------------------------------------------------
#: Closed-form results computed in float64 by a different but exact formula
#: agree to a few ulps times the conditioning of the formula; 1e-9 relative
#: leaves room for summation order and BLAS differences.
RTOL_EXACT = 1e-9
ATOL_EXACT = 1e-12
#: float32 inputs: results are allowed float32 rounding (eps32 ~ 1.2e-7) times
#: a small conditioning factor.
RTOL_FLOAT32 = 1e-5
ATOL_FLOAT32 = 1e-6
#: Central-difference step, relative to max(1, |x_i|): the truncation error is
#: O(h^2 f''') ~ 1e-12 and the rounding error O(eps |f| / h) ~ 1e-10 for
#: h = 1e-6 on O(1) functions, so both stay far below GRAD_RTOL.
FD_STEP = 1e-6
#: Analytic vs. numeric gradient, relative error per coordinate.  Three orders
#: above the finite-difference error (~1e-9), three orders below any real
#: mistake (a missing factor 2 is a relative error of 0.5).
GRAD_RTOL = 1e-5
#: Floor of the relative-error denominator: coordinates whose true derivative
#: is ~0 are judged by absolute error instead (FD rounding there is ~1e-10).
GRAD_ATOL = 1e-7


def expect_array(value: Any, call: str, *, shape: tuple[int, ...] | None = None, kind: str = "f",
                 finite: bool = True, what: str | None = None, allow_scalar: bool = False) -> np.ndarray:
    """Validate a returned value: exactly an ndarray, of dtype kind ``kind``, given shape, finite.

    ``kind`` is a string of accepted numpy dtype kinds ("f" float, "b" bool,
    "iu" integers).  With ``allow_scalar`` and ``shape == ()``, a Python
    float or numpy scalar is accepted as a 0-d result.  Returns the array.
    """
    __tracebackhide__ = True
    if allow_scalar and shape == () and (type(value) is float or isinstance(value, np.floating)):
        value = np.asarray(value)
    expected = what or (f"a {'float' if kind == 'f' else 'bool' if kind == 'b' else 'numeric'} ndarray"
                        + (f" of shape {shape}" if shape is not None else ""))
    if type(value) is not np.ndarray:
        hint = "return a numpy array (np.asarray(...))" if type(value) in (list, tuple) else None
        if type(value) is Handle and "torch" in value.type:
            hint = "convert the tensor with .detach().numpy()"
        fail(call, describe_type(value), expected, hint=hint)
    if value.dtype.kind not in kind:
        fail(call, describe_type(value), expected,
             hint="convert with .astype(float)" if kind == "f" else None)
    if shape is not None and value.shape != tuple(shape):
        fail(call, f"an array of shape {value.shape}", expected)
    if finite and value.dtype.kind == "f" and not np.all(np.isfinite(value)):
        bad = np.argwhere(~np.isfinite(value))[0]
        fail(call, f"{short(value)} with a non-finite entry at index {tuple(int(i) for i in bad)}",
             "finite values", hint="look for overflow, division by zero or log of a non-positive number")
    return value


def expect_float(value: Any, call: str, *, finite: bool = True) -> float:
    """Validate a returned scalar: a Python float or numpy floating scalar (not an array)."""
    __tracebackhide__ = True
    if type(value) in (float, int) or isinstance(value, (np.floating, np.integer)) and not isinstance(value, np.bool_):
        out = float(value)
    else:
        hint = "return float(...) of the 0-d result" if type(value) is np.ndarray else None
        fail(call, describe_type(value), "a float", hint=hint)
    if finite and not np.isfinite(out):
        fail(call, repr(out), "a finite float")
    return out


def expect_bool(value: Any, call: str) -> bool:
    """Validate a returned truth value: ``bool`` or ``numpy.bool_``."""
    __tracebackhide__ = True
    if type(value) is bool or type(value) is np.bool_:
        return bool(value)
    fail(call, describe_type(value), "a bool (True or False)", hint="return bool(...)")


def worst_index(actual: np.ndarray, desired: np.ndarray, rtol: float, atol: float) -> tuple[tuple[int, ...], float]:
    """Index and excess ratio of the entry that most exceeds ``atol + rtol*|desired|``."""
    err = np.abs(actual - desired)
    bound = atol + rtol * np.abs(desired)
    with np.errstate(divide="ignore", invalid="ignore"):
        # err == 0 is within any bound (also a zero bound); NaN is outside every bound.
        ratio = np.where(err == 0, 0.0, np.where(np.isnan(err), np.inf, err / bound))
    flat = int(np.argmax(ratio))
    return tuple(int(i) for i in np.unravel_index(flat, ratio.shape)), float(ratio.flat[flat])


def assert_close(actual: np.ndarray | float, desired: np.ndarray | float, call: str, *,
                 rtol: float = RTOL_EXACT, atol: float = ATOL_EXACT, hint: str | None = None,
                 rule: str | None = None, expected_text: str | None = None) -> None:
    """``|actual - desired| <= atol + rtol*|desired|`` entrywise, reporting the worst entry."""
    __tracebackhide__ = True
    a = np.asarray(actual, dtype=np.float64)
    d = np.asarray(desired, dtype=np.float64)
    if a.shape != d.shape:
        fail(call, f"an array of shape {a.shape}", f"shape {d.shape}", rule=rule, hint=hint)
    if a.size == 0:
        return
    idx, ratio = worst_index(a, d, rtol, atol)
    if ratio <= 1.0:
        return
    got, exp = short(actual), expected_text or short(desired)
    if a.ndim and a.size > 1:
        got += f" (worst entry {idx}: {a[idx]!r} vs {d[idx]!r})"
    fail(call, got, exp, rule=rule, hint=hint)


def numeric_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, *, step: float = FD_STEP) -> np.ndarray:
    """Central-difference gradient of scalar ``f`` at ``x`` (any shape); ``x`` is not modified."""
    # The Jacobian of a scalar function has the shape of x: one perturbation loop serves both.
    return numeric_jacobian(f, x, step=step)


def numeric_jacobian(g: Callable[[np.ndarray], np.ndarray], x: np.ndarray, *, step: float = FD_STEP) -> np.ndarray:
    """Central-difference Jacobian of vector-valued ``g``: shape ``g(x).shape + x.shape``."""
    x = np.array(x, dtype=np.float64)
    if x.size == 0:
        return np.zeros(np.shape(g(x)) + x.shape)
    cols = []
    for idx in np.ndindex(x.shape):
        h = step * max(1.0, abs(x[idx]))
        xp, xm = x.copy(), x.copy()
        xp[idx] += h
        xm[idx] -= h
        # divide by the representable step xp - xm, not by h
        cols.append((np.asarray(g(xp), dtype=np.float64) - np.asarray(g(xm), dtype=np.float64)) / (xp[idx] - xm[idx]))
    out = np.stack(cols, axis=-1)
    return out.reshape(out.shape[:-1] + x.shape)


def assert_gradient(analytic: np.ndarray, numeric: np.ndarray, call: str, *, rtol: float = GRAD_RTOL,
                    atol: float = GRAD_ATOL, hint: str | None = None, what: str = "gradient") -> None:
    """Compare an analytic derivative with central differences by relative error per coordinate.

    The message names the worst coordinate: index, numeric, analytic value,
    relative error.  Shape mismatches are reported as such (a transposed
    gradient of a non-square matrix fails here, not as a wrong value).
    """
    __tracebackhide__ = True
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.asarray(numeric, dtype=np.float64)
    if analytic.shape != numeric.shape:
        fail(call, f"a {what} of shape {analytic.shape}", f"shape {numeric.shape}",
             hint="the gradient has the shape of the variable")
    rel = np.abs(analytic - numeric) / np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), atol / rtol)
    if rel.size == 0 or float(rel.max()) <= rtol:
        return
    idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(rel)), rel.shape))
    fail(call, f"a {what} whose entry {idx} is {analytic[idx]:.8g}",
         f"{numeric[idx]:.8g} from central differences (relative error {rel[idx]:.2e} > {rtol:.0e})", hint=hint)
