"""Gradient-flow explorer: curves against autograd, and the forget bias at work."""

import numpy as np
import pytest
import torch

from gatedrnn.explore import gradient_curves, gradient_flow_explorer
from gatedrnn.explore.gradients import CELLS, flow_cell


def _autograd_curve(cell, x):
    """‖∂L/∂h_t‖ (batch mean) for L = sum(h_T) / sqrt(H), by torch autograd."""
    state = cell.init_state(x.shape[1])
    hs = []
    for x_t in torch.as_tensor(x):
        h, state = cell(x_t, state)
        h.retain_grad()
        hs.append(h)
    (hs[-1].sum() / np.sqrt(cell.hidden_size)).backward()
    return np.array([float(h.grad.norm(dim=1).mean()) for h in hs])


@pytest.mark.parametrize("kind", list(CELLS))
def test_curves_equal_autograd(kind):
    T, B, I, H = 15, 3, 4, 8
    gc = gradient_curves((kind,), T, 1.3, 0.5, hidden_size=H, input_size=I, batch_size=B, seed=2)
    x = np.random.default_rng(3).standard_normal((T, B, I))  # the explorer's input for seed 2
    cell = flow_cell(kind, H, I, weight_scale=1.3, forget_bias=0.5, seed=2)
    np.testing.assert_allclose(gc.curves[kind], _autograd_curve(cell, x), rtol=1e-9)


def test_forget_bias_sits_on_the_memory_gate():
    H = 5
    lstm = flow_cell("LSTM", H, 2, forget_bias=2.5)
    assert (lstm.bias_ih[H : 2 * H] == 2.5).all() and lstm.bias_ih[:H].abs().sum() == 0
    gru = flow_cell("GRU", H, 2, forget_bias=-1.0)
    assert (gru.bias_ih[H : 2 * H] == -1.0).all()
    vanilla = flow_cell("vanilla", H, 2, forget_bias=9.0)
    assert vanilla.bias_ih.abs().sum() == 0
    with pytest.raises(ValueError, match="cell kind"):
        flow_cell("transformer")


def test_a_high_forget_bias_carries_the_gradient_further():
    low = gradient_curves(("LSTM", "GRU"), 60, 1.0, -2.0)
    high = gradient_curves(("LSTM", "GRU"), 60, 1.0, 3.0)
    for kind in ("LSTM", "GRU"):
        assert high.curves[kind][0] > 1e3 * low.curves[kind][0]
        assert low.curves[kind][-1] == pytest.approx(1.0) == high.curves[kind][-1]


def test_gradient_flow_explorer_wiring():
    ex = gradient_flow_explorer(kinds=("vanilla", "LSTM"), T=40)
    ax = ex.figure.axes[0]
    before = [line.get_ydata().copy() for line in ax.lines]
    assert len(before) == 2
    ex.controls["weight_scale"].value = 2.0
    after = [line.get_ydata() for line in ex.figure.axes[0].lines]
    assert not np.allclose(before[0], after[0])
    np.testing.assert_allclose(after[1], ex.result.curves["LSTM"])
    ex.controls["kinds"].value = ()
    assert len(ex.figure.axes[0].lines) == 0 and "choose" in ex.figure.axes[0].texts[0].get_text()
