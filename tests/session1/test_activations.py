"""The checks of ``activations`` reject realistic mistakes and accept valid alternatives."""

from tests.mutation import parametrize_set
from tests.session1.mutants.activations import ALTERNATIVES, MUTANTS

globals().update(parametrize_set("session1", "activations", MUTANTS, ALTERNATIVES))
