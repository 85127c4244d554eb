"""Read a submission (``.py`` or ``.ipynb``) into independent code cells.

Bad input never raises: every problem becomes a reason in
:attr:`Submission.problems`, and only what is really missing scores 0.

* ``.py``: split at ``# %%`` cell markers (the stub's layout); a file without
  markers is one cell.  Each cell is executed on its own, so a syntax error
  in one exercise costs only that exercise.
* ``.ipynb``: the code cells except nbgrader test cells (those call the
  grader in the student's kernel; the sandbox runs the checks itself).
"""

from __future__ import annotations

import dataclasses
import json
import re
import warnings
from pathlib import Path

from nndl.config import ConfigError, Course, course

MAX_BYTES = 5 * 2**20
_MARKER = re.compile(r"^# %%.*$", re.MULTILINE)


@dataclasses.dataclass(frozen=True)
class Cell:
    """One unit of submission code, executed independently (an error in one cell does not stop the next)."""

    index: int
    source: str
    label: str


@dataclasses.dataclass
class Submission:
    path: Path
    assignment: str | None
    set_name: str | None
    cells: list[Cell]
    problems: list[str]

    @property
    def set_key(self) -> str:
        return f"{self.assignment}/{self.set_name}" if self.set_name else "?"


def _read_text(path: Path, problems: list[str]) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(f"cannot read the file: {exc.strerror or exc}")
        return None
    if not raw.strip():
        problems.append("the file is empty")
        return None
    if len(raw) > MAX_BYTES:
        problems.append(f"the file is larger than {MAX_BYTES // 2**20} MiB")
        return None
    if b"\x00" in raw[:8192]:
        problems.append("the file is binary, not Python source or a notebook")
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(f"the file is not UTF-8 text (byte {exc.start}); undecodable bytes were replaced")
        return raw.decode("utf-8", errors="replace")


def split_py(text: str) -> list[Cell]:
    """Cells of a percent-format file; each cell starts at its ``# %%`` line (kept, so line numbers match)."""
    starts = [m.start() for m in _MARKER.finditer(text)]
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    cells = []
    for i, (a, b) in enumerate(zip(starts, starts[1:] + [len(text)])):
        chunk = text[a:b]
        line = text.count("\n", 0, a) + 1
        # Pad with blank lines so tracebacks and SyntaxErrors report the file's own line numbers.
        cells.append(Cell(i, "\n" * (line - 1) + chunk, f"line {line}"))
    return [c for c in cells if c.source.strip()]


def _notebook_cells(text: str, problems: list[str]) -> tuple[list[Cell], dict]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(f"the notebook is not valid JSON ({exc.msg} at line {exc.lineno})")
        return [], {}
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        problems.append("the notebook has no list of cells")
        return [], {}
    # Imported here: nbformat takes seconds to import (its JSON-schema format checkers), and the
    # sandbox (which imports this module for Cell) and .py submissions never need it.
    import nbformat

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. duplicate cell ids: repaired, and reported below
            nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many types on bad input
        problems.append(f"the notebook could not be read ({type(exc).__name__}); its cells are read as they are")
        nb = None
    raw_cells = nb.cells if nb is not None else data["cells"]
    meta = dict(nb.metadata) if nb is not None else (data.get("metadata") or {})
    cells, grade_ids = [], []
    for i, cell in enumerate(raw_cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        nbg = (cell.get("metadata") or {}).get("nbgrader") or {}
        if not isinstance(nbg, dict):
            nbg = {}
        if nbg.get("grade_id"):
            grade_ids.append(nbg["grade_id"])
        if nbg.get("grade") and not nbg.get("solution"):
            continue  # a test cell: the grader runs its checks itself
        cells.append(Cell(i, source, f"cell {i + 1}"))
    dupes = sorted({g for g in grade_ids if grade_ids.count(g) > 1})
    if dupes:
        problems.append(f"the notebook has duplicated nbgrader cells: {', '.join(map(str, dupes))}")
    return cells, meta


def load_submission(path: Path, set_name: str | None = None, cfg: Course | None = None) -> Submission:
    """Read ``path``; the set is ``set_name``, else the notebook's metadata, else the file name."""
    cfg = cfg or course()
    path = Path(path)
    problems: list[str] = []
    text = _read_text(path, problems)
    cells: list[Cell] = []
    meta: dict = {}
    if text is not None:
        if path.suffix == ".ipynb":
            cells, meta = _notebook_cells(text, problems)
        else:
            if path.suffix != ".py":
                problems.append(f"unexpected file type {path.suffix or '(none)'}; read as Python source")
            cells = split_py(text)
    nndl_meta = meta.get("nndl") if isinstance(meta.get("nndl"), dict) else {}
    meta_set = nndl_meta.get("set") if isinstance(nndl_meta.get("set"), str) else None
    assignment = name = None
    try:
        if set_name:
            assignment, name = cfg.find_set(set_name)
            if meta_set and meta_set != name:
                problems.append(f"this notebook is for set {meta_set!r}, but it was graded as {name!r}")
        elif meta_set:
            assignment, name = cfg.find_set(meta_set)
        else:
            assignment, name = cfg.find_set(path.stem)
    except ConfigError as exc:
        problems.append(f"cannot tell which exercise set this is ({exc}); pass --set NAME")
    return Submission(path, assignment, name, cells, problems)
