# %% [markdown]
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gatedrnn/gatedrnn/blob/v0.1.0/exercises/ex06_sublstm.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gatedrnn/gatedrnn/v0.1.0?urlpath=lab/tree/exercises/ex06_sublstm.ipynb)
#
# # Exercise 6 · The subLSTM: subtractive gates
#
# Costa et al. (NIPS 2017) read the LSTM's gates as inhibitory interneurons. Inhibition in
# cortex mostly *subtracts*, so their subLSTM replaces the multiplicative input and output
# gates by subtraction. You write its step, then train it to add two marked numbers of a
# sequence, the delayed-addition task of the lecture. About 45 minutes; lecture `06_sublstm`
# comes first.
#
# Each question ends with a **check cell**. It prints a score table when your code earns every
# point, and fails with the table otherwise: which property is wrong (a shape, a value at a
# sample point, a gradient, a training result) and a hint. Replace each `...` and
# `raise NotImplementedError` by your code, run the cell, then run its check.
# `exercises/README.md` lists the other ways to grade your work.
#
# | question | you implement | points |
# |---|---|---|
# | 6.1 | `sublstm_step`: one step of the subLSTM | 5 |
# | 6.2 | `train_adding`: a training loop for delayed addition | 5 |

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
from gatedrnn import grading, tasks, train

# %% [markdown]
# ## 6.1 One subLSTM step
#
# Every unit is a sigmoid, a non-negative firing rate, and the input and output gates subtract:
#
# $$
# \begin{aligned}
# [i_t, f_t, z_t, o_t] &= \sigma(W x_t + R h_{t-1} + b), \\
# c_t &= f_t \odot c_{t-1} + z_t - i_t, \\
# h_t &= \sigma(c_t) - o_t.
# \end{aligned}
# $$
#
# The weights are fused like the LSTM's of exercise 3: `weight_ih` `(4H, I)`, `weight_hh`
# `(4H, H)`, `bias_ih` and `bias_hh` `(4H,)`, blocks in the order **(i, f, z, o)**, as in
# `gatedrnn.SubLSTMCell`.

# %%
def sublstm_step(x_t, h_prev, c_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """One subLSTM step: x_t (B, I), h_prev and c_prev (B, H) -> (h_t, c_t), each (B, H)."""
    # Hint: one σ over the (B, 4H) pre-activations, then `.chunk(4, dim=1)`.
    ...
    raise NotImplementedError("Exercise 6.1: compute the four sigmoid units, then c_t and h_t")


# %%
grading.check_sublstm_step(sublstm_step)

# %% [markdown]
# ## 6.2 Delayed addition
#
# Each input sequence carries two numbers per step, a value in $[0, 1]$ and a marker; two steps
# are marked, and at the end the network must output the sum of their two values. Predicting the
# mean, 1, whatever the input, gives a mean squared error of $\mathrm{Var}(X_1 + X_2) = 1/6
# \approx 0.167$: the baseline to beat.
#
# Write the training loop. `model` maps `x` `(T, B, 2)` to predictions `(B, 1)`; `task` is a
# `gatedrnn.tasks.AddingProblem`, and `task.batch(batch_size, generator=gen)` returns a fresh
# batch `(x, y)`. Use one `torch.optim.Adam` with learning rate `lr` for the whole run, the mean
# squared error as the loss, and a `torch.Generator` seeded with `seed` for the batches. Return
# the training loss of every step as a list of floats. The check trains a subLSTM of 16 units
# with your loop and measures it on held-out sequences (a few seconds).

# %%
def train_adding(model, task, steps, batch_size, lr, seed):
    """Train model on task for `steps` Adam steps; returns the list of training losses."""
    # Hint: `torch.nn.functional.mse_loss(prediction, target)` is the mean squared error.
    # Hint: in every step: zero the gradients, compute the loss, backpropagate, step.
    ...
    raise NotImplementedError(
        "Exercise 6.2: create the optimiser and the generator, then loop over the steps"
    )


# %%
grading.check_train_adding(train_adding)

# %% [markdown]
# ## Try it: subLSTM beside LSTM
#
# The same loop trains an LSTM of the same size. Both learning curves start at the baseline;
# how soon does each leave it? (Longer sequences make the task harder: try `seq_len=30`.)

# %% tags=["not-graded"]
torch.set_num_threads(1)  # networks this small train fastest on one CPU thread
task = tasks.AddingProblem(seq_len=10)
fig, ax = plt.subplots(figsize=(6, 3.5))
for name, cell in (("subLSTM", gatedrnn.SubLSTMCell), ("LSTM", gatedrnn.LSTMCell)):
    torch.manual_seed(0)
    model = train.SequenceRegressor(gatedrnn.Recurrent(cell(2, 16)))
    losses = train_adding(model, task, steps=300, batch_size=64, lr=3e-2, seed=0)
    ax.semilogy(losses, label=name, alpha=0.8)
ax.axhline(task.baseline_mse, color="k", ls="--", label="baseline (predict the mean)")
ax.set(xlabel="training step", ylabel="MSE", title=f"delayed addition, T = {task.seq_len}")
ax.legend()
plt.show()
