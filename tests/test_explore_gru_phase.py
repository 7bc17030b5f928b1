"""GRU phase portrait: flow, fixed points and their stability against a NumPy twin and the
roots of tanh(w h) = h found by bisection."""

import numpy as np
import pytest
from scipy.optimize import brentq

from gatedrnn.explore import gru_phase, gru_phase_explorer
from gatedrnn.explore.gru_phase import gru_phase_cell


def sigmoid(u):
    return 1.0 / (1.0 + np.exp(-u))


def test_flow_is_the_notes_gru_step():
    R, b, b_z = np.array([[0.8, -1.1], [0.7, 0.4]]), np.array([0.3, -0.2]), 0.5
    p = gru_phase(R[0, 0], R[0, 1], R[1, 0], R[1, 1], b[0], b[1], b_z=b_z, grid=7)
    z, r = sigmoid(b_z), sigmoid(10.0)
    for i, h2 in enumerate(p.grid):
        for j, h1 in enumerate(p.grid):
            h = np.array([h1, h2])
            n = np.tanh(R @ (r * h) + b)  # reset before R, as in the notes
            np.testing.assert_allclose(p.flow[i, j], z * (n - h), atol=1e-12)
    assert p.z == pytest.approx(z)


@pytest.mark.parametrize("b1, b2", [(0.0, 0.0), (0.7, -1.2)])
def test_without_recurrence_the_fixed_point_is_tanh_b(b1, b2):
    p = gru_phase(0.0, 0.0, 0.0, 0.0, b1, b2)
    assert p.fixed_points.shape == (1, 2)
    np.testing.assert_allclose(p.fixed_points[0], np.tanh([b1, b2]), atol=1e-9)
    assert p.stable.all()
    np.testing.assert_allclose(np.abs(p.eigenvalues[0]), 1 - p.z, atol=1e-9)  # J = (1 - z) I


def test_strong_self_excitation_makes_four_stable_corners():
    p = gru_phase(2.0, 0.0, 0.0, 2.0)
    r = sigmoid(10.0)  # the reset gate, open but not quite 1
    root = brentq(lambda h: np.tanh(2 * r * h) - h, 0.5, 1.0)
    assert len(p.fixed_points) == 9
    corners = p.fixed_points[p.stable]
    assert len(corners) == 4
    np.testing.assert_allclose(np.sort(np.abs(corners).ravel()), root, atol=1e-8)
    assert not p.stable[np.all(np.abs(p.fixed_points) < 1e-8, axis=1)].any()  # origin
    # J = (1 - z) I + z diag(2 r (1 - h*^2)) at the fixed points: |λ| < 1 only at the corners
    for h, ev, stable in zip(p.fixed_points, p.eigenvalues, p.stable, strict=True):
        expected = (1 - p.z) + p.z * 2 * r * (1 - h**2)
        np.testing.assert_allclose(np.sort(ev.real), np.sort(expected), atol=1e-8)
        assert stable == (expected < 1).all()


def test_trajectory_ends_at_a_stable_fixed_point():
    p = gru_phase(2.0, 0.0, 0.0, 2.0, steps=200, start=(0.3, -0.4))
    end = p.trajectory[-1]
    assert np.abs(p.fixed_points[p.stable] - end).max(axis=1).min() < 1e-6


def test_the_cell_has_the_weights_asked_for():
    cell = gru_phase_cell(1.0, 2.0, 3.0, 4.0, 0.5, -0.5, b_z=1.0)
    np.testing.assert_array_equal(cell.weight_hh[cell.block("n")].detach(), [[1, 2], [3, 4]])
    np.testing.assert_array_equal(cell.bias_ih[cell.block("u")].detach(), [-1.0, -1.0])


def test_explorer_redraws_and_recomputes():
    ex = gru_phase_explorer(r11=0.5)
    assert len(ex.result.fixed_points) == 1
    png = ex.png
    ex.controls["r11"].value = 2.0
    assert len(ex.result.fixed_points) == 3 and ex.png != png
    with pytest.raises(TypeError, match="unknown starting values"):
        gru_phase_explorer(r33=1.0)
