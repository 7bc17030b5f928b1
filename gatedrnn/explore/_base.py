"""What every explorer shares: a box of controls over a figure, drawn again when a control moves.

An explorer is three layers (STYLE.md point 8): a pure compute function that returns arrays, a
plot function that draws them into a matplotlib Figure, and this thin widget wrapper, which
wires the controls to ``compute -> plot`` with :func:`ipywidgets.interactive_output`.

The wrapper draws on a fresh :class:`matplotlib.figure.Figure` (no pyplot state is touched) and
puts it, as a PNG, into the output widget's ``outputs`` (widget state, not a display message: a
kernel client without widget support, such as nbval, would otherwise collect each figure as a
loose cell output). The explorer's own display also carries that PNG and a short text: where no
widget front end runs (nbval, a static HTML or PDF render, GitHub) the figure at the current
values still shows.
"""

from __future__ import annotations

import base64
import contextlib
import io
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import ipywidgets as widgets
from matplotlib.figure import Figure

from .. import colab
from .._validation import check_number

#: Every slider redraws when released, not while dragged: each redraw renders a figure.
CONTINUOUS_UPDATE = False
CONTROL_WIDTH = "360px"
LABEL_WIDTH = "140px"


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one thread inside the block, then restore the previous setting.

    The explorers' networks are tiny (H <= 100): threads cannot help them, and on a busy
    machine waiting for a second thread makes each small step thousands of times slower.
    """
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def new_figure(figsize: tuple[float, float]) -> Figure:
    """A Figure outside pyplot's global list (nothing to close, nothing shown twice)."""
    return Figure(figsize=figsize, layout="constrained")


def figure_png(fig: Figure, dpi: int = 90) -> bytes:
    """The figure rendered to PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def float_slider(description: str, value: float, lo: float, hi: float, step: float, **kw):
    """A FloatSlider that redraws on release."""
    return widgets.FloatSlider(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=description,
        continuous_update=CONTINUOUS_UPDATE,
        **kw,
    )


def int_slider(description: str, value: int, lo: int, hi: int, step: int = 1, **kw):
    """An IntSlider that redraws on release."""
    return widgets.IntSlider(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=description,
        continuous_update=CONTINUOUS_UPDATE,
        **kw,
    )


def log_slider(description: str, value: float, lo_exp: float, hi_exp: float, **kw):
    """A FloatLogSlider from 10**lo_exp to 10**hi_exp that redraws on release."""
    return widgets.FloatLogSlider(
        value=value,
        base=10,
        min=lo_exp,
        max=hi_exp,
        step=0.1,
        description=description,
        continuous_update=CONTINUOUS_UPDATE,
        **kw,
    )


def slider_range(control: widgets.ValueWidget) -> tuple[float, float] | None:
    """The values a slider can take, ``(lo, hi)``; None for a control that is not a slider."""
    if isinstance(control, widgets.FloatLogSlider):
        return control.base**control.min, control.base**control.max
    if isinstance(control, widgets.FloatSlider | widgets.IntSlider):
        return control.min, control.max
    return None


def check_start_values(controls: Mapping[str, widgets.ValueWidget], start: Mapping) -> None:
    """Each start value asked for lies within its slider's range: say so if not."""
    for name, control in controls.items():
        span = slider_range(control)
        if span is None or name not in start:
            continue
        lo, hi = span
        value = check_number(start[name], f"the start value {name}")
        if not lo - 1e-12 * abs(lo) <= value <= hi + 1e-12 * abs(hi):
            raise ValueError(
                f"{name} = {value:g} lies outside its slider {control.description!r}, which "
                f"runs from {lo:g} to {hi:g}; start within that range"
            )


class Explorer(widgets.VBox):
    """Controls above a figure; moving a control recomputes and redraws.

    Args:
        controls: ``{argument name: widget}``; each widget's ``.value`` is passed to ``draw``.
        draw: ``draw(fig, **values) -> result``: compute at these values, plot into the empty
            Figure ``fig``, return the computed result (kept as :attr:`result`).
        title: one line shown above the controls and in the plain-text display.
        figsize: figure size in inches.
        columns: number of columns the controls are laid out in.
        start: the start values asked for, by argument name: each must lie within its
            slider's range (a slider would clamp it without a word).

    Attributes:
        controls: the control widgets by argument name (set ``.value`` to move one).
        figure: the Figure last drawn; result: what ``draw`` last returned; png: its PNG bytes.
        output: the :class:`ipywidgets.Output` that shows the figure.
    """

    def __init__(
        self,
        controls: Mapping[str, widgets.ValueWidget],
        draw: Callable[..., Any],
        *,
        title: str,
        figsize: tuple[float, float] = (10.0, 5.0),
        columns: int = 2,
        start: Mapping[str, Any] | None = None,
    ):
        if start is not None:
            check_start_values(controls, start)
        colab.enable_widgets()  # on Colab the widgets need its custom manager; no-op elsewhere
        self.controls = dict(controls)
        self.title = title
        self._draw = draw
        self._figsize = figsize
        self.figure: Figure | None = None
        self.result: Any = None
        self.png: bytes = b""
        for control in self.controls.values():  # one column width, one label width
            control.layout.width = CONTROL_WIDTH
            if hasattr(control.style, "description_width"):
                control.style.description_width = LABEL_WIDTH
        self.output: widgets.Output | None = None
        output = widgets.interactive_output(self._redraw, self.controls)  # draws once, now
        self.output = output
        self._show()
        grid = widgets.GridBox(
            list(self.controls.values()),
            layout=widgets.Layout(
                grid_template_columns=f"repeat({columns}, max-content)", grid_gap="2px 24px"
            ),
        )
        header = widgets.HTML(f"<b>{title}</b>")
        super().__init__([header, grid, output])

    def _redraw(self, **values) -> None:
        fig = new_figure(self._figsize)
        self.result = self._draw(fig, **values)
        self.figure = fig
        self.png = figure_png(fig)
        self._show()

    def _show(self) -> None:
        """Replace the output widget's content by the current figure."""
        if self.output is None:  # the first draw runs inside interactive_output
            return
        figure = {
            "output_type": "display_data",
            "data": {
                "image/png": base64.b64encode(self.png).decode("ascii"),
                "text/plain": f"<figure: {self.title}>",
            },
            "metadata": {},
        }
        self.output.outputs = (figure,)

    @property
    def values(self) -> dict[str, Any]:
        """The current value of every control."""
        return {name: w.value for name, w in self.controls.items()}

    # ipywidgets 7 shows a widget from _ipython_display_, which IPython calls instead of any
    # _repr_*_ method (the figure and the text would be lost); ipywidgets 8 from
    # _repr_mimebundle_. Without the former, both versions display the bundle below.
    _ipython_display_ = None

    def _repr_mimebundle_(self, **kwargs):
        if hasattr(widgets.VBox, "_repr_mimebundle_"):  # ipywidgets 8
            bundle = super()._repr_mimebundle_(**kwargs)
        else:  # ipywidgets 7: the same widget view, as its _ipython_display_ builds it
            bundle = {
                "application/vnd.jupyter.widget-view+json": {
                    "version_major": 2,
                    "version_minor": 0,
                    "model_id": self.model_id,
                }
            }
            self._handle_displayed()  # what ipywidgets 7 does on display
        names = ", ".join(self.controls)
        bundle["text/plain"] = f"{self.title} (controls: {names})"
        if self.png:
            bundle["image/png"] = base64.b64encode(self.png).decode("ascii")
        return bundle
