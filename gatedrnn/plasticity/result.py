"""What a run of either form records: :class:`PlasticityResult`, and the recorder filling it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .inputs import N_I


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
