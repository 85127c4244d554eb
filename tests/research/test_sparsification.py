"""The checks of ``sparsification`` reject realistic mistakes and accept valid alternatives."""

from tests.mutation import parametrize_set
from tests.research.mutants.sparsification import ALTERNATIVES, MUTANTS

globals().update(parametrize_set("research", "sparsification", MUTANTS, ALTERNATIVES))
