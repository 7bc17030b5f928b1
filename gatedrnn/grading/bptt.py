"""Checks of exercise 7 (``ex07_bptt``): a vanilla RNN and backpropagation through time in NumPy.

``h_t = tanh(W x_t + R h_{t-1} + b)`` for t = 1 … T, from ``h_0``; the arrays are time-major,
``x`` (T, B, I), ``hs`` (T, B, H) holding h_1 … h_T. References: ``torch.nn.RNN`` with the same
weights, autograd, and :func:`gatedrnn.derive.gradcheck` (finite differences).
"""

from __future__ import annotations

import numpy as np
import torch

from ..derive import gradcheck
from ._core import Sheet, StudentError, check

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


def _numpy_hs(x, h0, W, R, b, transposed: bool = False) -> np.ndarray:
    h, hs = h0, []
    for x_t in x:
        h = np.tanh(x_t @ W.T + h @ (R if transposed else R.T) + b)
        hs.append(h)
    return np.stack(hs)


@check("7.1", "the forward pass of a vanilla RNN", points=3, exercise="ex07_bptt")
def check_rnn_forward(sheet: Sheet, rnn_forward) -> None:
    """``rnn_forward(x, h0, W, R, b) -> hs`` (T, B, H), hs[t-1] = h_t."""
    x, h0, W, R, b = _point(seed=51)
    hs = sheet.call(rnn_forward, x.copy(), h0.copy(), W.copy(), R.copy(), b.copy())
    sheet.shape("hs", hs, (T, B, H), 1, "(T, B, H)")
    with torch.no_grad():
        reference = _torch_hs(*(torch.tensor(a) for a in (x, h0, W, R, b))).numpy()
    sheet.close(
        "hs",
        hs,
        reference,
        "hs equals torch.nn.RNN with the same weights",
        2,
        hint="Hint: for a batch of row vectors, W x_t is x_t @ W.T and R h_{t-1} is "
        "h_prev @ R.T; start from h0 and store each new h_t.",
        mistakes={
            "the states are shifted by one step: hs[0] must be h_1, computed from x_1 "
            "(h_0 is the initial state, not an output).": np.concatenate(
                [h0[None], reference[:-1]]
            ),
            "R acts transposed: R h_{t-1} is h_prev @ R.T for row vectors.": _numpy_hs(
                x, h0, W, R, b, transposed=True
            ),
            "tanh is missing.": _linear_hs(x, h0, W, R, b),
        },
    )


def _linear_hs(x, h0, W, R, b) -> np.ndarray:
    h, hs = h0, []
    for x_t in x:
        h = x_t @ W.T + h @ R.T + b
        hs.append(h)
    return np.stack(hs)


def _bptt(x, h0, W, R, b, hs, dhs, *, mistake: str = ""):
    """Hand-written BPTT (dW, dR, db, dh0), optionally with one named mistake."""
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


@check("7.2", "backpropagation through time", points=6, exercise="ex07_bptt")
def check_rnn_backward(sheet: Sheet, rnn_backward) -> None:
    """``rnn_backward(x, h0, W, R, b, hs, dhs) -> (dW, dR, db, dh0)``.

    ``dhs`` (T, B, H) is the loss's direct gradient ∂L/∂h_t at each step; the loss is
    ``L = Σ_t <dhs[t-1], h_t>``.
    """
    x, h0, W, R, b = _point(seed=52)
    hs = _numpy_hs(x, h0, W, R, b)
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
    if shapes != wanted:
        raise StudentError("the values cannot be compared until the shapes are right.")
    leaves = [torch.tensor(a, requires_grad=True) for a in (W, R, b, h0)]
    hs_t = _torch_hs(torch.tensor(x), leaves[3], *leaves[:3])
    loss = (hs_t * torch.tensor(dhs)).sum()
    ref = [g.numpy() for g in torch.autograd.grad(loss, leaves)]
    wrong = {
        name: _bptt(x, h0, W, R, b, hs, dhs, mistake=name)
        for name in ("truncated", "same step", "transposed", "sign")
    }
    diagnoses = {
        "truncated": "only the loss at the same step is used: ∂L/∂h_t also collects "
        "everything later, through h_{t+1}.",
        "same step": "dR pairs da_t with h_t; R multiplies h_{t-1}, so dR += da_tᵀ h_{t-1} "
        "(an off-by-one in time).",
        "transposed": "the gradient is passed back through Rᵀ where R belongs (for row "
        "vectors, ∂L/∂h_{t-1} = da_t @ R).",
        "sign": "the gradient passed back to h_{t-1} has the wrong sign.",
    }
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
            mistakes={diagnoses[m]: values[k] for m, values in wrong.items()},
        )
    report = gradcheck(
        lambda W, R, b, h0: float(np.sum(_numpy_hs(x, h0, W, R, b) * dhs)),
        W,
        R,
        b,
        h0,
        grads=[np.asarray(g, dtype=np.float64) for g in grads],
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
    """‖∂L/∂h_t‖ for t = 1 … T with L = Σ h_T, from autograd."""
    x, W, R, b = (torch.tensor(a) for a in (x, W, R, b))
    h, states = torch.tensor(h0, requires_grad=True), []
    for x_t in x:
        h = torch.tanh(x_t @ W.T + h @ R.T + b)
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
