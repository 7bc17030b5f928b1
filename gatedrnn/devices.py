"""Pick the fastest device this machine offers."""

from __future__ import annotations

import torch


def device() -> torch.device:
    """The best available device: CUDA, then Apple's MPS, then the CPU.

    >>> rnn = gatedrnn.Recurrent(gatedrnn.LSTMCell(1, 64)).to(gatedrnn.device())
    """
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")
