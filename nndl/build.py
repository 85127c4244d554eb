"""Derive everything students receive from ``solutions/``, mechanically.

``solutions/<assignment>/<set>.py`` is a percent-format script (importable as a
module) whose cell headers say what each cell is:

``# %%``
    plain code (imports, given constants);
``# %% [markdown]``
    text of the exercise sheet;
``# %% solution``
    an autograded answer cell: code with ``### BEGIN SOLUTION`` /
    ``### END SOLUTION`` regions;
``# %% [markdown] answer=<id>``
    a manually graded written answer (points: ``course.toml`` ``manual.<id>``).

From it this module builds

1. the nbgrader *source* notebook (solutions and hidden tests intact, one
   autograded test cell after each solution cell per contract name it
   defines, points from ``course.toml``), used by the instructor's course
   directory;
2. the *release* notebook ``assignments/<assignment>/<set>.ipynb``, produced
   from the source by nbgrader's own preprocessors (``ClearSolutions``,
   ``ClearHiddenTests``, ``ComputeChecksums``, ...), exactly what
   ``nbgrader generate_assignment`` gives students;
3. the ``.py`` stub ``assignments/<assignment>/<set>.py``, the release
   notebook's cells in percent format, for students who prefer an editor.

``nndl build`` writes 2 and 3; ``tests/test_build.py`` fails when they are stale.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nndl import paths
from nndl.checks import load_checkset
from nndl.config import Course, course

_HEADER = re.compile(r"^# %%(?:[ \t]*\[(?P<kind>markdown)\])?(?P<rest>.*)$")
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"


class BuildError(ValueError):
    """A solution file does not follow the cell grammar."""


@dataclasses.dataclass(frozen=True)
class SourceCell:
    kind: str  # "code" | "markdown"
    role: str  # "plain" | "solution" | "answer"
    source: str
    answer_id: str | None = None
    line: int = 0


def parse_solution(path: Path) -> list[SourceCell]:
    """Split a percent-format solution file into typed cells."""
    text = path.read_text(encoding="utf-8")
    cells: list[SourceCell] = []
    header: re.Match[str] | None = None
    start, body = 0, []

    def flush() -> None:
        if header is None:
            if "".join(body).strip():
                raise BuildError(f"{path}:1: code before the first '# %%' cell header")
            return
        kind = "markdown" if header["kind"] else "code"
        rest = header["rest"].strip()
        source = "\n".join(body).strip("\n")
        if kind == "markdown":
            source = "\n".join(_uncomment(line, path, start) for line in source.split("\n"))
        if rest == "":
            cells.append(SourceCell(kind, "plain", source, line=start))
        elif kind == "code" and rest == "solution":
            cells.append(SourceCell(kind, "solution", source, line=start))
        elif kind == "markdown" and rest.startswith("answer="):
            cells.append(SourceCell(kind, "answer", source, rest.removeprefix("answer="), line=start))
        else:
            raise BuildError(f"{path}:{start}: unknown cell header {header.group(0)!r}")

    for number, line in enumerate(text.split("\n"), start=1):
        match = _HEADER.match(line)
        if match:
            flush()
            header, start, body = match, number, []
        else:
            body.append(line)
    flush()
    return cells


def _uncomment(line: str, path: Path, start: int) -> str:
    if line.startswith("# "):
        return line[2:]
    if line.strip() == "#" or line.strip() == "":
        return ""
    raise BuildError(f"{path}: markdown cell at line {start} has an uncommented line: {line!r}")


def defined_names(source: str) -> list[str]:
    """Top-level functions, classes and assigned names of a code cell, in order."""
    names = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return names


def test_cell_source(assignment: str, set_name: str, target: str, *, has_instructor: bool) -> str:
    lines = [
        f"# Checks of {target}: run this cell after yours. It prints what failed, with a hint,",
        "# and shows the points earned (the course grades with more checks than you see here).",
        "from nndl.notebook import CellGrade",
        f'grade = CellGrade("{assignment}/{set_name}", "{target}", globals())',
        "grade.run_public()",
    ]
    if has_instructor:
        lines += ["### BEGIN HIDDEN TESTS", "grade.run_instructor()", "### END HIDDEN TESTS"]
    lines.append("grade")
    return "\n".join(lines)


def _nbgrader_meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def names_used(func: object, candidates: set[str]) -> set[str]:
    """Contract names a check uses: ``impl.<name>`` attributes and string constants naming a
    contract function, in the check and (transitively) in the module-level helpers it calls."""
    import inspect
    import textwrap

    module = inspect.getmodule(func)
    seen: set[str] = set()
    found: set[str] = set()
    todo = [func]
    while todo:
        fn = todo.pop()
        if getattr(fn, "__name__", None) in seen:
            continue
        seen.add(fn.__name__)
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
        except (OSError, TypeError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in candidates:
                found.add(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in candidates:
                found.add(node.value)
            elif isinstance(node, ast.Name) and module is not None:
                helper = getattr(module, node.id, None)
                if inspect.isfunction(helper) and helper.__module__ == module.__name__:
                    todo.append(helper)
    return found


def source_notebook(assignment: str, set_name: str, cfg: Course | None = None) -> nbformat.NotebookNode:
    """The nbgrader source notebook of one set (with solutions and hidden tests).

    Each contract name's test cell is placed after the last solution cell that
    defines a name its checks use, so it runs in a notebook where everything
    it calls already exists.
    """
    cfg = cfg or course()
    exset = cfg.set(assignment, set_name)
    checkset = load_checkset(assignment, set_name)
    path = paths.solution_file(assignment, set_name)
    parsed = parse_solution(path)
    defined_at: dict[str, int] = {}
    for n, cell in enumerate(parsed):
        if cell.role == "solution":
            for name in defined_names(cell.source):
                defined_at.setdefault(name, n)
    placement: dict[int, list[str]] = {}
    for target in checkset.targets:
        if target not in defined_at:
            raise BuildError(f"{path}: checks target {target!r} but no solution cell defines it")
        needed = {target}
        for _, check in checkset:
            if check.target == target:
                needed |= names_used(check.func, set(defined_at))
        placement.setdefault(max(defined_at[name] for name in needed), []).append(target)
    cells = []
    used_answers: set[str] = set()
    for n, cell in enumerate(parsed):
        if cell.role == "plain":
            new = (new_markdown_cell if cell.kind == "markdown" else new_code_cell)(cell.source)
            new.id = f"{cell.kind}-{n}"
            cells.append(new)
        elif cell.role == "answer":
            if cell.answer_id not in exset.manual:
                raise BuildError(f"{path}:{cell.line}: answer={cell.answer_id} has no points in course.toml "
                                 f"[assignments.{assignment}.sets.{set_name}.manual]")
            used_answers.add(cell.answer_id)
            new = new_markdown_cell(cell.source, metadata=_nbgrader_meta(
                cell.answer_id, grade=True, solution=True, locked=False, points=exset.manual[cell.answer_id]))
            new.id = cell.answer_id
            cells.append(new)
        else:
            names = defined_names(cell.source)
            if not names:
                raise BuildError(f"{path}:{cell.line}: a solution cell must define a contract name")
            new = new_code_cell(cell.source, metadata=_nbgrader_meta(names[0], grade=False, solution=True, locked=False))
            new.id = names[0]
            cells.append(new)
        for target in placement.get(n, []):
            group = [c for _, c in checkset if c.target == target]
            points = sum(exset.checks[c.id] for c in group)
            test = new_code_cell(
                test_cell_source(assignment, set_name, target, has_instructor=any(not c.public for c in group)),
                metadata=_nbgrader_meta(f"test_{target}", grade=True, solution=False, locked=True, points=points))
            test.id = f"test_{target}"
            cells.append(test)
    unused = sorted(set(exset.manual) - used_answers)
    if unused:
        raise BuildError(f"{path}: course.toml gives points to answers {unused} that have no answer cell")
    ids = [c.id for c in cells]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise BuildError(f"{path}: cell ids (answer ids, function names) must be unique: {dupes}")
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": KERNELSPEC,
        "language_info": {"name": "python"},
        "nndl": {"assignment": assignment, "set": set_name},
    })
    return nb


def release_notebook(source: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Apply nbgrader's own generate_assignment preprocessors (without the database)."""
    from nbgrader.preprocessors import (CheckCellMetadata, ClearHiddenTests, ClearMarkScheme, ClearOutput,
                                        ClearSolutions, ComputeChecksums, LockCells)

    nb = nbformat.from_dict(source)  # a deep copy: preprocessors edit in place
    resources: dict = {}
    for pre in (LockCells(), ClearSolutions(code_stub={"python": CODE_STUB}, text_stub=TEXT_STUB), ClearOutput(),
                CheckCellMetadata(), ComputeChecksums(), ClearHiddenTests(), ClearMarkScheme(), ComputeChecksums(),
                CheckCellMetadata()):
        nb, resources = pre.preprocess(nb, resources)
    return nb


def notebook_text(nb: nbformat.NotebookNode) -> str:
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def stub_text(release: nbformat.NotebookNode, assignment: str, set_name: str) -> str:
    """The release notebook as a percent-format ``.py`` stub (test cells left out)."""
    out = [
        f"# Exercise set {assignment}/{set_name}: fill in every `raise NotImplementedError()`.",
        f"# Check your work: nndl-grade {set_name}.py --set {set_name}",
        "# (generated from the course solutions by `nndl build`; do not edit the cell headers)",
        "",
    ]
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            continue  # test cells call the grader on a notebook's globals(); .py files use nndl-grade
        if cell.cell_type == "markdown":
            header = "# %% [markdown]" + (f" answer={meta['grade_id']}" if meta.get("solution") else "")
            body = "\n".join(("# " + line) if line else "#" for line in cell.source.split("\n"))
        else:
            header = "# %% solution" if meta.get("solution") else "# %%"
            body = cell.source
        out += [header, body, "", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def build_set(assignment: str, set_name: str) -> dict[Path, str]:
    """Files derived from one solution: ``{path: text}``."""
    release = release_notebook(source_notebook(assignment, set_name))
    return {
        paths.notebook_file(assignment, set_name): notebook_text(release),
        paths.stub_file(assignment, set_name): stub_text(release, assignment, set_name),
    }


def build_all(cfg: Course | None = None, *, only: str | None = None) -> dict[Path, str]:
    """Every derived file, by path; ``only``: just one set (a set name or ``assignment/set``)."""
    cfg = cfg or course()
    sets = [cfg.find_set(only)] if only is not None else cfg.all_sets()
    files: dict[Path, str] = {}
    for assignment, set_name in sets:
        if paths.solution_file(assignment, set_name).exists():
            files.update(build_set(assignment, set_name))
    return files


def write_all(derived: dict[Path, str] | None = None) -> list[Path]:
    """Write the derived files (default: all of them) that differ from what is on disk."""
    written = []
    for path, text in (build_all() if derived is None else derived).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
