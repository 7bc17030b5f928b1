"""Neuronal input-output nonlinearities φ: the one registry, by name or as any callable.

The names a cell accepts for ``phi`` (rate networks, simple-GRU) and ``phi1``/``phi2`` (LSTM),
each with its derivative. Every part of the library reads φ from here: the cells (torch), the
NumPy twins and the MLP (``numpy``, ``numpy_derivative``), the Jacobians (``derivative``) and
the fast path (``apply_``, ``into``, ``derivative_from_output``, and ``code`` in ``steps.c``).

=============  ===========================  =========================  ========================
name           φ(u)                         φ'(u)                      φ'(u) from y = φ(u)
=============  ===========================  =========================  ========================
``tanh``       tanh(u)                      1 − tanh(u)²               1 − y²
``relu``       max(0, u)                    [u > 0]                    [y > 0]
``ssn``        k·max(0, u)^n                k·n·max(0, u)^(n−1)        n·k^(1/n)·y^((n−1)/n)
``sigmoid``    σ(u) = 1 / (1 + e^(−u))      σ(u)(1 − σ(u))             y(1 − y)
``identity``   u                            1                          1
=============  ===========================  =========================  ========================

``ssn`` is the stabilised supralinear network's power law; ``identity`` turns the LSTM into a
rate network (notes eq. 13).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import Tensor

Array = np.ndarray
NAMES = ("tanh", "relu", "ssn", "sigmoid", "identity")


class Nonlinearity:
    """A named elementwise ``φ``, in torch and in NumPy, with its derivative; ``repr``: its name.

    Args:
        name: the registry's name.
        fn: φ(u) on tensors.
        derivative: φ'(u) on tensors.
        numpy, numpy_derivative: the same on NumPy arrays.
        derivative_from_output: φ'(u) written with ``y = φ(u)``, for backward passes that keep
            only the outputs.
        apply_: φ in place on a tensor.
        code: its number in ``fast/steps.c`` (compiled loops), or None.
    """

    def __init__(
        self,
        name: str,
        fn: Callable[[Tensor], Tensor],
        derivative: Callable[[Tensor], Tensor],
        numpy: Callable[[Array], Array],
        numpy_derivative: Callable[[Array], Array],
        derivative_from_output: Callable[[Tensor], Tensor],
        apply_: Callable[[Tensor], Tensor],
        code: int | None = None,
    ):
        self.name, self.fn, self.code = name, fn, code
        self.derivative, self.derivative_from_output = derivative, derivative_from_output
        self.numpy, self.numpy_derivative, self.apply_ = numpy, numpy_derivative, apply_

    def __call__(self, u: Tensor) -> Tensor:
        return self.fn(u)

    def into(self, u: Tensor, out: Tensor) -> Tensor:
        """``out = φ(u)``, ``u`` untouched."""
        return self.apply_(out.copy_(u))

    def __repr__(self) -> str:
        return self.name

    def __eq__(self, other) -> bool:
        if isinstance(other, Nonlinearity):
            return self.name == other.name
        return isinstance(other, str) and self.name == other

    def __hash__(self) -> int:
        return hash(self.name)


def np_sigmoid(u: Array) -> Array:
    """σ(u) = 1 / (1 + e^(−u)) in NumPy, without overflow for large |u|."""
    e = np.exp(-np.abs(u))
    return np.where(u >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_derivative(u: Tensor) -> Tensor:
    s = torch.sigmoid(u)
    return s * (1 - s)


def _np_sigmoid_derivative(u: Array) -> Array:
    s = np_sigmoid(u)
    return s * (1 - s)


def _identity(u):
    return u


TANH = Nonlinearity(
    "tanh",
    torch.tanh,
    lambda u: 1 - torch.tanh(u) ** 2,
    np.tanh,
    lambda u: 1 - np.tanh(u) ** 2,
    lambda y: 1 - y * y,
    Tensor.tanh_,
    code=1,
)
SIGMOID = Nonlinearity(
    "sigmoid",
    torch.sigmoid,
    _sigmoid_derivative,
    np_sigmoid,
    _np_sigmoid_derivative,
    lambda y: y - y * y,
    Tensor.sigmoid_,
    code=2,
)
RELU = Nonlinearity(
    "relu",
    torch.relu,
    lambda u: (u > 0).to(u.dtype),
    lambda u: np.maximum(u, 0),
    lambda u: (u > 0).astype(u.dtype),
    lambda y: (y > 0).to(y.dtype),
    Tensor.relu_,
    code=3,
)
IDENTITY = Nonlinearity(
    "identity",
    _identity,
    torch.ones_like,
    _identity,
    np.ones_like,
    torch.ones_like,
    _identity,
    code=0,
)
REGISTRY = {phi.name: phi for phi in (TANH, RELU, SIGMOID, IDENTITY)}  # and SSN(k, n)


class SSN(Nonlinearity):
    """Rectified power law of the stabilised supralinear network: ``φ(u) = k·max(0, u)^n``."""

    def __init__(self, k: float = 0.04, n: float = 2.0):
        if not k > 0:
            raise ValueError(f"the SSN gain k must be > 0; got k = {k}")
        if not n >= 1:
            raise ValueError(f"the SSN power n must be >= 1 (supralinear for n > 1); got n = {n}")
        k, n = float(k), float(n)
        self.k, self.n = k, n
        super().__init__(
            f"ssn(k={k:g}, n={n:g})",
            lambda u: k * torch.clamp(u, min=0) ** n,
            lambda u: k * n * torch.clamp(u, min=0) ** (n - 1) * (u > 0),
            lambda u: k * np.maximum(u, 0) ** n,
            lambda u: k * n * np.maximum(u, 0) ** (n - 1) * (u > 0),
            self._derivative_from_output,
            lambda u: u.clamp_(min=0).pow_(n).mul_(k),
        )

    def _derivative_from_output(self, y: Tensor) -> Tensor:
        k, n = self.k, self.n
        if n == 1:
            return (y > 0).to(y.dtype) * k
        # φ'(u) = n k u^(n-1) and u = (y / k)^(1/n), so φ' = n k^(1/n) y^((n-1)/n)
        return y.pow((n - 1) / n).mul_(n * k ** (1 / n))


def is_registered(phi) -> bool:
    """True for a φ of this registry (a name's, or an SSN), False for a callable of one's own."""
    return type(phi) is SSN or (type(phi) is Nonlinearity and REGISTRY.get(phi.name) is not None)


def resolve(
    phi: str | Callable[[Tensor], Tensor], *, k: float = 0.04, n: float = 2.0, name: str = "phi"
) -> Callable[[Tensor], Tensor]:
    """Turn a nonlinearity's name (or a callable) into the function a cell applies.

    ``k`` and ``n`` are used by ``"ssn"`` only. ``name`` is the argument's name in error messages.
    """
    if callable(phi):
        return phi
    if phi == "ssn":
        return SSN(k, n)
    if isinstance(phi, str) and phi in REGISTRY:
        return REGISTRY[phi]
    choices = ", ".join(repr(c) for c in NAMES)
    raise ValueError(f"{name} must be one of {choices} or a callable; got {phi!r}")
