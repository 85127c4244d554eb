"""Checks of ``relu_dictionary`` (Zeger, Wang, Pilanci 2024, "A Library of Mirrors").

The features are checked against scalar definitions written here with ``max``/``min``/``abs``
on Python floats, entry by entry, at evaluation points that resolve every breakpoint (one in
each gap between data points, points beyond the data on both sides by more than the data's
span, so that reflections are resolved too).  The dictionaries are compared with the
libraries as *multisets of columns*: any column order is accepted (the reference's is stated
in its docstrings), each feature must occur exactly as often as in the library.  Column
counts are checked against the closed forms ``2N + (L-2) N (N-1)`` (ReLU) and
``N + (L-2) N (N-1)`` (absolute value).

The LASSO is checked through its optimality (KKT) conditions, with tolerances derived from
scikit-learn's stopping rule (see :func:`_kkt_bounds`).  ``network`` is checked against the
submission's own dictionaries (so its column order is the submission's), ``breakpoints``
through the submission's ``network``: between consecutive breakpoints the network is affine,
at each breakpoint its slope changes, and every breakpoint is a data point (ReLU) or a data
point or a reflection ``2 s_i - s_j`` (absolute value, L = 3).  The figures are checked
through matplotlib's object model.  The instructor-only check compares fitted values with
the reference's LASSO on hidden data.
"""

from __future__ import annotations

import math
import re

import numpy as np
from hypothesis import strategies as st

from nndl import hypo, strategies
from nndl.checks import CheckSet
from nndl.messages import call_repr, describe_type, fail, fail_text, short
from nndl.numerics import assert_close, expect_array
from nndl.plain import Handle

checks = CheckSet("research", "relu_dictionary")

FAMILIES = ("relu", "abs")
FIGURE = "matplotlib.figure.Figure"

# --- tolerances ----------------------------------------------------------------------------
#: Features vs. their scalar definition: both are one or two float64 operations on values
#: of size <= ~40 (x - a, differences of two relus, clipping), so they agree to a few ulps of
#: the largest value (~1e-14); 1e-9 relative to 1 + max|value| leaves room for any exact
#: formula (relu(x - a1) - relu(x - a2) vs min(max(x - a1, 0), a2 - a1)), while a wrong
#: feature is off by >= the smallest data gap (0.1 by construction).
FEATURE_RTOL = 1e-9
#: Identities of the capped ramps (sum a2 - a1, mirror symmetry): exact in real arithmetic;
#: in float64 a difference like (x - a1) - (x - a2) rounds by ~2 eps (|x| + |a1| + |a2|).
#: 1e-12 relative to 1 + |x| + |a1| + |a2| is 2e3 times that and far below any mistake.
IDENTITY_RTOL = 1e-12
#: network(x) vs. the submission's own A(x) @ z: the same sum up to summation order; M <= 42
#: terms of size <= ~50 |z_j| round to ~1e-13 relative to sum |z_j| |A_j(x)|.
NETWORK_RTOL = 1e-9
#: A breakpoint is "at" an allowed point (data point or reflection 2 s_i - s_j) if it is within
#: 1e-9 (1 + max |allowed|): the reflection may be computed as 2c - s_j or c + |s_j - c| (ulps
#: apart); a wrong breakpoint is off by >= ~1e-3 in the instances below.
ALLOWED_RTOL = 1e-9
#: Affine pieces: three points inside a piece and the piece's ends must be collinear up to
#: rounding of the evaluations (~1e-15 (1 + max|f|)) amplified by the extrapolation (<= 1.5
#: times the points' spacing); 1e-9 (1 + max|f|) is far below a missed slope change (>= 1e-2
#: times a distance >= 1e-2 in the instances below).
AFFINE_RTOL = 1e-9
#: A returned breakpoint must change the slope by at least 1e-6 (1 + sum |z|): a real kink of
#: the sparse random networks below changes it by >= 1e-2; spurious ones by rounding (< 1e-10).
KINK_RTOL = 1e-6
#: KKT conditions: rounding of A^T r on top of the bounds derived from the solver's tol
#: (A^T r is a sum of <= 156 products of size <= ~100: ~1e-13 relative).
KKT_ROUND_RTOL = 1e-9
#: The tol the KKT checks pass to fit_lasso: scikit-learn stops once its duality gap for
#: 1/2 ||y - A z||^2 + N lam ||z||_1 is <= KKT_TOL ||y||^2 (see _kkt_bounds).
KKT_TOL = 1e-10
#: Lines in figures vs. the values they stand for: drawn data are the computed arrays (exact),
#: or recomputed by the same formula (network on the line's x, medians): 1e-9 relative.
PLOT_RTOL = 1e-9
#: A curve of the fitted network has at least this many points (the contract).
CURVE_POINTS = 50
#: Hypothesis examples per property (on top of the explicit ones): each example of a dictionary
#: property compares up to 42 columns at ~55 points with scalar definitions; 12 random data sets
#: (1 to 6 points, gaps 0.1 to 3) plus the explicit ones cover orders, sizes and spacings.
EXAMPLES = 12
#: Growth exponents in legend labels are printed with two decimals: rounding is <= 0.005.
EXPONENT_ATOL = 0.0051

LIBRARY_HINT = {
    "relu": "the L = 2 library is relu(x - s_j) and relu(s_j - x) for every data point s_j; L = 3 adds "
            "Ramp+_{s_i,s_j}(x) = relu(x - s_i) - relu(x - s_j) and Ramp-_{s_i,s_j}(x) = relu(s_j - x) - "
            "relu(s_i - x) for every pair s_i < s_j of data points",
    "abs": "the L = 2 library is |x - s_j| for every data point s_j; L = 3 adds the reflection features "
           "||x - s_i| - |s_j - s_i|| for every ordered pair i != j",
}


# --- data ----------------------------------------------------------------------------------
@st.composite
def data_points(draw, min_n: int = 1, max_n: int = 6) -> np.ndarray:
    """Distinct data points with gaps >= 0.1, in a random order."""
    n = draw(st.integers(min_n, max_n))
    start = draw(strategies.floats(-5.0, 5.0))
    gaps = draw(st.lists(strategies.floats(0.1, 3.0), min_size=n - 1, max_size=n - 1))
    points = start + np.concatenate([[0.0], np.cumsum(gaps)])
    order = draw(st.permutations(range(n)))
    return points[list(order)]


def _random_data(rng: np.random.Generator, n: int, *, gap: float = 0.3) -> np.ndarray:
    """n distinct points in a random order, consecutive gaps in [gap, gap + 1.5]."""
    points = rng.uniform(-3.0, 0.0) + np.concatenate([[0.0], np.cumsum(rng.uniform(gap, gap + 1.5, n - 1))])
    return points[rng.permutation(n)]


def _probe_points(x_data: np.ndarray) -> np.ndarray:
    """Evaluation points resolving every breakpoint of every feature (also reflections), unsorted."""
    s = np.sort(np.asarray(x_data, dtype=np.float64))
    span = s[-1] - s[0]
    grid = np.linspace(s[0] - span - 1.3, s[-1] + span + 1.7, 41)
    mids = (s[1:] + s[:-1]) / 2
    pts = np.unique(np.concatenate([grid, mids, s]))
    return pts[np.random.default_rng(pts.size).permutation(pts.size)]


# --- the libraries, scalar definitions -------------------------------------------------------
def _relu(v: float) -> float:
    return v if v > 0.0 else 0.0


def _library(family: str, L: int, x_data: np.ndarray) -> list[tuple[str, object]]:
    """(description, scalar function) for every feature of the library, from the definitions."""
    s = sorted(float(v) for v in x_data)
    feats: list[tuple[str, object]] = []
    if family == "relu":
        feats += [(f"the ramp relu(x - {a:.6g})", lambda t, a=a: _relu(t - a)) for a in s]
        feats += [(f"the ramp relu({a:.6g} - x)", lambda t, a=a: _relu(a - t)) for a in s]
        if L == 3:
            pairs = [(s[i], s[j]) for i in range(len(s)) for j in range(i + 1, len(s))]
            feats += [(f"the capped ramp Ramp+ between the data points {a1:.6g} and {a2:.6g}, "
                       f"min(max(x - {a1:.6g}, 0), {a2 - a1:.6g})",
                       lambda t, a1=a1, a2=a2: min(_relu(t - a1), a2 - a1)) for a1, a2 in pairs]
            feats += [(f"the capped ramp Ramp- between the data points {a1:.6g} and {a2:.6g}, "
                       f"min(max({a2:.6g} - x, 0), {a2 - a1:.6g})",
                       lambda t, a1=a1, a2=a2: min(_relu(a2 - t), a2 - a1)) for a1, a2 in pairs]
    else:
        feats += [(f"|x - {a:.6g}|", lambda t, a=a: abs(t - a)) for a in s]
        if L == 3:
            feats += [(f"the reflection feature ||x - {c:.6g}| - {abs(b - c):.6g}| (mirror {c:.6g}, breakpoints "
                       f"{b:.6g} and {2 * c - b:.6g})", lambda t, c=c, b=b: abs(abs(t - c) - abs(b - c)))
                      for i, c in enumerate(s) for j, b in enumerate(s) if i != j]
    return feats


def _evaluate(feats: list[tuple[str, object]], t: np.ndarray) -> np.ndarray:
    return np.array([[f(float(ti)) for _, f in feats] for ti in t], dtype=np.float64).reshape(len(t), len(feats))


def _size(family: str, N: int, L: int) -> int:
    return (2 * N if family == "relu" else N) + (L - 2) * N * (N - 1)


def _grader_dictionary(family: str, L: int, x_data: np.ndarray, t: np.ndarray | None = None) -> np.ndarray:
    """The library evaluated at t (default: the data), vectorised (for the LASSO checks)."""
    x_data = np.asarray(x_data, dtype=np.float64)
    t = x_data if t is None else np.asarray(t, dtype=np.float64)
    s = np.sort(x_data)
    d = t[:, None] - s[None, :]
    if family == "relu":
        cols = [np.maximum(d, 0.0), np.maximum(-d, 0.0)]
        if L == 3:
            i, j = np.triu_indices(s.size, 1)
            cols += [np.clip(t[:, None] - s[i], 0.0, s[j] - s[i]), np.clip(s[j] - t[:, None], 0.0, s[j] - s[i])]
    else:
        cols = [np.abs(d)]
        if L == 3:
            i, j = np.nonzero(~np.eye(s.size, dtype=bool))
            cols.append(np.abs(np.abs(t[:, None] - s[i]) - np.abs(s[j] - s[i])))
    return np.concatenate(cols, axis=1)


def _allowed_breakpoints(family: str, L: int, x_data: np.ndarray) -> np.ndarray:
    s = np.sort(np.asarray(x_data, dtype=np.float64))
    if family == "abs" and L == 3:
        return np.unique(np.concatenate([s, (2.0 * s[:, None] - s[None, :]).ravel()]))
    return s


# --- calling the submission ---------------------------------------------------------------------
def _dictionary_call(impl, family: str, x_data: np.ndarray, L: int, x: np.ndarray | None = None,
                     *, rows: int | None = None) -> tuple[str, np.ndarray]:
    name = f"{family}_dictionary"
    kwargs = {} if x is None else {"x": x}
    call = call_repr(name, (x_data, L), kwargs)
    A = expect_array(impl.call(name, x_data, L, **kwargs), call, what="a float ndarray of shape (n, M)")
    n = len(x_data) if x is None else len(x)
    if A.ndim != 2 or A.shape[0] != n:
        fail(call, f"an array of shape {A.shape}", f"one row per evaluation point: shape ({n}, M)",
             hint="row i belongs to x[i] (x defaults to x_data, in its order), column j to one feature")
    return call, A


def _match_columns(call: str, got: np.ndarray, feats: list[tuple[str, object]], t: np.ndarray,
                   family: str, L: int) -> None:
    """The columns of ``got`` are the library's features as a multiset (any column order)."""
    expected = _evaluate(feats, t)
    M = expected.shape[1]
    if got.shape[1] != M:
        fail(call, f"{got.shape[1]} columns", f"{M} columns, one per feature of the L = {L} library",
             hint=LIBRARY_HINT[family])
    atol = FEATURE_RTOL * (1.0 + max(np.abs(expected).max(initial=0.0), np.abs(got).max(initial=0.0)))
    dist = np.abs(expected[:, :, None] - got[:, None, :]).max(axis=0, initial=0.0)  # (expected, got)
    close = dist <= atol
    for a in range(M):
        if not close[a].any():
            b = int(np.argmin(dist[a]))
            i = int(np.argmax(np.abs(expected[:, a] - got[:, b])))
            hint = LIBRARY_HINT[family]
            if "capped" in feats[a][0]:
                hint = ("a capped ramp is clipped at both data points: relu(x - a1) - relu(x - a2); "
                        "relu(relu(x - a1) - a2) is a ramp shifted to a1 + a2 (the seed's columns)")
            elif "reflection" in feats[a][0]:
                hint = ("the distance subtracted is |s_j - s_i| between two data points, not a data value; "
                        "the feature bends at s_i, s_j and the mirror image 2 s_i - s_j")
            fail(call, f"no column equal to {feats[a][0]} (the closest, column {b}, differs by "
                 f"{dist[a, b]:.3g} at x = {t[i]:.6g}: {got[i, b]:.10g} instead of {expected[i, a]:.10g})",
                 f"every feature of the L = {L} library as a column", hint=hint)
    for b in range(got.shape[1]):
        if not close[:, b].any():
            fail(call, f"a column {b} = {short(got[:, b])} that is none of the library's features",
                 f"exactly the features of the L = {L} library", hint=LIBRARY_HINT[family])
    done: set[int] = set()
    for a in range(M):
        if a in done:
            continue
        twins = np.flatnonzero(np.abs(expected - expected[:, [a]]).max(axis=0) <= atol)
        done |= {int(k) for k in twins}
        count = int(close[a].sum())
        if count != len(twins):
            fail(call, f"{count} columns equal to {feats[a][0]}",
                 f"{len(twins)} (each feature of the library once)", hint=LIBRARY_HINT[family])


def _figure(impl, name: str, *args) -> tuple[str, Handle, dict]:
    call = call_repr(name, args)
    fig = impl.call(name, *args)
    if type(fig) is not Handle or fig.type != FIGURE:
        hint = "end the function with `return fig` (plt.show() returns nothing)" if fig is None else None
        if type(fig) is Handle and "Axes" in fig.type:
            hint = "return the Figure (fig, or ax.figure), not the Axes"
        if type(fig) is tuple:
            hint = "return only the figure, not (fig, axes)"
        fail(call, describe_type(fig), "a matplotlib Figure", hint=hint)
    return call, fig, impl.op("describe_figure", fig)


# --- ramps and capped ramps ----------------------------------------------------------------------
@checks.check("ramps")
def check_ramps_definition(impl, *, rng):
    """ramps(x_data, x) has the 2N columns relu(x - s_j), relu(s_j - x) (any order), rows following x;
    x defaults to x_data in its order; float64 also for integer data."""

    def one(x_data):
        t = _probe_points(x_data)
        call = call_repr("ramps", (x_data,), {"x": t})
        got = expect_array(impl.ramps(x_data, x=t), call, what="a float ndarray of shape (n, 2N)")
        if got.shape[0] != t.size:
            fail(call, f"an array of shape {got.shape}", f"shape ({t.size}, {2 * len(x_data)}): row i for x[i]")
        _match_columns(call, got, _library("relu", 2, x_data), t, "relu", 2)
        default = call_repr("ramps", (x_data,))
        explicit = impl.ramps(x_data, x=x_data)
        assert_close(expect_array(impl.ramps(x_data), default), explicit, default, rtol=FEATURE_RTOL,
                     atol=FEATURE_RTOL * (1 + np.abs(explicit).max()),
                     rule="ramps(x_data) must equal ramps(x_data, x=x_data)",
                     hint="x=None evaluates at the data points, rows in the order of x_data (not sorted)")

    @hypo.given(data_points(), examples=[(np.array([3, 0, 8, 2]),), (np.array([1.5]),)], max_examples=EXAMPLES)
    def prop(x_data):
        one(x_data)

    prop()


def _ramp_call(impl, name: str, x, a1, a2) -> tuple[str, np.ndarray]:
    call = call_repr(name, (x, a1, a2))
    return call, expect_array(impl.call(name, x, a1, a2), call, what="a float ndarray")


def _capped(name: str, t: float, a1: float, a2: float) -> float:
    return min(_relu(t - a1), a2 - a1) if name == "ramp_plus" else min(_relu(a2 - t), a2 - a1)


@st.composite
def _ramp_args(draw):
    x = draw(strategies.arrays(lo=-20.0, hi=20.0, max_dims=1, max_side=12))
    a = sorted(draw(st.lists(strategies.floats(-15.0, 15.0), min_size=2, max_size=2)))
    return x, a[0], a[1]


def _ramp_definition(impl, name: str) -> None:
    formula = ("0 for x <= a1, x - a1 in between, a2 - a1 for x >= a2" if name == "ramp_plus"
               else "a2 - a1 for x <= a1, a2 - x in between, 0 for x >= a2")

    @hypo.given(_ramp_args(), examples=[((np.array([0.0, 1.0, 2.0, 3.5, 5.0, 6.0]), 2.0, 5.0),),
                                        ((np.array([-1.0, 0.0, 1.0]), 0.0, 0.0),)], max_examples=EXAMPLES)
    def prop(args):
        x, a1, a2 = args
        call, got = _ramp_call(impl, name, x, a1, a2)
        expected = np.array([_capped(name, float(t), a1, a2) for t in x])
        if got.shape != x.shape:
            fail(call, f"an array of shape {got.shape}", f"the shape of x, {x.shape}")
        assert_close(got, expected, call, rtol=FEATURE_RTOL, atol=FEATURE_RTOL * (1 + np.abs(x).max() + abs(a1)
                     + abs(a2)), hint=f"{name}(x, a1, a2) is {formula}")

    prop()


@checks.check("ramp_plus")
def check_ramp_plus_definition(impl, *, rng):
    """ramp_plus(x, a1, a2) = 0 left of a1, x - a1 between, a2 - a1 right of a2 (scalar a1 <= a2)."""
    _ramp_definition(impl, "ramp_plus")


@checks.check("ramp_minus")
def check_ramp_minus_definition(impl, *, rng):
    """ramp_minus(x, a1, a2) = a2 - a1 left of a1, a2 - x between, 0 right of a2 (scalar a1 <= a2)."""
    _ramp_definition(impl, "ramp_minus")


@checks.check("ramp_minus")
def check_capped_ramps_identities(impl, *, rng):
    """Ramp+ + Ramp- = a2 - a1 everywhere, and Ramp-_{a1,a2}(x) = Ramp+_{-a2,-a1}(-x) (mirror image)."""

    @hypo.given(_ramp_args(), max_examples=EXAMPLES)
    def prop(args):
        x, a1, a2 = args
        call_p, plus = _ramp_call(impl, "ramp_plus", x, a1, a2)
        call_m, minus = _ramp_call(impl, "ramp_minus", x, a1, a2)
        atol = IDENTITY_RTOL * (1 + np.abs(x).max() + abs(a1) + abs(a2))
        assert_close(plus + minus, np.full(x.shape, a2 - a1), f"{call_p} + {call_m}", rtol=0.0, atol=atol,
                     rule="Ramp+ + Ramp- must be the constant a2 - a1",
                     hint="Ramp- is a2 - a1 minus Ramp+: it falls where Ramp+ rises")
        call_r, mirrored = _ramp_call(impl, "ramp_plus", -x, -a2, -a1)
        assert_close(minus, mirrored, f"{call_m} vs {call_r}", rtol=0.0, atol=atol,
                     rule="Ramp-_{a1,a2}(x) must equal Ramp+_{-a2,-a1}(-x)",
                     hint="the falling ramp is the mirror image of the rising one")

    prop()


@checks.check("ramp_plus")
def check_capped_ramps_broadcast(impl, *, rng):
    """x[:, None] against rows of breakpoints a1, a2 evaluates many capped ramps at once (broadcasting)."""
    x = np.sort(rng.uniform(-4.0, 4.0, 9))
    a1 = np.sort(rng.uniform(-3.0, 1.0, 5))
    a2 = a1 + rng.uniform(0.2, 2.0, 5)
    for name in ("ramp_plus", "ramp_minus"):
        call, got = _ramp_call(impl, name, x[:, None], a1[None, :], a2[None, :])
        expected = np.array([[_capped(name, float(t), float(p), float(q)) for p, q in zip(a1, a2)] for t in x])
        if got.shape != expected.shape:
            fail(call, f"an array of shape {got.shape}", f"the broadcast shape {expected.shape}",
                 hint="compute with numpy operations on the arrays (np.clip, np.maximum), not np.piecewise "
                      "with scalar breakpoints")
        assert_close(got, expected, call, rtol=FEATURE_RTOL, atol=FEATURE_RTOL * 10,
                     hint="x, a1 and a2 broadcast together")


@checks.check("ramp_minus")
def check_capped_ramps_float_for_int_input(impl, *, rng):
    """Integer x (and integer or fractional breakpoints) give float64 results with exact values."""
    x = np.arange(-2, 10)
    for a1, a2 in ((2, 5), (2.5, 7.5)):
        for name in ("ramp_plus", "ramp_minus"):
            call = call_repr(name, (x, a1, a2))
            got = impl.call(name, x, a1, a2)
            if type(got) is not np.ndarray or got.dtype.kind != "f":
                fail(call, describe_type(got), "a float ndarray (for integer x too)",
                     hint="convert with np.asarray(x, dtype=float) first: np.piecewise returns the dtype of x "
                          "and truncates x - a1 to integers")
            expected = np.array([_capped(name, float(t), a1, a2) for t in x])
            assert_close(got, expected, call, rtol=0.0, atol=1e-12,
                         hint="integer input must give the same values as float input")


# --- closed forms and dictionaries ------------------------------------------------------------------
@checks.check("dictionary_size")
def check_dictionary_size_closed_form(impl, *, rng):
    """dictionary_size(N, L, family) is the int 2N + (L-2)N(N-1) (relu) or N + (L-2)N(N-1) (abs)."""
    for family in FAMILIES:
        for L in (2, 3):
            for N in (1, 2, 3, 4, 7, 10, 25, 200):
                call = call_repr("dictionary_size", (N, L, family))
                got = impl.dictionary_size(N, L, family)
                if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
                    fail(call, describe_type(got) + f" {short(got)}", "an int",
                         hint="return int(...): a column count is an integer")
                if int(got) != _size(family, N, L):
                    fail(call, str(int(got)), f"{_size(family, N, L)} columns",
                         hint=("2N ramps, plus N(N-1) capped ramps (a rising and a falling one per pair) for L = 3"
                               if family == "relu" else
                               "N features |x - s_j|, plus N(N-1) reflection features (ordered pairs) for L = 3"))


def _column_counts(impl, family: str, rng: np.random.Generator) -> None:
    for L in (2, 3):
        for N in (1, 2, 3, 5, 8):
            x_data = _random_data(rng, N)
            for x in (None, rng.uniform(-5.0, 5.0, 4)):
                call, A = _dictionary_call(impl, family, x_data, L, x)
                if A.shape[1] != _size(family, N, L):
                    formula = "2N + (L-2) N (N-1)" if family == "relu" else "N + (L-2) N (N-1)"
                    fail(call, f"an array with {A.shape[1]} columns", f"{formula} = {_size(family, N, L)} "
                         f"columns for N = {N}, L = {L}", hint=LIBRARY_HINT[family])


def _columns(impl, family: str) -> None:
    @hypo.given(data_points(), st.sampled_from((2, 3)),
                examples=[(np.array([3, 0, 8, 2]), 3), (np.array([0.0, 2.0, 3.0, 8.0]), 2), (np.array([-1.0]), 3)],
                max_examples=EXAMPLES)
    def prop(x_data, L):
        t = _probe_points(x_data)
        call, got = _dictionary_call(impl, family, x_data, L, t)
        _match_columns(call, got, _library(family, L, x_data), t, family, L)
        call_d, default = _dictionary_call(impl, family, x_data, L)
        _, explicit = _dictionary_call(impl, family, x_data, L, np.asarray(x_data, dtype=np.float64))
        assert_close(default, explicit, call_d, rtol=FEATURE_RTOL, atol=FEATURE_RTOL * (1 + np.abs(explicit).max()),
                     rule=f"{family}_dictionary(x_data, L) must equal {family}_dictionary(x_data, L, x=x_data)",
                     hint="x=None evaluates at the data points, rows in the order of x_data (not sorted)")

    prop()


@checks.check("relu_dictionary")
def check_relu_dictionary_column_counts(impl, *, rng):
    """relu_dictionary(x_data, L, x) has one row per point of x and 2N + (L-2)N(N-1) columns."""
    _column_counts(impl, "relu", rng)


@checks.check("relu_dictionary")
def check_relu_dictionary_columns(impl, *, rng):
    """The columns are the ramps (L = 2) and ramps plus capped ramps between data points (L = 3),
    each once, evaluated at x (checked against scalar definitions at points resolving every breakpoint)."""
    _columns(impl, "relu")


@checks.check("abs_dictionary")
def check_abs_dictionary_column_counts(impl, *, rng):
    """abs_dictionary(x_data, L, x) has one row per point of x and N + (L-2)N(N-1) columns."""
    _column_counts(impl, "abs", rng)


@checks.check("abs_dictionary")
def check_abs_dictionary_columns(impl, *, rng):
    """The columns are |x - s_j| (L = 2) and, for L = 3, also the reflection features
    ||x - s_i| - |s_j - s_i||, i != j, each once (checked against scalar definitions)."""
    _columns(impl, "abs")


# --- the LASSO ----------------------------------------------------------------------------------------
def _lasso_instances(rng: np.random.Generator) -> list[tuple[str, np.ndarray, np.ndarray, float]]:
    """(description, A, y, lam): the libraries on random data, smooth targets plus noise."""
    out = []
    for family, L, N, fractions in (("relu", 3, 10, (0.2, 0.05)), ("abs", 3, 7, (0.2, 0.05)), ("relu", 2, 12, (0.02,))):
        x = _random_data(rng, N)
        y = np.sin(1.3 * x) + 0.3 * x + 0.1 * rng.standard_normal(N)
        A = _grader_dictionary(family, L, x)
        lam_max = np.abs(A.T @ y).max() / N
        out += [(f"the {family} L = {L} dictionary of {N} points, lam = {f:g} lam_max", A, y, f * lam_max)
                for f in fractions]
    return out


def _fit(impl, A: np.ndarray, y: np.ndarray, lam: float, **kwargs) -> tuple[str, np.ndarray]:
    call = call_repr("fit_lasso", (A, y, lam), kwargs)
    z = expect_array(impl.fit_lasso(A, y, lam, **kwargs), call, shape=(A.shape[1],),
                     what=f"a float ndarray of shape ({A.shape[1]},): one coefficient per column")
    return call, z


def _kkt_bounds(A: np.ndarray, y: np.ndarray, z: np.ndarray, lam: float, tol: float):
    """KKT tolerances implied by scikit-learn's stopping rule.

    scikit-learn stops when the duality gap of ``P(z) = 1/2 ||r||^2 + b ||z||_1`` (``b = N lam``,
    ``r = y - A z``) at the dual point ``c r``, ``c = min(1, b / ||A^T r||_inf)``, is at most
    ``G = tol ||y||^2``.  That gap equals ``sum_j |z_j| (b - c sign(z_j) A_j^T r) + (1 - c)^2 ||r||^2 / 2``,
    a sum of non-negative terms, so each is <= G:

    * every column: ``(1 - c)^2 ||r||^2 <= 2G`` gives ``c >= 1 - sqrt(2G) / ||r||``, hence
      ``|A_j^T r| / N <= lam / c <= lam / (1 - sqrt(2G) / ||r||)``;
    * support (``z_j != 0``): ``c sign(z_j) A_j^T r / N >= lam - G / (N |z_j|)``.

    Returns ``(corr, upper, c, G)`` with ``corr = A^T r / N``.
    """
    n = y.size
    r = y - A @ z
    corr = A.T @ r / n
    G = tol * float(y @ y)
    rnorm = float(np.linalg.norm(r))
    slack = math.sqrt(2 * G) / rnorm if rnorm > 0 else math.inf
    upper = lam / (1 - slack) if slack < 1 else math.inf
    peak = np.abs(A.T @ r).max(initial=0.0)
    c = 1.0 if peak <= n * lam else n * lam / peak
    return corr, upper, c, G


LASSO_HINT = ("sklearn.linear_model.Lasso(alpha=lam, fit_intercept=False, tol=tol, max_iter=max_iter) minimises "
              "(1/(2N)) ||y - A z||^2 + alpha ||z||_1: use lam as alpha as it is, no intercept, and pass tol on")


@checks.check("fit_lasso")
def check_lasso_kkt_conditions(impl, *, rng):
    """With tol=1e-10: |A_j^T r| / N <= lam for every column and = lam sign(z_j) on the support
    (r = y - A z), up to the tolerances implied by scikit-learn's duality-gap stopping rule."""
    for what, A, y, lam in _lasso_instances(rng):
        call, z = _fit(impl, A, y, lam, tol=KKT_TOL)
        corr, upper, c, G = _kkt_bounds(A, y, z, lam, KKT_TOL)
        j = int(np.argmax(np.abs(corr)))
        if abs(corr[j]) > upper * (1 + KKT_ROUND_RTOL):
            fail(call, f"z with |A_j^T (y - A z)| / N = {abs(corr[j]):.10g} for column {j} (z_j = {z[j]:.6g})",
                 f"at most lam = {lam:.10g} for every column (up to {upper - lam:.2g}, implied by tol = {KKT_TOL:g}); "
                 f"data: {what}", hint=LASSO_HINT)
        for j in np.flatnonzero(z):
            lower = lam - G / (y.size * abs(z[j]))
            if c * np.sign(z[j]) * corr[j] < lower - KKT_ROUND_RTOL * lam:
                fail(call, f"z_{j} = {z[j]:.6g} != 0 with A_j^T (y - A z) / N = {corr[j]:.10g}",
                     f"lam sign(z_j) = {math.copysign(lam, z[j]):.10g} on the support (>= {lower:.10g} in size, "
                     f"implied by tol = {KKT_TOL:g}); data: {what}", hint=LASSO_HINT)


@checks.check("fit_lasso")
def check_lasso_zero_above_lambda_max(impl, *, rng):
    """z = 0 exactly for lam >= lam_max = ||A^T y||_inf / N, and z != 0 just below lam_max."""
    x = _random_data(rng, 9)
    y = np.cos(x) + 0.1 * rng.standard_normal(9)
    A = _grader_dictionary("relu", 3, x)
    lam_max = np.abs(A.T @ y).max() / y.size
    call, z = _fit(impl, A, y, 1.01 * lam_max)
    if np.any(z != 0):
        fail(call, f"z with {np.count_nonzero(z)} non-zero entries (largest |z_j| = {np.abs(z).max():.3g})",
             f"z = 0: lam = 1.01 lam_max, lam_max = ||A^T y||_inf / N = {lam_max:.6g}", hint=LASSO_HINT)
    call, z = _fit(impl, A, y, 0.9 * lam_max)
    if not np.any(z != 0):
        fail(call, "z = 0", f"non-zero coefficients for lam = 0.9 lam_max (lam_max = {lam_max:.6g}): "
             "at z = 0 the column most correlated with y violates |A_j^T r| / N <= lam", hint=LASSO_HINT)


@checks.check("fit_lasso", public=False)
def check_lasso_fitted_values_match_reference(impl, *, rng):
    """Instructor-only: A z equals the reference's fitted values on hidden data (the LASSO's fitted values
    are unique): ||A (z - z_ref)|| <= (sqrt(2 tol) + sqrt(2 tol_ref)) ||y||."""
    from solutions.research import relu_dictionary as ref

    tol, tol_ref = 1e-10, 1e-12
    for what, A, y, lam in _lasso_instances(rng):
        call, z = _fit(impl, A, y, lam, tol=tol)
        z_ref = ref.fit_lasso(A, y, lam, tol=tol_ref)
        bound = (math.sqrt(2 * tol) + math.sqrt(2 * tol_ref)) * float(np.linalg.norm(y)) * (1 + KKT_ROUND_RTOL)
        diff = float(np.linalg.norm(A @ (z - z_ref)))
        if diff > bound:
            fail(call, f"fitted values A z = {short(A @ z)}",
                 f"the reference's {short(A @ z_ref)} (||A (z - z_ref)|| = {diff:.3g} > {bound:.3g}); data: {what}",
                 hint=LASSO_HINT)


# --- the network as a function ---------------------------------------------------------------------
def _sparse_z(rng: np.random.Generator, M: int, k: int) -> np.ndarray:
    z = np.zeros(M)
    idx = rng.choice(M, size=min(k, M), replace=False)
    z[idx] = rng.choice([-1.0, 1.0], size=idx.size) * rng.uniform(0.3, 2.0, size=idx.size)
    return z


def _network(impl, x_data, z, x, family: str, L: int) -> tuple[str, np.ndarray]:
    call = call_repr("network", (x_data, z, x), {"family": family, "L": L})
    f = expect_array(impl.network(x_data, z, x, family=family, L=L), call, shape=(len(x),),
                     what=f"a float ndarray of shape ({len(x)},)")
    return call, f


@checks.check("network")
def check_network_matches_dictionary(impl, *, rng):
    """network(x_data, z, x, family, L) = (your) dictionary(x_data, L, x=x) @ z, shape (len(x),)."""
    for family in FAMILIES:
        for L in (2, 3):
            x_data = _random_data(rng, 5)
            _, A = _dictionary_call(impl, family, x_data, L)
            z = rng.standard_normal(A.shape[1])
            x = rng.uniform(-6.0, 6.0, 17)
            call, f = _network(impl, x_data, z, x, family, L)
            _, Ax = _dictionary_call(impl, family, x_data, L, x)
            expected = Ax @ z
            assert_close(f, expected, call, rtol=NETWORK_RTOL,
                         atol=NETWORK_RTOL * (1 + np.abs(Ax).max() * np.abs(z).sum()),
                         rule=f"network must be {family}_dictionary(x_data, {L}, x=x) @ z",
                         hint="evaluate the dictionary at the new points x (columns from x_data) and multiply by z")


def _breakpoints(impl, x_data, z, family: str, L: int) -> tuple[str, np.ndarray]:
    call = call_repr("breakpoints", (x_data, z), {"family": family, "L": L})
    b = expect_array(impl.breakpoints(x_data, z, family=family, L=L), call, what="a float 1-D ndarray")
    if b.ndim != 1:
        fail(call, f"an array of shape {b.shape}", "a 1-D array of breakpoints")
    if b.size > 1 and not np.all(np.diff(b) > 0):
        fail(call, short(b), "sorted, distinct breakpoints", hint="np.unique sorts and removes repetitions")
    return call, b


def _check_breakpoints(impl, family: str, L: int, x_data: np.ndarray, z: np.ndarray) -> None:
    call, b = _breakpoints(impl, x_data, z, family, L)
    allowed = _allowed_breakpoints(family, L, x_data)
    atol = ALLOWED_RTOL * (1 + np.abs(allowed).max())
    for v in b:
        if np.abs(allowed - v).min() > atol:
            where = "a data point" if family == "relu" or L == 2 else "a data point or a reflection 2 s_i - s_j"
            fail(call, f"the breakpoint {v:.10g}", f"breakpoints only at {where} ({short(allowed)})",
                 hint="a feature bends only at its own breakpoints: data points for ramps and capped ramps, data "
                      "points and mirror images for reflection features")
    # Points inside every piece (and beyond both ends); f must be affine on each piece.
    lo_all, hi_all = min(b.min(initial=np.inf), x_data.min()), max(b.max(initial=-np.inf), x_data.max())
    span = 1.0 + hi_all - lo_all
    ends = np.concatenate([[(b[0] if b.size else lo_all) - span], b, [(b[-1] if b.size else hi_all) + span]])
    pieces = list(zip(ends[:-1], ends[1:]))
    inner = np.array([[lo + q * (hi - lo) for q in (0.25, 0.5, 0.75)] for lo, hi in pieces])
    fcall, f = _network(impl, x_data, z, np.concatenate([inner.ravel(), b]), family, L)
    f_inner, f_b = f[:inner.size].reshape(inner.shape), f[inner.size:]
    scale = 1.0 + np.abs(f).max()
    slopes = (f_inner[:, 2] - f_inner[:, 0]) / (inner[:, 2] - inner[:, 0])
    for k, ((lo, hi), p, fp, m) in enumerate(zip(pieces, inner, f_inner, slopes)):
        checks_at = [(p[1], fp[1])] + [(e, f_b[k + d]) for d, e in ((-1, lo), (0, hi)) if 0 <= k + d < b.size]
        for q, fq in checks_at:
            if abs(fp[0] + m * (q - p[0]) - fq) > AFFINE_RTOL * scale:
                piece = (f"between the breakpoints {lo:.6g} and {hi:.6g}" if 0 < k < len(pieces) - 1 else
                         f"{'left' if k == 0 else 'right'} of the {'first' if k == 0 else 'last'} breakpoint")
                fail(call, short(b), f"every bend of {fcall} listed, but it is not affine {piece} "
                     f"(at x = {q:.6g} it is {fq:.10g}, the line through x = {p[0]:.6g}, {p[2]:.6g} gives "
                     f"{fp[0] + m * (q - p[0]):.10g})",
                     hint="collect the breakpoints of every feature with z_j != 0"
                          + (" (reflection features bend at 2 s_i - s_j too, also outside the data)"
                             if family == "abs" and L == 3 else ""))
    min_jump = KINK_RTOL * (1 + np.abs(z).sum())
    for k, v in enumerate(b):
        jump = slopes[k + 1] - slopes[k]
        if abs(jump) < min_jump:
            fail(call, f"the breakpoint {v:.10g}, where the slope of {fcall} changes by only {jump:.3g}",
                 "only points where the slope changes",
                 hint="add up the slope changes of all features at each point and drop those that cancel "
                      "(and data points whose features have z_j = 0)")


@checks.check("breakpoints")
def check_breakpoints_at_data_points(impl, *, rng):
    """ReLU networks (L = 2, 3, sparse z): breakpoints are data points, the network is affine between
    consecutive ones and beyond, and its slope changes at each."""
    for L in (2, 3):
        for n_nonzero in (1, 3, 6):
            x_data = _random_data(rng, 6)
            _, A = _dictionary_call(impl, "relu", x_data, L)
            _check_breakpoints(impl, "relu", L, x_data, _sparse_z(rng, A.shape[1], n_nonzero))
    x_data = _random_data(rng, 4)
    _, A = _dictionary_call(impl, "relu", x_data, 3)
    _check_breakpoints(impl, "relu", 3, x_data, np.zeros(A.shape[1]))
    # Cancellation: c (relu(x - s_k) - relu(s_k - x)) = c (x - s_k) does not bend at s_k.
    for L in (2, 3):
        x_data = _random_data(rng, 5)
        s, t = np.sort(x_data), _probe_points(x_data)
        _, At = _dictionary_call(impl, "relu", x_data, L, t)
        cols = [_column_of(At, np.maximum(sign * (t - a), 0.0)) for sign, a in ((1, s[2]), (-1, s[2]), (1, s[0]))]
        if None not in cols:  # (a dictionary without these columns fails the dictionary checks)
            z = np.zeros(At.shape[1])
            z[cols] = [1.3, -1.3, 0.7]
            _check_breakpoints(impl, "relu", L, x_data, z)


def _column_of(A: np.ndarray, column: np.ndarray) -> int | None:
    """Index of a column of A equal to ``column`` (up to FEATURE_RTOL), or None."""
    atol = FEATURE_RTOL * (1 + np.abs(column).max())
    hits = np.flatnonzero(np.abs(A - column[:, None]).max(axis=0, initial=0.0) <= atol)
    return int(hits[0]) if hits.size else None


@checks.check("breakpoints")
def check_breakpoints_at_reflections(impl, *, rng):
    """Absolute-value networks: breakpoints at data points (L = 2) or data points and reflections
    2 s_i - s_j (L = 3), affine in between, each a real change of slope."""
    for L in (2, 3):
        for n_nonzero in (1, 3, 6):
            x_data = _random_data(rng, 5)
            _, A = _dictionary_call(impl, "abs", x_data, L)
            _check_breakpoints(impl, "abs", L, x_data, _sparse_z(rng, A.shape[1], n_nonzero))


# --- figures --------------------------------------------------------------------------------------------
def _fits_case(impl, rng: np.random.Generator):
    x_data = _random_data(rng, 5, gap=0.5)
    y = rng.uniform(-3.0, 3.0, 5)
    fits = []
    for family, L, k in (("relu", 3, 4), ("abs", 3, 3)):
        _, A = _dictionary_call(impl, family, x_data, L)
        fits.append({"family": family, "L": L, "z": _sparse_z(rng, A.shape[1], k)})
    call, fig, desc = _figure(impl, "plot_fits", x_data, y, fits)
    if len(desc["axes"]) < len(fits):
        fail(call, f"a figure with {len(desc['axes'])} axes", f"one axes per fit ({len(fits)})",
             hint="fig, axes = plt.subplots(...); draw fit k on axes k (fig.axes[k])")
    return call, x_data, y, fits, desc


def _same_points(line: dict, x: np.ndarray, y: np.ndarray) -> bool:
    if line["x"].shape != x.shape or line["y"].shape != y.shape:
        return False
    a, b = np.argsort(line["x"], kind="stable"), np.argsort(x, kind="stable")
    return bool(np.allclose(line["x"][a], x[b], rtol=PLOT_RTOL, atol=PLOT_RTOL)
                and np.allclose(line["y"][a], y[b], rtol=PLOT_RTOL, atol=PLOT_RTOL))


def _on_network(impl, line: dict, x_data, fit: dict) -> bool:
    if line["x"].size == 0 or line["x"].shape != line["y"].shape or not np.all(np.isfinite(line["x"])):
        return False
    _, f = _network(impl, x_data, fit["z"], line["x"], fit["family"], fit["L"])
    return bool(np.allclose(line["y"], f, rtol=PLOT_RTOL, atol=PLOT_RTOL * (1 + np.abs(f).max())))


@checks.check("plot_fits")
def check_fits_plot_curves(impl, *, rng):
    """Axes k shows fit k: the data as markers and the network as a line of >= 50 points on a grid covering
    the data and every breakpoint."""
    call, x_data, y, fits, desc = _fits_case(impl, rng)
    for k, (fit, ax) in enumerate(zip(fits, desc["axes"])):
        where = f"{call}: axes {k} (fit {k}: {fit['family']}, L = {fit['L']})"
        if not any(_same_points(line, x_data, y) for line in ax["lines"]):
            fail_text(f"{where} has no line through the data points {short(x_data)}, {short(y)}.",
                      hint='ax.plot(x_data, y, "o") (plt.scatter draws no line the grader can read)')
        curves = [line for line in ax["lines"]
                  if line["x"].size >= CURVE_POINTS and _on_network(impl, line, x_data, fit)]
        if not curves:
            fail_text(f"{where} has no line of >= {CURVE_POINTS} points whose y values are "
                      f"network(x_data, z, x, {fit['family']!r}, {fit['L']}) at its x values.",
                      hint="ax.plot(grid, network(x_data, z, grid, family, L)) with a fine grid")
        _, b = _breakpoints(impl, x_data, fit["z"], fit["family"], fit["L"])
        lo, hi = min(x_data.min(), b.min(initial=np.inf)), max(x_data.max(), b.max(initial=-np.inf))
        xs = curves[0]["x"]
        if xs.min() > lo + 1e-9 * (1 + abs(lo)) or xs.max() < hi - 1e-9 * (1 + abs(hi)):
            fail_text(f"{where} draws the network on [{xs.min():.6g}, {xs.max():.6g}]; expected a grid covering the "
                      f"data and the breakpoints, [{lo:.6g}, {hi:.6g}].",
                      hint="reflection breakpoints can lie outside the data: extend the grid to include them")


@checks.check("plot_fits")
def check_fits_plot_breakpoints(impl, *, rng):
    """Axes k marks exactly the breakpoints of fit k: markers on the curve (ax.plot(b, f(b), "s")) or
    vertical lines (ax.axvline(b))."""
    call, x_data, y, fits, desc = _fits_case(impl, rng)
    for k, (fit, ax) in enumerate(zip(fits, desc["axes"])):
        where = f"{call}: axes {k} (fit {k}: {fit['family']}, L = {fit['L']})"
        _, b = _breakpoints(impl, x_data, fit["z"], fit["family"], fit["L"])
        marked = []
        for line in ax["lines"]:
            x_line = line["x"]
            if line["x"].size >= CURVE_POINTS or _same_points(line, x_data, y):
                continue  # the curve and the data
            if x_line.size == 2 and x_line[0] == x_line[1]:
                marked.append(x_line[:1])  # ax.axvline(b)
            elif _on_network(impl, line, x_data, fit):
                marked.append(x_line)
        got = np.unique(np.concatenate(marked)) if marked else np.zeros(0)
        atol = 1e-9 * (1 + np.abs(np.concatenate([b, got, x_data])).max())
        missing = [v for v in b if got.size == 0 or np.abs(got - v).min() > atol]
        extra = [v for v in got if b.size == 0 or np.abs(b - v).min() > atol]
        if missing or extra:
            fail_text(f"{where} marks x = {short(got)}; expected the breakpoints {short(b)} "
                      f"(missing {short(np.array(missing))}, not breakpoints {short(np.array(extra))}).",
                      hint='ax.plot(b, network(x_data, z, b, family, L), "s") with '
                           'b = breakpoints(x_data, z, family, L)')


def _synthetic_sweep(rng: np.random.Generator) -> dict:
    N = np.array([4, 6, 9, 13, 19, 28])
    sweep = {}
    for family, columns, p, c in (("relu", N * (N + 1), 1.7, 2e-5), ("abs", N**2, 2.3, 1e-5)):
        base = c * N.astype(float) ** p
        times = base[:, None] * rng.uniform(0.9, 1.1, (N.size, 5))
        times[np.arange(N.size), rng.integers(0, 5, N.size)] *= rng.uniform(5.0, 30.0, N.size)  # outliers
        sweep[family] = {"N": N, "L": 3, "columns": columns, "times": times}
    return sweep


def _sweep_lines(impl, rng: np.random.Generator):
    sweep = _synthetic_sweep(rng)
    call, fig, desc = _figure(impl, "plot_solve_times", sweep)
    if len(desc["axes"]) < 2:
        fail(call, f"a figure with {len(desc['axes'])} axes", "two axes: columns against N, median time against N",
             hint="fig, (ax_size, ax_time) = plt.subplots(1, 2)")
    found = {}
    for family, data in sweep.items():
        N = data["N"].astype(float)
        targets = ((0, "columns", data["columns"].astype(float)), (1, "median solve time", np.median(data["times"], 1)))
        for k, what, values in targets:
            match = [line for line in desc["axes"][k]["lines"] if line["x"].shape == N.shape
                     and np.allclose(line["x"], N, rtol=0, atol=0)
                     and np.allclose(line["y"], values, rtol=PLOT_RTOL, atol=0)]
            if not match:
                lines = ", ".join(f"y = {short(line['y'])}" for line in desc["axes"][k]["lines"][:3]) or "no line"
                hint = ("np.median(times, axis=1): the median over the repeated fits at each N, not the mean"
                        if k == 1 else "plot sweep[family]['columns'] against sweep[family]['N']")
                fail_text(f"{call}: axes {k} has no line with x = N = {short(N)} and y = the {family} {what} "
                          f"{short(values)} (it has {lines}).", hint=hint)
            found[family, k] = (match[0], N, values)
    return call, found


@checks.check("plot_solve_times")
def check_solve_times_plot_lines(impl, *, rng):
    """axes 0: columns against N, axes 1: the median (not mean) solve time over the repeats against N,
    one line per family."""
    _sweep_lines(impl, rng)


@checks.check("plot_solve_times")
def check_solve_times_plot_growth_labels(impl, *, rng):
    """Each family's lines are labelled with their growth exponent: the least-squares slope of log(value)
    against log(N), two decimals."""
    call, found = _sweep_lines(impl, rng)
    for (family, k), (line, N, values) in found.items():
        slope = float(np.polyfit(np.log(N), np.log(values), 1)[0])
        numbers = [float(v) for v in re.findall(r"\d+\.\d+|\d+", line["label"])]
        if not any(abs(v - slope) <= EXPONENT_ATOL for v in numbers):
            fail_text(f"{call}: the {family} line in axes {k} is labelled {line['label']!r}; expected a label "
                      f"stating its growth exponent {slope:.2f} (least-squares slope of log y against log N).",
                      hint='label=f"{family}: time ∝ N^{p:.2f}" with p = np.polyfit(np.log(N), np.log(y), 1)[0]')
