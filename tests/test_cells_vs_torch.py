"""The library's LSTM, GRU and vanilla RNN equal PyTorch's fused modules with copied weights."""

import pytest
import torch
from torch import nn

import gatedrnn

TOLERANCE = {torch.float32: 1e-5, torch.float64: 1e-10}
DTYPES = [torch.float32, torch.float64]


def assert_close(actual, expected, dtype):
    tol = TOLERANCE[dtype]
    torch.testing.assert_close(actual, expected, rtol=tol, atol=tol)


def grads(tensors):
    return [t.grad.clone() for t in tensors]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "ours, theirs",
    [
        (gatedrnn.LSTMCell, nn.LSTMCell),
        (gatedrnn.GRUCell, nn.GRUCell),
        (gatedrnn.VanillaRNNCell, nn.RNNCell),
    ],
)
def test_cell_step_equals_torch_cell(ours, theirs, dtype):
    torch.manual_seed(0)
    I, H, B = 3, 5, 4
    reference = theirs(I, H).to(dtype)
    cell = ours(I, H).to(dtype)
    cell.load_state_dict(reference.state_dict())
    x = torch.randn(B, I, dtype=dtype, requires_grad=True)
    h0 = torch.randn(B, H, dtype=dtype)
    if ours is gatedrnn.LSTMCell:
        c0 = torch.randn(B, H, dtype=dtype)
        h_ref, c_ref = reference(x, (h0, c0))
        h, state = cell(x, gatedrnn.LSTMState(h0, c0))
        assert_close(state.c, c_ref, dtype)
        loss_ref, loss = (h_ref * 1.3 + c_ref).sum(), (h * 1.3 + state.c).sum()
    else:
        h_ref = reference(x, h0)
        h, state = cell(x, gatedrnn.HiddenState(h0))
        loss_ref, loss = (h_ref**2).sum(), (h**2).sum()
    assert_close(h, h_ref, dtype)
    assert_close(state.h, h_ref, dtype)
    (g_x_ref, *g_ref) = torch.autograd.grad(loss_ref, [x, *reference.parameters()])
    (g_x, *g) = torch.autograd.grad(loss, [x, *cell.parameters()])
    assert_close(g_x, g_x_ref, dtype)
    for a, b in zip(g, g_ref, strict=True):
        assert_close(a, b, dtype)


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "readable"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("module_type", [nn.LSTM, nn.GRU, nn.RNN])
def test_recurrent_equals_torch_module(module_type, num_layers, dtype, fast):
    torch.manual_seed(1)
    T, B, I, H = 7, 3, 4, 6
    reference = module_type(I, H, num_layers).to(dtype)
    rnn = gatedrnn.Recurrent.from_torch(reference)
    rnn.fast = fast
    x = torch.randn(T, B, I, dtype=dtype)
    x_ref, x_ours = x.clone().requires_grad_(), x.clone().requires_grad_()
    h0 = torch.randn(num_layers, B, H, dtype=dtype)
    if module_type is nn.LSTM:
        c0 = torch.randn(num_layers, B, H, dtype=dtype)
        initial = [h0.clone().requires_grad_(), c0.clone().requires_grad_()]
        initial_ref = [h0.clone().requires_grad_(), c0.clone().requires_grad_()]
        out_ref, (h_ref, c_ref) = reference(x_ref, tuple(initial_ref))
        out, (h_n, c_n) = rnn(x_ours, gatedrnn.LSTMState(*initial))
        assert_close(c_n, c_ref, dtype)
        finals, finals_ref = [h_n, c_n], [h_ref, c_ref]
    else:
        initial = [h0.clone().requires_grad_()]
        initial_ref = [h0.clone().requires_grad_()]
        out_ref, h_ref = reference(x_ref, initial_ref[0])
        out, (h_n,) = rnn(x_ours, gatedrnn.HiddenState(*initial))
        finals, finals_ref = [h_n], [h_ref]
    assert out.shape == (T, B, H)
    assert_close(out, out_ref, dtype)
    assert_close(h_n, h_ref, dtype)
    weights = torch.linspace(-1, 1, T * B * H, dtype=dtype).reshape(T, B, H)
    loss_ref = (out_ref * weights).sum() + sum((s**2).sum() for s in finals_ref)
    loss = (out * weights).sum() + sum((s**2).sum() for s in finals)
    loss_ref.backward()
    loss.backward()
    assert_close(x_ours.grad, x_ref.grad, dtype)
    for ours, theirs in zip(initial, initial_ref, strict=True):
        assert_close(ours.grad, theirs.grad, dtype)
    for layer, cell in enumerate(rnn.layers):
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            assert_close(
                getattr(cell, name).grad, getattr(reference, f"{name}_l{layer}").grad, dtype
            )


def test_batch_first_matches_torch():
    torch.manual_seed(2)
    reference = nn.LSTM(3, 4, batch_first=True)
    rnn = gatedrnn.Recurrent.from_torch(reference)
    assert rnn.batch_first
    x = torch.randn(5, 9, 3)  # (B, T, I)
    out, (h_n, c_n) = rnn(x)
    out_ref, (h_ref, c_ref) = reference(x)
    assert out.shape == (5, 9, 4)
    assert_close(out, out_ref, torch.float32)
    assert_close(c_n, c_ref, torch.float32)


@pytest.mark.parametrize("module_type", [nn.LSTM, nn.GRU, nn.RNN])
def test_to_torch_round_trip(module_type):
    torch.manual_seed(3)
    rnn = gatedrnn.Recurrent.from_torch(module_type(2, 3, num_layers=2))
    back = rnn.to_torch()
    assert type(back) is module_type
    x = torch.randn(6, 2, 2)
    assert_close(back(x)[0], rnn(x)[0], torch.float32)


def test_to_torch_refuses_a_cell_torch_does_not_have():
    rnn = gatedrnn.Recurrent(gatedrnn.SubLSTMCell(2, 3))
    with pytest.raises(TypeError, match="no torch.nn equivalent"):
        rnn.to_torch()


def test_from_torch_fills_zero_biases_when_torch_has_none():
    reference = nn.GRU(2, 3, bias=False)
    rnn = gatedrnn.Recurrent.from_torch(reference)
    x = torch.randn(4, 2, 2)
    assert_close(rnn(x)[0], reference(x)[0], torch.float32)
    assert torch.all(rnn.layers[0].bias_ih == 0)
