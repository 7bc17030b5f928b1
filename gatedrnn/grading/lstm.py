"""Checks of exercise 3 (``ex03_lstm``): one LSTM step, a sequence, and the reduction to rates.

References: ``torch.nn.LSTMCell`` and ``torch.nn.LSTM`` with the same weights, and
:class:`gatedrnn.RateCell` for the reduction (notes eq. 13).
"""

from __future__ import annotations

import torch
from torch import Tensor

from ..cells import LSTMCell, RateCell
from ._core import Sheet, check, reference
from ._probes import (
    fused_weights,
    grads_match,
    mistakes,
    randn,
    randomize,
    seeded,
    step_inputs,
    with_weights,
)

B, I, H, T = 3, 4, 5, 6
_GATE_HINT = (
    f"Hint: the fused blocks are stacked in the order {LSTMCell(1, 1).gate_order} along dim 1 "
    "of the pre-activations W x_t + R h_{t-1} + b, which have shape (B, 4H)."
)


def _lstm_point(seed: int):
    gen = seeded(seed)
    cell = randomize(torch.nn.LSTMCell(I, H), gen)
    x, h, c = randn(gen, B, I), randn(gen, B, H), randn(gen, B, H)
    return cell, x, h, c, fused_weights(cell)


@check("3.1", "one LSTM step", points=5, exercise="ex03_lstm")
def check_lstm_step(sheet: Sheet, lstm_step) -> None:
    """``lstm_step(x_t, h_prev, c_prev, weight_ih, weight_hh, bias_ih, bias_hh) -> (h_t, c_t)``."""
    cell, x, h0, c0, weights = _lstm_point(seed=3)
    with torch.no_grad():
        h_ref, c_ref = cell(x, (h0, c0))
    out = sheet.call(lstm_step, x, h0, c0, *weights)
    h, c = sheet.unpack(out, ("h_t", "c_t"), "lstm_step")
    sheet.expect(
        tuple(getattr(h, "shape", ())) == (B, H) and tuple(getattr(c, "shape", ())) == (B, H),
        "returns (h_t, c_t), each of shape (B, H)",
        1,
        f"with B, I, H = {B}, {I}, {H} both must be (B, H) = ({B}, {H}); got "
        f"{tuple(getattr(h, 'shape', ()))} and {tuple(getattr(c, 'shape', ()))}. "
        "Hint: x_t @ W.T maps (B, I) to (B, 4H); split that into four (B, H) blocks.",
    )
    variants = ("lstm_step", x, h0, c0, *weights)
    sheet.close(
        "c_t",
        c,
        c_ref,
        "c_t equals torch.nn.LSTMCell's cell state at a sample point",
        2,
        hint="Hint: c_t = f_t ⊙ c_{t-1} + i_t ⊙ z_t. " + _GATE_HINT,
        mistakes=mistakes(*variants, pick=lambda v: v[1]),
    )
    sheet.close(
        "h_t",
        h,
        h_ref,
        "h_t equals torch.nn.LSTMCell's output at the same point",
        1,
        hint="Hint: h_t = o_t ⊙ φ2(c_t) with σ for the gate and tanh for φ2.",
        mistakes=mistakes(*variants, pick=lambda v: v[0]),
    )
    grads_match(
        sheet,
        "gradients through your step equal autograd through torch.nn.LSTMCell",
        1,
        lstm_step,
        lambda x, h, c, *w: with_weights(cell, w, x, (h, c)),
        step_inputs(weights, x_t=x, h_prev=h0, c_prev=c0),
        hint="A wrong value above gives wrong gradients too; fix the values first.",
    )


@check("3.2", "an LSTM layer over a sequence", points=5, exercise="ex03_lstm")
def check_lstm_forward(sheet: Sheet, lstm_forward) -> None:
    """``lstm_forward(x, h0, c0, weight_ih, weight_hh, bias_ih, bias_hh)``.

    Returns ``(outputs, (h_T, c_T))``: outputs (T, B, H), h_T and c_T (B, H).
    """
    gen = seeded(5)
    lstm = randomize(torch.nn.LSTM(I, H), gen)
    x, h0, c0 = randn(gen, T, B, I), randn(gen, B, H), randn(gen, B, H)
    weights = tuple(
        getattr(lstm, name).detach().clone()
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
    )
    with torch.no_grad():
        out_ref, (h_ref, c_ref) = lstm(x, (h0[None], c0[None]))
    result = sheet.call(lstm_forward, x, h0, c0, *weights)
    outputs, final = sheet.unpack(result, ("outputs", "(h_T, c_T)"), "lstm_forward")
    h_T, c_T = sheet.unpack(final, ("h_T", "c_T"), "the final state of lstm_forward")
    sheet.shape("outputs", outputs, (T, B, H), 1, "(T, B, H)")
    shifted = torch.cat([h0[None], out_ref[:-1]])
    sheet.close(
        "outputs",
        outputs,
        out_ref,
        "outputs equal torch.nn.LSTM with the same weights",
        2,
        hint="Hint: step through t = 0 … T-1, feed each step the state of the step before, "
        "and collect h_t after each step.",
        mistakes={
            "the outputs are shifted by one step in time: outputs[t] must be h_t, computed "
            "from x_t (the initial state is not an output).": shifted,
            "time runs backwards: step from x_0 to x_{T-1}.": _reversed_outputs(lstm, x, h0, c0),
        },
    )
    for name, value, expected in (("h_T", h_T, h_ref[0]), ("c_T", c_T, c_ref[0])):
        sheet.close(
            name,
            value,
            expected,
            f"the final {name} equals torch.nn.LSTM's",
            1,
            hint="Hint: return the state after the last step, each (B, H).",
        )


def _reversed_outputs(lstm, x, h0, c0) -> Tensor:
    with torch.no_grad():
        out, _ = lstm(x.flip(0), (h0[None], c0[None]))
    return out.flip(0)


@check("3.3", "the LSTM with fixed gates is a rate network", points=4, exercise="ex03_lstm")
def check_lstm_fixed_gates(sheet: Sheet, lstm_fixed_gates_step) -> None:
    """``lstm_fixed_gates_step(x_t, c_prev, W, R, b, z, phi1, phi2) -> c_t`` (notes eq. 13)."""
    gen = seeded(7)
    tau = torch.linspace(5.0, 20.0, H, dtype=torch.float64)  # ms, one per unit
    dt = 1.0  # ms
    x, c0 = randn(gen, B, I), randn(gen, B, H)
    for form, phi1, phi2, phi in (
        ("rate", torch.tanh, lambda u: u, "tanh"),
        ("voltage", lambda u: u, torch.relu, "relu"),
    ):
        cell = RateCell(I, H, form=form, tau=tau, dt=dt, phi=phi).to(torch.float64)
        randomize(cell, gen)
        W, R, b = (p.detach().clone() for p in (cell.weight_ih, cell.recurrent_weight, cell.bias))
        z = dt / tau
        with torch.no_grad():
            _, (s_ref,) = cell(x, cell.state_type(c0))
        c = sheet.call(lstm_fixed_gates_step, x, c0, W, R, b, z, phi1, phi2)
        other = "φ2 = identity, φ1 = tanh" if form == "rate" else "φ1 = identity, φ2 = ReLU"
        sheet.close(
            "c_t",
            c,
            s_ref,
            f"with {other} it equals the {form}-form rate network (z = dt/τ per unit)",
            2,
            hint="Hint: fix o_t = 1, i_t = z and f_t = 1 - z in the LSTM step; h_{t-1} is then "
            "φ2(c_{t-1}).",
            mistakes=mistakes("fixed_gates", x, c0, W, R, b, z, phi1, phi2),
        )


_LSTM_CELL = torch.nn.LSTMCell(1, 1)


@reference("lstm_step", "3.1")
def _course_lstm_step(x_t, h_prev, c_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """The course's one LSTM step (torch.nn.LSTMCell run with the given weights)."""
    weights = {"weight_ih": weight_ih, "weight_hh": weight_hh, "bias_ih": bias_ih}
    weights["bias_hh"] = bias_hh
    return torch.func.functional_call(_LSTM_CELL, weights, (x_t, (h_prev, c_prev)))
