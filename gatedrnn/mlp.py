r"""The one-hidden-layer network of the first assignment, in its own notation (NumPy only).

Examples are the **columns** of ``x``:

=========================  ===========  =====================================
array                      shape        meaning
=========================  ===========  =====================================
:math:`x`                  n × p        p inputs of n features
:math:`W`                  m × n        input → hidden weights
:math:`b`                  m × 1        hidden biases
:math:`h' = Wx + b`        m × p        hidden pre-activations
:math:`h = f(h')`          m × p        hidden activations (f: tanh, sigmoid, relu)
:math:`V`                  q × m        hidden → output weights
:math:`c`                  q × 1        output biases
:math:`y' = Vh + c`        q × p        output pre-activations
:math:`y = softmax(y')`    q × p        class probabilities, each column sums to 1
=========================  ===========  =====================================

Loss: the mean cross-entropy :math:`L = -\frac{1}{p}\sum_j \log y_{k_j j}` for labels
:math:`k_j`. Backward, with :math:`Y` the one-hot labels (q × p):

.. math::
    dy' = (y - Y)/p, \quad dV = dy'\,h^\top, \quad dc = \textstyle\sum_j dy'_{:,j}, \quad
    dh = V^\top dy'  \\
    dh' = dh \odot f'(h'), \quad dW = dh'\,x^\top, \quad db = \textstyle\sum_j dh'_{:,j}

>>> params = init_params(n=64, m=32, q=10)
>>> y, cache = forward(params, x)                  # x (64, p) -> y (10, p)
>>> grads = backward(params, cache, labels)        # grads.W (32, 64), grads.c (10, 1), ...
>>> params = sgd_step(params, grads, lr=0.5)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from .twins.nonlinearities import activation

Array = np.ndarray


class Params(NamedTuple):
    """The network's parameters (and, with the same names, their gradients)."""

    W: Array  # (m, n)
    b: Array  # (m, 1)
    V: Array  # (q, m)
    c: Array  # (q, 1)


class Cache(NamedTuple):
    """What the forward pass keeps for the backward pass."""

    x: Array  # (n, p)
    h_pre: Array  # h' (m, p)
    h: Array  # (m, p)
    y_pre: Array  # y' (q, p)
    y: Array  # (q, p)


class ShapeRow(NamedTuple):
    name: str  # e.g. "h' = Wx + b"
    symbolic: str  # e.g. "m × p"
    numeric: tuple[int, int]  # e.g. (32, 100)


def init_params(n: int, m: int, q: int, *, seed: int = 0) -> Params:
    """Random weights ``W ~ N(0, 1/n)``, ``V ~ N(0, 1/m)``, zero biases."""
    for name, value in (("n", n), ("m", m), ("q", q)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer; got {value!r}")
    rng = np.random.default_rng(seed)
    return Params(
        W=rng.normal(0.0, 1.0 / np.sqrt(n), (m, n)),
        b=np.zeros((m, 1)),
        V=rng.normal(0.0, 1.0 / np.sqrt(m), (q, m)),
        c=np.zeros((q, 1)),
    )


def softmax(y_pre: Array) -> Array:
    """Column-wise softmax of ``y'`` (q × p); subtracting each column's max avoids overflow."""
    e = np.exp(y_pre - y_pre.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def one_hot(labels: Array, q: int) -> Array:
    """Labels (p,) in ``0 … q−1`` as a q × p matrix with one 1 per column."""
    labels = _check_labels(labels, q)
    Y = np.zeros((q, labels.size))
    Y[labels, np.arange(labels.size)] = 1.0
    return Y


def forward(params: Params, x: Array, *, f: str = "tanh") -> tuple[Array, Cache]:
    """``y = softmax(V f(Wx + b) + c)``: x (n × p) -> y (q × p), and the cache."""
    W, b, V, c = params
    x = _check_x(x, W.shape[1])
    phi = activation(f, name="f")
    h_pre = W @ x + b  # (m, p)
    h = phi(h_pre)  # (m, p)
    y_pre = V @ h + c  # (q, p)
    y = softmax(y_pre)  # (q, p)
    return y, Cache(x, h_pre, h, y_pre, y)


def cross_entropy(y: Array, labels: Array) -> float:
    """Mean cross-entropy ``−(1/p) Σ_j log y[k_j, j]`` of probabilities y (q × p), labels (p,)."""
    labels = _check_labels(labels, y.shape[0], p=y.shape[1])
    p = labels.size
    return float(-np.mean(np.log(y[labels, np.arange(p)] + 1e-300)))


def backward(params: Params, cache: Cache, labels: Array, *, f: str = "tanh") -> Params:
    """Gradients of the mean cross-entropy, by hand: a ``Params`` of dW, db, dV, dc."""
    W, b, V, c = params
    x, h_pre, h, y_pre, y = cache
    q, p = y.shape
    Y = one_hot(_check_labels(labels, q, p=p), q)
    phi = activation(f, name="f")
    dy_pre = (y - Y) / p  # (q, p): softmax and cross-entropy together
    dV = dy_pre @ h.T  # (q, m)
    dc = dy_pre.sum(axis=1, keepdims=True)  # (q, 1)
    dh = V.T @ dy_pre  # (m, p)
    dh_pre = dh * phi.df(h_pre)  # (m, p)
    dW = dh_pre @ x.T  # (m, n)
    db = dh_pre.sum(axis=1, keepdims=True)  # (m, 1)
    return Params(dW, db, dV, dc)


def loss_and_grads(
    params: Params, x: Array, labels: Array, *, f: str = "tanh"
) -> tuple[float, Params]:
    """Forward, cross-entropy and backward in one call."""
    y, cache = forward(params, x, f=f)
    return cross_entropy(y, labels), backward(params, cache, labels, f=f)


def sgd_step(params: Params, grads: Params, lr: float) -> Params:
    """One step of gradient descent: every parameter minus ``lr`` times its gradient."""
    return Params(*(value - lr * grad for value, grad in zip(params, grads, strict=True)))


def predict(params: Params, x: Array, *, f: str = "tanh") -> Array:
    """The most probable class of each column of x: (p,) integers."""
    y, _ = forward(params, x, f=f)
    return y.argmax(axis=0)


def accuracy(params: Params, x: Array, labels: Array, *, f: str = "tanh") -> float:
    """Fraction of columns of x classified correctly."""
    return float(np.mean(predict(params, x, f=f) == np.asarray(labels)))


@dataclass
class TrainResult:
    """``params`` after training and, per epoch, the mean training loss and the accuracies."""

    params: Params
    losses: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)


def train(
    x: Array,
    labels: Array,
    *,
    m: int = 64,
    q: int | None = None,
    epochs: int = 10,
    lr: float = 0.5,
    batch_size: int = 32,
    f: str = "tanh",
    seed: int = 0,
    x_test: Array | None = None,
    labels_test: Array | None = None,
) -> TrainResult:
    """Mini-batch SGD on the columns of x (n × p) with integer labels (p,).

    ``m`` hidden units, ``q`` classes (default: ``labels.max() + 1``). Reshuffles every epoch
    with a seeded generator, so results are reproducible.

    >>> result = train(x_train, y_train, m=32, epochs=20, x_test=x_test, labels_test=y_test)
    >>> result.test_accuracy[-1]
    """
    labels = np.asarray(labels)
    q = int(labels.max()) + 1 if q is None else q
    x = _check_x(x, None)
    labels = _check_labels(labels, q, p=x.shape[1])
    rng = np.random.default_rng(seed)
    params = init_params(x.shape[0], m, q, seed=seed)
    result = TrainResult(params)
    p = x.shape[1]
    for _ in range(epochs):
        order = rng.permutation(p)
        batch_losses = []
        for start in range(0, p, batch_size):
            columns = order[start : start + batch_size]
            loss, grads = loss_and_grads(params, x[:, columns], labels[columns], f=f)
            params = sgd_step(params, grads, lr)
            batch_losses.append(loss)
        result.params = params
        result.losses.append(float(np.mean(batch_losses)))
        result.train_accuracy.append(accuracy(params, x, labels, f=f))
        if x_test is not None and labels_test is not None:
            result.test_accuracy.append(accuracy(params, x_test, labels_test, f=f))
    return result


def shape_table(n: int, m: int, q: int, p: int = 1) -> list[ShapeRow]:
    """Every array of the network with its shape in symbols and in numbers."""
    rows = [
        ("x", ("n", "p")),
        ("W", ("m", "n")),
        ("b", ("m", "1")),
        ("h' = Wx + b", ("m", "p")),
        ("h = f(h')", ("m", "p")),
        ("V", ("q", "m")),
        ("c", ("q", "1")),
        ("y' = Vh + c", ("q", "p")),
        ("y = softmax(y')", ("q", "p")),
    ]
    sizes = {"n": n, "m": m, "q": q, "p": p, "1": 1}
    return [ShapeRow(name, f"{a} × {b}", (sizes[a], sizes[b])) for name, (a, b) in rows]


def print_shape_table(n: int, m: int, q: int, p: int = 1) -> None:
    """Print :func:`shape_table`; every gradient ∂L/∂A has the shape of A."""
    rows = shape_table(n, m, q, p)
    numeric = [f"{r.numeric[0]} × {r.numeric[1]}" for r in rows]
    w0 = max(len("array"), *(len(r.name) for r in rows))
    w1 = max(len("shape"), *(len(r.symbolic) for r in rows))
    w2 = max(len(s) for s in numeric)
    print(f"{'array':<{w0}}  {'shape':<{w1}}  n={n}, m={m}, q={q}, p={p}")
    print("-" * (w0 + w1 + max(w2, len(f"n={n}, m={m}, q={q}, p={p}")) + 4))
    for row, shape in zip(rows, numeric, strict=True):
        print(f"{row.name:<{w0}}  {row.symbolic:<{w1}}  {shape}")


def _check_x(x, n: int | None) -> Array:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or (n is not None and x.shape[0] != n):
        expected = "(n, p)" if n is None else f"(n, p) = ({n}, p)"
        hint = ""
        if x.ndim == 2 and n is not None and x.shape[1] == n:
            hint = "; examples are columns here, so pass x.T"
        elif x.ndim == 1:
            hint = "; for one example use x.reshape(-1, 1)"
        shape = "(" + ", ".join(str(s) for s in x.shape) + ")"
        raise ValueError(f"x must be {expected}, one example per column; got {shape}{hint}")
    return x


def _check_labels(labels, q: int, p: int | None = None) -> Array:
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"labels must be a 1-D array of integer classes 0 … {q - 1}; got dtype "
            f"{labels.dtype} and shape {labels.shape}"
        )
    if p is not None and labels.size != p:
        raise ValueError(f"labels must have one entry per column of x (p = {p}); got {labels.size}")
    if labels.size and (labels.min() < 0 or labels.max() >= q):
        raise ValueError(
            f"labels must lie in 0 … q − 1 = {q - 1}; got {labels.min()} … {labels.max()}"
        )
    return labels
