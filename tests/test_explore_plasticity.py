"""Inhibitory-plasticity explorer: the runs are the library's, and the controls reach them."""

import numpy as np
import pytest

from gatedrnn import plasticity
from gatedrnn.explore import plasticity_explorer, plasticity_run


def test_run_is_the_library_simulation():
    res = plasticity_run("rate", 5e-5, 8.0, duration=5.0)
    ref = plasticity.simulate_rate(5.0, eta=5e-5, rho0=8.0)
    np.testing.assert_array_equal(res.rate, ref.rate)
    np.testing.assert_array_equal(res.w_i, ref.w_i)
    flipped = plasticity_run("rate", 5e-5, 5.0, flip=True, duration=5.0)
    assert flipped.eta == -5e-5 and flipped.final_rate() > 10.0
    spiking = plasticity_run("spiking", duration=1.0)
    assert spiking.form == "spiking" and spiking.eta == 0.05
    with pytest.raises(ValueError, match="form"):
        plasticity_run("ode")


def test_plasticity_explorer_wiring():
    ex = plasticity_explorer(duration=10.0)
    rate_line = ex.figure.axes[0].lines[-1]  # the ρ0 line
    assert rate_line.get_ydata()[0] == 5.0
    ex.controls["rho0"].value = 10.0
    assert ex.figure.axes[0].lines[-1].get_ydata()[0] == 10.0
    assert ex.result.rho0 == 10.0 and abs(ex.result.final_rate() - 10.0) < 1.0
    with pytest.raises(ValueError, match="form"):
        plasticity_explorer("ode")
    with pytest.raises(TypeError, match="unknown starting values"):
        plasticity_explorer(tau=1.0)
