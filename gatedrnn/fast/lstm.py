"""The LSTM variants over a whole sequence: any named φ1, φ2, peepholes, coupled gates.

(``LSTMCell()`` with its defaults runs on ``torch.nn.LSTM``'s kernel instead.)

Forward, per step (the cell's equations, written into preallocated buffers):

    a_t = W x_t + R h_{t-1} + b                       (W x_t + b hoisted out of the loop)
    i = σ(a_i [+ w_ci ⊙ c_{t-1}])      f = σ(a_f [+ w_cf ⊙ c_{t-1}])   or   f = 1 - i (coupled)
    z = φ1(a_z)
    c_t = f ⊙ c_{t-1} + i ⊙ z
    o = σ(a_o [+ w_co ⊙ c_t])
    h_t = o ⊙ φ2(c_t)

Backward (:func:`~.sequence.memory_bptt`), with ``p = φ2(c_t)``:

    da_o = dh_t ⊙ p ⊙ σ'(o)
    dc_t = dc_{t+1} ⊙ m_{t+1} + dh_t ⊙ k_t,   k = o ⊙ φ2'(p) [+ w_co ⊙ p ⊙ σ'(o)]
    da_i = dc_t ⊙ z ⊙ σ'(i)   (coupled: dc_t ⊙ (z - c_{t-1}) ⊙ σ'(i))
    da_f = dc_t ⊙ c_{t-1} ⊙ σ'(f)
    da_z = dc_t ⊙ i ⊙ φ1'(z)
    m = ∂c_t/∂c_{t-1} = f [+ w_ci ⊙ da_i/dc + w_cf ⊙ da_f/dc]

Peepholes: ``dw_ci = Σ da_i ⊙ c_{t-1}``, ``dw_cf = Σ da_f ⊙ c_{t-1}``, ``dw_co = Σ da_o ⊙ c_t``.

Where the compiled loops are available (:mod:`.compiled`) and neither φ is the power law, the
whole loop runs in C (``loops.c``: ``lstm_forward_sequence``, ``lstm_backward_sequence``),
the work shared among torch's threads; otherwise in the torch operations below. Both
write the same buffers.
"""

from __future__ import annotations

import torch
from torch import Tensor

from ..cells import LSTMCell
from ..nonlinearities import TANH, Nonlinearity
from . import compiled, runtime
from .registry import activation, serves
from .sequence import (
    Kernel,
    memory_bptt,
    memory_cell_buffers,
    memory_cell_grads,
    mul_previous_,
    previous,
    transposed,
)


class LSTMKernel(Kernel):
    def __init__(self, phi1: Nonlinearity, phi2: Nonlinearity, peephole: bool, coupled: bool):
        self.phi1, self.phi2 = phi1, phi2
        self.has_compiled_loop = phi1.code is not None and phi2.code is not None
        self.peephole, self.coupled = peephole, coupled
        self.G = 3 if coupled else 4  # gate blocks: (i, z, o) or (i, f, z, o)

    def parameters(self, cell) -> list[Tensor]:
        params = [cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh]
        if self.peephole:  # a coupled cell has no forget gate, so no weight_cf
            params += (
                [cell.weight_ci, cell.weight_co]
                if self.coupled
                else [cell.weight_ci, cell.weight_cf, cell.weight_co]
            )
        return params

    def _peepholes(self, params) -> tuple[Tensor | None, Tensor | None, Tensor | None]:
        """``(w_ci, w_cf, w_co)``, None where the cell has none."""
        if not self.peephole:
            return None, None, None
        if self.coupled:
            return params[4], None, params[5]
        return params[4], params[5], params[6]

    def _gates(self, A: Tensor, H: int):
        """Views (T, B, H) of the blocks i, f (None when coupled), z, o of ``A`` (T, B, G·H)."""
        blocks = A.view(A.shape[0], A.shape[1], self.G, H).unbind(2)
        if self.coupled:
            i, z, o = blocks
            return i, None, z, o
        return blocks

    def forward(self, x, state, params):
        h0, c0 = state
        R = params[1]
        peepholes = self._peepholes(params)
        loops = self._loops(x)
        # A: W x_t + b, then the gates (the compiled loop adds b itself); C, Y: c_t, h_t
        A, C, Y = memory_cell_buffers(x, params, self.G, add_bias=loops is None)
        if loops is not None:
            self._forward_loop(loops, A, C, Y, R, params[2] + params[3], h0, c0, peepholes)
        else:
            self._forward_torch(A, C, Y, R, h0, c0, peepholes)
        return (Y, Y[-1].clone(), C[-1].clone()), (A, C, Y)

    def _loops(self, t: Tensor):
        """The compiled loops, when both φ have a C form (not the power law)."""
        if not self.has_compiled_loop:
            return None
        return compiled.loops(t.dtype, t.device)

    def _options(self) -> tuple[int, int, int]:
        """φ1, φ2 (their codes in steps.c) and coupled, as the compiled loops take them."""
        return self.phi1.code, self.phi2.code, int(self.coupled)

    def _forward_torch(self, A, C, Y, R, h0, c0, peepholes):
        T, B, GH = A.shape
        H = GH // self.G
        w_ci, w_cf, w_co = peepholes
        i_s, f_s, z_s, o_s = (
            g.unbind(0) if g is not None else [None] * T for g in self._gates(A, H)
        )
        in_gates = A.view(T, B, self.G, H)[:, :, : 1 if self.coupled else 2].unbind(0)  # i (, f)
        R_T = transposed(R)  # (H, G·H)
        phi1, phi2 = self.phi1, self.phi2
        h, c = h0, c0
        for t, (a, gates_in, i, f, z, o, c_t, h_t) in enumerate(
            zip(A.unbind(0), in_gates, i_s, f_s, z_s, o_s, C.unbind(0), Y.unbind(0), strict=True)
        ):
            if t > 0 or not self.zero_state:
                a.addmm_(h, R_T)  # a = W x_t + R h_{t-1} + b     (B, G·H)
            if self.peephole:
                i.addcmul_(w_ci, c)  # a_i + w_ci ⊙ c_{t-1}
                if not self.coupled:
                    f.addcmul_(w_cf, c)  # a_f + w_cf ⊙ c_{t-1}
            gates_in.sigmoid_()  # i = σ(a_i), f = σ(a_f)
            phi1.apply_(z)  # z = φ1(a_z)
            if self.coupled:
                c = torch.lerp(c, z, i, out=c_t)  # c = (1 - i) ⊙ c_{t-1} + i ⊙ z
            else:
                c = torch.mul(i, z, out=c_t).addcmul_(f, c)  # c = f ⊙ c_{t-1} + i ⊙ z
            if self.peephole:
                o.addcmul_(w_co, c)  # a_o + w_co ⊙ c_t
            o.sigmoid_()  # o = σ(a_o)
            h = phi2.into(c, h_t).mul_(o)  # h = o ⊙ φ2(c)

    def _forward_loop(self, loops, A, C, Y, R, b, h0, c0, peepholes):
        """The whole loop in C (``loops.c``): the same steps, shared among threads.

        ``A`` holds ``W x_t`` without the bias ``b``, which the loop adds.
        """
        T, B, GH = A.shape
        H = GH // self.G
        tensors = (A, C, Y, R, b, h0, c0, *peepholes)
        forward = loops.lstm_forward_sequence
        runtime.run(
            forward,
            "LSTM forward",
            B,
            H,
            self.G,
            *tensors,
            *self._options(),
            T,
            B,
            H,
            self.zero_state,
        )

    def backward(self, needs, x, state, params, saved, grads):
        h0, c0 = state
        W, R = params[:2]
        peepholes = self._peepholes(params)
        A, C, Y = saved  # A holds i, f, z = φ1(a_z), o
        H = A.shape[2] // self.G
        loops = self._loops(A)
        if loops is not None:
            dA, dc_f = self._bptt_loop(loops, A, C, R, c0, peepholes, grads)
        else:
            dA, dc_f = self._bptt_torch(A, C, R, c0, peepholes, grads)

        out = memory_cell_grads(needs, dA, dc_f, x, h0, W, R, Y, self.zero_state)
        if self.peephole:
            da_i, da_f, _, da_o = self._gates(dA, H)
            n_ci, *n_cf, n_co = needs[7:]
            out.append(_sum_previous(da_i, C, c0) if n_ci else None)  # dw_ci = Σ da_i ⊙ c_{t-1}
            if not self.coupled:
                out.append(_sum_previous(da_f, C, c0) if n_cf[0] else None)
            out.append((da_o * C).sum((0, 1)) if n_co else None)  # dw_co = Σ da_o ⊙ c_t
        return out

    def _bptt_torch(self, A, C, R, c0, peepholes, grads):
        """``(dA, dc reaching c_{-1})`` with torch operations."""
        dY, dh_T, dc_T = grads
        w_ci, w_cf, w_co = peepholes
        T, B, GH = A.shape
        H = GH // self.G
        i, f, z, o = self._gates(A, H)
        dA = torch.empty_like(A)  # (T, B, G·H): what multiplies dc (or dh) in da, then da_t
        dK_i, dK_f, dK_z, dK_o = self._gates(dA, H)
        phi1, phi2 = self.phi1, self.phi2

        def prepare(s, e):
            sl = slice(s, e)
            p = phi2.into(C[sl], torch.empty_like(C[sl]))  # φ2(c_t)
            sigma_o = torch.addcmul(o[sl], o[sl], o[sl], value=-1)  # σ'(o)
            torch.mul(p, sigma_o, out=dK_o[sl])  # da_o = dh ⊙ p ⊙ σ'(o)
            k = phi2.derivative_from_output(p).mul_(o[sl])  # ∂h/∂c = o ⊙ φ2'(p)
            if self.peephole:
                k.addcmul_(dK_o[sl], w_co)  # ... + (∂h/∂a_o) w_co
            sigma_i = torch.addcmul(i[sl], i[sl], i[sl], value=-1)  # σ'(i)
            if self.coupled:
                c_prev = previous(C, c0, s, e)  # c_{t-1}
                torch.sub(z[sl], c_prev, out=dK_i[sl]).mul_(sigma_i)  # (z - c_{t-1}) σ'(i)
                m = 1 - i[sl]  # f = 1 - i
            else:
                torch.mul(z[sl], sigma_i, out=dK_i[sl])  # z ⊙ σ'(i)
                torch.addcmul(f[sl], f[sl], f[sl], value=-1, out=dK_f[sl])
                mul_previous_(dK_f[sl], C, c0, s)  # c_{t-1} ⊙ σ'(f)
                m = f[sl].clone() if self.peephole else f[sl]
            torch.mul(i[sl], phi1.derivative_from_output(z[sl]), out=dK_z[sl])  # i ⊙ φ1'(z)
            if self.peephole:
                m.addcmul_(dK_i[sl], w_ci)
                if not self.coupled:
                    m.addcmul_(dK_f[sl], w_cf)
            return k, m

        return dA, memory_bptt(dA, dY, dh_T, dc_T, R, prepare, output_gate=True)

    def _bptt_loop(self, loops, A, C, R, c0, peepholes, grads):
        """The same as :meth:`_bptt_torch`, the whole loop in C (``loops.c``)."""
        dY, dh_T, dc_T = grads
        T, B, GH = A.shape
        H = GH // self.G
        dA = torch.empty_like(A)
        # carried back from step to step, until it reaches c_{-1}
        dc = dc_T.clone(memory_format=torch.contiguous_format)
        tensors = (A, C, R, c0, dY, dh_T, dc, dA, *peepholes)
        backward = loops.lstm_backward_sequence
        runtime.run(backward, "LSTM backward", B, H, self.G, *tensors, *self._options(), T, B, H)
        return dA, dc


def _sum_previous(da: Tensor, C: Tensor, c0: Tensor) -> Tensor:
    """``Σ_t Σ_b da_t ⊙ c_{t-1}`` (H,), with ``c_{-1} = c0``."""
    total = (da[0] * c0).sum(0)
    if da.shape[0] > 1:
        total += (da[1:] * C[:-1]).sum((0, 1))
    return total


@serves(LSTMCell)
def _lstm(cell: LSTMCell) -> str | LSTMKernel | None:
    """torch.nn.LSTM's kernel for the default cell; this kernel for the others it knows."""
    phi1, phi2 = activation(cell.phi1), activation(cell.phi2)
    if phi1 is None or phi2 is None:
        return None
    if phi1 == TANH and phi2 == TANH and not (cell.peephole or cell.coupled):
        return "torch"
    return LSTMKernel(phi1, phi2, cell.peephole, cell.coupled)
