"""Steady-state explorer: the fixed points of one rate unit against closed forms and bisection."""

import numpy as np
import pytest
from scipy.optimize import brentq

from gatedrnn.explore import steady_state, steady_state_explorer


def test_tanh_with_strong_self_excitation_is_bistable():
    s = steady_state(w=2.0, I=0.0, phi="tanh")
    root = brentq(lambda r: np.tanh(2 * r) - r, 0.5, 1.0)
    np.testing.assert_allclose(s.fixed_points, [-root, 0.0, root], atol=1e-10)
    np.testing.assert_array_equal(s.stable, [True, False, True])
    np.testing.assert_allclose(s.slopes, 2 * (1 - s.fixed_points**2), atol=1e-10)
    # slowly raised from below, the unit rests on the low branch at I = 0; lowered, the high
    middle = np.argmin(np.abs(s.inputs))
    assert s.up[middle] == pytest.approx(-root, abs=1e-6)
    assert s.down[middle] == pytest.approx(root, abs=1e-6)


def test_weak_self_excitation_has_one_fixed_point():
    s = steady_state(w=0.5, I=0.3, phi="tanh")
    assert len(s.fixed_points) == 1 and s.stable.all()
    r = s.fixed_points[0]
    assert np.tanh(0.5 * r + 0.3) == pytest.approx(r, abs=1e-12)
    np.testing.assert_allclose(s.up, s.down, atol=1e-6)  # no hysteresis


def test_relu_fixed_point_is_linear():
    s = steady_state(w=0.5, I=1.0, phi="relu")
    np.testing.assert_allclose(s.fixed_points, [2.0], atol=1e-10)  # r = 0.5 r + 1
    assert s.stable.all()


def test_supralinear_unit_runs_away_under_strong_input():
    calm = steady_state(w=0.5, I=0.5, phi="ssn")
    k = 0.3  # r = k (w r + I)^2: the smaller root is stable, the larger unstable
    roots = np.sort(np.roots([k * 0.25, k * 0.5 - 1, k * 0.25]).real)  # k (r/2 + 1/2)^2 = r
    np.testing.assert_allclose(calm.fixed_points, roots, atol=1e-8)
    np.testing.assert_array_equal(calm.stable, [True, False])
    wild = steady_state(w=1.0, I=2.0, phi="ssn")
    assert len(wild.fixed_points) == 0
    assert np.isnan(wild.up[-1])


def test_explorer_redraws_and_checks():
    ex = steady_state_explorer(w=0.5)
    png = ex.png
    ex.controls["w"].value = 2.0
    assert len(ex.result.fixed_points) == 3 and ex.png != png
    with pytest.raises(ValueError, match="phi must be one of"):
        steady_state(phi="sigmoid")
    with pytest.raises(TypeError, match="unknown starting values"):
        steady_state_explorer(tau=1.0)
