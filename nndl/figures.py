"""Describe a matplotlib figure as plain data, through matplotlib's object model.

Checks compare figures as objects (axes grid, labels, line data, contour
levels, arrow patches), never as pixels.  The description is plain data so it
can cross the sandbox boundary; it is computed where the figure lives.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _geometry(ax: Any) -> list[int] | None:
    get_spec = getattr(ax, "get_subplotspec", None)
    spec = get_spec() if get_spec else None
    if spec is None:
        return None
    nrows, ncols, start, _stop = spec.get_geometry()
    return [int(nrows), int(ncols), int(start // ncols), int(start % ncols)]


def _float_array(values: Any) -> np.ndarray:
    try:
        return np.asarray(values, dtype=np.float64).copy()
    except (TypeError, ValueError):
        return np.zeros(0)


def describe_axes(ax: Any) -> dict[str, Any]:
    from matplotlib.collections import PathCollection
    from matplotlib.contour import ContourSet
    from matplotlib.patches import FancyArrow

    title = " ".join(t for t in (ax.get_title("left"), ax.get_title("center"), ax.get_title("right")) if t)
    lines = [{"x": _float_array(line.get_xdata()), "y": _float_array(line.get_ydata()),
              "label": str(line.get_label())} for line in ax.get_lines()]
    contours = [{"levels": _float_array(c.levels), "filled": bool(c.filled)}
                for c in ax.collections if isinstance(c, ContourSet)]
    # ax.scatter's points, in data coordinates.
    scatters = [{"offsets": _float_array(c.get_offsets()).reshape(-1, 2), "label": str(c.get_label())}
                for c in ax.collections if type(c) is PathCollection]
    arrows = []
    for patch in ax.patches:
        if isinstance(patch, FancyArrow):
            # FancyArrow keeps its defining data (set by plt.arrow / set_data).
            arrows.append([float(getattr(patch, "_x", np.nan)), float(getattr(patch, "_y", np.nan)),
                           float(getattr(patch, "_dx", np.nan)), float(getattr(patch, "_dy", np.nan))])
    return {
        "geometry": _geometry(ax),
        "title": str(title),
        "xlabel": str(ax.get_xlabel()),
        "ylabel": str(ax.get_ylabel()),
        "xscale": str(ax.get_xscale()),
        "yscale": str(ax.get_yscale()),
        "xlim": [float(v) for v in ax.get_xlim()],
        "ylim": [float(v) for v in ax.get_ylim()],
        "lines": lines,
        "contours": contours,
        "scatters": scatters,
        "arrows": np.array(arrows, dtype=np.float64).reshape(-1, 4),
        "n_patches": len(ax.patches),
    }


def describe_figure(fig: Any) -> dict[str, Any]:
    """Plain description of a Figure: ``{"type", "suptitle", "axes": [describe_axes(ax), ...]}``.

    Raises ``TypeError`` for anything that is not a ``matplotlib.figure.Figure``.
    """
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"expected a matplotlib Figure, got {type(fig).__module__}.{type(fig).__qualname__}")
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) is not None else ""
    # Colorbars and other helper axes have no subplot spec of the main grid; keep every Axes in order.
    return {"type": "Figure", "suptitle": str(suptitle), "axes": [describe_axes(ax) for ax in fig.axes]}
