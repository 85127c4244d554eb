"""Realistic mistakes (mutants) and valid alternatives for ``representation_alignment``.

Overrides that call contract functions (``make_problem``, ``layer_gradients``,
``compute_alignment``) use the names of the shared namespace, exactly as in a student's
notebook, and pass them to the module-level helpers below.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import torch

from tests.mutation import Alternative, Mutant

WIDTHS = (1, 4, 4, 4, 4, 4, 1)


# --- compute_alignment ------------------------------------------------------------------------
def alignment_seed_version(H, G):
    """The seed's function, ported to numpy: 0/0 for zero rows and + 1e-8 in the denominator."""
    H = np.asarray(H, dtype=float)
    G = np.asarray(G, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        H = H / np.linalg.norm(H, axis=1, keepdims=True)
        G = G / np.linalg.norm(G, axis=1, keepdims=True)
    H_cov = H.T @ H / H.shape[0]
    G_cov = G.T @ G / G.shape[0]
    numerator = np.sum(H_cov * G_cov)
    denominator = np.sqrt(np.sum(H_cov * H_cov) * np.sum(G_cov * G_cov))
    return float(numerator / (denominator + 1e-8))


def alignment_nan_for_zero_rows(H, G):
    """Right formula, but a zero row is divided by its zero norm."""
    H = np.asarray(H, dtype=float)
    G = np.asarray(G, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        Hn = H / np.linalg.norm(H, axis=1, keepdims=True)
        Gn = G / np.linalg.norm(G, axis=1, keepdims=True)
    ch, cg = Hn.T @ Hn, Gn.T @ Gn
    with np.errstate(invalid="ignore"):
        return float(np.sum(ch * cg) / np.sqrt(np.sum(ch * ch) * np.sum(cg * cg)))


def alignment_no_row_normalisation(H, G):
    """Plain covariances H^T H and G^T G: dominated by the samples with large rows."""
    H = np.asarray(H, dtype=float)
    G = np.asarray(G, dtype=float)
    ch, cg = H.T @ H, G.T @ G
    den = np.sqrt(np.sum(ch * ch) * np.sum(cg * cg))
    return 0.0 if den == 0 else float(np.sum(ch * cg) / den)


def alignment_normalises_columns(H, G):
    """Feature-wise normalisation (columns to unit norm) instead of sample-wise."""
    def unit_columns(M):
        M = np.asarray(M, dtype=float)
        norm = np.linalg.norm(M, axis=0, keepdims=True)
        return np.divide(M, norm, out=np.zeros_like(M), where=norm > 0)

    Hn, Gn = unit_columns(H), unit_columns(G)
    ch, cg = Hn.T @ Hn, Gn.T @ Gn
    den = np.sqrt(np.sum(ch * ch) * np.sum(cg * cg))
    return 0.0 if den == 0 else float(np.sum(ch * cg) / den)


def alignment_normalises_only_H(H, G):
    """Forgets to normalise the rows of G."""
    H = np.asarray(H, dtype=float)
    G = np.asarray(G, dtype=float)
    norm = np.linalg.norm(H, axis=1, keepdims=True)
    Hn = np.divide(H, norm, out=np.zeros_like(H), where=norm > 0)
    ch, cg = Hn.T @ Hn, G.T @ G
    den = np.sqrt(np.sum(ch * ch) * np.sum(cg * cg))
    return 0.0 if den == 0 else float(np.sum(ch * cg) / den)


def alignment_pearson_of_entries(H, G):
    """The docstring's "normalized correlation" read as Pearson's r of the covariance entries."""
    def cov(M):
        M = np.asarray(M, dtype=float)
        norm = np.linalg.norm(M, axis=1, keepdims=True)
        unit = np.divide(M, norm, out=np.zeros_like(M), where=norm > 0)
        return unit.T @ unit

    a, b = cov(H).ravel(), cov(G).ravel()
    a, b = a - a.mean(), b - b.mean()
    den = np.sqrt(np.sum(a * a) * np.sum(b * b))
    return 0.0 if den == 0 else float(np.sum(a * b) / den)


# valid ---------------------------------------------------------------------------------------
def alignment_row_loop(H, G):
    """Seed style, one sample at a time, accumulating outer products; zero rows skipped."""
    H = np.asarray(H, dtype=float)
    G = np.asarray(G, dtype=float)
    d = H.shape[1]
    ch = np.zeros((d, d))
    cg = np.zeros((d, d))
    for h, g in zip(H, G):
        nh, ng = np.linalg.norm(h), np.linalg.norm(g)
        if nh > 0:
            ch += np.outer(h, h) / nh**2
        if ng > 0:
            cg += np.outer(g, g) / ng**2
    nch, ncg = np.linalg.norm(ch), np.linalg.norm(cg)
    if nch == 0 or ncg == 0:
        return 0.0
    return float(np.sum(ch * cg) / (nch * ncg))


def alignment_torch_einsum(H, G):
    """torch, float64, einsum; the cosine computed as a trace."""
    H = torch.as_tensor(np.asarray(H, dtype=np.float64))
    G = torch.as_tensor(np.asarray(G, dtype=np.float64))

    def cov(M):
        norm = M.norm(dim=1, keepdim=True)
        unit = torch.where(norm > 0, M / torch.where(norm > 0, norm, torch.ones_like(norm)), torch.zeros_like(M))
        return torch.einsum("ni,nj->ij", unit, unit) / M.shape[0]

    ch, cg = cov(H), cov(G)
    den = torch.sqrt(torch.trace(ch @ ch) * torch.trace(cg @ cg))
    if float(den) == 0.0:
        return 0.0
    return float(torch.clamp(torch.trace(ch @ cg) / den, 0.0, 1.0))


# --- make_problem -----------------------------------------------------------------------------
def _problem(seed, n_samples, widths, noise, *, order="noise_first", generator="torch", dtype=torch.float32,
             bias_bound=None):
    widths = [int(w) for w in widths]
    x = torch.linspace(-10.0, 10.0, int(n_samples))
    if generator == "numpy":
        rng = np.random.default_rng(seed)
        y = (np.sin(x.numpy()) + noise * rng.standard_normal(x.shape)).astype(np.float32)
        weights = [rng.uniform(-1 / math.sqrt(a), 1 / math.sqrt(a), size=(b, a)).astype(np.float32)
                   for a, b in zip(widths[:-1], widths[1:])]
        biases = [rng.uniform(-1 / math.sqrt(a), 1 / math.sqrt(a), size=b).astype(np.float32)
                  for a, b in zip(widths[:-1], widths[1:])]
        return {"x": x.numpy(), "y": y, "weights": weights, "biases": biases}
    g = torch.Generator().manual_seed(int(seed))
    draws = []

    def layers():
        for a, b in zip(widths[:-1], widths[1:]):
            w = torch.empty(b, a, dtype=dtype)
            torch.nn.init.kaiming_uniform_(w, a=math.sqrt(5), generator=g)
            bound = 1 / math.sqrt(a) if bias_bound is None else bias_bound
            draws.append((w.float().numpy(), torch.empty(b, dtype=dtype).uniform_(-bound, bound, generator=g)
                          .float().numpy()))

    if order == "layers_first":
        layers()
    y = (torch.sin(x) + noise * torch.randn(x.shape, generator=g, dtype=dtype).float()).numpy()
    if order == "noise_first":
        layers()
    return {"x": x.numpy(), "y": y, "weights": [w for w, _ in draws], "biases": [b for _, b in draws]}


def problem_numpy_generator(seed, n_samples=1000, widths=WIDTHS, noise=0.1):
    return _problem(seed, n_samples, widths, noise, generator="numpy")


def problem_weights_before_noise(seed, n_samples=1000, widths=WIDTHS, noise=0.1):
    return _problem(seed, n_samples, widths, noise, order="layers_first")


def problem_bias_bound_one(seed, n_samples=1000, widths=WIDTHS, noise=0.1):
    return _problem(seed, n_samples, widths, noise, bias_bound=1.0)


def problem_ignores_seed(seed, n_samples=1000, widths=WIDTHS, noise=0.1):
    """Seeds the generator with the notebook's 42 whatever the argument."""
    return _problem(42, n_samples, widths, noise)


# valid
def problem_numpy_linspace(seed, n_samples=1000, widths=WIDTHS, noise=0.1):
    """x from np.linspace in float32 (one ulp off torch.linspace) and numpy's sin; torch draws."""
    g = torch.Generator().manual_seed(seed)
    x = np.linspace(-10.0, 10.0, n_samples, dtype=np.float32)
    eps = torch.randn(n_samples, generator=g).numpy()
    y = np.sin(x) + np.float32(noise) * eps
    weights, biases = [], []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        w = torch.empty(fan_out, fan_in)
        torch.nn.init.kaiming_uniform_(w, a=math.sqrt(5), generator=g)
        b = torch.empty(fan_out)
        torch.nn.init.uniform_(b, -1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in), generator=g)
        weights.append(w.numpy())
        biases.append(b.numpy())
    return {"x": x, "y": y.astype(np.float32), "weights": weights, "biases": biases}


# --- layer_gradients --------------------------------------------------------------------------
def _forward_backward(weights, biases, x, y, slope, *, variant=""):
    weights = [np.asarray(w, dtype=float) for w in weights]
    biases = [np.asarray(b, dtype=float) for b in biases]
    a = np.asarray(x, dtype=float).reshape(-1, 1)
    y = np.asarray(y, dtype=float).reshape(-1, 1)
    inputs, pre, post = [], [], []
    for l, (w, b) in enumerate(zip(weights, biases)):
        inputs.append(a)
        z = a @ w.T + b
        pre.append(z)
        a = np.where(z > 0, z, slope * z) if l < len(weights) - 1 else z
        post.append(a)
    r = a - y
    loss = float(np.mean(r**2))
    g = (1.0 if variant == "missing_2" else 2.0) * r / r.size
    grads, dw, db = [None] * len(weights), [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        grads[l] = -g if variant == "negated" else g
        dw[l] = inputs[l].T @ g if variant == "transposed" else g.T @ inputs[l]
        db[l] = g.sum(axis=0)
        if l > 0:
            slope_l = 0.0 if variant == "relu_derivative" else slope
            g = (g @ weights[l]) * np.where(pre[l - 1] > 0, 1.0, slope_l)
    return {"loss": loss, "preactivations": post if variant == "post" else pre, "gradients": grads,
            "weight_gradients": dw, "bias_gradients": db}


def gradients_negated(weights, biases, x, y, negative_slope=0.01):
    """Returns the seed's G = -dL/dZ."""
    return _forward_backward(weights, biases, x, y, negative_slope, variant="negated")


def gradients_relu_derivative(weights, biases, x, y, negative_slope=0.01):
    """Backpropagates with the ReLU's derivative (0 for z <= 0), not the LeakyReLU's."""
    return _forward_backward(weights, biases, x, y, negative_slope, variant="relu_derivative")


def gradients_missing_factor_2(weights, biases, x, y, negative_slope=0.01):
    return _forward_backward(weights, biases, x, y, negative_slope, variant="missing_2")


def weight_gradients_transposed(weights, biases, x, y, negative_slope=0.01):
    return _forward_backward(weights, biases, x, y, negative_slope, variant="transposed")


def preactivations_after_activation(weights, biases, x, y, negative_slope=0.01):
    """Returns the activations A_{l+1} = LeakyReLU(Z_l) where the pre-activations are asked for."""
    return _forward_backward(weights, biases, x, y, negative_slope, variant="post")


# valid
def layer_gradients_autograd(weights, biases, x, y, negative_slope=0.01):
    """torch.autograd with retain_grad, float64."""
    ws = [torch.tensor(np.asarray(w, dtype=np.float64), requires_grad=True) for w in weights]
    bs = [torch.tensor(np.asarray(b, dtype=np.float64), requires_grad=True) for b in biases]
    a = torch.tensor(np.asarray(x, dtype=np.float64)).unsqueeze(1)
    pre = []
    for l, (w, b) in enumerate(zip(ws, bs)):
        z = torch.nn.functional.linear(a, w, b)
        z.retain_grad()
        pre.append(z)
        a = torch.nn.functional.leaky_relu(z, negative_slope) if l < len(ws) - 1 else z
    loss = torch.nn.functional.mse_loss(a, torch.tensor(np.asarray(y, dtype=np.float64)).unsqueeze(1))
    loss.backward()
    return {"loss": loss.item(), "preactivations": [z.detach().numpy() for z in pre],
            "gradients": [z.grad.numpy() for z in pre], "weight_gradients": [w.grad.numpy() for w in ws],
            "bias_gradients": [b.grad.numpy() for b in bs]}


# --- train ------------------------------------------------------------------------------------
def _numpy_training(make_problem, layer_gradients, compute_alignment, seeds, epochs, n_samples, widths, noise,
                    lr, weight_decay, negative_slope, *, variant=""):
    """One seed after another in float64 numpy: layer_gradients, compute_alignment, Adam by hand."""
    depth = len(widths) - 1
    loss = np.empty((len(seeds), epochs))
    alignment = np.empty((len(seeds), epochs, depth))
    shared = torch.Generator().manual_seed(int(seeds[0]))
    for k, seed in enumerate(seeds):
        problem = make_problem(seed, n_samples, widths, noise)
        if variant == "one_generator":  # the batch's other seeds continue seeds[0]'s stream
            if k > 0:
                problem["y"] = (torch.sin(torch.as_tensor(problem["x"]))
                                + noise * torch.randn(n_samples, generator=shared)).numpy()
                problem["weights"] = [torch.empty(w.shape).uniform_(-0.5, 0.5, generator=shared).numpy()
                                      for w in problem["weights"]]
            else:
                torch.randn(n_samples, generator=shared)
        params = [np.asarray(p, dtype=float) for p in problem["weights"] + problem["biases"]]
        m = [np.zeros_like(p) for p in params]
        v = [np.zeros_like(p) for p in params]
        for t in range(1, epochs + 1):
            res = layer_gradients(params[:depth], params[depth:], problem["x"], problem["y"], negative_slope)
            record = (res["preactivations"], res["gradients"], res["loss"])
            grads = res["weight_gradients"] + res["bias_gradients"]
            for q, g in enumerate(grads):
                if variant != "adamw":
                    g = g + weight_decay * params[q]
                m[q] = 0.9 * m[q] + 0.1 * g
                v[q] = 0.999 * v[q] + 0.001 * g * g
                if variant == "no_bias_correction":
                    params[q] = params[q] - lr * m[q] / (np.sqrt(v[q]) + 1e-8)
                else:
                    m_hat, v_hat = m[q] / (1 - 0.9**t), v[q] / (1 - 0.999**t)
                    params[q] = params[q] - lr * m_hat / (np.sqrt(v_hat) + 1e-8)
                if variant == "adamw":
                    params[q] = params[q] - lr * weight_decay * params[q]
            if variant == "after_step":
                after = layer_gradients(params[:depth], params[depth:], problem["x"], problem["y"], negative_slope)
                record = (after["preactivations"], after["gradients"], after["loss"])
            pre, gradients, loss[k, t - 1] = record
            if variant == "activations":
                pre = [np.where(z > 0, z, negative_slope * z) if l < depth - 1 else z for l, z in enumerate(pre)]
            alignment[k, t - 1] = [compute_alignment(z, -g) for z, g in zip(pre, gradients)]
    if variant == "drop_output":
        alignment = alignment[:, :, :-1]
    return {"loss": loss, "alignment": alignment}


def train_numpy_float64(seeds, epochs=13_000, *, n_samples=1000, widths=WIDTHS, noise=0.1, lr=0.01,
                        weight_decay=1e-5, negative_slope=0.01, progress=None):
    """Valid: a plain loop over seeds and epochs in float64, from the contract's own functions."""
    return _numpy_training(make_problem, layer_gradients, compute_alignment, seeds, epochs, n_samples,  # noqa: F821
                           widths, noise, lr, weight_decay, negative_slope)


def train_records_after_step(seeds, epochs=13_000, *, n_samples=1000, widths=WIDTHS, noise=0.1, lr=0.01,
                             weight_decay=1e-5, negative_slope=0.01, progress=None):
    return _numpy_training(make_problem, layer_gradients, compute_alignment, seeds, epochs, n_samples,  # noqa: F821
                           widths, noise, lr, weight_decay, negative_slope, variant="after_step")


def train_adamw(seeds, epochs=13_000, *, n_samples=1000, widths=WIDTHS, noise=0.1, lr=0.01, weight_decay=1e-5,
                negative_slope=0.01, progress=None):
    """Decoupled weight decay (AdamW) instead of Adam's L2 term in the gradient."""
    return _numpy_training(make_problem, layer_gradients, compute_alignment, seeds, epochs, n_samples,  # noqa: F821
                           widths, noise, lr, weight_decay, negative_slope, variant="adamw")


def train_no_bias_correction(seeds, epochs=13_000, *, n_samples=1000, widths=WIDTHS, noise=0.1, lr=0.01,
                             weight_decay=1e-5, negative_slope=0.01, progress=None):
    return _numpy_training(make_problem, layer_gradients, compute_alignment, seeds, epochs, n_samples,  # noqa: F821
                           widths, noise, lr, weight_decay, negative_slope, variant="no_bias_correction")


def train_one_generator_for_the_batch(seeds, epochs=13_000, *, n_samples=1000, widths=WIDTHS, noise=0.1, lr=0.01,
                                      weight_decay=1e-5, negative_slope=0.01, progress=None):
    """Draws the whole batch from one generator seeded with seeds[0]: a seed's run depends on the batch."""
    return _numpy_training(make_problem, layer_gradients, compute_alignment, seeds, epochs, n_samples,  # noqa: F821
                           widths, noise, lr, weight_decay, negative_slope, variant="one_generator")


def train_alignment_of_activations(seeds, epochs=13_000, *, n_samples=1000, widths=WIDTHS, noise=0.1, lr=0.01,
                                   weight_decay=1e-5, negative_slope=0.01, progress=None):
    """Aligns the activations LeakyReLU(Z_l) with -dL/dZ_l (the seed's docstring says "activations")."""
    return _numpy_training(make_problem, layer_gradients, compute_alignment, seeds, epochs, n_samples,  # noqa: F821
                           widths, noise, lr, weight_decay, negative_slope, variant="activations")


def train_drops_output_layer(seeds, epochs=13_000, *, n_samples=1000, widths=WIDTHS, noise=0.1, lr=0.01,
                             weight_decay=1e-5, negative_slope=0.01, progress=None):
    """Leaves out the (trivial) output layer: L - 1 series."""
    return _numpy_training(make_problem, layer_gradients, compute_alignment, seeds, epochs, n_samples,  # noqa: F821
                           widths, noise, lr, weight_decay, negative_slope, variant="drop_output")


def train_torch_loop(seeds, epochs=13_000, *, n_samples=1000, widths=WIDTHS, noise=0.1, lr=0.01, weight_decay=1e-5,
                     negative_slope=0.01, progress=None):
    """Valid: the seed's loop, fixed: nn.Linear layers loaded from make_problem, autograd with retained
    pre-activations, torch.optim.Adam, float32, one seed after another."""
    depth = len(widths) - 1
    loss = np.empty((len(seeds), epochs), dtype=np.float32)
    alignment = np.empty((len(seeds), epochs, depth), dtype=np.float32)
    for k, seed in enumerate(seeds):
        problem = make_problem(seed, n_samples, widths, noise)  # noqa: F821
        layers = torch.nn.ModuleList(torch.nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))
        with torch.no_grad():
            for layer, w, b in zip(layers, problem["weights"], problem["biases"]):
                layer.weight.copy_(torch.as_tensor(w))
                layer.bias.copy_(torch.as_tensor(b))
        x = torch.as_tensor(problem["x"]).unsqueeze(1)
        y = torch.as_tensor(problem["y"]).unsqueeze(1)
        opt = torch.optim.Adam(layers.parameters(), lr=lr, weight_decay=weight_decay)
        for e in range(epochs):
            opt.zero_grad()
            a, pre = x, []
            for l, layer in enumerate(layers):
                z = layer(a)
                z.retain_grad()
                pre.append(z)
                a = torch.nn.functional.leaky_relu(z, negative_slope) if l < depth - 1 else z
            out = torch.nn.functional.mse_loss(a, y)
            out.backward()
            loss[k, e] = out.item()
            alignment[k, e] = [compute_alignment(z.detach().numpy(), -z.grad.numpy()) for z in pre]  # noqa: F821
            opt.step()
    return {"loss": loss, "alignment": alignment}


def train_torch_batched(seeds, epochs=13_000, *, n_samples=1000, widths=WIDTHS, noise=0.1, lr=0.01,
                        weight_decay=1e-5, negative_slope=0.01, progress=None):
    """Valid: the issue's hint: all seeds in stacked tensors (S, out, in), torch.bmm, autograd with
    retained pre-activations, ONE torch.optim.Adam over the stacked parameters (elementwise, so exactly
    per-seed Adam), the alignment of all seeds and layers from batched covariances."""
    problems = [make_problem(s, n_samples, widths, noise) for s in seeds]  # noqa: F821
    ws = [torch.tensor(np.stack([p["weights"][l] for p in problems]), requires_grad=True)
          for l in range(len(widths) - 1)]
    bs = [torch.tensor(np.stack([p["biases"][l] for p in problems])[:, None, :], requires_grad=True)
          for l in range(len(widths) - 1)]
    x = torch.as_tensor(problems[0]["x"])[None, :, None].expand(len(seeds), -1, -1)
    y = torch.tensor(np.stack([p["y"] for p in problems]))[:, :, None]
    opt = torch.optim.Adam(ws + bs, lr=lr, weight_decay=weight_decay)
    loss = np.empty((len(seeds), epochs), dtype=np.float32)
    alignment = np.empty((len(seeds), epochs, len(ws)), dtype=np.float32)

    def covariance(M):  # (S, N, d) -> (S, d, d) of the row-normalised M
        norm = M.norm(dim=2, keepdim=True)
        unit = torch.where(norm > 0, M / torch.where(norm > 0, norm, torch.ones_like(norm)), torch.zeros_like(M))
        return unit.transpose(1, 2) @ unit

    for e in range(epochs):
        opt.zero_grad()
        a, pre = x, []
        for l, (w, b) in enumerate(zip(ws, bs)):
            z = torch.baddbmm(b, a, w.transpose(1, 2))
            z.retain_grad()
            pre.append(z)
            a = torch.nn.functional.leaky_relu(z, negative_slope) if l < len(ws) - 1 else z
        per_seed = ((a - y) ** 2).mean(dim=(1, 2))
        per_seed.sum().backward()  # the sum: each seed's gradient is that of its own loss
        loss[:, e] = per_seed.detach().numpy()
        with torch.no_grad():
            for l, z in enumerate(pre):
                ch, cg = covariance(z), covariance(-z.grad)
                num = (ch * cg).sum(dim=(1, 2))
                den = torch.sqrt((ch * ch).sum(dim=(1, 2)) * (cg * cg).sum(dim=(1, 2)))
                alignment[:, e, l] = torch.where(den > 0, num / torch.where(den > 0, den, torch.ones_like(den)),
                                                 torch.zeros_like(den)).numpy()
        opt.step()
    return {"loss": loss, "alignment": alignment}


# --- plot_alignment ---------------------------------------------------------------------------
def plot_all_layers_one_axes(alignment, seeds=None, epochs=None):
    alignment = np.asarray(alignment)
    fig, ax = plt.subplots()
    for l in range(alignment.shape[2]):
        for s in range(alignment.shape[0]):
            ax.plot(np.arange(alignment.shape[1]), alignment[s, :, l], label=f"layer {l + 1}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("alignment")
    return fig


def plot_fixed_grid(alignment, seeds=None, epochs=None):
    """Always a 2 x 3 grid (the seed's six layers), unused panels left empty."""
    alignment = np.asarray(alignment)
    epochs = np.arange(alignment.shape[1]) if epochs is None else epochs
    fig, axes = plt.subplots(2, 3)
    for l, ax in enumerate(axes.flat):
        if l < alignment.shape[2]:
            for s in range(alignment.shape[0]):
                ax.plot(epochs, alignment[s, :, l])
        ax.set_title(f"layer {l + 1}")
        ax.set_xlabel("epoch")
        ax.set_ylabel("alignment")
    return fig


def plot_epochs_from_one(alignment, seeds=None, epochs=None):
    alignment = np.asarray(alignment)
    epochs = np.arange(1, alignment.shape[1] + 1) if epochs is None else epochs
    fig, axes = plt.subplots(1, alignment.shape[2], squeeze=False)
    for l, ax in enumerate(axes.flat):
        for s in range(alignment.shape[0]):
            ax.plot(epochs, alignment[s, :, l])
        ax.set_title(f"layer {l + 1}")
        ax.set_xlabel("epoch")
        ax.set_ylabel("alignment")
    return fig


def plot_ignores_epochs(alignment, seeds=None, epochs=None):
    """Always plots against 0..E-1, even for a thinned series."""
    alignment = np.asarray(alignment)
    fig, axes = plt.subplots(1, alignment.shape[2], squeeze=False)
    for l, ax in enumerate(axes.flat):
        for s in range(alignment.shape[0]):
            ax.plot(alignment[s, :, l])
        ax.set_title(f"layer {l + 1}")
        ax.set_xlabel("epoch")
        ax.set_ylabel("alignment")
    return fig


def plot_wrong_labels(alignment, seeds=None, epochs=None):
    """The seed's labels."""
    alignment = np.asarray(alignment)
    epochs = np.arange(alignment.shape[1]) if epochs is None else epochs
    fig, axes = plt.subplots(1, alignment.shape[2], squeeze=False)
    for l, ax in enumerate(axes.flat):
        for s in range(alignment.shape[0]):
            ax.plot(epochs, alignment[s, :, l])
        ax.set_title(f"Hidden Layer {l + 1}")
        ax.set_xlabel("Epoch")
        ax.set_ylabel("Alignment by matrix correlation")
    return fig


# valid
def plot_column_with_median(alignment, seeds=None, epochs=None):
    """One column of panels, a median line, a legend, a suptitle, $-labels."""
    alignment = np.asarray(alignment, dtype=float)
    epochs = np.arange(alignment.shape[1]) if epochs is None else np.asarray(epochs)
    fig, axes = plt.subplots(alignment.shape[2], 1, figsize=(6, 2 * alignment.shape[2]), squeeze=False)
    for l, ax in enumerate(axes[:, 0]):
        for s in range(alignment.shape[0]):
            ax.plot(epochs, alignment[s, :, l], alpha=0.5)
        ax.plot(epochs, np.median(alignment[:, :, l], axis=0), "k-", label="median")
        ax.legend()
        ax.set_title(f"Layer {l + 1}: $Z_{l + 1}$ vs $-\\partial L / \\partial Z_{l + 1}$")
        ax.set_xlabel("$epoch$")
        ax.set_ylabel("Alignment")
    fig.suptitle("Representation-gradient alignment")
    return fig


_TRAIN_CHECKS = ("train_series_shape_and_range", "train_starts_from_problem", "train_matches_torch_adam",
                 "train_batched_equals_separate")

MUTANTS = [
    # compute_alignment
    Mutant("alignment_seed_version", {"compute_alignment": alignment_seed_version},
           {"alignment_definition": r"(?s)compute_alignment\(.*\) returned 0\.9999999\d*; expected 1\.0\. "
                                    r"Hint: divide every row",
            "alignment_range_and_identity": r"returned 0\.99999\d+; expected 1\.0 for G = H\. Hint: .*no epsilon",
            "alignment_zero_rows": r"returned nan; expected a finite float",
            "alignment_matches_reference": r"returned nan; expected a finite float"}),
    Mutant("alignment_nan_for_zero_rows", {"compute_alignment": alignment_nan_for_zero_rows},
           {"alignment_zero_rows": r"returned nan; expected a finite float",
            "alignment_matches_reference": r"returned nan; expected a finite float"}),
    Mutant("alignment_no_row_normalisation", {"compute_alignment": alignment_no_row_normalisation},
           {"alignment_definition": r"Hint: divide every row of H and of G by its Euclidean norm",
            "alignment_row_scaling_invariant": r"expected 0\.\d+, the alignment of H and G before their rows were "
                                               r"rescaled.*Hint: normalise every row",
            "alignment_zero_rows": r"a zero row of H alone contributes nothing to C_H",
            "alignment_matches_reference": r"must equal the reference solution's"}),
    Mutant("alignment_normalises_columns", {"compute_alignment": alignment_normalises_columns},
           {"alignment_definition": r"Hint: divide every row",
            "alignment_row_scaling_invariant": r"before their rows were rescaled",
            "alignment_orthogonal_invariant": r"H Q and G Q with an orthogonal Q.*Hint: normalise rows, not columns",
            "alignment_zero_rows": r"contributes nothing",
            "alignment_matches_reference": r"must equal the reference solution's"}),
    Mutant("alignment_normalises_only_H", {"compute_alignment": alignment_normalises_only_H},
           {"alignment_definition": r"Hint: divide every row",
            "alignment_symmetric": r"(?s)the value of compute_alignment\(.*Hint: the alignment is symmetric",
            "alignment_range_and_identity": r"returned 0\.\d+; expected 1\.0 for G = H",
            "alignment_row_scaling_invariant": r"before their rows were rescaled",
            "alignment_zero_rows": r"contributes nothing",
            "alignment_matches_reference": r"must equal the reference solution's"}),
    Mutant("alignment_pearson_of_entries", {"compute_alignment": alignment_pearson_of_entries},
           {"alignment_definition": r"Hint: divide every row",
            "alignment_orthogonal_invariant": r"orthogonal Q",
            "alignment_range_and_identity": r"returned -?0\.\d+; expected (a value in \[0, 1\]|1\.0 for G = H)",
            "alignment_zero_rows": r"contributes nothing",
            "alignment_matches_reference": r"must equal the reference solution's"}),
    # make_problem (the reference's train starts from make_problem: its checks see the mistake too)
    Mutant("problem_numpy_generator", {"make_problem": problem_numpy_generator},
           {"problem_matches_seed_notebook": r"y must be the seed notebook's: make_problem\(42\)\[\"y\"\] returned "
                                             r".*Hint: one generator g = torch\.Generator\(\)\.manual_seed\(seed\)",
            "train_starts_from_problem": r"the loss at epoch 0 must be that of the initial network of seed 42",
            "train_matches_torch_adam": r"the loss series must be torch\.optim\.Adam's"}),
    Mutant("problem_weights_before_noise", {"make_problem": problem_weights_before_noise},
           {"problem_matches_seed_notebook": r"y must be the seed notebook's",
            "train_starts_from_problem": r"initial network of seed 42",
            "train_matches_torch_adam": r"torch\.optim\.Adam's"}),
    Mutant("problem_bias_bound_one", {"make_problem": problem_bias_bound_one},
           {"problem_matches_seed_notebook": r"layer 1's bias must be drawn as nn\.Linear does",
            "train_starts_from_problem": r"initial network of seed 42",
            "train_matches_torch_adam": r"torch\.optim\.Adam's"}),
    Mutant("problem_ignores_seed", {"make_problem": problem_ignores_seed},
           {"problem_structure": r"make_problem\(4, .*\) returned the same noise or weights as for seed 3; "
                                 r"expected different draws.*Hint: seed the generator",
            "problem_matches_seed_notebook": r"y must be the seed notebook's: make_problem\(\d{4,}",
            "train_starts_from_problem": r"initial network of seed \d{4,}",
            "train_matches_torch_adam": r"torch\.optim\.Adam's",
            "train_batched_equals_separate": r"the same loss series for different seeds"}),
    # layer_gradients
    Mutant("gradients_negated", {"layer_gradients": gradients_negated},
           {"preactivation_gradients_match_autograd": r"\[\"gradients\"\]\[\d\] returned a dL/dZ_\d whose entry .*"
                                                      r"relative error 2\.00e\+00.*not the seed's G = -gradient"}),
    Mutant("gradients_relu_derivative", {"layer_gradients": gradients_relu_derivative},
           {"preactivation_gradients_match_autograd": r"returned a dL/dZ_\d whose entry.*Hint: .*LeakyReLU'",
            "parameter_gradients_match_autograd": r"returned a dL/d[Wb]_\d whose entry",
            "parameter_gradients_finite_differences": r"from central differences.*your own loss"}),
    Mutant("gradients_missing_factor_2", {"layer_gradients": gradients_missing_factor_2},
           {"preactivation_gradients_match_autograd": r"relative error 5\.00e-01",
            "parameter_gradients_match_autograd": r"relative error 5\.00e-01",
            "parameter_gradients_finite_differences": r"relative error 5\.00e-01"}),
    Mutant("weight_gradients_transposed", {"layer_gradients": weight_gradients_transposed},
           {"parameter_gradients_match_autograd": r"\[\"weight_gradients\"\]\[\d\] returned an array of shape "
                                                 r"\(\d, \d\); expected a float ndarray of shape",
            "parameter_gradients_finite_differences": r"\[\"weight_gradients\"\]\[0\] returned an array of shape "
                                                      r"\(1, 3\); expected a float ndarray of shape \(3, 1\)"}),
    Mutant("preactivations_after_activation", {"layer_gradients": preactivations_after_activation},
           {"preactivation_gradients_match_autograd": r"Z_\d = A_\d W_\d\^T \+ b_\d \(before the LeakyReLU\)"}),
    # train
    Mutant("train_records_after_step", {"train": train_records_after_step},
           {"train_starts_from_problem": r"the loss at epoch 0 must be that of the initial network of seed 42.*"
                                         r"before the first Adam step",
            "train_matches_torch_adam": r"the loss series must be torch\.optim\.Adam's"}),
    Mutant("train_adamw", {"train": train_adamw},
           {"train_matches_torch_adam": r"the (loss|alignment) series must be (those of )?torch\.optim\.Adam's"}),
    Mutant("train_no_bias_correction", {"train": train_no_bias_correction},
           {"train_matches_torch_adam": r"the loss series must be torch\.optim\.Adam's: train\(\[\d+\], \d+, "
                                        r"n_samples=48, widths=\(1, 4, 4, 1\)\)"}),
    Mutant("train_one_generator_for_the_batch", {"train": train_one_generator_for_the_batch},
           {"train_starts_from_problem": r"the loss at epoch 0 must be that of the initial network of seed \d{4,}",
            "train_batched_equals_separate": r"seed \d+ alone must give the loss series it gets in train\("}),
    Mutant("train_alignment_of_activations", {"train": train_alignment_of_activations},
           {"train_starts_from_problem": r"the alignments at epoch 0 must be those of the initial network",
            "train_matches_torch_adam": r"the alignment series must be those of torch\.optim\.Adam's run"}),
    Mutant("train_drops_output_layer", {"train": train_drops_output_layer},
           {cid: r"train\(.*\)\[\"alignment\"\] returned an array of shape \(\d, \d+, \d\); expected a float ndarray "
                 r"of shape \(S, epochs, L\)" for cid in _TRAIN_CHECKS}),
    # plot_alignment
    Mutant("plot_all_layers_one_axes", {"plot_alignment": plot_all_layers_one_axes},
           {"plot_one_panel_per_layer": r"returned a figure with 1 axes; expected 3 axes, one per layer",
            "plot_lines_data": r"returned a figure with 1 axes; expected 3 axes"}),
    Mutant("plot_fixed_grid", {"plot_alignment": plot_fixed_grid},
           {"plot_one_panel_per_layer": r"returned a figure with 6 axes; expected 3 axes.*remove the unused",
            "plot_lines_data": r"returned a figure with 6 axes; expected 3 axes"}),
    Mutant("plot_epochs_from_one", {"plot_alignment": plot_epochs_from_one},
           {"plot_lines_data": r"axes 0 with 3 line\(s\) at x = array\(\[1\., 2\., 3\., .*the epochs start at 0"}),
    Mutant("plot_ignores_epochs", {"plot_alignment": plot_ignores_epochs},
           {"plot_lines_data": r"epochs=array\(\[ 0\., 10\., 20\., 30\., 40\.\]\)\) returned axes 0 .*"
                               r"expected a line with x = array\(\[ 0\., 10\."}),
    Mutant("plot_wrong_labels", {"plot_alignment": plot_wrong_labels},
           {"plot_one_panel_per_layer": r"axes 0 titled 'Hidden Layer 1'; expected a title starting with 'layer 1'"}),
]

ALTERNATIVES = [
    Alternative("alignment_row_loop", {"compute_alignment": alignment_row_loop}),
    Alternative("alignment_torch_einsum", {"compute_alignment": alignment_torch_einsum}),
    Alternative("problem_numpy_linspace", {"make_problem": problem_numpy_linspace}),
    Alternative("layer_gradients_autograd", {"layer_gradients": layer_gradients_autograd}),
    Alternative("train_numpy_float64", {"train": train_numpy_float64}),
    Alternative("train_torch_loop", {"train": train_torch_loop}),
    Alternative("train_torch_batched", {"train": train_torch_batched}),
    Alternative("plot_column_with_median", {"plot_alignment": plot_column_with_median}),
]
