"""Checks of ``low_rank_gradient`` (research set: Sonthalia, Murray, Montúfar, arXiv:2510.01303).

The student's functions compute with torch and return tensors; tensors do not cross the
plain-data boundary, so every result is read back through the notebook's own ``as_numpy``
(given code: tensors to numpy arrays, 0-d tensors to floats).  Arguments cross as numpy
arrays, which the functions turn into tensors with ``torch.as_tensor``.

What is checked:

* data: the spike's exact rank-one structure, the bulk covariance ``diag(i^-alpha)`` and the
  latent coordinates by their sample moments, the teacher's formula and noise level;
* the network: unit rows, outer weights ``+-1/sqrt(k)`` (the seed drew ``{-1/sqrt(k), 0}``),
  the forward pass with gamma applied once (the seed applied it twice), the loss;
* the gradient: against torch autograd of the grader's own loss, against central
  differences of the student's loss, its rank-one split;
* the linear algebra: principal angles against ``scipy.linalg.subspace_angles`` and by
  their invariances (hypothesis), power iteration and block subspace iteration against
  numpy's SVD, cold and warm-started, the projection norm by its properties;
* training: the grader replays gradient descent in float64 numpy and compares the weights
  and every tracked quantity, epoch by epoch;
* the paper's qualitative results, through the student's whole pipeline (data, teacher,
  network, tracking) at small sizes: for small nu the gradient's leading direction is the
  residue's, for nu = 3/4 the spike's, and sigmoid gradients are closer to rank one;
* the alignment figure through matplotlib's object model.

Two instructor-only checks compare with the reference on hidden inputs (the sampling
order and the full training output).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.linalg
from hypothesis import strategies as st

from nndl import hypo, strategies
from nndl.checks import CheckSet
from nndl.messages import call_repr, describe_type, fail, short
from nndl.numerics import assert_close, assert_gradient, expect_array, expect_float, numeric_gradient
from nndl.plain import Handle

checks = CheckSet("research", "low_rank_gradient")

ACTIVATIONS = ("relu", "sigmoid", "tanh")
FIGURE = "matplotlib.figure.Figure"

# --- tolerances -------------------------------------------------------------------------------
#: Closed forms evaluated in float64 by the student and by the grader in a different order of
#: summation (matrix products of <= 100 terms): ~1e-15 relative; 1e-9 leaves room for BLAS.
RTOL64 = 1e-9
ATOL64 = 1e-12
#: float32 results against the grader's float64 values, relative to the largest magnitude of the
#: quantity: sums of <= 100 float32 products err by ~100 * 6e-8 = 6e-6; 1e-4 is 15 times that,
#: while a wrong formula is off by O(1).
RTOL32 = 1e-4
#: Sample moments: bounds of 5 standard errors (a false alarm has probability < 1e-6 per moment).
SIGMAS = 5.0
#: Gradients against autograd: both are exact closed forms in float64 (~1e-15 relative).
AUTOGRAD_RTOL = 1e-8
#: Principal angles against scipy: scipy picks arccos or arcsin per position with the mask of the
#: reversed order (scipy.linalg.subspace_angles, step 5), so some of its angles near 0 or pi/2
#: come from arccos/arcsin at 1, accurate only to sqrt(2 eps) ~ 2.1e-8 rad; 1e-7 covers that
#: (and the arccos formula of the seed), while degrees or a missing orthonormalisation are off
#: by far more.
ANGLE_ATOL = 1e-7
#: Power iteration with its defaults (tol 1e-9) on matrices with sigma_2 / sigma_1 <= 0.9: the
#: estimate's error is about tol / (1 - 0.81) ~ 5e-9 relative; 1e-6 is 200 times that.  Ten cold
#: steps leave an error of ~0.81**10 ~ 0.1 of the initial one, far above.
POWER_RTOL = 1e-6
#: The ratio sigma_2 / sigma_1 of the matrices of the power-iteration checks: the slowest case the
#: defaults must handle (ten steps leave a relative error of ~1e-3).
POWER_GAP = 0.9
#: Block subspace iteration with its defaults (tol 1e-7) on matrices whose singular values
#: beyond the block are at most half the m-th: per-step contraction <= 0.25, error ~1.3e-7
#: relative to sigma_1; 1e-5 is 75 times that.
SVD_RTOL = 1e-5
#: A warm start from the exact singular vectors is exact after one Rayleigh-Ritz step, up to
#: rounding (~1e-15 relative to sigma_1).
WARM_RTOL = 1e-10
#: Orthonormality of returned vectors (QR / eigh in float64: ~1e-15).
ORTHO_ATOL = 1e-8
#: Training replays: the student's float64 run and the grader's numpy replay differ only by
#: rounding, amplified by at most a few epochs of the (contractive on the sphere) update.
TRAIN_RTOL = 1e-7
#: Tracked top singular values and ||W||_op: estimates of iterative methods stopped by a residual
#: test; on the replay problems the reference's err by < 2e-4 relative (measured over 400 random
#: problems: 1.6e-5 for the gradient's, 3e-5 for ||W||_op; over 100 random W0 of 60 x 80, whose top
#: singular values are close: 1.1e-4); 1e-3 is 9 times the worst.  A cold power iteration of 5
#: steps per epoch errs by 2.3e-2 to 0.1 on those random W0.
TRACK_RTOL = 1e-3
#: Alignments and the angle are |cosines| of unit vectors / angles in radians of the leading right
#: singular vector of G; measured reference error over 400 problems: 2.2e-4; a wrong vector or
#: residue is off by > 0.05.
ALIGN_ATOL = 1e-3
#: Epochs whose gradient has sigma_2 / sigma_1 above this are left out of the alignment comparison:
#: there the leading vector is nearly degenerate (measured maximum over 400 problems: 0.97).
ALIGN_MAX_GAP = 0.98
#: Qualitative checks, measured with the reference pipeline (its gen_data, teacher_targets,
#: init_network, train) on 1500 data sets of the checks' size (n = 300, d = 200, k = 60), gamma = 1:
#: nu = 0: residue alignment >= 0.966, spike alignment <= 0.375 (typically ~sqrt(2 / d) = 0.1:
#: the threshold 0.55 is > 5 of those standard deviations);
#: nu = 3/4: spike alignment >= 0.884 (sigmoid; ReLU >= 0.996), residue alignment <= 0.52;
#: nu = 0: s1 / ||G||_F >= 0.967 for sigmoid, <= 0.807 for ReLU (difference >= 0.16); s2 / s1
#: <= 0.083 (sigmoid), >= 0.188 (ReLU).  Every threshold below is >= 0.06 away from every
#: measured value; a different order of draws (a valid alternative) gives other data sets from
#: the same distributions.
SMALL_NU_RESIDUE_MIN = 0.9
SMALL_NU_SPIKE_MAX = 0.55
LARGE_NU_SPIKE_MIN = 0.75
LARGE_NU_RESIDUE_MAX = 0.7
SIGMOID_RANK_ONE_MIN = 0.9
RANK_ONE_MARGIN = 0.08
#: s2 / s1 of sigmoid must be below ReLU's by this much (measured gap >= 0.188 - 0.083 = 0.1): a
#: strict "<" alone would let two equal ratios pass or fail by one ulp of rounding.
RATIO_MARGIN = 0.05
#: Sizes of the qualitative checks (d > n^(1/2) spreads X^T r over many directions; a pipeline run
#: takes ~10 ms).
QUAL_N, QUAL_D, QUAL_K = 300, 200, 60


# --- helpers ----------------------------------------------------------------------------------
def _has_handle(value) -> bool:
    if type(value) is Handle:
        return True
    if type(value) in (list, tuple):
        return any(_has_handle(v) for v in value)
    if type(value) is dict:
        return any(_has_handle(v) for v in value.values())
    return False


def _plain(impl, value, call: str):
    """A result with tensors read back through the notebook's ``as_numpy``."""
    __tracebackhide__ = True
    if _has_handle(value):
        value = impl.as_numpy(value)
    if _has_handle(value):
        bad = value if type(value) is Handle else next(v for v in (value.values() if type(value) is dict else value)
                                                       if _has_handle(v))
        fail(call, describe_type(bad), "torch tensors (or numpy arrays)",
             hint="return tensors; `as_numpy` (given) must turn them into numpy arrays - do not change it")
    return value


def _result(impl, name: str, *args, **kwargs):
    """``(call, plain result)`` of ``impl.<name>(*args, **kwargs)``."""
    __tracebackhide__ = True
    call = call_repr(name, args, kwargs, arrays_by_shape=True)
    return call, _plain(impl, impl.call(name, *args, **kwargs), call)


def _array(value, call: str, shape: tuple, dtype=np.float64, what: str = "", hint: str | None = None) -> np.ndarray:
    __tracebackhide__ = True
    if type(value) is np.ndarray and value.shape != tuple(shape) and value.dtype.kind == "f":
        fail(call, f"an array of shape {value.shape}", f"{what or 'a float tensor'} of shape {shape}", hint=hint)
    arr = expect_array(value, call, shape=shape, what=f"{what or 'a float tensor'} of shape {shape}")
    if dtype is not None and arr.dtype != dtype:
        fail(call, f"a {arr.dtype} result", f"{np.dtype(dtype).name}, the dtype of the inputs",
             hint="compute in the inputs' dtype: torch.as_tensor keeps it; do not hard-code .double() or .float()")
    return arr


def _tuple(value, call: str, size: int, names: str) -> tuple:
    __tracebackhide__ = True
    if type(value) not in (tuple, list) or len(value) != size:
        fail(call, describe_type(value) if type(value) not in (tuple, list) else f"{len(value)} values",
             f"a tuple of {size} tensors {names}")
    return tuple(value)


def _unit(rng: np.random.Generator, d: int) -> np.ndarray:
    v = rng.standard_normal(d)
    return v / np.linalg.norm(v)


def _act(z: np.ndarray, act: str) -> np.ndarray:
    if act == "relu":
        return np.maximum(z, 0.0)
    if act == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * z))
    return np.tanh(z)


def _act_prime(z: np.ndarray, act: str) -> np.ndarray:
    if act == "relu":
        return (z > 0).astype(np.float64)
    if act == "sigmoid":
        s = _act(z, act)
        return s * (1.0 - s)
    return 1.0 - np.tanh(z) ** 2


def _forward(X, W, a, gamma, act):
    return gamma * (_act(W @ X.T, act).T @ a)


def _gradient(X, y, W, a, gamma, act):
    Z = W @ X.T
    r = gamma * (a @ _act(Z, act)) - y
    return ((_act_prime(Z, act) * a[:, None] * r[None, :]) @ X) * (gamma / X.shape[0])


def _autograd(X, y, W, a, gamma, act):
    """torch.autograd's gradient of L = ||gamma sigma(X W^T) a - y||^2 / (2n), in float64."""
    import torch

    Wt = torch.tensor(W, dtype=torch.float64, requires_grad=True)
    Xt, yt, at = (torch.tensor(v, dtype=torch.float64) for v in (X, y, a))
    act_fn = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}[act]
    r = gamma * (act_fn(Xt @ Wt.T) @ at) - yt
    (0.5 * (r @ r) / X.shape[0]).backward()
    return Wt.grad.numpy().copy()


def _problem(rng: np.random.Generator, n: int, d: int, k: int, *, nu: float = 0.3) -> dict:
    """A small spiked problem drawn by the grader (numpy, float64)."""
    q = _unit(rng, d)
    beta = _unit(rng, d)
    X_B = rng.standard_normal((n, d))
    X = X_B + n**nu * np.outer(rng.standard_normal(n), q)
    X_test = rng.standard_normal((n, d)) + n**nu * np.outer(rng.standard_normal(n), q)
    y = _act(X @ beta, "sigmoid") + rng.standard_normal(n)
    y_test = _act(X_test @ beta, "sigmoid") + rng.standard_normal(n)
    W = rng.standard_normal((k, d))
    W /= np.linalg.norm(W, axis=1, keepdims=True)
    a = rng.choice([-1.0, 1.0], size=k) / math.sqrt(k)
    return {"X": X, "y": y, "X_B": X_B, "q": q, "X_test": X_test, "y_test": y_test, "W": W, "a": a}


def _data(p: dict) -> dict:
    return {key: p[key] for key in ("X", "y", "X_B", "q", "X_test", "y_test")}


def _with_singular_values(rng: np.random.Generator, k: int, d: int, sv: np.ndarray):
    """``U diag(sv) V^T`` with random orthogonal U (k x p), V (d x p); returns (A, V)."""
    p = len(sv)
    U = np.linalg.qr(rng.standard_normal((k, p)))[0]
    V = np.linalg.qr(rng.standard_normal((d, p)))[0]
    return (U * sv) @ V.T, V


# --- 1. data ----------------------------------------------------------------------------------
@checks.check("gen_data")
def check_gen_data_spike_structure(impl, *, rng):
    """gen_data returns (X, X_B, z) of shapes (n, d), (n, d), (n,) in q's dtype with X - X_B =
    zeta z q^T exactly; the same seed gives the same data, another seed other data."""
    n, d = 7, 5
    for dtype, rtol in ((np.float64, RTOL64), (np.float32, RTOL32)):
        q = _unit(rng, d).astype(dtype)
        zeta, alpha, seed = float(rng.uniform(1.5, 4.0)), float(rng.uniform(0.0, 2.0)), int(rng.integers(2**31))
        call, value = _result(impl, "gen_data", n, d, zeta, q, alpha, seed)
        X, X_B, z = _tuple(value, call, 3, "(X, X_B, z)")
        X = _array(X, call, (n, d), dtype, "X")
        X_B = _array(X_B, call, (n, d), dtype, "X_B")
        z = _array(z, call, (n,), dtype, "z")
        spike = X.astype(np.float64) - X_B.astype(np.float64)
        expected = zeta * np.outer(z.astype(np.float64), q.astype(np.float64))
        assert_close(spike, expected, call, rtol=rtol, atol=rtol * float(np.abs(expected).max()),
                     rule="X - X_B must be the spike zeta * z q^T",
                     hint="X = X_B + zeta * z[:, None] * q[None, :] (z of shape (n,), q of shape (d,))")
        _, again = _result(impl, "gen_data", n, d, zeta, q, alpha, seed)
        if not np.array_equal(np.asarray(again[0]), X):
            fail(call + " twice", "different X", "the same data for the same seed",
                 hint="draw from make_generator(generator, q.device), never from the global generator")
        _, other = _result(impl, "gen_data", n, d, zeta, q, alpha, seed + 1)
        if np.array_equal(np.asarray(other[0]), X):
            fail(call_repr("gen_data", (n, d, zeta, q, alpha, seed + 1)), "the same X as with seed "
                 f"{seed}", "different data for a different seed", hint="seed the generator with `generator`")


@checks.check("gen_data")
def check_gen_data_bulk_covariance(impl, *, rng):
    """The bulk's rows have covariance diag(i^-alpha) (the seed's Sigma = diag(i^(-alpha/2)) scales
    the columns) and z ~ N(0, 1), independent of the bulk: sample moments of n = 4000 rows."""
    n, d = 4000, 6
    q = _unit(rng, d)
    for alpha in (0.0, 1.5):
        seed = int(rng.integers(2**31))
        call, value = _result(impl, "gen_data", n, d, 2.0, q, alpha, seed)
        _, X_B, z = _tuple(value, call, 3, "(X, X_B, z)")
        X_B = _array(X_B, call, (n, d), None, "X_B").astype(np.float64)
        z = _array(z, call, (n,), None, "z").astype(np.float64)
        var = X_B.var(axis=0)
        expected = np.arange(1, d + 1) ** -alpha
        # The sample variance of n normals has relative standard error sqrt(2 / n).
        assert_close(var, expected, call, rtol=SIGMAS * math.sqrt(2 / n), atol=0.0,
                     rule=f"column i of X_B must have variance i^-alpha (alpha = {alpha:g})",
                     hint="X_B = N * torch.arange(1, d + 1) ** (-alpha / 2): the seed's Sigma holds the "
                          "standard deviations i^(-alpha/2), so the variances are i^-alpha")
        corr = np.corrcoef(np.column_stack([X_B, z]), rowvar=False)
        off = np.abs(corr - np.eye(d + 1)).max()
        if off > SIGMAS / math.sqrt(n):
            fail(call, f"columns of (X_B, z) with a sample correlation of {off:.3f}",
                 f"independent columns (|correlation| <= {SIGMAS / math.sqrt(n):.3f} for n = {n})",
                 hint="draw X_B and z as independent standard normals")
        if abs(z.mean()) > SIGMAS / math.sqrt(n) or abs(z.var() - 1) > SIGMAS * math.sqrt(2 / n):
            fail(call, f"z with mean {z.mean():.3f} and variance {z.var():.3f}", "z ~ N(0, 1)",
                 hint="z = torch.randn(n, generator=gen)")


@checks.check("teacher_targets")
def check_teacher_targets_definition(impl, *, rng):
    """teacher_targets gives y = act(X beta) exactly for tau = 0 (every activation), and noise
    y - act(X beta) of mean 0 and standard deviation tau otherwise, reproducibly."""
    n, d = 9, 4
    X = rng.standard_normal((n, d))
    beta = _unit(rng, d)
    for act in ACTIVATIONS:
        call, y = _result(impl, "teacher_targets", X, beta, act, 0.0, 0)
        y = _array(y, call, (n,), np.float64, "y")
        assert_close(y, _act(X @ beta, act), call, rtol=RTOL64, atol=ATOL64,
                     rule=f"without noise y must be {act}(X beta)", hint="y = activation(X @ beta, act), "
                     "for all rows at once")
    call, y32 = _result(impl, "teacher_targets", X.astype(np.float32), beta.astype(np.float32), "sigmoid", 0.0, 0)
    _array(y32, call, (n,), np.float32, "y")
    n, d, tau = 4000, 3, float(rng.uniform(0.3, 0.6))
    X = rng.standard_normal((n, d))
    beta = _unit(rng, d)
    seed = int(rng.integers(2**31))
    call, y = _result(impl, "teacher_targets", X, beta, "sigmoid", tau, seed)
    noise = _array(y, call, (n,), np.float64, "y") - _act(X @ beta, "sigmoid")
    if abs(noise.mean()) > SIGMAS * tau / math.sqrt(n) or abs(noise.std() / tau - 1) > SIGMAS / math.sqrt(2 * n):
        fail(call, f"y - sigmoid(X beta) with mean {noise.mean():.4f} and standard deviation {noise.std():.4f}",
             f"noise of mean 0 and standard deviation tau = {tau:.4f}",
             hint="y = activation(X @ beta, act) + tau * torch.randn(n, generator=gen)")
    _, again = _result(impl, "teacher_targets", X, beta, "sigmoid", tau, seed)
    if not np.array_equal(np.asarray(again), np.asarray(y)):
        fail(call + " twice", "different targets", "the same targets for the same seed",
             hint="draw the noise from make_generator(generator, X.device)")


# --- 2. network ---------------------------------------------------------------------------------
@checks.check("init_network")
def check_init_network_distribution(impl, *, rng):
    """W has unit rows, uniform on the sphere (moments); outer="sign" gives a_i = +-1/sqrt(k), both
    signs equally likely (the seed's draw gave {-1/sqrt(k), 0}); "gaussian" gives N(0, 1/k)."""
    k, d = 2000, 5
    seed = int(rng.integers(2**31))
    call, value = _result(impl, "init_network", k, d, seed, "sign", "float64")
    W, a = _tuple(value, call, 2, "(W, a)")
    W = _array(W, call, (k, d), np.float64, "W")
    a = _array(a, call, (k,), np.float64, "a")
    norms = np.linalg.norm(W, axis=1)
    assert_close(norms, np.ones(k), call, rtol=RTOL64, atol=ATOL64, rule="the rows of W must have norm 1",
                 hint="divide each row by its norm: W / W.norm(dim=1, keepdim=True)")
    # Uniform on the sphere: E w = 0 and E w w^T = I / d; var(w_j) = 1/d, var(w_j^2) = 2(d-1)/(d^2(d+2)).
    mean_err = np.abs(W.mean(axis=0)).max()
    second = (W**2).mean(axis=0)
    sd2 = math.sqrt(2 * (d - 1) / (d**2 * (d + 2)) / k)
    if mean_err > SIGMAS / math.sqrt(d * k) or np.abs(second - 1 / d).max() > SIGMAS * sd2:
        fail(call, f"rows with coordinate means {short(W.mean(axis=0), precision=3)} and mean squares "
             f"{short(second, precision=3)}", f"rows uniform on the sphere: means 0, mean squares 1/d = {1 / d:g}",
             hint="normalise rows of standard normal entries (uniform entries are not rotation invariant)")
    root = math.sqrt(k)
    if not np.allclose(np.abs(a), 1 / root, rtol=RTOL64, atol=0):
        values = np.unique(np.round(a * root, 6))
        fail(call, f"outer weights a with values {short(values)} / sqrt(k)", "a_i = +1/sqrt(k) or -1/sqrt(k)",
             hint="(2 * torch.randint(0, 2, (k,)) - 1) / sqrt(k); the seed's (randint(0, 2) - 1) / sqrt(k) "
                  "gives -1/sqrt(k) and 0")
    plus = float(np.mean(a > 0))
    if abs(plus - 0.5) > SIGMAS * 0.5 / root:
        fail(call, f"a fraction {plus:.3f} of positive outer weights", "both signs equally likely (1/2)")
    call, value = _result(impl, "init_network", k, d, seed, "gaussian", "float32")
    W32, a = _tuple(value, call, 2, "(W, a)")
    _array(W32, call, (k, d), np.float32, "W")
    a = _array(a, call, (k,), np.float32, "a").astype(np.float64)
    if abs(a.mean()) > SIGMAS / k or abs(k * a.var() - 1) > SIGMAS * math.sqrt(2 / k):
        fail(call, f"outer weights with mean {a.mean():.2e} and variance {a.var():.2e}",
             f"a_i ~ N(0, 1/k): mean 0, variance {1 / k:.2e}", hint="torch.randn(k, generator=gen) / sqrt(k)")


@checks.check("network_forward")
def check_forward_formula(impl, *, rng):
    """network_forward(X, W, a, gamma, act) = gamma * sigma(X W^T) a, gamma applied once (linear in
    gamma), for every activation, in the inputs' dtype."""
    n, d, k = 6, 4, 5
    X, W, a = rng.standard_normal((n, d)), rng.standard_normal((k, d)), rng.standard_normal(k)
    for act in ACTIVATIONS:
        gamma = float(rng.uniform(0.1, 0.6))
        call, f = _result(impl, "network_forward", X, W, a, gamma, act)
        f = _array(f, call, (n,), np.float64, "f(X)")
        assert_close(f, _forward(X, W, a, gamma, act), call, rtol=RTOL64, atol=ATOL64,
                     rule=f"f(X) = gamma * {act}(X W^T) a",
                     hint="apply gamma once: the seed's network_forward multiplies by gamma twice")
        call2, f2 = _result(impl, "network_forward", X, W, a, 2 * gamma, act)
        assert_close(_array(f2, call2, (n,), np.float64, "f(X)"), 2 * f, call2, rtol=RTOL64, atol=ATOL64,
                     rule="doubling gamma must double the output (f is linear in gamma)",
                     hint="gamma multiplies the output once")
    call, f32 = _result(impl, "network_forward", *(v.astype(np.float32) for v in (X, W, a)), 0.5, "sigmoid")
    expected = _forward(X.astype(np.float32).astype(np.float64), W.astype(np.float32).astype(np.float64),
                        a.astype(np.float32).astype(np.float64), 0.5, "sigmoid")
    assert_close(_array(f32, call, (n,), np.float32, "f(X)"), expected, call, rtol=RTOL32,
                 atol=RTOL32 * float(np.abs(expected).max()))


@checks.check("loss")
def check_loss_formula(impl, *, rng):
    """loss(X, y, W, a, gamma, act) = ||f(X) - y||^2 / (2 n), a 0-d tensor (read as a float)."""
    n, d, k = 8, 3, 5
    for act in ACTIVATIONS:
        X, y, W, a = rng.standard_normal((n, d)), rng.standard_normal(n), rng.standard_normal((k, d)), \
            rng.standard_normal(k)
        gamma = float(rng.uniform(0.2, 1.5))
        call, value = _result(impl, "loss", X, y, W, a, gamma, act)
        value = expect_float(value, call)
        r = _forward(X, W, a, gamma, act) - y
        assert_close(value, 0.5 * (r @ r) / n, call, rtol=RTOL64, atol=ATOL64,
                     rule="L = ||f(X) - y||^2 / (2 n)", hint="the mean of the squared residues, halved")


_SHAPE_HINT = "the gradient has the shape (k, d) of W; the seed's get_G returns its transpose (d, k)"


# --- the gradient -----------------------------------------------------------------------------------
@checks.check("gradient_W")
def check_gradient_matches_autograd(impl, *, rng):
    """gradient_W equals torch.autograd's gradient of L with respect to W: shape (k, d) like W, every
    activation, gamma != 1; float32 inputs give a float32 gradient."""
    n, d, k = 7, 4, 6
    for act in ACTIVATIONS:
        X, y, W, a = rng.standard_normal((n, d)), rng.standard_normal(n), rng.standard_normal((k, d)), \
            rng.standard_normal(k)
        gamma = float(rng.uniform(0.2, 0.8))
        call, G = _result(impl, "gradient_W", X, y, W, a, gamma, act)
        G = _array(G, call, (k, d), np.float64, "a gradient", hint=_SHAPE_HINT)
        assert_gradient(G, _autograd(X, y, W, a, gamma, act), call, rtol=AUTOGRAD_RTOL,
                        hint="G = (gamma / n) [(a r^T) * sigma'(W X^T)] X with r = f(X) - y, in the shape "
                             "of W (the seed's get_G returns the transpose and omits gamma)",
                        what="gradient (vs autograd)")
    X, y, W, a = (v.astype(np.float32) for v in (rng.standard_normal((n, d)), rng.standard_normal(n),
                                                  rng.standard_normal((k, d)), rng.standard_normal(k)))
    call, G32 = _result(impl, "gradient_W", X, y, W, a, 0.5, "tanh")
    expected = _autograd(*(v.astype(np.float64) for v in (X, y, W, a)), 0.5, "tanh")
    assert_close(_array(G32, call, (k, d), np.float32, "a gradient"), expected, call, rtol=RTOL32,
                 atol=RTOL32 * float(np.abs(expected).max()))


@checks.check("gradient_W")
def check_gradient_consistent_with_loss(impl, *, rng):
    """gradient_W agrees with central differences of your own loss (tanh: smooth), worst coordinate
    reported."""
    n, d, k = 5, 3, 2
    for act in ("tanh",):
        X, y, W, a = rng.standard_normal((n, d)), rng.standard_normal(n), rng.standard_normal((k, d)), \
            rng.standard_normal(k)
        gamma = float(rng.uniform(0.3, 0.8))
        call, G = _result(impl, "gradient_W", X, y, W, a, gamma, act)
        G = _array(G, call, (k, d), np.float64, "a gradient", hint=_SHAPE_HINT)

        def L(w: np.ndarray) -> float:
            c, value = _result(impl, "loss", X, y, w, a, gamma, act)
            return expect_float(value, c)

        assert_gradient(G, numeric_gradient(L, W), call, what="gradient (vs central differences of your loss)",
                        hint="loss and gradient_W must describe the same L = ||f(X) - y||^2 / (2 n)")


@checks.check("rank_one_split")
def check_split_sums_to_gradient(impl, *, rng):
    """rank_one_split returns (S1, R), both of shape (k, d), with S1 + R the gradient (default mu:
    the sample mean of sigma'), also with an explicit mu."""
    n, d, k = 9, 4, 6
    for act, mu in (("relu", None), ("sigmoid", None), ("tanh", "given")):
        X, y, W, a = rng.standard_normal((n, d)), rng.standard_normal(n), rng.standard_normal((k, d)), \
            rng.standard_normal(k)
        gamma = float(rng.uniform(0.2, 1.2))
        kwargs = {} if mu is None else {"mu": rng.uniform(0.1, 0.9, size=k)}
        call, value = _result(impl, "rank_one_split", X, y, W, a, gamma, act, **kwargs)
        S1, R = _tuple(value, call, 2, "(S1, R)")
        S1 = _array(S1, call, (k, d), np.float64, "S1")
        R = _array(R, call, (k, d), np.float64, "R")
        G = _autograd(X, y, W, a, gamma, act)
        assert_close(S1 + R, G, call, rtol=RTOL64, atol=RTOL64 * float(np.abs(G).max()),
                     rule="S1 + R must be the gradient", hint="R = (gamma / n) [(a r^T) * (sigma'(W X^T) - mu 1^T)] X")


@checks.check("rank_one_split")
def check_split_rank_one_part(impl, *, rng):
    """S1 = (gamma / n) (a * mu) (X^T r)^T, rank one, with mu_i the mean of sigma'(w_i . x_j) over
    the samples by default, and the given mu when one is passed."""
    n, d, k = 9, 4, 6
    for act, given in (("sigmoid", False), ("relu", False), ("sigmoid", True)):
        X, y, W, a = rng.standard_normal((n, d)), rng.standard_normal(n), rng.standard_normal((k, d)), \
            rng.standard_normal(k)
        gamma = float(rng.uniform(0.2, 1.2))
        Z = W @ X.T
        mu = rng.uniform(0.1, 0.9, size=k) if given else _act_prime(Z, act).mean(axis=1)
        kwargs = {"mu": mu} if given else {}
        call, value = _result(impl, "rank_one_split", X, y, W, a, gamma, act, **kwargs)
        S1, _ = _tuple(value, call, 2, "(S1, R)")
        S1 = _array(S1, call, (k, d), np.float64, "S1")
        r = gamma * (a @ _act(Z, act)) - y
        expected = (gamma / n) * np.outer(a * mu, X.T @ r)
        assert_close(S1, expected, call, rtol=RTOL64, atol=RTOL64 * float(np.abs(expected).max()),
                     rule="S1 = (gamma / n) (a * mu) (X^T r)^T" + (" with the given mu" if given else
                                                                   ", mu_i = mean_j sigma'(w_i . x_j)"),
                     hint="use the `mu` argument when it is given" if given else
                     "mu = sigma'(W X^T).mean(dim=1): one mean per neuron, over the samples")


# --- 3. linear algebra -------------------------------------------------------------------------
@st.composite
def _subspace_pairs(draw):
    d = draw(st.integers(1, 7))
    A = draw(strategies.matrices_of_rank(rows=st.just(d), cols=st.integers(1, d + 1)))
    B = draw(strategies.matrices_of_rank(rows=st.just(d), cols=st.integers(1, d + 1)))
    return A, B


def _angles(impl, A, B) -> tuple[str, np.ndarray]:
    call, theta = _result(impl, "principal_angles", A, B)
    theta = expect_array(theta, call, what="a float tensor of angles")
    if theta.ndim != 1:
        fail(call, f"an array of shape {theta.shape}", "a 1-D tensor of angles")
    return call, theta.astype(np.float64)


@checks.check("principal_angles")
def check_angles_match_scipy(impl, *, rng):
    """principal_angles(A, B) equals scipy.linalg.subspace_angles(A, B) in ascending order (as many
    angles as min(rank A, rank B)), on matrices of every rank."""

    @hypo.given(_subspace_pairs(), max_examples=12,
                examples=[((np.eye(3)[:, :2], np.eye(3)[:, 1:]),), ((np.ones((4, 1)), np.eye(4)[:, :3]),)])
    def prop(pair):
        A, B = pair
        call, theta = _angles(impl, A, B)
        rA, rB = np.linalg.matrix_rank(A), np.linalg.matrix_rank(B)
        expected = np.sort(scipy.linalg.subspace_angles(A, B)) if rA and rB else np.zeros(0)
        if theta.shape != expected.shape:
            fail(call, f"{theta.size} angle(s) {short(theta)}",
                 f"{expected.size} = min(rank A, rank B) angles (ranks {rA} and {rB})",
                 hint="use orthonormal bases of the numerical column spaces (drop singular values below "
                      "eps * max(shape) * s_max), not the raw columns")
        assert_close(theta, expected, call, rtol=0.0, atol=ANGLE_ATOL,
                     rule="the principal angles must be scipy.linalg.subspace_angles', ascending, in radians",
                     hint="cosines are the singular values of Q_A^T Q_B with orthonormal bases Q_A, Q_B")

    prop()


@checks.check("principal_angles")
def check_angles_invariances(impl, *, rng):
    """Angles lie in [0, pi/2], ascending; they do not change under a change of basis (A -> A M) or
    when A and B swap; span(A) has angle 0 with itself, pi/2 with its orthogonal complement, and a
    plane rotated by theta (even 1e-6 rad) has angle theta."""
    d = 6
    A = rng.standard_normal((d, 3))
    B = rng.standard_normal((d, 2))
    call, theta = _angles(impl, A, B)
    if theta.size != 2 or np.any(theta < -ANGLE_ATOL) or np.any(theta > np.pi / 2 + ANGLE_ATOL):
        fail(call, f"angles {short(theta)}", "two angles in [0, pi/2] radians",
             hint="radians, not degrees: arccos of the cosines (or arcsin of the sines)")
    if np.any(np.diff(theta) < 0):
        fail(call, f"angles {short(theta)}", "ascending order", hint="sort them, smallest first")
    M = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    c2, theta2 = _angles(impl, A @ M, B * 5.0)
    assert_close(theta2, theta, c2, rtol=0, atol=ANGLE_ATOL,
                 rule="the angles depend only on the column spaces (A -> A M, B -> 5 B)",
                 hint="orthonormalise the columns before taking cosines")
    c3, theta3 = _angles(impl, B, A)
    assert_close(theta3, theta, c3, rtol=0, atol=ANGLE_ATOL, rule="principal_angles(B, A) = principal_angles(A, B)")
    c4, theta4 = _angles(impl, A, A @ M)
    assert_close(theta4, np.zeros(3), c4, rtol=0, atol=ANGLE_ATOL, rule="a subspace has angles 0 with itself")
    Q = np.linalg.qr(rng.standard_normal((d, d)))[0]
    c5, theta5 = _angles(impl, Q[:, :2], Q[:, 2:5])
    assert_close(theta5, np.full(2, np.pi / 2), c5, rtol=0, atol=ANGLE_ATOL,
                 rule="orthogonal subspaces have angles pi/2")
    for angle in (1e-6, 0.3, 1.2):
        rotated = np.column_stack([np.cos(angle) * Q[:, 0] + np.sin(angle) * Q[:, 2], Q[:, 1]])
        c6, theta6 = _angles(impl, Q[:, :2], rotated)
        assert_close(theta6, np.array([0.0, angle]), c6, rtol=0, atol=ANGLE_ATOL,
                     rule=f"a plane turned by {angle:g} rad about one of its lines has angles (0, {angle:g})",
                     hint="below pi/4 take the angles from the sines, arcsin of the singular values of "
                          "Q_B - Q_A Q_A^T Q_B" if angle < 1e-3 else None)


def _power(impl, A, *args, **kwargs):
    call, value = _result(impl, "largest_singular_value", A, *args, **kwargs)
    sigma, v = _tuple(value, call, 2, "(sigma, v)")
    sigma = expect_float(sigma, call)
    v = _array(v, call, (A.shape[1],), None, "v").astype(np.float64)
    return call, sigma, v


@checks.check("largest_singular_value")
def check_power_iteration_accuracy(impl, *, rng):
    """With its defaults, largest_singular_value(A) returns (||A v||, v) with v a unit vector and
    ||A v|| a lower bound within 1e-6 (relative) of sigma_1 when sigma_2 / sigma_1 <= 0.9."""
    for k, d in ((30, 20), (15, 25), (40, 40)):
        m = min(k, d)
        top = rng.uniform(1.0, 3.0)
        sv = np.concatenate([[top, POWER_GAP * top], np.sort(rng.uniform(0.0, POWER_GAP * top, size=m - 2))[::-1]])
        A, _ = _with_singular_values(rng, k, d, sv)
        call, sigma, v = _power(impl, A)
        if abs(np.linalg.norm(v) - 1) > ORTHO_ATOL:
            fail(call, f"v of norm {np.linalg.norm(v):.6g}", "a unit vector v", hint="normalise v after each step")
        assert_close(sigma, np.linalg.norm(A @ v), call, rtol=RTOL64, atol=0.0,
                     rule="sigma must be ||A v|| for the returned v")
        if sigma > sv[0] * (1 + RTOL64):
            fail(call, f"sigma = {sigma!r}", f"a lower bound of sigma_1 = {sv[0]!r}")
        assert_close(sigma, sv[0], call, rtol=POWER_RTOL, atol=0.0,
                     rule=f"power iteration must reach sigma_1 (sigma_2 / sigma_1 <= {POWER_GAP})",
                     hint="iterate v <- A^T A v / ||A^T A v|| until the estimate changes by at most tol "
                          "(default max_iter=1000, tol=1e-9)")


@checks.check("largest_singular_value")
def check_power_iteration_warm_start(impl, *, rng):
    """A warm start is used: from v0 = the top right singular vector one step is exact; with
    max_iter=0 the result is ||A v0|| / ||v0|| and the normalised v0."""
    k, d = 12, 9
    sv = np.sort(rng.uniform(0.5, 2.0, size=d))[::-1]
    A, V = _with_singular_values(rng, k, d, sv)
    call, sigma, _ = _power(impl, A, V[:, 0], max_iter=1)
    assert_close(sigma, sv[0], call, rtol=WARM_RTOL, atol=0.0,
                 rule="starting from the top singular vector, one step must be exact",
                 hint="start from v0 when it is given (a warm start), not from a random vector")
    v0 = rng.standard_normal(d) * 3.0
    call, sigma, v = _power(impl, A, v0, max_iter=0)
    assert_close(v, v0 / np.linalg.norm(v0), call, rtol=RTOL64, atol=ATOL64,
                 rule="with max_iter=0 the result is the normalised v0", hint="normalise v0 first")
    assert_close(sigma, np.linalg.norm(A @ v0) / np.linalg.norm(v0), call, rtol=RTOL64, atol=0.0,
                 rule="with max_iter=0 sigma is ||A v0|| / ||v0||")


def _top(impl, A, m, *args, **kwargs):
    call, value = _result(impl, "top_singular", A, m, *args, **kwargs)
    S, V = _tuple(value, call, 2, "(S, V)")
    S = _array(S, call, (m,), None, "S").astype(np.float64)
    V = expect_array(V, call, what="a (d, b) tensor V").astype(np.float64)
    if V.ndim != 2 or V.shape[0] != A.shape[1] or V.shape[1] < m:
        fail(call, f"V of shape {V.shape}", f"shape (d, b) = ({A.shape[1]}, b) with b >= m = {m}")
    return call, S, V


@checks.check("top_singular")
def check_top_singular_matches_svdvals(impl, *, rng):
    """top_singular(A, m) returns the m largest singular values (descending, within 1e-5 of numpy's
    SVD) and orthonormal V whose first m columns satisfy ||A V[:, i]|| = S[i]."""
    for k, d, m in ((40, 30, 3), (25, 50, 2), (60, 60, 4)):
        p = min(k, d)
        top = np.sort(rng.uniform(1.0, 4.0, size=m))[::-1] + np.arange(m, 0, -1) * 0.3
        rest = np.sort(rng.uniform(0.0, 0.5 * top[-1], size=p - m))[::-1]
        sv = np.concatenate([top, rest])
        A, _ = _with_singular_values(rng, k, d, sv)
        call, S, V = _top(impl, A, m)
        assert_close(S, sv[:m], call, rtol=0.0, atol=SVD_RTOL * sv[0],
                     rule="S must hold the m largest singular values, largest first",
                     hint="orthonormalise the block (QR) at every step, or all columns converge to v_1")
        gram = V.T @ V
        assert_close(gram, np.eye(V.shape[1]), call, rtol=0, atol=ORTHO_ATOL, rule="V must have orthonormal columns")
        assert_close(np.linalg.norm(A @ V[:, :m], axis=0), S, call, rtol=0, atol=SVD_RTOL * sv[0],
                     rule="||A V[:, i]|| must be S[i]: V's first columns are the Ritz vectors of S, in order",
                     hint="return V @ P with P the eigenvectors of Y^T Y (Rayleigh-Ritz), sorted like S")


@checks.check("top_singular")
def check_top_singular_warm_start(impl, *, rng):
    """A warm start is used: from V0 spanning the top b right singular vectors (in any basis), one
    Rayleigh-Ritz step (max_iter=1) gives the exact singular values."""
    k, d, m, b = 30, 20, 3, 5
    sv = np.sort(rng.uniform(0.2, 3.0, size=d))[::-1]
    A, V = _with_singular_values(rng, k, d, sv)
    V0 = V[:, :b] @ np.linalg.qr(rng.standard_normal((b, b)))[0] * 2.0
    call, S, _ = _top(impl, A, m, V0, max_iter=1)
    assert_close(S, sv[:m], call, rtol=0.0, atol=WARM_RTOL * sv[0],
                 rule="from the exact top subspace one Rayleigh-Ritz step must be exact",
                 hint="start from V0 when it is given (orthonormalise it first), not from random vectors")


@checks.check("relative_projection_norm")
def check_projection_norm_properties(impl, *, rng):
    """relative_projection_norm(W, X, y, q) = ||W Q||_F / ||W||_F (Q an orthonormal basis of
    span(X^T y, q)): a float in [0, 1], 1 for rows in the span, 0 for rows orthogonal to it,
    invariant to scaling W, y and q; the span is 1-D when X^T y is parallel to q."""
    n, d, k = 10, 6, 4
    X, y, W, q = rng.standard_normal((n, d)), rng.standard_normal(n), rng.standard_normal((k, d)), _unit(rng, d)

    def value(*args):
        c, v = _result(impl, "relative_projection_norm", *args)
        return c, expect_float(v, c)

    call, got = value(W, X, y, q)
    Q = np.linalg.qr(np.column_stack([X.T @ y, q]))[0]
    expected = np.linalg.norm(W @ Q) / np.linalg.norm(W)
    assert_close(got, expected, call, rtol=RTOL64, atol=ATOL64, rule="the value is ||W Q||_F / ||W||_F",
                 hint="Q: orthonormal basis of span(X^T y, q); ||P_S W||_F = ||W Q||_F")
    c2, scaled = value(3.0 * W, X, -2.0 * y, 0.5 * q)
    assert_close(scaled, got, c2, rtol=RTOL64, atol=ATOL64, rule="scaling W, y or q must not change the value")
    inside = rng.standard_normal((k, 2)) @ Q.T
    c3, one = value(inside, X, y, q)
    assert_close(one, 1.0, c3, rtol=0, atol=1e-9, rule="rows inside span(X^T y, q) give 1")
    outside = rng.standard_normal((k, d))
    outside -= outside @ Q @ Q.T
    c4, zero = value(outside, X, y, q)
    assert_close(zero, 0.0, c4, rtol=0, atol=1e-9, rule="rows orthogonal to span(X^T y, q) give 0")
    # X^T y parallel to q: the span is the line of q; a QR of the two columns invents a second,
    # round-off direction.
    q_par = X.T @ y / np.linalg.norm(X.T @ y)
    perp = rng.standard_normal((k, d))
    perp -= np.outer(perp @ q_par, q_par)
    c5, zero = value(perp, X, y, q_par)
    assert_close(zero, 0.0, c5, rtol=0, atol=1e-6,
                 rule="with X^T y parallel to q the span is one line: rows orthogonal to it give 0",
                 hint="take a rank-revealing basis (SVD, keep singular values above eps * max(shape) * s_max); "
                      "QR of two parallel columns adds a spurious direction")


# --- 4. training ----------------------------------------------------------------------------------------
def _replay(p: dict, gamma: float, lr: float, epochs: int, act: str) -> dict:
    """The grader's float64 replay of train: W_t, and every tracked quantity at W_t."""
    X, y, X_B, q, X_test, y_test = (p[key] for key in ("X", "y", "X_B", "q", "X_test", "y_test"))
    q = q / np.linalg.norm(q)
    basis = np.linalg.svd(np.column_stack([X.T @ y, q]), full_matrices=False)[0]
    W, a, n = p["W"].copy(), p["a"], len(y)
    out = {key: [] for key in ("loss", "test_loss", "op_norm", "grad_fro", "align_residue", "align_q", "energy",
                               "angle", "sv", "Ws", "gap")}
    for _ in range(epochs):
        out["Ws"].append(W.copy())
        G = _gradient(X, y, W, a, gamma, act)
        r = _forward(X, W, a, gamma, act) - y
        r_test = _forward(X_test, W, a, gamma, act) - y_test
        _, S, Vh = np.linalg.svd(G)
        v1, residue = Vh[0], X_B.T @ r
        out["loss"].append(0.5 * r @ r / n)
        out["test_loss"].append(0.5 * r_test @ r_test / len(y_test))
        out["op_norm"].append(np.linalg.norm(W, 2))
        out["grad_fro"].append(np.linalg.norm(G))
        out["align_residue"].append(abs(v1 @ residue) / np.linalg.norm(residue))
        out["align_q"].append(abs(v1 @ q))
        out["energy"].append(np.linalg.norm(W @ basis) / np.linalg.norm(W))
        out["angle"].append(scipy.linalg.subspace_angles(v1[:, None], np.column_stack([residue, q]))[0])
        out["sv"].append(S)
        out["gap"].append(S[1] / S[0])
        W = W - (lr / gamma) * G
        W /= np.linalg.norm(W, axis=1, keepdims=True)
    out["Ws"].append(W.copy())
    out = {key: np.array(value) for key, value in out.items()}
    out["W"] = W
    return out


def _train_problem(rng: np.random.Generator) -> dict:
    """A small problem whose W has a clear top singular value (rows share a direction) and whose
    gradients have a leading direction, so that every tracked quantity is well conditioned."""
    n, d, k = 25, 40, 30
    p = _problem(rng, n, d, k, nu=0.3)
    u = _unit(rng, d)
    W = u[None, :] + 0.8 * rng.standard_normal((k, d)) / math.sqrt(d)
    p["W"] = W / np.linalg.norm(W, axis=1, keepdims=True)
    return p


#: Settings of the replayed runs: (activation, gamma, lr, epochs).
_TRAIN_CASES = (("sigmoid", 1.0, 0.7, 4), ("relu", 1 / math.sqrt(30), 0.5 * math.sqrt(30), 4))
_TRACKED = ("loss", "test_loss", "op_norm", "grad_fro", "align_residue", "align_q", "energy", "angle")


def _train(impl, data: dict, W0, a, gamma, lr, epochs, act, **kwargs) -> tuple[str, dict]:
    shape = getattr(W0, "shape", None)
    n, d = np.shape(data["X"]) if type(data["X"]) is np.ndarray else ("n", "d")
    extra = "".join(f", {key}={value!r}" for key, value in kwargs.items())
    call = (f"train(data with X of shape ({n}, {d}), W0 of shape {tuple(shape) if shape else '(k, d)'}, a, "
            f"gamma={gamma:.4g}, lr={lr:.4g}, epochs={epochs}, act={act!r}{extra})")
    out = _plain(impl, impl.call("train", data, W0, a, gamma, lr, epochs, act, **kwargs), call)
    if type(out) is not dict:
        fail(call, describe_type(out), "a dict of tensors")
    missing = [key for key in (*_TRACKED, "sv", "W") if key not in out]
    if missing:
        fail(call, f"a dict with keys {sorted(out)}", f"the keys {', '.join((*_TRACKED, 'sv', 'W'))}",
             hint=f"missing: {', '.join(missing)}")
    return call, out


@checks.check("train")
def check_train_dynamics(impl, *, rng):
    """train's weights follow W <- normalise_rows(W - (lr / gamma) G), its loss and test loss at W_t
    (epoch t, before the step) match a float64 replay; keep_W=True returns W_0..W_epochs; epochs=0
    returns W0 and empty series; float32 data gives float32 results."""
    p = _train_problem(rng)
    k, d = p["W"].shape
    call, out = _train(impl, _data(p), p["W"], p["a"], 1.0, 0.5, 0, "relu")
    assert_close(_array(out["W"], call, (k, d), np.float64, "W"), p["W"], call, rtol=0, atol=0,
                 rule="with epochs=0 the weights are W0")
    _array(out["loss"], call, (0,), np.float64, "loss")
    for act, gamma, lr, epochs in _TRAIN_CASES:
        p = _train_problem(rng)
        k, d = p["W"].shape
        call, out = _train(impl, _data(p), p["W"], p["a"], gamma, lr, epochs, act, n_sv=3, keep_W=True)
        ref = _replay(p, gamma, lr, epochs, act)
        W = _array(out["W"], call, (k, d), np.float64, "W")
        assert_close(W, ref["W"], call, rtol=TRAIN_RTOL, atol=TRAIN_RTOL,
                     rule="the final W must be W_epochs of W <- normalise_rows(W - (lr / gamma) G)",
                     hint="step W - (lr / gamma) * G, then divide every row by its norm")
        for key in ("loss", "test_loss"):
            values = _array(out[key], call, (epochs,), np.float64, key)
            assert_close(values, ref[key], call, rtol=TRAIN_RTOL, atol=0.0,
                         rule=f"{key}[t] must be L at W_t (before step t), with 1-D targets",
                         hint="record L(W_t) before the step; ||f(X) - y||^2 / (2 n) with f(X) and y both of "
                              "shape (n,) (the seed's test targets broadcast to n x n)")
        if "Ws" not in out:
            fail(call, f"a dict without 'Ws' (keys {sorted(out)})", "'Ws' with keep_W=True")
        Ws = _array(out["Ws"], call, (epochs + 1, k, d), np.float64, "Ws")
        assert_close(Ws, ref["Ws"], call, rtol=TRAIN_RTOL, atol=TRAIN_RTOL, rule="Ws[t] must be W_t, t = 0..epochs")
    p = _train_problem(rng)
    data32 = {key: value.astype(np.float32) for key, value in _data(p).items()}
    call, out = _train(impl, data32, p["W"].astype(np.float32), p["a"].astype(np.float32), 1.0, 0.5, 2, "tanh")
    _array(out["W"], call, p["W"].shape, np.float32, "W")
    _array(out["loss"], call, (2,), np.float32, "loss")


@checks.check("train")
def check_train_tracking(impl, *, rng):
    """Every tracked quantity of epoch t describes W_t and its gradient G_t: ||W_t||_op, the top
    singular values and Frobenius norm of G_t, the alignments of its leading right singular vector
    with X_B^T r and q, the energy of W_t in span(X^T y, q), the angle of v_1 to span(X_B^T r, q)."""
    hints = {
        "op_norm": "power iteration on W (best with a small block of vectors), warm-started from the previous "
                   "epoch's vectors; a cold start with a few steps is not accurate",
        "sv": "top_singular(G, n_sv, V0) warm-started with the previous epoch's block",
        "grad_fro": "the Frobenius norm of the gradient at W_t",
        "align_residue": "|v_1 . X_B^T r| / ||X_B^T r|| with the bulk X_B (not X), r = f(X) - y at W_t, v_1 the "
                         "leading RIGHT singular vector of G (in R^d)",
        "align_q": "|v_1 . q| with v_1 the leading right singular vector of G",
        "energy": "relative_projection_norm of W_t (not of G) with span(X^T y, q)",
        "angle": "principal_angles(v_1[:, None], [X_B^T r, q]): one angle, in radians",
    }
    for act, gamma, lr, epochs in _TRAIN_CASES:
        p = _train_problem(rng)
        n_sv = 3
        call, out = _train(impl, _data(p), p["W"], p["a"], gamma, lr, epochs, act, n_sv=n_sv)
        ref = _replay(p, gamma, lr, epochs, act)
        sv = _array(out["sv"], call, (epochs, n_sv), np.float64, "sv")
        assert_close(sv, ref["sv"][:, :n_sv], call, rtol=TRACK_RTOL, atol=0.0,
                     rule="sv[t] must be the n_sv largest singular values of G_t", hint=hints["sv"])
        defined = ref["gap"] <= ALIGN_MAX_GAP
        for key in _TRACKED[2:]:
            values = _array(out[key], call, (epochs,), np.float64, key)
            if key.startswith("align") or key == "angle":
                assert_close(values[defined], ref[key][defined], call, rtol=0.0, atol=ALIGN_ATOL,
                             rule=f"{key}[t] must describe W_t and its gradient G_t", hint=hints[key])
            else:
                assert_close(values, ref[key], call, rtol=RTOL64 if key in ("grad_fro", "energy") else TRACK_RTOL,
                             atol=0.0, rule=f"{key}[t] must describe W_t and its gradient G_t", hint=hints[key])
        if np.any(out["op_norm"] > ref["op_norm"] * (1 + RTOL64)):
            fail(call, f"op_norm {short(out['op_norm'])}", f"lower bounds of ||W_t||_op = {short(ref['op_norm'])}")
    # A random W0 (rows uniform on the sphere): its top singular values are close together, where
    # a power iteration needs many steps (a warm start carries them over from epoch to epoch).
    p = _problem(rng, 30, 80, 60)
    call, out = _train(impl, _data(p), p["W"], p["a"], 1.0, 0.3, 3, "tanh", n_sv=2)
    ref = _replay(p, 1.0, 0.3, 3, "tanh")
    assert_close(_array(out["op_norm"], call, (3,), np.float64, "op_norm"), ref["op_norm"], call, rtol=TRACK_RTOL,
                 atol=0.0, rule="op_norm[t] must be ||W_t||_op, also for a random W0 (close top singular values)",
                 hint=hints["op_norm"])


def _pipeline(impl, rng: np.random.Generator, nu: float, acts=("relu", "sigmoid")) -> dict:
    """The student's experiment at initialisation: data, teacher, network, one tracked epoch."""
    n, d, k = QUAL_N, QUAL_D, QUAL_K
    q, beta = _unit(rng, d), _unit(rng, d)
    seed = int(rng.integers(2**31))
    call = call_repr("gen_data", (n, d, n**nu, q, 0.0, seed))
    X, X_B, _ = _tuple(impl.gen_data(n, d, n**nu, q, 0.0, seed), call, 3, "(X, X_B, z)")
    y = impl.teacher_targets(X, beta, "sigmoid", 1.0, seed + 1)
    W, a = _tuple(impl.init_network(k, d, seed + 2, "sign", "float64"), "init_network", 2, "(W, a)")
    data = {"X": X, "y": y, "X_B": X_B, "q": q, "X_test": X, "y_test": y}
    out = {}
    for act in acts:
        c, res = _train(impl, data, W, a, 1.0, 0.0, 1, act, n_sv=2)
        res = {key: np.asarray(res[key], dtype=np.float64).reshape(-1) for key in ("align_residue", "align_q",
                                                                                   "sv", "grad_fro")}
        out[act] = {"call": f"train on your data (n = {n}, d = {d}, k = {k}, nu = {nu:g}, {act}) at epoch 0",
                    "residue": float(res["align_residue"][0]), "q": float(res["align_q"][0]),
                    "s1": float(res["sv"][0]), "s2": float(res["sv"][1]), "fro": float(res["grad_fro"][0])}
    return out


@checks.check("train")
def check_small_nu_aligns_with_residue(impl, *, rng):
    """Paper: at initialisation, with a weak spike (nu = 0), the gradient's leading right singular
    vector aligns with the residue direction X_B^T r and not with the spike q (ReLU and sigmoid)."""
    for act, got in _pipeline(impl, rng, 0.0).items():
        if not (got["residue"] >= SMALL_NU_RESIDUE_MIN and got["q"] <= SMALL_NU_SPIKE_MAX):
            fail(got["call"], f"align_residue = {got['residue']:.3f}, align_q = {got['q']:.3f}",
                 f"align_residue >= {SMALL_NU_RESIDUE_MIN} and align_q <= {SMALL_NU_SPIKE_MAX} (the gradient's "
                 "leading direction is the residue's when the spike is weak)",
                 hint="check gen_data (spike zeta z q^T), the gradient and the alignment: |v_1 . X_B^T r| / "
                      "||X_B^T r|| with v_1 the top right singular vector of G")


@checks.check("train")
def check_large_nu_aligns_with_q(impl, *, rng):
    """Paper: at initialisation, with a strong spike (nu = 3/4, zeta = n^(3/4)), the gradient's leading
    right singular vector aligns with the spike q rather than with the residue (ReLU and sigmoid)."""
    for act, got in _pipeline(impl, rng, 0.75).items():
        if not (got["q"] >= LARGE_NU_SPIKE_MIN and got["residue"] <= LARGE_NU_RESIDUE_MAX):
            fail(got["call"], f"align_residue = {got['residue']:.3f}, align_q = {got['q']:.3f}",
                 f"align_q >= {LARGE_NU_SPIKE_MIN} and align_residue <= {LARGE_NU_RESIDUE_MAX} (a strong spike "
                 "dominates X^T r = X_B^T r + zeta (z^T r) q)",
                 hint="zeta = n ** nu multiplies the spike z q^T in gen_data; the residue direction uses the "
                      "bulk X_B only")


@checks.check("train")
def check_sigmoid_closer_to_rank_one(impl, *, rng):
    """Paper: sigmoid gradients are closer to rank one than ReLU gradients (sigma' varies less around
    its mean): s1 / ||G||_F >= 0.9 for sigmoid and larger than ReLU's by >= 0.08, and s2 / s1 smaller
    by >= 0.05."""
    got = _pipeline(impl, rng, 0.0)
    sig, relu = got["sigmoid"], got["relu"]
    share = {act: got[act]["s1"] / got[act]["fro"] for act in got}
    ratio = {act: got[act]["s2"] / got[act]["s1"] for act in got}
    if not (share["sigmoid"] >= SIGMOID_RANK_ONE_MIN and share["sigmoid"] >= share["relu"] + RANK_ONE_MARGIN
            and ratio["sigmoid"] <= ratio["relu"] - RATIO_MARGIN):
        fail(f"{sig['call']} and {relu['call']}",
             f"s1 / ||G||_F = {share['sigmoid']:.3f} (sigmoid) and {share['relu']:.3f} (ReLU), s2 / s1 = "
             f"{ratio['sigmoid']:.3f} and {ratio['relu']:.3f}",
             f"sigmoid's share >= {SIGMOID_RANK_ONE_MIN} and >= ReLU's + {RANK_ONE_MARGIN}, and its s2 / s1 "
             f"<= ReLU's - {RATIO_MARGIN}",
             hint="sv[t] are G's singular values, largest first; grad_fro its Frobenius norm; check sigma' of "
                  "each activation in the gradient")


# --- 5. the figure ----------------------------------------------------------------------------------
def _label(text: str) -> str:
    for ch in "${}_\\":
        text = text.replace(ch, "")
    return " ".join(text.lower().split())


@checks.check("plot_alignment_vs_nu")
def check_alignment_plot_structure(impl, *, rng):
    """plot_alignment_vs_nu draws two axes, residue alignment (left) and spike alignment (right)
    against nu, one line per label with the given data, labelled as asked."""
    nus = np.array([0.0, 0.25, 0.5, 0.75])
    curves = {label: {"residue": rng.uniform(0, 1, 4), "q": rng.uniform(0, 1, 4)} for label in ("relu", "sigmoid")}
    call = call_repr("plot_alignment_vs_nu", (nus, curves))
    fig = impl.call("plot_alignment_vs_nu", nus, curves)
    if type(fig) is not Handle or fig.type != FIGURE:
        fail(call, describe_type(fig), "a matplotlib Figure", hint="return fig, not the axes; do not plt.show()")
    desc = impl.op("describe_figure", fig)
    axes = desc["axes"]
    if len(axes) != 2:
        fail(call, f"a figure with {len(axes)} axes", "two axes: residue alignment, spike alignment",
             hint="fig, axs = plt.subplots(1, 2)")
    for ax, field, ylabel in zip(axes, ("residue", "q"), ("residue alignment", "spike alignment")):
        if _label(ax["xlabel"]) != "nu" or _label(ax["ylabel"]) != ylabel:
            fail(call, f"axes labelled x: {ax['xlabel']!r}, y: {ax['ylabel']!r}", f"x label 'nu', y label '{ylabel}'")
        for label, curve in curves.items():
            found = [line for line in ax["lines"] if line["label"] == label]
            if not found:
                fail(call, f"axes '{ylabel}' with lines {[line['label'] for line in ax['lines']]}",
                     f"a line labelled {label!r}", hint="ax.plot(nus, values, label=label)")
            line = found[0]
            if line["x"].shape != nus.shape or not np.allclose(line["x"], nus) or \
                    not np.allclose(line["y"], curve[field]):
                fail(call, f"line {label!r} with x = {short(line['x'])}, y = {short(line['y'])}",
                     f"x = nus = {short(nus)}, y = curves[{label!r}][{field!r}] = {short(curve[field])}")
    impl.op("close_figure", fig)


# --- instructor-only ----------------------------------------------------------------------------
@checks.check("gen_data", public=False)
def check_sampling_matches_reference(impl, *, rng):
    """Instructor-only: gen_data, teacher_targets and init_network draw the reference's numbers for
    the same seeds (the documented order of draws)."""
    from solutions.research import low_rank_gradient as ref

    n, d, k = 6, 5, 4
    q = _unit(rng, d)
    seed = int(rng.integers(2**31))
    call, value = _result(impl, "gen_data", n, d, 2.0, q, 0.5, seed)
    expected = ref.as_numpy(ref.gen_data(n, d, 2.0, q, 0.5, seed))
    for got, want in zip(_tuple(value, call, 3, "(X, X_B, z)"), expected):
        assert_close(np.asarray(got), want, call, rule="gen_data must draw the reference's numbers",
                     hint="draw the (n, d) normals first, then z, from make_generator(generator, q.device)")
    call, y = _result(impl, "teacher_targets", expected[0], q, "sigmoid", 0.5, seed)
    assert_close(np.asarray(y), ref.as_numpy(ref.teacher_targets(expected[0], q, "sigmoid", 0.5, seed)), call,
                 rule="teacher_targets must draw the reference's noise")
    call, value = _result(impl, "init_network", k, d, seed, "sign", "float64")
    for got, want in zip(_tuple(value, call, 2, "(W, a)"), ref.as_numpy(ref.init_network(k, d, seed, "sign"))):
        assert_close(np.asarray(got), want, call, rule="init_network must draw the reference's numbers",
                     hint="draw W (k, d) first, then torch.randint(0, 2, (k,))")


@checks.check("train", public=False)
def check_train_matches_reference(impl, *, rng):
    """Instructor-only: every output of train equals the reference's on a hidden problem."""
    from solutions.research import low_rank_gradient as ref

    p = _train_problem(rng)
    args = (_data(p), p["W"], p["a"], 0.5, 1.0, 3, "tanh")
    call, out = _train(impl, *args, n_sv=2)
    expected = ref.as_numpy(ref.train(*args, n_sv=2))
    for key, want in expected.items():
        atol = ALIGN_ATOL if key.startswith("align") or key == "angle" else 0.0
        assert_close(np.asarray(out[key], dtype=np.float64), want, call, rtol=TRACK_RTOL, atol=atol,
                     rule=f"{key} must equal the reference's")
