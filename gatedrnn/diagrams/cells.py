r"""Cell diagrams: the LSTM and subLSTM unit drawn as a neuron, the GRUs and the rate unit.

Two layouts serve every cell:

* the **LSTM family** (LSTM, subLSTM, fix-subLSTM): the memory cell :math:`c` is the soma; the
  candidate :math:`z` arrives on a dendrite; the input gate :math:`i` acts on that dendrite near
  the soma and the forget gate :math:`f` on the soma's own loop (the blog's reading: gating
  synapses close to the cell body); the output gate :math:`o` acts on the axon. An LSTM gate
  multiplies (``×``); a subLSTM gate is an inhibitory interneuron whose synapse subtracts
  (``−``, a flat-bar synapse in the inhibitory colour).
* the **leaky integrator** (rate unit, simple-GRU, GRU): the state :math:`h` (the rate unit's
  :math:`r`) is the soma; the candidate :math:`n = \varphi(\cdot)` enters through ``× z`` and the
  old state leaks through ``× (1 − z)``: ``z = Δt/τ`` is a time constant, fixed in the rate unit,
  a gate in the GRUs. The GRU's reset gate :math:`r` scales the recurrent input before or after
  :math:`R`.

Every function returns a new :class:`matplotlib.figure.Figure`; ``values`` (``{name: value}``,
e.g. from :func:`gatedrnn.diagrams.step_values`) colours the cells by a run's numbers.
"""

from __future__ import annotations

from collections.abc import Mapping

from matplotlib.figure import Figure

from .. import palette
from ._draw import Sketch, canvas, colorbars, new_figure

__all__ = ["lstm_diagram", "sublstm_diagram", "gru_diagram", "rate_unit_diagram"]

Values = Mapping[str, float] | None

# one layout for the LSTM family: name -> (x, y)
_LSTM = dict(
    bus=1.0,
    i=(2.4, 4.6),
    z=(2.4, 3.0),
    f=(2.4, 0.45),
    mul_i=(3.8, 3.0),
    add=(4.7, 3.0),
    c=(5.9, 3.0),
    mul_f=(5.9, 1.25),
    phi2=(7.25, 3.0),
    mul_o=(8.4, 3.0),
    o=(8.4, 4.6),
    h=(9.8, 3.0),
)

_EQUATIONS = {
    "LSTM": [
        r"$i_t = \sigma(W_i x_t + R_i h_{t-1} + b_i)$",
        r"$f_t = \sigma(W_f x_t + R_f h_{t-1} + b_f)$",
        r"$z_t = \varphi_1(W_z x_t + R_z h_{t-1} + b_z)$",
        r"$c_t = f_t \odot c_{t-1} + i_t \odot z_t$",
        r"$o_t = \sigma(W_o x_t + R_o h_{t-1} + b_o)$",
        r"$h_t = o_t \odot \varphi_2(c_t)$",
    ],
    "subLSTM": [
        r"$[i_t, f_t, z_t, o_t] = \sigma(W x_t + R h_{t-1} + b)$",
        r"$c_t = f_t \odot c_{t-1} + z_t - i_t$",
        r"$h_t = \sigma(c_t) - o_t$",
        "",
        "i, o: inhibitory cells; a gate",
        "is open at 0 and closes as it grows",
    ],
}


def _bus(sk: Sketch, top: float, bottom: float, x: float, label: str) -> None:
    """The input bus: x_t and h_{t-1} reach every gate through W x_t + R h_{t-1} + b."""
    sk.wire((x, bottom), (x, top), kind="line", color=palette.INPUT, lw=2.2)
    sk.label((x - 0.15, top + 0.35), label, ha="left", color=palette.INPUT)


def _feed(sk: Sketch, bus_x: float, target, radius: float = 0.4, color=palette.INPUT):
    """A wire from the bus to the cell at ``target`` (same height)."""
    sk.wire((bus_x, target[1]), (target[0] - radius, target[1]), kind="excite", color=color, lw=1.1)


def _lstm_family(
    fig: Figure,
    *,
    subtractive: bool,
    peephole: bool = False,
    coupled: bool = False,
    fixed_forget: bool = False,
    values: Values = None,
    title: str,
    equations: bool = True,
) -> Figure:
    L = _LSTM
    ax = canvas(
        fig,
        [0.01, 0.1 if values else 0.0, 0.69 if equations else 0.98, 0.84 if values else 0.94],
        xlim=(0, 10.8),
        ylim=(-0.3, 6.2),
        title=title,
    )
    sk = Sketch(ax, values)
    gate_kind = "inhibit" if subtractive else "excite"
    gate_edge = palette.INHIBITORY if subtractive else None
    gate_op = "−" if subtractive else "×"

    _bus(sk, 5.65, 0.45 if not (coupled or fixed_forget) else 3.0, L["bus"], r"$x_t,\ h_{t-1}$")
    # the gates and the candidate
    for g in ("i", "z"):
        _feed(sk, L["bus"], L[g])
    sk.cell(L["z"], "z", color=palette.CANDIDATE, shape="triangle")
    sk.note(
        (L["z"][0] - 0.55, L["z"][1] - 0.75),
        r"candidate, $\varphi_1=$" + (r"$\sigma$" if subtractive else "tanh"),
    )
    sk.cell(
        L["i"],
        "i",
        color=gate_edge or palette.INPUT_GATE,
        fill=palette.tint(palette.INPUT_GATE, 0.55),
    )
    # o: fed along the top of the figure
    sk.path(
        [(L["bus"], 5.65), (L["o"][0], 5.65), (L["o"][0], L["o"][1] + 0.4)],
        kind="excite",
        color=palette.INPUT,
        lw=1.1,
    )
    sk.cell(
        L["o"],
        "o",
        color=gate_edge or palette.OUTPUT_GATE,
        fill=palette.tint(palette.OUTPUT_GATE, 0.55),
    )
    # dendrite: z -> (i) -> + -> soma c
    sk.wire(
        (L["z"][0] + 0.45, 3.0),
        (L["mul_i"][0] - 0.2, 3.0),
        kind="excite",
        color=palette.CANDIDATE,
        lw=2.2,
    )
    sk.op(L["mul_i"], gate_op, color=palette.INHIBITORY if subtractive else palette.MEMORY)
    sk.path(
        [
            (L["i"][0] + 0.4, L["i"][1]),
            (L["mul_i"][0], L["i"][1]),
            (L["mul_i"][0], L["mul_i"][1] + 0.22),
        ],
        kind=gate_kind,
        color=palette.INHIBITORY if subtractive else palette.INPUT_GATE,
        lw=1.8,
    )
    sk.wire(
        (L["mul_i"][0] + 0.2, 3.0),
        (L["add"][0] - 0.2, 3.0),
        kind="excite",
        color=palette.CANDIDATE,
        lw=2.2,
    )
    sk.op(L["add"], "+")
    sk.wire(
        (L["add"][0] + 0.2, 3.0),
        (L["c"][0] - 0.55, 3.0),
        kind="excite",
        color=palette.MEMORY,
        lw=2.2,
    )
    sk.cell(
        L["c"],
        "c",
        color=palette.MEMORY,
        shape="triangle",
        size=0.5,
        fill=palette.tint(palette.EXCITATORY, 0.8),
    )
    sk.note((L["c"][0] + 0.45, L["c"][1] + 0.5), "soma: memory cell")
    # the soma's own loop through the forget gate
    sk.wire(
        (L["c"][0], L["c"][1] - 0.5),
        (L["mul_f"][0], L["mul_f"][1] + 0.22),
        kind="excite",
        color=palette.MEMORY,
        lw=1.6,
    )
    sk.label((L["c"][0] + 0.45, 1.85), r"$c_{t-1}$", fontsize=9)
    sk.op(L["mul_f"], "×")
    sk.path(
        [
            (L["mul_f"][0] - 0.2, L["mul_f"][1]),
            (L["add"][0], L["mul_f"][1]),
            (L["add"][0], L["add"][1] - 0.22),
        ],
        kind="excite",
        color=palette.MEMORY,
        lw=1.6,
    )
    if fixed_forget:
        sk.cell(
            (L["mul_f"][0] - 1.9, L["f"][1]),
            "f",
            color=palette.FORGET_GATE,
            shape="square",
            size=0.34,
        )
        sk.note(
            (L["mul_f"][0] - 2.3, L["f"][1] - 0.55),
            r"$f = \sigma(\beta)$: one learned value per unit, no input",
            va="center",
        )
        sk.path(
            [
                (L["mul_f"][0] - 1.55, L["f"][1]),
                (L["mul_f"][0], L["f"][1]),
                (L["mul_f"][0], L["mul_f"][1] - 0.22),
            ],
            kind="excite",
            color=palette.FORGET_GATE,
            lw=1.6,
        )
    elif coupled:
        sk.cell(L["f"], "1−i", key="f", color=palette.INPUT_GATE, size=0.4, fontsize=9)
        sk.wire(
            (L["i"][0] - 0.3, L["i"][1] - 0.25),
            (L["f"][0] - 0.3, L["f"][1] + 0.27),
            kind="plain",
            color=palette.INPUT_GATE,
            rad=0.35,
            ls="--",
            lw=1.2,
        )
        sk.note((L["f"][0] + 0.5, L["f"][1] - 0.32), "coupled: f = 1 − i")
        sk.path(
            [
                (L["f"][0] + 0.4, L["f"][1]),
                (L["mul_f"][0], L["f"][1]),
                (L["mul_f"][0], L["mul_f"][1] - 0.22),
            ],
            kind="excite",
            color=palette.INPUT_GATE,
            lw=1.6,
        )
    else:
        _feed(sk, L["bus"], L["f"])
        sk.cell(
            L["f"], "f", color=palette.FORGET_GATE, fill=palette.tint(palette.FORGET_GATE, 0.55)
        )
        sk.path(
            [
                (L["f"][0] + 0.4, L["f"][1]),
                (L["mul_f"][0], L["f"][1]),
                (L["mul_f"][0], L["mul_f"][1] - 0.22),
            ],
            kind="excite",
            color=palette.FORGET_GATE,
            lw=1.6,
        )
    sk.note((3.95, 3.55), "dendrite: i acts\nnear the soma", fontsize=7.5)
    # the axon: phi2, the output gate, h
    sk.wire(
        (L["c"][0] + 0.62, 3.0),
        (L["phi2"][0] - 0.4, 3.0),
        kind="line",
        color=palette.HIDDEN,
        lw=2.2,
    )
    sk.op(L["phi2"], "σ" if subtractive else "tanh", color=palette.HIDDEN)
    sk.wire(
        (L["phi2"][0] + 0.4, 3.0),
        (L["mul_o"][0] - 0.2, 3.0),
        kind="line",
        color=palette.HIDDEN,
        lw=2.2,
    )
    sk.op(L["mul_o"], gate_op, color=palette.INHIBITORY if subtractive else palette.MEMORY)
    sk.wire(
        (L["o"][0], L["o"][1] - 0.4),
        (L["mul_o"][0], L["mul_o"][1] + 0.22),
        kind=gate_kind,
        color=palette.INHIBITORY if subtractive else palette.OUTPUT_GATE,
        lw=1.8,
    )
    sk.wire(
        (L["mul_o"][0] + 0.2, 3.0),
        (L["h"][0] - 0.4, 3.0),
        kind="excite",
        color=palette.HIDDEN,
        lw=2.2,
    )
    sk.cell(L["h"], "h", color=palette.HIDDEN)
    sk.note((6.55, 2.45), "axon: the output gate acts here", fontsize=7.5)
    if peephole:
        for g in ("i", "o") + (() if coupled else ("f",)):
            end = (L[g][0] + 0.35, L[g][1] + (0.2 if g != "f" else 0.2))
            if g == "o":
                end = (L["o"][0] - 0.38, L["o"][1] - 0.1)
            rad = {"i": 0.25, "f": -0.25, "o": -0.25}[g]
            start = (
                L["c"][0] + (0.25 if g == "o" else -0.2),
                L["c"][1] + (0.45 if g != "f" else -0.2),
            )
            if g == "f":
                start = (L["c"][0] - 0.45, L["c"][1] - 0.35)
            sk.wire(start, end, kind="plain", color=palette.MEMORY, ls=":", lw=1.3, rad=rad)
        sk.note((3.2, 5.2), "peepholes: the gates see c", fontsize=7.5)
    _legend(fig, values, equations, _lstm_lines(subtractive, coupled, fixed_forget, peephole))
    return fig


def _legend(fig, values, equations, lines) -> None:
    """The equations on the right and, with values, the two colour bars below."""
    if equations:
        eq_ax = canvas(fig, [0.7, 0.1 if values else 0.05, 0.3, 0.82], xlim=(0, 1), ylim=(0, 1))
        for k, line in enumerate(lines):
            eq_ax.text(0.0, 0.88 - 0.12 * k, line, fontsize=9.5, va="center")
    if values:
        colorbars(fig, [0.06, 0.08, 0.3, 0.025], [0.5, 0.08, 0.3, 0.025])


def _lstm_lines(subtractive, coupled, fixed_forget, peephole) -> list[str]:
    lines = list(_EQUATIONS["subLSTM" if subtractive else "LSTM"])
    if coupled:
        lines[1] = r"$f_t = 1 - i_t$  (coupled)"
    if fixed_forget:
        lines.insert(1, r"$f = \sigma(\beta)$ fixed (fix-subLSTM)")
        lines[0] = r"$[i_t, z_t, o_t] = \sigma(W x_t + R h_{t-1} + b)$"
    if peephole:
        lines.append(r"peepholes: $+\,w_{ci} c_{t-1}$, $w_{cf} c_{t-1}$, $w_{co} c_t$")
    return lines


def lstm_diagram(
    *,
    peephole: bool = False,
    coupled: bool = False,
    values: Values = None,
    equations: bool = True,
    fig: Figure | None = None,
) -> Figure:
    """The LSTM unit as a neuron: i and f near the soma (memory c), o on the axon.

    Args:
        peephole: draw the peephole connections from c to the gates (dotted).
        coupled: one gate for input and forgetting, ``f = 1 − i``.
        values: ``{"i", "f", "z", "o", "c", "h": float}`` to colour the cells by a run's numbers.
        equations: write the equations beside the diagram.
        fig: draw into this Figure (or SubFigure) instead of a new one.
    """
    fig = fig or new_figure(11.0, 5.2 if values else 4.8)
    name = (
        "LSTM unit"
        + (" with peepholes" if peephole else "")
        + (" (coupled i, f)" if coupled else "")
    )
    return _lstm_family(
        fig,
        subtractive=False,
        peephole=peephole,
        coupled=coupled,
        values=values,
        title=name + ": gates multiply",
        equations=equations,
    )


def sublstm_diagram(
    *,
    fixed_forget: bool = False,
    values: Values = None,
    equations: bool = True,
    fig: Figure | None = None,
) -> Figure:
    """The subLSTM unit (Costa et al. 2017): i and o are inhibitory interneurons that subtract.

    ``fixed_forget=True`` draws fix-subLSTM: the forget gate is one learned value per unit.
    """
    fig = fig or new_figure(11.0, 5.2 if values else 4.8)
    name = "fix-subLSTM unit" if fixed_forget else "subLSTM unit"
    return _lstm_family(
        fig,
        subtractive=True,
        fixed_forget=fixed_forget,
        values=values,
        title=name + ": inhibitory gates subtract",
        equations=equations,
    )


# one layout for the leaky integrators: name -> (x, y)
_INT = dict(
    bus=0.9,
    z=(2.4, 4.8),
    r=(2.6, 1.45),
    n=(4.6, 3.4),
    low=(4.6, 1.45),
    high=(4.6, 2.3),
    mul_z=(5.9, 3.4),
    add=(6.8, 3.4),
    h=(8.0, 3.4),
    mul_leak=(8.0, 1.75),
    leak=(8.0, 0.8),
    out=(10.1, 3.4),
)


def _integrator(
    fig: Figure,
    kind: str,
    reset: str,
    values: Values,
    title: str,
    lines,
    equations: bool = True,
    state: str = "h",
) -> Figure:
    L = _INT
    ax = canvas(
        fig,
        [0.01, 0.1 if values else 0.0, 0.69 if equations else 0.98, 0.84 if values else 0.94],
        xlim=(0, 10.8),
        ylim=(-0.3, 6.2),
        title=title,
    )
    sk = Sketch(ax, values)
    gated = kind in ("simple", "gru")
    _bus(
        sk,
        5.5 if gated else 3.4,
        1.45 if kind == "gru" else 3.4,
        L["bus"],
        r"$x_t,\ h_{t-1}$" if gated else r"$x_t$",
    )
    # the time constant z
    if gated:
        _feed(sk, L["bus"], L["z"])
        sk.cell(
            L["z"],
            "z",
            key="z",
            color=palette.INPUT_GATE,
            gate=True,
            fill=palette.tint(palette.INPUT_GATE, 0.55),
        )
        sk.note(
            (L["z"][0] - 0.5, L["z"][1] + 0.62),
            r"$z_t = \Delta t/\tau_t$: a learned time "
            "constant",
        )
    else:
        sk.cell(
            L["z"],
            "1" if kind == "vanilla" else r"$\frac{\Delta t}{\tau}$",
            key="z",
            color=palette.INPUT_GATE,
            shape="square",
            size=0.42,
            gate=True,
        )
        sk.note((L["z"][0] - 0.5, L["z"][1] + 0.62), r"$z = \Delta t/\tau$: fixed")
    sk.path(
        [
            (L["z"][0] + 0.42, L["z"][1]),
            (L["mul_z"][0], L["z"][1]),
            (L["mul_z"][0], L["mul_z"][1] + 0.22),
        ],
        kind="excite",
        color=palette.INPUT_GATE,
        lw=1.8,
    )
    # the candidate n = phi(W x + R h + b)
    _feed(sk, L["bus"], L["n"], radius=0.45)
    sk.cell(L["n"], "n" if gated else "φ", key="n", color=palette.CANDIDATE, shape="triangle")
    sk.note((L["n"][0] - 0.5, L["n"][1] + 0.62), r"$\varphi(Wx_t + R\," + state + r" + b)$")
    # recurrent input from the state, through R (and the reset gate)
    loop_y = 0.1
    sk.path(
        [
            (L["out"][0] - 0.75, L["h"][1]),
            (L["out"][0] - 0.75, loop_y),
            (L["n"][0], loop_y),
            (L["n"][0], L["low"][1] - 0.22 if kind == "gru" else L["high"][1] - 0.22),
        ],
        kind="excite",
        color=palette.HIDDEN,
        lw=1.4,
    )
    sk.label((6.2, loop_y + 0.25), f"${state}_{{t-1}}$", fontsize=9, color=palette.HIDDEN)
    if kind == "gru":
        r_at, R_at = (L["low"], L["high"]) if reset == "before" else (L["high"], L["low"])
        sk.op(R_at, "R", color=palette.HIDDEN)
        sk.op(r_at, "×")
        r_cell = (L["r"][0], r_at[1])
        _feed(sk, L["bus"], r_cell)
        sk.cell(
            r_cell, "r", color=palette.OUTPUT_GATE, fill=palette.tint(palette.OUTPUT_GATE, 0.55)
        )
        sk.wire(
            (r_cell[0] + 0.4, r_cell[1]),
            (r_at[0] - 0.22, r_at[1]),
            kind="excite",
            color=palette.OUTPUT_GATE,
            lw=1.8,
        )
        sk.wire(
            (L["n"][0], L["low"][1] + 0.2),
            (L["n"][0], L["high"][1] - 0.2),
            kind="excite",
            color=palette.HIDDEN,
            lw=1.4,
        )
        sk.wire(
            (L["n"][0], L["high"][1] + 0.2),
            (L["n"][0], L["n"][1] - 0.4),
            kind="excite",
            color=palette.HIDDEN,
            lw=1.4,
        )
        where = "before R (the notes)" if reset == "before" else "after R (PyTorch)"
        sk.note((L["n"][0] + 0.3, 0.7), f"reset {where}", fontsize=7.5)
    else:
        sk.op(L["high"], "R", color=palette.HIDDEN)
        sk.wire(
            (L["n"][0], L["high"][1] + 0.2),
            (L["n"][0], L["n"][1] - 0.4),
            kind="excite",
            color=palette.HIDDEN,
            lw=1.4,
        )
    # n -> x z -> + -> soma
    sk.wire(
        (L["n"][0] + 0.5, L["n"][1]),
        (L["mul_z"][0] - 0.2, L["n"][1]),
        kind="excite",
        color=palette.CANDIDATE,
        lw=2.2,
    )
    sk.op(L["mul_z"], "×")
    sk.wire(
        (L["mul_z"][0] + 0.2, L["n"][1]),
        (L["add"][0] - 0.2, L["n"][1]),
        kind="excite",
        color=palette.CANDIDATE,
        lw=2.2,
    )
    sk.op(L["add"], "+")
    sk.wire(
        (L["add"][0] + 0.2, L["n"][1]),
        (L["h"][0] - 0.6, L["n"][1]),
        kind="excite",
        color=palette.MEMORY,
        lw=2.2,
    )
    sk.cell(
        L["h"],
        state,
        key="state",
        color=palette.MEMORY,
        shape="triangle",
        size=0.5,
        fill=palette.tint(palette.EXCITATORY, 0.8),
    )
    # the leak: (1 - z) h_{t-1}
    sk.wire(
        (L["h"][0], L["h"][1] - 0.5),
        (L["mul_leak"][0], L["mul_leak"][1] + 0.22),
        kind="excite",
        color=palette.MEMORY,
        lw=1.6,
    )
    sk.op(L["mul_leak"], "×")
    sk.path(
        [
            (L["mul_leak"][0] - 0.2, L["mul_leak"][1]),
            (L["add"][0], L["mul_leak"][1]),
            (L["add"][0], L["add"][1] - 0.22),
        ],
        kind="excite",
        color=palette.MEMORY,
        lw=1.6,
    )
    sk.op(L["leak"], "1 − z", color=palette.INPUT_GATE)
    sk.wire(
        (L["leak"][0], L["leak"][1] + 0.18),
        (L["mul_leak"][0], L["mul_leak"][1] - 0.22),
        kind="excite",
        color=palette.INPUT_GATE,
        lw=1.6,
    )
    sk.note((L["add"][0] + 0.12, 2.05), "leak", fontsize=7.5)
    # output
    sk.wire(
        (L["h"][0] + 0.62, L["h"][1]),
        (L["out"][0] - 0.4, L["h"][1]),
        kind="excite",
        color=palette.HIDDEN,
        lw=2.2,
    )
    out_label = r"$\varphi(v_t)$" if state == "v" else f"${state}_t$"
    sk.cell(
        L["out"], out_label, key="h", color=palette.HIDDEN, fontsize=9 if state == "v" else None
    )
    _legend(fig, values, equations, lines)
    return fig


def gru_diagram(
    *,
    simple: bool = False,
    reset: str = "after",
    values: Values = None,
    equations: bool = True,
    fig: Figure | None = None,
) -> Figure:
    """The GRU (``simple=False``) or the notes' simple-GRU: a leaky unit whose ``z`` is a gate.

    Args:
        simple: the simple-GRU (notes eq. 14–15): no reset gate.
        reset: ``"after"`` (``r ⊙ (R h + b)``, PyTorch) or ``"before"`` (``R (r ⊙ h)``, the
            notes and Cho et al. 2014).
        values: ``{"z", "r", "n", "h": float}`` (the notes' ``z = 1 − u``) to colour the cells.
    """
    if reset not in ("after", "before"):
        raise ValueError(f"reset must be 'after' or 'before'; got {reset!r}")
    fig = fig or new_figure(11.0, 5.2 if values else 4.8)
    if simple:
        lines = [
            r"$z_t = \sigma(W_z x_t + R_z h_{t-1} + b_z)$",
            r"$n_t = \varphi(W_n x_t + R_n h_{t-1} + b_n)$",
            r"$h_t = (1 - z_t) \odot h_{t-1} + z_t \odot n_t$",
            "",
            "the LSTM with i = 1 − f = z,",
            r"no output gate and $\varphi_2$ = identity",
        ]
        return _integrator(
            fig,
            "simple",
            reset,
            values,
            "simple-GRU: z is a learned time constant",
            lines,
            equations,
        )
    n_line = (
        r"$n_t = \tanh(W_n x_t + R_n (r_t \odot h_{t-1}) + b_n)$"
        if reset == "before"
        else r"$n_t = \tanh(W_n x_t + r_t \odot (R_n h_{t-1} + b_{hn}) + b_{in})$"
    )
    lines = [
        r"$r_t = \sigma(W_r x_t + R_r h_{t-1} + b_r)$",
        r"$z_t = \sigma(W_z x_t + R_z h_{t-1} + b_z)$",
        n_line,
        r"$h_t = (1 - z_t) \odot h_{t-1} + z_t \odot n_t$",
        "",
        r"$z_t = 1 - u_t$, $u_t$ PyTorch's update gate",
        "r is the notes' output gate o",
    ]
    return _integrator(
        fig,
        "gru",
        reset,
        values,
        f"GRU (reset {reset} R): z is a learned time constant",
        lines,
        equations,
    )


def rate_unit_diagram(
    *,
    form: str = "rate",
    vanilla: bool = False,
    values: Values = None,
    equations: bool = True,
    fig: Figure | None = None,
) -> Figure:
    r"""The rate unit :math:`\tau\,dr/dt = -r + \varphi(R r + W x + b)` and its Euler step.

    Args:
        form: ``"rate"`` (state r, notes eq. 1–3) or ``"voltage"`` (state v, eq. 4–5).
        vanilla: the vanilla RNN, ``h_t = tanh(W x_t + R h_{t-1} + b)``: the rate unit with
            z = 1 (no memory of its own).
        values: ``{"z", "state", "h": float}`` to colour the cells by a run's numbers.
    """
    if form not in ("rate", "voltage"):
        raise ValueError(f"form must be 'rate' or 'voltage'; got {form!r}")
    fig = fig or new_figure(11.0, 5.2 if values else 4.8)
    if vanilla:
        lines = [
            r"$h_t = \tanh(W x_t + R h_{t-1} + b)$",
            "",
            r"the rate unit with $z = \Delta t/\tau = 1$:",
            "nothing of the old state is kept",
            "but what R feeds back",
        ]
        return _integrator(
            fig,
            "vanilla",
            "after",
            values,
            "vanilla RNN unit: the rate unit with z = 1",
            lines,
            equations,
        )
    if form == "voltage":
        lines = [
            r"$\tau \, \frac{dv}{dt} = -v + R\,\varphi(v) + W x + b$",
            "",
            r"Euler, step $\Delta t$:",
            r"$v_t = (1 - z) \odot v_{t-1} + z \odot (R\,\varphi(v_{t-1}) + W x_t + b)$",
            r"$z = \Delta t / \tau$  (fixed), output $\varphi(v_t)$",
        ]
        return _integrator(
            fig,
            "rate",
            "after",
            values,
            r"rate unit, voltage form: a leaky integrator with $z = \Delta t/\tau$",
            lines,
            equations,
            state="v",
        )
    lines = [
        r"$\tau \, \frac{dr}{dt} = -r + \varphi(R r + W x + b)$",
        "",
        r"Euler, step $\Delta t$:",
        r"$r_t = (1 - z) \odot r_{t-1} + z \odot \varphi(R r_{t-1} + W x_t + b)$",
        r"$z = \Delta t / \tau$  (fixed)",
        "",
        r"$\varphi$: tanh, ReLU or $k\,\max(0, u)^n$",
    ]
    return _integrator(
        fig,
        "rate",
        "after",
        values,
        r"rate unit: a leaky integrator with $z = \Delta t/\tau$",
        lines,
        equations,
        state="r",
    )
