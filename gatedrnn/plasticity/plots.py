"""The plots of a :class:`PlasticityResult`: rate, currents, weights, co-tuning, and all five."""

from __future__ import annotations

import numpy as np

from .. import palette
from .result import PlasticityResult

_E_COLOR, _I_COLOR = palette.EXCITATORY, palette.INHIBITORY


def _axis(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2), layout="constrained")
    return ax


def _current_unit(res: PlasticityResult) -> str:
    return "pA" if res.form == "spiking" else "Hz"


def _running_mean(x: np.ndarray, k: int) -> np.ndarray:
    """Mean of the last k values at each point (fewer at the start), shape of x."""
    csum = np.concatenate([[0.0], np.cumsum(x)])
    idx = np.arange(1, len(x) + 1)
    start = np.maximum(idx - k, 0)
    return (csum[idx] - csum[start]) / (idx - start)


def plot_rate(res: PlasticityResult, *, ax=None, smooth: float = 5.0):
    """Output rate over time (1 s and ``smooth``-s running means) against the target ρ0."""
    ax = _axis(ax)
    bin_s = res.t[0]
    for width, style in ((1.0, dict(color="0.6", lw=0.7)), (smooth, dict(color="k", lw=1.5))):
        k = max(1, int(round(width / bin_s)))
        ax.plot(res.t, _running_mean(res.rate, k), label=f"{k * bin_s:g} s mean", **style)
    ax.axhline(res.rho0, color=palette.TARGET, ls="--", label=r"target $\rho_0$")
    ax.set(
        xlabel="time (s)", ylabel="output rate (Hz)", ylim=(0, 4 * res.rho0), title="output rate"
    )
    ax.legend(fontsize="small", loc="upper right")
    return ax


def plot_currents(
    res: PlasticityResult,
    *,
    window: tuple[float, float] | None = None,
    group: int | None = None,
    ax=None,
):
    """Excitatory and inhibitory current over time (summed over groups, or one ``group``).

    ``window=(t0, t1)`` in s restricts the time axis (e.g. the first or the last second, to see
    inhibition catch up with excitation). The inhibitory current is drawn negative.
    """
    ax = _axis(ax)
    if group is None:
        e, i, what = res.current_e.sum(1), res.current_i.sum(1), "all groups"
    else:
        if not 0 <= group < res.current_e.shape[1]:
            raise ValueError(f"group must be in 0..{res.current_e.shape[1] - 1}; got {group}")
        e, i, what = res.current_e[:, group], res.current_i[:, group], f"group {group}"
    sel = slice(None) if window is None else (res.t > window[0]) & (res.t <= window[1])
    t = res.t[sel]
    unit = _current_unit(res)
    ax.plot(t, e[sel], color=_E_COLOR, lw=1, label="excitatory")
    ax.plot(t, -i[sel], color=_I_COLOR, lw=1, label="inhibitory")
    ax.plot(t, e[sel] - i[sel], color="k", lw=0.8, alpha=0.7, label="net")
    ax.axhline(0, color="0.6", lw=0.5)
    ax.set(xlabel="time (s)", ylabel=f"current ({unit})", title=f"currents, {what}")
    ax.legend(fontsize="small", loc="upper right", ncols=3)
    return ax


def plot_weights(res: PlasticityResult, *, ax=None):
    """Mean inhibitory weight of each signal group over time (colour = group)."""
    import matplotlib.pyplot as plt

    ax = _axis(ax)
    wg = res.group_weights()  # (K, G)
    n_groups = wg.shape[1]
    colors = plt.cm.viridis(np.linspace(0, 0.95, n_groups))
    for g in range(n_groups):
        ax.plot(res.t, wg[:, g], color=colors[g], lw=1.2, label=f"{g}")
    ax.set(xlabel="time (s)", ylabel="inhibitory weight", title="inhibitory weights per group")
    ax.legend(
        title="group", fontsize="x-small", title_fontsize="x-small", ncols=2, loc="upper left"
    )
    return ax


def plot_cotuning(res: PlasticityResult, *, ax=None, last: float = 0.2):
    """Mean E and I current per signal group: at the start (dashed) and after learning (solid).

    The title gives the correlation across groups after learning (:meth:`cotuning`).
    """
    ax = _axis(ax)
    e, i = res.group_currents(last)
    i0 = res.current_i[0]
    g = np.arange(e.size)
    unit = _current_unit(res)
    ax.plot(g, e, "o-", color=_E_COLOR, label="E")
    ax.plot(g, i, "s-", color=_I_COLOR, label="I, after learning")
    ax.plot(g, i0, "s--", color=_I_COLOR, alpha=0.4, label="I, at the start")
    ax.set(
        xlabel="signal group",
        ylabel=f"mean current ({unit})",
        xticks=g,
        title=f"E/I co-tuning: r = {res.cotuning(last):.2f}",
    )
    ax.set_ylim(bottom=0)
    ax.legend(fontsize="x-small", loc="upper left")
    return ax


def plot_summary(res: PlasticityResult, *, fig=None, window: float = 1.0):
    """Five panels: rate, weights, co-tuning; currents in the first and the last ``window`` s."""
    import matplotlib.pyplot as plt

    if fig is None:
        fig = plt.figure(figsize=(12, 6.4), layout="constrained")
    grid = fig.add_gridspec(2, 6)
    plot_rate(res, ax=fig.add_subplot(grid[0, 0:2]))
    plot_weights(res, ax=fig.add_subplot(grid[0, 2:4]))
    plot_cotuning(res, ax=fig.add_subplot(grid[0, 4:6]))
    end = res.t[-1]
    a = plot_currents(res, window=(0.0, window), ax=fig.add_subplot(grid[1, 0:3]))
    a.set_title("currents at the start")
    b = plot_currents(res, window=(end - window, end), ax=fig.add_subplot(grid[1, 3:6]))
    b.set_title("currents after learning")
    fig.suptitle(
        f"Inhibitory plasticity, {res.form} neuron: η = {res.eta:g}, "
        f"ρ0 = {res.rho0:g} Hz, final rate {res.final_rate():.1f} Hz"
    )
    return fig
