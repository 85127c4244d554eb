"""The checks of ``linear_nets`` reject realistic mistakes and accept valid alternatives."""

from tests.mutation import parametrize_set
from tests.session1.mutants.linear_nets import ALTERNATIVES, MUTANTS

globals().update(parametrize_set("session1", "linear_nets", MUTANTS, ALTERNATIVES))
