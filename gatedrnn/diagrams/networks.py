r"""Network diagrams: the one-hidden-layer network with its shapes, a network unrolled in time.

* :func:`mlp_diagram`: the assignment's network, :math:`h' = Wx + b`, :math:`h = f(h')`,
  :math:`y = \mathrm{softmax}(Vh + c)`, each layer a column of units and each arrow labelled
  with its array and shape (n inputs, m hidden units, q classes, p examples).
* :func:`unrolled_diagram`: a recurrent network drawn once per time step; black arrows carry
  the state forward, magenta arrows carry :math:`\partial L/\partial h_t` backward (BPTT),
  each through one Jacobian :math:`\partial h_t/\partial h_{t-1}`.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from .. import palette
from ._draw import Sketch, canvas, new_figure

__all__ = ["mlp_diagram", "unrolled_diagram"]


def _column(sk: Sketch, x: float, count: int, color: str, name: str, *, top=4.6, bottom=0.9):
    """Up to 5 drawn units of a layer of ``count`` (with ⋮ between when there are more)."""
    shown = min(count, 5)
    gap = (top - bottom) / max(shown - 1, 1)
    ys = [top - k * gap for k in range(shown)] if shown > 1 else [(top + bottom) / 2]
    for k, y in enumerate(ys):
        if count > 5 and k == 3:
            sk.label((x, y), "⋮", fontsize=16, color=color)
            continue
        sk.cell((x, y), "", color=color, size=0.25)
    sk.label((x, bottom - 0.65), name, fontsize=10)
    return ys


def mlp_diagram(
    n: int = 784, m: int = 100, q: int = 10, p: int = 1, *, fig: Figure | None = None
) -> Figure:
    """The one-hidden-layer network with the shape of every array for sizes n, m, q, p."""
    for name, value in (("n", n), ("m", m), ("q", q), ("p", p)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer; got {value!r}")
    fig = fig or new_figure(11.0, 4.4)
    ax = canvas(
        fig,
        [0.0, 0.0, 1.0, 0.92],
        xlim=(0, 14),
        ylim=(-1.5, 5.7),
        title=f"one-hidden-layer network: n = {n}, m = {m}, q = {q}, p = {p}",
    )
    sk = Sketch(ax)
    xs = dict(x=1.0, h=6.0, y=11.0)
    left = _column(sk, xs["x"], n, palette.INPUT, f"x: n × p = {n} × {p}")
    mid = _column(sk, xs["h"], m, palette.HIDDEN, f"h' → h = f(h'): m × p = {m} × {p}")
    right = _column(sk, xs["y"], q, palette.READOUT, f"y' → y = softmax(y'): q × p = {q} × {p}")
    for a_x, a_ys, b_x, b_ys in ((xs["x"], left, xs["h"], mid), (xs["h"], mid, xs["y"], right)):
        for ya in a_ys:
            for yb in b_ys:
                sk.wire(
                    (a_x + 0.27, ya),
                    (b_x - 0.27, yb),
                    kind="line",
                    color=palette.LIGHT,
                    lw=0.7,
                    zorder=1,
                )
    for x0, x1, text, bias in (
        (xs["x"], xs["h"], f"W: m × n = {m} × {n}", f"b: m × 1 = {m} × 1"),
        (xs["h"], xs["y"], f"V: q × m = {q} × {m}", f"c: q × 1 = {q} × 1"),
    ):
        xm = (x0 + x1) / 2
        sk.box(
            (xm - 1.45, 5.05),
            2.9,
            0.5,
            color=palette.WEIGHT,
            fill=palette.tint(palette.WEIGHT, 0.4),
            text=text,
            fontsize=9,
            zorder=3,
        )
        sk.box(
            (xm - 1.25, -0.85),
            2.5,
            0.45,
            color=palette.BIAS,
            fill=palette.tint(palette.BIAS, 0.5),
            text="+ " + bias,
            fontsize=9,
            zorder=3,
        )
    sk.label(
        (13.0, 2.75),
        "h' = W x + b\nh = f(h')\ny' = V h + c\ny = softmax(y')",
        fontsize=9.5,
        ha="center",
    )
    return fig


def unrolled_diagram(
    T: int = 4, *, cell: str = "LSTM", loss: str = "last", fig: Figure | None = None
) -> Figure:
    """A recurrent network unrolled over ``T`` steps, with the forward and the BPTT paths.

    Args:
        T: number of steps drawn (2 to 8).
        cell: the name written in each box (``"LSTM"`` also draws the memory path c_t).
        loss: ``"last"`` (one loss at the last step, as in the gradient-flow plots) or
            ``"every"`` (a loss L_t at every step, summed).
    """
    if not isinstance(T, int) or not 2 <= T <= 8:
        raise ValueError(f"T must be an integer number of steps from 2 to 8; got {T!r}")
    if loss not in ("last", "every"):
        raise ValueError(f"loss must be 'last' or 'every'; got {loss!r}")
    fig = fig or new_figure(11.0, 4.6)
    width = 2.2 * T + 2.4
    ax = canvas(
        fig,
        [0.0, 0.0, 1.0, 0.92],
        xlim=(-0.3, width),
        ylim=(-0.5, 5.6),
        title=f"{cell} network unrolled over T = {T} steps: forward (black) and "
        "backpropagation through time (magenta)",
    )
    sk = Sketch(ax)
    memory = cell.lower() in ("lstm", "sublstm", "fix-sublstm")
    xs = [1.9 + 2.2 * t for t in range(T)]
    names = [f"{t + 1}" for t in range(T - 1)] + ["T"] if T > 2 else ["1", "T"]
    for k, x in enumerate(xs):
        t = names[k]
        sk.box(
            (x - 0.55, 1.85),
            1.1,
            1.1,
            color=palette.MEMORY,
            fill=palette.tint(palette.cell_color(cell), 0.7),
            text=cell,
            fontsize=8.5,
            zorder=3,
        )
        sk.cell((x, 0.35), f"$x_{{{t}}}$", color=palette.INPUT, size=0.33, fontsize=9)
        sk.wire((x, 0.7), (x, 1.85), kind="excite", color=palette.INPUT, lw=1.3)
        if loss == "every" or k == T - 1:
            sk.cell(
                (x, 4.25),
                f"$L_{{{t}}}$",
                color=palette.GRADIENT,
                shape="square",
                size=0.36,
                fontsize=9,
            )
            sk.wire((x - 0.12, 2.95), (x - 0.12, 3.95), kind="excite", color=palette.MEMORY, lw=1.3)
            sk.wire(
                (x + 0.12, 3.95), (x + 0.12, 2.95), kind="excite", color=palette.GRADIENT, lw=1.3
            )
            sk.label(
                (x + 0.22, 3.45),
                r"$\partial L/\partial h_{" + t + "}$",
                fontsize=9,
                color=palette.GRADIENT,
                ha="left",
            )
    sk.cell((0.2, 2.55), "$h_0$", color=palette.HIDDEN, size=0.3, fontsize=8)
    starts = [0.5] + [x + 0.55 for x in xs[:-1]]
    for k, x in enumerate(xs):
        y = 2.7 if memory else 2.55
        sk.wire((starts[k], y), (x - 0.55, y), kind="excite", color=palette.MEMORY, lw=1.8)
        label = f"$h_{{{names[k - 1]}}}$" if k else ""
        if label:
            sk.label(((starts[k] + x - 0.55) / 2, y + 0.25), label, fontsize=8.5)
        if memory:
            sk.wire(
                (starts[k], 2.35),
                (x - 0.55, 2.35),
                kind="excite",
                color=palette.MEMORY,
                lw=1.0,
                ls="--",
            )
        # the backward path, below the forward one
        if k:
            sk.wire(
                (x - 0.55, 2.05), (starts[k], 2.05), kind="excite", color=palette.GRADIENT, lw=1.8
            )
            sk.label(
                ((starts[k] + x - 0.55) / 2, 1.6),
                r"$(\partial h_{" + names[k] + r"}/\partial h_{" + names[k - 1] + r"})^{\top}$",
                fontsize=8.5,
                color=palette.GRADIENT,
            )
    sk.wire(
        (xs[-1] + 0.55, 2.55), (xs[-1] + 1.2, 2.55), kind="excite", color=palette.MEMORY, lw=1.8
    )
    if memory:
        sk.note((xs[0] - 1.7, 1.45), "dashed: the memory c", fontsize=7)
    sk.note(
        (xs[0] - 0.6, 5.2),
        r"BPTT: $\frac{\partial L}{\partial h_t} = \frac{\partial L_t}{\partial h_t} + "
        r"\left(\frac{\partial h_{t+1}}{\partial h_t}\right)^{\!\top} "
        r"\frac{\partial L}{\partial h_{t+1}}$: one Jacobian per step back, so the gradient "
        "shrinks or grows geometrically",
        fontsize=8.5,
        color=palette.GRADIENT,
    )
    return fig
