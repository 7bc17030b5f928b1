# %% [markdown]
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gatedrnn/gatedrnn/blob/v0.1.0/exercises/ex07_bptt.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gatedrnn/gatedrnn/v0.1.0?urlpath=lab/tree/exercises/ex07_bptt.ipynb)
#
# # Exercise 7 · Backpropagation through time by hand
#
# You write a vanilla RNN in NumPy, its gradients by backpropagation through time (BPTT), and
# then measure how the gradient of a late loss fades on its way back to early steps: the
# vanishing-gradient problem that gates were invented to solve. About 60 minutes; lecture
# `07_training_gated_rnns` comes first.
#
# Each question ends with a **check cell**. It prints a score table when your code earns every
# point, and fails with the table otherwise: which property is wrong (a shape, a value at a
# sample point, a gradient) and a hint. Replace each `...` and `raise NotImplementedError`
# by your code, run the cell, then run its check. `exercises/README.md` lists the other ways to
# grade your work.
#
# | question | you implement | points |
# |---|---|---|
# | 7.1 | `rnn_forward`: the states $h_1 \dots h_T$ | 3 |
# | 7.2 | `rnn_backward`: BPTT for $W$, $R$, $b$ and $h_0$ | 6 |
# | 7.3 | `gradient_norms`: $\lVert \partial L / \partial h_t \rVert$ for a loss at the end | 3 |

# %%
# On Colab only: install the course package.
import subprocess
import sys

if "google.colab" in sys.modules:
    url = "git+https://github.com/gatedrnn/gatedrnn@v0.1.0"  # this release of the course
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", url], check=True)

# %%
import matplotlib.pyplot as plt
import numpy as np

from gatedrnn import grading

# %% [markdown]
# ## 7.1 Forward
#
# For $t = 1 \dots T$, starting from $h_0$:
# $$ h_t = \tanh(W x_t + R h_{t-1} + b), $$
# with $W$ `(H, I)`, $R$ `(H, H)`, $b$ `(H,)`. Arrays are time-major: `x` is `(T, B, I)`, a
# batch of $B$ sequences, and each $x_t$ is a `(B, I)` stack of row vectors, so $W x_t$ is
# `x_t @ W.T`. Return the states `hs` of shape `(T, B, H)` with `hs[t - 1]` $= h_t$ (Python
# counts from 0; $h_0$ is not stored).

# %%
def rnn_forward(x, h0, W, R, b):
    """States of a vanilla RNN: x (T, B, I), h0 (B, H) -> hs (T, B, H), hs[t-1] = h_t."""
    # Hint: `np.stack(list_of_arrays)` stacks T arrays of shape (B, H) into (T, B, H).
    ...
    raise NotImplementedError("Exercise 7.1: step h_t = tanh(W x_t + R h_{t-1} + b) through time")


# %%
grading.check_rnn_forward(rnn_forward)

# %% [markdown]
# ## 7.2 Backward through time
#
# The loss $L$ depends on every state; `dhs[t - 1]` $= \partial L / \partial h_t$ is its
# **direct** gradient at step $t$ (here $L = \sum_t \langle$ `dhs[t-1]`, $h_t \rangle$). But
# $h_t$ also feeds $h_{t+1}$, so its full gradient $\delta_t$ adds what comes back from the
# future, $g_t$. Going backwards from $t = T$, where $g_T = 0$:
#
# $$
# \begin{aligned}
# \delta_t &= \texttt{dhs}[t-1] + g_t, \\
# a_t &= \delta_t \odot (1 - h_t^2) && \text{through the tanh} \\
# dW &\mathrel{+}= a_t^\top x_t, \qquad dR \mathrel{+}= a_t^\top h_{t-1}, \qquad
#   db \mathrel{+}= \textstyle\sum_\text{batch} a_t, \\
# g_{t-1} &= a_t R && \text{sent back to } h_{t-1} \text{ (row vectors)}
# \end{aligned}
# $$
#
# and what reaches $h_0$ at the end, $g_0$, is $dh_0$. Mind the time index of $dR$: $R$ multiplies
# $h_{t-1}$, not $h_t$.

# %%
def rnn_backward(x, h0, W, R, b, hs, dhs):
    """BPTT: the gradients of L with ∂L/∂h_t|direct = dhs[t-1] (T, B, H).

    Returns (dW, dR, db, dh0) with the shapes of W, R, b and h0.
    """
    # Hint: `np.zeros_like(W)` starts an accumulator with W's shape.
    # Hint: the state before step t (0-based) is `h0 if t == 0 else hs[t - 1]`.
    ...
    raise NotImplementedError("Exercise 7.2: go backwards through time, accumulating dW, dR and db")


# %%
grading.check_rnn_backward(rnn_backward)

# %% [markdown]
# ## 7.3 Vanishing gradients
#
# Now let only the last state count, $L = \sum_{b,k} h_{T,bk}$, so that
# $\partial L / \partial h_T$ is all ones. Carry it back with your recursion and record
# $\lVert \partial L / \partial h_t \rVert$ (the Frobenius norm over the batch and the units,
# `np.linalg.norm`) for every $t$. Return `norms` of shape `(T,)` with `norms[t - 1]` for $h_t$.
# With small recurrent weights each step multiplies the gradient by a matrix of norm below 1
# and the curve falls exponentially towards the early steps.

# %%
def gradient_norms(x, h0, W, R, b):
    """‖∂L/∂h_t‖ for L = sum of h_T: norms (T,), norms[t-1] for h_t."""
    ...
    raise NotImplementedError(
        "Exercise 7.3: run forward, then carry ∂L/∂h_T = 1 back to h_1 and record the norms"
    )


# %%
grading.check_gradient_norms(gradient_norms)

# %% [markdown]
# ## Try it
#
# The curve for three scales of the recurrent weights. Where the gradient has fallen by ten
# orders of magnitude, a training signal from the end of the sequence can no longer change what
# the network does at its start.

# %% tags=["not-graded"]
rng = np.random.default_rng(0)
T, B, I, H = 60, 8, 3, 32
x = rng.normal(size=(T, B, I))
h0 = np.zeros((B, H))
W = rng.normal(size=(H, I)) / np.sqrt(I)
R_unit = rng.normal(size=(H, H)) / np.sqrt(H)
fig, ax = plt.subplots(figsize=(6, 3.5))
for gain in (0.5, 1.0, 1.5):
    ax.semilogy(range(1, T + 1), gradient_norms(x, h0, W, gain * R_unit, np.zeros(H)),
                label=f"gain {gain}")
ax.set(xlabel="time step t", ylabel="‖∂L/∂h_t‖", title="gradient of a loss on h_T")
ax.legend()
plt.show()
