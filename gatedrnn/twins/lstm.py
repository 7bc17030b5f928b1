"""NumPy twins of the LSTM (with its variants) and the subLSTM, with BPTT written out by hand."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..states import LSTMState
from .base import Array, Params, Twin
from .nonlinearities import Phi, activation, dsigmoid, sigmoid


class LSTMStep(NamedTuple):
    x: Array  # x_t (B, I)
    h_prev: Array  # h_{t-1} (B, H)
    c_prev: Array  # c_{t-1} (B, H)
    a_z: Array  # candidate pre-activation (B, H)
    i: Array  # input gate (B, H)
    f: Array  # forget gate (B, H)
    z: Array  # candidate φ1(a_z) (B, H)
    c: Array  # memory cell c_t (B, H)
    o: Array  # output gate (B, H)


class LSTM(Twin):
    r"""NumPy twin of :class:`gatedrnn.LSTMCell` (and ``torch.nn.LSTMCell``).

    Forward (notes eq. 6–10), fused blocks **(i, f, z, o)**, or (i, z, o) when coupled:

    .. math::
        i = \sigma(a_i),\ f = \sigma(a_f),\ z = \varphi_1(a_z),\ o = \sigma(a_o), \qquad
        a = W x_t + R h_{t-1} + b  \\
        c_t = f \odot c_{t-1} + i \odot z, \qquad h_t = o \odot \varphi_2(c_t)

    Backward at step t, with :math:`\delta h = \partial L/\partial h_t` and
    :math:`\delta c` = ∂L/∂c_t from step t+1:

    .. math::
        do = \delta h \odot \varphi_2(c_t)  \\
        dc = \delta c + \delta h \odot o \odot \varphi_2'(c_t)  \\
        di = dc \odot z, \quad df = dc \odot c_{t-1}, \quad dz = dc \odot i, \quad
        dc_{t-1} = dc \odot f  \\
        da_i = di \odot i(1-i), \ da_f = df \odot f(1-f), \ da_z = dz \odot \varphi_1'(a_z), \
        da_o = do \odot o(1-o)

    then the affine map: :math:`\partial L/\partial W \mathrel{+}= da^\top x_t`,
    :math:`\partial L/\partial R \mathrel{+}= da^\top h_{t-1}`, :math:`dh_{t-1} = da\,R`,
    :math:`dx_t = da\,W`.

    Variants: ``coupled`` (``f = 1 − i``, so ``di`` collects ``−df``); ``peephole`` (``a_i``,
    ``a_f`` add ``w_ci ⊙ c_{t-1}``, ``w_cf ⊙ c_{t-1}``, and ``a_o`` adds ``w_co ⊙ c_t``, so
    ``dc`` collects ``da_o ⊙ w_co`` and ``dc_{t-1}`` collects ``da_i ⊙ w_ci + da_f ⊙ w_cf``;
    a coupled LSTM has no ``w_cf``).
    """

    state_type = LSTMState
    cell_name = "LSTMCell"
    torch_name = "LSTMCell"

    def __init__(
        self,
        params: Params,
        *,
        phi1: Phi = "tanh",
        phi2: Phi = "tanh",
        peephole: bool = False,
        coupled: bool = False,
    ):
        super().__init__(params, phi1=phi1, phi2=phi2, peephole=peephole, coupled=coupled)
        self.phi1 = activation(phi1, name="phi1")
        self.phi2 = activation(phi2, name="phi2")
        self.peephole, self.coupled = bool(peephole), bool(coupled)

    @staticmethod
    def param_shapes(
        input_size: int, hidden_size: int, *, peephole: bool = False, coupled: bool = False, **_
    ) -> dict[str, tuple]:
        I, H = input_size, hidden_size
        G = 3 if coupled else 4
        shapes = {
            "weight_ih": (G * H, I),
            "weight_hh": (G * H, H),
            "bias_ih": (G * H,),
            "bias_hh": (G * H,),
        }
        if peephole:
            shapes.update(weight_ci=(H,), weight_co=(H,))
            if not coupled:
                shapes["weight_cf"] = (H,)
        return shapes

    @classmethod
    def options_from_cell(cls, cell) -> dict:
        return {
            "phi1": cell.phi1,
            "phi2": cell.phi2,
            "peephole": cell.peephole,
            "coupled": cell.coupled,
        }

    def step(self, x_t: Array, state: LSTMState):
        p = self.params
        h_prev, c_prev = state
        gates = self.preactivations(x_t, h_prev)  # (B, 4H), or (B, 3H) when coupled
        if self.coupled:
            a_i, a_z, a_o = np.split(gates, 3, axis=1)
        else:
            a_i, a_f, a_z, a_o = np.split(gates, 4, axis=1)
        if self.peephole:
            a_i = a_i + p["weight_ci"] * c_prev
            if not self.coupled:
                a_f = a_f + p["weight_cf"] * c_prev
        i = sigmoid(a_i)
        f = 1 - i if self.coupled else sigmoid(a_f)
        z = self.phi1(a_z)
        c = f * c_prev + i * z
        if self.peephole:
            a_o = a_o + p["weight_co"] * c
        o = sigmoid(a_o)
        h = o * self.phi2(c)
        return h, LSTMState(h, c), LSTMStep(x_t, h_prev, c_prev, a_z, i, f, z, c, o)

    def step_backward(self, dh: Array, dstate: LSTMState, cache: LSTMStep, grads):
        p = self.params
        x, h_prev, c_prev, a_z, i, f, z, c, o = cache
        dh = dh + dstate.h  # ∂L/∂h_t: the loss at t, and the steps after t
        do = dh * self.phi2(c)
        dc = dstate.c + dh * o * self.phi2.df(c)  # c_t feeds h_t and c_{t+1}
        da_o = do * o * (1 - o)
        if self.peephole:
            dc = dc + da_o * p["weight_co"]  # a_o = … + w_co ⊙ c_t
            grads["weight_co"] += (da_o * c).sum(0)
        di = dc * z
        df = dc * c_prev
        dz = dc * i
        dc_prev = dc * f
        if self.coupled:
            di = di - df  # f = 1 - i
        da_i = di * i * (1 - i)
        da_z = dz * self.phi1.df(a_z)
        if self.coupled:
            dgates = np.concatenate([da_i, da_z, da_o], axis=1)  # (B, 3H)
        else:
            da_f = df * f * (1 - f)
            dgates = np.concatenate([da_i, da_f, da_z, da_o], axis=1)  # (B, 4H)
        if self.peephole:
            dc_prev = dc_prev + da_i * p["weight_ci"]
            grads["weight_ci"] += (da_i * c_prev).sum(0)
            if not self.coupled:
                dc_prev = dc_prev + da_f * p["weight_cf"]
                grads["weight_cf"] += (da_f * c_prev).sum(0)
        dx, dh_prev = self.preactivations_backward(dgates, x, h_prev, grads)
        return LSTMState(dh_prev, dc_prev), dx


class SubLSTMStep(NamedTuple):
    x: Array  # x_t (B, I)
    h_prev: Array  # h_{t-1} (B, H)
    c_prev: Array  # c_{t-1} (B, H)
    i: Array  # input gate (B, H)
    f: Array  # forget gate (B, H), or (H,) for fix-subLSTM
    z: Array  # candidate (B, H)
    c: Array  # memory cell c_t (B, H)
    o: Array  # output gate (B, H)


class SubLSTM(Twin):
    r"""NumPy twin of :class:`gatedrnn.SubLSTMCell`, subLSTM or fix-subLSTM.

    Forward (Costa et al. 2017), fused blocks **(i, f, z, o)**, or (i, z, o) when
    ``fixed_forget`` (then ``f = σ(forget_logit)``, one value per unit):

    .. math::
        [i, f, z, o] = \sigma(W x_t + R h_{t-1} + b)  \\
        c_t = f \odot c_{t-1} + z - i, \qquad h_t = \sigma(c_t) - o

    Backward at step t, with :math:`\delta h = \partial L/\partial h_t`,
    :math:`\delta c` = ∂L/∂c_t from step t+1:

    .. math::
        do = -\delta h, \qquad dc = \delta c + \delta h \odot \sigma(c_t)(1 - \sigma(c_t))  \\
        di = -dc, \quad dz = dc, \quad df = dc \odot c_{t-1}, \quad dc_{t-1} = dc \odot f  \\
        da_g = dg \odot g(1 - g) \quad \text{for every gate } g

    Neither ``i`` nor ``o`` multiplies the candidate's gradient ``dz = dc``: subtractive gates
    pass gradients on unscaled (compare ``dz = dc ⊙ i`` in the LSTM).
    """

    state_type = LSTMState
    cell_name = "SubLSTMCell"

    def __init__(self, params: Params, *, fixed_forget: bool = False):
        super().__init__(params, fixed_forget=fixed_forget)
        self.fixed_forget = bool(fixed_forget)

    @staticmethod
    def param_shapes(
        input_size: int, hidden_size: int, *, fixed_forget: bool = False, **_
    ) -> dict[str, tuple]:
        I, H = input_size, hidden_size
        G = 3 if fixed_forget else 4
        shapes = {
            "weight_ih": (G * H, I),
            "weight_hh": (G * H, H),
            "bias_ih": (G * H,),
            "bias_hh": (G * H,),
        }
        if fixed_forget:
            shapes["forget_logit"] = (H,)
        return shapes

    @classmethod
    def options_from_cell(cls, cell) -> dict:
        return {"fixed_forget": cell.fixed_forget}

    def step(self, x_t: Array, state: LSTMState):
        h_prev, c_prev = state
        gates = sigmoid(self.preactivations(x_t, h_prev))  # (B, 4H), or (B, 3H)
        if self.fixed_forget:
            i, z, o = np.split(gates, 3, axis=1)
            f = sigmoid(self.params["forget_logit"])  # (H,)
        else:
            i, f, z, o = np.split(gates, 4, axis=1)
        c = f * c_prev + z - i
        h = sigmoid(c) - o
        return h, LSTMState(h, c), SubLSTMStep(x_t, h_prev, c_prev, i, f, z, c, o)

    def step_backward(self, dh: Array, dstate: LSTMState, cache: SubLSTMStep, grads):
        x, h_prev, c_prev, i, f, z, c, o = cache
        dh = dh + dstate.h  # ∂L/∂h_t: the loss at t, and the steps after t
        do = -dh
        dc = dstate.c + dh * dsigmoid(c)
        di = -dc
        dz = dc
        df = dc * c_prev
        dc_prev = dc * f
        da_i = di * i * (1 - i)
        da_z = dz * z * (1 - z)
        da_o = do * o * (1 - o)
        da_f = df * f * (1 - f)
        if self.fixed_forget:
            grads["forget_logit"] += da_f.sum(0)
            dgates = np.concatenate([da_i, da_z, da_o], axis=1)  # (B, 3H)
        else:
            dgates = np.concatenate([da_i, da_f, da_z, da_o], axis=1)  # (B, 4H)
        dx, dh_prev = self.preactivations_backward(dgates, x, h_prev, grads)
        return LSTMState(dh_prev, dc_prev), dx
