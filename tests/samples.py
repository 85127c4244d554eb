"""The sample students of the demo (``nndl demo``): the reference, the blank
release, and realistic partial submissions built from the mutants of
``tests/<assignment>/mutants/<set>.py`` (so every sample mistake is one whose
detection is proven by the tests)."""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import textwrap
import types

#: student -> set -> mutant ids whose overrides replace the reference functions.
PARTIAL = {
    "ada": {
        "activations": ["logistic_naive_overflows"],
        "linear_nets": ["is_injective_det"],
        "random_nets": ["activation_after_output"],
        "derivatives": ["grad_f_M_transposed"],
        "gradient_ascent": ["ascent_one_step_too_many"],
        "precision_sgd": ["sgd_missing_half"],
        "sparsification": ["simulate_seed_recording"],
        "condensation": ["gradient_negated"],
        "relu_dictionary": ["lasso_alpha_times_n"],
        "representation_alignment": ["alignment_nan_for_zero_rows"],
        "low_rank_gradient": ["forward_gamma_twice"],
    },
    "grace": {
        "activations": ["leaky_relu_sign_error", "tanh_missing_factor_2"],
        "linear_nets": ["compose_reversed_order"],
        "random_nets": ["response_returns_tensor"],
        "derivatives": ["newton_returns_step", "hess_sq_norm_identity"],
        "gradient_ascent": ["ascent_descends"],
        "precision_sgd": ["sgd_objective_missing_first_value", "estimation_error_not_squared"],
        "sparsification": ["rel_var_range_seed_nan", "figure_against_step_count"],
        "condensation": ["init_zero_output_is_seed_pairing", "neurons_seed_global_norm"],
        "relu_dictionary": ["relu_dictionary_capped_ramps_shifted", "solve_times_mean_not_median"],
        "representation_alignment": ["gradients_negated", "plot_epochs_from_one"],
        "low_rank_gradient": ["init_network_seed_outer_weights", "angles_in_degrees"],
    },
}

STUDENTS = ["reference", "blank", *PARTIAL]


def _definitions(module) -> dict[str, str]:
    """Source of every top-level function and assignment of a module, by name."""
    source = inspect.getsource(module)
    out = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            out[node.name] = ast.get_source_segment(source, node)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    out[target.id] = ast.get_source_segment(source, node)
    return out


def _helpers(code: str, definitions: dict[str, str], seen: set[str]) -> list[str]:
    """Definitions ``code`` uses from the mutants module (recursively), dependencies first."""
    out = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name) and node.id in definitions and node.id not in seen:
            seen.add(node.id)
            out += _helpers(definitions[node.id], definitions, seen) + [definitions[node.id]]
    return out


@functools.cache
def mutants_module(assignment: str, set_name: str) -> tuple[types.ModuleType, dict[str, str]]:
    """The set's mutants module and the source of its definitions by name (parsed once)."""
    module = importlib.import_module(f"tests.{assignment}.mutants.{set_name}")
    return module, {k: v for k, v in _definitions(module).items() if k not in ("MUTANTS", "ALTERNATIVES")}


def replacements(assignment: str, set_name: str, mutant_ids: list[str]) -> dict[str, str]:
    """``{function name: source}`` of the named mutants' overrides, each preceded by the
    module-level helpers it calls (so the code runs as pasted into a notebook)."""
    module, definitions = mutants_module(assignment, set_name)
    by_id = {m.id: m for m in module.MUTANTS}
    out = {}
    for mid in mutant_ids:
        for name, fn in by_id[mid].overrides.items():
            code = textwrap.dedent(inspect.getsource(fn))
            out[name] = "\n\n".join(_helpers(code, definitions, {fn.__name__}) + [code])
    return out
