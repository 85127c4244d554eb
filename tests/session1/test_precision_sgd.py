"""The checks of ``precision_sgd`` reject realistic mistakes and accept valid alternatives."""

from tests.mutation import parametrize_set
from tests.session1.mutants.precision_sgd import ALTERNATIVES, MUTANTS

globals().update(parametrize_set("session1", "precision_sgd", MUTANTS, ALTERNATIVES))
