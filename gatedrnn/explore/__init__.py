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
``live_gate_explorer()``                  ``live_gate_run``         ``plot_live_gates``
``gru_phase_explorer()``                  ``gru_phase``             ``plot_gru_phase``
``gating_explorer()``                     ``gating``                ``plot_gating``
``training_explorer()``                   ``training_state``,       ``plot_training``
                                          ``advance``
``steady_state_explorer()``               ``steady_state``          ``plot_steady_state``
========================================  ========================  ==========================

>>> from gatedrnn.explore import gate_explorer
>>> gate_explorer()                      # sliders above an LSTM unit beside a subLSTM unit
>>> ex = gate_explorer(); ex.controls["b_f"].value = -2.0; ex.result.lstm.c   # drive it by code
"""

from ._base import Explorer
from .ei import EINetwork, ei_explorer, ei_network, plot_ei_network
from .gates import GateTraces, gate_explorer, gate_traces, input_sequence, plot_gate_traces
from .gating import Gating, gating, gating_explorer, plot_gating
from .gradients import (
    GradientCurves,
    flow_cell,
    gradient_curves,
    gradient_flow_explorer,
    plot_gradient_curves,
)
from .gru_phase import GRUPhase, gru_phase, gru_phase_explorer, plot_gru_phase
from .inhibitory import plasticity_explorer, plasticity_run, plot_plasticity_run
from .live_gates import LiveGateRun, live_gate_explorer, live_gate_run, plot_live_gates
from .shapes import MLPShapes, mlp_shapes, plot_mlp_shapes, shapes_explorer
from .steady_state import SteadyState, plot_steady_state, steady_state, steady_state_explorer
from .time_constants import (
    TimeConstants,
    plot_time_constants,
    time_constant_explorer,
    time_constants,
)
from .training import TrainingState, advance, plot_training, training_explorer, training_state

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
    "flow_cell",
    "gradient_curves",
    "plot_gradient_curves",
    "GradientCurves",
    "shapes_explorer",
    "mlp_shapes",
    "plot_mlp_shapes",
    "MLPShapes",
    "live_gate_explorer",
    "live_gate_run",
    "plot_live_gates",
    "LiveGateRun",
    "gru_phase_explorer",
    "gru_phase",
    "plot_gru_phase",
    "GRUPhase",
    "gating_explorer",
    "gating",
    "plot_gating",
    "Gating",
    "training_explorer",
    "training_state",
    "advance",
    "plot_training",
    "TrainingState",
    "steady_state_explorer",
    "steady_state",
    "plot_steady_state",
    "SteadyState",
]
