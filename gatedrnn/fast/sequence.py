"""One autograd function for a whole layer: a cell family's forward loop and its hand-derived BPTT.

Every fused family (LSTM variants, subLSTM, simple-GRU, GRU, rate networks) follows one plan:

1. **Hoist the input projection.** ``A = W x + b`` for all T·B rows in one matrix product,
   ``(T·B, I) @ (I, G·H)``; the buffer ``A`` (T, B, G·H) then receives ``R h_{t-1}`` step by step
   and is turned into the gates in place.
2. **Forward loop** over ``A.unbind(0)`` (never ``A[t]``, which makes autograd's backward
   quadratic in T), one small matrix product ``h_{t-1} @ R.T`` per step, written straight into the
   preallocated buffers, with no autograd graph.
3. **Backward loop**, written by hand (BPTT): walking t = T-1 … 0 it fills ``dA`` (T, B, G·H),
   the gradient of the pre-activations, carrying ``dh`` (and ``dc``) back with ``dA_t @ R``.
4. **Weight gradients after the loop**, in one big product each: ``dW = dAᵀ x``,
   ``dR = Σ_t dA_tᵀ h_{t-1}``, ``db = Σ dA``; ``dx = dA W`` only when x needs it.

For the subLSTM, the LSTM variants and the GRU (reset after R), loops 2 and 3 run in C where
they are compiled (``loops.c``, :mod:`.compiled`): the same equations, with the hidden units
or the batch rows shared among torch's threads.

Second derivatives (``create_graph=True``, Hessian-vector products, gradient penalties) and
batched gradients (``torch.func``, ``jacobian(..., vectorize=True)``) replay the readable loop of
the cells with autograd instead, so they are exact; only first-order backward uses the
hand-written BPTT.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor

from ..cells import RecurrentCell


class Kernel:
    """One cell family on a whole sequence.

    A kernel is built from a cell (its options) and knows the cell's parameters in a fixed
    order. ``forward`` returns the outputs ``(Y, *final_state)`` and the tensors its
    ``backward`` needs; ``backward`` returns the gradients of ``(x, *state, *params)``.
    ``zero_state`` says the initial state is the zeros of ``init_state`` (no gradient), so the
    first step can skip ``R h_{-1}``.
    """

    zero_state: bool = False
    has_compiled_loop: bool = False  # its whole loop can run in C (loops.c, see .compiled)

    def parameters(self, cell: RecurrentCell) -> list[Tensor]:
        raise NotImplementedError

    def forward(
        self, x: Tensor, state: Sequence[Tensor], params: Sequence[Tensor]
    ) -> tuple[tuple[Tensor, ...], tuple[Tensor, ...]]:
        raise NotImplementedError

    def backward(
        self,
        needs: Sequence[bool],
        x: Tensor,
        state: Sequence[Tensor],
        params: Sequence[Tensor],
        saved: Sequence[Tensor],
        grads: Sequence[Tensor],
    ) -> list[Tensor | None]:
        raise NotImplementedError


class FusedSequence(torch.autograd.Function):
    """``apply(kernel, cell, x, *state, *params) -> (Y, *final_state)``."""

    @staticmethod
    def forward(ctx, kernel: Kernel, cell: RecurrentCell, x: Tensor, *inputs: Tensor):
        n_state = len(cell.state_type._fields)
        state, params = inputs[:n_state], inputs[n_state:]
        outputs, saved = kernel.forward(x, state, params)
        ctx.kernel, ctx.cell, ctx.n_state, ctx.n_inputs = kernel, cell, n_state, 1 + len(inputs)
        ctx.save_for_backward(x, *inputs, *saved)
        return outputs

    @staticmethod
    def backward(ctx, *grads: Tensor):
        tensors = ctx.saved_tensors
        x, inputs, saved = tensors[0], tensors[1 : ctx.n_inputs], tensors[ctx.n_inputs :]
        state, params = inputs[: ctx.n_state], inputs[ctx.n_state :]
        needs = ctx.needs_input_grad[2:]
        if torch.is_grad_enabled() or any(_is_batched(g) for g in grads):
            input_grads = _replay_readable(ctx.cell, (x, *state, *params), grads, needs)
        else:
            input_grads = ctx.kernel.backward(needs, x, state, params, saved, grads)
        return (None, None, *input_grads)


def _is_batched(t: Tensor | None) -> bool:
    """A gradient batched by ``vmap`` (``torch.func``, ``jacobian(..., vectorize=True)``)."""
    functorch = torch._C._functorch
    return t is not None and (
        functorch.is_functorch_wrapped_tensor(t) or functorch.is_legacy_batchedtensor(t)
    )


def _replay_readable(cell: RecurrentCell, inputs, grads, needs) -> list[Tensor | None]:
    """Gradients through the readable per-step loop, differentiable themselves.

    Used for double backward and batched gradients. ``inputs`` = (x, *state, *params) are the
    original tensors (the params are the cell's own), so the gradients keep their dependence on
    them.
    """
    n_state = len(cell.state_type._fields)
    x, state = inputs[0], inputs[1 : 1 + n_state]
    wanted = [t for t, need in zip(inputs, needs, strict=True) if need]
    with torch.enable_grad():
        s = cell.state_type(*state)
        outputs = []
        for x_t in x.unbind(0):  # the runner's readable loop
            h_t, s = cell(x_t, s)
            outputs.append(h_t)
        produced = (torch.stack(outputs), *s)
    pairs = [
        (o, g) for o, g in zip(produced, grads, strict=True) if g is not None and o.requires_grad
    ]
    got = iter(
        torch.autograd.grad(
            [o for o, _ in pairs],
            wanted,
            [g for _, g in pairs],
            create_graph=torch.is_grad_enabled(),
            allow_unused=True,
        )
    )
    return [next(got) if need else None for need in needs]


# --- pieces every kernel shares ---------------------------------------------------------------


def project(x: Tensor, W: Tensor, b: Tensor | None) -> Tensor:
    """``A = W x_t + b`` for every t in one product: x (T, B, I) -> A (T, B, G·H).

    ``b`` None leaves it out (a compiled loop adds it as it goes).
    """
    T, B, I = x.shape
    x2 = x.reshape(T * B, I)
    return (torch.mm(x2, W.T) if b is None else torch.addmm(b, x2, W.T)).view(T, B, -1)


def transposed(R: Tensor) -> Tensor:
    """``Rᵀ`` (H, G·H) laid out in memory, for the per-step ``h_{t-1} @ Rᵀ``.

    The matrix product packs its right operand at every call; packing a row-major ``Rᵀ`` is
    cheaper than packing the transposed view ``R.T``, and the copy is made once per sequence.
    """
    return R.T.contiguous()


def recurrent_grad(dA: Tensor, h0: Tensor | None, Y: Tensor) -> Tensor:
    """``dR = Σ_t dA_tᵀ h_{t-1}``: dA (T, B, G·H), Y (T, B, H) -> (G·H, H).

    ``h_{-1} = h0``; None stands for zeros (then the first step adds nothing).
    """
    T, B, GH = dA.shape
    H = Y.shape[2]
    if T == 1:
        return dA.new_zeros(GH, H) if h0 is None else dA[0].T @ h0
    dR = dA[1:].reshape((T - 1) * B, GH).T @ Y[:-1].reshape((T - 1) * B, H)
    return dR if h0 is None else dR.addmm_(dA[0].T, h0)


def previous(C: Tensor, c0: Tensor, s: int, e: int) -> Tensor:
    """``c_{t-1}`` for the steps ``s … e-1`` (e-s, B, H); ``C`` holds c_0 … c_{T-1}, c_{-1} = c0."""
    if s > 0:
        return C[s - 1 : e - 1]
    return torch.cat([c0.unsqueeze(0), C[: e - 1]])


def mul_previous_(target: Tensor, C: Tensor, c0: Tensor, s: int) -> Tensor:
    """``target[k] *= c_{s+k-1}`` for the steps ``s … s+K-1`` of ``target`` (K, B, H), in place.

    ``C`` (T, B, H) holds c_0 … c_{T-1}; ``c_{-1} = c0``.
    """
    K = target.shape[0]
    if s > 0:
        return target.mul_(C[s - 1 : s - 1 + K])
    target[0].mul_(c0)
    target[1:].mul_(C[: K - 1])
    return target


BLOCK_BYTES = 2**21  # about what stays in a core's cache


def time_blocks(T: int, bytes_per_step: int) -> list[tuple[int, int]]:
    """Blocks ``[s, e)`` of time steps, last first, each holding about ``BLOCK_BYTES``.

    The backward loops compute whatever does not depend on the carried gradient for a whole
    block at once (few calls, data still in cache), then walk the block step by step.
    """
    K = max(1, BLOCK_BYTES // max(1, bytes_per_step))
    return [(s, min(s + K, T)) for s in reversed(range(0, T, K))]


def input_grads(
    needs: Sequence[bool], dA: Tensor, x: Tensor, W: Tensor
) -> tuple[Tensor | None, Tensor | None, Tensor | None]:
    """``dx = dA W``, ``dW = Σ dAᵀ x`` and ``db = Σ dA`` (over t and b), each when needed.

    ``needs`` = (x, W, b). The input ``x`` of the first layer is data: its ``dx`` is skipped.
    """
    T, B, I = x.shape
    dA2 = dA.view(T * B, -1)  # (T·B, G·H)
    dx = (dA2 @ W).view(T, B, I) if needs[0] else None
    dW = dA2.T @ x.reshape(T * B, I) if needs[1] else None
    db = dA2.sum(0) if needs[2] else None
    return dx, dW, db


def memory_cell_buffers(
    x: Tensor, params: Sequence[Tensor], G: int, *, add_bias: bool = True
) -> tuple[Tensor, Tensor, Tensor]:
    """The forward buffers of an LSTM-like layer of G gate blocks; params = (W, R, b_ih, b_hh, …).

    ``A`` (T, B, G·H) = ``W x_t + b`` for every t (without ``b`` unless ``add_bias``; the gates
    after the loop), and ``C`` and ``Y`` (T, B, H), empty, for ``c_t`` and ``h_t``.
    """
    W, _, b_ih, b_hh = params[:4]
    A = project(x, W, b_ih + b_hh if add_bias else None)
    T, B, GH = A.shape
    return A, A.new_empty(T, B, GH // G), A.new_empty(T, B, GH // G)


def memory_cell_grads(
    needs: Sequence[bool],
    dA: Tensor,
    dc0: Tensor,
    x: Tensor,
    h0: Tensor,
    W: Tensor,
    R: Tensor,
    Y: Tensor,
    zero_state: bool,
) -> list[Tensor | None]:
    """The gradients of ``(x, h0, c0, W, R, b_ih, b_hh)`` of an LSTM-like layer, from ``dA``.

    ``needs`` holds at least those seven flags; ``dA`` (T, B, G·H) is ``da_t`` for every step,
    ``dc0`` the gradient that reached ``c_{-1}``, ``Y`` the outputs; ``zero_state``: h0 is zero.
    """
    n_x, n_h0, n_c0, n_W, n_R, n_bih, n_bhh = needs[:7]
    dx, dW, db = input_grads((n_x, n_W, n_bih or n_bhh), dA, x, W)
    db_ih, db_hh = split_bias_grad(db, n_bih, n_bhh)
    dh0 = dA[0] @ R if n_h0 else None  # h_{-1} reaches a_0 through R only
    dR = recurrent_grad(dA, None if zero_state else h0, Y) if n_R else None
    return [dx, dh0, dc0 if n_c0 else None, dW, dR, db_ih, db_hh]


def split_bias_grad(db: Tensor | None, needs_ih: bool, needs_hh: bool):
    """``b = b_ih + b_hh``: both receive ``db`` (as separate tensors)."""
    if db is None:
        return None, None
    return (db if needs_ih else None), (db.clone() if needs_hh else None)


# --- the two backward loops --------------------------------------------------------------------


def memory_bptt(
    dA: Tensor,
    dY: Tensor,
    dh_T: Tensor | None,
    dc_T: Tensor,
    R: Tensor,
    prepare: Callable[[int, int], tuple[Tensor, Tensor]],
    *,
    output_gate: bool,
    on_block: Callable[[int, Tensor], None] | None = None,
) -> Tensor:
    """BPTT of a cell with a memory ``c`` beside its output ``h`` (LSTM, subLSTM, voltage form).

        dh_t = dY_t + Rᵀ da_{t+1}
        dc_t = dc_{t+1} ⊙ m_{t+1} + dh_t ⊙ k_t
        da_t = [dc_t ⊙ K_t (memory blocks), dh_t ⊙ K_t (output gate)]

    with ``k_t = ∂h_t/∂c_t``, ``m_t = ∂c_t/∂c_{t-1}`` and ``K_t`` what multiplies ``dc_t`` (or
    ``dh_t``) in each gate's ``da``. None of them depends on the gradients, so
    ``prepare(s, e)`` computes them for the steps ``s … e-1`` at once: it writes ``K`` into
    ``dA[s:e]`` and returns ``(k, m)``, each (e-s, B, H) or broadcasting to it. The last gate
    block is the output gate (∝ dh) when ``output_gate``. ``on_block(s, dc)`` sees the block's
    ``dc`` (e-s, B, H). Returns ``dc_0 ⊙ m_0``, the gradient reaching ``c_{-1}``; ``dA`` ends
    holding ``da_t``.
    """
    T, B, GH = dA.shape
    H = dY.shape[2]
    G = GH // H
    dAg = dA.view(T, B, G, H)
    dA_s, dY_s = dA.unbind(0), dY.unbind(0)
    dc_blocks = dAg[:, :, : G - 1 if output_gate else G].unbind(0)
    do_s = dAg[:, :, G - 1].unbind(0)
    dh = dY_s[T - 1] if dh_T is None else dY_s[T - 1] + dh_T
    dc_f = dc_T  # dc_{t+1} ⊙ m_{t+1}: what reaches c_t through the next step's memory
    for s, e in time_blocks(T, B * GH * dA.element_size()):
        k, m = prepare(s, e)
        k_s, m_s = k.unbind(0), m.unbind(0)
        DC = dA.new_empty(e - s, B, 1, H)  # dc_t, shaped to scale whole gate blocks
        dc_s, dc_b = DC[:, :, 0].unbind(0), DC.unbind(0)
        for t in range(e - 1, s - 1, -1):
            j = t - s
            if t < T - 1:
                dh = torch.addmm(dY_s[t], dA_s[t + 1], R)  # dh_t = dY_t + Rᵀ da_{t+1}
            dc = torch.addcmul(dc_f, dh, k_s[j], out=dc_s[j])  # dc_t
            dc_blocks[t].mul_(dc_b[j])  # da ∝ dc_t
            if output_gate:
                do_s[t].mul_(dh)  # da_o ∝ dh_t
            dc_f = dc * m_s[j]
        if on_block is not None:
            on_block(s, DC[:, :, 0])
    return dc_f


def hidden_bptt(
    dA: Tensor,
    dY: Tensor,
    dh_T: Tensor,
    R: Tensor,
    prepare: Callable[[int, int], Tensor],
) -> Tensor:
    """BPTT of a cell whose state is its output ``h`` (simple-GRU, rate form).

        dh_t = dY_t + dh_{t+1} ⊙ m_{t+1} + Rᵀ da_{t+1}
        da_t = dh_t ⊙ K_t (every gate block)

    with ``m_t`` the direct ``∂h_t/∂h_{t-1}`` (not through ``R``) and ``K_t`` (per gate block)
    what multiplies ``dh_t`` in ``da_t``. ``prepare(s, e)`` writes ``K`` into ``dA[s:e]`` and
    returns ``m`` for the steps ``s … e-1``. Returns ``dh_0 ⊙ m_0``; the gradient reaching
    ``h_{-1}`` adds ``Rᵀ da_0``.
    """
    T, B, GH = dA.shape
    H = dY.shape[2]
    dAg_s, dA_s, dY_s = dA.view(T, B, -1, H).unbind(0), dA.unbind(0), dY.unbind(0)
    carry = dY_s[T - 1] + dh_T  # dY_t + dh_{t+1} ⊙ m_{t+1}, waiting for Rᵀ da_{t+1}
    for s, e in time_blocks(T, B * GH * dA.element_size()):
        m_s = prepare(s, e).unbind(0)
        DH = dA.new_empty(e - s, B, 1, H)  # dh_t, shaped to scale every gate block
        dh_s, dh_b = DH[:, :, 0].unbind(0), DH.unbind(0)
        for t in range(e - 1, s - 1, -1):
            j = t - s
            if t < T - 1:
                dh = torch.addmm(carry, dA_s[t + 1], R, out=dh_s[j])  # + Rᵀ da_{t+1}
            else:
                dh = dh_s[j].copy_(carry)
            dAg_s[t].mul_(dh_b[j])  # da_t = dh_t ⊙ K_t
            carry = torch.addcmul(dY_s[t - 1], dh, m_s[j]) if t > 0 else dh * m_s[j]
    return carry
