"""What both forms share: the sizes, the group signals, the tuned excitatory weights, the checks.

One neuron receives :data:`N_E` excitatory and :data:`N_I` inhibitory inputs in
:data:`N_GROUPS` signal groups; every input of a group fires at its group's rate (a rectified
Ornstein-Uhlenbeck signal, :func:`group_signals`).
"""

from __future__ import annotations

import os

import numpy as np

from .._validation import check_number

N_E = 800  # excitatory inputs
N_I = 200  # inhibitory inputs
N_GROUPS = 8  # signal groups (100 E + 25 I inputs each)


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
