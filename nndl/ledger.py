"""A transactional record of ``nndl-grade`` results (``nndl-grade --db FILE``).

Each graded submission is committed in its own SQLite transaction, keyed by
(submission path, set); the file's SHA-256 is stored beside it.  A batch
killed halfway and started again skips what is already recorded for the same
content and grades the rest, so every grade is present exactly once;
re-running a finished batch changes nothing (``--regrade`` forces it).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS grades (
    submission TEXT NOT NULL,
    set_key    TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    score      REAL NOT NULL,
    max_score  REAL NOT NULL,
    report     TEXT NOT NULL,
    graded_at  TEXT NOT NULL,
    PRIMARY KEY (submission, set_key)
)
"""


def file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


class Ledger:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # isolation_level=None: we issue BEGIN IMMEDIATE/COMMIT ourselves, one transaction per grade.
        self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute(SCHEMA)

    def recorded(self, submission: Path, set_key: str, *, sha256: str | None = None) -> dict[str, Any] | None:
        """The stored report if this exact content (``sha256``, default: the file's now) was already
        graded as ``set_key``."""
        row = self.conn.execute("SELECT sha256, report FROM grades WHERE submission = ? AND set_key = ?",
                                (str(Path(submission).resolve()), set_key)).fetchone()
        if row is None or row[0] != (sha256 or file_digest(submission)):
            return None
        return json.loads(row[1])

    def record(self, submission: Path, set_key: str, report: dict[str, Any], *, sha256: str | None = None) -> None:
        """Commit one result; ``sha256``: the digest of the content that was graded (default: the file's now)."""
        now = _dt.datetime.now(_dt.timezone.utc).isoformat()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute(
                "INSERT OR REPLACE INTO grades VALUES (?, ?, ?, ?, ?, ?, ?)",
                (str(Path(submission).resolve()), set_key, sha256 or file_digest(submission), float(report["score"]),
                 float(report["max_score"]), json.dumps(report), now))
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def reports(self) -> list[dict[str, Any]]:
        """Every stored report, by submission path."""
        return [json.loads(r[0]) for r in self.conn.execute("SELECT report FROM grades ORDER BY submission, set_key")]

    def rows(self) -> list[tuple]:
        return self.conn.execute("SELECT submission, set_key, score, max_score FROM grades ORDER BY submission").fetchall()

    def close(self) -> None:
        self.conn.close()
