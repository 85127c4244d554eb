"""The checks of ``low_rank_gradient`` reject realistic mistakes and accept valid alternatives."""

from tests.mutation import parametrize_set
from tests.research.mutants.low_rank_gradient import ALTERNATIVES, MUTANTS

globals().update(parametrize_set("research", "low_rank_gradient", MUTANTS, ALTERNATIVES))
