"""Checks of exercise 4 (``ex04_gru``): the simple-GRU and GRU steps, and the GRU's Jacobian.

References: :class:`gatedrnn.SimpleGRUCell`, ``torch.nn.GRUCell`` with the same weights, and
``torch.func.jacrev`` (autograd) for the Jacobian ``∂h_t/∂h_{t-1}``.
"""

from __future__ import annotations

import torch
from torch import Tensor

from ..cells import SimpleGRUCell
from ..states import HiddenState
from ._core import Sheet, check
from ._probes import (
    fused_weights,
    grads_match,
    randn,
    randomize,
    seeded,
    step_inputs,
    with_weights,
)

B, I, H = 3, 4, 5


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
    W, R, bi, bh = weights
    a_z, a_n = (x @ W.T + bi + h0 @ R.T + bh).chunk(2, dim=1)
    z, n = a_z.sigmoid(), a_n.tanh()
    sheet.close(
        "h_t",
        h,
        h_ref,
        "h_t equals gatedrnn.SimpleGRUCell at a sample point",
        2,
        hint="Hint: the fused blocks are (z, n) along dim 1 of W x_t + R h_{t-1} + b (B, 2H); "
        "h_t = (1 - z_t) ⊙ h_{t-1} + z_t ⊙ tanh(a_n).",
        mistakes={
            "z and 1 - z are swapped: z → 1 forgets h_{t-1} and takes the new input.": z * h0
            + (1 - z) * n,
            "the blocks are read as (n, z); the order is (z, n).": (1 - a_n.sigmoid()) * h0
            + a_n.sigmoid() * a_z.tanh(),
        },
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


def _gru_variants(x, h, W, R, bi, bh) -> dict[str, Tensor]:
    """h_t of plausible wrong GRU steps, keyed by a diagnosis."""
    W_r, W_u, W_n = W.chunk(3)
    R_r, R_u, R_n = R.chunk(3)
    b_ir, b_iu, b_in = bi.chunk(3)
    b_hr, b_hu, b_hn = bh.chunk(3)
    r = torch.sigmoid(x @ W_r.T + b_ir + h @ R_r.T + b_hr)
    u = torch.sigmoid(x @ W_u.T + b_iu + h @ R_u.T + b_hu)
    n = torch.tanh(x @ W_n.T + b_in + r * (h @ R_n.T + b_hn))
    n_before = torch.tanh(x @ W_n.T + b_in + (r * h) @ R_n.T + b_hn)
    n_bias_out = torch.tanh(x @ W_n.T + b_in + r * (h @ R_n.T) + b_hn)
    before = "the reset gate acts before R_n, R_n (r ⊙ h_{t-1}) (Cho et al.); torch.nn.GRUCell "
    before += "applies it after: r ⊙ (R_n h_{t-1} + b_hn)."
    swapped = "u and 1 - u are swapped: PyTorch's update gate u keeps the old state, "
    swapped += "h_t = (1 - u) ⊙ n + u ⊙ h_{t-1}."
    outside = "b_hn sits outside the reset gate; it belongs inside: r ⊙ (R_n h_{t-1} + b_hn)."
    return {
        before: (1 - u) * n_before + u * h,
        swapped: u * n + (1 - u) * h,
        outside: (1 - u) * n_bias_out + u * h,
    }


@check("4.2", "one GRU step (PyTorch's form)", points=4, exercise="ex04_gru")
def check_gru_step(sheet: Sheet, gru_step) -> None:
    """``gru_step(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh) -> h_t``.

    Fused blocks (r, u, n) as in ``torch.nn.GRUCell``.
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
        hint="Hint: the blocks are (r, u, n), each with its own part of bias_ih and bias_hh; "
        "PyTorch's n_t = tanh(W_n x_t + b_in + r_t ⊙ (R_n h_{t-1} + b_hn)).",
        mistakes=_gru_variants(x, h0, *weights),
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
    """∂h_t/∂h_{t-1} per example: (B, H, H) with [b, k, j] = ∂h_t[b, k] / ∂h_{t-1}[b, j]."""

    def one(x_b, h_b):
        return step(x_b[None], h_b[None], *weights)[0]

    return torch.func.vmap(torch.func.jacrev(one, argnums=1))(x, h)


def _gru_detached(which: str):
    """A GRU step whose gate ``which`` ("r" or "u") is treated as a constant."""

    def step(x, h, W, R, bi, bh):
        W_r, W_u, W_n = W.chunk(3)
        R_r, R_u, R_n = R.chunk(3)
        b_ir, b_iu, b_in = bi.chunk(3)
        b_hr, b_hu, b_hn = bh.chunk(3)
        r = torch.sigmoid(x @ W_r.T + b_ir + h @ R_r.T + b_hr)
        u = torch.sigmoid(x @ W_u.T + b_iu + h @ R_u.T + b_hu)
        r = r.detach() if which == "r" else r
        u = u.detach() if which == "u" else u
        n = torch.tanh(x @ W_n.T + b_in + r * (h @ R_n.T + b_hn))
        return (1 - u) * n + u * h

    return step


@check("4.3", "the GRU's Jacobian by hand", points=5, exercise="ex04_gru")
def check_gru_jacobian(sheet: Sheet, gru_jacobian) -> None:
    """``gru_jacobian(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh) -> J`` (B, H, H)."""
    gen = seeded(43)
    cell = randomize(torch.nn.GRUCell(I, H), gen)
    x, h0 = randn(gen, B, I), randn(gen, B, H)
    weights = fused_weights(cell)
    torch_step = lambda x, h, *w: _step(cell, w, x, h)
    J_ref = _jacobian(torch_step, x, h0, weights)
    J = sheet.call(gru_jacobian, x, h0, *weights)
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
        mistakes={
            "J is transposed: J[b, k, j] must be ∂h_t[b, k] / ∂h_{t-1}[b, j].": J_ref.transpose(
                1, 2
            ),
            "the path through the reset gate r is missing.": _jacobian(
                _gru_detached("r"), x, h0, weights
            ),
            "the path through the update gate u is missing.": _jacobian(
                _gru_detached("u"), x, h0, weights
            ),
        },
    )
    W, R, bi, bh = weights
    R0 = torch.zeros_like(R)
    J0 = sheet.call(gru_jacobian, x, h0, W, R0, bi, bh)
    u = torch.sigmoid(x @ W.chunk(3)[1].T + bi.chunk(3)[1] + bh.chunk(3)[1])
    sheet.close(
        "J with R = 0",
        J0,
        torch.diag_embed(u),
        "with no recurrent weights (R = 0) J is diag(u): only the kept state h_{t-1} remains",
        1,
        hint="Hint: with R = 0 the gates and n do not depend on h_{t-1}; only u ⊙ h_{t-1} does.",
    )
