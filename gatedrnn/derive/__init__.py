"""Derivation helpers: check gradients, inspect Jacobians, discretise, find fixed points.

=================================  ==================================================
``gradcheck(f, *arrays)``          central finite differences vs your gradient; a report
``state_jacobian(cell, x_t, s)``   closed-form ∂h_t/∂h_{t-1} (B, H, H) of every cell
``gradient_flow(cell, x)``         ‖∂L/∂h_t‖ over t for a loss on the last step (T,)
``plot_gradient_flow(curves)``     the vanishing/exploding-gradient plot
``rate_trajectories(tau, dt, …)``  Euler vs the continuous rate equation, one Δt
``euler_errors(dts, …)``           Euler's global error per Δt (first order)
``plot_euler_errors(result)``      log-log, with the slope-1 reference
``fixed_point(cell, x_t)``         h* = F(h*, x) by Newton, with J(h*)'s eigenvalues
``symbolic``                       SymPy: σ', tanh', one LSTM and subLSTM unit (LaTeX tables)
=================================  ==================================================

``symbolic`` is imported on first use (SymPy takes a moment to load).
"""

from __future__ import annotations

import importlib

from .euler import (
    EulerErrors,
    RateTrajectories,
    euler_errors,
    plot_euler_errors,
    plot_rate_trajectories,
    rate_trajectories,
)
from .fixed_points import FixedPoint, fixed_point
from .gradcheck import ArgumentCheck, GradcheckReport, gradcheck
from .gradient_flow import gradient_flow, plot_gradient_flow
from .jacobians import state_jacobian


def __getattr__(name: str):
    if name == "symbolic":
        return importlib.import_module(".symbolic", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "gradcheck",
    "GradcheckReport",
    "ArgumentCheck",
    "state_jacobian",
    "gradient_flow",
    "plot_gradient_flow",
    "rate_trajectories",
    "RateTrajectories",
    "euler_errors",
    "EulerErrors",
    "plot_euler_errors",
    "plot_rate_trajectories",
    "fixed_point",
    "FixedPoint",
    "symbolic",
]
