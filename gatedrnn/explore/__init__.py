"""Widget explorers: move a slider, see what a gate, a time constant or a weight does.

Each explorer is a pure compute function (returns a dataclass of arrays), a plot function, and a
thin ipywidgets wrapper that shows its figure even where widgets cannot run.
"""

from ._base import Explorer
from .gates import GateTraces, gate_explorer, gate_traces, input_sequence, plot_gate_traces

__all__ = [
    "Explorer",
    "gate_explorer",
    "gate_traces",
    "plot_gate_traces",
    "GateTraces",
    "input_sequence",
]
