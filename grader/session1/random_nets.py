"""Checks of ``random_nets`` (sheet §1, computer assignment: 5-5-5 PyTorch networks).

The network never crosses the boundary: checks inspect it with the owner-side
operations ``module_summary`` (layers, parameters as float64 arrays) and
``module_forward`` and recompute its forward pass from its own parameters in
float64.  The response-curve checks test what the sheet's plots show (linear
rows are straight, ReLU rows piecewise linear with few kinks, tanh rows
bounded); the figure checks describe the returned Figure and recompute every
panel with the student's own ``build_network`` and ``response_curve``.  The
instructor-only check recomputes every panel with the reference code and the
student's weights.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import numpy as np
from hypothesis import strategies as st

from nndl import hypo, strategies
from nndl.checks import CheckSet
from nndl.impl import MissingName, SubmissionError
from nndl.messages import call_repr, describe_type, fail, fail_text, short
from nndl.numerics import assert_close, expect_array, worst_index
from nndl.plain import Handle

checks = CheckSet("session1", "random_nets")

#: Rows of the figure, in order (the contract's ``ACTIVATIONS``).
ACTIVATIONS = ("tanh", "relu", "linear")
#: Names a title may use for each activation (lower-cased).
_TITLE_NAMES = {"tanh": ("tanh",), "relu": ("relu",), "linear": ("linear", "identity")}
_ACT = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0), "linear": lambda z: z}

#: Network outputs vs. a float64 recomputation from the module's own parameters,
#: as a fraction of the largest intermediate value |W h + b|.  A float32 forward
#: pass rounds each of its ~20 operations per output by eps32/2 ~ 6e-8 of the
#: values involved, so errors stay below ~2e-6 of the largest intermediate;
#: 1e-4 is 50 times that, while a misplaced or wrong activation changes the
#: output by a sizeable fraction of the intermediates.
FORWARD_TOL = 1e-4
#: Shape properties of a response curve y1(x1) (straightness, piecewise
#: linearity), as a fraction of 1 + max|y1|.  Measured float32 noise of the
#: reference's curves is below 4e-6 of that over 600 random networks; a ReLU in
#: a "linear" network bends its curve by > 6e-2 of it, and tanh curves need
#: about 70 (at least 35) line segments at this tolerance.
CURVE_TOL = 1e-4
#: Upper bound on the number of linear pieces of y1(x1) for a 5-5-5 ReLU net:
#: each first-layer ReLU switches once along the line (<= 5 kinks, 6 pieces);
#: each second-layer pre-activation is linear on each of those 6 pieces, so its
#: ReLU switches at most 6 times (<= 5 * 6 = 30 more kinks); the output layer is
#: affine and adds none.  35 kinks, 36 pieces.
MAX_RELU_PIECES = 36
#: tanh bound |y1| <= max_r sum|W_out[r]| + |b_out[r]|: the output is one affine
#: float32 combination of values in [-1, 1]; 1e-5 relative covers its rounding.
BOUND_TOL = 1e-5
#: Different seeds must give visibly different weights: the largest parameter
#: difference must exceed this fraction of the largest parameter.
SEED_DIFF = 1e-3
#: The sheet's x1 range.
X_LO, X_HI = -10.0, 10.0
#: A panel's x1 endpoints may differ from -10 and 10 by this much (linspace is
#: exact at its endpoints; float32 x data would be off by ~1e-6).
X_RANGE_ATOL = 1e-5
#: Fewest points a panel's curve may have (the contract asks for N >= 200).
MIN_POINTS = 200
#: Number of random networks per activation in the curve-shape checks.
N_NETS = 3


# --- helpers ------------------------------------------------------------------
def _build(impl, activation: str, seed: int) -> tuple[Handle, str]:
    call = call_repr("build_network", (activation, seed))
    h = impl.build_network(activation, seed)
    if type(h) is not Handle:
        fail(call, describe_type(h), "a torch.nn.Module (e.g. nn.Sequential)",
             hint="return the network object itself")
    return h, call


def _layers(impl, h: Handle, call: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """The three (weight, bias) pairs of the module, in registration order."""
    summary = impl.op("module_summary", h)
    linears = summary["linears"]
    if linears != [[5, 5, True]] * 3:
        fail(call, f"a module whose nn.Linear layers are {linears} ([in, out, bias])",
             "three nn.Linear(5, 5) layers with bias: [[5, 5, True], [5, 5, True], [5, 5, True]]",
             hint="three layers of weights, five neurons in every layer (input and output included)")
    groups: dict[str, dict[str, np.ndarray]] = {}
    for name, value in summary["parameters"].items():
        prefix, _, leaf = name.rpartition(".")
        groups.setdefault(prefix, {})[leaf] = value
    layers = [(g["weight"], g["bias"]) for g in groups.values()
              if set(g) == {"weight", "bias"} and g["weight"].shape == (5, 5) and g["bias"].shape == (5,)]
    if len(layers) != 3 or len(groups) != 3:
        fail(call, f"a module with parameters {sorted(summary['parameters'])}",
             "exactly the weights and biases of three nn.Linear(5, 5) layers")
    return layers


def _forward(layers: list[tuple[np.ndarray, np.ndarray]], activation: str, x: np.ndarray, *,
             after_output: bool = False) -> tuple[np.ndarray, float]:
    """Float64 forward pass ``Linear -> act -> Linear -> act -> Linear`` and its largest intermediate."""
    h, scale = x, float(np.max(np.abs(x)))
    for k, (w, b) in enumerate(layers):
        h = h @ w.T + b
        scale = max(scale, float(np.max(np.abs(h))))
        if k < len(layers) - 1 or after_output:
            h = _ACT[activation](h)
    return h, scale


def _agrees(actual: np.ndarray, desired: np.ndarray, scale: float) -> bool:
    """The acceptance test of ``assert_close`` with atol = FORWARD_TOL * max(1, scale)."""
    return worst_index(actual, desired, 0.0, FORWARD_TOL * max(1.0, scale))[1] <= 1.0


def _forward_order(impl, h: Handle, call: str, activation: str, x: np.ndarray, *,
                   strict: bool = True) -> list[tuple[np.ndarray, np.ndarray]]:
    """The module's layers in the order its forward pass uses them.

    The order is found by matching ``module_forward`` against the float64
    recomputation for each of the 6 orders (a Module subclass may register its
    layers in any order).  When none matches: a failure, or with
    ``strict=False`` the registration order.
    """
    layers = _layers(impl, h, call)
    fcall = f"{call} applied to x of shape {x.shape}"
    out = expect_array(impl.op("module_forward", h, x), fcall, shape=(len(x), 5))
    for order in itertools.permutations(range(3)):
        ordered = [layers[i] for i in order]
        y, scale = _forward(ordered, activation, x)
        if _agrees(out, y, scale):
            return ordered
    if not strict:
        return layers
    hint = (f"the network must be Linear(5, 5) -> {activation} -> Linear(5, 5) -> {activation} -> Linear(5, 5), "
            "with the module's own weights")
    for order in itertools.permutations(range(3)):
        ordered = [layers[i] for i in order]
        if _agrees(out, *_forward(ordered, activation, x, after_output=True)):
            hint = "no activation after the output layer: the last layer stays linear"
            break
        for other in ACTIVATIONS:
            if other != activation and _agrees(out, *_forward(ordered, other, x)):
                hint = f"the network applies the {other} activation, not {activation}"
                break
        else:
            continue
        break
    # Report the input row with the worst entry (registration order of the layers).
    y, scale = _forward(layers, activation, x)
    row = worst_index(out, y, 0.0, FORWARD_TOL * max(1.0, scale))[0][0]
    fail(f"{call} applied to x = {short(x[row])}", short(out[row]),
         f"{short(y[row])}, computed from the module's own parameters", hint=hint)


def _curve(impl, h: Handle, activation: str, seed: int, x_rest: np.ndarray, x1: np.ndarray) -> tuple[np.ndarray, str]:
    call = f"response_curve(build_network({activation!r}, {seed}), {short(x_rest)}, {short(x1)})"
    y = expect_array(impl.response_curve(h, x_rest, x1), call, shape=x1.shape)
    return y, call


def _line_pieces(x: np.ndarray, y: np.ndarray, tol: float) -> int:
    """Greedy count of pieces: each extends while every point lies within ``tol`` of its chord.

    For a continuous piecewise-linear curve with K kinks (float noise below
    tol/2) every piece reaches at least the end of the linear piece it starts
    in, so the count is at most K + 1.
    """
    n, start, pieces = len(y), 0, 0
    while start < n:
        pieces += 1
        end = start + 1
        while end + 1 < n:
            t = (x[start:end + 2] - x[start]) / (x[end + 1] - x[start])
            chord = y[start] + t * (y[end + 1] - y[start])
            if np.max(np.abs(y[start:end + 2] - chord)) > tol:
                break
            end += 1
        start = end + 1
    return pieces


def _seeds(rng: np.random.Generator, n: int = N_NETS) -> list[int]:
    return [int(s) for s in rng.choice(10_000, size=n, replace=False)]


def _names(title: str, activation: str) -> bool:
    """Whether ``title`` names ``activation`` as a word ("ReLU, weights 2"; not "nonlinear")."""
    return any(re.search(rf"(?<![a-z]){n}(?![a-z])", title.lower()) for n in _TITLE_NAMES[activation])


def _norm_label(text: str) -> str:
    return re.sub(r"[\s$_{}\\]|mathrm|mathit", "", text).lower()


def _figure(impl, seed: int) -> tuple[dict[tuple[int, int], dict[str, Any]], str]:
    """Panels of ``plot_responses(seed=seed)`` keyed by (row, column) of a 3 x 3 grid."""
    call = call_repr("plot_responses", (), {"seed": seed})
    fig = impl.plot_responses(seed=seed)
    if type(fig) is not Handle or fig.type != "matplotlib.figure.Figure":
        hint = "return the one Figure made by plt.subplots(3, 3, figsize=(15, 10))"
        if type(fig) is tuple:
            hint = "return only the figure, not (fig, axs)"
        elif type(fig) is list:
            hint = "put all nine plots in one figure: plt.subplots(3, 3) and axs[i, j].plot(...)"
        fail(call, describe_type(fig), "a matplotlib.figure.Figure", hint=hint)
    desc = impl.op("describe_figure", fig)
    panels: dict[tuple[int, int], dict[str, Any]] = {}
    grids = set()
    for ax in desc["axes"]:
        if ax["geometry"] is None:
            continue  # colorbars and other helper axes
        nrows, ncols, row, col = ax["geometry"]
        grids.add((nrows, ncols))
        panels.setdefault((row, col), ax)  # twin axes share a position: keep the first
    if grids != {(3, 3)} or len(panels) != 9:
        fail(call, f"a figure with {len(panels)} subplot(s) in grid(s) {sorted(grids)}", "a 3 x 3 grid of subplots",
             hint="fig, axs = plt.subplots(3, 3, figsize=(15, 10)); rows tanh, relu, linear; columns weight sets")
    return panels, call


def _panel_curve(panel: dict[str, Any], call: str, where: str) -> tuple[np.ndarray, np.ndarray]:
    """The panel's response curve: its first line with at least MIN_POINTS points, on [-10, 10]."""
    lines = [ln for ln in panel["lines"] if ln["x"].size >= MIN_POINTS and ln["x"].size == ln["y"].size]
    if not lines:
        sizes = [int(ln["x"].size) for ln in panel["lines"]]
        fail(call, f"a figure whose {where} has lines of {sizes} points", f"a curve of at least {MIN_POINTS} points",
             hint="plot y1 against x1 = np.linspace(-10, 10, N) with N >= 200")
    x, y = lines[0]["x"], lines[0]["y"]
    if (abs(x[0] - X_LO) > X_RANGE_ATOL or abs(x[-1] - X_HI) > X_RANGE_ATOL or np.any(np.diff(x) <= 0)
            or not np.all(np.isfinite(y))):
        fail(call, f"a figure whose {where} plots x from {x[0]:.6g} to {x[-1]:.6g} ({x.size} points)",
             "finite y1 over increasing x1 from -10 to 10", hint="x1 = np.linspace(-10, 10, N)")
    return x, y


def _where(row: int, col: int) -> str:
    return f"panel [{row}, {col}] ({ACTIVATIONS[row]}, weight set {col})"


# --- build_network --------------------------------------------------------------
@checks.check("build_network")
def check_architecture(impl, *, rng):
    """Three Linear(5, 5) with bias; the activation after the two hidden layers only (from the module's own weights)."""
    x = rng.standard_normal((16, 5)) * 4.0

    for activation in ACTIVATIONS:
        @hypo.given(strategies.seeds(), max_examples=4)
        def prop(seed):
            h, call = _build(impl, activation, seed)
            _forward_order(impl, h, call, activation, x)

        prop()


@checks.check("build_network")
def check_unknown_activation(impl, *, rng):
    """An unknown activation name raises ValueError."""
    for name in ("sigmoid", "leaky_relu"):
        call = call_repr("build_network", (name, 0))
        try:
            result = impl.build_network(name, 0)
        except MissingName:
            raise
        except SubmissionError as exc:
            if re.search(r" raised ValueError\b", str(exc)):
                continue
            fail_text(f"{exc}; expected ValueError for the unknown activation {name!r}.",
                      hint="check the name first: raise ValueError(f'unknown activation {activation!r}')")
        fail(call, describe_type(result), "a ValueError for an unknown activation",
             hint="only 'tanh', 'relu' and 'linear' are valid")


@checks.check("build_network")
def check_seed_reproducible(impl, *, rng):
    """The same seed gives the same weights; seeds s and s + 1 give different weights."""
    for activation, seed in zip(ACTIVATIONS, _seeds(rng)):
        h1, call = _build(impl, activation, seed)
        h2, _ = _build(impl, activation, seed)
        first, again = _layers(impl, h1, call), _layers(impl, h2, call)
        for k, ((w1, b1), (w2, b2)) in enumerate(zip(first, again)):
            for what, p1, p2 in (("weight", w1, w2), ("bias", b1, b2)):
                assert_close(p2, p1, f"{call} (called twice), layer {k + 1} {what}",
                             rule="the same seed must give the same network",
                             hint="draw every weight and bias from torch.Generator().manual_seed(seed)")
        h3, call3 = _build(impl, activation, seed + 1)
        other = _layers(impl, h3, call3)
        p1 = np.concatenate([np.concatenate([w.ravel(), b]) for w, b in first])
        p3 = np.concatenate([np.concatenate([w.ravel(), b]) for w, b in other])
        if np.max(np.abs(p3 - p1)) <= SEED_DIFF * max(float(np.max(np.abs(p1))), 1e-12):
            fail(call3, f"the same parameters as {call}", "different random weights for a different seed",
                 hint="seed the generator with the seed argument")


@checks.check("build_network")
def check_no_global_reseed(impl, *, rng):
    """build_network does not reseed torch's global generator (torch.manual_seed)."""
    activation, seed = ACTIVATIONS[int(rng.integers(3))], int(rng.integers(1, 10_000))
    draws = []
    for _ in range(2):
        _build(impl, activation, seed)
        draws.append(expect_array(impl.op("torch_global_rand", 4), "torch.rand(4)", shape=(4,)))
    if np.max(np.abs(draws[1] - draws[0])) <= 0.0:
        call = call_repr("build_network", (activation, seed))
        fail_text(f"After each call {call}, torch.rand(4) gave the same numbers {short(draws[0])}: "
                  "build_network reseeds torch's global generator, which changes the random numbers "
                  "of all other code.",
                  hint="use a local gen = torch.Generator().manual_seed(seed) and pass generator=gen")


# --- response_curve -------------------------------------------------------------
@checks.check("response_curve")
def check_response_curve_matches_forward(impl, *, rng):
    """response_curve(net, x_rest, x1) is output 0 of net at the inputs (x1[i], *x_rest), returned as an ndarray."""

    @hypo.given(st.sampled_from(ACTIVATIONS), strategies.seeds(), strategies.vectors(4, lo=-3.0, hi=3.0),
                strategies.vectors(st.integers(1, 30), lo=X_LO, hi=X_HI), max_examples=20)
    def prop(activation, seed, x_rest, x1):
        h, _ = _build(impl, activation, seed)
        y, call = _curve(impl, h, activation, seed, x_rest, x1)
        inputs = np.column_stack([x1, np.tile(x_rest, (x1.size, 1))])
        out = expect_array(impl.op("module_forward", h, inputs), f"build_network({activation!r}, {seed})(inputs)",
                           shape=(x1.size, 5))
        if not _agrees(y, out[:, 0], float(np.max(np.abs(out)))):
            hint = "stack the inputs as rows (x1[i], x_rest[0], ..., x_rest[3]) and return output column 0"
            swapped = np.column_stack([x_rest[0] + 0 * x1, x1, np.tile(x_rest[1:], (x1.size, 1))])
            out2 = impl.op("module_forward", h, swapped)
            if _agrees(y, out2[:, 0], float(np.max(np.abs(out2)))):
                hint = "x1 is the first input column; you varied x2"
            elif any(_agrees(y, out[:, k], float(np.max(np.abs(out)))) for k in range(1, 5)):
                hint = "y1 is the first output column, outputs[:, 0]"
            assert_close(y, out[:, 0], call, rtol=0.0, atol=FORWARD_TOL * max(1.0, float(np.max(np.abs(out)))),
                         hint=hint)

    prop()

    # float32 x1 and a list for x_rest are accepted and give the same curve.
    seed = int(rng.integers(10_000))
    h, _ = _build(impl, "tanh", seed)
    x1 = np.linspace(X_LO, X_HI, 9)
    x_rest = [float(v) for v in rng.standard_normal(4)]
    y64, _ = _curve(impl, h, "tanh", seed, np.array(x_rest), x1)
    y32, call = _curve(impl, h, "tanh", seed, x_rest, x1.astype(np.float32))
    assert_close(y32, y64, call, rtol=0.0, atol=FORWARD_TOL * max(1.0, float(np.max(np.abs(y64)))),
                 rule="float32 x1 and a list x_rest must give the same curve", hint="np.asarray(x1, dtype=float)")


@checks.check("build_network")
def check_linear_response_straight(impl, *, rng):
    """With the linear activation, y1(x1) is a straight line."""
    x1 = np.linspace(X_LO, X_HI, 201)
    for seed in _seeds(rng):
        h, _ = _build(impl, "linear", seed)
        x_rest = rng.standard_normal(4)
        y, call = _curve(impl, h, "linear", seed, x_rest, x1)
        design = np.column_stack([x1, np.ones_like(x1)])
        fit = design @ np.linalg.lstsq(design, y, rcond=None)[0]
        assert_close(y, fit, call, rtol=0.0, atol=CURVE_TOL * (1.0 + float(np.max(np.abs(y)))),
                     expected_text="a straight line (the best-fitting line is shown)",
                     rule="a network with linear activations is an affine map",
                     hint="'linear' means the identity activation (nn.Identity or none)")


@checks.check("build_network")
def check_relu_response_piecewise_linear(impl, *, rng):
    """With ReLU, y1(x1) is piecewise linear with at most 36 straight pieces (<= 5 + 5*6 kinks)."""
    x1 = np.linspace(X_LO, X_HI, 1001)
    for seed in _seeds(rng):
        h, _ = _build(impl, "relu", seed)
        x_rest = rng.standard_normal(4)
        y, call = _curve(impl, h, "relu", seed, x_rest, x1)
        pieces = _line_pieces(x1, y, CURVE_TOL * (1.0 + float(np.max(np.abs(y)))))
        if pieces > MAX_RELU_PIECES:
            fail(call, f"a curve that needs {pieces} straight pieces on [-10, 10]",
                 f"piecewise linear with at most {MAX_RELU_PIECES} pieces (5 first-layer kinks + "
                 "at most 6 kinks of each of the 5 second-layer ReLUs)",
                 hint="use nn.ReLU after both hidden layers")


@checks.check("build_network")
def check_tanh_response_bounded(impl, *, rng):
    """With tanh, every output is bounded: |y_r| <= sum|W_out[r]| + |b_out[r]| for every x (hidden values lie in [-1, 1])."""
    x1 = np.linspace(-100.0, 100.0, 401)
    for seed in _seeds(rng):
        h, bcall = _build(impl, "tanh", seed)
        # The output layer is one of the three, y1 one of its rows: the largest row bound of the
        # three layers bounds y1 whatever the order (choosing the right output column is the
        # business of response_curve_matches_forward).
        bound = max(float(np.max(np.sum(np.abs(w), axis=1) + np.abs(b))) for w, b in _layers(impl, h, bcall))
        x_rest = rng.standard_normal(4)
        y, call = _curve(impl, h, "tanh", seed, x_rest, x1)
        worst = int(np.argmax(np.abs(y)))
        if abs(y[worst]) > bound * (1.0 + BOUND_TOL) + BOUND_TOL:
            fail(call, f"{short(y)} with y1 = {y[worst]:.6g} at x1 = {x1[worst]:g}",
                 f"|y1| <= {bound:.6g} (the largest sum of |weights| + |bias| of a neuron of the module)",
                 hint="use nn.Tanh after both hidden layers and no activation after the output")


# --- plot_responses ------------------------------------------------------------
@checks.check("plot_responses")
def check_figure_layout(impl, *, rng):
    """plot_responses returns one Figure with a 3 x 3 grid of panels, labelled x1 and y1."""
    panels, call = _figure(impl, int(rng.integers(10_000)))
    for (row, col), ax in sorted(panels.items()):
        if _norm_label(ax["xlabel"]) != "x1" or _norm_label(ax["ylabel"]) != "y1":
            fail(call, f"a figure whose {_where(row, col)} has xlabel {ax['xlabel']!r} and ylabel {ax['ylabel']!r}",
                 "xlabel 'x1' and ylabel 'y1' on every panel",
                 hint="axs[i, j].set_xlabel('x1'); axs[i, j].set_ylabel('y1')")


@checks.check("plot_responses")
def check_figure_titles(impl, *, rng):
    """Row i's titles name activation ACTIVATIONS[i]; the three titles of a row differ (they name the weight set)."""
    panels, call = _figure(impl, int(rng.integers(10_000)))
    for row, activation in enumerate(ACTIVATIONS):
        titles = [panels[row, col]["title"] for col in range(3)]
        for col, title in enumerate(titles):
            others = [a for a in ACTIVATIONS if a != activation and _names(title, a)]
            if not _names(title, activation) or others:
                fail(call, f"a figure whose {_where(row, col)} has title {title!r}",
                     f"a title naming the activation {activation!r} (rows: tanh, relu, linear)",
                     hint="axs[i, j].set_title(f'{activation}, weights {j + 1}')")
        if len(set(titles)) != 3:
            fail(call, f"a figure whose row {row} has titles {titles}",
                 "three different titles that also name the weight set",
                 hint="e.g. 'tanh, weights 1', 'tanh, weights 2', 'tanh, weights 3'")


@checks.check("plot_responses")
def check_figure_data(impl, *, rng):
    """Panel (i, j) plots response_curve(build_network(ACTIVATIONS[i], seed + j), x_rest_j, x1) over x1 in [-10, 10]."""
    seed = int(rng.integers(1, 10_000))
    panels, call = _figure(impl, seed)
    for (row, col), ax in sorted(panels.items()):
        where = _where(row, col)
        x, y = _panel_curve(ax, call, where)
        activation = ACTIVATIONS[row]
        h, _ = _build(impl, activation, seed + col)
        x_rest = np.random.default_rng(seed + col).standard_normal(4)
        expected, ecall = _curve(impl, h, activation, seed + col, x_rest, x)
        assert_close(y, expected, f"{call}, {where}", rtol=0.0,
                     atol=FORWARD_TOL * (1.0 + float(np.max(np.abs(expected)))),
                     expected_text=f"{short(expected)} from {ecall} with x_rest = "
                                   f"np.random.default_rng({seed + col}).standard_normal(4)",
                     hint=f"column j uses build_network(activation, seed + j) and "
                          f"np.random.default_rng(seed + j).standard_normal(4); rows are {', '.join(ACTIVATIONS)}")


@checks.check("plot_responses", public=False)
def check_figure_matches_reference(impl, *, rng):
    """Instructor-only: every panel equals the reference's response curve of a network with the student's weights."""
    import torch

    from solutions.session1 import random_nets as ref

    seed = int(rng.integers(1, 10_000))
    probe = rng.standard_normal((16, 5)) * 4.0
    panels, call = _figure(impl, seed)
    for (row, col), ax in sorted(panels.items()):
        where = _where(row, col)
        x, y = _panel_curve(ax, call, where)
        activation = ACTIVATIONS[row]
        h, bcall = _build(impl, activation, seed + col)
        layers = _forward_order(impl, h, bcall, activation, probe, strict=False)
        net = ref.build_network(activation, 0)
        with torch.no_grad():
            for linear, (w, b) in zip([m for m in net.modules() if isinstance(m, torch.nn.Linear)], layers):
                linear.weight.copy_(torch.as_tensor(w))
                linear.bias.copy_(torch.as_tensor(b))
        x_rest = np.random.default_rng(seed + col).standard_normal(4)
        expected = ref.response_curve(net, x_rest, x)
        _, scale = _forward(layers, activation, np.column_stack([x, np.tile(x_rest, (x.size, 1))]))
        assert_close(y, expected, f"{call}, {where}", rtol=0.0, atol=FORWARD_TOL * max(1.0, scale),
                     expected_text=f"{short(expected)}, y1(x1) of the network {bcall}",
                     hint="each panel shows the first output y1 against the first input x1, "
                          "x2..x5 fixed to np.random.default_rng(seed + j).standard_normal(4)")
