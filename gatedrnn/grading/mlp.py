"""Checks of exercise 1 (``ex01_mlp``): the one-hidden-layer network in the assignment's notation.

Examples are the columns of ``x`` (n × p); ``W`` (m × n), ``b`` (m × 1), ``h' = Wx + b``,
``h = tanh(h')``, ``V`` (q × m), ``c`` (q × 1), ``y = softmax(Vh + c)`` (q × p). References:
PyTorch's softmax, the library's own network (:mod:`gatedrnn.mlp`, forward and backward),
:func:`gatedrnn.derive.gradcheck` (finite differences), and the 8×8 digits of
:func:`gatedrnn.tasks.load_digits` (offline) for training.
"""

from __future__ import annotations

import functools

import numpy as np
import torch

from .. import mlp
from ..derive import gradcheck
from ..tasks import load_digits
from ._core import Sheet, StudentError, check, reference
from ._probes import mistakes
from ._sheet import _as_array

N, M, Q, P = 6, 5, 4, 7  # features, hidden units, classes, examples: all different


def _point(seed: int):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N, P))
    W, b = rng.normal(size=(M, N)) * 0.6, rng.normal(size=(M, 1)) * 0.5
    V, c = rng.normal(size=(Q, M)) * 0.8, rng.normal(size=(Q, 1)) * 0.5
    labels = rng.integers(0, Q, size=P)
    return x, W, b, V, c, labels


def _reference(x, W, b, V, c):
    """h', h and y of the library's network (gatedrnn.mlp)."""
    y, cache = mlp.forward(mlp.Params(W, b, V, c), x)
    return cache.h_pre, cache.h, y


def _fit(value, shape) -> np.ndarray:
    """``value`` as an array of ``shape`` when it holds that many numbers in a squeezed shape
    ((m,) for (m, 1)): a wrong shape costs the shape point only."""
    array = _as_array(value)
    if array is None:
        raise StudentError(f"expected arrays; got {type(value).__name__}.")
    if array.shape != tuple(shape) and array.size == int(np.prod(shape)):
        if tuple(d for d in array.shape if d != 1) == tuple(d for d in shape if d != 1):
            array = array.reshape(shape)
    if array.shape != tuple(shape):
        raise StudentError("the values cannot be compared until the shapes are right.")
    return array


@check("1.1", "a column-wise softmax", points=4, exercise="ex01_mlp")
def check_softmax(sheet: Sheet, softmax) -> None:
    """``softmax(y_pre) -> y``, both (q × p); each column of y sums to 1."""
    y_pre = np.random.default_rng(11).normal(size=(Q, P)) * 3.0
    y = sheet.call(softmax, y_pre.copy())
    reference = torch.softmax(torch.tensor(y_pre), dim=0).numpy()
    sheet.shape("y", y, (Q, P), 1, "(q, p)")
    rows = torch.softmax(torch.tensor(y_pre), dim=1).numpy()
    flat = torch.softmax(torch.tensor(y_pre).flatten(), dim=0).reshape(Q, P).numpy()
    sheet.close(
        "y",
        y,
        reference,
        "equals torch.softmax over each column at a sample point",
        2,
        hint="Hint: y_k = exp(y'_k) / Σ_j exp(y'_j), summing over the q classes of one example "
        "(one column).",
        mistakes={
            "each row was normalised; each column is one example and must sum to 1.": rows,
            "the whole matrix was normalised at once; normalise each column on its own.": flat,
        },
    )
    large = y_pre + 1000.0
    with np.errstate(all="ignore"):
        y_large = sheet.call(softmax, large.copy())
    sheet.close(
        "y for pre-activations near 1000",
        y_large,
        reference,
        "stays finite and correct for large pre-activations",
        1,
        hint="Hint: exp(1000) overflows to inf. Softmax does not change when you subtract the "
        "same number from a whole column, so subtract each column's maximum first.",
    )


@check("1.2", "the forward pass", points=4, exercise="ex01_mlp")
def check_forward(sheet: Sheet, forward) -> None:
    """``forward(x, W, b, V, c) -> (h_pre, h, y)``: h' (m × p), h (m × p), y (q × p)."""
    x, W, b, V, c, _ = _point(seed=12)
    out = sheet.call(forward, x.copy(), W.copy(), b.copy(), V.copy(), c.copy())
    h_pre, h, y = sheet.unpack(out, ("h_pre", "h", "y"), "forward")
    ref_pre, ref_h, ref_y = _reference(x, W, b, V, c)
    shapes = [getattr(v, "shape", None) for v in (h_pre, h, y)]
    sheet.expect(
        shapes == [(M, P), (M, P), (Q, P)],
        "returns h' and h of shape (m, p) and y of shape (q, p)",
        1,
        f"with n, m, q, p = {N}, {M}, {Q}, {P} expected (m, p) = {(M, P)} twice and (q, p) = "
        f"{(Q, P)}; got {shapes}. Hint: W is (m × n) and acts on x (n × p) from the left.",
    )
    sheet.close(
        "h'",
        h_pre,
        ref_pre,
        "h' = Wx + b at a sample point",
        1,
        hint="Hint: b (m × 1) broadcasts over the p columns.",
        mistakes={"the bias b is missing.": W @ x},
    )
    sheet.close(
        "h",
        h,
        ref_h,
        "h = f(h') with f = tanh",
        1,
        hint="Hint: apply tanh elementwise to h'.",
        mistakes={"f is the sigmoid; this network uses tanh.": 1 / (1 + np.exp(-ref_pre))},
    )
    sheet.close(
        "y",
        y,
        ref_y,
        "y = softmax(Vh + c), column by column",
        1,
        hint="Hint: y' = Vh + c (q × p), then your softmax of question 1.1.",
        mistakes=lambda: {"the bias c is missing.": mlp.softmax(V @ ref_h)},
    )


@check("1.3", "the backward pass by hand", points=5, exercise="ex01_mlp")
def check_backward(sheet: Sheet, backward) -> None:
    """``backward(x, labels, W, b, V, c) -> (dW, db, dV, dc)`` of the mean cross-entropy."""
    x, W, b, V, c, labels = _point(seed=13)
    out = sheet.call(backward, x.copy(), labels.copy(), W.copy(), b.copy(), V.copy(), c.copy())
    grads = sheet.unpack(out, ("dW", "db", "dV", "dc"), "backward")
    params = mlp.Params(W, b, V, c)
    ref = mlp.backward(params, mlp.forward(params, x)[1], labels)  # the library's, by hand
    shapes = [getattr(g, "shape", None) for g in grads]
    wanted = [p.shape for p in (W, b, V, c)]
    sheet.expect(
        shapes == wanted,
        "each gradient has the shape of its parameter",
        1,
        f"dW, db, dV, dc must have the shapes of W, b, V, c: {wanted}; got {shapes}. "
        "Hint: the gradient of a sum over columns (examples) sums over p, e.g. with "
        "axis=1, keepdims=True.",
    )
    dW, db, dV, dc = (_fit(g, shape) for g, shape in zip(grads, wanted, strict=True))
    ref_out = np.concatenate([ref[2], ref[3]], axis=1)  # [dV, dc]
    sheet.close(
        "(dV, dc)",
        np.concatenate([dV, dc], axis=1),
        ref_out,
        "dV and dc equal autograd's",
        1,
        hint="Hint: for softmax with cross-entropy dy' = (y − Y)/p, with Y the one-hot labels; "
        "then dV = dy' hᵀ and dc sums dy' over the examples.",
        factor=("p", P),
    )
    sheet.close(
        "(dW, db)",
        np.concatenate([dW, db], axis=1),
        np.concatenate([ref[0], ref[1]], axis=1),
        "dW and db equal autograd's",
        2,
        hint="Hint: dh = Vᵀ dy', dh' = dh ⊙ f'(h') with f'(h') = 1 − tanh(h')² = 1 − h², "
        "then dW = dh' xᵀ and db sums dh' over the examples.",
        factor=("p", P),
        mistakes=mistakes("backward_dw_db", x, labels, W, b, V, c),
    )
    if not sheet.marks:
        return
    report = gradcheck(
        lambda W, b, V, c: _loss(x, labels, W, b, V, c),
        W,
        b,
        V,
        c,
        grads=[dW, db, dV, dc],
        names=["W", "b", "V", "c"],
        verbose=False,
    )
    sheet.expect(
        report.passed,
        "all four agree with central finite differences of the loss",
        1,
        f"finite differences disagree for {', '.join(report.failed)}. Hint: the loss is the "
        "mean over the p examples of −log y[label]; each gradient has that loss's scale.",
    )


def _loss(x, labels, W, b, V, c) -> float:
    """Mean cross-entropy of the library's network."""
    y, _ = mlp.forward(mlp.Params(W, b, V, c), x)
    return mlp.cross_entropy(y, labels)


@functools.lru_cache(maxsize=1)
def digits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`gatedrnn.tasks.load_digits` as columns: x_train (64, 1437), labels, x_test, labels."""
    images = load_digits()
    return (
        images.x_train.reshape(len(images.x_train), -1).T.astype(np.float64),
        images.y_train,
        images.x_test.reshape(len(images.x_test), -1).T.astype(np.float64),
        images.y_test,
    )


@check(
    "1.4", "training by stochastic gradient descent", points=4, exercise="ex01_mlp", prepare=digits
)
def check_training(sheet: Sheet, train) -> None:
    """``train(x, labels, m, epochs, lr, batch_size, seed) -> (W, b, V, c)`` on the digits."""
    x_train, y_train, x_test, y_test = digits()
    m = 32
    with np.errstate(all="ignore"):
        out = sheet.call(train, x_train, y_train, m=m, epochs=10, lr=0.5, batch_size=32, seed=0)
    params = sheet.unpack(out, ("W", "b", "V", "c"), "train")
    shapes = [getattr(p, "shape", None) for p in params]
    wanted = [(m, 64), (m, 1), (10, m), (10, 1)]
    sheet.expect(
        shapes == wanted,
        "returns the trained (W, b, V, c)",
        1,
        f"for 64 features, m = {m} and 10 classes expected shapes {wanted}; got {shapes}.",
    )
    if not sheet.marks:
        return
    trained = mlp.Params(*(_fit(p, shape) for p, shape in zip(params, wanted, strict=True)))
    with np.errstate(all="ignore"):
        train_acc = mlp.accuracy(trained, x_train, y_train)
        test_acc = mlp.accuracy(trained, x_test, y_test)
    hint = (
        "Hint: in every epoch go through the examples in mini-batches of batch_size columns; "
        "for each, compute the gradients and move every parameter by -lr times its gradient."
    )
    sheet.expect(
        train_acc >= 0.9,
        "reaches 90 % accuracy on its training digits",
        1,
        f"training accuracy {train_acc:.0%}. {hint}",
    )
    sheet.expect(
        test_acc >= 0.9,
        "reaches 90 % accuracy on held-out digits",
        2,
        f"held-out accuracy {test_acc:.0%} (training {train_acc:.0%}). {hint}",
    )


@reference("softmax", "1.1")
def _course_softmax(y_pre):
    return mlp.softmax(np.asarray(y_pre, dtype=np.float64))


@reference("forward", "1.2")
def _course_forward(x, W, b, V, c):
    return _reference(x, W, b, V, c)


@reference("backward", "1.3")
def _course_backward(x, labels, W, b, V, c):
    return tuple(mlp.loss_and_grads(mlp.Params(W, b, V, c), x, labels)[1])
