"""Locations inside the course repository, resolved from this file, never from the cwd."""

from __future__ import annotations

from pathlib import Path

#: The repository root (the folder holding ``course.toml``).
REPO_ROOT = Path(__file__).resolve().parents[1]
COURSE_TOML = REPO_ROOT / "course.toml"
if not COURSE_TOML.exists() and (Path(__file__).parent / "course.toml").exists():
    # An installed student kit (``nndl release``) carries its configuration inside the package.
    COURSE_TOML = Path(__file__).parent / "course.toml"
SOLUTIONS = REPO_ROOT / "solutions"
GRADER = REPO_ROOT / "grader"
ASSIGNMENTS = REPO_ROOT / "assignments"
TESTS = REPO_ROOT / "tests"
SAMPLES = REPO_ROOT / "tests" / "samples"
BUILD = REPO_ROOT / "build"


def solution_file(assignment: str, set_name: str) -> Path:
    return SOLUTIONS / assignment / f"{set_name}.py"


def stub_file(assignment: str, set_name: str) -> Path:
    return ASSIGNMENTS / assignment / f"{set_name}.py"


def notebook_file(assignment: str, set_name: str) -> Path:
    return ASSIGNMENTS / assignment / f"{set_name}.ipynb"
