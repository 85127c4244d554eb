"""The demo's sample students are realistic: pasted into a notebook, each sample mistake
loses exactly the points its mutant is proven to lose (no NameErrors from missing helpers)."""

from __future__ import annotations

import importlib

import pytest

from nndl import course_dir
from nndl.checks import run_checks
from nndl.config import course
from nndl.impl import LocalImpl
from tests import samples

CASES = [(student, set_name, ids) for student, sets in samples.PARTIAL.items() for set_name, ids in sets.items()]


@pytest.mark.parametrize(("student", "set_name", "mutant_ids"), CASES, ids=[f"{s}-{n}" for s, n, _ in CASES])
def test_sample_fails_exactly_what_its_mutants_break(student, set_name, mutant_ids):
    assignment, _ = course().find_set(set_name)
    nb = course_dir.filled_notebook(assignment, set_name, samples.replacements(assignment, set_name, mutant_ids))
    ns: dict = {"__name__": "__student__"}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and not (meta.get("grade") and not meta.get("solution")):
            exec(compile(cell.source, f"<{student} {cell.id}>", "exec"), ns)  # noqa: S102 - our own samples
    impl = LocalImpl(ns, where="the sample notebook")
    failed = {r.id for r in run_checks(impl, assignment, set_name) if not r.passed}
    module = importlib.import_module(f"tests.{assignment}.mutants.{set_name}")
    expected = set().union(*(set(m.breaks) for m in module.MUTANTS if m.id in mutant_ids))
    assert failed == expected
