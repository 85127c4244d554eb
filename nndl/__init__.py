"""nndl: course tooling for the neural-networks course.

The package has three parts that mirror each other by name:

* ``solutions/<assignment>/<set>.py``: the reference implementation, the one
  source of truth (percent-format cells with nbgrader solution markers);
* ``grader/<assignment>/<set>.py``: the checks, plain functions
  ``check_<property>(impl, *, rng)`` raising ``AssertionError``;
* ``assignments/<assignment>/<set>.{py,ipynb}``: what students receive,
  generated mechanically from ``solutions/`` by :mod:`nndl.build`.

This package (``nndl``) holds the machinery shared by every set: the course
configuration (:mod:`nndl.config`), the check framework (:mod:`nndl.checks`),
the plain-data boundary (:mod:`nndl.plain`, :mod:`nndl.impl`), the sandbox
(:mod:`nndl.sandbox`) and the command-line front-ends (:mod:`nndl.cli`).
"""

__version__ = "0.1.0"
