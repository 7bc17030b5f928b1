"""Time-constant explorer: RateCell against derive's Euler and the closed form; the GRU gate."""

import numpy as np
import pytest
import torch

from gatedrnn.explore import time_constant_explorer, time_constants


def test_ratecell_steps_equal_derive_euler_and_the_closed_form():
    tau, dt, I = 10.0, 2.0, 0.8
    tc = time_constants(tau, dt, "tanh", 0.0, I)
    z = dt / tau
    k = np.arange(len(tc.traj.t))
    # w = 0: tau dr/dt = -r + tanh(I) has r(t) = tanh(I)(1 - e^{-t/tau}); Euler (1 - (1-z)^k)
    np.testing.assert_allclose(
        tc.traj.exact[:, 0], np.tanh(I) * (1 - np.exp(-tc.traj.t / tau)), atol=1e-8
    )
    np.testing.assert_allclose(tc.traj.euler[:, 0], np.tanh(I) * (1 - (1 - z) ** k), atol=1e-12)
    np.testing.assert_allclose(tc.cell_r, tc.traj.euler[:, 0], atol=1e-6)  # the library cell
    assert tc.z == pytest.approx(0.2)


@pytest.mark.parametrize("phi", ["tanh", "relu", "ssn"])
def test_ratecell_matches_derive_with_recurrence(phi):
    tc = time_constants(8.0, 1.0, phi, -0.7, 1.5)
    np.testing.assert_allclose(tc.cell_r, tc.traj.euler[:, 0], atol=1e-6)


def test_euler_error_grows_with_dt_and_cell_refuses_z_above_one():
    errors = [time_constants(10.0, dt).traj.error for dt in (0.5, 2.0, 8.0)]
    assert errors[0] < errors[1] < errors[2]
    assert errors[1] / errors[0] == pytest.approx(4.0, rel=0.3)  # first order
    coarse = time_constants(10.0, 15.0)
    assert coarse.cell_r is None and coarse.z == 1.5
    assert np.isnan(coarse.r_fixed).all()


def _gru_reference(x, w, w_z, b_z):
    """torch.nn.GRUCell (gates r, z_pytorch = u, n) with the explorer's weights."""
    cell = torch.nn.GRUCell(1, 1).double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.tensor([[0.0], [-w_z], [1.0]], dtype=torch.float64))
        cell.bias_ih.copy_(torch.tensor([20.0, -b_z, 0.0], dtype=torch.float64))
        cell.weight_hh.copy_(torch.tensor([[0.0], [0.0], [w]], dtype=torch.float64))
        cell.bias_hh.zero_()
        h = torch.zeros(1, 1, dtype=torch.float64)
        out = []
        for x_t in x:
            h = cell(torch.tensor([[x_t]], dtype=torch.float64), h)
            out.append(float(h))
    return np.array(out)


def test_gru_gate_is_a_dynamic_time_constant():
    w, w_z, b_z = 0.6, 3.0, -2.0
    tc = time_constants(10.0, 2.0, w=w, w_z=w_z, b_z=b_z)
    np.testing.assert_allclose(tc.h_gru, _gru_reference(tc.x, w, w_z, b_z), atol=1e-12)
    # written out: z_t = σ(w_z x + b_z), h = (1 - z) h + z tanh(x + w h)
    h, ref = 0.0, []
    for x_t in tc.x:
        z = 1 / (1 + np.exp(-(w_z * x_t + b_z)))
        h = (1 - z) * h + z * np.tanh(x_t + w * h)
        ref.append(h)
    np.testing.assert_allclose(tc.h_gru, ref, atol=1e-7)  # the reset gate is σ(20), not 1
    np.testing.assert_allclose(tc.tau_eff, 2.0 / tc.gate_z)
    assert tc.tau_eff.max() > 5 * tc.tau_eff.min()  # the input moves τ_eff


def test_time_constant_explorer_wiring():
    ex = time_constant_explorer()
    left = ex.figure.axes[0]
    euler_before = left.lines[1].get_ydata().copy()
    ex.controls["dt"].value = 5.0
    euler_after = ex.figure.axes[0].lines[1].get_ydata()
    assert len(euler_after) != len(euler_before)
    np.testing.assert_allclose(euler_after, time_constants(**ex.values).traj.euler[:, 0])
    with pytest.raises(TypeError, match="unknown starting values"):
        time_constant_explorer(sigma=1.0)
