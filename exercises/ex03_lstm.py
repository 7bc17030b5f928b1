# %% [markdown]
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gatedrnn/gatedrnn/blob/v0.1.0/exercises/ex03_lstm.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gatedrnn/gatedrnn/v0.1.0?urlpath=lab/tree/exercises/ex03_lstm.ipynb)
#
# # Exercise 3 · One LSTM step
#
# You write the LSTM's equations yourself, check them against `torch.nn.LSTMCell`, run them
# over a sequence, and then fix the gates to constants to find the rate network of lecture 02
# inside the LSTM (notes eq. 13). About 40 minutes; lecture `03_lstm` comes first.
#
# Each question ends with a **check cell**. It prints a score table when your code earns every
# point, and fails with the table otherwise: which property is wrong (a shape, a value at a
# sample point, a gradient) and a hint. Replace each `...` and `raise NotImplementedError`
# by your code, run the cell, then run its check. `exercises/README.md` lists the other ways to
# grade your work.
#
# | question | you implement | points |
# |---|---|---|
# | 3.1 | `lstm_step`: one step of the LSTM | 5 |
# | 3.2 | `lstm_forward`: the step looped over a sequence | 5 |
# | 3.3 | `lstm_fixed_gates_step`: the LSTM with fixed gates (eq. 13) | 4 |

# %%
# On Colab only: install the course package.
import subprocess
import sys

if "google.colab" in sys.modules:
    url = "git+https://github.com/gatedrnn/gatedrnn@v0.1.0"  # this release of the course
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", url], check=True)

# %%
import torch

import gatedrnn
from gatedrnn import grading

# %% [markdown]
# ## 3.1 One LSTM step
#
# With input $x_t$ (shape `(B, I)`), previous output $h_{t-1}$ and cell state $c_{t-1}$
# (each `(B, H)`), one step of the LSTM is
#
# $$
# \begin{aligned}
# i_t &= \sigma(W_i x_t + R_i h_{t-1} + b_i) && \text{input gate} \\
# f_t &= \sigma(W_f x_t + R_f h_{t-1} + b_f) && \text{forget gate} \\
# z_t &= \tanh(W_z x_t + R_z h_{t-1} + b_z) && \text{candidate, } \varphi_1 = \tanh \\
# o_t &= \sigma(W_o x_t + R_o h_{t-1} + b_o) && \text{output gate} \\
# c_t &= f_t \odot c_{t-1} + i_t \odot z_t \\
# h_t &= o_t \odot \tanh(c_t) && \varphi_2 = \tanh
# \end{aligned}
# $$
#
# The weights come fused, exactly as `torch.nn.LSTMCell` stores them: `weight_ih` is
# $W$ of shape `(4H, I)`, `weight_hh` is $R$ of shape `(4H, H)`, and `bias_ih`, `bias_hh`
# are `(4H,)` each; $b$ is their sum. The four blocks of $H$ rows are stacked in the order
# **(i, f, z, o)** (PyTorch calls $z$ "g"). Rows act on column vectors, so for a batch of row
# vectors the pre-activation is `x_t @ W.T`.

# %%
def lstm_step(x_t, h_prev, c_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """One LSTM step.

    x_t (B, I); h_prev, c_prev (B, H); weight_ih (4H, I); weight_hh (4H, H);
    bias_ih, bias_hh (4H,). Blocks in the order (i, f, z, o). Returns (h_t, c_t), each (B, H).
    """
    # Hint: the pre-activations W x_t + R h_{t-1} + b form one (B, 4H) tensor.
    # Hint: `.chunk(4, dim=1)` splits a (B, 4H) tensor into four (B, H) blocks.
    ...
    raise NotImplementedError("Exercise 3.1: compute the gates i, f, z, o, then c_t and h_t")


# %%
grading.check_lstm_step(lstm_step)

# %% [markdown]
# ## 3.2 An LSTM layer
#
# A layer applies the same step at every time $t = 0, \dots, T-1$ of an input `x` of shape
# `(T, B, I)`, starting from $(h_0, c_0)$ and feeding each step the state of the step before.
# It returns the outputs $h_1 \dots h_T$ stacked to `(T, B, H)` and the final state
# $(h_T, c_T)$, as `torch.nn.LSTM` does (its `h_n`, `c_n` carry an extra layer dimension).

# %%
def lstm_forward(x, h0, c0, weight_ih, weight_hh, bias_ih, bias_hh):
    """Run lstm_step over a sequence.

    x (T, B, I); h0, c0 (B, H); weights as in lstm_step.
    Returns (outputs, (h_T, c_T)) with outputs (T, B, H) and h_T, c_T (B, H).
    """
    # Hint: iterating over x gives its time steps x_t, each (B, I).
    # Hint: `torch.stack(list_of_T_tensors)` of shape (B, H) each gives (T, B, H).
    ...
    raise NotImplementedError(
        "Exercise 3.2: loop lstm_step over the time steps of x and stack the outputs"
    )


# %%
grading.check_lstm_forward(lstm_forward)

# %% [markdown]
# ## 3.3 Fixed gates give the rate network
#
# Fix the gates to constants: $o_t = 1$, $i_t = z$ and $f_t = 1 - z$, where $z = \Delta t/\tau$
# holds one number per unit. Then $h_{t-1} = \varphi_2(c_{t-1})$ and the LSTM step becomes
# (notes eq. 13)
#
# $$ c_t = (1 - z) \odot c_{t-1} + z \odot \varphi_1\big(R\, \varphi_2(c_{t-1}) + W x_t + b\big). $$
#
# With $\varphi_2$ the identity this is the Euler step of the rate network in rate form
# ($r_t \equiv c_t$); with $\varphi_1$ the identity it is the voltage form ($v_t \equiv c_t$).
# Here $W$ is `(H, I)`, $R$ is `(H, H)`, $b$ and $z$ are `(H,)`, and `phi1`, `phi2` are
# elementwise functions such as `torch.tanh`. The check compares your step with
# `gatedrnn.RateCell` in both forms.

# %%
def lstm_fixed_gates_step(x_t, c_prev, W, R, b, z, phi1, phi2):
    """The LSTM step with o = 1, i = z, f = 1 - z (notes eq. 13).

    x_t (B, I); c_prev (B, H); W (H, I); R (H, H); b (H,); z (H,) = dt / tau.
    phi1, phi2: elementwise functions. Returns c_t (B, H).
    """
    # Hint: with o = 1 the previous output is h_{t-1} = φ2(c_{t-1}).
    ...
    raise NotImplementedError(
        "Exercise 3.3: write the LSTM step with the gates fixed to o = 1, i = z, f = 1 - z"
    )


# %%
grading.check_lstm_fixed_gates(lstm_fixed_gates_step)

# %% [markdown]
# ## Try it
#
# Your `lstm_forward` runs the weights of any `gatedrnn.LSTMCell` too, since the library stores
# them in the same order. The cell below compares it with the library's readable per-step loop
# (`fast=False`) on a random sequence.

# %% tags=["not-graded"]
torch.manual_seed(0)
cell = gatedrnn.LSTMCell(3, 8)
x = torch.randn(20, 2, 3)  # (T, B, I)
h0, c0 = cell.init_state(2)
with torch.no_grad():
    mine, _ = lstm_forward(x, h0, c0, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    library, _ = gatedrnn.Recurrent(cell, fast=False)(x)
same = torch.allclose(mine, library, atol=1e-6)
print("outputs", tuple(mine.shape), "equal gatedrnn.Recurrent's:", same)
