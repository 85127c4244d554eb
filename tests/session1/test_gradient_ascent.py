"""The checks of ``gradient_ascent`` reject realistic mistakes and accept valid alternatives."""

from tests.mutation import parametrize_set
from tests.session1.mutants.gradient_ascent import ALTERNATIVES, MUTANTS

globals().update(parametrize_set("session1", "gradient_ascent", MUTANTS, ALTERNATIVES))
