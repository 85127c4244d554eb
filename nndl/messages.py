"""One grammar for every failure message: rule -> call -> got -> expected -> hint.

    leaky_relu(array([-1.]), alpha=0.1) returned array([0.1]); expected
    array([-0.1]). Hint: the negative side is alpha*x

Helpers set ``__tracebackhide__`` so pytest shows the check, not the helper.
"""

from __future__ import annotations

from typing import Any, NoReturn

import numpy as np

from nndl.plain import FuncRef, Handle, qualname

#: Arrays with more entries than this are summarised in messages.
_ARRAY_THRESHOLD = 12


def short(value: Any, *, precision: int = 6) -> str:
    """A compact, deterministic repr for messages; never calls submission code."""
    tp = type(value)
    if tp is np.ndarray:
        if value.dtype.kind not in "biufc":
            return f"array(dtype={value.dtype}, shape={value.shape})"
        body = np.array2string(value, precision=precision, threshold=_ARRAY_THRESHOLD, separator=", ",
                               edgeitems=3, max_line_width=10_000)
        extra = "" if value.dtype in (np.float64, np.int64, np.bool_) else f", dtype={value.dtype}"
        shape = f", shape={value.shape}" if value.size > _ARRAY_THRESHOLD else ""
        return f"array({body}{extra}{shape})"
    if tp in (float, np.float64):
        return repr(float(value))
    if isinstance(value, np.generic) and tp.__module__ == "numpy":
        return f"np.{tp.__name__}({value.item()!r})"
    if tp in (int, bool, str) or value is None:
        return repr(value)
    if tp in (Handle, FuncRef):
        return repr(value)
    if tp in (list, tuple):
        items = [short(v, precision=precision) for v in value[:_ARRAY_THRESHOLD]]
        if len(value) > _ARRAY_THRESHOLD:
            items.append("...")
        if tp is tuple:
            return "(" + ", ".join(items) + ("," if len(value) == 1 else "") + ")"
        return "[" + ", ".join(items) + "]"
    if tp is dict:
        items = [f"{short(k)}: {short(v, precision=precision)}" for k, v in list(value.items())[:_ARRAY_THRESHOLD]]
        return "{" + ", ".join(items) + "}"
    return f"<{qualname(value)} object>"


def call_repr(name: str, args: tuple = (), kwargs: dict | None = None, *, arrays_by_shape: bool = False) -> str:
    """``name(arg, ..., key=value)`` for messages.  ``arrays_by_shape``: an array argument of more than
    :data:`_ARRAY_THRESHOLD` entries is written as its dtype and shape only (data matrices whose edge
    values tell the student nothing)."""
    def text(value: Any) -> str:
        if arrays_by_shape and type(value) is np.ndarray and value.size > _ARRAY_THRESHOLD:
            return f"<{value.dtype} array of shape {value.shape}>"
        return short(value)

    parts = [text(a) for a in args] + [f"{k}={text(v)}" for k, v in (kwargs or {}).items()]
    return f"{name}({', '.join(parts)})"


def describe_type(value: Any) -> str:
    """'a float ndarray of shape (3,)', 'a list', 'a torch.Tensor' ..."""
    tp = type(value)
    if tp is np.ndarray:
        return f"a {value.dtype} ndarray of shape {value.shape}"
    if tp is Handle:
        return f"a {value.type}"
    if isinstance(value, np.generic):
        return f"a numpy {tp.__name__} scalar"
    return f"a {qualname(value)}"


def compose(call: str, got: str, expected: str, *, rule: str | None = None, hint: str | None = None) -> str:
    msg = f"{call} returned {got}; expected {expected}."
    if rule:
        msg = f"{rule}: {msg}"
    if hint:
        msg += f" Hint: {hint}"
    return msg


def fail(call: str, got: str, expected: str, *, rule: str | None = None, hint: str | None = None) -> NoReturn:
    """Raise the check's AssertionError in the one message grammar."""
    __tracebackhide__ = True
    raise AssertionError(compose(call, got, expected, rule=rule, hint=hint))


def fail_text(text: str, *, hint: str | None = None) -> NoReturn:
    """Raise a failure that does not fit 'call returned got; expected ...' (e.g. a figure property)."""
    __tracebackhide__ = True
    raise AssertionError(text + (f" Hint: {hint}" if hint else ""))
