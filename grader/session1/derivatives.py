"""Checks of ``derivatives`` (sheet §2, mathematical exercises 1-9).

Every gradient is compared with central finite differences of the objective,
computed here from the known function (never from the submission); every
Hessian with the central-difference Jacobian of the true gradient.  The
derivative ``g'`` is passed to ``grad_f_M`` by name (:class:`FuncRef`, see
:data:`nndl.ops.FUNCS`), and the matching ``g`` is evaluated grader-side.  The
instructor-only check compares ``grad_f_M`` with the reference on float32 and
larger inputs.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from nndl import hypo, strategies
from nndl.checks import CheckSet
from nndl.messages import call_repr, fail, short
from nndl.numerics import (ATOL_EXACT, ATOL_FLOAT32, FD_STEP, GRAD_ATOL, GRAD_RTOL, RTOL_EXACT, RTOL_FLOAT32,
                           assert_close, assert_gradient, expect_array, numeric_gradient, numeric_jacobian)
from nndl.ops import FUNCS
from nndl.plain import FuncRef

checks = CheckSet("session1", "derivatives")

#: (g, g') pairs by their names in nndl.ops.FUNCS: bounded (sin, tanh, sigmoid)
#: and polynomial (square, cube) g, so that g, g' and g'' all differ and a
#: hard-coded derivative or g'' in place of g' is caught.
G_PAIRS = (("sin", "cos"), ("tanh", "tanh_prime"), ("cube", "three_square"),
           ("sigmoid", "sigmoid_prime"), ("square", "double"))
#: Entries of w and z: moderate, so ||w||^2 and w^T z stay O(100).
VEC_RANGE = 10.0
#: Entries of W and z for f_M: |w_i^T z| <= 4 keeps cube(w_i^T z) and the
#: sums O(100) and g' well away from overflow.
MAT_RANGE = 1.0
MAX_SIDE = 4
#: Central differences of f = sum of terms lose a few ulps of sum|terms| per
#: evaluation, divided by the step 2h >= 2*FD_STEP: an absolute error of about
#: eps * sum|terms| / FD_STEP (~2e-8 for sum|terms| = 100).  Coordinates whose
#: derivative is below 100x that noise are judged by absolute error
#: (assert_gradient's atol); a real mistake (a factor 2, a transpose, g instead
#: of g') is orders of magnitude larger.
FD_NOISE_FACTOR = 100 * np.finfo(np.float64).eps / FD_STEP
#: Newton's iterate w - H^{-1} grad f cancels two O(max|w|) numbers; any exact
#: formula (solve, inv, 0.5 * grad, closed form 0) leaves at most a few ulps of
#: max|w|, so 1e-12 relative to max(1, max|w|).
NEWTON_RTOL = 1e-12
#: The same for float32 inputs computed in float32 (eps32 ~ 1.2e-7).
NEWTON_RTOL_FLOAT32 = RTOL_FLOAT32
#: Hessian symmetry: entries (i, j) and (j, i) of an exactly computed
#: Hessian agree to rounding.
SYMMETRY_RTOL, SYMMETRY_ATOL = RTOL_EXACT, ATOL_EXACT
#: Batch of samples z_k for the stochastic gradient.
MAX_BATCH = 5
#: Stochastic-gradient examples make up to MAX_BATCH calls each.
STOCHASTIC_EXAMPLES = 15


def _fd_atol(term_scale: float) -> float:
    """assert_gradient's absolute floor for an objective whose terms sum to ``term_scale`` in magnitude."""
    return max(GRAD_ATOL, FD_NOISE_FACTOR * float(term_scale))


def _floats32(rng: np.random.Generator, shape: tuple[int, ...], lo: float, hi: float) -> np.ndarray:
    return rng.uniform(lo, hi, size=shape).astype(np.float32)


def vector_pairs(lo: float = -VEC_RANGE, hi: float = VEC_RANGE) -> st.SearchStrategy[tuple[np.ndarray, np.ndarray]]:
    """(w, z): two float64 vectors of the same length 1..6."""
    return st.integers(1, 6).flatmap(
        lambda n: st.tuples(strategies.arrays(lo=lo, hi=hi, shape=(n,)), strategies.arrays(lo=lo, hi=hi, shape=(n,))))


@st.composite
def f_M_inputs(draw: st.DrawFn, batch: bool = False) -> tuple[np.ndarray, np.ndarray, tuple[str, str]]:
    """(W, z, (g, g')) with W of shape (m, n), m, n in 1..MAX_SIDE; with ``batch``, z is a (k, n) batch."""
    m, n = draw(st.integers(1, MAX_SIDE)), draw(st.integers(1, MAX_SIDE))
    W = draw(strategies.arrays(lo=-MAT_RANGE, hi=MAT_RANGE, shape=(m, n)))
    zshape = (draw(st.integers(1, MAX_BATCH)), n) if batch else (n,)
    z = draw(strategies.arrays(lo=-MAT_RANGE, hi=MAT_RANGE, shape=zshape))
    return W, z, draw(st.sampled_from(G_PAIRS))


def _grad_f_M_result(impl, name: str, W: np.ndarray, z: np.ndarray, gp: str) -> tuple[str, np.ndarray]:
    """Call grad_f_M-like ``name``, validating a float array of W's shape (diagnosing a transpose)."""
    call = call_repr(name, (W, z, FuncRef(gp)))
    value = expect_array(impl.call(name, W, z, FuncRef(gp)), call)
    if value.shape != W.shape:
        hint = "the gradient has the shape of W: entry (i, j) is the derivative with respect to w_ij"
        if value.shape == W.shape[::-1] and W.shape[0] != W.shape[1]:
            hint = f"you returned the transpose: shape {value.shape} instead of W's {W.shape}"
        fail(call, f"an array of shape {value.shape}", f"a float ndarray of shape {W.shape} (the shape of W)",
             hint=hint)
    return call, value


# --- f(w) = ||w||^2 -----------------------------------------------------------------------------
def _sq_norm(w: np.ndarray) -> float:
    return float(np.sum(w * w))


@checks.check("grad_sq_norm")
def check_grad_sq_norm_finite_differences(impl, *, rng):
    """grad_sq_norm(w) has shape (n,) and matches central differences of ||w||^2, also for float32 w."""

    @hypo.given(strategies.vectors(lo=-VEC_RANGE, hi=VEC_RANGE))
    def prop(w):
        call = call_repr("grad_sq_norm", (w,))
        grad = expect_array(impl.grad_sq_norm(w), call, shape=w.shape)
        assert_gradient(grad, numeric_gradient(_sq_norm, w), call, atol=_fd_atol(_sq_norm(w)),
                        hint="differentiate sum_k w_k^2 with respect to one entry w_j")

    prop()
    w32 = _floats32(rng, (5,), -VEC_RANGE, VEC_RANGE)
    call = call_repr("grad_sq_norm", (w32,))
    grad = expect_array(impl.grad_sq_norm(w32), call, shape=w32.shape)
    w64 = w32.astype(np.float64)
    assert_gradient(grad, numeric_gradient(_sq_norm, w64), call, rtol=RTOL_FLOAT32, atol=_fd_atol(_sq_norm(w64)),
                    hint="float32 input must give an accurate float result")


@checks.check("hess_sq_norm")
def check_hess_sq_norm_finite_differences(impl, *, rng):
    """hess_sq_norm(w) is (n, n), symmetric, and the central-difference Jacobian of the gradient 2w."""

    def check_one(w: np.ndarray, rtol: float) -> None:
        call = call_repr("hess_sq_norm", (w,))
        n = w.shape[0]
        hess = expect_array(impl.hess_sq_norm(w), call, shape=(n, n),
                            what=f"a float ndarray of shape ({n}, {n}) (n x n for w of length n)")
        assert_close(hess, hess.T, call, rtol=SYMMETRY_RTOL, atol=SYMMETRY_ATOL, expected_text="a symmetric matrix",
                     rule="a Hessian is symmetric (H_ij = H_ji)")
        w64 = w.astype(np.float64)
        assert_gradient(hess, numeric_jacobian(lambda v: 2.0 * v, w64), call, rtol=rtol, what="Hessian",
                        hint="H_ij is the derivative of the gradient entry df/dw_j with respect to w_i")

    @hypo.given(strategies.vectors(lo=-VEC_RANGE, hi=VEC_RANGE))
    def prop(w):
        check_one(w, GRAD_RTOL)

    prop()
    check_one(_floats32(rng, (4,), -VEC_RANGE, VEC_RANGE), RTOL_FLOAT32)


def _newton_hint(w: np.ndarray, w_new: np.ndarray) -> str:
    scale = max(1.0, float(np.max(np.abs(w))))

    def near(target: np.ndarray) -> bool:
        return bool(np.max(np.abs(w_new - target)) <= 1e-6 * scale)

    if near(-w):
        return ("that is -w: the step -H^{-1} grad f(w) (or a plain gradient step w - grad f) instead of the "
                "next iterate w - H^{-1} grad f(w), or a gradient/Hessian off by a factor 2")
    if near(2 * w):
        return "that is 2w: check the sign, the Newton iterate is w - H^{-1} grad f(w)"
    if near(w):
        return "that is w itself: return the next iterate w - H^{-1} grad f(w), not the starting point"
    if near(0.5 * w):
        return "that is w/2: check the factor 2 in your gradient and Hessian (exercises 1-2)"
    return "the next iterate is w - H^{-1} grad f(w) with the gradient and Hessian of exercises 1-2"


@checks.check("newton_step_sq_norm")
def check_newton_reaches_minimiser(impl, *, rng):
    """One Newton step from any w lands on the minimiser 0 of ||w||^2, where the gradient vanishes."""

    def check_one(w: np.ndarray, rtol: float) -> None:
        call = call_repr("newton_step_sq_norm", (w,))
        w_new = expect_array(impl.newton_step_sq_norm(w), call, shape=w.shape)
        scale = max(1.0, float(np.max(np.abs(w.astype(np.float64)))))
        # Stationarity: the gradient 2 w_new of f at the new iterate must be ~0, i.e. w_new ~ 0.
        if float(np.max(np.abs(2.0 * w_new.astype(np.float64)))) <= 2.0 * rtol * scale:
            return
        fail(call, f"{short(w_new)}, where the gradient of ||w||^2 is {short(2.0 * w_new.astype(np.float64))}",
             f"the minimiser {short(np.zeros(w.shape))} (gradient 0): f is quadratic, so one Newton step "
             "from any w lands on it", hint=_newton_hint(w.astype(np.float64), w_new.astype(np.float64)))

    @hypo.given(strategies.vectors(lo=-1e3, hi=1e3))
    def prop(w):
        check_one(w, NEWTON_RTOL)

    prop()
    check_one(_floats32(rng, (5,), -100.0, 100.0), NEWTON_RTOL_FLOAT32)


# --- f(w) = w^T z ---------------------------------------------------------------------------------
@checks.check("grad_dot")
def check_grad_dot_finite_differences(impl, *, rng):
    """grad_dot(w, z) has shape (n,) and matches central differences of w^T z in w, also for float32."""

    def check_one(w: np.ndarray, z: np.ndarray, rtol: float) -> None:
        call = call_repr("grad_dot", (w, z))
        grad = expect_array(impl.grad_dot(w, z), call, shape=w.shape)
        w64, z64 = w.astype(np.float64), z.astype(np.float64)
        assert_gradient(grad, numeric_gradient(lambda v: float(v @ z64), w64), call, rtol=rtol,
                        atol=_fd_atol(np.sum(np.abs(w64 * z64))),
                        hint="write w^T z = sum_k w_k z_k and differentiate with respect to w_j; z is constant")

    @hypo.given(vector_pairs())
    def prop(wz):
        check_one(*wz, GRAD_RTOL)

    prop()
    check_one(_floats32(rng, (4,), -VEC_RANGE, VEC_RANGE), _floats32(rng, (4,), -VEC_RANGE, VEC_RANGE), RTOL_FLOAT32)


@checks.check("hess_dot")
def check_hess_dot_is_zero(impl, *, rng):
    """hess_dot(w, z) is the (n, n) zero matrix: the central-difference Jacobian of the constant gradient z."""

    @hypo.given(vector_pairs())
    def prop(wz):
        w, z = wz
        n = w.shape[0]
        call = call_repr("hess_dot", (w, z))
        hess = expect_array(impl.hess_dot(w, z), call, shape=(n, n),
                            what=f"a float ndarray of shape ({n}, {n}) (n x n for w of length n)")
        z_const = z.copy()
        assert_gradient(hess, numeric_jacobian(lambda v: z_const, w), call, what="Hessian",
                        hint="the gradient z does not depend on w")

    prop()
    w32, z32 = _floats32(rng, (3,), -VEC_RANGE, VEC_RANGE), _floats32(rng, (3,), -VEC_RANGE, VEC_RANGE)
    call = call_repr("hess_dot", (w32, z32))
    hess = expect_array(impl.hess_dot(w32, z32), call, shape=(3, 3))
    assert_close(hess, np.zeros((3, 3)), call, hint="float32 w and z must give the float zero matrix")


# --- f_M(W) = sum_i g(w_i^T z) -------------------------------------------------------------------
@checks.check("grad_f_M")
def check_grad_f_M_finite_differences(impl, *, rng):
    """grad_f_M(W, z, g') matches central differences of sum_i g(w_i^T z) in W, for several g."""

    @hypo.given(f_M_inputs())
    def prop(inputs):
        W, z, (g_name, gp_name) = inputs
        g = FUNCS[g_name]
        call, grad = _grad_f_M_result(impl, "grad_f_M", W, z, gp_name)
        assert_gradient(grad, numeric_gradient(lambda V: float(np.sum(g(V @ z))), W), call,
                        atol=_fd_atol(np.sum(np.abs(g(W @ z)))),
                        hint=f"g = {g_name} and g_prime = {gp_name} = g'; write f_M with indices, "
                             "sum_k g(sum_l w_kl z_l), and differentiate with respect to w_ij")

    prop()
    # float32 W and z: w_i^T z carries float32 rounding (~1e-7 relative), g' = tanh' stays >= 0.07 here.
    W32, z32 = _floats32(rng, (3, 2), -MAT_RANGE, MAT_RANGE), _floats32(rng, (2,), -MAT_RANGE, MAT_RANGE)
    W64, z64 = W32.astype(np.float64), z32.astype(np.float64)
    call, grad = _grad_f_M_result(impl, "grad_f_M", W32, z32, "tanh_prime")
    assert_gradient(grad, numeric_gradient(lambda V: float(np.sum(np.tanh(V @ z64))), W64), call, rtol=RTOL_FLOAT32,
                    atol=max(ATOL_FLOAT32, _fd_atol(np.sum(np.abs(np.tanh(W64 @ z64))))),
                    hint="float32 W and z must give an accurate float result")


@checks.check("grad_f_M")
def check_grad_f_M_shape(impl, *, rng):
    """grad_f_M returns a float array of the shape of W for non-square W (a transposed gradient fails)."""
    for (m, n), (_, gp_name) in zip(((3, 5), (5, 2), (1, 4), (4, 1)), G_PAIRS):
        W = rng.uniform(-MAT_RANGE, MAT_RANGE, size=(m, n))
        z = rng.uniform(-MAT_RANGE, MAT_RANGE, size=n)
        _grad_f_M_result(impl, "grad_f_M", W, z, gp_name)


@checks.check("grad_f_M", public=False)
def check_grad_f_M_matches_reference(impl, *, rng):
    """Instructor-only: grad_f_M agrees with the reference on larger and float32 inputs, for every g'."""
    from solutions.session1 import derivatives as ref

    for (m, n), (_, gp_name) in zip(((7, 3), (2, 9), (6, 6), (1, 1), (8, 5)), G_PAIRS):
        W = rng.uniform(-MAT_RANGE, MAT_RANGE, size=(m, n))
        z = rng.uniform(-MAT_RANGE, MAT_RANGE, size=n)
        call, grad = _grad_f_M_result(impl, "grad_f_M", W, z, gp_name)
        assert_close(grad, ref.grad_f_M(W, z, FUNCS[gp_name]), call, rtol=RTOL_EXACT,
                     hint="entry (i, j) is the derivative with respect to w_ij")
    for (m, n), gp_name in zip(((6, 3), (3, 4)), ("cos", "three_square")):
        W = _floats32(rng, (m, n), -MAT_RANGE, MAT_RANGE)
        z = _floats32(rng, (n,), -MAT_RANGE, MAT_RANGE)
        call, grad = _grad_f_M_result(impl, "grad_f_M", W, z, gp_name)
        # float32 products and sums w_i^T z: errors ~eps32 * n relative, ~1e-7 absolute near 0.
        assert_close(grad, ref.grad_f_M(W.astype(np.float64), z.astype(np.float64), FUNCS[gp_name]), call,
                     rtol=RTOL_FLOAT32, atol=ATOL_FLOAT32, hint="float32 W and z must give an accurate result")


@checks.check("stochastic_grad_f_M")
def check_stochastic_grad_batch_average(impl, *, rng):
    """Averaging stochastic_grad_f_M(W, z_k, g') over samples z_k gives the gradient of the sample mean of f_M."""

    @hypo.given(f_M_inputs(batch=True), max_examples=STOCHASTIC_EXAMPLES)
    def prop(inputs):
        W, Z, (g_name, gp_name) = inputs
        g = FUNCS[g_name]
        grads = [_grad_f_M_result(impl, "stochastic_grad_f_M", W, z, gp_name)[1] for z in Z]
        mean = np.mean(np.stack(grads).astype(np.float64), axis=0)
        call = (f"mean_k stochastic_grad_f_M({short(W)}, z_k, {gp_name}) over the samples z_k, "
                f"the rows of Z = {short(Z)},")
        objective = lambda V: float(np.mean(np.sum(g(Z @ V.T), axis=1)))  # noqa: E731 - (1/K) sum_k f_M(V; z_k)
        assert_gradient(mean, numeric_gradient(objective, W), call,
                        atol=_fd_atol(np.mean(np.sum(np.abs(g(Z @ W.T)), axis=1))),
                        hint=f"g = {g_name}; the stochastic gradient is the gradient of sum_i g(w_i^T z) "
                             "at the one sample z, so its average is the gradient of the average objective")

    prop()
