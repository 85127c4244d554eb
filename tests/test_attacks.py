"""The attack corpus (tests/attacks.py): every attack scores exactly what it
deserves, the grader survives, and nothing is left behind."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from nndl import paths
from nndl.config import Limits, course
from tests.attacks import ATTACKS, CANARY_PORT, Attack

pytestmark = pytest.mark.slow

#: Short limits so hanging attacks cost seconds, not minutes (the real ones are in course.toml).
FAST = Limits(check_seconds=6.0, call_seconds=1.0, load_seconds=4.0, cpu_seconds=60, memory_mb=1024,
              processes=32, output_kb=64, file_mb=16)
PWNED = [Path.home() / "nndl_pwned", Path("/root/nndl_pwned"), Path("/tmp/nndl_pwned"),
         paths.REPO_ROOT / "nndl_pwned", paths.GRADER / "nndl_pwned", paths.REPO_ROOT / "nndl" / "nndl_pwned"]


def _compose(attack: Attack, reference: str) -> str:
    if attack.reference == "after":
        return attack.code + "\n" + reference
    if attack.reference == "before":
        return reference + "\n" + attack.code
    return attack.code


def _tree(folder: Path) -> set[str]:
    try:
        return {str(p) for p in folder.iterdir()}
    except OSError:
        return set()


class Canary:
    """A loopback listener in the grading process: any connection is a network escape."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", CANARY_PORT))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.hits = 0
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self.thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from nndl.grading import grade_paths

    folder = tmp_path_factory.mktemp("attacks")
    reference = paths.solution_file("session1", "activations").read_text(encoding="utf-8")
    files = []
    for attack in ATTACKS:
        path = folder / f"{attack.id}.py"
        path.write_text(_compose(attack, reference), encoding="utf-8")
        files.append(path)
    watched = [Path.home(), Path("/tmp"), paths.REPO_ROOT, paths.GRADER]
    before = {str(w): _tree(w) for w in watched}
    canary = Canary()
    try:
        reports = grade_paths(files, "activations", limits=FAST)
    finally:
        canary.close()
    after = {str(w): _tree(w) for w in watched}
    new_files = sorted(set().union(*(after[k] - before[k] for k in after)))
    return {r.submission: r for r in reports}, canary.hits, new_files, folder


def _max_score() -> float:
    return course().set("session1", "activations").max_auto_points


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.id for a in ATTACKS])
def test_attack_scores_what_it_deserves(attack, graded):
    reports, _, _, folder = graded
    report = reports[str(folder / f"{attack.id}.py")]
    expected = {"full": _max_score(), "zero": 0.0}.get(attack.expected, attack.expected)
    failing = [f"{c.id}: {c.message}" for c in report.checks if not c.passed]
    assert report.score == pytest.approx(expected, abs=1e-9), f"{attack.threat}: {failing}"
    assert report.max_score == pytest.approx(_max_score())
    for check in report.checks:
        assert check.passed or check.message, "every lost point has a reason"


def test_corpus_covers_every_threat():
    assert len(ATTACKS) >= 25
    assert len({a.id for a in ATTACKS}) == len(ATTACKS)


def test_no_trace_left(graded):
    _, hits, new_files, _ = graded
    assert hits == 0, "a submission reached a loopback port of the grading machine"
    assert not [p for p in PWNED if p.exists()], "a submission wrote outside its scratch space"
    assert not [f for f in new_files if "nndl_pwned" in f], new_files


def _sandbox_processes() -> list[int]:
    """Processes owned by the sandbox uids this test process leased, zombies included, found through
    /proc (setsid cannot hide them).  Only our own: a grading running beside the tests has other uids."""
    from nndl.sandbox import _linux
    from nndl.sandbox.host import leased_uids

    return _linux.pids_owned_by(leased_uids(), zombies=True)


def test_no_process_survives(graded):
    # Without root there are no sandbox uids to scan: then every process of a submission is in
    # its worker's process group or cgroup, which the sandbox kills; the scan finds nothing either way.
    from nndl.sandbox.host import leased_uids

    assert len(leased_uids()) >= (1 if graded[0] and _root() else 0)
    assert _sandbox_processes() == [], "processes started by submissions are still running"


def _root() -> bool:
    import os

    return os.geteuid() == 0


def test_timeouts_are_bounded(graded):
    reports, *_ = graded
    for report in reports.values():
        # every check is bounded by check_seconds, loading by load_seconds, plus restarts
        assert report.seconds < FAST.load_seconds * 2 + FAST.check_seconds * len(report.checks) + 10


def test_flooded_output_is_capped(graded):
    reports, _, _, folder = graded
    report = reports[str(folder / "flood_output.py")]
    assert len(report.output.encode()) <= FAST.output_kb * 1024 + 1024


def test_report_is_plain_json_despite_fake_output(graded):
    import json

    reports, _, _, folder = graded
    report = reports[str(folder / "fake_report.py")]
    data = json.loads(json.dumps(report.as_json()))
    assert data["score"] == 0
