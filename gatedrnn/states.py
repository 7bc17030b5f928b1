"""The states cells carry from one time step to the next: named tuples of ``(B, H)`` tensors."""

from __future__ import annotations

from typing import NamedTuple

from torch import Tensor


class HiddenState(NamedTuple):
    """State of the vanilla RNN, simple-GRU and GRU: the output ``h`` (B, H)."""

    h: Tensor


class LSTMState(NamedTuple):
    """State of the LSTM and subLSTM: output ``h`` (B, H) and memory cell ``c`` (B, H)."""

    h: Tensor
    c: Tensor


class RateState(NamedTuple):
    """State of a rate network in the rate form: the firing rates ``r`` (B, H)."""

    r: Tensor


class VoltageState(NamedTuple):
    """State of a rate network in the voltage form: voltages ``v`` (B, H); rates are ``φ(v)``."""

    v: Tensor
