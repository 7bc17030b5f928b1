"""Checks of exercise 7 (``ex07_bptt``): a vanilla RNN and backpropagation through time in NumPy.

``h_t = tanh(W x_t + R h_{t-1} + b)`` for t = 1 … T, from ``h_0``; the arrays are time-major,
``x`` (T, B, I), ``hs`` (T, B, H) holding h_1 … h_T. References: ``torch.nn.RNN`` with the same
weights, autograd, and :func:`gatedrnn.derive.gradcheck` (finite differences).
"""

from __future__ import annotations

import numpy as np
import torch

from ..derive import gradcheck
from ._core import Sheet, StudentError, check, reference
from ._probes import mistakes
from ._sheet import _as_array

T, B, I, H = 5, 3, 4, 6


def _point(seed: int, gain: float = 0.9, steps: int = T):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(steps, B, I))
    h0 = rng.normal(size=(B, H)) * 0.5
    W = rng.normal(size=(H, I)) / np.sqrt(I)
    R = rng.normal(size=(H, H)) * gain / np.sqrt(H)
    b = rng.normal(size=H) * 0.3
    return x, h0, W, R, b


def _torch_hs(x, h0, W, R, b) -> torch.Tensor:
    """h_1 … h_T (T, B, H) from torch.nn.RNN's kernel with bias_hh = 0 (differentiable)."""
    rnn = torch.nn.RNN(W.shape[1], W.shape[0]).double()
    params = {
        "weight_ih_l0": W,
        "weight_hh_l0": R,
        "bias_ih_l0": b,
        "bias_hh_l0": torch.zeros_like(b),
    }
    hs, _ = torch.func.functional_call(rnn, params, (x, h0[None]))
    return hs


def _hs(x, h0, W, R, b) -> np.ndarray:
    """h_1 … h_T of torch.nn.RNN with these NumPy weights, as NumPy."""
    with torch.no_grad():
        return _torch_hs(
            *(torch.as_tensor(a, dtype=torch.float64) for a in (x, h0, W, R, b))
        ).numpy()


@check("7.1", "the forward pass of a vanilla RNN", points=3, exercise="ex07_bptt")
def check_rnn_forward(sheet: Sheet, rnn_forward) -> None:
    """``rnn_forward(x, h0, W, R, b) -> hs`` (T, B, H), hs[t-1] = h_t."""
    x, h0, W, R, b = _point(seed=51)
    hs = sheet.call(rnn_forward, x.copy(), h0.copy(), W.copy(), R.copy(), b.copy())
    sheet.shape("hs", hs, (T, B, H), 1, "(T, B, H)")
    reference = _hs(x, h0, W, R, b)
    sheet.close(
        "hs",
        hs,
        reference,
        "hs equals torch.nn.RNN with the same weights",
        2,
        hint="Hint: for a batch of row vectors, W x_t is x_t @ W.T and R h_{t-1} is "
        "h_prev @ R.T; start from h0 and store each new h_t.",
        mistakes=mistakes("rnn_forward", x, h0, W, R, b, reference),
    )


@check("7.2", "backpropagation through time", points=6, exercise="ex07_bptt")
def check_rnn_backward(sheet: Sheet, rnn_backward) -> None:
    """``rnn_backward(x, h0, W, R, b, hs, dhs) -> (dW, dR, db, dh0)``.

    ``dhs`` (T, B, H) is the loss's direct gradient ∂L/∂h_t at each step; the loss is
    ``L = Σ_t <dhs[t-1], h_t>``.
    """
    x, h0, W, R, b = _point(seed=52)
    hs = _hs(x, h0, W, R, b)
    dhs = np.random.default_rng(53).normal(size=hs.shape)
    args = [a.copy() for a in (x, h0, W, R, b, hs, dhs)]
    grads = sheet.unpack(sheet.call(rnn_backward, *args), ("dW", "dR", "db", "dh0"), "rnn_backward")
    wanted = [W.shape, R.shape, b.shape, h0.shape]
    shapes = [getattr(g, "shape", None) for g in grads]
    sheet.expect(
        shapes == wanted,
        "dW, dR, db, dh0 have the shapes of W, R, b, h0",
        1,
        f"expected {wanted}; got {shapes}. Hint: sum the batch out of every gradient but dh0.",
    )
    leaves = [torch.tensor(a, requires_grad=True) for a in (W, R, b, h0)]
    hs_t = _torch_hs(torch.tensor(x), leaves[3], *leaves[:3])
    loss = (hs_t * torch.tensor(dhs)).sum()
    ref = [g.numpy() for g in torch.autograd.grad(loss, leaves)]
    hints = (
        "Hint: da_t = δ_t ⊙ (1 − h_t²) with δ_t = ∂L/∂h_t; dW sums da_tᵀ x_t over t.",
        "Hint: dR sums da_tᵀ h_{t-1} over t, with h_0 at the first step.",
        "Hint: db sums da_t over t and over the batch.",
        "Hint: dh0 is what reaches h_0: da_1 @ R.",
    )
    for k, name in enumerate(("dW", "dR", "db", "dh0")):
        sheet.close(
            name,
            grads[k],
            ref[k],
            f"{name} equals autograd's",
            1,
            hint=hints[k],
            factor=("B", B) if name != "dh0" else None,
            mistakes=mistakes("rnn_backward", k, x, h0, W, R, b, hs, dhs),
        )
    if not sheet.marks:
        return
    grads = [_as_array(g) for g in grads]
    if [getattr(g, "shape", None) for g in grads] != wanted:
        raise StudentError("finite differences need gradients of the right shapes.")
    report = gradcheck(
        lambda W, R, b, h0: float(np.sum(_hs(x, h0, W, R, b) * dhs)),
        W,
        R,
        b,
        h0,
        grads=grads,
        names=["W", "R", "b", "h0"],
        verbose=False,
    )
    sheet.expect(
        report.passed,
        "all four agree with central finite differences",
        1,
        f"finite differences disagree for {', '.join(report.failed)}.",
    )


def _norms_autograd(x, h0, W, R, b) -> np.ndarray:
    """‖∂L/∂h_t‖ for t = 1 … T with L = Σ h_T, from autograd through torch.nn.RNNCell."""
    cell = torch.nn.RNNCell(W.shape[1], W.shape[0]).double()
    x, W, R, b = (torch.tensor(a) for a in (x, W, R, b))
    weights = {"weight_ih": W, "weight_hh": R, "bias_ih": b, "bias_hh": torch.zeros_like(b)}
    h, states = torch.tensor(h0, requires_grad=True), []
    for x_t in x:
        h = torch.func.functional_call(cell, weights, (x_t, h))
        h.retain_grad()
        states.append(h)
    states[-1].sum().backward()
    return np.array([s.grad.norm().item() for s in states])


@check("7.3", "the vanishing-gradient curve", points=3, exercise="ex07_bptt")
def check_gradient_norms(sheet: Sheet, gradient_norms) -> None:
    """``gradient_norms(x, h0, W, R, b) -> norms`` (T,): ‖∂L/∂h_t‖ for L = Σ h_T."""
    steps = 30
    results = {}
    for gain in (0.5, 2.0):
        x, h0, W, R, b = _point(seed=54, gain=gain, steps=steps)
        got = sheet.call(gradient_norms, x.copy(), h0.copy(), W.copy(), R.copy(), b.copy())
        results[gain] = (got, _norms_autograd(x, h0, W, R, b))
    got, _ = results[0.5]
    sheet.shape("norms", got, (steps,), 1, "(T,)")
    for gain, label in (
        (0.5, "a contracting network (gain 0.5): the curve vanishes"),
        (2.0, "an expanding network (gain 2)"),
    ):
        got, reference = results[gain]
        sheet.close(
            "norms",
            got,
            reference,
            f"equals autograd for {label}",
            1,
            hint="Hint: set δ_T = ∂L/∂h_T = 1 (all ones), then go back in time with "
            "δ_{t-1} = (δ_t ⊙ (1 − h_t²)) @ R and record ‖δ_t‖ (np.linalg.norm) for t = T … 1.",
            mistakes={
                "the curve runs backwards in time: norms[t-1] belongs to h_t.": reference[::-1],
                "the norms are shifted by one step: norms[T-1] is ‖∂L/∂h_T‖.": np.concatenate(
                    [reference[1:], [np.sqrt(B * H)]]
                ),
            },
        )


@reference("rnn_forward", "7.1")
def _course_rnn_forward(x, h0, W, R, b):
    """The course's forward pass: torch.nn.RNN with these weights, as NumPy."""
    return _hs(x, h0, W, R, b)
