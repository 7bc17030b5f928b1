"""The named nonlinearities φ as the fast path needs them: applied in place, and φ' from φ's output.

The backward passes keep only the outputs ``y = φ(u)`` of the forward pass, so each derivative
is written in terms of ``y``:

=============  ===========================  ======================================
φ              φ(u)                         φ'(u) from y = φ(u)
=============  ===========================  ======================================
tanh           tanh(u)                      1 - y²
sigmoid        1 / (1 + e^{-u})             y (1 - y)
relu           max(0, u)                    [y > 0]
identity       u                            1
ssn            k·max(0, u)^n                n·k^{1/n}·y^{(n-1)/n}   (k·[y > 0] for n = 1)
=============  ===========================  ======================================

A callable of the student's own has no entry: its cell runs the readable loop instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor

from ..nonlinearities import SSN, Nonlinearity, _identity


@dataclass(frozen=True)
class Activation:
    """φ in place (``apply_(u)`` overwrites u), into a buffer (``into(u, out)``), and φ' from y."""

    name: str
    apply_: Callable[[Tensor], Tensor]
    into: Callable[[Tensor, Tensor], Tensor]  # out = φ(u), u untouched
    derivative: Callable[[Tensor], Tensor]  # φ'(u) as a function of y = φ(u)
    code: int | None = None  # its number in steps.c (compiled loops), None: not there


def _tanh_derivative(y: Tensor) -> Tensor:
    return 1 - y * y


def _sigmoid_derivative(y: Tensor) -> Tensor:
    return y - y * y


def _relu_derivative(y: Tensor) -> Tensor:
    return (y > 0).to(y.dtype)


def _one(y: Tensor) -> Tensor:
    return torch.ones_like(y)


def _keep(u: Tensor) -> Tensor:
    return u


def _copy(u: Tensor, out: Tensor) -> Tensor:
    return out.copy_(u)


def _tanh_into(u: Tensor, out: Tensor) -> Tensor:
    return torch.tanh(u, out=out)


def _sigmoid_into(u: Tensor, out: Tensor) -> Tensor:
    return torch.sigmoid(u, out=out)


def _relu_into(u: Tensor, out: Tensor) -> Tensor:
    return torch.clamp(u, min=0, out=out)


IDENTITY = Activation("identity", _keep, _copy, _one, code=0)
TANH = Activation("tanh", Tensor.tanh_, _tanh_into, _tanh_derivative, code=1)
SIGMOID = Activation("sigmoid", Tensor.sigmoid_, _sigmoid_into, _sigmoid_derivative, code=2)
RELU = Activation("relu", Tensor.relu_, _relu_into, _relu_derivative, code=3)

_BY_FUNCTION = {torch.tanh: TANH, torch.sigmoid: SIGMOID, torch.relu: RELU, _identity: IDENTITY}


def ssn(k: float, n: float) -> Activation:
    """The supralinear power law ``φ(u) = k·max(0, u)^n`` and ``φ'`` from ``y``."""

    def apply_(u: Tensor) -> Tensor:
        return u.clamp_(min=0).pow_(n).mul_(k)

    def into(u: Tensor, out: Tensor) -> Tensor:
        return torch.clamp(u, min=0, out=out).pow_(n).mul_(k)

    def derivative(y: Tensor) -> Tensor:
        if n == 1:
            return (y > 0).to(y.dtype) * k
        # φ'(u) = n k u^(n-1) and u = (y / k)^(1/n), so φ' = n k^(1/n) y^((n-1)/n)
        return y.pow((n - 1) / n).mul_(n * k ** (1 / n))

    return Activation(f"ssn(k={k:g}, n={n:g})", apply_, into, derivative)


def activation(phi) -> Activation | None:
    """The fast form of a cell's φ, or None when φ is a callable the fast path does not know."""
    if type(phi) is SSN:
        return ssn(phi.k, phi.n)
    if type(phi) is Nonlinearity:
        return _BY_FUNCTION.get(phi.fn)
    return None
