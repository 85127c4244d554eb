"""The same submission gets the same score and the same messages on every run,
and grading writes no hypothesis database."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from nndl import course_dir

pytestmark = pytest.mark.slow


def test_same_submission_same_report_on_every_run(tmp_path):
    sys.path.insert(0, str(course_dir.__file__).rsplit("/nndl/", 1)[0])
    from tests import samples

    # a realistic partial submission: failing checks exercise hypothesis' shrinking
    nb = course_dir.filled_notebook("session1", "activations",
                                    samples.replacements("session1", "activations", ["leaky_relu_sign_error"]))
    path = tmp_path / "activations.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    outputs = []
    for hashseed in ("0", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=hashseed)
        proc = subprocess.run([sys.executable, "-m", "nndl.cli_grade", str(path), "--json"], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        outputs.append(json.loads(proc.stdout))
    assert outputs[0] == outputs[1]
    assert 0 < outputs[0]["score"] < outputs[0]["max_score"]
    assert not (tmp_path / ".hypothesis").exists(), "grading must not write a hypothesis database"
