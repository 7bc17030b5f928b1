r"""The course's colours, named by role: one palette for every figure, diagram and explorer.

The hues come from Okabe & Ito's colour-blind-safe set (plus a few of Paul Tol's), so the
roles stay apart for readers with deuteranopia, protanopia or tritanopia and in grey print
(each role also has its own shape or line style in the diagrams). The candidate ``z`` is green
and the inhibitory cells are blue: a subLSTM's gates are inhibitory cells, the candidate is not.

===================  =========  ==========================================================
name                 colour     role
===================  =========  ==========================================================
``EXCITATORY``       vermilion  E cells, positive (excitatory) synapses, Dale's + columns
``INHIBITORY``       blue       I cells, negative synapses, basket cells, subtractive gates
``CANDIDATE``        green      candidate ``z`` (LSTM, subLSTM), GRU's ``n``
``INPUT_GATE``       orange     input gate ``i``; a rate unit's ``z = Δt/τ``; GRU's ``z``
``FORGET_GATE``      purple     forget gate ``f``
``OUTPUT_GATE``      sky blue   output gate ``o``; GRU's reset gate ``r`` (the notes' ``o``)
``MEMORY``           black      memory cell ``c``, a rate unit's state ``r`` or ``v``
``INPUT``            grey       input ``x``
``HIDDEN``           wine       a unit's output ``h`` (the state an RNN passes on)
``READOUT``          olive      read-out ``y``
``WEIGHT``           sand       weight matrices ``W, R, V`` (as filled boxes)
``BIAS``             light grey biases ``b, c``
``GRADIENT``         magenta    ``∂L/∂h_t``, the backward path of BPTT
``TARGET``           teal       a target value (``ρ0``, a baseline)
===================  =========  ==========================================================

``GATES`` maps a gate name to its colour for every cell (``"i", "f", "z", "o", "c", "h"``,
GRU's ``"r", "n"``). ``CELLS`` gives each cell kind one colour for curves that compare cells.
``GATE_MAP`` (values in [0, 1]) and ``STATE_MAP`` (signed values) colour a live diagram.

>>> from gatedrnn import palette
>>> ax.plot(t, i, color=palette.INPUT_GATE)
>>> palette.GATES["z"], palette.cell_color("subLSTM")
"""

from __future__ import annotations

__all__ = [
    "EXCITATORY",
    "INHIBITORY",
    "CANDIDATE",
    "INPUT_GATE",
    "FORGET_GATE",
    "OUTPUT_GATE",
    "MEMORY",
    "INPUT",
    "HIDDEN",
    "READOUT",
    "WEIGHT",
    "BIAS",
    "GRADIENT",
    "TARGET",
    "NEUTRAL",
    "LIGHT",
    "GATES",
    "CELLS",
    "GATE_MAP",
    "STATE_MAP",
    "LAYERS",
    "cell_color",
    "tint",
]

EXCITATORY = "#D55E00"  # Okabe-Ito vermilion
INHIBITORY = "#0072B2"  # Okabe-Ito blue
CANDIDATE = "#009E73"  # Okabe-Ito bluish green
INPUT_GATE = "#E69F00"  # Okabe-Ito orange
FORGET_GATE = "#CC79A7"  # Okabe-Ito reddish purple
OUTPUT_GATE = "#56B4E9"  # Okabe-Ito sky blue
MEMORY = "#000000"
INPUT = "#6E6E6E"
HIDDEN = "#882255"  # Tol wine
READOUT = "#999933"  # Tol olive
WEIGHT = "#DDCC77"  # Tol sand
BIAS = "#C8C8C8"
GRADIENT = "#EE3377"  # Tol magenta
TARGET = "#44AA99"  # Tol teal
NEUTRAL = "#7F7F7F"  # reference lines, axes of a diagram
LIGHT = "#D9D9D9"  # zero lines, faint guides

#: Gate and state names of every cell -> colour.
GATES: dict[str, str] = {
    "i": INPUT_GATE,
    "f": FORGET_GATE,
    "z": CANDIDATE,
    "o": OUTPUT_GATE,
    "c": MEMORY,
    "h": HIDDEN,
    "x": INPUT,
    "r": OUTPUT_GATE,  # GRU reset gate: the notes' output gate o (eq. 18)
    "u": INPUT_GATE,  # GRU update gate (PyTorch's z): i = 1 - f in the notes
    "n": CANDIDATE,  # GRU candidate
}

#: Cell kinds -> colour, for curves that compare cells (gradient flow, training).
CELLS: dict[str, str] = {
    "vanilla": NEUTRAL,
    "rate": MEMORY,
    "LSTM": INPUT_GATE,
    "GRU": CANDIDATE,
    "simple-GRU": TARGET,
    "subLSTM": INHIBITORY,
    "fix-subLSTM": OUTPUT_GATE,
}

#: Colour maps of a live diagram: gates in [0, 1], signed states (c, h, z) around 0.
GATE_MAP = "cividis"
STATE_MAP = "PuOr_r"

#: Fills of the six cortical layers I-VI (light, one hue family, told apart by labels too).
LAYERS = ("#F7F4EA", "#EFEBDD", "#F7F4EA", "#E6EEF2", "#F2E6EA", "#ECECEC")


def cell_color(kind: str) -> str:
    """The colour of a cell kind (``"LSTM"``, ``"GRU"``, ``"subLSTM"``, …), case-insensitive.

    Unknown kinds get :data:`NEUTRAL`.
    """
    for name, color in CELLS.items():
        if name.lower() == str(kind).lower().replace("_", "-"):
            return color
    if "sub" in str(kind).lower():
        return CELLS["fix-subLSTM"] if "fix" in str(kind).lower() else CELLS["subLSTM"]
    return NEUTRAL


def tint(color: str, amount: float = 0.75) -> tuple[float, float, float]:
    """``color`` mixed with white (``amount`` = 0: the colour, 1: white): a fill for a shape."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(color)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)
