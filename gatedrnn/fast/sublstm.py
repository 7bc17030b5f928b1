"""subLSTM and fix-subLSTM over a whole sequence, with the hand-derived BPTT.

Forward, per step (the cell's equations, written into preallocated buffers):

    a_t = W x_t + R h_{t-1} + b          (W x_t + b hoisted out of the loop)
    [i, f, z, o] = σ(a_t)                 fix-subLSTM: [i, z, o] = σ(a_t), f = σ(forget_logit)
    c_t = f ⊙ c_{t-1} + z - i
    h_t = σ(c_t) - o

Backward. With ``σ' = σ (1 - σ)``, ``σ(c_t) = h_t + o_t`` and the gates ``g = σ(a)`` stored:

    dh_t = dY_t + Rᵀ da_{t+1}
    dc_t = dc_{t+1} ⊙ f_{t+1} + dh_t ⊙ σ'(c_t)
    da_t = [di, df, dz, do] ⊙ σ'(a_t),   di = -dc_t,  df = dc_t ⊙ c_{t-1},  dz = dc_t,  do = -dh_t

Only ``dh`` and ``dc`` need the loop (:func:`~.sequence.memory_bptt`): ``σ'(a_t) ⊙ [-1, c_{t-1},
1, -1]`` and ``σ'(c_t)`` are computed for a block of steps at once, and the loop multiplies by
``dc_t`` and ``dh_t``. fix-subLSTM: ``d forget_logit = Σ_t Σ_b dc_t ⊙ c_{t-1} ⊙ f (1 - f)``.
"""

from __future__ import annotations

import torch
from torch import Tensor

from ..cells import SubLSTMCell
from . import compiled, runtime
from .registry import serves
from .sequence import (
    Kernel,
    memory_bptt,
    memory_cell_buffers,
    memory_cell_grads,
    mul_previous_,
    transposed,
)


class SubLSTMKernel(Kernel):
    has_compiled_loop = True

    def __init__(self, fixed_forget: bool):
        self.fixed_forget = fixed_forget
        self.G = 3 if fixed_forget else 4  # gate blocks: (i, z, o) or (i, f, z, o)

    def parameters(self, cell) -> list[Tensor]:
        params = [cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh]
        return params + [cell.forget_logit] if self.fixed_forget else params

    def forward(self, x, state, params):
        h0, c0 = state
        R = params[1]
        f = torch.sigmoid(params[4]) if self.fixed_forget else None  # (H,): the same f every step
        loops = compiled.loops(x.dtype, x.device)
        # A: W x_t + b, then the gates (the compiled loop adds b itself); C, Y: c_t, h_t
        A, C, Y = memory_cell_buffers(x, params, self.G, add_bias=loops is None)
        if loops is not None:
            self._forward_loop(loops, A, C, Y, R, params[2] + params[3], h0, c0, f)
        else:
            self._forward_torch(A, C, Y, R, h0, c0, f)
        return (Y, Y[-1].clone(), C[-1].clone()), (A, C, Y)

    def _forward_torch(self, A, C, Y, R, h0, c0, f_fixed):
        T, B, GH = A.shape
        blocks = [g.unbind(0) for g in A.view(T, B, self.G, GH // self.G).unbind(2)]
        if self.fixed_forget:
            i_s, z_s, o_s = blocks
            f_s = [f_fixed] * T
        else:
            i_s, f_s, z_s, o_s = blocks
        R_T = transposed(R)  # (H, G·H)
        h, c = h0, c0
        for t, (a, i, f, z, o, c_t, h_t) in enumerate(
            zip(A.unbind(0), i_s, f_s, z_s, o_s, C.unbind(0), Y.unbind(0), strict=True)
        ):
            if t > 0 or not self.zero_state:
                a.addmm_(h, R_T)  # a = W x_t + R h_{t-1} + b     (B, G·H)
            a.sigmoid_()  # [i, f, z, o] = σ(a)
            c = torch.sub(z, i, out=c_t).addcmul_(f, c)  # c = f ⊙ c_{t-1} + z - i
            h = torch.sigmoid(c, out=h_t).sub_(o)  # h = σ(c) - o

    def _forward_loop(self, loops, A, C, Y, R, b, h0, c0, f_fixed):
        """The whole loop in C (``loops.c``): the same steps, shared among threads.

        ``A`` holds ``W x_t`` without the bias ``b``, which the loop adds.
        """
        T, B, GH = A.shape
        H = GH // self.G
        tensors = (A, C, Y, R, b, h0, c0, f_fixed)
        forward = loops.sublstm_forward_sequence
        runtime.run(forward, "subLSTM forward", B, H, self.G, *tensors, T, B, H, self.zero_state)

    def backward(self, needs, x, state, params, saved, grads):
        h0, c0 = state
        W, R = params[:2]
        A, C, Y = saved  # A holds the gates g = σ(a)
        f = torch.sigmoid(params[4]) if self.fixed_forget else None  # (H,)
        loops = compiled.loops(A.dtype, A.device)
        if loops is not None:
            dA, dc_f, dc_c_prev = self._bptt_loop(loops, A, C, Y, R, c0, f, grads)
        else:
            dA, dc_f, dc_c_prev = self._bptt_torch(A, C, Y, R, c0, f, grads)

        out = memory_cell_grads(needs, dA, dc_f, x, h0, W, R, Y, self.zero_state)
        if self.fixed_forget:
            out.append(dc_c_prev * (f - f * f) if needs[7] else None)
        return out

    def _bptt_torch(self, A, C, Y, R, c0, f, grads):
        """``(dA, dc reaching c_{-1}, Σ_t Σ_b dc_t ⊙ c_{t-1} or None)`` with torch operations."""
        dY, dh_T, dc_T = grads
        T, B, GH = A.shape
        G, H = self.G, GH // self.G
        Ag = A.view(T, B, G, H)
        dA = torch.empty_like(A)  # (T, B, G·H): σ'(a) ⊙ [-1, c_{t-1}, 1, -1], then da_t
        dAg = dA.view(T, B, G, H)

        def prepare(s, e):
            torch.addcmul(A[s:e], A[s:e], A[s:e], value=-1, out=dA[s:e])  # σ'(a) = g (1 - g)
            dAg[s:e, :, :: G - 1].neg_()  # di = -dc, do = -dh
            if not self.fixed_forget:
                mul_previous_(dAg[s:e, :, 1], C, c0, s)  # df = dc ⊙ c_{t-1}
            sigma_c = torch.add(Y[s:e], Ag[s:e, :, G - 1])  # σ(c_t) = h_t + o_t
            k = torch.addcmul(sigma_c, sigma_c, sigma_c, value=-1, out=sigma_c)  # σ'(c_t)
            m = f.expand(e - s, B, H) if self.fixed_forget else Ag[s:e, :, 1]  # ∂c_t/∂c_{t-1}
            return k, m

        dc_c_prev = []  # fix-subLSTM: Σ_b dc_t ⊙ c_{t-1}, per block

        def on_block(s, dc):
            if self.fixed_forget:
                dc_c_prev.append(mul_previous_(dc, C, c0, s).sum((0, 1)))

        dc_f = memory_bptt(dA, dY, dh_T, dc_T, R, prepare, output_gate=True, on_block=on_block)
        return dA, dc_f, sum(dc_c_prev) if self.fixed_forget else None

    def _bptt_loop(self, loops, A, C, Y, R, c0, f, grads):
        """The same as :meth:`_bptt_torch`, the whole loop in C (``loops.c``)."""
        dY, dh_T, dc_T = grads
        T, B, GH = A.shape
        H = GH // self.G
        dA = torch.empty_like(A)
        # carried back from step to step, until it reaches c_{-1}
        dc = dc_T.clone(memory_format=torch.contiguous_format)
        DC = A.new_empty(T, B, H) if self.fixed_forget else None  # fix-subLSTM: dc_t, every t
        tensors = (A, C, Y, R, c0, dY, dh_T, dc, dA, DC, f)
        backward = loops.sublstm_backward_sequence
        runtime.run(backward, "subLSTM backward", B, H, self.G, *tensors, T, B, H)
        dc_c_prev = None
        if self.fixed_forget:  # Σ_t Σ_b dc_t ⊙ c_{t-1}
            dc_c_prev = mul_previous_(DC, C, c0, 0).sum((0, 1))
        return dA, dc, dc_c_prev


@serves(SubLSTMCell)
def _sublstm(cell: SubLSTMCell) -> SubLSTMKernel:
    return SubLSTMKernel(cell.fixed_forget)
