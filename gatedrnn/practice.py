"""Self-checks for the short practice exercises inside the lectures.

A lecture's practice cell holds a stub and its check in one place::

    n_params = ...  # your answer

    check("parameters of the LSTM cell", n_params, expected=count)

``check`` prints one line and returns a verdict:

- the answer still holds ``...``: ``not yet — replace the ... with your answer`` (``None``), so a
  lecture stored with its stubs runs top to bottom with a stable output;
- the answer equals ``expected``: ``correct`` (``True``);
- otherwise ``not yet``, with what was given and, where they differ, the expected type or shape,
  never the expected value (``False``).

These exercises are practice: nothing is graded or recorded. ``expected`` is computed by the
lecture from the library, not typed in.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["check", "is_stub"]


def is_stub(answer: Any) -> bool:
    """True while ``answer`` is ``...`` or a tuple, list or dict that still holds one."""
    if answer is Ellipsis:
        return True
    if isinstance(answer, (tuple, list)):
        return any(is_stub(item) for item in answer)
    if isinstance(answer, dict):
        return any(is_stub(item) for item in answer.values())
    return False


def _as_array(value: Any) -> np.ndarray | None:
    """A float array for numbers, arrays and tensors; None for anything else."""
    if hasattr(value, "detach"):  # a torch tensor, without importing torch here
        value = value.detach().cpu().numpy()
    if isinstance(value, (bool, np.bool_, str)):
        return None
    if isinstance(value, (int, float, np.number, np.ndarray)):
        return np.asarray(value, dtype=float)
    return None


def _describe(value: Any) -> str:
    array = _as_array(value)
    if array is not None and array.ndim > 0:
        return f"an array of shape {array.shape}"
    if array is not None and not isinstance(value, (int, np.integer)):
        return f"{float(array):.6g}"
    return repr(value)


def _matches(answer: Any, expected: Any, rtol: float, atol: float) -> tuple[bool, str]:
    """(equal?, what to add to a 'not yet' line about the kind of answer expected)."""
    if isinstance(expected, dict):
        if not isinstance(answer, dict) or set(answer) != set(expected):
            return False, "expected a dict with the keys " + ", ".join(map(repr, expected))
        for key in expected:
            ok, why = _matches(answer[key], expected[key], rtol, atol)
            if not ok:
                return False, f"at {key!r}" + (f", {why}" if why else "")
        return True, ""
    if isinstance(expected, (tuple, list)):  # a shape, a few numbers, a few names
        if not isinstance(answer, (tuple, list)) or len(answer) != len(expected):
            return False, f"expected a tuple of {len(expected)} items"
        for k, (a, e) in enumerate(zip(answer, expected, strict=True)):
            ok, why = _matches(a, e, rtol, atol)
            if not ok:
                return False, f"item {k} is not right yet" + (f" ({why})" if why else "")
        return True, ""
    if isinstance(expected, (bool, np.bool_, str)) or expected is None:  # compared exactly
        if isinstance(expected, (bool, np.bool_)):
            if not isinstance(answer, (bool, np.bool_)):
                return False, "expected True or False"
        elif type(answer) is not type(expected):
            return False, f"expected a {type(expected).__name__}"
        return bool(answer == expected), ""
    want = _as_array(expected)
    if want is None:
        raise TypeError(f"check cannot compare with an expected {type(expected).__name__}")
    got = _as_array(answer)
    if got is None:
        if want.ndim == 0:
            return False, "expected a number"
        return False, f"expected an array of shape {want.shape}"
    if got.shape != want.shape:
        return False, f"expected shape {want.shape}, got shape {got.shape}"
    return bool(np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)), ""


def check(
    what: str,
    answer: Any,
    expected: Any,
    *,
    rtol: float = 1e-6,
    atol: float = 0.0,
    hint: str | None = None,
    via: Callable[[Any], Any] | None = None,
) -> bool | None:
    """Print whether a practice answer is right, in one line; return True, False or None (stub).

    Numbers, arrays and tensors are compared with ``numpy.allclose(rtol, atol)`` after their
    shapes; tuples of shapes or names item by item; bools and strings exactly. A wrong answer is
    shown back with the expected type or shape, never the expected value; ``hint`` follows it.

    ``via`` runs the answer through a model first and compares what comes out with ``expected``
    (a bias that should give a memory of 0.5 after 20 steps: ``via`` runs the 20 steps), so
    that the check does not spell out the answer.
    """
    if not (math.isfinite(rtol) and math.isfinite(atol)) or rtol < 0 or atol < 0:
        raise ValueError(f"rtol and atol must be finite and >= 0; got rtol={rtol}, atol={atol}")
    if is_stub(answer):
        print(f"{what}: not yet — replace the ... with your answer.")
        return None
    result = answer if via is None else via(answer)
    ok, why = _matches(result, expected, rtol, atol)
    if ok:
        print(f"{what}: correct.")
        return True
    line = f"{what}: not yet — you gave {_describe(answer)}"
    if via is not None:
        line += f", which gives {_describe(result)}"
    if why:
        line += f"; {why}"
    line += "."
    if hint:
        line += f" Hint: {hint}"
    print(line)
    return False
