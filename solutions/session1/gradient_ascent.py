# %% [markdown]
# # Gradient ascent on a two-bump function
#
# Session 1, §2 *Optimization*, computer assignment 1 (22 pts).
#
# We maximise
#
# $$f(\mathbf{w}) = \exp\left(-w_1^2 - 2(w_2 - 1)^2\right) + \exp\left(-(w_1 - 1)^2 - 2w_2^2\right)$$
#
# with the gradient method.  Compute the gradient by hand and implement
# everything with numpy.  Never modify the inputs of your functions.
#
# A hint on style: write `f` and `grad_f` with `w[..., 0]` and `w[..., 1]`
# so that they also evaluate a whole stack of points (an array of shape
# `(..., 2)`) in one vectorised call.  Then the contour grid of part (a) is
# simply `f(np.stack((W1, W2), axis=-1))`, some hundreds of times faster than
# the sheet's `np.vectorize(f, signature="(n)->()")`, which calls `f` once
# per grid point in a Python loop.

# %%
import matplotlib.pyplot as plt
import numpy as np

#: The three initial points of the sheet, part (c).
STARTS = ((0.2, 0.5), (0.5, 0.2), (1.0, 1.0))

# %% [markdown]
# ## (a) The function
#
# `f(w)` takes an array `w` of shape `(2,)` and returns a float.  (Stacks of
# points, shape `(..., 2)`, give an array of shape `(...)`.)

# %% solution
def f(w):
    """The two-bump function ``exp(-w1^2 - 2(w2-1)^2) + exp(-(w1-1)^2 - 2 w2^2)``.

    Parameters
    ----------
    w : array_like, shape (2,) or (..., 2)
        One point ``(w1, w2)``, or a stack of points along the last axis.

    Returns
    -------
    float for a single point; ndarray of shape (...) for a stack of points
    """
    ### BEGIN SOLUTION
    w = np.asarray(w, dtype=np.float64)
    w1, w2 = w[..., 0], w[..., 1]
    value = np.exp(-w1**2 - 2.0 * (w2 - 1.0) ** 2) + np.exp(-((w1 - 1.0) ** 2) - 2.0 * w2**2)
    return float(value) if value.ndim == 0 else value
    ### END SOLUTION


# %% [markdown]
# ## (b) The gradient
#
# Calculate $\nabla f(\mathbf{w})$ by hand (write the derivation in the
# answer cell below), then implement it.

# %% [markdown] answer=gradient_derivation
# ### BEGIN SOLUTION
# Write $f = E_1 + E_2$ with
# $E_1(\mathbf{w}) = \exp(u_1)$, $u_1 = -w_1^2 - 2(w_2 - 1)^2$, and
# $E_2(\mathbf{w}) = \exp(u_2)$, $u_2 = -(w_1 - 1)^2 - 2w_2^2$.
# By the chain rule $\partial_{w_i} e^{u} = e^{u}\,\partial_{w_i} u$, and
#
# $$\frac{\partial u_1}{\partial w_1} = -2w_1, \quad
#   \frac{\partial u_1}{\partial w_2} = -4(w_2 - 1), \quad
#   \frac{\partial u_2}{\partial w_1} = -2(w_1 - 1), \quad
#   \frac{\partial u_2}{\partial w_2} = -4w_2 .$$
#
# Hence
#
# $$\nabla f(\mathbf{w}) = \begin{pmatrix}
#   -2w_1\, e^{-w_1^2 - 2(w_2-1)^2} - 2(w_1 - 1)\, e^{-(w_1-1)^2 - 2w_2^2} \\
#   -4(w_2 - 1)\, e^{-w_1^2 - 2(w_2-1)^2} - 4w_2\, e^{-(w_1-1)^2 - 2w_2^2}
# \end{pmatrix}.$$
#
# In matrix form, with $\mathbf{A} = \operatorname{diag}(1, 2)$,
# $\mathbf{a} = (0, 1)^T$, $\mathbf{b} = (1, 0)^T$:
# $f(\mathbf{w}) = e^{-(\mathbf{w}-\mathbf{a})^T\mathbf{A}(\mathbf{w}-\mathbf{a})}
#   + e^{-(\mathbf{w}-\mathbf{b})^T\mathbf{A}(\mathbf{w}-\mathbf{b})}$ and
# $\nabla f(\mathbf{w}) = -2\mathbf{A}(\mathbf{w}-\mathbf{a})E_1(\mathbf{w})
#   - 2\mathbf{A}(\mathbf{w}-\mathbf{b})E_2(\mathbf{w})$,
# using $\nabla_{\mathbf{w}}\, \mathbf{x}^T\mathbf{A}\mathbf{x} = 2\mathbf{A}\mathbf{x}$
# for symmetric $\mathbf{A}$.
# ### END SOLUTION

# %% solution
def grad_f(w):
    """Gradient of :func:`f`, computed from the hand-derived formula.

    Parameters
    ----------
    w : array_like, shape (2,) or (..., 2)

    Returns
    -------
    ndarray, shape (2,) (or (..., 2) for a stack of points), float:
    ``(df/dw1, df/dw2)`` in the same order as ``w``
    """
    ### BEGIN SOLUTION
    w = np.asarray(w, dtype=np.float64)
    w1, w2 = w[..., 0], w[..., 1]
    e1 = np.exp(-w1**2 - 2.0 * (w2 - 1.0) ** 2)
    e2 = np.exp(-((w1 - 1.0) ** 2) - 2.0 * w2**2)
    return np.stack((-2.0 * w1 * e1 - 2.0 * (w1 - 1.0) * e2,
                     -4.0 * (w2 - 1.0) * e1 - 4.0 * w2 * e2), axis=-1)
    ### END SOLUTION


# %% [markdown]
# ## (c) Gradient ascent
#
# Starting from $\mathbf{w}_0$, iterate
# $\mathbf{w}_{t+1} = \mathbf{w}_t + \eta\, \nabla f(\mathbf{w}_t)$ and stop
# at the *first* iterate whose gradient norm is below the threshold:
#
#     w_0 = w0
#     while ||grad f(w_t)|| >= tol and t < max_iter:
#         w_{t+1} = w_t + step_size * grad f(w_t)
#
# Return the whole trajectory $\mathbf{w}_0, \dots, \mathbf{w}_T$ as an array
# of shape `(T + 1, 2)`.  If $\|\nabla f(\mathbf{w}_0)\| <$ `tol` the
# trajectory is just `[w0]`; if the threshold is never reached,
# `T = max_iter`.

# %% solution
def gradient_ascent(w0, step_size, tol=1e-4, max_iter=100_000):
    """Maximise :func:`f` by gradient ascent with a fixed step size.

    Parameters
    ----------
    w0 : array_like, shape (2,)
        Initial point; it is not modified.
    step_size : float
        The step size eta > 0 of ``w <- w + eta * grad_f(w)``.
    tol : float
        Stop at the first iterate ``w_t`` with ``||grad_f(w_t)|| < tol`` (Euclidean norm).
    max_iter : int
        At most this many steps.

    Returns
    -------
    ndarray, shape (T + 1, 2), float
        The trajectory ``w_0 = w0, w_1, ..., w_T``: ``T`` is the number of steps taken,
        the first ``t`` with ``||grad_f(w_t)|| < tol``, or ``max_iter``.
    """
    ### BEGIN SOLUTION
    w = np.array(w0, dtype=np.float64)  # a copy: the caller's w0 is never modified
    trajectory = [w]
    g = grad_f(w)
    t = 0
    while np.linalg.norm(g) >= tol and t < max_iter:
        w = w + step_size * g
        trajectory.append(w)
        g = grad_f(w)
        t += 1
    return np.array(trajectory)
    ### END SOLUTION


# %% [markdown]
# Try wildly different step sizes (`1e-3`, `1e-2`, `0.1`, `0.4`, `1`, `10`)
# from each of the three starts and look at the number of steps and at the
# trajectories.  Choose, for each start, a step size that converges fast and
# stably (no oscillation that makes $f$ decrease), and record your choice
# in the dict `STEP_SIZES`: keys are the starts as tuples of floats, values
# the step sizes.

# %% solution
# STEP_SIZES = {(0.2, 0.5): ..., (0.5, 0.2): ..., (1.0, 1.0): ...}
### BEGIN SOLUTION
# Near the maxima the Hessian of f has eigenvalues about -1.63 and -3.33.  A step
# of size eta contracts the error along an eigenvector by |1 + eta * lambda|, so
# eta < 2 / 3.33 = 0.6 is stable and eta = 2 / (1.63 + 3.33) = 0.4 balances the
# two directions (both factors about 0.34): 10-14 steps to tol = 1e-4 from every
# start, with f increasing at every step.  Steps of 0.6 and more oscillate or
# diverge; 0.01 takes about 600 steps.
STEP_SIZES = {(0.2, 0.5): 0.4, (0.5, 0.2): 0.4, (1.0, 1.0): 0.4}
### END SOLUTION


# %% [markdown]
# ## (d) Trajectories on the contour plot
#
# Draw the isocontours of $f$ with `ax.contour` on the sheet's grid
# (`np.linspace(-2.0, 3.0, 200)` for both axes, combined with
# `np.meshgrid`), evaluating $f$ on the whole grid in one vectorised call,
# label the axes `w1` and `w2`, and overlay the trajectory: one
# `ax.arrow(x, y, dx, dy, length_includes_head=True, width=0.03)` per step,
# from $\mathbf{w}_i$ to $\mathbf{w}_{i+1}$.  Return the figure (do not call
# `plt.show()`).  Report the three figures of the three starts.

# %% solution
def plot_trajectory(trajectory):
    """Isocontours of :func:`f` on [-2, 3]^2 with the steps of ``trajectory`` drawn as arrows.

    Parameters
    ----------
    trajectory : array_like, shape (T + 1, 2)
        The points ``w_0, ..., w_T`` (as returned by :func:`gradient_ascent`).

    Returns
    -------
    matplotlib.figure.Figure
        One axes: ``ax.contour`` of f on the 200 x 200 grid of [-2, 3]^2, x label ``w1``,
        y label ``w2``, and ``T`` arrows, the i-th from ``w_i`` to ``w_{i+1}``.
    """
    ### BEGIN SOLUTION
    trajectory = np.asarray(trajectory, dtype=np.float64)
    grid = np.linspace(-2.0, 3.0, 200)
    W1, W2 = np.meshgrid(grid, grid)
    values = f(np.stack((W1, W2), axis=-1))  # vectorised: f accepts stacks of points
    fig, ax = plt.subplots(dpi=150)
    ax.contour(W1, W2, values)
    steps = np.diff(trajectory, axis=0)
    for (x, y), (dx, dy) in zip(trajectory[:-1], steps):
        ax.arrow(x, y, dx, dy, width=0.03, length_includes_head=True)
    ax.set_xlabel("w1")
    ax.set_ylabel("w2")
    return fig
    ### END SOLUTION


# %% [markdown]
# ## (e) The objective along the trajectories
#
# Given the three trajectories (in the order of the starts), plot $f$
# against the iteration count $0, 1, \dots, T$ for each, side by side on a
# $1 \times 3$ grid of axes, labelled "Number of iterations" and "Function
# value".  Return the figure.

# %% solution
def plot_objective(trajectories):
    """f along each of three trajectories against the iteration index, on 1 x 3 axes.

    Parameters
    ----------
    trajectories : list of 3 array_like, each of shape (T_i + 1, 2)

    Returns
    -------
    matplotlib.figure.Figure
        Axes ``i`` shows ``f(w_t)`` of ``trajectories[i]`` against ``t = 0, ..., T_i``,
        x label "Number of iterations", y label "Function value".
    """
    ### BEGIN SOLUTION
    if len(trajectories) != 3:
        raise ValueError(f"expected three trajectories, got {len(trajectories)}")
    fig, axs = plt.subplots(1, 3, figsize=(15, 4), layout="constrained")
    for ax, trajectory in zip(axs, trajectories):
        trajectory = np.asarray(trajectory, dtype=np.float64).reshape(-1, 2)
        ax.plot(np.arange(len(trajectory)), f(trajectory))
        ax.set_title(f"start ({trajectory[0, 0]:g}, {trajectory[0, 1]:g})")
        ax.set_xlabel("Number of iterations")
        ax.set_ylabel("Function value")
    return fig
    ### END SOLUTION


# %% [markdown]
# ## (f) Local and global maxima
#
# Run the three ascents with your step sizes, look at the figures, and
# discuss: where does each run end, with which value of $f$, and what does
# this tell you about local versus global maxima?

# %% [markdown] answer=local_vs_global
# ### BEGIN SOLUTION
# With $\eta = 0.4$ and `tol` $= 10^{-4}$:
#
# | start | steps | end point | $f$ at the end |
# |---|---|---|---|
# | $(0.2, 0.5)$ | 11 | $(0.0707, 0.9293)$ | $1.06008$ |
# | $(0.5, 0.2)$ | 10 | $(0.9292, 0.0707)$ | $1.06008$ |
# | $(1.0, 1.0)$ | 14 | $(0.0707, 0.9293)$ | $1.06008$ |
#
# $f$ has two local maxima, $\mathbf{w}^* \approx (0.0707, 0.9293)$ and
# $(0.9293, 0.0707)$ (the runs stop within $10^{-4}$ of them), slightly
# shifted from the bump centres $(0, 1)$ and $(1, 0)$ towards each other
# (each bump lifts the other one's flank).
# Between them lies a saddle point at $(0.5, 0.5)$ with
# $f = 2e^{-3/4} \approx 0.945$ (Hessian eigenvalues of opposite signs).
# Because $f(\mathbf{w}) = f((1, 1) - \mathbf{w})$ (the point reflection
# through $(0.5, 0.5)$ swaps the two bumps), both maxima have exactly the
# same value $1.06008$: here each local maximum happens to be a global one.
#
# Gradient ascent only uses local (first-order) information: it climbs to
# the local maximum whose *basin of attraction* contains the start, and
# stops wherever the gradient vanishes.  $(0.2, 0.5)$ and $(1, 1)$ lie in the
# basin of the maximum near $(0, 1)$, $(0.5, 0.2)$ in the one near $(1, 0)$.
# $(1, 1)$ is at distance 1 from both bump centres but ends near $(0, 1)$:
# $f$ decays twice as fast in $w_2$, so there $e^{-1}$ (bump 1) beats
# $e^{-2}$ (bump 2).  Had the two bumps had different heights, one of the
# runs would have ended at a merely local, non-global maximum with nothing
# in the algorithm to notice it.  The objective plots show $f$ increasing
# monotonically to a plateau, which certifies a stationary point, not a
# global maximum.  Which maximum is found depends on the initial point (and,
# for too large steps, on the step size, which can jump between basins or
# diverge).  Unless $f$ is concave (it is not here), gradient ascent only
# guarantees a local maximum; restarts from several initial points, keeping
# the best, are the usual remedy.
# ### END SOLUTION
