# Exercise set session1/activations: fill in every `raise NotImplementedError()`.
# Check your work: nndl-grade activations.py --set activations
# (generated from the course solutions by `nndl build`; do not edit the cell headers)

# %% [markdown]
# # Activation functions
#
# Session 1, §1 *Basic definitions*, exercises 1 and 2.
#
# Implement the functions below with numpy.  Inputs are numpy arrays or
# scalars; return numpy arrays of the same shape (a 0-d array for a scalar
# input is fine) and never modify the input.


# %%
import numpy as np


# %% [markdown]
# ## Exercise 1: the leaky ReLU
#
# $$\psi(x) = \begin{cases} x, & x \ge 0\\ \alpha x, & x < 0 \end{cases}, \qquad 0 \le \alpha \le 1.$$


# %% solution
def leaky_relu(x, alpha=0.01):
    """Leaky ReLU, elementwise: ``x`` where ``x >= 0``, ``alpha * x`` elsewhere.

    Parameters
    ----------
    x : array_like, shape (...)
    alpha : float, 0 <= alpha <= 1

    Returns
    -------
    ndarray, shape (...), float
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# **(c)** The same function in the form $\psi(x) = \max(\alpha x, x)$.


# %% solution
def leaky_relu_max(x, alpha=0.01):
    """Leaky ReLU written as ``max(alpha * x, x)`` (valid because 0 <= alpha <= 1).

    Parameters
    ----------
    x : array_like, shape (...)
    alpha : float, 0 <= alpha <= 1

    Returns
    -------
    ndarray, shape (...), float
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# **(a), (b)** The ReLU and the linear activation as special cases: implement
# them *by calling* `leaky_relu` with the right `alpha`.


# %% solution
def relu(x):
    """ReLU ``max(0, x)`` as the special case ``alpha = 0`` of :func:`leaky_relu`.

    Parameters
    ----------
    x : array_like, shape (...)

    Returns
    -------
    ndarray, shape (...), float
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def linear(x):
    """The identity activation as the special case ``alpha = 1`` of :func:`leaky_relu`.

    Parameters
    ----------
    x : array_like, shape (...)

    Returns
    -------
    ndarray, shape (...), float
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# **Exercise 1 (a)–(c).** Show that the ReLU and the linear activation are
# special cases of the leaky ReLU, and that $\psi(x) = \max(\alpha x, x)$.


# %% [markdown] answer=leaky_relu_identities
# YOUR ANSWER HERE


# %% [markdown]
# ## Exercise 2: tanh from the logistic function
#
# $\sigma(x) = 1/(1 + e^{-x})$.  Implement it so that it is finite, in
# $[0, 1]$, and raises no overflow warning for $|x|$ up to $10^4$; then
# express $\tanh$ through it.


# %% solution
def logistic(x):
    """Logistic sigmoid ``1 / (1 + exp(-x))``, numerically stable for any finite ``x``.

    Parameters
    ----------
    x : array_like, shape (...)

    Returns
    -------
    ndarray, shape (...), float, values in [0, 1]
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def tanh_via_logistic(x):
    """``tanh(x)`` computed as ``2 * logistic(2 x) - 1``.

    Parameters
    ----------
    x : array_like, shape (...)

    Returns
    -------
    ndarray, shape (...), float, values in [-1, 1]
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# **Exercise 2.** Show that $\tanh(x) = 2\sigma(2x) - 1$.


# %% [markdown] answer=tanh_identity
# YOUR ANSWER HERE
