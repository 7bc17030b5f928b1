"""What every recurrent cell shares: sizes, ``init_state``, input checks, its gates, ``like``."""

from __future__ import annotations

import inspect
import math
from typing import ClassVar

import torch
from torch import Tensor, nn

from .._validation import check_positive_size, check_state_fields, check_step_input


class RecurrentCell(nn.Module):
    """Base class of the cells: one time step ``cell(x_t, state) -> (h_t, state)``.

    A subclass sets ``state_type`` (a NamedTuple of ``(B, H)`` tensors), creates its parameters,
    stores each keyword-only constructor option as an attribute of the same name (so that
    :meth:`like` can build a twin for another layer), and writes its equations in ``forward``.
    Cells never loop over time: :class:`gatedrnn.Recurrent` does.

    A gated cell also says its gates, once, for everything that reads them (its own
    ``forward``, the Jacobians, the explorers, the diagrams, the reductions, training helpers):

    - :attr:`gate_order`: the names of the blocks stacked in ``weight_ih``, ``weight_hh`` and
      the biases, in order; :meth:`block` gives a block's rows;
    - :meth:`gates`: the value of every gate at a step, by name, each ``(B, H)``.
    """

    state_type: ClassVar[type]
    gate_order: tuple[str, ...] = ()  # the fused blocks of the weights, in order

    def block(self, name: str) -> slice:
        """The rows of gate ``name``'s block in ``weight_ih``, ``weight_hh`` and the biases."""
        if name not in self.gate_order:
            raise ValueError(
                f"{type(self).__name__} has the gate blocks {self.gate_order}; got {name!r}"
            )
        k, H = self.gate_order.index(name), self.hidden_size
        return slice(k * H, (k + 1) * H)

    def gates(self, x_t: Tensor, state=None) -> dict[str, Tensor]:
        """The gates at one step, by name, each ``(B, H)``: ``{}`` for a cell without gates."""
        return {}

    def pre_activations(self, x_t: Tensor, h_prev: Tensor) -> dict[str, Tensor]:
        """``W x_t + b_ih + R h_{t-1} + b_hh`` of every block, by name, each ``(B, H)``."""
        a = x_t @ self.weight_ih.T + self.bias_ih + h_prev @ self.weight_hh.T + self.bias_hh
        return dict(zip(self.gate_order, a.chunk(len(self.gate_order), dim=1), strict=True))

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.input_size = check_positive_size(input_size, "input_size")
        self.hidden_size = check_positive_size(hidden_size, "hidden_size")

    def init_state(self, batch_size: int):
        """A state of zeros, ``(B, H)`` per field, on the module's device and dtype."""
        check_positive_size(batch_size, "batch_size")
        p = next(self.parameters())
        shape = (batch_size, self.hidden_size)
        return self.state_type(
            *(torch.zeros(shape, dtype=p.dtype, device=p.device) for _ in self.state_type._fields)
        )

    def prepare(self, x_t: Tensor, state):
        """Check ``x_t`` (B, I) and ``state`` (B, H) per field; zeros when ``state`` is None."""
        check_step_input(x_t, self, self.input_size)
        if state is None:
            return self.init_state(x_t.shape[0])
        check_state_fields(state, self.state_type, (x_t.shape[0], self.hidden_size), self, "(B, H)")
        return state

    def like(self, input_size: int) -> RecurrentCell:
        """A freshly initialised cell with this one's options and ``hidden_size``.

        The runner uses it to stack layers: layer ``l > 0`` reads ``H`` inputs.
        """
        signature = inspect.signature(type(self).__init__)
        options = {
            name: getattr(self, name)
            for name, parameter in signature.parameters.items()
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY
        }
        return type(self)(input_size, self.hidden_size, **options)

    def reset_parameters(self) -> None:
        """PyTorch's default: every parameter uniform in ``(-1/√H, 1/√H)``."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            nn.init.uniform_(weight, -bound, bound)

    def extra_repr(self) -> str:
        signature = inspect.signature(type(self).__init__)
        options = [
            f"{name}={getattr(self, name)!r}"
            for name, parameter in signature.parameters.items()
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY
            and _differs(getattr(self, name), parameter.default)
        ]
        return ", ".join([str(self.input_size), str(self.hidden_size), *options])


def _differs(value, default) -> bool:
    try:
        return bool(value != default)
    except (RuntimeError, TypeError, ValueError):  # tensors and arrays compare elementwise
        return True
