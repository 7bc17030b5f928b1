"""The explorer wrapper: static fallback, no pyplot figures, thread setting restored; Colab."""

import base64
import sys
import types

import matplotlib.pyplot as plt
import torch
from IPython.core.formatters import DisplayFormatter

from gatedrnn import colab
from gatedrnn.explore import shapes_explorer
from gatedrnn.explore._base import one_thread


def test_display_carries_the_figure_for_renders_without_widgets():
    figures_before = plt.get_fignums()
    ex = shapes_explorer()
    data, _ = DisplayFormatter().format(ex)
    assert "application/vnd.jupyter.widget-view+json" in data  # live front ends: the widget
    assert base64.b64decode(data["image/png"]) == ex.png  # static renders: the figure
    assert ex.png.startswith(b"\x89PNG")
    assert data["text/plain"] == "Shapes of the one-hidden-layer network (controls: n, m, q, p)"
    ex.controls["q"].value = 3
    data_after, _ = DisplayFormatter().format(ex)
    assert data_after["image/png"] != data["image/png"]
    assert plt.get_fignums() == figures_before  # nothing left in pyplot


def test_one_thread_restores_the_setting():
    before = torch.get_num_threads()
    with one_thread():
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_colab_helper_does_nothing_outside_colab(monkeypatch):
    monkeypatch.setitem(sys.modules, "google.colab.output", None)  # import fails like off Colab
    assert colab.enable_widgets() is False
    assert colab.in_colab() is False


def test_colab_helper_enables_the_custom_widget_manager(monkeypatch):
    calls = []
    output = types.ModuleType("google.colab.output")
    output.enable_custom_widget_manager = lambda: calls.append("on")
    google = types.ModuleType("google")
    google_colab = types.ModuleType("google.colab")
    google_colab.output = output
    google.colab = google_colab
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", google_colab)
    monkeypatch.setitem(sys.modules, "google.colab.output", output)
    assert colab.in_colab() is True
    assert colab.enable_widgets() is True
    assert calls == ["on"]


def test_in_a_kernel_without_widget_support_the_cell_has_one_output():
    """nbval's kernel client ignores output widgets: the explorer must not display loose figures."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        msg_id = kc.execute("from gatedrnn.explore import shapes_explorer\nshapes_explorer()")
        outputs = []
        while True:
            msg = kc.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "status" and msg["content"]["execution_state"] == "idle":
                break
            if kind in ("display_data", "execute_result", "stream", "error"):
                outputs.append(msg)
        assert [m["msg_type"] for m in outputs] == ["execute_result"], outputs
        data = outputs[0]["content"]["data"]
        assert {"image/png", "text/plain", "application/vnd.jupyter.widget-view+json"} <= set(data)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
