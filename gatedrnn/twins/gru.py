"""NumPy twins of the simple-GRU and the GRU (reset after or before), with BPTT by hand."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..states import HiddenState
from .base import Array, Params, Twin
from .nonlinearities import Phi, activation, sigmoid


class SimpleGRUStep(NamedTuple):
    x: Array  # x_t (B, I)
    h_prev: Array  # h_{t-1} (B, H)
    a_n: Array  # candidate pre-activation (B, H)
    z: Array  # gate (B, H)
    n: Array  # candidate φ(a_n) (B, H)


class SimpleGRU(Twin):
    r"""NumPy twin of :class:`gatedrnn.SimpleGRUCell` (notes eq. 14–15), fused blocks **(z, n)**.

    .. math::
        z = \sigma(a_z), \quad n = \varphi(a_n), \qquad a = W x_t + R h_{t-1} + b  \\
        h_t = (1 - z) \odot h_{t-1} + z \odot n

    Backward, with :math:`\delta h = \partial L/\partial h_t`:

    .. math::
        dz = \delta h \odot (n - h_{t-1}), \quad dn = \delta h \odot z, \quad
        dh_{t-1} = \delta h \odot (1 - z) + da\,R  \\
        da_z = dz \odot z(1 - z), \quad da_n = dn \odot \varphi'(a_n)
    """

    state_type = HiddenState
    cell_name = "SimpleGRUCell"

    def __init__(self, params: Params, *, phi: Phi = "tanh"):
        super().__init__(params, phi=phi)
        self.phi = activation(phi)

    @staticmethod
    def param_shapes(input_size: int, hidden_size: int, **_) -> dict[str, tuple]:
        I, H = input_size, hidden_size
        return {
            "weight_ih": (2 * H, I),
            "weight_hh": (2 * H, H),
            "bias_ih": (2 * H,),
            "bias_hh": (2 * H,),
        }

    @classmethod
    def options_from_cell(cls, cell) -> dict:
        return {"phi": cell.phi}

    def step(self, x_t: Array, state: HiddenState):
        (h_prev,) = state
        a_z, a_n = np.split(self.preactivations(x_t, h_prev), 2, axis=1)  # (B, H) each
        z = sigmoid(a_z)
        n = self.phi(a_n)
        h = (1 - z) * h_prev + z * n
        return h, HiddenState(h), SimpleGRUStep(x_t, h_prev, a_n, z, n)

    def step_backward(self, dh: Array, dstate: HiddenState, cache: SimpleGRUStep, grads):
        x, h_prev, a_n, z, n = cache
        dh = dh + dstate.h  # ∂L/∂h_t: the loss at t, and the steps after t
        dz = dh * (n - h_prev)
        dn = dh * z
        dh_prev = dh * (1 - z)
        da_z = dz * z * (1 - z)
        da_n = dn * self.phi.df(a_n)
        dgates = np.concatenate([da_z, da_n], axis=1)  # (B, 2H)
        dx, dh_prev_gates = self.preactivations_backward(dgates, x, h_prev, grads)
        return HiddenState(dh_prev + dh_prev_gates), dx


class GRUStep(NamedTuple):
    x: Array  # x_t (B, I)
    h_prev: Array  # h_{t-1} (B, H)
    r: Array  # reset gate (B, H)
    u: Array  # PyTorch's update gate (B, H); the notes' z = 1 - u
    n: Array  # candidate (B, H)
    hn: Array  # R_n h_{t-1} + b_hn (after) or R_n (r ⊙ h_{t-1}) + b_hn (before) (B, H)


class GRU(Twin):
    r"""NumPy twin of :class:`gatedrnn.GRUCell` (and ``torch.nn.GRUCell``).

    Fused blocks **(r, u, n)**, ``u`` PyTorch's update gate and ``z = 1 − u`` the notes':

    .. math::
        r = \sigma(W_r x_t + b_{ir} + R_r h_{t-1} + b_{hr}), \quad
        u = \sigma(W_u x_t + b_{iu} + R_u h_{t-1} + b_{hu}), \quad z = 1 - u  \\
        \text{after:}\ n = \tanh(W_n x_t + b_{in} + r \odot (R_n h_{t-1} + b_{hn})) \qquad
        \text{before:}\ n = \tanh(W_n x_t + b_{in} + R_n (r \odot h_{t-1}) + b_{hn})  \\
        h_t = (1 - z) \odot h_{t-1} + z \odot n

    Backward, with :math:`\delta h = \partial L/\partial h_t` and :math:`a_n` the argument of tanh:

    .. math::
        dz = \delta h \odot (n - h_{t-1}), \quad du = -dz, \quad dn = \delta h \odot z, \quad
        dh_{t-1} = \delta h \odot (1 - z) + \dots  \\
        da_n = dn \odot (1 - n^2)  \\
        \text{after:}\ dr = da_n \odot (R_n h_{t-1} + b_{hn}) \qquad
        \text{before:}\ dr = (da_n R_n) \odot h_{t-1}  \\
        da_r = dr \odot r(1 - r), \qquad da_u = du \odot u(1 - u)
    """

    state_type = HiddenState
    cell_name = "GRUCell"
    torch_name = "GRUCell"

    def __init__(self, params: Params, *, reset: str = "after"):
        if reset not in ("after", "before"):
            raise ValueError(f"reset must be 'after' or 'before'; got {reset!r}")
        super().__init__(params, reset=reset)
        self.reset = reset

    @staticmethod
    def param_shapes(input_size: int, hidden_size: int, **_) -> dict[str, tuple]:
        I, H = input_size, hidden_size
        return {
            "weight_ih": (3 * H, I),
            "weight_hh": (3 * H, H),
            "bias_ih": (3 * H,),
            "bias_hh": (3 * H,),
        }

    @classmethod
    def options_from_cell(cls, cell) -> dict:
        return {"reset": cell.reset}

    def blocks(self, name: str) -> list[Array]:
        """The (r, u, n) blocks of a fused parameter (views into it)."""
        return np.split(self.params[name], 3)

    def step(self, x_t: Array, state: HiddenState):
        W_r, W_u, W_n = self.blocks("weight_ih")  # (H, I) each
        R_r, R_u, R_n = self.blocks("weight_hh")  # (H, H) each
        b_ir, b_iu, b_in = self.blocks("bias_ih")
        b_hr, b_hu, b_hn = self.blocks("bias_hh")
        (h_prev,) = state
        r = sigmoid(x_t @ W_r.T + b_ir + h_prev @ R_r.T + b_hr)
        u = sigmoid(x_t @ W_u.T + b_iu + h_prev @ R_u.T + b_hu)
        z = 1 - u
        if self.reset == "after":
            hn = h_prev @ R_n.T + b_hn
            n = np.tanh(x_t @ W_n.T + b_in + r * hn)
        else:
            hn = (r * h_prev) @ R_n.T + b_hn
            n = np.tanh(x_t @ W_n.T + b_in + hn)
        h = (1 - z) * h_prev + z * n
        return h, HiddenState(h), GRUStep(x_t, h_prev, r, u, n, hn)

    def step_backward(self, dh: Array, dstate: HiddenState, cache: GRUStep, grads):
        W_r, W_u, W_n = self.blocks("weight_ih")
        R_r, R_u, R_n = self.blocks("weight_hh")
        dW_r, dW_u, dW_n = np.split(grads["weight_ih"], 3)  # views: += writes into grads
        dR_r, dR_u, dR_n = np.split(grads["weight_hh"], 3)
        db_ir, db_iu, db_in = np.split(grads["bias_ih"], 3)
        db_hr, db_hu, db_hn = np.split(grads["bias_hh"], 3)
        x, h_prev, r, u, n, hn = cache
        z = 1 - u
        dh = dh + dstate.h  # ∂L/∂h_t: the loss at t, and the steps after t
        dz = dh * (n - h_prev)
        dn = dh * z
        dh_prev = dh * (1 - z)
        du = -dz  # z = 1 - u
        da_n = dn * (1 - n**2)
        if self.reset == "after":
            dr = da_n * hn
            dhn = da_n * r  # ∂L/∂(R_n h_{t-1} + b_hn)
            dR_n += dhn.T @ h_prev
            dh_prev += dhn @ R_n
        else:
            drh = da_n @ R_n  # ∂L/∂(r ⊙ h_{t-1})
            dr = drh * h_prev
            dhn = da_n
            dR_n += dhn.T @ (r * h_prev)
            dh_prev += drh * r
        db_hn += dhn.sum(0)
        da_r = dr * r * (1 - r)
        da_u = du * u * (1 - u)
        dW_r += da_r.T @ x
        dW_u += da_u.T @ x
        dW_n += da_n.T @ x
        db_ir += da_r.sum(0)
        db_iu += da_u.sum(0)
        db_in += da_n.sum(0)
        dR_r += da_r.T @ h_prev
        dR_u += da_u.T @ h_prev
        db_hr += da_r.sum(0)
        db_hu += da_u.sum(0)
        dh_prev += da_r @ R_r + da_u @ R_u
        dx = da_r @ W_r + da_u @ W_u + da_n @ W_n
        return HiddenState(dh_prev), dx
