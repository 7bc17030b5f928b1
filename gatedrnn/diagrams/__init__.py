r"""Diagrams of the course's models, drawn as code: every function returns a matplotlib Figure.

They render wherever a notebook's stored outputs do (JupyterLab, Colab, GitHub's preview): no
image files, one palette (:mod:`gatedrnn.palette`), the lectures' notation. Each is built from
a few primitives (:mod:`gatedrnn.diagrams._draw`: cells, operation nodes, synapses) placed on a
named layout, so changing a diagram means moving a point or adding one call.

=====================================================  ========================================
diagram                                                lecture
=====================================================  ========================================
``mlp_diagram(n, m, q, p)``                            01: the network and its shapes
``rate_unit_diagram()``                                02: τ, φ, the Euler step, z = Δt/τ
``ei_pair_diagram()``                                  02, 05: E and I cells, Dale's principle
``lstm_diagram(peephole=, coupled=)``                  03: i, f near the soma, o on the axon
``gru_diagram(simple=, reset=)``                       04: simple-GRU, GRU; z a time constant
``sublstm_diagram(fixed_forget=)``                     06: inhibitory gates that subtract
``microcircuit_diagram(subtractive=)``                 06: cortical microcircuit beside the unit
``column_diagram()``                                   06: six layers, canonical microcircuit
``unrolled_diagram(T, cell=, loss=)``                  07: forward and BPTT paths
``cell_diagram(cell, values=)``                        the diagram of a cell object, its options
``live_diagram(cell, x, t)``                           … coloured by a run's values at step t
``step_values(cell, x)``                               every gate and state of a run (CellRun)
=====================================================  ========================================

>>> from gatedrnn import diagrams
>>> diagrams.lstm_diagram(peephole=True)
>>> diagrams.live_diagram(gatedrnn.SubLSTMCell(1, 3), torch.randn(20, 1, 1), t=5)
"""

from .cells import gru_diagram, lstm_diagram, rate_unit_diagram, sublstm_diagram
from .circuits import column_diagram, ei_pair_diagram, microcircuit_diagram
from .live import CellRun, cell_diagram, live_diagram, step_values
from .networks import mlp_diagram, unrolled_diagram

__all__ = [
    "mlp_diagram",
    "rate_unit_diagram",
    "ei_pair_diagram",
    "lstm_diagram",
    "gru_diagram",
    "sublstm_diagram",
    "microcircuit_diagram",
    "column_diagram",
    "unrolled_diagram",
    "cell_diagram",
    "live_diagram",
    "step_values",
    "CellRun",
]
