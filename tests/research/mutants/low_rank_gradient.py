"""Realistic wrong and valid implementations of ``low_rank_gradient``.

Overrides are rebound to the reference's namespace (:func:`tests.mutation.namespace`), as in a
notebook where all cells share one ``globals()``: a mutant ``network_forward`` is what the
reference's ``loss`` calls, a mutant ``largest_singular_value`` what its ``train`` calls.
Names such as ``activation``, ``make_generator``, ``torch_dtype``, ``orth_basis``,
``_act_and_derivative``, ``principal_angles`` and the tracking constants resolve to that
namespace.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import torch

from tests.mutation import Alternative, Mutant


# --- data -------------------------------------------------------------------------------------
def gen_data_covariance_squared(n, d, zeta, q, alpha=0.0, generator=0):
    # Reads the seed's Sigma = diag(i^(-alpha/2)) as the covariance and takes its "square root"
    # twice over: the columns get i^(-alpha) (variances i^(-2 alpha)).
    q = torch.as_tensor(q).reshape(-1)
    gen = make_generator(generator, q.device)  # noqa: F821
    scale = torch.arange(1, d + 1, device=q.device, dtype=q.dtype) ** (-alpha)
    X_B = torch.randn(n, d, generator=gen, device=q.device, dtype=q.dtype) * scale
    z = torch.randn(n, generator=gen, device=q.device, dtype=q.dtype)
    return X_B + zeta * z[:, None] * q[None, :], X_B, z


def gen_data_spike_without_zeta(n, d, zeta, q, alpha=0.0, generator=0):
    # Forgets the spike strength: X = X_B + z q^T.
    q = torch.as_tensor(q).reshape(-1)
    gen = make_generator(generator, q.device)  # noqa: F821
    scale = torch.arange(1, d + 1, device=q.device, dtype=q.dtype) ** (-alpha / 2)
    X_B = torch.randn(n, d, generator=gen, device=q.device, dtype=q.dtype) * scale
    z = torch.randn(n, generator=gen, device=q.device, dtype=q.dtype)
    return X_B + z[:, None] * q[None, :], X_B, z


def gen_data_global_generator(n, d, zeta, q, alpha=0.0, generator=0):
    # Draws from torch's global generator (the seed's torch.randn(n, d)), ignoring `generator`.
    q = torch.as_tensor(q).reshape(-1)
    scale = torch.arange(1, d + 1, device=q.device, dtype=q.dtype) ** (-alpha / 2)
    X_B = torch.randn(n, d, device=q.device, dtype=q.dtype) * scale
    z = torch.randn(n, device=q.device, dtype=q.dtype)
    return X_B + zeta * z[:, None] * q[None, :], X_B, z


def teacher_noise_tau_squared(X, beta, act="sigmoid", tau=1.0, generator=0):
    # Treats tau as the noise variance: y = act(X beta) + tau^2 eps.
    X = torch.as_tensor(X)
    beta = torch.as_tensor(beta, dtype=X.dtype).reshape(-1)
    y = activation(X @ beta, act)  # noqa: F821
    if tau != 0:
        gen = make_generator(generator, X.device)  # noqa: F821
        y = y + tau**2 * torch.randn(X.shape[0], generator=gen, dtype=X.dtype)
    return y


def teacher_row_loop(X, beta, act="sigmoid", tau=1.0, generator=0):
    # The seed's get_y: one teacher evaluation per row (slow but valid), then the noise.
    X = torch.as_tensor(X)
    beta = torch.as_tensor(beta, dtype=X.dtype).reshape(-1)
    y = torch.stack([activation(X[i] @ beta, act) for i in range(X.shape[0])])  # noqa: F821
    if tau != 0:
        gen = make_generator(generator, X.device)  # noqa: F821
        y = y + tau * torch.randn(X.shape[0], generator=gen, dtype=X.dtype)
    return y


def init_network_seed_outer(k, d, generator=0, outer="sign", dtype="float64", device="cpu"):
    # The seed's outer weights: (randint(0, 2) - 1) / sqrt(k) is -1/sqrt(k) or 0.
    dtype = torch_dtype(dtype)  # noqa: F821
    gen = make_generator(generator, device)  # noqa: F821
    W = torch.randn(k, d, generator=gen, dtype=dtype, device=device)
    W = W / torch.linalg.vector_norm(W, dim=1, keepdim=True)
    if outer == "gaussian":
        a = torch.randn(k, generator=gen, dtype=dtype, device=device) / math.sqrt(k)
    else:
        a = (torch.randint(0, 2, (k,), generator=gen, device=device) - 1).to(dtype) / math.sqrt(k)
    return W, a


def init_network_unnormalised(k, d, generator=0, outer="sign", dtype="float64", device="cpu"):
    # Gaussian rows, never projected onto the sphere.
    dtype = torch_dtype(dtype)  # noqa: F821
    gen = make_generator(generator, device)  # noqa: F821
    W = torch.randn(k, d, generator=gen, dtype=dtype, device=device)
    if outer == "gaussian":
        a = torch.randn(k, generator=gen, dtype=dtype, device=device) / math.sqrt(k)
    else:
        a = (2 * torch.randint(0, 2, (k,), generator=gen, device=device) - 1).to(dtype) / math.sqrt(k)
    return W, a


def init_network_functional(k, d, generator=0, outer="sign", dtype="float64", device="cpu"):
    # Valid: the same draws, normalised with torch.nn.functional.normalize, signs by torch.where.
    dtype = torch_dtype(dtype)  # noqa: F821
    gen = make_generator(generator, device)  # noqa: F821
    W = torch.nn.functional.normalize(torch.randn(k, d, generator=gen, dtype=dtype, device=device), dim=1)
    if outer == "gaussian":
        return W, torch.randn(k, generator=gen, dtype=dtype, device=device) / math.sqrt(k)
    bits = torch.randint(0, 2, (k,), generator=gen, device=device)
    one = torch.tensor(1 / math.sqrt(k), dtype=dtype, device=device)
    if outer == "seed":
        return W, torch.where(bits == 1, torch.zeros_like(one), -one)
    return W, torch.where(bits == 1, one, -one)


# --- network -----------------------------------------------------------------------------------
def forward_gamma_twice(X, W, a, gamma, act="relu"):
    # The seed's network_forward: gamma * a^T H, and the result multiplied by gamma again.
    X = torch.as_tensor(X)
    W, a = torch.as_tensor(W, dtype=X.dtype), torch.as_tensor(a, dtype=X.dtype)
    y_pred = gamma * (a @ activation(W @ X.T, act))  # noqa: F821
    return gamma * y_pred


def loss_without_half(X, y, W, a, gamma, act="relu"):
    # torch.mean((y_pred - y) ** 2), as the seed's training loop: twice L.
    X = torch.as_tensor(X)
    r = network_forward(X, W, a, gamma, act) - torch.as_tensor(y, dtype=X.dtype)  # noqa: F821
    return torch.mean(r**2)


def _inputs(X, y, W, a):
    X = torch.as_tensor(X)
    return X, torch.as_tensor(y, dtype=X.dtype), torch.as_tensor(W, dtype=X.dtype), torch.as_tensor(a, dtype=X.dtype)


def gradient_transposed(X, y, W, a, gamma, act="relu"):
    # The seed's get_G layout: X^T [(r a^T) * sigma'(X W^T)] / n, of shape (d, k) (gamma included).
    X, y, W, a = _inputs(X, y, W, a)
    Z = X @ W.T
    r = gamma * (activation(Z, act) @ a) - y  # noqa: F821
    return gamma * X.T @ (torch.outer(r, a) * activation_derivative(Z, act)) / X.shape[0]  # noqa: F821


def gradient_missing_gamma(X, y, W, a, gamma, act="relu"):
    # The seed's get_G without its transpose: still no gamma.
    X, y, W, a = _inputs(X, y, W, a)
    Z = W @ X.T
    r = gamma * (a @ activation(Z, act)) - y  # noqa: F821
    return (activation_derivative(Z, act) * a[:, None] * r[None, :]) @ X / X.shape[0]  # noqa: F821


def gradient_sigma_not_derivative(X, y, W, a, gamma, act="relu"):
    # sigma where sigma' belongs.
    X, y, W, a = _inputs(X, y, W, a)
    Z = W @ X.T
    r = gamma * (a @ activation(Z, act)) - y  # noqa: F821
    return (gamma / X.shape[0]) * (activation(Z, act) * a[:, None] * r[None, :]) @ X  # noqa: F821


def gradient_einsum(X, y, W, a, gamma, act="relu"):
    # Valid: the same closed form with einsum.
    X, y, W, a = _inputs(X, y, W, a)
    Z = torch.einsum("kd,nd->kn", W, X)
    r = gamma * torch.einsum("k,kn->n", a, activation(Z, act)) - y  # noqa: F821
    return gamma / X.shape[0] * torch.einsum("k,kn,n,nd->kd", a, activation_derivative(Z, act), r, X)  # noqa: F821


# --- rank-one split ------------------------------------------------------------------------------
def _split_parts(X, y, W, a, gamma, act):
    X, y, W, a = _inputs(X, y, W, a)
    Z = W @ X.T
    r = gamma * (a @ activation(Z, act)) - y  # noqa: F821
    return X, a, r, activation_derivative(Z, act)  # noqa: F821


def split_without_mu(X, y, W, a, gamma, act="relu", mu=None):
    # S1 = (gamma / n) a (X^T r)^T: forgets mu; R = G - S1.
    X, a, r, deriv = _split_parts(X, y, W, a, gamma, act)
    n = X.shape[0]
    S1 = (gamma / n) * torch.outer(a, X.T @ r)
    G = (gamma / n) * (deriv * a[:, None] * r[None, :]) @ X
    return S1, G - S1


def split_ignores_given_mu(X, y, W, a, gamma, act="relu", mu=None):
    # Always the sample mean, whatever mu is passed.
    X, a, r, deriv = _split_parts(X, y, W, a, gamma, act)
    n = X.shape[0]
    mu = deriv.mean(dim=1)
    S1 = (gamma / n) * torch.outer(a * mu, X.T @ r)
    R = (gamma / n) * ((deriv - mu[:, None]) * a[:, None] * r[None, :]) @ X
    return S1, R


def split_remainder_not_centred(X, y, W, a, gamma, act="relu", mu=None):
    # R uses sigma' instead of sigma' - mu: S1 + R counts S1 twice.
    X, a, r, deriv = _split_parts(X, y, W, a, gamma, act)
    n = X.shape[0]
    mu = deriv.mean(dim=1) if mu is None else torch.as_tensor(mu, dtype=X.dtype)
    S1 = (gamma / n) * torch.outer(a * mu, X.T @ r)
    R = (gamma / n) * (deriv * a[:, None] * r[None, :]) @ X
    return S1, R


# --- principal angles -------------------------------------------------------------------------------
def _angles_radians(A, B):
    """Principal angles, ascending (SVD bases, cosines, sines below pi/4)."""
    A = torch.as_tensor(A).double()
    B = torch.as_tensor(B).double()
    QA, QB = orth_basis(A), orth_basis(B)  # noqa: F821
    C = QA.T @ QB
    cos = torch.linalg.svdvals(C).clamp(0, 1)
    perp = QB - QA @ C if QA.shape[1] >= QB.shape[1] else QA - QB @ C.T
    sin = torch.linalg.svdvals(perp).clamp(0, 1)[: cos.numel()]
    return torch.where(cos**2 >= 0.5, torch.arcsin(sin.flip(0)), torch.arccos(cos))


def angles_in_degrees(A, B):
    # torch.rad2deg of the angles, as the seed's angles_plot.
    return torch.rad2deg(_angles_radians(A, B))


def angles_descending(A, B):
    # scipy's order, largest first.
    return _angles_radians(A, B).flip(0)


def angles_raw_columns(A, B):
    # Cosines from the SVD of A^T B without orthonormal bases.
    A = torch.as_tensor(A).double()
    B = torch.as_tensor(B).double()
    cos = torch.linalg.svdvals(A.T @ B).clamp(0, 1)
    return torch.sort(torch.arccos(cos)).values


def angles_qr_basis(A, B):
    # Orthonormal bases by QR of the raw columns: no rank revealing, so rank-deficient inputs give
    # spurious directions and too many angles.
    A = torch.as_tensor(A).double()
    B = torch.as_tensor(B).double()
    QA, QB = torch.linalg.qr(A).Q, torch.linalg.qr(B).Q
    cos = torch.linalg.svdvals(QA.T @ QB).clamp(0, 1)
    return torch.sort(torch.arccos(cos)).values


def angles_seed_arccos(A: torch.Tensor, B: torch.Tensor, *, rtol=1e-12, atol=1e-14):
    # Valid: the seed's principal_angles (SVD bases with its thresholds, arccos of the cosines).
    A = torch.as_tensor(A).double()
    B = torch.as_tensor(B).double()

    def orthonormal_basis(X):
        U, S, _ = torch.linalg.svd(X, full_matrices=False)
        tau = atol + rtol * S.max()
        r = (S > tau).sum().item()
        return U[:, :r]

    UA, UB = map(orthonormal_basis, (A, B))
    if UA.shape[1] == 0 or UB.shape[1] == 0:
        return torch.empty(0, dtype=A.dtype)
    sigma = torch.clamp(torch.linalg.svdvals(UA.T @ UB), 0.0, 1.0)
    angles, _ = torch.sort(torch.acos(sigma))
    return angles


# --- power iteration and subspace iteration -------------------------------------------------------------
def power_few_steps(A, v0=None, max_iter=10, tol=1e-9, generator=0):
    # A cold start with ten steps by default.
    A = torch.as_tensor(A)
    v = torch.randn(A.shape[1], generator=make_generator(generator), dtype=A.dtype) if v0 is None \
        else torch.as_tensor(v0, dtype=A.dtype)  # noqa: F821
    v = v / v.norm()
    for _ in range(max_iter):
        v = A.T @ (A @ v)
        v = v / v.norm()
    return (A @ v).norm(), v


def power_ignores_v0(A, v0=None, max_iter=1000, tol=1e-9, generator=0):
    # Always a fresh random start (the seed's largest_singular_value): warm starts are lost.
    A = torch.as_tensor(A)
    v = torch.randn(A.shape[1], generator=make_generator(generator), dtype=A.dtype)  # noqa: F821
    v = v / v.norm()
    sigma = (A @ v).norm()
    for _ in range(max_iter):
        v = A.T @ (A @ v)
        v = v / v.norm()
        new = (A @ v).norm()
        if abs(new - sigma) <= tol * new:
            return new, v
        sigma = new
    return sigma, v


def power_returns_squared(A, v0=None, max_iter=1000, tol=1e-9, generator=0):
    # Returns ||A^T A v|| = sigma^2 instead of ||A v||.
    A = torch.as_tensor(A)
    v = torch.randn(A.shape[1], generator=make_generator(generator), dtype=A.dtype) if v0 is None \
        else torch.as_tensor(v0, dtype=A.dtype)  # noqa: F821
    v = v / v.norm()
    sigma = (A.T @ (A @ v)).norm()
    for _ in range(max_iter):
        w = A.T @ (A @ v)
        v = w / w.norm()
        new = (A.T @ (A @ v)).norm()
        if abs(new - sigma) <= tol * new:
            return new, v
        sigma = new
    return sigma, v


def _block(A, m, V0, generator):
    A = torch.as_tensor(A)
    if V0 is None:
        gen = make_generator(generator)  # noqa: F821
        return A, torch.randn(A.shape[1], min(m + 4, *A.shape), generator=gen, dtype=A.dtype)
    return A, torch.as_tensor(V0, dtype=A.dtype)


def top_singular_no_reorthonormalisation(A, m, V0=None, max_iter=100, tol=1e-7, generator=0):
    # Block power steps V <- A^T A V without QR: every column drifts to v_1.
    A, V = _block(A, m, V0, generator)
    for _ in range(max_iter):
        V = A.T @ (A @ V)
        V = V / V.norm(dim=0, keepdim=True)
    S = (A @ V).norm(dim=0)
    order = torch.argsort(S, descending=True)
    return S[order][:m], V[:, order]


def top_singular_ignores_V0(A, m, V0=None, max_iter=100, tol=1e-7, generator=0):
    # Always starts from random vectors (of V0's width): the warm start is lost.
    A = torch.as_tensor(A)
    b = min(m + 4, *A.shape) if V0 is None else torch.as_tensor(V0).shape[1]
    V = torch.randn(A.shape[1], b, generator=make_generator(generator), dtype=A.dtype)  # noqa: F821
    prev = None
    for step in range(max(1, max_iter)):
        V = torch.linalg.qr(V).Q
        Y = A @ V
        lam, P = torch.linalg.eigh((Y.T @ Y).double())
        lam, P = lam.flip(0), P.flip(1)
        S = lam.clamp(min=0).sqrt().to(A.dtype)
        if step == max(1, max_iter) - 1 or (prev is not None and bool((S[:m] - prev).abs().max() <= tol * S[0])):
            return S[:m], V @ P.to(A.dtype)
        prev = S[:m]
        V = A.T @ Y
    return S[:m], V


def top_singular_ascending(A, m, V0=None, max_iter=100, tol=1e-7, generator=0):
    # eigh's ascending order kept: the smallest Ritz values first.
    A, V = _block(A, m, V0, generator)
    prev = None
    for step in range(max(1, max_iter)):
        V = torch.linalg.qr(V).Q
        Y = A @ V
        lam, P = torch.linalg.eigh((Y.T @ Y).double())
        S = lam.clamp(min=0).sqrt().to(A.dtype)
        if step == max(1, max_iter) - 1 or (prev is not None and bool((S[:m] - prev).abs().max() <= tol * S[-1])):
            return S[:m], V @ P.to(A.dtype)
        prev = S[:m]
        V = A.T @ Y
    return S[:m], V


def top_singular_full_svd(A, m, V0=None, max_iter=100, tol=1e-7, generator=0):
    # Valid (slow): a full SVD, the block of the top b right singular vectors.
    A = torch.as_tensor(A)
    b = min(m + 4, *A.shape) if V0 is None else torch.as_tensor(V0).shape[1]
    _, S, Vh = torch.linalg.svd(A, full_matrices=False)
    return S[:m], Vh[:b].T


def projection_qr_basis(W, X, y, q):
    # The seed's basis: QR of [X^T y, q] after dropping vectors of norm <= 1e-9.
    X = torch.as_tensor(X)
    W, y, q = (torch.as_tensor(v, dtype=X.dtype) for v in (W, y, q))
    vecs = [v for v in (X.T @ y, q.reshape(-1)) if torch.linalg.norm(v) > 1e-9]
    Q, _ = torch.linalg.qr(torch.stack(vecs, dim=1))
    return float(torch.linalg.norm(W @ Q) / torch.linalg.norm(W))


def projection_not_relative(W, X, y, q):
    # Forgets to divide by ||W||_F.
    X = torch.as_tensor(X)
    W, y, q = (torch.as_tensor(v, dtype=X.dtype) for v in (W, y, q))
    Q = orth_basis(torch.stack([X.T @ y, q.reshape(-1)], dim=1))  # noqa: F821
    return float(torch.linalg.norm(W @ Q))


def projection_via_lstsq(W, X, y, q):
    # Valid: project the rows with a least-squares solve on the (possibly rank-deficient) spanning set.
    X = np.asarray(torch.as_tensor(X), dtype=np.float64)
    W, y, q = (np.asarray(torch.as_tensor(v), dtype=np.float64) for v in (W, y, q))
    B = np.column_stack([X.T @ y, q.reshape(-1)])
    coef = np.linalg.lstsq(B, W.T, rcond=None)[0]
    norm_W = np.linalg.norm(W)
    return 0.0 if norm_W == 0 else float(np.linalg.norm(B @ coef) / norm_W)


# --- train --------------------------------------------------------------------------------------------
def _train_variant(data, W0, a, gamma, lr, epochs, act, n_sv, keep_W, progress, *, step_over_gamma=True,
                   renormalise=True, test_after_step=False, residue_of="X_B", power="warm", energy_of="W",
                   test_broadcast=False, full_svd=False):
    """The reference's train with one thing changed (the keyword arguments)."""
    X = torch.as_tensor(data["X"])
    dev, dt = X.device, X.dtype

    def conv(value):
        return torch.as_tensor(value, dtype=dt, device=dev)

    y, X_B, q = conv(data["y"]).reshape(-1), conv(data["X_B"]), conv(data["q"]).reshape(-1)
    X_test, y_test = conv(data["X_test"]), conv(data["y_test"]).reshape(-1)
    W = conv(W0).clone()
    a = conv(a).reshape(-1)
    n = X.shape[0]
    q = q / q.norm()
    basis = orth_basis(torch.stack([X.T @ y, q], dim=1))  # noqa: F821
    step = lr / gamma if step_over_gamma else lr
    rows, svs, Ws = [], [], [W.clone()]
    v_W, V_G = None, None
    for t in range(epochs):
        Z = W @ X.T
        r = gamma * (a @ activation(Z, act)) - y  # noqa: F821
        G = (gamma / n) * (activation_derivative(Z, act) * a[:, None] * r[None, :]) @ X  # noqa: F821
        if power == "warm":
            sigma_W, v_W = largest_singular_value(W, v_W, 200 if t == 0 else 50, tol=1e-6)  # noqa: F821
        elif power == "cold5":
            sigma_W, _ = largest_singular_value(W, None, 5, tol=0.0, generator=t)  # noqa: F821
        else:
            sigma_W = torch.linalg.matrix_norm(W, 2)
        if full_svd:
            _, S_all, Vh = torch.linalg.svd(G, full_matrices=False)
            S, v1 = S_all[:n_sv], Vh[0]
        else:
            S, V_G = top_singular(G, n_sv, V_G, 200 if t == 0 else 30, tol=1e-5)  # noqa: F821
            v1 = V_G[:, 0]
        residue = (X_B if residue_of == "X_B" else X).T @ r
        target = W if energy_of == "W" else G
        new_W = W - step * G
        if renormalise:
            new_W = new_W / new_W.norm(dim=1, keepdim=True)
        W_test = new_W if test_after_step else W
        f_test = gamma * (a @ activation(W_test @ X_test.T, act))  # noqa: F821
        r_test = f_test[:, None] - y_test[None, :] if test_broadcast else f_test - y_test
        rows.append(torch.stack([
            0.5 * (r @ r) / n, 0.5 * (r_test**2).mean(), sigma_W, G.norm(), (v1 @ residue).abs() / residue.norm(),
            (v1 @ q).abs(), (target @ basis).norm() / target.norm(),
            principal_angles(v1[:, None], torch.stack([residue, q], dim=1))[0].to(dt)]))  # noqa: F821
        svs.append(S)
        W = new_W
        if keep_W:
            Ws.append(W.clone())
        if progress is not None and ((t + 1) % 10 == 0 or t + 1 == epochs):
            progress((t + 1) - 10 * (t // 10))
    rec = torch.stack(rows) if rows else torch.zeros(0, 8, dtype=dt)
    names = ("loss", "test_loss", "op_norm", "grad_fro", "align_residue", "align_q", "energy", "angle")
    out = {name: rec[:, j] for j, name in enumerate(names)}
    out["sv"] = torch.stack(svs) if svs else torch.zeros(0, n_sv, dtype=dt)
    out["W"] = W
    if keep_W:
        out["Ws"] = torch.stack(Ws)
    return out


def train_step_without_gamma(data, W0, a, gamma, lr, epochs, act="relu", n_sv=3, keep_W=False, progress=None):
    return _train_variant(data, W0, a, gamma, lr, epochs, act, n_sv, keep_W, progress, step_over_gamma=False)


def train_no_renormalisation(data, W0, a, gamma, lr, epochs, act="relu", n_sv=3, keep_W=False, progress=None):
    return _train_variant(data, W0, a, gamma, lr, epochs, act, n_sv, keep_W, progress, renormalise=False)


def train_test_loss_after_step(data, W0, a, gamma, lr, epochs, act="relu", n_sv=3, keep_W=False, progress=None):
    # The seed's order: the test loss of W_{t+1} recorded in epoch t.
    return _train_variant(data, W0, a, gamma, lr, epochs, act, n_sv, keep_W, progress, test_after_step=True)


def train_test_loss_broadcast(data, W0, a, gamma, lr, epochs, act="relu", n_sv=3, keep_W=False, progress=None):
    # The seed's test loss: predictions (N, 1) minus targets (N,) averaged over N x N pairs.
    return _train_variant(data, W0, a, gamma, lr, epochs, act, n_sv, keep_W, progress, test_broadcast=True)


def train_residue_with_X(data, W0, a, gamma, lr, epochs, act="relu", n_sv=3, keep_W=False, progress=None):
    # The residue direction X^T r with the spiked X instead of the bulk X_B.
    return _train_variant(data, W0, a, gamma, lr, epochs, act, n_sv, keep_W, progress, residue_of="X")


def train_cold_power_few_steps(data, W0, a, gamma, lr, epochs, act="relu", n_sv=3, keep_W=False, progress=None):
    # ||W||_op from five power steps from a fresh random vector in every epoch.
    return _train_variant(data, W0, a, gamma, lr, epochs, act, n_sv, keep_W, progress, power="cold5")


def train_energy_of_gradient(data, W0, a, gamma, lr, epochs, act="relu", n_sv=3, keep_W=False, progress=None):
    # The energy of G instead of W in span(X^T y, q).
    return _train_variant(data, W0, a, gamma, lr, epochs, act, n_sv, keep_W, progress, energy_of="G")


def train_exact_tracking(data, W0, a, gamma, lr, epochs, act="relu", n_sv=3, keep_W=False, progress=None):
    # Valid (slow): full SVDs every epoch, a per-epoch list of records stacked at the end.
    return _train_variant(data, W0, a, gamma, lr, epochs, act, n_sv, keep_W, progress, power="exact",
                          full_svd=True)


# --- figure ------------------------------------------------------------------------------------------
def plot_panels_swapped(nus, curves):
    # Spike alignment on the left, residue alignment on the right, labels kept in place.
    fig, axs = plt.subplots(1, 2)
    for label, curve in curves.items():
        axs[0].plot(nus, curve["q"], label=label)
        axs[1].plot(nus, curve["residue"], label=label)
    for ax, what in zip(axs, ("residue alignment", "spike alignment")):
        ax.set_xlabel("nu")
        ax.set_ylabel(what)
    return fig


_SPLIT = {"_inputs": _inputs, "_split_parts": _split_parts}

MUTANTS = [
    # data
    Mutant("gen_data_covariance_squared", {"gen_data": gen_data_covariance_squared},
           {"gen_data_bulk_covariance": r"(?s)column i of X_B must have variance i\^-alpha \(alpha = 1\.5\).*Hint: "
                                        r".*the "
                                        r"variances are i\^-alpha",
            "sampling_matches_reference": "(?s)gen_data must draw the reference's numbers"}),
    Mutant("gen_data_spike_without_zeta", {"gen_data": gen_data_spike_without_zeta},
           {"gen_data_spike_structure": r"(?s)X - X_B must be the spike zeta \* z q\^T",
            # without zeta the spike never dominates the residue
            "large_nu_aligns_with_q": r"(?s)nu = 0\.75, (relu|sigmoid)\) at epoch 0 returned align_residue = 0\.9\d\d, "
                                      r"align_q = 0\.\d+; expected align_q >= 0\.75",
            "sampling_matches_reference": "(?s)gen_data must draw the reference's numbers"}),
    Mutant("gen_data_global_generator", {"gen_data": gen_data_global_generator},
           {"gen_data_spike_structure": r"(?s)twice returned different X; expected the same data for the same seed",
            "sampling_matches_reference": "(?s)gen_data must draw the reference's numbers"}),
    Mutant("teacher_noise_tau_squared", {"teacher_targets": teacher_noise_tau_squared},
           {"teacher_targets_definition": r"(?s)returned y - sigmoid\(X beta\) with mean -?0\.\d+ and standard "
                                          r"deviation "
                                          r"0\.\d+; expected noise of mean 0 and standard deviation tau",
            "sampling_matches_reference": "(?s)teacher_targets must draw the reference's noise"}),
    # network
    Mutant("init_network_seed_outer_weights", {"init_network": init_network_seed_outer},
           {"init_network_distribution": r"(?s)outer weights a with values array\(\[-1\., +0\.\]\) / sqrt\(k\); "
                                         r"expected "
                                         r"a_i = \+1/sqrt\(k\) or -1/sqrt\(k\)",
            "sampling_matches_reference": "(?s)init_network must draw the reference's numbers"}),
    Mutant("init_network_unnormalised_rows", {"init_network": init_network_unnormalised},
           {"init_network_distribution": "(?s)the rows of W must have norm 1",
            # pre-activations of size sqrt(d): sigma' of the sigmoid varies as much as ReLU's
            "sigmoid_closer_to_rank_one": r"(?s)returned s1 / \|\|G\|\|_F = 0\.\d+ \(sigmoid\)",
            "sampling_matches_reference": "(?s)init_network must draw the reference's numbers"}),
    Mutant("forward_gamma_twice", {"network_forward": forward_gamma_twice},
           {"forward_formula": r"(?s)f\(X\) = gamma \* relu\(X W\^T\) a: network_forward.*Hint: apply gamma once",
            # the reference's loss calls network_forward
            "loss_formula": r"(?s)L = \|\|f\(X\) - y\|\|\^2 / \(2 n\)",
            "gradient_consistent_with_loss": "(?s)from central differences.*loss and gradient_W must describe the "
                                             "same L"}),
    Mutant("loss_without_half", {"loss": loss_without_half},
           {"loss_formula": r"(?s)L = \|\|f\(X\) - y\|\|\^2 / \(2 n\).*Hint: the mean of the squared residues, halved",
            "gradient_consistent_with_loss": r"(?s)relative error 5\.00e-01"}),
    # gradient
    Mutant("gradient_transposed", {"gradient_W": gradient_transposed, "_inputs": _inputs},
           {"gradient_matches_autograd": r"(?s)returned an array of shape \(4, 6\); expected a gradient of shape \(6, "
                                         r"4\)\. "
                                         r"Hint: the gradient has the shape \(k, d\) of W",
            "gradient_consistent_with_loss": r"(?s)returned an array of shape \(3, 2\); expected a gradient of shape "
                                             r"\(2, 3\)"}),
    Mutant("gradient_missing_gamma", {"gradient_W": gradient_missing_gamma, "_inputs": _inputs},
           {"gradient_matches_autograd": r"(?s)returned a gradient \(vs autograd\) whose entry \(\d, \d\) is "
                                         r".*relative error",
            "gradient_consistent_with_loss": r"(?s)gradient \(vs central differences of your loss\) whose entry"}),
    Mutant("gradient_sigma_not_derivative", {"gradient_W": gradient_sigma_not_derivative, "_inputs": _inputs},
           {"gradient_matches_autograd": r"(?s)whose entry \(\d, \d\) is .*Hint: G = \(gamma / n\)",
            "gradient_consistent_with_loss": r"(?s)gradient \(vs central differences of your loss\) whose entry"}),
    # rank-one split
    Mutant("split_without_mu", {"rank_one_split": split_without_mu, **_SPLIT},
           {"split_rank_one_part": r"(?s)S1 = \(gamma / n\) \(a \* mu\) \(X\^T r\)\^T, mu_i = mean_j.*Hint: mu = "}),
    Mutant("split_ignores_given_mu", {"rank_one_split": split_ignores_given_mu, **_SPLIT},
           {"split_rank_one_part": r"(?s)with the given mu: .*Hint: use the `mu` argument"}),
    Mutant("split_remainder_not_centred", {"rank_one_split": split_remainder_not_centred, **_SPLIT},
           {"split_sums_to_gradient": r"(?s)S1 \+ R must be the gradient"}),
    # principal angles
    Mutant("angles_in_degrees", {"principal_angles": angles_in_degrees, "_angles_radians": _angles_radians},
           {"angles_match_scipy": r"(?s)ascending, in radians: principal_angles",
            "angles_invariances": r"(?s)expected two angles in \[0, pi/2\] radians\. Hint: radians, not degrees",
            # train's angle uses principal_angles
            "train_tracking": r"(?s)angle\[t\] must describe W_t",
            "train_matches_reference": "(?s)angle must equal the reference's"}),
    Mutant("angles_descending", {"principal_angles": angles_descending, "_angles_radians": _angles_radians},
           {"angles_match_scipy": r"(?s)ascending, in radians",
            "angles_invariances": r"(?s)expected ascending order"}),
    Mutant("angles_raw_columns", {"principal_angles": angles_raw_columns},
           {"angles_match_scipy": r"(?s)ascending, in radians|min\(rank A, rank B\) angles",
            "train_tracking": r"(?s)angle\[t\] must describe W_t",
            "train_matches_reference": "(?s)angle must equal the reference's"}),
    Mutant("angles_qr_basis", {"principal_angles": angles_qr_basis},
           {"angles_match_scipy": r"(?s)returned 1 angle\(s\) array\(\[0\.\]\); expected 0 = min\(rank A, rank B\) "
                                  r"angles "
                                  r"\(ranks 0 and 0\)"}),
    # power iteration, subspace iteration
    Mutant("power_few_steps", {"largest_singular_value": power_few_steps},
           {"power_iteration_accuracy": r"(?s)power iteration must reach sigma_1 \(sigma_2 / sigma_1 <= 0\.9\)"}),
    Mutant("power_ignores_v0", {"largest_singular_value": power_ignores_v0},
           {"power_iteration_warm_start": r"(?s)starting from the top singular vector, one step must be exact.*Hint: "
                                          r"start "
                                          r"from v0"}),
    Mutant("power_returns_squared", {"largest_singular_value": power_returns_squared},
           {"power_iteration_accuracy": r"(?s)sigma must be \|\|A v\|\| for the returned v",
            "power_iteration_warm_start": "(?s)one step must be exact"}),
    Mutant("top_singular_no_reorthonormalisation",
           {"top_singular": top_singular_no_reorthonormalisation, "_block": _block},
           {"top_singular_matches_svdvals": r"(?s)S must hold the m largest singular values.*Hint: orthonormalise the "
                                            r"block",
            "top_singular_warm_start": "(?s)one Rayleigh-Ritz step must be exact",
            "train_tracking": r"(?s)sv\[t\] must be the n_sv largest singular values of G_t",
            # every column converges to v_1: s2 / s1 = 1
            "sigmoid_closer_to_rank_one": r"(?s)s2 / s1 = 1\.000 and 1\.000",
            "train_matches_reference": "(?s)sv must equal the reference's"}),
    Mutant("top_singular_ignores_V0", {"top_singular": top_singular_ignores_V0},
           {"top_singular_warm_start": r"(?s)one Rayleigh-Ritz step must be exact.*Hint: start from V0"}),
    Mutant("top_singular_ascending", {"top_singular": top_singular_ascending, "_block": _block},
           {"top_singular_matches_svdvals": r"(?s)S must hold the m largest singular values, largest first",
            "top_singular_warm_start": "(?s)one Rayleigh-Ritz step must be exact",
            "train_tracking": r"(?s)sv\[t\] must be the n_sv largest singular values of G_t",
            # the "leading" vector is the block's weakest
            "small_nu_aligns_with_residue": r"(?s)nu = 0, relu\) at epoch 0 returned align_residue = 0\.0",
            "large_nu_aligns_with_q": r"(?s)nu = 0\.75, relu\) at epoch 0 returned",
            "sigmoid_closer_to_rank_one": r"(?s)expected sigmoid's share >= 0\.9",
            "train_matches_reference": "(?s)must equal the reference's"}),
    Mutant("projection_qr_basis", {"relative_projection_norm": projection_qr_basis},
           {"projection_norm_properties": r"(?s)with X\^T y parallel to q the span is one line.*Hint: take a "
                                          r"rank-revealing "
                                          r"basis"}),
    Mutant("projection_not_relative", {"relative_projection_norm": projection_not_relative},
           {"projection_norm_properties": r"(?s)the value is \|\|W Q\|\|_F / \|\|W\|\|_F"}),
    # train
    Mutant("train_step_without_gamma", {"train": train_step_without_gamma, "_train_variant": _train_variant},
           {"train_dynamics": r"(?s)the final W must be W_epochs of W <- normalise_rows\(W - \(lr / gamma\) G\): "
                              r"train\(.*gamma=0\.1826",
            "train_tracking": r"(?s)sv\[t\] must be the n_sv largest singular values of G_t: train\(.*gamma=0\.1826",
            "train_matches_reference": "(?s)loss must equal the reference's"}),
    Mutant("train_no_renormalisation", {"train": train_no_renormalisation, "_train_variant": _train_variant},
           {"train_dynamics": r"(?s)the final W must be W_epochs.*Hint: step W - \(lr / gamma\) \* G, then divide "
                              r"every row",
            "train_tracking": r"(?s)sv\[t\] must be the n_sv largest singular values of G_t",
            "train_matches_reference": "(?s)loss must equal the reference's"}),
    Mutant("train_test_loss_after_step", {"train": train_test_loss_after_step, "_train_variant": _train_variant},
           {"train_dynamics": r"(?s)test_loss\[t\] must be L at W_t \(before step t\)",
            "train_matches_reference": "(?s)test_loss must equal the reference's"}),
    Mutant("train_test_loss_broadcast", {"train": train_test_loss_broadcast, "_train_variant": _train_variant},
           {"train_dynamics": r"(?s)test_loss\[t\] must be L at W_t \(before step t\), with 1-D targets.*broadcast",
            "train_matches_reference": "(?s)test_loss must equal the reference's"}),
    Mutant("train_residue_with_X", {"train": train_residue_with_X, "_train_variant": _train_variant},
           {"train_tracking": r"(?s)align_residue\[t\] must describe W_t.*Hint: .*with the bulk X_B \(not X\)",
            # with the spike in it, the "residue" direction is the spike's
            "large_nu_aligns_with_q": r"(?s)returned align_residue = 0\.9\d\d, align_q = 1\.000",
            "train_matches_reference": "(?s)align_residue must equal the reference's"}),
    Mutant("train_cold_power_few_steps", {"train": train_cold_power_few_steps, "_train_variant": _train_variant},
           {"train_tracking": r"(?s)op_norm\[t\] must be \|\|W_t\|\|_op, also for a random W0.*Hint: power "
                              r"iteration on W .*warm-started"}),
    Mutant("train_energy_of_gradient", {"train": train_energy_of_gradient, "_train_variant": _train_variant},
           {"train_tracking": r"(?s)energy\[t\] must describe W_t.*Hint: relative_projection_norm of W_t \(not of G\)",
            "train_matches_reference": "(?s)energy must equal the reference's"}),
    # figure
    Mutant("plot_panels_swapped", {"plot_alignment_vs_nu": plot_panels_swapped},
           {"alignment_plot_structure": r"(?s)returned line 'relu' with x = .*expected x = nus = "
                                        r".*curves\['relu'\]\['residue'\]"}),
]

ALTERNATIVES = [
    Alternative("teacher_row_loop", {"teacher_targets": teacher_row_loop}),
    Alternative("init_network_functional", {"init_network": init_network_functional}),
    Alternative("gradient_einsum", {"gradient_W": gradient_einsum, "_inputs": _inputs}),
    Alternative("angles_seed_arccos", {"principal_angles": angles_seed_arccos}),
    Alternative("top_singular_full_svd", {"top_singular": top_singular_full_svd}),
    Alternative("projection_via_lstsq", {"relative_projection_norm": projection_via_lstsq}),
    Alternative("train_exact_tracking", {"train": train_exact_tracking, "_train_variant": _train_variant}),
]
