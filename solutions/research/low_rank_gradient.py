# %% [markdown]
# # Low-rank gradients and where to find them
#
# Research seminar.  Paper: R. Sonthalia, M. Murray, G. Montúfar, *Low Rank
# Gradients and Where to Find Them* (arXiv:2510.01303, NeurIPS 2025).  Seed
# code: the notebook `Eigenvector_Alignment.ipynb` of `rsonthal/Low-Rank-Gradient`.
#
# A two-layer network $f(\mathbf{x}) = \gamma\, \mathbf{a}^T \sigma(\mathbf{W}\mathbf{x})$
# with $k$ hidden neurons, rows of $\mathbf{W} \in \mathbb{R}^{k \times d}$ on the
# unit sphere and fixed outer weights $a_i = \pm 1/\sqrt{k}$, is trained by
# gradient descent on *spiked* data
# $\mathbf{X} = \mathbf{X}_B + \zeta\, \mathbf{z}\mathbf{q}^T \in \mathbb{R}^{n \times d}$:
# a Gaussian bulk $\mathbf{X}_B$ plus a rank-one spike of strength $\zeta = n^\nu$
# along the unit vector $\mathbf{q}$.  With the residue
# $\mathbf{r} = f(\mathbf{X}) - \mathbf{y}$ the gradient of
# $L(\mathbf{W}) = \frac{1}{2n}\|f(\mathbf{X}) - \mathbf{y}\|^2$ is
#
# $$\mathbf{G} = \nabla_{\mathbf{W}} L = \frac{\gamma}{n}
#   \left[(\mathbf{a}\mathbf{r}^T) \circ \sigma'(\mathbf{W}\mathbf{X}^T)\right] \mathbf{X}
#   \in \mathbb{R}^{k \times d}.$$
#
# The paper shows that $\mathbf{G}$ is approximately low rank, dominated by a
# rank-one term along the bulk residue direction $\mathbf{X}_B^T\mathbf{r}$ and
# one along the spike $\mathbf{q}$, and that the data (the spike strength
# $\nu$), the scaling ($\gamma = 1$, NTK, or $\gamma = 1/\sqrt{k}$, mean field,
# with our $a_i = \pm 1/\sqrt{k}$; the paper writes $a_i = \pm 1$ with $\gamma = 1/\sqrt{k}$
# and $1/k$) and the activation decide which one wins.
# You will reproduce this: implement the model, its gradient and the linear
# algebra that measures the gradient's structure, then run the experiment.
#
# ## Conventions (the grader relies on them)
#
# * **Torch, on any device.**  Every function accepts torch tensors *or*
#   numpy arrays (convert with `torch.as_tensor`), computes with torch on the
#   device and in the dtype (float32 or float64) of its inputs, and returns
#   tensors on that device (or a Python float where stated).  Never move data
#   to a fixed device, never `.item()` inside a loop that does not need it.
#   The checks call your functions with numpy arrays and read the results
#   through `as_numpy` (given below): do not change it.
# * **Shapes.** `X`: (n, d) inputs, one row per sample; `y`: (n,) targets;
#   `W`: (k, d), one row per neuron; `a`: (k,); `q`: (d,) with
#   $\|\mathbf{q}\| = 1$.  All vectors are 1-D (the seed's (n, 1) columns caused
#   one of its bugs).
# * **Randomness** is local: every `generator` argument is an int seed or a
#   `torch.Generator` (`make_generator` turns it into a generator on the right
#   device).  Never call `torch.manual_seed`.
# * Functions never modify their inputs.
#
# ## Where this set departs from the seed
#
# The seed notebook has bugs and costs that are fixed here; each is also
# stated in the docstring of the function concerned.
#
# 1. **γ applied twice.**  The seed's `network_forward` multiplies by `gamma`
#    twice (`gamma * a.T @ H` and again `gamma * y_pred`), so it trains
#    $\gamma^2 \mathbf{a}^T\sigma(\mathbf{W}\mathbf{x})$.  Here $\gamma$ is applied
#    once.  At $\gamma = 1$ (NTK) the two agree; at $\gamma = 1/\sqrt{k}$ the seed's
#    network is $\frac{1}{k}\mathbf{a}^T\sigma$, a different scaling.
# 2. **Outer weights.**  The seed draws `(torch.randint(0, 2, (k, 1)) - 1) / sqrt(k)`,
#    i.e. values in $\{-1/\sqrt{k}, 0\}$ (half the neurons switched off, all others
#    negative), where its comment promises $\pm 1/\sqrt{k}$.  Here
#    $a_i = \pm 1/\sqrt{k}$ with equal probability; `init_network(..., outer="seed")`
#    keeps the seed's draw measurable (and `outer="gaussian"` the $N(0, 1/k)$
#    draw of its second experiment).
# 3. **Test loss.**  The seed's test targets are not reshaped: predictions of
#    shape (N, 1) minus targets of shape (N,) broadcast to an N × N matrix, and
#    its "test loss" is the mean of $(\hat y_i - y_j)^2$ over all *pairs*.  Here all
#    vectors are 1-D and the test loss is $\frac{1}{2N}\sum_j(\hat y_j - y_j)^2$.
# 4. **Loss normalisation.**  The seed's `loss` and its closed forms (`get_G`,
#    `get_S1`) use $\frac{1}{2n}\sum r_j^2$, but its training loop differentiates
#    `torch.mean((y_pred - y)**2)`, twice that.  Here $L = \frac{1}{2n}\|\mathbf{r}\|^2$
#    everywhere: a seed run with learning rate `lr` is ours with `2 * lr`, and
#    the seed's printed losses are $2L$.
# 5. **Gradient layout.**  The seed's `get_G`, `get_S1` return the transpose
#    (d × k) and omit $\gamma$.  Here $\mathbf{G}$, $\mathbf{S}_1$ and the remainder
#    have the shape of $\mathbf{W}$ (k × d) and include $\gamma$, so that
#    $\mathbf{G}$ equals `torch.autograd`'s gradient.  The seed's `get_mu`
#    estimates $\mu_i = \mathbb{E}\,\sigma'(\mathbf{w}_i^T\mathbf{x})$ on 10 000 fresh
#    samples; here $\mu$ is by default the mean over the training inputs, so that
#    $\mathbf{S}_1 + \text{remainder} = \mathbf{G}$ exactly (a population estimate can
#    be passed as `mu`).
# 6. **What an epoch records.**  The seed records the training loss at
#    $\mathbf{W}_t$ but the test loss, $\|\mathbf{W}\|_{op}$ and the energy at
#    $\mathbf{W}_{t+1}$, and its `alignment_plot` pairs the leading right singular
#    vector of $\mathbf{G}_t$ with the residue of $\mathbf{W}_{t+1}$ (`Ws[i]` is stored
#    after the update): an off-by-one.  Here every quantity of epoch $t$
#    describes $\mathbf{W}_t$ and its own gradient $\mathbf{G}_t$.
# 7. **Cost of the tracking.**  The seed computes a full SVD of $\mathbf{G}$ and a
#    200-step power iteration from a fresh random vector (global generator) in
#    every epoch, and keeps a copy of $\mathbf{W}$ per epoch.  Here the top singular
#    values come from a block subspace iteration warm-started from the previous
#    epoch's vectors (`top_singular`), $\|\mathbf{W}\|_{op}$ from a block power
#    iteration warm-started from the previous epoch's Ritz vectors of $\mathbf{W}$
#    and of $\mathbf{G}$ (the directions along which $\mathbf{W}$ just moved), both
#    stopped by a residual test, and no copies of $\mathbf{W}$ are kept unless asked
#    for (`keep_W=True`).  The seed's cold 200-step estimate of $\|\mathbf{W}\|_{op}$
#    is off by up to $6\cdot 10^{-3}$ (relative) on the near-random $\mathbf{W}$ of the
#    first epochs; the warm one by less than $2\cdot 10^{-4}$ (`bench/low_rank_gradient.py`).
# 8. **Targets.**  The seed's `get_y` calls the teacher once per row in a
#    Python loop; `teacher_targets` is one vectorised expression.
# 9. **Energy.**  The seed's `relative_projection_norm` builds the basis of
#    $S = \operatorname{span}(\mathbf{X}^T\mathbf{y}, \mathbf{q})$ by QR after dropping
#    vectors of norm $\le 10^{-9}$; when $\mathbf{X}^T\mathbf{y} \parallel \mathbf{q}$ the QR
#    invents a second, round-off direction.  Here the basis is rank-revealing
#    (SVD, with `scipy.linalg.orth`'s tolerance).  The seed calls it with
#    $\mathbf{X}_B$ in place of $\mathbf{X}$: the same subspace, since
#    $\mathbf{X}^T\mathbf{y} = \mathbf{X}_B^T\mathbf{y} + \zeta(\mathbf{z}^T\mathbf{y})\,\mathbf{q}$.
# 10. **Principal angles.**  The seed takes $\arccos$ of the cosines, which
#     loses all accuracy below about $10^{-8}$ rad; here angles below $\pi/4$ come
#     from the sines (ascending order, as in the seed).  `scipy.linalg.subspace_angles`
#     means to do the same, but picks sine or cosine per position with the mask of
#     the reversed order, so its smallest angles come from $\arccos$ too: the two
#     agree to about $2\cdot 10^{-8}$ rad, and the grader compares within $10^{-7}$.
# 11. **Dropped.**  The seed's "final test loss" refits the outer layer by a
#     pseudo-inverse and evaluates it with $\gamma^2$, a number of no
#     meaning; it is left out.  Rows are renormalised exactly (the seed divides
#     by $\|\mathbf{w}_i\| + 10^{-8}$).  Randomness is local (the seed seeds and
#     draws from the global generators).

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
import torch

#: Activations of the network and of the teacher.
ACTIVATIONS = ("relu", "sigmoid", "tanh")


def activation(z, act="relu"):
    """sigma(z) elementwise for ``act`` in ``ACTIVATIONS``."""
    if act == "relu":
        return torch.relu(z)
    if act == "sigmoid":
        return torch.sigmoid(z)
    if act == "tanh":
        return torch.tanh(z)
    raise ValueError(f"unknown activation {act!r}; expected one of {', '.join(ACTIVATIONS)}")


def activation_derivative(z, act="relu"):
    """sigma'(z) elementwise (for ReLU, 1 where z > 0 and 0 elsewhere, as autograd's)."""
    if act == "relu":
        return (z > 0).to(z.dtype)
    if act == "sigmoid":
        s = torch.sigmoid(z)
        return s * (1 - s)
    if act == "tanh":
        t = torch.tanh(z)
        return 1 - t * t
    raise ValueError(f"unknown activation {act!r}; expected one of {', '.join(ACTIVATIONS)}")


def make_generator(generator, device="cpu"):
    """A ``torch.Generator`` on ``device``: ``generator`` itself, or a new one seeded with the int."""
    if isinstance(generator, torch.Generator):
        return generator
    if isinstance(generator, (int, np.integer)) and not isinstance(generator, bool):
        return torch.Generator(device=device).manual_seed(int(generator))
    raise TypeError(f"generator must be an int seed or a torch.Generator, got {type(generator).__name__}")


def torch_dtype(dtype):
    """``torch.float32``/``torch.float64`` from a torch dtype or the strings "float32"/"float64"."""
    if isinstance(dtype, torch.dtype):
        return dtype
    return {"float32": torch.float32, "float64": torch.float64}[str(dtype)]


def orth_basis(A):
    """Orthonormal basis (columns) of the numerical column space of the tensor A: the left singular
    vectors whose singular values exceed eps * max(A.shape) * s_max (scipy.linalg.orth's rule)."""
    U, s, _ = torch.linalg.svd(A, full_matrices=False)
    if s.numel() == 0:
        return U[:, :0]
    tol = torch.finfo(A.dtype).eps * max(A.shape) * s[0]
    return U[:, : int((s > tol).sum())]


def as_numpy(value):
    """Tensors (any device) as numpy arrays, 0-d tensors as Python floats, recursively through
    tuples, lists and dicts; everything else unchanged.  The checks read your results with it."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu()
        return float(value) if value.ndim == 0 else value.numpy().copy()
    if isinstance(value, (tuple, list)):
        return type(value)(as_numpy(v) for v in value)
    if isinstance(value, dict):
        return {k: as_numpy(v) for k, v in value.items()}
    return value


# %% [markdown]
# ## 1. Spiked data and a single-index teacher
#
# `gen_data(n, d, zeta, q, alpha, generator)` draws the bulk
# $\mathbf{X}_B = \mathbf{N}\,\boldsymbol{\Sigma}^{1/2}$ with $\mathbf{N}$ an n × d
# matrix of independent standard normals and
# $\boldsymbol{\Sigma}^{1/2} = \operatorname{diag}(i^{-\alpha/2})_{i=1..d}$ (the seed's
# `Sigma`; the covariance of a row is $\operatorname{diag}(i^{-\alpha})$), then
# $\mathbf{z} \sim N(0, \mathbf{I}_n)$, and returns
# $(\mathbf{X}_B + \zeta\,\mathbf{z}\mathbf{q}^T,\ \mathbf{X}_B,\ \mathbf{z})$, all on
# `q`'s device and in `q`'s dtype.  Draw $\mathbf{N}$ first, then $\mathbf{z}$, from the
# one generator.
#
# `teacher_targets(X, beta, act, tau, generator)` returns
# $y_j = \sigma_*(\mathbf{x}_j^T\boldsymbol\beta) + \tau\,\varepsilon_j$ with
# $\varepsilon \sim N(0, \mathbf{I}_n)$, for all rows at once (the seed loops over rows).

# %% solution
def gen_data(n, d, zeta, q, alpha=0.0, generator=0):
    """Spiked data ``X = X_B + zeta * z q^T``.

    Parameters
    ----------
    n, d : int
        Number of samples and input dimension.
    zeta : float
        Spike strength (the paper's ``n ** nu``).
    q : tensor or array_like, shape (d,)
        Spike direction (unit norm); fixes the device and dtype of the results.
    alpha : float
        Bulk decay: row covariance ``diag(i ** -alpha)``, ``i = 1..d`` (alpha = 0: isotropic).
    generator : int or torch.Generator
        Source of randomness (an int seeds a new generator on q's device).  The bulk's
        standard normals are drawn first (one (n, d) draw), then z (one (n,) draw).

    Returns
    -------
    X : tensor, shape (n, d)
    X_B : tensor, shape (n, d)
        The bulk ``N * i ** (-alpha / 2)`` (column i scaled).
    z : tensor, shape (n,)
        The spike's latent coordinates.
    """
    ### BEGIN SOLUTION
    q = torch.as_tensor(q)
    q = q.reshape(-1)
    gen = make_generator(generator, q.device)
    scale = torch.arange(1, d + 1, device=q.device, dtype=q.dtype) ** (-alpha / 2)
    X_B = torch.randn(n, d, generator=gen, device=q.device, dtype=q.dtype) * scale
    z = torch.randn(n, generator=gen, device=q.device, dtype=q.dtype)
    X = X_B + zeta * z[:, None] * q[None, :]
    return X, X_B, z
    ### END SOLUTION


# %% solution
def teacher_targets(X, beta, act="sigmoid", tau=1.0, generator=0):
    """Targets of a single-index teacher, ``y = act(X beta) + tau * eps``, vectorised.

    Parameters
    ----------
    X : tensor or array_like, shape (n, d)
    beta : tensor or array_like, shape (d,)
        Teacher direction.
    act : str
        The teacher's activation (``ACTIVATIONS``).
    tau : float
        Noise level; eps ~ N(0, I_n) is drawn (one (n,) draw) only when tau != 0.
    generator : int or torch.Generator

    Returns
    -------
    tensor, shape (n,), X's dtype and device
    """
    ### BEGIN SOLUTION
    X = torch.as_tensor(X)
    beta = torch.as_tensor(beta, dtype=X.dtype, device=X.device).reshape(-1)
    y = activation(X @ beta, act)
    if tau != 0:
        gen = make_generator(generator, X.device)
        y = y + tau * torch.randn(X.shape[0], generator=gen, device=X.device, dtype=X.dtype)
    return y
    ### END SOLUTION


# %% [markdown]
# ## 2. The network, its loss and its gradient
#
# `init_network(k, d, generator, outer, dtype, device)` returns $(\mathbf{W}, \mathbf{a})$:
# the rows of $\mathbf{W}$ uniform on the unit sphere (normalised Gaussian rows, one
# (k, d) draw first), then the outer weights: `outer="sign"` gives
# $a_i = \pm 1/\sqrt{k}$ with equal probability (draw `torch.randint(0, 2, (k,))`),
# `"gaussian"` gives $N(0, 1/k)$ entries, `"seed"` reproduces the seed's
# $\{-1/\sqrt{k}, 0\}$.
#
# `network_forward` computes $f(\mathbf{X}) = \gamma\,\sigma(\mathbf{X}\mathbf{W}^T)\mathbf{a}$
# (γ once: the seed applies it twice), `loss` is
# $L = \frac{1}{2n}\|f(\mathbf{X}) - \mathbf{y}\|^2$, and `gradient_W` its gradient with
# respect to $\mathbf{W}$ from the closed form above, **without autograd**, in the
# shape of $\mathbf{W}$.

# %% solution
def init_network(k, d, generator=0, outer="sign", dtype="float64", device="cpu"):
    """Inner weights with unit rows and fixed outer weights.

    Parameters
    ----------
    k, d : int
        Number of neurons and input dimension.
    generator : int or torch.Generator
        Draws, in order: a (k, d) standard normal matrix (normalised row by row), then the
        outer weights.
    outer : {"sign", "gaussian", "seed"}
        ``"sign"``: ``a_i = +-1/sqrt(k)`` equally likely (``torch.randint(0, 2, (k,))``);
        ``"gaussian"``: ``a_i ~ N(0, 1/k)``; ``"seed"``: the seed's bug,
        ``(randint(0, 2) - 1) / sqrt(k)`` in ``{-1/sqrt(k), 0}``.
    dtype : str or torch.dtype
        ``"float32"`` or ``"float64"``.
    device : str or torch.device

    Returns
    -------
    W : tensor, shape (k, d)
        Rows of unit Euclidean norm, uniformly distributed on the sphere.
    a : tensor, shape (k,)
    """
    ### BEGIN SOLUTION
    dtype = torch_dtype(dtype)
    gen = make_generator(generator, device)
    W = torch.randn(k, d, generator=gen, dtype=dtype, device=device)
    W = W / torch.linalg.vector_norm(W, dim=1, keepdim=True)
    if outer == "sign":
        a = (2 * torch.randint(0, 2, (k,), generator=gen, device=device) - 1).to(dtype) / math.sqrt(k)
    elif outer == "gaussian":
        a = torch.randn(k, generator=gen, dtype=dtype, device=device) / math.sqrt(k)
    elif outer == "seed":
        a = (torch.randint(0, 2, (k,), generator=gen, device=device) - 1).to(dtype) / math.sqrt(k)
    else:
        raise ValueError(f"outer must be 'sign', 'gaussian' or 'seed', got {outer!r}")
    return W, a
    ### END SOLUTION


# %% solution
def network_forward(X, W, a, gamma, act="relu"):
    """``f(X) = gamma * sigma(X W^T) a``, gamma applied once (the seed applies it twice).

    Parameters
    ----------
    X : tensor or array_like, shape (n, d)
    W : tensor or array_like, shape (k, d)
    a : tensor or array_like, shape (k,)
    gamma : float
        Output scale: 1 (NTK scaling) or 1/sqrt(k) (mean field).
    act : str

    Returns
    -------
    tensor, shape (n,)
    """
    ### BEGIN SOLUTION
    X = torch.as_tensor(X)
    W = torch.as_tensor(W, dtype=X.dtype, device=X.device)
    a = torch.as_tensor(a, dtype=X.dtype, device=X.device)
    return gamma * (a @ activation(W @ X.T, act))
    ### END SOLUTION


# %% solution
def loss(X, y, W, a, gamma, act="relu"):
    """Mean squared error with a half, ``L = ||f(X) - y||^2 / (2 n)``.

    Returns
    -------
    tensor, 0-d (differentiable with respect to W when W requires grad)
    """
    ### BEGIN SOLUTION
    X = torch.as_tensor(X)
    y = torch.as_tensor(y, dtype=X.dtype, device=X.device)
    r = network_forward(X, W, a, gamma, act) - y
    return 0.5 * (r @ r) / X.shape[0]
    ### END SOLUTION


# %% solution
def gradient_W(X, y, W, a, gamma, act="relu"):
    """Closed-form gradient of :func:`loss` with respect to W (no autograd).

    ``G = (gamma / n) [(a r^T) * sigma'(W X^T)] X`` with the residue ``r = f(X) - y``.
    The seed's ``get_G`` returns the transpose (d, k) without gamma.

    Returns
    -------
    tensor, shape (k, d): the shape of W
    """
    ### BEGIN SOLUTION
    X = torch.as_tensor(X)
    y = torch.as_tensor(y, dtype=X.dtype, device=X.device)
    W = torch.as_tensor(W, dtype=X.dtype, device=X.device)
    a = torch.as_tensor(a, dtype=X.dtype, device=X.device)
    Z = W @ X.T
    r = gamma * (a @ activation(Z, act)) - y
    D = activation_derivative(Z, act) * (a * (gamma / X.shape[0]))[:, None] * r[None, :]
    return D @ X
    ### END SOLUTION


# %% [markdown]
# ### The rank-one part
#
# Centre the activation derivative, $\sigma'(\mathbf{W}\mathbf{X}^T) =
# \boldsymbol{\mu}\mathbf{1}^T + \sigma'_\perp$ with $\mu_i$ the mean of
# $\sigma'(\mathbf{w}_i^T\mathbf{x}_j)$ over the samples.  Then
# $\mathbf{G} = \mathbf{S}_1 + \mathbf{R}$ with the rank-one term
# $\mathbf{S}_1 = \frac{\gamma}{n}(\mathbf{a} \circ \boldsymbol{\mu})(\mathbf{X}^T\mathbf{r})^T$
# and the remainder
# $\mathbf{R} = \frac{\gamma}{n}[(\mathbf{a}\mathbf{r}^T) \circ \sigma'_\perp]\mathbf{X}$.
# `rank_one_split` returns $(\mathbf{S}_1, \mathbf{R})$; an explicit `mu` (e.g. a
# population estimate, as the seed's `get_mu`) replaces the sample mean.

# %% solution
def rank_one_split(X, y, W, a, gamma, act="relu", mu=None):
    """The gradient's rank-one part ``S1`` and the remainder ``R = G - S1`` (both (k, d)).

    ``S1 = (gamma / n) (a * mu) (X^T r)^T``; ``R = (gamma / n) [(a r^T) * (sigma'(W X^T) - mu 1^T)] X``.

    Parameters
    ----------
    X, y, W, a, gamma, act
        As in :func:`gradient_W`.
    mu : tensor or array_like, shape (k,), optional
        Centre of sigma'.  Default: its mean over the samples,
        ``mu_i = mean_j sigma'(w_i . x_j)``, with which ``S1 + R`` is exactly the gradient.

    Returns
    -------
    S1 : tensor, shape (k, d), rank one
    R : tensor, shape (k, d)
    """
    ### BEGIN SOLUTION
    X = torch.as_tensor(X)
    y = torch.as_tensor(y, dtype=X.dtype, device=X.device)
    W = torch.as_tensor(W, dtype=X.dtype, device=X.device)
    a = torch.as_tensor(a, dtype=X.dtype, device=X.device)
    n = X.shape[0]
    Z = W @ X.T
    r = gamma * (a @ activation(Z, act)) - y
    deriv = activation_derivative(Z, act)
    mu = deriv.mean(dim=1) if mu is None else torch.as_tensor(mu, dtype=X.dtype, device=X.device).reshape(-1)
    S1 = (gamma / n) * torch.outer(a * mu, X.T @ r)
    R = ((deriv - mu[:, None]) * (a * (gamma / n))[:, None] * r[None, :]) @ X
    return S1, R
    ### END SOLUTION


# %% [markdown]
# ## 3. Measuring the gradient's structure
#
# * `principal_angles(A, B)`: the principal angles (radians, **ascending**)
#   between the column spaces of A and B, computed in float64 and equal to
#   `scipy.linalg.subspace_angles` (which returns them in descending order).
#   Use orthonormal bases of the numerical column spaces (`orth_basis`, given:
#   it drops singular values below `eps * max(shape) * s_max`, like
#   `scipy.linalg.orth`), the cosines from the SVD of $\mathbf{Q}_A^T\mathbf{Q}_B$
#   and, for angles below $\pi/4$, the sines, the singular values of
#   $\mathbf{Q}_B - \mathbf{Q}_A\mathbf{Q}_A^T\mathbf{Q}_B$ (the arccos of a cosine near 1
#   is inaccurate).
# * `largest_singular_value(A, v0, max_iter, tol, generator)`: power
#   iteration on $\mathbf{A}^T\mathbf{A}$ from `v0` (warm start) or a random vector;
#   returns $(\|\mathbf{A}\mathbf{v}\|, \mathbf{v})$ with the final unit vector $\mathbf{v}$, a
#   lower bound of $\sigma_1$.  Stop when the estimate changes by at most
#   `tol` (relative) or after `max_iter` steps.
# * `top_singular(A, m, V0, max_iter, tol, generator)`: the $m$ largest singular
#   values by block subspace iteration (orthonormalise, multiply by $\mathbf{A}^T\mathbf{A}$,
#   Rayleigh–Ritz), warm-started from the columns of `V0`.
# * `relative_projection_norm(W, X, y, q)`: $\|\mathbf{W}\mathbf{Q}\|_F / \|\mathbf{W}\|_F$
#   with $\mathbf{Q}$ an orthonormal basis of $\operatorname{span}(\mathbf{X}^T\mathbf{y}, \mathbf{q})$
#   (the share of the rows' energy in that subspace).

# %% solution
def principal_angles(A, B):
    """Principal angles between the column spaces of A and B, in radians, ascending.

    Parameters
    ----------
    A : tensor or array_like, shape (d, p)
    B : tensor or array_like, shape (d, r)

    Returns
    -------
    tensor, shape (min(rank A, rank B),), float64, values in [0, pi/2], ascending
        (``scipy.linalg.subspace_angles(A, B)`` reversed).
    """
    ### BEGIN SOLUTION
    A = torch.as_tensor(A).to(torch.float64)
    B = torch.as_tensor(B).to(device=A.device, dtype=torch.float64)
    if A.ndim == 1:
        A = A[:, None]
    if B.ndim == 1:
        B = B[:, None]
    if A.shape[0] != B.shape[0]:
        raise ValueError(f"A and B must have the same number of rows, got {A.shape[0]} and {B.shape[0]}")
    QA, QB = orth_basis(A), orth_basis(B)
    if QA.shape[1] == 0 or QB.shape[1] == 0:
        return torch.zeros(0, dtype=torch.float64, device=A.device)
    C = QA.T @ QB
    cos = torch.linalg.svdvals(C).clamp(0.0, 1.0)  # descending
    if QA.shape[1] >= QB.shape[1]:
        perp = QB - QA @ C
    else:
        perp = QA - QB @ C.T
    sin = torch.linalg.svdvals(perp).clamp(0.0, 1.0)[: cos.numel()]  # descending
    # Angle i (ascending) has cosine cos[i] and sine sin[-1 - i].
    small = torch.arcsin(sin.flip(0))
    large = torch.arccos(cos)
    return torch.where(cos**2 >= 0.5, small, large)
    ### END SOLUTION


# %% solution
def largest_singular_value(A, v0=None, max_iter=1000, tol=1e-9, generator=0):
    """Largest singular value of A by power iteration on A^T A (a lower bound).

    Parameters
    ----------
    A : tensor or array_like, shape (k, d)
    v0 : tensor or array_like, shape (d,), optional
        Starting vector (warm start); default: a standard normal draw from ``generator``.
    max_iter : int
        At most this many multiplications by A^T A (0: just ``||A v0|| / ||v0||``).
    tol : float
        Stop as soon as the estimate changes by at most ``tol`` times itself.
    generator : int or torch.Generator
        Used only without ``v0``.

    Returns
    -------
    sigma : tensor, 0-d
        ``||A v||``, where ``v`` is the returned unit vector: ``sigma <= sigma_1(A)``.
    v : tensor, shape (d,), unit norm
    """
    ### BEGIN SOLUTION
    A = torch.as_tensor(A)
    if v0 is None:
        v = torch.randn(A.shape[1], generator=make_generator(generator, A.device), dtype=A.dtype,
                        device=A.device)
    else:
        v = torch.as_tensor(v0, dtype=A.dtype, device=A.device).reshape(-1)
    v = v / torch.linalg.vector_norm(v)
    u = A @ v
    sigma = torch.linalg.vector_norm(u)
    for _ in range(max_iter):
        w = A.T @ u
        norm_w = torch.linalg.vector_norm(w)
        if norm_w == 0:  # A v = 0: v is in the null space; sigma = 0 is exact for A = 0
            break
        v = w / norm_w
        u = A @ v
        new = torch.linalg.vector_norm(u)
        done = abs(new - sigma) <= tol * new
        sigma = new
        if done:
            break
    return sigma, v
    ### END SOLUTION


# %% solution
def top_singular(A, m, V0=None, max_iter=100, tol=1e-7, generator=0):
    """The m largest singular values of A by block subspace iteration with Rayleigh-Ritz.

    Each step orthonormalises the block V (d x b), computes ``Y = A V`` and the
    eigen-decomposition ``Y^T Y = P diag(S^2) P^T`` of the b x b matrix ``Y^T Y``
    (Rayleigh-Ritz: S are the current estimates, lower bounds of sigma_1..sigma_b, for the
    Ritz vectors ``V P``), then ``Z = A^T Y``, the next block.  It stops after ``max_iter``
    steps, or as soon as ``||Z p_i|| / S_i - S_i <= tol * S_0`` for the first m Ritz pairs
    (``||A^T A v|| / ||A v|| >= ||A v||`` for a unit v, with equality exactly for a right
    singular vector: a residual test that costs no extra product).

    Parameters
    ----------
    A : tensor or array_like, shape (k, d)
    m : int
        Number of singular values wanted (m <= min(k, d)).
    V0 : tensor or array_like, shape (d, b), optional
        Warm start (b >= m columns, e.g. the V returned by the previous call).
        Default: ``b = min(m + 4, k, d)`` standard normal columns drawn from ``generator``.
    max_iter : int
        At most this many Rayleigh-Ritz steps (>= 1); ``max_iter=1`` only orthonormalises
        V0 and returns its Rayleigh-Ritz values.
    tol : float
        Relative stopping tolerance (see above).
    generator : int or torch.Generator
        Used only without ``V0``.

    Returns
    -------
    S : tensor, shape (m,)
        Estimates of sigma_1 >= ... >= sigma_m (descending).
    V : tensor, shape (d, b)
        Orthonormal columns: the Ritz vectors, the first m the right singular vectors of S
        (``||A V[:, i]|| = S[i]``), the rest the block's oversampling, to warm-start the
        next call.
    """
    ### BEGIN SOLUTION
    A = torch.as_tensor(A)
    k, d = A.shape
    if V0 is None:
        b = min(m + 4, k, d)
        V = torch.randn(d, b, generator=make_generator(generator, A.device), dtype=A.dtype, device=A.device)
    else:
        V = torch.as_tensor(V0, dtype=A.dtype, device=A.device)
    steps, power = max(1, max_iter), None
    for step in range(steps):
        V = torch.linalg.qr(V).Q
        # Y^T = (A V)^T = V^T A^T, (b, k).  Products of a row-major A with a skinny block are fastest
        # in this order (and A^T Y below as Y^T A); mathematically the same.
        Yt = V.T @ A.T
        # Rayleigh-Ritz on the b x b Gram matrix, in float64 (cheap; keeps the small values).
        Yd = Yt.to(torch.float64)
        lam, P = torch.linalg.eigh(Yd @ Yd.T)
        lam, P = lam.flip(0), P.flip(1)
        S = lam.clamp(min=0).sqrt()
        # Converged if the new Ritz values agree with the previous step's power estimates.
        if step == steps - 1 or (power is not None and bool((power - S[:m]).abs().max() <= tol * S[0])):
            break
        Zt = Yt @ A  # (A^T A V)^T: the next block, and a test of the Ritz vectors
        # ||A^T A v_i|| / ||A v_i|| >= sigma_i = ||A v_i|| for the Ritz vector v_i = V p_i, with equality
        # exactly when v_i is a right singular vector: stop when they agree to tol for i < m.
        power = torch.linalg.vector_norm(P[:, :m].T @ Zt.to(torch.float64), dim=1) / S[:m].clamp(min=1e-300)
        if bool((power - S[:m]).max() <= tol * S[0]):
            break
        V = Zt.T
    return S[:m].to(A.dtype), V @ P.to(A.dtype)
    ### END SOLUTION


# %% solution
def relative_projection_norm(W, X, y, q):
    """``||W Q||_F / ||W||_F`` with Q an orthonormal basis of span(X^T y, q).

    The basis is rank-revealing (``scipy.linalg.orth``'s rule): if X^T y is parallel to q
    (or zero) the span is one-dimensional.  The seed's QR would add a round-off direction.

    Parameters
    ----------
    W : tensor or array_like, shape (k, d)
    X : tensor or array_like, shape (n, d)
    y : tensor or array_like, shape (n,)
    q : tensor or array_like, shape (d,)

    Returns
    -------
    float in [0, 1] (0.0 when W = 0)
    """
    ### BEGIN SOLUTION
    X = torch.as_tensor(X)
    W = torch.as_tensor(W, dtype=X.dtype, device=X.device)
    y = torch.as_tensor(y, dtype=X.dtype, device=X.device).reshape(-1)
    q = torch.as_tensor(q, dtype=X.dtype, device=X.device).reshape(-1)
    Q = orth_basis(torch.stack([X.T @ y, q], dim=1))
    norm_W = torch.linalg.matrix_norm(W)
    if norm_W == 0:
        return 0.0
    return float(torch.linalg.matrix_norm(W @ Q) / norm_W)
    ### END SOLUTION


# %% [markdown]
# ## 4. Training with tracking
#
# `train(data, W0, a, gamma, lr, epochs, act, n_sv, keep_W)` runs full-batch
# gradient descent on the sphere,
# $\mathbf{W}_{t+1} = \operatorname{normalise\_rows}(\mathbf{W}_t - \frac{\mathrm{lr}}{\gamma}\mathbf{G}_t)$
# (the seed's step size `lr / gamma`), and records in every epoch $t$ (all
# about $\mathbf{W}_t$ and its gradient $\mathbf{G}_t$, before the step):
#
# | key | value |
# |---|---|
# | `loss`, `test_loss` | $L$ on the training and on the test data |
# | `op_norm` | $\|\mathbf{W}_t\|_{op}$ (power iteration with a small block of vectors, warm-started from epoch $t-1$) |
# | `sv` | the `n_sv` largest singular values of $\mathbf{G}_t$ (`top_singular`, warm-started) |
# | `grad_fro` | $\|\mathbf{G}_t\|_F$ |
# | `align_residue` | $|\mathbf{v}_1^T\mathbf{X}_B^T\mathbf{r}| / \|\mathbf{X}_B^T\mathbf{r}\|$, $\mathbf{v}_1$ the leading right singular vector of $\mathbf{G}_t$ |
# | `align_q` | $|\mathbf{v}_1^T\mathbf{q}|$ |
# | `energy` | `relative_projection_norm(W_t, X, y, q)` |
# | `angle` | the angle between $\mathbf{v}_1$ and the plane $\operatorname{span}(\mathbf{X}_B^T\mathbf{r}, \mathbf{q})$ (`principal_angles`), small when $\mathbf{G}$'s leading direction lies where the paper finds it |
#
# `data` is a dict with `X`, `y`, `X_B`, `q`, `X_test`, `y_test`.  The result
# is a dict of tensors: the keys above (1-D of length `epochs`, `sv` of shape
# (epochs, n_sv)), `W` the final weights $\mathbf{W}_{\text{epochs}}$, and, only with
# `keep_W=True`, `Ws` of shape (epochs + 1, k, d) holding $\mathbf{W}_0, \dots$.
# The expensive parts are three matrix products per epoch (forward pass,
# gradient, test forward pass): everything else must cost little beside them.
# Hence warm starts: $\mathbf{W}$ and $\mathbf{G}$ change little from one epoch to
# the next, so last epoch's singular vectors are nearly this epoch's, and two or
# three block steps (products with a skinny block, about as cheap as a
# matrix-vector product) replace a full SVD.  A power iteration started at the
# previous top vector can miss a new top direction that overtakes it (the
# outlier that training grows in $\mathbf{W}$): start from a few vectors, the previous
# ones and the top right singular vectors of $\mathbf{G}_{t-1}$, along which
# $\mathbf{W}$ has just moved.

# %% solution
def _act_and_derivative(Z, act):
    """sigma(Z) and sigma'(Z), sharing the work: one pass over Z each."""
    if act == "relu":
        H = torch.relu(Z)
        return H, torch.sign(H)  # 1 where Z > 0, else 0
    if act == "sigmoid":
        s = torch.sigmoid(Z)
        return s, torch.addcmul(s, s, s, value=-1.0)  # s - s^2
    if act == "tanh":
        t = torch.tanh(Z)
        return t, torch.addcmul(torch.ones_like(t), t, t, value=-1.0)  # 1 - t^2
    raise ValueError(f"unknown activation {act!r}; expected one of {', '.join(ACTIVATIONS)}")


#: The tracking's iterative methods (top_singular: block power / subspace iteration).  Epoch 0
#: starts from random blocks; later epochs from the previous epoch's vectors, and stop at the
#: residual test of top_singular, after two or three steps in most epochs, as W and G change
#: little per epoch.  Tolerances: ||W||_op to ~1e-4 relative, the gradient's singular values and
#: leading vector to ~1e-5 (measured against full SVDs, bench/low_rank_gradient.py).
POWER_TOL, POWER_STEPS_COLD, POWER_STEPS_WARM = 3e-5, 60, 10
SVD_TOL, SVD_STEPS_COLD, SVD_STEPS_WARM = 1e-6, 200, 30
#: The block of ||W||_op: 16 random vectors at epoch 0 (a near-random W has many close top singular
#: values: a wide block converges in far fewer steps, for about the cost per step of a narrow one),
#: then W's 6 previous Ritz vectors (a growing second direction can overtake the first) and
#: G's 2 previous ones (W just moved along those).
OPNORM_COLD_BLOCK, OPNORM_KEEP, OPNORM_FROM_G = 16, 6, 2
#: Block size of the gradient's subspace iteration: n_sv + SVD_OVERSAMPLE columns (products with a
#: skinny block cost little more than matrix-vector products).
SVD_OVERSAMPLE = 5


def train(data, W0, a, gamma, lr, epochs, act="relu", n_sv=3, keep_W=False, progress=None):
    """Gradient descent on the sphere with per-epoch tracking of the gradient's structure.

    Parameters
    ----------
    data : dict
        ``X`` (n, d), ``y`` (n,), ``X_B`` (n, d) the bulk of X, ``q`` (d,) the spike
        direction, ``X_test`` (N, d), ``y_test`` (N,); tensors or arrays.  X fixes the
        device and dtype of everything.
    W0 : tensor or array_like, shape (k, d)
        Initial weights, unit rows (not modified).
    a : tensor or array_like, shape (k,)
        Fixed outer weights.
    gamma : float
        Output scale.
    lr : float
        Learning rate; the step is ``W <- W - (lr / gamma) G``, then each row is divided
        by its norm.
    epochs : int
        Number of steps (>= 0).
    act : str
    n_sv : int
        Number of top singular values of G recorded (>= 1).
    keep_W : bool
        Also return every W_t (memory: (epochs + 1) k d numbers).
    progress : callable, optional
        Called as ``progress(j)`` after every 10 epochs and after the last one, ``j`` the
        number of epochs since the previous call (e.g. a progress bar's ``update``).

    Returns
    -------
    dict of tensors
        ``loss``, ``test_loss``, ``op_norm``, ``grad_fro``, ``align_residue``, ``align_q``,
        ``energy``, ``angle``: shape (epochs,); ``sv``: shape (epochs, n_sv); ``W``: (k, d),
        the weights after the last step; ``Ws`` (only with keep_W): (epochs + 1, k, d).
        Entry t describes W_t and its gradient G_t (before step t).
    """
    ### BEGIN SOLUTION
    X = torch.as_tensor(data["X"])
    dev, dt = X.device, X.dtype

    def conv(value):
        return torch.as_tensor(value, dtype=dt, device=dev)

    y, X_B, q = conv(data["y"]).reshape(-1), conv(data["X_B"]), conv(data["q"]).reshape(-1)
    X_test, y_test = conv(data["X_test"]), conv(data["y_test"]).reshape(-1)
    W = conv(W0).clone()
    a = conv(a).reshape(-1)
    n, n_test = X.shape[0], X_test.shape[0]
    q = q / torch.linalg.vector_norm(q)
    basis = orth_basis(torch.stack([X.T @ y, q], dim=1))  # energy subspace, fixed
    # The forward product also gives W @ basis (the energy's projection) for almost nothing:
    # W [X^T, basis] in one product instead of a separate skinny one.
    X_ext = torch.cat([X, basis.T])
    a_scaled = a * (gamma / n)
    step = lr / gamma

    # One row per epoch, on the device: no host synchronisation for the records.
    fields = ("loss", "test_loss", "op_norm", "grad_fro", "align_residue", "align_q", "energy", "angle")
    rec = torch.zeros(epochs, len(fields), dtype=dt, device=dev)
    sv = torch.zeros(epochs, n_sv, dtype=dt, device=dev)
    Ws = torch.empty(epochs + 1, *W.shape, dtype=dt, device=dev) if keep_W else None
    V_W = torch.randn(X.shape[1], min(OPNORM_COLD_BLOCK, *W.shape), generator=make_generator(1, dev), dtype=dt,
                      device=dev)
    V_G = torch.randn(X.shape[1], min(n_sv + SVD_OVERSAMPLE, *W.shape), generator=make_generator(0, dev),
                      dtype=dt, device=dev)
    for t in range(epochs):
        if keep_W:
            Ws[t] = W
        Z_ext = W @ X_ext.T                            # product 1: [W X^T, W basis]
        Z, W_basis = Z_ext[:, :n], Z_ext[:, n:]
        H, deriv = _act_and_derivative(Z, act)
        r = gamma * (a @ H) - y
        deriv *= a_scaled[:, None]
        deriv *= r
        G = deriv @ X                                  # (k, d): product 2
        r_test = gamma * (a @ activation(W @ X_test.T, act)) - y_test   # product 3
        # ||W||_op by block power iteration.  Warm start: W_t = normalise_rows(W_{t-1} - step G_{t-1})
        # moves along the right singular vectors of G_{t-1}, so a new top direction of W grows out of
        # them (or overtakes W's old second one): start from [W's last Ritz vectors, G_{t-1}'s top ones].
        S_W, V_W = top_singular(W, 1, V_W if t == 0 else torch.cat([V_W, V_G[:, :OPNORM_FROM_G]], dim=1),
                                POWER_STEPS_COLD if t == 0 else POWER_STEPS_WARM, tol=POWER_TOL)
        sigma_W, V_W = S_W[0], V_W[:, :OPNORM_KEEP]
        S, V_G = top_singular(G, n_sv, V_G, SVD_STEPS_COLD if t == 0 else SVD_STEPS_WARM, tol=SVD_TOL)
        residue = X_B.T @ r
        v1 = V_G[:, 0]
        # ||W||_F: W's rows have norm 1 after every step (computed for W0, which may be rounded).
        norm_W = torch.linalg.matrix_norm(W) if t == 0 else math.sqrt(W.shape[0])
        g = G.reshape(-1)
        rec[t, 0] = 0.5 * (r @ r) / n
        rec[t, 1] = 0.5 * (r_test @ r_test) / n_test
        rec[t, 2] = sigma_W
        rec[t, 3] = torch.sqrt(g @ g)  # ||G||_F as a dot product (one BLAS call)
        rec[t, 4] = (v1 @ residue).abs() / torch.linalg.vector_norm(residue)
        rec[t, 5] = (v1 @ q).abs()
        rec[t, 6] = torch.linalg.matrix_norm(W_basis) / norm_W
        rec[t, 7] = principal_angles(v1[:, None], torch.stack([residue, q], dim=1))[0]
        sv[t] = S
        W.add_(G, alpha=-step)                         # W is our own copy
        W.div_(torch.linalg.vector_norm(W, dim=1, keepdim=True))
        if progress is not None and ((t + 1) % 10 == 0 or t + 1 == epochs):
            progress((t + 1) - 10 * (t // 10))
    out = {name: rec[:, j] for j, name in enumerate(fields)}
    out["sv"] = sv
    out["W"] = W
    if keep_W:
        Ws[epochs] = W
        out["Ws"] = Ws
    return out
    ### END SOLUTION


# %% [markdown]
# ## 5. The experiment
#
# The simulation at the end of this notebook (run it with
# `nndl simulate low_rank_gradient --quick`, or the full size without `--quick`)
# draws one spiked data set ($\nu = 1/8$, sigmoid teacher, noise $\tau = 1$), one
# initial network, and trains four copies: ReLU and sigmoid, each with
# $\gamma = 1$ (NTK scaling, learning rate `lr_ntk`) and $\gamma = 1/\sqrt{k}$ (mean
# field, learning rate `lr_mf` $\cdot\sqrt{k}$).  It draws the seed's figures (losses,
# spectrum of $\mathbf{G}$ and $\|\mathbf{W}\|_{op}$, both alignments, energy) and the
# subspace angle, and a sweep over $\nu$: the alignments of the leading right
# singular vector of $\mathbf{G}$ at initialisation, for several data sets per $\nu$.
#
# `plot_alignment_vs_nu(nus, curves)` draws that sweep: one axes with the residue
# alignment (left) and one with the spike alignment (right) against $\nu$, one
# line per entry of `curves` (its label the key), x label `nu`, y labels
# `residue alignment` and `spike alignment`.  Return the figure.

# %% solution
def plot_alignment_vs_nu(nus, curves):
    """Alignment of the gradient's leading right singular vector against the spike exponent nu.

    Parameters
    ----------
    nus : array_like, shape (p,)
        The exponents nu (zeta = n ** nu), increasing.
    curves : dict
        ``{label: {"residue": array (p,), "q": array (p,)}}``: per label (e.g. ``"relu"``),
        the alignments with the residue direction X_B^T r and with q at each nu.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes side by side: axes 0 plots ``curves[label]["residue"]`` and axes 1
        ``curves[label]["q"]`` against ``nus``, one line per label (line label = the key),
        x labels "nu", y labels "residue alignment" and "spike alignment".
    """
    ### BEGIN SOLUTION
    nus = np.asarray(nus, dtype=np.float64)
    fig, axs = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    for label, curve in curves.items():
        axs[0].plot(nus, np.asarray(curve["residue"], dtype=np.float64), marker="o", label=str(label))
        axs[1].plot(nus, np.asarray(curve["q"], dtype=np.float64), marker="o", label=str(label))
    for ax, what in zip(axs, ("residue alignment", "spike alignment")):
        ax.set_xlabel("nu")
        ax.set_ylabel(what)
        ax.set_ylim(-0.02, 1.02)
        ax.grid(True)
        ax.legend()
    axs[0].set_title(r"$|\langle v_1, X_B^T r\rangle| / \|X_B^T r\|$ at initialisation")
    axs[1].set_title(r"$|\langle v_1, q\rangle|$ at initialisation")
    return fig
    ### END SOLUTION


# %% [markdown]
# ## 6. Questions
#
# **(a)** At initialisation the residue $\mathbf{r}$ is, to first order,
# independent of the bulk and of the spike's latent coordinates.  Estimate the
# norms of the two parts of $\mathbf{X}^T\mathbf{r} = \mathbf{X}_B^T\mathbf{r} +
# \zeta(\mathbf{z}^T\mathbf{r})\,\mathbf{q}$ for isotropic data ($\alpha = 0$) and
# derive the exponent $\nu$ at which the leading direction of $\mathbf{S}_1$ switches
# from the residue to the spike when $d \propto n$.  Compare with the sweep.

# %% [markdown] answer=crossover_nu
# ### BEGIN SOLUTION
# If $\mathbf{r}$ is independent of $\mathbf{X}_B$ and $\mathbf{z}$, the coordinates of
# $\mathbf{X}_B^T\mathbf{r}$ are $N(0, \|\mathbf{r}\|^2)$ (for $\alpha = 0$), so
# $\|\mathbf{X}_B^T\mathbf{r}\| \approx \sqrt{d}\,\|\mathbf{r}\|$, while
# $\mathbf{z}^T\mathbf{r} \sim N(0, \|\mathbf{r}\|^2)$ gives a spike part of size
# $\zeta|\mathbf{z}^T\mathbf{r}| \approx n^\nu\|\mathbf{r}\|$.  The leading direction of
# $\mathbf{S}_1 \propto (\mathbf{a}\circ\boldsymbol\mu)(\mathbf{X}^T\mathbf{r})^T$ makes the angle
# $\cos\theta_q \approx n^\nu / \sqrt{d + n^{2\nu}}$ with $\mathbf{q}$: it switches from the
# residue to the spike at $n^\nu \approx \sqrt{d}$, i.e. for $d = c\,n$ at
# $\nu^* = \tfrac12 + \tfrac{\ln c}{2\ln n} \approx 0.52$ for $n = 750$, $d = 1000$.
#
# The sweep (default configuration, $\gamma = 1$, mean of 5 data sets) agrees for the
# sigmoid network: spike alignment 0.03, 0.05, 0.20, 0.43, 0.94, 0.96, 1.00 for
# $\nu = 0, \tfrac18, \dots, \tfrac34$ (residue alignment 1.00, 1.00, 0.97, 0.89, 0.35,
# 0.21, 0.05).  The ReLU network switches earlier, between $\tfrac14$ and $\tfrac38$
# (spike alignment 0.30 at $\tfrac14$, 0.96 at $\tfrac38$): the independence assumption
# fails because the network responds to the spike.  To first order in the spike,
# $f(\mathbf{x}_j) \approx f_B(\mathbf{x}_j) + \zeta z_j\, c_j$ with
# $c_j = \gamma\sum_i a_i\sigma'(\mathbf{w}_i^T\mathbf{x}_j)\,\mathbf{w}_i^T\mathbf{q}
# \sim \kappa/\sqrt{d}$, $\kappa$ the typical size of $\sigma'$; then
# $\mathbf{z}^T\mathbf{r}$ gains a term $\approx \zeta\kappa\, n/\sqrt{d}$ and the spike part
# of $\mathbf{X}^T\mathbf{r}$ grows like $\zeta^2$: it wins for $n^{2\nu} \gtrsim d\,\tau/(\kappa\sqrt{n})$,
# i.e. from $\nu \approx \tfrac14 + \tfrac{\ln(\tau/\kappa)}{2\ln n}$ on when $d \propto n$.  ReLU has
# $\kappa \approx 0.7$, the sigmoid $\kappa \approx 0.2$: the crossover comes later for the
# sigmoid, where the first-order estimate above takes over.  (The checks use
# $\nu = 0$ and $\nu = \tfrac34$, far on either side.)
# ### END SOLUTION

# %% [markdown]
# **(b)** Why is the gradient of the sigmoid network much closer to rank one
# than that of the ReLU network?  Relate $\|\mathbf{R}\|$ to the fluctuation of
# $\sigma'(\mathbf{w}_i^T\mathbf{x})$ around its mean $\mu_i$ for the two activations.

# %% [markdown] answer=rank_one_activation
# ### BEGIN SOLUTION
# $\mathbf{G} = \mathbf{S}_1 + \mathbf{R}$, where $\mathbf{S}_1$ carries the mean $\mu_i$ of
# $\sigma'$ and $\mathbf{R} = \frac{\gamma}{n}[(\mathbf{a}\mathbf{r}^T)\circ\sigma'_\perp]\mathbf{X}$ its
# fluctuation $\sigma'_\perp = \sigma' - \mu$: both are the same kind of product, with
# $\mu$ (a constant) in one and a nearly unstructured, zero-mean matrix of entries of
# size $\operatorname{sd}(\sigma')$ in the other.  $\|\mathbf{S}_1\| = \frac{\gamma}{n}
# \|\mathbf{a}\circ\boldsymbol\mu\|\,\|\mathbf{X}^T\mathbf{r}\|$ collects all $n$ samples
# coherently, while the fluctuating entries add up like a random matrix, so
# $\|\mathbf{R}\| / \|\mathbf{S}_1\|$ is proportional to the coefficient of variation
# $\operatorname{sd}(\sigma')/\mathbb{E}\sigma'$ (times a size factor of order
# $(\sqrt{n} + \sqrt{d})/\sqrt{nd}$).  For pre-activations $u \sim N(0, 1)$ (unit rows,
# isotropic inputs): ReLU's $\sigma'(u) = \mathbb{1}[u > 0]$ has mean 0.5 and standard
# deviation 0.5 (coefficient of variation 1), the sigmoid's $\sigma'(u) = s(1 - s)$ has
# mean 0.207 and standard deviation 0.046 (0.22), tanh's 0.61 and 0.31 (0.52).  The
# sigmoid's remainder is therefore about 4.5 times smaller relative to $\mathbf{S}_1$: at
# initialisation (default configuration, $\nu = 0$) $s_2/s_1 = 0.134$ for ReLU and 0.029
# for the sigmoid (ratio 4.6), and at the checks' size $s_1/\|\mathbf{G}\|_F \ge 0.97$
# for the sigmoid against $\le 0.81$ for ReLU.
# ### END SOLUTION

# %% [markdown]
# **(c)** Describe what the four training runs show: losses, the top
# singular values of $\mathbf{G}$ and $\|\mathbf{W}\|_{op}$, the two alignments and
# the energy in $\operatorname{span}(\mathbf{X}^T\mathbf{y}, \mathbf{q})$ over training.
# Where do NTK and mean-field scaling differ, and why?

# %% [markdown] answer=training_regimes
# ### BEGIN SOLUTION
# Default configuration ($n = 750$, $d = 1000$, $k = 1250$, $\nu = 1/8$, 100 epochs).
#
# *NTK scaling ($\gamma = 1$, lr 0.5): lazy training.*  The weights hardly move:
# $\|\mathbf{W}\|_{op}$ stays at the random-matrix value 2.11 for ReLU and creeps to 4.5
# for the sigmoid; the energy in $\operatorname{span}(\mathbf{X}^T\mathbf{y}, \mathbf{q})$
# stays at its initial 0.045 (0.051 for ReLU, 0.11 for the sigmoid at the end).  Yet
# the network fits the data: $kd = 1.25\cdot 10^6$ weights and $n = 750$ noisy samples
# ($\tau = 1$), so ReLU interpolates (training loss $10^{-13}$) and the sigmoid reaches
# 0.10, while the test losses rise (0.81 to 0.86, and 0.69 to 1.05): the noise is
# fitted.  The gradient keeps its leading direction along the residue (alignment
# $\ge 0.99$, spike alignment $\le 0.04$, angle to the predicted plane at most 0.15 rad
# for ReLU and 0.03 rad for the sigmoid);
# $\sigma_1(\mathbf{G})$ decays with the residue, and $s_2/s_1$ grows (ReLU up to 0.6), as
# the rank-one part shrinks with $\mathbf{r}$ faster than the bulk of the remainder.
#
# *Mean-field scaling ($\gamma = 1/\sqrt{k}$, lr $0.5\sqrt{k}$): feature learning.*  The
# rank-one gradient moves every row of $\mathbf{W}$ along the same direction
# $\mathbf{X}^T\mathbf{r}$ (the rows of $\mathbf{S}_1$ are multiples of it); within 10 to 20
# epochs the rows condense into the span: energy 0.58 (ReLU) and 0.93 (sigmoid),
# and $\|\mathbf{W}\|_{op}$ grows from 2.1 to 21.8 (ReLU) and to 35.3 for the sigmoid,
# next to its maximum $\sqrt{k} = 35.36$ for unit rows: $\mathbf{W}$ is nearly rank one, all
# neurons almost parallel.  The losses plateau (0.21 and 0.53): with a collapsed
# first layer the network cannot fit the noise, and the test loss stays near its
# initial value (0.70, 0.67).  The gradient's leading direction slowly leaves the
# predicted plane (angle up to 0.28 and 0.38 rad, residue alignment down to 0.96
# and 0.93): once the rows are aligned, $\sigma'(\mathbf{W}\mathbf{X}^T)$ is no longer a
# constant plus unstructured noise, the assumption behind the rank-one picture.
#
# *Why.*  In both scalings the step on $\mathbf{W}$ is
# $\frac{\mathrm{lr}}{n}[(\mathbf{a}\mathbf{r}^T)\circ\sigma']\mathbf{X}$ ($\gamma$ cancels in
# $\frac{\mathrm{lr}}{\gamma}\mathbf{G}$), but the change of the output is $\gamma$ times the
# change of $\mathbf{a}^T\sigma(\mathbf{W}\mathbf{x})$.  With $\gamma = 1$ an $O(1)$ change of $f$
# needs only a tiny change of each $\mathbf{w}_i$ (the network stays near its
# linearisation, the neural tangent kernel); with $\gamma = 1/\sqrt{k}$ it needs steps
# $\sqrt{k}$ times larger (hence the learning rate $\propto\sqrt{k}$), and the weights travel
# an $O(1)$ distance on the sphere, along the few directions the low-rank gradient
# offers: the features change.
# ### END SOLUTION

# %% [markdown]
# ## The simulation (given)
#
# `nndl simulate low_rank_gradient [--quick] [--device cuda] [--param KEY=VALUE]`
# runs it, through your functions, and writes every figure with the numbers
# behind it.

# %%
from nndl.simulate import Run, Simulation, run_seed  # noqa: E402

#: Configurations: quick (seconds, on a laptop) and the seed's size.
CONFIGS = {
    "quick": {"n": 200, "d": 250, "k": 300, "epochs": 60, "nu": 0.125, "alpha": 0.0, "tau": 1.0,
              "teacher": "sigmoid", "lr_ntk": 0.5, "lr_mf": 0.5, "n_sv": 3, "dtype": "float32",
              "nus": [0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75], "nu_reps": 3},
    "default": {"n": 750, "d": 1000, "k": 1250, "epochs": 100, "nu": 0.125, "alpha": 0.0, "tau": 1.0,
                "teacher": "sigmoid", "lr_ntk": 0.5, "lr_mf": 0.5, "n_sv": 3, "dtype": "float32",
                "nus": [0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75], "nu_reps": 5},
}
#: The four training runs: (activation, scaling).
TRAIN_RUNS = (("relu", "ntk"), ("relu", "mf"), ("sigmoid", "ntk"), ("sigmoid", "mf"))
_LABELS = {"relu": "ReLU", "sigmoid": "sigmoid", "tanh": "tanh",
           "ntk": "NTK (gamma = 1)", "mf": "mean field (gamma = 1/sqrt(k))"}


def check_config(config):
    """ValueError naming the first bad key of a configuration."""
    for key in ("n", "d", "k", "epochs", "n_sv", "nu_reps"):
        value = config[key]
        if not isinstance(value, int) or value < (2 if key == "n_sv" else 1):
            raise ValueError(f"{key} must be an integer >= {2 if key == 'n_sv' else 1}, got {value!r}")
    if config["n_sv"] > min(config["k"], config["d"]):
        raise ValueError(f"n_sv must be at most min(k, d) = {min(config['k'], config['d'])}, got {config['n_sv']}")
    for key in ("nu", "alpha", "tau"):
        if not config[key] >= 0:
            raise ValueError(f"{key} must be >= 0, got {config[key]!r}")
    for key in ("lr_ntk", "lr_mf"):
        if not config[key] > 0:
            raise ValueError(f"{key} must be > 0, got {config[key]!r}")
    if config["teacher"] not in ACTIVATIONS:
        raise ValueError(f"teacher must be one of {', '.join(ACTIVATIONS)}, got {config['teacher']!r}")
    if config["dtype"] not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {config['dtype']!r}")
    nus = config["nus"]
    if not nus or not all(isinstance(v, (int, float)) and v >= 0 for v in nus):
        raise ValueError(f"nus must be a non-empty list of numbers >= 0, got {nus!r}")


def make_problem(params, nu, seed, device, dtype):
    """Data, initial network: drawn in float64 on the CPU from ``seed`` (the same numbers on
    every device), then moved to ``device`` in ``dtype``."""
    n, d, k = params["n"], params["d"], params["k"]
    gen = torch.Generator().manual_seed(seed)
    q = torch.randn(d, generator=gen, dtype=torch.float64)
    q = q / torch.linalg.vector_norm(q)
    beta = torch.randn(d, generator=gen, dtype=torch.float64)
    beta = beta / torch.linalg.vector_norm(beta)
    X, X_B, _ = gen_data(n, d, n**nu, q, params["alpha"], gen)
    X_test, _, _ = gen_data(n, d, n**nu, q, params["alpha"], gen)
    y = teacher_targets(X, beta, params["teacher"], params["tau"], gen)
    y_test = teacher_targets(X_test, beta, params["teacher"], params["tau"], gen)
    W0, a = init_network(k, d, gen, outer="sign", dtype="float64")
    move = dict(device=device, dtype=torch_dtype(dtype))
    data = {"X": X, "y": y, "X_B": X_B, "q": q, "X_test": X_test, "y_test": y_test}
    return {key: value.to(**move) for key, value in data.items()}, W0.to(**move), a.to(**move)


def scaling_gamma_lr(params, scaling):
    """(gamma, lr) of a scaling: NTK gamma = 1, lr = lr_ntk; mean field gamma = 1/sqrt(k), lr = lr_mf sqrt(k)."""
    root = math.sqrt(params["k"])
    return (1.0, params["lr_ntk"]) if scaling == "ntk" else (1.0 / root, params["lr_mf"] * root)


def run_experiment(params, ctx):
    """One run of the sweep: a training run (``kind == "train"``) or one nu of the sweep."""
    import multiprocessing

    if multiprocessing.parent_process() is not None:
        # A worker of nndl simulate's process pool, which runs one process per core: one thread
        # each (two-thread workers on two cores oversubscribe them, 20-50 times slower when busy).
        torch.set_num_threads(1)
    device = torch.device(ctx.device)
    if params["kind"] == "train":
        data, W0, a = make_problem(params, params["nu"], params["data_seed"], device, params["dtype"])
        gamma, lr = scaling_gamma_lr(params, params["scaling"])
        with ctx.progress(params["epochs"], f"{params['act']}, {params['scaling']}") as bar:
            out = train(data, W0, a, gamma, lr, params["epochs"], params["act"], params["n_sv"],
                        progress=bar.update)
        out.pop("W")
        return as_numpy(out)
    # One nu: alignments at initialisation (one gradient per data set and activation).
    result = {}
    gamma, _ = scaling_gamma_lr(params, "ntk")
    for act in ("relu", "sigmoid"):
        rows = []
        for rep in range(params["nu_reps"]):
            data, W0, a = make_problem(params, params["nu"], run_seed(params["data_seed"], f"rep={rep}"),
                                       device, params["dtype"])
            out = as_numpy(train(data, W0, a, gamma, 0.0, 1, act, params["n_sv"]))
            rows.append([out["align_residue"][0], out["align_q"][0], out["sv"][0, 1] / out["sv"][0, 0],
                         out["sv"][0, 0] / out["grad_fro"][0]])
        rows = np.asarray(rows)
        result[act] = {"align_residue": rows[:, 0], "align_q": rows[:, 1], "s2_over_s1": rows[:, 2],
                       "s1_over_fro": rows[:, 3]}
    return result


def experiment_runs(config, seed):
    """Four training runs on one data set, and one run per nu."""
    base = dict(config)
    data_seed = run_seed(seed, "data")
    runs = [Run(f"act={act},scaling={scaling}",
                {**base, "kind": "train", "act": act, "scaling": scaling, "data_seed": data_seed})
            for act, scaling in TRAIN_RUNS]
    runs += [Run(f"nu={nu:g}", {**base, "kind": "nu", "nu": float(nu), "data_seed": run_seed(seed, f"nu={nu:g}")})
             for nu in config["nus"]]
    return runs


def _train_label(key):
    act, scaling = (part.split("=")[1] for part in key.split(","))
    return f"{_LABELS[act]}, {_LABELS[scaling]}"


def draw_figures(config, results):
    """The seed's figures (one line per training run) and the sweep over nu."""
    train_keys = [f"act={act},scaling={scaling}" for act, scaling in TRAIN_RUNS]
    epoch = np.arange(config["epochs"])
    figures = {}

    def per_run(name, panels, ylog=(), xlog=False):
        fig, axs = plt.subplots(1, len(panels), figsize=(6 * len(panels), 4.5), layout="constrained",
                                squeeze=False)
        table = {"epoch": epoch}
        for ax, (field, ylabel, transform) in zip(axs[0], panels):
            for key in train_keys:
                values = transform(results[key][field])
                ax.plot(epoch + 1 if xlog else epoch, values, label=_train_label(key))
                table[f"{field}[{key}]"] = values
            ax.set_xlabel("epoch + 1" if xlog else "epoch")
            ax.set_ylabel(ylabel)
            ax.grid(True)
            if xlog:
                ax.set_xscale("log")
            if field in ylog:
                ax.set_yscale("log")
        axs[0][0].legend(fontsize=8)
        figures[name] = (fig, table)

    same = lambda v: np.asarray(v, dtype=np.float64)  # noqa: E731
    per_run("loss", [("loss", "train loss L", same), ("test_loss", "test loss", same)], ylog=("loss",))
    per_run("spectrum", [("sv", "sigma_1(G)", lambda v: same(v)[:, 0]),
                         ("sv", "sigma_2(G) / sigma_1(G)", lambda v: same(v)[:, 1] / same(v)[:, 0]),
                         ("op_norm", "||W||_op", same)], ylog=("sv",))
    # Two panels read the same field: name the table columns apart.
    fig, table = figures["spectrum"]
    fixed = {"epoch": table["epoch"]}
    for key in train_keys:
        sv = same(results[key]["sv"])
        fixed[f"sigma_1[{key}]"] = sv[:, 0]
        for j in range(1, sv.shape[1]):
            fixed[f"sigma_{j + 1}[{key}]"] = sv[:, j]
        fixed[f"grad_fro[{key}]"] = same(results[key]["grad_fro"])
        fixed[f"op_norm[{key}]"] = same(results[key]["op_norm"])
    figures["spectrum"] = (fig, fixed)
    per_run("alignment_residue", [("align_residue", "|<v_1, X_B^T r>| / ||X_B^T r||", same)], xlog=True)
    per_run("alignment_q", [("align_q", "|<v_1, q>|", same)], xlog=True)
    per_run("energy", [("energy", "||P_S W||_F / ||W||_F, S = span(X^T y, q)", same)])
    per_run("subspace_angle", [("angle", "angle between v_1 and span(X_B^T r, q) [rad]", same)])

    nus = np.array([float(nu) for nu in config["nus"]])
    curves, table = {}, {"nu": nus}
    for act in ("relu", "sigmoid"):
        res = np.array([np.mean(results[f"nu={nu:g}"][act]["align_residue"]) for nu in config["nus"]])
        spike = np.array([np.mean(results[f"nu={nu:g}"][act]["align_q"]) for nu in config["nus"]])
        curves[act] = {"residue": res, "q": spike}
        table[f"residue[{act}]"], table[f"q[{act}]"] = res, spike
        table[f"s2_over_s1[{act}]"] = np.array([np.mean(results[f"nu={nu:g}"][act]["s2_over_s1"])
                                                for nu in config["nus"]])
    figures["alignment_vs_nu"] = (plot_alignment_vs_nu(nus, curves), table)
    return figures


def summarize(config, results):
    """Headline numbers for run.json."""
    out = {}
    for act, scaling in TRAIN_RUNS:
        data = results[f"act={act},scaling={scaling}"]
        out[f"{act},{scaling}"] = {
            "loss_first_last": [float(data["loss"][0]), float(data["loss"][-1])],
            "test_loss_first_last": [float(data["test_loss"][0]), float(data["test_loss"][-1])],
            "align_residue_first_last": [float(data["align_residue"][0]), float(data["align_residue"][-1])],
            "align_q_first_last": [float(data["align_q"][0]), float(data["align_q"][-1])],
        }
    for nu in config["nus"]:
        for act in ("relu", "sigmoid"):
            res = results[f"nu={nu:g}"][act]
            out[f"nu={nu:g},{act}"] = {"align_residue": float(np.mean(res["align_residue"])),
                                       "align_q": float(np.mean(res["align_q"])),
                                       "s2_over_s1": float(np.mean(res["s2_over_s1"]))}
    return out


SIMULATION = Simulation(configs=CONFIGS, runs=experiment_runs, run=run_experiment, figures=draw_figures,
                        validate=check_config, devices=("cpu", "cuda"), summary=summarize)
