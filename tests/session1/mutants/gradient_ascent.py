"""Realistic wrong and valid implementations of ``gradient_ascent``.

Overrides are rebound to the reference's namespace (:func:`tests.mutation.namespace`): a
mutant ``grad_f`` is what the reference's ``gradient_ascent`` calls, a mutant ``f`` what its
plotting functions evaluate, as in a notebook where all cells share one ``globals()``.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from tests.mutation import Alternative, Mutant


# --- wrong: f and grad_f ------------------------------------------------------------------
def f_missing_factor_2(w):
    # Forgot the 2 in front of the w2 terms; vectorised like the reference, but the wrong function.
    w = np.asarray(w, dtype=float)
    value = np.exp(-w[..., 0] ** 2 - (w[..., 1] - 1) ** 2) + np.exp(-(w[..., 0] - 1) ** 2 - w[..., 1] ** 2)
    return float(value) if value.ndim == 0 else value


def _bumps(w):
    w = np.asarray(w, dtype=float)
    w1, w2 = w[..., 0], w[..., 1]
    return w1, w2, np.exp(-w1**2 - 2 * (w2 - 1) ** 2), np.exp(-(w1 - 1) ** 2 - 2 * w2**2)


def grad_f_missing_factor_2(w):
    w1, w2, e1, e2 = _bumps(w)
    return np.stack((-w1 * e1 - (w1 - 1) * e2, -4 * (w2 - 1) * e1 - 4 * w2 * e2), axis=-1)


def grad_f_missing_factor_4(w):
    w1, w2, e1, e2 = _bumps(w)
    return np.stack((-2 * w1 * e1 - 2 * (w1 - 1) * e2, -(w2 - 1) * e1 - w2 * e2), axis=-1)


def grad_f_swapped(w):
    w1, w2, e1, e2 = _bumps(w)
    return np.stack((-4 * (w2 - 1) * e1 - 4 * w2 * e2, -2 * w1 * e1 - 2 * (w1 - 1) * e2), axis=-1)


# --- wrong: gradient_ascent -----------------------------------------------------------------
def ascent_descends(w0, step_size, tol=1e-4, max_iter=100_000):
    w = np.array(w0, dtype=float)
    traj = [w]
    while np.linalg.norm(grad_f(w)) >= tol and len(traj) <= max_iter:  # noqa: F821
        w = w - step_size * grad_f(w)  # noqa: F821 - "descent" out of habit
        traj.append(w)
    return np.array(traj)


def ascent_checks_after_update(w0, step_size, tol=1e-4, max_iter=100_000):
    # do-while: always takes a first step, even from a point that already satisfies the rule.
    w = np.array(w0, dtype=float)
    traj = [w]
    for _ in range(max_iter):
        w = w + step_size * grad_f(w)  # noqa: F821
        traj.append(w)
        if np.linalg.norm(grad_f(w)) < tol:  # noqa: F821
            break
    return np.array(traj)


def ascent_one_step_too_many(w0, step_size, tol=1e-4, max_iter=100_000):
    # Tests the gradient it has just stepped with: stops one step after the first small gradient.
    w = np.array(w0, dtype=float)
    traj = [w]
    for _ in range(max_iter):
        g = grad_f(w)  # noqa: F821
        w = w + step_size * g
        traj.append(w)
        if np.linalg.norm(g) < tol:
            break
    return np.array(traj)


def ascent_one_step_too_few(w0, step_size, tol=1e-4, max_iter=100_000):
    # Looks ahead and stops *before* appending the first iterate with a small gradient.
    w = np.array(w0, dtype=float)
    traj = [w]
    if np.linalg.norm(grad_f(w)) < tol:  # noqa: F821
        return np.array(traj)
    for _ in range(max_iter):
        w_next = w + step_size * grad_f(w)  # noqa: F821
        if np.linalg.norm(grad_f(w_next)) < tol:  # noqa: F821
            break
        traj.append(w_next)
        w = w_next
    return np.array(traj)


def ascent_missing_w0(w0, step_size, tol=1e-4, max_iter=100_000):
    w = np.array(w0, dtype=float)
    traj = []
    t = 0
    while np.linalg.norm(grad_f(w)) >= tol and t < max_iter:  # noqa: F821
        w = w + step_size * grad_f(w)  # noqa: F821
        traj.append(w)
        t += 1
    return np.array(traj)


def ascent_in_place(w0, step_size, tol=1e-4, max_iter=100_000):
    w = np.asarray(w0, dtype=float)  # no copy for a float array: w is w0
    traj = [w.copy()]
    t = 0
    while np.linalg.norm(grad_f(w)) >= tol and t < max_iter:  # noqa: F821
        w += step_size * grad_f(w)  # noqa: F821
        traj.append(w.copy())
        t += 1
    return np.array(traj)


def ascent_returns_list(w0, step_size, tol=1e-4, max_iter=100_000):
    w = np.array(w0, dtype=float)
    traj = [w]
    t = 0
    while np.linalg.norm(grad_f(w)) >= tol and t < max_iter:  # noqa: F821
        w = w + step_size * grad_f(w)  # noqa: F821
        traj.append(w)
        t += 1
    return traj


# --- wrong: figures ---------------------------------------------------------------------------
def _grid(lo=-2.0, hi=3.0):
    grid = np.linspace(lo, hi, 200)
    W1, W2 = np.meshgrid(grid, grid)
    return W1, W2, np.exp(-W1**2 - 2 * (W2 - 1) ** 2) + np.exp(-(W1 - 1) ** 2 - 2 * W2**2)


def _arrows(ax, trajectory):
    for a, b in zip(trajectory[:-1], trajectory[1:]):
        ax.arrow(a[0], a[1], b[0] - a[0], b[1] - a[1], length_includes_head=True, width=0.03)


def plot_arrows_to_absolute_point(trajectory):
    trajectory = np.asarray(trajectory)
    W1, W2, F = _grid()
    fig, ax = plt.subplots()
    ax.contour(W1, W2, F)
    for a, b in zip(trajectory[:-1], trajectory[1:]):
        ax.arrow(a[0], a[1], b[0], b[1], length_includes_head=True, width=0.03)  # dx, dy = the end point
    ax.set_xlabel("w1")
    ax.set_ylabel("w2")
    return fig


def plot_contour_transposed(trajectory):
    W1, W2, F = _grid()
    fig, ax = plt.subplots()
    ax.contour(W1, W2, F.T)  # as if F had been built with indexing="ij"
    _arrows(ax, np.asarray(trajectory))
    ax.set_xlabel("w1")
    ax.set_ylabel("w2")
    return fig


def plot_contour_small_grid(trajectory):
    W1, W2, F = _grid(-1.0, 2.0)
    fig, ax = plt.subplots()
    ax.contour(W1, W2, F)
    _arrows(ax, np.asarray(trajectory))
    ax.set_xlabel("w1")
    ax.set_ylabel("w2")
    return fig


def plot_trajectory_wrong_labels(trajectory):
    W1, W2, F = _grid()
    fig, ax = plt.subplots()
    ax.contour(W1, W2, F)
    _arrows(ax, np.asarray(trajectory))
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return fig


def plot_trajectory_shows(trajectory):
    W1, W2, F = _grid()
    plt.figure(dpi=150)
    plt.contour(W1, W2, F)
    _arrows(plt.gca(), np.asarray(trajectory))
    plt.xlabel("w1")
    plt.ylabel("w2")
    plt.close()  # "plt.show()": the figure is shown, nothing is returned


def plot_objective_wrong_labels(trajectories):
    fig, axs = plt.subplots(1, 3, figsize=(15, 4))
    for ax, traj in zip(axs, trajectories):
        ax.plot(f(np.asarray(traj)))  # noqa: F821
        ax.set_xlabel("iteration")
        ax.set_ylabel("f(w)")
    return fig


def plot_objective_index_from_1(trajectories):
    fig, axs = plt.subplots(1, 3, figsize=(15, 4))
    for ax, traj in zip(axs, trajectories):
        ax.plot(np.arange(1, len(traj) + 1), f(np.asarray(traj)))  # noqa: F821
        ax.set_xlabel("Number of iterations")
        ax.set_ylabel("Function value")
    return fig


def plot_objective_column(trajectories):
    fig, axs = plt.subplots(3, 1, figsize=(5, 12))
    for ax, traj in zip(axs, trajectories):
        ax.plot(f(np.asarray(traj)))  # noqa: F821
        ax.set_xlabel("Number of iterations")
        ax.set_ylabel("Function value")
    return fig


# --- valid ------------------------------------------------------------------------------------
_A = np.diag([1.0, 2.0])
_CENTRES = np.array([[0.0, 1.0], [1.0, 0.0]])


def f_quadratic_forms(w):
    """Both bumps as exp(-(w - c)^T A (w - c)); a numpy scalar for one point."""
    d = np.asarray(w, dtype=float)[..., None, :] - _CENTRES  # (..., 2 centres, 2)
    return np.exp(-np.einsum("...ki,ij,...kj->...k", d, _A, d)).sum(axis=-1)


def grad_f_matrix_form(w):
    """-2 A (w - c) exp(-(w - c)^T A (w - c)), summed over the two centres."""
    d = np.asarray(w, dtype=float)[..., None, :] - _CENTRES
    e = np.exp(-np.einsum("...ki,ij,...kj->...k", d, _A, d))
    return -2.0 * np.einsum("ij,...kj,...k->...i", _A, d, e)


def f_scalar_math(w):
    """The seed's style: one point, scalar math."""
    w1, w2 = float(w[0]), float(w[1])
    return math.exp(-w1**2 - 2 * (w2 - 1) ** 2) + math.exp(-(w1 - 1) ** 2 - 2 * w2**2)


def grad_f_scalar_math(w):
    w1, w2 = float(w[0]), float(w[1])
    e1 = math.exp(-w1**2 - 2 * (w2 - 1) ** 2)
    e2 = math.exp(-(w1 - 1) ** 2 - 2 * w2**2)
    return np.array([-2 * w1 * e1 - 2 * (w1 - 1) * e2, -4 * (w2 - 1) * e1 - 4 * w2 * e2])


def plot_trajectory_sheet_style(trajectory):
    """The sheet's code: np.vectorize for the grid, pyplot's current figure, plt.arrow."""
    vec_f = np.vectorize(f, signature="(n)->()")  # noqa: F821
    w1 = np.linspace(-2.0, 3.0, 200)
    w2 = np.linspace(-2.0, 3.0, 200)
    W1, W2 = np.meshgrid(w1, w2)
    Fs = vec_f(np.stack((W1, W2), axis=2))
    plt.figure(dpi=150)
    plt.contour(W1, W2, Fs)
    plt.xlabel("w1")
    plt.ylabel("w2")
    for i in range(len(trajectory) - 1):
        x, y = trajectory[i]
        dx, dy = trajectory[i + 1][0] - x, trajectory[i + 1][1] - y
        plt.arrow(x, y, dx, dy, length_includes_head=True, width=0.03)
    return plt.gcf()


def plot_objective_sheet_style(trajectories):
    fs = {i: [f(w) for w in traj] for i, traj in enumerate(trajectories)}  # noqa: F821
    fig, axs = plt.subplots(1, 3, figsize=(15, 4))
    for i, values in fs.items():
        axs[i].plot(values)
        axs[i].set_xlabel("Number of iterations")
        axs[i].set_ylabel("Function value")
    return fig


def gradient_ascent_preallocated(w0, step_size, tol=1e-4, max_iter=100_000, **kwargs):
    """for/break over a growing buffer, squared norm compared with tol**2, extra keywords ignored."""
    buf = np.empty((min(max_iter, 64) + 1, 2))
    buf[0] = w0
    t = 0
    while t < max_iter:
        g = grad_f(buf[t])  # noqa: F821
        if g @ g < tol * tol:
            break
        if t + 1 == len(buf):
            buf = np.concatenate([buf, np.empty_like(buf)])
        buf[t + 1] = buf[t] + step_size * g
        t += 1
    return buf[: t + 1].copy()


def plot_trajectory_extras(trajectory):
    """ij-indexed grid, 20 levels, a colour bar and a title: all fine."""
    trajectory = np.asarray(trajectory, dtype=float)
    grid = np.linspace(-2.0, 3.0, 200)
    W1, W2 = np.meshgrid(grid, grid, indexing="ij")
    fig, ax = plt.subplots(figsize=(6, 5))
    cs = ax.contour(W1, W2, f(np.stack((W1, W2), axis=-1)), levels=20, cmap="viridis")  # noqa: F821
    fig.colorbar(cs, ax=ax)
    for i in range(len(trajectory) - 1):
        ax.arrow(*trajectory[i], *(trajectory[i + 1] - trajectory[i]), length_includes_head=True, width=0.03,
                 color="red")
    ax.set(xlabel="$w_1$", ylabel="$w_2$", title=f"{len(trajectory) - 1} steps")
    return fig


def plot_objective_extras(trajectories):
    fig, axs = plt.subplots(1, 3, figsize=(15, 4), sharey=True)
    for ax, traj in zip(axs, trajectories):
        values = [f(np.asarray(w)) for w in traj]  # noqa: F821
        ax.plot(np.arange(len(values)), values, "o-", label="f(w_t)")
        ax.axhline(max(values), color="grey", linestyle=":")
        ax.legend()
        ax.set_xlabel("Number of iterations")
        ax.set_ylabel("Function value")
    fig.suptitle("f along the three ascents")
    return fig


def ascent_with_momentum(w0, step_size, tol=1e-4, max_iter=100_000):
    # "Improved" with heavy-ball momentum: not the plain gradient method, and it overshoots.
    w = np.array(w0, dtype=float)
    v = np.zeros(2)
    traj = [w]
    t = 0
    while np.linalg.norm(grad_f(w)) >= tol and t < max_iter:  # noqa: F821
        v = 0.9 * v + step_size * grad_f(w)  # noqa: F821
        w = w + v
        traj.append(w)
        t += 1
    return np.array(traj)


def ascent_default_tol_1e3(w0, step_size, tol=1e-3, max_iter=100_000):
    w = np.array(w0, dtype=float)
    traj = [w]
    t = 0
    while np.linalg.norm(grad_f(w)) >= tol and t < max_iter:  # noqa: F821
        w = w + step_size * grad_f(w)  # noqa: F821
        traj.append(w)
        t += 1
    return np.array(traj)


_ASCENT_CHECKS = ("ascent_reaches_local_maximum", "starts_at_w0", "stopping_rule", "max_iter_respected",
                  "trajectory_matches_reference")


def _everywhere(pattern: str, checks=_ASCENT_CHECKS) -> dict[str, str]:
    return {cid: pattern for cid in checks}


MUTANTS = [
    # f and grad_f
    Mutant("f_missing_factor_2", {"f": f_missing_factor_2},
           {"f_formula": r"f\(array\(\[0\., 1\.\]\)\) returned 1\.135.*expected 1\.0497.*Hint: f\(w\) = exp",
            # its grad_f (the reference's) is the gradient of the true f, not of this f
            "grad_f_consistent_with_f": r"from central differences.*Hint: grad_f must be the gradient of your f"}),
    Mutant("grad_f_missing_factor_2_in_dw1", {"grad_f": grad_f_missing_factor_2},
           {"grad_f_matches_true_gradient": r"grad_f\(array\(\[0\., 1\.\]\)\) returned a gradient whose entry "
                                            r"\(0,\) is 0\.0497.*relative error 5\.00e-01.*Hint: differentiate",
            "grad_f_consistent_with_f": r"entry \(0,\).*gradient of your f",
            # the ascent follows half of df/dw1: it stops where the true gradient is still > tol
            "ascent_reaches_local_maximum": r"where \|\|grad f\|\| = 0\.000132; expected an end point where "
                                            r"the true gradient has norm < 0\.0001",
            "trajectory_matches_reference": r"21 steps; expected 11 steps"}),
    Mutant("grad_f_missing_factor_4_in_dw2", {"grad_f": grad_f_missing_factor_4},
           {"grad_f_matches_true_gradient": r"entry \(1,\).*relative error 7\.50e-01",
            "grad_f_consistent_with_f": r"entry \(1,\).*gradient of your f",
            "ascent_reaches_local_maximum": r"\|\|grad f\|\| = 0\.000333",
            "trajectory_matches_reference": r"31 steps; expected 11 steps"}),
    Mutant("grad_f_components_swapped", {"grad_f": grad_f_swapped},
           {"grad_f_matches_true_gradient": r"grad_f\(.*\) returned a gradient whose entry",
            "grad_f_consistent_with_f": "gradient of your f",
            # the swapped field flows into the saddle point (0.5, 0.5)
            "ascent_reaches_local_maximum": r"ending at array\(\[0\.499998, 0\.500022\]\), where the Hessian "
                                            r"of f has eigenvalues .*expected a local maximum",
            "trajectory_matches_reference": "must equal the reference|steps, as the reference"}),
    # gradient_ascent
    Mutant("ascent_descends", {"gradient_ascent": ascent_descends},
           {"ascent_reaches_local_maximum": r"negative definite Hessian.*Hint: .*gradient \*ascent\*",
            "stopping_rule": r"trajectory\[1\] must be trajectory\[0\] \+ step_size \* grad_f\(trajectory\[0\]\)",
            "trajectory_matches_reference": r"3566 steps; expected 11 steps"}),
    Mutant("ascent_with_momentum", {"gradient_ascent": ascent_with_momentum},
           {"ascent_reaches_local_maximum": r"f decreases from step 4 to 5 \(1\.039\d* to 0\.955\d*\); expected f "
                                            r"non-decreasing along the ascent\. Hint: .*overshoot",
            "stopping_rule": r"trajectory\[2\] must be trajectory\[1\] \+ step_size \* grad_f",
            "trajectory_matches_reference": r"151 steps; expected 11 steps"}),
    Mutant("ascent_tests_norm_after_update", {"gradient_ascent": ascent_checks_after_update},
           {"stopping_rule": r"tol=10\.0\) returned a trajectory of 1 steps that goes on after iterate 0.*"
                             r"expected it to stop there.*\(T = 0\).*one step too many"}),
    Mutant("ascent_one_step_too_many", {"gradient_ascent": ascent_one_step_too_many},
           {"stopping_rule": r"returned a trajectory of 27 steps that goes on after iterate 26, where "
                             r"\|\|grad f\|\| = 7\.06e-05 < tol = 0\.0001.*one step too many",
            "trajectory_matches_reference": r"12 steps; expected 11 steps"}),
    Mutant("ascent_one_step_too_few", {"gradient_ascent": ascent_one_step_too_few},
           {"stopping_rule": r"25 steps whose last iterate has \|\|grad f\|\| = 0\.000105 >= tol = 0\.0001.*"
                             r"one step too few\? The default is tol=1e-4",
            "ascent_reaches_local_maximum": r"10 steps ending at .*\|\|grad f\|\| = 0\.000138",
            "trajectory_matches_reference": r"10 steps; expected 11 steps"}),
    Mutant("ascent_default_tol_1e-3", {"gradient_ascent": ascent_default_tol_1e3},
           {"stopping_rule": r"gradient_ascent\(array\(\[0\.2, 0\.5\]\), 0\.2\) returned .* >= tol = 0\.0001.*"
                             r"The default is tol=1e-4",
            "trajectory_matches_reference": r"steps; expected 11 steps"}),
    Mutant("ascent_trajectory_missing_w0", {"gradient_ascent": ascent_missing_w0},
           {"starts_at_w0": r"returned a trajectory starting at .*expected trajectory\[0\] = w0 = .* exactly",
            "stopping_rule": r"expected trajectory\[0\] = w0",
            "max_iter_respected": r"max_iter=5\) returned an array of shape \(5, 2\); expected shape \(6, 2\)",
            "trajectory_matches_reference": r"10 steps; expected 11 steps"}),
    Mutant("ascent_modifies_w0_in_place", {"gradient_ascent": ascent_in_place},
           _everywhere(r"gradient_ascent\(.*\) modified its argument 1 in place")),
    Mutant("ascent_returns_list", {"gradient_ascent": ascent_returns_list},
           _everywhere(r"returned a list; expected a float ndarray of shape \(T \+ 1, 2\)\. Hint: return a numpy")),
    Mutant("gradient_ascent_missing", {}, _everywhere("gradient_ascent is not defined in the mutant"),
           delete=("gradient_ascent",)),
    # STEP_SIZES
    Mutant("step_sizes_too_large", {"STEP_SIZES": {(0.2, 0.5): 1.0, (0.5, 0.2): 1.0, (1.0, 1.0): 1.0}},
           {"ascent_reaches_local_maximum": r"has not converged after 5000 steps.*Hint: the step size "
                                            r"STEP_SIZES\[\(0\.2, 0\.5\)\] = 1 is too small, or so large"}),
    Mutant("step_sizes_too_small", {"STEP_SIZES": {(0.2, 0.5): 1e-4, (0.5, 0.2): 1e-4, (1.0, 1.0): 1e-4}},
           {"ascent_reaches_local_maximum": r"has not converged after 5000 steps.*= 0\.0001 is too small"}),
    Mutant("step_sizes_string_keys", {"STEP_SIZES": {"(0.2, 0.5)": 0.4, "(0.5, 0.2)": 0.4, "(1.0, 1.0)": 0.4}},
           {"ascent_reaches_local_maximum": r"STEP_SIZES returned a dict with keys \['\(0\.2, 0\.5\)'.*"
                                            r"Hint: no entry for the start \(0\.2, 0\.5\): use tuples of floats"}),
    # plot_trajectory
    Mutant("arrows_to_absolute_end_point", {"plot_trajectory": plot_arrows_to_absolute_point},
           {"trajectory_plot_arrows": r"(?s)arrow 0 \(x, y, dx, dy\) must go from w_0 to w_1: plot_trajectory\(.*"
                                      r"Hint: ax\.arrow\(x, y, dx, dy\) draws from"}),
    Mutant("contour_of_transposed_grid", {"plot_trajectory": plot_contour_transposed},
           {"trajectory_plot_contours": r"returned a contour line at level .* where f = .*expected contour lines on "
                                        r"which f equals their level \(to 0\.002\).*transposed"}),
    Mutant("contour_grid_too_small", {"plot_trajectory": plot_contour_small_grid},
           {"trajectory_plot_contours": r"a contour plot over w1 in \[-1, 2\], w2 in \[-1, 2\]; expected a "
                                        r"contour grid covering \[-2, 3\] x \[-2, 3\]"}),
    Mutant("trajectory_plot_wrong_labels", {"plot_trajectory": plot_trajectory_wrong_labels},
           {"trajectory_plot_labels": r"returned axes labelled x: 'x', y: 'y'; expected x label 'w1'"}),
    Mutant("trajectory_plot_returns_none", {"plot_trajectory": plot_trajectory_shows},
           _everywhere(r"(?s)plot_trajectory\(.*\) returned None; expected a matplotlib Figure\. Hint: .*return fig",
                       ("trajectory_plot_contours", "trajectory_plot_arrows", "trajectory_plot_labels"))),
    # plot_objective
    Mutant("objective_plot_wrong_labels", {"plot_objective": plot_objective_wrong_labels},
           {"objective_plot_layout": r"axes 0 labelled x: 'iteration', y: 'f\(w\)'; expected x label "
                                     r"'Number of iterations'"}),
    Mutant("objective_plot_index_from_1", {"plot_objective": plot_objective_index_from_1},
           {"objective_plot_lines": r"returned axes 0 with lines x = array\(\[1\., 2\., 3\.\]\).*expected a line "
                                    r"with x = array\(\[0\., 1\., 2\.\]\).*the index starts at 0"}),
    Mutant("objective_plot_3x1", {"plot_objective": plot_objective_column},
           {"objective_plot_layout": r"a figure with 3 axes \(grid positions .*\[3, 1, 0, 0\].*expected 1 x 3 axes"}),
]

ALTERNATIVES = [
    Alternative("f_and_grad_by_quadratic_forms", {"f": f_quadratic_forms, "grad_f": grad_f_matrix_form}),
    Alternative("seed_style_scalar_math_and_np_vectorize",
                {"f": f_scalar_math, "grad_f": grad_f_scalar_math, "plot_trajectory": plot_trajectory_sheet_style,
                 "plot_objective": plot_objective_sheet_style}),
    Alternative("gradient_ascent_preallocated_extra_kwargs", {"gradient_ascent": gradient_ascent_preallocated}),
    Alternative("other_good_step_sizes_int_key",
                {"STEP_SIZES": {(0.2, 0.5): 0.1, (0.5, 0.2): 0.25, (1, 1): 0.45}}),
    Alternative("figures_with_extras", {"plot_trajectory": plot_trajectory_extras,
                                        "plot_objective": plot_objective_extras}),
]
