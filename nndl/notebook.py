"""The notebook front-end: nbgrader test cells call the same checks in-process.

A generated test cell reads::

    from nndl.notebook import CellGrade
    grade = CellGrade("session1/activations", "leaky_relu", globals())
    grade.run_public()
    ### BEGIN HIDDEN TESTS
    grade.run_instructor()
    ### END HIDDEN TESTS
    grade

``run_public`` prints one line per check (a tick, or a cross with the
failure message) and the cell's value is the points earned, which nbgrader
reads as partial credit.  Nothing is ever written to stderr (nbgrader gives 0
to a test cell with stderr output): warnings and stray stderr output of the
checks are captured.

The in-notebook verdict runs in the student's kernel, so it can be tampered
with: it is what the student reads, never what is recorded.  The course
directory written by ``nndl course`` makes ``nbgrader autograde`` record each
test cell's points from the sandbox (:mod:`nndl.autograde`); the kernel's
value is kept beside it and differences are shown in the cell.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Mapping
from typing import Any

from nndl.checks import CheckResult, load_checkset, run_check, settle_nondeterminism
from nndl.impl import LocalImpl


class CellGrade:
    """Checks of one contract name on a notebook's ``globals()``; its repr is the points earned."""

    def __init__(self, set_key: str, target: str, namespace: Mapping[str, Any]) -> None:
        self.assignment, _, self.set_name = set_key.partition("/")
        self.target = target
        self._impl = LocalImpl(namespace, where="your notebook")
        self.results: list[CheckResult] = []

    def _run(self, public: bool) -> None:
        checkset = load_checkset(self.assignment, self.set_name)
        sink = io.StringIO()
        results = []
        for _, check in checkset:
            if check.target != self.target or check.public != public:
                continue
            with warnings.catch_warnings(), contextlib.redirect_stderr(sink):
                warnings.simplefilter("ignore")
                results.append(run_check(check, self._impl))
        for result in settle_nondeterminism(results, checkset, self._impl):
            self.results.append(result)
            mark = "\u2713" if result.passed else "\u2717"
            line = f"{mark} {result.id} ({result.points:g}/{result.max_points:g})"
            print(line + ("" if result.passed else f": {result.message}"))

    def run_public(self) -> None:
        """Run the public (property-based) checks of this cell's function."""
        self._run(public=True)

    def run_instructor(self) -> None:
        """Run the instructor-only checks (only present in the instructor's copy of the cell)."""
        self._run(public=False)

    @property
    def points(self) -> float:
        return float(sum(r.points for r in self.results))

    def __repr__(self) -> str:
        return repr(round(self.points, 6))
