"""gradcheck: passes right gradients, catches wrong ones, and says which argument is wrong."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gatedrnn.derive import GradcheckReport, gradcheck


def loss(W, x):
    return np.sum(np.tanh(W @ x) ** 2)


def loss_grads(W, x):
    a = np.tanh(W @ x)
    da = 2 * a * (1 - a**2)
    return [da @ x.T, W.T @ da]


@pytest.fixture
def arrays():
    rng = np.random.default_rng(0)
    return rng.normal(size=(3, 4)), rng.normal(size=(4, 2))


def test_a_right_gradient_passes_and_the_report_is_printed(arrays, capsys):
    W, x = arrays
    report = gradcheck(loss, W, x, grads=loss_grads(W, x))
    assert isinstance(report, GradcheckReport) and report.passed and report.failed == []
    assert [a.name for a in report.arguments] == ["W", "x"]  # names from f's signature
    assert [a.checked for a in report.arguments] == [12, 8]
    assert report.max_rel_error < 1e-7
    printed = capsys.readouterr().out
    assert "argument" in printed and "(3, 4)" in printed and "gradcheck passed" in printed
    assert printed.strip() == report.table()
    assert repr(report).startswith("GradcheckReport(passed=True, arguments=2")


def test_a_wrong_gradient_fails_and_names_the_argument(arrays, capsys):
    W, x = arrays
    dW, dx = loss_grads(W, x)
    wrong = dx.copy()
    wrong[1, 0] *= -1  # one sign flipped in one entry
    report = gradcheck(loss, W, x, grads=[dW, wrong], verbose=False)
    assert not report.passed and report.failed == ["x"]
    assert report.arguments[0].passed and report.arguments[1].rel_error > 1e-3
    assert "FAILED: x" in report.table() and "FAIL" in report.table()
    assert capsys.readouterr().out == ""  # verbose=False prints nothing


def test_f_may_return_loss_and_grads_as_a_list_or_a_dict(arrays):
    W, x = arrays
    assert gradcheck(lambda W, x: (loss(W, x), loss_grads(W, x)), W, x, verbose=False).passed

    def as_dict(W, x):
        dW, dx = loss_grads(W, x)
        return loss(W, x), {"x": dx, "W": dW}

    assert gradcheck(as_dict, W, x, verbose=False).passed
    with pytest.raises(ValueError, match=r"grads has no entry for \['x'\]"):
        gradcheck(lambda W, x: (loss(W, x), {"W": 0 * W}), W, x, verbose=False)


def test_torch_functions_use_autograd_and_inputs_are_left_alone():
    torch.manual_seed(0)
    W = torch.randn(3, 4, dtype=torch.float64)
    b = torch.randn(3, dtype=torch.float64)
    before = W.clone()
    report = gradcheck(lambda W, b: torch.sigmoid(W.sum(1) + b).prod(), W, b, verbose=False)
    assert report.passed and torch.equal(W, before)


def test_samples_checks_a_random_subset():
    W = np.random.default_rng(1).normal(size=(20, 30))
    report = gradcheck(lambda W: np.sum(W**3), W, grads=[3 * W**2], samples=25, verbose=False)
    assert report.passed and report.arguments[0].checked == 25


def test_a_zero_gradient_passes_with_the_absolute_tolerance():
    W = np.ones((2, 2))
    assert gradcheck(lambda W: 3.0, W, grads=[np.zeros_like(W)], verbose=False).passed


def test_errors_say_what_was_expected(arrays):
    W, x = arrays
    with pytest.raises(ValueError, match="needs your analytic gradients"):
        gradcheck(loss, W, x)
    with pytest.raises(ValueError, match="scalar loss"):
        gradcheck(lambda W: W, W, grads=[W])
    with pytest.raises(ValueError, match=r"the gradient for W must have W's shape \(3, 4\)"):
        gradcheck(lambda W: np.sum(W), W, grads=[np.ones(3)])
    with pytest.raises(ValueError, match="one gradient per array"):
        gradcheck(loss, W, x, grads=[W])
    with pytest.raises(TypeError, match="must be a function"):
        gradcheck(3, W)
    with pytest.raises(ValueError, match="at least one array"):
        gradcheck(loss)
