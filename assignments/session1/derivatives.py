# Exercise set session1/derivatives: fill in every `raise NotImplementedError()`.
# Check your work: nndl-grade derivatives.py --set derivatives
# (generated from the course solutions by `nndl build`; do not edit the cell headers)

# %% [markdown]
# # Gradients, Hessians and Newton's method
#
# Session 1, §2 *Optimization*, mathematical exercises 1–9.
#
# When an exercise says "calculate", show the detailed derivation in the
# written-answer cell (index notation: write every vector operation as a sum
# over indices, then differentiate with respect to one entry).  Then implement
# the result with numpy in the code cell; the autograder compares your
# functions with central finite differences.
#
# Conventions: `w`, `z` are 1-D float arrays of length $n$, `W` is an
# $m \times n$ float array whose $i$-th row is $\mathbf{w}_i^T$.  Return
# float numpy arrays and never modify the inputs.


# %%
import numpy as np


# %% [markdown]
# ## Exercises 1–3: $f(\mathbf{w}) = \|\mathbf{w}\|^2$
#
# **Exercise 1 (3 pts).** Calculate the gradient of $f(\mathbf{w}) = \|\mathbf{w}\|^2$.


# %% [markdown] answer=grad_sq_norm_derivation
# YOUR ANSWER HERE


# %% solution
def grad_sq_norm(w):
    """Gradient of ``f(w) = ||w||^2``.

    Parameters
    ----------
    w : ndarray, shape (n,), float

    Returns
    -------
    ndarray, shape (n,), float
        The gradient vector; entry ``j`` is ``df/dw_j``.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# **Exercise 2 (3 pts).** Calculate the Hessian of $f(\mathbf{w}) = \|\mathbf{w}\|^2$.


# %% [markdown] answer=hess_sq_norm_derivation
# YOUR ANSWER HERE


# %% solution
def hess_sq_norm(w):
    """Hessian of ``f(w) = ||w||^2`` at ``w``.

    Parameters
    ----------
    w : ndarray, shape (n,), float

    Returns
    -------
    ndarray, shape (n, n), float
        The symmetric matrix of second derivatives; entry ``(i, j)`` is
        ``d^2 f / (dw_i dw_j)``.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# **Exercise 3 (3 pts).** Derive Newton's method for optimizing
# $f(\mathbf{w}) = \|\mathbf{w}\|^2$.  It works incredibly well; why?
#
# Implement one Newton step: `newton_step_sq_norm(w)` returns the **next
# iterate** $\mathbf{w}_{\text{new}}$ (not the step $\mathbf{w}_{\text{new}} - \mathbf{w}$),
# using your `grad_sq_norm` and `hess_sq_norm`.


# %% [markdown] answer=newton_sq_norm
# YOUR ANSWER HERE


# %% solution
def newton_step_sq_norm(w):
    """One Newton step on ``f(w) = ||w||^2`` from ``w``.

    Parameters
    ----------
    w : ndarray, shape (n,), float
        The current iterate (not modified).

    Returns
    -------
    ndarray, shape (n,), float
        The next iterate ``w - H^{-1} grad f(w)``, computed with
        :func:`grad_sq_norm` and :func:`hess_sq_norm` (not the step itself).
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## Exercises 4–6: $f(\mathbf{w}) = \mathbf{w}^T\mathbf{z}$ for a constant vector $\mathbf{z}$
#
# **Exercise 4 (2 pts).** Calculate the gradient of $f(\mathbf{w}) = \mathbf{w}^T\mathbf{z}$.


# %% [markdown] answer=grad_dot_derivation
# YOUR ANSWER HERE


# %% solution
def grad_dot(w, z):
    """Gradient with respect to ``w`` of ``f(w) = w^T z`` (``z`` constant).

    Parameters
    ----------
    w : ndarray, shape (n,), float
    z : ndarray, shape (n,), float

    Returns
    -------
    ndarray, shape (n,), float
        A new array (not ``z`` itself).
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# **Exercise 5 (2 pts).** Calculate the Hessian of $f(\mathbf{w}) = \mathbf{w}^T\mathbf{z}$.


# %% [markdown] answer=hess_dot_derivation
# YOUR ANSWER HERE


# %% solution
def hess_dot(w, z):
    """Hessian with respect to ``w`` of ``f(w) = w^T z`` (``z`` constant).

    Parameters
    ----------
    w : ndarray, shape (n,), float
    z : ndarray, shape (n,), float

    Returns
    -------
    ndarray, shape (n, n), float
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# **Exercise 6 (2 pts).** Try to derive Newton's method for optimizing
# $f(\mathbf{w}) = \mathbf{w}^T\mathbf{z}$.  It clearly does not work; why?


# %% [markdown] answer=newton_dot_fails
# YOUR ANSWER HERE


# %% [markdown]
# ## Exercises 7–9: $f_M(\mathbf{W}) = \sum_i g(\mathbf{w}_i^T\mathbf{z})$
#
# $\mathbf{w}_i^T$ is the $i$-th row of the $m\times n$ matrix $\mathbf{W}$ and
# $g:\mathbb{R}\to\mathbb{R}$ is differentiable.
#
# **Exercise 7 (4 pts).** Calculate the partial derivative of $f_M$ with respect
# to the entry $w_{ij}$ of $\mathbf{W}$.  (Hint: first write out all vector
# operations in the objective function, then take the partial derivative
# considering all the other variables constant; the tricky part is the indices,
# especially under a summation.)


# %% [markdown] answer=partial_f_M
# YOUR ANSWER HERE


# %% [markdown]
# **Exercise 8 (3 pts).** Based on the preceding, express the gradient of $f_M$
# compactly using matrix/vector notation.
#
# Implement it: `grad_f_M(W, z, g_prime)` receives the derivative $g'$ as a
# vectorised function (`g_prime(a)` applies $g'$ to every entry of the array
# `a`) and returns the gradient, **an array of the same shape as `W`**.


# %% [markdown] answer=grad_f_M_matrix_form
# YOUR ANSWER HERE


# %% solution
def grad_f_M(W, z, g_prime):
    """Gradient of ``f_M(W) = sum_i g(w_i^T z)`` with respect to ``W``.

    Parameters
    ----------
    W : ndarray, shape (m, n), float
        Row ``i`` is ``w_i^T``.
    z : ndarray, shape (n,), float
    g_prime : callable
        The derivative ``g'``, vectorised: ``g_prime(a)`` for an array ``a`` of
        shape (m,) returns ``g'`` of every entry, shape (m,).

    Returns
    -------
    ndarray, shape (m, n), float
        Entry ``(i, j)`` is ``d f_M / d w_ij = g'(w_i^T z) z_j``.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# **Exercise 9 (3 pts).** Calculate the stochastic gradient of the function
# $$f_{M'}(\mathbf{W}) = \mathbb{E}\Bigl\{\sum_i g(\mathbf{w}_i^T\mathbf{z})\Bigr\}$$
# for a random vector $\mathbf{z}$.
#
# Implement `stochastic_grad_f_M(W, z, g_prime)`: the stochastic gradient for
# **one sample** `z` of the random vector.


# %% [markdown] answer=stochastic_grad_f_M_derivation
# YOUR ANSWER HERE


# %% solution
def stochastic_grad_f_M(W, z, g_prime):
    """Stochastic gradient of ``f_M'(W) = E{sum_i g(w_i^T z)}`` for one sample ``z``.

    Parameters
    ----------
    W : ndarray, shape (m, n), float
    z : ndarray, shape (n,), float
        One observed sample of the random vector.
    g_prime : callable
        The derivative ``g'``, vectorised as in :func:`grad_f_M`.

    Returns
    -------
    ndarray, shape (m, n), float
        ``g'(W z) z^T``; its average over samples ``z`` is the gradient of the
        sample mean of ``sum_i g(w_i^T z)``.
    """
    # YOUR CODE HERE
    raise NotImplementedError()
