# Exercise set session1/gradient_ascent: fill in every `raise NotImplementedError()`.
# Check your work: nndl-grade gradient_ascent.py --set gradient_ascent
# (generated from the course solutions by `nndl build`; do not edit the cell headers)

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
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## (b) The gradient
#
# Calculate $\nabla f(\mathbf{w})$ by hand (write the derivation in the
# answer cell below), then implement it.


# %% [markdown] answer=gradient_derivation
# YOUR ANSWER HERE


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# Try wildly different step sizes (`1e-3`, `1e-2`, `0.1`, `0.4`, `1`, `10`)
# from each of the three starts and look at the number of steps and at the
# trajectories.  Choose, for each start, a step size that converges fast and
# stably (no oscillation that makes $f$ decrease), and record your choice
# in the dict `STEP_SIZES`: keys are the starts as tuples of floats, values
# the step sizes.


# %% solution
# STEP_SIZES = {(0.2, 0.5): ..., (0.5, 0.2): ..., (1.0, 1.0): ...}
# YOUR CODE HERE
raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## (f) Local and global maxima
#
# Run the three ascents with your step sizes, look at the figures, and
# discuss: where does each run end, with which value of $f$, and what does
# this tell you about local versus global maxima?


# %% [markdown] answer=local_vs_global
# YOUR ANSWER HERE
