r"""Circuit diagrams: an E/I pair under Dale's principle, the cortical microcircuit beside the
LSTM unit (Costa et al. 2017), and a six-layer column with the canonical microcircuit
(Douglas, Martin & Whitteridge 1989).

Shapes follow the anatomists: a triangle is a pyramidal (excitatory) cell, a circle an
inhibitory interneuron; an excitatory synapse ends in an arrow head, an inhibitory one in a
flat bar.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from .. import palette
from ._draw import Sketch, canvas, new_figure

__all__ = ["ei_pair_diagram", "microcircuit_diagram", "column_diagram"]


def ei_pair_diagram(*, fig: Figure | None = None) -> Figure:
    r"""An excitatory and an inhibitory cell, and the sign pattern Dale's principle gives R.

    Every synapse a cell makes has its sign: the E cell's column of :math:`R` is positive, the
    I cell's negative, :math:`R = |R_{raw}|\,D`, :math:`D = \mathrm{diag}(+1, -1)`.
    """
    fig = fig or new_figure(10.0, 3.9)
    ax = canvas(
        fig,
        [0.0, 0.0, 1.0, 0.9],
        xlim=(0, 13),
        ylim=(0, 5),
        title="An E/I pair obeying Dale's principle: a cell's synapses all have its sign",
    )
    sk = Sketch(ax)
    E, I = (2.0, 2.5), (5.6, 2.5)
    sk.cell(E, "E", color=palette.EXCITATORY, shape="triangle", size=0.55)
    sk.cell(I, "I", color=palette.INHIBITORY, size=0.5)
    sk.wire(
        (E[0] + 0.55, E[1] + 0.35),
        (I[0] - 0.5, I[1] + 0.3),
        kind="excite",
        color=palette.EXCITATORY,
        rad=-0.3,
        lw=2,
    )
    sk.wire(
        (I[0] - 0.5, I[1] - 0.3),
        (E[0] + 0.55, E[1] - 0.35),
        kind="inhibit",
        color=palette.INHIBITORY,
        rad=-0.3,
        lw=2,
    )
    sk.wire(
        (E[0] - 0.45, E[1] + 0.55),
        (E[0] - 0.7, E[1] - 0.2),
        kind="excite",
        color=palette.EXCITATORY,
        rad=1.6,
        lw=1.6,
    )
    sk.wire(
        (I[0] + 0.4, I[1] + 0.35),
        (I[0] + 0.5, I[1] - 0.2),
        kind="inhibit",
        color=palette.INHIBITORY,
        rad=-1.6,
        lw=1.6,
    )
    sk.label(((E[0] + I[0]) / 2, 3.55), r"$R_{IE} > 0$", color=palette.EXCITATORY)
    sk.label(((E[0] + I[0]) / 2, 1.45), r"$R_{EI} < 0$", color=palette.INHIBITORY)
    sk.label((E[0] - 1.1, 3.9), r"$R_{EE} > 0$", color=palette.EXCITATORY, fontsize=9)
    sk.label((I[0] + 1.05, 3.35), r"$R_{II} < 0$", color=palette.INHIBITORY, fontsize=9)
    sk.wire((0.3, 0.7), (E[0] - 0.3, E[1] - 0.6), kind="excite", color=palette.INPUT, lw=1.2)
    sk.wire(
        (0.3, 0.7), (I[0] - 0.3, I[1] - 0.5), kind="excite", color=palette.INPUT, lw=1.2, rad=0.15
    )
    sk.label((0.3, 0.35), "input", color=palette.INPUT, fontsize=9)
    # the matrix R: columns are presynaptic cells, so a column has one sign
    x0, y0, s = 8.2, 1.1, 1.1
    for row, post in enumerate(("E", "I")):
        for col, (pre, color) in enumerate((("E", palette.EXCITATORY), ("I", palette.INHIBITORY))):
            sign = "+" if pre == "E" else "−"
            sk.box(
                (x0 + col * s, y0 + (1 - row) * s),
                s,
                s,
                color=color,
                fill=palette.tint(color, 0.6),
                text=sign,
                fontsize=16,
                zorder=2,
            )
        sk.label((x0 - 0.35, y0 + (1 - row) * s + s / 2), post, fontsize=10)
    sk.label((x0 + s / 2, y0 + 2 * s + 0.3), "E", fontsize=10)
    sk.label((x0 + 1.5 * s, y0 + 2 * s + 0.3), "I", fontsize=10)
    sk.label((x0 + s, y0 + 2 * s + 0.8), "R: from (columns) → to (rows)", fontsize=9)
    sk.label(
        (x0 + s, y0 - 0.45), r"$R = |R_{raw}| \cdot D,\ D = \mathrm{diag}(+1, -1)$", fontsize=9.5
    )
    sk.note((x0 + 2 * s + 0.25, y0 + s), "E : I ≈ 80 : 20\nin cortex", fontsize=8)
    return fig


_LAYER_NAMES = ("I", "II/III", "IV", "V", "VI")


def microcircuit_diagram(*, subtractive: bool = True, fig: Figure | None = None) -> Figure:
    """The cortical microcircuit (left) beside the gated unit it maps to (right).

    Costa et al. 2017's mapping: excitatory cells of layer 2/3 or 4 carry the input ``z``;
    layer-5 pyramidal cells are the memory cells ``c``; inhibitory basket cells are the input
    and output gates, targeting the memory cell's input near its soma and its output.
    ``subtractive`` draws the right panel as a subLSTM (gates subtract) or an LSTM (multiply).
    """
    fig = fig or new_figure(11.5, 5.0)
    ax = canvas(
        fig,
        [0.0, 0.0, 0.5, 0.9],
        xlim=(0, 8),
        ylim=(0, 7),
        title="cortical microcircuit (Costa et al. 2017)",
    )
    sk = Sketch(ax, fontsize=10)
    bands = [("L2/3", 4.7, 6.6), ("L4", 3.4, 4.7), ("L5", 0.3, 3.4)]
    for k, (name, lo, hi) in enumerate(bands):
        sk.box(
            (0.3, lo),
            7.4,
            hi - lo,
            color=palette.LIGHT,
            fill=palette.LAYERS[k + 1],
            lw=0.8,
            zorder=0,
        )
        sk.label((0.75, hi - 0.3), name, fontsize=10, color=palette.NEUTRAL)
    z, c = (2.3, 5.3), (4.3, 1.7)
    i_cell, o_cell = (2.5, 2.3), (6.3, 2.6)
    sk.cell((1.4, 4.0), "", color=palette.EXCITATORY, shape="triangle", size=0.3)
    sk.label((1.4, 3.55), "L4", fontsize=8)
    sk.wire((0.3, 3.9), (1.05, 3.9), kind="excite", color=palette.INPUT, lw=1.3)
    sk.label((0.35, 3.65), r"$x_t$", fontsize=9, color=palette.INPUT, ha="left")
    sk.wire((1.5, 4.35), (z[0] - 0.2, z[1] - 0.45), kind="excite", color=palette.EXCITATORY, lw=1.3)
    sk.cell(z, "z", color=palette.CANDIDATE, shape="triangle", size=0.42)
    sk.note((c[0] + 0.15, z[1] + 0.35), "excitatory input cells\n(layer 2/3 or 4): z")
    sk.cell(
        c,
        "c",
        color=palette.MEMORY,
        shape="triangle",
        size=0.55,
        fill=palette.tint(palette.EXCITATORY, 0.8),
    )
    sk.note((c[0] + 0.3, 0.55), "layer-5 pyramidal cell: memory c")
    # apical dendrite up to the input, the input synapse near the soma
    syn = (c[0] - 0.5, 2.75)
    sk.path([(z[0], z[1] - 0.45), (z[0], 3.0), syn], kind="excite", color=palette.CANDIDATE, lw=2)
    sk.wire((c[0], c[1] + 0.7), (c[0], 6.2), kind="line", color=palette.MEMORY, lw=1.2)
    sk.note((c[0] + 0.1, 6.3), "apical dendrite", fontsize=7)
    sk.cell(
        i_cell, "i", color=palette.INHIBITORY, fill=palette.tint(palette.INPUT_GATE, 0.5), size=0.34
    )
    sk.wire(
        (i_cell[0] + 0.34, i_cell[1] + 0.1),
        (syn[0] - 0.05, syn[1] - 0.1),
        kind="inhibit",
        color=palette.INHIBITORY,
        lw=2,
    )
    sk.note((0.45, 1.55), "basket cell: input gate,\nat the input near the soma", fontsize=7.5)
    # self-excitation (forget) and the output along the axon
    sk.wire(
        (c[0] + 0.45, c[1] - 0.45),
        (c[0] - 0.45, c[1] - 0.45),
        kind="excite",
        color=palette.FORGET_GATE,
        rad=-1.2,
        lw=1.6,
    )
    sk.label((c[0] - 0.95, c[1] - 0.75), "f", color=palette.FORGET_GATE, fontsize=10)
    sk.wire((c[0] + 0.68, c[1]), (7.6, c[1]), kind="excite", color=palette.HIDDEN, lw=2)
    sk.label((7.6, c[1] + 0.3), r"$h_t$", color=palette.HIDDEN, fontsize=10)
    sk.cell(
        o_cell,
        "o",
        color=palette.INHIBITORY,
        fill=palette.tint(palette.OUTPUT_GATE, 0.5),
        size=0.34,
    )
    sk.wire(
        (o_cell[0], o_cell[1] - 0.34),
        (o_cell[0], c[1] + 0.05),
        kind="inhibit",
        color=palette.INHIBITORY,
        lw=2,
    )
    sk.note((5.0, 3.05), "basket cell: output gate", fontsize=7.5)
    for cell in (i_cell, o_cell):  # the gates see the same input and the network's output
        sk.wire(
            (1.7, 4.0),
            (cell[0] - 0.2, cell[1] + 0.3),
            kind="excite",
            color=palette.LIGHT,
            lw=1.0,
            rad=0.1,
        )

    # right: the unit it maps to
    ax2 = canvas(
        fig,
        [0.52, 0.0, 0.48, 0.9],
        xlim=(0, 8),
        ylim=(0, 7),
        title=("subLSTM unit: gates subtract" if subtractive else "LSTM unit: gates multiply"),
    )
    s2 = Sketch(ax2, fontsize=10)
    op = "−" if subtractive else "×"
    gate_kind = "inhibit" if subtractive else "excite"
    gate_color = palette.INHIBITORY if subtractive else palette.MEMORY
    zc, cc, hc = (1.2, 3.5), (4.2, 3.5), (7.3, 3.5)
    s2.cell(zc, "z", color=palette.CANDIDATE, shape="triangle", size=0.42)
    s2.op((2.6, 3.5), op, color=gate_color)
    s2.cell(
        (2.6, 5.2),
        "i",
        color=gate_color if subtractive else palette.INPUT_GATE,
        fill=palette.tint(palette.INPUT_GATE, 0.5),
        size=0.36,
    )
    s2.wire(
        (2.6, 4.84),
        (2.6, 3.72),
        kind=gate_kind,
        color=palette.INHIBITORY if subtractive else palette.INPUT_GATE,
        lw=1.8,
    )
    s2.wire((zc[0] + 0.5, 3.5), (2.4, 3.5), kind="excite", color=palette.CANDIDATE, lw=2)
    s2.wire((2.8, 3.5), (cc[0] - 0.62, 3.5), kind="excite", color=palette.CANDIDATE, lw=2)
    s2.cell(
        cc,
        "c",
        color=palette.MEMORY,
        shape="triangle",
        size=0.55,
        fill=palette.tint(palette.EXCITATORY, 0.8),
    )
    s2.wire(
        (cc[0] + 0.45, cc[1] - 0.45),
        (cc[0] - 0.45, cc[1] - 0.45),
        kind="excite",
        color=palette.FORGET_GATE,
        rad=-1.2,
        lw=1.6,
    )
    s2.label((cc[0] + 0.75, 2.55), "× f", color=palette.FORGET_GATE, fontsize=10)
    s2.op((5.3, 3.5), "σ" if subtractive else "tanh", color=palette.HIDDEN)
    s2.op((6.3, 3.5), op, color=gate_color)
    s2.cell(
        (6.3, 5.2),
        "o",
        color=gate_color if subtractive else palette.OUTPUT_GATE,
        fill=palette.tint(palette.OUTPUT_GATE, 0.5),
        size=0.36,
    )
    s2.wire(
        (6.3, 4.84),
        (6.3, 3.72),
        kind=gate_kind,
        color=palette.INHIBITORY if subtractive else palette.OUTPUT_GATE,
        lw=1.8,
    )
    s2.wire((cc[0] + 0.68, 3.5), (4.95, 3.5), kind="line", color=palette.HIDDEN, lw=2)
    s2.wire((5.65, 3.5), (6.1, 3.5), kind="line", color=palette.HIDDEN, lw=2)
    s2.wire((6.5, 3.5), (hc[0] - 0.36, 3.5), kind="excite", color=palette.HIDDEN, lw=2)
    s2.cell(hc, "h", color=palette.HIDDEN, size=0.36)
    eq = (
        r"$c_t = f \odot c_{t-1} + z_t - i_t$" + "\n" + r"$h_t = \sigma(c_t) - o_t$"
        if subtractive
        else r"$c_t = f \odot c_{t-1} + i_t \odot z_t$" + "\n" + r"$h_t = o_t \odot \tanh(c_t)$"
    )
    s2.label((4.0, 0.9), eq, fontsize=10.5)
    for k, (a, b) in enumerate(
        (("z", "L2/3, L4 excitatory"), ("c", "L5 pyramidal"), ("i, o", "basket cells"))
    ):
        s2.note((0.3, 6.6 - 0.35 * k), f"{a}  ↔  {b}", fontsize=8.5, color=palette.MEMORY)
    return fig


def column_diagram(*, fig: Figure | None = None) -> Figure:
    """Six cortical layers (left) and the canonical microcircuit (right).

    The canonical microcircuit of Douglas, Martin & Whitteridge (1989): superficial (layer
    2+3) and deep (layer 5+6) pyramidal populations excite themselves and each other; one
    population of inhibitory (GABAergic) cells inhibits both and itself; the thalamus drives
    all three.
    """
    fig = fig or new_figure(11.5, 5.4)
    ax = canvas(
        fig, [0.0, 0.0, 0.47, 0.9], xlim=(0, 7), ylim=(0, 8), title="six layers of the neocortex"
    )
    sk = Sketch(ax, fontsize=10)
    # relative thicknesses, top (layer I) to bottom (layer VI)
    layers = [
        ("I", 0.7, "few cells: dendrites, axons"),
        ("II/III", 2.0, "pyramidal cells"),
        ("IV", 1.2, "spiny stellate cells: thalamic input"),
        ("V", 1.6, "large pyramidal cells: output"),
        ("VI", 1.6, "pyramidal cells: feedback to thalamus"),
    ]
    top = 7.6
    centres = {}
    for k, (name, height, what) in enumerate(layers):
        lo = top - height
        sk.box(
            (0.8, lo), 3.8, height, color=palette.LIGHT, fill=palette.LAYERS[k], lw=0.8, zorder=0
        )
        sk.label((0.45, lo + height / 2), name, fontsize=10)
        sk.note((4.75, lo + height / 2), what, fontsize=7.5, va="center")
        centres[name] = (lo + top) / 2
        top = lo
    sk.note((0.8, 7.75), "pia (surface)", fontsize=7)
    sk.note((0.8, top - 0.3), "white matter", fontsize=7)
    for x in (1.5, 2.7, 3.9):
        sk.cell(
            (x, centres["II/III"] - 0.2), "", color=palette.EXCITATORY, shape="triangle", size=0.22
        )
        sk.wire(
            (x, centres["II/III"] + 0.05), (x, 7.3), kind="line", color=palette.EXCITATORY, lw=0.7
        )
        sk.cell(
            (x + 0.4, centres["V"] - 0.2), "", color=palette.EXCITATORY, shape="triangle", size=0.32
        )
        sk.wire(
            (x + 0.4, centres["V"] + 0.2),
            (x + 0.4, 7.3),
            kind="line",
            color=palette.EXCITATORY,
            lw=0.7,
        )
        sk.cell((x - 0.3, centres["VI"]), "", color=palette.EXCITATORY, shape="triangle", size=0.2)
    for x in (1.2, 2.1, 3.0, 3.9):
        sk.cell((x, centres["IV"]), "", color=palette.EXCITATORY, size=0.13)
    for x, layer in ((2.1, "II/III"), (3.3, "V"), (1.5, "IV")):
        sk.cell((x, centres[layer] + 0.45), "", color=palette.INHIBITORY, size=0.15)
    sk.wire((2.6, 0.0), (2.6, centres["IV"] - 0.25), kind="excite", color=palette.INPUT, lw=1.8)
    sk.label((2.9, 0.25), "thalamus", color=palette.INPUT, fontsize=9, ha="left")
    sk.cell((5.2, 0.3), "", color=palette.EXCITATORY, shape="triangle", size=0.16)
    sk.note((5.45, 0.25), "excitatory", fontsize=7)
    sk.cell((5.2, 0.75), "", color=palette.INHIBITORY, size=0.12)
    sk.note((5.45, 0.72), "inhibitory", fontsize=7)

    ax2 = canvas(
        fig,
        [0.5, 0.0, 0.5, 0.9],
        xlim=(0, 7),
        ylim=(0, 8),
        title="canonical microcircuit (Douglas, Martin & Whitteridge 1989)",
    )
    s2 = Sketch(ax2, fontsize=10)
    P23, P56, G, TH = (2.0, 6.2), (2.0, 3.3), (5.2, 4.75), (3.6, 1.3)
    s2.cell(P23, "P2+3", color=palette.EXCITATORY, shape="triangle", size=0.72, fontsize=9)
    s2.cell(P56, "P5+6", color=palette.EXCITATORY, shape="triangle", size=0.72, fontsize=9)
    s2.cell(G, "GABA", color=palette.INHIBITORY, size=0.62, fontsize=9)
    s2.cell(TH, "thalamus", color=palette.INPUT, shape="square", size=0.75, fontsize=9)
    e, i = palette.EXCITATORY, palette.INHIBITORY
    s2.wire(
        (P23[0] - 0.25, P23[1] - 0.6), (P56[0] - 0.25, P56[1] + 0.9), kind="excite", color=e, lw=2
    )
    s2.wire(
        (P56[0] + 0.25, P56[1] + 0.9), (P23[0] + 0.25, P23[1] - 0.6), kind="excite", color=e, lw=2
    )
    for P in (P23, P56):
        s2.wire(
            (P[0] - 0.7, P[1] + 0.3),
            (P[0] - 0.8, P[1] - 0.4),
            kind="excite",
            color=e,
            rad=1.5,
            lw=1.4,
        )
        s2.wire(
            (P[0] + 0.8, P[1] + 0.1),
            (G[0] - 0.6, G[1] + (0.25 if P is P23 else -0.25)),
            kind="excite",
            color=e,
            lw=1.6,
            rad=0.15 if P is P23 else -0.15,
        )
        s2.wire(
            (G[0] - 0.5, G[1] + (0.45 if P is P23 else -0.45)),
            (P[0] + 0.65, P[1] + (0.5 if P is P23 else -0.4)),
            kind="inhibit",
            color=i,
            lw=1.6,
            rad=0.3 if P is P23 else -0.3,
        )
    s2.wire(
        (G[0] + 0.55, G[1] + 0.3),
        (G[0] + 0.6, G[1] - 0.3),
        kind="inhibit",
        color=i,
        rad=-1.6,
        lw=1.4,
    )
    thalamic = (  # start, end, bend: the wire to P2+3 runs around P5+6 on the left
        ((TH[0] - 0.3, TH[1] + 0.5), (P56[0] + 0.2, P56[1] - 0.55), 0.0),
        ((TH[0] + 0.4, TH[1] + 0.5), (G[0], G[1] - 0.62), 0.0),
        ((TH[0] - 0.75, TH[1]), (P23[0] - 0.75, P23[1] - 0.5), -0.45),
    )
    for start, end, rad in thalamic:
        s2.wire(start, end, kind="excite", color=palette.INPUT, lw=1.3, rad=rad)
    s2.note(
        (0.2, 0.3),
        "every population excites itself and the other pyramidal one;\n"
        "GABA cells inhibit both; the thalamus drives all three",
        fontsize=7.5,
    )
    return fig
