r"""Inhibitory synaptic plasticity on one neuron (Vogels et al., Science 2011).

One postsynaptic neuron receives :math:`N_E = 800` excitatory and :math:`N_I = 200` inhibitory
inputs, split into :math:`G = 8` signal groups (100 E and 25 I inputs each). All inputs of a group
fire at the same slowly varying rate :math:`r_g(t)` (a rectified Ornstein-Uhlenbeck signal,
:math:`\tau_s = 50` ms), so a group's E and I inputs carry the same signal. The excitatory weights
are tuned (strong for the preferred group, weak for the others) and fixed; the inhibitory weights
start flat and weak and learn with Vogels' rule, which drives the output rate to a target
:math:`\rho_0`:

.. math::

    \Delta w_j = \eta \, x_j \, (y - \rho_0)

(:math:`x_j` presynaptic rate, :math:`y` postsynaptic rate). When :math:`y > \rho_0` every active
inhibitory synapse grows, when :math:`y < \rho_0` it shrinks, and the fixed point
:math:`\langle x_j (y - \rho_0) \rangle = 0` for every group leaves each group's inhibition
matched to its excitation: E and I become co-tuned (detailed balance).

Two forms share the inputs and the returned :class:`PlasticityResult`:

* :func:`simulate_rate` — a rectified-linear rate neuron,
  :math:`y = [I_E - I_I]_+`, with the rule above applied every step.
* :func:`simulate_spiking` — a conductance-based leaky integrate-and-fire neuron with Poisson
  inputs and the trace-based spiking form of the rule (pre spike: :math:`w \mathrel{+}= \eta
  (x_{post} - \alpha)`; post spike: :math:`w \mathrel{+}= \eta \, x_j`; traces jump by 1 and decay
  with :math:`\tau_{STDP} = 20` ms; :math:`\alpha = 2 \rho_0 \tau_{STDP}`).

Example::

    res = simulate_rate(60.0)            # 60 s of simulated time, well under a second
    res.final_rate(), res.cotuning()     # ≈ ρ0 = 5 Hz, correlation ≈ 1
    plot_summary(res)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._validation import check_number

__all__ = [
    "N_E",
    "N_I",
    "N_GROUPS",
    "PlasticityResult",
    "vogels_rule",
    "excitatory_tuning",
    "group_signals",
    "simulate_rate",
    "simulate_spiking",
    "plot_rate",
    "plot_currents",
    "plot_weights",
    "plot_cotuning",
    "plot_summary",
]

N_E = 800  # excitatory inputs
N_I = 200  # inhibitory inputs
N_GROUPS = 8  # signal groups (100 E + 25 I inputs each)


# --------------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------------


@dataclass
class PlasticityResult:
    """What a run of :func:`simulate_rate` or :func:`simulate_spiking` recorded.

    K = number of recording bins, G = number of signal groups.

    Attributes:
        t: (K,) time at the end of each bin, s.
        rate: (K,) output rate in each bin, Hz.
        current_e: (K, G) excitatory current from each group, bin mean (rate form: Hz of drive;
            spiking form: pA). Positive.
        current_i: (K, G) inhibitory current from each group, bin mean, same units. Positive (its
            size; it acts against ``current_e``).
        w_e: (N_E,) excitatory weights (fixed).
        w_i: (K, N_I) inhibitory weights at the end of each bin.
        group_e: (N_E,) signal group of each excitatory input.
        group_i: (N_I,) signal group of each inhibitory input.
        input_rate: (K, G) presynaptic rate of each group, bin mean, Hz.
        rho0: target rate, Hz.
        eta: learning rate.
        form: ``"rate"`` or ``"spiking"``.
    """

    t: np.ndarray
    rate: np.ndarray
    current_e: np.ndarray
    current_i: np.ndarray
    w_e: np.ndarray
    w_i: np.ndarray
    group_e: np.ndarray
    group_i: np.ndarray
    input_rate: np.ndarray
    rho0: float
    eta: float
    form: str

    def _tail(self, last: float) -> slice:
        if not 0.0 < last <= 1.0:
            raise ValueError(f"last must be a fraction of the run in (0, 1]; got {last}")
        k = len(self.t)
        return slice(k - max(1, int(round(last * k))), k)

    def final_rate(self, last: float = 0.2) -> float:
        """Mean output rate (Hz) over the last fraction ``last`` of the run."""
        return float(self.rate[self._tail(last)].mean())

    def group_currents(self, last: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
        """Mean E and I current per group over the last fraction of the run: two (G,) arrays."""
        tail = self._tail(last)
        return self.current_e[tail].mean(0), self.current_i[tail].mean(0)

    def cotuning(self, last: float = 0.2) -> float:
        """Pearson correlation across groups of the mean E and I currents (last part of the run).

        1 means inhibition is tuned exactly like excitation (detailed balance).
        """
        e, i = self.group_currents(last)
        if np.std(i) == 0.0 or np.std(e) == 0.0:
            return 0.0
        return float(np.corrcoef(e, i)[0, 1])

    def group_weights(self) -> np.ndarray:
        """(K, G) mean inhibitory weight of each group over time."""
        n_groups = self.current_e.shape[1]
        return np.stack([self.w_i[:, self.group_i == g].mean(1) for g in range(n_groups)], axis=1)


# --------------------------------------------------------------------------------------------
# Ingredients shared by both forms
# --------------------------------------------------------------------------------------------


def vogels_rule(pre: np.ndarray, post: float, rho0: float, eta: float) -> np.ndarray:
    r"""Vogels' inhibitory rule, rate form: :math:`\Delta w = \eta \cdot pre \cdot (post - \rho_0)`.

    Args:
        pre: (N_I,) presynaptic rates, Hz.
        post: postsynaptic rate y, Hz.
        rho0: target rate, Hz.
        eta: learning rate (per Hz² per step).

    Returns:
        (N_I,) weight change of each inhibitory synapse for one step.
    """
    return eta * pre * (post - rho0)


def excitatory_tuning(n_groups: int = N_GROUPS, preferred: int | None = None) -> np.ndarray:
    """Tuning curve of the excitatory weights over the signal groups, shape (G,).

    A floor of 0.35 plus a bump of height 1 around the preferred group (default: G // 2),
    ``0.35 + 1 / (1 + d**4 / 2)`` with d the distance in groups.
    """
    preferred = n_groups // 2 if preferred is None else preferred
    d = np.arange(n_groups) - preferred
    return 0.35 + 1.0 / (1.0 + d.astype(float) ** 4 / 2.0)


def _decay_filter(x: np.ndarray, d: float, start) -> np.ndarray:
    """y[k] = d * y[k-1] + x[k] along axis 0, from y[-1] = start (a scalar, or x[0]'s shape)."""
    from scipy.signal import lfilter  # here, not at the top: scipy.signal takes seconds to load

    zi = np.expand_dims(d * np.asarray(start, dtype=float), 0)
    return lfilter([1.0], [1.0, -d], x, axis=0, zi=zi)[0]


class _Signals:
    """Group rates r_g(t) = r_bg + r_sig * [s_g(t)]_+, s_g an OU process with unit variance."""

    def __init__(self, n_groups: int, dt: float, tau_s: float, r_bg: float, r_sig: float, rng):
        self.a = np.exp(-dt / tau_s)  # OU decay per step
        self.b = np.sqrt(1.0 - self.a**2)  # keeps the variance at 1
        self.r_bg, self.r_sig, self.rng = r_bg, r_sig, rng
        self.s = rng.standard_normal(n_groups)

    def next(self, n: int) -> np.ndarray:
        """(n, G) rates in Hz for the next n steps."""
        noise = self.b * self.rng.standard_normal((n, self.s.size))
        s = _decay_filter(noise, self.a, self.s)
        self.s = s[-1]
        return self.r_bg + self.r_sig * np.maximum(s, 0.0)


def group_signals(
    duration: float,
    *,
    dt: float = 1.0,
    n_groups: int = N_GROUPS,
    tau_s: float = 50.0,
    r_bg: float = 10.0,
    r_sig: float = 10.0,
    seed: int = 0,
) -> np.ndarray:
    r"""The presynaptic rate of every group over time, shape (round(duration / dt), G), in Hz.

    :math:`r_g(t) = r_{bg} + r_{sig} [s_g(t)]_+` with :math:`s_g` independent Ornstein-Uhlenbeck
    processes (zero mean, unit variance, time constant ``tau_s``). ``duration`` in s; ``dt`` and
    ``tau_s`` in ms.
    """
    n = _n_steps(duration, dt)
    sig = _Signals(n_groups, dt, tau_s, r_bg, r_sig, np.random.default_rng(seed))
    return sig.next(n)


def _n_steps(duration: float, dt: float) -> int:
    if not 0 < duration < np.inf:
        raise ValueError(f"duration must be a positive time in s; got {duration}")
    if not 0 < dt < np.inf:
        raise ValueError(f"dt must be a positive time step in ms; got {dt}")
    return int(round(duration * 1000.0 / dt))


def _groups(n: int, n_groups: int) -> np.ndarray:
    if n % n_groups:
        raise ValueError(f"{n} inputs cannot be split into {n_groups} equal signal groups")
    return np.repeat(np.arange(n_groups), n // n_groups)


def _initial_weights(w_e_scale, w_i0, n_groups, rng):
    group_e, group_i = _groups(N_E, n_groups), _groups(N_I, n_groups)
    tuning = excitatory_tuning(n_groups)
    w_e = w_e_scale * tuning[group_e] * (1.0 + 0.1 * rng.standard_normal(N_E))
    w_e = np.maximum(w_e, 0.0)
    w_i = np.full(N_I, float(w_i0))
    return w_e, w_i, group_e, group_i


def _progress(total: int, progress: bool | None, desc: str):
    """A tqdm bar that appears only if the run takes longer than 2 s (quiet under CI)."""
    from tqdm.auto import tqdm

    if progress is None:
        progress = not os.environ.get("CI")
    return tqdm(total=total, desc=desc, disable=not progress, delay=2.0, leave=False)


def _check_common(
    rho0: float, eta: float, n_groups: int, record_every: float, dt: float, n: int
) -> int:
    check_number(eta, "eta", "the learning rate")
    if not rho0 > 0:
        raise ValueError(f"rho0 is the target output rate and must be positive (Hz); got {rho0}")
    if not isinstance(n_groups, int | np.integer) or n_groups < 1:
        raise ValueError(f"n_groups must be a positive integer; got {n_groups!r}")
    every = int(round(record_every / dt))
    if every < 1:
        raise ValueError(
            f"record_every ({record_every} ms) must be at least one time step dt ({dt} ms)"
        )
    if n < every:
        raise ValueError(
            f"duration ({n * dt / 1000:g} s) must cover at least one recording bin "
            f"(record_every = {record_every} ms)"
        )
    return every


# --------------------------------------------------------------------------------------------
# Rate form
# --------------------------------------------------------------------------------------------


def simulate_rate(
    duration: float = 60.0,
    *,
    eta: float = 2e-5,
    rho0: float = 5.0,
    dt: float = 1.0,
    w_e_scale: float = 2.0,
    w_i0: float = 0.1,
    w_max: float = np.inf,
    n_groups: int = N_GROUPS,
    r_bg: float = 10.0,
    r_sig: float = 10.0,
    tau_s: float = 50.0,
    record_every: float = 20.0,
    rule: Callable[[np.ndarray, float, float, float], np.ndarray] = vogels_rule,
    seed: int = 0,
) -> PlasticityResult:
    r"""Vogels' rule on a rectified-linear rate neuron.

    Every step (``dt`` ms), with :math:`x_j` the presynaptic rate of input j (its group's rate):

    .. math::

        I_E = \frac{1}{N_E} \sum_j w^E_j x_j, \qquad
        I_I = \frac{1}{N_I} \sum_j w^I_j x_j, \qquad
        y = [I_E - I_I]_+,

        w^I_j \leftarrow \min(w_{max}, [w^I_j + \Delta w_j]_+), \qquad
        \Delta w_j = \eta \, x_j \, (y - \rho_0).

    Args:
        duration: simulated time, s.
        eta: learning rate, per Hz² per step. A negative value flips the rule (it then runs away).
        rho0: target output rate, Hz.
        dt: time step, ms.
        w_e_scale: excitatory weight at the preferred group (the tuning curve is
            :func:`excitatory_tuning` times this, with 10 % jitter per input).
        w_i0: initial inhibitory weight (all equal: flat and weak).
        w_max: upper bound of the inhibitory weights.
        n_groups: number of signal groups (must divide 800 and 200).
        r_bg, r_sig, tau_s: input rates ``r_bg + r_sig * [OU]_+`` (Hz) with OU time constant
            ``tau_s`` (ms), see :func:`group_signals`.
        record_every: recording bin, ms.
        rule: ``rule(pre (N_I,), post, rho0, eta) -> dw (N_I,)``; default :func:`vogels_rule`.
        seed: seed of the inputs and the weight jitter.

    Returns:
        :class:`PlasticityResult` with ``form="rate"``; currents in Hz of drive.

    Example::

        res = simulate_rate(60.0); print(round(res.final_rate(), 1), res.cotuning() > 0.8)
    """
    n = _n_steps(duration, dt)
    every = _check_common(rho0, eta, n_groups, record_every, dt, n)
    rng = np.random.default_rng(seed)
    w_e, w_i, group_e, group_i = _initial_weights(w_e_scale, w_i0, n_groups, rng)
    signals = _Signals(n_groups, dt, tau_s, r_bg, r_sig, rng)

    # group sums of the excitatory drive are fixed: I_E = x @ we_group (per group: x_g * we_g)
    we_group = np.bincount(group_e, weights=w_e, minlength=n_groups) / N_E  # (G,)
    n_rec = n // every
    rec = _Recorder(n_rec, n_groups)
    steps_per_chunk = every * max(1, 1000 // every)
    step = 0
    while step < n_rec * every:
        x_chunk = signals.next(min(steps_per_chunk, n_rec * every - step))  # (n, G) Hz
        for x in x_chunk:
            i_e = x * we_group  # (G,) excitatory drive per group
            wi_group = np.bincount(group_i, weights=w_i, minlength=n_groups) / N_I
            i_i = x * wi_group  # (G,) inhibitory drive per group
            y = max(i_e.sum() - i_i.sum(), 0.0)  # output rate, Hz
            dw = rule(x[group_i], y, rho0, eta)  # (N_I,)
            if step == 0:
                _check_dw(dw)
            w_i = np.clip(w_i + dw, 0.0, w_max)
            rec.add(y, i_e, i_i, x)
            step += 1
            if step % every == 0:
                rec.close_bin(w_i, every)
    return rec.result(dt * every, w_e, group_e, group_i, rho0, eta, "rate")


def _check_dw(dw) -> None:
    shape = np.shape(dw)
    if shape not in ((N_I,), ()) or not np.isfinite(dw).all():
        raise ValueError(
            f"rule(pre, post, rho0, eta) must return the weight change of each of the {N_I} "
            f"inhibitory synapses, finite numbers of shape ({N_I},); got shape {shape}"
        )


class _Recorder:
    """Accumulates bin means of rate, currents and input rates; stores weights per bin."""

    def __init__(self, n_rec: int, n_groups: int):
        self.rate = np.zeros(n_rec)
        self.current_e = np.zeros((n_rec, n_groups))
        self.current_i = np.zeros((n_rec, n_groups))
        self.input_rate = np.zeros((n_rec, n_groups))
        self.w_i = np.zeros((n_rec, N_I))
        self.k = 0
        self._acc = [0.0, np.zeros(n_groups), np.zeros(n_groups), np.zeros(n_groups)]

    def add(self, y, i_e, i_i, x):
        acc = self._acc
        acc[0] += y
        acc[1] += i_e
        acc[2] += i_i
        acc[3] += x

    def add_bin(self, rate, i_e, i_i, x, w_i):
        k = self.k
        self.rate[k], self.current_e[k], self.current_i[k], self.input_rate[k] = rate, i_e, i_i, x
        self.w_i[k] = w_i
        self.k += 1

    def close_bin(self, w_i, every):
        acc = self._acc
        self.add_bin(acc[0] / every, acc[1] / every, acc[2] / every, acc[3] / every, w_i)
        self._acc = [0.0, np.zeros_like(acc[1]), np.zeros_like(acc[1]), np.zeros_like(acc[1])]

    def result(self, bin_ms, w_e, group_e, group_i, rho0, eta, form) -> PlasticityResult:
        t = (np.arange(self.k) + 1) * bin_ms / 1000.0
        return PlasticityResult(
            t=t,
            rate=self.rate[: self.k],
            current_e=self.current_e[: self.k],
            current_i=self.current_i[: self.k],
            w_e=w_e,
            w_i=self.w_i[: self.k],
            group_e=group_e,
            group_i=group_i,
            input_rate=self.input_rate[: self.k],
            rho0=float(rho0),
            eta=float(eta),
            form=form,
        )


# --------------------------------------------------------------------------------------------
# Spiking form
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LIFParameters:
    """Conductance-based leaky integrate-and-fire neuron (values of Vogels et al. 2011).

    ``tau_m dV/dt = (V_rest - V) + g_E/g_L (E_E - V) + g_I/g_L (E_I - V)``; a spike when
    ``V >= v_th``, then ``V = v_reset`` for ``t_ref``. Each input spike adds ``gbar * w`` to its
    conductance, which decays with ``tau_e`` / ``tau_i``.
    """

    tau_m: float = 20.0  # ms, membrane time constant
    g_leak: float = 10.0  # nS
    v_rest: float = -60.0  # mV
    v_th: float = -50.0  # mV
    v_reset: float = -60.0  # mV
    e_e: float = 0.0  # mV, excitatory reversal potential
    e_i: float = -80.0  # mV, inhibitory reversal potential
    tau_e: float = 5.0  # ms, excitatory conductance decay
    tau_i: float = 10.0  # ms, inhibitory conductance decay
    gbar_e: float = 0.14  # nS per unit excitatory weight
    gbar_i: float = 0.35  # nS per unit inhibitory weight
    t_ref: float = 5.0  # ms, refractory period


def _lif(v: float, refractory: int, ge: list, gi: list, p: LIFParameters, dt: float, n_ref: int):
    """Euler steps of the LIF for one chunk; ge, gi are g/g_L per step. Returns V, spikes."""
    a = dt / p.tau_m
    v_rest, v_th, v_reset, e_e, e_i = p.v_rest, p.v_th, p.v_reset, p.e_e, p.e_i
    vs = [0.0] * len(ge)
    spikes = []
    for k in range(len(ge)):
        if refractory > 0:
            refractory -= 1
            v = v_reset
        else:
            v += a * ((v_rest - v) + ge[k] * (e_e - v) + gi[k] * (e_i - v))
            if v >= v_th:
                spikes.append(k)
                v = v_reset
                refractory = n_ref
        vs[k] = v
    return vs, spikes, v, refractory


def _poisson_events(p_group: np.ndarray, n_per_group: int, rng):
    """Poisson spikes of groups of inputs sharing a rate, as events (step, input index).

    p_group: (n, G) expected spikes per input per step. The merged train of a group is Poisson
    with n_per_group times the rate; each of its spikes belongs to a uniformly random input.
    """
    n, g = p_group.shape
    counts = rng.poisson(n_per_group * p_group).ravel()  # (n*G,) spikes per step and group
    cell = np.repeat(np.arange(n * g), counts)
    step, group = np.divmod(cell, g)
    index = group * n_per_group + rng.integers(0, n_per_group, size=cell.size)
    return step, group, index


def _trace_rule(step_pre, index_pre, spikes_post, x_pre, x_post, n, d, alpha):
    """Weight changes (before the factor η) of Vogels' trace rule over a chunk of n steps.

    pre spike of j at step k:  dw_j += x_post[k] - alpha
    post spike at step k:      dw_j += x_j[k]          (for every inhibitory input j)
    traces: x[k] = d * x[k-1] + (spike at k), d = exp(-dt / tau_stdp).

    step_pre, index_pre: (S,) step and input of each presynaptic spike; spikes_post: steps of
    the postsynaptic spikes; x_pre (N_I,) and x_post: traces at the step before the chunk.
    Returns dw (N_I,), and both traces at the last step of the chunk.
    """
    decay = d ** np.arange(n)  # (n,) d^k
    post = np.zeros(n)
    post[spikes_post] = 1.0
    xp = _decay_filter(post, d, x_post)  # (n,) post trace at every step
    dw = np.bincount(index_pre, weights=xp[step_pre] - alpha, minlength=x_pre.size)
    for k in spikes_post:
        before = step_pre <= k
        dw += x_pre * (decay[k] * d)  # trace carried into the chunk, decayed to step k
        dw += np.bincount(
            index_pre[before], weights=decay[k - step_pre[before]], minlength=x_pre.size
        )
    x_pre = x_pre * d**n + np.bincount(
        index_pre, weights=decay[n - 1 - step_pre], minlength=x_pre.size
    )
    return dw, x_pre, float(xp[-1])


def simulate_spiking(
    duration: float = 60.0,
    *,
    eta: float = 0.05,
    rho0: float = 5.0,
    tau_stdp: float = 20.0,
    dt: float = 0.1,
    w_e_scale: float = 1.2,
    w_i0: float = 0.1,
    w_max: float = 100.0,
    n_groups: int = N_GROUPS,
    r_bg: float = 10.0,
    r_sig: float = 10.0,
    tau_s: float = 50.0,
    record_every: float = 20.0,
    lif: LIFParameters | None = None,
    seed: int = 0,
    progress: bool | None = None,
) -> PlasticityResult:
    r"""Vogels' rule on a conductance-based integrate-and-fire neuron with Poisson inputs.

    The neuron (see :class:`LIFParameters`, Euler steps of ``dt`` ms):

    .. math::

        \tau_m \frac{dV}{dt} = (V_{rest} - V) + \frac{g_E}{g_L}(E_E - V)
                                + \frac{g_I}{g_L}(E_I - V), \qquad
        \tau_E \frac{dg_E}{dt} = -g_E + \tau_E \bar g_E \sum_{j,k} w^E_j \delta(t - t_j^k)

    (likewise :math:`g_I`). The trace-based rule, with traces :math:`x_j` (each inhibitory input)
    and :math:`x_{post}` that jump by 1 at a spike and decay with ``tau_stdp``:

    .. math::

        \text{pre spike of } j: \; w_j \mathrel{+}= \eta (x_{post} - \alpha), \qquad
        \text{post spike}: \; w_j \mathrel{+}= \eta \, x_j, \qquad
        \alpha = 2 \rho_0 \tau_{STDP}.

    On average :math:`\dot w_j \propto \rho_j (\rho_{post} - \rho_0)`: the rate form. All spikes
    of a recording bin (``record_every`` ms) contribute their increments, which are applied at
    the end of the bin (with small η the same to first order, and it keeps the run vectorised).

    Args:
        duration: simulated time, s. 60 s take about a second.
        eta: learning rate (weight units per spike pair). Negative flips the rule.
        rho0: target output rate, Hz.
        tau_stdp: trace time constant, ms.
        dt: time step, ms.
        w_e_scale, w_i0, w_max, n_groups, r_bg, r_sig, tau_s: as in :func:`simulate_rate`
            (weights here in units of ``gbar_e`` / ``gbar_i``).
        record_every: recording bin and weight-update interval, ms.
        lif: neuron parameters; default :class:`LIFParameters()`.
        seed: seed of the input signals, the Poisson spikes and the weight jitter.
        progress: show a progress bar (it appears only after 2 s); default: yes unless the
            environment variable ``CI`` is set.

    Returns:
        :class:`PlasticityResult` with ``form="spiking"``; currents in pA
        (:math:`g_E (E_E - V)` and :math:`g_I (V - E_I)`, both positive).

    Example::

        res = simulate_spiking(60.0); print(round(res.final_rate(), 1), res.cotuning() > 0.8)
    """
    p = LIFParameters() if lif is None else lif
    n = _n_steps(duration, dt)
    every = _check_common(rho0, eta, n_groups, record_every, dt, n)
    if dt > p.tau_m:
        raise ValueError(
            f"dt must not exceed the membrane time constant tau_m = {p.tau_m:g} ms (Euler steps "
            f"longer than tau_m overshoot; 0.1 ms is the default); got dt = {dt:g} ms"
        )
    if not tau_stdp > 0:
        raise ValueError(f"tau_stdp must be a positive time constant in ms; got {tau_stdp}")
    rng = np.random.default_rng(seed)
    w_e, w_i, group_e, group_i = _initial_weights(w_e_scale, w_i0, n_groups, rng)
    signals = _Signals(n_groups, dt, tau_s, r_bg, r_sig, rng)
    ne_g, ni_g = N_E // n_groups, N_I // n_groups

    alpha = 2.0 * (rho0 / 1000.0) * tau_stdp  # rho0 in spikes per ms times tau in ms
    d_e, d_i, d_stdp = np.exp(-dt / p.tau_e), np.exp(-dt / p.tau_i), np.exp(-dt / tau_stdp)
    n_ref = int(round(p.t_ref / dt))

    # state carried from bin to bin
    v, refractory = p.v_rest, 0
    g_e = np.zeros(n_groups)  # (G,) excitatory conductance of each group, nS
    g_i = np.zeros(n_groups)  # (G,) inhibitory conductance, nS
    x_pre = np.zeros(N_I)  # (N_I,) presynaptic traces
    x_post = 0.0

    n_rec = n // every
    rec = _Recorder(n_rec, n_groups)
    with _progress(n_rec, progress, "spiking neuron") as bar:
        for _ in range(n_rec):
            x = signals.next(every)  # (n, G) rates, Hz
            p_spike = x * (dt / 1000.0)  # expected spikes per input per step

            # input spikes -> conductance kicks per step and group (n, G)
            step_e, grp_e, idx_e = _poisson_events(p_spike, ne_g, rng)
            step_i, grp_i, idx_i = _poisson_events(p_spike, ni_g, rng)
            kick_e = np.bincount(
                step_e * n_groups + grp_e, weights=w_e[idx_e], minlength=every * n_groups
            )
            kick_i = np.bincount(
                step_i * n_groups + grp_i, weights=w_i[idx_i], minlength=every * n_groups
            )
            kick_e = p.gbar_e * kick_e.reshape(every, n_groups)
            kick_i = p.gbar_i * kick_i.reshape(every, n_groups)
            # g[k] = d * g[k-1] + kick[k]
            ge = _decay_filter(kick_e, d_e, g_e)
            gi = _decay_filter(kick_i, d_i, g_i)
            g_e, g_i = ge[-1], gi[-1]

            vs, spikes, v, refractory = _lif(
                v,
                refractory,
                (ge.sum(1) / p.g_leak).tolist(),
                (gi.sum(1) / p.g_leak).tolist(),
                p,
                dt,
                n_ref,
            )
            vs = np.asarray(vs)  # (n,) mV

            dw, x_pre, x_post = _trace_rule(
                step_i, idx_i, spikes, x_pre, x_post, every, d_stdp, alpha
            )
            w_i = np.clip(w_i + eta * dw, 0.0, w_max)

            current_e = (ge * (p.e_e - vs)[:, None]).mean(0)  # (G,) pA
            current_i = (gi * (vs - p.e_i)[:, None]).mean(0)  # (G,) pA
            rec.add_bin(len(spikes) / (every * dt / 1000.0), current_e, current_i, x.mean(0), w_i)
            bar.update()
    return rec.result(dt * every, w_e, group_e, group_i, rho0, eta, "spiking")


# --------------------------------------------------------------------------------------------
# Plots
# --------------------------------------------------------------------------------------------

_E_COLOR, _I_COLOR = "tab:red", "tab:blue"


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
    ax.axhline(res.rho0, color="tab:green", ls="--", label=r"target $\rho_0$")
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
