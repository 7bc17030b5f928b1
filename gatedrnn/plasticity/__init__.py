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

========================  ==========================================================================
module                    holds
========================  ==========================================================================
:mod:`.inputs`            the inputs shared by both forms: sizes, group signals, tuned E weights
:mod:`.result`            :class:`PlasticityResult`, what a run records
:mod:`.rate`              Vogels' rule and the rate neuron (:func:`simulate_rate`)
:mod:`.spiking`           the integrate-and-fire neuron, the trace rule (:func:`simulate_spiking`)
:mod:`.plots`             the five plots and :func:`plot_summary`
:mod:`.assemblies`        Vogels et al.'s recurrent E/I network: balance, hidden assemblies, recall
:mod:`.receptive_fields`  a receptive field retuned: excitation moves, inhibition follows
========================  ==========================================================================

Example::

    res = simulate_rate(60.0)            # 60 s of simulated time, well under a second
    res.final_rate(), res.cotuning()     # ≈ ρ0 = 5 Hz, correlation ≈ 1
    plot_summary(res)
"""

from __future__ import annotations

from .inputs import N_E, N_GROUPS, N_I, excitatory_tuning, group_signals
from .plots import plot_cotuning, plot_currents, plot_rate, plot_summary, plot_weights
from .rate import simulate_rate, vogels_rule
from .result import PlasticityResult
from .spiking import LIFParameters, simulate_spiking

__all__ = [
    "N_E",
    "N_I",
    "N_GROUPS",
    "PlasticityResult",
    "LIFParameters",
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
