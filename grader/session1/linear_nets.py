"""Checks of ``linear_nets`` (sheet §1, exercise 3).

Matrices come from :func:`nndl.strategies.matrices_of_rank`: their rank is
planted (zero singular values are exact before rounding, the others lie in
``[1, cond]``), so the expected answer of every rank decision is known and
unambiguous under the standard tolerance ``max(m, n) * eps * s_max``.  Where
a decision may legitimately be made on the *product* ``M`` (3b) instead of on
the layers (3c), the layers are kept well-conditioned so that both routes
agree.  The one instructor-only check compares ``invert`` with the reference.
"""

from __future__ import annotations

import re
from functools import cache, reduce

import numpy as np
from hypothesis import strategies as st

from nndl import hypo, strategies
from nndl.checks import CheckSet
from nndl.impl import MissingName, SubmissionError
from nndl.messages import call_repr, fail, fail_text, short
from nndl.numerics import assert_close, expect_array, expect_bool
from nndl.plain import Handle

checks = CheckSet("session1", "linear_nets")

# --- tolerances -------------------------------------------------------------------
#: compose: in any association order, the rounding error of a product of K <= 4
#: matrices of side <= 6 is at most ~K*n*eps*prod_k |W_k|_2 ~ 5e-15 * prod |W_k|_2 per
#: entry; 1e-12 (relative to that norm product) leaves a factor ~200.  A wrong
#: order or a missing factor is an O(1) error.
COMPOSE_RTOL = 1e-12
#: compose of float32 weights may be computed in float32: ~K*n*eps32 ~ 3e-6; 1e-4
#: leaves a factor ~40 and is still far below an O(1) mistake.
COMPOSE_RTOL_FLOAT32 = 1e-4
#: invert: |g(x) - y| <= ROUNDTRIP_RTOL * kappa * |y| with kappa = prod_k cond(W_k).
#: Solving layer by layer or via M (formed in floating point) are both backward
#: stable, with residual ~K*n*eps*kappa*|y| (~5e-15 kappa |y|); evaluating g(x) in
#: the check adds the same amount.  1e-12 leaves a factor ~100; kappa <= 1e8 here,
#: so a wrong layer order or wrong system (O(1) residual) never passes.
ROUNDTRIP_RTOL = 1e-12
#: Instructor-only comparison with the reference: the forward error of either
#: method is <~ K*n*eps*kappa relative (|M^-1| <= prod |W_k^-1|), same margin.
REFERENCE_RTOL = 1e-12
#: Layers' non-zero singular values lie in [1, COND]: kappa = prod cond(W_k) <= 1e8.
COND = 100.0
#: Invertible layers next to a singular one have cond <= WELL_COND, so that the
#: rounding in the computed product M stays below the rank tolerance and a
#: decision on M (3b) agrees with the decision on the layers (3c).
WELL_COND = 2.0
#: Scales for the rank decisions: det underflows to 0 (1e-100**4) or overflows,
#: an absolute threshold such as 1e-10 misjudges 1e-12 * Q.
SCALES = (1e-100, 1e-12, 1.0, 1e12, 1e100)
#: Full rank by the standard tolerance (cond 1e10 << 1/(n eps) ~ 1e15), but
#: rejected by any ad-hoc relative threshold of 1e-8.
ILL_COND = 1e10
#: Hypothesis examples for checks whose examples are whole chains (up to 4 matrices
#: each, drawn through nested strategies): 20 still cover depths 1-4 and sides 1-5,
#: and keep the mutation tests of this set within their time budget.
CHAIN_EXAMPLES = 20

LINALG = "LinAlgError"
ORDER_HINT = "W_1 is applied first: M = W_K @ ... @ W_2 @ W_1 (the first layer is the rightmost factor)"
RANK_HINT = ("decide the rank from the singular values with the relative tolerance max(m, n) * eps * s_max, "
             "as np.linalg.matrix_rank does; not with det(M) != 0 or an absolute threshold")


# --- strategies ---------------------------------------------------------------------
# Strategy objects are cached per shape: building a fresh one for every draw costs
# hypothesis more than drawing from it.
@cache
def _matrices(m: int, n: int, rank: str, cond: float = COND) -> st.SearchStrategy[np.ndarray]:
    """m x n matrices of planted rank ("full", "deficient", "any"), singular values in [1, cond]."""
    return strategies.matrices_of_rank(rows=st.just(m), cols=st.just(n), rank=rank, cond=cond)


@cache
def _vectors(n: int) -> st.SearchStrategy[np.ndarray]:
    return strategies.vectors(n)


@st.composite
def square_chains(draw: st.DrawFn, *, sides: st.SearchStrategy[int] = st.integers(1, 5),
                  depths: st.SearchStrategy[int] = st.integers(1, 4), singular: bool = False) -> list[np.ndarray]:
    """``[W_1, ..., W_K]``, all ``n x n``: invertible with cond <= COND, or one singular layer.

    With ``singular``, one layer is rank-deficient and the others have cond <=
    WELL_COND (see there).
    """
    n, k = draw(sides), draw(depths)
    if not singular:
        return [draw(_matrices(n, n, "full")) for _ in range(k)]
    bad = draw(st.integers(0, k - 1))
    return [draw(_matrices(n, n, "deficient")) if i == bad else draw(_matrices(n, n, "full", WELL_COND))
            for i in range(k)]


@st.composite
def chains_with_output(draw: st.DrawFn, chains: st.SearchStrategy[list[np.ndarray]]) -> tuple[list[np.ndarray], np.ndarray]:
    """``(weights, y)`` with ``y`` an output vector of the chain (entries in [-10, 10])."""
    weights = draw(chains)
    return weights, draw(_vectors(weights[-1].shape[0]))


@st.composite
def rectangular_chains(draw: st.DrawFn) -> list[np.ndarray]:
    """Chains of 1-4 layers with sides ``d_0, ..., d_K`` in 1..5 and any ranks."""
    dims = draw(st.lists(st.integers(1, 5), min_size=2, max_size=5))
    return [draw(_matrices(dims[i + 1], dims[i], "any")) for i in range(len(dims) - 1)]


@st.composite
def non_bijective_rectangular_chains(draw: st.DrawFn) -> list[np.ndarray]:
    """Chains that are not bijective because of their shapes.

    Either ``d_0 != d_K`` (M is not square), or ``n -> m -> n`` with a bottleneck
    ``m < n`` (rank M <= m < n; both layers have cond <= WELL_COND so the
    rank deficiency of the computed M is unambiguous).
    """
    if draw(st.booleans()):
        dims = draw(st.lists(st.integers(1, 5), min_size=2, max_size=4).filter(lambda d: d[0] != d[-1]))
        return [draw(_matrices(dims[i + 1], dims[i], "any")) for i in range(len(dims) - 1)]
    n = draw(st.integers(2, 5))
    m = draw(st.integers(1, n - 1))
    return [draw(_matrices(m, n, "full", WELL_COND)), draw(_matrices(n, m, "full", WELL_COND))]


@st.composite
def non_square(draw: st.DrawFn) -> np.ndarray:
    """m x n matrices with m != n, sides 1..6, any planted rank."""
    m, n = draw(st.tuples(st.integers(1, 6), st.integers(1, 6)).filter(lambda t: t[0] != t[1]))
    return draw(_matrices(m, n, "any"))


@st.composite
def square(draw: st.DrawFn) -> np.ndarray:
    """n x n matrices, n in 1..6, any planted rank."""
    n = draw(st.integers(1, 6))
    return draw(_matrices(n, n, "any"))


# --- helpers ------------------------------------------------------------------------
def _product(weights: list[np.ndarray]) -> np.ndarray:
    """W_K @ ... @ W_1 in float64."""
    return reduce(lambda m, w: np.asarray(w, dtype=np.float64) @ m, weights[1:],
                  np.asarray(weights[0], dtype=np.float64))


def _compose_atol(weights: list[np.ndarray], rtol: float) -> float:
    """Absolute tolerance ``rtol * prod_k |W_k|_2`` (floored at the smallest normal float: a product
    with a zero layer is exactly 0 and must compare equal without a 0/0)."""
    norms = float(np.prod([np.linalg.norm(np.asarray(w, dtype=np.float64), 2) for w in weights]))
    return rtol * max(norms, np.finfo(np.float64).tiny)


def _kappa(weights: list[np.ndarray]) -> float:
    return float(np.prod([np.linalg.cond(w) for w in weights]))


def _rank(M: np.ndarray) -> int:
    return int(np.linalg.matrix_rank(M)) if M.size else 0


# Call strings (array printing) are built only when a message needs them: they cost
# more than the calls themselves.
def _array_result(impl, name: str, args: tuple, shape: tuple[int, ...]) -> np.ndarray:
    """``impl.<name>(*args)`` validated as a finite float ndarray of ``shape``; np.matrix gets its own hint."""
    __tracebackhide__ = True
    value = impl.call(name, *args)
    if type(value) is np.ndarray and value.dtype.kind == "f" and value.shape == shape and np.all(np.isfinite(value)):
        return value
    call = call_repr(name, args)
    if type(value) is Handle and value.type.endswith("matrix"):
        fail(call, f"a {value.type}", f"a float ndarray of shape {shape}",
             hint="np.matrix is deprecated and is not an ndarray; use plain arrays and @ (np.asarray(M))")
    return expect_array(value, call, shape=shape)


def _bool_result(impl, name: str, *args) -> bool:
    """``impl.<name>(*args)`` validated as a bool (``bool`` or ``numpy.bool_``)."""
    __tracebackhide__ = True
    value = impl.call(name, *args)
    if type(value) is bool or type(value) is np.bool_:
        return bool(value)
    return expect_bool(value, call_repr(name, args))


def _expect_bool_value(got: bool, want: bool, name: str, args: tuple, hint) -> None:
    """Fail unless ``got == want``; ``hint()`` builds the hint only on failure."""
    __tracebackhide__ = True
    if got != want:
        fail(call_repr(name, args), repr(got), repr(want), hint=hint())


def _rank_info(M: np.ndarray) -> str:
    s = np.linalg.svd(np.asarray(M, dtype=np.float64), compute_uv=False) if M.size else np.zeros(0)
    return f"M is {M.shape[0]}x{M.shape[1]} with numerical rank {_rank(M)} (singular values {short(s, precision=3)})"


def _rank_hint(M: np.ndarray, advice: str = RANK_HINT):
    """A hint builder for :func:`_expect_bool_value`: M's rank and singular values, then ``advice``."""
    return lambda: f"{_rank_info(M)}; {advice}"


def expect_raises(impl, error: str, name: str, *args, hint: str) -> None:
    """Assert that ``impl.<name>(*args)`` raises the exception type named ``error``.

    The submission's exception arrives as a :class:`SubmissionError` whose
    message reads ``"<call> raised <Type>..."``.  A missing function, a stub, an
    in-place modification or non-plain data keep their own message.
    """
    __tracebackhide__ = True
    try:
        value = impl.call(name, *args)
    except MissingName:
        raise
    except SubmissionError as exc:
        text, call = str(exc), call_repr(name, args)
        raised = re.match(re.escape(call) + r" raised (\w+)", text)
        if raised is None or raised.group(1) == "NotImplementedError":
            raise
        if raised.group(1) == error:
            return
        fail_text(f"{text}; expected numpy.linalg.{error} instead.", hint=hint)
    fail(call_repr(name, args), short(value), f"it to raise numpy.linalg.{error}", hint=hint)


# --- compose ------------------------------------------------------------------------
@checks.check("compose")
def check_compose_product_order(impl, *, rng):
    """compose([W_1, ..., W_K]) = W_K ... W_1 for non-commuting square factors."""

    @hypo.given(square_chains(sides=st.integers(2, 5), depths=st.integers(2, 4)), max_examples=CHAIN_EXAMPLES)
    def prop(weights):
        n = weights[0].shape[0]
        M = _array_result(impl, "compose", (weights,), (n, n))
        expected = _product(weights)
        atol = _compose_atol(weights, COMPOSE_RTOL)
        if np.allclose(M, expected, rtol=COMPOSE_RTOL, atol=atol):
            return
        backwards = reduce(lambda m, w: m @ w, weights)
        reversed_order = (not np.allclose(expected, backwards, rtol=COMPOSE_RTOL, atol=atol)
                          and np.allclose(M, backwards, rtol=COMPOSE_RTOL, atol=atol))
        hint = ("you computed W_1 @ W_2 @ ... @ W_K, the reversed product; " + ORDER_HINT
                if reversed_order else ORDER_HINT)
        assert_close(M, expected, call_repr("compose", (weights,)), rtol=COMPOSE_RTOL, atol=atol, hint=hint)

    prop()


@checks.check("compose")
def check_compose_rectangular_chain(impl, *, rng):
    """Rectangular chains: 3x2 then 4x3 gives a 4x2 M; single layers and float32 weights work."""

    def one(weights, rtol=COMPOSE_RTOL):
        shape = (weights[-1].shape[0], weights[0].shape[1])
        try:
            M = _array_result(impl, "compose", (weights,), shape)
        except SubmissionError as exc:
            if re.match(re.escape(call_repr("compose", (weights,))) + r" raised ValueError", str(exc)):
                fail_text(str(exc), hint=f"the shapes chain as W_k @ W_(k-1): here M has shape {shape}; "
                                         + ORDER_HINT)
            raise
        expected, atol = _product(weights), _compose_atol(weights, rtol)
        if not np.allclose(M, expected, rtol=rtol, atol=atol):
            assert_close(M, expected, call_repr("compose", (weights,)), rtol=rtol, atol=atol, hint=ORDER_HINT)

    w1 = strategies.matrix_with_singular_values(rng, 3, 2, np.array([3.0, 1.0]))
    w2 = strategies.matrix_with_singular_values(rng, 4, 3, np.array([2.0, 1.5, 0.5]))
    one([w1, w2])
    one([w1])
    one([w1.astype(np.float32), w2.astype(np.float32)], COMPOSE_RTOL_FLOAT32)

    @hypo.given(rectangular_chains(), max_examples=CHAIN_EXAMPLES)
    def prop(weights):
        one(weights)

    prop()


# --- is_injective ---------------------------------------------------------------------
@checks.check("is_injective")
def check_injective_square(impl, *, rng):
    """is_injective(M) for square M of planted rank: True iff full rank."""

    @hypo.given(square())
    def prop(M):
        got = _bool_result(impl, "is_injective", M)
        _expect_bool_value(got, _rank(M) == M.shape[1], "is_injective", (M,), _rank_hint(M))

    prop()


@checks.check("is_injective")
def check_injective_non_square(impl, *, rng):
    """is_injective(M) for non-square M: True iff full *column* rank (so False whenever m < n)."""

    @hypo.given(non_square())
    def prop(M):
        got = _bool_result(impl, "is_injective", M)
        _expect_bool_value(got, _rank(M) == M.shape[1], "is_injective", (M,),
                           _rank_hint(M, "injective means rank == number of columns (the input dimension)"))

    prop()


@checks.check("is_injective")
def check_rank_standard_tolerance(impl, *, rng):
    """Rank decisions are scale invariant and use the standard relative tolerance (no det, no absolute cut)."""
    cases = []
    for shape in ((4, 4), (5, 3)):
        r = min(shape)
        full = strategies.matrix_with_singular_values(rng, *shape, np.geomspace(10.0, 1.0, r))
        deficient = strategies.matrix_with_singular_values(rng, *shape, np.geomspace(10.0, 1.0, r - 1))
        cases += [(c * full, True) for c in SCALES] + [(c * deficient, False) for c in SCALES]
        cases.append((strategies.matrix_with_singular_values(rng, *shape, np.geomspace(1.0, 1.0 / ILL_COND, r)), True))
        cases.append((full.astype(np.float32), True))  # float32 input, well-conditioned: no ambiguity
    for M, injective in cases:
        hint = _rank_hint(M)
        _expect_bool_value(_bool_result(impl, "is_injective", M), injective, "is_injective", (M,), hint)
        if M.shape[0] == M.shape[1]:
            _expect_bool_value(_bool_result(impl, "is_bijective", M), injective, "is_bijective", (M,), hint)


# --- is_bijective ---------------------------------------------------------------------
@checks.check("is_bijective")
def check_bijective_square(impl, *, rng):
    """is_bijective(M) for square M of planted rank: True iff full rank."""

    @hypo.given(square())
    def prop(M):
        got = _bool_result(impl, "is_bijective", M)
        _expect_bool_value(got, _rank(M) == M.shape[0], "is_bijective", (M,), _rank_hint(M))

    prop()


@checks.check("is_bijective")
def check_bijective_non_square(impl, *, rng):
    """is_bijective(M) is False for every non-square M, even of full rank."""

    @hypo.given(non_square())
    def prop(M):
        got = _bool_result(impl, "is_bijective", M)
        _expect_bool_value(got, False, "is_bijective", (M,),
                           _rank_hint(M, "a bijective linear map needs a square matrix (injective and surjective)"))

    prop()


# --- all_layers_bijective --------------------------------------------------------------
@checks.check("all_layers_bijective")
def check_layers_square_chain(impl, *, rng):
    """all_layers_bijective of n x n chains is True iff every layer is invertible (3c)."""

    @hypo.given(st.one_of(square_chains(), square_chains(singular=True)), max_examples=CHAIN_EXAMPLES)
    def prop(weights):
        got = _bool_result(impl, "all_layers_bijective", weights)
        ranks = [_rank(w) for w in weights]
        want = all(r == w.shape[0] for r, w in zip(ranks, weights))
        _expect_bool_value(got, want, "all_layers_bijective", (weights,),
                           lambda: f"the layers have numerical ranks {ranks} (n = {weights[0].shape[0]}); "
                                   "g is bijective iff every W_k is invertible")

    prop()


@checks.check("all_layers_bijective")
def check_layers_non_square(impl, *, rng):
    """all_layers_bijective is False when a layer is not square, even if M = W_2 W_1 is invertible."""
    w1 = strategies.matrix_with_singular_values(rng, 3, 2, np.array([2.0, 1.0]))
    # W_2 = pinv(W_1) makes M = I_2: g is bijective but no layer is square.
    widening = [w1, np.linalg.pinv(w1)]
    square_then_wide = [strategies.matrix_with_singular_values(rng, 2, 2, np.array([2.0, 1.0])),
                        strategies.matrix_with_singular_values(rng, 3, 2, np.array([2.0, 1.0]))]
    for weights in (widening, [w1], square_then_wide):
        got = _bool_result(impl, "all_layers_bijective", weights)
        _expect_bool_value(got, False, "all_layers_bijective", (weights,),
                           lambda: "the condition is on the individual layers: every W_k square and invertible, "
                                   "not on the product M (shapes here: "
                                   + ", ".join(f"{w.shape}" for w in weights) + ")")


# --- invert ------------------------------------------------------------------------------
def _invert_result(impl, weights: list[np.ndarray], y: np.ndarray) -> np.ndarray:
    return _array_result(impl, "invert", (weights, y), (weights[0].shape[1],))


@checks.check("invert")
def check_invert_roundtrip(impl, *, rng):
    """g(invert(weights, y)) = y for invertible n x n chains, within eps * prod cond(W_k)."""

    @hypo.given(chains_with_output(square_chains()), max_examples=CHAIN_EXAMPLES)
    def prop(case):
        weights, y = case
        x = _invert_result(impl, weights, y)
        gx = reduce(lambda v, w: w @ v, weights, x)
        kappa = _kappa(weights)
        res = float(np.linalg.norm(gx - y))
        bound = ROUNDTRIP_RTOL * kappa * float(np.linalg.norm(y))
        if not res <= bound:
            fail(call_repr("invert", (weights, y)), short(x), f"x with W_K ... W_1 x = y; but g(x) = {short(gx)}, residual {res:.3g} "
                                 f"> {bound:.3g} (= {ROUNDTRIP_RTOL:g} * prod cond(W_k) * |y|)",
                 hint="undo the last layer first: x = solve(W_1, ... solve(W_K, y)), or solve M x = y "
                      "with M = W_K ... W_1")

    prop()


@checks.check("invert")
def check_invert_raises_on_singular(impl, *, rng):
    """invert raises LinAlgError when an n x n layer is singular (g is not bijective)."""

    @hypo.given(chains_with_output(square_chains(depths=st.integers(1, 3), singular=True)),
                max_examples=CHAIN_EXAMPLES)
    def prop(case):
        weights, y = case
        ranks = [_rank(w) for w in weights]
        expect_raises(impl, LINALG, "invert", weights, y,
                      hint=f"the layers have numerical ranks {ranks} (n = {y.shape[0]}); check the rank "
                           "yourself (np.linalg.solve only raises for exactly singular matrices) and "
                           "raise np.linalg.LinAlgError")

    prop()


@checks.check("invert")
def check_invert_raises_on_non_square(impl, *, rng):
    """invert raises LinAlgError for chains whose shapes rule out a bijection (M not square, or a bottleneck)."""

    @hypo.given(chains_with_output(non_bijective_rectangular_chains()), max_examples=CHAIN_EXAMPLES)
    def prop(case):
        weights, y = case
        shapes = ", ".join(f"{w.shape}" for w in weights)
        expect_raises(impl, LINALG, "invert", weights, y,
                      hint=f"layer shapes {shapes}: M = W_K ... W_1 is not square, or has rank below n; "
                           "raise np.linalg.LinAlgError when g is not bijective")

    prop()


@checks.check("invert", public=False)
def check_invert_matches_reference(impl, *, rng):
    """Instructor-only: invert agrees with the reference solution (forward error <~ eps * prod cond)."""
    from solutions.session1 import linear_nets as ref

    @hypo.given(chains_with_output(square_chains()), max_examples=CHAIN_EXAMPLES)
    def prop(case):
        weights, y = case
        x = _invert_result(impl, weights, y)
        want = ref.invert(weights, y)
        tol = REFERENCE_RTOL * _kappa(weights) * max(float(np.linalg.norm(want)), 1e-300)
        err = float(np.linalg.norm(x - want))
        if not err <= tol:
            fail(call_repr("invert", (weights, y)), short(x), f"{short(want)} (error {err:.3g} > {tol:.3g})",
                 hint="x must satisfy W_K ... W_1 x = y")

    prop()
