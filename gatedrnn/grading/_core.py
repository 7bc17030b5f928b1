"""The machinery behind every graded check: items with points, reports, and the registry.

A check is a function ``check_x(sheet, student_fn, ...)`` decorated with :func:`check`. It calls
the student's code through ``sheet.call`` and marks properties on the sheet (``sheet.shape``,
``sheet.close``, ``sheet.expect``), each worth some points. Properties never print the reference
answer: feedback names the property that failed, how far off it is, and a hint.

The decorated object is a :class:`Check`:

- ``check_x(fn)`` (in a notebook) prints the score table when every point is earned and raises
  :class:`CheckFailed` (an ``AssertionError``) with the table otherwise, so the cell fails;
- ``check_x.run(fn)`` returns the :class:`Report` without printing or raising (tests, grader).
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import io
import json
import os
import textwrap
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

__all__ = [
    "Check",
    "CheckFailed",
    "EXERCISES",
    "Item",
    "Report",
    "Sheet",
    "StudentError",
    "check",
    "grade_in_namespace",
    "question",
]

PASS, FAIL = "\u2713", "\u2717"  # check mark, ballot x
_WIDTH = 92


class CheckFailed(AssertionError):
    """A check cell that did not earn full marks; the message is the score table."""

    __module__ = "gatedrnn.grading"

    def __init__(self, report: Report):
        super().__init__(report.table())
        self.report = report


class StudentError(Exception):
    """The student's code raised, returned something unusable, or a name is missing.

    The check stops there; every point not yet marked is lost with this message as feedback.
    """


@dataclasses.dataclass(frozen=True)
class Item:
    """One property of a question: what was tested, its points, and feedback if it failed."""

    description: str
    points: int
    earned: int
    feedback: str = ""

    @property
    def passed(self) -> bool:
        return self.earned == self.points


@dataclasses.dataclass(frozen=True)
class Report:
    """The result of one check: a question, its items, and the total points."""

    question: str
    title: str
    points: int
    items: tuple[Item, ...]

    @property
    def earned(self) -> int:
        return sum(item.earned for item in self.items)

    @property
    def passed(self) -> bool:
        return self.earned == self.points

    def failed_items(self) -> list[Item]:
        return [item for item in self.items if not item.passed]

    def table(self) -> str:
        """The score table shown in the notebook and by the grader."""
        lines = [
            f"Exercise {self.question} \u00b7 {self.title}: {self.earned}/{self.points} points"
        ]
        for item in self.items:
            mark = PASS if item.passed else FAIL
            lines.append(f"  {mark} {item.earned}/{item.points}  {item.description}")
            if item.feedback:
                body = textwrap.fill(
                    item.feedback, _WIDTH, initial_indent=" " * 9, subsequent_indent=" " * 9
                )
                lines.append(body)
        return "\n".join(lines)

    __str__ = table

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """The report that :meth:`to_dict` described (the grader reads it back from a kernel)."""
        items = tuple(
            Item(i["description"], i["points"], i["earned"], i["feedback"]) for i in data["items"]
        )
        return cls(data["question"], data["title"], data["points"], items)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "title": self.title,
            "points": self.points,
            "earned": self.earned,
            "passed": self.passed,
            "items": [dataclasses.asdict(item) | {"passed": item.passed} for item in self.items],
        }


# --------------------------------------------------------------------------------------------
# The sheet: how a check marks properties


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


class Sheet:
    """Collects the marked items of one check."""

    def __init__(self) -> None:
        self.items: list[Item] = []

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
        mistakes: dict[str, Any] | None = None,
    ) -> bool:
        """``value`` equals ``reference`` elementwise (within rtol/atol).

        Feedback gives the largest error, never the reference. ``mistakes`` maps a diagnosis
        ("the forget gate is missing: c_t must keep f * c_{t-1}") to the value that mistake
        produces; when the student's value matches one, that diagnosis replaces the hint.
        """
        ref = _as_array(reference)
        got = _as_array(value)
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
        for diagnosis, wrong in (mistakes or {}).items():
            wrong = _as_array(wrong)
            if wrong.shape == got.shape and np.allclose(got, wrong, rtol=rtol, atol=atol):
                feedback = f"{name} is off by up to {error:.3g}. It looks like {diagnosis}"
                break
        return self.expect(False, description, points, feedback)

    # -- calling the student's code ------------------------------------------------------------

    def call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Call the student's ``fn``; raise :class:`StudentError` when it raises.

        The student's prints are swallowed so that check output stays one table.
        """
        label = getattr(fn, "__name__", "your function")
        if not callable(fn):
            raise StudentError(f"expected a function {label}(...); got {_describe(fn)}.")
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                return fn(*args, **kwargs)
        except NotImplementedError as exc:
            message = str(exc) or label
            raise StudentError(
                f"not implemented yet ({message}): replace the `...` and the "
                "`raise NotImplementedError` by your code, run that cell, then this one."
            ) from None
        except Exception as exc:  # the student's bug is the check's subject: report, not crash
            raise StudentError(f"{label} raised {type(exc).__name__}: {exc}{_where(exc)}") from None

    def unpack(self, value: Any, names: Sequence[str], label: str) -> tuple[Any, ...]:
        """``value`` is a tuple/list of ``len(names)``; otherwise the check stops."""
        if not isinstance(value, (tuple, list)) or len(value) != len(names):
            raise StudentError(f"{label} must return ({', '.join(names)}); got {_describe(value)}.")
        return tuple(value)


# --------------------------------------------------------------------------------------------
# Checks and the registry

EXERCISES: dict[str, list[Check]] = {}
"""Exercise notebook stem ("ex03_lstm") -> its checks in question order."""

QUESTIONS: dict[str, Check] = {}
"""Question id ("3.1") -> its check."""


class Check:
    """A graded check of one question; see the module docstring."""

    def __init__(
        self, fn: Callable[..., None], question: str, title: str, points: int, exercise: str
    ) -> None:
        self.fn = fn
        self.question = question
        self.title = title
        self.points = points
        self.exercise = exercise
        self.__name__ = fn.__name__
        self.__qualname__ = fn.__qualname__
        self.__module__ = fn.__module__
        self.__doc__ = fn.__doc__
        parameters = list(inspect.signature(fn).parameters)[1:]
        self.arg_names: tuple[str, ...] = tuple(parameters)
        """Names the student's notebook defines and the check cell passes, in order."""

    @property
    def call_source(self) -> str:
        """The check cell's code, e.g. ``grading.check_lstm_step(lstm_step)``."""
        return f"grading.{self.__name__}({', '.join(self.arg_names)})"

    def nothing(self, feedback: str) -> Report:
        """The report of a question that could not be checked at all: no points, one reason."""
        return Report(
            self.question,
            self.title,
            self.points,
            (Item("every property", self.points, 0, feedback),),
        )

    def run(self, *args: Any) -> Report:
        """Mark the student's ``args`` and return the report.

        Prints nothing; raises only when the check itself is broken (not for the student's bugs).
        """
        if len(args) != len(self.arg_names):
            raise TypeError(
                f"{self.__name__} takes {len(self.arg_names)} argument(s) "
                f"({', '.join(self.arg_names)}); got {len(args)}"
            )
        sheet = Sheet()
        stopped = ""
        rng_state = np.random.get_state()
        with torch.random.fork_rng(devices=[]):
            try:
                self.fn(sheet, *args)
            except StudentError as exc:
                stopped = str(exc)
            finally:
                np.random.set_state(rng_state)
        items = list(sheet.items)
        marked = sum(item.points for item in items)
        if stopped:
            remaining = self.points - marked
            if remaining > 0:
                description = "the remaining properties" if items else "every property"
                items.append(Item(description, remaining, 0, stopped))
        elif marked != self.points:
            raise RuntimeError(
                f"{self.__name__} marked {marked} points but is declared with {self.points}"
            )
        return Report(self.question, self.title, self.points, tuple(items))

    def __call__(self, *args: Any) -> None:
        """Run the check in a notebook: print the table, or raise CheckFailed with it."""
        __tracebackhide__ = True
        report = self.run(*args)
        if not report.passed:
            raise CheckFailed(report)
        print(report.table())

    def __repr__(self) -> str:
        return f"<check {self.question} ({self.title}, {self.points} points): {self.call_source}>"


def check(question: str, title: str, *, points: int, exercise: str) -> Callable[..., Check]:
    """Register ``fn(sheet, *student_args)`` as the graded check of ``question`` ("3.1")."""

    def register(fn: Callable[..., None]) -> Check:
        if question in QUESTIONS:
            raise ValueError(f"question {question} is registered twice")
        number = int(exercise[2:4])
        if not question.startswith(f"{number}."):
            raise ValueError(f"question {question} does not belong to {exercise}")
        obj = Check(fn, question, title, points, exercise)
        QUESTIONS[question] = obj
        EXERCISES.setdefault(exercise, []).append(obj)
        EXERCISES[exercise].sort(key=lambda c: tuple(int(p) for p in c.question.split(".")))
        return obj

    return register


def question(question_id: str) -> Check:
    """The check registered for ``question_id`` ("3.1")."""
    try:
        return QUESTIONS[question_id]
    except KeyError:
        raise ValueError(
            f"no graded question {question_id!r}; known: {', '.join(sorted(QUESTIONS))}"
        ) from None


def grade_in_namespace(question_id: str, namespace: dict[str, Any]) -> str:
    """Grade ``question_id`` with the objects a notebook defined; the report as JSON.

    The grader runs this in the student's kernel after the student's own cells, with the
    kernel's ``globals()``, so that it grades with its own copy of the check.
    """
    obj = question(question_id)
    missing = [name for name in obj.arg_names if name not in namespace]
    if missing:
        feedback = (
            f"{', '.join(missing)} is not defined: keep the name the exercise gives it, and "
            "make sure the cell that defines it runs without an error."
        )
        report = obj.nothing(feedback)
    else:
        report = obj.run(*(namespace[name] for name in obj.arg_names))
    return json.dumps(report.to_dict(), ensure_ascii=False)
