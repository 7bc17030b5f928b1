r"""A receptive field that moves: excitation is retuned, inhibition follows (Vogels et al. 2011).

The experiment (Froemke, Merzenich & Schreiner 2007, rat auditory cortex): pairing one tone with
stimulation of the nucleus basalis shifts a neuron's excitatory tuning towards the paired
tone; right after pairing inhibition is no longer matched to excitation, and over the next
hours it moves too, until the two are co-tuned again. The model (Vogels et al. 2011, Fig. 3):
the rate neuron of :func:`gatedrnn.plasticity.simulate_rate` first learns co-tuned inhibition
for excitation peaked at one signal group; then its excitatory weights are retuned to peak at
another group, and Vogels' rule

.. math::

    \Delta w^I_j = \eta\, x_j\, (y - \rho_0)

moves the inhibitory tuning to the new peak.

    >>> shift = receptive_field_shift()
    >>> shift.inhibition_at(0.0), shift.inhibition_at(shift.t[-1])   # (G,) each: before, after
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import palette
from .inputs import N_E, N_GROUPS, N_I, excitatory_tuning, group_signals
from .rate import vogels_rule

__all__ = ["ReceptiveFieldShift", "receptive_field_shift", "plot_receptive_field_shift"]


@dataclass
class ReceptiveFieldShift:
    """What :func:`receptive_field_shift` recorded. G signal groups, K snapshots.

    Attributes:
        e_before, e_after: (G,) excitatory tuning before and after the retuning: the summed
            excitatory weight of each group divided by N_E (the group's share of I_E per Hz).
        t: (K,) snapshot times, s after the retuning (negative: before it).
        i: (K, G) inhibitory tuning at each snapshot, the same way.
        t_rate, rate: (M,) time (s, 0 = retuning) and output rate (Hz), in 0.5 s bins.
        rho0: target rate, Hz.
    """

    e_before: np.ndarray
    e_after: np.ndarray
    t: np.ndarray
    i: np.ndarray
    t_rate: np.ndarray
    rate: np.ndarray
    rho0: float

    def inhibition_at(self, time: float) -> np.ndarray:
        """(G,) inhibitory tuning at the snapshot nearest to ``time`` (s after the retuning)."""
        return self.i[int(np.argmin(np.abs(self.t - time)))]


def receptive_field_shift(
    before: float = 20.0,
    after: float = 20.0,
    *,
    preferred: tuple[int, int] = (3, 5),
    eta: float = 2e-5,
    rho0: float = 5.0,
    snapshot_every: float = 0.5,
    seed: int = 0,
) -> ReceptiveFieldShift:
    """Learn co-tuned inhibition, retune excitation from ``preferred[0]`` to ``preferred[1]``.

    The neuron, its inputs and the rule are those of :func:`gatedrnn.plasticity.simulate_rate`
    (dt = 1 ms, 8 groups of 100 E and 25 I inputs, rates 10 + 10 [s_g]_+ Hz,
    y = [I_E - I_I]_+). ``before`` and ``after`` are in s; a run of 40 s takes about a second.
    """
    for name, value in (("before", before), ("after", after)):
        if not 0 < value < np.inf:
            raise ValueError(f"{name} must be a positive duration in s; got {value}")
    if len(preferred) != 2 or not all(0 <= p < N_GROUPS for p in preferred):
        raise ValueError(
            f"preferred must be two signal groups (before, after) in 0..{N_GROUPS - 1}; "
            f"got {preferred}"
        )
    rng = np.random.default_rng(seed)
    group_e = np.repeat(np.arange(N_GROUPS), N_E // N_GROUPS)  # (N_E,)
    group_i = np.repeat(np.arange(N_GROUPS), N_I // N_GROUPS)  # (N_I,)
    jitter = 1.0 + 0.1 * rng.standard_normal(N_E)  # the same cell-to-cell spread before and after
    w_e_of = {  # (N_E,) excitatory weights peaked at each preferred group, as simulate_rate's
        p: np.maximum(2.0 * excitatory_tuning(N_GROUPS, p)[group_e] * jitter, 0.0)
        for p in preferred
    }
    w_i = np.full(N_I, 0.1)
    n_before, n_after = int(round(before * 1000)), int(round(after * 1000))  # 1 ms steps
    x = group_signals(before + after, seed=seed + 1)  # (n, G) Hz
    every = int(round(snapshot_every * 1000))
    snaps_t, snaps_i, rates = [], [], []
    y_sum = 0.0

    def tuning(w, groups, n):
        return np.bincount(groups, weights=w, minlength=N_GROUPS) / n

    for k in range(n_before + n_after):
        w_e = w_e_of[preferred[0] if k < n_before else preferred[1]]
        x_e, x_i = x[k][group_e], x[k][group_i]
        y = max(w_e @ x_e / N_E - w_i @ x_i / N_I, 0.0)  # Hz
        w_i = np.maximum(w_i + vogels_rule(x_i, y, rho0, eta), 0.0)
        y_sum += y
        if (k + 1) % every == 0:
            snaps_t.append((k + 1 - n_before) / 1000)
            snaps_i.append(tuning(w_i, group_i, N_I))
            rates.append(y_sum / every)
            y_sum = 0.0
    t = np.array(snaps_t)
    return ReceptiveFieldShift(
        e_before=tuning(w_e_of[preferred[0]], group_e, N_E),
        e_after=tuning(w_e_of[preferred[1]], group_e, N_E),
        t=t,
        i=np.array(snaps_i),
        t_rate=t,
        rate=np.array(rates),
        rho0=rho0,
    )


def plot_receptive_field_shift(
    shift: ReceptiveFieldShift, times=(-0.5, 0.5, 5.0, None), *, fig=None
):
    """Excitatory and inhibitory tuning at a few times after the retuning (None: the end)."""
    import matplotlib.pyplot as plt

    times = [shift.t[-1] if t is None else t for t in times]
    if fig is None:
        fig = plt.figure(figsize=(3.0 * len(times), 3.0), layout="constrained")
    axes = fig.subplots(1, len(times), sharey=True)
    groups = np.arange(len(shift.e_after))
    for ax, time in zip(axes, times, strict=True):
        e = shift.e_before if time < 0 else shift.e_after
        ax.plot(groups, e, "o-", color=palette.EXCITATORY, label="excitation")
        inhibition = shift.inhibition_at(time)
        ax.plot(groups, inhibition, "s-", color=palette.INHIBITORY, label="inhibition")
        title = "before the retuning" if time < 0 else f"{time:g} s after"
        ax.set(xlabel="signal group", xticks=groups, title=title)
    axes[0].set_ylabel("summed weight")
    axes[0].legend(fontsize="small")
    return fig
