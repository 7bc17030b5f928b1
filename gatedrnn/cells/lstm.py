"""Long short-term memory: a rate network whose time constants and inputs are gated."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn

from ..nonlinearities import resolve
from ..states import LSTMState
from .base import RecurrentCell


class LSTMCell(RecurrentCell):
    r"""One step of the LSTM (notes eq. 6–10), with optional peepholes and coupled gates.

    .. math::
        i_t = \sigma(W_i x_t + R_i h_{t-1} + b_i) \qquad
        f_t = \sigma(W_f x_t + R_f h_{t-1} + b_f)  \\
        z_t = \varphi_1(W_z x_t + R_z h_{t-1} + b_z)  \\
        c_t = f_t \odot c_{t-1} + i_t \odot z_t  \\
        o_t = \sigma(W_o x_t + R_o h_{t-1} + b_o)  \\
        h_t = o_t \odot \varphi_2(c_t)

    Each :math:`b` is ``bias_ih + bias_hh`` of its block. Fused weights stack the gate blocks
    in the order **(i, f, z, o)**, PyTorch's ``(i, f, g, o)``, so
    ``LSTMCell(I, H).load_state_dict(torch.nn.LSTMCell(I, H).state_dict())`` works.

    ==============  ===========  =====================================
    symbol          attribute    shape
    ==============  ===========  =====================================
    :math:`W`       weight_ih    (4H, I), or (3H, I) when coupled
    :math:`R`       weight_hh    (4H, H), or (3H, H) when coupled
    :math:`b`       bias_ih, bias_hh  (4H,) or (3H,) each
    peepholes       weight_ci, weight_cf, weight_co  (H,) each (no weight_cf when coupled)
    ==============  ===========  =====================================

    Args:
        phi1: candidate nonlinearity (``"tanh"``; ``"identity"`` and fixed gates give the
            voltage-form rate network).
        phi2: output nonlinearity (``"tanh"``; ``"identity"`` gives the rate form).
        peephole: the gates also see the memory cell (Gers & Schmidhuber 2000):
            ``i`` and ``f`` add ``w_ci ⊙ c_{t-1}`` and ``w_cf ⊙ c_{t-1}``;
            ``o`` adds ``w_co ⊙ c_t``.
        coupled: one gate for input and forgetting, ``f_t = 1 - i_t`` (Greff et al.'s CIFG);
            the fused blocks are then (i, z, o).

    >>> cell = LSTMCell(3, 5)
    >>> h, (h, c) = cell(torch.randn(2, 3))   # h, c: (2, 5)
    """

    state_type = LSTMState

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        *,
        phi1: str | Callable[[Tensor], Tensor] = "tanh",
        phi2: str | Callable[[Tensor], Tensor] = "tanh",
        peephole: bool = False,
        coupled: bool = False,
    ):
        super().__init__(input_size, hidden_size)
        self.phi1 = resolve(phi1, name="phi1")
        self.phi2 = resolve(phi2, name="phi2")
        self.peephole = bool(peephole)
        self.coupled = bool(coupled)
        H, I = hidden_size, input_size
        G = 3 if coupled else 4
        self.weight_ih = nn.Parameter(torch.empty(G * H, I))
        self.weight_hh = nn.Parameter(torch.empty(G * H, H))
        self.bias_ih = nn.Parameter(torch.empty(G * H))
        self.bias_hh = nn.Parameter(torch.empty(G * H))
        if peephole:
            self.weight_ci = nn.Parameter(torch.empty(H))
            if not coupled:
                self.weight_cf = nn.Parameter(torch.empty(H))
            self.weight_co = nn.Parameter(torch.empty(H))
        self.reset_parameters()

    @property
    def gate_order(self) -> tuple[str, ...]:
        return ("i", "z", "o") if self.coupled else ("i", "f", "z", "o")

    def gates(self, x_t: Tensor, state: LSTMState | None = None) -> dict[str, Tensor]:
        """The gates ``i, f, o`` and the candidate ``z`` at this step, each (B, H)."""
        gates, _ = self.step(x_t, state)
        return gates

    def step(self, x_t: Tensor, state: LSTMState | None = None) -> tuple[dict[str, Tensor], Tensor]:
        """The gates by name and the new memory ``c_t``: the output gate may see ``c_t``."""
        h_prev, c_prev = self.prepare(x_t, state)
        a = self.pre_activations(x_t, h_prev)  # {"i": (B, H), "f": ..., "z": ..., "o": ...}
        if self.peephole:
            a["i"] = a["i"] + self.weight_ci * c_prev
            if not self.coupled:
                a["f"] = a["f"] + self.weight_cf * c_prev
        i = torch.sigmoid(a["i"])
        f = 1 - i if self.coupled else torch.sigmoid(a["f"])
        z = self.phi1(a["z"])
        c = f * c_prev + i * z
        if self.peephole:
            a["o"] = a["o"] + self.weight_co * c
        o = torch.sigmoid(a["o"])
        return {"i": i, "f": f, "z": z, "o": o}, c

    def forward(self, x_t: Tensor, state: LSTMState | None = None) -> tuple[Tensor, LSTMState]:
        gates, c = self.step(x_t, state)
        h = gates["o"] * self.phi2(c)
        return h, LSTMState(h, c)
