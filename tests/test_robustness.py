"""Stacked layers match the given cell, bad inputs get clear messages, no hidden side effects."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch
from torch import nn

import gatedrnn
from gatedrnn import Recurrent

# --- stacked layers are built like the cell given ----------------------------------------------

CELLS = {
    "LSTMCell": lambda: gatedrnn.LSTMCell(3, 4),
    "GRUCell": lambda: gatedrnn.GRUCell(3, 4),
    "SubLSTMCell": lambda: gatedrnn.SubLSTMCell(3, 4),
    "RateCell": lambda: gatedrnn.RateCell(3, 4, tau=10.0, dt=1.0, dale=0.5),
}


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("make", CELLS.values(), ids=CELLS.keys())
def test_upper_layers_take_a_float64_cells_dtype_and_run(make, bidirectional):
    cell = make().double()
    rnn = Recurrent(cell, 3, bidirectional=bidirectional)
    tensors = list(rnn.parameters()) + list(rnn.buffers())
    assert {t.dtype for t in tensors} == {torch.float64}
    out, _ = rnn(torch.randn(5, 2, 3, dtype=torch.float64))
    assert out.dtype == torch.float64


@pytest.mark.parametrize("make", CELLS.values(), ids=CELLS.keys())
def test_upper_layers_take_the_cells_device(make):
    cell = make().to("meta")
    rnn = Recurrent(cell, 2, bidirectional=True)
    tensors = list(rnn.parameters()) + list(rnn.buffers())
    assert {t.device.type for t in tensors} == {"meta"}


def test_upper_rate_cells_keep_the_buffers_values():
    cell = gatedrnn.RateCell(3, 4, tau=[5.0, 10.0, 20.0, 40.0], dt=2.0, dale=0.5).double()
    rnn = Recurrent(cell, 2)
    torch.testing.assert_close(rnn.layers[1].z, cell.z, rtol=0, atol=0)
    torch.testing.assert_close(rnn.layers[1].signs, cell.signs, rtol=0, atol=0)


# --- side effects --------------------------------------------------------------------------------


@pytest.mark.parametrize("module_type", [nn.LSTM, nn.GRU, nn.RNN])
def test_bias_false_survives_the_round_trip_through_torch(module_type):
    torch.manual_seed(0)
    reference = module_type(2, 3, num_layers=2, bias=False)
    rnn = Recurrent.from_torch(reference)
    assert not rnn.bias
    back = rnn.to_torch()
    assert back.bias is False
    assert sorted(name for name, _ in back.named_parameters()) == sorted(
        name for name, _ in reference.named_parameters()
    )
    x = torch.randn(6, 2, 2)
    torch.testing.assert_close(back(x)[0], reference(x)[0])
    out, _ = rnn(x)
    out.sum().backward()
    assert all(cell.bias_ih.grad is None for cell in rnn.layers)  # biases are not trained


def test_to_torch_refuses_a_bias_it_cannot_hold():
    rnn = Recurrent(gatedrnn.LSTMCell(2, 3), bias=False)
    with torch.no_grad():
        rnn.layers[0].bias_hh.fill_(0.5)
    with pytest.raises(ValueError, match=r"bias=False but bias_hh of a layer is not zero"):
        rnn.to_torch()


def test_mnist1d_leaves_every_random_state_as_it_found_it():
    import importlib

    module = importlib.import_module("gatedrnn.tasks.mnist1d")
    module._make_dataset.cache_clear()  # the generator must run, not the cache
    random.seed(123)
    np.random.seed(123)
    torch.manual_seed(123)
    before = (random.getstate(), np.random.get_state(), torch.get_rng_state())
    module.mnist1d(num_samples=200)
    after = (random.getstate(), np.random.get_state(), torch.get_rng_state())
    assert after[0] == before[0]
    assert all(np.array_equal(a, b) for a, b in zip(after[1], before[1], strict=True))
    assert torch.equal(after[2], before[2])


# --- every bad input: what was expected and what was given ------------------------------------


def _grader():
    import importlib

    for name in ("gatedrnn.instructor.grade", "gatedrnn.grade"):
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError:
            continue
    raise AssertionError("the grader module is missing")


def _spiking(**kw):
    from gatedrnn import plasticity

    return plasticity.simulate_spiking(0.1, progress=False, **kw)


def _rate(**kw):
    from gatedrnn import plasticity

    return plasticity.simulate_rate(0.1, **kw)


def _explorer(name, **start):
    from gatedrnn import explore

    return getattr(explore, name)(**start)


def _jacobian(x_shape):
    from gatedrnn import derive

    return derive.state_jacobian(gatedrnn.LSTMCell(3, 4), torch.zeros(x_shape))


def _gradcheck(**kw):
    from gatedrnn import derive

    W = np.ones((2, 2))
    return derive.gradcheck(lambda W: np.sum(W**2), W, grads=[2 * W], verbose=False, **kw)


def _ei(**kw):
    from gatedrnn.explore import ei_network

    return ei_network(**kw)


def _mnist1d(**kw):
    from gatedrnn.tasks import mnist1d

    return mnist1d(**kw)


BAD_INPUTS = {
    "RateCell tau=nan": (
        lambda: gatedrnn.RateCell(2, 3, tau=float("nan")),
        ValueError,
        r"tau must be > 0 \(ms\) and finite; got tau = nan",
    ),
    "RateCell tau=inf": (
        lambda: gatedrnn.RateCell(2, 3, tau=float("inf")),
        ValueError,
        r"tau must be > 0 \(ms\) and finite; got tau = inf",
    ),
    "simulate_spiking dt > tau_m": (
        lambda: _spiking(dt=25.0),
        ValueError,
        r"dt must not exceed the membrane time constant tau_m = 20 ms .*got dt = 25 ms",
    ),
    "simulate_rate eta=nan": (
        lambda: _rate(eta=float("nan")),
        ValueError,
        r"eta must be a finite number \(the learning rate\); got nan",
    ),
    "simulate_spiking eta='big'": (
        lambda: _spiking(eta="big"),
        TypeError,
        r"eta must be a number \(the learning rate\); got 'big' \(str\)",
    ),
    "mnist1d final_seq_length=0": (
        lambda: _mnist1d(final_seq_length=0),
        ValueError,
        r"final_seq_length \(time steps per sequence\) must be a positive integer; got 0",
    ),
    "mnist1d num_samples=5": (
        lambda: _mnist1d(num_samples=5),
        ValueError,
        r"num_samples must be at least 10 \(one sequence per digit\); got 5",
    ),
    "ei_explorer dale=1.2": (
        lambda: _explorer("ei_explorer", dale=1.2),
        ValueError,
        r"dale = 1.2 lies outside its slider 'E fraction', which runs from 0.5 to 0.95",
    ),
    "time_constant_explorer dt=30": (
        lambda: _explorer("time_constant_explorer", dt=30.0),
        ValueError,
        r"dt = 30 lies outside its slider 'Δt \(ms\)', which runs from 0.5 to 25",
    ),
    "plasticity_explorer eta=1": (
        lambda: _explorer("plasticity_explorer", eta=1.0),
        ValueError,
        r"eta = 1 lies outside its slider 'learning rate η', which runs from 1e-06 to 0.001",
    ),
    "gradcheck eps=0": (
        lambda: _gradcheck(eps=0),
        ValueError,
        r"eps is the finite-difference step and must be a small number > 0 .*got eps = 0",
    ),
    "state_jacobian x_t (2, 5) for I = 3": (
        lambda: _jacobian((2, 5)),
        ValueError,
        r"x_t must be \(B, I\) = \(batch, 3\) or \(I,\) = \(3,\); got \(2, 5\)",
    ),
    "state_jacobian x_t (5,) for I = 3": (
        lambda: _jacobian((5,)),
        ValueError,
        r"x_t must be \(B, I\) = \(batch, 3\) or \(I,\) = \(3,\); got \(5\)",
    ),
    "Recurrent dropout='0.5'": (
        lambda: Recurrent(gatedrnn.LSTMCell(2, 3), 2, dropout="0.5"),
        TypeError,
        r"dropout must be a number; got '0.5' \(str\)",
    ),
    "Recurrent dropout=1": (
        lambda: Recurrent(gatedrnn.LSTMCell(2, 3), 2, dropout=1.0),
        ValueError,
        r"dropout must lie in \[0, 1\); got 1",
    ),
    "ei_network T=-5": (
        lambda: _ei(T=-5),
        ValueError,
        r"T \(the number of time steps\) must be a positive integer; got -5",
    ),
}


@pytest.mark.parametrize("call, error, message", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_a_bad_input_gets_a_clear_message(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_the_grader_says_a_notebook_is_missing(tmp_path):
    grade = _grader()
    missing = tmp_path / "ex03_lstm.ipynb"
    with pytest.raises(grade.GradeError, match=r"no such notebook: .*ex03_lstm.ipynb"):
        grade.grade_notebook(missing)
    assert grade.main([str(tmp_path / "notes.ipynb")]) == 2  # not "cannot tell which exercise"


def test_the_grader_says_a_folder_is_not_a_notebook(tmp_path, capsys):
    grade = _grader()
    with pytest.raises(grade.GradeError, match=r"is a folder; give the exercise notebook inside"):
        grade.grade_notebook(tmp_path)
    assert grade.main([str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_a_data_folder_that_is_a_file_is_named_online(tmp_path, monkeypatch):
    from gatedrnn import data

    not_a_folder = tmp_path / "data.txt"
    not_a_folder.write_text("not a folder")
    source = tmp_path / "file.bin"
    source.write_bytes(b"payload")
    monkeypatch.setenv("GATEDRNN_DATA", str(not_a_folder))
    monkeypatch.delenv("GATEDRNN_OFFLINE", raising=False)
    with pytest.raises(
        NotADirectoryError, match=r"GATEDRNN_DATA must name a folder .*data.txt, which is a file"
    ):
        data.download("file.bin", source.as_uri(), "sha256:" + "0" * 64, folder="sub")


# --- the fast path without torch's private functions ------------------------------------------


class _Without:
    """``torch._VF`` without some of its functions (it forwards the others)."""

    def __init__(self, inner, missing: str):
        self._inner, self._missing = inner, missing

    def __getattr__(self, name):
        if name == self._missing:
            raise AttributeError(name)
        return getattr(self._inner, name)


def _remove_private(name: str, monkeypatch) -> None:
    *path, last = name.split(".")
    parent = torch
    for part in path:
        parent = getattr(parent, part)
    if parent is torch._VF:  # a module object whose attributes are looked up, not stored
        monkeypatch.setattr(torch, "_VF", _Without(torch._VF, last))
    else:
        monkeypatch.delattr(parent, last)


FAST_CELLS = {
    "LSTMCell (torch's kernel)": lambda: gatedrnn.LSTMCell(3, 4),
    "SubLSTMCell (fused)": lambda: gatedrnn.SubLSTMCell(3, 4),
    "GRUCell (fused)": lambda: gatedrnn.GRUCell(3, 4),
}


@pytest.mark.parametrize("make", FAST_CELLS.values(), ids=FAST_CELLS.keys())
@pytest.mark.parametrize("name", gatedrnn.fast.PRIVATE_TORCH)
def test_without_a_private_torch_function_the_readable_loop_runs(name, make, monkeypatch):
    from gatedrnn import fast

    torch.manual_seed(0)
    cell = make()
    x = torch.randn(5, 2, 3)
    assert fast.run_layer(cell, x, None) is not None  # the fast path, with torch complete
    readable = Recurrent(cell, fast=False)
    want = readable(x)[0]
    want_grads = torch.autograd.grad(want.sum(), list(cell.parameters()))

    _remove_private(name, monkeypatch)
    assert fast.run_layer(cell, x, None) is None
    got = Recurrent(cell)(x)[0]
    got_grads = torch.autograd.grad(got.sum(), list(cell.parameters()))
    torch.testing.assert_close(got, want, rtol=0, atol=0)
    for a, b in zip(got_grads, want_grads, strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
