"""Gated recurrent units: the rate network with a learned, dynamic time constant."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn

from ..nonlinearities import resolve
from ..states import HiddenState
from .base import RecurrentCell

RESETS = ("after", "before")


class SimpleGRUCell(RecurrentCell):
    r"""The simple-GRU of the notes (eq. 14–15): a rate network whose ``z = Δt/τ`` is a gate.

    .. math::
        z_t = \sigma(W_z x_t + R_z h_{t-1} + b_z)  \\
        h_t = (1 - z_t) \odot h_{t-1} + z_t \odot \varphi(W_n x_t + R_n h_{t-1} + b_n)

    ``z → 0`` integrates (a long time constant), ``z → 1`` forgets. It is the LSTM with
    ``φ2`` the identity, no output gate and ``i = 1 - f = z``. Fused blocks: **(z, n)**.

    ==============  ===========  ==========
    symbol          attribute    shape
    ==============  ===========  ==========
    :math:`W`       weight_ih    (2H, I)
    :math:`R`       weight_hh    (2H, H)
    :math:`b`       bias_ih, bias_hh  (2H,) each
    ==============  ===========  ==========

    >>> h, state = SimpleGRUCell(3, 5)(torch.randn(2, 3))   # h: (2, 5)
    """

    state_type = HiddenState

    def __init__(
        self, input_size: int, hidden_size: int, *, phi: str | Callable[[Tensor], Tensor] = "tanh"
    ):
        super().__init__(input_size, hidden_size)
        self.phi = resolve(phi)
        H, I = hidden_size, input_size
        self.weight_ih = nn.Parameter(torch.empty(2 * H, I))
        self.weight_hh = nn.Parameter(torch.empty(2 * H, H))
        self.bias_ih = nn.Parameter(torch.empty(2 * H))
        self.bias_hh = nn.Parameter(torch.empty(2 * H))
        self.reset_parameters()

    gate_order = ("z", "n")

    def gates(self, x_t: Tensor, state: HiddenState | None = None) -> dict[str, Tensor]:
        """The gate ``z`` and the candidate ``n = φ(W_n x_t + R_n h_{t-1} + b_n)``, (B, H) each."""
        (h_prev,) = self.prepare(x_t, state)
        a = self.pre_activations(x_t, h_prev)  # {"z": (B, H), "n": (B, H)}
        return {"z": torch.sigmoid(a["z"]), "n": self.phi(a["n"])}

    def forward(self, x_t: Tensor, state: HiddenState | None = None) -> tuple[Tensor, HiddenState]:
        (h_prev,) = state = self.prepare(x_t, state)
        z, n = self.gates(x_t, state).values()  # (B, H) each
        h = (1 - z) * h_prev + z * n
        return h, HiddenState(h)


class GRUCell(RecurrentCell):
    r"""One step of the gated recurrent unit, with the reset gate after or before ``R``.

    In the notes' form (eq. 16–18), with reset gate :math:`r_t` (the notes' :math:`o_t`) and
    :math:`z_t = 1 - u_t`, where :math:`u_t` is PyTorch's update gate:

    .. math::
        r_t = \sigma(W_r x_t + b_{ir} + R_r h_{t-1} + b_{hr})  \\
        u_t = \sigma(W_u x_t + b_{iu} + R_u h_{t-1} + b_{hu}), \qquad z_t = 1 - u_t  \\
        n_t = \tanh(W_n x_t + b_{in} + r_t \odot (R_n h_{t-1} + b_{hn}))
            \quad \text{reset="after" (PyTorch, cuDNN)}  \\
        n_t = \tanh(W_n x_t + b_{in} + R_n (r_t \odot h_{t-1}) + b_{hn})
            \quad \text{reset="before" (Cho et al. 2014, the notes)}  \\
        h_t = (1 - z_t) \odot h_{t-1} + z_t \odot n_t

    Fused blocks are ``torch.nn.GRUCell``'s **(r, u, n)** (PyTorch names them (r, z, n)), so
    ``GRUCell(I, H).load_state_dict(torch.nn.GRUCell(I, H).state_dict())`` works with the
    default ``reset="after"``.

    ==============  ===========  ==========
    symbol          attribute    shape
    ==============  ===========  ==========
    :math:`W`       weight_ih    (3H, I)
    :math:`R`       weight_hh    (3H, H)
    :math:`b`       bias_ih, bias_hh  (3H,) each
    ==============  ===========  ==========

    >>> h, state = GRUCell(3, 5, reset="before")(torch.randn(2, 3))   # h: (2, 5)
    """

    state_type = HiddenState

    def __init__(self, input_size: int, hidden_size: int, *, reset: str = "after"):
        super().__init__(input_size, hidden_size)
        if reset not in RESETS:
            raise ValueError(
                f"reset must be 'after' (PyTorch, cuDNN) or 'before' (Cho et al. 2014, the "
                f"notes); got {reset!r}"
            )
        self.reset = reset
        H, I = hidden_size, input_size
        self.weight_ih = nn.Parameter(torch.empty(3 * H, I))
        self.weight_hh = nn.Parameter(torch.empty(3 * H, H))
        self.bias_ih = nn.Parameter(torch.empty(3 * H))
        self.bias_hh = nn.Parameter(torch.empty(3 * H))
        self.reset_parameters()

    gate_order = ("r", "u", "n")  # torch.nn.GRUCell's (r, z, n)

    def gates(self, x_t: Tensor, state: HiddenState | None = None) -> dict[str, Tensor]:
        """The reset gate ``r``, update gate ``u``, candidate ``n``, ``z = 1 - u``; (B, H) each."""
        (h_prev,) = self.prepare(x_t, state)
        W_r, W_u, W_n = self.weight_ih.chunk(3, dim=0)  # (H, I) each
        R_r, R_u, R_n = self.weight_hh.chunk(3, dim=0)  # (H, H) each
        b_ir, b_iu, b_in = self.bias_ih.chunk(3)
        b_hr, b_hu, b_hn = self.bias_hh.chunk(3)
        r = torch.sigmoid(x_t @ W_r.T + b_ir + h_prev @ R_r.T + b_hr)
        u = torch.sigmoid(x_t @ W_u.T + b_iu + h_prev @ R_u.T + b_hu)
        if self.reset == "after":
            n = torch.tanh(x_t @ W_n.T + b_in + r * (h_prev @ R_n.T + b_hn))
        else:
            n = torch.tanh(x_t @ W_n.T + b_in + (r * h_prev) @ R_n.T + b_hn)
        return {"r": r, "u": u, "n": n, "z": 1 - u}

    def forward(self, x_t: Tensor, state: HiddenState | None = None) -> tuple[Tensor, HiddenState]:
        (h_prev,) = state = self.prepare(x_t, state)
        g = self.gates(x_t, state)
        z, n = g["z"], g["n"]
        h = (1 - z) * h_prev + z * n
        return h, HiddenState(h)
