"""Multiplicative versus subtractive gating: the gated signals, the neuron's rate, and how much
passes at each gate value, against the formulas."""

import numpy as np
import pytest

from gatedrnn.explore import gating, gating_explorer
from gatedrnn.explore.gating import signal


def test_gated_signals_and_rates():
    r = gating("sine", amplitude=2.0, gate=0.3, threshold=0.4)
    s = signal("sine", 60, 2.0)
    np.testing.assert_allclose(r.y_mul, 0.3 * s)
    np.testing.assert_allclose(r.y_sub, s - 0.3)
    np.testing.assert_allclose(r.out_mul, np.maximum(0.3 * s - 0.4, 0))
    np.testing.assert_allclose(r.out_sub, np.maximum(s - 0.3 - 0.4, 0))


def test_closed_and_open_gates():
    closed_mul, open_mul = gating(gate=0.0), gating(gate=1.0)
    assert not closed_mul.out_mul.any()  # g = 0 silences a multiplicative gate
    np.testing.assert_allclose(open_mul.y_mul, open_mul.s)
    np.testing.assert_allclose(closed_mul.y_sub, closed_mul.s)  # g = 0: subtractive is open
    r = gating()
    assert r.passed_mul[0] == 0 and r.passed_mul[-1] == pytest.approx(1)
    assert r.passed_sub[0] == pytest.approx(1)
    assert np.all(np.diff(r.passed_mul) >= -1e-12) and np.all(np.diff(r.passed_sub) <= 1e-12)


def test_pass_curves_at_zero_threshold_are_exact():
    r = gating("pulses", amplitude=1.5, threshold=0.0)
    np.testing.assert_allclose(r.passed_mul, r.gates)
    np.testing.assert_allclose(r.passed_sub, np.maximum(1.5 - r.gates, 0) / 1.5)


def test_a_strong_signal_gets_through_a_closed_subtractive_gate():
    weak, strong = gating(amplitude=0.5, gate=1.0, threshold=0.1), gating(amplitude=3.0, gate=1.0)
    assert weak.out_sub.max() == 0 and strong.out_sub.max() > 1.5


def test_arguments_are_checked():
    with pytest.raises(ValueError, match=r"gate must be in \[0, 1\].*got 1.5"):
        gating(gate=1.5)
    with pytest.raises(ValueError, match="signal kind must be one of"):
        gating("square")


def test_explorer_redraws():
    ex = gating_explorer()
    png = ex.png
    ex.controls["gate"].value = 0.9
    assert ex.result.gate == 0.9 and ex.png != png
    with pytest.raises(TypeError, match="unknown starting values"):
        gating_explorer(g=0.1)
