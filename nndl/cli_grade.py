"""``python -m nndl.cli_grade`` is ``nndl-grade`` (for environments without the entry point on PATH)."""

import sys

from nndl.cli import grade_main

if __name__ == "__main__":
    sys.exit(grade_main())
