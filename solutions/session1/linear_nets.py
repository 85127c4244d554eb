# %% [markdown]
# # Invertibility of linear networks
#
# Session 1, §1 *Basic definitions*, exercise 3.
#
# A multi-layer network with the linear activation function computes
#
# $$\mathbf{y}_K = \mathbf{W}_K \mathbf{W}_{K-1} \cdots \mathbf{W}_1 \mathbf{x}
#   = \mathbf{M}\mathbf{x} =: \mathbf{g}(\mathbf{x}).$$
#
# In the code, the weights are a Python list `weights = [W_1, ..., W_K]` of
# 2-D numpy arrays; `W_1` is applied first, so `W_k` has shape
# $(d_k, d_{k-1})$ and the shapes chain.  The sheet's case is
# $d_0 = d_1 = \dots = d_K = n$, but the functions below also accept
# rectangular layers.  Never modify the inputs (neither the arrays nor the
# list).

# %%
import numpy as np

# %% [markdown]
# ## The network as one matrix
#
# Implement `compose`, the matrix $\mathbf{M}$ of the whole network.  Mind the
# order: the first layer is the *rightmost* factor.

# %% solution
def compose(weights):
    """The matrix ``M = W_K @ ... @ W_1`` of the linear network ``weights``.

    Parameters
    ----------
    weights : list of ndarray
        ``[W_1, ..., W_K]``, ``K >= 1``; ``W_k`` has shape ``(d_k, d_{k-1})``
        and is applied after ``W_{k-1}`` (``W_1`` acts on the input first).

    Returns
    -------
    ndarray, shape (d_K, d_0), float64
        A new array (never one of the inputs), so that ``g(x) = M @ x``.

    Raises
    ------
    ValueError
        If ``weights`` is empty or the shapes do not chain.
    """
    ### BEGIN SOLUTION
    if len(weights) == 0:
        raise ValueError("compose needs at least one weight matrix")
    # np.array copies: the result never aliases the caller's W_1.
    M = np.array(weights[0], dtype=np.float64)
    if M.ndim != 2:
        raise ValueError(f"W_1 must be a 2-D array, got shape {M.shape}")
    for k, W in enumerate(weights[1:], start=2):
        W = np.asarray(W, dtype=np.float64)
        if W.ndim != 2 or W.shape[1] != M.shape[0]:
            raise ValueError(f"W_{k} has shape {W.shape}; it must have {M.shape[0]} columns "
                             f"to act on the output of W_{k - 1}")
        M = W @ M  # the later layer multiplies from the left
    return M
    ### END SOLUTION


# %% [markdown]
# ## Exercise 3 (a), (b): injective and bijective networks
#
# Decide from $\mathbf{M}$ whether $\mathbf{g}$ is injective and whether it is
# bijective.  Exact rank is not computable in floating point: a matrix that
# is singular in exact arithmetic typically has a smallest singular value of
# about $\varepsilon\,\sigma_{\max}$ after rounding, rarely exactly 0.  Use the
# standard *numerical* rank, as `numpy.linalg.matrix_rank` does: the number
# of singular values larger than $\max(m, n)\,\varepsilon\,\sigma_{\max}$,
# where $\varepsilon$ is the machine epsilon of the matrix's dtype.  (Do not
# test `det(M) != 0`: it is undefined for non-square matrices, underflows to
# 0 for a well-conditioned matrix such as $10^{-100} I_4$, and is
# non-zero for a singular matrix after rounding.)

# %% solution
def _numerical_rank(M):
    """Numerical rank of a 2-D array: singular values above ``max(m, n) * eps * s_max``.

    This is ``numpy.linalg.matrix_rank``'s default rule: a relative threshold,
    so the decision does not change when ``M`` is scaled, with ``eps`` the
    machine epsilon of ``M``'s floating dtype (float32 data only carries
    float32 precision; integers are treated as float64).

    Parameters
    ----------
    M : ndarray, shape (m, n)

    Returns
    -------
    int
        The number of singular values of ``M`` above the tolerance (0 for an
        empty or all-zero matrix).
    """
    ### BEGIN SOLUTION
    M = np.asarray(M)
    M = M.astype(np.result_type(M, np.float32), copy=False)
    if M.ndim != 2:
        raise ValueError(f"expected a 2-D array, got shape {M.shape}")
    if M.size == 0:
        return 0
    s = np.linalg.svd(M, compute_uv=False)  # descending, s[0] = largest
    tol = s[0] * max(M.shape) * np.finfo(M.dtype).eps
    return int(np.count_nonzero(s > tol))
    ### END SOLUTION


def is_injective(M):
    """Whether the linear map ``x -> M @ x`` is injective (exercise 3a).

    Parameters
    ----------
    M : ndarray, shape (m, n)
        Any 2-D matrix, square or not.

    Returns
    -------
    bool
        Decided with the numerical rank of ``M``: the number of singular
        values above ``max(m, n) * eps * s_max``, as ``numpy.linalg.matrix_rank``
        counts them.
    """
    ### BEGIN SOLUTION
    # Injective iff the null space is trivial iff full column rank (rank == n; impossible for m < n).
    return _numerical_rank(M) == np.shape(M)[1]
    ### END SOLUTION


def is_bijective(M):
    """Whether the linear map ``x -> M @ x`` is bijective (exercise 3b).

    Parameters
    ----------
    M : ndarray, shape (m, n)
        Any 2-D matrix, square or not.

    Returns
    -------
    bool
        Decided with the numerical rank, as in :func:`is_injective`.
    """
    ### BEGIN SOLUTION
    # Bijective iff square and of full rank (injective and surjective).
    m, n = np.shape(M)
    return m == n and is_injective(M)
    ### END SOLUTION


# %% [markdown]
# ## Exercise 3 (c): a condition on the layers
#
# Implement the condition of 3(c) on the individual weight matrices:
# every $\mathbf{W}_k$ is square and invertible.

# %% solution
def all_layers_bijective(weights):
    """Whether every layer ``W_k`` of ``weights`` is square and invertible.

    This is a condition on the individual layers, not on their product: a
    rectangular layer makes the result ``False`` even where the product
    ``W_K ... W_1`` happens to be invertible.

    Parameters
    ----------
    weights : list of ndarray
        ``[W_1, ..., W_K]``, each 2-D.

    Returns
    -------
    bool
        ``True`` iff :func:`is_bijective` holds for every ``W_k``.
    """
    ### BEGIN SOLUTION
    # For n x n layers this is exactly "g is bijective" (3c); with rectangular layers it is only
    # sufficient: R^2 -> R^3 -> R^2 can be bijective although no layer is square.
    return all(is_bijective(W) for W in weights)
    ### END SOLUTION


# %% [markdown]
# ## Inverting the network
#
# Implement `invert(weights, y)`: the input $\mathbf{x}$ with
# $\mathbf{g}(\mathbf{x}) = \mathbf{y}$.  Raise `numpy.linalg.LinAlgError`
# when $\mathbf{g}$ is not bijective.  Solve linear systems with
# `np.linalg.solve` rather than forming an explicit inverse.

# %% solution
def invert(weights, y):
    """The input ``x`` with ``g(x) = W_K @ ... @ W_1 @ x = y``.

    Solves linear systems with ``np.linalg.solve`` (no explicit inverse) and
    decides bijectivity with the numerical rank, as :func:`is_bijective`.

    Parameters
    ----------
    weights : list of ndarray
        ``[W_1, ..., W_K]``, ``W_k`` of shape ``(d_k, d_{k-1})``.
    y : ndarray, shape (d_K,)
        An output of the network.

    Returns
    -------
    ndarray, shape (d_0,), float64

    Raises
    ------
    numpy.linalg.LinAlgError
        If ``g`` is not bijective (a singular layer, or ``M`` not square or
        rank-deficient).
    """
    ### BEGIN SOLUTION
    # Method.  When every layer is square (the sheet's case), by 3(c) g is bijective iff every W_k
    # is invertible: the rank of each layer is decided on its own (the rounding of forming M never
    # enters the decision) and the layers are undone in reverse order, x_{k-1} = solve(W_k, x_k).
    # Otherwise 3(c) does not apply and we use 3(b): M = compose(weights) must be square of full
    # numerical rank, and x = solve(M, y).  Both are backward stable:
    # |g(x) - y| <~ eps * prod_k cond(W_k) * |y|.
    y = np.asarray(y, dtype=np.float64)
    if all(np.ndim(W) == 2 and np.shape(W)[0] == np.shape(W)[1] for W in weights):
        for k, W in enumerate(weights, start=1):
            if not is_bijective(W):
                raise np.linalg.LinAlgError(f"layer W_{k} is singular, so g is not bijective")
        x = y
        for W in reversed(weights):  # undo W_K first, W_1 last
            x = np.linalg.solve(np.asarray(W, dtype=np.float64), x)
        return x
    M = compose(weights)
    if not is_bijective(M):
        raise np.linalg.LinAlgError(f"M = W_K ... W_1 has shape {M.shape} and numerical rank "
                                    f"{_numerical_rank(M)}, so g is not bijective")
    return np.linalg.solve(M, y)
    ### END SOLUTION


# %% [markdown]
# **Exercise 3 (a).** Give a necessary and sufficient condition on
# $\mathbf{M}$ such that $\mathbf{g}$ is injective, i.e. every output
# $\mathbf{y}$ determines the input $\mathbf{x}$.  Prove it.

# %% [markdown] answer=injective_condition
# ### BEGIN SOLUTION
# **Condition.** $\mathbf{g}$ is injective iff the null space of $\mathbf{M}$
# is trivial, $\ker \mathbf{M} = \{\mathbf{0}\}$, i.e. iff $\mathbf{M}$ has
# full column rank $\operatorname{rank}\mathbf{M} = n$ (its columns are
# linearly independent).  In the sheet's case $\mathbf{M}$ is $n\times n$, so
# this is the same as $\det\mathbf{M} \ne 0$.
#
# **Proof.** $\mathbf{g}$ is linear, so
# $\mathbf{g}(\mathbf{x}) = \mathbf{g}(\mathbf{x}')$ iff
# $\mathbf{M}(\mathbf{x} - \mathbf{x}') = \mathbf{0}$, i.e. iff
# $\mathbf{x} - \mathbf{x}' \in \ker\mathbf{M}$.
# If $\ker\mathbf{M} = \{\mathbf{0}\}$, equal outputs force
# $\mathbf{x} = \mathbf{x}'$: $\mathbf{g}$ is injective.  If there is
# $\mathbf{v} \ne \mathbf{0}$ with $\mathbf{M}\mathbf{v} = \mathbf{0}$, then
# $\mathbf{g}(\mathbf{v}) = \mathbf{g}(\mathbf{0})$ with
# $\mathbf{v} \ne \mathbf{0}$: not injective.  Finally
# $\mathbf{M}\mathbf{v} = \sum_j v_j \mathbf{m}_j$ (columns
# $\mathbf{m}_j$), so a trivial null space means exactly that the columns
# are linearly independent, i.e. rank $n$ (rank–nullity:
# $\dim\ker\mathbf{M} = n - \operatorname{rank}\mathbf{M}$).  For a square
# matrix, full rank is equivalent to $\det\mathbf{M}\ne 0$.
#
# (For a general $m\times n$ matrix the same condition, full *column* rank,
# applies; it requires $m \ge n$.)
# ### END SOLUTION

# %% [markdown]
# **Exercise 3 (b).** Give a necessary and sufficient condition on
# $\mathbf{M}$ such that $\mathbf{g}$ is bijective.  Prove it.

# %% [markdown] answer=bijective_condition
# ### BEGIN SOLUTION
# **Condition.** $\mathbf{g}$ is bijective iff $\mathbf{M}$ is square and
# invertible, $\det\mathbf{M} \ne 0$ (equivalently rank $n$).  In the
# sheet's $n\times n$ case this is the same condition as in (a): for square
# matrices injective and bijective coincide.
#
# **Proof.** Bijective = injective and surjective.  By (a), injective iff
# $\operatorname{rank}\mathbf{M}$ equals the number of columns (the input
# dimension).  $\mathbf{g}$ is surjective iff the column space of
# $\mathbf{M}$ is the whole output space, i.e. iff
# $\operatorname{rank}\mathbf{M}$ equals the number of rows (the output
# dimension).  Both hold iff #rows $=$ rank $=$ #columns: $\mathbf{M}$ is
# square of full rank, i.e. invertible, i.e. $\det\mathbf{M}\ne 0$.  Then
# $\mathbf{g}^{-1}(\mathbf{y}) = \mathbf{M}^{-1}\mathbf{y}$.
#
# For $\mathbf{M}$ of size $n\times n$, rank–nullity
# ($\dim\ker\mathbf{M} + \operatorname{rank}\mathbf{M} = n$) shows that
# injective ($\ker\mathbf{M}=\{\mathbf{0}\}$) already implies surjective
# (rank $n$), which is why (a) and (b) coincide here.
# ### END SOLUTION

# %% [markdown]
# **Exercise 3 (c).** Give a necessary and sufficient condition on the
# individual weight matrices $\mathbf{W}_1, \dots, \mathbf{W}_K$ (all
# $n\times n$) such that $\mathbf{g}$ is bijective.  Prove it.

# %% [markdown] answer=layers_condition
# ### BEGIN SOLUTION
# **Condition.** $\mathbf{g}$ is bijective iff **every** $\mathbf{W}_k$ is
# invertible ($\det\mathbf{W}_k \ne 0$ for $k = 1, \dots, K$).
#
# **Proof (determinants).** By (b), $\mathbf{g}$ is bijective iff
# $\det\mathbf{M}\ne 0$.  The determinant is multiplicative for square
# matrices, so
# $$\det\mathbf{M} = \det(\mathbf{W}_K\cdots\mathbf{W}_1) = \prod_{k=1}^{K}\det\mathbf{W}_k,$$
# and a product of real numbers is non-zero iff every factor is non-zero.
#
# **Proof (without determinants).** If every $\mathbf{W}_k$ is invertible,
# $\mathbf{W}_1^{-1}\cdots\mathbf{W}_K^{-1}$ is an inverse of $\mathbf{M}$
# (the factors cancel from the inside out), so $\mathbf{g}$ is bijective.
# Conversely let $j$ be the *first* index with $\mathbf{W}_j$ singular and
# pick $\mathbf{v}\ne\mathbf{0}$ with $\mathbf{W}_j\mathbf{v}=\mathbf{0}$.
# The layers before it are invertible, so
# $\mathbf{x} = (\mathbf{W}_{j-1}\cdots\mathbf{W}_1)^{-1}\mathbf{v} \ne \mathbf{0}$
# (for $j=1$, $\mathbf{x}=\mathbf{v}$) and
# $\mathbf{M}\mathbf{x} = \mathbf{W}_K\cdots\mathbf{W}_{j+1}\mathbf{W}_j\mathbf{v} = \mathbf{0}$:
# $\ker\mathbf{M}\ne\{\mathbf{0}\}$ and $\mathbf{g}$ is not even injective.
#
# **Remark.** The condition relies on all layers being $n\times n$.  If a
# hidden layer is narrower than $n$, $\operatorname{rank}\mathbf{M}$ is at
# most its width and $\mathbf{g}$ is never injective; if hidden layers are
# wider, $\mathbf{g}$ can be bijective although no layer is square
# (e.g. $\mathbf{W}_1 = (1, 0)^T$, $\mathbf{W}_2 = (1, 0)$ gives
# $\mathbf{M} = 1$).
# ### END SOLUTION
