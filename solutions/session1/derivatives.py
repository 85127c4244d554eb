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
# ### BEGIN SOLUTION
# Written out in coordinates, $f(\mathbf{w}) = \mathbf{w}^T\mathbf{w} = \sum_{k=1}^{n} w_k^2$.
# The partial derivative with respect to one entry $w_j$ treats every other
# entry as a constant, and $\partial w_k / \partial w_j = \delta_{kj}$:
#
# $$\frac{\partial f}{\partial w_j} = \sum_{k=1}^{n} 2 w_k \frac{\partial w_k}{\partial w_j}
#   = \sum_{k=1}^{n} 2 w_k \delta_{kj} = 2 w_j .$$
#
# Stacking the $n$ partial derivatives into a vector:
# $$\nabla f(\mathbf{w}) = 2\mathbf{w}.$$
# ### END SOLUTION

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
    ### BEGIN SOLUTION
    w = np.asarray(w, dtype=np.result_type(w, np.float32))
    return 2.0 * w
    ### END SOLUTION


# %% [markdown]
# **Exercise 2 (3 pts).** Calculate the Hessian of $f(\mathbf{w}) = \|\mathbf{w}\|^2$.

# %% [markdown] answer=hess_sq_norm_derivation
# ### BEGIN SOLUTION
# The Hessian collects the second partial derivatives,
# $H_{ij} = \dfrac{\partial^2 f}{\partial w_i \,\partial w_j}$.  Differentiating
# the gradient entry $\partial f / \partial w_j = 2 w_j$ from exercise 1 with
# respect to $w_i$:
#
# $$H_{ij} = \frac{\partial}{\partial w_i}\bigl(2 w_j\bigr) = 2\delta_{ij}
#   = \begin{cases} 2, & i = j \\ 0, & i \ne j \end{cases}$$
#
# so $$\mathbf{H} = \nabla^2 f(\mathbf{w}) = 2\mathbf{I}_n,$$ the same at every
# $\mathbf{w}$ (symmetric and positive definite: $f$ is strictly convex).
# ### END SOLUTION

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
    ### BEGIN SOLUTION
    w = np.asarray(w, dtype=np.result_type(w, np.float32))
    return 2.0 * np.eye(w.shape[0], dtype=w.dtype)
    ### END SOLUTION


# %% [markdown]
# **Exercise 3 (3 pts).** Derive Newton's method for optimizing
# $f(\mathbf{w}) = \|\mathbf{w}\|^2$.  It works incredibly well; why?
#
# Implement one Newton step: `newton_step_sq_norm(w)` returns the **next
# iterate** $\mathbf{w}_{\text{new}}$ (not the step $\mathbf{w}_{\text{new}} - \mathbf{w}$),
# using your `grad_sq_norm` and `hess_sq_norm`.

# %% [markdown] answer=newton_sq_norm
# ### BEGIN SOLUTION
# **Derivation.**  Newton's method minimises, at the current point
# $\mathbf{w}$, the second-order Taylor model of $f$ in the step $\boldsymbol\Delta$:
# $$f(\mathbf{w} + \boldsymbol\Delta) \approx m(\boldsymbol\Delta) = f(\mathbf{w})
#   + \nabla f(\mathbf{w})^T \boldsymbol\Delta + \tfrac12 \boldsymbol\Delta^T \mathbf{H}\boldsymbol\Delta .$$
# Setting $\nabla_{\boldsymbol\Delta} m = \nabla f(\mathbf{w}) + \mathbf{H}\boldsymbol\Delta = \mathbf{0}$
# gives $\boldsymbol\Delta = -\mathbf{H}^{-1}\nabla f(\mathbf{w})$ and the update
# $$\mathbf{w}_{\text{new}} = \mathbf{w} - \mathbf{H}^{-1}\nabla f(\mathbf{w}).$$
# For $f = \|\mathbf{w}\|^2$, with $\nabla f = 2\mathbf{w}$ and $\mathbf{H} = 2\mathbf{I}$
# (exercises 1–2):
# $$\mathbf{w}_{\text{new}} = \mathbf{w} - (2\mathbf{I})^{-1}\, 2\mathbf{w}
#   = \mathbf{w} - \tfrac12 \cdot 2\mathbf{w} = \mathbf{0}.$$
#
# **Why it works so well.**  $f$ is itself a quadratic function, so its
# second-order Taylor expansion has no remainder (all third and higher
# derivatives vanish): the model $m$ *is* $f$.  Minimising the model therefore
# minimises $f$ exactly, and since $\mathbf{H} = 2\mathbf{I}$ is positive
# definite, the stationary point $\mathbf{0}$ is the unique global minimum.
# Newton's method lands on it in **one step from any starting point**, with
# no step size to tune (gradient descent $\mathbf{w} - \mu\, 2\mathbf{w}$ gets
# there in one step only for the lucky choice $\mu = 1/2$, which is exactly what
# $\mathbf{H}^{-1}$ supplies).
# ### END SOLUTION

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
    ### BEGIN SOLUTION
    w = np.asarray(w, dtype=np.result_type(w, np.float32))
    # Solve H d = grad rather than forming H^{-1}: the usual, stabler way.
    return w - np.linalg.solve(hess_sq_norm(w), grad_sq_norm(w))
    ### END SOLUTION


# %% [markdown]
# ## Exercises 4–6: $f(\mathbf{w}) = \mathbf{w}^T\mathbf{z}$ for a constant vector $\mathbf{z}$
#
# **Exercise 4 (2 pts).** Calculate the gradient of $f(\mathbf{w}) = \mathbf{w}^T\mathbf{z}$.

# %% [markdown] answer=grad_dot_derivation
# ### BEGIN SOLUTION
# In coordinates $f(\mathbf{w}) = \sum_{k=1}^{n} w_k z_k$, where the $z_k$ are
# constants.  With $\partial w_k / \partial w_j = \delta_{kj}$:
# $$\frac{\partial f}{\partial w_j} = \sum_{k=1}^{n} z_k \delta_{kj} = z_j,
#   \qquad\text{so}\qquad \nabla f(\mathbf{w}) = \mathbf{z},$$
# independent of $\mathbf{w}$.
# ### END SOLUTION

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
    ### BEGIN SOLUTION
    return np.array(z, dtype=np.result_type(w, z, np.float32), copy=True)
    ### END SOLUTION


# %% [markdown]
# **Exercise 5 (2 pts).** Calculate the Hessian of $f(\mathbf{w}) = \mathbf{w}^T\mathbf{z}$.

# %% [markdown] answer=hess_dot_derivation
# ### BEGIN SOLUTION
# Differentiating the gradient entry $\partial f / \partial w_j = z_j$ (exercise 4)
# with respect to $w_i$: $z_j$ does not depend on $\mathbf{w}$, so
# $$H_{ij} = \frac{\partial^2 f}{\partial w_i\,\partial w_j} = \frac{\partial z_j}{\partial w_i} = 0
#   \quad\text{for all } i, j, \qquad \mathbf{H} = \mathbf{0}_{n\times n}.$$
# (The Hessian of any linear function is the zero matrix.)
# ### END SOLUTION

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
    ### BEGIN SOLUTION
    w = np.asarray(w)
    return np.zeros((w.shape[0], w.shape[0]), dtype=np.result_type(w, z, np.float32))
    ### END SOLUTION


# %% [markdown]
# **Exercise 6 (2 pts).** Try to derive Newton's method for optimizing
# $f(\mathbf{w}) = \mathbf{w}^T\mathbf{z}$.  It clearly does not work; why?

# %% [markdown] answer=newton_dot_fails
# ### BEGIN SOLUTION
# The Newton update would be $\mathbf{w}_{\text{new}} = \mathbf{w} - \mathbf{H}^{-1}\nabla f(\mathbf{w})
# = \mathbf{w} - \mathbf{0}^{-1}\mathbf{z}$, equivalently the Newton equation
# $\mathbf{H}\boldsymbol\Delta = -\nabla f$ reads $\mathbf{0}\,\boldsymbol\Delta = -\mathbf{z}$.
#
# * The Hessian is the zero matrix (exercise 5), which is **not invertible**:
#   the Newton equation has no solution for $\mathbf{z} \ne \mathbf{0}$ (and
#   infinitely many for $\mathbf{z} = \mathbf{0}$).
# * The reason behind it: the second-order Taylor model of a linear function
#   is the linear function itself, which has **no stationary point** —
#   $\nabla f = \mathbf{z} \ne \mathbf{0}$ everywhere.  $f$ is **unbounded**:
#   $f(\mathbf{w} - t\mathbf{z}) = \mathbf{w}^T\mathbf{z} - t\|\mathbf{z}\|^2 \to -\infty$
#   as $t \to \infty$ (and $+\infty$ in the direction $+\mathbf{z}$), so there is
#   no minimum or maximum for Newton's method to jump to.  (For
#   $\mathbf{z} = \mathbf{0}$, $f \equiv 0$ and every point is optimal.)
# ### END SOLUTION

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
# ### BEGIN SOLUTION
# Writing out the inner products, with the summation index $k$ for rows and
# $l$ for columns (so they do not clash with the fixed $i, j$):
# $$f_M(\mathbf{W}) = \sum_{k=1}^{m} g\Bigl(\sum_{l=1}^{n} w_{kl} z_l\Bigr).$$
# Differentiate with respect to one entry $w_{ij}$, all other entries constant.
# By the chain rule, and with $\partial w_{kl}/\partial w_{ij} = \delta_{ki}\delta_{lj}$:
# $$\frac{\partial f_M}{\partial w_{ij}}
#   = \sum_{k=1}^{m} g'\Bigl(\sum_{l} w_{kl} z_l\Bigr)\sum_{l=1}^{n}\frac{\partial w_{kl}}{\partial w_{ij}} z_l
#   = \sum_{k=1}^{m} g'\bigl(\mathbf{w}_k^T\mathbf{z}\bigr)\sum_{l=1}^{n}\delta_{ki}\delta_{lj} z_l
#   = g'\bigl(\mathbf{w}_i^T\mathbf{z}\bigr)\, z_j .$$
# Only the $k = i$ term of the outer sum contains $w_{ij}$, and inside it only
# the $l = j$ term of the inner product.
# ### END SOLUTION

# %% [markdown]
# **Exercise 8 (3 pts).** Based on the preceding, express the gradient of $f_M$
# compactly using matrix/vector notation.
#
# Implement it: `grad_f_M(W, z, g_prime)` receives the derivative $g'$ as a
# vectorised function (`g_prime(a)` applies $g'$ to every entry of the array
# `a`) and returns the gradient, **an array of the same shape as `W`**.

# %% [markdown] answer=grad_f_M_matrix_form
# ### BEGIN SOLUTION
# Entry $(i, j)$ of the gradient is $g'(\mathbf{w}_i^T\mathbf{z})\, z_j$ (exercise 7):
# row $i$ is the vector $\mathbf{z}^T$ scaled by $g'(\mathbf{w}_i^T\mathbf{z})$.
# With $g'$ applied entrywise to the $m$-vector $\mathbf{W}\mathbf{z}$
# (whose $i$-th entry is $\mathbf{w}_i^T\mathbf{z}$), this is an outer product:
# $$\nabla_{\mathbf{W}} f_M = \frac{\partial f_M}{\partial \mathbf{W}} = g'(\mathbf{W}\mathbf{z})\,\mathbf{z}^T
#   \in \mathbb{R}^{m\times n},$$
# an $m\times 1$ column times a $1\times n$ row: the same shape as $\mathbf{W}$, as a
# gradient must be.  (Not $\mathbf{z}\, g'(\mathbf{W}\mathbf{z})^T$, which is the
# transpose.)
# ### END SOLUTION

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
    ### BEGIN SOLUTION
    W = np.asarray(W, dtype=np.result_type(W, z, np.float32))
    z = np.asarray(z, dtype=W.dtype)
    return np.outer(g_prime(W @ z), z)
    ### END SOLUTION


# %% [markdown]
# **Exercise 9 (3 pts).** Calculate the stochastic gradient of the function
# $$f_{M'}(\mathbf{W}) = \mathbb{E}\Bigl\{\sum_i g(\mathbf{w}_i^T\mathbf{z})\Bigr\}$$
# for a random vector $\mathbf{z}$.
#
# Implement `stochastic_grad_f_M(W, z, g_prime)`: the stochastic gradient for
# **one sample** `z` of the random vector.

# %% [markdown] answer=stochastic_grad_f_M_derivation
# ### BEGIN SOLUTION
# The expectation is linear, so (for a differentiable $g$ whose derivative is
# integrable, allowing differentiation under the expectation) the gradient of
# the expectation is the expectation of the gradient; entrywise, by exercise 7,
# $$\frac{\partial f_{M'}}{\partial w_{ij}} = \mathbb{E}\bigl\{g'(\mathbf{w}_i^T\mathbf{z})\, z_j\bigr\},
#   \qquad \nabla_{\mathbf{W}} f_{M'} = \mathbb{E}\bigl\{g'(\mathbf{W}\mathbf{z})\,\mathbf{z}^T\bigr\}.$$
# The **stochastic gradient** drops the expectation and evaluates the expression
# inside it at a single observed sample $\mathbf{z}(t)$:
# $$\widehat{\nabla}_{\mathbf{W}} f_{M'} = g'\bigl(\mathbf{W}\mathbf{z}(t)\bigr)\,\mathbf{z}(t)^T,$$
# an unbiased estimate of the true gradient (its expectation over $\mathbf{z}$ is
# $\nabla f_{M'}$).  Stochastic gradient descent then updates
# $\mathbf{W} \leftarrow \mathbf{W} - \mu\, g'(\mathbf{W}\mathbf{z}(t))\,\mathbf{z}(t)^T$
# (with $+$ for maximisation), one sample $t$ at a time.  Averaging the
# stochastic gradients over a sample $\mathbf{z}(1), \dots, \mathbf{z}(T)$
# gives exactly the gradient of the sample mean
# $\frac1T\sum_t\sum_i g(\mathbf{w}_i^T\mathbf{z}(t))$.
# ### END SOLUTION

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
    ### BEGIN SOLUTION
    return grad_f_M(W, z, g_prime)
    ### END SOLUTION
