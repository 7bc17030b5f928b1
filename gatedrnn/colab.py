"""Google Colab set-up: Colab draws ipywidgets only after its custom widget manager is on.

>>> from gatedrnn import colab
>>> colab.enable_widgets()   # True on Colab (turned it on), False anywhere else (did nothing)

The explorers in :mod:`gatedrnn.explore` call it themselves.
"""

from __future__ import annotations

import importlib

__all__ = ["in_colab", "enable_widgets"]


def _colab_output():
    """``google.colab.output``, or None outside Colab."""
    try:
        return importlib.import_module("google.colab.output")
    except ImportError:
        return None


def in_colab() -> bool:
    """True when running inside a Google Colab kernel."""
    return _colab_output() is not None


def enable_widgets() -> bool:
    """On Colab, turn on the custom widget manager (``enable_custom_widget_manager()``).

    Returns True when it did, False elsewhere (JupyterLab, Notebook, VS Code, plain Python),
    where it does nothing. Calling it again is harmless.
    """
    output = _colab_output()
    if output is None:
        return False
    output.enable_custom_widget_manager()
    return True
