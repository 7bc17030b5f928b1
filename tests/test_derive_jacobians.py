"""Closed-form one-step Jacobians and the gradient-flow curve, against PyTorch's autograd."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from cell_zoo import CELLS

import gatedrnn
from gatedrnn.derive import gradient_flow, plot_gradient_flow, state_jacobian

EXTRA = {
    "voltage-custom-phi": lambda I, H: gatedrnn.RateCell(I, H, form="voltage", phi=torch.sin),
    "simple-gru-ssn": lambda I, H: gatedrnn.SimpleGRUCell(I, H, phi="ssn"),
    "lstm-everything": lambda I, H: gatedrnn.LSTMCell(
        I, H, phi1="sigmoid", phi2="relu", peephole=True
    ),
}
ALL = {**CELLS, **EXTRA}


def make(name, I, H, seed=0):
    torch.manual_seed(seed)
    cell = ALL[name](I, max(H, 3) if "dale" in name else H).double()
    with torch.no_grad():
        for p in cell.parameters():
            p.normal_(0.0, 0.8)
    return cell


def random_state(cell, B, seed=0):
    g = torch.Generator().manual_seed(seed)
    H = cell.hidden_size
    return cell.state_type(
        *(torch.randn(B, H, generator=g, dtype=torch.float64) for _ in cell.state_type._fields)
    )


def autograd_jacobian(cell, x_t, state, full):
    """∂(state_t)/∂(state_{t-1}) example by example, through the cell's forward."""
    H = cell.hidden_size
    two = len(state) == 2
    rows = []
    for b in range(x_t.shape[0]):
        if full and two:
            s0 = torch.cat([state[0][b], state[1][b]])

            def F(s, b=b):
                _, new = cell(x_t[b : b + 1], cell.state_type(s[None, :H], s[None, H:]))
                return torch.cat([new[0][0], new[1][0]])
        else:
            s0 = state[0][b]

            def F(h, b=b):
                rest = [v[b : b + 1] for v in state[1:]]  # c_{t-1} held fixed
                _, new = cell(x_t[b : b + 1], cell.state_type(h[None], *rest))
                return new[0][0]

        rows.append(torch.autograd.functional.jacobian(F, s0))
    return torch.stack(rows)


@pytest.mark.parametrize("full", [False, True], ids=["dh_dh", "full"])
@pytest.mark.parametrize("B, H", [(1, 1), (3, 4)], ids=["B1-H1", "B3-H4"])
@pytest.mark.parametrize("name", sorted(ALL))
def test_state_jacobian_equals_autograd(name, B, H, full):
    cell = make(name, 2, H)
    x_t = torch.randn(B, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    state = random_state(cell, B)
    J = state_jacobian(cell, x_t, state, full=full)
    expected = autograd_jacobian(cell, x_t, state, full)
    S = cell.hidden_size * (len(state) if full else 1)
    assert J.shape == (B, S, S)
    torch.testing.assert_close(J, expected, rtol=1e-10, atol=1e-12)


def test_state_jacobian_single_example_and_bare_tensor_state():
    cell = make("gru-reset-before", 2, 4)
    x_t, h = torch.randn(2, dtype=torch.float64), torch.randn(4, dtype=torch.float64)
    J = state_jacobian(cell, x_t, h)
    assert J.shape == (4, 4)
    torch.testing.assert_close(state_jacobian(cell, x_t.numpy(), h.numpy()), J)  # arrays too
    torch.testing.assert_close(J, state_jacobian(cell, x_t[None], h[None])[0])
    zeros = state_jacobian(cell, x_t[None])  # state=None: from zeros
    torch.testing.assert_close(zeros, state_jacobian(cell, x_t[None], torch.zeros(1, 4).double()))


def test_vanilla_jacobian_is_diag_times_R():
    cell = make("vanilla", 2, 3)
    x_t, state = torch.randn(1, 2).double(), random_state(cell, 1)
    h, _ = cell(x_t, state)
    expected = torch.diag(1 - h[0] ** 2) @ cell.weight_hh
    torch.testing.assert_close(state_jacobian(cell, x_t, state)[0], expected)


def autograd_flow(cell, x, wrt):
    state = cell.init_state(x.shape[1])
    states = []
    for x_t in x:
        _, state = cell(x_t, state)
        states.append(state)
    H = cell.hidden_size
    loss = (states[-1][0] / H**0.5).sum()
    field = {"h": 0, "c": 1}[wrt]
    grads = torch.autograd.grad(loss, [s[field] for s in states], allow_unused=True)
    return np.array([0.0 if g is None else g.norm(dim=1).mean().item() for g in grads])


@pytest.mark.parametrize("name", sorted(ALL))
def test_gradient_flow_equals_autograd(name):
    cell = make(name, 2, 5)
    with torch.no_grad():
        for p in cell.parameters():
            p.mul_(0.7)
    x = torch.randn(6, 3, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    curve = gradient_flow(cell, x)
    assert curve.shape == (6,) and curve[-1] == pytest.approx(1.0)
    np.testing.assert_allclose(curve, autograd_flow(cell, x, "h"), rtol=1e-9, atol=1e-14)
    if "c" in cell.state_type._fields:
        np.testing.assert_allclose(
            gradient_flow(cell, x, wrt="c"), autograd_flow(cell, x, "c"), rtol=1e-9, atol=1e-14
        )


def test_gradient_flow_vanishes_for_small_recurrent_weights():
    torch.manual_seed(0)
    cell = gatedrnn.VanillaRNNCell(1, 16)
    with torch.no_grad():
        cell.weight_hh.mul_(0.5)
    curve = gradient_flow(cell, np.random.default_rng(0).normal(size=(40, 4, 1)))
    assert np.all(np.diff(curve) > 0)  # shrinks step by step going back from the loss
    assert curve[0] < 1e-6


def test_plot_gradient_flow_draws_one_line_per_curve():
    import matplotlib

    matplotlib.use("Agg")
    curves = {"vanilla": np.geomspace(1e-6, 1, 20), "LSTM": np.geomspace(1e-2, 1, 20)}
    ax = plot_gradient_flow(curves, title="flow")
    assert [line.get_label() for line in ax.get_lines()] == ["vanilla", "LSTM"]
    assert ax.get_yscale() == "log" and ax.get_title() == "flow"
    with pytest.raises(TypeError, match="curves must be a dict"):
        plot_gradient_flow([np.ones(3)])


def test_errors_say_what_was_expected():
    with pytest.raises(TypeError, match="state_jacobian takes a gatedrnn cell"):
        state_jacobian(torch.nn.GRUCell(2, 3), torch.zeros(1, 2))
    with pytest.raises(ValueError, match=r"x must be \(T, B, I\)"):
        gradient_flow(gatedrnn.GRUCell(2, 3), torch.zeros(5, 2))
    with pytest.raises(ValueError, match="wrt='c' needs a cell with a memory cell"):
        gradient_flow(gatedrnn.GRUCell(2, 3), torch.zeros(5, 1, 2), wrt="c")


class OwnGRU(gatedrnn.GRUCell):
    """A cell of one's own: a subclass (here with the parent's equations, for a reference)."""


class OwnLSTM(gatedrnn.LSTMCell):
    pass


@pytest.mark.parametrize(
    ("own", "parent"), [(OwnGRU, gatedrnn.GRUCell), (OwnLSTM, gatedrnn.LSTMCell)]
)
@pytest.mark.parametrize("full", [False, True])
def test_a_cell_of_ones_own_is_differentiated_by_autograd(own, parent, full):
    """No closed form for a subclass (it may change the equations): autograd gives the same."""
    torch.manual_seed(0)
    cell = own(3, 4).double()
    reference = parent(3, 4).double()
    reference.load_state_dict(cell.state_dict())
    x = torch.randn(5, 3, dtype=torch.float64)
    state = cell.state_type(
        *(torch.randn(5, 4, dtype=torch.float64) for _ in cell.state_type._fields)
    )
    if full and len(state) == 1:
        pytest.skip("one state field: full is the same Jacobian")
    got = state_jacobian(cell, x, state, full=full)
    want = state_jacobian(reference, x, state, full=full)
    torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-12)


def test_the_gradient_flow_of_a_cell_of_ones_own():
    torch.manual_seed(0)
    cell = OwnLSTM(2, 5).double()
    reference = gatedrnn.LSTMCell(2, 5).double()
    reference.load_state_dict(cell.state_dict())
    x = torch.randn(6, 3, 2, dtype=torch.float64)
    np.testing.assert_allclose(gradient_flow(cell, x), gradient_flow(reference, x), rtol=1e-10)
    with pytest.raises(
        ValueError, match=r"wrt='c' needs ∂h_t/∂c_t.*OwnLSTM is a cell of one's own"
    ):
        gradient_flow(cell, x, wrt="c")
