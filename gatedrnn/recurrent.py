"""One runner for every cell: steps a cell through time and stacks layers."""

from __future__ import annotations

import itertools

import torch
from torch import Tensor, nn

from . import fast
from ._validation import (
    check_in_range,
    check_positive_size,
    check_sequence_input,
    check_state_fields,
    shape_str,
)
from .cells import GRUCell, LSTMCell, RecurrentCell, VanillaRNNCell


class Recurrent(nn.Module):
    """Run a cell over a sequence, optionally in several stacked layers and both directions.

    ``forward(x, state=None) -> (outputs, final_state)``

    ==============  ===============================================================
    x               (T, B, I), or (B, T, I) with ``batch_first=True``
    outputs         (T, B, D·H), the top layer's ``h_t`` for every t (batch first if asked);
                    D = 2 with ``bidirectional=True`` (forward and backward ``h_t``
                    side by side), else 1
    state           the cell's state tuple with every field (D·L, B, H), L = ``num_layers``,
                    like ``torch.nn.LSTM``'s ``(h_n, c_n)`` (row ``l·D + d``: layer l,
                    direction d); ``None`` starts from zeros, and with one layer and one
                    direction a state of (B, H) fields is accepted too
    final_state     the same, after the last step (the backward direction's last step is t = 1)
    ==============  ===============================================================

    Layer 0 is the cell you pass in; each deeper layer is a fresh ``cell.like(D·H)`` with the
    cell's dtype and device, and the backward direction a fresh ``cell.like`` of its own
    (``layers_reverse``): it runs the same equations over ``x`` reversed in time.
    ``dropout`` applies between layers, as in ``torch.nn.LSTM``. ``bias=False``, as in
    ``torch.nn.LSTM``, sets every cell's biases to zero and leaves them out of training
    (``requires_grad=False``).

    The loop over time is the readable one below (``fast=False``); the default ``fast=True``
    uses a fused implementation from :mod:`gatedrnn.fast` where one exists, tested equal to it.

    >>> rnn = Recurrent(LSTMCell(1, 64), num_layers=2)
    >>> out, (h_n, c_n) = rnn(torch.randn(100, 32, 1))   # out: (100, 32, 64); h_n: (2, 32, 64)
    """

    def __init__(
        self,
        cell: RecurrentCell,
        num_layers: int = 1,
        *,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        bias: bool = True,
        fast: bool = True,
    ):
        super().__init__()
        if not isinstance(cell, RecurrentCell):
            raise TypeError(
                f"cell must be a gatedrnn cell such as gatedrnn.LSTMCell(I, H); "
                f"got {type(cell).__name__}"
            )
        check_positive_size(num_layers, "num_layers")
        dropout = check_in_range(dropout, "dropout", 0.0, 1.0, high_open=True)
        directions = 2 if bidirectional else 1
        upper = directions * cell.hidden_size  # what layer l > 0 reads
        self.layers = nn.ModuleList(
            [cell] + [_fresh_like(cell, upper) for _ in range(num_layers - 1)]
        )
        self.layers_reverse = None
        if bidirectional:
            self.layers_reverse = nn.ModuleList(
                [_fresh_like(cell, cell.input_size)]
                + [_fresh_like(cell, upper) for _ in range(num_layers - 1)]
            )
        self.batch_first = bool(batch_first)
        self.dropout = dropout
        self.bias = bool(bias)
        self.fast = fast
        if not bias:
            for layer in self._cells():
                for name, parameter in layer.named_parameters():
                    if name.startswith("bias"):
                        parameter.detach().zero_()
                        parameter.requires_grad_(False)

    @property
    def input_size(self) -> int:
        return self.layers[0].input_size

    @property
    def hidden_size(self) -> int:
        return self.layers[0].hidden_size

    @property
    def num_layers(self) -> int:
        return len(self.layers)

    @property
    def bidirectional(self) -> bool:
        return self.layers_reverse is not None

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def state_type(self) -> type:
        return self.layers[0].state_type

    def _cells(self) -> list[RecurrentCell]:
        """Every cell, in ``torch.nn.LSTM``'s order: layer 0 forward, layer 0 backward, ..."""
        if not self.bidirectional:
            return list(self.layers)
        return [c for pair in zip(self.layers, self.layers_reverse, strict=True) for c in pair]

    def forward(self, x: Tensor, state=None):
        check_sequence_input(x, self, self.input_size, self.batch_first)
        if self.batch_first:
            x = x.transpose(0, 1)  # (T, B, I)
        D = self.num_directions
        layer_states = self._layer_states(state, batch_size=x.shape[1])  # D·L of them
        cells = self._cells()
        final_states = []
        for layer in range(self.num_layers):
            if layer > 0 and self.dropout > 0:
                x = nn.functional.dropout(x, self.dropout, self.training)
            outputs = []
            for direction in range(D):
                k = layer * D + direction
                if direction == 0:
                    y, layer_state = self._run_layer(cells[k], x, layer_states[k])
                else:  # the backward direction: the same loop over x reversed in time
                    y, layer_state = self._run_layer(cells[k], x.flip(0), layer_states[k])
                    y = y.flip(0)
                outputs.append(y)  # (T, B, H)
                final_states.append(layer_state)
            x = outputs[0] if D == 1 else torch.cat(outputs, dim=2)  # (T, B, D·H)
        outputs = x.transpose(0, 1) if self.batch_first else x
        per_field = zip(*final_states, strict=True)  # one tuple of D·L tensors (B, H) per field
        final_state = self.state_type(*(torch.stack(fields) for fields in per_field))
        return outputs, final_state

    def _run_layer(self, cell: RecurrentCell, x: Tensor, state):
        """One layer over time: ``x`` (T, B, I) -> outputs (T, B, H), final state."""
        if self.fast:
            result = fast.run_layer(cell, x, state)
            if result is not None:
                return result
        outputs = []
        for x_t in x.unbind(0):
            h_t, state = cell(x_t, state)
            outputs.append(h_t)
        return torch.stack(outputs), state

    def _layer_states(self, state, batch_size: int) -> list:
        """Split a state of (D·L, B, H) fields into one (B, H) state per layer and direction."""
        rows, H = self.num_directions * self.num_layers, self.hidden_size
        if state is None:
            return [None] * rows
        state_type = self.state_type
        if isinstance(state, Tensor) and len(state_type._fields) == 1:
            state = state_type(state)  # torch.nn.GRU's h_0
        elif not isinstance(state, state_type) and isinstance(state, tuple):
            if len(state) == len(state_type._fields):
                state = state_type(*state)  # torch.nn.LSTM's (h_0, c_0)
        if isinstance(state, state_type) and rows == 1:
            if all(isinstance(v, Tensor) and v.dim() == 2 for v in state):
                state = state_type(*(v.unsqueeze(0) for v in state))
        names = "(num_layers * 2, B, H)" if self.bidirectional else "(num_layers, B, H)"
        check_state_fields(state, state_type, (rows, batch_size, H), self, names)
        return [state_type(*(v[row] for v in state)) for row in range(rows)]

    # --- conversion to and from PyTorch's fused modules -------------------------------------

    @classmethod
    def from_torch(cls, module: nn.LSTM | nn.GRU | nn.RNN) -> Recurrent:
        """A runner with the weights of a ``torch.nn.LSTM``, ``GRU`` or ``RNN`` (tanh).

        Every option carries over: ``num_layers``, ``bias``, ``batch_first``, ``dropout`` and
        ``bidirectional``.

        >>> rnn = Recurrent.from_torch(torch.nn.LSTM(10, 20, num_layers=2))
        """
        cell_type = _TORCH_TO_CELL.get(type(module))
        if cell_type is None:
            raise TypeError(
                f"from_torch takes torch.nn.LSTM, torch.nn.GRU or torch.nn.RNN; "
                f"got {type(module).__name__}"
            )
        if getattr(module, "proj_size", 0):
            raise ValueError(
                f"from_torch supports no projection (proj_size=0); got proj_size={module.proj_size}"
            )
        if isinstance(module, nn.RNN) and module.nonlinearity != "tanh":
            raise ValueError(
                f"from_torch supports torch.nn.RNN with nonlinearity='tanh' only; "
                f"got nonlinearity={module.nonlinearity!r}"
            )
        reference = next(module.parameters())
        rnn = cls(
            cell_type(module.input_size, module.hidden_size),
            module.num_layers,
            batch_first=module.batch_first,
            dropout=module.dropout,
            bidirectional=module.bidirectional,
            bias=module.bias,
        ).to(device=reference.device, dtype=reference.dtype)
        with torch.no_grad():
            for cell, names in zip(rnn._cells(), _torch_names(rnn), strict=True):
                for name, torch_name in names.items():
                    source = getattr(module, torch_name, None)
                    target = getattr(cell, name)
                    target.copy_(source if source is not None else torch.zeros_like(target))
        return rnn

    def to_torch(self) -> nn.LSTM | nn.GRU | nn.RNN:
        """The equivalent ``torch.nn.LSTM``, ``GRU`` or ``RNN`` with this runner's weights.

        Only the standard cells have one: ``LSTMCell()`` with its defaults, ``GRUCell()`` with
        ``reset="after"`` and ``VanillaRNNCell``. ``bias``, ``batch_first``, ``dropout`` and
        ``bidirectional`` carry over.
        """
        torch_type = torch_equivalent(self.layers[0])
        if torch_type is None:
            raise TypeError(
                f"{self.layers[0]!r} has no torch.nn equivalent: to_torch supports LSTMCell with "
                f"its defaults, GRUCell(reset='after') and VanillaRNNCell"
            )
        reference = next(self.parameters())
        module = torch_type(
            self.input_size,
            self.hidden_size,
            self.num_layers,
            bias=self.bias,
            batch_first=self.batch_first,
            dropout=self.dropout,
            bidirectional=self.bidirectional,
        ).to(device=reference.device, dtype=reference.dtype)
        with torch.no_grad():
            for cell, names in zip(self._cells(), _torch_names(self), strict=True):
                for name, torch_name in names.items():
                    target = getattr(module, torch_name, None)
                    if target is not None:
                        target.copy_(getattr(cell, name))
                    elif torch.any(getattr(cell, name) != 0):
                        raise ValueError(
                            f"this runner has bias=False but {name} of a layer is not zero: "
                            f"torch.nn.{torch_type.__name__}(bias=False) has no bias to hold it"
                        )
        return module

    def extra_repr(self) -> str:
        options = []
        if self.batch_first:
            options.append("batch_first=True")
        if self.dropout:
            options.append(f"dropout={self.dropout}")
        if self.bidirectional:
            options.append("bidirectional=True")
        if not self.bias:
            options.append("bias=False")
        if not self.fast:
            options.append("fast=False")
        return ", ".join(options)


_TORCH_TO_CELL = {nn.LSTM: LSTMCell, nn.GRU: GRUCell, nn.RNN: VanillaRNNCell}


def _fresh_like(cell: RecurrentCell, input_size: int) -> RecurrentCell:
    """``cell.like(input_size)`` with the cell's dtype and device (parameters and buffers)."""
    reference = next(itertools.chain(cell.parameters(), cell.buffers()), None)
    fresh = cell.like(input_size)
    if reference is None:
        return fresh
    return fresh.to(device=reference.device, dtype=reference.dtype)


def _torch_names(rnn: Recurrent) -> list[dict[str, str]]:
    """For each cell of ``rnn._cells()``, its parameters' names in torch.nn.LSTM/GRU/RNN."""
    suffixes = ("", "_reverse") if rnn.bidirectional else ("",)
    names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    return [
        {name: f"{name}_l{layer}{suffix}" for name in names}
        for layer in range(rnn.num_layers)
        for suffix in suffixes
    ]


def torch_equivalent(cell: RecurrentCell) -> type | None:
    """``torch.nn.LSTM``/``GRU``/``RNN`` when ``cell`` computes exactly what it does, else None."""
    if type(cell) is LSTMCell:
        standard = (
            cell.phi1 == "tanh" and cell.phi2 == "tanh" and not cell.peephole and not cell.coupled
        )
        return nn.LSTM if standard else None
    if type(cell) is GRUCell:
        return nn.GRU if cell.reset == "after" else None
    if type(cell) is VanillaRNNCell:
        return nn.RNN
    return None


__all__ = ["Recurrent", "torch_equivalent", "shape_str"]
