"""The benchmarks run and end with their JSON line (speed is reported there, never asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nndl import paths
from nndl.config import course

KEYS = {"bench", "baseline_s", "ours_s", "ratio", "same_results", "peak_mb"}


def test_optimization_bench_quick_mode_reports_same_results():
    proc = subprocess.run([sys.executable, str(paths.REPO_ROOT / "bench" / "session1_optimization.py"), "--quick"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(result) == KEYS
    assert result["same_results"] is True


RESEARCH_SETS = [s for a, s in course().all_sets() if a == "research"]


@pytest.mark.slow
@pytest.mark.parametrize("set_name", RESEARCH_SETS)
def test_research_bench_quick_mode_reports_same_results(set_name):
    """Every research set has bench/<set>.py; its --quick run agrees with the seed's algorithm."""
    bench = paths.REPO_ROOT / "bench" / f"{set_name}.py"
    assert bench.exists(), f"research set {set_name} has no benchmark bench/{set_name}.py"
    proc = subprocess.run([sys.executable, str(bench), "--quick"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert KEYS <= set(result)
    assert result["bench"] and result["same_results"] is True
    assert result["baseline_s"] > 0 and result["ours_s"] > 0


@pytest.mark.slow
def test_batch_bench_reports_its_ratio_with_identical_grades():
    """bench/batch.py on the smallest tree (one student, six sets): its JSON line, grades identical."""
    proc = subprocess.run([sys.executable, str(paths.REPO_ROOT / "bench" / "batch.py"), "--quick", "--students", "1"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert KEYS <= set(result) and result["same_results"] is True
    assert result["submissions"] == 6 and result["runs"]["baseline"] and result["runs"]["ours"]
    assert result["ratio"] == pytest.approx(result["baseline_s"] / result["ours_s"], rel=1e-2)
