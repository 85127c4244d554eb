"""Realistic wrong and valid implementations of ``derivatives``."""

from __future__ import annotations

import numpy as np

from tests.mutation import Alternative, Mutant


# --- wrong ---------------------------------------------------------------------
def grad_sq_norm_missing_factor_2(w):
    return np.asarray(w, dtype=float).copy()


def grad_sq_norm_column(w):
    return 2.0 * np.asarray(w, dtype=float).reshape(-1, 1)


def hess_sq_norm_identity(w):
    return np.eye(len(w))


def hess_sq_norm_scalar(w):
    return 2


def hess_sq_norm_diag_of_gradient(w):
    return np.diag(2.0 * np.asarray(w, dtype=float))


def newton_returns_step(w):
    return -np.linalg.solve(hess_sq_norm(w), grad_sq_norm(w))  # noqa: F821 - rebound to the reference namespace


def newton_wrong_sign(w):
    return w + np.linalg.solve(hess_sq_norm(w), grad_sq_norm(w))  # noqa: F821


def newton_hessian_not_inverted(w):
    return w - hess_sq_norm(w) @ grad_sq_norm(w)  # noqa: F821


def newton_in_place(w):
    w -= np.linalg.solve(hess_sq_norm(w), grad_sq_norm(w))  # noqa: F821
    return w


def grad_dot_returns_w(w, z):
    return np.array(w, dtype=float)


def hess_dot_ones(w, z):
    return np.ones((len(w), len(w)))


def hess_dot_zero_vector(w, z):
    return np.zeros_like(np.asarray(w, dtype=float))


def grad_f_M_transposed(W, z, g_prime):
    return np.outer(z, g_prime(W @ z))


def grad_f_M_columns(W, z, g_prime):
    # w_i taken as the columns of W: w_i^T z computed as W.T @ z.
    return np.outer(g_prime(W.T @ z), z)


def grad_f_M_g_prime_of_entries(W, z, g_prime):
    # chain rule with the wrong inner argument: g'(w_ij) z_j instead of g'(w_i^T z) z_j
    return g_prime(W) * z[None, :]


def grad_f_M_differentiates_g_prime(W, z, g_prime):
    # treats the argument as g itself and differentiates it: computes g''(Wz) z^T
    a, h = W @ z, 1e-5
    return np.outer((g_prime(a + h) - g_prime(a - h)) / (2 * h), z)


def grad_f_M_hard_coded_cos(W, z, g_prime):
    # tested only with g = sin: ignores the g_prime argument
    return np.outer(np.cos(W @ z), z)


def grad_f_M_missing_z(W, z, g_prime):
    return np.repeat(g_prime(W @ z)[:, None], len(z), axis=1)


def grad_f_M_summed_over_rows(W, z, g_prime):
    return np.sum(g_prime(W @ z)) * np.asarray(z, dtype=float)


def stochastic_divided_by_n(W, z, g_prime):
    # "expectation" taken as an average over the entries of the one sample z
    return np.outer(g_prime(W @ z), z) / len(z)


def stochastic_descent_direction(W, z, g_prime):
    return -np.outer(g_prime(W @ z), z)


# --- valid -----------------------------------------------------------------------
def grad_sq_norm_float64(w):
    return 2.0 * np.asarray(w, dtype=np.float64)


def grad_sq_norm_via_add(w, **kwargs):
    w = np.asarray(w)
    return w + w


def hess_sq_norm_diag(w):
    return np.diag(np.full(len(w), 2.0))


def hess_sq_norm_keeps_dtype(w):
    return 2 * np.eye(np.size(w), dtype=np.asarray(w).dtype)


def newton_closed_form(w):
    # the derivation gives w - (2I)^{-1} 2w = 0 from any w
    return np.zeros_like(w, dtype=float)


def newton_inv_with_step_size(w, step_size=1.0):
    w = np.asarray(w, dtype=float)
    return w - step_size * np.linalg.inv(hess_sq_norm(w)) @ grad_sq_norm(w)  # noqa: F821


def newton_float32(w):
    w = np.asarray(w)
    return (w - 0.5 * grad_sq_norm(w)).astype(w.dtype)  # noqa: F821


def grad_dot_copy(w, z):
    return np.asarray(z, dtype=float).copy()


def grad_dot_plus_zero_w(w, z):
    return z + 0.0 * w


def hess_dot_zeros_like_outer(w, z, **kwargs):
    return np.zeros_like(np.outer(w, z), dtype=float)


def grad_f_M_loops(W, z, g_prime):
    m, n = W.shape
    out = np.zeros((m, n))
    for i in range(m):
        gi = g_prime(np.array([W[i] @ z]))[0]
        for j in range(n):
            out[i, j] = gi * z[j]
    return out


def grad_f_M_broadcast(W, z, g_prime, **kwargs):
    return g_prime(W @ z)[:, None] * z[None, :]


def grad_f_M_einsum_float32(W, z, g_prime):
    a = np.einsum("ij,j->i", W, z)
    return np.einsum("i,j->ij", g_prime(a), z).astype(np.result_type(W, z))


def stochastic_own_formula(W, z, g_prime):
    z = np.asarray(z, dtype=float)
    return np.asarray(g_prime(np.asarray(W, dtype=float) @ z)).reshape(-1, 1) * z.reshape(1, -1)


_STOCH = "stochastic_grad_f_M"
#: What a wrong-valued grad_f_M gives in the instructor-only and the stochastic checks.
_REF_VALUES = r"grad_f_M\(.*\) returned array\(.*; expected array\(.*Hint: entry \(i, j\) is the derivative"
_STOCH_VALUES = r"mean_k stochastic_grad_f_M\(.*\) over the samples z_k.* returned a gradient whose entry"


def _mutant(mid: str, overrides: dict, breaks: dict, **kwargs) -> Mutant:
    """A Mutant whose patterns match across lines (messages print matrices over several lines)."""
    return Mutant(mid, overrides, {cid: "(?s)" + rx for cid, rx in breaks.items()}, **kwargs)

MUTANTS = [
    _mutant("grad_sq_norm_missing_factor_2", {"grad_sq_norm": grad_sq_norm_missing_factor_2},
            {"grad_sq_norm_finite_differences":
                 r"grad_sq_norm\(.*\) returned a gradient whose entry .*central differences.*Hint: differentiate",
             # the reference Newton step uses grad_sq_norm: w - (2I)^{-1} w = w/2
             "newton_reaches_minimiser": r"Hint: that is w/2"}),
    _mutant("grad_sq_norm_column_vector", {"grad_sq_norm": grad_sq_norm_column},
            {"grad_sq_norm_finite_differences":
                 r"returned an array of shape \(1, 1\); expected a float ndarray of shape \(1,\)",
             "newton_reaches_minimiser": r"newton_step_sq_norm\(.*\) returned an array of shape \(1, 1\)"}),
    _mutant("hess_sq_norm_identity", {"hess_sq_norm": hess_sq_norm_identity},
            {"hess_sq_norm_finite_differences": r"hess_sq_norm\(.*\) returned a Hessian whose entry \(0, 0\) is 1;"
                                                r" expected 2 from central differences",
             "newton_reaches_minimiser": r"Hint: that is -w"}),
    _mutant("hess_sq_norm_scalar_2", {"hess_sq_norm": hess_sq_norm_scalar},
            {"hess_sq_norm_finite_differences": r"returned a int; expected a float ndarray of shape \(1, 1\)",
             "newton_reaches_minimiser": r"raised LinAlgError"}),
    _mutant("hess_sq_norm_diag_of_gradient", {"hess_sq_norm": hess_sq_norm_diag_of_gradient},
            {"hess_sq_norm_finite_differences": r"Hessian whose entry .*Hint: H_ij is the derivative",
             "newton_reaches_minimiser": r"newton_step_sq_norm\(.*\) (raised LinAlgError|returned)"}),
    _mutant("newton_returns_step", {"newton_step_sq_norm": newton_returns_step},
            {"newton_reaches_minimiser": r"newton_step_sq_norm\(array\(\[1\.\]\)\) returned array\(\[-1\.\]\).*"
                                         r"expected the minimiser array\(\[0\.\]\).*Hint: that is -w"}),
    _mutant("newton_wrong_sign", {"newton_step_sq_norm": newton_wrong_sign},
            {"newton_reaches_minimiser": r"returned array\(\[2\.\]\).*Hint: that is 2w: check the sign"}),
    _mutant("newton_hessian_not_inverted", {"newton_step_sq_norm": newton_hessian_not_inverted},
            {"newton_reaches_minimiser": r"returned array\(\[-3\.\]\).*Hint: the next iterate is w - H\^\{-1\}"}),
    _mutant("newton_modifies_w_in_place", {"newton_step_sq_norm": newton_in_place},
            {"newton_reaches_minimiser": r"newton_step_sq_norm\(.*\) modified its argument 1 in place"}),
    _mutant("grad_dot_returns_w", {"grad_dot": grad_dot_returns_w},
            {"grad_dot_finite_differences": r"grad_dot\(.*\) returned a gradient whose entry .*Hint: write w\^T z"}),
    _mutant("hess_dot_ones", {"hess_dot": hess_dot_ones},
            {"hess_dot_is_zero": r"hess_dot\(.*\) returned a Hessian whose entry \(0, 0\) is 1; expected 0 .*"
                                 r"Hint: the gradient z does not depend on w"}),
    _mutant("hess_dot_zero_vector", {"hess_dot": hess_dot_zero_vector},
            {"hess_dot_is_zero": r"returned an array of shape \(1,\); expected a float ndarray of shape \(1, 1\)"}),
    _mutant("grad_f_M_transposed", {"grad_f_M": grad_f_M_transposed},
            {"grad_f_M_finite_differences": r"Hint: you returned the transpose",
             "grad_f_M_shape": r"grad_f_M\(.*\) returned an array of shape \(5, 3\); expected a float ndarray of "
                               r"shape \(3, 5\) \(the shape of W\)\. Hint: you returned the transpose",
             "grad_f_M_matches_reference": "transpose",
             # the reference stochastic gradient calls grad_f_M
             "stochastic_grad_batch_average": rf"{_STOCH}\(.*\) returned an array of shape"}),
    _mutant("grad_f_M_w_i_as_columns", {"grad_f_M": grad_f_M_columns},
            {"grad_f_M_finite_differences": r"grad_f_M\(.*\) (raised ValueError|returned a gradient whose entry)",
             "grad_f_M_shape": r"grad_f_M\(.*\) raised ValueError",
             "grad_f_M_matches_reference": r"raised ValueError",
             "stochastic_grad_batch_average": r"raised ValueError|returned a gradient whose entry"}),
    _mutant("grad_f_M_g_prime_of_entries", {"grad_f_M": grad_f_M_g_prime_of_entries},
            {"grad_f_M_finite_differences": r"returned a gradient whose entry .*relative error",
             "grad_f_M_matches_reference": _REF_VALUES,
             "stochastic_grad_batch_average": r"mean_k stochastic_grad_f_M\(.*z_k, cos\) over the samples z_k"}),
    _mutant("grad_f_M_g_double_prime", {"grad_f_M": grad_f_M_differentiates_g_prime},
            {"grad_f_M_finite_differences": r"returned a gradient whose entry",
             "grad_f_M_matches_reference": _REF_VALUES,
             "stochastic_grad_batch_average": _STOCH_VALUES}),
    _mutant("grad_f_M_hard_coded_cos", {"grad_f_M": grad_f_M_hard_coded_cos},
            {"grad_f_M_finite_differences": r"grad_f_M\(.*, (tanh_prime|three_square|sigmoid_prime|double)\) returned "
                                            r"a gradient whose entry",
             "grad_f_M_matches_reference": _REF_VALUES,
             "stochastic_grad_batch_average": _STOCH_VALUES}),
    _mutant("grad_f_M_missing_factor_z", {"grad_f_M": grad_f_M_missing_z},
            {"grad_f_M_finite_differences": r"returned a gradient whose entry",
             "grad_f_M_matches_reference": _REF_VALUES,
             "stochastic_grad_batch_average": _STOCH_VALUES}),
    _mutant("grad_f_M_summed_over_rows", {"grad_f_M": grad_f_M_summed_over_rows},
            {"grad_f_M_finite_differences": r"returned an array of shape \(\d,\); expected a float ndarray of shape "
                                            r"\(\d, \d\) \(the shape of W\)",
             "grad_f_M_shape": r"returned an array of shape \(5,\)",
             "grad_f_M_matches_reference": r"returned an array of shape",
             "stochastic_grad_batch_average": r"returned an array of shape"}),
    _mutant("grad_f_M_missing", {}, {"grad_f_M_finite_differences": "grad_f_M is not defined in the mutant",
                                     "grad_f_M_shape": "grad_f_M is not defined",
                                     "grad_f_M_matches_reference": "grad_f_M is not defined",
                                     "stochastic_grad_batch_average":
                                         r"stochastic_grad_f_M\(.*\) raised NameError.*'grad_f_M' is not defined"},
            delete=("grad_f_M",)),
    _mutant("stochastic_divided_by_n", {_STOCH: stochastic_divided_by_n},
            {"stochastic_grad_batch_average": r"mean_k stochastic_grad_f_M\(.*\) over the samples z_k, the rows of "
                                              r"Z = .* returned a gradient whose entry .*Hint: g = "}),
    _mutant("stochastic_descent_direction", {_STOCH: stochastic_descent_direction},
            {"stochastic_grad_batch_average": r"returned a gradient whose entry"}),
]

ALTERNATIVES = [
    Alternative("grad_sq_norm_float64_result", {"grad_sq_norm": grad_sq_norm_float64}),
    Alternative("grad_sq_norm_w_plus_w_extra_kwargs", {"grad_sq_norm": grad_sq_norm_via_add}),
    Alternative("hess_sq_norm_np_diag", {"hess_sq_norm": hess_sq_norm_diag}),
    Alternative("hess_sq_norm_keeps_float32", {"hess_sq_norm": hess_sq_norm_keeps_dtype}),
    Alternative("newton_closed_form_zero", {"newton_step_sq_norm": newton_closed_form}),
    Alternative("newton_inv_with_step_size_kwarg", {"newton_step_sq_norm": newton_inv_with_step_size}),
    Alternative("newton_half_gradient_float32", {"newton_step_sq_norm": newton_float32}),
    Alternative("grad_dot_copy_float64", {"grad_dot": grad_dot_copy}),
    Alternative("grad_dot_z_plus_zero_w", {"grad_dot": grad_dot_plus_zero_w}),
    Alternative("hess_dot_zeros_like_outer_extra_kwargs", {"hess_dot": hess_dot_zeros_like_outer}),
    Alternative("grad_f_M_double_loop", {"grad_f_M": grad_f_M_loops}),
    Alternative("grad_f_M_broadcast_extra_kwargs", {"grad_f_M": grad_f_M_broadcast}),
    Alternative("grad_f_M_einsum_keeps_float32", {"grad_f_M": grad_f_M_einsum_float32}),
    Alternative("stochastic_own_formula", {_STOCH: stochastic_own_formula}),
]
