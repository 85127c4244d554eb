"""The checks of ``condensation`` reject realistic mistakes and accept valid alternatives."""

from tests.mutation import parametrize_set
from tests.research.mutants.condensation import ALTERNATIVES, MUTANTS

globals().update(parametrize_set("research", "condensation", MUTANTS, ALTERNATIVES))
