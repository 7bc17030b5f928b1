"""NumPy twins of the cells: the same equations in NumPy, with backpropagation through time by hand.

Each twin runs a whole sequence and keeps what the backward needs::

    twin = twins.from_cell(cell)                      # same weights, names and gate order
    hs, state, cache = twin.forward(x)                # x (T, B, I) -> hs (T, B, H)
    grads = twin.backward(dL_dh, cache)               # dL_dh (T, B, H): ∂L/∂h_t for every t
    grads["weight_hh"], grads["x"], grads["h0"]       # same names as cell.named_parameters()

=================  ===============================  =====================================
twin               torch cell                       initial-state gradients
=================  ===============================  =====================================
``VanillaRNN``     ``VanillaRNNCell``, nn.RNNCell    ``h0``
``RateNetwork``    ``RateCell`` (rate, voltage)     ``r0`` or ``v0``
``LSTM``           ``LSTMCell``, nn.LSTMCell         ``h0``, ``c0``
``SubLSTM``        ``SubLSTMCell``                  ``h0``, ``c0``
``SimpleGRU``      ``SimpleGRUCell``                ``h0``
``GRU``            ``GRUCell``, nn.GRUCell           ``h0``
=================  ===============================  =====================================

Every backward is the forward's equations differentiated one line at a time, with the
lecture's symbols (``di``, ``df``, ``dz``, ``dc``, …); the tests hold each one equal to
PyTorch's autograd and to finite differences.
"""

from __future__ import annotations

from .base import Twin
from .gru import GRU, SimpleGRU
from .lstm import LSTM, SubLSTM
from .nonlinearities import Activation, activation
from .rnn import RateNetwork, VanillaRNN

TWINS = (VanillaRNN, RateNetwork, LSTM, SubLSTM, SimpleGRU, GRU)


def from_cell(cell) -> Twin:
    """The NumPy twin of a torch cell, with its weights (as float64) and options.

    Accepts every gatedrnn cell, and ``torch.nn.RNNCell`` (tanh), ``torch.nn.LSTMCell`` and
    ``torch.nn.GRUCell``.

    >>> twin = from_cell(gatedrnn.GRUCell(3, 5, reset="before"))   # a GRU twin, reset="before"
    """
    from torch import nn

    from .. import cells

    for twin_type in TWINS:
        if isinstance(cell, getattr(cells, twin_type.cell_name)):
            return twin_type.from_cell(cell)
    for twin_type in TWINS:
        torch_type = getattr(nn, twin_type.torch_name) if twin_type.torch_name else None
        if torch_type is not None and isinstance(cell, torch_type):
            return twin_type.from_cell(cell)
    raise TypeError(
        f"from_cell takes a gatedrnn cell (VanillaRNNCell, RateCell, LSTMCell, SubLSTMCell, "
        f"SimpleGRUCell, GRUCell) or torch.nn.RNNCell/LSTMCell/GRUCell; got {type(cell).__name__}"
    )


__all__ = [
    "Twin",
    "TWINS",
    "from_cell",
    "VanillaRNN",
    "RateNetwork",
    "LSTM",
    "SubLSTM",
    "SimpleGRU",
    "GRU",
    "Activation",
    "activation",
]
