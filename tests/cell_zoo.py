"""Every cell and option of the library, for the tests that sweep them all."""

from __future__ import annotations

import gatedrnn

CELLS = {
    "vanilla": lambda I, H: gatedrnn.VanillaRNNCell(I, H),
    "rate-tanh": lambda I, H: gatedrnn.RateCell(I, H, tau=4.0),
    "rate-relu-dale": lambda I, H: gatedrnn.RateCell(I, H, tau=4.0, phi="relu", dale=0.8),
    "rate-ssn": lambda I, H: gatedrnn.RateCell(I, H, tau=4.0, phi="ssn", k=0.3, n=2.0),
    "voltage-tanh": lambda I, H: gatedrnn.RateCell(I, H, form="voltage", tau=[2.0] * H),
    "voltage-ssn-dale": lambda I, H: gatedrnn.RateCell(
        I, H, form="voltage", tau=3.0, phi="ssn", dale=0.5
    ),
    "lstm": lambda I, H: gatedrnn.LSTMCell(I, H),
    "lstm-relu-identity": lambda I, H: gatedrnn.LSTMCell(I, H, phi1="relu", phi2="identity"),
    "lstm-peephole": lambda I, H: gatedrnn.LSTMCell(I, H, peephole=True),
    "lstm-coupled": lambda I, H: gatedrnn.LSTMCell(I, H, coupled=True),
    "lstm-peephole-coupled": lambda I, H: gatedrnn.LSTMCell(I, H, peephole=True, coupled=True),
    "sublstm": lambda I, H: gatedrnn.SubLSTMCell(I, H),
    "fix-sublstm": lambda I, H: gatedrnn.SubLSTMCell(I, H, fixed_forget=True),
    "simple-gru": lambda I, H: gatedrnn.SimpleGRUCell(I, H),
    "gru": lambda I, H: gatedrnn.GRUCell(I, H),
    "gru-reset-before": lambda I, H: gatedrnn.GRUCell(I, H, reset="before"),
}
