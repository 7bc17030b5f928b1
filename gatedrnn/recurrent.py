"""One runner for every cell: steps a cell through time and stacks layers."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from . import fast
from ._validation import check_positive_size, check_sequence_input, check_state_fields, shape_str
from .cells import GRUCell, LSTMCell, RecurrentCell, VanillaRNNCell


class Recurrent(nn.Module):
    """Run a cell over a sequence, optionally in several stacked layers.

    ``forward(x, state=None) -> (outputs, final_state)``

    ==============  ===============================================================
    x               (T, B, I), or (B, T, I) with ``batch_first=True``
    outputs         (T, B, H), the top layer's ``h_t`` for every t (batch first if asked)
    state           the cell's state tuple with every field (L, B, H), L = ``num_layers``,
                    like ``torch.nn.LSTM``'s ``(h_n, c_n)``; ``None`` starts from zeros, and
                    with one layer a state of (B, H) fields is accepted too
    final_state     the same, after the last step
    ==============  ===============================================================

    Layer 0 is the cell you pass in; each deeper layer is a fresh ``cell.like(H)``.
    ``dropout`` applies between layers, as in ``torch.nn.LSTM``.

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
        fast: bool = True,
    ):
        super().__init__()
        if not isinstance(cell, RecurrentCell):
            raise TypeError(
                f"cell must be a gatedrnn cell such as gatedrnn.LSTMCell(I, H); "
                f"got {type(cell).__name__}"
            )
        check_positive_size(num_layers, "num_layers")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must lie in [0, 1); got {dropout}")
        layers = [cell] + [cell.like(cell.hidden_size) for _ in range(num_layers - 1)]
        self.layers = nn.ModuleList(layers)
        self.batch_first = batch_first
        self.dropout = dropout
        self.fast = fast

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
    def state_type(self) -> type:
        return self.layers[0].state_type

    def forward(self, x: Tensor, state=None):
        check_sequence_input(x, self, self.input_size, self.batch_first)
        if self.batch_first:
            x = x.transpose(0, 1)  # (T, B, I)
        layer_states = self._layer_states(state, batch_size=x.shape[1])
        final_states = []
        for layer, cell in enumerate(self.layers):
            if layer > 0 and self.dropout > 0:
                x = nn.functional.dropout(x, self.dropout, self.training)
            x, layer_state = self._run_layer(cell, x, layer_states[layer])
            final_states.append(layer_state)
        outputs = x.transpose(0, 1) if self.batch_first else x
        per_field = zip(*final_states, strict=True)  # one tuple of L tensors (B, H) per field
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
        """Split a state of (L, B, H) fields into one (B, H) state per layer."""
        L, H = self.num_layers, self.hidden_size
        if state is None:
            return [None] * L
        state_type = self.state_type
        if isinstance(state, Tensor) and len(state_type._fields) == 1:
            state = state_type(state)  # torch.nn.GRU's h_0
        elif not isinstance(state, state_type) and isinstance(state, tuple):
            if len(state) == len(state_type._fields):
                state = state_type(*state)  # torch.nn.LSTM's (h_0, c_0)
        if isinstance(state, state_type) and L == 1:
            if all(isinstance(v, Tensor) and v.dim() == 2 for v in state):
                state = state_type(*(v.unsqueeze(0) for v in state))
        check_state_fields(state, state_type, (L, batch_size, H), self, "(num_layers, B, H)")
        return [state_type(*(v[layer] for v in state)) for layer in range(L)]

    # --- conversion to and from PyTorch's fused modules -------------------------------------

    @classmethod
    def from_torch(cls, module: nn.LSTM | nn.GRU | nn.RNN) -> Recurrent:
        """A runner with the weights of a ``torch.nn.LSTM``, ``GRU`` or ``RNN`` (tanh).

        >>> rnn = Recurrent.from_torch(torch.nn.LSTM(10, 20, num_layers=2))
        """
        cell_type = _TORCH_TO_CELL.get(type(module))
        if cell_type is None:
            raise TypeError(
                f"from_torch takes torch.nn.LSTM, torch.nn.GRU or torch.nn.RNN; "
                f"got {type(module).__name__}"
            )
        if module.bidirectional or getattr(module, "proj_size", 0):
            raise ValueError("from_torch supports one direction and no projection (proj_size=0)")
        if isinstance(module, nn.RNN) and module.nonlinearity != "tanh":
            raise ValueError("from_torch supports torch.nn.RNN with nonlinearity='tanh' only")
        reference = next(module.parameters())
        rnn = cls(
            cell_type(module.input_size, module.hidden_size),
            module.num_layers,
            batch_first=module.batch_first,
            dropout=module.dropout,
        ).to(device=reference.device, dtype=reference.dtype)
        with torch.no_grad():
            for layer, cell in enumerate(rnn.layers):
                for name, source in _torch_layer_weights(module, layer).items():
                    target = getattr(cell, name)
                    target.copy_(source if source is not None else torch.zeros_like(target))
        return rnn

    def to_torch(self) -> nn.LSTM | nn.GRU | nn.RNN:
        """The equivalent ``torch.nn.LSTM``, ``GRU`` or ``RNN`` with this runner's weights.

        Only the standard cells have one: ``LSTMCell()`` with its defaults, ``GRUCell()`` with
        ``reset="after"`` and ``VanillaRNNCell``.
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
            batch_first=self.batch_first,
            dropout=self.dropout,
        ).to(device=reference.device, dtype=reference.dtype)
        with torch.no_grad():
            for layer, cell in enumerate(self.layers):
                for name, target in _torch_layer_weights(module, layer).items():
                    target.copy_(getattr(cell, name))
        return module

    def extra_repr(self) -> str:
        options = []
        if self.batch_first:
            options.append("batch_first=True")
        if self.dropout:
            options.append(f"dropout={self.dropout}")
        if not self.fast:
            options.append("fast=False")
        return ", ".join(options)


_TORCH_TO_CELL = {nn.LSTM: LSTMCell, nn.GRU: GRUCell, nn.RNN: VanillaRNNCell}


def _torch_layer_weights(module: nn.RNNBase, layer: int) -> dict[str, Tensor | None]:
    """A torch.nn.LSTM/GRU/RNN layer's parameters under the cells' names (None: no biases)."""
    names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    return {name: getattr(module, f"{name}_l{layer}", None) for name in names}


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
