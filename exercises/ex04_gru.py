# %% [markdown]
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gatedrnn/gatedrnn/blob/v0.1.0/exercises/ex04_gru.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gatedrnn/gatedrnn/v0.1.0?urlpath=lab/tree/exercises/ex04_gru.ipynb)
#
# # Exercise 4 · From the simple-GRU to the GRU
#
# You write the simple-GRU of the notes (a rate network whose time constant is a gate), then
# PyTorch's GRU, and then differentiate the GRU's update $h_t = F(h_{t-1}, x_t)$ by hand: its
# Jacobian $\partial h_t / \partial h_{t-1}$ decides whether information and gradients survive
# many steps. About 50 minutes; lecture `04_gru` comes first.
#
# Each question ends with a **check cell**. It prints a score table when your code earns every
# point, and fails with the table otherwise: which property is wrong (a shape, a value at a
# sample point, a gradient) and a hint. Replace each `...` and `raise NotImplementedError`
# by your code, run the cell, then run its check. `exercises/README.md` lists the other ways to
# grade your work.
#
# | question | you implement | points |
# |---|---|---|
# | 4.1 | `simple_gru_step` (notes eq. 14–15) | 4 |
# | 4.2 | `gru_step`, as `torch.nn.GRUCell` computes it | 4 |
# | 4.3 | `gru_jacobian`: $\partial h_t / \partial h_{t-1}$ by hand | 5 |

# %%
# On Colab only: install the course package.
import subprocess
import sys

if "google.colab" in sys.modules:
    url = "git+https://github.com/gatedrnn/gatedrnn@v0.1.0"  # this release of the course
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", url], check=True)

# %%
import matplotlib.pyplot as plt
import torch

import gatedrnn
from gatedrnn import grading

# %% [markdown]
# ## 4.1 The simple-GRU
#
# Start from the rate network $r_t = (1 - z) \odot r_{t-1} + z \odot \varphi(\dots)$ with
# $z = \Delta t / \tau$ and let the network choose $z$ at every step (notes eq. 14–15):
#
# $$
# \begin{aligned}
# z_t &= \sigma(W_z x_t + R_z h_{t-1} + b_z), \\
# h_t &= (1 - z_t) \odot h_{t-1} + z_t \odot \tanh(W_n x_t + R_n h_{t-1} + b_n).
# \end{aligned}
# $$
#
# $z_t \to 0$ keeps the old state (a long time constant), $z_t \to 1$ replaces it. The weights
# come fused like the library's `gatedrnn.SimpleGRUCell`: `weight_ih` `(2H, I)`, `weight_hh`
# `(2H, H)`, `bias_ih` and `bias_hh` `(2H,)`, blocks in the order **(z, n)**; each $b$ is the
# sum of its two bias blocks.

# %%
def simple_gru_step(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """One simple-GRU step: x_t (B, I), h_prev (B, H) -> h_t (B, H); blocks (z, n)."""
    # Hint: `.chunk(2, dim=1)` splits the (B, 2H) pre-activations into the z and n blocks.
    ...
    raise NotImplementedError("Exercise 4.1: compute the gate z_t and the new state h_t")


# %%
grading.check_simple_gru_step(simple_gru_step)

# %% [markdown]
# ## 4.2 The GRU
#
# The GRU adds a reset gate $r_t$ (the notes' $o_t$) that scales the recurrent input of the
# candidate. PyTorch and cuDNN apply it **after** the recurrent matrix, and call their update gate
# $u_t = 1 - z_t$, so that $u_t \to 1$ keeps the old state:
#
# $$
# \begin{aligned}
# r_t &= \sigma(W_r x_t + b_{ir} + R_r h_{t-1} + b_{hr}), \\
# u_t &= \sigma(W_u x_t + b_{iu} + R_u h_{t-1} + b_{hu}), \\
# n_t &= \tanh\big(W_n x_t + b_{in} + r_t \odot (R_n h_{t-1} + b_{hn})\big), \\
# h_t &= (1 - u_t) \odot n_t + u_t \odot h_{t-1}.
# \end{aligned}
# $$
#
# The weights are `torch.nn.GRUCell`'s: `weight_ih` `(3H, I)`, `weight_hh` `(3H, H)`, biases
# `(3H,)`, blocks in the order **(r, u, n)**. Keep $b_{hn}$ apart from $b_{in}$: the reset gate
# multiplies one and not the other.

# %%
def gru_step(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """One GRU step as torch.nn.GRUCell computes it: blocks (r, u, n). Returns h_t (B, H)."""
    # Hint: chunk the weights and biases themselves (`weight_ih.chunk(3)` gives W_r, W_u, W_n).
    ...
    raise NotImplementedError("Exercise 4.2: compute r_t, u_t, n_t and h_t")


# %%
grading.check_gru_step(gru_step)

# %% [markdown]
# ## 4.3 The GRU's Jacobian
#
# The GRU is a dynamical system $h_t = F(h_{t-1}, x_t)$. Its Jacobian
# $J_{kj} = \partial h_{t,k} / \partial h_{t-1,j}$ tells how a nudge to the state travels one
# step; gradients in training travel back through products of these matrices. Differentiate
# $h_t = (1 - u) \odot n + u \odot h_{t-1}$ with the product rule: $u$, $r$ and $n$ all depend
# on $h_{t-1}$. With $\sigma' = \sigma(1 - \sigma)$, $\tanh' = 1 - \tanh^2$ and
# $\operatorname{diag}(v) M$ scaling row $k$ of $M$ by $v_k$:
#
# $$
# \begin{aligned}
# \frac{\partial u}{\partial h_{t-1}} &= \operatorname{diag}\big(u(1-u)\big) R_u, \qquad
# \frac{\partial r}{\partial h_{t-1}} = \operatorname{diag}\big(r(1-r)\big) R_r, \\
# \frac{\partial n}{\partial h_{t-1}} &= \operatorname{diag}(1 - n^2)\Big(\operatorname{diag}(r) R_n
#   + \operatorname{diag}(R_n h_{t-1} + b_{hn}) \frac{\partial r}{\partial h_{t-1}}\Big), \\
# J &= \operatorname{diag}(u) + \operatorname{diag}(h_{t-1} - n) \frac{\partial u}{\partial h_{t-1}}
#   + \operatorname{diag}(1 - u) \frac{\partial n}{\partial h_{t-1}}.
# \end{aligned}
# $$
#
# Compute it for every example of the batch: `J` has shape `(B, H, H)`, `J[b]` the Jacobian of
# example `b`. The check compares it with autograd.

# %%
def gru_jacobian(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """∂h_t/∂h_{t-1} of gru_step for each example.

    Returns J (B, H, H) with J[b, k, j] = ∂h_t[b, k] / ∂h_{t-1}[b, j].
    """
    # Hint: for v (B, H) and M (H, H), `v[:, :, None] * M` is diag(v) M per example: (B, H, H).
    # Hint: `torch.diag_embed(v)` turns v (B, H) into diagonal matrices (B, H, H).
    ...
    raise NotImplementedError(
        "Exercise 4.3: build the three terms of J with the gates of this step"
    )


# %%
grading.check_gru_jacobian(gru_jacobian)

# %% [markdown]
# ## Try it: the update gate as a time constant
#
# Give a GRU a large update bias $b_{hu}$ and its units keep their state ($u \to 1$); the
# Jacobian's eigenvalues then sit near 1 and a perturbation fades slowly. The plot shows the
# moduli of the eigenvalues of your Jacobian for three update biases.

# %% tags=["not-graded"]
torch.manual_seed(0)
cell = gatedrnn.GRUCell(3, 16)
x_t, h_prev = torch.randn(1, 3), 0.5 * torch.randn(1, 16)
fig, ax = plt.subplots(figsize=(5, 3))
for bias in (-2.0, 0.0, 2.0):
    bias_hh = cell.bias_hh.detach().clone()
    bias_hh[16:32] = bias  # the u block
    with torch.no_grad():
        J = gru_jacobian(x_t, h_prev, cell.weight_ih, cell.weight_hh, cell.bias_ih, bias_hh)
    moduli = torch.linalg.eigvals(J[0]).abs().sort(descending=True).values
    ax.plot(moduli, "o-", label=f"$b_{{hu}}$ = {bias:+g}")
ax.set(xlabel="eigenvalue (sorted)", ylabel="|λ|", title="eigenvalues of ∂h_t/∂h_{t-1}")
ax.legend()
plt.show()
