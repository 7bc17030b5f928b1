"""Sample points and the gradient comparison shared by the checks.

Every check draws its own sample point from a seeded ``torch.Generator`` (the student's global
random state is left alone) in float64, so a correct answer matches its reference to ~1e-12 and
any real mistake stands far above the tolerance.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import Tensor, nn

from ._sheet import Sheet

DTYPE = torch.float64


def randn(gen: torch.Generator, *shape: int, scale: float = 1.0) -> Tensor:
    """Standard-normal float64 tensor of ``shape`` times ``scale`` from ``gen``."""
    return scale * torch.randn(*shape, generator=gen, dtype=DTYPE)


def seeded(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def randomize(module: nn.Module, gen: torch.Generator, scale: float = 0.6) -> nn.Module:
    """Cast ``module`` to float64 and draw every parameter N(0, scale²) from ``gen``."""
    module = module.to(DTYPE)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(randn(gen, *p.shape, scale=scale))
    return module


FUSED = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
"""The fused parameters every gated cell has, in the order the exercises pass them."""


def fused_weights(cell: nn.Module) -> tuple[Tensor, ...]:
    """Detached copies of ``cell``'s weight_ih, weight_hh, bias_ih, bias_hh."""
    return tuple(getattr(cell, name).detach().clone() for name in FUSED)


def with_weights(cell: nn.Module, weights: Sequence[Tensor], *args: Any) -> Any:
    """``cell(*args)`` computed with ``weights`` (see :data:`FUSED`) as its parameters, so that
    autograd reaches them: the reference side of :func:`grads_match`."""
    return torch.func.functional_call(cell, dict(zip(FUSED, weights, strict=True)), args)


def step_inputs(weights: Sequence[Tensor], **states: Tensor) -> dict[str, Tensor]:
    """The named inputs of a step (``x_t=…, h_prev=…``) followed by the fused weights."""
    return {**states, **dict(zip(FUSED, weights, strict=True))}


def grads_match(
    sheet: Sheet,
    description: str,
    points: int,
    student: Callable[..., Sequence[Tensor]],
    reference: Callable[..., Sequence[Tensor]],
    inputs: dict[str, Tensor],
    *,
    hint: str,
    seed: int = 1234,
) -> bool:
    """Autograd through the student's function equals autograd through the reference.

    Both get fresh leaf copies of ``inputs`` (passed positionally, in order); the loss is
    ``Σ_k <out_k, u_k>`` with fixed random ``u_k`` shaped like the reference's outputs, so every
    output and every input counts. The student's side runs in the student's kernel and returns
    its gradients as raw values (:meth:`Sheet.probe`); they are compared where the sheet marks.
    Feedback names the input whose gradient is off.
    """
    gen = seeded(seed)
    leaves = [t.detach().clone().requires_grad_(True) for t in inputs.values()]
    outs = reference(*leaves)
    outs = outs if isinstance(outs, (tuple, list)) else (outs,)
    directions = [randn(gen, *o.shape) for o in outs]
    loss = sum((o * u).sum() for o, u in zip(outs, directions, strict=True))
    expected = dict(zip(inputs, torch.autograd.grad(loss, leaves), strict=True))

    def student_grads() -> dict[str, Tensor] | str:
        leaves = [t.detach().clone().requires_grad_(True) for t in inputs.values()]
        label = getattr(student, "__name__", "your function")
        try:
            outs = student(*leaves)
        except Exception as exc:  # a bug already reported by the value checks
            return f"{label} raised {type(exc).__name__}: {exc}"
        outs = outs if isinstance(outs, (tuple, list)) else (outs,)
        if not all(isinstance(o, Tensor) for o in outs):
            return "your function must return torch tensors for autograd to flow"
        if [o.shape for o in outs] != [u.shape for u in directions]:
            return "your outputs have the wrong shapes"
        loss = sum((o * u.to(o.dtype)).sum() for o, u in zip(outs, directions, strict=True))
        if not isinstance(loss, Tensor) or not loss.requires_grad:
            return (
                "autograd cannot differentiate your outputs: build them with torch operations "
                "on the inputs (no .detach(), .item(), .numpy() or torch.tensor(...) copies)"
            )
        try:
            found = torch.autograd.grad(loss, leaves, allow_unused=True)
        except RuntimeError as exc:  # e.g. in-place operations that break autograd
            return f"autograd failed through your function: {exc}"
        return {
            name: torch.zeros_like(leaf) if g is None else g.detach()
            for (name, leaf), g in zip(zip(inputs, leaves, strict=True), found, strict=True)
        }

    got = sheet.probe(student_grads)
    if not sheet.marks:
        return False
    if isinstance(got, str):
        return sheet.expect(False, description, points, f"{got}. {hint}")
    if not isinstance(got, dict) or set(got) != set(expected):
        return sheet.expect(False, description, points, f"no gradients came back. {hint}")
    wrong = []
    for name, g in got.items():
        if (
            not isinstance(g, Tensor)
            or g.shape != expected[name].shape
            or not torch.allclose(g.to(DTYPE), expected[name], rtol=1e-6, atol=1e-9)
        ):
            wrong.append(name)
    feedback = f"the gradient with respect to {', '.join(wrong)} is wrong. {hint}"
    return sheet.expect(not wrong, description, points, feedback)


def mistakes(name: str, *args: Any, pick: Callable[[Any], Any] | None = None):
    """The plausible wrong values of ``gatedrnn.instructor.mistakes.<name>(*args)``, computed
    only when a value is wrong (a function for :meth:`Sheet.close`); ``pick`` selects one part of
    each. Empty where the course was released without the instructor's module."""

    def compute() -> dict[str, Any]:
        module = instructor_module()
        if module is None:
            return {}
        found = getattr(module, name)(*args)
        return {k: pick(v) for k, v in found.items()} if pick else found

    return compute


def instructor_module():
    """:mod:`gatedrnn.instructor.mistakes`, or None in a student release that leaves it out."""
    try:
        from ..instructor import mistakes as module
    except ImportError:
        return None
    return module
