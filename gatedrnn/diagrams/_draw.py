r"""The vocabulary every diagram is drawn with: cells, operation nodes, synapses, labels.

A diagram is a :class:`Sketch` on one matplotlib Axes in data coordinates (equal aspect, no
axis lines): a layout is a handful of named points, and each element is one call, so moving a
cell or adding a wire is a one-line change. Shapes carry meaning, colours (from
:mod:`gatedrnn.palette`) carry the role:

==============================  ===========================================================
``cell(xy, "z", shape=...)``    a neuron: ``"triangle"`` pyramidal (excitatory),
                                ``"circle"`` interneuron or gate, ``"square"`` a function box
``op(xy, "×")``                 an operation node: ``×`` gates by multiplying, ``−`` by
                                subtracting, ``+`` sums, ``σ``/``tanh``/``φ`` applies a function
``wire(a, b, kind=...)``        a connection: ``"excite"`` (filled arrow head), ``"inhibit"``
                                (flat bar, the anatomists' inhibitory synapse), ``"plain"``
                                (arrow), ``"line"`` (no head); ``rad`` bends it
``label(xy, text)``             text in the course's notation (mathtext: ``$h_{t-1}$``)
==============================  ===========================================================

With ``values`` (``{name: float}``) a cell named ``name`` is filled by its value: gates on
``palette.GATE_MAP`` over [0, 1], signed states on ``palette.STATE_MAP`` over [-1, 1], and the
value is written under the name.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Polygon, Rectangle

from .. import palette

#: Names whose values lie in [0, 1] (gates); every other value is a signed state.
GATE_NAMES = frozenset({"i", "f", "o", "r", "u", "z_gate", "zeta"})


def new_figure(width: float, height: float) -> Figure:
    """A Figure outside pyplot (displayed once in Jupyter, nothing to close)."""
    return Figure(figsize=(width, height))


def canvas(fig: Figure, rect=None, *, xlim=(0, 10), ylim=(0, 6), title: str | None = None) -> Axes:
    """An Axes for a diagram: data coordinates in ``xlim`` × ``ylim``, equal aspect, no frame."""
    ax = fig.add_axes(rect or [0.01, 0.01, 0.98, 0.9 if title else 0.98])
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=11, loc="left")
    return ax


def value_color(name: str, value: float, *, gate: bool | None = None):
    """The fill of a cell named ``name`` holding ``value`` (a gate in [0, 1], else signed)."""
    is_gate = name in GATE_NAMES if gate is None else gate
    if is_gate:
        return colormaps[palette.GATE_MAP](float(np.clip(value, 0.0, 1.0)))
    return colormaps[palette.STATE_MAP](float(np.clip(0.5 + 0.5 * value, 0.0, 1.0)))


def text_color(fill) -> str:
    """Black or white, whichever reads on ``fill``."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(fill)
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


class Sketch:
    """Draw cells, nodes and wires on ``ax``; ``values`` colour the cells they name."""

    def __init__(self, ax: Axes, values: Mapping[str, float] | None = None, *, fontsize=11):
        self.ax = ax
        self.values = dict(values or {})
        self.fontsize = fontsize
        self.patches: dict[str, object] = {}  # name -> patch, for tests and live updates

    # -- elements --------------------------------------------------------------------------

    def cell(
        self,
        xy: tuple[float, float],
        name: str,
        *,
        color: str,
        shape: str = "circle",
        size: float = 0.38,
        text: str | None = None,
        key: str | None = None,
        gate: bool | None = None,
        fill: str | tuple | None = None,
        lw: float = 1.8,
        fontsize: float | None = None,
    ):
        """A neuron or gate at ``xy``; ``text`` is written inside (default ``name``), ``key`` is
        the name looked up in ``values`` (default ``name``)."""
        x, y = xy
        key = name if key is None else key
        value = self.values.get(key)
        face = fill if fill is not None else palette.tint(color, 0.72)
        if value is not None:
            face = value_color(key, value, gate=gate)
        if shape == "triangle":
            s = size * 1.25
            patch = Polygon(
                [(x - s, y - 0.8 * s), (x + s, y - 0.8 * s), (x, y + 1.0 * s)],
                closed=True,
                facecolor=face,
                edgecolor=color,
                lw=lw,
                zorder=3,
            )
            ty = y - 0.15 * s
        elif shape == "square":
            patch = FancyBboxPatch(
                (x - size, y - size * 0.7),
                2 * size,
                1.4 * size,
                boxstyle="round,pad=0.02,rounding_size=0.08",
                facecolor=face,
                edgecolor=color,
                lw=lw,
                zorder=3,
            )
            ty = y
        else:
            patch = Circle((x, y), size, facecolor=face, edgecolor=color, lw=lw, zorder=3)
            ty = y
        self.ax.add_patch(patch)
        self.patches[key] = patch
        label = name if text is None else text
        fs = fontsize or self.fontsize
        ink = text_color(face)
        if value is not None:
            self.ax.text(
                x, ty + 0.1, label, ha="center", va="center", fontsize=fs, color=ink, zorder=4
            )
            self.ax.text(
                x,
                ty - 0.17,
                f"{value:.2f}",
                ha="center",
                va="center",
                fontsize=fs * 0.68,
                color=ink,
                zorder=4,
            )
        else:
            self.ax.text(x, ty, label, ha="center", va="center", fontsize=fs, color=ink, zorder=4)
        return patch

    def op(self, xy, symbol: str, *, color: str = palette.MEMORY, size: float = 0.2, fontsize=None):
        """A small operation node (``×``, ``−``, ``+``, ``σ``, ``tanh`` …)."""
        x, y = xy
        wide = len(symbol) > 1
        if wide:
            w = 0.18 * len(symbol) + 0.16
            patch = FancyBboxPatch(
                (x - w / 2, y - 0.18),
                w,
                0.36,
                boxstyle="round,pad=0.02",
                facecolor="white",
                edgecolor=color,
                lw=1.3,
                zorder=3,
            )
        else:
            patch = Circle((x, y), size, facecolor="white", edgecolor=color, lw=1.3, zorder=3)
        self.ax.add_patch(patch)
        fs = fontsize or (self.fontsize * (0.8 if wide else 1.1))
        self.ax.text(
            x,
            y - (0.0 if wide else 0.01),
            symbol,
            ha="center",
            va="center",
            fontsize=fs,
            color=color,
            zorder=4,
        )
        return patch

    def box(
        self,
        xy,
        width,
        height,
        *,
        color,
        text=None,
        fill=None,
        lw=1.4,
        fontsize=None,
        zorder=1,
        alpha=1.0,
        ls="-",
    ):
        """A rectangle with its lower-left corner at ``xy`` (layers, matrices, frames)."""
        patch = Rectangle(
            xy,
            width,
            height,
            facecolor=fill if fill is not None else "none",
            edgecolor=color,
            lw=lw,
            zorder=zorder,
            alpha=alpha,
            ls=ls,
        )
        self.ax.add_patch(patch)
        if text:
            self.ax.text(
                xy[0] + width / 2,
                xy[1] + height / 2,
                text,
                ha="center",
                va="center",
                fontsize=fontsize or self.fontsize,
                zorder=zorder + 1,
            )
        return patch

    def wire(
        self,
        a,
        b,
        *,
        kind: str = "plain",
        color: str = palette.NEUTRAL,
        rad: float = 0.0,
        lw: float = 1.5,
        ls: str = "-",
        shrink: tuple[float, float] = (0.0, 0.0),
        zorder: float = 2,
    ):
        """A connection from ``a`` to ``b``, ``kind`` one of excite, inhibit, plain, line."""
        styles = {
            "excite": "-|>,head_length=0.5,head_width=0.25",
            "plain": "->,head_length=0.45,head_width=0.25",
            "inhibit": "-[,widthB=0.45,lengthB=0.0",
            "line": "-",
        }
        if kind not in styles:
            raise ValueError(f"kind must be one of {sorted(styles)}; got {kind!r}")
        arrow = FancyArrowPatch(
            a,
            b,
            arrowstyle=styles[kind],
            connectionstyle=f"arc3,rad={rad}",
            color=color,
            lw=lw,
            ls=ls,
            shrinkA=shrink[0] * 72 / 2.54,
            shrinkB=shrink[1] * 72 / 2.54,
            mutation_scale=14,
            zorder=zorder,
        )
        self.ax.add_patch(arrow)
        return arrow

    def path(self, points, *, color=palette.NEUTRAL, lw=1.5, kind="plain", ls="-", zorder=2):
        """A polyline through ``points`` whose last segment ends in ``kind``'s head."""
        points = list(points)
        xs, ys = zip(*points[:-1], strict=True)
        self.ax.plot(xs, ys, color=color, lw=lw, ls=ls, zorder=zorder, solid_capstyle="round")
        return self.wire(
            points[-2], points[-1], kind=kind, color=color, lw=lw, ls=ls, zorder=zorder
        )

    def label(self, xy, text, *, fontsize=None, color="black", ha="center", va="center", **kw):
        """Text at ``xy``."""
        return self.ax.text(
            *xy,
            text,
            fontsize=fontsize or self.fontsize * 0.9,
            color=color,
            ha=ha,
            va=va,
            zorder=5,
            **kw,
        )

    def note(self, xy, text, *, fontsize=None, color=palette.NEUTRAL, ha="left", **kw):
        """A small grey explanatory note (italic)."""
        return self.label(
            xy,
            text,
            fontsize=fontsize or self.fontsize * 0.72,
            color=color,
            ha=ha,
            style="italic",
            **kw,
        )


def colorbars(fig: Figure, rect_gate, rect_state) -> None:
    """Two small colour bars: gates over [0, 1] and signed states over [-1, 1]."""
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    for rect, cmap, lo, label in (
        (rect_gate, palette.GATE_MAP, 0.0, "gate value (0 closed … 1 open, multiplicative)"),
        (rect_state, palette.STATE_MAP, -1.0, "state value (z, c, h; clipped to ±1)"),
    ):
        cax = fig.add_axes(rect)
        bar = fig.colorbar(
            ScalarMappable(Normalize(lo, 1.0), cmap), cax=cax, orientation="horizontal"
        )
        bar.set_label(label, fontsize=7)
        cax.tick_params(labelsize=7)
