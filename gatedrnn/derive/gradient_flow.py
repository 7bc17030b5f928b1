r"""How far back a loss on the last step reaches: ``‖∂L/∂h_t‖`` over t.

With :math:`L` a function of the last output :math:`h_T`, backpropagation through time gives

.. math::
    \frac{\partial L}{\partial s_{t-1}} = J_t^\top \frac{\partial L}{\partial s_t},
    \qquad J_t = \frac{\partial s_t}{\partial s_{t-1}}

for the state :math:`s` (``h``; ``(h, c)`` for the LSTM and subLSTM; ``r`` or ``v`` for the
rate network). A product of T − t Jacobians whose norms sit below 1 vanishes exponentially in
T − t; above 1 it explodes. Gates let :math:`J_t` sit near the identity.
"""

from __future__ import annotations

import numpy as np
import torch

from .. import palette
from .jacobians import _as_state, check_cell, has_closed_form, step_derivatives


def gradient_flow(cell, x, *, state=None, wrt: str = "h") -> np.ndarray:
    r"""``‖∂L/∂h_t‖`` for t = 0 … T−1, for a loss on the last step only.

    ``x`` (T, B, I) (a tensor or array), ``state`` the initial state (zeros when None).
    The loss reads the last state, :math:`L = g \cdot h_{T-1}` with :math:`g = 1/\sqrt{H}` in every
    unit, so ``curve[T-1] = 1`` and earlier entries show how much of the gradient survives the
    trip back to step t (averaged over the batch). The gradient is carried back through the full
    state with the closed-form Jacobians of :func:`state_jacobian`, so for the LSTM and subLSTM
    it flows through both ``h`` and ``c``.

    ``wrt``: ``"h"`` (the output/state ``h_t``; ``r_t`` or ``v_t`` for rate networks),
    ``"c"`` (the memory cell of the LSTM and subLSTM: the total ``∂L/∂c_t``, through
    ``c_{t+1}`` and through ``h_t``, the ``dc`` of BPTT), or ``"state"`` (``h`` and ``c`` together).

    Returns a NumPy array (T,).
    """
    check_cell(cell, "gradient_flow")
    if wrt not in ("h", "c", "state"):
        raise ValueError(f"wrt must be 'h', 'c' or 'state'; got {wrt!r}")
    fields = cell.state_type._fields
    if wrt == "c" and "c" not in fields:
        raise ValueError(
            f"wrt='c' needs a cell with a memory cell c; {type(cell).__name__} "
            f"has state fields {fields}"
        )
    if wrt != "h" and len(fields) > 1 and not has_closed_form(cell):
        raise ValueError(
            f"wrt={wrt!r} needs ∂h_t/∂c_t, which the course's own LSTMCell and SubLSTMCell "
            f"give; {type(cell).__name__} is a cell of one's own: use wrt='h'"
        )
    p = next(cell.parameters())
    x = torch.as_tensor(x, dtype=p.dtype, device=p.device)
    if x.dim() != 3 or x.shape[2] != cell.input_size:
        raise ValueError(
            f"x must be (T, B, I) = (time, batch, {cell.input_size}); got {tuple(x.shape)}"
        )
    T, B = x.shape[0], x.shape[1]
    H = cell.hidden_size
    with torch.no_grad():
        states = [_as_state(cell, x[0], state)]  # s_{-1}, s_0, …: the state before each step
        for x_t in x[:-1]:
            states.append(cell(x_t, states[-1])[1])
        S = H * len(fields)  # H, or 2H for (h, c)
        delta = torch.zeros(B, S, dtype=p.dtype, device=p.device)
        delta[:, :H] = 1 / H**0.5  # ∂L/∂h_{T-1}: unit norm per example
        curve = []
        for t in reversed(range(T)):
            J_t, dh_dc = step_derivatives(cell, x[t], states[t])  # (B, S, S), ∂h_t/∂c_t
            dh = delta[:, :H]
            if S == H:
                curve.append(float(dh.norm(dim=1).mean()))
            else:
                part = dh
                if wrt != "h":
                    dc = delta[:, H:] + dh_dc * dh  # total ∂L/∂c_t: via c_{t+1} and via h_t
                    part = dc if wrt == "c" else torch.cat([dh, dc], 1)
                curve.append(float(part.norm(dim=1).mean()))
            delta = (J_t.transpose(1, 2) @ delta.unsqueeze(-1)).squeeze(-1)  # J_t^T δ
    return np.array(curve[::-1])


def plot_gradient_flow(curves: dict, ax=None, *, title: str | None = None):
    """Plot ``‖∂L/∂h_t‖`` over t on a log axis, one line per label.

    ``curves``: ``{label: array (T,)}``, e.g. ``{"LSTM": gradient_flow(lstm, x), ...}``.
    Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    if not isinstance(curves, dict):
        raise TypeError(
            f"curves must be a dict {{label: array (T,)}} such as "
            f"{{'LSTM': gradient_flow(cell, x)}}; got {type(curves).__name__}"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for label, curve in curves.items():
        curve = np.asarray(curve, dtype=float)
        ax.semilogy(
            np.arange(len(curve)),
            np.maximum(curve, 1e-300),
            label=str(label),
            color=palette.cell_color(str(label)),
        )
    ax.set_xlabel("time step t (the loss is at the last step)")
    ax.set_ylabel(r"$\|\partial L / \partial h_t\|$")
    if title:
        ax.set_title(title)
    ax.legend(frameon=False)
    return ax
