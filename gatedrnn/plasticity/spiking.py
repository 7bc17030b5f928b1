"""Vogels' rule on a conductance-based leaky integrate-and-fire neuron with Poisson inputs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .inputs import (
    N_E,
    N_GROUPS,
    N_I,
    _check_common,
    _decay_filter,
    _initial_weights,
    _n_steps,
    _progress,
    _Signals,
)
from .result import PlasticityResult, _Recorder


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
