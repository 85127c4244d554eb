"""The checks of ``relu_dictionary`` reject realistic mistakes and accept valid alternatives."""

from tests.mutation import parametrize_set
from tests.research.mutants.relu_dictionary import ALTERNATIVES, MUTANTS

globals().update(parametrize_set("research", "relu_dictionary", MUTANTS, ALTERNATIVES))
