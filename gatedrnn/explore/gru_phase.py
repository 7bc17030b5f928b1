r"""GRU phase-portrait explorer: a GRU of two units as a dynamical system in the plane.

With a constant input the GRU is a map :math:`h_t = F(h_{t-1})` of the plane
:math:`(h_1, h_2)`. The explorer draws the flow :math:`F(h) - h` (one step, as arrows), the
fixed points :math:`h^* = F(h^*)` found by Newton's method from a grid of starting guesses
(:func:`gatedrnn.derive.fixed_point`), each marked stable (filled, every :math:`|\lambda| < 1`)
or unstable (open), and one trajectory.

The sliders set the candidate's recurrent weights :math:`R_n` (2 × 2) and bias :math:`b_n`;
the gates are fixed: the update gate by its bias (the notes' :math:`z = \Delta t/\tau`, so
z scales every arrow but never moves a fixed point), the reset gate open (:math:`r \approx 1`).
With :math:`R_n = 0` the single fixed point is :math:`h^* = \tanh(b_n)`; a self-excitation
:math:`R_{n,kk} > 1` splits it in three (two stable, one saddle): a unit that remembers a bit.

>>> gru_phase_explorer()
>>> p = gru_phase(r11=2.0, r22=2.0); p.fixed_points, p.stable    # four stable corners
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .. import palette
from ..cells import GRUCell
from ..derive import fixed_point
from ._base import Explorer, float_slider, one_thread

__all__ = ["GRUPhase", "gru_phase", "gru_phase_cell", "plot_gru_phase", "gru_phase_explorer"]

#: Half-width of the plane drawn: h in [-LIM, LIM]^2 (tanh keeps the fixed points in (-1, 1)).
LIM = 1.2


@dataclass
class GRUPhase:
    """What :func:`gru_phase` computed.

    Attributes:
        grid: (G,) coordinates of the flow grid along each axis.
        flow: (G, G, 2) the step ``F(h) - h`` at ``h = (grid[j], grid[i])`` (row i, column j).
        fixed_points: (K, 2) distinct fixed points; eigenvalues: (K, 2) complex of J(h*);
        stable: (K,) bool (every |λ| < 1).
        trajectory: (T, 2) the run from ``start``; z: the update gate's value (the notes' z).
    """

    grid: np.ndarray
    flow: np.ndarray
    fixed_points: np.ndarray
    eigenvalues: np.ndarray
    stable: np.ndarray
    trajectory: np.ndarray
    z: float


def gru_phase_cell(
    r11: float = 0.5,
    r12: float = 0.0,
    r21: float = 0.0,
    r22: float = 0.5,
    b1: float = 0.0,
    b2: float = 0.0,
    *,
    b_z: float = 0.0,
    reset: str = "before",
) -> GRUCell:
    """A GRUCell(1, 2), float64, with candidate recurrent weights ``R_n = [[r11, r12], [r21,
    r22]]``, bias ``b_n = (b1, b2)``, no input weights, the reset gate open and the update gate
    ``σ(b_z)`` (PyTorch's ``u = 1 − z``, so its bias is ``−b_z``)."""
    cell = GRUCell(1, 2, reset=reset).double()
    with torch.no_grad():
        for p in cell.parameters():
            p.zero_()
        cell.bias_ih[cell.block("r")] = 10.0  # r = σ(10) ≈ 1: the reset gate open
        cell.bias_ih[cell.block("u")] = -b_z  # u = 1 - z = σ(-b_z)
        cell.weight_hh[cell.block("n")] = torch.tensor([[r11, r12], [r21, r22]], dtype=float)
        cell.bias_ih[cell.block("n")] = torch.tensor([b1, b2], dtype=torch.float64)
    return cell


def _distinct(points: np.ndarray, tol: float = 1e-6) -> list[int]:
    keep: list[int] = []
    for k, p in enumerate(points):
        if all(np.abs(p - points[j]).max() > tol for j in keep):
            keep.append(k)
    return keep


@one_thread()
def gru_phase(
    r11: float = 0.5,
    r12: float = 0.0,
    r21: float = 0.0,
    r22: float = 0.5,
    b1: float = 0.0,
    b2: float = 0.0,
    *,
    b_z: float = 0.0,
    reset: str = "before",
    grid: int = 17,
    starts: int = 5,
    start: tuple[float, float] = (-0.9, 0.8),
    steps: int = 40,
) -> GRUPhase:
    """The flow, fixed points and a trajectory of the two-unit GRU of :func:`gru_phase_cell`.

    Args:
        r11 … b2: the candidate's recurrent weights and bias.
        b_z: the update gate's bias, ``z = σ(b_z)``.
        grid: flow arrows per axis; starts: Newton's starting guesses per axis (starts²).
        start, steps: the trajectory's first state and its length.
    """
    cell = gru_phase_cell(r11, r12, r21, r22, b1, b2, b_z=b_z, reset=reset)
    x = torch.zeros(1, 1, dtype=torch.float64)
    axis = np.linspace(-LIM, LIM, grid)
    H1, H2 = np.meshgrid(axis, axis)  # (G, G): column j is h1, row i is h2
    h = torch.tensor(np.stack([H1.ravel(), H2.ravel()], axis=1))  # (G*G, 2)
    with torch.no_grad():
        h_next, _ = cell(x.expand(len(h), 1), cell.state_type(h))
    flow = (h_next - h).numpy().reshape(grid, grid, 2)

    guesses = np.linspace(-0.95, 0.95, starts)
    G1, G2 = np.meshgrid(guesses, guesses)
    h0 = np.stack([G1.ravel(), G2.ravel()], axis=1)  # (S, 2)
    fp = fixed_point(cell, x.expand(len(h0), 1), h0, relax=200)
    found = fp.h[fp.converged]
    keep = _distinct(found)
    points = found[keep]
    eigenvalues = fp.eigenvalues[fp.converged][keep]
    order = np.lexsort((points[:, 1], points[:, 0])) if len(points) else np.array([], int)

    traj = [np.array(start, dtype=float)]
    state = cell.state_type(torch.tensor([start], dtype=torch.float64))
    with torch.no_grad():
        for _ in range(steps):
            out, state = cell(x, state)
            traj.append(out[0].numpy().copy())
    return GRUPhase(
        grid=axis,
        flow=flow,
        fixed_points=points[order].reshape(-1, 2),
        eigenvalues=eigenvalues[order].reshape(-1, 2),
        stable=(np.abs(eigenvalues[order]).max(axis=1) < 1).reshape(-1),
        trajectory=np.array(traj),
        z=float(1 / (1 + np.exp(-b_z))),
    )


def plot_gru_phase(p: GRUPhase, fig=None):
    """Left: flow arrows, fixed points (filled stable, open unstable), a trajectory. Right: the
    eigenvalues of J(h*) of every fixed point against the unit circle. Returns the Figure."""
    if fig is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(10, 4.6), layout="constrained")
    ax, ax_ev = fig.subplots(1, 2, width_ratios=[1.3, 1])
    H1, H2 = np.meshgrid(p.grid, p.grid)
    speed = np.hypot(p.flow[..., 0], p.flow[..., 1])
    spacing = p.grid[1] - p.grid[0]
    longest = speed.max() + 1e-12  # the longest arrow spans one grid spacing
    ax.quiver(
        H1,
        H2,
        p.flow[..., 0],
        p.flow[..., 1],
        speed,
        cmap="Greys",
        clim=(-0.3 * longest, longest),
        angles="xy",
        scale_units="xy",
        scale=longest / spacing,
        width=0.004,
    )
    ax.plot(*p.trajectory.T, "-o", color=palette.HIDDEN, ms=2.5, lw=1.2, label="trajectory")
    for k, (h, stable) in enumerate(zip(p.fixed_points, p.stable, strict=True)):
        ax.plot(
            *h,
            "o",
            ms=10,
            mec=palette.MEMORY,
            mew=1.8,
            mfc=palette.CANDIDATE if stable else "white",
            label=("stable" if stable else "unstable") + " fixed point"
            if k == list(p.stable).index(stable)
            else None,
        )
    ax.set(xlim=(-LIM, LIM), ylim=(-LIM, LIM), xlabel="$h_1$", ylabel="$h_2$", aspect="equal")
    ax.set_title(
        f"flow F(h) − h, z = {p.z:.2f}; {len(p.fixed_points)} fixed point(s), "
        f"{int(p.stable.sum())} stable",
        fontsize=9,
    )
    ax.legend(fontsize=7, loc="lower right")
    circle = np.exp(1j * np.linspace(0, 2 * np.pi, 200))
    ax_ev.plot(circle.real, circle.imag, color=palette.NEUTRAL, lw=1)
    for ev, stable in zip(p.eigenvalues, p.stable, strict=True):
        ax_ev.plot(
            ev.real,
            ev.imag,
            "o",
            ms=7,
            mec=palette.MEMORY,
            mfc=palette.CANDIDATE if stable else "white",
        )
    ax_ev.axhline(0, color=palette.LIGHT, lw=0.6)
    ax_ev.axvline(0, color=palette.LIGHT, lw=0.6)
    ax_ev.set(xlim=(-1.6, 1.6), ylim=(-1.3, 1.3), aspect="equal", xlabel="Re λ", ylabel="Im λ")
    ax_ev.set_title("eigenvalues of J(h*): stable inside the unit circle", fontsize=9)
    return fig


def gru_phase_explorer(**defaults) -> Explorer:
    """Sliders for R_n (2 × 2), b_n and the update gate's bias; the phase portrait follows.

    >>> gru_phase_explorer(r11=2.0, r22=2.0)   # two bistable units: four stable corners
    """
    start = dict(r11=1.5, r12=0.0, r21=0.0, r22=0.5, b1=0.0, b2=0.0, b_z=0.0)
    unknown = set(defaults) - set(start)
    if unknown:
        raise TypeError(
            f"gru_phase_explorer() got unknown starting values {sorted(unknown)}; "
            f"use {', '.join(start)}"
        )
    start.update(defaults)
    controls = {
        name: float_slider(label, start[name], -3.0, 3.0, 0.1)
        for name, label in (
            ("r11", "R₁₁ (1 → 1)"),
            ("r12", "R₁₂ (2 → 1)"),
            ("r21", "R₂₁ (1 → 2)"),
            ("r22", "R₂₂ (2 → 2)"),
            ("b1", "bias b₁"),
            ("b2", "bias b₂"),
            ("b_z", "update-gate bias"),
        )
    }

    def draw(fig, **values):
        p = gru_phase(**values)
        plot_gru_phase(p, fig)
        return p

    return Explorer(
        controls, draw, title="GRU phase portrait: two units, constant input", figsize=(10.0, 4.6)
    )
