"""course.toml has one typed schema; every check and answer cell has its points."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from nndl import paths
from nndl.build import parse_solution
from nndl.checks import load_checkset
from nndl.config import ConfigError, course, load_course, parse_course


def _data() -> dict:
    return tomllib.loads(paths.COURSE_TOML.read_text(encoding="utf-8"))


def test_course_toml_loads():
    cfg = load_course()
    assert cfg.course.name == "nndl"
    assert cfg.hypothesis["grading"].derandomize and not cfg.hypothesis["grading"].database


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["limits"].update(check_secs=1.0), r"course.toml: unknown key limits.check_secs"),
    (lambda d: d["limits"].pop("memory_mb"), r"missing key limits.memory_mb"),
    (lambda d: d["limits"].update(processes="many"), r"limits.processes must be int"),
    (lambda d: d["course"].update(seed=1.5), r"course.seed must be int"),
    (lambda d: d["hypothesis"]["grading"].update(derandomize=False), r"hypothesis.grading must set derandomize"),
    (lambda d: d["assignments"]["session1"]["sets"]["activations"]["checks"].update(leaky_relu_definition=-1),
     r"points for leaky_relu_definition must be >= 0"),
    (lambda d: d["assignments"]["session1"]["sets"]["activations"].update(pts=1), r"unknown key assignments.session1.sets.activations.pts"),
])
def test_schema_errors_name_file_and_key(edit, message):
    data = _data()
    edit(data)
    with pytest.raises(ConfigError, match=message):
        parse_course(data, Path("course.toml"))


@pytest.mark.parametrize(("assignment", "set_name"), course().all_sets())
def test_every_check_has_points_and_every_point_a_check(assignment, set_name):
    ids = {cid for cid, _ in load_checkset(assignment, set_name)}
    configured = set(course().set(assignment, set_name).checks)
    assert ids - configured == set(), f"checks without points in course.toml: {sorted(ids - configured)}"
    assert configured - ids == set(), f"points for checks that do not exist: {sorted(configured - ids)}"


@pytest.mark.parametrize(("assignment", "set_name"), course().all_sets())
def test_every_answer_cell_has_points(assignment, set_name):
    answers = {c.answer_id for c in parse_solution(paths.solution_file(assignment, set_name)) if c.role == "answer"}
    assert answers == set(course().set(assignment, set_name).manual)


@pytest.mark.parametrize(("assignment", "set_name"), course().all_sets())
def test_every_set_has_an_instructor_only_and_public_checks(assignment, set_name):
    checks = [c for _, c in load_checkset(assignment, set_name)]
    assert any(not c.public for c in checks), "no instructor-only check compares with the reference"
    assert any(c.public for c in checks), "students could not check anything themselves"
