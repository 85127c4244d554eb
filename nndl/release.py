"""``nndl release DIR``: what students receive, and nothing else.

``DIR`` gets

* ``nndl_student-<version>-py3-none-any.whl``: the ``nndl`` package and the
  *public* checks (``grader/``), with the course configuration inside the
  package (``nndl/course.toml``, listing public checks only).  No
  ``solutions/``, no instructor-only check (their functions are cut out of
  the check modules, their ids out of the configuration), no hidden test;
* ``assignments/<assignment>/<set>.ipynb`` and ``.py``: the release notebooks
  and stubs (:mod:`nndl.build`, nbgrader's own preprocessors: solutions and
  hidden tests removed);
* ``README.md``: how to install the wheel and run the test cells.

The wheel is built by the standard machinery (``pip wheel``, setuptools) from
a project folder generated in a temporary directory, so what is packaged is
exactly what was generated.  Every set of ``course.toml`` whose solution and
check module exist is released; a set still missing one is left out and
named on stderr.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Sequence
from pathlib import Path

from nndl import paths
from nndl.config import Course, course, parse_course

#: The distribution name of the student kit (it installs the ``nndl`` and ``grader`` packages).
DIST_NAME = "nndl-student"
#: Dependencies of the instructor's project that students do not need.
INSTRUCTOR_ONLY_DEPS = {"nbgrader", "nbconvert", "nbclient", "pytest"}


class ReleaseError(RuntimeError):
    """Something instructor-only would reach students: the release stops."""


# --- what is public ------------------------------------------------------------------------------------

def _is_instructor_check(node: ast.stmt) -> bool:
    """A ``@<x>.check(..., public=False)`` function."""
    if not isinstance(node, ast.FunctionDef):
        return False
    for dec in node.decorator_list:
        if (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and dec.func.attr == "check"
                and any(k.arg == "public" and isinstance(k.value, ast.Constant) and k.value.value is False
                        for k in dec.keywords)):
            return True
    return False


def public_module(source: str, where: str = "<check module>") -> str:
    """A check module's source with every instructor-only check cut out (decorators and all)."""
    tree = ast.parse(source)
    lines = source.split("\n")
    cut: list[tuple[int, int]] = []
    for node in tree.body:
        if _is_instructor_check(node):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            end = node.end_lineno or node.lineno
            while end < len(lines) and not lines[end].strip():
                end += 1  # the blank lines after it
            cut.append((start, end))
    for start, end in reversed(cut):
        del lines[start:end]
    out = "\n".join(lines)
    for node in ast.walk(ast.parse(out)):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        if any(n == "solutions" or n.startswith("solutions.") for n in names):
            raise ReleaseError(f"{where}: a public part imports the reference solutions (line {node.lineno}); "
                               "only instructor-only checks (public=False) may")
    return out


def released_sets(cfg: Course | None = None, only: Sequence[str] = ()) -> tuple[list[tuple[str, str]], list[str]]:
    """``(sets to release, notes on sets left out)``: every set of course.toml (or those named in
    ``only``) that has its solution and its check module."""
    from nndl.config import ConfigError

    cfg = cfg or course()
    try:
        wanted = {cfg.find_set(name) for name in only}
    except ConfigError as exc:
        raise ReleaseError(f"--set: {exc}") from None
    out, notes = [], []
    for a, s in cfg.all_sets():
        if wanted and (a, s) not in wanted:
            continue
        missing = [str(p.relative_to(paths.REPO_ROOT)) for p in (paths.solution_file(a, s), paths.GRADER / a / f"{s}.py")
                   if not p.exists()]
        if missing:
            notes.append(f"{a}/{s} left out: {', '.join(missing)} missing")
        else:
            out.append((a, s))
    return out, notes


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"no TOML for {value!r}")  # pragma: no cover - the schema has no other types


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name)


def public_course_toml(cfg: Course, sets: Sequence[tuple[str, str]]) -> str:
    """``course.toml`` for students: the released sets, public checks only (same points, limits, seeds)."""
    from nndl.checks import load_checkset

    out = ["# Generated by `nndl release` from the course's course.toml: public checks only.", ""]

    def table(name: str, obj: object) -> None:
        out.append(f"[{name}]")
        for f in dataclasses.fields(obj):  # type: ignore[arg-type]
            out.append(f"{f.name} = {_toml_value(getattr(obj, f.name))}")
        out.append("")

    table("course", cfg.course)
    table("limits", cfg.limits)
    for name, profile in cfg.hypothesis.items():
        table(f"hypothesis.{_key(name)}", profile)
    for a, asg in cfg.assignments.items():
        mine = [s for aa, s in sets if aa == a]
        if not mine:
            continue
        out += [f"[assignments.{_key(a)}]", f"title = {_toml_value(asg.title)}", ""]
        for s in mine:
            ex = asg.sets[s]
            public = {cid for cid, c in load_checkset(a, s) if c.public}
            base = f"assignments.{_key(a)}.sets.{_key(s)}"
            out += [f"[{base}]", f"title = {_toml_value(ex.title)}", f"[{base}.checks]"]
            out += [f"{_key(cid)} = {_toml_value(pts)}" for cid, pts in ex.checks.items() if cid in public]
            out += [f"[{base}.manual]"]
            out += [f"{_key(k)} = {_toml_value(pts)}" for k, pts in ex.manual.items()]
            out.append("")
    text = "\n".join(out)
    parse_course(tomllib.loads(text), Path("course.toml"))  # what students get must parse
    return text


# --- the package --------------------------------------------------------------------------------------

def _dependencies() -> list[str]:
    with open(paths.REPO_ROOT / "pyproject.toml", "rb") as fh:
        deps = tomllib.load(fh)["project"]["dependencies"]
    name = re.compile(r"^\s*([A-Za-z0-9_.-]+)")
    return [d for d in deps if name.match(d).group(1).lower().replace("_", "-") not in INSTRUCTOR_ONLY_DEPS]


def _pyproject(version: str) -> str:
    deps = ",\n".join(f"    {json.dumps(d)}" for d in _dependencies())
    return f"""[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{DIST_NAME}"
version = "{version}"
description = "Neural-networks course: exercise checks for students (public checks only)"
readme = "README.md"
requires-python = ">=3.11"
dependencies = [
{deps},
]

[project.scripts]
nndl-grade = "nndl.cli:grade_main"

[tool.setuptools.packages.find]
include = ["nndl*", "grader*"]

[tool.setuptools.package-data]
nndl = ["course.toml"]
"""


def write_project(root: Path, cfg: Course, sets: Sequence[tuple[str, str]], readme: str) -> Path:
    """The student kit's project folder: ``nndl/`` (+ course.toml), public ``grader/``, pyproject, README."""
    import nndl

    shutil.copytree(Path(nndl.__file__).parent, root / "nndl",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "course.toml"))
    (root / "nndl" / "course.toml").write_text(public_course_toml(cfg, sets), encoding="utf-8")
    grader = root / "grader"
    grader.mkdir()
    shutil.copy(paths.GRADER / "__init__.py", grader / "__init__.py")
    set_files = {f"{a}/{s}.py" for a, s in cfg.all_sets()}
    for a in sorted({a for a, _ in sets}):
        (grader / a).mkdir()
        for src in sorted((paths.GRADER / a).glob("*.py")):
            rel = f"{a}/{src.name}"
            if src.name == "conftest.py" or src.name.startswith("test_"):
                continue
            if rel in set_files and (a, src.stem) not in sets:
                continue  # a set not released
            text = src.read_text(encoding="utf-8")
            if rel in set_files:
                text = public_module(text, str(src.relative_to(paths.REPO_ROOT)))
            (grader / a / src.name).write_text(text, encoding="utf-8")
    (root / "pyproject.toml").write_text(_pyproject(nndl.__version__), encoding="utf-8")
    (root / "README.md").write_text(readme, encoding="utf-8")
    return root


def build_wheel(project: Path, out: Path) -> Path:
    """``pip wheel`` the project (setuptools, no network: no build isolation, no dependencies)."""
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "--no-index", "--quiet", "--wheel-dir", str(out), str(project)],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise ReleaseError(f"building the wheel failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    wheels = sorted(out.glob(f"{DIST_NAME.replace('-', '_')}-*.whl"))
    if not wheels:  # pragma: no cover - pip succeeded without a wheel
        raise ReleaseError("pip wheel wrote no wheel")
    return wheels[-1]


def readme_text(cfg: Course, sets: Sequence[tuple[str, str]], wheel: str) -> str:
    rows = "\n".join(f"| `{a}/{s}` | {cfg.set(a, s).title} | `assignments/{a}/{s}.ipynb`, `assignments/{a}/{s}.py` |"
                     for a, s in sets)
    example = sets[0][1] if sets else "activations"
    return f"""# {cfg.course.name}: exercises and checks

This folder holds your exercise notebooks (and the same exercises as `.py`
files) and a Python package with the checks you can run yourself.

| set | title | files |
| --- | --- | --- |
{rows}

## Install (once)

With Python 3.11, in a fresh virtual environment:

```sh
python3.11 -m venv nndl-env
. nndl-env/bin/activate
pip install {wheel}
pip install jupyterlab        # to open the notebooks
```

## Work on a notebook

Open `assignments/<assignment>/<set>.ipynb` in Jupyter, replace each
`raise NotImplementedError()` with your code, and run the test cell below each
function: it prints every check with a tick or a cross, the smallest input
that fails, what came back, what was expected and a hint, and shows the points
earned.  These are the public checks; the course grades with a few more.

## Or on a `.py` file

Edit `assignments/<assignment>/<set>.py`, then:

```sh
nndl-grade {example}.py                   # the set is taken from the file name
nndl-grade my_work.py --set {example}     # any file name
```

Each check runs your code in an isolated process and prints a table of points
and messages.
"""


@dataclasses.dataclass
class Release:
    dir: Path
    wheel: Path
    files: list[Path]
    sets: list[tuple[str, str]]
    #: Sets of course.toml left out (no solution or no check module yet).
    notes: list[str]


def release(out_dir: Path, cfg: Course | None = None, only: Sequence[str] = ()) -> Release:
    """Write the student kit into ``out_dir`` (created; must be empty if it exists); ``only``: these sets."""
    from nndl import build

    cfg = cfg or course()
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise ReleaseError(f"{out_dir}: folder is not empty; choose a new folder")
    sets, notes = released_sets(cfg, only)
    if not sets:
        raise ReleaseError("no exercise set has both a solution and a check module")
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for a, s in sets:
        for path, text in build.build_set(a, s).items():
            dest = out_dir / path.relative_to(paths.ASSIGNMENTS.parent)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
            written.append(dest)
    import nndl

    wheel_name = f"{DIST_NAME.replace('-', '_')}-{nndl.__version__}-py3-none-any.whl"
    readme = readme_text(cfg, sets, wheel_name)
    with tempfile.TemporaryDirectory(prefix="nndl-release-") as tmp:
        project = write_project(Path(tmp) / "project", cfg, sets, readme)
        wheel = build_wheel(project, out_dir)
    (out_dir / "README.md").write_text(readme, encoding="utf-8")
    return Release(out_dir, wheel, written, list(sets), notes)


def main(out_dir: Path, only: Sequence[str] = ()) -> int:
    try:
        info = release(out_dir, only=only)
    except ReleaseError as exc:
        print(f"nndl release: error: {exc}", file=sys.stderr)
        return 2
    for note in info.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {info.dir}: {info.wheel.name}, {len(info.files)} notebooks and stubs for {len(info.sets)} sets, "
          "README.md")
    return 0


__all__ = ["Release", "ReleaseError", "public_course_toml", "public_module", "release"]
