"""Gate explorer: one LSTM and one subLSTM unit, checked against torch.nn.LSTMCell and NumPy."""

import numpy as np
import pytest
import torch

from gatedrnn.explore import gate_explorer, gate_traces, input_sequence

WEIGHTS = dict(w_i=3.0, b_i=-1.0, w_f=-2.0, b_f=2.5, w_z=1.5, b_z=0.3, w_o=2.0, b_o=-0.5)


def sigmoid(u):
    return 1.0 / (1.0 + np.exp(-u))


def _torch_lstm(x, recurrent, w):
    """torch.nn.LSTMCell with I = H = 1 and the same weights (gate order i, f, g, o)."""
    cell = torch.nn.LSTMCell(1, 1).double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.tensor([[w["w_i"]], [w["w_f"]], [w["w_z"]], [w["w_o"]]]))
        cell.bias_ih.copy_(torch.tensor([w["b_i"], w["b_f"], w["b_z"], w["b_o"]]))
        cell.weight_hh.fill_(recurrent)
        cell.bias_hh.zero_()
        h = c = torch.zeros(1, 1, dtype=torch.float64)
        hs, cs = [], []
        for x_t in x:
            h, c = cell(torch.tensor([[x_t]], dtype=torch.float64), (h, c))
            hs.append(float(h))
            cs.append(float(c))
    return np.array(hs), np.array(cs)


def _numpy_sublstm(x, recurrent, w):
    """Costa et al.'s equations written out: all four blocks sigmoid, c = f c + z - i."""
    h = c = 0.0
    out = []
    for x_t in x:
        a = {g: w[f"w_{g}"] * x_t + w[f"b_{g}"] + recurrent * h for g in "ifzo"}
        i, f, z, o = (sigmoid(a[g]) for g in "ifzo")
        c = f * c + z - i
        h = sigmoid(c) - o
        out.append((i, f, z, o, c, h))
    return np.array(out)


@pytest.mark.parametrize("recurrent", [0.0, 0.7])
@pytest.mark.parametrize("kind", ["pulses", "noise"])
def test_lstm_unit_equals_torch_lstmcell(kind, recurrent):
    tr = gate_traces(kind, amplitude=1.3, recurrent=recurrent, **WEIGHTS)
    h, c = _torch_lstm(tr.x, recurrent, WEIGHTS)
    np.testing.assert_allclose(tr.lstm.h, h, atol=1e-12)
    np.testing.assert_allclose(tr.lstm.c, c, atol=1e-12)
    # the reported gates reproduce c and h by the LSTM's equations
    u = tr.lstm
    c_prev = np.concatenate([[0.0], u.c[:-1]])
    np.testing.assert_allclose(u.c, u.f * c_prev + u.i * u.z, atol=1e-12)
    np.testing.assert_allclose(u.h, u.o * np.tanh(u.c), atol=1e-12)
    if recurrent == 0.0:
        np.testing.assert_allclose(u.i, sigmoid(WEIGHTS["w_i"] * tr.x + WEIGHTS["b_i"]))
        np.testing.assert_allclose(u.z, np.tanh(WEIGHTS["w_z"] * tr.x + WEIGHTS["b_z"]))


@pytest.mark.parametrize("recurrent", [0.0, -0.8])
def test_sublstm_unit_equals_the_equations(recurrent):
    tr = gate_traces("sine", amplitude=2.0, recurrent=recurrent, **WEIGHTS)
    ref = _numpy_sublstm(tr.x, recurrent, WEIGHTS)
    got = np.stack([getattr(tr.sublstm, k) for k in "ifzoch"], axis=1)
    np.testing.assert_allclose(got, ref, atol=1e-12)


def test_multiplicative_and_subtractive_gates_close_differently():
    """i = 0 shuts the LSTM's input but opens the subLSTM's; i = 1 does the reverse."""
    tr = gate_traces("step", w_i=0.0, b_i=-30.0, w_f=0.0, b_f=30.0)  # i = 0, f = 1
    assert np.abs(tr.lstm.c).max() < 1e-9  # nothing enters the LSTM's memory
    np.testing.assert_allclose(np.diff(tr.sublstm.c), tr.sublstm.z[1:], atol=1e-9)  # all of z
    tr = gate_traces("step", w_i=0.0, b_i=30.0, w_f=0.0, b_f=30.0)  # i = 1, f = 1
    np.testing.assert_allclose(np.diff(tr.lstm.c), tr.lstm.z[1:], atol=1e-9)
    np.testing.assert_allclose(np.diff(tr.sublstm.c), tr.sublstm.z[1:] - 1, atol=1e-9)


def test_explicit_input_and_errors():
    x = np.linspace(-1, 1, 7)
    tr = gate_traces(x)
    assert tr.x.shape == tr.lstm.h.shape == tr.sublstm.c.shape == (7,)
    with pytest.raises(ValueError, match="input kind"):
        gate_traces("square")
    with pytest.raises(ValueError, match="1-d array"):
        gate_traces(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="T must be"):
        input_sequence("step", T=0)
    assert input_sequence("step", T=20, amplitude=2.0)[[9, 10]].tolist() == [0.0, 2.0]
    np.testing.assert_array_equal(input_sequence("noise"), input_sequence("noise"))


def test_gate_explorer_wiring():
    ex = gate_explorer()
    lines = ex.figure.axes[4].lines  # LSTM column, bottom row: memory c, output h
    c_before = lines[0].get_ydata().copy()
    np.testing.assert_allclose(c_before, ex.result.lstm.c)

    ex.controls["b_f"].value = -3.0  # a leaky forget gate
    c_after = ex.figure.axes[4].lines[0].get_ydata()
    assert not np.allclose(c_before, c_after)
    np.testing.assert_allclose(c_after, gate_traces(**ex.values).lstm.c)


def test_gate_explorer_rejects_unknown_starting_values():
    with pytest.raises(TypeError, match="unknown starting values"):
        gate_explorer(w_q=1.0)
