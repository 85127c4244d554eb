"""Thread pools of parallel processes: N processes on C cores get C // N threads each.

torch, OpenMP and BLAS each start a pool of as many threads as the machine
has cores.  N grading processes (``nndl-grade --workers N``) or simulation
runs (``nndl simulate --workers N``) that each do so put N x C busy threads
on C cores, and the spinning and switching between them cost more than the
threads gain (on 2 cores, 240 Session 1 submissions took 5-10% longer with
two grading processes of two threads each than with one thread each).  Like
loky (joblib's process pool), each process of a pool gets ``C // N`` threads,
at least one; a variable the user has set themselves is left as it is.

This module imports nothing heavy: it runs before numpy and torch are loaded.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

#: What torch, OpenMP, OpenBLAS and MKL read when their pools start.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def cores() -> int:
    """The cores this process may run on (its CPU affinity, which a container or ``taskset`` narrows)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def share(processes: int, total: int | None = None) -> int:
    """Threads for each of ``processes`` parallel processes on ``total`` cores (default: :func:`cores`)."""
    return max(1, (cores() if total is None else total) // max(1, processes))


def environment(threads: int, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default ``os.environ``) with :data:`THREAD_VARIABLES` set to ``threads`` where unset."""
    env = dict(os.environ if base is None else base)
    for name in THREAD_VARIABLES:
        env.setdefault(name, str(threads))
    return env


def limit(threads: int) -> int:
    """Cap this process's pools: the variables for libraries loaded later, and the pools of those
    already loaded (BLAS and OpenMP through threadpoolctl, torch directly).  Returns the cap, which
    is ``threads`` unless the user's own ``OMP_NUM_THREADS`` says otherwise."""
    env = environment(threads)
    os.environ.update({name: env[name] for name in THREAD_VARIABLES})
    try:
        cap = max(1, int(os.environ["OMP_NUM_THREADS"]))
    except ValueError:
        cap = threads
    if "numpy" in sys.modules or "torch" in sys.modules:
        from threadpoolctl import threadpool_limits

        threadpool_limits(cap)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(cap)
    return cap
