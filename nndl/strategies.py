"""Hypothesis strategies shared by every set (built on ``hypothesis.extra.numpy``).

All strategies produce well-conditioned data by construction (controlled
rank, bounded condition number, bounded magnitudes) so a check fails because
of the submission, not because of an ill-posed input.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


def floats(lo: float = -1e3, hi: float = 1e3, *, width: int = 64) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=width)


def arrays(*, lo: float = -1e3, hi: float = 1e3, dtype: type = np.float64, min_dims: int = 1, max_dims: int = 2,
           max_side: int = 6, shape: tuple[int, ...] | None = None) -> st.SearchStrategy[np.ndarray]:
    """Finite float arrays with entries in [lo, hi]."""
    width = 32 if np.dtype(dtype) == np.float32 else 64
    shapes = st.just(shape) if shape is not None else hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)
    return hnp.arrays(dtype, shapes, elements=floats(lo, hi, width=width))


def vectors(n: int | st.SearchStrategy[int] = st.integers(1, 6), *, lo: float = -10.0, hi: float = 10.0) -> st.SearchStrategy[np.ndarray]:
    sizes = n if isinstance(n, st.SearchStrategy) else st.just(n)
    return sizes.flatmap(lambda k: hnp.arrays(np.float64, (k,), elements=floats(lo, hi)))


def seeds() -> st.SearchStrategy[int]:
    return st.integers(0, 2**31 - 1)


def _orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def matrix_with_singular_values(rng: np.random.Generator, m: int, n: int, singular_values: np.ndarray) -> np.ndarray:
    """``U diag(s) V^T`` with Haar-random orthogonal U (m x m), V (n x n)."""
    k = len(singular_values)
    s = np.zeros((m, n))
    s[np.arange(k), np.arange(k)] = singular_values
    return _orthogonal(rng, m) @ s @ _orthogonal(rng, n).T


@st.composite
def matrices_of_rank(draw: st.DrawFn, *, rows: st.SearchStrategy[int] = st.integers(1, 6),
                     cols: st.SearchStrategy[int] = st.integers(1, 6), rank: str = "any",
                     cond: float = 100.0) -> np.ndarray:
    """Matrices with controlled rank: ``rank`` is "full", "deficient" or "any".

    Non-zero singular values lie in [1, cond], zero ones are exactly zero
    before rounding, so the numerical rank is unambiguous (gap ~1e15).
    """
    m, n = draw(rows), draw(cols)
    full = min(m, n)
    if rank == "full":
        r = full
    elif rank == "deficient":
        if full == 0:
            r = 0
        else:
            r = draw(st.integers(0, full - 1))
    else:
        r = draw(st.integers(0, full))
    seed = draw(seeds())
    rng = np.random.default_rng(seed)
    sv = np.sort(np.exp(rng.uniform(0.0, np.log(cond), size=r)))[::-1]
    return matrix_with_singular_values(rng, m, n, sv)


@st.composite
def spd_matrices(draw: st.DrawFn, n: int = 2, *, lo: float = 0.2, hi: float = 5.0) -> np.ndarray:
    """Symmetric positive definite n x n matrices with eigenvalues in [lo, hi]."""
    rng = np.random.default_rng(draw(seeds()))
    q = _orthogonal(rng, n)
    eig = rng.uniform(lo, hi, size=n)
    p = q @ np.diag(eig) @ q.T
    return (p + p.T) / 2
