"""Plausible wrong answers, keyed by a diagnosis, and the hand-written references they need.

The graded checks (:mod:`gatedrnn.grading`) compare a student's values with references built on
the library and PyTorch; when a value is wrong, they compare it with the values listed here, so
that feedback can name the mistake ("the forget gate is missing") without showing the answer.
These functions hold the exercises' answers in readable form, so they live with the
instructor's tools: ``python -m gatedrnn.instructor.course release OUT`` leaves this module out
of a student copy, and the checks there fall back to their general hints.

Gated cells read their gate blocks through the library cells (``cell.pre_activations``,
``cell.block(name)``), where the fused order is defined once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import Tensor

from .. import mlp, plasticity
from ..cells import GRUCell, LSTMCell, SimpleGRUCell, SubLSTMCell
from ..states import HiddenState

Pair = tuple[Tensor, Tensor]


def _with(cell_type, weights: Sequence[Tensor], hidden_size: int, **options):
    """A float64 library cell of ``cell_type`` holding ``weights`` (weight_ih, weight_hh, b...)."""
    W = weights[0]
    cell = cell_type(W.shape[1], hidden_size, **options).to(torch.float64)
    with torch.no_grad():
        for name, value in zip(
            ("weight_ih", "weight_hh", "bias_ih", "bias_hh"), weights, strict=True
        ):
            getattr(cell, name).copy_(value)
    return cell


# -- ex03: the LSTM ----------------------------------------------------------------------------


def lstm_step(x, h, c, W, R, bi, bh) -> dict[str, Pair]:
    """(h_t, c_t) of plausible wrong LSTM steps."""
    cell = _with(LSTMCell, (W, R, bi, bh), h.shape[1])
    with torch.no_grad():
        a = cell.pre_activations(x, h)
        i, f, o, z = a["i"].sigmoid(), a["f"].sigmoid(), a["o"].sigmoid(), a["z"].tanh()
        no_bias_hh = _with(LSTMCell, (W, R, bi, torch.zeros_like(bh)), h.shape[1])
        h_nb, (_, c_nb) = no_bias_hh(x, no_bias_hh.state_type(h, c))
    c_ok = f * c + i * z
    c_noforget = c + i * z
    c_swap_if = i * c + f * z
    c_izo = f * c + i * a["o"].tanh()  # blocks read as (i, f, o, z)
    c_sigz = f * c + i * a["z"].sigmoid()
    return {
        "the forget gate is missing: c_{t-1} reaches c_t only through f_t.": (
            o * c_noforget.tanh(),
            c_noforget,
        ),
        "the input and forget gates are swapped.": (o * c_swap_if.tanh(), c_swap_if),
        f"the blocks are read in the order (i, f, o, z); the order is {cell.gate_order}.": (
            a["z"].sigmoid() * c_izo.tanh(),
            c_izo,
        ),
        "the candidate z_t went through σ; it uses φ1 = tanh.": (o * c_sigz.tanh(), c_sigz),
        "h_t misses φ2: h_t = o_t ⊙ tanh(c_t).": (o * c_ok, c_ok),
        "h_t uses the old cell state c_{t-1} instead of c_t.": (o * c.tanh(), c_ok),
        "bias_hh is missing: b = bias_ih + bias_hh.": (h_nb, c_nb),
    }


# -- ex06: the subLSTM -------------------------------------------------------------------------


def sublstm_step(x, h, c, W, R, bi, bh) -> dict[str, Pair]:
    """(h_t, c_t) of plausible wrong subLSTM steps."""
    cell = _with(SubLSTMCell, (W, R, bi, bh), h.shape[1])
    with torch.no_grad():
        a = cell.pre_activations(x, h)
        no_bias_hh = _with(SubLSTMCell, (W, R, bi, torch.zeros_like(bh)), h.shape[1])
        h_nb, (_, c_nb) = no_bias_hh(x, no_bias_hh.state_type(h, c))
    i, f, z, o = (a[k].sigmoid() for k in ("i", "f", "z", "o"))
    c_ok = f * c + z - i
    c_times = f * c + z * i
    c_swapped = f * c + i - z
    c_tanh = f * c + a["z"].tanh() - i
    c_no_f = c + z - i
    return {
        "the input gate multiplies, as in the LSTM; in the subLSTM it subtracts: z_t - i_t.": (
            c_times.sigmoid() - o,
            c_times,
        ),
        "the signs are swapped: the inhibitory input gate is subtracted, z_t - i_t.": (
            c_swapped.sigmoid() - o,
            c_swapped,
        ),
        "the candidate went through tanh; every subLSTM unit is a sigmoid.": (
            c_tanh.sigmoid() - o,
            c_tanh,
        ),
        "the forget gate is missing: c_{t-1} reaches c_t through f_t.": (
            c_no_f.sigmoid() - o,
            c_no_f,
        ),
        "the output gate multiplies; in the subLSTM it subtracts: h_t = σ(c_t) - o_t.": (
            c_ok.sigmoid() * o,
            c_ok,
        ),
        "h_t uses tanh; it is σ(c_t) - o_t.": (c_ok.tanh() - o, c_ok),
        "bias_hh is missing: b = bias_ih + bias_hh.": (h_nb, c_nb),
    }


# -- ex04: the GRU -----------------------------------------------------------------------------


def gru_step(x, h, W, R, bi, bh) -> dict[str, Tensor]:
    """h_t of plausible wrong GRU steps (PyTorch's form, reset after R_n)."""
    cell = _with(GRUCell, (W, R, bi, bh), h.shape[1])
    n_ = cell.block("n")
    with torch.no_grad():
        g = cell.gates(x, HiddenState(h))
        before = _with(GRUCell, (W, R, bi, bh), h.shape[1], reset="before").gates(
            x, HiddenState(h)
        )["n"]
        r, u = g["r"], g["u"]
        outside = torch.tanh(x @ W[n_].T + bi[n_] + r * (h @ R[n_].T) + bh[n_])
        h_nb, _ = _with(GRUCell, (W, R, bi, torch.zeros_like(bh)), h.shape[1])(x, HiddenState(h))
    return {
        "the reset gate acts before R_n, R_n (r ⊙ h_{t-1}) (Cho et al.); torch.nn.GRUCell "
        "applies it after: r ⊙ (R_n h_{t-1} + b_hn).": (1 - u) * before + u * h,
        "u and 1 - u are swapped: PyTorch's update gate u keeps the old state, "
        "h_t = (1 - u) ⊙ n + u ⊙ h_{t-1}.": u * g["n"] + (1 - u) * h,
        "b_hn sits outside the reset gate; it belongs inside: r ⊙ (R_n h_{t-1} + b_hn).": (1 - u)
        * outside
        + u * h,
        "bias_hh is missing: each gate adds its part of bias_ih and of bias_hh.": h_nb,
    }


def _gru_detached(which: str, cell: GRUCell):
    """``cell``'s GRU step with its gate ``which`` ("r" or "u") treated as a constant."""
    n_ = cell.block("n")
    W, R, bi, bh = cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh

    def step(x, h):
        g = cell.gates(x, HiddenState(h))
        r, u = g["r"], g["u"]
        r = r.detach() if which == "r" else r
        u = u.detach() if which == "u" else u
        n = torch.tanh(x @ W[n_].T + bi[n_] + r * (h @ R[n_].T + bh[n_]))
        return (1 - u) * n + u * h

    return step


def gru_jacobian(x, h, W, R, bi, bh) -> dict[str, Tensor]:
    """∂h_t/∂h_{t-1} (B, H, H) of plausible wrong derivations."""
    cell = _with(GRUCell, (W, R, bi, bh), h.shape[1]).requires_grad_(False)

    def jacobian(step) -> Tensor:
        def one(x_b, h_b):
            return step(x_b[None], h_b[None])[0]

        return torch.func.vmap(torch.func.jacrev(one, argnums=1))(x, h)

    right = jacobian(lambda x, h: cell(x, HiddenState(h))[0])
    return {
        "J is transposed: J[b, k, j] must be ∂h_t[b, k] / ∂h_{t-1}[b, j].": right.transpose(1, 2),
        "the path through the reset gate r is missing.": jacobian(_gru_detached("r", cell)),
        "the path through the update gate u is missing.": jacobian(_gru_detached("u", cell)),
    }


def simple_gru_step(x, h, W, R, bi, bh) -> dict[str, Tensor]:
    """h_t of plausible wrong simple-GRU steps."""
    cell = _with(SimpleGRUCell, (W, R, bi, bh), h.shape[1])
    with torch.no_grad():
        a = cell.pre_activations(x, h)
        z, n = a["z"].sigmoid(), a["n"].tanh()
        h_nb, _ = _with(SimpleGRUCell, (W, R, bi, torch.zeros_like(bh)), h.shape[1])(
            x, HiddenState(h)
        )
    return {
        "z and 1 - z are swapped: z → 1 forgets h_{t-1} and takes the new input.": z * h
        + (1 - z) * n,
        f"the blocks are read as (n, z); the order is {cell.gate_order}.": (1 - a["n"].sigmoid())
        * h
        + a["n"].sigmoid() * a["z"].tanh(),
        "bias_hh is missing: b = bias_ih + bias_hh.": h_nb,
    }


# -- ex02: rate networks -----------------------------------------------------------------------


def euler_step(form: str, s0, x, W, R, b, z) -> dict[str, Tensor]:
    """One Euler step of the rate ("rate") or voltage ("voltage") form, done wrong."""
    if form == "rate":
        return {
            "the leak is missing: Euler's step of τ dr/dt = -r + … keeps (1 - z) ⊙ r_{t-1}.": s0
            + z * torch.tanh(s0 @ R.T + x @ W.T + b),
            "R acts transposed: R r is r @ R.T for a batch of row vectors.": (1 - z) * s0
            + z * torch.tanh(s0 @ R + x @ W.T + b),
            "φ is applied as in the voltage form, R φ(r); the rate form has φ(R r + …).": (1 - z)
            * s0
            + z * (torch.tanh(s0) @ R.T + x @ W.T + b),
        }
    return {
        "φ is applied as in the rate form, φ(R v + …); the voltage form has R φ(v) + ….": (1 - z)
        * s0
        + z * torch.tanh(s0 @ R.T + x @ W.T + b),
        "the leak is missing: Euler's step of τ dv/dt = -v + … keeps (1 - z) ⊙ v_{t-1}.": s0
        + z * (torch.tanh(s0) @ R.T + x @ W.T + b),
    }


def fixed_gates(x, c0, W, R, b, z, phi1, phi2) -> dict[str, Tensor]:
    """c_t of the LSTM with fixed gates, done wrong."""
    return {
        "i and f are swapped: i_t = z (the new input's share), f_t = 1 - z.": z * c0
        + (1 - z) * phi1(phi2(c0) @ R.T + x @ W.T + b),
        "φ1 and φ2 are swapped: φ2 acts on c_{t-1}, φ1 on the summed input.": (1 - z) * c0
        + z * phi2(phi1(c0) @ R.T + x @ W.T + b),
    }


# -- ex01: the one-hidden-layer network ---------------------------------------------------------


def _dw_db(x, labels, W, b, V, c, fprime) -> np.ndarray:
    """[dW, db] of backpropagation with ``fprime`` standing for f'(h')."""
    y, _ = mlp.forward(mlp.Params(W, b, V, c), x)
    dy = (y - mlp.one_hot(labels, y.shape[0])) / y.shape[1]
    dh_pre = (V.T @ dy) * fprime
    return np.concatenate([dh_pre @ x.T, dh_pre.sum(axis=1, keepdims=True)], axis=1)


def backward_dw_db(x, labels, W, b, V, c) -> dict[str, np.ndarray]:
    h_pre = W @ x + b
    return {
        "the derivative of tanh is missing: dh' = dh ⊙ f'(h').": _dw_db(
            x, labels, W, b, V, c, np.ones_like(h_pre)
        ),
        "f'(h') was taken as 1 − h'²; for tanh it is 1 − tanh(h')² = 1 − h².": _dw_db(
            x, labels, W, b, V, c, 1 - h_pre**2
        ),
    }


# -- ex05: inhibitory plasticity ---------------------------------------------------------------


def simulate_neuron(x_e, x_i, w_e, w_i, rho0, eta, *, mistake: str = ""):
    """The neuron's loop: rates (T,) and the final inhibitory weights (N_I,)."""
    y, w_i = np.zeros(len(x_e)), w_i.copy()
    for t in range(len(x_e)):
        drive = w_e @ x_e[t] / len(w_e) - w_i @ x_i[t] / len(w_i)
        y[t] = drive if mistake == "no rectification" else max(drive, 0.0)
        w_i = w_i + plasticity.vogels_rule(x_i[t], y[t], rho0, eta)
        if mistake != "no clipping":
            w_i = np.maximum(w_i, 0.0)
    return y, w_i


def simulate_neuron_mistakes(*args) -> dict[str, np.ndarray]:
    wrong = {
        "the rate is not rectified: y = [I_E - I_I]_+ is never negative.": "no rectification",
        "the weights are not kept >= 0 after each update (an inhibitory synapse cannot turn "
        "excitatory).": "no clipping",
    }
    return {k: np.concatenate(simulate_neuron(*args, mistake=m)) for k, m in wrong.items()}


# -- ex07: BPTT --------------------------------------------------------------------------------


def _rnn_hs(x, h0, W, R, b, *, transposed: bool = False, linear: bool = False) -> np.ndarray:
    h, hs = h0, []
    for x_t in x:
        a = x_t @ W.T + h @ (R if transposed else R.T) + b
        h = a if linear else np.tanh(a)
        hs.append(h)
    return np.stack(hs)


def rnn_forward(x, h0, W, R, b, reference) -> dict[str, np.ndarray]:
    return {
        "the states are shifted by one step: hs[0] must be h_1, computed from x_1 "
        "(h_0 is the initial state, not an output).": np.concatenate([h0[None], reference[:-1]]),
        "R acts transposed: R h_{t-1} is h_prev @ R.T for row vectors.": _rnn_hs(
            x, h0, W, R, b, transposed=True
        ),
        "tanh is missing.": _rnn_hs(x, h0, W, R, b, linear=True),
    }


def _bptt(x, h0, W, R, b, hs, dhs, mistake: str):
    """Hand-written BPTT (dW, dR, db, dh0) with one named mistake."""
    dW, dR, db = np.zeros_like(W), np.zeros_like(R), np.zeros_like(b)
    carry = np.zeros_like(h0)  # ∂L/∂h_t through h_{t+1}
    for t in reversed(range(len(x))):
        h_prev = h0 if t == 0 else hs[t - 1]
        delta = dhs[t] + (0 if mistake == "truncated" else carry)
        da = delta * (1 - hs[t] ** 2)  # (B, H)
        dW += da.T @ x[t]
        dR += da.T @ (hs[t] if mistake == "same step" else h_prev)
        db += da.sum(axis=0)
        carry = da @ (R.T if mistake == "transposed" else R)
        if mistake == "sign":
            carry = -carry
    return dW, dR, db, carry


BPTT_DIAGNOSES = {
    "truncated": "only the loss at the same step is used: ∂L/∂h_t also collects everything "
    "later, through h_{t+1}.",
    "same step": "dR pairs da_t with h_t; R multiplies h_{t-1}, so dR += da_tᵀ h_{t-1} "
    "(an off-by-one in time).",
    "transposed": "the gradient is passed back through Rᵀ where R belongs (for row vectors, "
    "∂L/∂h_{t-1} = da_t @ R).",
    "sign": "the gradient passed back to h_{t-1} has the wrong sign.",
}


def rnn_backward(k: int, x, h0, W, R, b, hs, dhs) -> dict[str, np.ndarray]:
    """The k-th gradient (dW, dR, db, dh0) of each BPTT mistake."""
    return {
        diagnosis: _bptt(x, h0, W, R, b, hs, dhs, mistake)[k]
        for mistake, diagnosis in BPTT_DIAGNOSES.items()
    }
