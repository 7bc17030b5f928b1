# %% [markdown]
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gatedrnn/gatedrnn/blob/v0.1.0/lectures/00_getting_started.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gatedrnn/gatedrnn/v0.1.0?urlpath=lab/tree/lectures/00_getting_started.ipynb)
#
# # Lecture 00 — Getting started
#
# This course is a set of notebooks built on one small library, `gatedrnn`. Before the first
# network, this lecture makes sure your tools work and that you speak the course's language
# of shapes.
#
# **Objectives.** By the end you can
#
# - run a notebook locally, on Binder or on Colab, and know what each of them keeps and forgets;
# - create NumPy arrays and PyTorch tensors and read their shapes in the course's vocabulary
#   `(T, B, I)` for inputs, `(B, H)` for states, `(T, B, H)` for outputs;
# - let PyTorch's autograd compute a derivative and check it against one you worked out by hand;
# - find out whether PyTorch sees a GPU, with `gatedrnn.device()`;
# - build a first recurrent cell, step it by hand, run it with `gatedrnn.Recurrent`, and plot it;
# - move the sliders of an explorer;
# - set up the tools for your own research, today's versions of a classic list.
#
# **Time:** about 55 minutes, with the two short exercises.
#
# **Where the material comes from.** The derivations of lectures 02–04 follow Yashar
# Ahmadian's notes on LSTMs, GRUs and rate networks (2018). Lecture 01 builds the network of a
# course blog's one-hidden-layer MNIST assignment (written for a 2016 deep-learning class at
# the Université de Montréal), and section 7 below updates that blog's list of research tools.
# Lectures 05 and 06 follow a lecture on cortical microcircuits and gated RNNs. Every lecture
# ends with its references and further reading.

# %%
# On Colab only: install the course package, then turn on Colab's widget manager.
import subprocess
import sys

if "google.colab" in sys.modules:
    url = "git+https://github.com/gatedrnn/gatedrnn@v0.1.0"  # this release of the course
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", url], check=True)
import gatedrnn
from gatedrnn import colab

colab.enable_widgets()  # does nothing outside Colab

# %% [markdown]
# ## 1. Jupyter, Colab and Binder
#
# A notebook is a list of **cells**. Markdown cells (like this one) hold text and equations;
# code cells hold Python. `Shift+Enter` runs the selected cell and moves to the next one. All
# code cells share one Python process, the **kernel**: a variable defined in one cell exists in
# every cell run after it. The number beside a code cell, `[7]`, says in which order the cells
# were run, which is not always the order on the page.
#
# The same notebook runs in three places:
#
# | where | how to start | what you get | what it forgets |
# |---|---|---|---|
# | your computer | `pip install -e ".[course]"` in the repository, then `jupyter lab` | your own CPU (and GPU), files stay | nothing |
# | Binder | the Binder badge at the top | a CPU, about 2 GB of memory, the course already installed | everything, when the tab is idle for ~10 minutes: download your notebook |
# | Colab | the Colab badge at the top | a CPU, or a GPU via *Runtime → Change runtime type* | installed packages and files, when the session ends; save a copy to Drive |
#
# The first code cell above is the same in every lecture. On Colab it installs `gatedrnn` with
# `pip` and switches on Colab's widget manager (sliders need it); anywhere else it only imports
# the library, and `colab.enable_widgets()` answers `False`: there was nothing to switch on.
#
# **Think!** You run cell 5, then edit and run cell 3, then run cell 5 again, and get a result
# that nobody else can reproduce. Why, and what is the cure?
#
# <details><summary>Answer</summary>
#
# The kernel's state depends on the order you ran the cells in, not on the order they appear.
# Cell 5 may still see variables that cell 3 has since changed or removed. The cure is
# *Kernel → Restart Kernel and Run All Cells*: a notebook is only trustworthy if it runs from
# top to bottom in a fresh kernel. Every lecture of this course is tested exactly that way.
#
# </details>

# %% [markdown]
# ## 2. NumPy in five minutes
#
# NumPy's `ndarray` is a grid of numbers of one type (`dtype`) with a **shape**, a tuple of
# sizes, one per axis. Almost every bug in this course is a shape bug, so the course fixes one
# vocabulary for recurrent networks:
#
# | symbol | meaning | typical size |
# |---|---|---|
# | `T` | time steps in a sequence | 20 … 784 |
# | `B` | sequences in a batch, processed side by side | 32 … 128 |
# | `I` | input features per time step | 1 … 28 |
# | `H` | hidden units (the network's size) | 8 … 256 |
#
# An input sequence batch `x` is `(T, B, I)`: **time first** (time-major). Then `x[t]` is the
# input at step $t$ for the whole batch, shape `(B, I)`.

# %%
import numpy as np

from gatedrnn.practice import check  # the self-check of the "Your turn" exercises

rng = np.random.default_rng(0)  # a seeded generator: the same numbers on every run
T, B, I, H = 50, 4, 3, 8

x = rng.normal(size=(T, B, I))  # (T, B, I)
print("x:", x.shape, x.dtype)
print("x[0], the first time step:", x[0].shape)  # (B, I)
print("x[:, 0], the first sequence:", x[:, 0].shape)  # (T, I)
print("number of entries:", x.size, "=", T, "*", B, "*", I)

# %% [markdown]
# Each hidden unit of a network adds up weighted inputs. With an input weight matrix $W$ of
# shape `(H, I)` and a bias $b$ of shape `(H,)`, the input to the hidden units at step $t$ is
#
# $$ a_t = W x_t + b \tag{1} $$
#
# Equation (1) treats $x_t$ as a column vector. A batch stores one example per **row**
# (`(B, I)`), so in code the same product is written `x[t] @ W.T`: the matrix product `@` needs
# the inner sizes to agree, `(B, I) @ (I, H) → (B, H)`. The bias `(H,)` is added to every row
# by **broadcasting**: NumPy repeats it along the missing batch axis.

# %%
W = rng.normal(size=(H, I)) / np.sqrt(I)  # (H, I)
b = np.zeros(H)  # (H,)

a_0 = x[0] @ W.T + b  # (B, I) @ (I, H) + (H,) -> (B, H)
print("a_0:", a_0.shape)

a = x @ W.T + b  # the same for all T steps at once: (T, B, I) @ (I, H) -> (T, B, H)
print("a:", a.shape)
assert np.allclose(a[0], a_0)  # step 0 of the whole-sequence product is a_0

# %% [markdown]
# Three more tools you will meet everywhere:
#
# - `x.reshape(...)` changes the shape without changing the numbers (the sizes must multiply
#   to the same total); `x.T` or `x.transpose(...)` reorders the axes.
# - Reductions take an `axis`: `x.mean(axis=0)` averages over time and leaves `(B, I)`.
# - Elementwise functions (`np.tanh`, `np.exp`) keep the shape.

# %%
print("mean over time:", x.mean(axis=0).shape)  # (B, I)
print("one long row per sequence:", x.transpose(1, 0, 2).reshape(B, T * I).shape)  # (B, T*I)
print("tanh keeps the shape:", np.tanh(a).shape)

# %% [markdown]
# ### Your turn 1: read shapes before you run
#
# Without running anything, write down the shapes of three expressions built from the arrays
# above (`x` is `(T, B, I) = (50, 4, 3)`, `W` is `(H, I) = (8, 3)`):
#
# 1. `x[10:20]`, ten time steps of every sequence;
# 2. `np.tanh(x[:, 0] @ W.T)`, the hidden input of sequence 0 at every step, through tanh;
# 3. `a.mean(axis=1)`, the hidden input averaged over the batch.
#
# Replace each `...` by a tuple such as `(2, 3)` and run the cell.

# %%
shape_1 = ...
shape_2 = ...
shape_3 = ...

check("shape of x[10:20]", shape_1, expected=x[10:20].shape)
check("shape of np.tanh(x[:, 0] @ W.T)", shape_2, expected=np.tanh(x[:, 0] @ W.T).shape)
check("shape of a.mean(axis=1)", shape_3, expected=a.mean(axis=1).shape)

# %% [markdown]
# <details><summary>Hint</summary>
#
# Slicing keeps an axis (`10:20` leaves 10 entries), an integer index removes it, `@` replaces
# the last axis `I` by `H`, and a reduction removes the axis it runs over.
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# shape_1 = (10, 4, 3)  # (10, B, I)
# shape_2 = (50, 8)     # x[:, 0] is (T, I); (T, I) @ (I, H) -> (T, H); tanh keeps it
# shape_3 = (50, 8)     # a is (T, B, H); averaging over B leaves (T, H)
# ```
# </details>

# %% [markdown]
# **Think!** What goes wrong with `x[0] @ W` (no transpose), and what would silently go wrong
# if $I$ were equal to $H$?
#
# <details><summary>Answer</summary>
#
# `(B, I) @ (H, I)` has inner sizes `I` and `H`; with `I = 3` and `H = 8` NumPy refuses with a
# `ValueError`. If `I == H` the product runs but multiplies by $W^\top$ instead of $W$: every
# unit reads the wrong weights and no error tells you. That is why this course checks shapes
# and compares every model with an independent reference.
#
# </details>

# %% [markdown]
# ## 3. PyTorch in five minutes
#
# A PyTorch **tensor** is NumPy's array with two extra powers: it can live on a GPU, and it
# can remember how it was computed so that derivatives come for free (**autograd**). Tensors
# convert to and from NumPy, and most NumPy names exist in `torch`. PyTorch's default
# floating-point type is `float32`; NumPy's is `float64`.

# %%
import torch

torch.manual_seed(0)  # seeds PyTorch's generator, as default_rng(0) did for NumPy

xs = torch.from_numpy(x).float()  # the same (T, B, I) numbers, float64 -> float32
print("xs:", tuple(xs.shape), xs.dtype)
print("back to NumPy:", type(xs.numpy()).__name__)

Ws = torch.randn(H, I) / I**0.5  # (H, I)
print("xs @ Ws.T:", tuple((xs @ Ws.T).shape))  # (T, B, H), as in NumPy

# %% [markdown]
# **Autograd in three lines.** Mark a tensor with `requires_grad=True`, compute a scalar from
# it, call `.backward()`: the derivative lands in `.grad`. For $L(w) = (3w - 1)^2$,
#
# $$ \frac{dL}{dw} = 2\,(3w - 1)\cdot 3, \qquad \left.\frac{dL}{dw}\right|_{w=1} = 12. \tag{2} $$

# %%
w = torch.tensor(1.0, requires_grad=True)
L = (3 * w - 1) ** 2
L.backward()
print("autograd:", w.grad.item(), "| by hand, eq. (2):", 2 * (3 * 1.0 - 1) * 3)

# %% [markdown]
# The same works for whole matrices. Take $L = \sum_{t,k,j} \tanh(a_{t,k,j})$ with
# $a = x W^\top$ as in eq. (1) (no bias). The chain rule gives, entry by entry,
#
# $$ \frac{\partial L}{\partial W_{jl}} = \sum_{t,k} \bigl(1 - \tanh^2(a_{t,k,j})\bigr)\, x_{t,k,l}. \tag{3} $$
#
# In code, the sum over $t$ and $k$ is one matrix product. Autograd and eq. (3) must agree:

# %%
Ws = Ws.detach().clone().requires_grad_(True)  # a fresh leaf: autograd tracks it
a_all = xs @ Ws.T  # (T, B, H)
torch.tanh(a_all).sum().backward()

by_hand = (1 - torch.tanh(a_all.detach()) ** 2).reshape(T * B, H).T @ xs.reshape(T * B, I)
print("dL/dW:", tuple(Ws.grad.shape))
print("row 0, autograd:", np.round(Ws.grad[0].numpy(), 3))
print("row 0, eq. (3): ", np.round(by_hand[0].numpy(), 3))

# %% [markdown]
# **Think!** Run the cell above twice without re-running the one before it. What happens to
# `Ws.grad`, and why do training loops call `optimizer.zero_grad()`?
#
# <details><summary>Answer</summary>
#
# The first line makes a fresh leaf tensor, so here nothing accumulates. But had we kept the
# same `Ws`, a second `.backward()` would **add** the new gradient to the old one in
# `Ws.grad`: PyTorch accumulates gradients, which is useful when a loss is split into pieces.
# A training loop therefore clears them before every step, with `optimizer.zero_grad()`.
#
# </details>

# %% [markdown]
# ### Your turn 2: a derivative by hand, checked by autograd
#
# Take $L(w) = w^2 \sin w$. Work out $dL/dw$ with the product rule, evaluate it at $w = 2$
# (use `np.sin` and `np.cos`), and let autograd check you.

# %%
dL_dw_by_hand = ...  # your value of dL/dw at w = 2

w = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
(w**2 * torch.sin(w)).backward()
check("dL/dw at w = 2", dL_dw_by_hand, expected=w.grad.item(), hint="(uv)' = u'v + uv'.")

# %% [markdown]
# <details><summary>Hint</summary>
#
# With $u = w^2$ and $v = \sin w$: $u' = 2w$ and $v' = \cos w$.
# </details>
#
# <details><summary>Solution</summary>
#
# $dL/dw = 2w \sin w + w^2 \cos w$, so at $w = 2$:
#
# ```python
# dL_dw_by_hand = 2 * 2 * np.sin(2) + 2**2 * np.cos(2)  # about 1.973
# ```
# </details>

# %% [markdown]
# ## 4. CPU or GPU?
#
# `gatedrnn.device()` returns the fastest device PyTorch can use here: a CUDA GPU, then an
# Apple GPU (`mps`), then the CPU. Everything in the lectures runs on a CPU in well under two
# minutes; a GPU only matters for the long training runs that sit behind `FULL_RUN = False`.
# Move a tensor or a whole network with `.to(device)`; the inputs and the network must live
# on the same device. (Your output differs from the stored one: it describes your machine.)

# %% tags=["nbval-ignore-output"]
device = gatedrnn.device()
print("gatedrnn", gatedrnn.__version__, "| torch", torch.__version__)
print("device:", device, "| CUDA available:", torch.cuda.is_available())
print("CPU threads:", torch.get_num_threads())
print("xs now lives on:", xs.to(device).device)

# %% [markdown]
# On Colab, *Runtime → Change runtime type → T4 GPU* and re-running this cell should print
# `cuda`. On Binder you always get a CPU.

# %% [markdown]
# ## 5. A first look at a cell and the runner
#
# Every model of the course is a **cell**: one small module that computes one time step,
#
# $$ h_t,\ \text{state}_t = \text{cell}(x_t,\ \text{state}_{t-1}), \qquad x_t\ (B, I),\quad h_t\ (B, H). \tag{4} $$
#
# Cells never loop over time; one **runner**, `gatedrnn.Recurrent`, does that for every cell.
# Here is an LSTM cell with $I = 1$ input and $H = 8$ units. Its weights are fused: the input
# weights $W$ stack four blocks of $H$ rows, one per gate, in the order (i, f, z, o) that
# `torch.nn.LSTM` also uses. Lecture 03 takes the equations apart; today we only look at shapes.

# %%
torch.manual_seed(0)
cell = gatedrnn.LSTMCell(1, 8)
print(cell)
for name, p in cell.named_parameters():
    print(f"  {name:10s} {tuple(p.shape)}")

# %% [markdown]
# As input we use three sequences of $T = 60$ steps, two short pulses each, with amplitudes
# 0.5, 1 and 2: a batch of $B = 3$, so `x` is `(60, 3, 1)`. One call of the cell is one step;
# the LSTM's state is a pair `LSTMState(h, c)` of `(B, H)` tensors. With no state given, the
# cell starts from zeros.

# %%
from gatedrnn.explore import input_sequence

pulses = torch.from_numpy(input_sequence("pulses", T=60)).float()  # (T,)
amplitudes = torch.tensor([0.5, 1.0, 2.0])  # (B,)
x = pulses[:, None, None] * amplitudes[None, :, None]  # (T, B, I) = (60, 3, 1)
print("x:", tuple(x.shape))

h, state = cell(x[0])  # one step from the zero state
print("h_0:", tuple(h.shape), "| state:", type(state).__name__, [tuple(s.shape) for s in state])

# %% [markdown]
# Stepping by hand is a loop over `x.unbind(0)` (the `T` slices of shape `(B, I)`). The runner
# does the same loop (or a faster, tested-equal version of it) and returns all outputs
# `(T, B, H)` and the final state, stacked over layers like `torch.nn.LSTM`'s `(h_n, c_n)`.
# The `assert` at the end checks that both give the same outputs: it stays silent when they
# do and stops the notebook with an `AssertionError` when they do not.

# %%
with torch.no_grad():
    state, hs = None, []
    for x_step in x.unbind(0):  # T tensors of shape (B, I)
        h, state = cell(x_step, state)
        hs.append(h)
    by_hand = torch.stack(hs)  # (T, B, H)

    rnn = gatedrnn.Recurrent(cell)
    outputs, (h_n, c_n) = rnn(x)

print("outputs:", tuple(outputs.shape), "| h_n:", tuple(h_n.shape), "| c_n:", tuple(c_n.shape))
assert torch.allclose(outputs, by_hand, atol=1e-6)  # the runner gives the hand loop's outputs

# %% [markdown]
# Get a shape wrong and the library says what it expected, in the course's terms. Here we
# forget the batch axis:

# %%
try:
    rnn(x[:, 0])  # (T, I): no batch axis
except ValueError as error:
    print("ValueError:", error)

# %% [markdown]
# A tiny figure: the three inputs on top, and below, for the strongest input, what the eight
# (untrained, random) hidden units do. Each unit has its own resting value (set by its
# biases) and answers each pulse in its own way; after a pulse the units relax back over
# several steps rather than at once, because the cell state $c$ carries a fading trace of it.

# %%
import matplotlib.pyplot as plt

fig, (ax_x, ax_h) = plt.subplots(2, 1, figsize=(7, 4.5), sharex=True, layout="constrained")
steps = np.arange(60)
for k, amp in enumerate(amplitudes):
    ax_x.plot(steps, x[:, k, 0], lw=1.5, label=f"sequence {k}: amplitude {amp:g}")
ax_x.set(ylabel="input $x_t$", title="a batch of B = 3 input sequences, x: (T, B, I) = (60, 3, 1)")
ax_x.legend(frameon=False, fontsize="small", loc="upper right")
ax_h.plot(steps, outputs[:, 2, :], lw=1)
ax_h.set(
    xlabel="time step t",
    ylabel="$h_t$ (8 units)",
    title="outputs[:, 2, :]: the 8 hidden units for sequence 2",
)
plt.show()

# %% [markdown]
# **Think!** `outputs[:, 2, :]` picked sequence 2. Which expression gives the time course of
# hidden unit 5 for all three sequences, and what is its shape?
#
# <details><summary>Answer</summary>
#
# `outputs[:, :, 5]`, shape `(T, B) = (60, 3)`: all times, all sequences, unit 5.
#
# </details>

# %% [markdown]
# ## 6. Explorers
#
# Where a parameter is worth feeling, the lectures show an **explorer**: sliders above a
# figure that redraws when you release a slider. Here is a preview of lecture 03 and 06: one
# LSTM unit beside one subLSTM unit, driven by the same pulses. Drag the forget gate's bias
# `b_f` from 3 down to −3 and watch the memory $c$ stop holding the pulses. (Where widgets do
# not run, for instance on GitHub's preview, you see the figure at the starting values.)

# %% tags=["nbval-ignore-output"]
from gatedrnn.explore import gate_explorer

gate_explorer()

# %% [markdown]
# ## 7. Getting set up for research
#
# The course blog that lecture 01 draws on opened with a list of the tools its author was
# setting up for a deep-learning class in 2016. Most of the jobs on that list are still the
# jobs; several tools have changed.
#
# | job | the blog's tool (2016) | today |
# |---|---|---|
# | a Python with the scientific libraries | Anaconda | a virtual environment with `pip` (or `uv`), or `conda`/`mamba` from conda-forge (Miniforge); this course installs with `pip` (the table in section 1) or from `environment.yml` |
# | interactive code, notes and equations together | IPython, then merging into Jupyter | JupyterLab or Notebook 7, VS Code's notebooks, Colab; `jupytext` keeps each notebook as a plain `.py` script that reads well in version control (this course's lectures are such pairs) |
# | automatic differentiation on a GPU | Theano (from Université de Montréal; its development stopped in 2017) | PyTorch (this course), JAX |
# | statistics and plots | R and RStudio | still good; in Python, pandas, statsmodels, matplotlib and seaborn |
# | exploring a data set before writing code | Weka | pandas and scikit-learn in a notebook |
# | matrices and GPU convolutional networks | Matlab/Octave, matconvnet | NumPy and SciPy; PyTorch on a GPU (Colab lends one) |
# | diagrams | draw.io | draw.io (diagrams.net) still; or draw with code, so that a figure is rebuilt with the model it shows, as this course's diagrams are |
# | versions, tests, reproducibility | (not on the list) | git and GitHub; `pytest`; `nbval` to rerun notebooks and compare their outputs; seeded random generators, as in every cell above |
#
# **Think!** Why does this course seed every random generator (`default_rng(0)`,
# `torch.manual_seed(0)`) even where the numbers do not matter?
#
# <details><summary>Answer</summary>
#
# So that a notebook prints the same numbers and draws the same figures on every run and on
# every machine. Only then can a reader check a claim against the stored output, and a test
# (nbval) notice when a change to the library changes a result.
#
# </details>

# %% [markdown]
# ## Summary
#
# - Notebooks run in a kernel; trust a notebook only after *Restart and Run All*. Binder and
#   Colab forget your work when the session ends.
# - Shapes are time-major: inputs `(T, B, I)`, states `(B, H)`, outputs `(T, B, H)`; in code
#   $W x_t$ is `x[t] @ W.T`.
# - PyTorch tensors are NumPy arrays that can run on a GPU and differentiate themselves:
#   `requires_grad=True`, `.backward()`, `.grad`. We check autograd against derivatives by hand.
# - `gatedrnn.device()` picks the GPU when there is one.
# - A cell computes one step, `cell(x_t, state) → (h_t, state)`; `gatedrnn.Recurrent(cell)`
#   runs it over a whole sequence.
# - Today's research toolbox: a virtual environment, Jupyter, PyTorch or JAX, git, tests and
#   seeds.
#
# There is no graded exercise for this lecture. Next: **lecture 01**, the one-hidden-layer
# network, and its exercise `ex01_mlp`.
#
# ## References and further reading
#
# - Harris, C. R. et al. (2020). Array programming with NumPy. *Nature* 585, 357–362.
#   [doi:10.1038/s41586-020-2649-2](https://doi.org/10.1038/s41586-020-2649-2) — what NumPy's
#   arrays, broadcasting and reductions are, by its authors.
# - Paszke, A. et al. (2019). PyTorch: an imperative style, high-performance deep learning
#   library. *NeurIPS 32*. [arXiv:1912.01703](https://arxiv.org/abs/1912.01703) — how tensors
#   and autograd work.
# - Goodfellow, I., Bengio, Y. & Courville, A. (2016). *Deep Learning*. MIT Press.
#   [deeplearningbook.org](https://www.deeplearningbook.org) — chapter 2 (linear algebra) and
#   section 6.5 (back-propagation) behind sections 2–3; chapter 10 for recurrent networks.
# - Gerstner, W., Kistler, W. M., Naud, R. & Paninski, L. (2014). *Neuronal Dynamics*.
#   Cambridge University Press. [neuronaldynamics.epfl.ch](https://neuronaldynamics.epfl.ch) —
#   the neuroscience textbook for the rate models of lecture 02 onwards (chapter 15).
# - Nielsen, M. (2015). *Neural Networks and Deep Learning*.
#   [neuralnetworksanddeeplearning.com](http://neuralnetworksanddeeplearning.com) — the free
#   online book the course blog recommends, a gentle start for lecture 01.
# - Tutorials: [Jupyter](https://docs.jupyter.org), [NumPy for absolute beginners](https://numpy.org/doc/stable/user/absolute_beginners.html),
#   [PyTorch's "Learn the basics"](https://pytorch.org/tutorials/beginner/basics/intro.html).
