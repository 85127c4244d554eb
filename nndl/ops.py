"""Grader operations that run where the submission's objects live.

A check receives a :class:`~nndl.plain.Handle` for a non-plain result (a
Figure, a ``torch.nn.Module``) and asks the owner to run one of the
operations below on it; only the plain result crosses back.  Grader-provided
functions passed as arguments (``g_prime`` in the derivatives set) cross as
:class:`~nndl.plain.FuncRef` names resolved from :data:`FUNCS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nndl.plain import NotPlainError, ObjectStore, encode


def _sigmoid(t: Any) -> Any:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(t, dtype=np.float64)))


#: Vectorised scalar functions a check may pass to the submission by name.
FUNCS: dict[str, Callable[[Any], Any]] = {
    "cos": np.cos,
    "sin": np.sin,
    "tanh": np.tanh,
    "tanh_prime": lambda t: 1.0 - np.tanh(t) ** 2,
    "sigmoid": _sigmoid,
    "sigmoid_prime": lambda t: _sigmoid(t) * (1.0 - _sigmoid(t)),
    "square": lambda t: np.asarray(t, dtype=np.float64) ** 2,
    "double": lambda t: 2.0 * np.asarray(t, dtype=np.float64),
    "cube": lambda t: np.asarray(t, dtype=np.float64) ** 3,
    "three_square": lambda t: 3.0 * np.asarray(t, dtype=np.float64) ** 2,
    "one": lambda t: np.ones_like(np.asarray(t, dtype=np.float64)),
}


def resolve_func(name: str) -> Callable[[Any], Any]:
    try:
        return FUNCS[name]
    except KeyError:
        raise NotPlainError(f"unknown grader function {name!r}") from None


def _describe_figure(fig: Any) -> Any:
    from nndl.figures import describe_figure

    return describe_figure(fig)


def _close_figure(fig: Any) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    if isinstance(fig, Figure):
        plt.close(fig)


def _module_summary(module: Any) -> dict[str, Any]:
    """Layers and parameters of a ``torch.nn.Module`` (float64 copies)."""
    import torch

    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"expected a torch.nn.Module, got {type(module).__module__}.{type(module).__qualname__}")
    leaves = [m for m in module.modules() if not list(m.children())]
    return {
        "leaves": [type(m).__name__ for m in leaves],
        "linears": [[int(m.in_features), int(m.out_features), m.bias is not None]
                    for m in leaves if isinstance(m, torch.nn.Linear)],
        "parameters": {name: p.detach().to(torch.float64).cpu().numpy().copy()
                       for name, p in module.named_parameters()},
    }


def _module_forward(module: Any, x: Any) -> np.ndarray:
    """``module(x)`` for a float array ``x`` of shape (n, in_features), without gradients."""
    import torch

    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"expected a torch.nn.Module, got {type(module).__module__}.{type(module).__qualname__}")
    param = next(module.parameters(), None)
    dtype = param.dtype if param is not None else torch.float32
    with torch.no_grad():
        out = module(torch.as_tensor(np.asarray(x), dtype=dtype))
    if not isinstance(out, torch.Tensor):
        raise TypeError(f"the module returned a {type(out).__name__}, not a tensor")
    return out.detach().to(torch.float64).cpu().numpy().copy()


OPS: dict[str, Callable[..., Any]] = {
    "describe_figure": _describe_figure,
    "close_figure": _close_figure,
    "module_summary": _module_summary,
    "module_forward": _module_forward,
}


def run_op(opname: str, args: tuple, store: ObjectStore) -> dict:
    """Run a grader operation on owner-side objects; the outcome has :func:`nndl.impl.invoke`'s shape."""
    from nndl.impl import _resolve

    if opname not in OPS:
        return {"error": "NotPlainError", "message": f"unknown operation {opname!r}", "where": ""}
    try:
        result = OPS[opname](*_resolve(tuple(args), store))
        return {"ok": encode(result), "mutated": []}
    except (Exception, SystemExit) as exc:
        try:
            text = str(exc)
        except Exception:
            text = "<unprintable>"
        return {"error": type(exc).__name__, "message": text[:500], "where": ""}


def close_all(store: ObjectStore) -> None:
    """Close every figure held in ``store`` (figures are always closed after a check)."""
    for obj in list(store._objects.values()):
        try:
            _close_figure(obj)
        except Exception:  # noqa: BLE001 - cleanup must not fail a grade
            pass
    store.clear()


def _contour_lines(fig: Any) -> list[list[dict[str, Any]]]:
    """Per axes of ``fig`` (in ``fig.axes`` order), per line ``ContourSet`` (``ax.contour``, not
    ``contourf``): its ``levels`` and, per level, the vertices of its contour lines as a float
    array of shape (n, 2) (n = 0 for a level that no line reaches).

    Lets a check verify that drawn isocontours lie where the function equals their level.
    """
    from matplotlib.contour import ContourSet
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"expected a matplotlib Figure, got {type(fig).__module__}.{type(fig).__qualname__}")
    out = []
    for ax in fig.axes:
        sets = []
        for c in ax.collections:
            if isinstance(c, ContourSet) and not c.filled:
                # matplotlib >= 3.8: one Path per level, holding all of that level's lines.
                vertices = [np.asarray(p.vertices, dtype=np.float64).reshape(-1, 2).copy() for p in c.get_paths()]
                sets.append({"levels": np.asarray(c.levels, dtype=np.float64).copy(), "vertices": vertices})
        out.append(sets)
    return out


OPS["contour_lines"] = _contour_lines


def _torch_global_rand(n: Any) -> np.ndarray:
    """``n`` uniform draws from torch's *global* generator (advancing it), as float64.

    Lets a check see whether the submission reseeds the global generator
    (``torch.manual_seed``): draws taken after two such calls repeat.
    """
    import torch

    return torch.rand(int(n), dtype=torch.float64).numpy().copy()


OPS["torch_global_rand"] = _torch_global_rand
