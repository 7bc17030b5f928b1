r"""Closed-form Jacobians of one step of each cell, ``∂h_t/∂h_{t-1}``.

Every cell is a map of the state, :math:`h_t = F(h_{t-1}, x_t)` (notes eq. 19–20 for the GRU).
Its Jacobian :math:`J_t = \partial F/\partial h_{t-1}` (B, H, H), row i column j
:math:`\partial h_{t,i}/\partial h_{t-1,j}`, decides whether gradients and perturbations grow
or shrink: BPTT multiplies :math:`\partial L/\partial h_{t-1} = J_t^\top \partial L/\partial h_t`.

Notation below: :math:`\mathrm{diag}(v) R` scales row i of R by :math:`v_i`; it is
``v[:, :, None] * R`` for a batch of vectors ``v`` (B, H).

LSTM and subLSTM carry two state vectors, :math:`h` and :math:`c`. ``state_jacobian`` returns
by default :math:`\partial h_t/\partial h_{t-1}` **with** :math:`c_{t-1}` **held fixed** (B, H, H),
the effect of the recurrent weights alone; ``full=True`` returns the Jacobian of the whole
state (B, 2H, 2H) in blocks

.. math::
    \begin{pmatrix} \partial h_t/\partial h_{t-1} & \partial h_t/\partial c_{t-1} \\
                    \partial c_t/\partial h_{t-1} & \partial c_t/\partial c_{t-1} \end{pmatrix}

which is what gradients actually flow through (``gradient_flow`` and ``fixed_point`` use it).
For the voltage-form rate network the state is :math:`v` and the Jacobian is
:math:`\partial v_t/\partial v_{t-1}`.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from .. import cells
from .._validation import check_step_input
from ..nonlinearities import is_registered


def _rows(v: Tensor, M: Tensor) -> Tensor:
    """diag(v) M for a batch: v (B, H), M (H, H) or (B, H, H) -> (B, H, H)."""
    return v.unsqueeze(-1) * M


def _diag(v: Tensor) -> Tensor:
    """diag(v) for a batch: v (B, H) -> (B, H, H)."""
    return torch.diag_embed(v)


def derivative(phi, u: Tensor) -> Tensor:
    """φ'(u) elementwise: the registry's closed form for a named φ, autograd for a custom one."""
    if is_registered(phi):
        return phi.derivative(u)
    with torch.enable_grad():  # a custom elementwise φ: its derivative, entry by entry
        u = u.detach().requires_grad_(True)
        (du,) = torch.autograd.grad(phi(u).sum(), u)
    return du


def _vanilla(cell: cells.VanillaRNNCell, x: Tensor, state) -> Tensor:
    (h_prev,) = state
    h, _ = cell(x, state)
    R = cell.weight_hh
    return _rows(1 - h**2, R)  # J = diag(1 - h_t²) R


def _rate(cell: cells.RateCell, x: Tensor, state) -> Tensor:
    (s_prev,) = state
    z, R, W, b, phi = cell.z, cell.recurrent_weight, cell.weight_ih, cell.bias, cell.phi
    one_minus_z = _diag((1 - z).expand_as(s_prev))
    if cell.form == "rate":
        u = s_prev @ R.T + x @ W.T + b
        return one_minus_z + _rows(z * derivative(phi, u), R)  # diag(1-z) + diag(z φ'(u)) R
    # voltage: diag(1 - z) + diag(z) R diag(φ'(v_{t-1}))
    return one_minus_z + _rows(z.expand_as(s_prev), R * derivative(phi, s_prev).unsqueeze(-2))


def _recurrent_blocks(cell: cells.RecurrentCell) -> dict[str, Tensor]:
    """Each gate's block of ``R`` (H, H), by name, in the cell's own order."""
    return {name: cell.weight_hh[cell.block(name)] for name in cell.gate_order}


def _lstm_blocks(cell: cells.LSTMCell, x: Tensor, state):
    h_prev, c_prev = state
    g, c = cell.step(x, state)  # the gates i, f, z, o and c_t, as the cell computes them
    i, f, z, o = g["i"], g["f"], g["z"], g["o"]
    R = _recurrent_blocks(cell)
    a_z = cell.pre_activations(x, h_prev)["z"]
    # c_t = f ⊙ c_{t-1} + i ⊙ z: derivatives of c_t with respect to each gate's pre-activation
    g_i = (z - c_prev if cell.coupled else z) * i * (1 - i)  # coupled: f = 1 - i
    g_z = i * derivative(cell.phi1, a_z)
    J_ch = _rows(g_i, R["i"]) + _rows(g_z, R["z"])
    J_cc = f.clone()  # diagonal of ∂c_t/∂c_{t-1}
    if not cell.coupled:
        g_f = c_prev * f * (1 - f)
        J_ch = J_ch + _rows(g_f, R["f"])
    if cell.peephole:
        J_cc = J_cc + g_i * cell.weight_ci
        if not cell.coupled:
            J_cc = J_cc + g_f * cell.weight_cf
    # h_t = o ⊙ φ2(c_t), o = σ(a_o (+ w_co ⊙ c_t)): ∂h_t/∂c_t (diagonal) and ∂h_t/∂a_o
    k_o = cell.phi2(c) * o * (1 - o)
    k_c = o * derivative(cell.phi2, c)
    if cell.peephole:
        k_c = k_c + k_o * cell.weight_co
    J_hh = _rows(k_o, R["o"]) + _rows(k_c, J_ch)
    J_hc = k_c * J_cc
    return J_hh, _diag(J_hc), J_ch, _diag(J_cc), k_c


def _sublstm_blocks(cell: cells.SubLSTMCell, x: Tensor, state):
    h_prev, c_prev = state
    i, f, z, o = cell.gates(x, state).values()  # (B, H) each
    R = _recurrent_blocks(cell)
    c = f * c_prev + z - i
    # c_t = f ⊙ c_{t-1} + z - i: the gates add and subtract, nothing multiplies z
    J_ch = _rows(-i * (1 - i), R["i"]) + _rows(z * (1 - z), R["z"])
    if not cell.fixed_forget:
        J_ch = J_ch + _rows(c_prev * f * (1 - f), R["f"])
    # h_t = σ(c_t) - o
    k_c = torch.sigmoid(c) * (1 - torch.sigmoid(c))
    J_hh = _rows(-o * (1 - o), R["o"]) + _rows(k_c, J_ch)
    return J_hh, _diag(k_c * f), J_ch, _diag(f), k_c


def _simple_gru(cell: cells.SimpleGRUCell, x: Tensor, state) -> Tensor:
    (h_prev,) = state
    z, n = cell.gates(x, state).values()  # (B, H) each
    R = _recurrent_blocks(cell)
    a_n = cell.pre_activations(x, h_prev)["n"]
    # h = (1 - z) h_prev + z n: diag(1 - z) + diag((n - h_prev) z(1 - z)) R_z + diag(z φ'(a_n)) R_n
    return (
        _diag(1 - z)
        + _rows((n - h_prev) * z * (1 - z), R["z"])
        + _rows(z * derivative(cell.phi, a_n), R["n"])
    )


def _gru(cell: cells.GRUCell, x: Tensor, state) -> Tensor:
    (h_prev,) = state
    g = cell.gates(x, state)
    r, u, n, z = g["r"], g["u"], g["n"], g["z"]
    R = _recurrent_blocks(cell)
    dr = _rows(r * (1 - r), R["r"])  # ∂r/∂h_{t-1}
    if cell.reset == "after":
        hn = h_prev @ R["n"].T + cell.bias_hh[cell.block("n")]
        da_n = _rows(r, R["n"]) + _rows(hn, dr)  # ∂/∂h of r ⊙ (R_n h + b_hn)
    else:
        da_n = R["n"] @ (_diag(r) + _rows(h_prev, dr))  # ∂/∂h of R_n (r ⊙ h)
    dz = _rows(-u * (1 - u), R["u"])  # z = 1 - u
    # F(h, x) = (1 - z) ⊙ h + z ⊙ n (notes eq. 19-20)
    return _diag(1 - z) + _rows(n - h_prev, dz) + _rows(z * (1 - n**2), da_n)


def _by_autograd(cell: cells.RecurrentCell, x: Tensor, state, full: bool) -> Tensor:
    """The Jacobian of a cell without a closed form here (a cell of one's own), by autograd.

    ``full``: of the whole state, its fields side by side (B, kH, kH); else ∂h_t/∂h_{t-1} with
    the other fields held fixed (B, H, H).
    """
    H = cell.hidden_size

    def step(s: Tensor) -> Tensor:
        before = cell.state_type(*s.split(H, dim=1)) if full else type(state)(s, *state[1:])
        _, after = cell(x, before)
        return torch.cat(list(after), dim=1) if full else after[0]

    wrt = torch.cat(list(state), dim=1) if full else state[0]
    with torch.enable_grad():
        J = torch.autograd.functional.jacobian(step, wrt)  # (B, n, B, n)
    rows = torch.arange(wrt.shape[0], device=wrt.device)
    return J[rows, :, rows, :]  # each row of the batch depends on its own state only


def check_cell(cell, function: str) -> None:
    if not isinstance(cell, cells.RecurrentCell):
        hint = ""
        if isinstance(cell, nn.RNNCellBase):
            hint = "; copy a torch.nn cell into ours first, e.g. gatedrnn.GRUCell(I, H) and "
            hint += "load_state_dict(torch_cell.state_dict())"
        raise TypeError(
            f"{function} takes a gatedrnn cell (VanillaRNNCell, RateCell, LSTMCell, "
            f"SubLSTMCell, SimpleGRUCell, GRUCell, or a RecurrentCell of one's own); "
            f"got {type(cell).__name__}{hint}"
        )


def _as_tensors(state, like: Tensor):
    """A state given as NumPy arrays (or one bare array) as tensors like ``like``."""
    if isinstance(state, tuple):
        return type(state)(
            *(torch.as_tensor(v, dtype=like.dtype, device=like.device) for v in state)
        )
    return torch.as_tensor(state, dtype=like.dtype, device=like.device)


def _as_state(cell, x_t: Tensor, state):
    if state is None:
        return cell.init_state(x_t.shape[0])
    if isinstance(state, Tensor) and len(cell.state_type._fields) == 1:
        state = cell.state_type(state)
    if isinstance(state, tuple) and not isinstance(state, cell.state_type):
        state = cell.state_type(*state)
    return cell.prepare(x_t, state)


def state_jacobian(cell, x_t: Tensor, state=None, *, full: bool = False) -> Tensor:
    r"""The closed-form Jacobian of one step, ``∂h_t/∂h_{t-1}`` (B, H, H).

    ``x_t`` (B, I) and the state before the step (the cell's state tuple, a (B, H) tensor for
    one-field states, or None for zeros); tensors or NumPy arrays. A single example ``x_t``
    (I,) with (H,) state fields gives (H, H).

    ==================  =============================================================
    cell                Jacobian
    ==================  =============================================================
    VanillaRNNCell      diag(1 − h_t²) R
    RateCell, rate      diag(1 − z) + diag(z ⊙ φ'(u_t)) R
    RateCell, voltage   diag(1 − z) + diag(z) R diag(φ'(v_{t−1}))
    SimpleGRUCell       diag(1 − z) + diag((n − h) ⊙ z(1 − z)) R_z + diag(z ⊙ φ'(a_n)) R_n
    GRUCell             diag(1 − z) − diag((n − h) ⊙ u(1 − u)) R_u + diag(z ⊙ (1 − n²)) ∂a_n/∂h
    LSTMCell            ∂h_t/∂h_{t−1} with c_{t−1} fixed; ``full=True``: (B, 2H, 2H) for (h, c)
    SubLSTMCell         the same
    ==================  =============================================================
    """
    check_cell(cell, "state_jacobian")
    p = next(cell.parameters())
    x_t = torch.as_tensor(x_t, dtype=p.dtype, device=p.device)  # NumPy arrays welcome
    check_step_input(x_t, cell, cell.input_size, single=True)
    if state is not None:
        state = _as_tensors(state, p)
    single = x_t.dim() == 1
    if single:
        x_t = x_t.unsqueeze(0)
        if state is not None:
            state = (
                (state.unsqueeze(0),)
                if isinstance(state, Tensor)
                else tuple(v.unsqueeze(0) for v in state)
            )
    J, _ = step_derivatives(cell, x_t, _as_state(cell, x_t, state), full=full)
    return J[0] if single else J


def step_derivatives(cell, x_t: Tensor, state, *, full: bool = True):
    """``(J, dh_dc)``: the step's Jacobian and, for LSTM and subLSTM, ∂h_t/∂c_t (B, H), else None.

    The course's cells have closed forms (below and in :func:`state_jacobian`); any other
    :class:`~gatedrnn.RecurrentCell`, a subclass included, is differentiated by autograd.

    ``∂h_t/∂c_t`` is diagonal (``o ⊙ φ2'(c_t)`` for the LSTM, plus the ``w_co`` peephole term;
    ``σ'(c_t)`` for the subLSTM): :func:`gradient_flow` needs it for the total ``∂L/∂c_t``.
    """
    kind = type(cell)  # the exact type: a subclass may change the equations
    with torch.no_grad():
        if kind in (cells.LSTMCell, cells.SubLSTMCell):
            blocks = (_lstm_blocks if kind is cells.LSTMCell else _sublstm_blocks)(cell, x_t, state)
            J_hh, J_hc, J_ch, J_cc, dh_dc = blocks
            if not full:
                return J_hh, dh_dc
            # [[∂h/∂h, ∂h/∂c], [∂c/∂h, ∂c/∂c]]
            J = torch.cat([torch.cat([J_hh, J_hc], 2), torch.cat([J_ch, J_cc], 2)], 1)
            return J, dh_dc
        if kind in CLOSED_FORMS:
            return CLOSED_FORMS[kind](cell, x_t, state), None
    check_cell(cell, "step_derivatives")
    return _by_autograd(cell, x_t, state, full), None


CLOSED_FORMS = {
    cells.VanillaRNNCell: _vanilla,
    cells.RateCell: _rate,
    cells.SimpleGRUCell: _simple_gru,
    cells.GRUCell: _gru,
}


def has_closed_form(cell) -> bool:
    """True for the course's own cells (exactly those types), False for a cell of one's own."""
    return type(cell) in (*CLOSED_FORMS, cells.LSTMCell, cells.SubLSTMCell)
