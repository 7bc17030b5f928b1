"""The recurrent cells: one time step each, ``cell(x_t, state) -> (h_t, state)``."""

from .base import RecurrentCell
from .gru import GRUCell, SimpleGRUCell
from .lstm import LSTMCell
from .rate import RateCell
from .sublstm import SubLSTMCell
from .vanilla import VanillaRNNCell

__all__ = [
    "RecurrentCell",
    "VanillaRNNCell",
    "RateCell",
    "LSTMCell",
    "SubLSTMCell",
    "SimpleGRUCell",
    "GRUCell",
]
