r"""Vogels' rule on a rectified-linear rate neuron: :math:`\Delta w_j = \eta x_j (y - \rho_0)`."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .inputs import N_E, N_GROUPS, N_I, _check_common, _initial_weights, _n_steps, _Signals
from .result import PlasticityResult, _Recorder


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
