"""The standard cells on PyTorch's own fused sequence kernels, with the cell's parameters.

``LSTMCell()`` with its defaults, ``GRUCell(reset="after")`` and ``VanillaRNNCell`` compute
exactly what ``torch.nn.LSTM``, ``torch.nn.GRU`` and ``torch.nn.RNN`` compute, with the same
weight layout. So, as those modules' ``forward`` does, the layer calls the kernels behind them
(oneDNN on CPU, cuDNN on GPU) with the flat weight list ``[W, R, b_ih, b_hh]`` — here the cell's
own parameters, so the gradients land on them.
"""

from __future__ import annotations

import contextlib
import warnings

import torch
from torch import Tensor

from ..cells import GRUCell, LSTMCell, VanillaRNNCell
from ..states import HiddenState, LSTMState
from .registry import serves

MODULES = {LSTMCell: "LSTM", GRUCell: "GRU", VanillaRNNCell: "RNN"}  # the module of each kernel


@serves(VanillaRNNCell)
def _vanilla(cell: VanillaRNNCell) -> str:
    return "torch"


def _weights(cell) -> list[Tensor]:
    return [cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh]


def run_torch_kernel(cell, x: Tensor, state) -> tuple[Tensor, tuple]:
    """One layer of ``torch.nn.LSTM``/``GRU``/``RNN`` (tanh): x (T, B, I) -> (T, B, H), state."""
    # after the weights: has_biases, num_layers, dropout, train, bidirectional, batch_first
    options = (True, 1, 0.0, cell.training, False, False)
    with _quiet_cudnn() if x.is_cuda else contextlib.nullcontext():
        if type(cell) is LSTMCell:
            h0, c0 = state
            Y, h, c = torch._VF.lstm(
                x, (h0.unsqueeze(0), c0.unsqueeze(0)), _weights(cell), *options
            )
            return Y, LSTMState(h[0], c[0])
        kernel = torch._VF.gru if type(cell) is GRUCell else torch._VF.rnn_tanh
        assert type(cell) in (GRUCell, VanillaRNNCell)
        Y, h = kernel(x, state[0].unsqueeze(0), _weights(cell), *options)
        return Y, HiddenState(h[0])


@contextlib.contextmanager
def _quiet_cudnn():
    """cuDNN warns that weights outside one flat buffer are compacted at every call: they are."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="RNN module weights are not part")
        yield
