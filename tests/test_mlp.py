"""The one-hidden-layer network: hand-written gradients equal autograd and finite differences,
the shape table matches the arrays, and SGD learns the digits."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gatedrnn import mlp
from gatedrnn.derive import gradcheck

SIZES = {"n4-m3-q2-p1": (4, 3, 2, 1), "n5-m1-q3-p6": (5, 1, 3, 6), "n6-m7-q4-p9": (6, 7, 4, 9)}


def problem(n, m, q, p, seed=0):
    rng = np.random.default_rng(seed)
    params = mlp.init_params(n, m, q, seed=seed)
    params = params._replace(b=rng.normal(size=(m, 1)), c=rng.normal(size=(q, 1)))
    return params, rng.normal(size=(n, p)), rng.integers(0, q, size=p)


def torch_loss(params, x, labels, f):
    W, b, V, c = params
    act = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu}[f]
    h = act(W @ torch.tensor(x) + b)
    y_pre = V @ h + c
    return torch.nn.functional.cross_entropy(y_pre.T, torch.tensor(labels))


@pytest.mark.parametrize("f", ["tanh", "sigmoid", "relu"])
@pytest.mark.parametrize("sizes", SIZES.values(), ids=SIZES.keys())
def test_backward_equals_autograd(sizes, f):
    params, x, labels = problem(*sizes)
    loss, grads = mlp.loss_and_grads(params, x, labels, f=f)
    leaves = [torch.tensor(a, requires_grad=True) for a in params]
    expected_loss = torch_loss(leaves, x, labels, f)
    expected = torch.autograd.grad(expected_loss, leaves)
    assert loss == pytest.approx(expected_loss.item(), rel=1e-12)
    for name, g, e in zip(mlp.Params._fields, grads, expected, strict=True):
        assert g.shape == e.shape, name
        error, scale = np.abs(g - e.numpy()).max(), np.abs(e.numpy()).max()
        assert error <= 1e-8 * scale or error < 1e-15, f"{name}: {error:.1e} of {scale:.1e}"


@pytest.mark.parametrize("f", ["tanh", "sigmoid"])
def test_backward_equals_finite_differences(f):
    params, x, labels = problem(6, 5, 3, 8, seed=2)

    def loss(W, b, V, c):
        return mlp.loss_and_grads(mlp.Params(W, b, V, c), x, labels, f=f)

    report = gradcheck(loss, *params, verbose=False)
    assert report.passed, report.table()
    assert [a.name for a in report.arguments] == ["W", "b", "V", "c"]


def test_shape_table_matches_every_array_of_the_forward_pass():
    n, m, q, p = 64, 32, 10, 100
    params, x, labels = problem(n, m, q, p)
    y, cache = mlp.forward(params, x)
    actual = {
        "x": cache.x,
        "W": params.W,
        "b": params.b,
        "h' = Wx + b": cache.h_pre,
        "h = f(h')": cache.h,
        "V": params.V,
        "c": params.c,
        "y' = Vh + c": cache.y_pre,
        "y = softmax(y')": y,
    }
    rows = mlp.shape_table(n, m, q, p)
    assert [r.name for r in rows] == list(actual)
    for row in rows:
        assert actual[row.name].shape == row.numeric, row.name
    assert rows[1].symbolic == "m × n" and rows[2].symbolic == "m × 1"
    grads = mlp.backward(params, cache, labels)
    for name, g, value in zip(mlp.Params._fields, grads, params, strict=True):
        assert g.shape == value.shape, name


def test_print_shape_table(capsys):
    mlp.print_shape_table(n=784, m=100, q=10, p=32)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["array", "shape", "n=784,", "m=100,", "q=10,", "p=32"]
    assert lines[3].split() == ["W", "m", "×", "n", "100", "×", "784"]
    assert lines[-1].split() == ["y", "=", "softmax(y')", "q", "×", "p", "10", "×", "32"]


def test_softmax_columns_are_probabilities_even_for_huge_inputs():
    y = mlp.softmax(np.array([[1000.0, -5.0], [1001.0, 5.0], [0.0, 0.0]]))
    np.testing.assert_allclose(y.sum(axis=0), 1.0)
    assert np.all(y >= 0) and y[1, 0] == pytest.approx(1 / (1 + np.exp(-1)))


def test_sgd_step_goes_downhill():
    params, x, labels = problem(6, 5, 3, 20)
    loss, grads = mlp.loss_and_grads(params, x, labels)
    after = mlp.sgd_step(params, grads, lr=1e-3)
    np.testing.assert_allclose(after.W, params.W - 1e-3 * grads.W)
    new_loss, _ = mlp.loss_and_grads(after, x, labels)
    assert new_loss < loss
    squared_norm = sum(np.sum(g**2) for g in grads)
    assert loss - new_loss == pytest.approx(1e-3 * squared_norm, rel=1e-2)  # first order


def test_training_on_digits_reaches_high_accuracy():
    from sklearn.datasets import load_digits

    digits = load_digits()
    x, labels = digits.data.T / 16.0, digits.target  # x: (64, 1797), one digit per column
    result = mlp.train(
        x[:, :1400],
        labels[:1400],
        m=32,
        epochs=12,
        lr=0.5,
        x_test=x[:, 1400:],
        labels_test=labels[1400:],
    )
    assert len(result.losses) == 12 and result.losses[-1] < result.losses[0] / 4
    assert result.test_accuracy[-1] > 0.9
    again = mlp.train(x[:, :200], labels[:200], epochs=2, seed=3)
    np.testing.assert_array_equal(  # seeded: the same run gives the same weights
        again.params.W, mlp.train(x[:, :200], labels[:200], epochs=2, seed=3).params.W
    )


def test_errors_say_what_was_expected():
    params = mlp.init_params(4, 3, 2)
    with pytest.raises(ValueError, match=r"x must be \(n, p\) = \(4, p\).*pass x.T"):
        mlp.forward(params, np.zeros((10, 4)))
    with pytest.raises(ValueError, match="x.reshape"):
        mlp.forward(params, np.zeros(4))
    with pytest.raises(ValueError, match=r"labels must lie in 0 … q − 1 = 1"):
        mlp.cross_entropy(np.full((2, 3), 0.5), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="one entry per column of x"):
        mlp.cross_entropy(np.full((2, 3), 0.5), np.array([0, 1]))
    with pytest.raises(ValueError, match="integer classes"):
        mlp.one_hot(np.array([0.0, 1.0]), 2)
    with pytest.raises(ValueError, match="f must be one of"):
        mlp.forward(params, np.zeros((4, 1)), f="softsign")
    with pytest.raises(ValueError, match="m must be a positive integer"):
        mlp.init_params(4, 0, 2)
