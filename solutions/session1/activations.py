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
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.result_type(x, np.float32))
    return np.where(x >= 0, x, alpha * x)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.result_type(x, np.float32))
    return np.maximum(alpha * x, x)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    return leaky_relu(x, alpha=0.0)
    ### END SOLUTION


def linear(x):
    """The identity activation as the special case ``alpha = 1`` of :func:`leaky_relu`.

    Parameters
    ----------
    x : array_like, shape (...)

    Returns
    -------
    ndarray, shape (...), float
    """
    ### BEGIN SOLUTION
    return leaky_relu(x, alpha=1.0)
    ### END SOLUTION


# %% [markdown]
# **Exercise 1 (a)–(c).** Show that the ReLU and the linear activation are
# special cases of the leaky ReLU, and that $\psi(x) = \max(\alpha x, x)$.

# %% [markdown] answer=leaky_relu_identities
# ### BEGIN SOLUTION
# **(a)** With $\alpha = 0$: $\psi(x) = x$ for $x \ge 0$ and $\psi(x) = 0$
# for $x < 0$, i.e. $\psi(x) = \max(0, x)$, the ReLU.
#
# **(b)** With $\alpha = 1$: $\psi(x) = x$ on both sides, the linear
# (identity) activation.
#
# **(c)** For $x \ge 0$ and $0 \le \alpha \le 1$, $\alpha x \le x$, so
# $\max(\alpha x, x) = x = \psi(x)$.  For $x < 0$, multiplying
# $\alpha \le 1$ by $x < 0$ flips the inequality: $\alpha x \ge x$, so
# $\max(\alpha x, x) = \alpha x = \psi(x)$.  (The identity needs
# $\alpha \le 1$; for $\alpha > 1$ the max picks the wrong branch.)
# ### END SOLUTION

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
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.result_type(x, np.float32))
    # exp of a non-positive number never overflows: use exp(-|x|) on both sides.
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z)).astype(x.dtype)
    ### END SOLUTION


def tanh_via_logistic(x):
    """``tanh(x)`` computed as ``2 * logistic(2 x) - 1``.

    Parameters
    ----------
    x : array_like, shape (...)

    Returns
    -------
    ndarray, shape (...), float, values in [-1, 1]
    """
    ### BEGIN SOLUTION
    return 2.0 * logistic(2.0 * np.asarray(x)) - 1.0
    ### END SOLUTION


# %% [markdown]
# **Exercise 2.** Show that $\tanh(x) = 2\sigma(2x) - 1$.

# %% [markdown] answer=tanh_identity
# ### BEGIN SOLUTION
# $$2\sigma(2x) - 1 = \frac{2}{1 + e^{-2x}} - 1 = \frac{1 - e^{-2x}}{1 + e^{-2x}}
#   = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = \tanh(x),$$
# multiplying numerator and denominator by $e^{x}$ in the third step.
# ### END SOLUTION
