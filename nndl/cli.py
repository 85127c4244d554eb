"""Command-line front-ends.

``nndl-grade PATH... [--set NAME] [--json] [--public-only] [--workers N] [--scheduler ADDRESS] [--db FILE] [--csv FILE]``
    grade ``.py`` / ``.ipynb`` submissions and folder trees of them in the
    sandbox, in parallel (:mod:`nndl.batch`); a table per file named, a
    summary for a batch, or one JSON object per submission with ``--json``.
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
``nndl release DIR [--set NAME]...``
    the student kit (:mod:`nndl.release`): a wheel with the public checks, the release notebooks and stubs.
``nndl export [COURSE_DIR] [--ledger FILE] [--out DIR]``
    the gradebook as CSV per student, and for Canvas and Moodle (:mod:`nndl.export`).
``nndl simulate SET [--quick] [--device cpu|cuda] [--seed N] [--out DIR] [--param K=V] [--workers N] [--scheduler ADDRESS]``
    run a research set's experiment (:mod:`nndl.simulate`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def grade_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nndl-grade", description="Grade submissions in the sandbox.")
    parser.add_argument("paths", nargs="*", type=Path,
                        help=".py or .ipynb submissions, or folders of them (an nbgrader course's submitted/)")
    parser.add_argument("--set", dest="set_name", help="exercise set (default: notebook metadata or file name)")
    parser.add_argument("--json", action="store_true", help="one JSON object per submission")
    parser.add_argument("--public-only", action="store_true", help="run only the public checks")
    parser.add_argument("--db", type=Path, metavar="FILE",
                        help="record each result in this SQLite file (one transaction per submission); "
                             "submissions already recorded with the same content are not graded again")
    parser.add_argument("--regrade", action="store_true", help="with --db: grade again what is recorded")
    parser.add_argument("--verify-gradebook", type=Path, metavar="COURSE_DIR",
                        help="re-grade an nbgrader course's autograded submissions and flag differences")
    from nndl import batch

    batch.add_arguments(parser)
    args = parser.parse_args(argv)
    if args.verify_gradebook:
        from nndl.verify import verify_gradebook

        report = verify_gradebook(args.verify_gradebook)
        print(json.dumps(report.as_json()) if args.json else report.render())
        return 0
    if not args.paths:
        parser.error("give at least one submission PATH (or --verify-gradebook COURSE_DIR)")
    return batch.run_from_args(args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nndl", description="Course tooling.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="regenerate assignments/ from solutions/")
    p_build.add_argument("--check", action="store_true", help="only report stale files; exit 1 if any")
    p_build.add_argument("--set", dest="set_name", default=None, help="only this exercise set")
    p_course = sub.add_parser("course", help="write an nbgrader course directory")
    p_course.add_argument("root", type=Path)
    p_demo = sub.add_parser("demo", help="build, autograde the samples with nbgrader, print scores")
    p_demo.add_argument("--root", type=Path, default=None)
    p_demo.add_argument("--sets", default=None, help="comma-separated subset of sets")
    p_demo.add_argument("--no-verify", action="store_true")
    sub.add_parser("protections", help="which sandbox protections are active here")
    p_release = sub.add_parser("release", help="write the student kit: wheel (public checks), notebooks, README")
    p_release.add_argument("out_dir", type=Path, metavar="DIR")
    p_release.add_argument("--set", dest="sets", action="append", default=[], metavar="NAME",
                           help="release only this set (repeatable; default: every set of course.toml)")
    p_export = sub.add_parser("export", help="write the gradebook as CSV (per student, Canvas, Moodle)")
    p_export.add_argument("course_dir", type=Path, nargs="?", metavar="COURSE_DIR", help="an nbgrader course")
    p_export.add_argument("--ledger", type=Path, metavar="FILE", help="an nndl-grade --db ledger instead")
    p_export.add_argument("--out", type=Path, metavar="DIR", help="output folder (default COURSE_DIR/export)")
    from nndl import simulate

    p_sim = sub.add_parser("simulate", help="run a research set's experiment: figures, numbers, run.json")
    simulate.add_arguments(p_sim)
    args = parser.parse_args(argv)

    if args.command == "build":
        from nndl import build

        derived = build.build_all(only=args.set_name)
        if args.check:
            stale = [str(p) for p, text in derived.items()
                     if not p.exists() or p.read_text(encoding="utf-8") != text]
            for p in stale:
                print(f"stale: {p}")
            return 1 if stale else 0
        for p in build.write_all(derived):
            print(f"wrote {p}")
        return 0
    if args.command == "course":
        from nndl import course_dir

        print(course_dir.create(args.root))
        return 0
    if args.command == "demo":
        from nndl import demo

        return demo.run(args.root, sets=args.sets.split(",") if args.sets else None, verify=not args.no_verify)
    if args.command == "simulate":
        return simulate.run_from_args(args, p_sim)
    if args.command == "release":
        from nndl import release

        return release.main(args.out_dir, args.sets)
    if args.command == "export":
        from nndl import export

        return export.main(args.course_dir, args.ledger, args.out)
    if args.command == "protections":
        from nndl.sandbox import report_protections

        print("\n".join(report_protections()))
        return 0
    return 2  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
