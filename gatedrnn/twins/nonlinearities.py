"""NumPy nonlinearities with their derivatives: the pairs ``(φ, φ')`` a hand-written backward needs.

The names are those of :mod:`gatedrnn.nonlinearities` (the torch side):

=============  ===========================  ===============================
name           φ(u)                         φ'(u)
=============  ===========================  ===============================
``tanh``       tanh(u)                      1 − tanh(u)²
``relu``       max(0, u)                    1 if u > 0 else 0
``ssn``        k·max(0, u)^n                k·n·max(0, u)^(n−1)
``sigmoid``    σ(u) = 1 / (1 + e^(−u))      σ(u)·(1 − σ(u))
``identity``   u                            1
=============  ===========================  ===============================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray

NAMES = ("tanh", "relu", "ssn", "sigmoid", "identity")


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


def sigmoid(u: Array) -> Array:
    """σ(u) = 1 / (1 + e^(−u)), computed without overflow for large |u|."""
    e = np.exp(-np.abs(u))
    return np.where(u >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def dsigmoid(u: Array) -> Array:
    s = sigmoid(u)
    return s * (1 - s)


def dtanh(u: Array) -> Array:
    return 1 - np.tanh(u) ** 2


def ssn(k: float = 0.04, n: float = 2.0) -> Activation:
    """The supralinear power law ``φ(u) = k·max(0, u)^n`` and ``φ'(u) = k·n·max(0, u)^(n−1)``."""
    if n < 1:
        raise ValueError(f"the SSN power n must be >= 1; got n = {n}")
    return Activation(
        f"ssn(k={k:g}, n={n:g})",
        lambda u: k * np.maximum(u, 0) ** n,
        lambda u: k * n * np.maximum(u, 0) ** (n - 1) * (u > 0),
    )


_FIXED = {
    "tanh": Activation("tanh", np.tanh, dtanh),
    "relu": Activation("relu", lambda u: np.maximum(u, 0), lambda u: (u > 0).astype(u.dtype)),
    "sigmoid": Activation("sigmoid", sigmoid, dsigmoid),
    "identity": Activation("identity", lambda u: u, np.ones_like),
}


Phi = str | Activation | tuple | Callable  # a name, an Activation, (φ, φ'), a cell's φ


def activation(phi: Phi, *, k: float = 0.04, n: float = 2.0, name: str = "phi") -> Activation:
    """A NumPy ``Activation`` from a name, a torch-side nonlinearity, or a ``(φ, φ')`` pair.

    ``phi`` may be ``"tanh"``, ``"relu"``, ``"ssn"``, ``"sigmoid"``, ``"identity"``; an
    ``Activation``; a cell's ``phi`` attribute (a :class:`gatedrnn.nonlinearities.Nonlinearity`,
    whose SSN carries its own ``k`` and ``n``); or a pair of NumPy functions ``(phi, dphi)``.
    """
    if isinstance(phi, Activation):
        return phi
    if isinstance(phi, tuple) and len(phi) == 2 and all(callable(g) for g in phi):
        f, df = phi
        return Activation(getattr(f, "__name__", "custom"), f, df)
    if hasattr(phi, "k") and hasattr(phi, "n") and str(getattr(phi, "name", "")).startswith("ssn"):
        return ssn(phi.k, phi.n)
    key = getattr(phi, "name", phi)
    if isinstance(key, str):
        if key == "ssn":
            return ssn(k, n)
        if key in _FIXED:
            return _FIXED[key]
    choices = ", ".join(repr(c) for c in NAMES)
    raise ValueError(
        f"{name} must be one of {choices} or a pair of NumPy functions (phi, dphi) so that the "
        f"backward knows φ'; got {phi!r}"
    )
