r"""Euler's method for the rate equation, against its continuous-time solution.

.. math::
    \tau \frac{dr}{dt} = -r + \varphi(w r + I(t))

Replacing :math:`dr/dt` by :math:`(r_k - r_{k-1})/\Delta t` gives the rate network's update
(notes eq. 2), with :math:`z = \Delta t/\tau`:

.. math::
    r_k = (1 - z) \odot r_{k-1} + z \odot \varphi(w r_{k-1} + I(t_{k-1}))

Each step is off by :math:`O(\Delta t^2)`; over a fixed time span that is :math:`T/\Delta t`
steps, so the global error is :math:`O(\Delta t)`: a slope of 1 on a log-log plot (first order).
Here the input is read at the start of each step, the textbook forward Euler; the cells read
:math:`x_t` at the step's end, a one-step shift of the input (notes footnote 1) that changes
nothing for a constant input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .. import palette
from ..twins.nonlinearities import activation


@dataclass(frozen=True)
class RateTrajectories:
    """The Euler solution and the continuous-time one, for one Δt (times in ms)."""

    t: np.ndarray  # (K+1,) the Euler grid k·Δt
    euler: np.ndarray  # (K+1, N) r_k
    exact: np.ndarray  # (K+1, N) the continuous r(k·Δt)
    t_fine: np.ndarray  # (M,) a fine grid for plotting the continuous solution
    exact_fine: np.ndarray  # (M, N)
    dt: float
    tau: np.ndarray  # (N,) ms

    @property
    def error(self) -> float:
        """max over grid points and units of |r_k − r(k·Δt)|."""
        return float(np.max(np.abs(self.euler - self.exact)))


@dataclass(frozen=True)
class EulerErrors:
    """The global error of Euler's method for each Δt, and the fitted order."""

    dts: np.ndarray  # (D,) ms
    errors: np.ndarray  # (D,) max |r_k − r(k·Δt)|

    @property
    def order(self) -> float:
        """Slope of log(error) against log(Δt), by least squares: about 1 for Euler."""
        return float(np.polyfit(np.log(self.dts), np.log(self.errors), 1)[0])


def _network(phi, w, I, r0, tau, k, n):
    phi = activation(phi, k=k, n=n)
    w = np.atleast_2d(np.asarray(w, dtype=np.float64))
    N = w.shape[0]
    if w.shape != (N, N):
        raise ValueError(f"w must be a number or a square (N, N) matrix; got shape {w.shape}")
    tau = np.broadcast_to(np.asarray(tau, dtype=np.float64), (N,)).copy()
    if np.any(tau <= 0):
        raise ValueError(f"tau must be > 0 (ms); got {tau}")
    r0 = np.broadcast_to(np.asarray(r0, dtype=np.float64), (N,)).copy()
    if callable(I):
        current = lambda t: np.broadcast_to(np.asarray(I(t), dtype=np.float64), (N,))
    else:
        constant = np.broadcast_to(np.asarray(I, dtype=np.float64), (N,)).copy()
        current = lambda t: constant
    return phi, w, current, r0, tau


def rate_trajectories(
    tau: float | Sequence[float] = 10.0,
    dt: float = 1.0,
    phi: str | tuple = "tanh",
    w: float | np.ndarray = 0.5,
    *,
    I: float | np.ndarray | Callable[[float], np.ndarray] = 1.0,
    r0: float | np.ndarray = 0.0,
    t_end: float = 50.0,
    k: float = 0.04,
    n: float = 2.0,
) -> RateTrajectories:
    """Solve ``τ dr/dt = −r + φ(w r + I(t))`` finely and by Euler steps of ``dt``, from ``r0``.

    ``tau`` (ms, a number or one per unit), ``dt`` (ms), ``phi`` a name (``"tanh"``, ``"relu"``,
    ``"ssn"`` with ``k``, ``n``, …), ``w`` a number (one unit) or an (N, N) matrix, ``I`` a
    number, an (N,) array or a function of t (ms) giving (N,), ``t_end`` (ms).
    The continuous solution is scipy's ``solve_ivp`` (DOP853, rtol 1e-10).

    >>> traj = rate_trajectories(tau=10.0, dt=2.0, phi="tanh", w=0.5)
    >>> traj.euler.shape, traj.exact.shape      # ((26, 1), (26, 1))
    """
    from scipy.integrate import solve_ivp  # imported here: scipy.integrate takes a second to load

    phi, w, current, r0, tau = _network(phi, w, I, r0, tau, k, n)
    if not dt > 0:
        raise ValueError(f"dt must be > 0 (ms); got {dt}")
    steps = int(round(t_end / dt))
    if steps < 1:
        raise ValueError(f"t_end must be at least one step dt = {dt}; got t_end = {t_end}")
    t = dt * np.arange(steps + 1)
    z = dt / tau

    r = np.empty((steps + 1, len(r0)))
    r[0] = r0
    for step in range(1, steps + 1):
        r[step] = (1 - z) * r[step - 1] + z * phi(w @ r[step - 1] + current(t[step - 1]))

    def drdt(time, r_now):
        return (-r_now + phi(w @ r_now + current(time))) / tau

    solution = solve_ivp(
        drdt, (0.0, t[-1]), r0, method="DOP853", rtol=1e-10, atol=1e-12, dense_output=True
    )
    t_fine = np.linspace(0.0, t[-1], max(200, 4 * steps + 1))
    return RateTrajectories(t, r, solution.sol(t).T, t_fine, solution.sol(t_fine).T, float(dt), tau)


def euler_errors(
    dts: Sequence[float] = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0),
    *,
    tau: float | Sequence[float] = 10.0,
    phi: str | tuple = "tanh",
    w: float | np.ndarray = 0.5,
    I: float | np.ndarray | Callable[[float], np.ndarray] = 1.0,
    r0: float | np.ndarray = 0.0,
    t_end: float = 50.0,
    k: float = 0.04,
    n: float = 2.0,
) -> EulerErrors:
    """The global error ``max_k |r_k − r(k·Δt)|`` of Euler's method for each ``Δt`` in ``dts``.

    Same network arguments as :func:`rate_trajectories`. ``result.order`` is the fitted slope
    of log error against log Δt (≈ 1: first order).
    """
    dts = np.asarray(dts, dtype=np.float64)
    errors = [
        rate_trajectories(tau, dt, phi, w, I=I, r0=r0, t_end=t_end, k=k, n=n).error for dt in dts
    ]
    return EulerErrors(dts, np.array(errors))


def plot_euler_errors(result: EulerErrors, ax=None):
    """Log-log plot of the error against Δt, with a slope-1 reference line. Returns the Axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 3.5))
    ax.loglog(
        result.dts,
        result.errors,
        "o-",
        color=palette.INPUT_GATE,
        label=f"Euler (slope {result.order:.2f})",
    )
    middle = len(result.dts) // 2
    reference = result.errors[middle] * result.dts / result.dts[middle]
    ax.loglog(result.dts, reference, "k--", lw=1, label=r"$\propto \Delta t$ (first order)")
    ax.set_xlabel(r"time step $\Delta t$ (ms)")
    ax.set_ylabel(r"max error $|r_k - r(k\Delta t)|$")
    ax.legend(frameon=False)
    return ax


def plot_rate_trajectories(traj: RateTrajectories, ax=None, *, unit: int = 0):
    """The continuous solution (line) and the Euler steps (dots) of one unit. Returns the Axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(traj.t_fine, traj.exact_fine[:, unit], "k-", lw=1.5, label="continuous")
    ax.plot(
        traj.t,
        traj.euler[:, unit],
        "o-",
        ms=3,
        lw=0.8,
        color=palette.INPUT_GATE,
        label=rf"Euler, $\Delta t$ = {traj.dt:g} ms",
    )
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("rate r")
    ax.legend(frameon=False)
    return ax
