"""Checks of exercise 5 (``ex05_inhibitory_plasticity``): Vogels' rule and a neuron that learns.

One rate neuron, ``y = [I_E - I_I]_+`` with ``I_E = w_E · x_E / N_E`` and ``I_I = w_I · x_I / N_I``;
after each step every inhibitory weight moves by ``Δw = η x (y - ρ0)`` and is kept >= 0 (Vogels et
al., Science 2011). References: :func:`gatedrnn.plasticity.vogels_rule`, the instructor's loop
(:mod:`gatedrnn.instructor.mistakes`, left out of a student release, where the course's grader
checks that property), and the inputs of :func:`gatedrnn.plasticity.group_signals`.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import plasticity
from ._core import Item, Sheet, StudentError, check, reference
from ._probes import instructor_module, mistakes

N_I = 6


@check("5.1", "Vogels' inhibitory rule", points=4, exercise="ex05_inhibitory_plasticity")
def check_vogels_rule(sheet: Sheet, vogels_rule) -> None:
    """``vogels_rule(pre, post, rho0, eta) -> dw`` (N_I,)."""
    rng = np.random.default_rng(71)
    pre = rng.uniform(0.0, 20.0, N_I)  # Hz
    post, rho0, eta = 7.5, 5.0, 1e-3
    dw = sheet.call(vogels_rule, pre.copy(), post, rho0, eta)
    sheet.shape("dw", dw, (N_I,), 1, "(N_I,)")
    sheet.close(
        "dw",
        dw,
        plasticity.vogels_rule(pre, post, rho0, eta),
        "equals η · pre · (post - ρ0) at a sample point",
        2,
        hint="Hint: each synapse changes in proportion to its presynaptic rate and to how far "
        "the postsynaptic rate is from the target.",
        mistakes={
            "the sign is flipped: above the target (post > ρ0) inhibition must grow.": eta
            * pre
            * (rho0 - post),
            "pre and post swapped roles: Δw = η · pre · (post - ρ0).": eta * post * (pre - rho0),
            "η is missing.": pre * (post - rho0),
        },
    )
    low = np.asarray(sheet.call(vogels_rule, pre.copy(), 2.0, rho0, eta), dtype=float)
    high = np.asarray(sheet.call(vogels_rule, pre.copy(), 9.0, rho0, eta), dtype=float)
    sheet.expect(
        bool(np.all(high > 0) and np.all(low < 0)),
        "inhibition grows when the neuron fires above ρ0 and shrinks below it",
        1,
        "with post = 9 Hz > ρ0 = 5 Hz every Δw must be > 0, with post = 2 Hz every Δw < 0. "
        "Hint: Vogels' rule is homeostatic: it pushes the rate back towards ρ0.",
    )


@functools.lru_cache(maxsize=2)
def _inputs(seconds: float, n_groups: int, n_e: int, n_i: int, seed: int):
    """Presynaptic rates x_E (T, N_E), x_I (T, N_I) in Hz, tuned w_E, groups of E and I."""
    signals = plasticity.group_signals(seconds, n_groups=n_groups, seed=seed)  # (T, G)
    group_e = np.repeat(np.arange(n_groups), n_e // n_groups)
    group_i = np.repeat(np.arange(n_groups), n_i // n_groups)
    rng = np.random.default_rng(seed)
    w_e = 2.0 * plasticity.excitatory_tuning(n_groups)[group_e]
    w_e *= 1.0 + 0.1 * rng.standard_normal(n_e)
    return signals[:, group_e], signals[:, group_i], w_e, group_e, group_i


def _long_run_inputs():
    return _inputs(10.0, 4, 80, 20, seed=73)


@check(
    "5.2",
    "a neuron that balances itself",
    points=6,
    exercise="ex05_inhibitory_plasticity",
    prepare=_long_run_inputs,
)
def check_simulate_neuron(sheet: Sheet, simulate_neuron) -> None:
    """``simulate_neuron(x_e, x_i, w_e, w_i, rho0, eta) -> (y, w_i)``: y (T,), final w_i (N_I,)."""
    # a short run: weak excitation first (y = 0, weights fall to 0), then strong (weights grow)
    rng = np.random.default_rng(72)
    steps = 60
    x_e = np.where(np.arange(steps)[:, None] < 30, 2.0, 30.0) * np.ones((steps, 4))  # Hz
    x_i = rng.uniform(8.0, 12.0, (steps, 4))  # Hz
    w_e, w_i0 = np.ones(4), np.full(4, 0.5)
    args = (x_e, x_i, w_e, w_i0, 5.0, 2e-3)
    out = sheet.call(simulate_neuron, *(a.copy() if isinstance(a, np.ndarray) else a for a in args))
    y, w_i = sheet.unpack(out, ("y", "w_i"), "simulate_neuron")
    shapes = [getattr(y, "shape", None), getattr(w_i, "shape", None)]
    sheet.expect(
        shapes == [(len(x_e),), (4,)],
        "returns y (T,) and the final w_i (N_I,)",
        1,
        f"expected y of shape (T,) = ({len(x_e)},) and w_i (N_I,) = (4,); got {shapes}.",
    )
    module = instructor_module()
    description = "y and w_i equal the reference loop on a short run"
    if module is None and sheet.mode == "live":  # a student release's check cell
        sheet.items.append(Item(description + " (marked by your course's grader)", 2, 2))
    elif module is None:  # a student release's own grader cannot mark it: no points
        sheet.items.append(
            Item(
                description,
                2,
                0,
                "this copy of the course cannot mark it; your course's grader does",
            )
        )
    elif sheet.marks:
        y_ref, w_ref = module.simulate_neuron(*args)
        sheet.close(
            "(y, w_i)",
            np.concatenate([np.ravel(y), np.ravel(w_i)]) if shapes[0] and shapes[1] else y,
            np.concatenate([y_ref, w_ref]),
            description,
            2,
            hint="Hint: at each step, first y_t = [I_E - I_I]_+ with the current weights, then "
            "w_I ← [w_I + Δw]_+ with your vogels_rule(x_I[t], y_t, rho0, eta).",
            mistakes=mistakes("simulate_neuron_mistakes", *args),
        )
    # a long run with 4 signal groups: the rate settles at ρ0 and inhibition copies excitation
    finals, correlation = [], 0.0
    for rho0 in (5.0, 10.0):
        x_e, x_i, w_e, group_e, group_i = _long_run_inputs()
        out = sheet.call(simulate_neuron, x_e, x_i, w_e, np.full(20, 0.1), rho0, 1e-4)
        y, w_i = sheet.unpack(out, ("y", "w_i"), "simulate_neuron")
        if not sheet.marks:
            continue
        y, w_i = np.ravel(np.asarray(y, dtype=float)), np.ravel(np.asarray(w_i, dtype=float))
        if y.shape != (len(x_e),) or w_i.shape != (20,):
            raise StudentError("the long run returned y or w_i of the wrong length.")
        finals.append(float(y[-len(y) // 5 :].mean()))
        if rho0 == 5.0:
            e = np.array([w_e[group_e == g].mean() for g in range(4)])
            i = np.array([w_i[group_i == g].mean() for g in range(4)])
            correlation = float(np.corrcoef(e, i)[0, 1]) if np.std(i) > 0 else 0.0
    if not sheet.marks:
        return
    close = all(abs(f - r) < 0.1 * r for f, r in zip(finals, (5.0, 10.0), strict=True))
    sheet.expect(
        close,
        "the output rate converges to the target ρ0 (5 Hz and 10 Hz, within 10 %)",
        2,
        f"over the last 2 s of a 10 s run the mean rate is {finals[0]:.3g} Hz for ρ0 = 5 Hz "
        f"and {finals[1]:.3g} Hz for ρ0 = 10 Hz. Hint: check the sign of your rule and that "
        "each step uses the weights the previous step left.",
    )
    sheet.expect(
        correlation > 0.9,
        "inhibitory weights become co-tuned with the excitatory ones",
        1,
        f"the correlation across the 4 signal groups of the mean E and I weights is "
        f"{correlation:.2f} (needs > 0.9). Hint: each inhibitory synapse must learn from its own "
        "presynaptic rate x_I[t].",
    )


@reference("vogels_rule", "5.1")
def _course_vogels_rule(pre, post, rho0, eta):
    """The course's Vogels rule (gatedrnn.plasticity.vogels_rule)."""
    return plasticity.vogels_rule(pre, post, rho0, eta)
