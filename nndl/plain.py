"""Plain data: the only values that cross the boundary between the grader and
the code being graded.

A value is *plain* when it is built from ``None``, ``bool``, ``int``,
``float``, ``str``, numpy scalars and numpy arrays of boolean/integer/float
dtype (``type(v) is np.ndarray``: no subclasses), lists, tuples and dicts of
those.  Everything else (figures, torch modules, tensors, lying subclasses)
stays where it was made and crosses as a :class:`Handle` that the grader can
pass back or inspect through an owner-side operation (:mod:`nndl.ops`).

Encoding uses JSON with base64 array payloads, never pickle, and checks exact
types, so an object cannot run code while it is encoded (no ``__eq__``,
``__array__``, ``__float__`` or ``__bool__`` of the submission is ever
called) and a decoded value can be trusted to be what its type says.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import math
from typing import Any

import numpy as np

#: Array dtype kinds that may cross: bool, signed/unsigned int, float.
ARRAY_KINDS = frozenset("biuf")
#: Limits on what one message may hold (a submission flooding the channel is
#: a failed call, not a grader crash).
MAX_DEPTH = 16
MAX_BYTES = 256 * 2**20
MAX_ITEMS = 1_000_000

_SCALAR_TYPES = {
    np.bool_,
    np.int8, np.int16, np.int32, np.int64,
    np.uint8, np.uint16, np.uint32, np.uint64,
    np.float16, np.float32, np.float64,
}


class NotPlainError(TypeError):
    """A value that cannot cross the boundary (encode) or a malformed message (decode)."""


@dataclasses.dataclass(frozen=True)
class Handle:
    """A reference to an object that lives in the process that made it."""

    id: int
    type: str  # qualified type name, e.g. "matplotlib.figure.Figure"

    def __repr__(self) -> str:
        return f"<{self.type.rsplit('.', 1)[-1]} object>"


@dataclasses.dataclass(frozen=True)
class FuncRef:
    """A grader-provided function passed as an argument, resolved by name on the owner's side."""

    name: str

    def __repr__(self) -> str:
        return self.name


def qualname(obj: Any) -> str:
    tp = type(obj)  # type(), not obj.__class__: the latter can lie
    module = getattr(tp, "__module__", "") or ""
    name = getattr(tp, "__qualname__", tp.__name__)
    return name if module == "builtins" else f"{module}.{name}"


def _float_to_json(x: float) -> Any:
    if math.isfinite(x):
        return x
    return {"__float__": repr(x)}  # 'nan', 'inf', '-inf'


def encode(value: Any, store: Any = None, *, _depth: int = 0, _budget: list[int] | None = None) -> Any:
    """Turn a plain value into JSON-ready data.

    Non-plain objects become :class:`Handle` s registered in ``store`` (an
    object with ``put(obj) -> Handle``); without a store they are an error.
    """
    if _budget is None:
        _budget = [MAX_ITEMS]
    _budget[0] -= 1
    if _budget[0] < 0 or _depth > MAX_DEPTH:
        raise NotPlainError("value is too large or too deeply nested")
    tp = type(value)
    if value is None or tp is bool or tp is str:
        return value
    if tp is int:
        return value if abs(value) < 2**53 else {"__int__": str(value)}
    if tp is float:
        return _float_to_json(value)
    if tp is np.ndarray:
        if value.dtype.kind not in ARRAY_KINDS or value.dtype.byteorder not in "=|<" or value.dtype.fields is not None:
            if store is not None:
                return _handle(value, store)
            raise NotPlainError(f"array of dtype {value.dtype} cannot cross the boundary")
        if value.nbytes > MAX_BYTES:
            raise NotPlainError(f"array of {value.nbytes} bytes is too large")
        data = np.ascontiguousarray(value).tobytes()
        return {"__nd__": value.dtype.str, "shape": list(value.shape), "data": base64.b64encode(data).decode("ascii")}
    if tp in _SCALAR_TYPES:
        return {"__np__": np.dtype(tp).str, "data": base64.b64encode(np.array(value).tobytes()).decode("ascii")}
    if tp is list or tp is tuple:
        items = [encode(v, store, _depth=_depth + 1, _budget=_budget) for v in value]
        return items if tp is list else {"__tuple__": items}
    if tp is dict:
        return {"__dict__": [[encode(k, store, _depth=_depth + 1, _budget=_budget),
                              encode(v, store, _depth=_depth + 1, _budget=_budget)] for k, v in value.items()]}
    if tp is Handle:
        return {"__handle__": value.id, "type": value.type}
    if tp is FuncRef:
        return {"__func__": value.name}
    if store is not None:
        return _handle(value, store)
    raise NotPlainError(f"a {qualname(value)} cannot cross the boundary")


def _handle(value: Any, store: Any) -> Any:
    h = store.put(value)
    return {"__handle__": h.id, "type": h.type}


def _expect(cond: bool, what: str) -> None:
    if not cond:
        raise NotPlainError(f"malformed message: {what}")


def decode(data: Any, *, _depth: int = 0) -> Any:
    """Inverse of :func:`encode`; validates every field of untrusted input."""
    _expect(_depth <= MAX_DEPTH + 2, "nested too deeply")
    tp = type(data)
    if data is None or tp in (bool, str, int):
        return data
    if tp is float:
        return data
    if tp is list:
        return [decode(v, _depth=_depth + 1) for v in data]
    _expect(tp is dict, f"unexpected {tp.__name__}")
    keys = set(data)
    if keys == {"__nd__", "shape", "data"}:
        dtype = np.dtype(str(data["__nd__"]))
        _expect(dtype.kind in ARRAY_KINDS and dtype.fields is None, f"dtype {dtype}")
        shape = data["shape"]
        _expect(type(shape) is list and all(type(s) is int and s >= 0 for s in shape) and len(shape) <= 32, "shape")
        raw = base64.b64decode(str(data["data"]), validate=True)
        _expect(len(raw) == int(np.prod(shape, dtype=np.int64)) * dtype.itemsize, "array size")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    if keys == {"__np__", "data"}:
        dtype = np.dtype(str(data["__np__"]))
        _expect(dtype.kind in ARRAY_KINDS, f"dtype {dtype}")
        raw = base64.b64decode(str(data["data"]), validate=True)
        _expect(len(raw) == dtype.itemsize, "scalar size")
        return np.frombuffer(raw, dtype=dtype)[0]
    if keys == {"__float__"}:
        _expect(data["__float__"] in ("nan", "inf", "-inf"), "float tag")
        return float(data["__float__"])
    if keys == {"__int__"}:
        return int(str(data["__int__"]))
    if keys == {"__tuple__"}:
        _expect(type(data["__tuple__"]) is list, "tuple")
        return tuple(decode(v, _depth=_depth + 1) for v in data["__tuple__"])
    if keys == {"__dict__"}:
        pairs = data["__dict__"]
        _expect(type(pairs) is list and all(type(p) is list and len(p) == 2 for p in pairs), "dict")
        out = {}
        for k, v in pairs:
            key = decode(k, _depth=_depth + 1)
            try:
                hash(key)
            except TypeError:
                raise NotPlainError("malformed message: unhashable dict key") from None
            out[key] = decode(v, _depth=_depth + 1)
        return out
    if keys == {"__handle__", "type"}:
        _expect(type(data["__handle__"]) is int and type(data["type"]) is str, "handle")
        return Handle(data["__handle__"], data["type"][:200])
    if keys == {"__func__"}:
        _expect(type(data["__func__"]) is str, "func")
        return FuncRef(data["__func__"])
    raise NotPlainError(f"malformed message: unknown keys {sorted(keys)[:5]}")


def dumps(value: Any, store: Any = None) -> bytes:
    return json.dumps(encode(value, store), separators=(",", ":"), allow_nan=False).encode("utf-8")


def loads(raw: bytes) -> Any:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise NotPlainError(f"malformed message: {exc}") from None
    return decode(data)


def roundtrip(value: Any, store: Any = None) -> Any:
    """Encode and decode in one process: what the other side would receive."""
    return decode(json.loads(json.dumps(encode(value, store), allow_nan=False)))


class ObjectStore:
    """Objects that stay with their owner, referenced across the boundary by id."""

    def __init__(self) -> None:
        self._objects: dict[int, Any] = {}
        self._next = 1

    def put(self, obj: Any) -> Handle:
        hid = self._next
        self._next += 1
        self._objects[hid] = obj
        return Handle(hid, qualname(obj))

    def get(self, handle: Handle) -> Any:
        try:
            return self._objects[handle.id]
        except KeyError:
            raise NotPlainError(f"unknown handle {handle!r}") from None

    def clear(self) -> None:
        self._objects.clear()
