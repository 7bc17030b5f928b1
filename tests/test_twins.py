"""The NumPy twins: forward equals the torch cell, hand-written BPTT equals autograd and finite
differences, for every cell and option (tests/cell_zoo.py) and for PyTorch's own cells."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from cell_zoo import CELLS

import gatedrnn
from gatedrnn import twins
from gatedrnn.derive import gradcheck

EXTRA = {
    "torch-rnn": lambda I, H: torch.nn.RNNCell(I, H),
    "torch-lstm": lambda I, H: torch.nn.LSTMCell(I, H),
    "torch-gru": lambda I, H: torch.nn.GRUCell(I, H),
    "rate-sigmoid": lambda I, H: gatedrnn.RateCell(
        I, H, tau=[2.0 + k for k in range(H)], phi="sigmoid"
    ),
    "voltage-relu": lambda I, H: gatedrnn.RateCell(I, H, form="voltage", tau=2.0, phi="relu"),
    "simple-gru-ssn": lambda I, H: gatedrnn.SimpleGRUCell(I, H, phi="ssn"),
    "lstm-everything": lambda I, H: gatedrnn.LSTMCell(
        I, H, phi1="sigmoid", phi2="relu", peephole=True
    ),
}
ALL = {**CELLS, **EXTRA}
SHAPES = {"T1-B1-H1": (1, 1, 1, 1), "T5-B3-H4": (5, 3, 2, 4), "T3-B1-H1": (3, 1, 3, 1)}


def make(name: str, I: int, H: int, seed: int = 0):
    """A float64 cell of the zoo with random weights (Dale needs both populations: H >= 3)."""
    torch.manual_seed(seed)
    if "dale" in name:
        H = max(H, 3)
    cell = ALL[name](I, H).double()
    with torch.no_grad():
        for p in cell.parameters():
            p.uniform_(-0.9, 0.9)
    return cell


def state_type_of(cell):
    return getattr(cell, "state_type", None) or (
        gatedrnn.LSTMState if isinstance(cell, torch.nn.LSTMCell) else gatedrnn.HiddenState
    )


def torch_run(cell, x, state):
    """Step any cell (gatedrnn or torch.nn) over x (T, B, I): outputs (T, B, H), final state."""
    outputs = []
    for x_t in x:
        if isinstance(cell, torch.nn.LSTMCell):
            h, c = cell(x_t, tuple(state))
            state, out = gatedrnn.LSTMState(h, c), h
        elif isinstance(cell, torch.nn.RNNCellBase):
            h = cell(x_t, state.h)
            state, out = gatedrnn.HiddenState(h), h
        else:
            out, state = cell(x_t, state)
        outputs.append(out)
    return torch.stack(outputs), state


def problem(name, T, B, I, H, seed=0):
    """A cell, its twin, inputs, a random initial state and random loss weights."""
    cell = make(name, I, H, seed)
    H = cell.hidden_size
    rng = np.random.default_rng(seed)
    State = state_type_of(cell)
    x = rng.normal(size=(T, B, I))
    state0 = State(*(rng.normal(size=(B, H)) for _ in State._fields))
    G = rng.normal(size=(T, B, H))  # L = Σ G ⊙ h + Σ G_s ⊙ final state
    G_state = State(*(rng.normal(size=(B, H)) for _ in State._fields))
    return cell, twins.from_cell(cell), x, state0, G, G_state


def assert_rel_close(actual, expected, name, rtol=1e-8):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, name
    error = np.abs(actual - expected).max(initial=0.0)
    scale = np.abs(expected).max(initial=0.0)
    assert error <= rtol * scale or error <= 1e-14, f"{name}: error {error:.2e}, scale {scale:.2e}"


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
@pytest.mark.parametrize("name", sorted(ALL))
def test_twin_equals_cell_and_autograd(name, shape):
    cell, twin, x, state0, G, G_state = problem(name, *shape)
    # forward: the twin computes what the cell computes
    xt = torch.tensor(x, requires_grad=True)
    st = type(state0)(*(torch.tensor(v, requires_grad=True) for v in state0))
    outputs, final = torch_run(cell, xt, st)
    hs, final_np, cache = twin.forward(x, state0)
    np.testing.assert_allclose(hs, outputs.detach().numpy(), rtol=0, atol=1e-12)
    for a, b in zip(final_np, final, strict=True):
        np.testing.assert_allclose(a, b.detach().numpy(), rtol=0, atol=1e-12)
    # backward: hand-written BPTT equals autograd for every weight, the inputs and the state
    loss = (outputs * torch.tensor(G)).sum() + sum(
        (v * torch.tensor(g)).sum() for v, g in zip(final, G_state, strict=True)
    )
    names = [n for n, _ in cell.named_parameters()]
    leaves = [p for _, p in cell.named_parameters()] + [xt, *st]
    expected = torch.autograd.grad(loss, leaves, allow_unused=True)
    grads = twin.backward(G, cache, G_state)
    keys = names + ["x"] + [f"{f}0" for f in type(state0)._fields]
    assert sorted(grads) == sorted(keys)
    for key, g in zip(keys, expected, strict=True):
        reference = np.zeros_like(grads[key]) if g is None else g.numpy()
        assert_rel_close(grads[key], reference, key)


@pytest.mark.parametrize("name", sorted(ALL))
def test_twin_backward_equals_finite_differences(name):
    cell, twin, x, state0, G, G_state = problem(name, T=3, B=2, I=2, H=3, seed=1)
    names = list(twin.params)

    def loss(*arrays):
        params = dict(zip(names, arrays[: len(names)], strict=True))
        fresh = type(twin)(params, **twin.options)
        hs, final, _ = fresh.forward(arrays[len(names)], type(state0)(*arrays[len(names) + 1 :]))
        return np.sum(hs * G) + sum(np.sum(v * g) for v, g in zip(final, G_state, strict=True))

    _, _, cache = twin.forward(x, state0)
    grads = twin.backward(G, cache, G_state)
    keys = names + ["x"] + [f"{f}0" for f in type(state0)._fields]
    arrays = [twin.params[n] for n in names] + [x, *state0]
    report = gradcheck(loss, *arrays, grads=[grads[k] for k in keys], names=keys, verbose=False)
    assert report.passed, report.table()


def test_backward_without_dstate_and_without_dh():
    twin = twins.LSTM.random(2, 3, seed=0)
    x = np.random.default_rng(0).normal(size=(4, 2, 2))
    hs, final, cache = twin.forward(x)
    only_outputs = twin.backward(np.ones_like(hs), cache)
    zero_final = twin.backward(
        np.ones_like(hs), cache, twins.LSTM.state_type(*(np.zeros((2, 3)) for _ in range(2)))
    )
    for key in only_outputs:
        np.testing.assert_array_equal(only_outputs[key], zero_final[key])
    # a loss on the final state alone: dh=None
    only_final = twin.backward(None, cache, final)
    assert np.abs(only_final["weight_hh"]).sum() > 0


def test_rate_twin_with_a_custom_phi_pair():
    torch.manual_seed(0)
    cell = gatedrnn.RateCell(2, 3, phi=torch.sin).double()
    with pytest.raises(ValueError, match="pair of NumPy functions"):
        twins.from_cell(cell)
    params = {n: p.detach().numpy() for n, p in cell.named_parameters()}
    twin = twins.RateNetwork(params, z=cell.z.numpy(), phi=(np.sin, np.cos))
    x = np.random.default_rng(0).normal(size=(4, 1, 2))
    outputs, _ = torch_run(cell, torch.tensor(x), None)
    np.testing.assert_allclose(twin.forward(x)[0], outputs.detach().numpy(), atol=1e-12)


def test_random_twin_matches_its_options():
    twin = twins.LSTM.random(3, 5, coupled=True, peephole=True, seed=1)
    assert twin.params["weight_hh"].shape == (15, 5) and "weight_cf" not in twin.params
    assert repr(twin) == "LSTM(3, 5, phi1='tanh', phi2='tanh', peephole=True, coupled=True)"


def test_twin_errors_say_what_was_expected():
    with pytest.raises(TypeError, match="takes a gatedrnn.GRUCell or torch.nn.GRUCell"):
        twins.GRU.from_cell(gatedrnn.LSTMCell(2, 3))
    with pytest.raises(TypeError, match="from_cell takes a gatedrnn cell"):
        twins.from_cell(torch.nn.Linear(2, 3))
    with pytest.raises(ValueError, match="nonlinearity='tanh'"):
        twins.from_cell(torch.nn.RNNCell(2, 3, nonlinearity="relu"))
    twin = twins.VanillaRNN.random(3, 4)
    expected = r"x must be \(T, B, I\) = \(time, batch, 3\) with T >= 1; got \(5, 3\)"
    with pytest.raises(ValueError, match=expected):
        twin.forward(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"state.h must be \(B, H\) = \(2, 4\); got \(2, 5\)"):
        twin.forward(np.zeros((5, 2, 3)), gatedrnn.HiddenState(np.zeros((2, 5))))
    _, _, cache = twin.forward(np.zeros((5, 2, 3)))
    with pytest.raises(ValueError, match=r"dh must be \(T, B, H\) = \(5, 2, 4\)"):
        twin.backward(np.zeros((5, 4)), cache)
    with pytest.raises(ValueError, match=r"bias_hh must be \(8,\) for input_size 3 and hidden"):
        twins.SimpleGRU(
            {
                "weight_ih": np.zeros((8, 3)),
                "weight_hh": np.zeros((8, 4)),
                "bias_ih": np.zeros(8),
                "bias_hh": np.zeros(4),
            }
        )
    with pytest.raises(ValueError, match="missing"):
        twins.LSTM({"weight_ih": np.zeros((8, 3)), "weight_hh": np.zeros((8, 2))})
