# %% [markdown]
# # Random 5-5-5 networks in PyTorch
#
# Session 1, §1 *Basic definitions*, computer assignment.
#
# Build a fully connected network with **three layers of weights** and five
# neurons in every layer (input and output are 5-dimensional) and look at the
# function it computes: plot $y_1$, the first output, as a function of $x_1$
# on $[-10, 10]$ while $x_2, \dots, x_5$ are fixed to random values.  Do this
# for the tanh, ReLU and linear activation functions (the same activation
# everywhere in the network) and for three random sets of weights: nine plots.
#
# Conventions used throughout (the grader relies on them):
#
# * the activation follows each of the two **hidden** layers, never the output
#   layer: `Linear(5, 5) → act → Linear(5, 5) → act → Linear(5, 5)`;
# * all randomness comes from *local* generators seeded explicitly
#   (`torch.Generator().manual_seed(seed)`, `np.random.default_rng(seed)`); never
#   call `torch.manual_seed` or `np.random.seed`, which change the global state
#   other code relies on;
# * the functions only build and return objects: nothing is shown
#   (`plt.show()`) or printed.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

#: Row order of the figure: one activation per row.
ACTIVATIONS = ("tanh", "relu", "linear")

# %% [markdown]
# ## The network
#
# `build_network(activation, seed)` returns a `torch.nn.Module` (e.g. an
# `nn.Sequential`) with three `nn.Linear(5, 5)` layers (with bias) and the
# chosen activation after the first and the second of them.  The weights and
# biases are random, drawn reproducibly from `seed`: the same `seed` gives the
# same network, different seeds give different networks.  Any reasonable
# distribution works; standard normal entries give curves whose shape is easy
# to see on $[-10, 10]$.  An unknown activation name raises `ValueError`.
#
# *Hint:* `nn.init.normal_(tensor, generator=gen)` and
# `torch.randn(shape, generator=gen)` draw from a local generator
# `gen = torch.Generator().manual_seed(seed)`.

# %% solution
def build_network(activation, seed):
    """A 5-5-5 fully connected network with random weights.

    Architecture: ``Linear(5, 5) -> act -> Linear(5, 5) -> act -> Linear(5, 5)``.
    The activation is applied after each of the two hidden layers and NOT after
    the output layer, so the output is an affine function of the last hidden
    layer.

    Parameters
    ----------
    activation : str
        ``"tanh"``, ``"relu"`` or ``"linear"`` (the identity).  Any other value
        raises ``ValueError``.
    seed : int
        Seed of the local generator the weights and biases are drawn from
        (standard normal entries).  The same seed always gives the same
        network; the global torch random state is neither used nor changed.

    Returns
    -------
    torch.nn.Module
        Maps a float32 tensor of shape (n, 5) to a tensor of shape (n, 5).
    """
    ### BEGIN SOLUTION
    activation_layers = {"tanh": nn.Tanh, "relu": nn.ReLU, "linear": nn.Identity}
    if activation not in activation_layers:
        raise ValueError(f"unknown activation {activation!r}; expected one of {', '.join(ACTIVATIONS)}")
    gen = torch.Generator().manual_seed(int(seed))
    layers = []
    for k in range(3):
        # skip_init builds the layer without its default initialisation, which
        # would draw from the global generator; the weights are set just below.
        linear = torch.nn.utils.skip_init(nn.Linear, 5, 5)
        with torch.no_grad():
            linear.weight.copy_(torch.randn(5, 5, generator=gen))
            linear.bias.copy_(torch.randn(5, generator=gen))
        layers.append(linear)
        if k < 2:
            layers.append(activation_layers[activation]())
    return nn.Sequential(*layers)
    ### END SOLUTION


# %% [markdown]
# ## One response curve
#
# `response_curve(net, x_rest, x1)` evaluates the network at the inputs
# $(x_1, x_2, x_3, x_4, x_5)$ with $x_1$ running over the values of `x1` and
# $(x_2, \dots, x_5)$ = `x_rest` fixed, and returns $y_1$, the first output, as a
# numpy array.  Stack all inputs into one `(n, 5)` tensor and evaluate them in
# a single forward pass under `torch.no_grad()`.

# %% solution
def response_curve(net, x_rest, x1):
    """First output ``y1`` of ``net`` as a function of the first input ``x1``.

    Parameters
    ----------
    net : torch.nn.Module
        A network mapping tensors of shape (n, 5) to shape (n, 5), such as the
        result of :func:`build_network`.
    x_rest : array_like, shape (4,)
        Fixed values of the inputs x2, x3, x4, x5.
    x1 : array_like, shape (n,)
        Values of the first input (any shape works; the result has the same
        shape).

    Returns
    -------
    ndarray, shape (n,), float64
        ``y1[i]`` is the first output of ``net`` at ``(x1[i], *x_rest)``.
    """
    ### BEGIN SOLUTION
    x1 = np.asarray(x1, dtype=np.float64)
    inputs = np.empty((x1.size, 5))
    inputs[:, 0] = x1.ravel()
    inputs[:, 1:] = np.asarray(x_rest, dtype=np.float64).reshape(4)
    dtype = next(net.parameters()).dtype
    with torch.no_grad():
        outputs = net(torch.as_tensor(inputs, dtype=dtype))
    return outputs[:, 0].numpy().astype(np.float64).reshape(x1.shape)
    ### END SOLUTION


# %% [markdown]
# ## Nine plots
#
# `plot_responses(seed=0)` returns the $3 \times 3$ figure the sheet asks
# for: rows tanh, ReLU, linear (in the order of `ACTIVATIONS`), columns the
# three sets of random weights.  Column `j` (0, 1, 2) of every row uses
# `build_network(activation, seed + j)` and
# `x_rest = np.random.default_rng(seed + j).standard_normal(4)`.  Plot $y_1$
# against $x_1$ = `np.linspace(-10, 10, N)` for some `N >= 200`, label the axes
# `x1` and `y1` on every panel, and give each panel a title naming the
# activation and the weight set (e.g. `"tanh, weights 1"`).  Create the figure
# with `plt.subplots(3, 3, figsize=(15, 10))`, return it and do not call
# `plt.show()`; to see it in the notebook, run `plot_responses()` in a cell of
# its own.

# %% solution
def plot_responses(seed=0):
    """The 3 x 3 figure of response curves y1(x1) (rows: activations, columns: weight sets).

    Panel ``(i, j)`` shows ``response_curve(build_network(ACTIVATIONS[i], seed + j),
    x_rest_j, x1)`` against ``x1 = np.linspace(-10, 10, 1001)``, where
    ``x_rest_j = np.random.default_rng(seed + j).standard_normal(4)``; its title
    is ``"<activation>, weights <j + 1>"`` and its axes are labelled ``x1`` and
    ``y1``.

    Parameters
    ----------
    seed : int
        Base seed: weight set ``j`` (0, 1, 2) uses seed ``seed + j``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not shown; the caller closes it).
    """
    ### BEGIN SOLUTION
    x1 = np.linspace(-10.0, 10.0, 1001)
    # constrained layout (like plt.tight_layout()) keeps titles and labels apart.
    fig, axs = plt.subplots(3, 3, figsize=(15, 10), layout="constrained")
    for i, activation in enumerate(ACTIVATIONS):
        for j in range(3):
            net = build_network(activation, seed + j)
            x_rest = np.random.default_rng(seed + j).standard_normal(4)
            ax = axs[i, j]
            ax.plot(x1, response_curve(net, x_rest, x1))
            ax.set_title(f"{activation}, weights {j + 1}")
            ax.set_xlabel("x1")
            ax.set_ylabel("y1")
    return fig
    ### END SOLUTION
