"""The identities of the course, proved numerically in float64.

* LSTM with o = 1, i = z, f = 1 - z is the rate network (notes eq. 13), in both forms.
* The simple-GRU is the coupled LSTM with φ2 = identity and no output gate.
* The notes' GRU (eq. 16-20) is the reset-before GRU with the update gate read as 1 - z.
* subLSTM and fix-subLSTM equal Costa et al.'s equations written out here in NumPy.
* Dale's principle holds column by column, before and after training steps.
* Euler steps converge to the continuous-time rate equation with first-order error.
"""

import numpy as np
import pytest
import torch
from scipy.integrate import solve_ivp

import gatedrnn
from gatedrnn.reductions import lstm_from_rate_cell, lstm_from_simple_gru

torch.set_default_dtype(torch.float32)
F64 = torch.float64


def run(cell, x, state=None):
    return gatedrnn.Recurrent(cell, fast=False)(x, state)


@pytest.mark.parametrize("phi", ["tanh", "relu", "ssn"])
@pytest.mark.parametrize("form", ["rate", "voltage"])
def test_lstm_with_fixed_gates_is_the_rate_network(form, phi):
    torch.manual_seed(0)
    H = 6
    rate = gatedrnn.RateCell(3, H, form=form, tau=list(np.linspace(2, 9, H)), phi=phi, dale=0.5)
    rate = rate.to(F64)
    lstm = lstm_from_rate_cell(rate)
    x = torch.randn(25, 4, 3, dtype=F64)
    s0 = torch.rand(4, H, dtype=F64)
    rates, (s_final,) = run(rate, x, (s0,))
    h0 = s0 if form == "rate" else rate.phi(s0)
    outputs, (h, c) = run(lstm, x, gatedrnn.LSTMState(h0, s0))
    torch.testing.assert_close(outputs, rates, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(c, s_final, rtol=1e-12, atol=1e-12)  # c is r (or v)


def test_pinned_gates_are_pinned():
    rate = gatedrnn.RateCell(2, 3, tau=4.0).to(F64)
    lstm = lstm_from_rate_cell(rate)
    b = lstm.bias_ih + lstm.bias_hh
    i, f, _, o = torch.sigmoid(b).chunk(4)
    torch.testing.assert_close(i, rate.z.to(F64))
    torch.testing.assert_close(f, 1 - rate.z.to(F64))
    assert torch.all(o == 1.0)


def test_simple_gru_is_the_coupled_lstm_without_output_gate():
    torch.manual_seed(1)
    cell = gatedrnn.SimpleGRUCell(3, 5, phi="relu").to(F64)
    lstm = lstm_from_simple_gru(cell)
    assert lstm.coupled and lstm.phi2 == "identity"
    x = torch.randn(30, 2, 3, dtype=F64)
    h0 = torch.randn(2, 5, dtype=F64)
    out_gru, (h_gru,) = run(cell, x, (h0,))
    out_lstm, (h_lstm, c_lstm) = run(lstm, x, gatedrnn.LSTMState(h0, h0))
    torch.testing.assert_close(out_lstm, out_gru, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(c_lstm, h_gru, rtol=1e-12, atol=1e-12)


def notes_gru_map(h, x, P, W, b):
    """Notes eq. 19-20, in the notes' symbols: P input weights, W recurrent, blocks (o, z', n).

    The notes' update gate z is σ(W_z h + P_z x + b_z); PyTorch's update gate is its complement,
    so with PyTorch's pre-activation a_u the notes' z is σ(-a_u) = 1 - σ(a_u).
    """
    P_o, P_u, P_n = np.split(P, 3)
    W_o, W_u, W_n = np.split(W, 3)
    b_o, b_u, b_n, bh_n = b

    def sigma(u):
        return 1 / (1 + np.exp(-u))

    a_u = W_u @ h + P_u @ x + b_u  # PyTorch's update-gate pre-activation
    o = sigma(W_o @ h + P_o @ x + b_o)
    return sigma(a_u) * h + sigma(-a_u) * np.tanh(W_n @ (o * h) + bh_n + P_n @ x + b_n)


def test_notes_gru_equals_reset_before_gru():
    torch.manual_seed(2)
    I, H = 3, 4
    cell = gatedrnn.GRUCell(I, H, reset="before").to(F64)
    P = cell.weight_ih.detach().numpy()
    W = cell.weight_hh.detach().numpy()
    b_ir, b_iu, b_in = cell.bias_ih.detach().numpy().reshape(3, H)
    b_hr, b_hu, b_hn = cell.bias_hh.detach().numpy().reshape(3, H)
    biases = (b_ir + b_hr, b_iu + b_hu, b_in, b_hn)
    x = torch.randn(12, 1, I, dtype=F64)
    h = np.random.default_rng(0).normal(size=H)
    outputs, _ = run(cell, x, (torch.tensor(h)[None],))
    for t in range(12):
        h = notes_gru_map(h, x[t, 0].numpy(), P, W, biases)
        np.testing.assert_allclose(outputs[t, 0].detach().numpy(), h, rtol=1e-12, atol=1e-13)


def test_reset_before_and_after_differ():
    torch.manual_seed(3)
    after = gatedrnn.GRUCell(2, 3).to(F64)
    before = gatedrnn.GRUCell(2, 3, reset="before").to(F64)
    before.load_state_dict(after.state_dict())
    x = torch.randn(5, 2, 2, dtype=F64)
    h0 = torch.randn(2, 3, dtype=F64)
    assert not torch.allclose(run(after, x, (h0,))[0], run(before, x, (h0,))[0])


def sublstm_reference(x, h, c, W, R, b, fixed_forget=None):
    """Costa et al. 2017 with one matrix per gate, in NumPy: order (i, f, z, o) or (i, z, o)."""

    def sigma(u):
        return 1 / (1 + np.exp(-u))

    outputs = []
    for x_t in x:
        pre = [x_t @ W_g.T + h @ R_g.T + b_g for W_g, R_g, b_g in zip(W, R, b, strict=True)]
        if fixed_forget is None:
            i, f, z, o = (sigma(a) for a in pre)
        else:
            (i, z, o), f = (sigma(a) for a in pre), sigma(fixed_forget)
        c = c * f + z - i
        h = sigma(c) - o
        outputs.append(h)
    return np.stack(outputs), h, c


@pytest.mark.parametrize("fixed_forget", [False, True])
def test_sublstm_equals_costa_equations(fixed_forget):
    torch.manual_seed(4)
    I, H, B, T = 3, 5, 2, 15
    cell = gatedrnn.SubLSTMCell(I, H, fixed_forget=fixed_forget).to(F64)
    G = 3 if fixed_forget else 4
    W = np.split(cell.weight_ih.detach().numpy(), G)
    R = np.split(cell.weight_hh.detach().numpy(), G)
    b = np.split((cell.bias_ih + cell.bias_hh).detach().numpy(), G)
    forget = cell.forget_logit.detach().numpy() if fixed_forget else None
    x = torch.randn(T, B, I, dtype=F64)
    h0, c0 = torch.randn(B, H, dtype=F64), torch.randn(B, H, dtype=F64)
    expected, h_T, c_T = sublstm_reference(x.numpy(), h0.numpy(), c0.numpy(), W, R, b, forget)
    outputs, (h, c) = run(cell, x, gatedrnn.LSTMState(h0, c0))
    np.testing.assert_allclose(outputs.detach().numpy(), expected, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(c.detach().numpy()[0], c_T, rtol=1e-12, atol=1e-13)


def test_fix_sublstm_forget_gate_ignores_the_input():
    torch.manual_seed(5)
    cell = gatedrnn.SubLSTMCell(2, 3, fixed_forget=True).to(F64)
    c0 = torch.ones(1, 3, dtype=F64)
    h0 = torch.zeros(1, 3, dtype=F64)
    f = torch.sigmoid(cell.forget_logit)
    assert torch.all((f >= 0) & (f <= 1))
    # c_t - c_{t-1} f = z - i depends on x, but the factor on c_{t-1} does not:
    for x in (torch.zeros(1, 2, dtype=F64), 5 * torch.ones(1, 2, dtype=F64)):
        _, (_, c) = cell(x, gatedrnn.LSTMState(h0, c0))
        _, (_, c2) = cell(x, gatedrnn.LSTMState(h0, 2 * c0))
        torch.testing.assert_close(c2 - c, f[None] * c0)


def column_signs_are_single(R):
    positive = (R >= 0).all(dim=0)
    negative = (R <= 0).all(dim=0)
    return bool((positive | negative).all())


@pytest.mark.parametrize("form", ["rate", "voltage"])
def test_dale_columns_keep_one_sign_through_training(form):
    torch.manual_seed(6)
    cell = gatedrnn.RateCell(2, 20, form=form, tau=5.0, phi="relu", dale=0.8)
    signs = cell.signs
    assert int((signs > 0).sum()) == 16  # E:I = 80:20
    rnn = gatedrnn.Recurrent(cell, fast=False)
    optimiser = torch.optim.SGD(rnn.parameters(), lr=1.0)
    for _step in range(6):
        R = cell.recurrent_weight.detach()
        assert column_signs_are_single(R)
        assert torch.all(R[:, signs > 0] >= 0) and torch.all(R[:, signs < 0] <= 0)
        out, _ = rnn(torch.randn(10, 4, 2))
        loss = ((out - 1.0) ** 2).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    assert not torch.equal(cell.recurrent_weight.detach(), R)  # the weights did move


def test_dale_none_leaves_weights_free():
    cell = gatedrnn.RateCell(2, 20)
    assert cell.signs is None
    assert cell.recurrent_weight is cell.weight_hh
    assert not column_signs_are_single(cell.recurrent_weight.detach())


def continuous_solution(cell, x, r0, t_end):
    """Solve τ dr/dt = -r + φ(R r + W x + b) finely (x constant), rate form."""
    R = cell.recurrent_weight.detach().to(F64).numpy()
    drive = (cell.weight_ih @ x + cell.bias).detach().to(F64).numpy()
    tau = cell.dt / cell.z.to(F64).numpy()
    phi = cell.phi

    def rhs(t, r):
        return (-r + phi(torch.from_numpy(R @ r + drive)).numpy()) / tau

    solution = solve_ivp(rhs, (0.0, t_end), r0, rtol=1e-11, atol=1e-12, method="DOP853")
    return solution.y[:, -1]


def test_euler_rate_network_converges_with_first_order():
    torch.manual_seed(7)
    H, tau, t_end = 8, 10.0, 40.0  # ms
    x = torch.randn(2, dtype=F64)
    r0 = np.random.default_rng(1).uniform(0, 1, H)
    errors = []
    dts = [4.0, 2.0, 1.0, 0.5, 0.25]
    for dt in dts:
        cell = gatedrnn.RateCell(2, H, tau=tau, dt=dt, phi="tanh")
        if dt == dts[0]:
            state = cell.state_dict()
        cell.load_state_dict({k: v for k, v in state.items() if k != "z"}, strict=False)
        cell = cell.to(F64)
        if dt == dts[0]:
            exact = continuous_solution(cell, x, r0, t_end)
        steps = round(t_end / dt)
        inputs = x.expand(steps, 1, 2)
        _, (r,) = run(cell, inputs, (torch.from_numpy(r0)[None],))
        errors.append(np.abs(r[0].detach().numpy() - exact).max())
    slopes = np.diff(np.log(errors)) / np.diff(np.log(dts))
    assert errors[-1] < 1e-2
    np.testing.assert_allclose(slopes, 1.0, atol=0.1)  # error ∝ Δt


@pytest.mark.parametrize("coupled", [False, True])
def test_peephole_lstm_equals_greff_equations(coupled):
    """Peepholes as in Greff et al. 2015: i and f see c_{t-1}, o sees c_t; CIFG sets f = 1 - i."""
    torch.manual_seed(8)
    I, H, B, T = 2, 3, 2, 6
    cell = gatedrnn.LSTMCell(I, H, peephole=True, coupled=coupled).to(F64)
    p = {name: value.detach().numpy() for name, value in cell.named_parameters()}
    G = 3 if coupled else 4
    W = np.split(p["weight_ih"], G)
    R = np.split(p["weight_hh"], G)
    b = np.split(p["bias_ih"] + p["bias_hh"], G)
    blocks = dict(zip("izo" if coupled else "ifzo", range(G), strict=True))

    def pre(gate, x, h):
        k = blocks[gate]
        return x @ W[k].T + h @ R[k].T + b[k]

    def sigma(u):
        return 1 / (1 + np.exp(-u))

    x = torch.randn(T, B, I, dtype=F64)
    h, c = np.zeros((B, H)), np.zeros((B, H))
    expected = []
    for x_t in x.numpy():
        i = sigma(pre("i", x_t, h) + p["weight_ci"] * c)
        f = 1 - i if coupled else sigma(pre("f", x_t, h) + p["weight_cf"] * c)
        c = f * c + i * np.tanh(pre("z", x_t, h))
        o = sigma(pre("o", x_t, h) + p["weight_co"] * c)
        h = o * np.tanh(c)
        expected.append(h)
    outputs, _ = run(cell, x)
    np.testing.assert_allclose(outputs.detach().numpy(), np.stack(expected), rtol=1e-12, atol=1e-13)
