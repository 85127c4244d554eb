"""Realistic wrong and valid implementations of ``activations``."""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from tests.mutation import Alternative, Mutant


# --- wrong ---------------------------------------------------------------------
def leaky_relu_sign_error(x, alpha=0.01):
    x = np.asarray(x, dtype=float)
    return np.where(x >= 0, x, -alpha * x)


def leaky_relu_default_01(x, alpha=0.1):
    x = np.asarray(x, dtype=float)
    return np.where(x >= 0, x, alpha * x)


def leaky_relu_in_place(x, alpha=0.01):
    x[x < 0] *= alpha
    return x


def leaky_relu_returns_list(x, alpha=0.01):
    return [v if v >= 0 else alpha * v for v in np.ravel(x)]


def leaky_relu_max_swapped(x, alpha=0.01):
    x = np.asarray(x, dtype=float)
    return np.minimum(alpha * x, x)


def relu_hard_coded(x):
    return np.maximum(np.asarray(x, dtype=float), 0.01 * np.asarray(x, dtype=float))


def linear_abs(x):
    return np.abs(np.asarray(x, dtype=float))


def logistic_naive(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def logistic_clipped(x):
    # "Stabilised" by clipping the argument: tiny values become exactly 0-ish wrong.
    x = np.clip(np.asarray(x, dtype=float), -30, 30)
    return 1.0 / (1.0 + np.exp(-x))


def logistic_constant(x):
    # In [0, 1], monotone, never overflows -- and wrong.
    return np.full(np.shape(x), 0.5)


def logistic_tanh_sign(x):
    x = np.asarray(x, dtype=float)
    return 0.5 * (1.0 - np.tanh(0.5 * x))


def tanh_missing_factor(x):
    return 2.0 * logistic(np.asarray(x)) - 1.0  # noqa: F821 - rebound to the reference namespace


def tanh_no_shift(x):
    return 2.0 * logistic(2.0 * np.asarray(x))  # noqa: F821


# --- valid -----------------------------------------------------------------------
def leaky_relu_multiply(x, alpha=0.01, **kwargs):
    x = np.asarray(x, dtype=float)
    return x * np.where(x < 0, alpha, 1.0)


def leaky_relu_max_via_where(x, alpha=0.01):
    x = np.asarray(x)
    return np.where(alpha * x > x, alpha * x, x)


def logistic_expit(x):
    return expit(np.asarray(x, dtype=float))


def logistic_tanh(x):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=float)))


def tanh_numpy(x):
    return np.tanh(np.asarray(x, dtype=float))


MUTANTS = [
    Mutant("leaky_relu_sign_error", {"leaky_relu": leaky_relu_sign_error},
           {"leaky_relu_definition": r"leaky_relu\(.*\) returned .*expected.*Hint: x where x >= 0",
            "leaky_relu_default_alpha": "leaky_relu", "leaky_relu_scalar_and_float32": "leaky_relu",
            "leaky_relu_forms_agree": "the two forms of the leaky ReLU must agree",
            # the reference linear() calls leaky_relu(x, 1.0), so the sign error shows there too
            "linear_special_case": r"linear\(array\(\[-1\.\]\)\) returned array\(\[1\.\]\)"}),
    Mutant("leaky_relu_default_0.1", {"leaky_relu": leaky_relu_default_01},
           {"leaky_relu_default_alpha": r"Hint: the signature is leaky_relu\(x, alpha=0.01\)"}),
    Mutant("leaky_relu_in_place", {"leaky_relu": leaky_relu_in_place},
           {"leaky_relu_definition": "modified its argument 1 in place",
            "leaky_relu_default_alpha": "in place", "leaky_relu_scalar_and_float32": "leaky_relu",
            "leaky_relu_forms_agree": "in place", "relu_special_case": "in place"}),
    Mutant("leaky_relu_returns_list", {"leaky_relu": leaky_relu_returns_list},
           {"leaky_relu_definition": r"returned a list; expected a float ndarray.*Hint: return a numpy array",
            "leaky_relu_default_alpha": "returned a list", "leaky_relu_scalar_and_float32": "returned a list",
            "leaky_relu_forms_agree": "returned a list", "relu_special_case": "returned a list",
            "linear_special_case": "returned a list"}),
    Mutant("leaky_relu_max_min_instead_of_max", {"leaky_relu_max": leaky_relu_max_swapped},
           {"leaky_relu_max_definition": r"Hint: np.maximum\(alpha \* x, x\)",
            "leaky_relu_forms_agree": "must agree"}),
    Mutant("relu_uses_default_alpha", {"relu": relu_hard_coded},
           {"relu_special_case": r"relu\(.*\) returned .*Hint: ReLU is leaky_relu with alpha = 0"}),
    Mutant("linear_is_abs", {"linear": linear_abs},
           {"linear_special_case": r"linear\(.*\) returned"}),
    Mutant("logistic_naive_overflows", {"logistic": logistic_naive},
           {"logistic_stable": r"emitted 'RuntimeWarning: overflow.*Hint: exp\(-x\) overflows"}),
    Mutant("logistic_clipped", {"logistic": logistic_clipped},
           {"logistic_values": r"logistic\(.*\) returned", "logistic_matches_reference": "logistic",
            "logistic_stable": r"Hint: 1 / \(1 \+ exp\(-x\)\), computed stably"}),
    Mutant("logistic_constant_half", {"logistic": logistic_constant},
           {"logistic_values": "logistic", "logistic_stable": "computed stably",
            "logistic_matches_reference": "logistic", "tanh_identity": "tanh_via_logistic",
            "tanh_range": "tanh_via_logistic"}),
    Mutant("logistic_sign_error", {"logistic": logistic_tanh_sign},
           {"logistic_values": "logistic", "logistic_stable": "non-decreasing",
            "logistic_matches_reference": "logistic", "tanh_identity": "tanh_via_logistic",
            "tanh_range": "tanh_via_logistic"}),
    Mutant("tanh_missing_factor_2", {"tanh_via_logistic": tanh_missing_factor},
           {"tanh_identity": r"Hint: 2 \* logistic\(2 \* x\) - 1", "tanh_range": "tanh_via_logistic"}),
    Mutant("tanh_missing_shift", {"tanh_via_logistic": tanh_no_shift},
           {"tanh_identity": "tanh_via_logistic", "tanh_range": r"values in \[-1, 1\]"}),
    Mutant("logistic_missing", {}, {"logistic_values": "logistic is not defined in the mutant",
                                    "logistic_stable": "not defined", "logistic_matches_reference": "not defined",
                                    "tanh_identity": "not defined", "tanh_range": "not defined"},
           delete=("logistic",)),
]

ALTERNATIVES = [
    Alternative("leaky_relu_by_multiplying_extra_kwargs", {"leaky_relu": leaky_relu_multiply}),
    Alternative("leaky_relu_max_via_where", {"leaky_relu_max": leaky_relu_max_via_where}),
    Alternative("logistic_scipy_expit", {"logistic": logistic_expit}),
    Alternative("logistic_via_tanh", {"logistic": logistic_tanh}),
    Alternative("tanh_via_numpy", {"tanh_via_logistic": tanh_numpy}),
]
