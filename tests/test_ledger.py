"""A grading run killed halfway and started again loses nothing and duplicates nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nndl import paths
from nndl.config import course
from tests.trees import ledger_rows

pytestmark = pytest.mark.slow

N = 6
FULL = course().set("session1", "activations").max_auto_points


def _grade(db: Path, files: list[Path]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "nndl.cli_grade", "--db", str(db), *map(str, files)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def test_kill_and_restart_keeps_every_grade_exactly_once(tmp_path):
    reference = paths.solution_file("session1", "activations").read_text(encoding="utf-8")
    files = []
    for i in range(N):
        folder = tmp_path / f"student{i}"
        folder.mkdir()
        path = folder / "activations.py"
        # each submission takes ~1 s to load, so the batch can be killed in the middle
        body = reference if i % 2 == 0 else reference.replace("def logistic(x):", "def logistic_(x):")
        path.write_text("import time\ntime.sleep(1.0)\n" + body, encoding="utf-8")
        files.append(path)
    db = tmp_path / "results.sqlite"

    proc = _grade(db, files)
    deadline = time.monotonic() + 120
    while len(ledger_rows(db)) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, f"the batch ended before it could be killed: {proc.communicate()}"
    os.killpg(proc.pid, signal.SIGKILL)  # the whole grading process group, mid-batch
    proc.communicate()  # reap it and close its pipes
    partial = ledger_rows(db)
    assert 2 <= len(partial) < N

    out, err = _grade(db, files).communicate(timeout=300)
    rows = ledger_rows(db)
    assert sorted(r[0] for r in rows) == sorted(str(f.resolve()) for f in files), err
    assert len({r[0] for r in rows}) == len(rows) == N
    assert out.count("already recorded") == len(partial)
    for submission, set_key, score in rows:
        assert set_key == "session1/activations"
        expected_full = int(Path(submission).parent.name.removeprefix("student")) % 2 == 0
        assert (score == pytest.approx(FULL)) == expected_full

    # idempotent: a third run grades nothing and changes nothing
    out, err = _grade(db, files).communicate(timeout=300)
    assert out.count("already recorded") == N, err
    assert sorted(ledger_rows(db)) == sorted(rows)
