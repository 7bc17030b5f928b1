"""Fused implementations the runner uses by default (placeholder until the fast path lands)."""

from __future__ import annotations

from torch import Tensor

from .cells import RecurrentCell


def run_layer(cell: RecurrentCell, x: Tensor, state) -> tuple[Tensor, object] | None:
    """A fused run of ``cell`` over ``x`` (T, B, I), or ``None`` to use the readable loop."""
    return None
