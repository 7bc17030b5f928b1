"""Neuronal input-output nonlinearities φ, by name or as any callable.

The names a cell accepts for ``phi`` (rate networks, simple-GRU) and ``phi1``/``phi2`` (LSTM):

=============  =========================================================
``"tanh"``     the machine-learning default
``"relu"``     ``max(0, u)``: non-negative rates
``"ssn"``      the stabilised supralinear network's power law ``k·max(0, u)^n``
``"sigmoid"``  ``1 / (1 + e^{-u})``
``"identity"`` ``u``: a linear unit (turns the LSTM into a rate network, notes eq. 13)
=============  =========================================================
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

NAMES = ("tanh", "relu", "ssn", "sigmoid", "identity")


class Nonlinearity:
    """A named elementwise function ``φ(u)``; ``repr`` shows its name."""

    def __init__(self, name: str, fn: Callable[[Tensor], Tensor]):
        self.name = name
        self.fn = fn

    def __call__(self, u: Tensor) -> Tensor:
        return self.fn(u)

    def __repr__(self) -> str:
        return self.name

    def __eq__(self, other) -> bool:
        if isinstance(other, Nonlinearity):
            return self.name == other.name
        return isinstance(other, str) and self.name == other

    def __hash__(self) -> int:
        return hash(self.name)


class SSN(Nonlinearity):
    """Rectified power law of the stabilised supralinear network: ``φ(u) = k·max(0, u)^n``."""

    def __init__(self, k: float = 0.04, n: float = 2.0):
        if k <= 0:
            raise ValueError(f"the SSN gain k must be > 0; got k = {k}")
        if n < 1:
            raise ValueError(f"the SSN power n must be >= 1 (supralinear for n > 1); got n = {n}")
        self.k = float(k)
        self.n = float(n)
        super().__init__(f"ssn(k={self.k:g}, n={self.n:g})", self._power_law)

    def _power_law(self, u: Tensor) -> Tensor:
        return self.k * torch.clamp(u, min=0) ** self.n


def _identity(u: Tensor) -> Tensor:
    return u


def resolve(
    phi: str | Callable[[Tensor], Tensor], *, k: float = 0.04, n: float = 2.0, name: str = "phi"
) -> Callable[[Tensor], Tensor]:
    """Turn a nonlinearity's name (or a callable) into the function a cell applies.

    ``k`` and ``n`` are used by ``"ssn"`` only. ``name`` is the argument's name in error messages.
    """
    if callable(phi):
        return phi
    if phi == "tanh":
        return Nonlinearity("tanh", torch.tanh)
    if phi == "relu":
        return Nonlinearity("relu", torch.relu)
    if phi == "ssn":
        return SSN(k, n)
    if phi == "sigmoid":
        return Nonlinearity("sigmoid", torch.sigmoid)
    if phi == "identity":
        return Nonlinearity("identity", _identity)
    choices = ", ".join(repr(c) for c in NAMES)
    raise ValueError(f"{name} must be one of {choices} or a callable; got {phi!r}")
