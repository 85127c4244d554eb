"""The check framework, in the style of scikit-learn's ``check_estimator``.

A check is a plain function ``check_<property>(impl, *, rng)`` that raises
``AssertionError`` (with a message in the grammar of :mod:`nndl.messages`)
when the implementation ``impl`` (:mod:`nndl.impl`) violates the property.
Each set's module in ``grader/`` builds a :class:`CheckSet`; iterating it
yields ``(check_id, check)`` pairs, used by three front-ends:

* pytest parametrization for maintainers (``grader/test_reference.py``);
* the nbgrader test cells for students (:mod:`nndl.notebook`);
* :func:`run_checks` for feedback and ``nndl-grade`` (:mod:`nndl.grading`).

Checks marked ``public=False`` compare with the reference solution: they are
*instructor-only*, run only where the instructor grades, and never appear in
what students receive.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from nndl.config import course
from nndl.impl import Impl, SubmissionError

CheckFn = Callable[..., None]


@dataclasses.dataclass(frozen=True)
class Check:
    id: str
    func: CheckFn
    #: The contract name this check is about; nbgrader test cells group checks by target.
    target: str
    #: Public checks are property-based and may run on students' machines;
    #: instructor-only checks compare with the reference solution.
    public: bool
    assignment: str
    set_name: str

    @property
    def full_id(self) -> str:
        return f"{self.assignment}/{self.set_name}/{self.id}"

    @property
    def doc(self) -> str:
        return (self.func.__doc__ or "").strip().split("\n")[0]

    def __call__(self, impl: Impl, *, rng: np.random.Generator) -> None:
        __tracebackhide__ = True
        self.func(impl, rng=rng)


@dataclasses.dataclass(frozen=True)
class CheckResult:
    id: str
    points: float
    max_points: float
    passed: bool
    message: str
    public: bool = True
    seconds: float = 0.0
    #: The submission's functions this check called (for :func:`settle_nondeterminism`).
    calls: tuple[str, ...] = dataclasses.field(default=(), compare=False, repr=False)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "points": self.points, "max_points": self.max_points,
                "passed": self.passed, "message": self.message}


class CheckSet:
    """The checks of one exercise set, in definition order."""

    def __init__(self, assignment: str, set_name: str) -> None:
        self.assignment, self.set_name = assignment, set_name
        self._checks: dict[str, Check] = {}

    def check(self, target: str, *, public: bool = True) -> Callable[[CheckFn], CheckFn]:
        """Register ``check_<property>`` as check id ``<property>`` about contract name ``target``."""

        def register(func: CheckFn) -> CheckFn:
            if not func.__name__.startswith("check_"):
                raise ValueError(f"check functions are named check_<property>, got {func.__name__}")
            cid = func.__name__.removeprefix("check_")
            if cid in self._checks:
                raise ValueError(f"duplicate check id {cid} in {self.assignment}/{self.set_name}")
            self._checks[cid] = Check(cid, func, target, public, self.assignment, self.set_name)
            return func

        return register

    def __iter__(self) -> Iterator[tuple[str, Check]]:
        yield from self._checks.items()

    def __len__(self) -> int:
        return len(self._checks)

    def __getitem__(self, cid: str) -> Check:
        return self._checks[cid]

    @property
    def targets(self) -> list[str]:
        return list(dict.fromkeys(c.target for c in self._checks.values()))


def load_checkset(assignment: str, set_name: str) -> CheckSet:
    module = importlib.import_module(f"grader.{assignment}.{set_name}")
    checks = getattr(module, "checks", None)
    if not isinstance(checks, CheckSet):
        raise TypeError(f"grader.{assignment}.{set_name} must define `checks = CheckSet(...)`")
    return checks


def check_rng(check: Check) -> np.random.Generator:
    """The check's own generator: course seed + a stable hash of the check id (never global state)."""
    digest = hashlib.blake2b(check.full_id.encode(), digest_size=8).digest()
    return np.random.default_rng([course().course.seed, int.from_bytes(digest, "little")])


def _failure_message(exc: BaseException) -> str:
    """One readable message for any exception a check raised."""
    from hypothesis.errors import Flaky

    if isinstance(exc, AssertionError):
        text = str(exc) or "assertion failed"
        return text
    if isinstance(exc, Flaky) or isinstance(exc, BaseExceptionGroup):
        inner = getattr(exc, "exceptions", ())
        detail = next((str(e) for e in inner if isinstance(e, AssertionError)), "")
        return ("your code gave different results for the same input on repeated calls"
                + (f": {detail}" if detail else "") + ". Hint: results must not depend on hidden state.")
    return f"internal grader error ({type(exc).__name__}: {exc}); please report this to the course staff."


def run_check(check: Check, impl: Impl, *, points: float | None = None) -> CheckResult:
    """Run one check; every outcome becomes a CheckResult (the grader never crashes on a submission)."""
    max_points = check_points(check) if points is None else points
    start = time.perf_counter()
    calls: tuple[str, ...] = ()
    if isinstance(impl, Impl):
        impl.reset_probes()  # every check probes determinism afresh
    try:
        check(impl, rng=check_rng(check))
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - every failure is a result
        passed, message = False, _failure_message(exc)
    else:
        passed, message = True, ""
    finally:
        if isinstance(impl, Impl):
            calls = impl.called_names
        close = getattr(impl, "close", None)
        if close is not None:
            close()
    result = CheckResult(check.id, max_points if passed else 0.0, max_points, passed, message,
                         check.public, time.perf_counter() - start, calls)
    if isinstance(impl, Impl):
        # A check that caught the probe's failure (one expecting an exception) still fails.
        result = _settled(result, check.target, impl.nondeterministic)
    return result


def _settled(result: CheckResult, target: str, found: dict[str, str]) -> CheckResult:
    """``result``, failed with the probe's message if it is about or called a nondeterministic function."""
    for name in (target, *result.calls):
        if name in found:
            if result.message == found[name]:
                return result
            return dataclasses.replace(result, points=0.0, passed=False, message=found[name])
    return result


def settle_nondeterminism(results: list[CheckResult], checkset: CheckSet, impl: Impl) -> list[CheckResult]:
    """Once a check found a function nondeterministic, every check of one grading that is about it
    or called it fails with the same message, the checks that ran before too: the score does not
    depend on which check happened to catch it."""
    found = impl.nondeterministic if isinstance(impl, Impl) else {}
    if not found:
        return list(results)
    return [_settled(r, checkset[r.id].target, found) for r in results]


def check_points(check: Check) -> float:
    return float(course().set(check.assignment, check.set_name).checks[check.id])


def run_checks(impl: Impl, assignment: str, set_name: str, *, instructor: bool = True,
               targets: list[str] | None = None) -> list[CheckResult]:
    """Run a set's checks on ``impl`` in this process (reference, mutants, notebook cells)."""
    checkset = load_checkset(assignment, set_name)
    results = [run_check(c, impl) for _, c in checkset
               if (instructor or c.public) and (targets is None or c.target in targets)]
    return settle_nondeterminism(results, checkset, impl)


__all__ = ["Check", "CheckResult", "CheckSet", "SubmissionError", "check_rng", "load_checkset",
           "run_check", "run_checks", "settle_nondeterminism"]
