"""Widget explorers: move a slider, see what a gate, a time constant or a weight does.

Each explorer is three layers: a pure compute function that returns a dataclass of arrays, a
plot function that draws it, and a thin ipywidgets wrapper (an :class:`Explorer`) that wires
sliders to both. Displayed where widgets cannot run (nbval, a static render, a PDF) an explorer
still shows its figure at the starting values.

========================================  ========================  ==========================
explorer                                  compute                   plot
========================================  ========================  ==========================
``gate_explorer()``                       ``gate_traces``           ``plot_gate_traces``
``time_constant_explorer()``              ``time_constants``        ``plot_time_constants``
``ei_explorer()``                         ``ei_network``            ``plot_ei_network``
``plasticity_explorer(form="rate")``      ``plasticity_run``        ``plot_plasticity_run``
``gradient_flow_explorer()``              ``gradient_curves``       ``plot_gradient_curves``
``shapes_explorer()``                     ``mlp_shapes``            ``plot_mlp_shapes``
========================================  ========================  ==========================

>>> from gatedrnn.explore import gate_explorer
>>> gate_explorer()                      # sliders above an LSTM unit beside a subLSTM unit
>>> ex = gate_explorer(); ex.controls["b_f"].value = -2.0; ex.result.lstm.c   # drive it by code
"""

from ._base import Explorer
from .ei import EINetwork, ei_explorer, ei_network, plot_ei_network
from .gates import GateTraces, gate_explorer, gate_traces, input_sequence, plot_gate_traces
from .gradients import GradientCurves, gradient_curves, gradient_flow_explorer, plot_gradient_curves
from .inhibitory import plasticity_explorer, plasticity_run, plot_plasticity_run
from .shapes import MLPShapes, mlp_shapes, plot_mlp_shapes, shapes_explorer
from .time_constants import (
    TimeConstants,
    plot_time_constants,
    time_constant_explorer,
    time_constants,
)

__all__ = [
    "Explorer",
    "gate_explorer",
    "gate_traces",
    "plot_gate_traces",
    "GateTraces",
    "input_sequence",
    "time_constant_explorer",
    "time_constants",
    "plot_time_constants",
    "TimeConstants",
    "ei_explorer",
    "ei_network",
    "plot_ei_network",
    "EINetwork",
    "plasticity_explorer",
    "plasticity_run",
    "plot_plasticity_run",
    "gradient_flow_explorer",
    "gradient_curves",
    "plot_gradient_curves",
    "GradientCurves",
    "shapes_explorer",
    "mlp_shapes",
    "plot_mlp_shapes",
    "MLPShapes",
]
