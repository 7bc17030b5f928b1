"""Rate networks: the Euler-discretised firing-rate equations, in rate and voltage form."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
from torch import Tensor, nn

from ..nonlinearities import resolve
from ..states import RateState, VoltageState
from .base import RecurrentCell

FORMS = ("rate", "voltage")


class RateCell(RecurrentCell):
    r"""One Euler step of a recurrent rate network (notes eq. 1–5).

    Continuous time, rate form and voltage form:

    .. math::
        \tau \frac{dr}{dt} = -r + \varphi(R r + W x + b) \qquad
        \tau \frac{dv}{dt} = -v + R \varphi(v) + W x + b

    Euler's method with step :math:`\Delta t` and :math:`z = \Delta t / \tau` gives

    .. math::
        r_t = (1 - z) \odot r_{t-1} + z \odot \varphi(R r_{t-1} + W x_t + b)  \\
        v_t = (1 - z) \odot v_{t-1} + z \odot (R \varphi(v_{t-1}) + W x_t + b)

    The rate form returns ``(r_t, RateState(r_t))``; the voltage form returns the rates
    ``(φ(v_t), VoltageState(v_t))``.

    ==============  =============================  ==========
    symbol          attribute                      shape
    ==============  =============================  ==========
    :math:`W`       weight_ih                      (H, I)
    :math:`R`       recurrent_weight (from weight_hh)  (H, H)
    :math:`b`       bias                           (H,)
    :math:`z`       z = dt / tau (buffer)          (H,)
    ==============  =============================  ==========

    Args:
        form: ``"rate"`` or ``"voltage"``.
        tau: membrane time constant(s) in ms, a number or one per unit; must be > 0.
        dt: Euler time step in ms; ``0 < dt / tau <= 1``.
        phi: ``"tanh"``, ``"relu"``, ``"ssn"`` (``k·max(0, u)^n``) or a callable.
        k, n: gain and power of ``"ssn"``.
        dale: ``None``, or the fraction of excitatory units (Dale's principle; 0.8 gives
            E:I = 80:20).
            Then ``R = |R_raw| · D`` with ``D = diag(±1)``: the first ``round(dale·H)`` units are
            excitatory (their columns of ``R`` are >= 0), the rest inhibitory (columns <= 0).
            ``weight_hh`` holds ``R_raw``; inhibitory magnitudes start ``n_E / n_I`` times larger
            so that excitation and inhibition balance on average.

    >>> cell = RateCell(2, 100, tau=20.0, dt=1.0, phi="relu", dale=0.8)
    >>> r, state = cell(torch.randn(8, 2))   # r: (8, 100)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        *,
        form: str = "rate",
        tau: float | Sequence[float] | Tensor = 10.0,
        dt: float = 1.0,
        phi: str | Callable[[Tensor], Tensor] = "tanh",
        k: float = 0.04,
        n: float = 2.0,
        dale: float | None = None,
    ):
        super().__init__(input_size, hidden_size)
        if form not in FORMS:
            raise ValueError(f"form must be 'rate' or 'voltage'; got {form!r}")
        self.form = form
        self.state_type = RateState if form == "rate" else VoltageState
        self.tau, self.dt, self.k, self.n, self.dale = tau, dt, k, n, dale
        self.phi = resolve(phi, k=k, n=n)
        self.register_buffer("z", _euler_z(tau, dt, hidden_size))
        self.register_buffer("signs", _dale_signs(dale, hidden_size))
        H, I = hidden_size, input_size
        self.weight_ih = nn.Parameter(torch.empty(H, I))
        self.weight_hh = nn.Parameter(torch.empty(H, H))
        self.bias = nn.Parameter(torch.empty(H))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """W and b uniform in ``(-1/√H, 1/√H)``; ``R_raw`` Gaussian with variance ``1/H``."""
        super().reset_parameters()
        with torch.no_grad():
            nn.init.normal_(self.weight_hh, 0.0, 1.0 / math.sqrt(self.hidden_size))
            if self.signs is not None:
                n_e = int((self.signs > 0).sum())
                n_i = self.hidden_size - n_e
                self.weight_hh[:, self.signs < 0] *= n_e / n_i

    @property
    def recurrent_weight(self) -> Tensor:
        """The effective recurrent matrix ``R`` (H, H): ``|R_raw| · D`` under Dale's principle."""
        if self.signs is None:
            return self.weight_hh
        return self.weight_hh.abs() * self.signs  # column j takes the sign of presynaptic unit j

    def gates(self, x_t: Tensor, state: RateState | VoltageState | None = None):
        """``z = dt / tau``, the fixed gate that a GRU learns, (B, H)."""
        self.prepare(x_t, state)
        return {"z": self.z.expand(x_t.shape[0], self.hidden_size)}

    def forward(self, x_t: Tensor, state: RateState | VoltageState | None = None):
        (s_prev,) = self.prepare(x_t, state)
        z, R, W, b, phi = self.z, self.recurrent_weight, self.weight_ih, self.bias, self.phi
        if self.form == "rate":
            r = (1 - z) * s_prev + z * phi(s_prev @ R.T + x_t @ W.T + b)
            return r, RateState(r)
        v = (1 - z) * s_prev + z * (phi(s_prev) @ R.T + x_t @ W.T + b)
        return phi(v), VoltageState(v)


def _euler_z(tau, dt: float, hidden_size: int) -> Tensor:
    """``z = dt / tau`` per unit, checking ``tau > 0`` and ``0 < z <= 1``."""
    tau = torch.as_tensor(tau, dtype=torch.float64).flatten()
    if tau.numel() not in (1, hidden_size):
        raise ValueError(
            f"tau must be one number or one per unit ({hidden_size} values); got {tau.numel()}"
        )
    if not (torch.isfinite(tau).all() and (tau > 0).all()):  # nan and inf too
        raise ValueError(f"tau must be > 0 (ms) and finite; got tau = {_show(tau)}")
    if not 0 < dt < math.inf:
        raise ValueError(f"dt must be > 0 (ms) and finite; got dt = {dt}")
    z = dt / tau
    if (z > 1).any():
        raise ValueError(
            f"z = dt / tau must lie in (0, 1]: Euler steps longer than tau overshoot; "
            f"got dt = {dt} and tau = {_show(tau)}, so dt / tau = {_show(z)}"
        )
    return z.expand(hidden_size).to(torch.get_default_dtype()).clone()


def _dale_signs(dale: float | None, hidden_size: int) -> Tensor | None:
    """``diag(D)``: +1 for the first ``round(dale·H)`` (excitatory) units, -1 for the rest."""
    if dale is None:
        return None
    if isinstance(dale, bool) or not 0 < dale < 1:
        raise ValueError(
            f"dale is the fraction of excitatory units and must lie in (0, 1), e.g. 0.8 for "
            f"E:I = 80:20; got dale = {dale!r}"
        )
    n_e = round(dale * hidden_size)
    if not 0 < n_e < hidden_size:
        raise ValueError(
            f"dale = {dale} with hidden_size = {hidden_size} leaves {n_e} excitatory and "
            f"{hidden_size - n_e} inhibitory units; both populations need at least one"
        )
    signs = torch.ones(hidden_size)
    signs[n_e:] = -1.0
    return signs


def _show(t: Tensor) -> str:
    return f"{t.item():g}" if t.numel() == 1 else f"[{t.min().item():g} … {t.max().item():g}]"
