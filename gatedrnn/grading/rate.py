"""Checks of exercise 2 (``ex02_rate_networks``): Euler steps in rate and voltage form, Dale's sign.

References: :class:`gatedrnn.RateCell` (one step, and its ``recurrent_weight`` under Dale's
principle) and SciPy's ``solve_ivp`` for the continuous-time solution the Euler steps approach.
"""

from __future__ import annotations

import numpy as np
import torch

from ..cells import RateCell
from ..states import RateState, VoltageState
from ._core import Sheet, StudentError, check
from ._probes import DTYPE, mistakes, randn, randomize, seeded

B, I, H = 3, 2, 5
T_END = 20.0  # ms
DTS = (1.0, 0.5, 0.25)  # ms


def _network(seed: int):
    gen = seeded(seed)
    tau = torch.linspace(5.0, 20.0, H, dtype=DTYPE)  # ms, one per unit
    W, R, b = randn(gen, H, I), randn(gen, H, H, scale=0.8), randn(gen, H, scale=0.3)
    x, s0 = randn(gen, B, I), randn(gen, B, H, scale=0.5)
    return tau, W, R, b, x, s0


def _ode_solution(form: str, tau, W, R, b, x, s0) -> np.ndarray:
    """s(T_END) of τ ds/dt = -s + φ(R s + W x + b) (rate) or -s + R φ(s) + W x + b (voltage)."""
    from scipy.integrate import solve_ivp  # only where the check marks: SciPy takes a second

    tau, W, R, b, x, s0 = (t.numpy() for t in (tau, W, R, b, x, s0))
    drive = x @ W.T + b  # (B, H), constant in time

    def rhs(_, flat):
        s = flat.reshape(B, H)
        if form == "rate":
            ds = -s + np.tanh(s @ R.T + drive)
        else:
            ds = -s + np.tanh(s) @ R.T + drive
        return (ds / tau).ravel()

    sol = solve_ivp(rhs, (0.0, T_END), s0.ravel(), rtol=1e-10, atol=1e-12)
    return sol.y[:, -1].reshape(B, H)


def _check_step(sheet: Sheet, step, form: str, seed: int) -> None:
    tau, W, R, b, x, s0 = _network(seed)
    dt = 1.0  # ms
    cell = randomize(RateCell(I, H, form=form, tau=tau, dt=dt, phi="tanh"), seeded(0))
    with torch.no_grad():
        cell.weight_ih.copy_(W)
        cell.weight_hh.copy_(R)
        cell.bias.copy_(b)
        _, (s_ref,) = cell(x, (RateState if form == "rate" else VoltageState)(s0))
    s = sheet.call(step, s0.clone(), x, W, R, b, tau, dt, torch.tanh)
    symbol = "r" if form == "rate" else "v"
    sheet.shape(f"{symbol}_t", s, (B, H), 1, "(B, H)")
    z = dt / tau
    if form == "rate":
        hint = "Hint: r_t = (1 - z) ⊙ r_{t-1} + z ⊙ φ(R r_{t-1} + W x_t + b) with z = dt / τ."
    else:
        hint = "Hint: v_t = (1 - z) ⊙ v_{t-1} + z ⊙ (R φ(v_{t-1}) + W x_t + b) with z = dt / τ."
    sheet.close(
        f"{symbol}_t",
        s,
        s_ref,
        f"one step equals gatedrnn.RateCell(form={form!r}) with τ per unit",
        2,
        hint=hint,
        mistakes=mistakes("euler_step", form, s0, x, W, R, b, z),
    )
    errors = []
    for dt in DTS:
        state = s0.clone()
        for _ in range(round(T_END / dt)):
            state = sheet.call(step, state, x, W, R, b, tau, dt, torch.tanh)
            if not isinstance(state, torch.Tensor) or state.shape != (B, H):
                raise StudentError(
                    f"{getattr(step, '__name__', 'your step')} must return a "
                    f"(B, H) tensor; got {type(state).__name__}"
                )
        errors.append(state.detach().numpy())
    if not sheet.marks:
        return
    exact = _ode_solution(form, tau, W, R, b, x, s0)
    errors = [float(np.max(np.abs(e - exact))) for e in errors]
    ratios = [errors[k + 1] / errors[k] if errors[k] > 0 else 0.0 for k in range(len(DTS) - 1)]
    first_order = all(0.35 < q < 0.65 for q in ratios) and errors[-1] < 0.05
    sheet.expect(
        first_order,
        f"Euler steps converge to the ODE's solution at t = {T_END:g} ms, "
        "the error halving with dt (first order)",
        1,
        "at dt = "
        + ", ".join(f"{dt:g} ms the error is {e:.2g}" for dt, e in zip(DTS, errors, strict=True))
        + ". "
        + hint,
    )


@check("2.1", "an Euler step of the rate form", points=4, exercise="ex02_rate_networks")
def check_euler_rate(sheet: Sheet, euler_step_rate) -> None:
    """``euler_step_rate(r, x_t, W, R, b, tau, dt, phi) -> r_t`` (B, H)."""
    _check_step(sheet, euler_step_rate, "rate", seed=21)


@check("2.2", "an Euler step of the voltage form", points=4, exercise="ex02_rate_networks")
def check_euler_voltage(sheet: Sheet, euler_step_voltage) -> None:
    """``euler_step_voltage(v, x_t, W, R, b, tau, dt, phi) -> v_t`` (B, H)."""
    _check_step(sheet, euler_step_voltage, "voltage", seed=22)


@check("2.3", "Dale's principle", points=5, exercise="ex02_rate_networks")
def check_dale(sheet: Sheet, apply_dale) -> None:
    """``apply_dale(R_raw, frac_exc) -> R`` (N, N): column j carries the sign of unit j."""
    n, frac = 10, 0.8
    n_exc = round(frac * n)
    R_raw = randn(seeded(23), n, n)
    R = sheet.call(apply_dale, R_raw.clone(), frac)
    sheet.shape("R", R, (n, n), 1, "(N, N)")
    if getattr(R, "shape", None) != (n, n):
        raise StudentError("the signs cannot be checked until the shape is right.")
    R = torch.as_tensor(R, dtype=DTYPE)
    columns_ok = bool((R[:, :n_exc] >= 0).all() and (R[:, n_exc:] <= 0).all())
    rows_signed = bool((R[:n_exc] >= 0).all() and (R[n_exc:] <= 0).all())
    feedback = (
        f"the first round(frac_exc · N) = {n_exc} columns (excitatory units) must be >= 0 and "
        "the others <= 0. "
        + (
            "It looks like the rows carry the signs: column j holds unit j's outgoing "
            "(presynaptic) weights, so signs go by column."
            if rows_signed and not columns_ok
            else "Hint: multiply column j by the sign of unit j, e.g. broadcasting a (N,) vector "
            "of ±1 over the rows."
        )
    )
    sheet.expect(
        columns_ok, "each column has one sign: + for the excitatory units, - after", 2, feedback
    )
    sheet.close(
        "|R|",
        R.abs(),
        R_raw.abs(),
        "magnitudes are those of R_raw: |R| = |R_raw|",
        1,
        hint="Hint: R = |R_raw| · diag(signs): take the absolute value before applying signs.",
    )
    cell = RateCell(n, n, dale=frac).to(DTYPE)
    with torch.no_grad():
        cell.weight_hh.copy_(R_raw)
    sheet.close(
        "R",
        R,
        cell.recurrent_weight.detach(),
        "equals gatedrnn.RateCell's recurrent_weight",
        1,
        hint="Hint: the excitatory units come first: signs = +1 for units 0 … n_E - 1.",
    )
