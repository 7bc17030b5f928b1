"""What every NumPy twin shares: parameters, the loop over time, and the loop back (BPTT).

A twin writes two things: ``step`` (the cell's equations, saving what the backward needs) and
``step_backward`` (the same equations differentiated, one line each). The base class loops
``step`` forward over ``x`` (T, B, I) and ``step_backward`` backward from ``t = T`` to ``1``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

Array = np.ndarray
Params = Mapping[str, Any]  # parameter name -> array, as in cell.state_dict()


def _shape(shape) -> str:
    shape = tuple(shape)
    return f"({shape[0]},)" if len(shape) == 1 else "(" + ", ".join(str(s) for s in shape) + ")"


class Twin:
    """Base class of the NumPy twins of the cells.

    ``forward(x, state=None) -> (outputs (T, B, H), final_state, cache)``
    ``backward(dh (T, B, H), cache, dstate=None) -> grads``

    ``grads`` is a dict with one entry per weight, named as in the torch cell
    (``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``, …), plus ``"x"`` (T, B, I) and one
    entry per field of the initial state (``"h0"``, ``"c0"``, ``"r0"`` or ``"v0"``, each (B, H)).
    ``dh[t]`` is ∂L/∂h_t as the loss sees the output at step t; ``dstate`` (a state of (B, H)
    arrays, optional) is ∂L/∂ of the final state, for a loss that reads it directly.

    Subclasses set ``state_type`` and ``cell_name``, and write ``param_shapes``, ``step`` and
    ``step_backward``.
    """

    state_type: ClassVar[type]
    cell_name: ClassVar[str] = "cell"
    torch_name: ClassVar[str | None] = None

    def __init__(self, params: Params, **options):
        self.options = options
        if "weight_ih" not in params or "weight_hh" not in params:
            raise ValueError(
                f"params of a {type(self).__name__} twin must contain weight_ih and weight_hh "
                f"(as in {self.cell_name}.state_dict()); got {sorted(params)}"
            )
        H = np.shape(params["weight_hh"])[1]
        I = np.shape(params["weight_ih"])[1]
        expected = self.param_shapes(I, H, **options)
        missing = sorted(set(expected) - set(params))
        if missing:
            raise ValueError(
                f"params of a {type(self).__name__} twin with options {options} need "
                f"{sorted(expected)}; missing {missing}"
            )
        self.params: dict[str, Array] = {}
        for name, shape in expected.items():
            value = np.array(params[name], dtype=np.float64)
            if value.shape != shape:
                raise ValueError(
                    f"{name} must be {_shape(shape)} for input_size {I} and hidden_size {H}; "
                    f"got {_shape(value.shape)}"
                )
            self.params[name] = value
        self.input_size, self.hidden_size = I, H

    # --- what a subclass writes -------------------------------------------------------------

    @staticmethod
    def param_shapes(input_size: int, hidden_size: int, **options) -> dict[str, tuple]:
        raise NotImplementedError

    def step(self, x_t: Array, state) -> tuple[Array, Any, Any]:
        """One step: ``(h_t, state_t, cache_t)`` from ``x_t`` (B, I) and ``state_{t-1}``."""
        raise NotImplementedError

    def step_backward(self, dh: Array, dstate, cache, grads: dict[str, Array]):
        """One step back: ``(dstate_{t-1}, dx_t)``; adds this step's weight gradients to ``grads``.

        ``dh`` is ∂L/∂h_t from the loss at step t, ``dstate`` is ∂L/∂state_t from the steps after t.
        """
        raise NotImplementedError

    @classmethod
    def options_from_cell(cls, cell) -> dict:
        return {}

    # --- shared ------------------------------------------------------------------------------

    @classmethod
    def from_cell(cls, cell) -> Twin:
        """The twin of a torch cell: same weights (as float64), names, gate order and options.

        Takes the gatedrnn cell of the same name and, where one exists, PyTorch's own cell
        (``torch.nn.RNNCell`` with tanh, ``torch.nn.LSTMCell``, ``torch.nn.GRUCell``).
        """
        from torch import nn

        from .. import cells

        params = {
            name: value.detach().cpu().double().numpy() for name, value in cell.named_parameters()
        }
        if isinstance(cell, getattr(cells, cls.cell_name)):
            return cls(params, **cls.options_from_cell(cell))
        torch_type = getattr(nn, cls.torch_name, None) if cls.torch_name else None
        if torch_type is not None and isinstance(cell, torch_type):
            if getattr(cell, "nonlinearity", "tanh") != "tanh":
                raise ValueError(
                    f"the twin of torch.nn.RNNCell needs nonlinearity='tanh'; "
                    f"got {cell.nonlinearity!r}"
                )
            for name in ("bias_ih", "bias_hh"):  # a torch cell built with bias=False
                params.setdefault(name, np.zeros(params["weight_hh"].shape[0]))
            return cls(params)
        accepted = f"gatedrnn.{cls.cell_name}"
        if cls.torch_name:
            accepted += f" or torch.nn.{cls.torch_name}"
        raise TypeError(f"{cls.__name__}.from_cell takes a {accepted}; got {type(cell).__name__}")

    @classmethod
    def random(
        cls,
        input_size: int,
        hidden_size: int,
        *,
        seed: int = 0,
        scale: float | None = None,
        **options,
    ) -> Twin:
        """A twin with weights uniform in ``(-scale, scale)``, ``scale = 1/√H`` by default."""
        rng = np.random.default_rng(seed)
        scale = 1.0 / np.sqrt(hidden_size) if scale is None else scale
        shapes = cls.param_shapes(input_size, hidden_size, **options)
        params = {name: rng.uniform(-scale, scale, shape) for name, shape in shapes.items()}
        return cls(params, **options)

    def init_state(self, batch_size: int):
        """A state of zeros, (B, H) per field."""
        return self.state_type(
            *(np.zeros((batch_size, self.hidden_size)) for _ in self.state_type._fields)
        )

    def forward(self, x: Array, state=None) -> tuple[Array, Any, list]:
        """Run over ``x`` (T, B, I) from ``state`` (zeros when None).

        Returns ``outputs`` (T, B, H), the final state, and ``cache``: one record per step of
        what ``backward`` needs.
        """
        x = self._check_x(x)
        state = self._check_state(state, x.shape[1], "state")
        outputs, cache = [], []
        for x_t in x:
            h_t, state, cache_t = self.step(x_t, state)
            outputs.append(h_t)
            cache.append(cache_t)
        return np.stack(outputs), state, cache

    def backward(self, dh: Array | None, cache: list, dstate=None) -> dict[str, Array]:
        """Backpropagation through time.

        ``dh`` (T, B, H): ∂L/∂h_t at every step (None: the loss reads only the final state);
        ``dstate``: ∂L/∂(final state), same fields as the state, or None. Returns ``grads``.
        """
        T = len(cache)
        B = cache[0].x.shape[0]
        H = self.hidden_size
        if dh is None:
            dh = np.zeros((T, B, H))
        dh = np.asarray(dh, dtype=np.float64)
        if dh.shape != (T, B, H):
            raise ValueError(f"dh must be (T, B, H) = {_shape((T, B, H))}; got {_shape(dh.shape)}")
        dstate = self._check_state(dstate, B, "dstate")
        grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        dx = np.zeros((T, B, self.input_size))
        for t in reversed(range(T)):
            dstate, dx[t] = self.step_backward(dh[t], dstate, cache[t], grads)
        grads["x"] = dx
        for field, value in zip(self.state_type._fields, dstate, strict=True):
            grads[f"{field}0"] = value
        return grads

    # --- the affine map every gated cell shares: a = W x_t + b_ih + R h_{t-1} + b_hh ----------

    def preactivations(self, x_t: Array, h_prev: Array) -> Array:
        """``a = W x_t + b_ih + R h_{t-1} + b_hh``: (B, G·H) for G fused gate blocks."""
        p = self.params
        return x_t @ p["weight_ih"].T + p["bias_ih"] + h_prev @ p["weight_hh"].T + p["bias_hh"]

    def preactivations_backward(self, da: Array, x_t: Array, h_prev: Array, grads) -> tuple:
        """Back through ``a = W x_t + b_ih + R h_{t-1} + b_hh`` given ``da`` (B, G·H).

        Adds ``da^T x_t`` to ∂L/∂W, ``da^T h_{t-1}`` to ∂L/∂R, ``Σ_B da`` to both biases and
        returns ``(∂L/∂x_t = da W, ∂L/∂h_{t-1} = da R)``, the latter through this map only.
        """
        p = self.params
        grads["weight_ih"] += da.T @ x_t
        grads["weight_hh"] += da.T @ h_prev
        grads["bias_ih"] += da.sum(0)
        grads["bias_hh"] += da.sum(0)
        return da @ p["weight_ih"], da @ p["weight_hh"]

    def _check_x(self, x) -> Array:
        x = np.asarray(x, dtype=np.float64)
        I = self.input_size
        if x.ndim != 3 or x.shape[2] != I or x.shape[0] == 0:
            raise ValueError(
                f"x must be (T, B, I) = (time, batch, {I}) with T >= 1; got {_shape(x.shape)}"
            )
        return x

    def _check_state(self, state, batch_size: int, name: str):
        if state is None:
            return self.init_state(batch_size)
        fields = self.state_type._fields
        if not isinstance(state, tuple) or len(state) != len(fields):
            raise TypeError(
                f"{name} must be a {self.state_type.__name__}({', '.join(fields)}) of (B, H) "
                f"arrays; got {type(state).__name__}"
            )
        values = []
        for field, value in zip(fields, state, strict=True):
            value = np.asarray(value, dtype=np.float64)
            if value.shape != (batch_size, self.hidden_size):
                raise ValueError(
                    f"{name}.{field} must be (B, H) = {_shape((batch_size, self.hidden_size))}; "
                    f"got {_shape(value.shape)}"
                )
            values.append(value)
        return self.state_type(*values)

    def __repr__(self) -> str:
        options = "".join(
            f", {k}=<array {_shape(np.shape(v))}>" if np.ndim(v) else f", {k}={v!r}"
            for k, v in self.options.items()
            if v is not None
        )
        return f"{type(self).__name__}({self.input_size}, {self.hidden_size}{options})"
