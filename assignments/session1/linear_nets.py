# Exercise set session1/linear_nets: fill in every `raise NotImplementedError()`.
# Check your work: nndl-grade linear_nets.py --set linear_nets
# (generated from the course solutions by `nndl build`; do not edit the cell headers)

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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# **Exercise 3 (a).** Give a necessary and sufficient condition on
# $\mathbf{M}$ such that $\mathbf{g}$ is injective, i.e. every output
# $\mathbf{y}$ determines the input $\mathbf{x}$.  Prove it.


# %% [markdown] answer=injective_condition
# YOUR ANSWER HERE


# %% [markdown]
# **Exercise 3 (b).** Give a necessary and sufficient condition on
# $\mathbf{M}$ such that $\mathbf{g}$ is bijective.  Prove it.


# %% [markdown] answer=bijective_condition
# YOUR ANSWER HERE


# %% [markdown]
# **Exercise 3 (c).** Give a necessary and sufficient condition on the
# individual weight matrices $\mathbf{W}_1, \dots, \mathbf{W}_K$ (all
# $n\times n$) such that $\mathbf{g}$ is bijective.  Prove it.


# %% [markdown] answer=layers_condition
# YOUR ANSWER HERE
