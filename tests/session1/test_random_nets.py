"""The checks of ``random_nets`` reject realistic mistakes and accept valid alternatives."""

import pytest
import torch

from tests.mutation import parametrize_set
from tests.session1.mutants.random_nets import ALTERNATIVES, MUTANTS

globals().update(parametrize_set("session1", "random_nets", MUTANTS, ALTERNATIVES))


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """Run torch single-threaded here: for 5x5 networks the intra-op thread pool only adds
    overhead, 10-20x per forward pass on a loaded 2-core machine.  Restored afterwards."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
