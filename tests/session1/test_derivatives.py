"""The checks of ``derivatives`` reject realistic mistakes and accept valid alternatives."""

from tests.mutation import parametrize_set
from tests.session1.mutants.derivatives import ALTERNATIVES, MUTANTS

globals().update(parametrize_set("session1", "derivatives", MUTANTS, ALTERNATIVES))
