"""Submission trees for batch grading (``tests/test_batch.py``, ``bench/batch.py``).

Every variant of a set is a complete ``.py`` submission as a student would
hand it in: the reference solution, the blank stub, and the reference with the
overrides of one mutant or valid alternative of ``tests/<a>/mutants/<set>.py``
pasted in place of the functions they replace (so every mistake is one whose
detection the test suite proves).
"""

from __future__ import annotations

import ast
import functools
import inspect
import sqlite3
import textwrap
import types
from collections.abc import Callable
from pathlib import Path

from nndl import paths
from nndl.course_dir import _replace_function
from tests.samples import _helpers, mutants_module

SESSION1 = ["activations", "linear_nets", "random_nets", "derivatives", "gradient_ascent", "precision_sgd"]


def _imports(module: types.ModuleType) -> str:
    """The module's top-level imports (those a pasted override may need), minus the test machinery."""
    source = inspect.getsource(module)
    out = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Import) or (isinstance(node, ast.ImportFrom) and node.module != "__future__"
                                            and not (node.module or "").startswith("tests")):
            out.append(ast.get_source_segment(source, node))
    return "\n".join(out)


def _remove_definition(source: str, name: str) -> str:
    lines = source.split("\n")
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
            return "\n".join(lines[:start] + lines[node.end_lineno:])
    raise KeyError(name)


def _replace_assignment(source: str, name: str, value: object) -> str:
    lines = source.split("\n")
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return "\n".join(lines[:node.lineno - 1] + [f"{name} = {value!r}"] + lines[node.end_lineno:])
    raise KeyError(name)


@functools.cache
def _mutants_imports(assignment: str, set_name: str) -> str:
    return _imports(mutants_module(assignment, set_name)[0])


def with_overrides(assignment: str, set_name: str, overrides: dict, delete: tuple[str, ...] = ()) -> str:
    """The reference solution file with ``overrides`` pasted in and ``delete`` removed."""
    _, definitions = mutants_module(assignment, set_name)
    imports = _mutants_imports(assignment, set_name)
    text = paths.solution_file(assignment, set_name).read_text(encoding="utf-8")
    for name, value in overrides.items():
        if isinstance(value, types.FunctionType):
            code = textwrap.dedent(inspect.getsource(value))
            new_def = "\n\n".join([imports] + _helpers(code, definitions, {value.__name__}) + [code])
            text = _replace_function(text, name, new_def)
        else:
            text = _replace_assignment(text, name, value)
    for name in delete:
        text = _remove_definition(text, name)
    return text


def variant_makers(assignment: str, set_name: str) -> list[tuple[str, Callable[[], str]]]:
    """``[(variant id, function returning the submission text)]``: reference, blank, every mutant,
    every alternative (a text is only built when asked for: pasting is the slow part)."""
    module, _ = mutants_module(assignment, set_name)
    out: list[tuple[str, Callable[[], str]]] = [
        ("reference", lambda: paths.solution_file(assignment, set_name).read_text(encoding="utf-8")),
        ("blank", lambda: paths.stub_file(assignment, set_name).read_text(encoding="utf-8"))]
    out += [(f"mutant-{m.id}", functools.partial(with_overrides, assignment, set_name, dict(m.overrides), m.delete))
            for m in module.MUTANTS]
    out += [(f"alternative-{a.id}", functools.partial(with_overrides, assignment, set_name, dict(a.overrides)))
            for a in module.ALTERNATIVES]
    return out


def write_tree(root: Path, students: int, sets: list[str] = SESSION1, assignment: str = "session1") -> list[Path]:
    """``root/sNNN/<set>.py`` for ``students`` students, each with every set: student k hands in
    variant k (mod the number of variants) of each set.  Returns the files in discovery order."""
    files = []
    pools = {s: variant_makers(assignment, s) for s in sets}
    for k in range(students):
        folder = root / f"s{k:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        for s in sets:
            _, make = pools[s][k % len(pools[s])]
            text = make()
            path = folder / f"{s}.py"
            path.write_text(text, encoding="utf-8")
            files.append(path)
    return sorted(files)


def ledger_rows(db: Path) -> list[tuple]:
    """(submission, set_key, score) of every grade in the ledger ``db``, read-only; [] while it does not exist."""
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT submission, set_key, score FROM grades").fetchall()
    except sqlite3.OperationalError:  # not created yet by the grading process
        return []
