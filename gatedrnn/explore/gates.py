r"""Gate explorer: one LSTM unit beside one subLSTM unit, driven by the same input.

Both cells get the same weights (one input, one unit, no recurrence unless asked), so the only
difference is how the gates act:

=========  ======================================  ======================================
           LSTM (multiplicative)                   subLSTM (subtractive)
=========  ======================================  ======================================
gates      :math:`i, f, o = \sigma(w x + b)`       :math:`i, f, o = \sigma(w x + b)`
candidate  :math:`z = \tanh(w_z x + b_z)`          :math:`z = \sigma(w_z x + b_z)`
memory     :math:`c = f c_{t-1} + i \odot z`       :math:`c = f c_{t-1} + z - i`
output     :math:`h = o \odot \tanh(c)`            :math:`h = \sigma(c) - o`
=========  ======================================  ======================================

A multiplicative gate is closed at 0 and open at 1; a subtractive gate is open at 0 (nothing is
taken away) and closes by growing.

>>> gate_explorer()                     # sliders for the input and every gate's weight and bias
>>> tr = gate_traces("pulses", w_i=4.0, b_i=-2.0); tr.lstm.c.shape   # (60,)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from ipywidgets import Dropdown

from .. import palette
from ..cells import LSTMCell, SubLSTMCell
from ._base import Explorer, float_slider, one_thread

F64 = torch.float64

__all__ = [
    "INPUTS",
    "UnitTrace",
    "GateTraces",
    "input_sequence",
    "gate_traces",
    "plot_gate_traces",
    "gate_explorer",
]

#: The input sequences the explorer offers.
INPUTS = ("pulses", "step", "sine", "noise")

#: Default weights and biases: the input opens the LSTM's input gate, the forget gate holds.
DEFAULTS = dict(w_i=4.0, b_i=-2.0, w_f=0.0, b_f=3.0, w_z=2.0, b_z=0.0, w_o=0.0, b_o=2.0)


@dataclass
class UnitTrace:
    """One unit over time: gates i, f, o, candidate z, memory c, output h; each (T,)."""

    i: np.ndarray
    f: np.ndarray
    z: np.ndarray
    o: np.ndarray
    c: np.ndarray
    h: np.ndarray


@dataclass
class GateTraces:
    """What :func:`gate_traces` computed: the input (T,) and both units' traces."""

    t: np.ndarray  # (T,) step index
    x: np.ndarray  # (T,) input
    lstm: UnitTrace
    sublstm: UnitTrace


def input_sequence(kind: str = "pulses", T: int = 60, amplitude: float = 1.0, seed: int = 0):
    """An input x (T,): ``"pulses"`` (two 5-step pulses), ``"step"`` (on from t = 10),
    ``"sine"`` (period 20 steps) or ``"noise"`` (Gaussian, seeded), scaled by ``amplitude``."""
    if kind not in INPUTS:
        raise ValueError(f"input kind must be one of {INPUTS}; got {kind!r}")
    if not isinstance(T, int | np.integer) or T < 1:
        raise ValueError(f"T must be a positive number of steps; got {T!r}")
    t = np.arange(T)
    if kind == "pulses":
        x = (((t >= 10) & (t < 15)) | ((t >= 35) & (t < 40))).astype(float)
    elif kind == "step":
        x = (t >= 10).astype(float)
    elif kind == "sine":
        x = np.sin(2 * np.pi * t / 20)
    else:
        x = np.random.default_rng(seed).standard_normal(T)
    return amplitude * x


def _one_unit(cell_type, weights: dict, recurrent: float):
    """A cell with I = H = 1 whose gate blocks get the given input weights and biases."""
    cell = cell_type(1, 1).double()
    with torch.no_grad():
        for g in cell.gate_order:  # the cell's own order of its blocks
            cell.weight_ih[cell.block(g)] = weights[f"w_{g}"]
            cell.bias_ih[cell.block(g)] = weights[f"b_{g}"]
        cell.weight_hh.fill_(recurrent)  # (4, 1)
        cell.bias_hh.zero_()
    return cell


def _run(cell, x: np.ndarray) -> UnitTrace:
    """Step ``cell`` through x, reading its gates (``cell.gates``), c and h at every step."""
    xs = torch.as_tensor(x, dtype=torch.float64).reshape(-1, 1, 1)  # (T, B=1, I=1)
    state = cell.init_state(1)
    rows = []
    with torch.no_grad():
        for x_t in xs:
            g = cell.gates(x_t, state)  # i, f, z, o: (1, 1) each
            h, state = cell(x_t, state)
            rows.append([g["i"], g["f"], g["z"], g["o"], state.c, h])
    arr = np.array([[float(v) for v in row] for row in rows])  # (T, 6)
    return UnitTrace(*(arr[:, k] for k in range(6)))


@one_thread()
def gate_traces(
    x: str | np.ndarray = "pulses",
    *,
    amplitude: float = 1.0,
    T: int = 60,
    w_i: float = DEFAULTS["w_i"],
    b_i: float = DEFAULTS["b_i"],
    w_f: float = DEFAULTS["w_f"],
    b_f: float = DEFAULTS["b_f"],
    w_z: float = DEFAULTS["w_z"],
    b_z: float = DEFAULTS["b_z"],
    w_o: float = DEFAULTS["w_o"],
    b_o: float = DEFAULTS["b_o"],
    recurrent: float = 0.0,
) -> GateTraces:
    """Run one :class:`gatedrnn.LSTMCell` and one :class:`gatedrnn.SubLSTMCell` unit (I = H = 1).

    Args:
        x: an input kind from :data:`INPUTS` (then ``amplitude`` and ``T`` shape it), or the
            input itself, an array (T,).
        w_g, b_g: input weight and bias of block g in (i, f, z, o), the same for both cells.
        recurrent: weight from h_{t-1} into every block (0: the unit only sees x).

    Returns:
        :class:`GateTraces`; ``lstm`` and ``sublstm`` hold i, f, z, o, c, h, each (T,).
    """
    if isinstance(x, str):
        x = input_sequence(x, T, amplitude)
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"x must be an input kind {INPUTS} or a 1-d array (T,); got {x.shape}")
    weights = dict(w_i=w_i, b_i=b_i, w_f=w_f, b_f=b_f, w_z=w_z, b_z=b_z, w_o=w_o, b_o=b_o)
    lstm = _run(_one_unit(LSTMCell, weights, recurrent), x)
    sub = _run(_one_unit(SubLSTMCell, weights, recurrent), x)
    return GateTraces(np.arange(len(x)), x, lstm, sub)


_COLORS = {g: palette.GATES[g] for g in ("i", "f", "o", "z", "c", "h")}


def plot_gate_traces(tr: GateTraces, fig=None):
    """Two columns (LSTM, subLSTM), three rows: gates i, f, o; input and candidate z; c and h.

    Returns the Figure.
    """
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(10, 6), layout="constrained")
    axes = fig.subplots(3, 2, sharex=True)
    titles = {
        "lstm": "LSTM: c = f·c + i·z,  h = o·tanh(c)",
        "sublstm": "subLSTM: c = f·c + z − i,  h = σ(c) − o",
    }
    for col, name in enumerate(("lstm", "sublstm")):
        unit: UnitTrace = getattr(tr, name)
        top, mid, bottom = axes[:, col]
        for g in ("i", "f", "o"):
            top.plot(tr.t, getattr(unit, g), color=_COLORS[g], lw=1.6, label=g)
        top.set(ylim=(-0.05, 1.05), title=titles[name], ylabel="gate")
        top.legend(fontsize="small", ncols=3, loc="center right")
        mid.plot(tr.t, tr.x, color=palette.INPUT, lw=1.2, label="input x")
        mid.plot(tr.t, unit.z, color=_COLORS["z"], lw=1.6, label="candidate z")
        mid.set(ylabel="x, z")
        mid.legend(fontsize="small", loc="upper right")
        bottom.plot(tr.t, unit.c, color=_COLORS["c"], lw=1.6, label="memory c")
        bottom.plot(tr.t, unit.h, color=_COLORS["h"], lw=1.6, label="output h")
        bottom.axhline(0, color=palette.LIGHT, lw=0.6)
        bottom.set(xlabel="time step t", ylabel="c, h")
        bottom.legend(fontsize="small", loc="upper left")
    return fig


def gate_explorer(**defaults) -> Explorer:
    """Sliders for the input and for each gate's weight and bias; LSTM and subLSTM side by side.

    Keyword arguments override the starting values (``x``, ``amplitude``, ``w_i`` … ``b_o``).

    >>> gate_explorer(b_f=0.0)   # start with a leaky forget gate
    """
    start = {"x": "pulses", "amplitude": 1.0, **DEFAULTS, **defaults}
    unknown = set(start) - {"x", "amplitude", *DEFAULTS}
    if unknown:
        raise TypeError(
            f"gate_explorer() got unknown starting values {sorted(unknown)}; "
            f"use x, amplitude, {', '.join(DEFAULTS)}"
        )
    controls = {
        "x": Dropdown(options=INPUTS, value=start["x"], description="input"),
        "amplitude": float_slider("input amplitude", start["amplitude"], 0.0, 3.0, 0.1),
    }
    names = {"i": "input gate", "f": "forget gate", "z": "candidate", "o": "output gate"}
    for g, name in names.items():
        controls[f"w_{g}"] = float_slider(f"{name} w_{g}", start[f"w_{g}"], -8.0, 8.0, 0.5)
        controls[f"b_{g}"] = float_slider(f"{name} b_{g}", start[f"b_{g}"], -8.0, 8.0, 0.5)

    def draw(fig, **values):
        tr = gate_traces(**values)
        plot_gate_traces(tr, fig)
        return tr

    return Explorer(
        controls,
        draw,
        title="Gates: one LSTM unit and one subLSTM unit",
        figsize=(10.5, 6.5),
        start=start,
    )
