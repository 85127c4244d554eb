"""Maintainers' front-end: ``pytest grader/`` runs every check on the reference
solutions; ``pytest grader/ --submission PATH [--set NAME]`` runs one set's
checks on a submission, in the sandbox, one test per check."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from nndl.checks import load_checkset
from nndl.config import course


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("nndl")
    group.addoption("--submission", type=Path, default=None,
                    help="grade this .py/.ipynb submission instead of the reference solutions")
    group.addoption("--set", dest="nndl_set", default=None,
                    help="exercise set of --submission (default: notebook metadata or file name)")


def _submission(config: pytest.Config):
    from nndl.loader import load_submission

    path = config.getoption("--submission")
    return None if path is None else load_submission(path, config.getoption("nndl_set"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "check" not in metafunc.fixturenames:
        return
    sub = _submission(metafunc.config)
    if sub is not None and sub.set_name is None:
        raise pytest.UsageError("; ".join(sub.problems))
    sets = [(sub.assignment, sub.set_name)] if sub is not None else course().all_sets()
    params = [pytest.param(check, id=check.full_id) for a, s in sets for _, check in load_checkset(a, s)]
    metafunc.parametrize("check", params)


@pytest.fixture(scope="session")
def _sandbox_session(pytestconfig: pytest.Config):
    sub = _submission(pytestconfig)
    if sub is None:
        yield None
        return
    from nndl.grading import hidden_paths
    from nndl.sandbox import Sandbox

    with Sandbox(course().limits, hidden_paths=hidden_paths([sub.path])) as box:
        session = box.load(sub.cells, filename=sub.path.name)
        try:
            yield session
        finally:
            session.close()


@pytest.fixture
def impl(check, _sandbox_session):
    """The implementation under test: the reference module, or the sandboxed submission."""
    if _sandbox_session is None:
        from nndl.impl import LocalImpl

        module = importlib.import_module(f"solutions.{check.assignment}.{check.set_name}")
        local = LocalImpl(module, where="the reference solution")
        yield local
        local.close()
        return
    _sandbox_session.ensure_alive()
    _sandbox_session.begin_check(course().limits.check_seconds)
    yield _sandbox_session.impl
