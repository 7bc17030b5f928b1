"""E/I explorer: Dale's sign pattern, the spectrum, and the activity against a NumPy Euler loop."""

import numpy as np
import pytest
import torch

from gatedrnn.explore import ei_explorer, ei_network
from gatedrnn.explore.ei import ei_cell


def test_sign_pattern_and_scaling_follow_dale():
    net = ei_network(dale=0.75, g_e=0.4, g_i=0.9, T=5)
    n_e = net.n_e
    assert n_e == 75 and (net.signs[:75] == 1).all() and (net.signs[75:] == -1).all()
    assert (net.R[:, :n_e] >= 0).all() and (net.R[:, n_e:] <= 0).all()
    # R = |R_raw| diag(±1), with the E and I columns scaled by g_E and g_I
    raw = ei_cell(100, 0.75, 1.0, 1.0).weight_hh.detach().numpy()
    expected = np.abs(raw) * net.signs
    expected[:, :n_e] *= 0.4
    expected[:, n_e:] *= 0.9
    np.testing.assert_allclose(net.R, expected, atol=1e-12)


def test_eigenvalues_are_those_of_r_and_excitation_adds_an_outlier():
    net = ei_network(T=5)
    np.testing.assert_allclose(
        np.sort_complex(net.eigvals), np.sort_complex(np.linalg.eigvals(net.R))
    )
    np.testing.assert_allclose(net.eigvals.sum().real, np.trace(net.R), atol=1e-9)
    strong = ei_network(g_e=1.2, g_i=0.5, T=5)
    mean_col = strong.R.mean(0)  # a rank-one mean part has eigenvalue N * mean column sum
    assert strong.eigvals.real.max() == pytest.approx(mean_col.sum(), rel=0.15)


def test_activity_equals_a_numpy_euler_loop():
    tau, dt, I = 10.0, 1.0, 1.3
    net = ei_network(0.8, 0.5, 0.6, I=I, tau=tau, dt=dt, T=60)
    z, r, ref = dt / tau, np.zeros(100), []
    for _ in range(60):
        r = (1 - z) * r + z * np.maximum(net.R @ r + I, 0.0)
        ref.append(r)
    np.testing.assert_allclose(net.rates, ref, atol=1e-10)


def test_stable_and_runaway_networks():
    calm = ei_network(g_e=0.5, g_i=0.5)
    assert not calm.runaway and calm.eigvals.real.max() < 1
    assert np.abs(calm.rates[-1] - calm.rates[-2]).max() < 1e-3  # settled
    wild = ei_network(g_e=1.2, g_i=0.5)
    assert wild.runaway and wild.eigvals.real.max() > 1


def test_global_torch_rng_is_left_alone():
    before = torch.get_rng_state()
    a = ei_network(T=3, seed=5)
    assert torch.equal(before, torch.get_rng_state())
    np.testing.assert_array_equal(a.R, ei_network(T=3, seed=5).R)
    assert not np.array_equal(a.R, ei_network(T=3, seed=6).R)


def test_ei_explorer_wiring():
    ex = ei_explorer()
    image = ex.figure.axes[0].images[0]
    before = np.asarray(image.get_array()).copy()
    ex.controls["g_i"].value = 1.0
    after = np.asarray(ex.figure.axes[0].images[0].get_array())
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, ex.result.R)
    with pytest.raises(TypeError, match="unknown starting values"):
        ei_explorer(N=10)
