r"""Fixed points of a cell's map and their stability.

A cell with a constant input :math:`x` is a discrete dynamical system :math:`h_t = F(h_{t-1}, x)`.
A fixed point solves :math:`F(h^*, x) = h^*`; Newton's method finds it from a guess by solving

.. math::
    (J - I)\,\Delta = -(F(h) - h), \qquad h \leftarrow h + \Delta, \qquad J = \partial F/\partial h

with the closed-form Jacobian of :func:`state_jacobian`. The fixed point is stable when every
eigenvalue of :math:`J(h^*)` lies inside the unit circle, :math:`|\lambda| < 1`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch

from .jacobians import _as_state, check_cell, state_jacobian


@dataclass(frozen=True)
class FixedPoint:
    """A fixed point ``F(h*, x) = h*`` per example, with the Jacobian's spectrum there.

    For the LSTM and subLSTM the state is ``(h, c)``: ``state`` has both, ``h`` is its first
    half and the Jacobian and eigenvalues are those of the full state (2H).
    """

    h: np.ndarray  # (B, H): h* (r*, v* for rate networks)
    state: tuple  # the cell's state type, each field (B, H) NumPy
    eigenvalues: np.ndarray  # (B, S) complex, sorted by decreasing |λ|; S = H or 2H
    jacobian: np.ndarray  # (B, S, S) at the fixed point
    converged: np.ndarray  # (B,) bool: residual < tol
    iterations: int
    residual: np.ndarray  # (B,) max_i |F(h*) − h*|_i

    @property
    def spectral_radius(self) -> np.ndarray:
        """(B,) max |λ|."""
        return np.abs(self.eigenvalues).max(axis=-1)

    @property
    def stable(self) -> np.ndarray:
        """(B,) True where every |λ| < 1 (a small perturbation decays)."""
        return self.spectral_radius < 1


def fixed_point(
    cell,
    x_t,
    h0=None,
    *,
    tol: float = 1e-10,
    max_iter: int = 100,
    relax: int = 1000,
) -> FixedPoint:
    """Find ``h*`` with ``F(h*, x_t) = h*`` by Newton's method, and the eigenvalues of J(h*).

    ``cell``: a RateCell, GRUCell, SimpleGRUCell or VanillaRNNCell (LSTM and subLSTM work on
    their full state (h, c)). ``x_t`` (B, I) or (I,): the constant input. ``h0``: the starting
    guess, a state or a (B, H) tensor/array (zeros when None). Computed in float64 on a copy of
    the cell. Each iteration tries a Newton step (halved until it reduces the residual) and one
    step of the dynamics, ``h <- F(h)``, and keeps the better: Newton converges quadratically
    near any fixed point, the dynamics carry the guess towards a stable one from afar. Where
    that fails after ``max_iter`` iterations, the dynamics run ``relax`` steps from ``h0`` and
    Newton starts again from there (so a stable fixed point is found whenever the dynamics
    settle into one). ``iterations`` counts every step taken.

    >>> fp = fixed_point(gatedrnn.GRUCell(2, 8), torch.zeros(2))
    >>> fp.h.shape, fp.converged, fp.stable     # ((1, 8), array([ True]), array([ True]))
    """
    check_cell(cell, "fixed_point")
    cell = copy.deepcopy(cell).double().cpu()
    x_t = torch.as_tensor(x_t, dtype=torch.float64)
    if x_t.dim() == 1:
        x_t = x_t.unsqueeze(0)
    H = cell.hidden_size
    if h0 is not None:
        h0 = (h0,) if not isinstance(h0, tuple) else h0
        h0 = cell.state_type(
            *(
                torch.as_tensor(np.asarray(v), dtype=torch.float64).reshape(x_t.shape[0], H)
                for v in h0
            )
        )
    state = _as_state(cell, x_t, h0)

    def pack(st) -> torch.Tensor:
        return torch.cat(list(st), dim=1)  # (B, S)

    def unpack(s: torch.Tensor):
        return cell.state_type(*s.split(H, dim=1))

    def residual(s: torch.Tensor) -> torch.Tensor:
        return pack(cell(x_t, unpack(s))[1]) - s  # F(s) - s, (B, S)

    def newton(s: torch.Tensor):
        g = residual(s)
        eye = torch.eye(s.shape[1], dtype=s.dtype)
        for iteration in range(max_iter):
            if g.abs().max() < tol:
                return s, g, iteration
            J = state_jacobian(cell, x_t, unpack(s), full=True)
            step, info = torch.linalg.solve_ex(J - eye, -g.unsqueeze(-1))  # (J - I) Δ = -g
            step = torch.where((info == 0)[:, None], step.squeeze(-1), g)  # singular: use g
            scale = torch.ones(s.shape[0], 1, dtype=s.dtype)  # one step length per example
            for _ in range(12):  # halve the Newton steps that do not shrink the residual
                s_newton = s + scale * step
                g_newton = residual(s_newton)
                worse = g_newton.norm(dim=1) >= g.norm(dim=1)
                if not worse.any():
                    break
                scale[worse] /= 2
            # one step of the dynamics, h <- F(h) = h + g, may do better far from h*
            s_dynamics = s + g
            g_dynamics = residual(s_dynamics)
            better = (g_newton.norm(dim=1) <= g_dynamics.norm(dim=1)).unsqueeze(1)
            s = torch.where(better, s_newton, s_dynamics)
            g = torch.where(better, g_newton, g_dynamics)
        return s, g, max_iter

    with torch.no_grad():
        s, g, iterations = newton(pack(state))
        if g.abs().max() >= tol and relax > 0:
            # Newton can stall between fixed points; let the dynamics settle first, then retry
            settled = pack(state)
            for _ in range(relax):
                g_settled = residual(settled)
                if g_settled.abs().max() < tol:
                    break
                running = settled.abs().amax(dim=1, keepdim=True) < 1e6  # not run away
                settled = torch.where(running, settled + g_settled, settled)
            s2, g2, iterations2 = newton(settled)
            retry = (g2.norm(dim=1) < g.norm(dim=1)).unsqueeze(1)
            s, g = torch.where(retry, s2, s), torch.where(retry, g2, g)
            iterations += relax + iterations2
        J = state_jacobian(cell, x_t, unpack(s), full=True)
    J = J.numpy()
    finite = np.isfinite(J).all(axis=(1, 2))  # a run-away example has no spectrum
    eigenvalues = np.full(J.shape[:2], np.nan, dtype=complex)
    if finite.any():
        eigenvalues[finite] = np.linalg.eigvals(J[finite])
    order = np.argsort(-np.abs(eigenvalues), axis=-1)
    eigenvalues = np.take_along_axis(eigenvalues, order, axis=-1)
    final = unpack(s)
    res = g.abs().amax(dim=1).numpy()
    return FixedPoint(
        h=final[0].numpy(),
        state=cell.state_type(*(v.numpy() for v in final)),
        eigenvalues=eigenvalues,
        jacobian=J,
        converged=res < tol,  # NaN (a run-away state) is not converged
        iterations=iterations,
        residual=res,
    )
