"""Fixed points h* = F(h*, x) by Newton's method, and the stability of each."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from cell_zoo import CELLS

import gatedrnn
from gatedrnn.derive import fixed_point


@pytest.mark.parametrize("name", sorted(CELLS))
def test_fixed_point_is_fixed_and_its_eigenvalues_are_autograds(name):
    torch.manual_seed(3)
    cell = CELLS[name](2, 6).double()
    x = torch.randn(3, 2, dtype=torch.float64)
    fp = fixed_point(cell, x)
    assert fp.converged.all() and fp.residual.max() < 1e-10
    state = cell.state_type(*(torch.tensor(v) for v in fp.state))
    _, new = cell(x, state)
    for a, b in zip(new, state, strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-10)
    # the spectrum is that of autograd's Jacobian of the whole state at h*
    H = cell.hidden_size
    for b in range(3):
        s = torch.cat([v[b] for v in state])

        def F(s, b=b):
            _, new = cell(x[b : b + 1], cell.state_type(*s[None].split(H, dim=1)))
            return torch.cat([v[0] for v in new])

        J = torch.autograd.functional.jacobian(F, s).numpy()
        np.testing.assert_allclose(fp.jacobian[b], J, rtol=1e-9, atol=1e-12)
        expected = np.sort_complex(np.linalg.eigvals(J))
        np.testing.assert_allclose(np.sort_complex(fp.eigenvalues[b]), expected, atol=1e-9)
    assert np.all(np.diff(np.abs(fp.eigenvalues), axis=1) <= 1e-12)  # sorted, largest first


def test_linear_rate_network_has_the_textbook_fixed_point():
    # φ = identity:  r* = R r* + W x + b  ⇒  r* = (I − R)^{-1}(W x + b),  λ = 1 − z + z λ(R)
    torch.manual_seed(0)
    H, z = 5, 0.1
    cell = gatedrnn.RateCell(2, H, tau=10.0, dt=1.0, phi="identity").double()
    with torch.no_grad():
        cell.weight_hh.mul_(0.5)
    x = torch.randn(2, dtype=torch.float64)
    fp = fixed_point(cell, x)
    R, W, b = (t.detach().numpy() for t in (cell.weight_hh, cell.weight_ih, cell.bias))
    r_star = np.linalg.solve(np.eye(H) - R, W @ x.numpy() + b)
    np.testing.assert_allclose(fp.h[0], r_star, atol=1e-10)
    expected = 1 - z + z * np.linalg.eigvals(R)
    np.testing.assert_allclose(np.sort_complex(fp.eigenvalues[0]), np.sort_complex(expected))


@pytest.mark.parametrize("gain", [0.5, 2.0])
def test_stability_follows_the_spectral_radius(gain):
    # no input, no bias: h* = 0 and J = R, so the origin is stable exactly when ρ(R) < 1
    torch.manual_seed(1)
    cell = gatedrnn.VanillaRNNCell(1, 8).double()
    with torch.no_grad():
        cell.weight_hh.copy_(torch.linalg.qr(torch.randn(8, 8).double())[0] * gain)
        cell.bias_ih.zero_()
        cell.bias_hh.zero_()
    fp = fixed_point(cell, torch.zeros(1), h0=np.zeros((1, 8)))
    np.testing.assert_allclose(fp.h, 0.0, atol=1e-14)
    np.testing.assert_allclose(fp.spectral_radius, gain)
    assert bool(fp.stable[0]) == (gain < 1)
    # and the dynamics agree: a small perturbation decays or grows
    h = torch.full((1, 8), 1e-3, dtype=torch.float64)
    for _ in range(30):
        h, _ = cell(torch.zeros(1, 1).double(), gatedrnn.HiddenState(h))
    assert (h.norm() < 1e-3) == (gain < 1)


def test_newton_from_a_far_guess_and_float32_cells():
    torch.manual_seed(2)
    cell = gatedrnn.GRUCell(3, 10)  # float32: fixed_point works on a float64 copy
    fp = fixed_point(cell, torch.randn(3), h0=5 * torch.randn(1, 10))
    assert fp.converged.all() and fp.h.dtype == np.float64
    assert next(cell.parameters()).dtype == torch.float32  # the cell itself is untouched


def test_a_run_away_network_is_reported_not_converged():
    torch.manual_seed(0)
    cell = gatedrnn.RateCell(1, 4, phi="relu").double()
    with torch.no_grad():
        cell.weight_hh.copy_(2.0 * torch.eye(4))  # r grows without bound when driven
        cell.bias.fill_(1.0)
    x = torch.tensor([[0.0], [0.0]], dtype=torch.float64)
    fp = fixed_point(cell, x, h0=np.array([[1.0] * 4, [-1.0] * 4]), max_iter=20, relax=50)
    # r = relu(2r + 1) has no solution (r = -1 would need 2r + 1 > 0): no fixed point at all
    assert not fp.converged.any() and np.all(fp.residual > 1e-3)


def test_errors_say_what_was_expected():
    with pytest.raises(TypeError, match="fixed_point takes a gatedrnn cell"):
        fixed_point(torch.nn.GRUCell(2, 3), torch.zeros(2))
