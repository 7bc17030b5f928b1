"""The sheet a check marks: properties with points, and the calls of the student's code.

In the student's kernel the calls return raw values as plain data (:mod:`._wire`); in the
grader's process the recorded values come back instead of the calls.
"""

from __future__ import annotations

import contextlib
import io
import os
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from . import _wire
from ._report import Item, StudentError

__all__ = ["LIVE", "PROBE", "REPLAY", "Sheet"]


def _as_array(value: Any) -> np.ndarray | None:
    """A NumPy view of a tensor/array/number, or None when it is not numeric."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().to(torch.float64).numpy()
    if isinstance(value, (np.ndarray, np.generic, int, float, list, tuple)):
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            return None
        return array
    return None


def _describe(value: Any) -> str:
    """A short description of what the student returned, without its values."""
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, tuple):
        return f"a tuple of {len(value)}"
    if value is None:
        return "None (did you forget `return`?)"
    if isinstance(value, _wire.Opaque):
        return value.kind
    return f"a {type(value).__name__}"


def _where(exc: BaseException) -> str:
    """Where the student's code raised: " (in f, line N: `source`)", from the deepest frame
    outside NumPy, PyTorch, this package and installed packages ("" if none)."""
    library_dirs = (
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),  # gatedrnn/
        os.path.dirname(np.__file__),
        os.path.dirname(torch.__file__),
    )
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if not os.path.abspath(frame.filename).startswith(library_dirs)
        and "site-packages" not in frame.filename
    ]
    if not frames:
        return ""
    frame = frames[-1]
    code = f": `{frame.line.strip()}`" if frame.line else ""
    return f" (in {frame.name}, line {frame.lineno}{code})"


def _copy(value: Any) -> Any:
    """A fresh copy of an input array/tensor, so that the student's in-place edits stay theirs."""
    if isinstance(value, torch.Tensor) and not value.requires_grad:
        return value.clone()
    if isinstance(value, np.ndarray):
        return value.copy()
    return value


LIVE, PROBE, REPLAY = "live", "probe", "replay"


class Sheet:
    """Collects the marked items of one check, and the raw values of the student's code.

    ``mode`` is ``"live"`` (call the student's code and mark, as a check cell does), ``"probe"``
    (call and record the raw values, mark nothing: the grader's cell in the student's kernel) or
    ``"replay"`` (mark the recorded values of a probe, calling nothing: the grader's process).
    """

    def __init__(self, mode: str = LIVE, records: Sequence[Any] = ()) -> None:
        if mode not in (LIVE, PROBE, REPLAY):
            raise ValueError(f"mode must be live, probe or replay; got {mode!r}")
        self.mode = mode
        self.items: list[Item] = []
        self.records: list[Any] = list(records)
        self._next = 0

    @property
    def marks(self) -> bool:
        """Whether this sheet marks (False while probing: the kernel only returns values)."""
        return self.mode != PROBE

    # -- marking -----------------------------------------------------------------------------

    def expect(self, ok: bool, description: str, points: int, feedback: str = "") -> bool:
        """Mark one property: all its points when ``ok``, none (with ``feedback``) otherwise."""
        ok = bool(ok)
        self.items.append(Item(description, points, points if ok else 0, "" if ok else feedback))
        return ok

    def shape(self, name: str, value: Any, shape: Sequence[int], points: int, legend: str) -> bool:
        """``value`` is a tensor/array of ``shape``; ``legend`` names it, e.g. "(B, H)"."""
        shape = tuple(shape)
        got = getattr(value, "shape", None)
        ok = got is not None and tuple(got) == shape
        feedback = f"{name} must be {legend} = {shape}; got {_describe(value)}."
        return self.expect(ok, f"{name} has shape {legend}", points, feedback)

    def close(
        self,
        name: str,
        value: Any,
        reference: Any,
        description: str,
        points: int,
        *,
        hint: str,
        rtol: float = 1e-5,
        atol: float = 1e-6,
        mistakes: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
        factor: tuple[str, float] | None = None,
    ) -> bool:
        """``value`` equals ``reference`` elementwise (within rtol/atol).

        Feedback gives the largest error, never the reference. ``mistakes`` maps a diagnosis
        ("the forget gate is missing: c_t must keep f * c_{t-1}") to the value that mistake
        produces (or is a function returning that dict, called only when the value is wrong);
        when the student's value matches one, that diagnosis replaces the hint. ``factor``
        (``("p", 7)``) names a size a wrong value may be off by exactly (a sum for a mean).

        A value of the wrong shape that holds the right numbers (``(m,)`` for ``(m, 1)``) loses
        only the shape point, which a check marks apart: here it is compared after a reshape.
        """
        if not self.marks:
            return False
        ref = _as_array(reference)
        got = _as_array(value)
        if got is not None and got.shape != ref.shape and got.size == ref.size:
            if tuple(d for d in got.shape if d != 1) == tuple(d for d in ref.shape if d != 1):
                got = got.reshape(ref.shape)
        if got is None or got.shape != ref.shape:
            feedback = f"{name} should have shape {ref.shape}; got {_describe(value)}."
            return self.expect(False, description, points, feedback)
        if not np.all(np.isfinite(got)):
            feedback = f"{name} contains NaN or inf. {hint}"
            return self.expect(False, description, points, feedback)
        ok = np.allclose(got, ref, rtol=rtol, atol=atol)
        if ok:
            return self.expect(True, description, points)
        error = float(np.max(np.abs(got - ref)))
        feedback = f"{name} is off by up to {error:.3g}. {hint}"
        if factor is not None:
            symbol, size = factor
            for scale, how in ((size, "times"), (1 / size, "divided by")):
                if np.allclose(got, scale * ref, rtol=rtol, atol=atol):
                    return self.expect(
                        False,
                        description,
                        points,
                        f"{name} is exactly {how} {symbol} = {size:g} what it should be: a sum "
                        "where a mean belongs, or the other way round. " + hint,
                    )
        if callable(mistakes):
            mistakes = mistakes()
        for diagnosis, wrong in (mistakes or {}).items():
            wrong = _as_array(wrong)
            if wrong.shape == got.shape and np.allclose(got, wrong, rtol=rtol, atol=atol):
                feedback = f"{name} is off by up to {error:.3g}. It looks like {diagnosis}"
                break
        return self.expect(False, description, points, feedback)

    # -- calling the student's code ------------------------------------------------------------

    def probe(self, compute: Callable[[], Any]) -> Any:
        """The raw value ``compute()`` gives in the student's kernel, as the grader will see it.

        Live and probe mode run ``compute`` (a :class:`StudentError` it raises is recorded too);
        replay mode runs nothing and returns the next recorded value instead.
        """
        if self.mode == REPLAY:
            if self._next >= len(self.records):
                raise StudentError(
                    "your notebook's kernel returned fewer values than this check needs (the "
                    "run stopped early, or something in the notebook changed the grader's cell)"
                )
            record = self.records[self._next]
            self._next += 1
            if isinstance(record, dict) and set(record) == {"error"}:
                raise StudentError(str(record["error"])[:2000])
            if not isinstance(record, dict) or set(record) != {"value"}:
                raise StudentError("your notebook's kernel returned a malformed value")
            try:
                return _wire.decode(record["value"])
            except _wire.WireError as exc:
                raise StudentError(
                    f"your notebook's kernel returned a malformed value: {exc}"
                ) from None
        try:
            data = _wire.encode(compute())
        except StudentError as exc:
            self.records.append({"error": str(exc)})
            raise
        self.records.append({"value": data})
        return _wire.decode(data)

    def call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Call the student's ``fn`` (through :meth:`probe`); raise :class:`StudentError` when
        it raises. Array arguments are copied; the student's prints are swallowed."""
        label = getattr(fn, "__name__", "your function")

        def compute() -> Any:
            if not callable(fn):
                raise StudentError(f"expected a function {label}(...); got {_describe(fn)}.")
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    return fn(*map(_copy, args), **{k: _copy(v) for k, v in kwargs.items()})
            except NotImplementedError as exc:
                message = str(exc) or label
                raise StudentError(
                    f"not implemented yet ({message}): replace the `...` and the "
                    "`raise NotImplementedError` by your code, run that cell, then this one."
                ) from None
            except Exception as exc:  # the student's bug is the check's subject: report it
                raise StudentError(
                    f"{label} raised {type(exc).__name__}: {exc}{_where(exc)}"
                ) from None

        return self.probe(compute)

    def unpack(self, value: Any, names: Sequence[str], label: str) -> tuple[Any, ...]:
        """``value`` is a tuple/list of ``len(names)``; otherwise the check stops."""
        if not isinstance(value, (tuple, list)) or len(value) != len(names):
            raise StudentError(f"{label} must return ({', '.join(names)}); got {_describe(value)}.")
        return tuple(value)
