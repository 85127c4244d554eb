"""The student kit (``nndl release DIR``): its wheel installs into a fresh virtual environment, where
``import solutions`` fails, a blank stub's test cells score 0 with reasons, a correct submission scores
full public marks, and no file of DIR holds a solution's body or an instructor-only check."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import nbformat
import pytest

from nndl import paths
from nndl.checks import load_checkset
from nndl.config import course
from tests.trees import SESSION1

pytestmark = pytest.mark.slow


@dataclasses.dataclass
class Kit:
    dir: Path
    python: Path
    work: Path  # a folder outside the repository: nothing of it on sys.path

    def run(self, code: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.python), "-c", code, *args], capture_output=True, text=True,
                              timeout=timeout, cwd=self.work)


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    root = tmp_path_factory.mktemp("kit")
    out = root / "release"
    sets = [arg for s in SESSION1 for arg in ("--set", s)]
    proc = subprocess.run([sys.executable, "-m", "nndl.cli", "release", str(out), *sets], capture_output=True,
                          text=True, timeout=900, cwd=paths.REPO_ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.startswith(f"wrote {out}: nndl_student-") and "for 6 sets" in proc.stdout
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # Offline: the dependencies (numpy, torch, ...) are this environment's, on a path entry after the fresh
    # environment's own site-packages.  A path entry's .pth files are not run, so the repository's
    # editable install (which makes `solutions` importable here) does not come along.
    (Path(purelib) / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    [wheel] = sorted(out.glob("*.whl"))
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index", str(wheel)],
                          capture_output=True, text=True, timeout=600, cwd=root)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    work = root / "work"
    work.mkdir()
    return Kit(out, python, work)


def _public(assignment: str, set_name: str) -> dict[str, float]:
    pts = course().set(assignment, set_name).checks
    return {cid: pts[cid] for cid, c in load_checkset(assignment, set_name) if c.public}


INSPECT = """
import json
import nndl, grader
from nndl.checks import load_checkset
from nndl.config import course
out = {"nndl": nndl.__file__, "grader": grader.__file__, "sets": {}}
for a, s in course().all_sets():
    out["sets"][f"{a}/{s}"] = {"public": {cid: c.public for cid, c in load_checkset(a, s)},
                               "points": dict(course().set(a, s).checks)}
try:
    import solutions
    out["solutions"] = solutions.__file__
except ModuleNotFoundError as exc:
    out["solutions"] = str(exc)
print(json.dumps(out))
"""


def test_the_kit_installs_with_public_checks_only_and_without_solutions(kit):
    proc = kit.run(INSPECT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    info = json.loads(proc.stdout)
    venv = kit.python.parent.parent
    assert Path(info["nndl"]).is_relative_to(venv) and Path(info["grader"]).is_relative_to(venv)
    assert info["solutions"] == "No module named 'solutions'"
    assert sorted(info["sets"]) == sorted(f"session1/{s}" for s in SESSION1)
    for set_name in SESSION1:
        public = _public("session1", set_name)
        got = info["sets"][f"session1/{set_name}"]
        assert got["public"] == {cid: True for cid in public}
        assert got["points"] == public


NOTEBOOK = """
import contextlib, io, json, sys
nb = json.load(open(sys.argv[1]))
ns = {"__name__": "__main__"}
cells = []
for cell in nb["cells"]:
    if cell["cell_type"] != "code":
        continue
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    meta = cell["metadata"].get("nbgrader", {})
    out = io.StringIO()
    error = None
    with contextlib.redirect_stdout(out):
        try:
            exec(compile(source, "<cell>", "exec"), ns)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
    if meta.get("grade") and not meta.get("solution"):
        cells.append({"id": meta["grade_id"], "points": ns["grade"].points, "printed": out.getvalue(),
                      "error": error, "repr": repr(ns["grade"])})
print(json.dumps(cells))
"""


def _run_notebook(kit: Kit, path: Path) -> list[dict]:
    proc = kit.run(NOTEBOOK, str(path))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


@pytest.mark.parametrize("set_name", ["activations", "precision_sgd"])
def test_test_cells_of_the_release_notebook(kit, set_name):
    from nndl.course_dir import filled_notebook

    public = _public("session1", set_name)
    blank = _run_notebook(kit, kit.dir / "assignments" / "session1" / f"{set_name}.ipynb")
    assert blank and all(c["error"] is None for c in blank)
    # one line per check starts with its mark (a message may go on over more lines)
    lines = [line for c in blank for line in c["printed"].splitlines() if line.startswith(("\u2713", "\u2717"))]
    assert len(lines) == len(public)
    for c in blank:
        assert c["points"] == 0 and float(c["repr"]) == 0
    for line in lines:  # a cross and a reason for every public check
        assert re.match(r"^\u2717 (\w+) \(0/[\d.]+\): .+", line), line
    assert {re.match(r"^\u2717 (\w+)", line).group(1) for line in lines} == set(public)

    correct = kit.work / f"{set_name}_correct.ipynb"
    correct.write_text(nbformat.writes(filled_notebook("session1", set_name)), encoding="utf-8")
    full = _run_notebook(kit, correct)
    marks = [line for c in full for line in c["printed"].splitlines() if line.startswith(("\u2713", "\u2717"))]
    assert len(marks) == len(public) and all(line.startswith("\u2713 ") for line in marks), marks
    assert sum(c["points"] for c in full) == pytest.approx(sum(public.values()))


def test_nndl_grade_in_the_kit(kit):
    folder = kit.work / "graded"
    for set_name in SESSION1:
        (folder / "correct").mkdir(parents=True, exist_ok=True)
        (folder / "blank").mkdir(parents=True, exist_ok=True)
        (folder / "correct" / f"{set_name}.py").write_text(
            paths.solution_file("session1", set_name).read_text(encoding="utf-8"), encoding="utf-8")
        (folder / "blank" / f"{set_name}.py").write_text(
            (kit.dir / "assignments" / "session1" / f"{set_name}.py").read_text(encoding="utf-8"), encoding="utf-8")
    proc = subprocess.run([str(kit.python.parent / "nndl-grade"), str(folder), "--json"], capture_output=True,
                          text=True, timeout=900, cwd=kit.work)
    assert proc.returncode == 0, proc.stderr[-3000:]
    reports = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(reports) == 2 * len(SESSION1)
    for r in reports:
        set_name = r["set"].split("/")[1]
        public = _public("session1", set_name)
        assert {c["id"] for c in r["checks"]} == set(public)
        assert r["max_score"] == pytest.approx(sum(public.values()))
        if r["student"] == "correct":
            assert r["score"] == r["max_score"], [c["message"] for c in r["checks"] if not c["passed"]]
        else:
            assert r["score"] == 0 and all(c["message"] for c in r["checks"])


# --- nothing instructor-only in DIR ----------------------------------------------------------------

def _normalized(text: str) -> list[str]:
    out = []
    for line in text.split("\n"):
        line = " ".join(line.split())
        if line and not line.startswith("#"):
            out.append(line)
    return out


def solution_bodies(text: str) -> list[list[str]]:
    """The ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` regions of a solution file, normalized."""
    bodies, current = [], None
    for line in text.split("\n"):
        if line.strip() == "### BEGIN SOLUTION":
            current = []
        elif line.strip() == "### END SOLUTION":
            bodies.append(_normalized("\n".join(current or [])))
            current = None
        elif current is not None:
            current.append(line)
    return [b for b in bodies if b]


def texts(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` as text: wheels member by member, notebooks as their cells' sources."""
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".whl":
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    out[f"{path.name}!{name}"] = zf.read(name).decode("utf-8", "replace")
        elif path.suffix == ".ipynb":
            nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
            out[str(path)] = "\n".join(c.source for c in nb.cells) + "\n" + json.dumps(nb.metadata)
        else:
            out[str(path)] = path.read_bytes().decode("utf-8", "replace")
    return out


def _longest_run(body: list[str], lines: list[str]) -> int:
    """The most consecutive lines of ``body`` that appear, consecutive, in ``lines``."""
    where: dict[str, list[int]] = {}
    for j, line in enumerate(lines):
        where.setdefault(line, []).append(j)
    best = 0
    for i, line in enumerate(body):
        for j in where.get(line, []):
            k = 0
            while i + k < len(body) and j + k < len(lines) and body[i + k] == lines[j + k]:
                k += 1
            best = max(best, k)
    return best


def leaks(files: dict[str, str]) -> list[str]:
    """Where a solution body shows: a whole body, or, of a body over 3 lines, a run of at least half
    of it and at least 4 lines.  Shorter shared runs are allowed: a public check may share a formula
    line with a solution, a given helper the first lines of a body (np.asarray of the arguments...);
    a one-line body may appear in a check module."""
    found = []
    normalized = {name: _normalized(text) for name, text in files.items()}
    for a, s in course().all_sets():
        if not paths.solution_file(a, s).exists():
            continue
        for body in solution_bodies(paths.solution_file(a, s).read_text(encoding="utf-8")):
            need = len(body) if len(body) <= 3 else max(4, -(-len(body) // 2))
            for name, lines in normalized.items():
                if len(body) == 1 and "!grader/" in name:
                    continue
                if _longest_run(body, lines) >= need:
                    found.append(f"{a}/{s}: {body[0]!r}... in {name}")
    return found


def test_no_solution_body_or_instructor_only_check_in_any_file(kit):
    files = texts(kit.dir)
    assert any(name.endswith(".whl!nndl/checks.py") for name in files)
    assert leaks(files) == []
    # the scan does find solution bodies where they are
    bodies = sum(len(solution_bodies(paths.solution_file(a, s).read_text(encoding="utf-8")))
                 for a, s in course().all_sets() if paths.solution_file(a, s).exists())
    assert bodies > 50 and len(leaks(texts(paths.SOLUTIONS))) >= bodies
    instructor = [(cid, c.func.__name__) for a, s in course().all_sets() if (paths.GRADER / a / f"{s}.py").exists()
                  for cid, c in load_checkset(a, s) if not c.public]
    assert len(instructor) >= 9
    for name, text in files.items():
        for cid, func in instructor:
            assert cid not in text and func not in text, f"instructor-only check {cid} in {name}"
        assert not re.search(r"^\s*(from|import)\s+solutions\b", text, re.MULTILINE), name
        if "!nndl/" not in name:  # notebooks, stubs, README, checks: no hidden test (nndl/ has the machinery)
            assert "HIDDEN TESTS" not in text and "run_instructor()" not in text, name


def test_public_module_cuts_instructor_checks_and_refuses_a_public_one_that_imports_solutions():
    from nndl.release import ReleaseError, public_module

    source = """from nndl.checks import CheckSet
checks = CheckSet("a", "s")


@checks.check("f")
def check_public_one(impl, *, rng):
    assert impl.f(1) == 1


@checks.check("f", public=False)
def check_hidden(impl, *, rng):
    from solutions.a import s as ref

    assert impl.f(2) == ref.f(2)


@checks.check("g")
def check_public_two(impl, *, rng):
    assert impl.g() is None
"""
    out = public_module(source)
    assert "check_hidden" not in out and "solutions" not in out
    assert "def check_public_one" in out and "def check_public_two" in out
    compile(out, "<public>", "exec")
    leaky = source.replace('@checks.check("f", public=False)', '@checks.check("f")')
    with pytest.raises(ReleaseError, match="a public part imports the reference solutions"):
        public_module(leaky)


def test_release_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("precious")
    proc = subprocess.run([sys.executable, "-m", "nndl.cli", "release", str(tmp_path)], capture_output=True,
                          text=True, timeout=300, cwd=paths.REPO_ROOT)
    assert proc.returncode == 2 and proc.stderr == f"nndl release: error: {tmp_path}: folder is not empty; choose a new folder\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
