"""Stacked layers match the given cell, bad inputs get clear messages, no hidden side effects."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch
from torch import nn

import gatedrnn
from gatedrnn import Recurrent

# --- stacked layers are built like the cell given ----------------------------------------------

CELLS = {
    "LSTMCell": lambda: gatedrnn.LSTMCell(3, 4),
    "GRUCell": lambda: gatedrnn.GRUCell(3, 4),
    "SubLSTMCell": lambda: gatedrnn.SubLSTMCell(3, 4),
    "RateCell": lambda: gatedrnn.RateCell(3, 4, tau=10.0, dt=1.0, dale=0.5),
}


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("make", CELLS.values(), ids=CELLS.keys())
def test_upper_layers_take_a_float64_cells_dtype_and_run(make, bidirectional):
    cell = make().double()
    rnn = Recurrent(cell, 3, bidirectional=bidirectional)
    tensors = list(rnn.parameters()) + list(rnn.buffers())
    assert {t.dtype for t in tensors} == {torch.float64}
    out, _ = rnn(torch.randn(5, 2, 3, dtype=torch.float64))
    assert out.dtype == torch.float64


@pytest.mark.parametrize("make", CELLS.values(), ids=CELLS.keys())
def test_upper_layers_take_the_cells_device(make):
    cell = make().to("meta")
    rnn = Recurrent(cell, 2, bidirectional=True)
    tensors = list(rnn.parameters()) + list(rnn.buffers())
    assert {t.device.type for t in tensors} == {"meta"}


def test_upper_rate_cells_keep_the_buffers_values():
    cell = gatedrnn.RateCell(3, 4, tau=[5.0, 10.0, 20.0, 40.0], dt=2.0, dale=0.5).double()
    rnn = Recurrent(cell, 2)
    torch.testing.assert_close(rnn.layers[1].z, cell.z, rtol=0, atol=0)
    torch.testing.assert_close(rnn.layers[1].signs, cell.signs, rtol=0, atol=0)


# --- side effects --------------------------------------------------------------------------------


@pytest.mark.parametrize("module_type", [nn.LSTM, nn.GRU, nn.RNN])
def test_bias_false_survives_the_round_trip_through_torch(module_type):
    torch.manual_seed(0)
    reference = module_type(2, 3, num_layers=2, bias=False)
    rnn = Recurrent.from_torch(reference)
    assert not rnn.bias
    back = rnn.to_torch()
    assert back.bias is False
    assert sorted(name for name, _ in back.named_parameters()) == sorted(
        name for name, _ in reference.named_parameters()
    )
    x = torch.randn(6, 2, 2)
    torch.testing.assert_close(back(x)[0], reference(x)[0])
    out, _ = rnn(x)
    out.sum().backward()
    assert all(cell.bias_ih.grad is None for cell in rnn.layers)  # biases are not trained


def test_to_torch_refuses_a_bias_it_cannot_hold():
    rnn = Recurrent(gatedrnn.LSTMCell(2, 3), bias=False)
    with torch.no_grad():
        rnn.layers[0].bias_hh.fill_(0.5)
    with pytest.raises(ValueError, match=r"bias=False but bias_hh of a layer is not zero"):
        rnn.to_torch()


def test_mnist1d_leaves_every_random_state_as_it_found_it():
    import importlib

    module = importlib.import_module("gatedrnn.tasks.mnist1d")
    module._make_dataset.cache_clear()  # the generator must run, not the cache
    random.seed(123)
    np.random.seed(123)
    torch.manual_seed(123)
    before = (random.getstate(), np.random.get_state(), torch.get_rng_state())
    module.mnist1d(num_samples=200)
    after = (random.getstate(), np.random.get_state(), torch.get_rng_state())
    assert after[0] == before[0]
    assert all(np.array_equal(a, b) for a, b in zip(after[1], before[1], strict=True))
    assert torch.equal(after[2], before[2])
