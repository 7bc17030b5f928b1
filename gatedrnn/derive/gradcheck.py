"""Check a hand-written gradient against central finite differences.

.. math::
    \\frac{\\partial f}{\\partial x_j} \\approx
    \\frac{f(x + \\epsilon e_j) - f(x - \\epsilon e_j)}{2\\epsilon}

The error of this estimate is of order :math:`\\epsilon^2` (truncation) plus
:math:`10^{-16}|f|/\\epsilon` (rounding), so with float64 and :math:`\\epsilon = 10^{-6}` a correct
gradient agrees to about 8–10 significant digits and a wrong one is off by order 1.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .._validation import check_number


@dataclass(frozen=True)
class ArgumentCheck:
    """The comparison for one argument of ``f``.

    ``rel_error`` is ``max|analytic − numeric| / max(max|analytic|, max|numeric|)``: the largest
    error relative to the gradient's own scale (0 when both gradients are exactly 0).
    """

    name: str
    shape: tuple[int, ...]
    checked: int  # how many entries were perturbed
    max_grad: float  # max |numeric gradient|
    max_abs_error: float
    rel_error: float
    passed: bool


@dataclass(frozen=True)
class GradcheckReport:
    """What :func:`gradcheck` found: one :class:`ArgumentCheck` per argument, and ``passed``."""

    arguments: tuple[ArgumentCheck, ...]
    eps: float
    tol: float
    atol: float

    @property
    def passed(self) -> bool:
        """True when every argument's gradient matched."""
        return all(a.passed for a in self.arguments)

    @property
    def failed(self) -> list[str]:
        """Names of the arguments whose gradient did not match."""
        return [a.name for a in self.arguments if not a.passed]

    @property
    def max_rel_error(self) -> float:
        return max((a.rel_error for a in self.arguments), default=0.0)

    def table(self) -> str:
        """The report as a text table."""
        header = ("argument", "shape", "checked", "max |grad|", "max abs err", "rel err", "")
        rows = [header]
        for a in self.arguments:
            shape = "(" + ", ".join(str(s) for s in a.shape) + ")"
            if len(a.shape) == 1:
                shape = shape[:-1] + ",)"
            rows.append(
                (
                    a.name,
                    shape,
                    str(a.checked),
                    f"{a.max_grad:.2e}",
                    f"{a.max_abs_error:.1e}",
                    f"{a.rel_error:.1e}",
                    "ok" if a.passed else "FAIL",
                )
            )
        widths = [max(len(r[k]) for r in rows) for k in range(len(header))]
        lines = [
            "  ".join(
                cell.ljust(w) if k < 2 else cell.rjust(w)
                for k, (cell, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
            for row in rows
        ]
        lines.insert(1, "-" * len(lines[0]))
        verdict = "passed" if self.passed else f"FAILED: {', '.join(self.failed)}"
        lines.append(f"gradcheck {verdict} (eps = {self.eps:g}, tol = {self.tol:g})")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:
        return (
            f"GradcheckReport(passed={self.passed}, arguments={len(self.arguments)}, "
            f"max_rel_error={self.max_rel_error:.1e})"
        )


def gradcheck(
    f: Callable[..., object],
    *arrays,
    grads: Sequence | Mapping | None = None,
    eps: float = 1e-6,
    tol: float = 1e-6,
    atol: float = 1e-10,
    names: Sequence[str] | None = None,
    samples: int | None = None,
    seed: int = 0,
    verbose: bool = True,
) -> GradcheckReport:
    """Compare the gradient of a scalar ``f(*arrays)`` with central finite differences.

    The analytic gradient comes from, in this order:

    1. ``f`` itself, if it returns ``(loss, grads)`` (grads: one array per argument, in order,
       or a dict keyed by the argument names);
    2. ``grads=``, given the same way;
    3. PyTorch's autograd, when the arrays are torch tensors and ``f`` is written in torch.

    Every argument is perturbed entry by entry in float64 (``samples``: only that many random
    entries per argument, for big arrays). An argument passes when
    ``rel_error <= tol`` or ``max_abs_error <= atol``.

    Prints the report (``verbose=True``) and returns it; ``report.passed`` is the verdict.
    The printed errors vary in their last digits between machines: in a notebook under nbval
    use ``verbose=False`` and assert ``report.passed``, or tag the cell ``nbval-ignore-output``.

    >>> W = np.random.default_rng(0).normal(size=(3, 4))
    >>> report = gradcheck(lambda W: np.sum(np.tanh(W)), W, grads=[1 - np.tanh(W) ** 2])
    >>> report.passed
    True
    """
    if not callable(f):
        raise TypeError(
            f"f must be a function of the arrays returning a scalar; got {type(f).__name__}"
        )
    if not arrays:
        raise ValueError("gradcheck needs at least one array to differentiate f with respect to")
    if check_number(eps, "eps") <= 0:
        raise ValueError(
            f"eps is the finite-difference step and must be a small number > 0 (default 1e-6); "
            f"got eps = {eps!r}"
        )
    names = _argument_names(f, len(arrays)) if names is None else list(names)
    if len(names) != len(arrays):
        raise ValueError(
            f"names must name each of the {len(arrays)} arrays; got {len(names)} names"
        )
    torch_inputs = [_is_tensor(a) for a in arrays]
    points = [np.array(_to_numpy(a), dtype=np.float64) for a in arrays]

    def evaluate(*xs):
        args = [_like(x, tensor) for x, tensor in zip(xs, torch_inputs, strict=True)]
        out = f(*args)
        return out[0] if isinstance(out, tuple) else out

    analytic = _analytic_gradients(f, arrays, points, torch_inputs, grads, names)
    rng = np.random.default_rng(seed)
    checks = []
    for name, x, g in zip(names, points, analytic, strict=True):
        flat = x.reshape(-1)  # a view: perturbing flat perturbs points[k]
        if samples is None or samples >= flat.size:
            indices = np.arange(flat.size)
        else:
            indices = rng.choice(flat.size, size=samples, replace=False)
        numeric = np.zeros(flat.size)
        for j in indices:
            original = flat[j]
            flat[j] = original + eps
            f_plus = _scalar(evaluate(*points))
            flat[j] = original - eps
            f_minus = _scalar(evaluate(*points))
            flat[j] = original
            numeric[j] = (f_plus - f_minus) / (2 * eps)
        a = g.reshape(-1)[indices]
        n = numeric[indices]
        abs_error = float(np.max(np.abs(a - n), initial=0.0))
        scale = float(max(np.max(np.abs(a), initial=0.0), np.max(np.abs(n), initial=0.0)))
        rel_error = abs_error / scale if scale > 0 else 0.0
        passed = bool(rel_error <= tol or abs_error <= atol)
        checks.append(
            ArgumentCheck(
                name,
                tuple(x.shape),
                len(indices),
                float(np.max(np.abs(n), initial=0.0)),
                abs_error,
                rel_error,
                passed,
            )
        )
    report = GradcheckReport(tuple(checks), eps, tol, atol)
    if verbose:
        print(report.table())
    return report


def _analytic_gradients(f, arrays, points, torch_inputs, grads, names) -> list[np.ndarray]:
    out = f(*arrays)
    if isinstance(out, tuple):
        if len(out) != 2:
            raise ValueError(
                f"f may return a scalar loss or a pair (loss, grads); got a tuple of {len(out)}"
            )
        grads = out[1]
    elif grads is None:
        if not all(torch_inputs):
            raise ValueError(
                "gradcheck needs your analytic gradients: let f return (loss, grads), or pass "
                "grads=[...] with one array per argument (or use torch tensors for autograd)"
            )
        grads = _autograd(f, arrays)
    if isinstance(grads, Mapping):
        missing = [name for name in names if name not in grads]
        if missing:
            raise ValueError(f"grads has no entry for {missing}; it has {sorted(grads)}")
        grads = [grads[name] for name in names]
    grads = list(grads)
    if len(grads) != len(points):
        raise ValueError(
            f"grads must hold one gradient per array ({len(points)}); got {len(grads)}"
        )
    result = []
    for name, g, x in zip(names, grads, points, strict=True):
        g = np.zeros_like(x) if g is None else np.asarray(_to_numpy(g), dtype=np.float64)
        if g.shape != x.shape:
            raise ValueError(
                f"the gradient for {name} must have {name}'s shape {x.shape}; got {g.shape}"
            )
        result.append(g)
    return result


def _autograd(f, arrays) -> list:
    import torch

    leaves = [a.detach().double().clone().requires_grad_(True) for a in arrays]
    loss = f(*leaves)
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        raise ValueError(f"f must return a scalar loss; got {_describe(loss)}")
    return [
        None if g is None else g.detach()
        for g in torch.autograd.grad(loss, leaves, allow_unused=True)
    ]


def _argument_names(f, count: int) -> list[str]:
    try:
        parameters = [
            p.name
            for p in inspect.signature(f).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        parameters = []
    if len(parameters) >= count:
        return parameters[:count]
    return [f"arg{k}" for k in range(count)]


def _is_tensor(a) -> bool:
    return type(a).__module__.startswith("torch") and hasattr(a, "detach")


def _to_numpy(a):
    if _is_tensor(a):
        return a.detach().cpu().double().numpy()
    return a


def _like(x: np.ndarray, tensor: bool):
    if tensor:
        import torch

        return torch.from_numpy(x)
    return x


def _scalar(value) -> float:
    if _is_tensor(value):
        value = value.detach().cpu().double().numpy()
    value = np.asarray(value, dtype=np.float64)
    if value.size != 1:
        raise ValueError(f"f must return a scalar loss; got {_describe(value)}")
    return float(value.reshape(()))


def _describe(value) -> str:
    shape = getattr(value, "shape", None)
    return f"an array of shape {tuple(shape)}" if shape is not None else type(value).__name__
