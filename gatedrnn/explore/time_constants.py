r"""Time-constant explorer: Euler steps of a rate unit, and the GRU's gate as a moving Δt/τ.

Left: one rate unit, :math:`\tau \, dr/dt = -r + \varphi(w r + I)`, solved exactly and by
Euler steps :math:`r_k = (1 - z) r_{k-1} + z \varphi(w r_{k-1} + I)` with :math:`z = \Delta t/\tau`
(:func:`gatedrnn.derive.rate_trajectories`, and the same steps taken by
:class:`gatedrnn.RateCell`). Large Δt/τ: coarse steps, overshoot, oscillation.

Right: one :class:`gatedrnn.GRUCell` unit, :math:`h_t = (1 - z_t) h_{t-1} + z_t n_t`: the same
update with :math:`z` replaced by a gate :math:`z_t = 1 - u_t = \sigma(w_z x_t + b_z)`, so the
unit's time constant :math:`\tau_{eff} = \Delta t / z_t` changes with its input. Beside it, the
rate unit with fixed :math:`z = \Delta t/\tau`.

>>> time_constant_explorer()
>>> tc = time_constants(tau=10.0, dt=5.0); tc.traj.error   # Euler's max error for Δt = 5 ms
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from ipywidgets import Dropdown
from matplotlib.ticker import NullFormatter

from .. import palette
from ..cells import GRUCell, RateCell
from ..derive import plot_rate_trajectories, rate_trajectories
from ..derive.euler import RateTrajectories
from ._base import Explorer, float_slider, one_thread
from .gates import input_sequence

F64 = torch.float64

__all__ = ["TimeConstants", "time_constants", "plot_time_constants", "time_constant_explorer"]

PHIS = ("tanh", "relu", "ssn")


@dataclass
class TimeConstants:
    """What :func:`time_constants` computed (times in ms).

    Attributes:
        traj: continuous and Euler solutions of the rate unit (see
            :class:`gatedrnn.derive.RateTrajectories`).
        cell_r: (K+1,) the same Euler steps taken by :class:`gatedrnn.RateCell`, from r_0; None
            when z = Δt/τ > 1 (the cell refuses such steps).
        z: Δt/τ.
        t: (T,) time of each GRU step, ms; x: (T,) its input.
        gate_z: (T,) the GRU's z_t = 1 − u_t; tau_eff: (T,) Δt / z_t, ms.
        h_gru: (T,) the GRU unit's output; r_fixed: (T,) the rate unit (fixed z) on the same input.
    """

    traj: RateTrajectories
    cell_r: np.ndarray | None
    z: float
    t: np.ndarray
    x: np.ndarray
    gate_z: np.ndarray
    tau_eff: np.ndarray
    h_gru: np.ndarray
    r_fixed: np.ndarray


def _rate_unit(tau: float, dt: float, phi: str, w: float) -> RateCell:
    """RateCell with I = H = 1: input weight 1, recurrent weight w, no bias."""
    with torch.random.fork_rng(devices=[]):  # the cell's random init must not move the global RNG
        cell = RateCell(1, 1, tau=tau, dt=dt, phi=phi).double()
    with torch.no_grad():
        cell.weight_ih.fill_(1.0)
        cell.weight_hh.fill_(w)
        cell.bias.zero_()
    return cell


def _gru_unit(w: float, w_z: float, b_z: float) -> GRUCell:
    """GRUCell with I = H = 1 and the reset gate open.

    z_t = 1 - u_t = σ(w_z x + b_z), n = tanh(x + w h).
    """
    with torch.random.fork_rng(devices=[]):
        cell = GRUCell(1, 1).double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.tensor([[0.0], [-w_z], [1.0]], dtype=F64))  # blocks (r, u, n)
        cell.bias_ih.copy_(
            torch.tensor([20.0, -b_z, 0.0], dtype=F64)
        )  # r = σ(20) ≈ 1: reset gate open
        cell.weight_hh.copy_(torch.tensor([[0.0], [0.0], [w]], dtype=F64))
        cell.bias_hh.zero_()
    return cell


def _steps(cell, x: np.ndarray, r0: float = 0.0) -> np.ndarray:
    """Outputs of ``cell`` (I = H = 1) over the input x (T,), from the state r0."""
    state = cell.state_type(torch.full((1, 1), float(r0), dtype=torch.float64))
    out = []
    with torch.no_grad():
        for x_t in torch.as_tensor(x, dtype=torch.float64).reshape(-1, 1, 1):
            h, state = cell(x_t, state)
            out.append(float(h))
    return np.array(out)


@one_thread()
def time_constants(
    tau: float = 10.0,
    dt: float = 2.0,
    phi: str = "tanh",
    w: float = 0.5,
    I: float = 1.0,
    *,
    r0: float = 0.0,
    t_end: float = 50.0,
    w_z: float = 4.0,
    b_z: float = -3.0,
    T: int = 60,
) -> TimeConstants:
    """Euler vs the continuous rate unit; a GRU unit's gate as a dynamic Δt/τ.

    Args:
        tau, dt: time constant and Euler step, ms (z = dt / tau).
        phi: ``"tanh"``, ``"relu"`` or ``"ssn"``.
        w: recurrent weight of the unit (also the GRU's candidate recurrent weight).
        I: constant input of the rate unit (left).
        r0: initial rate; t_end: simulated time, ms.
        w_z, b_z: the GRU's gate, z_t = σ(w_z x_t + b_z); its input x is two pulses.
        T: number of GRU steps.

    Returns:
        :class:`TimeConstants`.
    """
    traj = rate_trajectories(tau, dt, phi, w, I=I, r0=r0, t_end=t_end)
    z = dt / tau
    steps = len(traj.t) - 1
    cell_r = None
    if z <= 1:
        cell = _rate_unit(tau, dt, phi, w)
        cell_r = np.concatenate([[r0], _steps(cell, np.full(steps, I), r0)])

    x = input_sequence("pulses", T)
    gru = _gru_unit(w, w_z, b_z)
    h_gru = _steps(gru, x)
    gate_z = 1.0 / (1.0 + np.exp(-(w_z * x + b_z)))  # z_t = 1 - u_t, the GRU's gate on x_t
    r_fixed = _steps(_rate_unit(tau, dt, "tanh", w), x) if z <= 1 else np.full(T, np.nan)
    return TimeConstants(
        traj=traj,
        cell_r=cell_r,
        z=float(z),
        t=dt * np.arange(1, T + 1),
        x=x,
        gate_z=gate_z,
        tau_eff=dt / gate_z,
        h_gru=h_gru,
        r_fixed=r_fixed,
    )


def plot_time_constants(tc: TimeConstants, fig=None):
    """Left: continuous vs Euler (derive) and RateCell steps. Right: the GRU's z_t and τ_eff,
    and its output beside the fixed-z rate unit. Returns the Figure."""
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(11, 5), layout="constrained")
    grid = fig.add_gridspec(2, 2)
    left = fig.add_subplot(grid[:, 0])
    plot_rate_trajectories(tc.traj, left)
    if tc.cell_r is not None:
        left.plot(tc.traj.t, tc.cell_r, "x", color=palette.EXCITATORY, ms=5, label="RateCell steps")
        left.legend(frameon=False, fontsize="small")
        note = f"z = Δt/τ = {tc.z:.2f}, max error {tc.traj.error:.3f}"
    else:
        note = f"z = Δt/τ = {tc.z:.2f} > 1: Euler overshoots (RateCell refuses)"
    left.set_title(f"rate unit, τ = {tc.traj.tau[0]:g} ms\n{note}", fontsize="medium")

    top = fig.add_subplot(grid[0, 1])
    top.plot(
        tc.t,
        tc.gate_z,
        color=palette.INPUT_GATE,
        lw=1.8,
        label=r"GRU gate $z_t = \Delta t/\tau_{eff}$",
    )
    top.axhline(min(tc.z, 1.0), color="k", ls="--", lw=1, label=r"rate unit $z = \Delta t/\tau$")
    top.set(ylim=(0, 1.05), ylabel="z")
    top.legend(fontsize="small", loc="center right")
    twin = top.twinx()
    twin.semilogy(tc.t, tc.tau_eff, color=palette.INPUT_GATE, lw=0.8, ls=":")
    twin.yaxis.set_minor_formatter(NullFormatter())
    twin.set_ylabel(r"$\tau_{eff}$ (ms), dotted", fontsize="small")
    top.set_title("GRU: the update gate is a time constant that moves", fontsize="medium")

    bottom = fig.add_subplot(grid[1, 1], sharex=top)
    bottom.plot(tc.t, tc.x, color=palette.INPUT, lw=1.2, label="input x")
    bottom.plot(tc.t, tc.h_gru, color=palette.cell_color("GRU"), lw=1.8, label="GRU h")
    bottom.plot(tc.t, tc.r_fixed, color="k", lw=1.2, ls="--", label="rate unit r (tanh)")
    bottom.set(xlabel="time (ms)", ylabel="output")
    bottom.legend(fontsize="small", loc="upper right")
    return fig


def time_constant_explorer(**defaults) -> Explorer:
    """Sliders for τ, Δt, φ, w, I and the GRU gate; see the Euler error and τ_eff change.

    >>> time_constant_explorer(dt=8.0)   # start with coarse steps
    """
    start = dict(tau=10.0, dt=2.0, phi="tanh", w=0.5, I=1.0, w_z=4.0, b_z=-3.0)
    unknown = set(defaults) - set(start)
    if unknown:
        raise TypeError(
            f"time_constant_explorer() got unknown starting values {sorted(unknown)}; "
            f"use {', '.join(start)}"
        )
    start.update(defaults)
    controls = {
        "tau": float_slider("τ (ms)", start["tau"], 1.0, 50.0, 1.0),
        "dt": float_slider("Δt (ms)", start["dt"], 0.5, 25.0, 0.5),
        "phi": Dropdown(options=PHIS, value=start["phi"], description="φ"),
        "w": float_slider("recurrent w", start["w"], -2.0, 2.0, 0.1),
        "I": float_slider("input I", start["I"], -2.0, 3.0, 0.1),
        "w_z": float_slider("GRU gate w_z", start["w_z"], -8.0, 8.0, 0.5),
        "b_z": float_slider("GRU gate b_z", start["b_z"], -8.0, 8.0, 0.5),
    }

    def draw(fig, **values):
        tc = time_constants(**values)
        plot_time_constants(tc, fig)
        return tc

    return Explorer(
        controls,
        draw,
        title="Time constants: Euler steps and the GRU gate",
        figsize=(11.0, 5.5),
        start=start,
    )
