"""Checks of ``gradient_ascent`` (sheet §2, computer assignment 1).

``f`` and ``grad_f`` are checked against the formula and against central
differences (of the true f and of the student's own f).  ``gradient_ascent``
is checked against its exact definition (start, update rule, stopping at the
*first* iterate with a small gradient, ``max_iter``) and, with the student's
``STEP_SIZES``, against its purpose (a local maximum, reached with f
non-decreasing).  The figures are checked through matplotlib's object model:
contour lines lying on isocontours of f, one arrow per step, labels, line
data.  The one instructor-only check compares trajectories with the
reference solution.
"""

from __future__ import annotations

import numpy as np

from nndl import hypo, strategies
from nndl.checks import CheckSet
from nndl.messages import call_repr, describe_type, fail, short
from nndl.numerics import (assert_close, assert_gradient, expect_array, expect_float, numeric_gradient,
                           numeric_jacobian)
from nndl.plain import Handle

checks = CheckSet("session1", "gradient_ascent")

#: The three initial points of the sheet, part (c).
STARTS = ((0.2, 0.5), (0.5, 0.2), (1.0, 1.0))
#: The contract's default stopping threshold.
TOL = 1e-4
#: The contract's default iteration budget.
MAX_ITER = 100_000
#: The sheet's plotting grid: np.linspace(-2, 3, 200) on both axes.
LO, HI = -2.0, 3.0
#: Iteration budget of ascents with the student's step sizes: a good step (~0.4) needs 10-14
#: steps, even 0.01 needs ~700; the cap bounds a slow implementation's cost (5000 steps of a
#: pure-Python loop take well under a second) and makes a far too small step a failure.
MAX_ITER_CAP = 5000
#: Slack on comparisons of a gradient norm with ``tol``: grader and submission compute the
#: same norm up to a few ulps (~1e-16 relative); 1e-9 keeps those from deciding a check.
NORM_RTOL = 1e-9
#: A local maximum has a negative definite Hessian.  At the maxima of f its eigenvalues are
#: -1.63 and -3.33, central differences of the gradient err by ~1e-9; a largest eigenvalue
#: above -1e-3 means a saddle (one eigenvalue > 0) or a flat region far from the bumps.
HESSIAN_MARGIN = 1e-3
#: f along an ascent with a stable step increases by >= ~1e-10 per step near convergence;
#: f ~ 1 is computed to ~1e-16, so a decrease of more than 1e-12 is a real overshoot.
MONOTONE_ATOL = 1e-12
#: Contour lines interpolate f linearly inside the cells of the 200 x 200 grid (spacing
#: 0.025): the vertices of the reference's lines deviate from their level by <= 3e-4.
#: 2e-3 allows a coarser grid (~100 points); a transposed grid is off by ~0.1-1.
CONTOUR_ATOL = 2e-3
#: At most this many vertices are sent to the student's own f when the contours are not
#: those of the true f (their f may be wrong, their contour plot right); bounds the cost.
CONTOUR_SAMPLE = 30
#: Axis limits: the contour grid's edges become the limits (matplotlib's sticky edges);
#: they are the grid values exactly, up to rounding.
LIMIT_ATOL = 1e-9
#: Steps of a trajectory checked against the submitted grad_f when they do not follow the
#: true gradient: this many at each end and in between (bounds the number of calls).
STEP_SAMPLE = 5
#: Trajectories vs the reference: the same recurrence with gradients equal to a few ulps;
#: a contracting iteration does not amplify them beyond ~1e-14 in a few dozen steps.
TRAJ_RTOL = 1e-7
TRAJ_ATOL = 1e-10
#: Function values plotted or returned: the same closed form up to evaluation order.
VALUE_RTOL = 1e-9
VALUE_ATOL = 1e-12

FIGURE = "matplotlib.figure.Figure"
F_HINT = "f(w) = exp(-w1**2 - 2*(w2 - 1)**2) + exp(-(w1 - 1)**2 - 2*w2**2) with w1, w2 = w[0], w[1]"
GRAD_HINT = ("differentiate each exponential with the chain rule, d/dw exp(u) = exp(u) du/dw; "
             "entry 0 is df/dw1, entry 1 is df/dw2")
#: Points with known structure: the bump centres, the saddle (gradient exactly 0), the starts.
SPECIAL = ((0.0, 1.0), (1.0, 0.0), (0.5, 0.5), (0.2, 0.5), (0.5, 0.2), (1.0, 1.0))


# --- the true function, grader-side -------------------------------------------------------
def _f(w: np.ndarray) -> np.ndarray:
    w = np.asarray(w, dtype=np.float64)
    w1, w2 = w[..., 0], w[..., 1]
    with np.errstate(all="ignore"):  # submitted trajectories may run far away
        return np.exp(-w1**2 - 2 * (w2 - 1) ** 2) + np.exp(-((w1 - 1) ** 2) - 2 * w2**2)


def _grad(w: np.ndarray) -> np.ndarray:
    w = np.asarray(w, dtype=np.float64)
    w1, w2 = w[..., 0], w[..., 1]
    with np.errstate(all="ignore"):
        e1 = np.exp(-w1**2 - 2 * (w2 - 1) ** 2)
        e2 = np.exp(-((w1 - 1) ** 2) - 2 * w2**2)
        return np.stack((-2 * w1 * e1 - 2 * (w1 - 1) * e2, -4 * (w2 - 1) * e1 - 4 * w2 * e2), axis=-1)


# --- calling the submission ---------------------------------------------------------------
def _trajectory(impl, w0: np.ndarray, step: float, **kwargs) -> tuple[str, np.ndarray]:
    call = call_repr("gradient_ascent", (w0, step), kwargs)
    traj = expect_array(impl.gradient_ascent(w0, step, **kwargs), call,
                        what="a float ndarray of shape (T + 1, 2)")
    if traj.ndim != 2 or traj.shape[0] == 0 or traj.shape[1] != 2:
        fail(call, f"an array of shape {traj.shape}", "a float ndarray of shape (T + 1, 2)",
             hint="one row per iterate w_0 = w0, w_1, ..., w_T: return np.array(list_of_iterates)")
    return call, traj


def _expect_start(call: str, traj: np.ndarray, w0: np.ndarray) -> None:
    # Exact comparison on purpose: w0 is copied into the trajectory, never computed.
    if not np.array_equal(traj[0], w0):
        fail(call, f"a trajectory starting at {short(traj[0])}", f"trajectory[0] = w0 = {short(w0)} exactly",
             hint="the trajectory starts with w0 itself (T steps give T + 1 rows)")


def _grad_f(impl, w: np.ndarray) -> np.ndarray:
    call = call_repr("grad_f", (w,))
    return expect_array(impl.grad_f(w), call, shape=(2,))


def _figure(impl, name: str, *args) -> tuple[str, Handle, dict]:
    """Call a plotting function; validate that it returned a Figure; describe it."""
    call = call_repr(name, args)
    fig = impl.call(name, *args)
    if type(fig) is not Handle or fig.type != FIGURE:
        if fig is None:
            fail(call, "None", "a matplotlib Figure", hint="end the function with `return fig` "
                 "(plt.show() returns nothing)")
        if type(fig) is Handle and "Axes" in fig.type:
            hint = "return the Figure (fig, or ax.figure), not the Axes"
        else:
            hint = None
        fail(call, describe_type(fig), "a matplotlib Figure", hint=hint)
    return call, fig, impl.op("describe_figure", fig)


def _synthetic(rng: np.random.Generator, steps: int) -> np.ndarray:
    """A short made-up trajectory inside [-0.5, 1.5]^2 (well inside the plotting grid)."""
    return rng.uniform(-0.5, 1.5, size=(steps + 1, 2))


def _label(text: str) -> str:
    """'$w_1$' and 'w1' compare equal; so do 'Number of iterations' and 'number of  iterations'."""
    for ch in "${}_\\":
        text = text.replace(ch, "")
    return " ".join(text.lower().split())


# --- f and its gradient -------------------------------------------------------------------
@checks.check("f")
def check_f_formula(impl, *, rng):
    """f(w) is a float equal to exp(-w1^2 - 2(w2-1)^2) + exp(-(w1-1)^2 - 2 w2^2)."""

    def one(w: np.ndarray) -> None:
        call = call_repr("f", (w,))
        value = expect_float(impl.f(w), call)
        assert_close(value, _f(w), call, rtol=VALUE_RTOL, atol=VALUE_ATOL, hint=F_HINT)

    @hypo.given(strategies.vectors(2, lo=LO, hi=HI), examples=[(np.array(w),) for w in SPECIAL])
    def prop(w):
        one(w)

    prop()


@checks.check("grad_f")
def check_grad_f_matches_true_gradient(impl, *, rng):
    """grad_f(w) has shape (2,) and matches central differences of the true f (relative error)."""

    def one(w: np.ndarray) -> None:
        assert_gradient(_grad_f(impl, w), numeric_gradient(_f, w), call_repr("grad_f", (w,)), hint=GRAD_HINT)

    @hypo.given(strategies.vectors(2, lo=LO, hi=HI), examples=[(np.array(w),) for w in SPECIAL])
    def prop(w):
        one(w)

    prop()


@checks.check("grad_f")
def check_grad_f_consistent_with_f(impl, *, rng):
    """grad_f(w) matches central differences of the submitted f: the two functions agree."""

    def student_f(x: np.ndarray) -> float:
        return expect_float(impl.f(x), call_repr("f", (x,)))

    @hypo.given(strategies.vectors(2, lo=LO, hi=HI), max_examples=20)
    def prop(w):
        assert_gradient(_grad_f(impl, w), numeric_gradient(student_f, w), call_repr("grad_f", (w,)),
                        hint="grad_f must be the gradient of your f: differences of f(w + h e_i) "
                             "and f(w - h e_i) disagree with it")

    prop()


# --- gradient ascent --------------------------------------------------------------------------
def _step_sizes(impl) -> dict[tuple[float, float], float]:
    """The submitted STEP_SIZES, validated, keyed by the sheet's starts."""
    value = impl.value("STEP_SIZES")
    expected = "a dict {start: step size} with keys (0.2, 0.5), (0.5, 0.2), (1.0, 1.0)"
    if type(value) is not dict:
        fail("STEP_SIZES", describe_type(value), expected)
    out = {}
    for start in STARTS:
        for key, step in value.items():
            if (type(key) is tuple and len(key) == 2 and all(isinstance(k, (int, float, np.integer, np.floating))
                                                             and not isinstance(k, (bool, np.bool_)) for k in key)
                    and abs(float(key[0]) - start[0]) < 1e-12 and abs(float(key[1]) - start[1]) < 1e-12):
                break
        else:
            fail("STEP_SIZES", f"a dict with keys {short(list(value))}", expected,
                 hint=f"no entry for the start {start}: use tuples of floats as keys")
        if (isinstance(step, bool) or not isinstance(step, (int, float, np.integer, np.floating))
                or not np.isfinite(step) or step <= 0):
            fail("STEP_SIZES", f"{short(step)} for the start {start}", "a positive float step size")
        out[start] = float(step)
    return out


@checks.check("STEP_SIZES")
def check_ascent_reaches_local_maximum(impl, *, rng):
    """With STEP_SIZES, each start ends at a local maximum (small gradient, negative definite
    Hessian) within 5000 steps, f never decreasing along the way."""
    for start, step in _step_sizes(impl).items():
        call, traj = _trajectory(impl, np.array(start), step, tol=TOL, max_iter=MAX_ITER_CAP)
        steps, end = len(traj) - 1, traj[-1]
        norm = float(np.linalg.norm(_grad(end)))
        if not norm < TOL * (1 + NORM_RTOL):
            if steps >= MAX_ITER_CAP:
                fail(call, f"a trajectory that has not converged after {steps} steps (it is at {short(end)}, "
                     f"||grad f|| = {norm:.3g})", f"||grad f|| < {TOL:g} within {MAX_ITER_CAP} steps",
                     hint=f"the step size STEP_SIZES[{start}] = {step:g} is too small, or so large that "
                          "the iterates oscillate; try steps of different magnitudes")
            fail(call, f"a trajectory of {steps} steps ending at {short(end)}, where ||grad f|| = {norm:.3g}",
                 f"an end point where the true gradient has norm < {TOL:g}",
                 hint="stop only once ||grad_f(w_t)|| < tol, and check grad_f")
        hessian = numeric_jacobian(_grad, end)
        eig = np.linalg.eigvalsh((hessian + hessian.T) / 2)
        if eig.max() >= -HESSIAN_MARGIN:
            fail(call, f"a trajectory ending at {short(end)}, where the Hessian of f has eigenvalues {short(eig)}",
                 "a local maximum of f (negative definite Hessian)",
                 hint="the run ended at a saddle point or on a flat tail of f: gradient *ascent* steps "
                      "w + step_size * grad_f(w)")
        values = _f(traj)
        drops = np.diff(values)
        if drops.size and drops.min() < -MONOTONE_ATOL:
            t = int(np.argmin(drops))
            fail(call, f"a trajectory along which f decreases from step {t} to {t + 1} "
                 f"({values[t]:.12g} to {values[t + 1]:.12g})", "f non-decreasing along the ascent",
                 hint=f"the iterates overshoot: choose a smaller step size than STEP_SIZES[{start}] = {step:g}, "
                      "and take plain steps w + step_size * grad_f(w)")


@checks.check("gradient_ascent")
def check_starts_at_w0(impl, *, rng):
    """The trajectory's first row is w0 itself, exactly."""
    for _ in range(2):
        w0 = rng.uniform(-1.0, 2.0, size=2)
        call, traj = _trajectory(impl, w0, 0.1, max_iter=3)
        _expect_start(call, traj, w0)


def _sample_steps(steps: int, rng: np.random.Generator) -> list[int]:
    """The first and last STEP_SAMPLE steps and STEP_SAMPLE random ones in between, in order."""
    ends = set(range(min(steps, STEP_SAMPLE))) | set(range(max(0, steps - STEP_SAMPLE), steps))
    middle = sorted(set(range(steps)) - ends)
    picks = rng.choice(middle, size=min(STEP_SAMPLE, len(middle)), replace=False) if middle else []
    return sorted(ends | {int(t) for t in picks})


@checks.check("gradient_ascent")
def check_stopping_rule(impl, *, rng):
    """w_{t+1} = w_t + step_size * grad f(w_t), and the trajectory stops at the FIRST iterate with
    ||grad f|| < tol (not one step earlier or later); tol defaults to 1e-4."""
    cases = [(np.array([0.2, 0.5]), 0.2, {}),  # default tol and max_iter: ~26 steps
             (rng.uniform(-0.5, 1.5, size=2), 0.1, {"tol": 1e-3}),
             (rng.uniform(-0.5, 1.5, size=2), 0.3, {"tol": 10.0})]  # ||grad f(w0)|| < 10: just [w0]
    for w0, step, kwargs in cases:
        call, traj = _trajectory(impl, w0, step, **kwargs)
        tol, max_iter, steps = kwargs.get("tol", TOL), kwargs.get("max_iter", MAX_ITER), len(traj) - 1
        _expect_start(call, traj, w0)
        if steps > max_iter:
            fail(call, f"a trajectory of {steps} steps", f"at most max_iter = {max_iter} steps")
        # The update rule, with the true gradient or (if it differs) with the submitted grad_f.
        grads = _grad(traj)
        if not np.allclose(traj[1:], traj[:-1] + step * grads[:-1], rtol=TRAJ_RTOL, atol=TRAJ_ATOL):
            # Calls into the submission are costly: check the update on a sample of steps, and
            # take the gradients the steps used from the trajectory itself, (w_{t+1} - w_t) / step
            # (relative error ~eps |w| / |w_{t+1} - w_t| < 1e-10 for these step sizes).
            for t in _sample_steps(steps, rng):
                g = _grad_f(impl, traj[t])
                assert_close(traj[t + 1], traj[t] + step * g, call, rtol=TRAJ_RTOL, atol=TRAJ_ATOL,
                             rule=f"trajectory[{t + 1}] must be trajectory[{t}] + step_size * grad_f(trajectory[{t}])",
                             hint="gradient ascent adds step_size times the gradient at the current iterate")
            grads = np.vstack([np.diff(traj, axis=0) / step, _grad_f(impl, traj[-1])[None]])
        norms = np.linalg.norm(grads, axis=1)
        early = np.flatnonzero(norms[:-1] < tol * (1 - NORM_RTOL))
        if early.size:
            t = int(early[0])
            fail(call, f"a trajectory of {steps} steps that goes on after iterate {t}, where ||grad f|| = "
                 f"{norms[t]:.3g} < tol = {tol:g}", f"it to stop there, at the first such iterate (T = {t})",
                 hint="test ||grad f(w_t)|| < tol at the current iterate before taking a step: "
                      "one step too many?")
        if steps < max_iter and not norms[-1] < tol * (1 + NORM_RTOL):
            fail(call, f"a trajectory of {steps} steps whose last iterate has ||grad f|| = {norms[-1]:.3g} "
                 f">= tol = {tol:g}", "it to go on until ||grad f(w_T)|| < tol (or T = max_iter)",
                 hint="include the iterate at which the stopping rule holds: one step too few?"
                      + (" The default is tol=1e-4." if "tol" not in kwargs else ""))


@checks.check("gradient_ascent")
def check_max_iter_respected(impl, *, rng):
    """Without convergence the trajectory has exactly max_iter steps (max_iter + 1 rows)."""
    w0 = np.array([0.2, 0.5])
    for max_iter in (5, 0):
        # A step of 1e-6 moves by ~1e-6 per step: the gradient norm (~0.6) stays far above tol.
        call, traj = _trajectory(impl, w0, 1e-6, max_iter=max_iter)
        if traj.shape != (max_iter + 1, 2):
            fail(call, f"an array of shape {traj.shape}", f"shape ({max_iter + 1}, 2): w0 and max_iter = "
                 f"{max_iter} steps, as a step of 1e-6 cannot reach ||grad f|| < tol",
                 hint="stop after max_iter steps: T = max_iter, max_iter + 1 rows including w0")


@checks.check("gradient_ascent", public=False)
def check_trajectory_matches_reference(impl, *, rng):
    """Instructor-only: trajectories equal the reference's, row by row, for the sheet's starts
    (with the reference's step sizes) and a random start with a small tol."""
    from solutions.session1 import gradient_ascent as ref

    cases = [(np.array(start), ref.STEP_SIZES[start], {"max_iter": MAX_ITER_CAP}) for start in STARTS]
    cases.append((rng.uniform(-0.5, 1.5, size=2), 0.2, {"tol": 1e-6, "max_iter": MAX_ITER_CAP}))
    for w0, step, kwargs in cases:
        call, traj = _trajectory(impl, w0, step, **kwargs)
        expected = ref.gradient_ascent(w0, step, **kwargs)
        if traj.shape != expected.shape:
            fail(call, f"a trajectory of {len(traj) - 1} steps", f"{len(expected) - 1} steps, as the reference "
                 "solution takes", hint="stop at the first iterate whose gradient norm is below tol")
        assert_close(traj, expected, call, rtol=TRAJ_RTOL, atol=TRAJ_ATOL,
                     rule="the trajectory must equal the reference solution's")


# --- figures ------------------------------------------------------------------------------------
def _on_student_contours(impl, pairs: list[tuple[float, np.ndarray]], rng: np.random.Generator) -> bool:
    """Whether sampled vertices lie on isocontours of the submitted f (its f may be wrong)."""
    points = [(level, v) for level, verts in pairs for v in verts]
    picks = rng.choice(len(points), size=min(CONTOUR_SAMPLE, len(points)), replace=False)
    try:
        for i in picks:
            level, v = points[int(i)]
            if not abs(expect_float(impl.f(v), call_repr("f", (v,))) - level) <= CONTOUR_ATOL:
                return False
    except AssertionError:  # f missing, raising or not a float: judge by the true f alone
        return False
    return True


@checks.check("plot_trajectory")
def check_trajectory_plot_contours(impl, *, rng):
    """One axes has isocontours of f (ax.contour: lines at >= 3 levels on which f equals the level)
    drawn on a grid covering [-2, 3]^2."""
    traj = _synthetic(rng, 4)
    call, fig, desc = _figure(impl, "plot_trajectory", traj)
    per_axes = impl.op("contour_lines", fig)
    with_lines = [i for i, sets in enumerate(per_axes) if sets]
    if not with_lines:
        fail(call, "a figure without contour lines", "isocontours of f drawn with ax.contour",
             hint="ax.contour(W1, W2, F) with F the values of f on the meshgrid (contourf fills regions instead)")
    if len(with_lines) > 1:
        fail(call, f"contour lines in {len(with_lines)} axes", "one axes with the contours and the arrows")
    ax = desc["axes"][with_lines[0]]
    pairs = [(float(level), verts) for cs in per_axes[with_lines[0]]
             for level, verts in zip(cs["levels"], cs["vertices"]) if len(verts)]
    drawn = np.unique([level for level, _ in pairs])
    if len(drawn) < 3:
        fail(call, f"contour lines at {len(drawn)} level(s) {short(drawn)}",
             "isocontours at several levels (ax.contour picks about 8 by default)",
             hint="pass the values of f on the whole grid to ax.contour")
    dev, level, verts = max(((float(np.abs(_f(v) - level).max()), level, v) for level, v in pairs),
                            key=lambda item: item[0])
    if dev > CONTOUR_ATOL and not _on_student_contours(impl, pairs, rng):
        point = verts[int(np.argmax(np.abs(_f(verts) - level)))]
        fail(call, f"a contour line at level {level:.4g} through {short(point)}, where f = {float(_f(point)):.4g}",
             f"contour lines on which f equals their level (to {CONTOUR_ATOL:g})",
             hint="evaluate f on np.stack((W1, W2), axis=-1) of the meshgrid and pass W1, W2 and these values, "
                  "in the same orientation, to ax.contour (a transposed array draws f(w2, w1))")
    (x0, x1), (y0, y1) = sorted(ax["xlim"]), sorted(ax["ylim"])
    if x0 > LO + LIMIT_ATOL or x1 < HI - LIMIT_ATOL or y0 > LO + LIMIT_ATOL or y1 < HI - LIMIT_ATOL:
        fail(call, f"a contour plot over w1 in [{x0:.4g}, {x1:.4g}], w2 in [{y0:.4g}, {y1:.4g}]",
             "a contour grid covering [-2, 3] x [-2, 3]",
             hint="use np.linspace(-2.0, 3.0, 200) for both w1 and w2, as on the sheet")


@checks.check("plot_trajectory")
def check_trajectory_plot_arrows(impl, *, rng):
    """Exactly T arrows for T steps, the i-th with (x, y, dx, dy) = (w_i, w_{i+1} - w_i)."""
    for steps in (1, 6):
        traj = _synthetic(rng, steps)
        call, fig, desc = _figure(impl, "plot_trajectory", traj)
        arrows = np.concatenate([ax["arrows"] for ax in desc["axes"]] or [np.zeros((0, 4))])
        if len(arrows) != steps:
            fail(call, f"a figure with {len(arrows)} arrow(s)",
                 f"{steps} arrow(s), one per step of a trajectory of {steps + 1} points",
                 hint="one ax.arrow(x, y, dx, dy, length_includes_head=True, width=0.03) per step i = 0..T-1")
        expected = np.hstack([traj[:-1], np.diff(traj, axis=0)])
        for i, (got, want) in enumerate(zip(arrows, expected)):
            assert_close(got, want, call, rule=f"arrow {i} (x, y, dx, dy) must go from w_{i} to w_{i + 1}",
                         hint="ax.arrow(x, y, dx, dy) draws from (x, y) to (x + dx, y + dy): "
                              "x, y = w_i and dx, dy = w_{i+1} - w_i")
        impl.op("close_figure", fig)


@checks.check("plot_trajectory")
def check_trajectory_plot_labels(impl, *, rng):
    """The axes with the plot is labelled w1 (x) and w2 (y)."""
    call, fig, desc = _figure(impl, "plot_trajectory", _synthetic(rng, 2))
    axes = [ax for ax in desc["axes"] if ax["contours"] or len(ax["arrows"])] or desc["axes"]
    if not axes:
        fail(call, "an empty figure", "one axes with the contour plot")
    ax = axes[0]
    if _label(ax["xlabel"]) != "w1" or _label(ax["ylabel"]) != "w2":
        fail(call, f"axes labelled x: {ax['xlabel']!r}, y: {ax['ylabel']!r}", "x label 'w1' and y label 'w2'",
             hint='ax.set_xlabel("w1"); ax.set_ylabel("w2")')


def _three_trajectories(rng: np.random.Generator) -> list[np.ndarray]:
    return [_synthetic(rng, steps) for steps in (2, 4, 7)]


@checks.check("plot_objective")
def check_objective_plot_layout(impl, *, rng):
    """plot_objective gives 1 x 3 axes labelled "Number of iterations" and "Function value"."""
    call, fig, desc = _figure(impl, "plot_objective", _three_trajectories(rng))
    grid = [ax["geometry"] for ax in desc["axes"]]
    if len(grid) != 3 or sorted(tuple(g) if g else () for g in grid) != [(1, 3, 0, j) for j in range(3)]:
        fail(call, f"a figure with {len(grid)} axes (grid positions [nrows, ncols, row, col]: {grid})",
             "1 x 3 axes", hint="fig, axs = plt.subplots(1, 3, figsize=(15, 4))")
    for j, ax in enumerate(desc["axes"]):
        if (_label(ax["xlabel"]) != "number of iterations" or _label(ax["ylabel"]) != "function value"):
            fail(call, f"axes {j} labelled x: {ax['xlabel']!r}, y: {ax['ylabel']!r}",
                 "x label 'Number of iterations' and y label 'Function value' on every axes",
                 hint='axs[i].set_xlabel("Number of iterations"); axs[i].set_ylabel("Function value")')


@checks.check("plot_objective")
def check_objective_plot_lines(impl, *, rng):
    """Axes i shows a line of f along trajectories[i] against the iteration index 0..T."""
    trajs = _three_trajectories(rng)
    call, fig, desc = _figure(impl, "plot_objective", trajs)
    if len(desc["axes"]) < 3:
        fail(call, f"a figure with {len(desc['axes'])} axes", "one axes per trajectory (three)",
             hint="fig, axs = plt.subplots(1, 3); plot trajectory i on axs[i]")

    def matches(line: dict, x: np.ndarray, y: np.ndarray) -> bool:
        return (line["x"].shape == x.shape and line["y"].shape == y.shape
                and np.allclose(line["x"], x, rtol=0, atol=0)
                and np.allclose(line["y"], y, rtol=VALUE_RTOL, atol=VALUE_ATOL))

    for i, (traj, ax) in enumerate(zip(trajs, desc["axes"])):
        x, y = np.arange(len(traj), dtype=np.float64), _f(traj)
        if any(matches(line, x, y) for line in ax["lines"]):
            continue
        # Accept f along the trajectory as the submitted f computes it (its f may be wrong).
        try:
            student = np.array([expect_float(impl.f(w), call_repr("f", (w,))) for w in traj])
        except AssertionError:
            student = None
        if student is not None and any(matches(line, x, student) for line in ax["lines"]):
            continue
        got = ("no line" if not ax["lines"] else
               "lines " + ", ".join(f"x = {short(line['x'])}, y = {short(line['y'])}" for line in ax["lines"][:2]))
        fail(call, f"axes {i} with {got}",
             f"a line with x = {short(x)} (the iteration index) and y = f along trajectories[{i}] = {short(y)}",
             hint="axs[i].plot(range(T + 1), [f(w) for w in trajectory]): the index starts at 0")
