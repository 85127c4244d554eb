"""Proving checks both ways (scikit-learn's ``test_estimator_checks`` style).

Each set's test module declares realistic wrong implementations
(:class:`Mutant`) and valid alternatives (:class:`Alternative`) as overrides
of the reference namespace.  :func:`parametrize_set` turns them into pytest
cases that prove:

* every mutant fails each check it names, with ``pytest.raises(AssertionError,
  match=...)``, and passes every other check (it loses points on the check it
  breaks and only there);
* every alternative passes every check;
* every check of the set is broken by at least one mutant (a check that
  rejects nothing is a defect).
"""

from __future__ import annotations

import dataclasses
import importlib
import re
import types
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from nndl.checks import Check, check_rng, load_checkset
from nndl.impl import LocalImpl


@dataclasses.dataclass(frozen=True)
class Mutant:
    """A realistic wrong submission: the reference with ``overrides``.

    ``breaks`` maps each check id the mutant must fail to a regex its message
    must match.  Every other check must still pass.
    """

    id: str
    overrides: Mapping[str, Any]
    breaks: Mapping[str, str]
    #: Names to delete from the reference namespace (a missing function).
    delete: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Alternative:
    """A valid submission different from the reference; it must pass every check."""

    id: str
    overrides: Mapping[str, Any]


def _rebind(fn: types.FunctionType, ns: dict, name: str) -> types.FunctionType:
    out = types.FunctionType(fn.__code__, ns, name, fn.__defaults__, fn.__closure__)
    out.__kwdefaults__ = fn.__kwdefaults__
    out.__doc__ = fn.__doc__
    return out


def namespace(reference: types.ModuleType, overrides: Mapping[str, Any], delete: tuple[str, ...] = ()) -> dict:
    """The reference's globals with some names replaced, as one shared namespace.

    Every function (the reference's and the overrides) is rebound to this
    namespace, so a mutant of ``leaky_relu`` is what the reference's ``relu``
    calls too, exactly as in a student's notebook where all functions share one
    ``globals()``.  Names the overrides use from their own module (``expit``)
    are added where the reference does not define them.
    """
    ref = vars(reference)
    ns: dict = {}
    for value in overrides.values():
        if isinstance(value, types.FunctionType):
            ns.update({k: v for k, v in value.__globals__.items() if not k.startswith("__")})
    ns.update(ref)
    ns.update(overrides)
    for name in delete:
        ns.pop(name, None)
    for name, value in list(ns.items()):
        if isinstance(value, types.FunctionType) and (value.__globals__ is ref or name in overrides):
            ns[name] = _rebind(value, ns, name)
    return ns


def run(check: Check, ns: dict) -> None:
    impl = LocalImpl(ns, where="the mutant")
    impl.reset_probes()
    try:
        check(impl, rng=check_rng(check))
    finally:
        impl.close()


def parametrize_set(assignment: str, set_name: str, mutants: list[Mutant],
                    alternatives: list[Alternative]) -> dict[str, Callable]:
    """Build the three test functions for a set; assign the result's items into the test module."""
    reference = importlib.import_module(f"solutions.{assignment}.{set_name}")
    checkset = load_checkset(assignment, set_name)
    ids = [cid for cid, _ in checkset]

    for m in mutants:
        unknown = set(m.breaks) - set(ids)
        assert not unknown, f"mutant {m.id} names unknown checks {sorted(unknown)}"

    fail_cases = [pytest.param(m, cid, rx, id=f"{m.id}-{cid}") for m in mutants for cid, rx in m.breaks.items()]
    pass_cases = [pytest.param(m, cid, id=f"{m.id}-{cid}") for m in mutants for cid in ids if cid not in m.breaks]
    alt_cases = [pytest.param(a, cid, id=f"{a.id}-{cid}") for a in alternatives for cid in ids]

    @pytest.mark.parametrize(("mutant", "cid", "pattern"), fail_cases)
    def test_mutant_fails_the_check_it_breaks(mutant: Mutant, cid: str, pattern: str) -> None:
        ns = namespace(reference, mutant.overrides, mutant.delete)
        with pytest.raises(AssertionError, match=pattern):
            run(checkset[cid], ns)

    @pytest.mark.parametrize(("mutant", "cid"), pass_cases)
    def test_mutant_passes_other_checks(mutant: Mutant, cid: str) -> None:
        run(checkset[cid], namespace(reference, mutant.overrides, mutant.delete))

    @pytest.mark.parametrize(("alternative", "cid"), alt_cases)
    def test_alternative_passes(alternative: Alternative, cid: str) -> None:
        run(checkset[cid], namespace(reference, alternative.overrides))

    @pytest.mark.parametrize("cid", ids)
    def test_every_check_rejects_some_mutant(cid: str) -> None:
        assert any(cid in m.breaks for m in mutants), f"no mutant breaks check {cid}: it rejects nothing"

    return {
        "test_mutant_fails_the_check_it_breaks": test_mutant_fails_the_check_it_breaks,
        "test_mutant_passes_other_checks": test_mutant_passes_other_checks,
        "test_alternative_passes": test_alternative_passes,
        "test_every_check_rejects_some_mutant": test_every_check_rejects_some_mutant,
    }


def escape(text: str) -> str:
    return re.escape(text)
