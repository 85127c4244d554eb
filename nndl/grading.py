"""Grade submissions in the sandbox: the verdict is computed here, the code runs there.

For each submission: read it (:mod:`nndl.loader`), load its cells into a
fresh sandboxed worker (:mod:`nndl.sandbox`), then run every check of its set
in *this* process against a :class:`~nndl.sandbox.RemoteImpl` that calls the
submission's functions across the process boundary with plain data only.
Each check has its own wall-clock limit; a check whose call hangs, crashes
the worker or returns non-plain data scores 0 alone, the worker is restarted
for the next check, and nothing a submission does can crash the grader or
reach another submission.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from nndl import paths
from nndl.checks import CheckResult, check_points, load_checkset, run_check, settle_nondeterminism
from nndl.config import Course, Limits, course
from nndl.loader import Submission, load_submission


@dataclasses.dataclass
class SetReport:
    set: str
    submission: str
    score: float
    max_score: float
    checks: list[CheckResult]
    problems: list[str]
    seconds: float = 0.0
    output: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"set": self.set, "submission": self.submission, "score": round(self.score, 6),
                "max_score": round(self.max_score, 6), "checks": [c.as_json() for c in self.checks],
                "problems": self.problems}


def instructor_checks_available() -> bool:
    """Instructor-only checks need the reference solutions (absent from what students receive)."""
    return paths.SOLUTIONS.is_dir() and any(paths.SOLUTIONS.glob("*/*.py"))


def hidden_paths(submissions: Iterable[Path] = (), extra: Iterable[Path] = ()) -> list[Path]:
    """What the sandbox must not see: the reference, the checks, tests (mutants, samples),
    build output (nbgrader course + gradebook), and the folders of the submissions themselves."""
    hidden = [paths.SOLUTIONS, paths.GRADER, paths.TESTS, paths.BUILD, *extra]
    hidden += {Path(p).resolve().parent for p in submissions}
    return [p for p in dict.fromkeys(Path(h).resolve() for h in hidden) if p.exists()]


def _with_load_context(result: CheckResult, sub: Submission, load_report: list[dict]) -> CheckResult:
    """Explain a missing name by what went wrong while loading (a syntax error in its cell...)."""
    if result.passed or "is not defined in" not in result.message:
        return result
    failed = [r for r in load_report if not r.get("ok", True)]
    extra = ""
    if failed:
        first = failed[0]
        extra = f" ({first.get('label', 'a cell')} failed to run: {first.get('error', '')[:200]})"
    elif sub.problems:
        extra = f" ({sub.problems[0]})"
    return dataclasses.replace(result, message=result.message + extra)


def _zero_report(sub: Submission, reason: str, instructor: bool) -> SetReport:
    checks: list[CheckResult] = []
    if sub.set_name:
        for cid, check in load_checkset(sub.assignment, sub.set_name):
            if instructor or check.public:
                pts = check_points(check)
                checks.append(CheckResult(cid, 0.0, pts, False, reason, check.public))
    return SetReport(sub.set_key, str(sub.path), 0.0, sum(c.max_points for c in checks), checks,
                     sub.problems + [reason])


def grade_submission(sub: Submission, sandbox: Any, *, instructor: bool = True, cfg: Course | None = None) -> SetReport:
    """Grade one loaded submission in ``sandbox`` (a :class:`nndl.sandbox.Sandbox`)."""
    cfg = cfg or course()
    start = time.perf_counter()
    if not sub.set_name:
        return SetReport(sub.set_key, str(sub.path), 0.0, 0.0, [], sub.problems)
    checkset = load_checkset(sub.assignment, sub.set_name)
    try:
        session = sandbox.load(sub.cells, filename=sub.path.name)
    except Exception as exc:  # noqa: BLE001 - the grader never crashes on a submission
        return _zero_report(sub, f"the submission could not be loaded ({type(exc).__name__}: {exc})", instructor)
    results: list[CheckResult] = []
    # One RemoteImpl serves the session across worker restarts.
    session.impl.where = "your notebook" if sub.path.suffix == ".ipynb" else "your file"
    try:
        for _, check in checkset:
            if not (instructor or check.public):
                continue
            try:
                session.ensure_alive()
                session.begin_check(cfg.limits.check_seconds)
                result = run_check(check, session.impl)
            except Exception as exc:  # noqa: BLE001
                result = CheckResult(check.id, 0.0, check_points(check), False,
                                     f"internal grader error ({type(exc).__name__}: {exc})", check.public)
            results.append(_with_load_context(result, sub, session.load_report))
        output = session.output
        results = settle_nondeterminism(results, checkset, session.impl)
    finally:
        session.close()
    return SetReport(sub.set_key, str(sub.path), sum(r.points for r in results),
                     sum(r.max_points for r in results), results, sub.problems,
                     time.perf_counter() - start, output)


def grade_paths(files: Sequence[Path], set_name: str | None = None, *, instructor: bool | None = None,
                extra_hidden: Iterable[Path] = (), limits: Limits | None = None) -> list[SetReport]:
    """Grade several files, each in its own worker of one warm sandbox.

    A bad file (unreadable, not a notebook, wrong set) is reported with its
    reason and never stops the others.
    """
    from nndl.sandbox import Sandbox

    cfg = course()
    if limits is not None:
        cfg = dataclasses.replace(cfg, limits=limits)
    if instructor is None:
        instructor = instructor_checks_available()
    subs = [load_submission(Path(f), set_name, cfg) for f in files]
    with Sandbox(cfg.limits, hidden_paths=hidden_paths(files, extra_hidden)) as box:
        return [grade_submission(s, box, instructor=instructor, cfg=cfg) for s in subs]
