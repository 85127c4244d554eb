"""Realistic wrong and valid implementations of ``linear_nets``."""

from __future__ import annotations

from functools import reduce

import numpy as np

from tests.mutation import Alternative, Mutant


# --- wrong ---------------------------------------------------------------------
def compose_reversed(weights):
    # W_1 @ W_2 @ ... @ W_K: reads the formula left to right in list order.
    return reduce(lambda M, W: M @ W, [np.asarray(W, dtype=float) for W in weights])


def compose_np_matrix(weights):
    M = np.asmatrix(weights[0])
    for W in weights[1:]:
        M = np.asmatrix(W) * M
    return M


def compose_reverses_list(weights):
    weights.reverse()  # now [W_K, ..., W_1]: the product reads as in the formula
    return reduce(lambda M, W: M @ W, weights)


def is_injective_det(M):
    return np.linalg.det(M) != 0


def is_injective_row_rank(M):
    return np.linalg.matrix_rank(M) == M.shape[0]


def is_injective_min_side(M):
    # "full rank" confused with "full column rank": wide full-rank matrices pass.
    return np.linalg.matrix_rank(M) == min(M.shape)


def is_injective_absolute_tol(M):
    s = np.linalg.svd(M, compute_uv=False)
    return int(np.sum(s > 1e-10)) == M.shape[1]


def is_injective_cond_threshold(M):
    # An ad-hoc "numerically singular" cut at cond 1e8.
    return M.shape[0] >= M.shape[1] and np.linalg.cond(M) < 1e8


def is_bijective_forgets_square(M):
    return is_injective(M)  # noqa: F821 - rebound to the reference namespace


def is_bijective_det(M):
    return np.linalg.det(M) != 0


def all_layers_via_product(weights):
    return is_bijective(compose(weights))  # noqa: F821


def all_layers_only_square(weights):
    return all(W.shape[0] == W.shape[1] for W in weights)


def all_layers_det(weights):
    return all(np.linalg.det(W) != 0 for W in weights)


def invert_pinv(weights, y):
    return np.linalg.pinv(compose(weights)) @ y  # noqa: F821


def invert_inv_unchecked(weights, y):
    return np.linalg.inv(compose(weights)) @ y  # noqa: F821


def invert_solve_unchecked(weights, y):
    # relies on np.linalg.solve to raise for singular matrices
    return np.linalg.solve(compose(weights), y)  # noqa: F821


def invert_wrong_layer_order(weights, y):
    if not all_layers_bijective(weights):  # noqa: F821
        raise np.linalg.LinAlgError("singular layer")
    x = y
    for W in weights:  # undoes W_1 first
        x = np.linalg.solve(W, x)
    return x


def invert_column_vector(weights, y):
    M = compose(weights)  # noqa: F821
    if not is_bijective(M):  # noqa: F821
        raise np.linalg.LinAlgError("not bijective")
    return np.linalg.solve(M, y.reshape(-1, 1))


def invert_value_error(weights, y):
    M = compose(weights)  # noqa: F821
    if not is_bijective(M):  # noqa: F821
        raise ValueError("g is not bijective")
    return np.linalg.solve(M, y)


def invert_reverses_list(weights, y):
    if not all_layers_bijective(weights):  # noqa: F821
        raise np.linalg.LinAlgError("singular layer")
    weights.reverse()
    x = y
    for W in weights:
        x = np.linalg.solve(W, x)
    return x


# --- valid -----------------------------------------------------------------------
def compose_reduce_keeps_dtype(weights):
    # float32 weights give a float32 product
    return reduce(lambda M, W: W @ M, weights[1:], np.array(weights[0]))


def compose_multi_dot(weights, **kwargs):
    if len(weights) == 1:
        return np.array(weights[0], dtype=float)
    return np.linalg.multi_dot(weights[::-1])


def is_injective_matrix_rank(M, tol=None):
    return np.linalg.matrix_rank(M, tol=tol) == M.shape[1]


def is_injective_cond(M):
    m, n = M.shape
    return m >= n and bool(np.linalg.cond(M) < 1.0 / (max(m, n) * np.finfo(float).eps))


def is_bijective_matrix_rank(M):
    return M.shape[0] == M.shape[1] and np.linalg.matrix_rank(M) == M.shape[0]


def all_layers_square_then_product(weights):
    # 3(c) for square chains: every layer invertible iff M = W_K ... W_1 is
    return all(W.shape[0] == W.shape[1] for W in weights) and is_bijective(compose(weights))  # noqa: F821


def invert_via_product(weights, y):
    M = compose(weights)  # noqa: F821
    if not is_bijective(M):  # noqa: F821
        raise np.linalg.LinAlgError("g is not bijective")
    return np.linalg.solve(M, y)


def invert_explicit_inverse(weights, y, *, check=True):
    M = compose(weights)  # noqa: F821
    if check and not is_bijective(M):  # noqa: F821
        raise np.linalg.LinAlgError("g is not bijective")
    return np.linalg.inv(M) @ y


def invert_layers_only(weights, y):
    # square layers only (the sheet's case); anything else is rejected
    x = np.asarray(y, dtype=float)
    for W in weights[::-1]:
        if W.shape[0] != W.shape[1] or np.linalg.matrix_rank(W) < W.shape[0]:
            raise np.linalg.LinAlgError("a layer is not invertible")
        x = np.linalg.solve(W, x)
    return x


def invert_lstsq(weights, y):
    M = compose(weights)  # noqa: F821
    x, _, rank, _ = np.linalg.lstsq(M, y)
    if M.shape[0] != M.shape[1] or rank < M.shape[0]:
        raise np.linalg.LinAlgError("g is not bijective")
    return x


MUTANTS = [
    Mutant("compose_reversed_order", {"compose": compose_reversed},
           {"compose_product_order": r"(?s)compose\(.*\) returned .*Hint: you computed W_1 @ W_2 @ \.\.\. @ W_K",
            "compose_rectangular_chain": r"(?s)raised ValueError.*Hint: the shapes chain",
            # the reference invert composes the layers of a non-square chain
            "invert_raises_on_non_square": r"(?s)raised ValueError.*expected numpy\.linalg\.LinAlgError instead"}),
    Mutant("compose_returns_np_matrix", {"compose": compose_np_matrix},
           {"compose_product_order": r"(?s)returned a numpy\.matrix; .*Hint: np\.matrix is deprecated",
            "compose_rectangular_chain": "returned a numpy.matrix"}),
    Mutant("compose_reverses_list_in_place", {"compose": compose_reverses_list},
           {"compose_product_order": "modified its argument 1 in place",
            "compose_rectangular_chain": "modified its argument 1 in place"}),
    Mutant("is_injective_det", {"is_injective": is_injective_det},
           {"injective_square": r"(?s)is_injective\(.*\) returned True; expected False.*numerical rank",
            "injective_non_square": "raised LinAlgError",
            "rank_standard_tolerance": r"(?s)returned False; expected True.*Hint: M is 4x4 with numerical rank 4",
            "bijective_square": r"(?s)is_bijective\(.*\) returned True; expected False",
            "layers_square_chain": "returned True; expected False",
            "invert_raises_on_singular": r"(?s)returned array.*expected it to raise numpy\.linalg\.LinAlgError",
            "invert_raises_on_non_square": "expected it to raise"}),
    Mutant("is_injective_row_rank", {"is_injective": is_injective_row_rank},
           {"injective_non_square": r"(?s)is_injective\(.*\) returned (True|False); expected (False|True)",
            "rank_standard_tolerance": r"(?s)is_injective\(.*\) returned False; expected True.*5x3"}),
    Mutant("is_injective_min_side", {"is_injective": is_injective_min_side},
           {"injective_non_square": r"(?s)returned True; expected False.*rank == number of columns"}),
    Mutant("is_injective_absolute_tol", {"is_injective": is_injective_absolute_tol},
           {"rank_standard_tolerance": r"(?s)returned False; expected True.*not with det\(M\) != 0 or an absolute"}),
    Mutant("is_injective_cond_threshold", {"is_injective": is_injective_cond_threshold},
           {"rank_standard_tolerance": r"(?s)is_injective\(.*\) returned False; expected True"}),
    Mutant("is_bijective_forgets_square", {"is_bijective": is_bijective_forgets_square},
           {"bijective_non_square": r"(?s)is_bijective\(.*\) returned True; expected False.*needs a square matrix",
            # the reference all_layers_bijective asks is_bijective about each layer
            "layers_non_square": "returned True; expected False"}),
    Mutant("is_bijective_det", {"is_bijective": is_bijective_det},
           {"bijective_square": r"(?s)is_bijective\(.*\) returned True; expected False",
            "bijective_non_square": "raised LinAlgError",
            "rank_standard_tolerance": r"(?s)is_bijective\(.*\) returned False; expected True",
            "layers_square_chain": "returned True; expected False",
            "layers_non_square": "raised LinAlgError",
            "invert_raises_on_singular": "expected it to raise",
            "invert_raises_on_non_square": "expected it to raise"}),
    Mutant("all_layers_via_product", {"all_layers_bijective": all_layers_via_product},
           {"layers_non_square": r"(?s)returned True; expected False.*on the individual layers"}),
    Mutant("all_layers_only_square", {"all_layers_bijective": all_layers_only_square},
           {"layers_square_chain": r"(?s)returned True; expected False.*numerical ranks"}),
    Mutant("all_layers_det", {"all_layers_bijective": all_layers_det},
           {"layers_square_chain": "returned True; expected False",
            "layers_non_square": "raised LinAlgError"}),
    Mutant("invert_pinv", {"invert": invert_pinv},
           {"invert_raises_on_singular": r"(?s)invert\(.*\) returned array.*expected it to raise numpy\.linalg\.Lin",
            "invert_raises_on_non_square": "expected it to raise numpy.linalg.LinAlgError"}),
    Mutant("invert_inv_unchecked", {"invert": invert_inv_unchecked},
           {"invert_raises_on_singular": r"(?s)invert\(.*\) returned array.*expected it to raise numpy\.linalg\.Lin",
            "invert_raises_on_non_square": "expected it to raise numpy.linalg.LinAlgError"}),
    Mutant("invert_solve_unchecked", {"invert": invert_solve_unchecked},
           {"invert_raises_on_singular": r"(?s)Hint: .*np\.linalg\.solve only raises for exactly singular",
            "invert_raises_on_non_square": "expected it to raise"}),
    Mutant("invert_wrong_layer_order", {"invert": invert_wrong_layer_order},
           {"invert_roundtrip": r"(?s)invert\(.*\) returned .*residual .*Hint: undo the last layer first",
            "invert_matches_reference": r"(?s)invert\(.*\) returned .*error"}),
    Mutant("invert_returns_column", {"invert": invert_column_vector},
           {"invert_roundtrip": r"returned an array of shape \(\d, 1\); expected a float ndarray of shape",
            "invert_matches_reference": r"shape \(\d, 1\)"}),
    Mutant("invert_raises_value_error", {"invert": invert_value_error},
           {"invert_raises_on_singular": r"(?s)raised ValueError.*expected numpy\.linalg\.LinAlgError instead",
            "invert_raises_on_non_square": "raised ValueError"}),
    Mutant("invert_reverses_list_in_place", {"invert": invert_reverses_list},
           {"invert_roundtrip": "modified its argument 1 in place",
            "invert_matches_reference": "modified its argument 1 in place"}),
    Mutant("invert_missing", {}, {"invert_roundtrip": "invert is not defined in the mutant",
                                  "invert_raises_on_singular": "not defined",
                                  "invert_raises_on_non_square": "not defined",
                                  "invert_matches_reference": "not defined"},
           delete=("invert",)),
]

ALTERNATIVES = [
    Alternative("compose_reduce_keeps_float32", {"compose": compose_reduce_keeps_dtype}),
    Alternative("compose_multi_dot_extra_kwargs", {"compose": compose_multi_dot}),
    Alternative("is_injective_matrix_rank_tol_kwarg", {"is_injective": is_injective_matrix_rank}),
    Alternative("is_injective_via_cond", {"is_injective": is_injective_cond}),
    Alternative("is_bijective_matrix_rank", {"is_bijective": is_bijective_matrix_rank}),
    Alternative("all_layers_square_then_product", {"all_layers_bijective": all_layers_square_then_product}),
    Alternative("invert_via_product_solve", {"invert": invert_via_product}),
    Alternative("invert_explicit_inverse_kwarg", {"invert": invert_explicit_inverse}),
    Alternative("invert_square_layers_only", {"invert": invert_layers_only}),
    Alternative("invert_lstsq_rank", {"invert": invert_lstsq}),
]
