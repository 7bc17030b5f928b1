"""Diagrams: each draws headless for every cell and option, shows the numbers it is given, and
the live values are the cell's own (checked against its equations and the runner)."""

from __future__ import annotations

import io

import matplotlib
import numpy as np
import pytest
import torch
from cell_zoo import CELLS
from matplotlib.colors import to_rgb, to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

import gatedrnn
from gatedrnn import diagrams, palette
from gatedrnn.diagrams._draw import value_color

matplotlib.use("Agg")

F64 = torch.float64


def render(fig: Figure) -> bytes:
    assert isinstance(fig, Figure)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=40)
    assert buffer.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    return buffer.getvalue()


def texts(fig: Figure) -> str:
    return "\n".join(t.get_text() for ax in fig.axes for t in ax.texts) + "\n".join(
        ax.get_title(loc="left") + ax.get_title() for ax in fig.axes
    )


DIAGRAMS = {
    "mlp": lambda: diagrams.mlp_diagram(784, 100, 10, 1),
    "mlp-batch": lambda: diagrams.mlp_diagram(3, 2, 4, 32),
    "rate": lambda: diagrams.rate_unit_diagram(),
    "rate-voltage": lambda: diagrams.rate_unit_diagram(form="voltage"),
    "vanilla": lambda: diagrams.rate_unit_diagram(vanilla=True),
    "ei-pair": diagrams.ei_pair_diagram,
    "lstm": lambda: diagrams.lstm_diagram(),
    "lstm-peephole": lambda: diagrams.lstm_diagram(peephole=True),
    "lstm-coupled": lambda: diagrams.lstm_diagram(coupled=True),
    "lstm-peephole-coupled": lambda: diagrams.lstm_diagram(peephole=True, coupled=True),
    "lstm-no-equations": lambda: diagrams.lstm_diagram(equations=False),
    "sublstm": lambda: diagrams.sublstm_diagram(),
    "fix-sublstm": lambda: diagrams.sublstm_diagram(fixed_forget=True),
    "simple-gru": lambda: diagrams.gru_diagram(simple=True),
    "gru-after": lambda: diagrams.gru_diagram(reset="after"),
    "gru-before": lambda: diagrams.gru_diagram(reset="before"),
    "microcircuit-sub": lambda: diagrams.microcircuit_diagram(subtractive=True),
    "microcircuit-lstm": lambda: diagrams.microcircuit_diagram(subtractive=False),
    "column": diagrams.column_diagram,
    "unrolled-lstm": lambda: diagrams.unrolled_diagram(4, cell="LSTM"),
    "unrolled-gru-every": lambda: diagrams.unrolled_diagram(6, cell="GRU", loss="every"),
    "unrolled-2": lambda: diagrams.unrolled_diagram(2, cell="vanilla"),
}


@pytest.mark.parametrize("name", list(DIAGRAMS))
def test_every_diagram_draws_headless(name):
    fig = DIAGRAMS[name]()
    render(fig)
    assert fig.axes, "a diagram draws on at least one Axes"
    assert sum(len(ax.patches) for ax in fig.axes) >= 5, "a diagram is made of shapes"


@pytest.mark.parametrize("name", list(CELLS))
def test_every_cell_draws_with_its_run_values(name):
    torch.manual_seed(0)
    cell = CELLS[name](2, 3).double()
    run = diagrams.step_values(cell, torch.randn(5, 2, 2, dtype=F64), unit=1, example=1)
    fig = diagrams.cell_diagram(cell, values=run.at(2))
    render(fig)
    # every value the diagram has a cell for is written in it, to two decimals
    written = texts(fig)
    drawn = [k for k in ("i", "f", "o", "z", "c", "h", "r", "n") if k in run.values]
    assert drawn, f"{name}: nothing to colour"
    for key in drawn:
        assert f"{run.values[key][2]:.2f}" in written, f"{name}: value of {key} not shown"


@pytest.mark.parametrize("value", [0.05, 0.5, 0.95])
def test_a_gate_cell_is_filled_by_its_value(value):
    values = {"i": value, "f": 1 - value, "z": -0.4, "o": 0.3, "c": 1.5, "h": 0.2}
    fig = diagrams.lstm_diagram(values=values)
    fills = [p.get_facecolor() for ax in fig.axes for p in ax.patches]
    expected = to_rgba(value_color("i", value))
    assert any(np.allclose(f, expected) for f in fills), "the input gate's fill is not its value"
    blank = diagrams.lstm_diagram()
    blank_fills = [p.get_facecolor() for ax in blank.axes for p in ax.patches]
    assert not any(np.allclose(f, expected) for f in blank_fills)


def test_gate_and_state_colours_follow_the_value():
    assert value_color("i", 0.0) != value_color("i", 1.0)
    assert value_color("i", 2.0) == value_color("i", 1.0)  # clipped to [0, 1]
    assert value_color("c", -5.0) == value_color("c", -1.0)  # signed, clipped to ±1
    assert value_color("z", 0.3, gate=True) == value_color("i", 0.3)


def test_mlp_diagram_writes_the_shapes():
    fig = diagrams.mlp_diagram(n=37, m=11, q=5, p=3)
    written = texts(fig)
    for shape in (
        "W: m × n = 11 × 37",
        "V: q × m = 5 × 11",
        "x: n × p = 37 × 3",
        "b: m × 1 = 11 × 1",
        "c: q × 1 = 5 × 1",
    ):
        assert shape in written
    with pytest.raises(ValueError, match="m must be a positive integer; got 0"):
        diagrams.mlp_diagram(3, 0, 2, 1)


@pytest.mark.parametrize("T", [2, 5])
def test_unrolled_diagram_draws_one_input_per_step(T):
    fig = diagrams.unrolled_diagram(T, cell="GRU")
    written = texts(fig)
    inputs = [line for line in written.split("\n") if line.startswith("$x_{")]
    assert len(inputs) == T
    assert written.count("GRU") >= T
    with pytest.raises(ValueError, match="T must be an integer number of steps from 2 to 8"):
        diagrams.unrolled_diagram(12)
    with pytest.raises(ValueError, match="loss must be 'last' or 'every'"):
        diagrams.unrolled_diagram(3, loss="first")


def test_options_are_checked():
    with pytest.raises(ValueError, match="reset must be 'after' or 'before'; got 'middle'"):
        diagrams.gru_diagram(reset="middle")
    with pytest.raises(ValueError, match="form must be 'rate' or 'voltage'"):
        diagrams.rate_unit_diagram(form="spiking")
    with pytest.raises(TypeError, match="cell must be an LSTMCell"):
        diagrams.cell_diagram(torch.nn.Linear(2, 2))


def test_subtractive_diagrams_subtract_and_multiplicative_multiply():
    def ops(fig):
        return [t.get_text() for ax in fig.axes for t in ax.texts if t.get_text() in "×−"]

    lstm, sub = ops(diagrams.lstm_diagram()), ops(diagrams.sublstm_diagram())
    assert lstm.count("×") == 3 and "−" not in lstm  # i, f, o all multiply
    assert sub.count("−") == 2 and sub.count("×") == 1  # i and o subtract, f multiplies


# --- the live values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["lstm", "lstm-peephole", "lstm-coupled", "sublstm", "fix-sublstm"]
)
def test_lstm_family_values_obey_the_equations(name):
    torch.manual_seed(1)
    cell = CELLS[name](2, 3).double()
    x = torch.randn(7, 2, 2, dtype=F64)
    run = diagrams.step_values(cell, x, unit=2, example=1)
    v = run.values
    c_prev = np.concatenate([[0.0], v["c"][:-1]])
    if name.startswith("lstm"):
        np.testing.assert_allclose(v["c"], v["f"] * c_prev + v["i"] * v["z"], atol=1e-12)
        np.testing.assert_allclose(v["h"], v["o"] * np.tanh(v["c"]), atol=1e-12)
    else:
        np.testing.assert_allclose(v["c"], v["f"] * c_prev + v["z"] - v["i"], atol=1e-12)
        np.testing.assert_allclose(v["h"], 1 / (1 + np.exp(-v["c"])) - v["o"], atol=1e-12)
    if "coupled" in name:
        np.testing.assert_allclose(v["f"], 1 - v["i"], atol=1e-15)
    # h is the runner's output for that unit and example
    out, _ = gatedrnn.Recurrent(cell)(x)
    np.testing.assert_allclose(v["h"], out[:, 1, 2].detach().numpy(), atol=1e-12)


@pytest.mark.parametrize("reset", ["after", "before"])
def test_gru_values_equal_torch_and_the_notes_z(reset):
    torch.manual_seed(2)
    cell = gatedrnn.GRUCell(2, 3, reset=reset).double()
    x = torch.randn(6, 1, 2, dtype=F64)
    run = diagrams.step_values(cell, x, unit=0)
    v = run.values
    h_prev = np.concatenate([[0.0], v["h"][:-1]])
    np.testing.assert_allclose(v["z"], 1 - v["u"], atol=1e-15)
    np.testing.assert_allclose(v["h"], (1 - v["z"]) * h_prev + v["z"] * v["n"], atol=1e-12)
    np.testing.assert_allclose(v["state"], v["h"])
    if reset == "after":  # the same weights in torch.nn.GRUCell give the same h
        ref = torch.nn.GRUCell(2, 3).double()
        ref.load_state_dict(cell.state_dict())
        h = torch.zeros(1, 3, dtype=F64)
        hs = []
        with torch.no_grad():
            for x_t in x:
                h = ref(x_t, h)
                hs.append(float(h[0, 0]))
        np.testing.assert_allclose(v["h"], hs, atol=1e-12)


def test_step_values_checks_its_arguments():
    cell = gatedrnn.LSTMCell(3, 2)
    with pytest.raises(ValueError, match=r"x must be \(T, B, I\) = \(…, …, 3\)"):
        diagrams.step_values(cell, torch.zeros(4, 1, 2))
    with pytest.raises(ValueError, match="unit must be in 0 … 1; got 5"):
        diagrams.step_values(cell, torch.zeros(4, 1, 3), unit=5)
    run = diagrams.step_values(cell, torch.zeros(4, 3))  # (T, I) is one example
    assert run.values["h"].shape == (4,)
    with pytest.raises(IndexError, match="t must be a step in 0 … 3; got 4"):
        run.at(4)


def test_live_diagram_is_the_cell_diagram_at_step_t():
    torch.manual_seed(3)
    cell = gatedrnn.SubLSTMCell(1, 2).double()
    x = torch.randn(9, 1, 1, dtype=F64)
    written = texts(diagrams.live_diagram(cell, x, t=4))
    run = diagrams.step_values(cell, x)
    assert f"{run.values['c'][4]:.2f}" in written
    assert "subLSTM" in written


# --- the palette ----------------------------------------------------------------------------

# Machado, Oliveira & Fernandes (2009), severity 1, on linear RGB
CVD = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
    "normal": np.eye(3).tolist(),
}


def _seen(color: str, matrix) -> np.ndarray:
    c = np.array(to_rgb(color))
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    out = np.clip(np.array(matrix) @ linear, 0, 1)
    return np.where(out <= 0.0031308, 12.92 * out, 1.055 * out ** (1 / 2.4) - 0.055)


@pytest.mark.parametrize("vision", list(CVD))
def test_palette_roles_stay_apart_for_colour_blind_readers(vision):
    roles = {
        "E": palette.EXCITATORY,
        "I": palette.INHIBITORY,
        "z": palette.CANDIDATE,
        "i": palette.INPUT_GATE,
        "f": palette.FORGET_GATE,
        "o": palette.OUTPUT_GATE,
        "c": palette.MEMORY,
        "h": palette.HIDDEN,
        "x": palette.INPUT,
    }
    seen = {name: _seen(color, CVD[vision]) for name, color in roles.items()}
    names = list(seen)
    closest = min(
        (np.linalg.norm(seen[a] - seen[b]), a, b)
        for k, a in enumerate(names)
        for b in names[k + 1 :]
    )
    assert closest[0] > 0.1, f"{vision}: {closest[1]} and {closest[2]} look alike"


def test_candidate_and_inhibitory_cells_differ():
    assert palette.CANDIDATE != palette.INHIBITORY
    assert palette.GATES["z"] == palette.CANDIDATE and palette.GATES["i"] == palette.INPUT_GATE
    assert palette.cell_color("subLSTM") == palette.INHIBITORY
    assert palette.cell_color("fix_subLSTM") == palette.CELLS["fix-subLSTM"]
    assert palette.cell_color("no such cell") == palette.NEUTRAL
    assert palette.tint("#000000", 1.0) == (1.0, 1.0, 1.0)


def test_layer_boxes_are_drawn_in_the_column():
    fig = diagrams.column_diagram()
    boxes = [p for ax in fig.axes for p in ax.patches if isinstance(p, Rectangle)]
    layer_fills = {to_rgb(c) for c in palette.LAYERS}
    assert sum(to_rgb(p.get_facecolor()[:3]) in layer_fills for p in boxes) >= 5
    assert "II/III" in texts(fig) and "Douglas, Martin & Whitteridge 1989" in texts(fig)
