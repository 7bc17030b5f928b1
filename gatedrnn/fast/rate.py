"""Rate networks over a whole sequence, rate and voltage form, with the hand-derived BPTT.

``z = dt / tau`` (a buffer, per unit); ``R = |R_raw| · diag(signs)`` under Dale's principle.

Rate form:      r_t = (1 - z) ⊙ r_{t-1} + z ⊙ φ(R r_{t-1} + W x_t + b)

    backward (:func:`~.sequence.hidden_bptt`): da_t = dr_t ⊙ z ⊙ φ'(a_t), and r_{t-1} receives
    dr_t ⊙ (1 - z) + Rᵀ da_t.

Voltage form:   v_t = (1 - z) ⊙ v_{t-1} + z ⊙ (R φ(v_{t-1}) + W x_t + b),   output φ(v_t)

    backward (:func:`~.sequence.memory_bptt`, v in the role of the memory c, φ(v) of h):
    dv_t = dv_{t+1} ⊙ (1 - z) + dy_t ⊙ φ'(v_t) with dy_t = dY_t + Rᵀ da_{t+1}, and da_t = dv_t ⊙ z.

Dale: ``dR_raw = dR ⊙ signs ⊙ sign(R_raw)`` (column j takes the sign of unit j).
"""

from __future__ import annotations

import torch
from torch import Tensor

from ..cells import RateCell
from ..nonlinearities import Nonlinearity
from .registry import activation, serves
from .sequence import (
    Kernel,
    hidden_bptt,
    input_grads,
    memory_bptt,
    project,
    recurrent_grad,
    transposed,
)


class RateKernel(Kernel):
    def __init__(self, form: str, phi: Nonlinearity, z: Tensor, signs: Tensor | None):
        self.form, self.phi = form, phi
        self.z, self.signs = z, signs  # (H,) buffers: dt / tau, and ±1 under Dale's principle

    def parameters(self, cell) -> list[Tensor]:
        return [cell.weight_ih, cell.weight_hh, cell.bias]

    def _recurrent_weight(self, R_raw: Tensor) -> Tensor:
        return R_raw if self.signs is None else R_raw.abs() * self.signs  # R = |R_raw| · D

    def forward(self, x, state, params):
        (s0,) = state
        W, R_raw, b = params
        R = self._recurrent_weight(R_raw)  # (H, H)
        R_T = transposed(R)  # (H, H)
        A = project(x, W, b)  # (T, B, H): W x_t + b
        Y = torch.empty_like(A)  # outputs: r_t, or φ(v_t)
        z, phi = self.z, self.phi
        if self.form == "rate":
            r = s0
            for t, (a, r_t) in enumerate(zip(A.unbind(0), Y.unbind(0), strict=True)):
                if t > 0 or not self.zero_state:
                    a.addmm_(r, R_T)  # a = R r_{t-1} + W x_t + b
                phi.apply_(a)  # φ(a), kept for φ'
                r = torch.lerp(r, a, z, out=r_t)  # r = (1 - z) ⊙ r_{t-1} + z ⊙ φ(a)
            return (Y, r.clone()), (A, Y)
        v = s0
        y = y0 = phi.into(v, torch.empty_like(v))  # φ(v_{-1})
        for a, y_t in zip(A.unbind(0), Y.unbind(0), strict=True):
            a.addmm_(y, R_T)  # a = R φ(v_{t-1}) + W x_t + b
            v = torch.lerp(v, a, z, out=a)  # v = (1 - z) ⊙ v_{t-1} + z ⊙ a   (over a)
            y = phi.into(v, y_t)  # the rates φ(v_t)
        return (Y, v.clone()), (Y, y0)

    def backward(self, needs, x, state, params, saved, grads):
        (s0,) = state
        W, R_raw, _ = params
        R = self._recurrent_weight(R_raw)
        dY, ds_T = grads
        T, B, H = dY.shape
        z, phi = self.z, self.phi
        one_minus_z = 1 - z
        if self.form == "rate":
            P, Y = saved  # P = φ(a_t)
            dA = torch.empty_like(P)

            def prepare(s, e):
                torch.mul(phi.derivative_from_output(P[s:e]), z, out=dA[s:e])  # z ⊙ φ'(a_t)
                return one_minus_z.expand(e - s, B, H)

            carry = hidden_bptt(dA, dY, ds_T, R, prepare)
            ds0 = torch.addmm(carry, dA[0], R) if needs[1] else None  # dr_{-1}
            y_prev0 = None if self.zero_state else s0
        else:
            Y, y0 = saved
            dA = torch.empty_like(Y)

            def prepare(s, e):
                dA[s:e].copy_(z.expand(e - s, B, H))  # da_t = dv_t ⊙ z
                return phi.derivative_from_output(Y[s:e]), one_minus_z.expand(e - s, B, H)

            dv_f = memory_bptt(dA, dY, None, ds_T, R, prepare, output_gate=False)
            dv0 = dv_f + (dA[0] @ R) * phi.derivative_from_output(y0)  # dv_{-1}
            ds0 = dv0 if needs[1] else None
            y_prev0 = y0
        dx, dW, db = input_grads((needs[0], needs[2], needs[4]), dA, x, W)
        dR_raw = None
        if needs[3]:
            dR = recurrent_grad(dA, y_prev0, Y)  # dR = Σ_t da_tᵀ (r_{t-1} or φ(v_{t-1}))
            dR_raw = dR if self.signs is None else dR * self.signs * R_raw.sign()
        return [dx, ds0, dW, dR_raw, db]


@serves(RateCell)
def _rate(cell: RateCell) -> RateKernel | None:
    phi = activation(cell.phi)
    return None if phi is None else RateKernel(cell.form, phi, cell.z, cell.signs)
