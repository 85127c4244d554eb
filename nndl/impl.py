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

    #: Names already called twice (the determinism probe) in the current check; reset by close().
    _probed: set[str]

    def _call_probed(self, name: str, args: tuple, kwargs: dict) -> dict:
        """The first call of each function in a check is made twice on fresh copies of the
        arguments: a submission that answers right only some of the time (a counter, unseeded
        global randomness) is caught even by a check that calls it once."""
        __tracebackhide__ = True
        probed = self.__dict__.setdefault("_probed", set())
        first = self._call(name, args, kwargs)
        if name in probed or "ok" not in first:
            return first
        probed.add(name)
        second = self._call(name, args, kwargs)
        if "ok" in second and _canonical(first["ok"]) != _canonical(second["ok"]):
            call = messages.call_repr(name, args, kwargs)
            try:
                a, b = decode(first["ok"]), decode(second["ok"])
                shown = f"{messages.short(a)}, then {messages.short(b)}"
            except NotPlainError:
                shown = "two different values"
            raise SubmissionError(f"{call} returned {shown} for the same input. Hint: results must not "
                                  "depend on hidden state (counters, unseeded global random numbers).")
        return first

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        outcome = self._call_probed(name, args, kwargs)
        return self._unwrap(outcome, messages.call_repr(name, args, kwargs), name)

    def reset_probes(self) -> None:
        self.__dict__["_probed"] = set()

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
