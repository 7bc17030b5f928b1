r"""Shapes explorer for the one-hidden-layer network: n, m, q, p → every array's shape.

The network of the first assignment (:mod:`gatedrnn.mlp`), examples as columns:

.. math::
    h' = W x + b, \quad h = f(h'), \quad y' = V h + c, \quad y = \mathrm{softmax}(y')

with :math:`x` (n × p), :math:`W` (m × n), :math:`b` (m × 1), :math:`V` (q × m), :math:`c`
(q × 1). A product :math:`A B` needs A's columns to match B's rows; the diagram draws each
array as a box whose width and height grow with its columns and rows (square-root scale), so
the matching sides line up.

>>> shapes_explorer()
>>> s = mlp_shapes(n=64, m=32, q=10, p=5); s.shapes["h' = Wx + b"]   # (32, 5)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import palette
from ..mlp import ShapeRow, shape_table
from ._base import Explorer, int_slider

__all__ = ["MLPShapes", "mlp_shapes", "plot_mlp_shapes", "shapes_explorer"]


@dataclass
class MLPShapes:
    """What :func:`mlp_shapes` computed.

    Attributes:
        rows: :func:`gatedrnn.mlp.shape_table` (name, symbolic shape, numeric shape) per array.
        shapes: ``{name: (rows, columns)}``.
        n, m, q, p: the sizes; n_params: number of trainable numbers (W, b, V, c).
    """

    rows: list[ShapeRow]
    shapes: dict[str, tuple[int, int]]
    n: int
    m: int
    q: int
    p: int
    n_params: int


def mlp_shapes(n: int = 64, m: int = 32, q: int = 10, p: int = 1) -> MLPShapes:
    """Shapes of every array of the one-hidden-layer network for n inputs, m hidden units,
    q classes and p examples (columns)."""
    for name, value in (("n", n), ("m", m), ("q", q), ("p", p)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{name} must be a positive integer; got {value!r}")
    rows = shape_table(n, m, q, p)
    return MLPShapes(
        rows=rows,
        shapes={row.name: tuple(int(d) for d in row.numeric) for row in rows},
        n=int(n),
        m=int(m),
        q=int(q),
        p=int(p),
        n_params=int(m * n + m + q * m + q),
    )


def _box(ax, x0: float, rows: int, cols: int, scale, label: str, color: str) -> float:
    """Draw a rows × cols array as a box starting at x0, centred on y = 0; return its right edge."""
    from matplotlib.patches import Rectangle

    w, h = scale(cols), scale(rows)
    ax.add_patch(Rectangle((x0, -h / 2), w, h, facecolor=color, edgecolor="k", alpha=0.85))
    ax.text(x0 + w / 2, -h / 2 - 0.08, f"{label}\n{rows}×{cols}", ha="center", va="top", fontsize=8)
    return x0 + w


def _symbol(ax, x: float, text: str) -> float:
    ax.text(x + 0.15, 0, text, ha="center", va="center", fontsize=14)
    return x + 0.3


def plot_mlp_shapes(s: MLPShapes, fig=None):
    """Left: the table of shapes. Right: both layers drawn as boxes. Returns the Figure."""
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(11, 4.5), layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=[1, 1.6])
    table_ax = fig.add_subplot(grid[:, 0])
    table_ax.axis("off")
    cells = [[r.name, r.symbolic, f"{r.numeric[0]} × {r.numeric[1]}"] for r in s.rows]
    table = table_ax.table(
        cellText=cells,
        colLabels=["array", "shape", "numbers"],
        bbox=[0.0, 0.0, 1.0, 0.92],
        cellLoc="left",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(10)
    table_ax.set_title(
        f"n = {s.n}, m = {s.m}, q = {s.q}, p = {s.p}\n{s.n_params:,} parameters (W, b, V, c)",
        fontsize="medium",
    )

    largest = max(s.n, s.m, s.q, s.p)

    def scale(d: int) -> float:
        return max(0.06, 1.6 * np.sqrt(d / largest))

    layers = [
        (
            "hidden layer: h' = W x + b",
            [
                ("W", s.m, s.n, palette.WEIGHT),
                "·",
                ("x", s.n, s.p, palette.tint(palette.INPUT, 0.5)),
                "+",
                ("b", s.m, 1, palette.BIAS),
                "=",
                ("h'", s.m, s.p, palette.tint(palette.HIDDEN, 0.3)),
            ],
        ),
        (
            "output layer: y' = V h + c",
            [
                ("V", s.q, s.m, palette.WEIGHT),
                "·",
                ("h", s.m, s.p, palette.tint(palette.HIDDEN, 0.3)),
                "+",
                ("c", s.q, 1, palette.BIAS),
                "=",
                ("y'", s.q, s.p, palette.READOUT),
            ],
        ),
    ]
    for k, (title, items) in enumerate(layers):
        ax = fig.add_subplot(grid[k, 1])
        x = 0.0
        for item in items:
            if isinstance(item, str):
                x = _symbol(ax, x, item)
            else:
                name, rows, cols, color = item
                x = _box(ax, x, rows, cols, scale, name, color) + 0.2
        ax.set_xlim(-0.3, max(x, 4.0) + 0.1)
        ax.set_ylim(-1.35, 0.9)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(title, fontsize="medium")
    return fig


def shapes_explorer(**defaults) -> Explorer:
    """Sliders for n, m, q, p; the table and the box diagram follow.

    >>> shapes_explorer(n=784, m=100)   # MNIST's 28 × 28 pixels
    """
    start = dict(n=64, m=32, q=10, p=1)
    unknown = set(defaults) - set(start)
    if unknown:
        raise TypeError(
            f"shapes_explorer() got unknown starting values {sorted(unknown)}; use n, m, q, p"
        )
    start.update(defaults)
    controls = {
        "n": int_slider("inputs n", start["n"], 1, 1024),
        "m": int_slider("hidden units m", start["m"], 1, 512),
        "q": int_slider("classes q", start["q"], 2, 20),
        "p": int_slider("examples p", start["p"], 1, 256),
    }

    def draw(fig, **values):
        s = mlp_shapes(**values)
        plot_mlp_shapes(s, fig)
        return s

    return Explorer(
        controls,
        draw,
        title="Shapes of the one-hidden-layer network",
        figsize=(11.0, 4.8),
        start=start,
    )
