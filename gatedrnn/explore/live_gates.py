r"""Live gate explorer: an LSTM unit and a subLSTM unit, the same weights, the same input, drawn
as diagrams coloured by their gate and state values at step t; a slider (and a Play button)
walks through the sequence.

The same weights give the same gate values ``σ(w x + b)`` in both cells, and the gates do
opposite things with them: a multiplicative gate at 0.9 lets 90 % through, a subtractive gate
at 0.9 takes 0.9 away. Every value is read through the cells' own :meth:`gates`
(:func:`gatedrnn.diagrams.step_values`).

>>> live_gate_explorer()                       # Play, or drag t
>>> run = live_gate_run("pulses", b_i=-2.0); run.lstm.values["i"][12], run.sublstm.values["c"]
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import torch

from .. import palette
from ..cells import LSTMCell, SubLSTMCell
from ..diagrams import CellRun, lstm_diagram, step_values, sublstm_diagram
from ._base import Explorer, float_slider, int_slider, one_thread
from .gates import INPUTS, input_sequence

__all__ = ["LiveGateRun", "live_gate_run", "plot_live_gates", "live_gate_explorer"]

#: Starting weights and biases of the blocks (i, f, z, o): input weight w and bias b each.
DEFAULTS = dict(w_i=4.0, b_i=-2.0, w_f=0.0, b_f=3.0, w_z=2.0, b_z=0.0, w_o=0.0, b_o=0.0)
T_STEPS = 40


@dataclass
class LiveGateRun:
    """Both units over the run: ``x`` (T,), ``lstm`` and ``sublstm`` :class:`CellRun` s."""

    x: np.ndarray
    lstm: CellRun
    sublstm: CellRun


def one_unit(cell_type, weights: dict[str, float], recurrent: float = 0.0):
    """A cell with I = H = 1 whose blocks get ``w_g`` (input weight) and ``b_g`` (bias)."""
    cell = cell_type(1, 1).double()
    with torch.no_grad():
        cell.weight_hh.fill_(recurrent)
        cell.bias_hh.zero_()
        for g in cell.gate_order:
            rows = cell.block(g)  # this gate's rows of the fused weights
            cell.weight_ih[rows] = weights[f"w_{g}"]
            cell.bias_ih[rows] = weights[f"b_{g}"]
    return cell


@functools.lru_cache(maxsize=32)
def _cached_run(x: tuple, weights: tuple, recurrent: float) -> LiveGateRun:
    w = dict(weights)
    xs = torch.tensor(x, dtype=torch.float64).reshape(-1, 1, 1)  # (T, B=1, I=1)
    with one_thread():
        lstm = step_values(one_unit(LSTMCell, w, recurrent), xs)
        sub = step_values(one_unit(SubLSTMCell, w, recurrent), xs)
    return LiveGateRun(np.array(x), lstm, sub)


def live_gate_run(
    x: str | np.ndarray = "pulses",
    *,
    amplitude: float = 1.0,
    T: int = T_STEPS,
    recurrent: float = 0.0,
    **weights: float,
) -> LiveGateRun:
    """Run one LSTM unit and one subLSTM unit (I = H = 1, the same weights) through ``x``.

    Args:
        x: an input kind from :data:`gatedrnn.explore.gates.INPUTS` or an array (T,).
        weights: ``w_i, b_i, w_f, b_f, w_z, b_z, w_o, b_o`` (defaults in :data:`DEFAULTS`).
        recurrent: weight from h_{t-1} into every block.

    Repeated calls with the same arguments return the same (cached) run: a slider over t
    only redraws.
    """
    unknown = set(weights) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown weights {sorted(unknown)}; use {', '.join(DEFAULTS)}")
    if isinstance(x, str):
        x = input_sequence(x, T, amplitude)
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"x must be an input kind {INPUTS} or an array (T,); got {x.shape}")
    w = {**DEFAULTS, **{k: float(v) for k, v in weights.items()}}
    return _cached_run(tuple(x.tolist()), tuple(sorted(w.items())), float(recurrent))


def plot_live_gates(run: LiveGateRun, t: int, fig=None):
    """Top: the LSTM and subLSTM diagrams coloured at step t. Bottom: i, o, c, h over time,
    with t marked. Returns the Figure."""
    from matplotlib.figure import Figure

    T = len(run.x)
    if not 0 <= t < T:
        raise ValueError(f"t must be a step in 0 … {T - 1}; got {t}")
    if fig is None:
        fig = Figure(figsize=(13, 7.6))
    fig.set_layout_engine("none")  # placed by hand: a layout pass would double the drawing time
    top, bottom = fig.subfigures(2, 1, height_ratios=[2.1, 1])
    left, right = top.subfigures(1, 2)
    lstm_diagram(values=run.lstm.at(t), equations=False, fig=left)
    sublstm_diagram(values=run.sublstm.at(t), equations=False, fig=right)
    axes = bottom.subplots(
        1,
        2,
        sharey=True,
        gridspec_kw=dict(left=0.04, right=0.99, bottom=0.2, top=0.88, wspace=0.08),
    )
    for ax, name, unit in ((axes[0], "LSTM", run.lstm), (axes[1], "subLSTM", run.sublstm)):
        steps = np.arange(T)
        ax.plot(steps, run.x, color=palette.INPUT, lw=1, label="x")
        for g in ("i", "o"):
            ax.plot(steps, unit.values[g], color=palette.GATES[g], lw=1.5, label=g)
        ax.plot(steps, unit.values["c"], color=palette.MEMORY, lw=1.5, label="c")
        ax.plot(steps, unit.values["h"], color=palette.HIDDEN, lw=1.5, label="h")
        ax.axvline(t, color=palette.GRADIENT, lw=1.2, ls="--")
        ax.axhline(0, color=palette.LIGHT, lw=0.6)
        ax.set_title(f"{name}, t = {t}", fontsize=9, loc="left")
        ax.set_xlabel("time step t", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=7, ncols=5, loc="upper left")
    return fig


def live_gate_explorer(**defaults) -> Explorer:
    """A Play button and a slider over t; the input and the input and output gates' weights.

    >>> live_gate_explorer(b_o=-1.0)
    """
    start = {"x": "pulses", "t": 12, "amplitude": 1.0, **DEFAULTS, **defaults}
    unknown = set(start) - {"x", "t", "amplitude", *DEFAULTS}
    if unknown:
        raise TypeError(
            f"live_gate_explorer() got unknown starting values {sorted(unknown)}; "
            f"use x, t, amplitude, {', '.join(DEFAULTS)}"
        )
    controls = {
        "t": int_slider("time step t", start["t"], 0, T_STEPS - 1),
        "x": widgets.Dropdown(options=INPUTS, value=start["x"], description="input"),
        "w_i": float_slider("input gate w_i", start["w_i"], -8.0, 8.0, 0.5),
        "b_i": float_slider("input gate b_i", start["b_i"], -8.0, 8.0, 0.5),
        "b_f": float_slider("forget gate b_f", start["b_f"], -8.0, 8.0, 0.5),
        "b_o": float_slider("output gate b_o", start["b_o"], -8.0, 8.0, 0.5),
    }
    fixed = {k: v for k, v in start.items() if k not in controls and k in DEFAULTS}

    def draw(fig, *, t, x, **weights):
        run = live_gate_run(x, amplitude=start["amplitude"], **fixed, **weights)
        plot_live_gates(run, t, fig)
        return run

    explorer = Explorer(
        controls,
        draw,
        title="Live gates: an LSTM unit and a subLSTM unit with the same weights",
        figsize=(13.0, 7.6),
    )
    play = widgets.Play(
        value=start["t"], min=0, max=T_STEPS - 1, step=1, interval=400, description="play"
    )
    widgets.jslink((play, "value"), (controls["t"], "value"))
    explorer.play = play
    header, *rest = explorer.children
    explorer.children = (header, play, *rest)
    return explorer
