"""Command-line front-ends.

``nndl-grade PATH... [--set NAME] [--json] [--public-only]``
    grade ``.py`` / ``.ipynb`` submissions in the sandbox; a table, or one
    JSON object per submission with ``--json``.
``nndl-grade --verify-gradebook COURSE_DIR``
    re-grade every autograded nbgrader submission in the sandbox and flag
    test cells whose in-notebook verdict differs (a tampering signal).
``nndl build [--check]``
    regenerate ``assignments/`` from ``solutions/`` (``--check``: fail if stale).
``nndl course DIR``
    write an nbgrader course directory (config + source notebooks).
``nndl demo``
    the main job: build, autograde the sample submissions, print the scores.
``nndl protections``
    which sandbox protections are active on this machine.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _table(reports: list) -> None:
    from rich.console import Console
    from rich.table import Table

    # Not a terminal (CI logs, pipes): rich would wrap at 80 columns and truncate set names.
    console = Console(width=None if sys.stdout.isatty() else 160)
    for rep in reports:
        table = Table(title=f"{rep.submission} as {rep.set}: {rep.score:g}/{rep.max_score:g} "
                            f"({rep.seconds:.1f} s)", show_lines=False)
        table.add_column("check")
        table.add_column("points", justify="right")
        table.add_column("message", overflow="fold")
        for c in rep.checks:
            table.add_row(("" if c.public else "[dim](instructor)[/dim] ") + c.id,
                          f"{c.points:g}/{c.max_points:g}", "ok" if c.passed else c.message)
        console.print(table)
        for problem in rep.problems:
            console.print(f"[yellow]note:[/yellow] {problem}")


def grade_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nndl-grade", description="Grade submissions in the sandbox.")
    parser.add_argument("paths", nargs="*", type=Path, help=".py or .ipynb submissions")
    parser.add_argument("--set", dest="set_name", help="exercise set (default: notebook metadata or file name)")
    parser.add_argument("--json", action="store_true", help="one JSON object per submission")
    parser.add_argument("--public-only", action="store_true", help="run only the public checks")
    parser.add_argument("--db", type=Path, metavar="FILE",
                        help="record each result in this SQLite file (one transaction per submission); "
                             "submissions already recorded with the same content are not graded again")
    parser.add_argument("--regrade", action="store_true", help="with --db: grade again what is recorded")
    parser.add_argument("--verify-gradebook", type=Path, metavar="COURSE_DIR",
                        help="re-grade an nbgrader course's autograded submissions and flag differences")
    args = parser.parse_args(argv)
    if args.verify_gradebook:
        from nndl.verify import verify_gradebook

        report = verify_gradebook(args.verify_gradebook)
        print(json.dumps(report.as_json()) if args.json else report.render())
        return 0
    if not args.paths:
        parser.error("give at least one submission PATH (or --verify-gradebook COURSE_DIR)")
    if args.db:
        return _grade_into_ledger(args)
    from nndl.grading import grade_paths

    reports = grade_paths(args.paths, args.set_name, instructor=False if args.public_only else None)
    if args.json:
        for rep in reports:
            print(json.dumps(rep.as_json()))
    else:
        _table(reports)
    return 0


def _grade_into_ledger(args: argparse.Namespace) -> int:
    """Grade one file at a time, committing each result before the next starts."""
    from nndl.config import course
    from nndl.grading import grade_submission, hidden_paths, instructor_checks_available
    from nndl.ledger import Ledger
    from nndl.loader import load_submission
    from nndl.sandbox import Sandbox

    cfg = course()
    instructor = False if args.public_only else instructor_checks_available()
    ledger = Ledger(args.db)
    try:
        with Sandbox(cfg.limits, hidden_paths=hidden_paths(args.paths, [args.db.resolve().parent])) as box:
            for path in args.paths:
                sub = load_submission(path, args.set_name, cfg)
                stored = None if args.regrade else ledger.recorded(path, sub.set_key)
                if stored is None:
                    stored = grade_submission(sub, box, instructor=instructor, cfg=cfg).as_json()
                    ledger.record(path, sub.set_key, stored)
                    status = "graded"
                else:
                    status = "already recorded"
                if args.json:
                    print(json.dumps(stored), flush=True)
                else:
                    print(f"{status}: {path} as {stored['set']}: {stored['score']:g}/{stored['max_score']:g}", flush=True)
    finally:
        ledger.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nndl", description="Course tooling.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="regenerate assignments/ from solutions/")
    p_build.add_argument("--check", action="store_true", help="only report stale files; exit 1 if any")
    p_course = sub.add_parser("course", help="write an nbgrader course directory")
    p_course.add_argument("root", type=Path)
    p_demo = sub.add_parser("demo", help="build, autograde the samples with nbgrader, print scores")
    p_demo.add_argument("--root", type=Path, default=None)
    p_demo.add_argument("--sets", default=None, help="comma-separated subset of sets")
    p_demo.add_argument("--no-verify", action="store_true")
    sub.add_parser("protections", help="which sandbox protections are active here")
    args = parser.parse_args(argv)

    if args.command == "build":
        from nndl import build

        if args.check:
            stale = [str(p) for p, text in build.build_all().items()
                     if not p.exists() or p.read_text(encoding="utf-8") != text]
            for p in stale:
                print(f"stale: {p}")
            return 1 if stale else 0
        for p in build.write_all():
            print(f"wrote {p}")
        return 0
    if args.command == "course":
        from nndl import course_dir

        print(course_dir.create(args.root))
        return 0
    if args.command == "demo":
        from nndl import demo

        return demo.run(args.root, sets=args.sets.split(",") if args.sets else None, verify=not args.no_verify)
    if args.command == "protections":
        from nndl.sandbox import report_protections

        print("\n".join(report_protections()))
        return 0
    return 2  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
