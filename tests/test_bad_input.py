"""Bad input gets a clear reason, and a 0 only for what is really missing;
a batch with bad submissions still grades all the others."""

from __future__ import annotations

import copy

import nbformat
import pytest

from nndl import course_dir, paths
from nndl.config import course

pytestmark = pytest.mark.slow

FULL = course().set("session1", "activations").max_auto_points


def _nb(nb) -> str:
    return nbformat.writes(nb)


def _cases() -> dict[str, tuple[str, str]]:
    """name -> (file name, content); content is text (or bytes via latin-1 marker)."""
    ref = course_dir.filled_notebook("session1", "activations")
    ref_py = paths.solution_file("session1", "activations").read_text(encoding="utf-8")
    cases: dict[str, tuple[str, str | bytes]] = {}
    cases["reference_notebook"] = ("activations.ipynb", _nb(ref))
    cases["invalid_json"] = ("activations.ipynb", '{"cells": [ {"cell_type": "code", "source": "import numpy')
    no_meta = copy.deepcopy(ref)
    for cell in no_meta.cells:
        cell.metadata.pop("nbgrader", None)
    no_meta.metadata.pop("nndl", None)
    cases["missing_nbgrader_metadata"] = ("activations.ipynb", _nb(no_meta))
    dup = copy.deepcopy(ref)
    twin = copy.deepcopy(next(c for c in dup.cells if c.get("id") == "leaky_relu"))
    twin.id = "leaky-relu-copy"  # a new cell id; the nbgrader grade_id stays duplicated
    dup.cells.insert(3, twin)
    cases["duplicated_cells"] = ("activations.ipynb", _nb(dup))
    deleted = copy.deepcopy(ref)
    deleted.cells = [c for c in deleted.cells if c.get("id") != "logistic"]
    cases["deleted_cell"] = ("activations.ipynb", _nb(deleted))
    reordered = copy.deepcopy(ref)
    reordered.cells.reverse()
    cases["reordered_cells"] = ("activations.ipynb", _nb(reordered))
    retyped = copy.deepcopy(ref)
    for i, c in enumerate(retyped.cells):
        if c.get("id") == "logistic":
            retyped.cells[i] = nbformat.v4.new_markdown_cell(c.source)
    cases["retyped_cell"] = ("activations.ipynb", _nb(retyped))
    cases["wrong_assignment"] = ("linear_nets.ipynb", _nb(ref))
    cases["syntax_error_py"] = ("activations.py", ref_py.replace("def logistic(x):", "def logistic(x)"))
    cases["empty_file"] = ("activations.py", "")
    cases["binary_file"] = ("activations.py", b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)))
    cases["non_utf8"] = ("activations.py", ("# caf\xe9 au lait\n" + ref_py).encode("latin-1", errors="replace"))
    cases["wrong_function_names"] = ("activations.py", ref_py.replace("def leaky_relu(", "def LeakyReLU("))
    return cases


#: name -> (expected score: "full", "zero", or "partial"; a regex every report of it must contain)
EXPECTED = {
    "reference_notebook": ("full", None),
    "invalid_json": ("zero", "not valid JSON"),
    "missing_nbgrader_metadata": ("full", None),
    "duplicated_cells": ("full", "duplicated nbgrader cells: leaky_relu"),
    "deleted_cell": ("partial", "logistic is not defined in your notebook"),
    "reordered_cells": ("full", None),
    "retyped_cell": ("partial", "logistic is not defined"),
    "wrong_assignment": ("zero", "this notebook is for set 'activations', but it was graded as 'linear_nets'"),
    "syntax_error_py": ("partial", "failed to run: SyntaxError"),
    "empty_file": ("zero", "the file is empty"),
    "binary_file": ("zero", "the file is binary"),
    "non_utf8": ("full", "not UTF-8"),
    "wrong_function_names": ("partial", "leaky_relu is not defined in your file"),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from nndl.grading import grade_paths

    files, sets = {}, {}
    for name, (filename, content) in _cases().items():
        folder = tmp_path_factory.mktemp(name)
        path = folder / filename
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        files[name] = path
        sets[name] = "linear_nets" if name == "wrong_assignment" else "activations"
    reports = {}
    # one batch per set: bad submissions in the middle of good ones
    for set_name in ("activations", "linear_nets"):
        batch = [n for n in files if sets[n] == set_name]
        for name, rep in zip(batch, grade_paths([files[n] for n in batch], set_name)):
            reports[name] = rep
    return reports


def test_every_case_is_covered():
    assert set(_cases()) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_gets_its_reason_and_fair_score(name, graded):
    report = graded[name]
    kind, pattern = EXPECTED[name]
    text = " | ".join(report.problems + [c.message for c in report.checks])
    if kind == "full":
        assert report.score == pytest.approx(FULL), text
    elif kind == "zero":
        assert report.score == 0, text
    else:
        assert 0 < report.score < FULL, text
    if pattern:
        assert pattern in text
    for check in report.checks:
        assert check.passed or check.message
