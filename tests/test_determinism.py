"""The same submission gets the same score and the same messages on every run,
and grading writes no hypothesis database."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from nndl import course_dir

pytestmark = pytest.mark.slow


def test_same_submission_same_report_on_every_run(tmp_path):
    sys.path.insert(0, str(course_dir.__file__).rsplit("/nndl/", 1)[0])
    from tests import samples

    # a realistic partial submission: failing checks exercise hypothesis' shrinking
    nb = course_dir.filled_notebook("session1", "activations",
                                    samples.replacements("session1", "activations", ["leaky_relu_sign_error"]))
    path = tmp_path / "activations.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    outputs = []
    for hashseed in ("0", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=hashseed)
        proc = subprocess.run([sys.executable, "-m", "nndl.cli_grade", str(path), "--json"], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        outputs.append(json.loads(proc.stdout))
    assert outputs[0] == outputs[1]
    assert 0 < outputs[0]["score"] < outputs[0]["max_score"]
    assert not (tmp_path / ".hypothesis").exists(), "grading must not write a hypothesis database"


# --- nondeterministic submissions: one score, whatever the luck of the draw -------------------------

#: A fresh coin flip on every call (os.urandom: not the worker's seeded generators, as a student's
#: unseeded randomness would be across runs): the right answer, or a wrong one of the same shape.
COIN_FLIP = """
import os as _os

def _coin_flip(right):
    def flaky(*args, **kwargs):
        out = right(*args, **kwargs)
        return out if _os.urandom(1)[0] & 1 else out + 1.0
    flaky.__name__ = right.__name__
    return flaky

{assignments}
"""


def _coin_flip_source(set_name: str, flaky: tuple[str, ...]) -> str:
    from nndl import paths

    reference = paths.solution_file("session1", set_name).read_text(encoding="utf-8")
    return reference + COIN_FLIP.format(assignments="\n".join(f"{n} = _coin_flip({n})" for n in flaky))


def test_coin_flip_submission_gets_one_score_in_20_gradings(tmp_path):
    """The issue's submission: derivatives functions right or wrong by a fresh coin flip on every call."""
    from nndl.config import course
    from nndl.grading import grade_submission, hidden_paths
    from nndl.loader import load_submission
    from nndl.sandbox import Sandbox

    flaky = ("grad_sq_norm", "grad_f_M")
    path = tmp_path / "derivatives.py"
    path.write_text(_coin_flip_source("derivatives", flaky), encoding="utf-8")
    cfg = course()
    reports = []
    with Sandbox(cfg.limits, hidden_paths=hidden_paths([path])) as box:
        for _ in range(20):
            reports.append(grade_submission(load_submission(path, "derivatives", cfg), box, cfg=cfg))
    outcomes = {tuple((c.id, c.passed, c.message) for c in r.checks) for r in reports}
    assert len({r.score for r in reports}) == 1 and len(outcomes) == 1, sorted({r.score for r in reports})
    report = reports[0]
    assert 0 < report.score < report.max_score
    from nndl.checks import load_checkset

    checkset = load_checkset("session1", "derivatives")
    failed = {c.id: c.message for c in report.checks if not c.passed}
    for cid, check in checkset:
        if check.target in flaky:
            assert cid in failed, cid
    for message in failed.values():
        assert "for the same input. Hint: results must not depend on hidden state" in message, message
    # one function, one message: every check of grad_f_M says the same thing
    assert len({failed[cid] for cid, c in checkset if c.target == "grad_f_M"}) == 1


def _namespace(set_name: str, source: str) -> dict:
    ns: dict = {"__name__": "__student__"}
    exec(compile(source, f"{set_name}.py", "exec"), ns)  # noqa: S102 - the course's own code
    return ns


def test_probe_catches_a_coin_flip_with_every_first_call():
    """21 agreeing calls are needed to pass the probe: a coin flip passes it with probability 2**-20."""
    import numpy as np

    from nndl.impl import PROBE_REPEATS, LocalImpl, SubmissionError

    assert 2.0 ** -PROBE_REPEATS < 1e-6
    ns = _namespace("activations", _coin_flip_source("activations", ("logistic",)))
    x = np.linspace(-3.0, 3.0, 7)
    for _ in range(200):
        impl = LocalImpl(ns)
        with pytest.raises(SubmissionError, match=r"^logistic\(array\(.*\)\) returned .* on one call and .* on another for the same input"):
            impl.logistic(x)
        impl.reset_probes()  # a new check: the function stays found, with the same message
        with pytest.raises(SubmissionError, match="for the same input"):
            impl.logistic(x + 1.0)


def test_a_function_found_nondeterministic_fails_every_check_that_called_it():
    """leaky_relu is deterministic with an explicit alpha, random with the default one: only
    leaky_relu_default_alpha can find out, yet every check that called leaky_relu (the ones before
    it too) fails, with that one message, on every run."""
    from nndl.checks import load_checkset, run_checks
    from nndl.impl import LocalImpl
    from nndl import paths

    reference = paths.solution_file("session1", "activations").read_text(encoding="utf-8")
    source = reference + (
        "\nimport os as _os\n_right = leaky_relu\n"
        "def leaky_relu(x, alpha=None):\n"
        "    if alpha is None:\n"
        "        return _right(x) if _os.urandom(1)[0] & 1 else _right(x) + 1.0\n"
        "    return _right(x, alpha)\n")
    honest = run_checks(LocalImpl(_namespace("activations", reference)), "session1", "activations")
    callers = {r.id for r in honest if "leaky_relu" in r.calls}
    checkset = load_checkset("session1", "activations")
    first = next(cid for cid, c in checkset if c.target == "leaky_relu")
    assert first != "leaky_relu_default_alpha" and first in callers
    runs = [run_checks(LocalImpl(_namespace("activations", source)), "session1", "activations") for _ in range(5)]
    outcomes = {tuple((r.id, r.passed, r.message) for r in results) for results in runs}
    assert len(outcomes) == 1
    results = runs[0]
    failed = {r.id: r.message for r in results if not r.passed}
    assert set(failed) == callers, (sorted(failed), sorted(callers))
    assert len(set(failed.values())) == 1
    assert next(iter(failed.values())).startswith("leaky_relu(array(")


def test_a_check_expecting_an_exception_is_not_passed_by_a_random_one():
    """invert raises LinAlgError, or returns zeros, by a coin flip: the checks that expect the
    exception see the probe's verdict, not a lucky raise."""
    from nndl.checks import run_checks
    from nndl.impl import LocalImpl
    from nndl import paths

    reference = paths.solution_file("session1", "linear_nets").read_text(encoding="utf-8")
    source = reference + (
        "\nimport os as _os\n_right = invert\n"
        "def invert(weights, y):\n"
        "    if _os.urandom(1)[0] & 1:\n"
        "        return _right(weights, y)\n"
        "    return np.zeros(weights[0].shape[1])\n")
    runs = [run_checks(LocalImpl(_namespace("linear_nets", source)), "session1", "linear_nets", targets=["invert"])
            for _ in range(5)]
    assert len({tuple((r.id, r.passed, r.message) for r in results) for results in runs}) == 1
    results = {r.id: r for r in runs[0]}
    for cid in ("invert_raises_on_singular", "invert_raises_on_non_square", "invert_roundtrip"):
        assert not results[cid].passed and "for the same input" in results[cid].message, results[cid]
