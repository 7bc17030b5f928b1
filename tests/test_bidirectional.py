"""Recurrent(..., bidirectional=True) against torch.nn.LSTM/GRU/RNN with copied weights."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import gatedrnn

T, B, I, H = 7, 3, 4, 5
NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def torch_parameter(module: nn.RNNBase, name: str, layer: int, direction: int) -> nn.Parameter:
    return getattr(module, f"{name}_l{layer}{'_reverse' if direction else ''}")


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "readable"])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("module_type", [nn.LSTM, nn.GRU, nn.RNN])
def test_bidirectional_equals_torch_in_values_and_gradients(module_type, num_layers, fast):
    torch.manual_seed(num_layers)
    reference = module_type(I, H, num_layers=num_layers, bidirectional=True).double()
    rnn = gatedrnn.Recurrent.from_torch(reference)
    rnn.fast = fast
    assert rnn.bidirectional and rnn.num_layers == num_layers
    if num_layers == 2:
        assert rnn.layers[1].input_size == 2 * H and rnn.layers_reverse[1].input_size == 2 * H
    x = torch.randn(T, B, I, dtype=torch.float64)
    x_ours, x_ref = x.clone().requires_grad_(), x.clone().requires_grad_()
    fields = 2 if module_type is nn.LSTM else 1
    initial = [torch.randn(2 * num_layers, B, H, dtype=torch.float64) for _ in range(fields)]
    ours0 = [s.clone().requires_grad_() for s in initial]
    ref0 = [s.clone().requires_grad_() for s in initial]

    out, final = rnn(x_ours, tuple(ours0))
    out_ref, final_ref = reference(x_ref, tuple(ref0) if fields == 2 else ref0[0])
    final_ref = final_ref if fields == 2 else (final_ref,)

    assert out.shape == (T, B, 2 * H)
    torch.testing.assert_close(out, out_ref)
    for ours, theirs in zip(final, final_ref, strict=True):
        assert ours.shape == (2 * num_layers, B, H)
        torch.testing.assert_close(ours, theirs)

    weights = torch.linspace(-1, 1, T * B * 2 * H, dtype=torch.float64).reshape(T, B, 2 * H)
    loss = (out * weights).sum() + sum((s**2).sum() for s in final)
    loss_ref = (out_ref * weights).sum() + sum((s**2).sum() for s in final_ref)
    loss.backward()
    loss_ref.backward()
    torch.testing.assert_close(x_ours.grad, x_ref.grad)
    for ours, theirs in zip(ours0, ref0, strict=True):
        torch.testing.assert_close(ours.grad, theirs.grad)
    for layer in range(num_layers):
        for direction, cells in enumerate((rnn.layers, rnn.layers_reverse)):
            for name in NAMES:
                torch.testing.assert_close(
                    getattr(cells[layer], name).grad,
                    torch_parameter(reference, name, layer, direction).grad,
                )


@pytest.mark.parametrize("module_type", [nn.LSTM, nn.GRU, nn.RNN])
def test_bidirectional_round_trip_through_torch(module_type):
    torch.manual_seed(4)
    reference = module_type(I, H, num_layers=2, bidirectional=True, batch_first=True)
    back = gatedrnn.Recurrent.from_torch(reference).to_torch()
    assert type(back) is module_type and back.bidirectional and back.batch_first
    for name, parameter in reference.named_parameters():
        torch.testing.assert_close(getattr(back, name), parameter, rtol=0, atol=0)


def test_backward_direction_is_the_cell_over_the_reversed_sequence():
    """A cell torch has no module for: each direction and layer stepped by hand."""
    torch.manual_seed(5)
    rnn = gatedrnn.Recurrent(gatedrnn.SubLSTMCell(I, H), 2, bidirectional=True).double()
    x = torch.randn(T, B, I, dtype=torch.float64)
    out, (h_n, c_n) = rnn(x)

    def run(cell, inputs):
        state, outputs = None, []
        for x_t in inputs.unbind(0):
            h, state = cell(x_t, state)
            outputs.append(h)
        return torch.stack(outputs), state

    forward0, s_f0 = run(rnn.layers[0], x)
    backward0, s_b0 = run(rnn.layers_reverse[0], x.flip(0))
    layer1_input = torch.cat([forward0, backward0.flip(0)], dim=2)  # (T, B, 2H)
    forward1, s_f1 = run(rnn.layers[1], layer1_input)
    backward1, s_b1 = run(rnn.layers_reverse[1], layer1_input.flip(0))
    expected = torch.cat([forward1, backward1.flip(0)], dim=2)
    torch.testing.assert_close(out, expected)
    torch.testing.assert_close(h_n, torch.stack([s_f0.h, s_b0.h, s_f1.h, s_b1.h]))
    torch.testing.assert_close(c_n, torch.stack([s_f0.c, s_b0.c, s_f1.c, s_b1.c]))


def test_bidirectional_state_of_the_wrong_shape_names_the_expected_one():
    rnn = gatedrnn.Recurrent(gatedrnn.GRUCell(I, H), 2, bidirectional=True)
    expected = r"\(num_layers \* 2, B, H\) = \(4, 3, 5\); got \(2, 3, 5\)"
    with pytest.raises(ValueError, match=expected):
        rnn(torch.randn(T, B, I), torch.zeros(2, B, H))
