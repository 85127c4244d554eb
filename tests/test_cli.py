"""``nndl-grade`` end to end: JSON shape, set detection, blank stubs score 0 with reasons,
the reference scores full marks in the sandbox (the same verdict as in-process)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from nndl import paths
from nndl.config import course

pytestmark = pytest.mark.slow

SETS = course().all_sets()


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nndl.cli_grade", *args], capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def stub_and_reference_reports(tmp_path_factory):
    """Every set's blank stub and reference, graded by one ``nndl-grade`` run (sets from the file names)."""
    folder = tmp_path_factory.mktemp("subs")
    files = {}
    for assignment, set_name in SETS:
        for kind, src in (("stubs", paths.stub_file(assignment, set_name)),
                          ("refs", paths.solution_file(assignment, set_name))):
            dest = folder / kind / f"{set_name}.py"
            dest.parent.mkdir(exist_ok=True)
            shutil.copy(src, dest)
            files[str(dest)] = (set_name, kind)
    proc = _run(*files, "--json")
    assert proc.returncode == 0, proc.stderr
    reports = {set_name: [None, None] for _, set_name in SETS}
    for line in proc.stdout.splitlines():
        obj = json.loads(line)
        set_name, kind = files[obj["submission"]]
        reports[set_name][kind == "refs"] = obj
    assert all(None not in pair for pair in reports.values()), reports
    return reports


def test_json_has_the_documented_shape(stub_and_reference_reports):
    for lines in stub_and_reference_reports.values():
        for obj in lines:
            assert {"set", "submission", "score", "max_score", "checks"} <= set(obj)
            for check in obj["checks"]:
                assert set(check) == {"id", "points", "max_points", "passed", "message"}


@pytest.mark.parametrize(("assignment", "set_name"), SETS)
def test_blank_stub_scores_zero_with_a_reason_for_every_check(assignment, set_name, stub_and_reference_reports):
    stub = stub_and_reference_reports[set_name][0]
    assert stub["score"] == 0
    assert stub["max_score"] == pytest.approx(course().set(assignment, set_name).max_auto_points)
    for check in stub["checks"]:
        assert not check["passed"] and check["message"], check
        assert "internal grader error" not in check["message"]


@pytest.mark.parametrize(("assignment", "set_name"), SETS)
def test_reference_scores_full_marks_in_the_sandbox(assignment, set_name, stub_and_reference_reports):
    ref = stub_and_reference_reports[set_name][1]
    failing = [f"{c['id']}: {c['message']}" for c in ref["checks"] if not c["passed"]]
    assert not failing
    assert ref["score"] == pytest.approx(ref["max_score"])


def test_set_is_taken_from_the_file_name_and_table_output(tmp_path):
    path = tmp_path / "activations.py"
    shutil.copy(paths.solution_file("session1", "activations"), path)
    proc = _run(str(path))
    assert proc.returncode == 0, proc.stderr
    assert "session1/activations" in proc.stdout and "leaky_relu_definition" in proc.stdout


def test_any_file_name_with_set(tmp_path):
    path = tmp_path / "my_homework.py"  # a name that names no set
    shutil.copy(paths.solution_file("session1", "activations"), path)
    proc = _run(str(path), "--set", "activations", "--json")
    assert proc.returncode == 0, proc.stderr
    obj = json.loads(proc.stdout)
    assert obj["set"] == "session1/activations" and obj["max_score"] > 0
    assert obj["score"] == pytest.approx(obj["max_score"])


def test_unknown_set_is_a_clear_reason_not_a_crash(tmp_path):
    path = tmp_path / "homework.py"
    path.write_text("x = 1\n")
    proc = _run(str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    obj = json.loads(proc.stdout)
    assert obj["score"] == 0 and "cannot tell which exercise set" in obj["problems"][0]


@pytest.mark.parametrize(("source", "passes"), [("solution", True), ("stub", False)])
def test_pytest_grader_submission_front_end(source, passes, tmp_path):
    """`pytest grader/ --submission PATH --set S`: one test per check, in the sandbox."""
    src = paths.solution_file("session1", "activations") if source == "solution" else \
        paths.stub_file("session1", "activations")
    path = tmp_path / "my_work.py"
    shutil.copy(src, path)
    proc = subprocess.run([sys.executable, "-m", "pytest", str(paths.GRADER), "-q", "-p", "no:cacheprovider",
                           "--submission", str(path), "--set", "activations"],
                          capture_output=True, text=True, timeout=600, cwd=paths.REPO_ROOT)
    n_checks = len(course().set("session1", "activations").checks)
    if passes:
        assert proc.returncode == 0, proc.stdout[-3000:]
        assert f"{n_checks} passed" in proc.stdout
    else:
        assert proc.returncode == 1
        assert f"{n_checks} failed" in proc.stdout
        assert "leaky_relu is still the stub; fill in its body." in proc.stdout
