"""SymPy derivatives of σ, tanh and one LSTM/subLSTM unit: equal to autograd, and Costa's point."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
import torch

import gatedrnn
from gatedrnn.derive import symbolic

POINTS = np.random.default_rng(0).uniform(-2, 2, size=(5, 5))


def grad(y, x):
    (g,) = torch.autograd.grad(y, x, retain_graph=True)
    return g.item()


def leaf(value):
    return torch.tensor(float(value), dtype=torch.float64, requires_grad=True)


@pytest.mark.parametrize("u", [-3.0, -0.4, 0.0, 1.7])
def test_activation_derivatives_equal_autograd(u):
    d = symbolic.evaluate(symbolic.activation_derivatives(), u=u)
    t = leaf(u)
    assert d["sigma'"] == pytest.approx(grad(torch.sigmoid(t), t), rel=1e-12)
    assert d["tanh'"] == pytest.approx(grad(torch.tanh(t), t), rel=1e-12)


def unit(kind, i, f, a_z, o, c_prev):
    """One unit in torch, every quantity a leaf or a function of leaves."""
    t = {name: leaf(v) for name, v in dict(i=i, f=f, a_z=a_z, o=o, c_prev=c_prev).items()}
    if kind == "lstm":
        t["z"] = torch.tanh(t["a_z"])
        c = t["f"] * t["c_prev"] + t["i"] * t["z"]
        h = t["o"] * torch.tanh(c)
        h_of_c = lambda c: t["o"] * torch.tanh(c)
    else:
        t["z"] = torch.sigmoid(t["a_z"])
        c = t["f"] * t["c_prev"] + t["z"] - t["i"]
        h = torch.sigmoid(c) - t["o"]
        h_of_c = lambda c: torch.sigmoid(c) - t["o"]
    return t, c, h, h_of_c


@pytest.mark.parametrize("point", range(len(POINTS)))
@pytest.mark.parametrize("kind", ["lstm", "sublstm"])
def test_unit_derivatives_equal_autograd(kind, point):
    gi, gf, a_z, go, c_prev = POINTS[point]
    i, f, o = 1 / (1 + np.exp(-np.array([gi, gf, go])))  # gate values in (0, 1)
    t, c, h, h_of_c = unit(kind, i, f, a_z, o, c_prev)
    z = t["z"].item()
    derivs = symbolic.lstm_derivatives() if kind == "lstm" else symbolic.sublstm_derivatives()
    d = symbolic.evaluate(derivs, i=i, f=f, z=z, o=o, c_prev=c_prev)
    z_leaf = leaf(z)  # z as an independent variable, for ∂/∂z
    c_z = t["f"] * t["c_prev"] + (t["i"] * z_leaf if kind == "lstm" else z_leaf - t["i"])
    c_leaf = leaf(c.item())
    expected = {
        "c_t": c.item(),
        "h_t": h.item(),
        "dc/di": grad(c, t["i"]),
        "dc/df": grad(c, t["f"]),
        "dc/dz": grad(c_z, z_leaf),
        "dc/dc_prev": grad(c, t["c_prev"]),
        "dh/dc": grad(h_of_c(c_leaf), c_leaf),
        "dh/do": grad(h, t["o"]),
        "dh/dz": grad(h_of_c(c_z), z_leaf),
        "dh/da_z": grad(h, t["a_z"]),
    }
    assert sorted(d) == sorted(expected)
    for name, value in expected.items():
        assert d[name] == pytest.approx(value, rel=1e-12, abs=1e-14), name


@pytest.mark.parametrize("kind", ["lstm", "sublstm"])
def test_dh_daz_is_the_library_cells_gradient(kind):
    # ∂h_t/∂a_z is ∂h_t/∂(bias of the z block) in a one-unit cell
    torch.manual_seed(1)
    cell = (gatedrnn.LSTMCell(1, 1) if kind == "lstm" else gatedrnn.SubLSTMCell(1, 1)).double()
    with torch.no_grad():
        for p in cell.parameters():
            p.uniform_(-1.5, 1.5)
    x = torch.tensor([[0.7]], dtype=torch.float64)
    state = gatedrnn.LSTMState(*torch.tensor([[[0.3]], [[-0.8]]], dtype=torch.float64))
    h, _ = cell(x, state)
    (db,) = torch.autograd.grad(h.sum(), cell.bias_ih)
    a = (x @ cell.weight_ih.T + cell.bias_ih + state.h @ cell.weight_hh.T + cell.bias_hh)[0]
    i, f, a_z_value, o = a.detach().numpy()
    sig = lambda v: 1 / (1 + np.exp(-v))
    z = np.tanh(a_z_value) if kind == "lstm" else sig(a_z_value)
    derivs = symbolic.lstm_derivatives() if kind == "lstm" else symbolic.sublstm_derivatives()
    d = symbolic.evaluate(derivs, i=sig(i), f=sig(f), z=z, o=sig(o), c_prev=-0.8)
    assert d["dh/da_z"] == pytest.approx(db[2].item(), rel=1e-12)
    assert d["h_t"] == pytest.approx(h.item(), rel=1e-12)


def test_costa_subtractive_gates_drop_out_of_the_candidates_gradient():
    lstm, sub = symbolic.lstm_derivatives(), symbolic.sublstm_derivatives()
    i, o = symbolic.i, symbolic.o
    assert lstm["dc/dz"] == i and sub["dc/dz"] == 1
    assert {i, o} <= lstm["dh/dz"].free_symbols  # LSTM: both gates scale the gradient
    assert not ({i, o} & sub["dh/dz"].free_symbols)  # subLSTM: neither does
    assert not ({i, o} & sub["dh/da_z"].free_symbols)
    assert sub["dc/di"] == -1 and sub["dh/do"] == -1
    assert sp.simplify(lstm["dh/dc"] - o * (1 - sp.tanh(symbolic.c) ** 2)) == 0


def test_sigma_is_a_proper_sympy_function():
    u = symbolic.u
    assert sp.diff(symbolic.sigma(u), u) == symbolic.sigma(u) * (1 - symbolic.sigma(u))
    assert symbolic.sigma(0) == sp.Rational(1, 2)
    assert sp.latex(symbolic.sigma(u) ** 2) == r"\sigma\left(u\right)^{2}"


def test_latex_table_is_markdown_with_one_column_per_dict():
    table = symbolic.latex_table(
        symbolic.lstm_derivatives(),
        symbolic.sublstm_derivatives(),
        headers=["LSTM", "subLSTM"],
        rows=["dc/dz", "dh/do"],
    )
    assert table.splitlines() == [
        "|  | LSTM | subLSTM |",
        "|---|---|---|",
        r"| $\partial c_t / \partial z_t$ | $i_{t}$ | $1$ |",
        r"| $\partial h_t / \partial o_t$ | $\tanh{\left(c_{t} \right)}$ | $-1$ |",
    ]
    everything = symbolic.latex_table(symbolic.lstm_derivatives(), {"extra": symbolic.u})
    assert everything.count("\n") == 2 + 10 and r"\text{extra}" in everything
    assert symbolic.latex(symbolic.sigma(symbolic.u)) == r"\sigma\left(u\right)"


def test_errors_say_what_was_expected():
    with pytest.raises(ValueError, match="evaluate takes values for"):
        symbolic.evaluate(symbolic.lstm_derivatives(), gate=0.3)
    with pytest.raises(ValueError, match="needs a value for"):
        symbolic.evaluate(symbolic.lstm_derivatives(), i=0.3)
    with pytest.raises(ValueError, match="headers must name each"):
        symbolic.latex_table(symbolic.lstm_derivatives(), headers=["a", "b"])
    with pytest.raises(ValueError, match="at least one dict"):
        symbolic.latex_table()
