"""Write every diagram as a PNG: ``python -m gatedrnn.diagrams [folder]`` (docs/screenshots)."""

from __future__ import annotations

import sys
from pathlib import Path

import torch

import gatedrnn

from . import (
    column_diagram,
    ei_pair_diagram,
    gru_diagram,
    live_diagram,
    lstm_diagram,
    microcircuit_diagram,
    mlp_diagram,
    rate_unit_diagram,
    sublstm_diagram,
    unrolled_diagram,
)


def _live(cell_type, **options):
    torch.manual_seed(0)
    cell = cell_type(1, 2, **options).double()
    x = torch.sin(torch.arange(20, dtype=torch.float64) / 3).reshape(20, 1, 1)
    return live_diagram(cell, x, t=8)


DIAGRAMS = {
    "diagram_mlp": lambda: mlp_diagram(784, 100, 10, 1),
    "diagram_rate_unit": rate_unit_diagram,
    "diagram_rate_unit_voltage": lambda: rate_unit_diagram(form="voltage"),
    "diagram_vanilla": lambda: rate_unit_diagram(vanilla=True),
    "diagram_ei_pair": ei_pair_diagram,
    "diagram_lstm": lstm_diagram,
    "diagram_lstm_peephole": lambda: lstm_diagram(peephole=True),
    "diagram_lstm_coupled": lambda: lstm_diagram(coupled=True),
    "diagram_simple_gru": lambda: gru_diagram(simple=True),
    "diagram_gru_after": lambda: gru_diagram(reset="after"),
    "diagram_gru_before": lambda: gru_diagram(reset="before"),
    "diagram_sublstm": sublstm_diagram,
    "diagram_fix_sublstm": lambda: sublstm_diagram(fixed_forget=True),
    "diagram_microcircuit": microcircuit_diagram,
    "diagram_microcircuit_lstm": lambda: microcircuit_diagram(subtractive=False),
    "diagram_column": column_diagram,
    "diagram_unrolled": unrolled_diagram,
    "diagram_live_lstm": lambda: _live(gatedrnn.LSTMCell),
    "diagram_live_sublstm": lambda: _live(gatedrnn.SubLSTMCell),
    "diagram_live_gru": lambda: _live(gatedrnn.GRUCell, reset="before"),
}


def main(folder: str = "docs/screenshots") -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for name, make in DIAGRAMS.items():
        make().savefig(out / f"{name}.png", dpi=90, facecolor="white")
        print(out / f"{name}.png")


if __name__ == "__main__":
    main(*sys.argv[1:])
