"""Checks of exercise 4 (``ex04_gru``): the simple-GRU and GRU steps, and the GRU's Jacobian.

References: :class:`gatedrnn.SimpleGRUCell`, ``torch.nn.GRUCell`` with the same weights, and
``torch.func.jacrev`` (autograd) for the Jacobian ``∂h_t/∂h_{t-1}``.
"""

from __future__ import annotations

import torch
from torch import Tensor

from ..cells import GRUCell, SimpleGRUCell
from ..states import HiddenState
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

B, I, H = 3, 4, 5
_GRU_ORDER = GRUCell(1, 1).gate_order  # torch.nn.GRUCell's order of the fused blocks


@check("4.1", "one simple-GRU step", points=4, exercise="ex04_gru")
def check_simple_gru_step(sheet: Sheet, simple_gru_step) -> None:
    """``simple_gru_step(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh) -> h_t``."""
    gen = seeded(41)
    cell = randomize(SimpleGRUCell(I, H), gen)
    x, h0 = randn(gen, B, I), randn(gen, B, H)
    weights = fused_weights(cell)
    with torch.no_grad():
        h_ref, _ = cell(x, HiddenState(h0))
    h = sheet.call(simple_gru_step, x, h0, *weights)
    sheet.shape("h_t", h, (B, H), 1, "(B, H)")
    sheet.close(
        "h_t",
        h,
        h_ref,
        "h_t equals gatedrnn.SimpleGRUCell at a sample point",
        2,
        hint=f"Hint: the fused blocks are {cell.gate_order} along dim 1 of W x_t + R h_{{t-1}} + b "
        "(B, 2H); h_t = (1 - z_t) ⊙ h_{t-1} + z_t ⊙ tanh(a_n).",
        mistakes=mistakes("simple_gru_step", x, h0, *weights),
    )
    grads_match(
        sheet,
        "gradients through your step equal autograd through the library cell",
        1,
        simple_gru_step,
        lambda x, h, *w: _step(cell, w, x, h),
        step_inputs(weights, x_t=x, h_prev=h0),
        hint="A wrong value above gives wrong gradients too; fix the values first.",
    )


def _step(cell, weights, x, h) -> Tensor:
    """h_t of ``cell`` (gatedrnn.SimpleGRUCell or torch.nn.GRUCell) run with ``weights``."""
    state = HiddenState(h) if isinstance(cell, SimpleGRUCell) else h
    out = with_weights(cell, weights, x, state)
    return out[0] if isinstance(out, tuple) else out


@check("4.2", "one GRU step (PyTorch's form)", points=4, exercise="ex04_gru")
def check_gru_step(sheet: Sheet, gru_step) -> None:
    """``gru_step(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh) -> h_t``.

    Fused blocks in ``torch.nn.GRUCell``'s order, which :attr:`gatedrnn.GRUCell.gate_order` names.
    """
    gen = seeded(42)
    cell = randomize(torch.nn.GRUCell(I, H), gen)
    x, h0 = randn(gen, B, I), randn(gen, B, H)
    weights = fused_weights(cell)
    with torch.no_grad():
        h_ref = cell(x, h0)
    h = sheet.call(gru_step, x, h0, *weights)
    sheet.shape("h_t", h, (B, H), 1, "(B, H)")
    sheet.close(
        "h_t",
        h,
        h_ref,
        "h_t equals torch.nn.GRUCell at a sample point",
        2,
        hint=f"Hint: the blocks are {_GRU_ORDER}, each with its own part of bias_ih and bias_hh; "
        "PyTorch's n_t = tanh(W_n x_t + b_in + r_t ⊙ (R_n h_{t-1} + b_hn)).",
        mistakes=mistakes("gru_step", x, h0, *weights),
    )
    grads_match(
        sheet,
        "gradients through your step equal autograd through torch.nn.GRUCell",
        1,
        gru_step,
        lambda x, h, *w: _step(cell, w, x, h),
        step_inputs(weights, x_t=x, h_prev=h0),
        hint="A wrong value above gives wrong gradients too; fix the values first.",
    )


def _jacobian(step, x, h, weights) -> Tensor:
    """∂h_t/∂h_{t-1} per example: (B, H, H) with [b, k, j] = ∂h_t[b, k] / ∂h_{t-1}[b, j].

    Examples do not interact, so the Jacobian of the batch's summed outputs by h_{t-1}, one
    output unit k at a time, holds every example's row k."""
    h = h.detach().requires_grad_(True)
    out = step(x, h, *weights)  # (B, H)
    rows = [
        torch.autograd.grad(out[:, k].sum(), h, retain_graph=True)[0] for k in range(h.shape[1])
    ]
    return torch.stack(rows, dim=1).detach()  # (B, H, H)


@check("4.3", "the GRU's Jacobian by hand", points=5, exercise="ex04_gru")
def check_gru_jacobian(sheet: Sheet, gru_jacobian) -> None:
    """``gru_jacobian(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh) -> J`` (B, H, H)."""
    gen = seeded(43)
    cell = randomize(torch.nn.GRUCell(I, H), gen)
    x, h0 = randn(gen, B, I), randn(gen, B, H)
    weights = fused_weights(cell)
    torch_step = lambda x, h, *w: _step(cell, w, x, h)
    J = sheet.call(gru_jacobian, x, h0, *weights)
    J_ref = _jacobian(torch_step, x, h0, weights) if sheet.marks else None
    sheet.shape("J", J, (B, H, H), 1, "(B, H, H)")
    sheet.close(
        "J",
        J,
        J_ref,
        "J equals autograd's ∂h_t/∂h_{t-1} at a sample point",
        3,
        hint="Hint: differentiate h_t = (1 - u) ⊙ n + u ⊙ h_{t-1} by the product rule; u, r "
        "and n all depend on h_{t-1}, through R_u, R_r and R_n. J[b, k, j] = ∂h_t[b, k] / "
        "∂h_{t-1}[b, j], so row k belongs to output unit k.",
        mistakes=mistakes("gru_jacobian", x, h0, *weights),
    )
    W, R, bi, bh = weights
    R0 = torch.zeros_like(R)
    J0 = sheet.call(gru_jacobian, x, h0, W, R0, bi, bh)
    sheet.close(
        "J with R = 0",
        J0,
        _jacobian(torch_step, x, h0, (W, R0, bi, bh)) if sheet.marks else None,
        "with no recurrent weights (R = 0) J is diag(u): only the kept state h_{t-1} remains",
        1,
        hint="Hint: with R = 0 the gates and n do not depend on h_{t-1}; only u ⊙ h_{t-1} does.",
    )


_GRU_CELL = torch.nn.GRUCell(1, 1)


@reference("gru_step", "4.2")
def _course_gru_step(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """The course's GRU step (torch.nn.GRUCell run with the given weights)."""
    weights = {"weight_ih": weight_ih, "weight_hh": weight_hh, "bias_ih": bias_ih}
    weights["bias_hh"] = bias_hh
    return torch.func.functional_call(_GRU_CELL, weights, (x_t, h_prev))
