"""The notes' reductions as constructors: a gated cell with pinned gates reproduces a simpler one.

* :func:`lstm_from_rate_cell` — the LSTM with ``o = 1``, ``i = z`` and ``f = 1 - z`` held fixed
  is the rate network (notes eq. 13): ``φ2`` the identity gives the rate form, ``φ1`` the
  identity the voltage form.
* :func:`lstm_from_simple_gru` — the simple-GRU is the coupled LSTM (``i = 1 - f``) with ``φ2``
  the identity and no output gate (``o = 1``).

A gate is pinned by zeroing its weights and setting its bias to ``logit(value)``; ``o = 1`` uses
a bias of ``SATURATED`` (σ(40) rounds to exactly 1 in float32 and float64).
"""

from __future__ import annotations

import torch
from torch import Tensor

from .cells import LSTMCell, RateCell, SimpleGRUCell

SATURATED = 40.0


def lstm_from_rate_cell(cell: RateCell) -> LSTMCell:
    """An LSTM with fixed gates that computes exactly what the rate network ``cell`` does.

    Candidate weights are the rate network's ``W``, ``R`` (the effective one, Dale included)
    and ``b``; ``i = z = dt/tau``, ``f = 1 - z``, ``o = 1``. The returned cell's ``c`` is the
    rate ``r`` (rate form) or the voltage ``v`` (voltage form), and its ``h`` is the rate.

    >>> rate = RateCell(2, 10, tau=5.0, phi="relu")
    >>> lstm = lstm_from_rate_cell(rate)   # lstm(x_t, (h, c)) reproduces rate(x_t, r)
    """
    if not isinstance(cell, RateCell):
        raise TypeError(f"lstm_from_rate_cell takes a gatedrnn.RateCell; got {type(cell).__name__}")
    if cell.form == "rate":
        phi1, phi2 = cell.phi, "identity"  # r_t = c_t, h_t = c_t
    else:
        phi1, phi2 = "identity", cell.phi  # v_t = c_t, h_t = φ(c_t)
    reference = cell.weight_ih
    lstm = LSTMCell(cell.input_size, cell.hidden_size, phi1=phi1, phi2=phi2).to(
        dtype=reference.dtype, device=reference.device
    )
    z = cell.z.to(reference.dtype)
    with torch.no_grad():
        _pin(lstm, "i", z)
        _pin(lstm, "f", 1 - z)
        _pin(lstm, "o", None)
        _set_block(lstm, "z", cell.weight_ih, cell.recurrent_weight, cell.bias)
    return lstm


def lstm_from_simple_gru(cell: SimpleGRUCell) -> LSTMCell:
    """The coupled LSTM (``f = 1 - i``, ``i = z``) with ``φ2`` = identity and ``o = 1``.

    >>> lstm = lstm_from_simple_gru(SimpleGRUCell(2, 10))   # same h_t for the same inputs
    """
    if not isinstance(cell, SimpleGRUCell):
        raise TypeError(
            f"lstm_from_simple_gru takes a gatedrnn.SimpleGRUCell; got {type(cell).__name__}"
        )
    reference = cell.weight_ih
    lstm = LSTMCell(
        cell.input_size, cell.hidden_size, phi1=cell.phi, phi2="identity", coupled=True
    ).to(dtype=reference.dtype, device=reference.device)

    def block(g: str) -> tuple[Tensor, Tensor, Tensor]:
        rows = cell.block(g)
        return cell.weight_ih[rows], cell.weight_hh[rows], cell.bias_ih[rows] + cell.bias_hh[rows]

    with torch.no_grad():
        _set_block(lstm, "i", *block("z"))  # the simple-GRU's z is the LSTM's input gate
        _set_block(lstm, "z", *block("n"))
        _pin(lstm, "o", None)
    return lstm


def _set_block(lstm: LSTMCell, gate: str, W: Tensor, R: Tensor, b: Tensor) -> None:
    rows = lstm.block(gate)
    lstm.weight_ih[rows] = W
    lstm.weight_hh[rows] = R
    lstm.bias_ih[rows] = b
    lstm.bias_hh[rows] = 0.0


def _pin(lstm: LSTMCell, gate: str, value: Tensor | None) -> None:
    """Hold a gate at ``value`` (a (H,) tensor in (0, 1)), or at 1 when ``value`` is None."""
    rows = lstm.block(gate)
    lstm.weight_ih[rows] = 0.0
    lstm.weight_hh[rows] = 0.0
    lstm.bias_hh[rows] = 0.0
    lstm.bias_ih[rows] = SATURATED if value is None else torch.logit(value)
