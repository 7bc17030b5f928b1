r"""Gradient-flow explorer: how far back a loss on the last step reaches, cell by cell.

For a loss on the last output, backpropagation through time multiplies one Jacobian per step,
:math:`\partial L/\partial h_t = J_{t+1}^\top \cdots J_T^\top \, \partial L/\partial h_T`, so
:math:`\|\partial L/\partial h_t\|` shrinks or grows geometrically with :math:`T - t` unless the
Jacobians sit near the identity, which is what a forget gate near 1 does. Curves come from
:func:`gatedrnn.derive.gradient_flow`.

Every cell gets recurrent weights :math:`R \sim \mathcal N(0, g^2/H)` per gate block (``g`` the
weight scale; for the vanilla RNN ``g = 1`` is the edge between vanishing and exploding), input
weights :math:`\mathcal N(0, 1/I)`, zero biases, and the *forget bias* on the gate that keeps
the memory: the LSTM's and subLSTM's ``f``, the GRU's update gate ``u`` (the fraction of
:math:`h_{t-1}` kept, :math:`1 - z`). The vanilla RNN has no such gate.

>>> gradient_flow_explorer()
>>> gc = gradient_curves(("vanilla", "LSTM"), T=50); gc.curves["LSTM"].shape   # (50,)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from ipywidgets import SelectMultiple

from ..cells import GRUCell, LSTMCell, SubLSTMCell, VanillaRNNCell
from ..derive import gradient_flow, plot_gradient_flow
from ._base import Explorer, float_slider, int_slider, one_thread

__all__ = [
    "CELLS",
    "GradientCurves",
    "flow_cell",
    "gradient_curves",
    "plot_gradient_curves",
    "gradient_flow_explorer",
]

#: The cells the explorer compares, by label.
CELLS = {"vanilla": VanillaRNNCell, "LSTM": LSTMCell, "GRU": GRUCell, "subLSTM": SubLSTMCell}

#: Which fused block (index) holds the gate that keeps the memory, per cell.
_KEEP_BLOCK = {"LSTM": (1, 4), "subLSTM": (1, 4), "GRU": (1, 3)}  # (block, number of blocks)


@dataclass
class GradientCurves:
    """``curves[label]``: ‖∂L/∂h_t‖ (T,) for each cell; t: (T,) step index."""

    t: np.ndarray
    curves: dict[str, np.ndarray]
    weight_scale: float
    forget_bias: float


def flow_cell(
    kind: str,
    hidden_size: int = 32,
    input_size: int = 4,
    *,
    weight_scale: float = 1.0,
    forget_bias: float = 1.0,
    seed: int = 0,
):
    """A cell of ``kind`` (a key of :data:`CELLS`) with the explorer's initialisation (float64).

    R ~ N(0, weight_scale² / H) per block, W ~ N(0, 1 / I), biases 0 except ``forget_bias`` on
    the LSTM's/subLSTM's f block and the GRU's update gate u. The global RNGs are untouched.
    """
    if kind not in CELLS:
        raise ValueError(f"cell kind must be one of {list(CELLS)}; got {kind!r}")
    with torch.random.fork_rng(devices=[]):
        cell = CELLS[kind](input_size, hidden_size).double()
    rng = np.random.default_rng(seed)
    H = hidden_size
    with torch.no_grad():
        cell.weight_hh.copy_(
            torch.from_numpy(rng.normal(0.0, weight_scale / np.sqrt(H), cell.weight_hh.shape))
        )
        cell.weight_ih.copy_(
            torch.from_numpy(rng.normal(0.0, 1.0 / np.sqrt(input_size), cell.weight_ih.shape))
        )
        cell.bias_ih.zero_()
        cell.bias_hh.zero_()
        if kind in _KEEP_BLOCK:
            block, _ = _KEEP_BLOCK[kind]
            cell.bias_ih[block * H : (block + 1) * H] = forget_bias
    return cell


@one_thread()
def gradient_curves(
    kinds: Sequence[str] = tuple(CELLS),
    T: int = 100,
    weight_scale: float = 1.0,
    forget_bias: float = 1.0,
    *,
    hidden_size: int = 32,
    input_size: int = 4,
    batch_size: int = 8,
    seed: int = 0,
) -> GradientCurves:
    """``‖∂L/∂h_t‖`` over t for each cell kind, on the same random input x (T, B, I).

    Args:
        kinds: labels from :data:`CELLS`.
        T: sequence length; weight_scale: g of R ~ N(0, g²/H); forget_bias: see :func:`flow_cell`.
        hidden_size, input_size, batch_size, seed: the networks and the input.

    Returns:
        :class:`GradientCurves`.
    """
    if not isinstance(T, int | np.integer) or T < 1:
        raise ValueError(f"T must be a positive number of steps; got {T!r}")
    x = np.random.default_rng(seed + 1).standard_normal((T, batch_size, input_size))
    curves = {}
    for kind in kinds:
        cell = flow_cell(
            kind,
            hidden_size,
            input_size,
            weight_scale=weight_scale,
            forget_bias=forget_bias,
            seed=seed,
        )
        curves[kind] = gradient_flow(cell, x)
    return GradientCurves(np.arange(T), curves, float(weight_scale), float(forget_bias))


def plot_gradient_curves(gc: GradientCurves, fig=None):
    """``‖∂L/∂h_t‖`` on a log axis, one line per cell. Returns the Figure."""
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(8, 4), layout="constrained")
    ax = fig.subplots()
    if gc.curves:
        plot_gradient_flow(
            gc.curves,
            ax,
            title=f"gradient flow: weight scale g = {gc.weight_scale:g}, "
            f"forget bias = {gc.forget_bias:g}",
        )
        ax.set_xlim(0, len(gc.t) - 1)
    else:
        ax.text(
            0.5, 0.5, "choose at least one cell", ha="center", va="center", transform=ax.transAxes
        )
    return fig


def gradient_flow_explorer(**defaults) -> Explorer:
    """Pick cells, sequence length, weight scale and forget bias; see ‖∂L/∂h_t‖ over t.

    >>> gradient_flow_explorer(forget_bias=3.0)
    """
    start = dict(kinds=tuple(CELLS), T=100, weight_scale=1.0, forget_bias=1.0)
    unknown = set(defaults) - set(start)
    if unknown:
        raise TypeError(
            f"gradient_flow_explorer() got unknown starting values {sorted(unknown)}; "
            f"use {', '.join(start)}"
        )
    start.update(defaults)
    controls = {
        "kinds": SelectMultiple(
            options=list(CELLS), value=tuple(start["kinds"]), description="cells", rows=4
        ),
        "T": int_slider("sequence length T", start["T"], 10, 300, 10),
        "weight_scale": float_slider("weight scale g", start["weight_scale"], 0.1, 3.0, 0.1),
        "forget_bias": float_slider("forget bias", start["forget_bias"], -4.0, 6.0, 0.5),
    }

    def draw(fig, **values):
        gc = gradient_curves(**values)
        plot_gradient_curves(gc, fig)
        return gc

    return Explorer(
        controls, draw, title="Gradient flow through time", figsize=(9.0, 4.5), start=start
    )
