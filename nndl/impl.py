"""The implementation under test, as an explicit argument of every check.

A check never touches the submission's objects directly.  It calls
``impl.<name>(*args, **kwargs)`` and receives *plain data* (:mod:`nndl.plain`):
arguments are copied across the boundary, results are encoded and decoded
with exact-type validation, and non-plain results come back as
:class:`~nndl.plain.Handle` s that the check may pass back to the submission
or inspect with :meth:`Impl.op` (figure descriptions, module forward passes).

Two implementations share this contract and the owner-side code
(:func:`invoke`):

* :class:`LocalImpl` calls functions of a namespace in this process (the
  reference module, a notebook's ``globals()``, a mutant);
* :class:`nndl.sandbox.RemoteImpl` calls them in a sandboxed worker process.

Because both go through the same encode/decode and the same mutation check,
a check proven on a mutant in-process behaves the same in the sandbox.
"""

from __future__ import annotations

import copy
import time
import traceback
import types
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from nndl import messages
from nndl.plain import FuncRef, Handle, NotPlainError, ObjectStore, decode, encode, roundtrip


class SubmissionError(AssertionError):
    """The submission's own code failed: it raised, crashed, timed out, or returned non-plain data."""


class MissingName(SubmissionError):
    """A name of the assignment's contract is not defined by the submission."""


def _snapshot(value: Any) -> Any:
    if type(value) is np.ndarray:
        return value.copy()
    if type(value) in (list, tuple):
        return type(value)(_snapshot(v) for v in value)
    if type(value) is dict:
        return {k: _snapshot(v) for k, v in value.items()}
    return copy.copy(value) if type(value) in (int, float, bool, str) else None


def _same(a: Any, b: Any) -> bool:
    if type(a) is np.ndarray:
        return (type(b) is np.ndarray and a.shape == b.shape and a.dtype == b.dtype
                and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")))
    if type(a) in (list, tuple):
        return type(b) is type(a) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if type(a) is dict:
        return type(b) is dict and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return True


def _resolve(value: Any, store: ObjectStore) -> Any:
    """Replace handles by their objects and FuncRefs by grader functions (owner side)."""
    from nndl.ops import resolve_func  # local import: ops imports matplotlib/torch lazily

    tp = type(value)
    if tp is Handle:
        return store.get(value)
    if tp is FuncRef:
        return resolve_func(value.name)
    if tp in (list, tuple):
        return tp(_resolve(v, store) for v in value)
    if tp is dict:
        return {k: _resolve(v, store) for k, v in value.items()}
    return value


def _where(tb: types.TracebackType | None, filenames: tuple[str, ...]) -> str:
    """' (line N)' of the deepest frame inside the submission, if any."""
    line = ""
    for frame in traceback.extract_tb(tb):
        if frame.filename in filenames or frame.filename.startswith("<"):
            line = f" (line {frame.lineno})"
    return line


def invoke(fn: Any, args: tuple, kwargs: dict, store: ObjectStore, filenames: tuple[str, ...] = ()) -> dict:
    """Call ``fn`` on decoded plain arguments; return an encodable outcome.

    Runs on the side that owns the submission.  The outcome is one of
    ``{"ok": encoded_result, "mutated": [argument labels]}`` or
    ``{"error": type name, "message": str, "where": str}``.
    """
    args = _resolve(args, store)
    kwargs = _resolve(kwargs, store)
    before = (_snapshot(args), _snapshot(kwargs))
    try:
        # Warnings (e.g. overflow in exp) are recorded for checks that forbid them, never printed:
        # a notebook cell that writes to stderr scores 0 in nbgrader.
        with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", invalid="warn", divide="warn"):
            warnings.simplefilter("always")
            result = fn(*args, **kwargs)
    except (Exception, SystemExit) as exc:  # KeyboardInterrupt must stay interruptible in a notebook
        try:
            text = str(exc)
        except Exception:  # a lying exception whose __str__ raises
            text = "<unprintable>"
        return {"error": type(exc).__name__, "message": text[:500], "where": _where(exc.__traceback__, filenames)}
    warned = []
    for w in caught[:5]:
        try:
            warned.append(f"{w.category.__name__}: {w.message}"[:200])
        except Exception:  # noqa: BLE001 - a lying warning message
            warned.append("Warning")
    mutated = [f"argument {i + 1}" for i, (a, b) in enumerate(zip(args, before[0])) if not _same(b, a)]
    mutated += [f"argument {k}" for k in kwargs if not _same(before[1][k], kwargs[k])]
    try:
        encoded = encode(result, store)
    except NotPlainError as exc:
        return {"error": "NotPlainError", "message": str(exc), "where": ""}
    return {"ok": encoded, "mutated": mutated, "warnings": warned}


def _canonical(encoded: Any) -> Any:
    """Encoded plain data with handle ids blanked: two figures from two calls compare equal."""
    if type(encoded) is dict:
        if "__handle__" in encoded:
            return {"__handle__": 0, "type": encoded.get("type")}
        return {k: _canonical(v) for k, v in encoded.items()}
    if type(encoded) is list:
        return [_canonical(v) for v in encoded]
    return encoded


#: Repeats of the first call of each function in a check.  A function that returns the right
#: answer or a wrong one by a fair coin flip agrees with itself on all of them with probability
#: 2**-20 < 1e-6.  Calls are cheap (plain data, ~1-5 ms even across the sandbox's boundary).
PROBE_REPEATS = 20
#: Seconds of repeats after which a probe stops early: only a function slower than
#: PROBE_SECONDS / PROBE_REPEATS per call gets fewer repeats (the sandbox bounds each call anyway).
PROBE_SECONDS = 5.0
_FATAL = ("Timeout", "Crash")


def _fatal(outcome: dict) -> bool:
    """A call the sandbox had to stop (time limit, crash): it says nothing about determinism."""
    return outcome.get("error") in _FATAL


def _has_handle(encoded: Any) -> bool:
    if type(encoded) is dict:
        return "__handle__" in encoded or any(_has_handle(v) for v in encoded.values())
    if type(encoded) is list:
        return any(_has_handle(v) for v in encoded)
    return False


def probe_repeats(first: dict) -> int:
    """How often the probe repeats a first call: :data:`PROBE_REPEATS` for plain data and errors;
    once for results holding objects (figures, modules), which compare by type only (each repeat
    would build a figure or a network to compare nothing; their content is what the checks inspect)."""
    if "ok" in first and _has_handle(first["ok"]):
        return 1
    return PROBE_REPEATS


def _signature(outcome: dict) -> Any:
    """What two calls on the same input must agree on: the result, or the kind of error."""
    if "ok" in outcome:
        return ("ok", _canonical(outcome["ok"]))
    if "error" in outcome:
        return ("error", outcome["error"])
    return ("missing",)


def _nondeterminism_message(name: str, args: tuple, kwargs: dict, first: dict, again: dict) -> str:
    """The probe's verdict; the two outcomes in a fixed order, so that the same two answers give the
    same message whichever came first."""
    call = messages.call_repr(name, args, kwargs)

    def shown(outcome: dict) -> str:
        try:
            return messages.short(decode(outcome["ok"]))
        except NotPlainError:
            return "a value"

    oks = sorted(shown(o) for o in (first, again) if "ok" in o)
    errors = sorted(str(o.get("error", "an error")) for o in (first, again) if "ok" not in o)
    if len(oks) == 2:
        what = f"returned {oks[0]} on one call and {oks[1]} on another"
    elif oks:
        what = f"returned {oks[0]} on one call and failed with {errors[0]} on another"
    else:
        what = f"failed with {errors[0]} on one call and with {errors[1]} on another"
    return (f"{call} {what} for the same input. Hint: results must not depend on hidden state "
            "(counters, unseeded global random numbers).")


def lookup(namespace: Mapping[str, Any], name: str) -> tuple[bool, Any]:
    try:
        return True, namespace[name]
    except KeyError:
        return False, None


class Impl:
    """Base of the two implementations; subclasses provide :meth:`_call`, :meth:`_value`, :meth:`_op`."""

    #: How messages refer to the submission: "your notebook", "your file".
    where: str = "your submission"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return _Function(self, name)

    #: Per check: (name, returned?) of the first calls probed, and every name called (in order);
    #: reset by close().
    _probed: set[tuple[str, bool]]
    _called: list[str]
    #: Per implementation (one grading of one submission): the message for each function found
    #: nondeterministic; never reset, so every later check that calls the function fails with it.
    _nondeterministic: dict[str, str]

    def _call_probed(self, name: str, args: tuple, kwargs: dict) -> dict:
        """The determinism probe: the first call of each function in a check (the first that returns
        and the first that raises) is repeated on fresh copies of the arguments (:data:`PROBE_REPEATS`
        times, see :func:`probe_repeats`), so a submission that answers right only some of the time
        (a counter, unseeded global random numbers) is caught even by a check that calls it once.  A function found nondeterministic
        is remembered: every later call of it, in any check of this grading, fails with the same
        message (and :func:`nndl.checks.settle_nondeterminism` fails the earlier checks too)."""
        __tracebackhide__ = True
        state = self.__dict__
        probed = state.setdefault("_probed", set())
        called = state.setdefault("_called", [])
        memo = state.setdefault("_nondeterministic", {})
        if name not in called:
            called.append(name)
        if name in memo:
            raise SubmissionError(memo[name])
        first = self._call(name, args, kwargs)
        # The first call that returns and the first that raises are probed (a check may provoke an
        # exception before it looks at results).
        kind = (name, "ok" in first)
        if kind in probed or "missing" in first or _fatal(first):
            return first
        probed.add(kind)
        started = time.perf_counter()
        for _ in range(probe_repeats(first)):
            before = time.perf_counter()
            again = self._call(name, args, kwargs)
            self._probe_spent(time.perf_counter() - before)
            if _fatal(again):
                return again  # the check fails with this call's timeout or crash
            if _signature(again) != _signature(first):
                memo[name] = _nondeterminism_message(name, args, kwargs, first, again)
                raise SubmissionError(memo[name])
            if time.perf_counter() - started > PROBE_SECONDS:
                break
        return first

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        outcome = self._call_probed(name, args, kwargs)
        return self._unwrap(outcome, messages.call_repr(name, args, kwargs), name)

    def reset_probes(self) -> None:
        """A new check starts: probe each function's first call again (what was found stays found)."""
        self.__dict__["_probed"] = set()
        self.__dict__["_called"] = []

    @property
    def called_names(self) -> tuple[str, ...]:
        """The functions called in the current check, in order of first call."""
        return tuple(self.__dict__.get("_called", ()))

    @property
    def nondeterministic(self) -> dict[str, str]:
        """``{function: message}`` of every function found nondeterministic so far."""
        return dict(self.__dict__.get("_nondeterministic", {}))

    def _probe_spent(self, seconds: float) -> None:
        """Seconds the probe's repeated calls took (a sandbox does not count them against the check)."""

    def call_with_warnings(self, name: str, *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
        """Like :meth:`call`, also returning the warnings the call emitted (``"RuntimeWarning: ..."``)."""
        __tracebackhide__ = True
        outcome = self._call_probed(name, args, kwargs)
        value = self._unwrap(outcome, messages.call_repr(name, args, kwargs), name)
        warned = outcome.get("warnings", [])
        if type(warned) is not list or not all(type(w) is str for w in warned):
            raise SubmissionError(f"{messages.call_repr(name, args, kwargs)}: malformed warning report")
        return value, warned

    def value(self, name: str) -> Any:
        """A module-level value of the submission (e.g. ``STEP_SIZES``), as plain data."""
        __tracebackhide__ = True
        return self._unwrap(self._value(name), name, name)

    def op(self, opname: str, *args: Any) -> Any:
        """Run grader operation ``opname`` (:mod:`nndl.ops`) where the objects live."""
        __tracebackhide__ = True
        return self._unwrap(self._op(opname, args), messages.call_repr(opname, args), opname)

    def _unwrap(self, outcome: dict, call: str, name: str) -> Any:
        __tracebackhide__ = True
        if outcome.get("missing"):
            raise MissingName(f"{name} is not defined in {self.where}.")
        if "error" in outcome:
            kind, text = outcome["error"], outcome.get("message", "")
            if kind == "NotImplementedError":
                raise SubmissionError(f"{call} raised NotImplementedError{outcome.get('where', '')}: "
                                      f"{name} is still the stub; fill in its body.")
            if kind == "NotPlainError":
                raise SubmissionError(f"{call} returned a value that is not plain data: {text}.")
            if kind in ("Timeout", "Crash"):  # the sandbox's text completes the sentence
                raise SubmissionError(f"{call} {text}")
            raise SubmissionError(f"{call} raised {kind}{outcome.get('where', '')}: {text}")
        if outcome.get("mutated"):
            raise SubmissionError(f"{call} modified its {', '.join(outcome['mutated'])} in place. "
                                  "Hint: functions must not modify their inputs; work on a copy.")
        try:
            return decode(outcome["ok"])
        except NotPlainError as exc:
            raise SubmissionError(f"{call} returned data that failed validation: {exc}") from None

    # Subclass interface -------------------------------------------------
    def _call(self, name: str, args: tuple, kwargs: dict) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def _value(self, name: str) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def _op(self, opname: str, args: tuple) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError


class _Function:
    __slots__ = ("_impl", "_name")

    def __init__(self, impl: Impl, name: str) -> None:
        self._impl, self._name = impl, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        return self._impl.call(self._name, *args, **kwargs)

    def __repr__(self) -> str:
        return f"<{self._name} of {self._impl.where}>"


class LocalImpl(Impl):
    """Functions of a namespace in this process: a module, ``globals()``, a dict of mutants."""

    def __init__(self, namespace: Mapping[str, Any] | types.ModuleType, *, where: str = "your notebook",
                 filenames: tuple[str, ...] = ()) -> None:
        self._ns = vars(namespace) if isinstance(namespace, types.ModuleType) else namespace
        if isinstance(namespace, types.ModuleType) and getattr(namespace, "__file__", None):
            filenames = filenames + (namespace.__file__,)
        self._filenames = filenames
        self._store = ObjectStore()
        self.where = where

    def _call(self, name: str, args: tuple, kwargs: dict) -> dict:
        found, fn = lookup(self._ns, name)
        if not found:
            return {"missing": True}
        if not callable(fn):
            return {"error": "TypeError", "message": f"{name} is not a function", "where": ""}
        # Arguments cross as copies, exactly as they would into the sandbox.
        args, kwargs = roundtrip(args), roundtrip(kwargs)
        return invoke(fn, args, kwargs, self._store, self._filenames)

    def _value(self, name: str) -> dict:
        found, value = lookup(self._ns, name)
        if not found:
            return {"missing": True}
        try:
            return {"ok": encode(value, self._store), "mutated": []}
        except NotPlainError as exc:
            return {"error": "NotPlainError", "message": str(exc), "where": ""}

    def _op(self, opname: str, args: tuple) -> dict:
        from nndl.ops import run_op

        return run_op(opname, roundtrip(args), self._store)

    def close(self) -> None:
        from nndl.ops import close_all

        close_all(self._store)
        self.reset_probes()
