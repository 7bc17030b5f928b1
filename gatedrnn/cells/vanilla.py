"""The vanilla (Elman) recurrent network."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ..states import HiddenState
from .base import RecurrentCell


class VanillaRNNCell(RecurrentCell):
    r"""One step of the vanilla RNN.

    .. math::
        h_t = \tanh(W x_t + b_{ih} + R h_{t-1} + b_{hh})

    ==============  =========  ===================================
    symbol          attribute  shape
    ==============  =========  ===================================
    :math:`W`       weight_ih  (H, I)
    :math:`R`       weight_hh  (H, H)
    :math:`b`       bias_ih, bias_hh  (H,) each
    ==============  =========  ===================================

    The layout is ``torch.nn.RNNCell``'s, so state dicts copy both ways.

    >>> cell = VanillaRNNCell(3, 5)
    >>> h, state = cell(torch.randn(2, 3))   # h: (2, 5)
    """

    state_type = HiddenState

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__(input_size, hidden_size)
        H, I = hidden_size, input_size
        self.weight_ih = nn.Parameter(torch.empty(H, I))
        self.weight_hh = nn.Parameter(torch.empty(H, H))
        self.bias_ih = nn.Parameter(torch.empty(H))
        self.bias_hh = nn.Parameter(torch.empty(H))
        self.reset_parameters()

    def forward(self, x_t: Tensor, state: HiddenState | None = None) -> tuple[Tensor, HiddenState]:
        (h_prev,) = self.prepare(x_t, state)
        W, R, b_ih, b_hh = self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh
        h = torch.tanh(x_t @ W.T + b_ih + h_prev @ R.T + b_hh)
        return h, HiddenState(h)
