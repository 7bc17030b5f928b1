r"""Diagrams with a run's numbers: step a cell through a sequence, read its gates at every step
(through the cell's own :meth:`gates`), and colour its diagram at a chosen step.

>>> cell = gatedrnn.LSTMCell(1, 4)
>>> run = step_values(cell, torch.randn(30, 1, 1))     # every gate, c and h, per step
>>> run.values["f"].shape                                # (30,): unit 0 of example 0
>>> cell_diagram(cell, values=run.at(12))               # the LSTM diagram at t = 12
>>> live_diagram(cell, torch.randn(30, 1, 1), t=12)     # the same in one call
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.figure import Figure

from .. import cells
from .cells import gru_diagram, lstm_diagram, rate_unit_diagram, sublstm_diagram

__all__ = ["CellRun", "step_values", "cell_diagram", "live_diagram"]


@dataclass
class CellRun:
    """One unit of one example over a run: ``values[name]`` is (T,) for every gate and state.

    Names: the cell's gates as :meth:`gates` names them (LSTM/subLSTM ``i, f, z, o``; GRU
    ``r, u, n, z``; simple-GRU ``z, n``; rate ``z``), ``h`` (the output), ``state`` (a GRU's
    or rate unit's state, the soma of its diagram) and, for the LSTM family, ``c``.
    """

    t: np.ndarray  # (T,)
    x: np.ndarray  # (T, I) input of the example
    values: dict[str, np.ndarray]

    def at(self, t: int) -> dict[str, float]:
        """Every value at step ``t`` (negative counts from the end)."""
        T = len(self.t)
        if not -T <= t < T:
            raise IndexError(f"t must be a step in 0 … {T - 1}; got {t}")
        return {name: float(v[t]) for name, v in self.values.items()}


def _as_sequence(cell, x) -> torch.Tensor:
    """x as (T, B, I) in the cell's dtype; accepts (T,) when I = 1 and (T, I)."""
    p = next(cell.parameters())
    x = torch.as_tensor(np.asarray(x) if not torch.is_tensor(x) else x, dtype=p.dtype)
    if x.dim() == 1 and cell.input_size == 1:
        x = x.reshape(-1, 1, 1)
    elif x.dim() == 2:
        x = x.unsqueeze(1)
    if x.dim() != 3 or x.shape[2] != cell.input_size:
        raise ValueError(
            f"x must be (T, B, I) = (…, …, {cell.input_size}) (or (T, I), or (T,) when I = 1); "
            f"got {tuple(x.shape)}"
        )
    return x


@torch.no_grad()
def step_values(cell, x, state=None, *, unit: int = 0, example: int = 0) -> CellRun:
    """Run ``cell`` through ``x`` (T, B, I) and record unit ``unit`` of example ``example``.

    The gates come from ``cell.gates(x_t, state)``, the states from ``cell(x_t, state)``.
    """
    xs = _as_sequence(cell, x)
    if not 0 <= unit < cell.hidden_size:
        raise ValueError(f"unit must be in 0 … {cell.hidden_size - 1}; got {unit}")
    if not 0 <= example < xs.shape[1]:
        raise ValueError(f"example must be in 0 … {xs.shape[1] - 1}; got {example}")
    rows: dict[str, list[float]] = {}
    for x_t in xs:
        gates = cell.gates(x_t, state)
        h, state = cell(x_t, state)
        step = {name: g[example, unit] for name, g in gates.items()}
        step["h"] = h[example, unit]
        if hasattr(state, "c"):
            step["c"] = state.c[example, unit]
        else:
            step["state"] = state[0][example, unit]
        for name, value in step.items():
            rows.setdefault(name, []).append(float(value))
    return CellRun(
        t=np.arange(xs.shape[0]),
        x=xs[:, example].cpu().numpy(),
        values={name: np.array(v) for name, v in rows.items()},
    )


def cell_diagram(
    cell, *, values: dict[str, float] | None = None, equations: bool = True, fig=None
) -> Figure:
    """The diagram of ``cell``'s kind and options (peepholes, coupling, fixed forget, reset)."""
    kw = dict(values=values, equations=equations, fig=fig)
    if isinstance(cell, cells.LSTMCell):
        return lstm_diagram(peephole=cell.peephole, coupled=cell.coupled, **kw)
    if isinstance(cell, cells.SubLSTMCell):
        return sublstm_diagram(fixed_forget=cell.fixed_forget, **kw)
    if isinstance(cell, cells.GRUCell):
        return gru_diagram(reset=cell.reset, **kw)
    if isinstance(cell, cells.SimpleGRUCell):
        return gru_diagram(simple=True, **kw)
    if isinstance(cell, cells.RateCell):
        return rate_unit_diagram(form=cell.form, **kw)
    if isinstance(cell, cells.VanillaRNNCell):
        return rate_unit_diagram(vanilla=True, **kw)
    raise TypeError(
        f"cell must be an LSTMCell, SubLSTMCell, GRUCell, SimpleGRUCell, RateCell or "
        f"VanillaRNNCell; "
        f"got {type(cell).__name__}"
    )


def live_diagram(cell, x, t: int = -1, *, state=None, unit: int = 0, fig=None) -> Figure:
    """Run ``cell`` on ``x`` and draw its diagram coloured by the values at step ``t``."""
    return cell_diagram(cell, values=step_values(cell, x, state, unit=unit).at(t), fig=fig)
