"""Which fast path serves which cell: each kernel module registers itself for the cells it serves.

A fast path is ``"torch"`` (PyTorch's own fused kernel, :mod:`.torch_kernels`), a fused
:class:`~.sequence.Kernel`, or None (the readable loop). Adding a cell means the cell, its
twin and, optionally, a kernel module that registers a chooser here with :func:`serves`.
"""

from __future__ import annotations

from collections.abc import Callable

from ..cells import RecurrentCell
from ..nonlinearities import is_registered

Chooser = Callable[[RecurrentCell], object]  # cell -> "torch", a Kernel, or None
_CHOOSERS: dict[type, Chooser] = {}


def serves(cell_type: type) -> Callable[[Chooser], Chooser]:
    """Register ``chooser(cell)`` as the fast path of the cells of exactly ``cell_type``."""

    def register(chooser: Chooser) -> Chooser:
        _CHOOSERS[cell_type] = chooser
        return chooser

    return register


def fast_path(cell: RecurrentCell):
    """``"torch"`` (PyTorch's fused kernel), a fused kernel, or None (the readable loop).

    Dispatch is on the exact type: a subclass may change the equations, so a student's own cell
    is never mistaken for its parent.
    """
    chooser = _CHOOSERS.get(type(cell))
    return None if chooser is None else chooser(cell)


def activation(phi):
    """A cell's φ when the fast path knows it (the registry's), or None (one of one's own)."""
    return phi if is_registered(phi) else None
