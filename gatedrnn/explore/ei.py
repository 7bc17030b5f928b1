r"""E/I explorer: Dale's principle, the recurrent matrix's spectrum, and the network's activity.

A :class:`gatedrnn.RateCell` with ``dale=`` the excitatory fraction has the effective recurrent
matrix :math:`R = |R_{raw}| \, D`, :math:`D = \mathrm{diag}(\pm 1)`: every column (a presynaptic
unit) has one sign. Here the excitatory columns are scaled by :math:`g_E` and the inhibitory
ones by :math:`g_I`. Linearised around a state where every unit is active (ReLU slope 1),
:math:`\tau \dot r = -r + R r` is stable when every eigenvalue of :math:`R` has real part below 1.
The E columns add a positive outlier eigenvalue (about :math:`N_E \bar w_E - N_I \bar w_I`): too
much excitation and the activity runs away; enough inhibition holds it.

>>> ei_explorer()
>>> net = ei_network(dale=0.8, g_e=0.5, g_i=0.5); net.eigvals.real.max()
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from ipywidgets import Dropdown

from .. import palette
from .._validation import check_positive_size
from ..cells import RateCell
from ._base import Explorer, float_slider, one_thread

__all__ = ["EINetwork", "ei_network", "plot_ei_network", "ei_explorer"]

PHIS = ("relu", "tanh", "ssn")


@dataclass
class EINetwork:
    """What :func:`ei_network` computed.

    Attributes:
        R: (H, H) effective recurrent matrix ``cell.recurrent_weight``.
        signs: (H,) +1 excitatory, −1 inhibitory unit.
        eigvals: (H,) complex eigenvalues of R.
        t: (T,) time, ms; rates: (T, H) activity driven by a constant input.
        n_e: number of excitatory units (the first n_e).
    """

    R: np.ndarray
    signs: np.ndarray
    eigvals: np.ndarray
    t: np.ndarray
    rates: np.ndarray
    n_e: int

    @property
    def runaway(self) -> bool:
        """True when the activity grew without bound (over 1e3, or not finite)."""
        return bool(not np.isfinite(self.rates).all() or np.abs(self.rates).max() > 1e3)


def ei_cell(
    hidden_size: int = 100,
    dale: float = 0.8,
    g_e: float = 0.5,
    g_i: float = 0.5,
    *,
    phi: str = "relu",
    tau: float = 10.0,
    dt: float = 1.0,
    seed: int = 0,
) -> RateCell:
    """A RateCell(1, H, dale=...) with E columns of R_raw scaled by g_e and I columns by g_i,
    input weight 1 and no bias. Seeded; the global torch RNG is left as it was."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        cell = RateCell(1, hidden_size, tau=tau, dt=dt, phi=phi, dale=dale).double()
    with torch.no_grad():
        excitatory = cell.signs > 0
        cell.weight_hh[:, excitatory] *= g_e
        cell.weight_hh[:, ~excitatory] *= g_i
        cell.weight_ih.fill_(1.0)
        cell.bias.zero_()
    return cell


@one_thread()
def ei_network(
    dale: float = 0.8,
    g_e: float = 0.5,
    g_i: float = 0.5,
    *,
    phi: str = "relu",
    I: float = 1.0,
    hidden_size: int = 100,
    tau: float = 10.0,
    dt: float = 1.0,
    T: int = 200,
    seed: int = 0,
) -> EINetwork:
    """Build the E/I rate network (:func:`ei_cell`), its spectrum, and T steps of its activity.

    Args:
        dale: fraction of excitatory units (0.8: E:I = 80:20).
        g_e, g_i: scale of the excitatory and inhibitory weights.
        phi: ``"relu"``, ``"tanh"`` or ``"ssn"``.
        I: constant input to every unit.
        hidden_size, tau (ms), dt (ms), T (steps), seed: the network and the run.

    Returns:
        :class:`EINetwork`.
    """
    check_positive_size(T, "T (the number of time steps)")
    cell = ei_cell(hidden_size, dale, g_e, g_i, phi=phi, tau=tau, dt=dt, seed=seed)
    with torch.no_grad():
        R = cell.recurrent_weight.numpy().copy()
        state = cell.init_state(1)
        x = torch.full((1, 1), float(I), dtype=torch.float64)
        rates = np.empty((T, hidden_size))
        for t in range(T):
            r, state = cell(x, state)
            rates[t] = r[0].numpy()
    signs = cell.signs.numpy().copy()
    return EINetwork(
        R=R,
        signs=signs,
        eigvals=np.linalg.eigvals(R),
        t=dt * np.arange(1, T + 1),
        rates=rates,
        n_e=int((signs > 0).sum()),
    )


def plot_ei_network(net: EINetwork, fig=None):
    """Three panels: the signed matrix R, its eigenvalues, and the E and I activity.

    Returns the Figure.
    """
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(12, 4), layout="constrained")
    ax_r, ax_ev, ax_act = fig.subplots(1, 3, width_ratios=[1, 1, 1.4])
    m = np.abs(net.R).max() or 1.0
    im = ax_r.imshow(net.R, cmap="RdBu_r", vmin=-m, vmax=m, interpolation="nearest")
    ax_r.axvline(net.n_e - 0.5, color="k", lw=0.8)
    ax_r.set(
        xlabel="presynaptic unit j (E | I)",
        ylabel="postsynaptic unit i",
        title=f"R: {net.n_e} E columns ≥ 0, {len(net.signs) - net.n_e} I columns ≤ 0",
    )
    fig.colorbar(im, ax=ax_r, shrink=0.8)

    ev = net.eigvals
    ax_ev.scatter(ev.real, ev.imag, s=10, color="k")
    ax_ev.axvline(1.0, color=palette.TARGET, ls="--", lw=1, label="Re λ = 1")
    ax_ev.axhline(0, color=palette.LIGHT, lw=0.6)
    ax_ev.set(
        xlabel="Re λ", ylabel="Im λ", title=f"eigenvalues of R (max Re λ = {ev.real.max():.2f})"
    )
    ax_ev.set_aspect("equal", adjustable="datalim")
    ax_ev.legend(fontsize="small", loc="upper left")

    exc, inh = net.rates[:, : net.n_e], net.rates[:, net.n_e :]
    if net.runaway:
        shown = np.clip(np.nan_to_num(net.rates, nan=1e3, posinf=1e3, neginf=-1e3), -1e3, 1e3)
        exc, inh = shown[:, : net.n_e], shown[:, net.n_e :]
    ax_act.plot(net.t, exc[:, :20], color=palette.EXCITATORY, lw=0.4, alpha=0.4)
    ax_act.plot(net.t, inh[:, :10], color=palette.INHIBITORY, lw=0.4, alpha=0.4)
    ax_act.plot(net.t, exc.mean(1), color=palette.EXCITATORY, lw=2, label="E mean")
    ax_act.plot(net.t, inh.mean(1), color=palette.INHIBITORY, lw=2, label="I mean")
    title = "activity: runaway (clipped at 1e3)" if net.runaway else "activity"
    ax_act.set(xlabel="time (ms)", ylabel="rate r", title=title)
    ax_act.legend(fontsize="small", loc="upper left")
    return fig


def ei_explorer(**defaults) -> Explorer:
    """Sliders for the excitatory fraction and the E and I weight scales.

    >>> ei_explorer(g_e=1.0)   # start with strong excitation
    """
    start = dict(dale=0.8, g_e=0.5, g_i=0.5, phi="relu", I=1.0)
    unknown = set(defaults) - set(start)
    if unknown:
        raise TypeError(
            f"ei_explorer() got unknown starting values {sorted(unknown)}; use {', '.join(start)}"
        )
    start.update(defaults)
    controls = {
        "dale": float_slider("E fraction", start["dale"], 0.5, 0.95, 0.05),
        "g_e": float_slider("E weight scale g_E", start["g_e"], 0.0, 1.5, 0.05),
        "g_i": float_slider("I weight scale g_I", start["g_i"], 0.0, 1.5, 0.05),
        "phi": Dropdown(options=PHIS, value=start["phi"], description="φ"),
        "I": float_slider("input I", start["I"], 0.0, 3.0, 0.1),
    }

    def draw(fig, **values):
        net = ei_network(**values)
        plot_ei_network(net, fig)
        return net

    return Explorer(
        controls,
        draw,
        title="E/I: Dale's principle, spectrum and activity",
        figsize=(12.0, 4.2),
        start=start,
    )
