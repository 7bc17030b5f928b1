r"""Vogels et al. (2011)'s recurrent network: inhibitory plasticity balances it and hides memories.

A rate network of :math:`N_E` excitatory and :math:`N_I` inhibitory units, sparsely and randomly
connected, each unit relaxing to a rectified drive,

.. math::

    \tau_E \dot r_E = -r_E + [W_{EE} r_E - W_{EI} r_I + h_E + \xi_E]_+ , \qquad
    \tau_I \dot r_I = -r_I + [W_{IE} r_E - W_{II} r_I + h_I + \xi_I]_+ ,

(:math:`\xi`: independent Ornstein-Uhlenbeck noise), in which only the inhibitory synapses onto
excitatory units learn, with Vogels' rule, each synapse from its own pre- and postsynaptic rate:

.. math::

    \Delta (W_{EI})_{jk} = \eta\, r_{I,k}\, (r_{E,j} - \rho_0).

The run follows the paper's Fig. 4 at a scale that takes seconds:

1. **balance**: the network starts with weak inhibition and fires fast; the rule raises the
   inhibition onto every excitatory unit until each fires at :math:`\rho_0`.
2. **imprint**: two assemblies of excitatory units get strong E→E weights among themselves (a
   memory). They fire fast at first; the rule adds inhibition onto exactly their units until
   they are back at :math:`\rho_0`: the memory is stored in the E→E weights but *hidden* in the
   activity.
3. **recall**: plasticity off; the inhibitory weights onto one assembly are scaled down for a
   moment (**disinhibition**): its strong recurrent excitation amplifies the release and the
   whole assembly lights up. The same disinhibition of a control group of as many
   non-assembly units raises their rates only a little.

    >>> res = simulate_assemblies()            # about 30 s of network time, a few seconds
    >>> plot_assemblies(res)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .rate import vogels_rule

__all__ = ["AssemblyRun", "simulate_assemblies", "plot_assemblies"]


@dataclass
class AssemblyRun:
    """What :func:`simulate_assemblies` recorded, in bins of ``bin`` s (K bins).

    Attributes:
        t: (K,) time at the end of each bin, s.
        rate_e: (K, N_E) rate of every excitatory unit, bin mean, Hz.
        rate_i: (K,) mean rate of the inhibitory units, Hz.
        inhibition: dict group name -> (K,) mean summed inhibitory weight onto the group's units.
        groups: dict group name -> index array of excitatory units: ``"assembly 1"``,
            ``"assembly 2"``, ``"control"`` (as many units, in no assembly), ``"rest"`` (the units
            in no assembly, control included).
        events: dict event name -> (start, stop) in s: ``"imprint"`` and ``"plasticity off"``
            (instants: start = stop), ``"recall assembly 1"``, ``"recall assembly 2"``,
            ``"recall control"``.
        w_ee: (N_E, N_E) excitatory weights after imprinting (the stored memories).
        rho0: target rate, Hz.
    """

    t: np.ndarray
    rate_e: np.ndarray
    rate_i: np.ndarray
    inhibition: dict
    groups: dict
    events: dict
    w_ee: np.ndarray
    rho0: float
    bin: float = 0.1
    params: dict = field(default_factory=dict)

    def group_rate(self, name: str) -> np.ndarray:
        """(K,) mean rate of the excitatory units of group ``name``, Hz."""
        return self.rate_e[:, self.groups[name]].mean(axis=1)

    def mean_rate(self, name: str, start: float, stop: float) -> float:
        """Mean rate of group ``name`` between ``start`` and ``stop`` s, Hz."""
        keep = (self.t > start + 1e-9) & (self.t <= stop + 1e-9)
        if not keep.any():
            raise ValueError(f"no recorded bin between {start} and {stop} s")
        return float(self.group_rate(name)[keep].mean())

    def recall_gain(self, name: str) -> float:
        """How many Hz group ``name`` gains while it is disinhibited, over the second before."""
        start, stop = self.events[f"recall {name}"]
        return self.mean_rate(name, start, stop) - self.mean_rate(name, start - 1.0, start)


def simulate_assemblies(
    *,
    n_e: int = 400,
    n_i: int = 100,
    assembly_size: int = 40,
    p: float = 0.2,
    j_ee: float = 0.4,
    j_ie: float = 1.0,
    j_ii: float = 0.6,
    j_ei0: float = 0.2,
    assembly_gain: float = 0.8,
    h_e: float = 10.0,
    h_i: float = 5.0,
    noise: float = 2.0,
    tau_e: float = 20.0,
    tau_i: float = 10.0,
    rho0: float = 3.0,
    eta: float = 5e-6,
    imprint: float = 5.0,
    recall: float = 12.0,
    recall_for: float = 1.0,
    disinhibition: float = 0.3,
    r_max: float = 100.0,
    dt: float = 1.0,
    bin: float = 0.1,
    seed: int = 0,
) -> AssemblyRun:
    """Balance, imprint two assemblies, hide them, recall them by disinhibition.

    Weights are scaled so that a unit's summed input from a population firing at rate r is
    ``j * r`` (Hz): ``j_ee`` E→E, ``j_ie`` E→I, ``j_ii`` I→I, ``j_ei0`` the initial I→E.
    ``assembly_gain`` is the summed E→E weight a unit receives from its own assembly after
    imprinting (below 1: one assembly alone cannot sustain itself without input). Times ``tau_e``,
    ``tau_i`` and ``dt`` in ms; ``imprint``, ``recall``, ``recall_for`` and ``bin`` in s; the
    recall phase disinhibits assembly 1, then assembly 2, then the control group, each for
    ``recall_for`` s with ``recall_for`` s of rest in between, scaling the inhibitory weights onto
    their units by ``1 - disinhibition``.
    """
    if not 2 * assembly_size + assembly_size <= n_e:
        raise ValueError(
            f"three groups of assembly_size = {assembly_size} units need n_e >= "
            f"{3 * assembly_size}; got n_e = {n_e}"
        )
    if not 0 < imprint < recall:
        raise ValueError(f"need 0 < imprint < recall (s); got imprint={imprint}, recall={recall}")
    rng = np.random.default_rng(seed)

    def sparse(n_post, n_pre, total):
        mask = rng.random((n_post, n_pre)) < p
        return mask * (total / (p * n_pre)), mask

    w_ee, _ = sparse(n_e, n_e, j_ee)
    np.fill_diagonal(w_ee, 0.0)
    w_ie, _ = sparse(n_i, n_e, j_ie)
    w_ii, _ = sparse(n_i, n_i, j_ii)
    w_ei, mask_ei = sparse(n_e, n_i, j_ei0)
    groups = {
        "assembly 1": np.arange(0, assembly_size),
        "assembly 2": np.arange(assembly_size, 2 * assembly_size),
        "control": np.arange(2 * assembly_size, 3 * assembly_size),
        "rest": np.arange(2 * assembly_size, n_e),
    }
    imprinted = w_ee.copy()
    for name in ("assembly 1", "assembly 2"):
        a = groups[name]
        block = np.ix_(a, a)
        connected = imprinted[block] > 0
        imprinted[block] = connected * (assembly_gain / (p * assembly_size))

    events = {"imprint": (imprint, imprint), "plasticity off": (recall, recall)}
    start = recall
    for name in ("assembly 1", "assembly 2", "control"):
        events[f"recall {name}"] = (start + recall_for, start + 2 * recall_for)
        start += 2 * recall_for
    duration = start + recall_for
    n_steps, per_bin = int(round(duration * 1000 / dt)), int(round(bin * 1000 / dt))
    z_e, z_i = dt / tau_e, dt / tau_i  # Euler: z = dt / tau
    a_noise = np.exp(-dt / 20.0)  # OU noise, 20 ms correlation time
    b_noise = noise * np.sqrt(1 - a_noise**2)
    xi_e, xi_i = noise * rng.standard_normal(n_e), noise * rng.standard_normal(n_i)

    r_e, r_i = np.zeros(n_e), np.zeros(n_i)
    n_bins = n_steps // per_bin
    rate_e, rate_i = np.zeros((n_bins, n_e)), np.zeros(n_bins)
    inhibition = {name: np.zeros(n_bins) for name in groups}
    acc_e, acc_i = np.zeros(n_e), 0.0
    scale = np.ones(n_e)  # disinhibition factor on each unit's inhibitory input
    for k in range(n_steps):
        t = (k + 1) * dt / 1000  # s
        if t > imprint and w_ee is not imprinted:
            w_ee = imprinted
        scale[:] = 1.0
        for name in ("assembly 1", "assembly 2", "control"):
            t0, t1 = events[f"recall {name}"]
            if t0 < t <= t1:
                scale[groups[name]] = 1.0 - disinhibition
        xi_e = a_noise * xi_e + b_noise * rng.standard_normal(n_e)
        xi_i = a_noise * xi_i + b_noise * rng.standard_normal(n_i)
        drive_e = w_ee @ r_e - scale * (w_ei @ r_i) + h_e + xi_e
        drive_i = w_ie @ r_e - w_ii @ r_i + h_i + xi_i
        r_e = (1 - z_e) * r_e + z_e * np.clip(drive_e, 0.0, r_max)
        r_i = (1 - z_i) * r_i + z_i * np.clip(drive_i, 0.0, r_max)
        if t <= recall:  # Vogels' rule on every I->E synapse that exists
            w_ei += mask_ei * vogels_rule(r_i[None, :], r_e[:, None], rho0, eta)  # (N_E, N_I)
            np.maximum(w_ei, 0.0, out=w_ei)
        acc_e += r_e
        acc_i += r_i.mean()
        if (k + 1) % per_bin == 0:
            b = (k + 1) // per_bin - 1
            rate_e[b], rate_i[b] = acc_e / per_bin, acc_i / per_bin
            total = w_ei.sum(axis=1)  # (N_E,) summed inhibitory weight onto each unit
            for name, units in groups.items():
                inhibition[name][b] = total[units].mean()
            acc_e[:], acc_i = 0.0, 0.0
    return AssemblyRun(
        t=np.arange(1, n_bins + 1) * bin,
        rate_e=rate_e,
        rate_i=rate_i,
        inhibition=inhibition,
        groups=groups,
        events=events,
        w_ee=imprinted,
        rho0=rho0,
        bin=bin,
    )


def plot_assemblies(run: AssemblyRun, *, fig=None):
    """Rates of every excitatory unit over time (top), group means and inhibition (below)."""
    import matplotlib.pyplot as plt

    if fig is None:
        fig = plt.figure(figsize=(11, 6.5), layout="constrained")
    top, middle, bottom = fig.subplots(3, 1, sharex=True, height_ratios=[1.4, 1, 0.8])
    n_shown = 3 * len(run.groups["assembly 1"]) + 80  # the assemblies, the control, some rest
    shown = run.rate_e[:, :n_shown].T  # (units, K)
    image = top.imshow(
        shown,
        aspect="auto",
        origin="lower",
        cmap="magma",
        vmin=0,
        vmax=4 * run.rho0,
        extent=(0, run.t[-1], 0, shown.shape[0]),
    )
    fig.colorbar(image, ax=top, label="rate (Hz)", pad=0.01)
    size = len(run.groups["assembly 1"])
    for k, name in enumerate(("assembly 1", "assembly 2", "control")):
        top.text(
            -0.01,
            (k + 0.5) * size,
            name,
            transform=top.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize="small",
        )
    top.set(yticks=[], title="excitatory units (rows) over time")
    colors = {
        "assembly 1": "tab:red",
        "assembly 2": "tab:orange",
        "control": "tab:green",
        "rest": "0.4",
    }
    for name, color in colors.items():
        middle.plot(run.t, run.group_rate(name), color=color, lw=1.2, label=name)
        bottom.plot(run.t, run.inhibition[name], color=color, lw=1.2)
    middle.axhline(run.rho0, color="k", ls="--", lw=0.8, label=r"target $\rho_0$")
    middle.set(ylabel="mean rate (Hz)", ylim=(0, None))
    middle.legend(fontsize="small", ncols=5, loc="upper left")
    bottom.set(xlabel="time (s)", ylabel="summed inhibitory\nweight onto a unit")
    bottom.text(
        run.events["plasticity off"][0],
        1.0,
        " plasticity off",
        transform=bottom.get_xaxis_transform(),
        va="top",
        fontsize="small",
    )
    for ax in (top, middle, bottom):
        for instant in ("imprint", "plasticity off"):
            ax.axvline(run.events[instant][0], color="w" if ax is top else "k", lw=0.8, ls=":")
        for name, (t0, t1) in run.events.items():
            if name.startswith("recall"):
                ax.axvspan(t0, t1, color="tab:cyan", alpha=0.15, lw=0)
    return fig
