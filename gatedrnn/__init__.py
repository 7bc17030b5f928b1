"""gatedrnn: gated recurrent neural networks and the brain.

The cells compute one time step each, the runner :class:`Recurrent` steps any cell through
time. Shapes are time-major: inputs ``(T, B, I)``, states ``(B, H)``, outputs ``(T, B, H)``.
"""

__version__ = "0.1.0"

from . import nonlinearities
from .cells import (
    GRUCell,
    LSTMCell,
    RateCell,
    RecurrentCell,
    SimpleGRUCell,
    SubLSTMCell,
    VanillaRNNCell,
)
from .devices import device
from .recurrent import Recurrent
from .states import HiddenState, LSTMState, RateState, VoltageState

__all__ = [
    "__version__",
    "device",
    "nonlinearities",
    "RecurrentCell",
    "VanillaRNNCell",
    "RateCell",
    "LSTMCell",
    "SubLSTMCell",
    "SimpleGRUCell",
    "GRUCell",
    "Recurrent",
    "HiddenState",
    "LSTMState",
    "RateState",
    "VoltageState",
]
