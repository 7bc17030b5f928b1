"""The NumPy side of the nonlinearities: the pairs ``(φ, φ')`` a hand-written backward needs.

Each named φ comes from the one registry, :mod:`gatedrnn.nonlinearities` (its table lists
φ and φ'); a φ of one's own comes as a pair of NumPy functions ``(phi, dphi)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..nonlinearities import NAMES, REGISTRY, SIGMOID, SSN, Nonlinearity, is_registered

Array = np.ndarray

sigmoid = SIGMOID.numpy  # σ(u), without overflow for large |u|
dsigmoid = SIGMOID.numpy_derivative  # σ(u)(1 − σ(u))


@dataclass(frozen=True)
class Activation:
    """An elementwise ``φ`` and its derivative ``φ'``, both taking the pre-activation ``u``."""

    name: str
    f: Callable[[Array], Array]
    df: Callable[[Array], Array]

    def __call__(self, u: Array) -> Array:
        return self.f(u)

    def __repr__(self) -> str:
        return self.name


def _numpy(phi: Nonlinearity) -> Activation:
    return Activation(phi.name, phi.numpy, phi.numpy_derivative)


Phi = str | Activation | tuple | Callable  # a name, an Activation, (φ, φ'), a cell's φ


def activation(phi: Phi, *, k: float = 0.04, n: float = 2.0, name: str = "phi") -> Activation:
    """A NumPy ``Activation`` from a name, a cell's φ, or a ``(φ, φ')`` pair.

    ``phi`` may be ``"tanh"``, ``"relu"``, ``"ssn"`` (with ``k`` and ``n``), ``"sigmoid"``,
    ``"identity"``; an ``Activation``; a cell's ``phi`` attribute (an SSN carries its own ``k``
    and ``n``); or a pair of NumPy functions ``(phi, dphi)``.
    """
    if isinstance(phi, Activation):
        return phi
    if isinstance(phi, tuple) and len(phi) == 2 and all(callable(g) for g in phi):
        f, df = phi
        return Activation(getattr(f, "__name__", "custom"), f, df)
    if is_registered(phi):
        return _numpy(phi)
    if phi == "ssn":
        return _numpy(SSN(k, n))
    if isinstance(phi, str) and phi in REGISTRY:
        return _numpy(REGISTRY[phi])
    choices = ", ".join(repr(c) for c in NAMES)
    raise ValueError(
        f"{name} must be one of {choices} or a pair of NumPy functions (phi, dphi) so that the "
        f"backward knows φ'; got {phi!r}"
    )
