"""The benchmarks run and end with their JSON line (speed is reported there, never asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys

from nndl import paths

KEYS = {"bench", "baseline_s", "ours_s", "ratio", "same_results", "peak_mb"}


def test_optimization_bench_quick_mode_reports_same_results():
    proc = subprocess.run([sys.executable, str(paths.REPO_ROOT / "bench" / "session1_optimization.py"), "--quick"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(result) == KEYS
    assert result["same_results"] is True
