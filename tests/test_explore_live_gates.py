"""Live gate explorer: the LSTM and subLSTM units it draws, checked against torch.nn.LSTMCell
and Costa et al.'s equations written out in NumPy; a move of t redraws without recomputing."""

import numpy as np
import pytest
import torch

from gatedrnn import LSTMCell
from gatedrnn.explore import live_gate_explorer, live_gate_run, plot_live_gates
from gatedrnn.explore.live_gates import DEFAULTS, one_unit

WEIGHTS = dict(w_i=3.0, b_i=-1.0, w_f=-2.0, b_f=2.5, w_z=1.5, b_z=0.3, w_o=2.0, b_o=-0.5)


def sigmoid(u):
    return 1.0 / (1.0 + np.exp(-u))


def test_lstm_unit_equals_torch_lstmcell():
    run = live_gate_run("noise", amplitude=1.3, recurrent=0.6, **WEIGHTS)
    ref = torch.nn.LSTMCell(1, 1).double()
    with torch.no_grad():
        ref.weight_ih.copy_(torch.tensor([[WEIGHTS[f"w_{g}"]] for g in "ifzo"]))
        ref.bias_ih.copy_(torch.tensor([WEIGHTS[f"b_{g}"] for g in "ifzo"]))
        ref.weight_hh.fill_(0.6)
        ref.bias_hh.zero_()
        h = c = torch.zeros(1, 1, dtype=torch.float64)
        hs, cs = [], []
        for x_t in run.x:
            h, c = ref(torch.tensor([[x_t]], dtype=torch.float64), (h, c))
            hs.append(float(h))
            cs.append(float(c))
    np.testing.assert_allclose(run.lstm.values["h"], hs, atol=1e-12)
    np.testing.assert_allclose(run.lstm.values["c"], cs, atol=1e-12)


def test_sublstm_unit_follows_costa_equations():
    run = live_gate_run("pulses", **WEIGHTS)
    h = c = 0.0
    rows = []
    for x_t in run.x:
        i, f, z, o = (sigmoid(WEIGHTS[f"w_{g}"] * x_t + WEIGHTS[f"b_{g}"]) for g in "ifzo")
        c = f * c + z - i
        h = sigmoid(c) - o
        rows.append((i, f, z, o, c, h))
    rows = np.array(rows)
    for k, name in enumerate("ifzoch"):
        np.testing.assert_allclose(run.sublstm.values[name], rows[:, k], atol=1e-12)


def test_the_same_weights_give_the_same_gates_and_different_memories():
    run = live_gate_run("pulses")
    for g in "ifo":  # no recurrence: the gates see only x, through the same weights
        np.testing.assert_allclose(run.lstm.values[g], run.sublstm.values[g], atol=1e-15)
    assert np.abs(run.lstm.values["c"] - run.sublstm.values["c"]).max() > 0.5


def test_one_unit_puts_each_weight_in_its_block():
    cell = one_unit(LSTMCell, DEFAULTS)
    for g in cell.gate_order:
        assert float(cell.weight_ih[cell.block(g)].detach()) == DEFAULTS[f"w_{g}"]
        assert float(cell.bias_ih[cell.block(g)].detach()) == DEFAULTS[f"b_{g}"]


def test_runs_are_cached_and_checked():
    assert live_gate_run("sine", b_i=1.0) is live_gate_run("sine", b_i=1.0)
    assert live_gate_run("sine", b_i=1.0) is not live_gate_run("sine", b_i=1.5)
    with pytest.raises(TypeError, match=r"unknown weights \['w_q'\]"):
        live_gate_run("sine", w_q=1.0)
    with pytest.raises(ValueError, match="t must be a step in 0 … 39; got 40"):
        plot_live_gates(live_gate_run(), 40)


def test_moving_t_redraws_the_same_run():
    ex = live_gate_explorer(t=5)
    run, png = ex.result, ex.png
    ex.controls["t"].value = 20
    assert ex.result is run  # the same run: only the picture moved
    assert ex.png != png
    ex.controls["b_i"].value = 2.0
    assert ex.result is not run
    assert ex.result.lstm.values["i"][0] == pytest.approx(1 / (1 + np.exp(-2.0)))
    assert ex.play.max == 39
    with pytest.raises(TypeError, match="unknown starting values"):
        live_gate_explorer(speed=2)
