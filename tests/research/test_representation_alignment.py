"""The checks of ``representation_alignment`` reject realistic mistakes and accept valid alternatives."""

from tests.mutation import parametrize_set
from tests.research.mutants.representation_alignment import ALTERNATIVES, MUTANTS

globals().update(parametrize_set("research", "representation_alignment", MUTANTS, ALTERNATIVES))
