"""Fused fast paths that :class:`gatedrnn.Recurrent` uses by default (``fast=True``).

======================================================  =========================================
cell                                                    fast path
======================================================  =========================================
``LSTMCell()`` (tanh, tanh, no peephole, not coupled)   ``torch.nn.LSTM``'s kernel (oneDNN, cuDNN)
``VanillaRNNCell``                                      ``torch.nn.RNN``'s kernel (tanh)
``GRUCell(reset="after")``                              on a GPU ``torch.nn.GRU``'s kernel (cuDNN);
                                                        on the CPU a fused sequence (:mod:`.gru`),
                                                        compiled loop
other ``LSTMCell`` options (φ1, φ2, peephole, coupled)  fused sequence (:mod:`.lstm`), compiled
                                                        loop unless a φ is the power law
``SubLSTMCell`` (also ``fixed_forget``)                 fused sequence (:mod:`.sublstm`), compiled
                                                        loop
``GRUCell(reset="before")``                             fused sequence (:mod:`.gru`), compiled loop
``SimpleGRUCell``                                       fused sequence (:mod:`.gru`)
``RateCell`` (rate, voltage; tanh, relu, ssn; Dale)     fused sequence (:mod:`.rate`)
======================================================  =========================================

A fused sequence is one autograd function per layer: the input projection hoisted out of the
loop, the loop written into preallocated buffers, and a hand-derived BPTT (:mod:`.sequence`).
The subLSTM, the LSTM variants and both GRUs run their whole loop in C (``loops.c``, each
cell's pointwise work in ``steps.c``), their batch rows shared among torch's threads
(:mod:`.runtime`), split the same way at every call. They are compiled at first
use by :mod:`.compiled`; without a C compiler the same equations run as torch operations. On
the CPU, ``torch.nn.GRU``'s kernel is not oneDNN's and is slower than ``torch.nn.LSTM``'s; the
fused GRU beats it.

Everything else runs the readable loop over the cell: a subclass of a cell (a student's own cell
is dispatched on its exact type, so it is never mistaken for its parent), a φ given as a callable,
a cell with forward hooks, and calls under ``torch.func`` transforms, forward-mode AD or autocast.
``Recurrent(..., fast=False)`` forces the readable loop. The tests hold every fast path equal to
the readable cells in values and in gradients.
"""

from __future__ import annotations

import torch
import torch.autograd.forward_ad as forward_ad
from torch import Tensor

from ..cells import RecurrentCell
from . import compiled, gru, lstm, rate, sublstm, torch_kernels  # noqa: F401 (each registers its cells)
from .registry import fast_path
from .sequence import FusedSequence, Kernel


def run_layer(cell: RecurrentCell, x: Tensor, state) -> tuple[Tensor, tuple] | None:
    """A fused run of ``cell`` over ``x`` (T, B, I): (outputs (T, B, H), final state), or ``None``.

    ``state`` is the cell's state (fields (B, H)) or None for zeros. ``None`` is returned when no
    fast path applies: the runner then steps the readable cell.
    """
    path = fast_path(cell)
    if path is None or not _plain_call(cell, x, state):
        return None
    zero_state = state is None
    if zero_state:
        state = cell.init_state(x.shape[1])
    if path == "torch":
        return torch_kernels.run_torch_kernel(cell, x, state)
    path.zero_state = zero_state
    outputs = FusedSequence.apply(path, cell, x, *state, *path.parameters(cell))
    return outputs[0], cell.state_type(*outputs[1:])


def describe(cell: RecurrentCell) -> str:
    """Which path ``Recurrent`` takes for ``cell``: a short name for tables and tests."""
    path = fast_path(cell)
    if path is None:
        return "readable loop"
    if path == "torch":
        return f"torch.nn.{torch_kernels.MODULES[type(cell)]} kernel"
    name = f"fused {type(path).__name__.removesuffix('Kernel')}"
    weight = cell.weight_hh
    if path.has_compiled_loop and compiled.loops(weight.dtype, weight.device) is not None:
        name += ", compiled loop"
    return name


#: The private torch functions the fast paths call (every torch >= 2.2 has them). Where one is
#: missing, every call takes the readable loop.
PRIVATE_TORCH = (
    "_C._are_functorch_transforms_active",
    "_C._functorch.is_functorch_wrapped_tensor",
    "_C._functorch.is_legacy_batchedtensor",
    "_VF.lstm",
    "_VF.gru",
    "_VF.rnn_tanh",
    "autograd.forward_ad._current_level",
)


def _has_private(name: str) -> bool:
    found = torch
    for part in name.split("."):
        found = getattr(found, part, None)
        if found is None:
            return False
    return True


def _plain_call(cell: RecurrentCell, x: Tensor, state) -> bool:
    """No hooks on the cell, no transform or autocast around the call, one dtype and device,
    and the private torch functions of the fast paths at hand."""
    if cell._forward_hooks or cell._forward_pre_hooks or "forward" in cell.__dict__:
        return False
    if not all(_has_private(name) for name in PRIVATE_TORCH):
        return False
    if torch._C._are_functorch_transforms_active() or forward_ad._current_level >= 0:
        return False
    if torch.is_autocast_enabled(x.device.type):
        return False
    tensors = [x, *cell.parameters(), *(state if state is not None else ())]
    return all(t.dtype == x.dtype and t.device == x.device for t in tensors)


__all__ = ["run_layer", "fast_path", "describe", "FusedSequence", "Kernel"]
