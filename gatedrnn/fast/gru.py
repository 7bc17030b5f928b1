"""The GRUs over a whole sequence (simple, reset after R, reset before R), with hand-derived BPTT.

(On a GPU, ``GRUCell(reset="after")`` runs on ``torch.nn.GRU``'s kernel instead. Both GRUs with a
reset gate run their loops in C where they are compiled, see :class:`GRUAfterKernel` and
:class:`GRUBeforeKernel`.)

simple-GRU (notes eq. 14–15), blocks (z, n):

    a_t = W x_t + R h_{t-1} + b
    z = σ(a_z),   h_t = (1 - z) ⊙ h_{t-1} + z ⊙ φ(a_n)

    backward (:func:`~.sequence.hidden_bptt`): da_z = dh_t ⊙ (n - h_{t-1}) ⊙ σ'(z),
    da_n = dh_t ⊙ z ⊙ φ'(n), and h_{t-1} receives dh_t ⊙ (1 - z) + Rᵀ da_t.

GRU with the reset gate after R (PyTorch, cuDNN), blocks (r, u, n), used on the CPU where it beats
``torch.nn.GRU``'s kernel (cuDNN runs it on a GPU):

    g = R h_{t-1} + b_h                         (the n block g_n is kept for the backward pass)
    r = σ(W_r x_t + b_ir + g_r),   u = σ(W_u x_t + b_iu + g_u)
    n = tanh(W_n x_t + b_in + r ⊙ g_n)
    h_t = u ⊙ h_{t-1} + (1 - u) ⊙ n

    backward: da_n = dh_t ⊙ (1 - u) ⊙ (1 - n²),   dg_n = da_n ⊙ r,   da_r = da_n ⊙ g_n ⊙ σ'(r),
              da_u = dh_t ⊙ (h_{t-1} - n) ⊙ σ'(u),
              h_{t-1} receives dh_t ⊙ u + Rᵀ [da_r; da_u; dg_n]

GRU with the reset gate before R (Cho et al. 2014, notes eq. 16–18), blocks (r, u, n), z = 1 - u:

    r = σ(W_r x_t + R_r h_{t-1} + b_r),   u = σ(W_u x_t + R_u h_{t-1} + b_u)
    n = tanh(W_n x_t + R_n (r ⊙ h_{t-1}) + b_n)
    h_t = (1 - z) ⊙ h_{t-1} + z ⊙ n  =  u ⊙ h_{t-1} + (1 - u) ⊙ n

    backward: da_u = dh_t ⊙ (h_{t-1} - n) ⊙ σ'(u),   da_n = dh_t ⊙ (1 - u) ⊙ (1 - n²)
              d(r ⊙ h) = R_nᵀ da_n,   da_r = d(r ⊙ h) ⊙ h_{t-1} ⊙ σ'(r)
              h_{t-1} receives dh_t ⊙ u + d(r ⊙ h) ⊙ r + [R_r; R_u]ᵀ [da_r; da_u]
"""

from __future__ import annotations

import torch
from torch import Tensor

from ..cells import GRUCell, SimpleGRUCell
from ..nonlinearities import Nonlinearity
from . import compiled, runtime
from .registry import activation, serves
from .sequence import (
    Kernel,
    hidden_bptt,
    input_grads,
    previous,
    project,
    recurrent_grad,
    split_bias_grad,
    time_blocks,
    transposed,
)


class SimpleGRUKernel(Kernel):
    def __init__(self, phi: Nonlinearity):
        self.phi = phi

    def parameters(self, cell) -> list[Tensor]:
        return [cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh]

    def forward(self, x, state, params):
        (h0,) = state
        W, R, b_ih, b_hh = params
        A = project(x, W, b_ih + b_hh)  # (T, B, 2H): W x_t + b, then z and φ(a_n)
        T, B, GH = A.shape
        H = GH // 2
        Y = A.new_empty(T, B, H)  # h_t
        z_s, n_s = (g.unbind(0) for g in A.view(T, B, 2, H).unbind(2))
        R_T = transposed(R)  # (H, 2H)
        h = h0
        for t, (a, z, n, h_t) in enumerate(zip(A.unbind(0), z_s, n_s, Y.unbind(0), strict=True)):
            if t > 0 or not self.zero_state:
                a.addmm_(h, R_T)  # a = W x_t + R h_{t-1} + b     (B, 2H)
            z.sigmoid_()  # z = σ(a_z)
            self.phi.apply_(n)  # φ(a_n)
            h = torch.lerp(h, n, z, out=h_t)  # h = (1 - z) ⊙ h_{t-1} + z ⊙ φ(a_n)
        return (Y, h.clone()), (A, Y)

    def backward(self, needs, x, state, params, saved, grads):
        (h0,) = state
        W, R = params[:2]
        A, Y = saved
        dY, dh_T = grads
        T, B, GH = A.shape
        H = GH // 2
        z, n = A.view(T, B, 2, H).unbind(2)
        dA = torch.empty_like(A)
        dK_z, dK_n = dA.view(T, B, 2, H).unbind(2)

        def prepare(s, e):
            sl = slice(s, e)
            sigma_z = torch.addcmul(z[sl], z[sl], z[sl], value=-1)  # σ'(z)
            h_prev = previous(Y, h0, s, e)
            torch.sub(n[sl], h_prev, out=dK_z[sl]).mul_(sigma_z)  # (n - h_{t-1}) ⊙ σ'(z)
            torch.mul(z[sl], self.phi.derivative_from_output(n[sl]), out=dK_n[sl])  # z ⊙ φ'(n)
            return 1 - z[sl]  # ∂h_t/∂h_{t-1} outside R

        carry = hidden_bptt(dA, dY, dh_T, R, prepare)

        n_x, n_h0, n_W, n_R, n_bih, n_bhh = needs
        dx, dW, db = input_grads((n_x, n_W, n_bih or n_bhh), dA, x, W)
        db_ih, db_hh = split_bias_grad(db, n_bih, n_bhh)
        dh0 = torch.addmm(carry, dA[0], R) if n_h0 else None
        dR = recurrent_grad(dA, None if self.zero_state else h0, Y) if n_R else None
        return [dx, dh0, dW, dR, db_ih, db_hh]


class GRUAfterKernel(Kernel):
    """``GRUCell(reset="after")``: the gates' recurrent part ``g = R h + b_h`` in one product.

    Where the compiled loops are available (:mod:`.compiled`) the whole loop runs in C
    (``loops.c``: ``gru_forward_sequence``, ``gru_backward_sequence``), the work shared among
    torch's threads; otherwise in the torch operations below. Both write the same buffers.
    """

    has_compiled_loop = True

    def parameters(self, cell) -> list[Tensor]:
        return [cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh]

    def forward(self, x, state, params):
        (h0,) = state
        W, R, b_ih, b_hh = params
        A = project(x, W, b_ih)  # (T, B, 3H): W x_t + b_i, then r, u, n
        T, B, GH = A.shape
        H = GH // 3
        Y = A.new_empty(T, B, H)  # h_t
        Gn = A.new_empty(T, B, H)  # g_n = R_n h_{t-1} + b_hn
        loops = compiled.loops(A.dtype, A.device)
        if loops is not None:
            self._forward_loop(loops, A, Y, Gn, R, b_hh, h0)
        else:
            self._forward_torch(A, Y, Gn, R, b_hh, h0)
        return (Y, Y[-1].clone()), (A, Y, Gn)

    def _forward_torch(self, A, Y, Gn, R, b_hh, h0):
        T, B, GH = A.shape
        H = GH // 3
        g = A.new_empty(B, GH)  # R h_{t-1} + b_h, one step
        g_ru, g_n = g[:, : 2 * H], g[:, 2 * H :]
        r_s, u_s, n_s = (b.unbind(0) for b in A.view(T, B, 3, H).unbind(2))
        ru_s = A[:, :, : 2 * H].unbind(0)
        R_T = transposed(R)  # (H, 3H)
        h = h0
        for t, (a_ru, r, u, n, gn_t, h_t) in enumerate(
            zip(ru_s, r_s, u_s, n_s, Gn.unbind(0), Y.unbind(0), strict=True)
        ):
            if t == 0 and self.zero_state:
                g.copy_(b_hh.expand(B, GH))  # R h_{-1} = 0
            else:
                torch.addmm(b_hh, h, R_T, out=g)  # g = R h_{t-1} + b_h     (B, 3H)
            a_ru.add_(g_ru).sigmoid_()  # r, u = σ(W x_t + b_i + g)
            gn_t.copy_(g_n)
            n.addcmul_(r, g_n).tanh_()  # n = tanh(W_n x_t + b_in + r ⊙ g_n)
            h = torch.lerp(n, h, u, out=h_t)  # h = u ⊙ h_{t-1} + (1 - u) ⊙ n

    def _forward_loop(self, loops, A, Y, Gn, R, b_hh, h0):
        """The whole loop in C (``loops.c``): the same steps, shared among threads."""
        T, B, GH = A.shape
        H = GH // 3
        tensors = (A, Y, Gn, R, b_hh, h0)
        runtime.run(
            loops.gru_forward_sequence, "GRU forward", B, H, 3, *tensors, T, B, H, self.zero_state
        )

    def backward(self, needs, x, state, params, saved, grads):
        (h0,) = state
        W, R = params[:2]
        A, Y, Gn = saved
        T, B, GH = A.shape
        H = GH // 3
        loops = compiled.loops(A.dtype, A.device)
        if loops is not None:
            D, carry = self._bptt_loop(loops, A, Y, Gn, R, h0, grads)
        else:
            D, carry = self._bptt_torch(A, Y, Gn, R, h0, grads)
        E = D[:, :, : 3 * H]  # [da_r, da_u, dg_n]: what R and b_h receive

        n_x, n_h0, n_W, n_R, n_bih, n_bhh = needs
        TB, I = T * B, x.shape[2]
        da_ru, da_n = D[:, :, : 2 * H].reshape(TB, 2 * H), D[:, :, 3 * H :].reshape(TB, H)
        x2 = x.reshape(TB, I)
        dx = dW = db_ih = None
        if n_x:
            dx = torch.addmm(da_n @ W[2 * H :], da_ru, W[: 2 * H]).view(T, B, I)
        if n_W:
            dW = torch.cat([da_ru.T @ x2, da_n.T @ x2])
        if n_bih:
            db_ih = torch.cat([da_ru.sum(0), da_n.sum(0)])
        db_hh = E.sum((0, 1)) if n_bhh else None
        dh0 = torch.addmm(carry, E[0], R) if n_h0 else None
        dR = recurrent_grad(E, None if self.zero_state else h0, Y) if n_R else None
        return [dx, dh0, dW, dR, db_ih, db_hh]

    def _bptt_torch(self, A, Y, Gn, R, h0, grads):
        """``D`` (T, B, 4H) = [da_r, da_u, dg_n, da_n] and what reaches h_{-1} outside R."""
        dY, dh_T = grads
        T, B, GH = A.shape
        H = GH // 3
        r, u, n = A.view(T, B, 3, H).unbind(2)
        D = A.new_empty(T, B, 4 * H)  # [da_r, da_u, dg_n, da_n]
        E = D[:, :, : 3 * H]  # [da_r, da_u, dg_n]: what R and b_h receive
        E_r, E_u, E_n, dA_n = D.view(T, B, 4, H).unbind(2)
        E_s, E_r_s, E_u_s, E_n_s = E.unbind(0), E_r.unbind(0), E_u.unbind(0), E_n.unbind(0)
        dA_n_s, r_s, u_s, dY_s = dA_n.unbind(0), r.unbind(0), u.unbind(0), dY.unbind(0)

        carry = dY_s[T - 1] + dh_T  # dY_t + dh_{t+1} ⊙ u_{t+1}, waiting for Rᵀ E_{t+1}
        for s, e in time_blocks(T, B * 4 * H * A.element_size()):
            sl = slice(s, e)
            A_ru = A[sl, :, : 2 * H]
            sigma = torch.addcmul(A_ru, A_ru, A_ru, value=-1).view(e - s, B, 2, H)  # σ'(r), σ'(u)
            torch.sub(previous(Y, h0, s, e), n[sl], out=E_u[sl]).mul_(sigma[:, :, 1])
            torch.mul(1 - u[sl], 1 - n[sl] * n[sl], out=dA_n[sl])  # (1 - u) ⊙ tanh'
            torch.mul(Gn[sl], sigma[:, :, 0], out=E_r[sl])  # g_n ⊙ σ'(r)
            DH = D.new_empty(e - s, B, H)  # dh_t
            dh_s = DH.unbind(0)
            for t in range(e - 1, s - 1, -1):
                j = t - s
                if t < T - 1:
                    dh = torch.addmm(carry, E_s[t + 1], R, out=dh_s[j])  # dh_t
                else:
                    dh = dh_s[j].copy_(carry)
                E_u_s[t].mul_(dh)  # da_u
                da_n = dA_n_s[t].mul_(dh)  # da_n
                torch.mul(da_n, r_s[t], out=E_n_s[t])  # dg_n = da_n ⊙ r
                E_r_s[t].mul_(da_n)  # da_r = da_n ⊙ g_n ⊙ σ'(r)
                carry = torch.addcmul(dY_s[t - 1], dh, u_s[t]) if t > 0 else dh * u_s[t]
        return D, carry

    def _bptt_loop(self, loops, A, Y, Gn, R, h0, grads):
        """The same as :meth:`_bptt_torch`, the whole loop in C (``loops.c``)."""
        dY, dh_T = grads
        T, B, GH = A.shape
        H = GH // 3
        D = A.new_empty(T, B, 4 * H)  # [da_r, da_u, dg_n, da_n]
        carry = A.new_zeros(B, H)  # dh_{t+1} ⊙ u_{t+1}, until it reaches h_{-1}
        tensors = (A, Y, Gn, R, h0, dY, dh_T, carry, D)
        runtime.run(loops.gru_backward_sequence, "GRU backward", B, H, 3, *tensors, T, B, H)
        return D, carry


class GRUBeforeKernel(Kernel):
    """``GRUCell(reset="before")``: two products per step, ``R_{ru} h`` then ``R_n (r ⊙ h)``.

    Where the compiled loops are available (:mod:`.compiled`) the whole loop runs in C
    (``loops.c``: ``gru_before_forward_sequence``, ``gru_before_backward_sequence``), the work
    shared among torch's threads; otherwise in the torch operations below. Both write the same
    buffers.
    """

    has_compiled_loop = True

    def parameters(self, cell) -> list[Tensor]:
        return [cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh]

    def forward(self, x, state, params):
        (h0,) = state
        W, R, b_ih, b_hh = params
        loops = compiled.loops(x.dtype, x.device)
        A = project(x, W, None if loops is not None else b_ih + b_hh)  # (T, B, 3H): W x_t (+ b)
        T, B, GH = A.shape
        H = GH // 3
        Y = A.new_empty(T, B, H)  # h_t
        RH = A.new_empty(T, B, H)  # r ⊙ h_{t-1}
        if loops is not None:  # the loop adds b, then turns A into r, u, n
            tensors = (A, Y, RH, R, b_ih + b_hh, h0)
            forward = loops.gru_before_forward_sequence
            runtime.run(forward, "GRU forward", B, H, 3, *tensors, T, B, H, self.zero_state)
            return (Y, Y[-1].clone()), (A, Y, RH)
        r_s, u_s, n_s = (g.unbind(0) for g in A.view(T, B, 3, H).unbind(2))
        ru_s = A[:, :, : 2 * H].unbind(0)
        R_ru_T = transposed(R[: 2 * H])  # (H, 2H)
        R_n_T = transposed(R[2 * H :])  # (H, H)
        h = h0
        for t, (a_ru, r, u, n, rh_t, h_t) in enumerate(
            zip(ru_s, r_s, u_s, n_s, RH.unbind(0), Y.unbind(0), strict=True)
        ):
            first_zero = t == 0 and self.zero_state
            if not first_zero:
                a_ru.addmm_(h, R_ru_T)  # W_{r,u} x_t + R_{r,u} h_{t-1} + b_{r,u}
            a_ru.sigmoid_()  # r, u = σ(...)
            rh = torch.mul(r, h, out=rh_t)  # r ⊙ h_{t-1}
            if not first_zero:
                n.addmm_(rh, R_n_T)  # W_n x_t + R_n (r ⊙ h_{t-1}) + b_n
            n.tanh_()  # n = tanh(...)
            h = torch.lerp(n, h, u, out=h_t)  # h = u ⊙ h_{t-1} + (1 - u) ⊙ n
        return (Y, h.clone()), (A, Y, RH)

    def backward(self, needs, x, state, params, saved, grads):
        (h0,) = state
        W, R = params[:2]
        A, Y, RH = saved
        T, B, GH = A.shape
        H = GH // 3
        loops = compiled.loops(A.dtype, A.device)
        if loops is not None:
            dA, carry = self._bptt_loop(loops, A, Y, R, h0, grads)
        else:
            dA, carry = self._bptt_torch(A, Y, R, h0, grads)
        dK_n = dA[:, :, 2 * H :]
        dA_ru_0, R_ru = dA[0, :, : 2 * H], R[: 2 * H]

        n_x, n_h0, n_W, n_R, n_bih, n_bhh = needs
        dx, dW, db = input_grads((n_x, n_W, n_bih or n_bhh), dA, x, W)
        db_ih, db_hh = split_bias_grad(db, n_bih, n_bhh)
        dh0 = torch.addmm(carry, dA_ru_0, R_ru) if n_h0 else None
        dR = None
        if n_R:
            dR = torch.empty_like(R)
            dR[: 2 * H] = recurrent_grad(dA[:, :, : 2 * H], None if self.zero_state else h0, Y)
            dR[2 * H :] = dK_n.reshape(T * B, H).T @ RH.reshape(T * B, H)  # Σ da_nᵀ (r ⊙ h)
        return [dx, dh0, dW, dR, db_ih, db_hh]

    def _bptt_loop(self, loops, A, Y, R, h0, grads):
        """The same as :meth:`_bptt_torch`, the whole loop in C (``loops.c``)."""
        dY, dh_T = grads
        T, B, GH = A.shape
        dA = torch.empty_like(A)  # [da_r, da_u, da_n]
        carry = A.new_zeros(B, GH // 3)  # what reaches h_{t-1} outside R_{r,u}
        tensors = (A, Y, R, h0, dY, dh_T, carry, dA)
        backward = loops.gru_before_backward_sequence
        runtime.run(backward, "GRU backward", B, GH // 3, 3, *tensors, T, B, GH // 3)
        return dA, carry

    def _bptt_torch(self, A, Y, R, h0, grads):
        """``dA`` (T, B, 3H) = [da_r, da_u, da_n] and what reaches h_{-1} outside R_{r,u}."""
        dY, dh_T = grads
        T, B, GH = A.shape
        H = GH // 3
        r, u, n = A.view(T, B, 3, H).unbind(2)
        dA = torch.empty_like(A)
        dK_r, dK_u, dK_n = dA.view(T, B, 3, H).unbind(2)
        R_ru, R_n = R[: 2 * H], R[2 * H :]
        r_s, u_s, dY_s = r.unbind(0), u.unbind(0), dY.unbind(0)
        dA_ru_s, dA_n_s = dA[:, :, : 2 * H].unbind(0), dK_n.unbind(0)
        dA_un_s, dA_r_s = dA.view(T, B, 3, H)[:, :, 1:].unbind(0), dK_r.unbind(0)

        carry = dY_s[T - 1] + dh_T  # dY_t + dh_{t+1} ⊙ u + d(r⊙h)_{t+1} ⊙ r, waiting for R_ruᵀ da
        for s, e in time_blocks(T, B * GH * A.element_size()):
            sl = slice(s, e)
            h_prev = previous(Y, h0, s, e)
            sigma = torch.addcmul(A[sl], A[sl], A[sl], value=-1).view(e - s, B, 3, H)  # σ'
            torch.sub(h_prev, n[sl], out=dK_u[sl]).mul_(sigma[:, :, 1])  # (h_{t-1} - n) σ'(u)
            torch.mul(1 - u[sl], 1 - n[sl] * n[sl], out=dK_n[sl])  # (1 - u) ⊙ tanh'
            torch.mul(h_prev, sigma[:, :, 0], out=dK_r[sl])  # h_{t-1} ⊙ σ'(r)
            DH = dA.new_empty(e - s, B, 1, H)  # dh_t, shaped to scale the u and n blocks
            dh_s, dh_b = DH[:, :, 0].unbind(0), DH.unbind(0)
            for t in range(e - 1, s - 1, -1):
                j = t - s
                if t < T - 1:
                    dh = torch.addmm(carry, dA_ru_s[t + 1], R_ru, out=dh_s[j])  # dh_t
                else:
                    dh = dh_s[j].copy_(carry)
                dA_un_s[t].mul_(dh_b[j])  # da_u, da_n ∝ dh_t
                drh = dA_n_s[t] @ R_n  # d(r ⊙ h_{t-1}) = R_nᵀ da_n
                dA_r_s[t].mul_(drh)  # da_r = d(r ⊙ h) ⊙ h_{t-1} ⊙ σ'(r)
                gate_path = dh * u_s[t] if t == 0 else torch.addcmul(dY_s[t - 1], dh, u_s[t])
                carry = gate_path.addcmul_(drh, r_s[t])
        return dA, carry


@serves(GRUCell)
def _gru(cell: GRUCell) -> str | Kernel:
    """On a GPU torch.nn.GRU's kernel (cuDNN); on the CPU the fused GRU, faster than torch's."""
    if cell.reset == "before":
        return GRUBeforeKernel()
    return "torch" if cell.weight_hh.is_cuda else GRUAfterKernel()


@serves(SimpleGRUCell)
def _simple_gru(cell: SimpleGRUCell) -> SimpleGRUKernel | None:
    phi = activation(cell.phi)
    return None if phi is None else SimpleGRUKernel(phi)
