"""Public checks never need the reference: they run where `solutions` cannot be imported."""

from __future__ import annotations

import sys

import pytest

from nndl import paths
from nndl.checks import check_rng, load_checkset
from nndl.config import course
from nndl.impl import LocalImpl


def _exec_reference(assignment: str, set_name: str) -> dict:
    """The reference code as a student's namespace, not through `import solutions`."""
    path = paths.solution_file(assignment, set_name)
    ns: dict = {"__name__": "__student__"}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), ns)  # noqa: S102 - our own file
    return ns


@pytest.mark.parametrize(("assignment", "set_name"), course().all_sets())
def test_public_checks_run_without_the_reference(assignment, set_name, monkeypatch):
    ns = _exec_reference(assignment, set_name)
    for name in [m for m in sys.modules if m == "solutions" or m.startswith("solutions.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "solutions", None)  # any `import solutions...` now fails
    impl = LocalImpl(ns, where="the student namespace")
    for _, check in load_checkset(assignment, set_name):
        if check.public:
            try:
                check(impl, rng=check_rng(check))
            finally:
                impl.close()
    instructor = [c for _, c in load_checkset(assignment, set_name) if not c.public]
    with pytest.raises(ImportError):
        instructor[0](impl, rng=check_rng(instructor[0]))
