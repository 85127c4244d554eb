"""nndl.threads: each of N parallel processes gets cores // N threads, and a user's own setting stays."""

from __future__ import annotations

from nndl import threads


def test_share_divides_the_cores_and_never_gives_zero():
    assert [threads.share(n, total=8) for n in (1, 2, 3, 8, 16)] == [8, 4, 2, 1, 1]
    assert threads.share(1) == threads.cores() >= 1


def test_environment_sets_what_the_user_left_unset():
    env = threads.environment(2, base={"PATH": "/bin", "OMP_NUM_THREADS": "4"})
    assert env == {"PATH": "/bin", "OMP_NUM_THREADS": "4", "OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"}
