r"""Steady-state explorer: where does one rate unit with a self-connection settle?

A unit :math:`\tau\,dr/dt = -r + \varphi(w r + I)` rests where the line :math:`r` meets the
curve :math:`\varphi(w r + I)`. A crossing is stable when the curve is flatter than the line
there, :math:`w\,\varphi'(w r^* + I) < 1` (a small push decays), unstable otherwise. Move the
self-weight w, the input I and the nonlinearity φ: with tanh and w > 1 the unit has two stable
states (a memory); with the supralinear :math:`k\max(0,u)^n` and w > 0 a large input leaves
no steady state at all (the rate runs away, which inhibition must prevent: lecture 05).

>>> steady_state_explorer()
>>> s = steady_state(w=2.0, I=0.0, phi="tanh"); s.fixed_points, s.stable   # three, two stable
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ipywidgets import Dropdown
from scipy.optimize import brentq

from .. import palette
from ..nonlinearities import resolve
from ._base import Explorer, float_slider

__all__ = ["SteadyState", "steady_state", "plot_steady_state", "steady_state_explorer"]

PHIS = ("tanh", "relu", "ssn")
R_MAX = 3.0  # rates drawn and searched in [-R_MAX, R_MAX]


@dataclass
class SteadyState:
    """What :func:`steady_state` computed.

    Attributes:
        r: (N,) rates; curve: (N,) φ(w r + I) at those rates.
        fixed_points: (K,) r* with φ(w r* + I) = r*; slopes: (K,) w φ'(w r* + I);
        stable: (K,) slope < 1.
        inputs: (M,) inputs I swept; up, down: (M,) the rate the unit settles at when I is
            raised slowly from below / lowered from above (nan where it runs away); w, I, phi.
    """

    r: np.ndarray
    curve: np.ndarray
    fixed_points: np.ndarray
    slopes: np.ndarray
    stable: np.ndarray
    inputs: np.ndarray
    up: np.ndarray
    down: np.ndarray
    w: float
    I: float
    phi: str


def _crossings(f, lo: float, hi: float, n: int = 2001) -> list[float]:
    """Every root of f on [lo, hi], from sign changes on a grid, refined by bisection."""
    r = np.linspace(lo, hi, n)
    g = f(r)
    roots = [float(x) for x, y in zip(r, g, strict=True) if y == 0.0]
    for k in np.nonzero(np.sign(g[:-1]) * np.sign(g[1:]) < 0)[0]:
        roots.append(brentq(f, r[k], r[k + 1], xtol=1e-13))
    return sorted(roots)


def _settle(phi, w: float, inputs: np.ndarray, r0: float, steps: int = 400) -> np.ndarray:
    """Relax dr = (−r + φ(w r + I)) dt/τ (dt/τ = 0.2) at each input in turn, starting each
    from the last one's rest: the branch the unit follows when I changes slowly."""
    out, r = [], r0
    for current in inputs:
        for _ in range(steps):
            r = r + 0.2 * (-r + phi.numpy(w * r + current))
            if not np.isfinite(r) or abs(r) > 1e3:
                r = np.nan
                break
        out.append(r)
        if np.isnan(r):
            r = r0
    return np.array(out)


def steady_state(
    w: float = 1.5,
    I: float = 0.0,  # noqa: E741  (the input current, as in the lecture)
    phi: str = "tanh",
    *,
    k: float = 0.3,
    n: float = 2.0,
) -> SteadyState:
    """Fixed points of ``τ dr/dt = −r + φ(w r + I)`` and the input–output curve of the unit.

    Args:
        w: self-connection; I: input; phi: ``"tanh"``, ``"relu"`` or ``"ssn"`` (``k max(0, u)^n``).
    """
    if phi not in PHIS:
        raise ValueError(f"phi must be one of {PHIS}; got {phi!r}")
    f = resolve(phi, k=k, n=n)
    r = np.linspace(-R_MAX, R_MAX, 601)
    points = np.array(_crossings(lambda x: f.numpy(w * x + I) - x, -R_MAX, 10 * R_MAX, 6001))
    slopes = w * f.numpy_derivative(w * points + I) if len(points) else np.array([])
    inputs = np.linspace(-2.0, 2.0, 81)
    return SteadyState(
        r=r,
        curve=f.numpy(w * r + I),
        fixed_points=points,
        slopes=np.asarray(slopes, dtype=float),
        stable=np.asarray(slopes, dtype=float) < 1,
        inputs=inputs,
        up=_settle(f, w, inputs, -R_MAX if phi == "tanh" else 0.0),
        down=_settle(f, w, inputs[::-1], R_MAX if phi == "tanh" else 0.0)[::-1],
        w=float(w),
        I=float(I),
        phi=phi,
    )


def plot_steady_state(s: SteadyState, fig=None):
    """Left: the line r and the curve φ(w r + I), fixed points (filled stable, open unstable).
    Right: the rest rate against I, raising and lowering I. Returns the Figure."""
    if fig is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(10, 4.2), layout="constrained")
    ax, ax_io = fig.subplots(1, 2)
    ax.plot(s.r, s.r, color=palette.NEUTRAL, lw=1.2, label="r (the leak)")
    ax.plot(s.r, s.curve, color=palette.MEMORY, lw=2, label=f"φ(w r + I), φ = {s.phi}")
    for r0, stable in zip(s.fixed_points, s.stable, strict=True):
        ax.plot(
            r0,
            r0,
            "o",
            ms=9,
            mec=palette.MEMORY,
            mew=1.6,
            mfc=palette.CANDIDATE if stable else "white",
        )
    ax.axhline(0, color=palette.LIGHT, lw=0.6)
    ax.axvline(0, color=palette.LIGHT, lw=0.6)
    low = -1.5 if s.phi == "tanh" else -0.5
    ax.set(
        xlim=(low, 3.0 if s.phi != "tanh" else 1.5),
        ylim=(low, 3.0 if s.phi != "tanh" else 1.5),
        xlabel="rate r",
    )
    n_stable = int(s.stable.sum())
    ax.set_title(
        f"w = {s.w:.2f}, I = {s.I:.2f}: {len(s.fixed_points)} fixed point(s), "
        f"{n_stable} stable (filled)"
        if len(s.fixed_points)
        else f"w = {s.w:.2f}, I = {s.I:.2f}: no fixed point, the rate runs away",
        fontsize=9,
        loc="left",
    )
    ax.legend(fontsize=8, loc="upper left")
    ax_io.plot(s.inputs, s.up, color=palette.INPUT_GATE, lw=2, label="I raised slowly")
    ax_io.plot(
        s.inputs, s.down, color=palette.INHIBITORY, lw=1.5, ls="--", label="I lowered slowly"
    )
    ax_io.axvline(s.I, color=palette.GRADIENT, lw=1, ls=":")
    ax_io.set(xlabel="input I", ylabel="rate at rest r*")
    ax_io.set_title(
        "input–output curve (two branches: hysteresis, a memory)", fontsize=9, loc="left"
    )
    ax_io.legend(fontsize=8, loc="upper left")
    return fig


def steady_state_explorer(**defaults) -> Explorer:
    """Sliders for the self-weight w and the input I; a choice of φ.

    >>> steady_state_explorer(phi="ssn", w=0.5)
    """
    start = dict(w=1.5, I=0.0, phi="tanh")
    unknown = set(defaults) - set(start)
    if unknown:
        raise TypeError(
            f"steady_state_explorer() got unknown starting values {sorted(unknown)}; use w, I, phi"
        )
    start.update(defaults)
    controls = {
        "w": float_slider("self-weight w", start["w"], -2.0, 3.0, 0.1),
        "I": float_slider("input I", start["I"], -2.0, 2.0, 0.05),
        "phi": Dropdown(options=PHIS, value=start["phi"], description="φ"),
    }

    def draw(fig, **values):
        s = steady_state(**values)
        plot_steady_state(s, fig)
        return s

    return Explorer(controls, draw, title="Steady states of one rate unit", figsize=(10.0, 4.2))
