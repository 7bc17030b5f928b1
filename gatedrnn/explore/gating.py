r"""Multiplicative versus subtractive gating: when is a gate open, when is it closed?

A signal :math:`s_t \ge 0` (a firing rate) passes a gate :math:`g \in [0, 1]` and reaches a
neuron that fires above a threshold :math:`\theta`:

======================  ==============================  =====================================
gate                    gated signal                    the gate is …
======================  ==============================  =====================================
multiplicative (LSTM)   :math:`y = g \cdot s`           open at g = 1, closed at g = 0
subtractive (subLSTM)   :math:`y = s - g`               open at g = 0, closed as g grows
======================  ==============================  =====================================

and the neuron's rate is :math:`[y - \theta]_+`. A multiplicative gate scales the signal (a
closed gate silences even a strong signal); a subtractive gate shifts it (a strong signal gets
through a "closed" gate; a weak one is stopped by a small g). The threshold shows why
subtraction works as a gate in a neuron: it only needs to push the input below threshold.

>>> gating_explorer()
>>> r = gating("pulses", gate=0.3, threshold=0.1); r.passed_mul, r.passed_sub
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ipywidgets import Dropdown

from .. import palette
from ._base import Explorer, float_slider

__all__ = ["SIGNALS", "Gating", "gating", "plot_gating", "gating_explorer"]

#: The signals offered: two pulses, a rectified sine, a ramp.
SIGNALS = ("pulses", "sine", "ramp")


@dataclass
class Gating:
    """What :func:`gating` computed.

    Attributes:
        t, s: (T,) steps and the signal; gate, threshold: the settings.
        y_mul, y_sub: (T,) the gated signal, ``g s`` and ``s − g``.
        out_mul, out_sub: (T,) the neuron's rate ``[y − θ]_+``.
        gates: (G,) gate values swept; passed_mul, passed_sub: (G,) the neuron's mean rate at
            each gate value as a fraction of its rate without a gate, ``mean [s − θ]_+``.
    """

    t: np.ndarray
    s: np.ndarray
    gate: float
    threshold: float
    y_mul: np.ndarray
    y_sub: np.ndarray
    out_mul: np.ndarray
    out_sub: np.ndarray
    gates: np.ndarray
    passed_mul: np.ndarray
    passed_sub: np.ndarray


def signal(kind: str = "pulses", T: int = 60, amplitude: float = 1.0) -> np.ndarray:
    """A non-negative signal (T,): ``"pulses"`` (two, 5 steps each), ``"sine"`` (``(1 + sin)/2``,
    period 20), ``"ramp"`` (0 to amplitude), scaled by ``amplitude``."""
    if kind not in SIGNALS:
        raise ValueError(f"signal kind must be one of {SIGNALS}; got {kind!r}")
    t = np.arange(T)
    if kind == "pulses":
        s = (((t >= 10) & (t < 15)) | ((t >= 35) & (t < 40))).astype(float)
    elif kind == "sine":
        s = 0.5 * (1 + np.sin(2 * np.pi * t / 20))
    else:
        s = t / max(T - 1, 1)
    return amplitude * s


def _rate(y: np.ndarray, threshold: float) -> np.ndarray:
    return np.maximum(y - threshold, 0.0)


def gating(
    s: str | np.ndarray = "pulses",
    *,
    amplitude: float = 1.0,
    gate: float = 0.5,
    threshold: float = 0.2,
    T: int = 60,
    sweep: int = 101,
) -> Gating:
    """Gate the signal ``s`` by ``gate`` both ways; sweep the gate from 0 to 1.

    Args:
        s: a kind from :data:`SIGNALS` (then ``amplitude`` and ``T`` shape it) or an array (T,).
        gate: g in [0, 1]; threshold: θ of the receiving neuron.
    """
    if not 0.0 <= gate <= 1.0:
        raise ValueError(f"gate must be in [0, 1] (a sigmoid's output); got {gate}")
    s = signal(s, T, amplitude) if isinstance(s, str) else np.asarray(s, dtype=float)
    if s.ndim != 1:
        raise ValueError(f"s must be a signal kind {SIGNALS} or an array (T,); got {s.shape}")
    y_mul, y_sub = gate * s, s - gate
    gates = np.linspace(0.0, 1.0, sweep)
    ungated = _rate(s, threshold).mean()
    scale = 1.0 / ungated if ungated > 0 else 0.0
    passed_mul = np.array([_rate(g * s, threshold).mean() for g in gates]) * scale
    passed_sub = np.array([_rate(s - g, threshold).mean() for g in gates]) * scale
    return Gating(
        t=np.arange(len(s)),
        s=s,
        gate=float(gate),
        threshold=float(threshold),
        y_mul=y_mul,
        y_sub=y_sub,
        out_mul=_rate(y_mul, threshold),
        out_sub=_rate(y_sub, threshold),
        gates=gates,
        passed_mul=passed_mul,
        passed_sub=passed_sub,
    )


def plot_gating(r: Gating, fig=None):
    """Left: the signal, both gated signals and the threshold; the neuron's rates. Right: the
    fraction of the response passed against the gate value. Returns the Figure."""
    if fig is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(10.5, 4.8), layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=[1.6, 1])
    top = fig.add_subplot(grid[0, 0])
    bottom = fig.add_subplot(grid[1, 0], sharex=top)
    right = fig.add_subplot(grid[:, 1])
    top.plot(r.t, r.s, color=palette.INPUT, lw=2, label="signal s")
    top.plot(r.t, r.y_mul, color=palette.INPUT_GATE, lw=1.6, label="g · s (multiplicative)")
    top.plot(r.t, r.y_sub, color=palette.INHIBITORY, lw=1.6, label="s − g (subtractive)")
    top.axhline(r.threshold, color=palette.TARGET, ls="--", lw=1.2, label="threshold θ")
    top.axhline(0, color=palette.LIGHT, lw=0.6)
    top.set_ylabel("input to the neuron")
    top.set_title(f"gate g = {r.gate:.2f}, threshold θ = {r.threshold:.2f}", fontsize=9, loc="left")
    top.legend(fontsize=7, loc="upper right")
    bottom.plot(r.t, r.out_mul, color=palette.INPUT_GATE, lw=1.8, label="multiplicative")
    bottom.plot(r.t, r.out_sub, color=palette.INHIBITORY, lw=1.8, ls="--", label="subtractive")
    bottom.set(xlabel="time step t", ylabel="rate [y − θ]₊")
    bottom.legend(fontsize=7, loc="upper right")
    right.plot(
        r.gates, r.passed_mul, color=palette.INPUT_GATE, lw=2, label="multiplicative: open at g = 1"
    )
    right.plot(
        r.gates, r.passed_sub, color=palette.INHIBITORY, lw=2, label="subtractive: open at g = 0"
    )
    right.axvline(r.gate, color=palette.GRADIENT, lw=1, ls=":")
    right.set(
        xlabel="gate value g",
        ylabel="response passed (fraction of ungated)",
        xlim=(0, 1),
        ylim=(-0.03, 1.05),
    )
    right.set_title("how open is the gate?", fontsize=9, loc="left")
    right.legend(fontsize=7, loc="center right")
    return fig


def gating_explorer(**defaults) -> Explorer:
    """Sliders for the signal, the gate value and the threshold.

    >>> gating_explorer(gate=0.9)   # multiplicative: open; subtractive: nearly closed
    """
    start = dict(s="pulses", amplitude=1.0, gate=0.5, threshold=0.2)
    unknown = set(defaults) - set(start)
    if unknown:
        raise TypeError(
            f"gating_explorer() got unknown starting values {sorted(unknown)}; "
            f"use {', '.join(start)}"
        )
    start.update(defaults)
    controls = {
        "gate": float_slider("gate g", start["gate"], 0.0, 1.0, 0.05),
        "threshold": float_slider("threshold θ", start["threshold"], 0.0, 1.5, 0.05),
        "amplitude": float_slider("signal amplitude", start["amplitude"], 0.0, 3.0, 0.1),
        "s": Dropdown(options=SIGNALS, value=start["s"], description="signal"),
    }

    def draw(fig, **values):
        r = gating(**values)
        plot_gating(r, fig)
        return r

    return Explorer(
        controls, draw, title="Multiplicative versus subtractive gating", figsize=(10.5, 4.8)
    )
