"""Realistic wrong and valid implementations of ``random_nets``.

Functions are rebound to the reference's namespace (tests/mutation.py), so
``build_network``/``response_curve``/``ACTIVATIONS`` inside them are those of
the mutant under test, exactly as in a student's notebook.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from tests.mutation import Alternative, Mutant

_LAYERS = {"tanh": nn.Tanh, "relu": nn.ReLU, "linear": nn.Identity}


def _layer(activation):
    if activation not in _LAYERS:
        raise ValueError(f"unknown activation {activation!r}")
    return _LAYERS[activation]


def _linear(gen):
    linear = nn.Linear(5, 5)
    nn.init.normal_(linear.weight, generator=gen)
    nn.init.normal_(linear.bias, generator=gen)
    return linear


# --- wrong: build_network -------------------------------------------------------
def build_act_after_output(activation, seed):
    gen = torch.Generator().manual_seed(seed)
    layers = []
    for _ in range(3):
        layers += [_linear(gen), _layer(activation)()]  # also after the last layer
    return nn.Sequential(*layers)


def build_two_layers(activation, seed):
    # "three layers of neurons" read as input, hidden, output: two layers of weights.
    gen = torch.Generator().manual_seed(seed)
    return nn.Sequential(_linear(gen), _layer(activation)(), _linear(gen))


def build_swapped_activations(activation, seed):
    layer = {"tanh": nn.ReLU, "relu": nn.Tanh}.get(activation, _layer(activation))
    gen = torch.Generator().manual_seed(seed)
    return nn.Sequential(_linear(gen), layer(), _linear(gen), layer(), _linear(gen))


def build_linear_is_relu(activation, seed):
    # "linear" read as "rectified linear unit".
    layer = nn.ReLU if activation == "linear" else _layer(activation)
    gen = torch.Generator().manual_seed(seed)
    return nn.Sequential(_linear(gen), layer(), _linear(gen), layer(), _linear(gen))


def build_key_error(activation, seed):
    layer = _LAYERS[activation]  # KeyError for an unknown name
    gen = torch.Generator().manual_seed(seed)
    return nn.Sequential(_linear(gen), layer(), _linear(gen), layer(), _linear(gen))


def build_global_manual_seed(activation, seed):
    if activation not in _LAYERS:
        raise ValueError(activation)
    torch.manual_seed(seed)  # reproducible, but resets everybody's random numbers
    layer = _LAYERS[activation]
    net = nn.Sequential(nn.Linear(5, 5), layer(), nn.Linear(5, 5), layer(), nn.Linear(5, 5))
    for p in net.parameters():
        nn.init.normal_(p)
    return net


def build_seed_ignored(activation, seed):
    if activation not in _LAYERS:
        raise ValueError(activation)
    gen = torch.Generator().manual_seed(0)  # the seed argument is never used
    layer = _LAYERS[activation]
    return nn.Sequential(_linear(gen), layer(), _linear(gen), layer(), _linear(gen))


def build_bias_from_global_rng(activation, seed):
    if activation not in _LAYERS:
        raise ValueError(activation)
    gen = torch.Generator().manual_seed(seed)
    layers = []
    for k in range(3):
        linear = nn.Linear(5, 5)  # bias keeps PyTorch's default init from the global generator
        nn.init.normal_(linear.weight, generator=gen)
        layers += [linear] + ([_LAYERS[activation]()] if k < 2 else [])
    return nn.Sequential(*layers)


# --- wrong: response_curve ------------------------------------------------------
def response_varies_x2(net, x_rest, x1):
    x1 = np.asarray(x1, dtype=np.float64)
    inputs = np.empty((x1.size, 5))
    inputs[:, 1] = x1  # x1 put into the second column
    inputs[:, [0, 2, 3, 4]] = x_rest
    with torch.no_grad():
        return net(torch.as_tensor(inputs, dtype=torch.float32))[:, 0].numpy().astype(float)


def response_returns_tensor(net, x_rest, x1):
    inputs = np.column_stack([x1, np.tile(x_rest, (len(x1), 1))])
    with torch.no_grad():
        return net(torch.as_tensor(inputs, dtype=torch.float32))[:, 0]


def response_last_output(net, x_rest, x1):
    inputs = np.column_stack([x1, np.tile(x_rest, (len(x1), 1))])
    with torch.no_grad():
        return net(torch.as_tensor(inputs, dtype=torch.float32))[:, -1].numpy()


def response_sorts_in_place(net, x_rest, x1):
    x1.sort()  # "so that the curve is drawn left to right"
    inputs = np.column_stack([x1, np.tile(x_rest, (len(x1), 1))])
    with torch.no_grad():
        return net(torch.as_tensor(inputs, dtype=torch.float32))[:, 0].numpy()


def response_float64_tensor(net, x_rest, x1):
    inputs = np.column_stack([x1, np.tile(x_rest, (len(x1), 1))])
    with torch.no_grad():
        return net(torch.from_numpy(inputs))[:, 0].numpy()  # float64 input, float32 weights


# --- wrong: plot_responses ------------------------------------------------------
def _panel(ax, activation, j, seed, build, response, title=None):
    # build/response are passed in: helpers are not rebound to the mutant's namespace.
    x1 = np.linspace(-10, 10, 300)
    net = build(activation, seed + j)
    x_rest = np.random.default_rng(seed + j).standard_normal(4)
    ax.plot(x1, response(net, x_rest, x1))
    ax.set_title(f"{activation}, weights {j + 1}" if title is None else title)
    ax.set_xlabel("x1")
    ax.set_ylabel("y1")


def plot_list_of_figures(seed=0):
    figs = []
    for activation in ACTIVATIONS:  # noqa: F821
        fig, axs = plt.subplots(1, 3, figsize=(15, 4))
        for j in range(3):
            _panel(axs[j], activation, j, seed, build_network, response_curve)  # noqa: F821
        figs.append(fig)
    return figs


def plot_rows_wrong_order(seed=0):
    fig, axs = plt.subplots(3, 3, figsize=(15, 10))
    for i, activation in enumerate(["relu", "tanh", "linear"]):
        for j in range(3):
            _panel(axs[i, j], activation, j, seed, build_network, response_curve)  # noqa: F821
    return fig


def plot_missing_labels(seed=0):
    fig, axs = plt.subplots(3, 3, figsize=(15, 10))
    for i, activation in enumerate(ACTIVATIONS):  # noqa: F821
        for j in range(3):
            _panel(axs[i, j], activation, j, seed, build_network, response_curve)  # noqa: F821
            if i < 2:
                axs[i, j].set_xlabel("")  # "only the bottom row needs x labels"
    return fig


def plot_titles_without_weight_set(seed=0):
    fig, axs = plt.subplots(3, 3, figsize=(15, 10))
    for i, activation in enumerate(ACTIVATIONS):  # noqa: F821
        for j in range(3):
            _panel(axs[i, j], activation, j, seed, build_network, response_curve, title=activation)  # noqa: F821
    return fig


def plot_fresh_x_rest(seed=0):
    fig, axs = plt.subplots(3, 3, figsize=(15, 10))
    x1 = np.linspace(-10, 10, 300)
    for i, activation in enumerate(ACTIVATIONS):  # noqa: F821
        for j in range(3):
            net = build_network(activation, seed + j)  # noqa: F821
            x_rest = np.random.default_rng().standard_normal(4)  # a new x_rest on every call
            axs[i, j].plot(x1, response_curve(net, x_rest, x1))  # noqa: F821
            axs[i, j].set_title(f"{activation}, weights {j + 1}")
            axs[i, j].set_xlabel("x1")
            axs[i, j].set_ylabel("y1")
    return fig


def plot_ignores_seed(seed=0):
    fig, axs = plt.subplots(3, 3, figsize=(15, 10))
    for i, activation in enumerate(ACTIVATIONS):  # noqa: F821
        for j in range(3):
            _panel(axs[i, j], activation, j, 0, build_network, response_curve)  # noqa: F821 - always seeds 0, 1, 2
    return fig


def plot_x_from_0(seed=0):
    fig, axs = plt.subplots(3, 3, figsize=(15, 10))
    x1 = np.linspace(0, 10, 300)
    for i, activation in enumerate(ACTIVATIONS):  # noqa: F821
        for j in range(3):
            net = build_network(activation, seed + j)  # noqa: F821
            x_rest = np.random.default_rng(seed + j).standard_normal(4)
            axs[i, j].plot(x1, response_curve(net, x_rest, x1))  # noqa: F821
            axs[i, j].set_title(f"{activation}, weights {j + 1}")
            axs[i, j].set_xlabel("x1")
            axs[i, j].set_ylabel("y1")
    return fig


# --- valid ---------------------------------------------------------------------
class _Net(nn.Module):
    """A Module subclass with functional activations and its layers registered out of order."""

    def __init__(self, activation, gen):
        super().__init__()
        first, second, third = _linear(gen), _linear(gen), _linear(gen)
        self.out = third
        self.hidden2 = second
        self.hidden1 = first
        self.act = {"tanh": torch.tanh, "relu": F.relu, "linear": lambda t: t}[activation]

    def forward(self, x):
        return self.out(self.act(self.hidden2(self.act(self.hidden1(x)))))


def build_module_subclass(activation, seed, **kwargs):
    if activation not in ("tanh", "relu", "linear"):
        raise ValueError(f"unknown activation {activation}")
    return _Net(activation, torch.Generator().manual_seed(seed))


def build_default_init_scale(activation, seed):
    # PyTorch's default scale U(-1/sqrt(5), 1/sqrt(5)), drawn from a local generator.
    if activation not in _LAYERS:
        raise ValueError(activation)
    gen = torch.Generator().manual_seed(seed)
    layers = []
    for k in range(3):
        linear = nn.Linear(5, 5)
        nn.init.uniform_(linear.weight, -5 ** -0.5, 5 ** -0.5, generator=gen)
        nn.init.uniform_(linear.bias, -5 ** -0.5, 5 ** -0.5, generator=gen)
        layers += [linear] + ([_LAYERS[activation]()] if k < 2 else [])
    return nn.Sequential(*layers)


def build_fork_rng(activation, seed):
    # torch.manual_seed inside fork_rng: the global state is restored on exit.
    if activation not in _LAYERS:
        raise ValueError(activation)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        layer = _LAYERS[activation]
        net = nn.Sequential(nn.Linear(5, 5), layer(), nn.Linear(5, 5), layer(), nn.Linear(5, 5))
        for p in net.parameters():
            nn.init.normal_(p)
    return net


def build_float64(activation, seed):
    if activation not in _LAYERS:
        raise ValueError(activation)
    gen = torch.Generator().manual_seed(seed)
    layer = _LAYERS[activation]
    return nn.Sequential(_linear(gen), layer(), _linear(gen), layer(), _linear(gen)).double()


def response_any_dtype(net, x_rest, x1, **kwargs):
    dtype = next(net.parameters()).dtype
    inputs = np.column_stack([np.asarray(x1, dtype=float), np.tile(np.asarray(x_rest, dtype=float), (len(x1), 1))])
    return net(torch.tensor(inputs, dtype=dtype))[:, 0].detach().numpy()  # float32 or float64, no no_grad


def response_point_by_point(net, x_rest, x1):
    out = []
    for v in x1:
        with torch.no_grad():
            out.append(net(torch.tensor([[float(v), *map(float, x_rest)]]))[0, 0].item())
    return np.array(out)


def plot_styled(seed=0, **kwargs):
    x1 = np.linspace(-10.0, 10.0, 400)
    fig, axs = plt.subplots(3, 3, figsize=(15, 10), sharex=True)
    for i, activation in enumerate(ACTIVATIONS):  # noqa: F821
        for j in range(3):
            net = build_network(activation, seed + j)  # noqa: F821
            x_rest = np.random.default_rng(seed + j).standard_normal(4)
            ax = axs[i, j]
            ax.plot(x1, response_curve(net, x_rest, x1), color="C1", label="y1")  # noqa: F821
            ax.axhline(0.0, color="gray", lw=0.5)
            ax.set_title({"tanh": "Tanh", "relu": "ReLU", "linear": "Linear"}[activation] + f" — weight set {j}")
            ax.set_xlabel("$x_1$")
            ax.set_ylabel("$y_1$")
            ax.grid(True)
    fig.suptitle("y1(x1) of random 5-5-5 networks")
    fig.tight_layout()
    return fig


_ALL = ("architecture", "unknown_activation", "seed_reproducible", "no_global_reseed",
        "response_curve_matches_forward", "linear_response_straight", "relu_response_piecewise_linear",
        "tanh_response_bounded", "figure_layout", "figure_titles", "figure_data", "figure_matches_reference")
_FIGURE = ("figure_layout", "figure_titles", "figure_data", "figure_matches_reference")

MUTANTS = [
    Mutant("activation_after_output", {"build_network": build_act_after_output},
           {"architecture": r"build_network\('tanh', 0\) applied to .*Hint: no activation after the output layer",
            "figure_matches_reference": r"panel \[0, 0\] \(tanh, weight set 0\)"}),
    Mutant("two_layers", {"build_network": build_two_layers},
           {"architecture": r"nn.Linear layers are \[\[5, 5, True\], \[5, 5, True\]\]",
            "seed_reproducible": "three nn.Linear",
            "tanh_response_bounded": "three nn.Linear",
            "figure_matches_reference": "three nn.Linear"}),
    Mutant("tanh_and_relu_swapped", {"build_network": build_swapped_activations},
           {"architecture": "Hint: the network applies the relu activation, not tanh",
            "relu_response_piecewise_linear": r"straight pieces.*Hint: use nn.ReLU",
            "tanh_response_bounded": r"\|y1\| <= .*Hint: use nn.Tanh",
            "figure_matches_reference": "tanh"}),
    Mutant("linear_is_relu", {"build_network": build_linear_is_relu},
           {"architecture": "Hint: the network applies the relu activation, not linear",
            "linear_response_straight": r"a network with linear activations is an affine map: response_curve",
            "figure_matches_reference": "linear"}),
    Mutant("unknown_activation_key_error", {"build_network": build_key_error},
           {"unknown_activation": r"build_network\('sigmoid', 0\) raised KeyError.*expected ValueError"}),
    Mutant("global_torch_manual_seed", {"build_network": build_global_manual_seed},
           {"no_global_reseed": r"torch.rand\(4\) gave the same numbers.*Hint: use a local"}),
    Mutant("seed_ignored", {"build_network": build_seed_ignored},
           {"seed_reproducible": r"returned the same parameters as .*Hint: seed the generator"}),
    Mutant("bias_from_global_rng", {"build_network": build_bias_from_global_rng},
           {"seed_reproducible": "the same seed must give the same network",
            "figure_data": r"plot_responses\(seed=\d+\), panel \[0, 0\]",
            "figure_matches_reference": r"panel \[0, 0\]"}),
    Mutant("response_varies_x2", {"response_curve": response_varies_x2},
           {"response_curve_matches_forward": "Hint: x1 is the first input column; you varied x2",
            "figure_matches_reference": r"y1\(x1\) of the network"}),
    Mutant("response_returns_tensor", {"response_curve": response_returns_tensor},
           {"response_curve_matches_forward": r"returned a torch.Tensor; .*Hint: convert the tensor",
            "linear_response_straight": "torch.Tensor", "relu_response_piecewise_linear": "torch.Tensor",
            "tanh_response_bounded": "torch.Tensor", "figure_data": "torch.Tensor"}),
    Mutant("response_last_output", {"response_curve": response_last_output},
           {"response_curve_matches_forward": r"Hint: y1 is the first output column",
            "figure_matches_reference": r"panel \[0, 0\]"}),
    Mutant("response_sorts_x1_in_place", {"response_curve": response_sorts_in_place},
           {"response_curve_matches_forward": "modified its argument 3 in place"}),
    Mutant("response_float64_into_float32_net", {"response_curve": response_float64_tensor},
           {cid: "raised RuntimeError" for cid in ("response_curve_matches_forward", "linear_response_straight",
                                                    "relu_response_piecewise_linear", "tanh_response_bounded")
            + _FIGURE}),
    Mutant("plot_list_of_figures", {"plot_responses": plot_list_of_figures},
           {cid: r"returned a list; expected a matplotlib.figure.Figure.*Hint: put all nine plots" for cid in _FIGURE}),
    Mutant("plot_rows_in_wrong_order", {"plot_responses": plot_rows_wrong_order},
           {"figure_titles": r"panel \[0, 0\] \(tanh, weight set 0\) has title 'relu, weights 1'",
            "figure_data": r"panel \[0, 0\]", "figure_matches_reference": r"panel \[0, 0\]"}),
    Mutant("plot_missing_labels", {"plot_responses": plot_missing_labels},
           {"figure_layout": r"panel \[0, 0\] .* has xlabel '' .*Hint: axs\[i, j\].set_xlabel"}),
    Mutant("plot_titles_without_weight_set", {"plot_responses": plot_titles_without_weight_set},
           {"figure_titles": r"row 0 has titles \['tanh', 'tanh', 'tanh'\]"}),
    Mutant("plot_fresh_random_x_rest", {"plot_responses": plot_fresh_x_rest},
           {"figure_data": "np.random.default_rng", "figure_matches_reference": r"panel \[0, 0\]"}),
    Mutant("plot_ignores_seed", {"plot_responses": plot_ignores_seed},
           {"figure_data": r"Hint: column j uses build_network\(activation, seed \+ j\)",
            "figure_matches_reference": r"panel \[0, 0\]"}),
    Mutant("plot_x_from_0_to_10", {"plot_responses": plot_x_from_0},
           {"figure_data": r"plots x from 0 to 10 \(300 points\)",
            "figure_matches_reference": "plots x from 0 to 10"}),
    Mutant("build_network_missing", {}, {cid: "build_network is not defined in the mutant" for cid in _ALL[:8]}
           | {cid: "raised NameError" for cid in _FIGURE}, delete=("build_network",)),
]

ALTERNATIVES = [
    Alternative("module_subclass_out_of_order_functional", {"build_network": build_module_subclass}),
    Alternative("pytorch_default_weight_scale", {"build_network": build_default_init_scale}),
    Alternative("manual_seed_inside_fork_rng", {"build_network": build_fork_rng}),
    Alternative("float64_network_any_dtype_response",
                {"build_network": build_float64, "response_curve": response_any_dtype}),
    Alternative("float32_network_any_dtype_response", {"response_curve": response_any_dtype}),
    Alternative("response_point_by_point", {"response_curve": response_point_by_point}),
    Alternative("plot_styled", {"plot_responses": plot_styled}),
]
