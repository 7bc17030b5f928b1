# %% [markdown]
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gatedrnn/gatedrnn/blob/v0.1.0/exercises/ex01_mlp.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gatedrnn/gatedrnn/v0.1.0?urlpath=lab/tree/exercises/ex01_mlp.ipynb)
#
# # Exercise 1 · The one-hidden-layer network by hand
#
# You write the network of the first assignment in NumPy: its softmax, its forward pass, its
# gradients by hand, and stochastic gradient descent, then train it on handwritten digits.
# About 60 minutes; lecture `01_one_hidden_layer` comes first.
#
# Each question ends with a **check cell**. It prints a score table when your code earns every
# point, and fails with the table otherwise: which property is wrong (a shape, a value at a
# sample point, a gradient, a training result) and a hint. Replace each `...` and
# `raise NotImplementedError` by your code, run the cell, then run its check.
# `exercises/README.md` lists the other ways to grade your work.
#
# | question | you implement | points |
# |---|---|---|
# | 1.1 | `softmax` over each column | 4 |
# | 1.2 | `forward`: h', h and y | 4 |
# | 1.3 | `backward`: the four gradients by hand | 5 |
# | 1.4 | `train`: mini-batch stochastic gradient descent | 4 |

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

from gatedrnn import grading, mlp, tasks

# %% [markdown]
# ## The network
#
# Examples are the **columns** of $x$. With $n$ input features, $m$ hidden units, $q$ classes
# and $p$ examples:
#
# $$ h' = W x + b, \qquad h = f(h') = \tanh(h'), \qquad y' = V h + c, \qquad
#    y = \operatorname{softmax}(y'). $$
#
# Every array and its shape, here for the 8×8 digits ($n = 64$ pixels, $q = 10$ classes):

# %%
mlp.print_shape_table(n=64, m=32, q=10, p=5)

# %% [markdown]
# ## 1.1 Softmax
#
# The softmax turns each column of $y'$ into probabilities:
# $y_{kj} = e^{y'_{kj}} / \sum_{l=1}^{q} e^{y'_{lj}}$. Adding the same number to a whole column
# does not change it, and that matters: `np.exp(1000.0)` is `inf`.

# %%
def softmax(y_pre):
    """Softmax of each column: y_pre (q, p) -> y (q, p), every column summing to 1."""
    # Hint: `y_pre.max(axis=0, keepdims=True)` is the maximum of each column, shape (1, p).
    ...
    raise NotImplementedError(
        "Exercise 1.1: exponentiate and normalise each column, without overflow"
    )


# %%
grading.check_softmax(softmax)

# %% [markdown]
# ## 1.2 Forward pass
#
# Return the hidden pre-activations $h'$, the hidden activations $h$ and the class
# probabilities $y$. The biases $b$ $(m \times 1)$ and $c$ $(q \times 1)$ broadcast over the $p$
# columns.

# %%
def forward(x, W, b, V, c):
    """The forward pass: x (n, p), W (m, n), b (m, 1), V (q, m), c (q, 1).

    Returns (h_pre, h, y): h' (m, p), h = tanh(h') (m, p), y = softmax(V h + c) (q, p).
    """
    ...
    raise NotImplementedError("Exercise 1.2: compute h', h and y")


# %%
grading.check_forward(forward)

# %% [markdown]
# ## 1.3 Backward pass
#
# The loss is the mean cross-entropy over the $p$ examples,
# $L = -\frac{1}{p} \sum_j \log y_{k_j j}$ for labels $k_j$. With $Y$ the one-hot labels
# ($q \times p$), softmax and cross-entropy together give a short first step, and the chain rule
# does the rest:
#
# $$
# \begin{aligned}
# dy' &= (y - Y)/p, & dV &= dy'\, h^\top, & dc &= \textstyle\sum_j dy'_{:,j}, \\
# dh &= V^\top dy', & dh' &= dh \odot f'(h'), & dW &= dh'\, x^\top, \quad
#    db = \textstyle\sum_j dh'_{:,j},
# \end{aligned}
# $$
#
# where $d\square$ is $\partial L / \partial \square$ and has the shape of $\square$, and for
# $f = \tanh$, $f'(h') = 1 - \tanh^2(h') = 1 - h^2$. The check compares your gradients with
# autograd and with central finite differences (`gatedrnn.derive.gradcheck`).

# %%
def backward(x, labels, W, b, V, c):
    """Gradients of the mean cross-entropy for integer labels (p,) in 0 … q-1.

    Returns (dW, db, dV, dc), each with the shape of its parameter.
    """
    # Hint: `np.eye(q)[:, labels]` is the one-hot matrix Y, shape (q, p).
    ...
    raise NotImplementedError(
        "Exercise 1.3: run forward, then backpropagate to dV, dc and on to dW, db"
    )


# %%
grading.check_backward(backward)

# %% [markdown]
# ## 1.4 Training
#
# Stochastic gradient descent: in each epoch, shuffle the examples, cut them into mini-batches
# of `batch_size` columns, and after each mini-batch move every parameter against its gradient,
# $W \leftarrow W - \eta\, dW$ (and the same for $b, V, c$) with learning rate $\eta$ = `lr`.
# Start from `mlp.init_params(n, m, q, seed=seed)` and draw the shuffles from
# `np.random.default_rng(seed)`, so that a run can be repeated. The check trains your network on
# the 8×8 digits and measures its accuracy on digits it has not seen.

# %%
def train(x, labels, m, epochs, lr, batch_size, seed):
    """Mini-batch SGD on the columns of x (n, p) with integer labels (p,).

    m hidden units, q = labels.max() + 1 classes. Returns the trained (W, b, V, c).
    """
    # Hint: `rng.permutation(p)` is a shuffled order of the example indices 0 … p-1.
    ...
    raise NotImplementedError(
        "Exercise 1.4: for each epoch and shuffled mini-batch, step each parameter by -lr × grad"
    )


# %%
grading.check_training(train)

# %% [markdown]
# ## Try it
#
# Train on the digits and look at the held-out digits the network gets wrong.

# %% tags=["not-graded"]
digits = tasks.load_digits()
x_train = digits.x_train.reshape(len(digits.x_train), 64).T  # (64, 1437)
x_test = digits.x_test.reshape(len(digits.x_test), 64).T  # (64, 360)
W, b, V, c = train(x_train, digits.y_train, m=32, epochs=10, lr=0.5, batch_size=32, seed=0)
_, _, y_test = forward(x_test, W, b, V, c)
predicted = y_test.argmax(axis=0)
print("held-out accuracy above 90 %:", np.mean(predicted == digits.y_test) > 0.9)

# %% tags=["not-graded"]
wrong = np.flatnonzero(predicted != digits.y_test)[:8]
fig, axes = plt.subplots(1, len(wrong), figsize=(1.4 * len(wrong), 1.8))
for ax, k in zip(np.atleast_1d(axes), wrong, strict=True):
    ax.imshow(digits.x_test[k], cmap="gray_r")
    ax.set_title(f"{digits.y_test[k]} → {predicted[k]}", fontsize=10)
    ax.axis("off")
fig.suptitle("held-out digits: label → prediction")
plt.show()
