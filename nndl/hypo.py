"""Hypothesis profiles, in one place, built from ``course.toml``.

* ``grading`` (the default): derandomized, no example database, no deadline,
  no explain phase, quiet.  The same submission gets the same examples on
  every run and machine, and grading never writes ``.hypothesis/``.
* ``dev``: more examples, random, for maintainers hunting for weak checks
  (``NNDL_HYPOTHESIS_PROFILE=dev pytest grader/``).

Checks apply the active profile explicitly through :func:`given`, so nothing
depends on which profile some other code loaded globally.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from typing import Any

import hypothesis
from hypothesis import HealthCheck, Phase, Verbosity

from nndl.config import course

ENV_VAR = "NNDL_HYPOTHESIS_PROFILE"


@functools.cache
def _private_storage() -> str:
    """A discarded home for hypothesis' caches (it caches source constants under
    ``.hypothesis/`` even without a database): grading writes nothing to the cwd."""
    import atexit
    import shutil
    import tempfile

    from hypothesis.configuration import set_hypothesis_home_dir

    home = tempfile.mkdtemp(prefix="nndl-hypothesis-")
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    set_hypothesis_home_dir(home)
    return home


@functools.cache
def _profile(name: str) -> hypothesis.settings:
    cfg = course().hypothesis[name]
    if not cfg.database:
        _private_storage()
    return hypothesis.settings(
        max_examples=cfg.max_examples,
        derandomize=cfg.derandomize,
        database=None,  # course.toml enforces database = false for grading; dev does not need one
        deadline=None,  # a slow but correct submission is not a failure; the sandbox bounds time
        phases=[Phase.explicit, Phase.generate, Phase.shrink],  # no explain phase, no database reuse
        suppress_health_check=list(HealthCheck),  # slowness of a submission is not a grader error
        report_multiple_bugs=False,  # one smallest failing input per check
        verbosity=Verbosity.quiet,
        print_blob=False,
    )


def active_profile_name() -> str:
    name = os.environ.get(ENV_VAR, "grading")
    if name not in ("grading", "dev"):
        raise ValueError(f"{ENV_VAR}={name!r}: expected 'grading' or 'dev'")
    return name


def settings(**overrides: Any) -> hypothesis.settings:
    """The active profile's settings, with per-check overrides (e.g. fewer examples for costly calls)."""
    base = _profile(active_profile_name())
    if "max_examples" in overrides and active_profile_name() == "dev":
        overrides["max_examples"] = max(overrides["max_examples"], base.max_examples // 4)
    return hypothesis.settings(base, **overrides)


def given(*args: Any, max_examples: int | None = None, examples: Sequence[tuple] = (),
          **kwargs: Any) -> Callable[[Callable[..., None]], Callable[[], None]]:
    """``hypothesis.given`` under the active profile, with explicit ``examples`` run first.

    Use inside a check::

        @hypo.given(finite_arrays(), examples=[(np.zeros(3),)])
        def prop(x):
            ...
        prop()
    """
    overrides = {} if max_examples is None else {"max_examples": max_examples}

    def decorate(fn: Callable[..., None]) -> Callable[[], None]:
        for example in reversed(examples):
            fn = hypothesis.example(*example)(fn)
        return settings(**overrides)(hypothesis.given(*args, **kwargs)(fn))

    return decorate
