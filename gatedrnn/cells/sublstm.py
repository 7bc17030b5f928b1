"""The subtractive-gated LSTM of Costa et al. 2017: inhibitory gates subtract, not multiply."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ..states import LSTMState
from .base import RecurrentCell


class SubLSTMCell(RecurrentCell):
    r"""One step of the subLSTM (Costa et al., NIPS 2017), or of fix-subLSTM.

    .. math::
        [i_t, f_t, z_t, o_t] = \sigma(W x_t + R h_{t-1} + b)  \\
        c_t = f_t \odot c_{t-1} + z_t - i_t  \\
        h_t = \sigma(c_t) - o_t

    Every unit is a sigmoid (a non-negative firing rate); the input and output gates are
    inhibitory cells that *subtract* from the candidate and the output. With
    ``fixed_forget=True`` (fix-subLSTM) the forget gate is one learned value per unit,
    ``f = σ(forget_logit)`` in [0, 1], independent of the input.

    Fused blocks are in the LSTM's order **(i, f, z, o)**; (i, z, o) when ``fixed_forget``.

    ==============  ==============  =====================================
    symbol          attribute       shape
    ==============  ==============  =====================================
    :math:`W`       weight_ih       (4H, I), or (3H, I) when fixed_forget
    :math:`R`       weight_hh       (4H, H), or (3H, H) when fixed_forget
    :math:`b`       bias_ih, bias_hh  (4H,) or (3H,) each
    :math:`f`       σ(forget_logit)  (H,), fix-subLSTM only
    ==============  ==============  =====================================

    >>> cell = SubLSTMCell(3, 5, fixed_forget=True)
    >>> h, (h, c) = cell(torch.randn(2, 3))   # h, c: (2, 5)
    """

    state_type = LSTMState

    def __init__(self, input_size: int, hidden_size: int, *, fixed_forget: bool = False):
        super().__init__(input_size, hidden_size)
        self.fixed_forget = bool(fixed_forget)
        H, I = hidden_size, input_size
        G = 3 if fixed_forget else 4
        self.weight_ih = nn.Parameter(torch.empty(G * H, I))
        self.weight_hh = nn.Parameter(torch.empty(G * H, H))
        self.bias_ih = nn.Parameter(torch.empty(G * H))
        self.bias_hh = nn.Parameter(torch.empty(G * H))
        if fixed_forget:
            self.forget_logit = nn.Parameter(torch.empty(H))
        self.reset_parameters()

    @property
    def gate_order(self) -> tuple[str, ...]:
        return ("i", "z", "o") if self.fixed_forget else ("i", "f", "z", "o")

    def gates(self, x_t: Tensor, state: LSTMState | None = None) -> dict[str, Tensor]:
        """The gates ``i, f, o`` and the candidate ``z`` at this step, each (B, H)."""
        h_prev, _ = self.prepare(x_t, state)
        g = {name: torch.sigmoid(a) for name, a in self.pre_activations(x_t, h_prev).items()}
        if self.fixed_forget:  # one learned value per unit, the same for every input
            g["f"] = torch.sigmoid(self.forget_logit).expand_as(g["i"])
        return {name: g[name] for name in ("i", "f", "z", "o")}

    def forward(self, x_t: Tensor, state: LSTMState | None = None) -> tuple[Tensor, LSTMState]:
        h_prev, c_prev = state = self.prepare(x_t, state)
        i, f, z, o = self.gates(x_t, state).values()  # (B, H) each
        c = f * c_prev + z - i
        h = torch.sigmoid(c) - o
        return h, LSTMState(h, c)
