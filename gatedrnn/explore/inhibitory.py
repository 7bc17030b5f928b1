r"""Inhibitory-plasticity explorer: Vogels' rule drives a neuron to its target rate.

The rule :math:`\Delta w = \eta \, x \, (y - \rho_0)` on the inhibitory synapses of one neuron
with 800 excitatory and 200 inhibitory inputs in 8 signal groups (:mod:`gatedrnn.plasticity`).
Move η and the target :math:`\rho_0`; flip the rule's sign and watch the rate run away.

>>> plasticity_explorer()                 # rate neuron (fast); form="spiking" for the LIF neuron
>>> res = plasticity_run(eta=5e-5, rho0=8.0); res.final_rate()   # ≈ 8 Hz
"""

from __future__ import annotations

from ipywidgets import Checkbox

from .. import plasticity
from ..plasticity import PlasticityResult
from ._base import Explorer, float_slider, log_slider

__all__ = ["plasticity_run", "plot_plasticity_run", "plasticity_explorer", "ETA"]

#: Default learning rate and the explorer's slider range (powers of ten) for each form.
ETA = {"rate": (2e-5, -6.0, -3.0), "spiking": (0.05, -3.0, 0.0)}


def plasticity_run(
    form: str = "rate",
    eta: float | None = None,
    rho0: float = 5.0,
    *,
    flip: bool = False,
    duration: float = 30.0,
    seed: int = 0,
) -> PlasticityResult:
    """One run of :func:`gatedrnn.plasticity.simulate_rate` or ``simulate_spiking``.

    Args:
        form: ``"rate"`` or ``"spiking"``.
        eta: learning rate (default: the form's default, :data:`ETA`).
        rho0: target rate, Hz.
        flip: use −η: the anti-Hebbian rule, which drives the rate away from ρ0.
        duration: simulated time, s; seed: inputs and weights.
    """
    if form not in ETA:
        raise ValueError(f"form must be 'rate' or 'spiking'; got {form!r}")
    eta = ETA[form][0] if eta is None else eta
    signed = -eta if flip else eta
    if form == "rate":
        return plasticity.simulate_rate(duration, eta=signed, rho0=rho0, seed=seed)
    return plasticity.simulate_spiking(duration, eta=signed, rho0=rho0, seed=seed)


def plot_plasticity_run(res: PlasticityResult, fig=None):
    """Rate, weights, co-tuning and currents (:func:`gatedrnn.plasticity.plot_summary`)."""
    return plasticity.plot_summary(res, fig=fig)


def plasticity_explorer(form: str = "rate", *, duration: float = 30.0, **defaults) -> Explorer:
    """Sliders for η (log scale) and ρ0, and a box that flips the rule's sign.

    ``form="rate"`` (default, a third of a second per run) or ``"spiking"`` (about a second);
    ``duration``: simulated seconds per run.

    >>> plasticity_explorer("spiking", rho0=10.0)
    """
    if form not in ETA:
        raise ValueError(f"form must be 'rate' or 'spiking'; got {form!r}")
    eta0, lo, hi = ETA[form]
    start = dict(eta=eta0, rho0=5.0, flip=False)
    unknown = set(defaults) - set(start)
    if unknown:
        raise TypeError(
            f"plasticity_explorer() got unknown starting values {sorted(unknown)}; "
            f"use eta, rho0, flip"
        )
    start.update(defaults)
    controls = {
        "eta": log_slider("learning rate η", start["eta"], lo, hi, readout_format=".1e"),
        "rho0": float_slider("target ρ0 (Hz)", start["rho0"], 1.0, 20.0, 0.5),
        "flip": Checkbox(value=start["flip"], description="flip the rule's sign (−η)"),
    }

    def draw(fig, **values):
        res = plasticity_run(form, **values, duration=duration)
        plot_plasticity_run(res, fig)
        return res

    return Explorer(
        controls,
        draw,
        title=f"Inhibitory plasticity (Vogels et al. 2011), {form} neuron",
        figsize=(12.0, 6.4),
        columns=3,
        start=start,
    )
