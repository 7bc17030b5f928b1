"""Euler's method for the rate equation: exact solutions, first-order convergence, the cell."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import gatedrnn
from gatedrnn.derive import (
    euler_errors,
    plot_euler_errors,
    plot_rate_trajectories,
    rate_trajectories,
)


def test_linear_unit_matches_both_closed_forms():
    # τ dr/dt = −r + w r + I  ⇒  r(t) = r* + (r0 − r*) e^{−(1−w) t/τ},  r* = I / (1 − w)
    # Euler:  r_k = r* + (r0 − r*) (1 − z (1 − w))^k,  z = Δt/τ
    tau, dt, w, I, r0 = 10.0, 2.0, 0.5, 1.5, -1.0
    traj = rate_trajectories(tau, dt, "identity", w, I=I, r0=r0, t_end=40.0)
    r_star = I / (1 - w)
    exact = r_star + (r0 - r_star) * np.exp(-(1 - w) * traj.t / tau)
    euler = r_star + (r0 - r_star) * (1 - dt / tau * (1 - w)) ** np.arange(len(traj.t))
    np.testing.assert_allclose(traj.exact[:, 0], exact, rtol=0, atol=1e-9)
    np.testing.assert_allclose(traj.euler[:, 0], euler, rtol=0, atol=1e-12)
    assert traj.error == pytest.approx(np.abs(exact - euler).max(), abs=1e-9)
    assert traj.t[-1] == 40.0 and traj.t_fine.shape[0] == traj.exact_fine.shape[0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"phi": "tanh", "w": 0.5},
        {"phi": "relu", "w": 0.5, "I": lambda t: 1 + np.sin(t / 5)},
        {
            "phi": "ssn",
            "k": 0.3,
            "w": np.array([[1.0, -1.5], [1.2, -0.5]]),
            "I": np.array([2.0, 1.0]),
            "tau": [10.0, 5.0],
        },
    ],
    ids=["tanh", "relu-driven", "ssn-EI"],
)
def test_euler_is_first_order(kwargs):
    result = euler_errors([0.125, 0.25, 0.5, 1.0], **kwargs)
    assert np.all(np.diff(result.errors) > 0)  # a smaller step is always more accurate
    assert 0.9 < result.order < 1.15
    ratios = result.errors[1:] / result.errors[:-1]
    np.testing.assert_allclose(ratios, 2.0, rtol=0.1)  # halving Δt halves the error


def test_euler_steps_are_the_rate_cells_update():
    N, tau, dt = 3, 8.0, 0.5  # z = 1/16 is exact in float32 and float64
    rng = np.random.default_rng(0)
    w, I, r0 = rng.normal(size=(N, N)), rng.normal(size=N), rng.normal(size=N)
    traj = rate_trajectories(tau, dt, "tanh", w, I=I, r0=r0, t_end=10.0)
    cell = gatedrnn.RateCell(N, N, tau=tau, dt=dt).double()
    with torch.no_grad():
        cell.weight_hh.copy_(torch.tensor(w))
        cell.weight_ih.copy_(torch.eye(N))
        cell.bias.zero_()
    state = gatedrnn.RateState(torch.tensor(r0)[None])
    rates = [state.r[0]]
    with torch.no_grad():
        for _ in range(len(traj.t) - 1):
            r, state = cell(torch.tensor(I)[None], state)
            rates.append(r[0])
    np.testing.assert_allclose(traj.euler, torch.stack(rates).numpy(), rtol=0, atol=1e-12)


def test_plots_draw_what_they_say():
    import matplotlib

    matplotlib.use("Agg")
    result = euler_errors([0.25, 0.5, 1.0, 2.0])
    ax = plot_euler_errors(result)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    euler_line, reference = ax.get_lines()
    np.testing.assert_allclose(euler_line.get_ydata(), result.errors)
    slope = np.polyfit(np.log(reference.get_xdata()), np.log(reference.get_ydata()), 1)[0]
    assert slope == pytest.approx(1.0)
    assert f"slope {result.order:.2f}" in euler_line.get_label()
    traj = rate_trajectories(dt=2.0)
    ax = plot_rate_trajectories(traj)
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), traj.euler[:, 0])


def test_errors_say_what_was_expected():
    with pytest.raises(ValueError, match="tau must be > 0"):
        rate_trajectories(tau=0.0)
    with pytest.raises(ValueError, match="dt must be > 0"):
        rate_trajectories(dt=-1.0)
    with pytest.raises(ValueError, match=r"w must be a number or a square \(N, N\) matrix"):
        rate_trajectories(w=np.ones((2, 3)))
    with pytest.raises(ValueError, match="t_end must be at least one step"):
        rate_trajectories(dt=5.0, t_end=1.0)
    with pytest.raises(ValueError, match="phi must be one of"):
        rate_trajectories(phi="softplus")
