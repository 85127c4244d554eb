"""The course configuration: one typed schema over ``course.toml``.

Every point value, time limit, seed and hypothesis setting of the course is
read from ``course.toml`` through the frozen dataclasses below.  Unknown keys,
missing keys and values of the wrong type are errors that name the file and
the dotted key, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nndl.paths import COURSE_TOML


class ConfigError(ValueError):
    """``course.toml`` does not match the schema."""


@dataclasses.dataclass(frozen=True)
class CourseInfo:
    #: Course name, used as nbgrader's ``CourseDirectory.course_id``.
    name: str
    #: Root seed: every check's generator is seeded from it and the check id.
    seed: int


@dataclasses.dataclass(frozen=True)
class Limits:
    """Resource limits for grading one submission in the sandbox."""

    #: Wall-clock seconds one check may take (all its calls together).
    check_seconds: float
    #: Wall-clock seconds one call into the submission may take.
    call_seconds: float
    #: Wall-clock seconds for loading (executing) the submission's cells.
    load_seconds: float
    #: CPU seconds the sandboxed worker may use in all (RLIMIT_CPU).
    cpu_seconds: int
    #: Address space the worker may add on top of the warm interpreter (RLIMIT_AS).
    memory_mb: int
    #: Processes/threads the sandbox user may own (RLIMIT_NPROC).
    processes: int
    #: Bytes of the submission's stdout/stderr kept for the report.
    output_kb: int
    #: Largest file the submission may write in its scratch directory (RLIMIT_FSIZE).
    file_mb: int


@dataclasses.dataclass(frozen=True)
class HypothesisProfile:
    max_examples: int
    derandomize: bool
    #: Whether hypothesis may write its example database (never while grading).
    database: bool


@dataclasses.dataclass(frozen=True)
class ExerciseSet:
    title: str
    #: Points per automatic check, keyed by check id (``grader/<assignment>/<set>.py``).
    checks: Mapping[str, float]
    #: Points per manually graded answer cell, keyed by the cell's id.
    manual: Mapping[str, float]

    @property
    def max_auto_points(self) -> float:
        return float(sum(self.checks.values()))


@dataclasses.dataclass(frozen=True)
class Assignment:
    title: str
    sets: Mapping[str, ExerciseSet]


@dataclasses.dataclass(frozen=True)
class Course:
    course: CourseInfo
    limits: Limits
    hypothesis: Mapping[str, HypothesisProfile]
    assignments: Mapping[str, Assignment]

    def set(self, assignment: str, set_name: str) -> ExerciseSet:
        try:
            return self.assignments[assignment].sets[set_name]
        except KeyError:
            known = ", ".join(f"{a}/{s}" for a, s in self.all_sets())
            raise ConfigError(f"no exercise set {assignment}/{set_name} in course.toml (known: {known})") from None

    def all_sets(self) -> list[tuple[str, str]]:
        return [(a, s) for a, asg in self.assignments.items() for s in asg.sets]

    def find_set(self, set_name: str) -> tuple[str, str]:
        """Return ``(assignment, set)`` for a set name, or ``assignment/set``."""
        if "/" in set_name:
            assignment, _, name = set_name.partition("/")
            self.set(assignment, name)
            return assignment, name
        matches = [(a, s) for a, s in self.all_sets() if s == set_name]
        if len(matches) != 1:
            known = ", ".join(s for _, s in self.all_sets())
            raise ConfigError(f"unknown exercise set {set_name!r} (known: {known})")
        return matches[0]


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", str(tp))


def _build(tp: Any, value: Any, where: str, file: Path) -> Any:
    """Convert TOML data ``value`` to type ``tp``, raising ConfigError naming ``where``."""
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ConfigError(f"{file}: [{where}] must be a table")
        hints = typing.get_type_hints(tp)
        names = {f.name for f in dataclasses.fields(tp)}
        unknown = sorted(set(value) - names)
        if unknown:
            raise ConfigError(f"{file}: unknown key {where + '.' if where else ''}{unknown[0]}")
        missing = sorted(names - set(value))
        if missing:
            raise ConfigError(f"{file}: missing key {where + '.' if where else ''}{missing[0]}")
        return tp(**{k: _build(hints[k], value[k], f"{where}.{k}" if where else k, file) for k in names})
    if origin in (Mapping, dict) or origin is typing.Mapping:
        key_t, val_t = typing.get_args(tp)
        if not isinstance(value, dict):
            raise ConfigError(f"{file}: [{where}] must be a table")
        return types.MappingProxyType({k: _build(val_t, v, f"{where}.{k}", file) for k, v in value.items()})
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{file}: {where} must be a number, got {value!r}")
        return float(value)
    if tp in (int, str, bool):
        if not isinstance(value, tp) or (tp is int and isinstance(value, bool)):
            raise ConfigError(f"{file}: {where} must be {_type_name(tp)}, got {value!r}")
        return value
    raise TypeError(f"unsupported schema type {tp!r}")  # pragma: no cover - schema bug


def parse_course(data: dict[str, Any], file: Path) -> Course:
    course = _build(Course, data, "", file)
    for name in ("grading", "dev"):
        if name not in course.hypothesis:
            raise ConfigError(f"{file}: missing key hypothesis.{name}")
    if course.hypothesis["grading"].database or not course.hypothesis["grading"].derandomize:
        raise ConfigError(f"{file}: hypothesis.grading must set derandomize = true and database = false")
    for a, s in course.all_sets():
        for key, pts in {**course.assignments[a].sets[s].checks, **course.assignments[a].sets[s].manual}.items():
            if pts < 0:
                raise ConfigError(f"{file}: assignments.{a}.sets.{s}: points for {key} must be >= 0")
    return course


def load_course(path: Path | None = None) -> Course:
    path = Path(path) if path is not None else COURSE_TOML
    with open(path, "rb") as fh:
        try:
            data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from None
    return parse_course(data, path)


@functools.cache
def course() -> Course:
    """The repository's course configuration (cached)."""
    return load_course()
