"""Checks of ``representation_alignment`` (Ziyin et al. 2024, arXiv:2410.03006).

``compute_alignment`` is checked against its definition and, separately, against each
property that makes it a measure of alignment: symmetry, invariance to the rescaling
and sign of every row and to a common orthogonal transform of the columns, range
[0, 1] with 1 for G = H, and a defined, finite value with zero rows.  ``make_problem``
must reproduce the seed notebook's draws from a local torch generator.
``layer_gradients`` is checked against ``torch.autograd`` and against central
differences of its own loss.  ``train`` is checked against a float64 oracle built
here from ``torch.autograd`` and ``torch.optim.Adam`` over a short horizon, for its
starting point, the shape and range of the tracked series, and the independence of
a seed's run from the other seeds of the batch.  The figure is inspected as objects.
The one instructor-only check compares ``compute_alignment`` with the reference.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from nndl import hypo, strategies
from nndl.checks import CheckSet
from nndl.messages import call_repr, describe_type, fail, short
from nndl.numerics import assert_close, assert_gradient, expect_array, expect_float, numeric_gradient
from nndl.plain import Handle

checks = CheckSet("research", "representation_alignment")

#: The seed notebook's configuration.
WIDTHS = (1, 4, 4, 4, 4, 4, 1)
N_SAMPLES = 1000
NOISE = 0.1
NEGATIVE_SLOPE = 0.01
LR = 0.01
WEIGHT_DECAY = 1e-5
SEED = 42

#: compute_alignment in float64 against the definition: the same closed form up to summation
#: order and the way the rows are normalised; the value is ~1 in size, rounding ~1e-15.
ALIGN_RTOL = 1e-9
ALIGN_ATOL = 1e-12
#: Invariances: the transformed inputs are exact up to one rounding per entry (~1e-16 relative),
#: which moves a well-conditioned alignment by ~1e-15.  A broken invariance (no row
#: normalisation, columns normalised instead of rows) moves it by 1e-3 to 1.
INVARIANCE_ATOL = 1e-9
#: Range: the Cauchy-Schwarz bound holds exactly; rounding may put the cosine an ulp above 1.
RANGE_SLACK = 1e-12
#: make_problem draws float32 values with torch's generator; x may also be computed as
#: np.linspace(..., dtype=float32), which differs from torch.linspace by one float32 ulp
#: (1e-6 at |x| = 10).  Any other recipe (other generator, order, bound, dtype) is off by O(1).
DRAW_RTOL = 2e-6
DRAW_ATOL = 2e-6
#: layer_gradients vs torch.autograd, both float64: the same sums in a different order, ~1e-16
#: relative; 1e-8 leaves room for a float64 implementation with other cancellations.
AUTOGRAD_RTOL = 1e-8
AUTOGRAD_ATOL = 1e-12
#: train (float32, like the seed) vs the float64 oracle over ORACLE_EPOCHS epochs on a small
#: problem: float32 rounding (~1e-7) grows to < 2e-6 relative in the loss and < 3e-5 in the
#: alignment over this horizon (measured on the reference, margins ~10x); a wrong step, decay,
#: bias correction, sign or recording time is off by 1e-3 to 1 within a few epochs.
ORACLE_EPOCHS = 20
LOSS_RTOL = 2e-5
ALIGNMENT_ATOL = 3e-4
#: Epoch 0 is computed before any step: only float32 rounding of one forward/backward pass.
START_RTOL = 1e-5
START_ATOL = 1e-5
#: A seed's run alone and inside a batch: the reference is bitwise identical; a batched torch
#: implementation may round differently (~1e-7), which grows to ~1e-5 in BATCH_EPOCHS epochs.
BATCH_EPOCHS = 12
BATCH_RTOL = 1e-4
BATCH_ATOL = 1e-4
#: The output layer has width 1: its alignment is 1 up to float32 rounding.
OUTPUT_ATOL = 1e-5

FIGURE = "matplotlib.figure.Figure"
ALIGN_HINT = ("divide every row of H and of G by its Euclidean norm, C_H = Hn^T Hn / N, C_G = Gn^T Gn / N, "
              "return sum(C_H * C_G) / sqrt(sum(C_H**2) * sum(C_G**2))")


# --- grader-side definitions -------------------------------------------------------------------
def _normalized_covariance(M: np.ndarray) -> np.ndarray:
    M = np.asarray(M, dtype=np.float64)
    scale = np.max(np.abs(M), axis=1, keepdims=True)
    M = np.divide(M, scale, out=np.zeros_like(M), where=scale > 0)
    norm = np.linalg.norm(M, axis=1, keepdims=True)
    unit = np.divide(M, norm, out=np.zeros_like(M), where=norm > 0)
    return unit.T @ unit / M.shape[0]


def _alignment(H: np.ndarray, G: np.ndarray) -> float:
    """The definition: cosine of the covariances of the row-normalised H and G; zero rows
    contribute nothing; 0 when a covariance vanishes."""
    ch, cg = _normalized_covariance(H), _normalized_covariance(G)
    den = math.sqrt(float(np.sum(ch * ch)) * float(np.sum(cg * cg)))
    return 0.0 if den == 0.0 else float(np.sum(ch * cg)) / den


def _orthogonal(rng: np.random.Generator, d: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


def _problem(seed: int, n: int = N_SAMPLES, widths=WIDTHS, noise: float = NOISE) -> dict:
    """The seed notebook's draws, from a local generator (float32, as torch's defaults)."""
    import torch

    g = torch.Generator().manual_seed(int(seed))
    x = torch.linspace(-10.0, 10.0, n)
    y = torch.sin(x) + noise * torch.randn(x.shape, generator=g)
    weights, biases = [], []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        w = torch.empty(fan_out, fan_in)
        torch.nn.init.kaiming_uniform_(w, a=math.sqrt(5), generator=g)
        bound = 1.0 / math.sqrt(fan_in)
        weights.append(w.numpy())
        biases.append(torch.empty(fan_out).uniform_(-bound, bound, generator=g).numpy())
    return {"x": x.numpy(), "y": y.numpy(), "weights": weights, "biases": biases}


def _network(rng: np.random.Generator, widths, n: int) -> tuple[list, list, np.ndarray, np.ndarray]:
    """A random float64 network and data with O(1) pre-activations."""
    weights = [rng.uniform(-1.0, 1.0, size=(b, a)) * (1.5 / math.sqrt(a)) for a, b in zip(widths[:-1], widths[1:])]
    biases = [rng.uniform(-0.5, 0.5, size=b) for b in widths[1:]]
    x = np.sort(rng.uniform(-3.0, 3.0, size=n))
    y = np.sin(x) + 0.1 * rng.standard_normal(n)
    return weights, biases, x, y


def _autograd(weights, biases, x, y, slope: float) -> dict:
    """Loss, pre-activations, their gradients and the parameter gradients from torch.autograd."""
    import torch

    ws = [torch.tensor(np.asarray(w, dtype=np.float64), requires_grad=True) for w in weights]
    bs = [torch.tensor(np.asarray(b, dtype=np.float64), requires_grad=True) for b in biases]
    a = torch.tensor(np.asarray(x, dtype=np.float64)).reshape(-1, 1)
    target = torch.tensor(np.asarray(y, dtype=np.float64)).reshape(-1, 1)
    pre = []
    for l, (w, b) in enumerate(zip(ws, bs)):
        z = a @ w.T + b
        z.retain_grad()
        pre.append(z)
        a = torch.nn.functional.leaky_relu(z, slope) if l < len(ws) - 1 else z
    loss = torch.mean((a - target) ** 2)
    loss.backward()
    return {"loss": float(loss.detach()), "preactivations": [z.detach().numpy() for z in pre],
            "gradients": [z.grad.numpy() for z in pre], "weight_gradients": [w.grad.numpy() for w in ws],
            "bias_gradients": [b.grad.numpy() for b in bs]}


def _backprop(weights, biases, x, y, slope: float) -> dict:
    """What _autograd returns, by the chain rule in numpy (fast: the oracle needs one per epoch;
    torch's autograd engine costs milliseconds per call on a busy machine)."""
    a = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    y = np.asarray(y, dtype=np.float64).reshape(-1, 1)
    inputs, pre = [], []
    for l, (w, b) in enumerate(zip(weights, biases)):
        inputs.append(a)
        pre.append(a @ w.T + b)
        a = np.where(pre[-1] > 0, pre[-1], slope * pre[-1]) if l < len(weights) - 1 else pre[-1]
    g = 2.0 * (a - y) / a.size
    grads, dw, db = [], [], []
    for l in range(len(weights) - 1, -1, -1):
        grads.insert(0, g)
        dw.insert(0, g.T @ inputs[l])
        db.insert(0, g.sum(axis=0))
        if l > 0:
            g = (g @ weights[l]) * np.where(pre[l - 1] > 0, 1.0, slope)
    return {"loss": float(np.mean((a - y) ** 2)), "preactivations": pre, "gradients": grads,
            "weight_gradients": dw, "bias_gradients": db}


def _oracle(seed: int, epochs: int, n: int, widths, noise: float, lr: float, weight_decay: float,
            slope: float) -> tuple[np.ndarray, np.ndarray]:
    """loss (epochs,) and alignment (epochs, L) of one run in float64 from the seed's problem,
    recorded before each step, each step the one torch.optim.Adam takes (its single-tensor
    algorithm, written out; the valid alternative `train_torch_loop` of the tests, which uses
    torch.optim.Adam itself, passes the check built on this oracle)."""
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    problem = _problem(seed, n, widths, noise)
    params = [np.asarray(p, dtype=np.float64) for p in problem["weights"] + problem["biases"]]
    depth = len(problem["weights"])
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    losses, aligns = [], []
    for t in range(1, epochs + 1):
        res = _backprop(params[:depth], params[depth:], problem["x"], problem["y"], slope)
        losses.append(res["loss"])
        aligns.append([_alignment(z, -g) for z, g in zip(res["preactivations"], res["gradients"])])
        step_size = lr / (1 - beta1**t)
        correction2 = math.sqrt(1 - beta2**t)
        for k, g in enumerate(res["weight_gradients"] + res["bias_gradients"]):
            g = g + weight_decay * params[k]
            m[k] = m[k] + (1 - beta1) * (g - m[k])
            v[k] = beta2 * v[k] + (1 - beta2) * g * g
            params[k] = params[k] - step_size * m[k] / (np.sqrt(v[k]) / correction2 + eps)
    return np.array(losses), np.array(aligns).reshape(epochs, depth)


# --- calling the submission --------------------------------------------------------------------
def _align(impl, H: np.ndarray, G: np.ndarray) -> tuple[str, float]:
    call = call_repr("compute_alignment", (H, G))
    return call, expect_float(impl.compute_alignment(H, G), call)


def _matrices(draw, *, min_rows: int = 1, max_rows: int = 8, max_cols: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """H and G of the same shape with Gaussian entries times per-column scales (no zero rows)."""
    n = draw(st.integers(min_rows, max_rows))
    d = draw(st.integers(1, max_cols))
    rng = np.random.default_rng(draw(strategies.seeds()))
    scales = np.exp(rng.uniform(-1.0, 1.0, size=(2, 1, d)))
    H = rng.standard_normal((n, d)) * scales[0]
    # G partly correlated with H, so that alignments spread over (0, 1)
    G = draw(st.floats(0.0, 1.0)) * H + rng.standard_normal((n, d)) * scales[1]
    return H, G


pairs = st.composite(_matrices)


def _train(impl, seeds: list[int], epochs: int, **kwargs) -> tuple[str, np.ndarray, np.ndarray]:
    call = call_repr("train", (seeds, epochs), kwargs)
    result = impl.train(seeds, epochs, **kwargs)
    if type(result) is not dict or not {"loss", "alignment"} <= set(result):
        fail(call, describe_type(result) if type(result) is not dict else f"a dict with keys {sorted(result)}",
             "a dict with keys 'loss' and 'alignment'")
    depth = len(kwargs.get("widths", WIDTHS)) - 1
    loss = expect_array(result["loss"], call + '["loss"]', shape=(len(seeds), epochs))
    alignment = expect_array(result["alignment"], call + '["alignment"]', shape=(len(seeds), epochs, depth),
                             what=f"a float ndarray of shape (S, epochs, L) = {(len(seeds), epochs, depth)}")
    return call, loss.astype(np.float64), alignment.astype(np.float64)


# --- compute_alignment --------------------------------------------------------------------------
@checks.check("compute_alignment")
def check_alignment_definition(impl, *, rng):
    """compute_alignment(H, G) is the cosine of the covariances of the row-normalised H and G."""

    examples = [((np.eye(3), np.eye(3)[::-1]),),
                ((np.array([[1.0, 0.0], [1.0, 1.0]]), np.array([[0.0, 2.0], [3.0, -1.0]])),)]

    @hypo.given(pairs(), max_examples=20, examples=examples)
    def prop(HG):
        H, G = HG
        call, value = _align(impl, H, G)
        assert_close(value, _alignment(H, G), call, rtol=ALIGN_RTOL, atol=ALIGN_ATOL, hint=ALIGN_HINT)

    prop()


@checks.check("compute_alignment")
def check_alignment_symmetric(impl, *, rng):
    """compute_alignment(H, G) == compute_alignment(G, H)."""

    @hypo.given(pairs(min_rows=2), max_examples=15)
    def prop(HG):
        H, G = HG
        call, a = _align(impl, H, G)
        _, b = _align(impl, G, H)
        if not abs(a - b) <= INVARIANCE_ATOL:
            fail(call_repr("compute_alignment", (G, H)), repr(b), f"{a!r}, the value of {call}",
                 hint="the alignment is symmetric in its two arguments: treat H and G the same way")

    prop()


@checks.check("compute_alignment")
def check_alignment_row_scaling_invariant(impl, *, rng):
    """Rescaling any row of H or of G by a non-zero factor, of either sign, leaves the alignment unchanged."""

    @hypo.given(pairs(min_rows=2), strategies.seeds(), max_examples=15)
    def prop(HG, seed):
        H, G = HG
        r = np.random.default_rng(seed)
        n = H.shape[0]
        ch = np.exp(r.uniform(-7.0, 7.0, size=(n, 1))) * r.choice([-1.0, 1.0], size=(n, 1))
        cg = np.exp(r.uniform(-7.0, 7.0, size=(n, 1))) * r.choice([-1.0, 1.0], size=(n, 1))
        _, before = _align(impl, H, G)
        call, after = _align(impl, H * ch, G * cg)
        if not abs(after - before) <= INVARIANCE_ATOL:
            fail(call, repr(after), f"{before!r}, the alignment of H and G before their rows were rescaled by "
                 f"{short(ch.ravel(), precision=3)} and {short(cg.ravel(), precision=3)}",
                 hint="normalise every row (sample) to unit length before the covariance; the sign of a row "
                      "cancels in its outer product")

    prop()


@checks.check("compute_alignment")
def check_alignment_orthogonal_invariant(impl, *, rng):
    """A common orthogonal transform of the columns, (H Q, G Q), leaves the alignment unchanged."""

    @hypo.given(pairs(min_rows=2), strategies.seeds(), max_examples=15)
    def prop(HG, seed):
        H, G = HG
        Q = _orthogonal(np.random.default_rng(seed), H.shape[1])
        _, before = _align(impl, H, G)
        call, after = _align(impl, H @ Q, G @ Q)
        if not abs(after - before) <= INVARIANCE_ATOL:
            fail(call, repr(after), f"{before!r}, the alignment of H and G (H Q and G Q with an orthogonal Q "
                 "have the same row norms and rotated covariances)",
                 hint="normalise rows, not columns, and compare whole covariance matrices (Frobenius inner "
                      "product), not their entries one by one")

    prop()


@checks.check("compute_alignment")
def check_alignment_range_and_identity(impl, *, rng):
    """The alignment lies in [0, 1]; it is 1 for G = H (and G = -H), 0 for rows in orthogonal subspaces."""

    @hypo.given(pairs(), max_examples=15)
    def prop(HG):
        H, G = HG
        call, value = _align(impl, H, G)
        if not -RANGE_SLACK <= value <= 1.0 + RANGE_SLACK:
            fail(call, repr(value), "a value in [0, 1]",
                 hint="the covariances are positive semi-definite: their Frobenius inner product is >= 0 and, "
                      "by Cauchy-Schwarz, <= the product of their norms (no centring, no correlation of entries)")
        for other, what in ((H, "H"), (-2.5 * H, "-2.5 H")):
            call, one = _align(impl, H, other)
            if not abs(one - 1.0) <= RANGE_SLACK:
                fail(call, repr(one), f"1.0 for G = {what}",
                     hint="a representation is perfectly aligned with itself; no epsilon in the denominator")

    prop()
    n = int(rng.integers(3, 8))
    H = np.zeros((n, 4))
    G = np.zeros((n, 4))
    H[:, :2] = rng.standard_normal((n, 2))
    G[:, 2:] = rng.standard_normal((n, 2))
    call, value = _align(impl, H, G)
    if not abs(value) <= RANGE_SLACK:
        fail(call, repr(value), "0.0: the rows of H and of G span orthogonal subspaces",
             hint="<C_H, C_G>_F = 0 when the two covariances live on orthogonal subspaces")


@checks.check("compute_alignment")
def check_alignment_zero_rows(impl, *, rng):
    """A zero row contributes nothing and never gives NaN; all-zero H or G gives alignment 0."""
    n, d = 6, 3
    H = rng.standard_normal((n, d))
    G = 0.5 * H + rng.standard_normal((n, d))
    # a sample whose representation and gradient are both zero: the value is that without it
    H0 = np.vstack([H[:2], np.zeros((1, d)), H[2:]])
    G0 = np.vstack([G[:2], np.zeros((1, d)), G[2:]])
    _, without = _align(impl, H, G)
    call, value = _align(impl, H0, G0)
    assert_close(value, without, call, rtol=ALIGN_RTOL, atol=ALIGN_ATOL,
                 rule="a sample whose rows of H and G are both zero contributes nothing",
                 expected_text=f"{without!r}, the alignment without that sample",
                 hint="a zero row has no direction: define its normalised row as zero (not 0/0 = nan) so that it "
                      "adds nothing to the covariance")
    # only H's row is zero (the seed's pre-activation at exactly 0)
    H1 = H.copy()
    H1[1] = 0.0
    call, value = _align(impl, H1, G)
    assert_close(value, _alignment(H1, G), call, rtol=ALIGN_RTOL, atol=ALIGN_ATOL,
                 rule="a zero row of H alone contributes nothing to C_H", hint="normalised zero row = zero row")
    for A, B, what in ((np.zeros((n, d)), G, "H"), (H, np.zeros((n, d)), "G")):
        call, value = _align(impl, A, B)
        if value != 0.0:
            fail(call, repr(value), f"0.0: every row of {what} is zero, its covariance is 0",
                 hint="return 0 when C_H or C_G is the zero matrix (there is nothing to align)")


@checks.check("compute_alignment", public=False)
def check_alignment_matches_reference(impl, *, rng):
    """Instructor-only: compute_alignment equals the reference on hidden inputs (rank-deficient,
    badly scaled, with zero rows, a single column)."""
    from solutions.research import representation_alignment as ref

    cases = []
    for n, d in ((5, 4), (9, 1), (4, 6)):
        low = rng.standard_normal((n, 2)) @ rng.standard_normal((2, d))
        G = rng.standard_normal((n, d)) * np.exp(rng.uniform(-20, 20, size=(n, 1)))
        G[0] = 0.0
        cases.append((low, G))
    for H, G in cases:
        call, value = _align(impl, H, G)
        assert_close(value, ref.compute_alignment(H, G), call, rtol=ALIGN_RTOL, atol=ALIGN_ATOL,
                     rule="compute_alignment must equal the reference solution's")


# --- make_problem -------------------------------------------------------------------------------
def _expect_problem(impl, args: tuple, kwargs: dict, n: int, widths) -> tuple[str, dict]:
    call = call_repr("make_problem", args, kwargs)
    got = impl.make_problem(*args, **kwargs)
    keys = {"x", "y", "weights", "biases"}
    if type(got) is not dict or set(got) != keys:
        fail(call, describe_type(got) if type(got) is not dict else f"a dict with keys {sorted(got)}",
             "a dict with keys 'x', 'y', 'weights', 'biases'")
    out = {"x": expect_array(got["x"], call + '["x"]', shape=(n,)),
           "y": expect_array(got["y"], call + '["y"]', shape=(n,))}
    for key, shapes in (("weights", [(b, a) for a, b in zip(widths[:-1], widths[1:])]),
                        ("biases", [(b,) for b in widths[1:]])):
        value = got[key]
        if type(value) not in (list, tuple) or len(value) != len(shapes):
            fail(call + f'["{key}"]', describe_type(value) if type(value) not in (list, tuple)
                 else f"a list of {len(value)} arrays", f"a list of {len(shapes)} arrays, one per layer")
        out[key] = [expect_array(v, call + f'["{key}"][{l}]', shape=s) for l, (v, s) in enumerate(zip(value, shapes))]
    return call, out


@checks.check("make_problem")
def check_problem_structure(impl, *, rng):
    """make_problem returns x, y of shape (N,) and one weight (d_out, d_in) and bias (d_out,) per layer;
    x is the same for every seed, y and the weights are not."""
    widths = (1, 3, 2, 1)
    call, a = _expect_problem(impl, (3,), {"n_samples": 20, "widths": widths}, 20, widths)
    _, b = _expect_problem(impl, (4,), {"n_samples": 20, "widths": widths}, 20, widths)
    if not np.allclose(a["x"], np.linspace(-10.0, 10.0, 20), rtol=0, atol=DRAW_ATOL * 10):
        fail(call + '["x"]', short(a["x"]), "20 evenly spaced points from -10 to 10",
             hint="x = torch.linspace(-10, 10, n_samples)")
    if np.array_equal(a["y"], b["y"]) or np.array_equal(a["weights"][1], b["weights"][1]):
        fail(call_repr("make_problem", (4,), {"n_samples": 20, "widths": widths}),
             "the same noise or weights as for seed 3", "different draws for a different seed",
             hint="seed the generator with the seed argument: torch.Generator().manual_seed(seed)")


@checks.check("make_problem")
def check_problem_matches_seed_notebook(impl, *, rng):
    """make_problem(42) gives exactly the seed notebook's data and initial weights (torch.manual_seed(42),
    then the noise, then each nn.Linear's default initialisation), from a local generator; so does any seed."""
    cases = [((SEED,), {}, N_SAMPLES, WIDTHS, NOISE),
             ((int(rng.integers(0, 2**31 - 1)),), {"n_samples": 50, "widths": (1, 3, 2, 1), "noise": 0.5}, 50,
              (1, 3, 2, 1), 0.5)]
    for args, kwargs, n, widths, noise in cases:
        call, got = _expect_problem(impl, args, kwargs, n, widths)
        want = _problem(args[0], n, widths, noise)
        hint = ("one generator g = torch.Generator().manual_seed(seed); y = sin(x) + noise * torch.randn(n, "
                "generator=g) first, then per layer the weight (torch.nn.init.kaiming_uniform_(w, a=sqrt(5), "
                "generator=g)) and the bias (uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)]), in float32")
        for key in ("x", "y"):
            assert_close(got[key], want[key], call + f'["{key}"]', rtol=DRAW_RTOL, atol=DRAW_ATOL, hint=hint,
                         rule=f"{key} must be the seed notebook's")
        for key in ("weights", "biases"):
            for l, (g, w) in enumerate(zip(got[key], want[key])):
                assert_close(g, w, call + f'["{key}"][{l}]', rtol=DRAW_RTOL, atol=DRAW_ATOL, hint=hint,
                             rule=f"layer {l}'s {key[:-1] if key == 'weights' else 'bias'} must be drawn as "
                                  "nn.Linear does, after the noise and the earlier layers")


# --- layer_gradients ----------------------------------------------------------------------------
@st.composite
def networks(draw):
    depth = draw(st.integers(1, 4))
    widths = (1,) + tuple(draw(st.integers(1, 4)) for _ in range(depth - 1)) + (1,)
    n = draw(st.integers(1, 12))
    slope = draw(st.sampled_from([0.01, 0.2, 0.0, 1.0]))
    weights, biases, x, y = _network(np.random.default_rng(draw(strategies.seeds())), widths, n)
    return weights, biases, x, y, slope


def _layer_gradients(impl, weights, biases, x, y, slope) -> tuple[str, dict]:
    call = call_repr("layer_gradients", (weights, biases, x, y), {"negative_slope": slope})
    got = impl.layer_gradients(weights, biases, x, y, negative_slope=slope)
    keys = {"loss", "preactivations", "gradients", "weight_gradients", "bias_gradients"}
    if type(got) is not dict or not keys <= set(got):
        fail(call, describe_type(got) if type(got) is not dict else f"a dict with keys {sorted(got)}",
             f"a dict with keys {sorted(keys)}")
    depth = len(weights)
    for key in keys - {"loss"}:
        if type(got[key]) not in (list, tuple) or len(got[key]) != depth:
            fail(call + f'["{key}"]', describe_type(got[key]) if type(got[key]) not in (list, tuple)
                 else f"a list of {len(got[key])} arrays", f"a list of {depth} arrays, one per layer")
    return call, got


@checks.check("layer_gradients")
def check_preactivation_gradients_match_autograd(impl, *, rng):
    """Every layer's pre-activations Z_l and gradients dL/dZ_l equal torch.autograd's (retain_grad)."""

    @hypo.given(networks(), max_examples=10)
    def prop(net):
        weights, biases, x, y, slope = net
        call, got = _layer_gradients(impl, weights, biases, x, y, slope)
        want = _autograd(weights, biases, x, y, slope)
        for l in range(len(weights)):
            z = expect_array(got["preactivations"][l], call + f'["preactivations"][{l}]',
                             shape=want["preactivations"][l].shape)
            assert_close(z, want["preactivations"][l], call + f'["preactivations"][{l}]', rtol=AUTOGRAD_RTOL,
                         atol=AUTOGRAD_ATOL, rule=f"Z_{l} = A_{l} W_{l}^T + b_{l} (before the LeakyReLU)",
                         hint="one row per sample; the LeakyReLU follows every layer but the last")
        for l in reversed(range(len(weights))):
            g = expect_array(got["gradients"][l], call + f'["gradients"][{l}]', shape=want["gradients"][l].shape)
            assert_gradient(g, want["gradients"][l], call + f'["gradients"][{l}]', rtol=AUTOGRAD_RTOL,
                            atol=AUTOGRAD_ATOL, what=f"dL/dZ_{l}",
                            hint="dL/dZ_out = 2 (out - y) / N; dL/dZ_(l-1) = (dL/dZ_l W_l) * LeakyReLU'(Z_(l-1)) "
                                 "with slope 1 for z > 0 and negative_slope for z <= 0 (the gradient itself, "
                                 "not the seed's G = -gradient)")

    prop()


@checks.check("layer_gradients")
def check_parameter_gradients_match_autograd(impl, *, rng):
    """The loss and dL/dW_l, dL/db_l equal torch.autograd's."""

    @hypo.given(networks(), max_examples=10)
    def prop(net):
        weights, biases, x, y, slope = net
        call, got = _layer_gradients(impl, weights, biases, x, y, slope)
        want = _autograd(weights, biases, x, y, slope)
        loss = expect_float(got["loss"], call + '["loss"]')
        assert_close(loss, want["loss"], call + '["loss"]', rtol=AUTOGRAD_RTOL, atol=AUTOGRAD_ATOL,
                     rule="the loss is the mean squared error", hint="mean over the N samples of (out - y)^2")
        for key, what in (("weight_gradients", "dL/dW"), ("bias_gradients", "dL/db")):
            for l in range(len(weights)):
                g = expect_array(got[key][l], call + f'["{key}"][{l}]', shape=want[key][l].shape)
                assert_gradient(g, want[key][l], call + f'["{key}"][{l}]', rtol=AUTOGRAD_RTOL, atol=AUTOGRAD_ATOL,
                                what=f"{what}_{l}", hint="dL/dW_l = (dL/dZ_l)^T A_l (shape of W_l), "
                                                         "dL/db_l = sum over samples of dL/dZ_l")

    prop()


@checks.check("layer_gradients")
def check_parameter_gradients_finite_differences(impl, *, rng):
    """dL/dW_l and dL/db_l match central differences of the submitted loss (relative error)."""
    widths = (1, 3, 2, 1)
    weights, biases, x, y = _network(rng, widths, 10)
    call, got = _layer_gradients(impl, weights, biases, x, y, NEGATIVE_SLOPE)
    for l in range(len(weights)):
        for key, params in (("weight_gradients", weights), ("bias_gradients", biases)):

            def loss_at(p, l=l, key=key):
                ws, bs = list(weights), list(biases)
                (ws if key == "weight_gradients" else bs)[l] = p
                at, value = _layer_gradients(impl, ws, bs, x, y, NEGATIVE_SLOPE)  # validated: no crash here
                return expect_float(value["loss"], at + '["loss"]')

            g = expect_array(got[key][l], call + f'["{key}"][{l}]', shape=params[l].shape)
            assert_gradient(g, numeric_gradient(loss_at, params[l]), call + f'["{key}"][{l}]',
                            what=f"{'dL/dW' if key == 'weight_gradients' else 'dL/db'}_{l}",
                            hint="the parameter gradients must be those of your own loss")


# --- train --------------------------------------------------------------------------------------
SMALL = {"n_samples": 48, "widths": (1, 4, 4, 1)}


@checks.check("train")
def check_train_series_shape_and_range(impl, *, rng):
    """train returns loss (S, epochs) > 0 and alignment (S, epochs, L) in [0, 1], every entry finite;
    the output layer (width 1) has alignment 1 at every epoch."""
    seeds = [int(s) for s in rng.integers(0, 2**31 - 1, size=2)]
    call, loss, alignment = _train(impl, seeds, 8, n_samples=32, widths=(1, 3, 3, 1))
    if not np.all(loss > 0):
        fail(call + '["loss"]', short(loss), "positive mean squared errors")
    if not np.all((alignment >= -RANGE_SLACK) & (alignment <= 1 + OUTPUT_ATOL)):
        bad = np.argwhere((alignment < -RANGE_SLACK) | (alignment > 1 + OUTPUT_ATOL))[0]
        fail(call + '["alignment"]', f"{alignment[tuple(bad)]!r} at index {tuple(int(i) for i in bad)}",
             "alignments in [0, 1]", hint="use compute_alignment on each layer's Z_l and -dL/dZ_l")
    assert_close(alignment[:, :, -1], np.ones_like(alignment[:, :, -1]), call + '["alignment"][:, :, -1]',
                 rtol=0, atol=OUTPUT_ATOL, rule="the output layer has width 1: its alignment is 1 at every epoch",
                 hint="record every layer l = 0..L-1 in order, the output layer last")


@checks.check("train")
def check_train_starts_from_problem(impl, *, rng):
    """Epoch 0 is recorded before any step, from make_problem(seed)'s data and initial network:
    its loss and alignments are those of that network (reproducible from the seed)."""
    seeds = [SEED, int(rng.integers(0, 2**31 - 1))]
    call, loss, alignment = _train(impl, seeds, 2, **SMALL)
    for k, seed in enumerate(seeds):
        problem = _problem(seed, SMALL["n_samples"], SMALL["widths"], NOISE)
        want = _autograd(problem["weights"], problem["biases"], problem["x"], problem["y"], NEGATIVE_SLOPE)
        hint = ("run k starts from make_problem(seeds[k], ...) and records loss and alignment before the "
                "first Adam step")
        assert_close(loss[k, 0], want["loss"], call + f'["loss"][{k}, 0]', rtol=START_RTOL, atol=0.0,
                     rule=f"the loss at epoch 0 must be that of the initial network of seed {seed}", hint=hint)
        expected = np.array([_alignment(z, -g) for z, g in zip(want["preactivations"], want["gradients"])])
        assert_close(alignment[k, 0], expected, call + f'["alignment"][{k}, 0]', rtol=0.0, atol=START_ATOL,
                     rule=f"the alignments at epoch 0 must be those of the initial network of seed {seed}, "
                          "compute_alignment(Z_l, -dL/dZ_l) for every layer", hint=hint)


@checks.check("train")
def check_train_matches_torch_adam(impl, *, rng):
    """Over 20 epochs, loss and alignment series equal those of Adam as torch.optim.Adam(lr, weight_decay)
    takes its steps (float64 oracle), recorded before each step, for the default and other hyperparameters."""
    cases = [({}, LR, WEIGHT_DECAY, NEGATIVE_SLOPE),
             ({"lr": 0.03, "weight_decay": 0.05, "negative_slope": 0.2}, 0.03, 0.05, 0.2)]
    seed = int(rng.integers(0, 2**31 - 1))
    for extra, lr, wd, slope in cases:
        kwargs = {**SMALL, **extra}
        call, loss, alignment = _train(impl, [seed], ORACLE_EPOCHS, **kwargs)
        want_loss, want_align = _oracle(seed, ORACLE_EPOCHS, SMALL["n_samples"], SMALL["widths"], NOISE, lr, wd,
                                        slope)
        hint = ("each epoch: forward, loss, backward, record, then one step of Adam as torch.optim.Adam takes "
                "it: g = grad + weight_decay * p; m = 0.9 m + 0.1 g; v = 0.999 v + 0.001 g^2; "
                "p -= lr * (m / (1 - 0.9^t)) / (sqrt(v / (1 - 0.999^t)) + 1e-8)")
        assert_close(loss[0], want_loss, call + '["loss"][0]', rtol=LOSS_RTOL, atol=0.0, hint=hint,
                     rule="the loss series must be torch.optim.Adam's")
        assert_close(alignment[0], want_align, call + '["alignment"][0]', rtol=0.0, atol=ALIGNMENT_ATOL,
                     hint="record compute_alignment(Z_l, -dL/dZ_l) of every layer before the step",
                     rule="the alignment series must be those of torch.optim.Adam's run")


@checks.check("train")
def check_train_batched_equals_separate(impl, *, rng):
    """A seed's run does not depend on the other seeds trained with it (nor on its position); different
    seeds give different runs."""
    a, b = (int(s) for s in rng.choice(2**31 - 1, size=2, replace=False))
    kwargs = {"n_samples": 32, "widths": (1, 3, 3, 1)}
    call3, loss3, align3 = _train(impl, [a, b], BATCH_EPOCHS, **kwargs)
    for seeds in ([b],):
        call, loss, alignment = _train(impl, seeds, BATCH_EPOCHS, **kwargs)
        for k, seed in enumerate(seeds):
            j = [a, b].index(seed)
            hint = ("each seed needs its own generator, data, parameters and Adam state; batched arrays must "
                    "not mix seeds")
            assert_close(loss[k], loss3[j], call + f'["loss"][{k}]', rtol=BATCH_RTOL, atol=BATCH_ATOL,
                         rule=f"seed {seed} alone must give the loss series it gets in {call3}", hint=hint)
            assert_close(alignment[k], align3[j], call + f'["alignment"][{k}]', rtol=BATCH_RTOL, atol=BATCH_ATOL,
                         rule=f"seed {seed} alone must give the alignment series it gets in {call3}", hint=hint)
    if np.allclose(loss3[0], loss3[1]):
        fail(call3 + '["loss"]', "the same loss series for different seeds", "one independent run per seed",
             hint="run k starts from make_problem(seeds[k], ...)")


# --- plot_alignment -----------------------------------------------------------------------------
def _figure(impl, *args, **kwargs) -> tuple[str, Handle, dict]:
    call = call_repr("plot_alignment", args, kwargs)
    fig = impl.plot_alignment(*args, **kwargs)
    if type(fig) is not Handle or fig.type != FIGURE:
        fail(call, "None" if fig is None else describe_type(fig), "a matplotlib Figure",
             hint="return the Figure (fig), not the axes, and do not call plt.show()")
    return call, fig, impl.op("describe_figure", fig)


def _synthetic(rng: np.random.Generator, runs: int, epochs: int, depth: int) -> np.ndarray:
    return rng.uniform(0.0, 1.0, size=(runs, epochs, depth))


def _label(text: str) -> str:
    for ch in "${}_\\":
        text = text.replace(ch, "")
    return " ".join(text.lower().split())


@checks.check("plot_alignment")
def check_plot_one_panel_per_layer(impl, *, rng):
    """One axes per layer, in layer order, titled "layer 1", "layer 2", ..., labelled "epoch" and "alignment"."""
    for depth in (3,):
        data = _synthetic(rng, 2, 5, depth)
        call, fig, desc = _figure(impl, data)
        axes = desc["axes"]
        if len(axes) != depth:
            fail(call, f"a figure with {len(axes)} axes", f"{depth} axes, one per layer",
                 hint="one panel per layer (plt.subplots with enough cells; remove the unused ones)")
        for l, ax in enumerate(axes):
            if not _label(ax["title"]).startswith(f"layer {l + 1}") or (
                    _label(ax["title"])[len(f"layer {l + 1}"):][:1].isdigit()):
                fail(call, f"axes {l} titled {ax['title']!r}", f"a title starting with 'layer {l + 1}'",
                     hint="fig.axes[l] shows layer l + 1")
            if _label(ax["xlabel"]) != "epoch" or _label(ax["ylabel"]) != "alignment":
                fail(call, f"axes {l} labelled x: {ax['xlabel']!r}, y: {ax['ylabel']!r}",
                     "x label 'epoch' and y label 'alignment'")
        impl.op("close_figure", fig)


@checks.check("plot_alignment")
def check_plot_lines_data(impl, *, rng):
    """Axes l has, for every run s, a line (epochs, alignment[s, :, l]); epochs default to 0, 1, ..., E - 1."""
    cases = [((_synthetic(rng, 3, 7, 3),), {}, np.arange(7.0)),
             ((_synthetic(rng, 2, 5, 2), [7, 9]), {"epochs": np.arange(0.0, 50.0, 10.0)}, np.arange(0.0, 50.0, 10.0))]
    for args, kwargs, epochs in cases:
        data = args[0]
        call, fig, desc = _figure(impl, *args, **kwargs)
        if len(desc["axes"]) != data.shape[2]:
            fail(call, f"a figure with {len(desc['axes'])} axes", f"{data.shape[2]} axes, one per layer")
        for l, ax in enumerate(desc["axes"]):
            for s in range(data.shape[0]):
                if not any(line["x"].shape == epochs.shape and np.allclose(line["x"], epochs)
                           and line["y"].shape == epochs.shape and np.allclose(line["y"], data[s, :, l])
                           for line in ax["lines"]):
                    xs = [short(line["x"]) for line in ax["lines"]][:3]
                    fail(call, f"axes {l} with {len(ax['lines'])} line(s) at x = {', '.join(xs) or 'none'}",
                         f"a line with x = {short(epochs)} and y = alignment[{s}, :, {l}] = "
                         f"{short(data[s, :, l])}",
                         hint="ax.plot(epochs, alignment[s, :, l]) for every run s on the panel of layer l; "
                              "the epochs start at 0")
        impl.op("close_figure", fig)
