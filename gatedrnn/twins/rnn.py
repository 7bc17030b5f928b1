"""NumPy twins of the vanilla RNN and the rate network, with BPTT written out by hand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from ..states import HiddenState, RateState, VoltageState
from .base import Array, Params, Twin
from .nonlinearities import Phi, activation


class VanillaStep(NamedTuple):
    x: Array  # x_t (B, I)
    h_prev: Array  # h_{t-1} (B, H)
    h: Array  # h_t (B, H)


class VanillaRNN(Twin):
    r"""NumPy twin of :class:`gatedrnn.VanillaRNNCell` (and ``torch.nn.RNNCell``).

    Forward, with :math:`a_t` the pre-activation:

    .. math::
        a_t = W x_t + b_{ih} + R h_{t-1} + b_{hh}, \qquad h_t = \tanh(a_t)

    Backward at step t, with :math:`\delta_t = \partial L/\partial h_t` (the loss at t plus
    everything after t, through :math:`h_{t+1}`):

    .. math::
        da_t = \delta_t \odot (1 - h_t^2)  \\
        \partial L/\partial W \mathrel{+}= da_t^\top x_t, \quad
        \partial L/\partial R \mathrel{+}= da_t^\top h_{t-1}, \quad
        \partial L/\partial b \mathrel{+}= \textstyle\sum_B da_t  \\
        \partial L/\partial x_t = da_t W, \qquad \partial L/\partial h_{t-1} = da_t R

    Parameters: ``weight_ih`` W (H, I), ``weight_hh`` R (H, H), ``bias_ih``, ``bias_hh`` (H,).

    >>> twin = VanillaRNN.random(3, 5)
    >>> hs, state, cache = twin.forward(np.ones((10, 2, 3)))          # hs: (10, 2, 5)
    >>> grads = twin.backward(np.ones_like(hs), cache)                # grads["weight_hh"]: (5, 5)
    """

    state_type = HiddenState
    cell_name = "VanillaRNNCell"
    torch_name = "RNNCell"

    def __init__(self, params: Params):
        super().__init__(params)

    @staticmethod
    def param_shapes(input_size: int, hidden_size: int) -> dict[str, tuple]:
        I, H = input_size, hidden_size
        return {"weight_ih": (H, I), "weight_hh": (H, H), "bias_ih": (H,), "bias_hh": (H,)}

    def step(self, x_t: Array, state: HiddenState):
        p = self.params
        W, R, b_ih, b_hh = p["weight_ih"], p["weight_hh"], p["bias_ih"], p["bias_hh"]
        (h_prev,) = state
        h = np.tanh(x_t @ W.T + b_ih + h_prev @ R.T + b_hh)
        return h, HiddenState(h), VanillaStep(x_t, h_prev, h)

    def step_backward(self, dh: Array, dstate: HiddenState, cache: VanillaStep, grads):
        W, R = self.params["weight_ih"], self.params["weight_hh"]
        x, h_prev, h = cache
        dh = dh + dstate.h  # ∂L/∂h_t: the loss at t, and every later step through h_{t+1}
        da = dh * (1 - h**2)  # tanh'(a) = 1 - tanh(a)²
        grads["weight_ih"] += da.T @ x
        grads["weight_hh"] += da.T @ h_prev
        grads["bias_ih"] += da.sum(0)
        grads["bias_hh"] += da.sum(0)
        dx = da @ W
        dh_prev = da @ R
        return HiddenState(dh_prev), dx


class RateStep(NamedTuple):
    x: Array  # x_t (B, I)
    s_prev: Array  # r_{t-1} or v_{t-1} (B, H)
    u: Array  # rate form: the input current R r_{t-1} + W x_t + b; voltage form: v_t (B, H)


class RateNetwork(Twin):
    r"""NumPy twin of :class:`gatedrnn.RateCell`, rate or voltage form, any φ, Dale or not.

    Forward (``z = Δt/τ`` per unit, ``R = |R_raw| · diag(signs)`` under Dale's principle):

    .. math::
        \text{rate:}\quad u_t = R r_{t-1} + W x_t + b, \qquad
            r_t = (1 - z) \odot r_{t-1} + z \odot \varphi(u_t)  \\
        \text{voltage:}\quad v_t = (1 - z) \odot v_{t-1}
            + z \odot (R \varphi(v_{t-1}) + W x_t + b), \qquad \text{output } \varphi(v_t)

    Backward at step t (rate form), with :math:`\delta_t = \partial L/\partial r_t`:

    .. math::
        du_t = \delta_t \odot z \odot \varphi'(u_t)  \\
        \partial L/\partial W \mathrel{+}= du_t^\top x_t, \quad
        \partial L/\partial R \mathrel{+}= du_t^\top r_{t-1}, \quad
        \partial L/\partial b \mathrel{+}= \textstyle\sum_B du_t  \\
        \partial L/\partial r_{t-1} = (1 - z) \odot \delta_t + du_t R

    Voltage form, with :math:`\delta_t = \partial L/\partial v_t` (the output's gradient times
    :math:`\varphi'(v_t)` plus the steps after t) and :math:`du_t = z \odot \delta_t`:

    .. math::
        \partial L/\partial R \mathrel{+}= du_t^\top \varphi(v_{t-1}), \qquad
        \partial L/\partial v_{t-1} = (1 - z) \odot \delta_t + (du_t R) \odot \varphi'(v_{t-1})

    Under Dale's principle the gradient reaching ``weight_hh`` is
    :math:`\partial L/\partial R_{raw} = \partial L/\partial R \odot D \odot
    \mathrm{sign}(R_{raw})`.

    Args:
        params: ``weight_ih`` W (H, I), ``weight_hh`` R_raw (H, H), ``bias`` b (H,).
        form: ``"rate"`` or ``"voltage"``.
        tau, dt: time constant(s) and Euler step in ms, giving ``z = dt / tau``.
        z: ``dt / tau`` directly, a number or (H,); overrides ``tau`` and ``dt``
            (``from_cell`` passes the cell's buffer).
        phi: ``"tanh"``, ``"relu"``, ``"ssn"`` (with ``k``, ``n``), ``"sigmoid"``,
            ``"identity"``, or a pair of NumPy functions ``(phi, dphi)``.
        signs: (H,) of ±1, the sign of each presynaptic unit (the cell's ``signs``), or None.
    """

    cell_name = "RateCell"

    def __init__(
        self,
        params: Params,
        *,
        form: str = "rate",
        tau: float | Sequence[float] = 10.0,
        dt: float = 1.0,
        z: float | Array | None = None,
        phi: Phi = "tanh",
        k: float = 0.04,
        n: float = 2.0,
        signs: Array | None = None,
    ):
        if form not in ("rate", "voltage"):
            raise ValueError(f"form must be 'rate' or 'voltage'; got {form!r}")
        super().__init__(params, form=form, tau=tau, dt=dt, z=z, phi=phi, k=k, n=n, signs=signs)
        H = self.hidden_size
        self.form = form
        self.state_type = RateState if form == "rate" else VoltageState
        z = dt / np.asarray(tau, dtype=np.float64) if z is None else z
        self.z = np.broadcast_to(np.asarray(z, dtype=np.float64), (H,)).copy()
        self.phi = activation(phi, k=k, n=n)
        self.signs = None if signs is None else np.asarray(signs, dtype=np.float64).reshape(H)

    @staticmethod
    def param_shapes(input_size: int, hidden_size: int, **options) -> dict[str, tuple]:
        I, H = input_size, hidden_size
        return {"weight_ih": (H, I), "weight_hh": (H, H), "bias": (H,)}

    @classmethod
    def options_from_cell(cls, cell) -> dict:
        signs = None if cell.signs is None else cell.signs.detach().cpu().double().numpy()
        tau = cell.tau.detach().cpu().numpy() if hasattr(cell.tau, "detach") else cell.tau
        return {
            "form": cell.form,
            "tau": tau,
            "dt": cell.dt,
            "z": cell.z.detach().cpu().double().numpy(),  # dt / tau as the cell computed it
            "phi": cell.phi,
            "signs": signs,
        }

    @property
    def recurrent_weight(self) -> Array:
        """The effective R (H, H): ``|R_raw| · diag(signs)`` under Dale's principle."""
        R_raw = self.params["weight_hh"]
        return R_raw if self.signs is None else np.abs(R_raw) * self.signs

    def step(self, x_t: Array, state):
        W, b = self.params["weight_ih"], self.params["bias"]
        R, z, phi = self.recurrent_weight, self.z, self.phi
        (s_prev,) = state
        if self.form == "rate":
            u = s_prev @ R.T + x_t @ W.T + b  # input current (B, H)
            r = (1 - z) * s_prev + z * phi(u)
            return r, RateState(r), RateStep(x_t, s_prev, u)
        v = (1 - z) * s_prev + z * (phi(s_prev) @ R.T + x_t @ W.T + b)
        return phi(v), VoltageState(v), RateStep(x_t, s_prev, v)

    def step_backward(self, dh: Array, dstate, cache: RateStep, grads):
        W, R, z, phi = self.params["weight_ih"], self.recurrent_weight, self.z, self.phi
        x, s_prev, u = cache
        (ds,) = dstate
        if self.form == "rate":
            dr = dh + ds  # ∂L/∂r_t: the output at t, and the steps after t
            du = dr * z * phi.df(u)
            dR = du.T @ s_prev
            ds_prev = (1 - z) * dr + du @ R
        else:
            v = u
            dv = dh * phi.df(v) + ds  # the output is φ(v_t); the state v_t feeds step t+1
            du = z * dv  # ∂L/∂(R φ(v_{t-1}) + W x_t + b)
            dR = du.T @ phi(s_prev)
            ds_prev = (1 - z) * dv + (du @ R) * phi.df(s_prev)
        grads["weight_ih"] += du.T @ x
        grads["weight_hh"] += self._raw(dR)
        grads["bias"] += du.sum(0)
        dx = du @ W
        return self.state_type(ds_prev), dx

    def _raw(self, dR: Array) -> Array:
        """∂L/∂R_raw from ∂L/∂R: R = |R_raw| · D, so multiply by D and by sign(R_raw)."""
        if self.signs is None:
            return dR
        return dR * self.signs * np.sign(self.params["weight_hh"])
